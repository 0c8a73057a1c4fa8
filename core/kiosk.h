/* kiosk.h - error codes and small helpers shared by every module.
 *
 * Every fallible function returns an int: KIOSK_OK (0) on success or one of
 * the negative codes below. Out-parameters are marked OUT and are set on
 * every path, including failure. */
#ifndef KIOSK_H
#define KIOSK_H

#include <stddef.h>
#include <stdint.h>

enum {
	KIOSK_OK = 0,
	KIOSK_ERR = -1,        /* generic failure */
	KIOSK_ENOMEM = -2,     /* out of memory */
	KIOSK_EINVAL = -3,     /* bad argument or malformed input */
	KIOSK_EIO = -4,        /* I/O error (disk, USB) */
	KIOSK_ENODEV = -5,     /* device absent or unplugged */
	KIOSK_EPAPER = -6,     /* printer out of paper */
	KIOSK_ECOVER = -7,     /* printer cover open */
	KIOSK_ETIMEOUT = -8,   /* device did not answer in time */
	KIOSK_EOFFLINE = -9,   /* printer offline / error state */
	KIOSK_ESOLDOUT = -10,  /* daily cap of a series reached */
	KIOSK_ECORRUPT = -11,  /* stored data failed an integrity check */
	KIOSK_EBUSY = -12,     /* resource busy */
	KIOSK_EPERM = -13,     /* not allowed (signature, PIN, permissions) */
	KIOSK_ENOENT = -14,    /* not found */
	KIOSK_ERANGE = -15,    /* value out of range / too large */
	KIOSK_ENOSPC = -16,    /* storage full */
	KIOSK_EROFS = -17,     /* storage read-only (or not writable) */
};

/* Short English description of a KIOSK_* code, for logs. Never NULL. */
const char *kiosk_strerror(int rc);

/* Format a one-line reason into err (when err is not NULL and errlen > 0)
 * and return rc: `return kiosk_err(err, errlen, KIOSK_EINVAL, "...", ...);` */
int kiosk_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The shared assets folder of every program, into out: `given` when it is
 * set (a --assets option), else $KIOSK_ASSETS, else <folder of the running
 * program>/../share/kiosk (the installed layout). Never fails: out is
 * always a string. */
void kiosk_assets_dir(const char *given, char *out, size_t cap);

/* n random bytes from the kernel (getrandom(2), waiting at boot until it is
 * seeded, retried when interrupted): KIOSK_OK, or KIOSK_EIO with errno set.
 * Used for the ledger's id and the office key rather than OpenSSL's
 * generator, whose set-up costs ~2 MiB and ~2 ms of a start. */
int kiosk_random(void *buf, size_t n);

#define KIOSK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
