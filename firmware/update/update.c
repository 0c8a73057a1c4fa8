/* update.c - A/B updater: state records (two copies, seq + CRC32), install
 * into the inactive slot from a verified bundle, atomic switch of
 * `current`, mark-good with floors, rollback, stick scanning, and the
 * launcher's trial counting. Layout and rules: update.h, docs/updates.md. */
#include "update.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kiosk.h"
#include "update_io.h"

static const char *const pair_dir[2] = {"app", "data"};
static const char *const slot_dir[2] = {"slot-a", "slot-b"};

struct update {
	char root[4096];
	int rootfd;
	int lockfd;
	bundle_pubkey_t keys[2];
	size_t nkeys;
	int have_compatible;
	char compatible[BUNDLE_COMPATIBLE_MAX + 1];
	update_progress_fn progress;
	void *puser;
	const char *phase;
	int pct_lo, pct_hi, last_pct;
};


const char *update_slot_state_name(update_slot_state_t s)
{
	switch (s) {
	case UPDATE_SLOT_INCOMPLETE: return "incomplete";
	case UPDATE_SLOT_PENDING: return "pending";
	case UPDATE_SLOT_GOOD: return "good";
	case UPDATE_SLOT_BAD: return "bad";
	default: return "empty";
	}
}

static int slot_state_parse(const char *s, update_slot_state_t *out)
{
	for (int i = UPDATE_SLOT_EMPTY; i <= UPDATE_SLOT_BAD; i++)
		if (!strcmp(s, update_slot_state_name((update_slot_state_t)i))) {
			*out = (update_slot_state_t)i;
			return KIOSK_OK;
		}
	return KIOSK_EINVAL;
}

uint32_t update_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

int update_health_fail_injected(const char *check)
{
	const char *s = getenv("KIOSK_HEALTH_FAIL");
	if (!s || !check || !*check)
		return 0;
	size_t l = strlen(check);
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == l && !strncmp(s, check, l))
			return 1;
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

/* ---- state record ----------------------------------------------------------- */
static void clean_text(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

int update_state_format(const update_state_t *st, char *buf, size_t len)
{
	char fail_txt[UPDATE_FAILURE_MAX + 1];
	snprintf(fail_txt, sizeof fail_txt, "%s", st->last_failure);
	clean_text(fail_txt);
	int n = snprintf(buf, len,
			 "seq=%llu\nslot_a=%s\nslot_a_version=%s\nslot_a_epoch=%u\nslot_a_sha=%s\n"
			 "slot_b=%s\nslot_b_version=%s\nslot_b_epoch=%u\nslot_b_sha=%s\n"
			 "tries_left=%u\nfloor_version=%s\nfloor_epoch=%u\nlast_failure=%s\n",
			 (unsigned long long)st->seq, update_slot_state_name(st->slot[0].state),
			 st->slot[0].version, st->slot[0].epoch, st->slot[0].sha,
			 update_slot_state_name(st->slot[1].state), st->slot[1].version,
			 st->slot[1].epoch, st->slot[1].sha, st->tries_left, st->floor_version,
			 st->floor_epoch, fail_txt);
	if (n < 0 || (size_t)n + 16 > len)
		return KIOSK_ERANGE;
	int m = snprintf(buf + n, len - (size_t)n, "crc=%08x\n", update_crc32(buf, (size_t)n));
	return n + m;
}

static int copy_field(char *dst, size_t dstlen, const char *v, size_t vl)
{
	if (vl >= dstlen)
		return KIOSK_EINVAL;
	memcpy(dst, v, vl);
	dst[vl] = 0;
	return KIOSK_OK;
}

int update_state_parse(const char *buf, size_t len, update_state_t *st)
{
	memset(st, 0, sizeof *st);
	/* The last line must be crc=XXXXXXXX over everything before it. */
	if (len < 13 || buf[len - 1] != '\n')
		return KIOSK_ECORRUPT;
	const char *crcl = buf + len - 13;
	if (memcmp(crcl, "crc=", 4) || (crcl != buf && crcl[-1] != '\n'))
		return KIOSK_ECORRUPT;
	char hex[9];
	memcpy(hex, crcl + 4, 8);
	hex[8] = 0;
	char *end;
	unsigned long crc = strtoul(hex, &end, 16);
	if (*end || crc != update_crc32(buf, (size_t)(crcl - buf)))
		return KIOSK_ECORRUPT;
	unsigned have = 0;
	size_t pos = 0, body = (size_t)(crcl - buf);
	while (pos < body) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', body - pos);
		if (!nl)
			return KIOSK_ECORRUPT;
		size_t ll = (size_t)(nl - line);
		pos += ll + 1;
		const char *eq = memchr(line, '=', ll);
		if (!eq)
			return KIOSK_ECORRUPT;
		size_t kl = (size_t)(eq - line);
		const char *v = eq + 1;
		size_t vl = ll - kl - 1;
		char key[32], val[UPDATE_FAILURE_MAX + 1];
		if (kl >= sizeof key || vl >= sizeof val)
			return KIOSK_ECORRUPT;
		memcpy(key, line, kl);
		key[kl] = 0;
		memcpy(val, v, vl);
		val[vl] = 0;
		uint64_t num = 0;
		int rc = KIOSK_OK;
		if (!strcmp(key, "seq")) {
			rc = bundle_parse_u64(val, vl, UINT64_MAX, &st->seq);
			have |= 1;
		} else if (!strcmp(key, "tries_left")) {
			rc = bundle_parse_u64(val, vl, 1000, &num);
			st->tries_left = (uint32_t)num;
		} else if (!strcmp(key, "floor_version")) {
			rc = copy_field(st->floor_version, sizeof st->floor_version, val, vl);
		} else if (!strcmp(key, "floor_epoch")) {
			rc = bundle_parse_u64(val, vl, UINT32_MAX, &num);
			st->floor_epoch = (uint32_t)num;
		} else if (!strcmp(key, "last_failure")) {
			rc = copy_field(st->last_failure, sizeof st->last_failure, val, vl);
		} else if (!strncmp(key, "slot_", 5) && (key[5] == 'a' || key[5] == 'b')) {
			update_slot_t *s = &st->slot[key[5] - 'a'];
			const char *sub = key + 6;
			if (!*sub)
				rc = slot_state_parse(val, &s->state);
			else if (!strcmp(sub, "_version"))
				rc = copy_field(s->version, sizeof s->version, val, vl);
			else if (!strcmp(sub, "_epoch")) {
				rc = bundle_parse_u64(val, vl, UINT32_MAX, &num);
				s->epoch = (uint32_t)num;
			} else if (!strcmp(sub, "_sha"))
				rc = copy_field(s->sha, sizeof s->sha, val, vl);
			else
				rc = KIOSK_EINVAL;
		} else {
			rc = KIOSK_EINVAL;
		}
		if (rc)
			return KIOSK_ECORRUPT;
	}
	return have == 1 ? KIOSK_OK : KIOSK_ECORRUPT;
}

