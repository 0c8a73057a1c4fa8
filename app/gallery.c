/* gallery.c - renders every screen and state (welcome ... sold-out, the
 * timeout warning, help banner, printer error, review with answers, the form
 * for each field type with and without an error, the ID-card offer, long
 * answers and long procedure names) in both themes, both text sizes and both
 * languages, for people to look at and for the layout test:
 * <dir>/<state>__<portrait|landscape>__<default|hc>__<100|150>__<vi|en>.png.
 * The states are set directly on a session; nothing is printed. */
#include "app/gallery.h"
#include "app/app_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kiosk.h"
#include "flow/session_form.h"

/* A procedure of the catalog with the most form fields, to show a form. */
static const catalog_proc_t *busiest(const catalog_t *cat)
{
	const catalog_proc_t *best = catalog_proc_at(cat, 0);
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		if (p->nfields > best->nfields)
			best = p;
	}
	return best;
}

static void fill_answers(session_t *s)
{
	/* Sample answers (invented) so review and form show real text. */
	static const char *const samples[] = {"Nguyễn Thị Ngọc Ánh", "001190012345", "0912345678",
					      "15/08/1952", "Số 12, thôn Đông, xã Tân Hòa"};
	for (size_t i = 0; i < s->proc->nfields && i < SESSION_MAX_FIELDS; i++) {
		const catalog_field_t *f = &s->proc->fields[i];
		const char *v = samples[0];
		switch (f->type) {
		case FIELD_CCCD: v = samples[1]; break;
		case FIELD_PHONE: v = samples[2]; break;
		case FIELD_DATE: case FIELD_BIRTHDATE: v = samples[3]; break;
		case FIELD_ADDRESS: case FIELD_TEXT: v = samples[4]; break;
		case FIELD_SEX: v = "Nữ"; break;
		default: break;
		}
		snprintf(s->values[i], sizeof s->values[i], "%s", v);
		s->answered[i] = true;
	}
}

void gallery_set_state(session_t *s, screen_t scr)
{
	const catalog_proc_t *p = busiest(s->cat);
	s->warning = false;
	s->help_called = false;
	s->proc = p;
	s->group = p->group;
	s->page = 0;
	s->error_key = NULL;
	memset(&s->result, 0, sizeof s->result);
	switch (scr) {
	case SCR_FORM:
		s->field = 0;
		s->tf.kb = KB_LETTERS;
		snprintf(s->values[0], sizeof s->values[0], "Nguyễn Văn ");
		textfield_reset(&s->tf);
		ime_set_method(s->tf.ime, IME_TELEX);
		for (const char *k = "Aanh"; *k; k++)
			ime_key(s->tf.ime, *k);
		break;
	case SCR_REVIEW:
	case SCR_PRIORITY:
		fill_answers(s);
		break;
	case SCR_TICKET:
		snprintf(s->result.number, sizeof s->result.number, "%c012", p->group->letter);
		s->priority = false;
		break;
	case SCR_PRINTER_ERROR:
		s->result.rc = KIOSK_EPAPER;
		s->result.printer = PRINTER_PAPER_OUT;
		s->result.voided = true;
		snprintf(s->result.number, sizeof s->result.number, "%c013", p->group->letter);
		break;
	case SCR_HELP:
		s->help_called = true;
		s->help_return = SCR_FORM;
		break;
	case SCR_CLOSED:
	case SCR_LUNCH: {
		int64_t t;
		kclock_parse_iso(scr == SCR_LUNCH ? "2026-01-05T13:30:00+07:00"
						  : "2026-01-06T07:30:00+07:00", &t);
		s->hours_deadline = t;
		break;
	}
	default:
		break;
	}
	s->screen = scr;
	if (scr == SCR_TIMEOUT_WARNING) {
		s->screen = SCR_FORM;
		s->field = 0;
		s->warning = true;
		s->warn_deadline = kclock_mono(s->clock) + (int64_t)s->cfg->session_warning_s * 1000;
	}
	session_changed(s);
}

const screen_t gallery_screens[] = {
	SCR_WELCOME, SCR_GROUPS, SCR_PROCEDURES, SCR_DOCUMENTS, SCR_FORM, SCR_REVIEW,
	SCR_PRIORITY, SCR_PRINTING, SCR_TICKET, SCR_PRINTER_ERROR, SCR_HELP,
	SCR_TIMEOUT_WARNING, SCR_CLOSED, SCR_LUNCH, SCR_SOLD_OUT,
};
const size_t gallery_screen_count = sizeof gallery_screens / sizeof gallery_screens[0];

