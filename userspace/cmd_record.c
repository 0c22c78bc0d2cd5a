// SPDX-License-Identifier: GPL-2.0
/*
 * bblog record: read the tcp_bblog message stream and write one pcapng file
 * per connection, plus one JSON line per finished file in <dir>/records.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "pcapng.h"
#include "stream.h"
#include "util.h"

#define DEFAULT_DIR	"/var/log/bblog"
#define DEFAULT_LIMIT	(64ull << 20)
#define DEFAULT_IDLE	300
#define NAME_TRIES	100000

struct conn {
	struct conn *next;
	uint64_t cookie;
	uint32_t netns;
	uint32_t last_seq;
	struct bblog_dump dump;		/* latest dump header */
	int open;			/* a file is being written */
	struct bblog_pcapng w;
	int have_sn;			/* serial continuity across files */
	uint32_t last_sn;
	char name[200];
	char tmp[NAME_MAX + 1];
	unsigned frag;			/* the N of the file name */
	time_t dumptime;
	int ended;
	double active;			/* monotonic time of the last dump */
};

struct rec_opts {
	const char *dir;
	const char *input;
	const char *reason;
	const char *pidfile;
	const char *user;
	int daemonize;
	int xz;
	uint64_t limit;
	unsigned idle;
	size_t readsize;
};

static volatile sig_atomic_t got_stop, got_hup;
static int dirfd_out = -1;
static FILE *index_f;
static struct conn *conns;
static struct rec_opts opt;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void open_index(void)
{
	int fd;

