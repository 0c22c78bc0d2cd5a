// SPDX-License-Identifier: GPL-2.0
/*
 * Triggers, the flight recorder: when the kernel sees trouble on a logged
 * connection (a reset sent or received, the retransmission timer, the N-th
 * retransmitted segment, a retransmitted SYN or SYN-ACK, a socket error),
 * the connection's records, which hold the lead-up to the trouble, are
 * dumped at once with the reason "trigger:NAME"; with "id", every
 * connection of its log ID is.  The connection keeps logging, and a later
 * trigger dumps what came since.  net.tcp_bblog.triggers chooses them per
 * network namespace; net.tcp_bblog.trigger_rate bounds the dumps per second
 * they make there, and the ones it refuses are counted.  A selection rule
 * adds its own triggers to the connections it selects.
 */
#include <linux/bits.h>
#include <linux/ratelimit.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "conn.h"
#include "logid.h"
#include "rule.h"
#include "stats.h"
#include "sysctl.h"
#include "trigger.h"

/* The retransmissions that fire retrans=N: the lower of the two N set. */
static u32 bblog_trigger_retrans(const struct bblog_net *bn, const struct bblog_conn *c)
{
	u32 n = U32_MAX;

	if (READ_ONCE(bn->triggers.mask) & BIT(BBLOG_TRIG_RETRANS))
		n = READ_ONCE(bn->triggers.retrans);
	if (c->triggers.mask & BIT(BBLOG_TRIG_RETRANS))
		n = min(n, c->triggers.retrans);
	return n;
}

/*
 * Event @t happened on @sk (its record is already logged).  A connection
 * has the triggers of its namespace and those of the rule that selected it.
 */
void bblog_trigger(const struct sock *sk, enum bblog_trigger t)
{
	struct bblog_net *bn = bblog_net(sock_net(sk));
	char reason[BBLOG_REASON_LEN];
	u32 ns_mask = READ_ONCE(bn->triggers.mask);
	struct bblog_conn *c;
	bool by_id = false;

	if (!((ns_mask | bblog_rules_trigger_mask(sock_net(sk))) & BIT(t)))
		return;
	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (!c)
		goto out;
	spin_lock_bh(&c->lock);
	if (c->dead || c->listener || c->mode <= BBLOG_MODE_OFF || !c->ring.count ||
	    !((ns_mask | c->triggers.mask) & BIT(t)))
		goto unlock;
	if (t == BBLOG_TRIG_RETRANS) {
		if (c->retrans_fired ||
		    tcp_sk(sk)->total_retrans < bblog_trigger_retrans(bn, c))
			goto unlock;
		c->retrans_fired = true;
	}
	if (!__ratelimit(&bn->trigger_rs)) {
		bblog_stat_inc(c->nstats, BBLOG_STAT_TRIGGER_LIMITED);
		goto unlock;
	}
	bblog_stat_inc(c->nstats, BBLOG_STAT_TRIGGERED);
	snprintf(reason, sizeof(reason), "trigger:%s", bblog_trigger_name(t));
	by_id = (READ_ONCE(bn->triggers.id) || c->triggers.id) && c->logid;
	if (by_id)
		bblog_conn_get(c);
	else
		bblog_conn_dump_locked(c, reason);
unlock:
	spin_unlock_bh(&c->lock);
	if (by_id) {
		bblog_logid_dump_all(c, reason);
		bblog_conn_put(c);
	}
out:
	rcu_read_unlock();
}
