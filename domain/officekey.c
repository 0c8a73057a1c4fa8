/* officekey.c - the office's hand-off key in <data>/office.key: read it
 * strictly, make it once (random bytes from the kernel, linked into place
 * so an existing key is never replaced). See officekey.h. */
#include "domain/officekey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/mfile.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int officekey_read(const char *path, uint8_t key[OFFICEKEY_LEN], char *err, size_t errlen)
{
	memset(key, 0, OFFICEKEY_LEN);
	if (err && errlen)
		err[0] = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return KIOSK_ENOENT;
		if (errno == ELOOP)
			return kiosk_err(err, errlen, KIOSK_ECORRUPT,
					 "office key %s is a link; remove it (a new key is made at the next "
					 "start; export it to the counter software again)", path);
		return kiosk_err(err, errlen, KIOSK_EIO, "office key %s: cannot open (%s)", path,
				 strerror(errno));
	}
	struct stat sb;
	char buf[2 * OFFICEKEY_LEN + 2];
	ssize_t n = -1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		n = read(fd, buf, sizeof buf);
	close(fd);
	bool ok = n == 2 * OFFICEKEY_LEN || (n == 2 * OFFICEKEY_LEN + 1 && buf[n - 1] == '\n');
	for (int i = 0; ok && i < OFFICEKEY_LEN; i++) {
		int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);
		if (hi < 0 || lo < 0)
			ok = false;
		else
			key[i] = (uint8_t)(hi * 16 + lo);
	}
	explicit_bzero(buf, sizeof buf);
	if (!ok) {
		memset(key, 0, OFFICEKEY_LEN);
		return kiosk_err(err, errlen, KIOSK_ECORRUPT,
				 "office key %s is damaged (it must be 64 hex digits); tickets cannot be "
				 "issued. Move it away: a new key is made at the next start, then export "
				 "it to the counter software again", path);
	}
	return KIOSK_OK;
}

/* Make a new key file at path without replacing one that appeared. */
static int make(const char *path, char *err, size_t errlen)
{
	uint8_t key[OFFICEKEY_LEN];
	if (kiosk_random(key, sizeof key) != KIOSK_OK)
		return kiosk_err(err, errlen, KIOSK_EIO, "office key: no random numbers (%s)", strerror(errno));
	static const char d[] = "0123456789abcdef";
	char text[2 * OFFICEKEY_LEN + 1];
	for (int i = 0; i < OFFICEKEY_LEN; i++) {
		text[2 * i] = d[key[i] >> 4];
		text[2 * i + 1] = d[key[i] & 15];
	}
	text[2 * OFFICEKEY_LEN] = '\n';
	explicit_bzero(key, sizeof key);
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.new-%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return KIOSK_ERANGE;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return kiosk_err(err, errlen, KIOSK_EIO, "office key: cannot create %s (%s)", tmp,
				 strerror(errno));
	bool ok = fchmod(fd, 0600) == 0 && write(fd, text, sizeof text) == (ssize_t)sizeof text &&
		  fsync(fd) == 0;
	explicit_bzero(text, sizeof text);
	if (close(fd) != 0)
		ok = false;
	/* link() fails with EEXIST instead of replacing a key made meanwhile. */
	int lerr = 0;
	if (ok && link(tmp, path) != 0)
		lerr = errno;
	unlink(tmp);
	if (!ok || (lerr && lerr != EEXIST))
		return kiosk_err(err, errlen, KIOSK_EIO, "office key: cannot write %s (%s)", path,
				 strerror(lerr ? lerr : EIO));
	mfile_sync_dir(path, 0);
	return KIOSK_OK;
}

int officekey_load(const char *data_dir, bool create, uint8_t key[OFFICEKEY_LEN], char *err,
		   size_t errlen)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/" OFFICEKEY_FILE, data_dir) >= (int)sizeof path)
		return KIOSK_ERANGE;
	int rc = officekey_read(path, key, err, errlen);
	if (rc != KIOSK_ENOENT || !create)
		return rc;
	rc = make(path, err, errlen);
	if (rc != KIOSK_OK)
		return rc;
	return officekey_read(path, key, err, errlen);
}
