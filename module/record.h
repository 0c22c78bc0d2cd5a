/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_RECORD_H
#define _BBLOG_RECORD_H

#include <linux/types.h>
#include <linux/tcp_bblog.h>

struct sock;
struct sk_buff;

/* What an event adds to the TCP state snapshot. */
struct bblog_event {
	u8 id;			/* BBLOG_EV_* */
	s32 err;
	u32 arg1;
	u32 arg2;
	const struct sk_buff *skb;	/* segment whose TCP header is logged, or NULL */
	int th_off;			/* offset of that header from skb->data */
	const u8 *data;			/* BBLOG_EV_USER: its data, or NULL */
	u8 data_len;			/* at most BBLOG_USER_DATA_LEN */
};

void bblog_record_fill(struct bblog_record *rec, const struct sock *sk,
		       const struct bblog_event *ev, u32 sn);
unsigned int bblog_record_copy_hdr(struct bblog_record *rec,
				   const struct sk_buff *skb, int off);

#endif /* _BBLOG_RECORD_H */
