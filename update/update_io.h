/* update_io.h - every mutation the updater makes goes through these calls,
 * so tests can crash the process before any one of them.
 *
 * KIOSK_CRASH_AT=N   raise(SIGKILL) right before mutation number N (1-based);
 *                    N = count + 1 crashes at exit, after the last one.
 * KIOSK_CRASH_MODE=powerloss  before that SIGKILL, undo everything not made
 *                    durable by an fsync of the file (data) or of its folder
 *                    (entries): a power cut where no unsynced write survives.
 * KIOSK_STOP_AFTER=WHAT:K  raise(SIGSTOP) right after the K-th mutation named
 *                    WHAT (mkdir, create, fsync, rename, unlink, symlink), so
 *                    a test can act at that point (tests/cli/privsep_update.sh
 *                    swaps a link in) and then send SIGCONT.
 * KIOSK_IO_REPORT=F  at exit, write the number of mutations done to file F.
 * KIOSK_READ_FAIL_AT=OFF[:PASS]  bundle reads touching file offset OFF fail
 *                    with EIO (the stick vanished) in payload pass PASS
 *                    (default 2, the install pass; 0 = every pass).
 * KIOSK_READ_FLIP_AT=OFF[:PASS]  the byte at OFF comes back flipped (a stick
 *                    returning different bytes on a later read). */
#ifndef KIOSK_UPDATE_IO_H
#define KIOSK_UPDATE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Counts one mutation; crashes when KIOSK_CRASH_AT says so. */
void update_io_op(const char *what);
unsigned long update_io_ops(void);
/* Writes the KIOSK_IO_REPORT file now (before an exec). */
void update_io_report(void);

int update_io_mkdirat(int dfd, const char *name, mode_t mode);
/* O_CREAT|O_EXCL|O_WRONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC (excl=1) or
 * O_TRUNC (excl=0). */
int update_io_create(int dfd, const char *name, mode_t mode, int excl);
int update_io_write_all(int fd, const void *buf, size_t len);
int update_io_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);
int update_io_fsync(int fd);
int update_io_renameat(int olddfd, const char *oldname, int newdfd, const char *newname);
int update_io_unlinkat(int dfd, const char *name, int flags);
int update_io_symlinkat(const char *target, int dfd, const char *name);
/* Removes a directory tree below dfd/name without following symlinks.
 * Missing name is fine. */
int update_io_remove_tree(int dfd, const char *name);

/* Reads exactly len bytes (short read = error with errno EIO... or 0 at EOF:
 * returns the number read, -1 on error). pass numbers the payload pass for
 * the read fault injection (0 = header reads). */
ssize_t update_io_pread(int fd, void *buf, size_t len, uint64_t off, int pass);

#endif
