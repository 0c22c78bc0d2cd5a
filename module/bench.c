// SPDX-License-Identifier: GPL-2.0
/*
 * A microbenchmark of the record path, for `make bench`.  Writing N to
 * /sys/module/tcp_bblog/parameters/bench_records logs N events on a kernel
 * TCP socket in TAIL mode through the path the hooks use (table lookup,
 * connection lock, snapshot, ring) and keeps the mean cost; reading it gives
 * "<records> <ns per record, 3 decimals>".  Writing N to bench_rules tries
 * a test socket, as a new connection, against N selection rules, none of
 * which matches it (the worst case: every rule is tried to its address
 * prefix); reading it gives
 * "<rules> <ns per connection, 3 decimals>".
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/tcp_bblog.h>

#include "conn.h"
#include "rule.h"

static DEFINE_MUTEX(bblog_bench_lock);	/* one run at a time, and the result */
static u64 bblog_bench_records;
static u64 bblog_bench_ps;		/* picoseconds per record */

static int bblog_bench_run(u64 n)
{
	struct bblog_event ev = { .id = BBLOG_EV_STATE };
	struct bblog_conn *c;
	struct socket *sock;
	u64 i, t0, t;
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	lock_sock(sock->sk);
	c = bblog_conn_get_or_create(sock->sk, BBLOG_MODE_TAIL, GFP_KERNEL);
	release_sock(sock->sk);
	if (!c) {
		sock_release(sock);
		return -ENOMEM;
	}

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		bblog_conn_log(sock->sk, &ev);
		if (!(i & 1023))
			cond_resched();
	}
	t = ktime_get_ns() - t0;

	/* Closing the socket ends the connection through the destroy hook. */
	sock_release(sock);
	bblog_bench_records = n;
	bblog_bench_ps = div64_u64(t * 1000, n);
	return 0;
}

static int bblog_bench_set(const char *val, const struct kernel_param *kp)
{
	u64 n;
	int err;

	err = kstrtou64(val, 0, &n);
	if (err)
		return err;
	if (!n || n > 100000000)
		return -EINVAL;
	mutex_lock(&bblog_bench_lock);
	err = bblog_bench_run(n);
	mutex_unlock(&bblog_bench_lock);
	return err;
}

static int bblog_bench_get(char *buf, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&bblog_bench_lock);
	len = sysfs_emit(buf, "%llu %llu.%03llu\n", bblog_bench_records,
			 bblog_bench_ps / 1000, bblog_bench_ps % 1000);
	mutex_unlock(&bblog_bench_lock);
	return len;
}

static const struct kernel_param_ops bblog_bench_ops = {
	.set	= bblog_bench_set,
	.get	= bblog_bench_get,
};

module_param_cb(bench_records, &bblog_bench_ops, NULL, 0600);
MODULE_PARM_DESC(bench_records,
		 "write N: log N records on a test socket; read: records and ns per record");

static u32 bblog_bench_nrules;
static u64 bblog_bench_rule_ps;		/* picoseconds per connection */

#define BBLOG_BENCH_RULE_ITERS 100000

/* @n rules of a port and a prefix each, none matching the test socket. */
static struct bblog_rule_set *bblog_bench_rules(u32 n)
{
	struct bblog_rule_set *set;
	u32 i;

	set = kzalloc(struct_size(set, rules, n), GFP_KERNEL);
	if (!set)
		return NULL;
	for (i = 0; i < n; i++) {
		struct bblog_rule *r = kzalloc(sizeof(*r), GFP_KERNEL);

		if (!r)
			break;
		r->m.fields = BBLOG_MF_FAMILY | BBLOG_MF_LPORT | BBLOG_MF_FADDR;
		r->m.family = AF_INET;
		r->m.lport_min = 0;		/* the test socket's: the prefix decides */
		r->m.lport_max = i;
		r->m.faddr[0] = 10;
		r->m.fprefix = 8;
		r->mode = BBLOG_MODE_TAIL;
		set->rules[set->n++] = r;
	}
	return set;
}

static int bblog_bench_rules_run(u32 n)
{
	struct bblog_rule_set *set;
	struct bblog_match_key k;
	struct socket *sock;
	void *hit = NULL;
	u64 i, t0, t;
	int err;

	set = bblog_bench_rules(n);
	if (!set)
		return -ENOMEM;
	err = -ENOMEM;
	if (set->n != n)
		goto out_free;
	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		goto out_free;
	t0 = ktime_get_ns();
	for (i = 0; i < BBLOG_BENCH_RULE_ITERS; i++) {
		rcu_read_lock();
		bblog_match_key_of(sock->sk, BBLOG_DIR_PASSIVE, &k);
		hit = bblog_rules_first(set, sock->sk, &k);
		rcu_read_unlock();
		if (hit)
			break;
		if (!(i & 1023))
			cond_resched();
	}
	t = ktime_get_ns() - t0;
	sock_release(sock);
	err = hit ? -EINVAL : 0;
	bblog_bench_nrules = n;
	bblog_bench_rule_ps = div64_u64(t * 1000, BBLOG_BENCH_RULE_ITERS);
out_free:
	for (i = 0; i < set->n; i++)
		kfree(set->rules[i]);
	kfree(set);
	return err;
}

static int bblog_bench_rules_set(const char *val, const struct kernel_param *kp)
{
	u32 n;
	int err;

	err = kstrtou32(val, 0, &n);
	if (err)
		return err;
	if (!n || n > BBLOG_RULES_MAX)
		return -EINVAL;
	mutex_lock(&bblog_bench_lock);
	err = bblog_bench_rules_run(n);
	mutex_unlock(&bblog_bench_lock);
	return err;
}

static int bblog_bench_rules_get(char *buf, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&bblog_bench_lock);
	len = sysfs_emit(buf, "%u %llu.%03llu\n", bblog_bench_nrules,
			 bblog_bench_rule_ps / 1000, bblog_bench_rule_ps % 1000);
	mutex_unlock(&bblog_bench_lock);
	return len;
}

static const struct kernel_param_ops bblog_bench_rules_ops = {
	.set	= bblog_bench_rules_set,
	.get	= bblog_bench_rules_get,
};

module_param_cb(bench_rules, &bblog_bench_rules_ops, NULL, 0600);
MODULE_PARM_DESC(bench_rules,
		 "write N: match a new connection against N rules; read: rules and ns per connection");
