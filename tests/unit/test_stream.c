// SPDX-License-Identifier: GPL-2.0
/* Tests of the device-stream parser (userspace/stream.c). */
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "stream.h"
#include "tap.h"
#include "tests.h"

/* Kinds and lengths of every message parsed from a stream fed in chunks. */
struct seen {
	int kind[64];
	uint64_t len[64];
	uint32_t nrec[64];
	uint32_t sn0[64];
	uint64_t off[64];
	int n;
	size_t pending;
};

/*
 * lend: each chunk lent (bblog_stream_lend()) from a copy that is
 * overwritten once the stream kept what it needs (bblog_stream_keep()), as
 * bblog record lends its read buffer.
 */
static void parse_chunked_as(const unsigned char *p, size_t len, size_t chunk,
			     struct seen *s, int lend)
{
	struct bblog_stream st;
	struct bblog_msg m;
	size_t off = 0;

	memset(s, 0, sizeof(*s));
	bblog_stream_init(&st);
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		unsigned char *copy = NULL;

		if (lend) {
			copy = malloc(n);
			CHECK(copy != NULL);
			if (!copy)
				break;
			memcpy(copy, p + off, n);
			CHECK(bblog_stream_lend(&st, copy, n) == 0);
		} else {
			CHECK(bblog_stream_feed(&st, p + off, n) == 0);
		}
		off += n;
		while (bblog_stream_next(&st, &m) == 1 && s->n < 64) {
			struct bblog_record r;

			s->kind[s->n] = m.kind;
			s->len[s->n] = m.length;
			s->off[s->n] = m.offset;
			if (m.kind == BBLOG_MSGK_DUMP) {
				s->nrec[s->n] = m.dump.nrecords;
				if (m.dump.nrecords) {
					bblog_msg_record(&m, 0, &r);
					s->sn0[s->n] = r.sn;
				}
			}
			s->n++;
		}
		if (copy) {
			CHECK(bblog_stream_keep(&st) == 0);
			memset(copy, 0xa5, n);
			free(copy);
		}
	}
	s->pending = bblog_stream_pending(&st);
	bblog_stream_destroy(&st);
}

static void parse_chunked(const unsigned char *p, size_t len, size_t chunk,
			  struct seen *s)
{
	parse_chunked_as(p, len, chunk, s, 0);
}

static void build_all(struct gbuf *b)
{
	struct golden g, c[3];

	golden_v4(b, &g);
	golden_unknown(b);
	golden_v6(b, &g);
	golden_cont(b, c);
}

static void t_stream_golden(void)
{
	struct gbuf b = { 0 };
	struct seen s;

	build_all(&b);
	parse_chunked(b.p, b.len, b.len, &s);
	CHECK_EQ(s.n, 6);
	CHECK_EQ(s.kind[0], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.nrec[0], 9);
	CHECK_EQ(s.sn0[0], 10);
	CHECK_EQ(s.len[0], sizeof(struct bblog_dump) + 9 * sizeof(struct bblog_record));
	CHECK_EQ(s.kind[1], BBLOG_MSGK_UNKNOWN);
	CHECK_EQ(s.len[1], 40);
	CHECK_EQ(s.kind[2], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.nrec[2], 5);
	CHECK_EQ(s.kind[5], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.sn0[5], 10);
	CHECK_EQ(s.pending, 0);
	seed("fuzz_stream", "golden-all", b.p, b.len);
	gbuf_free(&b);
}

static void t_stream_chunks(void)
{
	struct gbuf b = { 0 };
	struct seen whole, s;
	static const size_t chunks[] = { 1, 3, 7, 16, 255, 4096 };
	size_t i, n;
	int k, lend;

	build_all(&b);
	parse_chunked(b.p, b.len, b.len, &whole);
	/* lent: read in place (whole reads, as the device gives), or kept */
	for (lend = 0; lend < 2; lend++)
	for (i = 0; i <= sizeof(chunks) / sizeof(chunks[0]); i++) {
		n = i < sizeof(chunks) / sizeof(chunks[0]) ? chunks[i] : b.len;
		parse_chunked_as(b.p, b.len, n, &s, lend);
		CHECKF(s.n == whole.n, "chunk %zu%s: %d messages, want %d", n,
		       lend ? " lent" : "", s.n, whole.n);
		for (k = 0; k < whole.n && k < s.n; k++) {
			CHECK_EQ(s.kind[k], whole.kind[k]);
			CHECK_EQ(s.len[k], whole.len[k]);
			CHECK_EQ(s.sn0[k], whole.sn0[k]);
			CHECK_EQ(s.off[k], whole.off[k]);
		}
		CHECK_EQ(s.pending, 0);
	}
	gbuf_free(&b);
}

