/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcapng writer for the BBLog layout that Wireshark's bblog dissector reads
 * (FreeBSD tcp_log_buffer v9 records, Netflix custom blocks and options),
 * built from tcp_bblog dumps, plus the pluggable output back ends.
 */
#ifndef BBLOG_PCAPNG_H
#define BBLOG_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/tcp_bblog.h>

#include "stream.h"

/* pcapng and Netflix codes */
#define PCAPNG_SHB		0x0A0D0D0Au
#define PCAPNG_IDB		0x00000001u
#define PCAPNG_EPB		0x00000006u
#define PCAPNG_CB		0x00000BADu
#define PCAPNG_BOM		0x1A2B3C4Du
#define PCAPNG_OPT_END		0
#define PCAPNG_OPT_COMMENT	1
#define PCAPNG_SHB_USERAPPL	4
#define PCAPNG_IF_NAME		2
#define PCAPNG_IF_DESCRIPTION	3
#define PCAPNG_EPB_FLAGS	2
#define PCAPNG_OPT_CUSTOM_BIN	2989
#define PCAPNG_LINKTYPE_NULL	0
#define BBLOG_PEN_NFLX		10949u
#define BBLOG_SNAPLEN		104

#define NFLX_OPT_VERSION	1
#define NFLX_OPT_TCPINFO	2
#define NFLX_OPT_DUMPINFO	4
#define NFLX_OPT_DUMPTIME	5
#define NFLX_OPT_STACKNAME	6
#define NFLX_EVENT_BLOCK	1
#define NFLX_SKIPPED_BLOCK	2

/* FreeBSD BBLog format */
#define FBSD_LOG_VERSION	9
#define FBSD_HEADER_LEN		208
#define FBSD_RECORD_LEN		328
#define FBSD_TCPINFO_LEN	268	/* offsetof(struct tcp_log_buffer, tlb_th) */
#define FBSD_AF_INET		2
#define FBSD_AF_INET6		28

/* tlb_eventflags */
#define FBSD_TLB_RXBUF		0x0001
#define FBSD_TLB_TXBUF		0x0002
#define FBSD_TLB_HDR		0x0004
#define FBSD_TLB_STACKINFO	0x0010

/* t_flags / t_flags2 bits */
#define FBSD_TF_NODELAY		0x00000004u
#define FBSD_TF_SENTFIN		0x00000010u
#define FBSD_TF_REQ_SCALE	0x00000020u
#define FBSD_TF_RCVD_SCALE	0x00000040u
#define FBSD_TF_REQ_TSTMP	0x00000080u
#define FBSD_TF_RCVD_TSTMP	0x00000100u
#define FBSD_TF_SACK_PERMIT	0x00000200u
#define FBSD_TF_FASTRECOVERY	0x00100000u
#define FBSD_TF_CONGRECOVERY	0x20000000u
#define FBSD_TF_FASTOPEN	0x80000000u
#define FBSD_TF2_ECN_PERMIT	0x00000020u

/* FreeBSD record offsets used by the writer, the reader and the tests */
enum fbsd_off {
	TLB_TV_SEC = 0, TLB_TV_USEC = 8, TLB_TICKS = 16, TLB_SN = 20,
	TLB_STACKID = 24, TLB_EVENTID = 25, TLB_EVENTFLAGS = 26, TLB_ERRNO = 28,
	TLB_RXB_ACC = 32, TLB_RXB_CCC = 36, TLB_TXB_ACC = 44, TLB_TXB_CCC = 48,
	TLB_STATE = 56, TLB_FLAGS = 68, TLB_SND_UNA = 72, TLB_SND_MAX = 76,
	TLB_SND_CWND = 80, TLB_SND_NXT = 84, TLB_SND_RECOVER = 88,
	TLB_SND_WND = 92, TLB_SND_SSTHRESH = 96, TLB_SRTT = 100,
	TLB_RTTVAR = 104, TLB_RCV_UP = 108, TLB_RCV_ADV = 112, TLB_FLAGS2 = 116,
	TLB_RCV_NXT = 120, TLB_RCV_WND = 124, TLB_DUPACKS = 128,
	TLB_SEGQLEN = 132, TLB_NUMHOLES = 136, TLB_FLEX1 = 140, TLB_FLEX2 = 144,
	TLB_SHIFTS = 156, TLB_STACKINFO = 160, TLB_LEN = 264, TLB_TH = 268,
};

