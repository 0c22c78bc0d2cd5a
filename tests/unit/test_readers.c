// SPDX-License-Identifier: GPL-2.0
/*
 * Files written by `bblog record` read back by other readers: libpcap
 * (pcap_open_offline) and tshark's bblog dissector, field by field.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "expect.h"
#include "gen.h"
#include "tap.h"
#include "tests.h"

/* Record a golden stream with `bblog record`; returns the output dir. */
const char *record_stream(const char *name, const struct gbuf *b, const char *args)
{
	static char dir[4][4096];
	static int k;
	char raw[4096], *err = NULL;
	char *d = dir[k++ % 4];
	int rc;

	snprintf(raw, sizeof(raw), "%s/%s.raw", tmpdir(), name);
	snprintf(d, 4096, "%s/out-%s", tmpdir(), name);
	write_file(raw, b->p, b->len);
	rc = run(NULL, &err, "rm -rf '%s' && mkdir -p '%s' && '%s' record -D '%s' -f '%s' %s",
		 d, d, bblog_bin(), d, raw, args ? args : "");
	CHECKF(rc == 0, "bblog record exit %d: %s", rc, err ? err : "");
	free(err);
	return d;
}

static int count_hdr(const struct golden *g, int n)
{
	int i, j, c = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < (int)g[i].n; j++)
			c += expect_has_hdr(&g[i].recs[j]);
	return c;
}

