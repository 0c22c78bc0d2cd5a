// SPDX-License-Identifier: GPL-2.0
/*
 * bbtest: the end-to-end test driver of tcp_bblog.  One program, several
 * commands, each small enough to be driven from busybox sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bbtest.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "server", cmd_server,
	  "server [-6] [-a ADDR] -p PORT [-n CONNS] [--mode M] [--id ID] [--tag T]\n"
	  "       [--reset N] [--echo|--sink] [--timeout S] [--ready FILE]\n"
	  "       [--listener|--listener-early] [--accept-wait FILE] [--stall-ms MS]\n"
	  "       [--backlog N] [--fastopen[=QLEN]]" },
	{ "client", cmd_client,
	  "client [-6] -a ADDR -p PORT [-n CONNS] [--bytes B] [--mode M] [--id ID]\n"
	  "       [--tag T] [--echo] [--dump REASON] [--dumpid REASON] [--idcnt]\n"
	  "       [--buf FILE]... [--close-first K] [--mode-after M] [--hold S] [--keep]\n"
	  "       [--rst] [--chunk B] [--pause-ms MS] [--nodelay] [--getmode] [--lockstep]\n"
	  "       [--keepalive S] [--bind-port P] [--uid UID] [--log TEXT] [--info]\n"
	  "       [--close-now] [--fastopen] [--start-wait FILE] [--timeout S]" },
	{ "sockopt-errors", cmd_sockopt_errors,
	  "sockopt-errors [--unloaded] [--no-sysctl] [--unprivileged]" },
	{ "devread", cmd_devread,
	  "devread [-n] [--timeout S] [--idle S] [--count N] [-o FILE] [--ready FILE]\n"
	  "        [--bufsize B]" },
	{ "devcheck", cmd_devcheck, "devcheck" },
	{ "parse", cmd_parse,
	  "parse FILE [--json] [--records] [--conn] [--cookie C] [--buf] [--check-gaps]" },
	{ "wirecmp", cmd_wirecmp,
	  "wirecmp RAWSTREAM PCAP (--cookie C | --lport P) [--tail-ok] [--reorder N] [-v]" },
	{ "synth", cmd_synth,
	  "synth --stream FILE --pcap FILE [--segs N] [--corrupt FIELD[:INDEX]] [-6]" },
	{ "sysctl", cmd_sysctl, "sysctl NAME [VALUE]" },
	{ "sofuzz", cmd_sofuzz,
	  "sofuzz [--seed N] [--seconds S] [--threads T] [--iterations N] [--users]\n"
	  "       [--sysctls] [--device] [--listen PORT] [-a ADDR -p PORT]... [--unloaded]\n"
	  "       [--module-may-go] [--trace] | sofuzz --scenario" },
	{ "genl-refuse", cmd_genl_refuse, "genl-refuse" },
	{ "crr", cmd_crr,
	  "crr -a ADDR -p PORT [--seconds S] [--request B] [--response B]\n"
	  "       | crr --server [-a ADDR] -p PORT [--request B] [--response B]" },
	{ "badcsum", cmd_badcsum,
	  "badcsum -i IFACE --dmac MAC -s ADDR:PORT -d ADDR:PORT [-6] [--seq N] [--ack N]\n"
	  "        [--good]" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  bbtest %s\n", cmds[i].usage);
}

int cmd_sysctl(int argc, char **argv)
{
	char buf[256];

	if (argc == 3) {
		if (sysctl_write(argv[1], argv[2]) < 0)
			die("write net.tcp_bblog.%s=%s: %m", argv[1], argv[2]);
		return 0;
	}
	if (argc != 2)
		die("usage: bbtest sysctl NAME [VALUE]");
	if (sysctl_read(argv[1], buf, sizeof(buf)) < 0)
		die("read net.tcp_bblog.%s: %m", argv[1]);
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "bbtest: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
