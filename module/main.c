// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_bblog: TCP Black Box Logging for Linux.  Module init and exit only.
 */
#include <linux/module.h>
#include <linux/tcp_bblog.h>

#include "conn.h"
#include "dev.h"
#include "export.h"
#include "genl.h"
#include "handshake.h"
#include "hooks.h"
#include "reason.h"
#include "sockopt.h"
#include "sysctl.h"

static int __init bblog_mod_init(void)
{
	int err;

	bblog_reason_init();
	err = bblog_conn_init();
	if (err)
		goto err_conn;

	err = bblog_sysctl_init();
	if (err)
		goto err_sysctl;

	err = bblog_dev_init();
	if (err)
		goto err_dev;

	err = bblog_hs_init();
	if (err)
		goto err_hs;

	/*
	 * The hooks before the socket options and netlink, which make
	 * connection entries: an entry made before tcp_destroy_sock is
	 * hooked would outlive its socket, and the next socket at its address
	 * would find it (its mode, its ID).
	 */
	err = bblog_hooks_init();
	if (err)
		goto err_hooks;

	err = bblog_sockopt_init();
	if (err)
		goto err_sockopt;

	err = bblog_genl_init();
	if (err)
		goto err_genl;

	pr_info("record format version %u loaded\n", BBLOG_VERSION);
	return 0;

err_genl:
	bblog_sockopt_uninit();
err_sockopt:
	bblog_hooks_uninit();
err_hooks:
	bblog_hs_uninit();
err_hs:
	bblog_dev_uninit();
err_dev:
	bblog_sysctl_uninit();
err_sysctl:
	bblog_conn_uninit();
	bblog_export_flush();	/* dumps made while the hooks ran */
err_conn:
	return err;
}

static void __exit bblog_mod_exit(void)
{
	bblog_genl_uninit();
	bblog_sockopt_uninit();
	bblog_hooks_uninit();
	bblog_hs_uninit();
	bblog_dev_uninit();
	bblog_conn_uninit();
	bblog_export_flush();
	bblog_sysctl_uninit();
	pr_info("unloaded\n");
}

module_init(bblog_mod_init);
module_exit(bblog_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP Black Box Logging: per-connection TCP event recorder");
MODULE_AUTHOR("tcp_bblog developers");
MODULE_INFO(log_version, __stringify(BBLOG_VERSION));
#ifdef BBLOG_PKG_VERSION
MODULE_VERSION(BBLOG_PKG_VERSION);
#endif
