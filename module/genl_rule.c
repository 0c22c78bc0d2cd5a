// SPDX-License-Identifier: GPL-2.0
/*
 * The selection rules over generic netlink: RULE_ADD, RULE_DEL, RULE_GET
 * and RULE_FLUSH, and the filter (BBLOG_A_MATCH) that rules and the
 * connection commands share.  uapi/linux/tcp_bblog.h documents them.
 */
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "genl.h"
#include "hooks.h"
#include "match.h"
#include "rule.h"

const struct nla_policy bblog_match_policy[BBLOG_MATCH_A_MAX + 1] = {
	[BBLOG_MATCH_A_FAMILY]		= { .type = NLA_U16 },
	[BBLOG_MATCH_A_DIR]		= NLA_POLICY_RANGE(NLA_U8, BBLOG_DIR_ACTIVE,
							   BBLOG_DIR_PASSIVE),
	[BBLOG_MATCH_A_LPORT_MIN]	= { .type = NLA_U16 },
	[BBLOG_MATCH_A_LPORT_MAX]	= { .type = NLA_U16 },
	[BBLOG_MATCH_A_FPORT_MIN]	= { .type = NLA_U16 },
	[BBLOG_MATCH_A_FPORT_MAX]	= { .type = NLA_U16 },
	[BBLOG_MATCH_A_LADDR]		= { .type = NLA_BINARY, .len = 16 },
	[BBLOG_MATCH_A_LPREFIX]		= NLA_POLICY_MAX(NLA_U8, 128),
	[BBLOG_MATCH_A_FADDR]		= { .type = NLA_BINARY, .len = 16 },
	[BBLOG_MATCH_A_FPREFIX]		= NLA_POLICY_MAX(NLA_U8, 128),
	[BBLOG_MATCH_A_CGROUP]		= { .type = NLA_U64 },
	[BBLOG_MATCH_A_UID]		= { .type = NLA_U32 },
};

const struct nla_policy bblog_rule_policy[BBLOG_RULE_A_MAX + 1] = {
	[BBLOG_RULE_A_HANDLE]	= NLA_POLICY_MIN(NLA_U32, 1),
	[BBLOG_RULE_A_POS]	= NLA_POLICY_RANGE(NLA_U32, 1, BBLOG_RULES_MAX),
	[BBLOG_RULE_A_MATCH]	= NLA_POLICY_NESTED(bblog_match_policy),
	[BBLOG_RULE_A_MODE]	= NLA_POLICY_RANGE(NLA_S32, BBLOG_MODE_OFF, BBLOG_MODE_MAX),
	[BBLOG_RULE_A_ID]	= { .type = NLA_NUL_STRING, .len = BBLOG_ID_LEN - 1 },
	[BBLOG_RULE_A_LIMIT]	= { .type = NLA_U32 },
	[BBLOG_RULE_A_RATIO]	= { .type = NLA_U32 },
	[BBLOG_RULE_A_SAMPLE]	= NLA_POLICY_MAX(NLA_U8, BBLOG_SAMPLE_BY_ID),
	[BBLOG_RULE_A_TRIGGERS]	= { .type = NLA_NUL_STRING, .len = BBLOG_TRIGGERS_TEXT - 1 },
	[BBLOG_RULE_A_HITS]	= { .type = NLA_REJECT },
	[BBLOG_RULE_A_SELECTED]	= { .type = NLA_REJECT },
};

/* ------------------------------------------------------------ the filter */

static int bblog_genl_ports(struct nlattr *lo, struct nlattr *hi, u16 *min, u16 *max,
			    struct netlink_ext_ack *extack)
{
	if (!lo) {
		if (hi) {
			NL_SET_ERR_MSG_ATTR(extack, hi, "a port range needs its first port");
			return -EINVAL;
		}
		return 0;
	}
	*min = nla_get_u16(lo);
	*max = hi ? nla_get_u16(hi) : *min;
	if (*max < *min) {
		NL_SET_ERR_MSG_ATTR(extack, hi, "the port range ends before it starts");
		return -EINVAL;
	}
	return 1;
}

