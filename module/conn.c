// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table and the record path: which sockets are logged, what
 * each mode does with a new event, and what happens at close.
 */
#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "conn.h"
#include "export.h"
#include "handshake.h"
#include "hooks.h"
#include "listen.h"
#include "logid.h"
#include "policy.h"
#include "rule.h"
#include "sockmark.h"
#include "stats.h"
#include "sysctl.h"
#include "trigger.h"

static const struct rhashtable_params bblog_conn_params = {
	.key_len		= sizeof(const struct sock *),
	.key_offset		= offsetof(struct bblog_conn, sk),
	.head_offset		= offsetof(struct bblog_conn, node),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params bblog_tuple_params = {
	.key_len		= sizeof(struct bblog_tuple),
	.key_offset		= offsetof(struct bblog_conn, tuple),
	.head_offset		= offsetof(struct bblog_conn, tnode),
	.automatic_shrinking	= true,
};

/*
 * bblog_conns finds a connection by its socket; bblog_tuples by its 4-tuple,
 * for incoming segments, which netfilter hands over without a socket.
 */
static struct rhashtable bblog_conns;
static struct rhashtable bblog_tuples;

/*
 * The connection last filed of the sockets that hash to each slot: the
 * lookup of a logged socket (every segment it sends or receives) reads it
 * instead of walking the table, which it still walks when the slot holds
 * another socket's.  Set after the table insert, cleared at the removal;
 * under RCU, as the table.
 */
#define BBLOG_CONN_HINT_BITS	12
static struct bblog_conn __rcu *bblog_conn_hint[1 << BBLOG_CONN_HINT_BITS];

static struct bblog_conn __rcu **bblog_conn_hint_slot(const struct sock *sk)
{
	return &bblog_conn_hint[hash_ptr(sk, BBLOG_CONN_HINT_BITS)];
}

static void bblog_conn_hint_clear(struct bblog_conn *c)
{
	/* a later connection of another socket in the slot stays */
	cmpxchg((struct bblog_conn __force **)bblog_conn_hint_slot(c->sk), c, NULL);
}

static atomic_long_t bblog_nconns = ATOMIC_LONG_INIT(0);

unsigned long bblog_conn_count(void)
{
	return atomic_long_read(&bblog_nconns);
}

/* False while nothing is logged anywhere: the hooks return at once. */
bool bblog_conn_any(void)
{
	return atomic_long_read(&bblog_nconns) != 0;
}

/*
 * The connection of @sk, or NULL.  It stays valid while the caller holds
 * rcu_read_lock() or the socket lock (connections leave the table only when
 * their socket is destroyed, under its lock).
 */
struct bblog_conn *bblog_conn_lookup(const struct sock *sk)
{
	struct bblog_conn *c;

	if (!bblog_sockmark_maybe(sk))
		return NULL;
	rcu_read_lock();
	c = rcu_dereference(*bblog_conn_hint_slot(sk));
	if (!c || c->sk != sk)
		c = rhashtable_lookup(&bblog_conns, &sk, bblog_conn_params);
	rcu_read_unlock();
	return c;
}

void bblog_conn_get(struct bblog_conn *c)
{
	refcount_inc(&c->ref);
}

static void bblog_conn_free_rcu(struct rcu_head *head)
{
	struct bblog_conn *c = container_of(head, struct bblog_conn, rcu);

	if (c->ring.count)
		bblog_stat_add(c->nstats, BBLOG_STAT_FREED_UNDUMPED, c->ring.count);
	bblog_ring_free(&c->ring);
	kfree(c->listen_id);
	bblog_nstats_put(c->nstats);
	put_user_ns(c->user_ns);
	put_pid(c->owner);
	kfree(c);
}

void bblog_conn_put(struct bblog_conn *c)
{
	if (refcount_dec_and_test(&c->ref))
		call_rcu(&c->rcu, bblog_conn_free_rcu);
}

/* IPv6 addresses; IPv4-mapped ones are reported as IPv4. */
static bool bblog_sk_is_ipv6(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	return sk->sk_family == AF_INET6 &&
	       !(ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr) &&
		 ipv6_addr_v4mapped(&sk->sk_v6_daddr));
#else
	return false;
#endif
}

/*
 * Refresh the connection's identity from its socket.  The addresses and
 * ports only while the socket has a peer: one that failed or was reset
 * has them cleared by the time it is destroyed, and its dumps still say
 * which connection it was.
 */
