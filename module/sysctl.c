// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/tcp_bblog/: the settings of each network namespace, the
 * host-wide budget, and read-only counters.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/tcp_bblog.h>

#include "conn.h"
#include "export.h"
#include "hooks.h"
#include "logid.h"
#include "ring.h"
#include "rule.h"
#include "stats.h"
#include "sysctl.h"

static unsigned int bblog_log_version = BBLOG_VERSION;
static unsigned long bblog_global_limit = 262144;	/* records: 64 MiB */
static unsigned long bblog_global_limit_max = 1UL << 32;
static unsigned long bblog_export_limit = 131072;	/* records queued: half */
static int bblog_unprivileged = BBLOG_UNPRIV_SOCKETS;
static int bblog_unprivileged_max = BBLOG_UNPRIV_NAMESPACES;
static unsigned int bblog_ns_share = 50;		/* percent of global_limit */
static unsigned int bblog_unpriv_share = 25;
static unsigned int bblog_percent_max = 100;
static int bblog_mode_min = BBLOG_MODE_OFF;
static int bblog_mode_max = BBLOG_MODE_MAX;
static unsigned int bblog_session_limit_max = BBLOG_SESSION_LIMIT_MAX;
static unsigned int bblog_retention_max = 3600 * 1000;

static unsigned int bblog_net_id __read_mostly;
#ifdef BBLOG_NET_COOKIE_LAZY
static atomic64_t bblog_net_cookies = ATOMIC64_INIT(0);
#endif

struct bblog_net *bblog_net(const struct net *net)
{
	return net_generic(net, bblog_net_id);
}

/*
 * The namespace's cookie, never reused: the kernel's (5.12 and later), or
 * on older kernels, where the kernel makes one only when asked and does
 * not export how, one of the module's own, given when the namespace gets
 * its settings.
 */
u64 bblog_net_cookie(const struct net *net)
{
	return bblog_net(net)->net_cookie;
}

/* The counters of @net's namespace; NULL for the initial one. */
struct bblog_nstats *bblog_net_stats(const struct net *net)
{
	return bblog_net(net)->nstats;
}

/*
 * The socket options, for a caller without CAP_NET_ADMIN in the initial
 * user namespace: refused at BBLOG_UNPRIV_NONE.
 */
bool bblog_may_use_sockopts(void)
{
	return READ_ONCE(bblog_unprivileged) >= BBLOG_UNPRIV_SOCKETS ||
	       capable(CAP_NET_ADMIN);
}

/*
 * The settings of a namespace that a user namespace other than the initial
 * one owns (unshare -Urn: its creator is root there) are the host's to set
 * below BBLOG_UNPRIV_NAMESPACES.  Lowering the level leaves what was set
 * before in place.
 */
static bool bblog_may_configure(const struct bblog_net *bn)
{
	return !bn->userns_owned ||
	       READ_ONCE(bblog_unprivileged) >= BBLOG_UNPRIV_NAMESPACES ||
	       capable(CAP_NET_ADMIN);
}

static int bblog_global_limit_handler(BBLOG_CTL_TABLE *table, int write,
				      void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_doulongvec_minmax(table, write, buf, lenp, ppos);

	if (!err && write)
		bblog_budget_set_limit(READ_ONCE(bblog_global_limit));
	return err;
}

/* ns_share, unpriv_share: percentages of global_limit. */
static int bblog_share_handler(BBLOG_CTL_TABLE *table, int write,
			       void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_douintvec_minmax(table, write, buf, lenp, ppos);

	if (!err && write)
		bblog_budget_set_shares(READ_ONCE(bblog_ns_share),
					READ_ONCE(bblog_unpriv_share));
	return err;
}

static int bblog_export_limit_handler(BBLOG_CTL_TABLE *table, int write,
				      void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_doulongvec_minmax(table, write, buf, lenp, ppos);

	if (!err && write)
		bblog_export_set_limit(READ_ONCE(bblog_export_limit));
	return err;
}

