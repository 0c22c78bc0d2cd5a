// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: log ID buckets (joining, moving, leaving, counts, the auto ratio
 * of new IDs) and the retention of closed connections, on real kernel TCP
 * sockets.  Runs before tcp_bblog.ko is loaded: it brings up the pieces it
 * needs itself.
 */
#include <kunit/test.h>
#include <linux/net.h>
#include <net/sock.h>

#include "bblog-src/module/conn.c"
#include "bblog-src/module/listen.c"
#include "bblog-src/module/trigger.c"
#include "bblog-src/module/logid.c"
#include "bblog-src/module/export.c"
#include "bblog-src/module/record.c"
#include "bblog-src/module/ring.c"
#include "bblog-src/module/policy.c"
#include "bblog-src/module/sysctl.c"
#include "bblog-src/module/stats.c"
#include "bblog-src/module/hooks.c"
#include "bblog-src/module/match.c"
#include "bblog-src/module/rule.c"
#include "bblog-src/module/handshake.c"
#include "bblog-src/module/reason.c"
#include "bblog-src/module/sockmark.c"

#define BBLOG_TEST_SOCKS 4

struct bblog_logid_fixture {
	struct socket *sock[BBLOG_TEST_SOCKS];
	struct bblog_conn *conn[BBLOG_TEST_SOCKS];
};

static int bblog_logid_test_init(struct kunit *test)
{
	struct bblog_logid_fixture *f;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, bblog_conn_init(), 0);
	KUNIT_ASSERT_EQ(test, bblog_sysctl_init(), 0);
	bblog_budget_set_limit(1 << 20);
	for (i = 0; i < BBLOG_TEST_SOCKS; i++) {
		KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
						       IPPROTO_TCP, &f->sock[i]), 0);
		lock_sock(f->sock[i]->sk);
		f->conn[i] = bblog_conn_get_or_create(f->sock[i]->sk,
						      BBLOG_MODE_OFF, GFP_KERNEL);
		release_sock(f->sock[i]->sk);
		KUNIT_ASSERT_NOT_NULL(test, f->conn[i]);
	}
	test->priv = f;
	return 0;
}

/* Sockets close without the module's hooks: end the connections by hand. */
static void bblog_logid_test_exit(struct kunit *test)
{
	struct bblog_logid_fixture *f = test->priv;
	int i;

	for (i = 0; i < BBLOG_TEST_SOCKS; i++) {
		if (f->conn[i]) {
			lock_sock(f->sock[i]->sk);
			bblog_conn_destroy(f->sock[i]->sk);
			release_sock(f->sock[i]->sk);
		}
		sock_release(f->sock[i]);
	}
	/* the socket option's way of making an entry placed the hooks */
	bblog_hooks_net_exit(&init_net);
	bblog_conn_uninit();
	bblog_export_flush();
	bblog_sysctl_uninit();
	KUNIT_EXPECT_EQ(test, bblog_budget_used(), 0ULL);
}

/* No bucket left in the initial namespace's table. */
static bool bblog_ids_empty(void)
{
	struct bblog_ids *ids = &bblog_net(&init_net)->ids;

	return list_empty(&ids->all) && !atomic_read(&ids->table.nelems);
}

static struct sock *bblog_sk(struct kunit *test, int i)
{
	return ((struct bblog_logid_fixture *)test->priv)->sock[i]->sk;
}

static struct bblog_conn *bblog_c(struct kunit *test, int i)
{
	return ((struct bblog_logid_fixture *)test->priv)->conn[i];
}

static int bblog_set_as(struct kunit *test, int i, const char *id, kuid_t owner)
{
	return bblog_logid_set(bblog_c(test, i), bblog_sk(test, i), id, owner,
			       GFP_KERNEL);
}

/* As a caller with CAP_NET_ADMIN: the shared bucket. */
static int bblog_set(struct kunit *test, int i, const char *id)
{
	return bblog_set_as(test, i, id, INVALID_UID);
}

static u32 bblog_count(struct kunit *test, int i)
{
	u32 n = 0;

	if (bblog_logid_count(bblog_c(test, i), bblog_sk(test, i), &n))
		return 0;
	return n;
}

