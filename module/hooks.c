// SPDX-License-Identifier: GPL-2.0
/*
 * Where events come from.
 *
 * Tracepoints (found by name, most are not exported): state changes,
 * retransmissions, resets, congestion state, receive buffer tuning, socket
 * errors, checksum errors and destruction.  Netfilter hooks in each network
 * namespace where something can be logged: LOCAL_OUT sees every segment
 * sent, with its socket; LOCAL_IN every segment received, as it arrived
 * (before the stack coalesces ACKs in a socket's backlog), found by the
 * socket early demux gave it or by its 4-tuple.  A passive connection is
 * created by its handshake's last ACK, after that ACK passed LOCAL_IN: a
 * kprobe on tcp_rcv_state_process() records it, and whatever a connection
 * receives before it has its 4-tuple key.  Timer events come from kprobes
 * where the kernel acts: the retransmission timer (tcp_retransmit_timer),
 * the tail loss probe, zero-window and keepalive probes
 * (tcp_write_wakeup), and the retransmit after a path MTU reduction
 * (tcp_simple_retransmit).  Kretprobes: the
 * owner of an accepted connection (inet_csk_accept) and an orphan closed
 * for want of resources (tcp_check_oom).  Without kprobes those events
 * are not recorded and the load says so.
 *
 * The kprobes are armed with the first namespace's hooks; every probe
 * returns at once while no connection is logged.
 */
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <trace/events/skb.h>
#include <trace/events/sock.h>
#include <trace/events/tcp.h>

#include "conn.h"
#include "handshake.h"
#include "reason.h"
#include "hooks.h"
#include "record.h"
#include "rule.h"
#include "sockmark.h"
#include "sysctl.h"
#include "trigger.h"

static bool bblog_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP && sk->sk_type == SOCK_STREAM;
}

static void bblog_log_simple(const struct sock *sk, u8 id, s32 err,
			     u32 arg1, u32 arg2)
{
	struct bblog_event ev = {
		.id = id, .err = err, .arg1 = arg1, .arg2 = arg2,
	};

	bblog_conn_log(sk, &ev);
}

static void bblog_log_segment(const struct sock *sk, u8 id,
			      const struct sk_buff *skb, int th_off)
{
	struct bblog_event ev = { .id = id, .skb = skb, .th_off = th_off };

	bblog_conn_log(sk, &ev);
}

/*
 * Offset from skb->data of the TCP header of the IP packet @skb, past any
 * IPv6 extension headers; -1 if it is not TCP or a fragment without the
 * TCP header.  Works before and after the IP header was pulled.
 */
static int bblog_tcp_offset(const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);
	__be16 frag_off;
	u8 nexthdr;

	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return -1;
		return off + iph->ihl * 4;
	}
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, off + sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	if (off < 0 || nexthdr != IPPROTO_TCP || (frag_off & htons(~0x7)))
		return -1;
	return off;
}

/*
 * The 4-tuple of a TCP segment, as the socket that receives it (@out false)
 * or sends it sees it, and the offset of its TCP header in @ev.  False if
 * @skb is not a TCP segment with its header.
 */
static bool bblog_tuple_of_skb(struct bblog_tuple *key, const struct net *net,
			       const struct sk_buff *skb, bool out,
			       struct bblog_event *ev)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	int off = bblog_tcp_offset(skb);

	if (off < 0)
		return false;
	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th)
		return false;
	memset(key, 0, sizeof(*key));
	if (ip_hdr(skb)->version == 4) {
		key->family = AF_INET;
		memcpy(out ? key->faddr : key->laddr, &ip_hdr(skb)->daddr, 4);
		memcpy(out ? key->laddr : key->faddr, &ip_hdr(skb)->saddr, 4);
	} else {
		key->family = AF_INET6;
		memcpy(out ? key->faddr : key->laddr, &ipv6_hdr(skb)->daddr, 16);
		memcpy(out ? key->laddr : key->faddr, &ipv6_hdr(skb)->saddr, 16);
	}
	key->net = net;
	key->lport = out ? th->source : th->dest;
	key->fport = out ? th->dest : th->source;
	ev->th_off = off;
	return true;
}

static bool bblog_tuple_from_skb(struct bblog_tuple *key, const struct net *net,
				 const struct sk_buff *skb,
				 struct bblog_event *ev)
{
	return bblog_tuple_of_skb(key, net, skb, false, ev);
}

/* sock:inet_sock_set_state: fires before the new state is stored. */
static void bblog_tp_set_state(void *data, const struct sock *sk,
			       const int oldstate, const int newstate)
{
	struct sock *s = (struct sock *)sk;

	if (!bblog_is_tcp(sk))
		return;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		bblog_conn_new_sock(s, false);
	else if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV)
		bblog_conn_new_sock(s, true);
	if (oldstate == TCP_LISTEN && newstate == TCP_CLOSE && bblog_hs_pending())
		bblog_hs_listener_close(sk);
	if (!bblog_conn_any())
		return;
	/* A listener is a template for the connections it accepts. */
	if (newstate == TCP_LISTEN)
		bblog_conn_listen(s, true);
	else if (oldstate == TCP_LISTEN && newstate != TCP_SYN_RECV)
		bblog_conn_listen(s, false);
	/*
	 * A passive child (not Fast Open) closed in SYN_RECV before any
	 * segment reached it lost the race for its request to a twin made
	 * from another segment on another CPU (inet_ehash_nolisten()).
	 */
	if (oldstate == TCP_SYN_RECV && newstate == TCP_CLOSE &&
	    !rcu_access_pointer(tcp_sk(sk)->fastopen_rsk))
		bblog_conn_discard(s);
	/* The 4-tuple is given up at CLOSE, taken again by a new connect(). */
	if (newstate == TCP_CLOSE) {
		bblog_conn_tuple_change(s, true);
	} else if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		bblog_conn_tuple_change(s, false);
		bblog_conn_owner(s, BBLOG_OWNER_CONNECT);	/* connect()'s caller */
	}
	bblog_log_simple(sk, BBLOG_EV_STATE, 0, oldstate, newstate);
	if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED)
		bblog_conn_passive_established(s);
}

