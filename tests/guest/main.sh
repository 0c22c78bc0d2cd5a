#!/bin/sh
# Test runner inside the VM.  Reads its settings from the kernel command line:
#   bblog.kernel=NAME   label for the report (stock, debug)
#   bblog.inject=KIND   harness self-test: warn, hang, shellfail, kunitfail, leak
#   bblog.only=GLOB[,GLOB...]  run only the tests whose file name matches a GLOB
#   bblog.demo=1        run /guest/demo.sh (make demo)
#   bblog.bench=1       run /bench/guest-bench.sh (make bench)
#   bblog.kunit=0       do not run the KUnit suites
#   bblog.fuzz_seconds=N  the fuzz test (54) fuzzes N seconds, then N/2 more
#                       while the module comes and goes; every test's
#                       timeout grows by 2N (make fuzz-kernel)
#   bblog.fuzz_seed=N   the fuzz test's seed
# Prints one "BBLOG-TAP: ok - ..." / "BBLOG-TAP: not ok - ..." line per test
# on the console and writes the success marker to the second serial port
# only if every test passed.
cd /guest
. ./lib.sh

kernel=stock inject= only='*' demo= bench= kunit=1 fuzz_seconds= fuzz_seed=
set -f	# no pathname expansion of the command line's globs
for arg in $(cat /proc/cmdline); do
	case $arg in
	bblog.kernel=*) kernel=${arg#*=} ;;
	bblog.inject=*) inject=${arg#*=} ;;
	bblog.only=*) only=${arg#*=} ;;
	bblog.demo=*) demo=${arg#*=} ;;
	bblog.bench=*) bench=${arg#*=} ;;
	bblog.kunit=*) kunit=${arg#*=} ;;
	bblog.fuzz_seconds=*) fuzz_seconds=${arg#*=} ;;
	bblog.fuzz_seed=*) fuzz_seed=${arg#*=} ;;
	esac
done
set +f
export BBLOG_KERNEL=$kernel
[ -n "$fuzz_seconds" ] && export BBLOG_FUZZ_SECONDS=$fuzz_seconds
[ -n "$fuzz_seed" ] && export BBLOG_FUZZ_SEED=$fuzz_seed
failed=0

tap() {	# tap STATUS NAME [REASON]
	case $1 in
	ok) echo "BBLOG-TAP: ok - $kernel: $2" ;;
	skip) echo "BBLOG-TAP: ok - $kernel: $2 # SKIP $3" ;;
	*) echo "BBLOG-TAP: not ok - $kernel: $2"; failed=1 ;;
	esac
}