/* libpcap: DLT_NULL, snaplen, one packet per header-bearing record. */
static void check_libpcap(const char *path, const struct golden *g, int ng)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, errbuf);
	int n = 0, i, j, r;

	CHECKF(p != NULL, "pcap_open_offline %s: %s", path, errbuf);
	if (!p)
		return;
	CHECK_EQ(pcap_datalink(p), DLT_NULL);
	CHECK_EQ(pcap_snapshot(p), 104);
	for (i = 0; i < ng; i++)
		for (j = 0; j < (int)g[i].n; j++) {
			const struct bblog_record *rec = &g[i].recs[j];
			uint64_t us;

			if (!expect_has_hdr(rec))
				continue;
			r = pcap_next_ex(p, &h, &data);
			CHECK_EQ(r, 1);
			if (r != 1)
				goto out;
			n++;
			us = expect_wall_us(&g[i].dump, rec);
			CHECK_EQ((uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec, us);
			CHECK_EQ(h->len, 4 + (g[i].dump.family == 10 ? 40 : 20) +
				 rec->th_len + rec->payload_len);
			CHECK_EQ(h->caplen, h->len < 104 ? h->len : 104);
			CHECK_EQ(get_le32(data), g[i].dump.family == 10 ? 28 : 2);
		}
	CHECK_EQ(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	CHECK_EQ(n, count_hdr(g, ng));
out:
	pcap_close(p);
}

static char *field(char **line)
{
	char *s = *line, *t;

	if (!s)
		return "";
	t = strchr(s, '\t');
	if (t) {
		*t = 0;
		*line = t + 1;
	} else {
		*line = NULL;
	}
	return s;
}

/* tshark: every event block's bblog.* fields, every EPB's TCP fields. */
static void check_tshark(const char *path, const struct golden *g, int ng,
			 uint32_t skipped)
{
	char cmd[8192], *out = NULL, *line, *save = NULL;
	size_t pos;
	int i, j, f, rc, rows = 0;

	pos = (size_t)snprintf(cmd, sizeof(cmd),
			       "tshark -r '%s' -Y bblog.event_id -T fields -E occurrence=f -e frame.time_epoch",
			       path);
	for (f = 0; f < ts_nfields; f++)
		pos += (size_t)snprintf(cmd + pos, sizeof(cmd) - pos, " -e %s", ts_fields[f].name);
	snprintf(cmd + pos, sizeof(cmd) - pos, " -e bblog.snd_shift -e bblog.rcv_shift");
	rc = run(&out, NULL, "%s", cmd);
	CHECK_EQ(rc, 0);
	line = out ? strtok_r(out, "\n", &save) : NULL;
	for (i = 0; i < ng; i++)
		for (j = 0; j < (int)g[i].n; j++) {
			const struct bblog_record *r = &g[i].recs[j];
			const struct bblog_dump *d = &g[i].dump;
			char *l;

			if (expect_has_hdr(r))
				continue;
			CHECKF(line != NULL, "no tshark row for sn %u", r->sn);
			if (!line)
				goto epb;
			rows++;
			l = line;
			CHECK_EQ(epoch_us(field(&l)), expect_wall_us(d, r));
			for (f = 0; f < ts_nfields; f++) {
				char *v = field(&l);
				uint64_t want = expect_at(d, r, ts_fields[f].off);
				uint64_t got = strtoull(v, NULL, 0);

				if (ts_fields[f].off == 28)
					got = (uint32_t)strtol(v, NULL, 0);
				if (!*v && want == 0 && ts_fields[f].off >= 32 && ts_fields[f].off <= 48)
					continue;	/* rx/tx fields hidden without the flag */
				if (got != want || !*v)
					tap_diag("sn %u %s = '%s', want %llu", r->sn,
						 ts_fields[f].name, v, (unsigned long long)want);
				CHECK(got == want && *v);
			}
			CHECK_EQ(strtoul(field(&l), NULL, 0), r->snd_wscale);
			CHECK_EQ(strtoul(field(&l), NULL, 0), r->rcv_wscale);
			line = strtok_r(NULL, "\n", &save);
		}
	CHECKF(line == NULL, "extra tshark row: %s", line);
epb:
	free(out);
	rc = run(&out, NULL,
		 "tshark -r '%s' -o tcp.relative_sequence_numbers:FALSE -o tcp.check_checksum:TRUE "
		 "-o ip.check_checksum:TRUE -Y tcp -T fields -E occurrence=f -e frame.time_epoch "
		 "-e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport "
		 "-e tcp.seq -e tcp.ack -e tcp.flags -e frame.packet_flags_direction "
		 "-e frame.bblog.serial_nr -e frame.bblog.ticks -e tcp.checksum.status "
		 "-e tcp.hdr_len", path);
	CHECK_EQ(rc, 0);
	line = out ? strtok_r(out, "\n", &save) : NULL;
	for (i = 0; i < ng; i++)
		for (j = 0; j < (int)g[i].n; j++) {
			const struct bblog_record *r = &g[i].recs[j];
			const struct bblog_dump *d = &g[i].dump;
			int in = expect_inbound(r), v6 = d->family == 10;
			char want_src[64], want_dst[64], *l, *s4, *s6, *d4, *d6;
			uint16_t lport = get_be16((const unsigned char *)&d->lport);
			uint16_t fport = get_be16((const unsigned char *)&d->fport);

			if (!expect_has_hdr(r))
				continue;
			CHECKF(line != NULL, "no tshark packet row for sn %u", r->sn);
			if (!line)
				goto done;
			rows++;
			l = line;
			inet_ntop(v6 ? AF_INET6 : AF_INET, in ? d->faddr : d->laddr, want_src, sizeof(want_src));
			inet_ntop(v6 ? AF_INET6 : AF_INET, in ? d->laddr : d->faddr, want_dst, sizeof(want_dst));
			CHECK_EQ(epoch_us(field(&l)), expect_wall_us(d, r));
			s4 = field(&l); s6 = field(&l);
			CHECKF(!strcmp(v6 ? s6 : s4, want_src), "src %s%s want %s", s4, s6, want_src);
			CHECK_EQ(strtoul(field(&l), NULL, 10), in ? fport : lport);
			d4 = field(&l); d6 = field(&l);
			CHECKF(!strcmp(v6 ? d6 : d4, want_dst), "dst %s%s want %s", d4, d6, want_dst);
			CHECK_EQ(strtoul(field(&l), NULL, 10), in ? lport : fport);
			CHECK_EQ(strtoul(field(&l), NULL, 10), get_be32(r->th + 4));
			CHECK_EQ(strtoul(field(&l), NULL, 10), get_be32(r->th + 8));
			CHECK_EQ(strtoul(field(&l), NULL, 0), r->th[13]);
			CHECK_EQ(strtoul(field(&l), NULL, 0), in ? 1 : 2);
			CHECK_EQ(strtoul(field(&l), NULL, 10), r->sn);
			CHECK_EQ(strtoul(field(&l), NULL, 10), r->jiffies);
			/* 2 = unverified (payload beyond the snaplen), 1 = good */
			CHECK_EQ(strtoul(field(&l), NULL, 10),
				 4u + (v6 ? 40 : 20) + r->th_len + r->payload_len > 104 ? 2 : 1);
			CHECK_EQ(strtoul(field(&l), NULL, 10), r->th_len);
			line = strtok_r(NULL, "\n", &save);
		}
	CHECKF(line == NULL, "extra tshark packet row: %s", line);
done:
	free(out);
	/* skipped blocks */
	rc = run(&out, NULL, "tshark -r '%s' -Y bblog -T fields -e _ws.col.Info", path);
	CHECK_EQ(rc, 0);
	if (skipped) {
		char want[64];

		snprintf(want, sizeof(want), "Number of skipped events: %u", skipped);
		CHECKF(out && strstr(out, want), "no '%s' in tshark output", want);
	} else {
		CHECK(out && !strstr(out, "skipped"));
	}
	free(out);
	CHECKF(rows > 0, "tshark gave no rows");
}

static void check_file_readers(const char *path, const struct golden *g, int ng,
			       uint32_t skipped, int *tshark_ok)
{
	check_libpcap(path, g, ng);
	if (have_cmd("tshark")) {
		check_tshark(path, g, ng, skipped);
		*tshark_ok = 1;
	}
}

static void t_readers_v4(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096];
	const char *d;
	int ts = 0;

	golden_v4(&b, &g);
	d = record_stream("rv4", &b, NULL);
	snprintf(path, sizeof(path), "%s/web_.._.._etc_passwd_443_198.51.100.2_51000.0.pcapng", d);
	check_file_readers(path, &g, 1, 4, &ts);
	if (!ts)
		tap_skip("tshark not installed; libpcap checked only");
	gbuf_free(&b);
}

