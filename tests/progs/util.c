// SPDX-License-Identifier: GPL-2.0
/* bbtest helpers: errors, names, socket options, addresses, files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <net/if.h>

#include "bbtest.h"

const char *prog = "bbtest";

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void warnx(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *const mode_names[] = {
	"off", "tail", "head", "head-auto", "continual", "tail-auto",
};

int parse_mode(const char *s, int *mode)
{
	char *end;
	long v;
	unsigned int i;

	if (!strcmp(s, "clear")) {
		*mode = BBLOG_MODE_CLEAR;
		return 0;
	}
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(s, mode_names[i])) {
			*mode = (int)i;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < -2147483647L - 1 || v > 2147483647L)
		return -1;
	*mode = (int)v;
	return 0;
}

const char *mode_name(int mode)
{
	if (mode == BBLOG_MODE_CLEAR)
		return "clear";
	if (mode >= 0 && mode <= BBLOG_MODE_MAX)
		return mode_names[mode];
	return "?";
}

/*
 * The name of a reason as a record carries it (1 + its index in the list
 * @p): "none" for 0, "unknown" past the list.
 */
static const char *list_name(const char *p, unsigned int code, char *buf, size_t len)
{
	const char *end;
	unsigned int i;

	if (!code)
		return "none";
	for (i = 1; ; i++) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (i == code) {
			snprintf(buf, len, "%.*s", (int)(end - p), p);
			return buf;
		}
		if (!*end)
			return "unknown";
		p = end + 1;
	}
}

const char *rst_reason_name(unsigned int code, char *buf, size_t len)
{
	return list_name(BBLOG_RST_REASON_NAMES, code, buf, len);
}

const char *drop_reason_name(unsigned int code, char *buf, size_t len)
{
	return list_name(BBLOG_DROP_REASON_NAMES, code, buf, len);
}

const char *ev_name(unsigned int ev)
{
	switch (ev) {
	case BBLOG_EV_IN: return "in";
	case BBLOG_EV_OUT: return "out";
	case BBLOG_EV_RTO: return "rto";
	case BBLOG_EV_SOCKOPT: return "sockopt";
	case BBLOG_EV_USER: return "user";
	case BBLOG_EV_CONNEND: return "connend";
	case BBLOG_EV_STATE: return "state";
	case BBLOG_EV_RETRANS: return "retrans";
	case BBLOG_EV_SYNACK_RETRANS: return "synack_retrans";
	case BBLOG_EV_RST_SENT: return "rst_sent";
	case BBLOG_EV_RST_RECV: return "rst_recv";
	case BBLOG_EV_CA_STATE: return "ca_state";
	case BBLOG_EV_RCVBUF: return "rcvbuf";
	case BBLOG_EV_BAD_CSUM: return "bad_csum";
	case BBLOG_EV_SK_ERROR: return "sk_error";
	case BBLOG_EV_TLP: return "tlp";
	case BBLOG_EV_PROBE0: return "probe0";
	case BBLOG_EV_KEEPALIVE: return "keepalive";
	case BBLOG_EV_PMTU_RETRANS: return "pmtu_retrans";
	case BBLOG_EV_DROP: return "drop";
	}
	return "unknown";
}

const char *tcp_state_name(unsigned int st)
{
	static const char *const n[] = {
		"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV",
	};

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

unsigned long long parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	if (!s)
		die("%s: missing value", what);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		die("%s: bad number '%s'", what, s);
	return v;
}

static void on_timeout(int sig)
{
	static const char msg[] = "bbtest: timed out\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to do */
	}
	_exit(3);
}

/* Whole-command watchdog: a hung test program must not hang the VM. */
void set_timeout(unsigned int secs)
{
	signal(SIGALRM, on_timeout);
	alarm(secs);
}

int set_str_opt(int fd, int opt, const char *s)
{
	return setsockopt(fd, SOL_IP, opt, s, strlen(s) + 1);
}

int set_int_opt(int fd, int opt, int v)
{
	return setsockopt(fd, SOL_IP, opt, &v, sizeof(v));
}

uint64_t sock_cookie(int fd)
{
	uint64_t c = 0;
	socklen_t l = sizeof(c);

	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &c, &l) < 0)
		return 0;
	return c;
}

static unsigned int port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

