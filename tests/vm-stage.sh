#!/bin/bash
# vm-stage.sh stock|debug|backports|unstable|bullseye
# Builds the module (and, for the debug kernel, the KUnit suites) against the
# chosen kernel, packs the initramfs and runs the guest tests.  TAP lines out.
#   stock      Debian's linux-image-amd64 and linux-headers-amd64 (6.1)
#   debug      linux-source-6.1 with KASAN, lockdep, kmemleak, KUnit
#   backports  the newest Debian kernel for bookworm (bookworm-backports),
#              fetched into the cache: the compatibility code for newer
#              kernels, built and run; the tests that exercise it
#   unstable   the newest kernel of Debian unstable (7.x), fetched the
#              same way and built with unstable's own compiler (a build
#              root in the cache): the core tests and what differs there
#   bullseye   Debian 11's 5.10, fetched the same way, built with its
#              gcc-10: the core tests and what differs there
set -uo pipefail
. "$(dirname "$0")/lib.sh"
which=$1
unset BBLOG_KBUILD_ROOT
out=$build/$which
# $out/ready: this run's initramfs is packed (the harness waits for it).
mkdir -p "$out"
rm -f "$out/ready"

# The timeouts catch a hung VM, not a slow one.  make check runs up to
# four VMs at once on whatever cores the machine has; on 2 cores each test
# takes 3 to 5 times as long as alone (gate run 69: debug 22-mode-tail 64 s,
# alone 21 s; both debug VMs overran 1500 s with half their CPU time).
case $which in
stock)
	kver=$(stock_kernel) || { echo "not ok - stock: no /boot/vmlinuz with a matching build tree"; exit 1; }
	kdir=/lib/modules/$kver/build
	kernel=/boot/vmlinuz-$kver
	extra=$(extra_modules "/lib/modules/$kver" "$out/extra") ||
		{ echo "not ok - stock: system modules for the guest"; exit 1; }
	subdirs="$top/tests/harness"
	tmo=${BBLOG_STOCK_TIMEOUT:-2700}
	;;
debug)
	kdir=$(kernel_tree debug "kernel build" "$top/tests/kernel/build-debug-kernel.sh") ||
		{ echo "$kdir"; exit 1; }
	echo "ok - debug: kernel built from linux-source-6.1 ($(basename "$(dirname "$kdir")"))"
	kernel=$kdir/arch/x86/boot/bzImage
	extra=
	subdirs="$top/tests/kunit $top/tests/harness"
	tmo=${BBLOG_DEBUG_TIMEOUT:-2700}
	# Multi-threaded TCG (see run-vm.sh): this kernel is built without
	# CONFIG_JUMP_LABEL, so turning tracepoints on and off rewrites no
	# code in the TCP fast path, and no run of it (some 25 make checks)
	# showed the stale-code faults of the other two.  Under KASAN both
	# vCPUs are busy: single-threaded, its tests took 1.7 times as long
	# (gate run 52) and the second VM overran its 1500 s.
	export BBLOG_VM_ACCEL=${BBLOG_VM_ACCEL:-tcg}
	;;
backports|unstable|bullseye)
	case $which in
	backports) suite=bookworm-backports tmo=${BBLOG_BACKPORTS_TIMEOUT:-1800} ;;
	unstable) suite=unstable tmo=${BBLOG_UNSTABLE_TIMEOUT:-1200} ;;
	bullseye) suite=bullseye tmo=${BBLOG_BULLSEYE_TIMEOUT:-1200} ;;
	esac
	tree=$(kernel_tree "$which" "kernel fetched from $suite" \
		"$top/tests/kernel/fetch-debian-kernel.sh" "$which" "$suite") ||
		{ echo "$tree"; exit 1; }
	kdir=$(ls -d "$tree"/usr/src/linux-headers-*-amd64 | head -n 1)
	kver=${kdir##*/linux-headers-}
	kernel=$tree/boot/vmlinuz-$kver
	# Built with the kernel's own compiler where the host has another.
	if [ -f "$tree/.bblog-kbuild-root" ]; then
		export BBLOG_KBUILD_ROOT
		BBLOG_KBUILD_ROOT=$(cat "$tree/.bblog-kbuild-root")
		kdir=/usr/src/linux-headers-$kver
	fi
	extra=$(extra_modules "$tree/lib/modules/$kver" "$out/extra") ||
		{ echo "not ok - $which: system modules for the guest"; exit 1; }
	subdirs=
	;;
*)
	echo "usage: vm-stage.sh stock|debug|backports|unstable|bullseye" >&2
	exit 2
	;;
esac

what=$(basename "$(dirname "$kdir")")/build
case $which in backports|unstable|bullseye) what=$(basename "$kdir") ;; esac
[ -n "${BBLOG_KBUILD_ROOT:-}" ] && what="$what (its compiler, in a build root)"
run_step "$which: module built against $what, W=1, no warnings" \
	"$top/tests/vm/build-module.sh" "$kdir" "$out/modules" $subdirs || exit 1

if [ -f "$top/tests/progs/Makefile" ]; then
	run_step "$which: test programs built" make -s -C "$top/tests/progs" OUT="$build/progs" || exit 1
