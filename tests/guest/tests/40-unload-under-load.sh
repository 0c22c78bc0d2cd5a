# Unload under load: iperf3 runs between the namespaces with every
# connection logged (auto_ratio=1 auto_all=1; CONTINUAL on the client side
# with a reader draining the device, TAIL on the server side).  rmmod is
# refused while the reader holds the device, succeeds as soon as it is gone
# while the traffic goes on, the transfer is not disturbed, and the module
# loads and unloads again cleanly.  The harness fails the run on any
# WARN, BUG or oops on the console.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
for kv in auto_ratio=1 auto_all=1; do
	bb_sysctl both ${kv%=*} ${kv#*=}
done
bb_sysctl a auto_mode 4
bb_sysctl b auto_mode 1
bb_bg_b iperfs iperf3 -s -1 -p 5201
ps=$BB_PID
bb_wait_listen b 5201
bb_bg rd bbtest devread -o /dev/null --ready $BB_DIR/rd.ready
rd=$BB_PID
bb_wait_file $BB_DIR/rd.ready
bb_bg_a iperfc iperf3 -c $BB_B4 -p 5201 -t 8 -P 2
pc=$BB_PID
sleep 3
grep -q . /proc/sys/net/tcp_bblog/stat_records 2>/dev/null && grep . /proc/sys/net/tcp_bblog/stat_* || true
if rmmod tcp_bblog 2>/dev/null; then
	BB_LOADED=0
	die "rmmod succeeded while a reader had the device open"
fi
bb_stop $rd
rmmod tcp_bblog || die "rmmod under load failed"
BB_LOADED=0
echo "# unloaded with the transfer running"
[ ! -e /dev/tcp_bblog ] || die "device left behind"
bb_wait $pc "iperf3 client"
bb_wait $ps "iperf3 server"
cat $BB_DIR/iperfc.out
grep -q receiver $BB_DIR/iperfc.out || die "iperf3 did not finish"

# Load again with logging on, traffic, unload: still clean.
bb_load
bb_sysctl a auto_ratio 1
bb_sysctl a auto_all 1
bb_sysctl a auto_mode 5
bb_server srv -p 5018 -n 4 --sink
bb_a bbtest client -a $BB_B4 -p 5018 -n 4 --bytes 20000 > /dev/null
dmesg | grep -E 'BUG:|WARNING:|Oops|new suspected memory leak' && die "kernel complained"
bb_end
