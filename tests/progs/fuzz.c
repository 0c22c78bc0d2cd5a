// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest sofuzz: a fuzzer of the tcp_bblog socket options.
 *
 * Threads (--threads, default 4) each own a few socket slots and, until
 * --seconds have passed (or --iterations per thread), pick an operation at
 * random: open a loopback pair (IPv4 or IPv6, sometimes with options set
 * before connect(), sometimes with Fast Open), a listener (a template when
 * it has a mode or an ID), a connection to a target (-a ADDR -p PORT, for
 * example another sofuzz's --listen PORT), a socket of another kind (TCP
 * not connected, UDP, AF_UNIX, MPTCP); set or get a BBLOG_SO_* option, or a
 * neighbour of their range, with random levels, lengths (0, short, exact,
 * long, huge, negative), values (valid and unknown modes, IDs with and
 * without their NUL, empty) and pointers (NULL, a PROT_NONE page, a kernel
 * address, a buffer that ends at a guard page); move data, shut down, reset
 * (SO_LINGER 0), disconnect (connect(AF_UNSPEC)), close; turn TCP knobs
 * (small buffers, keepalive, Nagle, congestion control); use another
 * thread's descriptors; read the device (--device); change the module's
 * sysctls (--sysctls, thread 0 only, restored at the end).
 *
 * Every option call is checked against the errors uapi/linux/tcp_bblog.h
 * documents (errs_set[]/errs_get[] below), narrowed to what the call's
 * context allows: the socket's kind and family, the level, the lengths and
 * pointers, and what the thread last gave that socket.  Every value read
 * back is checked: a mode in range, the ID the slot was given, whole
 * records with sane fields and serial numbers that only grow.  The first
 * unexpected errno or success stops the run: the call, the seed, the
 * thread and the iteration are printed with the calls before it, and the
 * exit status is 1.  Without the module (--unloaded) every option must
 * give ENOPROTOOPT; with --module-may-go it may come and go during the run
 * (ENOPROTOOPT is allowed, and what a slot was given is forgotten: a
 * module loaded again knows nothing of it).  --scenario runs the fixed
 * sequences of the bugs the fuzzer found instead.
 *
 * Each thread's generator (xoshiro256**) is seeded from --seed and the
 * thread's index (splitmix64), and every iteration draws the same amount
 * from it whatever the calls return: a run with the same seed plans the
 * same calls.  With --threads 1 and --iterations N two runs make the same
 * calls (--trace prints each; the summary's per-thread hash covers their
 * parameters).
 *
 * --users: thread i runs as uid 0, 1001, 1002 or 65534 (i mod 4), set with
 * the raw setresuid system call, which changes the calling thread only
 * (glibc's setresuid() changes every thread of the process).  Each thread
 * creates its own sockets after the switch, so they belong to its user;
 * connections accepted from the --listen socket (made by root) do not.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "bbtest.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif

#define NSLOTS		16
#define MAX_THREADS	32
#define MAX_TARGETS	8
#define PAGE		4096
#define BIG_PAGES	256			/* 1 MiB: 4096 records */
#define IOBUF		65536
#define HISTORY		8			/* calls shown on a failure */
#define NERR		134			/* errno values counted */

/* ------------------------------------------------------------- generator */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n) (n > 0), without division. */
static uint32_t rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int pct(struct rng *r, unsigned int p)
{
	return rnd(r, 100) < p;
}

/* --------------------------------------------------------------- errnos */

struct errset {
	uint64_t w[3];
};

static void es_add(struct errset *s, int e)
{
	if (e > 0 && e < 192)
		s->w[e >> 6] |= 1ULL << (e & 63);
}

static int es_has(const struct errset *s, int e)
{
	return e > 0 && e < 192 && (s->w[e >> 6] >> (e & 63)) & 1;
}

static const char *en(int e)
{
	const char *n;

	if (!e)
		return "ok";
	n = strerrorname_np(e);
	return n ? n : "E?";
}

/* ------------------------------------------------------------- options */

enum { OPT_MODE, OPT_ID, OPT_TAG, OPT_DUMP, OPT_DUMPID, OPT_BUF, OPT_IDCNT,
       OPT_LOG, OPT_UNUSED8, OPT_UNUSED15, OPT_END, OPT_BELOW, OPT_NR };

static const struct {
	int opt;
	const char *name;
	int set, get;		/* the directions the module has */
	int str;		/* set takes a string */
} opts[OPT_NR] = {
	[OPT_MODE]	= { BBLOG_SO_MODE, "MODE", 1, 1, 0 },
	[OPT_ID]	= { BBLOG_SO_ID, "ID", 1, 1, 1 },
	[OPT_TAG]	= { BBLOG_SO_TAG, "TAG", 1, 0, 1 },
	[OPT_DUMP]	= { BBLOG_SO_DUMP, "DUMP", 1, 0, 1 },
	[OPT_DUMPID]	= { BBLOG_SO_DUMPID, "DUMPID", 1, 0, 1 },
	[OPT_BUF]	= { BBLOG_SO_BUF, "BUF", 0, 1, 0 },
	[OPT_IDCNT]	= { BBLOG_SO_ID_CNT, "ID_CNT", 0, 1, 0 },
	[OPT_LOG]	= { BBLOG_SO_LOG, "LOG", 1, 0, 0 },
	[OPT_UNUSED8]	= { BBLOG_SO_BASE + 8, "BASE+8", 0, 0, 0 },
	[OPT_UNUSED15]	= { BBLOG_SO_BASE + 15, "BASE+15", 0, 0, 0 },
	[OPT_END]	= { BBLOG_SO_END, "END", 0, 0, 0 },
	[OPT_BELOW]	= { BBLOG_SO_BASE - 1, "BASE-1", 0, 0, 0 },
};

/*
 * The errors each option may return on a TCP socket at a level that
 * reaches it (the uapi header's list; ENOMEM for failed allocations).
 * The context narrows them further (expect()); the generic errors of the
 * socket layer (EBADF, ENOTSOCK, EOPNOTSUPP on other sockets) are added
 * where they apply.
 */
#define ERRS_COMMON	ENOPROTOOPT, EOPNOTSUPP, EINVAL, EPERM, EFAULT, ENOMEM
static const int errs_set[OPT_NR][10] = {
	[OPT_MODE]	= { ERRS_COMMON, EBUSY },
	[OPT_ID]	= { ERRS_COMMON, EBUSY },
	[OPT_TAG]	= { ERRS_COMMON, EBUSY, ENOENT },
	[OPT_DUMP]	= { ERRS_COMMON, EBUSY, ENOBUFS },
	[OPT_DUMPID]	= { ERRS_COMMON, EBUSY, ENOBUFS },
	[OPT_LOG]	= { ERRS_COMMON, EBUSY },
};
static const int errs_get[OPT_NR][10] = {
	[OPT_MODE]	= { ERRS_COMMON },
	[OPT_ID]	= { ERRS_COMMON },
	[OPT_BUF]	= { ERRS_COMMON },
	[OPT_IDCNT]	= { ERRS_COMMON, ENOENT },
};

static int documented(int dir, int o, int e)
{
	const int *l = dir ? errs_get[o] : errs_set[o];
	int i;

	if (e == ENOPROTOOPT)
		return 1;
	for (i = 0; i < 10 && l[i]; i++)
		if (l[i] == e)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- state */

enum { K_NONE, K_TCP, K_ACCEPTED, K_LISTEN, K_REMOTE, K_UNCONN, K_UDP,
       K_UNIX, K_MPTCP, K_NR };

static const char *const kind_names[K_NR] = {
	"empty", "tcp", "accepted", "listener", "remote", "unconnected", "udp",
	"unix", "mptcp",
};

struct slot {
	int fd;
	int kind;
	int family;
	int listening;		/* in LISTEN now (as far as we know) */
	int listened;		/* has listened: its ID and mode moved around */
	int foreign;		/* created from a socket of another user */
	int mode;		/* mode we expect, -100: not known */
	int id_known;
	char id[BBLOG_ID_LEN];	/* the ID we expect when id_known */
	int have_sn;
	uint32_t last_sn;	/* highest sn BBLOG_SO_BUF returned */
};

enum { DIR_SET, DIR_GET };
enum { P_OK, P_FAULT, P_NULL, P_KERNEL, P_NR };
static const char *const ptr_names[P_NR] = { "buf", "PROT_NONE", "NULL", "kernel" };

/* One socket option call, as planned and as it went. */
struct call {
	uint64_t iter;
	int dir, slot, kind, family, fd, foreign;
	int level, o;
	long long len;		/* optlen (set) or *optlen before (get) */
	int ptr, lenptr;	/* P_* of optval and (get) optlen */
	long long avail;	/* get: bytes writable at optval */
	int ival;		/* MODE set value */
	unsigned char str[96];
	int slen;		/* bytes of str meaningful (set, strings) */
	int rc, err;
	long long outlen;	/* get: optlen after */
	char why[160];
};

enum { OP_PAIR, OP_LISTEN, OP_REMOTE, OP_NEW, OP_ACCEPT, OP_SET, OP_GET, OP_IO,
       OP_SHUT, OP_CLOSE, OP_KNOB, OP_RANDFD, OP_DEV, OP_SYSCTL, OP_RECONNECT,
       OP_NR };

static const char *const op_names[OP_NR] = {
	"pair", "listener", "remote", "new", "accept", "set", "get", "io",
	"shutdown", "close", "knob", "randfd", "device", "sysctl", "reconnect",
};

/* Weights of the operations, in per mille. */
static const unsigned int op_weight[OP_NR] = {
	[OP_PAIR] = 90, [OP_LISTEN] = 25, [OP_REMOTE] = 30, [OP_NEW] = 35,
	[OP_ACCEPT] = 40, [OP_SET] = 330, [OP_GET] = 210, [OP_IO] = 90,
	[OP_SHUT] = 15, [OP_CLOSE] = 60, [OP_KNOB] = 25, [OP_RANDFD] = 15,
	[OP_DEV] = 10, [OP_SYSCTL] = 10, [OP_RECONNECT] = 15,
};

struct stats {
	uint64_t calls[2][OPT_NR];
	uint64_t errs[2][OPT_NR][NERR];		/* [0]: success */
	uint64_t ops[OP_NR];
	uint64_t op_errs[OP_NR][NERR];
	uint64_t records;			/* read with BBLOG_SO_BUF */
	uint64_t sysctl_writes, sysctl_refused;
};

struct thread {
	int idx;
	pthread_t tid;
	uid_t uid;
	int priv;			/* root: CAP_NET_ADMIN */
	struct rng rng;
	uint64_t iter, hash;
	struct slot slot[NSLOTS];
	int lfd[2];			/* own loopback listeners: IPv4, IPv6 */
	struct sockaddr_storage laddr[2];
	socklen_t laddr_len[2];
	uint8_t *big;			/* BIG_PAGES pages, then a guard page */
	uint8_t *io;
	struct call hist[HISTORY];
	unsigned int nhist;
	struct stats st;
};

static struct {
	uint64_t seed;
	unsigned int seconds, nthreads;
	uint64_t iterations;
	int users, sysctls, trace, unloaded, device;
	int maygo;			/* the module may be unloaded and loaded */
	int ntargets;
	struct sockaddr_storage target[MAX_TARGETS];
	socklen_t target_len[MAX_TARGETS];
	int listen_port, serve_fd;
	uint8_t *fault;			/* a PROT_NONE page */
	struct timespec t0;
	volatile int stop;
	int failed;
	int unpriv0;			/* net.tcp_bblog.unprivileged may be 0 */
	volatile int disable_maybe;	/* disable_all may be 1 */
	volatile int auto_maybe;	/* auto_ratio may select (mode or ID) */
	int mptcp;			/* MPTCP sockets can be made */
	pthread_mutex_t lock;
	struct thread th[MAX_THREADS];
} g = { .serve_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

static const uid_t users[] = { 0, 1001, 1002, 65534 };

static double elapsed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - g.t0.tv_sec) + (double)(ts.tv_nsec - g.t0.tv_nsec) / 1e9;
}

