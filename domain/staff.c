/* staff.c - the staff/technician PIN store: PBKDF2-HMAC-SHA256 hashes with
 * random salts in <data>/staff.json, constant-time comparison, and a
 * persisted lockout (staff.h). The count for new hashes is measured on the
 * board itself (one derivation ~STAFF_TARGET_MS), the two roles share one
 * salt and count so that a check costs one derivation, and a hash weaker
 * than that is redone at the next right PIN. */
#include "domain/staff.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/file.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/mfile.h"

#define SALT_LEN 16
#define HASH_LEN 32

typedef struct {
	bool set;
	unsigned iterations;
	uint8_t salt[SALT_LEN];
	uint8_t hash[HASH_LEN];
} pin_rec_t;

struct staff {
	char path[1100];
	const kclock_t *clock;
	unsigned iterations;       /* for new hashes; 0 = measure on first use */
	bool fixed;                /* iterations given by the caller (tests, benchmarks) */
	unsigned floor;            /* weakest accepted from the file */
	pin_rec_t pin[3];          /* [STAFF_STAFF], [STAFF_TECH] */
	int failures;              /* wrong PINs in a row */
	int64_t lock_ms;           /* length of the current lock, 0 = none */
	int64_t lock_wall;         /* wall time the lock started (UTC ms) */
	int64_t lock_end_mono;     /* mono ms the lock ends in this run */
	/* Counter PINs (office queue), [1..STAFF_COUNTER_MAX], each with its
	 * own lockout; re-read from the file before each use, since the kiosk
	 * and the hub (two processes) both write them. */
	struct counter_rec {
		pin_rec_t pin;
		int failures;
		int64_t lock_ms, lock_wall, lock_end_mono;
	} counter[STAFF_COUNTER_MAX + 1];
	char lock_path[1100];      /* <data>/.staff.lock: one writer at a time */
};

typedef struct counter_rec counter_rec_t;

static const char *role_key(staff_role_t r) { return r == STAFF_TECH ? "technician" : "staff"; }

static void hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}

static int64_t lock_for(int failures)
{
	if (failures < STAFF_LOCK_AFTER)
		return 0;
	if (failures == STAFF_LOCK_AFTER)
		return 60 * 1000;
	if (failures == STAFF_LOCK_AFTER + 1)
		return 5 * 60 * 1000;
	return 15 * 60 * 1000;
}

static void add_pin(cJSON *o, const pin_rec_t *p)
{
	char salt[2 * SALT_LEN + 1], hash[2 * HASH_LEN + 1];
	hex(p->salt, SALT_LEN, salt);
	hex(p->hash, HASH_LEN, hash);
	cJSON_AddStringToObject(o, "kdf", "pbkdf2-hmac-sha256");
	cJSON_AddNumberToObject(o, "iterations", p->iterations);
	cJSON_AddStringToObject(o, "salt", salt);
	cJSON_AddStringToObject(o, "hash", hash);
}

/* Replace the items of root this write owns: the two roles and their
 * lockout (which == 0), or counter which's record. */
static void put_section(const staff_t *st, cJSON *root, int which)
{
	if (which == 0) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, "format");
		cJSON_AddNumberToObject(root, "format", 1);
		for (int r = STAFF_STAFF; r <= STAFF_TECH; r++) {
			const pin_rec_t *p = &st->pin[r];
			cJSON_DeleteItemFromObjectCaseSensitive(root, role_key((staff_role_t)r));
			if (p->set)
				add_pin(cJSON_AddObjectToObject(root, role_key((staff_role_t)r)), p);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(root, "failures");
		cJSON_DeleteItemFromObjectCaseSensitive(root, "lock_ms");
		cJSON_DeleteItemFromObjectCaseSensitive(root, "lock_wall_ms");
		cJSON_AddNumberToObject(root, "failures", st->failures);
		cJSON_AddNumberToObject(root, "lock_ms", (double)st->lock_ms);
		cJSON_AddNumberToObject(root, "lock_wall_ms", (double)st->lock_wall);
		return;
	}
	cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "counters");
	if (!cJSON_IsObject(cs)) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, "counters");
		cs = cJSON_AddObjectToObject(root, "counters");
	}
	char key[16];
	snprintf(key, sizeof key, "%d", which);
	cJSON_DeleteItemFromObjectCaseSensitive(cs, key);
	const counter_rec_t *c = &st->counter[which];
	if (!c->pin.set)
		return;
	cJSON *o = cJSON_AddObjectToObject(cs, key);
	add_pin(o, &c->pin);
	cJSON_AddNumberToObject(o, "failures", c->failures);
	cJSON_AddNumberToObject(o, "lock_ms", (double)c->lock_ms);
	cJSON_AddNumberToObject(o, "lock_wall_ms", (double)c->lock_wall);
}

