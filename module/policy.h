/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_POLICY_H
#define _BBLOG_POLICY_H

#include <linux/atomic.h>
#include <linux/types.h>

bool bblog_mode_valid(int mode);
bool bblog_mode_dumps_at_close(int mode);
bool bblog_ratio_select(atomic64_t *counter, u32 ratio);

/* Triggers: kernel events that dump a logged connection's records. */
enum bblog_trigger {
	BBLOG_TRIG_RST_SENT,
	BBLOG_TRIG_RST_RECV,
	BBLOG_TRIG_RTO,
	BBLOG_TRIG_RETRANS,
	BBLOG_TRIG_SYN_RETRANS,
	BBLOG_TRIG_SK_ERROR,
	BBLOG_TRIG_NR
};

/* The triggers of a namespace (net.tcp_bblog.triggers). */
struct bblog_triggers {
	u32 mask;		/* BIT(BBLOG_TRIG_*) */
	u32 retrans;		/* retrans=N: at the N-th retransmitted segment */
	bool id;		/* dump every connection of the log ID */
};

/* Longest text of a struct bblog_triggers, NUL included. */
#define BBLOG_TRIGGERS_TEXT 128

const char *bblog_trigger_name(enum bblog_trigger t);
int bblog_triggers_parse(const char *s, struct bblog_triggers *t);
void bblog_triggers_format(const struct bblog_triggers *t, char *buf, size_t len);

#endif /* _BBLOG_POLICY_H */
