// SPDX-License-Identifier: GPL-2.0
/*
 * Log IDs: connections of one network namespace that share an ID form a
 * bucket; dumping the ID dumps every connection in it, open ones and those
 * closed within closed_retention_ms.
 *
 * Each namespace has its own table of buckets (an rhashtable: it grows
 * with the IDs in use, and its hash seed is random) and its own list of
 * retained connections, ordered by expiry (one retention time per
 * namespace, appended as they close): its expiry work frees them from the
 * head and sleeps until the next one is due.  A bucket's members are
 * under the bucket's own lock, so dumps of different IDs do not contend.
 *
 * Lock order: a connection's lock, then its namespace's ids->lock, then a
 * bucket's lock.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include "conn.h"
#include "logid.h"
#include "policy.h"
#include "sysctl.h"

static const struct rhashtable_params bblog_logid_params = {
	.key_len		= sizeof(struct bblog_logid_key),
	.key_offset		= offsetof(struct bblog_logid, key),
	.head_offset		= offsetof(struct bblog_logid, node),
	.automatic_shrinking	= true,
};

static void bblog_logid_expire(struct work_struct *work);

int bblog_ids_init(struct bblog_ids *ids)
{
	spin_lock_init(&ids->lock);
	INIT_LIST_HEAD(&ids->all);
	INIT_LIST_HEAD(&ids->retained);
	INIT_DELAYED_WORK(&ids->expire, bblog_logid_expire);
	return rhashtable_init(&ids->table, &bblog_logid_params);
}

static void bblog_logid_key(struct bblog_logid_key *key, kuid_t owner,
			    const char *id)
{
	memset(key, 0, sizeof(*key));
	key->owner = owner;
	strscpy(key->id, id, sizeof(key->id));
}

/* The bucket of (@owner, @id) in @ids, or NULL; under rcu_read_lock(). */
static struct bblog_logid *bblog_logid_find(struct bblog_ids *ids, kuid_t owner,
					    const char *id)
{
	struct bblog_logid_key key;

	bblog_logid_key(&key, owner, id);
	return rhashtable_lookup(&ids->table, &key, bblog_logid_params);
}

/*
 * Whose bucket an ID set now on @sk joins: shared with CAP_NET_ADMIN in the
 * socket's namespace, else its owner's own.  Process context only.
 */
