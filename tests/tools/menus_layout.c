/* menus_layout.c - layout check of every menu screen and view (PIN, staff
 * and technician menus, first boot, updating) in landscape and portrait, at
 * normal and large text, in both languages: every target at least 96 px each way, inside the
 * screen, outside the four corner zones, at least 16 px from every other
 * target, and no draw-list overflow. Prints one line per problem; exit 1
 * when there is any. Usage: menus_layout ASSETS_DIR */
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/a11y.h"
#include "domain/catalog.h"
#include "domain/config.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "flow/menu.h"
#include "ui/screens.h"
#include "flow/session.h"

static int problems;

static void check(const drawlist_t *dl, const a11y_t *a, int w, int h, const char *what)
{
	if (dl->overflow) {
		printf("%s: draw list overflow\n", what);
		problems++;
	}
	ui_rect_t corners[4] = {{0, 0, a->corner, a->corner},
				{w - a->corner, 0, a->corner, a->corner},
				{w - a->corner, h - a->corner, a->corner, a->corner},
				{0, h - a->corner, a->corner, a->corner}};
	for (int i = 0; i < dl->n; i++) {
		const dc_t *t = &dl->cmds[i];
		if (t->kind == DC_TEXT && (strncmp(t->text, "menu.", 5) == 0 ||
					   strncmp(t->text, "ui.", 3) == 0 ||
					   strncmp(t->text, "kb.", 3) == 0)) {
			printf("%s: untranslated key %s\n", what, t->text);
			problems++;
		}
		if (t->kind == DC_TARGET && strncmp(t->label, "menu.", 5) == 0) {
			printf("%s: untranslated label %s\n", what, t->label);
			problems++;
		}
		if (t->kind == DC_TEXT && !rect_inside(t->r, (ui_rect_t){0, 0, w, h})) {
			printf("%s: text \"%.40s\" off screen\n", what, t->text);
			problems++;
		}
		if (t->kind != DC_TARGET)
			continue;
		if (t->r.w < 96 || t->r.h < 96) {
			printf("%s: target %s is %dx%d\n", what, t->text, t->r.w, t->r.h);
			problems++;
		}
		if (!rect_inside(t->r, (ui_rect_t){0, 0, w, h})) {
			printf("%s: target %s off screen\n", what, t->text);
			problems++;
		}
		for (int c = 0; c < 4; c++)
			if (rect_overlap(t->r, corners[c])) {
				printf("%s: target %s in corner zone %d\n", what, t->text, c);
				problems++;
			}
		for (int j = i + 1; j < dl->n; j++) {
			const dc_t *u = &dl->cmds[j];
			if (u->kind != DC_TARGET)
				continue;
			ui_rect_t g = {t->r.x - a->gap + 1, t->r.y - a->gap + 1, t->r.w + 2 * a->gap - 2,
				       t->r.h + 2 * a->gap - 2};
			if (rect_overlap(g, u->r)) {
				printf("%s: targets %s and %s closer than %d px (y %d+%d, %d+%d)\n",
				       what, t->text, u->text, a->gap, t->r.y, t->r.h, u->r.y, u->r.h);
				problems++;
			}
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: menus_layout ASSETS_DIR\n");
		return 2;
	}
	const char *assets = argv[1];
	char path[1024], err[1024];
	config_t cfg;
	snprintf(path, sizeof path, "%s/site.json", assets);
	catalog_t *cat = NULL;
	i18n_t *tr = NULL;
	fonts_t *fonts = NULL;
	if (config_load(&cfg, path, NULL, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/catalog.json", assets);
	if (catalog_load(path, &cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/i18n", assets);
	if (i18n_load(path, &tr, err, sizeof err) != KIOSK_OK || TTF_Init() != 0 ||
	    fonts_open(assets, &fonts, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "set-up failed: %s\n", err);
		return 2;
	}
	kclock_virtual_t v = {.now_ms = 1767578400000LL, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &v);
	session_t *s = session_create(cat, &cfg, &clk, NULL);
	menu_env_t env = {.data_dir = "/nonexistent", .cat = cat, .cfg = &cfg, .clock = &clk,
			  .stick_dir = "/run/kiosk/stick"};
	menu_t *m = menu_create(&env);
	drawlist_t *dl = malloc(sizeof *dl);
	if (!s || !m || !dl)
		return 2;
	menu_plug(m, s);
	static const struct { screen_t scr; menu_view_t view; staff_role_t role; } cases[] = {
		{SCR_PIN, MV_HOME, STAFF_NONE}, {SCR_STAFF_MENU, MV_HOME, STAFF_STAFF},
		{SCR_TECH_MENU, MV_HOME, STAFF_TECH}, {SCR_STAFF_MENU, MV_REPRINT, STAFF_STAFF},
		{SCR_STAFF_MENU, MV_PAPER, STAFF_STAFF}, {SCR_STAFF_MENU, MV_CLOCK, STAFF_STAFF},
		{SCR_TECH_MENU, MV_UPDATE, STAFF_TECH}, {SCR_TECH_MENU, MV_VERSIONS, STAFF_TECH},
		{SCR_TECH_MENU, MV_EXPORT, STAFF_TECH}, {SCR_TECH_MENU, MV_OFFICE, STAFF_TECH},
		{SCR_TECH_MENU, MV_PROCS, STAFF_TECH}, {SCR_TECH_MENU, MV_RESET, STAFF_TECH},
		{SCR_TECH_MENU, MV_CALIBRATE, STAFF_TECH}, {SCR_TECH_MENU, MV_HOURS, STAFF_TECH},
		{SCR_FIRST_BOOT, FB_NAME, STAFF_NONE}, {SCR_FIRST_BOOT, FB_STAFF_PIN, STAFF_NONE},
		{SCR_FIRST_BOOT, FB_TECH_PIN2, STAFF_NONE}, {SCR_FIRST_BOOT, FB_CLOCK, STAFF_NONE},
		{SCR_FIRST_BOOT, FB_CLOCK_SET, STAFF_NONE}, {SCR_FIRST_BOOT, FB_PRINTER, STAFF_NONE},
		{SCR_UPDATING, MV_HOME, STAFF_TECH},
		{SCR_TECH_MENU, MV_QUEUE, STAFF_TECH}, {SCR_TECH_MENU, MV_COUNTERS, STAFF_TECH}, {SCR_TECH_MENU, MV_COUNTER, STAFF_TECH},
		{SCR_TECH_MENU, MV_COUNTER_PIN, STAFF_TECH}, {SCR_TECH_MENU, MV_COUNTER_PIN2, STAFF_TECH},
		{SCR_TECH_MENU, MV_POLICY, STAFF_TECH}, {SCR_TECH_MENU, MV_BOARD, STAFF_TECH},
	};
	/* A full page of counters with long names, each serving many groups. */
	for (int i = 0; i < 8; i++) {
		config_counter_t *c = &cfg.counters[i];
		memset(c, 0, sizeof *c);
		c->id = i + 1;
		if (i % 2)
			snprintf(c->name[0], sizeof c->name[0], "Quầy tiếp nhận và trả kết quả số %d", i + 1);
		for (size_t g = 0; g < catalog_group_count(cat) && g < 8; g++)
			snprintf(c->groups[c->group_count++], sizeof c->groups[0], "%s", catalog_group_at(cat, g)->id);
		m->counter_pin[i + 1] = i % 3 == 0;
	}
	cfg.counters_count = 8;
	cfg.voice_quiet = (config_period_t){21 * 60, 6 * 60};
	m->counter = 2;
	static const int sizes[][2] = {{1920, 1080}, {1080, 1920}};
	int checked = 0;
	for (int lang = 0; lang < LANG_COUNT; lang++)
	for (size_t z = 0; z < 2; z++)
		for (int large = 0; large < 2; large++)
			for (int msg = 0; msg < 2; msg++)
				for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
					int w = sizes[z][0], h = sizes[z][1];
					cfg.panel_width = w;
					cfg.panel_height = h;
					s->large_text = large;
					s->lang = (lang_t)lang;
					s->screen = cases[i].scr;
					m->view = cases[i].view;
					m->role = cases[i].role;
					snprintf(m->text, sizeof m->text, "UBND xã Tân Hòa");
					snprintf(m->entry, sizeof m->entry, "%s",
						 cases[i].view == MV_CLOCK ? "202601051030" : "123");
					/* The text views only show short messages. */
					bool text_view = cases[i].view == MV_OFFICE ||
							 cases[i].view == FB_NAME;
					m->msg_key = !msg ? NULL : text_view ? "menu.office_bad"
								       : "menu.update_failed";
					snprintf(m->msg_arg, sizeof m->msg_arg,
						 "bad signature: the bundle was not signed by a known key");
					m->msg_error = true;
					m->percent = 42;
					m->cal_step = msg ? 4 : 1;
					m->ncands = msg ? 2 : 0;
					snprintf(m->cands[0].name, sizeof m->cands[0].name, "app-1.1.0.kiosk");
					snprintf(m->cands[1].name, sizeof m->cands[1].name, "data-2.0.0.kiosk");
					m->nslots = msg ? 4 : 0;
					for (int k = 0; k < 4; k++) {
						snprintf(m->slots[k].type, sizeof m->slots[k].type, "app");
						snprintf(m->slots[k].state, sizeof m->slots[k].state, "good");
					}
					screen_ctx_t c = {.s = s, .menu = m, .cat = cat, .cfg = &cfg, .tr = tr,
							  .fonts = fonts, .w = w, .h = h};
					screens_build(dl, &c);
					a11y_t a;
					a11y_compute(&a, cfg.panel_diagonal_in, w, h, large ? 150 : 100);
					char what[128];
					snprintf(what, sizeof what, "%s %dx%d%s%s %s/%d",
						 lang_code((lang_t)lang), w, h,
						 large ? " large" : "", msg ? " msg" : "",
						 screen_id(cases[i].scr), (int)cases[i].view);
					check(dl, &a, w, h, what);
					checked++;
				}
	printf("menus_layout: %d layouts checked, %d problems\n", checked, problems);
	session_plug(s, NULL);
	menu_destroy(m);
	session_destroy(s);
	free(dl);
	fonts_close(fonts);
	TTF_Quit();
	i18n_free(tr);
	catalog_free(cat);
	return problems ? 1 : 0;
}
