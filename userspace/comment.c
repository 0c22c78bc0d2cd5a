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
static void add_bytes(char *buf, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + 1 >= len)
		return;
	if (n > len - *o - 1)
		n = len - *o - 1;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = 0;
}

/*
 * The pieces of a packet's comment are written into a scratch line sized
 * for the longest (put_*: no bound checked per piece), then added at once.
 */
#define STATE_MAX	320
#define PUT_LIT(p, lit) \
	do { memcpy((p), (lit), sizeof(lit) - 1); (p) += sizeof(lit) - 1; } while (0)

/* v in decimal, at least width digits (zeros before, width <= 20). */
static char *put_u64(char *p, uint64_t v, int width)
{
	static const char pairs[] =
		"0001020304050607080910111213141516171819"
		"2021222324252627282930313233343536373839"
		"4041424344454647484950515253545556575859"
		"6061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	uint64_t x = 10;
	int n = 1;
	char *q;

	while (n < 20 && v >= x) {	/* how many digits */
		x *= 10;
		n++;
	}
	if (n < width) {
		memset(p, '0', (size_t)(width - n));
		p += width - n;
	}
	q = p + n;
	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	return p + n;
}

/* Microseconds as "1.234ms" or "12us". */
static char *put_us(char *p, uint32_t us)
{
	if (us >= 1000) {
		p = put_u64(p, us / 1000, 1);
		*p++ = '.';
		p = put_u64(p, us % 1000, 3);
		*p++ = 'm';
	} else {
		p = put_u64(p, us, 1);
		*p++ = 'u';
	}
	*p++ = 's';
	return p;
}

static const char *name_or(const char *n, const char *other)
{
	return n ? n : other;
}

/* The state a packet leaves behind: what tcp_info would say. */
static void add_state(const struct bblog_record *r, char *buf, size_t len, size_t *o)
{
	/* tcp_packets_in_flight(); never below 0, whatever a file says */
	int64_t f = (int64_t)r->packets_out - r->sacked_out - r->lost_out + r->retrans_out;
	uint32_t inflight = f > 0 ? (uint32_t)f : 0;
	const char *ca = name_or(bblog_ca_state_name(r->ca_state), "?");
	char t[STATE_MAX], *p = t;

	if (!(r->flags & BBLOG_RF_SNAPSHOT))
		return;
	PUT_LIT(p, "cwnd ");
	p = put_u64(p, r->snd_cwnd, 1);
	if (r->snd_ssthresh >= 0x7fffffff) {
		PUT_LIT(p, " ssthresh inf");
	} else {
		PUT_LIT(p, " ssthresh ");
		p = put_u64(p, r->snd_ssthresh, 1);
	}
	PUT_LIT(p, " inflight ");
	p = put_u64(p, inflight, 1);
	if (r->srtt_us) {
		PUT_LIT(p, " srtt ");
		p = put_us(p, r->srtt_us >> 3);
	}
	PUT_LIT(p, " rto ");
	p = put_us(p, r->rto_us);
	PUT_LIT(p, " ca ");
	memcpy(p, ca, strlen(ca));	/* at most "Disorder" */
	p += strlen(ca);
	if (r->retrans_out) {
		PUT_LIT(p, " retrans_out ");
		p = put_u64(p, r->retrans_out, 1);
	}
	/* counters tcp_info has and Wireshark does not, once they count */
	if (r->bytes_retrans) {
		PUT_LIT(p, " bytes_retrans ");
		p = put_u64(p, r->bytes_retrans, 1);
	}
	if (r->dsack_dups) {
		PUT_LIT(p, " dsack ");
		p = put_u64(p, r->dsack_dups, 1);
	}
	if (r->reord_seen) {
		PUT_LIT(p, " reord_seen ");
		p = put_u64(p, r->reord_seen, 1);
	}
	if (r->delivered_ce) {
		PUT_LIT(p, " delivered_ce ");
		p = put_u64(p, r->delivered_ce, 1);
	}
	add_bytes(buf, len, o, t, (size_t)(p - t));
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
