// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: record encoding — the TCP state snapshot and the copy of a
 * segment's TCP header, at the header length limits.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "bblog-src/module/record.c"

/* An skb holding a TCP header of @doff words and @payload bytes after it. */
static struct sk_buff *bblog_test_skb(struct kunit *test, u8 doff,
				      unsigned int payload, bool transport)
{
	unsigned int hlen = max_t(unsigned int, doff * 4, sizeof(struct tcphdr));
	struct sk_buff *skb = alloc_skb(64 + hlen + payload, GFP_KERNEL);
	struct tcphdr *th;
	u8 *p;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	p = skb_put(skb, hlen + payload);
	for (i = 0; i < hlen + payload; i++)
		p[i] = i;
	th = (struct tcphdr *)p;
	th->doff = doff;
	if (transport)
		skb_reset_transport_header(skb);
	return skb;
}

struct bblog_hdr_case {
	u8 doff;
	unsigned int payload;
	bool transport;
	unsigned int want_len;
};

static const struct bblog_hdr_case bblog_hdr_cases[] = {
	{ .doff = 5,  .payload = 0,    .transport = true,  .want_len = 20 },
	{ .doff = 5,  .payload = 1448, .transport = true,  .want_len = 20 },
	{ .doff = 8,  .payload = 10,   .transport = true,  .want_len = 32 },
	{ .doff = 15, .payload = 0,    .transport = true,  .want_len = 60 },
	{ .doff = 4,  .payload = 0,    .transport = true,  .want_len = 0 },	/* too short */
	{ .doff = 0,  .payload = 20,   .transport = true,  .want_len = 0 },
	{ .doff = 5,  .payload = 0,    .transport = false, .want_len = 0 },	/* off the end */
};

static void bblog_record_hdr_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bblog_hdr_cases); i++) {
		const struct bblog_hdr_case *c = &bblog_hdr_cases[i];
		struct bblog_record *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
		struct sk_buff *skb = bblog_test_skb(test, c->doff, c->payload,
						     c->transport);
		/* No header: an offset past the segment. */
		unsigned int len = bblog_record_copy_hdr(rec, skb,
							 c->transport ? 0 : skb->len);

		KUNIT_EXPECT_EQ_MSG(test, len, c->want_len, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned int)rec->th_len, c->want_len, "case %u", i);
		if (c->want_len) {
			KUNIT_EXPECT_TRUE(test, rec->flags & BBLOG_RF_HDR);
			KUNIT_EXPECT_EQ(test, rec->payload_len, c->payload);
			KUNIT_EXPECT_EQ(test, memcmp(rec->th, skb->data, len), 0);
		} else {
			KUNIT_EXPECT_FALSE(test, rec->flags & BBLOG_RF_HDR);
			KUNIT_EXPECT_EQ(test, rec->payload_len, 0U);
		}
		/* Nothing past th_len is ever written. */
		KUNIT_EXPECT_TRUE(test, !memchr_inv(rec->th + len, 0, sizeof(rec->th) - len));
		kfree_skb(skb);
	}
}

