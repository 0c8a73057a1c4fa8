/* update.c - A/B updater: state records (two copies, seq + CRC32), install
 * into the inactive slot from a verified bundle, atomic switch of
 * `current`, mark-good with floors, rollback, stick scanning, and the
 * launcher's trial counting. Layout and rules: update.h, docs/updates.md. */
#include "update/update.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/kiosk.h"
#include "update/update_io.h"

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
	/* O_NONBLOCK: a FIFO planted under the name must not hang root. */
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? KIOSK_ENOENT : KIOSK_EIO;
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return KIOSK_ECORRUPT;
	}
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
	int fd = update_io_create(pfd, name, 0644, 0);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", name, strerror(errno));
	/* 0644, owned by the writer: only root (the updater, the launcher's
	 * --prepare, the health request service) changes the records on a
	 * board; the kiosk user reads them (docs/updates.md, section 2). */
	struct stat fsb;
	if (fstat(fd, &fsb) < 0 || !S_ISREG(fsb.st_mode)) {
		close(fd);
		return kiosk_err(err, errlen, KIOSK_EIO, "%s is not a regular file", name);
	}
	(void)fchmod(fd, 0644);
	if (geteuid() == 0 && (fsb.st_uid != 0 || fsb.st_gid != 0))
		(void)!fchown(fd, 0, 0);
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

/* Opens the folder that holds path (below base) one component at a time,
 * each with O_NOFOLLOW|O_DIRECTORY: no link anywhere on the way is
 * followed. *leaf points into path. A new fd, or -1 with errno. */
static int open_parent(int base, const char *path, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	*leaf = slash ? slash + 1 : path;
	int fd = fcntl(base, F_DUPFD_CLOEXEC, 0);
	const char *p = path;
	while (fd >= 0 && slash && p < slash) {
		const char *e = strchr(p, '/');
		size_t l = (size_t)(e - p);
		char comp[NAME_MAX + 1];
		if (l == 0 || l > NAME_MAX) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, p, l);
		comp[l] = 0;
		int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e2 = errno;
		close(fd);
		errno = e2;
		fd = nfd;
		p = e + 1;
	}
	return fd;
}

/* mkdir, then the exact mode set on the folder just made, through an fd
 * opened with O_NOFOLLOW|O_DIRECTORY: a link swapped in under the name
 * between the two steps makes this fail instead of changing the mode of
 * whatever the link points to (fchmodat follows links). */
static int mkdir_exact(int dfd, const char *name, mode_t mode)
{
	if (update_io_mkdirat(dfd, name, mode) < 0)
		return -1;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat sb;
	int r = fstat(fd, &sb) == 0 && sb.st_uid == geteuid() ? fchmod(fd, mode) : -1;
	if (r < 0 && errno == 0)
		errno = EPERM;
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* A folder root changes things in must not be writable by anyone else
 * (owned by root, no group or other write): the kiosk user must not be able
 * to swap names in it. Only checked when running as root; a desktop user's
 * own folders are theirs. */
static int dir_trusted(int fd, const char *what, char *err, size_t errlen)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot stat %s: %s", what, strerror(errno));
	if (geteuid() == 0 && (sb.st_uid != 0 || (sb.st_mode & 022)))
		return kiosk_err(err, errlen, KIOSK_EPERM,
			    "%s is writable by other users (owner %u, mode %04o): refusing; fix it "
			    "with board/install.sh or systemd-tmpfiles --create", what,
			    (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777));
	return KIOSK_OK;
}

