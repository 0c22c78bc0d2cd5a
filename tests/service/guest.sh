#!/bin/bash
# The guest side of "deb.sh service": run by bblog-service-test.service
# (a oneshot unit ordered after bblog-record.service) in a Debian bookworm
# VM booted with systemd as PID 1, where both packages were installed with
# apt.  Every check is one "BBLOG-TAP: ok - service: NAME" line (or "not ok")
# on the console (ttyS0), which tests/vm/run-vm.sh turns into TAP and
# tests/deb.sh compares with the names it expects; the success marker goes
# to the second serial port only if all passed.  Then the VM powers off.
# The guest has no network device: the test traffic is loopback only.
set -uo pipefail
exec > /dev/ttyS0 2>&1
export LC_ALL=C.UTF-8 SYSTEMD_PAGER='' SYSTEMD_COLORS=0
dir=/var/log/bblog
failed=0

ok() { echo "BBLOG-TAP: ok - service: $*"; }
bad() { echo "BBLOG-TAP: not ok - service: $*"; failed=1; }
# check NAME COMMAND...: ok NAME if COMMAND succeeds, else not ok.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
finish() {
	echo "--- journalctl -u bblog-record"
	journalctl -b -u bblog-record --no-pager -o short-monotonic
	[ $failed = 0 ] && echo BBLOG-GUEST-SUCCESS > /dev/ttyS1
	echo "BBLOG-SERVICE-DONE failed=$failed"
	# What "systemctl poweroff" does, without asking logind first (the
	# VM has no D-Bus): -no-reboot makes QEMU exit.
	systemctl start --no-block --job-mode=replace-irreversibly poweroff.target
}
trap finish EXIT

# wait_for SECONDS COMMAND...: until COMMAND succeeds, every 0.2 s.
wait_for() {
	local n=$(($1 * 5))
	shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

files() { find "$dir" -maxdepth 1 -name '*.pcapng' | sort; }
nfiles() { files | wc -l; }
more_files() { [ "$(nfiles)" -ge "$1" ]; }
mainpid() { systemctl show -P MainPID bblog-record; }
active() { [ "$(systemctl is-active bblog-record)" = active ]; }
# A new running MainPID, other than $1.
restarted() { active && [ "$(mainpid)" != 0 ] && [ "$(mainpid)" != "$1" ]; }

# One TCP connection on 127.0.0.1:PORT (64 KiB one way, then both close),
# from one process.  Both of its ends are new connections: with auto_all=1
# and auto_ratio=1 both are logged, in auto_mode's tail-auto, so dumped at
# close.
traffic() {
	perl -MIO::Socket::INET -e '
		my $port = shift;
		my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
			Listen => 1, ReuseAddr => 1) or die "listen: $!\n";
		my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port)
			or die "connect: $!\n";
		my $a = $l->accept or die "accept: $!\n";
		syswrite($c, "x" x 65536) == 65536 or die "write: $!\n";
		shutdown($c, 1);
		my ($n, $b, $r) = (0);
		$n += $r while ($r = sysread($a, $b, 65536));
		$n == 65536 or die "read $n bytes\n";
		close $a; close $c; close $l;' "$1"
}

# traffic_recorded NAME PORT: a connection, and at least two new files.
traffic_recorded() {
	local before
	before=$(nfiles)
	if ! traffic "$2"; then
		bad "$1: loopback connection on port $2"
	elif wait_for 60 more_files $((before + 2)); then
		ok "$1: a loopback connection's two ends recorded ($before -> $(nfiles) files in $dir)"
	else
		bad "$1: no new files in $dir after 60 s ($before -> $(nfiles))"
		ls -l "$dir"
	fi
}

echo "--- bblog service test: $(uname -r), systemd $(systemctl --version | head -n 1)"
sys=/proc/sys/net/tcp_bblog

# The module: loaded at boot by systemd-modules-load (the package's
# modules-load.d snippet), the one DKMS built for this kernel.
if grep -q '^tcp_bblog ' /proc/modules; then
	ok "tcp_bblog loaded at boot"
else
	bad "tcp_bblog loaded at boot"
fi
# (not by unit: a line logged before journald ran comes through the
# kernel's buffer, without the unit's name)
if journalctl -b --no-pager | grep -q "systemd-modules-load.*Inserted module 'tcp_bblog'"; then
	ok "systemd-modules-load inserted it (modules-load.d/tcp_bblog.conf)"
else
	bad "systemd-modules-load inserted it (modules-load.d/tcp_bblog.conf)"
	journalctl -b -u systemd-modules-load --no-pager
fi
ko=$(modinfo -n tcp_bblog)
if [[ $ko == /lib/modules/$(uname -r)/updates/dkms/tcp_bblog.ko* ]] &&
	modinfo -F vermagic tcp_bblog | grep -q "^$(uname -r) "; then
	ok "the module is DKMS's build for $(uname -r) ($ko)"
else
	bad "the module is DKMS's build for $(uname -r) ($ko)"
fi
check "/dev/tcp_bblog exists" test -c /dev/tcp_bblog

# The service: enabled by the package, started at boot.
check "bblog-record enabled ($(systemctl is-enabled bblog-record))" \
	test "$(systemctl is-enabled bblog-record)" = enabled
if wait_for 30 active; then
	ok "bblog-record active after boot (MainPID $(mainpid))"
