/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_SYSCTL_H
#define _BBLOG_SYSCTL_H

int bblog_sysctl_init(void);
void bblog_sysctl_uninit(void);

#endif /* _BBLOG_SYSCTL_H */
