// SPDX-License-Identifier: GPL-2.0
/*
 * Record encoding: one struct bblog_record from a TCP socket's state and,
 * for segment events, the segment's TCP header.
 */
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "record.h"

/* BBLOG_TF_* facts about the connection. */
static u32 bblog_record_tcp_flags(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 f = 0;

	if (tp->nonagle & TCP_NAGLE_OFF)
		f |= BBLOG_TF_NODELAY;
	if (tp->rx_opt.sack_ok)
		f |= BBLOG_TF_SACK_OK;
	if (tp->rx_opt.wscale_ok)
		f |= BBLOG_TF_WSCALE_OK;
	if (tp->rx_opt.tstamp_ok)
		f |= BBLOG_TF_TSTAMP_OK;
	if (tp->syn_fastopen)
		f |= BBLOG_TF_FASTOPEN;
	if (bblog_tcp_ecn_ok(tp))
		f |= BBLOG_TF_ECN_OK;
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		f |= BBLOG_TF_SENT_FIN;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		f |= BBLOG_TF_RCVD_FIN;
	return f;
}

/*
 * Copy the TCP header and options of @skb, @off bytes from skb->data, into
 * the record and set the payload length.  Returns the header length, 0 if
 * the segment holds no valid TCP header.
 */
unsigned int bblog_record_copy_hdr(struct bblog_record *rec,
				   const struct sk_buff *skb, int off)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int len;

	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th)
		return 0;
	len = th->doff * 4;
	if (len < sizeof(*th) || len > sizeof(rec->th))
		return 0;
	if (skb_copy_bits(skb, off, rec->th, len))
		return 0;
	rec->th_len = len;
	rec->flags |= BBLOG_RF_HDR;
	rec->payload_len = skb->len > off + len ? skb->len - off - len : 0;
	return len;
}

/*
 * Time with data in flight and, of it, limited by the receive window and
 * by the send buffer, as tcp_get_info() reports them: the closed periods
 * plus the one running.
 */
static void bblog_record_chrono(struct bblog_record *rec,
				const struct tcp_sock *tp)
{
	u32 stat[ARRAY_SIZE(tp->chrono_stat)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stat); i++)
		stat[i] = tp->chrono_stat[i];
	if (tp->chrono_type > TCP_CHRONO_UNSPEC &&
	    tp->chrono_type <= ARRAY_SIZE(stat))
		stat[tp->chrono_type - 1] += tcp_jiffies32 - tp->chrono_start;
	rec->busy_ms = jiffies_to_msecs(stat[TCP_CHRONO_BUSY - 1] +
					stat[TCP_CHRONO_RWND_LIMITED - 1] +
					stat[TCP_CHRONO_SNDBUF_LIMITED - 1]);
	rec->rwnd_limited_ms = jiffies_to_msecs(stat[TCP_CHRONO_RWND_LIMITED - 1]);
	rec->sndbuf_limited_ms =
		jiffies_to_msecs(stat[TCP_CHRONO_SNDBUF_LIMITED - 1]);
}

void bblog_record_fill(struct bblog_record *rec, const struct sock *sk,
		       const struct bblog_event *ev, u32 sn)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	memset(rec, 0, sizeof(*rec));
	rec->time_ns = ktime_get_boot_fast_ns();
	rec->sn = sn;
	rec->jiffies = (u32)jiffies;
	rec->event = ev->id;
	rec->state = sk->sk_state;
	rec->ca_state = icsk->icsk_ca_state;
	rec->flags = BBLOG_RF_SNAPSHOT;
	rec->snd_wscale = tp->rx_opt.snd_wscale;
	rec->rcv_wscale = tp->rx_opt.rcv_wscale;
	rec->err = ev->err;
	rec->arg1 = ev->arg1;
	rec->arg2 = ev->arg2;

	rec->snd_una = tp->snd_una;
	rec->snd_nxt = tp->snd_nxt;
	rec->write_seq = tp->write_seq;
	rec->high_seq = tp->high_seq;
	rec->rcv_nxt = tp->rcv_nxt;
	rec->copied_seq = tp->copied_seq;
	rec->rcv_wup = tp->rcv_wup;
	rec->snd_wnd = tp->snd_wnd;
	rec->rcv_wnd = tp->rcv_wnd;
	rec->snd_cwnd = tcp_snd_cwnd(tp);
	rec->snd_ssthresh = tp->snd_ssthresh;
	rec->mss_cache = tp->mss_cache;
	rec->srtt_us = tp->srtt_us;
	rec->mdev_us = tp->mdev_us;
	rec->rto_us = jiffies_to_usecs(icsk->icsk_rto);
	rec->min_rtt_us = tcp_min_rtt(tp);
	rec->packets_out = tp->packets_out;
	rec->retrans_out = tp->retrans_out;
	rec->lost_out = tp->lost_out;
	rec->sacked_out = tp->sacked_out;
	rec->total_retrans = tp->total_retrans;
	rec->reordering = tp->reordering;
	rec->rmem_alloc = atomic_read(&sk->sk_rmem_alloc);
	rec->wmem_queued = READ_ONCE(sk->sk_wmem_queued);
	rec->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	rec->sndbuf = READ_ONCE(sk->sk_sndbuf);
	rec->delivered = tp->delivered;
	rec->tcp_flags = bblog_record_tcp_flags(sk);
	rec->pacing_rate = READ_ONCE(sk->sk_pacing_rate);
	rec->bytes_acked = tp->bytes_acked;
	rec->bytes_received = tp->bytes_received;
	rec->rcv_ssthresh = tp->rcv_ssthresh;
	rec->window_clamp = tp->window_clamp;
	rec->delivered_ce = tp->delivered_ce;
	rec->dsack_dups = tp->dsack_dups;
	rec->bytes_retrans = tp->bytes_retrans;
	rec->bytes_sent = tp->bytes_sent;
	rec->reord_seen = tp->reord_seen;
	bblog_record_chrono(rec, tp);

	if (ev->skb) {
		bblog_record_copy_hdr(rec, ev->skb, ev->th_off);
	} else if (ev->data) {
		BUILD_BUG_ON(sizeof(rec->th) < BBLOG_USER_DATA_LEN);
		rec->payload_len = min_t(u8, ev->data_len, BBLOG_USER_DATA_LEN);
		memcpy(rec->th, ev->data, rec->payload_len);
		rec->flags |= BBLOG_RF_USER;
	}
}
