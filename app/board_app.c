/* board_app.c - the wall board mode of the kiosk binary (kiosk --board URL):
 * opens the display like the kiosk (app/platform), reads the hub's event
 * stream (drivers/hubfeed, in its own thread) or a file of snapshots, keeps
 * the board state (flow/board) and draws it (ui/board_screen). It has no
 * ledger, printer or session. Headless with --screenshots DIR it writes
 * DIR/board.png (and with --targets DIR/board.targets, one JSON line per
 * text drawn) after every change, replaced atomically, for tests;
 * --board-gallery DIR renders the sample states of app/board_gallery.
 * New calls are spoken by app/board_voice (SDL audio; --audio-out DIR also
 * writes each call's audio as a WAV file). */
#include "app/board_app.h"

#include <SDL.h>
#include <SDL_ttf.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/board_gallery.h"
#include "app/board_voice.h"
#include "app/paths.h"
#include "app/platform.h"
#include "app/targets.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "domain/config.h"
#include "drivers/hubfeed/hubfeed.h"
#include "flow/board.h"
#include "ui/board_screen.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "ui/render.h"
#include "ui/theme.h"

static volatile sig_atomic_t stop_sig;
static void on_stop(int sig)
{
	stop_sig = sig;
}

typedef struct {
	const app_options_t *opt;
	app_paths_t paths;
	config_t cfg;
	i18n_t *tr;
	fonts_t *fonts;
	kclock_t clock;
	kclock_virtual_t vclock;   /* a file feed headless, the gallery */
	bool virtual_time;
	platform_t *plat;
	renderer_t *render;
	drawlist_t *dl;
	unsigned long wakeups, frames;
	board_t b;
	lang_t lang;
	theme_id_t theme;
	hubfeed_t *feed;
	hubfeed_status_t seen;
	board_voice_t *voice;
	int64_t shown_seq;         /* --stats: the snapshot whose new calls were logged */
} bapp_t;

/* The frame: the draw list draw() built (platform_paint_fn). */
static void paint(void *ctx)
{
	bapp_t *ba = ctx;
	render_draw(ba->render, ba->dl, ba->theme, true);
}

static void draw(bapp_t *ba, int64_t now)
{
	board_screen_t c = {.b = &ba->b, .tr = ba->tr, .fonts = ba->fonts, .lang = ba->lang,
			    .theme = ba->theme, .now = now,
			    .local_ms = kclock_trusted(&ba->clock) ? kclock_now(&ba->clock) : 0};
	platform_size(ba->plat, &c.w, &c.h);
	board_screen_build(ba->dl, &c);
	if (ba->dl->overflow)
		log_error("board: draw list overflow");
	platform_draw(ba->plat, ba->theme, paint, ba);
	ba->frames++;
}

/* --stats: each call a snapshot brought, with the wall clock (UTC ms) of
 * the frame that first shows it, for the office-day benchmark's
 * click-to-board latency (tests/bench/office_hub.sh). */
static void log_shown(bapp_t *ba)
{
	if (!ba->opt->stats || !ba->b.nfresh || ba->b.snap.seq == ba->shown_seq)
		return;
	ba->shown_seq = ba->b.snap.seq;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (int i = 0; i < ba->b.nfresh; i++)
		fprintf(stderr, "board: shown %s %lld\n", ba->b.fresh[i].number, ms);
}

/* Save the frame just drawn as path (written beside, then renamed). */
static int screenshot(bapp_t *ba, const char *path)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.png", path);
	int rc = platform_screenshot(ba->plat, tmp);
	if (rc == KIOSK_OK && rename(tmp, path) != 0)
		rc = KIOSK_EIO;
	if (rc == KIOSK_OK && ba->opt->targets)
		rc = targets_write(ba->dl, path, TARGETS_TEXTS);
	return rc;
}

/* Quiet hours (voice.quiet) by the board's clock, or the hub's when the
 * board's own is not trusted; no clock at all: not quiet. */
