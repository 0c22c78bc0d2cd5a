// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the counting filter of logged sockets: no socket counted is
 * missed, one that shares a slot stays counted when the other leaves, and
 * every counter is back at zero when all have left.
 */
#include <kunit/test.h>

#include "bblog-src/module/sockmark.c"

#define BBLOG_TEST_SOCKS	4096

/* Stand-ins for sockets: only their addresses are hashed. */
static const struct sock *bblog_test_sock(unsigned long i)
{
	return (const struct sock *)(0xffff888100000000UL + i * 2304);
}

static void bblog_sockmark_none(struct kunit *test)
{
	unsigned long i;

	for (i = 0; i < BBLOG_TEST_SOCKS; i++)
		KUNIT_EXPECT_FALSE(test, bblog_sockmark_maybe(bblog_test_sock(i)));
}

static void bblog_sockmark_add_del(struct kunit *test)
{
	unsigned long i, maybe = 0;

	for (i = 0; i < BBLOG_TEST_SOCKS; i += 2)
		bblog_sockmark_add(bblog_test_sock(i));
	for (i = 0; i < BBLOG_TEST_SOCKS; i++) {
		if (!(i % 2))
			KUNIT_EXPECT_TRUE(test, bblog_sockmark_maybe(bblog_test_sock(i)));
		else if (bblog_sockmark_maybe(bblog_test_sock(i)))
			maybe++;
	}
	/* 2048 of 32768 slots taken: about 6% of the others share one */
	KUNIT_EXPECT_LT(test, maybe, BBLOG_TEST_SOCKS / 2 / 8);
	for (i = 0; i < BBLOG_TEST_SOCKS; i += 2)
		bblog_sockmark_del(bblog_test_sock(i));
	for (i = 0; i < ARRAY_SIZE(bblog_sockmarks); i++)
		KUNIT_ASSERT_EQ(test, atomic_read(&bblog_sockmarks[i]), 0);
}

static void bblog_sockmark_shared_slot(struct kunit *test)
{
	const struct sock *a = bblog_test_sock(0), *b = NULL;
	unsigned long i;

	for (i = 1; i < (4UL << BBLOG_SOCKMARK_BITS) && !b; i++)
		if (bblog_sockmark_slot(bblog_test_sock(i)) == bblog_sockmark_slot(a))
			b = bblog_test_sock(i);
	KUNIT_ASSERT_NOT_NULL(test, b);

	bblog_sockmark_add(a);
	bblog_sockmark_add(b);
	bblog_sockmark_add(b);	/* counted twice: a socket logged again */
	bblog_sockmark_del(a);
	KUNIT_EXPECT_TRUE(test, bblog_sockmark_maybe(b));
	KUNIT_EXPECT_TRUE(test, bblog_sockmark_maybe(a));	/* b's slot */
	bblog_sockmark_del(b);
	KUNIT_EXPECT_TRUE(test, bblog_sockmark_maybe(b));
	bblog_sockmark_del(b);
	KUNIT_EXPECT_FALSE(test, bblog_sockmark_maybe(a));
	KUNIT_EXPECT_FALSE(test, bblog_sockmark_maybe(b));
}

static struct kunit_case bblog_sockmark_cases[] = {
	KUNIT_CASE(bblog_sockmark_none),
	KUNIT_CASE(bblog_sockmark_add_del),
	KUNIT_CASE(bblog_sockmark_shared_slot),
	{}
};

static struct kunit_suite bblog_sockmark_suite = {
	.name = "tcp_bblog_sockmark",
	.test_cases = bblog_sockmark_cases,
};

kunit_test_suites(&bblog_sockmark_suite);
