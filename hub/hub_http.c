/* hub_http.c - libmicrohttpd glue for the hub (hub_http.h). A thread per
 * connection (MHD_USE_THREAD_PER_CONNECTION): an event stream's reader
 * simply waits on a condition variable for the next snapshot, which would
 * stall every other client under internal polling (or need suspend/resume
 * bookkeeping); a ward office has ~15 counters, 2 boards and a few tabs, so
 * tens of threads, capped by the connection limit. The API below has one
 * lock around the queue, so the threads never use it at once. */
#include "hub/hub_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "hub/hub_req.h"

struct hub_http {
	hub_api_t *api;
	struct MHD_Daemon *d[HUB_LISTEN_MAX];
	int nd;
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* a new snapshot, or stopping */
	bool stopping;
	pthread_t watcher;
	bool watcher_on;
};

typedef struct {
	char *body;
	size_t len;
	bool too_big;
	bool answered;             /* a 413 went out before the body */
} conn_t;

typedef struct {
	hub_http_t *h;
	char *buf;
	size_t len, off;
	uint64_t version;
	bool first;
} sse_t;

static void wake(hub_http_t *h)
{
	pthread_mutex_lock(&h->mu);
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

static void deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *watch(void *arg)
{
	hub_http_t *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stopping) {
		struct timespec ts;
		deadline(&ts, HUB_WATCH_MS);
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
		if (h->stopping)
			break;
		pthread_mutex_unlock(&h->mu);
		bool changed = hub_api_poll(h->api);
		pthread_mutex_lock(&h->mu);
		if (changed)
			pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* ---- the event stream ------------------------------------------------------- */

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	sse_t *s = cls;
	hub_http_t *h = s->h;
	while (s->off >= s->len) {
		free(s->buf);
		s->buf = NULL;
		s->len = s->off = 0;
		pthread_mutex_lock(&h->mu);
		if (!s->first) {
			/* The next change, or the keep-alive snapshot. */
			struct timespec ts;
			deadline(&ts, HUB_KEEPALIVE_MS);
			while (!h->stopping && hub_api_version(h->api) == s->version)
				if (pthread_cond_timedwait(&h->cv, &h->mu, &ts) == ETIMEDOUT)
					break;
		}
		bool stop = h->stopping;
		pthread_mutex_unlock(&h->mu);
		if (stop)
			return MHD_CONTENT_READER_END_OF_STREAM;
		s->first = false;
		char *snap = hub_api_snapshot(h->api, &s->version);
		if (!snap) {
			/* No snapshot yet (ledger unreadable): a comment keeps the line. */
			s->buf = strdup(": waiting\n\n");
		} else {
			const char *q = strstr(snap, "\"seq\":");
			long long seq = q ? strtoll(q + 6, NULL, 10) : 0;
			size_t n = strlen(snap) + 64;
			s->buf = malloc(n);
			if (s->buf)
				snprintf(s->buf, n, "id: %lld\nevent: state\ndata: %s\n\n", seq, snap);
			free(snap);
		}
		if (!s->buf)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		s->len = strlen(s->buf);
	}
	size_t n = s->len - s->off;
	if (n > max)
		n = max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	sse_t *s = cls;
	free(s->buf);
	free(s);
}

/* ---- requests ------------------------------------------------------------------ */

static void add_headers(struct MHD_Response *r, const hub_answer_t *a)
{
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (a->type)
		MHD_add_response_header(r, "Content-Type", a->type);
	MHD_add_response_header(r, "Cache-Control", a->no_store ? "no-store" : "no-cache");
	if (a->cookie[0])
		MHD_add_response_header(r, "Set-Cookie", a->cookie);
}

static enum MHD_Result queue_answer(struct MHD_Connection *c, hub_answer_t *a)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(a->len, a->body ? a->body : (void *)"", MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_headers(r, a);
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)a->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result too_large(struct MHD_Connection *c)
{
	hub_answer_t a;
	memset(&a, 0, sizeof a);
	a.status = 413;
	a.body = "{\"error\":\"too_large\"}";
	a.len = strlen(a.body);
	a.type = "application/json; charset=utf-8";
	a.no_store = true;
	return queue_answer(c, &a);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	(void)version;
	hub_http_t *h = cls;
	conn_t *cn = *con_cls;
	if (!cn) {
		cn = calloc(1, sizeof *cn);
		if (!cn)
			return MHD_NO;
		*con_cls = cn;
		/* A body announced over the cap is refused before it is read. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > HUB_BODY_MAX) {
			cn->too_big = cn->answered = true;
			return too_large(c);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (cn->answered) {
			*upload_size = 0;
			return MHD_YES;
		}
		if (!cn->too_big && cn->len + *upload_size <= HUB_BODY_MAX) {
			char *nb = realloc(cn->body, cn->len + *upload_size + 1);
			if (!nb)
				return MHD_NO;
			cn->body = nb;
			memcpy(cn->body + cn->len, upload, *upload_size);
			cn->len += *upload_size;
		} else {
			cn->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (cn->answered)
		return MHD_YES;
	hub_request_t rq = {
		.method = method,
		.url = url,
		.cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
		.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token"),
		.origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin"),
		.host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
		.body = cn->body,
		.len = cn->len,
		.too_big = cn->too_big,
	};
	hub_answer_t a;
	hub_api_handle(h->api, &rq, &a);
	if (cn->body)
		explicit_bzero(cn->body, cn->len);
	enum MHD_Result ok;
	if (a.events) {
		sse_t *s = calloc(1, sizeof *s);
		if (!s) {
			hub_answer_free(&a);
			return MHD_NO;
		}
		s->h = h;
		s->first = true;
		struct MHD_Response *r =
			MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, sse_read, s, sse_free);
		if (!r) {
			sse_free(s);
			hub_answer_free(&a);
			return MHD_NO;
		}
		a.no_store = true;
		add_headers(r, &a);
		ok = MHD_queue_response(c, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
	} else {
		ok = queue_answer(c, &a);
		if (strcmp(method, "POST") == 0)
			wake(h); /* an action: the streams send the new snapshot now */
	}
	hub_answer_free(&a);
	return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	conn_t *cn = *con_cls;
	if (cn) {
		if (cn->body)
			explicit_bzero(cn->body, cn->len);
		free(cn->body);
		free(cn);
	}
	*con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------------------- */

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl, bool *v6)
{
	char host[64], port[8];
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
			return KIOSK_EINVAL;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host || colon == s)
			return KIOSK_EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return KIOSK_EINVAL;
	snprintf(port, sizeof port, "%s", colon + 1);
	long p = strtol(port, NULL, 10);
	if (p < 1 || p > 65535)
		return KIOSK_EINVAL;
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return KIOSK_EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sl = ai->ai_addrlen;
	*v6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return KIOSK_OK;
}

