/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal reader of BBLog pcapng files (as written by pcapng.c or by
 * tcplog_dumper): walks the blocks of an in-memory file and returns one item
 * per record (EPB or Netflix event block) or skipped block.  Corrupt input
 * ends the walk with an error text, never a crash.
 */
#ifndef BBLOG_PCAPREAD_H
#define BBLOG_PCAPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "pcapng.h"

struct bblog_pr {
	const unsigned char *p;
	size_t len;
	size_t off;
	int have_shb;
	int swap;			/* section byte order differs from host */
	int have_dumpinfo;
	unsigned char dumpinfo[FBSD_HEADER_LEN];
	uint64_t offset_us;		/* boot time from DUMPINFO */
	uint32_t version;		/* NFLX VERSION option, 0 if none */
	char stack[64];			/* NFLX STACKNAME, "" if none */
	unsigned stack_id;
	int64_t dumptime;		/* NFLX DUMPTIME, 0 if none */
	char comment[512];		/* SHB opt_comment, "" if none */
	int have_idb;
	uint16_t linktype;
	uint64_t blocks;
	char err[160];
};

enum bblog_pr_kind { BBLOG_PR_RECORD = 1, BBLOG_PR_SKIPPED = 2 };

struct bblog_pr_item {
	enum bblog_pr_kind kind;
	int packet;			/* from an EPB */
	uint32_t direction;		/* EPB: epb_flags & 3 */
	uint64_t ts_us;			/* wall clock in microseconds */
	int have_rec;
	unsigned char rec[FBSD_TCPINFO_LEN];	/* TCPINFO record bytes (LE) */
	int have_tcp;			/* EPB: TCP header decoded */
	int af;				/* 4 or 6 */
	unsigned char src[16], dst[16];
	uint16_t sport, dport, win;
	uint32_t seq, ack;
	uint8_t thflags;
	uint32_t skipped;		/* BBLOG_PR_SKIPPED: count */
	char comment[320];		/* the block's opt_comment, "" if none */
	unsigned int nsack;		/* EPB: SACK blocks in its options */
	uint32_t sack[4][2];		/* [start, end) */
};

int bblog_pr_init(struct bblog_pr *r, const void *buf, size_t len);
/* 1: an item; 0: end of file; -1: corrupt (r->err says why). */
int bblog_pr_next(struct bblog_pr *r, struct bblog_pr_item *it);

/*
 * Length of the longest prefix of buf[0..len) made of whole pcapng blocks
 * (a section header first; each block's length sane and repeated in its
 * trailer): where a file cut short, as by a killed writer, can be truncated.
 */
size_t bblog_pr_prefix(const void *buf, size_t len);

/*
 * The whole xz streams at the start of buf[0..len) whose content ends with
 * a whole pcapng block (bblog_pr_prefix), as bblog record -J writes them
 * (one stream per dump): *in_len = their bytes in buf, *out (malloc'd,
 * free it) and *out_len = their decoded content.  0, or -1 (errno).
 */
int bblog_pr_xz_prefix(const void *buf, size_t len, size_t *in_len,
		       unsigned char **out, size_t *out_len);

/*
 * Read a whole file into memory, decompressing xz when the file starts with
 * the xz magic.  Returns 0 or -1 (errno; err text filled).
 */
int bblog_pr_load(const char *path, unsigned char **buf, size_t *len,
		  char *err, size_t errlen);

#endif /* BBLOG_PCAPREAD_H */
