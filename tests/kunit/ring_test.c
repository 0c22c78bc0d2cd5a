// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the chunked ring at and around chunk and limit boundaries, and the
 * record budget and its shares.
 */
#include <kunit/test.h>

#include "bblog-src/module/ring.c"
#include "bblog-src/module/stats.c"

/* Append @n records numbered from @first (sn), as a TAIL ring of @limit. */
static void bblog_ring_push(struct kunit *test, struct bblog_ring *ring,
			    u32 first, u32 n, u32 limit)
{
	struct bblog_record *rec;
	u32 i;

	for (i = 0; i < n; i++) {
		while (ring->count >= limit)
			bblog_ring_drop_oldest(ring);
		rec = bblog_ring_reserve(ring, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		rec->sn = first + i;
	}
}

/* The ring holds exactly sn first..first+count-1, in order. */
static void bblog_ring_expect(struct kunit *test, struct bblog_ring *ring,
			      u32 first, u32 count)
{
	struct bblog_chunk *chunk;
	u32 i, seen = 0;

	KUNIT_EXPECT_EQ(test, ring->count, count);
	for (i = 0; i < count; i++) {
		struct bblog_record *rec = bblog_ring_at(ring, i);

		KUNIT_ASSERT_NOT_NULL(test, rec);
		KUNIT_EXPECT_EQ(test, rec->sn, first + i);
	}
	KUNIT_EXPECT_NULL(test, bblog_ring_at(ring, count));
	list_for_each_entry(chunk, &ring->chunks, list) {
		KUNIT_EXPECT_LE(test, chunk->start, chunk->end);
		KUNIT_EXPECT_LE(test, chunk->end, (u16)BBLOG_CHUNK_RECORDS);
		seen += chunk->end - chunk->start;
	}
	KUNIT_EXPECT_EQ(test, seen, count);
}

static const u32 bblog_ring_limits[] = {
	1, 2, BBLOG_CHUNK_RECORDS - 1, BBLOG_CHUNK_RECORDS,
	BBLOG_CHUNK_RECORDS + 1, 2 * BBLOG_CHUNK_RECORDS, 100, 5000,
};

static void bblog_ring_tail_test(struct kunit *test)
{
	struct bblog_ring ring;
	u32 i, limit, n;

	bblog_budget_set_limit(U64_MAX);
	for (i = 0; i < ARRAY_SIZE(bblog_ring_limits); i++) {
		limit = bblog_ring_limits[i];
		/* Below, at, just past and far past the limit. */
		for (n = limit - 1; n <= 3 * limit + 1; n += max(1U, limit / 2)) {
			bblog_ring_init(&ring);
			bblog_ring_push(test, &ring, 0, n, limit);
			bblog_ring_expect(test, &ring, n > limit ? n - limit : 0,
					  min(n, limit));
			/* Never more chunks than the limit needs, plus one. */
			KUNIT_EXPECT_LE(test, list_count_nodes(&ring.chunks),
					(size_t)DIV_ROUND_UP(limit, BBLOG_CHUNK_RECORDS) + 1);
			bblog_ring_free(&ring);
			KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
		}
	}
}

static void bblog_ring_move_test(struct kunit *test)
{
	struct bblog_ring ring, taken;

	bblog_budget_set_limit(U64_MAX);
	bblog_ring_init(&ring);
	bblog_ring_init(&taken);
	bblog_ring_push(test, &ring, 0, 40, 1000);
	bblog_ring_move(&taken, &ring);
	bblog_ring_expect(test, &ring, 0, 0);
	bblog_ring_expect(test, &taken, 0, 40);
	bblog_ring_free(&taken);
	bblog_ring_free(&ring);
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
}

/*
 * A passive connection's handshake, appended after its first records, goes
 * in front of them in its order: small rings, and across chunk boundaries.
 */
static void bblog_ring_rotate_test(struct kunit *test)
{
	static const u32 cases[][2] = {		/* { first records, appended } */
		{ 0, 3 }, { 1, 0 }, { 1, 2 }, { 3, 8 }, { 4, 1 },
		{ BBLOG_CHUNK_RECORDS - 2, 5 }, { BBLOG_CHUNK_RECORDS, 1 },
		{ 2, BBLOG_CHUNK_RECORDS + 1 },
	};
	struct bblog_ring ring;
	u32 i, k, n;

	bblog_budget_set_limit(U64_MAX);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		k = cases[i][0];
		n = cases[i][1];
		bblog_ring_init(&ring);
		/* the first records are numbered n.., the appended 0..n-1 */
		bblog_ring_push(test, &ring, n, k, 1U << 30);
		bblog_ring_push(test, &ring, 0, n, 1U << 30);
		bblog_ring_rotate_newest(&ring, n);
		bblog_ring_expect(test, &ring, 0, k + n);
		bblog_ring_free(&ring);
	}
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
}

/*
 * BBLOG_SO_BUF's pattern: peek a batch, hand it over, drop through its last
 * serial number while the ring goes on filling (and, as a TAIL ring,
 * overwriting): it never holds more than its limit and nothing unread is
 * dropped.
 */
