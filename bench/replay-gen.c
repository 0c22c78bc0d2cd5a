// SPDX-License-Identifier: GPL-2.0
/*
 * replay-gen: write a synthetic tcp_bblog device stream, the bytes that
 * /dev/tcp_bblog delivers and `bblog raw` saves, for `bblog record -f`.
 *
 *   replay-gen [-c CONNS] [-n RECORDS] [-k PER_DUMP] [-S SEED] [-o FILE]
 *
 * CONNS connections (default 10000) in CONTINUAL mode, RECORDS records in
 * all (default 5000000, spread evenly), dumped PER_DUMP records at a time
 * (default 100, as with session_limit 100).  Dumps of different
 * connections are interleaved at random, so that nearly all of them are
 * open at once until the end; each connection's last dump ends it
 * (BBLOG_DF_ENDED and a CONNEND record).  Every eighth connection is IPv6.
 * Records: a state change, then segments out and in with TCP headers, a
 * retransmission every 16 records, a congestion-state change every 64.
 * The same arguments give the same bytes.  Prints on stderr what it wrote.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/tcp_bblog.h>

struct gconn {
	uint32_t idx;
	uint32_t total;		/* records of this connection */
	uint32_t done;		/* records written */
	uint32_t seq;		/* next dump's seq */
};

