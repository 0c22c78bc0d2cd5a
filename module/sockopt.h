/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_SOCKOPT_H
#define _BBLOG_SOCKOPT_H

#include <linux/sockptr.h>

struct sock;

int bblog_sockopt_set(struct sock *sk, int optval, sockptr_t arg,
		      unsigned int len);
int bblog_sockopt_init(void);
void bblog_sockopt_uninit(void);

#endif /* _BBLOG_SOCKOPT_H */