static void bblog_tp_retransmit_skb(void *data, BBLOG_TP_RETRANSMIT_ARGS)
{
	const struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);

	/* Only segments that did go out again (the 6.1 meaning). */
	if (!bblog_conn_any() || BBLOG_TP_RETRANSMIT_ERR)
		return;
	bblog_log_simple(sk, BBLOG_EV_RETRANS, 0, tcb->seq,
			 tcb->end_seq - tcb->seq);
	bblog_trigger(sk, BBLOG_TRIG_RETRANS);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
		bblog_trigger(sk, BBLOG_TRIG_SYN_RETRANS);
}

static void bblog_tp_send_reset(void *data, BBLOG_TP_SEND_RESET_ARGS)
{
	if (bblog_conn_any() && sk && sk_fullsock(sk) && bblog_is_tcp(sk)) {
		bblog_log_simple(sk, BBLOG_EV_RST_SENT, 0, BBLOG_TP_RST_REASON,
				 BBLOG_TP_RST_REASON_RAW);
		bblog_trigger(sk, BBLOG_TRIG_RST_SENT);
	}
	/* a listener's reset in reply to a segment of a handshake it keeps */
	if (sk && skb && sk->sk_state == TCP_LISTEN && bblog_hs_pending()) {
		struct bblog_event ev = { .id = BBLOG_EV_IN };
		struct bblog_tuple key;

		if (bblog_tuple_from_skb(&key, sock_net(sk), skb, &ev))
			bblog_hs_rst_sent(&key, BBLOG_TP_RST_REASON,
					  BBLOG_TP_RST_REASON_RAW);
	}
}

static void bblog_tp_receive_reset(void *data, struct sock *sk)
{
	if (!bblog_conn_any())
		return;
	bblog_log_simple(sk, BBLOG_EV_RST_RECV, 0, 0, 0);
	bblog_trigger(sk, BBLOG_TRIG_RST_RECV);
}

static void bblog_tp_destroy_sock(void *data, struct sock *sk)
{
	if (bblog_conn_any())
		bblog_conn_destroy(sk);
}