static void bblog_ring_peek_drop_test(struct kunit *test)
{
	const u32 limit = 2 * BBLOG_CHUNK_RECORDS + 3;
	struct bblog_record *batch;
	struct bblog_ring ring;
	u32 k, first;

	batch = kunit_kmalloc_array(test, limit, sizeof(*batch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, batch);
	bblog_budget_set_limit(U64_MAX);
	bblog_ring_init(&ring);
	KUNIT_EXPECT_EQ(test, bblog_ring_peek(&ring, batch, 8), 0U);

	bblog_ring_push(test, &ring, 0, limit, limit);
	/* A peek across chunk boundaries copies in order and keeps all. */
	k = bblog_ring_peek(&ring, batch, limit);
	KUNIT_EXPECT_EQ(test, k, limit);
	KUNIT_EXPECT_EQ(test, batch[0].sn, 0U);
	KUNIT_EXPECT_EQ(test, batch[limit - 1].sn, limit - 1);
	bblog_ring_expect(test, &ring, 0, limit);

	/* 16 are read; meanwhile 5 more arrive, overwriting the oldest 5. */
	k = bblog_ring_peek(&ring, batch, 16);
	bblog_ring_push(test, &ring, limit, 5, limit);
	bblog_ring_drop_through(&ring, batch[k - 1].sn);
	bblog_ring_expect(test, &ring, 16, limit - 16 + 5);
	KUNIT_EXPECT_LE(test, ring.count, limit);

	/* A reader slower than the ring: what it read is already gone. */
	k = bblog_ring_peek(&ring, batch, 4);
	first = batch[0].sn;
	bblog_ring_push(test, &ring, limit + 5, limit, limit);
	bblog_ring_drop_through(&ring, batch[k - 1].sn);
	KUNIT_EXPECT_EQ(test, first, 16U);
	bblog_ring_expect(test, &ring, limit + 5, limit);

	/* Serial numbers wrap. */
	bblog_ring_free(&ring);
	bblog_ring_init(&ring);
	bblog_ring_push(test, &ring, U32_MAX - 2, 6, limit);
	bblog_ring_drop_through(&ring, U32_MAX);
	bblog_ring_expect(test, &ring, 0, 3);
	bblog_ring_drop_through(&ring, 2);
	KUNIT_EXPECT_EQ(test, ring.count, 0U);
	bblog_ring_free(&ring);
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
}

static void bblog_ring_budget_test(struct kunit *test)
{
	struct bblog_ring ring;
	u32 n = 0;

	/* A budget of two chunks: the third chunk is refused. */
	bblog_budget_set_limit(2 * BBLOG_CHUNK_RECORDS);
	bblog_ring_init(&ring);
	while (bblog_ring_reserve(&ring, GFP_KERNEL))
		n++;
	KUNIT_EXPECT_EQ(test, n, (u32)(2 * BBLOG_CHUNK_RECORDS));
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), (u64)(2 * BBLOG_CHUNK_RECORDS));
	/* Dropping a whole chunk makes it the spare: reusable without budget. */
	for (n = 0; n < BBLOG_CHUNK_RECORDS; n++)
		bblog_ring_drop_oldest(&ring);
	KUNIT_EXPECT_NOT_NULL(test, bblog_ring_reserve(&ring, GFP_KERNEL));
	bblog_ring_free(&ring);
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
	bblog_budget_set_limit(U64_MAX);
}

/* Fill @ring until the budget refuses; returns the chunks it got. */
static u32 bblog_ring_fill(struct bblog_ring *ring)
{
	u32 n = 0;

	while (bblog_ring_reserve(ring, GFP_KERNEL))
		n++;
	return n / BBLOG_CHUNK_RECORDS;
}

static void bblog_ring_share_test(struct kunit *test)
{
	struct bblog_ring host, ns1, ns2, unpriv, both;
	struct bblog_nstats *s1, *s2;

	s1 = bblog_nstats_alloc();
	s2 = bblog_nstats_alloc();
	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);
	/* Eight chunks; one namespace may hold half, the unprivileged a quarter. */
	bblog_budget_set_limit(8 * BBLOG_CHUNK_RECORDS);
	bblog_budget_set_shares(50, 25);
	bblog_ring_init(&host);
	bblog_ring_init(&ns1);
	bblog_ring_init(&ns2);
	bblog_ring_init(&unpriv);
	bblog_ring_init(&both);
	ns1.charge.ns = s1;
	ns2.charge.ns = s2;
	unpriv.charge.unpriv = true;
	both.charge.ns = s1;
	both.charge.unpriv = true;

	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&unpriv), 2U);
	/* s1's share is not the unprivileged one's, but both are full. */
	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&both), 0U);
	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&ns1), 4U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s1->budget), (s64)(4 * BBLOG_CHUNK_RECORDS));
	/* The host-wide budget, not s2's share, stops the second namespace. */
	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&ns2), 2U);
	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&host), 0U);
	bblog_ring_free(&ns1);
	/* What a namespace gives back, the initial namespace may take. */
	KUNIT_EXPECT_EQ(test, bblog_ring_fill(&host), 4U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s1->budget), 0LL);

	bblog_ring_free(&host);
	bblog_ring_free(&ns2);
	bblog_ring_free(&unpriv);
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
	KUNIT_EXPECT_EQ(test, bblog_budget_unpriv_used(), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&s2->budget), 0LL);
	/* Each chunk held a reference: these are the last. */
	KUNIT_EXPECT_EQ(test, refcount_read(&s1->ref), 1U);
	KUNIT_EXPECT_EQ(test, refcount_read(&s2->ref), 1U);
	bblog_nstats_put(s1);
	bblog_nstats_put(s2);
	bblog_budget_set_shares(100, 100);
	bblog_budget_set_limit(U64_MAX);
}

static struct kunit_case bblog_ring_cases[] = {
	KUNIT_CASE(bblog_ring_tail_test),
	KUNIT_CASE(bblog_ring_move_test),
	KUNIT_CASE(bblog_ring_rotate_test),
	KUNIT_CASE(bblog_ring_peek_drop_test),
	KUNIT_CASE(bblog_ring_budget_test),
	KUNIT_CASE(bblog_ring_share_test),
	{}
};

static struct kunit_suite bblog_ring_suite = {
	.name = "tcp_bblog_ring",
	.test_cases = bblog_ring_cases,
};

kunit_test_suites(&bblog_ring_suite);
