/* update_io.c - the updater's mutation layer with crash and read fault
 * injection for tests (see update_io.h). Production behaviour is the plain
 * system call. */
#include "update/update_io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long io_ops;
static unsigned long crash_at;
static int env_read;
static uint64_t fail_at = UINT64_MAX, flip_at = UINT64_MAX;
static int fail_pass = 2, flip_pass = 2;
static const char *report_path;
static int powerloss;
/* KIOSK_STOP_AFTER=WHAT:K: SIGSTOP right after the K-th mutation named WHAT. */
static char stop_what[16];
static unsigned long stop_k, stop_seen;
static int stop_pending;

/* ---- power-loss model (KIOSK_CRASH_MODE=powerloss, tests only) ----------------
 * Every mutation is logged with what is needed to undo it. fsync of a file
 * makes its data durable; fsync of a folder makes the entry changes in it
 * durable. At the crash point everything not durable is undone, newest
 * first (the "none of the unsynced writes survive" case), then SIGKILL. */
enum { U_CREATE, U_TRUNC, U_MKDIR, U_UNLINK, U_RENAME, U_SYMLINK };
typedef struct {
	int kind;
	char dir[PATH_MAX];
	char name[NAME_MAX + 1];
	char name2[NAME_MAX + 1];  /* rename: the new name */
	char path[PATH_MAX];       /* dir/name (rename: dir/name2) */
	int entry_durable, data_durable;
	int had_old;               /* unlink/rename/trunc: something was there */
	mode_t old_mode;           /* its type and mode */
	char *old_data;            /* regular file content or symlink target */
	size_t old_len;
} undo_t;
static undo_t *ulog;
static size_t ulen, ucap;

static int dfd_path(int dfd, char *out)
{
	char link[64];
	if (dfd == AT_FDCWD)
		return getcwd(out, PATH_MAX) ? 0 : -1;
	snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
	ssize_t r = readlink(link, out, PATH_MAX - 1);
	if (r < 0)
		return -1;
	out[r] = 0;
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	*len = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) != NULL) {
		ssize_t r = read(fd, buf, (size_t)st.st_size);
		*len = r > 0 ? (size_t)r : 0;
	}
	close(fd);
	return buf;
}

/* Logs an op on dfd/name (a multi-component name is split at its last '/'). */
static undo_t *ulog_add(int kind, int dfd, const char *name)
{
	if (!powerloss)
		return NULL;
	if (ulen == ucap) {
		size_t nc = ucap ? 2 * ucap : 64;
		undo_t *n = realloc(ulog, nc * sizeof *n);
		if (!n)
			return NULL;
		ulog = n;
		ucap = nc;
	}
	undo_t *u = &ulog[ulen];
	memset(u, 0, sizeof *u);
	u->kind = kind;
	char base[PATH_MAX];
	if (dfd_path(dfd, base) < 0)
		return NULL;
	const char *slash = strrchr(name, '/');
	size_t bl = strlen(base), pl = slash ? (size_t)(slash - name) : 0;
	const char *leaf = slash ? slash + 1 : name;
	size_t ll = strlen(leaf);
	if (bl + 1 + pl + 1 + ll + 1 > sizeof u->path || ll > NAME_MAX)
		return NULL;
	memcpy(u->dir, base, bl);
	if (slash) {
		u->dir[bl] = '/';
		memcpy(u->dir + bl + 1, name, pl);
		bl += 1 + pl;
	}
	u->dir[bl] = 0;
	memcpy(u->name, leaf, ll + 1);
	memcpy(u->path, u->dir, bl);
	u->path[bl] = '/';
	memcpy(u->path + bl + 1, leaf, ll + 1);
	ulen++;
	return u;
}

/* Remembers what is at path before it is replaced or removed. */
static void save_old(undo_t *u, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	u->had_old = 1;
	u->old_mode = st.st_mode;
	if (S_ISREG(st.st_mode)) {
		u->old_data = slurp(path, &u->old_len);
	} else if (S_ISLNK(st.st_mode)) {
		u->old_data = calloc(1, PATH_MAX);
		if (u->old_data)
			u->old_len = (size_t)readlink(path, u->old_data, PATH_MAX - 1);
	}
}

static void put_old(const undo_t *u, const char *path)
{
	if (!u->had_old)
		return;
	if (S_ISDIR(u->old_mode)) {
		mkdir(path, u->old_mode & 07777);
	} else if (S_ISLNK(u->old_mode)) {
		if (u->old_data)
			(void)symlink(u->old_data, path);
	} else if (S_ISREG(u->old_mode)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, u->old_mode & 07777);
		if (fd >= 0) {
			if (u->old_len)
				(void)!write(fd, u->old_data, u->old_len);
			close(fd);
		}
	}
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	else
		unlink(path);
}