static bool quiet_now(bapp_t *ba, int64_t now)
{
	const config_period_t *q = &ba->cfg.voice_quiet;
	if (q->start_min < 0)
		return false;
	int64_t t = kclock_trusted(&ba->clock) ? kclock_now(&ba->clock) : board_hub_time(&ba->b, now);
	if (!t)
		return false;
	kclock_local_t l;
	kclock_to_local(t, &l);
	int m = l.hour * 60 + l.min;
	return q->start_min < q->end_min ? m >= q->start_min && m < q->end_min
					 : m >= q->start_min || m < q->end_min;
}

/* Speak the calls the last snapshot brought, oldest first; chime for a
 * kiosk's new help call. */
static void announce(bapp_t *ba, int64_t now)
{
	if (ba->voice && ba->b.nfresh_help) {
		board_voice_chime(ba->voice);
		log_info("board: a kiosk asks for staff (chime)");
	}
	if (!ba->voice || !ba->b.nfresh)
		return;
	bool quiet = quiet_now(ba, now);
	for (int i = 0; i < ba->b.nfresh; i++) {
		/* A counter named "Quầy 3" (the default words) is called "quầy số
		 * ba"; one with a name of its own by that name. */
		const board_call_t *k = &ba->b.fresh[i];
		char def[96], no[8];
		snprintf(no, sizeof no, "%d", k->counter);
		i18n_format(def, sizeof def, i18n_get(ba->tr, LANG_VI, "board.counter_n"), "n", no, NULL);
		const char *name = k->counter_name[LANG_VI];
		board_voice_call(ba->voice, k->number, k->counter, strcmp(name, def) != 0 ? name : NULL, quiet);
	}
	log_info("board: %d call%s announced%s", ba->b.nfresh, ba->b.nfresh > 1 ? "s" : "",
		 quiet ? " (quiet hours: the chime only)" : "");
}

/* The office's voice settings the hub sends (set from the kiosk's menu)
 * hold over this board's own, from the next call; the device stays its own. */
static void take_voice(bapp_t *ba)
{
	const board_snapshot_t *sn = &ba->b.snap;
	if (!sn->has_voice)
		return;
	board_voice_set(ba->voice, sn->volume, sn->repeat, sn->rate);
	ba->cfg.voice_volume = sn->volume;
	ba->cfg.voice_repeat = sn->repeat;
	ba->cfg.voice_rate = sn->rate;
	ba->cfg.voice_quiet = (config_period_t){sn->quiet_start, sn->quiet_end};
}

/* Take what the feed has: the link, signs of life, the newest snapshot.
 * Returns the feed's result (KIOSK_ENOENT: a file feed is used up). */
static int pull(bapp_t *ba, int64_t now)
{
	hubfeed_status_t st;
	char *json = NULL;
	int rc = hubfeed_take(ba->feed, &st, &json);
	if (st.connects != ba->seen.connects)
		log_info("board: connected to the hub");
	board_link(&ba->b, st.connected, now);
	if (st.heard != ba->seen.heard)
		board_heard(&ba->b, now);
	if (json) {
		if (board_feed(&ba->b, json, strlen(json), now) != KIOSK_OK)
			log_warn("board: a malformed snapshot ignored (%u so far); the last good one stays",
				 ba->b.bad);
		else
			take_voice(ba), announce(ba, now);
		free(json);
	}
	ba->seen = st;
	return rc;
}

static int gallery(bapp_t *ba, const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "kiosk: %s: cannot create\n", dir);
		return 1;
	}
	int64_t now = kclock_mono(&ba->clock);
	int lw, lh;
	platform_size(ba->plat, &lw, &lh);
	for (size_t i = 0; i < board_gallery_state_count; i++)
		for (int th = 0; th < THEME_COUNT; th++)
			for (int l = 0; l < LANG_COUNT; l++) {
				const board_gallery_state_t *st = &board_gallery_states[i];
				board_gallery_apply(&ba->b, st, now);
				ba->theme = (theme_id_t)th;
				ba->lang = (lang_t)l;
				draw(ba, now);
				char path[4096];
				snprintf(path, sizeof path, "%s/board-%s__%s__%s__%s.png", dir, st->name,
					 lw >= lh ? "landscape" : "portrait", theme_name(ba->theme),
					 lang_code(ba->lang));
				if (screenshot(ba, path) != KIOSK_OK) {
					fprintf(stderr, "kiosk: %s: cannot write\n", path);
					return 1;
				}
			}
	return 0;
}

