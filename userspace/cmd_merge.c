// SPDX-License-Identifier: GPL-2.0
/*
 * bblog merge: join the files bblog record wrote for one connection (a
 * long CONTINUAL connection is cut into several by -s, one per size) into
 * one pcapng, so that Wireshark's TCP analysis and graphs see the whole
 * connection.
 *
 *   bblog merge -o OUT FILE...
 *   bblog merge -o OUT -D DIR --cookie COOKIE   the files the records
 *                                               index of DIR names for it
 *                                               (less those it says were
 *                                               removed since)
 *
 * The files go in the order of their records' serial numbers.  The first
 * file's section header and interface are kept, the other files' blocks
 * follow; a gap between two files that the later one does not already
 * announce becomes a lost-events block, as within a file.  Files of
 * another connection (another interface), files whose serial numbers
 * overlap, and files that are not whole are refused.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "pcapng.h"
#include "pcapread.h"
#include "util.h"

struct piece {
	const char *path;
	unsigned char *buf;
	size_t len;
	size_t idb, data;	/* offsets of the IDB and of the first other block */
	uint32_t first_sn, last_sn, lead_skipped;
};

/* Block layout, section header and interface of @p; 0 or -1 (said why). */
static int piece_scan(struct piece *p)
{
	struct bblog_pr r;
	struct bblog_pr_item it;
	size_t off = 0;
	int have = 0, k;

	if (bblog_pr_prefix(p->buf, p->len) != p->len || p->len < 12 ||
	    get_le32(p->buf) != 0x0A0D0D0A) {
		warnx("%s: not a whole pcapng file", p->path);
		return -1;
	}
	off = get_le32(p->buf + 4);
	if (off + 12 > p->len || get_le32(p->buf + off) != 1) {
		warnx("%s: no interface after the section header", p->path);
		return -1;
	}
	p->idb = off;
	p->data = off + get_le32(p->buf + off + 4);
	p->lead_skipped = 0;
	bblog_pr_init(&r, p->buf, p->len);
	while ((k = bblog_pr_next(&r, &it)) == 1) {
		if (it.kind == BBLOG_PR_SKIPPED && !have)
			p->lead_skipped += it.skipped;
		if (!it.have_rec)
			continue;
		p->last_sn = get_le32(it.rec + TLB_SN);
		if (!have)
			p->first_sn = p->last_sn;
		have = 1;
	}
	if (k < 0 || !have) {
		warnx("%s: %s", p->path, k < 0 ? r.err : "no records");
		return -1;
	}
	return 0;
}

static int by_first_sn(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return x->first_sn < y->first_sn ? -1 : x->first_sn > y->first_sn;
}

/* The string value of "key":"..." in line (no escapes: file names), or NULL. */
static char *json_name(const char *line, const char *key, int *len)
{
	char k[32];
	char *v, *e;

	snprintf(k, sizeof(k), "\"%s\":\"", key);
	v = strstr(line, k);
	if (!v)
		return NULL;
	v += strlen(k);
	e = strchr(v, '"');
	/* a name in the directory, nothing else */
	if (!e || memchr(v, '/', (size_t)(e - v)) || memchr(v, '\\', (size_t)(e - v)))
		return NULL;
	*len = (int)(e - v);
	return v;
}

/*
 * A line {"removed":NAME,"limit":...} (bblog record's retention): leave out
 * the files of that name listed so far.
 */
static void index_removed(const char *line, const char *dir, char **names, int *n)
{
	size_t dl = strlen(dir) + 1;
	int len, llen, i, j;
	char *f = json_name(line, "removed", &len);
	char *lim = json_name(line, "limit", &llen);

	if (!f)
		return;
	for (i = j = 0; i < *n; i++) {
		if (!strncmp(names[i] + dl, f, (size_t)len) && !names[i][dl + (size_t)len]) {
			warnx("%s: removed (%.*s limit), left out", names[i],
			      lim ? llen : 7, lim ? lim : "unknown");
			free(names[i]);
			continue;
		}
		names[j++] = names[i];
	}
	*n = j;
}