/* The store's writer lock (flock on <data>/.staff.lock), so that the kiosk
 * and the hub never lose each other's changes; -1 when it cannot be had
 * (read-only storage: the write fails anyway). */
static int lock_store(const staff_t *st)
{
	int fd = open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void unlock_store(int fd)
{
	if (fd >= 0)
		close(fd); /* drops the flock */
}

/* Write the section which (0: roles, else a counter) into the file as it
 * is now on disk, keeping what another process wrote in the other
 * sections. A file that does not parse is rewritten from memory. Call with
 * the store locked. */
static int save_locked(staff_t *st, int which)
{
	char *text = NULL;
	cJSON *root = NULL;
	if (mfile_read(st->path, 256 * 1024, &text, NULL) == KIOSK_OK) {
		root = cJSON_Parse(text);
		free(text);
		text = NULL;
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		root = cJSON_CreateObject();
		if (!root)
			return KIOSK_ENOMEM;
		put_section(st, root, 0);
		for (int c = 1; c <= STAFF_COUNTER_MAX; c++)
			if (c != which)
				put_section(st, root, c);
	}
	put_section(st, root, which);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return KIOSK_ENOMEM;
	int rc = mfile_write_atomic(st->path, text, strlen(text), 0600);
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc != KIOSK_OK)
		log_error("cannot save the PIN store: %s", kiosk_strerror(rc));
	return rc;
}

static int save(staff_t *st)
{
	int fd = lock_store(st);
	int rc = save_locked(st, 0);
	unlock_store(fd);
	return rc;
}

static bool num(const cJSON *o, const char *k, double min, double max, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > max ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return false;
	*out = v->valuedouble;
	return true;
}

static const char *parse_pin(const cJSON *o, unsigned floor, pin_rec_t *p)
{
	double it;
	const cJSON *kdf = cJSON_GetObjectItemCaseSensitive(o, "kdf");
	if (!cJSON_IsString(kdf) || strcmp(kdf->valuestring, "pbkdf2-hmac-sha256") != 0)
		return "unknown kdf";
	if (!num(o, "iterations", floor, 100000000, &it))
		return "iteration count missing or below the floor";
	if (unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "salt")), p->salt,
		  SALT_LEN) != 0 ||
	    unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "hash")), p->hash,
		  HASH_LEN) != 0)
		return "bad salt or hash";
	p->iterations = (unsigned)it;
	p->set = true;
	return NULL;
}

/* The mono time a lock read from disk ends in this run: what the wall
 * clock says is left, or all of it when the clock went backwards. */
static int64_t lock_end_from_disk(const kclock_t *clock, int64_t lock_ms, int64_t lock_wall)
{
	if (lock_ms <= 0)
		return 0;
	int64_t now = kclock_now(clock);
	int64_t left = lock_ms;
	if (now >= lock_wall)
		left = lock_wall + lock_ms - now;
	if (left > lock_ms)
		left = lock_ms;
	return left > 0 ? kclock_mono(clock) + left : 0;
}

/* Counter key's record (object o) into c; NULL or what is wrong. A lock
 * already known in this run keeps its end time. */