else
	bad "bblog-record active after boot ($(systemctl is-active bblog-record))"
	systemctl status --no-pager bblog-record
fi
pid1=$(mainpid)
check "$dir made by LogsDirectory=, mode 0700" test "$(stat -c %a "$dir")" = 700

# Every new connection logged in tail-auto (dumped at close).
if ! { echo 1 > $sys/auto_all && echo 5 > $sys/auto_mode && echo 1 > $sys/auto_ratio; }; then
	bad "setting the auto_* sysctls"
fi
traffic_recorded "first" 5301
if [ -s "$dir/records" ] && [ "$(wc -l < "$dir/records")" -ge 2 ]; then
	ok "the records index has a line per file"
else
	bad "the records index has a line per file"
fi
f=$(files | head -n 1)
if [ -n "$f" ] && bblog show "$f" > /tmp/show.txt && [ "$(wc -l < /tmp/show.txt)" -gt 10 ] &&
	grep -q ESTABLISHED /tmp/show.txt; then
	ok "bblog show reads ${f##*/} ($(wc -l < /tmp/show.txt) lines)"
else
	bad "bblog show reads ${f:-a file}"
fi
head -n 8 /tmp/show.txt 2>/dev/null

# systemctl restart: a new process, which records too.
if ! systemctl restart bblog-record; then
	bad "systemctl restart bblog-record"
elif wait_for 30 restarted "$pid1"; then
	ok "restart: active again, MainPID $pid1 -> $(mainpid)"
else
	bad "restart: active again with a new MainPID ($(systemctl is-active bblog-record), $(mainpid))"
fi
pid2=$(mainpid)
traffic_recorded "after restart" 5302

# SIGKILL: a failure, so Restart=on-failure starts it again (after 5 s).
# The file a killed run leaves (.NAME.tmp, here a copy of a real file less
# its last 100 bytes) is recovered by the next one, which says so on its
# stderr: a line of bblog's own in the journal.
f=$(files | head -n 1)
head -c $(($(stat -c %s "$f") - 100)) "$f" > "$dir/.interrupted_1_127.0.0.1_2.0.pcapng.tmp"
systemctl kill -s KILL bblog-record
if wait_for 60 restarted "$pid2"; then
	ok "killed with SIGKILL: restarted by Restart=on-failure, MainPID $pid2 -> $(mainpid), NRestarts=$(systemctl show -P NRestarts bblog-record)"
else
	bad "killed with SIGKILL: restarted by Restart=on-failure ($(systemctl is-active bblog-record), $(mainpid))"
	systemctl status --no-pager bblog-record
fi
if wait_for 30 test -e "$dir/interrupted_1_127.0.0.1_2.0.pcapng" &&
	bblog show "$dir/interrupted_1_127.0.0.1_2.0.pcapng" > /dev/null &&
	grep -q '"interrupted_1_127.0.0.1_2.0.pcapng"' "$dir/records"; then
	ok "after SIGKILL: the left .tmp file recovered, readable, indexed"
else
	bad "after SIGKILL: the left .tmp file recovered, readable, indexed"
	ls -la "$dir"
fi
traffic_recorded "after SIGKILL" 5303

# The journal: systemd's lines for the unit (bblog record itself says
# nothing unless something goes wrong).
journalctl -b -u bblog-record --no-pager > /tmp/journal.txt
for line in "Started bblog-record.service" "Stopping bblog-record.service" \
	"Main process exited, code=killed, status=9/KILL" \
	"Scheduled restart job, restart counter is at 1"; do
	if grep -qF "$line" /tmp/journal.txt; then
		ok "journalctl -u bblog-record has \"$line\""
	else
		bad "journalctl -u bblog-record has \"$line\""
	fi
done
# What the process itself wrote on stderr (_SYSTEMD_UNIT= is the unit's
# processes only, not systemd's lines about it).
if journalctl -b _SYSTEMD_UNIT=bblog-record.service --no-pager |
	grep -q "bblog: $dir/.interrupted_1_127.0.0.1_2.0.pcapng.tmp: recovered as interrupted_1_127.0.0.1_2.0.pcapng: [0-9]* records (cut [0-9]* bytes of an unfinished block)"; then
	ok "journal: bblog record's own stderr line (the recovery)"
else
	bad "journal: bblog record's own stderr line (the recovery)"
	journalctl -b _SYSTEMD_UNIT=bblog-record.service --no-pager
fi
n=$(grep -cF "Started bblog-record.service" /tmp/journal.txt)
check "journal: started 3 times ($n)" test "$n" = 3

# A clean stop (SIGTERM: it writes what it read, exits 0).
if systemctl stop bblog-record && [ "$(systemctl show -P Result bblog-record)" = success ] &&
	[ "$(systemctl show -P ExecMainStatus bblog-record)" = 0 ]; then
	ok "systemctl stop: exit status 0"
else
	bad "systemctl stop: exit status $(systemctl show -P ExecMainStatus bblog-record), result $(systemctl show -P Result bblog-record)"
fi
# No unit failed during the boot and the test.
failed_units=$(systemctl list-units --state=failed --no-legend --plain | grep -v bblog-service-test)
check "no failed units${failed_units:+: $failed_units}" test -z "$failed_units"
ls -l "$dir"
