/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the bblog commands. */
#ifndef BBLOG_UTIL_H
#define BBLOG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdnoreturn.h>

#include "json.h"

#ifndef BBLOG_TOOL_VERSION
#define BBLOG_TOOL_VERSION "0.1"
#endif

extern const char *bblog_prog;
extern int bblog_use_syslog;	/* warnx/diex go to syslog (daemon) */

noreturn void usage(FILE *f, int status);
__attribute__((format(printf, 1, 2))) void warnx(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) noreturn void diex(const char *fmt, ...);

/* Copy a NUL-padded id into a safe file-name component ("UNKNOWN" if empty). */
void sanitize_id(char *dst, size_t dstlen, const char *id, size_t max);
/* Size with optional k/M/G suffix; -1 on error. */
int parse_size(const char *s, uint64_t *out);
/* Seconds with optional s/m/h/d/w suffix; -1 on error. */
int parse_duration(const char *s, uint64_t *out);
int write_all(int fd, const void *p, size_t n);
/* "2026-01-02 03:04:05.123456" UTC for microseconds since the epoch. */
void fmt_time_us(char *buf, size_t len, uint64_t us);

/* Print the tool's and the loaded module's versions (bblog --version). */
int cmd_version(void);
/*
 * 0 if the loaded module (if any) writes a record format this bblog
 * reads, else -1 having said which versions differ.
 */
int bblog_check_module(void);

int cmd_record(int argc, char **argv);
int cmd_raw(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_nl(int argc, char **argv);
int cmd_nl_ctl(int argc, char **argv);
int cmd_rule(int argc, char **argv);
int bblog_parse_mode(const char *s, int *mode);

#endif /* BBLOG_UTIL_H */
