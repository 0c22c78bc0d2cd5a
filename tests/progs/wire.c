// SPDX-License-Identifier: GPL-2.0
/*
 * The wire oracle.
 *
 * bbtest wirecmp RAWSTREAM PCAP (--cookie C | --lport P): the TCP headers a
 * connection's records hold (events IN and OUT with a header) must be, per
 * direction and in order, exactly the TCP headers tcpdump captured for that
 * 4-tuple: sequence and acknowledgment numbers, data offset, flags, window,
 * urgent pointer, every option byte, and the payload length.  Only the
 * checksum is not compared (the sender's is partial).  The first difference
 * is printed and the exit status is 1.  A gap in the records' serial numbers
 * fails too: the comparison would be meaningless.  --reorder N accepts a
 * window of up to N + 1 segments that holds the same headers in another
 * order (segments handled on two CPUs at once), with a note for each.
 *
 * bbtest synth --stream S --pcap P [--segs N] [-6] [--corrupt WHAT[:I]]:
 * writes a made-up connection as a raw stream and a matching pcap, with one
 * deliberate difference if asked, to test wirecmp without a kernel.
 *
 * The pcap reader is a small one: classic pcap (not pcapng), micro- or
 * nanosecond, either byte order; link types Ethernet (with 802.1Q),
 * Linux cooked v1/v2, raw IP, BSD loopback.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bbtest.h"

struct seg {
	int family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;	/* host order */
	const uint8_t *th;	/* TCP header in the capture */
	unsigned int th_len;
	uint32_t payload_len;
	unsigned long pkt;	/* packet number in the file, from 1 */
};

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Decode one IP packet into a TCP segment; 0 if it is not TCP. */
static int decode_ip(const uint8_t *p, size_t len, struct seg *s)
{
	size_t l4, iplen;
	unsigned int nh, doff;

	if (len < 1)
		return 0;
	if ((p[0] >> 4) == 4) {
		unsigned int ihl = (p[0] & 15u) * 4;

		if (len < 20 || ihl < 20 || len < ihl || p[9] != IPPROTO_TCP)
			return 0;
		if (be16(p + 6) & 0x1fff)
			return 0;	/* a later fragment */
		s->family = AF_INET;
		memset(s->saddr, 0, 16);
		memset(s->daddr, 0, 16);
		memcpy(s->saddr, p + 12, 4);
		memcpy(s->daddr, p + 16, 4);
		iplen = be16(p + 2);	/* the captured part may be shorter */
		if (!iplen)
			iplen = len;	/* a super-packet without a length */
		l4 = ihl;
	} else if ((p[0] >> 4) == 6) {
		if (len < 40)
			return 0;
		s->family = AF_INET6;
		memcpy(s->saddr, p + 8, 16);
		memcpy(s->daddr, p + 24, 16);
		iplen = 40 + (size_t)be16(p + 4);
		if (iplen == 40)
			iplen = len;	/* jumbogram */
		nh = p[6];
		l4 = 40;
		/* Hop-by-hop, routing, destination options: skip them. */
		while (nh == 0 || nh == 43 || nh == 60) {
			if (len < l4 + 8)
				return 0;
			nh = p[l4];
			l4 += ((size_t)p[l4 + 1] + 1) * 8;
		}
		if (nh != IPPROTO_TCP)
			return 0;
	} else {
		return 0;
	}
	if (len < l4 + 20)
		return 0;
	doff = (p[l4 + 12] >> 4) * 4u;
	if (doff < 20 || len < l4 + doff || iplen < l4 + doff)
		return 0;
	s->th = p + l4;
	s->th_len = doff;
	s->sport = be16(p + l4);
	s->dport = be16(p + l4 + 2);
	s->payload_len = (uint32_t)(iplen - l4 - doff);
	return 1;
}

