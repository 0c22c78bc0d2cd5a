// SPDX-License-Identifier: GPL-2.0
/*
 * Records that carry words: an application's event (BBLOG_SO_LOG) becomes
 * the comment of its custom block, which bblog show prints and Wireshark
 * shows (frame.comment); a reset's reason is named from the uapi's list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/tcp_bblog.h>

#include "bytes.h"
#include "gen.h"
#include "pcapng.h"
#include "pcapread.h"
#include "tap.h"
#include "tests.h"

static void user_event(struct bblog_record *r, uint32_t sn, uint32_t type,
		       uint32_t subtype, const void *data, uint32_t n)
{
	gen_record(r, sn, BBLOG_EV_USER);
	r->th_len = 0;
	r->flags = BBLOG_RF_SNAPSHOT | BBLOG_RF_USER;
	r->arg1 = type;
	r->arg2 = subtype;
	memset(r->th, 0, sizeof(r->th));
	memcpy(r->th, data, n);
	r->payload_len = n;
}

static void t_user_event_text(void)
{
	struct bblog_record r;
	char text[512];

	user_event(&r, 1, 7, 2, "request 17 started", 18);
	bblog_user_event_text(&r, text, sizeof(text));
	CHECKF(!strcmp(text, "app event type=7 subtype=2: request 17 started"), "%s", text);
	/* bytes that are not printable, and the escape itself, as \xHH */
	user_event(&r, 1, 0, 0, "a\n\\\x00\xff", 5);
	bblog_user_event_text(&r, text, sizeof(text));
	CHECKF(!strcmp(text, "app event type=0 subtype=0: a\\x0a\\x5c\\x00\\xff"), "%s", text);
	user_event(&r, 1, 1, 1, "", 0);
	bblog_user_event_text(&r, text, sizeof(text));
	CHECKF(!strcmp(text, "app event type=1 subtype=1"), "%s", text);
	/* a length past the data area is cut to it; a short buffer is cut */
	user_event(&r, 1, 1, 1, "x", 1);
	r.payload_len = 1000;
	bblog_user_event_text(&r, text, sizeof(text));
	CHECKF(strlen(text) <= strlen("app event type=1 subtype=1: ") + 4 * BBLOG_USER_DATA_LEN,
	       "%zu bytes", strlen(text));
	CHECK(bblog_user_event_text(&r, text, 12) == strlen(text) && strlen(text) < 12);
}

static void t_rst_reason_names(void)
{
	char b[64];

	CHECK(bblog_rst_reason_name(0, b, sizeof(b)) == NULL);
	CHECK(!strcmp(bblog_rst_reason_name(1, b, sizeof(b)), "not_specified"));
	CHECK(!strcmp(bblog_rst_reason_name(12, b, sizeof(b)), "tcp_abort_on_close"));
	CHECK(!strcmp(bblog_rst_reason_name(25, b, sizeof(b)), "error"));
	CHECK(bblog_rst_reason_name(26, b, sizeof(b)) == NULL);
}

/* A file with a reset sent and two application events, read back. */
static void t_user_event_file(void)
{
	static const char msg[] = "request 17 started";
	struct bblog_out *o = bblog_out_mem();
	struct bblog_record r;
	struct bblog_pcapng w;
	struct bblog_pr_item it;
	struct bblog_dump d;
	struct bblog_pr pr;
	const unsigned char *data;
	char path[1024], *out = NULL;
	int comments = 0, events = 0;
	size_t n;

	gen_dump(&d, 0, 77, "app", 0, 0);
	CHECK(bblog_pcapng_open(&w, o, &d, 1750000000, "t", NULL) == 0);
	gen_record(&r, 0, BBLOG_EV_RST_SENT);
	r.th_len = 0;
	r.flags = BBLOG_RF_SNAPSHOT;
	r.arg1 = 12;
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	user_event(&r, 1, 1, 2, msg, sizeof(msg) - 1);
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	user_event(&r, 2, 3, 4, "", 0);
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	CHECK(bblog_pcapng_commit(&w) == 0);
	data = bblog_out_mem_data(o, &n);

	bblog_pr_init(&pr, data, n);
	while (bblog_pr_next(&pr, &it) == 1) {
		if (!it.have_rec)
			continue;
		if (it.rec[TLB_EVENTID] == BBLOG_EV_RST_SENT) {
			CHECKF(!strcmp(it.comment, "reset sent: tcp_abort_on_close"), "%s",
			       it.comment);
			continue;
		}
		events++;
		if (it.comment[0])
			comments++;
		if (get_le32(it.rec + TLB_SN) == 1)
			CHECKF(!strcmp(it.comment, "app event type=1 subtype=2: request 17 started"),
			       "%s", it.comment);
		else
			CHECKF(!strcmp(it.comment, "app event type=3 subtype=4"), "%s", it.comment);
	}
	CHECK(events == 2 && comments == 2);

	snprintf(path, sizeof(path), "%s", path_in_tmp("events.pcapng"));
	CHECK(write_file(path, data, n) == 0);
	bblog_pcapng_close(&w);

	CHECK(run(&out, NULL, "'%s' show '%s'", bblog_bin(), path) == 0);
	CHECKF(out && strstr(out, "TCP_LOG_USER_EVENT") &&
	       strstr(out, "app event type=1 subtype=2: request 17 started"), "%s", out ? out : "");
	CHECKF(out && strstr(out, "rst-sent") && strstr(out, "reason=tcp_abort_on_close"),
	       "%s", out ? out : "");
	free(out);
	out = NULL;
	CHECK(run(&out, NULL, "'%s' show --json '%s'", bblog_bin(), path) == 0);
	CHECKF(out && strstr(out, "\"comment\":\"app event type=1 subtype=2: request 17 started\""),
	       "%s", out ? out : "");
	free(out);
	out = NULL;
	/* Wireshark: the event's FreeBSD name, and the words as a packet comment */
	if (have_cmd("tshark")) {
		CHECK(run(&out, NULL, "tshark -r '%s' -Y 'frame.comment contains \"request 17\"' "
			  "-T fields -e bblog.event_id -e bblog.flex_1 -e bblog.flex_2", path) == 0);
		CHECKF(out && !strcmp(out, "59\t1\t2\n"), "tshark: %s", out ? out : "");
		free(out);
	}
}

