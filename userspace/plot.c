// SPDX-License-Identifier: GPL-2.0
/*
 * A connection as pictures: one self-contained HTML page of SVG, nothing
 * loaded from anywhere, that any browser opens offline.  An inline script
 * (plot_js.c) zooms and pans the time axis and reads out the nearest
 * point; without it the page shows the same, whole connection.
 *
 * For each connection (one file bblog record wrote, or several joined by
 * bblog merge), on one time axis:
 *   - the time-sequence graph: each segment sent as a vertical bar from
 *     its first to its last byte (retransmissions in red), the ACK line
 *     and the receive-window edge the peer advertised, SACKed ranges, and
 *     markers for RTOs, tail loss probes, state and congestion-state
 *     changes, resets, drops and the end;
 *   - the Linux values no capture has: cwnd, ssthresh and what is in
 *     flight (packets); srtt and rto (ms); the pacing rate (Mbit/s).
 * Every mark carries a <title>: the browser shows its values on hover.
 * Sequence numbers are relative to the first one this end sent.
 *
 * What each graph draws sits in its own <svg class="pane"> over the graph's
 * frame, in the outer drawing's coordinates (identity viewBox): the script
 * zooms all panes of a connection at once by changing their viewBoxes, and
 * the panes clip what falls outside.  Times are drawn with 3 decimals so
 * that zooming in keeps them apart.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "pcapng.h"
#include "pcapread.h"
#include "plot.h"

#define W	1000.0		/* drawing width */
#define LEFT	70.0
#define RIGHT	20.0
#define PAD	3.0		/* a pane reaches this far past its frame */

struct seg { double t; double lo, hi; int retrans; };
struct ack { double t; double ack, edge; };
struct sack { double t; double lo, hi; };
struct val { double t; double v[3]; };
struct mark { double t; unsigned int ev; char text[BBLOG_COMMENT_MAX]; };

struct conn {
	struct seg *seg; size_t nseg, cseg;
	struct ack *ack; size_t nack, cack;
	struct sack *sack; size_t nsack, csack;
	struct val *cw, *rtt, *pace;
	size_t ncw, nrtt, npace, ccw, crtt, cpace;
	struct mark *mark; size_t nmark, cmark;
	int have_base, have_t0;
	uint32_t base;		/* the first sequence number sent */
	uint64_t t0;		/* microseconds of the first record */
	double tmax;
};

#define PUSH(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : 256;			\
		(arr) = realloc((arr), (cap) * sizeof(*(arr)));		\
		if (!(arr))						\
			abort();					\
	}								\
} while (0)

static double rel(const struct conn *c, uint32_t seq)
{
	return (double)(int32_t)(seq - c->base);
}

static void add_val(struct val **arr, size_t *n, size_t *cap, double t,
		    double a, double b, double d)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		*arr = realloc(*arr, *cap * sizeof(**arr));
		if (!*arr)
			abort();
	}
	(*arr)[*n].t = t;
	(*arr)[*n].v[0] = a;
	(*arr)[*n].v[1] = b;
	(*arr)[*n].v[2] = d;
	(*n)++;
}

