/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_GENL_H
#define _BBLOG_GENL_H

int bblog_genl_init(void);
void bblog_genl_uninit(void);

#endif /* _BBLOG_GENL_H */
