// SPDX-License-Identifier: GPL-2.0
/*
 * Connection filters: "family inet6", "sport 8080", "dport 8000-8100",
 * "src 10.0.0.0/8", "dst ::1", "cgroup /sys/fs/cgroup/web", "uid www-data",
 * "active" or "passive".  ss(8)'s "sport = :80" is taken too.  A local
 * port or address is "sport"/"src", a remote one "dport"/"dst", as ss
 * names them whichever side opened the connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/tcp_bblog.h>

#include "filter.h"

#define CGROUP2_MAGIC 0x63677270
#define CGROUP2_ROOT "/sys/fs/cgroup"

const char *const bblog_filter_words[] = {
	"family", "sport", "dport", "src", "dst", "cgroup", "uid", "active", "passive", NULL,
};

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int port_num(const char *s, uint16_t *port)
{
	struct servent *se;
	unsigned long v;
	char *end;

	if (*s == ':')
		s++;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && v <= 65535) {
		*port = (uint16_t)v;
		return 0;
	}
	se = *s ? getservbyname(s, "tcp") : NULL;
	if (!se)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* "80", ":80", "http", "8000-8100". */
static int port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[64];
	char *dash;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	dash = strchr(buf + (buf[0] == ':'), '-');
	if (dash)
		*dash = 0;
	if (port_num(buf, lo) || (dash ? port_num(dash + 1, hi) : (*hi = *lo, 0)))
		return -1;
	return *hi < *lo ? -1 : 0;
}

/* "10.0.0.0/8", "::1", "[fe80::1]/64"; a bare address is a full prefix. */
static int prefix_arg(const char *s, uint16_t *family, uint8_t *addr, uint8_t *bits)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long v;
	char *slash, *end, *a = buf;
	int max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (*a == '[') {
		end = strchr(a, ']');
		if (!end || end[1])
			return -1;
		*end = 0;
		a++;
	}
	if (inet_pton(AF_INET, a, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, a, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	if (!slash) {
		*bits = (uint8_t)max;
		return 0;
	}
	errno = 0;
	v = strtoul(slash, &end, 10);
	if (!*slash || *end || errno || v > (unsigned long)max)
		return -1;
	*bits = (uint8_t)v;
	return 0;
}

/*
 * The @n-th cgroup2 mount point in /proc/self/mounts into @buf; -1 past
 * the last.  /sys/fs/cgroup comes first if it is one.
 */
static int cgroup2_root(int n, char *buf, size_t len)
{
	char line[4096], dir[4096], type[64];
	struct statfs sfs;
	FILE *f;
	int i = 0;

	if (!statfs(CGROUP2_ROOT, &sfs) && sfs.f_type == CGROUP2_MAGIC) {
		if (n == 0) {
			snprintf(buf, len, "%s", CGROUP2_ROOT);
			return 0;
		}
		i = 1;
	}
	f = fopen("/proc/self/mounts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %4095s %63s", dir, type) != 2 ||
		    strcmp(type, "cgroup2") || !strcmp(dir, CGROUP2_ROOT) || i++ != n)
			continue;
		fclose(f);
		snprintf(buf, len, "%s", dir);
		return 0;
	}
	fclose(f);
	return -1;
}

/* A cgroup v2 directory (absolute, or under the cgroup2 mount) to its id. */
static int cgroup_arg(const char *s, uint64_t *id)
{
	char path[8192], root[4096];
	struct statfs sfs;
	struct stat st;

	if (*s == '/' || cgroup2_root(0, root, sizeof(root)))
		snprintf(path, sizeof(path), "%s", s);
	else
		snprintf(path, sizeof(path), "%s/%s", root, s);
	if (stat(path, &st) || !S_ISDIR(st.st_mode) || statfs(path, &sfs) ||
	    sfs.f_type != CGROUP2_MAGIC) {
		/* As printed for a cgroup whose directory is not found. */
		unsigned long long v;
		char *end;

		errno = 0;
		v = strtoull(s, &end, 10);
		if (!*s || *end || errno || !v)
			return -1;
		*id = v;
		return 0;
	}
	*id = st.st_ino;
	return 0;
}

static int uid_arg(const char *s, uint32_t *uid)
{
	struct passwd *pw;
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && v < 0xffffffffUL) {
		*uid = (uint32_t)v;
		return 0;
	}
	pw = *s ? getpwnam(s) : NULL;
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

static int family_ok(struct bblog_filter *f, uint16_t family)
{
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_FAMILY) && f->family != family)
		return -1;
	f->family = family;
	f->set |= 1u << BBLOG_MATCH_A_FAMILY;
	return 0;
}

