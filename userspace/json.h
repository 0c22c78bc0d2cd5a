/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output shared by the library (summary) and the commands. */
#ifndef BBLOG_JSON_H
#define BBLOG_JSON_H

#include <stddef.h>
#include <stdio.h>

/* JSON string (with quotes) of at most max bytes of s. */
void json_str(FILE *f, const char *s, size_t max);

#endif
