// SPDX-License-Identifier: GPL-2.0
/*
 * bblog plot: the page of a made-up connection with losses, SACKs, an RTO, a
 * retransmission and a reset.  Its SVG layout, point for point against the
 * records; then in headless Chromium (tests/deps.sh installs it) with the
 * network unreachable: the zoom, pan and read-out script driven by injected
 * events, and screenshots with and without JavaScript that must show the
 * graphs.  The screenshots and pages stay in $BBLOG_ARTIFACTS (the tests'
 * build directory).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "tap.h"
#include "tests.h"

#define ISS	1000000u
#define MSS	1448u
#define NSEG	30		/* segments sent once */
#define LOST	8		/* the one lost and retransmitted after the RTO */

struct plotconn {
	struct bblog_record r[128];
	int n, nack, nsack, nmark, nsnap;
	uint32_t cwnd_at[128];
};

static struct bblog_record *add(struct plotconn *c, uint8_t ev, uint64_t ms, uint32_t cwnd)
{
	struct bblog_record *r = &c->r[c->n];

	gen_record(r, (uint32_t)c->n, ev);
	r->time_ns = TIME_BASE_NS + ms * 1000000u;
	r->snd_cwnd = cwnd;
	r->snd_ssthresh = 24;
	r->packets_out = cwnd / 2;
	r->retrans_out = r->lost_out = r->sacked_out = 0;
	r->srtt_us = (10000 + 100 * (uint32_t)c->n) << 3;
	r->rto_us = 210000;
	/* before its first RTT sample a socket has no pacing rate: ~0 */
	r->pacing_rate = c->n ? 1250000 + 10000 * (uint64_t)cwnd : ~0ull;
	c->cwnd_at[c->n] = cwnd;
	c->nsnap++;
	c->n++;
	return r;
}

/* An ACK of @ack from the peer, SACKing [@sl, @sr) if @sr. */
static void ack(struct plotconn *c, uint64_t ms, uint32_t cwnd, uint32_t a, uint32_t sl, uint32_t sr)
{
	struct bblog_record *r = add(c, BBLOG_EV_IN, ms, cwnd);
	uint32_t v;

	gen_th(r, 51000, 443, 5000, a, 0x10, sr ? 12 : 0, 0);
	if (sr) {	/* NOP NOP SACK(10) */
		r->th[20] = 1; r->th[21] = 1; r->th[22] = 5; r->th[23] = 10;
		v = htonl(sl); memcpy(r->th + 24, &v, 4);
		v = htonl(sr); memcpy(r->th + 28, &v, 4);
		c->nsack++;
	}
	c->nack++;
}

static void event(struct plotconn *c, uint8_t ev, uint64_t ms, uint32_t cwnd,
		  uint32_t arg1, uint32_t arg2)
{
	struct bblog_record *r = add(c, ev, ms, cwnd);

	r->arg1 = arg1;
	r->arg2 = arg2;
	if (ev != BBLOG_EV_RETRANS)
		c->nmark++;
}

