/* script.c - scenario mode: drives the real UI headless from a script of
 * taps, typing, time and printer commands, on a virtual clock. Taps are real
 * SDL finger events pushed into SDL's queue, so they pass through the same
 * conversion (scaling, rotation, repeat filter) as a finger on the panel.
 * Exit: 0 at the end, 1 on a failed expect, 2 on a script error. */
#include "app/app_internal.h"
#include "app/app_read.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"

#define TAP_ADVANCE_MS 600

typedef struct {
	app_t *a;
	const char *file;
	int line;
	queue_t *counters;         /* `counter`: the office's counters, as the hub would act */
} script_t;

static int fail(script_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(script_t *s, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", s->file, s->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int script_error(script_t *s, const char *msg, const char *arg)
{
	fprintf(stderr, "%s:%d: script error: %s%s%s\n", s->file, s->line, msg, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

/* `expect forgotten HEX`: search every readable mapping of this process
 * (/proc/self/mem) for the bytes HEX stands for (given in hex so that the
 * script text itself never holds them), leaving out the needle's own
 * buffer. Returns 0 when absent; else 1 with where it was seen in where. */
static int memory_holds(const char *hex, char *where, size_t wcap)
{
	size_t n = strlen(hex) / 2;
	if (n == 0 || strlen(hex) % 2)
		return -1;
	unsigned char *needle = malloc(n);
	if (!needle)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			free(needle);
			return -1;
		}
		needle[i] = (unsigned char)v;
	}
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	int found = 0;
	static unsigned char chunk[1 << 20];
	char line[512];
	while (maps && mem >= 0 && !found && fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		char perm[8] = "", name[256] = "";
		/* Huge mappings are reservations (a sanitizer's shadow memory):
		 * reading them would fault in gigabytes of zero pages. */
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &lo, &hi, perm, name) < 3 ||
		    perm[0] != 'r' || strstr(name, "[vvar") || strstr(name, "[vsyscall") ||
		    hi - lo > (256ul << 20))
			continue;
		for (unsigned long at = lo; at < hi && !found;) {
			size_t want = hi - at < sizeof chunk ? hi - at : sizeof chunk;
			ssize_t got = pread(mem, chunk, want, (off_t)at);
			if (got <= 0)
				break;
			for (size_t i = 0; (ssize_t)(i + n) <= got; i++) {
				unsigned char *h = memchr(chunk + i, needle[0], (size_t)got - n + 1 - i);
				if (!h)
					break;
				i = (size_t)(h - chunk);
				unsigned long addr = at + i;
				if (memcmp(h, needle, n) == 0 &&
				    !(addr >= (unsigned long)needle && addr < (unsigned long)needle + n)) {
					snprintf(where, wcap, "%s at 0x%lx", name[0] ? name : "anonymous memory",
						 addr);
					found = 1;
					break;
				}
			}
			/* Overlap chunks so a match across a boundary is seen. */
			at += (size_t)got > n ? (size_t)got - n + 1 : (size_t)got;
		}
	}
	if (maps)
		fclose(maps);
	if (mem >= 0)
		close(mem);
	explicit_bzero(chunk, sizeof chunk);
	explicit_bzero(needle, n);
	free(needle);
	return found;
}

/* Parse one argument: a "quoted string" (with \" and \\) or a bare word. */
static const char *arg(const char **p, char *out, size_t cap)
{
	const char *q = *p;
	while (*q == ' ' || *q == '\t')
		q++;
	if (!*q)
		return NULL;
	size_t n = 0;
	if (*q == '"') {
		q++;
		while (*q && *q != '"') {
			if (*q == '\\' && q[1])
				q++;
			if (n + 1 < cap)
				out[n++] = *q;
			q++;
		}
		if (*q != '"')
			return NULL;
		q++;
	} else {
		while (*q && *q != ' ' && *q != '\t') {
			if (n + 1 < cap)
				out[n++] = *q;
			q++;
		}
	}
	out[n] = '\0';
	*p = q;
	return out;
}

