// SPDX-License-Identifier: GPL-2.0
/*
 * tsc-khz: prints the host's TSC rate in kHz, measured against
 * CLOCK_MONOTONIC_RAW, or nothing and exit status 1 if it cannot tell.
 *
 * Under TCG without -icount the guest's TSC is the host's, so a guest
 * told this rate (tsc_early_khz=) needs no calibration at boot.  Its own
 * calibration against the emulated PIT fails or goes wrong when the host
 * is busy (make check boots five VMs at once on two cores): the kernel
 * then falls back to jiffies or keeps a wrong rate, and its clock runs
 * several times too fast or too slow.
 *
 * A sample is a clock read between two TSC reads close together (a
 * preemption in between shows as a wide bracket and the sample is taken
 * again).  Two samples 200 ms apart give the rate; two rates must agree
 * within 0.05%.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

struct sample {
	uint64_t tsc;
	uint64_t ns;
};

static int take(struct sample *s)
{
	struct timespec ts;
	uint64_t a, b;
	int i;

	for (i = 0; i < 1000; i++) {
		a = __rdtsc();
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		b = __rdtsc();
		if (b - a < 20000) {
			s->tsc = a + (b - a) / 2;
			s->ns = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
			return 0;
		}
	}
	return -1;
}

static int rate(double *khz)
{
	struct timespec nap = { 0, 200 * 1000 * 1000 };
	struct sample s0, s1;

	if (take(&s0))
		return -1;
	nanosleep(&nap, NULL);
	if (take(&s1) || s1.ns <= s0.ns || s1.tsc <= s0.tsc)
		return -1;
	*khz = (double)(s1.tsc - s0.tsc) * 1e6 / (double)(s1.ns - s0.ns);
	return 0;
}

int main(void)
{
	double k0, k1, d;
	int i;

	for (i = 0; i < 5; i++) {
		if (rate(&k0) || rate(&k1))
			continue;
		d = k0 > k1 ? k0 - k1 : k1 - k0;
		if (k0 > 100000 && d < k0 / 2000) {
			printf("%.0f\n", (k0 + k1) / 2);
			return 0;
		}
	}
	return 1;
}
