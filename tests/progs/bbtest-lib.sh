#!/bin/sh
# Helpers for the tcp_bblog end-to-end scenarios (busybox sh, sourced after
# /guest/lib.sh):  . /usr/local/bin/bbtest-lib.sh
#
# Network: two namespaces joined by a veth pair
#   bba  va  10.9.0.1/24  fd00::1/64   (the client side)
#   bbb  vb  10.9.0.2/24  fd00::2/64   (the server side)
# bb_begin sets them up (and loads the module unless told not to), bb_end
# tears everything down and unloads the module (rmmod must succeed); an EXIT
# trap cleans up whatever a failing scenario left behind.

BB_A=bba BB_B=bbb
BB_A4=10.9.0.1 BB_B4=10.9.0.2 BB_A6=fd00::1 BB_B6=fd00::2
BB_DIR=/tmp/bb
BB_PIDS=
BB_LOADED=0

bb_log() { echo "# $*"; }

# bb_a CMD...: run in the client namespace; bb_b: in the server namespace.
# (The real ip: it execs the command, so a background pid is the command's.)
BB_IP=/usr/sbin/ip
bb_a() { $BB_IP netns exec $BB_A "$@"; }
bb_b() { $BB_IP netns exec $BB_B "$@"; }

bb_net_up() {
	ip netns add $BB_A
	ip netns add $BB_B
	ip link add va netns $BB_A type veth peer name vb netns $BB_B
	ip -n $BB_A link set lo up
	ip -n $BB_B link set lo up
	ip -n $BB_A addr add $BB_A4/24 dev va
	ip -n $BB_B addr add $BB_B4/24 dev vb
	ip -n $BB_A addr add $BB_A6/64 dev va nodad
	ip -n $BB_B addr add $BB_B6/64 dev vb nodad
	ip -n $BB_A link set va up
	ip -n $BB_B link set vb up
	# Permanent neighbour entries: no test depends on ARP or neighbour
	# discovery, which netem loss would otherwise make fail (EHOSTUNREACH)
	# or delay (a SYN waiting in the neighbour queue is not retransmitted).
	local ma mb
	ma=$(bb_mac a va) mb=$(bb_mac b vb)
	ip -n $BB_A neigh replace $BB_B4 lladdr "$mb" dev va nud permanent
	ip -n $BB_A neigh replace $BB_B6 lladdr "$mb" dev va nud permanent
	ip -n $BB_B neigh replace $BB_A4 lladdr "$ma" dev vb nud permanent
	ip -n $BB_B neigh replace $BB_A6 lladdr "$ma" dev vb nud permanent
}

bb_net_down() {
	ip netns del $BB_A 2>/dev/null || true
	ip netns del $BB_B 2>/dev/null || true
}

bb_kill_all() {
	local p
	for p in $BB_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $BB_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	BB_PIDS=
}

bb_trap_cleanup() {
	local rc=$?
	trap - EXIT
	bb_kill_all
	bb_net_down
	if [ $BB_LOADED = 1 ]; then
		rmmod tcp_bblog 2>/dev/null || true
	fi
	exit $rc
}

# bb_begin [noload]: fresh namespaces, module loaded, output directory.
bb_begin() {
	trap bb_trap_cleanup EXIT
	rm -rf $BB_DIR
	mkdir -p $BB_DIR
	bb_net_down
	bb_net_up
	if [ "${1:-}" != noload ]; then
		bb_load
	fi
}

bb_load() {
	load_bblog
	BB_LOADED=1
}

bb_unload() {
	unload_bblog
	BB_LOADED=0
}

# bb_end: stop helpers, remove the namespaces, unload (must succeed).
bb_end() {
	bb_kill_all
	bb_net_down
	if [ $BB_LOADED = 1 ]; then
		# What the initial namespace retains for dumps by ID goes now.
		echo 0 > /proc/sys/net/tcp_bblog/closed_retention_ms
		bb_settle_balance
		bb_unload
	fi
	trap - EXIT
}

