/* gallery.c - renders every screen and state (welcome ... sold-out, the
 * timeout warning, help banner, printer error, review with answers) in both
 * themes, both text sizes and both languages, for people to look at:
 * <dir>/<screen id>__<portrait|landscape>__<default|hc>__<100|150>__<vi|en>.png.
 * The states are set directly on a session; nothing is printed. */
#include "gallery.h"
#include "app_internal.h"

#include <stdio.h>
#include <string.h>

#include "kiosk.h"

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
		s->kb = KB_LETTERS;
		snprintf(s->values[0], sizeof s->values[0], "Nguyễn Văn ");
		ime_reset(s->ime);
		ime_set_method(s->ime, IME_TELEX);
		for (const char *k = "Aanh"; *k; k++)
			ime_key(s->ime, *k);
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
	s->generation++;
}

const screen_t gallery_screens[] = {
	SCR_WELCOME, SCR_GROUPS, SCR_PROCEDURES, SCR_DOCUMENTS, SCR_FORM, SCR_REVIEW,
	SCR_PRIORITY, SCR_PRINTING, SCR_TICKET, SCR_PRINTER_ERROR, SCR_HELP,
	SCR_TIMEOUT_WARNING, SCR_CLOSED, SCR_LUNCH, SCR_SOLD_OUT,
};
const size_t gallery_screen_count = sizeof gallery_screens / sizeof gallery_screens[0];

int gallery_run(app_t *a, const char *dir)
{
	const screen_t *screens = gallery_screens;
	const char *orient = a->log_w > a->log_h ? "landscape" : "portrait";
	int written = 0;
	for (int hc = 0; hc < 2; hc++)
		for (int big = 0; big < 2; big++)
			for (int l = 0; l < LANG_COUNT; l++)
				for (size_t i = 0; i < gallery_screen_count; i++) {
					session_t *s = a->session;
					s->high_contrast = hc;
					s->large_text = big;
					s->lang = (lang_t)l;
					gallery_set_state(s, screens[i]);
					/* Mid-session screens show the staff banner too. */
					if (screens[i] == SCR_REVIEW)
						s->help_called = true;
					char path[2048];
					snprintf(path, sizeof path, "%s/%s__%s__%s__%s__%s.png", dir,
						 screen_id(screens[i]), orient, hc ? "hc" : "default",
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
