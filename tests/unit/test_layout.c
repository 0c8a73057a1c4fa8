/* test_layout.c - layout checks on the exact draw lists the renderer runs:
 * every screen and state of app/gallery.c (the form for each field
 * type, with an error, the ID-card offer, long answers, long procedure
 * names ...), in portrait and landscape, both themes, 100% and 150% text,
 * Vietnamese and English. Checked: target sizes (96 px, keypad
 * 112 px, primary 120 px tall), gaps of 16 px, back far from forward (48 px),
 * no target in a menu corner, at most 6 choices, no text off-screen or
 * outside its box, no overlapping text, no text below the 36 px floor, the
 * contrast of every text against the fill really behind it (>= 7:1), and
 * glyphs with stacked diacritics inside their line boxes. The wall board
 * (kiosk --board) is checked too: every sample state of app/board_gallery
 * in both orientations, themes and languages, with the same list checks
 * plus its letter heights on a 43" TV read from 8 m (docs/office-queue.md,
 * "Board"): the called number >= 67 mm, every other text >= 23 mm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui/a11y.h"
#include "domain/catalog.h"
#include "domain/config.h"
#include "app/board_gallery.h"
#include "app/gallery.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "ui/screens.h"
#include "flow/session.h"
#include "ui/board_screen.h"

typedef struct {
	catalog_t *cat;
	i18n_t *tr;
	config_t cfg;
	fonts_t *fonts;
	kclock_virtual_t v;
	kclock_t clock;
	drawlist_t dl;
	int failures;
	char where[160];
} fx_t;

static const char *assets(void)
{
	const char *a = getenv("KIOSK_ASSETS");
	return a ? a : "build/share/kiosk";
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	char path[1024], err[512];
	snprintf(path, sizeof path, "%s/catalog.json", assets());
	assert_int_equal(catalog_load(path, &f->cat, err, sizeof err), KIOSK_OK);
	snprintf(path, sizeof path, "%s/i18n", assets());
	assert_int_equal(i18n_load(path, &f->tr, err, sizeof err), KIOSK_OK);
	snprintf(path, sizeof path, "%s/site.json", assets());
	assert_int_equal(config_load(&f->cfg, path, NULL, err, sizeof err), KIOSK_OK);
	assert_int_equal(TTF_Init(), 0);
	assert_int_equal(fonts_open(assets(), &f->fonts, err, sizeof err), KIOSK_OK);
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms);
	f->v.mono_ms = 1000000;
	f->v.trusted = true;
	kclock_virtual(&f->clock, &f->v);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	fonts_close(f->fonts);
	TTF_Quit();
	i18n_free(f->tr);
	catalog_free(f->cat);
	free(f);
	return 0;
}

static void bad(fx_t *f, const char *fmt, ...)
{
	if (f->failures++ < 4000) {
		va_list ap;
		va_start(ap, fmt);
		fprintf(stderr, "%s: ", f->where);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

static int gap(ui_rect_t a, ui_rect_t b)
{
	int dx = a.x + a.w <= b.x ? b.x - (a.x + a.w) : b.x + b.w <= a.x ? a.x - (b.x + b.w) : -1;
	int dy = a.y + a.h <= b.y ? b.y - (a.y + a.h) : b.y + b.h <= a.y ? a.y - (b.y + b.h) : -1;
	if (dx < 0 && dy < 0)
		return -1; /* overlap */
	return dx > dy ? dx : dy;
}

/* The fill drawn last (before command i) under the point. */
static int fill_under(const drawlist_t *dl, int i, int x, int y)
{
	for (int k = i - 1; k >= 0; k--) {
		const dc_t *c = &dl->cmds[k];
		if (c->kind == DC_FILL && rect_contains(c->r, x, y))
			return (int)c->fg;
	}
	return -1;
}

