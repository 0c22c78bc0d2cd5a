// SPDX-License-Identifier: GPL-2.0
/* Byte-level tests of the BBLog pcapng writer (userspace/pcapng.c). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "expect.h"
#include "gen.h"
#include "pcapng.h"
#include "stream.h"
#include "tap.h"
#include "tests.h"

#define DUMPTIME 1750000000

static uint32_t h32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t h16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* One's-complement sum of big-endian 16-bit words. */
static uint32_t csum_add(uint32_t s, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Write a whole golden set through the writer into memory. */
static unsigned char *write_golden(const struct golden *g, size_t *len)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	const unsigned char *data;
	unsigned char *copy;
	uint32_t i;

	CHECK(bblog_pcapng_open(&w, o, &g->dump, DUMPTIME, "bblog test", NULL) == 0);
	for (i = 0; i < g->n; i++)
		CHECK(bblog_pcapng_record(&w, &g->dump, &g->recs[i]) == 0);
	data = bblog_out_mem_data(o, len);
	copy = malloc(*len);
	memcpy(copy, data, *len);
	CHECK(bblog_pcapng_close(&w) == 0);
	return copy;
}

static void check_header(const unsigned char *h, const struct bblog_dump *d)
{
	int v6 = d->family == 10;
	static const unsigned char zero[16];

	CHECK_EQ(get_le32(h), 9);
	CHECK_EQ(get_le32(h + 4), 1);
	CHECK(!memcmp(h + 16, &d->fport, 2));
	CHECK(!memcmp(h + 18, &d->lport, 2));
	if (v6) {
		CHECK(!memcmp(h + 20, d->faddr, 16));
		CHECK(!memcmp(h + 36, d->laddr, 16));
	} else {
		CHECK(!memcmp(h + 20, zero, 12));
		CHECK(!memcmp(h + 32, d->faddr, 4));
		CHECK(!memcmp(h + 36, zero, 12));
		CHECK(!memcmp(h + 48, d->laddr, 4));
	}
	CHECK_EQ(get_le32(h + 52), 0);
	CHECK_EQ(get_le64(h + 56), 1700000000);
	CHECK_EQ(get_le64(h + 64), 500000);
	if (d->id[0]) {
		CHECK(!strncmp((const char *)h + 72, d->id, 64));
		CHECK(!strncmp((const char *)h + 168, d->tag, 32));
	} else {
		CHECK(!strcmp((const char *)h + 72, "UNKNOWN"));
		CHECK(!strcmp((const char *)h + 168, "UNKNOWN"));
	}
	CHECK(!strncmp((const char *)h + 136, d->reason, 32));
	CHECK_EQ(h[200], v6 ? 28 : 2);
	CHECK(!memcmp(h + 201, zero, 7));
}

static void t_header(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6;
	unsigned char h[FBSD_HEADER_LEN];

	golden_v4(&b, &g4);
	golden_v6(&b, &g6);
	bblog_fbsd_header(&g4.dump, 0, h);
	check_header(h, &g4.dump);
	bblog_fbsd_header(&g6.dump, 0, h);
	check_header(h, &g6.dump);
	gbuf_free(&b);
}

