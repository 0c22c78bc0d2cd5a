// SPDX-License-Identifier: GPL-2.0
/*
 * The Wireshark plugin (wireshark/tcp_bblog.lua), run by tshark on a file
 * the writer made: every event named, the Linux stack area decoded into
 * tcp_bblog.* fields equal to the records, Info set to the words; its name
 * lists equal the uapi header's; and the Wireshark profile's files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/tcp_bblog.h>

#include "gen.h"
#include "pcapng.h"
#include "tap.h"
#include "tests.h"

static const char *lua_path(void)
{
	const char *p = getenv("BBLOG_LUA");

	return p ? p : "../wireshark/tcp_bblog.lua";
}

/* The names of the Lua table @table, comma-joined, as the uapi lists them. */
static void lua_list(const char *lua, const char *table, char *out, size_t len)
{
	char start[64];
	const char *p, *end;
	size_t o = 0;

	out[0] = 0;
	snprintf(start, sizeof(start), "local %s = {", table);
	p = strstr(lua, start);
	if (!p)
		return;
	end = strchr(p, '}');
	for (p = strchr(p, '"'); p && p < end; p = strchr(p, '"')) {
		const char *q = strchr(p + 1, '"');

		if (!q || q > end || o + (size_t)(q - p) + 1 >= len)
			break;
		if (o)
			out[o++] = ',';
		memcpy(out + o, p + 1, (size_t)(q - p - 1));
		o += (size_t)(q - p - 1);
		out[o] = 0;
		p = q + 1;
	}
}

static void t_lists(void)
{
	size_t n;
	char *lua = (char *)read_file(lua_path(), &n), got[4096];

	CHECKF(lua != NULL, "%s", lua_path());
	if (!lua)
		return;
	lua_list(lua, "rst_list", got, sizeof(got));
	CHECKF(!strcmp(got, BBLOG_RST_REASON_NAMES), "rst_list: %s", got);
	lua_list(lua, "drop_list", got, sizeof(got));
	CHECKF(!strcmp(got, BBLOG_DROP_REASON_NAMES), "drop_list: %s", got);
	free(lua);
}

/* A file with one record of each Linux event, and a packet. */
static const char *write_events(struct bblog_record *recs, unsigned int *nrecs)
{
	struct bblog_out *o = bblog_out_mem();
	struct bblog_pcapng w;
	struct bblog_dump d;
	const unsigned char *data;
	static char path[1024];
	unsigned int ev, k = 0;
	size_t n;

	gen_dump(&d, 0, 80, "lua", 0, 0);
	CHECK(bblog_pcapng_open(&w, o, &d, 1750000000, "t", NULL) == 0);
	gen_record(&recs[k], k, BBLOG_EV_OUT);
	gen_th(&recs[k], ntohs(d.lport), ntohs(d.fport), 1, 1, 0x10, 0, 100);
	k++;
	for (ev = BBLOG_EV_STATE; ev <= BBLOG_EV_DROP; ev++, k++)
		gen_record(&recs[k], k, (uint8_t)ev);
	recs[1].arg1 = 2;	/* SYN_SENT */
	recs[1].arg2 = 1;	/* ESTABLISHED */
	recs[BBLOG_EV_RST_SENT - BBLOG_EV_STATE + 1].arg1 = 12;
	recs[BBLOG_EV_CA_STATE - BBLOG_EV_STATE + 1].arg1 = 0;
	recs[BBLOG_EV_CA_STATE - BBLOG_EV_STATE + 1].arg2 = 4;
	recs[BBLOG_EV_DROP - BBLOG_EV_STATE + 1].arg1 = 34;
	gen_record(&recs[k], k, BBLOG_EV_CONNEND);
	recs[k++].arg1 = BBLOG_END_CLOSE_PEER;
	for (ev = 0; ev < k; ev++)
		CHECK(bblog_pcapng_record(&w, &d, &recs[ev]) == 0);
	CHECK(bblog_pcapng_commit(&w) == 0);
	data = bblog_out_mem_data(o, &n);
	snprintf(path, sizeof(path), "%s", path_in_tmp("lua.pcapng"));
	CHECK(write_file(path, data, n) == 0);
	bblog_pcapng_close(&w);
	*nrecs = k;
	return path;
}

