// SPDX-License-Identifier: GPL-2.0
/*
 * bblog status, bblog list, and set/dump by cookie or log ID: the
 * generic netlink family "tcp_bblog" (uapi/linux/tcp_bblog.h), through
 * libnl-genl-3.  Every request acts in bblog's own network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "pcapng.h"
#include "util.h"

static const char *const stat_names = BBLOG_STAT_NAMES;

static const char *const setting_names[BBLOG_SET_A_MAX + 1] = {
	[BBLOG_SET_A_AUTO_RATIO] = "auto_ratio",
	[BBLOG_SET_A_AUTO_MODE] = "auto_mode",
	[BBLOG_SET_A_AUTO_ALL] = "auto_all",
	[BBLOG_SET_A_SESSION_LIMIT] = "session_limit",
	[BBLOG_SET_A_DISABLE_ALL] = "disable_all",
	[BBLOG_SET_A_CLOSED_RETENTION_MS] = "closed_retention_ms",
	[BBLOG_SET_A_TRIGGERS] = "triggers",
	[BBLOG_SET_A_TRIGGER_RATE] = "trigger_rate",
	[BBLOG_SET_A_GLOBAL_LIMIT] = "global_limit",
	[BBLOG_SET_A_EXPORT_LIMIT] = "export_limit",
	[BBLOG_SET_A_NS_SHARE] = "ns_share",
	[BBLOG_SET_A_UNPRIV_SHARE] = "unpriv_share",
	[BBLOG_SET_A_UNPRIVILEGED] = "unprivileged",
	[BBLOG_SET_A_LOG_VERSION] = "log_version",
};

static const char *const mode_names[] = {
	"off", "tail", "head", "head-auto", "continual", "tail-auto",
};

struct nl {
	struct nl_sock *sk;
	int family;
	int error;		/* from the kernel's error message, negative */
	char msg[256];		/* its extack text, "" if none */
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

static void nl_open(struct nl *nl)
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

static struct nl_msg *nl_request(const struct nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 flags, cmd, BBLOG_GENL_VERSION))
		diex("out of memory");
	return msg;
}

/* Send @msg, run @cb on each reply; the kernel's error, with its extack. */
static int nl_talk(struct nl *nl, struct nl_msg *msg, nl_recvmsg_msg_cb_t cb, void *arg)
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
static noreturn void nl_fail(const struct nl *nl, const char *what, int err)
{
	if (nl->error)
		diex("%s: %s%s%s%s", what, strerror(-err), nl->msg[0] ? ": " : "", nl->msg,
		     err == -EPERM ? " (needs CAP_NET_ADMIN over the network namespace)" : "");
	diex("%s: %s", what, nl_geterror(err));
}

/* ---------------------------------------------------------------- status */

struct status_ctx {
	int json;
};

static int status_reply(struct nl_msg *msg, void *arg)
{
	const struct status_ctx *ctx = arg;
	struct nlattr *tb[BBLOG_A_MAX + 1], *a;
	const char *names = stat_names;
	int rem, first = 1;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BBLOG_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (ctx->json)
		fputc('{', stdout);
	if (tb[BBLOG_A_SETTINGS])
		nla_for_each_nested(a, tb[BBLOG_A_SETTINGS], rem) {
			int t = nla_type(a);
			uint64_t v;

			if (t > BBLOG_SET_A_MAX || !setting_names[t])
				continue;	/* newer than this bblog */
			if (t == BBLOG_SET_A_TRIGGERS) {
				if (ctx->json) {
					printf("%s\"%s\":", first ? "" : ",", setting_names[t]);
					json_str(stdout, nla_get_string(a), (size_t)nla_len(a));
				} else {
					printf("%-24s %s\n", setting_names[t], nla_get_string(a));
				}
				first = 0;
				continue;
			}
			v = nla_len(a) == 8 ? nla_get_u64(a) : nla_get_u32(a);
			if (ctx->json)
				printf("%s\"%s\":%" PRIu64, first ? "" : ",", setting_names[t], v);
			else
				printf("%-24s %" PRIu64 "\n", setting_names[t], v);
			first = 0;
		}
	if (tb[BBLOG_A_STATS])
		nla_for_each_nested(a, tb[BBLOG_A_STATS], rem) {
			int t = nla_type(a) - BBLOG_STAT_A_RECORDS, i;
			const char *n = names;
			size_t len;

			if (t < 0)
				continue;
			for (i = 0; i < t && n; i++) {
				n = strchr(n, ',');
				n = n ? n + 1 : NULL;
			}
			if (!n)
				continue;	/* newer than this bblog */
			len = strcspn(n, ",");
			if (ctx->json)
				printf("%s\"stat_%.*s\":%" PRIu64, first ? "" : ",", (int)len, n,
				       (uint64_t)nla_get_u64(a));
			else
				printf("stat_%-19.*s %" PRIu64 "\n", (int)len, n,
				       (uint64_t)nla_get_u64(a));
			first = 0;
		}
	if (ctx->json)
		fputs("}\n", stdout);
	return NL_OK;
}

