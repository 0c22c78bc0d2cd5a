/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Retention of bblog record's output directory: the oldest finished
 * capture files go first, to keep the directory under a size and an age.
 */
#ifndef BBLOG_RETAIN_H
#define BBLOG_RETAIN_H

#include <stdint.h>

/* Said for each file removed; limit is "size" or "age". */
typedef void retain_said_fn(const char *name, uint64_t size, const char *limit);

/* NAME.pcapng or NAME.pcapng.xz, not hidden: a finished capture file. */
int retain_is_capture(const char *name);
/*
 * Keep the finished capture files of dirfd (and the bytes the caller
 * counts besides) within max_size bytes (0: no limit), and none older
 * than max_age seconds (0: no limit).  Lists the directory.
 */
void retain_init(int dirfd, uint64_t max_size, uint64_t max_age);
/* A capture file just finished (the newest). */
void retain_add(const char *name);
/*
 * Remove the oldest finished files while over a limit; how many.  busy: the
 * bytes of what cannot be removed (files being written, the index).
 */
int retain_enforce(uint64_t busy, retain_said_fn *said);

#endif /* BBLOG_RETAIN_H */
