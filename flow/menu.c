/* menu.c - the PIN screen, the staff and technician menus and the
 * first-boot set-up (menu.h): what each tap does. Drawing is ui/menus.c. */
#include "flow/menu.h"

#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/mfile.h"
#include "flow/tap.h"

static void set_msg(menu_t *m, const char *key, bool error, const char *arg);
static void bump(session_t *s);
static void read_counter_pins(menu_t *m);

/* After a change to local.json: the kiosk reloads its configuration and
 * applies it at once. When it cannot, it restarts by itself in a few
 * seconds (menu.restarting says so) and the change holds from then on. */
static int reload(menu_t *m)
{
	if (!m->env.reload_config || m->env.reload_config(m->env.ctx) == KIOSK_OK)
		return KIOSK_OK;
	set_msg(m, "menu.restarting", true, NULL);
	return KIOSK_EBUSY;
}

menu_t *menu_create(const menu_env_t *env)
{
	menu_t *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->env = *env;
	if (textfield_init(&m->tf, IME_TONE_OLD, "'-") != KIOSK_OK) {
		free(m);
		return NULL;
	}
	textfield_attach(&m->tf, m->text, sizeof m->text);
	m->eta_ms = -1;
	char path[1200];
	snprintf(path, sizeof path, "%s/touch-calibration.json", env->data_dir ? env->data_dir : ".");
	if (touchcal_load(path, &m->cal) == KIOSK_ECORRUPT)
		log_warn("touch calibration file unreadable: not used");
	return m;
}

static bool calibrating(const menu_t *m, const session_t *s)
{
	return s->screen == SCR_TECH_MENU && m->view == MV_CALIBRATE && m->cal_step < 4;
}

void menu_correct(const menu_t *m, const session_t *s, int *x, int *y)
{
	if (!calibrating(m, s))
		touchcal_apply(&m->cal, x, y);
}

/* A raw press during the 4-point check: near the current cross it counts
 * (and is not a tap); elsewhere it goes on to the buttons. */
static bool calibration_press(menu_t *m, session_t *s, int x, int y, int w, int h)
{
	int ex, ey;
	touchcal_point(w, h, m->cal_step, &ex, &ey);
	if (abs(x - ex) > 150 || abs(y - ey) > 150)
		return false;
	m->cal_rx[m->cal_step] = x;
	m->cal_ry[m->cal_step] = y;
	m->cal_step++;
	session_activity(s);
	if (m->cal_step == 4) {
		int exs[4], eys[4];
		for (int i = 0; i < 4; i++)
			touchcal_point(w, h, i, &exs[i], &eys[i]);
		touchcal_t c;
		char path[1200];
		snprintf(path, sizeof path, "%s/touch-calibration.json", m->env.data_dir);
		if (touchcal_fit(exs, eys, m->cal_rx, m->cal_ry, w, h, &c) != KIOSK_OK) {
			set_msg(m, "menu.cal_bad", true, NULL);
		} else if (touchcal_save(path, &c) != KIOSK_OK) {
			set_msg(m, "menu.cal_save_failed", true, NULL);
		} else {
			m->cal = c;
			char d[96];
			snprintf(d, sizeof d, "x %+.0f px, y %+.0f px, %.3f / %.3f", c.ox, c.oy, c.sx,
				 c.sy);
			set_msg(m, "menu.cal_done", false, d);
			log_info("touch calibration saved: %s", d);
		}
	}
	bump(s);
	return true;
}

void menu_set_tickets(menu_t *m, tickets_t *t)
{
	m->env.tickets = t;
}

void menu_destroy(menu_t *m)
{
	if (!m)
		return;
	menu_wipe(m);
	textfield_fini(&m->tf);
	free(m);
}

bool menu_owns(screen_t scr)
{
	return scr == SCR_PIN || scr == SCR_STAFF_MENU || scr == SCR_TECH_MENU ||
	       scr == SCR_FIRST_BOOT || scr == SCR_UPDATING;
}

static void clear_entry(menu_t *m)
{
	explicit_bzero(m->entry, sizeof m->entry);
}

static void set_msg(menu_t *m, const char *key, bool error, const char *arg)
{
	m->msg_key = key;
	m->msg_arg_key = NULL;
	m->msg_error = error;
	snprintf(m->msg_arg, sizeof m->msg_arg, "%s", arg ? arg : "");
}

const char *menu_printer_key(printer_state_t st)
{
	static const char *const k[PRINTER_STATE_COUNT] = {
		[PRINTER_OK] = "menu.printer_ok", [PRINTER_NEAR_END] = "menu.printer_near_end",
		[PRINTER_PAPER_OUT] = "menu.printer_paper_out",
		[PRINTER_COVER_OPEN] = "menu.printer_cover_open",
		[PRINTER_OFFLINE] = "menu.printer_offline",
		[PRINTER_NO_PRINTER] = "menu.printer_none",
		[PRINTER_NOT_RESPONDING] = "menu.printer_not_responding",
	};
	return (unsigned)st < PRINTER_STATE_COUNT && k[st] ? k[st] : "menu.printer_offline";
}

void menu_format_time(int64_t utc_ms, char *buf, size_t cap)
{
	char iso[40];
	kclock_format_iso(utc_ms, iso, sizeof iso); /* YYYY-MM-DDTHH:MM:SS+07:00 */
	snprintf(buf, cap, "%.2s/%.2s/%.4s %.5s", iso + 8, iso + 5, iso, iso + 11);
}

/* A failure on a staff screen: the message (what to do) is chosen by the
 * error code; the system's or the updater's own words go to kiosk.log only. */
static void set_fail(menu_t *m, const char *key, const char *what, int rc, const char *detail)
{
	set_msg(m, key, true, NULL);
	log_warn("%s: %s%s%s", what, kiosk_strerror(rc), detail && detail[0] ? ": " : "",
		 detail ? detail : "");
}

/* The updater needs its root (KIOSK_ROOT, set by kiosk-launcher) or the
 * board's stick service; a kiosk started by hand has neither. */
static bool updater_here(const menu_t *m)
{
	return m->env.stick_service || (m->env.update_root && m->env.update_root[0]);
}

void menu_wipe(menu_t *m)
{
	clear_entry(m);
	explicit_bzero(m->pin1, sizeof m->pin1);
	if (m->first_boot)
		return; /* set-up keeps its office name until it ends */
	explicit_bzero(m->text, sizeof m->text);
	textfield_reset(&m->tf);
	m->role = STAFF_NONE;
	m->view = MV_HOME;
	m->series = 0;
	m->page = 0;
	m->msg_key = NULL;
	m->confirm = false;
	m->scanned = false;
	m->ncands = 0;
}

static void bump(session_t *s) { session_changed(s); }

/* The paper view shows the printer state queried here, when it opens or is
 * refreshed, never during layout (a USB query per redraw would be I/O in
 * the frame path). */
static void query_paper(menu_t *m)
{
	m->paper = m->env.tickets ? tickets_printer_state(m->env.tickets) : PRINTER_NO_PRINTER;
	m->no_audio = m->env.sound_ready && !m->env.sound_ready(m->env.ctx);
}

void menu_paper_facts(const menu_t *m, menu_paper_facts_t *out)
{
	*out = (menu_paper_facts_t){.storage_error = KIOSK_OK};
	tickets_t *t = m->env.tickets;
	if (!t)
		return;
	out->printer = true;
	out->clock_warning = tickets_clock_warning(t);
	out->day_rewound = tickets_day_rewound(t);
	out->storage_warning = tickets_storage_warning(t);
	char why[320];
	out->storage_error = tickets_storage_error(t, why, sizeof why); /* the kind only: why is not shown */
}