static void check_list(fx_t *f, const drawlist_t *dl, theme_id_t theme, const a11y_t *a)
{
	ui_rect_t screen = {0, 0, dl->w, dl->h};
	if (dl->overflow)
		bad(f, "draw list overflow");
	int choices = 0;
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind == DC_TARGET) {
			int min = (c->flags & TGT_NUMKEY) ? 112 : 96;
			if (c->r.w < min || c->r.h < min)
				bad(f, "target %s is %dx%d, below %d px", c->text, c->r.w, c->r.h, min);
			if ((c->flags & TGT_PRIMARY) && c->r.h < 120)
				bad(f, "primary %s is %d px tall, below 120", c->text, c->r.h);
			if (!rect_inside(c->r, screen))
				bad(f, "target %s off-screen", c->text);
			ui_rect_t corners[4] = {{0, 0, 96, 96}, {dl->w - 96, 0, 96, 96},
						{0, dl->h - 96, 96, 96}, {dl->w - 96, dl->h - 96, 96, 96}};
			for (int k = 0; k < 4; k++)
				if (rect_overlap(c->r, corners[k]))
					bad(f, "target %s in a menu corner zone", c->text);
			if (c->flags & TGT_CHOICE)
				choices++;
			for (int j = i + 1; j < dl->n; j++) {
				const dc_t *d = &dl->cmds[j];
				if (d->kind != DC_TARGET)
					continue;
				int g = gap(c->r, d->r);
				if (g < 0)
					bad(f, "targets %s and %s overlap", c->text, d->text);
				else if (g < 16)
					bad(f, "targets %s and %s only %d px apart", c->text, d->text, g);
				if (((c->flags & TGT_BACK) && (d->flags & TGT_PRIMARY)) ||
				    ((d->flags & TGT_BACK) && (c->flags & TGT_PRIMARY)))
					if (g < 48)
						bad(f, "back and forward only %d px apart", g);
			}
		} else if (c->kind == DC_TEXT) {
			if (!rect_inside(c->r, screen))
				bad(f, "text \"%s\" off-screen", c->text);
			if (!rect_inside(c->r, c->clip))
				bad(f, "text \"%s\" clipped by its box", c->text);
			if (c->px < 36)
				bad(f, "text \"%s\" at %d px, below the 36 px floor", c->text, c->px);
			int under = fill_under(dl, i, c->r.x + c->r.w / 2, c->r.y + c->r.h / 2);
			if (under != (int)c->bg)
				bad(f, "text \"%s\" declares background %d but lies on %d", c->text,
				    (int)c->bg, under);
			double ratio = theme_contrast(theme_color(theme, c->fg), theme_color(theme, c->bg));
			if (ratio < 7.0)
				bad(f, "text \"%s\" contrast %.2f below 7:1", c->text, ratio);
			for (int j = i + 1; j < dl->n; j++) {
				const dc_t *d = &dl->cmds[j];
				if (d->kind == DC_TEXT && rect_overlap(c->r, d->r))
					bad(f, "texts \"%s\" and \"%s\" overlap", c->text, d->text);
			}
			/* A text on a button is clipped by that button; any other
			 * text must stay off every target. */
			for (int j = 0; j < dl->n; j++) {
				const dc_t *d = &dl->cmds[j];
				if (d->kind == DC_TARGET && rect_overlap(c->r, d->r) &&
				    memcmp(&c->clip, &d->r, sizeof d->r) != 0)
					bad(f, "text \"%s\" lies on target %s", c->text, d->text);
			}
		} else if (c->kind == DC_QR) {
			if (c->r.w < a->qr_px - 1 || c->r.w < 240)
				bad(f, "QR only %d px wide", c->r.w);
			if (!rect_inside(c->r, screen))
				bad(f, "QR off-screen");
		}
	}
	if (choices > 6)
		bad(f, "%d choices on one screen (at most 6)", choices);
	/* Body text, titles and buttons meet their sizes. */
	if (a->scale_pct == 100 && (a->body_px < 42 || a->title_px < 56 || a->title_px > 64 ||
				    a->button_px < 44 || a->number_px < 160))
		bad(f, "a11y table below the minimums");
}