static void bblog_tp_rcv_space_adjust(void *data, struct sock *sk)
{
	struct bblog_conn *c;
	u32 rcvbuf;

	if (!bblog_conn_any())
		return;
	/* Called for every read: record only when the buffer changed. */
	rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	rcu_read_lock();
	c = bblog_conn_lookup(sk);
	if (c && READ_ONCE(c->last_rcvbuf) != rcvbuf) {
		struct bblog_event ev = {
			.id = BBLOG_EV_RCVBUF,
			.arg1 = rcvbuf,
			.arg2 = tcp_sk(sk)->rcv_ssthresh,
		};

		spin_lock_bh(&c->lock);
		c->last_rcvbuf = rcvbuf;
		bblog_conn_log_locked(c, sk, &ev);
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
}

/*
 * Fires before icsk_ca_state is stored: old and new are both visible.
 * Entering Loss is not a timer event: a path MTU reduction enters it too.
 */
static void bblog_tp_cong_state_set(void *data, struct sock *sk,
				    const u8 ca_state)
{
	if (!bblog_conn_any())
		return;
	bblog_log_simple(sk, BBLOG_EV_CA_STATE, 0, inet_csk(sk)->icsk_ca_state,
			 ca_state);
}

/* A segment with a bad checksum, before any socket lookup. */
static void bblog_tp_bad_csum(void *data, const struct sk_buff *skb)
{
	struct bblog_event ev = { .id = BBLOG_EV_BAD_CSUM, .skb = skb };
	struct bblog_tuple key;

	if (bblog_conn_any() && skb->dev &&
	    bblog_tuple_from_skb(&key, dev_net(skb->dev), skb, &ev))
		bblog_conn_log_tuple(&key, &ev);
}

/*
 * An error reported to the socket's owner.  tcp_disconnect() reports one
 * with no error (sk_err 0: a wakeup, e.g. when connect() fails and the
 * socket is reset for another try): neither a record nor a trigger.
 */
static void bblog_tp_error_report(void *data, const struct sock *sk)
{
	int err;

	if (!bblog_conn_any() || !bblog_is_tcp(sk))
		return;
	err = READ_ONCE(sk->sk_err);
	if (!err)
		return;
	bblog_log_simple(sk, BBLOG_EV_SK_ERROR, -err, 0, 0);
	bblog_trigger(sk, BBLOG_TRIG_SK_ERROR);
}

/*
 * A tracepoint and its probe; @loses: the events (bblog's names) not
 * recorded without it, for one that an older kernel lacks (5.10 has no
 * tcp_cong_state_set, inet_sk_error_report or tcp_bad_csum): such a kernel
 * loads without them.  The others are needed.  @fallback: a kprobe gives
 * the same events where the tracepoint is missing (bblog_kps[]).
 */
struct bblog_tracepoint {
	const char *name;
	void *probe;
	const char *loses;
	bool fallback;
	struct tracepoint *tp;
};

/*
 * The events this kernel cannot give, as bblog names them, comma separated
 * (net.tcp_bblog.missing_events, and the load's log): tracepoints it does
 * not have, kprobes that could not be placed.  Set at load.
 */
static char bblog_missing[BBLOG_MISSING_LEN];

/* @name (@len bytes) is in bblog_missing already. */
static bool bblog_missing_has(const char *name, size_t len)
{
	const char *p = bblog_missing, *end;

	for (; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		if (end - p == len && !strncmp(p, name, len))
			return true;
	}
	return false;
}

/* Add the comma-separated @events, each name once. */
static void bblog_missing_add(const char *events)
{
	size_t used, len;
	const char *end;

	for (; *events; events = *end ? end + 1 : end) {
		end = strchrnul(events, ',');
		len = end - events;
		used = strlen(bblog_missing);
		if (bblog_missing_has(events, len) ||
		    used + len + 2 > sizeof(bblog_missing))
			continue;
		if (used)
			bblog_missing[used++] = ',';
		memcpy(bblog_missing + used, events, len);
		bblog_missing[used + len] = '\0';
	}
}

const char *bblog_hooks_missing(void)
{
	return bblog_missing;
}

/*
 * A packet dropped (kfree_skb(), not consume_skb()): a TCP segment of a
 * logged connection is recorded with the reason.  One its socket sends
 * (its source is the socket's) goes to that socket; any other is looked up
 * by its 4-tuple as received, in the namespace it arrived in.  Every drop
 * anywhere passes here: the cost before the first test is a tracepoint
 * call.
 */
static void bblog_tp_kfree_skb(void *data, BBLOG_TP_KFREE_SKB_ARGS)
{
	struct bblog_event ev = {
		.id = BBLOG_EV_DROP, .skb = skb,
		.arg1 = bblog_drop_reason(BBLOG_TP_DROP_REASON),
		.arg2 = (u32)BBLOG_TP_DROP_REASON,
	};
	struct sock *sk = skb->sk;
	const struct net_device *dev;
	const struct dst_entry *dst;
	struct bblog_tuple key;
	const struct tcphdr *th;
	struct tcphdr _th;

	/* an IP packet: its network header was set by whoever set protocol */
	if (!bblog_conn_any() ||
	    (skb->protocol != htons(ETH_P_IP) && skb->protocol != htons(ETH_P_IPV6)))
		return;
	ev.th_off = bblog_tcp_offset(skb);
	if (ev.th_off < 0)
		return;
	th = skb_header_pointer(skb, ev.th_off, sizeof(_th), &_th);
	if (!th)
		return;
	if (sk && sk_fullsock(sk) && bblog_is_tcp(sk) &&
	    th->source == inet_sk(sk)->inet_sport && th->dest == inet_sk(sk)->inet_dport) {
		bblog_conn_log(sk, &ev);
		return;
	}
	/*
	 * TCP's receive path has cleared skb->dev (tcp_v4_rcv(), tcp_v6_rcv())
	 * by the time it drops a segment; its input route's device is in the
	 * same namespace.
	 */
	rcu_read_lock();
	dst = skb_dst(skb);
	dev = skb->dev ?: (dst ? dst->dev : NULL);
	if (dev && bblog_tuple_from_skb(&key, dev_net(dev), skb, &ev))
		bblog_conn_log_tuple(&key, &ev);
	rcu_read_unlock();
}

/*
 * Registered in this order, unregistered in the reverse: tcp_destroy_sock
 * is there before inet_sock_set_state can make a connection entry and
 * stays until it cannot, so that no entry outlives its socket.
 */
#define BBLOG_TP_ERROR_REPORT	7	/* inet_sk_error_report's index */

static struct bblog_tracepoint bblog_tps[] = {
	{ "tcp_destroy_sock", bblog_tp_destroy_sock },
	{ "inet_sock_set_state", bblog_tp_set_state },
	{ "tcp_retransmit_skb", bblog_tp_retransmit_skb },
	{ "tcp_send_reset", bblog_tp_send_reset },
	{ "tcp_receive_reset", bblog_tp_receive_reset },
	{ "tcp_rcv_space_adjust", bblog_tp_rcv_space_adjust },
	{ "tcp_cong_state_set", bblog_tp_cong_state_set, "ca-state" },
	{ "inet_sk_error_report", bblog_tp_error_report, "sk-error", true },
	{ "tcp_bad_csum", bblog_tp_bad_csum, "bad-csum" },
	{ "kfree_skb", bblog_tp_kfree_skb, "drop" },
};

/* A prototype that drifts from the kernel's breaks the build here. */
static void __maybe_unused bblog_check_prototypes(void)
{
	check_trace_callback_type_inet_sock_set_state(bblog_tp_set_state);
	check_trace_callback_type_tcp_retransmit_skb(bblog_tp_retransmit_skb);
	check_trace_callback_type_tcp_send_reset(bblog_tp_send_reset);
	check_trace_callback_type_tcp_receive_reset(bblog_tp_receive_reset);
	check_trace_callback_type_tcp_destroy_sock(bblog_tp_destroy_sock);
	check_trace_callback_type_tcp_rcv_space_adjust(bblog_tp_rcv_space_adjust);
#ifdef BBLOG_HAVE_TP_CONG_STATE
	check_trace_callback_type_tcp_cong_state_set(bblog_tp_cong_state_set);
#endif
#ifdef BBLOG_HAVE_TP_ERROR_REPORT
	check_trace_callback_type_inet_sk_error_report(bblog_tp_error_report);
#endif
#ifdef BBLOG_HAVE_TP_BAD_CSUM
	check_trace_callback_type_tcp_bad_csum(bblog_tp_bad_csum);
#endif
	check_trace_callback_type_kfree_skb(bblog_tp_kfree_skb);
}

static void bblog_find_tracepoint(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(bblog_tps); i++)
		if (!strcmp(tp->name, bblog_tps[i].name))
			bblog_tps[i].tp = tp;
}

#ifdef BBLOG_FAULT_INJECTION
/*
 * Test builds only: make the load fail at hook N (1-based: the tracepoints in
 * table order, then the netfilter hooks) to exercise the unwind paths.
 */