static void ulog_free(void)
{
	for (size_t i = 0; i < ulen; i++)
		free(ulog[i].old_data);
	free(ulog);
	ulog = NULL;
	ulen = ucap = 0;
}

static void ulog_fsync(int fd)
{
	if (!powerloss)
		return;
	char p[PATH_MAX];
	struct stat st;
	if (dfd_path(fd, p) < 0 || fstat(fd, &st) < 0)
		return;
	for (size_t i = 0; i < ulen; i++) {
		if (S_ISDIR(st.st_mode) && !strcmp(ulog[i].dir, p))
			ulog[i].entry_durable = 1;
		if (!S_ISDIR(st.st_mode) && !strcmp(ulog[i].path, p))
			ulog[i].data_durable = 1;
	}
}

static void power_cut(void)
{
	for (size_t i = ulen; i-- > 0;) {
		undo_t *u = &ulog[i];
		switch (u->kind) {
		case U_CREATE:
			if (!u->entry_durable)
				unlink(u->path);
			else if (!u->data_durable)
				(void)!truncate(u->path, 0);
			break;
		case U_TRUNC:
			if (!u->data_durable)
				put_old(u, u->path);
			break;
		case U_MKDIR:
			if (!u->entry_durable)
				rm_tree(u->path);
			break;
		case U_SYMLINK:
			if (!u->entry_durable)
				unlink(u->path);
			break;
		case U_UNLINK:
			if (!u->entry_durable)
				put_old(u, u->path);
			break;
		case U_RENAME:
			if (!u->entry_durable) {
				char from[PATH_MAX + NAME_MAX + 2];
				snprintf(from, sizeof from, "%s/%s", u->dir, u->name);
				rename(u->path, from);
				put_old(u, u->path);
			}
			break;
		}
	}
	sync();
}

void update_io_report(void)
{
	if (!report_path)
		return;
	FILE *f = fopen(report_path, "w");
	if (f) {
		fprintf(f, "%lu\n", io_ops);
		fclose(f);
	}
}

static void parse_off_pass(const char *s, uint64_t *off, int *pass)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return;
	*off = v;
	if (*end == ':')
		*pass = atoi(end + 1);
}

/* KIOSK_CRASH_AT = ops + 1: the crash comes at exit, after the last op
 * (with powerloss: whatever the program left unsynced is lost). */
static void crash_at_exit(void)
{
	if (crash_at && crash_at == io_ops + 1) {
		if (powerloss)
			power_cut();
		raise(SIGKILL);
	}
}

static void read_env(void)
{
	if (env_read)
		return;
	env_read = 1;
	const char *s = getenv("KIOSK_CRASH_AT");
	if (s && *s)
		crash_at = strtoul(s, NULL, 10);
	s = getenv("KIOSK_READ_FAIL_AT");
	if (s && *s)
		parse_off_pass(s, &fail_at, &fail_pass);
	s = getenv("KIOSK_READ_FLIP_AT");
	if (s && *s)
		parse_off_pass(s, &flip_at, &flip_pass);
	s = getenv("KIOSK_STOP_AFTER");
	if (s && *s) {
		const char *c = strchr(s, ':');
		size_t l = c ? (size_t)(c - s) : 0;
		if (c && l < sizeof stop_what) {
			memcpy(stop_what, s, l);
			stop_what[l] = 0;
			stop_k = strtoul(c + 1, NULL, 10);
		}
	}
	s = getenv("KIOSK_CRASH_MODE");
	powerloss = s && !strcmp(s, "powerloss");
	if (powerloss)
		atexit(ulog_free);
	s = getenv("KIOSK_IO_REPORT");
	if (s && *s) {
		report_path = s;
		atexit(update_io_report);
	}
	/* Registered last, so it runs first at exit (before ulog_free). */
	if (crash_at)
		atexit(crash_at_exit);
}

void update_io_op(const char *what)
{
	read_env();
	io_ops++;
	if (stop_k && what && !strcmp(what, stop_what) && ++stop_seen == stop_k)
		stop_pending = 1;
	if (crash_at && io_ops == crash_at) {
		if (powerloss)
			power_cut();
		raise(SIGKILL);
	}
}

unsigned long update_io_ops(void)
{
	return io_ops;
}

/* After a mutation's system call: the KIOSK_STOP_AFTER pause (a test then
 * acts between this mutation and the next step, e.g. swaps a link in). */
