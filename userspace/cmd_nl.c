// SPDX-License-Identifier: GPL-2.0
/*
 * bblog status, bblog list, and set/dump by cookie, log ID or filter: the
 * generic netlink family "tcp_bblog" (uapi/linux/tcp_bblog.h), through
 * libnl-genl-3.  Every request acts in bblog's own network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "cgpath.h"
#include "filter.h"
#include "nl.h"
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

	ctx.json = json_only_arg(argc, argv);
	nl_run(BBLOG_CMD_GET_STATUS, 0, status_reply, &ctx, "status");
	return 0;
}

/* ------------------------------------------------------------------ list */

struct list_ctx {
	int json;
	unsigned int n;
};

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
	const char *state, *mode, *cgp;
	unsigned int how;
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
	how = (unsigned int)num_attr(tb[BBLOG_A_OWNER_HOW]);
	cgp = bblog_cgroup_path(num_attr(tb[BBLOG_A_CGROUP]));
	if (ctx->json) {
		printf("{\"cookie\":%" PRIu64 ",\"laddr\":\"%s\",\"lport\":%u,"
		       "\"faddr\":\"%s\",\"fport\":%u,\"state\":\"%s\",\"mode\":\"%s\",\"id\":",
		       num_attr(tb[BBLOG_A_COOKIE]), la, (unsigned)num_attr(tb[BBLOG_A_LPORT]),
		       fa, (unsigned)num_attr(tb[BBLOG_A_FPORT]), state ? state : "?", mode);
		json_str(stdout, str_attr(tb[BBLOG_A_ID]), BBLOG_ID_LEN);
		fputs(",\"tag\":", stdout);
		json_str(stdout, str_attr(tb[BBLOG_A_TAG]), BBLOG_TAG_LEN);
		printf(",\"uid\":%" PRIu64 ",\"records\":%" PRIu64 ",\"lost_nomem\":%" PRIu64
		       ",\"lost_limit\":%" PRIu64 ",\"overwritten\":%" PRIu64 ",\"flags\":%u"
		       ",\"rule\":%" PRIu64 ",\"cgroup\":%" PRIu64,
		       num_attr(tb[BBLOG_A_UID]), num_attr(tb[BBLOG_A_RECORDS]),
		       num_attr(tb[BBLOG_A_LOST_NOMEM]), num_attr(tb[BBLOG_A_LOST_LIMIT]),
		       num_attr(tb[BBLOG_A_OVERWRITTEN]), flags, num_attr(tb[BBLOG_A_RULE_HANDLE]),
		       num_attr(tb[BBLOG_A_CGROUP]));
		if (cgp) {
			fputs(",\"cgroup_path\":", stdout);
			json_str(stdout, cgp, PATH_MAX);
		}
		printf(",\"owner_how\":\"%s\"", bblog_owner_how_name(how));
		if (how) {
			printf(",\"owner_pid\":%" PRIu64 ",\"owner_comm\":",
			       num_attr(tb[BBLOG_A_OWNER_PID]));
			json_str(stdout, str_attr(tb[BBLOG_A_OWNER_COMM]), BBLOG_COMM_LEN - 1);
		}
		fputs("}\n", stdout);
	} else {
		char owner[48] = "-";

		if (how)
			snprintf(owner, sizeof(owner), "%.15s[%" PRIu64 "]",
				 str_attr(tb[BBLOG_A_OWNER_COMM]), num_attr(tb[BBLOG_A_OWNER_PID]));
		if (!ctx->n)
			printf("%-20s %-12s %-10s %-26s %-26s %7s %-22s %s\n", "cookie", "state",
			       "mode", "local", "peer", "records", "owner", "id");
		printf("%-20" PRIu64 " %-12s %-10s %-20s:%-5u %-20s:%-5u %7" PRIu64 " %-22s %s%s\n",
		       num_attr(tb[BBLOG_A_COOKIE]), state ? state : "?",
		       flags & BBLOG_CF_TEMPLATE ? "template" : mode,
		       la, (unsigned)num_attr(tb[BBLOG_A_LPORT]),
		       fa, (unsigned)num_attr(tb[BBLOG_A_FPORT]),
		       num_attr(tb[BBLOG_A_RECORDS]), owner, str_attr(tb[BBLOG_A_ID]),
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

/* The filter words argv[optind..] into @f; 0 if there are none. */
static int filter_args(int argc, char **argv, struct bblog_filter *f)
{
	char err[256];
	int i, n;

	memset(f, 0, sizeof(*f));
	for (i = optind; i < argc; i += n) {
		n = bblog_filter_word(f, argc - i, argv + i, err, sizeof(err));
		if (n < 0)
			diex("%s", err);
		if (!n) {
			warnx("'%s' is not a filter word", argv[i]);
			usage(stderr, 2);
		}
	}
	return optind < argc;
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
	struct bblog_filter f;
	const char *id = NULL;
	uint64_t cookie = 0;
	struct nl_msg *msg;
	int ch, err, has_filter;
	struct nl nl;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'j': ctx.json = 1; break;
		case 'i': id = optarg; break;
		case 'c': cookie = cookie_arg(optarg); break;
		default: usage(stderr, 2);
		}
	}
	has_filter = filter_args(argc, argv, &f);
	nl_open(&nl);
	msg = nl_request(&nl, BBLOG_CMD_GET_CONN, NLM_F_DUMP);
	if ((id && nla_put_string(msg, BBLOG_A_ID, id) < 0) ||
	    (cookie && nla_put_u64(msg, BBLOG_A_COOKIE, cookie) < 0) ||
	    (has_filter && nl_put_filter(msg, BBLOG_A_MATCH, &f) < 0))
		diex("log ID too long");
	err = nl_talk(&nl, msg, list_reply, &ctx);
	if (err < 0)
		nl_fail(&nl, "list", err);
	nl_socket_free(nl.sk);
	return 0;
}

