// SPDX-License-Identifier: GPL-2.0
/*
 * BBLog pcapng writer: turns tcp_bblog dumps into the block layout that
 * Wireshark's bblog dissector and Netflix's tools read (see pcapng.h and
 * shared/reference/bblog-format.md sections 6 and 9).
 *
 * Block fields follow the section byte order (host order); record bytes,
 * Netflix option values and everything inside custom blocks but the PEN are
 * little-endian, as tcplog_dumper writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "pcapng.h"
#include "sbuf.h"

#define USEC_PER_SEC	1000000ull

/*
 * A block under construction (every block we write is small): in place in
 * the output's buffer when it has one, else here and then copied.
 */
#define BLK_MAX	2048

struct blk {
	unsigned char *b;	/* local or the output's */
	size_t len;
	int overflow;
	int in_place;
	unsigned char local[BLK_MAX];
};

/* Room for n bytes, which the caller writes all of. */
static unsigned char *blk_put(struct blk *k, size_t n)
{
	unsigned char *p;

	if (k->len + n > BLK_MAX) {
		k->overflow = 1;
		return NULL;
	}
	p = k->b + k->len;
	k->len += n;
	return p;
}

/* The last n bytes put back (written past, then not kept). */
static void blk_unput(struct blk *k, size_t n)
{
	k->len -= n;
}

static void blk_h32(struct blk *k, uint32_t v)
{
	unsigned char *p = blk_put(k, 4);

	if (p)
		put_h32(p, v);
}

static void blk_le32(struct blk *k, uint32_t v)
{
	unsigned char *p = blk_put(k, 4);

	if (p)
		put_le32(p, v);
}

static void blk_bytes(struct blk *k, const void *src, size_t n)
{
	size_t padded = (n + 3) & ~(size_t)3;
	unsigned char *p = blk_put(k, padded);

	if (!p)
		return;
	if (n)
		memcpy(p, src, n);
	memset(p + n, 0, padded - n);
}

/* Standard option, section order, value padded to 4. */
static void blk_opt(struct blk *k, uint16_t code, const void *val, size_t n)
{
	unsigned char *p;

	if (n > 0xffff) {
		k->overflow = 1;
		return;
	}
	p = blk_put(k, 4);
	if (!p)
		return;
	put_h16(p, code);
	put_h16(p + 2, (uint16_t)n);
	blk_bytes(k, val, n);
}

/*
 * A Netflix custom option (le: in a custom block's all-little-endian form)
 * whose value, n bytes, the caller writes in place: room for max of them
 * (max >= n rounded up to 4) is returned; n, padded to 4, are kept.
 */
static unsigned char *blk_nflx_room(struct blk *k, int le, uint32_t type,
				    size_t n, size_t max)
{
	unsigned char *p = blk_put(k, 12), *v;

	if (!p)
		return NULL;
	if (le) {
		put_le16(p, PCAPNG_OPT_CUSTOM_BIN);
		put_le16(p + 2, (uint16_t)(8 + n));
		put_le32(p + 4, BBLOG_PEN_NFLX);
	} else {
		put_h16(p, PCAPNG_OPT_CUSTOM_BIN);
		put_h16(p + 2, (uint16_t)(8 + n));
		put_h32(p + 4, BBLOG_PEN_NFLX);
	}
	put_le32(p + 8, type);
	v = blk_put(k, max);
	if (v)
		blk_unput(k, max - ((n + 3) & ~(size_t)3));
	return v;
}

/* A Netflix custom option with the value val[n]. */
static void blk_nflx_opt(struct blk *k, int le, uint32_t type,
			 const void *val, size_t n)
{
	size_t padded = (n + 3) & ~(size_t)3;
	unsigned char *v = blk_nflx_room(k, le, type, n, padded);

	if (!v)
		return;
	memcpy(v, val, n);
	memset(v + n, 0, padded - n);
}

static void fbsd_tcpinfo(const struct bblog_dump *d, const struct bblog_record *r,
			 unsigned thl, unsigned char out[FBSD_TCPINFO_LEN]);

/*
 * The record in FreeBSD's layout but its header, written in place as a
 * Netflix option; thl: the length of the header the block's packet has (0
 * in a custom block, even a dropped segment's: its words say which).
 */
static void blk_record(struct blk *k, int le, const struct bblog_dump *d,
		       const struct bblog_record *r, unsigned thl)
{
	unsigned char *rec = blk_nflx_room(k, le, NFLX_OPT_TCPINFO,
					   FBSD_TCPINFO_LEN, FBSD_TCPINFO_LEN);

	if (rec)
		fbsd_tcpinfo(d, r, thl, rec);
}

