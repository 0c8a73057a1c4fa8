/* fleet_sim.c - many simulated kiosks against one broker, for the fleet's
 * scale test and benchmark (tests/cli/fleet_scale.sh, tests/bench/fleet.sh):
 * N real fleet agents (fleet/agent.h, each its own thread, MQTT client and
 * SQLite outbox in DIR/kNNN), 100 to a worker process (libmosquitto's loop
 * uses select(), so one process cannot hold descriptors past 1024; a real
 * kiosk has one agent), and in the parent a receiver
 * (libmosquitto, QoS 1) that de-duplicates on (kiosk, seq) and measures
 * each message's delay from being stored to being received (the envelope's
 * ts). Over a compressed office day of S seconds each kiosk stores M
 * messages at random moments (events, figures, heartbeats in the mix of a
 * real day); then the receiver waits for all of them.
 *
 *   fleet_sim --port P --dir DIR --agents N --messages M --seconds S [--broker-pid PID] [--backlog]
 *
 * --backlog: every message is stored before the agents connect (a fleet
 * back from a long outage), so the rate is what the agents and the broker
 * can carry, not what the day offers.
 *
 * Prints one line of figures: messages per second, delay p50/p99, the
 * agents' memory (RSS of this process grown by starting them, per agent)
 * and the broker's peak RSS. Exit 0 when every message arrived exactly
 * once (resends counted, not kept), 1 otherwise. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "domain/outbox.h"
#include "fleet/agent.h"

typedef struct {
	pthread_mutex_t lock;
	int agents, per;
	unsigned char *seen;  /* agents * (per + 1) */
	int64_t distinct, dups, bad;
	int64_t *delay;       /* ms, one per distinct message */
	int64_t first_ms, last_ms;
	int64_t first_rx_ms;  /* the first message received */
	const kclock_t *clk;
} recv_t;

static void on_msg(struct mosquitto *m, void *user, const struct mosquitto_message *msg)
{
	recv_t *r = user;
	(void)m;
	int k = -1;
	if (sscanf(msg->topic, "kiosk/k%d/", &k) != 1 || strstr(msg->topic, "/status"))
		return;
	cJSON *o = cJSON_ParseWithLength(msg->payload, (size_t)msg->payloadlen);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(o, "ts");
	int64_t now = kclock_now(r->clk);
	pthread_mutex_lock(&r->lock);
	if (k < 0 || k >= r->agents || !cJSON_IsNumber(seq) || !cJSON_IsNumber(ts) || seq->valuedouble < 1 ||
	    seq->valuedouble > r->per) {
		r->bad++;
	} else {
		unsigned char *s = &r->seen[(size_t)k * (size_t)(r->per + 1) + (size_t)seq->valuedouble];
		if (*s) {
			r->dups++;
		} else {
			*s = 1;
			if (!r->distinct)
				r->first_rx_ms = now;
			r->delay[r->distinct++] = now - (int64_t)ts->valuedouble;
			r->last_ms = now;
		}
	}
	pthread_mutex_unlock(&r->lock);
	cJSON_Delete(o);
}

static long rss_kib(pid_t pid, const char *field)
{
	char p[64], line[256];
	snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "r");
	long v = -1;
	size_t n = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, field, n))
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

typedef struct {
	pthread_t th;
	fleet_agent_t **ag;
	outbox_t **ob;
	int from, step, n;
} stopper_t;

