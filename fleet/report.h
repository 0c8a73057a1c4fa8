/* report.h - the bodies of the fleet messages (docs/fleet.md), built from
 * facts the caller gathers; the outbox adds the envelope (v, kiosk, seq,
 * ts). Codes and counts only: nothing here can carry personal data. */
#ifndef FLEET_REPORT_H
#define FLEET_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/printer_state.h"
#include "domain/outbox.h"
#include "domain/queue.h"

typedef struct {
	char version[40];           /* running app bundle, "" unknown */
	char slot[4];               /* "a", "b", "" unknown */
	char data_version[40];      /* running data bundle, "" none or unknown */
	int64_t uptime_s;
	int64_t disk_free_kb, disk_total_kb; /* of the data folder; -1 unknown */
	double temp_c;              /* board temperature; < -273 = none */
	const char *printer;        /* printer_state_name, NULL = unknown */
	outbox_info_t outbox;       /* waiting and dropped counters */
} fleet_heartbeat_t;

/* JSON object text into buf; KIOSK_ERANGE when it does not fit. */
int fleet_heartbeat_body(const fleet_heartbeat_t *h, char *buf, size_t cap);

/* A printer state change: {"event":"printer","state":...,"was":...};
 * was PRINTER_STATE_COUNT: "unknown" (the first state since the start). */
int fleet_printer_event_body(printer_state_t now, printer_state_t was, char *buf, size_t cap);

/* A day's figures of one group (counter 0 rows of queue_stats_daily):
 * {"period":"day","day":...,"group":...,"issued":...}; an hour's
 * (queue_stats_hourly, s->hourly): "period":"hour","day":...,"hour":H. */
int fleet_stats_body(const queue_stat_t *s, char *buf, size_t cap);

#endif