kuid_t bblog_logid_owner_for(const struct sock *sk)
{
	if (ns_capable_noaudit(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return INVALID_UID;
	return sk->sk_uid;
}

/*
 * Take @c out of its bucket (and out of the retained list); the bucket goes
 * when it was the last.
 */
static void bblog_logid_unlink(struct bblog_conn *c)
{
	struct bblog_logid *b = c->logid;
	struct bblog_ids *ids = b->ids;
	bool last;

	lockdep_assert_held(&c->lock);
	spin_lock(&ids->lock);
	list_del_init(&c->retained);
	spin_lock(&b->lock);
	list_del_init(&c->id_node);
	last = !--b->nconns;
	if (last)
		b->dead = true;
	spin_unlock(&b->lock);
	if (last) {
		list_del(&b->all);
		rhashtable_remove_fast(&ids->table, &b->node, bblog_logid_params);
	}
	spin_unlock(&ids->lock);
	c->logid = NULL;
	if (last)
		kfree_rcu(b, rcu);
}

/*
 * Copy the ID and tag for a dump header ("" if the connection has none),
 * and the bucket's owner if @owner.
 */
void bblog_logid_label(struct bblog_conn *c, char *id, char *tag,
		       kuid_t *owner)
{
	struct bblog_logid *b = c->logid;

	lockdep_assert_held(&c->lock);
	if (!b)
		return;
	memcpy(id, b->key.id, BBLOG_ID_LEN);
	if (owner)
		*owner = b->key.owner;
	spin_lock(&b->lock);
	memcpy(tag, b->tag, BBLOG_TAG_LEN);
	spin_unlock(&b->lock);
}

/*
 * The bucket of (@owner, @id) in @sk's namespace, made if there is none
 * (@fresh, which is then used up); it may be going (dead) already.  An
 * error if the table had no room, or if @fresh was used up by a bucket
 * that went again at once (its only member joined and left: -EAGAIN).
 * Under rcu_read_lock().
 */
static struct bblog_logid *bblog_logid_get(struct sock *sk, kuid_t owner,
					   const char *id,
					   struct bblog_logid **fresh)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	struct bblog_ids *ids = &bn->ids;
	struct bblog_logid *b, *old;

	b = bblog_logid_find(ids, owner, id);
	if (b)
		return b;
	if (!*fresh)
		return ERR_PTR(-EAGAIN);
	b = *fresh;
	bblog_logid_key(&b->key, owner, id);
	b->ids = ids;
	spin_lock_init(&b->lock);
	INIT_LIST_HEAD(&b->conns);
	b->mode = BBLOG_MODE_OFF;
	if (!READ_ONCE(bn->auto_all) && !READ_ONCE(bn->disable_all) &&
	    bblog_ratio_select(&bn->auto_counter, READ_ONCE(bn->auto_ratio)))
		b->mode = READ_ONCE(bn->auto_mode);
	spin_lock(&ids->lock);
	old = rhashtable_lookup_get_insert_fast(&ids->table, &b->node,
						bblog_logid_params);
	if (!old)
		list_add_tail(&b->all, &ids->all);
	spin_unlock(&ids->lock);
	if (old)
		return old;
	*fresh = NULL;
	return b;
}

/* @c joins @b unless @b is going; a connection not logging takes its mode. */
static bool bblog_logid_join(struct bblog_conn *c, struct bblog_logid *b)
{
	bool joined;

	lockdep_assert_held(&c->lock);
	spin_lock(&b->lock);
	joined = !b->dead;
	if (joined) {
		list_add_tail(&c->id_node, &b->conns);
		b->nconns++;
		c->logid = b;
		if (c->mode == BBLOG_MODE_OFF && b->mode > BBLOG_MODE_OFF) {
			c->mode = b->mode;
			c->auto_selected = true;
		}
	}
	spin_unlock(&b->lock);
	return joined;
}

/*
 * BBLOG_SO_ID: move the connection to the bucket of (@owner, @id) ("" leaves
 * its bucket).  A new bucket takes part in the auto ratio when auto_all is
 * 0; a connection that is not logging inherits its bucket's mode.
 */
int bblog_logid_set(struct bblog_conn *c, struct sock *sk, const char *id,
		    kuid_t owner, gfp_t gfp)
{
	struct bblog_logid *b, *fresh;
	int err = 0;

	if (!*id) {
		bblog_logid_leave(c);
		return 0;
	}
	fresh = kzalloc(sizeof(*fresh), gfp | __GFP_NOWARN);
	if (!fresh)
		return -ENOMEM;

	spin_lock_bh(&c->lock);
	if (c->logid && !strcmp(c->logid->key.id, id) &&
	    uid_eq(c->logid->key.owner, owner))
		goto out;
	/* As FreeBSD: what an auto mode holds is dumped before the switch. */
	if (c->logid && bblog_mode_dumps_at_close(c->mode))
		bblog_conn_dump_locked(c, "auto-dumped at id switch");
	if (c->logid)
		bblog_logid_unlink(c);
	else
		bblog_conn_get(c);	/* the bucket's reference */

	rcu_read_lock();
	do {
		b = bblog_logid_get(sk, owner, id, &fresh);
	} while (!IS_ERR(b) && !bblog_logid_join(c, b));
	rcu_read_unlock();
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		bblog_conn_put(c);	/* it has no bucket now */
	}
out:
	spin_unlock_bh(&c->lock);
	kfree(fresh);
	return err;
}