static int read_small(int dfd, const char *name, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? KIOSK_ENOENT : KIOSK_EIO;
	ssize_t r = read(fd, buf, cap);
	close(fd);
	if (r < 0)
		return KIOSK_EIO;
	if ((size_t)r == cap)
		return KIOSK_ECORRUPT;
	*len = (size_t)r;
	return KIOSK_OK;
}

/* Loads the highest valid copy. *ok = 0 when copies exist but none is valid
 * (the state then shows defaults and the next write starts a new sequence). */
static int state_load(int pfd, update_state_t *st, int *ok)
{
	memset(st, 0, sizeof *st);
	*ok = 1;
	int found = 0, existing = 0;
	for (int i = 0; i < 2; i++) {
		char buf[2048];
		size_t len;
		char name[24];
		snprintf(name, sizeof name, "state.%d", i);
		int rc = pfd >= 0 ? read_small(pfd, name, buf, sizeof buf, &len) : KIOSK_ENOENT;
		if (rc == KIOSK_ENOENT)
			continue;
		existing++;
		update_state_t s;
		if (rc == KIOSK_OK && update_state_parse(buf, len, &s) == KIOSK_OK &&
		    (!found || s.seq > st->seq)) {
			*st = s;
			found = 1;
		}
	}
	if (existing && !found)
		*ok = 0;
	return KIOSK_OK;
}

/* Writes the next seq to the older copy (seq % 2), fsyncs file and folder. */
static int state_write(int pfd, update_state_t *st, char *err, size_t errlen)
{
	st->seq++;
	char buf[2048];
	int n = update_state_format(st, buf, sizeof buf);
	if (n < 0)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "state record too long");
	char name[24];
	snprintf(name, sizeof name, "state.%d", (int)(st->seq % 2));
	int fd = update_io_create(pfd, name, 0664, 0);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", name, strerror(errno));
	/* 0664: root installs, the kiosk user's launcher and mark-good update
	 * the record (the pair folder is group kiosk, see board/). */
	(void)fchmod(fd, 0664);
	int ok = update_io_write_all(fd, buf, (size_t)n) == 0 && update_io_fsync(fd) == 0;
	int e = errno;
	close(fd);
	if (!ok || update_io_fsync(pfd) != 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", name, strerror(e));
	return KIOSK_OK;
}

static int current_slot(int pfd)
{
	char t[32];
	if (pfd < 0)
		return -1;
	ssize_t r = readlinkat(pfd, "current", t, sizeof t - 1);
	if (r < 0)
		return -1;
	t[r] = 0;
	for (int i = 0; i < 2; i++)
		if (!strcmp(t, slot_dir[i]))
			return i;
	return -1;
}

