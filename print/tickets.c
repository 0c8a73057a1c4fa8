/* tickets.c - issuing queue tickets end to end: ledger reservation, ticket
 * picture, ESC/POS stream, printer status and send, confirmation. A number
 * is issued only by a confirmed print; a number whose bytes reached the
 * transport and was not confirmed is voided, never reissued. */
#include "print/tickets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/printer/escpos.h"
#include "domain/handoff.h"
#include "domain/hours.h"
#include "core/kiosk.h"
#include "domain/ledger.h"
#include "core/log.h"
#include "domain/officekey.h"
#include "drivers/printer/printer.h"
#include "print/ticket.h"

struct tickets {
	ledger_t *ledger;
	ticket_renderer_t *render;
	const escpos_profile_t *prof;
	const kclock_t *clock;
	char *office;
	char *profile;
	char *transport;           /* as opened, with usb_allow: fixed until restart */
	char *usb_allow;
	int cap;
	priority_policy_t policy;
	char prio_letter;
	bool auto_mode;
	printer_t usb, file, ext;
	bool have_usb, have_file, have_ext;
	uint8_t key[OFFICEKEY_LEN];     /* authenticates the QR record (K2) */
	config_t hours;                 /* office hours, for the lunch line */
	bool have_hours;
	bool rating_hint;
};

static int storage_fail(tickets_t *t, int rc, const char *what, tickets_result_t *out);

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

static printer_t *current(tickets_t *t)
{
	if (t->have_ext)
		return &t->ext;
	if (t->have_usb && (!t->auto_mode || printer_usb_found(&t->usb)))
		return &t->usb;
	if (t->have_file)
		return &t->file;
	return NULL;
}

/* The settings a reload may change: checked before anything is applied. */
static int check_settings(const tickets_config_t *cfg, const escpos_profile_t **prof, char *err,
			  size_t errlen)
{
	const char *profile = cfg->profile ? cfg->profile : "80mm";
	*prof = escpos_profile_find(profile);
	if (!*prof) {
		snprintf(err, errlen, "tickets: unknown printer profile \"%s\"", profile);
		return KIOSK_EINVAL;
	}
	if (cfg->priority == PRIORITY_SERIES && (cfg->priority_letter < 'A' || cfg->priority_letter > 'Z')) {
		snprintf(err, errlen, "tickets: the priority series needs a letter A-Z");
		return KIOSK_EINVAL;
	}
	if (cfg->daily_cap < 0) {
		snprintf(err, errlen, "tickets: daily cap must be 0 (none) or positive");
		return KIOSK_EINVAL;
	}
	return KIOSK_OK;
}

/* Take the checked settings: every copy of the profile (the printers keep
 * one for their chunk timeouts) and of the office name. */
static int apply_settings(tickets_t *t, const tickets_config_t *cfg, const escpos_profile_t *prof)
{
	char *office = dupstr(cfg->office_name);
	char *profile = strdup(cfg->profile ? cfg->profile : "80mm");
	if ((cfg->office_name && !office) || !profile) {
		free(office);
		free(profile);
		return KIOSK_ENOMEM;
	}
	free(t->office);
	free(t->profile);
	t->office = office;
	t->profile = profile;
	t->prof = prof;
	t->usb.prof = t->file.prof = t->ext.prof = prof;
	t->have_hours = cfg->hours != NULL;
	if (cfg->hours)
		t->hours = *cfg->hours;
	t->cap = cfg->daily_cap;
	t->policy = cfg->priority;
	t->prio_letter = cfg->priority_letter;
	t->rating_hint = cfg->rating_hint;
	return KIOSK_OK;
}

