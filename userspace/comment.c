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
#include "sbuf.h"

/* printf() onto b, for what is rare; cut as snprintf() cuts. */
static void add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->len + 1 >= b->cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	b->len += (size_t)k < b->cap - b->len ? (size_t)k : b->cap - b->len - 1;
}

static const char *name_or(const char *n, const char *other)
{
	return n ? n : other;
}

/*
 * What every packet has (bblog record writes a million a second) is
 * written into a line sized for the longest, without a bound checked per
 * piece, then added at once: no printf, the same bytes, the same cut.
 */
#define STATE_MAX	320
#define PUT_LIT(p, lit) \
	do { memcpy((p), (lit), sizeof(lit) - 1); (p) += sizeof(lit) - 1; } while (0)
/* " name v", only once v counts */
#define PUT_IF(p, lit, v) \
	do { if (v) { PUT_LIT(p, lit); (p) = sb_digits((p), (v), 1); } } while (0)

/* Microseconds as "1.234ms" or "12us". */
static char *put_us(char *p, uint32_t us)
{
	if (us >= 1000) {
		p = sb_digits(p, us / 1000, 1);
		*p++ = '.';
		p = sb_digits(p, us % 1000, 3);
		*p++ = 'm';
	} else {
		p = sb_digits(p, us, 1);
		*p++ = 'u';
	}
	*p++ = 's';
	return p;
}

/* The state a packet leaves behind: what tcp_info would say. */
static void add_state(const struct bblog_record *r, struct sbuf *b)
{
	/* tcp_packets_in_flight(); never below 0, whatever a file says */
	int64_t f = (int64_t)r->packets_out - r->sacked_out - r->lost_out + r->retrans_out;
	uint32_t inflight = f > 0 ? (uint32_t)f : 0;
	const char *ca = name_or(bblog_ca_state_name(r->ca_state), "?");
	size_t calen = strlen(ca);	/* at most "Disorder" */
	char t[STATE_MAX], *p = t;

	if (!(r->flags & BBLOG_RF_SNAPSHOT))
		return;
	PUT_LIT(p, "cwnd ");
	p = sb_digits(p, r->snd_cwnd, 1);
	if (r->snd_ssthresh >= 0x7fffffff) {
		PUT_LIT(p, " ssthresh inf");
	} else {
		PUT_LIT(p, " ssthresh ");
		p = sb_digits(p, r->snd_ssthresh, 1);
	}
	PUT_LIT(p, " inflight ");
	p = sb_digits(p, inflight, 1);
	if (r->srtt_us) {
		PUT_LIT(p, " srtt ");
		p = put_us(p, r->srtt_us >> 3);
	}
	PUT_LIT(p, " rto ");
	p = put_us(p, r->rto_us);
	PUT_LIT(p, " ca ");
	memcpy(p, ca, calen);
	p += calen;
	PUT_IF(p, " retrans_out ", r->retrans_out);
	/* counters tcp_info has and Wireshark does not, once they count */
	PUT_IF(p, " bytes_retrans ", r->bytes_retrans);
	PUT_IF(p, " dsack ", r->dsack_dups);
	PUT_IF(p, " reord_seen ", r->reord_seen);
	PUT_IF(p, " delivered_ce ", r->delivered_ce);
	sb_add(b, t, (size_t)(p - t));
}

/*
 * What tcp_info adds up over the connection, at its end, once it sent
 * something (never in version 1 records, which lack them).
 */
static void add_totals(const struct bblog_record *r, struct sbuf *b)
{
	if (!(r->flags & BBLOG_RF_SNAPSHOT) || (!r->bytes_sent && !r->busy_ms))
		return;
	SB_LIT(b, "; sent ");
	sb_u64(b, r->bytes_sent);
	SB_LIT(b, " B retrans ");
	sb_u64(b, r->bytes_retrans);
	SB_LIT(b, " B dsack ");
	sb_u64(b, r->dsack_dups);
	SB_LIT(b, " reord ");
	sb_u64(b, r->reord_seen);
	SB_LIT(b, " ce ");
	sb_u64(b, r->delivered_ce);
	SB_LIT(b, " busy ");
	sb_u64(b, r->busy_ms);
	SB_LIT(b, " ms rwnd-limited ");
	sb_u64(b, r->rwnd_limited_ms);
	SB_LIT(b, " ms sndbuf-limited ");
	sb_u64(b, r->sndbuf_limited_ms);
	SB_LIT(b, " ms");
}

