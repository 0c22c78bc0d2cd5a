/* SPDX-License-Identifier: GPL-2.0 */
/* Tiny TAP runner for the bblog unit tests: one "ok N - desc" per test. */
#ifndef BBLOG_TAP_H
#define BBLOG_TAP_H

#include <stdio.h>

/* Inside a test: record a failed expectation with its location. */
#define CHECK(cond) do { if (!(cond)) { tap_fail(__FILE__, __LINE__, #cond); } } while (0)
#define CHECKF(cond, ...) do { if (!(cond)) { tap_fail(__FILE__, __LINE__, #cond); tap_diag(__VA_ARGS__); } } while (0)
#define CHECK_EQ(a, b) do { unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
	if (_a != _b) { tap_fail(__FILE__, __LINE__, #a " == " #b); tap_diag("  got %llu (0x%llx), want %llu (0x%llx)", _a, _a, _b, _b); } } while (0)

void tap_fail(const char *file, int line, const char *what);
__attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...);
/* Mark the running test skipped (reason printed after # SKIP). */
void tap_skip(const char *reason);
/* Run fn as one test. */
void tap_run(void (*fn)(void), const char *desc);
int tap_done(void);	/* prints the plan and summary; exit status */
int tap_failed_now(void);	/* failures in the running test so far */

#endif