	if (index_f)
		fclose(index_f);
	index_f = NULL;
	fd = openat(dirfd_out, "records",
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || !(index_f = fdopen(fd, "a"))) {
		warnx("%s/records: %s", opt.dir, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static uint16_t port_of(const uint16_t *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (uint16_t)((b[0] << 8) | b[1]);
}

static void write_index(struct conn *c)
{
	const struct bblog_dump *d = &c->w.first;
	char la[64], fa[64], date[64];
	struct tm tm;
	time_t t = c->dumptime;
	FILE *f = index_f;
	uint64_t dur = c->w.records ? c->w.last_us - c->w.first_us : 0;

	if (!f)
		return;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S +0000", &tm);
	fprintf(f, "{\"date\":\"%s\",\"id\":", date);
	json_str(f, d->id[0] ? d->id : "UNKNOWN", BBLOG_ID_LEN - 1);
	fputs(",\"reason\":", f);
	json_str(f, c->dump.reason, BBLOG_REASON_LEN - 1);
	fputs(",\"tag\":", f);
	json_str(f, c->dump.tag, BBLOG_TAG_LEN - 1);
	fprintf(f, ",\"laddr\":\"%s\",\"lport\":%u,\"faddr\":\"%s\",\"fport\":%u",
		bblog_addr_str(d, 0, la, sizeof(la)), port_of(&d->lport),
		bblog_addr_str(d, 1, fa, sizeof(fa)), port_of(&d->fport));
	fputs(",\"filename\":", f);
	json_str(f, c->name, sizeof(c->name));
	fprintf(f, ",\"record_count\":%llu,\"packet_count\":%llu"
		",\"duration\":%llu.%06llu,\"connection_ended\":%s,\"auto\":%s"
		",\"listener\":%s"
		",\"lost_records\":%llu,\"lost_nomem\":%llu,\"lost_limit\":%llu"
		",\"overwritten\":%llu,\"lost_export\":%llu"
		",\"cookie\":%llu,\"netns\":%u,\"stack\":\"%s\""
		",\"compressor\":\"%s\",\"frag_seq\":%u}\n",
		(unsigned long long)c->w.records,
		(unsigned long long)c->w.packets,
		(unsigned long long)(dur / 1000000u),
		(unsigned long long)(dur % 1000000u),
		c->ended || c->w.connend ? "true" : "false",
		c->dump.flags & BBLOG_DF_AUTO ? "true" : "false",
		c->dump.flags & BBLOG_DF_LISTENER ? "true" : "false",
		(unsigned long long)c->w.lost,
		(unsigned long long)c->dump.lost_nomem,
		(unsigned long long)c->dump.lost_limit,
		(unsigned long long)c->dump.overwritten,
		(unsigned long long)c->dump.lost_export,
		(unsigned long long)c->cookie, c->netns, BBLOG_PCAP_STACK_NAME,
		opt.xz ? "xz" : "", c->frag);
	fflush(f);
}

/* Close, rename and index the open file of c. */
static void finish_file(struct conn *c)
{
	int failed;

	if (!c->open)
		return;
	c->open = 0;
	c->have_sn = c->w.have_sn;
	c->last_sn = c->w.last_sn;
	failed = bblog_pcapng_close(&c->w) < 0;
	if (failed) {
		warnx("%s: write failed: %s", c->name, strerror(errno));
		unlinkat(dirfd_out, c->tmp, 0);
		return;
	}
	if (renameat(dirfd_out, c->tmp, dirfd_out, c->name) < 0) {
		warnx("rename %s to %s: %s", c->tmp, c->name, strerror(errno));
		unlinkat(dirfd_out, c->tmp, 0);
		return;
	}
	write_index(c);
}

static int open_file(struct conn *c, const struct bblog_dump *d)
{
	char id[BBLOG_ID_LEN], fa[64];
	struct bblog_out *out;
	unsigned n;
	int fd = -1;

	sanitize_id(id, sizeof(id), d->id, BBLOG_ID_LEN - 1);
	bblog_addr_str(d, 1, fa, sizeof(fa));
	for (n = 0; n < NAME_TRIES; n++) {
		snprintf(c->name, sizeof(c->name), "%s_%u_%s_%u.%u.pcapng%s", id,
			 port_of(&d->lport), fa, port_of(&d->fport), n,
			 opt.xz ? ".xz" : "");
		snprintf(c->tmp, sizeof(c->tmp), ".%s.tmp", c->name);
		if (faccessat(dirfd_out, c->name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		fd = openat(dirfd_out, c->tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		warnx("%s/%s: %s", opt.dir, c->tmp,
		      n == NAME_TRIES ? "no free file number" : strerror(errno));
		return -1;
	}
	out = opt.xz ? bblog_out_xz(fd) : bblog_out_fd(fd);
	if (!out) {
		warnx("%s: %s", c->tmp, strerror(errno));
		close(fd);
		unlinkat(dirfd_out, c->tmp, 0);
		return -1;
	}
	c->frag = n;
	c->dumptime = time(NULL);
	if (bblog_pcapng_open(&c->w, out, d, (int64_t)c->dumptime,
			      "bblog " BBLOG_TOOL_VERSION) < 0) {
		warnx("%s: %s", c->tmp, strerror(errno));
		bblog_pcapng_close(&c->w);
		unlinkat(dirfd_out, c->tmp, 0);
		return -1;
	}
	c->w.have_sn = c->have_sn;
	c->w.last_sn = c->last_sn;
	c->open = 1;
	return 0;
}

static void drop_conn(struct conn *c)
{
	struct conn **pp;

	finish_file(c);
	for (pp = &conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static void handle_dump(const struct bblog_msg *m)
{
	const struct bblog_dump *d = &m->dump;
	struct bblog_record first;
	struct conn *c;

	if (opt.reason && strncasecmp(d->reason, opt.reason, strlen(opt.reason)))
		return;
	for (c = conns; c; c = c->next)
		if (c->cookie == d->cookie && c->netns == d->netns)
			break;
	if (c) {
		int cont = d->seq > c->last_seq;
		int hs = c->open ? c->w.have_sn : c->have_sn;
		uint32_t ls = c->open ? c->w.last_sn : c->last_sn;

		if (cont && d->nrecords && hs) {
			bblog_msg_record(m, 0, &first);
			/* records overlapping what we wrote: a new file */
			cont = (uint32_t)(first.sn - ls) - 1 < 0x80000000u;
		}
		if (!cont) {
			finish_file(c);
			c->have_sn = 0;
		}
	}
	if (!c) {
		if (!d->nrecords)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			warnx("out of memory");
			return;
		}
		c->cookie = d->cookie;
		c->netns = d->netns;
		c->next = conns;
		conns = c;
	}
	c->dump = *d;
	c->last_seq = d->seq;
	c->active = now_mono();
	if (d->flags & BBLOG_DF_ENDED)
		c->ended = 1;
	if (d->nrecords) {
		if (!c->open && open_file(c, d) < 0) {
			drop_conn(c);
			return;
		}
		if (bblog_pcapng_dump(&c->w, m) < 0) {
			drop_conn(c);
			return;
		}
	}
	if (c->ended) {
		drop_conn(c);
		return;
	}
	if (c->open && c->w.out->bytes >= opt.limit)
		finish_file(c);
}

static void expire_idle(int all)
{
	double now = now_mono();
	struct conn *c, *next;

	for (c = conns; c; c = next) {
		next = c->next;
		if (all || now - c->active >= opt.idle)
			drop_conn(c);
	}
}

static void handle_msg(const struct bblog_msg *m)
{
	switch (m->kind) {
	case BBLOG_MSGK_DUMP:
		handle_dump(m);
		break;
	case BBLOG_MSGK_UNKNOWN:
		warnx("input offset %llu: skipping message of unknown type %u (%llu bytes)",
		      (unsigned long long)m->offset, m->type,
		      (unsigned long long)m->length);
		break;
	case BBLOG_MSGK_CORRUPT:
		warnx("input offset %llu: corrupt message: %s",
		      (unsigned long long)m->offset, m->error);
		break;
	case BBLOG_MSGK_LOST:
		warnx("the kernel dropped %llu dumps (%llu records) unread: "
		      "its export queue was full (net.tcp_bblog.export_limit)",
		      (unsigned long long)m->lost.dumps,
		      (unsigned long long)m->lost.records);
		break;
	}
}

/* Written under a temporary name, so a reader never sees it empty. */
static void write_pidfile(void)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (!opt.pidfile)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.pidfile);
	f = fopen(tmp, "w");
	if (!f)
		diex("%s: %s", tmp, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, opt.pidfile) < 0)
		diex("%s: %s", opt.pidfile, strerror(errno));
}

/* -u: the input and the directory are open; run on as that user. */
static void drop_privileges(void)
{
	struct passwd *pw;

	if (!opt.user)
		return;
	pw = getpwnam(opt.user);
	if (!pw)
		diex("unknown user '%s'", opt.user);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		diex("cannot switch to user %s: %s", opt.user, strerror(errno));
	if (faccessat(dirfd_out, ".", W_OK, AT_EACCESS) < 0)
		diex("%s: not writable by %s", opt.dir, opt.user);
}

static char *abspath(const char *p)
{
	char cwd[PATH_MAX], *r;

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(p);
	r = malloc(strlen(cwd) + strlen(p) + 2);
	if (r)
		sprintf(r, "%s/%s", cwd, p);
	return r;
}

int cmd_record(int argc, char **argv)
{
	struct bblog_stream st;
	struct bblog_msg m;
	struct sigaction sa;
	struct stat sb;
	unsigned char *buf;
	int fd, ch, is_stream, is_dev;
	uint64_t v;

	memset(&opt, 0, sizeof(opt));
	opt.dir = DEFAULT_DIR;
	opt.input = BBLOG_DEVICE;
	opt.limit = DEFAULT_LIMIT;
	opt.idle = DEFAULT_IDLE;
	optind = 1;
	while ((ch = getopt(argc, argv, "dhJD:f:r:p:s:t:b:u:")) != -1) {
		switch (ch) {
		case 'd': opt.daemonize = 1; break;
		case 'J': opt.xz = 1; break;
		case 'D': opt.dir = optarg; break;
		case 'f': opt.input = optarg; break;
		case 'r': opt.reason = optarg; break;
		case 'p': opt.pidfile = optarg; break;
		case 'u': opt.user = optarg; break;
		case 's':
			if (parse_size(optarg, &opt.limit) < 0 || !opt.limit)
				diex("bad size '%s'", optarg);
			break;
		case 't':
			if (parse_size(optarg, &v) < 0 || v > 86400 * 365)
				diex("bad idle timeout '%s'", optarg);
			opt.idle = (unsigned)v;
			break;
		case 'b':
			if (parse_size(optarg, &v) < 0 || !v || v > (1ull << 31))
				diex("bad read size '%s'", optarg);
			opt.readsize = (size_t)v;
			break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);

	fd = strcmp(opt.input, "-") ? open(opt.input, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		diex("%s: %s%s", opt.input, strerror(errno),
		     errno == ENOENT && !strcmp(opt.input, BBLOG_DEVICE) ?
		     " (is the tcp_bblog module loaded?)" : "");
	if (fstat(fd, &sb) < 0)
		diex("%s: %s", opt.input, strerror(errno));
	is_dev = S_ISCHR(sb.st_mode);
	is_stream = !S_ISREG(sb.st_mode);	/* poll: idle timeouts */
	if (!opt.readsize)
		opt.readsize = is_dev ? BBLOG_MSG_MAX : 1u << 20;
	dirfd_out = open(opt.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_out < 0)
		diex("%s: %s", opt.dir, strerror(errno));
	if (faccessat(dirfd_out, ".", W_OK, AT_EACCESS) < 0)
		diex("%s: not writable: %s", opt.dir, strerror(errno));
	if (opt.pidfile && !(opt.pidfile = abspath(opt.pidfile)))
		diex("out of memory");
	buf = malloc(opt.readsize);
	if (!buf)
		diex("cannot allocate a %zu-byte read buffer", opt.readsize);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (opt.daemonize) {
		if (daemon(1, 0) < 0)
			diex("daemon: %s", strerror(errno));
		openlog("bblog", LOG_PID, LOG_DAEMON);
		bblog_use_syslog = 1;
	}
	write_pidfile();
	drop_privileges();
	open_index();
	bblog_stream_init(&st);

	while (!got_stop) {
		ssize_t n;

		if (got_hup) {
			got_hup = 0;
			open_index();
		}
		if (is_stream) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int pr = poll(&p, 1, 1000);

			expire_idle(0);
			if (pr <= 0)
				continue;
		}
		n = read(fd, buf, opt.readsize);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EMSGSIZE && opt.readsize < (1u << 30)) {
				unsigned char *nb = realloc(buf, opt.readsize * 2);

				if (nb) {
					buf = nb;
					opt.readsize *= 2;
					warnx("read buffer grown to %zu bytes", opt.readsize);
					continue;
				}
			}
			warnx("%s: read: %s", opt.input, strerror(errno));
			break;
		}
		if (n == 0) {
			if (is_dev)
				continue;
			break;		/* end of a file or pipe */
		}
		if (bblog_stream_feed(&st, buf, (size_t)n) < 0) {
			warnx("out of memory buffering input");
			break;
		}
		while (bblog_stream_next(&st, &m) == 1)
			handle_msg(&m);
	}
	if (bblog_stream_eof(&st, &m))
		handle_msg(&m);
	expire_idle(1);
	bblog_stream_destroy(&st);
	free(buf);
	if (index_f)
		fclose(index_f);
	if (fd > 0)
		close(fd);
	close(dirfd_out);
	if (opt.pidfile && opt.daemonize)
		unlink(opt.pidfile);
	return 0;
}
