/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_RING_H
#define _BBLOG_RING_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/tcp_bblog.h>

/*
 * A connection's records live in page-sized chunks on a list, oldest first.
 * Records of a chunk are rec[start, end).  Chunks come from the global
 * record budget (net.tcp_bblog.global_limit), charged a whole chunk at a
 * time, and from the shares of it that bound one namespace and everything
 * unprivileged callers turned on (ns_share, unpriv_share).
 */
#define BBLOG_CHUNK_RECORDS \
	((PAGE_SIZE - 3 * sizeof(void *) - 4 * sizeof(u16)) / sizeof(struct bblog_record))

struct bblog_nstats;

/* What a chunk is charged to besides the host-wide budget. */
struct bblog_charge {
	struct bblog_nstats *ns;	/* a namespace's share; NULL: none */
	bool unpriv;			/* the unprivileged share */
};

struct bblog_chunk {
	struct list_head list;
	struct bblog_nstats *ns;	/* a reference while charged to it */
	u16 start;
	u16 end;
	bool unpriv;
	struct bblog_record rec[BBLOG_CHUNK_RECORDS];
};

/*
 * Every chunk on the list holds at least one record, except the newest.
 * New chunks are charged as @charge says (which the owner may change; the
 * chunks it has keep their own).
 */
struct bblog_ring {
	struct list_head chunks;
	struct bblog_chunk *spare;	/* an emptied chunk kept for reuse */
	u32 count;			/* records stored */
	struct bblog_charge charge;
};

void bblog_ring_init(struct bblog_ring *ring);
struct bblog_record *bblog_ring_reserve(struct bblog_ring *ring, gfp_t gfp);
void bblog_ring_drop_oldest(struct bblog_ring *ring);
void bblog_ring_move(struct bblog_ring *to, struct bblog_ring *from);
u32 bblog_ring_peek(const struct bblog_ring *ring, struct bblog_record *dst,
		    u32 max);
u32 bblog_ring_drop_through(struct bblog_ring *ring, u32 sn);
void bblog_ring_free(struct bblog_ring *ring);
void bblog_ring_take_chunks(struct bblog_ring *ring, struct list_head *to);
void bblog_chunks_free(struct list_head *chunks);
struct bblog_record *bblog_ring_at(struct bblog_ring *ring, u32 idx);
void bblog_ring_rotate_newest(struct bblog_ring *ring, u32 n);

struct bblog_chunk *bblog_chunk_alloc(const struct bblog_charge *charge,
				      gfp_t gfp);
void bblog_chunk_free(struct bblog_chunk *chunk);
u64 bblog_budget_used(void);
u64 bblog_budget_unpriv_used(void);
void bblog_budget_set_limit(u64 records);
void bblog_budget_set_shares(unsigned int ns_pct, unsigned int unpriv_pct);

#endif /* _BBLOG_RING_H */
