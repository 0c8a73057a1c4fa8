/* app.c - the kiosk program: loads configuration, catalog and translations,
 * opens the ledger and printer, sets up SDL (full screen on KMSDRM, a
 * window, or headless offscreen), converts touch/mouse/keyboard into input_t
 * and runs the main loop. The loop really sleeps: it poll()s its own file
 * descriptors (signals, input devices, printer hotplug) until the next timer
 * is due, then pumps SDL, and redraws only when the session changed. */
#include "app/app_internal.h"
#include "app/targets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/mfile.h"
#include "flow/menu.h"
#include "domain/runlink.h"
#include "app/sdnotify.h"
#include "update/update.h"
#include "app/app_menu.h"
#include "domain/outbox.h"
#include "fleet/report.h"
#include "app/app_queue.h"
#include "app/app_sound.h"
#include "app/app_read.h"
#include "app/board_app.h"


#define MAX_EVDEV 16

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;
static app_t *volatile sig_app; /* its quit flag ends a scenario run too */

static void on_signal(int sig)
{
	got_signal = sig;
	if (sig_app)
		sig_app->quit = 1;
	if (sig_pipe[1] >= 0) {
		char c = 1;
		ssize_t r = write(sig_pipe[1], &c, 1);
		(void)r;
	}
}

int app_signalled(void)
{
	return (int)got_signal;
}

/* ---- the fleet outbox: events only; kiosk-fleet-agent publishes them ---- */

/* Open <data>/fleet-outbox.db when the fleet agent is configured. A failure
 * is logged and the kiosk carries on without it. */
static void fleet_open(app_t *a)
{
	a->fleet_printer = -1;
	if (!a->cfg.fleet_id[0] || !a->cfg.fleet_broker[0])
		return;
	char path[1100], err[512];
	snprintf(path, sizeof path, "%s/fleet-outbox.db", a->paths.data);
	if (outbox_open(path, a->cfg.fleet_id, &a->clock, NULL, &a->fleet, err, sizeof err) != KIOSK_OK)
		log_warn("fleet outbox not open, no fleet events: %s", err);
}

/* A printer state the kiosk saw: an event when it changed (one SQLite
 * transaction; state changes are rare). */
static void fleet_printer(app_t *a, printer_state_t st)
{
	if (!a->fleet || (int)st == a->fleet_printer)
		return;
	char body[160];
	printer_state_t was = a->fleet_printer < 0 ? PRINTER_STATE_COUNT : (printer_state_t)a->fleet_printer;
	if (fleet_printer_event_body(st, was, body, sizeof body) == KIOSK_OK &&
	    outbox_enqueue(a->fleet, OUTBOX_EVENT, body, NULL) == KIOSK_OK) {
		a->fleet_printer = (int)st;
		/* The state for the agent's heartbeats: <data>/fleet-printer. */
		char path[1100];
		const char *name = printer_state_name(st);
		snprintf(path, sizeof path, "%s/fleet-printer", a->paths.data);
		if (mfile_write_atomic(path, name, strlen(name), 0644) != KIOSK_OK)
			log_warn("fleet: cannot write %s", path);
	} else {
		log_warn("fleet: printer event not stored: %s", outbox_error(a->fleet));
	}
}

/* ---- hooks for the session ------------------------------------------------ */

static int hook_check(void *ctx, const catalog_group_t *g, bool priority, printer_state_t *st)
{
	app_t *a = ctx;
	if (!a->tickets) { /* out of service (a font problem): no tickets */
		*st = PRINTER_NO_PRINTER;
		return KIOSK_ENODEV;
	}
	int rc = tickets_check(a->tickets, g, priority, st);
	if (rc == KIOSK_OK || rc == KIOSK_EPAPER || rc == KIOSK_ECOVER || rc == KIOSK_EOFFLINE ||
	    rc == KIOSK_ENODEV || rc == KIOSK_ETIMEOUT)
		fleet_printer(a, *st);
	return rc;
}

/* A citizen asked for staff: the chime for whoever is near, and the call
 * on the counter pages when the office has them. */
static bool hook_help(void *ctx)
{
	app_t *a = ctx;
	log_info("staff help requested on screen %s", screen_id(a->session->screen));
	app_sound_chime(a);
	return app_queue_help(a);
}

/* A ticket's QR scanned at Welcome: rating at the kiosk. */
static int hook_rate(void *ctx, const char *record, int level, unsigned reasons, char number[8])
{
	return app_queue_rate(ctx, record, level, reasons, number);
}

/* ---- frames ---------------------------------------------------------------- */

const char *app_screen_id(const app_t *a)
{
	return a->session->warning ? "timeout-warning" : screen_id(a->session->screen);
}

/* A session ended since the last frame: forget the strings drawn during it
 * (the render cache's keys and textures, the draw list's string arena). */
