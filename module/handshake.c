// SPDX-License-Identifier: GPL-2.0
/*
 * The handshakes of passive connections that do not exist yet.
 *
 * Between a SYN and the ACK that completes the handshake, a listener holds
 * only a request socket; the connection (the child socket) is created from
 * that ACK.  The segments of the time before it, the SYN (and each copy of
 * it the client sends again) and each SYN-ACK sent (retransmissions too),
 * are kept here by 4-tuple when a connection they make may be logged (its
 * listener has a template, or the namespace has rules or auto_*), and
 * become the first records of the child once it has its 4-tuple (its
 * first segment, bblog_conn_passive_first()).
 *
 * Memory is bounded: at most BBLOG_HS_MAX handshakes host-wide, of
 * BBLOG_HS_RECORDS records each; a SYN that finds the table full is not
 * kept and counted (stat_handshakes_unkept), so is a record beyond an entry's
 * room (in the entry: the child's first serial number gap shows it).
 * A request that ends without a child (its SYN-ACKs reached the retry
 * limit, it was reset, its listener closed) ends its handshake: dumped by
 * itself if the connection would have been logged in a mode that dumps at
 * close (bblog_hs_req_end(), stat_handshakes_failed).  A handshake no one
 * claims within BBLOG_HS_AGE (its child is not logged, or a SYN cookie's
 * ACK never came) is freed and counted (stat_handshakes_unclaimed).
 *
 * Every segment that reaches a handshake's 4-tuple before its connection
 * has a key is kept: SYNs sent again, resets, and the ACKs and data a
 * request ignores (the accept queue was full).  The segment that makes the
 * connection is recorded by the connection itself, with its state; the
 * records kept before it become its first ones, those kept after it (they
 * passed LOCAL_IN while it waited in the child's backlog) follow it
 * (bblog_hs_find_segment()).  Without that segment (a Fast Open child),
 * the last segment kept, if it is not a SYN or a reset, is taken for it
 * (bblog_hs_records()).  The connection is filed under its 4-tuple only
 * when it takes its handshake (until then what arrives is kept here), and
 * before the handshake leaves the table, under its own lock: a segment on
 * another CPU that no longer finds the handshake finds the connection, and
 * is recorded after the handshake's records (bblog_nf_local_in()).
 *
 * A SYN that finds its listener's accept queue full is dropped before any
 * request socket exists (tcp_conn_request()).  Its handshake keeps it,
 * with what its connection would have been given; if no later SYN of it
 * makes a request, it ends when its listener closes or when it expires,
 * dumped then if it would have been (BBLOG_END_LISTEN_OVERFLOW).
 *
 * With SYN cookies there is no request socket: the SYN-ACK is sent without
 * an owner and found here by its 4-tuple, and a connection the cookie
 * validates has both; a cookie handshake that fails is never known to
 * have ended, and expires.  A Fast Open connection is made by its SYN:
 * it takes its handshake (the SYN) before it sends its SYN-ACK.
 */
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "conn.h"
#include "export.h"
#include "handshake.h"
#include "listen.h"
#include "policy.h"
#include "record.h"
#include "rule.h"
#include "stats.h"
#include "sysctl.h"

#define BBLOG_HS_MAX		1024
#define BBLOG_HS_AGE		(75 * HZ)	/* past SYN-ACK retries' 63 s */
#define BBLOG_HS_GC		(5 * HZ)

/* What a connection of a handshake would have been given, and by whom. */
struct bblog_hs_choice {
	s8 mode;
	bool inherited;
	bool auto_selected;
	char id[BBLOG_ID_LEN];
};

/* The listener's part of a dump of a handshake that made no connection. */
struct bblog_hs_info {
	struct bblog_hs_choice ch;
	u32 uid;
	u64 cgroup;
	char ca_name[TCP_CA_NAME_MAX];
};

