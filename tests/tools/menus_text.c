/* menus_text.c - every word on a staff screen comes from the translation
 * files. Drives the real menu code (flow/menu.c) into its states,
 * including the failures a test machine produces on its own (no stick, no
 * updater root, no clock helper, no printer, wrong entries), draws each
 * state in Vietnamese and English, and checks every text line and button
 * label word by word against the words of that language's
 * the translation files of that language (plus the catalogue's names and the office
 * name). Numbers, dates, ticket numbers, versions and file names with
 * digits are data and pass; a path, an environment variable, an errno
 * string or an English developer message does not, nor a word broken by
 * wrapping (a label too wide for its key). Prints one line per
 * foreign word; exit 1 when there is any. Usage: menus_text ASSETS_DIR */
#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/catalog.h"
#include "domain/config.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "flow/menu.h"
#include "ui/screens.h"
#include "flow/session.h"

#define MAX_WORDS 20000

typedef struct {
	char *w[MAX_WORDS];
	int n;
} vocab_t;

static vocab_t voc[LANG_COUNT];
static int problems, lines_checked;

static void add_word(vocab_t *v, const char *w, size_t n)
{
	if (n == 0 || v->n >= MAX_WORDS)
		return;
	for (int i = 0; i < v->n; i++)
		if (strlen(v->w[i]) == n && memcmp(v->w[i], w, n) == 0)
			return;
	v->w[v->n] = strndup(w, n);
	v->n++;
}

static bool trim_char(char c) { return strchr(".,:;()\"'?!-[]<>", c) != NULL && c; }

/* The words of a text: split on spaces and slashes, outer punctuation cut,
 * {placeholders} dropped. */
static void add_text(vocab_t *v, const char *t)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s", t);
	for (char *tok = strtok(buf, " \n\t/"); tok; tok = strtok(NULL, " \n\t/")) {
		if (tok[0] == '{')
			continue;
		size_t n = strlen(tok);
		while (n && trim_char(tok[n - 1]))
			n--;
		size_t s = 0;
		while (s < n && trim_char(tok[s]))
			s++;
		add_word(v, tok + s, n - s);
		/* "Tệp" in "tệp" positions too: ASCII-lowered copies */
		char low[256];
		size_t k = n - s < sizeof low - 1 ? n - s : sizeof low - 1;
		for (size_t i = 0; i < k; i++)
			low[i] = (char)((tok[s + i] >= 'A' && tok[s + i] <= 'Z') ? tok[s + i] + 32 : tok[s + i]);
		add_word(v, low, k);
	}
}

static void load_lang(const char *assets, lang_t lang)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/i18n/%s", assets, lang_code(lang));
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", dir);
		exit(2);
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		char p[1500];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		FILE *f = fopen(p, "rb");
		if (!f)
			continue;
		static char js[1 << 20];
		size_t len = fread(js, 1, sizeof js - 1, f);
		fclose(f);
		js[len] = '\0';
		cJSON *o = cJSON_Parse(js);
		for (cJSON *it = o ? o->child : NULL; it; it = it->next)
			if (cJSON_IsString(it))
				add_text(&voc[lang], it->valuestring);
		cJSON_Delete(o);
	}
	closedir(d);
}

/* Data, not words: numbers, times, masks, versions, file names with
 * digits (a ticket number "A001", "app-1.1.0.kiosk", "2026-01-05"). */
static bool is_data(const char *w)
{
	if (strchr(w, '/') && strpbrk(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return false; /* a path */
	if (strspn(w, "0123456789_-:/*+.%x") == strlen(w))
		return true;
	if (w[0] >= 'A' && w[0] <= 'Z' && w[1] && strspn(w + 1, "0123456789_") == strlen(w + 1))
		return true; /* a ticket number being typed: "A___", "B01" */
	return strpbrk(w, "0123456789") != NULL && !strchr(w, '_');
}

static bool known(lang_t lang, const char *w, size_t n)
{
	for (int i = 0; i < voc[lang].n; i++)
		if (strlen(voc[lang].w[i]) == n && memcmp(voc[lang].w[i], w, n) == 0)
			return true;
	return false;
}

static void check_line(lang_t lang, const char *line, const char *what)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", line);
	lines_checked++;
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		size_t n = strlen(tok);
		while (n && trim_char(tok[n - 1]))
			n--;
		size_t s = 0;
		while (s < n && trim_char(tok[s]))
			s++;
		if (n == s)
			continue;
		char w[256];
		snprintf(w, sizeof w, "%.*s", (int)(n - s), tok + s);
		if (is_data(w))
			continue;
		/* a single letter: a series key, a keyboard key */
		if (strlen(w) == 1 || known(lang, w, strlen(w)))
			continue;
		/* "giờ/phút": each part a word; "docs/menus.md" is a path */
		bool ok = strchr(w, '/') != NULL && !strchr(w, '.') && !strchr(w, '_');
		for (char *part = w; ok && *part;) {
			size_t k = strcspn(part, "/");
			ok = k <= 1 || known(lang, part, k);
			part += k + (part[k] == '/');
		}
		if (!ok) {
			printf("%s: \"%s\" is not in the %s translations (line \"%.80s\")\n", what, w,
			       lang_code(lang), line);
			problems++;
		}
	}
}