static void t_readers_v6(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096];
	const char *d;
	int ts = 0;

	golden_v6(&b, &g);
	d = record_stream("rv6", &b, NULL);
	snprintf(path, sizeof(path), "%s/UNKNOWN_8080_2001:db8:ffff::2_40000.0.pcapng", d);
	check_file_readers(path, &g, 1, 0, &ts);
	if (!ts)
		tap_skip("tshark not installed; libpcap checked only");
	gbuf_free(&b);
}

static void t_readers_cont(void)
{
	struct gbuf b = { 0 };
	struct golden g[3];
	char path[4096];
	const char *d;
	int ts = 0;

	golden_cont(&b, g);
	d = record_stream("rcont", &b, NULL);
	snprintf(path, sizeof(path), "%s/cont_443_198.51.100.2_51000.0.pcapng", d);
	check_file_readers(path, g, 3, 2, &ts);
	if (!ts)
		tap_skip("tshark not installed; libpcap checked only");
	gbuf_free(&b);
}

static void t_readers_xz(void)
{
	struct gbuf b = { 0 };
	struct golden g;
	char path[4096], *err = NULL;
	const char *d;
	int ts = 0, rc;

	if (!have_cmd("xz")) {
		tap_skip("xz not installed");
		return;
	}
	golden_v4(&b, &g);
	d = record_stream("rxz", &b, "-J");
	snprintf(path, sizeof(path), "%s/web_.._.._etc_passwd_443_198.51.100.2_51000.0.pcapng", d);
	rc = run(NULL, &err, "xz -t '%s.xz' && xz -dk '%s.xz'", path, path);
	CHECKF(rc == 0, "xz: %s", err ? err : "");
	free(err);
	check_file_readers(path, &g, 1, 4, &ts);
	if (!ts)
		tap_skip("tshark not installed; libpcap checked only");
	gbuf_free(&b);
}

void suite_readers(void)
{
	tap_run(t_readers_v4, "readers: IPv4 file read by libpcap and tshark (bblog.* fields, TCP, times, skipped)");
	tap_run(t_readers_v6, "readers: IPv6 file read by libpcap and tshark");
	tap_run(t_readers_cont, "readers: continual dumps appended to one file read by libpcap and tshark");
	tap_run(t_readers_xz, "readers: -J output decompresses with xz -d and reads back");
}
