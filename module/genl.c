// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink control plane (family "tcp_bblog"): the settings and
 * counters of a namespace, its logged connections, and setting and dumping
 * connections by socket cookie or log ID.  The commands and their errors
 * are documented in uapi/linux/tcp_bblog.h.  Every request acts in the
 * namespace of the netlink socket it came on.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <linux/tcp_bblog.h>

#include "conn.h"
#include "genl.h"
#include "logid.h"
#include "policy.h"
#include "sockopt.h"
#include "sysctl.h"

static struct genl_family bblog_genl_family;

static const struct nla_policy bblog_genl_policy[BBLOG_A_MAX + 1] = {
	[BBLOG_A_COOKIE]	= { .type = NLA_U64 },
	[BBLOG_A_MODE]		= NLA_POLICY_RANGE(NLA_S32, BBLOG_MODE_CLEAR,
						   BBLOG_MODE_MAX),
	[BBLOG_A_ID]		= { .type = NLA_NUL_STRING, .len = BBLOG_ID_LEN - 1 },
	[BBLOG_A_TAG]		= { .type = NLA_NUL_STRING, .len = BBLOG_TAG_LEN - 1 },
	[BBLOG_A_REASON]	= { .type = NLA_NUL_STRING, .len = BBLOG_REASON_LEN - 1 },
};

/* ------------------------------------------------------------ GET_STATUS */

