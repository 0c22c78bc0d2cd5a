// SPDX-License-Identifier: GPL-2.0
/*
 * bblog record keeps its directory within --max-size and --max-age: the
 * oldest finished files go first, each said in the records index, at start
 * as while recording; files being written and other files are never
 * removed; bblog merge -D --cookie passes over the files removed.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "tap.h"
#include "tests.h"

#define NCONN		20
#define F_CONT		"cont_443_198.51.100.2_51000.0.pcapng"
#define DUMP_LEN	(sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record))

/* Connection i: one dump of 4 records, ended, ID c00.. (its own file name). */
static void conn_msg(struct gbuf *b, int i)
{
	struct bblog_record r[4];
	struct bblog_dump d;
	char id[8];
	int j;

	snprintf(id, sizeof(id), "c%02d", i);
	gen_dump(&d, 0, 5000 + (uint64_t)i, id, 0, BBLOG_DF_ENDED);
	for (j = 0; j < 4; j++) {
		gen_record(&r[j], (uint32_t)j, j % 2 ? BBLOG_EV_OUT : BBLOG_EV_STATE);
		if (j % 2)
			gen_th(&r[j], 443, 51000, 1000 * (uint32_t)j, 5, 0x10, 0, 10);
	}
	gen_msg(b, &d, r, 4);
}

static const char *conn_name(int i)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 64, "c%02d_443_198.51.100.2_51000.0.pcapng", i);
	return b;
}

static off_t fsize(const char *dir, const char *name)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* What record counts: the capture files (finished or not) and the index. */
static off_t dir_bytes(const char *dir)
{
	char *out = NULL;
	off_t n;

	CHECK(run(&out, NULL, "cd '%s' && stat -c %%s records *.pcapng .*.tmp 2>/dev/null | "
		  "awk '{ s += $1 } END { print s + 0 }'", dir) >= 0);
	n = out ? strtoll(out, NULL, 10) : -1;
	free(out);
	return n;
}

static char *index_of(const char *dir)
{
	char path[4096];
	size_t len;

	snprintf(path, sizeof(path), "%s/records", dir);
	return (char *)read_file(path, &len);
}

/* The size of one connection's file (and of its index line). */
static off_t conn_size(off_t *line)
{
	struct gbuf b = { 0 };
	const char *d;
	off_t s;

	conn_msg(&b, 0);
	d = record_stream("retain-ref", &b, "--max-size unlimited");
	s = fsize(d, conn_name(0));
	CHECK(s > 0);
	if (line)
		*line = fsize(d, "records");
	gbuf_free(&b);
	return s;
}

/*
 * NCONN connections in a row under a limit of a few files: the directory
 * stays under it (after each file, as the index tells), the oldest go
 * first, each said by a "removed" line right after the file that made room
 * needed, and the newest are kept whole.
 */
