// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns a connection, as user space writes it: cgroup paths found from
 * cgroup ids by walking a hierarchy (userspace/cgpath.c, on a directory
 * tree standing in for the cgroup2 mount: an id is a directory's inode
 * number), and the owner and cgroup in the pcapng SHB comment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/tcp_bblog.h>

#include "cgpath.h"
#include "gen.h"
#include "pcapng.h"
#include "tap.h"
#include "tests.h"

static uint64_t ino_of(const char *path)
{
	struct stat sb;

	CHECK(stat(path, &sb) == 0);
	return (uint64_t)sb.st_ino;
}

static void mkdir_in(char *buf, size_t len, const char *root, const char *rel)
{
	snprintf(buf, len, "%s%s", root, rel);
	mkdir(buf, 0755);
}

static void t_cgroup_paths(void)
{
	char root[512], p[1024], late[1024];
	const char *r;
	uint64_t web, deep;

	snprintf(root, sizeof(root), "%s", path_in_tmp("cgroot"));
	(void)!system("rm -rf -- \"$BBLOG_TMP/cgroot\"");
	mkdir(root, 0755);
	mkdir_in(p, sizeof(p), root, "/system.slice");
	mkdir_in(p, sizeof(p), root, "/system.slice/web.service");
	web = ino_of(p);
	mkdir_in(p, sizeof(p), root, "/user.slice");
	mkdir_in(p, sizeof(p), root, "/user.slice/a b");
	mkdir_in(p, sizeof(p), root, "/user.slice/a b/c");
	deep = ino_of(p);
	/* a file is not a cgroup */
	snprintf(p, sizeof(p), "%s/cgroup.procs", root);
	fclose(fopen(p, "w"));

	bblog_cgroup_root(root);
	CHECK(bblog_cgroup_path(0) == NULL);
	r = bblog_cgroup_path(ino_of(root));
	CHECK(r && !strcmp(r, "/"));
	r = bblog_cgroup_path(web);
	CHECKF(r && !strcmp(r, "/system.slice/web.service"), "web: %s", r ? r : "NULL");
	r = bblog_cgroup_path(deep);
	CHECKF(r && !strcmp(r, "/user.slice/a b/c"), "deep: %s", r ? r : "NULL");
	CHECK(bblog_cgroup_path(ino_of(p)) == NULL);
	/* created after the walk: not rescanned within a second ... */
	mkdir_in(late, sizeof(late), root, "/late");
	CHECK(bblog_cgroup_path(ino_of(late)) == NULL);
	/* ... and found by the next walk */
	sleep(1);
	r = bblog_cgroup_path(ino_of(late));
	CHECKF(r && !strcmp(r, "/late"), "late: %s", r ? r : "NULL");
	/* no hierarchy at all */
	bblog_cgroup_root("/nonexistent/cgroup2");
	CHECK(bblog_cgroup_path(web) == NULL);
	bblog_cgroup_root(NULL);
}

/* The SHB comment of a file written for @d. */
static void shb_comment(const struct bblog_dump *d, const char *cgpath,
			char *text, size_t len)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	const unsigned char *data, *s;
	size_t n, i;

	text[0] = 0;
	CHECK(bblog_pcapng_open(&w, o, d, 1750000000, "t", cgpath) == 0);
	data = bblog_out_mem_data(o, &n);
	for (i = 0; i + 20 < n; i++)
		if (!memcmp(data + i, "tcp_bblog connection", 20))
			break;
	CHECK(i + 20 < n);
	if (i + 20 < n) {
		uint16_t olen;

		s = data + i;
		memcpy(&olen, s - 2, 2);	/* the option's length, host order */
		CHECK(olen < len);
		if (olen < len) {
			memcpy(text, s, olen);
			text[olen] = 0;
		}
	}
	bblog_pcapng_close(&w);
}

static void t_owner_comment(void)
{
	struct bblog_dump d;
	char text[1024];

	gen_dump(&d, 0, 9, "web", 0, 0);
	d.cgroup = 12345;
	d.owner_pid = 4321;
	d.owner_how = BBLOG_OWNER_ACCEPT;
	memcpy(d.owner_comm, "nginx\x01", 7);
	shb_comment(&d, "/system.slice/\"web\".service", text, sizeof(text));
	CHECKF(strstr(text, " owner=nginx?[4321] (accept) cgroup=12345 "
		       "cgroup_path=\"/system.slice/?web?.service\"") != NULL,
	       "comment: %s", text);
	CHECKF(strstr(text, " cookie=9 ") != NULL, "comment: %s", text);

	d.owner_how = BBLOG_OWNER_NONE;
	d.owner_pid = 0;
	memset(d.owner_comm, 0, sizeof(d.owner_comm));
	d.cgroup = 0;
	shb_comment(&d, NULL, text, sizeof(text));
	CHECKF(strstr(text, " owner=unknown cgroup=0") != NULL, "comment: %s", text);
	CHECKF(strstr(text, "cgroup_path") == NULL, "comment: %s", text);

	CHECK(!strcmp(bblog_owner_how_name(BBLOG_OWNER_CONNECT), "connect"));
	CHECK(!strcmp(bblog_owner_how_name(BBLOG_OWNER_NONE), "unknown"));
	CHECK(!strcmp(bblog_owner_how_name(BBLOG_OWNER_MAX + 1), "other"));
}

void suite_owner(void)
{
	tap_run(t_cgroup_paths, "owner: cgroup ids to paths by walking the hierarchy, rescans at most once a second");
	tap_run(t_owner_comment, "owner: the SHB comment names the owner and the cgroup, or says unknown");
}
