/* update_io.c - the updater's mutation layer with crash and read fault
 * injection for tests (see update_io.h). Production behaviour is the plain
 * system call. */
#include "update_io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
	s = getenv("KIOSK_IO_REPORT");
	if (s && *s) {
		report_path = s;
		atexit(update_io_report);
	}
}

void update_io_op(const char *what)
{
	(void)what;
	read_env();
	io_ops++;
	if (crash_at && io_ops == crash_at)
		raise(SIGKILL);
}

unsigned long update_io_ops(void)
{
	return io_ops;
}

int update_io_mkdirat(int dfd, const char *name, mode_t mode)
{
	update_io_op("mkdir");
	return mkdirat(dfd, name, mode);
}

int update_io_create(int dfd, const char *name, mode_t mode, int excl)
{
	update_io_op("create");
	int fl = O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (excl ? O_EXCL : O_TRUNC);
	return openat(dfd, name, fl, mode);
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
	return fsync(fd);
}

int update_io_renameat(int olddfd, const char *oldname, int newdfd, const char *newname)
{
	update_io_op("rename");
	return renameat(olddfd, oldname, newdfd, newname);
}

int update_io_unlinkat(int dfd, const char *name, int flags)
{
	update_io_op("unlink");
	return unlinkat(dfd, name, flags);
}

int update_io_symlinkat(const char *target, int dfd, const char *name)
{
	update_io_op("symlink");
	return symlinkat(target, dfd, name);
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
