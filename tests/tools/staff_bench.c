/* staff_bench.c - how long one PIN check takes (two PBKDF2-HMAC-SHA256
 * derivations, staff and technician, at the stored iteration count). Used
 * by tests/bench/staff_pin.sh to choose the count for a board: the check
 * should take about 100 ms there (50 ms per derivation).
 * Usage: staff_bench [ITERATIONS] (default 100000). Prints figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "kiosk.h"
#include "staff.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned it = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : STAFF_ITERATIONS;
	char dir[] = "/tmp/staff-bench-XXXXXX";
	if (!mkdtemp(dir))
		return 2;
	kclock_virtual_t v = {.now_ms = 1767578400000LL, .mono_ms = 1, .trusted = true};
	kclock_t c;
	kclock_virtual(&c, &v);
	staff_t *st;
	char err[256];
	if (staff_open(dir, &c, it, &st, err, sizeof err) != KIOSK_OK ||
	    staff_set_pin(st, STAFF_STAFF, "482913") != KIOSK_OK ||
	    staff_set_pin(st, STAFF_TECH, "73910264") != KIOSK_OK) {
		fprintf(stderr, "staff_bench: set-up failed\n");
		return 2;
	}
	staff_role_t role;
	int n = 5;
	double t0 = now_ms();
	for (int i = 0; i < n; i++)
		staff_check(st, "482913", &role, NULL);
	double per = (now_ms() - t0) / n;
	printf("pbkdf2-hmac-sha256 iterations=%u check_ms=%.1f per_derivation_ms=%.1f\n", it, per,
	       per / 2);
	printf("iterations_for_50ms_per_derivation=%.0f\n", it * 50.0 / (per / 2));
	staff_close(st);
	char p[64];
	snprintf(p, sizeof p, "%s/staff.json", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}
