// SPDX-License-Identifier: GPL-2.0
/*
 * Retention of bblog record's output directory.  What counts is what record
 * writes there: the finished capture files (NAME.pcapng[.xz]), the files it
 * is writing and the records index; other files are neither counted nor
 * touched.  Only finished capture files are removed, the oldest (by
 * modification time) first: those older than max_age, then more while the
 * whole is over max_size.  A file being written (.NAME.tmp) never is.
 *
 * The finished files are listed at start and again every RESCAN seconds
 * (files removed by hand, another record writing here); in between, record
 * adds each file it finishes, the newest, at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "retain.h"
#include "util.h"

#define RESCAN	60

struct rfile {
	char *name;
	uint64_t size;
	ino_t ino;
	struct timespec mtime;
};

static struct {
	int dirfd;
	uint64_t max_size, max_age;
	struct rfile *f;		/* oldest first, from head on */
	size_t head, n, cap;
	uint64_t bytes;			/* of f[head..n) */
	time_t scanned;
	int over;			/* said it cannot get under max_size */
} rt = { .dirfd = -1 };

int retain_is_capture(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 7 && !strcmp(name + n - 7, ".pcapng")) ||
	       (n > 10 && !strcmp(name + n - 10, ".pcapng.xz"));
}

static int by_age(const void *a, const void *b)
{
	const struct rfile *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void clear(void)
{
	size_t i;

	for (i = rt.head; i < rt.n; i++)
		free(rt.f[i].name);
	rt.head = rt.n = 0;
	rt.bytes = 0;
}

static int push(const char *name, const struct stat *sb)
{
	struct rfile *f;

	if (rt.head && rt.n == rt.cap) {	/* move the live ones down */
		memmove(rt.f, rt.f + rt.head, (rt.n - rt.head) * sizeof(*rt.f));
		rt.n -= rt.head;
		rt.head = 0;
	}
	if (rt.n == rt.cap) {
		size_t cap = rt.cap ? rt.cap * 2 : 256;

		f = realloc(rt.f, cap * sizeof(*f));
		if (!f)
			return -1;
		rt.f = f;
		rt.cap = cap;
	}
	f = &rt.f[rt.n];
	f->name = strdup(name);
	if (!f->name)
		return -1;
	f->size = (uint64_t)sb->st_size;
	f->ino = sb->st_ino;
	f->mtime = sb->st_mtim;
	rt.n++;
	rt.bytes += f->size;
	return 0;
}

/* List the finished capture files anew. */
static void scan(void)
{
	struct dirent *e;
	struct stat sb;
	DIR *dp;
	int fd;

	rt.scanned = time(NULL);
	fd = dup(rt.dirfd);
	dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		warnx("cannot list the output directory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;		/* the list as it was */
	}
	clear();
	rewinddir(dp);
	while ((e = readdir(dp))) {
		if (!retain_is_capture(e->d_name) ||
		    fstatat(rt.dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (push(e->d_name, &sb) < 0) {
			warnx("out of memory listing the output directory");
			break;
		}
	}
	closedir(dp);
	if (rt.n > 1)
		qsort(rt.f, rt.n, sizeof(*rt.f), by_age);
}

void retain_init(int dirfd, uint64_t max_size, uint64_t max_age)
{
	rt.dirfd = dirfd;
	rt.max_size = max_size;
	rt.max_age = max_age;
	if (max_size || max_age)
		scan();
}

void retain_add(const char *name)
{
	struct stat sb;

	if (!rt.max_size && !rt.max_age)
		return;
	if (fstatat(rt.dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return;		/* gone already */
	if (push(name, &sb) < 0)
		warnx("out of memory: %s not counted until the next listing", name);
}

/* Remove the oldest file (the same one still), say why: 1 if removed. */
static int remove_oldest(const char *limit, retain_said_fn *said)
{
	struct rfile *f = &rt.f[rt.head];
	struct stat sb;
	int done = 0;

	if (fstatat(rt.dirfd, f->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    sb.st_ino == f->ino) {
		if (unlinkat(rt.dirfd, f->name, 0) == 0) {
			said(f->name, f->size, limit);
			done = 1;
		} else if (errno != ENOENT)
			warnx("%s: cannot remove it (%s limit): %s", f->name,
			      limit, strerror(errno));
	}
	rt.bytes -= f->size;
	free(f->name);
	rt.head++;
	return done;
}

int retain_enforce(uint64_t busy, retain_said_fn *said)
{
	time_t now = time(NULL);
	int n = 0;

	if (!rt.max_size && !rt.max_age)
		return 0;
	if (now - rt.scanned >= RESCAN || now < rt.scanned)
		scan();
	while (rt.head < rt.n) {
		const struct rfile *f = &rt.f[rt.head];

		if (rt.max_age && now > f->mtime.tv_sec &&
		    (uint64_t)(now - f->mtime.tv_sec) >= rt.max_age)
			n += remove_oldest("age", said);
		else if (rt.max_size && rt.bytes + busy > rt.max_size)
			n += remove_oldest("size", said);
		else
			break;
	}
	if (!rt.max_size || rt.bytes + busy <= rt.max_size) {
		rt.over = 0;
	} else if (!rt.over) {
		rt.over = 1;
		warnx("the files being written and the index take %llu bytes, over the size limit of %llu: nothing finished left to remove",
		      (unsigned long long)busy, (unsigned long long)rt.max_size);
	}
	return n;
}
