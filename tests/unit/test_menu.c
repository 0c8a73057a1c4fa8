/* test_menu.c - menu logic without a screen: the PIN screen opens over a
 * citizen's session and wipes it (Ctrl+Alt+M and the corners take this
 * path), not while printing; wrong and right PINs; the staff role cannot
 * reach technician items; typed digits are wiped by a time-out; the
 * offered-procedures switch keeps at least one; the export CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "domain/config.h"
#include "core/kiosk.h"
#include "flow/menu.h"
#include "flow/session.h"
#include "domain/staff.h"

typedef struct {
	char dir[256];
	kclock_virtual_t v;
	kclock_t clk;
	config_t cfg;
	catalog_t *cat;
	session_t *s;
	staff_t *staff;
	menu_t *m;
	int reloads;
} fx_t;

static const char *assets(void)
{
	const char *a = getenv("KIOSK_ASSETS");
	return a ? a : "build/share/kiosk";
}

static int reload(void *ctx)
{
	fx_t *f = ctx;
	char site[512], local[512], err[512];
	snprintf(site, sizeof site, "%s/site.json", assets());
	snprintf(local, sizeof local, "%s/local.json", f->dir);
	f->reloads++;
	return config_load(&f->cfg, site, local, err, sizeof err);
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TESTS_TMP");
	snprintf(f->dir, sizeof f->dir, "%s/menu-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	char p[512], err[512];
	snprintf(p, sizeof p, "%s/site.json", assets());
	if (config_load(&f->cfg, p, NULL, err, sizeof err) != KIOSK_OK)
		return -1;
	snprintf(p, sizeof p, "%s/catalog.json", assets());
	if (catalog_load(p, &f->cat, err, sizeof err) != KIOSK_OK)
		return -1;
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms);
	f->v.mono_ms = 1000;
	f->v.trusted = true;
	kclock_virtual(&f->clk, &f->v);
	f->s = session_create(f->cat, &f->cfg, &f->clk, NULL);
	if (!f->s || staff_open(f->dir, &f->clk, 1000, &f->staff, err, sizeof err) != KIOSK_OK ||
	    staff_set_pin(f->staff, STAFF_STAFF, "482913") != KIOSK_OK ||
	    staff_set_pin(f->staff, STAFF_TECH, "73910264") != KIOSK_OK)
		return -1;
	menu_env_t env = {.data_dir = f->dir, .cat = f->cat, .cfg = &f->cfg, .staff = f->staff,
			  .clock = &f->clk, .reload_config = reload, .ctx = f};
	f->m = menu_create(&env);
	menu_plug(f->m, f->s);
	*state = f;
	return f->m ? 0 : -1;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	session_plug(f->s, NULL);
	menu_destroy(f->m);
	session_destroy(f->s);
	staff_close(f->staff);
	catalog_free(f->cat);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void type(fx_t *f, const char *digits)
{
	for (const char *d = digits; *d; d++)
		session_key_char(f->s, *d);
}

static void test_open_wipes_citizen(void **state)
{
	fx_t *f = *state;
	session_t *s = f->s;
	assert_true(session_tap(s, "start"));
	assert_int_equal(s->screen, SCR_GROUPS);
	snprintf(s->values[0], sizeof s->values[0], "Nguyễn Văn An");
	menu_open_pin(f->m, s);
	assert_int_equal(s->screen, SCR_PIN);
	assert_string_equal(s->values[0], "");
	/* Not while a ticket prints. */
	session_reset(s);
	s->screen = SCR_PRINTING;
	s->print_pending = true;
	menu_open_pin(f->m, s);
	assert_int_equal(s->screen, SCR_PRINTING);
}

static void test_pins_and_roles(void **state)
{
	fx_t *f = *state;
	session_t *s = f->s;
	menu_open_pin(f->m, s);
	type(f, "000000");
	session_key_special(s, SKEY_RETURN);
	assert_int_equal(s->screen, SCR_PIN);
	assert_string_equal(f->m->msg_key, "menu.pin_wrong");
	assert_string_equal(f->m->entry, ""); /* wiped after every answer */
	/* Letters typed on the PIN screen are ignored. */
	session_key_char(s, 'a');
	assert_string_equal(f->m->entry, "");
	type(f, "482913");
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_STAFF_MENU);
	assert_int_equal(f->m->role, STAFF_STAFF);
	/* Technician items are not there for staff. */
	assert_false(session_tap(s, "menu-update"));
	assert_false(session_tap(s, "menu-reset"));
	assert_false(session_tap(s, "menu-export"));
	assert_int_equal(f->m->view, MV_HOME);
	assert_true(session_tap(s, "menu-clock"));
	assert_int_equal(f->m->view, MV_CLOCK);
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "back"));
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_int_equal(f->m->role, STAFF_NONE);
	/* The technician PIN opens the technician menu. */
	menu_open_pin(f->m, s);
	type(f, "73910264");
	session_key_special(s, SKEY_RETURN);
	assert_int_equal(s->screen, SCR_TECH_MENU);
	assert_true(session_tap(s, "menu-reset"));
	assert_int_equal(f->m->view, MV_RESET);
}

