/* speak.c - the read-aloud plan of each citizen screen (speak.h): which
 * spoken texts, catalogue words and numbers, in order. The words
 * themselves are in assets/i18n/<lang>/voice.json ("voice.screen_*"), so an
 * office can change what is said without code. */
#include "flow/speak.h"

#include <stdio.h>
#include <string.h>

static void key(speak_plan_t *p, const char *k)
{
	if (p->count < SPEAK_ITEMS)
		p->item[p->count++] = (speak_item_t){.kind = SPK_KEY, .key = k};
}

static void text(speak_plan_t *p, const char *t)
{
	if (t && t[0] && p->count < SPEAK_ITEMS)
		p->item[p->count++] = (speak_item_t){.kind = SPK_TEXT, .text = t};
}

static void number(speak_plan_t *p, unsigned n)
{
	if (p->count < SPEAK_ITEMS)
		p->item[p->count++] = (speak_item_t){.kind = SPK_NUMBER, .n = n};
}

static void ticket(speak_plan_t *p, const char *no)
{
	if (no && no[0] && strlen(no) < sizeof p->item[0].number && p->count < SPEAK_ITEMS) {
		speak_item_t *it = &p->item[p->count++];
		*it = (speak_item_t){.kind = SPK_TICKET};
		snprintf(it->number, sizeof it->number, "%s", no);
	}
}

/* Catalogue words are read in Vietnamese: speech is Vietnamese (vspeech.h). */
static const char *vi(const char *const *t)
{
	return t[LANG_VI] ? t[LANG_VI] : t[LANG_EN];
}

static void ticket_plan(const session_t *s, speak_plan_t *p)
{
	key(p, "voice.screen_ticket");
	ticket(p, s->result.number);
	if (s->priority)
		key(p, "voice.ticket_priority");
	if (s->wait_ahead == 0) {
		key(p, "voice.ahead_none");
	} else if (s->wait_ahead > 0) {
		key(p, "voice.ahead_before");
		number(p, (unsigned)s->wait_ahead);
		key(p, "voice.ahead_after");
		if (s->wait_min > 0) {
			key(p, "voice.wait_before");
			number(p, (unsigned)s->wait_min);
			key(p, "voice.wait_after");
		}
	}
	key(p, "voice.screen_ticket_next");
}

static void help_plan(const session_t *s, speak_plan_t *p)
{
	if (s->help == SESSION_HELP_COMING) {
		key(p, "voice.help_coming_before");
		number(p, (unsigned)s->help_counter);
		key(p, "voice.help_coming_after");
	} else if (s->help == SESSION_HELP_SENT) {
		key(p, "voice.screen_help");
	} else {
		key(p, "voice.screen_help_ask");
	}
}

static void rate_plan(const session_t *s, speak_plan_t *p)
{
	switch (s->rate_step) {
	case SESSION_RATE_FACES: key(p, "voice.screen_rate"); break;
	case SESSION_RATE_REASONS: key(p, "voice.screen_rate_reasons"); break;
	case SESSION_RATE_THANKS: key(p, "voice.screen_rate_thanks"); break;
	default: key(p, "voice.screen_rate_refused"); break;
	}
}

void speak_plan(const session_t *s, speak_plan_t *p)
{
	memset(p, 0, sizeof *p);
	p->screen = screen_id(s->screen);
	if (s->warning) {
		p->screen = "timeout-warning";
		key(p, "voice.screen_warning");
		return;
	}
	switch (s->screen) {
	case SCR_WELCOME:
		if (!s->out_of_service)
			text(p, s->cfg ? s->cfg->office_name : NULL); /* the office's name, as its title */
		key(p, s->out_of_service ? "voice.screen_out_of_service" : "voice.screen_welcome");
		break;
	case SCR_GROUPS: key(p, "voice.screen_groups"); break;
	case SCR_PROCEDURES:
		if (s->group)
			text(p, vi(s->group->name));
		key(p, "voice.screen_procedures");
		break;
	case SCR_DOCUMENTS:
		if (s->proc)
			text(p, vi(s->proc->name));
		key(p, "voice.screen_documents");
		break;
	case SCR_FORM: {
		/* the question asked, never the answer */
		const catalog_field_t *f = s->proc && s->field >= 0 && (size_t)s->field < s->proc->nfields
						   ? &s->proc->fields[s->field] : NULL;
		if (f)
			text(p, vi(f->label));
		key(p, s->scan_offer ? "voice.screen_scan_offer"
		       : f && f->type == FIELD_SEX ? "voice.screen_form_choice" : "voice.screen_form");
		break;
	}
	case SCR_REVIEW: key(p, "voice.screen_review"); break;
	case SCR_PRIORITY: key(p, "voice.screen_priority"); break;
	case SCR_PRINTING: key(p, "voice.screen_printing"); break;
	case SCR_TICKET: ticket_plan(s, p); break;
	case SCR_PRINTER_ERROR: key(p, "voice.screen_printer_error"); break;
	case SCR_HELP: help_plan(s, p); break;
	case SCR_TIMEOUT_WARNING: key(p, "voice.screen_warning"); break;
	case SCR_CLOSED: key(p, "voice.screen_closed"); break;
	case SCR_LUNCH: key(p, "voice.screen_lunch"); break;
	case SCR_SOLD_OUT: key(p, "voice.screen_sold_out"); break;
	case SCR_OUT_OF_SERVICE: key(p, "voice.screen_out_of_service"); break;
	case SCR_RATE: rate_plan(s, p); break;
	default: break; /* staff screens: not read */
	}
}