/* An address and its prefix into @addr and @bits; the family into @m. */
static int bblog_genl_prefix(struct nlattr *a, struct nlattr *p, struct bblog_match *m,
			     u8 *addr, u8 *bits, struct netlink_ext_ack *extack)
{
	unsigned int len, i;
	u16 family;

	if (!a) {
		if (p) {
			NL_SET_ERR_MSG_ATTR(extack, p, "a prefix length needs its address");
			return -EINVAL;
		}
		return 0;
	}
	len = nla_len(a);
	if (len != 4 && len != 16) {
		NL_SET_ERR_MSG_ATTR(extack, a, "an address is 4 or 16 bytes");
		return -EINVAL;
	}
	family = len == 4 ? AF_INET : AF_INET6;
	if ((m->fields & BBLOG_MF_FAMILY) && m->family != family) {
		NL_SET_ERR_MSG_ATTR(extack, a, "the address is not of the family given");
		return -EINVAL;
	}
	*bits = p ? nla_get_u8(p) : len * 8;
	if (*bits > len * 8) {
		NL_SET_ERR_MSG_ATTR(extack, p, "the prefix is longer than the address");
		return -EINVAL;
	}
	memcpy(addr, nla_data(a), len);
	/* Shown as the network it stands for. */
	for (i = 0; i < len; i++)
		if (i * 8 >= *bits)
			addr[i] = 0;
		else if (i * 8 + 8 > *bits)
			addr[i] &= (u8)(0xff00 >> (*bits - i * 8));
	m->family = family;
	m->fields |= BBLOG_MF_FAMILY;
	return 1;
}

/*
 * The filter @nest into @m.  @rule: for a rule, whose connections are new;
 * the direction of an existing one is not known.
 */
int bblog_genl_match_parse(const struct nlattr *nest, struct bblog_match *m,
			   bool rule, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[BBLOG_MATCH_A_MAX + 1];
	int err;

	memset(m, 0, sizeof(*m));
	err = nla_parse_nested(tb, BBLOG_MATCH_A_MAX, nest, bblog_match_policy, extack);
	if (err)
		return err;
	if (tb[BBLOG_MATCH_A_FAMILY]) {
		m->family = nla_get_u16(tb[BBLOG_MATCH_A_FAMILY]);
		if (m->family != AF_INET && m->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_MATCH_A_FAMILY],
					    "the family is AF_INET or AF_INET6");
			return -EINVAL;
		}
		m->fields |= BBLOG_MF_FAMILY;
	}
	if (tb[BBLOG_MATCH_A_DIR]) {
		if (!rule) {
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_MATCH_A_DIR],
					    "the direction is known for new connections only");
			return -EOPNOTSUPP;
		}
		m->dir = nla_get_u8(tb[BBLOG_MATCH_A_DIR]);
		m->fields |= BBLOG_MF_DIR;
	}
	err = bblog_genl_ports(tb[BBLOG_MATCH_A_LPORT_MIN], tb[BBLOG_MATCH_A_LPORT_MAX],
			       &m->lport_min, &m->lport_max, extack);
	if (err < 0)
		return err;
	if (err)
		m->fields |= BBLOG_MF_LPORT;
	err = bblog_genl_ports(tb[BBLOG_MATCH_A_FPORT_MIN], tb[BBLOG_MATCH_A_FPORT_MAX],
			       &m->fport_min, &m->fport_max, extack);
	if (err < 0)
		return err;
	if (err)
		m->fields |= BBLOG_MF_FPORT;
	err = bblog_genl_prefix(tb[BBLOG_MATCH_A_LADDR], tb[BBLOG_MATCH_A_LPREFIX], m,
				m->laddr, &m->lprefix, extack);
	if (err < 0)
		return err;
	if (err)
		m->fields |= BBLOG_MF_LADDR;
	err = bblog_genl_prefix(tb[BBLOG_MATCH_A_FADDR], tb[BBLOG_MATCH_A_FPREFIX], m,
				m->faddr, &m->fprefix, extack);
	if (err < 0)
		return err;
	if (err)
		m->fields |= BBLOG_MF_FADDR;
	if (tb[BBLOG_MATCH_A_CGROUP]) {
		if (!IS_ENABLED(CONFIG_SOCK_CGROUP_DATA)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_MATCH_A_CGROUP],
					    "this kernel keeps no cgroup for sockets");
			return -EOPNOTSUPP;
		}
		m->cgroup = nla_get_u64(tb[BBLOG_MATCH_A_CGROUP]);
		m->fields |= BBLOG_MF_CGROUP;
	}
	if (tb[BBLOG_MATCH_A_UID]) {
		m->uid = make_kuid(current_user_ns(), nla_get_u32(tb[BBLOG_MATCH_A_UID]));
		if (!uid_valid(m->uid)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_MATCH_A_UID],
					    "the uid has no mapping in the caller's user namespace");
			return -EINVAL;
		}
		m->fields |= BBLOG_MF_UID;
	}
	return 0;
}

