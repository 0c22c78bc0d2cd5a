// SPDX-License-Identifier: GPL-2.0
/*
 * The counting filter of logged sockets (sockmark.h).  2^15 counters
 * (128 KiB): with 512 logged sockets about 1.6% of the others share a slot
 * with one and are looked up for nothing, with 10 000 about 26%.
 */
#include <linux/bug.h>

#include "sockmark.h"

atomic_t bblog_sockmarks[1 << BBLOG_SOCKMARK_BITS];

/* Before @sk's connection is inserted: a reader that finds it counts it. */
void bblog_sockmark_add(const struct sock *sk)
{
	atomic_inc(bblog_sockmark_slot(sk));
}

/* After @sk's connection was removed (or not inserted). */
void bblog_sockmark_del(const struct sock *sk)
{
	WARN_ON_ONCE(atomic_dec_return(bblog_sockmark_slot(sk)) < 0);
}
