/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_GENL_H
#define _BBLOG_GENL_H

#include <net/genetlink.h>
#include <linux/tcp_bblog.h>

struct bblog_match;

extern struct genl_family bblog_genl_family;
extern const struct nla_policy bblog_match_policy[BBLOG_MATCH_A_MAX + 1];
extern const struct nla_policy bblog_rule_policy[BBLOG_RULE_A_MAX + 1];

int bblog_genl_match_parse(const struct nlattr *nest, struct bblog_match *m,
			   bool rule, struct netlink_ext_ack *extack);
int bblog_genl_rule_add(struct sk_buff *skb, struct genl_info *info);
int bblog_genl_rule_del(struct sk_buff *skb, struct genl_info *info);
int bblog_genl_rule_flush(struct sk_buff *skb, struct genl_info *info);
int bblog_genl_rule_list(struct sk_buff *skb, struct netlink_callback *cb);

int bblog_genl_init(void);
void bblog_genl_uninit(void);

#endif /* _BBLOG_GENL_H */