struct bblog_hs {
	struct rhash_head node;
	struct bblog_tuple key;
	struct list_head age;		/* in bblog_hs_ages, oldest first */
	struct rcu_head rcu;
	spinlock_t lock;		/* n, lost, gone, rec */
	unsigned long born;		/* jiffies */
	struct bblog_nstats *nstats;	/* its namespace's counters */
	u8 n;
	u8 lost;
	bool rst;			/* a reset was received */
	bool rst_sent;			/* the listener reset it */
	bool gone;			/* taken or expired: add nothing */
	bool pend;			/* rec[n - 1] may make the connection */
	bool pend_lost;			/* so may the last segment not kept */
	bool full;			/* its last SYN found the accept queue full */
	bool chosen;			/* info is set */
	const struct sock *lsk;		/* with full: its listener (bblog_hs_lock) */
	struct bblog_hs_info info;	/* with full: its listener's part */
	struct bblog_record rec[BBLOG_HS_RECORDS];
};

/* Cookies of the dumps of handshakes that had no socket: bit 63 set. */
static atomic64_t bblog_hs_cookies = ATOMIC64_INIT(0);

static const struct rhashtable_params bblog_hs_params = {
	.key_len		= sizeof(struct bblog_tuple),
	.key_offset		= offsetof(struct bblog_hs, key),
	.head_offset		= offsetof(struct bblog_hs, node),
	.automatic_shrinking	= true,
};

static struct rhashtable bblog_hs_table;
static LIST_HEAD(bblog_hs_ages);
static DEFINE_SPINLOCK(bblog_hs_lock);	/* bblog_hs_ages, bblog_hs_count */
static unsigned int bblog_hs_count;
static atomic_t bblog_hs_any = ATOMIC_INIT(0);	/* entries exist */
static void bblog_hs_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(bblog_hs_work, bblog_hs_gc);

static void bblog_hs_free_rcu(struct rcu_head *head)
{
	struct bblog_hs *hs = container_of(head, struct bblog_hs, rcu);

	bblog_nstats_put(hs->nstats);
	kfree(hs);
}

/* Out of the table and the age list (once); freed by bblog_hs_put(). */
static void bblog_hs_unlink(struct bblog_hs *hs)
{
	spin_lock_bh(&bblog_hs_lock);
	list_del(&hs->age);
	bblog_hs_count--;
	if (!bblog_hs_count)
		atomic_set(&bblog_hs_any, 0);
	spin_unlock_bh(&bblog_hs_lock);
	rhashtable_remove_fast(&bblog_hs_table, &hs->node, bblog_hs_params);
}

void bblog_hs_put(struct bblog_hs *hs)
{
	call_rcu(&hs->rcu, bblog_hs_free_rcu);
}

/* May a connection accepted by @lsk be logged? */
bool bblog_hs_wanted(const struct sock *lsk)
{
	const struct bblog_net *bn = bblog_net(sock_net(lsk));

	if (READ_ONCE(bn->disable_all))
		return false;
	if (bblog_conn_lookup(lsk) || bblog_rules_exist(sock_net(lsk)))
		return true;
	return READ_ONCE(bn->auto_all) && READ_ONCE(bn->auto_ratio) &&
	       READ_ONCE(bn->auto_mode) > BBLOG_MODE_OFF;
}

/*
 * Keep a record of @hs; @cand: an incoming segment that may make the
 * connection (neither a SYN nor a reset).
 */
static void bblog_hs_add_locked(struct bblog_hs *hs, u8 id, u8 state,
				const struct sk_buff *skb, int th_off, bool cand)
{
	struct bblog_record *rec;

	lockdep_assert_held(&hs->lock);
	if (hs->gone)
		return;
	hs->pend = false;
	hs->pend_lost = false;
	if (hs->n == BBLOG_HS_RECORDS) {
		hs->lost++;
		hs->pend_lost = cand;
		return;
	}
	hs->pend = cand;
	rec = &hs->rec[hs->n++];
	memset(rec, 0, sizeof(*rec));
	rec->time_ns = ktime_get_boot_fast_ns();
	rec->jiffies = (u32)jiffies;
	rec->event = id;
	rec->state = state;
	if (skb)
		bblog_record_copy_hdr(rec, skb, th_off);
}

/* The sequence number in the TCP header of @rec (a SYN's: its ISN). */
static u32 bblog_hs_seq(const struct bblog_record *rec)
{
	__be32 seq;

	memcpy(&seq, rec->th + 4, sizeof(seq));
	return be32_to_cpu(seq);
}