static unsigned int fail_hook;
module_param(fail_hook, uint, 0444);
MODULE_PARM_DESC(fail_hook, "test builds: fail registering hook N at load");
#define bblog_fail_hook(n)	(fail_hook == (n))

/*
 * Test builds only: while set, placing a namespace's hooks fails as if
 * netfilter had no memory, to exercise what asked for them.
 */
static bool fail_arm;
module_param(fail_arm, bool, 0644);
MODULE_PARM_DESC(fail_arm, "test builds: placing the hooks fails while set");
#define bblog_fail_arm()	READ_ONCE(fail_arm)
#else
#define bblog_fail_hook(n)	false
#define bblog_fail_arm()	false
#endif

/*
 * Unregister the first @n tracepoint probes and wait until none of them runs
 * anywhere: after this the module's tables and text may go.
 */
static void bblog_tracepoints_unregister(int n)
{
	while (n-- > 0)
		if (bblog_tps[n].tp)
			tracepoint_probe_unregister(bblog_tps[n].tp,
						    bblog_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

static int bblog_tracepoints_register(void)
{
	int i, err;

	for_each_kernel_tracepoint(bblog_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(bblog_tps); i++) {
		if (!bblog_tps[i].tp && bblog_tps[i].loses) {
			if (!bblog_tps[i].fallback)
				bblog_missing_add(bblog_tps[i].loses);
			continue;
		}
		if (!bblog_tps[i].tp) {
			pr_err("tracepoint %s not found\n", bblog_tps[i].name);
			err = -ENOENT;
			goto err_unregister;
		}
		err = bblog_fail_hook(i + 1) ? -EINVAL :
		      tracepoint_probe_register(bblog_tps[i].tp,
						bblog_tps[i].probe, NULL);
		if (err) {
			pr_err("tracepoint %s: %d\n", bblog_tps[i].name, err);
			goto err_unregister;
		}
	}
	return 0;

err_unregister:
	bblog_tracepoints_unregister(i);
	return err;
}

/*
 * Kprobes, where no tracepoint exists; each is optional: a kernel where one
 * cannot be placed loads without its events and says which are missing.
 * Every probed function runs with the socket locked.
 */
static atomic_long_t bblog_kp_trapped;	/* hits skipped in the int3 trap */

/*
 * A kprobe the kernel has not optimized yet (or cannot), and that is not
 * on ftrace, runs its handler from the int3 trap, in NMI context, where the
 * record path's locks must not be taken.  Such a hit is skipped and
 * counted with the kprobe core's misses (stat_kprobe_missed).
 */
static bool bblog_kp_trapped_hit(void)
{
	if (likely(!in_nmi()))
		return false;
	atomic_long_inc(&bblog_kp_trapped);
	return true;
}

static struct sock *bblog_kp_sk(struct pt_regs *regs)
{
	return (struct sock *)regs_get_kernel_argument(regs, 0);
}

/* A segment to a listener: a SYN is kept for the connection it may make. */
static void bblog_kp_listen(struct sock *sk, struct sk_buff *skb)
{
	struct bblog_event ev = { .id = BBLOG_EV_IN };
	const struct tcphdr *th;
	struct bblog_tuple key;

	if (!skb_transport_header_was_set(skb))
		return;
	th = tcp_hdr(skb);
	if (!th->syn || th->ack || th->rst || !bblog_hs_wanted(sk))
		return;
	/* tcp_conn_request() drops a SYN that finds the accept queue full */
	if (bblog_tuple_from_skb(&key, sock_net(sk), skb, &ev))
		bblog_hs_syn(sk, skb, &key, ev.th_off, sk_acceptq_is_full(sk));
}

/* Incoming segments outside ESTABLISHED: tcp_rcv_state_process(sk, skb). */
static int bblog_kp_rcv_state_process(struct kprobe *kp, struct pt_regs *regs)
{
	struct bblog_event ev = { .id = BBLOG_EV_IN };
	struct sk_buff *skb;
	struct sock *sk;

	if (bblog_kp_trapped_hit())
		return 0;
	sk = bblog_kp_sk(regs);
	if (sk->sk_state == TCP_LISTEN) {
		bblog_kp_listen(sk, (struct sk_buff *)regs_get_kernel_argument(regs, 1));
		return 0;
	}
	if (!bblog_conn_any() && !bblog_rules_any() && !bblog_hs_pending())
		return 0;
	/* A passive child's first segment: the rules can see its peer now. */
	if (sk->sk_state == TCP_SYN_RECV && bblog_rules_any())
		bblog_conn_passive_select(sk);
	skb = (struct sk_buff *)regs_get_kernel_argument(regs, 1);
	if (skb_transport_header_was_set(skb)) {
		ev.skb = skb;
		ev.th_off = skb_transport_offset(skb);
	}
	/*
	 * ... and it has its 4-tuple: its handshake's records become its own,
	 * around this segment, the one that made it
	 */
	if (sk->sk_state == TCP_SYN_RECV && bblog_hs_pending() &&
	    bblog_conn_passive_first(sk, &ev))
		return 0;
	bblog_conn_log_rcv(sk, &ev);
	return 0;
}

/* tcp_retransmit_timer(sk): the retransmission timer expired. */
static int bblog_kp_retransmit_timer(struct kprobe *kp, struct pt_regs *regs)
{
	const struct inet_connection_sock *icsk;
	struct sock *sk;

	if (!bblog_conn_any() || bblog_kp_trapped_hit())
		return 0;
	sk = bblog_kp_sk(regs);
	icsk = inet_csk(sk);
	bblog_log_simple(sk, BBLOG_EV_RTO, 0, icsk->icsk_retransmits,
			 icsk->icsk_backoff);
	bblog_trigger(sk, BBLOG_TRIG_RTO);
	return 0;
}

/* tcp_send_loss_probe(sk): the tail loss probe timer expired. */
static int bblog_kp_loss_probe(struct kprobe *kp, struct pt_regs *regs)
{
	if (bblog_conn_any() && !bblog_kp_trapped_hit())
		bblog_log_simple(bblog_kp_sk(regs), BBLOG_EV_TLP, 0, 0, 0);
	return 0;
}

/*
 * tcp_write_wakeup(sk, mib): a zero-window probe (from the persist timer)
 * or a keepalive probe is about to be sent.
 */
static int bblog_kp_write_wakeup(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk;
	int mib;

	if (!bblog_conn_any() || bblog_kp_trapped_hit())
		return 0;
	sk = bblog_kp_sk(regs);
	mib = (int)regs_get_kernel_argument(regs, 1);
	if (mib == LINUX_MIB_TCPKEEPALIVE)
		bblog_log_simple(sk, BBLOG_EV_KEEPALIVE, 0,
				 inet_csk(sk)->icsk_probes_out, 0);
	else if (mib == LINUX_MIB_TCPWINPROBE)
		bblog_log_simple(sk, BBLOG_EV_PROBE0, 0,
				 inet_csk(sk)->icsk_probes_out, 0);
	return 0;
}

/*
 * tcp_simple_retransmit(sk): retransmission without a timer after the path
 * MTU shrank (ICMP "fragmentation needed", "packet too big") or an MTU
 * probe failed; the MSS is already the new one.
 */
static int bblog_kp_simple_retransmit(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk;

	if (!bblog_conn_any() || bblog_kp_trapped_hit())
		return 0;
	sk = bblog_kp_sk(regs);
	bblog_log_simple(sk, BBLOG_EV_PMTU_RETRANS, 0,
			 inet_csk(sk)->icsk_pmtu_cookie, 0);
	return 0;
}

/*
 * A request socket is freed (tcp_v4_reqsk_destructor(req) and the IPv6
 * one): a handshake that made no connection ends.
 */
static int bblog_kp_reqsk_destructor(struct kprobe *kp, struct pt_regs *regs)
{
	if (bblog_hs_pending() && !bblog_kp_trapped_hit())
		bblog_hs_req_end((struct request_sock *)regs_get_kernel_argument(regs, 0));
	return 0;
}

/*
 * sock_def_error_report(sk), where the kernel has no inet_sk_error_report
 * tracepoint (before 5.12): the error reported to a TCP socket's owner (a
 * socket whose sk_error_report is another's, as kTLS's, is not seen).
 */
static int bblog_kp_error_report(struct kprobe *kp, struct pt_regs *regs)
{
	if (bblog_conn_any() && !bblog_kp_trapped_hit())
		bblog_tp_error_report(NULL, bblog_kp_sk(regs));
	return 0;
}

#define BBLOG_KP_ERROR_REPORT	6	/* sock_def_error_report's index */

static struct kprobe bblog_kps[] = {
	{
		.symbol_name	= "tcp_rcv_state_process",
		.pre_handler	= bblog_kp_rcv_state_process,
	},
	{
		.symbol_name	= "tcp_retransmit_timer",
		.pre_handler	= bblog_kp_retransmit_timer,
	},
	{
		.symbol_name	= "tcp_send_loss_probe",
		.pre_handler	= bblog_kp_loss_probe,
	},
	{
		.symbol_name	= "tcp_write_wakeup",
		.pre_handler	= bblog_kp_write_wakeup,
	},
	{
		.symbol_name	= "tcp_simple_retransmit",
		.pre_handler	= bblog_kp_simple_retransmit,
	},
	{
		.symbol_name	= "tcp_v4_reqsk_destructor",
		.pre_handler	= bblog_kp_reqsk_destructor,
	},
	{
		.symbol_name	= "sock_def_error_report",
		.pre_handler	= bblog_kp_error_report,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.symbol_name	= "tcp_v6_reqsk_destructor",
		.pre_handler	= bblog_kp_reqsk_destructor,
	},
#endif
};

/*
 * The events (bblog's names, in the missing list) and what is not recorded
 * without each kprobe.
 */
static const char *const bblog_kp_events[ARRAY_SIZE(bblog_kps)] = {
	"in-handshake",
	"rto",
	"tlp",
	"probe0,keepalive",
	"pmtu-retrans",
	"handshake-end",
	"sk-error",
#if IS_ENABLED(CONFIG_IPV6)
	"handshake-end",
#endif
};

static const char *const bblog_kp_loses[ARRAY_SIZE(bblog_kps)] = {
	"incoming segments outside ESTABLISHED",
	"retransmission timeouts",
	"tail loss probes",
	"zero-window and keepalive probes",
	"retransmissions after a path MTU reduction",
	"IPv4 handshakes that made no connection",
	"socket errors",
#if IS_ENABLED(CONFIG_IPV6)
	"IPv6 handshakes that made no connection",
#endif
};

static bool bblog_kp_registered[ARRAY_SIZE(bblog_kps)];

/*
 * inet_csk_accept() returns a passive connection to the process that
 * accepts it: its owner.  The return handler runs in that process, from
 * the return trampoline (never the int3 trap).  A blocking accept() holds
 * an instance while it waits; beyond maxactive of them at once, an accepted
 * connection's owner stays unknown (BBLOG_OWNER_NONE in its dumps).
 */
static int bblog_krp_accept(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_return_value(regs);

	if (sk && bblog_conn_any())
		bblog_conn_owner(sk, BBLOG_OWNER_ACCEPT);
	return 0;
}

/*
 * tcp_check_oom(sk, shift) says true: the kernel closes the orphan @sk for
 * want of resources.  The entry handler keeps @sk; it may run from the
 * int3 trap, so it takes no lock.  While no connection is logged it asks
 * for no return probe (non-zero): an orphan's every timer and FIN calls it.
 */
static int bblog_krp_oom_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	if (!bblog_conn_any())
		return 1;
	*(struct sock **)ri->data = bblog_kp_sk(regs);
	return 0;
}

static int bblog_krp_oom(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	/* a bool: only the low byte of the return register is defined */
	if ((u8)regs_return_value(regs) && bblog_conn_any())
		bblog_conn_end_oom(*(struct sock **)ri->data);
	return 0;
}

/*
 * inet_csk_clone_lock(listener, req, priority) returns a passive child:
 * the entry handler keeps the listener (it may run from the int3 trap: no
 * lock), the return handler, in the same context, gives the child its
 * listener's template, where the cookie at the state change did not.
 */
static int bblog_krp_clone_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	*(struct sock **)ri->data = bblog_kp_sk(regs);
	return 0;
}