static void io_done(void)
{
	if (stop_pending) {
		stop_pending = 0;
		raise(SIGSTOP);
	}
}

int update_io_mkdirat(int dfd, const char *name, mode_t mode)
{
	update_io_op("mkdir");
	int r = mkdirat(dfd, name, mode);
	if (r == 0)
		ulog_add(U_MKDIR, dfd, name);
	io_done();
	return r;
}

int update_io_create(int dfd, const char *name, mode_t mode, int excl)
{
	update_io_op("create");
	/* O_NONBLOCK: a FIFO under the name fails (ENXIO) instead of hanging;
	 * no effect on regular files. */
	int fl = O_CREAT | O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (excl ? O_EXCL : O_TRUNC);
	undo_t *u = NULL;
	struct stat st;
	if (powerloss) {
		int existed = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		u = ulog_add(existed ? U_TRUNC : U_CREATE, dfd, name);
		if (u && existed)
			save_old(u, u->path);
	}
	int fd = openat(dfd, name, fl, mode);
	if (fd < 0 && u)
		ulen--;
	io_done();
	return fd;
}

int update_io_write_all(int fd, const void *buf, size_t len)
{
	update_io_op("write");
	const uint8_t *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int update_io_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	update_io_op("pwrite");
	const uint8_t *p = buf;
	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		off += (uint64_t)w;
		len -= (size_t)w;
	}
	return 0;
}

int update_io_fsync(int fd)
{
	update_io_op("fsync");
	int r = fsync(fd);
	if (r == 0)
		ulog_fsync(fd);
	io_done();
	return r;
}

int update_io_renameat(int olddfd, const char *oldname, int newdfd, const char *newname)
{
	update_io_op("rename");
	undo_t *u = olddfd == newdfd ? ulog_add(U_RENAME, newdfd, newname) : NULL;
	if (u) {
		memcpy(u->name2, u->name, sizeof u->name2);
		size_t ol = strlen(oldname);
		if (ol > NAME_MAX || strchr(oldname, '/')) {
			ulen--;
			u = NULL;
		} else {
			memcpy(u->name, oldname, ol + 1);
		}
	}
	if (u) {
		save_old(u, u->path);
	}
	int r = renameat(olddfd, oldname, newdfd, newname);
	if (r < 0 && u)
		ulen--;
	io_done();
	return r;
}

int update_io_unlinkat(int dfd, const char *name, int flags)
{
	update_io_op("unlink");
	undo_t *u = ulog_add(U_UNLINK, dfd, name);
	if (u)
		save_old(u, u->path);
	int r = unlinkat(dfd, name, flags);
	if (r < 0 && u)
		ulen--;
	io_done();
	return r;
}

int update_io_symlinkat(const char *target, int dfd, const char *name)
{
	update_io_op("symlink");
	int r = symlinkat(target, dfd, name);
	if (r == 0)
		ulog_add(U_SYMLINK, dfd, name);
	io_done();
	return r;
}

static int remove_contents(int fd, int depth)
{
	if (depth > 64) {
		errno = ELOOP;
		return -1;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	/* Deleting while iterating is fine for readdir on Linux; restart once
	 * more at the end to be safe with filesystems that skip entries. */
	for (int round = 0; round < 2; round++) {
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			struct stat st;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				if (errno == ENOENT)
					continue;
				rc = -1;
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				int sub = openat(dirfd(d), de->d_name,
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub < 0 || remove_contents(sub, depth + 1) < 0 ||
				    update_io_unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
					rc = -1;
			} else if (update_io_unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}

int update_io_remove_tree(int dfd, const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return update_io_unlinkat(dfd, name, 0);
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (remove_contents(fd, 0) < 0)
		return -1;
	return update_io_unlinkat(dfd, name, AT_REMOVEDIR);
}

ssize_t update_io_pread(int fd, void *buf, size_t len, uint64_t off, int pass)
{
	read_env();
	if (fail_at != UINT64_MAX && (fail_pass == 0 || fail_pass == pass) && pass > 0 &&
	    off + len > fail_at) {
		errno = EIO;
		return -1;
	}
	size_t done = 0;
	uint8_t *p = buf;
	while (done < len) {
		ssize_t r = pread(fd, p + done, len - done, (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	if (flip_at != UINT64_MAX && (flip_pass == 0 || flip_pass == pass) && pass > 0 &&
	    flip_at >= off && flip_at < off + done)
		p[flip_at - off] ^= 0x01;
	return (ssize_t)done;
}
