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

int bblog_out_close(struct bblog_out *o)
{
	return o ? o->close(o) : 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- plain file, buffered ---- */
struct out_fd {
	struct bblog_out o;
	int fd;
	int err;
	size_t len;
	unsigned char buf[65536];
};

static int fd_flush(struct out_fd *f)
{
	if (f->len && write_all(f->fd, f->buf, f->len) < 0)
		return -1;
	f->len = 0;
	return 0;
}

static int fd_write(struct bblog_out *o, const void *p, size_t n)
{
	struct out_fd *f = (struct out_fd *)o;

	if (f->len + n > sizeof(f->buf) && fd_flush(f) < 0)
		return -1;
	if (n > sizeof(f->buf))
		return write_all(f->fd, p, n);
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

static int fd_close(struct bblog_out *o)
{
	struct out_fd *f = (struct out_fd *)o;
	int rc = fd_flush(f), e = errno;

	if (close(f->fd) < 0 && rc == 0) {
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
	f->o.close = fd_close;
	f->fd = fd;
	return &f->o;
}

/* ---- xz ---- */
struct out_xz {
	struct bblog_out o;
	int fd;
	lzma_stream zs;
	unsigned char buf[65536];
};

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
		if (write_all(x->fd, x->buf, sizeof(x->buf) - x->zs.avail_out) < 0)
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

	x->zs.next_in = p;
	x->zs.avail_in = n;
	return n ? xz_run(x, LZMA_RUN) : 0;
}

static int xz_close(struct bblog_out *o)
{
	struct out_xz *x = (struct out_xz *)o;
	int rc, e;

	x->zs.next_in = NULL;
	x->zs.avail_in = 0;
	rc = xz_run(x, LZMA_FINISH);
	e = errno;
	lzma_end(&x->zs);
	if (close(x->fd) < 0 && rc == 0) {
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
	if (lzma_easy_encoder(&x->zs, 0, LZMA_CHECK_CRC64) != LZMA_OK) {
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->o.write = xz_write;
	x->o.close = xz_close;
	x->fd = fd;
	return &x->o;
}

/* ---- memory ---- */
struct out_mem {
	struct bblog_out o;
	unsigned char *p;
	size_t len, cap;
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
	m->o.close = mem_close;
	return &m->o;
}

const unsigned char *bblog_out_mem_data(struct bblog_out *o, size_t *len)
{
	struct out_mem *m = (struct out_mem *)o;

	*len = m->len;
	return m->p;
}
