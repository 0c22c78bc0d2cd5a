/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_SYSCTL_H
#define _BBLOG_SYSCTL_H

#include <linux/atomic.h>
#include <linux/ratelimit_types.h>
#include <net/net_namespace.h>

#include "logid.h"
#include "policy.h"
#include "stats.h"

struct bblog_rule_set;

/* Per network namespace settings: /proc/sys/net/tcp_bblog/. */
struct bblog_net {
	struct ctl_table_header *hdr;
	struct ctl_table *table;
	bool userns_owned;		/* by a user ns other than the initial */
	u64 net_cookie;			/* its namespace's */
	struct bblog_nstats *nstats;	/* its counters; NULL in init_net */
	unsigned int auto_ratio;	/* every N-th candidate; 0 = off */
	int auto_mode;			/* BBLOG_MODE_* given to those */
	int auto_all;			/* candidates: 1 all connections, 0 new IDs */
	unsigned int session_limit;	/* records kept per connection */
	int disable_all;		/* kill switch */
	unsigned int closed_retention_ms;
	struct bblog_triggers triggers;	/* what dumps a logged connection */
	unsigned int trigger_rate;	/* trigger dumps per second; 0: no bound */
	atomic64_t auto_counter;	/* candidates seen */
	struct ratelimit_state trigger_rs;	/* trigger_rate */
	struct bblog_rule_set __rcu *rules;	/* selection rules; NULL: none */
	u32 rule_handle;		/* the last handle given */
	atomic_t keyed;			/* connections filed under its 4-tuples */
	bool hooks_armed;		/* its netfilter hooks are placed */
	possible_net_t net;		/* the namespace */
	struct bblog_ids ids;		/* its log IDs */
};

/* The host-wide settings (net.tcp_bblog.* of the initial namespace). */
struct bblog_host_settings {
	u64 global_limit;
	u64 export_limit;
	u32 ns_share;
	u32 unpriv_share;
	u32 unprivileged;
	u32 log_version;
};

struct bblog_net *bblog_net(const struct net *net);
u64 bblog_net_cookie(const struct net *net);
unsigned int bblog_counters_read(const struct net *net, u64 *vals, unsigned int max);
void bblog_host_settings_read(struct bblog_host_settings *h);
struct bblog_nstats *bblog_net_stats(const struct net *net);
bool bblog_may_use_sockopts(void);
int bblog_sysctl_init(void);
void bblog_sysctl_reap_ids(void);
void bblog_sysctl_uninit(void);

#endif /* _BBLOG_SYSCTL_H */