static bool has_target(const drawlist_t *dl, const char *id)
{
	return draw_find_target(dl, id) != NULL;
}

/* What a state must offer: the form keeps back/forward, 0 and delete
 * within reach; number fields never offer letters; a choice is cards. */
static void check_state(fx_t *f, const drawlist_t *dl, const gallery_state_t *st,
			const session_t *s)
{
	if (st->screen != SCR_FORM)
		return;
	static const char *const always[] = {"back", "next"};
	for (size_t k = 0; k < 2; k++)
		if (!has_target(dl, always[k]))
			bad(f, "no %s target", always[k]);
	if (s->scan_offer) {
		if (!has_target(dl, "scan-accept") || !has_target(dl, "scan-reject"))
			bad(f, "the ID-card offer has no accept/reject");
		return;
	}
	const catalog_field_t *fd = &s->proc->fields[s->field];
	if (fd->type == FIELD_SEX) {
		int cards = 0;
		for (int i = 0; i < dl->n; i++) {
			const dc_t *c = &dl->cmds[i];
			if (c->kind == DC_FILL && c->fg == C_FIELD_BG)
				bad(f, "an empty text box above the choices");
			if (c->kind == DC_TARGET && strncmp(c->text, "choice-", 7) == 0) {
				cards++;
				if (c->r.w < dl->w / 3 || c->r.h < 200)
					bad(f, "choice %s is a small button (%dx%d), not a card",
					    c->text, c->r.w, c->r.h);
			}
		}
		if (cards != 2)
			bad(f, "%d choice cards, not 2", cards);
		return;
	}
	if (!has_target(dl, "key-0") || !has_target(dl, "key-backspace"))
		bad(f, "0 or delete not on the keyboard");
	if (!has_target(dl, "key-5"))
		bad(f, "no digits on the keyboard");
	bool numeric = fd->type == FIELD_CCCD || fd->type == FIELD_PHONE ||
		       fd->type == FIELD_DATE || fd->type == FIELD_BIRTHDATE;
	if (numeric && (has_target(dl, "kb-mode") || has_target(dl, "key-a")))
		bad(f, "a number field offers letters");
	if (numeric && has_target(dl, "key-slash"))
		bad(f, "a number field offers a key that types nothing");
	if (!numeric && !has_target(dl, "kb-mode"))
		bad(f, "a letter field has no keyboard-mode key");
}

static void test_every_screen(void **state)
{
	fx_t *f = *state;
	static const int sizes[2][2] = {{1920, 1080}, {1080, 1920}};
	int lists = 0;
	for (int o = 0; o < 2; o++)
		for (int hc = 0; hc < 2; hc++)
			for (int big = 0; big < 2; big++)
				for (int l = 0; l < LANG_COUNT; l++)
					for (size_t i = 0; i < gallery_state_count; i++) {
						const gallery_state_t *st = &gallery_states[i];
						session_t *s = session_create(f->cat, &f->cfg, &f->clock, NULL);
						assert_non_null(s);
						session_pose_t pose = {st->screen, st->field_type,
								       st->flags, (lang_t)l, hc, big};
						session_pose(s, &pose);
						screen_ctx_t c = {.s = s, .cat = f->cat, .cfg = &f->cfg,
								  .tr = f->tr, .fonts = f->fonts,
								  .w = sizes[o][0], .h = sizes[o][1]};
						snprintf(f->where, sizeof f->where, "%s %s %s %d%% %s",
							 st->name, o ? "portrait" : "landscape",
							 hc ? "hc" : "default", big ? 150 : 100,
							 l ? "en" : "vi");
						screens_build(&f->dl, &c);
						a11y_t a;
						a11y_compute(&a, f->cfg.panel_diagonal_in, f->cfg.panel_width,
							     f->cfg.panel_height, big ? 150 : 100);
						check_list(f, &f->dl, screens_theme(s), &a);
						check_state(f, &f->dl, st, s);
						lists++;
						session_destroy(s);
					}
	fprintf(stderr, "layout: %d draw lists checked, %d problems\n", lists, f->failures);
	assert_int_equal(f->failures, 0);
}

