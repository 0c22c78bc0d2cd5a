// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a module that WARNs when loaded. */
#include <linux/module.h>

static int __init bblog_harness_warn_init(void)
{
	WARN(1, "bblog harness: injected warning\n");
	return 0;
}

static void __exit bblog_harness_warn_exit(void)
{
}

module_init(bblog_harness_warn_init);
module_exit(bblog_harness_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcp_bblog harness: injected WARN");
