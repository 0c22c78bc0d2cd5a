/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_HANDSHAKE_H
#define _BBLOG_HANDSHAKE_H

#include <linux/types.h>
#include <linux/tcp_bblog.h>

struct bblog_hs;
struct bblog_tuple;
struct net;
struct request_sock;
struct sk_buff;
struct sock;

/*
 * Records a handshake keeps: the SYN and SYN-ACKs, retransmissions too
 * (a SYN-ACK lost for 7 s is already 11), and what else reaches its
 * 4-tuple (a client's data and ACKs while a full accept queue makes its
 * request ignore them: 8 in 10 s).  26 of 288 bytes and the entry's head
 * fill one 8 KiB allocation.
 */
#define BBLOG_HS_RECORDS	26

int bblog_hs_init(void);
void bblog_hs_uninit(void);
bool bblog_hs_pending(void);
bool bblog_hs_wanted(const struct sock *lsk);
/* A SYN to @lsk, which bblog_hs_wanted(); @full: its accept queue is. */
void bblog_hs_syn(const struct sock *lsk, const struct sk_buff *skb,
		  const struct bblog_tuple *key, int th_off, bool full);
bool bblog_hs_synack(const struct sk_buff *skb, const struct bblog_tuple *key,
		     int th_off);
bool bblog_hs_in(const struct sk_buff *skb, const struct bblog_tuple *key,
		 int th_off);
void bblog_hs_rst_sent(const struct bblog_tuple *key, u32 why, u32 raw);
void bblog_hs_req_end(const struct request_sock *req);
void bblog_hs_listener_close(const struct sock *lsk);
void bblog_hs_net_exit(const struct net *net);
struct bblog_hs *bblog_hs_take(const struct bblog_tuple *key);
unsigned int bblog_hs_records(const struct bblog_hs *hs, bool child,
			      const struct bblog_record **rec, unsigned int *lost);
int bblog_hs_find_segment(const struct bblog_hs *hs, const struct sk_buff *skb,
			  int th_off, int *first);
void bblog_hs_put(struct bblog_hs *hs);

#endif /* _BBLOG_HANDSHAKE_H */