static void hash_u64(struct thread *t, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		t->hash ^= (uint8_t)(v >> (8 * i));
		t->hash *= 0x100000001b3ULL;
	}
}

static void count_op(struct thread *t, int op, int rc)
{
	int e = rc < 0 ? errno : 0;

	t->st.ops[op]++;
	t->st.op_errs[op][e < NERR ? e : NERR - 1]++;
}

/* ------------------------------------------------------------- printing */

static void put_bytes(FILE *f, const unsigned char *s, int n)
{
	int i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			fputc(s[i], f);
		else
			fprintf(f, "\\x%02x", s[i]);
	}
	fputc('"', f);
}

/* An ID for a message: bytes outside printable ASCII as \xNN. */
static const char *esc(const uint8_t *s, char *out)
{
	char *p = out;
	int i;

	for (i = 0; i < BBLOG_ID_LEN && s[i]; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			*p++ = (char)s[i];
		else
			p += sprintf(p, "\\x%02x", s[i]);
	}
	*p = 0;
	return out;
}

static const char *level_name(int level)
{
	switch (level) {
	case SOL_IP: return "SOL_IP";
	case SOL_IPV6: return "SOL_IPV6";
	case SOL_TCP: return "SOL_TCP";
	case SOL_SOCKET: return "SOL_SOCKET";
	case SOL_UDP: return "SOL_UDP";
	}
	return "level?";
}

static void print_call(FILE *f, const struct thread *t, const struct call *c)
{
	fprintf(f, "T%d #%llu %s slot %d (%s%s, fd %d, %s) %s %s optlen %lld optval %s",
		t->idx, (unsigned long long)c->iter, c->dir ? "getsockopt" : "setsockopt",
		c->slot, kind_names[c->kind], c->foreign ? ", foreign" : "", c->fd,
		c->family == AF_INET6 ? "IPv6" : c->family == AF_INET ? "IPv4" :
		c->family == AF_UNIX ? "unix" : "-",
		level_name(c->level), opts[c->o].name, c->len, ptr_names[c->ptr]);
	if (c->dir == DIR_GET) {
		fprintf(f, " (%lld bytes writable) optlen ptr %s", c->avail, ptr_names[c->lenptr]);
	} else if (c->ptr == P_OK && c->o == OPT_MODE && c->len >= 4) {
		fprintf(f, " value %d", c->ival);
	} else if (c->ptr == P_OK && c->slen) {
		fprintf(f, " value ");
		put_bytes(f, c->str, c->slen);
	}
	fprintf(f, " = %s", c->rc < 0 ? en(c->err) : "ok");
	if (c->dir == DIR_GET && c->rc >= 0)
		fprintf(f, " optlen %lld", c->outlen);
	fputc('\n', f);
}

/*
 * An unexpected result: say what, with the calls before it; the other
 * threads stop at their next iteration.
 */
static void fail(struct thread *t, const struct call *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct thread *t, const struct call *c, const char *fmt, ...)
{
	va_list ap;
	unsigned int i, n;

	pthread_mutex_lock(&g.lock);
	g.stop = 1;
	if (g.failed++) {
		pthread_mutex_unlock(&g.lock);
		return;
	}
	fflush(stdout);
	printf("FAIL: seed %llu thread %d (uid %u) iteration %llu: ",
	       (unsigned long long)g.seed, t->idx, (unsigned int)t->uid,
	       (unsigned long long)t->iter);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (c) {
		printf("FAIL: call: ");
		print_call(stdout, t, c);
	}
	n = t->nhist < HISTORY ? t->nhist : HISTORY;
	printf("# the thread's last %u option calls before it:\n", n);
	for (i = t->nhist - n; i < t->nhist; i++) {
		printf("#   ");
		print_call(stdout, t, &t->hist[i % HISTORY]);
	}
	printf("# reproduce: bbtest sofuzz --seed %llu --threads %u%s%s ... (see --trace)\n",
	       (unsigned long long)g.seed, g.nthreads, g.users ? " --users" : "",
	       g.sysctls ? " --sysctls" : "");
	fflush(stdout);
	pthread_mutex_unlock(&g.lock);
}

/* ---------------------------------------------------------------- slots */

static void slot_reset(struct slot *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mode = -100;
	s->id_known = 0;
}

/* A fresh socket in a slot: nothing set on it yet. */
static void slot_fill(struct slot *s, int fd, int kind, int family)
{
	slot_reset(s);
	s->fd = fd;
	s->kind = kind;
	s->family = family;
	/* A new socket has no connection: mode OFF, no ID (unless inherited). */
	if (kind != K_ACCEPTED && kind != K_MPTCP) {
		s->mode = BBLOG_MODE_OFF;
		s->id_known = 1;
	}
}

static void slot_close(struct thread *t, struct slot *s)
{
	if (s->fd >= 0)
		count_op(t, OP_CLOSE, close(s->fd));
	slot_reset(s);
}

/*
 * The mode may be OFF now whatever we set: HEAD and HEAD_AUTO turn
 * themselves off when full, disable_all turns everything off.
 */
static int slot_may_be_off(const struct slot *s)
{
	return s->mode == BBLOG_MODE_OFF || s->mode == BBLOG_MODE_HEAD ||
	       s->mode == BBLOG_MODE_HEAD_AUTO || g.disable_maybe || s->listened;
}

/*
 * The mode is known only while nothing but this thread changes it: the
 * auto ratio may select a connection at connect() or give it its ID's
 * bucket's mode while it is OFF.
 */
static void slot_connecting(struct slot *s)
{
	if (slot_may_be_off(s) && g.auto_maybe)
		s->mode = -100;
}

/*
 * A listener that stops listening (shut down for reading, disconnected)
 * drops its template: its mode and ID are the module's business again.
 */
static void slot_unlisten(struct slot *s)
{
	if (!s->listening)
		return;
	s->listening = 0;
	s->mode = -100;
	s->id_known = 0;
}

/* ------------------------------------------------------------ addresses */

static int listener_on(int family, int any, unsigned int port, int backlog,
		       struct sockaddr_storage *ss, socklen_t *sl)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	make_addr(family == AF_INET6, any ? NULL : family == AF_INET6 ? "::1" : "127.0.0.1",
		  port, ss, sl);
	if (bind(fd, (struct sockaddr *)ss, *sl) < 0 || listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	*sl = sizeof(*ss);
	getsockname(fd, (struct sockaddr *)ss, sl);
	return fd;
}

/* ----------------------------------------------------- option arguments */

static const char *const id_pool[] = {
	"fz0", "fz1", "fz2", "fz3", "fz4", "fz5", "shared", "a",
};

/* A string value: from the pool, random bytes, long, empty. */
static int gen_string(struct rng *r, unsigned char *s, int max, int thread)
{
	int n, i, k = rnd(r, 10);

	switch (k) {
	case 0: case 1: case 2: case 3:
		n = snprintf((char *)s, max, "%s", id_pool[rnd(r, 8)]);
		break;
	case 4:
		n = snprintf((char *)s, max, "t%d-%u", thread, rnd(r, 4));
		break;
	case 5:		/* random bytes, NULs included */
		n = 1 + rnd(r, 70);
		for (i = 0; i < n; i++)
			s[i] = (unsigned char)rnd(r, 256);
		break;
	case 6:		/* exactly at the limits */
		n = (int[]){ 31, 32, 63, 64, 65, 90 }[rnd(r, 6)];
		memset(s, 'a' + rnd(r, 26), n);
		break;
	case 7:
		n = 0;
		break;
	default:	/* printable random */
		n = 1 + rnd(r, 20);
		for (i = 0; i < n; i++)
			s[i] = (unsigned char)(0x21 + rnd(r, 94));
	}
	if (n > max - 1)
		n = max - 1;
	s[n] = 0;
	return n;
}

static int gen_level(struct rng *r, int family)
{
	unsigned int k = rnd(r, 100);

	if (k < 80)
		return SOL_IP;
	if (k < 90)
		return family == AF_INET6 || pct(r, 30) ? SOL_IPV6 : SOL_IP;
	if (k < 94)
		return SOL_TCP;
	if (k < 97)
		return SOL_SOCKET;
	return SOL_UDP;
}