static void bblog_logid_join_move_leave_test(struct kunit *test)
{
	int i;

	KUNIT_EXPECT_EQ(test, bblog_count(test, 0), 0U);	/* no ID: ENOENT */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, bblog_set(test, i, "req-1"), 0);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 0), 3U);
	KUNIT_EXPECT_PTR_EQ(test, bblog_c(test, 0)->logid, bblog_c(test, 2)->logid);

	/* The same ID again changes nothing. */
	KUNIT_EXPECT_EQ(test, bblog_set(test, 1, "req-1"), 0);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 1), 3U);

	/* Moving one leaves two behind. */
	KUNIT_EXPECT_EQ(test, bblog_set(test, 2, "req-2"), 0);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 0), 2U);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 1U);

	/* The tag belongs to the ID. */
	KUNIT_EXPECT_EQ(test, bblog_logid_set_tag(bblog_c(test, 0), "user-7"), 0);
	KUNIT_EXPECT_STREQ(test, bblog_c(test, 1)->logid->tag, "user-7");
	KUNIT_EXPECT_EQ(test, bblog_logid_set_tag(bblog_c(test, 3), "x"), -ENOENT);

	/* Leaving with "": the last one out frees the bucket. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, bblog_set(test, i, ""), 0);
	KUNIT_EXPECT_NULL(test, bblog_c(test, 0)->logid);
	KUNIT_EXPECT_TRUE(test, bblog_ids_empty());
}

/*
 * Each namespace has its own table of IDs, with a random hash seed of its
 * own: equal IDs in different namespaces are different buckets, and which
 * IDs share a hash chain cannot be predicted.
 */
static void bblog_logid_netns_test(struct kunit *test)
{
	struct bblog_ids *ids = &bblog_net(&init_net)->ids, other;
	u32 seed, other_seed;

	KUNIT_EXPECT_EQ(test, bblog_set(test, 0, "x"), 0);
	KUNIT_EXPECT_PTR_EQ(test, bblog_c(test, 0)->logid->ids, ids);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, bblog_logid_find(ids, INVALID_UID, "x"),
			    bblog_c(test, 0)->logid);
	KUNIT_EXPECT_NULL(test, bblog_logid_find(ids, INVALID_UID, "y"));
	KUNIT_EXPECT_NULL(test, bblog_logid_find(ids, KUIDT_INIT(0), "x"));
	rcu_read_unlock();

	KUNIT_ASSERT_EQ(test, bblog_ids_init(&other), 0);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, bblog_logid_find(&other, INVALID_UID, "x"));
	seed = rcu_dereference(ids->table.tbl)->hash_rnd;
	other_seed = rcu_dereference(other.table.tbl)->hash_rnd;
	rcu_read_unlock();
	KUNIT_EXPECT_NE(test, seed, other_seed);
	bblog_ids_exit(&other);
}

/*
 * Equal IDs set by different users without CAP_NET_ADMIN are different
 * buckets: neither counts, tags or dumps the other's connections; the
 * shared bucket of that name is a third.
 */
static void bblog_logid_owner_test(struct kunit *test)
{
	kuid_t u1 = KUIDT_INIT(1001), u2 = KUIDT_INIT(1002);
	int i;

	KUNIT_EXPECT_EQ(test, bblog_set_as(test, 0, "web", u1), 0);
	KUNIT_EXPECT_EQ(test, bblog_set_as(test, 1, "web", u1), 0);
	KUNIT_EXPECT_EQ(test, bblog_set_as(test, 2, "web", u2), 0);
	KUNIT_EXPECT_EQ(test, bblog_set(test, 3, "web"), 0);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 0), 2U);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 1U);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 3), 1U);
	KUNIT_EXPECT_EQ(test, bblog_logid_set_tag(bblog_c(test, 2), "mine"), 0);
	KUNIT_EXPECT_STREQ(test, bblog_c(test, 0)->logid->tag, "");
	KUNIT_EXPECT_PTR_NE(test, bblog_c(test, 0)->logid, bblog_c(test, 3)->logid);
	/* The same name under another owner is a move. */
	KUNIT_EXPECT_EQ(test, bblog_set_as(test, 1, "web", u2), 0);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 0), 1U);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 2U);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, bblog_set(test, i, ""), 0);
	KUNIT_EXPECT_TRUE(test, bblog_ids_empty());
}