int tickets_set_config(tickets_t *t, const tickets_config_t *cfg, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (!t || !cfg)
		return KIOSK_EINVAL;
	const escpos_profile_t *prof;
	int rc = check_settings(cfg, &prof, err, errlen);
	if (!rc)
		rc = apply_settings(t, cfg, prof);
	if (rc)
		return rc;
	const char *tr = cfg->transport ? cfg->transport : "auto";
	const char *allow = cfg->usb_allow ? cfg->usb_allow : "";
	if (!t->have_ext && (strcmp(tr, t->transport) != 0 || strcmp(allow, t->usb_allow) != 0)) {
		snprintf(err, errlen, "tickets: the printer transport changes only at a restart");
		return KIOSK_EBUSY;
	}
	return KIOSK_OK;
}

static int open_common(const tickets_config_t *cfg, tickets_t **out, char *err, size_t errlen,
		       tickets_t **tp)
{
	*out = NULL;
	*tp = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!cfg || !cfg->data_dir || !cfg->assets_dir || !cfg->clock) {
		snprintf(err, errlen, "tickets: data_dir, assets_dir and clock are required");
		return KIOSK_EINVAL;
	}
	const escpos_profile_t *prof;
	int rc = check_settings(cfg, &prof, err, errlen);
	if (rc)
		return rc;
	tickets_t *t = calloc(1, sizeof *t);
	if (!t)
		return KIOSK_ENOMEM;
	t->clock = cfg->clock;
	t->transport = dupstr(cfg->transport ? cfg->transport : "auto");
	t->usb_allow = dupstr(cfg->usb_allow ? cfg->usb_allow : "");
	rc = apply_settings(t, cfg, prof);
	if (rc || !t->transport || !t->usb_allow) {
		tickets_close(t);
		return rc ? rc : KIOSK_ENOMEM;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/ledger.db", cfg->data_dir);
	rc = ledger_open(path, cfg->clock, &t->ledger, err, errlen);
	if (!rc) /* made at the first start; a damaged key stops the tickets */
		rc = officekey_load(cfg->data_dir, true, t->key, err, errlen);
	if (!rc)
		rc = cfg->i18n ? ticket_renderer_open_with(cfg->assets_dir, cfg->i18n, &t->render, err, errlen)
			       : ticket_renderer_open(cfg->assets_dir, cfg->i18n_dir, &t->render, err, errlen);
	if (rc) {
		tickets_close(t);
		return rc;
	}
	*tp = t;
	return KIOSK_OK;
}

/* printer_file_each_ticket callback: removes the spool files of a ticket
 * whose row ("<ledger prefix>-<row>") the ledger holds as void. */
static void sweep_void(const char *ticket_id, void *ctx)
{
	tickets_t *t = ctx;
	const char *dash = strrchr(ticket_id, '-');
	char *end;
	long long row = dash ? strtoll(dash + 1, &end, 10) : 0;
	if (!dash || end == dash + 1 || *end || row <= 0)
		return;
	char state[16];
	if (ledger_state(t->ledger, row, state, sizeof state) == KIOSK_OK && strcmp(state, "void") == 0) {
		printer_file_remove_ticket(&t->file, ticket_id);
		log_info("spool: removed the files of voided ticket %s", ticket_id);
	}
}

int tickets_open(const tickets_config_t *cfg, tickets_t **out, char *err, size_t errlen)
{
	tickets_t *t;
	int rc = open_common(cfg, out, err, errlen, &t);
	if (rc)
		return rc;
	const char *tr = cfg->transport ? cfg->transport : "auto";
	bool want_usb = strcmp(tr, "usb") == 0 || strcmp(tr, "auto") == 0;
	bool want_file = strcmp(tr, "file") == 0 || strcmp(tr, "auto") == 0;
	if (!want_usb && !want_file) {
		snprintf(err, errlen, "tickets: transport must be auto, usb or file, not \"%s\"", tr);
		tickets_close(t);
		return KIOSK_EINVAL;
	}
	t->auto_mode = strcmp(tr, "auto") == 0;
	if (want_file) {
		if (!cfg->spool_dir) {
			snprintf(err, errlen, "tickets: the file transport needs spool_dir");
			tickets_close(t);
			return KIOSK_EINVAL;
		}
		rc = printer_file_open(cfg->spool_dir, &t->file, err, errlen);
		if (rc) {
			tickets_close(t);
			return rc;
		}
		t->file.prof = t->prof;
		t->have_file = true;
		/* Numbers voided at this start (a kill mid-ticket) leave no paper
		 * in the spool: their files carry a citizen's QR and no number. */
		printer_file_each_ticket(&t->file, sweep_void, t);
	}
	if (want_usb) {
		char uerr[256];
		rc = printer_usb_open(cfg->usb_allow, NULL, cfg->clock, &t->usb, uerr, sizeof uerr);
		if (rc == KIOSK_OK) {
			t->usb.prof = t->prof;
			t->have_usb = true;
		} else if (!t->auto_mode) {
			/* "usb" without libusb: stays "no printer", issues nothing. */
			t->have_usb = false;
		}
	}
	*out = t;
	return KIOSK_OK;
}

