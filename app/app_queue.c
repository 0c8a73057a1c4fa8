/* app_queue.c - the kiosk's handle on the office queue (domain/queue) in its
 * own ledger file: the people ahead and the estimated wait of a new ticket
 * (printed and on the ticket screen), and the numbers being served now
 * (Welcome's "Đang phục vụ"), and the citizen's help call sent to the
 * counter pages and watched until a counter takes it. Everything here is
 * optional: when the queue cannot be opened or read (read-only disk...) the kiosk issues tickets
 * without these lines and says so once in the log. docs/office-queue.md. */
#include "app/app_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "domain/handoff.h"
#include "domain/officekey.h"

/* Welcome asks the queue whether anything changed this often (a cheap
 * PRAGMA data_version; a new view only on a change). */
#define APP_QUEUE_CHECK_MS 5000
/* While a help call waits, whether a counter took it is asked this often. */
#define APP_HELP_CHECK_MS 2000

/* One warning in the log for the whole run, whatever fails. */
static void warn_once(app_t *a, const char *what, const char *detail, int rc)
{
	if (a->queue_warned)
		return;
	a->queue_warned = true;
	log_warn("office queue: %s (%s%s%s); tickets show no people-ahead line", what, kiosk_strerror(rc),
		 detail && *detail ? ": " : "", detail ? detail : "");
}

void app_queue_open(app_t *a)
{
	a->queue = NULL;
	a->queue_check_at = 0;
	if (!a->tickets || !a->cat)
		return;
	static queue_office_t o;
	queue_office_from_catalog(a->cat, &o);
	/* No counters: the kiosk calls nobody; the queue counts the counters
	 * that called (queue.h). */
	queue_setup_t qs = {.groups = o.groups, .group_count = o.group_count, .procs = o.procs, .proc_count = o.proc_count,
			    .regular_per_priority = a->cfg.queue_regular_per_priority,
			    .absent_window = a->cfg.queue_absent_window};
	char path[1100], err[512] = "";
	snprintf(path, sizeof path, "%s/ledger.db", a->paths.data);
	int rc = queue_open(path, &a->clock, &qs, &a->queue, err, sizeof err);
	if (rc != KIOSK_OK) {
		a->queue = NULL;
		warn_once(a, "cannot open", err, rc);
	}
}

void app_queue_close(app_t *a)
{
	queue_close(a->queue);
	a->queue = NULL;
}

bool app_queue_before_print(app_t *a, const session_t *s, bool priority, ticket_wait_t *w)
{
	w->ahead = -1;
	w->wait_min = -1;
	if (!a->queue || !s->proc || !s->proc->group)
		return false;
	int ahead = 0, est = -1;
	int rc = queue_ahead_join(a->queue, s->proc->group->id, priority, &ahead, &est);
	if (rc != KIOSK_OK) {
		warn_once(a, "cannot read the line", NULL, rc);
		return false;
	}
	w->ahead = ahead;
	w->wait_min = est > 0 ? est : -1;
	return true;
}

void app_queue_after_print(app_t *a, session_t *s, const tickets_result_t *r, const ticket_wait_t *printed)
{
	if (r->rc != KIOSK_OK)
		return;
	int ahead = printed ? printed->ahead : -1, est = printed ? printed->wait_min : -1;
	if (a->queue) {
		/* The line now, with the ticket in it; when it is not (yet) in
		 * the line (its "printed" write failed), what the paper says. */
		int n = 0, m = -1;
		if (queue_ahead(a->queue, r->number, &n, &m) == KIOSK_OK) {
			ahead = n;
			est = m > 0 ? m : -1;
		}
	}
	session_set_wait(s, ahead, est);
}

bool app_queue_help(app_t *a)
{
	if (!a->queue || a->cfg.counters_count <= 0)
		return false;
	const char *name = a->cfg.office_kiosk_name[0] ? a->cfg.office_kiosk_name
						       : i18n_get(a->tr, LANG_VI, "ui.kiosk_unnamed");
	int64_t id = 0;
	int rc = queue_help_request(a->queue, name, &id);
	if (rc != KIOSK_OK) {
		log_warn("office queue: the help call cannot be recorded (%s); the kiosk asks the citizen to go "
			 "to the nearest counter", kiosk_strerror(rc));
		return false;
	}
	a->help_id = id;
	a->help_check_at = kclock_mono(&a->clock) + APP_HELP_CHECK_MS;
	log_info("help call %lld sent to the counters", (long long)id);
	return true;
}