static const char *parse_counter(const staff_t *st, const cJSON *o, counter_rec_t *c)
{
	counter_rec_t n;
	memset(&n, 0, sizeof n);
	const char *why = cJSON_IsObject(o) ? parse_pin(o, st->floor, &n.pin) : "not an object";
	double f = 0, lm = 0, lw = 0;
	if (!why && (!num(o, "failures", 0, 1000000, &f) || !num(o, "lock_ms", 0, 24.0 * 3600 * 1000, &lm) ||
		     !num(o, "lock_wall_ms", -1e15, 1e15, &lw)))
		why = "bad lockout record";
	if (why)
		return why;
	n.failures = (int)f;
	n.lock_ms = (int64_t)lm;
	n.lock_wall = (int64_t)lw;
	if (n.lock_ms == c->lock_ms && n.lock_wall == c->lock_wall && c->lock_end_mono)
		n.lock_end_mono = c->lock_end_mono;
	else
		n.lock_end_mono = lock_end_from_disk(st->clock, n.lock_ms, n.lock_wall);
	*c = n;
	return NULL;
}

/* The "counters" object of root into st (all of them, or only counter
 * only when not 0); NULL or what is wrong. */
static const char *parse_counters(staff_t *st, const cJSON *root, int only)
{
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "counters");
	if (!cs) {
		for (int c = 1; c <= STAFF_COUNTER_MAX; c++)
			if (!only || c == only)
				memset(&st->counter[c], 0, sizeof st->counter[c]);
		return NULL;
	}
	if (!cJSON_IsObject(cs))
		return "bad counters";
	const cJSON *it;
	cJSON_ArrayForEach(it, cs) {
		char *end = NULL;
		long id = strtol(it->string, &end, 10);
		if (!it->string[0] || *end || id < 1 || id > STAFF_COUNTER_MAX || it->string[0] == '0')
			return "bad counter id";
	}
	for (int c = 1; c <= STAFF_COUNTER_MAX; c++) {
		if (only && c != only)
			continue;
		char key[16];
		snprintf(key, sizeof key, "%d", c);
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(cs, key);
		if (!o) {
			memset(&st->counter[c], 0, sizeof st->counter[c]);
			continue;
		}
		const char *why = parse_counter(st, o, &st->counter[c]);
		if (why)
			return why;
	}
	return NULL;
}

static int load(staff_t *st, char *err, size_t errlen)
{
	char *text = NULL;
	int rc = mfile_read(st->path, 256 * 1024, &text, NULL);
	if (rc == KIOSK_ENOENT)
		return KIOSK_OK;
	if (rc != KIOSK_OK) {
		snprintf(err, errlen, "%s: cannot read (%s)", st->path, kiosk_strerror(rc));
		return rc;
	}
	cJSON *root = cJSON_Parse(text);
	free(text);
	const char *why = NULL;
	if (!cJSON_IsObject(root))
		why = "not a JSON object";
	for (int r = STAFF_STAFF; !why && r <= STAFF_TECH; r++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, role_key((staff_role_t)r));
		if (o)
			why = parse_pin(o, st->floor, &st->pin[r]);
	}
	double f = 0, lm = 0, lw = 0;
	if (!why && (!num(root, "failures", 0, 1000000, &f) ||
		     !num(root, "lock_ms", 0, 24.0 * 3600 * 1000, &lm) ||
		     !num(root, "lock_wall_ms", -1e15, 1e15, &lw)))
		why = "bad lockout record";
	if (!why)
		why = parse_counters(st, root, 0);
	cJSON_Delete(root);
	if (why) {
		memset(st->pin, 0, sizeof st->pin);
		memset(st->counter, 0, sizeof st->counter);
		snprintf(err, errlen, "%s: %s", st->path, why);
		return KIOSK_ECORRUPT;
	}
	st->failures = (int)f;
	st->lock_ms = (int64_t)lm;
	st->lock_wall = (int64_t)lw;
	st->lock_end_mono = lock_end_from_disk(st->clock, st->lock_ms, st->lock_wall);
	return KIOSK_OK;
}

/* Counter c's record as it is on disk now (another process may have set its
 * PIN or counted a wrong one). Call with the store locked. */
