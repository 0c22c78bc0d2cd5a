// SPDX-License-Identifier: GPL-2.0
/*
 * The BBLOG_SO_* socket options, at level SOL_IP (both address families)
 * and SOL_IPV6 (IPv6 sockets), through netfilter's sockopt registry.  The
 * errors each option returns are documented in uapi/linux/tcp_bblog.h.
 */
#include <linux/capability.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <linux/tcp_bblog.h>

#include "conn.h"
#include "logid.h"
#include "policy.h"
#include "sockopt.h"
#include "stats.h"
#include "sysctl.h"

static bool bblog_sockopt_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM;
}

/* A string option: at most @size - 1 bytes are used, NUL-terminated. */
static int bblog_sockopt_string(char *dst, size_t size, sockptr_t arg,
				unsigned int len)
{
	size_t n = min_t(size_t, len, size - 1);

	memset(dst, 0, size);
	if (copy_from_sockptr(dst, arg, n))
		return -EFAULT;
	return 0;
}

static void bblog_sockopt_event(struct bblog_conn *c, struct sock *sk,
				int optval, u32 value)
{
	struct bblog_event ev = {
		.id = BBLOG_EV_SOCKOPT,
		.arg1 = optval - BBLOG_SO_BASE,
		.arg2 = value,
	};

	spin_lock_bh(&c->lock);
	bblog_conn_log_locked(c, sk, &ev);
	spin_unlock_bh(&c->lock);
}

static int bblog_set_mode(struct sock *sk, sockptr_t arg, unsigned int len)
{
	struct bblog_conn *c;
	int mode, err = 0;
	bool unpriv;

	if (len < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&mode, arg, sizeof(mode)))
		return -EFAULT;
	if (!bblog_mode_valid(mode))
		return -EINVAL;

	c = bblog_conn_lookup(sk);
	if (!c && mode <= BBLOG_MODE_OFF)
		return 0;
	if (!c) {
		c = bblog_conn_get_or_create(sk, BBLOG_MODE_OFF, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
	}
	/* Logging turned on without privilege: its share of the budget. */
	unpriv = mode > BBLOG_MODE_OFF &&
		 !ns_capable_noaudit(&init_user_ns, CAP_NET_ADMIN);
	spin_lock_bh(&c->lock);
	bblog_conn_set_mode_locked(c, mode);
	if (unpriv)
		c->ring.charge.unpriv = true;
	/* A listener's mode is for the connections it accepts. */
	if (sk->sk_state == TCP_LISTEN)
		err = bblog_conn_make_listener(c, sk);
	spin_unlock_bh(&c->lock);
	bblog_sockopt_event(c, sk, BBLOG_SO_MODE, mode);
	return err;
}

/* BBLOG_SO_ID on a listener: the ID of the connections it accepts. */
static int bblog_set_listen_id(struct sock *sk, const char *id)
{
	struct bblog_conn *c = bblog_conn_lookup(sk);
	char *copy = NULL;
	int err;

	if (!c && !*id)
		return 0;
	if (*id) {
		copy = kstrdup(id, GFP_KERNEL_ACCOUNT);
		if (!copy)
			return -ENOMEM;
	}
	if (!c) {
		c = bblog_conn_get_or_create(sk, BBLOG_MODE_OFF, GFP_KERNEL);
		if (!c) {
			kfree(copy);
			return -ENOMEM;
		}
	}
	spin_lock_bh(&c->lock);
	swap(c->listen_id, copy);
	c->listen_owner = bblog_logid_owner_for(sk);
	err = bblog_conn_make_listener(c, sk);
	spin_unlock_bh(&c->lock);
	kfree(copy);
	return err;
}