void bblog_conn_snapshot(struct bblog_conn *c, const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct inet_sock *inet = inet_sk(sk);
	struct bblog_endpoint *ep = &c->ep;
	u32 cookie[2];

	lockdep_assert_held(&c->lock);
	sock_diag_save_cookie((struct sock *)sk, cookie);
	ep->cookie = (u64)cookie[1] << 32 | cookie[0];
	ep->net_cookie = bblog_net_cookie(sock_net(sk));
	ep->netns = sock_net(sk)->ns.inum;
	ep->uid = from_kuid_munged(&init_user_ns, sk->sk_uid);
	if (icsk->icsk_ca_ops)
		strscpy(ep->ca_name, icsk->icsk_ca_ops->name, sizeof(ep->ca_name));
	if (!inet->inet_dport && ep->family)
		return;
	ep->lport = inet->inet_sport;
	ep->fport = inet->inet_dport;
	memset(ep->laddr, 0, sizeof(ep->laddr));
	memset(ep->faddr, 0, sizeof(ep->faddr));
	if (bblog_sk_is_ipv6(sk)) {
		ep->family = AF_INET6;
		memcpy(ep->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(ep->faddr, &sk->sk_v6_daddr, 16);
	} else {
		ep->family = AF_INET;
		memcpy(ep->laddr, &inet->inet_rcv_saddr, 4);
		memcpy(ep->faddr, &inet->inet_daddr, 4);
	}
}

/* The 4-tuple of a socket that has both ports, as its incoming segments' keys. */
static void bblog_sk_tuple(const struct sock *sk, struct bblog_tuple *t)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(t, 0, sizeof(*t));
	t->net = sock_net(sk);
	t->lport = inet->inet_sport;
	t->fport = inet->inet_dport;
	if (bblog_sk_is_ipv6(sk)) {
		t->family = AF_INET6;
		memcpy(t->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(t->faddr, &sk->sk_v6_daddr, 16);
	} else {
		t->family = AF_INET;
		memcpy(t->laddr, &inet->inet_rcv_saddr, 4);
		memcpy(t->faddr, &inet->inet_daddr, 4);
	}
}

/* File @c under its 4-tuple (c->tuple): true if done.  Counted per namespace. */
static bool bblog_tuple_insert(struct bblog_conn *c)
{
	if (rhashtable_lookup_insert_fast(&bblog_tuples, &c->tnode,
					  bblog_tuple_params))
		return false;
	atomic_inc(&bblog_net(c->tuple.net)->keyed);
	return true;
}

/* Unfile @c (whoever does it first: the count is taken once). */
static void bblog_tuple_remove(struct bblog_conn *c)
{
	if (!rhashtable_remove_fast(&bblog_tuples, &c->tnode, bblog_tuple_params))
		atomic_dec(&bblog_net(c->tuple.net)->keyed);
}

/*
 * Connections of @net are filed under their 4-tuples: its incoming
 * segments may be theirs.  A namespace without pays no tuple hash.
 */
bool bblog_conn_keyed_in(const struct net *net)
{
	return atomic_read(&bblog_net(net)->keyed) != 0;
}

/*
 * The socket has its peer's address: a passive child cloned from its
 * listener has the listener's (none) until tcp_v4_syn_recv_sock() or
 * tcp_v6_syn_recv_sock() sets it after the clone, with its own address
 * (before 7.x: 7.2 sets both in inet_csk_clone_lock()).
 */
static bool bblog_sk_has_peer(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return !ipv6_addr_any(&sk->sk_v6_daddr);
#endif
	return inet_sk(sk)->inet_daddr != 0;
}

/*
 * Once the socket has both ports, file the connection under its 4-tuple so
 * that incoming segments find it.  A twin still filed under the tuple is
 * evicted if its socket is gone; otherwise (it is about to go) the clash is
 * counted once and the key tried again at the next event.
 */
static void bblog_conn_try_key(struct bblog_conn *c, const struct sock *sk)
{
	struct bblog_tuple *t = &c->tuple;
	struct bblog_conn *old;

	lockdep_assert_held(&c->lock);
	/*
	 * A socket in CLOSE (reset or failed before it was logged) may still
	 * have its ports: it must not take the 4-tuple a new connection of
	 * someone else may be using.
	 */
	if (sk->sk_state == TCP_CLOSE || !inet_sk(sk)->inet_dport ||
	    !inet_sk(sk)->inet_sport || !bblog_sk_has_peer(sk))
		return;
	/*
	 * A passive child is filed once it has looked for its handshake
	 * (bblog_conn_take_hs()): until then what arrives for it is kept with
	 * the handshake, to be put in order around the segment that made it.
	 */
	if (c->passive && !c->hs_looked && bblog_hs_pending())
		return;
	bblog_conn_snapshot(c, sk);
	bblog_sk_tuple(sk, t);
	c->key_tried = true;
	if (bblog_tuple_insert(c)) {
		c->keyed = true;
		return;
	}
	rcu_read_lock();
	old = rhashtable_lookup(&bblog_tuples, t, bblog_tuple_params);
	if (old && READ_ONCE(old->dead))
		bblog_tuple_remove(old);
	rcu_read_unlock();
	c->keyed = bblog_tuple_insert(c);
	if (c->keyed)
		return;
	c->key_tried = false;
	if (!c->clashed)
		bblog_stat_inc(c->nstats, BBLOG_STAT_UNKEYED);
	c->clashed = true;
}

/*
 * Who owns the connection: the calling process, which connected or accepted
 * it (the latest to do so: BBLOG_OWNER_*).  Process context only.
 */
static void bblog_conn_set_owner_locked(struct bblog_conn *c, u8 how)
{
	struct pid *old;

	lockdep_assert_held(&c->lock);
	if (!in_task())
		return;
	old = c->owner;
	c->owner = get_pid(task_tgid(current));
	put_pid(old);
	c->ep.owner_how = how;
	strscpy_pad(c->ep.owner_comm, current->comm, sizeof(c->ep.owner_comm));
}

/* The same for @sk's connection, if it has one. */
void bblog_conn_owner(const struct sock *sk, u8 how)
{
	struct bblog_conn *c;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		bblog_conn_set_owner_locked(c, how);
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

/*
 * The owner's thread group id in the initial pid namespace (@global), or in
 * the caller's (0 if it cannot see it); 0 when unknown.
 */
u32 bblog_conn_owner_nr(const struct bblog_conn *c, bool global)
{
	if (!c->owner)
		return 0;
	return global ? pid_nr(c->owner) : pid_vnr(c->owner);
}

static struct bblog_conn *bblog_conn_alloc(struct sock *sk, int mode, gfp_t gfp)
{
	struct bblog_conn *c = kzalloc(sizeof(*c), gfp | __GFP_NOWARN);

	if (!c)
		return NULL;
	c->sk = sk;
	refcount_set(&c->ref, 1);
	spin_lock_init(&c->lock);
	c->mode = mode;
	c->limit = READ_ONCE(bblog_net(sock_net(sk))->session_limit);
	bblog_ring_init(&c->ring);
	INIT_LIST_HEAD(&c->id_node);
	INIT_LIST_HEAD(&c->retained);
	c->ep.uid = from_kuid_munged(&init_user_ns, sk->sk_uid);
	c->ep.cgroup = bblog_sock_cgroup_id(sk);
	c->ep.net_cookie = bblog_net_cookie(sock_net(sk));
	c->user_ns = get_user_ns(sock_net(sk)->user_ns);
	c->nstats = bblog_nstats_get(bblog_net_stats(sock_net(sk)));
	c->ring.charge.ns = c->nstats;
	c->ring.charge.unpriv = c->user_ns != &init_user_ns;
	return c;
}

/*
 * The socket's connection, created with @mode if it has none.  The caller
 * holds the socket lock, so the socket cannot be destroyed meanwhile.
 */
struct bblog_conn *bblog_conn_get_or_create(struct sock *sk, int mode, gfp_t gfp)
{
	struct bblog_conn *c, *old;

	c = bblog_conn_lookup(sk);
	if (c)
		return c;
	/* asked in process context (a socket option): its namespace's hooks */
	if (gfpflags_allow_blocking(gfp) && bblog_hooks_arm(sock_net(sk)))
		return NULL;

	c = bblog_conn_alloc(sk, mode, gfp);
	if (!c)
		return NULL;
	bblog_sockmark_add(sk);
	old = rhashtable_lookup_get_insert_fast(&bblog_conns, &c->node,
						bblog_conn_params);
	if (old) {
		bblog_sockmark_del(sk);
		bblog_nstats_put(c->nstats);
		put_user_ns(c->user_ns);
		kfree(c);
		return IS_ERR(old) ? NULL : old;
	}
	rcu_assign_pointer(*bblog_conn_hint_slot(sk), c);
	atomic_long_inc(&bblog_nconns);
	if (c->nstats)
		atomic_long_inc(&c->nstats->conns);
	bblog_stat_inc(c->nstats, BBLOG_STAT_CONNS);
	return c;
}

static const char *bblog_mode_reason(int mode)
{
	switch (mode) {
	case BBLOG_MODE_HEAD_AUTO:
		return "auto-dumped from head";
	case BBLOG_MODE_CONTINUAL:
		return "auto-dumped from continual";
	case BBLOG_MODE_TAIL_AUTO:
		return "auto-dumped from tail";
	default:
		return "";
	}
}

/*
 * Queue the connection's records to the device as one dump.  Returns 0 (also
 * when there is nothing to dump) or -ENOMEM, in which case the records stay.
 */
int bblog_conn_dump_locked(struct bblog_conn *c, const char *reason)
{
	struct bblog_dump_entry *d;
	struct bblog_dump *h;

	lockdep_assert_held(&c->lock);
	if (!c->ring.count)
		return 0;
	d = bblog_dump_alloc(GFP_ATOMIC);
	if (!d) {
		bblog_stat_inc(c->nstats, BBLOG_STAT_DUMP_FAILED);
		return -ENOMEM;
	}
	if (!c->dead)
		bblog_conn_snapshot(c, c->sk);

	h = &d->hdr;
	h->cookie = c->ep.cookie;
	h->boot_offset_ns = ktime_get_real_ns() - ktime_get_boottime_ns();
	h->lost_nomem = c->lost_nomem;
	h->lost_limit = c->lost_limit;
	h->overwritten = c->overwritten;
	h->lost_export = c->lost_export;
	h->netns = c->ep.netns;
	d->net_cookie = c->ep.net_cookie;
	d->user_ns = get_user_ns(c->user_ns);
	d->nstats = bblog_nstats_get(c->nstats);
	h->seq = c->dump_seq++;
	h->family = c->ep.family;
	h->flags = (c->dead ? BBLOG_DF_ENDED : 0) |
		   (c->ep.family == AF_INET6 ? BBLOG_DF_IPV6 : 0) |
		   (c->auto_selected ? BBLOG_DF_AUTO : 0) |
		   (c->inherited ? BBLOG_DF_LISTENER : 0);
	h->lport = (__force u16)c->ep.lport;
	h->fport = (__force u16)c->ep.fport;
	memcpy(h->laddr, c->ep.laddr, sizeof(h->laddr));
	memcpy(h->faddr, c->ep.faddr, sizeof(h->faddr));
	h->mode = c->mode;
	h->state = c->dead ? TCP_CLOSE : READ_ONCE(c->sk->sk_state);
	h->uid = c->ep.uid;
	h->cgroup = c->ep.cgroup;
	h->owner_pid = bblog_conn_owner_nr(c, true);
	h->owner_how = c->ep.owner_how;
	memcpy(h->owner_comm, c->ep.owner_comm, sizeof(h->owner_comm));
	memcpy(h->ca_name, c->ep.ca_name, sizeof(h->ca_name));
	bblog_logid_label(c, h->id, h->tag, NULL);
	strscpy(h->reason, reason, sizeof(h->reason));

	bblog_ring_move(&d->ring, &c->ring);
	bblog_export_queue(d);
	return 0;
}

/* Make room for one record according to the mode; false: drop the event. */
static bool bblog_conn_make_room(struct bblog_conn *c)
{
	lockdep_assert_held(&c->lock);
	while (c->ring.count >= c->limit) {
		switch (c->mode) {
		case BBLOG_MODE_HEAD:
			c->lost_limit++;
			bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_LIMIT);
			c->mode = BBLOG_MODE_OFF;
			return false;
		case BBLOG_MODE_HEAD_AUTO:
			c->lost_limit++;
			bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_LIMIT);
			if (!bblog_conn_dump_locked(c, bblog_mode_reason(c->mode)))
				c->mode = BBLOG_MODE_OFF;
			return false;
		case BBLOG_MODE_CONTINUAL:
			if (!bblog_conn_dump_locked(c, bblog_mode_reason(c->mode)))
				return true;
			fallthrough;	/* no memory for the dump: act as a ring */
		default:
			bblog_ring_drop_oldest(&c->ring);
			c->overwritten++;
			bblog_stat_inc(c->nstats, BBLOG_STAT_OVERWRITTEN);
		}
	}
	return true;
}

