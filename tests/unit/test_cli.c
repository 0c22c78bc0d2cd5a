// SPDX-License-Identifier: GPL-2.0
/* End-to-end tests of the bblog command: record, raw, show, set/get/dump. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "expect.h"
#include "gen.h"
#include "tap.h"
#include "tests.h"

#define F_V4	"web_.._.._etc_passwd_443_198.51.100.2_51000.0.pcapng"
#define F_V6	"UNKNOWN_8080_2001:db8:ffff::2_40000.0.pcapng"
#define F_CONT	"cont_443_198.51.100.2_51000.0.pcapng"

static void build_all(struct gbuf *b, struct golden *g4, struct golden *g6,
		      struct golden gc[3])
{
	golden_v4(b, g4);
	golden_unknown(b);
	golden_v6(b, g6);
	golden_cont(b, gc);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* The line of the records index whose filename is name. */
static char *index_line(const char *records, const char *name, char *buf, size_t len)
{
	char key[512];
	const char *p, *e;

	snprintf(key, sizeof(key), "\"filename\":\"%s\"", name);
	p = records ? strstr(records, key) : NULL;
	if (!p)
		return NULL;
	while (p > records && p[-1] != '\n')
		p--;
	e = strchr(p, '\n');
	if (!e || (size_t)(e - p) >= len)
		return NULL;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = 0;
	return buf;
}

static void check_index(const char *line, const struct golden *g, int ng,
			const char *name, uint64_t lost)
{
	const struct bblog_dump *d = &g[0].dump;
	char v[256];
	uint64_t first = expect_wall_us(d, &g[0].recs[0]);
	uint64_t last = expect_wall_us(&g[ng - 1].dump, &g[ng - 1].recs[g[ng - 1].n - 1]);
	char dur[64];
	uint32_t n = 0;
	int i;

	CHECKF(line != NULL, "no index line for %s", name);
	if (!line)
		return;
	for (i = 0; i < ng; i++)
		n += g[i].n;
	CHECK(json_get(line, "id", v, sizeof(v)) && !strcmp(v, d->id[0] ? d->id : "UNKNOWN"));
	CHECK(json_get(line, "reason", v, sizeof(v)) && !strcmp(v, "error:test"));
	CHECK(json_get(line, "tag", v, sizeof(v)) && !strcmp(v, d->tag));
	CHECK(json_get(line, "filename", v, sizeof(v)) && !strcmp(v, name));
	CHECK(json_get(line, "lport", v, sizeof(v)) && !strcmp(v, d->family == 10 ? "8080" : "443"));
	CHECK(json_get(line, "fport", v, sizeof(v)) && !strcmp(v, d->family == 10 ? "40000" : "51000"));
	CHECK(json_get(line, "laddr", v, sizeof(v)) && !strcmp(v, d->family == 10 ? "2001:db8::1" : "192.0.2.1"));
	CHECK(json_get(line, "faddr", v, sizeof(v)) && !strcmp(v, d->family == 10 ? "2001:db8:ffff::2" : "198.51.100.2"));
	CHECK(json_get(line, "record_count", v, sizeof(v)) && strtoul(v, NULL, 10) == n);
	CHECK(json_get(line, "connection_ended", v, sizeof(v)) && !strcmp(v, "true"));
	CHECK(json_get(line, "lost_records", v, sizeof(v)) && strtoull(v, NULL, 10) == lost);
	CHECK(json_get(line, "cookie", v, sizeof(v)) && strtoull(v, NULL, 10) == d->cookie);
	CHECK(json_get(line, "netns", v, sizeof(v)) && strtoull(v, NULL, 10) == d->netns);
	snprintf(dur, sizeof(dur), "%llu.%06llu", (unsigned long long)((last - first) / 1000000),
		 (unsigned long long)((last - first) % 1000000));
	CHECKF(json_get(line, "duration", v, sizeof(v)) && !strcmp(v, dur), "duration %s want %s", v, dur);
	CHECK(json_get(line, "date", v, sizeof(v)) && strlen(v) == 25);
}

static void t_record_naming(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6, gc[3];
	char path[4096], *ls = NULL, *records, buf[2048];
	const char *d;
	size_t len;

	build_all(&b, &g4, &g6, gc);
	d = record_stream("all", &b, NULL);
	CHECK(run(&ls, NULL, "ls -A '%s'", d) == 0);
	CHECKF(ls && !strcmp(ls, F_V6 "\n" F_CONT "\nrecords\n" F_V4 "\n"), "files: %s", ls);
	free(ls);
	snprintf(path, sizeof(path), "%s/records", d);
	records = (char *)read_file(path, &len);
	CHECK_EQ(count_lines(records), 3);
	check_index(index_line(records, F_V4, buf, sizeof(buf)), &g4, 1, F_V4, 4);
	check_index(index_line(records, F_V6, buf, sizeof(buf)), &g6, 1, F_V6, 0);
	check_index(index_line(records, F_CONT, buf, sizeof(buf)), gc, 3, F_CONT, 2);
	free(records);
	gbuf_free(&b);
}

/* A LOST message: record says how much the kernel dropped, keeps the rest. */
static void t_record_lost(void)
{
	struct bblog_lost l = { { BBLOG_VERSION, BBLOG_MSG_LOST, sizeof(l) }, 4, 228 };
	struct gbuf b = { 0 };
	struct golden g;
	char raw[4096], *err = NULL, *ls = NULL;
	const char *d;

	gbuf_add(&b, &l, sizeof(l));
	golden_v4(&b, &g);
	snprintf(raw, sizeof(raw), "%s/lost.raw", tmpdir());
	write_file(raw, b.p, b.len);
	d = record_stream("lost", &b, NULL);
	CHECK(run(NULL, &err, "'%s' record -D '%s' -f '%s'", bblog_bin(), d, raw) == 0);
	CHECKF(err && strstr(err, "dropped 4 dumps (228 records) unread"), "stderr: %s",
	       err ? err : "");
	CHECK(run(&ls, NULL, "ls -A '%s'", d) == 0);
	CHECKF(ls && strstr(ls, ".pcapng"), "files: %s", ls ? ls : "");
	free(err);
	free(ls);
	gbuf_free(&b);
}