int tickets_open_io(const tickets_config_t *cfg, const struct printer_ops *ops, void *ctx,
		    tickets_t **out, char *err, size_t errlen)
{
	tickets_t *t;
	if (!ops)
		return KIOSK_EINVAL;
	int rc = open_common(cfg, out, err, errlen, &t);
	if (rc)
		return rc;
	t->ext.ops = ops;
	t->ext.ctx = ctx;
	t->ext.prof = t->prof;
	t->have_ext = true;
	*out = t;
	return KIOSK_OK;
}

static void close_printer(printer_t *p, bool have)
{
	if (have && p->ops && p->ops->close)
		p->ops->close(p->ctx);
}

void tickets_close(tickets_t *t)
{
	if (!t)
		return;
	close_printer(&t->usb, t->have_usb);
	close_printer(&t->file, t->have_file);
	close_printer(&t->ext, t->have_ext);
	ticket_renderer_close(t->render);
	ledger_close(t->ledger);
	free(t->office);
	free(t->profile);
	explicit_bzero(t->key, sizeof t->key);
	free(t->transport);
	free(t->usb_allow);
	free(t);
}

bool tickets_clock_warning(const tickets_t *t)
{
	return t && ledger_clock_warning(t->ledger);
}

bool tickets_storage_warning(const tickets_t *t)
{
	return t && ledger_storage_pending(t->ledger);
}

int tickets_storage_error(const tickets_t *t, char *buf, size_t cap)
{
	if (cap)
		buf[0] = 0;
	return t ? ledger_last_error(t->ledger, buf, cap) : KIOSK_EINVAL;
}

bool tickets_day_rewound(const tickets_t *t)
{
	return t && ledger_day_rewound(t->ledger, NULL);
}

static int series_of(tickets_t *t, const catalog_group_t *g, bool priority, char *series)
{
	*series = 0;
	if (!g || g->letter < 'A' || g->letter > 'Z')
		return KIOSK_EINVAL;
	if (priority && t->policy == PRIORITY_NONE)
		return KIOSK_EINVAL;
	*series = priority && t->policy == PRIORITY_SERIES ? t->prio_letter : g->letter;
	return KIOSK_OK;
}

printer_state_t tickets_printer_state(tickets_t *t)
{
	printer_t *p = t ? current(t) : NULL;
	return p ? printer_query(p) : PRINTER_NO_PRINTER;
}

int tickets_check(tickets_t *t, const catalog_group_t *g, bool priority, printer_state_t *state)
{
	*state = PRINTER_NO_PRINTER;
	if (!t)
		return KIOSK_EINVAL;
	char series;
	int rc = series_of(t, g, priority, &series);
	if (rc)
		return rc;
	int64_t t0 = kclock_mono(t->clock);
	*state = tickets_printer_state(t);
	int64_t spent = kclock_mono(t->clock) - t0;
	if (*state != PRINTER_OK || spent > 1000)
		log_info("printer check: %s after %lld ms", printer_state_name(*state), (long long)spent);
	rc = ledger_available(t->ledger, series, t->cap, NULL);
	if (rc && rc != KIOSK_ESOLDOUT)
		storage_fail(t, rc, "checking the numbers left", NULL);
	if (rc)
		return rc;
	return printer_state_rc(*state);
}

