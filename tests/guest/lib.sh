#!/bin/sh
# Helpers shared by the guest tests (sourced).

die() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
}

# lacks EVENT: the loaded module says this kernel cannot give EVENT
# (net.tcp_bblog.missing_events: 5.10 has no ca-state, bad-csum,
# drop-reason); the tests of those events skip those checks there.
lacks() {
	case ,$(cat /proc/sys/net/tcp_bblog/missing_events), in
	*,"$1",*) return 0 ;;
	esac
	return 1
}

load_bblog() {
	insmod /lib/bblog/tcp_bblog.ko "$@" || die "insmod tcp_bblog"
}

unload_bblog() {
	rmmod tcp_bblog || die "rmmod tcp_bblog"
}

# busybox sh prefers its own applets to PATH: use the real iproute2 tools.
ip() { /usr/sbin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }
