/* app_menu.c - wires the staff menus (flow/menu.c) into the kiosk
 * program: the PIN store, the hooks the menus call (set the clock, reload
 * the configuration, redraw during an install), and where the updater, the stick and the export mount live.
 *
 * Locations (environment, set by the systemd unit on the board):
 *   KIOSK_ROOT          the updater's root (set by kiosk-launcher)
 *   KIOSK_KEYS          public key folder      (default /etc/kiosk/keys)
 *   KIOSK_COMPATIBLE    compatible file        (default /etc/kiosk/compatible)
 *   KIOSK_STICK         stick mount, read-only (default /run/kiosk/stick)
 *   KIOSK_EXPORT        export mount, rw       (default /run/kiosk/export)
 *   KIOSK_MOUNT_HELPER  root helper run as HELPER unmount DIR after an export
 *   KIOSK_STICK_SERVICE run folder of the board's root stick service: the
 *                       menu's scan, install and export go through it
 *   KIOSK_CLOCK_HELPER  sets the clock: HELPER set-time "YYYY-MM-DD HH:MM:SS UTC"
 *                       (default /usr/bin/timedatectl, allowed by polkit) */
#include "app/app_menu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ui/a11y.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "app/app_sound.h"
#include "flow/menu.h"
#include "domain/runlink.h"
#include "domain/staff.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && v[0] ? v : def;
}

static bool hook_sound_ready(void *ctx)
{
	return app_sound_ready(ctx);
}

static int hook_sound_test(void *ctx)
{
	return app_sound_test(ctx);
}

