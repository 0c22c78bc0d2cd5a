/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A string built piece by piece without printf: what bblog record writes
 * for every file (its index line, its pcapng headers), thousands a second
 * with short connections.  Either in a caller's buffer, cut where it is
 * full as snprintf() cuts, or growing.
 */
#ifndef BBLOG_SBUF_H
#define BBLOG_SBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sbuf {
	char *buf;
	size_t len;		/* bytes kept, buf[len] is 0 */
	size_t cap;
	int grow;		/* realloc() when full; else cut */
	int nomem;		/* a realloc() failed: what is kept is cut */
};

/* In buf[cap] (cap > 0): an empty string. */
void sb_fixed(struct sbuf *b, char *buf, size_t cap);
/* In memory of its own: sb_take() hands it over. */
void sb_growing(struct sbuf *b);
/* The string (malloc()ed) and its length; NULL if memory ran out. */
char *sb_take(struct sbuf *b, size_t *len);

void sb_add_slow(struct sbuf *b, const char *s, size_t n);

static inline void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n < b->cap) {	/* room for it and the 0 */
		memcpy(b->buf + b->len, s, n);
		b->len += n;
		b->buf[b->len] = 0;
	} else {
		sb_add_slow(b, s, n);
	}
}

/* A string literal: its length known when compiled. */
#define SB_LIT(b, lit)	sb_add((b), "" lit, sizeof(lit) - 1)

static inline void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static inline void sb_char(struct sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_u64(struct sbuf *b, uint64_t v);
/* At most max bytes of s as a quoted JSON string (as json_str()). */
void sb_json(struct sbuf *b, const char *s, size_t max);
/* An address of a dump (family 10: IPv6), as inet_ntop() writes it. */
void sb_addr(struct sbuf *b, int family, const unsigned char *a);

/*
 * v in decimal at p, at least width digits (zeros before; width <= 20):
 * at most 20 bytes, no terminating 0; returns the end.  Inline: every
 * packet's comment has a few.
 */
static inline char *sb_digits(char *p, uint64_t v, int width)
{
	static const char pairs[] =
		"0001020304050607080910111213141516171819"
		"2021222324252627282930313233343536373839"
		"4041424344454647484950515253545556575859"
		"6061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	uint64_t x = 10;
	int n = 1;
	char *q;

	while (n < 20 && v >= x) {	/* how many digits */
		x *= 10;
		n++;
	}
	if (n < width) {
		memset(p, '0', (size_t)(width - n));
		p += width - n;
	}
	q = p + n;
	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	return p + n;
}

#endif