static int cmd_status(int argc, char **argv)
{
	struct status_ctx ctx = { 0 };
	struct nl nl;
	int err;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		ctx.json = 1;
	else if (argc != 1)
		usage(stderr, 2);
	nl_open(&nl);
	err = nl_talk(&nl, nl_request(&nl, BBLOG_CMD_GET_STATUS, 0), status_reply, &ctx);
	if (err < 0)
		nl_fail(&nl, "status", err);
	nl_socket_free(nl.sk);
	return 0;
}

/* ------------------------------------------------------------------ list */

struct list_ctx {
	int json;
	unsigned int n;
};

static const char *str_attr(struct nlattr *a)
{
	return a ? nla_get_string(a) : "";
}

static uint64_t num_attr(struct nlattr *a)
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

static void addr_attr(struct nlattr *a, int family, char *buf, size_t len)
{
	if (!a || nla_len(a) != (family == AF_INET6 ? 16 : 4) ||
	    !inet_ntop(family, nla_data(a), buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static int list_reply(struct nl_msg *msg, void *arg)
{
	struct list_ctx *ctx = arg;
	struct nlattr *tb[BBLOG_A_MAX + 1];
	char la[INET6_ADDRSTRLEN], fa[INET6_ADDRSTRLEN];
	const char *state, *mode;
	int family, m;
	uint32_t flags;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BBLOG_A_MAX, NULL) < 0)
		return NL_SKIP;
	family = (int)num_attr(tb[BBLOG_A_FAMILY]);
	addr_attr(tb[BBLOG_A_LADDR], family, la, sizeof(la));
	addr_attr(tb[BBLOG_A_FADDR], family, fa, sizeof(fa));
	state = bblog_linux_state_name((unsigned)num_attr(tb[BBLOG_A_STATE]));
	m = tb[BBLOG_A_MODE] ? (int)nla_get_s32(tb[BBLOG_A_MODE]) : 0;
	mode = m >= 0 && m <= BBLOG_MODE_MAX ? mode_names[m] : "?";
	flags = (uint32_t)num_attr(tb[BBLOG_A_CONN_FLAGS]);
	if (ctx->json) {
		printf("{\"cookie\":%" PRIu64 ",\"laddr\":\"%s\",\"lport\":%u,"
		       "\"faddr\":\"%s\",\"fport\":%u,\"state\":\"%s\",\"mode\":\"%s\",\"id\":",
		       num_attr(tb[BBLOG_A_COOKIE]), la, (unsigned)num_attr(tb[BBLOG_A_LPORT]),
		       fa, (unsigned)num_attr(tb[BBLOG_A_FPORT]), state ? state : "?", mode);
		json_str(stdout, str_attr(tb[BBLOG_A_ID]), BBLOG_ID_LEN);
		fputs(",\"tag\":", stdout);
		json_str(stdout, str_attr(tb[BBLOG_A_TAG]), BBLOG_TAG_LEN);
		printf(",\"uid\":%" PRIu64 ",\"records\":%" PRIu64 ",\"lost_nomem\":%" PRIu64
		       ",\"lost_limit\":%" PRIu64 ",\"overwritten\":%" PRIu64 ",\"flags\":%u}\n",
		       num_attr(tb[BBLOG_A_UID]), num_attr(tb[BBLOG_A_RECORDS]),
		       num_attr(tb[BBLOG_A_LOST_NOMEM]), num_attr(tb[BBLOG_A_LOST_LIMIT]),
		       num_attr(tb[BBLOG_A_OVERWRITTEN]), flags);
	} else {
		if (!ctx->n)
			printf("%-20s %-12s %-10s %-26s %-26s %7s %s\n", "cookie", "state",
			       "mode", "local", "peer", "records", "id");
		printf("%-20" PRIu64 " %-12s %-10s %-20s:%-5u %-20s:%-5u %7" PRIu64 " %s%s\n",
		       num_attr(tb[BBLOG_A_COOKIE]), state ? state : "?",
		       flags & BBLOG_CF_TEMPLATE ? "template" : mode,
		       la, (unsigned)num_attr(tb[BBLOG_A_LPORT]),
		       fa, (unsigned)num_attr(tb[BBLOG_A_FPORT]),
		       num_attr(tb[BBLOG_A_RECORDS]), str_attr(tb[BBLOG_A_ID]),
		       flags & BBLOG_CF_CLOSED ? " (closed)" : "");
	}
	ctx->n++;
	return NL_OK;
}

static uint64_t cookie_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || !v)
		diex("bad cookie '%s'", s);
	return v;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "id", required_argument, NULL, 'i' },
		{ "cookie", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx ctx = { 0 };
	const char *id = NULL;
	uint64_t cookie = 0;
	struct nl_msg *msg;
	struct nl nl;
	int ch, err;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'j': ctx.json = 1; break;
		case 'i': id = optarg; break;
		case 'c': cookie = cookie_arg(optarg); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	nl_open(&nl);
	msg = nl_request(&nl, BBLOG_CMD_GET_CONN, NLM_F_DUMP);
	if ((id && nla_put_string(msg, BBLOG_A_ID, id) < 0) ||
	    (cookie && nla_put_u64(msg, BBLOG_A_COOKIE, cookie) < 0))
		diex("log ID too long");
	err = nl_talk(&nl, msg, list_reply, &ctx);
	if (err < 0)
		nl_fail(&nl, "list", err);
	nl_socket_free(nl.sk);
	return 0;
}