/* ------------------------------------------------ set and dump by cookie */

static int count_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BBLOG_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, BBLOG_A_MAX, NULL) < 0)
		return NL_SKIP;
	*(uint64_t *)arg = num_attr(tb[BBLOG_A_COUNT]);
	return NL_OK;
}

/*
 * bblog set (--cookie C | FILTER...) [--mode M] [--id ID] [--tag T]
 * bblog dump (--cookie C | --id ID | FILTER...) [--reason R]
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
	int dump = !strcmp(argv[0], "dump"), ch, err, has_mode = 0, m = 0, by_filter;
	uint64_t cookie = 0, count = 0;
	struct bblog_filter f;
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
	by_filter = filter_args(argc, argv, &f);
	if (dump ? !!cookie + !!id + by_filter != 1 || has_mode || tag :
		   !!cookie + by_filter != 1 || reason || (!has_mode && !id && !tag))
		usage(stderr, 2);
	nl_open(&nl);
	msg = nl_request(&nl, dump ? BBLOG_CMD_DUMP : BBLOG_CMD_SET_CONN, 0);
	if ((cookie && nla_put_u64(msg, BBLOG_A_COOKIE, cookie) < 0) ||
	    (id && nla_put_string(msg, BBLOG_A_ID, id) < 0) ||
	    (tag && nla_put_string(msg, BBLOG_A_TAG, tag) < 0) ||
	    (reason && nla_put_string(msg, BBLOG_A_REASON, reason) < 0) ||
	    (has_mode && nla_put_s32(msg, BBLOG_A_MODE, m) < 0) ||
	    (by_filter && nl_put_filter(msg, BBLOG_A_MATCH, &f) < 0))
		diex("argument too long");
	err = nl_talk(&nl, msg, count_reply, &count);
	if (err < 0)
		nl_fail(&nl, dump ? "dump" : "set", err);
	if (by_filter)
		printf("%s %" PRIu64 " connection%s\n", dump ? "dumped" : "set", count,
		       count == 1 ? "" : "s");
	nl_socket_free(nl.sk);
	return 0;
}

int cmd_nl(int argc, char **argv)
{
	if (!strcmp(argv[0], "status"))
		return cmd_status(argc, argv);
	return cmd_list(argc, argv);
}