static void forget_session_text(app_t *a)
{
	if (a->session->wipes == a->seen_wipes)
		return;
	a->seen_wipes = a->session->wipes;
	render_forget_session(a->render);
	explicit_bzero(a->dl->arena, sizeof a->dl->arena);
}

void app_layout(app_t *a)
{
	forget_session_text(a);
	const char *pressed = tapfilter_pressed(a->taps);
	screen_ctx_t c = {.s = a->session, .menu = a->menu, .cat = a->cat, .cfg = &a->cfg, .tr = a->tr,
			  .fonts = a->fonts, .pressed = pressed[0] ? pressed : NULL};
	platform_size(a->plat, &c.w, &c.h);
	screens_build(a->dl, &c);
	if (c.page_size > 0 && c.page_size != a->session->page_size)
		session_set_page_size(a->session, c.page_size);
	if (a->dl->overflow)
		log_error("draw list overflow on screen %s", app_screen_id(a));
}

/* The frame: the draw list app_layout built (platform_paint_fn). */
static void paint(void *ctx)
{
	app_t *a = ctx;
	render_draw(a->render, a->dl, screens_theme(a->session), true);
}

void app_draw(app_t *a)
{
	app_layout(a);
	platform_draw(a->plat, screens_theme(a->session), paint, a);
	a->frames++;
	a->drawn_generation = a->session->generation;
	a->dirty = false;
	if (!a->first_frame_done) {
		a->first_frame_done = true;
		layoutrep_line(a->report, "FIRST_FRAME %lld", (long long)(kclock_mono(&a->clock) - a->start_mono));
		layoutrep_line(a->report, "CLOCK %s", kclock_trusted(&a->clock) ? "trusted" : "untrusted");
	}
	layoutrep_frame(a->report, (int)a->session->screen, a->session->warning, app_screen_id(a), a->dl, a->plat);
}

int app_screenshot(app_t *a, const char *path)
{
	if (a->dirty || a->drawn_generation != a->session->generation)
		app_draw(a);
	int rc = platform_screenshot(a->plat, path);
	if (rc == KIOSK_OK && a->opt && a->opt->targets)
		rc = targets_write(a->dl, path, TARGETS_TOUCH);
	return rc;
}

/* ---- input ----------------------------------------------------------------- */

static const dc_t *hit(app_t *a, int x, int y)
{
	if (a->dirty || a->drawn_generation != a->session->generation)
		app_layout(a);
	return draw_hit(a->dl, x, y);
}

static void activate(app_t *a, const dc_t *t, bool touch)
{
	int64_t now = kclock_mono(&a->clock);
	if (touch) {
		/* Tremor filter: the same target again within the window is a
		 * bounce, not a second tap (touch only). */
		int window = (t->flags & (TGT_KEY | TGT_NUMKEY)) ? a->cfg.touch_key_repeat_ms
								 : a->cfg.touch_repeat_ms;
		if (tapfilter_bounce(a->taps, t->text, window, now))
			return;
	}
	char id[64];
	snprintf(id, sizeof id, "%s", t->text);
	/* "Nghe": read the screen, unless this very touch stopped a reading. */
	if (strcmp(id, "listen") == 0) {
		if (!a->read_stopped)
			app_read_screen(a);
		return;
	}
	/* Keys are never logged: together they would spell what was typed. */
	if (!(t->flags & (TGT_KEY | TGT_NUMKEY)))
		log_debug("tap %s on %s", id, app_screen_id(a));
	session_tap(a->session, id);
}

void app_input(app_t *a, const input_t *in)
{
	input_t cal = *in;
	app_menu_correct(a, &cal); /* touch calibration (app_menu.c) */
	in = &cal;
	switch (in->type) {
	case INPUT_PRESS: {
		log_debug("press at %d,%d on %s", in->x, in->y, app_screen_id(a));
		if (app_menu_press(a, in->x, in->y)) { /* corner zones, before hit tests */
			tapfilter_cancel(a->taps);
			a->dirty = true;
			break;
		}
		session_activity(a->session);
		a->read_stopped = app_read_stop(a); /* a touch stops the speech */
		const dc_t *t = hit(a, in->x, in->y);
		tapfilter_press(a->taps, t ? t->text : NULL);
		a->dirty = true; /* pressed feedback at once */
		break;
	}
	case INPUT_MOVE:
		if (tapfilter_pressed(a->taps)[0]) {
			const dc_t *t = hit(a, in->x, in->y);
			if (tapfilter_move(a->taps, t ? t->text : NULL))
				a->dirty = true;
		}
		break;
	case INPUT_RELEASE: {
		const char *pressed = tapfilter_pressed(a->taps);
		log_debug("release at %d,%d (pressed: %s)", in->x, in->y, pressed[0] ? pressed : "none");
		if (!pressed[0])
			break;
		const dc_t *t = hit(a, in->x, in->y);
		bool same = tapfilter_release(a->taps, t ? t->text : NULL);
		a->dirty = true;
		if (same)
			activate(a, t, in->touch);
		break;
	}
	case INPUT_CANCEL:
		tapfilter_cancel(a->taps);
		a->dirty = true;
		break;
	case INPUT_CHAR:
		app_read_stop(a);
		session_key_char(a->session, in->ch);
		break;
	case INPUT_KEY:
		session_key_special(a->session, in->key == INK_BACKSPACE ? SKEY_BACKSPACE
					       : in->key == INK_RETURN ? SKEY_RETURN
					       : in->key == INK_ESCAPE ? SKEY_ESCAPE : SKEY_TAB);
		break;
	case INPUT_MENU:
		app_menu_chord(a); /* PIN screen */
		break;
	}
}