/* A standard option with a 32-bit value, section order. */
static void blk_opt_h32(struct blk *k, uint16_t code, uint32_t v)
{
	unsigned char *p = blk_put(k, 8);

	if (!p)
		return;
	put_h16(p, code);
	put_h16(p + 2, 4);
	put_h32(p + 4, v);
}

/* A record's comment option, written in place; none if it has no text. */
static void blk_comment(struct blk *k, int le, const struct bblog_dump *d,
			const struct bblog_record *r)
{
	unsigned char *p = blk_put(k, 4 + BBLOG_COMMENT_MAX);
	size_t n, padded;

	if (!p)
		return;
	n = bblog_record_comment(d, r, (char *)p + 4, BBLOG_COMMENT_MAX);
	blk_unput(k, 4 + BBLOG_COMMENT_MAX);
	if (!n)
		return;
	padded = (n + 3) & ~(size_t)3;
	if (le) {
		put_le16(p, PCAPNG_OPT_COMMENT);
		put_le16(p + 2, (uint16_t)n);
	} else {
		put_h16(p, PCAPNG_OPT_COMMENT);
		put_h16(p + 2, (uint16_t)n);
	}
	memset(p + 4 + n, 0, padded - n);
	k->len += 4 + padded;
}

static void blk_begin(struct bblog_pcapng *w, struct blk *k, uint32_t type)
{
	k->b = bblog_out_reserve(w->out, BLK_MAX);
	k->in_place = k->b != NULL;
	if (!k->b)
		k->b = k->local;
	k->len = 0;
	k->overflow = 0;
	blk_h32(k, type);
	blk_h32(k, 0);		/* total length, set by blk_end */
}

static int blk_end(struct bblog_pcapng *w, struct blk *k)
{
	uint32_t total = (uint32_t)k->len + 4;

	blk_h32(k, total);
	if (k->overflow) {
		w->failed = 1;
		w->err = EOVERFLOW;
		errno = EOVERFLOW;
		return -1;
	}
	put_h32(k->b + 4, total);
	if (k->in_place) {
		bblog_out_wrote(w->out, k->len);
		return 0;
	}
	if (bblog_out_write(w->out, k->b, k->len) < 0) {
		w->failed = 1;
		w->err = errno;
		return -1;
	}
	return 0;
}

/* ---- mapping ---- */

int bblog_fbsd_state(unsigned s)
{
	/* Linux TCP_* (include/net/tcp_states.h) -> FreeBSD TCPS_* */
	static const unsigned char map[] = {
		[1] = 4,	/* ESTABLISHED */
		[2] = 2,	/* SYN_SENT */
		[3] = 3,	/* SYN_RECV -> SYN_RECEIVED */
		[4] = 6,	/* FIN_WAIT1 */
		[5] = 9,	/* FIN_WAIT2 */
		[6] = 10,	/* TIME_WAIT */
		[7] = 0,	/* CLOSE -> CLOSED */
		[8] = 5,	/* CLOSE_WAIT */
		[9] = 8,	/* LAST_ACK */
		[10] = 1,	/* LISTEN */
		[11] = 7,	/* CLOSING */
		[12] = 3,	/* NEW_SYN_RECV -> SYN_RECEIVED */
	};

	return s < sizeof(map) ? map[s] : 0;
}

uint64_t bblog_record_wall_us(const struct bblog_dump *d,
			      const struct bblog_record *r)
{
	uint64_t ns = d->boot_offset_ns + r->time_ns;

	if (ns < d->boot_offset_ns)	/* saturate */
		ns = UINT64_MAX;
	return ns / 1000;
}

