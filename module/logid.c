// SPDX-License-Identifier: GPL-2.0
/*
 * Log IDs: connections of one network namespace that share an ID form a
 * bucket; dumping the ID dumps every connection in it, open ones and those
 * closed within closed_retention_ms.
 *
 * Lock order: a connection's lock, then bblog_ids_lock.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include "conn.h"
#include "logid.h"
#include "policy.h"
#include "sysctl.h"

DEFINE_SPINLOCK(bblog_ids_lock);
static DEFINE_HASHTABLE(bblog_ids, 8);
static LIST_HEAD(bblog_retained);	/* closed connections kept for a while */

static void bblog_logid_expire(struct work_struct *work);
static DECLARE_DELAYED_WORK(bblog_expire_work, bblog_logid_expire);

static u32 bblog_logid_hash(u64 net_cookie, kuid_t owner, const char *id)
{
	return jhash(id, strnlen(id, BBLOG_ID_LEN),
		     (u32)net_cookie ^ __kuid_val(owner));
}

static struct bblog_logid *bblog_logid_find(u64 net_cookie, kuid_t owner,
					    const char *id)
{
	struct bblog_logid *b;

	lockdep_assert_held(&bblog_ids_lock);
	hash_for_each_possible(bblog_ids, b, hnode,
			       bblog_logid_hash(net_cookie, owner, id))
		if (b->net_cookie == net_cookie && uid_eq(b->owner, owner) &&
		    !strcmp(b->id, id))
			return b;
	return NULL;
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

/* Take @c out of its bucket; returns the bucket if it became empty. */
static struct bblog_logid *bblog_logid_unlink(struct bblog_conn *c)
{
	struct bblog_logid *b = c->logid;

	lockdep_assert_held(&c->lock);
	lockdep_assert_held(&bblog_ids_lock);
	list_del_init(&c->id_node);
	list_del_init(&c->retained);
	c->logid = NULL;
	if (--b->nconns)
		return NULL;
	hash_del(&b->hnode);
	return b;
}

/*
 * Copy the ID and tag for a dump header ("" if the connection has none),
 * and the bucket's owner if @owner.
 */
void bblog_logid_label(struct bblog_conn *c, char *id, char *tag,
		       kuid_t *owner)
{
	lockdep_assert_held(&c->lock);
	spin_lock(&bblog_ids_lock);
	if (c->logid) {
		memcpy(id, c->logid->id, BBLOG_ID_LEN);
		memcpy(tag, c->logid->tag, BBLOG_TAG_LEN);
		if (owner)
			*owner = c->logid->owner;
	}
	spin_unlock(&bblog_ids_lock);
}

/*
 * BBLOG_SO_ID: move the connection to the bucket of (@owner, @id) ("" leaves
 * its bucket).  A new bucket takes part in the auto ratio when auto_all is
 * 0; a connection that is not logging inherits its bucket's mode.
 */
int bblog_logid_set(struct bblog_conn *c, struct sock *sk, const char *id,
		    kuid_t owner, gfp_t gfp)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	struct bblog_logid *b, *fresh, *empty = NULL;
	u64 net_cookie = bblog_net_cookie(sock_net(sk));

	if (!*id) {
		bblog_logid_leave(c);
		return 0;
	}
	fresh = kzalloc(sizeof(*fresh), gfp | __GFP_NOWARN);
	if (!fresh)
		return -ENOMEM;

	spin_lock_bh(&c->lock);
	if (c->logid && !strcmp(c->logid->id, id) &&
	    uid_eq(c->logid->owner, owner))
		goto out;
	/* As FreeBSD: what an auto mode holds is dumped before the switch. */
	if (c->logid && bblog_mode_dumps_at_close(c->mode))
		bblog_conn_dump_locked(c, "auto-dumped at id switch");

	spin_lock(&bblog_ids_lock);
	b = bblog_logid_find(net_cookie, owner, id);
	if (!b) {
		b = fresh;
		fresh = NULL;
		b->net_cookie = net_cookie;
		b->owner = owner;
		strscpy(b->id, id, sizeof(b->id));
		INIT_LIST_HEAD(&b->conns);
		b->mode = BBLOG_MODE_OFF;
		if (!READ_ONCE(bn->auto_all) && !READ_ONCE(bn->disable_all) &&
		    bblog_ratio_select(&bn->auto_counter, READ_ONCE(bn->auto_ratio)))
			b->mode = READ_ONCE(bn->auto_mode);
		hash_add(bblog_ids, &b->hnode,
			 bblog_logid_hash(net_cookie, owner, id));
	}
	if (c->logid)
		empty = bblog_logid_unlink(c);
	else
		bblog_conn_get(c);	/* the bucket's reference */
	list_add_tail(&c->id_node, &b->conns);
	b->nconns++;
	c->logid = b;
	if (c->mode == BBLOG_MODE_OFF && b->mode > BBLOG_MODE_OFF) {
		c->mode = b->mode;
		c->auto_selected = true;
	}
	spin_unlock(&bblog_ids_lock);
out:
	spin_unlock_bh(&c->lock);
	kfree(fresh);
	kfree(empty);
	return 0;
}

