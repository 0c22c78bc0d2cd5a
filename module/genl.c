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
#include "match.h"
#include "rule.h"
#include "policy.h"
#include "sockopt.h"
#include "sysctl.h"

static const struct nla_policy bblog_genl_policy[BBLOG_A_MAX + 1] = {
	[BBLOG_A_COOKIE]	= { .type = NLA_U64 },
	[BBLOG_A_MODE]		= NLA_POLICY_RANGE(NLA_S32, BBLOG_MODE_CLEAR,
						   BBLOG_MODE_MAX),
	[BBLOG_A_ID]		= { .type = NLA_NUL_STRING, .len = BBLOG_ID_LEN - 1 },
	[BBLOG_A_TAG]		= { .type = NLA_NUL_STRING, .len = BBLOG_TAG_LEN - 1 },
	[BBLOG_A_REASON]	= { .type = NLA_NUL_STRING, .len = BBLOG_REASON_LEN - 1 },
	[BBLOG_A_MATCH]		= NLA_POLICY_NESTED(bblog_match_policy),
	[BBLOG_A_RULE]		= NLA_POLICY_NESTED(bblog_rule_policy),
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
	u32 rule;
	u32 owner_pid;		/* in the caller's pid namespace */
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
		   (c->dead ? BBLOG_CF_CLOSED : 0) |
		   (c->rule ? BBLOG_CF_RULE : 0);
	v->rule = c->rule;
	v->owner_pid = bblog_conn_owner_nr(c, false);
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
	    nla_put_u32(msg, BBLOG_A_CONN_FLAGS, v->flags) ||
	    (v->rule && nla_put_u32(msg, BBLOG_A_RULE_HANDLE, v->rule)) ||
	    (v->ep.cgroup && nla_put_u64_64bit(msg, BBLOG_A_CGROUP, v->ep.cgroup,
					       BBLOG_A_PAD)) ||
	    nla_put_u8(msg, BBLOG_A_OWNER_HOW, v->ep.owner_how) ||
	    (v->ep.owner_how &&
	     (nla_put_u32(msg, BBLOG_A_OWNER_PID, v->owner_pid) ||
	      nla_put_string(msg, BBLOG_A_OWNER_COMM, v->ep.owner_comm))))
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
	bool match;		/* filter: m */
	struct bblog_match m;
	struct bblog_conn *conns[];
};

