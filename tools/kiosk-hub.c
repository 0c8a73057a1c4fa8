/* kiosk-hub.c - the office hub (docs/office-queue.md): serves the queue of
 * the kiosk's ledger to the office LAN (counter pages, wall boards) on the
 * configured addresses only, until SIGTERM/SIGINT; and `--set-pin COUNTER`
 * sets a counter's PIN in the staff store, read from stdin.
 *
 *   kiosk-hub --data DIR [--assets DIR] [--listen ADDR:PORT]... 
 *   kiosk-hub --data DIR --set-pin COUNTER < pin
 *
 * Configuration: <assets>/site.json overlaid by <data>/local.json, as the
 * kiosk reads them (domain/config.c): "hub", "counters", "queue" and the
 * office's name. When local.json changes (the technician menu of the kiosk
 * writes it) or on SIGHUP the counters, the call policy and the name are
 * taken again without a restart. */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "domain/catalog.h"
#include "domain/config.h"
#include "domain/officekey.h"
#include "domain/queue.h"
#include "domain/staff.h"
#include "hub/hub_api.h"
#include "hub/hub_http.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: kiosk-hub --data DIR [--assets DIR] [--listen ADDR:PORT]...\n"
		   "       kiosk-hub --data DIR --set-pin COUNTER   (the PIN on stdin)\n"
		   "Serves the office queue of DIR/ledger.db to the counter pages and wall boards\n"
		   "on the addresses of hub.listen (or --listen, which replaces them).\n");
}

/* The configuration's counters as the hub and the queue take them; groups
 * must be the catalog's (the queue checks them). */
static void counters_of(const config_t *cfg, const i18n_t *tr, hub_counter_t *hc, queue_counter_t *qc)
{
	for (int i = 0; i < cfg->counters_count; i++) {
		const config_counter_t *c = &cfg->counters[i];
		memset(&hc[i], 0, sizeof hc[i]);
		hc[i].id = c->id;
		/* A counter without a name is "Quầy 3" / "Counter 3" (board.counter_n);
		 * a name in one language only serves both. */
		char num[8];
		snprintf(num, sizeof num, "%d", c->id);
		for (int l = 0; l < 2; l++) {
			const char *given = c->name[l][0] ? c->name[l] : c->name[!l];
			const char *tmpl = tr && i18n_has(tr, "board.counter_n")
						   ? i18n_get(tr, l ? LANG_EN : LANG_VI, "board.counter_n") : NULL;
			if (given[0])
				snprintf(hc[i].name[l], sizeof hc[i].name[l], "%s", given);
			else if (tmpl)
				i18n_format(hc[i].name[l], sizeof hc[i].name[l], tmpl, "n", num, NULL);
			else
				snprintf(hc[i].name[l], sizeof hc[i].name[l], "%s", num);
		}
		hc[i].group_count = c->group_count;
		memcpy(hc[i].groups, c->groups, sizeof hc[i].groups);
		memset(&qc[i], 0, sizeof qc[i]);
		qc[i].id = c->id;
		qc[i].group_count = c->group_count;
		memcpy(qc[i].groups, c->groups, sizeof qc[i].groups);
	}
}

static void voice_of(const config_t *cfg, hub_voice_t *v)
{
	v->volume = cfg->voice_volume;
	v->repeat = cfg->voice_repeat;
	v->rate = cfg->voice_rate;
	v->quiet[0] = 0;
	const config_period_t *q = &cfg->voice_quiet;
	if (q->start_min >= 0)
		snprintf(v->quiet, sizeof v->quiet, "%02d:%02d-%02d:%02d", q->start_min / 60 % 24, q->start_min % 60,
			 q->end_min / 60 % 24, q->end_min % 60);
}

/* What tells that local.json changed: inode, size and time. */
typedef struct {
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool exists;
} stamp_t;

static stamp_t stamp_of(const char *path)
{
	struct stat st;
	stamp_t t = {0};
	if (stat(path, &st) == 0)
		t = (stamp_t){st.st_ino, st.st_size, st.st_mtim, true};
	return t;
}

