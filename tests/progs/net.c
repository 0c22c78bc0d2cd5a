// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest server / client: TCP endpoints that set the tcp_bblog socket options
 * and print what the scripts need to find their dumps (SO_COOKIE, ports).
 *
 * Every line printed is "WORD key=value ...", flushed at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include "bbtest.h"

#define IOBUF 65536

#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static void touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("create %s: %m", path);
	close(fd);
}

/* Options given on the command line and applied to every socket. */
struct sockopts {
	int has_mode, mode;
	const char *id, *tag;
};

static void apply_opts(int fd, const struct sockopts *o, const char *who)
{
	if (o->has_mode && set_int_opt(fd, BBLOG_SO_MODE, o->mode) < 0)
		die("%s: setsockopt BBLOG_SO_MODE %d: %s (%m)", who, o->mode, errname(errno));
	if (o->id && set_str_opt(fd, BBLOG_SO_ID, o->id) < 0)
		die("%s: setsockopt BBLOG_SO_ID %s: %s (%m)", who, o->id, errname(errno));
	if (o->tag && set_str_opt(fd, BBLOG_SO_TAG, o->tag) < 0)
		die("%s: setsockopt BBLOG_SO_TAG %s: %s (%m)", who, o->tag, errname(errno));
}

static void rst_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		die("SO_LINGER: %m");
	close(fd);
}

enum { O_MODE = 256, O_ID, O_TAG, O_RESET, O_ECHO, O_SINK, O_TIMEOUT, O_READY,
       O_BYTES, O_DUMP, O_DUMPID, O_IDCNT, O_BUF, O_CLOSEFIRST, O_MODEAFTER,
       O_HOLD, O_KEEP, O_RST, O_CHUNK, O_PAUSE, O_NODELAY, O_GETMODE,
       O_LISTENER, O_LISTENER_EARLY, O_ACCEPT_WAIT, O_LOCKSTEP, O_KEEPALIVE,
       O_STALL, O_BINDPORT, O_DSTOPTS, O_UID, O_LOG, O_INFO, O_CLOSENOW,
       O_BACKLOG, O_FASTOPEN, O_START_WAIT };

static const struct option net_opts[] = {
	{ "mode", required_argument, NULL, O_MODE },
	{ "id", required_argument, NULL, O_ID },
	{ "tag", required_argument, NULL, O_TAG },
	{ "reset", required_argument, NULL, O_RESET },
	{ "echo", no_argument, NULL, O_ECHO },
	{ "sink", no_argument, NULL, O_SINK },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "ready", required_argument, NULL, O_READY },
	{ "bytes", required_argument, NULL, O_BYTES },
	{ "dump", required_argument, NULL, O_DUMP },
	{ "dumpid", required_argument, NULL, O_DUMPID },
	{ "idcnt", no_argument, NULL, O_IDCNT },
	{ "buf", required_argument, NULL, O_BUF },
	{ "close-first", required_argument, NULL, O_CLOSEFIRST },
	{ "mode-after", required_argument, NULL, O_MODEAFTER },
	{ "hold", required_argument, NULL, O_HOLD },
	{ "keep", no_argument, NULL, O_KEEP },
	{ "rst", no_argument, NULL, O_RST },
	{ "chunk", required_argument, NULL, O_CHUNK },
	{ "pause-ms", required_argument, NULL, O_PAUSE },
	{ "nodelay", no_argument, NULL, O_NODELAY },
	{ "getmode", no_argument, NULL, O_GETMODE },
	{ "listener", no_argument, NULL, O_LISTENER },
	{ "listener-early", no_argument, NULL, O_LISTENER_EARLY },
	{ "accept-wait", required_argument, NULL, O_ACCEPT_WAIT },
	{ "lockstep", no_argument, NULL, O_LOCKSTEP },
	{ "keepalive", required_argument, NULL, O_KEEPALIVE },
	{ "stall-ms", required_argument, NULL, O_STALL },
	{ "bind-port", required_argument, NULL, O_BINDPORT },
	{ "dstopts", no_argument, NULL, O_DSTOPTS },
	{ "uid", required_argument, NULL, O_UID },
	{ "log", required_argument, NULL, O_LOG },
	{ "info", no_argument, NULL, O_INFO },
	{ "close-now", no_argument, NULL, O_CLOSENOW },
	{ "backlog", required_argument, NULL, O_BACKLOG },
	{ "fastopen", optional_argument, NULL, O_FASTOPEN },
	{ "start-wait", required_argument, NULL, O_START_WAIT },
	{ NULL, 0, NULL, 0 },
};