static int refresh_counter(staff_t *st, int c)
{
	char *text = NULL;
	int rc = mfile_read(st->path, 256 * 1024, &text, NULL);
	if (rc == KIOSK_ENOENT) {
		memset(&st->counter[c], 0, sizeof st->counter[c]);
		return KIOSK_OK;
	}
	if (rc != KIOSK_OK)
		return rc;
	cJSON *root = cJSON_Parse(text);
	free(text);
	const char *why = cJSON_IsObject(root) ? parse_counters(st, root, c) : "not a JSON object";
	cJSON_Delete(root);
	if (why) {
		log_error("PIN store: %s", why);
		return KIOSK_ECORRUPT;
	}
	return KIOSK_OK;
}

int staff_open(const char *data_dir, const kclock_t *clock, unsigned iterations, staff_t **out,
	       char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	staff_t *st = calloc(1, sizeof *st);
	if (!st)
		return KIOSK_ENOMEM;
	st->clock = clock;
	st->iterations = iterations;
	st->fixed = iterations != 0;
	/* Tests run at a small fixed count; half of it is their floor, so that an
	 * older, weaker hash can be tested as in the product (floor 100000). */
	st->floor = iterations && iterations < STAFF_ITERATIONS ? iterations / 2 : STAFF_ITERATIONS;
	if (snprintf(st->path, sizeof st->path, "%s/staff.json", data_dir) >= (int)sizeof st->path ||
	    snprintf(st->lock_path, sizeof st->lock_path, "%s/.staff.lock", data_dir) >=
		    (int)sizeof st->lock_path) {
		free(st);
		return KIOSK_ERANGE;
	}
	char e[1400] = "";
	int rc = load(st, e, sizeof e);
	if (rc != KIOSK_OK) {
		if (err && errlen)
			snprintf(err, errlen, "%s", e);
		free(st);
		return rc;
	}
	*out = st;
	return KIOSK_OK;
}

/* A store that parses, whose PIN records name our kdf with a numeric
 * iteration count: refused for its count (a floor raised by an update), not
 * damaged. Such a store is never set aside: that would reset every board's
 * PINs at an update. */
static bool intact_but_weak(const char *path)
{
	char *text = NULL;
	if (mfile_read(path, 64 * 1024, &text, NULL) != KIOSK_OK)
		return false;
	cJSON *root = cJSON_Parse(text);
	free(text);
	bool intact = cJSON_IsObject(root);
	for (int r = STAFF_STAFF; intact && r <= STAFF_TECH; r++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, role_key((staff_role_t)r));
		if (!o)
			continue;
		const cJSON *kdf = cJSON_GetObjectItemCaseSensitive(o, "kdf");
		intact = cJSON_IsString(kdf) && strcmp(kdf->valuestring, "pbkdf2-hmac-sha256") == 0 &&
			 cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "iterations"));
	}
	bool any = intact && (cJSON_GetObjectItemCaseSensitive(root, role_key(STAFF_STAFF)) ||
			      cJSON_GetObjectItemCaseSensitive(root, role_key(STAFF_TECH)));
	cJSON_Delete(root);
	return any;
}

int staff_set_aside(const char *data_dir, const kclock_t *clock, char *moved, size_t cap)
{
	if (moved && cap)
		moved[0] = '\0';
	char chk[1100];
	snprintf(chk, sizeof chk, "%s/staff.json", data_dir);
	if (intact_but_weak(chk))
		return KIOSK_EPERM;
	kclock_local_t t;
	kclock_to_local(kclock_now(clock), &t);
	char from[1100], name[96], to[1200];
	snprintf(name, sizeof name, "staff.json.damaged-%04d%02d%02d-%02d%02d%02d", t.year, t.month,
		 t.day, t.hour, t.min, t.sec);
	snprintf(from, sizeof from, "%s/staff.json", data_dir);
	snprintf(to, sizeof to, "%s/%s", data_dir, name);
	/* Never over an earlier damaged copy: add a count. */
	for (int i = 2; access(to, F_OK) == 0 && i < 100; i++)
		snprintf(to, sizeof to, "%s/%s.%d", data_dir, name, i);
	if (rename(from, to) != 0)
		return KIOSK_EIO;
	int fd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	if (moved && cap)
		snprintf(moved, cap, "%s", strrchr(to, '/') + 1);
	return KIOSK_OK;
}

