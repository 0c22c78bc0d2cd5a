// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest parse: validate a raw /dev/tcp_bblog stream (or a BBLOG_SO_BUF
 * record array with --buf) and print it for busybox sh, grep and awk:
 *
 *   dump i=0 cookie=.. family=4 laddr=.. lport=.. faddr=.. fport=.. netns=..
 *        nrecords=.. first_sn=.. last_sn=.. sn_gaps=.. prev_gap=.. seq=..
 *        flags=0x.. ended=0|1 auto=0|1 mode=.. state=.. id=.. tag=.. reason=..
 *        lost_nomem=.. lost_limit=.. overwritten=.. lost_export=.. ca=..
 *        ev_in= ev_out= ev_state= ev_retrans= ev_rst_sent= ev_rst_recv=
 *        ev_ca= ev_end= ev_rto= ev_sockopt= ev_synack_retrans= ev_rcvbuf=
 *        ev_sk_error= ev_bad_csum= ev_other=
 *   rec cookie=.. seq=.. sn=.. ev=.. evname=.. state=.. ca=.. th_len=..
 *       seq_no=.. ack_no=.. tflags=SA win=.. payload_len=.. snd_cwnd=..
 *       srtt_us=.. arg1=.. arg2=.. err=..                (with --records)
 *   conn cookie=.. dumps=.. seqs=0,1,.. records=.. first_sn=.. last_sn=..
 *        sn_gaps=.. ended=0|1 reasons=..                  (with --conn)
 *
 * Strings are %XX-escaped (no spaces).  sn_gaps counts the serial numbers
 * missing inside a dump; prev_gap those missing between this dump and the
 * previous dump of the same cookie (-1 for its first dump).  Exit status 1
 * when the stream is damaged: bad header, length, record_size, or sn not
 * increasing inside a dump.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bbtest.h"

int stream_load(const char *path, struct stream *s, int quiet)
{
	ssize_t n;
	size_t off = 0, cap = 0;

	memset(s, 0, sizeof(*s));
	n = read_file(path, &s->buf);
	if (n < 0) {
		if (!quiet)
			printf("error: read %s: %s\n", path, strerror(errno));
		return -1;
	}
	s->len = (size_t)n;
	while (off < s->len) {
		struct bblog_msg_hdr h;
		const struct bblog_dump *d;
		uint32_t i;

		if (s->len - off < sizeof(h)) {
			if (!quiet)
				printf("error: offset %zu: %zu trailing bytes, not a header\n", off,
				       s->len - off);
			return -1;
		}
		memcpy(&h, s->buf + off, sizeof(h));
		if (h.version != BBLOG_VERSION) {
			if (!quiet)
				printf("error: offset %zu: version %u, want %u\n", off, h.version,
				       BBLOG_VERSION);
			return -1;
		}
		if (h.length < sizeof(h) || h.length > s->len - off) {
			if (!quiet)
				printf("error: offset %zu: length %llu (%zu bytes left)\n", off,
				       (unsigned long long)h.length, s->len - off);
			return -1;
		}
		if (h.type == BBLOG_MSG_LOST && h.length >= sizeof(struct bblog_lost)) {
			struct bblog_lost l;

			memcpy(&l, s->buf + off, sizeof(l));
			s->nlost++;
			s->lost_dumps += l.dumps;
			s->lost_records += l.records;
			off += h.length;
			continue;
		}
		if (h.type != BBLOG_MSG_DUMP) {
			s->nskipped++;
			off += h.length;
			continue;
		}
		if (h.length < sizeof(*d)) {
			if (!quiet)
				printf("error: offset %zu: dump of %llu bytes, header is %zu\n", off,
				       (unsigned long long)h.length, sizeof(*d));
			return -1;
		}
		d = (const struct bblog_dump *)(s->buf + off);
		if (d->record_size < sizeof(struct bblog_record)) {
			if (!quiet)
				printf("error: offset %zu: record_size %u < %zu\n", off,
				       d->record_size, sizeof(struct bblog_record));
			return -1;
		}
		/* The module built from this tree writes this tree's header. */
		if (d->hdr.version == BBLOG_VERSION && d->header_size != sizeof(*d)) {
			if (!quiet)
				printf("error: offset %zu: header_size %u, want %zu\n", off,
				       d->header_size, sizeof(*d));
			return -1;
		}
		/* The dump header may grow at its end (uapi compatibility rule). */
		if (h.length < sizeof(*d) + (uint64_t)d->nrecords * d->record_size ||
		    (d->hdr.version == BBLOG_VERSION &&
		     h.length != sizeof(*d) + (uint64_t)d->nrecords * d->record_size)) {
			if (!quiet)
				printf("error: offset %zu: length %llu != %zu + %u * %u\n", off,
				       (unsigned long long)h.length, sizeof(*d), d->nrecords,
				       d->record_size);
			return -1;
		}
		if (d->family != AF_INET && d->family != AF_INET6) {
			if (!quiet)
				printf("error: offset %zu: family %u\n", off, d->family);
			return -1;
		}
		if (!!(d->flags & BBLOG_DF_IPV6) != (d->family == AF_INET6)) {
			if (!quiet)
				printf("error: offset %zu: BBLOG_DF_IPV6 disagrees with family %u\n",
				       off, d->family);
			return -1;
		}
		if (s->ndumps == cap) {
			cap = cap ? cap * 2 : 64;
			s->dumps = realloc(s->dumps, cap * sizeof(*s->dumps));
			if (!s->dumps)
				die("out of memory");
		}
		s->dumps[s->ndumps].d = d;
		s->dumps[s->ndumps].recs = s->buf + off + h.length -
					   (size_t)d->nrecords * d->record_size;
		s->dumps[s->ndumps].off = off;
		for (i = 1; i < d->nrecords; i++) {
			uint32_t a = dump_rec(&s->dumps[s->ndumps], i - 1)->sn;
			uint32_t b = dump_rec(&s->dumps[s->ndumps], i)->sn;

			if ((int32_t)(b - a) <= 0) {
				if (!quiet)
					printf("error: offset %zu (cookie %llu): record %u sn %u after "
					       "sn %u\n", off, (unsigned long long)d->cookie, i, b, a);
				return -1;
			}
		}
		s->ndumps++;
		off += h.length;
	}
	return 0;
}

