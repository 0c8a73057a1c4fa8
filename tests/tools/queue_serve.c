/* queue_serve.c - test tool: a day of queue figures without a browser.
 * Issues ISSUE printed tickets of procedure PROCEDURE (series LETTER) into
 * <DIR>/ledger.db on a clock trusted as if staff had set it (a marker file
 * in DIR, so the tickets are dated today), then counter 1 calls and serves
 * SERVE of them in GROUP, as the hub's counter page would.
 *
 *   queue_serve DIR GROUP LETTER PROCEDURE ISSUE SERVE
 * Prints the business day (yyyymmdd) and how many were served. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/mfile.h"
#include "domain/ledger.h"
#include "domain/queue.h"

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: queue_serve DIR GROUP LETTER PROCEDURE ISSUE SERVE\n");
		return 2;
	}
	char path[1100], err[512], marker[1100];
	snprintf(marker, sizeof marker, "%s/queue-serve-clock-set", argv[1]);
	if (mfile_write_atomic(marker, "1\n", 2, 0644) != KIOSK_OK) {
		fprintf(stderr, "queue_serve: cannot write %s\n", marker);
		return 1;
	}
	kclock_t clk;
	kclock_real(&clk, marker);
	snprintf(path, sizeof path, "%s/ledger.db", argv[1]);
	ledger_t *l;
	if (ledger_open(path, &clk, &l, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "queue_serve: %s\n", err);
		return 1;
	}
	int day = 0;
	for (int i = 0; i < atoi(argv[5]); i++) {
		ledger_ticket_t t;
		if (ledger_reserve(l, argv[3][0], 0, argv[4], false, &t) != KIOSK_OK ||
		    ledger_mark_sent(l, t.row) != KIOSK_OK || ledger_confirm(l, t.row) != KIOSK_OK ||
		    ledger_mark_printed(l, t.row) != KIOSK_OK) {
			fprintf(stderr, "queue_serve: cannot issue a ticket\n");
			ledger_close(l);
			return 1;
		}
		day = t.day_key;
	}
	ledger_close(l);
	queue_group_t g = {.letter = argv[3][0]};
	snprintf(g.id, sizeof g.id, "%s", argv[2]);
	queue_proc_t p;
	snprintf(p.procedure, sizeof p.procedure, "%s", argv[4]);
	snprintf(p.group, sizeof p.group, "%s", argv[2]);
	queue_counter_t c = {.id = 1, .group_count = 1};
	snprintf(c.groups[0], sizeof c.groups[0], "%s", argv[2]);
	queue_setup_t s = {.groups = &g, .group_count = 1, .procs = &p, .proc_count = 1, .counters = &c,
			   .counter_count = 1, .regular_per_priority = 2, .absent_window = 5};
	queue_t *q;
	if (queue_open(path, &clk, &s, &q, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "queue_serve: %s\n", err);
		return 1;
	}
	int n = atoi(argv[6]), served = 0;
	for (int i = 0; i < n; i++) {
		if (queue_call_next(q, 1, NULL) != KIOSK_OK)
			break;
		if (queue_done(q, 1, NULL) == KIOSK_OK)
			served++;
	}
	queue_close(q);
	printf("%d %d\n", day, served);
	return 0;
}