static int bblog_genl_list_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr **tb = bblog_dumpit_attrs(info);
	struct bblog_genl_list *l;
	unsigned int max = bblog_conn_count() + 64, i;
	struct bblog_match m;
	int err;

	if (tb[BBLOG_A_MATCH]) {
		err = bblog_genl_match_parse(tb[BBLOG_A_MATCH], &m, false, cb->extack);
		if (err)
			return err;
	}

	/* A snapshot of every connection: taken again, larger, until it fits. */
	for (;;) {
		l = kvzalloc(struct_size(l, conns, max), GFP_KERNEL);
		if (!l)
			return -ENOMEM;
		l->n = bblog_conn_collect(bblog_net_cookie(net), l->conns, max);
		l->n += bblog_logid_collect_retained(&bblog_net(net)->ids,
						     l->conns + l->n, max - l->n);
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
	if (tb[BBLOG_A_MATCH]) {
		l->match = true;
		l->m = m;
	}
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

/* @c matches the filter @m: its socket while it is open, else its record. */
static bool bblog_genl_conn_matches(struct bblog_conn *c, const struct bblog_match *m)
{
	struct bblog_match_key k = { };
	bool ok;

	rcu_read_lock();
	spin_lock_bh(&c->lock);
	if (!c->dead) {
		bblog_match_key_of(c->sk, 0, &k);
		ok = bblog_match_sock(m, c->sk, &k);
	} else {
		k.family = c->ep.family;
		k.lport = ntohs(c->ep.lport);
		k.fport = ntohs(c->ep.fport);
		memcpy(k.laddr, c->ep.laddr, sizeof(k.laddr));
		memcpy(k.faddr, c->ep.faddr, sizeof(k.faddr));
		k.uid = make_kuid(&init_user_ns, c->ep.uid);
		ok = bblog_match_key(m, &k) &&
		     (!(m->fields & BBLOG_MF_CGROUP) || m->cgroup == c->ep.cgroup);
	}
	spin_unlock_bh(&c->lock);
	rcu_read_unlock();
	return ok;
}

static int bblog_genl_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct bblog_genl_list *l = (void *)cb->args[0];
	struct bblog_conn_view v;
	void *hdr;

	for (; l->next < l->n; l->next++) {
		bblog_conn_view(l->conns[l->next], &v);
		if (!bblog_genl_list_shows(l, &v) ||
		    (l->match && !bblog_genl_conn_matches(l->conns[l->next], &l->m)))
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

/* Which sockets a walk of the namespace's connections acts on, and how. */
struct bblog_genl_walk {
	const struct bblog_match *m;	/* NULL: by cookie */
	u64 cookie;
	int (*act)(struct sock *sk, void *arg);	/* > 0: stop; < 0: error */
	void *arg;
	int err;			/* act()'s first error */
};

static bool bblog_genl_walk_wants(const struct bblog_genl_walk *w, struct sock *sk)
{
	struct bblog_match_key k;
	bool ok;

	if (!w->m)
		return atomic64_read(&sk->sk_cookie) == w->cookie;
	rcu_read_lock();
	bblog_match_key_of(sk, 0, &k);
	ok = bblog_match_sock(w->m, sk, &k);
	rcu_read_unlock();
	return ok;
}

#define BBLOG_GENL_BATCH 32

/*
 * Run @w->act on each TCP socket of the namespace @net that @w wants, in
 * batches taken under each bucket's lock and acted on outside it.
 * Connections in TIME_WAIT and request sockets have no logging, and
 * listening sockets are not in this table.  A walk of the whole
 * established table: a control-plane cost, paid per request.
 */
static void bblog_genl_walk(struct net *net, struct bblog_genl_walk *w)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	struct sock *batch[BBLOG_GENL_BATCH];
	const struct hlist_nulls_node *node;
	unsigned int i, n, k, seen, skip;
	struct sock *sk;
	int ret;

	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		spinlock_t *lock = inet_ehash_lockp(h, i);

		skip = 0;
again:
		if (hlist_nulls_empty(&head->chain))
			continue;
		n = 0;
		seen = 0;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (sk->sk_state == TCP_TIME_WAIT ||
			    sk->sk_state == TCP_NEW_SYN_RECV ||
			    !net_eq(sock_net(sk), net) || seen++ < skip ||
			    !bblog_genl_walk_wants(w, sk))
				continue;
			sock_hold(sk);
			batch[n++] = sk;
			if (n == BBLOG_GENL_BATCH)
				break;
		}
		spin_unlock_bh(lock);
		for (k = 0, ret = 0; k < n; k++) {
			if (ret <= 0)
				ret = w->act(batch[k], w->arg);
			if (ret < 0 && !w->err)
				w->err = ret;
			sock_put(batch[k]);
		}
		if (ret > 0)
			return;
		cond_resched();
		if (n == BBLOG_GENL_BATCH) {
			skip = seen;
			goto again;
		}
	}
}

static int bblog_genl_take(struct sock *sk, void *arg)
{
	sock_hold(sk);
	*(struct sock **)arg = sk;
	return 1;
}

/* The TCP socket of the namespace @net with the cookie @cookie (held), or NULL. */
static struct sock *bblog_genl_find_sock(struct net *net, u64 cookie)
{
	struct sock *sk = NULL;
	struct bblog_genl_walk w = {
		.cookie = cookie,
		.act = bblog_genl_take,
		.arg = &sk,
	};

	bblog_genl_walk(net, &w);
	return sk;
}

static int bblog_genl_set_str(struct sock *sk, int optval, const struct nlattr *a)
{
	return bblog_sockopt_set(sk, optval, KERNEL_SOCKPTR(nla_data(a)), nla_len(a));
}

/* A request acting on connections: what it asks, and how many it reached. */
struct bblog_genl_req {
	struct nlattr **tb;
	char reason[BBLOG_REASON_LEN];
	unsigned int n;
};

/* SET_CONN on one connection: its ID, then tag, then mode. */
static int bblog_genl_set_one(struct sock *sk, void *arg)
{
	struct bblog_genl_req *req = arg;
	struct nlattr **tb = req->tb;
	int err = 0, mode;

	if (tb[BBLOG_A_ID])
		err = bblog_genl_set_str(sk, BBLOG_SO_ID, tb[BBLOG_A_ID]);
	if (!err && tb[BBLOG_A_TAG])
		err = bblog_genl_set_str(sk, BBLOG_SO_TAG, tb[BBLOG_A_TAG]);
	if (!err && tb[BBLOG_A_MODE]) {
		mode = nla_get_s32(tb[BBLOG_A_MODE]);
		err = bblog_sockopt_set(sk, BBLOG_SO_MODE, KERNEL_SOCKPTR(&mode),
					sizeof(mode));
	}
	if (!err)
		req->n++;
	return err;
}

/* DUMP of one connection, if it is logged. */
static int bblog_genl_dump_one(struct sock *sk, void *arg)
{
	struct bblog_genl_req *req = arg;
	bool logged;
	int err;

	rcu_read_lock();
	logged = bblog_conn_lookup(sk);
	rcu_read_unlock();
	if (!logged)
		return 0;
	err = bblog_sockopt_set(sk, BBLOG_SO_DUMP, KERNEL_SOCKPTR(req->reason),
				strlen(req->reason) + 1);
	if (!err)
		req->n++;
	return err;
}

