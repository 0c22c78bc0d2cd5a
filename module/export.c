// SPDX-License-Identifier: GPL-2.0
/*
 * The export queue: dumps waiting to be read from /dev/tcp_bblog.
 *
 * Every open file is a reader with its own cursor.  A dump queued while
 * readers are open must be read by each of them; a reader that opens also
 * gets every dump still queued.  A dump leaves the queue when the readers
 * that must read it have done so and at least one did: a dump made while no
 * reader is open waits (within the record budget) for the next reader.
 *
 * The queue is bounded: when its dumps hold more than export_limit records,
 * the oldest that no reader is in the middle of (those already read by
 * some reader first) become BBLOG_MSG_LOST
 * messages in place (their records freed), merged with a LOST message just
 * before them when every reader would read the two in a row.  A reader that
 * never reads, or none at all, thus costs at most the limit, and every
 * reader learns what it missed, where it missed it.
 *
 * A reader sees the dumps of the namespaces it administers: all of them if
 * it opened the device in the initial network namespace with CAP_NET_ADMIN
 * in the initial user namespace, else those of the network namespace it
 * opened it in and, if it is in a user namespace of its own, those of every
 * network namespace owned by that user namespace or one below it.  LOST
 * messages (counts only) are seen by every reader.
 *
 * The device is a byte stream of whole messages, as FreeBSD's /dev/tcp_log:
 * a read returns as many whole messages as fit, and when the next message
 * does not fit an otherwise empty buffer, as much of it as fits; the next
 * read continues it.  Any buffer size works, so cat and dd do.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include "export.h"
#include "stats.h"
#include "sysctl.h"

struct bblog_reader {
	struct list_head list;		/* in bblog_export.readers */
	bool all;			/* sees every namespace */
	u64 net_cookie;			/* the network namespace it opened in */
	struct user_namespace *user_ns;	/* its user namespace (a reference) */
	struct bblog_dump_entry *next;	/* next dump to read; NULL: none yet */
	size_t off;			/* bytes of next already read */
	struct bblog_dump_entry *copying;	/* next, while read() copies it */
	struct mutex read_lock;		/* one read() at a time per file */
};

static struct {
	spinlock_t lock;		/* the queue, the readers, their cursors */
	struct list_head queue;
	struct list_head readers;
	unsigned long queued;		/* entries, LOST ones included */
	unsigned long records;		/* records in the queued dumps */
	unsigned long limit;		/* export_limit */
	u64 qseq;			/* of the last entry queued */
	wait_queue_head_t wait;
} bblog_export = {
	.lock = __SPIN_LOCK_UNLOCKED(bblog_export.lock),
	.queue = LIST_HEAD_INIT(bblog_export.queue),
	.readers = LIST_HEAD_INIT(bblog_export.readers),
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(bblog_export.wait),
};

struct bblog_dump_entry *bblog_dump_alloc(gfp_t gfp)
{
	struct bblog_dump_entry *d = kzalloc(sizeof(*d), gfp | __GFP_NOWARN);

	if (d)
		bblog_ring_init(&d->ring);
	return d;
}

void bblog_dump_free(struct bblog_dump_entry *d)
{
	bblog_ring_free(&d->ring);
	bblog_nstats_put(d->nstats);
	put_user_ns(d->user_ns);
	kfree(d);
}

static bool bblog_dump_is_lost(const struct bblog_dump_entry *d);

/* Does @r see @d (see the top of the file)? */
static bool bblog_reader_sees(const struct bblog_reader *r,
			      const struct bblog_dump_entry *d)
{
	const struct user_namespace *ns;

	if (r->all || bblog_dump_is_lost(d) || d->net_cookie == r->net_cookie)
		return true;
	if (r->user_ns == &init_user_ns)
		return false;
	for (ns = d->user_ns; ns; ns = ns->parent)
		if (ns == r->user_ns)
			return true;
	return false;
}

static bool bblog_dump_is_lost(const struct bblog_dump_entry *d)
{
	return d->lost.hdr.type == BBLOG_MSG_LOST;
}