/* net.tcp_bblog.triggers: a text, parsed on write (policy.c). */
static int bblog_triggers_handler(BBLOG_CTL_TABLE *table, int write,
				  void *buf, size_t *lenp, loff_t *ppos)
{
	struct bblog_triggers *cur = table->data, new;
	char text[BBLOG_TRIGGERS_TEXT];
	struct ctl_table tmp = {
		.data	= text,
		.maxlen	= sizeof(text),
		.mode	= table->mode,
	};
	int err;

	bblog_triggers_format(cur, text, sizeof(text));
	err = proc_dostring(&tmp, write, buf, lenp, ppos);
	if (err || !write)
		return err;
	if (bblog_triggers_parse(text, &new))
		return -EINVAL;
	WRITE_ONCE(cur->retrans, new.retrans);
	WRITE_ONCE(cur->id, new.id);
	WRITE_ONCE(cur->mask, new.mask);
	return 0;
}

/* The trigger rate bound (0: none), applied at once. */
static void bblog_trigger_rate_apply(struct bblog_net *bn)
{
	unsigned int rate = READ_ONCE(bn->trigger_rate);

	WRITE_ONCE(bn->trigger_rs.interval, rate ? HZ : 0);
	WRITE_ONCE(bn->trigger_rs.burst, rate);
}

static int bblog_trigger_rate_handler(BBLOG_CTL_TABLE *table, int write,
				      void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_douintvec(table, write, buf, lenp, ppos);

	if (!err && write)
		bblog_trigger_rate_apply(container_of(table->data, struct bblog_net,
						      trigger_rate));
	return err;
}

/* Lowered, closed_retention_ms applies to connections retained already. */
static int bblog_retention_handler(BBLOG_CTL_TABLE *table, int write,
				   void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_douintvec_minmax(table, write, buf, lenp, ppos);
	struct bblog_net *bn;

	if (!err && write) {
		bn = container_of(table->data, struct bblog_net, closed_retention_ms);
		bblog_logid_retention_cut(&bn->ids,
					  READ_ONCE(bn->closed_retention_ms));
	}
	return err;
}

/*
 * A per-namespace setting: its handler and bounds, and where it lives in
 * struct bblog_net.  Every write goes through bblog_may_configure().
 */
struct bblog_setting {
	proc_handler *handler;
	void *min;
	void *max;
	size_t offset;
};

/* auto_ratio, auto_mode, auto_all: 4-byte values that decide selection */
static bool bblog_setting_is_auto(const struct bblog_setting *set)
{
	BUILD_BUG_ON(sizeof_field(struct bblog_net, auto_ratio) != sizeof(unsigned int) ||
		     sizeof_field(struct bblog_net, auto_mode) != sizeof(unsigned int) ||
		     sizeof_field(struct bblog_net, auto_all) != sizeof(unsigned int));
	return set->offset == offsetof(struct bblog_net, auto_ratio) ||
	       set->offset == offsetof(struct bblog_net, auto_mode) ||
	       set->offset == offsetof(struct bblog_net, auto_all);
}

static int bblog_setting_handler(BBLOG_CTL_TABLE *table, int write,
				 void *buf, size_t *lenp, loff_t *ppos)
{
	const struct bblog_setting *set = table->extra1;
	const struct bblog_net *bn = (const void *)((const char *)table->data -
						    set->offset);
	struct ctl_table tmp = *table;
	unsigned int val, ratio;
	int err, mode;

	if (write && !bblog_may_configure(bn))
		return -EPERM;
	tmp.extra1 = set->min;
	tmp.extra2 = set->max;
	if (!write || !bblog_setting_is_auto(set))
		return set->handler(&tmp, write, buf, lenp, ppos);
	/*
	 * auto_* that will select: the namespace's segments are to be seen
	 * first; if its hooks cannot be placed, the setting stays as it was.
	 */
	val = *(unsigned int *)table->data;
	tmp.data = &val;
	err = set->handler(&tmp, write, buf, lenp, ppos);
	if (err)
		return err;
	ratio = set->offset == offsetof(struct bblog_net, auto_ratio) ?
		val : READ_ONCE(bn->auto_ratio);
	mode = set->offset == offsetof(struct bblog_net, auto_mode) ?
	       (int)val : READ_ONCE(bn->auto_mode);
	if (ratio && mode > BBLOG_MODE_OFF) {
		err = bblog_hooks_arm(read_pnet(&bn->net));
		if (err)
			return err;
	}
	WRITE_ONCE(*(unsigned int *)table->data, val);
	return 0;
}