static int bblog_genl_put_settings(struct sk_buff *msg, const struct net *net)
{
	const struct bblog_net *bn = bblog_net(net);
	char triggers[BBLOG_TRIGGERS_TEXT];
	struct bblog_host_settings h;
	struct nlattr *nest;

	bblog_host_settings_read(&h);
	bblog_triggers_format(&bn->triggers, triggers, sizeof(triggers));
	nest = nla_nest_start(msg, BBLOG_A_SETTINGS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, BBLOG_SET_A_AUTO_RATIO, READ_ONCE(bn->auto_ratio)) ||
	    nla_put_u32(msg, BBLOG_SET_A_AUTO_MODE, READ_ONCE(bn->auto_mode)) ||
	    nla_put_u32(msg, BBLOG_SET_A_AUTO_ALL, READ_ONCE(bn->auto_all)) ||
	    nla_put_u32(msg, BBLOG_SET_A_SESSION_LIMIT, READ_ONCE(bn->session_limit)) ||
	    nla_put_u32(msg, BBLOG_SET_A_DISABLE_ALL, READ_ONCE(bn->disable_all)) ||
	    nla_put_u32(msg, BBLOG_SET_A_CLOSED_RETENTION_MS,
			READ_ONCE(bn->closed_retention_ms)) ||
	    nla_put_string(msg, BBLOG_SET_A_TRIGGERS, triggers) ||
	    nla_put_u32(msg, BBLOG_SET_A_TRIGGER_RATE, READ_ONCE(bn->trigger_rate)) ||
	    nla_put_u64_64bit(msg, BBLOG_SET_A_GLOBAL_LIMIT, h.global_limit,
			      BBLOG_SET_A_PAD) ||
	    nla_put_u64_64bit(msg, BBLOG_SET_A_EXPORT_LIMIT, h.export_limit,
			      BBLOG_SET_A_PAD) ||
	    nla_put_u32(msg, BBLOG_SET_A_NS_SHARE, h.ns_share) ||
	    nla_put_u32(msg, BBLOG_SET_A_UNPRIV_SHARE, h.unpriv_share) ||
	    nla_put_u32(msg, BBLOG_SET_A_UNPRIVILEGED, h.unprivileged) ||
	    nla_put_u32(msg, BBLOG_SET_A_LOG_VERSION, h.log_version)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

#define BBLOG_GENL_MAX_COUNTERS 64

static int bblog_genl_put_stats(struct sk_buff *msg, const struct net *net)
{
	u64 vals[BBLOG_GENL_MAX_COUNTERS];
	struct nlattr *nest;
	unsigned int n, i;

	n = bblog_counters_read(net, vals, ARRAY_SIZE(vals));
	nest = nla_nest_start(msg, BBLOG_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(msg, BBLOG_STAT_A_RECORDS + i, vals[i],
				      BBLOG_STAT_A_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	nla_nest_end(msg, nest);
	return 0;
}

static int bblog_genl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &bblog_genl_family, 0,
				BBLOG_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = bblog_genl_put_settings(msg, net);
	if (!err)
		err = bblog_genl_put_stats(msg, net);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* -------------------------------------------------------------- GET_CONN */

/* What the list shows of one connection, copied under its lock. */
struct bblog_conn_view {
	struct bblog_endpoint ep;
	char id[BBLOG_ID_LEN];
	char tag[BBLOG_TAG_LEN];
	u64 lost_nomem;
	u64 lost_limit;
	u64 overwritten;
	u32 records;
	u32 flags;
	s8 mode;
	u8 state;
};

static void bblog_conn_view(struct bblog_conn *c, struct bblog_conn_view *v)
{
	memset(v, 0, sizeof(*v));
	spin_lock_bh(&c->lock);
	v->ep = c->ep;
	v->mode = c->mode;
	v->state = c->dead ? TCP_CLOSE : READ_ONCE(c->sk->sk_state);
	v->records = c->ring.count;
	v->lost_nomem = c->lost_nomem;
	v->lost_limit = c->lost_limit;
	v->overwritten = c->overwritten;
	v->flags = (c->auto_selected ? BBLOG_CF_AUTO : 0) |
		   (c->passive ? BBLOG_CF_PASSIVE : 0) |
		   (c->inherited ? BBLOG_CF_LISTENER : 0) |
		   (c->listener ? BBLOG_CF_TEMPLATE : 0) |
		   (c->dead ? BBLOG_CF_CLOSED : 0);
	if (c->listener && c->listen_id)
		strscpy(v->id, c->listen_id, sizeof(v->id));
	else
		bblog_logid_label(c, v->id, v->tag, NULL);
	spin_unlock_bh(&c->lock);
}

static int bblog_genl_put_conn(struct sk_buff *msg, const struct bblog_conn_view *v)
{
	unsigned int alen = v->ep.family == AF_INET6 ? 16 : 4;

	if (nla_put_u64_64bit(msg, BBLOG_A_COOKIE, v->ep.cookie, BBLOG_A_PAD) ||
	    nla_put_u16(msg, BBLOG_A_FAMILY, v->ep.family) ||
	    nla_put(msg, BBLOG_A_LADDR, alen, v->ep.laddr) ||
	    nla_put(msg, BBLOG_A_FADDR, alen, v->ep.faddr) ||
	    nla_put_u16(msg, BBLOG_A_LPORT, ntohs(v->ep.lport)) ||
	    nla_put_u16(msg, BBLOG_A_FPORT, ntohs(v->ep.fport)) ||
	    nla_put_u8(msg, BBLOG_A_STATE, v->state) ||
	    nla_put_s32(msg, BBLOG_A_MODE, v->mode) ||
	    nla_put_string(msg, BBLOG_A_ID, v->id) ||
	    nla_put_string(msg, BBLOG_A_TAG, v->tag) ||
	    nla_put_u32(msg, BBLOG_A_UID, v->ep.uid) ||
	    nla_put_u32(msg, BBLOG_A_RECORDS, v->records) ||
	    nla_put_u64_64bit(msg, BBLOG_A_LOST_NOMEM, v->lost_nomem, BBLOG_A_PAD) ||
	    nla_put_u64_64bit(msg, BBLOG_A_LOST_LIMIT, v->lost_limit, BBLOG_A_PAD) ||
	    nla_put_u64_64bit(msg, BBLOG_A_OVERWRITTEN, v->overwritten, BBLOG_A_PAD) ||
	    nla_put_u32(msg, BBLOG_A_CONN_FLAGS, v->flags))
		return -EMSGSIZE;
	return 0;
}

/*
 * A dump of the list works on a snapshot taken at its start: references to
 * the connections, put when it is done.
 */
struct bblog_genl_list {
	unsigned int n;
	unsigned int next;
	bool admin;		/* CAP_NET_ADMIN over the namespace */
	u32 uid;		/* else only this owner's connections */
	u64 cookie;		/* filter: 0 none */
	char id[BBLOG_ID_LEN];	/* filter: "" none */
	struct bblog_conn *conns[];
};

static int bblog_genl_list_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr **tb = bblog_dumpit_attrs(info);
	struct bblog_genl_list *l;
	unsigned int max = bblog_conn_count() + 64, i;

	/* A snapshot of every connection: taken again, larger, until it fits. */
	for (;;) {
		l = kvzalloc(struct_size(l, conns, max), GFP_KERNEL);
		if (!l)
			return -ENOMEM;
		l->n = bblog_conn_collect(net->net_cookie, l->conns, max);
		l->n += bblog_logid_collect_retained(net->net_cookie, l->conns + l->n,
						     max - l->n);
		if (l->n < max)
			break;
		for (i = 0; i < l->n; i++)
			bblog_conn_put(l->conns[i]);
		kvfree(l);
		max *= 2;
	}
	l->admin = netlink_ns_capable(cb->skb, net->user_ns, CAP_NET_ADMIN);
	l->uid = from_kuid_munged(&init_user_ns, current_fsuid());
	if (tb[BBLOG_A_COOKIE])
		l->cookie = nla_get_u64(tb[BBLOG_A_COOKIE]);
	if (tb[BBLOG_A_ID])
		nla_strscpy(l->id, tb[BBLOG_A_ID], sizeof(l->id));
	cb->args[0] = (long)l;
	return 0;
}

static int bblog_genl_list_done(struct netlink_callback *cb)
{
	struct bblog_genl_list *l = (void *)cb->args[0];
	unsigned int i;

	if (!l)
		return 0;
	for (i = 0; i < l->n; i++)
		bblog_conn_put(l->conns[i]);
	kvfree(l);
	return 0;
}

static bool bblog_genl_list_shows(const struct bblog_genl_list *l,
				  const struct bblog_conn_view *v)
{
	if (!l->admin && v->ep.uid != l->uid)
		return false;
	if (l->cookie && v->ep.cookie != l->cookie)
		return false;
	return !l->id[0] || !strcmp(l->id, v->id);
}

static int bblog_genl_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct bblog_genl_list *l = (void *)cb->args[0];
	struct bblog_conn_view v;
	void *hdr;

	for (; l->next < l->n; l->next++) {
		bblog_conn_view(l->conns[l->next], &v);
		if (!bblog_genl_list_shows(l, &v))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &bblog_genl_family, NLM_F_MULTI, BBLOG_CMD_GET_CONN);
		if (!hdr)
			break;
		if (bblog_genl_put_conn(skb, &v)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

/* -------------------------------------------------- SET_CONN and DUMP */

/*
 * The TCP socket of the namespace @net with the cookie @cookie (held), or
 * NULL.  Connections in TIME_WAIT and request sockets have no logging, and
 * listening sockets are not in this table.  A walk of the whole
 * established table: a control-plane cost, paid per request.
 */
static struct sock *bblog_genl_find_sock(struct net *net, u64 cookie)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	const struct hlist_nulls_node *node;
	struct sock *sk;
	unsigned int i;

	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		spinlock_t *lock = inet_ehash_lockp(h, i);

		if (hlist_nulls_empty(&head->chain))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (sk->sk_state == TCP_TIME_WAIT ||
			    sk->sk_state == TCP_NEW_SYN_RECV ||
			    !net_eq(sock_net(sk), net) ||
			    atomic64_read(&sk->sk_cookie) != cookie)
				continue;
			sock_hold(sk);
			spin_unlock_bh(lock);
			return sk;
		}
		spin_unlock_bh(lock);
		cond_resched();
	}
	return NULL;
}