static void bblog_conn_purge(struct bblog_conn *c)
{
	lockdep_assert_held(&c->lock);
	bblog_stat_add(c->nstats, BBLOG_STAT_PURGED, c->ring.count);
	bblog_ring_free(&c->ring);
}

/* Facts about how the connection ends, from the events that show them. */
#define BBLOG_ENDF_RST_RECV	0x01
#define BBLOG_ENDF_RST_SENT	0x02
#define BBLOG_ENDF_FIN_LOCAL	0x04	/* entered FIN_WAIT1 first */
#define BBLOG_ENDF_FIN_PEER	0x08	/* entered CLOSE_WAIT first */
#define BBLOG_ENDF_KEEPALIVE	0x10	/* sent a keepalive probe */
#define BBLOG_ENDF_UNREAD	0x20	/* reset sent with data unread */
#define BBLOG_ENDF_LINGER	0x40	/* reset sent by SO_LINGER 0 */
#define BBLOG_ENDF_OOM		0x80	/* closed by tcp_check_oom() */

/*
 * The kernel closes @sk, an orphan, for want of resources: too many
 * orphans or TCP memory (tcp_check_oom() said so in tcp_close() or
 * tcp_out_of_resources()).  Nothing else tells it: no error is reported,
 * and the reset it sends may not be sent at all.
 */
