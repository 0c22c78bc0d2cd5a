// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the device-stream parser, fed in chunks chosen by the
 * input, every dump written by the pcapng writer and read back by the reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "pcapread.h"
#include "stream.h"

static void write_and_read(const struct bblog_msg *m)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	struct bblog_pr pr;
	struct bblog_pr_item it;
	const unsigned char *data;
	uint64_t items = 0;
	size_t len;

	if (!o)
		return;
	if (bblog_pcapng_open(&w, o, &m->dump, 0, "fuzz", NULL) == 0 &&
	    bblog_pcapng_dump(&w, m) == 0) {
		data = bblog_out_mem_data(o, &len);
		bblog_pr_init(&pr, data, len);
		while (bblog_pr_next(&pr, &it) == 1)
			items++;
		/* what we write, we must read back whole */
		if (pr.err[0] || items < m->dump.nrecords)
			abort();
	}
	bblog_pcapng_close(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bblog_stream st;
	struct bblog_msg m;
	size_t off = 0, chunk;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] * 7 + 1;
	/* stateless parse of the whole buffer */
	while (off < size && bblog_msg_parse(data + off, size - off, &m) == 1) {
		if (m.length == 0 || m.length > size - off)
			abort();
		off += (size_t)m.length;
	}
	/* incremental parse */
	off = 1;
	bblog_stream_init(&st);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (bblog_stream_feed(&st, data + off, n) < 0)
			break;
		off += n;
		while (bblog_stream_next(&st, &m) == 1)
			if (m.kind == BBLOG_MSGK_DUMP)
				write_and_read(&m);
	}
	bblog_stream_eof(&st, &m);
	bblog_stream_destroy(&st);
	return 0;
}