/* Records of a file as `show --json` sees them: sn list and skipped counts. */
static char *show_json(const char *path, int *rc)
{
	char *out = NULL;

	*rc = run(&out, NULL, "'%s' show --json '%s'", bblog_bin(), path);
	return out;
}

static void t_record_continual(void)
{
	struct gbuf b = { 0 };
	struct golden gc[3];
	char path[4096], *out, *line, *save = NULL, v[64];
	const char *d;
	int rc, i = 0, j = 0, skipped = 0;

	golden_cont(&b, gc);
	d = record_stream("cont", &b, NULL);
	snprintf(path, sizeof(path), "%s/" F_CONT, d);
	out = show_json(path, &rc);
	CHECK_EQ(rc, 0);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		if (json_get(line, "skipped", v, sizeof(v))) {
			CHECK_EQ(strtoul(v, NULL, 10), 2);
			CHECK(i == 2 && j == 0);
			skipped++;
			continue;
		}
		CHECK(i < 3);
		if (i >= 3)
			break;
		CHECK(json_get(line, "sn", v, sizeof(v)) && strtoul(v, NULL, 10) == gc[i].recs[j].sn);
		if (++j == 4) {
			j = 0;
			i++;
		}
	}
	CHECK_EQ(i, 3);
	CHECK_EQ(skipped, 1);
	free(out);
	gbuf_free(&b);
}

static void t_record_size_limit(void)
{
	struct gbuf b = { 0 };
	struct golden gc[3];
	char path[4096], *out, *ls = NULL;
	const char *d;
	int rc;

	golden_cont(&b, gc);
	d = record_stream("limit", &b, "-s 1");
	CHECK(run(&ls, NULL, "ls -A '%s'", d) == 0);
	CHECKF(ls && !strcmp(ls, "cont_443_198.51.100.2_51000.0.pcapng\ncont_443_198.51.100.2_51000.1.pcapng\n"
			     "cont_443_198.51.100.2_51000.2.pcapng\nrecords\n"), "files: %s", ls);
	free(ls);
	/* serial continuity across files: no loss at the start of .1, 2 lost before .2 */
	snprintf(path, sizeof(path), "%s/cont_443_198.51.100.2_51000.1.pcapng", d);
	out = show_json(path, &rc);
	CHECK(rc == 0 && out && !strstr(out, "skipped") && count_lines(out) == 4);
	free(out);
	snprintf(path, sizeof(path), "%s/cont_443_198.51.100.2_51000.2.pcapng", d);
	out = show_json(path, &rc);
	CHECKF(rc == 0 && out && strstr(out, ",\"time\":null,\"skipped\":2}\n") &&
	       strstr(out, "\"skipped\"") < strstr(out, "\"sn\":10,"), "show: %s", out);
	free(out);
	snprintf(path, sizeof(path), "%s/records", d);
	out = (char *)read_file(path, &(size_t){ 0 });
	CHECK_EQ(count_lines(out), 3);
	CHECK(out && strstr(out, "\"frag_seq\":2") && strstr(out, "\"connection_ended\":false"));
	free(out);
	gbuf_free(&b);
}

/* The serial numbers (and lost counts, as "-N") of show --json output. */
static void sn_list(const char *json, char *buf, size_t len)
{
	const char *p = json;
	size_t o = 0;

	buf[0] = 0;
	while (p && *p && o + 16 < len) {
		const char *sn = strstr(p, "\"sn\":"), *sk = strstr(p, "\"skipped\":");
		const char *nl = strchr(p, '\n');

		if (!nl)
			break;
		if (sk && sk < nl)
			o += (size_t)snprintf(buf + o, len - o, "-%ld ", strtol(sk + 10, NULL, 10));
		else if (sn && sn < nl)
			o += (size_t)snprintf(buf + o, len - o, "%ld ", strtol(sn + 5, NULL, 10));
		p = nl + 1;
	}
}

