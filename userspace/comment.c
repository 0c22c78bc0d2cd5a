// SPDX-License-Identifier: GPL-2.0
/*
 * A record in words: the comment of its pcapng block.  Wireshark shows a
 * block's comment as frame.comment (a column, a filter, an Expert Info
 * item) without any plugin, so every event it cannot name gets its name
 * and values here, and every packet the Linux values it cannot show
 * (cwnd and ssthresh in packets, what is in flight, srtt, rto, the
 * congestion state).  Plain ASCII, one line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "pcapng.h"

/* Append to buf[*o..len), keeping it a string; stops quietly when full. */
static void add(char *buf, size_t len, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*o + 1 >= len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	*o += (size_t)k < len - *o ? (size_t)k : len - *o - 1;
}

/*
 * add() without printf, for what every packet has (bblog record writes a
 * million a second): the same bytes, and the same truncation.
 */
static void add_str(char *buf, size_t len, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (*o + 1 >= len)
		return;
	if (n > len - *o - 1)
		n = len - *o - 1;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = 0;
}

/* v in decimal, at least width digits (zeros before). */
static void add_u64(char *buf, size_t len, size_t *o, uint64_t v, int width)
{
	char t[24];
	int i = sizeof(t) - 1;

	t[i] = 0;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v || (int)sizeof(t) - 1 - i < width);
	add_str(buf, len, o, t + i);
}

/* " what v" */
static void add_val(char *buf, size_t len, size_t *o, const char *what, uint64_t v)
{
	add_str(buf, len, o, what);
	add_u64(buf, len, o, v, 1);
}

static const char *name_or(const char *n, const char *other)
{
	return n ? n : other;
}

/* Microseconds as "1.234ms" or "12us". */
static void add_us(char *buf, size_t len, size_t *o, const char *what, uint32_t us)
{
	add_str(buf, len, o, what);
	if (us >= 1000) {
		add_u64(buf, len, o, us / 1000, 1);
		add_str(buf, len, o, ".");
		add_u64(buf, len, o, us % 1000, 3);
		add_str(buf, len, o, "ms");
	} else {
		add_u64(buf, len, o, us, 1);
		add_str(buf, len, o, "us");
	}
}

/* The state a packet leaves behind: what tcp_info would say. */
static void add_state(const struct bblog_record *r, char *buf, size_t len, size_t *o)
{
	/* tcp_packets_in_flight(); never below 0, whatever a file says */
	int64_t f = (int64_t)r->packets_out - r->sacked_out - r->lost_out + r->retrans_out;
	uint32_t inflight = f > 0 ? (uint32_t)f : 0;

	if (!(r->flags & BBLOG_RF_SNAPSHOT))
		return;
	add_val(buf, len, o, "cwnd ", r->snd_cwnd);
	if (r->snd_ssthresh >= 0x7fffffff)
		add_str(buf, len, o, " ssthresh inf");
	else
		add_val(buf, len, o, " ssthresh ", r->snd_ssthresh);
	add_val(buf, len, o, " inflight ", inflight);
	if (r->srtt_us)
		add_us(buf, len, o, " srtt ", r->srtt_us >> 3);
	add_us(buf, len, o, " rto ", r->rto_us);
	add_str(buf, len, o, " ca ");
	add_str(buf, len, o, name_or(bblog_ca_state_name(r->ca_state), "?"));
	if (r->retrans_out)
		add_val(buf, len, o, " retrans_out ", r->retrans_out);
	/* counters tcp_info has and Wireshark does not, once they count */
	if (r->bytes_retrans)
		add_val(buf, len, o, " bytes_retrans ", r->bytes_retrans);
	if (r->dsack_dups)
		add_val(buf, len, o, " dsack ", r->dsack_dups);
	if (r->reord_seen)
		add_val(buf, len, o, " reord_seen ", r->reord_seen);
	if (r->delivered_ce)
		add_val(buf, len, o, " delivered_ce ", r->delivered_ce);
}

/*
 * What tcp_info adds up over the connection, at its end, once it sent
 * something (never in version 1 records, which lack them).
 */