/* Read every TCP segment of a classic pcap file. */
static int pcap_load(const char *path, uint8_t **bufp, struct seg **segs, size_t *nsegs)
{
	uint8_t *b;
	ssize_t n = read_file(path, &b);
	size_t off = 24, cap = 0;
	uint32_t magic, linktype;
	unsigned long pkt = 0;
	int swap;

	*segs = NULL;
	*nsegs = 0;
	if (n < 0) {
		printf("error: read %s: %s\n", path, strerror(errno));
		return -1;
	}
	*bufp = b;
	if (n < 24) {
		printf("error: %s: too short for a pcap file\n", path);
		return -1;
	}
	memcpy(&magic, b, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else {
		printf("error: %s: not a classic pcap file (magic 0x%08x%s)\n", path, magic,
		       magic == 0x0a0d0d0a ? ", pcapng: capture with tcpdump -w" : "");
		return -1;
	}
	linktype = rd32(b + 20, swap) & 0x0fffffff;
	while (off + 16 <= (size_t)n) {
		uint32_t incl = rd32(b + off + 8, swap);
		const uint8_t *p = b + off + 16;
		size_t l2 = 0;
		uint16_t proto = 0;
		struct seg s;

		if (off + 16 + incl > (size_t)n) {
			printf("note: %s: last packet truncated\n", path);
			break;
		}
		pkt++;
		off += 16 + incl;
		switch (linktype) {
		case 1:		/* Ethernet */
			if (incl < 14)
				continue;
			proto = be16(p + 12);
			l2 = 14;
			while ((proto == 0x8100 || proto == 0x88a8) && incl >= l2 + 4) {
				proto = be16(p + l2 + 2);
				l2 += 4;
			}
			break;
		case 113:	/* Linux cooked v1 */
			if (incl < 16)
				continue;
			proto = be16(p + 14);
			l2 = 16;
			break;
		case 276:	/* Linux cooked v2 */
			if (incl < 20)
				continue;
			proto = be16(p);
			l2 = 20;
			break;
		case 0:		/* BSD loopback */
			if (incl < 4)
				continue;
			l2 = 4;
			proto = 0;
			break;
		case 12: case 14: case 101: case 228: case 229:	/* raw IP */
			proto = 0;
			break;
		default:
			printf("error: %s: link type %u not supported\n", path, linktype);
			return -1;
		}
		if (proto && proto != 0x0800 && proto != 0x86dd)
			continue;
		memset(&s, 0, sizeof(s));
		if (!decode_ip(p + l2, incl - l2, &s))
			continue;
		s.pkt = pkt;
		if (*nsegs == cap) {
			cap = cap ? cap * 2 : 256;
			*segs = realloc(*segs, cap * sizeof(**segs));
			if (!*segs)
				die("out of memory");
		}
		(*segs)[(*nsegs)++] = s;
	}
	return 0;
}

struct recref {
	const struct bblog_record *r;
	uint32_t seq;		/* dump seq */
};

static const char *const thfields[] = { "sport", "dport", "seq", "ack", "doff",
					"flags", "win", "csum", "urg" };

static int th_field_at(unsigned int off)
{
	if (off < 2) return 0;
	if (off < 4) return 1;
	if (off < 8) return 2;
	if (off < 12) return 3;
	if (off == 12) return 4;
	if (off == 13) return 5;
	if (off < 16) return 6;
	if (off < 18) return 7;
	return 8;
}

static uint32_t th_field_val(const uint8_t *th, int f)
{
	switch (f) {
	case 0: return be16(th);
	case 1: return be16(th + 2);
	case 2: return be32(th + 4);
	case 3: return be32(th + 8);
	case 4: return th[12];
	case 5: return th[13];
	case 6: return be16(th + 14);
	case 7: return be16(th + 16);
	default: return be16(th + 18);
	}
}

/* Compare one record with one captured segment; prints the first difference. */
static int cmp_one(const char *dir, size_t idx, const struct recref *rr, const struct seg *s)
{
	const struct bblog_record *r = rr->r;
	unsigned int i;

	if (r->th_len != s->th_len) {
		printf("mismatch %s #%zu (sn %u, pcap packet %lu): field th_len: record %u "
		       "wire %u\n", dir, idx, r->sn, s->pkt, r->th_len, s->th_len);
		return 1;
	}
	for (i = 0; i < r->th_len; i++) {
		int f;

		if (i == 16 || i == 17)
			continue;	/* checksum */
		if (r->th[i] == s->th[i])
			continue;
		if (i >= 20) {
			printf("mismatch %s #%zu (sn %u, pcap packet %lu): field options byte %u: "
			       "record 0x%02x wire 0x%02x\n", dir, idx, r->sn, s->pkt, i - 20,
			       r->th[i], s->th[i]);
			return 1;
		}
		f = th_field_at(i);
		printf("mismatch %s #%zu (sn %u, pcap packet %lu): field %s: record %u wire %u\n",
		       dir, idx, r->sn, s->pkt, thfields[f], th_field_val(r->th, f),
		       th_field_val(s->th, f));
		return 1;
	}
	if (r->payload_len != s->payload_len) {
		printf("mismatch %s #%zu (sn %u, pcap packet %lu): field payload_len: record %u "
		       "wire %u\n", dir, idx, r->sn, s->pkt, r->payload_len, s->payload_len);
		return 1;
	}
	return 0;
}

/* The TSval of the timestamp option, 0 if none. */
static uint32_t tsval(const uint8_t *th, unsigned int len)
{
	unsigned int i = 20;

	while (i < len) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || th[i + 1] < 2)
			break;
		if (th[i] == 8 && th[i + 1] == 10 && i + 10 <= len)
			return be32(th + i + 2);
		i += th[i + 1];
	}
	return 0;
}