static int bblog_genl_put_match(struct sk_buff *msg, const struct bblog_match *m)
{
	unsigned int alen = m->family == AF_INET6 ? 16 : 4;
	struct nlattr *nest;
	u32 f = m->fields;

	nest = nla_nest_start(msg, BBLOG_RULE_A_MATCH);
	if (!nest)
		return -EMSGSIZE;
	if (((f & BBLOG_MF_FAMILY) && nla_put_u16(msg, BBLOG_MATCH_A_FAMILY, m->family)) ||
	    ((f & BBLOG_MF_DIR) && nla_put_u8(msg, BBLOG_MATCH_A_DIR, m->dir)) ||
	    ((f & BBLOG_MF_LPORT) &&
	     (nla_put_u16(msg, BBLOG_MATCH_A_LPORT_MIN, m->lport_min) ||
	      nla_put_u16(msg, BBLOG_MATCH_A_LPORT_MAX, m->lport_max))) ||
	    ((f & BBLOG_MF_FPORT) &&
	     (nla_put_u16(msg, BBLOG_MATCH_A_FPORT_MIN, m->fport_min) ||
	      nla_put_u16(msg, BBLOG_MATCH_A_FPORT_MAX, m->fport_max))) ||
	    ((f & BBLOG_MF_LADDR) &&
	     (nla_put(msg, BBLOG_MATCH_A_LADDR, alen, m->laddr) ||
	      nla_put_u8(msg, BBLOG_MATCH_A_LPREFIX, m->lprefix))) ||
	    ((f & BBLOG_MF_FADDR) &&
	     (nla_put(msg, BBLOG_MATCH_A_FADDR, alen, m->faddr) ||
	      nla_put_u8(msg, BBLOG_MATCH_A_FPREFIX, m->fprefix))) ||
	    ((f & BBLOG_MF_CGROUP) &&
	     nla_put_u64_64bit(msg, BBLOG_MATCH_A_CGROUP, m->cgroup, BBLOG_MATCH_A_PAD)) ||
	    ((f & BBLOG_MF_UID) &&
	     nla_put_u32(msg, BBLOG_MATCH_A_UID,
			 from_kuid_munged(current_user_ns(), m->uid)))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* ------------------------------------------------------------- the rules */

/* The rule of @tb into @r (its handle aside). */
static int bblog_genl_rule_parse(struct nlattr **tb, struct bblog_rule *r,
				 struct netlink_ext_ack *extack)
{
	int err;

	if (!tb[BBLOG_RULE_A_MODE]) {
		NL_SET_ERR_MSG(extack, "a rule needs a mode (off: match and log nothing)");
		return -EINVAL;
	}
	if (tb[BBLOG_RULE_A_HANDLE]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_HANDLE],
				    "the kernel gives the handle of a new rule");
		return -EINVAL;
	}
	if (tb[BBLOG_RULE_A_MATCH]) {
		err = bblog_genl_match_parse(tb[BBLOG_RULE_A_MATCH], &r->m, true, extack);
		if (err)
			return err;
	}
	r->mode = nla_get_s32(tb[BBLOG_RULE_A_MODE]);
	if (tb[BBLOG_RULE_A_ID]) {
		nla_strscpy(r->id, tb[BBLOG_RULE_A_ID], sizeof(r->id));
		err = bblog_id_template_check(r->id);
		if (err == -EINVAL)
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_ID],
					    "the ID template knows {sport} {dport} {src} {dst} only");
		else if (err)
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_ID],
					    "the ID template may expand past BBLOG_ID_LEN - 1 bytes");
		if (err)
			return -EINVAL;
	}
	if (tb[BBLOG_RULE_A_LIMIT]) {
		r->limit = nla_get_u32(tb[BBLOG_RULE_A_LIMIT]);
		if (r->limit > BBLOG_SESSION_LIMIT_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_LIMIT],
					    "the limit is above BBLOG_SESSION_LIMIT_MAX");
			return -EINVAL;
		}
	}
	if (tb[BBLOG_RULE_A_RATIO])
		r->ratio = nla_get_u32(tb[BBLOG_RULE_A_RATIO]);
	if (tb[BBLOG_RULE_A_SAMPLE])
		r->sample = nla_get_u8(tb[BBLOG_RULE_A_SAMPLE]);
	if (r->sample == BBLOG_SAMPLE_BY_ID && !r->id[0]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_SAMPLE],
				    "sampling by ID needs an ID");
		return -EINVAL;
	}
	if (tb[BBLOG_RULE_A_TRIGGERS] &&
	    bblog_triggers_parse(nla_data(tb[BBLOG_RULE_A_TRIGGERS]), &r->triggers)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[BBLOG_RULE_A_TRIGGERS],
				    "triggers: rst-sent rst-recv rto retrans=N syn-retrans sk-error id");
		return -EINVAL;
	}
	return 0;
}

