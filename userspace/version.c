// SPDX-License-Identifier: GPL-2.0
/*
 * bblog --version, and the check that the loaded module writes a record
 * format this bblog reads: record and raw refuse to read the device
 * otherwise, rather than write files that lack what the newer format adds.
 *
 * The module's version is /sys/module/tcp_bblog/version (MODULE_VERSION),
 * its record format the sysctl net.tcp_bblog.log_version.  The tests point
 * BBLOG_SYSFS_ROOT and BBLOG_PROC_ROOT at trees of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/tcp_bblog.h>

#include "util.h"

#define FORMAT_MIN	1	/* the oldest record format the reader takes */

struct module_info {
	int loaded;
	char version[64];	/* "": unknown */
	long format;		/* 0: unknown */
};

/* root (from env, else dflt) + rel into buf. */
static void path_of(char *buf, size_t len, const char *env, const char *dflt,
		    const char *rel)
{
	const char *root = getenv(env);

	snprintf(buf, len, "%s%s", root && *root ? root : dflt, rel);
}

/* The first line of a small file, or "" (buf). */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static void module_info(struct module_info *mi)
{
	char path[4096], line[64], *end;
	struct stat sb;
	long v;

	memset(mi, 0, sizeof(*mi));
	path_of(path, sizeof(path), "BBLOG_SYSFS_ROOT", "/sys", "/module/tcp_bblog");
	mi->loaded = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
	path_of(path, sizeof(path), "BBLOG_SYSFS_ROOT", "/sys",
		"/module/tcp_bblog/version");
	first_line(path, mi->version, sizeof(mi->version));
	path_of(path, sizeof(path), "BBLOG_PROC_ROOT", "/proc",
		"/sys/net/tcp_bblog/log_version");
	first_line(path, line, sizeof(line));
	errno = 0;
	v = strtol(line, &end, 10);
	if (line[0] && !*end && !errno && v >= 0) {
		mi->format = v ? v : -1;	/* -1: 0, read but nonsense */
		mi->loaded = 1;
	}
}

static int format_ok(const struct module_info *mi)
{
	return !mi->loaded || !mi->format ||
	       (mi->format >= FORMAT_MIN && mi->format <= BBLOG_VERSION);
}

static void say_mismatch(const struct module_info *mi)
{
	warnx("the tcp_bblog module%s%s writes record format %ld, but bblog %s reads formats %d to %d: %s",
	      mi->version[0] ? " " : "", mi->version,
	      mi->format < 0 ? 0 : mi->format, BBLOG_TOOL_VERSION,
	      FORMAT_MIN, BBLOG_VERSION,
	      mi->format > BBLOG_VERSION ?
	      "install the bblog of the module's release" :
	      "the module is not one this bblog knows");
}

int bblog_check_module(void)
{
	struct module_info mi;

	module_info(&mi);
	if (format_ok(&mi))
		return 0;
	say_mismatch(&mi);
	return -1;
}

int cmd_version(void)
{
	struct module_info mi;
	char fmt[32];

	printf("bblog %s (reads record formats %d to %d)\n", BBLOG_TOOL_VERSION,
	       FORMAT_MIN, BBLOG_VERSION);
	module_info(&mi);
	if (!mi.loaded) {
		printf("tcp_bblog module not loaded\n");
		return 0;
	}
	if (!format_ok(&mi)) {
		fflush(stdout);
		say_mismatch(&mi);
		return 1;
	}
	if (mi.format)
		snprintf(fmt, sizeof(fmt), "%ld", mi.format);
	else
		snprintf(fmt, sizeof(fmt), "unknown");
	printf("tcp_bblog module %s (writes record format %s)\n",
	       mi.version[0] ? mi.version : "of unknown version", fmt);
	return 0;
}