static void show_pair(const char *dir, size_t idx, const struct recref *rr, const struct seg *s)
{
	char a[12], b[12];

	tcpflags_str(rr ? rr->r->th[13] : 0, a);
	tcpflags_str(s ? s->th[13] : 0, b);
	printf("  %s #%zu: record sn=%s", dir, idx, rr ? "" : "-");
	if (rr)
		printf("%u seq=%u ack=%u %s win=%u len=%u ts=%u", rr->r->sn, be32(rr->r->th + 4),
		       be32(rr->r->th + 8), a, be16(rr->r->th + 14), rr->r->payload_len,
		       tsval(rr->r->th, rr->r->th_len));
	printf(" | wire pkt=%s", s ? "" : "-");
	if (s)
		printf("%lu seq=%u ack=%u %s win=%u len=%u ts=%u", s->pkt, be32(s->th + 4),
		       be32(s->th + 8), b, be16(s->th + 14), s->payload_len,
		       tsval(s->th, s->th_len));
	printf("\n");
}

static int same_hdr(const struct bblog_record *r, const struct seg *s)
{
	return r->th_len == s->th_len && !memcmp(r->th, s->th, 16) &&
	       !memcmp(r->th + 18, s->th + 18, r->th_len - 18u) &&
	       r->payload_len == s->payload_len;
}

/*
 * After a mismatch at index i: is the record a later captured segment (the
 * records skip segments: merged, e.g. ACKs coalesced in the socket backlog,
 * or missed), or the captured segment a later record (extra records)?
 */
static void diagnose(const char *dir, const struct recref *rv, size_t nr, const struct seg *sv,
		     size_t ns, size_t i)
{
	size_t k;

	for (k = 1; k <= 16 && i + k < ns; k++) {
		if (same_hdr(rv[i].r, &sv[i + k])) {
			printf("note: %s: record sn %u is pcap packet %lu, %zu captured segment(s) "
			       "later: the records lack %zu segment(s) seen on the wire, from pcap "
			       "packet %lu (merged before logging, e.g. coalesced ACKs, or missed)\n",
			       dir, rv[i].r->sn, sv[i + k].pkt, k, k, sv[i].pkt);
			return;
		}
	}
	for (k = 1; k <= 16 && i + k < nr; k++) {
		if (same_hdr(rv[i + k].r, &sv[i])) {
			printf("note: %s: pcap packet %lu is record sn %u, %zu record(s) later: the "
			       "records hold %zu segment(s) not seen on the wire\n", dir, sv[i].pkt,
			       rv[i + k].r->sn, k, k);
			return;
		}
	}
}