/* A bad layout must be caught: the checker is not a rubber stamp. */
static void test_checker_catches(void **state)
{
	fx_t *f = *state;
	a11y_t a;
	a11y_compute(&a, 21.5, 1920, 1080, 100);
	drawlist_t *dl = &f->dl;
	draw_reset(dl, 1920, 1080);
	draw_fill(dl, (ui_rect_t){0, 0, 1920, 1080}, C_BG);
	draw_target(dl, (ui_rect_t){10, 10, 80, 80}, "corner", "x", 0);          /* small, corner */
	draw_target(dl, (ui_rect_t){500, 500, 200, 100}, "a", "a", 0);
	draw_target(dl, (ui_rect_t){705, 500, 200, 100}, "b", "b", 0);          /* 5 px gap */
	draw_text_line(dl, (ui_rect_t){1800, 20, 300, 60}, (ui_rect_t){0, 0, 1920, 1080}, "off",
		       FONT_REGULAR, 42, C_TEXT_MUTED, C_PRIMARY_BG);                /* off, wrong bg */
	int before = f->failures;
	snprintf(f->where, sizeof f->where, "self-check (expected problems)");
	check_list(f, dl, THEME_DEFAULT, &a);
	int found = f->failures - before;
	f->failures = before;
	assert_true(found >= 5);

	/* A planted overlap, as an error box pushing the keypad over "Back"
	 * did: each kind is caught on its own. */
	static const struct { const char *what; int n; } plants[] = {
		{"keypad key over back", 1}, {"error text over a key", 1},
		{"text clipped by its box", 1}, {"key half off the screen", 1},
	};
	for (size_t k = 0; k < sizeof plants / sizeof plants[0]; k++) {
		draw_reset(dl, 1080, 1920);
		draw_fill(dl, (ui_rect_t){0, 0, 1080, 1920}, C_BG);
		draw_target(dl, (ui_rect_t){200, 1700, 300, 122}, "back", "Back", TGT_BACK);
		switch (k) {
		case 0:
			draw_target(dl, (ui_rect_t){300, 1650, 114, 114}, "key-0", "0", TGT_NUMKEY);
			break;
		case 1:
			draw_target(dl, (ui_rect_t){300, 1300, 114, 114}, "key-0", "0", TGT_NUMKEY);
			draw_text_line(dl, (ui_rect_t){200, 1350, 400, 63}, (ui_rect_t){0, 0, 1080, 1920},
				       "error", FONT_BOLD, 42, C_TEXT, C_BG);
			break;
		case 2:
			draw_text_line(dl, (ui_rect_t){200, 1300, 400, 63}, (ui_rect_t){200, 1300, 300, 63},
				       "clipped", FONT_BOLD, 42, C_TEXT, C_BG);
			break;
		default:
			draw_target(dl, (ui_rect_t){300, 1850, 114, 114}, "key-0", "0", TGT_NUMKEY);
			break;
		}
		before = f->failures;
		snprintf(f->where, sizeof f->where, "self-check: %s (expected)", plants[k].what);
		check_list(f, dl, THEME_DEFAULT, &a);
		found = f->failures - before;
		f->failures = before;
		if (found < plants[k].n)
			fprintf(stderr, "the checker missed: %s\n", plants[k].what);
		assert_true(found >= plants[k].n);
	}
}

/* Stacked diacritics fit the line box: the tallest glyphs' top is within the
 * font's ascent and the ascent+descent within 1.5 em. */
