/* board_app.c - the wall board mode of the kiosk binary (kiosk --board URL):
 * opens the display like the kiosk (app_setup_sdl), reads the hub's event
 * stream (drivers/hubfeed, in its own thread) or a file of snapshots, keeps
 * the board state (flow/board) and draws it (ui/board_screen). It has no
 * ledger, printer or session. Headless with --screenshots DIR it writes
 * DIR/board.png (and with --targets DIR/board.targets, one JSON line per
 * text drawn) after every change, replaced atomically, for tests;
 * --board-gallery DIR renders the sample states of app/board_gallery.
 * New calls are spoken by app/board_voice (SDL audio; --audio-out DIR also
 * writes each call's audio as a WAV file). */
#include "app/app_internal.h"
#include "app/board_gallery.h"
#include "app/board_voice.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/pngout.h"
#include "drivers/hubfeed/hubfeed.h"
#include "flow/board.h"
#include "ui/board_screen.h"

static volatile sig_atomic_t stop_sig;
static void on_stop(int sig)
{
	stop_sig = sig;
}

typedef struct {
	app_t *a;
	board_t b;
	lang_t lang;
	theme_id_t theme;
	hubfeed_t *feed;
	hubfeed_status_t seen;
	board_voice_t *voice;
} bapp_t;

static int read_band(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	app_t *a = ctx;
	SDL_Rect r = {0, y, a->log_w, n};
	return SDL_RenderReadPixels(a->sdl, &r, SDL_PIXELFORMAT_RGB24, buf, stride) == 0 ? 0 : -1;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* X.targets beside X.png: one line per text of the frame (the board has no
 * touch targets; tests read what it shows from here). */
static int write_texts(app_t *a, const char *png)
{
	char path[4200], tmp[4300];
	size_t n = strlen(png);
	if (n > 4 && strcmp(png + n - 4, ".png") == 0)
		n -= 4;
	snprintf(path, sizeof path, "%.*s.targets", (int)n, png);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return KIOSK_EIO;
	for (int i = 0; i < a->dl->n; i++) {
		const dc_t *c = &a->dl->cmds[i];
		if (c->kind != DC_TEXT || c->font == FONT_ICON)
			continue;
		fputs("{\"id\":\"text\",\"label\":", f);
		json_str(f, c->text);
		fprintf(f, ",\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"px\":%d,\"bg\":%d}\n", c->r.x, c->r.y, c->r.w,
			c->r.h, c->px, (int)c->bg);
	}
	if (fclose(f) != 0)
		return KIOSK_EIO;
	return rename(tmp, path) == 0 ? KIOSK_OK : KIOSK_EIO;
}

static void draw(bapp_t *ba, int64_t now)
{
	app_t *a = ba->a;
	board_screen_t c = {.b = &ba->b, .tr = a->tr, .fonts = a->fonts, .lang = ba->lang,
			    .theme = ba->theme, .now = now,
			    .local_ms = kclock_trusted(&a->clock) ? kclock_now(&a->clock) : 0,
			    .w = a->log_w, .h = a->log_h};
	board_screen_build(a->dl, &c);
	if (a->dl->overflow)
		log_error("board: draw list overflow");
	SDL_SetRenderTarget(a->sdl, a->target);
	render_draw(a->render, a->dl, ba->theme, true);
	SDL_SetRenderTarget(a->sdl, NULL);
	app_present(a, ba->theme);
	a->frames++;
}

/* Save the frame just drawn as path (written beside, then renamed). */
static int screenshot(bapp_t *ba, const char *path)
{
	app_t *a = ba->a;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.png", path);
	SDL_SetRenderTarget(a->sdl, a->target);
	int rc = pngout_write_rgb_rows(tmp, a->log_w, a->log_h, read_band, a);
	SDL_SetRenderTarget(a->sdl, NULL);
	if (rc == KIOSK_OK && rename(tmp, path) != 0)
		rc = KIOSK_EIO;
	if (rc == KIOSK_OK && a->opt->targets)
		rc = write_texts(a, path);
	return rc;
}

/* Quiet hours (voice.quiet) by the board's clock, or the hub's when the
 * board's own is not trusted; no clock at all: not quiet. */
static bool quiet_now(bapp_t *ba, int64_t now)
{
	const config_period_t *q = &ba->a->cfg.voice_quiet;
	if (q->start_min < 0)
		return false;
	int64_t t = kclock_trusted(&ba->a->clock) ? kclock_now(&ba->a->clock) : board_hub_time(&ba->b, now);
	if (!t)
		return false;
	kclock_local_t l;
	kclock_to_local(t, &l);
	int m = l.hour * 60 + l.min;
	return q->start_min < q->end_min ? m >= q->start_min && m < q->end_min
					 : m >= q->start_min || m < q->end_min;
}

/* Speak the calls the last snapshot brought, oldest first. */
static void announce(bapp_t *ba, int64_t now)
{
	if (!ba->voice || !ba->b.nfresh)
		return;
	bool quiet = quiet_now(ba, now);
	for (int i = 0; i < ba->b.nfresh; i++)
		board_voice_call(ba->voice, ba->b.fresh[i].number, ba->b.fresh[i].counter, quiet);
	log_info("board: %d call%s announced%s", ba->b.nfresh, ba->b.nfresh > 1 ? "s" : "",
		 quiet ? " (quiet hours: the chime only)" : "");
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
			announce(ba, now);
		free(json);
	}
	ba->seen = st;
	return rc;
}

