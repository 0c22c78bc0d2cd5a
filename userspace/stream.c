// SPDX-License-Identifier: GPL-2.0
/* Parser of the /dev/tcp_bblog message stream.  See stream.h. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#define HDR_LEN  ((uint64_t)sizeof(struct bblog_msg_hdr))
#define DUMP_LEN ((uint64_t)sizeof(struct bblog_dump))
#define DUMP_V1  ((uint64_t)BBLOG_DUMP_V1_SIZE)
/* Largest dump header accepted: headers only grow at the end. */
#define DUMP_MAX 4096u
/* Smallest record stride: version 1's; the fields it lacks read as 0. */
#define REC_LEN  ((uint64_t)BBLOG_RECORD_V1_SIZE)
/* Largest record stride accepted: records only grow at the end. */
#define REC_MAX  65536u

_Static_assert(sizeof(struct bblog_msg_hdr) == 16, "msg hdr size");
_Static_assert(sizeof(struct bblog_dump) == 304, "dump size");
_Static_assert(sizeof(struct bblog_record) == 288, "record size");

static void read_hdr(const unsigned char *p, struct bblog_msg_hdr *h)
{
	memcpy(h, p, sizeof(*h));
}

/* The size of the dump header at p (at least DUMP_V1 bytes there). */
static uint64_t dump_hdr_size(const unsigned char *p)
{
	uint16_t hs;

	memcpy(&hs, p + offsetof(struct bblog_dump, header_size), sizeof(hs));
	return hs ? hs : DUMP_V1;
}

/*
 * Is p the start of a valid dump (resynchronisation)?  1 yes, 0 no,
 * -1 cannot tell yet (fewer than a dump header's bytes available).
 */
static int plausible_dump(const unsigned char *p, size_t avail)
{
	struct bblog_msg_hdr h;
	struct bblog_dump d;

	if (avail < HDR_LEN)
		return -1;
	uint64_t hs;

	read_hdr(p, &h);
	if (h.version < 1 || h.version > BBLOG_VERSION || h.type != BBLOG_MSG_DUMP ||
	    h.length < DUMP_V1 || h.length > BBLOG_MSG_MAX)
		return 0;
	if (avail < DUMP_V1)
		return -1;
	hs = dump_hdr_size(p);
	if (hs < DUMP_V1 || hs > DUMP_MAX || h.length < hs)
		return 0;
	memcpy(&d, p, DUMP_V1);
	if (d.record_size < REC_LEN || d.record_size > REC_MAX)
		return 0;
	return h.length == hs + (uint64_t)d.nrecords * d.record_size;
}

/* Bytes at the start of p[0..len) that cannot start a dump. */
static size_t scan_resync(const unsigned char *p, size_t len, size_t from)
{
	size_t k;

	for (k = from; k < len; k++)
		if (plausible_dump(p + k, len - k) != 0)
			break;
	return k;
}

__attribute__((format(printf, 3, 4)))
static void corrupt(struct bblog_msg *m, uint64_t skip, const char *fmt, ...)
{
	va_list ap;

	m->kind = BBLOG_MSGK_CORRUPT;
	m->length = skip;
	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
}

/*
 * The length field cannot be trusted: skip to the next plausible dump
 * header, or to the bytes that could still start one.
 */
static int resync(const unsigned char *p, size_t len, struct bblog_msg *m,
		  const char *why, unsigned long long val)
{
	size_t k = scan_resync(p, len, 1);

	corrupt(m, k, "%s (%llu)", why, val);
	m->resync = 1;
	return 1;
}

