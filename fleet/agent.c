/* agent.c - the fleet agent's thread: one libmosquitto client driven by
 * mosquitto_loop in a thread of its own, publishing the outbox in order
 * with QoS 1, deleting each message on its PUBACK, with a retained last
 * will (offline) and an online status on connect, and a reconnect with
 * exponential backoff. The kiosk's loop only ever writes to the outbox.
 * It also fetches pushed data bundles (fleet/fetch.h): the retained
 * manifests of fleet/push/all and fleet/push/<group>, then the missing
 * chunks of the one to fetch, a few subscriptions at a time. */
#include "fleet/agent.h"

#include <errno.h>
#include <stdarg.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "domain/outbox.h"
#include "fleet/fetch.h"

#define FLEET_WINDOW_MAX 64
#define PUSH_WINDOW 4        /* chunk subscriptions at a time */
#define PUSH_SETTLE_MS 1500  /* retained manifests arrive after a connect */

typedef struct {
	int mid;
	int64_t seq;
	char topic[OUTBOX_TOPIC_MAX];
} flight_t;

struct fleet_agent {
	fleet_conf_t conf;
	char outbox_path[4096];
	const kclock_t *clock;
	pthread_t thread;
	atomic_bool running;
	pthread_mutex_t lock;       /* guards stats */
	fleet_stats_t stats;
	/* The thread's own state (no lock: only the thread touches it). */
	struct mosquitto *m;
	bool libinit;
	outbox_t *ob;
	bool sock_up;               /* a connection is open or opening */
	bool connected;             /* its CONNACK accepted */
	int64_t attempt_ms;         /* when the pending connection started */
	int64_t next_try_ms;
	int backoff_ms;
	int64_t last_sent;          /* highest seq handed over on this connection */
	flight_t flight[FLEET_WINDOW_MAX];
	int nflight;
	bool refused;               /* the broker refused this attempt (reason logged) */
	bool pub_refused;           /* it refused a message (reason logged) */
	int status_mid;             /* the offline status at stop */
	bool status_acked;
	char status_topic[OUTBOX_TOPIC_MAX];
	char last_log[200];         /* the last libmosquitto warning logged */
	/* Pushed bundles: the latest manifest of each push topic, the chunk
	 * subscriptions open, when to choose what to fetch. */
	fetch_t *fetch;
	char push_topic[2][OUTBOX_TOPIC_MAX];
	fetch_manifest_t man[2];
	bool have_man[2];
	uint32_t req[PUSH_WINDOW];
	int nreq;
	char req_sha[65];
	char said_sha[65];          /* the download last named in the log */
	int64_t decide_ms;          /* 0: nothing to decide */
};

int fleet_conf_from_config(const config_t *cfg, fleet_conf_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!cfg->fleet_broker[0] || !cfg->fleet_id[0])
		return kiosk_err(err, errlen, KIOSK_ENOENT, "fleet agent off (fleet.broker or fleet.id not set)");
	const char *colon = strrchr(cfg->fleet_broker, ':');
	if (!colon)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fleet.broker must be host:port");
	snprintf(out->host, sizeof out->host, "%.*s", (int)(colon - cfg->fleet_broker), cfg->fleet_broker);
	out->port = atoi(colon + 1);
	snprintf(out->id, sizeof out->id, "%s", cfg->fleet_id);
	snprintf(out->ca, sizeof out->ca, "%s", cfg->fleet_ca);
	snprintf(out->cert, sizeof out->cert, "%s", cfg->fleet_cert);
	snprintf(out->key, sizeof out->key, "%s", cfg->fleet_key);
	out->tls = cfg->fleet_tls;
	snprintf(out->group, sizeof out->group, "%s", cfg->fleet_group);
	if (out->tls && (!out->ca[0] || !out->cert[0] || !out->key[0]))
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "fleet.tls is on: fleet.ca, fleet.cert and fleet.key must all be set");
	return KIOSK_OK;
}

