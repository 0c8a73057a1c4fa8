/* kiosk-fleet-agent.c - runs the fleet agent (fleet/agent.h) on a kiosk's
 * data folder, and puts messages in its outbox (docs/fleet.md):
 *
 *   kiosk-fleet-agent run --data DIR [--config FILE] [--update-root DIR]
 *                     [--handoff DIR --keys DIR --compatible-file FILE [--answers DIR]]
 *                     [--seconds N] [--heartbeat-s N] [--backoff-max-ms N]
 *                     [--connect-timeout-ms N]
 *   kiosk-fleet-agent enqueue --data DIR [--config FILE] --class event|stats|heartbeat JSON
 *   kiosk-fleet-agent heartbeat --data DIR [--config FILE] [--update-root DIR]
 *   kiosk-fleet-agent stats --data DIR [--config FILE] --day YYYYMMDD [--ledger FILE]
 *   kiosk-fleet-agent status --data DIR [--config FILE]
 *
 * run publishes <data>/fleet-outbox.db to fleet.broker until SIGTERM/SIGINT
 * (or N seconds), with a heartbeat at the start and every
 * fleet.heartbeat_min minutes, and once a day the previous day's queue
 * figures per group (<data>/fleet-stats-day remembers the last day sent).
 * With --handoff it also fetches the data bundles pushed to the fleet into
 * <data>/fleet-push, checks each as a stick's would be (keys, compatible
 * string, version floors from --update-root, the whole payload) and puts
 * it in DIR/fleet.kiosk for root's kiosk-fleet-install, whose answer it
 * reads in --answers DIR/fleet.answer. The configuration is <assets>/site.json (or
 * --config) overlaid by <data>/local.json. Exit status 0, 1 on an error
 * (said on stderr), 2 on bad usage, 3 when the agent is off. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "core/mfile.h"
#include "domain/config.h"
#include "domain/outbox.h"
#include "domain/queue.h"
#include "fleet/agent.h"
#include "fleet/report.h"
#include "flow/menu.h"
#include "update/update.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kiosk-fleet-agent run --data DIR [--config FILE] [--update-root DIR]\n"
		   "                         [--handoff DIR --keys DIR --compatible-file FILE [--answers DIR]]\n"
		   "                         [--seconds N] [--heartbeat-s N] [--backoff-max-ms N]\n"
		   "                         [--connect-timeout-ms N]\n"
		   "       kiosk-fleet-agent enqueue --data DIR [--config FILE] --class event|stats|heartbeat JSON\n"
		   "       kiosk-fleet-agent heartbeat --data DIR [--config FILE] [--update-root DIR]\n"
		   "       kiosk-fleet-agent stats --data DIR [--config FILE] --day YYYYMMDD [--ledger FILE]\n"
		   "       kiosk-fleet-agent status --data DIR [--config FILE]\n"
		   "Publishes DIR/fleet-outbox.db to the MQTT broker of fleet.broker (docs/fleet.md).\n");
}

typedef struct {
	const char *cmd, *data, *config, *update_root, *cls, *json, *ledger;
	const char *keys, *compat, *handoff, *answers;
	int seconds, heartbeat_s, backoff_max_ms, connect_timeout_ms, day;
} opts_t;

/* Facts of the heartbeat this process can see. */
static void gather(const opts_t *o, outbox_t *ob, fleet_heartbeat_t *h)
{
	memset(h, 0, sizeof *h);
	h->temp_c = -1000;
	h->disk_free_kb = h->disk_total_kb = -1;
	FILE *f = fopen("/proc/uptime", "r");
	double up = 0;
	if (f) {
		if (fscanf(f, "%lf", &up) == 1)
			h->uptime_s = (int64_t)up;
		fclose(f);
	}
	struct statvfs vs;
	if (statvfs(o->data, &vs) == 0) {
		h->disk_free_kb = (int64_t)((unsigned long long)vs.f_bavail * vs.f_frsize / 1024);
		h->disk_total_kb = (int64_t)((unsigned long long)vs.f_blocks * vs.f_frsize / 1024);
	}
	f = fopen("/sys/class/thermal/thermal_zone0/temp", "r");
	long milli;
	if (f) {
		if (fscanf(f, "%ld", &milli) == 1)
			h->temp_c = milli / 1000.0;
		fclose(f);
	}
	if (o->update_root) {
		update_t *u;
		char err[256];
		if (update_open(o->update_root, NULL, NULL, &u, err, sizeof err) == KIOSK_OK) {
			update_status_t s;
			if (update_status(u, &s, err, sizeof err) == KIOSK_OK) {
				const update_pair_status_t *p = &s.pair[BUNDLE_TYPE_APP];
				if (p->current == 0 || p->current == 1) {
					snprintf(h->slot, sizeof h->slot, "%s", p->current ? "b" : "a");
					snprintf(h->version, sizeof h->version, "%s", p->st.slot[p->current].version);
				}
				const update_pair_status_t *dp = &s.pair[BUNDLE_TYPE_DATA];
				if (dp->current == 0 || dp->current == 1)
					snprintf(h->data_version, sizeof h->data_version, "%s",
						 dp->st.slot[dp->current].version);
			}
			update_close(u);
		}
	}
	/* The printer's last state the kiosk saw (it writes <data>/fleet-printer
	 * with each change), a state name or nothing. */
	char path[PATH_MAX], *ps = NULL;
	snprintf(path, sizeof path, "%s/fleet-printer", o->data);
	if (mfile_read(path, 32, &ps, NULL) == KIOSK_OK) {
		for (int i = 0; i < PRINTER_STATE_COUNT; i++)
			if (!strcmp(ps, printer_state_name((printer_state_t)i)))
				h->printer = printer_state_name((printer_state_t)i);
		free(ps);
	}
	outbox_info(ob, &h->outbox);
}

