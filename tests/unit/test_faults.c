// SPDX-License-Identifier: GPL-2.0
/*
 * Faults of the output: a write that fails part way is taken back out of
 * the file (commit/rollback of the writer and its back ends), bblog record
 * pauses while it cannot write and resumes without losing or duplicating a
 * record, says what it could not write when stopped, and recovers the files
 * of a run that was killed.  The failing writes come from RLIMIT_FSIZE
 * (EFBIG), which needs no privilege; the guest test 55-record-faults does
 * the same with a full tmpfs (ENOSPC).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "pcapng.h"
#include "pcapread.h"
#include "stream.h"
#include "tap.h"
#include "tests.h"

#define F_CONT	"cont_443_198.51.100.2_51000.0.pcapng"
#define F_V4	"web_.._.._etc_passwd_443_198.51.100.2_51000.0.pcapng"
#define F_V6	"UNKNOWN_8080_2001:db8:ffff::2_40000.0.pcapng"
#define DUMP_LEN	(sizeof(struct bblog_dump) + 4 * sizeof(struct bblog_record))		/* a golden_cont dump */

static void build_all(struct gbuf *b)
{
	struct golden g4, g6, gc[3];

	golden_v4(b, &g4);
	golden_unknown(b);
	golden_v6(b, &g6);
	golden_cont(b, gc);
}