static void t_stream_truncated(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	struct seen s;
	size_t cut;

	golden_v4(&b, &g);
	golden_v6(&b, &g);
	/* every truncation point gives whole messages, then pending bytes */
	for (cut = 0; cut < b.len; cut += 37) {
		parse_chunked(b.p, cut, 101, &s);
		CHECK(s.n <= 1);
		if (s.n == 1) {
			CHECK_EQ(s.kind[0], BBLOG_MSGK_DUMP);
			CHECK_EQ(s.pending, cut - s.len[0]);
		} else {
			CHECK_EQ(s.pending, cut);
		}
	}
	seed("fuzz_stream", "truncated", b.p, b.len - 100);
	gbuf_free(&b);
}

static void expect_same_chunked(const struct gbuf *b, const struct seen *whole)
{
	static const size_t chunks[] = { 1, 7, 300 };
	struct seen t;
	size_t c;
	int i, lend;

	for (lend = 0; lend < 2; lend++)
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		parse_chunked_as(b->p, b->len, chunks[c], &t, lend);
		CHECKF(t.n == whole->n, "chunk %zu%s: %d messages, want %d", chunks[c],
		       lend ? " lent" : "", t.n, whole->n);
		for (i = 0; i < whole->n && i < t.n; i++) {
			CHECK_EQ(t.kind[i], whole->kind[i]);
			CHECK_EQ(t.len[i], whole->len[i]);
			CHECK_EQ(t.off[i], whole->off[i]);
		}
	}
}

/* Corrupt messages with a trustworthy length are skipped by their length. */
static void t_stream_corrupt(void)
{
	struct gbuf b = { 0 };
	struct bblog_dump d;
	struct bblog_record r[2];
	struct bblog_msg_hdr h = { 1, 1, 100 };
	struct golden g;
	struct seen s;
	unsigned char junk[100];

	memset(junk, 0x5a, sizeof(junk));
	gen_record(&r[0], 0, BBLOG_EV_OUT);
	gen_record(&r[1], 1, BBLOG_EV_OUT);
	/* 1: record_size below 256 */
	gen_dump(&d, 0, 1, "x", 0, 0);
	d.record_size = 100;
	d.nrecords = 1;
	d.hdr.length = sizeof(d) + 100;
	gbuf_add(&b, &d, sizeof(d));
	gbuf_add(&b, r, 100);
	/* 2: length not matching nrecords * record_size */
	gen_dump(&d, 0, 2, "x", 0, 0);
	d.nrecords = 2;
	d.hdr.length = sizeof(d) + sizeof(r[0]);
	gbuf_add(&b, &d, sizeof(d));
	gbuf_add(&b, r, sizeof(r[0]));
	/* 3: dump shorter than a dump header */
	gbuf_add(&b, &h, sizeof(h));
	gbuf_add(&b, junk, 84);
	/* 4: family and flags disagree */
	gen_dump(&d, 0, 3, "x", 0, BBLOG_DF_IPV6);
	gen_msg(&b, &d, r, 1);
	/* 5: a good one */
	golden_v4(&b, &g);

	parse_chunked(b.p, b.len, b.len, &s);
	CHECK_EQ(s.n, 5);
	CHECK_EQ(s.kind[0], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[0], sizeof(d) + 100);
	CHECK_EQ(s.kind[1], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[1], sizeof(d) + sizeof(r[0]));
	CHECK_EQ(s.kind[2], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[2], 100);
	CHECK_EQ(s.kind[3], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[3], sizeof(d) + sizeof(r[0]));
	CHECK_EQ(s.kind[4], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.nrec[4], 9);
	CHECK_EQ(s.pending, 0);
	expect_same_chunked(&b, &s);
	write_file(path_in_tmp("corrupt.raw"), b.p, b.len);
	seed("fuzz_stream", "corrupt-framed", b.p, b.len);
	gbuf_free(&b);
}

