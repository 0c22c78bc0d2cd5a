// SPDX-License-Identifier: GPL-2.0
/* bblog show: one line per record of BBLog pcapng files. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "pcapread.h"
#include "summary.h"
#include "util.h"

static void tcp_flags_str(uint8_t f, char *b)
{
	static const char names[] = "FSRPAUEC";
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (f & (1u << i)) ? names[i] : '.';
	b[8] = 0;
}

static void event_str(unsigned ev, char *b, size_t len)
{
	const char *n = bblog_event_name(ev);

	if (n)
		snprintf(b, len, "%s", n);
	else
		snprintf(b, len, "event-%u", ev);
}

static void state_str(uint32_t st, char *b, size_t len)
{
	const char *n = bblog_fbsd_state_name(st);

	if (n)
		snprintf(b, len, "%s", n);
	else
		snprintf(b, len, "state-%u", st);
}

/* Linux-only event details from flex1/flex2/errno. */
static void detail_str(const unsigned char *rec, char *b, size_t len)
{
	unsigned ev = rec[TLB_EVENTID];
	uint32_t a1 = get_le32(rec + TLB_FLEX1), a2 = get_le32(rec + TLB_FLEX2);
	const char *x, *y;

	b[0] = 0;
	if (ev == BBLOG_EV_STATE) {
		x = bblog_linux_state_name(a1);
		y = bblog_linux_state_name(a2);
		snprintf(b, len, " %s->%s", x ? x : "?", y ? y : "?");
	} else if (ev == BBLOG_EV_CA_STATE) {
		x = bblog_ca_state_name(a1);
		y = bblog_ca_state_name(a2);
		snprintf(b, len, " %s->%s", x ? x : "?", y ? y : "?");
	} else if (ev == BBLOG_EV_RCVBUF) {
		snprintf(b, len, " rcvbuf=%u rcv_ssthresh=%u", a1, a2);
	} else if (ev == BBLOG_EV_CONNEND) {
		static const char *const end[] = {
			"other", "rst-recv", "timeout", "rst-sent", "error",
			"close-local", "close-peer", "keepalive", "abort-unread",
			"abort-linger", "orphan-oom",
		};

		snprintf(b, len, " end=%s%s", a1 < sizeof(end) / sizeof(end[0]) ? end[a1] : "?",
			 a2 ? " errno" : "");
		if (a2)
			snprintf(b + strlen(b), len - strlen(b), "=%u", a2);
	} else if (ev == BBLOG_EV_RST_SENT) {
		char rn[40];

		x = bblog_rst_reason_name(a1, rn, sizeof(rn));
		if (x)
			snprintf(b, len, " reason=%s", x);
	} else if (ev == BBLOG_EV_PMTU_RETRANS) {
		snprintf(b, len, " pmtu=%u", a1);
	} else if (ev == BBLOG_EV_PROBE0 || ev == BBLOG_EV_KEEPALIVE) {
		snprintf(b, len, " probes_out=%u", a1);
	} else if (rec[TLB_STACKID] == BBLOG_PCAP_STACK_ID && rec[TLB_STACKINFO + 91]) {
		/* Linux's number and name, from the stack area */
		x = strerrorname_np(rec[TLB_STACKINFO + 91]);
		snprintf(b, len, " errno=%u%s%s%s", rec[TLB_STACKINFO + 91],
			 x ? " (" : "", x ? x : "", x ? ")" : "");
	} else if ((int32_t)get_le32(rec + TLB_ERRNO) != 0) {
		snprintf(b, len, " errno=%d", (int32_t)get_le32(rec + TLB_ERRNO));
	}
}

static void addr_str(const struct bblog_pr_item *it, const unsigned char *a,
		     char *b, size_t len)
{
	if (!inet_ntop(it->af == 6 ? AF_INET6 : AF_INET, a, b, (socklen_t)len))
		snprintf(b, len, "?");
}