static void plotconn(struct plotconn *c, struct gbuf *b)
{
	struct bblog_dump d;
	struct bblog_record *r;
	uint32_t k, cwnd = 10;
	uint64_t ms = 0;

	memset(c, 0, sizeof(*c));
	gen_dump(&d, 0, 4242, "plot", 0, BBLOG_DF_ENDED);
	event(c, BBLOG_EV_STATE, ms, cwnd, 2, 1);
	for (k = 0; k < NSEG; k++) {
		if (k == 20) {	/* the lost one's RTO, its retransmission, the loss state */
			ms += 200;
			event(c, BBLOG_EV_RTO, ms, cwnd, 0, 1);
			cwnd = 1;
			r = add(c, BBLOG_EV_OUT, ms, cwnd);
			gen_th(r, 443, 51000, ISS + LOST * MSS, 5000, 0x18, 0, MSS);
			event(c, BBLOG_EV_RETRANS, ms, cwnd, ISS + LOST * MSS, MSS);
			event(c, BBLOG_EV_CA_STATE, ms, cwnd, 0, 4);
			ms += 10;
			ack(c, ms, ++cwnd, ISS + 20 * MSS, 0, 0);
		}
		ms += 2;
		r = add(c, BBLOG_EV_OUT, ms, cwnd);
		gen_th(r, 443, 51000, ISS + k * MSS, 5000, 0x18, 0, MSS);
		if (k % 2 && k < 20) {	/* every other one acked, SACKs past the lost one */
			ms += 1;
			if (k < LOST)
				ack(c, ms, ++cwnd, ISS + (k + 1) * MSS, 0, 0);
			else
				ack(c, ms, cwnd, ISS + LOST * MSS, ISS + (LOST + 1) * MSS,
				    ISS + (k + 1) * MSS);
		} else if (k % 2) {
			ms += 1;
			ack(c, ms, ++cwnd, ISS + (k + 1) * MSS, 0, 0);
		}
	}
	ms += 5;
	event(c, BBLOG_EV_RST_SENT, ms, cwnd, 0, 0);
	event(c, BBLOG_EV_CONNEND, ms, cwnd, 1, 104);
	gen_msg(b, &d, c->r, (uint32_t)c->n);
}