int bblog_logid_set_tag(struct bblog_conn *c, const char *tag)
{
	struct bblog_logid *b;
	int err = 0;

	spin_lock_bh(&c->lock);
	b = c->logid;
	if (b) {
		spin_lock(&b->lock);
		strscpy(b->tag, tag, sizeof(b->tag));
		spin_unlock(&b->lock);
	} else {
		err = -ENOENT;
	}
	spin_unlock_bh(&c->lock);
	return err;
}

/*
 * The bucket of @c: its own, or for a listener the bucket of the ID its
 * connections join, found in @ids (NULL while none of them exists; it may
 * be going).  Under rcu_read_lock().
 */
static struct bblog_logid *bblog_logid_of(struct bblog_conn *c,
					  struct bblog_ids *ids)
{
	lockdep_assert_held(&c->lock);
	if (c->listener)
		return c->listen_id && ids ?
		       bblog_logid_find(ids, c->listen_owner, c->listen_id) : NULL;
	return c->logid;
}

/*
 * BBLOG_SO_ID_CNT: connections in @c's bucket; for a listener with an ID,
 * the connections that carry it (0 while there are none).
 */
int bblog_logid_count(struct bblog_conn *c, const struct sock *sk, u32 *count)
{
	struct bblog_logid *b;
	int err = 0;

	spin_lock_bh(&c->lock);
	rcu_read_lock();
	b = bblog_logid_of(c, &bblog_net(sock_net(sk))->ids);
	if (b) {
		spin_lock(&b->lock);
		*count = b->dead ? 0 : b->nconns;
		spin_unlock(&b->lock);
	} else if (c->listener && c->listen_id) {
		*count = 0;
	} else {
		err = -ENOENT;
	}
	rcu_read_unlock();
	spin_unlock_bh(&c->lock);
	return err;
}

/*
 * References to the members of @b in @members (room for @max), unless it
 * is going; -EPERM at the first of a user other than @me unless @all.
 * Returns how many.
 */
static unsigned int bblog_logid_members(struct bblog_logid *b,
					struct bblog_conn **members,
					unsigned int max, bool all, u32 me,
					int *err)
{
	struct bblog_conn *m;
	unsigned int n = 0;

	spin_lock(&b->lock);
	if (!b->dead) {
		list_for_each_entry(m, &b->conns, id_node) {
			if (n == max)
				break;
			if (!all && m->ep.uid != me) {
				*err = -EPERM;
				break;
			}
			bblog_conn_get(m);
			members[n++] = m;
		}
	}
	spin_unlock(&b->lock);
	return n;
}

/*
 * A retained connection dumped by its ID has nothing left to keep: it
 * expires now, first in its namespace's list.
 */
static void bblog_logid_expire_now(struct bblog_conn *c)
{
	struct bblog_ids *ids;

	lockdep_assert_held(&c->lock);
	if (!c->logid)
		return;
	ids = c->logid->ids;
	spin_lock(&ids->lock);
	if (!list_empty(&c->retained)) {
		WRITE_ONCE(c->expires, jiffies);
		list_move(&c->retained, &ids->retained);
		mod_delayed_work(system_wq, &ids->expire, 0);
	}
	spin_unlock(&ids->lock);
}

/*
 * Dump each of the @n connections held in @members with @reason (none if
 * @err is set already) and put them.  Returns @err, or -ENOBUFS if some
 * could not be dumped.
 */
static int bblog_logid_dump_members(struct bblog_conn **members, unsigned int n,
				    const char *reason, int err)
{
	struct bblog_conn *m;
	bool refused = err;
	unsigned int i;

	for (i = 0; i < n; i++) {
		m = members[i];
		if (!refused) {
			spin_lock_bh(&m->lock);
			if (bblog_conn_dump_locked(m, reason))
				err = -ENOBUFS;
			else if (m->dead)
				bblog_logid_expire_now(m);
			spin_unlock_bh(&m->lock);
		}
		bblog_conn_put(m);
	}
	return err;
}