/* The nested BBLOG_A_RULE of the request, parsed into @tb. */
static int bblog_genl_rule_attrs(struct genl_info *info, struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, BBLOG_A_RULE))
		return -EINVAL;
	return nla_parse_nested(tb, BBLOG_RULE_A_MAX, info->attrs[BBLOG_A_RULE],
				bblog_rule_policy, info->extack);
}

static int bblog_genl_rule_reply(struct genl_info *info, u32 handle)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &bblog_genl_family, 0, BBLOG_CMD_RULE_ADD);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, BBLOG_A_RULE);
	if (!nest || nla_put_u32(msg, BBLOG_RULE_A_HANDLE, handle))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int bblog_genl_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[BBLOG_RULE_A_MAX + 1];
	struct bblog_rule *r;
	u32 pos = 0, handle;
	int err;

	err = bblog_genl_rule_attrs(info, tb);
	if (err)
		return err;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	err = bblog_genl_rule_parse(tb, r, info->extack);
	if (err)
		goto err_free;
	if (tb[BBLOG_RULE_A_POS])
		pos = nla_get_u32(tb[BBLOG_RULE_A_POS]);
	err = bblog_hooks_arm(genl_info_net(info));
	if (!err)
		err = bblog_rule_add(genl_info_net(info), r, pos, &handle);
	if (err == -ENOSPC)
		GENL_SET_ERR_MSG(info, "the namespace has BBLOG_RULES_MAX rules already");
	else if (err == -ERANGE)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_RULE_A_POS],
				    "the position is past the last rule");
	if (err)
		goto err_free;
	return bblog_genl_rule_reply(info, handle);

err_free:
	kfree(r);
	return err;
}

int bblog_genl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[BBLOG_RULE_A_MAX + 1];
	int err;

	err = bblog_genl_rule_attrs(info, tb);
	if (err)
		return err;
	if (!tb[BBLOG_RULE_A_HANDLE]) {
		GENL_SET_ERR_MSG(info, "give the handle of the rule to delete");
		return -EINVAL;
	}
	err = bblog_rule_del(genl_info_net(info), nla_get_u32(tb[BBLOG_RULE_A_HANDLE]));
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_RULE_A_HANDLE],
				    "no rule has this handle here");
	return err;
}

int bblog_genl_rule_flush(struct sk_buff *skb, struct genl_info *info)
{
	bblog_rules_flush(genl_info_net(info));
	return 0;
}

static int bblog_genl_put_rule(struct sk_buff *msg, const struct bblog_rule *r)
{
	char triggers[BBLOG_TRIGGERS_TEXT];
	struct nlattr *nest;

	nest = nla_nest_start(msg, BBLOG_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	bblog_triggers_format(&r->triggers, triggers, sizeof(triggers));
	if (nla_put_u32(msg, BBLOG_RULE_A_HANDLE, r->handle) ||
	    bblog_genl_put_match(msg, &r->m) ||
	    nla_put_s32(msg, BBLOG_RULE_A_MODE, r->mode) ||
	    nla_put_string(msg, BBLOG_RULE_A_ID, r->id) ||
	    nla_put_u32(msg, BBLOG_RULE_A_LIMIT, r->limit) ||
	    nla_put_u32(msg, BBLOG_RULE_A_RATIO, r->ratio) ||
	    nla_put_u8(msg, BBLOG_RULE_A_SAMPLE, r->sample) ||
	    nla_put_string(msg, BBLOG_RULE_A_TRIGGERS, triggers) ||
	    nla_put_u64_64bit(msg, BBLOG_RULE_A_HITS, atomic64_read(&r->hits),
			      BBLOG_RULE_A_PAD) ||
	    nla_put_u64_64bit(msg, BBLOG_RULE_A_SELECTED, atomic64_read(&r->selected),
			      BBLOG_RULE_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* RULE_GET: cb->args[0] is the position of the next rule to show. */
int bblog_genl_rule_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct bblog_rule r;
	void *hdr;

	for (; !bblog_rule_get(net, cb->args[0], &r); cb->args[0]++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &bblog_genl_family, NLM_F_MULTI,
				  BBLOG_CMD_RULE_GET);
		if (!hdr)
			break;
		if (bblog_genl_put_rule(skb, &r)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}