static void t_retain_size(void)
{
	struct gbuf b = { 0 };
	char *idx, *line, *save = NULL, v[256], args[64];
	off_t line_len, s = conn_size(&line_len), present = 0, ibytes = 0, limit;
	int i, files = 0, removed = 0, kept = 0, worst_ok = 1;
	const char *d;

	if (s <= 0)
		return;
	/* four files, and the index (a line a file, some 100 bytes a removal) */
	limit = 4 * s + NCONN * (line_len + 120);
	for (i = 0; i < NCONN; i++)
		conn_msg(&b, i);
	snprintf(args, sizeof(args), "--max-size %lld", (long long)limit);
	d = record_stream("retain-size", &b, args);
	CHECKF(dir_bytes(d) <= limit, "%lld bytes, limit %lld", (long long)dir_bytes(d),
	       (long long)limit);
	idx = index_of(d);
	CHECK(idx != NULL);
	for (line = idx ? strtok_r(idx, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		ibytes += (off_t)strlen(line) + 1;
		if (json_get(line, "removed", v, sizeof(v))) {
			/* the oldest file still there */
			CHECKF(!strcmp(v, conn_name(removed)), "removed %s, want %s", v,
			       conn_name(removed));
			CHECK(json_get(line, "limit", v, sizeof(v)) && !strcmp(v, "size"));
			CHECK(json_get(line, "bytes", v, sizeof(v)) && strtoll(v, NULL, 10) == s);
			CHECK(!json_get(line, "filename", v, sizeof(v)));
			CHECK(json_get(line, "date", v, sizeof(v)) && strlen(v) == 25);
			removed++;
			present -= s;
		} else {
			CHECK(json_get(line, "filename", v, sizeof(v)) &&
			      !strcmp(v, conn_name(files)));
			/* the previous file's removals are all said: under the limit */
			if (present + ibytes - (off_t)strlen(line) - 1 > limit)
				worst_ok = 0;
			files++;
			present += s;
		}
	}
	CHECKF(worst_ok, "over the limit between two files");
	CHECK(present + ibytes <= limit);
	CHECK_EQ(files, NCONN);
	CHECK(removed > 0 && removed < NCONN - 1);
	for (i = 0; i < NCONN; i++) {
		off_t fs = fsize(d, conn_name(i));

		if (i < removed)
			CHECKF(fs < 0, "%s not removed", conn_name(i));
		else
			kept += fs == s;
	}
	CHECK_EQ(kept, NCONN - removed);
	free(idx);
	gbuf_free(&b);
}

/* A bblog record in the background reading a fifo the test writes. */
struct bg {
	char dir[4096], fifo[4096], err[4096], pidf[4096];
	long pid;
	int fd;
};

static int bg_start(struct bg *g, const char *name, const char *args)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	size_t len;
	char *s;
	int i;

	snprintf(g->dir, sizeof(g->dir), "%s/out-%s", tmpdir(), name);
	snprintf(g->fifo, sizeof(g->fifo), "%s/%s.fifo", tmpdir(), name);
	snprintf(g->err, sizeof(g->err), "%s/%s.err", tmpdir(), name);
	snprintf(g->pidf, sizeof(g->pidf), "%s/%s.pid", tmpdir(), name);
	g->pid = 0;
	CHECK(mkdir(g->dir, 0755) == 0 && mkfifo(g->fifo, 0600) == 0);
	g->fd = open(g->fifo, O_RDWR | O_CLOEXEC);	/* no EOF */
	CHECK(g->fd >= 0);
	if (g->fd < 0)
		return -1;
	CHECK(run(NULL, NULL, "'%s' record -p '%s' -t 100 -D '%s' -f '%s' %s 2>'%s' &",
		  bblog_bin(), g->pidf, g->dir, g->fifo, args, g->err) == 0);
	for (i = 0; i < 250 && !g->pid; i++) {
		s = (char *)read_file(g->pidf, &len);
		if (s && strchr(s, '\n'))
			g->pid = strtol(s, NULL, 10);
		free(s);
		nanosleep(&ts, NULL);
	}
	return g->pid > 1 ? 0 : -1;
}

static int wait_text(const char *dir, const char *text)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i, found = 0;

	for (i = 0; i < 500 && !found; i++) {
		char *s = index_of(dir);

		found = s && strstr(s, text);
		free(s);
		if (!found)
			nanosleep(&ts, NULL);
	}
	return found;
}

static void bg_stop(struct bg *g)
{
	int i;

	if (g->pid > 1) {
		kill((pid_t)g->pid, SIGTERM);
		for (i = 0; i < 250 && kill((pid_t)g->pid, 0) == 0; i++)
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
		CHECKF(kill((pid_t)g->pid, 0) < 0, "bblog record did not exit");
	}
	if (g->fd >= 0)
		close(g->fd);
}

/*
 * A file being written is never removed, though it is the oldest and,
 * with the index, over the limit alone: every finished file goes (said in
 * the index) and record says, once, that nothing is left to remove.
 */
