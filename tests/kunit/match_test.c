// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the selection rules' pure part: prefixes, ports and the other
 * fields of a match, the log ID templates, and the sampling by log ID.
 */
#include <kunit/test.h>

#include "bblog-src/module/match.c"

static void bblog_match_prefix_test(struct kunit *test)
{
	const u8 a[4] = { 10, 1, 2, 3 }, p8[4] = { 10, 9, 9, 9 };
	const u8 p23[4] = { 10, 1, 3, 0 }, p22[4] = { 10, 1, 0, 0 };

	KUNIT_EXPECT_TRUE(test, bblog_prefix_match(a, p8, 0));
	KUNIT_EXPECT_TRUE(test, bblog_prefix_match(a, p8, 8));
	KUNIT_EXPECT_FALSE(test, bblog_prefix_match(a, p8, 9 + 6));
	KUNIT_EXPECT_TRUE(test, bblog_prefix_match(a, p23, 23));	/* 10.1.2.0-10.1.3.255 */
	KUNIT_EXPECT_FALSE(test, bblog_prefix_match(a, p23, 24));
	KUNIT_EXPECT_TRUE(test, bblog_prefix_match(a, p22, 22));
	KUNIT_EXPECT_FALSE(test, bblog_prefix_match(a, p22, 24));
	KUNIT_EXPECT_TRUE(test, bblog_prefix_match(a, a, 32));
}

static void bblog_match_key_test(struct kunit *test)
{
	struct bblog_match m = { };
	struct bblog_match_key k = {
		.family = AF_INET, .dir = BBLOG_DIR_PASSIVE, .lport = 8080, .fport = 40000,
		.laddr = { 10, 0, 0, 1 }, .faddr = { 192, 0, 2, 7 },
		.uid = KUIDT_INIT(1000),
	};

	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));	/* empty: all */
	m.fields = BBLOG_MF_LPORT;
	m.lport_min = 8000;
	m.lport_max = 8080;
	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));
	m.lport_max = 8079;
	KUNIT_EXPECT_FALSE(test, bblog_match_key(&m, &k));
	m.fields = BBLOG_MF_FPORT;
	m.fport_min = 40000;
	m.fport_max = 40000;
	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));
	m.fields |= BBLOG_MF_DIR;
	m.dir = BBLOG_DIR_ACTIVE;
	KUNIT_EXPECT_FALSE(test, bblog_match_key(&m, &k));
	m.dir = BBLOG_DIR_PASSIVE;
	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));
	m.fields |= BBLOG_MF_FAMILY | BBLOG_MF_FADDR;
	m.family = AF_INET;
	m.faddr[0] = 192;
	m.fprefix = 8;
	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));
	m.family = AF_INET6;
	KUNIT_EXPECT_FALSE(test, bblog_match_key(&m, &k));
	m.fields = BBLOG_MF_UID;
	m.uid = KUIDT_INIT(1000);
	KUNIT_EXPECT_TRUE(test, bblog_match_key(&m, &k));
	m.uid = KUIDT_INIT(0);
	KUNIT_EXPECT_FALSE(test, bblog_match_key(&m, &k));
}

static void bblog_match_id_template_test(struct kunit *test)
{
	struct bblog_match_key k = {
		.family = AF_INET, .lport = 8080, .fport = 40000,
		.laddr = { 10, 0, 0, 1 }, .faddr = { 192, 0, 2, 7 },
	};
	struct bblog_match_key k6 = { .family = AF_INET6, .lport = 1 };
	char out[BBLOG_ID_LEN];

	KUNIT_EXPECT_EQ(test, bblog_id_template_check("web"), 0);
	KUNIT_EXPECT_EQ(test, bblog_id_template_check("web-{sport}-{dst}"), 0);
	KUNIT_EXPECT_EQ(test, bblog_id_template_check("{port}"), -EINVAL);
	KUNIT_EXPECT_EQ(test, bblog_id_template_check("a}"), -EINVAL);
	KUNIT_EXPECT_EQ(test, bblog_id_template_check("{src}{dst}"), -ENAMETOOLONG);
	bblog_id_expand("web-{sport}-{dst}:{dport}", &k, out, sizeof(out));
	KUNIT_EXPECT_STREQ(test, out, "web-8080-192.0.2.7:40000");
	k6.laddr[15] = 1;
	bblog_id_expand("{src}/{sport}", &k6, out, sizeof(out));
	KUNIT_EXPECT_STREQ(test, out, "::1/1");
	bblog_id_expand("abc{sport}", &k, out, 5);	/* truncated, terminated */
	KUNIT_EXPECT_STREQ(test, out, "abc8");
}

static void bblog_match_sampling_test(struct kunit *test)
{
	char id[16];
	unsigned int i, kept = 0;

	/* FNV-1a, as any host computes it. */
	KUNIT_EXPECT_EQ(test, bblog_id_hash(""), 2166136261u);
	KUNIT_EXPECT_EQ(test, bblog_id_hash("a"), 0xe40c292cu);
	KUNIT_EXPECT_EQ(test, bblog_id_hash("foobar"), 0xbf9cf968u);
	KUNIT_EXPECT_TRUE(test, bblog_id_sampled("x", 0));
	KUNIT_EXPECT_TRUE(test, bblog_id_sampled("x", 1));
	for (i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "req-%u", i);
		KUNIT_EXPECT_EQ(test, bblog_id_sampled(id, 10), bblog_id_sampled(id, 10));
		kept += bblog_id_sampled(id, 10);
	}
	/* About one in ten. */
	KUNIT_EXPECT_GT(test, kept, 800u);
	KUNIT_EXPECT_LT(test, kept, 1200u);
}

static struct kunit_case bblog_match_cases[] = {
	KUNIT_CASE(bblog_match_prefix_test),
	KUNIT_CASE(bblog_match_key_test),
	KUNIT_CASE(bblog_match_id_template_test),
	KUNIT_CASE(bblog_match_sampling_test),
	{}
};

static struct kunit_suite bblog_match_suite = {
	.name = "tcp_bblog_match",
	.test_cases = bblog_match_cases,
};

kunit_test_suites(&bblog_match_suite);