static int bblog_set_id(struct sock *sk, sockptr_t arg, unsigned int len)
{
	char id[BBLOG_ID_LEN];
	struct bblog_conn *c;
	int err;

	err = bblog_sockopt_string(id, sizeof(id), arg, len);
	if (err)
		return err;
	if (sk->sk_state == TCP_LISTEN)
		return bblog_set_listen_id(sk, id);
	c = bblog_conn_lookup(sk);
	if (!c && !*id)
		return 0;
	if (!c) {
		c = bblog_conn_get_or_create(sk, BBLOG_MODE_OFF, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
	}
	err = bblog_logid_set(c, sk, id, bblog_logid_owner_for(sk), GFP_KERNEL);
	if (!err)
		bblog_sockopt_event(c, sk, BBLOG_SO_ID, 0);
	return err;
}

/* BBLOG_SO_LOG: an application event, recorded if the connection logs. */
static int bblog_set_log(struct sock *sk, sockptr_t arg, unsigned int len)
{
	struct bblog_user_event u = { };
	struct bblog_event ev = { .id = BBLOG_EV_USER };
	struct bblog_conn *c;

	if (len < offsetof(struct bblog_user_event, data) || len > sizeof(u))
		return -EINVAL;
	if (copy_from_sockptr(&u, arg, len))
		return -EFAULT;
	c = bblog_conn_lookup(sk);
	if (!c)
		return 0;
	ev.arg1 = u.type;
	ev.arg2 = u.subtype;
	ev.data = u.data;
	ev.data_len = len - offsetof(struct bblog_user_event, data);
	spin_lock_bh(&c->lock);
	bblog_conn_log_locked(c, sk, &ev);
	spin_unlock_bh(&c->lock);
	return 0;
}

int bblog_sockopt_set(struct sock *sk, int optval, sockptr_t arg,
		      unsigned int len)
{
	char str[BBLOG_REASON_LEN];
	struct bblog_conn *c;
	int err;

	if (!bblog_sockopt_tcp(sk))
		return -EOPNOTSUPP;
	if (!bblog_may_use_sockopts())
		return -EPERM;
	if (READ_ONCE(bblog_net(sock_net(sk))->disable_all))
		return -EBUSY;

	lock_sock(sk);
	switch (optval) {
	case BBLOG_SO_MODE:
		err = bblog_set_mode(sk, arg, len);
		break;
	case BBLOG_SO_ID:
		err = bblog_set_id(sk, arg, len);
		break;
	case BBLOG_SO_TAG:
		err = bblog_sockopt_string(str, BBLOG_TAG_LEN, arg, len);
		if (err)
			break;
		c = bblog_conn_lookup(sk);
		err = c ? bblog_logid_set_tag(c, str) : -ENOENT;
		break;
	case BBLOG_SO_LOG:
		err = bblog_set_log(sk, arg, len);
		break;
	case BBLOG_SO_DUMP:
	case BBLOG_SO_DUMPID:
		err = bblog_sockopt_string(str, BBLOG_REASON_LEN, arg, len);
		if (err)
			break;
		c = bblog_conn_lookup(sk);
		if (!c)
			break;
		if (optval == BBLOG_SO_DUMPID) {
			err = bblog_logid_dump(c, sk, str);
			break;
		}
		spin_lock_bh(&c->lock);
		err = bblog_conn_dump_locked(c, str) ? -ENOBUFS : 0;
		spin_unlock_bh(&c->lock);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

/* Records BBLOG_SO_BUF copies per pass under the connection lock. */
#define BBLOG_BUF_BATCH	16

/*
 * BBLOG_SO_BUF: hand over as many whole records as fit, oldest first.  The
 * records stay in the ring while they are copied, a batch at a time, so the
 * ring never holds more than its limit; a record is forgotten only once it
 * reached the caller.  If the first copy faults nothing is forgotten.
 */
static int bblog_get_buf(struct sock *sk, void __user *user, int *len)
{
	struct bblog_record *batch;
	struct bblog_conn *c;
	u32 n = 0, want, k, taken;
	int err = 0;

	if (*len < (int)sizeof(struct bblog_record))
		return -EINVAL;
	c = bblog_conn_lookup(sk);
	if (!c) {
		*len = 0;
		return 0;
	}
	batch = kmalloc_array(BBLOG_BUF_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	spin_lock_bh(&c->lock);
	want = min_t(u32, c->ring.count, *len / sizeof(struct bblog_record));
	spin_unlock_bh(&c->lock);

	while (n < want) {
		spin_lock_bh(&c->lock);
		k = bblog_ring_peek(&c->ring, batch,
				    min_t(u32, want - n, BBLOG_BUF_BATCH));
		spin_unlock_bh(&c->lock);
		if (!k)
			break;
		if (copy_to_user(user + n * sizeof(*batch), batch,
				 k * sizeof(*batch))) {
			err = n ? 0 : -EFAULT;
			break;
		}
		spin_lock_bh(&c->lock);
		taken = bblog_ring_drop_through(&c->ring, batch[k - 1].sn);
		spin_unlock_bh(&c->lock);
		bblog_stat_add(c->nstats, BBLOG_STAT_BUF_RECORDS, taken);
		n += k;
		cond_resched();
	}
	kfree(batch);

	*len = n * sizeof(struct bblog_record);
	return err;
}

static int bblog_get_id(struct sock *sk, void __user *user, int *len)
{
	char id[BBLOG_ID_LEN] = "", tag[BBLOG_TAG_LEN];
	struct bblog_conn *c = bblog_conn_lookup(sk);
	int n;

	if (c) {
		spin_lock_bh(&c->lock);
		if (c->listener)
			strscpy(id, c->listen_id ? c->listen_id : "", sizeof(id));
		else
			bblog_logid_label(c, id, tag, NULL);
		spin_unlock_bh(&c->lock);
	}
	n = strnlen(id, sizeof(id) - 1) + 1;	/* at most sizeof(id) */
	if (*len < n)
		return -EINVAL;
	if (copy_to_user(user, id, n))
		return -EFAULT;
	*len = n;
	return 0;
}

static int bblog_get_int(void __user *user, int *len, u32 value)
{
	if (*len < (int)sizeof(value))
		return -EINVAL;
	if (copy_to_user(user, &value, sizeof(value)))
		return -EFAULT;
	*len = sizeof(value);
	return 0;
}

static int bblog_sockopt_get(struct sock *sk, int optval, void __user *user,
			     int *len)
{
	struct bblog_conn *c;
	u32 value = 0;
	int err;

	if (!bblog_sockopt_tcp(sk))
		return -EOPNOTSUPP;
	if (!bblog_may_use_sockopts())
		return -EPERM;

	lock_sock(sk);
	c = bblog_conn_lookup(sk);
	switch (optval) {
	case BBLOG_SO_MODE:
		if (c) {
			spin_lock_bh(&c->lock);
			value = c->mode;
			spin_unlock_bh(&c->lock);
		}
		err = bblog_get_int(user, len, value);
		break;
	case BBLOG_SO_ID:
		err = bblog_get_id(sk, user, len);
		break;
	case BBLOG_SO_ID_CNT:
		err = c ? bblog_logid_count(c, sk, &value) : -ENOENT;
		if (!err)
			err = bblog_get_int(user, len, value);
		break;
	case BBLOG_SO_BUF:
		err = bblog_get_buf(sk, user, len);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

#define BBLOG_SOCKOPT_OPS(family) {		\
	.pf		= family,		\
	.set_optmin	= BBLOG_SO_BASE,	\
	.set_optmax	= BBLOG_SO_END,		\
	.set		= bblog_sockopt_set,	\
	.get_optmin	= BBLOG_SO_BASE,	\
	.get_optmax	= BBLOG_SO_END,		\
	.get		= bblog_sockopt_get,	\
	.owner		= THIS_MODULE,		\
}

/* SOL_IP reaches both families through PF_INET; SOL_IPV6 needs PF_INET6. */
static struct nf_sockopt_ops bblog_sockopt_ops[] = {
	BBLOG_SOCKOPT_OPS(PF_INET),
	BBLOG_SOCKOPT_OPS(PF_INET6),
};

int bblog_sockopt_init(void)
{
	int err;

	err = nf_register_sockopt(&bblog_sockopt_ops[0]);
	if (err)
		goto err_inet;
	err = nf_register_sockopt(&bblog_sockopt_ops[1]);
	if (err)
		goto err_inet6;
	return 0;

err_inet6:
	nf_unregister_sockopt(&bblog_sockopt_ops[0]);
err_inet:
	pr_err("socket option range %#x-%#x is taken: %d\n",
	       BBLOG_SO_BASE, BBLOG_SO_END - 1, err);
	return err;
}

void bblog_sockopt_uninit(void)
{
	nf_unregister_sockopt(&bblog_sockopt_ops[1]);
	nf_unregister_sockopt(&bblog_sockopt_ops[0]);
}
