/* queue_stats.c - test tool: the queue's daily statistics of <DIR>/ledger.db
 * (queue_stats_daily, what the technician's export writes), one row per
 * line, for the office-day benchmark's checks that the figures add up.
 *
 *   queue_stats DIR
 * Prints "day group counter issued called served noshow closed transferred
 * transfer_in rated1 rated2 rated3 wait_median_ms wait_p90_ms
 * service_median_ms service_p90_ms" rows. */
#include <stdio.h>

#include "core/kiosk.h"
#include "domain/queue.h"

static void row(void *user, const queue_stat_t *s)
{
	(void)user;
	printf("%d %s %d %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %lld %lld %lld %lld\n", s->day_key, s->group,
	       s->counter, s->issued, s->called, s->served, s->noshow, s->closed, s->transferred, s->transfer_in,
	       s->ratings[1], s->ratings[2], s->ratings[3], (long long)s->wait_median_ms,
	       (long long)s->wait_p90_ms, (long long)s->service_median_ms, (long long)s->service_p90_ms);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: queue_stats DIR\n");
		return 2;
	}
	char path[1100];
	snprintf(path, sizeof path, "%s/ledger.db", argv[1]);
	int rc = queue_stats_daily(path, row, NULL);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "queue_stats: %s: cannot read the statistics (%d)\n", path, rc);
		return 1;
	}
	return 0;
}
