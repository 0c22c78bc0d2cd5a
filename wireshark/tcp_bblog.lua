-- SPDX-License-Identifier: GPL-2.0
--
-- tcp_bblog.lua: Wireshark postdissector for the Linux records of tcp_bblog.
--
-- Wireshark's bblog dissector reads the FreeBSD fields of every BBLog
-- record but knows only FreeBSD's event numbers and does not decode the
-- stack-specific area.  For records written by tcp_bblog (stack id 1,
-- "linux") this adds, under "TCP Black Box Log (Linux)":
--   tcp_bblog.event        the event's name (Linux-only events 128 and up too)
--   tcp_bblog.event_id     its number
--   tcp_bblog.words        the record in words (the block's comment)
--   tcp_bblog.snd_cwnd ... the Linux stack area: cwnd and ssthresh in
--                          packets, what is out, lost, SACKed, retransmitted,
--                          rto, min RTT, pacing rate, the Linux state and
--                          congestion state, buffers
--   tcp_bblog.old_state / new_state, old_ca_state / new_ca_state,
--   tcp_bblog.reset_reason, tcp_bblog.drop_reason, tcp_bblog.end_reason
-- and sets the Info column of event blocks to the words.  Wireshark 4.0
-- gives a Lua dissector the record of an event block, not of a packet:
-- packets keep their words in frame.comment.
--
-- Install: the global Lua plugin folder (make install), or the personal one
-- (~/.local/lib/wireshark/plugins; see tshark -G folders).  Try it without
-- installing: tshark -X lua_script:tcp_bblog.lua -r FILE.pcapng
--
-- The name lists below are the uapi header's (BBLOG_RST_REASON_NAMES,
-- BBLOG_DROP_REASON_NAMES); a unit test checks that they agree.

local STACK_ID = 1
local STACK = 160	-- offset of the stack area in the 268-byte record

local p = Proto("tcp_bblog", "TCP Black Box Log (Linux)")

local event_names = {
	[1] = "in", [2] = "out", [3] = "rto", [40] = "sockopt", [54] = "connend",
	[59] = "user", [128] = "state", [129] = "retrans", [130] = "synack-retrans",
	[131] = "rst-sent", [132] = "rst-recv", [133] = "ca-state", [134] = "rcvbuf",
	[135] = "bad-csum", [136] = "sk-error", [137] = "tlp", [138] = "probe0",
	[139] = "keepalive", [140] = "pmtu-retrans", [141] = "drop",
}
local states = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
	[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
}
local ca_states = { [0] = "Open", [1] = "Disorder", [2] = "CWR", [3] = "Recovery", [4] = "Loss" }
local end_reasons = {
	[0] = "other", [1] = "reset received", [2] = "timeout", [3] = "reset sent",
	[4] = "error", [5] = "closed here first", [6] = "closed by the peer first",
	[7] = "keepalive timeout", [8] = "closed with data unread",
	[9] = "closed with SO_LINGER 0",
	[10] = "closed for the orphan or memory limit",
	[11] = "SYN dropped: accept queue full",
}
local rst_list = {
	"not_specified", "no_socket", "tcp_invalid_ack_sequence",
	"tcp_rfc7323_paws", "tcp_too_old_ack", "tcp_ack_unsent_data",
	"tcp_flags", "tcp_old_ack", "tcp_abort_on_data",
	"tcp_timewait_socket", "invalid_syn", "tcp_abort_on_close",
	"tcp_abort_on_linger", "tcp_abort_on_memory", "tcp_state",
	"tcp_keepalive_timeout", "tcp_disconnect_with_data",
	"mptcp_rst_eunspec", "mptcp_rst_emptcp", "mptcp_rst_eresource",
	"mptcp_rst_eprohibit", "mptcp_rst_ewq2big", "mptcp_rst_ebadperf",
	"mptcp_rst_emiddlebox", "error",
}
local drop_list = {
	"not_specified", "no_socket", "pkt_too_small", "tcp_csum",
	"socket_filter", "udp_csum", "netfilter_drop", "otherhost", "ip_csum",
	"ip_inhdr", "ip_rpfilter", "unicast_in_l2_multicast", "xfrm_policy",
	"ip_noproto", "socket_rcvbuff", "proto_mem", "tcp_auth_hdr",
	"tcp_md5notfound", "tcp_md5unexpected", "tcp_md5failure",
	"tcp_aonotfound", "tcp_aounexpected", "tcp_aokeynotfound",
	"tcp_aofailure", "socket_backlog", "tcp_flags", "tcp_abort_on_data",
	"tcp_zerowindow", "tcp_old_data", "tcp_overwindow", "tcp_ofomerge",
	"tcp_rfc7323_paws", "tcp_old_sequence", "tcp_invalid_sequence",
	"tcp_invalid_ack_sequence", "tcp_reset", "tcp_invalid_syn",
	"tcp_close", "tcp_fastopen", "tcp_old_ack", "tcp_too_old_ack",
	"tcp_ack_unsent_data", "tcp_ofo_queue_prune", "tcp_ofo_drop",
	"ip_outnoroutes", "bpf_cgroup_egress", "ipv6disabled",
	"neigh_createfail", "neigh_failed", "neigh_queuefull", "neigh_dead",
	"tc_egress", "security_hook", "qdisc_drop", "cpu_backlog", "xdp",
	"tc_ingress", "unhandled_proto", "skb_csum", "skb_gso_seg",
	"skb_ucopy_fault", "dev_hdr", "dev_ready", "full_ring", "nomem",
	"hdr_trunc", "tap_filter", "tap_txfilter", "icmp_csum",
	"invalid_proto", "ip_inaddrerrors", "ip_innoroutes", "pkt_too_big",
	"dup_frag", "frag_reasm_timeout", "frag_too_far", "tcp_minttl",
	"ipv6_bad_exthdr", "ipv6_ndisc_frag", "ipv6_ndisc_hop_limit",
	"ipv6_ndisc_bad_code", "ipv6_ndisc_bad_options",
	"ipv6_ndisc_ns_otherhost", "queue_purge", "tc_cookie_error",
	"packet_sock_error", "tc_chain_notfound", "tc_reclassify_loop",
	"vxlan_invalid_hdr", "vxlan_vni_not_found", "mac_invalid_source",
	"vxlan_entry_exists", "no_tx_target", "ip_tunnel_ecn",
	"tunnel_txinfo", "local_mac",
}
-- 1-based, as the records carry them (0: not known)
local function listed(l)
	local t = {}
	for i, n in ipairs(l) do t[i] = n end
	return t
