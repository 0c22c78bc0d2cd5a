# Bad input on every socket option gives the errno the uapi header
# documents (bbtest sockopt-errors): without the module every option is
# ENOPROTOOPT; with it: option lengths, unknown modes, ID truncation, TAG
# and ID_CNT without an ID (ENOENT), BUF with a short buffer, UDP sockets
# (EOPNOTSUPP), listening sockets, SOL_IPV6 on IPv6 sockets, set-only and
# get-only options, EPERM without CAP_NET_ADMIN, EBUSY under disable_all.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin noload
bb_a bbtest sockopt-errors --unloaded || die "sockopt errors without the module"
bb_load
bb_a bbtest sockopt-errors || die "sockopt errors with the module (see not ok lines)"
# The same in a second namespace: the options do not depend on init_net.
bb_b bbtest sockopt-errors || die "sockopt errors in a second namespace"
bb_end
