/* hubfeed_http.c - the hub's event stream over HTTP (hubfeed.h), read with
 * libcurl in a background thread. libcurl: Debian's well-kept client, which
 * does HTTP/1.1 chunked streaming, connect and low-speed timeouts, and IPv6
 * for us; the thread only parses the SSE framing and fills the slot.
 *
 * The thread: connect to <URL>/api/events (5 s connect timeout), accept only
 * a 200 answer, feed the bytes to the SSE parser, keep the newest snapshot
 * ("state" events) in the slot, count every event and comment as a sign of
 * life; a stream that stays silent for HUBFEED_SILENCE_MS is dropped; after
 * any end wait hubfeed_backoff_ms (reset by a connection that delivered an
 * event) and connect again, until closed. The main loop is woken through a
 * pipe.
 *
 * libcurl is loaded with dlopen the first time a board opens a feed, not
 * linked: the ticket kiosk never uses it, and its ~40 shared libraries would
 * cost the kiosk's start about 2 MiB of its memory budget (cli/start_memory).
 * A board without libcurl4 installed gets a clear message and no feed. */
#include "drivers/hubfeed/hubfeed_priv.h"
#include "drivers/hubfeed/sse.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"

typedef struct {
	char url[1100];
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;          /* under mu */
	char *latest;       /* under mu: newest snapshot not yet taken */
	hubfeed_status_t st; /* under mu */
	int wake[2];        /* [0] for the main loop's poll, [1] written here */
	/* thread only */
	sse_t sse;
	bool checked;       /* the answer's status was checked */
	bool had_event;     /* this connection delivered an event */
	CURL *curl;         /* the transfer in progress */
	unsigned long dropped;
} http_t;

/* The libcurl functions used here, resolved from libcurl.so.4. */
static struct {
	bool ok;
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} cu;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_setup(void)
{
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		log_error("board: libcurl.so.4 cannot be loaded (%s); install libcurl4", dlerror());
		return;
	}
	/* dlsym hands back a data pointer; POSIX guarantees the round trip. */
#define CU_SYM(field, name) \
	do { \
		void *sym = dlsym(lib, name); \
		if (!sym) { \
			log_error("board: libcurl.so.4 has no %s", name); \
			return; \
		} \
		memcpy(&cu.field, &sym, sizeof sym); \
	} while (0)
	CU_SYM(global_init, "curl_global_init");
	CU_SYM(easy_init, "curl_easy_init");
	CU_SYM(easy_setopt, "curl_easy_setopt");
	CU_SYM(easy_perform, "curl_easy_perform");
	CU_SYM(easy_getinfo, "curl_easy_getinfo");
	CU_SYM(easy_strerror, "curl_easy_strerror");
	CU_SYM(easy_cleanup, "curl_easy_cleanup");
	CU_SYM(slist_append, "curl_slist_append");
	CU_SYM(slist_free_all, "curl_slist_free_all");
#undef CU_SYM
	/* The library stays loaded for the life of the process. */
	cu.ok = cu.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	if (!cu.ok)
		log_error("board: libcurl could not start");
}

static void notify(http_t *h)
{
	char c = 1;
	ssize_t r = write(h->wake[1], &c, 1); /* a full pipe already wakes */
	(void)r;
}

static void on_event(void *ctx, const char *type, const char *id, const char *data, size_t len)
{
	(void)id;
	http_t *h = ctx;
	bool snapshot = strcmp(type, "state") == 0 || strcmp(type, "message") == 0;
	char *copy = NULL;
	if (snapshot) {
		copy = malloc(len + 1);
		if (copy) {
			memcpy(copy, data, len);
			copy[len] = 0;
		}
	}
	pthread_mutex_lock(&h->mu);
	h->st.heard++;
	if (snapshot) {
		h->st.events++;
		if (copy) {
			free(h->latest);
			h->latest = copy;
		}
	}
	pthread_mutex_unlock(&h->mu);
	h->had_event = true;
	notify(h);
}

static void on_comment(void *ctx, const char *text, size_t len)
{
	(void)text;
	(void)len;
	http_t *h = ctx;
	pthread_mutex_lock(&h->mu);
	h->st.heard++;
	pthread_mutex_unlock(&h->mu);
	notify(h);
}