# System modules the tests need (the stock kernel has them as modules).
for ko in /lib/modules-extra/*.ko; do
	[ -e "$ko" ] && insmod "$ko"
done

# Warm-up: one IPv4 and one IPv6 TCP connection on loopback before any
# test.  The first connection of each family flips one-shot static keys
# (DO_ONCE: the hash secrets in inet_ehashfn() and inet6_ehashfn()) from a
# workqueue, rewriting code that the other vCPU may be executing for that
# very connection's segments.  That cross-modification once ended in
# "Oops: int3" at inet6_ehashfn+0x39 on 6.12 under TCG; done here, on an
# idle machine, no test's traffic races it.
warm_up() {
	local fam addr
	ip link set lo up
	for fam in 4 6; do
		addr=127.0.0.1
		[ $fam = 6 ] && addr=::1
		bbtest server $( [ $fam = 6 ] && echo -6 ) -a $addr -p 5999 --sink \
			> /tmp/warm-s$fam.log 2>&1 &
		i=0
		until grep -q '^listening' /tmp/warm-s$fam.log 2>/dev/null || [ $i -ge 100 ]; do
			i=$((i + 1)); usleep 50000
		done
		bbtest client $( [ $fam = 6 ] && echo -6 ) -a $addr -p 5999 --bytes 1000 \
			> /tmp/warm-c$fam.log 2>&1 ||
			echo "# warm-up IPv$fam failed: $(cat /tmp/warm-c$fam.log)"
		wait
	done
	sleep 1	# the deferred key flips run on a workqueue
}
[ -z "$inject" ] && warm_up

# Forget whatever the kernel itself leaked while booting.  No automatic
# scans (the first comes a minute after boot, then every ten): under KASAN
# one takes tens of seconds of a vCPU, and a scan asked for here would wait
# for it; the leak check at the end scans when nothing else runs.
kml=/sys/kernel/debug/kmemleak
if [ -w $kml ]; then
	echo scan=off > $kml
	echo scan > $kml
	echo clear > $kml
fi

# KUnit suites (debug kernel only): one TAP line per case.
run_kunit() {	# run_kunit MODULE
	local mod=$1 name results
	name=$(basename "$mod" .ko)
	if ! insmod "$mod"; then
		tap fail "kunit: insmod $name"
		return
	fi
	for results in /sys/kernel/debug/kunit/*/results; do
		[ -e "$results" ] || continue
		suite=$(basename "$(dirname "$results")")
		# Case lines are indented; the suite line is not.
		sed -n 's/^[[:space:]]\{1,\}\(not ok\|ok\) [0-9]* \(.*\)$/\1 \2/p' "$results" |
		while read -r status rest; do
			case $status in
			ok) case $rest in
			    *"# SKIP"*) echo "BBLOG-TAP: ok - $kernel: kunit $suite: $rest" ;;
			    *) echo "BBLOG-TAP: ok - $kernel: kunit $suite: $rest" ;;
			    esac ;;
			*) echo "BBLOG-TAP: not ok - $kernel: kunit $suite: ${rest#ok }" ;;
			esac
		done
		if grep -q '^not ok' "$results"; then
			failed=1
			sed 's/^/# /' "$results"
		fi
	done
	rmmod "$name" || tap fail "kunit: rmmod $name"
}
if [ -d /sys/kernel/debug/kunit ] && [ "$kunit" != 0 ]; then
	for mod in /lib/bblog/kunit/*.ko; do
		[ -e "$mod" ] && run_kunit "$mod"
	done
fi

# Harness self-tests: deliberately broken runs that must be reported as failures.
[ -n "$inject" ] && echo "# harness: injecting $inject"
case $inject in
warn) insmod /lib/bblog/harness/bblog_harness_warn.ko ;;
leak) insmod /lib/bblog/harness/bblog_harness_leak.ko && rmmod bblog_harness_leak ;;
kunitfail) run_kunit /lib/bblog/harness/bblog_harness_kunit.ko ;;
hang) while :; do sleep 3600; done ;;
shellfail) cp /guest/harness/shellfail.sh /guest/tests/00-harness-shellfail.sh ;;
esac

# kill_leftovers: kill what a failed test left running in the background
# (init adopted it: parent pid 1), except this runner.
kill_leftovers() {
	local pass p ppid
	for pass in 1 2 3; do
		for p in $(ls /proc | grep '^[0-9][0-9]*$'); do
			[ "$p" = 1 ] || [ "$p" = $$ ] && continue
			ppid=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
			if [ "$ppid" = 1 ]; then
				echo "# killing leftover $p: $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)"
				kill -9 "$p" 2>/dev/null
			fi
		done
		usleep 200000
	done
}

# selected NAME: does a glob of bblog.only match the test NAME?
selected() {
	local pat hit=1
	set -f		# the globs are patterns, not file names
	IFS=,
	for pat in $only; do
		case $1 in $pat) hit=0 ;; esac
	done
	unset IFS
	set +f
	return $hit
}

# End-to-end tests: each file in tests/ runs in its own shell with set -e.
ran=0
for t in /guest/tests/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	selected "$name" || continue
	ran=$((ran + 1))
	echo "# --- $name"
	t0=$(date +%s)
	# A test may ask for more time with a "# bblog-timeout: SECONDS" line.
	tmo=$(sed -n 's/^# bblog-timeout: \([0-9]*\)$/\1/p' "$t" | head -n 1)
	[ -n "$fuzz_seconds" ] && tmo=$(( ${tmo:-${BBLOG_TEST_TIMEOUT:-600}} + 2 * fuzz_seconds ))
	timeout "${tmo:-${BBLOG_TEST_TIMEOUT:-600}}" sh -e "$t" > /tmp/test.log 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/test.log
	echo "# $name took $(( $(date +%s) - t0 ))s"
	# A failed test must leave neither helpers (a reader holding the
	# device, a server) nor the module loaded for the next one.
	[ $rc = 0 ] || kill_leftovers
	if grep -q '^tcp_bblog ' /proc/modules; then
		rmmod tcp_bblog || echo "# rmmod after $name failed"
	fi
	case $rc in
	0) tap ok "$name" ;;
	77) tap skip "$name" "$(tail -n 1 /tmp/test.log)" ;;
	124|143) tap fail "$name (timed out)" ;;
	*) tap fail "$name (exit $rc)" ;;
	esac
done

# A selection that runs nothing is a broken run, not a clean one.
[ "$only" = none ] || [ $ran -gt 0 ] || tap fail "no test matched bblog.only=$only"

# make demo: show what the module provides, prefixed for the host to pick up.
if [ -n "$demo" ]; then
	if sh -e /guest/demo.sh > /tmp/demo.log 2>&1; then
		tap ok "demo"
	else
		tap fail "demo"
	fi
	sed 's/^/BBLOG-DEMO: /' /tmp/demo.log
fi

# make bench: its lines start with BBLOG-BENCH: for the host.
if [ -n "$bench" ]; then
	if sh -e /bench/guest-bench.sh; then
		tap ok "bench"
	else
		tap fail "bench"
	fi
fi

# Leaks: kmemleak reports objects older than 5 s that nothing points to.
if [ -w $kml ]; then
	sleep 6
	echo scan > $kml
	echo scan > $kml
	# A debugfs file has size 0 whatever it holds: read it.
	cat $kml > /tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		sed 's/^/# /' /tmp/kmemleak.txt
		tap fail "kmemleak: no leaks"
	else
		tap ok "kmemleak: no leaks"
	fi
fi

# Files for the host (pcapng for tshark, raw streams): third serial port.
if [ -n "$(ls -A /tmp/export 2>/dev/null)" ]; then
	stty -F /dev/ttyS2 raw -echo 2>/dev/null
	{
		echo BBLOG-EXPORT-BEGIN
		tar -czf - -C /tmp/export . | base64
		echo BBLOG-EXPORT-END
	} > /dev/ttyS2
fi

if [ $failed = 0 ]; then
	echo "BBLOG-GUEST-SUCCESS" > /dev/ttyS1
fi
echo "BBLOG-GUEST-DONE"
sync
reboot -f
