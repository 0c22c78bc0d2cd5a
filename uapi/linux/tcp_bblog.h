/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcp_bblog: TCP Black Box Logging for Linux -- the user-space contract.
 *
 * This header is the one interface between the tcp_bblog kernel module and
 * user space.  It is self-contained (only <linux/types.h>), uses only fixed
 * width types with explicit padding, and compiles with -std=c90.
 *
 * Modes
 *   Every TCP connection has a logging mode, BBLOG_MODE_*, with the numbers
 *   and meaning of FreeBSD's TCP_LOG_STATE_*.  A connection gets a mode from
 *   BBLOG_SO_MODE, from its log ID's bucket, from the listening socket that
 *   accepted it, or from the auto_ratio sysctl when it is created.
 *
 * Listening sockets
 *   BBLOG_SO_MODE and BBLOG_SO_ID set on a listening socket (or on a socket
 *   that then listens) are a template: every connection it accepts gets
 *   that mode and ID when the kernel creates it, before accept() returns it,
 *   so its records start at its creation (the handshake's last ACK), even if it is reset
 *   before accept() (BBLOG_DF_LISTENER in its dumps; auto_ratio does not
 *   apply to it).  The listener itself records nothing.  get returns the
 *   template; BBLOG_SO_ID_CNT counts, and BBLOG_SO_DUMPID dumps, the
 *   connections that carry the template's ID; BBLOG_SO_TAG gives ENOENT.
 *
 * Socket options (setsockopt/getsockopt on a TCP socket, level SOL_IP; on an
 * IPv6 socket SOL_IPV6 works too).  Errors common to all options:
 *   ENOPROTOOPT  the module is not loaded, or the option does not exist in
 *                that direction (get of a set-only option and vice versa)
 *   EOPNOTSUPP   not a TCP socket
 *   EINVAL       option value too short, or a value out of range
 *   EPERM        the caller acts on a connection other than its own socket
 *                without CAP_NET_ADMIN (BBLOG_SO_DUMPID reaches them)
 *   EBUSY        net.tcp_bblog.disable_all is set (set options only)
 *
 *   BBLOG_SO_MODE    int, set/get.  BBLOG_MODE_CLEAR..BBLOG_MODE_MAX.
 *                    EINVAL on an unknown mode.
 *   BBLOG_SO_ID      string, set/get.  At most BBLOG_ID_LEN - 1 bytes are
 *                    used, the rest is ignored (as FreeBSD).  "" takes the
 *                    connection out of its ID.  get returns the NUL-terminated ID ("" if none).
 *   BBLOG_SO_TAG     string, set.  Tag of the connection's ID (at most
 *                    BBLOG_TAG_LEN - 1 bytes).  ENOENT without an ID.
 *   BBLOG_SO_DUMP    string (reason, may be empty), set.  Queue this
 *                    connection's records to /dev/tcp_bblog.  ENOBUFS when
 *                    the export budget is exhausted (records are kept).
 *   BBLOG_SO_DUMPID  string (reason), set.  Dump every connection with this
 *                    connection's ID, open ones and those closed within
 *                    closed_retention_ms.  Without an ID, as BBLOG_SO_DUMP.
 *   BBLOG_SO_BUF     get.  Destructive read of the connection's records, as
 *                    whole struct bblog_record, oldest first; optlen returns
 *                    the bytes written.  A buffer shorter than one record
 *                    gives EINVAL.  A record is forgotten only once copied:
 *                    EFAULT before the first keeps them all; a fault later
 *                    returns the records copied so far.  Records logged
 *                    during the read stay in the ring, within its limit.
 *   BBLOG_SO_ID_CNT  get, __u32: number of connections sharing the ID
 *                    (open and retained closed ones); ENOENT without an ID.
 *   BBLOG_SO_LOG     struct bblog_user_event, set: an application event in
 *                    the connection's history (FreeBSD's TCP_USER_LOG), its
 *                    first 8 bytes (type, subtype) and up to
 *                    BBLOG_USER_DATA_LEN bytes of data; a BBLOG_EV_USER
 *                    record.  EINVAL if shorter than 8 bytes or longer than
 *                    the structure.  Returns 0 and records nothing when the
 *                    connection is not being logged.
 *
 * Device (/dev/tcp_bblog, read-only)
 *   open() needs CAP_NET_ADMIN over the caller's network namespace (EPERM).
 *   A reader opened in the initial network namespace with CAP_NET_ADMIN in
 *   the initial user namespace gets the dumps of every namespace; any other
 *   gets those of its network namespace and of the network namespaces owned
 *   by its user namespace or one below it (unless that is the initial one).
 *   Every open file is an independent reader of a byte stream of messages;
 *   each message starts with struct bblog_msg_hdr whose length includes the
 *   header.  read() returns as many whole messages as fit; when the next
 *   message does not fit an otherwise empty buffer, it returns as much of
 *   it as fits and the next read continues it, so any buffer size works
 *   (cat, dd).  A buffer of BBLOG_MSG_MAX bytes always gets whole messages.
 *   Readers must skip messages whose type they do not know.  O_NONBLOCK
 *   gives EAGAIN when nothing is queued, poll() reports POLLIN.
 *   Dumps wait for every open reader to read them, and for a first reader
 *   when none is open.  When the dumps queued hold more than
 *   net.tcp_bblog.export_limit records, the oldest not being read are
 *   dropped, each reader that had not read them gets a BBLOG_MSG_LOST in
 *   their place, and stat_lost_export counts their records.
 *
 * Byte order: host order everywhere except where a field says "network
 * order" (ports, addresses and the TCP header bytes).
 *
 * Compatibility: structures only grow at their end and the sizes travel in
 * the stream (bblog_msg_hdr.length, bblog_dump.header_size and record_size),
 * so a reader uses the first sizeof() bytes it knows of a larger header or
 * record, and zeroes what a smaller one lacks.  Flag bits
 * outside the *_ALL masks are reserved and must be ignored by readers.
 * BBLOG_VERSION says which fields a record has: version 1's are 256 bytes,
 * version 2's 288 (more of tcp_info's state); a reader takes both.
 */