int hub_http_start(hub_api_t *api, const char *const *listen, int n, hub_http_t **out, char *err,
		   size_t errlen)
{
	*out = NULL;
	if (n < 1 || n > HUB_LISTEN_MAX)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "hub: 1 to %d listen addresses", HUB_LISTEN_MAX);
	hub_http_t *h = calloc(1, sizeof *h);
	if (!h)
		return KIOSK_ENOMEM;
	h->api = api;
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	int rc = KIOSK_OK;
	for (int i = 0; i < n && rc == KIOSK_OK; i++) {
		struct sockaddr_storage ss;
		socklen_t sl;
		bool v6;
		if (parse_listen(listen[i], &ss, &sl, &v6) != KIOSK_OK) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				       "hub: listen address %s is not ADDR:PORT with a numeric address",
				       listen[i]);
			break;
		}
		unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				 MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
		h->d[i] = MHD_start_daemon(flags, 0, NULL, NULL, handler, h,
					   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					   MHD_OPTION_CONNECTION_LIMIT, (unsigned)128,
					   MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)32,
					   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
					   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
					   MHD_OPTION_THREAD_STACK_SIZE, (size_t)512 * 1024,
					   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
					   MHD_OPTION_END);
		if (!h->d[i])
			rc = kiosk_err(err, errlen, KIOSK_EIO, "hub: cannot listen on %s (%s)", listen[i],
				       strerror(errno));
		else
			h->nd = i + 1;
	}
	if (rc == KIOSK_OK) {
		if (pthread_create(&h->watcher, NULL, watch, h) == 0)
			h->watcher_on = true;
		else
			rc = kiosk_err(err, errlen, KIOSK_ERR, "hub: cannot start the watcher thread");
	}
	if (rc != KIOSK_OK) {
		hub_http_stop(h);
		return rc;
	}
	*out = h;
	return KIOSK_OK;
}

void hub_http_stop(hub_http_t *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stopping = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (h->watcher_on)
		pthread_join(h->watcher, NULL);
	for (int i = 0; i < h->nd; i++)
		if (h->d[i])
			MHD_stop_daemon(h->d[i]);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
