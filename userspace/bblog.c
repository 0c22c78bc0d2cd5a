// SPDX-License-Identifier: GPL-2.0
/*
 * bblog: user-space tool of tcp_bblog (TCP Black Box Logging for Linux).
 * main() only dispatches; each command lives in its own cmd_*.c file.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

void usage(FILE *f, int status)
{
	fprintf(f,
"usage: bblog record [-dJ] [-D dir] [-f input] [-r reason-prefix] [-p pidfile]\n"
"                    [-s max-file-size] [-t idle-seconds] [-b read-size] [-u user]\n"
"                    [--max-size BYTES|unlimited] [--max-age DURATION|unlimited]\n"
"       bblog raw [-f input] [-o file]\n"
"       bblog show [--json] [--summary] FILE...\n"
"       bblog merge -o OUT (FILE... | -D dir --cookie COOKIE)\n"
"       bblog plot -o OUT.html FILE...\n"
"       bblog set  [--pid PID] --fd N [--mode MODE] [--id ID] [--tag TAG]\n"
"       bblog get  [--pid PID] --fd N\n"
"       bblog dump [--pid PID] --fd N [--id] --reason REASON\n"
"       bblog status [--json]\n"
"       bblog list [--json] [--id ID] [--cookie COOKIE] [FILTER...]\n"
"       bblog set  (--cookie COOKIE | FILTER...) [--mode MODE] [--id ID] [--tag TAG]\n"
"       bblog dump (--cookie COOKIE | --id ID | FILTER...) [--reason REASON]\n"
"       bblog rule add [pos N] [FILTER...] mode MODE [id TEMPLATE] [limit N]\n"
"                      [ratio N [by-id]] [triggers LIST]\n"
"       bblog rule del HANDLE | rule list [--json] | rule flush\n"
"       bblog --help | --version\n"
"\n"
"  record  write one pcapng file per connection from " "/dev/tcp_bblog" ",\n"
"          removing the oldest over --max-size (default: 1G or a tenth of\n"
"          the file system, the smaller) and --max-age (default: none)\n"
"  raw     copy the device stream as is, for a later 'record -f'\n"
"  show    print the records of pcapng files written by 'record'\n"
"  merge   join the files of one connection into one pcapng\n"
"  plot    draw connections (time-sequence, cwnd, RTT) in an offline HTML page\n"
"  set/get/dump  drive the BBLOG_SO_* socket options of a socket\n"
"          (of another process with --pid, through pidfd_getfd)\n"
"  status/list, set/dump by cookie, ID or filter, rule: the tcp_bblog\n"
"          netlink family; rules choose the new connections that are logged\n"
"  --version  bblog's version and record formats, the loaded module's, and\n"
"          whether they agree\n"
"FILTER: family inet|inet6, sport|dport PORT[-PORT], src|dst ADDR[/LEN],\n"
"        cgroup PATH, uid USER, active, passive (rules only)\n"
"MODE: off tail head head-auto continual tail-auto clear, or a number.\n"
"See bblog(8).\n");
	exit(status);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage(stderr, 2);
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		usage(stdout, 0);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
		return cmd_version();
	if (!strcmp(cmd, "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(cmd, "raw"))
		return cmd_raw(argc - 1, argv + 1);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(cmd, "merge"))
		return cmd_merge(argc - 1, argv + 1);
	if (!strcmp(cmd, "plot"))
		return cmd_plot(argc - 1, argv + 1);
	if (!strcmp(cmd, "status") || !strcmp(cmd, "list"))
		return cmd_nl(argc - 1, argv + 1);
	if (!strcmp(cmd, "rule"))
		return cmd_rule(argc - 1, argv + 1);
	if (!strcmp(cmd, "set") || !strcmp(cmd, "get") || !strcmp(cmd, "dump"))
		return cmd_ctl(argc - 1, argv + 1);
	warnx("unknown command '%s'", cmd);
	usage(stderr, 2);
}