/*
 * Segments that arrive on two CPUs at once pass tcpdump's tap and the
 * netfilter hook in either order, so the records may hold the captured
 * segments of a short window in another order, every header still equal.
 * The size (2 to max + 1) of the smallest such window from i, or 0.
 */
static size_t permuted(const struct recref *rv, size_t nr, const struct seg *sv, size_t ns,
		       size_t i, size_t max)
{
	unsigned char used[64];
	size_t w, a, b;

	for (w = 2; w <= max + 1 && i + w <= nr && i + w <= ns; w++) {
		memset(used, 0, sizeof(used));
		for (a = 0; a < w; a++) {
			for (b = 0; b < w; b++) {
				if (!used[b] && same_hdr(rv[i + a].r, &sv[i + b])) {
					used[b] = 1;
					break;
				}
			}
			if (b == w)
				break;
		}
		if (a == w)
			return w;
	}
	return 0;
}

static int cmp_dir(const char *dir, const struct recref *rv, size_t nr, const struct seg *sv,
		   size_t ns, int tail_ok, int verbose, size_t reorder, size_t *compared)
{
	size_t i, w, k;

	for (i = 0; i < nr && i < ns; i++) {
		if (verbose)
			show_pair(dir, i, &rv[i], &sv[i]);
		w = 0;
		if (reorder && !same_hdr(rv[i].r, &sv[i]))
			w = permuted(rv, nr, sv, ns, i, reorder);
		if (w) {
			printf("note: %s: records sn %u..%u are pcap packets %lu..%lu in another "
			       "order (segments handled on two CPUs at once)\n", dir, rv[i].r->sn,
			       rv[i + w - 1].r->sn, sv[i].pkt, sv[i + w - 1].pkt);
			for (k = 1; verbose && k < w; k++)
				show_pair(dir, i + k, &rv[i + k], &sv[i + k]);
			i += w - 1;
			continue;
		}
		if (cmp_one(dir, i, &rv[i], &sv[i])) {
			diagnose(dir, rv, nr, sv, ns, i);
			if (verbose) {
				size_t k;

				printf("  after the mismatch:\n");
				for (k = i + 1; k < i + 8 && (k < nr || k < ns); k++)
					show_pair(dir, k, k < nr ? &rv[k] : NULL, k < ns ? &sv[k] : NULL);
			}
			return 1;
		}
	}
	*compared += i;
	if (nr > ns) {
		printf("mismatch %s #%zu: record sn %u has no captured segment (%zu records, %zu "
		       "captured)\n", dir, ns, rv[ns].r->sn, nr, ns);
		return 1;
	}
	if (ns > nr) {
		printf("%s %s: %zu captured segments after the last record (first: pcap packet "
		       "%lu)\n", tail_ok ? "note:" : "mismatch", dir, ns - nr, sv[nr].pkt);
		if (verbose)
			for (i = nr; i < ns; i++)
				show_pair(dir, i, NULL, &sv[i]);
		return tail_ok ? 0 : 1;
	}
	return 0;
}

