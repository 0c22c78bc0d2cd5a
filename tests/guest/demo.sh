# make demo, inside the VM: load the module and show what it provides.
. /guest/lib.sh
echo "\$ uname -r"
uname -r
echo "\$ insmod tcp_bblog.ko"
load_bblog
dmesg | grep tcp_bblog | tail -n 1
echo "\$ ls -l /dev/tcp_bblog"
ls -l /dev/tcp_bblog
echo "\$ grep . /proc/sys/net/tcp_bblog/*"
grep . /proc/sys/net/tcp_bblog/*
echo "\$ rmmod tcp_bblog"
unload_bblog