static void set_error(fleet_agent_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(fleet_agent_t *a, const char *fmt, ...)
{
	char buf[sizeof a->stats.last_error];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&a->lock);
	bool same = !strcmp(buf, a->stats.last_error);
	snprintf(a->stats.last_error, sizeof a->stats.last_error, "%s", buf);
	a->stats.failures++;
	pthread_mutex_unlock(&a->lock);
	if (!same) /* the same reason again and again is logged once */
		log_warn("fleet: %s", buf);
}

static void count(fleet_agent_t *a, int64_t *field, int64_t d)
{
	pthread_mutex_lock(&a->lock);
	*field += d;
	pthread_mutex_unlock(&a->lock);
}

static void status_payload(const fleet_agent_t *a, const char *state, char *buf, size_t cap)
{
	snprintf(buf, cap, "{\"v\":1,\"kiosk\":\"%s\",\"state\":\"%s\",\"ts\":%lld}", a->conf.id, state,
		 (long long)kclock_now(a->clock));
}

/* ---- callbacks (run inside mosquitto_loop, on the agent's thread) ---- */

static void on_connect(struct mosquitto *m, void *user, int rc, int flags, const mosquitto_property *props)
{
	fleet_agent_t *a = user;
	(void)flags;
	(void)props;
	if (rc != 0) {
		set_error(a, "the broker refused the connection: %s", mosquitto_reason_string(rc));
		a->refused = true;
		mosquitto_disconnect(m);
		return;
	}
	a->connected = true;
	a->backoff_ms = a->conf.backoff_min_ms;
	a->last_sent = 0;
	a->nflight = 0;
	char p[200];
	status_payload(a, "online", p, sizeof p);
	mosquitto_publish(m, NULL, a->status_topic, (int)strlen(p), p, 1, true);
	if (a->fetch) { /* a clean session: the subscriptions are made again */
		a->nreq = 0;
		a->have_man[0] = a->have_man[1] = false;
		for (int t = 0; t < 2; t++)
			if (a->push_topic[t][0])
				mosquitto_subscribe(m, NULL, a->push_topic[t], 1);
		a->decide_ms = kclock_mono(a->clock) + PUSH_SETTLE_MS;
	}
	pthread_mutex_lock(&a->lock);
	a->stats.connected = true;
	a->stats.connects++;
	a->stats.last_error[0] = 0;
	pthread_mutex_unlock(&a->lock);
	log_info("fleet: connected to %s:%d as %s", a->conf.host, a->conf.port, a->conf.id);
}

static void on_disconnect(struct mosquitto *m, void *user, int rc, const mosquitto_property *props)
{
	fleet_agent_t *a = user;
	(void)m;
	(void)props;
	(void)rc; /* the loop's result says why; lost() logs it */
	a->connected = false;
	pthread_mutex_lock(&a->lock);
	a->stats.connected = false;
	pthread_mutex_unlock(&a->lock);
}

/* A PUBACK. MQTT 5 says when the broker took the message but refused it
 * (reason 128 and above: not authorised by the ACL, quota, bad topic):
 * then the message stays in the outbox, the reason goes to the log, and
 * the agent backs off (a wrong certificate or id does not fix itself). */
static void on_publish(struct mosquitto *m, void *user, int mid, int reason, const mosquitto_property *props)
{
	fleet_agent_t *a = user;
	(void)m;
	(void)props;
	if (mid == a->status_mid)
		a->status_acked = true;
	for (int i = 0; i < a->nflight; i++) {
		if (a->flight[i].mid != mid)
			continue;
		if (reason >= 128) {
			log_debug("fleet: message %lld refused", (long long)a->flight[i].seq);
			set_error(a, "the broker refused a message to %s: %s (kept in the outbox)",
				  a->flight[i].topic, mosquitto_reason_string(reason));
			a->pub_refused = true;
			a->flight[i] = a->flight[--a->nflight];
			return;
		}
		int k = outbox_ack(a->ob, a->flight[i].seq);
		if (k)
			set_error(a, "cannot delete an acknowledged message: %s (sent again later)", outbox_error(a->ob));
		else
			count(a, &a->stats.acked, 1);
		a->flight[i] = a->flight[--a->nflight];
		return;
	}
}