int bblog_logid_set_tag(struct bblog_conn *c, const char *tag)
{
	int err = 0;

	spin_lock_bh(&c->lock);
	spin_lock(&bblog_ids_lock);
	if (c->logid)
		strscpy(c->logid->tag, tag, sizeof(c->logid->tag));
	else
		err = -ENOENT;
	spin_unlock(&bblog_ids_lock);
	spin_unlock_bh(&c->lock);
	return err;
}

/*
 * The bucket of @c: its own, or for a listener the bucket of the ID its
 * connections join (NULL while none of them exists).
 */
static struct bblog_logid *bblog_logid_of(struct bblog_conn *c, u64 net_cookie)
{
	lockdep_assert_held(&c->lock);
	lockdep_assert_held(&bblog_ids_lock);
	if (c->listener)
		return c->listen_id ? bblog_logid_find(net_cookie, c->listen_owner,
						       c->listen_id) : NULL;
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
	spin_lock(&bblog_ids_lock);
	b = bblog_logid_of(c, bblog_net_cookie(sock_net(sk)));
	if (b)
		*count = b->nconns;
	else if (c->listener && c->listen_id)
		*count = 0;
	else
		err = -ENOENT;
	spin_unlock(&bblog_ids_lock);
	spin_unlock_bh(&c->lock);
	return err;
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
				m->expires = jiffies;	/* nothing left to keep */
			spin_unlock_bh(&m->lock);
		}
		bblog_conn_put(m);
	}
	return err;
}

/*
 * One dump per connection of @c's ID, all with @reason (for a listener: of
 * the ID it gives its connections).  Unless @all, connections of users
 * other than @me are refused.  Returns 0, -EPERM (nothing dumped), -ENOMEM
 * or -ENOBUFS (some were not).
 */
static int __bblog_logid_dump(struct bblog_conn *c, u64 net_cookie,
			      const char *reason, bool all, u32 me)
{
	struct bblog_conn **members, *m;
	unsigned int n = 0, max;
	struct bblog_logid *b;
	int err = 0;

	spin_lock_bh(&c->lock);
	if (!c->logid && !c->listener) {
		err = bblog_conn_dump_locked(c, reason);
		spin_unlock_bh(&c->lock);
		return err ? -ENOBUFS : 0;
	}
	spin_lock(&bblog_ids_lock);
	b = bblog_logid_of(c, net_cookie);
	if (!b) {	/* a listener whose ID no connection carries */
		spin_unlock(&bblog_ids_lock);
		spin_unlock_bh(&c->lock);
		return 0;
	}
	max = b->nconns;
	members = kmalloc_array(max, sizeof(*members), GFP_ATOMIC | __GFP_NOWARN);
	if (!members) {
		spin_unlock(&bblog_ids_lock);
		spin_unlock_bh(&c->lock);
		return -ENOMEM;
	}
	list_for_each_entry(m, &b->conns, id_node) {
		if (!all && m->ep.uid != me) {
			err = -EPERM;
			break;
		}
		bblog_conn_get(m);
		members[n++] = m;
	}
	spin_unlock(&bblog_ids_lock);
	spin_unlock_bh(&c->lock);

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

	return __bblog_logid_dump(c, bblog_net_cookie(sock_net(sk)), reason, admin,
				  from_kuid_munged(&init_user_ns, current_fsuid()));
}

/* A trigger: the kernel dumps every connection of @c's ID (not a listener). */
int bblog_logid_dump_all(struct bblog_conn *c, const char *reason)
{
	return __bblog_logid_dump(c, 0, reason, true, 0);
}

/* A closed connection with records stays in its bucket for @ms. */
void bblog_logid_retain(struct bblog_conn *c, unsigned int ms)
{
	spin_lock_bh(&bblog_ids_lock);
	c->expires = jiffies + msecs_to_jiffies(ms);
	list_add_tail(&c->retained, &bblog_retained);
	spin_unlock_bh(&bblog_ids_lock);
	schedule_delayed_work(&bblog_expire_work, HZ);
}

