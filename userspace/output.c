// SPDX-License-Identifier: GPL-2.0
/* Output back ends of the pcapng writer: plain file, xz, memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lzma.h>

#include "pcapng.h"

int bblog_out_write(struct bblog_out *o, const void *p, size_t n)
{
	if (o->write(o, p, n) < 0)
		return -1;
	o->bytes += n;
	return 0;
}

unsigned char *bblog_out_reserve(struct bblog_out *o, size_t n)
{
	return o->reserve ? o->reserve(o, n) : NULL;
}

void bblog_out_wrote(struct bblog_out *o, size_t n)
{
	o->wrote(o, n);
	o->bytes += n;
}

int bblog_out_commit(struct bblog_out *o)
{
	if (o->commit && o->commit(o) < 0)
		return -1;
	o->committed = o->bytes;
	return 0;
}

int bblog_out_rollback(struct bblog_out *o)
{
	if (!o->rollback) {
		errno = EOPNOTSUPP;
		return -1;
	}
	o->bytes = o->committed;
	return o->rollback(o);
}

int bblog_out_close(struct bblog_out *o)
{
	return o ? o->close(o) : 0;
}

int bblog_out_park(struct bblog_out *o)
{
	if (!o->park) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (o->fd < 0)
		return 0;
	if (o->bytes != o->committed) {
		errno = EBUSY;
		return -1;
	}
	return o->park(o);
}

int bblog_out_unpark(struct bblog_out *o, int fd)
{
	if (!o->unpark || o->fd >= 0) {
		errno = o->unpark ? EBUSY : EOPNOTSUPP;
		return -1;
	}
	return o->unpark(o, fd);
}

/*
 * The state of a file shared by the plain and xz back ends: the offset
 * written up to, the size at the last commit, a failure that only a
 * rollback clears, a truncation still owed.
 */
struct ofile {
	int fd;
	uint64_t off;		/* bytes written (the file offset) */
	uint64_t synced;	/* off at the last commit */
	int failed;		/* errno of a failed write, until rollback */
	int trunc;		/* a rollback could not truncate yet */
};

static int of_truncate(struct ofile *f)
{
	if (ftruncate(f->fd, (off_t)f->synced) < 0 ||
	    lseek(f->fd, (off_t)f->synced, SEEK_SET) < 0) {
		f->trunc = 1;
		return -1;
	}
	f->trunc = 0;
	f->off = f->synced;
	return 0;
}

/* Ready to write: no failure pending, a truncation owed done. */
static int of_ready(struct ofile *f)
{
	if (f->failed) {
		errno = f->failed;
		return -1;
	}
	return f->trunc ? of_truncate(f) : 0;
}

static int of_write(struct ofile *f, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n) {
		ssize_t w = write(f->fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			f->failed = errno;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		f->off += (uint64_t)w;
	}
	return 0;
}

/* Give the descriptor up (all committed, nothing pending). */
static int of_park(struct bblog_out *o, struct ofile *f)
{
	if (f->failed || f->trunc || f->off != f->synced) {
		errno = EBUSY;
		return -1;
	}
	close(f->fd);		/* nothing left to write: no error to see */
	f->fd = o->fd = -1;
	return 0;
}

static int of_unpark(struct bblog_out *o, struct ofile *f, int fd)
{
	if (lseek(fd, (off_t)f->synced, SEEK_SET) < 0)
		return -1;
	f->fd = o->fd = fd;
	f->off = f->synced;
	return 0;
}

static int of_close(struct ofile *f)
{
	return f->fd >= 0 ? close(f->fd) : 0;
}

static int of_rollback(struct ofile *f)
{
	f->failed = 0;
	if (f->off == f->synced && !f->trunc)
		return 0;
	return of_truncate(f);
}

/*
 * ---- plain file, buffered ----
 * The buffer is taken at the first write after a commit and given back at
 * the commit: a file between dumps costs its struct only, however many
 * are open (bblog record keeps one per connection).
 */
#define FD_BUF	65536

struct out_fd {
	struct bblog_out o;
	struct ofile f;
	size_t len;
	unsigned char *buf;
};

static int fd_flush(struct out_fd *f)
{
	if (of_ready(&f->f) < 0)
		return -1;
	if (f->len && of_write(&f->f, f->buf, f->len) < 0)
		return -1;
	f->len = 0;
	return 0;
}