void staff_close(staff_t *st)
{
	if (st)
		explicit_bzero(st, sizeof *st);
	free(st);
}

bool staff_has_pin(const staff_t *st, staff_role_t role)
{
	return st && (role == STAFF_STAFF || role == STAFF_TECH) && st->pin[role].set;
}

bool staff_configured(const staff_t *st)
{
	return staff_has_pin(st, STAFF_STAFF) && staff_has_pin(st, STAFF_TECH);
}

int staff_failures(const staff_t *st) { return st->failures; }

static int derive(const char *pin, const uint8_t *salt, unsigned it, uint8_t *out)
{
	return PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, SALT_LEN, (int)it, EVP_sha256(),
				 HASH_LEN, out) == 1 ? KIOSK_OK : KIOSK_ERR;
}

unsigned staff_measure_iterations(const kclock_t *clock, int target_ms, int *probe_ms)
{
	static const uint8_t salt[SALT_LEN];
	uint8_t h[HASH_LEN];
	const unsigned probe = 20000;
	unsigned done = 0;
	int64_t t0 = kclock_mono(clock), spent = 0;
	/* At least 60 ms of work, so the ms clock is precise enough. */
	for (int i = 0; i < 50 && spent < 60; i++) {
		if ((i >= 1 && spent == 0) || derive("000000", salt, probe, h) != KIOSK_OK)
			break; /* a clock that does not run (virtual): the floor */
		done += probe;
		spent = kclock_mono(clock) - t0;
	}
	explicit_bzero(h, sizeof h);
	if (probe_ms)
		*probe_ms = spent > 0 && done ? (int)(spent * probe / done) : 0;
	if (spent <= 0 || done == 0)
		return STAFF_ITERATIONS;
	double it = (double)done * target_ms / (double)spent;
	if (it < STAFF_ITERATIONS)
		it = STAFF_ITERATIONS;
	if (it > STAFF_ITERATIONS_MAX)
		it = STAFF_ITERATIONS_MAX;
	return (unsigned)it / 1000 * 1000;
}

unsigned staff_iterations(staff_t *st)
{
	if (!st->iterations)
		st->iterations = staff_measure_iterations(st->clock, STAFF_TARGET_MS, NULL);
	return st->iterations;
}

/* The other role of a role. */
static staff_role_t other_of(staff_role_t r) { return r == STAFF_TECH ? STAFF_STAFF : STAFF_TECH; }

/* Salt and count for a new hash of role: the other role's when it is strong
 * enough (a check then costs one derivation), else a fresh salt at the
 * current count. */
static int new_params(staff_t *st, staff_role_t role, pin_rec_t *p)
{
	const pin_rec_t *o = &st->pin[other_of(role)];
	unsigned want = staff_iterations(st);
	unsigned lo = st->fixed ? want : want / 5 * 4;
	if (o->set && o->iterations >= lo) {
		memcpy(p->salt, o->salt, SALT_LEN);
		p->iterations = o->iterations;
		return KIOSK_OK;
	}
	p->iterations = want;
	return RAND_bytes(p->salt, SALT_LEN) == 1 ? KIOSK_OK : KIOSK_ERR;
}

/* Whether role's hash is weaker than new hashes get (redo it at the next
 * right PIN): a lower count, or a salt not shared with a strong other role. */
static bool weak(staff_t *st, staff_role_t role)
{
	const pin_rec_t *p = &st->pin[role], *o = &st->pin[other_of(role)];
	unsigned want = staff_iterations(st);
	unsigned lo = st->fixed ? want : want / 5 * 4;
	if (p->iterations < lo)
		return true;
	return o->set && o->iterations >= lo &&
	       (o->iterations != p->iterations || CRYPTO_memcmp(o->salt, p->salt, SALT_LEN) != 0);
}

