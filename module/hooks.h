/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_HOOKS_H
#define _BBLOG_HOOKS_H

struct net;

int bblog_hooks_init(void);
void bblog_hooks_uninit(void);
unsigned long bblog_hooks_kprobe_missed(void);
bool bblog_hooks_clone_probed(void);
int bblog_hooks_arm(struct net *net);
const char *bblog_hooks_missing(void);

/* net.tcp_bblog.missing_events: room for every name */
#define BBLOG_MISSING_LEN	256

#endif /* _BBLOG_HOOKS_H */
