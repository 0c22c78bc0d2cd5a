/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_POLICY_H
#define _BBLOG_POLICY_H

#include <linux/atomic.h>
#include <linux/types.h>

bool bblog_mode_valid(int mode);
bool bblog_mode_dumps_at_close(int mode);
bool bblog_ratio_select(atomic64_t *counter, u32 ratio);

#endif /* _BBLOG_POLICY_H */
