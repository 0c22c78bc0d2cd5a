// SPDX-License-Identifier: GPL-2.0
/*
 * Linux's reasons, in numbers that do not change from one kernel to the next.
 *
 * Since 6.10 tcp_send_reset says why a reset is sent (enum sk_rst_reason),
 * and since 5.17 kfree_skb why a packet is dropped (enum skb_drop_reason);
 * their numbers shift as kernels add reasons (6.12 added the active
 * resets' ones in the middle).  A record carries 1 + the index of the
 * reason's name in the uapi's BBLOG_RST_REASON_NAMES or
 * BBLOG_DROP_REASON_NAMES, matched by name when the module is loaded; 0
 * when the kernel gives none or the list lacks it (the kernel's own number
 * is beside it).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tcp_bblog.h>

#include "reason.h"

/* 1 + the index of @name (any case) in the list @p; 0: absent. */
static u8 __maybe_unused bblog_reason_index(const char *p, const char *name)
{
	unsigned int i;
	size_t len;

	if (!name)	/* a value the kernel's list does not name */
		return 0;
	len = strlen(name);
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

#ifdef BBLOG_HAVE_RST_REASON
static const char *const bblog_rst_knames[] = {
	DEFINE_RST_REASON(BBLOG_RST_KNAME, BBLOG_RST_KNAME_END)
};

static u8 bblog_rst_map[ARRAY_SIZE(bblog_rst_knames)];

u32 bblog_rst_reason(unsigned int kreason)
{
	return kreason < ARRAY_SIZE(bblog_rst_map) ? bblog_rst_map[kreason] : 0;
}
#endif

#ifdef BBLOG_HAVE_DROP_REASON
static const char *const bblog_drop_knames[] = {
	DEFINE_DROP_REASON(BBLOG_DROP_KNAME, BBLOG_DROP_KNAME_END)
};

static u8 bblog_drop_map[ARRAY_SIZE(bblog_drop_knames)];

/* Reasons of other subsystems (their bits above 16) are not known. */
u32 bblog_drop_reason(unsigned int kreason)
{
	return kreason < ARRAY_SIZE(bblog_drop_map) ? bblog_drop_map[kreason] : 0;
}
#endif

void bblog_reason_init(void)
{
	unsigned int __maybe_unused i;

#ifdef BBLOG_HAVE_RST_REASON
	for (i = 0; i < ARRAY_SIZE(bblog_rst_knames); i++)
		bblog_rst_map[i] = bblog_reason_index(BBLOG_RST_REASON_NAMES,
						      bblog_rst_knames[i]);
#endif
#ifdef BBLOG_HAVE_DROP_REASON
	for (i = 0; i < ARRAY_SIZE(bblog_drop_knames); i++)
		bblog_drop_map[i] = bblog_reason_index(BBLOG_DROP_REASON_NAMES,
						       bblog_drop_knames[i]);
#endif
}