/* Atomic switch: current.tmp -> slot, rename over current, fsync folder. */
static int switch_current(int pfd, int slot, char *err, size_t errlen)
{
	struct stat sb;
	if (fstatat(pfd, "current.tmp", &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    update_io_unlinkat(pfd, "current.tmp", 0) < 0) /* stale from a crash */
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot remove current.tmp: %s", strerror(errno));
	if (update_io_symlinkat(slot_dir[slot], pfd, "current.tmp") < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create current.tmp: %s", strerror(errno));
	if (update_io_renameat(pfd, "current.tmp", pfd, "current") < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot switch current: %s", strerror(errno));
	if (update_io_fsync(pfd) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot sync: %s", strerror(errno));
	return KIOSK_OK;
}

/* ---- open / close / lock -------------------------------------------------------- */
int update_open(const char *root, const char *keys_dir, const char *compatible_file,
		update_t **out, char *err, size_t errlen)
{
	*out = NULL;
	update_t *u = calloc(1, sizeof *u);
	if (!u)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	u->rootfd = u->lockfd = -1;
	snprintf(u->root, sizeof u->root, "%s", root);
	u->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->rootfd < 0) {
		int rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot open root %s: %s", root, strerror(errno));
		update_close(u);
		return rc;
	}
	if (keys_dir) {
		int rc = bundle_pubkeys_load_dir(keys_dir, u->keys, &u->nkeys, err, errlen);
		if (rc) {
			update_close(u);
			return rc;
		}
	}
	if (compatible_file) {
		int rc = bundle_read_compatible(compatible_file, u->compatible, sizeof u->compatible,
						err, errlen);
		if (rc) {
			update_close(u);
			return rc;
		}
		u->have_compatible = 1;
	}
	*out = u;
	return KIOSK_OK;
}

void update_close(update_t *u)
{
	if (!u)
		return;
	if (u->lockfd >= 0)
		close(u->lockfd);
	if (u->rootfd >= 0)
		close(u->rootfd);
	free(u);
}

void update_set_progress(update_t *u, update_progress_fn fn, void *user)
{
	u->progress = fn;
	u->puser = user;
}

static int lock_root(update_t *u, int wait, char *err, size_t errlen)
{
	if (u->lockfd >= 0)
		return KIOSK_OK;
	/* The lock file is not a state mutation: it is created once, never
	 * changed, so it does not go through update_io (no crash point). */
	int fd = openat(u->rootfd, "update.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0664);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open update.lock: %s", strerror(errno));
	(void)fchmod(fd, 0664);
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		close(fd);
		return kiosk_err(err, errlen, KIOSK_EBUSY, "another update is running");
	}
	u->lockfd = fd;
	return KIOSK_OK;
}

static void unlock_root(update_t *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd);
	u->lockfd = -1;
}

static int open_pair(update_t *u, int type, int create, char *err, size_t errlen)
{
	int fd = openat(u->rootfd, pair_dir[type], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || !create || errno != ENOENT) {
		if (fd < 0 && (create || errno != ENOENT))
			return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s/%s: %s", u->root,
				    pair_dir[type], strerror(errno));
		return fd;
	}
	if (update_io_mkdirat(u->rootfd, pair_dir[type], 0755) < 0 && errno != EEXIST)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create %s/%s: %s", u->root,
			    pair_dir[type], strerror(errno));
	if (update_io_fsync(u->rootfd) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot sync %s: %s", u->root, strerror(errno));
	fd = openat(u->rootfd, pair_dir[type], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s/%s: %s", u->root, pair_dir[type],
			    strerror(errno));
	return fd;
}

int update_status(update_t *u, update_status_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	for (int t = 0; t < 2; t++) {
		int pfd = open_pair(u, t, 0, err, errlen);
		if (pfd < -1)
			return pfd;
		state_load(pfd, &out->pair[t].st, &out->pair[t].state_ok);
		out->pair[t].current = current_slot(pfd);
		if (pfd >= 0)
			close(pfd);
	}
	return KIOSK_OK;
}

/* ---- progress ----------------------------------------------------------------- */
static void report(update_t *u, const char *phase, int pct, uint64_t done, uint64_t total)
{
	if (!u->progress)
		return;
	if (pct == u->last_pct && phase == u->phase && done != 0 && done != total)
		return;
	u->phase = phase;
	u->last_pct = pct;
	u->progress(u->puser, pct, done, total, phase);
}

static void stream_progress(void *user, uint64_t done, uint64_t total)
{
	update_t *u = user;
	int pct = u->pct_lo;
	if (total)
		pct += (int)((uint64_t)(u->pct_hi - u->pct_lo) * done / total);
	report(u, u->phase ? u->phase : "verify", pct, done, total);
}

/* ---- install ------------------------------------------------------------------- */
typedef struct {
	int slotfd;
	int fd;
} writer_t;

static int w_dir(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen)
{
	writer_t *w = user;
	if (update_io_mkdirat(w->slotfd, e->path, 0755) < 0 ||
	    fchmodat(w->slotfd, e->path, 0755, 0) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create folder %s: %s", e->path,
			    strerror(errno));
	return KIOSK_OK;
}