static char page[4096];		/* the plot of plotconn, made by the first test */
static struct plotconn conn;

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* Points of the first <polyline class="@cls">, or -1. */
static int points(const char *s, const char *cls)
{
	char pat[64];
	const char *p, *e;
	int n = 0;

	snprintf(pat, sizeof(pat), "<polyline class=\"%s\" points=\"", cls);
	p = strstr(s, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	e = strchr(p, '"');
	for (; p < e; p++)
		n += *p == ',';
	return n;
}

/* The parts of the page in order: @parts each found after the one before. */
static int in_order(const char *s, const char *const *parts, const char **missing)
{
	for (; *parts; parts++) {
		s = strstr(s, *parts);
		if (!s) {
			*missing = *parts;
			return 0;
		}
		s += strlen(*parts);
	}
	return 1;
}

static void t_plot_layout(void)
{
	static const char *const parts[] = {
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"conn\"", "data-tmax=\"",
		"<rect class=\"frame\"", ">sequence</text>", "<text class=\"tick time\"",
		"<svg class=\"pane\"", "<line class=\"sack\"", "<polyline class=\"ack\"",
		"<polyline class=\"rwnd\"", "<line class=\"seg\"", "<line class=\"retrans\"",
		"<line class=\"seg\"", "</svg>",
		">packets: cwnd, ssthresh, in flight</text>", "<svg class=\"pane\"",
		"<polyline class=\"cwnd\"", "<polyline class=\"ssthresh\"",
		"<polyline class=\"inflight\"", "</svg>",
		">ms: srtt, rto</text>", "<svg class=\"pane\"", "<polyline class=\"srtt\"",
		"<polyline class=\"rto\"", "</svg>",
		">Mbit/s: pacing rate</text>", "<svg class=\"pane\"", "<polyline class=\"pacing\"",
		"</svg>", "<svg class=\"pane\"", "<line class=\"mark ev128\"", "<line class=\"mark ev3\"",
		"<line class=\"mark ev133\"", "<line class=\"mark ev131\"", "<line class=\"mark ev54\"",
		"</svg>\n</svg>\n</section>", "<script>", "</script>\n</body></html>\n", NULL
	};
	struct gbuf b = { 0 };
	const char *d, *missing = "", *p;
	char file[4096], *o = NULL, *err = NULL;
	int rc, snaps;

	plotconn(&conn, &b);
	d = record_stream("plot", &b, NULL);
	snprintf(file, sizeof(file), "%s/plot_443_198.51.100.2_51000.0.pcapng", d);
	snprintf(page, sizeof(page), "%s/plot.html", tmpdir());
	rc = run(NULL, &err, "'%s' plot -o '%s' '%s'", bblog_bin(), page, file);
	CHECKF(rc == 0, "plot: %s", err ? err : "");
	free(err);
	o = (char *)read_file(page, &(size_t){ 0 });
	CHECK(o != NULL);
	if (!o) {
		gbuf_free(&b);
		return;
	}
	CHECKF(in_order(o, parts, &missing), "not in order from: %s", missing);
	/* a bar per segment sent, a point per record */
	CHECK_EQ(count(o, "<line class=\"seg\""), NSEG);
	CHECK_EQ(count(o, "<line class=\"retrans\""), 1);
	CHECK_EQ(count(o, "<line class=\"sack\""), conn.nsack);
	CHECK_EQ(count(o, "<line class=\"mark "), conn.nmark);
	CHECK_EQ(points(o, "ack"), conn.nack);
	CHECK_EQ(points(o, "rwnd"), conn.nack);
	snaps = conn.nsnap;	/* a step line: one point, then two per change */
	CHECK_EQ(points(o, "cwnd"), 2 * snaps - 1);
	CHECK_EQ(points(o, "ssthresh"), 2 * snaps - 1);
	CHECK_EQ(points(o, "inflight"), 2 * snaps - 1);
	CHECK_EQ(points(o, "srtt"), 2 * snaps - 1);
	CHECK_EQ(points(o, "rto"), 2 * snaps - 1);
	/* no rate in the first record: a gap there, not 10^14 Mbit/s */
	CHECK_EQ(points(o, "pacing"), 2 * (snaps - 1) - 1);
	CHECK_EQ(count(o, "<polyline class=\"pacing\""), 1);
	/* four graphs and the events' pane, each showing itself at first */
	CHECK_EQ(count(o, "<svg class=\"pane\""), 5);
	CHECK_EQ(count(o, "<text class=\"tick time\""), 24);
	for (p = o; (p = strstr(p, "<svg class=\"pane\"")); p++) {
		double x, y, w, h, vx, vy, vw, vh;

		CHECK(sscanf(p, "<svg class=\"pane\" x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\" "
			     "viewBox=\"%lf %lf %lf %lf\" preserveAspectRatio=\"none\"",
			     &x, &y, &w, &h, &vx, &vy, &vw, &vh) == 8 &&
		      x == vx && y == vy && w == vw && h == vh);
	}
	/* one inline script; nothing that loads: no link, no source, no URL */
	CHECK_EQ(count(o, "<script"), 1);
	CHECK_EQ(count(o, "http://"), count(o, "xmlns=\"http://www.w3.org/2000/svg\""));
	CHECK(!strstr(o, "https:") && !strstr(o, "src=") && !strstr(o, "href=") &&
	      !strstr(o, "url(") && !strstr(o, "@import") && !strstr(o, "<link") &&
	      !strstr(o, "fetch(") && !strstr(o, "XMLHttpRequest") && !strstr(o, "<iframe") &&
	      !strstr(o, "<img"));
	free(o);
	gbuf_free(&b);
}

/* Headless Chromium on @url, the network unreachable: 0 or its exit status. */
static int chromium(char **out, const char *args, const char *url)
{
	char log[4096];
	int rc;

	if (!have_cmd("chromium")) {
		tap_diag("chromium is not installed (tests/deps.sh installs it)");
		return 127;
	}
	snprintf(log, sizeof(log), "%s/chromium.log", tmpdir());
	rc = run(out, NULL, "cd '%s' && HOME='%s' chromium --headless --disable-gpu --no-sandbox "
		 "--no-first-run --user-data-dir='%s/chromium-profile' "
		 "--proxy-server=socks5://127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' "
		 "%s 'file://%s' 2>>'%s'", tmpdir(), tmpdir(), tmpdir(), args, url, log);
	if (rc)
		tap_diag("chromium exit %d (log: %s)", rc, log);
	return rc;
}

static const char *artifacts(void)
{
	static char dir[4096];
	const char *a = getenv("BBLOG_ARTIFACTS");

	snprintf(dir, sizeof(dir), "%s/plot", a ? a : tmpdir());
	if (run(NULL, NULL, "mkdir -p '%s'", dir))
		CHECKF(0, "cannot make %s", dir);
	return dir;
}

/*
 * The script as a user drives it: a wheel turn, a drag, a double click and
 * two hovers, injected after the page's own script; what it saw goes into
 * a <pre id="result"> of the DOM Chromium dumps.
 */
static const char driver[] =
"<script>\n(function () {\n"
"var s = document.querySelector('svg.conn'), box = s.getBoundingClientRect(), res = [];\n"
"var panes = s.querySelectorAll('svg.pane'), p = panes[0], v0 = p.getAttribute('viewBox');\n"
"var tick = s.querySelector('text.time'), t0 = tick.textContent;\n"
"function vb() { return p.getAttribute('viewBox').split(' ').map(Number); }\n"
"function send(type, x, y, o) {\n"
"\tvar e = Object.assign({ clientX: box.left + x, clientY: box.top + y, bubbles: true,\n"
"\t\tcancelable: true }, o || {});\n"
"\ts.dispatchEvent(type == 'wheel' ? new WheelEvent(type, e) : new MouseEvent(type, e));\n"
"}\n"
"function readout() { return s.querySelector('text.readout').textContent; }\n"
"res.push('resources=' + performance.getEntriesByType('resource').length);\n"
"res.push('hint=' + /wheel/.test(readout()));\n"
"send('wheel', 500, 200, { deltaY: -500 });\n"
"var z = vb(), w = z[2] - 6 * z[2] / (910 + 6);\n"
"res.push('zoomed=' + (w < 400 && w > 300));\n"
"res.push('fixed=' + (Math.abs(z[0] + 3 * w / 910 + 430 / 910 * w - 500) < 0.01));\n"
"res.push('together=' + Array.prototype.every.call(panes, function (q) {\n"
"\treturn q.getAttribute('viewBox').split(' ')[0] == z[0] &&\n"
"\t\tq.getAttribute('viewBox').split(' ')[2] == z[2]; }));\n"
"res.push('ticks=' + (tick.textContent != t0 && parseFloat(tick.textContent) > 0));\n"
"send('mousedown', 500, 200); send('mousemove', 600, 200); send('mouseup', 600, 200);\n"
"res.push('panned=' + (Math.abs(vb()[0] - (z[0] - 100 * w / 910)) < 0.01));\n"
"send('dblclick', 600, 200);\n"
"res.push('reset=' + (p.getAttribute('viewBox').split(' ').map(Number).join(' ') ==\n"
"\tv0.split(' ').map(Number).join(' ')));\n"
"var seg = s.querySelectorAll('line.seg')[3];\n"
"send('mousemove', +seg.getAttribute('x1'), (+seg.getAttribute('y1') + +seg.getAttribute('y2')) / 2);\n"
"res.push('seg=' + (readout() == seg.querySelector('title').textContent));\n"
"var q = s.querySelector('polyline.cwnd').points.getItem(%d);\n"
"send('mousemove', q.x, q.y);\n"
"res.push('cwnd=[' + readout() + ']');\n"
"var pre = document.createElement('pre');\n"
"pre.id = 'result';\n"
"pre.textContent = res.join(' ');\n"
"document.body.appendChild(pre);\n"
"})();\n</script>\n";

static void t_plot_chromium_script(void)
{
	char drive[4096], *o = NULL, *html, *res, want[128];
	size_t len;
	FILE *f;
	int k = 10, pt;

	html = (char *)read_file(page, &len);
	CHECK(html != NULL);
	if (!html)
		return;
	/* record k's cwnd: its point is the second of its step (2k) */
	pt = 2 * k;
	snprintf(drive, sizeof(drive), "%s/drive.html", artifacts());
	f = fopen(drive, "w");
	CHECK(f != NULL);
	if (f) {
		fwrite(html, 1, len, f);
		fprintf(f, driver, pt);
		CHECK(fclose(f) == 0);
	}
	free(html);
	CHECK(chromium(&o, "--dump-dom", drive) == 0);
	res = o ? strstr(o, "<pre id=\"result\">") : NULL;
	snprintf(want, sizeof(want), "cwnd=[cwnd %u at ", conn.cwnd_at[k]);
	CHECKF(res && strstr(res, "resources=0 hint=true zoomed=true fixed=true together=true "
			     "ticks=true panned=true reset=true seg=true ") && strstr(res, want),
	       "script: %.300s (want %s)", res ? res : o ? o : "no output", want);
	free(o);
}

/* Width, height, distinct colours, non-white pixels, pixels near each of @rgb. */
static int pngstat(const char *png, const char *rgb, long v[6])
{
	const char *py = getenv("BBLOG_PNGSTAT");
	char *o = NULL;
	int rc;

	rc = run(&o, NULL, "python3 '%s' '%s' %s", py ? py : "../tests/unit/pngstat.py", png, rgb);
	CHECKF(rc == 0, "pngstat %s: %s", png, o ? o : "");
	rc = !o || sscanf(o, "%ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4],
			  &v[5]) != 6;
	free(o);
	return rc ? -1 : 0;
}

/* A screenshot of @html as @name; its numbers in @v (pngstat()). */
static void shot(const char *name, const char *html, long v[6])
{
	char png[4096], opt[8192];

	snprintf(png, sizeof(png), "%s/%s", artifacts(), name);
	unlink(png);
	snprintf(opt, sizeof(opt), "--screenshot='%s' --window-size=1200,1200", png);
	CHECK(chromium(NULL, opt, html) == 0);
	/* the segment bars' blue, the retransmission's red (plot.c's colours) */
	memset(v, 0, 6 * sizeof(*v));
	if (pngstat(png, "1f4e9a dd0000", v))
		return;
	CHECKF(v[0] == 1200 && v[1] == 1200, "%s: %ldx%ld", name, v[0], v[1]);
	/* not blank: text, frames, lines in many shades, still mostly white */
	CHECKF(v[2] >= 20 && v[3] > 1200 * 1200 / 100 && v[3] < 1200 * 1200 / 2,
	       "%s: %ld colours, %ld not white", name, v[2], v[3]);
	CHECKF(v[4] >= 2 * NSEG && v[5] >= 2, "%s: %ld blue, %ld red pixels", name, v[4], v[5]);
}

/*
 * The page as it is, and as a browser without JavaScript shows it: a copy
 * whose Content-Security-Policy forbids scripts (Chromium's headless
 * screenshot does not finish with scripts switched off in its settings).
 */
static void t_plot_chromium_shots(void)
{
	char nojs[4096], *html;
	long js[6], plain[6];
	size_t len;
	FILE *f;

	run(NULL, NULL, "cp '%s' '%s/plot.html'", page, artifacts());
	shot("plot.png", page, js);
	html = (char *)read_file(page, &len);
	CHECK(html && strncmp(html, "<!DOCTYPE html>\n<html><head>", 28) == 0);
	if (!html)
		return;
	snprintf(nojs, sizeof(nojs), "%s/plot-nojs.html", artifacts());
	f = fopen(nojs, "w");
	CHECK(f != NULL);
	if (f) {
		fwrite(html, 1, 28, f);
		fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">", f);
		fwrite(html + 28, 1, len - 28, f);
		CHECK(fclose(f) == 0);
	}
	free(html);
	shot("plot-nojs.png", nojs, plain);
	/* the same graphs; only the script's read-out line is missing */
	CHECKF(plain[4] == js[4] && plain[5] == js[5] && plain[3] < js[3],
	       "without JavaScript: %ld blue, %ld red, %ld not white; with: %ld, %ld, %ld",
	       plain[4], plain[5], plain[3], js[4], js[5], js[3]);
}

void suite_plot(void)
{
	tap_run(t_plot_layout, "plot: the SVG layout, a mark per segment and event, a point per record, nothing loaded");
	tap_run(t_plot_chromium_script, "plot: in headless Chromium offline, wheel zooms all graphs' time, drag pans, double click resets, hover reads out");
	tap_run(t_plot_chromium_shots, "plot: headless Chromium screenshots, with and without JavaScript, show the graphs");
}
