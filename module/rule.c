// SPDX-License-Identifier: GPL-2.0
/*
 * Selection rules: an ordered list per network namespace that chooses
 * which new connections are logged, and how, for programs that set no
 * socket option.  Each new connection is tried once; the first rule that
 * matches gives its mode, log ID, record limit and triggers.  The list is
 * replaced whole on every change and read under RCU, so the connections'
 * path takes no lock.
 */
#include <linux/cgroup.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "rule.h"
#include "sysctl.h"

static DEFINE_MUTEX(bblog_rules_mutex);	/* changes to every namespace's set */
static atomic_t bblog_rules_total = ATOMIC_INIT(0);	/* rules of all namespaces */

/* Some namespace has rules: the probes of new connections must run. */
bool bblog_rules_any(void)
{
	return atomic_read(&bblog_rules_total);
}

/* The namespace @net has rules. */
bool bblog_rules_exist(const struct net *net)
{
	return rcu_access_pointer(bblog_net(net)->rules);
}

static struct bblog_rule_set *bblog_rules_locked(struct bblog_net *bn)
{
	return rcu_dereference_protected(bn->rules, lockdep_is_held(&bblog_rules_mutex));
}

/* The socket's addresses and ports; IPv4-mapped IPv6 ones as IPv4. */
void bblog_match_key_of(const struct sock *sk, u8 dir, struct bblog_match_key *k)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(k, 0, sizeof(*k));
	k->dir = dir;
	k->lport = ntohs(inet->inet_sport);
	k->fport = ntohs(inet->inet_dport);
	k->uid = sk->sk_uid;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !(ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr) &&
	      ipv6_addr_v4mapped(&sk->sk_v6_daddr))) {
		k->family = AF_INET6;
		memcpy(k->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(k->faddr, &sk->sk_v6_daddr, 16);
		return;
	}
#endif
	k->family = AF_INET;
	memcpy(k->laddr, &inet->inet_rcv_saddr, 4);
	memcpy(k->faddr, &inet->inet_daddr, 4);
}

/* The socket is in the cgroup v2 @id or below it. */
static bool bblog_sock_in_cgroup(const struct sock *sk, u64 id)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	struct cgroup *cg;

	for (cg = sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);
	     cg; cg = cgroup_parent(cg))
		if (cgroup_id(cg) == id)
			return true;
#endif
	return false;
}

/* The id of the socket's cgroup v2; 0 if the kernel keeps none. */
u64 bblog_sock_cgroup_id(const struct sock *sk)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	return cgroup_id(sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data));
#else
	return 0;
#endif
}

/* @m matches the socket @sk, whose key is @k.  Under rcu_read_lock(). */
bool bblog_match_sock(const struct bblog_match *m, const struct sock *sk,
		      const struct bblog_match_key *k)
{
	if (!bblog_match_key(m, k))
		return false;
	return !(m->fields & BBLOG_MF_CGROUP) || bblog_sock_in_cgroup(sk, m->cgroup);
}

/* The first rule of @set that matches the socket @sk, whose key is @k. */
struct bblog_rule *bblog_rules_first(const struct bblog_rule_set *set,
				     const struct sock *sk,
				     const struct bblog_match_key *k)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (bblog_match_sock(&set->rules[i]->m, sk, k))
			return set->rules[i];
	return NULL;
}

/* The rule keeps this connection, whose log ID is @id. */
static bool bblog_rule_samples(struct bblog_rule *r, const char *id)
{
	if (r->ratio <= 1)
		return true;
	if (r->sample == BBLOG_SAMPLE_BY_ID)
		return bblog_id_sampled(id, r->ratio);
	return bblog_ratio_select(&r->counter, r->ratio);
}

/*
 * The new connection @sk against its namespace's rules: false if none
 * matches.  Otherwise true, and @a->mode is what the first that matched
 * gives it (BBLOG_MODE_OFF if it is not to be logged).
 */
bool bblog_rules_select(struct sock *sk, bool passive, struct bblog_rule_action *a)
{
	struct bblog_match_key k;

	if (!bblog_rules_exist(sock_net(sk)))
		return false;
	bblog_match_key_of(sk, passive ? BBLOG_DIR_PASSIVE : BBLOG_DIR_ACTIVE, &k);
	return bblog_rules_select_key(sk, &k, a);
}

/*
 * As bblog_rules_select(), for a connection whose key @k is known without
 * a socket of its own (a passive handshake that made none): @sk is the
 * socket whose cgroup it is in (its listener).
 */
bool bblog_rules_select_key(const struct sock *sk, const struct bblog_match_key *k,
			    struct bblog_rule_action *a)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	const struct bblog_rule_set *set;
	struct bblog_rule *r = NULL;

	rcu_read_lock();
	set = rcu_dereference(bn->rules);
	if (!set)
		goto out;
	r = bblog_rules_first(set, sk, k);
	if (!r)
		goto out;
	atomic64_inc(&r->hits);
	a->handle = r->handle;
	a->mode = r->mode;
	a->limit = r->limit;
	a->triggers = r->triggers;
	bblog_id_expand(r->id, k, a->id, sizeof(a->id));
	if (a->mode > BBLOG_MODE_OFF && !bblog_rule_samples(r, a->id))
		a->mode = BBLOG_MODE_OFF;
	if (a->mode > BBLOG_MODE_OFF)
		atomic64_inc(&r->selected);