/* Run timers up to ms from now, stopping at each deadline on the way. */
static void advance(app_t *a, int64_t ms)
{
	int64_t end = a->vclock.mono_ms + ms;
	for (int guard = 0; guard < 100000; guard++) {
		int64_t d = session_next_deadline(a->session);
		int64_t t = a->tickets ? tickets_next_deadline(a->tickets) : -1;
		if (t >= 0 && (d < 0 || t < d))
			d = t;
		int64_t to = (d >= 0 && d > a->vclock.mono_ms && d <= end) ? d : end;
		if (d >= 0 && d <= a->vclock.mono_ms)
			to = a->vclock.mono_ms;
		kclock_virtual_advance(&a->vclock, to - a->vclock.mono_ms);
		app_step(a);
		if (a->vclock.mono_ms >= end || a->quit)
			break;
	}
}

static void push_finger_id(app_t *a, Uint32 type, int lx, int ly, SDL_FingerID id);

static void push_finger(app_t *a, Uint32 type, int lx, int ly)
{
	push_finger_id(a, type, lx, ly, 1);
}

static void push_finger_id(app_t *a, Uint32 type, int lx, int ly, SDL_FingerID id)
{
	int ox, oy;
	platform_to_output(a->plat, lx, ly, &ox, &oy);
	SDL_Event e;
	memset(&e, 0, sizeof e);
	e.type = type;
	e.tfinger.touchId = 1;
	e.tfinger.fingerId = id;
	platform_output_to_finger(a->plat, ox, oy, &e.tfinger.x, &e.tfinger.y);
	e.tfinger.pressure = 1.0f;
	SDL_PushEvent(&e);
}

static void tap_at(app_t *a, int x, int y)
{
	push_finger(a, SDL_FINGERDOWN, x, y);
	app_step(a);
	push_finger(a, SDL_FINGERUP, x, y);
	app_step(a);
	advance(a, TAP_ADVANCE_MS);
}

/* All visible text of the frame, lines joined with spaces. */
static void frame_text(app_t *a, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < a->dl->n; i++) {
		const dc_t *c = &a->dl->cmds[i];
		if (c->kind != DC_TEXT)
			continue;
		int w = snprintf(buf + n, cap - n, "%s%s", n ? " " : "", c->text);
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
}

static int cmd_tap(script_t *s, const char *rest)
{
	app_t *a = s->a;
	char what[256];
	const char *p = rest;
	while (*p == ' ')
		p++;
	bool quoted = *p == '"';
	if (!arg(&p, what, sizeof what))
		return script_error(s, "tap needs a target id or a \"label\"", NULL);
	app_layout(a);
	const dc_t *found = NULL;
	int matches = 0;
	for (int i = 0; i < a->dl->n; i++) {
		const dc_t *c = &a->dl->cmds[i];
		if (c->kind != DC_TARGET)
			continue;
		if (quoted ? strcmp(c->label, what) == 0 : strcmp(c->text, what) == 0) {
			if (!found || strcmp(found->text, c->text) != 0)
				matches++;
			found = c;
		}
	}
	if (matches > 1)
		return script_error(s, "ambiguous label", what);
	if (!found)
		return fail(s, "expected target %s%s%s on screen %s, found none", quoted ? "\"" : "",
			    what, quoted ? "\"" : "", app_screen_id(a));
	int cx = found->r.x + found->r.w / 2, cy = found->r.y + found->r.h / 2;
	const dc_t *top = draw_hit(a->dl, cx, cy);
	int lw, lh;
	platform_size(a->plat, &lw, &lh);
	if (!top || strcmp(top->text, found->text) != 0 || cx < 0 || cy < 0 || cx >= lw || cy >= lh)
		return fail(s, "expected target %s to be reachable, found it %s", found->text,
			    top ? "covered" : "off-screen or disabled");
	tap_at(a, cx, cy);
	return 0;
}

static int cmd_type(script_t *s, const char *rest)
{
	char text[1024];
	const char *p = rest;
	if (!arg(&p, text, sizeof text))
		return script_error(s, "type needs \"text\"", NULL);
	for (const char *c = text; *c; c++) {
		if (*c < 0x20 || *c > 0x7e)
			return script_error(s, "type takes printable ASCII only", NULL);
		SDL_Event e;
		memset(&e, 0, sizeof e);
		e.type = SDL_TEXTINPUT;
		e.text.text[0] = *c;
		SDL_PushEvent(&e);
		app_step(s->a);
	}
	return 0;
}