#ifndef _UAPI_LINUX_TCP_BBLOG_H
#define _UAPI_LINUX_TCP_BBLOG_H

#include <linux/types.h>

/* Version of the record format: net.tcp_bblog.log_version, msg hdr version. */
#define BBLOG_VERSION		2

#define BBLOG_DEVICE		"/dev/tcp_bblog"

/* Logging modes (FreeBSD TCP_LOG_STATE_* numbers). */
#define BBLOG_MODE_CLEAR	(-1)	/* argument only: free records, then OFF */
#define BBLOG_MODE_OFF		0	/* not logging; records kept */
#define BBLOG_MODE_TAIL		1	/* ring: keep the newest session_limit */
#define BBLOG_MODE_HEAD		2	/* keep the first session_limit, then OFF */
#define BBLOG_MODE_HEAD_AUTO	3	/* as HEAD, dumped when full and at close */
#define BBLOG_MODE_CONTINUAL	4	/* dumped each time full, and at close */
#define BBLOG_MODE_TAIL_AUTO	5	/* as TAIL, dumped at close */
#define BBLOG_MODE_MAX		5

/*
 * net.tcp_bblog.unprivileged (set in the initial namespace): what a caller
 * without CAP_NET_ADMIN in the initial user namespace may do.  NONE:
 * nothing, every socket option needs it; SOCKETS (the default): the socket
 * options; NAMESPACES: also set the sysctls of a network namespace its own
 * user namespace owns.
 */
#define BBLOG_UNPRIV_NONE	0
#define BBLOG_UNPRIV_SOCKETS	1
#define BBLOG_UNPRIV_NAMESPACES	2

/* String sizes, including the terminating NUL. */
#define BBLOG_ID_LEN		64
#define BBLOG_TAG_LEN		32
#define BBLOG_REASON_LEN	32
#define BBLOG_CA_NAME_LEN	16
#define BBLOG_COMM_LEN		16	/* a command name, as TASK_COMM_LEN */

/*
 * Socket option numbers: a private range at level SOL_IP (and SOL_IPV6),
 * far above every range the kernel and netfilter users take.
 */
#define BBLOG_SO_BASE		0x54420000	/* "TB" */
#define BBLOG_SO_MODE		(BBLOG_SO_BASE + 0)
#define BBLOG_SO_ID		(BBLOG_SO_BASE + 1)
#define BBLOG_SO_TAG		(BBLOG_SO_BASE + 2)
#define BBLOG_SO_DUMP		(BBLOG_SO_BASE + 3)
#define BBLOG_SO_DUMPID		(BBLOG_SO_BASE + 4)
#define BBLOG_SO_BUF		(BBLOG_SO_BASE + 5)
#define BBLOG_SO_ID_CNT		(BBLOG_SO_BASE + 6)
#define BBLOG_SO_LOG		(BBLOG_SO_BASE + 7)
#define BBLOG_SO_END		(BBLOG_SO_BASE + 16)	/* end of the reserved range */

/* BBLOG_SO_LOG's value: the application's own numbers and bytes. */
#define BBLOG_USER_DATA_LEN	56
struct bblog_user_event {
	__u32 type;
	__u32 subtype;
	__u8  data[BBLOG_USER_DATA_LEN];	/* e.g. text, not NUL-terminated */
};

/*
 * Event ids (struct bblog_record.event).  Events FreeBSD has keep FreeBSD's
 * numbers; Linux-only events use 128 and up, which FreeBSD does not use.
 */
#define BBLOG_EV_IN		1	/* segment received, as it arrived (header in th) */
#define BBLOG_EV_OUT		2	/* segment sent (header in th) */
/*
 * the retransmission timer expired (FreeBSD's TCP_LOG_RTO): arg1 =
 * icsk_retransmits before it, arg2 = icsk_backoff; a SYN's too
 */
#define BBLOG_EV_RTO		3
#define BBLOG_EV_TIMER		BBLOG_EV_RTO	/* the name of version 1 */
/* a BBLOG_SO_* option was set: arg1 = option - BBLOG_SO_BASE, arg2 = value */
#define BBLOG_EV_SOCKOPT	40
/*
 * an application event (BBLOG_SO_LOG; FreeBSD's TCP_LOG_USER_EVENT):
 * arg1 = type, arg2 = subtype, th[0..payload_len) = its data
 * (BBLOG_RF_USER), th_len 0
 */
#define BBLOG_EV_USER		59
/*
 * end of the connection (last record): arg1 = BBLOG_END_*, arg2 = the last
 * socket error (positive errno, 0 if none)
 */
#define BBLOG_EV_CONNEND	54
#define BBLOG_EV_STATE		128	/* state change: arg1 = old, arg2 = new (Linux TCP_*) */
/* retransmitted: arg1 = seq, arg2 = length; follows the segment's OUT record */
#define BBLOG_EV_RETRANS	129
/*
 * a passive open reached ESTABLISHED after its SYN-ACK was retransmitted:
 * arg1 = SYN-ACK retransmissions (made by the request socket, before the
 * connection existed)
 */
#define BBLOG_EV_SYNACK_RETRANS	130
/*
 * Reset sent.  A reset the socket sends itself (abort, SO_LINGER 0, close
 * with unread data) is also an OUT record; one the kernel sends for it in
 * reply to a segment (from its control socket) has this record only.
 * arg1 = why, where the kernel says (6.10 and later; 6.12 also for the
 * resets a socket sends itself): 1 + the index of Linux's reason in
 * BBLOG_RST_REASON_NAMES, 0 if not known; arg2 = the kernel's own number
 * for it (enum sk_rst_reason, which differs between kernels).
 */