void bblog_conn_end_oom(const struct sock *sk)
{
	struct bblog_conn *c;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		c->end_seen |= BBLOG_ENDF_OOM;
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

static void bblog_conn_note_end(struct bblog_conn *c, const struct sock *sk,
				const struct bblog_event *ev)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	lockdep_assert_held(&c->lock);
	switch (ev->id) {
	case BBLOG_EV_RST_RECV:
		c->end_seen |= BBLOG_ENDF_RST_RECV;
		break;
	case BBLOG_EV_RST_SENT:
		c->end_seen |= BBLOG_ENDF_RST_SENT;
		/*
		 * Why this end resets, as __tcp_close() decides: data it
		 * received and no one read (still unread: the queue was purged
		 * without moving copied_seq), else SO_LINGER with no time.
		 */
		if (READ_ONCE(tp->rcv_nxt) != READ_ONCE(tp->copied_seq))
			c->end_seen |= BBLOG_ENDF_UNREAD;
		else if (sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime))
			c->end_seen |= BBLOG_ENDF_LINGER;
		break;
	case BBLOG_EV_KEEPALIVE:
		c->end_seen |= BBLOG_ENDF_KEEPALIVE;
		break;
	case BBLOG_EV_RTO:	/* a timeout from now on is the RTO's */
		c->end_seen &= ~BBLOG_ENDF_KEEPALIVE;
		break;
	case BBLOG_EV_SK_ERROR:
		/* tcp_disconnect() reports again with the error cleared */
		if (ev->err)
			c->last_err = min_t(u32, -ev->err, U16_MAX);
		break;
	case BBLOG_EV_STATE:
		if (c->end_seen & (BBLOG_ENDF_FIN_LOCAL | BBLOG_ENDF_FIN_PEER))
			break;
		if (ev->arg2 == TCP_FIN_WAIT1)
			c->end_seen |= BBLOG_ENDF_FIN_LOCAL;
		else if (ev->arg2 == TCP_CLOSE_WAIT)
			c->end_seen |= BBLOG_ENDF_FIN_PEER;
		break;
	}
}

/* BBLOG_END_*: how the connection ended, the first reason that applies. */
static u32 bblog_conn_end_reason(const struct bblog_conn *c)
{
	if (c->end_seen & BBLOG_ENDF_OOM)
		return BBLOG_END_ORPHAN_OOM;
	if (c->end_seen & BBLOG_ENDF_RST_RECV)
		return BBLOG_END_RST_RECV;
	if (c->last_err == ETIMEDOUT)
		return c->end_seen & BBLOG_ENDF_KEEPALIVE ? BBLOG_END_KEEPALIVE :
		       BBLOG_END_TIMEOUT;
	if (c->end_seen & BBLOG_ENDF_UNREAD)
		return BBLOG_END_ABORT_UNREAD;
	if (c->end_seen & BBLOG_ENDF_LINGER)
		return BBLOG_END_ABORT_LINGER;
	if (c->end_seen & BBLOG_ENDF_RST_SENT)
		return BBLOG_END_RST_SENT;
	if (c->last_err)
		return BBLOG_END_ERROR;
	if (c->end_seen & BBLOG_ENDF_FIN_LOCAL)
		return BBLOG_END_CLOSE_LOCAL;
	if (c->end_seen & BBLOG_ENDF_FIN_PEER)
		return BBLOG_END_CLOSE_PEER;
	return BBLOG_END_OTHER;
}

/*
 * The slot of the connection's next record, its serial number in @sn (the
 * number is used up even when the record is not kept: the gap counts it);
 * NULL when the mode keeps no more or memory is short (counted).
 */
static struct bblog_record *bblog_conn_slot_locked(struct bblog_conn *c, u32 *sn)
{
	struct bblog_record *rec;

	lockdep_assert_held(&c->lock);
	*sn = c->sn++;
	if (!bblog_conn_make_room(c))
		return NULL;
	rec = bblog_ring_reserve(&c->ring, GFP_ATOMIC);
	if (!rec) {
		c->lost_nomem++;
		bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_NOMEM);
		return NULL;
	}
	bblog_stat_inc(c->nstats, BBLOG_STAT_RECORDS);
	return rec;
}

void bblog_conn_log_locked(struct bblog_conn *c, const struct sock *sk,
			   const struct bblog_event *ev)
{
	struct bblog_record *rec;
	u32 sn;

	lockdep_assert_held(&c->lock);
	if (c->dead || c->listener || c->mode <= BBLOG_MODE_OFF)
		return;
	bblog_conn_note_end(c, sk, ev);
	if (READ_ONCE(bblog_net(sock_net(sk))->disable_all)) {
		bblog_conn_purge(c);
		c->mode = BBLOG_MODE_OFF;
		return;
	}

	if (unlikely(!c->key_tried))
		bblog_conn_try_key(c, sk);
	rec = bblog_conn_slot_locked(c, &sn);
	if (rec)
		bblog_record_fill(rec, sk, ev, sn);
}