/* The file names the records index of @dir gives for @cookie, in @names. */
static int index_files(const char *dir, const char *cookie, char ***names)
{
	char path[4096], key[64], *line = NULL, *f;
	size_t cap = 0;
	int n = 0, len;
	FILE *in;

	snprintf(path, sizeof(path), "%s/records", dir);
	in = fopen(path, "r");
	if (!in) {
		warnx("%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(key, sizeof(key), "\"cookie\":%s,", cookie);
	*names = NULL;
	while (getline(&line, &cap, in) > 0) {
		if (strstr(line, "\"removed\":\"")) {
			index_removed(line, dir, *names, &n);
			continue;
		}
		if (!strstr(line, key))
			continue;
		f = json_name(line, "filename", &len);
		if (!f)
			continue;
		*names = realloc(*names, (size_t)(n + 1) * sizeof(**names));
		if (!*names || asprintf(&(*names)[n], "%s/%.*s", dir, len, f) < 0)
			diex("out of memory");
		n++;
	}
	free(line);
	fclose(in);
	return n;
}

/* The lost-events block of @count records (what bblog record writes). */
static void put_skipped(FILE *out, uint32_t count)
{
	unsigned char b[28];

	put_le32(b, 0x00000BAD);
	put_le32(b + 4, sizeof(b));
	put_le32(b + 8, BBLOG_PEN_NFLX);
	put_le32(b + 12, NFLX_SKIPPED_BLOCK);
	put_le32(b + 16, count);
	put_le32(b + 20, 0);
	put_le32(b + 24, sizeof(b));
	fwrite(b, 1, sizeof(b), out);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "dir", required_argument, NULL, 'D' },
		{ "cookie", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outpath = NULL, *dir = NULL, *cookie = NULL;
	char **names = NULL, err[256];
	struct piece *p;
	int ch, n, i, rc = 1;
	FILE *out;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:D:c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o': outpath = optarg; break;
		case 'D': dir = optarg; break;
		case 'c': cookie = optarg; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (!outpath || (!cookie != !dir) || (cookie && optind != argc) ||
	    (!cookie && optind == argc))
		usage(stderr, 2);
	if (cookie) {
		if (strspn(cookie, "0123456789") != strlen(cookie) || !*cookie) {
			warnx("--cookie %s: not a number", cookie);
			usage(stderr, 2);
		}
		n = index_files(dir, cookie, &names);
		if (n < 0)
			return 1;
		if (!n) {
			warnx("%s/records names no file of cookie %s", dir, cookie);
			return 1;
		}
	} else {
		n = argc - optind;
		names = argv + optind;
	}
	p = calloc((size_t)n, sizeof(*p));
	if (!p)
		diex("out of memory");
	for (i = 0; i < n; i++) {
		p[i].path = names[i];
		if (bblog_pr_load(p[i].path, &p[i].buf, &p[i].len, err, sizeof(err)) < 0) {
			warnx("%s", err);
			goto out;
		}
		if (piece_scan(&p[i]) < 0)
			goto out;
	}
	qsort(p, (size_t)n, sizeof(*p), by_first_sn);
	for (i = 1; i < n; i++) {
		uint32_t lidb = get_le32(p[0].buf + p[0].idb + 4);

		if (get_le32(p[i].buf + p[i].idb + 4) != lidb ||
		    memcmp(p[i].buf + p[i].idb, p[0].buf + p[0].idb, lidb)) {
			warnx("%s: another connection than %s", p[i].path, p[0].path);
			goto out;
		}
		if (p[i].first_sn <= p[i - 1].last_sn) {
			warnx("%s: records %u.. overlap %s's (up to %u)", p[i].path,
			      p[i].first_sn, p[i - 1].path, p[i - 1].last_sn);
			goto out;
		}
	}
	out = strcmp(outpath, "-") ? fopen(outpath, "wbx") : stdout;
	if (!out) {
		warnx("%s: %s", outpath, strerror(errno));
		goto out;
	}
	fwrite(p[0].buf, 1, p[0].data, out);
	for (i = 0; i < n; i++) {
		uint32_t gap = i ? p[i].first_sn - p[i - 1].last_sn - 1 : 0;

		/* a file's leading lost-events block may already say it */
		if (gap > p[i].lead_skipped)
			put_skipped(out, gap - p[i].lead_skipped);
		fwrite(p[i].buf + p[i].data, 1, p[i].len - p[i].data, out);
	}
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		warnx("%s: %s", outpath, strerror(errno));
		if (out != stdout)
			unlink(outpath);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(p[i].buf);
	free(p);
	if (cookie) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	return rc;
}
