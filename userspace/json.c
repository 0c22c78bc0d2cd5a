// SPDX-License-Identifier: GPL-2.0
/* JSON output shared by the library (summary) and the commands. */
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "sbuf.h"

/* The escaping is sb_json()'s, which bblog record's index lines use. */
void json_str(FILE *f, const char *s, size_t max)
{
	struct sbuf b;
	size_t n;
	char *t;

	sb_growing(&b);
	sb_json(&b, s, max);
	t = sb_take(&b, &n);
	if (t)
		fwrite(t, 1, n, f);
	else
		fputs("\"\"", f);	/* out of memory: an empty string */
	free(t);
}