static int gallery(bapp_t *ba, const char *dir)
{
	app_t *a = ba->a;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "kiosk: %s: cannot create\n", dir);
		return 1;
	}
	int64_t now = kclock_mono(&a->clock);
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
					 a->log_w >= a->log_h ? "landscape" : "portrait", theme_name(ba->theme),
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
	app_t *a = ba->a;
	char pack[1200];
	struct stat st;
	snprintf(pack, sizeof pack, "%s/voice-pack/manifest.json", a->data);
	bool has_pack = stat(pack, &st) == 0;
	snprintf(pack, sizeof pack, "%s/voice-pack", a->data);
	board_voice_opts_t vo = {.tr = a->tr, .device = a->cfg.voice_device, .volume = a->cfg.voice_volume,
				 .repeat = a->cfg.voice_repeat, .rate = a->cfg.voice_rate,
				 .pack_dir = has_pack ? pack : NULL, .out_dir = a->opt->audio_out};
	if (board_voice_open(&vo, &ba->voice) != KIOSK_OK)
		log_error("board: the calls cannot be spoken (no memory or thread)");
}

static int run(bapp_t *ba)
{
	app_t *a = ba->a;
	const app_options_t *o = a->opt;
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
	int64_t start = kclock_mono(&a->clock);
	int64_t redraw_at = start + 1000; /* KMSDRM may lose the first frames */
	uint32_t drawn = (uint32_t)-1;
	while (!stop_sig) {
		int64_t now = kclock_mono(&a->clock);
		int fr = pull(ba, now);
		board_tick(&ba->b, now);
		bool due = redraw_at && now >= redraw_at;
		if (ba->b.generation != drawn || due) {
			draw(ba, now);
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
				kclock_virtual_advance(&a->vclock, 1000);
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
		int64_t lt = kclock_trusted(&a->clock) ? kclock_now(&a->clock) : 0;
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
		a->wakeups++;
	}
	return 0;
}

static int load(app_t *a)
{
	const app_options_t *o = a->opt;
	char err[1024] = "", path[1100];
	kiosk_assets_dir(o->assets_dir, a->assets, sizeof a->assets);
	snprintf(a->data, sizeof a->data, "%s", o->data_dir ? o->data_dir : "kiosk-data");
	if (o->data_dir) {
		char logs[1100];
		snprintf(logs, sizeof logs, "%s/logs", a->data);
		mkdir(a->data, 0755);
		mkdir(logs, 0755);
		log_open(logs, 512 * 1024);
	}
	if (app_config_read(a, &a->cfg, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: configuration error: %s\n", err);
		return 1;
	}
	app_asset_path(a, "i18n", path, sizeof path);
	if (i18n_load(path, &a->tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: translation error: %s\n", err);
		return 1;
	}
	if (!TTF_WasInit() && TTF_Init() != 0) {
		fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
		return 1;
	}
	if (fonts_open(a->assets, &a->fonts, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk: font problem: %s\n", err);
		return 1;
	}
	return 0;
}

int board_run(const app_options_t *opt)
{
	bapp_t *ba = calloc(1, sizeof *ba);
	app_t *a = calloc(1, sizeof *a);
	if (!ba || !a) {
		free(ba);
		free(a);
		return 1;
	}
	ba->a = a;
	a->opt = opt;
	board_init(&ba->b);
	a->virtual_time = opt->board_gallery || (opt->board_feed && opt->mode == MODE_HEADLESS);
	if (a->virtual_time) {
		kclock_parse_iso("2026-01-05T09:00:00+07:00", &a->vclock.now_ms);
		a->vclock.mono_ms = 1000000;
		a->vclock.trusted = true;
		kclock_virtual(&a->clock, &a->vclock);
	} else {
		kclock_real(&a->clock, NULL);
	}
	int rc = load(a);
	if (rc == 0)
		rc = app_setup_sdl(a);
	if (rc == 0) {
		ba->theme = opt->theme && strcmp(opt->theme, "hc") == 0 ? THEME_HC : THEME_DEFAULT;
		lang_t l = LANG_VI;
		if (lang_parse(opt->lang ? opt->lang : a->cfg.ui_lang, &l) != KIOSK_OK)
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
		fprintf(stderr, "kiosk: wakeups=%lu frames=%lu\n", a->wakeups, a->frames);
		board_voice_stats(ba->voice, stderr);
	}
	board_voice_close(ba->voice);
	hubfeed_close(ba->feed);
	free(a->dl);
	render_destroy(a->render);
	if (a->target)
		SDL_DestroyTexture(a->target);
	if (a->sdl)
		SDL_DestroyRenderer(a->sdl);
	if (a->frame)
		SDL_FreeSurface(a->frame);
	free(a->frame_px);
	if (a->win)
		SDL_DestroyWindow(a->win);
	fonts_close(a->fonts);
	if (TTF_WasInit())
		TTF_Quit();
	SDL_Quit();
	i18n_free(a->tr);
	log_close();
	free(a);
	free(ba);
	return rc;
}