static struct {
	session_t *s;
	menu_t *m;
	catalog_t *cat;
	config_t *cfg;
	i18n_t *tr;
	fonts_t *fonts;
	drawlist_t *dl;
} g;

static void render(const char *what)
{
	for (int lang = 0; lang < LANG_COUNT; lang++) {
		g.s->lang = (lang_t)lang;
		screen_ctx_t c = {.s = g.s, .menu = g.m, .cat = g.cat, .cfg = g.cfg, .tr = g.tr, .fonts = g.fonts,
				  .w = 1920, .h = 1080};
		screens_build(g.dl, &c);
		char w[200];
		snprintf(w, sizeof w, "%s %s", lang_code((lang_t)lang), what);
		for (int i = 0; i < g.dl->n; i++) {
			const dc_t *t = &g.dl->cmds[i];
			if (t->kind == DC_TEXT && t->text)
				check_line((lang_t)lang, t->text, w);
			else if (t->kind == DC_TARGET && t->label)
				check_line((lang_t)lang, t->label, w);
		}
	}
	g.s->lang = LANG_VI;
}

static void tap(const char *t)
{
	if (!menu_tap(g.m, g.s, t))
		printf("note: tap %s not handled on %s/%d\n", t, screen_id(g.s->screen), (int)g.m->view);
}

static void keys(const char *k)
{
	for (; *k; k++)
		menu_key_char(g.m, g.s, *k);
}