/* ------------------------------------------------ set and dump by cookie */

static int no_reply(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * bblog set --cookie C [--mode M] [--id ID] [--tag T]
 * bblog dump (--cookie C | --id ID) [--reason R]
 */
int cmd_nl_ctl(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cookie", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "id", required_argument, NULL, 'i' },
		{ "tag", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *id = NULL, *tag = NULL, *reason = NULL;
	int dump = !strcmp(argv[0], "dump"), ch, err, has_mode = 0, m = 0;
	uint64_t cookie = 0;
	struct nl_msg *msg;
	struct nl nl;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': cookie = cookie_arg(optarg); break;
		case 'm':
			if (bblog_parse_mode(optarg, &m) < 0)
				diex("bad mode '%s'", optarg);
			has_mode = 1;
			break;
		case 'i': id = optarg; break;
		case 't': tag = optarg; break;
		case 'r': reason = optarg; break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (dump ? !cookie == !id || has_mode || tag :
		   !cookie || reason || (!has_mode && !id && !tag))
		usage(stderr, 2);
	nl_open(&nl);
	msg = nl_request(&nl, dump ? BBLOG_CMD_DUMP : BBLOG_CMD_SET_CONN, 0);
	if ((cookie && nla_put_u64(msg, BBLOG_A_COOKIE, cookie) < 0) ||
	    (id && nla_put_string(msg, BBLOG_A_ID, id) < 0) ||
	    (tag && nla_put_string(msg, BBLOG_A_TAG, tag) < 0) ||
	    (reason && nla_put_string(msg, BBLOG_A_REASON, reason) < 0) ||
	    (has_mode && nla_put_s32(msg, BBLOG_A_MODE, m) < 0))
		diex("argument too long");
	err = nl_talk(&nl, msg, no_reply, NULL);
	if (err < 0)
		nl_fail(&nl, dump ? "dump" : "set", err);
	nl_socket_free(nl.sk);
	return 0;
}

int cmd_nl(int argc, char **argv)
{
	if (!strcmp(argv[0], "status"))
		return cmd_status(argc, argv);
	return cmd_list(argc, argv);
}