static void sdl_event(app_t *a, const SDL_Event *e)
{
	switch (e->type) {
	case SDL_QUIT:
		a->quit = 1;
		return;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_EXPOSED ||
		    e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			platform_resized(a->plat);
			a->dirty = true;
		}
		return;
	case SDL_RENDER_TARGETS_RESET:
	case SDL_RENDER_DEVICE_RESET:
		render_flush(a->render);
		a->dirty = true;
		return;
	default: {
		input_t in[SDL_TEXTINPUTEVENT_TEXT_SIZE];
		int n = tapfilter_event(a->taps, a->plat, e, in, (int)KIOSK_ARRAY_LEN(in));
		for (int i = 0; i < n; i++)
			app_input(a, &in[i]);
		return;
	}
	}
}

/* ---- printing --------------------------------------------------------------- */

static void do_print(app_t *a)
{
	session_t *s = a->session;
	app_draw(a); /* show "printing" before blocking on the printer */
	tickets_answer_t ans[SESSION_MAX_FIELDS];
	size_t n = session_answers(s, ans, SESSION_MAX_FIELDS);
	tickets_result_t r;
	memset(&r, 0, sizeof r);
	if (!a->tickets) { /* out of service: never reached from the screens */
		r.rc = KIOSK_ENODEV;
		r.printer = PRINTER_NO_PRINTER;
		session_print_done(s, &r);
		return;
	}
	/* The line under the number: people ahead (and the wait) when the
	 * office queue can say; a priority request counts only under a
	 * priority policy, as in the ledger. */
	ticket_wait_t w;
	bool prio = s->priority && (strcmp(a->cfg.queue_priority, "series") == 0 ||
				    strcmp(a->cfg.queue_priority, "mark") == 0);
	bool has_wait = app_queue_before_print(a, s, prio, &w);
	tickets_issue_wait(a->tickets, a->cat, s->proc, s->priority, ans, n, s->lang, has_wait ? &w : NULL, &r);
	if (r.rc == KIOSK_OK)
		log_info("ticket %s issued (procedure %s)", r.number, s->proc->id);
	else if (r.storage_fault)
		log_warn("ticket not issued: storage fault, %s (voided %s; the reason is logged above)",
			 kiosk_strerror(r.rc), r.voided ? r.number : "none");
	else
		log_warn("ticket not issued: %s (printer %s, voided %s)", kiosk_strerror(r.rc),
			 printer_state_name(r.printer), r.voided ? r.number : "none");
	if (r.rc == KIOSK_OK && r.printer == PRINTER_NEAR_END)
		log_warn("printer paper near end: tell staff");
	if (!r.storage_fault)
		fleet_printer(a, r.printer);
	session_print_done(s, &r);
	app_queue_after_print(a, s, &r, has_wait ? &w : NULL);
}

/* The scanner from the configuration (serial path or HID VID:PID); the
 * simulated one in scenario mode. A missing scanner is retried every 2 s. */
static void scanner_start(app_t *a)
{
	const scanner_ops_t *ops = NULL;
	const char *arg = NULL;
	if (a->virtual_time) {
		ops = &scanner_sim_ops;
	} else if (a->cfg.scanner_device[0]) {
		ops = &scanner_serial_ops;
		arg = a->cfg.scanner_device;
	} else if (a->cfg.scanner_usb[0]) {
		ops = &scanner_hid_ops;
		arg = a->cfg.scanner_usb;
	}
	if (!ops)
		return;
	if (scanner_open(ops, arg, &a->scanner) != KIOSK_OK) {
		a->scanner = NULL;
		a->scanner_retry = kclock_mono(&a->clock) + 2000;
	} else {
		a->scanner_retry = 0;
		log_info("scanner ready (%s)", ops == &scanner_sim_ops ? "simulated"
					       : ops == &scanner_serial_ops ? "serial" : "keyboard mode");
	}
}

