/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_LISTEN_H
#define _BBLOG_LISTEN_H

#include <linux/types.h>
#include <linux/tcp_bblog.h>

struct bblog_conn;
struct sock;

/* What a listener gives the connections it accepts. */
struct bblog_template {
	s8 mode;			/* BBLOG_MODE_* */
	char id[BBLOG_ID_LEN];		/* "" for none */
	kuid_t owner;			/* of the ID's bucket */
	bool unpriv;			/* set without privilege: its share */
};

int bblog_listen_init(void);
void bblog_listen_uninit(void);
int bblog_listen_add(struct bblog_conn *c, struct sock *sk);
void bblog_listen_del(struct bblog_conn *c);
bool bblog_listen_template(u64 cookie, struct bblog_template *t);

#endif /* _BBLOG_LISTEN_H */
