/* SPDX-License-Identifier: GPL-2.0 */
/* A connection as pictures: an HTML page of SVG (plot.c). */
#ifndef BBLOG_PLOT_H
#define BBLOG_PLOT_H

#include <stddef.h>
#include <stdio.h>

void bblog_plot_begin(FILE *f, const char *title);
/* One connection's file (its bytes); 0, or -1 with @err when it is cut short. */
int bblog_plot_file(FILE *f, const char *title, const unsigned char *buf, size_t len,
		    char *err, size_t errlen);
void bblog_plot_end(FILE *f);
/* plot.c's: the page's script (plot_js.c), for graphs from @left, @width wide. */
void bblog_plot_script(FILE *f, double left, double width, double pad);

#endif