static int gen_opt(struct rng *r, int dir)
{
	unsigned int k = rnd(r, 100);

	if (k < 6)
		return OPT_UNUSED8 + (int)rnd(r, 4);
	if (k < 12)	/* the other direction's */
		return dir == DIR_SET ? (pct(r, 50) ? OPT_BUF : OPT_IDCNT) :
		       (int[]){ OPT_TAG, OPT_DUMP, OPT_DUMPID, OPT_LOG }[rnd(r, 4)];
	if (dir == DIR_SET)
		return (int[]){ OPT_MODE, OPT_MODE, OPT_MODE, OPT_ID, OPT_ID, OPT_TAG,
				OPT_DUMP, OPT_DUMPID, OPT_LOG }[rnd(r, 9)];
	return (int[]){ OPT_MODE, OPT_MODE, OPT_ID, OPT_ID, OPT_BUF, OPT_BUF, OPT_BUF,
			OPT_IDCNT }[rnd(r, 8)];
}

static int gen_mode(struct rng *r)
{
	if (pct(r, 80))
		return BBLOG_MODE_CLEAR + (int)rnd(r, BBLOG_MODE_MAX + 2);
	return (int[]){ -2, 6, 7, 100, INT_MIN, INT_MAX, -1000, 0x10001 }[rnd(r, 8)];
}

static int gen_ptr(struct rng *r)
{
	unsigned int k = rnd(r, 100);

	return k < 90 ? P_OK : k < 95 ? P_FAULT : k < 98 ? P_NULL : P_KERNEL;
}

static void *ptr_of(int p, void *ok)
{
	switch (p) {
	case P_FAULT: return g.fault;
	case P_NULL: return NULL;
	case P_KERNEL: return (void *)0xffff888000001000UL;
	}
	return ok;
}

/* ------------------------------------------------------- expectations */

static int mode_valid(int m)
{
	return m >= BBLOG_MODE_CLEAR && m <= BBLOG_MODE_MAX;
}

/* The level reaches the module for this socket's family (SOL_IP always). */
static int level_reaches(int level, int family)
{
	return level == SOL_IP || (level == SOL_IPV6 && family == AF_INET6);
}

/*
 * What a call may return: *ok the errnos, *succeed whether success is
 * allowed.  The rules follow sockopt.c's order of checks only as far as
 * the uapi header promises it: every defect of the call adds the errors
 * it may cause, and any defect that is always detected forbids success.
 */
static void expect(const struct thread *t, const struct slot *s, const struct call *c,
		   struct errset *ok, int *succeed, int relaxed)
{
	int dir = c->dir, o = c->o, has_id, no_id, i;
	long long len = c->len;

	memset(ok, 0, sizeof(*ok));
	*succeed = 1;
	if (g.maygo)	/* the module is not loaded just now */
		es_add(ok, ENOPROTOOPT);
	if (relaxed) {
		/* Someone else's descriptor: only the documented errors. */
		for (i = 0; i < OPT_NR; i++) {
			const int *l = dir ? errs_get[i] : errs_set[i];
			int k;

			for (k = 0; k < 10 && l[k]; k++)
				es_add(ok, l[k]);
		}
		es_add(ok, ENOPROTOOPT);
		es_add(ok, EBADF);
		es_add(ok, ENOTSOCK);
		if (!opts[o].set && dir == DIR_SET)
			*succeed = 0;
		if (!opts[o].get && dir == DIR_GET)
			*succeed = 0;
		return;
	}
	/* The socket layer refuses these (in an order that changed in 6.x). */
	if (dir == DIR_SET && len < 0) {
		es_add(ok, EINVAL);
		*succeed = 0;
	}
	if (c->fd < 0) {
		es_add(ok, EBADF);
		*succeed = 0;
	}
	if (!*succeed)
		return;
	if (dir == DIR_GET) {
		if (c->lenptr != P_OK) {
			es_add(ok, EFAULT);
			*succeed = 0;
		}
		if (len < 0) {
			es_add(ok, EINVAL);
			*succeed = 0;
		}
	}
	if (c->kind == K_UNIX || !level_reaches(c->level, c->family)) {
		/*
		 * Not the module's: SOL_SOCKET, SOL_TCP, SOL_UDP check optlen
		 * and copy an int before they look at optname.
		 */
		es_add(ok, EOPNOTSUPP);
		es_add(ok, ENOPROTOOPT);
		es_add(ok, EINVAL);
		es_add(ok, EFAULT);
		*succeed = 0;
		return;
	}
	/* IPv6 reads an int from optval before it looks at optname. */
	if (dir == DIR_SET && c->level == SOL_IPV6 && len >= 4 &&
	    (c->ptr == P_FAULT || c->ptr == P_KERNEL)) {
		es_add(ok, EFAULT);
		*succeed = 0;
	}
	if (g.unloaded || !(dir ? opts[o].get : opts[o].set) || o >= OPT_UNUSED8) {
		/* Options outside the range never reach the module. */
		es_add(ok, ENOPROTOOPT);
		*succeed = 0;
		if (g.unloaded || o >= OPT_END)
			return;
	}
	if (c->kind == K_UDP) {
		es_add(ok, EOPNOTSUPP);
		*succeed = 0;
		return;
	}
	if (!t->priv && g.unpriv0)
		es_add(ok, EPERM);
	if (dir == DIR_SET && g.disable_maybe)
		es_add(ok, EBUSY);
	es_add(ok, ENOMEM);
	if (!*succeed && !(dir ? opts[o].get : opts[o].set))
		return;

	has_id = s->id_known && s->id[0] && !s->listened;
	no_id = s->id_known && !s->id[0] && !s->listened;
	if (s->listening) {
		/* A listener is a template: it has no ID of its own. */
		has_id = 0;
		no_id = 0;
	}
	if (dir == DIR_SET) {
		int n = o == OPT_MODE ? 4 : (int)(len < 96 ? len : 96);
		int bad = c->ptr != P_OK && n > 0;

		if (o == OPT_MODE) {
			if (len < 4) {
				es_add(ok, EINVAL);
				*succeed = 0;
			} else if (bad) {
				es_add(ok, EFAULT);
				*succeed = 0;
			} else if (!mode_valid(c->ival)) {
				es_add(ok, EINVAL);
				*succeed = 0;
			}
			/* The listener's template is filed in a hash table. */
			if (s->listening)
				es_add(ok, EBUSY);
			return;
		}
		if (bad) {
			es_add(ok, EFAULT);
			*succeed = 0;
		}
		switch (o) {
		case OPT_ID:
			if (s->listening)
				es_add(ok, EBUSY);
			break;
		case OPT_TAG:
			if (!has_id)
				es_add(ok, ENOENT);
			if (no_id || s->listening)
				*succeed = 0;
			break;
		case OPT_DUMP:
			es_add(ok, ENOBUFS);
			break;
		case OPT_DUMPID:
			es_add(ok, ENOBUFS);
			/*
			 * Connections of other users in the ID's bucket: the
			 * socket's own if it is foreign, or any that another
			 * thread's user gave the same ID (or, for a listener,
			 * the ID it gives its connections) in this namespace.
			 */
			if (!t->priv)
				es_add(ok, EPERM);
			break;
		case OPT_LOG:
			if (len < 8 || len > (long long)sizeof(struct bblog_user_event)) {
				es_add(ok, EINVAL);
				*succeed = 0;
			}
			break;
		}
		return;
	}

	switch (o) {
	case OPT_MODE:
		if (len < 4) {
			es_add(ok, EINVAL);
			*succeed = 0;
		} else if (c->avail < 4) {
			es_add(ok, EFAULT);
			*succeed = 0;
		}
		break;
	case OPT_ID: {
		long long need = s->id_known && !s->listened ? (long long)strlen(s->id) + 1 : 0;

		if (len < 1 || (need && len < need)) {
			es_add(ok, EINVAL);
			*succeed = 0;
		} else if (need && c->avail < need) {
			es_add(ok, EFAULT);
			*succeed = 0;
		} else if (!need) {
			if (len < BBLOG_ID_LEN)
				es_add(ok, EINVAL);
			if (c->avail < (len < BBLOG_ID_LEN ? len : BBLOG_ID_LEN))
				es_add(ok, EFAULT);
		}
		break;
	}
	case OPT_IDCNT:
		if (!has_id)
			es_add(ok, ENOENT);
		if (no_id)
			*succeed = 0;
		if (len < 4) {
			es_add(ok, EINVAL);
			if (!no_id)
				*succeed = 0;
		} else if (c->avail < 4) {
			es_add(ok, EFAULT);
			if (has_id)
				*succeed = 0;
		}
		break;
	case OPT_BUF:
		if (len < (long long)sizeof(struct bblog_record)) {
			es_add(ok, EINVAL);
			*succeed = 0;
		} else if (c->avail < len) {
			/* Nothing to copy is a success, whatever the buffer. */
			es_add(ok, EFAULT);
		}
		break;
	}
}

/* ----------------------------------------------------- the option calls */

static int known_event(unsigned int ev)
{
	return ev == BBLOG_EV_IN || ev == BBLOG_EV_OUT || ev == BBLOG_EV_RTO ||
	       ev == BBLOG_EV_SOCKOPT || ev == BBLOG_EV_CONNEND || ev == BBLOG_EV_USER ||
	       (ev >= BBLOG_EV_STATE && ev <= BBLOG_EV_DROP);
}

