// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest sockopt-errors: every bad input on the tcp_bblog socket options,
 * each checked against the errno the uapi header documents.  TAP-ish output
 * ("ok N - ...", "not ok N - ...", "# note: ..." for behaviour the contract
 * leaves open); exit status 1 on any mismatch.
 *
 * --unloaded: the module is not loaded, every option gives ENOPROTOOPT.
 * --no-sysctl: skip the disable_all (EBUSY) case.
 * --unprivileged: only the cases of net.tcp_bblog.unprivileged, at the level
 * it has: a user without CAP_NET_ADMIN gets EPERM from every option at 0,
 * and the options work at 1 and 2; root's work at every level.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bbtest.h"

static int ntest, nfail;

static const char *en(int e)
{
	const char *n;

	if (!e)
		return "success";
	n = strerrorname_np(e);
	return n ? n : "E?";
}

/* check DESC RC ERR WANT: RC/ERR from the call, WANT 0 = must succeed. */
static void check_rc(const char *desc, int rc, int err, int want)
{
	int got = rc < 0 ? err : 0;

	ntest++;
	if (got == want) {
		printf("ok %d - %s: %s\n", ntest, desc, en(got));
	} else {
		printf("not ok %d - %s: got %s, want %s\n", ntest, desc, en(got), en(want));
		nfail++;
	}
}

/*
 * The call is often written inline as the RC argument: evaluate it before
 * reading errno (the order of function arguments is unspecified).
 */
#define check(desc, call, err, want) do {		\
	int rc_ = (call);				\
	check_rc((desc), rc_, (err), (want));		\
} while (0)

/* Options that do not exist in that direction, or at all: ENOPROTOOPT. */
#define check_fails(desc, call, err) check((desc), (call), (err), ENOPROTOOPT)

static void check_true(const char *desc, int cond, const char *detail)
{
	ntest++;
	if (cond) {
		printf("ok %d - %s\n", ntest, desc);
	} else {
		printf("not ok %d - %s: %s\n", ntest, desc, detail);
		nfail++;
	}
}

static int tcp(int family)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket: %m");
	return fd;
}

static int setm(int fd, int level, int mode)
{
	return setsockopt(fd, level, BBLOG_SO_MODE, &mode, sizeof(mode));
}

static int getm(int fd, int level, int *mode)
{
	socklen_t l = sizeof(*mode);

	*mode = -100;
	return getsockopt(fd, level, BBLOG_SO_MODE, mode, &l);
}

static int getid(int fd, int level, char *buf, size_t len)
{
	socklen_t l = (socklen_t)len;

	memset(buf, 0x7e, len);
	if (getsockopt(fd, level, BBLOG_SO_ID, buf, &l) < 0)
		return -1;
	if (l < len)
		buf[l] = 0;
	buf[len - 1] = 0;
	return 0;
}

static void unloaded(void)
{
	static const int opts[] = {
		BBLOG_SO_MODE, BBLOG_SO_ID, BBLOG_SO_TAG, BBLOG_SO_DUMP,
		BBLOG_SO_DUMPID, BBLOG_SO_BUF, BBLOG_SO_ID_CNT,
	};
	char buf[512], d[80];
	unsigned int i;
	int fd = tcp(AF_INET), r;
	socklen_t l;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int o = opts[i] - BBLOG_SO_BASE;

		r = setsockopt(fd, SOL_IP, opts[i], buf, sizeof(int));
		snprintf(d, sizeof(d), "unloaded: setsockopt option %d", o);
		check(d, r, errno, ENOPROTOOPT);
		l = sizeof(buf);
		r = getsockopt(fd, SOL_IP, opts[i], buf, &l);
		snprintf(d, sizeof(d), "unloaded: getsockopt option %d", o);
		check(d, r, errno, ENOPROTOOPT);
	}
	close(fd);
}