/* auto_all = 0: every ratio-th new ID is logged; its members inherit. */
static void bblog_logid_auto_ratio_test(struct kunit *test)
{
	struct bblog_net *bn = bblog_net(&init_net);
	char id[8];
	int i;

	bn->auto_all = 0;
	bn->auto_mode = BBLOG_MODE_CONTINUAL;
	bn->auto_ratio = 2;
	atomic64_set(&bn->auto_counter, 0);
	for (i = 0; i < BBLOG_TEST_SOCKS; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		KUNIT_EXPECT_EQ(test, bblog_set(test, i, id), 0);
		KUNIT_EXPECT_EQ(test, bblog_c(test, i)->mode,
				i % 2 ? BBLOG_MODE_OFF : BBLOG_MODE_CONTINUAL);
	}
	/* Joining a selected ID inherits its mode; an existing ID draws no lot. */
	KUNIT_EXPECT_EQ(test, bblog_set(test, 1, "id-0"), 0);
	KUNIT_EXPECT_EQ(test, bblog_c(test, 1)->mode, BBLOG_MODE_CONTINUAL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&bn->auto_counter), 4LL);
	bn->auto_ratio = 0;
}

/* A closed connection with records stays dumpable until it expires. */
static void bblog_logid_retention_test(struct kunit *test)
{
	struct bblog_logid_fixture *f = test->priv;
	struct bblog_event ev = { .id = BBLOG_EV_STATE };
	struct bblog_conn *c = bblog_c(test, 0);
	struct sock *sk = bblog_sk(test, 0);
	u64 dumps = bblog_stat_read(NULL, BBLOG_STAT_DUMPS);
	struct bblog_ids *ids = &bblog_net(&init_net)->ids;
	int i;

	bblog_net(&init_net)->closed_retention_ms = 60000;
	KUNIT_EXPECT_EQ(test, bblog_logid_set(c, sk, "kept", INVALID_UID, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, bblog_set(test, 1, "kept"), 0);
	spin_lock_bh(&c->lock);
	bblog_conn_set_mode_locked(c, BBLOG_MODE_TAIL);
	for (i = 0; i < 5; i++)
		bblog_conn_log_locked(c, sk, &ev);
	spin_unlock_bh(&c->lock);
	KUNIT_EXPECT_EQ(test, c->ring.count, 5U);

	/* Close: a CONNEND record is added and the connection is retained. */
	bblog_conn_get(c);
	lock_sock(sk);
	bblog_conn_destroy(sk);
	release_sock(sk);
	f->conn[0] = NULL;
	KUNIT_EXPECT_NULL(test, bblog_conn_lookup(sk));
	KUNIT_EXPECT_TRUE(test, c->dead);
	KUNIT_EXPECT_EQ(test, c->ring.count, 6U);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 1), 2U);

	/* Not expired yet: the reaper keeps it, and is due when it expires. */
	bblog_logid_reap(ids, false);
	KUNIT_EXPECT_PTR_NE(test, (void *)c->logid, NULL);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&ids->expire));
	KUNIT_EXPECT_TRUE(test, time_after_eq(ids->expire.timer.expires,
					      c->expires - 1));

	/* Dumping the ID from the open member dumps the closed one too. */
	KUNIT_EXPECT_EQ(test, bblog_logid_dump(bblog_c(test, 1), bblog_sk(test, 1), "err"), 0);
	KUNIT_EXPECT_EQ(test, bblog_stat_read(NULL, BBLOG_STAT_DUMPS), dumps + 1);
	KUNIT_EXPECT_EQ(test, c->ring.count, 0U);

	/*
	 * Dumped, it expires at once: the namespace's expiry work (due now;
	 * run here if it has not run yet) frees it from its bucket.
	 */
	flush_delayed_work(&ids->expire);
	KUNIT_EXPECT_NULL(test, c->logid);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 1), 1U);
	bblog_conn_put(c);
}