/* Update results as events: what runs in each pair (app, data) and the
 * updater's last failure, compared with what was seen before
 * (<data>/fleet-update-seen, one line a pair): a new version running is
 * "installed" (or "trial" until it passes its health check), a new failure
 * with an older version back is "rolled-back", one with the same version
 * "failed" (an install that stopped halfway). The failure is sent as its
 * kind (menu_failure_key's: health, no_good, incomplete, rollback, other),
 * never the updater's words. The first look only records. */
static void update_events(const opts_t *o, outbox_t *ob)
{
	if (!o->update_root)
		return;
	update_t *u;
	char err[256];
	update_status_t s;
	if (update_open(o->update_root, NULL, NULL, &u, err, sizeof err) != KIOSK_OK)
		return;
	int k = update_status(u, &s, err, sizeof err);
	update_close(u);
	if (k != KIOSK_OK)
		return;
	char mark[PATH_MAX], *text = NULL, now[2][400], was[2][400] = {"", ""};
	snprintf(mark, sizeof mark, "%s/fleet-update-seen", o->data);
	bool known = mfile_read(mark, 4096, &text, NULL) == KIOSK_OK;
	if (known) {
		char *save = NULL, *line = strtok_r(text, "\n", &save);
		for (int t = 0; t < 2 && line; t++, line = strtok_r(NULL, "\n", &save))
			snprintf(was[t], sizeof was[t], "%s", line);
	}
	free(text);
	static const char *const types[2] = {"app", "data"};
	for (int t = 0; t < 2; t++) {
		const update_pair_status_t *p = &s.pair[t];
		const char *ver = p->current == 0 || p->current == 1 ? p->st.slot[p->current].version : "";
		char fk[48] = "", ft[8], fv[40];
		const char *key = menu_failure_key(p->st.last_failure, ft, sizeof ft, fv, sizeof fv);
		if (key && !strncmp(key, "menu.fail_", 10))
			snprintf(fk, sizeof fk, "%s", key + 10);
		/* what counts: the version, whether it is on trial, the failure record */
		snprintf(now[t], sizeof now[t], "%s|%d|%s", ver, update_on_trial(&s, (bundle_type_t)t),
			 p->st.last_failure);
		if (!known || !strcmp(now[t], was[t]))
			continue;
		char old[64] = "", oldfail[300] = "";
		sscanf(was[t], "%63[^|]", old);
		const char *bar = strchr(was[t], '|');
		if (bar && (bar = strchr(bar + 1, '|')) != NULL)
			snprintf(oldfail, sizeof oldfail, "%s", bar + 1);
		bool new_failure = p->st.last_failure[0] && strcmp(p->st.last_failure, oldfail) != 0;
		bool trial = update_on_trial(&s, (bundle_type_t)t);
		char body[512];
		if (new_failure) {
			/* the version that failed, and what runs now */
			const char *result = !strcmp(fk, "incomplete") ? "failed" : "rolled-back";
			snprintf(body, sizeof body,
				 "{\"event\":\"update\",\"type\":\"%s\",\"result\":\"%s\",\"version\":\"%s\","
				 "\"running\":\"%s\",\"reason\":\"%s\"}",
				 types[t], result, fv[0] ? fv : ver, ver, fk[0] ? fk : "other");
		} else {
			snprintf(body, sizeof body,
				 "{\"event\":\"update\",\"type\":\"%s\",\"result\":\"%s\",\"version\":\"%s\","
				 "\"was\":\"%s\"}",
				 types[t], trial ? "trial" : "installed", ver, old);
		}
		if (outbox_enqueue(ob, OUTBOX_EVENT, body, NULL) != KIOSK_OK) {
			fprintf(stderr, "kiosk-fleet-agent: update event not stored: %s\n", outbox_error(ob));
			return; /* the mark stays: tried again at the next heartbeat */
		}
		log_info("fleet: update event %s", body);
	}
	char buf[820];
	int n = snprintf(buf, sizeof buf, "%s\n%s\n", now[0], now[1]);
	if (n > 0 && (size_t)n < sizeof buf)
		mfile_write_atomic(mark, buf, (size_t)n, 0644);
}

static int heartbeat(const opts_t *o, outbox_t *ob)
{
	update_events(o, ob);
	fleet_heartbeat_t h;
	gather(o, ob, &h);
	char body[1024];
	int k = fleet_heartbeat_body(&h, body, sizeof body);
	int64_t seq = 0;
	if (!k)
		k = outbox_enqueue(ob, OUTBOX_HEARTBEAT, body, &seq);
	if (k)
		fprintf(stderr, "kiosk-fleet-agent: heartbeat not stored: %s\n", outbox_error(ob));
	return k;
}

typedef struct {
	outbox_t *ob;
	int day;
	int after, upto;           /* hourly rows: only hours in (after, upto] */
	int stored, failed;
} stats_ctx_t;

static void on_stat(void *user, const queue_stat_t *s)
{
	stats_ctx_t *c = user;
	if (s->counter != 0 || s->day_key != c->day)
		return;
	if (s->hourly && (s->hour <= c->after || s->hour > c->upto))
		return;
	char body[1024];
	if (fleet_stats_body(s, body, sizeof body) || outbox_enqueue(c->ob, OUTBOX_STATS, body, NULL))
		c->failed++;
	else
		c->stored++;
}

/* The ledger the figures come from: --ledger, else <data>/ledger.db. */
static void ledger_path(const opts_t *o, char *buf, size_t cap)
{
	if (o->ledger)
		snprintf(buf, cap, "%s", o->ledger);
	else
		snprintf(buf, cap, "%s/ledger.db", o->data);
}

/* The figures of day (yyyymmdd) per group into the outbox. */
static int day_stats(const opts_t *o, outbox_t *ob, int day, bool hourly, int *stored)
{
	char lpath[PATH_MAX];
	ledger_path(o, lpath, sizeof lpath);
	stats_ctx_t c = {.ob = ob, .day = day, .after = -1, .upto = 23};
	int k = queue_stats_daily(lpath, on_stat, &c);
	if (!k && hourly)
		k = queue_stats_hourly(lpath, day, on_stat, &c);
	*stored = c.stored;
	if (k || c.failed) {
		fprintf(stderr, "kiosk-fleet-agent: figures of %d from %s: %s (%d stored, %d not)\n", day, lpath,
			k ? kiosk_strerror(k) : outbox_error(ob), c.stored, c.failed);
		return k ? k : KIOSK_EIO;
	}
	return KIOSK_OK;
}