# bb_sysctl NS NAME VALUE: net.tcp_bblog.NAME in namespace NS (a, b, both).
bb_sysctl() {
	case $1 in
	a) bb_a bbtest sysctl "$2" "$3" ;;
	b) bb_b bbtest sysctl "$2" "$3" ;;
	both) bb_a bbtest sysctl "$2" "$3" && bb_b bbtest sysctl "$2" "$3" ;;
	*) die "bb_sysctl: namespace a, b or both" ;;
	esac || die "sysctl net.tcp_bblog.$2=$3 in $1 failed"
}

# bb_wait_for FILE PATTERN [SECONDS]: until a line of FILE matches.
bb_wait_for() {
	local i=0 max=$(( ${3:-20} * 20 ))
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $max ] || die "timed out waiting for '$2' in $1: $(cat "$1" 2>/dev/null)"
		usleep 50000
	done
}

# bb_wait_listen a|b PORT [SECONDS]: until a TCP socket listens on PORT
# in that namespace (for programs whose output is buffered, like iperf3).
bb_wait_listen() {
	local i=0 max=$(( ${3:-20} * 20 )) hex
	hex=$(printf '%04X' "$2")
	while ! bb_$1 cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt $max ] || die "timed out waiting for a listener on port $2 in $1"
		usleep 50000
	done
}

# bb_wait_retrans a|b STATE [N]: until an IPv4 TCP socket of that namespace
# in STATE (hex, as /proc/net/tcp: 01 ESTABLISHED, 02 SYN_SENT, 03 SYN_RECV)
# has had its retransmission timer expire N times, 1 by default (the
# retrnsmt column).
bb_wait_retrans() {
	local i=0 n=${3:-1}
	until bb_$1 cat /proc/net/tcp 2>/dev/null |
		awk -v st="$2" -v n="$n" '$4 == st && $7 + 0 >= n { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 600 ] || die "no socket in state $2 in $1 retransmitted $n times in 60 s"
		usleep 100000
	done
}

# bb_blackhole_rto NAME: once the client in $BB_DIR/NAME.out has connected,
# drop everything the client side sends until one of its connections' RTO
# fired, then let it through again.
bb_blackhole_rto() {
	bb_wait_for $BB_DIR/$1.out '^conn ' 20
	tc -n $BB_A qdisc add dev va root netem loss 100%
	bb_wait_retrans a 01
	tc -n $BB_A qdisc del dev va root
}

# bb_mac a|b DEV: the link-layer address of DEV in that namespace.
bb_mac() { bb_$1 cat /sys/class/net/$2/address; }

# bb_wait_file FILE [SECONDS]
bb_wait_file() {
	local i=0 max=$(( ${2:-20} * 20 ))
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt $max ] || die "timed out waiting for $1"
		usleep 50000
	done
}

# bb_bg NAME CMD...: run in the background, output in $BB_DIR/NAME.out;
# the pid is in $BB_PID and remembered for cleanup.
bb_bg() {
	local name=$1
	shift
	"$@" > $BB_DIR/$name.out 2>&1 &
	BB_PID=$!
	BB_PIDS="$BB_PIDS $BB_PID"
}

# bb_bg_a NAME CMD... / bb_bg_b: bb_bg in the client / server namespace.
bb_bg_a() { local n=$1; shift; bb_bg "$n" $BB_IP netns exec $BB_A "$@"; }
bb_bg_b() { local n=$1; shift; bb_bg "$n" $BB_IP netns exec $BB_B "$@"; }

# bb_capture_a IFACE SNAPLEN FILE: tcpdump of TCP on IFACE in namespace a
# into FILE, capturing when it returns; stop it with bb_stop $BB_PID.
bb_capture_a() {
	bb_bg_a tcpd tcpdump -i "$1" -n -U -Z root -s "$2" -w "$3" tcp
	bb_wait_for $BB_DIR/tcpd.out 'listening on' 20
}