static void on_log(struct mosquitto *m, void *user, int level, const char *str)
{
	fleet_agent_t *a = user;
	(void)m;
	/* TLS and socket failures come only this way; the same line again
	 * (each retry) is not repeated. */
	if (!(level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING)) || !strcmp(str, a->last_log))
		return;
	snprintf(a->last_log, sizeof a->last_log, "%s", str);
	log_warn("fleet: mqtt: %s", str);
}


/* ---- pushed bundles (on the agent's thread) ---- */

static void chunk_topic(const char *sha, uint32_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "fleet/bundle/%s/%u", sha, i);
}

static void unsubscribe_all(fleet_agent_t *a)
{
	char t[OUTBOX_TOPIC_MAX];
	for (int i = 0; i < a->nreq; i++) {
		chunk_topic(a->req_sha, a->req[i], t, sizeof t);
		mosquitto_unsubscribe(a->m, NULL, t);
	}
	a->nreq = 0;
}

/* Subscribe to missing chunks of the download, up to the window. */
static void request_more(fleet_agent_t *a)
{
	const fetch_manifest_t *cur = fetch_current(a->fetch);
	if (!cur || !a->connected)
		return;
	if (strcmp(a->req_sha, cur->sha)) {
		unsubscribe_all(a);
		snprintf(a->req_sha, sizeof a->req_sha, "%s", cur->sha);
	}
	uint32_t idx[PUSH_WINDOW * 2];
	int n = fetch_missing(a->fetch, idx, PUSH_WINDOW * 2);
	for (int i = 0; i < n && a->nreq < PUSH_WINDOW; i++) {
		bool open = false;
		for (int j = 0; j < a->nreq; j++)
			open |= a->req[j] == idx[i];
		if (open)
			continue;
		char t[OUTBOX_TOPIC_MAX];
		chunk_topic(cur->sha, idx[i], t, sizeof t);
		if (mosquitto_subscribe(a->m, NULL, t, 1) != MOSQ_ERR_SUCCESS)
			break;
		a->req[a->nreq++] = idx[i];
	}
}

static void say_fetching(fleet_agent_t *a, const fetch_manifest_t *m)
{
	snprintf(a->said_sha, sizeof a->said_sha, "%s", m->sha);
	log_info("fleet: fetching the pushed data bundle %s (%llu bytes, %u chunks, %u missing)",
		 m->version[0] ? m->version : "?", (unsigned long long)m->size, fetch_chunks(a->fetch),
		 fetch_missing_count(a->fetch));
}

/* Choose what to fetch once the retained manifests are in: the download in
 * progress while a push topic still names it, else the first manifest not
 * fetched before. A bundle no topic names any more is left alone. */
static void push_decide(fleet_agent_t *a)
{
	a->decide_ms = 0;
	const fetch_manifest_t *cur = fetch_current(a->fetch);
	for (int t = 0; t < 2; t++)
		if (a->have_man[t] && cur && !strcmp(cur->sha, a->man[t].sha)) {
			if (strcmp(a->said_sha, cur->sha))
				say_fetching(a, cur);
			request_more(a);
			return;
		}
	for (int t = 0; t < 2; t++) {
		if (!a->have_man[t])
			continue;
		char err[256];
		int r = fetch_begin(a->fetch, &a->man[t], err, sizeof err);
		if (r == 1) {
			say_fetching(a, &a->man[t]);
			request_more(a);
			return;
		}
		if (r < 0)
			set_error(a, "%s", err);
	}
}

static void on_manifest(fleet_agent_t *a, int t, const struct mosquitto_message *msg)
{
	char err[256];
	fetch_manifest_t m;
	int k = fetch_manifest_parse(msg->payload, (size_t)msg->payloadlen, &m, err, sizeof err);
	a->have_man[t] = k == KIOSK_OK;
	if (k && k != KIOSK_ENOENT)
		set_error(a, "%s (on %s)", err, a->push_topic[t]);
	if (!k)
		a->man[t] = m;
	int64_t now = kclock_mono(a->clock);
	if (!a->decide_ms || a->decide_ms < now)
		a->decide_ms = now; /* decided in the loop, after this message */
}

