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

# module_path MODDIR OUTDIR MOD: the path of kernel/MOD.ko of MODDIR, unpacked
# into OUTDIR if xz-compressed (busybox insmod wants them plain); 1 if absent.
module_path() {
	local dir=$1 out=$2 m=$3
	if [ -f "$dir/kernel/$m.ko" ]; then
		echo "$dir/kernel/$m.ko"
	elif [ -f "$dir/kernel/$m.ko.xz" ]; then
		mkdir -p "$out"
		xz -dc "$dir/kernel/$m.ko.xz" > "$out/${m##*/}.ko" || return 1
		echo "$out/${m##*/}.ko"
	else
		return 1
	fi
}

# extra_modules MODDIR OUTDIR: the system modules the guest tests need, in
# load order, from MODDIR (a lib/modules/VERSION), one path per line.  The
# nftables NAT modules (for 49-nat) are optional: a kernel that lacks them
# or has them built in leaves them out, and 49-nat skips, saying why.
extra_modules() {
	local dir=$1 out=$2 m
	for m in drivers/net/veth net/sched/sch_netem; do
		module_path "$dir" "$out" $m ||
			{ echo "extra_modules: no $m in $dir" >&2; return 1; }
	done
	# crc32c_generic: libcrc32c's soft dependency (no modprobe in the guest).
	for m in crypto/crc32c_generic lib/libcrc32c net/netfilter/nfnetlink \
		net/netfilter/nf_tables net/ipv4/netfilter/nf_defrag_ipv4 \
		net/ipv6/netfilter/nf_defrag_ipv6 net/netfilter/nf_conntrack \
		net/netfilter/nf_nat net/netfilter/nft_chain_nat net/netfilter/nft_nat; do
		module_path "$dir" "$out" $m || true
	done
}

# kernel_tree NAME DESCRIPTION COMMAND...: the path COMMAND prints (a kernel
# built or fetched into the cache), or a "not ok - NAME: DESCRIPTION" line
# with COMMAND's errors and a failure.
kernel_tree() {
	local name=$1 desc=$2 path
	shift 2
	if ! path=$("$@" 2>"$BBLOG_LOGDIR/$name-kernel.err") || [ -z "$path" ]; then
		echo "not ok - $name: $desc"
		sed 's/^/#   /' "$BBLOG_LOGDIR/$name-kernel.err"
		return 1
	fi
	echo "$path"
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