/* Untrusted lengths: scan to the next valid dump, whatever the chunking. */
static void t_stream_resync(void)
{
	struct gbuf b = { 0 }, all = { 0 };
	struct bblog_msg_hdr h = { 1, 1, 3 };
	struct golden g;
	struct seen s;
	unsigned char junk[100];
	size_t n;

	memset(junk, 0x5a, sizeof(junk));
	/* 1: length shorter than the header, then junk */
	gbuf_add(&b, &h, sizeof(h));
	gbuf_add(&b, junk, sizeof(junk));
	/* 2: a good one */
	golden_v4(&b, &g);
	/* 3: huge length; 4: a good one after it */
	h.length = 1ull << 62;
	gbuf_add(&b, &h, sizeof(h));
	golden_v6(&b, &g);
	/* 5: version 0 */
	h.version = 0;
	h.length = 16;
	gbuf_add(&b, &h, sizeof(h));
	golden_v6(&b, &g);

	parse_chunked(b.p, b.len, b.len, &s);
	CHECK_EQ(s.n, 6);
	CHECK_EQ(s.kind[0], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[0], 116);
	CHECK_EQ(s.kind[1], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.nrec[1], 9);
	CHECK_EQ(s.kind[2], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.len[2], 16);
	CHECK_EQ(s.kind[3], BBLOG_MSGK_DUMP);
	CHECK_EQ(s.nrec[3], 5);
	CHECK_EQ(s.kind[4], BBLOG_MSGK_CORRUPT);
	CHECK_EQ(s.kind[5], BBLOG_MSGK_DUMP);
	expect_same_chunked(&b, &s);
	seed("fuzz_stream", "resync", b.p, b.len);
	/* junk at the end: reported by bblog_stream_eof */
	n = b.len;
	gbuf_add(&b, &h, sizeof(h));
	gbuf_add(&b, junk, 50);
	{
		struct bblog_stream st;
		struct bblog_msg m;
		int msgs = 0;

		bblog_stream_init(&st);
		bblog_stream_feed(&st, b.p, b.len);
		while (bblog_stream_next(&st, &m) == 1)
			msgs++;
		CHECK_EQ(msgs, 6);
		CHECK(bblog_stream_eof(&st, &m) == 1);
		CHECK_EQ(m.kind, BBLOG_MSGK_CORRUPT);
		CHECK_EQ(m.offset, n);
		CHECK_EQ(m.length, 66);
		CHECK(bblog_stream_eof(&st, &m) == 0);
		bblog_stream_destroy(&st);
	}
	/* whole file for the CLI tests: framed corruption, then this */
	{
		size_t len;
		unsigned char *p = read_file(path_in_tmp("corrupt.raw"), &len);

		gbuf_add(&all, p, len);
		gbuf_add(&all, b.p, n);
		write_file(path_in_tmp("corrupt.raw"), all.p, all.len);
		free(p);
	}
	gbuf_free(&all);
	gbuf_free(&b);
}

static void t_stream_bigger_records(void)
{
	struct gbuf b = { 0 };
	struct bblog_dump d;
	struct bblog_record r;
	struct bblog_stream st;
	struct bblog_msg m;
	unsigned char rec[320];
	int i;

	/* a future version with 320-byte records: the first 288 bytes are read */
	gen_dump(&d, 0, 5, "future", 0, 0);
	d.hdr.version = BBLOG_VERSION + 1;
	d.record_size = sizeof(rec);
	d.nrecords = 3;
	d.hdr.length = sizeof(d) + 3 * sizeof(rec);
	gbuf_add(&b, &d, sizeof(d));
	for (i = 0; i < 3; i++) {
		gen_record(&r, 100 + (uint32_t)i, BBLOG_EV_OUT);
		memset(rec, 0xee, sizeof(rec));
		memcpy(rec, &r, sizeof(r));
		gbuf_add(&b, rec, sizeof(rec));
	}
	bblog_stream_init(&st);
	bblog_stream_feed(&st, b.p, b.len);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_DUMP);
	if (m.kind == BBLOG_MSGK_DUMP) {
		for (i = 0; i < 3; i++) {
			bblog_msg_record(&m, (uint32_t)i, &r);
			CHECK_EQ(r.sn, 100 + i);
			CHECK_EQ(r.window_clamp, 70000 + 100 + i);
			CHECK_EQ(r.sndbuf_limited_ms, ((struct bblog_record *)rec)->sndbuf_limited_ms);
		}
	}
	CHECK(bblog_stream_next(&st, &m) == 0);
	bblog_stream_destroy(&st);
	gbuf_free(&b);
}