static void conn_add(struct conn *c, const struct bblog_pr_item *it)
{
	const unsigned char *r = it->rec, *s = r + TLB_STACKINFO;
	unsigned int ev = r[TLB_EVENTID], shift;
	double t;

	if (!it->have_rec)
		return;
	if (!c->have_t0) {
		c->t0 = it->ts_us;
		c->have_t0 = 1;
	}
	t = (double)(it->ts_us - c->t0) / 1e6;
	if (t > c->tmax)
		c->tmax = t;
	if (it->packet && it->have_tcp) {
		uint32_t len = get_le32(r + TLB_LEN) + !!(it->thflags & 0x03);

		if (it->direction != 1) {
			if (!c->have_base) {
				c->base = it->seq;
				c->have_base = 1;
			}
			/* a pure ACK has no sequence space to draw */
			if (len) {
				PUSH(c->seg, c->nseg, c->cseg);
				c->seg[c->nseg++] = (struct seg){ t, rel(c, it->seq),
								  rel(c, it->seq + len), 0 };
			}
		} else if (c->have_base && (it->thflags & 0x10)) {
			unsigned int i;

			shift = r[TLB_SHIFTS] & 0x0f;
			PUSH(c->ack, c->nack, c->cack);
			c->ack[c->nack++] = (struct ack){ t, rel(c, it->ack),
				rel(c, it->ack) + (double)((uint32_t)it->win << shift) };
			for (i = 0; i < it->nsack; i++) {
				PUSH(c->sack, c->nsack, c->csack);
				c->sack[c->nsack++] = (struct sack){ t, rel(c, it->sack[i][0]),
								     rel(c, it->sack[i][1]) };
			}
		}
	}
	if (r[TLB_STACKID] == BBLOG_PCAP_STACK_ID && (get_le16(r + TLB_EVENTFLAGS) & FBSD_TLB_RXBUF)) {
		uint32_t ssth = get_le32(s + 4);
		int64_t f = (int64_t)get_le32(s + 12) - get_le32(s + 24) - get_le32(s + 20) +
			    get_le32(s + 16);

		add_val(&c->cw, &c->ncw, &c->ccw, t, get_le32(s),
			ssth >= 0x7fffffff ? -1.0 : (double)ssth, f > 0 ? (double)f : 0);
		add_val(&c->rtt, &c->nrtt, &c->crtt, t, get_le32(r + TLB_SRTT) / 1000.0,
			get_le32(s + 32) / 1000.0, -1);
		/* ~0: no rate set yet (no RTT sample): a gap, not 10^14 Mbit/s */
		add_val(&c->pace, &c->npace, &c->cpace, t,
			get_le64(s + 48) >= 1ull << 62 ? -1.0 :
			(double)get_le64(s + 48) * 8 / 1e6, -1, -1);
	}
	if (!it->packet) {
		switch (ev) {
		case BBLOG_EV_RETRANS:
			/* the OUT record of the retransmitted segment came just before */
			if (c->nseg && c->seg[c->nseg - 1].lo == rel(c, get_le32(r + TLB_FLEX1)))
				c->seg[c->nseg - 1].retrans = 1;
			break;
		case BBLOG_EV_RTO: case BBLOG_EV_TLP: case BBLOG_EV_STATE:
		case BBLOG_EV_CA_STATE: case BBLOG_EV_RST_SENT: case BBLOG_EV_RST_RECV:
		case BBLOG_EV_DROP: case BBLOG_EV_CONNEND: case BBLOG_EV_PMTU_RETRANS:
		case BBLOG_EV_PROBE0: case BBLOG_EV_KEEPALIVE: case BBLOG_EV_USER:
			PUSH(c->mark, c->nmark, c->cmark);
			c->mark[c->nmark].t = t;
			c->mark[c->nmark].ev = ev;
			snprintf(c->mark[c->nmark].text, sizeof(c->mark[0].text), "%s",
				 it->comment[0] ? it->comment :
				 bblog_event_name(ev) ? bblog_event_name(ev) : "event");
			c->nmark++;
			break;
		}
	}
}

/* Text for HTML and SVG: <, >, &, " escaped; other bytes below 32 dropped. */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 32)
				fputc(*s, f);
		}
	}
}

struct axis { double lo, hi, top, h; };

static double xs(const struct conn *c, double t)
{
	return LEFT + (c->tmax > 0 ? t / c->tmax : 0) * (W - LEFT - RIGHT);
}

static double ys(const struct axis *a, double v)
{
	double span = a->hi > a->lo ? a->hi - a->lo : 1;

	return a->top + a->h - (v - a->lo) / span * a->h;
}

static void frame(FILE *f, const struct conn *c, const struct axis *a, const char *label)
{
	int i;

	fprintf(f, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		LEFT, a->top, W - LEFT - RIGHT, a->h);
	fprintf(f, "<text class=\"label\" x=\"4\" y=\"%.1f\">", a->top + 12);
	esc(f, label);
	fputs("</text>\n", f);
	for (i = 0; i <= 4; i++) {
		double v = a->lo + (a->hi - a->lo) * i / 4;

		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%.4g</text>\n",
			LEFT - 4, ys(a, v) + 4, v);
	}
	for (i = 0; i <= 5; i++)
		fprintf(f, "<text class=\"tick time\" x=\"%.1f\" y=\"%.1f\">%.4gs</text>\n",
			xs(c, c->tmax * i / 5) + 12, a->top + a->h + 14, c->tmax * i / 5);
}

/* The pane of @a's graph (plot_js.c reads its data- attributes). */
static void pane(FILE *f, const struct axis *a)
{
	double x = LEFT - PAD, y = a->top - PAD, w = W - LEFT - RIGHT + 2 * PAD, h = a->h + 2 * PAD;

	fprintf(f, "<svg class=\"pane\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"viewBox=\"%.1f %.1f %.1f %.1f\" preserveAspectRatio=\"none\" data-top=\"%.1f\" "
		"data-h=\"%.1f\" data-lo=\"%.10g\" data-hi=\"%.10g\">\n",
		x, y, w, h, x, y, w, h, a->top, a->h, a->lo, a->hi);
}