#define BBLOG_EV_RST_SENT	131
#define BBLOG_EV_RST_RECV	132	/* reset received */
#define BBLOG_EV_CA_STATE	133	/* congestion state: arg1 = old, arg2 = new (TCP_CA_*) */
#define BBLOG_EV_RCVBUF		134	/* rcvbuf tuned: arg1 = sk_rcvbuf, arg2 = rcv_ssthresh */
#define BBLOG_EV_BAD_CSUM	135	/* segment with a bad checksum */
#define BBLOG_EV_SK_ERROR	136	/* socket error reported: err = sk_err */
#define BBLOG_EV_TLP		137	/* tail loss probe timer expired */
/* zero-window probe (persist timer): arg1 = probes sent before this one */
#define BBLOG_EV_PROBE0		138
/* keepalive probe: arg1 = probes sent before this one */
#define BBLOG_EV_KEEPALIVE	139
/*
 * retransmission without a timer because the path MTU shrank (ICMP) or an
 * MTU probe failed: arg1 = the path MTU now (icsk_pmtu_cookie)
 */
#define BBLOG_EV_PMTU_RETRANS	140
/*
 * a segment of the connection the stack dropped (skb:kfree_skb, 6.0 and
 * later): arg1 = 1 + the index of Linux's reason in
 * BBLOG_DROP_REASON_NAMES (0 if not known), arg2 = the kernel's own number
 * for it (enum skb_drop_reason); the segment's header in th, its payload
 * length in payload_len.  An incoming segment was recorded (IN) before it
 * was dropped; an outgoing one may have been (OUT).
 */
#define BBLOG_EV_DROP		141

/*
 * Linux's reset reasons (enum sk_rst_reason, lower case, without
 * SK_RST_REASON_), in an order that never changes: new ones are appended.
 */
#define BBLOG_RST_REASON_NAMES \
	"not_specified,no_socket,tcp_invalid_ack_sequence,tcp_rfc7323_paws," \
	"tcp_too_old_ack,tcp_ack_unsent_data,tcp_flags,tcp_old_ack," \
	"tcp_abort_on_data,tcp_timewait_socket,invalid_syn," \
	"tcp_abort_on_close,tcp_abort_on_linger,tcp_abort_on_memory," \
	"tcp_state,tcp_keepalive_timeout,tcp_disconnect_with_data," \
	"mptcp_rst_eunspec,mptcp_rst_emptcp,mptcp_rst_eresource," \
	"mptcp_rst_eprohibit,mptcp_rst_ewq2big,mptcp_rst_ebadperf," \
	"mptcp_rst_emiddlebox,error"

/*
 * Linux's drop reasons (enum skb_drop_reason, lower case, without
 * SKB_DROP_REASON_), in an order that never changes: new ones are appended.
 */
#define BBLOG_DROP_REASON_NAMES \
	"not_specified,no_socket,pkt_too_small,tcp_csum,socket_filter," \
	"udp_csum,netfilter_drop,otherhost,ip_csum,ip_inhdr,ip_rpfilter," \
	"unicast_in_l2_multicast,xfrm_policy,ip_noproto,socket_rcvbuff," \
	"proto_mem,tcp_auth_hdr,tcp_md5notfound,tcp_md5unexpected," \
	"tcp_md5failure,tcp_aonotfound,tcp_aounexpected,tcp_aokeynotfound," \
	"tcp_aofailure,socket_backlog,tcp_flags,tcp_abort_on_data," \
	"tcp_zerowindow,tcp_old_data,tcp_overwindow,tcp_ofomerge," \
	"tcp_rfc7323_paws,tcp_old_sequence,tcp_invalid_sequence," \
	"tcp_invalid_ack_sequence,tcp_reset,tcp_invalid_syn,tcp_close," \
	"tcp_fastopen,tcp_old_ack,tcp_too_old_ack,tcp_ack_unsent_data," \
	"tcp_ofo_queue_prune,tcp_ofo_drop,ip_outnoroutes,bpf_cgroup_egress," \
	"ipv6disabled,neigh_createfail,neigh_failed,neigh_queuefull," \
	"neigh_dead,tc_egress,security_hook,qdisc_drop,cpu_backlog,xdp," \
	"tc_ingress,unhandled_proto,skb_csum,skb_gso_seg,skb_ucopy_fault," \
	"dev_hdr,dev_ready,full_ring,nomem,hdr_trunc,tap_filter," \
	"tap_txfilter,icmp_csum,invalid_proto,ip_inaddrerrors,ip_innoroutes," \
	"pkt_too_big,dup_frag,frag_reasm_timeout,frag_too_far,tcp_minttl," \
	"ipv6_bad_exthdr,ipv6_ndisc_frag,ipv6_ndisc_hop_limit," \
	"ipv6_ndisc_bad_code,ipv6_ndisc_bad_options,ipv6_ndisc_ns_otherhost," \
	"queue_purge,tc_cookie_error,packet_sock_error,tc_chain_notfound," \
	"tc_reclassify_loop,vxlan_invalid_hdr,vxlan_vni_not_found," \
	"mac_invalid_source,vxlan_entry_exists,no_tx_target,ip_tunnel_ecn," \
	"tunnel_txinfo,local_mac"