static void mode_cases(void)
{
	int fd = tcp(AF_INET), v, m, r, mode;
	static const int bad[] = { -2, 6, 1000, INT_MIN, INT_MAX };
	char d[80], two[2] = { 1, 0 }, buf[BBLOG_ID_LEN];
	struct bblog_record rec;
	socklen_t l;
	unsigned int i;
	__u32 cnt = 99;

	r = setsockopt(fd, SOL_IP, BBLOG_SO_MODE, two, 0);
	check("MODE set, optlen 0", r, errno, EINVAL);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_MODE, two, 2);
	check("MODE set, optlen 2", r, errno, EINVAL);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_MODE, two, 3);
	check("MODE set, optlen 3", r, errno, EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(d, sizeof(d), "MODE set %d (unknown)", bad[i]);
		check(d, setm(fd, SOL_IP, bad[i]), errno, EINVAL);
	}
	for (m = BBLOG_MODE_MAX; m >= BBLOG_MODE_CLEAR; m--) {
		snprintf(d, sizeof(d), "MODE set %d (%s)", m, mode_name(m));
		check(d, setm(fd, SOL_IP, m), errno, 0);
		r = getm(fd, SOL_IP, &v);
		snprintf(d, sizeof(d), "MODE get after set %d", m);
		check(d, r, errno, 0);
		if (!r) {
			char det[64];
			int want = m == BBLOG_MODE_CLEAR ? BBLOG_MODE_OFF : m;

			snprintf(det, sizeof(det), "got %d, want %d", v, want);
			snprintf(d, sizeof(d), "MODE get after set %d returns %d", m, want);
			check_true(d, v == want, det);
		}
	}
	l = 2;
	r = getsockopt(fd, SOL_IP, BBLOG_SO_MODE, &v, &l);
	check("MODE get, optlen 2", r, errno, EINVAL);
	{
		long long big = -1;

		l = sizeof(big);
		r = getsockopt(fd, SOL_IP, BBLOG_SO_MODE, &big, &l);
		check("MODE get, optlen 8", r, errno, 0);
		if (!r && l != sizeof(int))
			printf("# note: MODE get with optlen 8 returned optlen %u\n", (unsigned int)l);
	}
	close(fd);

	/* A listening socket. */
	fd = tcp(AF_INET);
	{
		struct sockaddr_storage ss;
		socklen_t sl;

		make_addr(0, "127.0.0.1", 0, &ss, &sl);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1) < 0)
			die("listen: %m");
	}
	/* A listener takes a template for the connections it accepts. */
	check("MODE set TAIL on a listening socket", setm(fd, SOL_IP, BBLOG_MODE_TAIL), errno, 0);
	check("MODE set CONTINUAL on a listening socket",
	      setm(fd, SOL_IP, BBLOG_MODE_CONTINUAL), errno, 0);
	check("MODE set 6 on a listening socket", setm(fd, SOL_IP, 6), errno, EINVAL);
	check("MODE get on a listening socket", getm(fd, SOL_IP, &mode), errno, 0);
	check_true("MODE get on a listening socket returns its template",
		   mode == BBLOG_MODE_CONTINUAL, "not CONTINUAL");
	check("ID set on a listening socket", set_str_opt(fd, BBLOG_SO_ID, "lst"), errno, 0);
	check("ID get on a listening socket", getid(fd, SOL_IP, buf, sizeof(buf)), errno, 0);
	check_true("ID get on a listening socket returns its template", !strcmp(buf, "lst"), buf);
	l = sizeof(cnt);
	check("ID_CNT on a listener whose ID no connection carries",
	      getsockopt(fd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l), errno, 0);
	check_true("ID_CNT on that listener is 0", cnt == 0, "not 0");
	check("TAG set on a listening socket", set_str_opt(fd, BBLOG_SO_TAG, "t"), errno, ENOENT);
	check("DUMPID on a listening socket", set_str_opt(fd, BBLOG_SO_DUMPID, "x"), errno, 0);
	check("DUMP on a listening socket", set_str_opt(fd, BBLOG_SO_DUMP, "x"), errno, 0);
	l = sizeof(rec);
	check("BUF on a listening socket", getsockopt(fd, SOL_IP, BBLOG_SO_BUF, &rec, &l), errno, 0);
	check_true("BUF on a listening socket is empty", l == 0, "records returned");
	check("ID set \"\" on a listening socket", set_str_opt(fd, BBLOG_SO_ID, ""), errno, 0);
	check("ID get after clearing", getid(fd, SOL_IP, buf, sizeof(buf)), errno, 0);
	check_true("ID get after clearing returns \"\"", buf[0] == 0, buf);
	check("MODE set CLEAR on a listening socket", setm(fd, SOL_IP, BBLOG_MODE_CLEAR), errno, 0);
	getm(fd, SOL_IP, &mode);
	check_true("MODE after CLEAR on a listening socket is OFF", mode == BBLOG_MODE_OFF, "not OFF");
	close(fd);
}