/*
 * One dump per connection of @c's ID, all with @reason (for a listener: of
 * the ID it gives its connections, found in @ids).  Unless @all,
 * connections of users other than @me are refused.  Returns 0, -EPERM
 * (nothing dumped), -ENOMEM or -ENOBUFS (some were not).
 */
static int __bblog_logid_dump(struct bblog_conn *c, struct bblog_ids *ids,
			      const char *reason, bool all, u32 me)
{
	struct bblog_conn **members = NULL;
	struct bblog_logid *b;
	unsigned int n = 0;
	int err = 0;

	spin_lock_bh(&c->lock);
	if (!c->logid && !c->listener) {
		err = bblog_conn_dump_locked(c, reason);
		spin_unlock_bh(&c->lock);
		return err ? -ENOBUFS : 0;
	}
	rcu_read_lock();
	b = bblog_logid_of(c, ids);
	/* (a listener whose ID no connection carries: nothing to dump) */
	if (b) {
		unsigned int max = READ_ONCE(b->nconns);

		members = kmalloc_array(max, sizeof(*members),
					GFP_ATOMIC | __GFP_NOWARN);
		if (members)
			n = bblog_logid_members(b, members, max, all, me, &err);
		else
			err = -ENOMEM;
	}
	rcu_read_unlock();
	spin_unlock_bh(&c->lock);

	if (err == -ENOMEM)
		return err;
	err = bblog_logid_dump_members(members, n, reason, err);
	kfree(members);
	return err;
}

/*
 * BBLOG_SO_DUMPID: every connection of @c's ID.  Connections of other
 * users need CAP_NET_ADMIN in the socket's namespace.
 */
int bblog_logid_dump(struct bblog_conn *c, struct sock *sk, const char *reason)
{
	bool admin = ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN);

	return __bblog_logid_dump(c, &bblog_net(sock_net(sk))->ids, reason, admin,
				  from_kuid_munged(&init_user_ns, current_fsuid()));
}

/* A trigger: the kernel dumps every connection of @c's ID (not a listener). */
int bblog_logid_dump_all(struct bblog_conn *c, const char *reason)
{
	return __bblog_logid_dump(c, NULL, reason, true, 0);
}

/*
 * A closed connection with records stays in its bucket for @ms: last in
 * its namespace's list, whose expiry work is due at the first one's time.
 */
void bblog_logid_retain(struct bblog_conn *c, unsigned int ms)
{
	struct bblog_ids *ids;

	spin_lock_bh(&c->lock);
	if (c->logid) {
		ids = c->logid->ids;
		spin_lock(&ids->lock);
		WRITE_ONCE(c->expires, jiffies + msecs_to_jiffies(ms));
		if (list_empty(&ids->retained))
			mod_delayed_work(system_wq, &ids->expire,
					 msecs_to_jiffies(ms));
		list_add_tail(&c->retained, &ids->retained);
		spin_unlock(&ids->lock);
	}
	spin_unlock_bh(&c->lock);
}

/* Take the connection out of its bucket, if it has one. */
void bblog_logid_leave(struct bblog_conn *c)
{
	bool member;

	spin_lock_bh(&c->lock);
	member = c->logid;
	if (member)
		bblog_logid_unlink(c);
	spin_unlock_bh(&c->lock);
	if (member)
		bblog_conn_put(c);	/* the bucket's reference */
}

/*
 * Free the retained connections of @ids whose time is up (@all: every
 * one), from the head of the list, and set the expiry work for the next.
 */
static void bblog_logid_reap(struct bblog_ids *ids, bool all)
{
	struct bblog_conn *c;

	for (;;) {
		spin_lock_bh(&ids->lock);
		c = list_first_entry_or_null(&ids->retained, struct bblog_conn,
					     retained);
		if (c && !all && time_before(jiffies, c->expires)) {
			mod_delayed_work(system_wq, &ids->expire,
					 c->expires - jiffies);
			c = NULL;
		}
		if (c) {
			list_del_init(&c->retained);
			bblog_conn_get(c);	/* its bucket holds one now */
		}
		spin_unlock_bh(&ids->lock);
		if (!c)
			return;
		bblog_logid_leave(c);
		bblog_conn_put(c);
	}
}

