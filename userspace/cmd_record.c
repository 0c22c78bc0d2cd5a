// SPDX-License-Identifier: GPL-2.0
/*
 * bblog record: read the tcp_bblog message stream and write one pcapng file
 * per connection, plus one JSON line per finished file in <dir>/records.
 *
 * Files are written as .NAME.tmp, renamed to NAME when finished, and only
 * then indexed.  Each dump is one unit of its file: written, then committed
 * (the buffer written out, the xz stream ended).
 *
 * When the output fails (ENOSPC, EDQUOT, EIO, EACCES, ENOENT...), the dump
 * being written is taken back out of its file (truncated to the last
 * commit) and kept in memory, and the input is no longer read: further
 * dumps wait in the kernel, within net.tcp_bblog.export_limit, beyond which
 * the kernel drops the oldest and counts them (LOST messages, reported when
 * reading resumes).  Every second the work left undone (a rename, an index
 * line, the kept dump) is retried; when it all succeeds reading resumes.
 * Stopped while paused, record says what it read but could not write and
 * exits with status 3.  Files it could not finish stay as .NAME.tmp.
 *
 * Connections are found by (cookie, netns) in a hash table; they are kept
 * in the order of their latest dump (idle expiry looks at the oldest
 * only), and those whose file holds a descriptor in the order of its
 * latest use.  When descriptors run short (more connections being written
 * than RLIMIT_NOFILE allows, whose soft limit is raised to the hard one),
 * the least recently used file is parked: its descriptor is closed, every
 * dump in it being committed, and it is opened again for its next dump.
 * A file stays one file however many connections are written at once.
 *
 * At start, the .NAME.tmp files of a run that was killed are recovered:
 * cut after their last whole pcapng block (xz: their last whole stream),
 * renamed and indexed with "recovered":true.
 *
 * The directory is kept within --max-size and --max-age (retain.c): the
 * oldest finished files are removed, at start and as files are written,
 * each with a line {"date":...,"removed":NAME,"limit":"size"|"age",
 * "bytes":N} in the index.
 */
#include <dirent.h>
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
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cgpath.h"
#include "list.h"
#include "pcapng.h"
#include "pcapread.h"
#include "retain.h"
#include "sbuf.h"
#include "stream.h"
#include "util.h"

#define DEFAULT_DIR	"/var/log/bblog"
#define DEFAULT_LIMIT	(64ull << 20)
#define DEFAULT_IDLE	300
#define DEFAULT_MAX_SIZE (1ull << 30)	/* or a tenth of the file system */
#define NAME_TRIES	100000
#define EXIT_UNWRITTEN	3	/* stopped with dumps or lines not written */
#define FD_RESERVE	64	/* descriptors left for all but the files */
#define FD_MAX		65536	/* files open at once, at most */

struct conn {
	struct conn *hnext;		/* hash chain */
	struct list_head act;		/* in conns, by latest dump */
	struct list_head fdl;		/* in fds while its file has a descriptor */
	uint64_t cookie;
	uint32_t netns;
	uint32_t last_seq;
	struct bblog_dump dump;		/* latest dump header */
	int open;			/* a file is being written */
	int parked;			/* ... its descriptor closed for now */
	uint64_t disk;			/* its bytes in the file system */
	struct bblog_pcapng w;
	int have_sn;			/* serial continuity across files */
	uint32_t last_sn;
	char name[200];
	char tmp[NAME_MAX + 1];
	unsigned frag;			/* the N of the file name */
	time_t dumptime;
	int ended;
	int finishing;			/* finish asked for, not done yet */
	int gone;			/* free it once finished */
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
	uint64_t max_size;		/* of the directory; 0: none */
	uint64_t max_age;		/* seconds; 0: none */
	int max_size_set;
	unsigned idle;
	size_t readsize;
};

/* An index line not written yet. */
struct line {
	struct line *next;
	size_t len;
	char text[];
};

static volatile sig_atomic_t got_stop, got_hup;
static int dirfd_out = -1;
static int index_fd = -1;
static off_t index_cut = -1;		/* a partial line to cut off */
static char index_path[PATH_MAX];
static struct line *owed, **owed_tail = &owed;
static LIST_HEAD(conns);		/* least recently dumped first */
static LIST_HEAD(fds);		/* least recently written first */
static unsigned nfds, max_fds = FD_MAX;
static uint64_t busy_disk;		/* bytes of the files being written */
static uint64_t index_size;		/* of the index, as last written */
static struct {
	struct conn **b;
	size_t mask;			/* buckets - 1 */
	size_t n;
} tab;
static struct rec_opts opt;
static int input_is_dev;

/* Paused: the output failed, the input is not read. */
static struct {
	int on;
	int err;			/* errno of the last failure */
	int failed_now;			/* a failure since settle() began */
	double since;
	unsigned char *msg;		/* the dump waiting to be written */
	size_t len;
} pz;

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

static int stopping;		/* exiting: a failure is said, not a pause */

/* The output failed with err (what: a path): pause, say so once. */
static void blocked(const char *what, int err)
{
	pz.failed_now = 1;
	if (stopping) {
		if (err != pz.err)
			warnx("%s: %s", what, strerror(err));
		pz.on = 1;
	} else if (!pz.on) {
		pz.on = 1;
		pz.since = now_mono();
		warnx("%s: %s: pausing; %s", what, strerror(err),
		      input_is_dev ? "dumps wait in the kernel" :
		      "the input waits");
	} else if (err != pz.err) {
		warnx("%s: %s: still paused", what, strerror(err));
	}
	pz.err = err;
}

static void resumed(void)
{
	double paused = now_mono() - pz.since;
	struct list_head *e;

	warnx("%s: resumed after %.1f s paused", opt.dir, paused);
	/* not idle while we could not read (the order stays) */
	for (e = conns.next; e != &conns; e = e->next)
		list_entry(e, struct conn, act)->active += paused;
	pz.on = 0;
	pz.err = 0;
	pz.failed_now = 0;
}

/* ---- the records index ---- */

static int check_dir(void);

