// SPDX-License-Identifier: GPL-2.0
/*
 * bblog --version: the tool's version (dkms.conf's PACKAGE_VERSION) and the
 * record formats it reads; the loaded module's version and record format
 * (a sysfs and a procfs tree of the test's, through BBLOG_SYSFS_ROOT and
 * BBLOG_PROC_ROOT); a module format newer than the tool reads is an error,
 * for --version, record and raw alike.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"
#include "tap.h"
#include "tests.h"

/* PACKAGE_VERSION of dkms.conf ("" if not found). */
static void package_version(char *buf, size_t len)
{
	const char *conf = getenv("BBLOG_DKMS_CONF");
	char *out = NULL;

	buf[0] = 0;
	if (run(&out, NULL, "sed -n 's/^PACKAGE_VERSION=\"\\(.*\\)\"/\\1/p' '%s'",
		conf ? conf : "../dkms.conf") == 0 && out)
		snprintf(buf, len, "%.*s", (int)strcspn(out, "\n"), out);
	free(out);
}

/* A fake /sys and /proc under tmp/name: the module loaded if format. */
static const char *fake_roots(const char *name, const char *version, const char *format)
{
	static char env[8192];
	char root[4096];

	snprintf(root, sizeof(root), "%s/%s", tmpdir(), name);
	CHECK(run(NULL, NULL, "rm -rf '%s' && mkdir -p '%s/sys' '%s/proc'", root, root, root) == 0);
	if (format) {
		CHECK(run(NULL, NULL, "mkdir -p '%s/sys/module/tcp_bblog' '%s/proc/sys/net/tcp_bblog' && "
			  "echo %s > '%s/proc/sys/net/tcp_bblog/log_version'", root, root,
			  format, root) == 0);
		if (version)
			CHECK(run(NULL, NULL, "echo %s > '%s/sys/module/tcp_bblog/version'",
				  version, root) == 0);
	}
	snprintf(env, sizeof(env), "BBLOG_SYSFS_ROOT='%s/sys' BBLOG_PROC_ROOT='%s/proc'", root, root);
	return env;
}

static void t_version_none(void)
{
	char pv[64], want[256], *out = NULL, *err = NULL;
	int rc;

	package_version(pv, sizeof(pv));
	CHECK(pv[0]);
	rc = run(&out, &err, "%s '%s' --version", fake_roots("v-none", NULL, NULL), bblog_bin());
	CHECK_EQ(rc, 0);
	snprintf(want, sizeof(want), "bblog %s (reads record formats 1 to %d)\n"
		 "tcp_bblog module not loaded\n", pv, BBLOG_VERSION);
	CHECKF(out && !strcmp(out, want), "got: %s", out ? out : "");
	CHECKF(err && !*err, "stderr: %s", err ? err : "");
	free(out);
	free(err);
}

static void t_version_same(void)
{
	char fmt[16], want[256], *out = NULL;
	int rc;

	snprintf(fmt, sizeof(fmt), "%d", BBLOG_VERSION);
	rc = run(&out, NULL, "%s '%s' --version", fake_roots("v-same", "9.8.7", fmt), bblog_bin());
	CHECK_EQ(rc, 0);
	snprintf(want, sizeof(want), "\ntcp_bblog module 9.8.7 (writes record format %d)\n",
		 BBLOG_VERSION);
	CHECKF(out && strstr(out, want), "got: %s", out ? out : "");
	free(out);
	/* a module without MODULE_VERSION */
	rc = run(&out, NULL, "%s '%s' --version", fake_roots("v-nover", NULL, fmt), bblog_bin());
	CHECK_EQ(rc, 0);
	CHECKF(out && strstr(out, "\ntcp_bblog module of unknown version (writes record format"),
	       "got: %s", out ? out : "");
	free(out);
}

/* Format 1 (256-byte records): the tool reads it. */
static void t_version_older(void)
{
	char *out = NULL;
	int rc;

	rc = run(&out, NULL, "%s '%s' --version", fake_roots("v-old", "0.0.9", "1"), bblog_bin());
	CHECK_EQ(rc, 0);
	CHECKF(out && strstr(out, "\ntcp_bblog module 0.0.9 (writes record format 1)\n"),
	       "got: %s", out ? out : "");
	free(out);
}

static void t_version_newer(void)
{
	char pv[64], fmt[16], want[512], dir[4096], *out = NULL, *err = NULL;
	const char *env;
	int rc;

	package_version(pv, sizeof(pv));
	snprintf(fmt, sizeof(fmt), "%d", BBLOG_VERSION + 1);
	env = fake_roots("v-new", "9.0.0", fmt);
	snprintf(want, sizeof(want), "bblog: the tcp_bblog module 9.0.0 writes record format %d, "
		 "but bblog %s reads formats 1 to %d: install the bblog of the module's release\n",
		 BBLOG_VERSION + 1, pv, BBLOG_VERSION);
	rc = run(&out, &err, "%s '%s' --version", env, bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(out && !strstr(out, "tcp_bblog module"), "stdout: %s", out ? out : "");
	CHECKF(err && !strcmp(err, want), "stderr: %s", err ? err : "");
	free(out);
	free(err);
	/* record and raw refuse to read the device (a character device) */
	snprintf(dir, sizeof(dir), "%s/out-v-new", tmpdir());
	CHECK(mkdir(dir, 0755) == 0);
	rc = run(NULL, &err, "%s '%s' record -D '%s' -f /dev/null", env, bblog_bin(), dir);
	CHECK_EQ(rc, 1);
	CHECKF(err && !strcmp(err, want), "stderr: %s", err ? err : "");
	free(err);
	CHECK(run(&out, NULL, "ls -A '%s'", dir) == 0 && out && !*out);
	free(out);
	rc = run(&out, &err, "%s '%s' raw -f /dev/null", env, bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && !strcmp(err, want), "stderr: %s", err ? err : "");
	CHECK(out && !*out);
	free(out);
	free(err);
	/* a file (from raw, of any host) is read: its messages carry their format */
	CHECK(write_file(path_in_tmp("v-new.raw"), "", 0) == 0);
	rc = run(NULL, &err, "%s '%s' record -D '%s' -f '%s'", env, bblog_bin(), dir,
		 path_in_tmp("v-new.raw"));
	CHECKF(rc == 0, "rc %d, stderr: %s", rc, err ? err : "");
	free(err);
}

void suite_version(void)
{
	tap_run(t_version_none, "version: the tool's (dkms.conf) and its formats; no module loaded");
	tap_run(t_version_same, "version: the module's version and record format; without MODULE_VERSION");
	tap_run(t_version_older, "version: a module of record format 1 is read");
	tap_run(t_version_newer, "version: a module format newer than bblog reads: an error naming both, record and raw refuse");
}
