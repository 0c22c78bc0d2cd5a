/* SPDX-License-Identifier: GPL-2.0 */
/* The tcp_bblog generic netlink family, through libnl-genl-3. */
#ifndef BBLOG_NL_H
#define BBLOG_NL_H

#include <stdint.h>
#include <stdnoreturn.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/tcp_bblog.h>

struct nl {
	struct nl_sock *sk;
	int family;
	int error;		/* from the kernel's error message, negative */
	char msg[256];		/* its extack text, "" if none */
};

extern const char *const mode_names[BBLOG_MODE_MAX + 1];

void nl_open(struct nl *nl);
struct nl_msg *nl_request(const struct nl *nl, uint8_t cmd, int flags);
/* Send @msg, run @cb on each reply; the kernel's error, with its extack. */
int nl_talk(struct nl *nl, struct nl_msg *msg, nl_recvmsg_msg_cb_t cb, void *arg);
/* @err: a negative errno from the kernel, or a libnl error before it. */
noreturn void nl_fail(const struct nl *nl, const char *what, int err);

/* A request without attributes, its replies to @cb; dies on an error. */
void nl_run(uint8_t cmd, int flags, nl_recvmsg_msg_cb_t cb, void *arg, const char *what);
/* argv is "CMD" or "CMD --json": 1 for --json; usage() otherwise. */
int json_only_arg(int argc, char **argv);
int no_reply(struct nl_msg *msg, void *arg);
const char *str_attr(struct nlattr *a);
uint64_t num_attr(struct nlattr *a);

struct bblog_filter;
/* @f as the nested attribute @type (BBLOG_MATCH_A_*); -1 if it does not fit. */
int nl_put_filter(struct nl_msg *msg, int type, const struct bblog_filter *f);
/* The nested BBLOG_MATCH_A_* @nest into @f. */
void nl_get_filter(struct nlattr *nest, struct bblog_filter *f);

#endif /* BBLOG_NL_H */