/* Once a day: yesterday's figures (Vietnam time), remembered in
 * <data>/fleet-stats-day so a restart does not send them twice. A day
 * without a ledger or without figures is marked done as well. */
static void daily_stats(const opts_t *o, outbox_t *ob, const kclock_t *clk)
{
	if (!kclock_trusted(clk))
		return;
	kclock_local_t y;
	kclock_to_local(kclock_now(clk) - 24LL * 3600 * 1000, &y);
	char mark[PATH_MAX], *text = NULL;
	snprintf(mark, sizeof mark, "%s/fleet-stats-day", o->data);
	int done = 0;
	if (mfile_read(mark, 64, &text, NULL) == KIOSK_OK)
		done = atoi(text);
	free(text);
	if (done >= y.yday_key)
		return;
	int stored = 0;
	int k = day_stats(o, ob, y.yday_key, false, &stored);
	if (k && k != KIOSK_ENOENT)
		return; /* tried again at the next heartbeat */
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", y.yday_key);
	if (mfile_write_atomic(mark, buf, (size_t)n, 0644) == KIOSK_OK && stored)
		log_info("fleet: figures of %d stored (%d groups)", y.yday_key, stored);
}

/* The hours of day (yyyymmdd) in (after, upto] per group into the outbox. */
static int hour_stats(const opts_t *o, outbox_t *ob, int day, int after, int upto, int *stored)
{
	char lpath[PATH_MAX];
	ledger_path(o, lpath, sizeof lpath);
	stats_ctx_t c = {.ob = ob, .day = day, .after = after, .upto = upto};
	int k = queue_stats_hourly(lpath, day, on_stat, &c);
	*stored += c.stored;
	return k ? k : c.failed ? KIOSK_EIO : KIOSK_OK;
}

/* Each finished hour's figures per group, once: <data>/fleet-stats-hour
 * remembers the last hour sent (yyyymmddhh). After a day change the rest
 * of the day before goes first; a kiosk off for longer sends from today's
 * first hour (the day's own figures cover the days between). */
static void hourly_stats(const opts_t *o, outbox_t *ob, const kclock_t *clk)
{
	if (!kclock_trusted(clk))
		return;
	kclock_local_t last;
	kclock_to_local(kclock_now(clk) - 3600LL * 1000, &last); /* the last hour that is over */
	long upto = (long)last.yday_key * 100 + last.hour;
	char mark[PATH_MAX], *text = NULL;
	snprintf(mark, sizeof mark, "%s/fleet-stats-hour", o->data);
	long done = 0;
	if (mfile_read(mark, 64, &text, NULL) == KIOSK_OK)
		done = atol(text);
	free(text);
	if (done >= upto)
		return;
	int stored = 0, k = KIOSK_OK;
	if (done / 100 != upto / 100 && done > 0) {
		kclock_local_t y;
		kclock_to_local(kclock_now(clk) - 3600LL * 1000 - 24LL * 3600 * 1000, &y);
		if (done / 100 == y.yday_key) /* the evening before */
			k = hour_stats(o, ob, (int)(done / 100), (int)(done % 100), 23, &stored);
		done = 0;
	}
	if (k == KIOSK_OK || k == KIOSK_ENOENT)
		k = hour_stats(o, ob, (int)(upto / 100), done ? (int)(done % 100) : -1, (int)(upto % 100), &stored);
	if (k && k != KIOSK_ENOENT)
		return; /* tried again at the next heartbeat */
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", upto);
	if (mfile_write_atomic(mark, buf, (size_t)n, 0644) == KIOSK_OK && stored)
		log_info("fleet: hourly figures up to %ld stored (%d rows)", upto, stored);
}


/* ---- data bundles pushed to the fleet (docs/fleet.md) ---- */

static void push_dir(const opts_t *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/fleet-push", o->data);
}

