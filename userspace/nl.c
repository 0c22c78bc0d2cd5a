// SPDX-License-Identifier: GPL-2.0
/*
 * The tcp_bblog generic netlink family through libnl-genl-3: open,
 * request, replies, and the kernel's errors with their extack text.
 */
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "filter.h"
#include "nl.h"
#include "util.h"

const char *const mode_names[BBLOG_MODE_MAX + 1] = {
	"off", "tail", "head", "head-auto", "continual", "tail-auto",
};

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The kernel's error and the text it gave with it (extended ack). */
static int nl_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nl *nl = arg;
	size_t off = sizeof(*e);
	int len;

	(void)who;
	nl->error = e->error;
	nl->msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off);
	if (len > 0 && nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
				 len, NULL) == 0 && tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->msg, sizeof(nl->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

void nl_open(struct nl *nl)
{
	int err;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		diex("out of memory");
	err = genl_connect(nl->sk);
	if (err < 0)
		diex("generic netlink: %s", nl_geterror(err));
	err = 1;
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &err, sizeof(err));
	nl->family = genl_ctrl_resolve(nl->sk, BBLOG_GENL_NAME);
	if (nl->family < 0)
		diex("generic netlink family %s: %s (is the tcp_bblog module loaded?)",
		     BBLOG_GENL_NAME, nl_geterror(nl->family));
}

struct nl_msg *nl_request(const struct nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 flags, cmd, BBLOG_GENL_VERSION))
		diex("out of memory");
	return msg;
}

/* Send @msg, run @cb on each reply; the kernel's error, with its extack. */
int nl_talk(struct nl *nl, struct nl_msg *msg, nl_recvmsg_msg_cb_t cb, void *arg)
{
	int err;

	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, nl_error, nl);
	nl->error = 0;
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return err;
	err = nl_recvmsgs_default(nl->sk);
	if (nl->error)
		return nl->error;	/* a kernel errno, negative */
	return err < 0 ? err : 0;
}

/* @err: a negative errno from the kernel, or a libnl error before it. */
noreturn void nl_fail(const struct nl *nl, const char *what, int err)
{
	if (nl->error)
		diex("%s: %s%s%s%s", what, strerror(-err), nl->msg[0] ? ": " : "", nl->msg,
		     err == -EPERM ? " (needs CAP_NET_ADMIN over the network namespace)" : "");
	diex("%s: %s", what, nl_geterror(err));
}

void nl_run(uint8_t cmd, int flags, nl_recvmsg_msg_cb_t cb, void *arg, const char *what)
{
	struct nl nl;
	int err;

	nl_open(&nl);
	err = nl_talk(&nl, nl_request(&nl, cmd, flags), cb, arg);
	if (err < 0)
		nl_fail(&nl, what, err);
	nl_socket_free(nl.sk);
}

int json_only_arg(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--json"))
		return 1;
	if (argc != 1)
		usage(stderr, 2);
	return 0;
}

int no_reply(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

const char *str_attr(struct nlattr *a)
{
	return a ? nla_get_string(a) : "";
}

uint64_t num_attr(struct nlattr *a)
{
	if (!a)
		return 0;
	switch (nla_len(a)) {
	case 1: return nla_get_u8(a);
	case 2: return nla_get_u16(a);
	case 4: return nla_get_u32(a);
	default: return nla_get_u64(a);
	}
}


int nl_put_filter(struct nl_msg *msg, int type, const struct bblog_filter *f)
{
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	struct nlattr *nest;
	int err = 0;

	nest = nla_nest_start(msg, NLA_F_NESTED | type);
	if (!nest)
		return -1;
#define HAS(a) BBLOG_FILTER_HAS(f, a)
	if (HAS(BBLOG_MATCH_A_FAMILY))
		err |= nla_put_u16(msg, BBLOG_MATCH_A_FAMILY, f->family);
	if (HAS(BBLOG_MATCH_A_DIR))
		err |= nla_put_u8(msg, BBLOG_MATCH_A_DIR, f->dir);
	if (HAS(BBLOG_MATCH_A_LPORT_MIN))
		err |= nla_put_u16(msg, BBLOG_MATCH_A_LPORT_MIN, f->lport_min) |
		       nla_put_u16(msg, BBLOG_MATCH_A_LPORT_MAX, f->lport_max);
	if (HAS(BBLOG_MATCH_A_FPORT_MIN))
		err |= nla_put_u16(msg, BBLOG_MATCH_A_FPORT_MIN, f->fport_min) |
		       nla_put_u16(msg, BBLOG_MATCH_A_FPORT_MAX, f->fport_max);
	if (HAS(BBLOG_MATCH_A_LADDR))
		err |= nla_put(msg, BBLOG_MATCH_A_LADDR, (int)alen, f->laddr) |
		       nla_put_u8(msg, BBLOG_MATCH_A_LPREFIX, f->lprefix);
	if (HAS(BBLOG_MATCH_A_FADDR))
		err |= nla_put(msg, BBLOG_MATCH_A_FADDR, (int)alen, f->faddr) |
		       nla_put_u8(msg, BBLOG_MATCH_A_FPREFIX, f->fprefix);
	if (HAS(BBLOG_MATCH_A_CGROUP))
		err |= nla_put_u64(msg, BBLOG_MATCH_A_CGROUP, f->cgroup);
	if (HAS(BBLOG_MATCH_A_UID))
		err |= nla_put_u32(msg, BBLOG_MATCH_A_UID, f->uid);
#undef HAS
	nla_nest_end(msg, nest);
	return err ? -1 : 0;
}

void nl_get_filter(struct nlattr *nest, struct bblog_filter *f)
{
	struct nlattr *a;
	int rem;

	memset(f, 0, sizeof(*f));
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a), len = nla_len(a);

		if (t <= BBLOG_MATCH_A_PAD || t > BBLOG_MATCH_A_MAX)
			continue;	/* newer than this bblog */
		f->set |= 1u << t;
		switch (t) {
		case BBLOG_MATCH_A_FAMILY: f->family = nla_get_u16(a); break;
		case BBLOG_MATCH_A_DIR: f->dir = nla_get_u8(a); break;
		case BBLOG_MATCH_A_LPORT_MIN: f->lport_min = nla_get_u16(a); break;
		case BBLOG_MATCH_A_LPORT_MAX: f->lport_max = nla_get_u16(a); break;
		case BBLOG_MATCH_A_FPORT_MIN: f->fport_min = nla_get_u16(a); break;
		case BBLOG_MATCH_A_FPORT_MAX: f->fport_max = nla_get_u16(a); break;
		case BBLOG_MATCH_A_LADDR:
			memcpy(f->laddr, nla_data(a), len <= 16 ? (size_t)len : 16);
			break;
		case BBLOG_MATCH_A_FADDR:
			memcpy(f->faddr, nla_data(a), len <= 16 ? (size_t)len : 16);
			break;
		case BBLOG_MATCH_A_LPREFIX: f->lprefix = nla_get_u8(a); break;
		case BBLOG_MATCH_A_FPREFIX: f->fprefix = nla_get_u8(a); break;
		case BBLOG_MATCH_A_CGROUP: f->cgroup = nla_get_u64(a); break;
		case BBLOG_MATCH_A_UID: f->uid = nla_get_u32(a); break;
		}
	}
}
