/* staff_bench.c - what a menu PIN check costs here: one PBKDF2-HMAC-SHA256
 * derivation (the staff and technician hashes share salt and count) at a
 * given count, and the count the kiosk would choose on this machine for
 * STAFF_TARGET_MS per check (staff_measure_iterations, as at first boot).
 * Used by tests/bench/staff_pin.sh. Usage: staff_bench [ITERATIONS]
 * (default 100000, the floor). Prints figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/staff.h"

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
	printf("pbkdf2-hmac-sha256 iterations=%u check_ms=%.1f (one derivation per check)\n", it, per);
	printf("iterations_for_%dms_check=%.0f (from this figure)\n", STAFF_TARGET_MS,
	       it * (double)STAFF_TARGET_MS / per);
	staff_close(st);
	char p[64];
	snprintf(p, sizeof p, "%s/staff.json", dir);
	unlink(p);
	rmdir(dir);
	/* What the kiosk measures at first boot on this machine. */
	kclock_t sys;
	kclock_real(&sys, NULL);
	int probe = 0;
	unsigned chosen = staff_measure_iterations(&sys, STAFF_TARGET_MS, &probe);
	printf("calibrated: 20000 iterations in %d ms -> new PINs get %u iterations (floor %u, max %u)\n",
	       probe, chosen, STAFF_ITERATIONS, STAFF_ITERATIONS_MAX);
	return 0;
}