static size_t bblog_dump_len(const struct bblog_dump_entry *d)
{
	return bblog_dump_is_lost(d) ? d->lost.hdr.length : d->hdr.hdr.length;
}

void bblog_export_set_limit(unsigned long records)
{
	WRITE_ONCE(bblog_export.limit, records);
}

unsigned long bblog_export_queued_records(void)
{
	return READ_ONCE(bblog_export.records);
}

/* Is a reader in the middle of @d's message? */
static bool bblog_dump_busy(const struct bblog_dump_entry *d)
{
	struct bblog_reader *r;

	lockdep_assert_held(&bblog_export.lock);
	list_for_each_entry(r, &bblog_export.readers, list)
		if (r->next == d && (r->off || r->copying == d))
			return true;
	return false;
}

/*
 * Turn the dump @d into a LOST message; its chunks go to @garbage.  If the
 * entry before it is a LOST message that exactly the same readers still
 * have to read, fold @d into it: @d goes to @done.
 */
static void bblog_dump_drop(struct bblog_dump_entry *d,
			    struct list_head *garbage, struct list_head *done)
{
	struct bblog_dump_entry *prev;
	u32 nrec = d->hdr.nrecords;
	struct bblog_reader *r;

	lockdep_assert_held(&bblog_export.lock);
	/*
	 * Every reader sees a LOST message: those that did not see the dump
	 * and have not passed its place yet now have it to read.
	 */
	list_for_each_entry(r, &bblog_export.readers, list)
		if (!bblog_reader_sees(r, d) && r->next && r->next->qseq < d->qseq)
			d->pending++;
	bblog_export.records -= nrec;
	bblog_ring_take_chunks(&d->ring, garbage);
	d->lost.hdr.version = BBLOG_VERSION;
	d->lost.hdr.type = BBLOG_MSG_LOST;
	d->lost.hdr.length = sizeof(d->lost);
	d->lost.dumps = 1;
	d->lost.records = nrec;
	bblog_stat_inc(d->nstats, BBLOG_STAT_EXPORT_DROPPED);
	bblog_stat_add(d->nstats, BBLOG_STAT_LOST_EXPORT, nrec);

	if (list_is_first(&d->list, &bblog_export.queue))
		return;
	prev = list_prev_entry(d, list);
	if (!bblog_dump_is_lost(prev) || prev->pending != d->pending ||
	    prev->delivered != d->delivered)
		return;
	prev->lost.dumps += d->lost.dumps;
	prev->lost.records += d->lost.records;
	list_move_tail(&d->list, done);
	bblog_export.queued--;
}

/*
 * Drop the oldest dumps until the queue is within export_limit: first those
 * some reader already read (the laggards lose, not the readers that keep
 * up), then any.
 */
static void bblog_export_trim(struct list_head *garbage, struct list_head *done)
{
	struct bblog_dump_entry *d, *next;
	int pass;

	lockdep_assert_held(&bblog_export.lock);
	for (pass = 0; pass < 2; pass++) {
		list_for_each_entry_safe(d, next, &bblog_export.queue, list) {
			if (bblog_export.records <= READ_ONCE(bblog_export.limit))
				return;
			/*
			 * Read dumps are mostly a prefix of the queue (not
			 * quite with per-namespace readers): stop at the first
			 * unread one; the second pass keeps the bound anyway.
			 */
			if (!pass && !d->delivered && !bblog_dump_is_lost(d))
				break;
			if (bblog_dump_is_lost(d) || bblog_dump_busy(d))
				continue;
			bblog_dump_drop(d, garbage, done);
		}
	}
}

