// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest genl-refuse: requests to the tcp_bblog generic netlink family that
 * the kernel must refuse, built byte by byte on a raw netlink socket (no
 * libnl, which, as bblog, would not send most of them): missing, unknown,
 * short, oversized, unterminated, out-of-range and overrunning attributes,
 * and requests that name nothing.  Each must fail with an errno and say why:
 * an extended-ACK message or a missing-attribute report.  Prints one line
 * per case; exit status 1 if any request was accepted or refused silently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "bbtest.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif
#define ATTR_MSG		1	/* NLMSGERR_ATTR_MSG */
#define ATTR_OFFS		2	/* NLMSGERR_ATTR_OFFS */
#define ATTR_MISS_TYPE		5	/* NLMSGERR_ATTR_MISS_TYPE (6.0+) */

struct req {
	unsigned char b[1024];
	size_t len;
	size_t nest[4];
	int depth;
};

struct answer {
	int err;		/* 0 or a negative errno */
	char msg[256];
	int offs;		/* -1 none */
	int miss;		/* -1 none */
};

static int nl_fd = -1;
static unsigned int nl_seq = 1;

static void put(struct req *r, unsigned short type, const void *p, size_t n)
{
	struct nlattr a = { .nla_len = (unsigned short)(NLA_HDRLEN + n), .nla_type = type };

	if (r->len + NLA_ALIGN(NLA_HDRLEN + n) > sizeof(r->b))
		die("genl-refuse: request too large");
	memcpy(r->b + r->len, &a, sizeof(a));
	memcpy(r->b + r->len + NLA_HDRLEN, p, n);
	memset(r->b + r->len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	r->len += NLA_ALIGN(NLA_HDRLEN + n);
}

static void put_u8(struct req *r, unsigned short t, uint8_t v) { put(r, t, &v, 1); }
static void put_u16(struct req *r, unsigned short t, uint16_t v) { put(r, t, &v, 2); }
static void put_u32(struct req *r, unsigned short t, uint32_t v) { put(r, t, &v, 4); }
static void put_u64(struct req *r, unsigned short t, uint64_t v) { put(r, t, &v, 8); }
static void put_str(struct req *r, unsigned short t, const char *s) { put(r, t, s, strlen(s) + 1); }

static void nest_begin(struct req *r, unsigned short type)
{
	r->nest[r->depth++] = r->len;
	put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r)
{
	struct nlattr *a = (struct nlattr *)(r->b + r->nest[--r->depth]);

	a->nla_len = (unsigned short)(r->len - r->nest[r->depth]);
}

static void begin(struct req *r, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->b;
	struct genlmsghdr *g = (struct genlmsghdr *)(r->b + NLMSG_HDRLEN);

	memset(r, 0, sizeof(*r));
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = nl_seq++;
	g->cmd = cmd;
	g->version = BBLOG_GENL_VERSION;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Send @r (its nlmsg_len @len, 0: what was built) and read the ACK. */
static void transact(struct req *r, size_t len, struct answer *ans,
		     void (*reply)(const struct nlmsghdr *, void *), void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)r->b;
	unsigned char buf[16384];
	ssize_t n;

	memset(ans, 0, sizeof(*ans));
	ans->offs = ans->miss = -1;
	h->nlmsg_len = (uint32_t)(len ? len : r->len);
	if (send(nl_fd, r->b, r->len, 0) < 0)
		die("genl-refuse: send: %m");
	for (;;) {
		struct nlmsghdr *m;
		size_t left;

		n = recv(nl_fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("genl-refuse: recv: %m");
		left = (size_t)n;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) {
			const struct nlmsgerr *e = NLMSG_DATA(m);
			const unsigned char *t;
			size_t tl;

			if (m->nlmsg_seq != h->nlmsg_seq)
				continue;
			if (m->nlmsg_type != NLMSG_ERROR) {
				if (reply)
					reply(m, arg);
				continue;
			}
			ans->err = e->error;
			if (!(m->nlmsg_flags & NLM_F_ACK_TLVS))
				return;
			/* NETLINK_CAP_ACK: the request is not echoed */
			t = (const unsigned char *)e + sizeof(*e);
			tl = m->nlmsg_len - NLMSG_HDRLEN - sizeof(*e);
			while (tl >= NLA_HDRLEN) {
				const struct nlattr *a = (const struct nlattr *)t;
				size_t al = a->nla_len;

				if (al < NLA_HDRLEN || al > tl)
					break;
				if (a->nla_type == ATTR_MSG)
					snprintf(ans->msg, sizeof(ans->msg), "%.*s",
						 (int)(al - NLA_HDRLEN), (const char *)(a + 1));
				else if (a->nla_type == ATTR_OFFS && al >= NLA_HDRLEN + 4)
					memcpy(&ans->offs, a + 1, 4);
				else if (a->nla_type == ATTR_MISS_TYPE && al >= NLA_HDRLEN + 4)
					memcpy(&ans->miss, a + 1, 4);
				if ((size_t)NLA_ALIGN(al) >= tl)
					break;
				t += NLA_ALIGN(al);
				tl -= NLA_ALIGN(al);
			}
			return;
		}
	}
}

static void family_reply(const struct nlmsghdr *m, void *arg)
{
	const unsigned char *p = (const unsigned char *)NLMSG_DATA(m) + GENL_HDRLEN;
	size_t left = m->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	while (left >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
			return;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(arg, a + 1, 2);
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			return;
		p += NLA_ALIGN(a->nla_len);
		left -= NLA_ALIGN(a->nla_len);
	}
}

static uint16_t family_id(void)
{
	struct answer ans;
	struct req r;
	uint16_t id = 0;

	begin(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(r.b + NLMSG_HDRLEN))->version = 1;
	put_str(&r, CTRL_ATTR_FAMILY_NAME, BBLOG_GENL_NAME);
	transact(&r, 0, &ans, family_reply, &id);
	if (ans.err || !id)
		die("genl-refuse: family %s: %s", BBLOG_GENL_NAME, strerror(-ans.err));
	return id;
}

/* A rule attribute with mode tail, for the cases that break something else. */
static void rule_tail(struct req *r)
{
	nest_begin(r, BBLOG_A_RULE);
	put_u32(r, BBLOG_RULE_A_MODE, BBLOG_MODE_TAIL);
}

static void build(struct req *r, uint16_t fam, const char *name, size_t *len)
{
	char big[200];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	*len = 0;
	if (!strcmp(name, "add-no-rule")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
	} else if (!strcmp(name, "add-no-mode")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		nest_begin(r, BBLOG_A_RULE);
		put_str(r, BBLOG_RULE_A_ID, "x");
		nest_end(r);
	} else if (!strcmp(name, "add-mode-range")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		nest_begin(r, BBLOG_A_RULE);
		put_u32(r, BBLOG_RULE_A_MODE, 99);
		nest_end(r);
	} else if (!strcmp(name, "add-mode-short")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		nest_begin(r, BBLOG_A_RULE);
		put_u16(r, BBLOG_RULE_A_MODE, BBLOG_MODE_TAIL);
		nest_end(r);
	} else if (!strcmp(name, "add-unknown-top")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_end(r);
		put_u32(r, BBLOG_A_MAX + 30, 1);
	} else if (!strcmp(name, "add-unknown-nested")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_u32(r, BBLOG_RULE_A_MAX + 30, 1);
		nest_end(r);
	} else if (!strcmp(name, "add-id-long")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_str(r, BBLOG_RULE_A_ID, big);
		nest_end(r);
	} else if (!strcmp(name, "add-id-unterminated")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put(r, BBLOG_RULE_A_ID, "abcd", 4);
		nest_end(r);
	} else if (!strcmp(name, "add-handle")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_u32(r, BBLOG_RULE_A_HANDLE, 7);
		nest_end(r);
	} else if (!strcmp(name, "add-hits")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_u64(r, BBLOG_RULE_A_HITS, 1);
		nest_end(r);
	} else if (!strcmp(name, "add-laddr-5")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_begin(r, BBLOG_RULE_A_MATCH);
		put(r, BBLOG_MATCH_A_LADDR, "\x0a\x00\x00\x01\x01", 5);
		nest_end(r);
		nest_end(r);
	} else if (!strcmp(name, "add-laddr-17")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_begin(r, BBLOG_RULE_A_MATCH);
		put(r, BBLOG_MATCH_A_LADDR, big, 17);
		nest_end(r);
		nest_end(r);
	} else if (!strcmp(name, "add-prefix-long")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_begin(r, BBLOG_RULE_A_MATCH);
		put(r, BBLOG_MATCH_A_LADDR, "\x0a\x00\x00\x01", 4);
		put_u8(r, BBLOG_MATCH_A_LPREFIX, 33);
		nest_end(r);
		nest_end(r);
	} else if (!strcmp(name, "add-ports-reversed")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_begin(r, BBLOG_RULE_A_MATCH);
		put_u16(r, BBLOG_MATCH_A_LPORT_MIN, 10);
		put_u16(r, BBLOG_MATCH_A_LPORT_MAX, 5);
		nest_end(r);
		nest_end(r);
	} else if (!strcmp(name, "add-triggers-bad")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_str(r, BBLOG_RULE_A_TRIGGERS, "nope");
		nest_end(r);
	} else if (!strcmp(name, "add-pos-past")) {
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		put_u32(r, BBLOG_RULE_A_POS, BBLOG_RULES_MAX);
		nest_end(r);
	} else if (!strcmp(name, "add-trailing")) {
		/* a whole rule, then 3 bytes that are no attribute */
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_end(r);
		memset(r->b + r->len, 0, 4);
		*len = r->len + 3;
		r->len += 4;
	} else if (!strcmp(name, "add-overrun")) {
		/* the rule's nest says it is longer than the message */
		begin(r, fam, BBLOG_CMD_RULE_ADD);
		rule_tail(r);
		nest_end(r);
		((struct nlattr *)(r->b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len += 64;
	} else if (!strcmp(name, "del-no-handle")) {
		begin(r, fam, BBLOG_CMD_RULE_DEL);
		nest_begin(r, BBLOG_A_RULE);
		nest_end(r);
	} else if (!strcmp(name, "del-unknown")) {
		begin(r, fam, BBLOG_CMD_RULE_DEL);
		nest_begin(r, BBLOG_A_RULE);
		put_u32(r, BBLOG_RULE_A_HANDLE, 999999);
		nest_end(r);
	} else if (!strcmp(name, "set-nothing")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
	} else if (!strcmp(name, "set-no-change")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
		put_u64(r, BBLOG_A_COOKIE, 1);
	} else if (!strcmp(name, "set-mode-range")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
		put_u64(r, BBLOG_A_COOKIE, 1);
		put_u32(r, BBLOG_A_MODE, 42);
	} else if (!strcmp(name, "set-id-long")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
		put_u64(r, BBLOG_A_COOKIE, 1);
		put_str(r, BBLOG_A_ID, big);
	} else if (!strcmp(name, "set-cookie-unknown")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
		put_u64(r, BBLOG_A_COOKIE, ~0ull);
		put_u32(r, BBLOG_A_MODE, BBLOG_MODE_TAIL);
	} else if (!strcmp(name, "set-match-bad")) {
		begin(r, fam, BBLOG_CMD_SET_CONN);
		put_u32(r, BBLOG_A_MODE, BBLOG_MODE_TAIL);
		nest_begin(r, BBLOG_A_MATCH);
		put_u8(r, BBLOG_MATCH_A_DIR, 9);
		nest_end(r);
	} else if (!strcmp(name, "dump-nothing")) {
		begin(r, fam, BBLOG_CMD_DUMP);
	} else if (!strcmp(name, "dump-reason-long")) {
		begin(r, fam, BBLOG_CMD_DUMP);
		put_u64(r, BBLOG_A_COOKIE, 1);
		put_str(r, BBLOG_A_REASON, big);
	} else {
		die("genl-refuse: unknown case %s", name);
	}
}

static const char *const cases[] = {
	"add-no-rule", "add-no-mode", "add-mode-range", "add-mode-short",
	"add-unknown-top", "add-unknown-nested", "add-id-long",
	"add-id-unterminated", "add-handle", "add-hits", "add-laddr-5",
	"add-laddr-17", "add-prefix-long", "add-ports-reversed",
	"add-triggers-bad", "add-pos-past", "add-trailing", "add-overrun",
	"del-no-handle", "del-unknown", "set-nothing", "set-no-change",
	"set-mode-range", "set-id-long", "set-cookie-unknown", "set-match-bad",
	"dump-nothing", "dump-reason-long",
};

int cmd_genl_refuse(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, bad = 0;
	uint16_t fam;
	size_t i;

	(void)argv;
	if (argc != 1)
		die("usage: bbtest genl-refuse");
	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("genl-refuse: netlink socket: %m");
	if (setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		die("genl-refuse: extended ACKs: %m");
	fam = family_id();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct answer ans;
		struct req r;
		size_t len;

		build(&r, fam, cases[i], &len);
		transact(&r, len, &ans, NULL, NULL);
		printf("case %s: %s: errno=%s msg=\"%s\" offs=%d miss=%d\n", cases[i],
		       !ans.err ? "ACCEPTED" : ans.msg[0] || ans.miss >= 0 ? "refused" :
		       "REFUSED WITHOUT A REASON", ans.err ? strerrorname_np(-ans.err) : "0",
		       ans.msg, ans.offs, ans.miss);
		if (!ans.err || (!ans.msg[0] && ans.miss < 0))
			bad++;
	}
	printf("%d of %zu cases refused with a reason\n",
	       (int)(sizeof(cases) / sizeof(cases[0])) - bad, sizeof(cases) / sizeof(cases[0]));
	close(nl_fd);
	return bad ? 1 : 0;
}
