// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: mode validation, close-time dumping, ratio selection and the
 * triggers' text.
 */
#include <kunit/test.h>

#include "bblog-src/module/policy.c"

static void bblog_policy_mode_valid_test(struct kunit *test)
{
	int mode;

	for (mode = BBLOG_MODE_CLEAR; mode <= BBLOG_MODE_MAX; mode++)
		KUNIT_EXPECT_TRUE(test, bblog_mode_valid(mode));
	KUNIT_EXPECT_FALSE(test, bblog_mode_valid(-2));
	KUNIT_EXPECT_FALSE(test, bblog_mode_valid(6));
	KUNIT_EXPECT_FALSE(test, bblog_mode_valid(INT_MAX));
	KUNIT_EXPECT_FALSE(test, bblog_mode_valid(INT_MIN));
}

static void bblog_policy_dumps_at_close_test(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, bblog_mode_dumps_at_close(BBLOG_MODE_OFF));
	KUNIT_EXPECT_FALSE(test, bblog_mode_dumps_at_close(BBLOG_MODE_TAIL));
	KUNIT_EXPECT_FALSE(test, bblog_mode_dumps_at_close(BBLOG_MODE_HEAD));
	KUNIT_EXPECT_TRUE(test, bblog_mode_dumps_at_close(BBLOG_MODE_HEAD_AUTO));
	KUNIT_EXPECT_TRUE(test, bblog_mode_dumps_at_close(BBLOG_MODE_CONTINUAL));
	KUNIT_EXPECT_TRUE(test, bblog_mode_dumps_at_close(BBLOG_MODE_TAIL_AUTO));
}

struct bblog_ratio_case {
	u32 ratio;
	unsigned int candidates;
	unsigned int selected;
};

static const struct bblog_ratio_case bblog_ratio_cases[] = {
	{ .ratio = 0, .candidates = 100, .selected = 0 },
	{ .ratio = 1, .candidates = 100, .selected = 100 },
	{ .ratio = 3, .candidates = 100, .selected = 34 },
	{ .ratio = 7, .candidates = 700, .selected = 100 },
	{ .ratio = 100, .candidates = 99, .selected = 1 },
	{ .ratio = U32_MAX, .candidates = 10, .selected = 1 },
};

static void bblog_policy_ratio_test(struct kunit *test)
{
	unsigned int i, n, got;

	for (i = 0; i < ARRAY_SIZE(bblog_ratio_cases); i++) {
		const struct bblog_ratio_case *c = &bblog_ratio_cases[i];
		atomic64_t counter = ATOMIC64_INIT(0);

		got = 0;
		for (n = 0; n < c->candidates; n++) {
			bool sel = bblog_ratio_select(&counter, c->ratio);

			/* Exactly the candidates 0, N, 2N, ... */
			if (c->ratio)
				KUNIT_EXPECT_EQ(test, sel, n % c->ratio == 0);
			got += sel;
		}
		KUNIT_EXPECT_EQ_MSG(test, got, c->selected, "ratio %u", c->ratio);
	}
}

/* The counter wraps past 2^32 without breaking the every-N-th pattern. */
static void bblog_policy_ratio_wrap_test(struct kunit *test)
{
	atomic64_t counter = ATOMIC64_INIT(0xfffffffeULL);

	KUNIT_EXPECT_TRUE(test, bblog_ratio_select(&counter, 2));	/* 0xfffffffe */
	KUNIT_EXPECT_FALSE(test, bblog_ratio_select(&counter, 2));	/* 0xffffffff */
	KUNIT_EXPECT_TRUE(test, bblog_ratio_select(&counter, 2));	/* 0x100000000 */
}

struct bblog_triggers_case {
	const char *text;
	int err;
	u32 mask;
	u32 retrans;
	bool id;
	const char *canonical;
};

static const struct bblog_triggers_case bblog_triggers_cases[] = {
	{ "", 0, 0, 0, false, "none" },
	{ "none", 0, 0, 0, false, "none" },
	{ "rst-recv", 0, BIT(BBLOG_TRIG_RST_RECV), 0, false, "rst-recv" },
	{ "rto,rst-sent\n", 0, BIT(BBLOG_TRIG_RTO) | BIT(BBLOG_TRIG_RST_SENT), 0, false,
	  "rst-sent,rto" },
	{ "  retrans=3  id ", 0, BIT(BBLOG_TRIG_RETRANS), 3, true, "retrans=3,id" },
	{ "syn-retrans,sk-error,rst-recv,rst-sent,rto,retrans=4294967295,id", 0,
	  GENMASK(BBLOG_TRIG_NR - 1, 0), U32_MAX, true,
	  "rst-sent,rst-recv,rto,retrans=4294967295,syn-retrans,sk-error,id" },
	{ "retrans", -EINVAL },
	{ "retrans=", -EINVAL },
	{ "retrans=0", -EINVAL },
	{ "retrans=4294967296", -EINVAL },
	{ "retrans=12345678901", -EINVAL },
	{ "retrans=-1", -EINVAL },
	{ "rst", -EINVAL },
	{ "rst-recv,bogus", -EINVAL },
	{ "RTO", -EINVAL },
	{ "rto;rst-recv", -EINVAL },
};

/* Parsing accepts exactly the documented words; the text reads back. */
static void bblog_policy_triggers_test(struct kunit *test)
{
	char text[BBLOG_TRIGGERS_TEXT];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bblog_triggers_cases); i++) {
		const struct bblog_triggers_case *c = &bblog_triggers_cases[i];
		struct bblog_triggers t = { .mask = 0xdead, .retrans = 7 };
		int err = bblog_triggers_parse(c->text, &t);

		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "'%s'", c->text);
		if (err) {	/* a refused text changes nothing */
			KUNIT_EXPECT_EQ(test, t.mask, 0xdead);
			KUNIT_EXPECT_EQ(test, t.retrans, 7);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, t.mask, c->mask, "'%s'", c->text);
		KUNIT_EXPECT_EQ_MSG(test, t.retrans, c->retrans, "'%s'", c->text);
		KUNIT_EXPECT_EQ_MSG(test, t.id, c->id, "'%s'", c->text);
		bblog_triggers_format(&t, text, sizeof(text));
		KUNIT_EXPECT_STREQ(test, text, c->canonical);
	}
}

static struct kunit_case bblog_policy_cases[] = {
	KUNIT_CASE(bblog_policy_mode_valid_test),
	KUNIT_CASE(bblog_policy_dumps_at_close_test),
	KUNIT_CASE(bblog_policy_ratio_test),
	KUNIT_CASE(bblog_policy_ratio_wrap_test),
	KUNIT_CASE(bblog_policy_triggers_test),
	{}
};

static struct kunit_suite bblog_policy_suite = {
	.name = "tcp_bblog_policy",
	.test_cases = bblog_policy_cases,
};

kunit_test_suites(&bblog_policy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for tcp_bblog");
