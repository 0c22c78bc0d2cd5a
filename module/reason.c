// SPDX-License-Identifier: GPL-2.0
/*
 * Linux's reasons, in numbers that do not change from one kernel to the next.
 *
 * Since 6.10 tcp_send_reset says why a reset is sent: enum sk_rst_reason,
 * whose numbers shift as kernels add reasons (6.12 added the active
 * resets' ones in the middle).  A record carries 1 + the index of the
 * reason's name in the uapi's BBLOG_RST_REASON_NAMES, matched by name when
 * the module is loaded; 0 when the kernel gives none or the list lacks it
 * (the kernel's own number is beside it).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tcp_bblog.h>

#include "reason.h"

#ifdef BBLOG_HAVE_RST_REASON
static const char *const bblog_rst_knames[] = {
	DEFINE_RST_REASON(BBLOG_RST_KNAME, BBLOG_RST_KNAME_END)
};

static u8 bblog_rst_map[ARRAY_SIZE(bblog_rst_knames)];

/* 1 + the index of @name (any case) in BBLOG_RST_REASON_NAMES; 0: absent. */
static u8 bblog_rst_index(const char *name)
{
	const char *p = BBLOG_RST_REASON_NAMES;
	size_t len = strlen(name);
	unsigned int i;

	for (i = 1; i <= U8_MAX; i++) {
		const char *end = strchrnul(p, ',');

		if (end - p == len && !strncasecmp(p, name, len))
			return i;
		if (!*end)
			break;
		p = end + 1;
	}
	return 0;
}

void bblog_reason_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bblog_rst_knames); i++)
		bblog_rst_map[i] = bblog_rst_index(bblog_rst_knames[i]);
}

u32 bblog_rst_reason(unsigned int kreason)
{
	return kreason < ARRAY_SIZE(bblog_rst_map) ? bblog_rst_map[kreason] : 0;
}
#else
void bblog_reason_init(void)
{
}
#endif
