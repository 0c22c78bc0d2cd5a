// SPDX-License-Identifier: GPL-2.0
/* bblog unit tests: TAP on stdout, exit status 1 if any test failed. */
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"
#include "tap.h"
#include "tests.h"

const char *path_in_tmp(const char *name)
{
	static char buf[4][4096];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 4096, "%s/%s", tmpdir(), name);
	return b;
}

int main(void)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	suite_stream();
	suite_pcapng();
	suite_readers();
	suite_cli();
	suite_faults();
	suite_retain();
	suite_version();
	suite_filter();
	suite_owner();
	suite_events();
	suite_plugin();
	suite_plot();
	suite_scale();
	rc = tap_done();
	if (rc == 0 && !getenv("BBLOG_KEEP_TMP")) {
		char cmd[4200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir());
		if (system(cmd) != 0)
			rc = 1;
	}
	return rc;
}
