/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_LOGID_H
#define _BBLOG_LOGID_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/tcp_bblog.h>

struct bblog_conn;
struct net;

/*
 * A log ID bucket: the connections of one network namespace that share an
 * ID, open ones and retained closed ones.  Freed when its last connection
 * leaves.  An ID set without CAP_NET_ADMIN belongs to the socket's owner:
 * users who pick the same ID get separate buckets.  One set with it is
 * shared by every such caller (owner INVALID_UID), as FreeBSD's IDs are.
 */
struct bblog_logid {
	struct hlist_node hnode;	/* in bblog_ids, by (net_cookie, owner, id) */
	u64 net_cookie;
	kuid_t owner;
	char id[BBLOG_ID_LEN];
	char tag[BBLOG_TAG_LEN];
	struct list_head conns;
	unsigned int nconns;
	s8 mode;			/* auto-selected mode, or OFF */
};

extern spinlock_t bblog_ids_lock;

kuid_t bblog_logid_owner_for(const struct sock *sk);
int bblog_logid_set(struct bblog_conn *c, struct sock *sk, const char *id,
		    kuid_t owner, gfp_t gfp);
int bblog_logid_set_tag(struct bblog_conn *c, const char *tag);
int bblog_logid_count(struct bblog_conn *c, const struct sock *sk, u32 *count);
int bblog_logid_dump(struct bblog_conn *c, struct sock *sk, const char *reason);
int bblog_logid_dump_all(struct bblog_conn *c, const char *reason);
void bblog_logid_label(struct bblog_conn *c, char *id, char *tag,
		       kuid_t *owner);
void bblog_logid_retain(struct bblog_conn *c, unsigned int ms);
void bblog_logid_leave(struct bblog_conn *c);
void bblog_logid_retention_cut(u64 net_cookie, unsigned int ms);
unsigned int bblog_logid_collect_retained(u64 net_cookie, struct bblog_conn **out,
					  unsigned int max);
int bblog_logid_dump_name(u64 net_cookie, const char *id, const char *reason);
void bblog_logid_uninit(void);

#endif /* _BBLOG_LOGID_H */
