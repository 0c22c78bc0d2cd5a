// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the pcapng reader behind `bblog show`, and the prefix
 * functions `bblog record` recovers the files of a killed run with.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcapread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bblog_pr pr;
	struct bblog_pr_item it;
	uint64_t n = 0;
	unsigned char *dec;
	size_t in, dlen, k;

	bblog_pr_init(&pr, data, size);
	while (bblog_pr_next(&pr, &it) == 1)
		if (++n > size)		/* every item consumes a block */
			abort();
	if (pr.off > size)
		abort();
	/* a prefix of whole blocks, which is its own prefix */
	k = bblog_pr_prefix(data, size);
	if (k > size || bblog_pr_prefix(data, k) != k)
		abort();
	/* xz only behind its magic: the decoder's set-up would slow the rest */
	if (size >= 6 && !memcmp(data, "\3757zXZ", 6) &&
	    bblog_pr_xz_prefix(data, size, &in, &dec, &dlen) == 0) {
		if (in > size || bblog_pr_prefix(dec, dlen) != dlen)
			abort();
		free(dec);
	}
	return 0;
}