static void scanner_poll(app_t *a)
{
	if (!a->scanner) {
		if (a->scanner_retry && kclock_mono(&a->clock) >= a->scanner_retry)
			scanner_start(a);
		return;
	}
	char line[SCANNER_LINE_MAX];
	size_t len = 0;
	for (;;) {
		int rc = scanner_read(a->scanner, line, sizeof line, &len);
		if (rc == KIOSK_OK) {
			session_scan(a->session, line); /* the raw text is never logged */
			explicit_bzero(line, sizeof line);
		} else if (rc == KIOSK_ENODEV) {
			log_warn("scanner unplugged");
			scanner_close(a->scanner);
			a->scanner = NULL;
			a->scanner_retry = kclock_mono(&a->clock) + 2000;
			break;
		} else if (rc == KIOSK_ERANGE) {
			continue; /* an overlong line was dropped */
		} else {
			break;
		}
	}
}

/* The board's updaters (a stick, a data bundle pushed over the fleet): they
 * wait until we say we are idle, and we show the progress until it finishes
 * (then systemd restarts us if a new version went in; otherwise Welcome
 * returns). */
static void runlink_step(app_t *a)
{
	if (!a->runlink)
		return;
	session_t *s = a->session;
	runlink_status_t st;
	runlink_read(a->runlink, &st);
	bool idle = !s->warning && (s->screen == SCR_WELCOME || s->screen == SCR_CLOSED ||
				    s->screen == SCR_LUNCH || s->screen == SCR_OUT_OF_SERVICE);
	if (st.active && a->menu && (idle || a->board_update)) {
		if (!a->board_update)
			log_info("an update is running (stick or fleet): showing its progress");
		a->board_update = true;
		menu_show_progress(a->menu, s, st.percent, st.phase);
	} else if (!st.active && a->board_update) {
		a->board_update = false;
		log_info("the update finished (%s)", st.result[0] ? st.result : "no result");
		session_reset(s);
	}
	idle = !s->warning && (s->screen == SCR_WELCOME || s->screen == SCR_CLOSED ||
			       s->screen == SCR_LUNCH || s->screen == SCR_OUT_OF_SERVICE);
	runlink_publish(a->runlink, app_screen_id(a), idle && !a->board_update);
}

void app_step(app_t *a)
{
	SDL_Event e;
	while (SDL_PollEvent(&e))
		sdl_event(a, &e);
	scanner_poll(a);
	runlink_step(a);
	session_tick(a->session);
	if (a->tickets)
		tickets_tick(a->tickets);
	if (a->session->print_pending)
		do_print(a);
	app_queue_tick(a);
	app_read_tick(a);
	if (a->redraw_at && kclock_mono(&a->clock) >= a->redraw_at) {
		a->redraws++;
		a->redraw_at = a->redraws < 5 ? kclock_mono(&a->clock) + 1000 * (1 << a->redraws) : 0;
		a->dirty = true;
	}
	if (a->dirty || a->drawn_generation != a->session->generation)
		app_draw(a);
	if (a->restart_at && kclock_mono(&a->clock) >= a->restart_at && !a->quit) {
		log_info("restarting to apply the new settings");
		a->quit = 1; /* a clean exit; kiosk.service starts the kiosk again */
	}
}

/* ---- the sleeping main loop ------------------------------------------------ */

typedef struct {
	int fds[MAX_EVDEV];
	int n;
	int inotify;
} evdev_t;

/* Our own read-only handles on the input devices: only to wake up when they
 * have data (SDL reads its own handles); drained after each wakeup. */
static void evdev_scan(evdev_t *ev)
{
	for (int i = 0; i < ev->n; i++)
		close(ev->fds[i]);
	ev->n = 0;
	DIR *d = opendir("/dev/input");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && ev->n < MAX_EVDEV) {
		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		char p[300];
		snprintf(p, sizeof p, "/dev/input/%s", de->d_name);
		int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			ev->fds[ev->n++] = fd;
	}
	closedir(d);
}

static bool driver_waits(void)
{
	/* Backends with a real blocking wait in SDL 2.26; the rest (offscreen,
	 * KMSDRM) would spin about every millisecond. */
	const char *d = SDL_GetCurrentVideoDriver();
	return d && (strcmp(d, "x11") == 0 || strcmp(d, "wayland") == 0);
}

