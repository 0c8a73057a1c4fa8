/* hub_sess.c - the hub's counter sessions and their request-id memory
 * (hub_sess.h): a fixed table in memory, random tokens from RAND_bytes,
 * idle expiry on the injected monotonic clock. */
#include "hub/hub_sess.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

typedef struct {
	char rid[65];
	int status;
	char *body;
	int64_t at;
} rid_t;

typedef struct {
	bool used;
	int counter;
	char token[HUB_TOKEN_HEX + 1];
	char csrf[HUB_TOKEN_HEX + 1];
	int64_t last;              /* mono ms of the last request */
	rid_t rid[HUB_RID_KEEP];
	int rid_next;
} sess_t;

struct hub_sess {
	pthread_mutex_t mu;
	const kclock_t *clock;
	int64_t idle_ms;
	sess_t s[HUB_SESS_MAX];
};

hub_sess_t *hub_sess_new(const kclock_t *clock, int64_t idle_ms)
{
	hub_sess_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	pthread_mutex_init(&s->mu, NULL);
	s->clock = clock;
	s->idle_ms = idle_ms > 0 ? idle_ms : 1;
	return s;
}

static void drop(sess_t *e)
{
	for (int i = 0; i < HUB_RID_KEEP; i++)
		free(e->rid[i].body);
	explicit_bzero(e, sizeof *e);
}

void hub_sess_free(hub_sess_t *s)
{
	if (!s)
		return;
	for (int i = 0; i < HUB_SESS_MAX; i++)
		drop(&s->s[i]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static bool random_hex(char out[HUB_TOKEN_HEX + 1])
{
	static const char d[] = "0123456789abcdef";
	uint8_t b[HUB_TOKEN_HEX / 2];
	if (RAND_bytes(b, sizeof b) != 1)
		return false;
	for (size_t i = 0; i < sizeof b; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[HUB_TOKEN_HEX] = '\0';
	explicit_bzero(b, sizeof b);
	return true;
}

static bool live(const hub_sess_t *s, const sess_t *e, int64_t now)
{
	return e->used && now - e->last < s->idle_ms;
}

/* The live session of token, expired ones dropped on the way. */
static sess_t *find(hub_sess_t *s, const char *token)
{
	if (!token || strlen(token) != HUB_TOKEN_HEX)
		return NULL;
	int64_t now = kclock_mono(s->clock);
	sess_t *hit = NULL;
	for (int i = 0; i < HUB_SESS_MAX; i++) {
		sess_t *e = &s->s[i];
		if (e->used && !live(s, e, now)) {
			drop(e);
			continue;
		}
		if (e->used && CRYPTO_memcmp(e->token, token, HUB_TOKEN_HEX) == 0)
			hit = e;
	}
	return hit;
}

int hub_sess_create(hub_sess_t *s, int counter, char token[HUB_TOKEN_HEX + 1],
		    char csrf[HUB_TOKEN_HEX + 1])
{
	token[0] = csrf[0] = '\0';
	pthread_mutex_lock(&s->mu);
	int64_t now = kclock_mono(s->clock);
	sess_t *slot = NULL, *oldest = NULL;
	for (int i = 0; i < HUB_SESS_MAX && !slot; i++) {
		sess_t *e = &s->s[i];
		if (e->used && !live(s, e, now))
			drop(e);
		if (!e->used)
			slot = e;
		else if (!oldest || e->last < oldest->last)
			oldest = e;
	}
	if (!slot) {
		drop(oldest);
		slot = oldest;
	}
	if (!random_hex(slot->token) || !random_hex(slot->csrf)) {
		drop(slot);
		pthread_mutex_unlock(&s->mu);
		return KIOSK_ERR;
	}
	slot->used = true;
	slot->counter = counter;
	slot->last = now;
	memcpy(token, slot->token, HUB_TOKEN_HEX + 1);
	memcpy(csrf, slot->csrf, HUB_TOKEN_HEX + 1);
	pthread_mutex_unlock(&s->mu);
	return KIOSK_OK;
}

int hub_sess_get(hub_sess_t *s, const char *token, int *counter)
{
	*counter = 0;
	pthread_mutex_lock(&s->mu);
	sess_t *e = find(s, token);
	if (e) {
		e->last = kclock_mono(s->clock);
		*counter = e->counter;
	}
	pthread_mutex_unlock(&s->mu);
	return e ? KIOSK_OK : KIOSK_ENOENT;
}

bool hub_sess_csrf_ok(hub_sess_t *s, const char *token, const char *csrf)
{
	if (!csrf || strlen(csrf) != HUB_TOKEN_HEX)
		return false;
	pthread_mutex_lock(&s->mu);
	sess_t *e = find(s, token);
	bool ok = e && CRYPTO_memcmp(e->csrf, csrf, HUB_TOKEN_HEX) == 0;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

int hub_sess_end(hub_sess_t *s, const char *token)
{
	pthread_mutex_lock(&s->mu);
	sess_t *e = find(s, token);
	if (e)
		drop(e);
	pthread_mutex_unlock(&s->mu);
	return e ? KIOSK_OK : KIOSK_ENOENT;
}

bool hub_sess_online(hub_sess_t *s, int counter)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = kclock_mono(s->clock);
	bool on = false;
	for (int i = 0; i < HUB_SESS_MAX && !on; i++)
		on = live(s, &s->s[i], now) && s->s[i].counter == counter;
	pthread_mutex_unlock(&s->mu);
	return on;
}

bool hub_sess_rid_find(hub_sess_t *s, const char *token, const char *rid, int *status, char **body)
{
	*status = 0;
	*body = NULL;
	if (!rid || !rid[0])
		return false;
	pthread_mutex_lock(&s->mu);
	sess_t *e = find(s, token);
	bool hit = false;
	int64_t now = kclock_mono(s->clock);
	for (int i = 0; e && i < HUB_RID_KEEP && !hit; i++) {
		rid_t *r = &e->rid[i];
		if (r->rid[0] && now - r->at < HUB_RID_MS && strcmp(r->rid, rid) == 0) {
			*body = strdup(r->body ? r->body : "{}");
			*status = r->status;
			hit = *body != NULL;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return hit;
}

void hub_sess_rid_keep(hub_sess_t *s, const char *token, const char *rid, int status,
		       const char *body)
{
	if (!rid || !rid[0] || strlen(rid) >= sizeof ((rid_t *)0)->rid)
		return;
	pthread_mutex_lock(&s->mu);
	sess_t *e = find(s, token);
	if (e) {
		rid_t *r = &e->rid[e->rid_next];
		e->rid_next = (e->rid_next + 1) % HUB_RID_KEEP;
		free(r->body);
		snprintf(r->rid, sizeof r->rid, "%s", rid);
		r->status = status;
		r->body = strdup(body ? body : "{}");
		r->at = kclock_mono(s->clock);
	}
	pthread_mutex_unlock(&s->mu);
}