/* Version 1: 256-byte records; what version 2 added reads as 0. */
static void t_stream_v1_records(void)
{
	struct gbuf b = { 0 };
	struct bblog_dump d;
	struct bblog_record r;
	struct bblog_stream st;
	struct bblog_msg m;
	int i;

	gen_dump(&d, 0, 6, "old", 0, 0);
	d.hdr.version = 1;
	d.record_size = BBLOG_RECORD_V1_SIZE;
	d.nrecords = 3;
	d.hdr.length = sizeof(d) + 3 * BBLOG_RECORD_V1_SIZE;
	gbuf_add(&b, &d, sizeof(d));
	for (i = 0; i < 3; i++) {
		gen_record(&r, 200 + (uint32_t)i, BBLOG_EV_OUT);
		/* bytes a writer of version 1 never wrote: not to be read */
		r.bytes_sent = r.bytes_retrans = 77;
		r.reord_seen = r.busy_ms = r.rwnd_limited_ms = r.sndbuf_limited_ms = 77;
		gbuf_add(&b, &r, BBLOG_RECORD_V1_SIZE);
	}
	bblog_stream_init(&st);
	bblog_stream_feed(&st, b.p, b.len);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_DUMP);
	CHECK_EQ(m.version, 1);
	if (m.kind == BBLOG_MSGK_DUMP) {
		for (i = 0; i < 3; i++) {
			memset(&r, 0xee, sizeof(r));
			bblog_msg_record(&m, (uint32_t)i, &r);
			CHECK_EQ(r.sn, 200 + i);
			CHECK_EQ(r.window_clamp, 70000 + 200 + i);
			CHECK_EQ(r.bytes_sent, 0);
			CHECK_EQ(r.bytes_retrans, 0);
			CHECK_EQ(r.reord_seen, 0);
			CHECK_EQ(r.busy_ms, 0);
			CHECK_EQ(r.rwnd_limited_ms, 0);
			CHECK_EQ(r.sndbuf_limited_ms, 0);
		}
	}
	CHECK(bblog_stream_next(&st, &m) == 0);
	bblog_stream_destroy(&st);
	gbuf_free(&b);
}

/* One dump of 2 records whose header is @hs bytes (0: the 272 of version 1). */
static void add_sized(struct gbuf *b, uint16_t hs, uint64_t cookie)
{
	unsigned char h[512];
	struct bblog_dump d;
	struct bblog_record r[2];
	size_t n = hs ? hs : BBLOG_DUMP_V1_SIZE;

	gen_dump(&d, 0, cookie, "sized", 0, 0);
	d.header_size = hs;
	d.cgroup = 77;
	d.owner_pid = 4321;
	d.owner_how = BBLOG_OWNER_ACCEPT;
	memcpy(d.owner_comm, "httpd", 6);
	d.nrecords = 2;
	d.hdr.length = n + sizeof(r);
	memset(h, 0xee, sizeof(h));
	memcpy(h, &d, n < sizeof(d) ? n : sizeof(d));
	gbuf_add(b, h, n);
	gen_record(&r[0], 7, BBLOG_EV_OUT);
	gen_record(&r[1], 8, BBLOG_EV_IN);
	gbuf_add(b, r, sizeof(r));
}

/*
 * header_size: 0 is a version-1 header (272 bytes, no owner: zeroes); a
 * larger one's unknown tail is skipped; one below 272 or beyond its message
 * is corrupt, skipped by its length.
 */
