/* gallery.c - renders every screen and state (welcome ... sold-out, the
 * timeout warning, help banner, printer error, review with answers, the form
 * for each field type with and without an error, the ID-card offer, long
 * answers and long procedure names) in both themes, both text sizes and both
 * languages, for people to look at and for the layout test:
 * <dir>/<state>__<portrait|landscape>__<default|hc>__<100|150>__<vi|en>.png.
 * The states are the session's own poses (flow/session_pose.h); the gallery
 * only lists them and takes the pictures. Nothing is printed. */
#include "app/gallery.h"
#include "app/app_internal.h"

#include <stdio.h>
#include <sys/stat.h>

#include "core/kiosk.h"

const screen_t gallery_screens[] = {
	SCR_WELCOME, SCR_GROUPS, SCR_PROCEDURES, SCR_DOCUMENTS, SCR_FORM, SCR_REVIEW,
	SCR_PRIORITY, SCR_PRINTING, SCR_TICKET, SCR_PRINTER_ERROR, SCR_HELP,
	SCR_TIMEOUT_WARNING, SCR_CLOSED, SCR_LUNCH, SCR_SOLD_OUT,
};
const size_t gallery_screen_count = sizeof gallery_screens / sizeof gallery_screens[0];

#define F(t) ((int)(t))
const gallery_state_t gallery_states[] = {
	{"welcome", SCR_WELCOME, -1, 0},
	{"welcome-lunch", SCR_WELCOME, -1, POSE_LUNCH},
	{"welcome-serving", SCR_WELCOME, -1, POSE_SERVING},
	{"groups", SCR_GROUPS, -1, 0},
	{"procedures", SCR_PROCEDURES, -1, 0},
	{"procedures-longest", SCR_PROCEDURES, -1, POSE_LONGEST_NAME},
	{"documents", SCR_DOCUMENTS, -1, 0},
	{"documents-longest", SCR_DOCUMENTS, -1, POSE_LONGEST_NAME},
	{"documents-help", SCR_DOCUMENTS, -1, POSE_LONGEST_NAME | POSE_HELP_BANNER},
	{"documents-200", SCR_DOCUMENTS, -1, POSE_PLANTED_NAME},
	{"form", SCR_FORM, -1, 0},
	{"form-name", SCR_FORM, F(FIELD_NAME), 0},
	{"form-name-error", SCR_FORM, F(FIELD_NAME), POSE_ERROR},
	{"form-name-long", SCR_FORM, F(FIELD_NAME), POSE_LONG},
	{"form-name-help", SCR_FORM, F(FIELD_NAME), POSE_ERROR | POSE_HELP_BANNER},
	{"form-cccd", SCR_FORM, F(FIELD_CCCD), 0},
	{"form-cccd-error", SCR_FORM, F(FIELD_CCCD), POSE_ERROR},
	{"form-cccd-scan", SCR_FORM, F(FIELD_CCCD), POSE_SCAN},
	{"form-cccd-scan-help", SCR_FORM, F(FIELD_CCCD), POSE_SCAN | POSE_HELP_BANNER},
	{"form-cccd-scan-coming", SCR_FORM, F(FIELD_CCCD), POSE_SCAN | POSE_HELP_COMING},
	{"form-cccd-scan-error", SCR_FORM, F(FIELD_CCCD), POSE_SCAN_ERROR},
	{"form-phone", SCR_FORM, F(FIELD_PHONE), 0},
	{"form-phone-error", SCR_FORM, F(FIELD_PHONE), POSE_ERROR},
	{"form-date", SCR_FORM, F(FIELD_DATE), 0},
	{"form-date-error", SCR_FORM, F(FIELD_DATE), POSE_ERROR},
	{"form-birthdate", SCR_FORM, F(FIELD_BIRTHDATE), 0},
	{"form-birthdate-error", SCR_FORM, F(FIELD_BIRTHDATE), POSE_ERROR},
	{"form-sex", SCR_FORM, F(FIELD_SEX), 0},
	{"form-sex-error", SCR_FORM, F(FIELD_SEX), POSE_ERROR},
	{"form-address", SCR_FORM, F(FIELD_ADDRESS), 0},
	{"form-address-error", SCR_FORM, F(FIELD_ADDRESS), POSE_ERROR},
	{"form-address-long", SCR_FORM, F(FIELD_ADDRESS), POSE_LONG},
	{"form-address-long-error", SCR_FORM, F(FIELD_ADDRESS), POSE_LONG | POSE_ERROR},
	{"form-text", SCR_FORM, F(FIELD_TEXT), 0},
	{"form-text-long", SCR_FORM, F(FIELD_TEXT), POSE_LONG},
	{"form-text-numeric", SCR_FORM, F(FIELD_TEXT), POSE_NUMERIC},
	{"review", SCR_REVIEW, -1, POSE_HELP_BANNER},
	{"review-long", SCR_REVIEW, -1, POSE_LONG | POSE_HELP_BANNER},
	{"review-200", SCR_REVIEW, -1, POSE_LONG | POSE_PLANTED_NAME | POSE_HELP_BANNER},
	{"priority", SCR_PRIORITY, -1, 0},
	{"priority-help", SCR_PRIORITY, -1, POSE_HELP_BANNER},
	{"priority-coming", SCR_PRIORITY, -1, POSE_HELP_COMING},
	{"printing", SCR_PRINTING, -1, 0},
	{"ticket", SCR_TICKET, -1, 0},
	{"ticket-longest", SCR_TICKET, -1, POSE_LONGEST_NAME},
	{"ticket-200", SCR_TICKET, -1, POSE_PLANTED_NAME},
	{"ticket-ahead", SCR_TICKET, -1, POSE_AHEAD},
	{"ticket-estimate", SCR_TICKET, -1, POSE_ESTIMATE},
	{"ticket-estimate-longest", SCR_TICKET, -1, POSE_ESTIMATE | POSE_LONGEST_NAME},
	{"printer-error", SCR_PRINTER_ERROR, -1, 0},
	{"help", SCR_HELP, -1, 0},
	{"help-coming", SCR_HELP, -1, POSE_HELP_COMING},
	{"help-ask", SCR_HELP, -1, POSE_HELP_ASK},
	{"rate", SCR_RATE, -1, 0},
	{"rate-reasons", SCR_RATE, -1, POSE_RATE_REASONS},
	{"rate-thanks", SCR_RATE, -1, POSE_RATE_THANKS},
	{"rate-refused", SCR_RATE, -1, POSE_RATE_REFUSED},
	{"timeout-warning", SCR_TIMEOUT_WARNING, -1, 0},
	{"closed", SCR_CLOSED, -1, 0},
	{"lunch", SCR_LUNCH, -1, 0},
	{"sold-out", SCR_SOLD_OUT, -1, 0},
	{"out-of-service", SCR_OUT_OF_SERVICE, -1, 0},
};
#undef F
const size_t gallery_state_count = sizeof gallery_states / sizeof gallery_states[0];

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
					session_pose_t pose = {st->screen, st->field_type, st->flags,
							       (lang_t)l, hc, big};
					session_pose(a->session, &pose);
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
