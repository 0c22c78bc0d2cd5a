/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_REASON_H
#define _BBLOG_REASON_H

#include <linux/types.h>

void bblog_reason_init(void);
#ifdef BBLOG_HAVE_RST_REASON
/* 1 + the index in BBLOG_RST_REASON_NAMES of the kernel's reason; 0: none. */
u32 bblog_rst_reason(unsigned int kreason);
#endif
#ifdef BBLOG_HAVE_DROP_REASON
/* 1 + the index in BBLOG_DROP_REASON_NAMES of the kernel's reason; 0: none. */
u32 bblog_drop_reason(unsigned int kreason);
#else
static inline u32 bblog_drop_reason(unsigned int kreason)
{
	return 0;
}
#endif

#endif /* _BBLOG_REASON_H */