/*
 * Add a record made elsewhere (a handshake kept before the connection
 * existed) with the connection's next serial number, as if logged now.
 */
static void bblog_conn_append_locked(struct bblog_conn *c,
				     const struct bblog_record *r)
{
	struct bblog_record *rec;
	u32 sn;

	lockdep_assert_held(&c->lock);
	if (c->dead || c->listener || c->mode <= BBLOG_MODE_OFF)
		return;
	rec = bblog_conn_slot_locked(c, &sn);
	if (!rec)
		return;
	*rec = *r;
	rec->sn = sn;
}

/* @lost records of the connection were not kept: a gap in its serial numbers. */
static void bblog_conn_lost_locked(struct bblog_conn *c, unsigned int lost)
{
	lockdep_assert_held(&c->lock);
	if (!lost || c->dead || c->listener || c->mode <= BBLOG_MODE_OFF)
		return;
	c->lost_nomem += lost;
	bblog_stat_add(c->nstats, BBLOG_STAT_LOST_NOMEM, lost);
	c->sn += lost;
}

/*
 * Put @n records made before the connection existed (its handshake) first
 * in its history: appended, then rotated to the front and the serial
 * numbers given anew, while nothing of the connection has been dumped,
 * lost or overwritten and it holds only its first few records; else they
 * stay where they were appended.  @lost: records of it not kept.
 */
static void bblog_conn_prepend_locked(struct bblog_conn *c,
				      const struct bblog_record *rec,
				      unsigned int n, unsigned int lost)
{
	u32 k = c->ring.count, total, i;
	u64 over = c->overwritten;
	bool front;

	lockdep_assert_held(&c->lock);
	if (c->dead || c->listener || c->mode <= BBLOG_MODE_OFF)
		return;
	front = !c->dump_seq && c->sn == k && k <= 4 && !c->overwritten &&
		!c->lost_nomem && !c->lost_limit;
	if (lost) {
		bblog_conn_lost_locked(c, lost);
		front = false;
	}
	for (i = 0; i < n; i++)
		bblog_conn_append_locked(c, &rec[i]);
	total = c->ring.count;
	if (!front || total != k + n || c->overwritten != over)
		return;
	bblog_ring_rotate_newest(&c->ring, n);
	for (i = 0; i < total; i++)
		bblog_ring_at(&c->ring, i)->sn = i;
	c->sn = total;
}

#ifdef BBLOG_FAULT_INJECTION
/*
 * Test builds only: a passive connection waits this long right after it
 * took its handshake out of the table, to widen the time in which a
 * segment on another CPU may find neither the handshake nor the connection.
 */
static unsigned int hs_take_delay_ms;
module_param(hs_take_delay_ms, uint, 0644);
MODULE_PARM_DESC(hs_take_delay_ms, "test builds: wait after taking a handshake");
#define bblog_hs_take_delay()	mdelay(min(READ_ONCE(hs_take_delay_ms), 2000U))
#else
#define bblog_hs_take_delay()	do { } while (0)
#endif

/*
 * The handshake of @sk (@key), if one was kept, taken for its connection
 * @c (locked; NULL if the socket is not logged): see
 * bblog_conn_passive_first().  -1 if there was none, else whether @ev was
 * recorded.
 */
static int bblog_conn_take_hs(struct bblog_conn *c, const struct sock *sk,
			      const struct bblog_event *ev,
			      const struct bblog_tuple *key)
{
	const struct bblog_record *rec;
	unsigned int n, lost, i;
	struct bblog_hs *hs;
	bool logging = false;
	int k = -1, first, logged = 0;

	if (c) {
		lockdep_assert_held(&c->lock);
		logging = c->passive && !c->dead && c->mode > BBLOG_MODE_OFF;
		/*
		 * Filed under its 4-tuple before its handshake leaves the
		 * table: a segment on another CPU that finds no handshake any
		 * more finds the connection (bblog_nf_local_in()), and waits
		 * for this lock to be recorded after the handshake's records.
		 */
		c->hs_looked = true;
		if (logging && !c->key_tried)
			bblog_conn_try_key(c, sk);
	}
	smp_wmb();	/* filed before taken: pairs with bblog_nf_local_in() */
	hs = bblog_hs_take(key);
	if (!hs)
		return -1;
	bblog_hs_take_delay();
	if (ev && ev->skb && !rcu_access_pointer(tcp_sk(sk)->fastopen_rsk))
		k = bblog_hs_find_segment(hs, ev->skb, ev->th_off, &first);
	if (k >= 0)
		n = bblog_hs_records(hs, false, &rec, &lost);
	else
		n = bblog_hs_records(hs, true, &rec, &lost);
	if (!logging) {
		bblog_stat_inc(bblog_net_stats(sock_net(sk)),
			       BBLOG_STAT_HANDSHAKES_UNCLAIMED);
	} else if (k < 0) {
		bblog_conn_prepend_locked(c, rec, n, lost);
	} else {
		bblog_conn_prepend_locked(c, rec, first, 0);
		/*
		 * Coalesced: the segments as they arrived, not the one the
		 * stack made of them.
		 */
		if (c->creator_seen)
			;
		else if (first < k)
			for (i = first; i <= k; i++)
				bblog_conn_append_locked(c, &rec[i]);
		else
			bblog_conn_log_locked(c, sk, ev);
		c->creator_seen = true;
		logged = 1;
		for (i = k + 1; i < n; i++)
			bblog_conn_append_locked(c, &rec[i]);
		bblog_conn_lost_locked(c, lost);
	}
	bblog_hs_put(hs);
	return logged;
}