/* A dropped segment: an event block with its words, not a second packet. */
static void t_drop_file(void)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_record r;
	struct bblog_pcapng w;
	struct bblog_pr_item it;
	struct bblog_dump d;
	struct bblog_pr pr;
	const unsigned char *data;
	char path[1024], b[64], *out = NULL;
	int drops = 0, packets = 0;
	size_t n;

	CHECK(!strcmp(bblog_drop_reason_name(34, b, sizeof(b)), "tcp_invalid_sequence"));
	CHECK(bblog_drop_reason_name(0, b, sizeof(b)) == NULL);
	gen_dump(&d, 0, 78, "drop", 0, 0);
	CHECK(bblog_pcapng_open(&w, o, &d, 1750000000, "t", NULL) == 0);
	gen_record(&r, 0, BBLOG_EV_IN);
	gen_th(&r, ntohs(d.fport), ntohs(d.lport), 5000, 1, 0x10, 0, 100);
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	r.sn = 1;
	r.event = BBLOG_EV_DROP;
	r.arg1 = 34;
	r.arg2 = 999;
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	CHECK(bblog_pcapng_commit(&w) == 0);
	data = bblog_out_mem_data(o, &n);
	bblog_pr_init(&pr, data, n);
	while (bblog_pr_next(&pr, &it) == 1) {
		if (it.packet)
			packets++;
		if (!it.have_rec || it.rec[TLB_EVENTID] != BBLOG_EV_DROP)
			continue;
		drops++;
		CHECK(!it.packet);
		CHECK(!(get_le16(it.rec + TLB_EVENTFLAGS) & FBSD_TLB_HDR));
		CHECKF(!strcmp(it.comment, "drop in seq 5000 len 100: tcp_invalid_sequence"),
		       "%s", it.comment);
	}
	CHECK(drops == 1 && packets == 1);
	snprintf(path, sizeof(path), "%s", path_in_tmp("drop.pcapng"));
	CHECK(write_file(path, data, n) == 0);
	bblog_pcapng_close(&w);
	CHECK(run(&out, NULL, "'%s' show '%s'", bblog_bin(), path) == 0);
	CHECKF(out && strstr(out, " drop ") &&
	       strstr(out, "drop in seq 5000 len 100: tcp_invalid_sequence"), "%s", out ? out : "");
	free(out);
}