/* Close connection @i of the fixture with @n records: it is retained. */
static struct bblog_conn *bblog_close_logged(struct kunit *test, int i, int n)
{
	struct bblog_logid_fixture *f = test->priv;
	struct bblog_event ev = { .id = BBLOG_EV_STATE };
	struct bblog_conn *c = bblog_c(test, i);
	struct sock *sk = bblog_sk(test, i);

	spin_lock_bh(&c->lock);
	bblog_conn_set_mode_locked(c, BBLOG_MODE_TAIL);
	while (n--)
		bblog_conn_log_locked(c, sk, &ev);
	spin_unlock_bh(&c->lock);
	bblog_conn_get(c);
	lock_sock(sk);
	bblog_conn_destroy(sk);
	release_sock(sk);
	f->conn[i] = NULL;
	return c;
}

/*
 * Retained connections expire in the order they close: the expiry work
 * frees those due from the head of the namespace's list and is set for
 * the next one, not for a rescan of all of them; a lowered retention
 * applies to those kept already, in the same order.
 */
static void bblog_logid_expiry_order_test(struct kunit *test)
{
	struct bblog_ids *ids = &bblog_net(&init_net)->ids;
	struct bblog_conn *c0, *c1;
	int i;

	bblog_net(&init_net)->closed_retention_ms = 60000;
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, bblog_set(test, i, "order"), 0);
	c0 = bblog_close_logged(test, 0, 2);
	c1 = bblog_close_logged(test, 1, 2);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&ids->retained, struct bblog_conn,
						   retained), c0);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&ids->retained, struct bblog_conn,
						  retained), c1);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 3U);

	/* The first is due: it goes, the second stays, the work is set for it. */
	spin_lock_bh(&ids->lock);
	WRITE_ONCE(c0->expires, jiffies - 1);
	spin_unlock_bh(&ids->lock);
	bblog_logid_reap(ids, false);
	KUNIT_EXPECT_NULL(test, c0->logid);
	KUNIT_EXPECT_PTR_EQ(test, c1->logid, bblog_c(test, 2)->logid);
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 2U);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&ids->expire));
	KUNIT_EXPECT_TRUE(test, time_after_eq(ids->expire.timer.expires,
					      c1->expires - 1));

	/* Retention raised: the work stays set for the first one's time. */
	bblog_logid_retention_cut(ids, 120000);
	KUNIT_EXPECT_TRUE(test, time_before_eq(ids->expire.timer.expires,
					       c1->expires + 1));

	/* Retention lowered to 0: the rest goes now. */
	bblog_logid_retention_cut(ids, 0);
	KUNIT_EXPECT_NULL(test, c1->logid);
	KUNIT_EXPECT_TRUE(test, list_empty(&ids->retained));
	KUNIT_EXPECT_EQ(test, bblog_count(test, 2), 1U);
	bblog_conn_put(c0);
	bblog_conn_put(c1);
}

/*
 * A socket's connection is found by its hint slot or, when the slot holds
 * another socket's (slots are shared), by the table; an ended one is not
 * found, and its end leaves another's hint alone.
 */
static void bblog_conn_lookup_test(struct kunit *test)
{
	struct bblog_logid_fixture *f = test->priv;
	struct sock *sk2 = bblog_sk(test, 2);
	int i;

	for (i = 0; i < BBLOG_TEST_SOCKS; i++) {
		KUNIT_EXPECT_PTR_EQ(test, bblog_conn_lookup(bblog_sk(test, i)),
				    bblog_c(test, i));
		KUNIT_EXPECT_TRUE(test, bblog_sockmark_maybe(bblog_sk(test, i)));
	}
	KUNIT_EXPECT_NULL(test, bblog_conn_lookup((struct sock *)f));

	/* slot 1 taken by connection 0: 1 from the table, 0 still from its own */
	rcu_assign_pointer(*bblog_conn_hint_slot(bblog_sk(test, 1)), bblog_c(test, 0));
	KUNIT_EXPECT_PTR_EQ(test, bblog_conn_lookup(bblog_sk(test, 1)), bblog_c(test, 1));
	KUNIT_EXPECT_PTR_EQ(test, bblog_conn_lookup(bblog_sk(test, 0)), bblog_c(test, 0));

	/* connection 1 ends: the slot keeps connection 0 */
	lock_sock(bblog_sk(test, 1));
	bblog_conn_destroy(bblog_sk(test, 1));
	release_sock(bblog_sk(test, 1));
	f->conn[1] = NULL;
	KUNIT_EXPECT_NULL(test, bblog_conn_lookup(bblog_sk(test, 1)));
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(*bblog_conn_hint_slot(bblog_sk(test, 1))),
			    bblog_c(test, 0));
	/* (a hint is only ever its connection's own slot's: undone) */
	RCU_INIT_POINTER(*bblog_conn_hint_slot(bblog_sk(test, 1)), NULL);

	/* connection 2 ends: its slot is emptied, its socket not counted */
	rcu_assign_pointer(*bblog_conn_hint_slot(sk2), bblog_c(test, 2));
	lock_sock(sk2);
	bblog_conn_destroy(sk2);
	release_sock(sk2);
	f->conn[2] = NULL;
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(*bblog_conn_hint_slot(sk2)));
	KUNIT_EXPECT_NULL(test, bblog_conn_lookup(sk2));
	KUNIT_EXPECT_PTR_EQ(test, bblog_conn_lookup(bblog_sk(test, 3)), bblog_c(test, 3));
}

