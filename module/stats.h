/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_STATS_H
#define _BBLOG_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/types.h>

/*
 * Counters, per CPU so the record path touches no shared cache line: the
 * host-wide ones, and those of each network namespace but the initial one.
 * Each is a read-only sysctl net.tcp_bblog.stat_<name>: the initial
 * namespace reads the host-wide value, another namespace its own.
 */
enum bblog_stat {
	BBLOG_STAT_RECORDS,		/* records stored */
	BBLOG_STAT_LOST_NOMEM,		/* events not stored: no memory or budget */
	BBLOG_STAT_LOST_LIMIT,		/* events not stored: head full */
	BBLOG_STAT_OVERWRITTEN,		/* records recycled by rings */
	BBLOG_STAT_PURGED,		/* records freed by disable_all or CLEAR */
	BBLOG_STAT_FREED_UNDUMPED,	/* records of ended connections never dumped */
	BBLOG_STAT_DUMPS,		/* dumps queued to the device */
	BBLOG_STAT_DUMP_RECORDS,	/* records in those dumps */
	BBLOG_STAT_DUMP_FAILED,		/* dumps not queued: no memory (records kept) */
	BBLOG_STAT_DELIVERED,		/* dumps read by a reader (once per reader) */
	BBLOG_STAT_CONNS,		/* connections ever logged */
	BBLOG_STAT_AUTO_SELECTED,	/* of which selected by auto_ratio */
	BBLOG_STAT_TRIGGERED,		/* triggers that dumped */
	BBLOG_STAT_TRIGGER_LIMITED,	/* triggers refused by trigger_rate */
	BBLOG_STAT_UNKEYED,		/* connections a twin kept from their 4-tuple */
	BBLOG_STAT_EXPORT_DROPPED,	/* dumps dropped unread: export_limit */
	BBLOG_STAT_LOST_EXPORT,		/* records in those dumps */
	BBLOG_STAT_BUF_RECORDS,		/* records taken with BBLOG_SO_BUF */
	BBLOG_STAT_DISCARDED,		/* of conns: never connections (purged) */
	BBLOG_STAT_HANDSHAKES,		/* passive handshakes kept before the child */
	BBLOG_STAT_HANDSHAKES_UNKEPT,	/* SYNs not kept: the table was full */
	BBLOG_STAT_HANDSHAKES_UNCLAIMED,	/* kept, and no logged child took them */
	BBLOG_STAT_HANDSHAKES_FAILED,	/* kept, and their request made no child */
	BBLOG_STAT_NR
};

struct bblog_stats {
	u64 v[BBLOG_STAT_NR];
};

/*
 * A namespace's counters.  Connections and the dumps they made hold a
 * reference, so a dump read or dropped after its namespace is gone still
 * has somewhere to count.
 */
struct bblog_nstats {
	refcount_t ref;
	atomic_long_t conns;			/* connections logged now */
	atomic64_t budget;			/* records charged to its share */
	struct bblog_stats __percpu *pc;
};

DECLARE_PER_CPU(struct bblog_stats, bblog_stats);

/* Counted host-wide and, unless @ns is NULL (the initial namespace), in @ns. */
static inline void bblog_stat_add(struct bblog_nstats *ns, enum bblog_stat s,
				  u64 n)
{
	this_cpu_add(bblog_stats.v[s], n);
	if (ns)
		this_cpu_add(ns->pc->v[s], n);
}

static inline void bblog_stat_inc(struct bblog_nstats *ns, enum bblog_stat s)
{
	bblog_stat_add(ns, s, 1);
}

/* @ns NULL: the host-wide value. */
u64 bblog_stat_read(const struct bblog_nstats *ns, enum bblog_stat s);

struct bblog_nstats *bblog_nstats_alloc(void);
struct bblog_nstats *bblog_nstats_get(struct bblog_nstats *ns);
void bblog_nstats_put(struct bblog_nstats *ns);

#endif /* _BBLOG_STATS_H */
