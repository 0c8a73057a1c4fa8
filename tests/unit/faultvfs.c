/* faultvfs.c - the fault-injecting SQLite VFS of faultvfs.h: every file the
 * default VFS opens is wrapped, and its writes, truncations and syncs fail
 * with the armed code once the armed number of writes has passed. */
#include "tests/unit/faultvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	sqlite3_file base;
	sqlite3_file *real;        /* allocated right after this struct */
} ffile_t;

static sqlite3_vfs fvfs, *orig;
static long left = -1, failed;
static int fail_code = SQLITE_FULL;

static int should_fail(void)
{
	if (left < 0)
		return 0;
	if (left > 0) {
		left--;
		return 0;
	}
	failed++;
	return 1;
}

#define REAL(f) (((ffile_t *)(f))->real)

static int f_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return should_fail() ? fail_code : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 s)
{
	return should_fail() ? fail_code : REAL(f)->pMethods->xTruncate(REAL(f), s);
}
static int f_sync(sqlite3_file *f, int fl)
{
	return should_fail() ? (fail_code == SQLITE_FULL ? SQLITE_IOERR_FSYNC : fail_code)
			     : REAL(f)->pMethods->xSync(REAL(f), fl);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_check(sqlite3_file *f, int *o) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), o); }
static int f_fcntl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int f_shmmap(sqlite3_file *f, int i, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, pp);
}
static int f_shmlock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void f_shmbarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int f_shmunmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }

static const sqlite3_io_methods methods = {
	2, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_check, f_fcntl,
	f_sector, f_dev, f_shmmap, f_shmlock, f_shmbarrier, f_shmunmap, NULL, NULL,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	ffile_t *ff = (ffile_t *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	memset(ff->real, 0, (size_t)orig->szOsFile);
	int rc = orig->xOpen(orig, name, ff->real, flags, out);
	ff->base.pMethods = ff->real->pMethods ? &methods : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; return orig->xDelete(orig, n, s); }
static int v_access(sqlite3_vfs *v, const char *n, int fl, int *o) { (void)v; return orig->xAccess(orig, n, fl, o); }
static int v_full(sqlite3_vfs *v, const char *n, int cap, char *o) { (void)v; return orig->xFullPathname(orig, n, cap, o); }
static void *v_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return orig->xDlOpen(orig, n); }
static void v_dlerr(sqlite3_vfs *v, int n, char *m) { (void)v; orig->xDlError(orig, n, m); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return orig->xDlSym(orig, h, s); }
static void v_dlclose(sqlite3_vfs *v, void *h) { (void)v; orig->xDlClose(orig, h); }
static int v_rand(sqlite3_vfs *v, int n, char *o) { (void)v; return orig->xRandomness(orig, n, o); }
static int v_sleep(sqlite3_vfs *v, int us) { (void)v; return orig->xSleep(orig, us); }
static int v_time(sqlite3_vfs *v, double *t) { (void)v; return orig->xCurrentTime(orig, t); }
static int v_lasterr(sqlite3_vfs *v, int n, char *b) { (void)v; return orig->xGetLastError(orig, n, b); }
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return orig->xCurrentTimeInt64(orig, t); }

void faultvfs_install(void)
{
	if (orig)
		return;
	orig = sqlite3_vfs_find(NULL);
	fvfs = (sqlite3_vfs){
		.iVersion = 2, .szOsFile = (int)sizeof(ffile_t) + orig->szOsFile, .mxPathname = orig->mxPathname,
		.zName = "faultvfs", .xOpen = v_open, .xDelete = v_delete, .xAccess = v_access,
		.xFullPathname = v_full, .xDlOpen = v_dlopen, .xDlError = v_dlerr, .xDlSym = v_dlsym,
		.xDlClose = v_dlclose, .xRandomness = v_rand, .xSleep = v_sleep, .xCurrentTime = v_time,
		.xGetLastError = v_lasterr, .xCurrentTimeInt64 = v_time64,
	};
	sqlite3_vfs_register(&fvfs, 1);
}

void faultvfs_fail_after(long n, int rc)
{
	left = n;
	fail_code = rc;
	failed = 0;
}

void faultvfs_clear(void)
{
	left = -1;
}

long faultvfs_failed(void)
{
	return failed;
}
