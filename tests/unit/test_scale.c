// SPDX-License-Identifier: GPL-2.0
/*
 * bblog record with many connections written at once (continual mode):
 * more connections than descriptors, one whole file each all the same.
 * The throughput itself is measured by make bench-record (bench/record.sh).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "pcapread.h"
#include "tap.h"
#include "tests.h"

#define DUMPS	3	/* per connection */
#define PER	4	/* records per dump */

/*
 * n connections, DUMPS dumps each, in rounds: every connection is being
 * written from its first dump to its last.  Connection i has cookie i / 2
 * in one of two network namespaces (the pair differs by netns only) and
 * foreign port 10000 + i.
 */
static void scale_stream(struct gbuf *b, unsigned n)
{
	struct bblog_record recs[PER];
	struct bblog_dump d;
	unsigned i, k, j;

	for (k = 0; k < DUMPS; k++)
		for (i = 0; i < n; i++) {
			gen_dump(&d, i % 5 == 4, 1000 + i / 2, "scale", k,
				 k == DUMPS - 1 ? BBLOG_DF_ENDED : 0);
			d.netns += i % 2;
			d.fport = htons((uint16_t)(10000 + i));
			d.mode = BBLOG_MODE_CONTINUAL;
			for (j = 0; j < PER; j++) {
				gen_record(&recs[j], k * PER + j, j % 2 ? BBLOG_EV_OUT : BBLOG_EV_STATE);
				if (j % 2)
					gen_th(&recs[j], 443, (uint16_t)(10000 + i), 1000 + j, 1, 0x18, 12, 100);
			}
			gen_msg(b, &d, recs, PER);
		}
}

/* Records of a file (plain or xz) as bblog's reader sees them; -1: corrupt. */
static long file_records(const char *path, uint32_t *first_sn)
{
	struct bblog_pr r;
	struct bblog_pr_item it;
	unsigned char *buf = NULL;
	char err[160];
	size_t len = 0;
	long n = 0;
	int rc;

	if (bblog_pr_load(path, &buf, &len, err, sizeof(err)) < 0)
		return -1;
	bblog_pr_init(&r, buf, len);
	while ((rc = bblog_pr_next(&r, &it)) == 1) {
		if (it.kind != BBLOG_PR_RECORD || !it.have_rec) {
			n = -1;
			break;
		}
		if (!n++)
			memcpy(first_sn, it.rec + 20, 4);	/* tlb_sn, LE */
	}
	free(buf);
	return rc < 0 ? -1 : n;
}

/*
 * Record n connections under ulimit -n nofile; every one must have one
 * file (frag 0) holding its DUMPS * PER records, indexed once, ended.
 */
static void check_scale(const char *name, unsigned n, unsigned nofile,
			const char *args, const char *ext)
{
	struct gbuf b = { 0 };
	char raw[4096], dir[4096], path[4200], v[64], *err = NULL, *idx;
	unsigned files = 0, bad = 0, lines = 0, i;
	struct dirent *e;
	size_t len;
	DIR *dp;
	int rc;

	scale_stream(&b, n);
	snprintf(raw, sizeof(raw), "%s/%s.raw", tmpdir(), name);
	snprintf(dir, sizeof(dir), "%s/out-%s", tmpdir(), name);
	write_file(raw, b.p, b.len);
	gbuf_free(&b);
	rc = run(NULL, &err, "rm -rf '%s' && mkdir -p '%s' && ulimit -n %u && '%s' record -D '%s' -f '%s' %s",
		 dir, dir, nofile, bblog_bin(), dir, raw, args);
	CHECKF(rc == 0, "bblog record exit %d: %.2000s", rc, err ? err : "");
	/* said once, and nothing else */
	for (i = 0, len = 0; err && err[i]; i++)
		len += err[i] == '\n';
	CHECKF(err && strstr(err, "as many as descriptors allow") && len == 1,
	       "stderr: %.2000s", err ? err : "");
	free(err);

	dp = opendir(dir);
	CHECK(dp != NULL);
	while (dp && (e = readdir(dp))) {
		uint32_t sn = ~0u;
		long recs;

		if (!strstr(e->d_name, ext))
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		recs = file_records(path, &sn);
		if (recs != DUMPS * PER || sn != 0 || !strstr(e->d_name, ".0.pcapng")) {
			if (bad++ < 5)
				tap_diag("  %s: %ld records from sn %u", e->d_name, recs, sn);
		}
	}
	if (dp)
		closedir(dp);
	CHECK_EQ(files, n);
	CHECK_EQ(bad, 0);

	snprintf(path, sizeof(path), "%s/records", dir);
	idx = (char *)read_file(path, &len);
	for (char *l = idx, *nl; l && *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			break;
		*nl = 0;
		lines++;
		if (!json_get(l, "record_count", v, sizeof(v)) ||
		    strtoul(v, NULL, 10) != DUMPS * PER ||
		    !json_get(l, "frag_seq", v, sizeof(v)) || strcmp(v, "0") ||
		    !strstr(l, "\"connection_ended\":true"))
			bad++;
	}
	free(idx);
	CHECK_EQ(lines, n);
	CHECK_EQ(bad, 0);

	/* Wireshark reads them: a few, tshark is slow to start */
	if (!have_cmd("tshark") || (strstr(ext, ".xz") && !have_cmd("xz")))
		return;
	for (i = 0; i < 3; i++) {
		unsigned c = i < 2 ? i : n - 2;	/* IPv4 ones */
		char *out = NULL;

		snprintf(path, sizeof(path), "%s/scale_443_198.51.100.2_%u.0%s",
			 dir, 10000 + c, ext);
		if (strstr(ext, ".xz"))	/* tshark 4.0 reads no xz */
			rc = run(&out, NULL, "xz -dc '%s' | tshark -n -r - 2>&1 | grep -vc '^Running as'",
				 path);
		else
			rc = run(&out, NULL, "tshark -n -r '%s' 2>&1 | grep -vc '^Running as'", path);
		CHECKF(rc == 0 && out && atoi(out) == DUMPS * PER, "tshark -r %s: %s",
		       path, out ? out : "");
		free(out);
	}
}

