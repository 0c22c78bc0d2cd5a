// SPDX-License-Identifier: GPL-2.0
/*
 * bblog rule add|del|list|flush: the selection rules of bblog's network
 * namespace, which choose the new connections that are logged, and how,
 * for programs that set no socket option.  A rule is a filter (filter.h)
 * and an action; "bblog rule list" prints each in the words "add" takes.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "nl.h"
#include "util.h"

static uint32_t u32_arg(const char *s, const char *what, uint32_t max)
{
	unsigned long v;
	char *end;

	v = strtoul(s, &end, 10);
	if (!*s || *end || v > max)
		diex("bad %s '%s' (0 to %u)", what, s, max);
	return (uint32_t)v;
}

static int need(int argc, int i, const char *w)
{
	if (i + 1 >= argc)
		diex("'%s' needs a value", w);
	return 1;
}

/* The nested BBLOG_A_RULE of a reply into @tb; -1 if there is none. */
static int rule_attrs(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlattr *top[BBLOG_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, BBLOG_A_MAX, NULL) < 0 ||
	    !top[BBLOG_A_RULE] ||
	    nla_parse_nested(tb, BBLOG_RULE_A_MAX, top[BBLOG_A_RULE], NULL) < 0)
		return -1;
	return 0;
}

static int handle_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[BBLOG_RULE_A_MAX + 1];

	if (rule_attrs(msg, tb))
		return NL_SKIP;
	*(uint32_t *)arg = (uint32_t)num_attr(tb[BBLOG_RULE_A_HANDLE]);
	return NL_OK;
}

/* bblog rule add [pos N] [FILTER...] mode M [id T] [limit N] [ratio N [by-id]] [triggers L] */
static int rule_add(int argc, char **argv)
{
	struct bblog_filter f = { 0 };
	struct nlattr *nest;
	struct nl_msg *msg;
	char err[256];
	uint32_t pos = 0, limit = 0, ratio = 0;
	const char *id = NULL, *triggers = NULL;
	int i, n, mode = -1, by_id = 0, has_limit = 0, has_ratio = 0, ret;
	uint32_t handle = 0;
	struct nl nl;

	for (i = 1; i < argc; i += n) {
		const char *w = argv[i];

		n = bblog_filter_word(&f, argc - i, argv + i, err, sizeof(err));
		if (n < 0)
			diex("%s", err);
		if (n)
			continue;
		n = 2;
		if (!strcmp(w, "by-id")) {
			by_id = 1;
			n = 1;
		} else if (!strcmp(w, "pos") && need(argc, i, w)) {
			pos = u32_arg(argv[i + 1], "position", BBLOG_RULES_MAX);
			if (!pos)
				diex("positions start at 1");
		} else if (!strcmp(w, "mode") && need(argc, i, w)) {
			if (bblog_parse_mode(argv[i + 1], &mode) < 0 || mode < 0)
				diex("bad mode '%s' for a rule", argv[i + 1]);
		} else if (!strcmp(w, "id") && need(argc, i, w)) {
			id = argv[i + 1];
		} else if (!strcmp(w, "limit") && need(argc, i, w)) {
			limit = u32_arg(argv[i + 1], "limit", BBLOG_SESSION_LIMIT_MAX);
			has_limit = 1;
		} else if (!strcmp(w, "ratio") && need(argc, i, w)) {
			ratio = u32_arg(argv[i + 1], "ratio", UINT32_MAX);
			has_ratio = 1;
		} else if (!strcmp(w, "triggers") && need(argc, i, w)) {
			triggers = argv[i + 1];
		} else {
			warnx("'%s' is neither a filter nor an action word", w);
			usage(stderr, 2);
		}
	}
	if (mode < 0)
		diex("a rule needs a mode (off: match and log nothing)");
	nl_open(&nl);
	msg = nl_request(&nl, BBLOG_CMD_RULE_ADD, 0);
	nest = nla_nest_start(msg, NLA_F_NESTED | BBLOG_A_RULE);
	ret = !nest || (f.set && nl_put_filter(msg, BBLOG_RULE_A_MATCH, &f) < 0) ||
	      nla_put_s32(msg, BBLOG_RULE_A_MODE, mode) < 0 ||
	      (pos && nla_put_u32(msg, BBLOG_RULE_A_POS, pos) < 0) ||
	      (id && nla_put_string(msg, BBLOG_RULE_A_ID, id) < 0) ||
	      (has_limit && nla_put_u32(msg, BBLOG_RULE_A_LIMIT, limit) < 0) ||
	      (has_ratio && nla_put_u32(msg, BBLOG_RULE_A_RATIO, ratio) < 0) ||
	      (by_id && nla_put_u8(msg, BBLOG_RULE_A_SAMPLE, BBLOG_SAMPLE_BY_ID) < 0) ||
	      (triggers && nla_put_string(msg, BBLOG_RULE_A_TRIGGERS, triggers) < 0);
	if (ret)
		diex("argument too long");
	nla_nest_end(msg, nest);
	ret = nl_talk(&nl, msg, handle_reply, &handle);
	if (ret < 0)
		nl_fail(&nl, "rule add", ret);
	printf("%u\n", handle);
	nl_socket_free(nl.sk);
	return 0;
}

struct list_ctx {
	int json;
	unsigned int pos;
};