static int64_t next_deadline(app_t *a)
{
	int64_t d = session_next_deadline(a->session);
	if (a->session->warning) {
		/* The countdown on screen changes every second. */
		int64_t now = kclock_mono(&a->clock);
		int64_t left = a->session->warn_deadline - now;
		int64_t tick = now + (left % 1000 ? left % 1000 : 1000);
		if (d < 0 || tick < d)
			d = tick;
	}
	int64_t t = a->tickets ? tickets_next_deadline(a->tickets) : -1;
	if (t >= 0 && (d < 0 || t < d))
		d = t;
	if (a->scanner_retry && (d < 0 || a->scanner_retry < d))
		d = a->scanner_retry;
	int64_t qd = app_queue_deadline(a);
	if (qd >= 0 && (d < 0 || qd < d))
		d = qd;
	int64_t rd = app_read_deadline(a);
	if (rd >= 0 && (d < 0 || rd < d))
		d = rd;
	if (a->redraw_at && (d < 0 || a->redraw_at < d))
		d = a->redraw_at;
	if (a->restart_at && (d < 0 || a->restart_at < d))
		d = a->restart_at;
	return d;
}

/* The health check of a (new) slot: fonts that draw Vietnamese, a catalog
 * with procedures, an open ledger, and a first frame on screen. Only then is
 * the running version marked good (when kiosk-launcher started us). */
static int health_check(app_t *a)
{
	const char *fail = NULL;
	TTF_Font *f = a->fonts ? fonts_get(a->fonts, FONT_REGULAR, 42) : NULL;
	const char *fp = a->fonts ? fonts_problem(a->fonts, NULL) : "no fonts";
	if (fp[0]) {
		log_error("health check failed: fonts: %s", fp);
		fprintf(stderr, "kiosk: health check failed: fonts: %s\n", fp);
		return 1;
	}
	if (update_health_fail_injected("fonts") || !f || !TTF_GlyphIsProvided32(f, 0x1EBF))
		fail = "fonts";
	else if (update_health_fail_injected("catalog") || !a->cat || !catalog_proc_count(a->cat))
		fail = "catalog";
	else if (update_health_fail_injected("ledger") || !a->tickets)
		fail = "ledger";
	else if (update_health_fail_injected("frame") || !a->first_frame_done)
		fail = "frame";
	if (fail) {
		log_error("health check failed: %s", fail);
		fprintf(stderr, "kiosk: health check failed: %s\n", fail);
		return 1;
	}
	char err[256] = "";
	int rc = update_mark_good_env(err, sizeof err);
	if (rc == KIOSK_OK)
		log_info("health check passed; this version is marked good");
	else if (rc != KIOSK_ENOENT) {
		log_error("cannot mark this version good: %s", err);
		return 1;
	}
	return 0;
}

/* The service's watchdog (kiosk.service WatchdogSec=): petted from the main
 * loop at half the interval, and from the progress redraws of long work on
 * the loop's thread (an install from the technician menu), so only a hung
 * kiosk gets restarted. */
void app_watchdog(app_t *a)
{
	int64_t now = kclock_mono(&a->clock);
	if (a->wd_ms > 0 && now >= a->wd_next) {
		sdnotify("WATCHDOG=1");
		a->wd_next = now + a->wd_ms / 2;
	}
}

/* X11 and Wayland: the loop waits inside SDL_WaitEventTimeout, which
 * retries its poll when a signal interrupts it, so the signal pipe is
 * watched by this thread instead: a byte there (a signal, or the loop's own
 * stop) pushes an event, which wakes SDL's wait at once. (SDL_PushEvent is
 * not safe in a signal handler; from a thread it is.) */
static int sig_watch(void *unused)
{
	(void)unused;
	struct pollfd p = {.fd = sig_pipe[0], .events = POLLIN};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	SDL_Event e = {.type = SDL_QUIT};
	SDL_PushEvent(&e);
	return 0;
}

