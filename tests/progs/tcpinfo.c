// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's TCP_INFO of a socket, the oracle of the records' counters:
 * <linux/tcp.h>'s struct tcp_info (glibc's lacks the newer fields), in a
 * file of its own because it cannot share one with <netinet/tcp.h>.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/tcp.h>

#include "bbtest.h"

/*
 * Once nothing is unacknowledged (or @timeout_ms passed), print the
 * counters the records carry: "info n=N cookie=C unacked=U bytes_sent=...".
 * 0, or -1 with errno if TCP_INFO failed.
 */
int tcpinfo_print(int fd, unsigned int n, unsigned long long cookie,
		  unsigned int timeout_ms)
{
	struct tcp_info ti;
	socklen_t l;
	unsigned int waited = 0;

	for (;;) {
		l = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) < 0)
			return -1;
		if (!ti.tcpi_unacked || waited >= timeout_ms)
			break;
		poll(NULL, 0, 10);
		waited += 10;
	}
	printf("info n=%u cookie=%llu unacked=%u bytes_sent=%llu bytes_retrans=%llu "
	       "dsack_dups=%u reord_seen=%u delivered_ce=%u busy_us=%llu "
	       "rwnd_limited_us=%llu sndbuf_limited_us=%llu total_retrans=%u\n",
	       n, cookie, ti.tcpi_unacked, (unsigned long long)ti.tcpi_bytes_sent,
	       (unsigned long long)ti.tcpi_bytes_retrans, ti.tcpi_dsack_dups,
	       ti.tcpi_reord_seen, ti.tcpi_delivered_ce,
	       (unsigned long long)ti.tcpi_busy_time,
	       (unsigned long long)ti.tcpi_rwnd_limited,
	       (unsigned long long)ti.tcpi_sndbuf_limited, ti.tcpi_total_retrans);
	return 0;
}
