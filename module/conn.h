/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_CONN_H
#define _BBLOG_CONN_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/tcp_bblog.h>

#include "policy.h"
#include "record.h"
#include "ring.h"

struct bblog_logid;
struct bblog_nstats;
struct sock;

/* Who a connection is, for dump headers (kept after the socket is gone). */
struct bblog_endpoint {
	u64 cookie;
	u64 net_cookie;
	u32 netns;
	u32 uid;
	u64 cgroup;			/* cgroup v2 id of the socket; 0 unknown */
	u8 owner_how;			/* BBLOG_OWNER_*, with bblog_conn.owner */
	char owner_comm[BBLOG_COMM_LEN];
	u16 family;
	__be16 lport;
	__be16 fport;
	u8 laddr[16];
	u8 faddr[16];
	char ca_name[BBLOG_CA_NAME_LEN];
};

/* A connection's 4-tuple, as the key of incoming segments. */
struct bblog_tuple {
	const struct net *net;
	u8 laddr[16];
	u8 faddr[16];
	__be16 lport;
	__be16 fport;
	u16 family;
	u16 pad;		/* zero */
};

/*
 * One logged connection.  Found by its socket pointer in bblog_conns while
 * the socket lives; kept in its log ID's bucket after close for
 * closed_retention_ms.  References: one while in the table, one while in a
 * bucket, and temporary ones; freed after an RCU grace period.
 */
struct bblog_conn {
	struct rhash_head node;
	const struct sock *sk;		/* table key */
	struct rhash_head tnode;	/* in bblog_tuples once keyed */
	struct bblog_tuple tuple;	/* its key */
	struct rhash_head lnode;	/* in bblog_listeners while a listener */
	u64 lcookie;			/* its key: the listener's socket cookie */
	refcount_t ref;
	struct rcu_head rcu;

	spinlock_t lock;		/* everything below */
	s8 mode;			/* BBLOG_MODE_* */
	bool dead;			/* socket destroyed: log nothing more */
	bool auto_selected;		/* mode set by auto_ratio: BBLOG_DF_AUTO */
	bool passive;			/* selected as a passive child */
	bool inherited;			/* mode and ID from its listener */
	bool listener;			/* a listening socket: a template */
	bool lfiled;			/* in bblog_listeners */
	bool retrans_fired;		/* the retrans=N trigger fired */
	bool creator_seen;		/* tcp_rcv_state_process() saw a segment */
	u8 end_seen;			/* BBLOG_ENDF_*: what tells how it ended */
	u16 last_err;			/* the last socket error (positive) */
	bool key_tried;			/* the socket had both ports */
	bool keyed;			/* in bblog_tuples */
	bool clashed;			/* a twin held its tuple (counted) */
	bool hs_looked;			/* passive: its handshake looked for */
	u32 rule;			/* handle of the rule that selected it */
	struct bblog_triggers triggers;	/* its rule's, besides the namespace's */
	u32 sn;
	u32 limit;
	u32 dump_seq;
	u32 last_rcvbuf;
	u64 lost_nomem;
	u64 lost_limit;
	u64 overwritten;
	u64 lost_export;
	struct user_namespace *user_ns;	/* owner of the socket's network namespace */
	struct pid *owner;		/* the process that connected or accepted it */
	struct bblog_nstats *nstats;	/* its counters (a reference) */
	char *listen_id;		/* listener: the ID its children join */
	kuid_t listen_owner;		/* and the owner of its bucket */
	struct bblog_ring ring;
	struct bblog_endpoint ep;

	/* Its bucket: set and read under this lock. */
	struct bblog_logid *logid;
	struct list_head id_node;	/* in logid->conns, under its lock */
	unsigned long expires;		/* jiffies, once closed and retained */
	struct list_head retained;	/* in logid->ids->retained, under its lock */
};

int bblog_conn_init(void);
void bblog_conn_uninit(void);
unsigned long bblog_conn_count(void);
bool bblog_conn_any(void);
bool bblog_conn_keyed_in(const struct net *net);

struct bblog_conn *bblog_conn_lookup(const struct sock *sk);
bool bblog_conn_log_tuple(const struct bblog_tuple *key, const struct bblog_event *ev);
bool bblog_conn_log_sock_in(const struct sock *sk, const struct bblog_event *ev);
void bblog_conn_log_rcv(const struct sock *sk, const struct bblog_event *ev);
struct bblog_conn *bblog_conn_get_or_create(struct sock *sk, int mode, gfp_t gfp);
void bblog_conn_get(struct bblog_conn *c);
void bblog_conn_put(struct bblog_conn *c);

void bblog_conn_log(const struct sock *sk, const struct bblog_event *ev);
void bblog_conn_log_locked(struct bblog_conn *c, const struct sock *sk,
			   const struct bblog_event *ev);
void bblog_conn_set_mode_locked(struct bblog_conn *c, int mode);
int bblog_conn_dump_locked(struct bblog_conn *c, const char *reason);
void bblog_conn_snapshot(struct bblog_conn *c, const struct sock *sk);
void bblog_conn_owner(const struct sock *sk, u8 how);
void bblog_conn_end_oom(const struct sock *sk);
u32 bblog_conn_owner_nr(const struct bblog_conn *c, bool global);
void bblog_conn_new_sock(struct sock *sk, bool passive);
void bblog_conn_new_child(struct sock *child, const struct sock *listener);
void bblog_conn_passive_select(struct sock *sk);
bool bblog_conn_passive_first(const struct sock *sk, const struct bblog_event *ev);
void bblog_conn_passive_established(const struct sock *sk);
void bblog_conn_listen(struct sock *sk, bool listening);
void bblog_conn_tuple_change(const struct sock *sk, bool closing);
int bblog_conn_make_listener(struct bblog_conn *c, struct sock *sk);
void bblog_conn_discard(struct sock *sk);
unsigned int bblog_conn_collect(u64 net_cookie, struct bblog_conn **out,
				unsigned int max);
void bblog_conn_destroy(struct sock *sk);

#endif /* _BBLOG_CONN_H */
