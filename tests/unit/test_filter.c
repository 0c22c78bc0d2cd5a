// SPDX-License-Identifier: GPL-2.0
/*
 * Filters (userspace/filter.c): the words of ss(8) users into the fields
 * of BBLOG_A_MATCH, every malformed word refused with a message, and the
 * text printed back parsed to the same filter.
 */
#include <arpa/inet.h>
#include <string.h>

#include <linux/tcp_bblog.h>

#include "filter.h"
#include "tap.h"
#include "tests.h"

/* Parse the blank-separated @words; the last return of bblog_filter_word. */
static int parse(const char *words, struct bblog_filter *f, char *err, size_t errlen)
{
	char buf[512], *argv[32], *tok, *save = NULL;
	int argc = 0, i, n = 0;

	memset(f, 0, sizeof(*f));
	snprintf(buf, sizeof(buf), "%s", words);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 32; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	for (i = 0; i < argc; i += n) {
		n = bblog_filter_word(f, argc - i, argv + i, err, errlen);
		if (n <= 0)
			return n;
	}
	return n;
}

static void t_ports(void)
{
	struct bblog_filter f;
	char err[256];

	CHECK(parse("sport 8080", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.lport_min, 8080);
	CHECK_EQ(f.lport_max, 8080);
	CHECK(BBLOG_FILTER_HAS(&f, BBLOG_MATCH_A_LPORT_MIN));
	CHECK(!BBLOG_FILTER_HAS(&f, BBLOG_MATCH_A_FPORT_MIN));
	CHECK(parse("dport = :443", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.fport_min, 443);
	CHECK(parse("dport 8000-8100", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.fport_min, 8000);
	CHECK_EQ(f.fport_max, 8100);
	CHECK(parse("sport eq 0", &f, err, sizeof(err)) > 0);
	CHECK(parse("sport 65535", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.lport_min, 65535);
}

static void t_prefixes(void)
{
	struct bblog_filter f;
	char err[256];
	uint8_t want[16];

	CHECK(parse("src 10.1.0.0/16", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.family, AF_INET);
	CHECK_EQ(f.lprefix, 16);
	inet_pton(AF_INET, "10.1.0.0", want);
	CHECK(!memcmp(f.laddr, want, 4));
	CHECK(parse("dst [2001:db8::1]/64", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.family, AF_INET6);
	CHECK_EQ(f.fprefix, 64);
	CHECK(parse("dst ::1", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.fprefix, 128);
	CHECK(parse("family inet6 src ::/0", &f, err, sizeof(err)) > 0);
	CHECK_EQ(f.lprefix, 0);
}

static void t_refused(void)
{
	static const char *const bad[] = {
		"sport", "sport 65536", "sport 90-80", "sport -1", "sport 8080x",
		"dport 1-2-3", "src 10.0.0.0/33", "src ::/129", "src 10.0.0", "src 10.0.0.0/",
		"dst [::1", "family inet6 src 10.0.0.1", "src 10.0.0.1 dst ::1",
		"family ipx", "uid", "uid no-such-user-here", "cgroup /no/such/cgroup",
		"cgroup 0", "sport =",
	};
	struct bblog_filter f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		CHECKF(parse(bad[i], &f, err, sizeof(err)) < 0, "accepted: %s", bad[i]);
		CHECKF(err[0], "no message for: %s", bad[i]);
	}
	CHECK_EQ(parse("mode", &f, err, sizeof(err)), 0);	/* not a filter word */
}

/* The text printed for a filter is a filter that parses to the same. */
static void t_round_trip(void)
{
	static const char *const cases[] = {
		"sport 8080", "dport 8000-8100 passive", "src 10.0.0.0/8 dst 10.1.2.3",
		"dst 2001:db8::/32 uid 1000", "family inet6 active", "family inet",
		"sport 1 dport 65535 src 192.0.2.0/24",
	};
	struct bblog_filter f, g;
	char err[256], text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECKF(parse(cases[i], &f, err, sizeof(err)) > 0, "%s: %s", cases[i], err);
		bblog_filter_format(&f, text, sizeof(text));
		CHECKF(parse(text, &g, err, sizeof(err)) > 0, "%s -> %s: %s", cases[i], text, err);
		CHECKF(!memcmp(&f, &g, sizeof(f)), "%s -> %s: another filter", cases[i], text);
		CHECKF(!strcmp(text, cases[i]), "%s printed as %s", cases[i], text);
	}
	memset(&f, 0, sizeof(f));
	bblog_filter_format(&f, text, sizeof(text));
	CHECK(!strcmp(text, "all"));
}

void suite_filter(void)
{
	tap_run(t_ports, "filter: ports, ranges and ss(8)'s 'sport = :N'");
	tap_run(t_prefixes, "filter: IPv4 and IPv6 prefixes give the family");
	tap_run(t_refused, "filter: malformed words are refused with a message");
	tap_run(t_round_trip, "filter: the printed text parses to the same filter");
}