static void *stop_some(void *arg)
{
	stopper_t *s = arg;
	for (int i = s->from; i < s->n; i += s->step) {
		fleet_agent_stop(s->ag[i]);
		outbox_close(s->ob[i]);
	}
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

#define PER_WORKER 100

static const char *const bodies[] = {
	"{\"event\":\"printer\",\"state\":\"near-end\",\"was\":\"ok\"}",
	"{\"period\":\"hour\",\"day\":20261203,\"hour\":9,\"group\":\"ho-tich\",\"issued\":12,\"called\":11,"
	"\"served\":10,\"no_show\":1,\"closed\":0,\"transferred\":0,\"transfer_in\":0,\"waits\":11,"
	"\"wait_median_s\":540,\"wait_p90_s\":1260,\"service_median_s\":300,\"rating_1\":4,\"rating_2\":2,"
	"\"rating_3\":0}",
	"{\"version\":\"1.4.0\",\"slot\":\"a\",\"uptime_s\":3600,\"disk_free_kb\":5000000,\"disk_total_kb\":"
	"7000000,\"temp_c\":48.5,\"printer\":\"ok\",\"outbox\":{\"waiting\":0,\"dropped\":{\"heartbeat\":0,"
	"\"stats\":0,\"event\":0},\"merged\":0}}",
};
static const outbox_class_t classes[] = {OUTBOX_EVENT, OUTBOX_STATS, OUTBOX_HEARTBEAT};

/* A worker: agents [first, first + n) over the day; then waits until their
 * outboxes are empty. Writes "rss_kib stored failed started_ms" to fd. */
static int worker(const char *dir, int port, int first, int n, int per, int seconds, bool backlog, int fd)
{
	kclock_t clk;
	kclock_real(&clk, NULL);
	long rss0 = rss_kib(getpid(), "VmRSS:");
	fleet_agent_t **ag = calloc((size_t)n, sizeof *ag);
	outbox_t **ob = calloc((size_t)n, sizeof *ob);
	for (int i = 0; i < n; i++) {
		char d[PATH_MAX - 32], path[PATH_MAX], id[16], err[256];
		snprintf(d, sizeof d, "%s/k%03d", dir, first + i);
		mkdir(d, 0700);
		snprintf(path, sizeof path, "%s/fleet-outbox.db", d);
		snprintf(id, sizeof id, "k%03d", first + i);
		if (outbox_open(path, id, &clk, NULL, &ob[i], err, sizeof err)) {
			fprintf(stderr, "fleet_sim: outbox %d: %s\n", first + i, err);
			return 1;
		}
		/* Back from a long outage: every message is waiting already. */
		for (int j = 0; backlog && j < per; j++) {
			int c = (first + i + j) % 3;
			if (outbox_enqueue(ob[i], classes[c], bodies[c], NULL))
				return 1;
		}
	}
	int64_t t0 = kclock_mono(&clk);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], err[256];
		snprintf(path, sizeof path, "%s/k%03d/fleet-outbox.db", dir, first + i);
		fleet_conf_t fc = {.port = port, .tls = false, .backoff_min_ms = 500, .backoff_max_ms = 2000};
		snprintf(fc.host, sizeof fc.host, "127.0.0.1");
		snprintf(fc.id, sizeof fc.id, "k%03d", first + i);
		if (fleet_agent_start(&fc, path, &clk, &ag[i], err, sizeof err)) {
			fprintf(stderr, "fleet_sim: agent %d: %s\n", first + i, err);
			return 1;
		}
	}
	int64_t started_ms = kclock_mono(&clk) - t0;
	sleep_ms(1000);
	long rss1 = rss_kib(getpid(), "VmRSS:");
	/* The day: message j of kiosk i at a random moment in [0, S). */
	int64_t total = (int64_t)n * per, stored = backlog ? total : 0, failed = 0;
	int64_t *when = malloc((size_t)total * sizeof *when);
	srand(1234u + (unsigned)first);
	for (int64_t j = 0; j < total; j++)
		when[j] = (int64_t)((double)rand() / RAND_MAX * seconds * 1000.0);
	int *next = calloc((size_t)n, sizeof *next);
	int64_t day0 = kclock_mono(&clk);
	while (stored + failed < total) {
		int64_t now = kclock_mono(&clk) - day0;
		for (int i = 0; i < n; i++)
			while (next[i] < per && when[(int64_t)i * per + next[i]] <= now) {
				int c = (first + i + next[i]) % 3;
				if (outbox_enqueue(ob[i], classes[c], bodies[c], NULL))
					failed++;
				else
					stored++;
				next[i]++;
			}
		sleep_ms(10);
	}
	for (int w = 0; w < 1200; w++) { /* at most 120 s until every message is acknowledged */
		int64_t left = 0;
		for (int i = 0; i < n; i++) {
			outbox_info_t info;
			if (!outbox_info(ob[i], &info))
				left += info.rows;
		}
		if (!left)
			break;
		sleep_ms(100);
	}
	char line[128];
	int len = snprintf(line, sizeof line, "%ld %lld %lld %lld\n", rss1 - rss0, (long long)stored, (long long)failed,
			   (long long)started_ms);
	if (write(fd, line, (size_t)len) != len)
		return 1;
	/* Each stop says offline and waits for its acknowledgment: in
	 * parallel, 16 at a time. */
	stopper_t st[16];
	for (int t = 0; t < 16; t++) {
		st[t] = (stopper_t){.ag = ag, .ob = ob, .from = t, .step = 16, .n = n};
		pthread_create(&st[t].th, NULL, stop_some, &st[t]);
	}
	for (int t = 0; t < 16; t++)
		pthread_join(st[t].th, NULL);
	free(when);
	free(next);
	free(ag);
	free(ob);
	return 0;
}

