// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest devread: drain /dev/tcp_bblog into a file, checking that every
 * read() returns whole messages.
 * bbtest devcheck: the device's semantics (O_NONBLOCK, poll, small reads,
 * EINTR, writers refused, independent readers, whole messages per read).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bbtest.h"

static volatile sig_atomic_t got_stop, got_alarm;

static void on_sig(int sig)
{
	if (sig == SIGALRM)
		got_alarm = 1;
	else
		got_stop = 1;
}

/* A handler without SA_RESTART: blocking calls return EINTR. */
static void catch(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Walk one read()'s worth of bytes: whole messages, each with a sane
 * header.  Returns the number of messages, -1 (with *why) if not whole.
 */
static long whole_messages(const uint8_t *b, size_t n, const char **why)
{
	size_t off = 0;
	long cnt = 0;

	while (off < n) {
		struct bblog_msg_hdr h;

		if (n - off < sizeof(h)) {
			*why = "partial message header at the end of a read";
			return -1;
		}
		memcpy(&h, b + off, sizeof(h));
		if (h.length < sizeof(h)) {
			*why = "message length shorter than its header";
			return -1;
		}
		if (h.length > n - off) {
			*why = "message cut at the end of a read";
			return -1;
		}
		if (h.version != BBLOG_VERSION) {
			*why = "message version is not BBLOG_VERSION";
			return -1;
		}
		off += h.length;
		cnt++;
	}
	return cnt;
}

static void touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

int cmd_devread(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "idle", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "ready", required_argument, NULL, 'r' },
		{ "bufsize", required_argument, NULL, 'b' },
		{ "uid", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = "-", *ready = NULL, *why = NULL;
	double timeout = 0, idle = 0, start, last;
	unsigned long long count = 0, msgs = 0, bytes = 0, reads = 0;
	size_t bufsize = BBLOG_MSG_MAX;
	int nonblock = 0, c, fd, ofd, bad = 0;
	long uid = -1;
	uint8_t *buf;
	FILE *info;

	optind = 1;
	while ((c = getopt_long(argc, argv, "no:", lo, NULL)) != -1) {
		switch (c) {
		case 'n': nonblock = 1; break;
		case 'o': out = optarg; break;
		case 't': timeout = (double)parse_u64(optarg, "--timeout"); break;
		case 'i': idle = (double)parse_u64(optarg, "--idle"); break;
		case 'c': count = parse_u64(optarg, "--count"); break;
		case 'r': ready = optarg; break;
		case 'b': bufsize = (size_t)parse_u64(optarg, "--bufsize"); break;
		case 'u': uid = (long)parse_u64(optarg, "--uid"); break;
		default: die("usage: bbtest devread [-n] [--timeout S] [--idle S] [--count N] "
			     "[-o FILE] [--ready FILE] [--bufsize B] [--uid N]");
		}
	}
	catch(SIGTERM);
	catch(SIGINT);
	buf = malloc(bufsize ? bufsize : 1);
	if (!buf)
		die("out of memory (%zu bytes)", bufsize);
	/* --uid: open as that user (and group), without capabilities. */
	if (uid >= 0 && (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
			 setresuid(uid, uid, uid) < 0))
		die("--uid %ld: %m", uid);
	fd = open(BBLOG_DEVICE, O_RDONLY | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		die("open %s: %m", BBLOG_DEVICE);
	ofd = strcmp(out, "-") ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	if (ofd < 0)
		die("open %s: %m", out);
	info = ofd == 1 ? stderr : stdout;
	touch(ready);

	start = last = now();
	while (!got_stop && (!count || msgs < count)) {
		ssize_t n;
		long m;

		if (!nonblock) {
			double wait = -1, t = now();
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int r;

			if (timeout)
				wait = start + timeout - t;
			if (idle && (wait < 0 || last + idle - t < wait))
				wait = last + idle - t;
			if (wait != -1 && wait <= 0)
				break;
			r = poll(&p, 1, wait < 0 ? -1 : (int)(wait * 1000) + 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				die("poll: %m");
			if (!r)
				continue;	/* the deadline is checked above */
		}
		n = read(fd, buf, bufsize);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && nonblock) {
				fprintf(info, "devread: EAGAIN (nothing queued)\n");
				break;
			}
			if (errno == EAGAIN)
				continue;
			warnx("read %s: %m", BBLOG_DEVICE);
			bad = 1;
			break;
		}
		if (!n) {
			warnx("read returned 0");
			bad = 1;
			break;
		}
		reads++;
		last = now();
		m = whole_messages(buf, (size_t)n, &why);
		if (m < 0) {
			warnx("read %llu (%zd bytes): %s", reads, n, why);
			bad = 1;
		} else {
			msgs += (unsigned long long)m;
		}
		bytes += (unsigned long long)n;
		if (write_all(ofd, buf, (size_t)n) < 0)
			die("write %s: %m", out);
	}
	fprintf(info, "devread messages=%llu bytes=%llu reads=%llu\n", msgs, bytes, reads);
	if (ofd != 1)
		close(ofd);
	close(fd);
	free(buf);
	if (bad)
		return 1;
	if (count && msgs < count) {
		warnx("got %llu of %llu messages", msgs, count);
		return 4;
	}
	return 0;
}

/* ------------------------------------------------------------- devcheck */

static int ntest, nfail;

static void ok(int cond, const char *desc, const char *detail)
{
	ntest++;
	if (cond) {
		printf("ok %d - %s\n", ntest, desc);
	} else {
		printf("not ok %d - %s%s%s\n", ntest, desc, detail ? ": " : "",
		       detail ? detail : "");
		nfail++;
	}
}

static const char *en(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/* read() with its errno as a string for the report. */
static ssize_t rd(int fd, void *buf, size_t len, char *det, size_t dlen)
{
	ssize_t n = read(fd, buf, len);

	if (n < 0)
		snprintf(det, dlen, "read: %s", en(errno));
	else
		snprintf(det, dlen, "read returned %zd bytes", n);
	return n;
}

static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void make_dump(const char *reason)
{
	int cfd, sfd;

	loop_pair(AF_INET, BBLOG_MODE_TAIL, NULL, &cfd, &sfd);
	loop_xfer(cfd, sfd, 4000);
	if (set_str_opt(cfd, BBLOG_SO_DUMP, reason) < 0)
		printf("# BBLOG_SO_DUMP failed: %s\n", en(errno));
	close(cfd);
	close(sfd);
}

int cmd_devcheck(int argc, char **argv)
{
	size_t big = BBLOG_MSG_MAX;
	uint8_t *a = malloc(big), *b = malloc(big);
	char det[128];
	int fd, fd2, fd3, fd4, e;
	size_t got4 = 0, step = 16;
	ssize_t n, n1, n2;
	const char *why = "";
	struct bblog_msg_hdr h1, h2;

	(void)argc;
	(void)argv;
	if (!a || !b)
		die("out of memory");
	loop_up();

	fd = open(BBLOG_DEVICE, O_WRONLY);
	e = errno;
	snprintf(det, sizeof(det), "open succeeded");
	ok(fd < 0, "open O_WRONLY is refused", det);
	if (fd >= 0)
		close(fd);
	else
		printf("# open O_WRONLY: %s\n", en(e));
	fd = open(BBLOG_DEVICE, O_RDWR);
	ok(fd < 0, "open O_RDWR is refused", "open succeeded");
	if (fd >= 0)
		close(fd);

	fd = open(BBLOG_DEVICE, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		die("open %s: %m", BBLOG_DEVICE);
	/* Dumps queued before this reader (kept for a late reader): drain. */
	while ((n = read(fd, a, big)) > 0)
		printf("# drained %zd bytes queued before the check\n", n);
	n = rd(fd, a, big, det, sizeof(det));
	ok(n < 0 && errno == EAGAIN, "O_NONBLOCK read with nothing queued gives EAGAIN", det);
	ok(!wait_in(fd, 300), "poll() without data times out", "POLLIN reported");

	fd2 = open(BBLOG_DEVICE, O_RDONLY);
	fd3 = open(BBLOG_DEVICE, O_RDONLY);
	fd4 = open(BBLOG_DEVICE, O_RDONLY | O_NONBLOCK);
	if (fd2 < 0 || fd3 < 0 || fd4 < 0)
		die("open %s: %m", BBLOG_DEVICE);
	catch(SIGALRM);
	alarm(1);
	n = rd(fd2, a, big, det, sizeof(det));
	e = errno;
	alarm(0);
	ok(n < 0 && e == EINTR && got_alarm, "a signal interrupts a blocking read with EINTR",
	   det);

	/* Two dumps, queued to every reader. */
	make_dump("devcheck-1");
	make_dump("devcheck-2");
	ok(wait_in(fd, 5000), "poll() reports POLLIN after a dump", "no POLLIN within 5 s");


	/* fd3 learns the two messages' lengths with a big buffer. */
	n = rd(fd3, b, big, det, sizeof(det));
	ok(n > 0, "a BBLOG_MSG_MAX buffer reads the dumps", det);
	if (n <= 0)
		goto out;
	if (whole_messages(b, (size_t)n, &why) < 0)
		ok(0, "read returns whole messages", why);
	memcpy(&h1, b, sizeof(h1));
	if ((size_t)n == h1.length) {
		/* Only the first was ready: the second comes with the next read. */
		n2 = read(fd3, b + n, big - (size_t)n);
		if (n2 > 0)
			n += n2;
	}
	ok((size_t)n > h1.length, "two dumps queued", "only one message");
	if ((size_t)n <= h1.length)
		goto out;
	memcpy(&h2, b + h1.length, sizeof(h2));
	ok(h1.type == BBLOG_MSG_DUMP && h2.type == BBLOG_MSG_DUMP, "messages are dumps",
	   "other type");

	/* fd, its own cursor, reads one byte short of both: only the first. */
	n1 = rd(fd, a, h1.length + h2.length - 1, det, sizeof(det));
	ok(n1 == (ssize_t)h1.length, "a buffer one byte short of two messages returns one",
	   det);
	ok(n1 > 0 && !memcmp(a, b, h1.length < (size_t)n1 ? h1.length : (size_t)n1),
	   "readers get the same first message", "bytes differ");
	n2 = rd(fd, a, h2.length, det, sizeof(det));
	ok(n2 == (ssize_t)h2.length, "a buffer of exactly one message returns it", det);
	ok(n2 > 0 && !memcmp(a, b + h1.length, h2.length), "readers get the same second message",
	   "bytes differ");
	n = rd(fd, a, big, det, sizeof(det));
	ok(n < 0 && errno == EAGAIN, "drained reader gets EAGAIN again", det);

	/*
	 * fd4 reads the same bytes in small pieces: the device is a byte
	 * stream (16 bytes: the first header; then 1, 7, 255, 4096, ...).
	 */
	n = rd(fd4, a, sizeof(struct bblog_msg_hdr), det, sizeof(det));
	ok(n == (ssize_t)sizeof(struct bblog_msg_hdr) && !memcmp(a, b, (size_t)n),
	   "a 16-byte buffer gets the first message's header", det);
	got4 = n > 0 ? (size_t)n : 0;
	while (n > 0 && got4 < h1.length + h2.length) {
		step = step == 16 ? 1 : step == 1 ? 7 : step == 7 ? 255 : 4096;
		n = read(fd4, a + got4, step);
		if (n > 0)
			got4 += (size_t)n;
	}
	snprintf(det, sizeof(det), "%zu bytes, want %llu", got4,
		 (unsigned long long)(h1.length + h2.length));
	ok(got4 == h1.length + h2.length && !memcmp(a, b, got4),
	   "1, 7, 255 and 4096-byte reads give the same byte stream", det);
	n = rd(fd4, a, big, det, sizeof(det));
	ok(n < 0 && errno == EAGAIN, "the small-buffer reader has it all", det);

	/* fd2 (blocking, opened before the dumps) has them too. */
	n = rd(fd2, a, big, det, sizeof(det));
	ok(n > 0 && !memcmp(a, b, (size_t)n < h1.length ? (size_t)n : h1.length),
	   "a third reader gets the dumps too", det);
out:
	close(fd);
	close(fd2);
	close(fd3);
	close(fd4);
	free(a);
	free(b);
	printf("1..%d\n# %d of %d failed\n", ntest, nfail, ntest);
	return nfail ? 1 : 0;
}