static void t_record_mapping(void)
{
	struct gbuf b = { 0 };
	struct golden g[2];
	unsigned char rec[FBSD_RECORD_LEN];
	uint32_t i;
	int k;

	golden_v4(&b, &g[0]);
	golden_v6(&b, &g[1]);
	for (k = 0; k < 2; k++)
		for (i = 0; i < g[k].n; i++) {
			const struct bblog_record *r = &g[k].recs[i];
			unsigned char dirty[FBSD_RECORD_LEN];

			bblog_fbsd_record(&g[k].dump, r, rec);
			check_tcpinfo(rec, &g[k].dump, r);
			if (expect_has_hdr(r))
				CHECK(!memcmp(rec + 268, r->th, r->th_len));
			/* every byte written, whatever the buffer held */
			memset(dirty, 0xa5, sizeof(dirty));
			bblog_fbsd_record(&g[k].dump, r, dirty);
			CHECKF(!memcmp(dirty, rec, sizeof(rec)), "record %u of golden %d", i, k);
		}
	/* spot values written out by hand */
	bblog_fbsd_record(&g[0].dump, &g[0].recs[5], rec);
	CHECK_EQ(get_le32(rec + 96), 0xffffffffu);	/* ssthresh saturates */
	CHECK_EQ(get_le32(rec + 56), 5);		/* CLOSE_WAIT */
	CHECK_EQ(get_le32(rec + 80), (10 + 19) * 1448);
	CHECK_EQ(get_le32(rec + 100), 5019);
	CHECK_EQ(get_le32(rec + 104), 719);
	bblog_fbsd_record(&g[0].dump, &g[0].recs[3], rec);
	CHECK_EQ(get_le32(rec + 68), 0x4 | 0x10 | 0x60 | 0x180 | 0x200 | 0x100000);
	CHECK_EQ(get_le32(rec + 116), 0x20);
	CHECK_EQ(rec[156], 0x97);
	bblog_fbsd_record(&g[0].dump, &g[0].recs[6], rec);	/* no snapshot */
	CHECK_EQ(get_le16(rec + 26), 0x10);
	CHECK_EQ(get_le32(rec + 28), 54);	/* -ECONNRESET: FreeBSD's number */
	CHECK_EQ(rec[160 + 91], 104);		/* Linux's in the stack area */
	CHECK_EQ(get_le32(rec + 32), 0);
	gbuf_free(&b);
	/* errno numbers Wireshark names from FreeBSD's table */
	CHECK_EQ(bblog_errno_fbsd(-11), 35);	/* EAGAIN, not FreeBSD's EDEADLK */
	CHECK_EQ(bblog_errno_fbsd(104), 54);	/* ECONNRESET */
	CHECK_EQ(bblog_errno_fbsd(-110), 60);	/* ETIMEDOUT */
	CHECK_EQ(bblog_errno_fbsd(-111), 61);	/* ECONNREFUSED */
	CHECK_EQ(bblog_errno_fbsd(-113), 65);	/* EHOSTUNREACH */
	CHECK_EQ(bblog_errno_fbsd(-32), 32);	/* EPIPE: the same number */
	CHECK_EQ(bblog_errno_fbsd(0), 0);
	CHECK_EQ(bblog_errno_fbsd(-200), 200);	/* unknown: as is */
}

static void t_state_map(void)
{
	static const unsigned fb[] = { 0, 4, 2, 3, 6, 9, 10, 0, 5, 8, 1, 7, 3, 0, 0 };
	unsigned s;

	for (s = 0; s < sizeof(fb) / sizeof(fb[0]); s++)
		CHECK_EQ(bblog_fbsd_state(s), fb[s]);
	CHECK_EQ(bblog_fbsd_state(255), 0);
}

