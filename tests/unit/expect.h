/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The field mapping of design.md decision 6, written out independently of
 * userspace/pcapng.c, to check the bytes the writer produces and the fields
 * tshark decodes from them.
 */
#ifndef BBLOG_TEST_EXPECT_H
#define BBLOG_TEST_EXPECT_H

#include <stdint.h>
#include <linux/tcp_bblog.h>

struct tsfield {
	const char *name;	/* tshark field */
	int off;		/* FreeBSD record offset */
	int size;		/* 1, 2, 4 */
};
extern const struct tsfield ts_fields[];
extern const int ts_nfields;

/* Expected value at a FreeBSD record offset (sizes as in ts_fields). */
uint64_t expect_at(const struct bblog_dump *d, const struct bblog_record *r, int off);
uint64_t expect_wall_us(const struct bblog_dump *d, const struct bblog_record *r);
int expect_has_hdr(const struct bblog_record *r);
/* received segment: IN, RST_RECV, BAD_CSUM */
int expect_inbound(const struct bblog_record *r);
/* Check a 268-byte (or longer) TCPINFO record against r. */
void check_tcpinfo(const unsigned char *rec, const struct bblog_dump *d,
		   const struct bblog_record *r);

#endif
