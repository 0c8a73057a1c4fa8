/* ledger_fill.c - test tool: issue COUNT printed tickets of a procedure
 * into <DIR>/ledger.db, as the kiosk does after a confirmed print
 * (reserve, sent, confirm, printed), for the hub's tests.
 *
 *   ledger_fill DIR LETTER PROCEDURE COUNT [priority]
 * Prints each number issued on its own line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/ledger.h"

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: ledger_fill DIR LETTER PROCEDURE COUNT [priority]\n");
		return 2;
	}
	kclock_t clk;
	kclock_real(&clk, NULL);
	char path[1100], err[512];
	snprintf(path, sizeof path, "%s/ledger.db", argv[1]);
	ledger_t *l = NULL;
	if (ledger_open(path, &clk, &l, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "ledger_fill: %s\n", err);
		return 1;
	}
	bool prio = argc > 5 && strcmp(argv[5], "priority") == 0;
	int n = atoi(argv[4]);
	for (int i = 0; i < n; i++) {
		ledger_ticket_t t;
		if (ledger_reserve(l, argv[2][0], 0, argv[3], prio, &t) != KIOSK_OK ||
		    ledger_mark_sent(l, t.row) != KIOSK_OK || ledger_confirm(l, t.row) != KIOSK_OK ||
		    ledger_mark_printed(l, t.row) != KIOSK_OK) {
			fprintf(stderr, "ledger_fill: cannot issue a ticket\n");
			ledger_close(l);
			return 1;
		}
		printf("%s\n", t.number);
	}
	ledger_close(l);
	return 0;
}