#define F(t) ((int)(t))
const gallery_state_t gallery_states[] = {
	{"welcome", SCR_WELCOME, -1, 0},
	{"welcome-lunch", SCR_WELCOME, -1, GS_LUNCH},
	{"welcome-serving", SCR_WELCOME, -1, GS_SERVING},
	{"groups", SCR_GROUPS, -1, 0},
	{"procedures", SCR_PROCEDURES, -1, 0},
	{"procedures-longest", SCR_PROCEDURES, -1, GS_LONGEST_NAME},
	{"documents", SCR_DOCUMENTS, -1, 0},
	{"documents-longest", SCR_DOCUMENTS, -1, GS_LONGEST_NAME},
	{"documents-200", SCR_DOCUMENTS, -1, GS_PLANTED_NAME},
	{"form", SCR_FORM, -1, 0},
	{"form-name", SCR_FORM, F(FIELD_NAME), 0},
	{"form-name-error", SCR_FORM, F(FIELD_NAME), GS_ERROR},
	{"form-name-long", SCR_FORM, F(FIELD_NAME), GS_LONG},
	{"form-cccd", SCR_FORM, F(FIELD_CCCD), 0},
	{"form-cccd-error", SCR_FORM, F(FIELD_CCCD), GS_ERROR},
	{"form-cccd-scan", SCR_FORM, F(FIELD_CCCD), GS_SCAN},
	{"form-cccd-scan-error", SCR_FORM, F(FIELD_CCCD), GS_SCAN_ERROR},
	{"form-phone", SCR_FORM, F(FIELD_PHONE), 0},
	{"form-phone-error", SCR_FORM, F(FIELD_PHONE), GS_ERROR},
	{"form-date", SCR_FORM, F(FIELD_DATE), 0},
	{"form-date-error", SCR_FORM, F(FIELD_DATE), GS_ERROR},
	{"form-birthdate", SCR_FORM, F(FIELD_BIRTHDATE), 0},
	{"form-birthdate-error", SCR_FORM, F(FIELD_BIRTHDATE), GS_ERROR},
	{"form-sex", SCR_FORM, F(FIELD_SEX), 0},
	{"form-sex-error", SCR_FORM, F(FIELD_SEX), GS_ERROR},
	{"form-address", SCR_FORM, F(FIELD_ADDRESS), 0},
	{"form-address-error", SCR_FORM, F(FIELD_ADDRESS), GS_ERROR},
	{"form-address-long", SCR_FORM, F(FIELD_ADDRESS), GS_LONG},
	{"form-address-long-error", SCR_FORM, F(FIELD_ADDRESS), GS_LONG | GS_ERROR},
	{"form-text", SCR_FORM, F(FIELD_TEXT), 0},
	{"form-text-long", SCR_FORM, F(FIELD_TEXT), GS_LONG},
	{"form-text-numeric", SCR_FORM, F(FIELD_TEXT), GS_NUMERIC},
	{"review", SCR_REVIEW, -1, 0},
	{"review-long", SCR_REVIEW, -1, GS_LONG},
	{"review-200", SCR_REVIEW, -1, GS_LONG | GS_PLANTED_NAME},
	{"priority", SCR_PRIORITY, -1, 0},
	{"printing", SCR_PRINTING, -1, 0},
	{"ticket", SCR_TICKET, -1, 0},
	{"ticket-longest", SCR_TICKET, -1, GS_LONGEST_NAME},
	{"ticket-200", SCR_TICKET, -1, GS_PLANTED_NAME},
	{"ticket-ahead", SCR_TICKET, -1, GS_AHEAD},
	{"ticket-estimate", SCR_TICKET, -1, GS_ESTIMATE},
	{"ticket-estimate-longest", SCR_TICKET, -1, GS_ESTIMATE | GS_LONGEST_NAME},
	{"printer-error", SCR_PRINTER_ERROR, -1, 0},
	{"help", SCR_HELP, -1, 0},
	{"timeout-warning", SCR_TIMEOUT_WARNING, -1, 0},
	{"closed", SCR_CLOSED, -1, 0},
	{"lunch", SCR_LUNCH, -1, 0},
	{"sold-out", SCR_SOLD_OUT, -1, 0},
	{"out-of-service", SCR_OUT_OF_SERVICE, -1, 0},
};
#undef F
const size_t gallery_state_count = sizeof gallery_states / sizeof gallery_states[0];

