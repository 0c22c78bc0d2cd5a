#!/bin/bash
# Host side of tests/guest/tests/50-bblog-record.sh: every pcapng that
# `bblog record` wrote in the VM is checked against the raw device stream
# with independent readers (tshark, libpcap through tcpdump).
# usage: 50-bblog-record.sh EXPORT-DIR KERNEL-NAME; prints TAP lines.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
dir=$1/50-bblog-record name=$2
bbtest=$build/progs/bbtest
[ -d "$dir/rec" ] || { echo "not ok - $name: record: no files came back from the VM"; exit 1; }

fail=0
note() { echo "#   $*"; }
bbf_seq() { awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^seq_no=/) print substr($i, 8) }'; }

n=0
for f in "$dir"/rec/*.pcapng; do
	n=$((n + 1))
	base=$(basename "$f")
	line=$(grep -F "\"filename\":\"$base\"" "$dir/rec/records" || true)
	if [ -z "$line" ]; then
		note "$base: not in the records index"; fail=1; continue
	fi
	cookie=$(echo "$line" | jq -r .cookie)
	laddr=$(echo "$line" | jq -r .laddr) faddr=$(echo "$line" | jq -r .faddr)
	lport=$(echo "$line" | jq -r .lport) fport=$(echo "$line" | jq -r .fport)

	# What the kernel sent for this connection, from the raw stream.
	"$bbtest" parse "$dir/raw.bin" --records --cookie "$cookie" | grep '^rec ' > /tmp/bb-recs.$$
	hdr=$(grep -vc ' th_len=0 ' /tmp/bb-recs.$$)
	other=$(grep -c ' th_len=0 ' /tmp/bb-recs.$$)

	if ! tshark -r "$f" -T fields -e frame.number > /dev/null 2>/tmp/bb-tshark.$$; then
		note "$base: tshark cannot read it: $(head -c 300 /tmp/bb-tshark.$$)"; fail=1; continue
	fi
	malformed=$(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity == "Error"' 2>/dev/null | wc -l)
	epb=$(tshark -r "$f" -Y tcp 2>/dev/null | wc -l)
	events=$(tshark -r "$f" -Y bblog.event_id 2>/dev/null | wc -l)
	pcap=$(tcpdump -r "$f" 2>/dev/null | wc -l)
	tseq=$(tshark -r "$f" -o tcp.relative_sequence_numbers:FALSE -Y tcp -T fields -e tcp.seq 2>/dev/null | tr '\n' ' ')
	rseq=$(grep -v ' th_len=0 ' /tmp/bb-recs.$$ | bbf_seq | tr '\n' ' ')
	addrs=$(tshark -r "$f" -Y tcp -T fields -e ip.src -e ipv6.src -e tcp.srcport 2>/dev/null | tr -s '\t' ' ' | sed 's/^ //' | sort -u | tr '\n' ',')
	want_addrs=$(printf '%s\n' "$laddr $lport" "$faddr $fport" | sort -u | tr '\n' ',')
	note "$base: cookie $cookie, $hdr header records, $other events; tshark: $epb packets, $events events; tcpdump: $pcap"

	[ "$malformed" = 0 ] || { note "$base: $malformed malformed or error frames"; fail=1; }
	[ "$hdr" -gt 0 ] || { note "$base: no header records in the raw stream"; fail=1; }
	[ "$epb" = "$hdr" ] || { note "$base: $epb TCP packets, want $hdr"; fail=1; }
	[ "$pcap" = "$hdr" ] || { note "$base: libpcap reads $pcap packets, want $hdr"; fail=1; }
	[ "$events" = "$other" ] || { note "$base: $events bblog events, want $other"; fail=1; }
	[ "$tseq" = "$rseq" ] || { note "$base: sequence numbers differ from the records"; fail=1; }
	[ "$addrs" = "$want_addrs" ] || { note "$base: endpoints $addrs, want $want_addrs"; fail=1; }
	# Serial numbers the file lacks are counted in the kernel's header.
	gaps=$(echo "$line" | jq -r .lost_records)
	counted=$(echo "$line" | jq -r '.lost_nomem + .lost_limit + .overwritten + .lost_export')
	[ "$gaps" -le "$counted" ] || { note "$base: $gaps records missing, $counted counted"; fail=1; }
done
rm -f /tmp/bb-recs.$$ /tmp/bb-tshark.$$
[ "$n" = 4 ] || { note "$n pcapng files, want 4"; fail=1; }
if [ $fail = 0 ]; then
	echo "ok - $name: record: $n pcapng files decode in tshark and libpcap and match the device stream"
else
	echo "not ok - $name: record: pcapng files do not match the device stream"
fi
exit $fail
