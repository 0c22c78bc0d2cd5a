// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "bytes.h"
#include "expect.h"
#include "tap.h"

const struct tsfield ts_fields[] = {
	{ "bblog.ticks", 16, 4 }, { "bblog.serial_nr", 20, 4 },
	{ "bblog.stack_id", 24, 1 }, { "bblog.event_id", 25, 1 },
	{ "bblog.event_flags", 26, 2 }, { "bblog.errno", 28, 4 },
	{ "bblog.rxb_acc", 32, 4 }, { "bblog.rxb_ccc", 36, 4 },
	{ "bblog.txb_acc", 44, 4 }, { "bblog.txb_accs", 48, 4 },
	{ "bblog.state", 56, 4 }, { "bblog.t_flags", 68, 4 },
	{ "bblog.snd_una", 72, 4 }, { "bblog.snd_max", 76, 4 },
	{ "bblog.snd_cwnd", 80, 4 }, { "bblog.snd_nxt", 84, 4 },
	{ "bblog.snd_recover", 88, 4 }, { "bblog.snd_wnd", 92, 4 },
	{ "bblog.snd_ssthresh", 96, 4 }, { "bblog.srtt", 100, 4 },
	{ "bblog.rttvar", 104, 4 }, { "bblog.rcv_up", 108, 4 },
	{ "bblog.rcv_adv", 112, 4 }, { "bblog.t_flags2", 116, 4 },
	{ "bblog.rcv_nxt", 120, 4 }, { "bblog.rcv_wnd", 124, 4 },
	{ "bblog.dupacks", 128, 4 }, { "bblog.seg_qlen", 132, 4 },
	{ "bblog.snd_num_holes", 136, 4 }, { "bblog.flex_1", 140, 4 },
	{ "bblog.flex_2", 144, 4 }, { "bblog.payload_length", 264, 4 },
};
const int ts_nfields = sizeof(ts_fields) / sizeof(ts_fields[0]);

int expect_has_hdr(const struct bblog_record *r)
{
	int doff = (r->th[12] >> 4) * 4;

	return (r->flags & BBLOG_RF_HDR) && r->th_len >= 20 &&
	       r->th_len <= 60 && doff >= 20 && doff <= r->th_len;
}

int expect_inbound(const struct bblog_record *r)
{
	return r->event == BBLOG_EV_IN || r->event == BBLOG_EV_RST_RECV ||
	       r->event == BBLOG_EV_BAD_CSUM;
}

uint64_t expect_wall_us(const struct bblog_dump *d, const struct bblog_record *r)
{
	return (d->boot_offset_ns + r->time_ns) / 1000;
}

static uint32_t fbsd_state(unsigned s)
{
	switch (s) {
	case 1: return 4;	/* ESTABLISHED */
	case 2: return 2;	/* SYN_SENT */
	case 3: return 3;	/* SYN_RECV */
	case 4: return 6;	/* FIN_WAIT1 */
	case 5: return 9;	/* FIN_WAIT2 */
	case 6: return 10;	/* TIME_WAIT */
	case 7: return 0;	/* CLOSE */
	case 8: return 5;	/* CLOSE_WAIT */
	case 9: return 8;	/* LAST_ACK */
	case 10: return 1;	/* LISTEN */
	case 11: return 7;	/* CLOSING */
	case 12: return 3;	/* NEW_SYN_RECV */
	default: return 0;
	}
}