int main(int argc, char **argv)
{
	int port = 0, agents = 0, per = 0, seconds = 10, broker = 0;
	bool backlog = false;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
		if (!strcmp(o, "--backlog"))
			backlog = true;
		else if (!strcmp(o, "--port"))
			port = atoi(v), i++;
		else if (!strcmp(o, "--dir"))
			dir = v, i++;
		else if (!strcmp(o, "--agents"))
			agents = atoi(v), i++;
		else if (!strcmp(o, "--messages"))
			per = atoi(v), i++;
		else if (!strcmp(o, "--seconds"))
			seconds = atoi(v), i++;
		else if (!strcmp(o, "--broker-pid"))
			broker = atoi(v), i++;
		else
			port = 0; /* unknown: usage */
	}
	if (!port || !dir || agents < 1 || agents > 2000 || per < 1 || per > 100000 || seconds < 1) {
		fprintf(stderr, "usage: fleet_sim --port P --dir DIR --agents N --messages M --seconds S [--broker-pid PID] "
				"[--backlog]\n");
		return 2;
	}
	log_set_level(LOG_ERROR);
	kclock_t clk;
	kclock_real(&clk, NULL);
	recv_t r = {.agents = agents, .per = per, .clk = &clk};
	pthread_mutex_init(&r.lock, NULL);
	r.seen = calloc((size_t)agents * (size_t)(per + 1), 1);
	r.delay = calloc((size_t)agents * (size_t)per, sizeof *r.delay);
	if (!r.seen || !r.delay)
		return 1;
	/* The receiver's persistent session is made before the workers are
	 * forked (no thread runs then), and the broker keeps their messages
	 * for it until it is back. */
	mosquitto_lib_init();
	char rid[64];
	snprintf(rid, sizeof rid, "fleet-sim-receiver-%d", (int)getpid());
	struct mosquitto *rc = mosquitto_new(rid, false, &r);
	if (!rc)
		return 1;
	mosquitto_message_callback_set(rc, on_msg);
	if (mosquitto_connect(rc, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS ||
	    mosquitto_subscribe(rc, NULL, "kiosk/+/+", 1) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "fleet_sim: the receiver cannot reach the broker on port %d\n", port);
		return 1;
	}
	for (int i = 0; i < 10; i++)
		mosquitto_loop(rc, 50, 1);
	mosquitto_disconnect(rc);
	mosquitto_loop(rc, 50, 1);
	int nw = (agents + PER_WORKER - 1) / PER_WORKER;
	pid_t pids[2000 / PER_WORKER + 1];
	int fds[2000 / PER_WORKER + 1];
	r.first_ms = kclock_now(&clk) + 1000; /* the workers' day starts after their agents */
	for (int w = 0; w < nw; w++) {
		int pfd[2];
		if (pipe(pfd))
			return 1;
		fflush(NULL);
		pids[w] = fork();
		if (pids[w] == 0) {
			close(pfd[0]);
			int first = w * PER_WORKER, n = agents - first < PER_WORKER ? agents - first : PER_WORKER;
			_exit(worker(dir, port, first, n, per, seconds, backlog, pfd[1]));
		}
		close(pfd[1]);
		fds[w] = pfd[0];
	}
	if (mosquitto_reconnect(rc) != MOSQ_ERR_SUCCESS || mosquitto_loop_start(rc)) {
		fprintf(stderr, "fleet_sim: the receiver cannot reach the broker again\n");
		return 1;
	}
	long rss = 0;
	int64_t stored = 0, failed = 0, started_ms = 0;
	int bad_workers = 0;
	for (int w = 0; w < nw; w++) {
		char line[128] = "";
		ssize_t k = read(fds[w], line, sizeof line - 1);
		long a = 0;
		long long b = 0, c = 0, d = 0;
		if (k <= 0 || sscanf(line, "%ld %lld %lld %lld", &a, &b, &c, &d) != 4) {
			bad_workers++;
			continue;
		}
		rss += a, stored += b, failed += c;
		if (d > started_ms)
			started_ms = d;
	}
	for (int w = 0; w < 50; w++) { /* the last acknowledged messages on their way to the receiver */
		pthread_mutex_lock(&r.lock);
		int64_t got = r.distinct;
		pthread_mutex_unlock(&r.lock);
		if (got >= stored)
			break;
		sleep_ms(100);
	}
	long brss = broker ? rss_kib(broker, "VmHWM:") : -1;
	for (int w = 0; w < nw; w++) {
		int st = 0;
		waitpid(pids[w], &st, 0);
		bad_workers += !WIFEXITED(st) || WEXITSTATUS(st);
		close(fds[w]);
	}
	mosquitto_loop_stop(rc, true);
	pthread_mutex_lock(&r.lock);
	int64_t n = r.distinct, total = (int64_t)agents * per;
	qsort(r.delay, (size_t)n, sizeof *r.delay, cmp64);
	int64_t p50 = n ? r.delay[n / 2] : -1, p99 = n ? r.delay[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : -1;
	/* The rate: over the day as offered, or (a backlog) from the first
	 * message received to the last. */
	double span = (double)(r.last_ms - (backlog ? r.first_rx_ms : r.first_ms)) / 1000.0;
	printf("agents %d%s: %lld messages (%d each over %d s, %lld not stored), %lld received once, %lld resends, "
	       "%lld missing; %.0f msg/s over %.1f s; delay p50 %lld ms, p99 %lld ms; agents started in %lld ms "
	       "(%d processes), %ld KiB RSS each; broker peak RSS %.1f MiB\n",
	       agents, backlog ? " (all stored before they connect)" : "", (long long)total, per, seconds,
	       (long long)failed, (long long)n, (long long)r.dups,
	       (long long)(total - n), span > 0 ? (double)n / span : 0.0, span, (long long)p50, (long long)p99,
	       (long long)started_ms, nw, rss / agents, brss > 0 ? (double)brss / 1024.0 : -1.0);
	int ok = n == total && failed == 0 && r.bad == 0 && !bad_workers;
	pthread_mutex_unlock(&r.lock);
	mosquitto_destroy(rc);
	mosquitto_lib_cleanup();
	free(r.seen);
	free(r.delay);
	return ok ? 0 : 1;
}