static bool stamp_same(const stamp_t *a, const stamp_t *b)
{
	return a->exists == b->exists && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* local.json changed (the kiosk's technician menu wrote it): the counters,
 * the call policy and the office name from now on. A layer that does not
 * load keeps the running configuration (and the log says why). The listen
 * addresses and the session length hold until a restart. */
static void reload(hub_api_t *api, const i18n_t *tr, const char *site, const char *local)
{
	static config_t cfg;
	static hub_counter_t hc[HUB_MAX_COUNTERS];
	static queue_counter_t qc[HUB_MAX_COUNTERS];
	char err[1400];
	if (config_load(&cfg, site, local, err, sizeof err) != KIOSK_OK) {
		log_warn("hub: configuration not reloaded: %s", err);
		return;
	}
	counters_of(&cfg, tr, hc, qc);
	hub_voice_t voice;
	voice_of(&cfg, &voice);
	if (hub_api_reconfigure(api, hc, cfg.counters_count, cfg.queue_regular_per_priority,
				cfg.queue_absent_window, cfg.office_name, &voice, err, sizeof err) != KIOSK_OK) {
		log_warn("hub: configuration not reloaded: %s", err);
		return;
	}
	log_info("hub: configuration reloaded: %d counters, a priority call after %d regular ones, "
		 "absent for %d calls; boards at volume %d, said %d times, %d words a minute",
		 cfg.counters_count, cfg.queue_regular_per_priority, cfg.queue_absent_window, voice.volume,
		 voice.repeat, voice.rate);
}

static int set_pin(const char *data, int counter, const kclock_t *clk)
{
	char pin[64] = "";
	if (!fgets(pin, sizeof pin, stdin)) {
		fprintf(stderr, "kiosk-hub: no PIN on stdin\n");
		return 1;
	}
	pin[strcspn(pin, "\r\n")] = '\0';
	staff_t *st = NULL;
	char err[1400];
	int rc = staff_open(data, clk, 0, &st, err, sizeof err);
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: the PIN store: %s\n", err);
		return 1;
	}
	const char *why = NULL;
	rc = staff_counter_pin_ok(st, counter, pin, &why);
	if (rc == KIOSK_OK)
		rc = staff_counter_set_pin(st, counter, pin);
	explicit_bzero(pin, sizeof pin);
	staff_close(st);
	if (rc == KIOSK_EINVAL) {
		fprintf(stderr, "kiosk-hub: PIN refused (%s): %d to %d digits, not all the same, not a run "
				"like 123456, not the staff or technician PIN\n",
			why ? why : "counter 1..99", STAFF_PIN_MIN, STAFF_PIN_MAX);
		return 1;
	}
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: cannot save the PIN: %s\n", kiosk_strerror(rc));
		return 1;
	}
	printf("kiosk-hub: PIN of counter %d set\n", counter);
	return 0;
}

