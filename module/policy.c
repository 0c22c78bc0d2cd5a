// SPDX-License-Identifier: GPL-2.0
/*
 * Pure decisions: which modes exist, what each does at close, and which
 * candidates the auto ratio selects.  No locking, no allocation: KUnit
 * tests this file directly.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/tcp_bblog.h>

#include "policy.h"

/* Values BBLOG_SO_MODE accepts (BBLOG_MODE_CLEAR is an argument only). */
bool bblog_mode_valid(int mode)
{
	return mode >= BBLOG_MODE_CLEAR && mode <= BBLOG_MODE_MAX;
}

/* Modes whose records are dumped to the device when the connection ends. */
bool bblog_mode_dumps_at_close(int mode)
{
	return mode == BBLOG_MODE_HEAD_AUTO || mode == BBLOG_MODE_CONTINUAL ||
	       mode == BBLOG_MODE_TAIL_AUTO;
}

/*
 * As FreeBSD's tcp_log_selectauto(): deterministically every ratio-th
 * candidate, starting with the first; ratio 0 selects none.
 */
bool bblog_ratio_select(atomic64_t *counter, u32 ratio)
{
	u64 n;

	if (!ratio)
		return false;
	n = atomic64_fetch_inc(counter);
	return do_div(n, ratio) == 0;
}

static const char *const bblog_trigger_names[BBLOG_TRIG_NR] = {
	[BBLOG_TRIG_RST_SENT]		= "rst-sent",
	[BBLOG_TRIG_RST_RECV]		= "rst-recv",
	[BBLOG_TRIG_RTO]		= "rto",
	[BBLOG_TRIG_RETRANS]		= "retrans",
	[BBLOG_TRIG_SYN_RETRANS]	= "syn-retrans",
	[BBLOG_TRIG_SK_ERROR]		= "sk-error",
};

const char *bblog_trigger_name(enum bblog_trigger t)
{
	return t < BBLOG_TRIG_NR ? bblog_trigger_names[t] : "?";
}

/* One word of a triggers text; -EINVAL if it is not one. */
static int bblog_triggers_word(const char *w, size_t n, struct bblog_triggers *t)
{
	unsigned int v;
	char num[11];
	int i;

	if (n == 2 && !strncmp(w, "id", 2)) {
		t->id = true;
		return 0;
	}
	if (n == 4 && !strncmp(w, "none", 4))
		return 0;
	if (n > 8 && !strncmp(w, "retrans=", 8)) {
		if (n - 8 >= sizeof(num))
			return -EINVAL;
		memcpy(num, w + 8, n - 8);
		num[n - 8] = 0;
		if (kstrtouint(num, 10, &v) || !v)
			return -EINVAL;
		t->mask |= BIT(BBLOG_TRIG_RETRANS);
		t->retrans = v;
		return 0;
	}
	for (i = 0; i < BBLOG_TRIG_NR; i++) {
		if (i != BBLOG_TRIG_RETRANS && strlen(bblog_trigger_names[i]) == n &&
		    !strncmp(w, bblog_trigger_names[i], n)) {
			t->mask |= BIT(i);
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Parse "rst-recv,rto retrans=3 id": words separated by commas, blanks or
 * newlines; "" or "none" is no trigger.  @t is written only on success.
 */
int bblog_triggers_parse(const char *s, struct bblog_triggers *t)
{
	struct bblog_triggers new = { };
	size_t n;
	int err;

	for (;;) {
		s += strspn(s, ", \t\n");
		if (!*s)
			break;
		n = strcspn(s, ", \t\n");
		err = bblog_triggers_word(s, n, &new);
		if (err)
			return err;
		s += n;
	}
	*t = new;
	return 0;
}

/* The canonical text of @t ("none" for no trigger). */
void bblog_triggers_format(const struct bblog_triggers *t, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < BBLOG_TRIG_NR; i++) {
		if (!(t->mask & BIT(i)))
			continue;
		if (i == BBLOG_TRIG_RETRANS)
			off += scnprintf(buf + off, len - off, "%sretrans=%u",
					 off ? "," : "", t->retrans);
		else
			off += scnprintf(buf + off, len - off, "%s%s",
					 off ? "," : "", bblog_trigger_names[i]);
	}
	if (t->id)
		off += scnprintf(buf + off, len - off, "%sid", off ? "," : "");
	if (!off)
		scnprintf(buf, len, "none");
}
