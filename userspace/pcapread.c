// SPDX-License-Identifier: GPL-2.0
/* Minimal BBLog pcapng reader.  See pcapread.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>

#include "bytes.h"
#include "pcapread.h"

#define MAX_FILE	(1ull << 32)	/* refuse larger inputs */

static uint16_t bswap16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }
static uint32_t bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static uint16_t g16(const struct bblog_pr *r, const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? bswap16(v) : v;
}

static uint32_t g32(const struct bblog_pr *r, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? bswap32(v) : v;
}

int bblog_pr_init(struct bblog_pr *r, const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->len = len;
	return 0;
}

static int fail(struct bblog_pr *r, const char *why)
{
	snprintf(r->err, sizeof(r->err), "%s at offset %zu", why, r->off);
	return -1;
}

/*
 * Walk the options in [p, end).  le: custom-block form (code/length LE).
 * Calls back for each option; stops at end-of-options.
 */
typedef void (*opt_fn)(struct bblog_pr *r, uint16_t code, const unsigned char *v,
		       uint16_t len, void *ctx);

static void walk_opts(struct bblog_pr *r, const unsigned char *p,
		      const unsigned char *end, int le, opt_fn fn, void *ctx)
{
	while (end - p >= 4) {
		uint16_t code = le ? get_le16(p) : g16(r, p);
		uint16_t len = le ? get_le16(p + 2) : g16(r, p + 2);
		size_t padded = ((size_t)len + 3) & ~(size_t)3;

		if (code == 0)
			return;
		p += 4;
		if ((size_t)(end - p) < len)
			return;
		fn(r, code, p, len, ctx);
		if ((size_t)(end - p) < padded)
			return;
		p += padded;
	}
}

/* A Netflix custom option: returns its type and data, or -1. */
static int nflx(struct bblog_pr *r, uint16_t code, const unsigned char *v,
		uint16_t len, int le, const unsigned char **data, size_t *dlen)
{
	uint32_t pen;

	if ((code != 2989 && code != 19373) || len < 8)
		return -1;
	pen = le ? get_le32(v) : g32(r, v);
	if (pen != BBLOG_PEN_NFLX)
		return -1;
	*data = v + 8;
	*dlen = len - 8u;
	return (int)get_le32(v + 4);
}

static void shb_opt(struct bblog_pr *r, uint16_t code, const unsigned char *v,
		    uint16_t len, void *ctx)
{
	const unsigned char *d;
	size_t n;

	(void)ctx;
	if (code == PCAPNG_OPT_COMMENT) {
		n = len < sizeof(r->comment) - 1 ? len : sizeof(r->comment) - 1;
		memcpy(r->comment, v, n);
		r->comment[n] = 0;
		return;
	}
	switch (nflx(r, code, v, len, 0, &d, &n)) {
	case NFLX_OPT_DUMPTIME:
		if (n >= 8)
			r->dumptime = (int64_t)get_le64(d);
		break;
	case NFLX_OPT_VERSION:
		if (n >= 4)
			r->version = get_le32(d);
		break;
	case NFLX_OPT_DUMPINFO:
		if (n >= FBSD_HEADER_LEN) {
			memcpy(r->dumpinfo, d, FBSD_HEADER_LEN);
			r->have_dumpinfo = 1;
			r->offset_us = get_le64(d + 56) * 1000000u +
				       get_le64(d + 64);
		}
		break;
	case NFLX_OPT_STACKNAME:
		if (n >= 1) {
			size_t k = n - 1 < sizeof(r->stack) - 1 ? n - 1 :
				   sizeof(r->stack) - 1;

			r->stack_id = d[0];
			memcpy(r->stack, d + 1, k);
			r->stack[k] = 0;
		}
		break;
	default:
		break;
	}
}

struct rec_ctx {
	struct bblog_pr_item *it;
	int le;
};