# bb_server NAME ARGS...: bbtest server in bbb, waits until it listens.
bb_server() {
	local name=$1
	shift
	bb_bg_b "$name" bbtest server "$@"
	bb_wait_for $BB_DIR/$name.out '^listening' 20
}

# bb_reader NAME ARGS...: bbtest devread -o $BB_DIR/NAME.raw, waits until
# the device is open.  Stop it with bb_stop $BB_PID or let --count end it.
bb_reader() {
	local name=$1
	shift
	rm -f $BB_DIR/$name.ready
	bb_bg "$name" bbtest devread -o $BB_DIR/$name.raw --ready $BB_DIR/$name.ready "$@"
	bb_wait_file $BB_DIR/$name.ready 20
}

# bb_wait PID [WHAT]: wait for a background helper; dies if it failed.
bb_wait() {
	local rc=0
	wait "$1" || rc=$?
	BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $1 / /")
	[ $rc = 0 ] || die "${2:-process $1} exited with $rc"
}

# bb_stop PID: SIGTERM and reap (devread exits 0 on SIGTERM).
bb_stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $1 / /")
}

# bbf KEY: the value of KEY=... on every line of stdin.
bbf() {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) { p = index($i, "=");
		if (p && substr($i, 1, p - 1) == k) print substr($i, p + 1) } }'
}

# bb_parse RAW OUT [ARGS]: bbtest parse RAW into OUT (must be valid).
# Every serial number missing in a connection's records must be counted (in
# its dump headers or in LOST messages), unless the scenario takes records
# out itself (BBLOG_SO_BUF, CLEAR) and sets BB_GAPS_OK=1.
bb_parse() {
	local raw=$1 out=$2 gaps=--check-gaps
	shift 2
	[ "${BB_GAPS_OK:-0}" = 1 ] && gaps=
	bbtest parse "$raw" $gaps "$@" > "$out" || { cat "$out"; die "parse $raw: invalid stream"; }
}

# bb_cookie OUTFILE N [WORD]: SO_COOKIE of connection N ("conn" or "accepted").
bb_cookie() {
	local c
	c=$(grep "^${3:-conn} n=$2 " "$1" | bbf cookie | head -n 1)
	[ -n "$c" ] || die "no cookie for connection $2 in $1: $(cat "$1")"
	echo "$c"
}

# bb_dump PARSED COOKIE [SEQ]: the dump line of a cookie (first, or SEQ).
bb_dump() {
	if [ -n "${3:-}" ]; then
		grep "^dump .* cookie=$2 " "$1" | grep " seq=$3 " | head -n 1
	else
		grep "^dump .* cookie=$2 " "$1" | head -n 1
	fi
}

# bb_ndumps PARSED [COOKIE]
bb_ndumps() {
	if [ -n "${2:-}" ]; then
		grep -c "^dump .* cookie=$2 " "$1" || true
	else
		grep -c '^dump ' "$1" || true
	fi
}

# expect_num WHAT GOT OP WANT: numeric comparison (-eq -ge -gt -le -lt -ne).
expect_num() {
	case $2 in
	''|*[!0-9-]*) die "$1: got '$2', not a number" ;;
	esac
	case $3 in
	-eq|-ne|-gt|-ge|-lt|-le) ;;
	*) die "expect_num: bad operator $3" ;;
	esac
	test "$2" "$3" "$4" || die "$1: got $2, want $3 $4"
}

# bb_show FILE...: put files into the log (shown when the scenario fails).
bb_show() {
	local f
	for f in "$@"; do
		echo "# --- $f"
		sed 's/^/#   /' "$f" 2>/dev/null || true
	done
}

# bb_get LINE KEY: the value of KEY in one key=value line.
bb_get() { echo "$1" | bbf "$2" | head -n 1; }

# bb_records RAW COOKIE: the record lines of a connection (all its dumps).
bb_records() { bbtest parse "$1" --records --cookie "$2" | grep '^rec '; }

# bb_first_seg RAW COOKIE: the first record with a TCP header (the option
# settings before connect() are records too: BBLOG_EV_SOCKOPT).
bb_first_seg() { bb_records "$1" "$2" | grep -v ' th_len=0 ' | head -n 1; }