/* The same for a state record in a pair (absent is fine). */
static int record_trusted(int pfd, const char *name, char *err, size_t errlen)
{
	struct stat sb;
	if (geteuid() != 0 || fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return KIOSK_OK;
	if (!S_ISREG(sb.st_mode) || sb.st_uid != 0 || (sb.st_mode & 022))
		return kiosk_err(err, errlen, KIOSK_EPERM,
			    "%s is not a root-only file (owner %u, mode %04o): refusing; fix it "
			    "with board/install.sh or systemd-tmpfiles --create", name,
			    (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777));
	return KIOSK_OK;
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
	int rc = dir_trusted(u->rootfd, u->root, err, errlen);
	if (rc)
		return rc;
	/* The lock file is not a state mutation: it is created once, never
	 * changed, so it does not go through update_io (no crash point). It is
	 * the writer's alone (0600): a lock file someone else could open (an
	 * older layout's 0664 one, which the kiosk user may hold forever) is
	 * removed and made again, and the lock counts only if the name still
	 * refers to the locked file afterwards. */
	for (int tries = 0; tries < 8; tries++) {
		int fd = openat(u->rootfd, "update.lock",
				O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
		if (fd < 0)
			return kiosk_err(err, errlen, KIOSK_EIO, "cannot open update.lock: %s",
				    strerror(errno));
		struct stat a, b;
		if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode)) {
			close(fd);
			return kiosk_err(err, errlen, KIOSK_EIO, "update.lock is not a regular file");
		}
		if (a.st_uid != geteuid() || (a.st_mode & 077)) {
			close(fd);
			if (fstatat(u->rootfd, "update.lock", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
			    b.st_ino == a.st_ino && b.st_dev == a.st_dev &&
			    unlinkat(u->rootfd, "update.lock", 0) < 0 && errno != ENOENT)
				return kiosk_err(err, errlen, KIOSK_EIO, "cannot replace update.lock: %s",
					    strerror(errno));
			continue;
		}
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
			close(fd);
			return kiosk_err(err, errlen, KIOSK_EBUSY, "another update is running");
		}
		if (fstatat(u->rootfd, "update.lock", &b, AT_SYMLINK_NOFOLLOW) < 0 ||
		    b.st_ino != a.st_ino || b.st_dev != a.st_dev) {
			close(fd);
			continue;
		}
		u->lockfd = fd;
		return KIOSK_OK;
	}
	return kiosk_err(err, errlen, KIOSK_EBUSY, "cannot take update.lock");
}

static void unlock_root(update_t *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd);
	u->lockfd = -1;
}

static int open_pair_raw(update_t *u, int type, int create, char *err, size_t errlen)
{
	int fd = openat(u->rootfd, pair_dir[type], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || !create || errno != ENOENT) {
		if (fd < 0 && (create || errno != ENOENT))
			return kiosk_err(err, errlen, KIOSK_EIO, "cannot open %s/%s: %s", u->root,
				    pair_dir[type], strerror(errno));
		return fd;
	}
	if (mkdir_exact(u->rootfd, pair_dir[type], 0755) < 0 && errno != EEXIST)
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

/* Opens a pair; under the lock (a change follows) it must be trusted. */
static int open_pair(update_t *u, int type, int create, char *err, size_t errlen)
{
	int fd = open_pair_raw(u, type, create, err, errlen);
	if (fd < 0 || u->lockfd < 0)
		return fd;
	char what[64];
	snprintf(what, sizeof what, "%s/", pair_dir[type]);
	int rc = dir_trusted(fd, what, err, errlen);
	if (!rc)
		rc = record_trusted(fd, "state.0", err, errlen);
	if (!rc)
		rc = record_trusted(fd, "state.1", err, errlen);
	if (rc) {
		close(fd);
		return rc < -1 ? rc : KIOSK_EPERM;
	}
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
	const char *leaf;
	int pd = open_parent(w->slotfd, e->path, &leaf);
	int ok = pd >= 0 && mkdir_exact(pd, leaf, 0755) == 0;
	int e2 = errno;
	if (pd >= 0)
		close(pd);
	if (!ok)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create folder %s: %s", e->path,
			    strerror(e2));
	return KIOSK_OK;
}