/* The speaking thread and the audio device (voice.* settings); the pack
 * in <data>/voice-pack when there is one. */
static void open_voice(bapp_t *ba)
{
	char pack[1200];
	struct stat st;
	snprintf(pack, sizeof pack, "%s/voice-pack/manifest.json", ba->paths.data);
	bool has_pack = stat(pack, &st) == 0;
	snprintf(pack, sizeof pack, "%s/voice-pack", ba->paths.data);
	board_voice_opts_t vo = {.tr = ba->tr, .device = ba->cfg.voice_device, .volume = ba->cfg.voice_volume,
				 .repeat = ba->cfg.voice_repeat, .rate = ba->cfg.voice_rate,
				 .pack_dir = has_pack ? pack : NULL, .out_dir = ba->opt->audio_out};
	if (board_voice_open(&vo, &ba->voice) != KIOSK_OK)
		log_error("board: the calls cannot be spoken (no memory or thread)");
}

static int run(bapp_t *ba)
{
	const app_options_t *o = ba->opt;
	const hubfeed_ops_t *ops = o->board_feed ? &hubfeed_file_ops : &hubfeed_http_ops;
	int rc = hubfeed_open(ops, o->board_feed ? o->board_feed : o->board_url, &ba->feed);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk: --board%s %s: %s\n", o->board_feed ? "-feed" : "",
			o->board_feed ? o->board_feed : o->board_url,
			o->board_feed ? "cannot read the file" : "expected http://HOST:PORT");
		return 2;
	}
	char shot[4096] = "";
	if (o->screenshots) {
		mkdir(o->screenshots, 0755);
		snprintf(shot, sizeof shot, "%s/board.png", o->screenshots);
	}
	bool headless = o->mode == MODE_HEADLESS;
	log_info("board started (%s)", o->board_feed ? "file" : "hub");
	open_voice(ba);
	int64_t start = kclock_mono(&ba->clock);
	int64_t redraw_at = start + 1000; /* KMSDRM may lose the first frames */
	uint32_t drawn = (uint32_t)-1;
	while (!stop_sig) {
		int64_t now = kclock_mono(&ba->clock);
		int fr = pull(ba, now);
		board_tick(&ba->b, now);
		bool due = redraw_at && now >= redraw_at;
		if (ba->b.generation != drawn || due) {
			draw(ba, now);
			log_shown(ba);
			drawn = ba->b.generation;
			if (due)
				redraw_at = now - start < 16000 ? now + (now - start) : 0;
			if (shot[0] && screenshot(ba, shot) != KIOSK_OK) {
				fprintf(stderr, "kiosk: %s: cannot write\n", shot);
				return 1;
			}
		}
		if (o->board_feed) {
			if (fr == KIOSK_ENOENT && headless) {
				/* The file is played: the last frame is saved and
				 * every call's audio rendered; without --audio-out
				 * the device plays it out first (SDL's disk driver
				 * in tests). */
				board_voice_drain(ba->voice, !o->audio_out, 120000);
				break;
			}
			if (fr == KIOSK_OK && headless) {
				/* Scenario time: a second between the file's events. */
				kclock_virtual_advance(&ba->vclock, 1000);
				continue;
			}
		}
		SDL_Event e;
		while (SDL_PollEvent(&e))
			if (e.type == SDL_QUIT)
				stop_sig = SIGTERM;
			else if (e.type == SDL_WINDOWEVENT)
				drawn = (uint32_t)-1;
		int64_t d = board_next_deadline(&ba->b, now);
		int64_t lt = kclock_trusted(&ba->clock) ? kclock_now(&ba->clock) : 0;
		if (lt && !ba->b.have) {
			int64_t m = now + (60000 - lt % 60000);
			if (d < 0 || m < d)
				d = m;
		}
		if (redraw_at && (d < 0 || redraw_at < d))
			d = redraw_at;
		int timeout = d < 0 ? 60000 : d <= now ? 0 : (int)(d - now > 60000 ? 60000 : d - now);
		if (!headless && timeout > 250)
			timeout = 250; /* the window system's events */
		struct pollfd p = {.fd = hubfeed_fd(ba->feed), .events = POLLIN};
		int r = poll(&p, p.fd >= 0 ? 1 : 0, timeout);
		if (r < 0 && errno != EINTR)
			break;
		ba->wakeups++;
	}
	return 0;
}