static void on_chunk(fleet_agent_t *a, const struct mosquitto_message *msg)
{
	const char *rest = msg->topic + strlen("fleet/bundle/");
	char sha[65];
	char *end = NULL;
	if (strlen(rest) < 66 || rest[64] != '/')
		return;
	memcpy(sha, rest, 64);
	sha[64] = 0;
	unsigned long i = strtoul(rest + 65, &end, 10);
	if (!end || *end || i > UINT32_MAX)
		return;
	mosquitto_unsubscribe(a->m, NULL, msg->topic);
	for (int j = 0; j < a->nreq; j++)
		if (a->req[j] == i && !strcmp(sha, a->req_sha)) {
			a->req[j] = a->req[--a->nreq];
			break;
		}
	char ready[4096], err[256];
	int k = fetch_chunk(a->fetch, sha, (uint32_t)i, msg->payload, (size_t)msg->payloadlen, ready,
			    sizeof ready, err, sizeof err);
	if (k >= 0)
		count(a, &a->stats.chunks, 1);
	if (k == 1) {
		count(a, &a->stats.bundles, 1);
		log_info("fleet: pushed data bundle fetched whole: %s", ready);
		push_decide(a); /* another topic may name another bundle */
		return;
	}
	if (k < 0 && k != KIOSK_EINVAL)
		set_error(a, "%s", err);
	request_more(a);
}

static void on_message(struct mosquitto *m, void *user, const struct mosquitto_message *msg,
		       const mosquitto_property *props)
{
	fleet_agent_t *a = user;
	(void)m;
	(void)props;
	if (!a->fetch || !msg->topic)
		return;
	for (int t = 0; t < 2; t++)
		if (a->push_topic[t][0] && !strcmp(msg->topic, a->push_topic[t])) {
			on_manifest(a, t, msg);
			return;
		}
	if (!strncmp(msg->topic, "fleet/bundle/", 13))
		on_chunk(a, msg);
}

/* ---- the thread ---- */

static void lost(fleet_agent_t *a, int rc, const char *when)
{
	if (a->refused || a->pub_refused)
		a->refused = a->pub_refused = false; /* its reason is already said */
	else if (rc == MOSQ_ERR_TIMEOUT)
		set_error(a, "%s %s:%d within %d ms", when, a->conf.host, a->conf.port, a->conf.connect_timeout_ms);
	else if (a->conf.tls && !a->connected && rc == MOSQ_ERR_CONN_LOST)
		/* A broker that refuses the certificate sends a TLS alert and
		 * closes; the alert ("unknown ca", "certificate expired") is
		 * logged by on_log when it is read before the reset, not always. */
		set_error(a, "%s %s:%d: the broker closed the connection before accepting it (does it trust "
			     "this kiosk's certificate fleet.cert, and is the certificate still valid?)",
			  when, a->conf.host, a->conf.port);
	else if (rc == MOSQ_ERR_ERRNO)
		set_error(a, "%s %s:%d: %s", when, a->conf.host, a->conf.port, strerror(errno));
	else
		set_error(a, "%s %s:%d: %s", when, a->conf.host, a->conf.port, mosquitto_strerror(rc));
	if (a->sock_up)
		mosquitto_disconnect(a->m);
	a->sock_up = false;
	a->connected = false;
	a->nflight = 0;
	a->last_sent = 0;
	pthread_mutex_lock(&a->lock);
	a->stats.connected = false;
	pthread_mutex_unlock(&a->lock);
	a->next_try_ms = kclock_mono(a->clock) + a->backoff_ms;
	a->backoff_ms = a->backoff_ms * 2 > a->conf.backoff_max_ms ? a->conf.backoff_max_ms : a->backoff_ms * 2;
}

