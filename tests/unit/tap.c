// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int n, npass, nfail, nskip, cur_fail, cur_diags;
static char skip_reason[200];

void tap_fail(const char *file, int line, const char *what)
{
	cur_fail++;
	if (cur_diags++ < 20)
		printf("# %s:%d: check failed: %s\n", file, line, what);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	if (cur_diags > 20)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void tap_skip(const char *reason)
{
	snprintf(skip_reason, sizeof(skip_reason), "%s", reason);
}

int tap_failed_now(void)
{
	return cur_fail;
}

void tap_run(void (*fn)(void), const char *desc)
{
	cur_fail = cur_diags = 0;
	skip_reason[0] = 0;
	fflush(stdout);
	fn();
	n++;
	if (cur_fail) {
		nfail++;
		printf("not ok %d - %s\n", n, desc);
	} else if (skip_reason[0]) {
		nskip++;
		printf("ok %d - %s # SKIP %s\n", n, desc, skip_reason);
	} else {
		npass++;
		printf("ok %d - %s\n", n, desc);
	}
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", n);
	printf("# %d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	return nfail ? 1 : 0;
}