static void main_loop(app_t *a)
{
	evdev_t ev = {.n = 0, .inotify = -1};
	bool waits = driver_waits();
	const char *drv = SDL_GetCurrentVideoDriver();
	if (drv && strcmp(drv, "KMSDRM") == 0) {
		evdev_scan(&ev);
		ev.inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ev.inotify >= 0)
			inotify_add_watch(ev.inotify, "/dev/input", IN_CREATE | IN_DELETE);
	}
	a->wd_ms = sdnotify_watchdog_ms();
	SDL_Thread *watch = waits && sig_pipe[0] >= 0 ? SDL_CreateThread(sig_watch, "kiosk-signals", NULL)
						      : NULL;
	while (!a->quit && !got_signal) {
		app_step(a);
		if (a->quit || got_signal)
			break;
		int64_t d = next_deadline(a);
		int64_t now = kclock_mono(&a->clock);
		if (a->wd_ms > 0) {
			app_watchdog(a);
			if (d < 0 || a->wd_next < d)
				d = a->wd_next;
		}
		int timeout = d < 0 ? -1 : d <= now ? 0 : (int)(d - now > 60000 ? 60000 : d - now);
		if (waits) {
			/* The window system's socket is SDL's to wait on. */
			SDL_Event e;
			if (SDL_WaitEventTimeout(&e, timeout < 0 ? 60000 : timeout)) {
				sdl_event(a, &e);
			}
			a->wakeups++;
			continue;
		}
		struct pollfd p[MAX_EVDEV + 8];
		int np = 0;
		p[np++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
		for (int i = 0; i < ev.n; i++)
			p[np++] = (struct pollfd){.fd = ev.fds[i], .events = POLLIN};
		if (ev.inotify >= 0)
			p[np++] = (struct pollfd){.fd = ev.inotify, .events = POLLIN};
		int rfd = runlink_fd(a->runlink);
		if (rfd >= 0)
			p[np++] = (struct pollfd){.fd = rfd, .events = POLLIN};
		int sfd = a->scanner ? scanner_fd(a->scanner) : -1;
		if (sfd >= 0)
			p[np++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		int tfds[4];
		int nt = a->tickets ? tickets_poll_fds(a->tickets, tfds, 4) : 0;
		for (int i = 0; i < nt; i++)
			p[np++] = (struct pollfd){.fd = tfds[i], .events = POLLIN};
		int r = poll(p, (nfds_t)np, timeout);
		a->wakeups++;
		if (r <= 0)
			continue;
		char buf[4096];
		for (int i = 1; i <= ev.n; i++)
			if (p[i].revents & POLLIN)
				while (read(p[i].fd, buf, sizeof buf) > 0)
					;
		if (ev.inotify >= 0 && (p[1 + ev.n].revents & POLLIN)) {
			while (read(ev.inotify, buf, sizeof buf) > 0)
				;
			evdev_scan(&ev);
		}
	}
	if (watch) {
		char c = 0;
		ssize_t r = write(sig_pipe[1], &c, 1); /* ends the watch if no signal did */
		(void)r;
		SDL_WaitThread(watch, NULL);
	}
	for (int i = 0; i < ev.n; i++)
		close(ev.fds[i]);
	if (ev.inotify >= 0)
		close(ev.inotify);
}

/* ---- start-up ---------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return KIOSK_EIO;
	return KIOSK_OK;
}

/* What the tickets module takes from a->cfg; the strings it points at live
 * in *b. */
typedef struct {
	char allow[CONFIG_MAX_USB * 11];
	char i18n[1100];
} tickets_strings_t;

static void tickets_config_of(app_t *a, tickets_config_t *tc, tickets_strings_t *b)
{
	priority_policy_t pol = strcmp(a->cfg.queue_priority, "series") == 0 ? PRIORITY_SERIES
				: strcmp(a->cfg.queue_priority, "mark") == 0 ? PRIORITY_MARK
									      : PRIORITY_NONE;
	b->allow[0] = 0;
	for (int i = 0; i < a->cfg.printer_usb_allow_count; i++) {
		strcat(b->allow, i ? "," : "");
		strcat(b->allow, a->cfg.printer_usb_allow[i]);
	}
	app_paths_asset(&a->paths, "i18n", b->i18n, sizeof b->i18n);
	/* Full screen is the board: "auto" never falls back to the file
	 * printer there (a spool of answers on disk, a number nobody holds);
	 * no USB printer means "printer not ready" and no number. */
	const char *transport = a->cfg.printer_transport;
	if (a->opt->mode == MODE_FULLSCREEN && strcmp(transport, "auto") == 0)
		transport = "usb";
	*tc = (tickets_config_t){
		.data_dir = a->paths.data, .spool_dir = a->spool, .assets_dir = a->paths.assets, .i18n_dir = b->i18n,
		.i18n = a->tr,
		.transport = transport, .profile = a->cfg.printer_profile,
		.office_name = a->cfg.office_name, .usb_allow = b->allow,
		.daily_cap = a->cfg.queue_daily_cap, .priority = pol,
		.priority_letter = a->cfg.queue_priority_letter, .clock = &a->clock,
		.hours = &a->cfg, .rating_hint = a->cfg.counters_count > 0,
	};
}

/* Open the ledger and printer from a->cfg (start-up, factory reset). */
int app_open_tickets(app_t *a)
{
	char err[1024] = "";
	tickets_strings_t b;
	tickets_config_t tc;
	tickets_config_of(a, &tc, &b);
	int rc = tickets_open(&tc, &a->tickets, err, sizeof err);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk: ledger/printer error: %s\n", err);
		log_error("ledger/printer error: %s", err);
		/* What the technician reads on the out-of-service screen. */
		a->tickets_oos = rc == KIOSK_ENOSPC	 ? "ui.oos_storage_full"
				 : rc == KIOSK_EROFS	 ? "ui.oos_storage_readonly"
				 : rc == KIOSK_ECORRUPT ? "ui.oos_data_damaged"
							 : "ui.oos_storage_error";
	}
	return rc;
}