static int w_begin(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen)
{
	writer_t *w = user;
	w->fd = update_io_create(w->slotfd, e->path, e->mode, 1);
	if (w->fd < 0 || fchmod(w->fd, e->mode) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create %s: %s", e->path, strerror(errno));
	return KIOSK_OK;
}

static int w_data(void *user, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	writer_t *w = user;
	if (update_io_write_all(w->fd, buf, len) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "write failed: %s", strerror(errno));
	return KIOSK_OK;
}

static int w_end(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen)
{
	writer_t *w = user;
	int ok = update_io_fsync(w->fd) == 0;
	int e2 = errno;
	/* Drop the cached pages so the read-back check reads the medium. */
	if (ok)
		(void)posix_fadvise(w->fd, 0, 0, POSIX_FADV_DONTNEED);
	ok = close(w->fd) == 0 && ok;
	w->fd = -1;
	if (!ok)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot sync %s: %s", e->path, strerror(e2));
	return KIOSK_OK;
}

static const bundle_tree_ops_t writer_ops = {w_dir, w_begin, w_data, w_end};

static int sync_dir_at(int dfd, const char *path)
{
	int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = update_io_fsync(fd);
	close(fd);
	return r;
}

/* Re-reads the installed tree and compares it with the signed list. */
static int check_tree(int slotfd, const bundle_tree_t *t, char *err, size_t errlen)
{
	uint8_t *buf = malloc(1 << 16);
	if (!buf)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	int rc = KIOSK_OK;
	for (size_t i = 0; i < bundle_tree_count(t) && !rc; i++) {
		const bundle_tree_entry_t *e = bundle_tree_entry(t, i);
		struct stat st;
		if (e->kind == 'd') {
			if (fstatat(slotfd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
				rc = kiosk_err(err, errlen, KIOSK_EIO, "check after write: %s missing", e->path);
			continue;
		}
		int fd = openat(slotfd, e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size != e->size || (st.st_mode & 07777) != e->mode) {
			if (fd >= 0)
				close(fd);
			rc = kiosk_err(err, errlen, KIOSK_EIO, "check after write: %s differs", e->path);
			break;
		}
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		ssize_t r;
		while ((r = read(fd, buf, 1 << 16)) > 0)
			EVP_DigestUpdate(md, buf, (size_t)r);
		uint8_t d[32];
		unsigned dl = 32;
		EVP_DigestFinal_ex(md, d, &dl);
		EVP_MD_CTX_free(md);
		close(fd);
		if (r < 0 || memcmp(d, e->sha256, 32))
			rc = kiosk_err(err, errlen, KIOSK_EIO, "check after write: %s content differs",
				  e->path);
	}
	free(buf);
	return rc;
}

/* Bundle checks against this device and the pair state. Returns KIOSK_OK to
 * install; *already = 1 when the current pending slot holds this very
 * bundle (nothing to do). */
static int check_against(update_t *u, const bundle_header_t *h, const update_install_opts_t *o,
			 const update_state_t *st, int cur, int *already, char *err, size_t errlen)
{
	*already = 0;
	if (strcmp(h->compatible, u->compatible))
		return kiosk_err(err, errlen, KIOSK_EPERM,
			    "wrong compatible: bundle is for '%s', this kiosk is '%s'", h->compatible,
			    u->compatible);
	if (o && o->want_type >= 0 && (int)h->type != o->want_type)
		return kiosk_err(err, errlen, KIOSK_EPERM, "wrong type: bundle is '%s', expected '%s'",
			    bundle_type_name(h->type), bundle_type_name((bundle_type_t)o->want_type));
	if (h->security_epoch < st->floor_epoch)
		return kiosk_err(err, errlen, KIOSK_EPERM,
			    "security epoch %u is lower than this kiosk's floor %u (older release "
			    "with a known security problem)", h->security_epoch, st->floor_epoch);
	bundle_version_t fv, cv;
	if (cur >= 0) {
		const update_slot_t *cs = &st->slot[cur];
		char sha[65];
		bundle_hex(h->payload_sha256, 32, sha);
		if (cs->state == UPDATE_SLOT_PENDING) {
			if (!strcmp(cs->sha, sha)) {
				*already = 1;
				return KIOSK_OK;
			}
			return kiosk_err(err, errlen, KIOSK_EBUSY,
				    "version %s is still on trial; it must be marked good or rolled back "
				    "before another install", cs->version);
		}
		if (cs->state == UPDATE_SLOT_GOOD && cs->version[0] &&
		    bundle_version_parse(cs->version, strlen(cs->version), &cv) == KIOSK_OK) {
			int c = bundle_version_cmp(&h->version, &cv);
			if (c < 0)
				return kiosk_err(err, errlen, KIOSK_EPERM,
					    "version %s is older than the installed %s", h->version_str,
					    cs->version);
			if (c == 0 && !(o && (o->flags & UPDATE_F_REINSTALL)))
				return kiosk_err(err, errlen, KIOSK_EPERM,
					    "version %s is already installed (use --reinstall)",
					    h->version_str);
		}
	}
	if (st->floor_version[0] &&
	    bundle_version_parse(st->floor_version, strlen(st->floor_version), &fv) == KIOSK_OK &&
	    bundle_version_cmp(&h->version, &fv) < 0)
		return kiosk_err(err, errlen, KIOSK_EPERM, "version %s is older than the version floor %s",
			    h->version_str, st->floor_version);
	return KIOSK_OK;
}

static int install_locked(update_t *u, const char *path, const update_install_opts_t *o,
			  char *msg, size_t msglen, char *err, size_t errlen)
{
	if (u->nkeys == 0)
		return kiosk_err(err, errlen, KIOSK_EPERM, "no public key on this kiosk: refusing to install");
	if (!u->have_compatible)
		return kiosk_err(err, errlen, KIOSK_EPERM, "no compatible string: refusing to install");
	bundle_t *b;
	int rc = bundle_open(path, u->keys, u->nkeys, &b, err, errlen);
	if (rc)
		return rc;
	const bundle_header_t *h = bundle_header(b);
	int type = (int)h->type;
	int pfd = -1, slotfd = -1;
	bundle_tree_t *tree = NULL;
	update_state_t st;
	int st_ok, cur, already;
	/* Checks against the device before anything is created. */
	{
		int probe = open_pair(u, type, 0, err, errlen);
		if (probe < -1) {
			rc = probe;
			goto out;
		}
		state_load(probe, &st, &st_ok);
		cur = current_slot(probe);
		if (probe >= 0)
			close(probe);
	}
	rc = check_against(u, h, o, &st, cur, &already, err, errlen);
	if (rc)
		goto out;
	if (already) {
		snprintf(msg, msglen, "%s %s is already installed and on trial", bundle_type_name(h->type),
			 h->version_str);
		goto out;
	}
	/* Pre-check pass: the whole payload read, hashed and its names checked,
	 * nothing written. */
	u->phase = "verify";
	u->pct_lo = 0;
	u->pct_hi = 45;
	u->last_pct = -1;
	report(u, "verify", 0, 0, h->payload_size);
	rc = bundle_tree_new(h->payload_size, NULL, NULL, &tree);
	if (rc == KIOSK_OK)
		rc = bundle_stream(b, bundle_tree_chunk_cb, tree, stream_progress, u, err, errlen);
	if (rc == KIOSK_OK)
		rc = bundle_tree_finish(tree, err, errlen);
	bundle_tree_free(tree);
	tree = NULL;
	if (rc)
		goto out;

	/* From here the inactive slot is touched. */
	pfd = open_pair(u, type, 1, err, errlen);
	if (pfd < 0) {
		rc = pfd;
		goto out;
	}
	int target = cur == 0 ? 1 : 0;
	if (target == cur) {
		rc = kiosk_err(err, errlen, KIOSK_ERR, "internal: target is the running slot");
		goto out;
	}
	memset(&st.slot[target], 0, sizeof st.slot[target]);
	st.slot[target].state = UPDATE_SLOT_INCOMPLETE;
	rc = state_write(pfd, &st, err, errlen);
	if (rc)
		goto out;
	struct stat sb;
	if (fstatat(pfd, "current.tmp", &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    update_io_unlinkat(pfd, "current.tmp", 0) < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot remove a stale current.tmp: %s",
			  strerror(errno));
		goto out;
	}
	if (update_io_remove_tree(pfd, slot_dir[target]) < 0 ||
	    update_io_mkdirat(pfd, slot_dir[target], 0755) < 0 ||
	    fchmodat(pfd, slot_dir[target], 0755, 0) < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot empty %s: %s", slot_dir[target],
			  strerror(errno));
		goto out;
	}
	slotfd = openat(pfd, slot_dir[target], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (slotfd < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s: %s", slot_dir[target],
			  strerror(errno));
		goto out;
	}
	/* Install pass: each chunk read once, verified, that buffer written. */
	writer_t w = {slotfd, -1};
	u->phase = "install";
	u->pct_lo = 45;
	u->pct_hi = 95;
	rc = bundle_tree_new(h->payload_size, &writer_ops, &w, &tree);
	if (rc == KIOSK_OK)
		rc = bundle_stream(b, bundle_tree_chunk_cb, tree, stream_progress, u, err, errlen);
	if (rc == KIOSK_OK)
		rc = bundle_tree_finish(tree, err, errlen);
	if (w.fd >= 0)
		close(w.fd);
	if (rc)
		goto out;
	/* fsync every folder (deepest first), the slot and the pair folder. */
	for (size_t i = bundle_tree_count(tree); i-- > 0;) {
		const bundle_tree_entry_t *e = bundle_tree_entry(tree, i);
		if (e->kind == 'd' && sync_dir_at(slotfd, e->path) < 0) {
			rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot sync %s: %s", e->path, strerror(errno));
			goto out;
		}
	}
	if (update_io_fsync(slotfd) < 0 || update_io_fsync(pfd) < 0) {
		rc = kiosk_err(err, errlen, KIOSK_EIO, "cannot sync the slot: %s", strerror(errno));
		goto out;
	}
	report(u, "check", 96, 0, 0);
	rc = check_tree(slotfd, tree, err, errlen);
	if (rc)
		goto out;
	/* Pending + trial count durable before the switch. */
	st.slot[target].state = UPDATE_SLOT_PENDING;
	snprintf(st.slot[target].version, sizeof st.slot[target].version, "%s", h->version_str);
	st.slot[target].epoch = h->security_epoch;
	bundle_hex(h->payload_sha256, 32, st.slot[target].sha);
	st.tries_left = o && o->tries ? o->tries : UPDATE_DEFAULT_TRIES;
	rc = state_write(pfd, &st, err, errlen);
	if (rc)
		goto out;
	report(u, "switch", 98, 0, 0);
	rc = switch_current(pfd, target, err, errlen);
	if (rc)
		goto out;
	report(u, "done", 100, h->payload_size, h->payload_size);
	snprintf(msg, msglen, "installed %s %s into slot %c; the stick can be removed",
		 bundle_type_name(h->type), h->version_str, 'a' + target);
out:
	bundle_tree_free(tree);
	if (slotfd >= 0)
		close(slotfd);
	if (pfd >= 0)
		close(pfd);
	bundle_close(b);
	return rc;
}

int update_install_file(update_t *u, const char *path, const update_install_opts_t *o,
			char *msg, size_t msglen, char *err, size_t errlen)
{
	char dummy[8];
	if (!msg) {
		msg = dummy;
		msglen = sizeof dummy;
	}
	msg[0] = 0;
	int rc = lock_root(u, 0, err, errlen);
	if (rc)
		return rc;
	rc = install_locked(u, path, o, msg, msglen, err, errlen);
	unlock_root(u);
	return rc;
}

/* ---- stick --------------------------------------------------------------------- */
static int cand_cmp(const void *a, const void *b)
{
	return strcmp(((const update_candidate_t *)a)->name, ((const update_candidate_t *)b)->name);
}

int update_stick_scan(update_t *u, const char *dir, update_candidate_t **out, size_t *n,
		      char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (u->nkeys == 0)
		return kiosk_err(err, errlen, KIOSK_EPERM, "no public key on this kiosk: refusing to install");
	DIR *d = opendir(dir);
	if (!d)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s: %s", dir, strerror(errno));
	int dfd = dirfd(d);
	update_candidate_t *c = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	int rc = KIOSK_OK;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 7 || strcmp(de->d_name + l - 6, ".kiosk") || !strncmp(de->d_name, "._", 2) ||
		    l >= sizeof c->name)
			continue;
		if (cnt == 64) {
			rc = kiosk_err(err, errlen, KIOSK_ERANGE, "too many bundles on the stick");
			break;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 8;
			void *nc = realloc(c, cap * sizeof *c);
			if (!nc) {
				rc = kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
				break;
			}
			c = nc;
		}
		memset(&c[cnt], 0, sizeof c[cnt]);
		memcpy(c[cnt].name, de->d_name, l + 1);
		/* A FIFO, device or link is never opened (a FIFO would block);
		 * a control character or '=' in the name would forge lines or
		 * fields of the scan's output: shown masked, refused. */
		struct stat sb;
		int odd = 0;
		for (char *p = c[cnt].name; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '=') {
				*p = '?';
				odd = 1;
			}
		if (odd) {
			c[cnt].unsafe = 1;
			snprintf(c[cnt].reason, sizeof c[cnt].reason, "name with control characters or '='");
		} else if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode)) {
			c[cnt].unsafe = 1;
			snprintf(c[cnt].reason, sizeof c[cnt].reason, "not a regular file");
		}
		cnt++;
	}
	closedir(d);
	if (rc) {
		free(c);
		return rc;
	}
	if (cnt)
		qsort(c, cnt, sizeof *c, cand_cmp);
	update_status_t stt;
	update_status(u, &stt, NULL, 0);
	for (size_t i = 0; i < cnt; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, c[i].name);
		bundle_t *b;
		if (c[i].unsafe ||
		    bundle_open(path, u->keys, u->nkeys, &b, c[i].reason, sizeof c[i].reason))
			continue;
		c[i].verified = 1;
		c[i].h = *bundle_header(b);
		bundle_close(b);
		if (strcmp(c[i].h.compatible, u->compatible)) {
			snprintf(c[i].reason, sizeof c[i].reason, "for another kiosk model ('%s')",
				 c[i].h.compatible);
			continue;
		}
		c[i].candidate = 1;
		const update_pair_status_t *p = &stt.pair[c[i].h.type];
		int already;
		if (check_against(u, &c[i].h, NULL, &p->st, p->current, &already, c[i].reason,
				  sizeof c[i].reason) == KIOSK_OK && !already)
			c[i].newer = 1;
		else if (already)
			snprintf(c[i].reason, sizeof c[i].reason, "already installed, on trial");
	}
	*out = c;
	*n = cnt;
	return KIOSK_OK;
}