/* How a connection ended (BBLOG_EV_CONNEND arg1), the first that applies. */
#define BBLOG_END_OTHER		0	/* none below: e.g. closed before connecting */
#define BBLOG_END_RST_RECV	1	/* the peer reset it */
#define BBLOG_END_TIMEOUT	2	/* retransmission or SYN timeout */
#define BBLOG_END_RST_SENT	3	/* this end reset it, none of 8, 9 */
#define BBLOG_END_ERROR		4	/* another socket error (arg2) */
#define BBLOG_END_CLOSE_LOCAL	5	/* orderly close, this end sent its FIN first */
#define BBLOG_END_CLOSE_PEER	6	/* orderly close, the peer sent its FIN first */
#define BBLOG_END_KEEPALIVE	7	/* keepalive probes went unanswered */
#define BBLOG_END_ABORT_UNREAD	8	/* closed with data unread: reset sent */
#define BBLOG_END_ABORT_LINGER	9	/* closed with SO_LINGER 0: reset sent */
/*
 * closed by the kernel for want of resources: too many orphaned sockets
 * (net.ipv4.tcp_max_orphans) or TCP memory (tcp_mem), a reset sent if it
 * could (tcp_check_oom())
 */
#define BBLOG_END_ORPHAN_OOM	10
/*
 * a passive handshake whose last SYN found the listener's accept queue
 * full (dropped before any request socket existed), ended when its
 * listener closed or after 75 s
 */
#define BBLOG_END_LISTEN_OVERFLOW	11

/* struct bblog_record.flags */
#define BBLOG_RF_HDR		0x0001	/* th[0..th_len) holds the TCP header */
#define BBLOG_RF_SNAPSHOT	0x0002	/* the TCP state fields are valid */
#define BBLOG_RF_USER		0x0004	/* th[0..payload_len) holds user data */
#define BBLOG_RF_ALL		0x0007

/* struct bblog_record.tcp_flags: facts about the connection */
#define BBLOG_TF_NODELAY	0x0001
#define BBLOG_TF_SACK_OK	0x0002
#define BBLOG_TF_WSCALE_OK	0x0004
#define BBLOG_TF_TSTAMP_OK	0x0008
#define BBLOG_TF_FASTOPEN	0x0010
#define BBLOG_TF_ECN_OK		0x0020
#define BBLOG_TF_SENT_FIN	0x0040
#define BBLOG_TF_RCVD_FIN	0x0080
#define BBLOG_TF_ALL		0x00ff

/*
 * One event, 288 bytes (256 in version 1).  time_ns is CLOCK_BOOTTIME; the wall clock of a
 * record is bblog_dump.boot_offset_ns + time_ns.  sn counts every event the
 * connection tried to record, so a gap in sn is the number of events not
 * stored (head full, no memory, budget) or overwritten (ring).
 *
 * The TCP state fields (BBLOG_RF_SNAPSHOT) are tcp_sock's as the event
 * left them; those tcp_info(7) also reports carry its meaning: counters
 * count from the connection's start and never go back.  Sequence numbers
 * are absolute.  Version 2 added delivered_ce and dsack_dups (zero, then
 * "reserved", in version 1) and everything after pad.
 */
struct bblog_record {
	__u64 time_ns;		/*   0 */
	__u32 sn;		/*   8 serial number */
	__u32 jiffies;		/*  12 low 32 bits */
	__u8  event;		/*  16 BBLOG_EV_* */
	__u8  state;		/*  17 sk_state, Linux TCP_* numbering */
	__u8  ca_state;		/*  18 icsk_ca_state, TCP_CA_* */
	__u8  th_len;		/*  19 bytes valid in th[], 0 or 20..60 */
	__u16 flags;		/*  20 BBLOG_RF_* */
	__u8  snd_wscale;	/*  22 */
	__u8  rcv_wscale;	/*  23 */
	__s32 err;		/*  24 errno of the event, 0 if none */
	__u32 payload_len;	/*  28 TCP payload bytes of the segment */
	__u32 arg1;		/*  32 event specific, see BBLOG_EV_* */
	__u32 arg2;		/*  36 */
	__u32 snd_una;		/*  40 */
	__u32 snd_nxt;		/*  44 */
	__u32 write_seq;	/*  48 */
	__u32 high_seq;		/*  52 */
	__u32 rcv_nxt;		/*  56 */
	__u32 copied_seq;	/*  60 */
	__u32 rcv_wup;		/*  64 */
	__u32 snd_wnd;		/*  68 */
	__u32 rcv_wnd;		/*  72 */
	__u32 snd_cwnd;		/*  76 packets */
	__u32 snd_ssthresh;	/*  80 packets */
	__u32 mss_cache;	/*  84 */
	__u32 srtt_us;		/*  88 smoothed RTT << 3, as tcp_sock */
	__u32 mdev_us;		/*  92 RTT deviation << 2, as tcp_sock */
	__u32 rto_us;		/*  96 */
	__u32 min_rtt_us;	/* 100 */
	__u32 packets_out;	/* 104 */
	__u32 retrans_out;	/* 108 */
	__u32 lost_out;		/* 112 */
	__u32 sacked_out;	/* 116 */
	__u32 total_retrans;	/* 120 */
	__u32 reordering;	/* 124 */
	__u32 rmem_alloc;	/* 128 bytes */
	__u32 wmem_queued;	/* 132 bytes */
	__u32 rcvbuf;		/* 136 sk_rcvbuf */
	__u32 sndbuf;		/* 140 sk_sndbuf */
	__u32 delivered;	/* 144 packets delivered */
	__u32 tcp_flags;	/* 148 BBLOG_TF_* */
	__u64 pacing_rate;	/* 152 bytes per second */
	__u64 bytes_acked;	/* 160 */
	__u64 bytes_received;	/* 168 */
	__u32 rcv_ssthresh;	/* 176 */
	__u32 window_clamp;	/* 180 */
	__u32 delivered_ce;	/* 184 packets delivered with ECN CE marks */
	__u32 dsack_dups;	/* 188 DSACK blocks received (spurious retransmissions) */
	__u8  th[60];		/* 192 TCP header and options, network order */
	__u8  pad[4];		/* 252 zero */
	__u64 bytes_retrans;	/* 256 bytes retransmitted */
	__u64 bytes_sent;	/* 264 bytes sent, retransmissions included */
	__u32 reord_seen;	/* 272 reorderings detected */
	/*
	 * 276: ms with data in flight (tcpi_busy_time), of which the next two
	 * were limited by the peer's receive window and by the send buffer
	 */
	__u32 busy_ms;
	__u32 rwnd_limited_ms;	/* 280 */
	__u32 sndbuf_limited_ms;	/* 284 */
};				/* 288 */