int bblog_msg_parse(const void *buf, size_t len, struct bblog_msg *m)
{
	const unsigned char *p = buf;
	struct bblog_msg_hdr h;
	uint64_t want, hs;

	memset(m, 0, sizeof(*m));
	if (len < HDR_LEN) {
		m->length = HDR_LEN;
		return 0;
	}
	read_hdr(p, &h);
	m->version = h.version;
	m->type = h.type;
	m->data = p;
	if (h.length < HDR_LEN)
		return resync(p, len, m, "message length shorter than its header",
			      (unsigned long long)h.length);
	if (h.length > BBLOG_MSG_MAX)
		return resync(p, len, m, "message length above BBLOG_MSG_MAX",
			      (unsigned long long)h.length);
	if (h.version == 0)
		return resync(p, len, m, "message version 0", 0);
	if (len < h.length) {
		m->length = h.length;
		return 0;
	}
	m->length = h.length;
	if (h.type == BBLOG_MSG_LOST) {
		if (h.length < sizeof(struct bblog_lost)) {
			corrupt(m, h.length, "lost message of %llu bytes, shorter than %zu",
				(unsigned long long)h.length, sizeof(struct bblog_lost));
			return 1;
		}
		memcpy(&m->lost, p, sizeof(m->lost));
		m->kind = BBLOG_MSGK_LOST;
		return 1;
	}
	if (h.type != BBLOG_MSG_DUMP) {
		m->kind = BBLOG_MSGK_UNKNOWN;
		return 1;
	}
	if (h.length < DUMP_V1) {
		corrupt(m, h.length, "dump message of %llu bytes, shorter than the %llu-byte dump header",
			(unsigned long long)h.length, (unsigned long long)DUMP_V1);
		return 1;
	}
	hs = dump_hdr_size(p);
	if (hs < DUMP_V1 || hs > DUMP_MAX || h.length < hs) {
		corrupt(m, h.length, "dump header_size %llu outside %llu..%u or beyond its message",
			(unsigned long long)hs, (unsigned long long)DUMP_V1, DUMP_MAX);
		return 1;
	}
	/* what the header has of the fields known here; the rest stays 0 */
	memcpy(&m->dump, p, hs < DUMP_LEN ? hs : DUMP_LEN);
	m->dump.header_size = (uint16_t)hs;
	if (m->dump.record_size < REC_LEN || m->dump.record_size > REC_MAX) {
		corrupt(m, h.length, "dump record_size %u outside %u..%u",
			m->dump.record_size, BBLOG_RECORD_V1_SIZE, REC_MAX);
		return 1;
	}
	want = hs + (uint64_t)m->dump.nrecords * m->dump.record_size;
	if (want != h.length) {
		corrupt(m, h.length, "dump length %llu does not match its records (%llu)",
			(unsigned long long)h.length, (unsigned long long)want);
		return 1;
	}
	if (m->dump.family != 2 && m->dump.family != 10) {
		corrupt(m, h.length, "dump address family %u unknown",
			m->dump.family);
		return 1;
	}
	if ((m->dump.family == 10) != !!(m->dump.flags & BBLOG_DF_IPV6)) {
		corrupt(m, h.length, "dump family %u disagrees with flags 0x%x",
			m->dump.family, m->dump.flags);
		return 1;
	}
	m->kind = BBLOG_MSGK_DUMP;
	m->records = p + hs;
	return 1;
}

void bblog_msg_record(const struct bblog_msg *m, uint32_t i,
		      struct bblog_record *r)
{
	size_t n = m->dump.record_size < sizeof(*r) ? m->dump.record_size : sizeof(*r);

	memcpy(r, m->records + (size_t)i * m->dump.record_size, n);
	memset((unsigned char *)r + n, 0, sizeof(*r) - n);
}

const struct bblog_record *bblog_msg_record_at(const struct bblog_msg *m,
					       uint32_t i)
{
	const unsigned char *p = m->records + (size_t)i * m->dump.record_size;

	if (m->dump.record_size != sizeof(struct bblog_record) ||
	    (uintptr_t)p % _Alignof(struct bblog_record))
		return NULL;
	return (const struct bblog_record *)(const void *)p;
}

void bblog_stream_init(struct bblog_stream *s)
{
	memset(s, 0, sizeof(*s));
}

