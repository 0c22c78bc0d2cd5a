# bblog record when its output fails, when it is killed, and when its
# directory is unusable.
#
# 1. Disk full: the output directory is a 1 MiB tmpfs filled to the brim.
#    The first dump cannot be written: record says it pauses and stops
#    reading, so the next dumps wait in the kernel (dumps_queued grows,
#    nothing is delivered); export_limit then lowered below them makes the
#    kernel drop the oldest (counted).  Room again: record says it resumed,
#    reports what the kernel dropped, and every record the kernel dumped
#    is in a file or counted as dropped.
# 2. SIGTERM while paused: exit status 3, the dump it held is counted.
# 3. SIGKILL with a file open (a partial block appended, as a write cut
#    short would leave): the next record recovers the .tmp file, cut to its
#    whole blocks, and indexes it as recovered.
# 4. The directory made unwritable at run time (record runs as nobody):
#    pause on EACCES, resume when it is writable again.
# 5. Unusable directories at start: not writable by the -u user, a
#    read-only file system, missing: exit status 1 and a clear message.
# At the end: the records in the files plus those record reported it could
# not write equal the records the kernel dumped minus those it dropped.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
M=/tmp/rf-full
st() { cat $P/stat_$1; }
# index_sum DIR: the records of the files the index lists
index_sum() { sed -n 's/.*"record_count":\([0-9]*\).*/\1/p' "$1/records" | awk '{ s += $1 } END { print s + 0 }'; }
nlines() { wc -l < "$1" | tr -d ' '; }
# sum_lost WHAT FILE: dumps or records in record's "the kernel dropped" lines
sum_lost() {
	sed -n 's/.*the kernel dropped \([0-9]*\) dumps (\([0-9]*\) records).*/\1 \2/p' "$2" |
		awk -v w="$1" '{ s += (w == "dumps" ? $1 : $2) } END { print s + 0 }'
}
# one N [ARGS]: a client connection in continual mode, dumped at its close
one() {
	local n=$1
	shift
	bb_a bbtest client -a $BB_B4 -p 5055 --mode continual --bytes 30000 "$@" \
		> $BB_DIR/cli$n.out || { cat $BB_DIR/cli$n.out; die "client $n"; }
}
# rec_stop PID WANT: SIGTERM bblog record, its exit status must be WANT
rec_stop() {
	local rc=0
	kill "$1"
	wait "$1" || rc=$?
	BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $1 / /")
	expect_eq "bblog record's exit status" $rc "$2"
}
# rec_idle PID: bblog record read every dump queued and handled it: the
# queue is empty and then it is back in poll() (x86-64 poll 7, ppoll 271).
rec_idle() {
	local i=0 nr rest
	while :; do
		if [ "$(st dumps_queued)" = 0 ]; then
			read -r nr rest < /proc/$1/syscall
			[ "$nr" = 7 ] || [ "$nr" = 271 ] && return 0
		fi
		i=$((i + 1))
		[ $i -lt 400 ] || die "bblog record did not go idle: $(cat /proc/$1/syscall)"
		usleep 50000
	done
}
fill() { dd if=/dev/zero of=$M/fill bs=64k 2> /dev/null || true; }
# No directory size limit: its default, a tenth of this 1 MiB file system,
# would remove files this test counts (the retention has unit tests).
NOLIMIT="--max-size unlimited"

bb_begin
mkdir -p $M
mount -t tmpfs -o size=1m tmpfs $M || die "mount tmpfs"
r0=$(st dump_records) l0=$(st lost_export) x0=$(st export_dropped) d0=$(st dumps)
bb_server srv -p 5055 -n 8 --sink

# 1. Disk full.
fill
if echo x > $M/probe 2> /dev/null; then die "the tmpfs is not full"; fi
rm -f $M/probe
bb_record_start $M $NOLIMIT
rec=$BB_PID
one 1
bb_wait_for $BB_DIR/rec.out "^bblog: $M: No space left on device: pausing; dumps wait in the kernel$" 60
expect_eq "files after the failed dump" "$(ls -A $M | tr '\n' ' ')" "fill records "
delivered=$(st delivered)
one 2
one 3
one 4
bb_settle
echo "# paused: dumps_queued $(st dumps_queued), dump_records_queued $(st dump_records_queued)"
expect_num "dumps waiting in the kernel" "$(st dumps_queued)" -ge 3
expect_eq "dumps read while paused" "$(st delivered)" "$delivered"
# The kernel's bound: below what waits, one more dump drops the oldest.
limit=$(st dump_records_queued)
echo $limit > $P/export_limit
one 5
bb_settle
echo 131072 > $P/export_limit
dropped=$(( $(st export_dropped) - x0 ))
echo "# export_limit $limit: the kernel dropped $dropped dumps ($(( $(st lost_export) - l0 )) records)"
expect_num "dumps the kernel dropped" $dropped -ge 1
expect_eq "still paused" "$(grep -c 'resumed' $BB_DIR/rec.out || true)" 0
rm $M/fill
bb_wait_for $BB_DIR/rec.out "^bblog: $M: resumed after [0-9.]* s paused$" 30
bb_drained
rec_idle $rec
rec_stop $rec 0
cat $BB_DIR/rec.out
cp $BB_DIR/rec.out $BB_DIR/rec1.out
expect_eq "dumps record reported dropped" "$(sum_lost dumps $BB_DIR/rec1.out)" $dropped
expect_eq "records record reported dropped" "$(sum_lost records $BB_DIR/rec1.out)" \
	$(( $(st lost_export) - l0 ))
expect_eq "files written (one per dump not dropped)" "$(nlines $M/records)" \
	$(( $(st dumps) - d0 - dropped ))