int cmd_wirecmp(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cookie", required_argument, NULL, 'c' },
		{ "lport", required_argument, NULL, 'l' },
		{ "tail-ok", no_argument, NULL, 't' },
		{ "retrans-as-out", no_argument, NULL, 'r' },
		{ "reorder", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	size_t reorder = 0;
	unsigned long long cookie = 0;
	unsigned int lport = 0;
	int have_cookie = 0, tail_ok = 0, verbose = 0, retrans = 0, c;
	struct stream st;
	struct seg *segs = NULL, *sout, *sin;
	struct recref *rout, *rin;
	size_t nsegs = 0, i, nro = 0, nri = 0, nso = 0, nsi = 0, compared = 0, nd = 0;
	const struct bblog_dump *d0 = NULL;
	uint8_t *pbuf = NULL;
	int64_t last_seq = -1;
	uint32_t last_sn = 0;
	int have_sn = 0, fail = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "v", lo, NULL)) != -1) {
		switch (c) {
		case 'c': cookie = parse_u64(optarg, "--cookie"); have_cookie = 1; break;
		case 'l': lport = (unsigned int)parse_u64(optarg, "--lport"); break;
		case 't': tail_ok = 1; break;
		case 'r': retrans = 1; break;
		case 'o':
			reorder = (size_t)parse_u64(optarg, "--reorder");
			if (reorder > 63)
				die("--reorder: at most 63");
			break;
		case 'v': verbose = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 2 || (!have_cookie && !lport))
		goto usage;
	if (stream_load(argv[optind], &st, 0) < 0)
		return 1;
	if (pcap_load(argv[optind + 1], &pbuf, &segs, &nsegs) < 0)
		return 1;

	/* The connection's dumps, in order, and its records. */
	rout = calloc(st.ndumps ? st.len / sizeof(struct bblog_record) + 1 : 1, sizeof(*rout));
	rin = calloc(st.ndumps ? st.len / sizeof(struct bblog_record) + 1 : 1, sizeof(*rin));
	sout = calloc(nsegs + 1, sizeof(*sout));
	sin = calloc(nsegs + 1, sizeof(*sin));
	if (!rout || !rin || !sout || !sin)
		die("out of memory");
	for (i = 0; i < st.ndumps; i++) {
		const struct dump_view *v = &st.dumps[i];
		const struct bblog_dump *d = v->d;
		uint32_t k;

		if (have_cookie ? d->cookie != cookie : ntohs(d->lport) != lport)
			continue;
		if (d0 && d->cookie != d0->cookie) {
			printf("error: local port %u matches two connections (cookies %llu, %llu): "
			       "use --cookie\n", lport, (unsigned long long)d0->cookie,
			       (unsigned long long)d->cookie);
			return 1;
		}
		if (!d0)
			d0 = d;
		if ((int64_t)d->seq <= last_seq) {
			printf("error: dump seq %u after seq %lld\n", d->seq, (long long)last_seq);
			return 1;
		}
		last_seq = d->seq;
		nd++;
		for (k = 0; k < d->nrecords; k++) {
			const struct bblog_record *r = dump_rec(v, k);

			if (have_sn && r->sn != last_sn + 1) {
				printf("error: records lost: sn %u after sn %u (dump seq %u): the "
				       "comparison needs every record\n", r->sn, last_sn, d->seq);
				return 1;
			}
			have_sn = 1;
			last_sn = r->sn;
			if (r->th_len && (r->th_len < 20 || r->th_len > 60 ||
					  !(r->flags & BBLOG_RF_HDR))) {
				printf("error: record sn %u: th_len %u with flags 0x%x\n", r->sn,
				       r->th_len, r->flags);
				return 1;
			}
			if (!r->th_len)
				continue;
			if (r->event == BBLOG_EV_OUT || (retrans && r->event == BBLOG_EV_RETRANS))
				rout[nro++] = (struct recref){ r, d->seq };
			else if (r->event == BBLOG_EV_IN)
				rin[nri++] = (struct recref){ r, d->seq };
		}
	}
	if (!d0) {
		printf("error: no dump of that connection in %s\n", argv[optind]);
		return 1;
	}

	/* The captured segments of the 4-tuple, per direction. */
	for (i = 0; i < nsegs; i++) {
		const struct seg *s = &segs[i];
		size_t al = d0->family == AF_INET6 ? 16 : 4;

		if (s->family != d0->family)
			continue;
		if (s->sport == ntohs(d0->lport) && s->dport == ntohs(d0->fport) &&
		    !memcmp(s->saddr, d0->laddr, al) && !memcmp(s->daddr, d0->faddr, al))
			sout[nso++] = *s;
		else if (s->sport == ntohs(d0->fport) && s->dport == ntohs(d0->lport) &&
			 !memcmp(s->saddr, d0->faddr, al) && !memcmp(s->daddr, d0->laddr, al))
			sin[nsi++] = *s;
	}
	printf("wirecmp cookie=%llu dumps=%zu records_out=%zu records_in=%zu wire_out=%zu "
	       "wire_in=%zu\n", (unsigned long long)d0->cookie, nd, nro, nri, nso, nsi);
	if (!nro && !nri) {
		printf("error: the connection's records hold no TCP header\n");
		fail = 1;
	}
	if (cmp_dir("out", rout, nro, sout, nso, tail_ok, verbose, reorder, &compared))
		fail = 1;
	if (cmp_dir("in", rin, nri, sin, nsi, tail_ok, verbose, reorder, &compared))
		fail = 1;
	printf("wirecmp compared=%zu result=%s\n", compared, fail ? "MISMATCH" : "ok");
	free(rout);
	free(rin);
	free(sout);
	free(sin);
	free(segs);
	free(pbuf);
	stream_free(&st);
	return fail;
usage:
	die("usage: bbtest wirecmp RAWSTREAM PCAP (--cookie C | --lport P) [--tail-ok] "
	    "[--retrans-as-out] [--reorder N] [-v]");
}