static bool digits_only(const char *pin, size_t *n)
{
	size_t i = 0;
	for (; pin[i]; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	*n = i;
	return true;
}

/* Does pin match role's hash? Always derives, for even timing. */
static bool matches(const staff_t *st, staff_role_t role, const char *pin)
{
	const pin_rec_t *p = &st->pin[role];
	uint8_t h[HASH_LEN];
	static const uint8_t zero_salt[SALT_LEN];
	bool ok = derive(pin, p->set ? p->salt : zero_salt, p->set ? p->iterations : STAFF_ITERATIONS,
			 h) == KIOSK_OK &&
		  CRYPTO_memcmp(h, p->hash, HASH_LEN) == 0 && p->set;
	explicit_bzero(h, sizeof h);
	return ok;
}

int staff_pin_ok(staff_t *st, staff_role_t role, const char *pin, const char **why)
{
	size_t n = 0;
	*why = NULL;
	if (!pin || !digits_only(pin, &n) || n < STAFF_PIN_MIN || n > STAFF_PIN_MAX) {
		*why = "menu.pin_rule_length";
		return KIOSK_EINVAL;
	}
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < n; i++) {
		same = same && pin[i] == pin[0];
		up = up && pin[i] == (char)('0' + (pin[i - 1] - '0' + 1) % 10);
		down = down && pin[i] == (char)('0' + (pin[i - 1] - '0' + 9) % 10);
	}
	if (same || up || down) {
		*why = "menu.pin_rule_simple";
		return KIOSK_EINVAL;
	}
	staff_role_t other = role == STAFF_TECH ? STAFF_STAFF : STAFF_TECH;
	if (st->pin[other].set && matches(st, other, pin)) {
		*why = "menu.pin_rule_differ";
		return KIOSK_EINVAL;
	}
	return KIOSK_OK;
}

int staff_set_pin(staff_t *st, staff_role_t role, const char *pin)
{
	const char *why;
	if (role != STAFF_STAFF && role != STAFF_TECH)
		return KIOSK_EINVAL;
	if (staff_pin_ok(st, role, pin, &why) != KIOSK_OK)
		return KIOSK_EINVAL;
	pin_rec_t old = st->pin[role];
	pin_rec_t *p = &st->pin[role];
	if (new_params(st, role, p) != KIOSK_OK) {
		*p = old;
		return KIOSK_ERR;
	}
	if (derive(pin, p->salt, p->iterations, p->hash) != KIOSK_OK) {
		*p = old;
		return KIOSK_ERR;
	}
	p->set = true;
	int rc = save(st);
	if (rc != KIOSK_OK)
		*p = old; /* memory matches the disk */
	explicit_bzero(&old, sizeof old);
	return rc;
}

int64_t staff_locked_ms(staff_t *st)
{
	if (!st->lock_end_mono)
		return 0;
	int64_t left = st->lock_end_mono - kclock_mono(st->clock);
	return left > 0 ? left : 0;
}

