// SPDX-License-Identifier: GPL-2.0
/*
 * The plot page's only script, inline (nothing loaded): for each
 * connection's <svg class="conn"> (plot.c), the mouse wheel over the graphs
 * zooms the time axis of all its panes together around the pointer, a drag
 * pans it, a double click shows the whole connection again, and hovering
 * reads out the nearest point of the graph under the pointer (a mark's
 * <title>, or a line's series, value and time, as exact as the drawing).
 * It changes only the panes' viewBoxes and the time ticks' words, and adds
 * the read-out line and its dot: without it the page shows the same.
 */
#include <stdio.h>

#include "plot.h"

/* after "var L = left, PW = plot width, PAD = pad" */
static const char script[] =
", HINT = 'wheel: zoom time, drag: pan, double-click: all, '\n"
"\t+ 'hover: nearest point';\n"
"function num(e, a) { return +e.getAttribute(a); }\n"
"/* v to the last decimal whose unit is at least res, no trailing zeros */\n"
"function fix(v, res) {\n"
"\treturn String(+v.toFixed(Math.max(0, Math.min(9, Math.floor(-Math.log10(res))))));\n"
"}\n"
"document.querySelectorAll('svg.conn').forEach(function (s) {\n"
"\tvar tmax = num(s, 'data-tmax'), x0 = L, w = PW, drag = null;\n"
"\tvar panes = s.querySelectorAll('svg.pane'), ticks = s.querySelectorAll('text.time');\n"
"\tvar out = document.createElementNS(s.namespaceURI, 'text');\n"
"\tvar dot = document.createElementNS(s.namespaceURI, 'circle');\n"
"\tfunction at(e) {\t/* the pointer in drawing coordinates */\n"
"\t\tvar p = s.createSVGPoint();\n"
"\t\tp.x = e.clientX;\n"
"\t\tp.y = e.clientY;\n"
"\t\treturn p.matrixTransform(s.getScreenCTM().inverse());\n"
"\t}\n"
"\tfunction secs(x) { return (x - L) / PW * tmax; }\n"
"\tfunction set(a, b) {\t/* show drawing x from a, b wide */\n"
"\t\tvar k;\n"
"\t\tw = Math.min(PW, Math.max(PW / 1e4, b));\n"
"\t\tx0 = Math.min(L + PW - w, Math.max(L, a));\n"
"\t\tk = PAD * w / PW;\n"
"\t\tpanes.forEach(function (p) {\n"
"\t\t\tp.setAttribute('viewBox', [x0 - k, num(p, 'data-top') - PAD, w + 2 * k,\n"
"\t\t\t\tnum(p, 'data-h') + 2 * PAD].join(' '));\n"
"\t\t});\n"
"\t\tticks.forEach(function (t, i) {\n"
"\t\t\tt.textContent = fix(secs(x0 + w * (i % 6) / 5), tmax * w / PW / 50) + 's';\n"
"\t\t});\n"
"\t}\n"
"\tfunction near(p) {\n"
"\t\tvar r = w / PW, x = x0 + (p.x - L) * r, bd = 12, b = null, lo, hi, top, h, t;\n"
"\t\tfunction cand(el, pn, qx, y1, y2) {\n"
"\t\t\tvar a = Math.min(y1, y2), z = Math.max(y1, y2), y = Math.min(Math.max(p.y, a), z);\n"
"\t\t\tvar d = Math.hypot((qx - x) / r, p.y - y);\n"
"\t\t\tif (d < bd) { bd = d; b = { el: el, pn: pn, x: qx, y: y }; }\n"
"\t\t}\n"
"\t\tpanes.forEach(function (pn) {\n"
"\t\t\tif (p.y < num(pn, 'data-top') - PAD || p.y > num(pn, 'data-top') + num(pn, 'data-h') + PAD)\n"
"\t\t\t\treturn;\n"
"\t\t\tpn.querySelectorAll('line').forEach(function (el) {\n"
"\t\t\t\tcand(el, pn, num(el, 'x1'), num(el, 'y1'), num(el, 'y2'));\n"
"\t\t\t});\n"
"\t\t\tpn.querySelectorAll('polyline').forEach(function (el) {\n"
"\t\t\t\tfor (var i = 0; i < el.points.numberOfItems; i++) {\n"
"\t\t\t\t\tvar q = el.points.getItem(i);\n"
"\t\t\t\t\tcand(el, pn, q.x, q.y, q.y);\n"
"\t\t\t\t}\n"
"\t\t\t});\n"
"\t\t});\n"
"\t\tdot.style.display = b ? '' : 'none';\n"
"\t\tif (!b) {\n"
"\t\t\tout.textContent = HINT;\n"
"\t\t\treturn;\n"
"\t\t}\n"
"\t\tt = b.el.querySelector('title');\n"
"\t\tlo = num(b.pn, 'data-lo'); hi = num(b.pn, 'data-hi');\n"
"\t\ttop = num(b.pn, 'data-top'); h = num(b.pn, 'data-h');\n"
"\t\tout.textContent = t ? t.textContent : b.el.getAttribute('class') + ' '\n"
"\t\t\t+ fix(lo + (top + h - b.y) / h * (hi - lo), (hi - lo) / h / 10) + ' at '\n"
"\t\t\t+ fix(secs(b.x), tmax / PW / 1000) + 's';\n"
"\t\tdot.setAttribute('cx', L + (b.x - x0) / r);\n"
"\t\tdot.setAttribute('cy', b.y);\n"
"\t}\n"
"\tout.setAttribute('class', 'readout');\n"
"\tout.setAttribute('x', L);\n"
"\tout.setAttribute('y', 13);\n"
"\tout.textContent = HINT;\n"
"\tdot.setAttribute('class', 'dot');\n"
"\tdot.setAttribute('r', 4);\n"
"\tdot.style.display = 'none';\n"
"\ts.appendChild(out);\n"
"\ts.appendChild(dot);\n"
"\ts.addEventListener('wheel', function (e) {\n"
"\t\tvar p = at(e), nw = Math.min(PW, Math.max(PW / 1e4, w * Math.exp(e.deltaY / 500)));\n"
"\t\tif (p.x < L || p.x > L + PW)\n"
"\t\t\treturn;\n"
"\t\te.preventDefault();\n"
"\t\tset(x0 + (p.x - L) / PW * (w - nw), nw);\t/* what is under the pointer stays */\n"
"\t}, { passive: false });\n"
"\ts.addEventListener('mousedown', function (e) { drag = at(e).x; e.preventDefault(); });\n"
"\twindow.addEventListener('mouseup', function () { drag = null; });\n"
"\ts.addEventListener('dblclick', function () { set(L, PW); });\n"
"\ts.addEventListener('mousemove', function (e) {\n"
"\t\tvar p = at(e);\n"
"\t\tif (drag !== null) {\n"
"\t\t\tset(x0 - (p.x - drag) * w / PW, w);\n"
"\t\t\tdrag = p.x;\n"
"\t\t}\n"
"\t\tnear(p);\n"
"\t});\n"
"\ts.addEventListener('mouseleave', function () {\n"
"\t\tout.textContent = HINT;\n"
"\t\tdot.style.display = 'none';\n"
"\t});\n"
"});\n"
"})();\n";

void bblog_plot_script(FILE *f, double left, double width, double pad)
{
	fprintf(f, "<script>\n(function () {\n'use strict';\nvar L = %g, PW = %g, PAD = %g",
		left, width, pad);
	fputs(script, f);
	fputs("</script>\n", f);
}