/* Bytes of a record in version 1 streams (bblog_dump.record_size). */
#define BBLOG_RECORD_V1_SIZE	256

/* Common header of every message read from the device (16 bytes). */
struct bblog_msg_hdr {
	__u32 version;		/* BBLOG_VERSION */
	__u32 type;		/* BBLOG_MSG_* */
	__u64 length;		/* bytes of the message, this header included */
};

#define BBLOG_MSG_DUMP		1	/* struct bblog_dump + records */
#define BBLOG_MSG_LOST		2	/* struct bblog_lost */

/*
 * In place of dumps dropped unread from the export queue (net.tcp_bblog.
 * export_limit): how many, with how many records.  Consecutive drops that
 * every reader would have read in a row are counted in one message.
 */
struct bblog_lost {
	struct bblog_msg_hdr hdr;	/*  0 type BBLOG_MSG_LOST */
	__u64 dumps;			/* 16 dumps dropped */
	__u64 records;			/* 24 records they held */
};					/* 32 */

/*
 * Who owns the connection (struct bblog_dump.owner_*, BBLOG_A_OWNER_*): the
 * process (thread group id in the initial pid namespace, in dumps; in the
 * caller's pid namespace, 0 if not visible there, in BBLOG_CMD_GET_CONN)
 * and command name of the process that connected it or accepted it, the
 * latest to do so.  Best effort: BBLOG_OWNER_NONE when neither happened
 * while the module was loaded (a connection made before it was loaded, a
 * passive connection dumped before accept()), or when more than 256
 * blocking accept() calls wait at once.
 */
#define BBLOG_OWNER_NONE	0	/* unknown: pid 0, comm "" */
#define BBLOG_OWNER_CONNECT	1	/* called connect() (or sendto() with Fast Open) */
#define BBLOG_OWNER_ACCEPT	2	/* accept() returned it */
#define BBLOG_OWNER_MAX		2

/* struct bblog_dump.flags */
#define BBLOG_DF_ENDED		0x0001	/* the connection has ended */
#define BBLOG_DF_IPV6		0x0002	/* IPv6 addresses (else IPv4, first 4 bytes) */
/* the mode came from auto_ratio (the connection's or its ID's selection) */
#define BBLOG_DF_AUTO		0x0004
/* the mode and ID came from the listening socket that accepted it */
#define BBLOG_DF_LISTENER	0x0008
#define BBLOG_DF_ALL		0x000f

/*
 * One dump of one connection: this header, then nrecords records of
 * record_size bytes (sizeof(struct bblog_record) for this version), oldest
 * first.  A connection dumped in several parts (continual mode) has
 * increasing seq values.  A handshake dumped by itself has its request
 * socket's cookie, or, if its SYN never made one (BBLOG_END_LISTEN_OVERFLOW),
 * a cookie of the module's with bit 63 set, unique until reboot.
 */
struct bblog_dump {
	struct bblog_msg_hdr hdr;	/*   0 type BBLOG_MSG_DUMP */
	__u64 cookie;			/*  16 socket cookie (SO_COOKIE) */
	__u64 boot_offset_ns;		/*  24 CLOCK_REALTIME - CLOCK_BOOTTIME at dump */
	__u64 lost_nomem;		/*  32 events not stored for lack of memory/budget */
	__u64 lost_limit;		/*  40 events not stored: head full, mode off after limit */
	__u64 overwritten;		/*  48 records recycled by the ring */
	__u64 lost_export;		/*  56 0: dropped dumps are BBLOG_MSG_LOST */
	__u32 netns;			/*  64 inode number of the network namespace */
	__u32 nrecords;			/*  68 */
	__u32 record_size;		/*  72 */
	__u32 seq;			/*  76 dump number of this connection, from 0 */
	__u16 family;			/*  80 AF_INET (2) or AF_INET6 (10) */
	__u16 flags;			/*  82 BBLOG_DF_* */
	__u16 lport;			/*  84 network order */
	__u16 fport;			/*  86 network order */
	__u8  laddr[16];		/*  88 network order */
	__u8  faddr[16];		/* 104 network order */
	__u8  mode;			/* 120 BBLOG_MODE_* when dumped */
	__u8  state;			/* 121 sk_state when dumped */
	/*
	 * 122: bytes of this header: the records start there.  0 in streams
	 * of modules that wrote the first 272 bytes only (no owner fields).
	 */
	__u16 header_size;
	__u32 uid;			/* 124 socket owner uid in the init user namespace */
	char  ca_name[BBLOG_CA_NAME_LEN];	/* 128 congestion control */
	char  id[BBLOG_ID_LEN];		/* 144 log ID, "" if none */
	char  tag[BBLOG_TAG_LEN];	/* 208 */
	char  reason[BBLOG_REASON_LEN];	/* 240 */
	__u64 cgroup;			/* 272 cgroup v2 id of the socket, 0 unknown */
	__u32 owner_pid;		/* 280 see BBLOG_OWNER_*; 0 unknown */
	__u8  owner_how;		/* 284 BBLOG_OWNER_* */
	__u8  pad2[3];			/* 285 zero */
	char  owner_comm[BBLOG_COMM_LEN];	/* 288 its command name */
};					/* 304 */