static int bblog_krp_clone(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sock *child = (struct sock *)regs_return_value(regs);

	if (child && bblog_is_tcp(child))
		bblog_conn_new_child(child, *(struct sock **)ri->data);
	return 0;
}

#define BBLOG_KRP_CLONE	2	/* its index in bblog_krps[] */

static struct kretprobe bblog_krps[] = {
	{
		.kp.symbol_name	= "inet_csk_accept",
		.handler	= bblog_krp_accept,
		.maxactive	= 256,
	},
	{
		.kp.symbol_name	= "tcp_check_oom",
		.entry_handler	= bblog_krp_oom_entry,
		.handler	= bblog_krp_oom,
		.data_size	= sizeof(struct sock *),
		.maxactive	= 64,
	},
	{
		.kp.symbol_name	= "inet_csk_clone_lock",
		.entry_handler	= bblog_krp_clone_entry,
		.handler	= bblog_krp_clone,
		.data_size	= sizeof(struct sock *),
		.maxactive	= 256,
	},
};

/* Likewise for each kretprobe. */
static const char *const bblog_krp_events[ARRAY_SIZE(bblog_krps)] = {
	"owner-accept",
	"end-orphan-oom",
	"passive-clone",
};

static const char *const bblog_krp_loses[ARRAY_SIZE(bblog_krps)] = {
	"owners of accepted connections are not known",
	"connections closed for too many orphans or TCP memory end as resets",
	"passive connections are selected at the state change only",
};