static const char *const option_names[] = {
	"mode", "ID", "tag", "dump", "dump ID", "buf", "ID count", "log",
};

size_t bblog_record_comment(const struct bblog_dump *d, const struct bblog_record *r,
			    char *buf, size_t len)
{
	const char *x, *y;
	struct sbuf b;
	char rn[48];
	int e;

	if (!len)
		return 0;
	sb_fixed(&b, buf, len);
	switch (r->event) {
	case BBLOG_EV_IN:
	case BBLOG_EV_OUT:
		add_state(r, &b);
		break;
	case BBLOG_EV_RTO:
		add(&b, "retransmission timer expired (retransmits %u, backoff %u)",
		    r->arg1, r->arg2);
		break;
	case BBLOG_EV_SOCKOPT:
		x = r->arg1 < sizeof(option_names) / sizeof(option_names[0]) ?
		    option_names[r->arg1] : NULL;
		if (r->arg1 == 0)
			add(&b, "option mode set: %s",
			    bblog_mode_name((int)r->arg2));
		else
			add(&b, "option %s set", name_or(x, "?"));
		break;
	case BBLOG_EV_USER:
		return bblog_user_event_text(r, buf, len);
	case BBLOG_EV_CONNEND:
		SB_LIT(&b, "end: ");
		sb_str(&b, name_or(bblog_end_name(r->arg1), "?"));
		if (r->arg2) {
			SB_LIT(&b, " (");
			sb_str(&b, name_or(strerrorname_np((int)r->arg2), "errno"));
			sb_char(&b, ')');
		}
		add_totals(r, &b);
		break;
	case BBLOG_EV_STATE:
		x = bblog_linux_state_name(r->arg1);
		y = bblog_linux_state_name(r->arg2);
		SB_LIT(&b, "state ");
		sb_str(&b, name_or(x, "?"));
		SB_LIT(&b, " -> ");
		sb_str(&b, name_or(y, "?"));
		break;
	case BBLOG_EV_RETRANS:
		add(&b, "retransmit seq %u len %u", r->arg1, r->arg2);
		break;
	case BBLOG_EV_SYNACK_RETRANS:
		add(&b, "established after %u SYN-ACK retransmissions", r->arg1);
		break;
	case BBLOG_EV_RST_SENT:
		x = bblog_rst_reason_name(r->arg1, rn, sizeof(rn));
		add(&b, "reset sent%s%s", x ? ": " : "", x ? x : "");
		break;
	case BBLOG_EV_RST_RECV:
		add(&b, "reset received");
		break;
	case BBLOG_EV_CA_STATE:
		x = bblog_ca_state_name(r->arg1);
		y = bblog_ca_state_name(r->arg2);
		add(&b, "ca-state %s -> %s", name_or(x, "?"), name_or(y, "?"));
		break;
	case BBLOG_EV_RCVBUF:
		add(&b, "rcvbuf %u (rcv_ssthresh %u)", r->arg1, r->arg2);
		break;
	case BBLOG_EV_BAD_CSUM:
		add(&b, "segment with a bad checksum");
		break;
	case BBLOG_EV_SK_ERROR:
		e = r->err < 0 ? -r->err : r->err;
		add(&b, "socket error %s", name_or(strerrorname_np(e), "?"));
		break;
	case BBLOG_EV_TLP:
		add(&b, "tail loss probe");
		break;
	case BBLOG_EV_PROBE0:
		add(&b, "zero-window probe (%u before)", r->arg1);
		break;
	case BBLOG_EV_KEEPALIVE:
		add(&b, "keepalive probe (%u before)", r->arg1);
		break;
	case BBLOG_EV_PMTU_RETRANS:
		add(&b, "retransmit: path MTU now %u", r->arg1);
		break;
	case BBLOG_EV_DROP:
		return bblog_drop_text(d, r, buf, len);
	default:
		add(&b, "event %u", r->event);
		break;
	}
	return b.len;
}