int app_config_changed(app_t *a)
{
	/* The session, the screens and the menus read a->cfg itself; the
	 * tickets module keeps its own copy and is handed the new one. */
	a->dirty = true;
	if (!a->tickets)
		return KIOSK_OK;
	char err[1024] = "";
	tickets_strings_t b;
	tickets_config_t tc;
	tickets_config_of(a, &tc, &b);
	int rc = tickets_set_config(a->tickets, &tc, err, sizeof err);
	if (rc)
		log_error("configuration not applied to the printer: %s", err);
	return rc;
}

static int load_all(app_t *a)
{
	const app_options_t *o = a->opt;
	char err[1024] = "";
	app_paths_init(&a->paths, o);
	if (o->spool_dir)
		snprintf(a->spool, sizeof a->spool, "%s", o->spool_dir);
	else
		snprintf(a->spool, sizeof a->spool, "%s/spool", a->paths.data);
	if (mkdir_p(a->paths.data) != KIOSK_OK) {
		fprintf(stderr, "kiosk: %s: cannot create the data folder\n", a->paths.data);
		return 1;
	}
	app_paths_use_data_slot(&a->paths);
	/* The log first, at the default size, so that an error in site.json or
	 * local.json reaches kiosk.log too; then again at the configured size. */
	char logs[1100];
	snprintf(logs, sizeof logs, "%s/logs", a->paths.data);
	log_open(logs, 512 * 1024);
	if (app_paths_config(&a->paths, &a->cfg, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: configuration error: %s\n", err);
		log_error("configuration error: %s", err);
		return 1;
	}
	log_open(logs, (size_t)a->cfg.log_max_kb * 1024);
	if (getenv("KIOSK_LOG_DEBUG"))
		log_set_level(LOG_DEBUG);
	char path[1100];
	if (a->paths.data_slot[0]) {
		char v[32] = "";
		snprintf(path, sizeof path, "%s/VERSION", a->paths.data_slot);
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(v, sizeof v, f))
				v[0] = 0;
			fclose(f);
		}
		v[strcspn(v, "\r\n")] = 0;
		log_info("data bundle %s in use (%s)", v[0] ? v : "without VERSION", a->paths.data_slot);
	}
	app_paths_asset(&a->paths, "catalog.json", path, sizeof path);
	if (catalog_load(path, &a->cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: catalog error: %s\n", err);
		log_error("catalog error: %s", err);
		return 1;
	}
	app_paths_asset(&a->paths, "i18n", path, sizeof path);
	if (i18n_load(path, &a->tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: translation error: %s\n", err);
		log_error("translation error: %s", err);
		return 1;
	}
	/* The fonts before the ledger and printer: a missing or damaged font is
	 * a font problem (not a ledger/printer error), and with one the kiosk
	 * issues no tickets: it shows the out-of-service screen (app_run). */
	if (!TTF_WasInit() && TTF_Init() != 0) {
		fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
		return 1;
	}
	char verified[1100] = "";
	if (a->paths.data[0])
		snprintf(verified, sizeof verified, "%s/fonts.verified", a->paths.data);
	if (fonts_open_cached(a->paths.assets, verified[0] ? verified : NULL, &a->fonts, err, sizeof err) !=
	    KIOSK_OK) {
		fprintf(stderr, "kiosk: font problem: %s\n", err);
		log_error("font problem: %s", err);
		return 1;
	}
	const char *fp = fonts_problem(a->fonts, NULL);
	if (fp[0]) {
		fprintf(stderr, "kiosk: font problem: %s; no tickets are issued\n", fp);
		log_error("font problem: %s; out of service, no tickets are issued", fp);
		return 0;
	}
	/* A ledger that cannot be opened (storage full, read-only, damaged) is
	 * the machine's problem, not the version's: the kiosk stays up out of
	 * service and says why (app_run), and the next start tries again. */
	app_open_tickets(a);
	fleet_open(a);
	app_queue_open(a);
	return 0;
}

/* The display as the options and a->cfg say, the renderer and the draw
 * list. 0 or 1 (the reason on stderr). */
static int setup_display(app_t *a)
{
	if (platform_open_for(a->opt, &a->cfg, &a->plat) != KIOSK_OK)
		return 1;
	/* The fonts were opened and verified by load_all. */
	a->render = render_create(platform_renderer(a->plat), a->fonts);
	a->dl = malloc(sizeof *a->dl);
	if (!a->render || !a->dl || tapfilter_new(&a->taps) != KIOSK_OK) {
		fprintf(stderr, "kiosk: out of video memory: %s\n", SDL_GetError());
		return 1;
	}
	return 0;
}

static void teardown(app_t *a)
{
	scanner_close(a->scanner);
	runlink_close(a->runlink);
	app_menu_teardown(a);
	session_destroy(a->session);
	app_queue_close(a);
	app_read_close(a);
	app_sound_close();
	tickets_close(a->tickets); /* the ledger is closed cleanly */
	outbox_close(a->fleet);
	a->fleet = NULL;
	free(a->dl);
	render_destroy(a->render);
	tapfilter_free(a->taps);
	fonts_close(a->fonts);
	if (TTF_WasInit())
		TTF_Quit();
	platform_close(a->plat); /* and SDL */
	i18n_free(a->tr);
	catalog_free(a->cat);
	layoutrep_close(a->report);
	log_close();
}

int gallery_run(app_t *a, const char *dir);

int app_run(const app_options_t *opt)
{
	if (opt->board_url || opt->board_feed || opt->board_gallery)
		return board_run(opt); /* the wall board (app/board_app.c) */
	app_t *a = calloc(1, sizeof *a);
	if (!a)
		return 1;
	a->opt = opt;
	a->virtual_time = opt->script || opt->gallery;
	if (a->virtual_time) {
		/* Scenario time: Monday 2026-01-05 09:00 in Vietnam, trusted. */
		kclock_parse_iso("2026-01-05T09:00:00+07:00", &a->vclock.now_ms);
		a->vclock.mono_ms = 1000000;
		a->vclock.trusted = true;
		kclock_virtual(&a->clock, &a->vclock);
	} else {
		static char marker[1100];
		snprintf(marker, sizeof marker, "%s/clock-set-by-staff",
			 opt->data_dir ? opt->data_dir : "kiosk-data");
		kclock_real(&a->clock, marker);
	}
	a->start_mono = kclock_mono(&a->clock);
	(void)layoutrep_open(opt->report, &a->report); /* a failure is said; the kiosk runs on */
	int rc = load_all(a);
	if (rc == 0)
		rc = setup_display(a);
	if (rc == 0) {
		session_hooks_t hooks = {.check = hook_check, .help = hook_help, .rate = hook_rate, .ctx = a};
		a->session = session_create(a->cat, &a->cfg, &a->clock, &hooks);
		if (!a->session)
			rc = 1;
		else
			scanner_start(a);
		const char *ff = NULL;
		if (a->session && fonts_problem(a->fonts, &ff)[0])
			session_out_of_service(a->session, "ui.oos_fonts", ff);
		else if (a->session && !a->tickets)
			session_out_of_service(a->session, a->tickets_oos ? a->tickets_oos : "ui.oos_storage_error",
					       "ledger.db");
		if (!a->virtual_time) {
			const char *run = getenv("KIOSK_RUN_DIR");
			a->runlink = runlink_open(run ? run : "/run/kiosk");
		}
	}
	if (rc == 0)
		rc = app_menu_setup(a); /* PIN store, menus, first boot */
	if (rc == 0) {
		if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
			sig_app = a;
			struct sigaction sa = {.sa_handler = on_signal};
			sigemptyset(&sa.sa_mask);
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGINT, &sa, NULL);
		}
		log_info("kiosk started");
		if (opt->self_test) {
			app_step(a); /* the first frame */
			rc = health_check(a) ? 3 : 0;
		} else if (opt->gallery)
			rc = gallery_run(a, opt->gallery);
		else if (opt->script)
			rc = script_run(a, opt->script);
		else {
			app_step(a);
			/* The first frames on KMSDRM can be lost while the display
			 * comes up (seen on the virtual office: a black screen until the
			 * first touch). Present again 1, 2, 4, 8 and 16 s after start:
			 * five wakeups in all, then the kiosk sleeps. */
			a->redraw_at = kclock_mono(&a->clock) + 1000;
			const char *trial = getenv("KIOSK_TRIAL");
			bool version_at_fault = !a->session->out_of_service || !a->tickets_oos;
			if (health_check(a) != 0 && version_at_fault &&
			    (!a->session->out_of_service || (trial && !strcmp(trial, "1")))) {
				/* A version on trial (kiosk-launcher says so): the start
				 * counts as failed and it is rolled back after its trial
				 * starts. A good version out of service stays up. */
				rc = 3;
			} else {
				/* Healthy, or out of service without a launcher: the
				 * citizen sees the out-of-service screen, no tickets. */
				sdnotify("READY=1");
				main_loop(a);
				sdnotify("STOPPING=1");
			}
		}
		if (got_signal)
			log_info("stopping on signal %d", (int)got_signal);
	}
	if (opt->self_test && rc != 0)
		rc = 3; /* whatever failed (a font, a catalog, a translation): 3 */
	if (opt->stats)
		fprintf(stderr, "kiosk: wakeups=%lu frames=%lu\n", a->wakeups, a->frames);
	sig_app = NULL;
	teardown(a);
	free(a);
	return rc;
}
