// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets as templates: the mode and log ID set on a listener are
 * given to every connection it accepts, from the moment that connection is
 * created, before accept() returns it, so nothing of its start is missed.
 *
 * A new passive connection's first event is its state change from LISTEN to
 * SYN_RECV in inet_csk_clone_lock(), where it is still a copy of its
 * listener, socket cookie included (its own cookie is set just after).
 * Listeners with a template are therefore filed here by their cookie, which
 * is generated when they become templates.
 */
#include <linux/rhashtable.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <net/sock.h>

#include "conn.h"
#include "listen.h"

static const struct rhashtable_params bblog_listen_params = {
	.key_len		= sizeof(u64),
	.key_offset		= offsetof(struct bblog_conn, lcookie),
	.head_offset		= offsetof(struct bblog_conn, lnode),
	.automatic_shrinking	= true,
};

static struct rhashtable bblog_listeners;
static atomic_t bblog_nlisteners = ATOMIC_INIT(0);

int bblog_listen_init(void)
{
	return rhashtable_init(&bblog_listeners, &bblog_listen_params);
}

/* Module exit: the connections themselves are freed by the connection table. */
void bblog_listen_uninit(void)
{
	rhashtable_destroy(&bblog_listeners);
	atomic_set(&bblog_nlisteners, 0);
}

/* File @c, the connection of the listening socket @sk, by @sk's cookie. */
int bblog_listen_add(struct bblog_conn *c, struct sock *sk)
{
	u32 cookie[2];
	int err;

	lockdep_assert_held(&c->lock);
	if (c->lfiled)
		return 0;
	sock_diag_save_cookie(sk, cookie);
	c->lcookie = (u64)cookie[1] << 32 | cookie[0];
	err = rhashtable_lookup_insert_fast(&bblog_listeners, &c->lnode,
					    bblog_listen_params);
	if (err)
		return err;
	c->lfiled = true;
	atomic_inc(&bblog_nlisteners);
	return 0;
}

void bblog_listen_del(struct bblog_conn *c)
{
	lockdep_assert_held(&c->lock);
	if (!c->lfiled)
		return;
	rhashtable_remove_fast(&bblog_listeners, &c->lnode, bblog_listen_params);
	c->lfiled = false;
	atomic_dec(&bblog_nlisteners);
}

/*
 * The template of the listener whose cookie is @cookie.  False if that
 * listener has none.
 */
bool bblog_listen_template(u64 cookie, struct bblog_template *t)
{
	struct bblog_conn *l;
	bool found = false;

	if (!cookie || !atomic_read(&bblog_nlisteners))
		return false;
	rcu_read_lock();
	l = rhashtable_lookup(&bblog_listeners, &cookie, bblog_listen_params);
	if (l) {
		spin_lock_bh(&l->lock);
		if (l->lfiled && l->listener) {
			t->mode = l->mode;
			strscpy(t->id, l->listen_id ? l->listen_id : "",
				sizeof(t->id));
			t->owner = l->listen_owner;
			t->unpriv = l->ring.charge.unpriv;
			found = t->mode > BBLOG_MODE_OFF || t->id[0];
		}
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
	return found;
}