/* The records BBLOG_SO_BUF returned: whole, sane, sn growing. */
static void check_records(struct thread *t, struct slot *s, struct call *c,
			  const uint8_t *buf, int relaxed)
{
	uint32_t i, n = (uint32_t)(c->outlen / (long long)sizeof(struct bblog_record));
	uint32_t last = 0;
	int have = 0;

	if (c->outlen % (long long)sizeof(struct bblog_record) || c->outlen > c->len ||
	    c->outlen > c->avail) {
		fail(t, c, "BBLOG_SO_BUF returned %lld bytes for a %lld-byte buffer "
		     "(%lld writable): not whole records within it", c->outlen, c->len, c->avail);
		return;
	}
	if (!relaxed && s->listening && n) {
		fail(t, c, "BBLOG_SO_BUF on a listening socket returned %u records", n);
		return;
	}
	for (i = 0; i < n; i++) {
		struct bblog_record r;

		memcpy(&r, buf + (size_t)i * sizeof(r), sizeof(r));
		if (!known_event(r.event) || (r.flags & ~BBLOG_RF_ALL) ||
		    (r.tcp_flags & ~BBLOG_TF_ALL) || r.bytes_retrans > r.bytes_sent ||
		    r.delivered_ce > r.delivered ||
		    (uint64_t)r.rwnd_limited_ms + r.sndbuf_limited_ms > r.busy_ms ||
		    r.pad[0] || r.pad[1] || r.pad[2] || r.pad[3] ||
		    (r.th_len && (r.th_len < 20 || r.th_len > 60)) ||
		    !!r.th_len != !!(r.flags & BBLOG_RF_HDR) || r.state > 12 ||
		    (r.event == BBLOG_EV_SOCKOPT && r.arg1 > 1) ||
		    !!(r.flags & BBLOG_RF_USER) != (r.event == BBLOG_EV_USER) ||
		    (r.event == BBLOG_EV_USER && r.payload_len > BBLOG_USER_DATA_LEN)) {
			fail(t, c, "record %u of %u is not sane: event %u flags %#x tcp_flags %#x "
			     "th_len %u state %u arg1 %u", i, n, r.event, r.flags, r.tcp_flags,
			     r.th_len, r.state, r.arg1);
			return;
		}
		if (r.event == BBLOG_EV_SOCKOPT && r.arg1 == 0 && !mode_valid((int)r.arg2)) {
			fail(t, c, "record %u: BBLOG_EV_SOCKOPT of mode %d, which no one can set",
			     i, (int)r.arg2);
			return;
		}
		if (have && r.sn <= last) {
			fail(t, c, "record %u: sn %u after sn %u in one read", i, r.sn, last);
			return;
		}
		if (!have && !relaxed && s->have_sn && r.sn <= s->last_sn) {
			fail(t, c, "record sn %u after a read that ended at sn %u: records "
			     "returned twice", r.sn, s->last_sn);
			return;
		}
		last = r.sn;
		have = 1;
	}
	t->st.records += n;
	if (have && !relaxed) {
		s->have_sn = 1;
		s->last_sn = last;
	}
}

/* Check a successful get's value. */
static void check_get(struct thread *t, struct slot *s, struct call *c, const uint8_t *buf,
		      int relaxed)
{
	uint32_t v;

	switch (c->o) {
	case OPT_MODE:
		memcpy(&v, buf, 4);
		if (c->outlen != 4) {
			fail(t, c, "BBLOG_SO_MODE get returned optlen %lld", c->outlen);
		} else if ((int)v < BBLOG_MODE_OFF || (int)v > BBLOG_MODE_MAX) {
			fail(t, c, "BBLOG_SO_MODE get returned mode %d, not a mode", (int)v);
		} else if (!relaxed && s->mode != -100 && (int)v != s->mode &&
			   (int)v != BBLOG_MODE_OFF) {
			fail(t, c, "BBLOG_SO_MODE get returned %d, the slot was set to %d", (int)v,
			     s->mode);
		} else if (!relaxed && s->mode != -100 && (int)v != s->mode &&
			   s->mode != BBLOG_MODE_HEAD && s->mode != BBLOG_MODE_HEAD_AUTO &&
			   !s->listened && !g.disable_maybe) {
			/* Only HEAD and HEAD_AUTO turn themselves off. */
			fail(t, c, "BBLOG_SO_MODE get returned OFF, the slot was set to %d",
			     s->mode);
		}
		break;
	case OPT_ID: {
		long long n = c->outlen;

		if (n < 1 || n > BBLOG_ID_LEN || n > c->len || buf[n - 1] ||
		    (long long)strnlen((const char *)buf, (size_t)n) != n - 1) {
			fail(t, c, "BBLOG_SO_ID get returned optlen %lld, not a NUL-terminated "
			     "ID of at most %d bytes", n, BBLOG_ID_LEN - 1);
		} else if (!relaxed && s->id_known && strcmp((const char *)buf, s->id) &&
			   !(s->listened && !buf[0])) {
			char got[4 * BBLOG_ID_LEN + 1], want[4 * BBLOG_ID_LEN + 1];

			fail(t, c, "BBLOG_SO_ID get returned \"%s\", the slot was given \"%s\"",
			     esc(buf, got), esc((const uint8_t *)s->id, want));
		}
		break;
	}
	case OPT_IDCNT:
		memcpy(&v, buf, 4);
		if (c->outlen != 4)
			fail(t, c, "BBLOG_SO_ID_CNT get returned optlen %lld", c->outlen);
		else if (v > 1000000 || (!relaxed && !s->listened && !v))
			fail(t, c, "BBLOG_SO_ID_CNT is %u on a connection with an ID", v);
		break;
	case OPT_BUF:
		check_records(t, s, c, buf, relaxed);
		break;
	default:
		fail(t, c, "a get of an option the module does not have succeeded");
	}
}

static void record_call(struct thread *t, struct call *c)
{
	int e = c->rc < 0 ? c->err : 0;

	t->st.calls[c->dir][c->o]++;
	t->st.errs[c->dir][c->o][e < NERR ? e : NERR - 1]++;
	t->hist[t->nhist++ % HISTORY] = *c;
	if (g.trace)
		print_call(stdout, t, c);
}

/* Plan a set or get on @fd (slot @si, or -1 for someone else's). */
static void plan_call(struct thread *t, struct rng *r, struct call *c, int dir, int family)
{
	static const long long set_lens[] = { 0, 1, 2, 3, 5, 8, 31, 32, 63, 64, 65, 96,
					       4096, 1 << 20, INT_MAX };
	static const long long get_lens[] = { 0, 1, 3, 4, 5, 8, 63, 64, 255, 256, 257,
					       512, 4096, 65536, 1 << 20, INT_MAX };

	memset(c, 0, sizeof(*c));
	c->iter = t->iter;
	c->dir = dir;
	c->o = gen_opt(r, dir);
	c->level = gen_level(r, family);
	c->ptr = gen_ptr(r);
	c->lenptr = dir == DIR_GET ? gen_ptr(r) : P_OK;
	if (dir == DIR_SET) {
		c->ival = gen_mode(r);
		c->slen = gen_string(r, c->str, sizeof(c->str), t->idx);
		switch (rnd(r, 10)) {
		case 0: case 1: case 2: case 3: case 4:	/* the natural length */
			c->len = opts[c->o].str ? c->slen + (pct(r, 80) ? 1 : 0) :
				 c->o == OPT_LOG ? 8 + c->slen % (BBLOG_USER_DATA_LEN + 1) : 4;
			break;
		case 5:
			c->len = pct(r, 50) ? -1 : INT_MIN;
			break;
		default:
			c->len = set_lens[rnd(r, sizeof(set_lens) / sizeof(set_lens[0]))];
		}
		if (c->o == OPT_MODE && c->len >= 4)
			c->slen = 0;
	} else {
		switch (rnd(r, 10)) {
		case 0:
			c->len = pct(r, 50) ? -1 : INT_MIN;
			break;
		case 1: case 2: case 3:	/* natural */
			c->len = c->o == OPT_ID ? BBLOG_ID_LEN : c->o == OPT_BUF ?
				 (long long)sizeof(struct bblog_record) * (1 + rnd(r, 64)) : 4;
			break;
		default:
			c->len = get_lens[rnd(r, sizeof(get_lens) / sizeof(get_lens[0]))];
		}
		/*
		 * The buffer ends at the guard page, maybe short of optlen
		 * and maybe in the middle of a record.
		 */
		c->avail = c->len < 0 ? 0 : c->len;
		if (c->avail > (long long)BIG_PAGES * PAGE)
			c->avail = (long long)BIG_PAGES * PAGE;
		if (pct(r, 15) && c->avail > 0)
			c->avail -= rnd(r, (uint32_t)(c->avail < 300 ? c->avail : 300));
		if (c->ptr != P_OK)
			c->avail = 0;
	}
	hash_u64(t, (uint64_t)c->dir << 56 | (uint64_t)c->o << 48 | (uint64_t)c->level << 32 |
		 (uint64_t)(c->ptr << 4 | c->lenptr));
	hash_u64(t, (uint64_t)c->len);
	hash_u64(t, dir == DIR_SET ? (uint64_t)(uint32_t)c->ival << 8 | (uint64_t)c->slen :
		 (uint64_t)c->avail);
}

/* Run a planned call on @s (NULL with @fd for someone else's descriptor). */
static void run_call(struct thread *t, struct slot *s, int fd, struct call *c)
{
	uint8_t *buf = t->big + (size_t)BIG_PAGES * PAGE;	/* the guard page */
	int relaxed = !s || s->kind == K_MPTCP, succeed;
	struct slot unknown;
	struct errset ok;
	socklen_t l;
	void *p;

	/*
	 * A module loaded again knows nothing of what the one before was
	 * told: the checks see a slot of unknown history.
	 */
	if (g.maygo && s) {
		unknown = *s;
		unknown.mode = -100;
		unknown.id_known = 0;
		unknown.have_sn = 0;
		unknown.listened = 1;
		unknown.listening = 0;
		s = &unknown;
	}
	c->fd = fd;
	if (s) {
		c->kind = s->kind;
		c->family = s->family;
		c->foreign = s->foreign;
	}
	if (c->dir == DIR_SET) {
		uint8_t *v = t->io;

		if (c->o == OPT_MODE && c->len >= 4)
			memcpy(v, &c->ival, sizeof(int));
		else
			memcpy(v, c->str, sizeof(c->str));
		p = ptr_of(c->ptr, v);
		c->rc = setsockopt(fd, c->level, opts[c->o].opt, p, (socklen_t)(int)c->len);
		c->err = c->rc < 0 ? errno : 0;
	} else {
		uint8_t *start = buf - c->avail;

		if (c->avail)
			memset(start, 0xa5, (size_t)(c->avail < 512 ? c->avail : 512));
		p = ptr_of(c->ptr, start);
		l = (socklen_t)(int)c->len;
		c->rc = getsockopt(fd, c->level, opts[c->o].opt, p,
				   c->lenptr == P_OK ? &l : ptr_of(c->lenptr, NULL));
		c->err = c->rc < 0 ? errno : 0;
		c->outlen = (int)l;
		buf = start;
	}
	record_call(t, c);

	expect(t, s, c, &ok, &succeed, relaxed);
	if (c->rc < 0) {
		/* A set that failed half-way (no memory, the listener table). */
		if (!relaxed && c->dir == DIR_SET && (c->err == ENOMEM || c->err == EBUSY)) {
			if (c->o == OPT_MODE)
				s->mode = -100;
			if (c->o == OPT_ID)
				s->id_known = 0;
		}
		if (!es_has(&ok, c->err)) {
			fail(t, c, "unexpected errno %s (%s)", en(c->err),
			     !documented(c->dir, c->o, c->err) && c->err != EBADF &&
			     c->err != ENOTSOCK ? "not documented for this option" :
			     "documented, but not in this context");
		}
		return;
	}
	if (!succeed) {
		fail(t, c, "unexpected success");
		return;
	}
	if (c->dir == DIR_GET) {
		check_get(t, s, c, buf, relaxed);
		return;
	}
	if (relaxed)
		return;
	/* What the slot now holds. */
	switch (c->o) {
	case OPT_MODE:
		s->mode = c->ival == BBLOG_MODE_CLEAR ? BBLOG_MODE_OFF : c->ival;
		if (s->mode == BBLOG_MODE_OFF && !s->listening)
			slot_connecting(s);
		break;
	case OPT_ID: {
		size_t n = c->len < BBLOG_ID_LEN - 1 ? (size_t)c->len : BBLOG_ID_LEN - 1;

		if (c->ptr != P_OK)
			n = 0;
		memset(s->id, 0, sizeof(s->id));
		memcpy(s->id, c->str, n);
		s->id_known = 1;
		/* A connection not logging takes its new bucket's mode. */
		slot_connecting(s);
		break;
	}
	}
}

