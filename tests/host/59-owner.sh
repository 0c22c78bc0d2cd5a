#!/bin/bash
# Host side of tests/guest/tests/59-owner.sh: the owner and cgroup that
# `bblog record` wrote into each pcapng's SHB comment, read back by
# capinfos (Wireshark's own reader: what Statistics > Capture File
# Properties shows), against what the guest expects of each file.
# usage: 59-owner.sh EXPORT-DIR KERNEL-NAME; prints TAP lines.
set -uo pipefail
dir=$1/59-owner name=$2
[ -s "$dir/expect" ] || { echo "not ok - $name: owner: no expectations came back from the VM"; exit 1; }

fail=0
n=0
note() { echo "#   $*"; }
while IFS='|' read -r file owner cgroup path; do
	n=$((n + 1))
	comment=$(capinfos -k "$dir/rec/$file" 2>&1 | sed -n 's/^Capture comment: *//p')
	note "$file: $comment"
	want="owner=$owner cgroup=$cgroup"
	[ -z "$path" ] || want="$want cgroup_path=\"$path\""
	case $comment in
	*" $want") ;;
	*) note "$file: want '$want' at its end"; fail=1 ;;
	esac
done < "$dir/expect"
[ "$n" = 4 ] || { note "$n files expected, want 4"; fail=1; }
if [ $fail = 0 ]; then
	echo "ok - $name: owner: capinfos reads owner and cgroup in the $n files' SHB comments"
else
	echo "not ok - $name: owner: the SHB comments do not name the owner and cgroup"
fi
exit $fail