static void id_cases(void)
{
	int fd = tcp(AF_INET), r;
	char buf[128], longid[101], det[160];
	socklen_t l;
	__u32 cnt;

	r = getid(fd, SOL_IP, buf, sizeof(buf));
	check("ID get without an ID", r, errno, 0);
	if (!r)
		check_true("ID get without an ID returns \"\"", buf[0] == 0, buf);
	check("TAG set without an ID", set_str_opt(fd, BBLOG_SO_TAG, "t"), errno, ENOENT);
	l = sizeof(cnt);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	check("ID_CNT get without an ID", r, errno, ENOENT);

	check("ID set \"abc\"", set_str_opt(fd, BBLOG_SO_ID, "abc"), errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	check_true("ID get returns \"abc\"", !r && !strcmp(buf, "abc"), r ? en(errno) : buf);
	check("ID set \"\" (takes the connection out of its ID)",
	      set_str_opt(fd, BBLOG_SO_ID, ""), errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	check_true("ID get after \"\" is \"\"", !r && !buf[0], r ? en(errno) : buf);
	l = sizeof(cnt);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	check("ID_CNT get after leaving the ID", r, errno, ENOENT);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_ID, "defgh", 5);
	check("ID set without a NUL (optlen 5)", r, errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	check_true("ID get returns \"defgh\"", !r && !strcmp(buf, "defgh"), r ? en(errno) : buf);

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	check("ID set 100 bytes", set_str_opt(fd, BBLOG_SO_ID, longid), errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	snprintf(det, sizeof(det), "got %zu bytes", r ? 0 : strlen(buf));
	check_true("ID of 100 bytes truncated to 63",
		   !r && strlen(buf) == BBLOG_ID_LEN - 1 && !strncmp(buf, longid, 63), det);
	memset(longid, 'y', BBLOG_ID_LEN);
	longid[BBLOG_ID_LEN] = 0;
	check("ID set 64 bytes", set_str_opt(fd, BBLOG_SO_ID, longid), errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	snprintf(det, sizeof(det), "got %zu bytes", r ? 0 : strlen(buf));
	check_true("ID of 64 bytes truncated to 63", !r && strlen(buf) == BBLOG_ID_LEN - 1, det);

	check("TAG set with an ID", set_str_opt(fd, BBLOG_SO_TAG, "tag1"), errno, 0);
	memset(longid, 't', 40);
	longid[40] = 0;
	check("TAG set 40 bytes (truncated)", set_str_opt(fd, BBLOG_SO_TAG, longid), errno, 0);
	l = 2;
	r = getsockopt(fd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	check("ID_CNT get, optlen 2", r, errno, EINVAL);
	/* Not in the contract: what an empty option value does to the ID. */
	r = setsockopt(fd, SOL_IP, BBLOG_SO_ID, "", 0);
	printf("# note: ID set with optlen 0: %s", r < 0 ? en(errno) : "success");
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	printf(", the ID is then \"%s\"\n", r ? "?" : buf);
	close(fd);
}

static void buf_cases(void)
{
	char small[10], det[96];
	int cfd, sfd, r;
	size_t cap = 4096 * sizeof(struct bblog_record);
	uint8_t *rb = malloc(cap);
	void *fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	socklen_t l;
	char id[32];
	__u32 cnt;

	if (!rb)
		die("out of memory");
	loop_pair(AF_INET, BBLOG_MODE_TAIL, NULL, &cfd, &sfd);
	loop_xfer(cfd, sfd, 8192);
	l = sizeof(small);
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, small, &l);
	check("BUF get with a 10-byte buffer", r, errno, EINVAL);
	if (fault_page == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	l = (socklen_t)cap;
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, fault_page, &l);
	check("BUF get into an unmapped buffer", r, errno, EFAULT);
	munmap(fault_page, 4096);
	/* ... and the records are all still there: the next read sees >= 5. */
	l = (socklen_t)cap;
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, rb, &l);
	check("BUF get on a TAIL connection", r, errno, 0);
	if (!r) {
		uint32_t i, n = l / sizeof(struct bblog_record), bad = 0;

		snprintf(det, sizeof(det), "optlen %u", (unsigned int)l);
		check_true("BUF returns whole records", l % sizeof(struct bblog_record) == 0, det);
		check_true("BUF returns at least the handshake and data (>= 5 records)", n >= 5,
			   det);
		for (i = 1; i < n; i++) {
			const struct bblog_record *a = (void *)(rb + (i - 1) * sizeof(*a));
			const struct bblog_record *b = (void *)(rb + i * sizeof(*b));

			if (b->sn <= a->sn)
				bad++;
		}
		check_true("BUF records in increasing sn order", !bad, "sn not increasing");
	}
	l = sizeof(struct bblog_record);
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_BUF, rb, &l);
	check("BUF get with exactly one record of space", r, errno, 0);
	if (!r)
		check_true("BUF with one record of space returns 0 or one record",
			   l == 0 || l == sizeof(struct bblog_record), "bad optlen");

	check("DUMP with reason \"\"", setsockopt(cfd, SOL_IP, BBLOG_SO_DUMP, "", 1), errno, 0);
	check("DUMPID without an ID (as DUMP)", set_str_opt(cfd, BBLOG_SO_DUMPID, "noid"),
	      errno, 0);
	close(cfd);
	close(sfd);

	/* Both ends of a pair share an ID: ID_CNT 2 on either side. */
	snprintf(id, sizeof(id), "sockerr-%d", (int)getpid());
	loop_pair(AF_INET, BBLOG_MODE_TAIL, id, &cfd, &sfd);
	l = sizeof(cnt);
	cnt = 0;
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	check("ID_CNT get with an ID", r, errno, 0);
	snprintf(det, sizeof(det), "got %u", cnt);
	check_true("ID_CNT counts both ends of a pair (2)", !r && cnt == 2, det);
	l = sizeof(cnt);
	cnt = 0;
	r = getsockopt(sfd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	snprintf(det, sizeof(det), "got %u", cnt);
	check_true("ID_CNT on the accepted end (2)", !r && cnt == 2, det);

	/* EPERM: DUMPID reaches the other end, the caller has no CAP_NET_ADMIN. */
	{
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork: %m");
		if (!pid) {
			if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
				_exit(100);
			r = set_str_opt(cfd, BBLOG_SO_DUMPID, "eperm");
			_exit(r < 0 ? errno : 0);
		}
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 100)
			die("setresuid failed");
		check("DUMPID reaching another connection without CAP_NET_ADMIN", -1,
		      WIFEXITED(st) ? WEXITSTATUS(st) : EFAULT, EPERM);
	}
	check("DUMPID reaching another connection as root",
	      set_str_opt(cfd, BBLOG_SO_DUMPID, "root"), errno, 0);
	close(cfd);
	close(sfd);
	free(rb);
}

/*
 * One user's half of owner_cases(): a loopback pair with ID @id as @uid,
 * then (after @go) ID_CNT and DUMPID on it.  Exit status: 100 setuid
 * failed, else bit 1 ID_CNT was not 2 (its own pair), bit 2 DUMPID failed.
 */
static void owner_child(uid_t uid, const char *id, int ready, int go, int done)
{
	socklen_t l = sizeof(__u32);
	int cfd, sfd, st = 0;
	__u32 cnt = 0;
	char b = 0;

	if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		_exit(100);
	loop_pair(AF_INET, BBLOG_MODE_TAIL, id, &cfd, &sfd);
	if (uid == 1002 && set_str_opt(cfd, BBLOG_SO_TAG, "not-yours") < 0)
		st |= 4;
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		_exit(101);
	if (getsockopt(cfd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l) < 0 || cnt != 2)
		st |= 1;
	if (set_str_opt(cfd, BBLOG_SO_DUMPID, "own") < 0)
		st |= 2;
	if (write(ready, &b, 1) != 1 || read(done, &b, 1) != 1)
		_exit(101);
	_exit(st);
}

/*
 * Two users without CAP_NET_ADMIN pick the same ID: each sees and dumps
 * only its own connections (a shared bucket would count 4 and refuse both
 * DUMPIDs with EPERM); root's ID of that name is a third bucket.
 */
static void owner_cases(void)
{
	int ready[2], go[2], done[2], st[2], i, cfd, sfd, r;
	char id[32], det[64], b = 0;
	socklen_t l = sizeof(__u32);
	pid_t pid[2];
	__u32 cnt = 0;

	snprintf(id, sizeof(id), "owners-%d", (int)getpid());
	if (pipe(ready) < 0 || pipe(go) < 0 || pipe(done) < 0)
		die("pipe: %m");
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork: %m");
		if (!pid[i])
			owner_child(1001 + i, id, ready[1], go[0], done[0]);
	}
	/* Both pairs exist before either child looks. */
	for (i = 0; i < 2; i++)
		if (read(ready[0], &b, 1) != 1)
			die("owner child died");
	loop_pair(AF_INET, BBLOG_MODE_TAIL, id, &cfd, &sfd);
	r = getsockopt(cfd, SOL_IP, BBLOG_SO_ID_CNT, &cnt, &l);
	snprintf(det, sizeof(det), "got %u", cnt);
	check_true("ID_CNT as root: root's bucket of the name only (2)", !r && cnt == 2, det);
	if (write(go[1], "gg", 2) != 2)
		die("pipe: %m");
	for (i = 0; i < 2; i++)
		if (read(ready[0], &b, 1) != 1)
			die("owner child died");
	if (write(done[1], "dd", 2) != 2)
		die("pipe: %m");
	for (i = 0; i < 2; i++) {
		waitpid(pid[i], &st[i], 0);
		if (!WIFEXITED(st[i]) || WEXITSTATUS(st[i]) >= 100)
			die("owner child %d failed (status 0x%x)", i, st[i]);
		st[i] = WEXITSTATUS(st[i]);
		snprintf(det, sizeof(det), "uid %d", 1001 + i);
		check_true("ID_CNT of a user's ID counts its own connections only (2)",
			   !(st[i] & 1), det);
		check_true("DUMPID of a user's ID dumps its own connections (no EPERM)",
			   !(st[i] & 2), det);
		check_true("TAG of a user's ID set", !(st[i] & 4), det);
	}
	close(cfd);
	close(sfd);
	for (i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
		close(done[i]);
	}
}

static void family_cases(void)
{
	int fd, v, r, m;
	char buf[80];

	/* UDP sockets reach the handler too: the module refuses them. */
	for (m = 0; m < 2; m++) {
		const char *fam = m ? "UDPv6" : "UDPv4";
		char d[80];
		socklen_t l = sizeof(buf);

		fd = socket(m ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket: %m");
		snprintf(d, sizeof(d), "%s: MODE set", fam);
		check(d, setm(fd, SOL_IP, BBLOG_MODE_TAIL), errno, EOPNOTSUPP);
		snprintf(d, sizeof(d), "%s: MODE get", fam);
		check(d, getm(fd, SOL_IP, &v), errno, EOPNOTSUPP);
		snprintf(d, sizeof(d), "%s: ID set", fam);
		check(d, set_str_opt(fd, BBLOG_SO_ID, "udp"), errno, EOPNOTSUPP);
		snprintf(d, sizeof(d), "%s: DUMP set", fam);
		check(d, set_str_opt(fd, BBLOG_SO_DUMP, "udp"), errno, EOPNOTSUPP);
		snprintf(d, sizeof(d), "%s: BUF get", fam);
		r = getsockopt(fd, SOL_IP, BBLOG_SO_BUF, buf, &l);
		check(d, r, errno, EOPNOTSUPP);
		close(fd);
	}

	/* IPv6 TCP: SOL_IP and SOL_IPV6 reach the same state. */
	fd = tcp(AF_INET6);
	check("IPv6: MODE set at SOL_IPV6", setm(fd, SOL_IPV6, BBLOG_MODE_TAIL), errno, 0);
	r = getm(fd, SOL_IP, &v);
	check_true("IPv6: MODE get at SOL_IP sees TAIL", !r && v == BBLOG_MODE_TAIL,
		   r ? en(errno) : "other value");
	check("IPv6: MODE set at SOL_IP", setm(fd, SOL_IP, BBLOG_MODE_HEAD), errno, 0);
	r = getm(fd, SOL_IPV6, &v);
	check_true("IPv6: MODE get at SOL_IPV6 sees HEAD", !r && v == BBLOG_MODE_HEAD,
		   r ? en(errno) : "other value");
	r = setsockopt(fd, SOL_IPV6, BBLOG_SO_ID, "six", 4);
	check("IPv6: ID set at SOL_IPV6", r, errno, 0);
	r = getid(fd, SOL_IP, buf, sizeof(buf));
	check_true("IPv6: ID get at SOL_IP sees \"six\"", !r && !strcmp(buf, "six"),
		   r ? en(errno) : buf);
	check("IPv6: MODE set 6 at SOL_IPV6", setm(fd, SOL_IPV6, 6), errno, EINVAL);
	close(fd);
}

static void direction_cases(void)
{
	int fd = tcp(AF_INET), r, k;
	char buf[512];
	socklen_t l;

	set_str_opt(fd, BBLOG_SO_ID, "dir");
	/* Set-only options read back, get-only options written. */
	l = sizeof(buf);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_TAG, buf, &l);
	check_fails("TAG get (set-only)", r, errno);
	l = sizeof(buf);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_DUMP, buf, &l);
	check_fails("DUMP get (set-only)", r, errno);
	l = sizeof(buf);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_DUMPID, buf, &l);
	check_fails("DUMPID get (set-only)", r, errno);
	memset(buf, 0, sizeof(buf));
	r = setsockopt(fd, SOL_IP, BBLOG_SO_BUF, buf, 256);
	check_fails("BUF set (get-only)", r, errno);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_ID_CNT, buf, 4);
	check_fails("ID_CNT set (get-only)", r, errno);
	l = sizeof(buf);
	r = getsockopt(fd, SOL_IP, BBLOG_SO_LOG, buf, &l);
	check_fails("LOG get (set-only)", r, errno);
	/* An application event: type and subtype at least, data within the structure. */
	r = setsockopt(fd, SOL_IP, BBLOG_SO_LOG, buf, 7);
	check("LOG set of 7 bytes", r, errno, EINVAL);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_LOG, buf, sizeof(struct bblog_user_event) + 1);
	check("LOG set longer than struct bblog_user_event", r, errno, EINVAL);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_LOG, NULL, 8);
	check("LOG set from a NULL pointer", r, errno, EFAULT);
	r = setsockopt(fd, SOL_IP, BBLOG_SO_LOG, buf, 8);
	check("LOG set on a connection not logged (nothing recorded)", r, errno, 0);
	for (k = 8; k < 16; k += 7) {
		char d[64];

		snprintf(d, sizeof(d), "unused option BASE+%d set", k);
		r = setsockopt(fd, SOL_IP, BBLOG_SO_BASE + k, buf, 4);
		check_fails(d, r, errno);
		snprintf(d, sizeof(d), "unused option BASE+%d get", k);
		l = sizeof(buf);
		r = getsockopt(fd, SOL_IP, BBLOG_SO_BASE + k, buf, &l);
		check_fails(d, r, errno);
	}
	close(fd);
}