static void test_stacked_marks(void **state)
{
	fx_t *f = *state;
	static const uint32_t tall[] = {0x1EBE, 0x1ED8, 0x1EEE, 0x1EA8, 0x1EB4, 0x1EC4, 0x1ED6};
	for (int id = 0; id < FONT_COUNT; id++)
		for (int px = 36; px <= 180; px += 6) {
			TTF_Font *font = fonts_get(f->fonts, (font_id_t)id, px);
			assert_non_null(font);
			int asc = TTF_FontAscent(font), desc = TTF_FontDescent(font);
			assert_true(asc - desc <= (px * 3) / 2 + 1);
			for (size_t i = 0; i < sizeof tall / sizeof tall[0]; i++) {
				int minx, maxx, miny, maxy, adv;
				assert_true(TTF_GlyphIsProvided32(font, tall[i]));
				assert_int_equal(TTF_GlyphMetrics32(font, tall[i], &minx, &maxx, &miny,
								    &maxy, &adv), 0);
				assert_true(maxy <= asc);
			}
		}
}

/* Every translation is NFC and every code point has a glyph. */
static void test_glyph_coverage(void **state)
{
	fx_t *f = *state;
	TTF_Font *font = fonts_get(f->fonts, FONT_REGULAR, 42);
	/* Every precomposed Vietnamese letter, both cases. */
	for (uint32_t cp = 0x1EA0; cp <= 0x1EF9; cp++)
		assert_true(TTF_GlyphIsProvided32(font, cp));
	static const uint32_t more[] = {0xC0, 0xC1, 0xC2, 0xC3, 0xC8, 0xC9, 0xCA, 0xCC, 0xCD, 0xD2,
					0xD3, 0xD4, 0xD5, 0xD9, 0xDA, 0xDD, 0x102, 0x103, 0x110,
					0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		assert_true(TTF_GlyphIsProvided32(font, more[i]));
}

/* A storage fault is told as such on the citizen's screen (not as a printer
 * fault), in both languages, and lays out like every other screen. */
static bool has_line_of(const drawlist_t *dl, const char *msg)
{
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		size_t n = c->kind == DC_TEXT && c->text ? strlen(c->text) : 0;
		if (n >= 8 && strncmp(msg, c->text, n) == 0)
			return true;
	}
	return false;
}

static void test_storage_words(void **state)
{
	fx_t *f = *state;
	static const int rcs[] = {KIOSK_ENOSPC, KIOSK_EROFS, KIOSK_ECORRUPT, KIOSK_EIO};
	static const char *const keys[] = {"ui.storage_full", "ui.storage_readonly", "ui.storage_damaged",
					   "ui.storage_error"};
	for (int l = 0; l < LANG_COUNT; l++)
		for (size_t k = 0; k < sizeof rcs / sizeof rcs[0]; k++) {
			session_t *s = session_create(f->cat, &f->cfg, &f->clock, NULL);
			assert_non_null(s);
			session_pose_t pose = {SCR_PRINTER_ERROR, -1, 0, (lang_t)l, false, false};
			session_pose(s, &pose);
			s->result.rc = rcs[k];
			s->result.printer = PRINTER_OK;
			s->result.voided = false;
			s->result.number[0] = 0;
			s->result.storage_fault = true;
			screen_ctx_t c = {.s = s, .cat = f->cat, .cfg = &f->cfg, .tr = f->tr, .fonts = f->fonts,
					  .w = 1080, .h = 1920};
			snprintf(f->where, sizeof f->where, "printer-error %s %s", keys[k], l ? "en" : "vi");
			screens_build(&f->dl, &c);
			a11y_t a;
			a11y_compute(&a, f->cfg.panel_diagonal_in, f->cfg.panel_width, f->cfg.panel_height, 100);
			check_list(f, &f->dl, screens_theme(s), &a);
			const char *want = i18n_get(f->tr, (lang_t)l, keys[k]);
			assert_true(i18n_has(f->tr, keys[k]));
			if (!has_line_of(&f->dl, want)) {
				fprintf(stderr, "%s: \"%s\" not on the screen\n", f->where, want);
				f->failures++;
			}
			if (has_line_of(&f->dl, i18n_get(f->tr, (lang_t)l, "ui.printer_failed"))) {
				fprintf(stderr, "%s: a storage fault shown as a printer fault\n", f->where);
				f->failures++;
			}
			session_destroy(s);
		}
	assert_int_equal(f->failures, 0);
}