/* ---- output back ends ---- */
/*
 * What was written since the last commit is one unit: commit makes it whole
 * in the file (buffers written out, the xz stream finished), rollback takes
 * it back out (buffers dropped, the file truncated to its size at the last
 * commit).  A rollback that could not truncate is retried by the next
 * write, commit or rollback, so a failed unit never stays in the file.
 * After a failed write only rollback (or close) makes sense.
 */
struct bblog_out {
	int (*write)(struct bblog_out *o, const void *p, size_t n);
	/* NULL, or room for n bytes to write in place, kept by wrote() */
	unsigned char *(*reserve)(struct bblog_out *o, size_t n);
	void (*wrote)(struct bblog_out *o, size_t n);
	int (*commit)(struct bblog_out *o);	/* NULL: nothing to do */
	int (*rollback)(struct bblog_out *o);	/* NULL: not possible */
	int (*close)(struct bblog_out *o);	/* flush, release, free o */
	int (*park)(struct bblog_out *o);	/* NULL: not possible */
	int (*unpark)(struct bblog_out *o, int fd);
	uint64_t bytes;				/* bytes given to write() */
	uint64_t committed;			/* bytes at the last commit */
	uint64_t file_bytes;			/* the file's bytes then */
	int fd;					/* the file, -1 if none (parked) */
};

struct bblog_out *bblog_out_fd(int fd);		/* plain file; owns fd */
/*
 * xz (liblzma preset 0, CRC64); owns fd.  Each commit ends an xz stream
 * and the next write starts another: the file is a concatenation of
 * streams, which xz -d, xzcat and liblzma (LZMA_CONCATENATED) read as one.
 */
struct bblog_out *bblog_out_xz(int fd);
struct bblog_out *bblog_out_mem(void);		/* memory, for tests */
const unsigned char *bblog_out_mem_data(struct bblog_out *o, size_t *len);
int bblog_out_write(struct bblog_out *o, const void *p, size_t n);
/*
 * Room for at most n bytes written in place (NULL: none, use
 * bblog_out_write()); bblog_out_wrote() keeps the first n of them.
 */
unsigned char *bblog_out_reserve(struct bblog_out *o, size_t n);
void bblog_out_wrote(struct bblog_out *o, size_t n);
int bblog_out_commit(struct bblog_out *o);	/* 0 or -1 (errno) */
int bblog_out_rollback(struct bblog_out *o);	/* 0 or -1 (errno) */
int bblog_out_close(struct bblog_out *o);	/* 0 or -1 (errno) */
/*
 * Between commits a file back end holds no buffer, and can give its
 * descriptor up: park closes it (0, or -1 with EBUSY when a failure or a
 * truncation is pending, EOPNOTSUPP for memory), unpark takes a new one on
 * the same file (opened read-write) and goes on where the last commit
 * ended.  Many files open at once cost a descriptor each, or nothing parked.
 */
int bblog_out_park(struct bblog_out *o);
int bblog_out_unpark(struct bblog_out *o, int fd);

/* ---- mapping tcp_bblog -> FreeBSD BBLog ---- */
/* FreeBSD TCPS_* number of a Linux TCP_* state (CLOSED 0 if unknown). */
int bblog_fbsd_state(unsigned linux_state);
/* Wall-clock microseconds of a record. */
uint64_t bblog_record_wall_us(const struct bblog_dump *d,
			      const struct bblog_record *r);
/* The 208-byte FreeBSD tcp_log_header of a dump. */
void bblog_fbsd_header(const struct bblog_dump *d, uint64_t body_len,
		       unsigned char out[FBSD_HEADER_LEN]);
/*
 * A record in words, the comment of its block (comment.c): the event's
 * name and values, or for a packet the Linux state Wireshark cannot show.
 * Returns its length, 0 for none.
 */
#define BBLOG_COMMENT_MAX	320
size_t bblog_record_comment(const struct bblog_dump *d, const struct bblog_record *r,
			    char *buf, size_t len);

/* An application event (BBLOG_EV_USER) in words; returns its length. */
size_t bblog_user_event_text(const struct bblog_record *r, char *buf, size_t len);

/* The 328-byte FreeBSD tcp_log_buffer v9 of a record (little-endian). */
void bblog_fbsd_record(const struct bblog_dump *d, const struct bblog_record *r,
		       unsigned char out[FBSD_RECORD_LEN]);