/* A step line of series @k of @v (values below 0 are gaps). */
static void steps(FILE *f, const struct conn *c, const struct axis *a,
		  const struct val *v, size_t n, int k, const char *cls)
{
	int open = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].v[k] < 0) {
			if (open)
				fputs("\"/>\n", f);
			open = 0;
			continue;
		}
		if (!open)
			fprintf(f, "<polyline class=\"%s\" points=\"", cls);
		else
			fprintf(f, "%.3f,%.1f ", xs(c, v[i].t), ys(a, v[i - 1].v[k]));
		fprintf(f, "%.3f,%.1f ", xs(c, v[i].t), ys(a, v[i].v[k]));
		open = 1;
	}
	if (open)
		fputs("\"/>\n", f);
}

static void range(const struct val *v, size_t n, int k0, int k1, double *hi)
{
	size_t i;
	int k;

	*hi = 0;
	for (i = 0; i < n; i++)
		for (k = k0; k <= k1; k++)
			if (v[i].v[k] > *hi)
				*hi = v[i].v[k];
	if (*hi <= 0)
		*hi = 1;
}

static void draw(FILE *f, const struct conn *c, const char *title)
{
	struct axis a = { 0, 1, 20, 340 };
	double hi = 1, lo = 0;
	size_t i;

	for (i = 0; i < c->nseg; i++) {
		hi = c->seg[i].hi > hi ? c->seg[i].hi : hi;
		lo = c->seg[i].lo < lo ? c->seg[i].lo : lo;
	}
	for (i = 0; i < c->nack; i++)
		hi = c->ack[i].edge > hi ? c->ack[i].edge : hi;
	a.lo = lo;
	a.hi = hi;
	fputs("<section><h2>", f);
	esc(f, title);
	fputs("</h2>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"conn\" width=\"%.0f\" "
		"height=\"900\" viewBox=\"0 0 %.0f 900\" data-tmax=\"%.9g\">\n", W, W, c->tmax);
	frame(f, c, &a, "sequence");
	pane(f, &a);
	for (i = 0; i < c->nsack; i++)
		fprintf(f, "<line class=\"sack\" x1=\"%.3f\" y1=\"%.1f\" x2=\"%.3f\" y2=\"%.1f\">"
			"<title>SACK %.0f-%.0f at %.6fs</title></line>\n",
			xs(c, c->sack[i].t), ys(&a, c->sack[i].lo), xs(c, c->sack[i].t),
			ys(&a, c->sack[i].hi), c->sack[i].lo, c->sack[i].hi, c->sack[i].t);
	if (c->nack) {
		fputs("<polyline class=\"ack\" points=\"", f);
		for (i = 0; i < c->nack; i++)
			fprintf(f, "%.3f,%.1f ", xs(c, c->ack[i].t), ys(&a, c->ack[i].ack));
		fputs("\"/>\n<polyline class=\"rwnd\" points=\"", f);
		for (i = 0; i < c->nack; i++)
			fprintf(f, "%.3f,%.1f ", xs(c, c->ack[i].t), ys(&a, c->ack[i].edge));
		fputs("\"/>\n", f);
	}
	for (i = 0; i < c->nseg; i++)
		fprintf(f, "<line class=\"%s\" x1=\"%.3f\" y1=\"%.1f\" x2=\"%.3f\" y2=\"%.1f\">"
			"<title>%s seq %.0f-%.0f at %.6fs</title></line>\n",
			c->seg[i].retrans ? "retrans" : "seg", xs(c, c->seg[i].t),
			ys(&a, c->seg[i].lo), xs(c, c->seg[i].t), ys(&a, c->seg[i].hi) - 1,
			c->seg[i].retrans ? "retransmitted" : "sent", c->seg[i].lo,
			c->seg[i].hi, c->seg[i].t);
	fputs("</svg>\n", f);
	a = (struct axis){ 0, 1, 390, 150 };
	range(c->cw, c->ncw, 0, 2, &a.hi);
	frame(f, c, &a, "packets: cwnd, ssthresh, in flight");
	pane(f, &a);
	steps(f, c, &a, c->cw, c->ncw, 0, "cwnd");
	steps(f, c, &a, c->cw, c->ncw, 1, "ssthresh");
	steps(f, c, &a, c->cw, c->ncw, 2, "inflight");
	fputs("</svg>\n", f);
	a = (struct axis){ 0, 1, 570, 130 };
	range(c->rtt, c->nrtt, 0, 1, &a.hi);
	frame(f, c, &a, "ms: srtt, rto");
	pane(f, &a);
	steps(f, c, &a, c->rtt, c->nrtt, 0, "srtt");
	steps(f, c, &a, c->rtt, c->nrtt, 1, "rto");
	fputs("</svg>\n", f);
	a = (struct axis){ 0, 1, 730, 130 };
	range(c->pace, c->npace, 0, 0, &a.hi);
	frame(f, c, &a, "Mbit/s: pacing rate");
	pane(f, &a);
	steps(f, c, &a, c->pace, c->npace, 0, "pacing");
	fputs("</svg>\n", f);
	/* the events cross all graphs: a pane of their own, on top */
	a = (struct axis){ 0, 0, 20, 840 };
	pane(f, &a);
	for (i = 0; i < c->nmark; i++) {
		fprintf(f, "<line class=\"mark ev%u\" x1=\"%.3f\" y1=\"20\" x2=\"%.3f\" y2=\"860\">"
			"<title>%.6fs ", c->mark[i].ev, xs(c, c->mark[i].t), xs(c, c->mark[i].t),
			c->mark[i].t);
		esc(f, c->mark[i].text);
		fputs("</title></line>\n", f);
	}
	fputs("</svg>\n", f);
	fputs("</svg>\n</section>\n", f);
}