fi
bins=
for b in "$top/userspace/bblog" "$build"/progs/*; do
	[ -x "$b" ] && bins="$bins $b"
done
export BBLOG_GUEST_BINS=$bins
# shellcheck disable=SC2086
run_step "$which: initramfs packed" \
	"$top/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/modules" $extra || exit 1
touch "$out/ready"

# A full run of the debug kernel splits its tests over two VMs side by side:
# under KASAN and lockdep in software emulation one VM would take twice as
# long, and it mostly keeps one CPU busy.
names=("$which")
args=("${BBLOG_GUEST_ARGS:-}")
full=${BBLOG_GUEST_ARGS:+0}
if [ "$which" = debug ] && [ -z "${BBLOG_GUEST_ARGS:-}" ]; then
	names=(debug debug-2)
	args=("bblog.only=[12]*,3[0-4]-*,5[2-4]-*" "bblog.only=3[5-9]-*,4*,5[015-9]-*,[6-9]* bblog.kunit=0")
fi
# On the newer kernel, the tests of what compat.h adapts and of what leans
# on kernel internals: loading and the sysctl tables, socket options, the
# device, resets (the tracepoint's arguments), the handshake and state
# changes, listener templates (the cookie a child carries), IPv6 extension
# headers, the device's namespace view, the kprobed timer events,
# triggers, NAT, the wire oracle, unloading and failed loads while the
# probes run, who may do what without privilege, the stress tests and the
# socket-option fuzzer (its errnos come through the newer socket layer),
# owners (a kretprobe on inet_csk_accept(), whose arguments changed), the
# triggers rules set (error reports differ), the passive handshake (kprobes
# on the request sockets' destructors) and its race with a segment on
# another CPU, application events and drop reasons (kfree_skb gained an
# argument in 6.11), the tcp_info counters
# (tcp_sock's fields), the orphan limit (its reset reason since 6.10), the
# accept-queue overflow and Fast Open (request sockets and their resets).
if [ "$which" = backports ] && [ -z "${BBLOG_GUEST_ARGS:-}" ]; then
	args=("bblog.only=1*,2[01]-*,3[2379]-*,4[0-9]-*,5[1-49]-*,6[0-8]-*,80-*")
	full=0
fi
# The kernels that only check where tcp_bblog runs (unstable, bullseye): a
# core set (loading and the sysctl tables, socket options, the device, the
# modes, resets, bblog record, the wire oracle) and the tests of what
# differs on each.  7.x: the retransmission and reset tracepoints' new
# arguments, error reports, checksum errors, the kprobed timer events and
# path MTU retransmissions, listener templates and the 4-tuple of a passive
# child (inet_csk_clone_lock() changed: the kretprobe on it), owners and
# the passive handshake (kretprobe and kprobes on functions that changed;
# 7.2 gives a child its addresses in the clone) and its race with another
# CPU, drop reasons (kfree_skb's const rx_sk), orphans (tcp_check_oom), the
# accept-queue overflow and Fast Open (request sockets and their resets).
# 5.10: the same kprobed and changed places, and what compat.h and the
# missing tracepoints change there: the module's own namespace cookies (the
# device's namespace view, the control plane's lists), genetlink without
# resv_start_op (rules), socket errors from a kprobe (the sk-error
# trigger), and the tests that skip what 5.10 lacks (38, 63).
core="1[05]-*,2[0-7]-*,33-*,50-*,67-*,80-*"
if [ -z "${BBLOG_GUEST_ARGS:-}" ]; then
	case $which in
	unstable)
		args=("bblog.only=$core,3[2789]-*,4[5678]-*,59-*,6[13-68]-*")
		full=0
		;;
	bullseye)
		args=("bblog.only=$core,3[2789]-*,4[45678]-*,5[789]-*,6[013-68]-*")
		full=0
		;;
	esac
fi
pids=()
for i in "${!names[@]}"; do
	"$top/tests/vm/run-vm.sh" "${names[$i]}" "$kernel" "$out/initramfs.cpio.gz" "$tmo" \
		"bblog.kernel=$which ${args[$i]}" > "$out/${names[$i]}.tap" 2>&1 &
	pids+=($!)
done
rc=0
for i in "${!names[@]}"; do
	wait "${pids[$i]}" || rc=1
	cat "$out/${names[$i]}.tap"
done

# A full run reports every guest test, whichever VM ran it: a test that no
# VM's selection matched would otherwise vanish without a word.
if [ "${full:-1}" = 1 ]; then
	for t in "$top"/tests/guest/tests/*.sh; do
		t=$(basename "$t" .sh)
		n=0
		for name in "${names[@]}"; do
			n=$((n + $(tr -d '\r' < "$BBLOG_LOGDIR/$name.console" |
				grep -cE "BBLOG-TAP: (not )?ok - $which: $t( |\$)")))
		done
		if [ "$n" != 1 ]; then
			echo "not ok - $which: guest test $t reported $n times (want 1)"
			rc=1
		fi
	done
fi

# Host-side checks of what a guest test exported (pcapng files, streams):
# tests/host/NAME.sh runs when the guest test NAME passed.
for check in "$top"/tests/host/*.sh; do
	[ -e "$check" ] || continue
	t=$(basename "$check" .sh)
	for name in "${names[@]}"; do
		# grep -c, not -q: see tests/harness/run.sh.
		[ "$(tr -d '\r' < "$BBLOG_LOGDIR/$name.console" |
			grep -c "^BBLOG-TAP: ok - $which: $t\$")" != 0 ] || continue
		"$check" "$BBLOG_LOGDIR/$name.export" "$which" || rc=1
	done
done
exit $rc