/* The entry of @key, created if @create; NULL if none (or no room). */
static struct bblog_hs *bblog_hs_find(const struct bblog_tuple *key, bool create)
{
	struct bblog_hs *hs, *old;

	hs = rhashtable_lookup(&bblog_hs_table, key, bblog_hs_params);
	if (hs || !create)
		return hs;
	hs = kzalloc(sizeof(*hs), GFP_ATOMIC | __GFP_NOWARN);
	if (!hs)
		return NULL;
	hs->key = *key;
	spin_lock_init(&hs->lock);
	hs->born = jiffies;
	spin_lock_bh(&bblog_hs_lock);
	if (bblog_hs_count >= BBLOG_HS_MAX) {
		spin_unlock_bh(&bblog_hs_lock);
		kfree(hs);
		return NULL;
	}
	bblog_hs_count++;
	atomic_set(&bblog_hs_any, 1);
	list_add_tail(&hs->age, &bblog_hs_ages);
	spin_unlock_bh(&bblog_hs_lock);
	hs->nstats = bblog_nstats_get(bblog_net_stats((struct net *)key->net));
	old = rhashtable_lookup_get_insert_fast(&bblog_hs_table, &hs->node,
						bblog_hs_params);
	if (old) {
		/* another CPU's SYN of the same tuple won (or no memory) */
		spin_lock_bh(&bblog_hs_lock);
		list_del(&hs->age);
		bblog_hs_count--;
		if (!bblog_hs_count)
			atomic_set(&bblog_hs_any, 0);
		spin_unlock_bh(&bblog_hs_lock);
		bblog_nstats_put(hs->nstats);
		kfree(hs);
		return IS_ERR(old) ? NULL : old;
	}
	bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES);
	return hs;
}

static void bblog_hs_choose(const struct sock *lsk, const struct bblog_tuple *key,
			    struct bblog_hs_choice *ch);

/* The listener's part of a dump of a handshake of @lsk with @key. */
static void bblog_hs_info_fill(const struct sock *lsk, const struct bblog_tuple *key,
			       struct bblog_hs_info *info)
{
	memset(info, 0, sizeof(*info));
	bblog_hs_choose(lsk, key, &info->ch);
	info->uid = from_kuid_munged(&init_user_ns, lsk->sk_uid);
	info->cgroup = bblog_sock_cgroup_id(lsk);
	if (inet_csk(lsk)->icsk_ca_ops)
		strscpy(info->ca_name, inet_csk(lsk)->icsk_ca_ops->name,
			sizeof(info->ca_name));
}

/*
 * A SYN to @lsk (@full: its accept queue is full, tcp_conn_request() drops
 * the SYN).  A SYN with another initial sequence number than the one kept
 * is a new connection on the 4-tuple of a handshake that never made one;
 * one with the same was kept as it passed LOCAL_IN.
 */
void bblog_hs_syn(const struct sock *lsk, const struct sk_buff *skb,
		  const struct bblog_tuple *key, int th_off, bool full)
{
	struct bblog_hs_info info;
	struct bblog_hs *hs;
	bool fill;

	rcu_read_lock();
	hs = bblog_hs_find(key, true);
	if (!hs) {
		bblog_stat_inc(bblog_net_stats(sock_net(lsk)), BBLOG_STAT_HANDSHAKES_UNKEPT);
		goto out;
	}
	/* once per handshake: the auto ratio counts each connection once */
	fill = full && !READ_ONCE(hs->chosen);
	if (fill)
		bblog_hs_info_fill(lsk, key, &info);
	spin_lock_bh(&hs->lock);
	/* the SYN sent again: kept at LOCAL_IN already (bblog_hs_in()) */
	if (!hs->n || bblog_hs_seq(&hs->rec[0]) != ntohl(tcp_hdr(skb)->seq)) {
		if (hs->n) {
			hs->n = 0;
			hs->lost = 0;
			bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES_UNCLAIMED);
			bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES);
		}
		bblog_hs_add_locked(hs, BBLOG_EV_IN, TCP_LISTEN, skb, th_off, false);
	}
	if (fill && !hs->chosen) {
		hs->info = info;
		WRITE_ONCE(hs->chosen, true);
	}
	hs->full = full;
	spin_unlock_bh(&hs->lock);
	if (full || READ_ONCE(hs->lsk)) {
		spin_lock_bh(&bblog_hs_lock);
		hs->lsk = full ? lsk : NULL;
		spin_unlock_bh(&bblog_hs_lock);
	}