static void fd_release(struct out_fd *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
}

static int fd_write(struct bblog_out *o, const void *p, size_t n)
{
	struct out_fd *f = (struct out_fd *)o;

	if (of_ready(&f->f) < 0)
		return -1;
	if (f->len + n > FD_BUF && fd_flush(f) < 0)
		return -1;
	if (n > FD_BUF)
		return of_write(&f->f, p, n);
	if (!f->buf)
		f->buf = malloc(FD_BUF);
	if (!f->buf)
		return of_write(&f->f, p, n);	/* unbuffered, then */
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

/* Room for n bytes in the buffer (a failure is the next write's). */
static unsigned char *fd_reserve(struct bblog_out *o, size_t n)
{
	struct out_fd *f = (struct out_fd *)o;

	if (n > FD_BUF || of_ready(&f->f) < 0)
		return NULL;
	if (f->len + n > FD_BUF && fd_flush(f) < 0)
		return NULL;
	if (!f->buf)
		f->buf = malloc(FD_BUF);
	return f->buf ? f->buf + f->len : NULL;
}

static void fd_wrote(struct bblog_out *o, size_t n)
{
	((struct out_fd *)o)->len += n;
}

static int fd_commit(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;

	if (fd_flush(f) < 0)
		return -1;
	fd_release(f);
	f->f.synced = f->f.off;
	o->file_bytes = f->f.synced;
	return 0;
}

static int fd_rollback(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;

	fd_release(f);
	return of_rollback(&f->f);
}

static int fd_park(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;

	if (f->len) {
		errno = EBUSY;
		return -1;
	}
	return of_park(o, &f->f);
}

static int fd_unpark(struct bblog_out *o, int fd)
{
	return of_unpark(o, &((struct out_fd *)o)->f, fd);
}

static int fd_close(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;
	int rc = fd_flush(f), e = errno;

	if (of_close(&f->f) < 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	fd_release(f);
	free(f);
	errno = e;
	return rc;
}

struct bblog_out *bblog_out_fd(int fd)
{
	struct out_fd *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->o.write = fd_write;
	f->o.reserve = fd_reserve;
	f->o.wrote = fd_wrote;
	f->o.commit = fd_commit;
	f->o.rollback = fd_rollback;
	f->o.close = fd_close;
	f->o.park = fd_park;
	f->o.unpark = fd_unpark;
	f->o.fd = fd;
	f->f.fd = fd;
	return &f->o;
}

/*
 * ---- xz: one stream per commit ----
 * An encoder (a few MiB at preset 0) is needed from the first write after
 * a commit to the commit only: then it goes back to a small pool, from
 * which the next file to write takes one (lzma_easy_encoder() resets it,
 * reusing its memory).  Many files open at once cost no encoder each.
 */
#define XZ_POOL	4

static lzma_stream *xz_pool[XZ_POOL];
static int xz_pooled;
static unsigned char xz_buf[65536];	/* written out before xz_run returns */

struct out_xz {
	struct bblog_out o;
	struct ofile f;
	lzma_stream *zs;	/* NULL between streams */
	int started;		/* a stream is open in zs */
};

static void xz_put(struct out_xz *x)
{
	if (!x->zs)
		return;
	if (xz_pooled < XZ_POOL) {
		xz_pool[xz_pooled++] = x->zs;
	} else {
		lzma_end(x->zs);
		free(x->zs);
	}
	x->zs = NULL;
	x->started = 0;
}

static int xz_start(struct out_xz *x)
{
	if (x->started)
		return 0;
	if (!x->zs && xz_pooled) {
		x->zs = xz_pool[--xz_pooled];
	} else if (!x->zs) {
		lzma_stream init = LZMA_STREAM_INIT;

		x->zs = malloc(sizeof(*x->zs));
		if (!x->zs) {
			errno = ENOMEM;
			return -1;
		}
		*x->zs = init;
	}
	/* on an initialised lzma_stream this resets it, reusing its memory */
	if (lzma_easy_encoder(x->zs, 0, LZMA_CHECK_CRC64) != LZMA_OK) {
		xz_put(x);
		errno = ENOMEM;
		return -1;
	}
	x->started = 1;
	return 0;
}

static int xz_run(struct out_xz *x, lzma_action act)
{
	for (;;) {
		lzma_ret ret;

		x->zs->next_out = xz_buf;
		x->zs->avail_out = sizeof(xz_buf);
		ret = lzma_code(x->zs, act);
		if (ret != LZMA_OK && ret != LZMA_STREAM_END) {
			errno = ret == LZMA_MEM_ERROR ? ENOMEM : EIO;
			return -1;
		}
		if (of_write(&x->f, xz_buf, sizeof(xz_buf) - x->zs->avail_out) < 0)
			return -1;
		if (act == LZMA_RUN && x->zs->avail_in == 0)
			return 0;
		if (ret == LZMA_STREAM_END)
			return 0;
	}
}

static int xz_write(struct bblog_out *o, const void *p, size_t n)
{
	struct out_xz *x = (struct out_xz *)o;

	if (!n)
		return 0;
	if (of_ready(&x->f) < 0 || xz_start(x) < 0)
		return -1;
	x->zs->next_in = p;
	x->zs->avail_in = n;
	return xz_run(x, LZMA_RUN);
}

/* End the stream (if one is open); the next write starts another. */
static int xz_finish(struct out_xz *x)
{
	if (of_ready(&x->f) < 0)
		return -1;
	if (!x->started) {
		xz_put(x);
		return 0;
	}
	x->zs->next_in = NULL;
	x->zs->avail_in = 0;
	if (xz_run(x, LZMA_FINISH) < 0)
		return -1;
	xz_put(x);
	return 0;
}

static int xz_commit(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;

	if (xz_finish(x) < 0)
		return -1;
	x->f.synced = x->f.off;
	o->file_bytes = x->f.synced;
	return 0;
}

static int xz_rollback(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;

	xz_put(x);		/* the next write resets an encoder */
	return of_rollback(&x->f);
}

static int xz_park(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;

	if (x->started) {
		errno = EBUSY;
		return -1;
	}
	return of_park(o, &x->f);
}

static int xz_unpark(struct bblog_out *o, int fd)
{
	return of_unpark(o, &((struct out_xz *)o)->f, fd);
}

static int xz_close(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;
	int rc, e;

	rc = xz_finish(x);
	e = errno;
	if (x->zs) {		/* a failed stream: not for the pool */
		lzma_end(x->zs);
		free(x->zs);
	}
	if (of_close(&x->f) < 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	free(x);
	errno = e;
	return rc;
}

struct bblog_out *bblog_out_xz(int fd)
{
	struct out_xz *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	if (xz_start(x) < 0) {	/* the memory for one stream, at least */
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->o.write = xz_write;
	x->o.commit = xz_commit;
	x->o.rollback = xz_rollback;
	x->o.close = xz_close;
	x->o.park = xz_park;
	x->o.unpark = xz_unpark;
	x->o.fd = fd;
	x->f.fd = fd;
	return &x->o;
}

/* ---- memory ---- */
struct out_mem {
	struct bblog_out o;
	unsigned char *p;
	size_t len, cap;
	size_t synced;		/* len at the last commit */
};

static int mem_write(struct bblog_out *o, const void *p, size_t n)
{
	struct out_mem *m = (struct out_mem *)o;

	if (m->cap - m->len < n) {
		size_t ncap = m->cap ? m->cap : 4096;
		unsigned char *np;

		while (ncap - m->len < n)
			ncap *= 2;
		np = realloc(m->p, ncap);
		if (!np)
			return -1;
		m->p = np;
		m->cap = ncap;
	}
	memcpy(m->p + m->len, p, n);
	m->len += n;
	return 0;
}

static int mem_commit(struct bblog_out *o)
{
	struct out_mem *m = (struct out_mem *)o;

	m->synced = m->len;
	return 0;
}

static int mem_rollback(struct bblog_out *o)
{
	struct out_mem *m = (struct out_mem *)o;

	m->len = m->synced;
	return 0;
}

static int mem_close(struct bblog_out *o)
{
	struct out_mem *m = (struct out_mem *)o;

	free(m->p);
	free(m);
	return 0;
}

struct bblog_out *bblog_out_mem(void)
{
	struct out_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->o.write = mem_write;
	m->o.commit = mem_commit;
	m->o.rollback = mem_rollback;
	m->o.close = mem_close;
	m->o.fd = -1;
	return &m->o;
}

const unsigned char *bblog_out_mem_data(struct bblog_out *o, size_t *len)
{
	struct out_mem *m = (struct out_mem *)o;

	*len = m->len;
	return m->p;
}
