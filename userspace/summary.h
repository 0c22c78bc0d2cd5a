/* SPDX-License-Identifier: GPL-2.0 */
/* One connection on one screen (bblog show --summary). */
#ifndef BBLOG_SUMMARY_H
#define BBLOG_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "pcapread.h"

#define BBLOG_SUMMARY_CA	5	/* TCP_CA_Open .. TCP_CA_Loss */

struct bblog_summary {
	uint64_t records, lost, first_us, last_us;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	uint32_t retrans, rtos, tlps, drops, rst_sent, rst_recv;
	uint32_t srtt_min, srtt_max, srtt_n, min_rtt;
	uint64_t srtt_sum;
	int ca;				/* the congestion state now; -1 not known */
	uint64_t ca_since;
	uint64_t ca_us[BBLOG_SUMMARY_CA];	/* time in each */
	int ended;
	uint32_t end, end_err;
};

void bblog_summary_init(struct bblog_summary *s);
void bblog_summary_add(struct bblog_summary *s, const struct bblog_pr_item *it);
/* @conn: a line that names the connection (the file's comment). */
void bblog_summary_print(struct bblog_summary *s, const char *name, const char *conn,
			 int json, FILE *f);

#endif