/* Hand the broker the next messages, up to the window. */
static void fill(fleet_agent_t *a)
{
	outbox_msg_t msgs[FLEET_WINDOW_MAX];
	int room = a->conf.window - a->nflight;
	if (room <= 0)
		return;
	int n = 0;
	if (outbox_peek(a->ob, a->last_sent, room, msgs, &n)) {
		set_error(a, "cannot read the outbox: %s", outbox_error(a->ob));
		return;
	}
	for (int i = 0; i < n; i++) {
		int mid = 0;
		int rc = mosquitto_publish(a->m, &mid, msgs[i].topic, (int)msgs[i].len, msgs[i].payload, 1, false);
		if (rc != MOSQ_ERR_SUCCESS)
			break;
		flight_t *fl = &a->flight[a->nflight++];
		fl->mid = mid;
		fl->seq = msgs[i].seq;
		snprintf(fl->topic, sizeof fl->topic, "%s", msgs[i].topic);
		a->last_sent = msgs[i].seq;
		count(a, &a->stats.published, 1);
	}
	outbox_msgs_free(msgs, n);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void *thread_main(void *arg)
{
	fleet_agent_t *a = arg;
	bool first = true;
	while (atomic_load(&a->running)) {
		int64_t now = kclock_mono(a->clock);
		if (!a->sock_up) {
			if (now < a->next_try_ms) {
				int64_t w = a->next_try_ms - now;
				sleep_ms(w > 200 ? 200 : (int)w);
				continue;
			}
			int rc = first ? mosquitto_connect_async(a->m, a->conf.host, a->conf.port, a->conf.keepalive_s)
				       : mosquitto_reconnect_async(a->m);
			if (rc != MOSQ_ERR_SUCCESS) {
				lost(a, rc, "cannot connect to");
				continue;
			}
			first = false;
			a->sock_up = true;
			a->attempt_ms = now;
		}
		bool was = a->connected; /* on_disconnect may clear it inside the loop */
		int rc = mosquitto_loop(a->m, 250, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			lost(a, rc, was ? "lost the broker" : "cannot connect to");
			continue;
		}
		/* No CONNACK in time: a black hole, or a TLS handshake that
		 * stalled; give up this attempt and try again after the backoff. */
		if (!a->connected && now - a->attempt_ms > a->conf.connect_timeout_ms) {
			lost(a, MOSQ_ERR_TIMEOUT, "no answer from");
			continue;
		}
		if (a->pub_refused) {
			a->backoff_ms = a->conf.backoff_max_ms;
			lost(a, MOSQ_ERR_ACL_DENIED, "refused by");
			continue;
		}
		if (a->connected)
			fill(a);
		if (a->connected && a->decide_ms && kclock_mono(a->clock) >= a->decide_ms)
			push_decide(a);
	}
	/* Stopping: say offline ourselves (a clean disconnect sends no will). */
	if (a->connected) {
		char p[200];
		status_payload(a, "offline", p, sizeof p);
		a->status_mid = -1;
		if (mosquitto_publish(a->m, &a->status_mid, a->status_topic, (int)strlen(p), p, 1, true) ==
		    MOSQ_ERR_SUCCESS) {
			for (int i = 0; i < 20 && !a->status_acked && a->connected; i++)
				if (mosquitto_loop(a->m, 100, 1) != MOSQ_ERR_SUCCESS)
					break;
		}
	}
	if (a->sock_up)
		mosquitto_disconnect(a->m);
	return NULL;
}

int fleet_agent_start(const fleet_conf_t *conf, const char *outbox_path, const kclock_t *clock,
		      fleet_agent_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!conf || !outbox_path || !clock || !outbox_id_valid(conf->id) || !conf->host[0] || conf->port < 1 ||
	    conf->port > 65535)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fleet: bad settings");
	fleet_agent_t *a = calloc(1, sizeof *a);
	if (!a)
		return KIOSK_ENOMEM;
	a->conf = *conf;
	if (a->conf.keepalive_s <= 0)
		a->conf.keepalive_s = 30;
	if (a->conf.backoff_min_ms <= 0)
		a->conf.backoff_min_ms = 1000;
	if (a->conf.backoff_max_ms < a->conf.backoff_min_ms)
		a->conf.backoff_max_ms = a->conf.backoff_min_ms > 60000 ? a->conf.backoff_min_ms : 60000;
	if (a->conf.connect_timeout_ms <= 0)
		a->conf.connect_timeout_ms = 10000;
	if (a->conf.window <= 0 || a->conf.window > FLEET_WINDOW_MAX)
		a->conf.window = 20;
	a->backoff_ms = a->conf.backoff_min_ms;
	a->clock = clock;
	a->status_mid = -1;
	snprintf(a->outbox_path, sizeof a->outbox_path, "%s", outbox_path);
	snprintf(a->status_topic, sizeof a->status_topic, "kiosk/%s/status", a->conf.id);
	pthread_mutex_init(&a->lock, NULL);
	int k = outbox_open(outbox_path, a->conf.id, clock, NULL, &a->ob, err, errlen);
	if (k)
		goto bad;
	if (a->conf.push_dir[0]) {
		k = fetch_open(a->conf.push_dir, &a->fetch, err, errlen);
		if (k)
			goto bad;
		snprintf(a->push_topic[0], sizeof a->push_topic[0], "fleet/push/all");
		if (a->conf.group[0] && strcmp(a->conf.group, "all"))
			snprintf(a->push_topic[1], sizeof a->push_topic[1], "fleet/push/%s", a->conf.group);
	}
	mosquitto_lib_init();
	a->libinit = true;
	a->m = mosquitto_new(a->conf.id, true, a);
	if (!a->m) {
		k = kiosk_err(err, errlen, KIOSK_ENOMEM, "fleet: cannot make an MQTT client: %s", strerror(errno));
		goto bad;
	}
	/* MQTT 5: its PUBACK says when the ACL refused a message (3.1.1
	 * acknowledges and drops it silently). Nothing else of 5 is used. */
	mosquitto_int_option(a->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_max_inflight_messages_set(a->m, (unsigned)a->conf.window + 2);
	mosquitto_connect_v5_callback_set(a->m, on_connect);
	mosquitto_disconnect_v5_callback_set(a->m, on_disconnect);
	mosquitto_publish_v5_callback_set(a->m, on_publish);
	mosquitto_log_callback_set(a->m, on_log);
	mosquitto_message_v5_callback_set(a->m, on_message);
	char will[200];
	status_payload(a, "offline", will, sizeof will);
	int rc = mosquitto_will_set(a->m, a->status_topic, (int)strlen(will), will, 1, true);
	if (rc == MOSQ_ERR_SUCCESS && a->conf.tls) {
		rc = mosquitto_tls_set(a->m, a->conf.ca, NULL, a->conf.cert, a->conf.key, NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(a->m, 1, "tlsv1.2", NULL);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		k = kiosk_err(err, errlen, KIOSK_EINVAL, "fleet: %s (%s)",
			      a->conf.tls ? "cannot use the certificate, key or CA files" : "cannot set the last will",
			      rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		goto bad;
	}
	atomic_store(&a->running, true);
	if (pthread_create(&a->thread, NULL, thread_main, a) != 0) {
		k = kiosk_err(err, errlen, KIOSK_ENOMEM, "fleet: cannot start the agent's thread");
		goto bad;
	}
	log_info("fleet: agent for %s, broker %s:%d (%s)", a->conf.id, a->conf.host, a->conf.port,
		 a->conf.tls ? "TLS, client certificate" : "plain TCP: tests only");
	*out = a;
	return KIOSK_OK;
bad:
	if (a->m)
		mosquitto_destroy(a->m);
	if (a->libinit)
		mosquitto_lib_cleanup();
	outbox_close(a->ob);
	fetch_close(a->fetch);
	pthread_mutex_destroy(&a->lock);
	free(a);
	return k;
}

void fleet_agent_stats(fleet_agent_t *a, fleet_stats_t *out)
{
	pthread_mutex_lock(&a->lock);
	*out = a->stats;
	pthread_mutex_unlock(&a->lock);
}

void fleet_agent_stop(fleet_agent_t *a)
{
	if (!a)
		return;
	atomic_store(&a->running, false);
	pthread_join(a->thread, NULL);
	mosquitto_destroy(a->m);
	mosquitto_lib_cleanup();
	outbox_close(a->ob);
	fetch_close(a->fetch);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