static void add_totals(const struct bblog_record *r, char *buf, size_t len, size_t *o)
{
	if (!(r->flags & BBLOG_RF_SNAPSHOT) || (!r->bytes_sent && !r->busy_ms))
		return;
	add(buf, len, o, "; sent %llu B retrans %llu B dsack %u reord %u ce %u"
	    " busy %u ms rwnd-limited %u ms sndbuf-limited %u ms",
	    (unsigned long long)r->bytes_sent, (unsigned long long)r->bytes_retrans,
	    r->dsack_dups, r->reord_seen, r->delivered_ce, r->busy_ms,
	    r->rwnd_limited_ms, r->sndbuf_limited_ms);
}

static const char *const option_names[] = {
	"mode", "ID", "tag", "dump", "dump ID", "buf", "ID count", "log",
};

size_t bblog_record_comment(const struct bblog_dump *d, const struct bblog_record *r,
			    char *buf, size_t len)
{
	const char *x, *y;
	char rn[48];
	size_t o = 0;
	int e;

	if (!len)
		return 0;
	buf[0] = 0;
	switch (r->event) {
	case BBLOG_EV_IN:
	case BBLOG_EV_OUT:
		add_state(r, buf, len, &o);
		break;
	case BBLOG_EV_RTO:
		add(buf, len, &o, "retransmission timer expired (retransmits %u, backoff %u)",
		    r->arg1, r->arg2);
		break;
	case BBLOG_EV_SOCKOPT:
		x = r->arg1 < sizeof(option_names) / sizeof(option_names[0]) ?
		    option_names[r->arg1] : NULL;
		if (r->arg1 == 0)
			add(buf, len, &o, "option mode set: %s",
			    bblog_mode_name((int)r->arg2));
		else
			add(buf, len, &o, "option %s set", name_or(x, "?"));
		break;
	case BBLOG_EV_USER:
		return bblog_user_event_text(r, buf, len);
	case BBLOG_EV_CONNEND:
		add(buf, len, &o, "end: %s", name_or(bblog_end_name(r->arg1), "?"));
		if (r->arg2)
			add(buf, len, &o, " (%s)", name_or(strerrorname_np((int)r->arg2), "errno"));
		add_totals(r, buf, len, &o);
		break;
	case BBLOG_EV_STATE:
		x = bblog_linux_state_name(r->arg1);
		y = bblog_linux_state_name(r->arg2);
		add(buf, len, &o, "state %s -> %s", name_or(x, "?"), name_or(y, "?"));
		break;
	case BBLOG_EV_RETRANS:
		add(buf, len, &o, "retransmit seq %u len %u", r->arg1, r->arg2);
		break;
	case BBLOG_EV_SYNACK_RETRANS:
		add(buf, len, &o, "established after %u SYN-ACK retransmissions", r->arg1);
		break;
	case BBLOG_EV_RST_SENT:
		x = bblog_rst_reason_name(r->arg1, rn, sizeof(rn));
		add(buf, len, &o, "reset sent%s%s", x ? ": " : "", x ? x : "");
		break;
	case BBLOG_EV_RST_RECV:
		add(buf, len, &o, "reset received");
		break;
	case BBLOG_EV_CA_STATE:
		x = bblog_ca_state_name(r->arg1);
		y = bblog_ca_state_name(r->arg2);
		add(buf, len, &o, "ca-state %s -> %s", name_or(x, "?"), name_or(y, "?"));
		break;
	case BBLOG_EV_RCVBUF:
		add(buf, len, &o, "rcvbuf %u (rcv_ssthresh %u)", r->arg1, r->arg2);
		break;
	case BBLOG_EV_BAD_CSUM:
		add(buf, len, &o, "segment with a bad checksum");
		break;
	case BBLOG_EV_SK_ERROR:
		e = r->err < 0 ? -r->err : r->err;
		add(buf, len, &o, "socket error %s", name_or(strerrorname_np(e), "?"));
		break;
	case BBLOG_EV_TLP:
		add(buf, len, &o, "tail loss probe");
		break;
	case BBLOG_EV_PROBE0:
		add(buf, len, &o, "zero-window probe (%u before)", r->arg1);
		break;
	case BBLOG_EV_KEEPALIVE:
		add(buf, len, &o, "keepalive probe (%u before)", r->arg1);
		break;
	case BBLOG_EV_PMTU_RETRANS:
		add(buf, len, &o, "retransmit: path MTU now %u", r->arg1);
		break;
	case BBLOG_EV_DROP:
		return bblog_drop_text(d, r, buf, len);
	default:
		add(buf, len, &o, "event %u", r->event);
		break;
	}
	return o;
}