/*
 * A slot to act on: mostly one that holds a socket (the first from a
 * random index on), sometimes any, empty ones included.
 */
static int pick_slot(struct thread *t, struct rng *r)
{
	int si = (int)rnd(r, NSLOTS), any = pct(r, 15), i;

	for (i = 0; i < NSLOTS && !any; i++)
		if (t->slot[(si + i) % NSLOTS].fd >= 0)
			return (si + i) % NSLOTS;
	return si;
}

static void op_setget(struct thread *t, struct rng *r, int dir)
{
	int si = pick_slot(t, r);
	struct slot *s = &t->slot[si];
	struct call c;

	plan_call(t, r, &c, dir, s->family ? s->family : AF_INET);
	c.slot = si;
	run_call(t, s, s->fd, &c);
}

/* Another thread's descriptors (or none): gets, and sets that change no state. */
static void op_randfd(struct thread *t, struct rng *r)
{
	int fd = 3 + (int)rnd(r, 16 + NSLOTS * g.nthreads), dir = (int)rnd(r, 2);
	struct call c;

	plan_call(t, r, &c, dir, AF_INET);
	if (dir == DIR_SET && (c.o == OPT_ID || (c.o == OPT_MODE && mode_valid(c.ival))))
		c.o = OPT_DUMPID;
	c.slot = -1;
	run_call(t, NULL, fd, &c);
}

/* ----------------------------------------------------------- operations */

/*
 * A TCP socket just made has no connection entry: mode OFF, no ID, whether
 * or not the module came and went (then ENOPROTOOPT).  An entry that
 * outlived its socket would be found by the next socket at its address.
 */
static void check_fresh(struct thread *t, int fd)
{
	char id[BBLOG_ID_LEN];
	socklen_t l = sizeof(int);
	int mode = -100, rc;

	if (g.unloaded)
		return;
	rc = getsockopt(fd, SOL_IP, BBLOG_SO_MODE, &mode, &l);
	if (rc < 0 && errno != ENOPROTOOPT)
		fail(t, NULL, "BBLOG_SO_MODE get on a new socket: %s", en(errno));
	else if (!rc && mode != BBLOG_MODE_OFF)
		fail(t, NULL, "a new socket has mode %d: the entry of a socket gone before it", mode);
	l = sizeof(id);
	memset(id, 0, sizeof(id));
	rc = getsockopt(fd, SOL_IP, BBLOG_SO_ID, id, &l);
	if (rc < 0 && errno != ENOPROTOOPT) {
		fail(t, NULL, "BBLOG_SO_ID get on a new socket: %s", en(errno));
	} else if (!rc && id[0]) {
		char e[4 * BBLOG_ID_LEN + 1];

		fail(t, NULL, "a new socket has the ID \"%s\": the entry of a socket gone before it",
		     esc((const uint8_t *)id, e));
	}
}

/* A few option sets on a socket being made (before connect() or listen()). */
static void early_opts(struct thread *t, struct rng *r, struct slot *s, int si)
{
	int n = (int)rnd(r, 4), i;

	for (i = 0; i < n; i++) {
		struct call c;

		plan_call(t, r, &c, DIR_SET, s->family);
		if (pct(r, 60)) {	/* mostly valid: a mode, an ID */
			c.level = SOL_IP;
			c.ptr = P_OK;
			c.o = pct(r, 50) ? OPT_MODE : OPT_ID;
			c.ival = BBLOG_MODE_OFF + (int)rnd(r, BBLOG_MODE_MAX + 1);
			c.len = c.o == OPT_MODE ? 4 : c.slen + 1;
		}
		c.slot = si;
		run_call(t, s, s->fd, &c);
	}
}

static int free_slot(struct thread *t, struct rng *r)
{
	int si = (int)rnd(r, NSLOTS);

	slot_close(t, &t->slot[si]);
	return si;
}

static int accept_into(struct thread *t, int lfd, int si, int family, int foreign)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	count_op(t, OP_ACCEPT, fd);
	if (fd < 0)
		return -1;
	slot_close(t, &t->slot[si]);
	slot_fill(&t->slot[si], fd, K_ACCEPTED, family);
	t->slot[si].foreign = foreign;
	return 0;
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Connect @fd to @ss, by connect() or (Fast Open) sendto(). */
static void do_connect(struct thread *t, struct rng *r, struct slot *s,
		       const struct sockaddr_storage *ss, socklen_t sl)
{
	int rc;

	slot_connecting(s);
	if (pct(r, 12)) {
		static const char hello[] = "fast open data";

		rc = (int)sendto(s->fd, hello, sizeof(hello), MSG_FASTOPEN | MSG_NOSIGNAL,
				 (const struct sockaddr *)ss, sl);
	} else {
		rc = connect(s->fd, (const struct sockaddr *)ss, sl);
	}
	count_op(t, OP_PAIR, rc);
}

/* A loopback connection to the thread's listener or a listener slot. */
static void op_pair(struct thread *t, struct rng *r)
{
	int v6 = (int)rnd(r, 2), family = v6 ? AF_INET6 : AF_INET;
	int a = free_slot(t, r), b = (a + 1 + (int)rnd(r, NSLOTS - 1)) % NSLOTS;
	int li = (int)rnd(r, NSLOTS), lfd = t->lfd[v6], to_slot = 0, fd, i;
	struct sockaddr_storage ss = t->laddr[v6];
	socklen_t sl = t->laddr_len[v6];
	struct slot *s = &t->slot[a];

	/* Often a listener slot of the same family: its children inherit. */
	for (i = 0; i < NSLOTS && pct(r, 40); i++, li = (li + 1) % NSLOTS) {
		if (t->slot[li].kind != K_LISTEN || !t->slot[li].listening ||
		    t->slot[li].family != family)
			continue;
		sl = sizeof(ss);
		if (!getsockname(t->slot[li].fd, (struct sockaddr *)&ss, &sl)) {
			lfd = t->slot[li].fd;
			to_slot = 1;
			break;
		}
		sl = t->laddr_len[v6];
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	count_op(t, OP_NEW, fd);
	if (fd < 0)
		return;
	check_fresh(t, fd);
	slot_fill(s, fd, K_TCP, family);
	if (pct(r, 50))
		early_opts(t, r, s, a);
	if (!v6 && pct(r, 30)) {
		struct sockaddr_in src = { .sin_family = AF_INET };

		src.sin_addr.s_addr = htonl(0x7f000001 + rnd(r, 200));
		count_op(t, OP_NEW, bind(fd, (struct sockaddr *)&src, sizeof(src)));
	}
	if (pct(r, 10)) {
		int one = 1;

		setsockopt(fd, SOL_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one));
	}
	do_connect(t, r, s, &ss, sl);
	if (to_slot && pct(r, 50))
		return;		/* the child waits in the listener's queue */
	if (b == a)
		return;
	slot_close(t, &t->slot[b]);
	if (wait_readable(lfd, 100))
		accept_into(t, lfd, b, family, 0);
}

/* A listener, maybe a template (options before or after listen()). */
static void op_listener(struct thread *t, struct rng *r)
{
	int v6 = (int)rnd(r, 2), family = v6 ? AF_INET6 : AF_INET, si = free_slot(t, r);
	struct slot *s = &t->slot[si];
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, rc;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	count_op(t, OP_LISTEN, fd);
	if (fd < 0)
		return;
	check_fresh(t, fd);
	slot_fill(s, fd, K_LISTEN, family);
	if (pct(r, 60))
		early_opts(t, r, s, si);
	make_addr(v6, v6 ? "::1" : "127.0.0.1", 0, &ss, &sl);
	if (pct(r, 30)) {
		int q = 16;

		setsockopt(fd, SOL_TCP, TCP_FASTOPEN, &q, sizeof(q));
	}
	rc = bind(fd, (struct sockaddr *)&ss, sl);
	if (!rc)
		rc = listen(fd, 1 + (int)rnd(r, 16));
	count_op(t, OP_LISTEN, rc);
	if (!rc) {
		s->listening = 1;
		s->listened = 1;
	}
	if (pct(r, 50))
		early_opts(t, r, s, si);
}

/* listen() on whatever a slot holds (a connected socket refuses). */
static void op_listen_slot(struct thread *t, struct rng *r)
{
	struct slot *s = &t->slot[pick_slot(t, r)];
	int rc = listen(s->fd, 4);

	count_op(t, OP_LISTEN, rc);
	if (!rc && (s->kind == K_TCP || s->kind == K_UNCONN || s->kind == K_ACCEPTED ||
		    s->kind == K_REMOTE || s->kind == K_LISTEN)) {
		s->listening = 1;
		s->listened = 1;
	}
}