/*
 * A passive child's first segment (@ev, with its skb; NULL for a Fast Open
 * child, made by its SYN): it has its 4-tuple now, so the records of its
 * handshake, kept until now (handshake.c), become its first ones.  Those
 * kept before @ev's segment come first, then @ev (the segment that made
 * the connection, recorded here with the child's state), then those kept
 * after it.  Taken from the table whether the child is logged or not.
 * True if @ev was recorded.
 */
bool bblog_conn_passive_first(const struct sock *sk, const struct bblog_event *ev)
{
	struct bblog_tuple key;
	struct bblog_conn *c;
	int logged;

	if (!inet_sk(sk)->inet_dport)
		return false;
	bblog_sk_tuple(sk, &key);
	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		logged = bblog_conn_take_hs(c, sk, ev, &key);
		spin_unlock_bh(&c->lock);
	} else {
		logged = bblog_conn_take_hs(NULL, sk, ev, &key);
	}
	rcu_read_unlock();
	return logged > 0;
}

/* An event of @sk: recorded if the socket is logged. */
void bblog_conn_log(const struct sock *sk, const struct bblog_event *ev)
{
	struct bblog_conn *c;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		bblog_conn_log_locked(c, sk, ev);
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

/*
 * An incoming segment handed to tcp_rcv_state_process() with its socket.
 * bblog_conn_log_tuple() saw it at LOCAL_IN if the connection had its
 * 4-tuple key by then; it is recorded here only if it could not have been:
 * the connection has no key yet, or it is the segment that created a
 * passive child (the handshake's last ACK passed LOCAL_IN before the child
 * existed).  A Fast Open child was created by its SYN instead.
 */
void bblog_conn_log_rcv(const struct sock *sk, const struct bblog_event *ev)
{
	struct bblog_conn *c;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		if (!c->keyed ||
		    (c->passive && !c->creator_seen && sk->sk_state == TCP_SYN_RECV &&
		     !rcu_access_pointer(tcp_sk(sk)->fastopen_rsk)))
			bblog_conn_log_locked(c, sk, ev);
		c->creator_seen = true;
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

/*
 * An incoming segment for @c, found by its 4-tuple or its socket: recorded
 * if @c is filed under that tuple.  The socket lives while the connection
 * is not dead, and still has this 4-tuple while it is keyed (checked under
 * the lock).  Under rcu_read_lock().
 */
static bool bblog_conn_log_keyed(struct bblog_conn *c,
				 const struct bblog_event *ev)
{
	bool logged;

	spin_lock_bh(&c->lock);
	logged = !c->dead && c->keyed;
	if (logged)
		bblog_conn_log_locked(c, c->sk, ev);
	spin_unlock_bh(&c->lock);
	return logged;
}

/*
 * An incoming segment, found by its 4-tuple (seen from the receiver); true
 * if a connection recorded it.
 */
bool bblog_conn_log_tuple(const struct bblog_tuple *key,
			  const struct bblog_event *ev)
{
	struct bblog_conn *c;
	bool logged;

	rcu_read_lock();
	c = rhashtable_lookup(&bblog_tuples, key, bblog_tuple_params);
	logged = c && bblog_conn_log_keyed(c, ev);
	rcu_read_unlock();
	return logged;
}

/*
 * An incoming segment whose socket is known (early demux found it): what
 * bblog_conn_log_tuple() does, with the connection filed under that
 * socket's 4-tuple found without hashing the tuple.  True if recorded.
 */
bool bblog_conn_log_sock_in(const struct sock *sk, const struct bblog_event *ev)
{
	struct bblog_conn *c;
	bool logged;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	logged = c && bblog_conn_log_keyed(c, ev);
	rcu_read_unlock();
	return logged;
}

/*
 * @sk gives its 4-tuple up (@closing: it moves to CLOSE, reset, failed or
 * disconnected, while its file may stay open) or connects again: it is
 * unfiled at once, so that a later connection on the same tuple, maybe of
 * another user, is not recorded into this one, and filed again when it
 * reconnects.
 */
void bblog_conn_tuple_change(const struct sock *sk, bool closing)
{
	struct bblog_conn *c;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		/* A new connect() takes a new 4-tuple: never filed twice. */
		if (c->keyed) {
			bblog_tuple_remove(c);
			c->keyed = false;
		}
		/* Not again until it reconnects: the ports are still set. */
		c->key_tried = closing;
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

/* BBLOG_SO_MODE: set a mode, or CLEAR the records. */
void bblog_conn_set_mode_locked(struct bblog_conn *c, int mode)
{
	lockdep_assert_held(&c->lock);
	c->auto_selected = false;
	c->inherited = false;
	if (mode == BBLOG_MODE_CLEAR) {
		bblog_conn_purge(c);
		c->mode = BBLOG_MODE_OFF;
		return;
	}
	c->mode = mode;
	if (!c->dead)
		c->limit = READ_ONCE(bblog_net(sock_net(c->sk))->session_limit);
}

/* A passive child takes its listener's mode and ID. */
static void bblog_conn_inherit(struct sock *sk, const struct bblog_template *t)
{
	struct bblog_conn *c;

	c = bblog_conn_get_or_create(sk, t->mode, GFP_ATOMIC);
	if (!c) {
		bblog_stat_inc(bblog_net_stats(sock_net(sk)), BBLOG_STAT_LOST_NOMEM);
		return;
	}
	c->passive = true;
	c->inherited = true;
	if (t->unpriv)
		c->ring.charge.unpriv = true;
	if (t->id[0] && bblog_logid_set(c, sk, t->id, t->owner, GFP_ATOMIC))
		bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_NOMEM);
}

/* A new connection selected by a rule: what the rule gives it. */
static void bblog_conn_by_rule(struct sock *sk, bool passive,
			       const struct bblog_rule_action *a)
{
	struct bblog_conn *c;

	if (a->mode <= BBLOG_MODE_OFF)
		return;
	c = bblog_conn_get_or_create(sk, a->mode, GFP_ATOMIC);
	if (!c) {
		bblog_stat_inc(bblog_net_stats(sock_net(sk)), BBLOG_STAT_LOST_NOMEM);
		return;
	}
	spin_lock_bh(&c->lock);
	c->passive = passive;
	c->rule = a->handle;
	c->triggers = a->triggers;
	if (a->limit)
		c->limit = a->limit;
	spin_unlock_bh(&c->lock);
	if (a->id[0] && bblog_logid_set(c, sk, a->id, INVALID_UID, GFP_ATOMIC))
		bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_NOMEM);
}

static void bblog_conn_select(struct sock *sk, bool passive);

/*
 * A new connection (active open, or a passive child): its listener's
 * template, else the first selection rule that matches it, else the auto
 * ratio.
 */
void bblog_conn_new_sock(struct sock *sk, bool passive)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	struct bblog_template t;

	/*
	 * Nothing can select it where nothing was ever asked: every way
	 * (auto_*, rules, a listener's template) places the hooks first.
	 */
	if (!READ_ONCE(bn->hooks_armed) || READ_ONCE(bn->disable_all) ||
	    bblog_conn_lookup(sk))
		return;
	/*
	 * A passive child still carries its listener's cookie at this change
	 * where inet_csk_clone_lock() makes it before it stores the request's
	 * (up to 6.12 at least); 7.2 makes the change last.  What the cookie
	 * does not find is left to the clone's return probe, which knows the
	 * listener, where it is placed (bblog_conn_new_child()).
	 */
	if (passive && bblog_listen_template(atomic64_read(&sk->sk_cookie), &t)) {
		bblog_conn_inherit(sk, &t);
		return;
	}
	if (passive && bblog_hooks_clone_probed())
		return;
	/* Its peer's address and port are not set yet: see below. */
	if (passive && bblog_rules_exist(sock_net(sk)))
		return;
	bblog_conn_select(sk, passive);
}

