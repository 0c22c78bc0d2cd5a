// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the pcapng reader behind `bblog show`. */
#include <stdint.h>
#include <stdlib.h>

#include "pcapread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bblog_pr pr;
	struct bblog_pr_item it;
	uint64_t n = 0;

	bblog_pr_init(&pr, data, size);
	while (bblog_pr_next(&pr, &it) == 1)
		if (++n > size)		/* every item consumes a block */
			abort();
	if (pr.off > size)
		abort();
	return 0;
}
