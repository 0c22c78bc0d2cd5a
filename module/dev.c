// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tcp_bblog: the read-only misc device dumps are read from.  Every open
 * file is an independent reader of the export queue.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <net/net_namespace.h>

#include "dev.h"
#include "export.h"

/*
 * A reader needs CAP_NET_ADMIN over the network namespace it opens the
 * device in, whatever the file mode; it sees the dumps of every namespace
 * only from the initial one with CAP_NET_ADMIN in the initial user
 * namespace (export.c says what it sees otherwise).
 */
static int bblog_dev_open(struct inode *inode, struct file *file)
{
	struct net *net = current->nsproxy->net_ns;
	struct bblog_reader *r;
	bool all;

	if (file->f_mode & FMODE_WRITE)
		return -EPERM;
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	all = net_eq(net, &init_net) && capable(CAP_NET_ADMIN);
	r = bblog_reader_open(net, current_user_ns(), all);
	if (!r)
		return -ENOMEM;
	file->private_data = r;
	return stream_open(inode, file);
}

static int bblog_dev_release(struct inode *inode, struct file *file)
{
	bblog_reader_close(file->private_data);
	return 0;
}

static ssize_t bblog_dev_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	return bblog_reader_read(file->private_data, buf, len,
				 file->f_flags & O_NONBLOCK);
}

static __poll_t bblog_dev_poll(struct file *file, poll_table *wait)
{
	return bblog_reader_poll(file->private_data, file, wait);
}

static const struct file_operations bblog_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= bblog_dev_open,
	.release	= bblog_dev_release,
	.read		= bblog_dev_read,
	.poll		= bblog_dev_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice bblog_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "tcp_bblog",
	.fops	= &bblog_dev_fops,
	.mode	= 0400,
};

int bblog_dev_init(void)
{
	return misc_register(&bblog_miscdev);
}

void bblog_dev_uninit(void)
{
	misc_deregister(&bblog_miscdev);
}
