// SPDX-License-Identifier: GPL-2.0
/*
 * One connection on one screen: what bblog show --summary prints for each
 * file, from its records as they are read (bblog_summary_add()), then
 * bblog_summary_print().
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "pcapng.h"
#include "json.h"
#include "summary.h"

void bblog_summary_init(struct bblog_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->ca = -1;
	s->srtt_min = UINT32_MAX;
}

/* Time in the congestion state the connection was in, up to @us. */
static void ca_until(struct bblog_summary *s, uint64_t us)
{
	if (s->ca >= 0 && s->ca < BBLOG_SUMMARY_CA && us > s->ca_since)
		s->ca_us[s->ca] += us - s->ca_since;
	s->ca_since = us;
}

void bblog_summary_add(struct bblog_summary *s, const struct bblog_pr_item *it)
{
	const unsigned char *r = it->rec;
	uint32_t srtt, a1, a2;
	unsigned int ev;

	if (it->kind == BBLOG_PR_SKIPPED) {
		s->lost += it->skipped;
		return;
	}
	if (!it->have_rec)
		return;
	ev = r[TLB_EVENTID];
	if (!s->records++)
		s->first_us = it->ts_us;
	s->last_us = it->ts_us;
	if (s->ca < 0 && r[TLB_STACKID] == BBLOG_PCAP_STACK_ID) {
		s->ca = r[TLB_STACKINFO + 90];
		s->ca_since = it->ts_us;
	}
	srtt = get_le32(r + TLB_SRTT);
	if (srtt) {
		s->srtt_n++;
		s->srtt_sum += srtt;
		if (srtt < s->srtt_min)
			s->srtt_min = srtt;
		if (srtt > s->srtt_max)
			s->srtt_max = srtt;
	}
	if (r[TLB_STACKID] == BBLOG_PCAP_STACK_ID && get_le32(r + TLB_STACKINFO + 36))
		s->min_rtt = get_le32(r + TLB_STACKINFO + 36);
	if (it->packet) {
		uint32_t len = get_le32(r + TLB_LEN);

		if (it->direction == 1) {
			s->pkts_in++;
			s->bytes_in += len;
		} else {
			s->pkts_out++;
			s->bytes_out += len;
		}
		return;
	}
	a1 = get_le32(r + TLB_FLEX1);
	a2 = get_le32(r + TLB_FLEX2);
	switch (ev) {
	case BBLOG_EV_RTO: s->rtos++; break;
	case BBLOG_EV_RETRANS: s->retrans++; break;
	case BBLOG_EV_TLP: s->tlps++; break;
	case BBLOG_EV_DROP: s->drops++; break;
	case BBLOG_EV_RST_SENT: s->rst_sent++; break;
	case BBLOG_EV_RST_RECV: s->rst_recv++; break;
	case BBLOG_EV_CA_STATE:
		ca_until(s, it->ts_us);
		s->ca = (int)(a2 < BBLOG_SUMMARY_CA ? a2 : BBLOG_SUMMARY_CA);
		break;
	case BBLOG_EV_CONNEND:
		s->ended = 1;
		s->end = a1;
		s->end_err = a2;
		break;
	}
}

static void put_ms(FILE *f, uint32_t us)
{
	fprintf(f, "%u.%03u ms", us / 1000, us % 1000);
}

void bblog_summary_print(struct bblog_summary *s, const char *name, const char *conn,
			 int json, FILE *f)
{
	uint64_t dur = s->records ? s->last_us - s->first_us : 0;
	uint32_t avg = s->srtt_n ? (uint32_t)(s->srtt_sum / s->srtt_n) : 0;
	const char *end = bblog_end_name(s->end) ?: "?";
	int i, any = 0;

	ca_until(s, s->last_us);
	if (json) {
		fputs("{\"file\":", f);
		json_str(f, name, 4096);
		fputs(",\"connection\":", f);
		json_str(f, conn, 512);
		fprintf(f, ",\"duration_us\":%llu,\"records\":%llu,\"lost\":%llu,"
			"\"packets_out\":%llu,\"packets_in\":%llu,\"bytes_out\":%llu,"
			"\"bytes_in\":%llu,\"retransmissions\":%u,\"rtos\":%u,\"tlps\":%u,"
			"\"drops\":%u,\"resets_sent\":%u,\"resets_received\":%u",
			(unsigned long long)dur, (unsigned long long)s->records,
			(unsigned long long)s->lost, (unsigned long long)s->pkts_out,
			(unsigned long long)s->pkts_in, (unsigned long long)s->bytes_out,
			(unsigned long long)s->bytes_in, s->retrans, s->rtos, s->tlps,
			s->drops, s->rst_sent, s->rst_recv);
		if (s->srtt_n)
			fprintf(f, ",\"srtt_min_us\":%u,\"srtt_avg_us\":%u,\"srtt_max_us\":%u",
				s->srtt_min, avg, s->srtt_max);
		if (s->min_rtt)
			fprintf(f, ",\"min_rtt_us\":%u", s->min_rtt);
		fputs(",\"ca_us\":{", f);
		for (i = 0; i < BBLOG_SUMMARY_CA; i++) {
			if (!s->ca_us[i])
				continue;
			fprintf(f, "%s\"%s\":%llu", any++ ? "," : "", bblog_ca_state_name((unsigned)i),
				(unsigned long long)s->ca_us[i]);
		}
		fputc('}', f);
		if (s->ended)
			fprintf(f, ",\"end\":\"%s\",\"end_errno\":%u", end, s->end_err);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "%s: %s\n", name, conn[0] ? conn : "(no connection comment)");
	fprintf(f, "  %llu.%06llu s, %llu records (%llu packets out, %llu in), %llu lost\n",
		(unsigned long long)(dur / 1000000), (unsigned long long)(dur % 1000000),
		(unsigned long long)s->records, (unsigned long long)s->pkts_out,
		(unsigned long long)s->pkts_in, (unsigned long long)s->lost);
	fprintf(f, "  payload: %llu bytes out, %llu in\n", (unsigned long long)s->bytes_out,
		(unsigned long long)s->bytes_in);
	fprintf(f, "  retransmissions %u, RTOs %u, tail loss probes %u, drops %u, "
		"resets sent %u, received %u\n", s->retrans, s->rtos, s->tlps, s->drops,
		s->rst_sent, s->rst_recv);
	if (s->srtt_n) {
		fputs("  srtt min ", f);
		put_ms(f, s->srtt_min);
		fputs(", avg ", f);
		put_ms(f, avg);
		fputs(", max ", f);
		put_ms(f, s->srtt_max);
		if (s->min_rtt) {
			fputs("; min RTT ", f);
			put_ms(f, s->min_rtt);
		}
		fputc('\n', f);
	}
	fputs("  congestion state:", f);
	for (i = 0; i < BBLOG_SUMMARY_CA; i++)
		if (s->ca_us[i]) {
			fprintf(f, "%s %s %llu.%06llu s", any++ ? "," : "",
				bblog_ca_state_name((unsigned)i),
				(unsigned long long)(s->ca_us[i] / 1000000),
				(unsigned long long)(s->ca_us[i] % 1000000));
		}
	fputs(any ? "\n" : " not known\n", f);
	if (s->ended)
		fprintf(f, "  ended: %s%s%s\n", end, s->end_err ? ", " : "",
			s->end_err ? strerrorname_np((int)s->end_err) ?: "errno" : "");
	else
		fputs("  still open at the last dump\n", f);
}
