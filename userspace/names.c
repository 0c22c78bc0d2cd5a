// SPDX-License-Identifier: GPL-2.0
/* Names of events, states and modes; address formatting. */
#include <stdio.h>
#include <string.h>

#include "pcapng.h"
#include "sbuf.h"

static const char *const fbsd_events[] = {
	[1] = "TCP_LOG_IN", [2] = "TCP_LOG_OUT", [3] = "TCP_LOG_RTO",
	[4] = "TCP_LOG_SB_WAKE", [5] = "TCP_LOG_BAD_RETRAN",
	[6] = "TCP_LOG_PRR", [7] = "TCP_LOG_REORDER", [8] = "TCP_LOG_HPTS",
	[9] = "BBR_LOG_BBRUPD", [10] = "BBR_LOG_BBRSND",
	[11] = "BBR_LOG_ACKCLEAR", [12] = "BBR_LOG_INQUEUE",
	[13] = "BBR_LOG_TIMERSTAR", [14] = "BBR_LOG_TIMERCANC",
	[15] = "BBR_LOG_ENTREC", [16] = "BBR_LOG_EXITREC",
	[17] = "BBR_LOG_CWND", [18] = "BBR_LOG_BWSAMP",
	[19] = "BBR_LOG_MSGSIZE", [20] = "BBR_LOG_BBRRTT",
	[21] = "BBR_LOG_JUSTRET", [22] = "BBR_LOG_STATE",
	[23] = "BBR_LOG_PKT_EPOCH", [24] = "BBR_LOG_PERSIST",
	[25] = "TCP_LOG_FLOWEND", [26] = "BBR_LOG_RTO",
	[27] = "BBR_LOG_DOSEG_DONE", [28] = "BBR_LOG_EXIT_GAIN",
	[29] = "BBR_LOG_THRESH_CALC", [30] = "TCP_LOG_MAPCHG",
	[31] = "TCP_LOG_USERSEND", [32] = "BBR_RSM_CLEARED",
	[33] = "BBR_LOG_STATE_TARGET", [34] = "BBR_LOG_TIME_EPOCH",
	[35] = "BBR_LOG_TO_PROCESS", [36] = "BBR_LOG_BBRTSO",
	[37] = "BBR_LOG_HPTSDIAG", [38] = "BBR_LOG_LOWGAIN",
	[39] = "BBR_LOG_PROGRESS", [40] = "TCP_LOG_SOCKET_OPT",
	[41] = "BBR_LOG_TIMERPREP", [42] = "BBR_LOG_ENOBUF_JMP",
	[43] = "BBR_LOG_HPTSI_CALC", [44] = "BBR_LOG_RTT_SHRINKS",
	[45] = "BBR_LOG_BW_RED_EV", [46] = "BBR_LOG_REDUCE",
	[47] = "TCP_LOG_RTT", [48] = "BBR_LOG_SETTINGS_CHG",
	[49] = "BBR_LOG_SRTT_GAIN_EVENT", [50] = "TCP_LOG_REASS",
	[51] = "TCP_HDWR_PACE_SIZE", [52] = "BBR_LOG_HDWR_PACE",
	[53] = "BBR_LOG_TSTMP_VAL", [54] = "TCP_LOG_CONNEND",
	[55] = "TCP_LOG_LRO", [56] = "TCP_SACK_FILTER_RES",
	[57] = "TCP_SAD_DETECTION", [58] = "TCP_TIMELY_WORK",
	[59] = "TCP_LOG_USER_EVENT", [60] = "TCP_LOG_SENDFILE",
	[61] = "TCP_LOG_HTTP_T", [62] = "TCP_LOG_ACCOUNTING",
	[63] = "TCP_LOG_FSB", [64] = "RACK_DSACK_HANDLING",
	[65] = "TCP_HYSTART", [66] = "TCP_CHG_QUERY",
	[67] = "TCP_RACK_LOG_COLLAPSE", [68] = "TCP_RACK_TP_TRIGGERED",
	[69] = "TCP_HYBRID_PACING_LOG", [70] = "TCP_LOG_PRU",
};

static const char *const linux_events[] = {
	"state", "retrans", "synack-retrans", "rst-sent", "rst-recv",
	"ca-state", "rcvbuf", "bad-csum", "sk-error", "tlp", "probe0",
	"keepalive", "pmtu-retrans", "drop",
};

const char *bblog_event_name(unsigned ev)
{
	if (ev < sizeof(fbsd_events) / sizeof(fbsd_events[0]))
		return fbsd_events[ev];
	if (ev >= BBLOG_EV_STATE &&
	    ev - BBLOG_EV_STATE < sizeof(linux_events) / sizeof(linux_events[0]))
		return linux_events[ev - BBLOG_EV_STATE];
	return NULL;
}

const char *bblog_fbsd_state_name(unsigned st)
{
	static const char *const n[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK",
		"FIN_WAIT_2", "TIME_WAIT",
	};

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : NULL;
}

const char *bblog_linux_state_name(unsigned st)
{
	static const char *const n[] = {
		NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV",
	};

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : NULL;
}

const char *bblog_ca_state_name(unsigned st)
{
	static const char *const n[] = {
		"Open", "Disorder", "CWR", "Recovery", "Loss",
	};

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : NULL;
}

const char *bblog_end_name(unsigned int end)
{
	static const char *const n[] = {
		"other", "reset received", "timeout", "reset sent", "error",
		"closed here first", "closed by the peer first", "keepalive timeout",
		"closed with data unread", "closed with SO_LINGER 0",
		"closed for the orphan or memory limit",
		"SYN dropped: accept queue full",
	};

	return end < sizeof(n) / sizeof(n[0]) ? n[end] : NULL;
}