/* Every event in words, and a packet's Linux state. */
static void t_comments(void)
{
	static const struct {
		uint8_t ev;
		uint32_t a1, a2;
		int32_t err;
		const char *want;
	} c[] = {
		{ BBLOG_EV_RTO, 2, 3, 0, "retransmission timer expired (retransmits 2, backoff 3)" },
		{ BBLOG_EV_SOCKOPT, 0, 5, 0, "option mode set: tail-auto" },
		{ BBLOG_EV_SOCKOPT, 1, 0, 0, "option ID set" },
		{ BBLOG_EV_CONNEND, 5, 0, 0, "end: closed here first" },
		{ BBLOG_EV_CONNEND, 2, 110, 0, "end: timeout (ETIMEDOUT)" },
		{ BBLOG_EV_CONNEND, 7, 110, 0, "end: keepalive timeout (ETIMEDOUT)" },
		{ BBLOG_EV_CONNEND, 10, 0, 0, "end: closed for the orphan or memory limit" },
		{ BBLOG_EV_CONNEND, 99, 0, 0, "end: ?" },
		{ BBLOG_EV_STATE, 2, 1, 0, "state SYN_SENT -> ESTABLISHED" },
		{ BBLOG_EV_RETRANS, 1234, 1448, 0, "retransmit seq 1234 len 1448" },
		{ BBLOG_EV_SYNACK_RETRANS, 2, 0, 0, "established after 2 SYN-ACK retransmissions" },
		{ BBLOG_EV_RST_SENT, 0, 0, 0, "reset sent" },
		{ BBLOG_EV_RST_SENT, 13, 14, 0, "reset sent: tcp_abort_on_linger" },
		{ BBLOG_EV_RST_RECV, 0, 0, 0, "reset received" },
		{ BBLOG_EV_CA_STATE, 0, 3, 0, "ca-state Open -> Recovery" },
		{ BBLOG_EV_RCVBUF, 131072, 65536, 0, "rcvbuf 131072 (rcv_ssthresh 65536)" },
		{ BBLOG_EV_BAD_CSUM, 0, 0, 0, "segment with a bad checksum" },
		{ BBLOG_EV_SK_ERROR, 0, 0, -104, "socket error ECONNRESET" },
		{ BBLOG_EV_TLP, 0, 0, 0, "tail loss probe" },
		{ BBLOG_EV_PROBE0, 1, 0, 0, "zero-window probe (1 before)" },
		{ BBLOG_EV_KEEPALIVE, 0, 0, 0, "keepalive probe (0 before)" },
		{ BBLOG_EV_PMTU_RETRANS, 1280, 0, 0, "retransmit: path MTU now 1280" },
		{ 77, 0, 0, 0, "event 77" },
	};
	struct bblog_record r;
	struct bblog_dump d;
	char text[BBLOG_COMMENT_MAX];
	unsigned int i;

	gen_dump(&d, 0, 1, "", 0, 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		gen_record(&r, 1, c[i].ev);
		r.arg1 = c[i].a1;
		r.arg2 = c[i].a2;
		r.err = c[i].err;
		bblog_record_comment(&d, &r, text, sizeof(text));
		CHECKF(!strcmp(text, c[i].want), "event %u: '%s', want '%s'", c[i].ev, text,
		       c[i].want);
	}
	/* the end of a connection that sent: its totals */
	gen_record(&r, 1, BBLOG_EV_CONNEND);
	r.arg1 = BBLOG_END_CLOSE_PEER;
	r.arg2 = 0;
	r.bytes_sent = 150000;
	r.bytes_retrans = 2800;
	r.dsack_dups = 1;
	r.reord_seen = 2;
	r.delivered_ce = 3;
	r.busy_ms = 1500;
	r.rwnd_limited_ms = 4;
	r.sndbuf_limited_ms = 5;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "end: closed by the peer first; sent 150000 B retrans 2800 B dsack 1 "
		       "reord 2 ce 3 busy 1500 ms rwnd-limited 4 ms sndbuf-limited 5 ms"),
	       "%s", text);
	/* a packet: the state it leaves, in packets and times */
	gen_record(&r, 1, BBLOG_EV_OUT);
	r.snd_cwnd = 10;
	r.snd_ssthresh = 0x7fffffff;
	r.packets_out = 5;
	r.sacked_out = 1;
	r.lost_out = 1;
	r.retrans_out = 0;
	r.srtt_us = 1234 << 3;
	r.rto_us = 204000;
	r.ca_state = 0;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "cwnd 10 ssthresh inf inflight 3 srtt 1.234ms rto 204.000ms ca Open"),
	       "%s", text);
	r.snd_ssthresh = 7;
	r.retrans_out = 2;
	r.lost_out = 9;
	r.srtt_us = 40 << 3;
	r.ca_state = 4;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "cwnd 10 ssthresh 7 inflight 0 srtt 40us rto 204.000ms ca Loss "
		       "retrans_out 2"), "%s", text);
	/* tcp_info's loss and reordering counters, once they count */
	r.bytes_retrans = 2896;
	r.dsack_dups = 1;
	r.reord_seen = 3;
	r.delivered_ce = 4;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "cwnd 10 ssthresh 7 inflight 0 srtt 40us rto 204.000ms ca Loss "
		       "retrans_out 2 bytes_retrans 2896 dsack 1 reord_seen 3 delivered_ce 4"),
	       "%s", text);
	/* the widest values, zeros padding a fraction, an unknown state */
	r.snd_cwnd = 0xffffffff;
	r.snd_ssthresh = 0x7ffffffe;
	r.packets_out = 0xffffffff;
	r.retrans_out = 0xffffffff;
	r.sacked_out = r.lost_out = 0;
	r.srtt_us = 1005 << 3;
	r.rto_us = 0xffffffff;
	r.ca_state = 9;
	r.bytes_retrans = UINT64_MAX;
	r.dsack_dups = 0;
	r.reord_seen = 100;
	r.delivered_ce = 99;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "cwnd 4294967295 ssthresh 2147483646 inflight 4294967294 "
		       "srtt 1.005ms rto 4294967.295ms ca ? retrans_out 4294967295 "
		       "bytes_retrans 18446744073709551615 reord_seen 100 delivered_ce 99"),
	       "%s", text);
	r.srtt_us = 0;
	r.rto_us = 1000;
	r.retrans_out = r.packets_out = 0;
	r.bytes_retrans = r.reord_seen = r.delivered_ce = 0;
	r.ca_state = 1;
	bblog_record_comment(&d, &r, text, sizeof(text));
	CHECKF(!strcmp(text, "cwnd 4294967295 ssthresh 2147483646 inflight 0 rto 1.000ms ca Disorder"),
	       "%s", text);
	/* cut to the buffer, as printf would */
	CHECK(bblog_record_comment(&d, &r, text, 13) == 12 && !strcmp(text, "cwnd 4294967"));
	/* no state, no words; and a short buffer stays a string */
	r.flags = 0;
	CHECK(bblog_record_comment(&d, &r, text, sizeof(text)) == 0 && !text[0]);
	gen_record(&r, 1, BBLOG_EV_STATE);
	r.arg1 = 2;
	r.arg2 = 1;
	CHECK(bblog_record_comment(&d, &r, text, 8) == 7 && !strcmp(text, "state S"));
}

