# Netfilter hooks only where something can be logged (issue 11): the module
# places them in a namespace at its first use there (a socket option that
# makes a connection entry, auto_* that selects, a selection rule), so a
# namespace where nothing is asked pays nothing per packet
# (net.tcp_bblog.stat_hooks_armed, per namespace); they stay until the
# namespace or the module goes.  What is asked is logged from its first
# segment: the connection whose socket option placed them has its SYN.
# The kprobes (segments outside ESTABLISHED, accept, timers) are
# registered disabled at load and armed by the first namespace's use, as
# the kernel's list of kprobes shows.  If the hooks cannot be placed, what
# asked for them fails and nothing changes.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
armed() { bb_$1 cat $P/stat_hooks_armed; }
KPL=/sys/kernel/debug/kprobes/list
# the kprobe on tcp_rcv_state_process (at +0x4 past an IBT endbr64 on
# 6.12 and later): none, disabled or armed
kprobe() {
	l=$(grep -E ' tcp_rcv_state_process\+0x[0-9a-f]+ ' $KPL) || { echo none; return; }
	case $l in
	*'[DISABLED]'*) echo disabled ;;
	*) echo armed ;;
	esac
}

bb_begin
expect_eq "loaded: no hooks in a, b, the initial namespace" \
	"$(armed a)/$(armed b)/$(cat $P/stat_hooks_armed)" 0/0/0
bb_server srv1 -p 5171 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5171 --bytes 1000 > /dev/null || die "client 1"
bb_wait_for $BB_DIR/srv1.out '^done' 30
expect_eq "traffic, nothing logged: none" "$(armed a)/$(armed b)" 0/0
bb_sysctl b auto_mode 5
bb_sysctl b auto_all 1
bb_sysctl b auto_ratio 0
bb_sysctl b disable_all 0
expect_eq "settings that select nothing (auto_ratio 0): none" "$(armed b)" 0
[ -r $KPL ] || die "no $KPL (debugfs)"
cat $KPL
expect_eq "nothing asked: the kprobes registered, disabled" "$(kprobe)" disabled

# placing the hooks fails (test builds' fail_arm: as if netfilter had no
# memory): what asked for them fails with that error, nothing half done
FA=/sys/module/tcp_bblog/parameters/fail_arm
echo 1 > $FA
bb_server srv0 -p 5170 -n 1 --sink
s0=$BB_PID
bb_a bbtest client -a $BB_B4 -p 5170 --mode tail-auto --bytes 10 > $BB_DIR/c0.out 2>&1 &&
	die "a socket option succeeded while the hooks cannot be placed"
cat $BB_DIR/c0.out
grep -q 'BBLOG_SO_MODE.*ENOMEM' $BB_DIR/c0.out || die "the socket option: not ENOMEM"
bb_b sh -c "echo 1 > $P/auto_ratio" 2> $BB_DIR/ratio.err &&
	die "auto_ratio 1 written while the hooks cannot be placed"
cat $BB_DIR/ratio.err
bb_b bblog rule add passive sport 5173 mode tail > $BB_DIR/rule.err 2>&1 &&
	die "a rule added while the hooks cannot be placed"
cat $BB_DIR/rule.err
expect_eq "failed: auto_ratio kept, no rule, no hooks, nothing logged" \
	"$(bb_b cat $P/auto_ratio)/$(bb_b bblog rule list | wc -l)/$(armed a)/$(armed b)/$(bb_a cat $P/stat_conns)" \
	0/0/0/0/0
expect_eq "failed: the kprobes still disabled" "$(kprobe)" disabled
echo 0 > $FA
bb_stop $s0

# a socket option: the client's connection (tail-auto: dumped at close)
bb_reader r
rd=$BB_PID
bb_server srv2 -p 5172 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5172 --mode tail-auto --bytes 1000 > $BB_DIR/c2.out ||
	die "client 2"
bb_wait_for $BB_DIR/srv2.out '^done' 30
expect_eq "a socket option: its namespace's" "$(armed a)/$(armed b)" 1/0
cat $KPL
expect_eq "a socket option: the kprobes armed" "$(kprobe)" armed

# a rule, in b
bb_b bblog rule add passive sport 5173 mode tail > /dev/null || die "rule add"
expect_eq "a rule: its namespace's" "$(armed b)" 1
bb_b bblog rule flush
expect_eq "kept once the rule is gone" "$(armed b)" 1

# auto_ratio, in the initial namespace
echo 1 > $P/auto_ratio
expect_eq "auto_ratio 1: its namespace's" "$(cat $P/stat_hooks_armed)" 1
echo 0 > $P/auto_ratio

bb_settle
bb_stop $rd
c=$(bb_cookie $BB_DIR/c2.out 1)
r=$(bb_first_seg $BB_DIR/r.raw "$c")
expect_eq "the connection that placed them: its first segment" \
	"$(bb_get "$r" evname)/$(bb_get "$r" tflags)" out/S
bb_end