static void disable_all_cases(void)
{
	char old[32];
	int fd, r, v;

	if (sysctl_read("disable_all", old, sizeof(old)) < 0) {
		check("read net.tcp_bblog.disable_all", -1, errno, 0);
		return;
	}
	if (sysctl_write("disable_all", "1") < 0) {
		check("write net.tcp_bblog.disable_all=1", -1, errno, 0);
		return;
	}
	fd = tcp(AF_INET);
	check("disable_all: MODE set", setm(fd, SOL_IP, BBLOG_MODE_TAIL), errno, EBUSY);
	check("disable_all: ID set", set_str_opt(fd, BBLOG_SO_ID, "busy"), errno, EBUSY);
	check("disable_all: DUMP set", set_str_opt(fd, BBLOG_SO_DUMP, "busy"), errno, EBUSY);
	r = getm(fd, SOL_IP, &v);
	check("disable_all: MODE get still works", r, errno, 0);
	close(fd);
	if (sysctl_write("disable_all", old) < 0)
		die("restore disable_all: %m");
	fd = tcp(AF_INET);
	check("disable_all back to 0: MODE set", setm(fd, SOL_IP, BBLOG_MODE_TAIL), errno, 0);
	close(fd);
}

/* One caller's options on a socket of its own; want: 0 or EPERM. */
static void unpriv_options(const char *who, int want)
{
	char d[96], buf[sizeof(struct bblog_record) * 4];
	socklen_t l = sizeof(buf);
	int fd = tcp(AF_INET), v;

	snprintf(d, sizeof(d), "%s: MODE set", who);
	check(d, setm(fd, SOL_IP, BBLOG_MODE_TAIL), errno, want);
	snprintf(d, sizeof(d), "%s: MODE get", who);
	check(d, getm(fd, SOL_IP, &v), errno, want);
	snprintf(d, sizeof(d), "%s: ID set", who);
	check(d, set_str_opt(fd, BBLOG_SO_ID, "unpriv"), errno, want);
	snprintf(d, sizeof(d), "%s: BUF get", who);
	check(d, getsockopt(fd, SOL_IP, BBLOG_SO_BUF, buf, &l), errno, want);
	close(fd);
}