static void rec_opt(struct bblog_pr *r, uint16_t code, const unsigned char *v,
		    uint16_t len, void *ctx)
{
	struct rec_ctx *c = ctx;
	const unsigned char *d;
	size_t n;

	if (!c->le && code == PCAPNG_EPB_FLAGS && len >= 4) {
		c->it->direction = g32(r, v) & 3;
		return;
	}
	if (code == PCAPNG_OPT_COMMENT) {
		size_t k = len < sizeof(c->it->comment) - 1 ? len :
			   sizeof(c->it->comment) - 1;

		memcpy(c->it->comment, v, k);
		c->it->comment[k] = 0;
		return;
	}
	if (nflx(r, code, v, len, c->le, &d, &n) == NFLX_OPT_TCPINFO &&
	    n >= FBSD_TCPINFO_LEN) {
		memcpy(c->it->rec, d, FBSD_TCPINFO_LEN);
		c->it->have_rec = 1;
	}
}

/* The SACK blocks among the options of the TCP header @th (@len bytes there). */
static void decode_sack(struct bblog_pr_item *it, const unsigned char *th, size_t len)
{
	size_t hl = (size_t)(th[12] >> 4) * 4, o = 20;

	if (hl > len)
		hl = len;
	while (o < hl) {
		unsigned kind = th[o], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			o++;
			continue;
		}
		if (o + 1 >= hl || (olen = th[o + 1]) < 2 || o + olen > hl)
			break;
		if (kind == 5) {
			unsigned i;

			for (i = 0; i < (olen - 2) / 8 && it->nsack < 4; i++, it->nsack++) {
				it->sack[it->nsack][0] = get_be32(th + o + 2 + 8 * i);
				it->sack[it->nsack][1] = get_be32(th + o + 6 + 8 * i);
			}
		}
		o += olen;
	}
}

static void decode_packet(struct bblog_pr *r, struct bblog_pr_item *it,
			  const unsigned char *p, uint32_t caplen)
{
	uint32_t fam;
	unsigned ihl;
	const unsigned char *th;

	if (r->linktype != PCAPNG_LINKTYPE_NULL || caplen < 4)
		return;
	memcpy(&fam, p, 4);
	if (fam > 0xffff)
		fam = bswap32(fam);
	p += 4;
	caplen -= 4;
	if (fam == 2 && caplen >= 20 && (p[0] >> 4) == 4) {
		ihl = (p[0] & 0xf) * 4u;
		if (ihl < 20 || p[9] != 6)
			return;
		it->af = 4;
		memcpy(it->src, p + 12, 4);
		memcpy(it->dst, p + 16, 4);
	} else if ((fam == 24 || fam == 28 || fam == 30 || fam == 10) &&
		   caplen >= 40 && (p[0] >> 4) == 6) {
		ihl = 40;
		if (p[6] != 6)
			return;
		it->af = 6;
		memcpy(it->src, p + 8, 16);
		memcpy(it->dst, p + 24, 16);
	} else {
		return;
	}
	if (caplen < ihl + 20)
		return;
	th = p + ihl;
	it->sport = get_be16(th);
	it->dport = get_be16(th + 2);
	it->seq = get_be32(th + 4);
	it->ack = get_be32(th + 8);
	it->thflags = th[13];
	it->win = get_be16(th + 14);
	it->have_tcp = 1;
	decode_sack(it, th, caplen - ihl);
}

static uint64_t rec_time(const struct bblog_pr *r, const unsigned char *rec)
{
	return r->offset_us + get_le64(rec + TLB_TV_SEC) * 1000000u +
	       get_le64(rec + TLB_TV_USEC);
}