static uint32_t bytes_sat(uint32_t pkts, uint32_t mss)
{
	uint64_t v = (uint64_t)pkts * mss;

	return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

uint64_t expect_at(const struct bblog_dump *d, const struct bblog_record *r, int off)
{
	uint64_t rel = expect_wall_us(d, r) - d->boot_offset_ns / 1000;
	int snap = !!(r->flags & BBLOG_RF_SNAPSHOT);
	uint32_t tf = 0;

	switch (off) {
	case 0: return rel / 1000000;
	case 8: return rel % 1000000;
	case 16: return r->jiffies;
	case 20: return r->sn;
	case 24: return BBLOG_PCAP_STACK_ID;
	case 25: return r->event;
	case 26: return 0x10 | (snap ? 0x3 : 0) | (expect_has_hdr(r) ? 0x4 : 0);
	case 28:	/* FreeBSD's numbers; the ones the generator uses */
		switch (r->err) {
		case -104: return 54;	/* ECONNRESET, the generator's */
		default: return (uint32_t)r->err;
		}
	case 32: return snap ? r->rcv_nxt - r->copied_seq : 0;
	case 36: return snap ? r->rmem_alloc : 0;
	case 44: return snap ? r->write_seq - r->snd_una : 0;
	case 48: return snap ? r->wmem_queued : 0;
	case 56: return fbsd_state(r->state);
	case 68:
		if (r->tcp_flags & BBLOG_TF_NODELAY) tf |= 0x4;
		if (r->tcp_flags & BBLOG_TF_SENT_FIN) tf |= 0x10;
		if (r->tcp_flags & BBLOG_TF_WSCALE_OK) tf |= 0x20 | 0x40;
		if (r->tcp_flags & BBLOG_TF_TSTAMP_OK) tf |= 0x80 | 0x100;
		if (r->tcp_flags & BBLOG_TF_SACK_OK) tf |= 0x200;
		if (r->tcp_flags & BBLOG_TF_FASTOPEN) tf |= 0x80000000u;
		if (r->ca_state == 3) tf |= 0x100000;
		if (r->ca_state == 2) tf |= 0x20000000;
		return tf;
	case 72: return r->snd_una;
	case 76: return r->snd_nxt;
	case 80: return bytes_sat(r->snd_cwnd, r->mss_cache);
	case 84: return r->snd_nxt;
	case 88: return r->high_seq;
	case 92: return r->snd_wnd;
	case 96: return bytes_sat(r->snd_ssthresh, r->mss_cache);
	case 100: return r->srtt_us >> 3;
	case 104: return r->mdev_us >> 2;
	case 112: return r->rcv_wup + r->rcv_wnd;
	case 116: return (r->tcp_flags & BBLOG_TF_ECN_OK) ? 0x20 : 0;
	case 120: return r->rcv_nxt;
	case 124: return r->rcv_wnd;
	case 128: return r->sacked_out;
	case 136: return r->lost_out;
	case 140: return r->arg1;
	case 144: return r->arg2;
	case 156: return (r->snd_wscale & 15) | ((r->rcv_wscale & 15) << 4);
	case 264: return r->payload_len;
	default: return 0;	/* fields Linux does not fill */
	}
}

void check_tcpinfo(const unsigned char *rec, const struct bblog_dump *d,
		   const struct bblog_record *r)
{
	const unsigned char *si = rec + 160;
	int off;

	CHECK_EQ(get_le64(rec), expect_at(d, r, 0));
	CHECK_EQ(get_le64(rec + 8), expect_at(d, r, 8));
	CHECK_EQ(rec[24], expect_at(d, r, 24));
	CHECK_EQ(rec[25], expect_at(d, r, 25));
	CHECK_EQ(get_le16(rec + 26), expect_at(d, r, 26));
	for (off = 16; off < 160; off += 4) {
		if (off == 24)
			continue;
		if (off == 156) {
			CHECK_EQ(rec[156], expect_at(d, r, 156));
			CHECK_EQ(rec[157] | rec[158] | rec[159], 0);
			continue;
		}
		if (get_le32(rec + off) != expect_at(d, r, off))
			tap_diag("record sn %u offset %d", r->sn, off);
		CHECK_EQ(get_le32(rec + off), expect_at(d, r, off));
	}
	/* struct bblog_pcap_stackinfo */
	CHECK_EQ(get_le32(si + 0), r->snd_cwnd);
	CHECK_EQ(get_le32(si + 4), r->snd_ssthresh);
	CHECK_EQ(get_le32(si + 8), r->mss_cache);
	CHECK_EQ(get_le32(si + 12), r->packets_out);
	CHECK_EQ(get_le32(si + 16), r->retrans_out);
	CHECK_EQ(get_le32(si + 20), r->lost_out);
	CHECK_EQ(get_le32(si + 24), r->sacked_out);
	CHECK_EQ(get_le32(si + 28), r->total_retrans);
	CHECK_EQ(get_le32(si + 32), r->rto_us);
	CHECK_EQ(get_le32(si + 36), r->min_rtt_us);
	CHECK_EQ(get_le32(si + 40), r->delivered);
	CHECK_EQ(get_le32(si + 44), r->reordering);
	CHECK_EQ(get_le64(si + 48), r->pacing_rate);
	CHECK_EQ(get_le64(si + 56), r->bytes_acked);
	CHECK_EQ(get_le64(si + 64), r->bytes_received);
	CHECK_EQ(get_le32(si + 72), r->write_seq);
	CHECK_EQ(get_le32(si + 76), r->copied_seq);
	CHECK_EQ(get_le32(si + 80), r->rcv_ssthresh);
	CHECK_EQ(get_le32(si + 84), r->window_clamp);
	CHECK_EQ(si[88], r->event);
	CHECK_EQ(si[89], r->state);
	CHECK_EQ(si[90], r->ca_state);
	CHECK_EQ(si[91], r->err == -104 ? 104 : (unsigned)r->err);
	CHECK_EQ(get_le32(si + 92), r->tcp_flags);
	CHECK_EQ(get_le32(si + 96), r->rmem_alloc);
	CHECK_EQ(get_le32(si + 100), r->wmem_queued);
	CHECK_EQ(get_le32(rec + 264), r->payload_len);
}
