/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_SOCKMARK_H
#define _BBLOG_SOCKMARK_H

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/types.h>

struct sock;

/*
 * Which sockets may be logged: a counting filter of the sockets in the
 * connection table, in front of it.  A socket that is not counted has no
 * connection, and the packet hooks and tracepoints pass it for a load and a
 * test instead of a table lookup; a counted one (its own slot, or another
 * socket's that hashes alike) is looked up.  No false negatives: a socket
 * is counted before its connection enters the table and uncounted after it
 * left.
 */
#define BBLOG_SOCKMARK_BITS	15

extern atomic_t bblog_sockmarks[1 << BBLOG_SOCKMARK_BITS];

static inline atomic_t *bblog_sockmark_slot(const struct sock *sk)
{
	return &bblog_sockmarks[hash_ptr(sk, BBLOG_SOCKMARK_BITS)];
}

/* False if @sk has no connection; true if it may have one. */
static inline bool bblog_sockmark_maybe(const struct sock *sk)
{
	return atomic_read(bblog_sockmark_slot(sk)) != 0;
}

void bblog_sockmark_add(const struct sock *sk);
void bblog_sockmark_del(const struct sock *sk);

#endif /* _BBLOG_SOCKMARK_H */
