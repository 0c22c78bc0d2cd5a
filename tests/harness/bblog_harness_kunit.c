// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a KUnit suite with one passing and one failing case. */
#include <kunit/test.h>

static void bblog_harness_pass_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}

static void bblog_harness_fail_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1, 2, "injected failure");
}

static struct kunit_case bblog_harness_cases[] = {
	KUNIT_CASE(bblog_harness_pass_test),
	KUNIT_CASE(bblog_harness_fail_test),
	{}
};

static struct kunit_suite bblog_harness_suite = {
	.name = "tcp_bblog_harness",
	.test_cases = bblog_harness_cases,
};

kunit_test_suites(&bblog_harness_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcp_bblog harness: injected KUnit failure");