void stream_free(struct stream *s)
{
	free(s->buf);
	free(s->dumps);
	memset(s, 0, sizeof(*s));
}

struct evcount {
	unsigned long in, out, state, retrans, rst_sent, rst_recv, ca, end, rto, sockopt,
		synack, rcvbuf, sk_error, bad_csum, tlp, probe0, keepalive, pmtu, other;
	unsigned long long gaps;
};

static void count_events(const struct bblog_record *r, struct evcount *e)
{
	switch (r->event) {
	case BBLOG_EV_IN: e->in++; break;
	case BBLOG_EV_OUT: e->out++; break;
	case BBLOG_EV_STATE: e->state++; break;
	case BBLOG_EV_RETRANS: e->retrans++; break;
	case BBLOG_EV_RST_SENT: e->rst_sent++; break;
	case BBLOG_EV_RST_RECV: e->rst_recv++; break;
	case BBLOG_EV_CA_STATE: e->ca++; break;
	case BBLOG_EV_CONNEND: e->end++; break;
	case BBLOG_EV_RTO: e->rto++; break;
	case BBLOG_EV_SOCKOPT: e->sockopt++; break;
	case BBLOG_EV_SYNACK_RETRANS: e->synack++; break;
	case BBLOG_EV_RCVBUF: e->rcvbuf++; break;
	case BBLOG_EV_SK_ERROR: e->sk_error++; break;
	case BBLOG_EV_BAD_CSUM: e->bad_csum++; break;
	case BBLOG_EV_TLP: e->tlp++; break;
	case BBLOG_EV_PROBE0: e->probe0++; break;
	case BBLOG_EV_KEEPALIVE: e->keepalive++; break;
	case BBLOG_EV_PMTU_RETRANS: e->pmtu++; break;
	default: e->other++; break;
	}
}