static int w_begin(void *user, const bundle_tree_entry_t *e, char *err, size_t errlen)
{
	writer_t *w = user;
	const char *leaf;
	int pd = open_parent(w->slotfd, e->path, &leaf);
	w->fd = pd >= 0 ? update_io_create(pd, leaf, e->mode, 1) : -1;
	int e2 = errno;
	if (pd >= 0)
		close(pd);
	errno = e2;
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
	const char *leaf;
	int pd = open_parent(dfd, path, &leaf);
	if (pd < 0)
		return -1;
	int fd = openat(pd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(pd);
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
		const char *leaf;
		int pd = open_parent(slotfd, e->path, &leaf);
		if (e->kind == 'd') {
			if (pd < 0 || fstatat(pd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
				rc = kiosk_err(err, errlen, KIOSK_EIO, "check after write: %s missing", e->path);
			if (pd >= 0)
				close(pd);
			continue;
		}
		int fd = pd >= 0 ? openat(pd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
		if (pd >= 0)
			close(pd);
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
		bundle_tree_trust_content(tree); /* chunks checked by bundle_stream */
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
	    mkdir_exact(pfd, slot_dir[target], 0755) < 0) {
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
		bundle_tree_trust_content(tree); /* chunks checked by bundle_stream */
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
	/* On a board the records are root's: ask the health service. */
	const char *svc = getenv("KIOSK_HEALTH_SERVICE");
	if (svc && *svc)
		return update_request_mark_good(svc, root, err, errlen);
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

/* ---- the launcher's unprivileged half -------------------------------------------- */
/* A slot the kiosk may run: its folder, its pair and ROOT owned by ROOT's
 * owner (root on a board) and not writable by group or others, `current`
 * exactly "slot-a" or "slot-b" (so it resolves inside the pair), the slot
 * not incomplete. */
static int slot_safe(update_t *u, int pfd, int slotfd, const char *what, char *err, size_t errlen)
{
	struct stat r, p, s;
	if (fstat(u->rootfd, &r) < 0 || fstat(pfd, &p) < 0 || fstat(slotfd, &s) < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot stat %s: %s", what, strerror(errno));
	const struct stat *all[3] = {&r, &p, &s};
	for (int i = 0; i < 3; i++)
		if (all[i]->st_uid != r.st_uid || (all[i]->st_mode & 022))
			return kiosk_err(err, errlen, KIOSK_EPERM,
				    "%s: %s is writable by others or not owned by %u (owner %u, mode "
				    "%04o): refusing to run it", what,
				    i == 0 ? "the update root" : i == 1 ? "the pair folder" : "the slot",
				    (unsigned)r.st_uid, (unsigned)all[i]->st_uid,
				    (unsigned)(all[i]->st_mode & 07777));
	return KIOSK_OK;
}

int update_launcher_resolve(update_t *u, char *app_dir, size_t app_len, char *data_dir,
			    size_t data_len, int *app_fd, char *err, size_t errlen)
{
	app_dir[0] = data_dir[0] = 0;
	*app_fd = -1;
	for (int k = 0; k < 2; k++) {
		int t = k == 0 ? BUNDLE_TYPE_DATA : BUNDLE_TYPE_APP;
		char *dir = t == BUNDLE_TYPE_APP ? app_dir : data_dir;
		size_t dlen = t == BUNDLE_TYPE_APP ? app_len : data_len;
		int pfd = open_pair_raw(u, t, 0, err, errlen);
		if (pfd < -1)
			return pfd;
		int cur = current_slot(pfd);
		if (cur < 0) {
			if (pfd >= 0)
				close(pfd);
			if (t == BUNDLE_TYPE_APP)
				return kiosk_err(err, errlen, KIOSK_ENOENT, "no app installed under %s",
					    u->root);
			continue;
		}
		update_state_t st;
		int ok;
		state_load(pfd, &st, &ok);
		if (st.slot[cur].state == UPDATE_SLOT_INCOMPLETE || st.slot[cur].state == UPDATE_SLOT_BAD) {
			close(pfd);
			return kiosk_err(err, errlen, KIOSK_EPERM, "%s slot %c is %s: refusing to run it",
				    pair_dir[t], 'a' + cur, update_slot_state_name(st.slot[cur].state));
		}
		int sfd = openat(pfd, slot_dir[cur], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0) {
			int e = errno;
			close(pfd);
			return kiosk_err(err, errlen, KIOSK_EPERM, "%s/%s is not a folder: %s", pair_dir[t],
				    slot_dir[cur], strerror(e));
		}
		char what[64];
		snprintf(what, sizeof what, "%s/%s", pair_dir[t], slot_dir[cur]);
		int rc = slot_safe(u, pfd, sfd, what, err, errlen);
		close(pfd);
		if (rc) {
			close(sfd);
			return rc;
		}
		snprintf(dir, dlen, "%s/%s/%s", u->root, pair_dir[t], slot_dir[cur]);
		if (t == BUNDLE_TYPE_APP)
			*app_fd = sfd;
		else
			close(sfd);
	}
	return KIOSK_OK;
}

/* ---- the health request: kiosk -> root ------------------------------------------- */
#define REQ_NAME "health.request"
#define ANS_NAME "health.answer"
#define REQ_MAX 200

/* Answer file, written with a fresh O_EXCL name and renamed over
 * health.answer in the root-owned answer folder. */
static void write_answer(int afd, unsigned long long id, const char *result, const char *text)
{
	char buf[REQ_MAX + 400];
	char clean[300];
	snprintf(clean, sizeof clean, "%s", text);
	clean_text(clean);
	int n = snprintf(buf, sizeof buf, "id=%llu\nresult=%s\nmessage=%s\n", id, result, clean);
	if (n < 0)
		return;
	for (int i = 0; i < 16; i++) {
		char tmp[64];
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		snprintf(tmp, sizeof tmp, ".%s.%ld.%ld.%d", ANS_NAME, (long)getpid(), (long)ts.tv_nsec, i);
		int fd = openat(afd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return;
		}
		int ok = fchmod(fd, 0644) == 0 && write(fd, buf, (size_t)n) == n;
		ok = close(fd) == 0 && ok;
		if (!ok || renameat(afd, tmp, afd, ANS_NAME) < 0)
			unlinkat(afd, tmp, 0);
		return;
	}
}

/* "app 1.2.3" pairs of a request. */
typedef struct {
	int type;
	char version[BUNDLE_VERSION_MAX + 1];
} req_pair_t;

/* Strict grammar, one line:
 *   mark-good app VER [data VER] ID      (ID: 1..18 decimal digits)
 *   mark-good data VER ID
 *   rollback app|data VER ID             (VER: the running version)
 * Tokens are separated by one space; printable ASCII only; one final '\n'. */
static int req_parse(const char *buf, size_t len, int *rollback, req_pair_t *p, int *np,
		     unsigned long long *id, char *err, size_t errlen)
{
	*np = 0;
	*id = 0;
	if (len < 2 || buf[len - 1] != '\n')
		return kiosk_err(err, errlen, KIOSK_EINVAL, "not one line");
	char line[REQ_MAX + 1];
	memcpy(line, buf, len - 1);
	line[len - 1] = 0;
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "control or non-ASCII byte");
	char *tok[8];
	int nt = 0;
	for (char *s = line;;) {
		char *sp = strchr(s, ' ');
		if (nt == 8 || sp == s || !*s)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "bad token list");
		tok[nt++] = s;
		if (!sp)
			break;
		*sp = 0;
		s = sp + 1;
	}
	const char *ids = tok[nt - 1];
	size_t il = strlen(ids);
	if (il == 0 || il > 18 || strspn(ids, "0123456789") != il)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "bad request id");
	*id = strtoull(ids, NULL, 10);
	if (!strcmp(tok[0], "mark-good"))
		*rollback = 0;
	else if (!strcmp(tok[0], "rollback"))
		*rollback = 1;
	else
		return kiosk_err(err, errlen, KIOSK_EINVAL, "unknown request");
	int pairs = nt - 2;
	if (pairs % 2 || pairs == 0 || pairs > (*rollback ? 2 : 4))
		return kiosk_err(err, errlen, KIOSK_EINVAL, "wrong number of words");
	for (int i = 0; i < pairs / 2; i++) {
		bundle_type_t t;
		const char *v = tok[2 + 2 * i];
		bundle_version_t bv;
		if (bundle_type_parse(tok[1 + 2 * i], &t) != KIOSK_OK)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "unknown type");
		if (strlen(v) > BUNDLE_VERSION_MAX || bundle_version_parse(v, strlen(v), &bv) != KIOSK_OK)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "bad version");
		/* app before data, each once */
		if (i == 1 && !(p[0].type == BUNDLE_TYPE_APP && t == BUNDLE_TYPE_DATA))
			return kiosk_err(err, errlen, KIOSK_EINVAL, "types out of order");
		p[i].type = (int)t;
		snprintf(p[i].version, sizeof p[i].version, "%s", v);
		(*np)++;
	}
	return KIOSK_OK;
}

/* Carries out a parsed request under the lock; every named pair is checked
 * before anything is written. */
static int req_apply(update_t *u, int rollback, const req_pair_t *p, int np, char *msg,
		     size_t msglen, char *err, size_t errlen)
{
	int rc = lock_root(u, 1, err, errlen);
	if (rc)
		return rc;
	int pfd[2] = {-1, -1}, cur[2] = {-1, -1};
	update_state_t st[2];
	for (int i = 0; i < np && !rc; i++) {
		int t = p[i].type;
		pfd[i] = open_pair(u, t, 0, err, errlen);
		if (pfd[i] < 0) {
			rc = pfd[i] < -1 ? pfd[i] : kiosk_err(err, errlen, KIOSK_EPERM, "no %s installed",
								 pair_dir[t]);
			pfd[i] = -1;
			break;
		}
		int ok;
		state_load(pfd[i], &st[i], &ok);
		cur[i] = current_slot(pfd[i]);
		if (!ok || cur[i] < 0) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM, "%s: no valid state or no current slot",
				  pair_dir[t]);
			break;
		}
		const update_slot_t *cs = &st[i].slot[cur[i]], *os = &st[i].slot[1 - cur[i]];
		if (strcmp(cs->version, p[i].version)) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM, "%s %s is not the running version (%s)",
				  pair_dir[t], p[i].version, cs->version[0] ? cs->version : "none");
		} else if (!rollback && cs->state != UPDATE_SLOT_PENDING) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM, "%s %s is %s, not pending",
				  pair_dir[t], p[i].version, update_slot_state_name(cs->state));
		} else if (rollback && os->state != UPDATE_SLOT_GOOD) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM,
				  "no good slot to roll back to (slot %c is %s)", 'a' + (1 - cur[i]),
				  update_slot_state_name(os->state));
		} else if (rollback && os->epoch < st[i].floor_epoch) {
			rc = kiosk_err(err, errlen, KIOSK_EPERM,
				  "%s %s has security epoch %u, below this kiosk's floor %u: no rollback "
				  "to it", pair_dir[t], os->version, os->epoch, st[i].floor_epoch);
		}
	}
	for (int i = 0; i < np && !rc; i++) {
		update_slot_t *cs = &st[i].slot[cur[i]];
		if (rollback) {
			char why[UPDATE_FAILURE_MAX + 1];
			snprintf(why, sizeof why, "%s %s: rolled back from the technician menu",
				 pair_dir[p[i].type], cs->version);
			rc = rollback_pair(pfd[i], &st[i], cur[i], why, err, errlen);
		} else {
			cs->state = UPDATE_SLOT_GOOD;
			st[i].tries_left = 0;
			raise_floors(&st[i], cs);
			rc = state_write(pfd[i], &st[i], err, errlen);
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i] >= 0)
			close(pfd[i]);
	unlock_root(u);
	if (!rc)
		snprintf(msg, msglen, "%s %s%s%s%s", rollback ? "rolled back" : "marked good",
			 pair_dir[p[0].type], " ", p[0].version, np > 1 ? " and data" : "");
	return rc;
}

