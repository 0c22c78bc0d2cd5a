/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_RING_H
#define _BBLOG_RING_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/tcp_bblog.h>

/*
 * A connection's records live in page-sized chunks on a list, oldest first.
 * Records of a chunk are rec[start, end).  Chunks come from the global
 * record budget (net.tcp_bblog.global_limit), charged a whole chunk at a time.
 */
#define BBLOG_CHUNK_RECORDS \
	((PAGE_SIZE - 2 * sizeof(void *) - 2 * sizeof(u16)) / sizeof(struct bblog_record))

struct bblog_chunk {
	struct list_head list;
	u16 start;
	u16 end;
	struct bblog_record rec[BBLOG_CHUNK_RECORDS];
};

/* Every chunk on the list holds at least one record, except the newest. */
struct bblog_ring {
	struct list_head chunks;
	struct bblog_chunk *spare;	/* an emptied chunk kept for reuse */
	u32 count;			/* records stored */
};

void bblog_ring_init(struct bblog_ring *ring);
struct bblog_record *bblog_ring_reserve(struct bblog_ring *ring, gfp_t gfp);
void bblog_ring_drop_oldest(struct bblog_ring *ring);
void bblog_ring_move(struct bblog_ring *to, struct bblog_ring *from);
u32 bblog_ring_peek(const struct bblog_ring *ring, struct bblog_record *dst,
		    u32 max);
void bblog_ring_drop_through(struct bblog_ring *ring, u32 sn);
void bblog_ring_free(struct bblog_ring *ring);
void bblog_ring_take_chunks(struct bblog_ring *ring, struct list_head *to);
void bblog_chunks_free(struct list_head *chunks);
struct bblog_record *bblog_ring_at(struct bblog_ring *ring, u32 idx);

struct bblog_chunk *bblog_chunk_alloc(gfp_t gfp);
void bblog_chunk_free(struct bblog_chunk *chunk);
u64 bblog_budget_used(void);
void bblog_budget_set_limit(u64 records);

#endif /* _BBLOG_RING_H */