static void print_counts(FILE *f, const struct evcount *e, int json)
{
	if (json)
		fprintf(f, "\"ev_in\":%lu,\"ev_out\":%lu,\"ev_state\":%lu,\"ev_retrans\":%lu,"
			"\"ev_rst_sent\":%lu,\"ev_rst_recv\":%lu,\"ev_ca\":%lu,\"ev_end\":%lu,"
			"\"ev_rto\":%lu,\"ev_sockopt\":%lu,\"ev_synack_retrans\":%lu,"
			"\"ev_rcvbuf\":%lu,\"ev_sk_error\":%lu,\"ev_bad_csum\":%lu,\"ev_tlp\":%lu,"
			"\"ev_probe0\":%lu,\"ev_keepalive\":%lu,\"ev_pmtu_retrans\":%lu,"
			"\"ev_other\":%lu",
			e->in, e->out, e->state, e->retrans, e->rst_sent, e->rst_recv, e->ca,
			e->end, e->rto, e->sockopt, e->synack, e->rcvbuf, e->sk_error,
			e->bad_csum, e->tlp, e->probe0, e->keepalive, e->pmtu, e->other);
	else
		fprintf(f, "ev_in=%lu ev_out=%lu ev_state=%lu ev_retrans=%lu ev_rst_sent=%lu "
			"ev_rst_recv=%lu ev_ca=%lu ev_end=%lu ev_rto=%lu ev_sockopt=%lu "
			"ev_synack_retrans=%lu ev_rcvbuf=%lu ev_sk_error=%lu ev_bad_csum=%lu "
			"ev_tlp=%lu ev_probe0=%lu ev_keepalive=%lu ev_pmtu_retrans=%lu ev_other=%lu",
			e->in, e->out, e->state, e->retrans, e->rst_sent, e->rst_recv, e->ca,
			e->end, e->rto, e->sockopt, e->synack, e->rcvbuf, e->sk_error,
			e->bad_csum, e->tlp, e->probe0, e->keepalive, e->pmtu, e->other);
}

static void print_record(const struct bblog_record *r, uint64_t cookie, uint32_t seq,
			 int json)
{
	uint32_t tseq = 0, tack = 0;
	uint16_t win = 0;
	uint8_t fl = 0;
	char fls[12];

	if (r->th_len >= 20) {
		memcpy(&tseq, r->th + 4, 4);
		memcpy(&tack, r->th + 8, 4);
		memcpy(&win, r->th + 14, 2);
		tseq = ntohl(tseq);
		tack = ntohl(tack);
		win = ntohs(win);
		fl = r->th[13];
	}
	tcpflags_str(fl, fls);
	if (json) {
		printf("{\"type\":\"rec\",\"cookie\":%llu,\"seq\":%u,\"sn\":%u,\"time_ns\":%llu,"
		       "\"ev\":%u,\"evname\":\"%s\",\"state\":%u,\"ca\":%u,\"th_len\":%u,"
		       "\"flags\":%u,\"seq_no\":%u,\"ack_no\":%u,\"tflags\":\"%s\",\"win\":%u,"
		       "\"payload_len\":%u,\"snd_cwnd\":%u,\"snd_ssthresh\":%u,\"srtt_us\":%u,"
		       "\"snd_una\":%u,\"snd_nxt\":%u,\"rcv_nxt\":%u,\"retrans_out\":%u,"
		       "\"total_retrans\":%u,\"arg1\":%u,\"arg2\":%u,\"err\":%d}\n",
		       (unsigned long long)cookie, seq, r->sn, (unsigned long long)r->time_ns,
		       r->event, ev_name(r->event), r->state, r->ca_state, r->th_len, r->flags,
		       tseq, tack, fls, win, r->payload_len, r->snd_cwnd, r->snd_ssthresh,
		       r->srtt_us, r->snd_una, r->snd_nxt, r->rcv_nxt, r->retrans_out,
		       r->total_retrans, r->arg1, r->arg2, r->err);
		return;
	}
	printf("rec cookie=%llu seq=%u sn=%u time_ns=%llu ev=%u evname=%s state=%u ca=%u "
	       "th_len=%u flags=0x%x seq_no=%u ack_no=%u tflags=%s win=%u payload_len=%u "
	       "snd_cwnd=%u snd_ssthresh=%u srtt_us=%u snd_una=%u snd_nxt=%u rcv_nxt=%u "
	       "retrans_out=%u total_retrans=%u arg1=%u arg2=%u err=%d bytes_sent=%llu "
	       "bytes_retrans=%llu dsack_dups=%u reord_seen=%u delivered_ce=%u busy_ms=%u "
	       "rwnd_limited_ms=%u sndbuf_limited_ms=%u",
	       (unsigned long long)cookie, seq, r->sn, (unsigned long long)r->time_ns, r->event,
	       ev_name(r->event), r->state, r->ca_state, r->th_len, r->flags, tseq, tack, fls,
	       win, r->payload_len, r->snd_cwnd, r->snd_ssthresh, r->srtt_us, r->snd_una,
	       r->snd_nxt, r->rcv_nxt, r->retrans_out, r->total_retrans, r->arg1, r->arg2,
	       r->err, (unsigned long long)r->bytes_sent, (unsigned long long)r->bytes_retrans,
	       r->dsack_dups, r->reord_seen, r->delivered_ce, r->busy_ms, r->rwnd_limited_ms,
	       r->sndbuf_limited_ms);
	if (r->event == BBLOG_EV_RST_SENT) {
		char name[64];

		printf(" rst_reason=%s", rst_reason_name(r->arg1, name, sizeof(name)));
	}
	if (r->event == BBLOG_EV_DROP) {
		char name[64];

		printf(" drop_reason=%s", drop_reason_name(r->arg1, name, sizeof(name)));
	}
	if (r->event == BBLOG_EV_USER && (r->flags & BBLOG_RF_USER)) {
		char data[BBLOG_USER_DATA_LEN + 1] = "";

		memcpy(data, r->th, r->payload_len < BBLOG_USER_DATA_LEN ?
		       r->payload_len : BBLOG_USER_DATA_LEN);
		printf(" user_data=");
		put_escaped(stdout, data, sizeof(data));
	}
	printf("\n");
}