static void unpriv_cases(void)
{
	char lv[16], who[48];
	int level, st;
	pid_t pid;

	if (sysctl_read("unprivileged", lv, sizeof(lv)) < 0)
		die("read net.tcp_bblog.unprivileged: %m");
	level = atoi(lv);
	printf("# net.tcp_bblog.unprivileged = %d\n", level);
	snprintf(who, sizeof(who), "level %d, root", level);
	unpriv_options(who, 0);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %m");
	if (!pid) {
		if (setresgid(1001, 1001, 1001) < 0 || setresuid(1001, 1001, 1001) < 0)
			die("setresuid 1001: %m");
		snprintf(who, sizeof(who), "level %d, uid 1001", level);
		unpriv_options(who, level == BBLOG_UNPRIV_NONE ? EPERM : 0);
		fflush(stdout);
		_exit(nfail ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	ntest += 4;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		nfail++;
}

int cmd_sockopt_errors(int argc, char **argv)
{
	int c, unl = 0, nosysctl = 0, unpriv = 0;
	static const struct option lo[] = {
		{ "unloaded", no_argument, NULL, 'u' },
		{ "no-sysctl", no_argument, NULL, 's' },
		{ "unprivileged", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u': unl = 1; break;
		case 's': nosysctl = 1; break;
		case 'p': unpriv = 1; break;
		default: die("usage: bbtest sockopt-errors [--unloaded] [--no-sysctl] [--unprivileged]");
		}
	}
	set_timeout(60);
	loop_up();
	if (unl) {
		unloaded();
	} else if (unpriv) {
		unpriv_cases();
	} else {
		mode_cases();
		id_cases();
		buf_cases();
		owner_cases();
		family_cases();
		direction_cases();
		if (!nosysctl)
			disable_all_cases();
	}
	printf("1..%d\n# %d of %d failed\n", ntest, nfail, ntest);
	return nfail ? 1 : 0;
}