int staff_check(staff_t *st, const char *pin, staff_role_t *role, int64_t *wait_ms)
{
	*role = STAFF_NONE;
	if (wait_ms)
		*wait_ms = 0;
	if (!staff_has_pin(st, STAFF_STAFF) && !staff_has_pin(st, STAFF_TECH))
		return KIOSK_ENOENT;
	int64_t left = staff_locked_ms(st);
	if (left > 0) {
		if (wait_ms)
			*wait_ms = left;
		return KIOSK_EBUSY;
	}
	size_t n;
	const pin_rec_t *pt = &st->pin[STAFF_TECH], *ps = &st->pin[STAFF_STAFF];
	bool tech, staff;
	if (pt->set && ps->set && pt->iterations == ps->iterations &&
	    memcmp(pt->salt, ps->salt, SALT_LEN) == 0) {
		/* Shared salt and count: one derivation answers for both. */
		uint8_t h[HASH_LEN];
		bool d = derive(pin ? pin : "", pt->salt, pt->iterations, h) == KIOSK_OK;
		tech = d && CRYPTO_memcmp(h, pt->hash, HASH_LEN) == 0;
		staff = d && CRYPTO_memcmp(h, ps->hash, HASH_LEN) == 0;
		explicit_bzero(h, sizeof h);
	} else {
		tech = matches(st, STAFF_TECH, pin ? pin : "");
		staff = matches(st, STAFF_STAFF, pin ? pin : "");
	}
	if (!pin || !digits_only(pin, &n))
		tech = staff = false;
	if (tech || staff) {
		*role = tech ? STAFF_TECH : STAFF_STAFF;
		if (weak(st, *role)) {
			/* Redo an old or lone-salted hash now that the PIN is known. */
			pin_rec_t old = st->pin[*role];
			pin_rec_t *p = &st->pin[*role];
			bool ok = new_params(st, *role, p) == KIOSK_OK &&
				  derive(pin, p->salt, p->iterations, p->hash) == KIOSK_OK;
			if (ok && save(st) == KIOSK_OK)
				log_info("menu PIN hash upgraded (%u PBKDF2 iterations)", p->iterations);
			else
				*p = old; /* memory matches the disk */
			explicit_bzero(&old, sizeof old);
		}
		if (st->failures || st->lock_ms) {
			st->failures = 0;
			st->lock_ms = 0;
			st->lock_wall = 0;
			st->lock_end_mono = 0;
			save(st);
		}
		return KIOSK_OK;
	}
	st->failures++;
	st->lock_ms = lock_for(st->failures);
	st->lock_wall = st->lock_ms ? kclock_now(st->clock) : 0;
	st->lock_end_mono = st->lock_ms ? kclock_mono(st->clock) + st->lock_ms : 0;
	save(st); /* before answering: a power cut does not reset the count */
	log_warn("wrong menu PIN (%d in a row)", st->failures);
	if (wait_ms)
		*wait_ms = st->lock_ms;
	return KIOSK_EPERM;
}

int staff_wipe(staff_t *st)
{
	memset(st->pin, 0, sizeof st->pin);
	st->failures = 0;
	st->lock_ms = 0;
	st->lock_wall = 0;
	st->lock_end_mono = 0;
	if (unlink(st->path) != 0 && access(st->path, F_OK) == 0)
		return KIOSK_EIO;
	mfile_sync_dir(st->path, 0);
	return KIOSK_OK;
}

/* ---- counter PINs (office queue) ---------------------------------------- */

static bool counter_id_ok(int c) { return c >= 1 && c <= STAFF_COUNTER_MAX; }

int staff_counter_pin_ok(staff_t *st, int counter, const char *pin, const char **why)
{
	*why = NULL;
	if (!counter_id_ok(counter)) {
		*why = "menu.pin_rule_length";
		return KIOSK_EINVAL;
	}
	/* The role rules (length, digits, not simple); then not a menu PIN: a
	 * counter's PIN is known to more people and must not open the menus. */
	int rc = staff_pin_ok(st, STAFF_STAFF, pin, why);
	if (rc != KIOSK_OK)
		return rc;
	if ((st->pin[STAFF_STAFF].set && matches(st, STAFF_STAFF, pin)) ||
	    (st->pin[STAFF_TECH].set && matches(st, STAFF_TECH, pin))) {
		*why = "menu.pin_rule_differ";
		return KIOSK_EINVAL;
	}
	return KIOSK_OK;
}

int staff_counter_set_pin(staff_t *st, int counter, const char *pin)
{
	const char *why;
	if (!counter_id_ok(counter) || staff_counter_pin_ok(st, counter, pin, &why) != KIOSK_OK)
		return KIOSK_EINVAL;
	int fd = lock_store(st);
	int rc = refresh_counter(st, counter);
	if (rc != KIOSK_OK) {
		unlock_store(fd);
		return rc;
	}
	counter_rec_t old = st->counter[counter];
	counter_rec_t *c = &st->counter[counter];
	memset(c, 0, sizeof *c);
	c->pin.iterations = staff_iterations(st);
	if (RAND_bytes(c->pin.salt, SALT_LEN) != 1 ||
	    derive(pin, c->pin.salt, c->pin.iterations, c->pin.hash) != KIOSK_OK) {
		*c = old;
		unlock_store(fd);
		return KIOSK_ERR;
	}
	c->pin.set = true; /* a new PIN starts without a lock */
	rc = save_locked(st, counter);
	if (rc != KIOSK_OK)
		*c = old;
	unlock_store(fd);
	explicit_bzero(&old, sizeof old);
	return rc;
}