/* The golden_cont dumps as parsed messages (valid while b lives). */
static void cont_msgs(struct gbuf *b, struct bblog_msg m[3])
{
	struct golden gc[3];
	size_t off = 0;
	int i;

	golden_cont(b, gc);
	for (i = 0; i < 3; i++) {
		CHECK(bblog_msg_parse(b->p + off, b->len - off, &m[i]) == 1);
		CHECK(m[i].kind == BBLOG_MSGK_DUMP);
		off += (size_t)m[i].length;
	}
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static int count_str(const char *s, const char *what)
{
	int n = 0;

	while (s && (s = strstr(s, what))) {
		n++;
		s++;
	}
	return n;
}

static off_t fsize(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* Block boundaries of a whole pcapng image (host byte order). */
static size_t boundaries(const unsigned char *p, size_t len, size_t *b, size_t max)
{
	size_t off = 0, n = 0;

	while (off + 12 <= len && n < max) {
		uint32_t blen;

		memcpy(&blen, p + off + 4, 4);
		off += blen;
		b[n++] = off;
	}
	CHECK_EQ(off, len);
	return n;
}

/* bblog_pr_prefix: a file cut anywhere keeps its whole blocks, no more. */
static void t_prefix(void)
{
	struct gbuf b = { 0 };
	struct bblog_msg m[3];
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	const unsigned char *img;
	unsigned char *bad;
	size_t len, bnd[64], nb, cut, i, want;

	cont_msgs(&b, m);
	CHECK(bblog_pcapng_open(&w, o, &m[0].dump, 1750000000, "t", NULL) == 0);
	for (i = 0; i < 3; i++)
		CHECK(bblog_pcapng_dump(&w, &m[i]) == 0);
	img = bblog_out_mem_data(o, &len);
	nb = boundaries(img, len, bnd, 64);
	CHECK(nb > 10);
	for (cut = 0; cut <= len; cut++) {
		want = 0;
		for (i = 0; i < nb && bnd[i] <= cut; i++)
			want = bnd[i];
		CHECKF(bblog_pr_prefix(img, cut) == want, "cut %zu: %zu, want %zu",
		       cut, bblog_pr_prefix(img, cut), want);
		if (tap_failed_now())
			break;
	}
	/* a trailer that disagrees ends the whole part */
	bad = malloc(len);
	memcpy(bad, img, len);
	bad[bnd[4] - 1] ^= 0x40;
	CHECK_EQ(bblog_pr_prefix(bad, len), bnd[3]);
	/* no section header first: nothing */
	CHECK_EQ(bblog_pr_prefix(img + bnd[0], len - bnd[0]), 0);
	free(bad);
	bblog_pcapng_close(&w);
	gbuf_free(&b);
}

/*
 * The writer's commit and rollback over memory: a dump taken back leaves
 * the bytes and the counters as they were; written again, the file is the
 * same as one written without the failure.
 */
static void t_rollback_mem(void)
{
	struct gbuf b = { 0 };
	struct bblog_msg m[3];
	struct bblog_out *o1 = bblog_out_mem(), *o2 = bblog_out_mem();
	struct bblog_pcapng w1, w2;
	struct bblog_record r;
	const unsigned char *p1, *p2;
	size_t l1, l2, committed;
	int i;

	cont_msgs(&b, m);
	CHECK(bblog_pcapng_open(&w1, o1, &m[0].dump, 1750000000, "t", NULL) == 0);
	CHECK(bblog_pcapng_open(&w2, o2, &m[0].dump, 1750000000, "t", NULL) == 0);
	for (i = 0; i < 3; i++)
		CHECK(bblog_pcapng_dump(&w1, &m[i]) == 0);
	CHECK(bblog_pcapng_dump(&w2, &m[0]) == 0 && bblog_pcapng_commit(&w2) == 0);
	bblog_out_mem_data(o2, &committed);
	/* half of dump 1 (a serial gap makes a skipped block too), then back */
	bblog_msg_record(&m[2], 0, &r);
	CHECK(bblog_pcapng_record(&w2, &m[2].dump, &r) == 0);
	CHECK(w2.records == 5 && w2.lost == 6);
	CHECK(bblog_pcapng_rollback(&w2) == 0);
	bblog_out_mem_data(o2, &l2);
	CHECK_EQ(l2, committed);
	CHECK(w2.records == 4 && w2.lost == 0 && w2.last_sn == 3 && w2.packets == 2);
	CHECK_EQ(o2->bytes, committed);
	for (i = 1; i < 3; i++)
		CHECK(bblog_pcapng_dump(&w2, &m[i]) == 0 && bblog_pcapng_commit(&w2) == 0);
	p1 = bblog_out_mem_data(o1, &l1);
	p2 = bblog_out_mem_data(o2, &l2);
	CHECK(l1 == l2 && !memcmp(p1, p2, l1));
	CHECK(w1.records == w2.records && w1.lost == w2.lost && w2.connend == w1.connend);
	bblog_pcapng_close(&w1);
	bblog_pcapng_close(&w2);
	gbuf_free(&b);
}

/*
 * The file back ends under a file size limit (EFBIG, as ENOSPC would): the
 * failed dump leaves nothing in the file; once the limit is raised it is
 * written again and the file is the same as one written in one go.
 */
static void rollback_file(int xz)
{
	struct gbuf b = { 0 };
	struct bblog_msg m[3];
	struct bblog_pcapng w;
	struct rlimit old, lim;
	char path[4096], err[256];
	unsigned char *data, *ref, *dec;
	size_t len, rlen, in, dlen;
	off_t one;
	int fd, i, rc, e;
	void (*prev)(int);

	cont_msgs(&b, m);
	snprintf(path, sizeof(path), "%s/rollback%s", tmpdir(), xz ? ".xz" : "");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(bblog_pcapng_open(&w, xz ? bblog_out_xz(fd) : bblog_out_fd(fd),
				&m[0].dump, 1750000000, "t", NULL) == 0);
	CHECK(bblog_pcapng_dump(&w, &m[0]) == 0 && bblog_pcapng_commit(&w) == 0);
	one = fsize(path);
	CHECK(one > 100);
	/* the second dump does not fit */
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)one + 200;
	prev = signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = bblog_pcapng_dump(&w, &m[1]);
	if (rc == 0)
		rc = bblog_pcapng_commit(&w);
	e = errno;
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	CHECK_EQ(rc, -1);
	CHECKF(e == EFBIG, "errno %d", e);
	CHECK(fsize(path) > one);		/* part of it reached the file */
	CHECK(bblog_pcapng_rollback(&w) == 0);
	CHECK_EQ(fsize(path), one);
	CHECK_EQ(w.records, 4);
	for (i = 1; i < 3; i++)
		CHECK(bblog_pcapng_dump(&w, &m[i]) == 0 && bblog_pcapng_commit(&w) == 0);
	CHECK(bblog_pcapng_close(&w) == 0);

	/* the same as one written without failing */
	CHECK(bblog_pr_load(path, &data, &len, err, sizeof(err)) == 0);
	{
		struct bblog_out *o = bblog_out_mem();
		struct bblog_pcapng w2;
		const unsigned char *p;

		CHECK(bblog_pcapng_open(&w2, o, &m[0].dump, 1750000000, "t", NULL) == 0);
		for (i = 0; i < 3; i++)
			CHECK(bblog_pcapng_dump(&w2, &m[i]) == 0);
		p = bblog_out_mem_data(o, &rlen);
		ref = malloc(rlen);
		memcpy(ref, p, rlen);
		bblog_pcapng_close(&w2);
	}
	CHECK(len == rlen && !memcmp(data, ref, len));
	if (xz) {
		/* three whole streams, one per dump */
		unsigned char *raw = read_file(path, &len);

		CHECK(bblog_pr_xz_prefix(raw, len, &in, &dec, &dlen) == 0);
		CHECK_EQ(in, len);
		CHECK(dlen == rlen && !memcmp(dec, ref, rlen));
		free(dec);
		free(raw);
	}
	free(data);
	free(ref);
	gbuf_free(&b);
}

static void t_rollback_fd(void) { rollback_file(0); }
static void t_rollback_xz(void) { rollback_file(1); }

static size_t next_cut(size_t cut, const size_t ends[3])
{
	size_t next = cut + 13;
	int k;

	for (k = 0; k < 3; k++)
		if (ends[k] > cut + 2 && ends[k] - 2 < next)
			next = ends[k] - 2;
		else if (cut + 1 >= ends[k] - 2 && cut + 1 <= ends[k] + 2 && cut + 1 < next)
			next = cut + 1;
	return next;
}

/* bblog_pr_xz_prefix: whole streams only, wherever the file is cut. */
static void t_xz_prefix(void)
{
	struct gbuf b = { 0 };
	struct bblog_msg m[3];
	struct bblog_pcapng w;
	char path[4096];
	unsigned char *raw, *dec;
	size_t len, ends[3], dends[3], cut, in, dlen, want, dwant;
	int fd, i, k;

	cont_msgs(&b, m);
	snprintf(path, sizeof(path), "%s/prefix.xz", tmpdir());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(bblog_pcapng_open(&w, bblog_out_xz(fd), &m[0].dump, 1750000000, "t", NULL) == 0);
	for (i = 0; i < 3; i++) {
		CHECK(bblog_pcapng_dump(&w, &m[i]) == 0 && bblog_pcapng_commit(&w) == 0);
		ends[i] = (size_t)fsize(path);
		dends[i] = (size_t)w.out->bytes;
	}
	CHECK(bblog_pcapng_close(&w) == 0);
	raw = read_file(path, &len);
	CHECK_EQ(len, ends[2]);
	seed("fuzz_pcapread", "xz-streams", raw, len);
	/* every 13th byte, and each side of every stream's end */
	for (cut = 0; cut <= len; cut = next_cut(cut, ends)) {
		want = dwant = 0;
		for (k = 0; k < 3 && ends[k] <= cut; k++) {
			want = ends[k];
			dwant = dends[k];
		}
		CHECK(bblog_pr_xz_prefix(raw, cut, &in, &dec, &dlen) == 0);
		CHECKF(in == want && dlen == dwant, "cut %zu: %zu/%zu, want %zu/%zu",
		       cut, in, dlen, want, dwant);
		free(dec);
		if (tap_failed_now())
			break;
	}
	free(raw);
	gbuf_free(&b);
}

/* ---- bblog record under faults ---- */

static int wait_text(const char *path, const char *text, int ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < ms / 20; i++) {
		size_t len;
		char *s = (char *)read_file(path, &len);
		int found = s && strstr(s, text);

		free(s);
		if (found)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int wait_size(const char *path, off_t size, int ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < ms / 20; i++) {
		if (fsize(path) == size)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* A bblog record in the background reading a fifo the test writes. */
struct bg {
	char dir[4096], fifo[4096], err[4096], rcf[4096], pidf[4096];
	long pid;
	int fd;
};

static int bg_start(struct bg *g, const char *name, const char *prefix,
		    const char *args)
{
	size_t len;
	char *s;

	snprintf(g->dir, sizeof(g->dir), "%s/out-%s", tmpdir(), name);
	snprintf(g->fifo, sizeof(g->fifo), "%s/%s.fifo", tmpdir(), name);
	snprintf(g->err, sizeof(g->err), "%s/%s.err", tmpdir(), name);
	snprintf(g->rcf, sizeof(g->rcf), "%s/%s.rc", tmpdir(), name);
	snprintf(g->pidf, sizeof(g->pidf), "%s/%s.pid", tmpdir(), name);
	g->pid = 0;
	CHECK(mkdir(g->dir, 0755) == 0 && mkfifo(g->fifo, 0600) == 0);
	/* no EOF until the test closes it (and bblog must not hold it) */
	g->fd = open(g->fifo, O_RDWR | O_CLOEXEC);
	CHECK(g->fd >= 0);
	if (g->fd < 0)
		return -1;
	CHECK(run(NULL, NULL, "(%s '%s' record -p '%s' -t 100 -D '%s' -f '%s' %s 2>'%s'; "
		  "echo $? > '%s') &", prefix, bblog_bin(), g->pidf, g->dir, g->fifo,
		  args, g->err, g->rcf) == 0);
	if (!wait_text(g->pidf, "\n", 5000))
		return -1;
	s = (char *)read_file(g->pidf, &len);
	g->pid = s ? strtol(s, NULL, 10) : 0;
	free(s);
	return g->pid > 1 ? 0 : -1;
}

/* Its exit status once it exits (-1: it did not within 10 s). */
static int bg_wait(struct bg *g)
{
	size_t len;
	char *s;
	int rc;

	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	if (!wait_text(g->rcf, "\n", 10000)) {
		kill((pid_t)g->pid, SIGKILL);
		return -1;
	}
	s = (char *)read_file(g->rcf, &len);
	rc = s ? atoi(s) : -1;
	free(s);
	return rc;
}

static char *file_in(const char *dir, const char *name)
{
	static char buf[4][4096];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 4096, "%s/%s", dir, name);
	return b;
}

/* show --json of dir/name, the names of the files taken out. */
static char *show(const char *dir, const char *name)
{
	char *out = NULL;
	int rc = run(&out, NULL, "cd '%s' && '%s' show --json '%s' | sed 's/\"file\":\"[^\"]*\"//'",
		     dir, bblog_bin(), name);

	CHECK_EQ(rc, 0);
	return out;
}

static void same_file(const char *d1, const char *n1, const char *d2, const char *n2)
{
	char *a = show(d1, n1), *b = show(d2, n2);

	CHECKF(a && b && count_lines(a) > 3 && !strcmp(a, b), "%s/%s differs from %s/%s",
	       d1, n1, d2, n2);
	free(a);
	free(b);
}

/* Every line of the index names a file of the directory, whole. */
static void check_index_files(const char *dir, int xz, int nlines)
{
	char *idx, *line, *save = NULL, v[512];
	size_t len;
	int n = 0;

	idx = (char *)read_file(file_in(dir, "records"), &len);
	CHECKF(idx && (!len || idx[len - 1] == '\n'), "index ends mid-line");
	for (line = idx ? strtok_r(idx, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned char *raw, *dec;
		size_t rlen, in, dlen;

		n++;
		CHECKF(json_get(line, "filename", v, sizeof(v)), "line %s", line);
		raw = read_file(file_in(dir, v), &rlen);
		CHECKF(raw != NULL, "%s indexed, not there", v);
		if (!raw)
			continue;
		if (xz) {
			CHECK(bblog_pr_xz_prefix(raw, rlen, &in, &dec, &dlen) == 0);
			CHECKF(in == rlen && dlen > 0, "%s: %zu of %zu bytes whole", v, in, rlen);
			free(dec);
		} else {
			CHECKF(bblog_pr_prefix(raw, rlen) == rlen, "%s not whole", v);
		}
		free(raw);
	}
	CHECK_EQ(n, nlines);
	free(idx);
}

/*
 * Output failing part way through a file: record pauses (says so once),
 * keeps the dump, writes it when the limit is raised, and the files and
 * index are the same as without the failure.
 */
static void record_pause(int xz)
{
	struct gbuf b = { 0 };
	struct bg g;
	const char *ref;
	char prefix[256], *ext = xz ? ".xz" : "", name[256], *s;
	size_t len;
	off_t limit;
	int rc;

	if (!have_cmd("prlimit")) {
		tap_skip("prlimit (util-linux) not installed");
		return;
	}
	build_all(&b);
	ref = record_stream(xz ? "pause-ref-xz" : "pause-ref", &b, xz ? "-J" : NULL);
	snprintf(name, sizeof(name), F_CONT "%s", ext);
	/* every file fits but the continual one with its last dump */
	limit = fsize(file_in(ref, name)) - 1;
	CHECK(limit > 500);
	snprintf(prefix, sizeof(prefix), "prlimit --fsize=%lld:unlimited", (long long)limit);
	if (bg_start(&g, xz ? "pause-xz" : "pause", prefix, xz ? "-J" : "") < 0)
		goto out;
	CHECK(write(g.fd, b.p, b.len) == (ssize_t)b.len);
	CHECKF(wait_text(g.err, "pausing", 10000), "no pause");
	s = (char *)read_file(g.err, &len);
	CHECKF(s && strstr(s, g.dir) && strstr(s, "File too large: pausing; the input waits"),
	       "stderr: %s", s ? s : "");
	free(s);
	/* nothing of the dump that failed is in the file, and it stays open */
	snprintf(name, sizeof(name), "." F_CONT "%s.tmp", ext);
	{
		unsigned char *raw = read_file(file_in(g.dir, name), &len), *dec;
		size_t in, dlen;

		CHECKF(raw && len > 0, "%s missing", name);
		if (raw && xz) {
			CHECK(bblog_pr_xz_prefix(raw, len, &in, &dec, &dlen) == 0);
			CHECK_EQ(in, len);
			free(dec);
		} else if (raw) {
			CHECK_EQ(bblog_pr_prefix(raw, len), len);
		}
		free(raw);
	}
	check_index_files(g.dir, xz, 2);
	/* still paused a second later: it retries, it does not give up */
	sleep(1);
	s = (char *)read_file(g.err, &len);
	CHECKF(s && !strstr(s, "resumed") && count_str(s, "pausing") == 1,
	       "stderr: %s", s ? s : "");
	free(s);
	CHECK(run(NULL, NULL, "prlimit --pid %ld --fsize=unlimited", g.pid) == 0);
	CHECKF(wait_text(g.err, "resumed after", 10000), "no resume");
	rc = bg_wait(&g);
	CHECK_EQ(rc, 0);
	snprintf(name, sizeof(name), F_CONT "%s", ext);
	same_file(ref, name, g.dir, name);
	snprintf(name, sizeof(name), F_V4 "%s", ext);
	same_file(ref, name, g.dir, name);
	snprintf(name, sizeof(name), F_V6 "%s", ext);
	same_file(ref, name, g.dir, name);
	check_index_files(g.dir, xz, 3);
	CHECK(run(&s, NULL, "ls -A '%s' | grep -c tmp", g.dir) == 1 && s && !strcmp(s, "0\n"));
	free(s);
out:
	gbuf_free(&b);
}

static void t_record_pause(void) { record_pause(0); }
static void t_record_pause_xz(void) { record_pause(1); }

/*
 * SIGTERM while paused: the open file is finished with what it holds, the
 * dump that could not be written is counted, the exit status is 3.
 */
static void t_record_pause_term(void)
{
	struct gbuf b = { 0 };
	struct bg g;
	const char *ref;
	char prefix[256], *s, *idx, line[4096], v[64], *p, *e;
	size_t len;
	int rc;

	if (!have_cmd("prlimit")) {
		tap_skip("prlimit (util-linux) not installed");
		return;
	}
	build_all(&b);
	ref = record_stream("term-ref", &b, NULL);
	snprintf(prefix, sizeof(prefix), "prlimit --fsize=%lld:unlimited",
		 (long long)fsize(file_in(ref, F_CONT)) - 1);
	if (bg_start(&g, "term", prefix, "") < 0)
		goto out;
	CHECK(write(g.fd, b.p, b.len) == (ssize_t)b.len);
	CHECKF(wait_text(g.err, "pausing", 10000), "no pause");
	CHECK(kill((pid_t)g.pid, SIGTERM) == 0);
	rc = bg_wait(&g);
	CHECK_EQ(rc, 3);
	s = (char *)read_file(g.err, &len);
	CHECKF(s && strstr(s, "stopped with 1 dump (4 records) read but not written to ") &&
	       strstr(s, "(File too large)"), "stderr: %s", s ? s : "");
	free(s);
	check_index_files(g.dir, 0, 3);
	idx = (char *)read_file(file_in(g.dir, "records"), &len);
	p = idx ? strstr(idx, "\"filename\":\"" F_CONT "\"") : NULL;
	CHECK(p != NULL);
	if (p) {
		while (p > idx && p[-1] != '\n')
			p--;
		e = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(e - p), p);
		CHECK(json_get(line, "record_count", v, sizeof(v)) && !strcmp(v, "8"));
		CHECK(json_get(line, "connection_ended", v, sizeof(v)) && !strcmp(v, "false"));
	}
	free(idx);
out:
	gbuf_free(&b);
}

/*
 * Killed (SIGKILL) with a file open, then started again: the .tmp file is
 * cut after its last whole block (xz: stream), renamed to a free name and
 * indexed as recovered; one with no whole record is removed.
 */
static void record_recover(int xz)
{
	struct gbuf b = { 0 }, two = { 0 };
	struct bg g;
	const char *ref, *ext = xz ? ".xz" : "";
	char name[256], tmp[256], *s, *idx, v[256];
	unsigned char *raw;
	size_t len;
	off_t want;
	int rc;

	build_all(&b);
	gbuf_add(&two, b.p + b.len - 3 * DUMP_LEN, 2 * DUMP_LEN);
	ref = record_stream(xz ? "recover-ref-xz" : "recover-ref", &two, xz ? "-J" : NULL);
	snprintf(name, sizeof(name), F_CONT "%s", ext);
	want = fsize(file_in(ref, name));
	CHECK(want > 0);
	if (bg_start(&g, xz ? "kill-xz" : "kill", "", xz ? "-J" : "") < 0)
		goto out;
	CHECK(write(g.fd, two.p, two.len) == (ssize_t)two.len);
	snprintf(tmp, sizeof(tmp), "." F_CONT "%s.tmp", ext);
	CHECKF(wait_size(file_in(g.dir, tmp), want, 10000), "%s: %lld bytes, want %lld", tmp,
	       (long long)fsize(file_in(g.dir, tmp)), (long long)want);
	CHECK(kill((pid_t)g.pid, SIGKILL) == 0);
	rc = bg_wait(&g);
	CHECK_EQ(rc, 128 + SIGKILL);
	/* a write cut short: the start of a block (of a stream) after the last */
	raw = read_file(file_in(g.dir, tmp), &len);
	CHECK(raw && len > 300);
	if (raw) {
		int fd = open(file_in(g.dir, tmp), O_WRONLY | O_APPEND);

		CHECK(fd >= 0 && write(fd, raw, 300) == 300);
		close(fd);
	}
	free(raw);
	/* the name is taken meanwhile; and two leftovers with nothing whole */
	CHECK(write_file(file_in(g.dir, name), "", 0) == 0);
	CHECK(write_file(file_in(g.dir, ".UNKNOWN_1_192.0.2.9_2.0.pcapng.tmp"), "junk", 4) == 0);
	CHECK(write_file(file_in(g.dir, ".UNKNOWN_1_192.0.2.9_2.0.pcapng.xz.tmp"), "", 0) == 0);
	CHECK(write_file(path_in_tmp("empty.raw"), "", 0) == 0);
	rc = run(NULL, &s, "'%s' record -D '%s' -f '%s'", bblog_bin(), g.dir,
		 path_in_tmp("empty.raw"));
	CHECK_EQ(rc, 0);
	snprintf(v, sizeof(v), "%s: recovered as cont_443_198.51.100.2_51000.1.pcapng%s: 8 records "
		 "(cut 300 bytes of an unfinished %s)", tmp, ext, xz ? "xz stream" : "block");
	CHECKF(s && strstr(s, v), "stderr: %s", s ? s : "");
	CHECKF(s && strstr(s, ".UNKNOWN_1_192.0.2.9_2.0.pcapng.tmp: left by an interrupted run with no whole record: removed") &&
	       strstr(s, ".UNKNOWN_1_192.0.2.9_2.0.pcapng.xz.tmp: left by an interrupted run with no whole record: removed"),
	       "stderr: %s", s ? s : "");
	free(s);
	CHECK(run(&s, NULL, "ls -A '%s'", g.dir) == 0);
	snprintf(v, sizeof(v), F_CONT "%s\ncont_443_198.51.100.2_51000.1.pcapng%s\nrecords\n", ext, ext);
	CHECKF(s && !strcmp(s, v), "files: %s", s ? s : "");
	free(s);
	snprintf(v, sizeof(v), "cont_443_198.51.100.2_51000.1.pcapng%s", ext);
	same_file(ref, name, g.dir, v);
	idx = (char *)read_file(file_in(g.dir, "records"), &len);
	CHECK_EQ(count_lines(idx), 1);
	CHECK(idx && strstr(idx, "\"recovered\":true}\n"));
	CHECK(idx && json_get(idx, "record_count", v, sizeof(v)) && !strcmp(v, "8"));
	CHECK(idx && json_get(idx, "packet_count", v, sizeof(v)) && !strcmp(v, "4"));
	CHECK(idx && json_get(idx, "frag_seq", v, sizeof(v)) && !strcmp(v, "1"));
	CHECK(idx && json_get(idx, "cookie", v, sizeof(v)) && !strcmp(v, "777"));
	CHECK(idx && json_get(idx, "id", v, sizeof(v)) && !strcmp(v, "cont"));
	CHECK(idx && json_get(idx, "tag", v, sizeof(v)) && !strcmp(v, "tag-1"));
	CHECK(idx && json_get(idx, "reason", v, sizeof(v)) && !strcmp(v, "error:test"));
	CHECK(idx && json_get(idx, "laddr", v, sizeof(v)) && !strcmp(v, "192.0.2.1"));
	CHECK(idx && json_get(idx, "faddr", v, sizeof(v)) && !strcmp(v, "198.51.100.2"));
	CHECK(idx && json_get(idx, "lport", v, sizeof(v)) && !strcmp(v, "443"));
	CHECK(idx && json_get(idx, "fport", v, sizeof(v)) && !strcmp(v, "51000"));
	CHECK(idx && json_get(idx, "connection_ended", v, sizeof(v)) && !strcmp(v, "false"));
	CHECK(idx && json_get(idx, "compressor", v, sizeof(v)) && !strcmp(v, xz ? "xz" : ""));
	free(idx);
out:
	gbuf_free(&b);
	gbuf_free(&two);
}

static void t_record_recover(void) { record_recover(0); }
static void t_record_recover_xz(void) { record_recover(1); }

/*
 * The directory removed while a file is open in it: record pauses (ENOENT)
 * until the directory is there again, then goes on in the new one, where
 * the file that was open is written again whole.
 */
static void t_record_dir_removed(void)
{
	struct gbuf b = { 0 };
	struct bblog_msg m;
	struct bg g;
	const char *ref;
	char tmp[4096], *s;
	size_t len, v4, cont = 0;
	int rc, i;

	build_all(&b);
	ref = record_stream("rmdir-ref", &b, NULL);
	CHECK(bblog_msg_parse(b.p, b.len, &m) == 1);
	v4 = (size_t)m.length;
	cont = b.len - 3 * DUMP_LEN;
	if (bg_start(&g, "rmdir", "", "") < 0)
		goto out;
	/* the first continual dump: its file stays open */
	CHECK(write(g.fd, b.p + cont, DUMP_LEN) == DUMP_LEN);
	snprintf(tmp, sizeof(tmp), "%s/." F_CONT ".tmp", g.dir);
	for (i = 0; i < 500 && fsize(tmp) <= 0; i++)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	CHECK(fsize(tmp) > 0);
	CHECK(run(NULL, NULL, "rm -rf '%s'", g.dir) == 0);
	/* a new connection: no directory to create its file in */
	CHECK(write(g.fd, b.p, v4) == (ssize_t)v4);
	CHECKF(wait_text(g.err, "No such file or directory: pausing; the input waits", 10000),
	       "no pause");
	CHECK(mkdir(g.dir, 0755) == 0);
	CHECKF(wait_text(g.err, "resumed after", 10000), "no resume");
	/* the rest: the unknown message, IPv6, the continual connection's end */
	CHECK(write(g.fd, b.p + v4, cont - v4) == (ssize_t)(cont - v4));
	CHECK(write(g.fd, b.p + cont + DUMP_LEN, 2 * DUMP_LEN) == 2 * DUMP_LEN);
	rc = bg_wait(&g);
	CHECK_EQ(rc, 0);
	s = (char *)read_file(g.err, &len);
	CHECKF(s && strstr(s, ": the directory was removed; writing into the new one") &&
	       strstr(s, "/." F_CONT ".tmp was removed while being written: written again as ."
		      F_CONT ".tmp"), "stderr: %s", s ? s : "");
	free(s);
	same_file(ref, F_CONT, g.dir, F_CONT);
	same_file(ref, F_V4, g.dir, F_V4);
	same_file(ref, F_V6, g.dir, F_V6);
	check_index_files(g.dir, 0, 3);
out:
	gbuf_free(&b);
}

/* An output directory it cannot use: a clear message and status 1. */
static void t_record_bad_dir(void)
{
	struct passwd *pw = getpwnam("nobody");
	char dir[4096], *err = NULL;
	int rc;

	CHECK(write_file(path_in_tmp("empty.raw"), "", 0) == 0);
	rc = run(NULL, &err, "'%s' record -D '%s' -f '%s'", bblog_bin(),
		 path_in_tmp("empty.raw"), path_in_tmp("empty.raw"));
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "output directory ") && strstr(err, "Not a directory"),
	       "stderr: %s", err ? err : "");
	free(err);
	if (geteuid() != 0 || !pw) {
		tap_skip("needs root and a user 'nobody'");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/out-ro", tmpdir());
	CHECK(mkdir(dir, 0555) == 0 && chmod(dir, 0555) == 0);
	chmod(tmpdir(), 0755);
	rc = run(NULL, &err, "'%s' record -u nobody -D '%s' -f '%s'", bblog_bin(), dir,
		 path_in_tmp("empty.raw"));
	CHECK_EQ(rc, 1);
	CHECKF(err && strstr(err, "not writable by user nobody: Permission denied"),
	       "stderr: %s", err ? err : "");
	free(err);
}

void suite_faults(void)
{
	tap_run(t_prefix, "faults: a pcapng cut anywhere keeps exactly its whole blocks");
	tap_run(t_xz_prefix, "faults: an -J file cut anywhere keeps exactly its whole xz streams (one per dump)");
	tap_run(t_rollback_mem, "faults: writer rollback restores bytes and counters; written again, the same file");
	tap_run(t_rollback_fd, "faults: plain file: a dump that fails (EFBIG) is truncated away, then written whole");
	tap_run(t_rollback_xz, "faults: xz file: a dump that fails is cut at its stream, then written whole");
	tap_run(t_record_pause, "record: output failing pauses (input not read), resumes, same files and index");
	tap_run(t_record_pause_xz, "record -J: output failing pauses and resumes, same files and index");
	tap_run(t_record_pause_term, "record: SIGTERM while paused counts the dump not written, exit 3, index whole");
	tap_run(t_record_recover, "record: SIGKILLed, restarted: .tmp cut to whole blocks, renamed, indexed recovered");
	tap_run(t_record_recover_xz, "record -J: SIGKILLed, restarted: .tmp cut to whole xz streams, recovered");
	tap_run(t_record_dir_removed, "record: the directory removed: pause, go on in the new one, open file written again");
	tap_run(t_record_bad_dir, "record: an unusable output directory (not one, not writable by -u) exits 1, says why");
}
