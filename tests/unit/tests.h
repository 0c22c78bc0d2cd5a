/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BBLOG_TESTS_H
#define BBLOG_TESTS_H

struct gbuf;

const char *path_in_tmp(const char *name);	/* static buffer, rotated */
const char *record_stream(const char *name, const struct gbuf *b, const char *args);
void suite_stream(void);
void suite_pcapng(void);
void suite_readers(void);
void suite_cli(void);
void suite_faults(void);
void suite_retain(void);
void suite_version(void);
void suite_filter(void);
void suite_owner(void);
void suite_events(void);
void suite_plugin(void);
void suite_plot(void);
void suite_scale(void);

#endif