int staff_counter_clear(staff_t *st, int counter)
{
	if (!counter_id_ok(counter))
		return KIOSK_EINVAL;
	int fd = lock_store(st);
	counter_rec_t old = st->counter[counter];
	memset(&st->counter[counter], 0, sizeof st->counter[counter]);
	int rc = save_locked(st, counter);
	if (rc != KIOSK_OK)
		st->counter[counter] = old;
	unlock_store(fd);
	explicit_bzero(&old, sizeof old);
	return rc;
}

bool staff_counter_has_pin(staff_t *st, int counter)
{
	if (!counter_id_ok(counter))
		return false;
	int fd = lock_store(st);
	int rc = refresh_counter(st, counter);
	unlock_store(fd);
	return rc == KIOSK_OK && st->counter[counter].pin.set;
}

static int64_t counter_left(const staff_t *st, int counter)
{
	const counter_rec_t *c = &st->counter[counter];
	if (!c->lock_end_mono)
		return 0;
	int64_t left = c->lock_end_mono - kclock_mono(st->clock);
	return left > 0 ? left : 0;
}

int64_t staff_counter_locked_ms(staff_t *st, int counter)
{
	if (!counter_id_ok(counter))
		return 0;
	int fd = lock_store(st);
	int rc = refresh_counter(st, counter);
	unlock_store(fd);
	return rc == KIOSK_OK ? counter_left(st, counter) : 0;
}

int staff_counter_check(staff_t *st, int counter, const char *pin, int64_t *wait_ms)
{
	if (wait_ms)
		*wait_ms = 0;
	if (!counter_id_ok(counter))
		return KIOSK_ENOENT;
	/* Locked for the whole check: the kiosk and the hub count one wrong
	 * PIN once, and the count is on disk before the answer. */
	int fd = lock_store(st);
	int rc = refresh_counter(st, counter);
	counter_rec_t *c = &st->counter[counter];
	if (rc != KIOSK_OK || !c->pin.set) {
		unlock_store(fd);
		return rc != KIOSK_OK ? rc : KIOSK_ENOENT;
	}
	int64_t left = counter_left(st, counter);
	if (left > 0) {
		unlock_store(fd);
		if (wait_ms)
			*wait_ms = left;
		return KIOSK_EBUSY;
	}
	uint8_t h[HASH_LEN];
	size_t n;
	bool ok = derive(pin ? pin : "", c->pin.salt, c->pin.iterations, h) == KIOSK_OK &&
		  CRYPTO_memcmp(h, c->pin.hash, HASH_LEN) == 0 && pin && digits_only(pin, &n);
	explicit_bzero(h, sizeof h);
	if (ok) {
		unsigned want = staff_iterations(st);
		bool redo = c->pin.iterations < (st->fixed ? want : want / 5 * 4);
		if (redo) {
			pin_rec_t old = c->pin;
			bool d = RAND_bytes(c->pin.salt, SALT_LEN) == 1 &&
				 derive(pin, c->pin.salt, want, c->pin.hash) == KIOSK_OK;
			if (d)
				c->pin.iterations = want;
			else
				c->pin = old;
			explicit_bzero(&old, sizeof old);
		}
		if (redo || c->failures || c->lock_ms) {
			c->failures = 0;
			c->lock_ms = 0;
			c->lock_wall = 0;
			c->lock_end_mono = 0;
			save_locked(st, counter);
		}
		unlock_store(fd);
		return KIOSK_OK;
	}
	c->failures++;
	c->lock_ms = lock_for(c->failures);
	c->lock_wall = c->lock_ms ? kclock_now(st->clock) : 0;
	c->lock_end_mono = c->lock_ms ? kclock_mono(st->clock) + c->lock_ms : 0;
	save_locked(st, counter); /* before answering */
	unlock_store(fd);
	log_warn("wrong PIN for counter %d (%d in a row)", counter, c->failures);
	if (wait_ms)
		*wait_ms = c->lock_ms;
	return KIOSK_EPERM;
}