/*
 * A passive child @child, cloned from @listener, as inet_csk_clone_lock()
 * returns it (locked, in SYN_RECV): what bblog_conn_new_sock() left, and
 * its LISTEN -> SYN_RECV change, recorded then if it is logged.
 */
void bblog_conn_new_child(struct sock *child, const struct sock *listener)
{
	struct bblog_event ev = {
		.id = BBLOG_EV_STATE, .arg1 = TCP_LISTEN, .arg2 = TCP_SYN_RECV,
	};
	const struct bblog_net *bn = bblog_net(sock_net(child));
	struct bblog_template t;

	if (!READ_ONCE(bn->hooks_armed) || READ_ONCE(bn->disable_all) ||
	    bblog_conn_lookup(child))
		return;
	if (bblog_listen_template(atomic64_read(&listener->sk_cookie), &t))
		bblog_conn_inherit(child, &t);
	else if (!bblog_rules_exist(sock_net(child)))	/* see below */
		bblog_conn_select(child, true);
	bblog_conn_log(child, &ev);
}

/*
 * A passive child of a namespace with rules, at the first segment it
 * processes (the handshake's last ACK; for Fast Open, the first after its
 * SYN): its addresses and ports are set now, so the rules, then the auto
 * ratio, decide.  Its creation is recorded then.
 */
void bblog_conn_passive_select(struct sock *sk)
{
	struct bblog_event ev = {
		.id = BBLOG_EV_STATE, .arg1 = TCP_LISTEN, .arg2 = TCP_SYN_RECV,
	};

	if (READ_ONCE(bblog_net(sock_net(sk))->disable_all) || bblog_conn_lookup(sk) ||
	    !bblog_rules_exist(sock_net(sk)))
		return;
	bblog_conn_select(sk, true);
	bblog_conn_log(sk, &ev);
}

/* A new connection no listener's template covers: the rules, else the auto ratio. */
static void bblog_conn_select(struct sock *sk, bool passive)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	struct bblog_rule_action a;
	struct bblog_conn *c;
	int mode;

	if (bblog_rules_select(sk, passive, &a)) {
		bblog_conn_by_rule(sk, passive, &a);
		return;
	}
	mode = READ_ONCE(bn->auto_mode);
	if (!READ_ONCE(bn->auto_all) || mode <= BBLOG_MODE_OFF)
		return;
	if (!bblog_ratio_select(&bn->auto_counter, READ_ONCE(bn->auto_ratio)))
		return;
	c = bblog_conn_get_or_create(sk, mode, GFP_ATOMIC);
	if (!c) {
		bblog_stat_inc(bblog_net_stats(sock_net(sk)), BBLOG_STAT_LOST_NOMEM);
		return;
	}
	c->auto_selected = true;
	c->passive = passive;
	bblog_stat_inc(c->nstats, BBLOG_STAT_AUTO_SELECTED);
}

/*
 * A passive child reaches ESTABLISHED: the SYN-ACK retransmissions of its
 * request.  tcp_create_openreq_child() copies them into total_retrans after
 * the clone, so they are not known when the child is selected.
 */
void bblog_conn_passive_established(const struct sock *sk)
{
	struct bblog_event ev = {
		.id = BBLOG_EV_SYNACK_RETRANS,
		.arg1 = tcp_sk(sk)->total_retrans,
	};
	struct bblog_conn *c;

	if (!ev.arg1)
		return;
	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		if (c->passive)
			bblog_conn_log_locked(c, sk, &ev);
		spin_unlock_bh(&c->lock);
		bblog_trigger(sk, BBLOG_TRIG_SYN_RETRANS);
	}
	rcu_read_unlock();
}

/*
 * @c becomes the template of the listening socket @sk: what it recorded
 * before listen() is dropped and it records nothing more itself.
 */
int bblog_conn_make_listener(struct bblog_conn *c, struct sock *sk)
{
	lockdep_assert_held(&c->lock);
	if (!c->listener) {
		bblog_conn_purge(c);
		c->listener = true;
	}
	return bblog_listen_add(c, sk);
}

