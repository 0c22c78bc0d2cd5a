// SPDX-License-Identifier: GPL-2.0
/* Paths of cgroup v2 ids, by walking the cgroup2 mount.  See cgpath.h. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgpath.h"

#define CG_MAX_ENTRIES	65536	/* cgroups remembered from one walk */
#define CG_MAX_DEPTH	32	/* levels below the root walked */
#define CG_PATH_MAX	4096

struct cg_entry {
	uint64_t id;
	char *path;
};

static struct {
	char root[CG_PATH_MAX];	/* where the hierarchy is mounted */
	int root_set;		/* root decided (found, or given by a test) */
	struct cg_entry *e;	/* sorted by id after a walk */
	size_t n, cap;
	struct timespec walked;	/* CLOCK_MONOTONIC of the last walk */
	int have_walked;
} cg;

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

const char *bblog_cgroup2_mount(void)
{
	static char found[CG_PATH_MAX];
	char line[8192];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	const char *ret = NULL;

	if (!f)
		return NULL;
	while (!ret && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - "), *mnt, *fstype, *save;
		int i;

		if (!sep)
			continue;
		fstype = strtok_r(sep + 3, " ", &save);
		if (!fstype || strcmp(fstype, "cgroup2"))
			continue;
		*sep = 0;
		/* id parent major:minor root mount-point ... */
		mnt = strtok_r(line, " ", &save);
		for (i = 0; mnt && i < 4; i++)
			mnt = strtok_r(NULL, " ", &save);
		if (!mnt || strlen(mnt) >= sizeof(found))
			continue;
		strcpy(found, mnt);
		unescape(found);
		ret = found;
	}
	fclose(f);
	return ret;
}

static void cg_clear(void)
{
	size_t i;

	for (i = 0; i < cg.n; i++)
		free(cg.e[i].path);
	cg.n = 0;
}

static int cg_add(uint64_t id, const char *path)
{
	char *p;

	if (cg.n == CG_MAX_ENTRIES)
		return -1;
	if (cg.n == cg.cap) {
		size_t ncap = cg.cap ? cg.cap * 2 : 64;
		struct cg_entry *ne = realloc(cg.e, ncap * sizeof(*ne));

		if (!ne)
			return -1;
		cg.e = ne;
		cg.cap = ncap;
	}
	p = strdup(path);
	if (!p)
		return -1;
	cg.e[cg.n].id = id;
	cg.e[cg.n].path = p;
	cg.n++;
	return 0;
}

/* The directories below @fd (whose path is @path, "" for the root). */
static void cg_walk(int fd, const char *path, int depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;

	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		char sub[CG_PATH_MAX];
		struct stat sb;
		int cfd;

		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (fstatat(dirfd(dir), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(sb.st_mode))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			continue;
		if (cg_add((uint64_t)sb.st_ino, sub) < 0)
			break;
		if (depth >= CG_MAX_DEPTH)
			continue;
		cfd = openat(dirfd(dir), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0)
			cg_walk(cfd, sub, depth + 1);
	}
	closedir(dir);
}

static int cg_cmp(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void cg_rescan(void)
{
	struct stat sb;
	int fd;

	cg_clear();
	clock_gettime(CLOCK_MONOTONIC, &cg.walked);
	cg.have_walked = 1;
	if (!cg.root_set) {
		const char *m = bblog_cgroup2_mount();

		cg.root[0] = 0;
		if (m)
			snprintf(cg.root, sizeof(cg.root), "%s", m);
		cg.root_set = 1;
	}
	if (!cg.root[0])
		return;
	fd = open(cg.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && cg_add((uint64_t)sb.st_ino, "/") == 0)
		cg_walk(fd, "", 1);
	else
		close(fd);
	qsort(cg.e, cg.n, sizeof(*cg.e), cg_cmp);
}

static const char *cg_find(uint64_t id)
{
	struct cg_entry key = { .id = id }, *e;

	if (!cg.n)
		return NULL;
	e = bsearch(&key, cg.e, cg.n, sizeof(*cg.e), cg_cmp);
	return e ? e->path : NULL;
}

const char *bblog_cgroup_path(uint64_t id)
{
	struct timespec now;
	const char *p;

	if (!id)
		return NULL;
	if (cg.have_walked && (p = cg_find(id)))
		return p;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (cg.have_walked &&
	    (now.tv_sec - cg.walked.tv_sec) * 1000000000LL +
	    (now.tv_nsec - cg.walked.tv_nsec) < 1000000000LL)
		return NULL;		/* walked less than a second ago */
	cg_rescan();
	return cg_find(id);
}

void bblog_cgroup_root(const char *root)
{
	cg_clear();
	cg.have_walked = 0;
	cg.root_set = root != NULL;
	cg.root[0] = 0;
	if (root)
		snprintf(cg.root, sizeof(cg.root), "%s", root);
}
