/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_EXPORT_H
#define _BBLOG_EXPORT_H

#include <linux/list.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/tcp_bblog.h>

#include "ring.h"

/* One dump: a message for the device, immutable once queued. */
struct bblog_dump_entry {
	struct list_head list;		/* in the export queue */
	unsigned int pending;		/* open readers that have not read it */
	bool delivered;			/* read by at least one reader */
	struct bblog_dump hdr;
	struct bblog_ring ring;
	struct bblog_lost lost;		/* the message once dropped (lost.hdr.type) */
	u64 qseq;			/* position in the queue */
	u64 net_cookie;			/* the connection's network namespace */
	struct user_namespace *user_ns;	/* and its owner (a reference) */
	struct bblog_nstats *nstats;	/* its counters (a reference) */
};

struct bblog_reader;

struct bblog_dump_entry *bblog_dump_alloc(gfp_t gfp);
void bblog_dump_free(struct bblog_dump_entry *d);
void bblog_export_queue(struct bblog_dump_entry *d);
unsigned long bblog_export_queued(void);
unsigned long bblog_export_queued_records(void);
void bblog_export_set_limit(unsigned long records);
void bblog_export_flush(void);

struct bblog_reader *bblog_reader_open(struct net *net,
				       struct user_namespace *user_ns, bool all);
void bblog_reader_close(struct bblog_reader *r);
ssize_t bblog_reader_read(struct bblog_reader *r, char __user *buf,
			  size_t len, bool nonblock);
__poll_t bblog_reader_poll(struct bblog_reader *r, struct file *file,
			   poll_table *wait);

#endif /* _BBLOG_EXPORT_H */