static void t_stream_header_size(void)
{
	struct gbuf b = { 0 };
	struct bblog_stream st;
	struct bblog_msg m;
	struct bblog_record r;
	int i;

	add_sized(&b, 0, 1);
	add_sized(&b, sizeof(struct bblog_dump), 2);
	add_sized(&b, 400, 3);
	add_sized(&b, 200, 4);
	add_sized(&b, 272, 5);
	bblog_stream_init(&st);
	bblog_stream_feed(&st, b.p, b.len);
	for (i = 0; i < 5; i++) {
		CHECK(bblog_stream_next(&st, &m) == 1);
		if (i == 3) {
			CHECK_EQ(m.kind, BBLOG_MSGK_CORRUPT);
			CHECK(strstr(m.error, "header_size 200") != NULL);
			CHECK_EQ(m.length, 200 + 2 * sizeof(r));
			continue;
		}
		CHECK_EQ(m.kind, BBLOG_MSGK_DUMP);
		if (m.kind != BBLOG_MSGK_DUMP)
			continue;
		CHECK_EQ(m.dump.cookie, (uint64_t)i + 1);
		CHECK_EQ(m.dump.header_size, i == 0 || i == 4 ? 272 : i == 1 ? 304 : 400);
		/* the owner: only where the header has it */
		CHECK_EQ(m.dump.owner_pid, i == 0 || i == 4 ? 0 : 4321);
		CHECK_EQ(m.dump.cgroup, i == 0 || i == 4 ? 0 : 77);
		CHECK_EQ(m.dump.owner_how, i == 0 || i == 4 ? 0 : BBLOG_OWNER_ACCEPT);
		CHECK(!strcmp(m.dump.owner_comm, i == 0 || i == 4 ? "" : "httpd"));
		bblog_msg_record(&m, 0, &r);
		CHECK_EQ(r.sn, 7);
		bblog_msg_record(&m, 1, &r);
		CHECK_EQ(r.sn, 8);
	}
	CHECK(bblog_stream_next(&st, &m) == 0);
	bblog_stream_destroy(&st);
	gbuf_free(&b);
}

/* LOST messages: totals parsed, a short one corrupt, a grown one accepted. */
static void t_stream_lost(void)
{
	struct bblog_lost l = { { BBLOG_VERSION, BBLOG_MSG_LOST, sizeof(l) }, 3, 120 };
	struct bblog_msg_hdr shorter = { BBLOG_VERSION, BBLOG_MSG_LOST, 16 };
	unsigned char tail[8] = { 0 };
	struct gbuf b = { 0 };
	struct golden g;
	struct bblog_stream st;
	struct bblog_msg m;

	gbuf_add(&b, &l, sizeof(l));
	gbuf_add(&b, &shorter, sizeof(shorter));
	l.hdr.length = sizeof(l) + sizeof(tail);
	gbuf_add(&b, &l, sizeof(l));
	gbuf_add(&b, tail, sizeof(tail));
	golden_v4(&b, &g);
	bblog_stream_init(&st);
	CHECK(bblog_stream_feed(&st, b.p, b.len) == 0);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_LOST);
	CHECK_EQ(m.lost.dumps, 3);
	CHECK_EQ(m.lost.records, 120);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_CORRUPT);
	CHECK_EQ(m.length, 16);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_LOST);
	CHECK_EQ(m.length, 40);
	CHECK(bblog_stream_next(&st, &m) == 1);
	CHECK_EQ(m.kind, BBLOG_MSGK_DUMP);
	CHECK(bblog_stream_next(&st, &m) == 0);
	bblog_stream_destroy(&st);
	seed("fuzz_stream", "lost", b.p, b.len);
	gbuf_free(&b);
}

void suite_stream(void)
{
	tap_run(t_stream_golden, "stream: golden stream gives dumps and an unknown type in order");
	tap_run(t_stream_chunks, "stream: same messages and offsets when fed or lent in 1, 3, 7, 16, 255, 4096-byte chunks or whole");
	tap_run(t_stream_truncated, "stream: truncated input leaves the partial message pending");
	tap_run(t_stream_corrupt, "stream: corrupt dumps (record_size, length, family) skipped by their length");
	tap_run(t_stream_resync, "stream: untrusted lengths resynchronise to the next dump in any chunking");
	tap_run(t_stream_bigger_records, "stream: larger record_size of a newer version is accepted");
	tap_run(t_stream_v1_records, "stream: version 1's 256-byte records are read, version 2's fields 0");
	tap_run(t_stream_header_size, "stream: header_size 0 (version 1), larger, and corrupt ones");
	tap_run(t_stream_lost, "stream: LOST messages parsed, short ones corrupt, grown ones accepted");
}