unsigned int sock_lport(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0)
		return 0;
	return port_of(&ss);
}

unsigned int sock_fport(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &l) < 0)
		return 0;
	return port_of(&ss);
}

int make_addr(int v6, const char *addr, unsigned int port, struct sockaddr_storage *ss,
	      socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (addr && inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			return -1;
		if (!addr)
			s6->sin6_addr = in6addr_any;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (addr && inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			return -1;
		if (!addr)
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		*len = sizeof(*s4);
	}
	return 0;
}

/* Strings in key=value output: bytes outside [A-Za-z0-9._:/@+,-] as %XX. */
void put_escaped(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._:/@+,-", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

void put_json_str(FILE *f, const char *s, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* TCP header flags as letters (tcpdump style), "." when none. */
void tcpflags_str(uint8_t fl, char *out)
{
	static const char letters[] = "FSRP.UEW";
	int i;
	char *p = out;

	for (i = 0; i < 8; i++) {
		if (fl & (1u << i))
			*p++ = i == 4 ? 'A' : letters[i];
	}
	if (p == out)
		*p++ = '.';
	*p = 0;
}

void addr_str(int family, const uint8_t *a, char *out, size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, out, len))
		snprintf(out, len, "?");
}

int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_file(const char *path, uint8_t **bufp)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf;

	if (fd < 0)
		return -1;
	buf = malloc(cap);
	if (!buf)
		die("out of memory");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			if (fd)
				close(fd);
			return -1;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (fd)
		close(fd);
	*bufp = buf;
	return (ssize_t)len;
}

static void sysctl_path(const char *name, char *p, size_t len)
{
	snprintf(p, len, "/proc/sys/net/tcp_bblog/%s", name);
}

int sysctl_write(const char *name, const char *val)
{
	char p[256];
	int fd, r;

	sysctl_path(name, p, sizeof(p));
	fd = open(p, O_WRONLY);
	if (fd < 0)
		return -1;
	r = write_all(fd, val, strlen(val));
	close(fd);
	return r;
}

int sysctl_read(const char *name, char *buf, size_t len)
{
	char p[256];
	int fd;
	ssize_t n;

	sysctl_path(name, p, sizeof(p));
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* Loopback helpers shared by sockopt-errors and devcheck. */
void loop_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

/*
 * A connected loopback pair; options applied to the client before
 * connect() and to the accepted socket right after accept().
 */
void loop_pair(int family, int mode, const char *id, int *cfd, int *sfd)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd = socket(family, SOCK_STREAM, 0);

	make_addr(family == AF_INET6, family == AF_INET6 ? "::1" : "127.0.0.1", 0, &ss, &sl);
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0 || listen(lfd, 4) < 0)
		die("loopback listener: %m");
	sl = sizeof(ss);
	getsockname(lfd, (struct sockaddr *)&ss, &sl);
	*cfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0 || *cfd < 0)
		die("socket: %m");
	if (mode >= 0 && set_int_opt(*cfd, BBLOG_SO_MODE, mode) < 0)
		die("pair: set mode %d: %m", mode);
	if (id && set_str_opt(*cfd, BBLOG_SO_ID, id) < 0)
		die("pair: set id: %m");
	if (connect(*cfd, (struct sockaddr *)&ss, sl) < 0)
		die("loopback connect: %m");
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0)
		die("accept: %m");
	if (id && set_str_opt(*sfd, BBLOG_SO_ID, id) < 0)
		die("pair: set id on the accepted socket: %m");
	close(lfd);
}

void loop_xfer(int cfd, int sfd, size_t bytes)
{
	char buf[4096];
	size_t done = 0;

	memset(buf, 'x', sizeof(buf));
	while (done < bytes) {
		size_t n = bytes - done < sizeof(buf) ? bytes - done : sizeof(buf);
		ssize_t w = write(cfd, buf, n), r;

		if (w <= 0)
			die("write: %m");
		for (r = 0; r < w;) {
			ssize_t k = read(sfd, buf, (size_t)(w - r));

			if (k <= 0)
				die("read: %m");
			r += k;
		}
		done += (size_t)w;
	}
}


uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t put_ip_header(uint8_t *ip, int v6, const uint8_t *src, const uint8_t *dst, size_t l4len)
{
	if (v6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		return 40;
	}
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	return 20;
}