static void get_mode_arg(const char *s, int *mode)
{
	if (parse_mode(s, mode) < 0)
		die("bad mode '%s'", s);
}

static void msleep(unsigned int ms);

/* ------------------------------------------------------------------ server */

/* The listener's template read back: "listener mode=M id=ID [idcnt=N]". */
static void print_listener(int lfd, int with_count)
{
	char id[BBLOG_ID_LEN] = "";
	socklen_t l = sizeof(int);
	unsigned int cnt = 0;
	int m = -2;

	if (getsockopt(lfd, SOL_IP, BBLOG_SO_MODE, &m, &l) < 0)
		die("listener: getsockopt BBLOG_SO_MODE: %s (%m)", errname(errno));
	l = sizeof(id);
	if (getsockopt(lfd, SOL_IP, BBLOG_SO_ID, id, &l) < 0)
		die("listener: getsockopt BBLOG_SO_ID: %s (%m)", errname(errno));
	printf("listener mode=%d id=%s", m, id[0] ? id : "-");
	if (with_count) {
		l = sizeof(cnt);
		if (getsockopt(lfd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l) < 0)
			printf(" idcnt=%s", errname(errno));
		else
			printf(" idcnt=%u", cnt);
	}
	printf("\n");
}

static void wait_file(const char *path)
{
	while (access(path, F_OK) < 0) {
		struct timespec ts = { 0, 20 * 1000000L };

		nanosleep(&ts, NULL);
	}
}

struct sconn {
	int fd;
	unsigned int n;
	uint64_t cookie;
	unsigned long long bytes;
	int got_data;
};

/* Accept one connection of the server into conns[*accepted]. */
static void server_accept(int lfd, int ep, struct sconn *conns,
			  unsigned int *accepted, unsigned int nconns,
			  const struct sockopts *so, int on_listener,
			  unsigned int timeout, unsigned int stall_ms)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept(lfd, NULL, NULL);
	struct sconn *sc;
	char who[32];

	if (fd < 0)
		die("accept: %m");
	sc = &conns[*accepted];
	sc->fd = fd;
	sc->n = ++*accepted;
	/*
	 * --timeout bounds the wait for each connection, not the server's
	 * life: a test that spaces its clients out may take longer than that
	 * on a slow VM.
	 */
	alarm(timeout);
	snprintf(who, sizeof(who), "server conn %u", sc->n);
	apply_opts(fd, so, who);
	sc->cookie = sock_cookie(fd);
	printf("accepted n=%u cookie=%llu lport=%u fport=%u\n", sc->n,
	       (unsigned long long)sc->cookie, sock_lport(fd), sock_fport(fd));
	if (on_listener && *accepted == nconns)
		print_listener(lfd, 1);
	ev.data.u32 = sc->n;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl: %m");
	/* A reader that stops: the peer's window closes. */
	if (stall_ms) {
		printf("stalling n=%u ms=%u\n", sc->n, stall_ms);
		msleep(stall_ms);
	}
}

/*
 * --timeout defaults to 300 s (server: per connection; client: the whole
 * command): a watchdog against hangs, not a deadline.  A debug VM sharing
 * two cores with three others runs 3 to 5 times slower than alone, and the
 * guest's own per-test timeout (600 s) stays the backstop.
 */