/* The rule as the words "bblog rule add" takes. */
static void rule_text(struct nlattr **tb, char *buf, size_t len)
{
	struct bblog_filter f = { 0 };
	const char *id = str_attr(tb[BBLOG_RULE_A_ID]);
	const char *trig = str_attr(tb[BBLOG_RULE_A_TRIGGERS]);
	int mode = (int)(int32_t)num_attr(tb[BBLOG_RULE_A_MODE]);
	uint64_t limit = num_attr(tb[BBLOG_RULE_A_LIMIT]);
	uint64_t ratio = num_attr(tb[BBLOG_RULE_A_RATIO]);
	size_t off;

	if (tb[BBLOG_RULE_A_MATCH])
		nl_get_filter(tb[BBLOG_RULE_A_MATCH], &f);
	if (f.set) {
		bblog_filter_format(&f, buf, len);
		off = strlen(buf);
		off += (size_t)snprintf(buf + off, len - off, " ");
	} else {
		off = 0;
	}
#define ADD(...) do { if (off < len) off += (size_t)snprintf(buf + off, len - off, __VA_ARGS__); } while (0)
	ADD("mode %s", mode >= 0 && mode <= BBLOG_MODE_MAX ? mode_names[mode] : "?");
	if (*id)
		ADD(" id %s", id);
	if (limit)
		ADD(" limit %" PRIu64, limit);
	if (ratio > 1)
		ADD(" ratio %" PRIu64 "%s", ratio,
		    num_attr(tb[BBLOG_RULE_A_SAMPLE]) == BBLOG_SAMPLE_BY_ID ? " by-id" : "");
	if (*trig && strcmp(trig, "none"))
		ADD(" triggers %s", trig);
#undef ADD
}

static int list_reply(struct nl_msg *msg, void *arg)
{
	struct list_ctx *ctx = arg;
	struct nlattr *tb[BBLOG_RULE_A_MAX + 1];
	struct bblog_filter f = { 0 };
	char text[8192], match[4096];
	int mode;

	if (rule_attrs(msg, tb))
		return NL_SKIP;
	ctx->pos++;
	rule_text(tb, text, sizeof(text));
	if (!ctx->json) {
		printf("%" PRIu64 ":\t%s\t[hits %" PRIu64 " selected %" PRIu64 "]\n",
		       num_attr(tb[BBLOG_RULE_A_HANDLE]), text,
		       num_attr(tb[BBLOG_RULE_A_HITS]), num_attr(tb[BBLOG_RULE_A_SELECTED]));
		return NL_OK;
	}
	if (tb[BBLOG_RULE_A_MATCH])
		nl_get_filter(tb[BBLOG_RULE_A_MATCH], &f);
	bblog_filter_format(&f, match, sizeof(match));
	mode = (int)(int32_t)num_attr(tb[BBLOG_RULE_A_MODE]);
	printf("{\"handle\":%" PRIu64 ",\"pos\":%u,\"match\":",
	       num_attr(tb[BBLOG_RULE_A_HANDLE]), ctx->pos);
	json_str(stdout, match, sizeof(match));
	printf(",\"mode\":\"%s\",\"id\":",
	       mode >= 0 && mode <= BBLOG_MODE_MAX ? mode_names[mode] : "?");
	json_str(stdout, str_attr(tb[BBLOG_RULE_A_ID]), BBLOG_ID_LEN);
	printf(",\"limit\":%" PRIu64 ",\"ratio\":%" PRIu64 ",\"sample\":\"%s\",\"triggers\":",
	       num_attr(tb[BBLOG_RULE_A_LIMIT]), num_attr(tb[BBLOG_RULE_A_RATIO]),
	       num_attr(tb[BBLOG_RULE_A_SAMPLE]) == BBLOG_SAMPLE_BY_ID ? "by-id" : "count");
	json_str(stdout, str_attr(tb[BBLOG_RULE_A_TRIGGERS]), 256);
	printf(",\"hits\":%" PRIu64 ",\"selected\":%" PRIu64 ",\"rule\":",
	       num_attr(tb[BBLOG_RULE_A_HITS]), num_attr(tb[BBLOG_RULE_A_SELECTED]));
	json_str(stdout, text, sizeof(text));
	fputs("}\n", stdout);
	return NL_OK;
}

static int rule_list(int argc, char **argv)
{
	struct list_ctx ctx = { 0 };

	ctx.json = json_only_arg(argc, argv);
	nl_run(BBLOG_CMD_RULE_GET, NLM_F_DUMP, list_reply, &ctx, "rule list");
	return 0;
}

static int rule_del(int argc, char **argv)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	struct nl nl;
	uint32_t handle;
	int err;

	if (argc != 2)
		usage(stderr, 2);
	handle = u32_arg(argv[1], "handle", UINT32_MAX);
	nl_open(&nl);
	msg = nl_request(&nl, BBLOG_CMD_RULE_DEL, 0);
	nest = nla_nest_start(msg, NLA_F_NESTED | BBLOG_A_RULE);
	if (!nest || nla_put_u32(msg, BBLOG_RULE_A_HANDLE, handle) < 0)
		diex("out of memory");
	nla_nest_end(msg, nest);
	err = nl_talk(&nl, msg, no_reply, NULL);
	if (err < 0)
		nl_fail(&nl, "rule del", err);
	nl_socket_free(nl.sk);
	return 0;
}

static int rule_flush(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage(stderr, 2);
	nl_run(BBLOG_CMD_RULE_FLUSH, 0, no_reply, NULL, "rule flush");
	return 0;
}

int cmd_rule(int argc, char **argv)
{
	if (argc < 2)
		usage(stderr, 2);
	if (!strcmp(argv[1], "add"))
		return rule_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		return rule_del(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list") || !strcmp(argv[1], "show"))
		return rule_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "flush"))
		return rule_flush(argc - 1, argv + 1);
	warnx("unknown rule command '%s'", argv[1]);
	usage(stderr, 2);
}