/* ---- the wall board ---------------------------------------------------- */

/* A 43" 16:9 TV: the panel is ~952 mm wide for 1920 px. */
#define BOARD_MM_PER_PX (952.0 / 1920.0)
#define BOARD_NUMBER_MIN_MM 67.0 /* 1 inch a 10 feet, at 8 m */
#define BOARD_TEXT_MIN_MM 23.0   /* 1 inch a 30 feet, at 8 m */

/* Height in mm of a capital (or a digit) at this font and size: the tallest
 * of "H", "0" and the text's first letter, as drawn. */
static double cap_mm(fx_t *f, font_id_t id, int px)
{
	TTF_Font *font = fonts_get(f->fonts, id, px);
	assert_non_null(font);
	int maxy = 0;
	for (const char *c = "H0"; *c; c++) {
		int minx, maxx, miny, my, adv;
		assert_int_equal(TTF_GlyphMetrics32(font, (uint32_t)*c, &minx, &maxx, &miny, &my, &adv), 0);
		if (my > maxy)
			maxy = my;
	}
	return maxy * BOARD_MM_PER_PX;
}

static const dc_t *text_of(const drawlist_t *dl, const char *s)
{
	for (int i = 0; i < dl->n; i++)
		if (dl->cmds[i].kind == DC_TEXT && strcmp(dl->cmds[i].text, s) == 0)
			return &dl->cmds[i];
	return NULL;
}

/* The board's own rules on one draw list. */
static void check_board(fx_t *f, const drawlist_t *dl, const board_t *b, bool lost, lang_t l)
{
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind != DC_TEXT || c->font == FONT_ICON)
			continue;
		bool number = b->have && b->snap.ncalls > 0 && strcmp(c->text, b->snap.calls[0].number) == 0 &&
			      c->px >= BOARD_NUMBER_MIN_PX;
		double mm = cap_mm(f, c->font, c->px);
		double min = number ? BOARD_NUMBER_MIN_MM : BOARD_TEXT_MIN_MM;
		if (mm < min)
			bad(f, "text \"%s\" %.1f mm tall (%d px), below %.0f mm", c->text, mm, c->px, min);
	}
	if (b->have && b->snap.ncalls > 0) {
		const dc_t *n = text_of(dl, b->snap.calls[0].number);
		if (!n)
			bad(f, "the newest call %s is not on the board", b->snap.calls[0].number);
		else if (cap_mm(f, n->font, n->px) < BOARD_NUMBER_MIN_MM)
			bad(f, "the newest call is %.1f mm tall", cap_mm(f, n->font, n->px));
		/* The calls before it stay visible (people who missed one). */
		for (int k = 1; k < b->snap.ncalls; k++)
			if (!text_of(dl, b->snap.calls[k].number))
				bad(f, "call %s not on the board", b->snap.calls[k].number);
		/* Priority: a word, not colour alone. */
		int want = 0;
		for (int k = 0; k < b->snap.ncalls; k++)
			want += b->snap.calls[k].priority;
		int got = 0;
		const char *word = i18n_get(f->tr, l, "board.priority");
		for (int i = 0; i < dl->n; i++)
			got += dl->cmds[i].kind == DC_TEXT && strcmp(dl->cmds[i].text, word) == 0;
		if (got != want)
			bad(f, "%d priority calls but the word %d times", want, got);
	}
	bool mark = text_of(dl, i18n_get(f->tr, l, "board.lost")) != NULL;
	if (mark != (lost && b->have))
		bad(f, "the lost mark is %s", mark ? "shown while connected" : "missing");
	/* A kiosk asking for staff: named whole (or counted) while the hub is
	 * heard; not claimed while it is lost. */
	if (b->have && b->snap.nhelp) {
		char want[160], n[12];
		snprintf(n, sizeof n, "%d", b->snap.nhelp);
		if (b->snap.nhelp == 1)
			i18n_format(want, sizeof want, i18n_get(f->tr, l, "board.help_one"), "kiosk",
				    b->snap.help[0].kiosk, NULL);
		else
			i18n_format(want, sizeof want, i18n_get(f->tr, l, "board.help_many"), "n", n, NULL);
		bool shown = text_of(dl, want) != NULL;
		if (shown == lost)
			bad(f, "the help call \"%s\" is %s", want, shown ? "shown while the hub is lost" : "missing");
	}
	/* Never blank: a state always says something in its card. */
	if (!b->have && !text_of(dl, i18n_get(f->tr, l, "board.connecting")) &&
	    !has_line_of(dl, i18n_get(f->tr, l, "board.connecting")))
		bad(f, "nothing received and the board does not say it is connecting");
}