# bb_passive_start RAW COOKIE: how a passive connection's history starts,
# "in/S out/SA state/10/3" when it has its handshake (the SYN received, the
# SYN-ACK sent, then its creation: LISTEN to SYN_RECV).
bb_passive_start() {
	bb_records "$1" "$2" | head -n 3 | while read -r r; do
		case $(bb_get "$r" evname) in
		state) printf 'state/%s/%s' "$(bb_get "$r" arg1)" "$(bb_get "$r" arg2)" ;;
		*) printf '%s/%s ' "$(bb_get "$r" evname)" "$(bb_get "$r" tflags)" ;;
		esac
	done
}

# bb_expect_passive_start WHAT RAW COOKIE: a passive connection's history
# starts as bb_passive_start says it does, "in/S out/SA state/10/3"; or,
# when segments after the SYN-ACK passed LOCAL_IN on two CPUs before the
# one that made the connection did (the handshake's ACK and the data, in
# either order; with SYN cookies both can make it, tcp_check_req() or
# cookie_v4_check() on each), with those segments, kept before the
# connection existed: the SYN, the SYN-ACK, one or more segments without
# SYN or RST, the creation, and the segment that made it as the first
# segment the connection records, in SYN_RECV.
bb_expect_passive_start() {
	local got
	got=$(bb_passive_start "$2" "$3")
	[ "$got" = "in/S out/SA state/10/3" ] && return 0
	if bb_records "$2" "$3" | awk '
		NR == 1 { ok = / evname=in / && / tflags=S /; next }
		NR == 2 { ok = ok && / evname=out / && / tflags=SA /; next }
		!made {
			if (/ evname=state / && / arg1=10 arg2=3 /) { made = 1; next }
			if (!/ evname=in / || / tflags=[A-Z]*[SR]/) ok = 0
			kept++
			next
		}
		/ th_len=[1-9]/ { first = / evname=in / && / state=3 /; exit }
		END { exit !(ok && made && kept && first) }'; then
		echo "# $1: $got...: segments kept before the one that made the connection"
		return 0
	fi
	bb_records "$2" "$3" | head -n 12
	die "$1: got '$got', want 'in/S out/SA state/10/3' (or segments kept before the one that made the connection, the creation, then that one)"
}

# bb_first_seg_est RAW COOKIE: the first segment after the SYNs.
bb_first_seg_est() {
	bb_records "$1" "$2" | grep -v ' th_len=0 ' | grep -v ' tflags=SA* ' | head -n 1
}

# bb_settle [SECONDS]: let the scenario's connections end and the dumps
# they make at close reach the readers.  A blind sleep is not enough in
# software emulation beside other busy VMs, so this watches progress:
# first until no socket of either namespace is in a state other than LISTEN
# or TIME_WAIT (a logged connection ends, and is dumped, when its full
# socket goes), then until the dump and delivery counters have stood still
# for a second.  SECONDS (default 60) bounds each wait.
bb_settle() {
	local i=0 max=$(( ${1:-60} * 10 )) still=0 last= now
	while bb_busy_sockets a || bb_busy_sockets b; do
		i=$((i + 1))
		[ $i -lt $max ] || die "bb_settle: connections still open after ${1:-60}s:
$(bb_a cat /proc/net/tcp /proc/net/tcp6; bb_b cat /proc/net/tcp /proc/net/tcp6)"
		usleep 100000
	done
	i=0
	while [ $still -lt 4 ]; do
		now="$(cat /proc/sys/net/tcp_bblog/stat_dumps /proc/sys/net/tcp_bblog/stat_delivered)"
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
		else
			still=0
		fi
		last=$now
		i=$((i + 1))
		[ $i -lt $max ] || die "bb_settle: dumps still being made after ${1:-60}s"
		usleep 250000
	done
}