out:
	rcu_read_unlock();
}

/* A SYN-ACK sent: false if no handshake of @key is kept. */
bool bblog_hs_synack(const struct sk_buff *skb, const struct bblog_tuple *key,
		     int th_off)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	struct bblog_hs *hs;

	if (!atomic_read(&bblog_hs_any))
		return false;
	th = skb_header_pointer(skb, th_off, sizeof(_th), &_th);
	if (!th || !th->syn || !th->ack)
		return false;
	rcu_read_lock();
	hs = bblog_hs_find(key, false);
	if (hs) {
		spin_lock_bh(&hs->lock);
		bblog_hs_add_locked(hs, BBLOG_EV_OUT, TCP_SYN_RECV, skb, th_off,
				    false);
		spin_unlock_bh(&hs->lock);
	}
	rcu_read_unlock();
	return hs;
}

/*
 * A segment at LOCAL_IN on the 4-tuple of a handshake: the SYN sent again
 * (the same initial sequence number; a listener's request socket answers
 * it, so bblog_hs_syn() does not see it), a reset, an ACK or data (the one
 * that makes the connection, or one its request ignores).  The first SYN
 * is kept by bblog_hs_syn(), which LOCAL_IN precedes.  False if no
 * handshake of @key is in the table (or it is being taken).
 */
bool bblog_hs_in(const struct sk_buff *skb, const struct bblog_tuple *key,
		 int th_off)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	struct bblog_hs *hs;
	bool kept = false;
	bool syn;

	th = skb_header_pointer(skb, th_off, sizeof(_th), &_th);
	if (!th)
		return false;
	syn = th->syn && !th->ack && !th->rst;
	rcu_read_lock();
	hs = bblog_hs_find(key, false);
	if (hs) {
		spin_lock_bh(&hs->lock);
		kept = !hs->gone;
		/* after a SYN the accept queue dropped, no request exists */
		if (!syn || (hs->n && bblog_hs_seq(&hs->rec[0]) == ntohl(th->seq)))
			bblog_hs_add_locked(hs, BBLOG_EV_IN,
					    hs->full ? TCP_LISTEN : TCP_SYN_RECV,
					    skb, th_off, !th->syn && !th->rst);
		if (th->rst && !hs->gone)
			hs->rst = true;
		spin_unlock_bh(&hs->lock);
	}
	rcu_read_unlock();
	return kept;
}

/*
 * The listener resets the handshake of @key in reply to a segment (its
 * control socket sends it: tcp_abort_on_overflow with a full accept
 * queue, an ACK that does not fit the request): a RST_SENT record with the
 * kernel's reason (@why, @raw as BBLOG_EV_RST_SENT's arguments).
 */
void bblog_hs_rst_sent(const struct bblog_tuple *key, u32 why, u32 raw)
{
	struct bblog_hs *hs;

	rcu_read_lock();
	hs = bblog_hs_find(key, false);
	if (hs) {
		spin_lock_bh(&hs->lock);
		if (!hs->gone) {
			u8 n = hs->n;

			bblog_hs_add_locked(hs, BBLOG_EV_RST_SENT, TCP_SYN_RECV,
					    NULL, 0, false);
			if (hs->n > n) {
				hs->rec[n].arg1 = why;
				hs->rec[n].arg2 = raw;
			}
			hs->rst_sent = true;
		}
		spin_unlock_bh(&hs->lock);
	}
	rcu_read_unlock();
}

bool bblog_hs_pending(void)
{
	return atomic_read(&bblog_hs_any);
}

/* @hs is this caller's to end (taken out of the table): true if so. */
static bool bblog_hs_claim(struct bblog_hs *hs)
{
	bool mine = false;

	spin_lock_bh(&hs->lock);
	if (!hs->gone) {
		hs->gone = true;
		mine = true;
	}
	spin_unlock_bh(&hs->lock);
	if (mine)
		bblog_hs_unlink(hs);
	return mine;	/* else being taken: its taker unlinks it */
}

/*
 * The handshake of the connection with @key, taken out of the table (its
 * records stay as they are: read them with bblog_hs_records(), then
 * bblog_hs_put() it); NULL if there is none.
 */
struct bblog_hs *bblog_hs_take(const struct bblog_tuple *key)
{
	struct bblog_hs *hs;

	if (!atomic_read(&bblog_hs_any))
		return NULL;
	rcu_read_lock();
	hs = bblog_hs_find(key, false);
	if (hs && !bblog_hs_claim(hs))
		hs = NULL;
	rcu_read_unlock();
	return hs;
}

/*
 * The records of a handshake taken, and how many it could not keep; for
 * the connection it made (@child), without the segment that made it,
 * which the connection records itself.
 */
unsigned int bblog_hs_records(const struct bblog_hs *hs, bool child,
			      const struct bblog_record **rec, unsigned int *lost)
{
	*rec = hs->rec;
	*lost = hs->lost - (child && hs->pend_lost);
	return hs->n - (child && hs->pend);
}

/* The flags in the TCP header of @rec. */
static u8 bblog_hs_flags(const struct bblog_record *rec)
{
	return rec->th[13];
}

/*
 * May @prev have been coalesced into @next in a socket's backlog
 * (tcp_add_backlog(): contiguous, both ACKs, neither SYN, RST, URG nor
 * FIN, the same ECN flags and options)?
 */
static bool bblog_hs_coalescable(const struct bblog_record *prev,
				 const struct bblog_record *next)
{
	const u8 no = TCPHDR_SYN | TCPHDR_RST | TCPHDR_URG | TCPHDR_FIN;
	const u8 ecn = TCPHDR_ECE | TCPHDR_CWR;
	u8 pf = bblog_hs_flags(prev), nf = bblog_hs_flags(next);

	return prev->event == BBLOG_EV_IN && (prev->flags & BBLOG_RF_HDR) &&
	       prev->th_len == next->th_len &&
	       bblog_hs_seq(prev) + prev->payload_len == bblog_hs_seq(next) &&
	       (pf & nf & TCPHDR_ACK) && !((pf | nf) & no) && !((pf ^ nf) & ecn) &&
	       !memcmp(prev->th + sizeof(struct tcphdr),
		       next->th + sizeof(struct tcphdr),
		       next->th_len - sizeof(struct tcphdr));
}

/*
 * Which records of @hs are the segment @skb (its TCP header at @th_off),
 * the one that made the connection: returns the index of the last one, or
 * -1; *@first is that of the first of the segments the stack coalesced
 * into it (the same index if none).  The segment that makes a connection
 * is handed to it when the connection exists; if the child's owner held
 * it then (the application that accepted it, on another CPU), it waited
 * in the child's backlog, where tcp_add_backlog() coalesces the next ones
 * into it (sequence number, checksum and urgent pointer of the first, ACK
 * and window of the last, the flags of all, the payload of all), while
 * each of them passed LOCAL_IN and was kept here.  The longest such run
 * that ends last wins.
 */
int bblog_hs_find_segment(const struct bblog_hs *hs, const struct sk_buff *skb,
			  int th_off, int *first)
{
	const struct bblog_record *rec, *last;
	unsigned int len, payload, sum;
	const struct tcphdr *th;
	u8 buf[sizeof(rec->th)];
	int i, j, found;
	u8 flags;

	th = skb_header_pointer(skb, th_off, sizeof(*th), buf);
	if (!th)
		return -1;
	len = th->doff * 4;
	if (len < sizeof(*th) || len > sizeof(buf))
		return -1;
	th = skb_header_pointer(skb, th_off, len, buf);
	if (!th)
		return -1;
	payload = skb->len > th_off + len ? skb->len - th_off - len : 0;
	for (i = hs->n - 1; i >= 0; i--) {
		last = &hs->rec[i];
		if (last->event != BBLOG_EV_IN || !(last->flags & BBLOG_RF_HDR) ||
		    last->th_len != len ||
		    memcmp(last->th, th, 4) ||				/* ports */
		    memcmp(last->th + 8, (const u8 *)th + 8, 5) ||	/* ACK, doff */
		    memcmp(last->th + 14, (const u8 *)th + 14, 2) ||	/* window */
		    memcmp(last->th + sizeof(*th), th + 1, len - sizeof(*th)))
			continue;
		found = -1;
		sum = 0;
		flags = 0;
		for (j = i; j >= 0; j--) {
			rec = &hs->rec[j];
			if (j < i && !bblog_hs_coalescable(rec, &hs->rec[j + 1]))
				break;
			sum += rec->payload_len;
			flags |= bblog_hs_flags(rec);
			if (sum == payload && flags == tcp_flag_byte(th) &&
			    !memcmp(rec->th + 4, (const u8 *)th + 4, 4) &&	/* seq */
			    !memcmp(rec->th + 16, (const u8 *)th + 16, 4))	/* check, urg */
				found = j;
		}
		if (found >= 0) {
			*first = found;
			return i;
		}
	}
	return -1;
}

/* The 4-tuple of a request socket, as its segments' keys. */
static void bblog_req_tuple(const struct request_sock *req, struct bblog_tuple *t)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	memset(t, 0, sizeof(*t));
	t->net = read_pnet(&ireq->ireq_net);
	t->lport = htons(ireq->ir_num);
	t->fport = ireq->ir_rmt_port;
#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6) {
		t->family = AF_INET6;
		memcpy(t->laddr, &ireq->ir_v6_loc_addr, 16);
		memcpy(t->faddr, &ireq->ir_v6_rmt_addr, 16);
		return;
	}
#endif
	t->family = AF_INET;
	memcpy(t->laddr, &ireq->ir_loc_addr, 4);
	memcpy(t->faddr, &ireq->ir_rmt_addr, 4);
}

/* What a connection of @key accepted by @lsk would have been given. */
static void bblog_hs_choose(const struct sock *lsk, const struct bblog_tuple *key,
			    struct bblog_hs_choice *ch)
{
	struct bblog_net *bn = bblog_net(sock_net(lsk));
	struct bblog_rule_action a;
	struct bblog_match_key k;
	struct bblog_template t;
	int mode;

	memset(ch, 0, sizeof(*ch));
	if (bblog_listen_template(atomic64_read(&lsk->sk_cookie), &t)) {
		ch->mode = t.mode;
		ch->inherited = true;
		strscpy(ch->id, t.id, sizeof(ch->id));
		return;
	}
	memset(&k, 0, sizeof(k));
	k.family = key->family;
	k.dir = BBLOG_DIR_PASSIVE;
	k.lport = ntohs(key->lport);
	k.fport = ntohs(key->fport);
	memcpy(k.laddr, key->laddr, sizeof(k.laddr));
	memcpy(k.faddr, key->faddr, sizeof(k.faddr));
	k.uid = lsk->sk_uid;
	if (bblog_rules_exist(sock_net(lsk)) && bblog_rules_select_key(lsk, &k, &a)) {
		ch->mode = a.mode;
		strscpy(ch->id, a.id, sizeof(ch->id));
		return;
	}
	mode = READ_ONCE(bn->auto_mode);
	if (READ_ONCE(bn->auto_all) && mode > BBLOG_MODE_OFF &&
	    bblog_ratio_select(&bn->auto_counter, READ_ONCE(bn->auto_ratio))) {
		ch->mode = mode;
		ch->auto_selected = true;
	}
}

/*
 * The records of a handshake that made no connection, as a dump of its
 * own: @cookie (its request socket's, the one its child would have had),
 * the listener's part, and a last record, the end of the connection, with
 * how it ended (@end, BBLOG_END_*).
 */