static int load(bapp_t *ba)
{
	const app_options_t *o = ba->opt;
	char err[1024] = "", path[1100];
	app_paths_init(&ba->paths, o);
	if (o->data_dir) {
		char logs[1100];
		snprintf(logs, sizeof logs, "%s/logs", ba->paths.data);
		mkdir(ba->paths.data, 0755);
		mkdir(logs, 0755);
		log_open(logs, 512 * 1024);
	}
	if (app_paths_config(&ba->paths, &ba->cfg, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: configuration error: %s\n", err);
		return 1;
	}
	app_paths_asset(&ba->paths, "i18n", path, sizeof path);
	if (i18n_load(path, &ba->tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: translation error: %s\n", err);
		return 1;
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
		return 1;
	}
	char verified[1100] = "";
	if (ba->paths.data[0])
		snprintf(verified, sizeof verified, "%s/fonts.verified", ba->paths.data);
	if (fonts_open_cached(ba->paths.assets, verified[0] ? verified : NULL, &ba->fonts, err, sizeof err) !=
	    KIOSK_OK) {
		fprintf(stderr, "kiosk: font problem: %s\n", err);
		return 1;
	}
	return 0;
}

int board_run(const app_options_t *opt)
{
	bapp_t *ba = calloc(1, sizeof *ba);
	if (!ba)
		return 1;
	ba->opt = opt;
	board_init(&ba->b);
	ba->virtual_time = opt->board_gallery || (opt->board_feed && opt->mode == MODE_HEADLESS);
	if (ba->virtual_time) {
		kclock_parse_iso("2026-01-05T09:00:00+07:00", &ba->vclock.now_ms);
		ba->vclock.mono_ms = 1000000;
		ba->vclock.trusted = true;
		kclock_virtual(&ba->clock, &ba->vclock);
	} else {
		kclock_real(&ba->clock, NULL);
	}
	int rc = load(ba);
	if (rc == 0)
		rc = platform_open_for(opt, &ba->cfg, &ba->plat) == KIOSK_OK ? 0 : 1;
	if (rc == 0) {
		ba->render = render_create(platform_renderer(ba->plat), ba->fonts);
		ba->dl = malloc(sizeof *ba->dl);
		if (!ba->render || !ba->dl) {
			fprintf(stderr, "kiosk: out of video memory: %s\n", SDL_GetError());
			rc = 1;
		}
	}
	if (rc == 0) {
		ba->theme = opt->theme && strcmp(opt->theme, "hc") == 0 ? THEME_HC : THEME_DEFAULT;
		lang_t l = LANG_VI;
		if (lang_parse(opt->lang ? opt->lang : ba->cfg.ui_lang, &l) != KIOSK_OK)
			l = LANG_VI;
		ba->lang = l;
		struct sigaction sa = {.sa_handler = on_stop};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		rc = opt->board_gallery ? gallery(ba, opt->board_gallery) : run(ba);
		if (stop_sig)
			log_info("board stopping on signal %d", (int)stop_sig);
	}
	if (opt->stats) {
		fprintf(stderr, "kiosk: wakeups=%lu frames=%lu\n", ba->wakeups, ba->frames);
		board_voice_stats(ba->voice, stderr);
	}
	board_voice_close(ba->voice);
	hubfeed_close(ba->feed);
	free(ba->dl);
	render_destroy(ba->render);
	fonts_close(ba->fonts);
	if (TTF_WasInit())
		TTF_Quit();
	platform_close(ba->plat); /* and SDL */
	i18n_free(ba->tr);
	log_close();
	free(ba);
	return rc;
}
