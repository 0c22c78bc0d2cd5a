# Reproducer for QEMU's multi-threaded TCG executing stale code that the
# guest kernel rewrote (not part of make check).  No tcp_bblog: TCP
# tracepoints are switched on and off through tracefs while iperf3 runs over
# veth, so their static-key sites in the TCP fast path are rewritten while
# the other vCPU executes them.  Run it as a guest test:
#   cp tests/repro/int3-stress.sh tests/guest/tests/99-int3-stress.sh
#   BBLOG_VM_ACCEL=tcg BBLOG_GUEST_ARGS=bblog.only=99-* bash tests/vm-stage.sh backports
# Measured 2026-12-01 with QEMU 7.2, 2 vCPUs:
#   -accel tcg (multi-threaded): 6.12.95 oopses within 15 s at
#     tcp_rcv_established+0x39 (the tcp_probe site; the bytes at RIP are
#     already the restored nopl: a stale int3 ran after the patch
#     completed); 6.1.0-57 ends in a soft lockup within 20 s.
#   -accel tcg,thread=single (what tests/vm/run-vm.sh uses): both kernels
#     run the 40 s clean (about 100 flip rounds, 3-4 Gbit/s).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
bb_begin noload
mount -t tracefs none /sys/kernel/tracing 2>/dev/null || true
T=/sys/kernel/tracing/events/tcp
ls $T >/dev/null || skip "no tracefs"
bb_bg_b iperfs iperf3 -s -p 5201
bb_wait_listen b 5201
bb_bg_a iperfc iperf3 -c $BB_B4 -p 5201 -t ${STRESS_SECS:-40} -P 2
pc=$BB_PID
n=0
while kill -0 $pc 2>/dev/null; do
	for e in tcp_probe tcp_retransmit_skb tcp_rcv_space_adjust tcp_destroy_sock; do
		echo 1 > $T/$e/enable
	done
	for e in tcp_probe tcp_retransmit_skb tcp_rcv_space_adjust tcp_destroy_sock; do
		echo 0 > $T/$e/enable
	done
	n=$((n + 1))
done
echo "# $n flip rounds"
grep receiver $BB_DIR/iperfc.out
bb_end
