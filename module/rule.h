/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_RULE_H
#define _BBLOG_RULE_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/tcp_bblog.h>

#include "match.h"
#include "policy.h"

struct net;
struct sock;
struct bblog_net;

/* One selection rule: immutable once added, but for its counters. */
struct bblog_rule {
	struct rcu_head rcu;
	u32 handle;
	struct bblog_match m;
	s8 mode;			/* BBLOG_MODE_OFF..MAX */
	u8 sample;			/* BBLOG_SAMPLE_* */
	u32 limit;			/* 0: session_limit */
	u32 ratio;
	struct bblog_triggers triggers;
	char id[BBLOG_ID_LEN];		/* template; "" none */
	atomic64_t hits;
	atomic64_t selected;
	atomic64_t counter;		/* BBLOG_SAMPLE_COUNT's candidates */
};

/* A namespace's rules, in order: replaced whole (RCU) on every change. */
struct bblog_rule_set {
	struct rcu_head rcu;
	unsigned int n;
	u32 trigger_mask;		/* the union of the rules' triggers */
	struct bblog_rule *rules[];
};

/* What a connection's rule gave it. */
struct bblog_rule_action {
	u32 handle;
	s8 mode;
	u32 limit;
	struct bblog_triggers triggers;
	char id[BBLOG_ID_LEN];		/* expanded */
};

bool bblog_rules_any(void);
bool bblog_rules_exist(const struct net *net);
void bblog_match_key_of(const struct sock *sk, u8 dir, struct bblog_match_key *k);
u64 bblog_sock_cgroup_id(const struct sock *sk);
bool bblog_match_sock(const struct bblog_match *m, const struct sock *sk,
		      const struct bblog_match_key *k);
struct bblog_rule *bblog_rules_first(const struct bblog_rule_set *set,
				     const struct sock *sk,
				     const struct bblog_match_key *k);
bool bblog_rules_select(struct sock *sk, bool passive, struct bblog_rule_action *a);
bool bblog_rules_select_key(const struct sock *sk, const struct bblog_match_key *k,
			    struct bblog_rule_action *a);
u32 bblog_rules_trigger_mask(const struct net *net);

int bblog_rule_add(struct net *net, struct bblog_rule *r, u32 pos, u32 *handle);
int bblog_rule_del(struct net *net, u32 handle);
void bblog_rules_flush(struct net *net);
int bblog_rule_get(const struct net *net, unsigned int pos, struct bblog_rule *out);

#endif /* _BBLOG_RULE_H */