static void to_view(menu_t *m, session_t *s, menu_view_t v)
{
	if (v == MV_PAPER)
		query_paper(m);
	m->view = v;
	m->confirm = false;
	m->msg_key = NULL;
	clear_entry(m);
	bump(s);
	session_activity(s);
}

void menu_open_pin(menu_t *m, session_t *s)
{
	if (s->screen == SCR_PRINTING || menu_owns(s->screen) || s->print_pending)
		return;
	session_reset(s); /* a citizen's answers are gone before the PIN screen */
	menu_wipe(m);
	if (m->env.staff && !staff_configured(m->env.staff)) {
		/* No PINs yet (a window or headless run on a new data folder):
		 * a PIN screen could never open, the set-up can. */
		log_info("no PINs set: the set-up opens instead of the PIN screen");
		menu_first_boot(m, s);
		return;
	}
	session_show(s, SCR_PIN);
}

bool menu_press(menu_t *m, session_t *s, int x, int y, int w, int h, int zone)
{
	if (calibrating(m, s))
		return calibration_press(m, s, x, y, w, h);
	if (m->corners.w != w || m->corners.h != h)
		corners_init(&m->corners, w, h, zone);
	if (!corners_press(&m->corners, x, y, kclock_mono(m->env.clock)))
		return false;
	if (s->screen == SCR_PRINTING || menu_owns(s->screen))
		return false;
	menu_open_pin(m, s);
	return true;
}

void menu_notice(menu_t *m, const char *key, const char *arg)
{
	set_msg(m, key, true, arg);
}

void menu_first_boot(menu_t *m, session_t *s)
{
	menu_wipe(m);
	m->first_boot = true;
	snprintf(m->text, sizeof m->text, "%s", m->env.cfg->office_name);
	snprintf(m->printer_profile, sizeof m->printer_profile, "%s", m->env.cfg->printer_profile);
	textfield_set_mode(&m->tf, KB_LETTERS);
	m->view = FB_NAME;
	session_show(s, SCR_FIRST_BOOT);
}

/* ---- digits --------------------------------------------------------------- */

static size_t entry_max(const menu_t *m)
{
	switch (m->view) {
	case MV_REPRINT: return 3;
	case MV_HOURS: return 16;
	case MV_CLOCK: case FB_CLOCK_SET: return 12; /* YYYYMMDDHHMM */
	default: return STAFF_PIN_MAX;
	}
}

static bool digit_view(const menu_t *m, screen_t scr)
{
	if (scr == SCR_PIN)
		return true;
	switch (m->view) {
	case MV_REPRINT: case MV_CLOCK: case MV_HOURS: case MV_RESET: case FB_STAFF_PIN: case FB_STAFF_PIN2:
	case FB_TECH_PIN: case FB_TECH_PIN2: case FB_CLOCK_SET: case MV_COUNTER_PIN: case MV_COUNTER_PIN2:
		return true;
	default:
		return false;
	}
}

static void add_digit(menu_t *m, session_t *s, char c)
{
	size_t n = strlen(m->entry);
	if (n < entry_max(m) && n < MENU_ENTRY_MAX) {
		m->entry[n] = c;
		m->entry[n + 1] = '\0';
	}
	if (s->screen == SCR_PIN || m->view != MV_REPRINT)
		m->msg_key = NULL;
	bump(s);
}

static void del_digit(menu_t *m, session_t *s)
{
	size_t n = strlen(m->entry);
	if (n)
		m->entry[n - 1] = '\0';
	bump(s);
}

/* ---- the PIN screen ------------------------------------------------------- */

static void pin_submit(menu_t *m, session_t *s)
{
	staff_role_t role = STAFF_NONE;
	int64_t wait = 0;
	int rc = m->env.staff ? staff_check(m->env.staff, m->entry, &role, &wait) : KIOSK_ENOENT;
	clear_entry(m);
	if (rc == KIOSK_OK) {
		m->role = role;
		m->view = MV_HOME;
		m->msg_key = NULL;
		log_info("%s menu opened", role == STAFF_TECH ? "technician" : "staff");
		session_show(s, role == STAFF_TECH ? SCR_TECH_MENU : SCR_STAFF_MENU);
		return;
	}
	if ((rc == KIOSK_EBUSY || rc == KIOSK_EPERM) && wait > 0) {
		char mins[24];
		snprintf(mins, sizeof mins, "%lld", (long long)((wait + 59999) / 60000));
		set_msg(m, "menu.pin_locked", true, mins);
	} else if (!m->env.staff) {
		/* The PIN store could not be read nor set aside. */
		set_msg(m, "menu.pin_store_damaged", true, NULL);
	} else {
		set_msg(m, "menu.pin_wrong", true, NULL);
	}
	bump(s);
}

/* ---- staff items ---------------------------------------------------------- */

static void reprint(menu_t *m, session_t *s)
{
	if (!m->series || !m->entry[0]) {
		set_msg(m, "menu.reprint_need", true, NULL);
		bump(s);
		return;
	}
	char number[8];
	snprintf(number, sizeof number, "%c%03d", m->series, atoi(m->entry));
	clear_entry(m);
	if (!m->env.tickets) {
		set_msg(m, "menu.printer_none", true, NULL);
		bump(s);
		return;
	}
	tickets_result_t r;
	memset(&r, 0, sizeof r);
	int rc = tickets_reprint(m->env.tickets, m->env.cat, number, s->lang, &r);
	if (rc == KIOSK_OK && r.rc == KIOSK_OK) {
		set_msg(m, "menu.reprint_done", false, number);
		log_info("ticket %s reprinted from the staff menu", number);
	} else if (rc == KIOSK_ENOENT || r.rc == KIOSK_ENOENT) {
		set_msg(m, "menu.reprint_unknown", true, number);
	} else {
		set_msg(m, "menu.reprint_failed", true, NULL);
		m->msg_arg_key = menu_printer_key(r.printer);
		log_warn("reprint of %s failed: %s", number, kiosk_strerror(rc ? rc : r.rc));
	}
	bump(s);
}

/* DDMMYYYYHHMM (Vietnam time, day first as people write it: dd/mm/yyyy
 * hh:mm) -> UTC ms. */
static int parse_entry_time(const char *e, int64_t *utc)
{
	if (strlen(e) != 12)
		return KIOSK_EINVAL;
	char iso[32];
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:00+07:00", e + 4, e + 2, e, e + 8,
		 e + 10);
	if (kclock_parse_iso(iso, utc) != KIOSK_OK)
		return KIOSK_EINVAL;
	int year = atoi((char[5]){e[4], e[5], e[6], e[7], 0});
	if (year < 2024 || year > 2099)
		return KIOSK_ERANGE;
	return KIOSK_OK;
}

static bool set_clock(menu_t *m, session_t *s)
{
	int64_t utc;
	int rc = parse_entry_time(m->entry, &utc);
	if (rc != KIOSK_OK) {
		clear_entry(m);
		set_msg(m, "menu.clock_bad", true, NULL);
		bump(s);
		return false;
	}
	rc = m->env.set_clock ? m->env.set_clock(m->env.ctx, utc) : KIOSK_ENOENT;
	if (rc != KIOSK_OK) {
		set_msg(m, "menu.clock_failed", true, NULL);
		log_error("setting the clock failed: %s", kiosk_strerror(rc));
		bump(s);
		return false;
	}
	/* The marker kclock_real trusts for the rest of the local day; written
	 * after the clock was set, so its time stamp is on the new day. */
	char path[1200], iso[40];
	snprintf(path, sizeof path, "%s/clock-set-by-staff", m->env.data_dir);
	kclock_format_iso(utc, iso, sizeof iso);
	char line[64];
	snprintf(line, sizeof line, "%s\n", iso);
	if (mfile_write_atomic(path, line, strlen(line), 0644) != KIOSK_OK)
		log_warn("cannot write the clock marker");
	log_info("clock set by staff to %s", iso);
	clear_entry(m);
	char shown[32];
	menu_format_time(utc, shown, sizeof shown);
	set_msg(m, "menu.clock_done", false, shown);
	bump(s);
	return true;
}