out:
	rcu_read_unlock();
	return r;
}

/* The triggers some rule of the namespace gives its connections. */
u32 bblog_rules_trigger_mask(const struct net *net)
{
	const struct bblog_rule_set *set;
	u32 mask = 0;

	rcu_read_lock();
	set = rcu_dereference(bblog_net(net)->rules);
	if (set)
		mask = set->trigger_mask;
	rcu_read_unlock();
	return mask;
}

static struct bblog_rule_set *bblog_rule_set_alloc(unsigned int n)
{
	struct bblog_rule_set *set;

	return kzalloc(struct_size(set, rules, n), GFP_KERNEL);
}

/* Publish @new (NULL: no rule) in place of @old. */
static void bblog_rules_replace(struct bblog_net *bn, struct bblog_rule_set *old,
				struct bblog_rule_set *new)
{
	unsigned int i;

	lockdep_assert_held(&bblog_rules_mutex);
	for (i = 0; new && i < new->n; i++)
		new->trigger_mask |= new->rules[i]->triggers.mask;
	atomic_add((new ? new->n : 0) - (old ? old->n : 0), &bblog_rules_total);
	rcu_assign_pointer(bn->rules, new);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * Insert @r (allocated by the caller, given to the set on success) as the
 * @pos-th rule (1 is first; 0 the last).  Its handle goes to @handle.
 */
int bblog_rule_add(struct net *net, struct bblog_rule *r, u32 pos, u32 *handle)
{
	struct bblog_net *bn = bblog_net(net);
	struct bblog_rule_set *old, *new;
	unsigned int n, at;
	int err = 0;

	mutex_lock(&bblog_rules_mutex);
	old = bblog_rules_locked(bn);
	n = old ? old->n : 0;
	if (n >= BBLOG_RULES_MAX) {
		err = -ENOSPC;
		goto unlock;
	}
	if (pos > n + 1) {
		err = -ERANGE;
		goto unlock;
	}
	at = pos ? pos - 1 : n;
	new = bblog_rule_set_alloc(n + 1);
	if (!new) {
		err = -ENOMEM;
		goto unlock;
	}
	if (old) {
		memcpy(new->rules, old->rules, at * sizeof(new->rules[0]));
		memcpy(new->rules + at + 1, old->rules + at,
		       (n - at) * sizeof(new->rules[0]));
	}
	new->n = n + 1;
	new->rules[at] = r;
	if (!++bn->rule_handle)
		++bn->rule_handle;
	r->handle = bn->rule_handle;
	*handle = r->handle;
	bblog_rules_replace(bn, old, new);
unlock:
	mutex_unlock(&bblog_rules_mutex);
	return err;
}

int bblog_rule_del(struct net *net, u32 handle)
{
	struct bblog_net *bn = bblog_net(net);
	struct bblog_rule_set *old, *new = NULL;
	struct bblog_rule *r;
	unsigned int i, j;
	int err = 0;

	mutex_lock(&bblog_rules_mutex);
	old = bblog_rules_locked(bn);
	for (i = 0; old && i < old->n; i++)
		if (old->rules[i]->handle == handle)
			break;
	if (!old || i == old->n) {
		err = -ENOENT;
		goto unlock;
	}
	r = old->rules[i];
	if (old->n > 1) {
		new = bblog_rule_set_alloc(old->n - 1);
		if (!new) {
			err = -ENOMEM;
			goto unlock;
		}
		for (j = 0; j < old->n; j++)
			if (j != i)
				new->rules[new->n++] = old->rules[j];
	}
	bblog_rules_replace(bn, old, new);
	kfree_rcu(r, rcu);
unlock:
	mutex_unlock(&bblog_rules_mutex);
	return err;
}

void bblog_rules_flush(struct net *net)
{
	struct bblog_net *bn = bblog_net(net);
	struct bblog_rule_set *old;
	unsigned int i;

	mutex_lock(&bblog_rules_mutex);
	old = bblog_rules_locked(bn);
	if (old) {
		bblog_rules_replace(bn, old, NULL);
		for (i = 0; i < old->n; i++)
			kfree_rcu(old->rules[i], rcu);
	}
	mutex_unlock(&bblog_rules_mutex);
}

/* A copy of the @pos-th rule (0 is first), its counters read; -ENOENT past the end. */
int bblog_rule_get(const struct net *net, unsigned int pos, struct bblog_rule *out)
{
	const struct bblog_rule_set *set;
	const struct bblog_rule *r;
	int err = -ENOENT;

	rcu_read_lock();
	set = rcu_dereference(bblog_net(net)->rules);
	if (set && pos < set->n) {
		r = set->rules[pos];
		out->handle = r->handle;
		out->m = r->m;
		out->mode = r->mode;
		out->sample = r->sample;
		out->limit = r->limit;
		out->ratio = r->ratio;
		out->triggers = r->triggers;
		memcpy(out->id, r->id, sizeof(out->id));
		atomic64_set(&out->hits, atomic64_read(&r->hits));
		atomic64_set(&out->selected, atomic64_read(&r->selected));
		err = 0;
	}
	rcu_read_unlock();
	return err;
}
