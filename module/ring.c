// SPDX-License-Identifier: GPL-2.0
/*
 * Per-connection record storage: a list of chunks used as a ring, and the
 * global record budget that bounds the memory of all rings and queued dumps,
 * with its shares.
 *
 * No locking here: the caller holds the owning connection's lock, or owns
 * the ring outright (a detached dump).
 */
#include <linux/atomic.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "ring.h"
#include "stats.h"

/*
 * Records charged to the budget (whole chunks), and the limit; what
 * unprivileged callers' connections hold; the shares of the limit, in
 * percent, that one namespace and those connections may hold.
 */
static atomic64_t bblog_budget = ATOMIC64_INIT(0);
static atomic64_t bblog_unpriv_budget = ATOMIC64_INIT(0);
static u64 bblog_budget_limit;
static unsigned int bblog_ns_share_pct = 100;
static unsigned int bblog_unpriv_share_pct = 100;

void bblog_budget_set_limit(u64 records)
{
	WRITE_ONCE(bblog_budget_limit, records);
}

void bblog_budget_set_shares(unsigned int ns_pct, unsigned int unpriv_pct)
{
	WRITE_ONCE(bblog_ns_share_pct, ns_pct);
	WRITE_ONCE(bblog_unpriv_share_pct, unpriv_pct);
}

u64 bblog_budget_used(void)
{
	return atomic64_read(&bblog_budget);
}

u64 bblog_budget_unpriv_used(void)
{
	return atomic64_read(&bblog_unpriv_budget);
}

/*
 * Charge @v a chunk, within @pct percent of @limit; false if over.  Never
 * above the limit, not even for a moment: a reader of budget_used sees
 * at most the limit.
 */
static bool bblog_budget_charge(atomic64_t *v, u64 limit, unsigned int pct)
{
	u64 max = mul_u64_u32_div(limit, pct, 100);
	s64 old = atomic64_read(v);

	do {
		if ((u64)old + BBLOG_CHUNK_RECORDS > max)
			return false;
	} while (!atomic64_try_cmpxchg(v, &old, old + BBLOG_CHUNK_RECORDS));
	return true;
}

static void bblog_budget_uncharge(struct bblog_nstats *ns, bool unpriv)
{
	if (unpriv)
		atomic64_sub(BBLOG_CHUNK_RECORDS, &bblog_unpriv_budget);
	if (ns) {
		atomic64_sub(BBLOG_CHUNK_RECORDS, &ns->budget);
		bblog_nstats_put(ns);
	}
	atomic64_sub(BBLOG_CHUNK_RECORDS, &bblog_budget);
}

struct bblog_chunk *bblog_chunk_alloc(const struct bblog_charge *charge,
				      gfp_t gfp)
{
	u64 limit = READ_ONCE(bblog_budget_limit);
	struct bblog_chunk *chunk;

	if (!bblog_budget_charge(&bblog_budget, limit, 100))
		return NULL;
	if (charge->ns &&
	    !bblog_budget_charge(&charge->ns->budget, limit, READ_ONCE(bblog_ns_share_pct)))
		goto err_global;
	if (charge->unpriv &&
	    !bblog_budget_charge(&bblog_unpriv_budget, limit,
				 READ_ONCE(bblog_unpriv_share_pct)))
		goto err_ns;

	chunk = kmalloc(sizeof(*chunk), gfp | __GFP_NOWARN);
	if (!chunk)
		goto err_unpriv;
	chunk->ns = charge->ns ? bblog_nstats_get(charge->ns) : NULL;
	chunk->unpriv = charge->unpriv;
	chunk->start = 0;
	chunk->end = 0;
	return chunk;

err_unpriv:
	if (charge->unpriv)
		atomic64_sub(BBLOG_CHUNK_RECORDS, &bblog_unpriv_budget);
err_ns:
	if (charge->ns)
		atomic64_sub(BBLOG_CHUNK_RECORDS, &charge->ns->budget);
err_global:
	atomic64_sub(BBLOG_CHUNK_RECORDS, &bblog_budget);
	return NULL;
}

void bblog_chunk_free(struct bblog_chunk *chunk)
{
	struct bblog_nstats *ns = chunk->ns;
	bool unpriv = chunk->unpriv;

	kfree(chunk);
	bblog_budget_uncharge(ns, unpriv);
}

void bblog_ring_init(struct bblog_ring *ring)
{
	INIT_LIST_HEAD(&ring->chunks);
	ring->spare = NULL;
	ring->count = 0;
	ring->charge.ns = NULL;
	ring->charge.unpriv = false;
}

/*
 * A slot for one more record at the newest end, or NULL when no chunk could
 * be had.  The spare chunk is reused before a new one is allocated.
 */
struct bblog_record *bblog_ring_reserve(struct bblog_ring *ring, gfp_t gfp)
{
	struct bblog_chunk *tail;