static void op_remote(struct thread *t, struct rng *r)
{
	int ti = (int)rnd(r, MAX_TARGETS), si = free_slot(t, r), fd;
	struct slot *s = &t->slot[si];
	int family;

	if (!g.ntargets)
		return;
	ti %= g.ntargets;
	family = g.target[ti].ss_family;
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	count_op(t, OP_REMOTE, fd);
	if (fd < 0)
		return;
	check_fresh(t, fd);
	slot_fill(s, fd, K_REMOTE, family);
	if (pct(r, 50))
		early_opts(t, r, s, si);
	do_connect(t, r, s, &g.target[ti], g.target_len[ti]);
}

/* A socket of another kind. */
static void op_new(struct thread *t, struct rng *r)
{
	int k = (int)rnd(r, 7), si = free_slot(t, r), fd = -1, kind = K_UNCONN;
	int family = AF_INET, v6 = (int)rnd(r, 2);
	struct slot *s = &t->slot[si];

	switch (k) {
	case 0: case 1:
		family = v6 ? AF_INET6 : AF_INET;
		fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
		break;
	case 2: case 3:
		family = v6 ? AF_INET6 : AF_INET;
		fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		kind = K_UDP;
		break;
	case 4:
		family = AF_UNIX;
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		kind = K_UNIX;
		break;
	default:
		/* MPTCP: with a plain TCP peer it falls back to TCP. */
		family = v6 ? AF_INET6 : AF_INET;
		if (g.mptcp)
			fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    IPPROTO_MPTCP);
		kind = K_MPTCP;
	}
	count_op(t, OP_NEW, fd);
	if (fd < 0)
		return;
	slot_fill(s, fd, kind, family);
	if (kind == K_MPTCP && pct(r, 70)) {
		do_connect(t, r, s, &t->laddr[v6], t->laddr_len[v6]);
		if (wait_readable(t->lfd[v6], 100))
			accept_into(t, t->lfd[v6], (si + 1) % NSLOTS, family, 0);
	}
}

/* Accept from the serve listener, our own, or a listener slot. */
static void op_accept(struct thread *t, struct rng *r)
{
	int k = (int)rnd(r, 3), li = (int)rnd(r, NSLOTS), si = (int)rnd(r, NSLOTS);
	int v6 = (int)rnd(r, 2);

	if (si == li)
		return;
	switch (k) {
	case 0:
		if (g.serve_fd >= 0)
			accept_into(t, g.serve_fd, si, AF_INET6, t->uid != 0);
		break;
	case 1:
		accept_into(t, t->lfd[v6], si, v6 ? AF_INET6 : AF_INET, 0);
		break;
	default:
		if (t->slot[li].kind == K_LISTEN)
			accept_into(t, t->slot[li].fd, si, t->slot[li].family, 0);
	}
}

/* connect() again on a slot: after a disconnect, a new connection. */
static void op_reconnect(struct thread *t, struct rng *r)
{
	int si = pick_slot(t, r), v6;
	struct slot *s = &t->slot[si];

	v6 = s->family == AF_INET6;
	if (s->fd < 0 || s->kind == K_UNIX)
		return;
	do_connect(t, r, s, &t->laddr[v6], t->laddr_len[v6]);
}

static void op_io(struct thread *t, struct rng *r)
{
	static const size_t sizes[] = { 1, 100, 1460, 4000, 10000, 65536 };
	struct slot *s = &t->slot[pick_slot(t, r)];
	size_t n = sizes[rnd(r, 6)];
	int k = (int)rnd(r, 10), rc = 0, i;

	switch (k) {
	case 0: case 1: case 2: case 3:
		rc = (int)send(s->fd, t->io, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case 4:
		rc = (int)send(s->fd, t->io, 1, MSG_DONTWAIT | MSG_NOSIGNAL | MSG_OOB);
		break;
	case 5: case 6: case 7:
		rc = (int)recv(s->fd, t->io, n, MSG_DONTWAIT);
		break;
	case 8:		/* drain */
		for (i = 0; i < 16; i++) {
			rc = (int)recv(s->fd, t->io, IOBUF, MSG_DONTWAIT);
			if (rc <= 0)
				break;
		}
		break;
	default:
		rc = (int)recv(s->fd, t->io, n, MSG_DONTWAIT | MSG_PEEK);
	}
	count_op(t, OP_IO, rc);
}

static void op_shutdown(struct thread *t, struct rng *r)
{
	struct slot *s = &t->slot[pick_slot(t, r)];
	int how = (int)rnd(r, 3), rc = shutdown(s->fd, how);

	count_op(t, OP_SHUT, rc);
	/* A listener shut down for reading is disconnected: no longer a template. */
	if (!rc && how != SHUT_WR)
		slot_unlisten(s);
}

static void op_close(struct thread *t, struct rng *r)
{
	struct slot *s = &t->slot[pick_slot(t, r)];
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	int k = (int)rnd(r, 4), rc;

	switch (k) {
	case 0:
		slot_close(t, s);
		break;
	case 1:		/* reset */
		count_op(t, OP_CLOSE, setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
		slot_close(t, s);
		break;
	case 2:		/* disconnect: the socket stays, with its mode and ID */
		rc = connect(s->fd, &sa, sizeof(sa));
		count_op(t, OP_CLOSE, rc);
		if (!rc)
			slot_unlisten(s);
		break;
	default:
		count_op(t, OP_CLOSE, shutdown(s->fd, SHUT_WR));
		slot_close(t, s);
	}
}

/* TCP knobs that change what the connection does (and records). */
static void op_knob(struct thread *t, struct rng *r)
{
	struct slot *s = &t->slot[pick_slot(t, r)];
	int k = (int)rnd(r, 9), v = (int)rnd(r, 3), rc;
	static const char *const cc[] = { "reno", "cubic", "nope" };

	switch (k) {
	case 0:
		v = (int[]){ 1, 2048, 4096 }[v];
		rc = setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
		break;
	case 1:
		v = (int[]){ 1, 2048, 4096 }[v];
		rc = setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
		break;
	case 2:
		rc = setsockopt(s->fd, SOL_TCP, TCP_NODELAY, &v, sizeof(v));
		break;
	case 3:
		rc = setsockopt(s->fd, SOL_TCP, TCP_CORK, &v, sizeof(v));
		break;
	case 4:
		v = 1;
		rc = setsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
		if (!rc)
			rc = setsockopt(s->fd, SOL_TCP, TCP_KEEPIDLE, &v, sizeof(v));
		if (!rc)
			rc = setsockopt(s->fd, SOL_TCP, TCP_KEEPINTVL, &v, sizeof(v));
		break;
	case 5:
		rc = setsockopt(s->fd, SOL_TCP, TCP_CONGESTION, cc[v], strlen(cc[v]));
		break;
	case 6:
		v = (int[]){ 88, 536, 1000 }[v];
		rc = setsockopt(s->fd, SOL_TCP, TCP_MAXSEG, &v, sizeof(v));
		break;
	case 7:
		v = (int[]){ 0, 200, 1000 }[v];
		rc = setsockopt(s->fd, SOL_TCP, TCP_USER_TIMEOUT, &v, sizeof(v));
		break;
	default:
		v = (int[]){ 0, 1, 2 }[v];
		rc = setsockopt(s->fd, SOL_TCP, TCP_QUICKACK, &v, sizeof(v));
	}
	count_op(t, OP_KNOB, rc);
}

/* The device: open, a few reads of odd sizes and places, close. */
static void op_dev(struct thread *t, struct rng *r)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 271, 272, 4096, 65536 };
	int rw = pct(r, 10), n = 1 + (int)rnd(r, 4), i, fd;
	int p[4];
	size_t len[4];

	for (i = 0; i < 4; i++) {
		p[i] = gen_ptr(r);
		len[i] = sizes[rnd(r, 9)];
	}
	if (!g.device)
		return;
	fd = open(BBLOG_DEVICE, (rw ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	count_op(t, OP_DEV, fd);
	if (fd >= 0 && rw) {
		close(fd);
		fail(t, NULL, "%s opened for writing", BBLOG_DEVICE);
		return;
	}
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT && g.maygo)
			return;
		if (g.unloaded ? e != ENOENT : !(e == EACCES || (e == EPERM && (rw || !t->priv))))
			fail(t, NULL, "open %s (%s, uid %u): unexpected errno %s", BBLOG_DEVICE,
			     rw ? "read-write" : "read-only", (unsigned int)t->uid, en(e));
		else if (!rw && t->priv && !g.unloaded)
			fail(t, NULL, "open %s as root: %s", BBLOG_DEVICE, en(e));
		return;
	}
	for (i = 0; i < n; i++) {
		void *b = ptr_of(p[i], t->io);
		ssize_t got = read(fd, b, len[i]);
		int e = got < 0 ? errno : 0;

		count_op(t, OP_DEV, (int)got);
		if (got < 0 && e != EAGAIN && !(e == EFAULT && p[i] != P_OK))
			fail(t, NULL, "read %zu bytes from %s into %s: unexpected errno %s",
			     len[i], BBLOG_DEVICE, ptr_names[p[i]], en(e));
		if (got > (ssize_t)len[i])
			fail(t, NULL, "read %zu bytes from %s returned %zd", len[i],
			     BBLOG_DEVICE, got);
	}
	close(fd);
}

/* ---------------------------------------------------------------- sysctls */

struct knob {
	const char *name;
	const char *const *vals;	/* valid values first, then invalid ones */
	int nvalid, nvals;
	int writable;
	char saved[256];
	int touched;
};

#define V(...) (const char *const[]){ __VA_ARGS__ }
#define KNOB(n, valid, invalid, ...) { n, V(__VA_ARGS__), valid, (valid) + (invalid), 0, "", 0 }

static struct knob knobs[] = {
	KNOB("auto_ratio", 5, 3, "0", "1", "2", "3", "7", "x", "-1", "4294967296"),
	KNOB("auto_mode", 6, 3, "0", "1", "2", "3", "4", "5", "6", "-1", "tail"),
	KNOB("auto_all", 2, 2, "0", "1", "2", "-1"),
	KNOB("session_limit", 6, 3, "1", "2", "16", "64", "1000", "100000", "0", "100001",
	     "-5"),
	KNOB("closed_retention_ms", 4, 2, "0", "10", "500", "2000", "3600001", "z"),
	KNOB("triggers", 6, 3, "", "none", "rst-sent", "rst-recv,rto", "retrans=3 id",
	     "sk-error syn-retrans", "bogus", "retrans=0", "rst-sent,x"),
	KNOB("trigger_rate", 3, 1, "0", "1", "100", "-1"),
	KNOB("disable_all", 2, 2, "0", "1", "2", "-1"),
	KNOB("global_limit", 4, 2, "64", "1000", "20000", "262144", "0", "y"),
	KNOB("export_limit", 3, 1, "16", "1000", "131072", "q"),
};
#define NKNOBS ((int)(sizeof(knobs) / sizeof(knobs[0])))