/* Take the connection out of its bucket, if it has one. */
void bblog_logid_leave(struct bblog_conn *c)
{
	struct bblog_logid *empty = NULL;
	bool member;

	spin_lock_bh(&c->lock);
	spin_lock(&bblog_ids_lock);
	member = c->logid;
	if (member)
		empty = bblog_logid_unlink(c);
	spin_unlock(&bblog_ids_lock);
	spin_unlock_bh(&c->lock);
	kfree(empty);
	if (member)
		bblog_conn_put(c);	/* the bucket's reference */
}

/* Free retained connections whose time is up (@all: every one). */
static void bblog_logid_reap(bool all)
{
	struct bblog_conn *c, *tmp;
	LIST_HEAD(expired);
	bool more;

	spin_lock_bh(&bblog_ids_lock);
	list_for_each_entry_safe(c, tmp, &bblog_retained, retained)
		if (all || time_after_eq(jiffies, READ_ONCE(c->expires)))
			list_move_tail(&c->retained, &expired);
	more = !list_empty(&bblog_retained);
	spin_unlock_bh(&bblog_ids_lock);

	list_for_each_entry_safe(c, tmp, &expired, retained)
		bblog_logid_leave(c);	/* unlinks c->retained too */
	if (more && !all)
		schedule_delayed_work(&bblog_expire_work, HZ);
}

static void bblog_logid_expire(struct work_struct *work)
{
	bblog_logid_reap(false);
}

/*
 * Connections of the namespace @net_cookie are retained @ms at most from
 * now: its closed_retention_ms was lowered, or (@ms 0) it is going away
 * and no one is left there to dump them by ID.
 */
void bblog_logid_retention_cut(u64 net_cookie, unsigned int ms)
{
	unsigned long until = jiffies + msecs_to_jiffies(ms);
	struct bblog_conn *c;

	spin_lock_bh(&bblog_ids_lock);
	list_for_each_entry(c, &bblog_retained, retained)
		if (c->ep.net_cookie == net_cookie && time_after(c->expires, until))
			WRITE_ONCE(c->expires, until);
	spin_unlock_bh(&bblog_ids_lock);
	if (!ms)
		bblog_logid_reap(false);
}

/*
 * References to at most @max closed connections of the namespace
 * @net_cookie retained for dumps by ID; returns how many.  The caller puts
 * each.
 */
unsigned int bblog_logid_collect_retained(u64 net_cookie, struct bblog_conn **out,
					  unsigned int max)
{
	struct bblog_conn *c;
	unsigned int n = 0;

	spin_lock_bh(&bblog_ids_lock);
	list_for_each_entry(c, &bblog_retained, retained) {
		if (n == max)
			break;
		if (c->ep.net_cookie == net_cookie) {
			bblog_conn_get(c);
			out[n++] = c;
		}
	}
	spin_unlock_bh(&bblog_ids_lock);
	return n;
}

/*
 * The control plane dumps the log ID @id of the namespace @net_cookie:
 * every bucket of that name (whoever owns it), open connections and
 * retained ones.  Returns -ENOENT if none has it, -ENOMEM or -ENOBUFS if
 * some were not dumped.
 */
int bblog_logid_dump_name(u64 net_cookie, const char *id, const char *reason)
{
	struct bblog_conn **members, *m;
	unsigned int n = 0, max = 0;
	struct bblog_logid *b;
	int bkt, err = 0;

	spin_lock_bh(&bblog_ids_lock);
	hash_for_each(bblog_ids, bkt, b, hnode)
		if (b->net_cookie == net_cookie && !strcmp(b->id, id))
			max += b->nconns;
	spin_unlock_bh(&bblog_ids_lock);
	if (!max)
		return -ENOENT;
	members = kvmalloc_array(max, sizeof(*members), GFP_KERNEL);
	if (!members)
		return -ENOMEM;
	spin_lock_bh(&bblog_ids_lock);
	hash_for_each(bblog_ids, bkt, b, hnode) {
		if (b->net_cookie != net_cookie || strcmp(b->id, id))
			continue;
		list_for_each_entry(m, &b->conns, id_node) {
			if (n == max)
				break;
			bblog_conn_get(m);
			members[n++] = m;
		}
	}
	spin_unlock_bh(&bblog_ids_lock);

	err = bblog_logid_dump_members(members, n, reason, 0);
	kvfree(members);
	return n ? err : -ENOENT;
}

/* Module exit: every open connection has left already. */
void bblog_logid_uninit(void)
{
	cancel_delayed_work_sync(&bblog_expire_work);
	bblog_logid_reap(true);
	WARN_ON_ONCE(!hash_empty(bblog_ids));
}