int bblog_pr_next(struct bblog_pr *r, struct bblog_pr_item *it)
{
	for (;;) {
		const unsigned char *b;
		uint32_t type, blen;
		struct rec_ctx c;

		if (r->off == r->len)
			return 0;
		if (r->len - r->off < 12)
			return fail(r, "truncated block");
		b = r->p + r->off;
		memcpy(&type, b, 4);
		if (type == PCAPNG_SHB) {
			uint32_t bom;

			memcpy(&bom, b + 8, 4);
			if (bom == PCAPNG_BOM)
				r->swap = 0;
			else if (bom == bswap32(PCAPNG_BOM))
				r->swap = 1;
			else
				return fail(r, "bad byte-order magic");
		} else if (!r->have_shb) {
			return fail(r, "not a pcapng file (no section header)");
		}
		type = g32(r, b);
		blen = g32(r, b + 4);
		if (blen < 12 || (blen & 3) || blen > r->len - r->off)
			return fail(r, "bad block length");
		if (g32(r, b + blen - 4) != blen)
			return fail(r, "block trailer length mismatch");
		r->off += blen;
		r->blocks++;
		memset(it, 0, sizeof(*it));
		c.it = it;
		switch (type) {
		case PCAPNG_SHB:
			if (blen < 28)
				return fail(r, "short section header");
			r->have_shb = 1;
			r->have_dumpinfo = 0;
			r->offset_us = 0;
			r->dumptime = 0;
			r->comment[0] = 0;
			r->have_idb = 0;
			walk_opts(r, b + 24, b + blen - 4, 0, shb_opt, NULL);
			break;
		case PCAPNG_IDB:
			if (blen < 20)
				return fail(r, "short interface block");
			if (!r->have_idb)
				r->linktype = g16(r, b + 8);
			r->have_idb = 1;
			break;
		case PCAPNG_EPB: {
			uint32_t caplen, padded;

			if (blen < 32)
				return fail(r, "short packet block");
			caplen = g32(r, b + 20);
			padded = (caplen + 3u) & ~3u;
			if (caplen > blen - 32 || padded > blen - 32)
				return fail(r, "packet block captured length too large");
			it->kind = BBLOG_PR_RECORD;
			it->packet = 1;
			it->ts_us = ((uint64_t)g32(r, b + 12) << 32) | g32(r, b + 16);
			c.le = 0;
			walk_opts(r, b + 28 + padded, b + blen - 4, 0, rec_opt, &c);
			decode_packet(r, it, b + 28, caplen);
			return 1;
		}
		case PCAPNG_CB:
		case 0x40000BADu: {
			uint32_t ntype;

			if (blen < 20 || g32(r, b + 8) != BBLOG_PEN_NFLX)
				break;	/* someone else's custom block */
			ntype = get_le32(b + 12);
			if (ntype == NFLX_SKIPPED_BLOCK) {
				if (blen < 24)
					return fail(r, "short skipped block");
				it->kind = BBLOG_PR_SKIPPED;
				it->skipped = get_le32(b + 16);
				return 1;
			}
			if (ntype != NFLX_EVENT_BLOCK)
				break;
			it->kind = BBLOG_PR_RECORD;
			c.le = 1;
			walk_opts(r, b + 16, b + blen - 4, 1, rec_opt, &c);
			if (!it->have_rec)
				return fail(r, "event block without TCPINFO");
			it->ts_us = rec_time(r, it->rec);
			return 1;
		}
		default:
			break;
		}
	}
}

size_t bblog_pr_prefix(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct bblog_pr r;
	size_t off = 0;

	memset(&r, 0, sizeof(r));
	while (len - off >= 12) {
		const unsigned char *b = p + off;
		uint32_t type, blen, bom;

		memcpy(&type, b, 4);
		if (type == PCAPNG_SHB) {
			memcpy(&bom, b + 8, 4);
			if (bom == PCAPNG_BOM)
				r.swap = 0;
			else if (bom == bswap32(PCAPNG_BOM))
				r.swap = 1;
			else
				break;
		} else if (!off) {
			break;		/* a file starts with a section header */
		}
		blen = g32(&r, b + 4);
		if (blen < 12 || (blen & 3) || blen > len - off ||
		    (type == PCAPNG_SHB && blen < 28) ||
		    g32(&r, b + blen - 4) != blen)
			break;
		off += blen;
	}
	return off;
}

