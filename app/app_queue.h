/* app_queue.h - the kiosk's handle on the office queue: what a citizen is
 * told of the line (app_queue.c). The handle lives in app_t (a->queue, NULL
 * when the queue cannot be opened); all calls accept that. */
#ifndef APP_QUEUE_H
#define APP_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app_internal.h"
#include "print/ticket.h"

/* After the tickets opened: open the queue on the same ledger file. */
void app_queue_open(app_t *a);
void app_queue_close(app_t *a);

/* The figures for the ticket about to be printed (*w; false: no line). */
bool app_queue_before_print(app_t *a, const session_t *s, bool priority, ticket_wait_t *w);
/* After a print: the ticket screen's figures into the session (printed:
 * what went on paper, may be NULL). */
void app_queue_after_print(app_t *a, session_t *s, const tickets_result_t *r, const ticket_wait_t *printed);

/* On Welcome, every APP_QUEUE_CHECK_MS: the numbers being served, when the
 * queue changed. The next time it wants to run (mono ms), -1 for none. */
void app_queue_tick(app_t *a);
/* A citizen asked for staff: the call goes on the counter pages (with
 * office.kiosk_name) when counters are configured and the ledger takes it.
 * True when it did; app_queue_tick then watches for "Tôi đến" and tells the
 * session which counter is coming. */
bool app_queue_help(app_t *a);
/* The session's rate hook (session_hooks_t.rate): a scanned ticket QR is
 * decoded and checked against the office key (only a K2 record this
 * office signed), then the queue says whether it can be rated; level 1..3
 * stores the rating of number. */
int app_queue_rate(app_t *a, const char *record, int level, unsigned reasons, char number[8]);
int64_t app_queue_deadline(const app_t *a);

#endif