/* merge: the files -s cut a connection into are one file again. */
static void t_merge(void)
{
	struct gbuf b = { 0 };
	struct golden gc[3], g4, g6;
	char f[3][4096], out1[4096], out2[4096], list[512], *o = NULL, *err = NULL;
	const char *d, *d4;
	int rc, i;

	golden_cont(&b, gc);
	d = record_stream("merge", &b, "-s 1");
	for (i = 0; i < 3; i++)
		snprintf(f[i], sizeof(f[i]), "%s/cont_443_198.51.100.2_51000.%d.pcapng", d, i);
	snprintf(out1, sizeof(out1), "%s/merged.pcapng", tmpdir());
	snprintf(out2, sizeof(out2), "%s/merged-by-cookie.pcapng", tmpdir());
	/* in any order: put back by serial number; the lost records stay said once */
	rc = run(NULL, &err, "'%s' merge -o '%s' '%s' '%s' '%s'", bblog_bin(), out1, f[2], f[0], f[1]);
	CHECKF(rc == 0, "%s", err ? err : "");
	free(err);
	err = NULL;
	o = show_json(out1, &rc);
	sn_list(o, list, sizeof(list));
	CHECKF(rc == 0 && !strcmp(list, "0 1 2 3 4 5 6 7 -2 10 11 12 13 "), "merged: %s", list);
	free(o);
	/* the same from the records index */
	rc = run(NULL, &err, "'%s' merge -o '%s' -D '%s' --cookie 777", bblog_bin(), out2, d);
	CHECKF(rc == 0, "%s", err ? err : "");
	free(err);
	err = NULL;
	CHECK(run(NULL, NULL, "cmp -s '%s' '%s'", out1, out2) == 0);
	/* as pictures: a bar per segment sent, the Linux values, nothing loaded */
	snprintf(out2, sizeof(out2), "%s/merged.html", tmpdir());
	CHECK(run(NULL, NULL, "'%s' plot -o '%s' '%s'", bblog_bin(), out2, out1) == 0);
	o = (char *)read_file(out2, &(size_t){ 0 });
	CHECK(o != NULL);
	if (o) {
		char *q;
		int segs = 0;

		for (q = o; (q = strstr(q, "<line class=\"seg\"")); q++)
			segs++;
		CHECK_EQ(segs, 6);
		CHECK(strstr(o, "<polyline class=\"cwnd\"") && strstr(o, "<polyline class=\"srtt\"") &&
		      strstr(o, "<polyline class=\"pacing\""));
		/* the one script is inline (test_plot.c checks the page further) */
		CHECK(strstr(o, "<script>\n") && !strstr(o, "src=") && !strstr(o, "href=") &&
		      !strstr(o, "url("));
		free(o);
		o = NULL;
	}
	unlink(out2);
	/* the whole connection on one screen */
	CHECK(run(&o, NULL, "'%s' show --summary '%s'", bblog_bin(), out1) == 0);
	CHECKF(o && strstr(o, "198.51.100.2") && strstr(o, " 12 records (6 packets out, 0 in), 2 lost\n") &&
	       strstr(o, "srtt min 5.000 ms, avg 5.006 ms, max 5.013 ms") &&
	       strstr(o, "still open at the last dump"), "summary: %s", o ? o : "");
	free(o);
	o = NULL;
	CHECK(run(&o, NULL, "'%s' show --summary --json '%s'", bblog_bin(), out1) == 0);
	CHECKF(o && strstr(o, "\"records\":12,\"lost\":2,") && strstr(o, "\"srtt_avg_us\":5006"),
	       "summary: %s", o ? o : "");
	free(o);
	o = NULL;
	if (have_cmd("tshark")) {
		CHECK(run(&o, NULL, "tshark -r '%s' | wc -l", out1) == 0);
		CHECKF(o && atoi(o) == 13, "tshark: %s", o ? o : "");
		free(o);
		o = NULL;
	}
	/* refused: the output exists, a file twice, another connection, a cut file */
	CHECK(run(NULL, &err, "'%s' merge -o '%s' '%s'", bblog_bin(), out1, f[0]) == 1);
	CHECKF(err && strstr(err, "exists"), "%s", err ? err : "");
	free(err);
	err = NULL;
	unlink(out2);
	CHECK(run(NULL, &err, "'%s' merge -o '%s' '%s' '%s'", bblog_bin(), out2, f[0], f[0]) == 1);
	CHECKF(err && strstr(err, "overlap"), "%s", err ? err : "");
	free(err);
	err = NULL;
	gbuf_free(&b);
	memset(&b, 0, sizeof(b));
	golden_v4(&b, &g4);
	golden_v6(&b, &g6);
	d4 = record_stream("merge-other", &b, NULL);
	snprintf(list, sizeof(list), "%s/" F_V4, d4);
	CHECK(run(NULL, &err, "'%s' merge -o '%s' '%s' '%s'", bblog_bin(), out2, f[0], list) == 1);
	CHECKF(err && strstr(err, "another connection"), "%s", err ? err : "");
	free(err);
	err = NULL;
	CHECK(run(NULL, NULL, "head -c 200 '%s' > '%s/cut.pcapng'", f[1], tmpdir()) == 0);
	CHECK(run(NULL, &err, "'%s' merge -o '%s' '%s' '%s/cut.pcapng'", bblog_bin(), out2, f[0],
		  tmpdir()) == 1);
	CHECKF(err && strstr(err, "not a whole pcapng"), "%s", err ? err : "");
	free(err);
	CHECK(access(out2, F_OK) != 0);
	gbuf_free(&b);
}

static void t_record_chunked(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6, gc[3];
	const char *names[] = { F_V4, F_V6, F_CONT };
	char raw[4096], dir[4096], p1[4096], p2[4096], *o1, *o2, *err = NULL;
	const char *d;
	int rc, i;

	build_all(&b, &g4, &g6, gc);
	d = record_stream("whole", &b, NULL);
	snprintf(raw, sizeof(raw), "%s/whole.raw", tmpdir());
	snprintf(dir, sizeof(dir), "%s/out-chunked", tmpdir());
	/* through a pipe, read 7 bytes at a time */
	rc = run(NULL, &err, "mkdir -p '%s' && cat '%s' | '%s' record -b 7 -D '%s' -f -",
		 dir, raw, bblog_bin(), dir);
	CHECKF(rc == 0, "%s", err ? err : "");
	free(err);
	for (i = 0; i < 3; i++) {
		snprintf(p1, sizeof(p1), "%s/%s", d, names[i]);
		snprintf(p2, sizeof(p2), "%s/%s", dir, names[i]);
		/* same output when the file names are the same */
		rc = run(&o1, NULL, "cd '%s' && '%s' show --json '%s'", d, bblog_bin(), names[i]);
		CHECK_EQ(rc, 0);
		rc = run(&o2, NULL, "cd '%s' && '%s' show --json '%s'", dir, bblog_bin(), names[i]);
		CHECK_EQ(rc, 0);
		CHECK(o1 && o2 && count_lines(o1) > 3 && !strcmp(o1, o2));
		free(o1);
		free(o2);
	}
	gbuf_free(&b);
}

