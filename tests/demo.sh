#!/bin/bash
# make demo: build everything, boot the stock Debian kernel in QEMU (TCG),
# load the module, run a small client/server whose connections share a log
# ID in ring mode, reset one request, dump the ID, and bring the pcapng
# files `bblog record` wrote back to ./demo-out/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
"$top/tests/deps.sh" || exit 1
make -s -C "$top/userspace" >/dev/null || exit 1
echo "Booting the stock kernel in QEMU (software emulation, about a minute)..."
out=$(BBLOG_GUEST_ARGS="bblog.only=none bblog.demo=1" "$top/tests/vm-stage.sh" stock)
rc=$?
tr -d '\r' < "$BBLOG_LOGDIR/stock.console" | sed -n 's/^BBLOG-DEMO: //p'
if [ $rc != 0 ] || [ ! -d "$BBLOG_LOGDIR/stock.export/demo" ]; then
	echo "$out"
	echo "demo: the VM run failed (console log: $BBLOG_LOGDIR/stock.console)" >&2
	exit 1
fi
rm -rf "$top/demo-out"
cp -r "$BBLOG_LOGDIR/stock.export/demo" "$top/demo-out"
echo
echo "== Back on the host: $(ls "$top"/demo-out/*.pcapng | wc -l) pcapng files in ./demo-out/"
for f in "$top"/demo-out/*.pcapng; do
	echo
	echo "\$ tshark -r demo-out/$(basename "$f") | head"
	tshark -r "$f" 2>/dev/null | head -n 8
	echo "   ... $(tshark -r "$f" -Y tcp 2>/dev/null | wc -l) TCP segments," \
		"$(tshark -r "$f" -Y bblog.event_id 2>/dev/null | wc -l) bblog events"
done
echo
echo "Open them in Wireshark: wireshark demo-out/<file>.pcapng"
echo "(filters: 'tcp' for the segments, 'bblog' for the events, columns bblog.snd_cwnd, bblog.srtt, ...)"