static void conn_free(struct conn *c)
{
	free(c->seg);
	free(c->ack);
	free(c->sack);
	free(c->cw);
	free(c->rtt);
	free(c->pace);
	free(c->mark);
}

void bblog_plot_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
	esc(f, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:1em}svg{background:#fff}\n"
	      ".frame{fill:none;stroke:#999}.label{font-size:12px;fill:#333}\n"
	      ".tick{font-size:10px;fill:#666;text-anchor:end}\n"
	      ".seg{stroke:#1f4e9a;stroke-width:2}.retrans{stroke:#d00;stroke-width:3}\n"
	      ".ack{fill:none;stroke:#2a2}.rwnd{fill:none;stroke:#c90;stroke-dasharray:4 2}\n"
	      ".sack{stroke:#7c4;stroke-width:4;opacity:.6}\n"
	      ".mark{stroke:#888;stroke-dasharray:2 3}.ev3,.ev137{stroke:#d00}"
	      ".ev133{stroke:#a0a}.ev131,.ev132,.ev141{stroke:#f60}\n"
	      ".cwnd{fill:none;stroke:#1f4e9a}.ssthresh{fill:none;stroke:#c90}"
	      ".inflight{fill:none;stroke:#2a2}\n"
	      ".srtt{fill:none;stroke:#1f4e9a}.rto{fill:none;stroke:#d00}"
	      ".pacing{fill:none;stroke:#a0a}\n"
	      ".pane *{vector-effect:non-scaling-stroke}.readout{font-size:12px;fill:#000}"
	      ".dot{fill:none;stroke:#000;stroke-width:1.5}\n"
	      "</style></head><body>\n<h1>", f);
	esc(f, title);
	fputs("</h1>\n<p>Segments sent: blue bars (red: retransmitted); ACKs: green line; "
	      "the peer's window edge: dashed orange; SACKed: light green; dashed verticals: "
	      "events (hover for their words). Sequence numbers are relative to the first "
	      "one sent. With JavaScript: the mouse wheel zooms the time axis of all graphs, "
	      "a drag pans it, a double click shows all again, and the line above the graphs "
	      "reads out the point nearest the pointer.</p>\n", f);
}

int bblog_plot_file(FILE *f, const char *title, const unsigned char *buf, size_t len,
		    char *err, size_t errlen)
{
	struct conn c = { 0 };
	struct bblog_pr_item it;
	struct bblog_pr pr;
	int r;

	bblog_pr_init(&pr, buf, len);
	while ((r = bblog_pr_next(&pr, &it)) == 1)
		conn_add(&c, &it);
	if (r < 0)
		snprintf(err, errlen, "%s", pr.err);
	draw(f, &c, title);
	conn_free(&c);
	return r < 0 ? -1 : 0;
}

void bblog_plot_end(FILE *f)
{
	bblog_plot_script(f, LEFT, W - LEFT - RIGHT, PAD);
	fputs("</body></html>\n", f);
}
