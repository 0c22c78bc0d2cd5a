/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_SOCKOPT_H
#define _BBLOG_SOCKOPT_H

int bblog_sockopt_init(void);
void bblog_sockopt_uninit(void);

#endif /* _BBLOG_SOCKOPT_H */