/* --------------------------------------------------------------- synth */

struct synthseg {
	int out;		/* client -> server */
	uint8_t th[60];
	unsigned int th_len;
	uint32_t payload;
};

static void mkseg(struct synthseg *s, int out, uint32_t seq, uint32_t ack, uint8_t flags,
		  uint16_t win, uint32_t payload, int syn, uint32_t tsval, uint32_t tsecr)
{
	uint8_t *o;

	memset(s, 0, sizeof(*s));
	s->out = out;
	put16(s->th, out ? 40000 : 5201);
	put16(s->th + 2, out ? 5201 : 40000);
	put32(s->th + 4, seq);
	put32(s->th + 8, ack);
	s->th[13] = flags;
	put16(s->th + 14, win);
	put16(s->th + 16, 0xbeef);
	o = s->th + 20;
	if (syn) {
		/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
		*o++ = 2; *o++ = 4; put16(o, 1460); o += 2;
		*o++ = 4; *o++ = 2;
		*o++ = 8; *o++ = 10; put32(o, tsval); put32(o + 4, tsecr); o += 8;
		*o++ = 1;
		*o++ = 3; *o++ = 3; *o++ = 7;
	} else {
		*o++ = 1; *o++ = 1;
		*o++ = 8; *o++ = 10; put32(o, tsval); put32(o + 4, tsecr); o += 8;
	}
	s->th_len = (unsigned int)(o - s->th);
	s->th[12] = (uint8_t)((s->th_len / 4) << 4);
	s->payload = payload;
}

