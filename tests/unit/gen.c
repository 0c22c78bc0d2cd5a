// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

int tsnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

void gbuf_add(struct gbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n) {
		size_t c = b->cap ? b->cap : 4096;

		while (c - b->len < n)
			c *= 2;
		b->p = realloc(b->p, c);
		if (!b->p)
			abort();
		b->cap = c;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void gbuf_free(struct gbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void gen_record(struct bblog_record *r, uint32_t sn, uint8_t event)
{
	uint32_t k = sn * 1000;

	memset(r, 0, sizeof(*r));
	r->time_ns = TIME_BASE_NS + (uint64_t)sn * 1234567u + 999;
	r->sn = sn;
	r->jiffies = 4294000000u + sn;
	r->event = event;
	r->state = 1;		/* ESTABLISHED */
	r->ca_state = 0;
	r->flags = BBLOG_RF_SNAPSHOT;
	r->snd_wscale = 7;
	r->rcv_wscale = 9;
	r->err = 0;
	r->arg1 = k + 1;
	r->arg2 = k + 2;
	r->snd_una = 100000 + k;
	r->snd_nxt = 100500 + k;
	r->write_seq = 101000 + k;
	r->high_seq = 99000 + k;
	r->rcv_nxt = 200000 + k;
	r->copied_seq = 199000 + k;
	r->rcv_wup = 199500 + k;
	r->snd_wnd = 65000 + sn;
	r->rcv_wnd = 64000 + sn;
	r->snd_cwnd = 10 + sn;
	r->snd_ssthresh = 20 + sn;
	r->mss_cache = 1448;
	r->srtt_us = (5000 + sn) << 3;
	r->mdev_us = (700 + sn) << 2;
	r->rto_us = 204000 + sn;
	r->min_rtt_us = 3000 + sn;
	r->packets_out = 3 + sn;
	r->retrans_out = 1 + sn;
	r->lost_out = 2 + sn;
	r->sacked_out = 4 + sn;
	r->total_retrans = 5 + sn;
	r->reordering = 3;
	r->rmem_alloc = 8192 + sn;
	r->wmem_queued = 16384 + sn;
	r->rcvbuf = 131072;
	r->sndbuf = 87040;
	r->delivered = 50 + sn;
	r->tcp_flags = BBLOG_TF_SACK_OK | BBLOG_TF_WSCALE_OK |
		       BBLOG_TF_TSTAMP_OK;
	r->pacing_rate = 12500000000ull + sn;
	r->bytes_acked = 5000000000ull + sn;
	r->bytes_received = 6000000000ull + sn;
	r->rcv_ssthresh = 60000 + sn;
	r->window_clamp = 70000 + sn;
}

void gen_th(struct bblog_record *r, uint16_t sport, uint16_t dport,
	    uint32_t seq, uint32_t ack, uint8_t flags, unsigned optlen,
	    uint32_t payload)
{
	unsigned char *t = r->th;
	uint32_t v;
	unsigned i;

	memset(r->th, 0, sizeof(r->th));
	v = htons(sport); memcpy(t, &v, 2);
	v = htons(dport); memcpy(t + 2, &v, 2);
	v = htonl(seq); memcpy(t + 4, &v, 4);
	v = htonl(ack); memcpy(t + 8, &v, 4);
	t[12] = (unsigned char)(((20 + optlen) / 4) << 4);
	t[13] = flags;
	t[14] = 0x01; t[15] = 0xf5;	/* window 501 */
	t[16] = 0xde; t[17] = 0xad;	/* a wrong checksum, to be recomputed */
	for (i = 0; i < optlen; i++)
		t[20 + i] = 1;	/* NOP */
	if (optlen >= 12) {	/* NOP NOP TS */
		t[20] = 1; t[21] = 1; t[22] = 8; t[23] = 10;
		t[24] = 0; t[25] = 0; t[26] = 0x30; t[27] = 0x39;
		t[28] = 0; t[29] = 0; t[30] = 0x10; t[31] = 0x92;
	}
	r->th_len = (uint8_t)(20 + optlen);
	r->flags |= BBLOG_RF_HDR;
	r->payload_len = payload;
}

void gen_dump(struct bblog_dump *d, int v6, uint64_t cookie, const char *id,
	      uint32_t seq, uint16_t flags)
{
	uint16_t p;

	memset(d, 0, sizeof(*d));
	d->hdr.version = BBLOG_VERSION;
	d->hdr.type = BBLOG_MSG_DUMP;
	d->cookie = cookie;
	d->boot_offset_ns = BOOT_OFFSET_NS;
	d->lost_nomem = 3;
	d->lost_limit = 1;
	d->overwritten = 2;
	d->lost_export = 0;
	d->netns = 4026531840u;
	d->record_size = sizeof(struct bblog_record);
	d->header_size = sizeof(*d);
	d->seq = seq;
	d->family = v6 ? 10 : 2;
	d->flags = flags | (v6 ? BBLOG_DF_IPV6 : 0);
	p = htons(v6 ? 8080 : 443);
	d->lport = p;
	p = htons(v6 ? 40000 : 51000);
	d->fport = p;
	if (v6) {
		inet_pton(AF_INET6, "2001:db8::1", d->laddr);
		inet_pton(AF_INET6, "2001:db8:ffff::2", d->faddr);
	} else {
		inet_pton(AF_INET, "192.0.2.1", d->laddr);
		inet_pton(AF_INET, "198.51.100.2", d->faddr);
	}
	d->mode = BBLOG_MODE_TAIL;
	d->state = 1;
	d->uid = 1000;
	snprintf(d->ca_name, sizeof(d->ca_name), "cubic");
	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->tag, sizeof(d->tag), "%s", *id ? "tag-1" : "");
	snprintf(d->reason, sizeof(d->reason), "error:test");
}

void gen_msg(struct gbuf *b, struct bblog_dump *d,
	     const struct bblog_record *recs, uint32_t n)
{
	d->nrecords = n;
	d->hdr.length = sizeof(*d) + (uint64_t)n * sizeof(*recs);
	gbuf_add(b, d, sizeof(*d));
	gbuf_add(b, recs, n * sizeof(*recs));
}

void golden_v4(struct gbuf *b, struct golden *g)
{
	struct bblog_record *r = g->recs;

	gen_dump(&g->dump, 0, 0x1122334455667788ull,
		 "web/../../etc passwd", 0, BBLOG_DF_ENDED);
	gen_record(&r[0], 10, BBLOG_EV_STATE);
	r[0].arg1 = 2; r[0].arg2 = 1;		/* SYN_SENT -> ESTABLISHED */
	gen_record(&r[1], 11, BBLOG_EV_OUT);
	gen_th(&r[1], 443, 51000, 3000000000u, 12345, 0x18, 0, 100);
	gen_record(&r[2], 12, BBLOG_EV_IN);
	gen_th(&r[2], 51000, 443, 12345, 3000000100u, 0x10, 12, 0);
	gen_record(&r[3], 17, BBLOG_EV_CA_STATE);	/* gap of 4 */
	r[3].ca_state = 3; r[3].arg1 = 0; r[3].arg2 = 3;
	r[3].tcp_flags |= BBLOG_TF_NODELAY | BBLOG_TF_SENT_FIN | BBLOG_TF_ECN_OK;
	gen_record(&r[4], 18, BBLOG_EV_RETRANS);
	gen_th(&r[4], 443, 51000, 3000000000u, 12345, 0x18, 0, 1448);
	r[4].ca_state = 2;
	gen_record(&r[5], 19, BBLOG_EV_TIMER);
	r[5].snd_ssthresh = 0x7fffffff;			/* saturates */
	r[5].state = 8;					/* CLOSE_WAIT */
	gen_record(&r[6], 20, BBLOG_EV_SK_ERROR);
	r[6].err = -104;				/* as the kernel writes sk_err */
	r[6].flags = 0;					/* no snapshot */
	gen_record(&r[7], 21, BBLOG_EV_OUT);		/* HDR flag, bad th_len */
	r[7].flags |= BBLOG_RF_HDR;
	r[7].th_len = 12;
	gen_record(&r[8], 22, BBLOG_EV_CONNEND);
	r[8].state = 7;
	g->n = 9;
	gen_msg(b, &g->dump, r, g->n);
}

void golden_v6(struct gbuf *b, struct golden *g)
{
	struct bblog_record *r = g->recs;

	gen_dump(&g->dump, 1, 42, "", 3, BBLOG_DF_ENDED);
	gen_record(&r[0], 0, BBLOG_EV_IN);
	gen_th(&r[0], 40000, 8080, 7, 0, 0x02, 20, 0);
	r[0].state = 12;				/* NEW_SYN_RECV */
	gen_record(&r[1], 1, BBLOG_EV_OUT);
	gen_th(&r[1], 8080, 40000, 4000000000u, 8, 0x12, 40, 5000);
	r[1].state = 3;
	gen_record(&r[2], 2, BBLOG_EV_RST_SENT);
	gen_th(&r[2], 8080, 40000, 4000000001u, 8, 0x14, 0, 0);
	gen_record(&r[3], 3, BBLOG_EV_SOCKOPT);
	r[3].arg1 = 0; r[3].arg2 = BBLOG_MODE_CONTINUAL;
	gen_record(&r[4], 4, BBLOG_EV_RST_RECV);	/* a received segment */
	gen_th(&r[4], 40000, 8080, 8, 4000000001u, 0x14, 0, 0);
	g->n = 5;
	gen_msg(b, &g->dump, r, g->n);
}

void golden_cont(struct gbuf *b, struct golden g[3])
{
	static const uint32_t first[3] = { 0, 4, 10 };
	int i, j;

	for (i = 0; i < 3; i++) {
		gen_dump(&g[i].dump, 0, 777, "cont", (uint32_t)i,
			 i == 2 ? BBLOG_DF_ENDED : 0);
		g[i].dump.mode = BBLOG_MODE_CONTINUAL;
		for (j = 0; j < 4; j++) {
			uint32_t sn = first[i] + (uint32_t)j;

			gen_record(&g[i].recs[j], sn, j % 2 ? BBLOG_EV_OUT : BBLOG_EV_STATE);
			if (j % 2)
				gen_th(&g[i].recs[j], 443, 51000, 1000 * sn, 5, 0x10, 0, 10);
		}
		g[i].n = 4;
		gen_msg(b, &g[i].dump, g[i].recs, g[i].n);
	}
}

void golden_unknown(struct gbuf *b)
{
	struct bblog_msg_hdr h = { BBLOG_VERSION, 77, 40 };
	unsigned char body[24];

	memset(body, 0xab, sizeof(body));
	gbuf_add(b, &h, sizeof(h));
	gbuf_add(b, body, sizeof(body));
}

/* ---- helpers ---- */

const char *tmpdir(void)
{
	static char dir[4096];

	if (!dir[0]) {
		const char *base = getenv("BBLOG_TMP");
		char cmd[4200];

		snprintf(dir, sizeof(dir), "%s/run-%ld", base ? base : "/tmp",
			 (long)getpid());
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
		if (system(cmd) != 0)
			abort();
	}
	return dir;
}

int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (n && fwrite(p, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, r;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap + 1);
			if (!p)
				abort();
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

int run(char **out, char **err, const char *fmt, ...)
{
	char cmd[8192], full[9000], o[4200], e[4200];
	static int k;
	va_list ap;
	size_t len;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(o, sizeof(o), "%s/cmd%d.out", tmpdir(), k);
	snprintf(e, sizeof(e), "%s/cmd%d.err", tmpdir(), k++);
	snprintf(full, sizeof(full), "(export LC_ALL=C; %s) </dev/null >'%s' 2>'%s'", cmd, o, e);
	st = system(full);
	if (out)
		*out = (char *)read_file(o, &len);
	if (err)
		*err = (char *)read_file(e, &len);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int have_cmd(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

const char *bblog_bin(void)
{
	const char *b = getenv("BBLOG");

	return b ? b : "../../userspace/bblog";
}

char *json_get(const char *line, const char *key, char *buf, size_t len)
{
	char pat[128];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || !len)
		return NULL;
	p += strlen(pat);
	if (*p == '"') {
		for (p++; *p && *p != '"' && n + 1 < len; p++) {
			if (*p == '\\' && p[1] == 'u') {
				unsigned v;

				if (sscanf(p + 2, "%4x", &v) != 1)
					return NULL;
				buf[n++] = (char)v;
				p += 5;
			} else if (*p == '\\' && p[1]) {
				buf[n++] = *++p;
			} else {
				buf[n++] = *p;
			}
		}
		if (*p != '"')
			return NULL;
	} else {
		while (*p && *p != ',' && *p != '}' && n + 1 < len)
			buf[n++] = *p++;
	}
	buf[n] = 0;
	return buf;
}

uint64_t epoch_us(const char *s)
{
	uint64_t sec = strtoull(s, NULL, 10), us = 0;
	const char *dot = strchr(s, '.');
	int i;

	if (dot)
		for (i = 1; i <= 6; i++)
			us = us * 10 + (dot[i] >= '0' && dot[i] <= '9' ? (uint64_t)(dot[i] - '0') : 0);
	return sec * 1000000u + us;
}

void seed(const char *target, const char *name, const void *p, size_t n)
{
	const char *dir = getenv("BBLOG_SEEDS");
	char path[4096];

	if (!dir)
		return;
	snprintf(path, sizeof(path), "mkdir -p '%s/%s'", dir, target);
	if (system(path) != 0)
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	write_file(path, p, n);
}