static int cmd_key(script_t *s, const char *rest)
{
	char name[64];
	const char *p = rest;
	if (!arg(&p, name, sizeof name))
		return script_error(s, "key needs an SDL key name", NULL);
	SDL_Keycode k = SDL_GetKeyFromName(name);
	if (k == SDLK_UNKNOWN)
		return script_error(s, "unknown key name", name);
	SDL_Event e;
	memset(&e, 0, sizeof e);
	e.type = SDL_KEYDOWN;
	e.key.keysym.sym = k;
	e.key.state = SDL_PRESSED;
	SDL_PushEvent(&e);
	app_step(s->a);
	return 0;
}

static int parse_printer(const char *w, printer_state_t *st)
{
	static const struct { const char *name; printer_state_t st; } m[] = {
		{"ok", PRINTER_OK}, {"paper-out", PRINTER_PAPER_OUT}, {"near-end", PRINTER_NEAR_END},
		{"cover-open", PRINTER_COVER_OPEN}, {"unplugged", PRINTER_NO_PRINTER},
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(m); i++)
		if (strcmp(w, m[i].name) == 0) {
			*st = m[i].st;
			return 0;
		}
	return -1;
}

/* touch-down|touch-move|touch-up (<target id> | <x> <y>) [finger]: one
 * finger event, no clock advance (for slide-off, bounce, second finger). */
static int cmd_touch(script_t *s, Uint32 type, const char *rest)
{
	app_t *a = s->a;
	char w1[128], w2[64], w3[64];
	const char *p = rest;
	if (!arg(&p, w1, sizeof w1))
		return script_error(s, "touch needs a target id or x y", NULL);
	int x, y;
	SDL_FingerID finger = 1;
	char *end;
	long v = strtol(w1, &end, 10);
	if (*end == '\0') {
		if (!arg(&p, w2, sizeof w2))
			return script_error(s, "touch needs x and y", NULL);
		x = (int)v;
		y = atoi(w2);
	} else {
		app_layout(a);
		const dc_t *t = draw_find_target(a->dl, w1);
		if (!t)
			return fail(s, "expected target %s on screen %s, found none", w1,
				    app_screen_id(a));
		x = t->r.x + t->r.w / 2;
		y = t->r.y + t->r.h / 2;
	}
	if (arg(&p, w3, sizeof w3))
		finger = atoi(w3);
	push_finger_id(a, type, x, y, finger);
	app_step(a);
	return 0;
}

/* A second handle on the ledger's queue with counters 1..9 serving every
 * group: what kiosk-hub does for the counter pages, inside the scenario. */
static int counters_open(script_t *s)
{
	app_t *a = s->a;
	if (s->counters)
		return 0;
	static queue_office_t o;
	static queue_counter_t cs[9];
	queue_office_from_catalog(a->cat, &o);
	for (int c = 0; c < 9; c++) {
		memset(&cs[c], 0, sizeof cs[c]);
		cs[c].id = c + 1;
		for (int g = 0; g < o.group_count && g < 8; g++)
			memcpy(cs[c].groups[cs[c].group_count++], o.groups[g].id, sizeof cs[c].groups[0]);
	}
	queue_setup_t qs = {.groups = o.groups, .group_count = o.group_count, .procs = o.procs,
			    .proc_count = o.proc_count, .counters = cs, .counter_count = 9,
			    .regular_per_priority = a->cfg.queue_regular_per_priority,
			    .absent_window = a->cfg.queue_absent_window};
	char path[1100], err[512] = "";
	snprintf(path, sizeof path, "%s/ledger.db", a->paths.data);
	if (queue_open(path, &a->clock, &qs, &s->counters, err, sizeof err) != KIOSK_OK)
		return script_error(s, "the office queue cannot be opened", err);
	return 0;
}

/* The oldest help call nobody took, taken at counter c. */
static int take_help(script_t *s, int c)
{
	static queue_view_t v; /* 100 KiB: not on the stack */
	int rc = queue_view(s->counters, &v);
	if (rc != KIOSK_OK)
		return rc;
	for (int i = v.help_count - 1; i >= 0; i--)
		if (v.help[i].taken_by == 0)
			return queue_help_take(s->counters, v.help[i].id, c);
	return KIOSK_ENOENT;
}

/* counter <1-9> call|done|absent|take-help: a counter acts on the office
 * queue (take-help: "Tôi đến" on the oldest help call nobody took). */
