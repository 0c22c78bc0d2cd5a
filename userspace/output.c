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

static int of_rollback(struct ofile *f)
{
	f->failed = 0;
	if (f->off == f->synced && !f->trunc)
		return 0;
	return of_truncate(f);
}

/* ---- plain file, buffered ---- */
struct out_fd {
	struct bblog_out o;
	struct ofile f;
	size_t len;
	unsigned char buf[65536];
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

static int fd_write(struct bblog_out *o, const void *p, size_t n)
{
	struct out_fd *f = (struct out_fd *)o;

	if (of_ready(&f->f) < 0)
		return -1;
	if (f->len + n > sizeof(f->buf) && fd_flush(f) < 0)
		return -1;
	if (n > sizeof(f->buf))
		return of_write(&f->f, p, n);
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

static int fd_commit(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;

	if (fd_flush(f) < 0)
		return -1;
	f->f.synced = f->f.off;
	return 0;
}

static int fd_rollback(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;

	f->len = 0;
	return of_rollback(&f->f);
}

static int fd_close(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;
	int rc = fd_flush(f), e = errno;

	if (close(f->f.fd) < 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
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
	f->o.commit = fd_commit;
	f->o.rollback = fd_rollback;
	f->o.close = fd_close;
	f->o.fd = fd;
	f->f.fd = fd;
	return &f->o;
}

/* ---- xz: one stream per commit ---- */
struct out_xz {
	struct bblog_out o;
	struct ofile f;
	lzma_stream zs;
	int started;		/* a stream is open in zs */
	unsigned char buf[65536];
};

static int xz_start(struct out_xz *x)
{
	if (x->started)
		return 0;
	/* on an initialised lzma_stream this resets it, reusing its memory */
	if (lzma_easy_encoder(&x->zs, 0, LZMA_CHECK_CRC64) != LZMA_OK) {
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

		x->zs.next_out = x->buf;
		x->zs.avail_out = sizeof(x->buf);
		ret = lzma_code(&x->zs, act);
		if (ret != LZMA_OK && ret != LZMA_STREAM_END) {
			errno = ret == LZMA_MEM_ERROR ? ENOMEM : EIO;
			return -1;
		}
		if (of_write(&x->f, x->buf, sizeof(x->buf) - x->zs.avail_out) < 0)
			return -1;
		if (act == LZMA_RUN && x->zs.avail_in == 0)
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
	x->zs.next_in = p;
	x->zs.avail_in = n;
	return xz_run(x, LZMA_RUN);
}

/* End the stream (if one is open); the next write starts another. */
static int xz_finish(struct out_xz *x)
{
	if (of_ready(&x->f) < 0)
		return -1;
	if (!x->started)
		return 0;
	x->zs.next_in = NULL;
	x->zs.avail_in = 0;
	if (xz_run(x, LZMA_FINISH) < 0)
		return -1;
	x->started = 0;
	return 0;
}

static int xz_commit(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;

	if (xz_finish(x) < 0)
		return -1;
	x->f.synced = x->f.off;
	return 0;
}

static int xz_rollback(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;

	x->started = 0;		/* the next write resets the encoder */
	return of_rollback(&x->f);
}

static int xz_close(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;
	int rc, e;

	rc = xz_finish(x);
	e = errno;
	lzma_end(&x->zs);
	if (close(x->f.fd) < 0 && rc == 0) {
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
	lzma_stream init = LZMA_STREAM_INIT;

	if (!x)
		return NULL;
	x->zs = init;
	if (xz_start(x) < 0) {
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->o.write = xz_write;
	x->o.commit = xz_commit;
	x->o.rollback = xz_rollback;
	x->o.close = xz_close;
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