static int open_dir_strict(const char *path, int create)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create && mkdir(path, 0755) == 0)
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

int update_serve_request(update_t *u, const char *req_dir, const char *ans_dir, char *msg,
			 size_t msglen, char *err, size_t errlen)
{
	msg[0] = 0;
	int rfd = open_dir_strict(req_dir, 0);
	if (rfd < 0)
		return errno == ENOENT ? kiosk_err(err, errlen, KIOSK_ENOENT, "no request folder")
				       : kiosk_err(err, errlen, KIOSK_EPERM, "request folder %s: %s",
						   req_dir, strerror(errno));
	struct stat sb;
	if (fstatat(rfd, REQ_NAME, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		close(rfd);
		return kiosk_err(err, errlen, KIOSK_ENOENT, "no request");
	}
	int afd = open_dir_strict(ans_dir, 1);
	if (afd < 0 || dir_trusted(afd, ans_dir, err, errlen)) {
		if (afd < 0)
			kiosk_err(err, errlen, KIOSK_EPERM, "answer folder %s: %s", ans_dir, strerror(errno));
		if (afd >= 0)
			close(afd);
		close(rfd);
		return KIOSK_EPERM;
	}
	/* Never follows a link, never blocks on a FIFO, reads a small regular
	 * file once; the name is removed whatever it was. */
	char buf[REQ_MAX + 1];
	ssize_t n = -1;
	int rc = KIOSK_OK;
	int fd = openat(rfd, REQ_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "the request is not a plain file (%s)",
			  errno == ELOOP ? "a link" : strerror(errno));
	else if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "the request is not a plain file");
	else if (sb.st_size <= 0 || sb.st_size > REQ_MAX)
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "the request has %lld bytes", (long long)sb.st_size);
	else if ((n = read(fd, buf, sizeof buf)) <= 0 || n > REQ_MAX)
		rc = kiosk_err(err, errlen, KIOSK_EPERM, "cannot read the request");
	if (fd >= 0)
		close(fd);
	unlinkat(rfd, REQ_NAME, 0);
	close(rfd);
	int rollback = 0, np = 0;
	unsigned long long id = 0;
	req_pair_t p[2];
	if (!rc) {
		char why[128];
		if (req_parse(buf, (size_t)n, &rollback, p, &np, &id, why, sizeof why))
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "malformed request: %s", why);
	}
	if (!rc)
		rc = req_apply(u, rollback, p, np, msg, msglen, err, errlen);
	write_answer(afd, id, rc ? "refused" : "ok", rc ? err : msg);
	close(afd);
	return rc;
}

