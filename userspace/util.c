// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the bblog commands. */
#include <errno.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *bblog_prog = "bblog";
int bblog_use_syslog;

void warnx(const char *fmt, ...)
{
	va_list ap;

	if (bblog_use_syslog) {
		va_start(ap, fmt);
		vsyslog(LOG_WARNING, fmt, ap);
		va_end(ap);
		return;
	}
	fprintf(stderr, "%s: ", bblog_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void diex(const char *fmt, ...)
{
	va_list ap;

	if (bblog_use_syslog) {
		va_start(ap, fmt);
		vsyslog(LOG_ERR, fmt, ap);
		va_end(ap);
		exit(1);
	}
	fprintf(stderr, "%s: ", bblog_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void sanitize_id(char *dst, size_t dstlen, const char *id, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < max && id[i] && n + 1 < dstlen; i++) {
		char c = id[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '+' ||
			 c == '=' || c == ',' || c == '@' ||
			 (c == '.' && n > 0);

		dst[n++] = ok ? c : '_';
	}
	dst[n] = 0;
	if (n == 0)
		snprintf(dst, dstlen, "UNKNOWN");
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end && strcmp(end, "iB") && strcmp(end, "B"))
		return -1;
	if (v > UINT64_MAX >> shift)
		return -1;
	*out = v << shift;
	return 0;
}

int parse_duration(const char *s, uint64_t *out)
{
	static const struct { char c; unsigned mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 },
	};
	unsigned long long v;
	unsigned mult = 1;
	char *end;
	size_t i;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*end == units[i].c)
				break;
		if (i == sizeof(units) / sizeof(units[0]) || end[1])
			return -1;
		mult = units[i].mult;
	}
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void fmt_time_us(char *buf, size_t len, uint64_t us)
{
	time_t t = (time_t)(us / 1000000u);
	struct tm tm;
	char b[40];

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%llu", (unsigned long long)us);
		return;
	}
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06u", b, (unsigned)(us % 1000000u));
}