/*
 * A received segment (IN, RST_RECV, BAD_CSUM): source address = foreign,
 * epb_flags inbound.  Every other header is an outgoing segment.
 */
int bblog_record_inbound(const struct bblog_record *r);
/* Length of the usable TCP header of a record, 0 if it has none. */
unsigned bblog_record_th_len(const struct bblog_record *r);

/* ---- the writer ---- */
/* The writer's counters, as they were at the last commit. */
struct bblog_pcapng_mark {
	int have_sn;
	uint32_t last_sn;
	uint64_t records, packets, lost, first_us, last_us;
	int connend;
};

struct bblog_pcapng {
	struct bblog_out *out;
	struct bblog_dump first;	/* header of the dump that opened the file */
	int have_sn;
	uint32_t last_sn;
	uint64_t records;		/* records written (EPB + event CB) */
	uint64_t packets;		/* EPBs */
	uint64_t lost;			/* events counted in skipped blocks */
	uint64_t first_us, last_us;	/* wall time of the first/last record */
	int connend;			/* a BBLOG_EV_CONNEND record was written */
	int failed;			/* a write failed (errno saved in err) */
	int err;
	struct bblog_pcapng_mark mark;	/* at the last commit */
};

/*
 * Start a file: SHB and IDB.  dumptime = Unix time of processing; appl is
 * the shb_userappl text (NULL: none); cgpath the path of d->cgroup (NULL:
 * not known).  The SHB comment, which Wireshark shows in the capture file
 * properties, names the connection, its ID, owner and cgroup.
 */
int bblog_pcapng_open(struct bblog_pcapng *w, struct bblog_out *out,
		      const struct bblog_dump *d, int64_t dumptime,
		      const char *appl, const char *cgpath);
/* Write one record (EPB or event CB, preceded by a skipped CB on a gap). */
int bblog_pcapng_record(struct bblog_pcapng *w, const struct bblog_dump *d,
			const struct bblog_record *r);
/* Write every record of a DUMP message. */
int bblog_pcapng_dump(struct bblog_pcapng *w, const struct bblog_msg *m);
/* Write a skipped block. */
int bblog_pcapng_skipped(struct bblog_pcapng *w, uint32_t count);
/*
 * Make everything written since the last commit (or the open) whole in the
 * output: 0, or -1 (errno).  bblog record commits after each dump.
 */
int bblog_pcapng_commit(struct bblog_pcapng *w);
/*
 * Take back what was written since the last commit: the output shrinks to
 * its committed size and the counters (records, serial numbers...) return
 * to their values then.  0, or -1 (errno) when the output could not be
 * truncated yet (it retries on its next use).  Clears a failure.
 */
int bblog_pcapng_rollback(struct bblog_pcapng *w);
/* Close the output; 0 or -1. */
int bblog_pcapng_close(struct bblog_pcapng *w);

/* ---- names ---- */
const char *bblog_event_name(unsigned ev);	/* NULL if unknown */
const char *bblog_fbsd_state_name(unsigned st);	/* NULL if unknown */
const char *bblog_linux_state_name(unsigned st);
const char *bblog_ca_state_name(unsigned st);
const char *bblog_mode_name(int mode);
/* BBLOG_END_* in words: "reset received"...; NULL if unknown. */
const char *bblog_end_name(unsigned int end);
/* BBLOG_OWNER_*: "unknown", "connect", "accept" ("other" beyond). */
const char *bblog_owner_how_name(unsigned int how);
/* A RST_SENT record's reason (its arg1): NULL for 0 and past the list. */
const char *bblog_rst_reason_name(unsigned int code, char *buf, size_t len);
/* A DROP record's reason (its arg1): NULL for 0 and past the list. */
const char *bblog_drop_reason_name(unsigned int code, char *buf, size_t len);
/* A DROP record in words: "drop in|out seq S len L: REASON"; its length. */
size_t bblog_drop_text(const struct bblog_dump *d, const struct bblog_record *r,
		       char *buf, size_t len);
/* A Linux errno (either sign) as FreeBSD numbers it; unknown ones as is. */
unsigned bblog_errno_fbsd(int linux_errno);
/* "a.b.c.d" or IPv6 text of a dump address (buf >= 46 bytes). */
const char *bblog_addr_str(const struct bblog_dump *d, int foreign,
			   char *buf, size_t len);

#endif /* BBLOG_PCAPNG_H */
