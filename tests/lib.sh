#!/bin/bash
# Host-side helpers shared by the test scripts (sourced).

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BBLOG_BUILD:-$top/tests/build}
export BBLOG_LOGDIR=$build/logs
# Built kernels and tools are cached here, outside the repository.
export BBLOG_CACHE=${BBLOG_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/tcp_bblog}
mkdir -p "$BBLOG_LOGDIR"

# The stock Debian kernel: the newest /boot/vmlinuz-* with a build tree.
stock_kernel() {
	local v
	for v in $(ls /lib/modules 2>/dev/null | sort -rV); do
		if [ -r "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ]; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# System modules the guest tests need from the stock kernel, in load order.
stock_extra_modules() {
	local v=$1 m
	for m in drivers/net/veth.ko net/sched/sch_netem.ko; do
		echo "/lib/modules/$v/kernel/$m"
	done
}

# run_step DESCRIPTION COMMAND...: one TAP line; output shown on failure.
run_step() {
	local desc=$1 log start secs
	shift
	log=$(mktemp)
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		secs=$(( $(date +%s) - start ))
		echo "ok - $desc (${secs}s)"
		rm -f "$log"
		return 0
	fi
	echo "not ok - $desc"
	tail -n 40 "$log" | sed 's/^/#   /'
	rm -f "$log"
	return 1
}