static void bblog_hs_dump(struct bblog_hs *hs, u64 cookie,
			  const struct bblog_hs_info *info, u32 end)
{
	struct net *net = (struct net *)hs->key.net;
	struct bblog_dump_entry *d;
	struct bblog_record *rec;
	struct bblog_dump *h;
	unsigned int i;

	d = bblog_dump_alloc(GFP_ATOMIC);
	if (!d) {
		bblog_stat_inc(hs->nstats, BBLOG_STAT_DUMP_FAILED);
		return;
	}
	d->net_cookie = bblog_net_cookie(net);
	d->user_ns = get_user_ns(net->user_ns);
	d->nstats = bblog_nstats_get(hs->nstats);
	d->ring.charge.ns = d->nstats;
	d->ring.charge.unpriv = d->user_ns != &init_user_ns;
	h = &d->hdr;
	h->cookie = cookie;
	h->boot_offset_ns = ktime_get_real_ns() - ktime_get_boottime_ns();
	h->netns = net->ns.inum;
	h->family = hs->key.family;
	h->flags = BBLOG_DF_ENDED |
		   (hs->key.family == AF_INET6 ? BBLOG_DF_IPV6 : 0) |
		   (info->ch.auto_selected ? BBLOG_DF_AUTO : 0) |
		   (info->ch.inherited ? BBLOG_DF_LISTENER : 0);
	h->lport = (__force u16)hs->key.lport;
	h->fport = (__force u16)hs->key.fport;
	memcpy(h->laddr, hs->key.laddr, sizeof(h->laddr));
	memcpy(h->faddr, hs->key.faddr, sizeof(h->faddr));
	h->mode = info->ch.mode;
	h->state = TCP_CLOSE;
	h->uid = info->uid;
	h->cgroup = info->cgroup;
	h->owner_how = BBLOG_OWNER_NONE;
	strscpy(h->ca_name, info->ca_name, sizeof(h->ca_name));
	strscpy(h->id, info->ch.id, sizeof(h->id));
	strscpy(h->reason, "handshake failed", sizeof(h->reason));

	for (i = 0; i <= hs->n; i++) {
		rec = bblog_ring_reserve(&d->ring, GFP_ATOMIC);
		if (!rec) {
			h->lost_nomem++;
			bblog_stat_inc(hs->nstats, BBLOG_STAT_LOST_NOMEM);
			continue;
		}
		bblog_stat_inc(hs->nstats, BBLOG_STAT_RECORDS);
		if (i < hs->n) {
			*rec = hs->rec[i];
			rec->sn = i;
			continue;
		}
		/* the end, after the records the entry had no room for */
		memset(rec, 0, sizeof(*rec));
		rec->time_ns = ktime_get_boot_fast_ns();
		rec->jiffies = (u32)jiffies;
		rec->sn = i + hs->lost;
		rec->event = BBLOG_EV_CONNEND;
		rec->state = TCP_CLOSE;
		rec->arg1 = end;
	}
	h->lost_nomem += hs->lost;
	bblog_stat_add(hs->nstats, BBLOG_STAT_LOST_NOMEM, hs->lost);
	bblog_export_queue(d);
}

/*
 * A request socket is freed.  If it made no child and its handshake is
 * still in the table, the handshake failed: its SYN-ACKs reached the retry
 * limit, it was reset, or its listener went.  It is dumped if the
 * connection would have been logged in a mode that dumps at close.  A request with a SYN cookie is
 * freed at once by design: its handshake waits for the ACK that validates
 * the cookie, or expires.  So does a Fast Open one, whose child was made
 * by its SYN.
 */
void bblog_hs_req_end(const struct request_sock *req)
{
	const struct sock *lsk = req->rsk_listener;
	struct bblog_hs_info info;
	struct bblog_tuple key;
	struct bblog_hs *hs;
	u32 cookie[2], end;

	/*
	 * req->sk: it made a child, which takes the handshake at its first
	 * segment (tcp_child_process()); the child can be accepted, and this
	 * request freed, just before that.
	 */
	if (!bblog_hs_pending() || req->syncookie || !lsk ||
	    tcp_rsk(req)->tfo_listener || READ_ONCE(req->sk))
		return;
	bblog_req_tuple(req, &key);
	hs = bblog_hs_take(&key);
	if (!hs)
		return;
	bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES_FAILED);
	if (!READ_ONCE(bblog_net(sock_net(lsk))->disable_all)) {
		bblog_hs_info_fill(lsk, &key, &info);
		if (bblog_mode_dumps_at_close(info.ch.mode)) {
			sock_diag_save_cookie(req_to_sk((struct request_sock *)req),
					      cookie);
			end = hs->rst ? BBLOG_END_RST_RECV :
			      hs->rst_sent ? BBLOG_END_RST_SENT :
			      req->num_timeout ? BBLOG_END_TIMEOUT : BBLOG_END_OTHER;
			bblog_hs_dump(hs, (u64)cookie[1] << 32 | cookie[0], &info, end);
		}
	}
	bblog_hs_put(hs);
}