/* Kiosk side: write the request (temp name in the kiosk's own request
 * folder, then rename), wait for the answer with that id. */
static int request(const char *svc, const char *body, char *err, size_t errlen)
{
	char req[600], ans[600], tmp[700], path[700];
	snprintf(req, sizeof req, "%s/req", svc);
	snprintf(ans, sizeof ans, "%s/ans/%s", svc, ANS_NAME);
	if (mkdir(req, 0700) < 0 && errno != EEXIST)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create %s: %s", req, strerror(errno));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long long id = ((unsigned long long)ts.tv_sec * 1000000ull +
				 (unsigned long long)ts.tv_nsec / 1000u) % 1000000000000000ull + 1;
	snprintf(tmp, sizeof tmp, "%s/.%s.%ld", req, REQ_NAME, (long)getpid());
	snprintf(path, sizeof path, "%s/%s", req, REQ_NAME);
	char line[REQ_MAX + 1];
	int n = snprintf(line, sizeof line, "%s %llu\n", body, id);
	if (n < 0 || n > REQ_MAX)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "request too long");
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s: %s", tmp, strerror(errno));
	int ok = write(fd, line, (size_t)n) == n;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write %s", path);
	}
	const char *t = getenv("KIOSK_HEALTH_TIMEOUT_MS");
	long timeout = t && atol(t) > 0 ? atol(t) : 30000;
	for (long waited = 0; waited <= timeout; waited += 50) {
		char buf[800];
		size_t len = 0;
		if (read_small(AT_FDCWD, ans, buf, sizeof buf, &len) == KIOSK_OK) {
			buf[len] = 0;
			char idl[40];
			snprintf(idl, sizeof idl, "id=%llu\n", id);
			if (!strncmp(buf, idl, strlen(idl))) {
				char *m = strstr(buf, "\nmessage=");
				char *e = m ? strchr(m + 9, '\n') : NULL;
				if (e)
					*e = 0;
				if (strstr(buf, "\nresult=ok\n"))
					return KIOSK_OK;
				return kiosk_err(err, errlen, KIOSK_EPERM, "refused: %s", m ? m + 9 : "");
			}
		}
		struct timespec d = {0, 50 * 1000000L};
		nanosleep(&d, NULL);
	}
	unlink(path);
	return kiosk_err(err, errlen, KIOSK_ETIMEOUT, "no answer from the health service in %ld ms",
		    timeout);
}

