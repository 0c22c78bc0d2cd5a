// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/tcp_bblog/: one directory per network namespace.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/tcp_bblog.h>

#include "sysctl.h"

static unsigned int bblog_log_version = BBLOG_VERSION;

static struct ctl_table bblog_sysctl_template[] = {
	{
		.procname	= "log_version",
		.data		= &bblog_log_version,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0444,
		.proc_handler	= proc_douintvec,
	},
	{ }
};

struct bblog_sysctl_net {
	struct ctl_table_header *hdr;
	struct ctl_table *table;
};

static unsigned int bblog_sysctl_net_id __read_mostly;

static int __net_init bblog_sysctl_net_init(struct net *net)
{
	struct bblog_sysctl_net *sn = net_generic(net, bblog_sysctl_net_id);

	sn->table = kmemdup(bblog_sysctl_template,
			    sizeof(bblog_sysctl_template), GFP_KERNEL);
	if (!sn->table)
		return -ENOMEM;

	sn->hdr = register_net_sysctl(net, "net/tcp_bblog", sn->table);
	if (!sn->hdr) {
		kfree(sn->table);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit bblog_sysctl_net_exit(struct net *net)
{
	struct bblog_sysctl_net *sn = net_generic(net, bblog_sysctl_net_id);

	unregister_net_sysctl_table(sn->hdr);
	kfree(sn->table);
}

static struct pernet_operations bblog_sysctl_net_ops = {
	.init	= bblog_sysctl_net_init,
	.exit	= bblog_sysctl_net_exit,
	.id	= &bblog_sysctl_net_id,
	.size	= sizeof(struct bblog_sysctl_net),
};

int bblog_sysctl_init(void)
{
	return register_pernet_subsys(&bblog_sysctl_net_ops);
}

void bblog_sysctl_uninit(void)
{
	unregister_pernet_subsys(&bblog_sysctl_net_ops);
}