int cmd_server(int argc, char **argv)
{
	struct sockopts so = { 0 };
	const char *addr = NULL, *ready = NULL, *accept_wait = NULL;
	unsigned int port = 0, nconns = 1, reset_n = 0, timeout = 300, stall_ms = 0;
	int v6 = 0, echo = 0, c, lfd, one = 1, on_listener = 0, backlog = 1024;
	int fastopen = 0;
	unsigned int accepted = 0, active = 0, closed = 0;
	struct epoll_event ev;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct sconn *conns;
	char *buf;
	int ep;

	optind = 1;
	while ((c = getopt_long(argc, argv, "6a:p:n:", net_opts, NULL)) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'a': addr = optarg; break;
		case 'p': port = (unsigned int)parse_u64(optarg, "-p"); break;
		case 'n': nconns = (unsigned int)parse_u64(optarg, "-n"); break;
		case O_MODE: so.has_mode = 1; get_mode_arg(optarg, &so.mode); break;
		case O_ID: so.id = optarg; break;
		case O_TAG: so.tag = optarg; break;
		case O_RESET: reset_n = (unsigned int)parse_u64(optarg, "--reset"); break;
		case O_ECHO: echo = 1; break;
		case O_SINK: echo = 0; break;
		case O_TIMEOUT: timeout = (unsigned int)parse_u64(optarg, "--timeout"); break;
		case O_READY: ready = optarg; break;
		case O_LISTENER: on_listener = 1; break;
		case O_LISTENER_EARLY: on_listener = 2; break;
		case O_ACCEPT_WAIT: accept_wait = optarg; break;
		case O_STALL: stall_ms = (unsigned int)parse_u64(optarg, "--stall-ms"); break;
		case O_BACKLOG: backlog = (int)parse_u64(optarg, "--backlog"); break;
		case O_FASTOPEN:
			fastopen = optarg ? (int)parse_u64(optarg, "--fastopen") : 16;
			break;
		default: die("server: bad option (see bbtest --help)");
		}
	}
	if (!port || nconns == 0)
		die("server: -p PORT required, -n >= 1");
	set_timeout(timeout);
	signal(SIGPIPE, SIG_IGN);

	if (make_addr(v6, addr, port, &ss, &sl) < 0)
		die("server: bad address '%s'", addr);
	lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket: %m");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The options on the listener: before listen(), or after. */
	if (on_listener == 2)
		apply_opts(lfd, &so, "listener");
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0)
		die("bind port %u: %m", port);
	/* Fast Open: the queue of children made by their SYN, not yet accepted. */
	if (fastopen &&
	    setsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN, &fastopen, sizeof(fastopen)) < 0)
		die("TCP_FASTOPEN %d: %m", fastopen);
	if (listen(lfd, backlog) < 0)
		die("listen: %m");
	if (on_listener == 1)
		apply_opts(lfd, &so, "listener");
	if (on_listener) {
		print_listener(lfd, 0);
		memset(&so, 0, sizeof(so));	/* not on the accepted ones */
	}
	printf("listening port=%u\n", port);
	touch(ready);
	if (accept_wait)
		wait_file(accept_wait);

	conns = calloc(nconns, sizeof(*conns));
	buf = malloc(IOBUF);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || !buf)
		die("out of memory");
	if (ep < 0)
		die("epoll_create1: %m");
	/* epoll: 10 000 connections cost each round what the ready ones do. */
	ev.events = EPOLLIN;
	ev.data.u32 = 0;		/* the listener; conns[i] is i + 1 */
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl: %m");

	while (accepted < nconns || active) {
		struct epoll_event evs[64];
		int ne, e;

		ne = epoll_wait(ep, evs, 64, -1);
		if (ne < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait: %m");
		}
		for (e = 0; e < ne; e++) {
			struct sconn *sc;
			ssize_t r;

			if (evs[e].data.u32 == 0) {
				if (accepted < nconns)
					server_accept(lfd, ep, conns, &accepted, nconns,
						      &so, on_listener, timeout, stall_ms);
				if (accepted == nconns)
					epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
				active = accepted - closed;
				continue;
			}
			sc = &conns[evs[e].data.u32 - 1];
			if (sc->fd < 0)
				continue;
			r = read(sc->fd, buf, IOBUF);
			if (r < 0 && errno == EINTR)
				continue;
			if (r > 0) {
				sc->bytes += (unsigned long long)r;
				sc->got_data = 1;
				if (sc->n == reset_n) {
					printf("reset n=%u cookie=%llu bytes=%llu\n", sc->n,
					       (unsigned long long)sc->cookie, sc->bytes);
					rst_close(sc->fd);
					sc->fd = -1;
					active--, closed++;
					continue;
				}
				if (echo && write_all(sc->fd, buf, (size_t)r) < 0) {
					printf("error n=%u cookie=%llu op=write errno=%s\n", sc->n,
					       (unsigned long long)sc->cookie, errname(errno));
					close(sc->fd);
					sc->fd = -1;
					active--, closed++;
				}
				continue;
			}
			if (r < 0)
				printf("peer-reset n=%u cookie=%llu errno=%s bytes=%llu\n", sc->n,
				       (unsigned long long)sc->cookie, errname(errno), sc->bytes);
			else if (sc->n == reset_n) {
				printf("reset n=%u cookie=%llu bytes=%llu\n", sc->n,
				       (unsigned long long)sc->cookie, sc->bytes);
				rst_close(sc->fd);
				sc->fd = -1;
				active--, closed++;
				continue;
			} else
				printf("closed n=%u cookie=%llu bytes=%llu\n", sc->n,
				       (unsigned long long)sc->cookie, sc->bytes);
			close(sc->fd);
			sc->fd = -1;
			active--, closed++;
		}
	}
	close(ep);
	close(lfd);
	printf("done accepted=%u\n", accepted);
	return 0;
}