static void t_record_xz(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6, gc[3];
	char p1[4096], p2[4096], *o1, *o2, *ls = NULL;
	const char *d, *dj;
	int rc;

	build_all(&b, &g4, &g6, gc);
	d = record_stream("plain", &b, NULL);
	dj = record_stream("xz", &b, "-J");
	CHECK(run(&ls, NULL, "ls -A '%s'", dj) == 0);
	CHECKF(ls && !strcmp(ls, F_V6 ".xz\n" F_CONT ".xz\nrecords\n" F_V4 ".xz\n"), "files: %s", ls);
	free(ls);
	CHECK(run(&ls, NULL, "grep -c '\"compressor\":\"xz\"' '%s/records'", dj) == 0 && ls && !strcmp(ls, "3\n"));
	free(ls);
	/* show reads .xz directly and prints what it prints for the plain file */
	snprintf(p1, sizeof(p1), "%s/%s", d, F_V4);
	snprintf(p2, sizeof(p2), "%s/%s.xz", dj, F_V4);
	rc = run(&o1, NULL, "'%s' show '%s'", bblog_bin(), p1);
	CHECK_EQ(rc, 0);
	rc = run(&o2, NULL, "'%s' show '%s'", bblog_bin(), p2);
	CHECK_EQ(rc, 0);
	CHECK(o1 && o2 && !strcmp(o1, o2) && count_lines(o1) == 10);
	free(o1);
	free(o2);
	/* and xz -dc gives a pcapng with the same records */
	rc = run(&o2, NULL, "xz -dc '%s' > '%s/v4.pcapng' && '%s' show '%s/v4.pcapng'",
		 p2, tmpdir(), bblog_bin(), tmpdir());
	rc = run(&o1, NULL, "'%s' show '%s'", bblog_bin(), p1);
	CHECK(o1 && o2 && !strcmp(o1, o2));
	free(o1);
	free(o2);
	gbuf_free(&b);
}

static void t_record_filters(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6, gc[3];
	char *ls = NULL;
	const char *d;

	build_all(&b, &g4, &g6, gc);
	d = record_stream("filt1", &b, "-r ERROR:");
	CHECK(run(&ls, NULL, "ls '%s' | wc -l", d) == 0 && ls && !strcmp(ls, "4\n"));
	free(ls);
	d = record_stream("filt2", &b, "-r nomatch");
	CHECK(run(&ls, NULL, "ls -A '%s'; wc -c < '%s/records'", d, d) == 0);
	CHECKF(ls && !strcmp(ls, "records\n0\n"), "%s", ls);
	free(ls);
	gbuf_free(&b);
}

static void t_record_redump(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char *ls = NULL;
	const char *d;

	/* the same connection dumped twice from seq 0 (two explicit dumps of a
	 * ring): two files, not one with overlapping records */
	golden_v4(&b, &g);
	g.dump.flags = 0;
	b.len = 0;
	gen_msg(&b, &g.dump, g.recs, g.n);
	gen_msg(&b, &g.dump, g.recs, g.n);
	d = record_stream("redump", &b, NULL);
	CHECK(run(&ls, NULL, "ls '%s'", d) == 0);
	CHECKF(ls && strstr(ls, "51000.0.pcapng") && strstr(ls, "51000.1.pcapng"), "%s", ls);
	free(ls);
	CHECK(run(&ls, NULL, "grep -c '\"record_count\":9,' '%s/records'", d) == 0 && ls && !strcmp(ls, "2\n"));
	free(ls);
	gbuf_free(&b);
}

static void t_record_corrupt(void)
{
	char *err = NULL, *ls = NULL, dir[4096];
	size_t len;
	unsigned char *p = read_file(path_in_tmp("corrupt.raw"), &len);
	int rc, i;

	CHECK(p != NULL && len > 0);
	snprintf(dir, sizeof(dir), "%s/out-corrupt", tmpdir());
	/* corrupt.raw (from the stream tests) plus a truncated tail */
	rc = run(NULL, &err, "mkdir -p '%s' && head -c 1000 '%s' >> '%s' && '%s' record -D '%s' -f '%s'",
		 dir, path_in_tmp("all.raw"), path_in_tmp("corrupt.raw"), bblog_bin(), dir,
		 path_in_tmp("corrupt.raw"));
	CHECKF(rc == 0, "exit %d: %s", rc, err ? err : "");
	CHECKF(err && strstr(err, "corrupt message") && strstr(err, "record_size 100") &&
	       strstr(err, "truncated message"), "stderr: %s", err);
	free(err);
	CHECK(run(&ls, NULL, "ls -A '%s'", dir) == 0);
	/* v4 once framed-corrupt part, v4 and v6 twice in the resync part */
	CHECKF(ls && !strcmp(ls, "UNKNOWN_8080_2001:db8:ffff::2_40000.0.pcapng\n"
			     "UNKNOWN_8080_2001:db8:ffff::2_40000.1.pcapng\nrecords\n"
			     F_V4 "\nweb_.._.._etc_passwd_443_198.51.100.2_51000.1.pcapng\n"), "files: %s", ls);
	free(ls);
	/* a file of random bytes and mutated copies of a good stream */
	for (i = 0; i < 20; i++) {
		unsigned char *q = malloc(len);
		size_t k;

		memcpy(q, p, len);
		srand((unsigned)i);
		for (k = 0; k < 30; k++)
			q[(size_t)rand() % len] = (unsigned char)rand();
		write_file(path_in_tmp("mut.raw"), q, i < 10 ? len : (size_t)rand() % len);
		rc = run(NULL, NULL, "rm -rf '%s/m' && mkdir '%s/m' && '%s' record -D '%s/m' -f '%s'",
			 tmpdir(), tmpdir(), bblog_bin(), tmpdir(), path_in_tmp("mut.raw"));
		CHECKF(rc == 0, "mutation %d: exit %d", i, rc);
		if (i == 5)
			seed("fuzz_stream", "mutated", q, len);
		free(q);
	}
	free(p);
}