static int bblog_genl_set_str(struct sock *sk, int optval, const struct nlattr *a)
{
	return bblog_sockopt_set(sk, optval, KERNEL_SOCKPTR(nla_data(a)), nla_len(a));
}

static int bblog_genl_set_conn(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct sock *sk;
	int err = 0, mode;

	if (GENL_REQ_ATTR_CHECK(info, BBLOG_A_COOKIE))
		return -EINVAL;
	if (!tb[BBLOG_A_MODE] && !tb[BBLOG_A_ID] && !tb[BBLOG_A_TAG]) {
		GENL_SET_ERR_MSG(info, "nothing to set: give a mode, an ID or a tag");
		return -EINVAL;
	}
	sk = bblog_genl_find_sock(genl_info_net(info), nla_get_u64(tb[BBLOG_A_COOKIE]));
	if (!sk) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_A_COOKIE],
				    "no TCP connection with this cookie here");
		return -ENOENT;
	}
	if (tb[BBLOG_A_ID])
		err = bblog_genl_set_str(sk, BBLOG_SO_ID, tb[BBLOG_A_ID]);
	if (!err && tb[BBLOG_A_TAG])
		err = bblog_genl_set_str(sk, BBLOG_SO_TAG, tb[BBLOG_A_TAG]);
	if (!err && tb[BBLOG_A_MODE]) {
		mode = nla_get_s32(tb[BBLOG_A_MODE]);
		err = bblog_sockopt_set(sk, BBLOG_SO_MODE, KERNEL_SOCKPTR(&mode),
					sizeof(mode));
	}
	sock_put(sk);
	if (err)
		GENL_SET_ERR_MSG(info, "the connection refused the setting");
	return err;
}