int bblog_pr_xz_prefix(const void *buf, size_t len, size_t *in_len,
		       unsigned char **outp, size_t *out_len)
{
	const unsigned char *p = buf;
	unsigned char *out = NULL;
	size_t pos = 0, olen = 0, cap = 0;

	*in_len = 0;
	*outp = NULL;
	*out_len = 0;
	while (pos < len) {
		lzma_stream zs = LZMA_STREAM_INIT;
		size_t end = olen;
		lzma_ret ret;

		/* one stream: no LZMA_CONCATENATED */
		if (lzma_stream_decoder(&zs, UINT64_MAX, 0) != LZMA_OK) {
			free(out);
			errno = ENOMEM;
			return -1;
		}
		zs.next_in = p + pos;
		zs.avail_in = len - pos;
		do {
			if (cap - end < 65536) {
				size_t ncap = cap ? cap * 2 : 1 << 17;
				unsigned char *nb;

				if (ncap > MAX_FILE) {
					lzma_end(&zs);
					goto done;
				}
				nb = realloc(out, ncap);
				if (!nb) {
					lzma_end(&zs);
					free(out);
					errno = ENOMEM;
					return -1;
				}
				out = nb;
				cap = ncap;
			}
			zs.next_out = out + end;
			zs.avail_out = cap - end;
			ret = lzma_code(&zs, LZMA_FINISH);
			end = cap - zs.avail_out;
		} while (ret == LZMA_OK);
		lzma_end(&zs);
		/* a whole stream, ending where a pcapng block ends */
		if (ret != LZMA_STREAM_END || bblog_pr_prefix(out, end) != end)
			break;
		pos = len - zs.avail_in;
		olen = end;
	}
done:
	*in_len = pos;
	*outp = out;
	*out_len = olen;
	return 0;
}

int bblog_pr_load(const char *path, unsigned char **bufp, size_t *lenp,
		  char *err, size_t errlen)
{
	static const unsigned char xzmagic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	unsigned char *buf = NULL, *out = NULL;
	size_t len = 0, cap = 0;
	int fd, e;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			unsigned char *nb;

			if (cap >= MAX_FILE) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd)
		close(fd);
	fd = -1;
	if (len >= 6 && !memcmp(buf, xzmagic, 6)) {
		lzma_stream zs = LZMA_STREAM_INIT;
		size_t ocap = len * 4 + 65536, olen = 0;
		lzma_ret ret;

		if (lzma_stream_decoder(&zs, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			errno = ENOMEM;
			goto fail;
		}
		zs.next_in = buf;
		zs.avail_in = len;
		do {
			unsigned char *nb;

			if (ocap - olen < 65536) {
				if (ocap >= MAX_FILE) {
					lzma_end(&zs);
					errno = EFBIG;
					goto fail;
				}
				ocap *= 2;
			}
			nb = realloc(out, ocap);
			if (!nb) {
				lzma_end(&zs);
				goto fail;
			}
			out = nb;
			zs.next_out = out + olen;
			zs.avail_out = ocap - olen;
			ret = lzma_code(&zs, LZMA_FINISH);
			olen = ocap - zs.avail_out;
		} while (ret == LZMA_OK);
		lzma_end(&zs);
		if (ret != LZMA_STREAM_END) {
			snprintf(err, errlen, "%s: xz data corrupt (%d)", path, (int)ret);
			free(buf);
			free(out);
			errno = EINVAL;
			return -1;
		}
		free(buf);
		buf = out;
		len = olen;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	e = errno;
	snprintf(err, errlen, "%s: %s", path, strerror(e));
	if (fd > 0)
		close(fd);
	free(buf);
	free(out);
	errno = e;
	return -1;
}