expect_eq "pcapng files" "$(ls $M | grep -c '\.pcapng$')" "$(nlines $M/records)"
expect_eq "records written = dumped - dropped" "$(index_sum $M)" \
	$(( $(st dump_records) - r0 - ($(st lost_export) - l0) ))
expect_eq "temporary files left" "$(ls -A $M | grep -c '\.tmp$' || true)" 0
for f in $M/*.pcapng; do
	bblog show "$f" > /dev/null || die "bblog show $f"
done

# 2. SIGTERM while paused: the dump it read is counted, exit status 3.
fill
bb_record_start $M $NOLIMIT
rec=$BB_PID
r1=$(st dump_records)
one 6
bb_wait_for $BB_DIR/rec.out "No space left on device: pausing" 60
n6=$(( $(st dump_records) - r1 ))
rec_stop $rec 3
cat $BB_DIR/rec.out
grep -q "^bblog: stopped with 1 dump ($n6 records) read but not written to $M (No space left on device); dumps not read yet stay queued in the kernel for the next reader$" \
	$BB_DIR/rec.out || die "the dump not written is not counted"
unwritten=$n6
rm $M/fill

# 3. SIGKILL with a file open, then a restart.
lines=$(nlines $M/records)
bb_record_start $M $NOLIMIT
rec=$BB_PID
r2=$(st dump_records)
bb_bg_a cli7 bbtest client -a $BB_B4 -p 5055 --mode continual --bytes 30000 \
	--dump killed --keep
cli7=$BB_PID
bb_wait_for $BB_DIR/cli7.out '^keeping' 60
n7=$(( $(st dump_records) - r2 ))
rec_idle $rec
tmp=$(ls -A $M | grep '^\..*\.pcapng\.tmp$' || true)
[ -n "$tmp" ] || die "no temporary file: $(ls -A $M)"
size=$(stat -c %s $M/$tmp)
kill -9 $rec
wait $rec || true
BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $rec / /")
# a write cut short: the start of a block after the last whole one
head -c 100 $M/$tmp >> $M/$tmp
name=${tmp#.}
name=${name%.tmp}
bb_record_start $M $NOLIMIT
rec=$BB_PID
bb_wait_for $BB_DIR/rec.out "recovered as" 30
grep -q "^bblog: $M/$tmp: recovered as $name: $n7 records (cut 100 bytes of an unfinished block)$" \
	$BB_DIR/rec.out || die "recovery: $(cat $BB_DIR/rec.out)"
expect_eq "recovered file size" "$(stat -c %s $M/$name)" $size
l=$(tail -n 1 $M/records)
case $l in *"\"filename\":\"$name\""*'"recovered":true}') ;; *) die "index line: $l" ;; esac
expect_eq "recovered record_count" "$(echo "$l" | sed -n 's/.*"record_count":\([0-9]*\).*/\1/p')" $n7
bblog show $M/$name > /dev/null || die "bblog show $name"
# the connection goes on: its last dump, into the next file
kill $cli7
bb_wait $cli7 "client 7"
bb_settle
bb_drained
rec_idle $rec
rec_stop $rec 0
cat $BB_DIR/rec.out
expect_eq "index lines after the restart" "$(nlines $M/records)" $((lines + 2))

# 4. The directory made unwritable while record runs as nobody.
W=/tmp/rf-w
rm -rf $W
mkdir -p $W
chown 65534:65534 $W
bb_record_start $W -u nobody
rec=$BB_PID
chmod 0555 $W
one 8
bb_wait_for $BB_DIR/rec.out "^bblog: $W: Permission denied: pausing; dumps wait in the kernel$" 60
chmod 0755 $W
bb_wait_for $BB_DIR/rec.out "^bblog: $W: resumed after" 30
bb_drained
rec_idle $rec
rec_stop $rec 0
expect_eq "files written as nobody" "$(ls -n $W | awk '$3 == 65534 && /pcapng/' | wc -l)" 1

# The balance: every record the kernel dumped is in a file, or was dropped
# by the kernel (and reported), or was reported not written.
files=$(( $(index_sum $M) + $(index_sum $W) ))
echo "# records: dumped $(( $(st dump_records) - r0 )), in files $files, dropped by the kernel $(( $(st lost_export) - l0 )), reported not written $unwritten"
expect_eq "records dumped = in files + dropped + reported not written" \
	$(( $(st dump_records) - r0 )) $(( files + $(st lost_export) - l0 + unwritten ))
umount $M

# 5. Unusable directories at start: status 1 and why.
R=/tmp/rf-ro
mkdir -p $R
chmod 0555 $R
rc=0
bblog record -u nobody -D $R 2> $BB_DIR/e1 || rc=$?
expect_eq "not writable by nobody: status" $rc 1
grep -q "^bblog: $R: not writable by user nobody: Permission denied$" $BB_DIR/e1 ||
	die "not writable by nobody: $(cat $BB_DIR/e1)"
mount -t tmpfs -o ro,size=64k tmpfs $R || die "mount a read-only tmpfs"
rc=0
bblog record -D $R 2> $BB_DIR/e2 || rc=$?
umount $R
expect_eq "read-only file system: status" $rc 1
grep -q "^bblog: $R: not writable: Read-only file system$" $BB_DIR/e2 ||
	die "read-only: $(cat $BB_DIR/e2)"
rc=0
bblog record -D /tmp/rf-missing 2> $BB_DIR/e3 || rc=$?
expect_eq "missing directory: status" $rc 1
grep -q "^bblog: output directory /tmp/rf-missing: No such file or directory$" $BB_DIR/e3 ||
	die "missing: $(cat $BB_DIR/e3)"
bb_end