static void bblog_record_fill_test(struct kunit *test)
{
	struct tcp_sock *tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);
	struct bblog_record *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	struct sock *sk = (struct sock *)tp;
	struct bblog_event ev = {
		.id = BBLOG_EV_STATE, .err = -EPIPE, .arg1 = 1, .arg2 = 4,
	};

	KUNIT_ASSERT_NOT_NULL(test, tp);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	sk->sk_state = TCP_ESTABLISHED;
	inet_csk(sk)->icsk_ca_state = TCP_CA_Recovery;
	inet_csk(sk)->icsk_rto = HZ;
	tp->snd_una = 1000;
	tp->snd_nxt = 3000;
	tp->write_seq = 5000;
	tp->rcv_nxt = 77;
	tcp_snd_cwnd_set(tp, 10);
	tp->snd_ssthresh = 7;
	tp->mss_cache = 1448;
	tp->srtt_us = 8 * 250;
	tp->mdev_us = 4 * 30;
	tp->rx_opt.snd_wscale = 7;
	tp->rx_opt.rcv_wscale = 9;
	tp->rx_opt.sack_ok = 1;
	tp->rx_opt.tstamp_ok = 1;
	tp->nonagle = TCP_NAGLE_OFF;
	tp->bytes_acked = 1ULL << 40;
	tp->bytes_sent = (1ULL << 40) + 5;
	tp->bytes_retrans = (1ULL << 33) + 3;
	tp->delivered = 90;
	tp->delivered_ce = 9;
	tp->dsack_dups = 4;
	tp->reord_seen = 6;
	/* closed chrono periods: busy 100 ms, rwnd-limited 40, sndbuf-limited 20 */
	tp->chrono_stat[TCP_CHRONO_BUSY - 1] = msecs_to_jiffies(100);
	tp->chrono_stat[TCP_CHRONO_RWND_LIMITED - 1] = msecs_to_jiffies(40);
	tp->chrono_stat[TCP_CHRONO_SNDBUF_LIMITED - 1] = msecs_to_jiffies(20);
	tp->chrono_type = TCP_CHRONO_UNSPEC;
	sk->sk_pacing_rate = 123456789;

	bblog_record_fill(rec, sk, &ev, 42);
	KUNIT_EXPECT_EQ(test, rec->sn, 42U);
	KUNIT_EXPECT_EQ(test, rec->event, BBLOG_EV_STATE);
	KUNIT_EXPECT_EQ(test, rec->state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, rec->ca_state, TCP_CA_Recovery);
	KUNIT_EXPECT_EQ(test, rec->err, -EPIPE);
	KUNIT_EXPECT_EQ(test, rec->arg1, 1U);
	KUNIT_EXPECT_EQ(test, rec->arg2, 4U);
	KUNIT_EXPECT_EQ(test, rec->flags, BBLOG_RF_SNAPSHOT);
	KUNIT_EXPECT_EQ(test, rec->th_len, 0);
	KUNIT_EXPECT_EQ(test, rec->snd_una, 1000U);
	KUNIT_EXPECT_EQ(test, rec->snd_nxt, 3000U);
	KUNIT_EXPECT_EQ(test, rec->write_seq, 5000U);
	KUNIT_EXPECT_EQ(test, rec->rcv_nxt, 77U);
	KUNIT_EXPECT_EQ(test, rec->snd_cwnd, 10U);
	KUNIT_EXPECT_EQ(test, rec->snd_ssthresh, 7U);
	KUNIT_EXPECT_EQ(test, rec->mss_cache, 1448U);
	KUNIT_EXPECT_EQ(test, rec->srtt_us, 2000U);
	KUNIT_EXPECT_EQ(test, rec->mdev_us, 120U);
	KUNIT_EXPECT_EQ(test, rec->rto_us, 1000000U);
	KUNIT_EXPECT_EQ(test, rec->snd_wscale, 7);
	KUNIT_EXPECT_EQ(test, rec->rcv_wscale, 9);
	KUNIT_EXPECT_EQ(test, rec->bytes_acked, 1ULL << 40);
	KUNIT_EXPECT_EQ(test, rec->pacing_rate, 123456789ULL);
	KUNIT_EXPECT_EQ(test, rec->tcp_flags,
			(u32)(BBLOG_TF_NODELAY | BBLOG_TF_SACK_OK | BBLOG_TF_TSTAMP_OK));
	KUNIT_EXPECT_NE(test, rec->time_ns, 0ULL);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(rec->pad, 0, sizeof(rec->pad)));
	KUNIT_EXPECT_EQ(test, rec->bytes_sent, (1ULL << 40) + 5);
	KUNIT_EXPECT_EQ(test, rec->bytes_retrans, (1ULL << 33) + 3);
	KUNIT_EXPECT_EQ(test, rec->delivered_ce, 9U);
	KUNIT_EXPECT_EQ(test, rec->dsack_dups, 4U);
	KUNIT_EXPECT_EQ(test, rec->reord_seen, 6U);
	/* busy is every period with data in flight, limited ones included */
	KUNIT_EXPECT_EQ(test, rec->busy_ms, 160U);
	KUNIT_EXPECT_EQ(test, rec->rwnd_limited_ms, 40U);
	KUNIT_EXPECT_EQ(test, rec->sndbuf_limited_ms, 20U);

	/* a period still running counts up to now, in its own kind */
	tp->chrono_type = TCP_CHRONO_RWND_LIMITED;
	tp->chrono_start = tcp_jiffies32 - msecs_to_jiffies(100);
	bblog_record_fill(rec, sk, &ev, 43);
	KUNIT_EXPECT_GE(test, rec->rwnd_limited_ms, 140U);
	KUNIT_EXPECT_LE(test, rec->rwnd_limited_ms, 140U + jiffies_to_msecs(2));
	KUNIT_EXPECT_EQ(test, rec->busy_ms - rec->rwnd_limited_ms, 120U);
	KUNIT_EXPECT_EQ(test, rec->sndbuf_limited_ms, 20U);
}

static struct kunit_case bblog_record_cases[] = {
	KUNIT_CASE(bblog_record_hdr_test),
	KUNIT_CASE(bblog_record_fill_test),
	{}
};

static struct kunit_suite bblog_record_suite = {
	.name = "tcp_bblog_record",
	.test_cases = bblog_record_cases,
};

kunit_test_suites(&bblog_record_suite);
