/* test_welcome.c - what Welcome, the group and procedure lists and the
 * priority screen say, checked on the draw lists the renderer runs: Welcome
 * shows the four steps, today's hours (or that today is a day off) and which
 * language is on; each group and procedure card carries its pictogram (drawn
 * from the icon font inside the card) and its everyday words, and a catalog
 * or an install without them still lays out; the priority buttons say what
 * they print, and the screen says so before the buttons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "domain/catalog.h"
#include "domain/config.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "ui/screens.h"
#include "flow/session.h"
#include "flow/session_pose.h"

typedef struct {
	catalog_t *cat;
	i18n_t *tr;
	config_t cfg;
	fonts_t *fonts;
	kclock_virtual_t v;
	kclock_t clock;
	drawlist_t dl;
	char joined[16384];
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
	assert_string_equal(fonts_problem(f->fonts, NULL), "");
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms); /* a Monday */
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

/* Build one screen; f->joined gets every text line, joined by spaces (the
 * lines ui_text wrapped at spaces read as the original again). */
static void build(fx_t *f, const catalog_t *cat, fonts_t *fonts, screen_t scr, lang_t lang,
		  bool portrait, bool big)
{
	session_t *s = session_create(cat, &f->cfg, &f->clock, NULL);
	assert_non_null(s);
	session_pose_t pose = {scr, -1, 0, lang, false, big};
	session_pose(s, &pose);
	screen_ctx_t c = {.s = s, .cat = cat, .cfg = &f->cfg, .tr = f->tr, .fonts = fonts,
			  .w = portrait ? 1080 : 1920, .h = portrait ? 1920 : 1080};
	screens_build(&f->dl, &c);
	session_destroy(s);
	f->joined[0] = '\0';
	for (int i = 0; i < f->dl.n; i++) {
		const dc_t *d = &f->dl.cmds[i];
		if (d->kind != DC_TEXT || d->font == FONT_ICON)
			continue;
		size_t n = strlen(f->joined);
		snprintf(f->joined + n, sizeof f->joined - n, "%s%s", n ? " " : "", d->text);
	}
}

static const char *tr(fx_t *f, lang_t l, const char *key)
{
	assert_true(i18n_has(f->tr, key));
	return i18n_get(f->tr, l, key);
}

static void assert_shows(fx_t *f, const char *what)
{
	if (!strstr(f->joined, what))
		fail_msg("\"%s\" is not on the screen; it shows: %s", what, f->joined);
}

/* The fill drawn for a target (the last fill with exactly its rectangle). */
static int fill_of(const drawlist_t *dl, const dc_t *t)
{
	int role = -1;
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind == DC_FILL && c->r.x == t->r.x && c->r.y == t->r.y && c->r.w == t->r.w &&
		    c->r.h == t->r.h)
			role = (int)c->fg;
	}
	return role;
}

static void test_welcome_steps_hours_language(void **state)
{
	fx_t *f = *state;
	for (int l = 0; l < LANG_COUNT; l++)
		for (int o = 0; o < 2; o++)
			for (int big = 0; big < 2; big++) {
				build(f, f->cat, f->fonts, SCR_WELCOME, (lang_t)l, o, big);
				assert_shows(f, tr(f, (lang_t)l, "ui.steps_title"));
				for (int k = 1; k <= 4; k++) {
					char key[32];
					snprintf(key, sizeof key, "ui.step_%d", k);
					assert_shows(f, tr(f, (lang_t)l, key));
				}
				/* Monday in the shipped hours. */
				char want[256];
				i18n_format(want, sizeof want, tr(f, (lang_t)l, "ui.today_hours"), "day",
					    tr(f, (lang_t)l, "ui.day_mon"), "hours",
					    "07:30–11:30, 13:30–17:00", NULL);
				assert_shows(f, want);
				assert_shows(f, tr(f, (lang_t)l, "ui.start"));
				assert_shows(f, tr(f, (lang_t)l, "ui.welcome_privacy"));
				/* The language in use is drawn "on", the other not. */
				const dc_t *on = draw_find_target(&f->dl, l == LANG_EN ? "lang-en" : "lang-vi");
				const dc_t *off = draw_find_target(&f->dl, l == LANG_EN ? "lang-vi" : "lang-en");
				assert_non_null(on);
				assert_non_null(off);
				assert_int_equal(fill_of(&f->dl, on), C_PRIMARY_BG);
				assert_int_equal(fill_of(&f->dl, off), C_BTN_BG);
				/* The steps use the screen: the lowest text is in its
				 * lower half (the empty half is gone). */
				int low = 0;
				for (int i = 0; i < f->dl.n; i++)
					if (f->dl.cmds[i].kind == DC_TEXT &&
					    f->dl.cmds[i].r.y + f->dl.cmds[i].r.h > low)
						low = f->dl.cmds[i].r.y + f->dl.cmds[i].r.h;
				assert_true(low > f->dl.h / 2);
			}
	/* A day off (the shipped hours have none on Sunday) says so. */
	int64_t keep = f->v.now_ms;
	kclock_parse_iso("2026-01-04T09:00:00+07:00", &f->v.now_ms);
	for (int l = 0; l < LANG_COUNT; l++) {
		build(f, f->cat, f->fonts, SCR_WELCOME, (lang_t)l, true, false);
		char want[256];
		i18n_format(want, sizeof want, tr(f, (lang_t)l, "ui.today_closed"), "day",
			    tr(f, (lang_t)l, "ui.day_sun"), NULL);
		assert_shows(f, want);
	}
	f->v.now_ms = keep;
}