/* Per-cookie summary (--conn). */
struct connsum {
	uint64_t cookie;
	unsigned long dumps;
	unsigned long long records, gaps;
	unsigned long long explained;	/* lost_nomem + lost_limit + overwritten */
	uint32_t first_sn, last_sn;
	int ended, have_sn;
	char seqs[256];
	char reasons[256];
};

static struct connsum *find_conn(struct connsum **cs, size_t *n, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*cs)[i].cookie == cookie)
			return &(*cs)[i];
	*cs = realloc(*cs, (*n + 1) * sizeof(**cs));
	if (!*cs)
		die("out of memory");
	memset(&(*cs)[*n], 0, sizeof(**cs));
	(*cs)[*n].cookie = cookie;
	return &(*cs)[(*n)++];
}

static void append(char *buf, size_t len, const char *s)
{
	size_t l = strlen(buf);

	if (l + strlen(s) + 2 < len)
		snprintf(buf + l, len - l, "%s%s", l ? "," : "", s);
}

/* BBLOG_SO_BUF output: a bare array of records. */
static int parse_buf(const char *path, int records, int json)
{
	uint8_t *buf;
	ssize_t n = read_file(path, &buf);
	size_t i, nr;
	struct evcount e = { 0 };
	uint32_t first = 0, last = 0;
	int bad = 0;

	if (n < 0) {
		printf("error: read %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (n % sizeof(struct bblog_record)) {
		printf("error: %zd bytes is not a whole number of records\n", n);
		bad = 1;
	}
	nr = (size_t)n / sizeof(struct bblog_record);
	for (i = 0; i < nr; i++) {
		const struct bblog_record *r = (const void *)(buf + i * sizeof(*r));

		if (!i)
			first = r->sn;
		else if ((int32_t)(r->sn - last) <= 0)
			printf("note: record %zu sn %u after %u (another connection?)\n", i, r->sn,
			       last);
		else
			e.gaps += r->sn - last - 1;
		last = r->sn;
		count_events(r, &e);
		if (records)
			print_record(r, 0, 0, json);
	}
	printf("buf nrecords=%zu first_sn=%u last_sn=%u sn_gaps=%llu ", nr, first, last, e.gaps);
	print_counts(stdout, &e, 0);
	printf("\n");
	free(buf);
	return bad;
}

int cmd_parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "records", no_argument, NULL, 'r' },
		{ "conn", no_argument, NULL, 'c' },
		{ "cookie", required_argument, NULL, 'k' },
		{ "buf", no_argument, NULL, 'b' },
		{ "check-gaps", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, records = 0, conn = 0, isbuf = 0, c, have_cookie = 0;
	int check_gaps = 0;
	unsigned long long unexplained = 0;
	unsigned long long want_cookie = 0;
	const char *path;
	struct stream s;
	struct connsum *cs = NULL;
	size_t ncs = 0, i;
	int rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'r': records = 1; break;
		case 'c': conn = 1; break;
		case 'b': isbuf = 1; break;
		case 'g': check_gaps = 1; break;
		case 'k': want_cookie = parse_u64(optarg, "--cookie"); have_cookie = 1; break;
		default: die("usage: bbtest parse FILE [--json] [--records] [--conn] "
			     "[--cookie C] [--buf] [--check-gaps]");
		}
	}
	if (optind != argc - 1)
		die("usage: bbtest parse FILE [--json] [--records] [--conn] [--cookie C] [--buf]"
		    " [--check-gaps]");
	path = argv[optind];
	if (isbuf)
		return parse_buf(path, records, json);

	rc = stream_load(path, &s, 0) < 0 ? 1 : 0;
	/* Print what was valid even when the stream is damaged further on. */
	for (i = 0; i < s.ndumps; i++) {
		const struct dump_view *v = &s.dumps[i];
		const struct bblog_dump *d = v->d;
		struct evcount e = { 0 };
		struct connsum *cn;
		uint32_t k, first = 0, last = 0;
		long long prev_gap = -1;
		char la[64], fa[64], num[16];

		if (have_cookie && d->cookie != want_cookie)
			continue;
		for (k = 0; k < d->nrecords; k++) {
			const struct bblog_record *r = dump_rec(v, k);

			if (k)
				e.gaps += r->sn - last - 1;
			else
				first = r->sn;
			last = r->sn;
			count_events(r, &e);
		}
		cn = find_conn(&cs, &ncs, d->cookie);
		if (d->nrecords && cn->have_sn)
			prev_gap = (long long)(int32_t)(first - cn->last_sn - 1);
		cn->dumps++;
		cn->records += d->nrecords;
		cn->gaps += e.gaps + (prev_gap > 0 ? (unsigned long long)prev_gap : 0);
		if (d->nrecords) {
			if (!cn->have_sn)
				cn->first_sn = first;
			cn->last_sn = last;
			cn->have_sn = 1;
		}
		cn->ended |= !!(d->flags & BBLOG_DF_ENDED);
		/* The counters are the connection's totals so far. */
		cn->explained = d->lost_nomem + d->lost_limit + d->overwritten;
		snprintf(num, sizeof(num), "%u", d->seq);
		append(cn->seqs, sizeof(cn->seqs), num);
		append(cn->reasons, sizeof(cn->reasons), d->reason[0] ? d->reason : "-");

		addr_str(d->family, d->laddr, la, sizeof(la));
		addr_str(d->family, d->faddr, fa, sizeof(fa));
		if (json) {
			printf("{\"type\":\"dump\",\"i\":%zu,\"cookie\":%llu,\"family\":%d,"
			       "\"laddr\":\"%s\",\"lport\":%u,\"faddr\":\"%s\",\"fport\":%u,"
			       "\"netns\":%u,\"nrecords\":%u,\"first_sn\":%u,\"last_sn\":%u,"
			       "\"sn_gaps\":%llu,\"prev_gap\":%lld,\"seq\":%u,\"flags\":%u,"
			       "\"ended\":%d,\"auto\":%d,\"mode\":%u,\"state\":%u,\"uid\":%u,"
			       "\"id\":",
			       i, (unsigned long long)d->cookie, d->family == AF_INET6 ? 6 : 4, la,
			       ntohs(d->lport), fa, ntohs(d->fport), d->netns, d->nrecords, first,
			       last, e.gaps, prev_gap, d->seq, d->flags,
			       !!(d->flags & BBLOG_DF_ENDED), !!(d->flags & BBLOG_DF_AUTO), d->mode,
			       d->state, d->uid);
			put_json_str(stdout, d->id, sizeof(d->id));
			printf(",\"tag\":");
			put_json_str(stdout, d->tag, sizeof(d->tag));
			printf(",\"reason\":");
			put_json_str(stdout, d->reason, sizeof(d->reason));
			printf(",\"ca\":");
			put_json_str(stdout, d->ca_name, sizeof(d->ca_name));
			printf(",\"cgroup\":%llu,\"owner_pid\":%u,\"owner_how\":%u,\"owner_comm\":",
			       (unsigned long long)d->cgroup, d->owner_pid, d->owner_how);
			put_json_str(stdout, d->owner_comm, sizeof(d->owner_comm));
			printf(",\"lost_nomem\":%llu,\"lost_limit\":%llu,\"overwritten\":%llu,"
			       "\"lost_export\":%llu,",
			       (unsigned long long)d->lost_nomem, (unsigned long long)d->lost_limit,
			       (unsigned long long)d->overwritten,
			       (unsigned long long)d->lost_export);
			print_counts(stdout, &e, 1);
			printf("}\n");
		} else {
			printf("dump i=%zu cookie=%llu family=%d laddr=%s lport=%u faddr=%s fport=%u "
			       "netns=%u nrecords=%u first_sn=%u last_sn=%u sn_gaps=%llu "
			       "prev_gap=%lld seq=%u flags=0x%x ended=%d auto=%d mode=%u state=%u "
			       "uid=%u id=",
			       i, (unsigned long long)d->cookie, d->family == AF_INET6 ? 6 : 4, la,
			       ntohs(d->lport), fa, ntohs(d->fport), d->netns, d->nrecords, first,
			       last, e.gaps, prev_gap, d->seq, d->flags,
			       !!(d->flags & BBLOG_DF_ENDED), !!(d->flags & BBLOG_DF_AUTO), d->mode,
			       d->state, d->uid);
			put_escaped(stdout, d->id, sizeof(d->id));
			printf(" tag=");
			put_escaped(stdout, d->tag, sizeof(d->tag));
			printf(" reason=");
			put_escaped(stdout, d->reason, sizeof(d->reason));
			printf(" ca=");
			put_escaped(stdout, d->ca_name, sizeof(d->ca_name));
			printf(" cgroup=%llu owner_pid=%u owner_how=%u owner_comm=",
			       (unsigned long long)d->cgroup, d->owner_pid, d->owner_how);
			put_escaped(stdout, d->owner_comm, sizeof(d->owner_comm));
			printf(" lost_nomem=%llu lost_limit=%llu overwritten=%llu lost_export=%llu ",
			       (unsigned long long)d->lost_nomem, (unsigned long long)d->lost_limit,
			       (unsigned long long)d->overwritten,
			       (unsigned long long)d->lost_export);
			print_counts(stdout, &e, 0);
			printf("\n");
		}
		if (records)
			for (k = 0; k < d->nrecords; k++)
				print_record(dump_rec(v, k), d->cookie, d->seq, json);
	}
	/*
	 * Every serial number missing before a connection's last record must
	 * be counted: in its dump header, or in a LOST message.
	 */
	for (i = 0; i < ncs; i++) {
		const struct connsum *cn = &cs[i];
		unsigned long long missing = cn->have_sn ? cn->first_sn + cn->gaps : 0;

		if (missing > cn->explained) {
			unexplained += missing - cn->explained;
			if (check_gaps)
				fprintf(stderr, "connection %llu: %llu records missing, %llu counted\n",
					(unsigned long long)cn->cookie, missing, cn->explained);
		}
	}
	if (check_gaps && unexplained > s.lost_records) {
		printf("error: %llu records missing without a count (LOST messages: %llu)\n",
		       unexplained, (unsigned long long)s.lost_records);
		rc = 1;
	}
	if (conn) {
		for (i = 0; i < ncs; i++) {
			const struct connsum *cn = &cs[i];

			if (json)
				printf("{\"type\":\"conn\",\"cookie\":%llu,\"dumps\":%lu,"
				       "\"seqs\":\"%s\",\"records\":%llu,\"first_sn\":%u,"
				       "\"last_sn\":%u,\"sn_gaps\":%llu,\"ended\":%d}\n",
				       (unsigned long long)cn->cookie, cn->dumps, cn->seqs,
				       cn->records, cn->first_sn, cn->last_sn, cn->gaps, cn->ended);
			else {
				printf("conn cookie=%llu dumps=%lu seqs=%s records=%llu first_sn=%u "
				       "last_sn=%u sn_gaps=%llu ended=%d reasons=",
				       (unsigned long long)cn->cookie, cn->dumps, cn->seqs,
				       cn->records, cn->first_sn, cn->last_sn, cn->gaps, cn->ended);
				put_escaped(stdout, cn->reasons, sizeof(cn->reasons));
				printf("\n");
			}
		}
	}
	if (s.nlost)
		printf("lost msgs=%zu dumps=%llu records=%llu\n", s.nlost,
		       (unsigned long long)s.lost_dumps, (unsigned long long)s.lost_records);
	if (s.nskipped)
		printf("note: %zu messages of unknown type skipped\n", s.nskipped);
	free(cs);
	stream_free(&s);
	return rc;
}