int cmd_synth(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "segs", required_argument, NULL, 'n' },
		{ "corrupt", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *spath = NULL, *ppath = NULL, *corrupt = NULL;
	unsigned int nseg = 10, i, n = 0, cidx = 3, v6 = 0;
	uint32_t cseq = 1000, sseq = 5000000, ts = 100;
	struct synthseg *sv;
	char what[32] = "";
	int c, sfd, pfd;
	uint8_t caddr[16] = { 0 }, saddr[16] = { 0 };

	optind = 1;
	while ((c = getopt_long(argc, argv, "6", lo, NULL)) != -1) {
		switch (c) {
		case 's': spath = optarg; break;
		case 'p': ppath = optarg; break;
		case 'n': nseg = (unsigned int)parse_u64(optarg, "--segs"); break;
		case 'c': corrupt = optarg; break;
		case '6': v6 = 1; break;
		default: die("usage: bbtest synth --stream FILE --pcap FILE [--segs N] "
			     "[--corrupt WHAT[:I]] [-6]");
		}
	}
	if (!spath || !ppath)
		die("synth: --stream and --pcap required");
	if (corrupt) {
		const char *colon = strchr(corrupt, ':');

		snprintf(what, sizeof(what), "%.*s",
			 (int)(colon ? (size_t)(colon - corrupt) : strlen(corrupt)), corrupt);
		if (colon)
			cidx = (unsigned int)parse_u64(colon + 1, "--corrupt index");
	}
	if (v6) {
		inet_pton(AF_INET6, "fd00::1", caddr);
		inet_pton(AF_INET6, "fd00::2", saddr);
	} else {
		inet_pton(AF_INET, "10.9.0.1", caddr);
		inet_pton(AF_INET, "10.9.0.2", saddr);
	}

	/* The conversation: handshake, nseg data segments each ACKed, FINs. */
	sv = calloc(nseg * 2 + 8, sizeof(*sv));
	if (!sv)
		die("out of memory");
	mkseg(&sv[n++], 1, cseq, 0, 0x02, 64240, 0, 1, ts, 0);
	mkseg(&sv[n++], 0, sseq, cseq + 1, 0x12, 65160, 0, 1, ts + 7, ts);
	cseq++, sseq++, ts++;
	mkseg(&sv[n++], 1, cseq, sseq, 0x10, 502, 0, 0, ts, ts + 7);
	for (i = 0; i < nseg; i++) {
		mkseg(&sv[n++], 1, cseq, sseq, 0x18, 502, 1000 + i, 0, ts + i, ts + 7 + i);
		cseq += 1000 + i;
		mkseg(&sv[n++], 0, sseq, cseq, 0x10, (uint16_t)(509 + i), 0, 0, ts + 8 + i, ts + i);
	}
	mkseg(&sv[n++], 1, cseq, sseq, 0x11, 502, 0, 0, ts + nseg, ts + 7 + nseg);
	mkseg(&sv[n++], 0, sseq, cseq + 1, 0x11, 600, 0, 0, ts + 8 + nseg, ts + nseg);
	mkseg(&sv[n++], 1, cseq + 1, sseq + 1, 0x10, 502, 0, 0, ts + nseg + 1, ts + 8 + nseg);

	/* The stream: two dumps (seq 0 and 1), a STATE record between segments. */
	sfd = open(spath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pfd = open(ppath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (sfd < 0 || pfd < 0)
		die("synth: open: %m");
	{
		unsigned int half = n / 2, part, first, cnt, k, sn = 1;

		for (part = 0; part < 2; part++) {
			struct bblog_dump d;
			struct bblog_record r;
			uint32_t skip_sn = 0;

			first = part ? half : 0;
			cnt = part ? n - half : half;
			memset(&d, 0, sizeof(d));
			d.hdr.version = BBLOG_VERSION;
			d.hdr.type = BBLOG_MSG_DUMP;
			d.hdr.length = sizeof(d) + (uint64_t)cnt * 2 * sizeof(r);
			d.cookie = 4242;
			d.nrecords = cnt * 2;
			d.record_size = sizeof(r);
			d.header_size = sizeof(d);
			d.seq = part;
			d.family = v6 ? AF_INET6 : AF_INET;
			d.flags = (v6 ? BBLOG_DF_IPV6 : 0) | (part ? BBLOG_DF_ENDED : 0);
			d.lport = htons(40000);
			d.fport = htons(5201);
			memcpy(d.laddr, caddr, 16);
			memcpy(d.faddr, saddr, 16);
			d.mode = BBLOG_MODE_CONTINUAL;
			strcpy(d.reason, "synth");
			strcpy(d.ca_name, "cubic");
			if (!strcmp(what, "sn-gap") && part == 1) {
				d.hdr.length -= sizeof(r);
				d.nrecords--;
				skip_sn = sn + 1;	/* lose the second record of the dump */
			}
			if (write_all(sfd, &d, sizeof(d)) < 0)
				die("write: %m");
			for (k = first; k < first + cnt; k++) {
				unsigned int j;

				for (j = 0; j < 2; j++) {
					memset(&r, 0, sizeof(r));
					r.sn = sn++;
					r.time_ns = 1000000ull * r.sn;
					if (r.sn == skip_sn)
						continue;
					if (j) {
						r.event = BBLOG_EV_STATE;
						r.state = 1;
					} else {
						r.event = sv[k].out ? BBLOG_EV_OUT : BBLOG_EV_IN;
						r.flags = BBLOG_RF_HDR | BBLOG_RF_SNAPSHOT;
						r.th_len = (uint8_t)sv[k].th_len;
						memcpy(r.th, sv[k].th, sv[k].th_len);
						put16(r.th + 16, 0);	/* partial csum differs */
						r.payload_len = sv[k].payload;
						if (k == cidx && !strcmp(what, "rec-seq"))
							r.th[7] ^= 1;
					}
					if (write_all(sfd, &r, sizeof(r)) < 0)
						die("write: %m");
				}
			}
		}
	}

	/*
	 * "swap": the capture holds segment I after segment I + 2 (the next one
	 * in the same direction), as when two CPUs handle them at once.
	 */
	if (!strcmp(what, "swap") && cidx + 2 < n) {
		struct synthseg t = sv[cidx];

		sv[cidx] = sv[cidx + 2];
		sv[cidx + 2] = t;
	}

	/* The pcap: Ethernet, microseconds. */
	{
		uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 };
		uint8_t pkt[14 + 40 + 60];

		if (write_all(pfd, gh, sizeof(gh)) < 0)
			die("write: %m");
		for (i = 0; i < n; i++) {
			struct synthseg s = sv[i];
			unsigned int ipl = v6 ? 40 : 20, len = 14 + ipl + s.th_len, reps = 1, k;
			uint32_t ph[4];
			uint8_t *ip = pkt + 14, *src = s.out ? caddr : saddr, *dst = s.out ? saddr : caddr;

			if (i == cidx) {
				if (!strcmp(what, "seq")) put32(s.th + 4, be32(s.th + 4) + 1);
				if (!strcmp(what, "ack")) put32(s.th + 8, be32(s.th + 8) + 1);
				if (!strcmp(what, "flags")) s.th[13] ^= 0x08;
				if (!strcmp(what, "win")) put16(s.th + 14, (uint16_t)(be16(s.th + 14) + 1));
				if (!strcmp(what, "urg")) put16(s.th + 18, 1);
				if (!strcmp(what, "opt")) s.th[s.th_len - 1] ^= 0x01;
				if (!strcmp(what, "payload")) s.payload++;
				if (!strcmp(what, "port")) put16(s.th, (uint16_t)(be16(s.th) + 1));
				if (!strcmp(what, "missing")) reps = 0;
				if (!strcmp(what, "extra")) reps = 2;
			}
			memset(pkt, 0, sizeof(pkt));
			put16(pkt + 12, v6 ? 0x86dd : 0x0800);
			put_ip_header(ip, v6, src, dst, s.th_len + s.payload);
			memcpy(ip + ipl, s.th, s.th_len);
			/* Captured with a snap length that keeps only the headers. */
			ph[0] = 1700000000u + i;
			ph[1] = 0;
			ph[2] = len;
			ph[3] = len + s.payload;
			for (k = 0; k < reps; k++) {
				if (write_all(pfd, ph, sizeof(ph)) < 0 || write_all(pfd, pkt, len) < 0)
					die("write: %m");
			}
		}
	}
	close(sfd);
	close(pfd);
	printf("synth segments=%u records=%u corrupt=%s index=%u\n", n, n * 2,
	       what[0] ? what : "none", cidx);
	free(sv);
	return 0;
}
