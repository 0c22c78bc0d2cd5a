/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version compatibility for tcp_bblog, force-included into every
 * object by Kbuild.  Newest API plus backfill: the .c files use today's
 * names and this header provides them on older kernels.  This is the only
 * place that may test LINUX_VERSION_CODE.
 */
#ifndef _BBLOG_COMPAT_H
#define _BBLOG_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "tcp_bblog needs Linux 6.1 or newer"
#endif

#endif /* _BBLOG_COMPAT_H */