#define BBLOG_SETTING(field, fn, lo, hi)				\
	{								\
		.handler	= fn,					\
		.min		= lo,					\
		.max		= hi,					\
		.offset		= offsetof(struct bblog_net, field),	\
	}

static const struct bblog_setting bblog_settings[] = {
	BBLOG_SETTING(auto_ratio, proc_douintvec, NULL, NULL),
	BBLOG_SETTING(auto_mode, proc_dointvec_minmax,
		      &bblog_mode_min, &bblog_mode_max),
	BBLOG_SETTING(auto_all, proc_dointvec_minmax, SYSCTL_ZERO, SYSCTL_ONE),
	BBLOG_SETTING(session_limit, proc_douintvec_minmax,
		      SYSCTL_ONE, &bblog_session_limit_max),
	BBLOG_SETTING(disable_all, proc_dointvec_minmax,
		      SYSCTL_ZERO, SYSCTL_ONE),
	BBLOG_SETTING(closed_retention_ms, bblog_retention_handler,
		      SYSCTL_ZERO, &bblog_retention_max),
	BBLOG_SETTING(triggers, bblog_triggers_handler, NULL, NULL),
	BBLOG_SETTING(trigger_rate, bblog_trigger_rate_handler, NULL, NULL),
};

/* Read-only counters: extra1 selects the value. */
enum {
	BBLOG_GAUGE_CONNS = BBLOG_STAT_NR,	/* connections logged now */
	BBLOG_GAUGE_BUDGET,			/* records charged to the budget */
	BBLOG_GAUGE_UNPRIV_BUDGET,		/* of which to the unprivileged share */
	BBLOG_GAUGE_QUEUED,			/* dumps waiting in the queue */
	BBLOG_GAUGE_QUEUED_RECORDS,		/* records in those dumps */
	BBLOG_GAUGE_KPROBE_MISSED,		/* kprobe hits skipped: events lost */
	BBLOG_GAUGE_HOOKS,			/* the namespace's hooks are placed */
};

/*
 * In the initial namespace (@ns NULL) the host-wide value; elsewhere the
 * namespace's (budget_used: what its share holds), except for the shared
 * resources: the unprivileged share, the export queue and kprobe misses
 * read the same in every namespace.
 */
static unsigned long bblog_counter_value(const struct bblog_net *bn,
					 unsigned long which)
{
	const struct bblog_nstats *ns = bn->nstats;

	switch (which) {
	case BBLOG_GAUGE_HOOKS:
		return READ_ONCE(bn->hooks_armed);
	case BBLOG_GAUGE_CONNS:
		return ns ? atomic_long_read(&ns->conns) : bblog_conn_count();
	case BBLOG_GAUGE_BUDGET:
		return ns ? atomic64_read(&ns->budget) : bblog_budget_used();
	case BBLOG_GAUGE_UNPRIV_BUDGET:
		return bblog_budget_unpriv_used();
	case BBLOG_GAUGE_QUEUED:
		return bblog_export_queued();
	case BBLOG_GAUGE_QUEUED_RECORDS:
		return bblog_export_queued_records();
	case BBLOG_GAUGE_KPROBE_MISSED:
		return bblog_hooks_kprobe_missed();
	default:
		return bblog_stat_read(ns, which);
	}
}

/* net.tcp_bblog.missing_events: what this kernel cannot give (hooks.c). */
static int bblog_missing_handler(BBLOG_CTL_TABLE *table, int write,
				 void *buf, size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = {
		.data	= (char *)bblog_hooks_missing(),
		.maxlen	= BBLOG_MISSING_LEN,
		.mode	= 0444,
	};

	if (write)
		return -EPERM;
	return proc_dostring(&tmp, 0, buf, lenp, ppos);
}

static int bblog_counter_handler(BBLOG_CTL_TABLE *table, int write,
				 void *buf, size_t *lenp, loff_t *ppos)
{
	const struct bblog_net *bn = table->data;
	unsigned long val = bblog_counter_value(bn, (unsigned long)table->extra1);
	struct ctl_table tmp = {
		.data	= &val,
		.maxlen	= sizeof(val),
		.mode	= table->mode,
	};

	if (write)
		return -EPERM;
	return proc_doulongvec_minmax(&tmp, 0, buf, lenp, ppos);
}