/* Each card: its target, at most one pictogram inside it (icon font), its
 * words inside it; no text overlaps another. Returns the cards; *nicons gets
 * the pictograms drawn. */
static int check_cards(fx_t *f, int *nicons)
{
	*nicons = 0;
	int cards = 0;
	for (int i = 0; i < f->dl.n; i++) {
		const dc_t *t = &f->dl.cmds[i];
		if (t->kind != DC_TARGET || !(t->flags & TGT_CHOICE))
			continue;
		cards++;
		int icons = 0;
		for (int k = 0; k < f->dl.n; k++) {
			const dc_t *c = &f->dl.cmds[k];
			if (c->kind != DC_TEXT || !rect_overlap(c->r, t->r))
				continue;
			if (!rect_inside(c->r, t->r))
				fail_msg("text \"%s\" leaves its card %s", c->text, t->text);
			if (c->font == FONT_ICON)
				icons++;
		}
		assert_true(icons <= 1);
		*nicons += icons;
	}
	for (int i = 0; i < f->dl.n; i++)
		for (int k = i + 1; k < f->dl.n; k++)
			if (f->dl.cmds[i].kind == DC_TEXT && f->dl.cmds[k].kind == DC_TEXT &&
			    rect_overlap(f->dl.cmds[i].r, f->dl.cmds[k].r))
				fail_msg("texts \"%s\" and \"%s\" overlap", f->dl.cmds[i].text,
					 f->dl.cmds[k].text);
	return cards;
}

static void test_cards_icons_and_plain_words(void **state)
{
	fx_t *f = *state;
	for (int l = 0; l < LANG_COUNT; l++)
		for (int o = 0; o < 2; o++) {
			int icons;
			build(f, f->cat, f->fonts, SCR_GROUPS, (lang_t)l, o, false);
			int n = check_cards(f, &icons);
			assert_true(n >= 1);
			assert_int_equal(icons, n);
			/* The cards on the first page show their groups' words. */
			for (size_t g = 0; g < (size_t)n; g++)
				assert_shows(f, catalog_group_at(f->cat, g)->plain[l]);
			build(f, f->cat, f->fonts, SCR_PROCEDURES, (lang_t)l, o, true);
			n = check_cards(f, &icons);
			assert_true(n >= 1);
			assert_int_equal(icons, n);
		}
	build(f, f->cat, f->fonts, SCR_GROUPS, LANG_VI, true, false);
	assert_shows(f, "Giấy khai sinh, kết hôn, khai tử");
	assert_shows(f, "Sổ đỏ, đất đai");
}

/* A catalog with neither icons nor everyday words lays out as name-only
 * cards, and so does an install whose icon font is missing. */