/* Bytes of the dump header in streams whose header_size is 0. */
#define BBLOG_DUMP_V1_SIZE	272

/* Upper bound of one message: a dump of session_limit's maximum. */
#define BBLOG_SESSION_LIMIT_MAX	100000
#define BBLOG_MSG_MAX		(sizeof(struct bblog_dump) + \
				 (__u64)BBLOG_SESSION_LIMIT_MAX * sizeof(struct bblog_record))

/*
 * pcapng output (written by bblog, read by Wireshark's bblog dissector).
 * Records become FreeBSD BBLog v9 records; the Linux-only values travel in
 * the 104-byte stack-specific area (record offset 160) with this layout,
 * little-endian, under the stack name "linux" (stack id BBLOG_PCAP_STACK_ID).
 */
#define BBLOG_PCAP_STACK_ID	1
#define BBLOG_PCAP_STACK_NAME	"linux"

struct bblog_pcap_stackinfo {
	__u32 snd_cwnd;		/*   0 packets */
	__u32 snd_ssthresh;	/*   4 packets */
	__u32 mss_cache;	/*   8 */
	__u32 packets_out;	/*  12 */
	__u32 retrans_out;	/*  16 */
	__u32 lost_out;		/*  20 */
	__u32 sacked_out;	/*  24 */
	__u32 total_retrans;	/*  28 */
	__u32 rto_us;		/*  32 */
	__u32 min_rtt_us;	/*  36 */
	__u32 delivered;	/*  40 */
	__u32 reordering;	/*  44 */
	__u64 pacing_rate;	/*  48 bytes per second */
	__u64 bytes_acked;	/*  56 */
	__u64 bytes_received;	/*  64 */
	__u32 write_seq;	/*  72 */
	__u32 copied_seq;	/*  76 */
	__u32 rcv_ssthresh;	/*  80 */
	__u32 window_clamp;	/*  84 */
	__u8  event;		/*  88 BBLOG_EV_* as recorded */
	__u8  state;		/*  89 Linux TCP_* state */
	__u8  ca_state;		/*  90 TCP_CA_* */
	__u8  linux_errno;	/*  91 the event's errno, Linux's number; 0: none */
	__u32 tcp_flags;	/*  92 BBLOG_TF_* */
	__u32 rmem_alloc;	/*  96 */
	__u32 wmem_queued;	/* 100 */
};				/* 104 */

/*
 * Generic netlink control plane: family BBLOG_GENL_NAME, version
 * BBLOG_GENL_VERSION.  Every request acts in the network namespace of the
 * netlink socket it comes on.  Attributes are validated strictly (unknown
 * attributes, wrong lengths and out-of-range values are refused with EINVAL
 * and an extack message naming the attribute); nothing is changed by a
 * request that is refused.
 *
 *   BBLOG_CMD_GET_STATUS  do.  Reply: BBLOG_A_SETTINGS (the namespace's
 *                         settings and the host-wide limits, as the
 *                         sysctls) and BBLOG_A_STATS (the counters as the
 *                         namespace's stat_* sysctls read).  Anyone.
 *   BBLOG_CMD_GET_CONN    dump.  One message per logged connection of the
 *                         namespace (open ones; closed ones kept for dumps
 *                         by ID with BBLOG_CF_CLOSED): BBLOG_A_COOKIE,
 *                         BBLOG_A_FAMILY, addresses and ports, BBLOG_A_STATE,
 *                         BBLOG_A_MODE, BBLOG_A_ID, BBLOG_A_TAG, BBLOG_A_UID,
 *                         BBLOG_A_RECORDS, BBLOG_A_LOST_NOMEM,
 *                         BBLOG_A_LOST_LIMIT, BBLOG_A_OVERWRITTEN,
 *                         BBLOG_A_CONN_FLAGS, BBLOG_A_OWNER_HOW; when
 *                         known, BBLOG_A_RULE_HANDLE, BBLOG_A_CGROUP,
 *                         BBLOG_A_OWNER_PID and BBLOG_A_OWNER_COMM.
 *                         Optional filter in the
 *                         request: BBLOG_A_COOKIE, BBLOG_A_ID.  Without
 *                         CAP_NET_ADMIN over the namespace a caller sees
 *                         only the connections of sockets it owns (uid),
 *                         as ss(8) shows every socket's tuple but not its
 *                         logging.
 *   BBLOG_CMD_SET_CONN    do, CAP_NET_ADMIN over the namespace.  The
 *                         connection BBLOG_A_COOKIE (ENOENT if no TCP
 *                         socket of the namespace has it, logged or not;
 *                         listening sockets are not found)
 *                         gets BBLOG_A_MODE and/or BBLOG_A_ID (then
 *                         BBLOG_A_TAG), as the socket options would set
 *                         them.
 *   BBLOG_CMD_DUMP        do, CAP_NET_ADMIN over the namespace.  Dump the
 *                         logged connection BBLOG_A_COOKIE, or every
 *                         connection of the log ID BBLOG_A_ID (open and
 *                         retained), with BBLOG_A_REASON.  ENOENT if none.
 *
 * SET_CONN and DUMP take a filter, BBLOG_A_MATCH, instead of a cookie or
 * an ID: they then act on every TCP connection of the namespace that
 * matches it (DUMP: every logged one), and reply BBLOG_A_COUNT, how many
 * they changed or dumped (ENOENT if none matched).  BBLOG_MATCH_A_DIR is
 * known for new connections only: a filter with it is refused.  GET_CONN
 * takes a filter too.
 *
 *   BBLOG_CMD_RULE_ADD    do, CAP_NET_ADMIN over the namespace.  Add the
 *                         rule BBLOG_A_RULE; reply: BBLOG_A_RULE with
 *                         its BBLOG_RULE_A_HANDLE.  ENOSPC past
 *                         BBLOG_RULES_MAX rules, ERANGE for a position
 *                         past the end.
 *   BBLOG_CMD_RULE_DEL    do, CAP_NET_ADMIN.  Delete the rule whose
 *                         BBLOG_RULE_A_HANDLE is given (in BBLOG_A_RULE);
 *                         ENOENT if none.
 *   BBLOG_CMD_RULE_GET    dump.  The rules of the namespace, in the order
 *                         they are tried.  Anyone (as the sysctls).
 *   BBLOG_CMD_RULE_FLUSH  do, CAP_NET_ADMIN.  Delete every rule.
 *
 * Selection rules.  Each new connection of the namespace (an active open
 * when it sends its SYN; a passive child at the handshake's last ACK, when
 * its peer is known, its creation recorded then; once, never per segment)
 * that does not take a mode from its listener is tried against the rules
 * in order (a Fast Open child a rule selects has its SYN, but not its
 * SYN-ACK nor that ACK).  The first that matches decides:
 * BBLOG_RULE_A_MODE (OFF: not logged), its log ID, record limit and
 * triggers (added to the namespace's), if the sampling keeps it.  A
 * connection no rule matches falls to the auto_* sysctls.  A rule's
 * BBLOG_RULE_A_ID is a template: {sport}, {dport}, {src} and {dst} stand for
 * the connection's local and remote port and address.  Sampling by count
 * keeps every BBLOG_RULE_A_RATIO-th connection the rule matches; by ID it
 * keeps the IDs whose 32-bit FNV-1a hash is a multiple of the ratio, so
 * that every host, and every connection of one ID, decides alike.  The
 * local port of an active open is known only if it was bound before
 * connect().
 */