static struct kunit_case bblog_logid_cases[] = {
	KUNIT_CASE(bblog_conn_lookup_test),
	KUNIT_CASE(bblog_logid_join_move_leave_test),
	KUNIT_CASE(bblog_logid_netns_test),
	KUNIT_CASE(bblog_logid_owner_test),
	KUNIT_CASE(bblog_logid_auto_ratio_test),
	KUNIT_CASE(bblog_logid_retention_test),
	KUNIT_CASE(bblog_logid_expiry_order_test),
	{}
};

static struct kunit_suite bblog_logid_suite = {
	.name = "tcp_bblog_logid",
	.init = bblog_logid_test_init,
	.exit = bblog_logid_test_exit,
	.test_cases = bblog_logid_cases,
};

/*
 * A segment of a handshake's 4-tuple: a TCP header with a timestamp option
 * (@tsval), @flags, and @payload bytes of data.
 */
static struct sk_buff *bblog_hs_test_skb(struct kunit *test, u8 flags,
					 u32 tsval, unsigned int payload)
{
	struct sk_buff *skb;
	struct tcphdr *th;
	u8 *opt;

	skb = alloc_skb(sizeof(*th) + 12 + payload, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	th = skb_put_zero(skb, sizeof(*th) + 12 + payload);
	skb_reset_transport_header(skb);
	th->source = htons(40000);
	th->dest = htons(5097);
	th->seq = htonl(1001);
	th->ack_seq = htonl(2001);
	th->doff = (sizeof(*th) + 12) / 4;
	tcp_flag_byte(th) = flags;
	th->window = htons(502);
	opt = (u8 *)(th + 1);
	opt[0] = TCPOPT_NOP;
	opt[1] = TCPOPT_NOP;
	opt[2] = TCPOPT_TIMESTAMP;
	opt[3] = TCPOLEN_TIMESTAMP;
	put_unaligned_be32(tsval, opt + 4);
	return skb;
}

static void bblog_hs_test_add(struct bblog_hs *hs, u8 id, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	spin_lock_bh(&hs->lock);
	bblog_hs_add_locked(hs, id, TCP_SYN_RECV, skb, 0,
			    id == BBLOG_EV_IN && !th->syn && !th->rst);
	spin_unlock_bh(&hs->lock);
}

static int bblog_hs_test_find(struct bblog_hs *hs, struct sk_buff *skb,
			      int *first)
{
	*first = -2;
	return bblog_hs_find_segment(hs, skb, 0, first);
}

/*
 * The segment that made a connection, among its handshake's records: the
 * last incoming one with its header and length, or the run of segments
 * the stack coalesced into it in the child's backlog (sequence number of
 * the first, ACK and window of the last, the flags and payload of all);
 * never a segment sent with the same header, one of another length or
 * timestamp.  Those kept after it (they passed LOCAL_IN while it waited in
 * the child's backlog) follow it in the connection's history.
 */
static void bblog_hs_find_segment_test(struct kunit *test)
{
	struct sk_buff *syn, *synack, *ack, *ack2, *data, *data2, *merged, *late;
	struct sk_buff *other;
	struct bblog_hs *hs;
	int first;

	hs = kunit_kzalloc(test, sizeof(*hs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hs);
	spin_lock_init(&hs->lock);
	syn = bblog_hs_test_skb(test, TCPHDR_SYN, 1, 0);
	synack = bblog_hs_test_skb(test, TCPHDR_SYN | TCPHDR_ACK, 1, 0);
	ack = bblog_hs_test_skb(test, TCPHDR_ACK, 2, 0);
	ack2 = bblog_hs_test_skb(test, TCPHDR_ACK, 2, 0);	/* a copy */
	data = bblog_hs_test_skb(test, TCPHDR_ACK | TCPHDR_PSH, 2, 100);
	data2 = bblog_hs_test_skb(test, TCPHDR_ACK | TCPHDR_PSH, 2, 100);
	tcp_hdr(data2)->seq = htonl(1101);
	tcp_hdr(data2)->window = htons(600);
	/* what tcp_add_backlog() makes of ack, data and data2 */
	merged = bblog_hs_test_skb(test, TCPHDR_ACK | TCPHDR_PSH, 2, 200);
	tcp_hdr(merged)->window = htons(600);
	late = bblog_hs_test_skb(test, TCPHDR_ACK, 3, 0);	/* a later timestamp */
	tcp_hdr(late)->seq = htonl(1201);
	other = bblog_hs_test_skb(test, TCPHDR_ACK, 3, 0);

	bblog_hs_test_add(hs, BBLOG_EV_IN, syn);
	bblog_hs_test_add(hs, BBLOG_EV_OUT, synack);
	bblog_hs_test_add(hs, BBLOG_EV_IN, ack);
	bblog_hs_test_add(hs, BBLOG_EV_IN, data);
	KUNIT_EXPECT_EQ(test, hs->n, 4);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, ack, &first), 2);
	KUNIT_EXPECT_EQ(test, first, 2);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, syn, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 0);
	/* ack then data coalesced look like data alone: the longer run wins */
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, data, &first), 3);
	KUNIT_EXPECT_EQ(test, first, 2);
	bblog_hs_test_add(hs, BBLOG_EV_IN, data2);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, merged, &first), 4);
	KUNIT_EXPECT_EQ(test, first, 2);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, data2, &first), 4);
	KUNIT_EXPECT_EQ(test, first, 4);
	/* another timestamp is never coalesced */
	bblog_hs_test_add(hs, BBLOG_EV_IN, late);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, late, &first), 5);
	KUNIT_EXPECT_EQ(test, first, 5);
	/* the same header sent, not received */
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, synack, &first), -1);
	/* another timestamp, another length */
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, other, &first), -1);
	skb_trim(data, data->len - 1);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, data, &first), -1);
	/* a copy received again: the later one made the connection */
	bblog_hs_test_add(hs, BBLOG_EV_IN, ack2);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, ack, &first), 6);
	KUNIT_EXPECT_EQ(test, first, 6);
	/* not kept (no room): not found */
	while (hs->n < BBLOG_HS_RECORDS)
		bblog_hs_test_add(hs, BBLOG_EV_IN, syn);
	bblog_hs_test_add(hs, BBLOG_EV_IN, other);
	KUNIT_EXPECT_EQ(test, hs->lost, 1);
	KUNIT_EXPECT_TRUE(test, hs->pend_lost);
	KUNIT_EXPECT_EQ(test, bblog_hs_test_find(hs, other, &first), -1);

	kfree_skb(syn);
	kfree_skb(synack);
	kfree_skb(ack);
	kfree_skb(ack2);
	kfree_skb(data);
	kfree_skb(data2);
	kfree_skb(merged);
	kfree_skb(late);
	kfree_skb(other);
}

static struct kunit_case bblog_hs_cases[] = {
	KUNIT_CASE(bblog_hs_find_segment_test),
	{}
};

static struct kunit_suite bblog_hs_suite = {
	.name = "tcp_bblog_handshake",
	.test_cases = bblog_hs_cases,
};

kunit_test_suites(&bblog_logid_suite, &bblog_hs_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for tcp_bblog: log IDs, retention, handshakes");
