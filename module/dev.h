/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_DEV_H
#define _BBLOG_DEV_H

int bblog_dev_init(void);
void bblog_dev_uninit(void);

#endif /* _BBLOG_DEV_H */
