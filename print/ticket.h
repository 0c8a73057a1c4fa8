/* ticket.h - draws a queue ticket (or a printer test page) into a 1-bit
 * image (core/bitmap.h) at the printer's width with SDL2_ttf and libqrencode,
 * headless; core/pngout.h writes it as PNG. Layout: docs/printing.md. */
#ifndef TICKET_H
#define TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "core/i18n.h"
#include "core/lang.h"

typedef struct ticket_renderer ticket_renderer_t;

/* What the office queue says of a new ticket: people ahead in its line and
 * the estimated wait in whole minutes, already rounded (-1: no estimate
 * yet, only the people ahead are printed). */
typedef struct {
	int ahead;
	int wait_min;
} ticket_wait_t;

/* Load the fonts (<assets>/fonts/NotoSans-{Regular,Bold}.ttf) and the fixed
 * words (the "ticket.*" keys, loaded once with i18n_load from i18n_dir, or
 * <assets>/i18n when it is NULL). Calls TTF_Init. */
int ticket_renderer_open(const char *assets_dir, const char *i18n_dir, ticket_renderer_t **out,
			 char *err, size_t errlen);
/* The same with fixed words already loaded (the kiosk's own translations):
 * borrowed, not copied; tr must outlive the renderer. */
int ticket_renderer_open_with(const char *assets_dir, const i18n_t *tr, ticket_renderer_t **out,
			      char *err, size_t errlen);
void ticket_renderer_close(ticket_renderer_t *r);

typedef struct {
	int width;                 /* dots: 576 (80 mm) or 384 (58 mm) */
	lang_t lang;
	const char *office;        /* may be NULL */
	const char *procedure_vi;  /* Vietnamese name (always printed) */
	const char *procedure_en;  /* printed below with LANG_EN; may be NULL */
	const char *const *docs;   /* documents to bring, in lang; may be NULL */
	size_t ndocs;
	const char *number;        /* "A012" */
	bool priority;
	bool reprint;
	bool dated;                /* false: no date and time line */
	int64_t time_ms;
	const char *qr;            /* hand-off record; NULL = no QR */
	bool qr_personal;          /* the record carries answers: print the keep-it-safe line */
	bool rating;               /* the QR rates the service at the kiosk: say so */
	const char *link;          /* the procedure's page online: a second, labelled QR
				    * below the first; NULL = none */
	const char *afternoon;     /* "13:30": issued during the lunch break, the line
				    * saying when the afternoon starts; NULL = none */
	const ticket_wait_t *wait; /* the line under the number; NULL = none (no queue) */
} ticket_info_t;

/* The text styles of a ticket (everything but the big number). */
typedef enum {
	TICKET_TEXT_OFFICE, TICKET_TEXT_PROCEDURE, TICKET_TEXT_PROCEDURE_EN, TICKET_TEXT_LABEL,
	TICKET_TEXT_DATE, TICKET_TEXT_AFTERNOON, TICKET_TEXT_WAIT, TICKET_TEXT_DOCS_TITLE, TICKET_TEXT_DOC,
	TICKET_TEXT_CAPTION, TICKET_TEXT_PRIVATE, TICKET_TEXT_ONLINE_TITLE, TICKET_TEXT_FOOTER,
	TICKET_TEXT_COUNT
} ticket_text_t;

typedef struct {
	bool bold;
	int px;                    /* font size in dots (SDL_ttf size: 1 em = px dots) */
	int max_lines;             /* longer text wraps up to this, then ends with an ellipsis */
} ticket_style_t;

/* Paper text is read by elderly citizens: the lower-case x-height of every
 * style is at least this many dots (2.5 mm at 203 dpi, 8 dots/mm). */
#define TICKET_MIN_X_HEIGHT 20

/* The style of a text on a ticket of this width (dots); sizes are absolute
 * dots, so the letters are as tall on 58 mm as on 80 mm paper. */
ticket_style_t ticket_text_style(int width, ticket_text_t role);

/* Render a ticket. KIOSK_OK, KIOSK_EINVAL (bad width or text),
 * KIOSK_ERANGE (QR too large for the width) or KIOSK_ENOMEM. */
int ticket_render(ticket_renderer_t *r, const ticket_info_t *t, bitmap_t *out);
/* A printer test page: title, sample Vietnamese letters, the office, a QR
 * of qr (may be NULL), and a ruler showing the full width. */
int ticket_render_test(ticket_renderer_t *r, int width, lang_t lang, const char *office,
		       const char *qr, bitmap_t *out);

#endif