int update_install_stick(update_t *u, const char *dir, const update_install_opts_t *o,
			 char *msg, size_t msglen, char *err, size_t errlen)
{
	char dummy[8];
	if (!msg) {
		msg = dummy;
		msglen = sizeof dummy;
	}
	msg[0] = 0;
	/* Wait for the lock: a stick with several partitions starts one
	 * updater per partition; they take turns. */
	int rc = lock_root(u, 1, err, errlen);
	if (rc)
		return rc;
	update_candidate_t *c;
	size_t n;
	rc = update_stick_scan(u, dir, &c, &n, err, errlen);
	if (rc) {
		unlock_root(u);
		return rc;
	}
	int pick[2] = {-1, -1};
	for (size_t i = 0; i < n && !rc; i++) {
		if (!c[i].candidate)
			continue;
		int t = c[i].h.type;
		if (pick[t] >= 0)
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				  "two %s bundles for this kiosk on the stick (%s, %s): keep only one",
				  bundle_type_name((bundle_type_t)t), c[pick[t]].name, c[i].name);
		pick[t] = (int)i;
	}
	if (!rc && pick[0] < 0 && pick[1] < 0) {
		if (n == 0)
			rc = kiosk_err(err, errlen, KIOSK_ENOENT, "no *.kiosk bundle on the stick");
		else
			rc = kiosk_err(err, errlen, KIOSK_ENOENT, "no bundle for this kiosk on the stick (%s: %s)",
				  c[0].name, c[0].reason);
	}
	size_t used = 0;
	/* data first, then app: the new app may expect the new data. */
	for (int k = 0; k < 2 && !rc; k++) {
		int t = k == 0 ? BUNDLE_TYPE_DATA : BUNDLE_TYPE_APP;
		if (pick[t] < 0)
			continue;
		update_candidate_t *x = &c[pick[t]];
		char one[800] = "";
		if (!x->newer && !(o && (o->flags & UPDATE_F_REINSTALL))) {
			snprintf(one, sizeof one, "%s: %s (%s)", bundle_type_name((bundle_type_t)t),
				 x->name, x->reason);
		} else {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", dir, x->name);
			update_install_opts_t oo = o ? *o : (update_install_opts_t){0, -1, 0};
			oo.want_type = t;
			rc = install_locked(u, path, &oo, one, sizeof one, err, errlen);
		}
		if (!rc && used + 1 < msglen) {
			int w = snprintf(msg + used, msglen - used, "%s%s", used ? "; " : "", one);
			used = w < 0 ? used : (used + (size_t)w >= msglen ? msglen - 1 : used + (size_t)w);
		}
	}
	free(c);
	unlock_root(u);
	return rc;
}