static int bblog_genl_count_reply(struct genl_info *info, u8 cmd, u32 n)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &bblog_genl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, BBLOG_A_COUNT, n)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * SET_CONN or DUMP on every connection the filter BBLOG_A_MATCH matches;
 * replies with how many it reached.
 */
static int bblog_genl_by_filter(struct genl_info *info, struct bblog_genl_req *req,
				int (*act)(struct sock *sk, void *arg))
{
	struct bblog_match m;
	struct bblog_genl_walk w = { .m = &m, .act = act, .arg = req };
	int err;

	err = bblog_genl_match_parse(info->attrs[BBLOG_A_MATCH], &m, false, info->extack);
	if (err)
		return err;
	bblog_genl_walk(genl_info_net(info), &w);
	if (!req->n) {
		if (w.err)
			return w.err;
		if (act == bblog_genl_dump_one)
			GENL_SET_ERR_MSG(info, "no logged connection matches the filter here");
		else
			GENL_SET_ERR_MSG(info, "no TCP connection matches the filter here");
		return -ENOENT;
	}
	return bblog_genl_count_reply(info, info->genlhdr->cmd, req->n);
}

static int bblog_genl_set_conn(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct bblog_genl_req req = { .tb = tb };
	struct sock *sk;
	int err;

	if (!!tb[BBLOG_A_COOKIE] == !!tb[BBLOG_A_MATCH]) {
		GENL_SET_ERR_MSG(info, "give a cookie or a filter");
		return -EINVAL;
	}
	if (!tb[BBLOG_A_MODE] && !tb[BBLOG_A_ID] && !tb[BBLOG_A_TAG]) {
		GENL_SET_ERR_MSG(info, "nothing to set: give a mode, an ID or a tag");
		return -EINVAL;
	}
	if (tb[BBLOG_A_MATCH])
		return bblog_genl_by_filter(info, &req, bblog_genl_set_one);
	sk = bblog_genl_find_sock(genl_info_net(info), nla_get_u64(tb[BBLOG_A_COOKIE]));
	if (!sk) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[BBLOG_A_COOKIE],
				    "no TCP connection with this cookie here");
		return -ENOENT;
	}
	err = bblog_genl_set_one(sk, &req);
	sock_put(sk);
	if (err)
		GENL_SET_ERR_MSG(info, "the connection refused the setting");
	return err;
}

static int bblog_genl_dump(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **tb = info->attrs;
	struct bblog_genl_req req = { .tb = tb };
	struct sock *sk;
	int err;

	if (tb[BBLOG_A_REASON])
		nla_strscpy(req.reason, tb[BBLOG_A_REASON], sizeof(req.reason));
	if (!!tb[BBLOG_A_COOKIE] + !!tb[BBLOG_A_ID] + !!tb[BBLOG_A_MATCH] != 1) {
		GENL_SET_ERR_MSG(info, "give a cookie, a log ID or a filter");
		return -EINVAL;
	}
	if (tb[BBLOG_A_MATCH])
		return bblog_genl_by_filter(info, &req, bblog_genl_dump_one);
	if (tb[BBLOG_A_ID]) {
		err = bblog_logid_dump_name(&bblog_net(net)->ids,
					    nla_data(tb[BBLOG_A_ID]), req.reason);
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
	err = bblog_sockopt_set(sk, BBLOG_SO_DUMP, KERNEL_SOCKPTR(req.reason),
				strlen(req.reason) + 1);
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
	{
		.cmd	= BBLOG_CMD_RULE_ADD,
		.doit	= bblog_genl_rule_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= BBLOG_CMD_RULE_DEL,
		.doit	= bblog_genl_rule_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= BBLOG_CMD_RULE_GET,
		.dumpit	= bblog_genl_rule_list,
	},
	{
		.cmd	= BBLOG_CMD_RULE_FLUSH,
		.doit	= bblog_genl_rule_flush,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family bblog_genl_family __ro_after_init = {
	.name		= BBLOG_GENL_NAME,
	.version	= BBLOG_GENL_VERSION,
	.maxattr	= BBLOG_A_MAX,
	.policy		= bblog_genl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= bblog_genl_ops,
	.n_ops		= ARRAY_SIZE(bblog_genl_ops),
#ifdef BBLOG_HAVE_GENL_RESV_START_OP
	.resv_start_op	= BBLOG_CMD_MAX + 1,	/* strict validation for all */
#endif
};

int bblog_genl_init(void)
{
	return genl_register_family(&bblog_genl_family);
}

void bblog_genl_uninit(void)
{
	genl_unregister_family(&bblog_genl_family);
}
