// SPDX-License-Identifier: GPL-2.0
/*
 * The counters behind net.tcp_bblog.stat_*: host-wide, and per network
 * namespace (see stats.h).
 */
#include <linux/percpu.h>
#include <linux/slab.h>

#include "stats.h"

DEFINE_PER_CPU(struct bblog_stats, bblog_stats);

u64 bblog_stat_read(const struct bblog_nstats *ns, enum bblog_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += ns ? per_cpu_ptr(ns->pc, cpu)->v[s] :
			    per_cpu(bblog_stats, cpu).v[s];
	return sum;
}

struct bblog_nstats *bblog_nstats_alloc(void)
{
	struct bblog_nstats *ns = kzalloc(sizeof(*ns), GFP_KERNEL);

	if (!ns)
		return NULL;
	ns->pc = alloc_percpu(struct bblog_stats);
	if (!ns->pc) {
		kfree(ns);
		return NULL;
	}
	refcount_set(&ns->ref, 1);
	return ns;
}

/* NULL-safe: the initial namespace has none. */
struct bblog_nstats *bblog_nstats_get(struct bblog_nstats *ns)
{
	if (ns)
		refcount_inc(&ns->ref);
	return ns;
}

void bblog_nstats_put(struct bblog_nstats *ns)
{
	if (ns && refcount_dec_and_test(&ns->ref)) {
		free_percpu(ns->pc);
		kfree(ns);
	}
}