static int index_open(void)
{
	struct stat sb;
	int fd = openat(dirfd_out, "records",
			O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (index_fd >= 0)
		close(index_fd);
	index_fd = fd;
	index_cut = -1;
	index_size = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

/* At start and on SIGHUP: a failure is said, the next line retries. */
static void reopen_index(void)
{
	if (index_open() < 0) {
		warnx("%s: %s", index_path, strerror(errno));
		if (index_fd >= 0)
			close(index_fd);
		index_fd = -1;
	}
}

/* Append one line whole, or nothing of it: 0, or -1 (errno). */
static int index_put(const char *text, size_t len)
{
	struct stat sb;
	int e;

	/* removed (rotated without SIGHUP, or with the directory): anew */
	if (index_fd >= 0 && fstat(index_fd, &sb) == 0 && sb.st_nlink == 0) {
		close(index_fd);
		index_fd = -1;
		if (check_dir() < 0)
			return -1;
	}
	if (index_fd < 0 && index_open() < 0)
		return -1;
	if (index_cut >= 0) {
		if (ftruncate(index_fd, index_cut) < 0)
			return -1;
		index_cut = -1;
	}
	if (fstat(index_fd, &sb) < 0)
		return -1;
	if (write_all(index_fd, text, len) == 0) {
		index_size = (uint64_t)sb.st_size + len;
		return 0;
	}
	e = errno;
	if (ftruncate(index_fd, sb.st_size) < 0)
		index_cut = sb.st_size;
	errno = e;
	return -1;
}

/* Index lines not written yet, in order; -1: blocked. */
static int flush_owed(void)
{
	struct line *l;

	while ((l = owed)) {
		if (index_put(l->text, l->len) < 0) {
			blocked(index_path, errno);
			return -1;
		}
		owed = l->next;
		if (!owed)
			owed_tail = &owed;
		free(l);
	}
	return 0;
}

/* Add a line (text malloc'd, taken) after those owed. */
static void add_line(char *text, size_t len)
{
	struct line *l;

	if (!text)
		return;
	if (!owed && index_put(text, len) == 0) {
		free(text);
		return;
	}
	if (!owed)
		blocked(index_path, errno);
	l = malloc(sizeof(*l) + len + 1);
	if (!l) {
		warnx("out of memory: %s lost the line %.*s", index_path,
		      (int)len, text);
		free(text);
		return;
	}
	l->next = NULL;
	l->len = len;
	memcpy(l->text, text, len + 1);
	free(text);
	*owed_tail = l;
	owed_tail = &l->next;
}

static uint16_t port_of(const uint16_t *p)
{
	const unsigned char *b = (const unsigned char *)p;

	return (uint16_t)((b[0] << 8) | b[1]);
}

/* What an index line says. */
struct line_info {
	const struct bblog_dump *first;	/* addresses, ports, id */
	const struct bblog_dump *last;	/* NULL: recovered (counters unknown) */
	const char *reason, *tag;
	const char *filename;
	time_t date;
	uint64_t records, packets, dur_us, lost, cookie;
	uint32_t netns;
	int ended, xz, recovered;
	unsigned frag;
};

/* JSON ,"key": and a value after it */
#define SB_KEY(b, key)	SB_LIT(b, ",\"" key "\":")
#define SB_KEY_U64(b, key, v) \
	do { SB_KEY(b, key); sb_u64(b, v); } while (0)
#define SB_KEY_BOOL(b, key, v) \
	do { SB_KEY(b, key); sb_str(b, (v) ? "true" : "false"); } while (0)

/* The index line of a file (one per file: no printf, see sbuf.h). */
static char *format_line(const struct line_info *li, size_t *lenp)
{
	const struct bblog_dump *d = li->first, *l = li->last;
	char date[64];
	struct sbuf b;
	struct tm tm;

	gmtime_r(&li->date, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S +0000", &tm);
	sb_growing(&b);
	SB_LIT(&b, "{\"date\":\"");
	sb_str(&b, date);
	SB_LIT(&b, "\",\"id\":");
	sb_json(&b, d->id[0] ? d->id : "UNKNOWN", BBLOG_ID_LEN - 1);
	SB_KEY(&b, "reason");
	sb_json(&b, li->reason, BBLOG_REASON_LEN - 1);
	SB_KEY(&b, "tag");
	sb_json(&b, li->tag, BBLOG_TAG_LEN - 1);
	SB_KEY(&b, "laddr");
	sb_char(&b, '"');
	sb_addr(&b, d->family, d->laddr);
	sb_char(&b, '"');
	SB_KEY_U64(&b, "lport", port_of(&d->lport));
	SB_KEY(&b, "faddr");
	sb_char(&b, '"');
	sb_addr(&b, d->family, d->faddr);
	sb_char(&b, '"');
	SB_KEY_U64(&b, "fport", port_of(&d->fport));
	SB_KEY(&b, "filename");
	sb_json(&b, li->filename, NAME_MAX);
	SB_KEY_U64(&b, "record_count", li->records);
	SB_KEY_U64(&b, "packet_count", li->packets);
	SB_KEY_U64(&b, "duration", li->dur_us / 1000000u);
	{
		char frac[7];

		frac[0] = '.';
		sb_digits(frac + 1, li->dur_us % 1000000u, 6);
		sb_add(&b, frac, sizeof(frac));
	}
	SB_KEY_BOOL(&b, "connection_ended", li->ended);
	if (l) {
		SB_KEY_BOOL(&b, "auto", l->flags & BBLOG_DF_AUTO);
		SB_KEY_BOOL(&b, "listener", l->flags & BBLOG_DF_LISTENER);
	}
	SB_KEY_U64(&b, "lost_records", li->lost);
	if (l) {
		const char *cgp = bblog_cgroup_path(l->cgroup);

		SB_KEY_U64(&b, "lost_nomem", l->lost_nomem);
		SB_KEY_U64(&b, "lost_limit", l->lost_limit);
		SB_KEY_U64(&b, "overwritten", l->overwritten);
		SB_KEY_U64(&b, "lost_export", l->lost_export);
		SB_KEY_U64(&b, "uid", l->uid);
		SB_KEY_U64(&b, "cgroup", l->cgroup);
		if (cgp) {
			SB_KEY(&b, "cgroup_path");
			sb_json(&b, cgp, PATH_MAX);
		}
		SB_KEY(&b, "owner_how");
		sb_char(&b, '"');
		sb_str(&b, bblog_owner_how_name(l->owner_how));
		sb_char(&b, '"');
		if (l->owner_how) {
			SB_KEY_U64(&b, "owner_pid", l->owner_pid);
			SB_KEY(&b, "owner_comm");
			sb_json(&b, l->owner_comm, BBLOG_COMM_LEN - 1);
		}
	}
	SB_KEY_U64(&b, "cookie", li->cookie);
	SB_KEY_U64(&b, "netns", li->netns);
	SB_KEY(&b, "stack");
	SB_LIT(&b, "\"" BBLOG_PCAP_STACK_NAME "\"");
	SB_KEY(&b, "compressor");
	sb_str(&b, li->xz ? "\"xz\"" : "\"\"");
	SB_KEY_U64(&b, "frag_seq", li->frag);
	if (li->recovered)
		SB_LIT(&b, ",\"recovered\":true");
	SB_LIT(&b, "}\n");
	return sb_take(&b, lenp);
}

static void index_conn(struct conn *c)
{
	struct line_info li = {
		.first = &c->w.first, .last = &c->dump,
		.reason = c->dump.reason, .tag = c->dump.tag,
		.filename = c->name, .date = c->dumptime,
		.records = c->w.records, .packets = c->w.packets,
		.dur_us = c->w.records ? c->w.last_us - c->w.first_us : 0,
		.lost = c->w.lost, .cookie = c->cookie, .netns = c->netns,
		.ended = c->ended || c->w.connend, .xz = opt.xz,
		.frag = c->frag,
	};
	size_t len = 0;
	char *text = format_line(&li, &len);

	if (!text)
		warnx("out of memory: %s lost the line of %s", index_path, c->name);
	add_line(text, len);
}

/* ---- retention ---- */

/* The index line of a file retain.c removed. */
static void said_removed(const char *name, uint64_t size, const char *limit)
{
	static int said_size, said_age;
	int *said = strcmp(limit, "size") ? &said_age : &said_size;
	char date[64], *text = NULL;
	time_t now = time(NULL);
	size_t len = 0;
	struct tm tm;
	FILE *f;

	if (!*said) {
		*said = 1;
		warnx("%s: removing the oldest files for the %s limit (%s says which)",
		      opt.dir, limit, index_path);
	}
	f = open_memstream(&text, &len);
	if (f) {
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S +0000", &tm);
		fprintf(f, "{\"date\":\"%s\",\"removed\":", date);
		json_str(f, name, NAME_MAX);
		fprintf(f, ",\"limit\":\"%s\",\"bytes\":%llu}\n", limit,
			(unsigned long long)size);
		if (fclose(f) != 0) {
			free(text);
			text = NULL;
		}
	}
	if (!text)
		warnx("out of memory: %s lost the line of %s, removed", index_path, name);
	add_line(text, len);
}

/*
 * Keep the directory within its limits (the open files and index count,
 * as they were when last written).
 */
static void retain_check(void)
{
	if (!opt.max_size && !opt.max_age)
		return;
	/* the removal lines grow the index a little */
	while (retain_enforce(busy_disk + (index_fd >= 0 ? index_size : 0),
			      said_removed) > 0)
		;
}

/* The bytes of c's file being written. */
static void set_disk(struct conn *c, uint64_t bytes)
{
	busy_disk += bytes - c->disk;
	c->disk = bytes;
}

/* 1 GiB, or a tenth of the file system if that is less. */
static uint64_t default_max_size(void)
{
	struct statvfs vs;
	uint64_t tenth;

	if (fstatvfs(dirfd_out, &vs) < 0)
		return DEFAULT_MAX_SIZE;
	tenth = (uint64_t)vs.f_blocks * vs.f_frsize / 10;
	return tenth && tenth < DEFAULT_MAX_SIZE ? tenth : DEFAULT_MAX_SIZE;
}

/* ---- the connections ---- */

static size_t conn_hash(uint64_t cookie, uint32_t netns)
{
	uint64_t h = (cookie ^ ((uint64_t)netns << 29)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32);
}

/* The connection (not being forgotten) of a dump, or NULL. */
static struct conn *conn_find(uint64_t cookie, uint32_t netns)
{
	struct conn *c;

	if (!tab.b)
		return NULL;
	for (c = tab.b[conn_hash(cookie, netns) & tab.mask]; c; c = c->hnext)
		if (!c->gone && c->cookie == cookie && c->netns == netns)
			return c;
	return NULL;
}

/* A new connection, hashed and the most recent: NULL if out of memory. */
static struct conn *conn_new(uint64_t cookie, uint32_t netns)
{
	struct conn *c, **b;
	size_t i;

	if (tab.n >= tab.mask + 1 || !tab.b) {	/* grow: at most one a bucket */
		size_t nb = tab.b ? 2 * (tab.mask + 1) : 1024;

		b = calloc(nb, sizeof(*b));
		if (!b)
			return NULL;
		for (i = 0; tab.b && i <= tab.mask; i++)
			while ((c = tab.b[i])) {
				size_t h = conn_hash(c->cookie, c->netns) & (nb - 1);

				tab.b[i] = c->hnext;
				c->hnext = b[h];
				b[h] = c;
			}
		free(tab.b);
		tab.b = b;
		tab.mask = nb - 1;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cookie = cookie;
	c->netns = netns;
	c->active = now_mono();
	b = &tab.b[conn_hash(cookie, netns) & tab.mask];
	c->hnext = *b;
	*b = c;
	tab.n++;
	list_add_tail(&c->act, &conns);
	list_init(&c->fdl);
	return c;
}

static void free_conn(struct conn *c)
{
	struct conn **pp;

	for (pp = &tab.b[conn_hash(c->cookie, c->netns) & tab.mask]; *pp;
	     pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	tab.n--;
	list_del_init(&c->act);
	if (!list_empty(&c->fdl)) {
		list_del_init(&c->fdl);
		nfds--;
	}
	set_disk(c, 0);
	free(c);
}

/* c's file has a descriptor now: the most recently used. */
static void fd_taken(struct conn *c)
{
	if (list_empty(&c->fdl))
		nfds++;
	list_move_tail(&c->fdl, &fds);
}

/* c's file has no descriptor any more. */
static void fd_gone(struct conn *c)
{
	if (!list_empty(&c->fdl)) {
		list_del_init(&c->fdl);
		nfds--;
	}
}

/*
 * Close the descriptor of the file least recently written to, but c's
 * (every dump in it is committed): 0, or -1 if there is none to close.
 */
static int park_lru(struct conn *c)
{
	static int said;
	struct list_head *e;

	for (e = fds.next; e != &fds; e = e->next) {
		struct conn *o = list_entry(e, struct conn, fdl);

		if (o == c || o->finishing || bblog_out_park(o->w.out) < 0)
			continue;
		if (!said) {
			said = 1;
			warnx("%u files being written, as many as descriptors allow (RLIMIT_NOFILE): the least recently written are closed and opened again as needed",
			      nfds);
		}
		o->parked = 1;
		fd_gone(o);
		return 0;
	}
	return -1;
}

/* Before a file takes a descriptor: park others down to max_fds - 1. */
static void fd_room(struct conn *c)
{
	while (nfds >= max_fds && park_lru(c) == 0)
		;
}

/*
 * An open... call failed for want of descriptors (errno EMFILE, ENFILE):
 * park a file and say to retry (1), and keep fewer open from now on; 0:
 * not that, or none to park.
 */
static int fd_short(struct conn *c)
{
	int e = errno;

	if (e != EMFILE && e != ENFILE)
		return 0;
	if (park_lru(c) < 0) {
		errno = e;
		return 0;
	}
	if (max_fds > nfds + 1)
		max_fds = nfds + 1 > 8 ? nfds + 1 - 8 : 1;
	return 1;
}

/*
 * RLIMIT_NOFILE's soft limit raised to the hard one (bblog uses poll(),
 * not select()): how many files may be open at once.
 */
static void fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t cur = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = cur;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > FD_MAX + FD_RESERVE)
		max_fds = FD_MAX;
	else if (rl.rlim_cur > 2 * FD_RESERVE)
		max_fds = (unsigned)rl.rlim_cur - FD_RESERVE;
	else
		max_fds = rl.rlim_cur > 2 ? (unsigned)rl.rlim_cur / 2 : 1;
}

/* ---- files ---- */

/*
 * The directory was removed (its link count is 0): carry on in the one at
 * its path now, if there is one.  0, or -1 (errno).
 */
static int check_dir(void)
{
	struct stat sb;
	int fd;

	if (fstat(dirfd_out, &sb) == 0 && sb.st_nlink > 0)
		return 0;
	fd = open(opt.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (dup3(fd, dirfd_out, O_CLOEXEC) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	flock(dirfd_out, LOCK_SH | LOCK_NB);
	warnx("%s: the directory was removed; writing into the new one", opt.dir);
	if (index_fd >= 0)
		close(index_fd);
	index_fd = -1;		/* the next line opens the new index */
	index_cut = -1;
	return 0;
}

/* Create c's next .NAME.tmp for dump d: the fd, or -1 (errno). */
static int create_tmp(struct conn *c, const struct bblog_dump *d)
{
	char id[BBLOG_ID_LEN], fa[64];
	int fd = -1, tries;
	unsigned n = 0;

	sanitize_id(id, sizeof(id), d->id, BBLOG_ID_LEN - 1);
	bblog_addr_str(d, 1, fa, sizeof(fa));
	fd_room(c);
	for (tries = 0; tries < 8; tries++) {
		for (n = 0; n < NAME_TRIES; n++) {
			snprintf(c->name, sizeof(c->name), "%s_%u_%s_%u.%u.pcapng%s",
				 id, port_of(&d->lport), fa, port_of(&d->fport), n,
				 opt.xz ? ".xz" : "");
			snprintf(c->tmp, sizeof(c->tmp), ".%s.tmp", c->name);
			if (faccessat(dirfd_out, c->name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
				continue;
			fd = openat(dirfd_out, c->tmp,
				    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			if (fd >= 0 || errno != EEXIST)
				break;
		}
		if (fd >= 0) {
			c->frag = n;
			return fd;
		}
		if (n == NAME_TRIES) {
			errno = EEXIST;
			return -1;
		}
		/* more files than descriptors: park one, retry */
		if (!fd_short(c))
			return -1;
	}
	return -1;
}

/*
 * c's parked file opened again: 0, or -1 (blocked, said), or 1: it was
 * removed while parked (said): what it held is lost, c has no file.
 */
static int unpark(struct conn *c)
{
	int fd, tries = 0;

	fd_room(c);
	do
		fd = openat(dirfd_out, c->tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	while (fd < 0 && tries++ < 8 && fd_short(c));
	if (fd < 0 && errno == ENOENT && check_dir() == 0) {
		/* the next file starts where the one before this ended */
		warnx("%s/%s was removed while closed for want of descriptors: its %llu records are lost",
		      opt.dir, c->tmp, (unsigned long long)c->w.records);
		bblog_pcapng_close(&c->w);
		c->open = 0;
		c->parked = 0;
		c->finishing = 0;
		set_disk(c, 0);
		return 1;
	}
	if (fd < 0 || bblog_out_unpark(c->w.out, fd) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		blocked(opt.dir, e);
		return -1;
	}
	c->parked = 0;
	fd_taken(c);
	return 0;
}

/*
 * c's .NAME.tmp is gone from the directory (removed, or the directory
 * was): write what it held into a new one.  0, or -1 (blocked).
 */
static int adopt(struct conn *c)
{
	char old[sizeof(c->name)], buf[65536];
	int ofd = c->w.out->fd, nfd, e;
	off_t off = 0;
	ssize_t n;

	if (check_dir() < 0) {
		blocked(opt.dir, errno);
		return -1;
	}
	snprintf(old, sizeof(old), "%s", c->name);
	nfd = create_tmp(c, &c->w.first);
	if (nfd < 0) {
		blocked(opt.dir, errno);
		return -1;
	}
	while ((n = pread(ofd, buf, sizeof(buf), off)) > 0) {
		if (write_all(nfd, buf, (size_t)n) < 0)
			goto fail;
		off += n;
	}
	if (n < 0 || dup3(nfd, ofd, O_CLOEXEC) < 0)
		goto fail;
	close(nfd);
	warnx("%s/.%s.tmp was removed while being written: written again as %s",
	      opt.dir, old, c->tmp);
	return 0;
fail:
	e = errno;
	close(nfd);
	unlinkat(dirfd_out, c->tmp, 0);
	blocked(opt.dir, e);
	return -1;
}

/*
 * Rename, close and index the open file of c.  0, or -1: blocked (the file
 * stays open and c->finishing set; settle() retries).
 */
static int finish_file(struct conn *c)
{
	struct stat sb;

	if (!c->open)
		return 0;
	c->finishing = 1;
	if (c->parked) {
		int r = unpark(c);

		if (r)
			return r < 0 ? -1 : 0;
	}
	if (fstat(c->w.out->fd, &sb) == 0 && sb.st_nlink == 0 && adopt(c) < 0)
		return -1;
	if (renameat(dirfd_out, c->tmp, dirfd_out, c->name) < 0) {
		if (errno != ENOENT) {
			blocked(opt.dir, errno);
			return -1;
		}
		if (adopt(c) < 0)	/* it said why */
			return -1;
		if (renameat(dirfd_out, c->tmp, dirfd_out, c->name) < 0) {
			blocked(opt.dir, errno);
			return -1;
		}
	}
	c->open = 0;
	c->finishing = 0;
	c->have_sn = c->w.have_sn;
	c->last_sn = c->w.last_sn;
	/* every dump was committed: nothing is left to write */
	fd_gone(c);
	if (bblog_pcapng_close(&c->w) < 0)
		warnx("%s/%s: close: %s", opt.dir, c->name, strerror(errno));
	set_disk(c, 0);
	index_conn(c);
	retain_add(c->name);
	return 0;
}

/* Take a file that got no whole dump back out. */
static void discard_file(struct conn *c)
{
	bblog_pcapng_rollback(&c->w);	/* empty, should unlinking fail */
	fd_gone(c);
	bblog_pcapng_close(&c->w);
	unlinkat(dirfd_out, c->tmp, 0);
	c->open = 0;
	c->finishing = 0;
	set_disk(c, 0);
}

/* 0, or -1: blocked. */
static int open_file(struct conn *c, const struct bblog_dump *d)
{
	struct bblog_out *out;
	int fd, e;

	fd = create_tmp(c, d);
	if (fd < 0) {
		blocked(opt.dir, errno);
		return -1;
	}
	out = opt.xz ? bblog_out_xz(fd) : bblog_out_fd(fd);
	if (!out) {
		e = errno;
		close(fd);
		unlinkat(dirfd_out, c->tmp, 0);
		blocked(opt.dir, e);
		return -1;
	}
	c->dumptime = time(NULL);
	if (bblog_pcapng_open(&c->w, out, d, (int64_t)c->dumptime,
			      "bblog " BBLOG_TOOL_VERSION,
			      bblog_cgroup_path(d->cgroup)) < 0) {
		e = errno;
		bblog_pcapng_close(&c->w);
		unlinkat(dirfd_out, c->tmp, 0);
		blocked(opt.dir, e);
		return -1;
	}
	c->w.have_sn = c->w.mark.have_sn = c->have_sn;
	c->w.last_sn = c->w.mark.last_sn = c->last_sn;
	c->open = 1;
	c->parked = 0;
	c->finishing = 0;
	fd_taken(c);
	return 0;
}

/*
 * Write dump m into c's open file as one unit.  0: done (or skipped, if it
 * cannot be encoded); -1: blocked, nothing of it left in the file.
 */
static int write_dump(struct conn *c, const struct bblog_msg *m, int fresh)
{
	int e;

	if (bblog_pcapng_dump(&c->w, m) == 0 && bblog_pcapng_commit(&c->w) == 0)
		return 0;
	e = errno;
	if (fresh)
		discard_file(c);
	else
		bblog_pcapng_rollback(&c->w);	/* or at the next write */
	if (e == EOVERFLOW) {	/* the encoder's, not the output's */
		warnx("%s: a dump of %u records could not be encoded: skipped",
		      c->name, m->dump.nrecords);
		return 0;
	}
	blocked(opt.dir, e);
	return -1;
}

/* Finish c's file and forget c (once the file is finished). */
static void drop_conn(struct conn *c)
{
	c->gone = 1;
	if (finish_file(c) == 0)
		free_conn(c);
}

/* 0: the dump was handled; -1: blocked before it was written (keep it). */
static int handle_dump(const struct bblog_msg *m)
{
	const struct bblog_dump *d = &m->dump;
	struct bblog_record first;
	struct conn *c;
	int fresh = 0;

	if (opt.reason && strncasecmp(d->reason, opt.reason, strlen(opt.reason)))
		return 0;
	c = conn_find(d->cookie, d->netns);
	if (c) {
		int cont = d->seq > c->last_seq;
		int hs = c->open ? c->w.have_sn : c->have_sn;
		uint32_t ls = c->open ? c->w.last_sn : c->last_sn;

		if (cont && d->nrecords && hs) {
			bblog_msg_record(m, 0, &first);
			/* records overlapping what we wrote: a new file */
			cont = (uint32_t)(first.sn - ls) - 1 < 0x80000000u;
		}
		if (!cont || c->finishing) {
			if (finish_file(c) < 0)
				return -1;
			if (!cont)
				c->have_sn = 0;
		}
	}
	if (!c) {
		if (!d->nrecords)
			return 0;
		c = conn_new(d->cookie, d->netns);
		if (!c) {
			blocked("memory", ENOMEM);
			return -1;
		}
	}
	if (d->nrecords) {
		if (c->open && c->parked && unpark(c) < 0)
			return -1;
		if (!c->open) {
			if (open_file(c, d) < 0)
				return -1;
			fresh = 1;
		}
		if (write_dump(c, m, fresh) < 0)
			return -1;
		if (c->open) {
			set_disk(c, c->w.out->file_bytes);
			fd_taken(c);	/* the most recently used */
		}
	}
	/* written: from here on the dump is done, whatever blocks */
	c->dump = *d;
	c->last_seq = d->seq;
	c->active = now_mono();
	list_move_tail(&c->act, &conns);
	if (d->flags & BBLOG_DF_ENDED)
		c->ended = 1;
	if (c->ended)
		drop_conn(c);
	else if (c->open && c->w.out->bytes >= opt.limit)
		finish_file(c);
	return 0;
}

/* Forget the connections idle for opt.idle seconds (all: every one). */
static void expire_idle(int all)
{
	double now = now_mono();
	struct list_head *e, *next;

	for (e = conns.next; e != &conns; e = next) {
		struct conn *c = list_entry(e, struct conn, act);

		next = e->next;
		if (!all && pz.on)
			break;
		if (!all && now - c->active < opt.idle)
			break;		/* the others were dumped to later */
		drop_conn(c);
	}
	retain_check();
}

static void handle_msg(const struct bblog_msg *m)
{
	switch (m->kind) {
	case BBLOG_MSGK_DUMP:
		if (handle_dump(m) == 0) {
			retain_check();
			break;
		}
		/* keep it for settle() */
		pz.msg = malloc((size_t)m->length);
		if (!pz.msg) {
			warnx("out of memory: a dump of %u records lost",
			      m->dump.nrecords);
			break;
		}
		memcpy(pz.msg, m->data, (size_t)m->length);
		pz.len = (size_t)m->length;
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

/* Handle what the stream holds, until something blocks. */
static void drain(struct bblog_stream *st)
{
	struct bblog_msg m;

	while (!pz.on && bblog_stream_next(st, &m) == 1)
		handle_msg(&m);
}

/*
 * Paused: retry what was left undone, in order (files to finish, index
 * lines, the kept dump).  0 when all of it is done.
 */
static int settle(void)
{
	struct list_head *e, *next;
	struct bblog_msg m;

	pz.failed_now = 0;
	if (check_dir() < 0) {
		blocked(opt.dir, errno);
		return -1;
	}
	for (e = conns.next; e != &conns; e = next) {
		struct conn *c = list_entry(e, struct conn, act);

		next = e->next;
		if (!c->finishing)
			continue;
		if (finish_file(c) < 0)
			return -1;
		if (c->gone)
			free_conn(c);
	}
	if (flush_owed() < 0)
		return -1;
	if (pz.msg) {
		if (bblog_msg_parse(pz.msg, pz.len, &m) == 1 &&
		    m.kind == BBLOG_MSGK_DUMP && handle_dump(&m) < 0)
			return -1;
		free(pz.msg);
		pz.msg = NULL;
	}
	return pz.failed_now ? -1 : 0;
}

/* ---- recovery of the files of a killed run ---- */

/* ".NAME.pcapng.tmp" or ".NAME.pcapng.xz.tmp": NAME's length, else 0. */
static size_t tmp_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 6 || s[0] != '.' || strcmp(s + n - 4, ".tmp"))
		return 0;
	n -= 5;			/* NAME.pcapng[.xz] */
	if ((n > 7 && !strncmp(s + 1 + n - 7, ".pcapng", 7)) ||
	    (n > 10 && !strncmp(s + 1 + n - 10, ".pcapng.xz", 10)))
		return n;
	return 0;
}

/* A name not taken, from name ("ID_..._FPORT.N.pcapng[.xz]") up. */
static int free_name(char *name, size_t len)
{
	char base[NAME_MAX + 1], *ext, *dot;
	unsigned long n;

	if (faccessat(dirfd_out, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	snprintf(base, sizeof(base), "%s", name);
	ext = strstr(base, ".pcapng");
	if (!ext)
		return -1;
	*ext = 0;
	dot = strrchr(base, '.');
	n = dot ? strtoul(dot + 1, NULL, 10) : 0;
	if (dot)
		*dot = 0;
	ext = strstr(name, ".pcapng");
	for (n++; n < NAME_TRIES; n++) {
		char cand[PATH_MAX];

		snprintf(cand, sizeof(cand), "%s.%lu%s", base, n, ext);
		if (strlen(cand) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (faccessat(dirfd_out, cand, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return -1;
			snprintf(name, len, "%s", cand);
			return 0;
		}
	}
	errno = EEXIST;
	return -1;
}

/* The whole file of fd in memory (malloc'd): 0, or -1 (errno). */
static int slurp(int fd, unsigned char **bufp, size_t *lenp)
{
	struct stat sb;
	unsigned char *buf;
	size_t len = 0;

	if (fstat(fd, &sb) < 0)
		return -1;
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > (1ull << 32)) {
		errno = S_ISREG(sb.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf)
		return -1;
	while (len < (size_t)sb.st_size) {
		ssize_t n = pread(fd, buf + len, (size_t)sb.st_size - len, (off_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				break;
			free(buf);
			return -1;
		}
		len += (size_t)n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* The index line of a recovered file, from the file itself. */
static void index_recovered(const unsigned char *data, size_t len,
			    const char *name, int xz, time_t mtime)
{
	struct bblog_dump d;
	struct bblog_pr r;
	struct bblog_pr_item it;
	struct line_info li = { .first = &d, .filename = name, .xz = xz,
				.recovered = 1 };
	char reason[BBLOG_REASON_LEN] = "", tag[BBLOG_TAG_LEN] = "";
	uint64_t first = 0, last = 0;
	const char *p;
	char *text;
	size_t tlen = 0;

	memset(&d, 0, sizeof(d));
	d.family = 2;
	bblog_pr_init(&r, data, len);
	while (bblog_pr_next(&r, &it) == 1) {
		if (it.kind == BBLOG_PR_SKIPPED) {
			li.lost += it.skipped;
			continue;
		}
		if (!li.records++)
			first = it.ts_us;
		last = it.ts_us;
		li.packets += it.packet;
		if (it.have_rec && it.rec[TLB_EVENTID] == BBLOG_EV_CONNEND)
			li.ended = 1;
	}
	li.dur_us = last > first ? last - first : 0;
	if (r.have_dumpinfo) {
		const unsigned char *h = r.dumpinfo;
		int v6 = h[200] == FBSD_AF_INET6;

		d.family = v6 ? 10 : 2;
		memcpy(&d.fport, h + 16, 2);
		memcpy(&d.lport, h + 18, 2);
		memcpy(d.faddr, h + (v6 ? 20 : 32), v6 ? 16 : 4);
		memcpy(d.laddr, h + (v6 ? 36 : 48), v6 ? 16 : 4);
		memcpy(d.id, h + 72, BBLOG_ID_LEN - 1);
		memcpy(reason, h + 136, BBLOG_REASON_LEN - 1);
		memcpy(tag, h + 168, BBLOG_TAG_LEN - 1);
		/* the writer puts UNKNOWN in both when there is no ID */
		if (!strcmp(d.id, "UNKNOWN") && !strcmp(tag, "UNKNOWN"))
			tag[0] = 0;
	}
	li.reason = reason;
	li.tag = tag;
	li.date = r.dumptime ? (time_t)r.dumptime : mtime;
	if ((p = strstr(r.comment, " cookie=")))
		li.cookie = strtoull(p + 8, NULL, 10);
	if ((p = strstr(r.comment, " netns=")))
		li.netns = (uint32_t)strtoul(p + 7, NULL, 10);
	if ((p = strstr(name, ".pcapng"))) {
		while (p > name && p[-1] >= '0' && p[-1] <= '9')
			p--;
		li.frag = (unsigned)strtoul(p, NULL, 10);
	}
	text = format_line(&li, &tlen);
	if (!text)
		warnx("out of memory: %s lost the line of %s", index_path, name);
	add_line(text, tlen);
}

/* Count the records of a pcapng image. */
static uint64_t count_records(const unsigned char *data, size_t len)
{
	struct bblog_pr r;
	struct bblog_pr_item it;
	uint64_t n = 0;

	bblog_pr_init(&r, data, len);
	while (bblog_pr_next(&r, &it) == 1)
		n += it.kind == BBLOG_PR_RECORD;
	return n;
}

static void recover_one(const char *tmp)
{
	char name[NAME_MAX + 1];
	unsigned char *buf = NULL, *dec = NULL;
	const unsigned char *data;
	size_t len = 0, keep, dlen, n = tmp_name(tmp);
	int xz = n > 3 && !strncmp(tmp + 1 + n - 3, ".xz", 3);
	struct stat sb;
	uint64_t recs;
	int fd;

	snprintf(name, sizeof(name), "%.*s", (int)n, tmp + 1);
	fd = openat(dirfd_out, tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0 || slurp(fd, &buf, &len) < 0) {
		warnx("%s/%s: left by an interrupted run, cannot recover it: %s",
		      opt.dir, tmp, strerror(errno));
		goto out;
	}
	if (xz) {
		if (bblog_pr_xz_prefix(buf, len, &keep, &dec, &dlen) < 0) {
			warnx("%s/%s: %s", opt.dir, tmp, strerror(errno));
			goto out;
		}
		data = dec;
	} else {
		keep = dlen = bblog_pr_prefix(buf, len);
		data = buf;
	}
	recs = count_records(data, dlen);
	if (!recs && xz && len > 64 && !keep) {
		/* data, but not one whole stream: not ours to throw away */
		warnx("%s/%s: left by an interrupted run, no whole xz stream in it: left as it is",
		      opt.dir, tmp);
		goto out;
	}
	if (!recs) {
		if (unlinkat(dirfd_out, tmp, 0) < 0)
			warnx("%s/%s: %s", opt.dir, tmp, strerror(errno));
		else
			warnx("%s/%s: left by an interrupted run with no whole record: removed",
			      opt.dir, tmp);
		goto out;
	}
	if (keep < len && ftruncate(fd, (off_t)keep) < 0) {
		warnx("%s/%s: cannot cut it to its whole blocks: %s", opt.dir, tmp,
		      strerror(errno));
		goto out;
	}
	if (free_name(name, sizeof(name)) < 0 ||
	    renameat(dirfd_out, tmp, dirfd_out, name) < 0) {
		warnx("%s/%s: cannot rename it to %s: %s", opt.dir, tmp, name,
		      strerror(errno));
		goto out;
	}
	if (keep < len)
		warnx("%s/%s: recovered as %s: %llu records (cut %zu bytes of an unfinished %s)",
		      opt.dir, tmp, name, (unsigned long long)recs, len - keep,
		      xz ? "xz stream" : "block");
	else
		warnx("%s/%s: recovered as %s: %llu records", opt.dir, tmp, name,
		      (unsigned long long)recs);
	index_recovered(data, dlen, name, xz, sb.st_mtime);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(dec);
}

/*
 * The .NAME.tmp files a killed run left.  Every bblog record holds a shared
 * lock on its directory: one that gets it exclusive is alone and may take
 * them.
 */
static void recover(void)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *e;
	DIR *dp;
	int dfd;

	if (flock(dirfd_out, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			warnx("%s: another bblog record writes here: its temporary files are left alone",
			      opt.dir);
		else
			warnx("%s: cannot lock it (%s): temporary files of an earlier run are left alone",
			      opt.dir, strerror(errno));
		flock(dirfd_out, LOCK_SH);
		return;
	}
	dfd = dup(dirfd_out);
	dp = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!dp) {
		warnx("%s: cannot look for files to recover: %s", opt.dir,
		      strerror(errno));
		if (dfd >= 0)
			close(dfd);
		flock(dirfd_out, LOCK_SH);
		return;
	}
	rewinddir(dp);
	while ((e = readdir(dp))) {
		char **nn;

		if (!tmp_name(e->d_name))
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn || !(nn[n] = strdup(e->d_name))) {
			names = nn ? nn : names;
			break;
		}
		names = nn;
		n++;
	}
	closedir(dp);
	for (i = 0; i < n; i++) {
		recover_one(names[i]);
		free(names[i]);
	}
	free(names);
	flock(dirfd_out, LOCK_SH);
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
	if (faccessat(dirfd_out, ".", W_OK | X_OK, AT_EACCESS) < 0)
		diex("%s: not writable by user %s: %s", opt.dir, opt.user,
		     strerror(errno));
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

/*
 * Stopping: finish what can be, say what could not be written.  Returns
 * the exit status: 0, or EXIT_UNWRITTEN.
 */
static int stop_report(struct bblog_stream *st)
{
	uint64_t dumps = 0, recs = 0, files = 0, lines = 0;
	struct bblog_msg m;
	struct list_head *e;
	struct conn *c;
	struct line *l;
	int err = pz.err;

	if (pz.on && settle() == 0)
		resumed();
	stopping = 1;
	drain(st);
	if (!pz.on && bblog_stream_eof(st, &m))
		handle_msg(&m);
	expire_idle(1);		/* finish every file (each may fail) */
	flush_owed();
	if (pz.err)
		err = pz.err;
	if (pz.msg) {
		if (bblog_msg_parse(pz.msg, pz.len, &m) == 1 &&
		    m.kind == BBLOG_MSGK_DUMP) {
			dumps++;
			recs += m.dump.nrecords;
		}
		free(pz.msg);
		pz.msg = NULL;
	}
	while (bblog_stream_next(st, &m) == 1) {
		if (m.kind == BBLOG_MSGK_DUMP) {
			dumps++;
			recs += m.dump.nrecords;
		} else {
			handle_msg(&m);
		}
	}
	if (dumps)
		warnx("stopped with %llu dump%s (%llu records) read but not written to %s (%s)%s",
		      (unsigned long long)dumps, dumps == 1 ? "" : "s", (unsigned long long)recs,
		      opt.dir, strerror(err),
		      input_is_dev ? "; dumps not read yet stay queued in the kernel for the next reader" : "");
	for (e = conns.next; e != &conns; e = e->next)
		if ((c = list_entry(e, struct conn, act))->open) {
			files++;
			warnx("%s/%s: not finished (%s): the next bblog record recovers it",
			      opt.dir, c->tmp, strerror(err));
		}
	for (l = owed; l; l = l->next)
		lines++;
	if (lines) {
		warnx("%s: %llu lines could not be added (%s); they were:",
		      index_path, (unsigned long long)lines, strerror(err));
		for (l = owed; l; l = l->next)
			warnx("%.*s", (int)(l->len && l->text[l->len - 1] == '\n' ?
					      l->len - 1 : l->len), l->text);
	}
	while ((l = owed)) {
		owed = l->next;
		free(l);
	}
	while (!list_empty(&conns)) {
		c = list_entry(conns.next, struct conn, act);
		if (c->open)	/* all committed: closing writes nothing */
			bblog_pcapng_close(&c->w);
		free_conn(c);
	}
	free(tab.b);
	tab.b = NULL;
	return dumps || files || lines ? EXIT_UNWRITTEN : 0;
}

enum { OPT_MAX_SIZE = 256, OPT_MAX_AGE };

static int unlimited(const char *s)
{
	return !strcmp(s, "unlimited") || !strcmp(s, "none");
}

int cmd_record(int argc, char **argv)
{
	struct bblog_stream st;
	struct sigaction sa;
	struct stat sb;
	unsigned char *buf;
	int fd, ch, is_stream, is_dev, status;
	uint64_t v;

	static const struct option longopts[] = {
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-age", required_argument, NULL, OPT_MAX_AGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	memset(&opt, 0, sizeof(opt));
	opt.dir = DEFAULT_DIR;
	opt.input = BBLOG_DEVICE;
	opt.limit = DEFAULT_LIMIT;
	opt.idle = DEFAULT_IDLE;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "dhJD:f:r:p:s:t:b:u:", longopts,
				 NULL)) != -1) {
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
		case OPT_MAX_SIZE:
			if (!unlimited(optarg) && parse_size(optarg, &opt.max_size) < 0)
				diex("bad directory size limit '%s'", optarg);
			opt.max_size_set = 1;
			break;
		case OPT_MAX_AGE:
			if (!unlimited(optarg) && parse_duration(optarg, &opt.max_age) < 0)
				diex("bad age limit '%s'", optarg);
			break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);

	/* the device of a module whose records this bblog cannot read: refuse */
	if (stat(opt.input, &sb) == 0 && S_ISCHR(sb.st_mode) &&
	    bblog_check_module() < 0)
		exit(1);
	fd = strcmp(opt.input, "-") ? open(opt.input, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		diex("%s: %s%s", opt.input, strerror(errno),
		     errno == ENOENT && !strcmp(opt.input, BBLOG_DEVICE) ?
		     " (is the tcp_bblog module loaded?)" : "");
	if (fstat(fd, &sb) < 0)
		diex("%s: %s", opt.input, strerror(errno));
	is_dev = input_is_dev = S_ISCHR(sb.st_mode);
	is_stream = !S_ISREG(sb.st_mode);	/* poll: idle timeouts */
	if (!opt.readsize)
		opt.readsize = is_dev ? BBLOG_MSG_MAX : 1u << 20;
	dirfd_out = open(opt.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_out < 0)
		diex("output directory %s: %s", opt.dir, strerror(errno));
	if (faccessat(dirfd_out, ".", W_OK | X_OK, AT_EACCESS) < 0)
		diex("%s: not writable: %s", opt.dir, strerror(errno));
	snprintf(index_path, sizeof(index_path), "%s/records", opt.dir);
	if (!opt.max_size_set)
		opt.max_size = default_max_size();
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
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: EFBIG, a pause */

	if (opt.daemonize) {
		if (daemon(1, 0) < 0)
			diex("daemon: %s", strerror(errno));
		openlog("bblog", LOG_PID, LOG_DAEMON);
		bblog_use_syslog = 1;
	}
	write_pidfile();
	fd_limit();
	drop_privileges();
	reopen_index();
	recover();
	retain_init(dirfd_out, opt.max_size, opt.max_age);
	retain_check();		/* a directory over its limits already */
	bblog_stream_init(&st);

	while (!got_stop) {
		ssize_t n;

		if (got_hup) {
			got_hup = 0;
			reopen_index();
		}
		if (pz.on) {
			/* retry every second; a signal cuts the wait short */
			poll(NULL, 0, 1000);
			if (got_stop)
				break;
			if (settle() < 0)
				continue;
			resumed();
			drain(&st);
			continue;
		}
		if (is_stream) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int pr = poll(&p, 1, 1000);

			expire_idle(0);
			if (pr <= 0 || pz.on)
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
		/* read where it is; what is left waits in the stream */
		if (bblog_stream_lend(&st, buf, (size_t)n) < 0) {
			warnx("out of memory buffering input");
			break;
		}
		drain(&st);
		if (bblog_stream_keep(&st) < 0) {
			warnx("out of memory buffering input");
			break;
		}
	}
	status = stop_report(&st);
	bblog_stream_destroy(&st);
	free(buf);
	if (index_fd >= 0)
		close(index_fd);
	if (fd > 0)
		close(fd);
	close(dirfd_out);
	if (opt.pidfile && opt.daemonize)
		unlink(opt.pidfile);
	return status;
}
