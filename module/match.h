/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_MATCH_H
#define _BBLOG_MATCH_H

#include <linux/types.h>
#include <linux/uidgid.h>

/* Which fields of a struct bblog_match are set. */
#define BBLOG_MF_FAMILY		BIT(0)
#define BBLOG_MF_DIR		BIT(1)
#define BBLOG_MF_LPORT		BIT(2)
#define BBLOG_MF_FPORT		BIT(3)
#define BBLOG_MF_LADDR		BIT(4)
#define BBLOG_MF_FADDR		BIT(5)
#define BBLOG_MF_CGROUP		BIT(6)
#define BBLOG_MF_UID		BIT(7)

/* What a rule or a filter matches: every field set must match. */
struct bblog_match {
	u32 fields;		/* BBLOG_MF_* */
	u16 family;		/* AF_INET or AF_INET6; set with an address */
	u8 dir;			/* BBLOG_DIR_* */
	u8 lprefix;		/* bits of laddr that must match */
	u8 fprefix;
	u16 lport_min;		/* host order, inclusive */
	u16 lport_max;
	u16 fport_min;
	u16 fport_max;
	u8 laddr[16];		/* network order, the family's length */
	u8 faddr[16];
	u64 cgroup;		/* cgroup v2 id: it or an ancestor of the socket's */
	kuid_t uid;		/* the socket's owner */
};

/* What a connection is matched on, but its cgroup. */
struct bblog_match_key {
	u16 family;		/* IPv4-mapped IPv6 connections are AF_INET */
	u8 dir;			/* BBLOG_DIR_*; 0: not known */
	u16 lport;		/* host order */
	u16 fport;
	u8 laddr[16];
	u8 faddr[16];
	kuid_t uid;
};

bool bblog_prefix_match(const u8 *addr, const u8 *prefix, unsigned int bits);
bool bblog_match_key(const struct bblog_match *m, const struct bblog_match_key *k);
int bblog_id_template_check(const char *tmpl);
void bblog_id_expand(const char *tmpl, const struct bblog_match_key *k,
		     char *out, size_t len);
u32 bblog_id_hash(const char *id);
bool bblog_id_sampled(const char *id, u32 ratio);

#endif /* _BBLOG_MATCH_H */