/* Queue @d (owned by the queue from now on) and wake the readers. */
void bblog_export_queue(struct bblog_dump_entry *d)
{
	struct bblog_dump_entry *f, *tmp;
	struct bblog_reader *r;
	unsigned long flags;
	LIST_HEAD(garbage);
	LIST_HEAD(done);

	d->hdr.hdr.version = BBLOG_VERSION;
	d->hdr.hdr.type = BBLOG_MSG_DUMP;
	d->hdr.nrecords = d->ring.count;
	d->hdr.record_size = sizeof(struct bblog_record);
	d->hdr.header_size = sizeof(d->hdr);
	d->hdr.hdr.length = sizeof(d->hdr) +
			    (u64)d->ring.count * sizeof(struct bblog_record);

	spin_lock_irqsave(&bblog_export.lock, flags);
	d->pending = 0;
	d->qseq = ++bblog_export.qseq;
	list_for_each_entry(r, &bblog_export.readers, list) {
		if (!bblog_reader_sees(r, d))
			continue;
		d->pending++;
		if (!r->next)
			r->next = d;
	}
	list_add_tail(&d->list, &bblog_export.queue);
	bblog_export.queued++;
	bblog_export.records += d->hdr.nrecords;
	bblog_stat_inc(d->nstats, BBLOG_STAT_DUMPS);
	bblog_stat_add(d->nstats, BBLOG_STAT_DUMP_RECORDS, d->hdr.nrecords);
	bblog_export_trim(&garbage, &done);
	spin_unlock_irqrestore(&bblog_export.lock, flags);

	bblog_chunks_free(&garbage);
	list_for_each_entry_safe(f, tmp, &done, list)
		bblog_dump_free(f);
	wake_up_interruptible(&bblog_export.wait);
}

unsigned long bblog_export_queued(void)
{
	return READ_ONCE(bblog_export.queued);
}

/* The first entry @r sees from @d on (@d included), or NULL. */
static struct bblog_dump_entry *bblog_export_from(struct bblog_reader *r,
						  struct bblog_dump_entry *d)
{
	lockdep_assert_held(&bblog_export.lock);
	list_for_each_entry_from(d, &bblog_export.queue, list)
		if (bblog_reader_sees(r, d))
			return d;
	return NULL;
}

/* The entry @r reads after @d, or NULL. */
static struct bblog_dump_entry *bblog_export_after(struct bblog_reader *r,
						   struct bblog_dump_entry *d)
{
	lockdep_assert_held(&bblog_export.lock);
	if (list_is_last(&d->list, &bblog_export.queue))
		return NULL;
	return bblog_export_from(r, list_next_entry(d, list));
}

/* A reader is done with @d; returns @d if it is to be freed. */
static struct bblog_dump_entry *bblog_export_release(struct bblog_dump_entry *d)
{
	lockdep_assert_held(&bblog_export.lock);
	if (WARN_ON_ONCE(!d->pending))
		return NULL;
	if (--d->pending || !d->delivered)
		return NULL;
	list_del(&d->list);
	bblog_export.queued--;
	if (!bblog_dump_is_lost(d))
		bblog_export.records -= d->hdr.nrecords;
	return d;
}

struct bblog_reader *bblog_reader_open(struct net *net,
				       struct user_namespace *user_ns, bool all)
{
	struct bblog_dump_entry *d;
	struct bblog_reader *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	mutex_init(&r->read_lock);
	r->all = all;
	r->net_cookie = bblog_net_cookie(net);
	r->user_ns = get_user_ns(user_ns);

	spin_lock_irq(&bblog_export.lock);
	list_for_each_entry(d, &bblog_export.queue, list) {
		if (!bblog_reader_sees(r, d))
			continue;
		d->pending++;
		if (!r->next)
			r->next = d;
	}
	list_add_tail(&r->list, &bblog_export.readers);
	spin_unlock_irq(&bblog_export.lock);
	return r;
}

void bblog_reader_close(struct bblog_reader *r)
{
	struct bblog_dump_entry *d, *next;
	LIST_HEAD(done);

	spin_lock_irq(&bblog_export.lock);
	list_del(&r->list);
	for (d = r->next; d; d = next) {
		next = bblog_export_after(r, d);
		if (bblog_export_release(d))
			list_add_tail(&d->list, &done);
	}
	spin_unlock_irq(&bblog_export.lock);

	list_for_each_entry_safe(d, next, &done, list)
		bblog_dump_free(d);
	mutex_destroy(&r->read_lock);
	put_user_ns(r->user_ns);
	kfree(r);
}

static bool bblog_reader_ready(struct bblog_reader *r)
{
	return READ_ONCE(r->next);
}

/*
 * Copy bytes [@from, @from + @n) of the message of @d: its header, then the
 * records of each chunk.  The reader's pending count keeps @d alive.
 */
