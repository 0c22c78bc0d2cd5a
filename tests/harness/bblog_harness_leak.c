// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: a module that leaks allocations when loaded. */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init bblog_harness_leak_init(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		void *p = kmalloc(256, GFP_KERNEL);

		if (p)
			memset(p, 0x5a, 256);
		/* p is forgotten: kmemleak must report it. */
	}
	return 0;
}

static void __exit bblog_harness_leak_exit(void)
{
}

module_init(bblog_harness_leak_init);
module_exit(bblog_harness_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcp_bblog harness: injected memory leak");