static void t_retain_open(void)
{
	struct gbuf c = { 0 }, b = { 0 };
	struct golden gc[3];
	char tmp[256], name[64], *idx, *err;
	off_t tsize;
	size_t len;
	struct bg g;
	int i;

	golden_cont(&c, gc);
	for (i = 0; i < 5; i++)
		conn_msg(&b, i);
	if (bg_start(&g, "retain-open", "--max-size 1k") < 0)
		goto out;
	CHECK(write(g.fd, c.p, DUMP_LEN) == (ssize_t)DUMP_LEN);
	snprintf(tmp, sizeof(tmp), "." F_CONT ".tmp");
	for (i = 0; i < 250 && fsize(g.dir, tmp) <= 0; i++)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	tsize = fsize(g.dir, tmp);
	CHECK(tsize > 0);
	CHECK(write(g.fd, b.p, b.len) == (ssize_t)b.len);
	snprintf(name, sizeof(name), "\"removed\":\"%s\"", conn_name(4));
	CHECKF(wait_text(g.dir, name), "no removal of %s", conn_name(4));
	CHECK_EQ(fsize(g.dir, tmp), tsize);
	for (i = 0; i < 5; i++)
		CHECKF(fsize(g.dir, conn_name(i)) < 0, "%s kept", conn_name(i));
	/* the rest of the connection: its file finished, then removed too */
	CHECK(write(g.fd, c.p + DUMP_LEN, c.len - DUMP_LEN) == (ssize_t)(c.len - DUMP_LEN));
	CHECK(wait_text(g.dir, "\"removed\":\"" F_CONT "\""));
	bg_stop(&g);
	idx = index_of(g.dir);
	CHECKF(idx && strstr(idx, "\"filename\":\"" F_CONT "\"") &&
	       strstr(idx, "\"filename\":\"" F_CONT "\"") < strstr(idx, "\"removed\":\"" F_CONT "\""),
	       "index: %s", idx ? idx : "");
	CHECK(idx && !strstr(idx, ".tmp"));
	free(idx);
	err = (char *)read_file(g.err, &len);
	CHECKF(err && strstr(err, ": removing the oldest files for the size limit") &&
	       strstr(err, "over the size limit of 1024: nothing finished left to remove"),
	       "stderr: %s", err ? err : "");
	free(err);
out:
	gbuf_free(&c);
	gbuf_free(&b);
}