void bblog_stream_destroy(struct bblog_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

int bblog_stream_feed(struct bblog_stream *s, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (s->lent && bblog_stream_keep(s) < 0)
		return -1;
	if (s->start > 0 && s->start == s->end) {
		s->start = s->end = 0;
	}
	if (s->cap - s->end < n && s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->cap - s->end < n) {
		size_t ncap = s->cap ? s->cap : 65536;
		unsigned char *nb;

		while (ncap - s->end < n) {
			if (ncap > SIZE_MAX / 2) {
				errno = ENOMEM;
				return -1;
			}
			ncap *= 2;
		}
		nb = realloc(s->buf, ncap);
		if (!nb)
			return -1;
		s->buf = nb;
		s->cap = ncap;
	}
	memcpy(s->buf + s->end, p, n);
	s->end += n;
	return 0;
}

int bblog_stream_lend(struct bblog_stream *s, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (s->lent || s->start != s->end)
		return bblog_stream_feed(s, p, n);
	s->lent = p;
	s->start = 0;
	s->end = n;
	return 0;
}

int bblog_stream_keep(struct bblog_stream *s)
{
	const unsigned char *p = s->lent;
	size_t from = s->start, left = s->end - s->start;

	if (!p)
		return 0;
	s->lent = NULL;
	s->start = s->end = 0;
	return bblog_stream_feed(s, p + from, left);
}

static void consume(struct bblog_stream *s, size_t n)
{
	s->start += n;
	s->offset += n;
}

int bblog_stream_next(struct bblog_stream *s, struct bblog_msg *m)
{
	for (;;) {
		const unsigned char *p = s->lent ? s->lent + s->start :
				       s->buf ? s->buf + s->start :
				       (const unsigned char *)"";
		size_t avail = s->end - s->start, k;

		if (!s->resyncing) {
			if (bblog_msg_parse(p, avail, m) == 0) {
				m->offset = s->offset;
				return 0;
			}
			m->offset = s->offset;
			if (!m->resync) {
				consume(s, (size_t)m->length);
				return 1;
			}
			/* untrusted length: scan, whatever the chunking */
			s->resyncing = 1;
			s->skip_offset = s->offset;
			s->skipped = 1;
			snprintf(s->why, sizeof(s->why), "%.100s", m->error);
			consume(s, 1);
			continue;
		}
		k = scan_resync(p, avail, 0);
		consume(s, k);
		s->skipped += k;
		if (k == avail || plausible_dump(p + k, avail - k) < 0)
			return 0;	/* need more bytes to decide */
		s->resyncing = 0;
		memset(m, 0, sizeof(*m));
		m->kind = BBLOG_MSGK_CORRUPT;
		m->resync = 1;
		m->length = s->skipped;
		m->offset = s->skip_offset;
		snprintf(m->error, sizeof(m->error),
			 "%s; skipped %llu bytes to resynchronise", s->why,
			 (unsigned long long)s->skipped);
		return 1;
	}
}

size_t bblog_stream_pending(const struct bblog_stream *s)
{
	return s->end - s->start;
}

int bblog_stream_eof(struct bblog_stream *s, struct bblog_msg *m)
{
	size_t left = s->end - s->start;

	memset(m, 0, sizeof(*m));
	if (!s->resyncing && !left)
		return 0;
	m->kind = BBLOG_MSGK_CORRUPT;
	if (s->resyncing) {
		m->offset = s->skip_offset;
		m->length = s->skipped + left;
		snprintf(m->error, sizeof(m->error),
			 "%s; skipped %llu bytes to the end of the input",
			 s->why, (unsigned long long)m->length);
	} else {
		m->offset = s->offset;
		m->length = left;
		snprintf(m->error, sizeof(m->error),
			 "truncated message at end of input (%zu bytes)", left);
	}
	consume(s, left);
	s->resyncing = 0;
	s->skipped = 0;
	return 1;
}
