#!/bin/bash
# make check: every test of tcp_bblog, as numbered TAP lines ending with
# "N passed, N failed, N skipped".  Installs the Debian packages it needs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

stages() {
	run_step "dependencies: Debian packages installed" "$top/tests/deps.sh" || return
	run_step "uapi header compiles alone with -std=c90 -pedantic" make -s uapi-check
	run_step "style: checkpatch clean" make -s style
	run_step "sparse: clean against the stock headers" make -s sparse
	run_step "userspace: bblog builds" make -s -C userspace
	run_step "dkms: add and build against the stock headers" "$top/tests/dkms.sh"
	run_step "install: make install into DESTDIR" "$top/tests/install.sh"
	make -s -C userspace check
	make -s -C userspace fuzz FUZZ_SECONDS=${BBLOG_FUZZ_SECONDS:-20}
	"$top/tests/vm-stage.sh" stock
	"$top/tests/vm-stage.sh" debug
	"$top/tests/harness/run.sh"
}

start=$(date +%s)
stages 2>&1 | awk -f "$top/tests/tap-summary.awk"
rc=${PIPESTATUS[1]}
echo "# make check took $(( $(date +%s) - start ))s"
exit $rc
