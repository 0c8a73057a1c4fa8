/* faultvfs.h - a SQLite VFS for tests that wraps the default one and makes
 * writes fail on demand (SQLITE_FULL as on a full disk, SQLITE_IOERR_WRITE
 * as on a failing card), to test the ledger's storage-fault paths. */
#ifndef FAULTVFS_H
#define FAULTVFS_H

/* Register the wrapper as SQLite's default VFS (idempotent). */
void faultvfs_install(void);
/* After n more successful writes (xWrite, xTruncate, xSync), every write
 * fails with rc until faultvfs_clear(). */
void faultvfs_fail_after(long n, int rc);
void faultvfs_clear(void);
/* Writes that failed since the last faultvfs_fail_after. */
long faultvfs_failed(void);

#endif