bool update_on_trial(const update_status_t *st, bundle_type_t type)
{
	const update_pair_status_t *p = &st->pair[type];
	return p->current >= 0 && p->st.slot[p->current].state == UPDATE_SLOT_PENDING;
}

/* The status of the pairs under root, read-only (the requests' view). */
static int status_at(const char *root, update_status_t *st, char *err, size_t errlen)
{
	update_t *u;
	int rc = update_open(root, NULL, NULL, &u, err, errlen);
	if (rc)
		return rc;
	rc = update_status(u, st, err, errlen);
	update_close(u);
	return rc;
}

int update_request_mark_good(const char *svc, const char *root, char *err, size_t errlen)
{
	update_status_t st;
	int rc = status_at(root, &st, err, errlen);
	if (rc)
		return rc;
	char body[160] = "mark-good";
	int any = 0;
	for (int k = 0; k < 2; k++) {
		bundle_type_t t = k == 0 ? BUNDLE_TYPE_APP : BUNDLE_TYPE_DATA;
		const update_pair_status_t *p = &st.pair[t];
		if (!update_on_trial(&st, t))
			continue;
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, " %s %s", pair_dir[t], p->st.slot[p->current].version);
		any = 1;
	}
	if (!any)
		return KIOSK_OK; /* nothing on trial */
	return request(svc, body, err, errlen);
}

int update_request_rollback(const char *svc, const char *root, bundle_type_t type, char *err,
			    size_t errlen)
{
	update_status_t st;
	int rc = status_at(root, &st, err, errlen);
	if (rc)
		return rc;
	const update_pair_status_t *p = &st.pair[type];
	if (p->current < 0 || !p->st.slot[p->current].version[0])
		return kiosk_err(err, errlen, KIOSK_ENOENT, "nothing installed");
	char body[80];
	snprintf(body, sizeof body, "rollback %s %s", pair_dir[type], p->st.slot[p->current].version);
	return request(svc, body, err, errlen);
}
