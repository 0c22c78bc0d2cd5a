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

load_bblog() {
	insmod /lib/bblog/tcp_bblog.ko "$@" || die "insmod tcp_bblog"
}

unload_bblog() {
	rmmod tcp_bblog || die "rmmod tcp_bblog"
}

# busybox sh prefers its own applets to PATH: use the real iproute2 tools.
ip() { /usr/sbin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }
