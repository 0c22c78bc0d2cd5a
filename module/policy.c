// SPDX-License-Identifier: GPL-2.0
/*
 * Pure decisions: which modes exist, what each does at close, and which
 * candidates the auto ratio selects.  No locking, no allocation: KUnit
 * tests this file directly.
 */
#include <linux/math64.h>
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