/* ------------------------------------------------------------------ client */

struct cconn {
	int fd;
	unsigned int n;
	uint64_t cookie;
	unsigned long long sent, recvd;
	int dead;
};

static volatile sig_atomic_t stop_keep;

static void on_stop(int sig)
{
	(void)sig;
	stop_keep = 1;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void conn_dead(struct cconn *cc, const char *op, int err)
{
	printf("reset n=%u cookie=%llu op=%s errno=%s sent=%llu recvd=%llu\n", cc->n,
	       (unsigned long long)cc->cookie, op, errname(err), cc->sent, cc->recvd);
	cc->dead = 1;
}

/*
 * Send `bytes` (and read the echo back if asked) on one connection.  In
 * lockstep, each chunk is sent only once the previous one came back: every
 * chunk is then a segment out and one in, whatever the timing, which makes
 * the number of events a connection records predictable.
 */
static void transfer(struct cconn *cc, unsigned long long bytes, int echo, size_t chunk,
		     unsigned int pause_ms, int lockstep, char *buf)
{
	while (!cc->dead && (cc->sent < bytes || (echo && cc->recvd < bytes))) {
		struct pollfd p = { .fd = cc->fd, .events = 0 };

		if (cc->sent < bytes && (!lockstep || cc->recvd >= cc->sent))
			p.events |= POLLOUT;
		if (echo)
			p.events |= POLLIN;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %m");
		}
		if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
			ssize_t r = read(cc->fd, buf, IOBUF);

			if (r < 0 && errno != EINTR && errno != EAGAIN) {
				conn_dead(cc, "read", errno);
				break;
			}
			if (r == 0) {
				if (echo && cc->recvd < bytes) {
					conn_dead(cc, "read", EPIPE);
					break;
				}
				/* The peer closed its side early; stop reading. */
				echo = 0;
			}
			if (r > 0)
				cc->recvd += (unsigned long long)r;
		}
		if (cc->sent < bytes && (p.revents & POLLOUT)) {
			size_t len = chunk;
			ssize_t w;

			if (len > bytes - cc->sent)
				len = (size_t)(bytes - cc->sent);
			memset(buf, 'a' + (int)(cc->sent % 26), len);
			w = send(cc->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno != EINTR && errno != EAGAIN) {
				conn_dead(cc, "write", errno);
				break;
			}
			if (w > 0) {
				cc->sent += (unsigned long long)w;
				if (pause_ms)
					msleep(pause_ms);
			}
		}
	}
}

/* FIN, read what is left until the peer's FIN, close. */
static void graceful_close(struct cconn *cc, char *buf)
{
	if (!cc->dead) {
		if (shutdown(cc->fd, SHUT_WR) < 0) {
			conn_dead(cc, "shutdown", errno);
		} else {
			for (;;) {
				ssize_t r = read(cc->fd, buf, IOBUF);

				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0) {
					conn_dead(cc, "read", errno);
					break;
				}
				if (!r)
					break;
				cc->recvd += (unsigned long long)r;
			}
		}
	}
	close(cc->fd);
	cc->fd = -1;
	printf("closed n=%u cookie=%llu sent=%llu recvd=%llu\n", cc->n,
	       (unsigned long long)cc->cookie, cc->sent, cc->recvd);
}