/*
 * @sk starts (@listening) or stops listening.  A socket given a mode or an
 * ID before listen() becomes a template: its ID moves from its bucket to
 * the connections it will accept.  A listener that closes drops its
 * template: it never logs its own close.
 */
void bblog_conn_listen(struct sock *sk, bool listening)
{
	char id[BBLOG_ID_LEN] = "", tag[BBLOG_TAG_LEN];
	kuid_t owner = INVALID_UID;
	struct bblog_conn *c;
	char *copy = NULL;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (!c)
		goto out;
	if (listening) {
		spin_lock_bh(&c->lock);
		bblog_logid_label(c, id, tag, &owner);
		spin_unlock_bh(&c->lock);
		if (*id) {
			bblog_logid_leave(c);
			copy = kstrdup(id, GFP_ATOMIC | __GFP_NOWARN);
		}
	}
	spin_lock_bh(&c->lock);
	if (listening) {
		if (copy) {
			swap(c->listen_id, copy);
			c->listen_owner = owner;
		}
		if ((*id && !c->listen_id) || bblog_conn_make_listener(c, sk))
			bblog_stat_inc(c->nstats, BBLOG_STAT_LOST_NOMEM);
	} else if (c->listener) {
		bblog_listen_del(c);
		c->listener = false;
		c->mode = BBLOG_MODE_OFF;
		swap(c->listen_id, copy);
	}
	spin_unlock_bh(&c->lock);
	kfree(copy);
out:
	rcu_read_unlock();
}

/*
 * A passive child closes in SYN_RECV: if no segment ever reached it, it was
 * never a connection (it lost the race for its request).  Its records are
 * purged (counted) and nothing is dumped at its end.
 */
void bblog_conn_discard(struct sock *sk)
{
	struct bblog_conn *c;
	bool discard = false;

	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c) {
		spin_lock_bh(&c->lock);
		discard = c->passive && !c->creator_seen;
		if (discard) {
			bblog_conn_purge(c);
			c->mode = BBLOG_MODE_OFF;
		}
		spin_unlock_bh(&c->lock);
		if (discard)
			bblog_stat_inc(c->nstats, BBLOG_STAT_DISCARDED);
	}
	rcu_read_unlock();
}

/*
 * The socket is being destroyed: record the end, dump what the mode dumps at
 * close, keep the rest for closed_retention_ms if the connection has an ID.
 */
void bblog_conn_destroy(struct sock *sk)
{
	struct bblog_event ev = { .id = BBLOG_EV_CONNEND };
	unsigned int retention;
	struct bblog_conn *c;
	bool retain;

	c = bblog_conn_lookup(sk);
	if (!c)
		return;

	retention = READ_ONCE(bblog_net(sock_net(sk))->closed_retention_ms);
	spin_lock_bh(&c->lock);
	bblog_listen_del(c);
	ev.arg1 = bblog_conn_end_reason(c);
	ev.arg2 = c->last_err;
	bblog_conn_log_locked(c, sk, &ev);
	bblog_conn_snapshot(c, sk);
	c->dead = true;
	if (bblog_mode_dumps_at_close(c->mode))
		bblog_conn_dump_locked(c, bblog_mode_reason(c->mode));
	c->mode = BBLOG_MODE_OFF;
	retain = c->ring.count && c->logid && retention;
	spin_unlock_bh(&c->lock);

	if (c->keyed)
		bblog_tuple_remove(c);
	bblog_conn_hint_clear(c);
	rhashtable_remove_fast(&bblog_conns, &c->node, bblog_conn_params);
	bblog_sockmark_del(sk);
	atomic_long_dec(&bblog_nconns);
	if (c->nstats)
		atomic_long_dec(&c->nstats->conns);
	if (retain)
		bblog_logid_retain(c, retention);
	else
		bblog_logid_leave(c);
	bblog_conn_put(c);
}

/*
 * References to at most @max logged connections of the namespace
 * @net_cookie that are open (in the table), for the control plane; returns
 * how many.  The caller puts each.
 */
unsigned int bblog_conn_collect(u64 net_cookie, struct bblog_conn **out,
				unsigned int max)
{
	struct rhashtable_iter iter;
	struct bblog_conn *c;
	unsigned int n = 0;

	rhashtable_walk_enter(&bblog_conns, &iter);
	rhashtable_walk_start(&iter);
	while (n < max && (c = rhashtable_walk_next(&iter))) {
		if (IS_ERR(c))
			continue;	/* -EAGAIN: a resize; some may come twice */
		if (c->ep.net_cookie != net_cookie || READ_ONCE(c->dead) ||
		    !refcount_inc_not_zero(&c->ref))
			continue;
		out[n++] = c;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return n;
}

int bblog_conn_init(void)
{
	int err;

	err = rhashtable_init(&bblog_conns, &bblog_conn_params);
	if (err)
		goto err_conns;
	err = rhashtable_init(&bblog_tuples, &bblog_tuple_params);
	if (err)
		goto err_tuples;
	err = bblog_listen_init();
	if (err)
		goto err_listeners;
	return 0;

err_listeners:
	rhashtable_destroy(&bblog_tuples);
err_tuples:
	rhashtable_destroy(&bblog_conns);
err_conns:
	return err;
}

static void bblog_conn_free_entry(void *ptr, void *arg)
{
	struct bblog_conn *c = ptr;

	bblog_conn_hint_clear(c);
	bblog_sockmark_del(c->sk);
	bblog_logid_leave(c);
	bblog_conn_put(c);
}

/* Module exit, after the hooks are gone: forget every connection. */
void bblog_conn_uninit(void)
{
	bblog_listen_uninit();
	rhashtable_destroy(&bblog_tuples);
	rhashtable_free_and_destroy(&bblog_conns, bblog_conn_free_entry, NULL);
	atomic_long_set(&bblog_nconns, 0);
	bblog_logid_uninit();
	rcu_barrier();
}
