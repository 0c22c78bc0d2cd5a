/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of the /dev/tcp_bblog message stream (uapi/linux/tcp_bblog.h).
 *
 * bblog_msg_parse() looks at one message at the start of a buffer;
 * struct bblog_stream wraps it for input that arrives in arbitrary chunks
 * (a saved raw file, a pipe).  Neither needs a kernel.  Nothing in the input
 * can make them crash: a bad message is returned as BBLOG_MSGK_CORRUPT with
 * the number of bytes to skip and a reason text.
 */
#ifndef BBLOG_STREAM_H
#define BBLOG_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/tcp_bblog.h>

enum bblog_msg_kind {
	BBLOG_MSGK_DUMP = 1,	/* a valid BBLOG_MSG_DUMP */
	BBLOG_MSGK_UNKNOWN,	/* a well-framed message of a type we do not know */
	BBLOG_MSGK_CORRUPT,	/* bytes to skip; error says why */
	BBLOG_MSGK_LOST,	/* a valid BBLOG_MSG_LOST: dumps dropped here */
};

struct bblog_msg {
	enum bblog_msg_kind kind;
	uint32_t version;
	uint32_t type;
	uint64_t length;		/* bytes this message takes in the stream */
	uint64_t offset;		/* stream offset (bblog_stream only) */
	const unsigned char *data;	/* the message bytes, valid until the next call */
	struct bblog_dump dump;		/* DUMP: aligned copy of the header */
	const unsigned char *records;	/* DUMP: first record (may be unaligned) */
	struct bblog_lost lost;		/* LOST: aligned copy */
	int resync;			/* CORRUPT: the length could not be trusted */
	char error[200];		/* CORRUPT: reason */
};

/*
 * Parse the message at the start of buf[0..len).
 * Returns 1 when m describes a message (of any kind) of m->length > 0 bytes,
 * 0 when more bytes are needed (m->length = bytes needed if known, else 0).
 * A header whose length cannot be trusted gives a CORRUPT message with
 * m->resync set that skips to the next plausible dump header in buf (the
 * result then depends on how much of the stream buf holds; bblog_stream
 * resynchronises the same way whatever the chunking).
 */
int bblog_msg_parse(const void *buf, size_t len, struct bblog_msg *m);

/* Copy record i of a DUMP message into an aligned struct. */
void bblog_msg_record(const struct bblog_msg *m, uint32_t i,
		      struct bblog_record *r);
/*
 * Record i of a DUMP message where it is, if it is a whole record of this
 * version, aligned; else NULL (bblog_msg_record() copies it).
 */
const struct bblog_record *bblog_msg_record_at(const struct bblog_msg *m,
					       uint32_t i);

/* Incremental parser over a byte stream. */
struct bblog_stream {
	unsigned char *buf;
	size_t cap;
	size_t start;		/* first unconsumed byte */
	size_t end;		/* end of valid bytes */
	uint64_t offset;	/* stream offset of buf[start] */
	int resyncing;		/* scanning for the next valid dump */
	uint64_t skipped;	/* bytes skipped while resyncing */
	uint64_t skip_offset;	/* where the skipping started */
	char why[128];
	const unsigned char *lent;	/* the caller's bytes, read in place */
};

void bblog_stream_init(struct bblog_stream *s);
void bblog_stream_destroy(struct bblog_stream *s);
/* Append bytes; -1 (errno ENOMEM) if they cannot be stored. */
int bblog_stream_feed(struct bblog_stream *s, const void *p, size_t n);
/*
 * Append bytes the caller keeps unchanged until bblog_stream_keep(): read
 * where they are, not copied, when nothing is buffered before them.
 */
int bblog_stream_lend(struct bblog_stream *s, const void *p, size_t n);
/* Copy what is left of lent bytes; -1 (errno ENOMEM) if it cannot be. */
int bblog_stream_keep(struct bblog_stream *s);
/*
 * 1: a message in m (valid until the next feed, lend, keep or next); 0:
 * need more bytes.
 */
int bblog_stream_next(struct bblog_stream *s, struct bblog_msg *m);
/* Bytes buffered but not yet returned. */
size_t bblog_stream_pending(const struct bblog_stream *s);
/*
 * At the end of the input: 1 and a CORRUPT message describing what was left
 * (a truncated message, or bytes skipped while resynchronising), else 0.
 */
int bblog_stream_eof(struct bblog_stream *s, struct bblog_msg *m);

#endif /* BBLOG_STREAM_H */