static struct knob *knob_by_name(const char *name)
{
	int i;

	for (i = 0; i < NKNOBS; i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

static void sysctls_probe(void)
{
	char v[256];
	int i;

	for (i = 0; i < NKNOBS; i++) {
		struct knob *k = &knobs[i];

		if (sysctl_read(k->name, k->saved, sizeof(k->saved)) < 0)
			continue;
		/* Writing the value it has back tells whether we may. */
		snprintf(v, sizeof(v), "%s", k->saved);
		k->writable = sysctl_write(k->name, v) == 0;
	}
}

static void sysctls_restore(void)
{
	int i;

	for (i = 0; i < NKNOBS; i++) {
		struct knob *k = &knobs[i];

		if (k->touched && sysctl_write(k->name, k->saved) < 0)
			warnx("restore net.tcp_bblog.%s=%s: %m", k->name, k->saved);
		k->touched = 0;
	}
}

static void op_sysctl(struct thread *t, struct rng *r)
{
	struct knob *k = &knobs[rnd(r, NKNOBS)];
	int vi = (int)rnd(r, 16), rc, e;
	static int disabled;
	const char *v;

	if (!g.sysctls || t->idx != 0 || !t->priv || !k->writable)
		return;
	if (vi >= k->nvals)
		vi %= k->nvalid;
	/* disable_all=1 lasts until the next sysctl operation. */
	if (disabled) {
		k = knob_by_name("disable_all");
		vi = 0;
	} else if (!strcmp(k->name, "disable_all") && vi == 1 && pct(r, 50)) {
		vi = 0;
	}
	v = k->vals[vi];
	disabled = !strcmp(k->name, "disable_all") && vi == 1;
	rc = sysctl_write(k->name, v);
	e = rc < 0 ? errno : 0;
	k->touched = 1;
	t->st.sysctl_writes++;
	count_op(t, OP_SYSCTL, rc);
	if (rc < 0 && e == ENOENT && g.maygo) {
		disabled = 0;
	} else if (vi < k->nvalid && rc < 0) {
		fail(t, NULL, "net.tcp_bblog.%s=%s refused: %s", k->name, v, en(e));
	} else if (vi >= k->nvalid && rc == 0) {
		fail(t, NULL, "net.tcp_bblog.%s=%s accepted, it is out of range", k->name, v);
	} else if (rc < 0) {
		t->st.sysctl_refused++;
		if (e != EINVAL)
			fail(t, NULL, "net.tcp_bblog.%s=%s: errno %s, want EINVAL", k->name, v,
			     en(e));
	}
	if (g.trace)
		printf("T%d #%llu sysctl %s=%s = %s\n", t->idx, (unsigned long long)t->iter,
		       k->name, v, en(e));
}

/* ---------------------------------------------------------------- threads */

static int pick_op(struct rng *r)
{
	unsigned int x = rnd(r, 1000), acc = 0;
	int i;

	for (i = 0; i < OP_NR; i++) {
		acc += op_weight[i];
		if (x < acc)
			return i;
	}
	return OP_SET;
}

static void dispatch(struct thread *t, int op, struct rng *r)
{
	switch (op) {
	case OP_PAIR: op_pair(t, r); break;
	case OP_LISTEN:
		if (pct(r, 80))
			op_listener(t, r);
		else
			op_listen_slot(t, r);
		break;
	case OP_REMOTE: op_remote(t, r); break;
	case OP_NEW: op_new(t, r); break;
	case OP_ACCEPT: op_accept(t, r); break;
	case OP_SET: op_setget(t, r, DIR_SET); break;
	case OP_GET: op_setget(t, r, DIR_GET); break;
	case OP_IO: op_io(t, r); break;
	case OP_SHUT: op_shutdown(t, r); break;
	case OP_CLOSE: op_close(t, r); break;
	case OP_KNOB: op_knob(t, r); break;
	case OP_RANDFD: op_randfd(t, r); break;
	case OP_DEV: op_dev(t, r); break;
	case OP_SYSCTL: op_sysctl(t, r); break;
	case OP_RECONNECT: op_reconnect(t, r); break;
	}
}

static int thread_setup(struct thread *t)
{
	uint8_t *m;
	int i;

	if (g.users && t->uid) {
		/* The raw system calls: this thread only. */
		if (syscall(SYS_setresgid, t->uid, t->uid, t->uid) < 0 ||
		    syscall(SYS_setresuid, t->uid, t->uid, t->uid) < 0) {
			warnx("thread %d: setresuid %u: %m", t->idx, (unsigned int)t->uid);
			return -1;
		}
		t->priv = 0;
	}
	for (i = 0; i < NSLOTS; i++)
		slot_reset(&t->slot[i]);
	for (i = 0; i < 2; i++) {
		t->lfd[i] = listener_on(i ? AF_INET6 : AF_INET, 0, 0, 64, &t->laddr[i],
					&t->laddr_len[i]);
		if (t->lfd[i] < 0) {
			warnx("thread %d: loopback listener (IPv%d): %m", t->idx, i ? 6 : 4);
			return -1;
		}
	}
	m = mmap(NULL, (size_t)(BIG_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + (size_t)BIG_PAGES * PAGE, PAGE, PROT_NONE) < 0) {
		warnx("thread %d: mmap: %m", t->idx);
		return -1;
	}
	t->big = m;
	t->io = malloc(IOBUF);
	if (!t->io)
		return -1;
	memset(t->io, 'f', IOBUF);
	return 0;
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	int i;

	if (thread_setup(t) < 0) {
		fail(t, NULL, "thread setup failed");
		return NULL;
	}
	while (!g.stop) {
		struct rng sub;
		int op;

		if (g.iterations && t->iter >= g.iterations)
			break;
		if (g.seconds && elapsed() >= g.seconds)
			break;
		/* Two draws per iteration, whatever happens next. */
		op = pick_op(&t->rng);
		rng_seed(&sub, rng_next(&t->rng));
		hash_u64(t, (uint64_t)op);
		if (g.trace && op != OP_SET && op != OP_GET && op != OP_RANDFD)
			printf("T%d #%llu %s\n", t->idx, (unsigned long long)t->iter,
			       op_names[op]);
		dispatch(t, op, &sub);
		t->iter++;
	}
	for (i = 0; i < NSLOTS; i++)
		slot_close(t, &t->slot[i]);
	close(t->lfd[0]);
	close(t->lfd[1]);
	return NULL;
}

/* ---------------------------------------------------------------- summary */

static void print_errs(const uint64_t *e)
{
	int i;

	for (i = 0; i < NERR; i++)
		if (e[i])
			printf(" %s=%llu", en(i), (unsigned long long)e[i]);
}

static void summary(double secs)
{
	static struct stats tot;
	uint64_t iters = 0, calls = 0, all[NERR] = { 0 };
	unsigned int i;
	int d, o, e, op;

	for (i = 0; i < g.nthreads; i++) {
		struct thread *t = &g.th[i];

		printf("thread %u uid=%u iterations=%llu hash=%016llx\n", i, (unsigned int)t->uid,
		       (unsigned long long)t->iter, (unsigned long long)t->hash);
		iters += t->iter;
		for (d = 0; d < 2; d++)
			for (o = 0; o < OPT_NR; o++) {
				tot.calls[d][o] += t->st.calls[d][o];
				for (e = 0; e < NERR; e++)
					tot.errs[d][o][e] += t->st.errs[d][o][e];
			}
		for (op = 0; op < OP_NR; op++) {
			tot.ops[op] += t->st.ops[op];
			for (e = 0; e < NERR; e++)
				tot.op_errs[op][e] += t->st.op_errs[op][e];
		}
		tot.records += t->st.records;
		tot.sysctl_writes += t->st.sysctl_writes;
		tot.sysctl_refused += t->st.sysctl_refused;
	}
	for (d = 0; d < 2; d++)
		for (o = 0; o < OPT_NR; o++) {
			if (!tot.calls[d][o])
				continue;
			calls += tot.calls[d][o];
			printf("%s %s calls=%llu", d ? "get" : "set", opts[o].name,
			       (unsigned long long)tot.calls[d][o]);
			print_errs(tot.errs[d][o]);
			printf("\n");
			for (e = 0; e < NERR; e++)
				all[e] += tot.errs[d][o][e];
		}
	for (op = 0; op < OP_NR; op++) {
		if (!tot.ops[op])
			continue;
		printf("op %s calls=%llu", op_names[op], (unsigned long long)tot.ops[op]);
		print_errs(tot.op_errs[op]);
		printf("\n");
	}
	printf("errnos of the option calls:");
	print_errs(all);
	printf("\n");
	printf("records read with BBLOG_SO_BUF: %llu; sysctl writes %llu (%llu refused as "
	       "they should be)\n", (unsigned long long)tot.records,
	       (unsigned long long)tot.sysctl_writes, (unsigned long long)tot.sysctl_refused);
	printf("done seed=%llu threads=%u iterations=%llu calls=%llu seconds=%.1f "
	       "calls_per_s=%.0f buf_records=%llu failed=%d\n", (unsigned long long)g.seed,
	       g.nthreads, (unsigned long long)iters, (unsigned long long)calls, secs,
	       secs > 0 ? (double)calls / secs : 0.0, (unsigned long long)tot.records,
	       g.failed ? 1 : 0);
}

/* ------------------------------------------------------------ scenarios */

/*
 * --scenario: what the fuzzer found, as a fixed sequence.
 *
 * A connection reset by its peer is in CLOSE with its ports still set.  A
 * mode set on it then must not file it under that 4-tuple: a later
 * connection on the same ports (here on the same local port, to the same
 * listener) would be recorded into it.  And when the socket connects again
 * it takes the new 4-tuple; filed twice, the table's chains were corrupted
 * (both CPUs then spun in the table; seed 5454 of 54-sockopt-fuzz).
 */
static int scenario_reset_rekey(void)
{
	struct sockaddr_storage ls, bs;
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t ll, bl;
	int lfd, cfd, afd, dfd, efd, one = 1, i, fails = 0, segs = 0, n;
	struct bblog_record *recs = malloc(256 * sizeof(*recs));
	unsigned int port;
	char b[1000];
	socklen_t l;

	if (!recs)
		die("out of memory");
	memset(b, 'r', sizeof(b));
	lfd = listener_on(AF_INET, 0, 0, 16, &ls, &ll);
	if (lfd < 0)
		die("listener: %m");
	fcntl(lfd, F_SETFL, 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&ls, ll) < 0)
		die("connect: %m");
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		die("accept: %m");
	port = sock_lport(cfd);
	/* The peer resets it: CLOSE, its ports kept. */
	setsockopt(afd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(afd);
	if (recv(cfd, b, 1, 0) >= 0 || errno != ECONNRESET)
		die("the reset connection reads: %m");
	if (set_int_opt(cfd, BBLOG_SO_MODE, BBLOG_MODE_TAIL) < 0)
		die("BBLOG_SO_MODE on the reset connection: %m");

	/* A new connection on the same 4-tuple. */
	dfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(dfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	make_addr(0, "127.0.0.1", port, &bs, &bl);
	if (bind(dfd, (struct sockaddr *)&bs, bl) < 0 ||
	    connect(dfd, (struct sockaddr *)&ls, ll) < 0) {
		printf("# note: no second connection on port %u: %s\n", port, en(errno));
	} else {
		efd = accept(lfd, NULL, NULL);
		if (efd < 0)
			die("accept: %m");
		for (i = 0; i < 3; i++) {
			if (write(efd, b, sizeof(b)) != (ssize_t)sizeof(b) ||
			    read(dfd, b, sizeof(b)) <= 0)
				die("second connection: %m");
		}
		l = 256 * sizeof(*recs);
		if (getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, recs, &l) < 0)
			die("BBLOG_SO_BUF: %m");
		n = (int)(l / sizeof(*recs));
		for (i = 0; i < n; i++)
			if (recs[i].event == BBLOG_EV_IN || recs[i].event == BBLOG_EV_OUT)
				segs++;
		if (segs) {
			printf("not ok - a connection reset before its mode was set recorded %d "
			       "segments of a later connection on its 4-tuple\n", segs);
			fails++;
		} else {
			printf("ok - a reset connection given a mode records no segments of a "
			       "later connection on its 4-tuple (%d records)\n", n);
		}
		close(efd);
	}
	close(dfd);

	/* It connects again: a new 4-tuple, recorded. */
	if (connect(cfd, &sa, sizeof(sa)) < 0)
		die("disconnect: %m");
	if (connect(cfd, (struct sockaddr *)&ls, ll) < 0)
		die("connect again: %m");
	afd = accept(lfd, NULL, NULL);
	if (afd < 0 || write(afd, b, sizeof(b)) != (ssize_t)sizeof(b) ||
	    read(cfd, b, sizeof(b)) <= 0)
		die("the second connection of the socket: %m");
	l = 256 * sizeof(*recs);
	if (getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, recs, &l) < 0)
		die("BBLOG_SO_BUF: %m");
	n = (int)(l / sizeof(*recs));
	for (i = 0, segs = 0; i < n; i++)
		if (recs[i].event == BBLOG_EV_IN && recs[i].payload_len)
			segs++;
	if (!segs) {
		printf("not ok - the socket connected again records its new connection's "
		       "data (%d records, none with data in)\n", n);
		fails++;
	} else {
		printf("ok - the socket connected again records its new connection\n");
	}
	close(afd);
	close(cfd);
	close(lfd);

	/* Connections come and go through the table (it loops if corrupted). */
	for (i = 0; i < 200; i++) {
		loop_pair(i & 1 ? AF_INET6 : AF_INET, BBLOG_MODE_TAIL, NULL, &cfd, &afd);
		loop_xfer(cfd, afd, 2000);
		close(cfd);
		close(afd);
	}
	printf("ok - 200 logged connections after it\n");
	free(recs);
	return fails;
}

/* ------------------------------------------------------------------ main */

static void add_target(const char *addr, const char *port)
{
	int v6 = strchr(addr, ':') != NULL;

	if (g.ntargets >= MAX_TARGETS)
		die("at most %d targets", MAX_TARGETS);
	if (make_addr(v6, addr, (unsigned int)parse_u64(port, "-p"), &g.target[g.ntargets],
		      &g.target_len[g.ntargets]) < 0)
		die("bad address '%s'", addr);
	g.ntargets++;
}

static int knob_int(const char *name)
{
	struct knob *k = knob_by_name(name);

	return k && k->saved[0] ? atoi(k->saved) : -1;
}

int cmd_sofuzz(int argc, char **argv)
{
	enum { O_SEED = 256, O_SECONDS, O_THREADS, O_USERS, O_SYSCTLS, O_TRACE, O_ITERS,
	       O_UNLOADED, O_DEVICE, O_LISTEN, O_SCENARIO, O_MAYGO };
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, O_SEED },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "iterations", required_argument, NULL, O_ITERS },
		{ "users", no_argument, NULL, O_USERS },
		{ "sysctls", no_argument, NULL, O_SYSCTLS },
		{ "trace", no_argument, NULL, O_TRACE },
		{ "unloaded", no_argument, NULL, O_UNLOADED },
		{ "device", no_argument, NULL, O_DEVICE },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "scenario", no_argument, NULL, O_SCENARIO },
		{ "module-may-go", no_argument, NULL, O_MAYGO },
		{ NULL, 0, NULL, 0 },
	};
	const char *addr = NULL;
	int c, seconds_given = 0, fd, scenario = 0;
	unsigned int i;
	char v[64];
	double secs;

	g.seed = 1;
	g.seconds = 10;
	g.nthreads = 4;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:p:", lo, NULL)) != -1) {
		switch (c) {
		case O_SEED: g.seed = parse_u64(optarg, "--seed"); break;
		case O_SECONDS:
			g.seconds = (unsigned int)parse_u64(optarg, "--seconds");
			seconds_given = 1;
			break;
		case O_THREADS: g.nthreads = (unsigned int)parse_u64(optarg, "--threads"); break;
		case O_ITERS: g.iterations = parse_u64(optarg, "--iterations"); break;
		case O_USERS: g.users = 1; break;
		case O_SYSCTLS: g.sysctls = 1; break;
		case O_TRACE: g.trace = 1; break;
		case O_UNLOADED: g.unloaded = 1; break;
		case O_DEVICE: g.device = 1; break;
		case O_LISTEN: g.listen_port = (int)parse_u64(optarg, "--listen"); break;
		case O_SCENARIO: scenario = 1; break;
		case O_MAYGO: g.maygo = 1; break;
		case 'a': addr = optarg; break;
		case 'p':
			if (!addr)
				die("-p PORT follows -a ADDR");
			add_target(addr, optarg);
			addr = NULL;
			break;
		default:
			die("usage: bbtest sofuzz [--seed N] [--seconds S] [--threads T] "
			    "[--iterations N] [--users] [--sysctls] [--device] [--listen PORT] "
			    "[-a ADDR -p PORT]... [--unloaded] [--module-may-go] [--trace] | "
			    "--scenario");
		}
	}
	if (addr)
		die("-a %s without -p PORT", addr);
	if (!g.nthreads || g.nthreads > MAX_THREADS)
		die("--threads: 1 to %d", MAX_THREADS);
	if (g.iterations && !seconds_given)
		g.seconds = 0;
	if (g.users && geteuid() != 0)
		die("--users needs root");
	/* A hung call must not hang the VM. */
	set_timeout(g.seconds ? g.seconds * 3 + 120 : 3600);
	signal(SIGPIPE, SIG_IGN);
	loop_up();
	if (scenario)
		return scenario_reset_rekey() ? 1 : 0;

	g.fault = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.fault == MAP_FAILED)
		die("mmap: %m");
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	g.mptcp = fd >= 0;
	if (fd >= 0)
		close(fd);
	if (g.listen_port) {
		struct sockaddr_storage ss;
		socklen_t sl;

		g.serve_fd = listener_on(AF_INET6, 1, (unsigned int)g.listen_port, 128, &ss, &sl);
		if (g.serve_fd < 0)
			die("listen on port %d: %m", g.listen_port);
	}

	if (!g.unloaded) {
		sysctls_probe();
		g.unpriv0 = 1;
		if (sysctl_read("unprivileged", v, sizeof(v)) == 0)
			g.unpriv0 = atoi(v) == BBLOG_UNPRIV_NONE;
		g.disable_maybe = knob_int("disable_all") != 0 ||
				  (g.sysctls && knob_by_name("disable_all")->writable);
		g.auto_maybe = knob_int("auto_ratio") != 0 ||
			       (g.sysctls && knob_by_name("auto_ratio")->writable);
		if (!g.sysctls)
			for (c = 0; c < NKNOBS; c++)
				knobs[c].writable = 0;
	}
	printf("sofuzz seed=%llu threads=%u seconds=%u iterations=%llu users=%d sysctls=%d "
	       "device=%d targets=%d listen=%d mptcp=%d unloaded=%d module_may_go=%d\n",
	       (unsigned long long)g.seed, g.nthreads, g.seconds,
	       (unsigned long long)g.iterations, g.users, g.sysctls, g.device, g.ntargets,
	       g.listen_port, g.mptcp, g.unloaded, g.maygo);

	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	for (i = 0; i < g.nthreads; i++) {
		struct thread *t = &g.th[i];
		uint64_t x = g.seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));

		t->idx = (int)i;
		t->uid = g.users ? users[i % 4] : geteuid();
		t->priv = geteuid() == 0;
		rng_seed(&t->rng, splitmix64(&x));
		t->hash = 0xcbf29ce484222325ULL;
		if (pthread_create(&t->tid, NULL, thread_main, t))
			die("pthread_create: %m");
	}
	for (i = 0; i < g.nthreads; i++)
		pthread_join(g.th[i].tid, NULL);
	secs = elapsed();
	if (g.serve_fd >= 0)
		close(g.serve_fd);
	sysctls_restore();
	summary(secs);
	return g.failed ? 1 : 0;
}
