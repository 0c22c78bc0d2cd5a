# Device semantics of /dev/tcp_bblog (bbtest devcheck): writers refused, O_NONBLOCK
# gives EAGAIN, poll() times out without data and reports POLLIN after a
# dump, a signal interrupts a blocking read with EINTR, read() returns whole
# messages when they fit and the same byte stream in reads of any size (16,
# 1, 7, 255 bytes), and every reader gets every dump.  Plain tools work: dd
# with 1000-byte reads gets exactly the bytes of a whole-message reader.
# Also: devread -n on an empty device, and rmmod refused while a reader
# holds the device.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_a bbtest devcheck || die "device semantics (see not ok lines)"

bbtest devread -n -o $BB_DIR/empty.raw || die "devread -n on an empty device"
[ ! -s $BB_DIR/empty.raw ] || die "devread -n read data from an empty device"

# dd, 1000 bytes at a time, beside a reader with a big buffer.
bb_reader big
dd if=/dev/tcp_bblog of=$BB_DIR/dd.raw bs=1000 2>/dev/null &
ddp=$!
BB_PIDS="$BB_PIDS $ddp"
i=0
until ls -l /proc/$ddp/fd 2>/dev/null | grep -q tcp_bblog; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "dd did not open the device"
	usleep 50000
done
bb_server srv -p 5034 --sink
bb_a bbtest client -a $BB_B4 -p 5034 --mode tail --bytes 20000 --dump plain-tools \
	> $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
bb_settle
i=0
until [ -s $BB_DIR/big.raw ] && [ "$(wc -c < $BB_DIR/dd.raw)" = "$(wc -c < $BB_DIR/big.raw)" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || die "dd got $(wc -c < $BB_DIR/dd.raw) bytes, the reader $(wc -c < $BB_DIR/big.raw)"
	usleep 100000
done
bb_stop $ddp
bb_stop $BB_PID
cmp $BB_DIR/dd.raw $BB_DIR/big.raw || die "dd's bytes differ from the reader's"
bb_parse $BB_DIR/dd.raw $BB_DIR/dd.txt
cat $BB_DIR/dd.txt
expect_eq "dd: dumps" "$(bb_ndumps $BB_DIR/dd.txt)" 1
expect_num "dd: the dump is larger than one read" "$(wc -c < $BB_DIR/dd.raw)" -gt 1000

bb_reader r1
if rmmod tcp_bblog 2>/dev/null; then
	BB_LOADED=0
	die "rmmod succeeded while a reader had the device open"
fi
bb_stop $BB_PID
bb_end