static int bblog_dump_copy(const struct bblog_dump_entry *d, char __user *buf,
			   size_t from, size_t n)
{
	const void *head = &d->hdr;
	size_t head_len = sizeof(d->hdr);
	const struct bblog_chunk *chunk;
	size_t pos, len, skip;

	if (bblog_dump_is_lost(d)) {	/* no records */
		head = &d->lost;
		head_len = sizeof(d->lost);
	}
	if (from < head_len) {
		len = min(n, head_len - from);
		if (copy_to_user(buf, (const char *)head + from, len))
			return -EFAULT;
		buf += len;
		from += len;
		n -= len;
	}
	pos = head_len;	/* where the current chunk's records start */
	list_for_each_entry(chunk, &d->ring.chunks, list) {
		if (!n)
			break;
		len = (chunk->end - chunk->start) * sizeof(struct bblog_record);
		if (from < pos + len) {
			skip = from - pos;
			len = min(len - skip, n);
			if (copy_to_user(buf, (const char *)&chunk->rec[chunk->start] + skip,
					 len))
				return -EFAULT;
			buf += len;
			from += len;
			n -= len;
		}
		pos += (chunk->end - chunk->start) * sizeof(struct bblog_record);
	}
	return 0;
}

ssize_t bblog_reader_read(struct bblog_reader *r, char __user *buf,
			  size_t len, bool nonblock)
{
	struct bblog_dump_entry *d, *freed;
	size_t copied = 0, dlen, n;
	int err;

	if (mutex_lock_interruptible(&r->read_lock))
		return -ERESTARTSYS;

	while (!bblog_reader_ready(r)) {
		mutex_unlock(&r->read_lock);
		if (nonblock)
			return -EAGAIN;
		if (wait_event_interruptible(bblog_export.wait,
					     bblog_reader_ready(r)))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&r->read_lock))
			return -ERESTARTSYS;
	}

	/* Only this reader moves its cursor, under read_lock. */
	while (copied < len) {
		/* Pinned while copying: the queue does not drop it. */
		spin_lock_irq(&bblog_export.lock);
		d = r->next;
		r->copying = d;
		spin_unlock_irq(&bblog_export.lock);
		if (!d)
			break;

		/* Whole messages while they fit, then part of one if none did. */
		dlen = bblog_dump_len(d);
		err = 0;
		n = 0;
		if (r->off || dlen <= len - copied || !copied) {
			n = min(dlen - r->off, len - copied);
			err = bblog_dump_copy(d, buf + copied, r->off, n);
		}

		spin_lock_irq(&bblog_export.lock);
		r->copying = NULL;
		if (err || !n) {
			spin_unlock_irq(&bblog_export.lock);
			break;
		}
		copied += n;
		r->off += n;
		if (r->off < dlen) {
			spin_unlock_irq(&bblog_export.lock);
			break;		/* the buffer is full */
		}
		r->off = 0;
		r->next = bblog_export_after(r, d);
		d->delivered = true;
		if (!bblog_dump_is_lost(d))
			bblog_stat_inc(d->nstats, BBLOG_STAT_DELIVERED);
		freed = bblog_export_release(d);
		spin_unlock_irq(&bblog_export.lock);
		if (freed)
			bblog_dump_free(freed);
	}
	mutex_unlock(&r->read_lock);
	return copied ? copied : err;
}

__poll_t bblog_reader_poll(struct bblog_reader *r, struct file *file,
			   poll_table *wait)
{
	poll_wait(file, &bblog_export.wait, wait);
	return bblog_reader_ready(r) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Module exit: no readers are left (each holds a module reference). */
void bblog_export_flush(void)
{
	struct bblog_dump_entry *d, *next;

	spin_lock_irq(&bblog_export.lock);
	WARN_ON_ONCE(!list_empty(&bblog_export.readers));
	list_for_each_entry_safe(d, next, &bblog_export.queue, list) {
		list_del(&d->list);
		bblog_dump_free(d);
	}
	bblog_export.queued = 0;
	bblog_export.records = 0;
	spin_unlock_irq(&bblog_export.lock);
}