const char *bblog_owner_how_name(unsigned int how)
{
	switch (how) {
	case BBLOG_OWNER_NONE: return "unknown";
	case BBLOG_OWNER_CONNECT: return "connect";
	case BBLOG_OWNER_ACCEPT: return "accept";
	default: return "other";
	}
}

const char *bblog_mode_name(int mode)
{
	switch (mode) {
	case BBLOG_MODE_CLEAR: return "clear";
	case BBLOG_MODE_OFF: return "off";
	case BBLOG_MODE_TAIL: return "tail";
	case BBLOG_MODE_HEAD: return "head";
	case BBLOG_MODE_HEAD_AUTO: return "head-auto";
	case BBLOG_MODE_CONTINUAL: return "continual";
	case BBLOG_MODE_TAIL_AUTO: return "tail-auto";
	default: return "unknown";
	}
}

const char *bblog_addr_str(const struct bblog_dump *d, int foreign,
			   char *buf, size_t len)
{
	struct sbuf b;

	if (!len)
		return buf;
	sb_fixed(&b, buf, len);
	sb_addr(&b, d->family, foreign ? d->faddr : d->laddr);
	return buf;
}

/*
 * Linux errno -> FreeBSD errno, for tlb_errno: Wireshark names that field
 * from FreeBSD's table.  1..34 are the same in both (but 11: Linux EAGAIN
 * is FreeBSD 35, FreeBSD 11 is EDEADLK).  An errno FreeBSD does not have
 * is written as Linux numbers it; the stack area always has the Linux one.
 */
unsigned bblog_errno_fbsd(int linux_errno)
{
	static const struct { unsigned char lx, fb; } map[] = {
		{ 11, 35 },	/* EAGAIN */
		{ 35, 11 },	/* EDEADLK */
		{ 36, 63 },	/* ENAMETOOLONG */
		{ 37, 77 },	/* ENOLCK */
		{ 38, 78 },	/* ENOSYS */
		{ 39, 66 },	/* ENOTEMPTY */
		{ 40, 62 },	/* ELOOP */
		{ 42, 83 },	/* ENOMSG */
		{ 43, 82 },	/* EIDRM */
		{ 66, 71 },	/* EREMOTE */
		{ 67, 91 },	/* ENOLINK */
		{ 71, 92 },	/* EPROTO */
		{ 72, 90 },	/* EMULTIHOP */
		{ 74, 89 },	/* EBADMSG */
		{ 75, 84 },	/* EOVERFLOW */
		{ 84, 86 },	/* EILSEQ */
		{ 87, 68 },	/* EUSERS */
		{ 88, 38 },	/* ENOTSOCK */
		{ 89, 39 },	/* EDESTADDRREQ */
		{ 90, 40 },	/* EMSGSIZE */
		{ 91, 41 },	/* EPROTOTYPE */
		{ 92, 42 },	/* ENOPROTOOPT */
		{ 93, 43 },	/* EPROTONOSUPPORT */
		{ 94, 44 },	/* ESOCKTNOSUPPORT */
		{ 95, 45 },	/* EOPNOTSUPP */
		{ 96, 46 },	/* EPFNOSUPPORT */
		{ 97, 47 },	/* EAFNOSUPPORT */
		{ 98, 48 },	/* EADDRINUSE */
		{ 99, 49 },	/* EADDRNOTAVAIL */
		{ 100, 50 },	/* ENETDOWN */
		{ 101, 51 },	/* ENETUNREACH */
		{ 102, 52 },	/* ENETRESET */
		{ 103, 53 },	/* ECONNABORTED */
		{ 104, 54 },	/* ECONNRESET */
		{ 105, 55 },	/* ENOBUFS */
		{ 106, 56 },	/* EISCONN */
		{ 107, 57 },	/* ENOTCONN */
		{ 108, 58 },	/* ESHUTDOWN */
		{ 109, 59 },	/* ETOOMANYREFS */
		{ 110, 60 },	/* ETIMEDOUT */
		{ 111, 61 },	/* ECONNREFUSED */
		{ 112, 64 },	/* EHOSTDOWN */
		{ 113, 65 },	/* EHOSTUNREACH */
		{ 114, 37 },	/* EALREADY */
		{ 115, 36 },	/* EINPROGRESS */
		{ 116, 70 },	/* ESTALE */
		{ 122, 69 },	/* EDQUOT */
		{ 125, 85 },	/* ECANCELED */
		{ 130, 96 },	/* EOWNERDEAD */
		{ 131, 95 },	/* ENOTRECOVERABLE */
	};
	unsigned e = linux_errno < 0 ? 0u - (unsigned)linux_errno : (unsigned)linux_errno;
	size_t i;

	if (e < 11)		/* every record without an error: no search */
		return e;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].lx == e)
			return map[i].fb;
	return e;
}

/* The @code-th (from 1) name of the comma-separated list @p; NULL if none. */
static const char *reason_name(const char *p, unsigned int code, char *buf, size_t len)
{
	const char *end;
	unsigned int i;

	for (i = 1; code; i++) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (i == code) {
			snprintf(buf, len, "%.*s", (int)(end - p), p);
			return buf;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return NULL;
}

const char *bblog_rst_reason_name(unsigned int code, char *buf, size_t len)
{
	return reason_name(BBLOG_RST_REASON_NAMES, code, buf, len);
}

const char *bblog_drop_reason_name(unsigned int code, char *buf, size_t len)
{
	return reason_name(BBLOG_DROP_REASON_NAMES, code, buf, len);
}