static void check_shb(const unsigned char *b, size_t len, const struct bblog_dump *d)
{
	const unsigned char *o;
	uint32_t blen = h32(b + 4);
	char text[600];

	CHECK_EQ(h32(b), 0x0A0D0D0A);
	CHECK(blen <= len);
	CHECK_EQ(h32(b + blen - 4), blen);
	CHECK_EQ(h32(b + 8), 0x1A2B3C4D);
	CHECK_EQ(h16(b + 12), 1);
	CHECK_EQ(h16(b + 14), 0);
	CHECK_EQ(h32(b + 16), 0xffffffffu);
	CHECK_EQ(h32(b + 20), 0xffffffffu);
	o = b + 24;
	/* VERSION */
	CHECK_EQ(h16(o), 2989); CHECK_EQ(h16(o + 2), 12);
	CHECK_EQ(h32(o + 4), 10949); CHECK_EQ(get_le32(o + 8), 1);
	CHECK_EQ(get_le32(o + 12), 9);
	o += 16;
	/* DUMPTIME */
	CHECK_EQ(h16(o), 2989); CHECK_EQ(h16(o + 2), 16);
	CHECK_EQ(h32(o + 4), 10949); CHECK_EQ(get_le32(o + 8), 5);
	CHECK_EQ(get_le64(o + 12), DUMPTIME);
	o += 20;
	/* DUMPINFO */
	CHECK_EQ(h16(o), 2989); CHECK_EQ(h16(o + 2), 216);
	CHECK_EQ(h32(o + 4), 10949); CHECK_EQ(get_le32(o + 8), 4);
	check_header(o + 12, d);
	o += 220;
	/* STACKNAME: id 1 "linux", length 14 padded to 16 */
	CHECK_EQ(h16(o), 2989); CHECK_EQ(h16(o + 2), 14);
	CHECK_EQ(h32(o + 4), 10949); CHECK_EQ(get_le32(o + 8), 6);
	CHECK_EQ(o[12], 1);
	CHECK(!memcmp(o + 13, "linux\0\0", 7));
	o += 20;
	/* comment */
	CHECK_EQ(h16(o), 1);
	memcpy(text, o + 4, h16(o + 2) < 599 ? h16(o + 2) : 599);
	text[h16(o + 2) < 599 ? h16(o + 2) : 599] = 0;
	CHECKF(strstr(text, "cookie=") && strstr(text, "netns=4026531840") &&
	       strstr(text, "reason=\"error:test\""), "comment: %s", text);
	if (d->id[0])
		CHECKF(strstr(text, d->id) != NULL, "comment: %s", text);
	o += 4 + ((h16(o + 2) + 3u) & ~3u);
	/* shb_userappl */
	CHECK_EQ(h16(o), 4);
	CHECK_EQ(h16(o + 2), 10);
	CHECK(!memcmp(o + 4, "bblog test\0\0", 12));
	o += 16;
	CHECK_EQ(h32(o), 0);		/* end of options */
	CHECK_EQ(o + 8 - b, blen);
}

static void check_idb(const unsigned char *b)
{
	uint32_t blen = h32(b + 4);

	CHECK_EQ(h32(b), 1);
	CHECK_EQ(h16(b + 8), 0);	/* LINKTYPE_NULL */
	CHECK_EQ(h16(b + 10), 0);
	CHECK_EQ(h32(b + 12), 104);
	CHECK_EQ(h16(b + 16), 2);	/* if_name */
	CHECK_EQ(h32(b + blen - 4), blen);
}

/*
 * The comment option at @o, @le for a custom block's form, if the record
 * has one; returns where the next option starts.
 */
static const unsigned char *check_comment(const unsigned char *o, const struct bblog_dump *d,
					  const struct bblog_record *r, int le)
{
	char want[BBLOG_COMMENT_MAX];
	size_t n = bblog_record_comment(d, r, want, sizeof(want));

	if (!n)
		return o;
	CHECK_EQ(le ? get_le16(o) : h16(o), 1);
	CHECK_EQ(le ? get_le16(o + 2) : h16(o + 2), n);
	CHECK(!memcmp(o + 4, want, n));
	return o + 4 + ((n + 3) & ~(size_t)3);
}

/* The bytes a record's comment option adds to its block. */
static uint32_t comment_len(const struct bblog_dump *d, const struct bblog_record *r)
{
	char want[BBLOG_COMMENT_MAX];
	size_t n = bblog_record_comment(d, r, want, sizeof(want));

	return n ? 4 + (uint32_t)((n + 3) & ~(size_t)3) : 0;
}