static void bblog_logid_expire(struct work_struct *work)
{
	bblog_logid_reap(container_of(to_delayed_work(work), struct bblog_ids,
				      expire), false);
}

/*
 * Connections of @ids's namespace are retained @ms at most from now: its
 * closed_retention_ms was lowered, or (@ms 0) it is going away and no one
 * is left there to dump them by ID.  The list stays in expiry order.
 */
void bblog_logid_retention_cut(struct bblog_ids *ids, unsigned int ms)
{
	unsigned long until = jiffies + msecs_to_jiffies(ms);
	struct bblog_conn *c;

	spin_lock_bh(&ids->lock);
	list_for_each_entry(c, &ids->retained, retained)
		if (time_after(c->expires, until))
			WRITE_ONCE(c->expires, until);
	c = list_first_entry_or_null(&ids->retained, struct bblog_conn, retained);
	if (c)
		mod_delayed_work(system_wq, &ids->expire,
				 time_after(c->expires, jiffies) ?
				 c->expires - jiffies : 0);
	spin_unlock_bh(&ids->lock);
	if (!ms)
		bblog_logid_reap(ids, false);
}

/*
 * References to at most @max closed connections of @ids's namespace
 * retained for dumps by ID; returns how many.  The caller puts each.
 */
unsigned int bblog_logid_collect_retained(struct bblog_ids *ids,
					  struct bblog_conn **out,
					  unsigned int max)
{
	struct bblog_conn *c;
	unsigned int n = 0;

	spin_lock_bh(&ids->lock);
	list_for_each_entry(c, &ids->retained, retained) {
		if (n == max)
			break;
		bblog_conn_get(c);
		out[n++] = c;
	}
	spin_unlock_bh(&ids->lock);
	return n;
}

/*
 * The control plane dumps the log ID @id of @ids's namespace: every bucket
 * of that name (whoever owns it), open connections and retained ones.
 * Returns -ENOENT if none has it, -ENOMEM or -ENOBUFS if some were not
 * dumped.
 */
int bblog_logid_dump_name(struct bblog_ids *ids, const char *id,
			  const char *reason)
{
	struct bblog_conn **members;
	unsigned int n = 0, max = 0;
	struct bblog_logid *b;
	int err = 0;

	spin_lock_bh(&ids->lock);
	list_for_each_entry(b, &ids->all, all)
		if (!strcmp(b->key.id, id))
			max += READ_ONCE(b->nconns);
	spin_unlock_bh(&ids->lock);
	if (!max)
		return -ENOENT;
	members = kvmalloc_array(max, sizeof(*members), GFP_KERNEL);
	if (!members)
		return -ENOMEM;
	spin_lock_bh(&ids->lock);
	list_for_each_entry(b, &ids->all, all)
		if (!strcmp(b->key.id, id))
			n += bblog_logid_members(b, members + n, max - n, true, 0,
						 &err);
	spin_unlock_bh(&ids->lock);

	err = bblog_logid_dump_members(members, n, reason, 0);
	kvfree(members);
	return n ? err : -ENOENT;
}

/* A namespace goes: its retained connections with it (none is open). */
void bblog_ids_exit(struct bblog_ids *ids)
{
	bblog_ids_reap_all(ids);
	WARN_ON_ONCE(!list_empty(&ids->all));
	rhashtable_destroy(&ids->table);
}

/* Every retained connection of @ids freed, its work stopped. */
void bblog_ids_reap_all(struct bblog_ids *ids)
{
	cancel_delayed_work_sync(&ids->expire);
	bblog_logid_reap(ids, true);
}

/*
 * Module exit, every open connection gone: the retained ones of every
 * namespace (none if the namespaces' parts are gone already: a failed
 * load, where nothing could be retained, unwinds them first).
 */
void bblog_logid_uninit(void)
{
	bblog_sysctl_reap_ids();
}