int tickets_compose(struct ticket_renderer *r, const char *profile, const tickets_job_t *job,
		    uint8_t **bytes, size_t *nbytes, int *rows)
{
	*bytes = NULL;
	*nbytes = 0;
	if (rows)
		*rows = 0;
	const escpos_profile_t *prof = escpos_profile_find(profile);
	if (!r || !prof || !job || !job->proc || !job->number || !job->ticket_id)
		return KIOSK_EINVAL;
	const catalog_proc_t *p = job->proc;
	handoff_answer_t ha[HANDOFF_MAX_FIELDS];
	size_t na = job->nanswers;
	if (na > HANDOFF_MAX_FIELDS)
		return KIOSK_EINVAL;
	for (size_t i = 0; i < na; i++) {
		ha[i].field_id = job->answers[i].field_id;
		ha[i].value = job->answers[i].value;
	}
	handoff_head_t h = {
		.number = job->number, .ticket_id = job->ticket_id,
		.procedure_code = p->code ? p->code : p->id, .time_ms = job->time_ms,
		.dated = job->dated, .reprint = job->reprint,
	};
	char rec[HANDOFF_MAX_K2 + 1];
	int rc = job->key ? handoff_encode_k2(&h, p, ha, na, job->key, OFFICEKEY_LEN, rec, sizeof rec, NULL)
			  : handoff_encode(&h, p, ha, na, rec, sizeof rec, NULL);
	if (rc)
		return rc;
	lang_t L = (unsigned)job->lang < LANG_COUNT ? job->lang : LANG_VI;
	const char *const *docs = p->docs[L] ? p->docs[L] : p->docs[LANG_VI];
	const char *name_vi = p->short_name[LANG_VI] ? p->short_name[LANG_VI] : p->name[LANG_VI];
	const char *name_en = p->short_name[LANG_EN] ? p->short_name[LANG_EN] : p->name[LANG_EN];
	ticket_info_t ti = {
		.width = prof->dots, .lang = L, .office = job->office,
		.procedure_vi = name_vi ? name_vi : p->id, .procedure_en = name_en,
		.docs = docs, .ndocs = docs ? p->ndocs : 0, .number = job->number,
		.priority = job->priority, .reprint = job->reprint, .dated = job->dated,
		.time_ms = job->time_ms, .qr = rec, .qr_personal = strchr(rec, '=') != NULL,
		.link = job->link, .wait = job->wait, .rating = job->rating_hint && job->key,
	};
	char afternoon[8];
	if (job->afternoon_min > 0 && job->afternoon_min < 24 * 60) {
		snprintf(afternoon, sizeof afternoon, "%02d:%02d", job->afternoon_min / 60,
			 job->afternoon_min % 60);
		ti.afternoon = afternoon;
	}
	bitmap_t img;
	rc = ticket_render(r, &ti, &img);
	explicit_bzero(rec, sizeof rec); /* the answers in clear */
	if (rc)
		return rc;
	escpos_buf_t b = {0};
	rc = escpos_ticket(&b, prof, img.bits, img.w, img.h);
	if (rows)
		*rows = img.h;
	bitmap_free(&img);
	if (rc) {
		escpos_buf_free(&b);
		return rc;
	}
	*bytes = b.data;
	*nbytes = b.len;
	return KIOSK_OK;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Log a ledger failure precisely (staff) and mark the result as a storage
 * fault (the citizen's screen says so in plain words, not "printer"). */
static int storage_fail(tickets_t *t, int rc, const char *what, tickets_result_t *out)
{
	char why[320];
	ledger_last_error(t->ledger, why, sizeof why);
	log_error("ledger: %s failed: %s", what, why[0] ? why : kiosk_strerror(rc));
	if (out)
		out->storage_fault = true;
	return rc;
}

/* Print a reserved ticket: pre-check, mark sent, send, confirm, record. */
static int print_reserved(tickets_t *t, const ledger_ticket_t *lt, const tickets_job_t *job,
			  tickets_result_t *out)
{
	printer_t *p = current(t);
	uint8_t *bytes = NULL;
	size_t nbytes = 0, sent = 0;
	int rows = 0;
	int rc = tickets_compose(t->render, t->profile, job, &bytes, &nbytes, &rows);
	printer_state_t st = PRINTER_OK;
	bool began = false, storage = false;
	if (!rc && !p) {
		st = PRINTER_NO_PRINTER;
		rc = KIOSK_ENODEV;
	}
	if (!rc) {
		st = printer_query(p);
		rc = printer_state_rc(st);
	}
	char name[64];
	snprintf(name, sizeof name, "%s-%s", lt->ticket_id, lt->number);
	if (!rc && p->ops->job_begin) {
		rc = p->ops->job_begin(p->ctx, name);
		began = rc == KIOSK_OK;
	}
	/* Durable before the first byte (and the room to confirm it later). */
	if (!rc) {
		rc = ledger_mark_sent(t->ledger, lt->row);
		if (rc)
			storage = true;
	}
	if (!rc) {
		rc = printer_send(p, bytes, nbytes, &sent, &st);
		if (!rc && p->ops->wait_mechanism) {
			double mm = (double)rows / t->prof->dots_per_mm + 20.0;
			sleep_ms((int)(mm / t->prof->speed_mm_s * 1000.0) + 300);
		}
		if (!rc) {
			st = printer_query(p);
			rc = printer_state_rc(st);
		}
	}
	/* Sent whole and confirmed: from here the citizen holds this number.
	 * Record that where no new space is needed, before the print is final. */
	bool confirmed = false;
	if (!rc) {
		if (ledger_confirm(t->ledger, lt->row) == KIOSK_OK)
			confirmed = true;
		else
			storage_fail(t, KIOSK_EIO, "confirm slot", NULL);
	}
	if (began) {
		int e = p->ops->job_end(p->ctx, rc == KIOSK_OK);
		if (!rc && e) {
			rc = e;
			st = PRINTER_NOT_RESPONDING;
		}
	}
	if (bytes) /* the raster carries the QR of the answers */
		explicit_bzero(bytes, nbytes);
	free(bytes);
	out->printer = st;
	if (rc) {
		bool any = sent > 0;
		if (storage)
			storage_fail(t, rc, "marking the ticket sent", out);
		if (ledger_fail(t->ledger, lt->row, any, storage ? "storage" : printer_state_name(st)))
			storage_fail(t, rc, "recording the failure (the number is voided at the next start)", NULL);
		if (any && !lt->reprint)
			out->voided = true;
		return rc;
	}
	int m = ledger_mark_printed(t->ledger, lt->row);
	if (m) {
		/* The ticket is on paper: it is issued, whatever the storage says.
		 * The ledger writes it at the next chance (or from the confirm slot
		 * at restart); staff are warned. */
		storage_fail(t, m, "recording a printed ticket", NULL);
		log_error("ticket %s (%s) printed whole; the ledger records it %s", lt->number, lt->ticket_id,
			  confirmed ? "when the storage works again or at the next start"
				    : "only if the storage works again before a restart");
		out->storage_warning = true;
	}
	return KIOSK_OK;
}

/* During the lunch break (a trusted clock): the local minute the afternoon
 * starts, else 0. */
static int afternoon_min(const tickets_t *t, const ledger_ticket_t *lt)
{
	if (!t->have_hours || !lt->dated)
		return 0;
	int64_t next = 0;
	if (hours_state(&t->hours, lt->time_ms, &next) != HOURS_LUNCH || next == INT64_MAX)
		return 0;
	kclock_local_t l;
	kclock_to_local(next, &l);
	return l.hour * 60 + l.min;
}

/* The procedure's page online, in buf; NULL without a catalogue. */
static const char *link_of(const catalog_t *cat, const catalog_proc_t *p, char *buf, size_t cap)
{
	return cat && catalog_link(cat, p, buf, cap) == KIOSK_OK && buf[0] ? buf : NULL;
}

static void fill_result(tickets_result_t *out, const ledger_ticket_t *lt)
{
	snprintf(out->number, sizeof out->number, "%s", lt->number);
	snprintf(out->ticket_id, sizeof out->ticket_id, "%s", lt->ticket_id);
	out->dated = lt->dated;
	out->time_ms = lt->time_ms;
}

int tickets_issue(tickets_t *t, const catalog_t *cat, const catalog_proc_t *p, bool priority,
		  const tickets_answer_t *answers, size_t nanswers, lang_t lang,
		  tickets_result_t *out)
{
	return tickets_issue_wait(t, cat, p, priority, answers, nanswers, lang, NULL, out);
}

int tickets_issue_wait(tickets_t *t, const catalog_t *cat, const catalog_proc_t *p, bool priority,
		       const tickets_answer_t *answers, size_t nanswers, lang_t lang, const ticket_wait_t *wait,
		       tickets_result_t *out)
{
	memset(out, 0, sizeof *out);
	out->printer = PRINTER_NO_PRINTER;
	out->rc = KIOSK_EINVAL;
	if (!t || !p || !p->group || (nanswers && !answers) || nanswers > HANDOFF_MAX_FIELDS)
		return KIOSK_EINVAL;
	char series;
	int rc = series_of(t, p->group, priority, &series);
	/* Answers are checked before anything is reserved. */
	handoff_answer_t ha[HANDOFF_MAX_FIELDS];
	for (size_t i = 0; i < nanswers; i++) {
		ha[i].field_id = answers[i].field_id;
		ha[i].value = answers[i].value;
	}
	if (!rc)
		rc = handoff_check(p, ha, nanswers);
	/* No number while the printer cannot print. */
	if (!rc) {
		out->printer = tickets_printer_state(t);
		rc = printer_state_rc(out->printer);
	}
	ledger_ticket_t lt;
	if (!rc) {
		rc = ledger_reserve(t->ledger, series, t->cap, p->id, priority && t->policy != PRIORITY_NONE, &lt);
		if (rc && rc != KIOSK_ESOLDOUT)
			storage_fail(t, rc, "reserving a number", out);
		if (!rc && lt.rewound)
			log_warn("clock: the business day was ahead of a trusted clock; today (%d) is the "
				 "business day again, numbering goes on after today's numbers", lt.day_key);
	}
	if (rc) {
		out->rc = rc;
		return rc;
	}
	fill_result(out, &lt);
	tickets_job_t job = {
		.proc = p, .office = t->office, .number = lt.number, .ticket_id = lt.ticket_id,
		.priority = priority, .reprint = false, .dated = lt.dated, .time_ms = lt.time_ms,
		.lang = lang, .answers = answers, .nanswers = nanswers, .key = t->key,
		.afternoon_min = afternoon_min(t, &lt), .wait = wait, .rating_hint = t->rating_hint,
	};
	char link[512];
	job.link = link_of(cat, p, link, sizeof link);
	rc = print_reserved(t, &lt, &job, out);
	if (rc && !out->voided)
		out->number[0] = 0; /* released: the number was not issued */
	out->rc = rc;
	return rc;
}

/* Reprint with the procedure given (proc) or looked up in cat. */
static int reprint(tickets_t *t, const catalog_t *cat, const catalog_proc_t *proc, const char *number,
		   lang_t lang, tickets_result_t *out)
{
	char num[8] = "";
	if (number && strlen(number) < sizeof num)
		memcpy(num, number, strlen(number) + 1); /* number may point into *out */
	memset(out, 0, sizeof *out);
	out->printer = PRINTER_NO_PRINTER;
	out->rc = KIOSK_EINVAL;
	if (!t || (!cat && !proc) || !num[0])
		return KIOSK_EINVAL;
	out->printer = tickets_printer_state(t);
	int rc = printer_state_rc(out->printer);
	ledger_ticket_t lt;
	if (!rc) {
		rc = ledger_reprint(t->ledger, num, &lt);
		if (rc && rc != KIOSK_ENOENT)
			storage_fail(t, rc, "starting a reprint", out);
	}
	if (rc) {
		out->rc = rc;
		return rc;
	}
	const catalog_proc_t *p = proc ? proc : catalog_proc_find(cat, lt.procedure);
	if (!p || strcmp(p->id, lt.procedure) != 0) {
		ledger_fail(t->ledger, lt.row, false, p ? "another procedure" : "procedure no longer in the catalog");
		out->rc = p ? KIOSK_EINVAL : KIOSK_ENOENT;
		return out->rc;
	}
	fill_result(out, &lt);
	tickets_job_t job = {
		.proc = p, .office = t->office, .number = lt.number, .ticket_id = lt.ticket_id,
		.priority = lt.priority, .reprint = true, .dated = lt.dated, .time_ms = lt.time_ms,
		.lang = lang, .key = t->key, .rating_hint = t->rating_hint,
	};
	char link[512];
	job.link = link_of(cat, p, link, sizeof link);
	rc = print_reserved(t, &lt, &job, out);
	out->rc = rc;
	return rc;
}

int tickets_reprint(tickets_t *t, const catalog_t *cat, const char *number, lang_t lang,
		    tickets_result_t *out)
{
	return reprint(t, cat, NULL, number, lang, out);
}

int tickets_reprint_proc(tickets_t *t, const catalog_proc_t *p, const char *number, lang_t lang,
			 tickets_result_t *out)
{
	return reprint(t, NULL, p, number, lang, out);
}

int tickets_test_page(tickets_t *t, lang_t lang, printer_state_t *state)
{
	printer_t *p = current(t);
	*state = PRINTER_NO_PRINTER;
	if (!p)
		return KIOSK_ENODEV;
	*state = printer_query(p);
	int rc = printer_state_rc(*state);
	if (rc)
		return rc;
	bitmap_t img;
	rc = ticket_render_test(t->render, t->prof->dots, lang, t->office, "KIOSK TEST PAGE", &img);
	if (rc)
		return rc;
	escpos_buf_t b = {0};
	rc = escpos_ticket(&b, t->prof, img.bits, img.w, img.h);
	bitmap_free(&img);
	if (rc) {
		free(b.data);
		return rc;
	}
	/* No ledger: a test page carries no number. */
	bool began = false;
	if (p->ops->job_begin) {
		rc = p->ops->job_begin(p->ctx, "test-page");
		began = rc == KIOSK_OK;
	}
	size_t sent = 0;
	if (!rc)
		rc = printer_send(p, b.data, b.len, &sent, state);
	if (!rc) {
		*state = printer_query(p);
		rc = printer_state_rc(*state);
	}
	if (began)
		p->ops->job_end(p->ctx, rc == KIOSK_OK);
	free(b.data);
	return rc;
}

int tickets_poll_fds(tickets_t *t, int *fds, int max)
{
	if (!t || !t->have_usb || !t->usb.ops->poll_fds)
		return 0;
	return t->usb.ops->poll_fds(t->usb.ctx, fds, max);
}

int64_t tickets_next_deadline(tickets_t *t)
{
	if (!t || !t->have_usb || !t->usb.ops->next_deadline)
		return -1;
	return t->usb.ops->next_deadline(t->usb.ctx);
}

void tickets_tick(tickets_t *t)
{
	if (t && t->have_usb && t->usb.ops->tick)
		t->usb.ops->tick(t->usb.ctx);
}

int tickets_sim_set(tickets_t *t, printer_state_t state, long after_bytes)
{
	if (!t || !t->have_file || current(t) != &t->file)
		return KIOSK_EINVAL;
	return printer_file_sim(&t->file, state, after_bytes);
}