# bb_drained [SECONDS]: wait until every open reader has read every dump
# queued for it (stat_dumps_queued 0), so a reader stopped next has all.
bb_drained() {
	local i=0 max=$(( ${1:-60} * 10 ))
	while [ "$(cat /proc/sys/net/tcp_bblog/stat_dumps_queued)" != 0 ]; do
		i=$((i + 1))
		[ $i -lt $max ] || die "bb_drained: dumps still queued after ${1:-60}s"
		usleep 100000
	done
}

# bb_settle_balance: once every connection is closed, the record counters
# must balance: each record stored was dumped, overwritten, purged, taken
# with BBLOG_SO_BUF or freed undumped; no connection is left, and nothing
# stays charged to the budget but the dumps still queued for readers (in
# whole chunks: at most two partly used ones each).  bb_end checks this
# after every scenario (its namespaces gone, so their connections are
# freed).  Connections are freed after an RCU grace period, their chunks
# with them, and the counters are per CPU, read one at a time: this waits
# up to 30 s for them to agree.
bb_settle_balance() {
	local d=/proc/sys/net/tcp_bblog i=0 recs dumped over purged buf undumped
	local sum budget charged
	while :; do
		recs=$(cat $d/stat_records) dumped=$(cat $d/stat_dump_records)
		over=$(cat $d/stat_overwritten) purged=$(cat $d/stat_purged)
		buf=$(cat $d/stat_buf_records) undumped=$(cat $d/stat_freed_undumped)
		sum=$((dumped + over + purged + buf + undumped))
		budget=$(cat $d/stat_budget_used)
		charged=$(( $(cat $d/stat_dump_records_queued) + 30 * $(cat $d/stat_dumps_queued) ))
		[ $budget -le $charged ] && [ "$(cat $d/stat_conns_active)" = 0 ] &&
			[ $recs = $sum ] && break
		[ $i -lt 300 ] || break
		usleep 100000
		i=$((i + 1))
	done
	echo "# records $recs = dumped $dumped + overwritten $over + purged $purged + taken $buf + freed undumped $undumped (settled after $i polls)"
	expect_eq "the balance of records" $recs $sum
	expect_eq "connections left" "$(cat $d/stat_conns_active)" 0
	[ $budget -le $charged ] ||
		die "$budget records charged to the budget, but only $(cat $d/stat_dumps_queued) dumps of $(cat $d/stat_dump_records_queued) records are queued"
	BB_BALANCE_RECORDS=$recs
}

# bb_balance: bb_settle_balance in the middle of a scenario, which must
# have stored enough records to prove something.
bb_balance() {
	bb_settle_balance
	[ "$BB_BALANCE_RECORDS" -gt 100 ] ||
		die "too few records to prove anything: $BB_BALANCE_RECORDS"
}

# bb_busy_sockets a|b: true when that namespace holds a TCP socket that is
# neither listening nor in TIME_WAIT.
bb_busy_sockets() {
	bb_$1 cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk 'NR > 1 && $4 != "st" && $4 != "0A" && $4 != "06" { f = 1 } END { exit !f }'
}

# bb_record_start DIR [ARGS...]: `bblog record -D DIR` in the background,
# returning once it holds the device (so it sees every dump from then on)
# and has done its start-up checks: it opens the index DIR/records last,
# after switching user (-u) and checking the directory as that user, so a
# test may change the directory as soon as this returns.  If record exits
# during start-up, this returns too (the caller checks its status).  Its
# pid is in $BB_PID.
bb_record_start() {
	local dir=$1 i=0
	shift
	bb_bg rec bblog record -D "$dir" "$@"
	until ls -l /proc/$BB_PID/fd 2>/dev/null | grep -q "$dir/records\$"; do
		# exited (a zombie until reaped: no fds)
		case $(cut -d' ' -f3 /proc/$BB_PID/stat 2>/dev/null) in Z|"") return 0 ;; esac
		i=$((i + 1))
		[ $i -lt 400 ] || die "bblog record did not start: $(cat $BB_DIR/rec.out)"
		usleep 50000
	done
}
