// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tcp_bblog: the read-only misc device dumps are read from.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include "dev.h"

static DECLARE_WAIT_QUEUE_HEAD(bblog_dev_wait);

static int bblog_dev_open(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		return -EPERM;
	return stream_open(inode, file);
}

static ssize_t bblog_dev_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	/* Nothing is queued yet: block until a signal arrives. */
	wait_event_interruptible(bblog_dev_wait, false);
	return -ERESTARTSYS;
}

static __poll_t bblog_dev_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &bblog_dev_wait, wait);
	return 0;
}

static const struct file_operations bblog_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= bblog_dev_open,
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
