/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_HOOKS_H
#define _BBLOG_HOOKS_H

int bblog_hooks_init(void);
void bblog_hooks_uninit(void);
unsigned long bblog_hooks_kprobe_missed(void);
bool bblog_hooks_clone_probed(void);

#endif /* _BBLOG_HOOKS_H */