static void test_cards_without_icons(void **state)
{
	fx_t *f = *state;
	static const char *bare =
		"{ \"version\": 1, \"link_template\": \"https://example.vn/p?c={code}\",\n"
		"  \"groups\": [ { \"id\": \"ho-tich\", \"letter\": \"A\", \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } },\n"
		"    { \"id\": \"dat-dai\", \"letter\": \"C\", \"name\": { \"vi\": \"Đất đai\", \"en\": \"Land\" },\n"
		"      \"icon\": \"landscape\" } ],\n"
		"  \"procedures\": [ { \"id\": \"khai-sinh\", \"group\": \"ho-tich\", \"code\": \"1.001193\",\n"
		"      \"name\": { \"vi\": \"Đăng ký khai sinh\", \"en\": \"Birth registration\" }, \"docs\": [] },\n"
		"    { \"id\": \"dat\", \"group\": \"dat-dai\", \"code\": \"1.013978\",\n"
		"      \"name\": { \"vi\": \"Đất\", \"en\": \"Land\" }, \"docs\": [] } ] }\n";
	catalog_t *cat = NULL;
	char err[512];
	assert_int_equal(catalog_load_text("bare.json", bare, strlen(bare), &cat, err, sizeof err),
			 KIOSK_OK);
	config_t keep = f->cfg;
	f->cfg.office_procedures_count = 0; /* all offered */
	int icons;
	for (int o = 0; o < 2; o++) {
		build(f, cat, f->fonts, SCR_GROUPS, LANG_VI, o, o);
		assert_int_equal(check_cards(f, &icons), 2);
		assert_int_equal(icons, 1); /* only "dat-dai" names one */
		assert_shows(f, "Hộ tịch");
		assert_shows(f, "Đất đai");
	}
	/* An install without the icon font: words only, no icon drawn. */
	char dir[600], cmd[4096];
	const char *tmp = getenv("TESTS_TMP") ? getenv("TESTS_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%.500s/test_welcome.%d", tmp, (int)getpid());
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp -R '%s/fonts' '%s/' && rm '%s/fonts/"
		 "MaterialIcons-Regular.ttf'", dir, dir, assets(), dir, dir);
	assert_int_equal(system(cmd), 0);
	fonts_t *plain = NULL;
	assert_int_equal(fonts_open(dir, &plain, err, sizeof err), KIOSK_OK);
	assert_false(fonts_have_icons(plain));
	const char *file = NULL;
	assert_non_null(strstr(fonts_problem(plain, &file), "MaterialIcons-Regular.ttf"));
	assert_string_equal(file, "MaterialIcons-Regular.ttf");
	for (int o = 0; o < 2; o++) {
		build(f, f->cat, plain, SCR_GROUPS, LANG_VI, o, false);
		assert_true(check_cards(f, &icons) >= 1);
		assert_int_equal(icons, 0);
		assert_shows(f, "Sổ đỏ, đất đai");
	}
	fonts_close(plain);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	f->cfg = keep;
	catalog_free(cat);
}

static void test_priority_says_it_prints(void **state)
{
	fx_t *f = *state;
	for (int l = 0; l < LANG_COUNT; l++)
		for (int o = 0; o < 2; o++)
			for (int big = 0; big < 2; big++) {
				build(f, f->cat, f->fonts, SCR_PRIORITY, (lang_t)l, o, big);
				const dc_t *yes = draw_find_target(&f->dl, "priority-yes");
				const dc_t *no = draw_find_target(&f->dl, "priority-no");
				assert_non_null(yes);
				assert_non_null(no);
				assert_string_equal(no->label, tr(f, (lang_t)l, "ui.priority_no"));
				assert_string_equal(yes->label, tr(f, (lang_t)l, "ui.priority_yes"));
				assert_shows(f, tr(f, (lang_t)l, "ui.priority_prints"));
			}
	/* Each label names what the tap does. */
	assert_string_equal(tr(f, LANG_VI, "ui.priority_no"), "Không, in số thường");
	assert_non_null(strstr(tr(f, LANG_VI, "ui.priority_yes"), "in số ưu tiên"));
	assert_non_null(strstr(tr(f, LANG_EN, "ui.priority_no"), "print"));
	assert_non_null(strstr(tr(f, LANG_EN, "ui.priority_yes"), "print"));
}

int main(void)
{
	setenv("SDL_VIDEODRIVER", "dummy", 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_welcome_steps_hours_language),
		cmocka_unit_test(test_cards_icons_and_plain_words),
		cmocka_unit_test(test_cards_without_icons),
		cmocka_unit_test(test_priority_says_it_prints),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
