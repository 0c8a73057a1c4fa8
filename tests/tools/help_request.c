/* help_request.c - test tool: a kiosk's help call ("Cần hỗ trợ") recorded in
 * <DIR>/ledger.db's queue as the kiosk records it (queue_help_request), for
 * the counter page's browser test against the real hub.
 *
 *   help_request DIR KIOSK_NAME
 * Prints the call's id. */
#include <stdio.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/queue.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: help_request DIR KIOSK_NAME\n");
		return 2;
	}
	kclock_t clk;
	kclock_real(&clk, NULL);
	char path[1100], err[512];
	snprintf(path, sizeof path, "%s/ledger.db", argv[1]);
	queue_group_t g = {.id = "ho-tich", .letter = 'A'};
	queue_setup_t s = {.groups = &g, .group_count = 1, .regular_per_priority = 2, .absent_window = 5};
	queue_t *q;
	if (queue_open(path, &clk, &s, &q, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "help_request: %s\n", err);
		return 1;
	}
	int64_t id = 0;
	int rc = queue_help_request(q, argv[2], &id);
	queue_close(q);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "help_request: the call was refused (%d)\n", rc);
		return 1;
	}
	printf("%lld\n", (long long)id);
	return 0;
}
