// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest badcsum -i IFACE --dmac MAC -s ADDR:PORT -d ADDR:PORT [-6]
 *                [--seq N] [--ack N] [--good]
 *
 * Sends one TCP segment (ACK, 4 bytes of payload) whose TCP checksum is
 * wrong, through a packet socket on IFACE, to the host whose MAC address is
 * MAC.  A packet socket's frames carry no checksum offload state, so the
 * receiver verifies the checksum and drops the segment (tcp_bad_csum).
 * With --good the checksum is right: the segment reaches TCP, which judges
 * it by its sequence and acknowledgment numbers.
 * IPv6 addresses are written [ADDR]:PORT.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "bbtest.h"

/* "ADDR:PORT" or "[ADDR6]:PORT" into 16 address bytes and a port. */
static void parse_ep(const char *s, int v6, uint8_t *addr, uint16_t *port)
{
	char buf[80];
	char *colon;
	const char *a = buf;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (!colon)
		die("badcsum: %s: want ADDR:PORT", s);
	*colon = 0;
	*port = (uint16_t)parse_u64(colon + 1, "port");
	if (v6) {
		if (buf[0] != '[' || colon[-1] != ']')
			die("badcsum: %s: want [ADDR]:PORT", s);
		colon[-1] = 0;
		a = buf + 1;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, a, addr) != 1)
		die("badcsum: %s: bad address", s);
}

int cmd_badcsum(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dmac", required_argument, NULL, 'm' },
		{ "seq", required_argument, NULL, 'q' },
		{ "ack", required_argument, NULL, 'a' },
		{ "good", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *dmac = NULL, *src = NULL, *dst = NULL;
	uint8_t frame[14 + 40 + 20 + 4] = { 0 }, saddr[16], daddr[16], pseudo[40];
	uint8_t *ip = frame + 14, *th;
	unsigned int mac[6], i;
	uint32_t seq = 1, ack = 1, sum;
	uint16_t sport, dport, good;
	size_t iplen, len;
	struct sockaddr_ll ll = { 0 };
	int v6 = 0, c, fd, right = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "6i:s:d:", lo, NULL)) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'i': ifname = optarg; break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'm': dmac = optarg; break;
		case 'q': seq = (uint32_t)parse_u64(optarg, "--seq"); break;
		case 'a': ack = (uint32_t)parse_u64(optarg, "--ack"); break;
		case 'g': right = 1; break;
		default: goto usage;
		}
	}
	if (!ifname || !dmac || !src || !dst || optind != argc)
		goto usage;
	if (sscanf(dmac, "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]) != 6)
		die("badcsum: --dmac %s: want xx:xx:xx:xx:xx:xx", dmac);
	parse_ep(src, v6, saddr, &sport);
	parse_ep(dst, v6, daddr, &dport);

	for (i = 0; i < 6; i++)
		frame[i] = (uint8_t)mac[i];
	put16(frame + 12, v6 ? ETH_P_IPV6 : ETH_P_IP);
	iplen = put_ip_header(ip, v6, saddr, daddr, 24);
	th = ip + iplen;
	len = iplen + 20 + 4;
	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = 0x10;		/* ACK */
	put16(th + 14, 502);
	memcpy(th + 20, "bad!", 4);

	/* The right checksum, then one that differs from it. */
	memset(pseudo, 0, sizeof(pseudo));
	if (v6) {
		memcpy(pseudo, saddr, 16);
		memcpy(pseudo + 16, daddr, 16);
		put32(pseudo + 32, 24);
		pseudo[39] = IPPROTO_TCP;
		sum = csum_add(0, pseudo, 40);
	} else {
		memcpy(pseudo, saddr, 4);
		memcpy(pseudo + 4, daddr, 4);
		pseudo[9] = IPPROTO_TCP;
		put16(pseudo + 10, 24);
		sum = csum_add(0, pseudo, 12);
	}
	good = csum_fold(csum_add(sum, th, 24));
	put16(th + 16, right ? good : (uint16_t)(good ^ 0x5a5a));

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("badcsum: packet socket: %s", strerror(errno));
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!ll.sll_ifindex)
		die("badcsum: %s: no such interface", ifname);
	ll.sll_halen = 6;
	memcpy(ll.sll_addr, frame, 6);
	if (sendto(fd, frame, 14 + len, 0, (struct sockaddr *)&ll, sizeof(ll)) !=
	    (ssize_t)(14 + len))
		die("badcsum: sendto: %s", strerror(errno));
	close(fd);
	printf("badcsum sent sport=%u dport=%u csum=0x%04x good=0x%04x\n", sport, dport,
	       right ? good : good ^ 0x5a5a, good);
	return 0;
usage:
	die("usage: bbtest badcsum -i IFACE --dmac MAC -s ADDR:PORT -d ADDR:PORT [-6] "
	    "[--seq N] [--ack N] [--good]");
}