#define BBLOG_NET_ENTRY(name, field, size, i)				\
	{								\
		.procname	= name,					\
		.maxlen		= size,					\
		.mode		= 0644,					\
		.proc_handler	= bblog_setting_handler,		\
		.extra1		= (void *)&bblog_settings[i],		\
		.data		= (void *)offsetof(struct bblog_net, field),	\
	}

#define BBLOG_COUNTER(name, which)					\
	{								\
		.procname	= "stat_" name,				\
		.maxlen		= sizeof(unsigned long),		\
		.mode		= 0444,					\
		.proc_handler	= bblog_counter_handler,		\
		.extra1		= (void *)(which),			\
	}

/*
 * Entries before this index hold offsets into struct bblog_net; the
 * host-wide ones follow.
 */
#define BBLOG_NET_ENTRIES ARRAY_SIZE(bblog_settings)
#define BBLOG_HOST_ENTRIES 5

static const struct ctl_table bblog_sysctl_template[] = {
	BBLOG_NET_ENTRY("auto_ratio", auto_ratio, sizeof(int), 0),
	BBLOG_NET_ENTRY("auto_mode", auto_mode, sizeof(int), 1),
	BBLOG_NET_ENTRY("auto_all", auto_all, sizeof(int), 2),
	BBLOG_NET_ENTRY("session_limit", session_limit, sizeof(int), 3),
	BBLOG_NET_ENTRY("disable_all", disable_all, sizeof(int), 4),
	BBLOG_NET_ENTRY("closed_retention_ms", closed_retention_ms,
			sizeof(int), 5),
	BBLOG_NET_ENTRY("triggers", triggers, BBLOG_TRIGGERS_TEXT, 6),
	BBLOG_NET_ENTRY("trigger_rate", trigger_rate, sizeof(int), 7),
	{
		.procname	= "global_limit",
		.data		= &bblog_global_limit,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= bblog_global_limit_handler,
		.extra1		= SYSCTL_LONG_ONE,
		.extra2		= &bblog_global_limit_max,
	},
	{
		.procname	= "export_limit",
		.data		= &bblog_export_limit,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= bblog_export_limit_handler,
		.extra1		= SYSCTL_LONG_ZERO,
		.extra2		= &bblog_global_limit_max,
	},
	{
		.procname	= "unprivileged",
		.data		= &bblog_unprivileged,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &bblog_unprivileged_max,
	},
	{
		.procname	= "ns_share",
		.data		= &bblog_ns_share,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= bblog_share_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &bblog_percent_max,
	},
	{
		.procname	= "unpriv_share",
		.data		= &bblog_unpriv_share,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= bblog_share_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &bblog_percent_max,
	},
	{
		.procname	= "missing_events",
		.maxlen		= BBLOG_MISSING_LEN,
		.mode		= 0444,
		.proc_handler	= bblog_missing_handler,
	},
	{
		.procname	= "log_version",
		.data		= &bblog_log_version,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0444,
		.proc_handler	= proc_douintvec,
	},
	BBLOG_COUNTER("records", BBLOG_STAT_RECORDS),
	BBLOG_COUNTER("lost_nomem", BBLOG_STAT_LOST_NOMEM),
	BBLOG_COUNTER("lost_limit", BBLOG_STAT_LOST_LIMIT),
	BBLOG_COUNTER("overwritten", BBLOG_STAT_OVERWRITTEN),
	BBLOG_COUNTER("purged", BBLOG_STAT_PURGED),
	BBLOG_COUNTER("freed_undumped", BBLOG_STAT_FREED_UNDUMPED),
	BBLOG_COUNTER("dumps", BBLOG_STAT_DUMPS),
	BBLOG_COUNTER("dump_records", BBLOG_STAT_DUMP_RECORDS),
	BBLOG_COUNTER("dump_failed", BBLOG_STAT_DUMP_FAILED),
	BBLOG_COUNTER("delivered", BBLOG_STAT_DELIVERED),
	BBLOG_COUNTER("conns", BBLOG_STAT_CONNS),
	BBLOG_COUNTER("auto_selected", BBLOG_STAT_AUTO_SELECTED),
	BBLOG_COUNTER("triggered", BBLOG_STAT_TRIGGERED),
	BBLOG_COUNTER("trigger_limited", BBLOG_STAT_TRIGGER_LIMITED),
	BBLOG_COUNTER("unkeyed", BBLOG_STAT_UNKEYED),
	BBLOG_COUNTER("export_dropped", BBLOG_STAT_EXPORT_DROPPED),
	BBLOG_COUNTER("lost_export", BBLOG_STAT_LOST_EXPORT),
	BBLOG_COUNTER("buf_records", BBLOG_STAT_BUF_RECORDS),
	BBLOG_COUNTER("discarded", BBLOG_STAT_DISCARDED),
	BBLOG_COUNTER("conns_active", BBLOG_GAUGE_CONNS),
	BBLOG_COUNTER("budget_used", BBLOG_GAUGE_BUDGET),
	BBLOG_COUNTER("budget_unpriv_used", BBLOG_GAUGE_UNPRIV_BUDGET),
	BBLOG_COUNTER("dumps_queued", BBLOG_GAUGE_QUEUED),
	BBLOG_COUNTER("dump_records_queued", BBLOG_GAUGE_QUEUED_RECORDS),
	BBLOG_COUNTER("kprobe_missed", BBLOG_GAUGE_KPROBE_MISSED),
	BBLOG_COUNTER("handshakes", BBLOG_STAT_HANDSHAKES),
	BBLOG_COUNTER("handshakes_unkept", BBLOG_STAT_HANDSHAKES_UNKEPT),
	BBLOG_COUNTER("handshakes_unclaimed", BBLOG_STAT_HANDSHAKES_UNCLAIMED),
	BBLOG_COUNTER("handshakes_failed", BBLOG_STAT_HANDSHAKES_FAILED),
	BBLOG_COUNTER("hooks_armed", BBLOG_GAUGE_HOOKS),
	{ }
};

