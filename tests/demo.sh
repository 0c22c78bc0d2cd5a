#!/bin/bash
# make demo: build everything, boot the stock Debian kernel in QEMU (TCG),
# load the module and show its device and sysctls.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
"$top/tests/deps.sh" || exit 1
make -s -C "$top/userspace" >/dev/null || exit 1
echo "Booting the stock kernel in QEMU (software emulation, a few seconds)..."
out=$(BBLOG_GUEST_ARGS="bblog.only=none bblog.demo=1" "$top/tests/vm-stage.sh" stock)
rc=$?
tr -d '\r' < "$BBLOG_LOGDIR/stock.console" | sed -n 's/^BBLOG-DEMO: //p'
if [ $rc != 0 ]; then
	echo "$out"
	exit 1
fi
