#!/bin/sh
# Host self-test of the wire oracle (bbtest wirecmp), no kernel needed:
# a made-up connection (bbtest synth) written as a raw device stream and as a
# pcap must compare equal, and every single-field difference between the two,
# a missing or extra captured segment, and a lost record must make wirecmp
# fail.  Usage: tests/oracle/selftest.sh [BBTEST]   (builds bbtest if needed)
# TAP output; exit status 1 if any case went the wrong way.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bbtest=${1:-}
if [ -z "$bbtest" ]; then
	make -s -C "$here/../progs" || exit 1
	bbtest=$here/../build/progs/bbtest
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

case_() {	# case_ WANT(ok|fail) FAMILY(4|6) CORRUPT [WIRECMP-ARGS...]
	want=$1 fam=$2 what=$3
	shift 3
	n=$((n + 1))
	six=
	[ "$fam" = 6 ] && six=-6
	if [ "$what" = none ]; then
		"$bbtest" synth $six --stream "$tmp/s" --pcap "$tmp/p" > /dev/null
	else
		"$bbtest" synth $six --stream "$tmp/s" --pcap "$tmp/p" --corrupt "$what" > /dev/null
	fi
	"$bbtest" wirecmp "$tmp/s" "$tmp/p" --cookie 4242 "$@" > "$tmp/out" 2>&1
	rc=$?
	got=ok
	[ $rc = 0 ] || got=fail
	if [ $got = "$want" ] && { [ $rc = 0 ] || [ $rc = 1 ]; }; then
		echo "ok $n - wirecmp $* IPv$fam corrupt=$what: $got ($(grep -E '^(mismatch|error|note)' "$tmp/out" | head -n 1))"
	else
		echo "not ok $n - wirecmp $* IPv$fam corrupt=$what: got $got (exit $rc), want $want"
		sed 's/^/#   /' "$tmp/out"
		failed=1
	fi
}

for fam in 4 6; do
	case_ ok $fam none
	for what in seq ack flags win urg opt payload port missing extra sn-gap rec-seq \
		    seq:0 ack:1 win:25 opt:12 flags:24; do
		case_ fail $fam "$what"
	done
	# Two segments of one direction captured in the other order: a
	# mismatch, unless --reorder allows a window that large; a real
	# difference is still one.
	case_ fail $fam swap:5
	case_ ok $fam swap:5 --reorder 1
	case_ ok $fam swap:8 --reorder 3
	case_ ok $fam none --reorder 3
	case_ fail $fam seq:5 --reorder 3
	case_ fail $fam missing:5 --reorder 3
done

# Selection by local port, and the same files read by tcpdump (if present).
n=$((n + 1))
"$bbtest" synth --stream "$tmp/s" --pcap "$tmp/p" > /dev/null
if "$bbtest" wirecmp "$tmp/s" "$tmp/p" --lport 40000 > "$tmp/out" 2>&1; then
	echo "ok $n - wirecmp selects the connection by --lport"
else
	echo "not ok $n - wirecmp --lport"; sed 's/^/#   /' "$tmp/out"; failed=1
fi
n=$((n + 1))
if "$bbtest" wirecmp "$tmp/s" "$tmp/p" --lport 40001 > "$tmp/out" 2>&1; then
	echo "not ok $n - wirecmp with a port no dump has must fail"; failed=1
else
	echo "ok $n - wirecmp with a port no dump has fails"
fi
if command -v tcpdump > /dev/null; then
	n=$((n + 1))
	if [ "$(tcpdump -nr "$tmp/p" 2>/dev/null | wc -l)" = 26 ]; then
		echo "ok $n - tcpdump reads the synthetic pcap (26 segments)"
	else
		echo "not ok $n - tcpdump reads the synthetic pcap"; failed=1
	fi
fi
echo "1..$n"
exit $failed
