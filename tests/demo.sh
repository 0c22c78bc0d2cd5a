#!/bin/bash
# make demo: build everything, boot the stock Debian kernel in QEMU (TCG),
# load the module, run a small client/server whose connections share a log
# ID in ring mode, reset one request, dump the ID once the client saw the
# reset (bblog dump), and bring the pcapng
# files `bblog record` wrote back to ./demo-out/; ends with the plot of the
# reset connection (bblog plot) and how to open the files with the Wireshark
# plugin.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
"$top/tests/deps.sh" || exit 1
make -s -C "$top/userspace" >/dev/null || exit 1
echo "Booting the stock kernel in QEMU (software emulation, about a minute)..."
out=$(BBLOG_GUEST_ARGS="bblog.only=none bblog.demo=1" "$top/tests/vm-stage.sh" stock)
rc=$?
said=$(tr -d '\r' < "$BBLOG_LOGDIR/stock.console" | sed -n 's/^BBLOG-DEMO: //p')
echo "$said"
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

# The connection the server reset, drawn: the file that has the reset.
bblog=$top/userspace/bblog
reset=
for f in "$top"/demo-out/*.pcapng; do
	if "$bblog" show --summary --json "$f" 2>/dev/null |
		grep -Eq '"resets_(sent|received)":[1-9]'; then
		reset=$f
		break
	fi
done
name=${reset##*/}
echo
if [ -n "$reset" ]; then
	plot=$top/demo-out/$(basename "$reset" .pcapng).html
	echo "\$ bblog plot -o demo-out/${plot##*/} demo-out/$name"
	if "$bblog" plot -o "$plot" "$reset"; then
		echo "The reset connection as pictures (one offline HTML page; the mouse wheel"
		echo "zooms the time axis, a drag pans, hovering reads out the nearest point):"
		echo "   xdg-open demo-out/${plot##*/}    (or file://$plot in any browser)"
	fi
else
	echo "demo: no file of a reset connection (bblog show --summary demo-out/*.pcapng)" >&2
	exit 1
fi
echo
echo "Open them in Wireshark: wireshark demo-out/<file>.pcapng"
echo "(filters: 'tcp' for the segments, 'bblog' for the events, columns bblog.snd_cwnd, bblog.srtt, ...)"
echo "With the tcp_bblog plugin (every event named, the Linux values as tcp_bblog.* fields):"
echo "   wireshark -X lua_script:wireshark/tcp_bblog.lua demo-out/${name:-<file>.pcapng}"
echo "or install the plugin and the profile once (make install, or for yourself:"
echo "   make -C userspace install-wireshark WSLUADIR=~/.local/lib/wireshark/plugins \\"
echo "       WSPROFILEDIR=~/.config/wireshark/profiles/tcp_bblog)"
echo "and open it with the profile: wireshark -C tcp_bblog demo-out/<file>.pcapng"