static int cmd_counter(script_t *s, const char *p)
{
	char w1[16], w2[16];
	if (!arg(&p, w1, sizeof w1) || !arg(&p, w2, sizeof w2) || atoi(w1) < 1 || atoi(w1) > 9)
		return script_error(s, "counter needs 1-9 and call|done|absent|take-help", NULL);
	int rc = counters_open(s);
	if (rc)
		return rc;
	int c = atoi(w1);
	queue_ticket_t t;
	if (strcmp(w2, "call") == 0)
		rc = queue_call_next(s->counters, c, &t);
	else if (strcmp(w2, "done") == 0)
		rc = queue_done(s->counters, c, &t);
	else if (strcmp(w2, "absent") == 0)
		rc = queue_absent(s->counters, c, &t);
	else if (strcmp(w2, "take-help") == 0)
		rc = take_help(s, c);
	else
		return script_error(s, "counter needs call|done|absent|take-help", w2);
	if (rc != KIOSK_OK)
		return fail(s, "counter %d %s: %s", c, w2, kiosk_strerror(rc));
	app_step(s->a);
	return 0;
}

static int run_line(script_t *s, char *line)
{
	app_t *a = s->a;
	char cmd[64];
	const char *p = line;
	if (!arg(&p, cmd, sizeof cmd))
		return 0;
	char w1[1024], w2[1024];
	if (strcmp(cmd, "tap") == 0)
		return cmd_tap(s, p);
	if (strcmp(cmd, "tap-at") == 0) {
		if (!arg(&p, w1, sizeof w1) || !arg(&p, w2, sizeof w2))
			return script_error(s, "tap-at needs x and y", NULL);
		tap_at(a, atoi(w1), atoi(w2));
		return 0;
	}
	if (strcmp(cmd, "touch-down") == 0)
		return cmd_touch(s, SDL_FINGERDOWN, p);
	if (strcmp(cmd, "touch-move") == 0)
		return cmd_touch(s, SDL_FINGERMOTION, p);
	if (strcmp(cmd, "touch-up") == 0)
		return cmd_touch(s, SDL_FINGERUP, p);
	if (strcmp(cmd, "type") == 0)
		return cmd_type(s, p);
	if (strcmp(cmd, "key") == 0)
		return cmd_key(s, p);
	if (strcmp(cmd, "advance") == 0) {
		if (!arg(&p, w1, sizeof w1))
			return script_error(s, "advance needs milliseconds", NULL);
		char *end;
		long long ms = strtoll(w1, &end, 10);
		if (*end || ms < 0)
			return script_error(s, "bad milliseconds", w1);
		advance(a, ms);
		return 0;
	}
	if (strcmp(cmd, "set-time") == 0) {
		int64_t t;
		if (!arg(&p, w1, sizeof w1) || kclock_parse_iso(w1, &t) != KIOSK_OK)
			return script_error(s, "set-time needs an ISO 8601 time", NULL);
		a->vclock.now_ms = t;
		a->vclock.trusted = true;
		if (arg(&p, w2, sizeof w2)) {
			if (strcmp(w2, "untrusted") != 0)
				return script_error(s, "unknown set-time flag", w2);
			a->vclock.trusted = false;
		}
		/* Office hours are re-evaluated against the new time. */
		session_recheck_hours(a->session, a->vclock.now_ms);
		app_step(a);
		return 0;
	}
	if (strcmp(cmd, "expect") == 0) {
		if (!arg(&p, w1, sizeof w1) || !arg(&p, w2, sizeof w2))
			return script_error(s, "expect needs what and a value", NULL);
		app_step(a);
		app_layout(a);
		if (strcmp(w1, "screen") == 0) {
			screen_t dummy;
			if (screen_parse(w2, &dummy) != KIOSK_OK)
				return script_error(s, "unknown screen id", w2);
			if (strcmp(app_screen_id(a), w2) != 0)
				return fail(s, "expected screen %s, found %s", w2, app_screen_id(a));
			return 0;
		}
		if (strcmp(w1, "forgotten") == 0) {
			/* A session's text must be gone from the whole process. */
			char where[320] = "";
			int r = memory_holds(w2, where, sizeof where);
			if (r < 0)
				return script_error(s, "expect forgotten needs hex bytes", w2);
			if (r)
				return fail(s, "the text is still in memory: %s", where);
			return 0;
		}
		if (strcmp(w1, "text") == 0 || strcmp(w1, "no-text") == 0) {
			static char all[DRAW_ARENA];
			frame_text(a, all, sizeof all);
			bool want = w1[0] == 't';
			if ((strstr(all, w2) != NULL) != want)
				return fail(s, "expected %s \"%s\", found \"%.300s\"", want ? "text" : "no text", w2,
					    all);
			return 0;
		}
		if (strcmp(w1, "target") == 0 || strcmp(w1, "no-target") == 0) {
			bool want = w1[0] == 't';
			if ((draw_find_target(a->dl, w2) != NULL) != want)
				return fail(s, "expected %s %s on screen %s", want ? "target" : "no target",
					    w2, app_screen_id(a));
			return 0;
		}
		return script_error(s, "unknown expect", w1);
	}
	if (strcmp(cmd, "screenshot") == 0) {
		if (!arg(&p, w1, sizeof w1))
			return script_error(s, "screenshot needs a name", NULL);
		if (!a->opt->screenshots)
			return 0; /* no folder given: nothing to write */
		char path[2048];
		/* `--screenshots DIR` as README shows it: DIR need not exist yet. */
		(void)mkdir(a->opt->screenshots, 0755);
		snprintf(path, sizeof path, "%s/%s.png", a->opt->screenshots, w1);
		if (app_screenshot(a, path) != KIOSK_OK)
			return script_error(s, "cannot write screenshot", path);
		return 0;
	}
	if (strcmp(cmd, "printer") == 0) {
		printer_state_t st;
		if (!arg(&p, w1, sizeof w1) || parse_printer(w1, &st) != 0)
			return script_error(s, "printer needs ok|paper-out|near-end|cover-open|unplugged",
					    NULL);
		long after = -1;
		if (arg(&p, w2, sizeof w2)) {
			char n[64];
			if (strcmp(w2, "after") != 0 || !arg(&p, n, sizeof n))
				return script_error(s, "expected: after <bytes>", NULL);
			after = atol(n);
		}
		if (tickets_sim_set(a->tickets, st, after) != KIOSK_OK)
			return script_error(s, "the printer is not simulated", NULL);
		return 0;
	}
	if (strcmp(cmd, "scan") == 0) {
		if (!arg(&p, w1, sizeof w1))
			return script_error(s, "scan needs \"text\"", NULL);
		/* Through the simulated scanner driver, like a real read. */
		if (!a->scanner || scanner_sim_inject(a->scanner, w1, strlen(w1)) != KIOSK_OK ||
		    scanner_sim_inject(a->scanner, "\n", 1) != KIOSK_OK)
			return script_error(s, "the scanner is not simulated", NULL);
		explicit_bzero(w1, sizeof w1);
		app_step(a);
		return 0;
	}
	if (strcmp(cmd, "counter") == 0)
		return cmd_counter(s, p);
	if (strcmp(cmd, "wait-speech") == 0) {
		/* The read-aloud is made in real time by its thread: wait for it
		 * (at most 30 s) and hand it to the device. */
		for (int i = 0; i < 3000 && app_read_deadline(a) >= 0; i++) {
			SDL_Delay(10);
			app_step(a);
		}
		if (app_read_deadline(a) >= 0)
			return fail(s, "the reading was not made within 30 s");
		return 0;
	}
	return script_error(s, "unknown command", cmd);
}

int script_run(app_t *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open script\n", path);
		return 2;
	}
	script_t s = {.a = a, .file = path};
	char line[4096];
	int rc = 0;
	app_step(a);
	/* The kiosk may end the run itself (a restart to apply settings). */
	while (rc == 0 && !a->quit && fgets(line, sizeof line, f)) {
		s.line++;
		line[strcspn(line, "\r\n")] = '\0';
		char *t = line;
		while (isspace((unsigned char)*t))
			t++;
		if (*t == '\0' || *t == '#')
			continue;
		rc = run_line(&s, t);
	}
	fclose(f);
	queue_close(s.counters);
	explicit_bzero(line, sizeof line);
	/* SIGTERM/SIGINT set a->quit (app.c) and end a scenario as they end
	 * the main loop: between two lines, cleanly (teardown closes the
	 * ledger). */
	if (app_signalled())
		fprintf(stderr, "%s:%d: stopped by signal %d\n", path, s.line, app_signalled());
	return rc;
}