static void push_event(outbox_t *ob, const char *result, const char *version, const char *reason)
{
	char body[256];
	snprintf(body, sizeof body,
		 "{\"event\":\"update\",\"type\":\"data\",\"via\":\"fleet\",\"result\":\"%s\",\"version\":\"%s\"%s%s%s}",
		 result, version, reason ? ",\"reason\":\"" : "", reason ? reason : "", reason ? "\"" : "");
	if (outbox_enqueue(ob, OUTBOX_EVENT, body, NULL) != KIOSK_OK)
		fprintf(stderr, "kiosk-fleet-agent: push event not stored: %s\n", outbox_error(ob));
	else
		log_info("fleet: update event %s", body);
}

static int noop_chunk(void *user, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	(void)user, (void)buf, (void)len, (void)err, (void)errlen;
	return KIOSK_OK;
}

/* The checks of a stick's bundle (update_stick_scan: signature, header,
 * compatible string, version and security floors) and then its whole
 * payload read and hashed against the signed chunk table. Returns NULL when
 * it may be installed, else a reason code; words in why, version in ver. */
static const char *push_check(const opts_t *o, const char *dir, const char *name, char *ver, size_t vercap,
			      char *why, size_t whycap)
{
	update_t *u;
	snprintf(ver, vercap, "?");
	if (update_open(o->update_root, o->keys, o->compat, &u, why, whycap))
		return "device";
	update_candidate_t *c = NULL;
	size_t n = 0;
	const char *code = "damaged";
	if (update_stick_scan(u, dir, &c, &n, why, whycap)) {
		update_close(u);
		return "device";
	}
	char compat[BUNDLE_COMPATIBLE_MAX + 1] = "", e2[256];
	bundle_read_compatible(o->compat, compat, sizeof compat, e2, sizeof e2);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(c[i].name, name))
			continue;
		snprintf(why, whycap, "%s", c[i].reason);
		if (c[i].verified)
			snprintf(ver, vercap, "%s", c[i].h.version_str);
		if (c[i].unsafe || !c[i].verified)
			code = "signature";
		else if (c[i].h.type != BUNDLE_TYPE_DATA)
			code = "type", snprintf(why, whycap, "an app bundle: app bundles come on a USB stick only");
		else if (strcmp(c[i].h.compatible, compat))
			code = "compatible";
		else if (!c[i].candidate)
			code = "other";
		else if (!c[i].newer)
			code = "not-newer";
		else
			code = NULL;
		break;
	}
	free(c);
	update_close(u);
	if (code)
		return code;
	bundle_pubkey_t keys[2];
	size_t nk = 0;
	bundle_t *b = NULL;
	char path[PATH_MAX + 80];
	snprintf(path, sizeof path, "%s/%.70s", dir, name);
	if (bundle_pubkeys_load_dir(o->keys, keys, &nk, why, whycap) || !nk ||
	    bundle_open(path, keys, nk, &b, why, whycap) ||
	    bundle_stream(b, noop_chunk, NULL, NULL, NULL, why, whycap))
		code = "payload";
	bundle_close(b);
	return code;
}

/* Copy src to DIR/fleet.kiosk (a fresh file renamed over it): root's
 * kiosk-fleet-install takes it from there at the next idle moment. */
static int push_hand_over(const char *src, const char *dir, char *why, size_t whycap)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s/.fleet.kiosk.part", dir);
	snprintf(dst, sizeof dst, "%s/fleet.kiosk", dir);
	FILE *in = fopen(src, "rb");
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	int k = !in || !out ? KIOSK_EIO : KIOSK_OK;
	char buf[65536];
	size_t r;
	while (!k && (r = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, r, out) != r)
			k = KIOSK_EIO;
	if (!k && (ferror(in) || fflush(out) || fsync(fileno(out))))
		k = KIOSK_EIO;
	if (in)
		fclose(in);
	if (out ? fclose(out) : fd >= 0 ? close(fd) : 0)
		k = KIOSK_EIO;
	if (!k && (rename(tmp, dst) || mfile_sync_dir(dst, 0)))
		k = KIOSK_EIO;
	if (k) {
		snprintf(why, whycap, "cannot hand the bundle over in %s: %s", dir, strerror(errno));
		unlink(tmp);
	}
	return k;
}