/*
 * The counters of @net's namespace, as its stat_* sysctls read, in their
 * order (BBLOG_STAT_NAMES); returns how many were written to @vals.
 */
unsigned int bblog_counters_read(const struct net *net, u64 *vals, unsigned int max)
{
	const struct bblog_net *bn = bblog_net(net);
	const struct ctl_table *t;
	unsigned int n = 0;

	for (t = bblog_sysctl_template; t->procname && n < max; t++)
		if (t->proc_handler == bblog_counter_handler)
			vals[n++] = bblog_counter_value(bn, (unsigned long)t->extra1);
	return n;
}

/* The host-wide settings. */
void bblog_host_settings_read(struct bblog_host_settings *h)
{
	h->global_limit = READ_ONCE(bblog_global_limit);
	h->export_limit = READ_ONCE(bblog_export_limit);
	h->ns_share = READ_ONCE(bblog_ns_share);
	h->unpriv_share = READ_ONCE(bblog_unpriv_share);
	h->unprivileged = READ_ONCE(bblog_unprivileged);
	h->log_version = bblog_log_version;
}

/* The counters' sysctl names must be BBLOG_STAT_NAMES, in that order. */
static bool bblog_counter_names_ok(void)
{
	const char *names = BBLOG_STAT_NAMES, *end;
	const struct ctl_table *t;
	size_t len;

	for (t = bblog_sysctl_template; t->procname; t++) {
		if (t->proc_handler != bblog_counter_handler)
			continue;
		end = strchrnul(names, ',');
		len = end - names;
		if (strncmp(t->procname, "stat_", 5) || strlen(t->procname + 5) != len ||
		    strncmp(t->procname + 5, names, len))
			return false;
		names = *end ? end + 1 : end;
	}
	return !*names;
}

