#!/bin/bash
# make check: every test of tcp_bblog, as numbered TAP lines ending with
# "N passed, N failed, N skipped".  Installs the Debian packages it needs.
#
# The stock and debug VM stages run in the background from the start (they
# take the longest), while the static checks and the userspace tests run
# here; the stages of the other Debian kernels (backports, unstable,
# bullseye, one after the other) and the harness self-test follow the stock
# one, beside the debug VMs.  On 2 cores the run is bound by CPU, so the
# work is spread to leave no core idle.  TAP lines are printed in a
# fixed order.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

stages() {
	run_step "dependencies: Debian packages installed" "$top/tests/deps.sh" || return
	# What the guests run must exist before the VM stages start.
	run_step "userspace: bblog builds" make -s -C userspace || return
	run_step "test programs build" make -s -C tests/progs OUT="$build/progs" || return

	"$top/tests/vm-stage.sh" stock > "$build/stock.tap" 2>&1 &
	local stock=$!
	"$top/tests/vm-stage.sh" debug > "$build/debug.tap" 2>&1 &
	local debug=$!

	run_step "uapi header compiles alone with -std=c90 -pedantic" make -s uapi-check
	run_step "style: checkpatch clean" make -s style
	run_step "sparse: clean against the stock headers" make -s sparse
	run_step "dkms: add and build against the stock headers" "$top/tests/dkms.sh"
	run_step "install: make install into DESTDIR" "$top/tests/install.sh"
	if run_step "deb: make deb builds tcp-bblog-dkms and bblog; lintian clean" \
		"$top/tests/deb.sh" build; then
		run_step "deb: bblog-record.service passes systemd-analyze verify; exposure at most 2.0" \
			"$top/tests/deb.sh" unit &&
			echo "# bblog-record.service: systemd-analyze security exposure $(cat "$build/deb/exposure")"
		run_step "deb: both install in a fresh bookworm root; DKMS builds tcp_bblog for its stock kernel; bblog --version runs; purge removes the module" \
			"$top/tests/deb.sh" root
		run_step "deb: bblog-record.service under systemd (PID 1) in a bookworm VM: the module loads at boot, the service records loopback connections, survives a restart and a SIGKILL, logs to the journal" \
			"$top/tests/deb.sh" service
	fi
	run_step "wire oracle: bbtest wirecmp catches every kind of mismatch" \
		"$top/tests/oracle/selftest.sh"
	make -s -C userspace check
	make -s -C userspace fuzz FUZZ_SECONDS=${BBLOG_FUZZ_SECONDS:-10}

	wait $stock
	cat "$build/stock.tap"
	# Once the stock VM is done, beside the debug VMs: the other Debian
	# kernels one after the other (bookworm-backports' 6.12, unstable's
	# newest, bullseye's 5.10: one VM at a time, so no more VMs run at once
	# than before), and the harness self-test (it boots both the stock and
	# the debug initramfs, so it waits until the debug stage has packed its).
	(
		for k in backports unstable bullseye; do
			"$top/tests/vm-stage.sh" $k > "$build/$k.tap" 2>&1
		done
	) &
	local others=$!
	while [ ! -e "$build/debug/ready" ] && kill -0 $debug 2>/dev/null; do
		sleep 1
	done
	"$top/tests/harness/run.sh" > "$build/harness.tap" 2>&1 &
	local harness=$!
	wait $debug
	cat "$build/debug.tap"
	wait $others
	cat "$build/backports.tap" "$build/unstable.tap" "$build/bullseye.tap"
	wait $harness
	cat "$build/harness.tap"
}

# mawk reads a pipe in blocks unless told otherwise: show each line now.
awk=(awk)
awk -W interactive 'BEGIN { }' >/dev/null 2>&1 && awk=(awk -W interactive)

start=$(date +%s)
stages 2>&1 | "${awk[@]}" -f "$top/tests/tap-summary.awk"
rc=${PIPESTATUS[1]}
echo "# make check took $(( $(date +%s) - start ))s"
exit $rc