static void check_cb(const unsigned char *b, const struct bblog_dump *d,
		     const struct bblog_record *r)
{
	uint32_t blen = 304 + comment_len(d, r);
	const unsigned char *o;

	CHECK_EQ(h32(b), 0xBAD);
	CHECK_EQ(h32(b + 4), blen);
	CHECK_EQ(h32(b + 8), 10949);
	CHECK_EQ(get_le32(b + 12), 1);
	CHECK_EQ(get_le16(b + 16), 2989);
	CHECK_EQ(get_le16(b + 18), 276);
	CHECK_EQ(get_le32(b + 20), 10949);
	CHECK_EQ(get_le32(b + 24), 2);
	check_tcpinfo(b + 28, d, r);
	o = check_comment(b + 296, d, r, 1);
	CHECK_EQ(h32(o), 0);
	CHECK_EQ(h32(o + 4), blen);
}

static void check_skip(const unsigned char *b, uint32_t count)
{
	static const unsigned char want_le[] = {
		0xad, 0x0b, 0, 0, 28, 0, 0, 0, 0xc5, 0x2a, 0, 0, 2, 0, 0, 0,
	};

	CHECK(!memcmp(b, want_le, sizeof(want_le)));	/* amd64: host = LE */
	CHECK_EQ(get_le32(b + 16), count);
	CHECK_EQ(h32(b + 20), 0);
	CHECK_EQ(h32(b + 24), 28);
}

static void check_epb(const unsigned char *b, const struct bblog_dump *d,
		      const struct bblog_record *r)
{
	int v6 = d->family == 10, in = expect_inbound(r);
	unsigned iphl = v6 ? 40 : 20, thl = r->th_len, i;
	uint32_t blen = h32(b + 4), pktlen = 4 + iphl + thl + r->payload_len;
	uint32_t caplen = pktlen < 104 ? pktlen : 104, pad = (caplen + 3) & ~3u;
	const unsigned char *pk = b + 28, *ip = pk + 4, *th = ip + iphl, *o;
	const unsigned char *src = in ? d->faddr : d->laddr;
	const unsigned char *dst = in ? d->laddr : d->faddr;
	uint64_t us = expect_wall_us(d, r);
	uint32_t s;

	CHECK_EQ(h32(b), 6);
	CHECK_EQ(blen, 28 + pad + 280 + 8 + comment_len(d, r) + 4 + 4);
	CHECK_EQ(h32(b + 8), 0);
	CHECK_EQ(h32(b + 12), (uint32_t)(us >> 32));
	CHECK_EQ(h32(b + 16), (uint32_t)us);
	CHECK_EQ(h32(b + 20), caplen);
	CHECK_EQ(h32(b + 24), pktlen);
	CHECK_EQ(h32(pk), v6 ? 28 : 2);
	if (v6) {
		CHECK_EQ(ip[0], 0x60);
		CHECK_EQ(ip[1] | ip[2] | ip[3], 0);
		CHECK_EQ(get_be16(ip + 4), thl + r->payload_len);
		CHECK_EQ(ip[6], 6);
		CHECK_EQ(ip[7], 127);
		CHECK(!memcmp(ip + 8, src, 16));
		CHECK(!memcmp(ip + 24, dst, 16));
		s = csum_add(0, ip + 8, 32);
		s += thl + r->payload_len + 6;
	} else {
		CHECK_EQ(ip[0], 0x45);
		CHECK_EQ(get_be16(ip + 2), 20 + thl + r->payload_len);
		CHECK_EQ(ip[8], 127);
		CHECK_EQ(ip[9], 6);
		CHECK(!memcmp(ip + 12, src, 4));
		CHECK(!memcmp(ip + 16, dst, 4));
		CHECK_EQ(csum_fold(csum_add(0, ip, 20)), 0xffff);
		s = csum_add(0, ip + 12, 8);
		s += thl + r->payload_len + 6;
	}
	/* TCP header as logged but for the checksum, which must verify */
	CHECK(!memcmp(th, r->th, 16));
	CHECK(!memcmp(th + 18, r->th + 18, thl - 18));
	CHECK_EQ(csum_fold(csum_add(s, th, thl)), 0xffff);
	for (i = 4 + iphl + thl; i < pad; i++)
		CHECK_EQ(pk[i], 0);
	o = b + 28 + pad;
	CHECK_EQ(h16(o), 2989);
	CHECK_EQ(h16(o + 2), 276);
	CHECK_EQ(h32(o + 4), 10949);
	CHECK_EQ(get_le32(o + 8), 2);
	check_tcpinfo(o + 12, d, r);
	o += 280;
	CHECK_EQ(h16(o), 2);
	CHECK_EQ(h16(o + 2), 4);
	CHECK_EQ(h32(o + 4), in ? 1 : 2);
	o = check_comment(o + 8, d, r, 0);
	CHECK_EQ(h32(o), 0);
	CHECK_EQ(h32(o + 4), blen);
}