static void t_record_odd_ids(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char want1[128], want2[128], line[4096], *records, *ls = NULL, v[256];
	const char *d;
	size_t len;
	int i;

	golden_v4(&b, &g);
	b.len = 0;
	/* 64 bytes, no NUL: quote, backslash, slash, dots, control, non-ASCII */
	memcpy(g.dump.id, "q\"t\\s/..\x01\xe9", 10);
	memset(g.dump.id + 10, 'x', 54);
	gen_msg(&b, &g.dump, g.recs, g.n);
	g.dump.cookie++;
	memset(g.dump.id, 0, sizeof(g.dump.id));
	strcpy(g.dump.id, "../../x");
	gen_msg(&b, &g.dump, g.recs, g.n);
	d = record_stream("oddid", &b, NULL);
	snprintf(want1, sizeof(want1), "q_t_s_..__%.53s_443_198.51.100.2_51000.0.pcapng",
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	snprintf(want2, sizeof(want2), "_._.._x_443_198.51.100.2_51000.0.pcapng");
	CHECK(run(&ls, NULL, "ls -A '%s'", d) == 0);
	CHECKF(ls && strstr(ls, want1) && strstr(ls, want2) && count_lines(ls) == 3, "files: %s", ls);
	free(ls);
	snprintf(line, sizeof(line), "%s/records", d);
	records = (char *)read_file(line, &len);
	CHECK(index_line(records, want1, line, sizeof(line)) != NULL);
	/* the ID comes back byte for byte (63 bytes: the uapi's limit) */
	CHECK(json_get(line, "id", v, sizeof(v)) && strlen(v) == 63 &&
	      !memcmp(v, "q\"t\\s/..\x01\xe9", 10));
	for (i = 10; i < 63; i++)
		CHECK(v[i] == 'x');
	CHECK(index_line(records, want2, line, sizeof(line)) != NULL);
	CHECK(json_get(line, "id", v, sizeof(v)) && !strcmp(v, "../../x"));
	free(records);
	/* DUMPINFO carries the ID NUL-terminated, the readers still work */
	snprintf(line, sizeof(line), "%s/%s", d, want1);
	CHECK(run(&ls, NULL, "'%s' show '%s' | wc -l", bblog_bin(), line) == 0 && ls && !strcmp(ls, "10\n"));
	free(ls);
	if (have_cmd("tshark")) {
		CHECK(run(&ls, NULL, "tshark -r '%s' -Y bblog.event_id -T fields -e bblog.serial_nr | wc -l", line) == 0);
		CHECK(ls && !strcmp(ls, "6\n"));
		free(ls);
	}
	gbuf_free(&b);
}

static void t_record_user(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char dir[4096], path[4096], *err = NULL;
	struct passwd *pw = getpwnam("nobody");
	struct stat st;
	int rc;

	golden_v4(&b, &g);
	write_file(path_in_tmp("user.raw"), b.p, b.len);
	rc = run(NULL, &err, "'%s' record -u no-such-user-xyz -D '%s' -f '%s'", bblog_bin(),
		 tmpdir(), path_in_tmp("user.raw"));
	CHECK_EQ(rc, 1);
	CHECK(err && strstr(err, "unknown user 'no-such-user-xyz'"));
	free(err);
	if (geteuid() != 0 || !pw) {
		tap_skip("needs root and a user 'nobody'");
		gbuf_free(&b);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/out-user", tmpdir());
	CHECK(mkdir(dir, 0777) == 0 && chmod(dir, 0777) == 0);
	chmod(tmpdir(), 0755);
	rc = run(NULL, &err, "'%s' record -u nobody -D '%s' -f '%s'", bblog_bin(), dir,
		 path_in_tmp("user.raw"));
	CHECKF(rc == 0, "%s", err ? err : "");
	free(err);
	snprintf(path, sizeof(path), "%s/" F_V4, dir);
	CHECK(stat(path, &st) == 0 && st.st_uid == pw->pw_uid);
	snprintf(path, sizeof(path), "%s/records", dir);
	CHECK(stat(path, &st) == 0 && st.st_uid == pw->pw_uid);
	gbuf_free(&b);
}

static void t_raw(void)
{
	struct gbuf b = { 0 };
	struct golden g4, g6, gc[3];
	char *out = NULL, *err = NULL;
	unsigned char *p;
	size_t len, clen;
	int rc;

	build_all(&b, &g4, &g6, gc);
	write_file(path_in_tmp("raw-in.raw"), b.p, b.len);
	rc = run(NULL, &err, "'%s' raw -f '%s' -o '%s'", bblog_bin(),
		 path_in_tmp("raw-in.raw"), path_in_tmp("raw-out.raw"));
	CHECKF(rc == 0, "%s", err ? err : "");
	free(err);
	p = read_file(path_in_tmp("raw-out.raw"), &len);
	CHECK(p && len == b.len && !memcmp(p, b.p, len));
	free(p);
	/* corrupt input: only the whole, well-framed messages are kept */
	rc = run(NULL, &err, "'%s' raw -f '%s' > '%s'", bblog_bin(),
		 path_in_tmp("corrupt.raw"), path_in_tmp("raw-c.raw"));
	CHECK_EQ(rc, 0);
	CHECK(err && strstr(err, "corrupt message dropped"));
	free(err);
	p = read_file(path_in_tmp("raw-c.raw"), &clen);
	CHECK_EQ(clen, 2 * (sizeof(struct bblog_dump) + 9 * sizeof(struct bblog_record)) + 2 * (sizeof(struct bblog_dump) + 5 * sizeof(struct bblog_record)));
	free(p);
	rc = run(&out, NULL, "mkdir -p '%s/out-rawc' && '%s' record -D '%s/out-rawc' -f '%s' && ls '%s/out-rawc'",
		 tmpdir(), bblog_bin(), tmpdir(), path_in_tmp("raw-c.raw"), tmpdir());
	CHECKF(rc == 0 && out && !strcmp(out, "UNKNOWN_8080_2001:db8:ffff::2_40000.0.pcapng\n"
			     "UNKNOWN_8080_2001:db8:ffff::2_40000.1.pcapng\nrecords\n"
			     F_V4 "\nweb_.._.._etc_passwd_443_198.51.100.2_51000.1.pcapng\n"), "%s", out);
	free(out);
	gbuf_free(&b);
}

static void t_show_text(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096], *out = NULL;
	const char *d;
	int rc;

	golden_v4(&b, &g);
	d = record_stream("show", &b, NULL);
	snprintf(path, sizeof(path), "%s/" F_V4, d);
	rc = run(&out, NULL, "'%s' show '%s'", bblog_bin(), path);
	CHECK_EQ(rc, 0);
	CHECK_EQ(count_lines(out), 10);
	if (!out)
		return;
	/* boot offset 1700000000.500000123 s + 987.654321999 s + sn * 1.234567 ms */
	CHECK(strstr(out, "2023-11-14 22:29:48.166667     10 state              ESTABLISHED  SYN_SENT->ESTABLISHED cwnd 28960 ssthresh 43440 srtt 5010 snd_wnd 65010 rcv_wnd 64010\n"));
	CHECK(strstr(out, "     11 TCP_LOG_OUT        ESTABLISHED  192.0.2.1.443 > 198.51.100.2.51000 seq 3000000000 ack 12345 flags ...PA... len 100 cwnd 30408"));
	CHECK(strstr(out, "     12 TCP_LOG_IN         ESTABLISHED  198.51.100.2.51000 > 192.0.2.1.443 seq 12345 ack 3000000100 flags ....A... len 0"));
	CHECK(strstr(out, "\n4 events lost\n"));
	CHECK(strstr(out, "     17 ca-state           ESTABLISHED  Open->Recovery cwnd"));
	CHECK(strstr(out, "     18 retrans            ESTABLISHED  192.0.2.1.443 > 198.51.100.2.51000"));
	CHECK(strstr(out, "     19 TCP_LOG_RTO        CLOSE_WAIT   cwnd 41992 ssthresh 4294967295 srtt 5019"));
	CHECK(strstr(out, "     20 sk-error           ESTABLISHED  errno=104"));
	CHECK(strstr(out, "     22 TCP_LOG_CONNEND    CLOSED "));
	free(out);
	gbuf_free(&b);
}

static void t_show_json(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096], *out, *line, *save = NULL, v[128];
	const char *d;
	int rc;
	uint32_t i = 0;

	golden_v6(&b, &g);
	d = record_stream("showj", &b, NULL);
	snprintf(path, sizeof(path), "%s/" F_V6, d);
	out = show_json(path, &rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(count_lines(out), 5);
	CHECK(out && strstr(out, "\"event_name\":\"TCP_LOG_SOCKET_OPT\""));
	CHECK(out && strstr(out, "\"event_name\":\"rst-sent\""));
	CHECK(out && strstr(out, "\"state\":\"SYN_RECEIVED\""));
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line && i < g.n;
	     line = strtok_r(NULL, "\n", &save), i++) {
		const struct bblog_record *r = &g.recs[i];

		CHECK(line[0] == '{' && line[strlen(line) - 1] == '}');
		CHECK(json_get(line, "sn", v, sizeof(v)) && strtoul(v, NULL, 10) == r->sn);
		CHECK(json_get(line, "event", v, sizeof(v)) && strtoul(v, NULL, 10) == r->event);
		CHECK(json_get(line, "ts_us", v, sizeof(v)) && strtoull(v, NULL, 10) == expect_wall_us(&g.dump, r));
		CHECK(json_get(line, "cwnd", v, sizeof(v)) && strtoul(v, NULL, 10) == expect_at(&g.dump, r, 80));
		CHECK(json_get(line, "srtt", v, sizeof(v)) && strtoul(v, NULL, 10) == expect_at(&g.dump, r, 100));
		CHECK(json_get(line, "rcv_wnd", v, sizeof(v)) && strtoul(v, NULL, 10) == r->rcv_wnd);
		CHECK(json_get(line, "packet", v, sizeof(v)) && !strcmp(v, expect_has_hdr(r) ? "true" : "false"));
		if (expect_has_hdr(r)) {
			CHECK(json_get(line, "src", v, sizeof(v)) &&
			      !strcmp(v, expect_inbound(r) ? "2001:db8:ffff::2" : "2001:db8::1"));
			CHECK(json_get(line, "direction", v, sizeof(v)) &&
			      !strcmp(v, expect_inbound(r) ? "in" : "out"));
		}
	}
	CHECK_EQ(i, g.n);
	free(out);
	gbuf_free(&b);
}