static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void put16(unsigned char *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static void th(struct bblog_record *r, int out, uint32_t seq, uint32_t ack,
	       uint8_t flags, uint32_t payload)
{
	unsigned char *t = r->th;

	put16(t, out ? 443 : 40000);
	put16(t + 2, out ? 40000 : 443);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 8 << 4;			/* 32 bytes: timestamps */
	t[13] = flags;
	put16(t + 14, 501);
	t[20] = 1; t[21] = 1; t[22] = 8; t[23] = 10;
	put32(t + 24, r->jiffies);
	put32(t + 28, r->jiffies - 3);
	r->th_len = 32;
	r->flags |= BBLOG_RF_HDR;
	r->payload_len = payload;
}

static void record(struct bblog_record *r, const struct gconn *c, uint32_t sn)
{
	uint32_t una = 1000 + sn * 1448, rcv = 5000 + sn * 10;

	memset(r, 0, sizeof(*r));
	r->time_ns = 1000000000ull + (uint64_t)sn * 100000 + c->idx;
	r->sn = sn;
	r->jiffies = 100000 + sn / 10;
	r->state = 1;			/* ESTABLISHED */
	r->flags = BBLOG_RF_SNAPSHOT;
	r->snd_wscale = 7;
	r->rcv_wscale = 7;
	r->snd_una = una;
	r->snd_nxt = una + 14480;
	r->write_seq = una + 65536;
	r->rcv_nxt = rcv;
	r->copied_seq = rcv;
	r->rcv_wup = rcv;
	r->snd_wnd = 65535 << 7;
	r->rcv_wnd = 65535;
	r->snd_cwnd = 10 + sn % 50;
	r->snd_ssthresh = 0x7fffffff;
	r->mss_cache = 1448;
	r->srtt_us = (2000 + sn % 300) << 3;
	r->mdev_us = 500 << 2;
	r->rto_us = 204000;
	r->min_rtt_us = 1900;
	r->packets_out = 10;
	r->rcvbuf = 131072;
	r->sndbuf = 87040;
	r->delivered = sn;
	r->tcp_flags = BBLOG_TF_SACK_OK | BBLOG_TF_WSCALE_OK | BBLOG_TF_TSTAMP_OK;
	r->pacing_rate = 125000000;
	r->bytes_acked = (uint64_t)una;
	r->bytes_sent = (uint64_t)una + 14480;
	if (sn == 0) {
		r->event = BBLOG_EV_STATE;
		r->arg1 = 2;		/* SYN_SENT */
		r->arg2 = 1;		/* ESTABLISHED */
	} else if (sn == c->total - 1) {
		r->event = BBLOG_EV_CONNEND;
		r->arg1 = BBLOG_END_CLOSE_LOCAL;
		r->state = 7;		/* CLOSE */
	} else if (sn % 64 == 33) {
		r->event = BBLOG_EV_CA_STATE;
		r->arg1 = 0;
		r->arg2 = 1;
		r->ca_state = 1;
	} else if (sn % 16 == 7) {
		r->event = BBLOG_EV_RETRANS;
		r->total_retrans = sn / 16;
		th(r, 1, una, rcv, 0x18, 1448);
	} else if (sn % 2) {
		r->event = BBLOG_EV_OUT;
		th(r, 1, una + 14480, rcv, 0x18, 1448);
	} else {
		r->event = BBLOG_EV_IN;
		th(r, 0, rcv, una, 0x10, 0);
	}
}

static void dump_hdr(struct bblog_dump *d, const struct gconn *c, uint32_t n,
		     int last)
{
	uint32_t i = c->idx;
	int v6 = i % 8 == 7;

	memset(d, 0, sizeof(*d));
	d->hdr.version = BBLOG_VERSION;
	d->hdr.type = BBLOG_MSG_DUMP;
	d->hdr.length = sizeof(*d) + (uint64_t)n * sizeof(struct bblog_record);
	d->cookie = 0x100000000ull + i;
	d->boot_offset_ns = 1700000000000000000ull;
	d->netns = 4026531840u;
	d->nrecords = n;
	d->record_size = sizeof(struct bblog_record);
	d->header_size = sizeof(*d);
	d->seq = c->seq;
	d->family = v6 ? 10 : 2;
	d->flags = (v6 ? BBLOG_DF_IPV6 : 0) | (last ? BBLOG_DF_ENDED : 0) |
		   BBLOG_DF_AUTO;
	put16((unsigned char *)&d->lport, 443);
	put16((unsigned char *)&d->fport, 20000 + i % 40000);
	if (v6) {
		inet_pton(AF_INET6, "2001:db8::1", d->laddr);
		inet_pton(AF_INET6, "2001:db8:1::", d->faddr);
		put32(d->faddr + 12, i);
	} else {
		inet_pton(AF_INET, "192.0.2.1", d->laddr);
		put32(d->faddr, (10u << 24) | i);
	}
	d->mode = BBLOG_MODE_CONTINUAL;
	d->state = last ? 7 : 1;
	d->uid = 1000;
	strcpy(d->ca_name, "cubic");
	strcpy(d->id, "bench");
	strcpy(d->reason, last ? "auto-dumped at close" :
	       "auto-dumped from continual");
	d->owner_how = BBLOG_OWNER_CONNECT;
	d->owner_pid = 4242;
	strcpy(d->owner_comm, "replay");
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !v) {
		fprintf(stderr, "replay-gen: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long nconn = 10000, nrec = 5000000, per = 100, live;
	struct bblog_record *recs;
	struct gconn *conns;
	struct bblog_dump d;
	uint64_t bytes = 0, dumps = 0;
	const char *out = NULL;
	FILE *f = stdout;
	unsigned long i;
	int ch;

	while ((ch = getopt(argc, argv, "c:n:k:S:o:")) != -1) {
		switch (ch) {
		case 'c': nconn = num(optarg, "connection count"); break;
		case 'n': nrec = num(optarg, "record count"); break;
		case 'k': per = num(optarg, "records per dump"); break;
		case 'S': rng = num(optarg, "seed"); break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: replay-gen [-c CONNS] [-n RECORDS] [-k PER_DUMP] [-S SEED] [-o FILE]\n");
			return 2;
		}
	}
	if (nrec < 2 * nconn || per > BBLOG_SESSION_LIMIT_MAX || nconn > 1u << 24) {
		fprintf(stderr, "replay-gen: at least 2 records per connection, at most %u per dump, %u connections\n",
			BBLOG_SESSION_LIMIT_MAX, 1u << 24);
		return 2;
	}
	if (out)
		f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "replay-gen: %s: %s\n", out, strerror(errno));
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	conns = calloc(nconn, sizeof(*conns));
	recs = calloc(per, sizeof(*recs));
	if (!conns || !recs) {
		fprintf(stderr, "replay-gen: out of memory\n");
		return 1;
	}
	for (i = 0; i < nconn; i++) {
		conns[i].idx = (uint32_t)i;
		conns[i].total = (uint32_t)(nrec / nconn + (i < nrec % nconn));
	}
	/* pick a live connection at random; one that ended leaves the set */
	for (live = nconn; live; ) {
		struct gconn *c = &conns[next_rand() % live];
		uint32_t n = c->total - c->done, j;
		int last;

		if (n > per)
			n = (uint32_t)per;
		last = c->done + n == c->total;
		for (j = 0; j < n; j++)
			record(&recs[j], c, c->done + j);
		dump_hdr(&d, c, n, last);
		if (fwrite(&d, sizeof(d), 1, f) != 1 ||
		    (n && fwrite(recs, sizeof(*recs), n, f) != n))
			break;
		bytes += d.hdr.length;
		dumps++;
		c->done += n;
		c->seq++;
		if (last)
			*c = conns[--live];
	}
	if (fflush(f) != 0 || ferror(f) || (out && fclose(f) != 0)) {
		fprintf(stderr, "replay-gen: %s: %s\n", out ? out : "stdout",
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "replay-gen: %lu connections, %lu records, %llu dumps, %llu bytes\n",
		nconn, nrec, (unsigned long long)dumps, (unsigned long long)bytes);
	free(conns);
	free(recs);
	return 0;
}