	tail = list_empty(&ring->chunks) ? NULL :
	       list_last_entry(&ring->chunks, struct bblog_chunk, list);
	if (!tail || tail->end == BBLOG_CHUNK_RECORDS) {
		tail = ring->spare;
		ring->spare = NULL;
		if (!tail) {
			tail = bblog_chunk_alloc(&ring->charge, gfp);
			if (!tail)
				return NULL;
		}
		tail->start = 0;
		tail->end = 0;
		list_add_tail(&tail->list, &ring->chunks);
	}
	ring->count++;
	return &tail->rec[tail->end++];
}

/* Forget the oldest record; an emptied chunk becomes the spare. */
void bblog_ring_drop_oldest(struct bblog_ring *ring)
{
	struct bblog_chunk *head;

	head = list_first_entry_or_null(&ring->chunks, struct bblog_chunk, list);
	if (WARN_ON_ONCE(!head || head->start == head->end))
		return;
	head->start++;
	ring->count--;
	if (head->start < head->end)
		return;
	list_del(&head->list);
	if (ring->spare)
		bblog_chunk_free(head);
	else
		ring->spare = head;
}

/* Move every record of @from to the (empty) ring @to. */
void bblog_ring_move(struct bblog_ring *to, struct bblog_ring *from)
{
	list_splice_tail_init(&from->chunks, &to->chunks);
	to->count += from->count;
	from->count = 0;
}

/* Copy up to @max of the oldest records to @dst; returns how many. */
u32 bblog_ring_peek(const struct bblog_ring *ring, struct bblog_record *dst,
		    u32 max)
{
	struct bblog_chunk *chunk;
	u32 n = 0, k;

	list_for_each_entry(chunk, &ring->chunks, list) {
		k = min_t(u32, chunk->end - chunk->start, max - n);
		memcpy(dst + n, &chunk->rec[chunk->start], k * sizeof(*dst));
		n += k;
		if (n == max)
			break;
	}
	return n;
}

/*
 * Forget the oldest records up to serial number @sn: those a reader has
 * taken.  Records are in serial order; any already gone are not looked for.
 * Returns how many were dropped.
 */
u32 bblog_ring_drop_through(struct bblog_ring *ring, u32 sn)
{
	struct bblog_chunk *head;
	u32 n = 0;

	while (ring->count) {
		head = list_first_entry(&ring->chunks, struct bblog_chunk, list);
		if ((s32)(head->rec[head->start].sn - sn) > 0)
			break;
		bblog_ring_drop_oldest(ring);
		n++;
	}
	return n;
}

/* The idx-th oldest record, or NULL. */
struct bblog_record *bblog_ring_at(struct bblog_ring *ring, u32 idx)
{
	struct bblog_chunk *chunk;

	list_for_each_entry(chunk, &ring->chunks, list) {
		u32 n = chunk->end - chunk->start;

		if (idx < n)
			return &chunk->rec[chunk->start + idx];
		idx -= n;
	}
	return NULL;
}

static void bblog_ring_reverse(struct bblog_ring *ring, u32 lo, u32 hi)
{
	struct bblog_record tmp;

	while (lo + 1 < hi) {
		struct bblog_record *a = bblog_ring_at(ring, lo++);
		struct bblog_record *b = bblog_ring_at(ring, --hi);

		tmp = *a;
		*a = *b;
		*b = tmp;
	}
}

/*
 * Move the newest @n records in front of the others, each group in its
 * order (records made before the ones already there, appended late).
 */
void bblog_ring_rotate_newest(struct bblog_ring *ring, u32 n)
{
	u32 total = ring->count;

	if (!n || n >= total)
		return;
	bblog_ring_reverse(ring, 0, total);
	bblog_ring_reverse(ring, 0, n);
	bblog_ring_reverse(ring, n, total);
}

/* Move every chunk of @ring, the spare too, to the list @to: it empties. */
void bblog_ring_take_chunks(struct bblog_ring *ring, struct list_head *to)
{
	list_splice_tail_init(&ring->chunks, to);
	if (ring->spare) {
		list_add_tail(&ring->spare->list, to);
		ring->spare = NULL;
	}
	ring->count = 0;
}

void bblog_chunks_free(struct list_head *chunks)
{
	struct bblog_chunk *chunk, *tmp;

	list_for_each_entry_safe(chunk, tmp, chunks, list) {
		list_del(&chunk->list);
		bblog_chunk_free(chunk);
	}
}

void bblog_ring_free(struct bblog_ring *ring)
{
	struct bblog_chunk *chunk, *tmp;

	if (ring->spare) {
		bblog_chunk_free(ring->spare);
		ring->spare = NULL;
	}

	list_for_each_entry_safe(chunk, tmp, &ring->chunks, list) {
		list_del(&chunk->list);
		bblog_chunk_free(chunk);
	}
	ring->count = 0;
}