static void t_show_corrupt(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096], *err = NULL;
	unsigned char *p, *q;
	const char *d;
	size_t len, cut;
	int rc, i, bad = 0;

	golden_v4(&b, &g);
	d = record_stream("showc", &b, NULL);
	snprintf(path, sizeof(path), "%s/" F_V4, d);
	p = read_file(path, &len);
	CHECK(p && len > 1000);
	if (!p)
		return;
	for (cut = 0; cut < len; cut += 53) {
		write_file(path_in_tmp("cut.pcapng"), p, cut);
		rc = run(NULL, NULL, "'%s' show '%s'", bblog_bin(), path_in_tmp("cut.pcapng"));
		if (rc != 1)
			bad++;
	}
	CHECKF(bad == 0, "%d truncations not reported with exit status 1", bad);
	q = malloc(len);
	for (i = 0; i < 40; i++) {
		int k;

		memcpy(q, p, len);
		srand((unsigned)i + 100);
		for (k = 0; k < 8; k++)
			q[(size_t)rand() % len] ^= (unsigned char)(1 + rand() % 255);
		write_file(path_in_tmp("mut.pcapng"), q, len);
		rc = run(NULL, NULL, "'%s' show --json '%s'", bblog_bin(), path_in_tmp("mut.pcapng"));
		CHECKF(rc == 0 || rc == 1, "mutation %d: exit %d", i, rc);
		if (i == 3)
			seed("fuzz_pcapread", "mutated", q, len);
	}
	free(q);
	rc = run(NULL, &err, "'%s' show /nonexistent '%s'", bblog_bin(), path_in_tmp("all.raw"));
	CHECK_EQ(rc, 1);
	CHECK(err && strstr(err, "/nonexistent: No such file") && strstr(err, "not a pcapng file"));
	free(err);
	free(p);
	gbuf_free(&b);
}