/* Copy src to dir/name with modification time now - age seconds. */
static void aged_copy(const char *src, const char *dir, const char *name, long age)
{
	char path[4096];
	struct timespec t[2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(run(NULL, NULL, "cp '%s' '%s'", src, path) == 0);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age;
	t[1] = t[0];
	CHECK(utimensat(AT_FDCWD, path, t, 0) == 0);
}

/*
 * At start, a directory over its limits: the files older than --max-age
 * go, then the oldest of the others until under --max-size; files that are
 * not capture files stay, and count for nothing.
 */
static void t_retain_start(void)
{
	static const struct { const char *name; long age; } f[] = {
		{ "a_1_192.0.2.9_2.0.pcapng", 5 * 86400 },
		{ "b_1_192.0.2.9_2.0.pcapng.xz", 3 * 86400 },
		{ "c_1_192.0.2.9_2.0.pcapng", 1800 },
		{ "d_1_192.0.2.9_2.0.pcapng", 1200 },
		{ "e_1_192.0.2.9_2.0.pcapng", 600 },
		{ "f_1_192.0.2.9_2.0.pcapng", 60 },
	};
	char ref[4096], dir[4096], *idx, *err = NULL, *ls = NULL, *line, *save = NULL, v[128];
	struct gbuf b = { 0 };
	off_t s = conn_size(NULL);
	const char *d;
	int i, rc, n = 0;

	conn_msg(&b, 0);
	d = record_stream("retain-start-ref", &b, NULL);
	snprintf(ref, sizeof(ref), "%s/%s", d, conn_name(0));
	snprintf(dir, sizeof(dir), "%s/out-retain-start", tmpdir());
	CHECK(mkdir(dir, 0755) == 0);
	for (i = 0; i < 6; i++)
		aged_copy(ref, dir, f[i].name, f[i].age);
	aged_copy(ref, dir, "notes.txt", 9 * 86400);
	CHECK(write_file(path_in_tmp("empty.raw"), "", 0) == 0);
	/* room for two files and the index's 4 removal lines (~105 bytes) */
	rc = run(NULL, &err, "'%s' record -D '%s' -f '%s' --max-age 2d --max-size %lld",
		 bblog_bin(), dir, path_in_tmp("empty.raw"), (long long)(2 * s + 500));
	CHECK_EQ(rc, 0);
	CHECKF(err && strstr(err, "removing the oldest files for the age limit") &&
	       strstr(err, "removing the oldest files for the size limit"), "stderr: %s",
	       err ? err : "");
	CHECK(run(&ls, NULL, "ls -A '%s'", dir) == 0);
	CHECKF(ls && !strcmp(ls, "e_1_192.0.2.9_2.0.pcapng\nf_1_192.0.2.9_2.0.pcapng\n"
			     "notes.txt\nrecords\n"), "files: %s", ls ? ls : "");
	idx = index_of(dir);
	for (line = idx ? strtok_r(idx, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		CHECK(n < 4 && json_get(line, "removed", v, sizeof(v)) && !strcmp(v, f[n].name));
		CHECK(json_get(line, "limit", v, sizeof(v)) && !strcmp(v, n < 2 ? "age" : "size"));
	}
	CHECK_EQ(n, 4);
	free(idx);
	free(ls);
	free(err);
	/* unlimited: nothing goes */
	aged_copy(ref, dir, f[0].name, f[0].age);
	rc = run(NULL, NULL, "'%s' record -D '%s' -f '%s' --max-size unlimited --max-age none",
		 bblog_bin(), dir, path_in_tmp("empty.raw"));
	CHECK_EQ(rc, 0);
	CHECK(fsize(dir, f[0].name) == s);
	gbuf_free(&b);
}

/* merge -D --cookie leaves out the files the index says were removed. */
static void t_retain_merge(void)
{
	struct gbuf b = { 0 };
	struct golden gc[3];
	char out[4096], *err = NULL, *js = NULL;
	const char *d;
	int rc;

	golden_cont(&b, gc);
	d = record_stream("retain-merge", &b, "-s 1");
	CHECK(run(NULL, NULL, "touch -d '2 days ago' '%s/" F_CONT "'", d) == 0);
	CHECK(write_file(path_in_tmp("empty.raw"), "", 0) == 0);
	rc = run(NULL, NULL, "'%s' record -D '%s' -f '%s' --max-age 1d", bblog_bin(), d,
		 path_in_tmp("empty.raw"));
	CHECK_EQ(rc, 0);
	CHECK(fsize(d, F_CONT) < 0);
	snprintf(out, sizeof(out), "%s/retain-merged.pcapng", tmpdir());
	rc = run(NULL, &err, "'%s' merge -o '%s' -D '%s' --cookie 777", bblog_bin(), out, d);
	CHECK_EQ(rc, 0);
	CHECKF(err && strstr(err, F_CONT ": removed (age limit), left out"),
	       "stderr: %s", err ? err : "");
	rc = run(&js, NULL, "'%s' show --json '%s' | grep -c '\"sn\"'", bblog_bin(), out);
	CHECKF(js && !strcmp(js, "8\n"), "records: %s", js ? js : "");
	free(err);
	free(js);
	gbuf_free(&b);
}

static void t_retain_options(void)
{
	char *err = NULL;
	int rc;

	rc = run(NULL, &err, "'%s' record -D /tmp -f /dev/null --max-size 10X", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "bad directory size limit '10X'"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' record -D /tmp -f /dev/null --max-age 3y", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "bad age limit '3y'"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' record -D /tmp -f /dev/null --max-age", bblog_bin());
	CHECK_EQ(rc, 2);
	free(err);
}

void suite_retain(void)
{
	tap_run(t_retain_size, "retain: --max-size keeps the directory under it, oldest removed first, each said in the index");
	tap_run(t_retain_open, "retain: a file being written is never removed, even over the limit alone");
	tap_run(t_retain_start, "retain: at start, --max-age then --max-size, other files left alone; unlimited removes nothing");
	tap_run(t_retain_merge, "retain: merge -D --cookie leaves out a removed file, says so");
	tap_run(t_retain_options, "retain: bad --max-size and --max-age refused");
}