/* ---- mark-good / rollback / launcher ---------------------------------------------- */
static void raise_floors(update_state_t *st, const update_slot_t *s)
{
	bundle_version_t a, f;
	if (s->version[0] && bundle_version_parse(s->version, strlen(s->version), &a) == KIOSK_OK &&
	    (!st->floor_version[0] ||
	     bundle_version_parse(st->floor_version, strlen(st->floor_version), &f) != KIOSK_OK ||
	     bundle_version_cmp(&a, &f) > 0))
		snprintf(st->floor_version, sizeof st->floor_version, "%s", s->version);
	if (s->epoch > st->floor_epoch)
		st->floor_epoch = s->epoch;
}

int update_mark_good(update_t *u, char *err, size_t errlen)
{
	int rc = lock_root(u, 1, err, errlen);
	if (rc)
		return rc;
	for (int t = 0; t < 2 && !rc; t++) {
		int pfd = open_pair(u, t, 0, err, errlen);
		if (pfd < -1) {
			rc = pfd;
			break;
		}
		if (pfd < 0)
			continue;
		update_state_t st;
		int ok;
		state_load(pfd, &st, &ok);
		int cur = current_slot(pfd);
		if (cur >= 0 && st.slot[cur].state == UPDATE_SLOT_PENDING) {
			st.slot[cur].state = UPDATE_SLOT_GOOD;
			st.tries_left = 0;
			raise_floors(&st, &st.slot[cur]);
			rc = state_write(pfd, &st, err, errlen);
		} else if (cur >= 0 && st.slot[cur].state != UPDATE_SLOT_GOOD &&
			   st.slot[cur].state != UPDATE_SLOT_EMPTY && t == BUNDLE_TYPE_APP) {
			/* EMPTY: the slot was laid down without the updater (the
			 * factory image); there is no trial to end. */
			rc = kiosk_err(err, errlen, KIOSK_EPERM, "the running slot is %s, not pending",
				  update_slot_state_name(st.slot[cur].state));
		}
		close(pfd);
	}
	unlock_root(u);
	return rc;
}