#define BBLOG_GENL_NAME		"tcp_bblog"
#define BBLOG_GENL_VERSION	1

#define BBLOG_CMD_UNSPEC	0
#define BBLOG_CMD_GET_STATUS	1
#define BBLOG_CMD_GET_CONN	2
#define BBLOG_CMD_SET_CONN	3
#define BBLOG_CMD_DUMP		4
#define BBLOG_CMD_RULE_ADD	5
#define BBLOG_CMD_RULE_DEL	6
#define BBLOG_CMD_RULE_GET	7
#define BBLOG_CMD_RULE_FLUSH	8
#define BBLOG_CMD_MAX		8

/* Attributes of the commands.  Strings are NUL-terminated. */
#define BBLOG_A_UNSPEC		0
#define BBLOG_A_PAD		1	/* alignment of 64-bit attributes */
#define BBLOG_A_COOKIE		2	/* u64: socket cookie (SO_COOKIE) */
#define BBLOG_A_FAMILY		3	/* u16: AF_INET or AF_INET6 */
#define BBLOG_A_LADDR		4	/* binary, 4 or 16 bytes, network order */
#define BBLOG_A_FADDR		5	/* binary, 4 or 16 bytes, network order */
#define BBLOG_A_LPORT		6	/* u16, host order */
#define BBLOG_A_FPORT		7	/* u16, host order */
#define BBLOG_A_STATE		8	/* u8: Linux TCP_* state */
#define BBLOG_A_MODE		9	/* s32: BBLOG_MODE_CLEAR..BBLOG_MODE_MAX */
#define BBLOG_A_ID		10	/* string, < BBLOG_ID_LEN bytes */
#define BBLOG_A_TAG		11	/* string, < BBLOG_TAG_LEN bytes */
#define BBLOG_A_REASON		12	/* string, < BBLOG_REASON_LEN bytes */
#define BBLOG_A_UID		13	/* u32: socket owner, initial user namespace */
#define BBLOG_A_RECORDS		14	/* u32: records held now */
#define BBLOG_A_LOST_NOMEM	15	/* u64 */
#define BBLOG_A_LOST_LIMIT	16	/* u64 */
#define BBLOG_A_OVERWRITTEN	17	/* u64 */
#define BBLOG_A_CONN_FLAGS	18	/* u32: BBLOG_CF_* */
#define BBLOG_A_SETTINGS	19	/* nested: BBLOG_SET_A_* */
#define BBLOG_A_STATS		20	/* nested: BBLOG_STAT_A_*, each u64 */
#define BBLOG_A_MATCH		21	/* nested: BBLOG_MATCH_A_*, a filter */
#define BBLOG_A_RULE		22	/* nested: BBLOG_RULE_A_* */
#define BBLOG_A_COUNT		23	/* u32: connections a filter acted on */
#define BBLOG_A_RULE_HANDLE	24	/* u32: the rule that selected it */
#define BBLOG_A_CGROUP		25	/* u64: the socket's cgroup v2 id */
#define BBLOG_A_OWNER_PID	26	/* u32: see BBLOG_OWNER_* */
#define BBLOG_A_OWNER_COMM	27	/* string, < BBLOG_COMM_LEN bytes */
#define BBLOG_A_OWNER_HOW	28	/* u8: BBLOG_OWNER_* */
#define BBLOG_A_MAX		28

/* BBLOG_A_CONN_FLAGS */
#define BBLOG_CF_AUTO		0x0001	/* selected by auto_ratio */
#define BBLOG_CF_PASSIVE	0x0002	/* a passive (accepted) connection */
#define BBLOG_CF_LISTENER	0x0004	/* mode and ID from its listener */
#define BBLOG_CF_TEMPLATE	0x0008	/* a listening socket's template */
#define BBLOG_CF_CLOSED		0x0010	/* closed, kept for dumps by ID */
#define BBLOG_CF_RULE		0x0020	/* selected by a rule */
#define BBLOG_CF_ALL		0x003f