/* 200 characters (code points): a name longer than any real procedure's. */
static const char planted_name[] =
	"Thủ tục thử nghiệm có tên rất dài để kiểm tra bố cục màn hình khi tên thủ tục dài hơn mọi "
	"tên thật trong danh mục, gồm nhiều từ tiếng Việt có dấu như đăng ký, chứng thực, xác nhận "
	"và trích lục hộ tịch";

static const catalog_proc_t *longest(const catalog_t *cat)
{
	const catalog_proc_t *best = catalog_proc_at(cat, 0);
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		if (strlen(p->name[LANG_VI]) > strlen(best->name[LANG_VI]))
			best = p;
	}
	return best;
}

/* A long answer of a type (at its length limit for free text). */
static void long_value(field_type_t t, char *out, size_t cap)
{
	static const char *const words[] = {"Nguyễn", "Thị", "Ngọc", "Ánh", "Hoàng", "Phương"};
	static const char addr[] = "Số 12, tổ 5, thôn Đông Hòa, ";
	int limit = t == FIELD_NAME ? 80 : t == FIELD_ADDRESS ? 200 : 300;
	size_t n = 0;
	int chars = 0;
	out[0] = '\0';
	for (int i = 0; chars < limit; i++) {
		const char *w = t == FIELD_NAME ? words[i % 6] : addr;
		char piece[64];
		snprintf(piece, sizeof piece, "%s%s", n && t == FIELD_NAME ? " " : "", w);
		for (const char *c = piece; *c && chars < limit; c++) {
			if (n + 2 >= cap)
				return;
			out[n++] = *c;
			out[n] = '\0';
			if (((unsigned char)c[1] & 0xC0) != 0x80)
				chars++;
		}
	}
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
}

/* A wrong answer of a type, as a citizen might type it. */
static const char *wrong_value(field_type_t t)
{
	switch (t) {
	case FIELD_CCCD: return "123456789";       /* the old 9-digit ID number */
	case FIELD_PHONE: return "091234567";      /* a digit short */
	case FIELD_DATE: return "31022025";        /* no 31 February */
	case FIELD_BIRTHDATE: return "15082099";   /* in the future */
	case FIELD_NAME: return "Nguyễn Văn 3";    /* a digit in a name */
	case FIELD_ADDRESS: return "";             /* no address */
	default: return "";                        /* empty */
	}
}

static bool find_field(const catalog_t *cat, int type, const catalog_proc_t **p, int *idx)
{
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *q = catalog_proc_at(cat, i);
		for (size_t k = 0; k < q->nfields; k++)
			if ((int)q->fields[k].type == type) {
				*p = q;
				*idx = (int)k;
				return true;
			}
	}
	return false;
}