int update_mark_good_env(char *err, size_t errlen)
{
	const char *root = getenv("KIOSK_ROOT");
	if (!root || !*root)
		return kiosk_err(err, errlen, KIOSK_ENOENT, "KIOSK_ROOT is not set");
	update_t *u;
	int rc = update_open(root, NULL, NULL, &u, err, errlen);
	if (rc)
		return rc;
	rc = update_mark_good(u, err, errlen);
	update_close(u);
	return rc;
}

static int rollback_pair(int pfd, update_state_t *st, int cur, const char *reason, char *err,
			 size_t errlen)
{
	int other = 1 - cur;
	snprintf(st->last_failure, sizeof st->last_failure, "%s", reason);
	if (st->slot[cur].state != UPDATE_SLOT_EMPTY)
		st->slot[cur].state = UPDATE_SLOT_BAD;
	st->tries_left = 0;
	/* State first: a crash before the switch leaves current on a bad slot,
	 * which the launcher switches away from on the next start. */
	int rc = state_write(pfd, st, err, errlen);
	if (rc)
		return rc;
	return switch_current(pfd, other, err, errlen);
}

int update_rollback(update_t *u, bundle_type_t type, const char *reason, char *err,
		    size_t errlen)
{
	int rc = lock_root(u, 1, err, errlen);
	if (rc)
		return rc;
	int pfd = open_pair(u, type, 0, err, errlen);
	if (pfd < 0) {
		unlock_root(u);
		return pfd < -1 ? pfd : kiosk_err(err, errlen, KIOSK_ENOENT, "nothing installed");
	}
	update_state_t st;
	int ok;
	state_load(pfd, &st, &ok);
	int cur = current_slot(pfd);
	if (cur < 0)
		rc = kiosk_err(err, errlen, KIOSK_ENOENT, "nothing installed");
	else if (st.slot[1 - cur].state != UPDATE_SLOT_GOOD)
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "no good slot to roll back to (slot %c is %s)",
			  'a' + (1 - cur), update_slot_state_name(st.slot[1 - cur].state));
	else {
		char why[UPDATE_FAILURE_MAX + 1];
		snprintf(why, sizeof why, "%s %s: %s", pair_dir[type], st.slot[cur].version,
			 reason && *reason ? reason : "rolled back by a technician");
		rc = rollback_pair(pfd, &st, cur, why, err, errlen);
	}
	close(pfd);
	unlock_root(u);
	return rc;
}