static void t_plugin(void)
{
	struct bblog_record recs[32];
	struct bblog_dump d;
	unsigned int n, lines = 0;
	char *out = NULL, *line, *save = NULL;
	const char *path;

	if (!have_cmd("tshark")) {
		tap_skip("no tshark");
		return;
	}
	gen_dump(&d, 0, 80, "lua", 0, 0);
	path = write_events(recs, &n);
	CHECK(run(&out, NULL, "tshark -X lua_script:'%s' -r '%s' -Y tcp_bblog -T fields "
		  "-E separator=/t -e bblog.serial_nr -e tcp_bblog.event -e tcp_bblog.snd_cwnd "
		  "-e tcp_bblog.packets_out -e tcp_bblog.pacing_rate -e tcp_bblog.old_state "
		  "-e tcp_bblog.new_state -e tcp_bblog.new_ca_state -e tcp_bblog.reset_reason "
		  "-e tcp_bblog.drop_reason -e tcp_bblog.end_reason -e _ws.col.Info",
		  lua_path(), path) == 0);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char f[12][200], words[BBLOG_COMMENT_MAX], want[300];
		const struct bblog_record *r;
		unsigned int k = 0, sn;
		char *s = line, *tab;

		memset(f, 0, sizeof(f));
		while (k < 12) {
			tab = strchr(s, '\t');
			snprintf(f[k++], sizeof(f[0]), "%.*s", tab ? (int)(tab - s) : 199, s);
			if (!tab)
				break;
			s = tab + 1;
		}
		lines++;
		sn = (unsigned int)strtoul(f[0], NULL, 10);
		if (sn >= n) {
			CHECKF(0, "serial %u?", sn);
			continue;
		}
		r = &recs[sn];
		/* the stack area, as recorded */
		snprintf(want, sizeof(want), "%u/%u/%llu", r->snd_cwnd, r->packets_out,
			 (unsigned long long)r->pacing_rate);
		snprintf(words, sizeof(words), "%s/%s/%s", f[2], f[3], f[4]);
		CHECKF(!strcmp(words, want), "sn %u: %s, want %s", sn, words, want);
		/* the name, and Info in words */
		CHECKF(f[1][0] && strncmp(f[1], "event ", 6), "sn %u: event '%s'", sn, f[1]);
		bblog_record_comment(&d, r, words, sizeof(words));
		CHECKF(!strcmp(f[11], words), "sn %u: Info '%s', want '%s'", sn, f[11], words);
		if (r->event == BBLOG_EV_STATE)
			CHECKF(!strcmp(f[5], "SYN_SENT") && !strcmp(f[6], "ESTABLISHED"),
			       "states %s %s", f[5], f[6]);
		if (r->event == BBLOG_EV_CA_STATE)
			CHECKF(!strcmp(f[7], "Loss"), "ca %s", f[7]);
		if (r->event == BBLOG_EV_RST_SENT)
			CHECKF(!strcmp(f[8], "tcp_abort_on_close"), "reset %s", f[8]);
		if (r->event == BBLOG_EV_DROP)
			CHECKF(!strcmp(f[9], "tcp_invalid_sequence"), "drop %s", f[9]);
		if (r->event == BBLOG_EV_CONNEND)
			CHECKF(!strcmp(f[10], "closed by the peer first"), "end %s", f[10]);
	}
	/* every event block (not the packet: 4.0 gives Lua no bytes for it) */
	CHECK_EQ(lines, n - 1);
	free(out);
	out = NULL;
	/* filterable by name */
	CHECK(run(&out, NULL, "tshark -X lua_script:'%s' -r '%s' -Y 'tcp_bblog.event == \"ca-state\"' "
		  "-T fields -e tcp_bblog.event_id", lua_path(), path) == 0);
	CHECKF(out && !strcmp(out, "133\n"), "%s", out ? out : "");
	free(out);
}

/*
 * make install into a home of its own (the personal Lua plugin folder and
 * profiles), then Wireshark as a user would run it: no -X, -C tcp_bblog.
 * The profile's columns put the words beside every record, its colouring
 * rules and filter buttons compile.
 */
static void t_installed(void)
{
	struct bblog_record recs[32];
	char home[1024], *out = NULL, *err = NULL, buttons[1024], line[512];
	const char *path;
	unsigned int n, nb = 0;
	FILE *f;

	if (!have_cmd("tshark")) {
		tap_skip("no tshark");
		return;
	}
	path = write_events(recs, &n);
	snprintf(home, sizeof(home), "%s", path_in_tmp("wshome"));
	CHECK(run(NULL, NULL, "rm -rf '%s' && make -s -C \"$(dirname '%s')/../userspace\" install-wireshark "
		  "WSLUADIR='%s/.local/lib/wireshark/plugins' "
		  "WSPROFILEDIR='%s/.config/wireshark/profiles/tcp_bblog'",
		  home, lua_path(), home, home) == 0);
	CHECK(run(&out, &err, "HOME='%s' tshark -C tcp_bblog -r '%s' -Y 'tcp_bblog.event == \"state\"'",
		  home, path) == 0);
	CHECKF(out && strstr(out, "state SYN_SENT -> ESTABLISHED"), "out: %s", out ? out : "");
	CHECKF(!err || !strstr(err, "WARNING"), "err: %s", err ? err : "");
	free(out);
	free(err);
	/* every filter button */
	snprintf(buttons, sizeof(buttons), "%s/.config/wireshark/profiles/tcp_bblog/dfilter_buttons",
		 home);
	f = fopen(buttons, "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		char label[64], filter[300];

		if (sscanf(line, "\"TRUE\",\"%63[^\"]\",\"%299[^\"]\"", label, filter) != 2)
			continue;
		nb++;
		CHECKF(run(NULL, NULL, "HOME='%s' tshark -C tcp_bblog -r '%s' -Y '%s' > /dev/null",
			   home, path, filter) == 0, "button %s: %s", label, filter);
	}
	if (f)
		fclose(f);
	CHECK(nb >= 6);
}

void suite_plugin(void)
{
	tap_run(t_lists, "plugin: the Lua reason lists are the uapi header's");
	tap_run(t_plugin, "plugin: tshark with tcp_bblog.lua names every event, decodes the stack area, sets Info");
	tap_run(t_installed, "plugin: installed with the profile, Wireshark finds both; columns, colours, buttons work");
}