end

local f = {
	event = ProtoField.string("tcp_bblog.event", "Event"),
	event_id = ProtoField.uint8("tcp_bblog.event_id", "Event id"),
	words = ProtoField.string("tcp_bblog.words", "In words"),
	snd_cwnd = ProtoField.uint32("tcp_bblog.snd_cwnd", "cwnd (packets)"),
	snd_ssthresh = ProtoField.uint32("tcp_bblog.snd_ssthresh", "ssthresh (packets)"),
	mss = ProtoField.uint32("tcp_bblog.mss", "MSS"),
	packets_out = ProtoField.uint32("tcp_bblog.packets_out", "Packets out"),
	retrans_out = ProtoField.uint32("tcp_bblog.retrans_out", "Retransmitted out"),
	lost_out = ProtoField.uint32("tcp_bblog.lost_out", "Lost out"),
	sacked_out = ProtoField.uint32("tcp_bblog.sacked_out", "SACKed out"),
	total_retrans = ProtoField.uint32("tcp_bblog.total_retrans", "Retransmissions"),
	rto_us = ProtoField.uint32("tcp_bblog.rto_us", "RTO (us)"),
	min_rtt_us = ProtoField.uint32("tcp_bblog.min_rtt_us", "Min RTT (us)"),
	delivered = ProtoField.uint32("tcp_bblog.delivered", "Delivered (packets)"),
	reordering = ProtoField.uint32("tcp_bblog.reordering", "Reordering"),
	pacing_rate = ProtoField.uint64("tcp_bblog.pacing_rate", "Pacing rate (bytes/s)"),
	bytes_acked = ProtoField.uint64("tcp_bblog.bytes_acked", "Bytes acked"),
	bytes_received = ProtoField.uint64("tcp_bblog.bytes_received", "Bytes received"),
	write_seq = ProtoField.uint32("tcp_bblog.write_seq", "write_seq"),
	copied_seq = ProtoField.uint32("tcp_bblog.copied_seq", "copied_seq"),
	rcv_ssthresh = ProtoField.uint32("tcp_bblog.rcv_ssthresh", "rcv_ssthresh"),
	window_clamp = ProtoField.uint32("tcp_bblog.window_clamp", "window_clamp"),
	state = ProtoField.uint8("tcp_bblog.state", "Linux state", base.DEC, states),
	ca_state = ProtoField.uint8("tcp_bblog.ca_state", "Congestion state", base.DEC, ca_states),
	errno = ProtoField.uint8("tcp_bblog.errno", "Linux errno"),
	tcp_flags = ProtoField.uint32("tcp_bblog.tcp_flags", "Options in use", base.HEX),
	rmem_alloc = ProtoField.uint32("tcp_bblog.rmem_alloc", "Receive memory (bytes)"),
	wmem_queued = ProtoField.uint32("tcp_bblog.wmem_queued", "Send queue (bytes)"),
	old_state = ProtoField.string("tcp_bblog.old_state", "Old state"),
	new_state = ProtoField.string("tcp_bblog.new_state", "New state"),
	old_ca_state = ProtoField.string("tcp_bblog.old_ca_state", "Old congestion state"),
	new_ca_state = ProtoField.string("tcp_bblog.new_ca_state", "New congestion state"),
	reset_reason = ProtoField.string("tcp_bblog.reset_reason", "Reset reason"),
	drop_reason = ProtoField.string("tcp_bblog.drop_reason", "Drop reason"),
	end_reason = ProtoField.string("tcp_bblog.end_reason", "How it ended"),
}
local fields = {}
for _, v in pairs(f) do fields[#fields + 1] = v end
p.fields = fields

local f_stack_id = Field.new("bblog.stack_id")
local f_flex1 = Field.new("bblog.flex_1")
local f_flex2 = Field.new("bblog.flex_2")
local f_comment = Field.new("frame.comment")

local rst_names = listed(rst_list)
local drop_names = listed(drop_list)

function p.dissector(tvb, pinfo, tree)
	local sid = f_stack_id()
	if not sid or sid.value ~= STACK_ID or tvb:len() < STACK + 104 then
		return
	end
	local s = STACK
	local ev = tvb(s + 88, 1):uint()
	local name = event_names[ev] or ("event " .. ev)
	local comment = f_comment()
	local words = comment and tostring(comment.value) or name
	local t = tree:add(p, tvb(0, tvb:len()))
	t:add(f.event, name)
	t:add(f.event_id, tvb(s + 88, 1))
	t:add(f.words, words)
	t:add_le(f.snd_cwnd, tvb(s + 0, 4))
	t:add_le(f.snd_ssthresh, tvb(s + 4, 4))
	t:add_le(f.mss, tvb(s + 8, 4))
	t:add_le(f.packets_out, tvb(s + 12, 4))
	t:add_le(f.retrans_out, tvb(s + 16, 4))
	t:add_le(f.lost_out, tvb(s + 20, 4))
	t:add_le(f.sacked_out, tvb(s + 24, 4))
	t:add_le(f.total_retrans, tvb(s + 28, 4))
	t:add_le(f.rto_us, tvb(s + 32, 4))
	t:add_le(f.min_rtt_us, tvb(s + 36, 4))
	t:add_le(f.delivered, tvb(s + 40, 4))
	t:add_le(f.reordering, tvb(s + 44, 4))
	t:add_le(f.pacing_rate, tvb(s + 48, 8))
	t:add_le(f.bytes_acked, tvb(s + 56, 8))
	t:add_le(f.bytes_received, tvb(s + 64, 8))
	t:add_le(f.write_seq, tvb(s + 72, 4))
	t:add_le(f.copied_seq, tvb(s + 76, 4))
	t:add_le(f.rcv_ssthresh, tvb(s + 80, 4))
	t:add_le(f.window_clamp, tvb(s + 84, 4))
	t:add(f.state, tvb(s + 89, 1))
	t:add(f.ca_state, tvb(s + 90, 1))
	t:add(f.errno, tvb(s + 91, 1))
	t:add_le(f.tcp_flags, tvb(s + 92, 4))
	t:add_le(f.rmem_alloc, tvb(s + 96, 4))
	t:add_le(f.wmem_queued, tvb(s + 100, 4))
	local a1 = f_flex1() and f_flex1().value or 0
	local a2 = f_flex2() and f_flex2().value or 0
	if ev == 128 then
		t:add(f.old_state, states[a1] or tostring(a1))
		t:add(f.new_state, states[a2] or tostring(a2))
	elseif ev == 133 then
		t:add(f.old_ca_state, ca_states[a1] or tostring(a1))
		t:add(f.new_ca_state, ca_states[a2] or tostring(a2))
	elseif ev == 131 then
		t:add(f.reset_reason, rst_names[a1] or "not known")
	elseif ev == 141 then
		t:add(f.drop_reason, drop_names[a1] or "not known")
	elseif ev == 54 then
		t:add(f.end_reason, end_reasons[a1] or tostring(a1))
	end
	pinfo.cols.info:set(words)
end

register_postdissector(p)