int app_queue_rate(app_t *a, const char *record, int level, unsigned reasons, char number[8])
{
	if (!a->queue || a->cfg.counters_count <= 0)
		return KIOSK_ENODEV; /* no counters serve here: nothing to rate */
	if (level == 0) {
		number[0] = '\0';
		if (!record)
			return KIOSK_EINVAL;
		size_t len = strlen(record);
		handoff_record_t *r = calloc(1, sizeof *r);
		if (!r)
			return KIOSK_ENOMEM;
		char why[128];
		uint8_t key[OFFICEKEY_LEN];
		char err[256];
		int rc = handoff_decode(record, len, r, why, sizeof why);
		if (rc == KIOSK_OK) {
			snprintf(number, 8, "%s", r->number);
			/* Only a ticket this office printed and signed. */
			if (!r->tagged || officekey_load(a->paths.data, false, key, err, sizeof err) != KIOSK_OK ||
			    !handoff_verify(record, len, r, key, sizeof key))
				rc = KIOSK_EINVAL;
			explicit_bzero(key, sizeof key);
		}
		explicit_bzero(r, sizeof *r); /* the citizen's answers were in it */
		free(r);
		if (rc == KIOSK_OK)
			rc = queue_rate_open(a->queue, number);
		log_info("rating at the kiosk: ticket %s %s", number[0] ? number : "(unreadable)",
			 rc == KIOSK_OK ? "can be rated" : kiosk_strerror(rc));
		return rc;
	}
	int rc = queue_rate_open(a->queue, number);
	if (rc == KIOSK_OK)
		rc = queue_rate(a->queue, number, level, reasons);
	if (rc == KIOSK_OK)
		log_info("rating at the kiosk: ticket %s rated %d", number, level);
	else
		log_warn("rating at the kiosk: ticket %s not rated (%s)", number, kiosk_strerror(rc));
	return rc;
}

/* Has a counter taken this session's help call? */
static void help_tick(app_t *a)
{
	if (!a->help_id)
		return;
	if (a->session->help != SESSION_HELP_SENT) {
		a->help_id = 0; /* the session ended (a new one starts with none) */
		return;
	}
	int64_t now = kclock_mono(&a->clock);
	if (now < a->help_check_at)
		return;
	a->help_check_at = now + APP_HELP_CHECK_MS;
	queue_help_t h;
	if (queue_help_get(a->queue, a->help_id, &h) == KIOSK_OK && h.taken_by > 0) {
		log_info("help call %lld taken at counter %d", (long long)a->help_id, h.taken_by);
		session_help_taken(a->session, h.taken_by);
		a->help_id = 0;
	}
}

void app_queue_tick(app_t *a)
{
	help_tick(a);
	if (!a->queue || a->session->screen != SCR_WELCOME)
		return;
	int64_t now = kclock_mono(&a->clock);
	if (a->queue_check_at && now < a->queue_check_at)
		return;
	a->queue_check_at = now + APP_QUEUE_CHECK_MS;
	if (!queue_changed(a->queue))
		return;
	static queue_view_t v; /* 100 KiB: not on the stack */
	int rc = queue_view(a->queue, &v);
	if (rc != KIOSK_OK) {
		warn_once(a, "cannot read the numbers being served", NULL, rc);
		return;
	}
	char numbers[6][8];
	int n = 0;
	for (int i = 0; i < v.counter_count && n < 6; i++)
		if (v.counters[i].current[0])
			snprintf(numbers[n++], sizeof numbers[0], "%s", v.counters[i].current);
	session_set_serving(a->session, (const char(*)[8])numbers, n);
}

int64_t app_queue_deadline(const app_t *a)
{
	int64_t d = -1;
	if (a->help_id)
		d = a->help_check_at;
	if (a->queue && a->session->screen == SCR_WELCOME && (d < 0 || a->queue_check_at < d))
		d = a->queue_check_at;
	return d;
}