int main(int argc, char **argv)
{
	const char *data = NULL;
	char assets[1024] = "";
	const char *cli_listen[HUB_LISTEN_MAX];
	int cli_n = 0, pin_counter = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--data") == 0 && v) {
			data = v, i++;
		} else if (strcmp(a, "--assets") == 0 && v) {
			snprintf(assets, sizeof assets, "%s", v), i++;
		} else if (strcmp(a, "--listen") == 0 && v && cli_n < HUB_LISTEN_MAX) {
			cli_listen[cli_n++] = v, i++;
		} else if (strcmp(a, "--set-pin") == 0 && v) {
			char *end;
			long c = strtol(v, &end, 10);
			if (*end || c < 1 || c > STAFF_COUNTER_MAX) {
				fprintf(stderr, "kiosk-hub: --set-pin takes a counter number 1..%d\n",
					STAFF_COUNTER_MAX);
				return 2;
			}
			pin_counter = (int)c, i++;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!data) {
		usage(stderr);
		return 2;
	}
	log_set_stderr(1);
	kclock_t clk;
	kclock_real(&clk, NULL);
	log_set_clock(&clk);
	if (pin_counter)
		return set_pin(data, pin_counter, &clk);
	kiosk_assets_dir(assets, assets, sizeof assets);

	static hub_api_setup_t s;
	static queue_counter_t qc[HUB_MAX_COUNTERS];
	static config_t cfg;
	char site[1100], local[1200], path[1200];
	snprintf(site, sizeof site, "%s/site.json", assets);
	config_local_path(data, local, sizeof local);
	char cerr[1400];
	if (config_load(&cfg, site, local, cerr, sizeof cerr) != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: %s\n", cerr);
		return 1;
	}
	stamp_t seen = stamp_of(local);
	i18n_t *tr = NULL;
	snprintf(path, sizeof path, "%s/i18n", assets);
	if (i18n_load(path, &tr, cerr, sizeof cerr) != KIOSK_OK)
		log_warn("hub: %s: counters without a name are shown by number", cerr);
	snprintf(s.office, sizeof s.office, "%s", cfg.office_name);
	counters_of(&cfg, tr, s.counters, qc);
	s.counter_count = cfg.counters_count;
	voice_of(&cfg, &s.voice);

	catalog_t *cat = NULL;
	char err[1400];
	snprintf(path, sizeof path, "%s/catalog.json", assets);
	if (catalog_load(path, &cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: %s\n", err);
		return 1;
	}
	static queue_office_t o;
	queue_office_from_catalog(cat, &o);
	for (int i = 0; i < o.group_count; i++) { /* o's groups are the catalog's first ones, in order */
		const catalog_group_t *g = catalog_group_at(cat, (size_t)i);
		hub_group_t *hg = &s.groups[i];
		snprintf(hg->id, sizeof hg->id, "%s", g->id);
		hg->letter = g->letter;
		snprintf(hg->name[0], sizeof hg->name[0], "%s", g->name[LANG_VI] ? g->name[LANG_VI] : g->id);
		snprintf(hg->name[1], sizeof hg->name[1], "%s",
			 g->name[LANG_EN] ? g->name[LANG_EN] : hg->name[0]);
	}
	s.group_count = o.group_count;
	queue_setup_t qs = {.groups = o.groups, .group_count = o.group_count, .procs = o.procs,
			    .proc_count = o.proc_count, .counters = qc, .counter_count = s.counter_count,
			    .regular_per_priority = cfg.queue_regular_per_priority,
			    .absent_window = cfg.queue_absent_window};
	queue_t *q = NULL;
	snprintf(path, sizeof path, "%s/ledger.db", data);
	if (queue_open(path, &clk, &qs, &q, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: the queue: %s\n", err);
		return 1;
	}
	staff_t *st = NULL;
	if (staff_open(data, &clk, 0, &st, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: the PIN store: %s\n", err);
		return 1;
	}
	s.clock = &clk;
	s.queue = q;
	s.staff = st;
	s.catalog = cat;
	s.session_idle_ms = (int64_t)cfg.hub_session_idle_min * 60000;
	snprintf(s.assets, sizeof s.assets, "%s", assets);
	int krc = officekey_load(data, false, s.key, err, sizeof err);
	s.have_key = krc == KIOSK_OK;
	if (!s.have_key)
		log_warn("hub: no office key in %s (%s): ticket QR codes cannot be checked", data,
			 kiosk_strerror(krc));
	hub_api_t *api = NULL;
	if (hub_api_new(&s, &api) != KIOSK_OK)
		return 1;
	explicit_bzero(s.key, sizeof s.key);

	const char *listen[HUB_LISTEN_MAX];
	int n = cli_n;
	for (int i = 0; i < cli_n; i++)
		listen[i] = cli_listen[i];
	if (!cli_n) {
		for (int i = 0; i < cfg.hub_listen_count && i < HUB_LISTEN_MAX; i++)
			listen[i] = cfg.hub_listen[i];
		n = cfg.hub_listen_count < HUB_LISTEN_MAX ? cfg.hub_listen_count : HUB_LISTEN_MAX;
	}
	/* Signals are taken by sigwait below; the server threads never see them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	hub_http_t *h = NULL;
	if (hub_http_start(api, listen, n, &h, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: %s\n", err);
		return 1;
	}
	for (int i = 0; i < n; i++)
		log_info("hub: serving http://%s/counter", listen[i]);
	/* Until SIGTERM or SIGINT: SIGHUP, or local.json changing (looked at
	 * every 2 s), reloads the counters and the call policy. */
	int sig = 0;
	for (;;) {
		struct timespec every = {2, 0};
		sig = sigtimedwait(&set, NULL, &every);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		stamp_t now = stamp_of(local);
		if (sig == SIGHUP || !stamp_same(&now, &seen)) {
			seen = now;
			reload(api, tr, site, local);
		}
	}
	log_info("hub: stopping (signal %d)", sig);
	hub_http_stop(h);
	hub_api_free(api);
	staff_close(st);
	queue_close(q);
	catalog_free(cat);
	i18n_free(tr);
	return 0;
}