int bblog_filter_word(struct bblog_filter *f, int argc, char **argv,
		      char *err, size_t errlen)
{
	const char *w = argv[0], *v;
	int n = 2;

	if (!strcmp(w, "active") || !strcmp(w, "passive")) {
		f->dir = w[0] == 'a' ? BBLOG_DIR_ACTIVE : BBLOG_DIR_PASSIVE;
		f->set |= 1u << BBLOG_MATCH_A_DIR;
		return 1;
	}
	if (strcmp(w, "family") && strcmp(w, "sport") && strcmp(w, "dport") &&
	    strcmp(w, "src") && strcmp(w, "dst") && strcmp(w, "cgroup") && strcmp(w, "uid"))
		return 0;
	if (argc < 2)
		FAIL("'%s' needs a value", w);
	v = argv[1];
	/* ss(8): "sport = :80", "sport eq :80". */
	if ((!strcmp(v, "=") || !strcmp(v, "==") || !strcmp(v, "eq")) && argc > 2) {
		v = argv[2];
		n = 3;
	}
	if (!strcmp(w, "family")) {
		if (!strcmp(v, "inet") || !strcmp(v, "ipv4") || !strcmp(v, "4")) {
			if (family_ok(f, AF_INET))
				FAIL("family inet and an IPv6 address");
		} else if (!strcmp(v, "inet6") || !strcmp(v, "ipv6") || !strcmp(v, "6")) {
			if (family_ok(f, AF_INET6))
				FAIL("family inet6 and an IPv4 address");
		} else {
			FAIL("bad family '%s' (inet or inet6)", v);
		}
	} else if (!strcmp(w, "sport") || !strcmp(w, "dport")) {
		int local = w[0] == 's';

		if (port_range(v, local ? &f->lport_min : &f->fport_min,
			       local ? &f->lport_max : &f->fport_max))
			FAIL("bad port or range '%s' for %s", v, w);
		f->set |= 1u << (local ? BBLOG_MATCH_A_LPORT_MIN : BBLOG_MATCH_A_FPORT_MIN);
		f->set |= 1u << (local ? BBLOG_MATCH_A_LPORT_MAX : BBLOG_MATCH_A_FPORT_MAX);
	} else if (!strcmp(w, "src") || !strcmp(w, "dst")) {
		int local = w[1] == 'r';
		uint16_t family;

		if (prefix_arg(v, &family, local ? f->laddr : f->faddr,
			       local ? &f->lprefix : &f->fprefix))
			FAIL("bad address or prefix '%s' for %s", v, w);
		if (family_ok(f, family))
			FAIL("'%s %s' is not of the family of the rest of the filter", w, v);
		f->set |= 1u << (local ? BBLOG_MATCH_A_LADDR : BBLOG_MATCH_A_FADDR);
		f->set |= 1u << (local ? BBLOG_MATCH_A_LPREFIX : BBLOG_MATCH_A_FPREFIX);
	} else if (!strcmp(w, "cgroup")) {
		if (cgroup_arg(v, &f->cgroup))
			FAIL("'%s' is not a cgroup v2 directory (absolute, or under "
			     "the cgroup2 mount)", v);
		f->set |= 1u << BBLOG_MATCH_A_CGROUP;
	} else {
		if (uid_arg(v, &f->uid))
			FAIL("unknown user '%s'", v);
		f->set |= 1u << BBLOG_MATCH_A_UID;
	}
	return n;
}

static uint64_t cgroup_wanted;
static char cgroup_found[4096];

static int cgroup_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D && (uint64_t)st->st_ino == cgroup_wanted) {
		snprintf(cgroup_found, sizeof(cgroup_found), "%s", path);
		return 1;
	}
	return 0;
}

/* The directory of the cgroup v2 @id, or its number if none is found. */
static void cgroup_name(uint64_t id, char *buf, size_t len)
{
	char root[4096];
	int n;

	cgroup_wanted = id;
	for (n = 0; !cgroup2_root(n, root, sizeof(root)); n++) {
		cgroup_found[0] = 0;
		if (nftw(root, cgroup_visit, 16, FTW_PHYS | FTW_MOUNT) == 1 &&
		    !strchr(cgroup_found, ' ')) {
			snprintf(buf, len, "%s", cgroup_found);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)id);
}

static void port_text(char *buf, size_t len, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

static void prefix_text(char *buf, size_t len, uint16_t family, const uint8_t *addr,
			unsigned int bits)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	if (bits == (family == AF_INET6 ? 128u : 32u))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, bits);
}

void bblog_filter_format(const struct bblog_filter *f, char *buf, size_t len)
{
	char v[4096];
	size_t off = 0;

#define ADD(...) do { \
	if (off < len) \
		off += (size_t)snprintf(buf + off, len - off, "%s", off ? " " : ""); \
	if (off < len) \
		off += (size_t)snprintf(buf + off, len - off, __VA_ARGS__); \
} while (0)
	buf[0] = 0;
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_FAMILY) &&
	    !BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_LADDR) && !BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_FADDR))
		ADD("family %s", f->family == AF_INET6 ? "inet6" : "inet");
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_LPORT_MIN)) {
		port_text(v, sizeof(v), f->lport_min, f->lport_max);
		ADD("sport %s", v);
	}
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_FPORT_MIN)) {
		port_text(v, sizeof(v), f->fport_min, f->fport_max);
		ADD("dport %s", v);
	}
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_LADDR)) {
		prefix_text(v, sizeof(v), f->family, f->laddr, f->lprefix);
		ADD("src %s", v);
	}
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_FADDR)) {
		prefix_text(v, sizeof(v), f->family, f->faddr, f->fprefix);
		ADD("dst %s", v);
	}
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_CGROUP)) {
		cgroup_name(f->cgroup, v, sizeof(v));
		ADD("cgroup %s", v);
	}
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_UID))
		ADD("uid %u", f->uid);
	if (BBLOG_FILTER_HAS(f, BBLOG_MATCH_A_DIR))
		ADD("%s", f->dir == BBLOG_DIR_ACTIVE ? "active" : "passive");
	if (!off)
		snprintf(buf, len, "all");
#undef ADD
}
