/* kiosk.c - text for the shared KIOSK_* error codes (logs only, never UI),
 * the one rule for where the shared assets are, and random bytes. */
#include "core/kiosk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

const char *kiosk_strerror(int rc)
{
	switch (rc) {
	case KIOSK_OK: return "ok";
	case KIOSK_ENOMEM: return "out of memory";
	case KIOSK_EINVAL: return "invalid argument or input";
	case KIOSK_EIO: return "input/output error";
	case KIOSK_ENODEV: return "no device";
	case KIOSK_EPAPER: return "printer out of paper";
	case KIOSK_ECOVER: return "printer cover open";
	case KIOSK_ETIMEOUT: return "timed out";
	case KIOSK_EOFFLINE: return "printer offline";
	case KIOSK_ESOLDOUT: return "daily cap reached";
	case KIOSK_ECORRUPT: return "corrupt data";
	case KIOSK_EBUSY: return "busy";
	case KIOSK_EPERM: return "not permitted";
	case KIOSK_ENOENT: return "not found";
	case KIOSK_ERANGE: return "out of range";
	case KIOSK_ENOSPC: return "storage full";
	case KIOSK_EROFS: return "storage read-only";
	default: return "error";
	}
}

int kiosk_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void kiosk_assets_dir(const char *given, char *out, size_t cap)
{
	if (given && *given) {
		if (given != out) /* (buf, buf, ...) keeps buf */
			snprintf(out, cap, "%s", given);
		return;
	}
	const char *e = getenv("KIOSK_ASSETS");
	if (e && *e) {
		snprintf(out, cap, "%s", e);
		return;
	}
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, cap, "%s/../share/kiosk", n > 0 ? exe : ".");
}

int kiosk_random(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return KIOSK_EIO;
		}
		p += r;
		n -= (size_t)r;
	}
	return KIOSK_OK;
}