/* The bundles fetched whole: each is checked, then handed over or refused,
 * and said as an event; the file goes either way. */
static void push_ready(const opts_t *o, outbox_t *ob)
{
	char dir[PATH_MAX - 64], ready[PATH_MAX];
	push_dir(o, dir, sizeof dir);
	snprintf(ready, sizeof ready, "%s/ready", dir);
	DIR *d = opendir(ready);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len != 64 + 6 || strcmp(e->d_name + 64, ".kiosk"))
			continue;
		char ver[40], why[BUNDLE_ERR_LEN + 64], path[PATH_MAX + 80];
		snprintf(path, sizeof path, "%s/%.70s", ready, e->d_name);
		const char *code = push_check(o, ready, e->d_name, ver, sizeof ver, why, sizeof why);
		char vpath[PATH_MAX + 80], *said = NULL;
		snprintf(vpath, sizeof vpath, "%s/%.64s.version", ready, e->d_name);
		if (!strcmp(ver, "?") && mfile_read(vpath, 32, &said, NULL) == KIOSK_OK) {
			bundle_version_t bv;
			if (!bundle_version_parse(said, strlen(said), &bv))
				snprintf(ver, sizeof ver, "%s", said); /* the manifest's word, checked */
		}
		free(said);
		unlink(vpath);
		if (!code && push_hand_over(path, o->handoff, why, sizeof why))
			code = "device";
		if (code) {
			log_warn("fleet: the pushed data bundle %s is refused: %s", ver, why);
			push_event(ob, "refused", ver, code);
		} else {
			char mark[PATH_MAX];
			snprintf(mark, sizeof mark, "%s/handed", dir);
			char line[128];
			int n = snprintf(line, sizeof line, "%.64s %s\n", e->d_name, ver);
			mfile_write_atomic(mark, line, (size_t)n, 0600);
			log_info("fleet: the pushed data bundle %s passed the checks; it is installed at the next "
				 "idle moment at Welcome",
				 ver);
			push_event(ob, "received", ver, NULL);
		}
		unlink(path);
	}
	closedir(d);
}

/* Root's answer to the bundle handed over (ANSWERS/fleet.answer:
 * bundle=SHA result=ok|failed message=...): a failed install is said as
 * an event once; a good one shows in the update records (update_events). */
static void push_answer(const opts_t *o, outbox_t *ob)
{
	char dir[PATH_MAX - 64], mark[PATH_MAX], ans[PATH_MAX], *m = NULL, *a = NULL;
	push_dir(o, dir, sizeof dir);
	snprintf(mark, sizeof mark, "%s/handed", dir);
	if (!o->answers || mfile_read(mark, 256, &m, NULL))
		return;
	snprintf(ans, sizeof ans, "%s/fleet.answer", o->answers);
	char sha[65] = "", ver[40] = "", got[65] = "", result[16] = "";
	if (sscanf(m, "%64s %39s", sha, ver) == 2 && mfile_read(ans, 4096, &a, NULL) == KIOSK_OK) {
		const char *b = strstr(a, "bundle="), *r = strstr(a, "result=");
		if (b && r && sscanf(b, "bundle=%64[0-9a-f]", got) == 1 && sscanf(r, "result=%15[a-z]", result) == 1 &&
		    !strcmp(got, sha)) {
			if (strcmp(result, "ok")) {
				const char *msg = strstr(a, "message=");
				log_warn("fleet: the pushed data bundle %s was not installed: %.*s", ver,
					 msg ? (int)strcspn(msg + 8, "\n") : 0, msg ? msg + 8 : "");
				push_event(ob, "failed", ver, "install");
			}
			unlink(mark);
		}
	}
	free(m);
	free(a);
}

