/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version compatibility for tcp_bblog, force-included into every
 * object by Kbuild.  Newest API plus backfill: the .c files use today's
 * names and this header provides them on older kernels.  This is the only
 * place that may test LINUX_VERSION_CODE.
 *
 * Built and run by make check on Debian's 5.10 (bullseye), 6.1 (bookworm,
 * stock and debug), 6.12 (bookworm-backports) and the newest kernel of
 * Debian unstable (7.2 today), which together take every branch below but
 * kfree_skb's of 5.17 to 5.19.
 * The releases in between are built by nobody: where a branch's version is
 * a guess (said so below), a kernel it is wrong for fails to build.
 */
#ifndef _BBLOG_COMPAT_H
#define _BBLOG_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "tcp_bblog needs Linux 5.10 or newer"
#endif

/*
 * Before 5.12 a namespace's cookie is made when first asked for, by a
 * function the kernel does not export: sysctl.c gives each namespace one
 * of the module's own (bblog_net_cookie()).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)
#define BBLOG_NET_COOKIE_LAZY
#endif

/* 5.11: nla_strlcpy() becomes nla_strscpy() (its result is not used). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define nla_strscpy(dst, nla, size)	((void)nla_strlcpy(dst, nla, size))
#endif

/* 5.19: the congestion window through an accessor. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
#define tcp_snd_cwnd(tp)		((tp)->snd_cwnd)
#endif

/* 6.0: shared bounds for the unsigned long sysctls. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
#define SYSCTL_LONG_ZERO		((void *)&(const unsigned long){ 0 })
#define SYSCTL_LONG_ONE			((void *)&(const unsigned long){ 1 })
#endif

/*
 * 6.1: a family validates the reserved header bytes of the commands from
 * resv_start_op on (before, every command of a family without
 * GENL_DONT_VALIDATE_* flags is validated strictly), and a request's
 * required attribute is checked by GENL_REQ_ATTR_CHECK().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define BBLOG_HAVE_GENL_RESV_START_OP
#else
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
	bool __missing = !__info->attrs[attr];				\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__info->extack, "missing attribute");	\
	__missing;							\
})
#endif

/* 6.5: register_net_sysctl() wants an array; the sized variant appears. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define register_net_sysctl_sz(net, path, table, size) \
	register_net_sysctl(net, path, table)
#endif

/* 6.2: a dump's parsed attributes move into a struct genl_info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define bblog_dumpit_attrs(di) ((di)->info.attrs)
#else
#define bblog_dumpit_attrs(di) ((di)->attrs)
#endif

/* 6.11: proc handlers take a const table. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define BBLOG_CTL_TABLE const struct ctl_table
#else
#define BBLOG_CTL_TABLE struct ctl_table
#endif

/*
 * Tracepoint prototypes that changed (the probe's arguments after
 * "void *data"), and how a probe reads the extra ones.
 * 6.10: tcp_send_reset gains the reset reason.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#include <net/rstreason.h>
#define BBLOG_HAVE_RST_REASON
#define BBLOG_TP_SEND_RESET_ARGS \
	const struct sock *sk, const struct sk_buff *skb, \
	const enum sk_rst_reason reason
#define BBLOG_TP_RST_REASON		bblog_rst_reason(reason)
#define BBLOG_TP_RST_REASON_RAW		((u32)reason)
/*
 * The names of this kernel's reasons indexed by its numbers, from its own
 * list (DEFINE_RST_REASON(FN, FNe), the idiom of net/core/skbuff.c's
 * drop_reasons[]).
 */
#define BBLOG_RST_KNAME(name)		[SK_RST_REASON_##name] = #name,
#define BBLOG_RST_KNAME_END(name)
#else
#define BBLOG_TP_SEND_RESET_ARGS \
	const struct sock *sk, const struct sk_buff *skb
#define BBLOG_TP_RST_REASON		0
#define BBLOG_TP_RST_REASON_RAW		0
#endif

/*
 * skb:kfree_skb: the drop reason since 5.17, named by DEFINE_DROP_REASON
 * since 6.0 (net/dropreason.h); 6.11 adds the receiving socket.  The list
 * starts at NOT_SPECIFIED, which is 1 on 6.1 and 2 since 6.4 (CONSUMED
 * before it): names are indexed by the enum, never by their place.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
#include <net/dropreason.h>
#define BBLOG_HAVE_DROP_REASON
#define BBLOG_DROP_KNAME(name)		[SKB_DROP_REASON_##name] = #name,
#define BBLOG_DROP_KNAME_END(name)
#endif
/*
 * rx_sk is const by 7.2; 6.13 still had it plain.  The release in between
 * that changed it is not pinned down here: a kernel where this guess is
 * wrong fails to build at bblog_check_prototypes(), never at run time.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
#define BBLOG_TP_KFREE_SKB_ARGS \
	struct sk_buff *skb, void *location, enum skb_drop_reason reason, \
	const struct sock *rx_sk
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define BBLOG_TP_KFREE_SKB_ARGS \
	struct sk_buff *skb, void *location, enum skb_drop_reason reason, \
	struct sock *rx_sk
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
#define BBLOG_TP_KFREE_SKB_ARGS \
	struct sk_buff *skb, void *location, enum skb_drop_reason reason
#else
#define BBLOG_TP_KFREE_SKB_ARGS \
	struct sk_buff *skb, void *location
#endif
/* The reason a drop's record carries: none before the names of 6.0. */
#ifdef BBLOG_HAVE_DROP_REASON
#define BBLOG_TP_DROP_REASON		reason
#else
#define BBLOG_TP_DROP_REASON		0
#endif

/*
 * Tracepoints that older kernels lack: hooks.c finds every tracepoint by
 * name and loads without these, listing their events in
 * net.tcp_bblog.missing_events; these say where their prototypes can be
 * checked at build time: tcp_bad_csum and inet_sk_error_report since 5.12,
 * tcp_cong_state_set from 6.1 on (the oldest make check builds that has
 * it; it may be older).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 12, 0)
#define BBLOG_HAVE_TP_BAD_CSUM
#define BBLOG_HAVE_TP_ERROR_REPORT
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define BBLOG_HAVE_TP_CONG_STATE
#endif

/* 6.17: tcp_retransmit_skb also fires for failed retransmissions. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define BBLOG_TP_RETRANSMIT_ARGS \
	const struct sock *sk, const struct sk_buff *skb, int err
#define BBLOG_TP_RETRANSMIT_ERR err
#else
#define BBLOG_TP_RETRANSMIT_ARGS \
	const struct sock *sk, const struct sk_buff *skb
#define BBLOG_TP_RETRANSMIT_ERR 0
#endif

/*
 * 6.18 (Accurate ECN): ecn_flags holds a mode, TCP_ECN_OK is gone; either
 * mode (RFC 3168 or AccECN), or both while the handshake is pending, is
 * what TCP_ECN_OK said before.  Expanded where net/tcp.h is included.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define bblog_tcp_ecn_ok(tp)	((tp)->ecn_flags & TCP_ECN_MODE_ANY)
#else
#define bblog_tcp_ecn_ok(tp)	((tp)->ecn_flags & TCP_ECN_OK)
#endif

#endif /* _BBLOG_COMPAT_H */