/* Walk the file and check each block against the golden records. */
static void check_file(const unsigned char *p, size_t len, const struct golden *g)
{
	size_t off;
	uint32_t i, blocks = 0;
	int have_prev = 0;
	uint32_t prev = 0;

	check_shb(p, len, &g->dump);
	off = h32(p + 4);
	check_idb(p + off);
	off += h32(p + off + 4);
	for (i = 0; i < g->n && off < len; i++) {
		const struct bblog_record *r = &g->recs[i];

		if (have_prev && r->sn != prev + 1) {
			check_skip(p + off, r->sn - prev - 1);
			off += h32(p + off + 4);
			blocks++;
		}
		have_prev = 1;
		prev = r->sn;
		if (expect_has_hdr(r))
			check_epb(p + off, &g->dump, r);
		else
			check_cb(p + off, &g->dump, r);
		off += h32(p + off + 4);
		blocks++;
	}
	CHECK_EQ(i, g->n);
	CHECK_EQ(off, len);
}

static void t_file_v4(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	unsigned char *p;
	size_t len;

	golden_v4(&b, &g);
	p = write_golden(&g, &len);
	check_file(p, len, &g);
	/* the expected block sequence, spelled out */
	CHECK(!expect_has_hdr(&g.recs[7]));	/* bad th_len -> event block */
	seed("fuzz_pcapread", "golden-v4", p, len);
	free(p);
	gbuf_free(&b);
}

static void t_file_v6(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	unsigned char *p;
	size_t len;

	golden_v6(&b, &g);
	p = write_golden(&g, &len);
	check_file(p, len, &g);
	seed("fuzz_pcapread", "golden-v6", p, len);
	free(p);
	gbuf_free(&b);
}

static void t_dump_api(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	struct bblog_msg m;
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	const unsigned char *data;
	size_t len;

	golden_v4(&b, &g);
	CHECK(bblog_msg_parse(b.p, b.len, &m) == 1);
	CHECK(bblog_pcapng_open(&w, o, &m.dump, DUMPTIME, "bblog test", NULL) == 0);
	CHECK(bblog_pcapng_dump(&w, &m) == 0);
	CHECK_EQ(w.records, 9);
	CHECK_EQ(w.packets, 3);
	CHECK_EQ(w.lost, 4);
	CHECK(w.connend);
	CHECK_EQ(w.first_us, expect_wall_us(&g.dump, &g.recs[0]));
	data = bblog_out_mem_data(o, &len);
	check_file(data, len, &g);
	bblog_pcapng_close(&w);
	gbuf_free(&b);
}

void suite_pcapng(void)
{
	tap_run(t_header, "pcapng: DUMPINFO is the 208-byte FreeBSD header (IPv4 4in6, IPv6, boot offset, id/tag/UNKNOWN, af)");
	tap_run(t_record_mapping, "pcapng: every FreeBSD record field mapped from Linux as design.md decision 6");
	tap_run(t_state_map, "pcapng: Linux TCP states renumbered to FreeBSD's");
	tap_run(t_file_v4, "pcapng: IPv4 file: SHB options, IDB, EPB/CB/skipped bytes and checksums");
	tap_run(t_file_v6, "pcapng: IPv6 file: family 28, addresses by direction, 60-byte header");
	tap_run(t_dump_api, "pcapng: bblog_pcapng_dump counts records, packets, lost events, CONNEND");
}
