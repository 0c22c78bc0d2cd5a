// SPDX-License-Identifier: GPL-2.0
/*
 * Selection rules, the pure part: whether a new connection matches a rule
 * (or an existing one a filter), the log ID a rule's template gives it,
 * and the sampling by log ID that every host decides alike.  No locking,
 * no allocation: KUnit tests this file directly.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/tcp_bblog.h>

#include "match.h"

/* The first @bits bits of @addr and @prefix are equal. */
bool bblog_prefix_match(const u8 *addr, const u8 *prefix, unsigned int bits)
{
	unsigned int bytes = bits / 8, rem = bits % 8;

	if (memcmp(addr, prefix, bytes))
		return false;
	if (!rem)
		return true;
	return !((addr[bytes] ^ prefix[bytes]) & (u8)(0xff00 >> rem));
}

/* Every field of @m but the cgroup matches @k. */
bool bblog_match_key(const struct bblog_match *m, const struct bblog_match_key *k)
{
	u32 f = m->fields;

	if ((f & BBLOG_MF_FAMILY) && m->family != k->family)
		return false;
	if ((f & BBLOG_MF_DIR) && m->dir != k->dir)
		return false;
	if ((f & BBLOG_MF_LPORT) &&
	    (k->lport < m->lport_min || k->lport > m->lport_max))
		return false;
	if ((f & BBLOG_MF_FPORT) &&
	    (k->fport < m->fport_min || k->fport > m->fport_max))
		return false;
	if ((f & BBLOG_MF_LADDR) && !bblog_prefix_match(k->laddr, m->laddr, m->lprefix))
		return false;
	if ((f & BBLOG_MF_FADDR) && !bblog_prefix_match(k->faddr, m->faddr, m->fprefix))
		return false;
	return !(f & BBLOG_MF_UID) || uid_eq(m->uid, k->uid);
}

/* The words of an ID template, and the longest text each stands for. */
static const struct {
	const char *word;
	unsigned int max;
} bblog_id_words[] = {
	{ "{sport}", 5 },
	{ "{dport}", 5 },
	{ "{src}", 39 },
	{ "{dst}", 39 },
};

static int bblog_id_word(const char *s)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(bblog_id_words); i++)
		if (!strncmp(s, bblog_id_words[i].word, strlen(bblog_id_words[i].word)))
			return i;
	return -1;
}

/*
 * A rule's log ID: text, where {sport}, {dport}, {src} and {dst} stand for
 * the connection's local and remote port and address.  -EINVAL for another
 * brace, -ENAMETOOLONG if an expansion could reach BBLOG_ID_LEN.
 */
int bblog_id_template_check(const char *tmpl)
{
	size_t len = 0;
	int w;

	while (*tmpl) {
		if (*tmpl == '{' || *tmpl == '}') {
			w = bblog_id_word(tmpl);
			if (w < 0)
				return -EINVAL;
			len += bblog_id_words[w].max;
			tmpl += strlen(bblog_id_words[w].word);
		} else {
			len++;
			tmpl++;
		}
	}
	return len < BBLOG_ID_LEN ? 0 : -ENAMETOOLONG;
}

static size_t bblog_addr_text(char *out, size_t len, u16 family, const u8 *addr)
{
	if (family == AF_INET6)
		return scnprintf(out, len, "%pI6c", addr);
	return scnprintf(out, len, "%pI4", addr);
}

/* @tmpl (checked) for the connection @k, into @out of @len bytes. */
void bblog_id_expand(const char *tmpl, const struct bblog_match_key *k,
		     char *out, size_t len)
{
	size_t off = 0;
	int w;

	while (*tmpl && off + 1 < len) {
		w = *tmpl == '{' ? bblog_id_word(tmpl) : -1;
		if (w < 0) {
			out[off++] = *tmpl++;
			continue;
		}
		switch (w) {
		case 0:
			off += scnprintf(out + off, len - off, "%u", k->lport);
			break;
		case 1:
			off += scnprintf(out + off, len - off, "%u", k->fport);
			break;
		case 2:
			off += bblog_addr_text(out + off, len - off, k->family, k->laddr);
			break;
		default:
			off += bblog_addr_text(out + off, len - off, k->family, k->faddr);
			break;
		}
		tmpl += strlen(bblog_id_words[w].word);
	}
	out[off] = 0;
}

/* 32-bit FNV-1a of the ID's bytes: the same on every host and kernel. */
u32 bblog_id_hash(const char *id)
{
	u32 h = 2166136261u;

	while (*id) {
		h ^= (u8)*id++;
		h *= 16777619u;
	}
	return h;
}

/*
 * Sampling by log ID: one ID in @ratio is kept, and every connection of an
 * ID, on every host, makes the same decision.  0 and 1 keep all.
 */
bool bblog_id_sampled(const char *id, u32 ratio)
{
	return ratio <= 1 || bblog_id_hash(id) % ratio == 0;
}
