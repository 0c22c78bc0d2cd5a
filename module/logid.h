/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_LOGID_H
#define _BBLOG_LOGID_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/tcp_bblog.h>

struct bblog_conn;
struct sock;

/* What names a bucket in its namespace: its owner and the ID (NUL-padded). */
struct bblog_logid_key {
	kuid_t owner;
	char id[BBLOG_ID_LEN];
};

/*
 * A namespace's log IDs: a table of buckets (resizable, with its own random
 * hash seed) and, oldest expiry first, its closed connections kept for
 * dumps by ID, expired by a work of its own.
 */
struct bblog_ids {
	struct rhashtable table;
	spinlock_t lock;		/* all, retained */
	struct list_head all;		/* every bucket, for the control plane */
	struct list_head retained;	/* by expiry */
	struct delayed_work expire;
};

/*
 * A log ID bucket: the connections of one network namespace that share an
 * ID, open ones and retained closed ones.  Freed when its last connection
 * leaves.  An ID set without CAP_NET_ADMIN belongs to the socket's owner:
 * users who pick the same ID get separate buckets.  One set with it is
 * shared by every such caller (owner INVALID_UID), as FreeBSD's IDs are.
 */
struct bblog_logid {
	struct rhash_head node;		/* in ids->table, by key */
	struct bblog_logid_key key;
	struct list_head all;		/* in ids->all */
	struct bblog_ids *ids;		/* its namespace's */
	struct rcu_head rcu;
	spinlock_t lock;		/* conns, nconns, tag, dead */
	bool dead;			/* its last connection left */
	s8 mode;			/* auto-selected mode, or OFF */
	unsigned int nconns;
	struct list_head conns;
	char tag[BBLOG_TAG_LEN];
};

int bblog_ids_init(struct bblog_ids *ids);
void bblog_ids_exit(struct bblog_ids *ids);
void bblog_ids_reap_all(struct bblog_ids *ids);
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
void bblog_logid_retention_cut(struct bblog_ids *ids, unsigned int ms);
unsigned int bblog_logid_collect_retained(struct bblog_ids *ids,
					  struct bblog_conn **out,
					  unsigned int max);
int bblog_logid_dump_name(struct bblog_ids *ids, const char *id,
			  const char *reason);
void bblog_logid_uninit(void);

#endif /* _BBLOG_LOGID_H */