static void test_board_screens(void **state)
{
	fx_t *f = *state;
	static const int sizes[2][2] = {{1920, 1080}, {1080, 1920}};
	static board_t b;
	int lists = 0;
	a11y_t a;
	a11y_compute(&a, f->cfg.panel_diagonal_in, f->cfg.panel_width, f->cfg.panel_height, 100);
	for (size_t i = 0; i < board_gallery_state_count; i++)
		for (int o = 0; o < 2; o++)
			for (int th = 0; th < THEME_COUNT; th++)
				for (int l = 0; l < LANG_COUNT; l++) {
					const board_gallery_state_t *st = &board_gallery_states[i];
					int64_t now = 5000000;
					board_gallery_apply(&b, st, now);
					board_screen_t c = {.b = &b, .tr = f->tr, .fonts = f->fonts, .lang = (lang_t)l,
							    .theme = (theme_id_t)th, .now = now,
							    .local_ms = 1767578400000LL,
							    .w = sizes[o][0], .h = sizes[o][1]};
					snprintf(f->where, sizeof f->where, "board %s %s %s %s", st->name,
						 o ? "portrait" : "landscape", theme_name((theme_id_t)th),
						 l ? "en" : "vi");
					board_screen_build(&f->dl, &c);
					check_list(f, &f->dl, (theme_id_t)th, &a);
					check_board(f, &f->dl, &b, board_lost(&b, now), (lang_t)l);
					lists++;
				}
	fprintf(stderr, "board layout: %d draw lists checked, %d problems\n", lists, f->failures);
	assert_int_equal(f->failures, 0);
}

/* The board's checker is not a rubber stamp either: a call drawn small, a
 * list line below the floor, a lost mark missing. */
static void test_board_checker_catches(void **state)
{
	fx_t *f = *state;
	static board_t b;
	board_gallery_apply(&b, &board_gallery_states[1], 5000000); /* connected */
	assert_true(b.have && b.snap.ncalls > 0);
	drawlist_t *dl = &f->dl;
	draw_reset(dl, 1920, 1080);
	draw_fill(dl, (ui_rect_t){0, 0, 1920, 1080}, C_BG);
	draw_text_line(dl, (ui_rect_t){40, 40, 600, 200}, (ui_rect_t){0, 0, 1920, 1080}, b.snap.calls[0].number,
		       FONT_BOLD, 120, C_TEXT, C_BG);                        /* the number at 120 px */
	draw_text_line(dl, (ui_rect_t){40, 400, 600, 80}, (ui_rect_t){0, 0, 1920, 1080}, "Quầy 3", FONT_REGULAR,
		       48, C_TEXT, C_BG);                                    /* a list line at 48 px */
	int before = f->failures;
	snprintf(f->where, sizeof f->where, "board self-check (expected problems)");
	check_board(f, dl, &b, true, LANG_VI);
	int found = f->failures - before;
	f->failures = before;
	/* small number (twice: as text and as the newest call), small line,
	 * missing earlier calls, missing priority word, missing lost mark */
	assert_true(found >= 5);
}

int main(void)
{
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_every_screen),
		cmocka_unit_test(test_stacked_marks),
		cmocka_unit_test(test_glyph_coverage),
		cmocka_unit_test(test_storage_words),
		cmocka_unit_test(test_board_checker_catches),
		cmocka_unit_test(test_board_screens),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