void gallery_apply(session_t *s, const gallery_state_t *st)
{
	static catalog_proc_t planted;
	/* The gallery reuses one session: nothing of the state before stays. */
	memset(s->values, 0, sizeof s->values);
	memset(s->answered, 0, sizeof s->answered);
	memset(s->scan_values, 0, sizeof s->scan_values);
	s->scan_offer = false;
	s->scan_error_key = NULL;
	s->from_review = false;
	s->out_of_service = false;
	s->lunch_numbers = false;
	gallery_set_state(s, st->screen);
	/* The office queue's lines: none unless the state has them. */
	static const char serving[6][8] = {"A007", "B003", "A008", "C002", "D001", "E004"};
	session_set_wait(s, (st->flags & GS_ESTIMATE) ? 12 : (st->flags & GS_AHEAD) ? 3 : -1,
			 (st->flags & GS_ESTIMATE) ? 35 : -1);
	session_set_serving(s, serving, (st->flags & GS_SERVING) ? 6 : 0);
	if (st->flags & GS_LUNCH) {
		s->lunch_numbers = true;
		kclock_parse_iso("2026-01-05T13:30:00+07:00", &s->hours_deadline);
	}
	if (st->screen == SCR_OUT_OF_SERVICE) { /* the longest reason a technician reads */
		s->out_of_service = true;
		s->oos_key = "ui.oos_data_damaged";
		snprintf(s->oos_file, sizeof s->oos_file, "%s", "ledger.db");
	}
	if (st->flags & (GS_LONGEST_NAME | GS_PLANTED_NAME)) {
		const catalog_proc_t *p = longest(s->cat);
		if (st->flags & GS_PLANTED_NAME) {
			planted = *s->proc;
			for (int l = 0; l < LANG_COUNT; l++)
				planted.name[l] = planted.short_name[l] = planted_name;
			p = &planted;
		}
		s->proc = p;
		s->group = p->group;
		if (st->screen == SCR_REVIEW || st->screen == SCR_PRIORITY)
			fill_answers(s);
	}
	if (st->screen == SCR_REVIEW && (st->flags & GS_LONG))
		for (size_t i = 0; i < s->proc->nfields && i < SESSION_MAX_FIELDS; i++) {
			field_type_t t = s->proc->fields[i].type;
			if (t == FIELD_NAME || t == FIELD_ADDRESS || t == FIELD_TEXT)
				long_value(t, s->values[i], sizeof s->values[i]);
		}
	if (st->screen == SCR_FORM && st->field_type >= 0) {
		const catalog_proc_t *p;
		int idx;
		if (!find_field(s->cat, st->field_type, &p, &idx))
			return; /* the catalog has no such field: the plain form state */
		s->proc = p;
		s->group = p->group;
		s->field = idx;
		const catalog_field_t *f = &p->fields[idx];
		textfield_reset(&s->tf);
		memset(s->values[idx], 0, sizeof s->values[idx]);
		bool numeric = f->type == FIELD_CCCD || f->type == FIELD_PHONE ||
			       f->type == FIELD_DATE || f->type == FIELD_BIRTHDATE;
		s->tf.kb = numeric || (st->flags & GS_NUMERIC) ? KB_NUMERIC : KB_LETTERS;
		if (st->flags & GS_LONG)
			long_value(f->type, s->values[idx], sizeof s->values[idx]);
		if (st->flags & GS_ERROR) {
			char v[SESSION_VALUE_MAX];
			snprintf(v, sizeof v, "%s", (st->flags & GS_LONG) ? s->values[idx]
						   : wrong_value(f->type));
			if (st->flags & GS_LONG) /* one character over the limit */
				snprintf(v + strlen(v), sizeof v - strlen(v), "x");
			snprintf(s->values[idx], sizeof s->values[idx], "%s", v);
			s->error_key = session_form_check(s, f, v, sizeof v);
			if (!s->error_key) { /* the value passes: show the empty box's message */
				s->values[idx][0] = '\0';
				s->error_key = "field.required";
			}
		}
		if (st->flags & GS_SCAN) {
			static const char *const sv[5] = {"Nguyễn Thị Ngọc Ánh", "15/08/1952", "nu",
							  "001190012345",
							  "Số 12, thôn Đông, xã Tân Hòa, huyện Đông Anh, Hà Nội"};
			for (int k = 0; k < 5; k++)
				snprintf(s->scan_values[k], sizeof s->scan_values[k], "%s", sv[k]);
			s->scan_offer = true;
		}
		if (st->flags & GS_SCAN_ERROR)
			s->scan_error_key = "cccd.stripped";
	}
	session_changed(s);
}

int gallery_run(app_t *a, const char *dir)
{
	/* Like `--screenshots DIR`: DIR need not exist yet. */
	(void)mkdir(dir, 0755);
	int lw, lh;
	platform_size(a->plat, &lw, &lh);
	const char *orient = lw > lh ? "landscape" : "portrait";
	int written = 0;
	for (int hc = 0; hc < 2; hc++)
		for (int big = 0; big < 2; big++)
			for (int l = 0; l < LANG_COUNT; l++)
				for (size_t i = 0; i < gallery_state_count; i++) {
					const gallery_state_t *st = &gallery_states[i];
					session_t *s = a->session;
					s->high_contrast = hc;
					s->large_text = big;
					s->lang = (lang_t)l;
					gallery_apply(s, st);
					/* Mid-session screens show the staff banner too. */
					if (st->screen == SCR_REVIEW)
						s->help_called = true;
					char path[2048];
					snprintf(path, sizeof path, "%s/%s__%s__%s__%s__%s.png", dir,
						 st->name, orient, hc ? "hc" : "default",
						 big ? "150" : "100", lang_code((lang_t)l));
					if (app_screenshot(a, path) != KIOSK_OK) {
						fprintf(stderr, "gallery: cannot write %s\n", path);
						return 1;
					}
					written++;
				}
	printf("gallery: %d screenshots in %s\n", written, dir);
	return 0;
}
