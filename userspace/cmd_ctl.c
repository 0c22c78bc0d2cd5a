// SPDX-License-Identifier: GPL-2.0
/*
 * bblog set/get/dump: the BBLOG_SO_* socket options, on an inherited socket
 * (--fd) or on a socket of another process (--pid + --fd, pidfd_getfd).
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pcapng.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static const char *opt_name(int o)
{
	switch (o) {
	case BBLOG_SO_MODE: return "BBLOG_SO_MODE";
	case BBLOG_SO_ID: return "BBLOG_SO_ID";
	case BBLOG_SO_TAG: return "BBLOG_SO_TAG";
	case BBLOG_SO_DUMP: return "BBLOG_SO_DUMP";
	case BBLOG_SO_DUMPID: return "BBLOG_SO_DUMPID";
	case BBLOG_SO_ID_CNT: return "BBLOG_SO_ID_CNT";
	default: return "BBLOG_SO_?";
	}
}

/* The errno meanings of the uapi header. */
static const char *hint(int e, int o)
{
	switch (e) {
	case ENOPROTOOPT: return " (is the tcp_bblog module loaded?)";
	case EOPNOTSUPP: return " (not a TCP socket)";
	case EINVAL: return " (value too short or out of range; no mode on a listening socket)";
	case EPERM: return " (acting on other connections needs CAP_NET_ADMIN;"
			   " so does every option when net.tcp_bblog.unprivileged is 0)";
	case EBUSY: return " (net.tcp_bblog.disable_all is set)";
	case ENOENT: return o == BBLOG_SO_TAG || o == BBLOG_SO_ID_CNT ?
			    " (the connection has no log ID)" : "";
	case ENOBUFS: return " (export budget exhausted; records are kept)";
	case ENOTSOCK: return " (the descriptor is not a socket)";
	default: return "";
	}
}

static int set_opt(int fd, int o, const void *v, socklen_t len)
{
	if (setsockopt(fd, SOL_IP, o, v, len) == 0)
		return 0;
	warnx("setsockopt(%s): %s%s", opt_name(o), strerror(errno),
	      hint(errno, o));
	return -1;
}

static int get_opt(int fd, int o, void *v, socklen_t *len, int quiet_enoent)
{
	if (getsockopt(fd, SOL_IP, o, v, len) == 0)
		return 0;
	if (quiet_enoent && errno == ENOENT)
		return 1;
	warnx("getsockopt(%s): %s%s", opt_name(o), strerror(errno),
	      hint(errno, o));
	return -1;
}

int bblog_parse_mode(const char *s, int *mode)
{
	static const char *const names[] = {
		"off", "tail", "head", "head-auto", "continual", "tail-auto",
	};
	char *end;
	long v;
	int i;

	if (!strcmp(s, "clear")) {
		*mode = BBLOG_MODE_CLEAR;
		return 0;
	}
	for (i = 0; i <= BBLOG_MODE_MAX; i++)
		if (!strcmp(s, names[i])) {
			*mode = i;
			return 0;
		}
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= BBLOG_MODE_CLEAR && v <= 255) {
		*mode = (int)v;		/* the kernel judges unknown numbers */
		return 0;
	}
	return -1;
}

static int get_fd(long pid, long fd)
{
	int pidfd, nfd;

	if (pid <= 0)
		return (int)fd;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0)
		diex("pidfd_open(%ld): %s", pid, strerror(errno));
	nfd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	if (nfd < 0)
		diex("pidfd_getfd(pid %ld, fd %ld): %s%s", pid, fd,
		     strerror(errno),
		     errno == EPERM ? " (needs ptrace access to the process)" : "");
	close(pidfd);
	return nfd;
}

static long num_arg(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 0x7fffffff)
		diex("bad %s '%s'", what, s);
	return v;
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pid", required_argument, NULL, 'P' },
		{ "fd", required_argument, NULL, 'F' },
		{ "mode", required_argument, NULL, 'm' },
		{ "id", optional_argument, NULL, 'i' },
		{ "tag", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0], *id = NULL, *tag = NULL, *reason = NULL;
	int ch, mode = 0, have_mode = 0, by_id = 0, fd, rc = 0;
	long pid = 0, tfd = -1;

	/* Without a descriptor, by cookie or log ID: the netlink family. */
	for (ch = 1; ch < argc; ch++)
		if (!strncmp(argv[ch], "--pid", 5) || !strncmp(argv[ch], "--fd", 4))
			break;
	if (ch == argc && strcmp(cmd, "get"))
		return cmd_nl_ctl(argc, argv);

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'P': pid = num_arg(optarg, "pid"); break;
		case 'F': tfd = num_arg(optarg, "fd"); break;
		case 'm':
			if (bblog_parse_mode(optarg, &mode) < 0)
				diex("bad mode '%s'", optarg);
			have_mode = 1;
			break;
		case 'i':
			if (optarg)
				id = optarg;
			else if (optind < argc && !strcmp(cmd, "set") &&
				 argv[optind][0] != '-')
				id = argv[optind++];
			else
				by_id = 1;
			break;
		case 't': tag = optarg; break;
		case 'r': reason = optarg; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || tfd < 0)
		usage(stderr, 2);
	if (!strcmp(cmd, "set") && (by_id || reason || (!have_mode && !id && !tag)))
		diex("set needs --mode, --id ID or --tag TAG");
	if (!strcmp(cmd, "get") && (have_mode || id || tag || reason || by_id))
		usage(stderr, 2);
	if (!strcmp(cmd, "dump") && (!reason || have_mode || id || tag))
		diex("dump needs --reason R (and optionally --id)");

	fd = get_fd(pid, tfd);
	if (!strcmp(cmd, "set")) {
		if (id && set_opt(fd, BBLOG_SO_ID, id, (socklen_t)strlen(id) + 1) < 0)
			rc = 1;
		if (!rc && tag &&
		    set_opt(fd, BBLOG_SO_TAG, tag, (socklen_t)strlen(tag) + 1) < 0)
			rc = 1;
		if (!rc && have_mode &&
		    set_opt(fd, BBLOG_SO_MODE, &mode, sizeof(mode)) < 0)
			rc = 1;
	} else if (!strcmp(cmd, "get")) {
		char idbuf[BBLOG_ID_LEN + 1];
		socklen_t len = sizeof(mode);
		uint32_t cnt = 0;
		int r;

		if (get_opt(fd, BBLOG_SO_MODE, &mode, &len, 0) < 0)
			return 1;
		printf("mode: %s (%d)\n", bblog_mode_name(mode), mode);
		memset(idbuf, 0, sizeof(idbuf));
		len = BBLOG_ID_LEN;
		if (get_opt(fd, BBLOG_SO_ID, idbuf, &len, 0) < 0)
			return 1;
		printf("id: %s\n", idbuf[0] ? idbuf : "(none)");
		len = sizeof(cnt);
		r = get_opt(fd, BBLOG_SO_ID_CNT, &cnt, &len, 1);
		if (r < 0)
			return 1;
		printf("id count: %u\n", r == 1 ? 0 : cnt);
	} else {
		if (set_opt(fd, by_id ? BBLOG_SO_DUMPID : BBLOG_SO_DUMP, reason,
			    (socklen_t)strlen(reason) + 1) < 0)
			rc = 1;
	}
	if (pid > 0)
		close(fd);
	return rc;
}