static void print_item(const struct bblog_pr_item *it, int json,
		       const char *file)
{
	const unsigned char *r = it->rec;
	char t[64], ev[40], st[40], fl[9], det[96], s[64], d[64];
	uint32_t plen;

	fmt_time_us(t, sizeof(t), it->ts_us);
	if (it->kind == BBLOG_PR_SKIPPED) {
		if (json) {
			fputs("{\"file\":", stdout);
			json_str(stdout, file, 4096);
			printf(",\"time\":null,\"skipped\":%u}\n", it->skipped);
		} else {
			printf("%u events lost\n", it->skipped);
		}
		return;
	}
	if (!it->have_rec) {
		if (json) {
			fputs("{\"file\":", stdout);
			json_str(stdout, file, 4096);
			printf(",\"time\":\"%s\",\"ts_us\":%llu,\"record\":false}\n",
			       t, (unsigned long long)it->ts_us);
		} else {
			printf("%s packet without a BBLog record\n", t);
		}
		return;
	}
	event_str(r[TLB_EVENTID], ev, sizeof(ev));
	state_str(get_le32(r + TLB_STATE), st, sizeof(st));
	detail_str(r, det, sizeof(det));
	plen = get_le32(r + TLB_LEN);
	tcp_flags_str(it->thflags, fl);
	if (it->have_tcp) {
		addr_str(it, it->src, s, sizeof(s));
		addr_str(it, it->dst, d, sizeof(d));
	}
	if (json) {
		fputs("{\"file\":", stdout);
		json_str(stdout, file, 4096);
		printf(",\"time\":\"%s\",\"ts_us\":%llu,\"sn\":%u,\"event\":%u,"
		       "\"event_name\":\"%s\",\"state\":\"%s\",\"packet\":%s",
		       t, (unsigned long long)it->ts_us, get_le32(r + TLB_SN),
		       r[TLB_EVENTID], ev, st, it->packet ? "true" : "false");
		if (it->packet)
			printf(",\"direction\":\"%s\"",
			       it->direction == 1 ? "in" :
			       it->direction == 2 ? "out" : "unknown");
		if (it->have_tcp)
			printf(",\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,"
			       "\"seq\":%u,\"ack\":%u,\"flags\":\"%s\",\"win\":%u",
			       s, it->sport, d, it->dport, it->seq, it->ack, fl,
			       it->win);
		if (it->comment[0]) {
			fputs(",\"comment\":", stdout);
			json_str(stdout, it->comment, sizeof(it->comment));
		}
		printf(",\"len\":%u,\"cwnd\":%u,\"ssthresh\":%u,\"srtt\":%u,"
		       "\"rttvar\":%u,\"snd_una\":%u,\"snd_nxt\":%u,\"rcv_nxt\":%u,"
		       "\"snd_wnd\":%u,\"rcv_wnd\":%u,\"errno\":%d,\"flex1\":%u,"
		       "\"flex2\":%u}\n",
		       plen, get_le32(r + TLB_SND_CWND),
		       get_le32(r + TLB_SND_SSTHRESH), get_le32(r + TLB_SRTT),
		       get_le32(r + TLB_RTTVAR), get_le32(r + TLB_SND_UNA),
		       get_le32(r + TLB_SND_NXT), get_le32(r + TLB_RCV_NXT),
		       get_le32(r + TLB_SND_WND), get_le32(r + TLB_RCV_WND),
		       (int32_t)get_le32(r + TLB_ERRNO), get_le32(r + TLB_FLEX1),
		       get_le32(r + TLB_FLEX2));
		return;
	}
	printf("%s %6u %-18s %-12s", t, get_le32(r + TLB_SN), ev, st);
	/* an application event or a drop: its words, as the file's comment has them */
	if ((r[TLB_EVENTID] == BBLOG_EV_USER || r[TLB_EVENTID] == BBLOG_EV_DROP) &&
	    it->comment[0]) {
		const char *c;

		putchar(' ');
		for (c = it->comment; *c; c++)
			putchar(*c >= 0x20 && *c < 0x7f ? *c : '?');
	}
	if (it->have_tcp)
		printf(" %s.%u > %s.%u seq %u ack %u flags %s len %u", s,
		       it->sport, d, it->dport, it->seq, it->ack, fl, plen);
	printf("%s cwnd %u ssthresh %u srtt %u snd_wnd %u rcv_wnd %u\n", det,
	       get_le32(r + TLB_SND_CWND), get_le32(r + TLB_SND_SSTHRESH),
	       get_le32(r + TLB_SRTT), get_le32(r + TLB_SND_WND),
	       get_le32(r + TLB_RCV_WND));
}

/* "A -> B cookie N" from a file's comment ("tcp_bblog connection A -> B id=..."). */
static void conn_words(const char *comment, char *buf, size_t len)
{
	const char *p = strstr(comment, "tcp_bblog connection "), *e, *c;

	buf[0] = 0;
	if (!p)
		return;
	p += strlen("tcp_bblog connection ");
	e = strstr(p, " id=");
	c = strstr(p, " cookie=");
	snprintf(buf, len, "%.*s%s%.*s", e ? (int)(e - p) : 120, p, c ? ", " : "",
		 c ? (int)strcspn(c + 1, " ") : 0, c ? c + 1 : "");
}

int cmd_show(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "summary", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, summary = 0, ch, i, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "jsh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 's': summary = 1; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind == argc)
		usage(stderr, 2);
	for (i = optind; i < argc; i++) {
		struct bblog_summary sum;
		struct bblog_pr pr;
		struct bblog_pr_item it;
		char conn[256];
		unsigned char *buf;
		size_t len;
		char err[256];
		int r;

		if (bblog_pr_load(argv[i], &buf, &len, err, sizeof(err)) < 0) {
			warnx("%s", err);
			rc = 1;
			continue;
		}
		if (!json && !summary && argc - optind > 1)
			printf("==> %s <==\n", argv[i]);
		bblog_pr_init(&pr, buf, len);
		bblog_summary_init(&sum);
		while ((r = bblog_pr_next(&pr, &it)) == 1) {
			if (summary)
				bblog_summary_add(&sum, &it);
			else
				print_item(&it, json, argv[i]);
		}
		if (summary && pr.have_shb) {
			conn_words(pr.comment, conn, sizeof(conn));
			bblog_summary_print(&sum, argv[i], conn, json, stdout);
		}
		if (r < 0) {
			warnx("%s: %s", argv[i], pr.err);
			rc = 1;
		} else if (!pr.have_shb) {
			warnx("%s: empty file", argv[i]);
			rc = 1;
		}
		free(buf);
	}
	fflush(stdout);
	return rc;
}