/* Reprint: the typed ticket number is what the field holds, whether the
 * letter is tapped or typed, before or after the digits ("B011"). */
/* The updater's failure records become words of the translation files,
 * with the pair and version read off them; odd records stay harmless. */
static void test_failure_words(void **state)
{
	(void)state;
	static const struct { const char *raw, *key, *type, *version; } cases[] = {
		{"app 1.4.0 did not pass its health check after 3 starts; rolled back to 1.3.2",
		 "menu.fail_health", "app", "1.4.0"},
		{"data 2026.11.2 never passed its health check and there is no good slot to roll "
		 "back to", "menu.fail_no_good", "data", "2026.11.2"},
		{"app 1.4.0: the install did not complete", "menu.fail_incomplete", "app", "1.4.0"},
		{"data 3: rolled back by a technician", "menu.fail_rollback", "data", "3"},
		{"app 1.4.0: rolled back from the technician menu", "menu.fail_rollback", "app", "1.4.0"},
		{"/etc/passwd <b>", "menu.fail_other", "", ""},
		{"app ../../x{y}", "menu.fail_other", "app", ""},
	};
	char type[8], version[40];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *k = menu_failure_key(cases[i].raw, type, sizeof type, version, sizeof version);
		assert_non_null(k);
		assert_string_equal(k, cases[i].key);
		assert_string_equal(type, cases[i].type);
		assert_string_equal(version, cases[i].version);
	}
	assert_null(menu_failure_key("", type, sizeof type, version, sizeof version));
}

static void test_reprint_entry(void **state)
{
	fx_t *f = *state;
	session_t *s = f->s;
	menu_open_pin(f->m, s);
	type(f, "482913");
	session_key_special(s, SKEY_RETURN);
	assert_true(session_tap(s, "menu-reprint"));
	assert_true(session_tap(s, "key-0"));
	assert_true(session_tap(s, "series-B"));
	assert_true(session_tap(s, "key-1"));
	assert_true(session_tap(s, "key-1"));
	assert_int_equal(f->m->series, 'B');
	assert_string_equal(f->m->entry, "011");
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "menu-reprint"));
	type(f, "B011"); /* a USB keyboard */
	assert_int_equal(f->m->series, 'B');
	assert_string_equal(f->m->entry, "011");
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "menu-reprint"));
	type(f, "0c11"); /* digit first, lower-case letter */
	assert_int_equal(f->m->series, 'C');
	assert_string_equal(f->m->entry, "011");
	type(f, "Q"); /* not a series of the catalogue: nothing changes */
	assert_int_equal(f->m->series, 'C');
}

static void test_timeout_wipes(void **state)
{
	fx_t *f = *state;
	session_t *s = f->s;
	menu_open_pin(f->m, s);
	type(f, "4829");
	assert_string_equal(f->m->entry, "4829");
	int64_t d = session_next_deadline(s);
	assert_true(d > 0);
	kclock_virtual_advance(&f->v, d - f->v.mono_ms);
	session_tick(s);
	assert_true(s->warning);
	kclock_virtual_advance(&f->v, session_next_deadline(s) - f->v.mono_ms);
	session_tick(s);
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_string_equal(f->m->entry, "");
}

static void test_toggle_procs(void **state)
{
	fx_t *f = *state;
	size_t n = catalog_proc_count(f->cat);
	assert_true(n >= 2);
	const char *first = catalog_proc_at(f->cat, 0)->id;
	assert_true(config_offers(&f->cfg, first));
	assert_int_equal(menu_toggle_proc(f->m, first), KIOSK_OK);
	assert_false(config_offers(&f->cfg, first));
	assert_int_equal(menu_toggle_proc(f->m, first), KIOSK_OK);
	assert_true(config_offers(&f->cfg, first));
	assert_int_equal(menu_toggle_proc(f->m, "no-such-procedure"), KIOSK_EINVAL);
	/* Withdraw all but the last: the last one stays. */
	for (size_t i = 0; i + 1 < n; i++)
		assert_int_equal(menu_toggle_proc(f->m, catalog_proc_at(f->cat, i)->id), KIOSK_OK);
	const char *last = catalog_proc_at(f->cat, n - 1)->id;
	assert_int_equal(menu_toggle_proc(f->m, last), KIOSK_EINVAL);
	assert_true(config_offers(&f->cfg, last));
}

