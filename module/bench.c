// SPDX-License-Identifier: GPL-2.0
/*
 * A microbenchmark of the record path, for `make bench`.  Writing N to
 * /sys/module/tcp_bblog/parameters/bench_records logs N events on a kernel
 * TCP socket in TAIL mode through the path the hooks use (table lookup,
 * connection lock, snapshot, ring) and keeps the mean cost; reading it gives
 * "<records> <ns per record, 3 decimals>".
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/tcp_bblog.h>

#include "conn.h"

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