/* Open a menu as ROLE at its list of items. */
static void open_menu(staff_role_t role)
{
	menu_wipe(g.m);
	g.m->first_boot = false;
	g.m->role = role;
	g.m->view = MV_HOME;
	session_show(g.s, role == STAFF_TECH ? SCR_TECH_MENU : SCR_STAFF_MENU);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: menus_text ASSETS_DIR\n");
		return 2;
	}
	const char *assets = argv[1];
	char path[1024], err[1024];
	static config_t cfg;
	snprintf(path, sizeof path, "%s/site.json", assets);
	if (config_load(&cfg, path, NULL, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/catalog.json", assets);
	if (catalog_load(path, &g.cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/i18n", assets);
	if (i18n_load(path, &g.tr, err, sizeof err) != KIOSK_OK || TTF_Init() != 0 ||
	    fonts_open(assets, &g.fonts, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "set-up failed: %s\n", err);
		return 2;
	}
	for (int l = 0; l < LANG_COUNT; l++) {
		load_lang(assets, (lang_t)l);
		add_text(&voc[l], cfg.office_name);
		add_text(&voc[l], "UBND xã Tân Hòa");
		for (size_t i = 0; i < catalog_group_count(g.cat); i++)
			add_text(&voc[l], catalog_group_at(g.cat, i)->name[l]);
		for (size_t i = 0; i < catalog_proc_count(g.cat); i++)
			add_text(&voc[l], catalog_proc_at(g.cat, i)->name[l]);
	}
	g.cfg = &cfg;
	kclock_virtual_t v = {.now_ms = 1767578400000LL, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &v);
	char tmp[] = "/tmp/menus-text-XXXXXX";
	if (!mkdtemp(tmp))
		return 2;
	g.s = session_create(g.cat, &cfg, &clk, NULL);
	/* A test machine's own failures: no stick, no updater root, no
	 * clock helper, no printer, no PIN store (staff NULL). */
	menu_env_t env = {.data_dir = tmp, .cat = g.cat, .cfg = &cfg, .clock = &clk,
			  .stick_dir = "/nonexistent/kiosk/stick",
			  .export_dir = "/nonexistent/kiosk/export"};
	g.m = menu_create(&env);
	g.dl = malloc(sizeof *g.dl);
	if (!g.s || !g.m || !g.dl)
		return 2;
	menu_plug(g.m, g.s);

	menu_open_pin(g.m, g.s);
	render("pin");
	keys("000000");
	tap("next");
	render("pin no store");

	open_menu(STAFF_STAFF);
	render("staff home");
	tap("menu-reprint");
	render("reprint");
	tap("next");
	render("reprint nothing typed");
	tap("series-A");
	tap("key-1");
	tap("next");
	render("reprint no printer");
	tap("back");
	tap("menu-paper");
	render("paper");
	tap("back");
	tap("menu-clock");
	render("clock");
	keys("1234");
	render("clock typing");
	tap("next");
	render("clock bad");
	keys("050120261030");
	tap("next");
	render("clock helper fails");
	keys("202601051030");
	tap("next");
	render("clock typed year first (refused)");

	open_menu(STAFF_TECH);
	render("tech home");
	tap("menu-update");
	render("update scan");
	tap("next");
	render("update install");
	open_menu(STAFF_TECH);
	tap("menu-versions");
	render("versions");
	/* The updater's own records of a failure (update/update.c),
	 * as the versions screen shows them. */
	static const char *const failures[] = {
		"app 1.4.0 did not pass its health check after 3 starts; rolled back to 1.3.2",
		"data 2026.11.2 never passed its health check and there is no good slot to roll back to",
		"app 1.4.0: the install did not complete",
		"app 1.4.0: rolled back from the technician menu",
		"data 7: something the menu has no words for",
	};
	for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
		snprintf(g.m->last_failure, sizeof g.m->last_failure, "%s", failures[i]);
		g.m->failure_key = menu_failure_key(g.m->last_failure, g.m->failure_type,
						    sizeof g.m->failure_type, g.m->failure_version,
						    sizeof g.m->failure_version);
		render("versions after a failure");
	}
	tap("rollback");
	tap("rollback");
	render("rollback");
	tap("back");
	tap("menu-export");
	render("export");
	tap("next");
	render("export no stick");
	tap("back");
	tap("menu-office");
	render("office");
	for (int i = 0; i < 40; i++)
		tap("key-backspace");
	tap("next");
	render("office empty");
	tap("back");
	tap("menu-hours");
	render("hours");
	keys("123");
	tap("next");
	render("hours bad");
	tap("back");
	tap("menu-procs");
	render("procs");
	tap("back");
	tap("menu-calibrate");
	render("calibrate");
	tap("back");
	tap("menu-reset");
	render("reset");

	/* The office queue (the configuration is set here: this test has no
	 * reload hook, the menu's writes go to the temporary folder). */
	open_menu(STAFF_TECH);
	tap("menu-queue");
	render("queue");
	tap("menu-counters");
	render("counters none");
	tap("counter-add");
	render("counter added, not reloaded");
	cfg.counters_count = 2;
	cfg.counters[0] = (config_counter_t){.id = 1, .group_count = 1};
	snprintf(cfg.counters[0].groups[0], sizeof cfg.counters[0].groups[0], "ho-tich");
	cfg.counters[1] = (config_counter_t){.id = 2, .group_count = 0};
	snprintf(cfg.counters[1].name[LANG_VI], sizeof cfg.counters[1].name[0], "Quầy một cửa");
	snprintf(cfg.counters[1].name[LANG_EN], sizeof cfg.counters[1].name[0], "One-stop counter");
	add_text(&voc[LANG_VI], "Quầy một cửa");
	add_text(&voc[LANG_EN], "One-stop counter");
	tap("back");
	tap("menu-counters");
	render("counters");
	tap("counter-1");
	render("counter");
	tap("group-ho-tich");
	render("counter's last group");
	tap("counter-remove");
	render("counter remove, confirm");
	tap("counter-pin");
	render("counter pin");
	keys("123456");
	tap("next");
	render("counter pin refused (no store)");
	tap("back");
	tap("back");
	tap("back");
	tap("menu-policy");
	render("policy");
	cfg.queue_regular_per_priority = 0;
	cfg.queue_absent_window = 0;
	render("policy zero");
	tap("back");
	tap("menu-board");
	render("board");
	cfg.voice_volume = 0;
	cfg.voice_repeat = 0;
	cfg.voice_quiet = (config_period_t){21 * 60, 6 * 60};
	render("board muted, quiet hours");
	cfg.counters_count = 0;

	menu_first_boot(g.m, g.s);
	render("first boot name");
	tap("next");
	render("first boot pin (no store)");
	menu_show_progress(g.m, g.s, 42, "verify");
	render("updating");

	printf("menus_text: %d lines checked, %d foreign words\n", lines_checked, problems);
	session_plug(g.s, NULL);
	menu_destroy(g.m);
	session_destroy(g.s);
	free(g.dl);
	fonts_close(g.fonts);
	TTF_Quit();
	i18n_free(g.tr);
	catalog_free(g.cat);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		return 2;
	return problems ? 1 : 0;
}