/*
 * The end of @hs, taken out of the table by its caller (its listener
 * closed, or it expired): a handshake whose last SYN found the accept
 * queue full failed, and is dumped if it would have been; any other no
 * connection claimed.  @dump: not while the module unloads.
 */
static void bblog_hs_end(struct bblog_hs *hs, bool dump)
{
	const struct bblog_hs_info *info = &hs->info;

	if (!hs->full || !hs->chosen) {
		bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES_UNCLAIMED);
		return;
	}
	bblog_stat_inc(hs->nstats, BBLOG_STAT_HANDSHAKES_FAILED);
	if (dump && !READ_ONCE(bblog_net((struct net *)hs->key.net)->disable_all) &&
	    bblog_mode_dumps_at_close(info->ch.mode))
		bblog_hs_dump(hs, BIT_ULL(63) | atomic64_inc_return(&bblog_hs_cookies),
			      info, BBLOG_END_LISTEN_OVERFLOW);
}

/*
 * End the handshakes of listener @lsk (whose last SYN it dropped with its
 * accept queue full: see bblog_hs_syn()) or of namespace @net, the other
 * NULL; dumped if @dump.
 */
static void bblog_hs_end_of(const struct sock *lsk, const struct net *net,
			    bool dump)
{
	struct bblog_hs *hs, *found;

	do {
		found = NULL;
		rcu_read_lock();
		spin_lock_bh(&bblog_hs_lock);
		list_for_each_entry(hs, &bblog_hs_ages, age) {
			if (lsk && hs->lsk == lsk) {
				hs->lsk = NULL;
				found = hs;
				break;
			}
			if (net && hs->key.net == net && !READ_ONCE(hs->gone)) {
				found = hs;
				break;
			}
		}
		spin_unlock_bh(&bblog_hs_lock);
		if (found && bblog_hs_claim(found)) {
			bblog_hs_end(found, dump);
			bblog_hs_put(found);
		}
		rcu_read_unlock();
	} while (found);
}

/* The listener @lsk closes (its requests, if any, end by themselves). */
void bblog_hs_listener_close(const struct sock *lsk)
{
	bblog_hs_end_of(lsk, NULL, true);
}

/*
 * The namespace @net goes (its listeners closed already): no entry may
 * outlive it, as an entry's end reads its namespace.
 */
void bblog_hs_net_exit(const struct net *net)
{
	if (bblog_hs_pending())
		bblog_hs_end_of(NULL, net, false);
}

/* End the handshakes no child claimed in time (all: @all, unloading). */
static void bblog_hs_expire(bool all)
{
	struct bblog_hs *hs;

	for (;;) {
		spin_lock_bh(&bblog_hs_lock);
		hs = list_first_entry_or_null(&bblog_hs_ages, struct bblog_hs, age);
		if (hs && !all && time_before(jiffies, hs->born + BBLOG_HS_AGE))
			hs = NULL;
		if (hs)
			list_move_tail(&hs->age, &bblog_hs_ages);
		spin_unlock_bh(&bblog_hs_lock);
		if (!hs)
			return;
		rcu_read_lock();
		if (bblog_hs_claim(hs)) {
			bblog_hs_end(hs, !all);
			bblog_hs_put(hs);
		}
		rcu_read_unlock();
	}
}

static void bblog_hs_gc(struct work_struct *work)
{
	bblog_hs_expire(false);
	schedule_delayed_work(&bblog_hs_work, BBLOG_HS_GC);
}

int bblog_hs_init(void)
{
	int err;

	/* 8 KiB each, even with lockdep's larger spinlock */
	BUILD_BUG_ON(sizeof(struct bblog_hs) > 8192);
	err = rhashtable_init(&bblog_hs_table, &bblog_hs_params);
	if (err)
		return err;
	schedule_delayed_work(&bblog_hs_work, BBLOG_HS_GC);
	return 0;
}

/* After the hooks are gone: nothing adds to the table any more. */
void bblog_hs_uninit(void)
{
	cancel_delayed_work_sync(&bblog_hs_work);
	bblog_hs_expire(true);
	rcu_barrier();
	rhashtable_destroy(&bblog_hs_table);
}