int cmd_client(int argc, char **argv)
{
	struct sockopts so = { 0 };
	const char *addr = NULL, *dump = NULL, *dumpid = NULL, *buffiles[8], *logmsg = NULL;
	const char *start_wait = NULL;
	unsigned int port = 0, nconns = 1, timeout = 300, close_first = 0, hold = 0;
	unsigned int pause_ms = 0, i, last_open = 0;
	unsigned long long bytes = 0;
	size_t chunk = 16384;
	int v6 = 0, echo = 0, idcnt = 0, keep = 0, rst = 0, nodelay = 0, c, failed = 0;
	int has_mode_after = 0, mode_after = 0, getmode = 0, info = 0, close_now = 0, lockstep = 0, keepalive = 0;
	unsigned int bind_port = 0;
	int dstopts = 0, fastopen = 0;
	long uid = -1;
	unsigned int nbuf = 0, b;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct cconn *conns;
	char *buf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "6a:p:n:", net_opts, NULL)) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'a': addr = optarg; break;
		case 'p': port = (unsigned int)parse_u64(optarg, "-p"); break;
		case 'n': nconns = (unsigned int)parse_u64(optarg, "-n"); break;
		case O_MODE: so.has_mode = 1; get_mode_arg(optarg, &so.mode); break;
		case O_ID: so.id = optarg; break;
		case O_TAG: so.tag = optarg; break;
		case O_ECHO: echo = 1; break;
		case O_SINK: echo = 0; break;
		case O_TIMEOUT: timeout = (unsigned int)parse_u64(optarg, "--timeout"); break;
		case O_BYTES: bytes = parse_u64(optarg, "--bytes"); break;
		case O_DUMP: dump = optarg; break;
		case O_DUMPID: dumpid = optarg; break;
		case O_IDCNT: idcnt = 1; break;
		case O_BUF:
			if (nbuf == 8)
				die("client: at most 8 --buf");
			buffiles[nbuf++] = optarg;
			break;
		case O_CLOSEFIRST: close_first = (unsigned int)parse_u64(optarg, "--close-first"); break;
		case O_MODEAFTER: has_mode_after = 1; get_mode_arg(optarg, &mode_after); break;
		case O_HOLD: hold = (unsigned int)parse_u64(optarg, "--hold"); break;
		case O_KEEP: keep = 1; break;
		case O_RST: rst = 1; break;
		case O_CHUNK: chunk = (size_t)parse_u64(optarg, "--chunk"); break;
		case O_PAUSE: pause_ms = (unsigned int)parse_u64(optarg, "--pause-ms"); break;
		case O_NODELAY: nodelay = 1; break;
		case O_LOCKSTEP: lockstep = 1; break;
		case O_KEEPALIVE: keepalive = (int)parse_u64(optarg, "--keepalive"); break;
		case O_BINDPORT: bind_port = (unsigned int)parse_u64(optarg, "--bind-port"); break;
		case O_DSTOPTS: dstopts = 1; break;
		case O_GETMODE: getmode = 1; break;
		case O_UID: uid = (long)parse_u64(optarg, "--uid"); break;
		case O_LOG: logmsg = optarg; break;
		case O_INFO: info = 1; break;
		case O_CLOSENOW: close_now = 1; break;
		case O_FASTOPEN: fastopen = 1; break;
		case O_START_WAIT: start_wait = optarg; break;
		default: die("client: bad option (see bbtest --help)");
		}
	}
	if (!addr || !port || !nconns)
		die("client: -a ADDR and -p PORT required, -n >= 1");
	if (!chunk || chunk > IOBUF)
		die("client: --chunk must be 1..%d", IOBUF);
	if (lockstep && !echo)
		die("client: --lockstep needs --echo");
	if (fastopen && !bytes)
		die("client: --fastopen needs --bytes (the SYN carries the first)");
	if (close_first > nconns)
		die("client: --close-first larger than -n");
	if (make_addr(v6, addr, port, &ss, &sl) < 0)
		die("client: bad address '%s'", addr);
	/* --uid: everything as that user (and group), without privilege. */
	if (uid >= 0 && (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
			 setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0))
		die("client: --uid %ld: %m", uid);
	set_timeout(timeout);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);

	conns = calloc(nconns, sizeof(*conns));
	buf = malloc(IOBUF);
	if (!conns || !buf)
		die("out of memory");

	/* 1. Connect, with the options set before connect() so the SYN is logged. */
	for (i = 0; i < nconns; i++) {
		struct cconn *cc = &conns[i];
		char who[32];
		int one = 1;

		cc->n = i + 1;
		cc->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		if (cc->fd < 0)
			die("socket: %m");
		snprintf(who, sizeof(who), "client conn %u", cc->n);
		apply_opts(cc->fd, &so, who);
		if (nodelay)
			setsockopt(cc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* A chosen local port (SO_REUSEADDR: another socket may hold it). */
		if (bind_port) {
			struct sockaddr_storage bs;
			socklen_t bl;

			make_addr(v6, NULL, bind_port, &bs, &bl);
			setsockopt(cc->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(cc->fd, (struct sockaddr *)&bs, bl) < 0)
				die("client conn %u: bind port %u: %m", cc->n, bind_port);
		}
		/*
		 * Every segment carries an IPv6 Destination Options header (one
		 * PadN option): the hooks must look past extension headers.
		 */
		if (dstopts) {
			static const unsigned char opt[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

			if (setsockopt(cc->fd, IPPROTO_IPV6, IPV6_DSTOPTS, opt, sizeof(opt)) < 0)
				die("client conn %u: IPV6_DSTOPTS: %m", cc->n);
		}
		/* Keepalive probes after KEEPALIVE seconds idle, then as often. */
		if (keepalive &&
		    (setsockopt(cc->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0 ||
		     setsockopt(cc->fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive,
				sizeof(keepalive)) < 0 ||
		     setsockopt(cc->fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive,
				sizeof(keepalive)) < 0))
			die("client conn %u: keepalive: %m", cc->n);
		/*
		 * Fast Open: connect() returns at once and the first send()
		 * sends the SYN with that data (net.ipv4.tcp_fastopen).
		 */
		if (fastopen && setsockopt(cc->fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
					   &one, sizeof(one)) < 0)
			die("client conn %u: TCP_FASTOPEN_CONNECT: %m", cc->n);
		if (connect(cc->fd, (struct sockaddr *)&ss, sl) < 0)
			die("client conn %u: connect %s port %u: %m", cc->n, addr, port);
		cc->cookie = sock_cookie(cc->fd);
		printf("conn n=%u cookie=%llu lport=%u fport=%u\n", cc->n,
		       (unsigned long long)cc->cookie, sock_lport(cc->fd), sock_fport(cc->fd));
	}

	/* An application event before the data: type 1, subtype the conn's number. */
	for (i = 0; logmsg && i < nconns; i++) {
		struct bblog_user_event ue = { .type = 1, .subtype = conns[i].n };
		size_t ml = strlen(logmsg) < sizeof(ue.data) ? strlen(logmsg) : sizeof(ue.data);

		memcpy(ue.data, logmsg, ml);
		if (setsockopt(conns[i].fd, SOL_IP, BBLOG_SO_LOG, &ue,
			       (socklen_t)(offsetof(struct bblog_user_event, data) + ml)) < 0) {
			printf("error n=%u op=log errno=%s\n", conns[i].n, errname(errno));
			failed = 1;
		}
	}

	/* 2. Data, once START_WAIT exists if given. */
	if (start_wait) {
		wait_file(start_wait);
		printf("starting\n");
	}
	for (i = 0; i < nconns; i++)
		transfer(&conns[i], bytes, echo, chunk, pause_ms, lockstep, buf);
	if (bytes)
		for (i = 0; i < nconns; i++)
			printf("sent n=%u cookie=%llu sent=%llu recvd=%llu\n", conns[i].n,
			       (unsigned long long)conns[i].cookie, conns[i].sent, conns[i].recvd);

	if (has_mode_after) {
		for (i = 0; i < nconns; i++) {
			if (set_int_opt(conns[i].fd, BBLOG_SO_MODE, mode_after) < 0) {
				printf("error n=%u op=mode-after errno=%s\n", conns[i].n,
				       errname(errno));
				failed = 1;
			}
		}
	}

	/* 3. Close the first K connections completely. */
	for (i = 0; i < close_first; i++)
		graceful_close(&conns[i], buf);

	/* 4. Ask the module about the connections still open. */
	for (i = close_first; i < nconns; i++) {
		struct cconn *cc = &conns[i];

		last_open = i + 1;
		if (info && !cc->dead &&
		    tcpinfo_print(cc->fd, cc->n, (unsigned long long)cc->cookie,
				  timeout * 1000) < 0) {
			printf("error n=%u op=info errno=%s\n", cc->n, errname(errno));
			failed = 1;
		}
		if (getmode) {
			int m = -100;
			socklen_t l = sizeof(m);

			if (getsockopt(cc->fd, SOL_IP, BBLOG_SO_MODE, &m, &l) < 0) {
				printf("error n=%u op=getmode errno=%s\n", cc->n, errname(errno));
				failed = 1;
			} else {
				printf("mode n=%u cookie=%llu value=%d\n", cc->n,
				       (unsigned long long)cc->cookie, m);
			}
		}
		if (idcnt) {
			__u32 cnt = 0;
			socklen_t l = sizeof(cnt);

			if (getsockopt(cc->fd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l) < 0) {
				printf("error n=%u op=idcnt errno=%s\n", cc->n, errname(errno));
				failed = 1;
			} else {
				printf("idcnt n=%u cookie=%llu value=%u\n", cc->n,
				       (unsigned long long)cc->cookie, cnt);
			}
		}
		for (b = 0; b < nbuf; b++) {
			size_t cap = (size_t)BBLOG_SESSION_LIMIT_MAX * sizeof(struct bblog_record);
			char *rb = malloc(cap);
			socklen_t l = (socklen_t)cap;
			int bfd;

			if (!rb)
				die("out of memory");
			if (getsockopt(cc->fd, SOL_IP, BBLOG_SO_BUF, rb, &l) < 0) {
				printf("error n=%u op=buf errno=%s\n", cc->n, errname(errno));
				failed = 1;
			} else {
				const struct bblog_record *r0 = (const void *)rb;
				const struct bblog_record *rl = (const void *)(rb + (l ? l - sizeof(*r0) : 0));
				unsigned int nr = (unsigned int)(l / sizeof(struct bblog_record));

				bfd = open(buffiles[b], O_WRONLY | O_CREAT | O_APPEND, 0644);
				if (bfd < 0)
					die("open %s: %m", buffiles[b]);
				if (write_all(bfd, rb, l) < 0)
					die("write %s: %m", buffiles[b]);
				close(bfd);
				printf("buf n=%u k=%u cookie=%llu bytes=%u records=%u first_sn=%d "
				       "last_sn=%d\n", cc->n, b + 1, (unsigned long long)cc->cookie,
				       (unsigned int)l, nr, nr ? (int)r0->sn : -1,
				       nr ? (int)rl->sn : -1);
				if (l % sizeof(struct bblog_record)) {
					printf("error n=%u op=buf bytes not a multiple of %zu\n",
					       cc->n, sizeof(struct bblog_record));
					failed = 1;
				}
			}
			free(rb);
		}
		if (dump) {
			if (set_str_opt(cc->fd, BBLOG_SO_DUMP, dump) < 0) {
				printf("error n=%u op=dump errno=%s\n", cc->n, errname(errno));
				failed = 1;
			} else {
				printf("dumped n=%u cookie=%llu reason=%s\n", cc->n,
				       (unsigned long long)cc->cookie, dump);
			}
		}
	}
	if (dumpid) {
		struct cconn *cc;

		if (!last_open)
			die("client: --dumpid needs a connection left open");
		cc = &conns[last_open - 1];
		if (set_str_opt(cc->fd, BBLOG_SO_DUMPID, dumpid) < 0) {
			printf("error n=%u op=dumpid errno=%s\n", cc->n, errname(errno));
			failed = 1;
		} else {
			printf("dumpid n=%u cookie=%llu reason=%s\n", cc->n,
			       (unsigned long long)cc->cookie, dumpid);
		}
	}

	/* 5. Keep the rest open for a while, then close them. */
	if (hold)
		sleep(hold);
	if (keep) {
		printf("keeping\n");
		while (!stop_keep)
			pause();
	}
	for (i = close_first; i < nconns; i++) {
		if (rst) {
			rst_close(conns[i].fd);
			printf("rst n=%u cookie=%llu\n", conns[i].n,
			       (unsigned long long)conns[i].cookie);
		} else if (close_now) {
			/* close(): the socket is an orphan until its FIN is done */
			close(conns[i].fd);
			printf("closed-now n=%u cookie=%llu\n", conns[i].n,
			       (unsigned long long)conns[i].cookie);
		} else {
			graceful_close(&conns[i], buf);
		}
	}
	printf("done failed=%d\n", failed);
	return failed;
}