static int prepare_pair(update_t *u, int t, uint32_t max_tries, char *dir, size_t dirlen,
			char *err, size_t errlen)
{
	dir[0] = 0;
	int pfd = open_pair(u, t, 0, err, errlen);
	if (pfd < -1)
		return pfd;
	if (pfd < 0)
		return KIOSK_OK;
	update_state_t st;
	int ok, rc = KIOSK_OK;
	state_load(pfd, &st, &ok);
	int cur = current_slot(pfd);
	if (cur < 0) {
		close(pfd);
		return KIOSK_OK;
	}
	int other = 1 - cur;
	/* An install that never committed: the pending slot is not current. */
	if (st.slot[other].state == UPDATE_SLOT_PENDING) {
		st.slot[other].state = UPDATE_SLOT_INCOMPLETE;
		snprintf(st.last_failure, sizeof st.last_failure,
			 "%s %s: the install did not complete", pair_dir[t], st.slot[other].version);
		rc = state_write(pfd, &st, err, errlen);
	}
	update_slot_state_t cs = st.slot[cur].state;
	if (!rc && cs == UPDATE_SLOT_PENDING) {
		if (st.tries_left > max_tries)
			st.tries_left = max_tries;
		if (st.tries_left == 0) {
			if (st.slot[other].state == UPDATE_SLOT_GOOD) {
				char why[UPDATE_FAILURE_MAX + 1];
				snprintf(why, sizeof why,
					 "%s %s did not pass its health check after %u starts; rolled "
					 "back to %s", pair_dir[t], st.slot[cur].version, max_tries,
					 st.slot[other].version);
				rc = rollback_pair(pfd, &st, cur, why, err, errlen);
				cur = other;
			} else if (!strstr(st.last_failure, "no good slot")) {
				snprintf(st.last_failure, sizeof st.last_failure,
					 "%s %s never passed its health check and there is no good slot "
					 "to roll back to", pair_dir[t], st.slot[cur].version);
				rc = state_write(pfd, &st, err, errlen);
			}
		} else {
			st.tries_left--;
			rc = state_write(pfd, &st, err, errlen);
		}
	} else if (!rc && (cs == UPDATE_SLOT_BAD || cs == UPDATE_SLOT_INCOMPLETE) &&
		   st.slot[other].state == UPDATE_SLOT_GOOD) {
		/* Interrupted rollback (state written, switch not): finish it. */
		rc = switch_current(pfd, other, err, errlen);
		cur = other;
	}
	if (!rc)
		snprintf(dir, dirlen, "%s/%s/%s", u->root, pair_dir[t], slot_dir[cur]);
	close(pfd);
	return rc;
}

int update_launcher_prepare(update_t *u, uint32_t max_tries, char *app_dir, size_t app_len,
			    char *data_dir, size_t data_len, char *err, size_t errlen)
{
	app_dir[0] = data_dir[0] = 0;
	int rc = lock_root(u, 1, err, errlen);
	if (rc)
		return rc;
	rc = prepare_pair(u, BUNDLE_TYPE_DATA, max_tries, data_dir, data_len, err, errlen);
	if (!rc)
		rc = prepare_pair(u, BUNDLE_TYPE_APP, max_tries, app_dir, app_len, err, errlen);
	if (!rc && !app_dir[0])
		rc = kiosk_err(err, errlen, KIOSK_ENOENT, "no app installed under %s", u->root);
	unlock_root(u);
	return rc;
}
