/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection filters in words that ss(8) users read at a glance
 * ("sport 8080 dst 10.0.0.0/8 uid 1000"): parsed into the fields of
 * BBLOG_A_MATCH, and printed back in the same words.
 */
#ifndef BBLOG_FILTER_H
#define BBLOG_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* Which fields are set: bit BBLOG_MATCH_A_* of each. */
struct bblog_filter {
	uint32_t set;
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t dir;		/* BBLOG_DIR_* */
	uint8_t lprefix;
	uint8_t fprefix;
	uint16_t lport_min, lport_max;
	uint16_t fport_min, fport_max;
	uint8_t laddr[16];
	uint8_t faddr[16];
	uint64_t cgroup;
	uint32_t uid;
};

#define BBLOG_FILTER_HAS(f, a) (((f)->set >> (a)) & 1)

/*
 * The filter word at argv[0] and its arguments into @f: the number of
 * words taken, 0 if argv[0] is not a filter word, -1 on an error (said in
 * @err).
 */
int bblog_filter_word(struct bblog_filter *f, int argc, char **argv,
		      char *err, size_t errlen);
/* @f in the words bblog_filter_word() takes ("all" if empty). */
void bblog_filter_format(const struct bblog_filter *f, char *buf, size_t len);
/* The words a filter takes, for messages and completion. */
extern const char *const bblog_filter_words[];

#endif /* BBLOG_FILTER_H */
