/* kiosk-hub.c - the office hub (docs/office-queue.md): serves the queue of
 * the kiosk's ledger to the office LAN (counter pages, wall boards) on the
 * configured addresses only, until SIGTERM/SIGINT; and `--set-pin COUNTER`
 * sets a counter's PIN in the staff store, read from stdin.
 *
 *   kiosk-hub --data DIR [--assets DIR] [--listen ADDR:PORT]... 
 *   kiosk-hub --data DIR --set-pin COUNTER < pin
 *
 * Configuration: the "hub", "counters" and "office" sections of
 * <assets>/site.json overlaid by <data>/local.json (README.md). */
#include <cjson/cJSON.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "core/mfile.h"
#include "domain/catalog.h"
#include "domain/config.h"
#include "domain/officekey.h"
#include "domain/queue.h"
#include "domain/staff.h"
#include "hub/hub_api.h"
#include "hub/hub_http.h"

typedef struct {
	char listen[HUB_LISTEN_MAX][64];
	int listen_count;
	int idle_min;
	int regular_per_priority, absent_window;
} conf_t;

static void usage(FILE *f)
{
	fprintf(f, "usage: kiosk-hub --data DIR [--assets DIR] [--listen ADDR:PORT]...\n"
		   "       kiosk-hub --data DIR --set-pin COUNTER   (the PIN on stdin)\n"
		   "Serves the office queue of DIR/ledger.db to the counter pages and wall boards\n"
		   "on the addresses of hub.listen (or --listen, which replaces them).\n");
}

/* One configuration layer's "hub", "counters", "queue" and "office.name"
 * into conf, setup. (config.c does not know these sections yet; when it
 * does, this reader gives way to config_load.) */
static int layer(const char *path, bool must, conf_t *c, hub_api_setup_t *s, queue_counter_t *qc)
{
	char *text = NULL;
	int rc = mfile_read(path, 1024 * 1024, &text, NULL);
	if (rc == KIOSK_ENOENT && !must)
		return 0;
	if (rc != KIOSK_OK) {
		fprintf(stderr, "kiosk-hub: %s: %s\n", path, kiosk_strerror(rc));
		return -1;
	}
	cJSON *root = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(root)) {
		fprintf(stderr, "kiosk-hub: %s: not a JSON object\n", path);
		cJSON_Delete(root);
		return -1;
	}
	const char *bad = NULL;
	const cJSON *office = cJSON_GetObjectItemCaseSensitive(root, "office");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(office, "name");
	if (cJSON_IsString(name))
		snprintf(s->office, sizeof s->office, "%s", name->valuestring);
	const cJSON *hub = cJSON_GetObjectItemCaseSensitive(root, "hub");
	const cJSON *ls = cJSON_GetObjectItemCaseSensitive(hub, "listen");
	if (ls) {
		if (!cJSON_IsArray(ls) || cJSON_GetArraySize(ls) > HUB_LISTEN_MAX)
			bad = "hub.listen";
		c->listen_count = 0;
		const cJSON *e, *arr = bad ? NULL : ls;
		cJSON_ArrayForEach(e, arr) {
			if (!cJSON_IsString(e) || strlen(e->valuestring) >= sizeof c->listen[0]) {
				bad = "hub.listen";
				break;
			}
			snprintf(c->listen[c->listen_count++], sizeof c->listen[0], "%s", e->valuestring);
		}
	}
	const cJSON *idle = cJSON_GetObjectItemCaseSensitive(hub, "session_idle_minutes");
	if (idle) {
		if (!cJSON_IsNumber(idle) || idle->valueint < 1 || idle->valueint > 24 * 60)
			bad = "hub.session_idle_minutes";
		else
			c->idle_min = idle->valueint;
	}
	const cJSON *qu = cJSON_GetObjectItemCaseSensitive(root, "queue");
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(qu, "regular_per_priority");
	const cJSON *aw = cJSON_GetObjectItemCaseSensitive(qu, "absent_window");
	if (cJSON_IsNumber(rp))
		c->regular_per_priority = rp->valueint;
	if (cJSON_IsNumber(aw))
		c->absent_window = aw->valueint;
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "counters");
	if (cs && !bad) {
		if (!cJSON_IsArray(cs) || cJSON_GetArraySize(cs) > HUB_MAX_COUNTERS)
			bad = "counters";
		s->counter_count = 0;
		const cJSON *e, *arr = bad ? NULL : cs;
		cJSON_ArrayForEach(e, arr) {
			hub_counter_t *hc = &s->counters[s->counter_count];
			memset(hc, 0, sizeof *hc);
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
			const cJSON *gs = cJSON_GetObjectItemCaseSensitive(e, "groups");
			if (!cJSON_IsNumber(id) || id->valueint < 1 || id->valueint > HUB_MAX_COUNTERS ||
			    !cJSON_IsArray(gs) || cJSON_GetArraySize(gs) > 8) {
				bad = "counters[]";
				break;
			}
			hc->id = id->valueint;
			const char *vi = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nm, "vi"));
			const char *en = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nm, "en"));
			snprintf(hc->name[0], sizeof hc->name[0], "%s", vi ? vi : "");
			snprintf(hc->name[1], sizeof hc->name[1], "%s", en ? en : vi ? vi : "");
			if (!hc->name[0][0])
				snprintf(hc->name[0], sizeof hc->name[0], "%d", hc->id); /* the number: no UI text in C */
			if (!hc->name[1][0])
				memcpy(hc->name[1], hc->name[0], sizeof hc->name[1]);
			const cJSON *g;
			cJSON_ArrayForEach(g, gs) {
				if (!cJSON_IsString(g) || strlen(g->valuestring) >= 32) {
					bad = "counters[].groups";
					break;
				}
				snprintf(hc->groups[hc->group_count++], 32, "%s", g->valuestring);
			}
			queue_counter_t *q = &qc[s->counter_count];
			memset(q, 0, sizeof *q);
			q->id = hc->id;
			q->group_count = hc->group_count;
			memcpy(q->groups, hc->groups, sizeof q->groups);
			s->counter_count++;
		}
	}
	cJSON_Delete(root);
	if (bad) {
		fprintf(stderr, "kiosk-hub: %s: %s: wrong type or value\n", path, bad);
		return -1;
	}
	return 0;
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
	conf_t c = {.listen_count = 1, .idle_min = 240, .regular_per_priority = 2, .absent_window = 5};
	snprintf(c.listen[0], sizeof c.listen[0], "127.0.0.1:8080");
	char path[1200];
	snprintf(path, sizeof path, "%s/site.json", assets);
	if (layer(path, true, &c, &s, qc) != 0)
		return 1;
	config_local_path(data, path, sizeof path);
	if (layer(path, false, &c, &s, qc) != 0)
		return 1;

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
			    .regular_per_priority = c.regular_per_priority,
			    .absent_window = c.absent_window};
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
	s.session_idle_ms = (int64_t)c.idle_min * 60000;
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
		for (int i = 0; i < c.listen_count; i++)
			listen[i] = c.listen[i];
		n = c.listen_count;
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
	int sig = 0;
	sigwait(&set, &sig);
	log_info("hub: stopping (signal %d)", sig);
	hub_http_stop(h);
	hub_api_free(api);
	staff_close(st);
	queue_close(q);
	catalog_free(cat);
	return 0;
}