static int __net_init bblog_sysctl_net_init(struct net *net)
{
	struct bblog_net *bn = bblog_net(net);
	struct ctl_table *table;
	int i;

	write_pnet(&bn->net, net);
	bn->hooks_armed = false;
	atomic_set(&bn->keyed, 0);
	bn->auto_ratio = 0;
	bn->auto_mode = BBLOG_MODE_TAIL;
	bn->auto_all = 0;
	bn->session_limit = 5000;
	bn->disable_all = 0;
	bn->closed_retention_ms = 60000;
	memset(&bn->triggers, 0, sizeof(bn->triggers));
	bn->trigger_rate = 10;
	ratelimit_state_init(&bn->trigger_rs, HZ, bn->trigger_rate);
	ratelimit_set_flags(&bn->trigger_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic64_set(&bn->auto_counter, 0);
	RCU_INIT_POINTER(bn->rules, NULL);
	bn->rule_handle = 0;
	bn->nstats = NULL;
	if (!net_eq(net, &init_net)) {
		bn->nstats = bblog_nstats_alloc();
		if (!bn->nstats)
			return -ENOMEM;
	}

	if (bblog_ids_init(&bn->ids))
		goto err_nstats;
	table = kmemdup(bblog_sysctl_template, sizeof(bblog_sysctl_template),
			GFP_KERNEL);
	if (!table)
		goto err_ids;
	for (i = 0; i < BBLOG_NET_ENTRIES; i++)
		table[i].data = (char *)bn + (uintptr_t)table[i].data;
	for (; table[i].procname; i++)
		if (table[i].proc_handler == bblog_counter_handler)
			table[i].data = bn;
	/* The host-wide limits are set from the initial namespace only. */
	if (!net_eq(net, &init_net))
		for (i = BBLOG_NET_ENTRIES; i < BBLOG_NET_ENTRIES + BBLOG_HOST_ENTRIES; i++)
			table[i].mode = 0444;
	bn->userns_owned = net->user_ns != &init_user_ns;
#ifdef BBLOG_NET_COOKIE_LAZY
	/* never one of the kernel's: those count up from 1 */
	bn->net_cookie = BIT_ULL(63) | atomic64_inc_return(&bblog_net_cookies);
#else
	bn->net_cookie = net->net_cookie;
#endif

	/*
	 * The size leaves the empty terminator out: kernels with the sized
	 * call (6.5+) take every counted entry as real, older ones stop at it.
	 */
	bn->hdr = register_net_sysctl_sz(net, "net/tcp_bblog", table,
					 ARRAY_SIZE(bblog_sysctl_template) - 1);
	if (!bn->hdr)
		goto err_table;
	bn->table = table;
	return 0;

err_table:
	kfree(table);
err_ids:
	bblog_ids_exit(&bn->ids);
err_nstats:
	bblog_nstats_put(bn->nstats);
	return -ENOMEM;
}

static void __net_exit bblog_sysctl_net_exit(struct net *net)
{
	struct bblog_net *bn = bblog_net(net);

	/* Its connections kept for dumps by ID go with it. */
	bblog_ids_exit(&bn->ids);
	bblog_rules_flush(net);
	unregister_net_sysctl_table(bn->hdr);
	kfree(bn->table);
	bblog_nstats_put(bn->nstats);
}

static struct pernet_operations bblog_sysctl_net_ops = {
	.init	= bblog_sysctl_net_init,
	.exit	= bblog_sysctl_net_exit,
	.id	= &bblog_net_id,
	.size	= sizeof(struct bblog_net),
};

/* The namespaces' parts are registered (module init and exit only). */
static bool bblog_pernet_up;

int bblog_sysctl_init(void)
{
	int i, err;

	for (i = 0; i < BBLOG_NET_ENTRIES; i++)
		if (WARN_ON(bblog_settings[i].offset !=
			    (uintptr_t)bblog_sysctl_template[i].data))
			return -EINVAL;
	if (WARN_ON(!bblog_counter_names_ok()))
		return -EINVAL;
	bblog_budget_set_limit(bblog_global_limit);
	bblog_budget_set_shares(bblog_ns_share, bblog_unpriv_share);
	bblog_export_set_limit(bblog_export_limit);
	err = register_pernet_subsys(&bblog_sysctl_net_ops);
	bblog_pernet_up = !err;
	return err;
}

void bblog_sysctl_uninit(void)
{
	bblog_pernet_up = false;
	unregister_pernet_subsys(&bblog_sysctl_net_ops);
}

/*
 * The retained connections of every namespace, freed (module exit), while
 * the namespaces' parts exist: after bblog_sysctl_uninit() their exits
 * have freed them already.
 */
void bblog_sysctl_reap_ids(void)
{
	struct net *net;

	if (!bblog_pernet_up)
		return;
	down_read(&net_rwsem);
	for_each_net(net)
		bblog_ids_reap_all(&bblog_net(net)->ids);
	up_read(&net_rwsem);
}
