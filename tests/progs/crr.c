// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest crr: many short connections, for make bench.  The client loops
 * connect, send a request, read the response to its end, close, for
 * --seconds of CLOCK_MONOTONIC (in the bench VM, virtual time driven by the
 * instructions executed) and prints
 *   crr conns=N seconds=S rate=R
 * The server (--server) accepts one connection at a time, reads the
 * request, writes the response and closes first, so TIME_WAIT is on its
 * side and the client's ports are free again at once.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bbtest.h"

#define CRR_MAX 65536

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int crr_server(const char *addr, unsigned int port, size_t req, size_t resp)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char *buf = calloc(1, CRR_MAX);
	int lfd, one = 1;

	if (!buf)
		die("out of memory");
	if (make_addr(0, addr, port, &ss, &sl) < 0)
		die("crr: bad address");
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket: %m");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0)
		die("bind port %u: %m", port);
	if (listen(lfd, 1024) < 0)
		die("listen: %m");
	printf("listening port=%u\n", port);
	fflush(stdout);
	for (;;) {
		size_t got = 0;
		ssize_t r;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %m");
		}
		while (got < req) {
			r = read(fd, buf, req - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got == req)
			write_all(fd, buf, resp);
		close(fd);
	}
	return 0;
}

int cmd_crr(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", no_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "request", required_argument, NULL, 'q' },
		{ "response", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *addr = NULL;
	unsigned int port = 0;
	size_t req = 64, resp = 64;
	double secs = 3, t0, t;
	unsigned long long n = 0;
	struct sockaddr_storage ss;
	socklen_t sl;
	int server = 0, c;
	char *buf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = (unsigned int)parse_u64(optarg, "-p"); break;
		case 's': server = 1; break;
		case 't': secs = (double)parse_u64(optarg, "--seconds"); break;
		case 'q': req = (size_t)parse_u64(optarg, "--request"); break;
		case 'r': resp = (size_t)parse_u64(optarg, "--response"); break;
		default: die("crr: bad option (see bbtest --help)");
		}
	}
	if (!port || !req || req > CRR_MAX || resp > CRR_MAX)
		die("crr: -p PORT required; request 1..%d, response 0..%d bytes",
		    CRR_MAX, CRR_MAX);
	signal(SIGPIPE, SIG_IGN);
	if (server)
		return crr_server(addr, port, req, resp);
	if (!addr || make_addr(0, addr, port, &ss, &sl) < 0)
		die("crr: -a ADDR required");
	buf = calloc(1, CRR_MAX);
	if (!buf)
		die("out of memory");
	t0 = now();
	do {
		ssize_t r;
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket: %m");
		if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
			die("crr: connect %s port %u (after %llu): %m", addr, port, n);
		if (write_all(fd, buf, req) < 0)
			die("crr: write: %m");
		/* The response, then the server's FIN. */
		do
			r = read(fd, buf, CRR_MAX);
		while (r > 0 || (r < 0 && errno == EINTR));
		if (r < 0)
			die("crr: read: %m");
		close(fd);
		n++;
		t = now() - t0;
	} while (t < secs);
	printf("crr conns=%llu seconds=%.6f rate=%.1f\n", n, t, (double)n / t);
	return 0;
}
