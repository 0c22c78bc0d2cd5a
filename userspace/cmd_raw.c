// SPDX-License-Identifier: GPL-2.0
/* bblog raw: copy the device stream, whole messages only, to a file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream.h"
#include "util.h"

static volatile sig_atomic_t raw_stop;

static void on_stop(int sig)
{
	(void)sig;
	raw_stop = 1;
}

int cmd_raw(int argc, char **argv)
{
	const char *input = BBLOG_DEVICE, *output = "-";
	struct bblog_stream st;
	struct bblog_msg m;
	struct sigaction sa;
	struct stat sb;
	unsigned char *buf;
	size_t bufsize;
	int in, out, ch, is_stream, is_dev, rc = 0;

	optind = 1;
	while ((ch = getopt(argc, argv, "hf:o:")) != -1) {
		switch (ch) {
		case 'f': input = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	/* the device of a module whose records this bblog cannot read: refuse */
	if (stat(input, &sb) == 0 && S_ISCHR(sb.st_mode) && bblog_check_module() < 0)
		return 1;
	in = strcmp(input, "-") ? open(input, O_RDONLY | O_CLOEXEC) : 0;
	if (in < 0 || fstat(in, &sb) < 0)
		diex("%s: %s", input, strerror(errno));
	out = strcmp(output, "-") ?
	      open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (out < 0)
		diex("%s: %s", output, strerror(errno));
	is_dev = S_ISCHR(sb.st_mode);
	is_stream = !S_ISREG(sb.st_mode);
	bufsize = is_dev ? BBLOG_MSG_MAX : 1u << 20;
	buf = malloc(bufsize);
	if (!buf)
		diex("out of memory");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	bblog_stream_init(&st);
	while (!raw_stop) {
		ssize_t n;

		if (is_stream) {
			struct pollfd p = { .fd = in, .events = POLLIN };

			if (poll(&p, 1, 1000) <= 0)
				continue;
		}
		n = read(in, buf, bufsize);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warnx("%s: read: %s", input, strerror(errno));
			rc = 1;
			break;
		}
		if (n == 0) {
			if (is_dev)
				continue;
			break;
		}
		if (bblog_stream_feed(&st, buf, (size_t)n) < 0)
			diex("out of memory");
		while (bblog_stream_next(&st, &m) == 1) {
			if (m.kind == BBLOG_MSGK_CORRUPT) {
				warnx("input offset %llu: corrupt message dropped: %s",
				      (unsigned long long)m.offset, m.error);
				continue;
			}
			if (write_all(out, m.data, (size_t)m.length) < 0)
				diex("%s: write: %s", output, strerror(errno));
		}
	}
	if (bblog_stream_eof(&st, &m))
		warnx("input offset %llu: %s", (unsigned long long)m.offset,
		      m.error);
	bblog_stream_destroy(&st);
	free(buf);
	if (out != 1 && close(out) < 0)
		diex("%s: %s", output, strerror(errno));
	return rc;
}