static size_t on_data(char *buf, size_t size, size_t n, void *ctx)
{
	http_t *h = ctx;
	size_t len = size * n;
	if (!h->checked) {
		long code = 0;
		h->checked = true;
		cu.easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200) {
			log_warn("board: %s answered %ld, not an event stream", h->url, code);
			return 0; /* aborts the transfer */
		}
		pthread_mutex_lock(&h->mu);
		h->st.connected = true;
		h->st.connects++;
		pthread_mutex_unlock(&h->mu);
		notify(h);
	}
	sse_feed(&h->sse, buf, len);
	if (h->sse.dropped != h->dropped) {
		h->dropped = h->sse.dropped;
		pthread_mutex_lock(&h->mu);
		h->st.dropped = h->dropped;
		pthread_mutex_unlock(&h->mu);
	}
	return len;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	http_t *h = ctx;
	pthread_mutex_lock(&h->mu);
	bool stop = h->stop;
	pthread_mutex_unlock(&h->mu);
	return stop ? 1 : 0;
}

static void run_once(http_t *h)
{
	CURL *c = cu.easy_init();
	if (!c)
		return;
	struct curl_slist *hdr = cu.slist_append(NULL, "Accept: text/event-stream");
	hdr = cu.slist_append(hdr, "Cache-Control: no-cache");
	cu.easy_setopt(c, CURLOPT_URL, h->url);
	cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	/* Less than 1 byte a second for the silence window: the hub is gone
	 * (it sends at least every 15 s). */
	cu.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(HUBFEED_SILENCE_MS / 1000));
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, h);
	cu.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	cu.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	cu.easy_setopt(c, CURLOPT_XFERINFODATA, h);
	cu.easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	cu.easy_setopt(c, CURLOPT_USERAGENT, "kiosk-board");
	h->checked = false;
	h->had_event = false;
	sse_reset(&h->sse);
	h->curl = c;
	CURLcode rc = cu.easy_perform(c);
	h->curl = NULL;
	if (rc != CURLE_OK && rc != CURLE_ABORTED_BY_CALLBACK && rc != CURLE_WRITE_ERROR)
		log_debug("board: %s: %s", h->url, cu.easy_strerror(rc));
	cu.slist_free_all(hdr);
	cu.easy_cleanup(c);
	pthread_mutex_lock(&h->mu);
	bool was = h->st.connected;
	h->st.connected = false;
	pthread_mutex_unlock(&h->mu);
	if (was)
		notify(h);
}

static void *thread_main(void *arg)
{
	http_t *h = arg;
	int attempt = 0;
	for (;;) {
		pthread_mutex_lock(&h->mu);
		bool stop = h->stop;
		pthread_mutex_unlock(&h->mu);
		if (stop)
			break;
		run_once(h);
		attempt = h->had_event ? 0 : attempt + 1;
		int ms = hubfeed_backoff_ms(h->had_event ? 0 : attempt - 1);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L)
			until.tv_sec++, until.tv_nsec -= 1000000000L;
		pthread_mutex_lock(&h->mu);
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

static int http_open(hubfeed_t *f, const char *arg)
{
	if (!arg || (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0))
		return KIOSK_EINVAL;
	size_t n = strlen(arg);
	while (n > 0 && arg[n - 1] == '/')
		n--;
	if (n > 1000)
		return KIOSK_EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)arg[i] <= ' ' || arg[i] == 0x7f)
			return KIOSK_EINVAL;
	pthread_once(&curl_once, curl_setup);
	if (!cu.ok)
		return KIOSK_ENOENT;
	http_t *h = calloc(1, sizeof *h);
	if (!h)
		return KIOSK_ENOMEM;
	snprintf(h->url, sizeof h->url, "%.*s/api/events", (int)n, arg);
	sse_handler_t hd = {.on_event = on_event, .on_comment = on_comment, .ctx = h};
	sse_init(&h->sse, &hd);
	if (pipe2(h->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(h);
		return KIOSK_EIO;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&h->mu, NULL);
	f->impl = h;
	if (pthread_create(&h->th, NULL, thread_main, h) != 0) {
		close(h->wake[0]);
		close(h->wake[1]);
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
		free(h);
		f->impl = NULL;
		return KIOSK_ENOMEM;
	}
	h->started = true;
	return KIOSK_OK;
}

static int http_fd(const hubfeed_t *f)
{
	const http_t *h = f->impl;
	return h->wake[0];
}

static int http_take(hubfeed_t *f, hubfeed_status_t *st, char **json)
{
	http_t *h = f->impl;
	char buf[256];
	while (read(h->wake[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	*json = h->latest;
	h->latest = NULL;
	pthread_mutex_unlock(&h->mu);
	return KIOSK_OK;
}

static void http_close(hubfeed_t *f)
{
	http_t *h = f->impl;
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (h->started)
		pthread_join(h->th, NULL);
	free(h->latest);
	close(h->wake[0]);
	close(h->wake[1]);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

const hubfeed_ops_t hubfeed_http_ops = {
	.name = "http", .open = http_open, .fd = http_fd, .take = http_take, .close = http_close,
};