static int run(const opts_t *o, const config_t *cfg, const char *obpath, outbox_t *ob, const kclock_t *clk)
{
	fleet_conf_t fc;
	char err[512];
	int k = fleet_conf_from_config(cfg, &fc, err, sizeof err);
	if (k == KIOSK_ENOENT) {
		fprintf(stderr, "kiosk-fleet-agent: %s\n", err);
		return 3;
	}
	if (k) {
		fprintf(stderr, "kiosk-fleet-agent: %s\n", err);
		return 1;
	}
	if (o->backoff_max_ms > 0) {
		fc.backoff_min_ms = o->backoff_max_ms < 1000 ? o->backoff_max_ms : 1000;
		fc.backoff_max_ms = o->backoff_max_ms;
	}
	fc.connect_timeout_ms = o->connect_timeout_ms;
	bool push = o->handoff && o->update_root && o->keys && o->compat;
	if (push)
		push_dir(o, fc.push_dir, sizeof fc.push_dir);
	else if (o->handoff)
		fprintf(stderr, "kiosk-fleet-agent: --handoff needs --update-root, --keys and --compatible-file: "
				"pushed bundles are not taken\n");
	fleet_agent_t *a;
	k = fleet_agent_start(&fc, obpath, clk, &a, err, sizeof err);
	if (k) {
		fprintf(stderr, "kiosk-fleet-agent: %s\n", err);
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	int64_t every = o->heartbeat_s > 0 ? (int64_t)o->heartbeat_s * 1000 : (int64_t)cfg->fleet_heartbeat_min * 60000;
	int64_t start = kclock_mono(clk), next_hb = start;
	while (!stop_flag && (o->seconds <= 0 || kclock_mono(clk) - start < (int64_t)o->seconds * 1000)) {
		if (kclock_mono(clk) >= next_hb) {
			heartbeat(o, ob);
			daily_stats(o, ob, clk);
			hourly_stats(o, ob, clk);
			next_hb += every;
		}
		if (push) {
			push_ready(o, ob);
			push_answer(o, ob);
		}
		struct timespec ts = {0, 200 * 1000000L};
		nanosleep(&ts, NULL);
	}
	fleet_stats_t st;
	fleet_agent_stats(a, &st);
	fleet_agent_stop(a);
	outbox_info_t info;
	outbox_info(ob, &info);
	fprintf(stderr,
		"kiosk-fleet-agent: published %lld, acknowledged %lld, connections %lld, failures %lld, "
		"chunks %lld, bundles %lld, waiting %lld%s%s\n",
		(long long)st.published, (long long)st.acked, (long long)st.connects, (long long)st.failures,
		(long long)st.chunks, (long long)st.bundles,
		(long long)info.rows, st.last_error[0] ? "; last error: " : "", st.last_error);
	return 0;
}

int main(int argc, char **argv)
{
	opts_t o = {0};
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	o.cmd = argv[1];
	if (!strcmp(o.cmd, "--help") || !strcmp(o.cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--data") && v)
			o.data = v, i++;
		else if (!strcmp(a, "--config") && v)
			o.config = v, i++;
		else if (!strcmp(a, "--update-root") && v)
			o.update_root = v, i++;
		else if (!strcmp(a, "--keys") && v)
			o.keys = v, i++;
		else if (!strcmp(a, "--compatible-file") && v)
			o.compat = v, i++;
		else if (!strcmp(a, "--handoff") && v)
			o.handoff = v, i++;
		else if (!strcmp(a, "--answers") && v)
			o.answers = v, i++;
		else if (!strcmp(a, "--class") && v)
			o.cls = v, i++;
		else if (!strcmp(a, "--ledger") && v)
			o.ledger = v, i++;
		else if (!strcmp(a, "--seconds") && v)
			o.seconds = atoi(v), i++;
		else if (!strcmp(a, "--heartbeat-s") && v)
			o.heartbeat_s = atoi(v), i++;
		else if (!strcmp(a, "--backoff-max-ms") && v)
			o.backoff_max_ms = atoi(v), i++;
		else if (!strcmp(a, "--connect-timeout-ms") && v)
			o.connect_timeout_ms = atoi(v), i++;
		else if (!strcmp(a, "--day") && v)
			o.day = atoi(v), i++;
		else if (a[0] != '-' && !o.json)
			o.json = a;
		else {
			fprintf(stderr, "kiosk-fleet-agent: unknown or incomplete option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!o.data) {
		usage(stderr);
		return 2;
	}
	log_set_level(LOG_INFO);
	char site[PATH_MAX], local[PATH_MAX], obpath[PATH_MAX], err[512];
	if (o.config)
		snprintf(site, sizeof site, "%s", o.config);
	else {
		char assets[PATH_MAX - 16];
		kiosk_assets_dir(NULL, assets, sizeof assets);
		snprintf(site, sizeof site, "%s/site.json", assets);
	}
	config_local_path(o.data, local, sizeof local);
	snprintf(obpath, sizeof obpath, "%s/fleet-outbox.db", o.data);
	config_t cfg;
	if (config_load(&cfg, site, local, err, sizeof err)) {
		fprintf(stderr, "kiosk-fleet-agent: configuration: %s\n", err);
		return 1;
	}
	if (!cfg.fleet_id[0]) {
		fprintf(stderr, "kiosk-fleet-agent: fleet.id is not set: the fleet agent is off\n");
		return 3;
	}
	kclock_t clk;
	kclock_real(&clk, NULL);
	outbox_t *ob;
	if (outbox_open(obpath, cfg.fleet_id, &clk, NULL, &ob, err, sizeof err)) {
		fprintf(stderr, "kiosk-fleet-agent: %s\n", err);
		return 1;
	}
	int rc = 0;
	if (!strcmp(o.cmd, "run")) {
		rc = run(&o, &cfg, obpath, ob, &clk);
	} else if (!strcmp(o.cmd, "enqueue")) {
		outbox_class_t cls;
		if (!o.cls || !o.json) {
			usage(stderr);
			rc = 2;
		} else if (!strcmp(o.cls, "event") || !strcmp(o.cls, "stats") || !strcmp(o.cls, "heartbeat")) {
			cls = !strcmp(o.cls, "event") ? OUTBOX_EVENT : !strcmp(o.cls, "stats") ? OUTBOX_STATS
											 : OUTBOX_HEARTBEAT;
			int64_t seq;
			if (outbox_enqueue(ob, cls, o.json, &seq)) {
				fprintf(stderr, "kiosk-fleet-agent: not stored: %s\n", outbox_error(ob));
				rc = 1;
			} else {
				printf("%lld\n", (long long)seq);
			}
		} else {
			fprintf(stderr, "kiosk-fleet-agent: --class must be event, stats or heartbeat\n");
			rc = 2;
		}
	} else if (!strcmp(o.cmd, "heartbeat")) {
		rc = heartbeat(&o, ob) ? 1 : 0;
	} else if (!strcmp(o.cmd, "stats")) {
		int stored = 0;
		if (o.day < 19700101 || o.day > 99991231) {
			fprintf(stderr, "kiosk-fleet-agent: stats needs --day YYYYMMDD\n");
			rc = 2;
		} else if (day_stats(&o, ob, o.day, true, &stored)) {
			rc = 1;
		} else {
			printf("%d\n", stored);
		}
	} else if (!strcmp(o.cmd, "status")) {
		outbox_info_t info;
		if (outbox_info(ob, &info)) {
			fprintf(stderr, "kiosk-fleet-agent: %s\n", outbox_error(ob));
			rc = 1;
		} else {
			printf("{\"kiosk\":\"%s\",\"waiting\":%lld,\"bytes\":%lld,\"next_seq\":%lld,"
			       "\"dropped\":{\"heartbeat\":%lld,\"stats\":%lld,\"event\":%lld},\"merged\":%lld}\n",
			       cfg.fleet_id, (long long)info.rows, (long long)info.bytes, (long long)info.next_seq,
			       (long long)info.dropped[0], (long long)info.dropped[1], (long long)info.dropped[2],
			       (long long)info.merged);
		}
	} else {
		fprintf(stderr, "kiosk-fleet-agent: unknown command %s\n", o.cmd);
		usage(stderr);
		rc = 2;
	}
	outbox_close(ob);
	return rc;
}