static void t_ctl(void)
{
	char *out = NULL, *err = NULL;
	int s = socket(AF_INET, SOCK_STREAM, 0), f, rc, loaded;

	CHECK(s >= 0);
	if (s < 0)
		return;
	f = open("/dev/null", O_RDONLY);
	rc = run(&out, &err, "'%s' get --fd %d", bblog_bin(), s);
	loaded = rc == 0;
	if (loaded) {
		CHECKF(out && strstr(out, "mode: ") && strstr(out, "id count: 0"), "%s", out);
	} else {
		CHECK_EQ(rc, 1);
		CHECKF(err && strstr(err, "getsockopt(BBLOG_SO_MODE): Protocol not available (is the tcp_bblog module loaded?)"),
		       "stderr: %s", err);
	}
	free(out);
	free(err);
	/* the same through pidfd_getfd on our own process */
	rc = run(&out, &err, "'%s' get --pid %ld --fd %d", bblog_bin(), (long)getpid(), s);
	if (rc == 1 && err && strstr(err, "pidfd_")) {
		tap_skip("pidfd_open/pidfd_getfd not usable here");
	} else {
		CHECK_EQ(rc, loaded ? 0 : 1);
		if (!loaded)
			CHECKF(err && strstr(err, "Protocol not available"), "stderr: %s", err);
	}
	free(out);
	free(err);
	rc = run(NULL, &err, "'%s' set --fd %d --mode tail --id x", bblog_bin(), f);
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "setsockopt(BBLOG_SO_ID): Socket operation on non-socket"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' set --fd %d --mode sideways", bblog_bin(), s);
	CHECK_EQ(rc, 1);
	CHECK(err && strstr(err, "bad mode 'sideways'"));
	free(err);
	rc = run(NULL, &err, "'%s' dump --fd %d", bblog_bin(), s);
	CHECK_EQ(rc, 1);
	CHECK(err && strstr(err, "--reason"));
	free(err);
	rc = run(NULL, &err, "'%s' dump --fd %d --id --reason oops", bblog_bin(), s);
	CHECK_EQ(rc, loaded ? 0 : 1);
	if (!loaded)
		CHECK(err && strstr(err, "setsockopt(BBLOG_SO_DUMPID)"));
	free(err);
	rc = run(NULL, &err, "'%s' get --pid 999999999 --fd 0", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECK(err && (strstr(err, "bad pid") || strstr(err, "pidfd_open")));
	free(err);
	close(f);
	close(s);
}

static void t_usage(void)
{
	char *out = NULL, *err = NULL;
	int rc;

	rc = run(&out, NULL, "'%s' --help", bblog_bin());
	CHECK_EQ(rc, 0);
	CHECK(out && strstr(out, "bblog record") && strstr(out, "bblog show") &&
	      strstr(out, "bblog dump"));
	free(out);
	rc = run(NULL, &err, "'%s'", bblog_bin());
	CHECK_EQ(rc, 2);
	CHECK(err && strstr(err, "usage:"));
	free(err);
	rc = run(NULL, &err, "'%s' frobnicate", bblog_bin());
	CHECK_EQ(rc, 2);
	CHECK(err && strstr(err, "unknown command 'frobnicate'"));
	free(err);
	rc = run(NULL, &err, "'%s' record -D /nonexistent-dir -f /dev/null", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECK(err && strstr(err, "/nonexistent-dir"));
	free(err);
	rc = run(NULL, &err, "'%s' record -f /nonexistent-input -D /tmp", bblog_bin());
	CHECK_EQ(rc, 1);
	free(err);
}

static void t_man(void)
{
	const char *man = getenv("BBLOG_MAN");
	char *out = NULL, *err = NULL;
	int rc;

	if (!man)
		man = "../../userspace/man/bblog.8";
	if (!have_cmd("groff")) {
		tap_skip("groff not installed");
		return;
	}
	rc = run(&out, &err, "groff -man -Tutf8 -ww -z '%s'", man);
	CHECK_EQ(rc, 0);
	CHECKF(err && !*err, "groff warnings: %s", err);
	free(out);
	free(err);
	rc = run(&out, &err, "groff -man -Tutf8 -P-cbou -ww '%s'", man);
	CHECK_EQ(rc, 0);
	CHECK(out && strstr(out, "bblog record") && strstr(out, "snd_cwnd") &&
	      strstr(out, "ENOPROTOOPT") && strstr(out, "records") &&
	      strstr(out, "rule add") && strstr(out, "FILTERS") &&
	      strstr(out, "--max-size") && strstr(out, "\"removed\"") &&
	      strstr(out, "BBLOG_PROC_ROOT"));
	free(out);
	free(err);
}

/* rule and the filter words: refusals before any request; the module may be absent. */
static void t_rule_cli(void)
{
	char *err = NULL;
	int rc;

	rc = run(NULL, &err, "'%s' rule", bblog_bin());
	CHECK_EQ(rc, 2);
	free(err);
	rc = run(NULL, &err, "'%s' rule frob", bblog_bin());
	CHECK_EQ(rc, 2);
	CHECKF(err && strstr(err, "unknown rule command 'frob'"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' rule add sport 99999 mode tail", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "bad port or range '99999' for sport"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' rule add sport 80", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "needs a mode"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' rule add mode tail lport 80", bblog_bin());
	CHECK_EQ(rc, 2);
	CHECKF(err && strstr(err, "'lport' is neither a filter nor an action word"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' set sport 80", bblog_bin());
	CHECK_EQ(rc, 2);
	free(err);
	rc = run(NULL, &err, "'%s' list dst 10.0.0.0/40", bblog_bin());
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "bad address or prefix"), "stderr: %s", err);
	free(err);
	rc = run(NULL, &err, "'%s' rule del x", bblog_bin());
	CHECK_EQ(rc, 1);
	free(err);
}

/* The bash completion offers the subcommands and the filter and action words. */
static void t_completion(void)
{
	const char *comp = getenv("BBLOG_COMPLETION");
	char *out = NULL;
	int rc;

	if (!comp)
		comp = "../../userspace/completion/bblog";
	if (!have_cmd("bash")) {
		tap_skip("bash not installed");
		return;
	}
	rc = run(&out, NULL, "bash -c '. \"%s\"; t() { COMP_WORDS=(\"$@\"); "
		 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _bblog; echo \"${COMPREPLY[*]}\"; }; "
		 "t bblog ru; t bblog rule \"\"; t bblog rule add sport 80 mo; "
		 "t bblog rule add mode he; t bblog list fam; t bblog rule add triggers rst-recv,rt'", comp);
	CHECK_EQ(rc, 0);
	CHECKF(out && !strcmp(out, "rule\nadd del list flush\nmode\nhead head-auto\nfamily\n"
			       "rst-recv,rto\n"), "got: %s", out ? out : "(null)");
	free(out);
}

static int wait_for(const char *path, int present, int ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < ms / 20; i++) {
		if ((access(path, F_OK) == 0) == present)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static long read_pid(const char *path)
{
	size_t len;
	char *s = (char *)read_file(path, &len);
	long pid = s ? strtol(s, NULL, 10) : 0;

	free(s);
	return pid;
}

static void t_daemon_signals(void)
{
	struct gbuf c = { 0 }, v = { 0 };
	struct golden gc[3], g4;
	char fifo[4096], dir[4096], pidf[4096], path[4096], *s;
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	long pid;
	size_t len;
	int fd, rc, i;

	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir());
	snprintf(dir, sizeof(dir), "%s/out-daemon", tmpdir());
	snprintf(pidf, sizeof(pidf), "%s/bblog.pid", tmpdir());
	CHECK(mkfifo(fifo, 0600) == 0 && mkdir(dir, 0755) == 0);
	fd = open(fifo, O_RDWR);	/* keeps the fifo open: no EOF */
	CHECK(fd >= 0);
	rc = run(NULL, NULL, "'%s' record -d -p '%s' -t 1 -D '%s' -f '%s'", bblog_bin(),
		 pidf, dir, fifo);
	CHECK_EQ(rc, 0);
	CHECK(wait_for(pidf, 1, 5000));
	pid = read_pid(pidf);
	CHECK(pid > 1 && kill((pid_t)pid, 0) == 0);
	if (pid <= 1 || fd < 0)
		return;
	golden_cont(&c, gc);
	/* first continual dump: the file stays open (temporary name) */
	CHECK(write(fd, c.p, sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record)) == sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record));
	snprintf(path, sizeof(path), "%s/." F_CONT ".tmp", dir);
	CHECK(wait_for(path, 1, 5000));
	/* idle timeout (-t 1) finishes it */
	CHECK(wait_for(path, 0, 5000));
	snprintf(path, sizeof(path), "%s/" F_CONT, dir);
	CHECK(access(path, F_OK) == 0);
	/* SIGHUP reopens the index */
	snprintf(path, sizeof(path), "mv '%s/records' '%s/records.old'", dir, dir);
	CHECK(system(path) == 0);
	CHECK(kill((pid_t)pid, SIGHUP) == 0);
	nanosleep(&ts, NULL);
	/* an open file at SIGTERM is finished */
	CHECK(write(fd, c.p + sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record), sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record)) == sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record));
	golden_v4(&v, &g4);
	CHECK(write(fd, v.p, v.len) == (ssize_t)v.len);
	snprintf(path, sizeof(path), "%s/" F_V4, dir);
	CHECK(wait_for(path, 1, 5000));
	CHECK(kill((pid_t)pid, SIGTERM) == 0);
	for (i = 0; i < 250 && kill((pid_t)pid, 0) == 0; i++)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	CHECKF(kill((pid_t)pid, 0) < 0, "bblog record did not exit on SIGTERM");
	CHECK(access(pidf, F_OK) < 0);
	snprintf(path, sizeof(path), "%s/cont_443_198.51.100.2_51000.1.pcapng", dir);
	CHECK(access(path, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/records.old", dir);
	s = (char *)read_file(path, &len);
	CHECK(count_lines(s) == 1 && strstr(s, F_CONT));
	free(s);
	snprintf(path, sizeof(path), "%s/records", dir);
	s = (char *)read_file(path, &len);
	CHECKF(count_lines(s) == 2 && strstr(s, F_V4) && strstr(s, "51000.1.pcapng"), "records: %s", s);
	free(s);
	close(fd);
	gbuf_free(&c);
	gbuf_free(&v);
}

void suite_cli(void)
{
	tap_run(t_record_naming, "record: one file per connection, sanitized IDs, records JSON parsed back");
	tap_run(t_record_lost, "record: a LOST message is reported on stderr, the dumps after it kept");
	tap_run(t_record_continual, "record: continual dumps appended to one file with serial gaps");
	tap_run(t_record_size_limit, "record: -s size limit starts .1, .2 with serial continuity");
	tap_run(t_record_chunked, "record: input read in 7-byte chunks from a pipe gives the same records");
	tap_run(t_merge, "merge: a connection's files joined in serial order, by name or by cookie; bad sets refused; show --summary of the whole");
	tap_run(t_record_xz, "record: -J writes .xz files that show and xz -d read back");
	tap_run(t_record_filters, "record: -r reason prefix filter (case-insensitive)");
	tap_run(t_record_redump, "record: a re-dump from seq 0 starts a new file");
	tap_run(t_record_corrupt, "record: corrupt, truncated and mutated input is reported, never a crash");
	tap_run(t_record_odd_ids, "record: 64-byte IDs with quotes, slashes, dots, control bytes sanitized in names, exact in JSON");
	tap_run(t_record_user, "record -u: switches user after opening, files owned by it");
	tap_run(t_raw, "raw: copies whole messages, drops corrupt ones");
	tap_run(t_show_text, "show: text lines with times, events, states, packets, losses");
	tap_run(t_show_json, "show: --json objects with the mapped values");
	tap_run(t_show_corrupt, "show: truncated and mutated pcapng reported, never a crash");
	tap_run(t_ctl, "set/get/dump: errno reported clearly (module absent, not a socket, bad args)");
	tap_run(t_usage, "usage: --help, no command, unknown command, bad directories");
	tap_run(t_man, "man page: groff -ww clean and covers commands, fields, errnos");
	tap_run(t_rule_cli, "rule, filters: bad words refused with a message before any request");
	tap_run(t_completion, "bash completion: subcommands, filter, action and trigger words");
	tap_run(t_daemon_signals, "record -d: pid file, idle timeout, SIGHUP reopens records, SIGTERM finishes files");
}