/*
 * A parked file removed (by hand): said, with its records, and the
 * connection goes on in a new file.  Through a FIFO, so that the file is
 * removed after the first round of dumps is written.
 */
static void t_record_parked_removed(void)
{
	struct gbuf b = { 0 };
	char p1[4096], p2[4096], dir[4096], path[4200], *err = NULL, *idx, *l;
	const char *f0 = "scale_443_198.51.100.2_10000.0.pcapng";
	size_t len, round;
	uint32_t sn = 0;
	int rc;

	scale_stream(&b, 100);
	round = b.len / DUMPS;		/* every dump is the same size */
	snprintf(p1, sizeof(p1), "%s/parked-1.raw", tmpdir());
	snprintf(p2, sizeof(p2), "%s/parked-2.raw", tmpdir());
	snprintf(dir, sizeof(dir), "%s/out-parked", tmpdir());
	write_file(p1, b.p, round);
	write_file(p2, b.p + round, b.len - round);
	gbuf_free(&b);
	rc = run(NULL, &err, "rm -rf '%s' && mkdir -p '%s' && cd '%s' && mkfifo in && ulimit -n 32 && "
		 "{ '%s' record -D . -f in & } && exec 3>in && cat '%s' >&3 && "
		 "for i in $(seq 200); do [ -e .scale_443_198.51.100.2_10098.0.pcapng.tmp ] && break; sleep 0.05; done && "
		 "rm .%s.tmp && cat '%s' >&3 && exec 3>&- && wait $!",
		 dir, dir, dir, bblog_bin(), p1, f0, p2);
	CHECKF(rc == 0, "bblog record exit %d: %.2000s", rc, err ? err : "");
	CHECKF(err && strstr(err, f0) && strstr(err, "was removed while closed for want of descriptors: its 4 records are lost"),
	       "stderr: %.2000s", err ? err : "");
	free(err);
	/* the connection's other records, in a file of the same name */
	snprintf(path, sizeof(path), "%s/%s", dir, f0);
	CHECK_EQ(file_records(path, &sn), (DUMPS - 1) * PER);
	CHECK_EQ(sn, PER);
	snprintf(path, sizeof(path), "%s/records", dir);
	idx = (char *)read_file(path, &len);
	l = idx ? strstr(idx, f0) : NULL;
	CHECKF(l && strstr(l, "\"record_count\":8,"), "index: %.500s", l ? l : "");
	free(idx);
}

/* 2000 connections, 256 descriptors: files are parked, not cut short. */
static void t_record_many(void)
{
	check_scale("many", 2000, 256, "", ".pcapng");
}

/* The same with xz: an encoder is needed while a dump is written only. */
static void t_record_many_xz(void)
{
	check_scale("many-xz", 300, 48, "-J", ".pcapng.xz");
}

/*
 * The benchmark's stream (bench/replay-gen.c, make bench-record), small:
 * every connection one file, every record in the index.
 */
static void t_record_replay(void)
{
	const char *gen = getenv("BBLOG_REPLAY_GEN");
	char raw[4096], dir[4096], *out = NULL, *err = NULL;
	int rc;

	if (!gen) {
		tap_skip("BBLOG_REPLAY_GEN not set");
		return;
	}
	snprintf(raw, sizeof(raw), "%s/replay.raw", tmpdir());
	snprintf(dir, sizeof(dir), "%s/out-replay", tmpdir());
	rc = run(NULL, &err, "'%s' -c 500 -n 20000 -k 10 -o '%s'", gen, raw);
	CHECKF(rc == 0 && err && strstr(err, "500 connections, 20000 records, 2000 dumps"),
	       "replay-gen exit %d: %s", rc, err ? err : "");
	free(err);
	err = NULL;
	rc = run(&out, &err, "rm -rf '%s' && mkdir -p '%s' && '%s' record -D '%s' -f '%s' && "
		 "ls '%s' | grep -c 'pcapng$' && "
		 "sed -n 's/.*\"record_count\":\\([0-9]*\\),.*\"connection_ended\":true.*/\\1/p' '%s/records' | "
		 "awk '{ n++; s += $1 } END { print n, s }'",
		 dir, dir, bblog_bin(), dir, raw, dir, dir);
	CHECKF(rc == 0 && out && !strcmp(out, "500\n500 20000\n"), "exit %d: %s%s", rc,
	       out ? out : "", err ? err : "");
	free(out);
	free(err);
}

void suite_scale(void)
{
	tap_run(t_record_many, "record: 2000 connections at once under ulimit -n 256: one whole file each, tshark reads them");
	tap_run(t_record_many_xz, "record -J: 300 connections at once under ulimit -n 48: one whole file each");
	tap_run(t_record_replay, "record: the benchmark's stream, 500 connections interleaved: a file each, every record indexed");
	tap_run(t_record_parked_removed, "record: a file removed while parked is said, with its records; the connection goes on");
}
