/* report.c - builds the JSON bodies of the heartbeat, printer events and
 * queue figures that the kiosk puts in the fleet outbox (docs/fleet.md). */
#include "fleet/report.h"

#include <stdbool.h>
#include <stdio.h>

#include "core/kiosk.h"

static int fits(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap ? KIOSK_ERANGE : KIOSK_OK;
}

/* True when s is all of A-Z a-z 0-9 _ - . + (ids, versions, slots): such
 * text needs no JSON escaping and cannot carry anything else. */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-' || *s == '.' || *s == '+'))
			return false;
	return true;
}

int fleet_heartbeat_body(const fleet_heartbeat_t *h, char *buf, size_t cap)
{
	char temp[32] = "null";
	if (h->temp_c >= -273)
		snprintf(temp, sizeof temp, "%.1f", h->temp_c);
	int n = snprintf(buf, cap,
			 "{\"version\":\"%s\",\"slot\":\"%s\",\"data_version\":\"%s\",\"uptime_s\":%lld,\"disk_free_kb\":%lld,"
			 "\"disk_total_kb\":%lld,\"temp_c\":%s,\"printer\":\"%s\",\"outbox\":{\"waiting\":%lld,"
			 "\"dropped\":{\"heartbeat\":%lld,\"stats\":%lld,\"event\":%lld},\"merged\":%lld}}",
			 plain(h->version) ? h->version : "", plain(h->slot) ? h->slot : "",
			 plain(h->data_version) ? h->data_version : "", (long long)h->uptime_s, (long long)h->disk_free_kb,
			 (long long)h->disk_total_kb, temp, h->printer ? h->printer : "unknown",
			 (long long)h->outbox.rows, (long long)h->outbox.dropped[OUTBOX_HEARTBEAT],
			 (long long)h->outbox.dropped[OUTBOX_STATS], (long long)h->outbox.dropped[OUTBOX_EVENT],
			 (long long)h->outbox.merged);
	return fits(n, cap);
}

int fleet_printer_event_body(printer_state_t now, printer_state_t was, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "{\"event\":\"printer\",\"state\":\"%s\",\"was\":\"%s\"}",
			 printer_state_name(now), was >= PRINTER_STATE_COUNT ? "unknown" : printer_state_name(was));
	return fits(n, cap);
}

int fleet_stats_body(const queue_stat_t *s, char *buf, size_t cap)
{
	/* The group is a catalog id (A-Z a-z 0-9 _ - .): no escaping needed,
	 * and anything else is refused rather than sent. */
	if (!plain(s->group))
		return KIOSK_EINVAL;
	char hour[24] = "";
	if (s->hourly) {
		if (s->hour < 0 || s->hour > 23)
			return KIOSK_EINVAL;
		snprintf(hour, sizeof hour, ",\"hour\":%d", s->hour);
	}
	int n = snprintf(buf, cap,
			 "{\"period\":\"%s\",\"day\":%d%s,\"group\":\"%s\",\"issued\":%ld,\"called\":%ld,"
			 "\"served\":%ld,\"no_show\":%ld,\"closed\":%ld,\"transferred\":%ld,\"transfer_in\":%ld,"
			 "\"waits\":%ld,\"wait_median_s\":%lld,\"wait_p90_s\":%lld,\"service_median_s\":%lld,"
			 "\"rating_1\":%ld,\"rating_2\":%ld,\"rating_3\":%ld}",
			 hour[0] ? "hour" : "day", s->day_key, hour, s->group, s->issued, s->called, s->served, s->noshow, s->closed,
			 s->transferred, s->transfer_in, s->waits,
			 (long long)(s->wait_median_ms < 0 ? -1 : s->wait_median_ms / 1000),
			 (long long)(s->wait_p90_ms < 0 ? -1 : s->wait_p90_ms / 1000),
			 (long long)(s->service_median_ms < 0 ? -1 : s->service_median_ms / 1000), s->ratings[1],
			 s->ratings[2], s->ratings[3]);
	return fits(n, cap);
}