static void test_export(void **state)
{
	fx_t *f = *state;
	int files = -1;
	char err[256];
	menu_env_t e = f->m->env;
	char exp[300];
	snprintf(exp, sizeof exp, "%s/missing-stick", f->dir);
	e.export_dir = exp;
	assert_int_equal(menu_export(&e, &files, err, sizeof err), KIOSK_ENODEV);
	assert_int_equal(files, 0);
	assert_non_null(strstr(err, "no stick"));
	snprintf(exp, sizeof exp, "%s/stick", f->dir);
	assert_int_equal(mkdir(exp, 0755), 0);
	/* No ledger yet: the header alone, with the BOM. */
	assert_int_equal(menu_export(&e, &files, err, sizeof err), KIOSK_OK);
	assert_int_equal(files, 2);
	char p[400];
	snprintf(p, sizeof p, "%s/kiosk-export-20260105/daily-statistics.csv", exp);
	FILE *fp = fopen(p, "rb");
	assert_non_null(fp);
	char buf[256] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_string_equal(buf, "\xEF\xBB\xBF" "date,series,printed,voided,reprints\r\n");
	/* and the office queue's figures: the header alone too */
	snprintf(p, sizeof p, "%s/kiosk-export-20260105/queue-statistics.csv", exp);
	fp = fopen(p, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\xEF\xBB\xBF" "date,group,counter,issued,called,served,no_show,"));
	assert_non_null(strstr(buf, "service_p90_min,rated_very_satisfied,rated_satisfied,rated_not_satisfied\r\n"));
}

/* The office queue's settings: each change written to local.json and read
 * back; a counter's last group and a full range refused; storage that cannot
 * be written refuses the change and nothing changes. */
static void test_queue_settings(void **state)
{
	fx_t *f = *state;
	menu_env_t *e = &f->m->env;
	int id = 0;
	assert_int_equal(menu_q_counter_add(e, &id), KIOSK_OK);
	assert_int_equal(id, 1);
	assert_int_equal(reload(f), KIOSK_OK);
	assert_int_equal(menu_q_counter_add(e, &id), KIOSK_OK);
	assert_int_equal(id, 2);
	assert_int_equal(reload(f), KIOSK_OK);
	assert_int_equal(f->cfg.counters_count, 2);
	int ng = f->cfg.counters[0].group_count;
	assert_true(ng >= 2);
	/* groups off down to the last one, which stays */
	const char *first = f->cfg.counters[0].groups[0];
	char keep[32];
	snprintf(keep, sizeof keep, "%s", first);
	while (f->cfg.counters[0].group_count > 1) {
		assert_int_equal(menu_q_counter_group(e, 1, f->cfg.counters[0].groups[1]), KIOSK_OK);
		assert_int_equal(reload(f), KIOSK_OK);
	}
	assert_int_equal(menu_q_counter_group(e, 1, keep), KIOSK_EINVAL);
	assert_int_equal(menu_q_counter_group(e, 1, "no-such-group"), KIOSK_ENOENT);
	assert_int_equal(menu_q_counter_group(e, 9, keep), KIOSK_ENOENT);
	/* the PIN goes with the counter */
	assert_int_equal(staff_counter_set_pin(f->staff, 2, "582046"), KIOSK_OK);
	assert_int_equal(menu_q_counter_remove(e, 2), KIOSK_OK);
	assert_int_equal(reload(f), KIOSK_OK);
	assert_int_equal(f->cfg.counters_count, 1);
	assert_false(staff_counter_has_pin(f->staff, 2));
	/* steps stop at the ends of their ranges */
	int rpp = f->cfg.queue_regular_per_priority;
	assert_int_equal(menu_q_step(e, "queue.regular_per_priority", +1), KIOSK_OK);
	assert_int_equal(reload(f), KIOSK_OK);
	assert_int_equal(f->cfg.queue_regular_per_priority, rpp + 1);
	for (int i = 0; i < 30 && menu_q_step(e, "voice.repeat", -1) == KIOSK_OK; i++)
		assert_int_equal(reload(f), KIOSK_OK);
	assert_int_equal(f->cfg.voice_repeat, 0);
	assert_int_equal(menu_q_step(e, "voice.repeat", -1), KIOSK_ERANGE);
	assert_int_equal(menu_q_step(e, "office.name", 1), KIOSK_EINVAL);
	/* a data folder that cannot be written: refused, nothing changes */
	config_t before = f->cfg;
	char file[300];
	snprintf(file, sizeof file, "%s/not-a-folder", f->dir);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	menu_env_t bad = *e;
	bad.data_dir = file;
	assert_int_not_equal(menu_q_counter_add(&bad, &id), KIOSK_OK);
	assert_int_not_equal(menu_q_step(&bad, "voice.volume", -1), KIOSK_OK);
	assert_int_not_equal(menu_q_counter_remove(&bad, 1), KIOSK_OK);
	assert_int_equal(reload(f), KIOSK_OK);
	assert_memory_equal(&before, &f->cfg, sizeof before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_wipes_citizen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pins_and_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_entry, setup, teardown),
		cmocka_unit_test(test_failure_words),
		cmocka_unit_test_setup_teardown(test_timeout_wipes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_toggle_procs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_settings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