static int hook_set_clock(void *ctx, int64_t utc_ms)
{
	app_t *a = ctx;
	if (a->virtual_time) {
		a->vclock.now_ms = utc_ms;
		a->vclock.trusted = true;
		session_recheck_hours(a->session, utc_ms);
		return KIOSK_OK;
	}
	time_t t = (time_t)(utc_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[40];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	const char *helper = env_or("KIOSK_CLOCK_HELPER", "/usr/bin/timedatectl");
	pid_t pid = fork();
	if (pid < 0)
		return KIOSK_EIO;
	if (pid == 0) {
		execl(helper, helper, "set-time", when, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? KIOSK_OK : KIOSK_EPERM;
}

static int hook_reload(void *ctx)
{
	app_t *a = ctx;
	char err[1024];
	config_t c;
	int rc = app_paths_config(&a->paths, &c, err, sizeof err);
	if (rc != KIOSK_OK)
		log_error("configuration reload failed: %s", err);
	else {
		a->cfg = c; /* the session, the screens and the menus point at a->cfg */
		rc = app_config_changed(a);
	}
	if (rc != KIOSK_OK) {
		/* The change is in local.json: a restart applies it. The menu
		 * says so; the exit comes after the staff could read that. */
		log_warn("the new settings need a restart: restarting in 5 s");
		if (!a->restart_at)
			a->restart_at = kclock_mono(&a->clock) + 5000;
		return KIOSK_EBUSY;
	}
	return KIOSK_OK;
}

static void hook_redraw(void *ctx)
{
	app_t *a = ctx;
	app_draw(a);
	app_watchdog(a); /* an install can take minutes on the loop's thread */
}

int app_menu_setup(app_t *a)
{
	char err[1400] = "";
	unsigned it = 0;
	const char *its = getenv("KIOSK_PIN_ITERATIONS"); /* benchmarks only; floor applies */
	if (its && atoi(its) >= STAFF_ITERATIONS)
		it = (unsigned)atoi(its);
	int rc = staff_open(a->paths.data, &a->clock, it, &a->staff, err, sizeof err);
	char moved[128] = "";
	if (rc == KIOSK_ECORRUPT && staff_set_aside(a->paths.data, &a->clock, moved, sizeof moved) ==
					   KIOSK_OK) {
		/* A damaged PIN store is kept aside and the first-boot screen
		 * sets new PINs (docs/menus.md): only the kiosk and root can
		 * write the data folder, so no citizen can cause this. */
		fprintf(stderr, "kiosk: PIN store: %s; moved aside as %s, set new PINs\n", err, moved);
		log_error("PIN store damaged: %s; moved aside as %s; the first-boot screen sets new "
			  "PINs", err, moved);
		rc = staff_open(a->paths.data, &a->clock, it, &a->staff, err, sizeof err);
	}
	if (rc != KIOSK_OK) {
		/* Not readable and not movable (read-only storage): reported,
		 * and the PIN screen says so; the menus stay shut. */
		fprintf(stderr, "kiosk: PIN store: %s\n", err);
		log_error("PIN store: %s", err);
		a->staff = NULL;
		moved[0] = '\0';
	}
	static char stick[1024], exp[1100], svc[1024];
	snprintf(stick, sizeof stick, "%s", env_or("KIOSK_STICK", "/run/kiosk/stick"));
	snprintf(exp, sizeof exp, "%s", env_or("KIOSK_EXPORT", "/run/kiosk/export"));
	const char *service = getenv("KIOSK_STICK_SERVICE");
	if (service && service[0]) {
		/* On the board the root stick service holds the stick; exports are
		 * staged in a folder of ours that it copies from. */
		snprintf(svc, sizeof svc, "%s", service);
		snprintf(exp, sizeof exp, "%s/" RUNLINK_REQ "/export-out", svc);
		if (mkdir(exp, 0700) != 0 && errno != EEXIST)
			log_warn("cannot create the export staging folder %s", exp);
	}
	menu_env_t env = {
		.data_dir = a->paths.data, .cat = a->cat, .cfg = &a->cfg, .tickets = a->tickets,
		.staff = a->staff, .clock = &a->clock,
		.update_root = getenv("KIOSK_ROOT"),
		.update_keys = env_or("KIOSK_KEYS", "/etc/kiosk/keys"),
		.compatible_file = env_or("KIOSK_COMPATIBLE", "/etc/kiosk/compatible"),
		.stick_dir = stick, .export_dir = exp,
		.mount_helper = getenv("KIOSK_MOUNT_HELPER"),
		.stick_service = service && service[0] ? svc : NULL,
		.set_clock = hook_set_clock, .reload_config = hook_reload, .redraw = hook_redraw,
		.sound_ready = hook_sound_ready, .sound_test = hook_sound_test,
		.ctx = a,
	};
	a->menu = menu_create(&env);
	if (!a->menu)
		return 1;
	menu_plug(a->menu, a->session);
	const app_options_t *o = a->opt;
	if (o->first_boot || moved[0] ||
	    (o->mode == MODE_FULLSCREEN && a->staff && !staff_configured(a->staff)))
		menu_first_boot(a->menu, a->session);
	if (moved[0])
		menu_notice(a->menu, "menu.pins_reset", moved);
	return 0;
}

void app_menu_teardown(app_t *a)
{
	if (a->session)
		session_plug(a->session, NULL);
	menu_destroy(a->menu);
	a->menu = NULL;
	staff_close(a->staff);
	a->staff = NULL;
}

bool app_menu_press(app_t *a, int x, int y)
{
	if (!a->menu)
		return false;
	a11y_t t;
	a11y_compute(&t, a->cfg.panel_diagonal_in, a->cfg.panel_width, a->cfg.panel_height, 100);
	int lw, lh;
	platform_size(a->plat, &lw, &lh);
	return menu_press(a->menu, a->session, x, y, lw, lh, t.corner);
}

void app_menu_correct(app_t *a, input_t *in)
{
	if (a->menu && in->touch &&
	    (in->type == INPUT_PRESS || in->type == INPUT_MOVE || in->type == INPUT_RELEASE))
	{
		menu_correct(a->menu, a->session, &in->x, &in->y);
		/* a corrected touch stays on the screen (corners included) */
		int lw, lh;
		platform_size(a->plat, &lw, &lh);
		in->x = in->x < 0 ? 0 : in->x >= lw ? lw - 1 : in->x;
		in->y = in->y < 0 ? 0 : in->y >= lh ? lh - 1 : in->y;
	}
}

void app_menu_chord(app_t *a)
{
	if (a->menu)
		menu_open_pin(a->menu, a->session);
}
