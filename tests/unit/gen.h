/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builders of tcp_bblog device streams for the tests, the golden streams the
 * tests write, and small helpers (files, commands, JSON lines).
 */
#ifndef BBLOG_TEST_GEN_H
#define BBLOG_TEST_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/tcp_bblog.h>

/*
 * Test paths are built with snprintf into fixed buffers that are far larger
 * than any path used; route it through vsnprintf so that gcc's
 * -Wformat-truncation does not flag every one of them.
 */
int tsnprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define snprintf tsnprintf

struct gbuf {
	unsigned char *p;
	size_t len, cap;
};

void gbuf_add(struct gbuf *b, const void *p, size_t n);
void gbuf_free(struct gbuf *b);

#define BOOT_OFFSET_NS	1700000000500000123ull
#define TIME_BASE_NS	987654321000ull

/* A record whose every field holds a value derived from sn. */
void gen_record(struct bblog_record *r, uint32_t sn, uint8_t event);
/* Give r a TCP header of 20 + optlen bytes (optlen multiple of 4). */
void gen_th(struct bblog_record *r, uint16_t sport, uint16_t dport,
	    uint32_t seq, uint32_t ack, uint8_t flags, unsigned optlen,
	    uint32_t payload);
void gen_dump(struct bblog_dump *d, int v6, uint64_t cookie, const char *id,
	      uint32_t seq, uint16_t flags);
/* Append a dump message (header + records) to b. */
void gen_msg(struct gbuf *b, struct bblog_dump *d,
	     const struct bblog_record *recs, uint32_t n);

/* The golden set: each returns the stream and fills its expectations. */
struct golden {
	struct bblog_dump dump;
	struct bblog_record recs[16];
	uint32_t n;
};
void golden_v4(struct gbuf *b, struct golden *g);	/* IPv4, gap 12 -> 17 */
void golden_v6(struct gbuf *b, struct golden *g);	/* IPv6, no ID */
void golden_cont(struct gbuf *b, struct golden g[3]);	/* 3 continual dumps */
void golden_unknown(struct gbuf *b);			/* unknown type 77 */

/* Helpers */
const char *tmpdir(void);		/* per-run scratch directory */
int write_file(const char *path, const void *p, size_t n);
unsigned char *read_file(const char *path, size_t *len);
/* Run a shell command; stdout and stderr into malloc'ed strings (may be NULL). */
int run(char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int have_cmd(const char *name);
const char *bblog_bin(void);
/* Value of "key" in a one-line JSON object (string unescaped), or NULL. */
char *json_get(const char *line, const char *key, char *buf, size_t len);
/* Microseconds of a "sec.fraction" text (tshark frame.time_epoch). */
uint64_t epoch_us(const char *s);
/* Save a seed for a fuzz target when BBLOG_SEEDS is set. */
void seed(const char *target, const char *name, const void *p, size_t n);

#endif