/* ---- technician items ------------------------------------------------------ */

static void scan(menu_t *m, session_t *s)
{
	char err[256] = "";
	int rc = updater_here(m) || !menu_upd_available()
		 ? menu_upd_scan(&m->env, m->cands, MENU_MAX_CANDS, &m->ncands, err, sizeof err)
		 : (m->ncands = 0, KIOSK_ENOENT);
	m->scanned = true;
	for (int i = 0; rc == KIOSK_OK && i < m->ncands; i++)
		if (!m->cands[i].newer && m->cands[i].reason[0])
			log_info("update stick: %s: %s", m->cands[i].name, m->cands[i].reason);
	if (!menu_upd_available())
		set_msg(m, "menu.updater_missing", true, NULL);
	else if (!updater_here(m))
		set_fail(m, "menu.update_not_here", "update scan", KIOSK_ENOENT, "no KIOSK_ROOT");
	else if (rc == KIOSK_ETIMEOUT)
		set_fail(m, "menu.stick_no_answer", "update scan", rc, err);
	else if (rc == KIOSK_ENODEV || rc == KIOSK_ENOENT)
		set_fail(m, "menu.update_no_stick", "update scan", rc, err);
	else if (rc != KIOSK_OK)
		set_fail(m, "menu.update_scan_failed", "update scan", rc, err);
	else if (m->ncands == 0)
		set_msg(m, "menu.update_none", false, NULL);
	else
		m->msg_key = NULL;
	bump(s);
}

typedef struct {
	menu_t *m;
	session_t *s;
} prog_ctx_t;

static void progress(void *user, int percent, const char *phase)
{
	prog_ctx_t *p = user;
	menu_t *m = p->m;
	int64_t now = kclock_mono(m->env.clock);
	m->percent = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	snprintf(m->phase, sizeof m->phase, "%s", phase ? phase : "");
	int64_t spent = now - m->started_mono;
	m->eta_ms = m->percent >= 3 && spent > 0 ? spent * (100 - m->percent) / m->percent : -1;
	bump(p->s);
	if (m->env.redraw)
		m->env.redraw(m->env.ctx);
}

void menu_show_progress(menu_t *m, session_t *s, int percent, const char *phase)
{
	if (s->screen != SCR_UPDATING) {
		m->started_mono = kclock_mono(m->env.clock);
		m->eta_ms = -1;
		session_show(s, SCR_UPDATING);
	}
	prog_ctx_t p = {m, s};
	progress(&p, percent, phase);
}

static void install(menu_t *m, session_t *s, bool reinstall)
{
	prog_ctx_t p = {m, s};
	m->percent = 0;
	m->eta_ms = -1;
	m->phase[0] = '\0';
	m->started_mono = kclock_mono(m->env.clock);
	session_show(s, SCR_UPDATING);
	if (m->env.redraw)
		m->env.redraw(m->env.ctx);
	char msg[256] = "", err[256] = "";
	int rc = updater_here(m) || !menu_upd_available()
		 ? menu_upd_install(&m->env, reinstall, progress, &p, msg, sizeof msg, err, sizeof err)
		 : KIOSK_ENOENT;
	if (rc == KIOSK_OK) {
		set_msg(m, "menu.update_done", false, NULL);
		log_info("update installed from the technician menu: %s", msg);
	} else {
		const char *k = !menu_upd_available() ? "menu.updater_missing"
			: !updater_here(m) ? "menu.update_not_here"
			: rc == KIOSK_ENODEV || rc == KIOSK_ETIMEOUT ? "menu.stick_no_answer"
			: rc == KIOSK_EPERM ? "menu.update_refused"
			: rc == KIOSK_ECORRUPT || rc == KIOSK_EINVAL ? "menu.update_damaged"
			: rc == KIOSK_ENOSPC ? "menu.update_full" : "menu.update_failed";
		set_fail(m, k, "update from the technician menu refused", rc, err);
	}
	m->scanned = false;
	session_show(s, SCR_TECH_MENU);
	m->view = MV_UPDATE;
	bump(s);
}

const char *menu_failure_key(const char *raw, char *type, size_t tlen, char *version,
			     size_t vlen)
{
	if (tlen)
		type[0] = '\0';
	if (vlen)
		version[0] = '\0';
	if (!raw || !raw[0])
		return NULL;
	/* "<app|data> <version>[:] ..." */
	size_t n = strcspn(raw, " ");
	if ((n == 3 && strncmp(raw, "app", 3) == 0) || (n == 4 && strncmp(raw, "data", 4) == 0)) {
		snprintf(type, tlen, "%.*s", (int)n, raw);
		const char *v = raw + n + (raw[n] == ' ');
		size_t k = 0;
		while (v[k] && k + 1 < vlen && k < 39 &&
		       (isalnum((unsigned char)v[k]) || strchr(".+-~_", v[k])))
			k++;
		/* a version is the whole word, starting with a letter or digit */
		if (k && isalnum((unsigned char)v[0]) && strchr(" :;", v[k]))
			snprintf(version, vlen, "%.*s", (int)k, v);
	}
	if (strstr(raw, "never passed its health check"))
		return "menu.fail_no_good";
	if (strstr(raw, "did not pass its health check"))
		return "menu.fail_health";
	if (strstr(raw, "did not complete"))
		return "menu.fail_incomplete";
	if (strstr(raw, "technician"))
		return "menu.fail_rollback";
	return "menu.fail_other";
}

static void load_versions(menu_t *m, session_t *s)
{
	char err[256] = "";
	int rc = updater_here(m) || !menu_upd_available()
		 ? menu_upd_status(&m->env, m->slots, 4, &m->nslots, &m->tries_left, m->last_failure,
				   sizeof m->last_failure, err, sizeof err)
		 : (m->nslots = 0, KIOSK_ENOENT);
	m->failure_key = menu_failure_key(m->last_failure, m->failure_type, sizeof m->failure_type,
					  m->failure_version, sizeof m->failure_version);
	if (!menu_upd_available())
		set_msg(m, "menu.updater_missing", true, NULL);
	else if (!updater_here(m))
		set_fail(m, "menu.update_not_here", "slot states", KIOSK_ENOENT, "no KIOSK_ROOT");
	else if (rc != KIOSK_OK)
		set_fail(m, "menu.versions_failed", "slot states", rc, err);
	bump(s);
}

static void run_helper(const char *helper, const char *verb, const char *dir)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(helper, helper, verb, dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
}

static void export_now(menu_t *m, session_t *s)
{
	int files = 0;
	char err[256] = "";
	int rc = menu_export(&m->env, &files, err, sizeof err);
	if (rc == KIOSK_OK && m->env.stick_service) {
		/* Staged here; the root stick service writes the stick, syncs
		 * and hands it back read-only. */
		rc = menu_svc_export(&m->env, m->env.redraw, m->env.ctx, err, sizeof err);
	} else if (rc == KIOSK_OK && m->env.mount_helper) {
		run_helper(m->env.mount_helper, "unmount", m->env.export_dir);
	}
	if (rc == KIOSK_OK) {
		char n[16];
		snprintf(n, sizeof n, "%d", files);
		set_msg(m, "menu.export_done", false, n);
	} else {
		set_fail(m, rc == KIOSK_ENODEV ? "menu.export_no_stick"
			 : rc == KIOSK_ETIMEOUT ? "menu.stick_no_answer"
			 : rc == KIOSK_ENOSPC ? "menu.export_full"
			 : rc == KIOSK_EROFS || rc == KIOSK_EPERM ? "menu.export_readonly"
			 : "menu.export_failed", "export", rc, err);
	}
	bump(s);
}