static uint32_t sat_mul(uint32_t a, uint32_t b)
{
	uint64_t v = (uint64_t)a * b;

	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void put_addr(unsigned char *p, const struct bblog_dump *d,
		     const unsigned char *a)
{
	if (d->family == 10)
		memcpy(p, a, 16);
	else
		memcpy(p + 12, a, 4);	/* in_addr_4in6: 12 zero bytes first */
}

static size_t cstrlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

void bblog_fbsd_header(const struct bblog_dump *d, uint64_t body_len,
		       unsigned char out[FBSD_HEADER_LEN])
{
	uint64_t off_us = d->boot_offset_ns / 1000;
	size_t n;

	memset(out, 0, FBSD_HEADER_LEN);
	put_le32(out, FBSD_LOG_VERSION);
	put_le32(out + 4, 1);		/* TCP_LOG_DEV_TYPE_BBR */
	put_le64(out + 8, FBSD_HEADER_LEN + body_len);
	memcpy(out + 16, &d->fport, 2);	/* network order, as stored */
	memcpy(out + 18, &d->lport, 2);
	put_addr(out + 20, d, d->faddr);
	put_addr(out + 36, d, d->laddr);
	put_le64(out + 56, off_us / USEC_PER_SEC);
	put_le64(out + 64, off_us % USEC_PER_SEC);
	n = cstrlen(d->id, BBLOG_ID_LEN - 1);
	if (n)
		memcpy(out + 72, d->id, n);
	else
		memcpy(out + 72, "UNKNOWN", 7);
	memcpy(out + 136, d->reason, cstrlen(d->reason, BBLOG_REASON_LEN - 1));
	if (n)
		memcpy(out + 168, d->tag, cstrlen(d->tag, BBLOG_TAG_LEN - 1));
	else
		memcpy(out + 168, "UNKNOWN", 7);
	out[200] = d->family == 10 ? FBSD_AF_INET6 : FBSD_AF_INET;
}

unsigned bblog_record_th_len(const struct bblog_record *r)
{
	unsigned doff;

	if (!(r->flags & BBLOG_RF_HDR) || r->th_len < 20 || r->th_len > 60)
		return 0;
	doff = (unsigned)(r->th[12] >> 4) * 4;
	if (doff < 20 || doff > r->th_len)
		return 0;
	return doff;
}

static uint32_t fbsd_tflags(const struct bblog_record *r)
{
	uint32_t f = 0, t = r->tcp_flags;

	if (t & BBLOG_TF_NODELAY)
		f |= FBSD_TF_NODELAY;
	if (t & BBLOG_TF_SACK_OK)
		f |= FBSD_TF_SACK_PERMIT;
	if (t & BBLOG_TF_WSCALE_OK)
		f |= FBSD_TF_REQ_SCALE | FBSD_TF_RCVD_SCALE;
	if (t & BBLOG_TF_TSTAMP_OK)
		f |= FBSD_TF_REQ_TSTMP | FBSD_TF_RCVD_TSTMP;
	if (t & BBLOG_TF_FASTOPEN)
		f |= FBSD_TF_FASTOPEN;
	if (t & BBLOG_TF_SENT_FIN)
		f |= FBSD_TF_SENTFIN;
	if (r->ca_state == 3)		/* TCP_CA_Recovery */
		f |= FBSD_TF_FASTRECOVERY;
	if (r->ca_state == 2)		/* TCP_CA_CWR */
		f |= FBSD_TF_CONGRECOVERY;
	return f;
}

static void put_stackinfo(unsigned char *p, const struct bblog_record *r)
{
	uint32_t e;

	put_le32(p + 0, r->snd_cwnd);
	put_le32(p + 4, r->snd_ssthresh);
	put_le32(p + 8, r->mss_cache);
	put_le32(p + 12, r->packets_out);
	put_le32(p + 16, r->retrans_out);
	put_le32(p + 20, r->lost_out);
	put_le32(p + 24, r->sacked_out);
	put_le32(p + 28, r->total_retrans);
	put_le32(p + 32, r->rto_us);
	put_le32(p + 36, r->min_rtt_us);
	put_le32(p + 40, r->delivered);
	put_le32(p + 44, r->reordering);
	put_le64(p + 48, r->pacing_rate);
	put_le64(p + 56, r->bytes_acked);
	put_le64(p + 64, r->bytes_received);
	put_le32(p + 72, r->write_seq);
	put_le32(p + 76, r->copied_seq);
	put_le32(p + 80, r->rcv_ssthresh);
	put_le32(p + 84, r->window_clamp);
	p[88] = r->event;
	p[89] = r->state;
	p[90] = r->ca_state;
	/* |err| in unsigned arithmetic (err may be INT_MIN); 0 above 255 */
	e = r->err < 0 ? 0u - (uint32_t)r->err : (uint32_t)r->err;
	p[91] = e <= 255 ? (unsigned char)e : 0;
	put_le32(p + 92, r->tcp_flags);
	put_le32(p + 96, r->rmem_alloc);
	put_le32(p + 100, r->wmem_queued);
}

_Static_assert(sizeof(struct bblog_pcap_stackinfo) == 104, "stackinfo size");

/*
 * The record's first FBSD_TCPINFO_LEN bytes (all but the header it says
 * it has when thl is not 0): what a block keeps.  Every byte is written,
 * whatever out held: the fields below and, zero, the ones Linux has no
 * value for (the buffers' other counters, tlb_rcv_up, tlb_segqlen, the
 * spares), cleared each on its own rather than all 268 bytes first.
 */
static void fbsd_tcpinfo(const struct bblog_dump *d, const struct bblog_record *r,
			 unsigned thl, unsigned char out[FBSD_TCPINFO_LEN])
{
	uint64_t off_us = d->boot_offset_ns / 1000;
	uint64_t rel_us = bblog_record_wall_us(d, r) - off_us;
	uint16_t ef = FBSD_TLB_STACKINFO;
	uint32_t t2 = 0;

	memset(out + TLB_RXB_ACC, 0, TLB_FLAGS - TLB_RXB_ACC);
	memset(out + TLB_RCV_UP, 0, 4);
	memset(out + TLB_SEGQLEN, 0, 4);
	memset(out + TLB_FLEX2 + 4, 0, TLB_STACKINFO - (TLB_FLEX2 + 4));
	if (r->flags & BBLOG_RF_SNAPSHOT)
		ef |= FBSD_TLB_RXBUF | FBSD_TLB_TXBUF;
	if (thl)
		ef |= FBSD_TLB_HDR;
	if (r->tcp_flags & BBLOG_TF_ECN_OK)
		t2 |= FBSD_TF2_ECN_PERMIT;
	/* tlb_tv is relative to the header's offset: offset + tv = wall time */
	put_le64(out + TLB_TV_SEC, rel_us / USEC_PER_SEC);
	put_le64(out + TLB_TV_USEC, rel_us % USEC_PER_SEC);
	put_le32(out + TLB_TICKS, r->jiffies);
	put_le32(out + TLB_SN, r->sn);
	out[TLB_STACKID] = BBLOG_PCAP_STACK_ID;
	out[TLB_EVENTID] = r->event;
	put_le16(out + TLB_EVENTFLAGS, ef);
	put_le32(out + TLB_ERRNO, bblog_errno_fbsd(r->err));
	if (r->flags & BBLOG_RF_SNAPSHOT) {
		put_le32(out + TLB_RXB_ACC, r->rcv_nxt - r->copied_seq);
		put_le32(out + TLB_RXB_CCC, r->rmem_alloc);
		put_le32(out + TLB_TXB_ACC, r->write_seq - r->snd_una);
		put_le32(out + TLB_TXB_CCC, r->wmem_queued);
	}
	put_le32(out + TLB_STATE, (uint32_t)bblog_fbsd_state(r->state));
	put_le32(out + TLB_FLAGS, fbsd_tflags(r));
	put_le32(out + TLB_SND_UNA, r->snd_una);
	put_le32(out + TLB_SND_MAX, r->snd_nxt);
	put_le32(out + TLB_SND_CWND, sat_mul(r->snd_cwnd, r->mss_cache));
	put_le32(out + TLB_SND_NXT, r->snd_nxt);
	put_le32(out + TLB_SND_RECOVER, r->high_seq);
	put_le32(out + TLB_SND_WND, r->snd_wnd);
	put_le32(out + TLB_SND_SSTHRESH, sat_mul(r->snd_ssthresh, r->mss_cache));
	put_le32(out + TLB_SRTT, r->srtt_us >> 3);
	put_le32(out + TLB_RTTVAR, r->mdev_us >> 2);
	put_le32(out + TLB_RCV_ADV, r->rcv_wup + r->rcv_wnd);
	put_le32(out + TLB_FLAGS2, t2);
	put_le32(out + TLB_RCV_NXT, r->rcv_nxt);
	put_le32(out + TLB_RCV_WND, r->rcv_wnd);
	put_le32(out + TLB_DUPACKS, r->sacked_out);
	put_le32(out + TLB_NUMHOLES, r->lost_out);
	put_le32(out + TLB_FLEX1, r->arg1);
	put_le32(out + TLB_FLEX2, r->arg2);
	out[TLB_SHIFTS] = (unsigned char)((r->snd_wscale & 0x0f) |
					  ((r->rcv_wscale & 0x0f) << 4));
	put_stackinfo(out + TLB_STACKINFO, r);
	put_le32(out + TLB_LEN, r->payload_len);
}

_Static_assert(TLB_TH == FBSD_TCPINFO_LEN, "the header follows the TCPINFO part");

void bblog_fbsd_record(const struct bblog_dump *d, const struct bblog_record *r,
		       unsigned char out[FBSD_RECORD_LEN])
{
	unsigned thl = bblog_record_th_len(r);

	fbsd_tcpinfo(d, r, thl, out);
	memset(out + TLB_TH, 0, FBSD_RECORD_LEN - TLB_TH);
	if (thl)
		memcpy(out + TLB_TH, r->th, thl);
}

/* ---- checksums and synthetic packets ---- */

/* A ones' complement sum folded to 16 bits (the same sum modulo 0xffff). */
static uint32_t fold16(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/*
 * The ones' complement sum of p[0..n) as 16-bit big-endian words, added to
 * s, folded to 16 bits (what fold() makes of it is the same), summed as
 * big-endian 32-bit words: 2^16 is 1 modulo 0xffff.
 */
static uint32_t sum16(uint32_t s, const unsigned char *p, size_t n)
{
	uint64_t acc = s;
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		acc += get_be32(p + i);
	if (i + 2 <= n) {
		acc += get_be16(p + i);
		i += 2;
	}
	if (i < n)
		acc += (uint32_t)p[i] << 8;
	return fold16(acc);
}

/*
 * The ones' complement sum of the two addresses (either order: a sum),
 * which the IPv4 header and both pseudo headers hold, as sum16() makes it.
 */
static uint32_t addr_sum(const struct bblog_dump *d, unsigned n)
{
	uint64_t acc = 0;
	unsigned i;

	for (i = 0; i < n; i += 4)
		acc += (uint64_t)get_be32(d->laddr + i) + get_be32(d->faddr + i);
	return fold16(acc);
}

/* The checksum of a sum: folded, complemented. */
static uint16_t fold(uint32_t s)
{
	return (uint16_t)~fold16(s);
}

int bblog_record_inbound(const struct bblog_record *r)
{
	/* segments the stack received; every other header was sent */
	return r->event == BBLOG_EV_IN || r->event == BBLOG_EV_RST_RECV ||
	       r->event == BBLOG_EV_BAD_CSUM;
}

/* Builds the EPB packet bytes; returns the captured length. */
static uint32_t build_packet(const struct bblog_dump *d,
			     const struct bblog_record *r, unsigned thl,
			     unsigned char pkt[BBLOG_SNAPLEN], uint32_t *pktlen)
{
	int v6 = d->family == 10;
	unsigned iphl = v6 ? 40 : 20;
	const unsigned char *src, *dst;
	uint64_t tcplen = (uint64_t)thl + r->payload_len;
	uint64_t total = 4 + iphl + tcplen;
	unsigned char *ip = pkt + 4, *th = pkt + 4 + iphl;
	uint32_t s, addrs = addr_sum(d, v6 ? 16 : 4);
	uint16_t l16;

	if (bblog_record_inbound(r)) {
		src = d->faddr;
		dst = d->laddr;
	} else {
		src = d->laddr;
		dst = d->faddr;
	}
	memset(pkt, 0, BBLOG_SNAPLEN);
	put_h32(pkt, v6 ? FBSD_AF_INET6 : FBSD_AF_INET);
	if (v6) {
		l16 = tcplen > 0xffff ? 0xffff : (uint16_t)tcplen;
		ip[0] = 0x60;
		put_be16(ip + 4, l16);
		ip[6] = 6;		/* TCP */
		ip[7] = 127;		/* hop limit */
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		l16 = tcplen + 20 > 0xffff ? 0xffff : (uint16_t)(tcplen + 20);
		ip[0] = 0x45;
		put_be16(ip + 2, l16);
		ip[8] = 127;		/* TTL */
		ip[9] = 6;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		/* the header's words: 0x4500, l16, 0, 0, 0x7f06, the addresses */
		put_be16(ip + 10, fold(addrs + 0x4500 + l16 + 0x7f06));
		l16 = (uint16_t)(l16 - 20);
	}
	memcpy(th, r->th, thl);
	th[16] = th[17] = 0;
	/* pseudo header + header; the payload is all zero and adds nothing */
	if (v6) {
		uint32_t l32 = tcplen > UINT32_MAX ? UINT32_MAX : (uint32_t)tcplen;

		s = addrs + (l32 >> 16) + (l32 & 0xffff) + 6;
	} else {
		s = addrs + (uint32_t)l16 + 6;
	}
	put_be16(th + 16, fold(sum16(s, th, thl)));
	*pktlen = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	return total > BBLOG_SNAPLEN ? BBLOG_SNAPLEN : (uint32_t)total;
}

/* ---- blocks ---- */

/* "addr:port", "[addr]:port" for IPv6. */
static void sb_endpoint(struct sbuf *b, const struct bblog_dump *d, int foreign)
{
	uint16_t port;

	memcpy(&port, foreign ? &d->fport : &d->lport, 2);
	if (d->family == 10)
		sb_char(b, '[');
	sb_addr(b, d->family, foreign ? d->faddr : d->laddr);
	sb_str(b, d->family == 10 ? "]:" : ":");
	sb_u64(b, get_be16((const unsigned char *)&port));
}

static void fmt_endpoint(const struct bblog_dump *d, int foreign,
			 char *buf, size_t len)
{
	struct sbuf b;

	sb_fixed(&b, buf, len);
	sb_endpoint(&b, d, foreign);
}

/* Printable ASCII copy of a NUL-padded kernel string. */
static void clean_str(char *dst, const char *src, size_t max)
{
	size_t i, n = cstrlen(src, max);

	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[n] = 0;
}

int bblog_pcapng_open(struct bblog_pcapng *w, struct bblog_out *out,
		      const struct bblog_dump *d, int64_t dumptime,
		      const char *appl, const char *cgpath)
{
	unsigned char hdr[FBSD_HEADER_LEN], v[16];
	char id[BBLOG_ID_LEN], tag[BBLOG_TAG_LEN], reason[BBLOG_REASON_LEN];
	char ca[BBLOG_CA_NAME_LEN], comm[BBLOG_COMM_LEN], l[80], f[80];
	char owner[64], cgp[512], text[1024];
	struct sbuf sb;
	struct blk k;
	int n;

	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first = *d;

	blk_begin(w, &k, PCAPNG_SHB);
	blk_h32(&k, PCAPNG_BOM);
	blk_h32(&k, 0);
	put_h16(k.b + 12, 1);
	put_h16(k.b + 14, 0);
	blk_h32(&k, 0xffffffffu);
	blk_h32(&k, 0xffffffffu);
	put_le32(v, FBSD_LOG_VERSION);
	blk_nflx_opt(&k, 0, NFLX_OPT_VERSION, v, 4);
	put_le64(v, (uint64_t)dumptime);
	blk_nflx_opt(&k, 0, NFLX_OPT_DUMPTIME, v, 8);
	bblog_fbsd_header(d, (uint64_t)d->nrecords * FBSD_RECORD_LEN, hdr);
	blk_nflx_opt(&k, 0, NFLX_OPT_DUMPINFO, hdr, sizeof(hdr));
	v[0] = BBLOG_PCAP_STACK_ID;
	memcpy(v + 1, BBLOG_PCAP_STACK_NAME, sizeof(BBLOG_PCAP_STACK_NAME) - 1);
	blk_nflx_opt(&k, 0, NFLX_OPT_STACKNAME, v,
		     sizeof(BBLOG_PCAP_STACK_NAME));
	clean_str(id, d->id, sizeof(id) - 1);
	clean_str(tag, d->tag, sizeof(tag) - 1);
	clean_str(reason, d->reason, sizeof(reason) - 1);
	clean_str(ca, d->ca_name, sizeof(ca) - 1);
	clean_str(comm, d->owner_comm, sizeof(comm) - 1);
	fmt_endpoint(d, 0, l, sizeof(l));
	fmt_endpoint(d, 1, f, sizeof(f));
	sb_fixed(&sb, owner, sizeof(owner));
	if (d->owner_how) {
		sb_str(&sb, comm);
		sb_char(&sb, '[');
		sb_u64(&sb, d->owner_pid);
		SB_LIT(&sb, "] (");
		sb_str(&sb, bblog_owner_how_name(d->owner_how));
		sb_char(&sb, ')');
	} else {
		SB_LIT(&sb, "unknown");
	}
	cgp[0] = 0;
	if (cgpath) {
		clean_str(cgp, cgpath, sizeof(cgp) - 1);
		/* a quote would end the value early */
		for (n = 0; cgp[n]; n++)
			if (cgp[n] == '"')
				cgp[n] = '?';
	}
	sb_fixed(&sb, text, sizeof(text));
	SB_LIT(&sb, "tcp_bblog connection ");
	sb_str(&sb, l);
	SB_LIT(&sb, " -> ");
	sb_str(&sb, f);
	SB_LIT(&sb, " id=\"");
	sb_str(&sb, id);
	SB_LIT(&sb, "\" tag=\"");
	sb_str(&sb, tag);
	SB_LIT(&sb, "\" reason=\"");
	sb_str(&sb, reason);
	SB_LIT(&sb, "\" cookie=");
	sb_u64(&sb, d->cookie);
	SB_LIT(&sb, " netns=");
	sb_u64(&sb, d->netns);
	SB_LIT(&sb, " uid=");
	sb_u64(&sb, d->uid);
	SB_LIT(&sb, " cc=");
	sb_str(&sb, ca);
	SB_LIT(&sb, " mode=");
	sb_str(&sb, bblog_mode_name(d->mode));
	SB_LIT(&sb, " owner=");
	sb_str(&sb, owner);
	SB_LIT(&sb, " cgroup=");
	sb_u64(&sb, d->cgroup);
	if (cgpath) {
		SB_LIT(&sb, " cgroup_path=\"");
		sb_str(&sb, cgp);
		sb_char(&sb, '"');
	}
	blk_opt(&k, PCAPNG_OPT_COMMENT, text, sb.len);
	if (appl)
		blk_opt(&k, PCAPNG_SHB_USERAPPL, appl, strlen(appl));
	blk_h32(&k, 0);		/* opt_endofopt */
	if (blk_end(w, &k) < 0)
		return -1;

	blk_begin(w, &k, PCAPNG_IDB);
	blk_h32(&k, 0);		/* linktype NULL, reserved */
	put_h16(k.b + 8, PCAPNG_LINKTYPE_NULL);
	blk_h32(&k, BBLOG_SNAPLEN);
	sb_fixed(&sb, text, sizeof(text));
	sb_str(&sb, l);
	sb_char(&sb, '-');
	sb_str(&sb, f);
	blk_opt(&k, PCAPNG_IF_NAME, text, sb.len);
	sb_fixed(&sb, text, sizeof(text));
	SB_LIT(&sb, "tcp_bblog TCP connection, local ");
	sb_str(&sb, l);
	SB_LIT(&sb, ", foreign ");
	sb_str(&sb, f);
	SB_LIT(&sb, ", cookie ");
	sb_u64(&sb, d->cookie);
	blk_opt(&k, PCAPNG_IF_DESCRIPTION, text, sb.len);
	blk_h32(&k, 0);
	return blk_end(w, &k);
}

int bblog_pcapng_skipped(struct bblog_pcapng *w, uint32_t count)
{
	struct blk k;

	blk_begin(w, &k, PCAPNG_CB);
	blk_h32(&k, BBLOG_PEN_NFLX);
	blk_le32(&k, NFLX_SKIPPED_BLOCK);
	blk_le32(&k, count);
	blk_le32(&k, 0);
	w->lost += count;
	return blk_end(w, &k);
}

/*
 * An application event in words, for the block's comment: "app event
 * type=T subtype=S: DATA", printable ASCII as it is, other bytes as \xHH.
 */
size_t bblog_user_event_text(const struct bblog_record *r, char *buf, size_t len)
{
	uint32_t n = !(r->flags & BBLOG_RF_USER) ? 0 :
		     r->payload_len < BBLOG_USER_DATA_LEN ? r->payload_len :
		     BBLOG_USER_DATA_LEN;
	size_t o;
	uint32_t i;
	int k;

	k = snprintf(buf, len, "app event type=%u subtype=%u%s", r->arg1, r->arg2,
		     n ? ": " : "");
	if (k < 0 || (size_t)k >= len)
		return len ? strlen(buf) : 0;
	o = (size_t)k;
	for (i = 0; i < n && o + 5 <= len; i++) {
		unsigned char c = r->th[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = 0;
	return o;
}

size_t bblog_drop_text(const struct bblog_dump *d, const struct bblog_record *r,
		       char *buf, size_t len)
{
	unsigned thl = bblog_record_th_len(r);
	char rn[48];
	const char *why = bblog_drop_reason_name(r->arg1, rn, sizeof(rn));
	uint16_t sport;
	int k;

	if (thl >= 20) {
		memcpy(&sport, r->th, 2);
		k = snprintf(buf, len, "drop %s seq %u len %u: %s",
			     sport == d->lport ? "out" : "in", get_be32(r->th + 4),
			     r->payload_len, why ? why : "reason unknown");
	} else {
		k = snprintf(buf, len, "drop: %s", why ? why : "reason unknown");
	}
	if (k < 0)
		k = 0;
	return (size_t)k < len ? (size_t)k : len ? len - 1 : 0;
}

int bblog_pcapng_record(struct bblog_pcapng *w, const struct bblog_dump *d,
			const struct bblog_record *r)
{
	/* a dropped segment is an event, not a second copy of the packet */
	unsigned thl = r->event == BBLOG_EV_DROP ? 0 : bblog_record_th_len(r);
	uint64_t us = bblog_record_wall_us(d, r);
	unsigned char *pkt;
	struct blk k;

	if (w->have_sn && r->sn != w->last_sn + 1) {
		uint32_t gap = r->sn - (w->last_sn + 1);

		/* a serial going backwards is not a loss */
		if (gap < 0x80000000u && bblog_pcapng_skipped(w, gap) < 0)
			return -1;
	}
	w->have_sn = 1;
	w->last_sn = r->sn;

	/* Written in place: the packet, the record, the comment. */
	if (thl) {
		uint32_t pktlen, caplen;

		blk_begin(w, &k, PCAPNG_EPB);
		/* interface, time, lengths; the packet, zero-padded */
		pkt = blk_put(&k, 20 + BBLOG_SNAPLEN);
		if (pkt) {
			caplen = build_packet(d, r, thl, pkt + 20, &pktlen);
			blk_unput(&k, BBLOG_SNAPLEN - ((caplen + 3) & ~3u));
			put_h32(pkt, 0);
			put_h32(pkt + 4, (uint32_t)(us >> 32));
			put_h32(pkt + 8, (uint32_t)us);
			put_h32(pkt + 12, caplen);
			put_h32(pkt + 16, pktlen);
		}
		blk_record(&k, 0, d, r, thl);
		blk_opt_h32(&k, PCAPNG_EPB_FLAGS, bblog_record_inbound(r) ? 1 : 2);
		blk_comment(&k, 0, d, r);
		blk_h32(&k, 0);
		w->packets++;
	} else {
		blk_begin(w, &k, PCAPNG_CB);
		blk_h32(&k, BBLOG_PEN_NFLX);
		blk_le32(&k, NFLX_EVENT_BLOCK);
		blk_record(&k, 1, d, r, 0);
		blk_comment(&k, 1, d, r);
		blk_le32(&k, 0);
	}
	if (blk_end(w, &k) < 0)
		return -1;
	if (!w->records)
		w->first_us = us;
	w->last_us = us;
	w->records++;
	if (r->event == BBLOG_EV_CONNEND)
		w->connend = 1;
	return 0;
}

int bblog_pcapng_dump(struct bblog_pcapng *w, const struct bblog_msg *m)
{
	struct bblog_record r;
	uint32_t i;

	if (m->kind != BBLOG_MSGK_DUMP) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < m->dump.nrecords; i++) {
		const struct bblog_record *rp = bblog_msg_record_at(m, i);

		if (!rp) {	/* another size, or not aligned: a copy */
			bblog_msg_record(m, i, &r);
			rp = &r;
		}
		if (bblog_pcapng_record(w, &m->dump, rp) < 0)
			return -1;
	}
	return 0;
}

static void mark_save(struct bblog_pcapng *w)
{
	struct bblog_pcapng_mark *m = &w->mark;

	m->have_sn = w->have_sn;
	m->last_sn = w->last_sn;
	m->records = w->records;
	m->packets = w->packets;
	m->lost = w->lost;
	m->first_us = w->first_us;
	m->last_us = w->last_us;
	m->connend = w->connend;
}

int bblog_pcapng_commit(struct bblog_pcapng *w)
{
	if (w->failed) {
		errno = w->err;
		return -1;
	}
	if (bblog_out_commit(w->out) < 0) {
		w->failed = 1;
		w->err = errno;
		return -1;
	}
	mark_save(w);
	return 0;
}

int bblog_pcapng_rollback(struct bblog_pcapng *w)
{
	const struct bblog_pcapng_mark *m = &w->mark;

	w->have_sn = m->have_sn;
	w->last_sn = m->last_sn;
	w->records = m->records;
	w->packets = m->packets;
	w->lost = m->lost;
	w->first_us = m->first_us;
	w->last_us = m->last_us;
	w->connend = m->connend;
	w->failed = 0;
	w->err = 0;
	return bblog_out_rollback(w->out);
}

int bblog_pcapng_close(struct bblog_pcapng *w)
{
	int rc = bblog_out_close(w->out);

	w->out = NULL;
	if (w->failed) {
		errno = w->err;
		return -1;
	}
	return rc;
}
