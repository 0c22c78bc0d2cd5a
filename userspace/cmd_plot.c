// SPDX-License-Identifier: GPL-2.0
/*
 * bblog plot -o OUT.html FILE...: each file (one connection, as bblog
 * record or bblog merge wrote it) as pictures in one offline HTML page
 * (plot.c).  -o - writes to standard output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapread.h"
#include "plot.h"
#include "util.h"

int cmd_plot(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outpath = NULL;
	int ch, i, rc = 0;
	FILE *out;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o': outpath = optarg; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (!outpath || optind == argc)
		usage(stderr, 2);
	out = strcmp(outpath, "-") ? fopen(outpath, "w") : stdout;
	if (!out) {
		warnx("%s: %s", outpath, strerror(errno));
		return 1;
	}
	bblog_plot_begin(out, argc - optind == 1 ? argv[optind] : "tcp_bblog connections");
	for (i = optind; i < argc; i++) {
		unsigned char *buf;
		char err[256];
		size_t len;

		if (bblog_pr_load(argv[i], &buf, &len, err, sizeof(err)) < 0) {
			warnx("%s", err);
			rc = 1;
			continue;
		}
		if (bblog_plot_file(out, argv[i], buf, len, err, sizeof(err)) < 0) {
			warnx("%s: %s (plotted as far as it is whole)", argv[i], err);
			rc = 1;
		}
		free(buf);
	}
	bblog_plot_end(out);
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		warnx("%s: %s", outpath, strerror(errno));
		return 1;
	}
	return rc;
}