static int json_string(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 3)
		return KIOSK_ERANGE;
	out[n++] = '"';
	for (const char *p = in; *p; p++) {
		if (n + 3 >= cap)
			return KIOSK_ERANGE;
		if (*p == '"' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '"';
	out[n] = '\0';
	return KIOSK_OK;
}

void menu_text_display(const menu_t *m, char *buf, size_t cap)
{
	textfield_display(&m->tf, buf, cap);
}

/* Save the office name into the local layer. */
static int save_office(menu_t *m, session_t *s)
{
	textfield_commit(&m->tf);
	char norm[256], json[300], err[512] = "";
	const char *t = m->text;
	while (*t == ' ')
		t++;
	snprintf(norm, sizeof norm, "%s", t);
	size_t len = strlen(norm);
	while (len && norm[len - 1] == ' ')
		norm[--len] = '\0';
	char path[1200];
	config_local_path(m->env.data_dir, path, sizeof path);
	int rc = len ? json_string(norm, json, sizeof json) : KIOSK_EINVAL;
	if (rc == KIOSK_OK)
		rc = config_set_local(path, "office.name", json, err, sizeof err);
	if (rc != KIOSK_OK) {
		set_msg(m, "menu.office_bad", true, NULL);
		bump(s);
		return rc;
	}
	log_info("office name changed from the menu");
	set_msg(m, "menu.saved", false, NULL);
	rc = reload(m);
	bump(s);
	return rc;
}

int menu_toggle_proc(menu_t *m, const char *proc_id)
{
	const catalog_t *cat = m->env.cat;
	const catalog_proc_t *target = catalog_proc_find(cat, proc_id);
	if (!target)
		return KIOSK_EINVAL;
	char json[CONFIG_MAX_PROCS * 40 + 4];
	size_t n = 0;
	int offered = 0;
	json[n++] = '[';
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		bool on = config_offers(m->env.cfg, p->id);
		if (p == target)
			on = !on;
		if (!on)
			continue;
		if (offered >= CONFIG_MAX_PROCS || n + strlen(p->id) + 4 >= sizeof json)
			return KIOSK_ERANGE;
		n += (size_t)snprintf(json + n, sizeof json - n, "%s\"%s\"", offered ? "," : "", p->id);
		offered++;
	}
	if (offered == 0)
		return KIOSK_EINVAL; /* a kiosk must offer something */
	json[n++] = ']';
	json[n] = '\0';
	char path[1200], err[512] = "";
	config_local_path(m->env.data_dir, path, sizeof path);
	int rc = config_set_local(path, "office.procedures", json, err, sizeof err);
	if (rc != KIOSK_OK) {
		log_error("cannot save the offered procedures: %s", err);
		return rc;
	}
	log_info("procedure %s %s from the menu", proc_id, config_offers(m->env.cfg, proc_id) ? "withdrawn"
		 : "offered"); /* m->env.cfg is reloaded below */
	return reload(m);
}

static int hhmm(const char *d)
{
	int h = (d[0] - '0') * 10 + (d[1] - '0'), mi = (d[2] - '0') * 10 + (d[3] - '0');
	return h < 24 && mi < 60 ? h * 60 + mi : -1;
}

static size_t day_json(char *buf, size_t cap, const config_period_t *p, int n)
{
	size_t k = (size_t)snprintf(buf, cap, "[");
	for (int i = 0; i < n && k < cap; i++)
		k += (size_t)snprintf(buf + k, cap - k, "%s[\"%02d:%02d\",\"%02d:%02d\"]", i ? "," : "",
				      p[i].start_min / 60, p[i].start_min % 60, p[i].end_min / 60,
				      p[i].end_min % 60);
	if (k < cap)
		k += (size_t)snprintf(buf + k, cap - k, "]");
	return k;
}

