/* mfile.c - atomic file replacement and folder syncing for the PIN store,
 * the staff clock marker and the export to a stick. */
#include "core/mfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"

int mfile_sync_dir(const char *path, int is_dir)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return KIOSK_ERANGE;
	const char *dir = is_dir ? buf : dirname(buf);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return KIOSK_EIO;
	int rc = fsync(fd) == 0 || errno == EINVAL ? KIOSK_OK : KIOSK_EIO;
	close(fd);
	return rc;
}

int mfile_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return KIOSK_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return KIOSK_OK;
}

int mfile_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return KIOSK_ERANGE;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return KIOSK_EIO;
	int ok = mfile_write_all(fd, data, len) == KIOSK_OK;
	if (ok && fsync(fd) != 0)
		ok = 0;
	if (close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		unlink(tmp);
		return KIOSK_EIO;
	}
	return mfile_sync_dir(path, 0);
}

int mfile_read(const char *path, size_t max, char **out, size_t *len)
{
	*out = NULL;
	if (len)
		*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? KIOSK_ENOENT : KIOSK_EIO;
	char *buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return KIOSK_ENOMEM;
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			free(buf);
			return KIOSK_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			free(buf);
			return KIOSK_ERANGE;
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return KIOSK_OK;
}