static bool bblog_krp_registered[ARRAY_SIZE(bblog_krps)];

/* The clone's return probe decides what the state change cannot. */
bool bblog_hooks_clone_probed(void)
{
	return READ_ONCE(bblog_krp_registered[BBLOG_KRP_CLONE]);
}

/* Some registered kprobe still traps (int3): not optimized yet, not on ftrace. */
static bool bblog_kprobes_trapping(void)
{
#ifdef CONFIG_X86
	u8 insn;
	int i;

	for (i = 0; i < ARRAY_SIZE(bblog_kps); i++)
		if (bblog_kp_registered[i] &&
		    !copy_from_kernel_nofault(&insn, bblog_kps[i].addr, 1) &&
		    insn == 0xcc)	/* INT3 */
			return true;
#endif
	return false;
}

static void bblog_kprobes_register(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(bblog_kps); i++) {
		/* only in place of the tracepoint */
		if (i == BBLOG_KP_ERROR_REPORT &&
		    bblog_tps[BBLOG_TP_ERROR_REPORT].tp)
			continue;
		bblog_kps[i].flags |= KPROBE_FLAG_DISABLED;
		err = register_kprobe(&bblog_kps[i]);
		if (err) {
			pr_warn("kprobe on %s failed (%d): %s are not recorded\n",
				bblog_kps[i].symbol_name, err, bblog_kp_loses[i]);
			bblog_missing_add(bblog_kp_events[i]);
		}
		bblog_kp_registered[i] = !err;
	}
	for (i = 0; i < ARRAY_SIZE(bblog_krps); i++) {
		bblog_krps[i].kp.flags |= KPROBE_FLAG_DISABLED;
		err = register_kretprobe(&bblog_krps[i]);
		if (err) {
			pr_warn("kretprobe on %s failed (%d): %s\n",
				bblog_krps[i].kp.symbol_name, err,
				bblog_krp_loses[i]);
			bblog_missing_add(bblog_krp_events[i]);
		}
		WRITE_ONCE(bblog_krp_registered[i], !err);
	}
}

/*
 * The kprobes are registered disabled at load, so that the kernel's checks
 * (and what this one cannot give) are known then, and armed at the first
 * use of any namespace (bblog_hooks_arm()): while nothing can be logged
 * anywhere, no segment outside ESTABLISHED, accept or timer pays a probe.
 */
static DEFINE_MUTEX(bblog_arm_lock);	/* armed states; bblog_unloading */
static bool bblog_unloading;
static bool bblog_kprobes_armed;

