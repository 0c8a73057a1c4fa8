/* session_pose.c - the session's sample states (session_pose.h): invented
 * answers, wrong answers and their errors, a scanned ID card, long answers
 * at their limits, the longest and a planted 200-character procedure name,
 * a ticket with people ahead, the closed / lunch / out-of-service screens.
 * The only code besides session.c that writes the session's fields, and it
 * is the session's own: the gallery and the tests only choose a pose. */
#include "flow/session_pose.h"

#include <stdio.h>
#include <string.h>

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

void session_pose_screen(session_t *s, screen_t scr)
{
	const catalog_proc_t *p = busiest(s->cat);
	s->warning = false;
	s->help = SESSION_HELP_NONE;
	s->help_counter = 0;
	s->proc = p;
	s->group = p->group;
	s->page = 0;
	s->error_key = NULL;
	memset(&s->result, 0, sizeof s->result);
	switch (scr) {
	case SCR_FORM:
		s->field = 0;
		snprintf(s->values[0], sizeof s->values[0], "Nguyễn Văn ");
		textfield_attach(&s->tf, s->values[0], sizeof s->values[0]);
		textfield_reset(&s->tf);
		textfield_set_mode(&s->tf, KB_LETTERS);
		for (const char *k = "Aanh"; *k; k++) /* "Ânh" in composition */
			textfield_key(&s->tf, *k, IME_TELEX);
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
		s->help = SESSION_HELP_SENT;
		s->help_return = SCR_FORM;
		break;
	case SCR_RATE:
		snprintf(s->rate_number, sizeof s->rate_number, "%c012", p->group->letter);
		s->rate_step = SESSION_RATE_FACES;
		s->rate_reasons = 0;
		s->rate_refused = NULL;
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

void session_pose(session_t *s, const session_pose_t *st)
{
	static catalog_proc_t planted;
	/* One session is posed again and again: nothing of the state before stays. */
	s->lang = st->lang;
	s->high_contrast = st->high_contrast;
	s->large_text = st->large_text;
	memset(s->values, 0, sizeof s->values);
	memset(s->answered, 0, sizeof s->answered);
	memset(s->scan_values, 0, sizeof s->scan_values);
	s->scan_offer = false;
	s->scan_error_key = NULL;
	s->from_review = false;
	s->out_of_service = false;
	s->lunch_numbers = false;
	session_pose_screen(s, st->screen);
	/* The office queue's lines: none unless the state has them. */
	static const char serving[6][8] = {"A007", "B003", "A008", "C002", "D001", "E004"};
	session_set_wait(s, (st->flags & POSE_ESTIMATE) ? 12 : (st->flags & POSE_AHEAD) ? 3 : -1,
			 (st->flags & POSE_ESTIMATE) ? 35 : -1);
	session_set_serving(s, serving, (st->flags & POSE_SERVING) ? 6 : 0);
	if (st->flags & POSE_RATE_REASONS) {
		s->rate_step = SESSION_RATE_REASONS;
		s->rate_reasons = 1 | 4;
	} else if (st->flags & POSE_RATE_THANKS) {
		s->rate_step = SESSION_RATE_THANKS;
	} else if (st->flags & POSE_RATE_REFUSED) {
		s->rate_step = SESSION_RATE_REFUSED;
		s->rate_refused = "ui.rate_not_served";
	}
	if (st->flags & POSE_LUNCH) {
		s->lunch_numbers = true;
		kclock_parse_iso("2026-01-05T13:30:00+07:00", &s->hours_deadline);
	}
	if (st->screen == SCR_OUT_OF_SERVICE) { /* the longest reason a technician reads */
		s->out_of_service = true;
		s->oos_key = "ui.oos_data_damaged";
		snprintf(s->oos_file, sizeof s->oos_file, "%s", "ledger.db");
	}
	if (st->flags & (POSE_LONGEST_NAME | POSE_PLANTED_NAME)) {
		const catalog_proc_t *p = longest(s->cat);
		if (st->flags & POSE_PLANTED_NAME) {
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
	if (st->screen == SCR_REVIEW && (st->flags & POSE_LONG))
		for (size_t i = 0; i < s->proc->nfields && i < SESSION_MAX_FIELDS; i++) {
			field_type_t t = s->proc->fields[i].type;
			if (t == FIELD_NAME || t == FIELD_ADDRESS || t == FIELD_TEXT)
				long_value(t, s->values[i], sizeof s->values[i]);
		}
	if (st->screen == SCR_FORM && st->field_type >= 0) {
		const catalog_proc_t *p;
		int idx;
		if (!find_field(s->cat, st->field_type, &p, &idx))
			goto done; /* the catalog has no such field: the plain form state */
		s->proc = p;
		s->group = p->group;
		s->field = idx;
		const catalog_field_t *f = &p->fields[idx];
		textfield_reset(&s->tf);
		memset(s->values[idx], 0, sizeof s->values[idx]);
		bool numeric = f->type == FIELD_CCCD || f->type == FIELD_PHONE ||
			       f->type == FIELD_DATE || f->type == FIELD_BIRTHDATE;
		textfield_set_mode(&s->tf, numeric || (st->flags & POSE_NUMERIC) ? KB_NUMERIC : KB_LETTERS);
		if (st->flags & POSE_LONG)
			long_value(f->type, s->values[idx], sizeof s->values[idx]);
		if (st->flags & POSE_ERROR) {
			char v[SESSION_VALUE_MAX];
			snprintf(v, sizeof v, "%s", (st->flags & POSE_LONG) ? s->values[idx]
						   : wrong_value(f->type));
			if (st->flags & POSE_LONG) /* one character over the limit */
				snprintf(v + strlen(v), sizeof v - strlen(v), "x");
			snprintf(s->values[idx], sizeof s->values[idx], "%s", v);
			s->error_key = session_form_check(s, f, v, sizeof v);
			if (!s->error_key) { /* the value passes: show the empty box's message */
				s->values[idx][0] = '\0';
				s->error_key = "field.required";
			}
		}
		if (st->flags & POSE_SCAN) {
			static const char *const sv[5] = {"Nguyễn Thị Ngọc Ánh", "15/08/1952", "nu",
							  "001190012345",
							  "Số 12, thôn Đông, xã Tân Hòa, huyện Đông Anh, Hà Nội"};
			for (int k = 0; k < 5; k++)
				snprintf(s->scan_values[k], sizeof s->scan_values[k], "%s", sv[k]);
			s->scan_offer = true;
		}
		if (st->flags & POSE_SCAN_ERROR)
			s->scan_error_key = "cccd.stripped";
	}
done:
	if (st->flags & POSE_HELP_BANNER)
		s->help = SESSION_HELP_SENT;
	if (st->flags & POSE_HELP_ASK)
		s->help = SESSION_HELP_ASK;
	if (st->flags & POSE_HELP_COMING) {
		s->help = SESSION_HELP_COMING;
		s->help_counter = 12;
	}
	session_changed(s);
}