static int bblog_genl_dump(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **tb = info->attrs;
	char reason[BBLOG_REASON_LEN] = "";
	struct sock *sk;
	int err;

	if (tb[BBLOG_A_REASON])
		nla_strscpy(reason, tb[BBLOG_A_REASON], sizeof(reason));
	if (!!tb[BBLOG_A_COOKIE] == !!tb[BBLOG_A_ID]) {
		GENL_SET_ERR_MSG(info, "give a cookie or a log ID");
		return -EINVAL;
	}
	if (tb[BBLOG_A_ID]) {
		err = bblog_logid_dump_name(net->net_cookie, nla_data(tb[BBLOG_A_ID]),
					    reason);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_A_ID],
					    "no connection carries this log ID here");
		return err;
	}
	sk = bblog_genl_find_sock(net, nla_get_u64(tb[BBLOG_A_COOKIE]));
	if (!sk) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_A_COOKIE],
				    "no TCP connection with this cookie here");
		return -ENOENT;
	}
	err = bblog_sockopt_set(sk, BBLOG_SO_DUMP, KERNEL_SOCKPTR(reason),
				strlen(reason) + 1);
	sock_put(sk);
	return err;
}

static const struct genl_ops bblog_genl_ops[] = {
	{
		.cmd	= BBLOG_CMD_GET_STATUS,
		.doit	= bblog_genl_get_status,
	},
	{
		.cmd	= BBLOG_CMD_GET_CONN,
		.start	= bblog_genl_list_start,
		.dumpit	= bblog_genl_list,
		.done	= bblog_genl_list_done,
	},
	{
		.cmd	= BBLOG_CMD_SET_CONN,
		.doit	= bblog_genl_set_conn,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= BBLOG_CMD_DUMP,
		.doit	= bblog_genl_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family bblog_genl_family __ro_after_init = {
	.name		= BBLOG_GENL_NAME,
	.version	= BBLOG_GENL_VERSION,
	.maxattr	= BBLOG_A_MAX,
	.policy		= bblog_genl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= bblog_genl_ops,
	.n_ops		= ARRAY_SIZE(bblog_genl_ops),
	.resv_start_op	= BBLOG_CMD_MAX + 1,	/* strict validation for all */
};

int bblog_genl_init(void)
{
	return genl_register_family(&bblog_genl_family);
}

void bblog_genl_uninit(void)
{
	genl_unregister_family(&bblog_genl_family);
}