static void bblog_kprobes_arm(void)
{
	int i, err, wait;

	lockdep_assert_held(&bblog_arm_lock);
	if (bblog_kprobes_armed)
		return;
	bblog_kprobes_armed = true;
	for (i = 0; i < ARRAY_SIZE(bblog_kps); i++) {
		if (!bblog_kp_registered[i])
			continue;
		err = enable_kprobe(&bblog_kps[i]);
		if (err)
			pr_warn("kprobe on %s: enabling failed (%d): %s are not recorded\n",
				bblog_kps[i].symbol_name, err, bblog_kp_loses[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bblog_krps); i++) {
		if (!bblog_krp_registered[i])
			continue;
		err = enable_kretprobe(&bblog_krps[i]);
		if (err)
			pr_warn("kretprobe on %s: enabling failed (%d): %s\n",
				bblog_krps[i].kp.symbol_name, err,
				bblog_krp_loses[i]);
	}
	/*
	 * Kernels without kprobes on ftrace optimize an armed kprobe into a
	 * jump a few jiffies later; until then its hits are skipped (see
	 * bblog_kp_trapped_hit()).  Give that up to a second, so that what
	 * is asked next is recorded where the probes can work.
	 */
	for (wait = 0; wait < 50 && bblog_kprobes_trapping(); wait++)
		msleep(20);
}

/*
 * Probe hits the kprobe core skipped (a probe fired inside another) and
 * those skipped in the int3 trap: lost events.
 */
unsigned long bblog_hooks_kprobe_missed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(bblog_kps); i++)
		if (bblog_kp_registered[i])
			n += READ_ONCE(bblog_kps[i].nmissed);
	/* a kretprobe misses when it is out of instances (maxactive) too */
	for (i = 0; i < ARRAY_SIZE(bblog_krps); i++)
		if (bblog_krp_registered[i])
			n += READ_ONCE(bblog_krps[i].nmissed) +
			     READ_ONCE(bblog_krps[i].kp.nmissed);
	return n + atomic_long_read(&bblog_kp_trapped);
}

static void bblog_kprobes_unregister(void)
{
	int i;

	/* the state change selects passive children again first */
	for (i = ARRAY_SIZE(bblog_krps) - 1; i >= 0; i--) {
		if (!bblog_krp_registered[i])
			continue;
		WRITE_ONCE(bblog_krp_registered[i], false);
		unregister_kretprobe(&bblog_krps[i]);
	}
	for (i = ARRAY_SIZE(bblog_kps) - 1; i >= 0; i--)
		if (bblog_kp_registered[i])
			unregister_kprobe(&bblog_kps[i]);
}

/*
 * A SYN-ACK sent by a request socket, or by none with a SYN cookie
 * (tcp_make_synack() leaves such a segment without an owner): to its
 * handshake; or one that a Fast Open connection's request sends again
 * (tcp_rtx_synack()): to the connection, found by its 4-tuple.
 */
static void bblog_nf_synack(struct sock *sk, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct bblog_event ev = { .id = BBLOG_EV_OUT, .skb = skb };
	struct bblog_tuple key;

	if (!bblog_tuple_of_skb(&key, state->net, skb, true, &ev))
		return;
	if (bblog_hs_synack(skb, &key, ev.th_off))
		return;
	/* a TCP segment's request socket is TCP's */
	if (sk && bblog_conn_any() && tcp_rsk(inet_reqsk(sk))->tfo_listener)
		bblog_conn_log_tuple(&key, &ev);
}

/*
 * A Fast Open connection, made by its SYN, about to send its SYN-ACK (or
 * anything before the client's ACK): it has its 4-tuple, so the rules can
 * choose it, and it takes its handshake (the SYN) now, before anything
 * else it records.
 */
static void bblog_nf_fastopen(struct sock *sk)
{
	if (bblog_rules_any())
		bblog_conn_passive_select(sk);
	if (bblog_hs_pending())
		bblog_conn_passive_first(sk, NULL);
}

/* Every segment sent, with the socket that sent it. */
static unsigned int bblog_nf_local_out(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct sock *sk = skb->sk;
	int off;

	if (!sk || sk->sk_state == TCP_NEW_SYN_RECV) {
		if (bblog_hs_pending() || bblog_conn_any())
			bblog_nf_synack(sk, skb, state);
		return NF_ACCEPT;
	}
	if (sk->sk_state == TCP_SYN_RECV && (bblog_rules_any() || bblog_hs_pending()) &&
	    sk_fullsock(sk) && bblog_is_tcp(sk) &&
	    rcu_access_pointer(tcp_sk(sk)->fastopen_rsk))
		bblog_nf_fastopen(sk);
	if (!bblog_conn_any() || !bblog_sockmark_maybe(sk) ||
	    !sk_fullsock(sk) || !bblog_is_tcp(sk))
		return NF_ACCEPT;
	off = bblog_tcp_offset(skb);
	if (off >= 0)
		bblog_log_segment(sk, BBLOG_EV_OUT, skb, off);
	return NF_ACCEPT;
}

/*
 * A segment whose socket early demux found (ip_rcv_finish(), before
 * LOCAL_IN; a full TCP socket, not a listener: the one with its 4-tuple):
 * 1 if that socket's connection recorded it, 0 if not, -1 if the socket
 * is not known so.
 */
static int bblog_nf_in_sock(const struct sk_buff *skb, struct bblog_event *ev)
{
	const struct sock *sk = skb->sk;

	if (!sk || !sk_fullsock(sk) || !bblog_is_tcp(sk) ||
	    sk->sk_state == TCP_LISTEN)
		return -1;
	if (!bblog_sockmark_maybe(sk))
		return 0;	/* not logged */
	ev->th_off = bblog_tcp_offset(skb);
	if (ev->th_off < 0)
		return -1;
	return bblog_conn_log_sock_in(sk, ev);
}

/*
 * Every segment received, found by its socket or its 4-tuple.  A passive
 * connection is filed under its 4-tuple before it takes its handshake out
 * of the table (bblog_conn_passive_first()), so a segment that found no
 * handshake (any more) finds the connection: read in that order.
 */