int menu_set_hours(menu_t *m, bool saturday, const char *digits)
{
	size_t n = strlen(digits);
	if (!(n == 8 || n == 16 || (n == 0 && saturday)))
		return KIOSK_EINVAL;
	config_period_t p[2];
	int np = (int)(n / 8);
	for (int i = 0; i < np; i++) {
		p[i].start_min = hhmm(digits + 8 * i);
		p[i].end_min = hhmm(digits + 8 * i + 4);
		if (p[i].start_min < 0 || p[i].end_min < 0 || p[i].start_min >= p[i].end_min ||
		    (i > 0 && p[i].start_min < p[i - 1].end_min))
			return KIOSK_EINVAL;
	}
	static const char *const days[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	char json[1024];
	size_t k = (size_t)snprintf(json, sizeof json, "{");
	for (int d = 0; d < 7; d++) {
		bool edited = saturday ? d == 6 : d >= 1 && d <= 5;
		k += (size_t)snprintf(json + k, sizeof json - k, "%s\"%s\":", d ? "," : "", days[d]);
		if (edited)
			k += day_json(json + k, sizeof json - k, p, np);
		else
			k += day_json(json + k, sizeof json - k, m->env.cfg->office_hours[d],
				      m->env.cfg->office_hours_count[d]);
		if (k >= sizeof json)
			return KIOSK_ERANGE;
	}
	snprintf(json + k, sizeof json - k, "}");
	char path[1200], err[512] = "";
	config_local_path(m->env.data_dir, path, sizeof path);
	int rc = config_set_local(path, "office.hours", json, err, sizeof err);
	if (rc != KIOSK_OK) {
		log_warn("office hours not saved: %s", err);
		return rc;
	}
	log_info("office hours changed from the menu");
	return reload(m);
}

static void factory_reset(menu_t *m, session_t *s)
{
	char path[1200];
	config_local_path(m->env.data_dir, path, sizeof path);
	unlink(path);
	snprintf(path, sizeof path, "%s/clock-set-by-staff", m->env.data_dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/touch-calibration.json", m->env.data_dir);
	unlink(path);
	touchcal_identity(&m->cal);
	mfile_sync_dir(m->env.data_dir, 1);
	if (m->env.staff)
		staff_wipe(m->env.staff);
	/* The ticket ledger stays: people may be waiting with today's numbers,
	 * and the next ticket continues today's sequence (it holds no personal
	 * data, only numbers and counts). */
	bool restart = m->env.reload_config && m->env.reload_config(m->env.ctx) != KIOSK_OK;
	log_info("factory reset from the technician menu");
	m->first_boot = false;
	menu_first_boot(m, s);
	if (restart)
		set_msg(m, "menu.restarting", true, NULL);
}

static void leave(menu_t *m, session_t *s)
{
	log_info("menu closed");
	m->first_boot = false;
	menu_wipe(m);
	session_reset(s);
}

/* ---- first boot ------------------------------------------------------------- */

static void fb_pin(menu_t *m, session_t *s, staff_role_t role, bool confirm)
{
	const char *why = NULL;
	if (!confirm) {
		if (!m->env.staff || staff_pin_ok(m->env.staff, role, m->entry, &why) != KIOSK_OK) {
			clear_entry(m);
			set_msg(m, why ? why : "menu.pin_rule_length", true, NULL);
			bump(s);
			return;
		}
		snprintf(m->pin1, sizeof m->pin1, "%s", m->entry);
		to_view(m, s, role == STAFF_STAFF ? FB_STAFF_PIN2 : FB_TECH_PIN2);
		return;
	}
	if (strcmp(m->pin1, m->entry) != 0) {
		explicit_bzero(m->pin1, sizeof m->pin1);
		to_view(m, s, role == STAFF_STAFF ? FB_STAFF_PIN : FB_TECH_PIN);
		set_msg(m, "menu.pin_mismatch", true, NULL);
		return;
	}
	int rc = staff_set_pin(m->env.staff, role, m->entry);
	explicit_bzero(m->pin1, sizeof m->pin1);
	if (rc != KIOSK_OK) {
		to_view(m, s, role == STAFF_STAFF ? FB_STAFF_PIN : FB_TECH_PIN);
		set_fail(m, "menu.pin_save_failed", "PIN not saved", rc, NULL);
		return;
	}
	log_info("%s PIN set", role == STAFF_TECH ? "technician" : "staff");
	to_view(m, s, role == STAFF_STAFF ? FB_TECH_PIN : FB_CLOCK);
}

/* ---- taps ------------------------------------------------------------------- */

/* The handlers of the tap table below: arg is the target, or what follows
 * the prefix of a "prefix-*" row; n is the row's number (a view, a
 * direction). True when the tap was taken; false lets later rows try. */
typedef bool (*menu_tap_fn)(menu_t *m, session_t *s, const char *arg, int n);

static bool tap_digit(menu_t *m, session_t *s, const char *d, int n)
{
	(void)n;
	if (!digit_view(m, s->screen) || d[0] < '0' || d[0] > '9' || d[1])
		return false;
	add_digit(m, s, d[0]);
	return true;
}

static bool tap_undigit(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (!digit_view(m, s->screen))
		return false;
	del_digit(m, s);
	return true;
}

static bool tap_pin(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	pin_submit(m, s);
	return true;
}

static bool tap_leave(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	leave(m, s);
	return true;
}

/* A menu item: its view, prepared. */
static bool tap_open(menu_t *m, session_t *s, const char *t, int v)
{
	(void)t;
	to_view(m, s, (menu_view_t)v);
	if (v == MV_UPDATE)
		scan(m, s);
	else if (v == MV_VERSIONS)
		load_versions(m, s);
	else if (v == MV_PROCS)
		m->page = 0;
	else if (v == MV_COUNTERS) {
		m->page = 0;
		read_counter_pins(m);
	}
	else if (v == MV_HOURS)
		m->hours_sat = 0;
	else if (v == MV_CALIBRATE)
		m->cal_step = 0;
	else if (v == MV_OFFICE) {
		snprintf(m->text, sizeof m->text, "%s", m->env.cfg->office_name);
		textfield_reset(&m->tf);
		textfield_set_mode(&m->tf, KB_LETTERS);
	}
	return true;
}

static bool tap_home(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	textfield_reset(&m->tf);
	to_view(m, s, MV_HOME);
	return true;
}

/* Another view (of the set-up's steps). */
static bool tap_view(menu_t *m, session_t *s, const char *t, int v)
{
	(void)t;
	to_view(m, s, (menu_view_t)v);
	return true;
}

static bool tap_series(menu_t *m, session_t *s, const char *l, int n)
{
	(void)n;
	if (l[0] < 'A' || l[0] > 'Z' || l[1])
		return false;
	m->series = l[0];
	m->msg_key = NULL;
	bump(s);
	return true;
}

static bool tap_reprint(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	reprint(m, s);
	return true;
}

static bool tap_sound_test(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (!m->env.sound_test)
		return false;
	int rc = m->env.sound_test(m->env.ctx);
	m->no_audio = rc == KIOSK_ENODEV;
	set_msg(m, rc == KIOSK_OK ? "menu.sound_test_done" : rc == KIOSK_ENODEV ? "menu.sound_test_none"
			: "menu.sound_test_chime_only", rc != KIOSK_OK, NULL);
	bump(s);
	return true;
}

static bool tap_test_page(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (!m->env.tickets)
		return false;
	printer_state_t st;
	int rc = tickets_test_page(m->env.tickets, s->lang, &st);
	m->paper = st;
	if (rc == KIOSK_OK)
		set_msg(m, "menu.test_page_done", false, NULL);
	else {
		set_msg(m, "menu.test_page_failed", true, NULL);
		m->msg_arg_key = menu_printer_key(st);
	}
	log_info("test page: %s", rc == KIOSK_OK ? "printed" : printer_state_name(st));
	bump(s);
	return true;
}

static bool tap_refresh(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	query_paper(m);
	bump(s);
	return true;
}

static bool tap_set_clock(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	set_clock(m, s);
	return true;
}

static bool tap_scan(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	scan(m, s);
	return true;
}

static bool tap_install(menu_t *m, session_t *s, const char *t, int reinstall)
{
	(void)t;
	install(m, s, reinstall);
	return true;
}

static bool tap_rollback(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (!m->confirm) {
		m->confirm = true;
		bump(s);
		return true;
	}
	m->confirm = false;
	char err[256] = "";
	int rc = updater_here(m) ? menu_upd_rollback(&m->env, err, sizeof err) : KIOSK_ENOENT;
	load_versions(m, s);
	if (rc == KIOSK_OK)
		set_msg(m, "menu.rollback_done", false, NULL);
	else if (!menu_upd_available())
		set_msg(m, "menu.updater_missing", true, NULL);
	else if (!updater_here(m))
		set_fail(m, "menu.update_not_here", "roll back", rc, "no KIOSK_ROOT");
	else
		set_fail(m, rc == KIOSK_EINVAL || rc == KIOSK_ENOENT || rc == KIOSK_EPERM
			 ? "menu.rollback_none" : "menu.rollback_failed",
			 "roll back", rc, err);
	bump(s);
	return true;
}

static bool tap_export(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	export_now(m, s);
	return true;
}

static bool tap_save_office(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	save_office(m, s);
	return true;
}

/* Keyboard targets for the office name (letters with marks and tones). */
static bool tap_text(menu_t *m, session_t *s, const char *t, int n)
{
	(void)n;
	if (textfield_tap(&m->tf, t) == TEXTFIELD_NONE)
		return false;
	bump(s);
	return true;
}

/* One page on (dir > 0) or back in a list of n items, per a page. */
static bool turn_page(menu_t *m, session_t *s, int dir, int n, int per)
{
	int pages = (n + per - 1) / per;
	if (dir > 0 ? m->page + 1 >= pages : m->page <= 0)
		return false;
	m->page += dir;
	bump(s);
	return true;
}

static bool tap_procs_page(menu_t *m, session_t *s, const char *t, int dir)
{
	(void)t;
	return turn_page(m, s, dir, (int)catalog_proc_count(m->env.cat), MENU_PROCS_PAGE);
}

static bool tap_offer(menu_t *m, session_t *s, const char *id, int n)
{
	(void)n;
	int rc = menu_toggle_proc(m, id);
	if (rc == KIOSK_OK)
		m->msg_key = NULL;
	else if (rc != KIOSK_EBUSY) /* EBUSY: saved, restarting */
		set_msg(m, rc == KIOSK_EINVAL ? "menu.procs_last" : "menu.office_bad", true, NULL);
	bump(s);
	return true;
}

static bool tap_hours_day(menu_t *m, session_t *s, const char *t, int saturday)
{
	(void)t;
	m->hours_sat = saturday;
	clear_entry(m);
	m->msg_key = NULL;
	bump(s);
	return true;
}

static bool tap_hours_save(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	int rc = menu_set_hours(m, m->hours_sat, m->entry);
	clear_entry(m);
	if (rc == KIOSK_OK)
		set_msg(m, "menu.saved", false, NULL);
	else if (rc != KIOSK_EBUSY) /* EBUSY: saved, restarting */
		set_msg(m, "menu.hours_bad", true, NULL);
	bump(s);
	return true;
}

static bool tap_cal_again(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	m->cal_step = 0;
	m->msg_key = NULL;
	bump(s);
	return true;
}

static bool tap_cal_clear(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	char path[1200];
	snprintf(path, sizeof path, "%s/touch-calibration.json", m->env.data_dir);
	unlink(path);
	touchcal_identity(&m->cal);
	m->cal_step = 0;
	set_msg(m, "menu.cal_cleared", false, NULL);
	bump(s);
	return true;
}

static bool tap_reset(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	/* The technician PIN again, checked (and counted) like the PIN
	 * screen, before anything is erased. */
	staff_role_t role = STAFF_NONE;
	int64_t wait = 0;
	int rc = m->env.staff ? staff_check(m->env.staff, m->entry, &role, &wait) : KIOSK_ENOENT;
	clear_entry(m);
	if (rc == KIOSK_OK && role == STAFF_TECH) {
		factory_reset(m, s);
		return true;
	}
	if ((rc == KIOSK_EBUSY || rc == KIOSK_EPERM) && wait > 0) {
		char mins[24];
		snprintf(mins, sizeof mins, "%lld", (long long)((wait + 59999) / 60000));
		set_msg(m, "menu.pin_locked", true, mins);
	} else {
		set_msg(m, "menu.reset_pin_wrong", true, NULL);
	}
	log_warn("factory reset refused: not the technician PIN");
	bump(s);
	return true;
}

/* ---- the office queue: counters, their PINs, the call order, the boards ---- */

static void read_counter_pins(menu_t *m)
{
	memset(m->counter_pin, 0, sizeof m->counter_pin);
	for (int i = 0; m->env.staff && i < m->env.cfg->counters_count; i++) {
		int id = m->env.cfg->counters[i].id;
		m->counter_pin[id] = staff_counter_has_pin(m->env.staff, id);
	}
}

static void counter_detail(const menu_t *m, char *buf, size_t cap)
{
	snprintf(buf, cap, "%d", m->counter);
}

/* A change saved: the configuration again, or the message why not. */
static void queue_saved(menu_t *m, session_t *s, int rc)
{
	if (rc == KIOSK_OK) {
		m->msg_key = NULL;
		reload(m); /* says menu.restarting when only a restart applies it */
	} else if (rc == KIOSK_ENOSPC || rc == KIOSK_EROFS || rc == KIOSK_EIO || rc == KIOSK_EPERM) {
		set_msg(m, "menu.not_saved_storage", true, NULL);
	} else if (rc != KIOSK_ERANGE && rc != KIOSK_EINVAL) {
		set_msg(m, "menu.not_saved", true, NULL);
	}
	bump(s);
}

static bool tap_counters_page(menu_t *m, session_t *s, const char *t, int dir)
{
	(void)t;
	return turn_page(m, s, dir, m->env.cfg->counters_count, MENU_COUNTERS_PAGE);
}

static bool tap_counter_open(menu_t *m, session_t *s, const char *arg, int n)
{
	(void)n;
	char *end;
	long id = strtol(arg, &end, 10);
	if (*end || !config_counter(m->env.cfg, (int)id))
		return false;
	m->counter = (int)id;
	to_view(m, s, MV_COUNTER);
	return true;
}

static bool tap_counter_add(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	int id = 0;
	int rc = menu_q_counter_add(&m->env, &id);
	if (rc == KIOSK_ERANGE) {
		set_msg(m, "menu.counters_full", true, NULL);
		bump(s);
		return true;
	}
	queue_saved(m, s, rc);
	if (rc == KIOSK_OK && config_counter(m->env.cfg, id)) {
		m->counter = id;
		m->counter_pin[id] = false;
		const char *restarting = m->msg_key;
		to_view(m, s, MV_COUNTER);
		char d[8];
		counter_detail(m, d, sizeof d);
		set_msg(m, restarting ? restarting : "menu.counter_added", restarting != NULL, restarting ? NULL : d);
	}
	return true;
}

static bool tap_counter_group(menu_t *m, session_t *s, const char *group, int n)
{
	(void)n;
	int rc = menu_q_counter_group(&m->env, m->counter, group);
	m->confirm = false;
	if (rc == KIOSK_EINVAL)
		set_msg(m, "menu.counter_last_group", true, NULL);
	else if (rc == KIOSK_ERANGE)
		set_msg(m, "menu.counter_groups_full", true, NULL);
	queue_saved(m, s, rc);
	return true;
}

static bool tap_counter_remove(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	char d[8];
	counter_detail(m, d, sizeof d);
	if (!m->confirm) {
		m->confirm = true;
		set_msg(m, "menu.counter_remove_confirm", true, d);
		bump(s);
		return true;
	}
	int rc = menu_q_counter_remove(&m->env, m->counter);
	m->confirm = false;
	queue_saved(m, s, rc);
	if (rc == KIOSK_OK) {
		const char *restarting = m->msg_key;
		m->page = 0;
		read_counter_pins(m);
		to_view(m, s, MV_COUNTERS);
		set_msg(m, restarting ? restarting : "menu.counter_removed", restarting != NULL, restarting ? NULL : d);
	}
	return true;
}

/* The counter's PIN, typed twice, with the rules of every PIN (and never
 * the staff or technician PIN). */
static bool tap_counter_pin(menu_t *m, session_t *s, const char *t, int confirm)
{
	(void)t;
	const char *why = NULL;
	if (!confirm) {
		if (!m->env.staff || staff_counter_pin_ok(m->env.staff, m->counter, m->entry, &why) != KIOSK_OK) {
			clear_entry(m);
			set_msg(m, why ? why : "menu.pin_rule_length", true, NULL);
			bump(s);
			return true;
		}
		snprintf(m->pin1, sizeof m->pin1, "%s", m->entry);
		to_view(m, s, MV_COUNTER_PIN2);
		return true;
	}
	if (strcmp(m->pin1, m->entry) != 0) {
		explicit_bzero(m->pin1, sizeof m->pin1);
		to_view(m, s, MV_COUNTER_PIN);
		set_msg(m, "menu.pin_mismatch", true, NULL);
		return true;
	}
	int rc = staff_counter_set_pin(m->env.staff, m->counter, m->entry);
	explicit_bzero(m->pin1, sizeof m->pin1);
	if (rc != KIOSK_OK) {
		to_view(m, s, MV_COUNTER_PIN);
		set_fail(m, "menu.pin_save_failed", "counter PIN not saved", rc, NULL);
		return true;
	}
	log_info("PIN of counter %d set from the menu", m->counter);
	m->counter_pin[m->counter] = true;
	char d[8];
	counter_detail(m, d, sizeof d);
	to_view(m, s, MV_COUNTER);
	set_msg(m, "menu.counter_pin_saved", false, d);
	return true;
}

static bool tap_counter_back(menu_t *m, session_t *s, const char *t, int v)
{
	(void)t;
	explicit_bzero(m->pin1, sizeof m->pin1);
	if (v == MV_COUNTERS)
		read_counter_pins(m);
	to_view(m, s, (menu_view_t)v);
	return true;
}

/* One step of a setting; the row's n says which and which way. */
static const char *const STEP_KEYS[] = {"queue.regular_per_priority", "queue.absent_window", "voice.volume",
					"voice.repeat", "voice.rate"};

static bool tap_step(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t;
	int which = n / 2, dir = n % 2 ? +1 : -1;
	if (which < 0 || which >= (int)KIOSK_ARRAY_LEN(STEP_KEYS))
		return false;
	queue_saved(m, s, menu_q_step(&m->env, STEP_KEYS[which], dir));
	return true;
}

static bool tap_fb_name(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (save_office(m, s) == KIOSK_OK)
		to_view(m, s, staff_has_pin(m->env.staff, STAFF_STAFF) &&
				      staff_has_pin(m->env.staff, STAFF_TECH)
			      ? FB_CLOCK : FB_STAFF_PIN);
	return true;
}

static bool tap_fb_pin(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	staff_role_t r = m->view <= FB_STAFF_PIN2 ? STAFF_STAFF : STAFF_TECH;
	fb_pin(m, s, r, m->view == FB_STAFF_PIN2 || m->view == FB_TECH_PIN2);
	return true;
}

static bool tap_fb_pin_back(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	explicit_bzero(m->pin1, sizeof m->pin1);
	to_view(m, s, m->view <= FB_STAFF_PIN2 ? FB_NAME : FB_STAFF_PIN);
	return true;
}

static bool tap_fb_clock_set(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	if (set_clock(m, s)) {
		m->view = FB_CLOCK;
		bump(s);
	}
	return true;
}

static bool tap_fb_profile(menu_t *m, session_t *s, const char *t, int n)
{
	(void)n;
	snprintf(m->printer_profile, sizeof m->printer_profile, "%s", t + 8);
	bump(s);
	return true;
}

static bool tap_fb_done(menu_t *m, session_t *s, const char *t, int n)
{
	(void)t, (void)n;
	char path[1200], json[32], err[512] = "";
	config_local_path(m->env.data_dir, path, sizeof path);
	snprintf(json, sizeof json, "\"%s\"", m->printer_profile);
	if (config_set_local(path, "printer.profile", json, err, sizeof err) != KIOSK_OK) {
		set_msg(m, "menu.office_bad", true, NULL);
		bump(s);
		return true;
	}
	log_info("first-boot set-up finished");
	if (reload(m) != KIOSK_OK) {
		bump(s); /* set-up is done; it stays on screen until the restart */
		return true;
	}
	leave(m, s);
	return true;
}

/* Rows for every screen of the menus, and for every view. SCR_STAFF_MENU
 * rows hold on both menu screens (staff and technician): who tells them
 * apart by the role the PIN opened. */
#define ANY_SCREEN SCR_COUNT
#define ANY_VIEW MV_COUNT
#define MENUS SCR_STAFF_MENU
#define FB SCR_FIRST_BOOT

static const struct {
	screen_t screen;
	menu_view_t view;
	const char *target;
	menu_tap_fn fn;
	int n;
	tap_who_t who;
} taps[] = {
	/* screen     view          target              handler           n            who */
	{ANY_SCREEN, ANY_VIEW,     "key-*",            tap_digit,        0,           TAP_ANYONE},
	{ANY_SCREEN, ANY_VIEW,     "key-backspace",    tap_undigit,      0,           TAP_ANYONE},
	{SCR_PIN,    ANY_VIEW,     "next",             tap_pin,          0,           TAP_ANYONE},
	{SCR_PIN,    ANY_VIEW,     "back",             tap_leave,        0,           TAP_ANYONE},
	{MENUS,      MV_HOME,      "back",             tap_leave,        0,           TAP_STAFF},
	{MENUS,      MV_HOME,      "menu-reprint",     tap_open,         MV_REPRINT,  TAP_STAFF},
	{MENUS,      MV_HOME,      "menu-paper",       tap_open,         MV_PAPER,    TAP_STAFF},
	{MENUS,      MV_HOME,      "menu-clock",       tap_open,         MV_CLOCK,    TAP_STAFF},
	{MENUS,      MV_HOME,      "menu-update",      tap_open,         MV_UPDATE,   TAP_TECH},
	{MENUS,      MV_HOME,      "menu-versions",    tap_open,         MV_VERSIONS, TAP_TECH},
	{MENUS,      MV_HOME,      "menu-export",      tap_open,         MV_EXPORT,   TAP_TECH},
	{MENUS,      MV_HOME,      "menu-office",      tap_open,         MV_OFFICE,   TAP_TECH},
	{MENUS,      MV_HOME,      "menu-hours",       tap_open,         MV_HOURS,    TAP_TECH},
	{MENUS,      MV_HOME,      "menu-procs",       tap_open,         MV_PROCS,    TAP_TECH},
	{MENUS,      MV_HOME,      "menu-calibrate",   tap_open,         MV_CALIBRATE, TAP_TECH},
	{MENUS,      MV_HOME,      "menu-reset",       tap_open,         MV_RESET,    TAP_TECH},
	{MENUS,      MV_HOME,      "menu-queue",       tap_open,         MV_QUEUE,    TAP_TECH},
	{MENUS,      MV_QUEUE,     "menu-counters",    tap_open,         MV_COUNTERS, TAP_TECH},
	{MENUS,      MV_QUEUE,     "menu-policy",      tap_open,         MV_POLICY,   TAP_TECH},
	{MENUS,      MV_QUEUE,     "menu-board",       tap_open,         MV_BOARD,    TAP_TECH},
	{MENUS,      MV_COUNTERS,  "back",             tap_view,         MV_QUEUE,    TAP_TECH},
	{MENUS,      MV_POLICY,    "back",             tap_view,         MV_QUEUE,    TAP_TECH},
	{MENUS,      MV_BOARD,     "back",             tap_view,         MV_QUEUE,    TAP_TECH},
	{MENUS,      MV_COUNTERS,  "counter-add",      tap_counter_add,  0,           TAP_TECH},
	{MENUS,      MV_COUNTERS,  "counter-*",        tap_counter_open, 0,           TAP_TECH},
	{MENUS,      MV_COUNTERS,  "page-next",        tap_counters_page, +1,         TAP_TECH},
	{MENUS,      MV_COUNTERS,  "page-prev",        tap_counters_page, -1,         TAP_TECH},
	{MENUS,      MV_COUNTER,   "group-*",          tap_counter_group, 0,          TAP_TECH},
	{MENUS,      MV_COUNTER,   "counter-pin",      tap_view,         MV_COUNTER_PIN, TAP_TECH},
	{MENUS,      MV_COUNTER,   "counter-remove",   tap_counter_remove, 0,         TAP_TECH},
	{MENUS,      MV_COUNTER,   "back",             tap_counter_back, MV_COUNTERS, TAP_TECH},
	{MENUS,      MV_COUNTER_PIN, "next",           tap_counter_pin,  false,       TAP_TECH},
	{MENUS,      MV_COUNTER_PIN2, "next",          tap_counter_pin,  true,        TAP_TECH},
	{MENUS,      MV_COUNTER_PIN, "back",           tap_counter_back, MV_COUNTER,  TAP_TECH},
	{MENUS,      MV_COUNTER_PIN2, "back",          tap_counter_back, MV_COUNTER,  TAP_TECH},
	{MENUS,      MV_POLICY,    "rpp-less",         tap_step,         0,           TAP_TECH},
	{MENUS,      MV_POLICY,    "rpp-more",         tap_step,         1,           TAP_TECH},
	{MENUS,      MV_POLICY,    "absent-less",      tap_step,         2,           TAP_TECH},
	{MENUS,      MV_POLICY,    "absent-more",      tap_step,         3,           TAP_TECH},
	{MENUS,      MV_BOARD,     "volume-less",      tap_step,         4,           TAP_TECH},
	{MENUS,      MV_BOARD,     "volume-more",      tap_step,         5,           TAP_TECH},
	{MENUS,      MV_BOARD,     "repeat-less",      tap_step,         6,           TAP_TECH},
	{MENUS,      MV_BOARD,     "repeat-more",      tap_step,         7,           TAP_TECH},
	{MENUS,      MV_BOARD,     "rate-less",        tap_step,         8,           TAP_TECH},
	{MENUS,      MV_BOARD,     "rate-more",        tap_step,         9,           TAP_TECH},
	{MENUS,      ANY_VIEW,     "back",             tap_home,         0,           TAP_STAFF},
	{MENUS,      MV_REPRINT,   "series-*",         tap_series,       0,           TAP_STAFF},
	{MENUS,      MV_REPRINT,   "next",             tap_reprint,      0,           TAP_STAFF},
	{MENUS,      MV_PAPER,     "test-page",        tap_test_page,    0,           TAP_TECH},
	{MENUS,      MV_PAPER,     "sound-test",       tap_sound_test,   0,           TAP_TECH},
	{MENUS,      MV_PAPER,     "refresh",          tap_refresh,      0,           TAP_STAFF},
	{MENUS,      MV_PAPER,     "next",             tap_refresh,      0,           TAP_STAFF},
	{MENUS,      MV_CLOCK,     "next",             tap_set_clock,    0,           TAP_STAFF},
	{MENUS,      MV_UPDATE,    "update-scan",      tap_scan,         0,           TAP_TECH},
	{MENUS,      MV_UPDATE,    "next",             tap_install,      false,       TAP_TECH},
	{MENUS,      MV_UPDATE,    "update-reinstall", tap_install,      true,        TAP_TECH},
	{MENUS,      MV_VERSIONS,  "rollback",         tap_rollback,     0,           TAP_TECH},
	{MENUS,      MV_EXPORT,    "next",             tap_export,       0,           TAP_TECH},
	{MENUS,      MV_OFFICE,    "next",             tap_save_office,  0,           TAP_TECH},
	{MENUS,      MV_OFFICE,    "*",                tap_text,         0,           TAP_TECH},
	{MENUS,      MV_PROCS,     "page-next",        tap_procs_page,   +1,          TAP_TECH},
	{MENUS,      MV_PROCS,     "page-prev",        tap_procs_page,   -1,          TAP_TECH},
	{MENUS,      MV_PROCS,     "offer-*",          tap_offer,        0,           TAP_TECH},
	{MENUS,      MV_HOURS,     "hours-weekdays",   tap_hours_day,    0,           TAP_TECH},
	{MENUS,      MV_HOURS,     "hours-saturday",   tap_hours_day,    1,           TAP_TECH},
	{MENUS,      MV_HOURS,     "next",             tap_hours_save,   0,           TAP_TECH},
	{MENUS,      MV_CALIBRATE, "cal-again",        tap_cal_again,    0,           TAP_TECH},
	{MENUS,      MV_CALIBRATE, "cal-clear",        tap_cal_clear,    0,           TAP_TECH},
	{MENUS,      MV_RESET,     "reset-confirm",    tap_reset,        0,           TAP_TECH},
	{MENUS,      MV_RESET,     "next",             tap_reset,        0,           TAP_TECH},
	/* the first-boot set-up, one view a step */
	{FB,         FB_NAME,      "next",             tap_fb_name,      0,           TAP_ANYONE},
	{FB,         FB_NAME,      "*",                tap_text,         0,           TAP_ANYONE},
	{FB,         FB_STAFF_PIN, "next",             tap_fb_pin,       0,           TAP_ANYONE},
	{FB,         FB_STAFF_PIN2, "next",            tap_fb_pin,       0,           TAP_ANYONE},
	{FB,         FB_TECH_PIN,  "next",             tap_fb_pin,       0,           TAP_ANYONE},
	{FB,         FB_TECH_PIN2, "next",             tap_fb_pin,       0,           TAP_ANYONE},
	{FB,         FB_STAFF_PIN, "back",             tap_fb_pin_back,  0,           TAP_ANYONE},
	{FB,         FB_STAFF_PIN2, "back",            tap_fb_pin_back,  0,           TAP_ANYONE},
	{FB,         FB_TECH_PIN,  "back",             tap_fb_pin_back,  0,           TAP_ANYONE},
	{FB,         FB_TECH_PIN2, "back",             tap_fb_pin_back,  0,           TAP_ANYONE},
	{FB,         FB_CLOCK,     "next",             tap_view,         FB_PRINTER,  TAP_ANYONE},
	{FB,         FB_CLOCK,     "clock-ok",         tap_view,         FB_PRINTER,  TAP_ANYONE},
	{FB,         FB_CLOCK,     "clock-set",        tap_view,         FB_CLOCK_SET, TAP_ANYONE},
	{FB,         FB_CLOCK_SET, "next",             tap_fb_clock_set, 0,           TAP_ANYONE},
	{FB,         FB_CLOCK_SET, "back",             tap_view,         FB_CLOCK,    TAP_ANYONE},
	{FB,         FB_PRINTER,   "profile-80mm",     tap_fb_profile,   0,           TAP_ANYONE},
	{FB,         FB_PRINTER,   "profile-58mm",     tap_fb_profile,   0,           TAP_ANYONE},
	{FB,         FB_PRINTER,   "next",             tap_fb_done,      0,           TAP_ANYONE},
	{FB,         FB_PRINTER,   "back",             tap_view,         FB_CLOCK,    TAP_ANYONE},
};

static bool screen_matches(screen_t row, screen_t scr)
{
	return row == ANY_SCREEN || row == scr ||
	       (row == SCR_STAFF_MENU && scr == SCR_TECH_MENU);
}

bool menu_tap(menu_t *m, session_t *s, const char *t)
{
	if (!menu_owns(s->screen) || s->screen == SCR_UPDATING)
		return false;
	session_activity(s);
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(taps); i++) {
		const char *arg;
		if (screen_matches(taps[i].screen, s->screen) &&
		    (taps[i].view == ANY_VIEW || taps[i].view == m->view) &&
		    tap_allowed(taps[i].who, m->role) && tap_match(taps[i].target, t, &arg) &&
		    taps[i].fn(m, s, arg, taps[i].n))
			return true;
	}
	return false;
}

static bool plug_tap(void *ctx, session_t *s, const char *t)
{
	return menu_tap(ctx, s, t);
}

static void plug_key_char(void *ctx, session_t *s, char c)
{
	menu_key_char(ctx, s, c);
}

static void plug_key_special(void *ctx, session_t *s, session_skey_t k)
{
	menu_key_special(ctx, s, k);
}

static void plug_wipe(void *ctx)
{
	menu_wipe(ctx);
}

void menu_plug(menu_t *m, session_t *s)
{
	session_plugin_t p = {.owns = menu_owns, .tap = plug_tap, .key_char = plug_key_char,
			      .key_special = plug_key_special, .wipe = plug_wipe, .ctx = m};
	session_plug(s, &p);
}

/* A series letter of the catalogue, upper case; 0 when there is none. */
static char series_letter(const menu_t *m, char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (size_t i = 0; m->env.cat && i < catalog_group_count(m->env.cat); i++)
		if (catalog_group_at(m->env.cat, i)->letter == c)
			return c;
	return 0;
}

void menu_key_char(menu_t *m, session_t *s, char c)
{
	session_activity(s);
	if ((s->screen == SCR_STAFF_MENU || s->screen == SCR_TECH_MENU) && m->view == MV_REPRINT &&
	    !(c >= '0' && c <= '9')) {
		/* "B011" typed on a keyboard: the letter picks the series, the
		 * digits typed before or after it stay. */
		char l = series_letter(m, c);
		if (l) {
			m->series = l;
			m->msg_key = NULL;
			bump(s);
		}
		return;
	}
	if (digit_view(m, s->screen)) {
		if (c >= '0' && c <= '9')
			add_digit(m, s, c);
		return;
	}
	if (m->view == MV_OFFICE || m->view == FB_NAME) {
		textfield_key(&m->tf, c, IME_TELEX);
		bump(s);
	}
}

void menu_key_special(menu_t *m, session_t *s, session_skey_t k)
{
	session_activity(s);
	switch (k) {
	case SKEY_RETURN:
		menu_tap(m, s, "next");
		break;
	case SKEY_ESCAPE:
		menu_tap(m, s, "back");
		break;
	case SKEY_BACKSPACE:
		if (digit_view(m, s->screen))
			del_digit(m, s);
		else
			menu_tap(m, s, "key-backspace");
		break;
	case SKEY_TAB:
		break;
	}
}
