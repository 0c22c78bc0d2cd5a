# Device semantics of /dev/tcp_bblog (bbtest devcheck): writers refused, O_NONBLOCK
# gives EAGAIN, poll() times out without data and reports POLLIN after a
# dump, a too small buffer gives EMSGSIZE without losing the message, a
# signal interrupts a blocking read with EINTR, read() returns whole
# messages only, and every reader gets every dump.  Also: devread -n on an
# empty device, and rmmod refused while a reader holds the device.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_a bbtest devcheck || die "device semantics (see not ok lines)"

bbtest devread -n -o $BB_DIR/empty.raw || die "devread -n on an empty device"
[ ! -s $BB_DIR/empty.raw ] || die "devread -n read data from an empty device"

bb_reader r1
if rmmod tcp_bblog 2>/dev/null; then
	BB_LOADED=0
	die "rmmod succeeded while a reader had the device open"
fi
bb_stop $BB_PID
bb_end
