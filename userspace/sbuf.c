// SPDX-License-Identifier: GPL-2.0
/* String builder: see sbuf.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sbuf.h"

void sb_fixed(struct sbuf *b, char *buf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	buf[0] = 0;
}

void sb_growing(struct sbuf *b)
{
	memset(b, 0, sizeof(*b));
	b->grow = 1;
}

char *sb_take(struct sbuf *b, size_t *len)
{
	char *s;

	if (!b->buf && !b->nomem)
		sb_add(b, "", 0);
	if (b->nomem) {
		free(b->buf);
		memset(b, 0, sizeof(*b));
		return NULL;
	}
	s = b->buf;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return s;
}

/* Room for n more bytes and the 0; fewer if it cannot grow. */
static size_t sb_room(struct sbuf *b, size_t n)
{
	if (b->grow && !b->nomem && b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (nb) {
			b->buf = nb;
			b->cap = cap;
		} else {
			b->nomem = 1;
		}
	}
	if (!b->cap)
		return 0;
	return b->len + n + 1 <= b->cap ? n : b->cap - 1 - b->len;
}

void sb_add_slow(struct sbuf *b, const char *s, size_t n)
{
	n = sb_room(b, n);
	if (!b->cap)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = 0;
}

void sb_u64(struct sbuf *b, uint64_t v)
{
	char t[20];

	sb_add(b, t, (size_t)(sb_digits(t, v, 1) - t));
}

void sb_json(struct sbuf *b, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	sb_char(b, '"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c != '"' && c != '\\' && c >= 0x20 && c < 0x7f) {
			run++;		/* plain: copied in runs */
			continue;
		}
		sb_add(b, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			e[1] = (char)c;
			sb_add(b, e, 2);
		} else {
			sb_add(b, e, 6);
		}
	}
	sb_add(b, s + i - run, run);
	sb_char(b, '"');
}

void sb_addr(struct sbuf *b, int family, const unsigned char *a)
{
	char t[INET6_ADDRSTRLEN];
	int i;

	if (family == 10) {
		if (!inet_ntop(AF_INET6, a, t, sizeof(t)))
			strcpy(t, "?");
		sb_str(b, t);
		return;
	}
	for (i = 0; i < 4; i++) {	/* inet_ntop() of IPv4 is printf */
		if (i)
			sb_char(b, '.');
		sb_u64(b, a[i]);
	}
}