/* Wireshark: every Linux-only event of a file has words, and packets too. */
static void t_comments_tshark(void)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_record r;
	struct bblog_pcapng w;
	struct bblog_dump d;
	const unsigned char *data;
	char path[1024], *out = NULL, *line, *save = NULL;
	unsigned int ev, lines = 0, sn = 0;
	size_t n;

	if (!have_cmd("tshark")) {
		tap_skip("no tshark");
		return;
	}
	gen_dump(&d, 0, 79, "words", 0, 0);
	CHECK(bblog_pcapng_open(&w, o, &d, 1750000000, "t", NULL) == 0);
	gen_record(&r, sn++, BBLOG_EV_OUT);
	gen_th(&r, ntohs(d.lport), ntohs(d.fport), 1, 1, 0x10, 0, 100);
	CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	for (ev = BBLOG_EV_STATE; ev <= BBLOG_EV_DROP; ev++) {
		gen_record(&r, sn++, (uint8_t)ev);
		CHECK(bblog_pcapng_record(&w, &d, &r) == 0);
	}
	CHECK(bblog_pcapng_commit(&w) == 0);
	data = bblog_out_mem_data(o, &n);
	snprintf(path, sizeof(path), "%s", path_in_tmp("words.pcapng"));
	CHECK(write_file(path, data, n) == 0);
	bblog_pcapng_close(&w);
	CHECK(run(&out, NULL, "tshark -r '%s' -T fields -E separator=/t -e frame.number "
		  "-e frame.comment", path) == 0);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int num;
		char comment[400] = "";

		lines++;
		if (sscanf(line, "%u\t%399[^\n]", &num, comment) < 2 || !comment[0])
			CHECKF(0, "a block without words: '%s'", line);
		else if (num == 1)
			CHECKF(!strncmp(comment, "cwnd ", 5), "packet: %s", comment);
	}
	CHECK_EQ(lines, 1 + BBLOG_EV_DROP - BBLOG_EV_STATE + 1);
	free(out);
}

void suite_events(void)
{
	tap_run(t_user_event_text, "events: an application event in words, bytes escaped, cut to its area");
	tap_run(t_rst_reason_names, "events: reset reasons named from BBLOG_RST_REASON_NAMES, 1-based");
	tap_run(t_user_event_file, "events: application events as custom block comments (pcapread, show, tshark)");
	tap_run(t_drop_file, "events: a dropped segment is an event block named in words, not a packet");
	tap_run(t_comments, "events: every event in words, a packet's Linux state (cwnd, inflight, srtt, rto, ca)");
	tap_run(t_comments_tshark, "events: tshark shows words on every Linux-only event and on packets");
}