/*
 * BBLOG_A_MATCH, and the match of a rule: every attribute given must
 * match.  An address comes with its prefix length (all bits if absent)
 * and implies its family (4 bytes AF_INET, 16 AF_INET6); IPv4-mapped
 * IPv6 connections match as IPv4.  A port range without its _MAX is one
 * port.  A cgroup is given by its id, the inode number of its cgroup2
 * directory.  A uid is read in the caller's user namespace.
 */
#define BBLOG_MATCH_A_UNSPEC	0
#define BBLOG_MATCH_A_PAD	1
#define BBLOG_MATCH_A_FAMILY	2	/* u16: AF_INET or AF_INET6 */
#define BBLOG_MATCH_A_DIR	3	/* u8: BBLOG_DIR_* */
#define BBLOG_MATCH_A_LPORT_MIN	4	/* u16, host order: local port */
#define BBLOG_MATCH_A_LPORT_MAX	5	/* u16 */
#define BBLOG_MATCH_A_FPORT_MIN	6	/* u16: remote port */
#define BBLOG_MATCH_A_FPORT_MAX	7	/* u16 */
#define BBLOG_MATCH_A_LADDR	8	/* binary, 4 or 16 bytes, network order */
#define BBLOG_MATCH_A_LPREFIX	9	/* u8: bits of LADDR that must match */
#define BBLOG_MATCH_A_FADDR	10	/* binary: remote address */
#define BBLOG_MATCH_A_FPREFIX	11	/* u8 */
#define BBLOG_MATCH_A_CGROUP	12	/* u64: cgroup v2 id, or a descendant */
#define BBLOG_MATCH_A_UID	13	/* u32: owner, in the caller's user ns */
#define BBLOG_MATCH_A_MAX	13

#define BBLOG_DIR_ACTIVE	1	/* connect() */
#define BBLOG_DIR_PASSIVE	2	/* accepted */

/* BBLOG_A_RULE */
#define BBLOG_RULE_A_UNSPEC	0
#define BBLOG_RULE_A_PAD	1
#define BBLOG_RULE_A_HANDLE	2	/* u32: given by the kernel, never 0 */
#define BBLOG_RULE_A_POS	3	/* u32: insert as N-th (1 first); or last */
#define BBLOG_RULE_A_MATCH	4	/* nested: BBLOG_MATCH_A_*; absent: all */
#define BBLOG_RULE_A_MODE	5	/* s32: OFF..BBLOG_MODE_MAX, required */
#define BBLOG_RULE_A_ID		6	/* string: the log ID template */
#define BBLOG_RULE_A_LIMIT	7	/* u32: records per conn; 0: session_limit */
#define BBLOG_RULE_A_RATIO	8	/* u32: keep 1 in N; 0 or 1: all */
#define BBLOG_RULE_A_SAMPLE	9	/* u8: BBLOG_SAMPLE_*; BY_ID needs an ID */
#define BBLOG_RULE_A_TRIGGERS	10	/* string, as net.tcp_bblog.triggers */
#define BBLOG_RULE_A_HITS	11	/* u64, read: connections it matched */
#define BBLOG_RULE_A_SELECTED	12	/* u64, read: and it logged */
#define BBLOG_RULE_A_MAX	12

#define BBLOG_SAMPLE_COUNT	0	/* every RATIO-th connection */
#define BBLOG_SAMPLE_BY_ID	1	/* by the hash of the log ID */

#define BBLOG_RULES_MAX		1024	/* per network namespace */

/* BBLOG_A_SETTINGS: the sysctls of the same names, u32 unless said. */
#define BBLOG_SET_A_UNSPEC		0
#define BBLOG_SET_A_PAD			1
#define BBLOG_SET_A_AUTO_RATIO		2
#define BBLOG_SET_A_AUTO_MODE		3
#define BBLOG_SET_A_AUTO_ALL		4
#define BBLOG_SET_A_SESSION_LIMIT	5
#define BBLOG_SET_A_DISABLE_ALL		6
#define BBLOG_SET_A_CLOSED_RETENTION_MS	7
#define BBLOG_SET_A_TRIGGERS		8	/* string */
#define BBLOG_SET_A_TRIGGER_RATE	9
#define BBLOG_SET_A_GLOBAL_LIMIT	10	/* u64 */
#define BBLOG_SET_A_EXPORT_LIMIT	11	/* u64 */
#define BBLOG_SET_A_NS_SHARE		12
#define BBLOG_SET_A_UNPRIV_SHARE	13
#define BBLOG_SET_A_UNPRIVILEGED	14
#define BBLOG_SET_A_LOG_VERSION		15
#define BBLOG_SET_A_MAX			15

/*
 * BBLOG_A_STATS: the stat_* sysctls, in this order from
 * BBLOG_STAT_A_RECORDS; attribute BBLOG_STAT_A_RECORDS + i is the i-th
 * name of BBLOG_STAT_NAMES (comma-separated), so a reader can print them
 * all without knowing each.
 */
#define BBLOG_STAT_A_UNSPEC	0
#define BBLOG_STAT_A_PAD	1
#define BBLOG_STAT_A_RECORDS	2
#define BBLOG_STAT_NAMES \
	"records,lost_nomem,lost_limit,overwritten,purged,freed_undumped," \
	"dumps,dump_records,dump_failed,delivered,conns,auto_selected," \
	"triggered,trigger_limited,unkeyed,export_dropped,lost_export," \
	"buf_records,discarded,conns_active,budget_used,budget_unpriv_used," \
	"dumps_queued,dump_records_queued,kprobe_missed,handshakes," \
	"handshakes_unkept,handshakes_unclaimed,handshakes_failed,hooks_armed"

#endif /* _UAPI_LINUX_TCP_BBLOG_H */