static unsigned int bblog_nf_local_in(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct bblog_event ev = { .id = BBLOG_EV_IN, .skb = skb };
	bool hs = bblog_hs_pending();
	struct bblog_tuple key;
	int known = -1;
	bool keyed;

	smp_rmb();	/* the handshakes' count first: bblog_conn_take_hs() */
	keyed = bblog_conn_keyed_in(state->net);
	if (!keyed && !hs)
		return NF_ACCEPT;
	if (keyed)
		known = bblog_nf_in_sock(skb, &ev);
	if (known > 0 || (!known && !hs))
		return NF_ACCEPT;
	if (!bblog_tuple_from_skb(&key, state->net, skb, &ev))
		return NF_ACCEPT;
	/* a connection with its key records it; else its handshake may */
	if (known < 0 && keyed && bblog_conn_log_tuple(&key, &ev))
		return NF_ACCEPT;
	if (!hs || bblog_hs_in(skb, &key, ev.th_off))
		return NF_ACCEPT;
	/* taken meanwhile by its connection, filed by then */
	smp_rmb();
	if (!known)
		bblog_conn_log_sock_in(skb->sk, &ev);
	else if (bblog_conn_keyed_in(state->net))
		bblog_conn_log_tuple(&key, &ev);
	return NF_ACCEPT;
}

/*
 * Where the hooks sit: segments as the socket sends and receives them, with
 * the socket's own 4-tuple (the key of bblog_conn_log_tuple(), and the one in
 * the dump header), even through NAT.  A connection to an address that an
 * OUTPUT DNAT rule rewrites (Docker, kube-proxy) is translated by nf_nat at
 * LOCAL_OUT NF_IP_PRI_NAT_DST, and its replies are translated back only at
 * LOCAL_IN NF_IP_PRI_NAT_SRC (nf_nat_ipv4_ops, nf_nat_ipv6_ops; whatever the
 * nft chain's priority).
 * - LOCAL_IN last: after NAT has undone the DNAT (before it, no reply
 *   finds its connection), the filters and the conntrack helpers, and
 *   usually conntrack's confirm (same priority, runs first if registered
 *   later; it may adjust sequence numbers): what TCP receives.  A segment
 *   that a rule drops is not recorded, as TCP never sees it.
 * - LOCAL_OUT just before NAT_DST: after conntrack and mangle, before
 *   the DNAT rewrites the destination; filters after it may still drop a
 *   segment that TCP sent (and recorded).
 */
static const struct nf_hook_ops bblog_nf_ops[] = {
	{
		.hook		= bblog_nf_local_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_LAST,
	},
	{
		.hook		= bblog_nf_local_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_NAT_DST - 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook		= bblog_nf_local_in,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_LAST,
	},
	{
		.hook		= bblog_nf_local_out,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_NAT_DST - 1,
	},
#endif
};

/*
 * The netfilter hooks are placed in a namespace at its first use, in
 * process context: a socket option that makes a connection entry, an
 * auto_* setting that selects, a selection rule.  Every way a connection of
 * the namespace comes to be logged passes one of them first (a listener's
 * template is a socket option, the rules and auto_* are the namespace's
 * own), so no segment of a logged connection passes before them; a
 * namespace where nothing was ever asked pays nothing per packet.  They
 * stay until the namespace or the module goes.  The first namespace's
 * arms the kprobes, for all.
 */
int bblog_hooks_arm(struct net *net)
{
	struct bblog_net *bn = bblog_net(net);
	int err = 0;

	might_sleep();
	if (READ_ONCE(bn->hooks_armed))
		return 0;
	mutex_lock(&bblog_arm_lock);
	if (!bn->hooks_armed && !bblog_unloading) {
		err = bblog_fail_arm() ? -ENOMEM :
		      nf_register_net_hooks(net, bblog_nf_ops,
					    ARRAY_SIZE(bblog_nf_ops));
		if (!err) {
			bblog_kprobes_arm();
			WRITE_ONCE(bn->hooks_armed, true);
		}
	}
	mutex_unlock(&bblog_arm_lock);
	return err;
}

static void __net_exit bblog_hooks_net_exit(struct net *net)
{
	struct bblog_net *bn = bblog_net(net);

	mutex_lock(&bblog_arm_lock);
	if (bn->hooks_armed) {
		nf_unregister_net_hooks(net, bblog_nf_ops, ARRAY_SIZE(bblog_nf_ops));
		WRITE_ONCE(bn->hooks_armed, false);
	}
	mutex_unlock(&bblog_arm_lock);
	bblog_hs_net_exit(net);
}

static struct pernet_operations bblog_hooks_net_ops = {
	.exit	= bblog_hooks_net_exit,
};

int bblog_hooks_init(void)
{
	int err;

	memset(bblog_missing, 0, sizeof(bblog_missing));
	err = bblog_tracepoints_register();
	if (err)
		goto err_tracepoints;
#ifndef BBLOG_HAVE_DROP_REASON
	bblog_missing_add("drop-reason");	/* kfree_skb without one */
#endif

	err = bblog_fail_hook(ARRAY_SIZE(bblog_tps) + 1) ? -EINVAL :
	      register_pernet_subsys(&bblog_hooks_net_ops);
	if (err) {
		pr_err("netfilter hooks: %d\n", err);
		goto err_netfilter;
	}

	bblog_kprobes_register();
	if (bblog_missing[0])
		pr_warn("this kernel cannot give these events: %s (net.tcp_bblog.missing_events)\n",
			bblog_missing);
	return 0;

err_netfilter:
	bblog_tracepoints_unregister(ARRAY_SIZE(bblog_tps));
err_tracepoints:
	return err;
}

/* After this returns no probe runs or will run. */
void bblog_hooks_uninit(void)
{
	/*
	 * A setting written now places no hooks the exits would miss, nor
	 * arms a kprobe being unregistered.
	 */
	mutex_lock(&bblog_arm_lock);
	bblog_unloading = true;
	mutex_unlock(&bblog_arm_lock);
	bblog_kprobes_unregister();
	unregister_pernet_subsys(&bblog_hooks_net_ops);
	bblog_tracepoints_unregister(ARRAY_SIZE(bblog_tps));
}
