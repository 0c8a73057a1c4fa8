/* mfile.h - small file helpers for the menus, the PIN store, the log and
 * the screenshot writer: writing all of a buffer, atomic replacement of a
 * file and syncing a folder. */
#ifndef MFILE_H
#define MFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Write len bytes to path atomically: a temporary file in the same folder
 * (mode), fsync, rename over path, fsync the folder. KIOSK_OK or KIOSK_EIO;
 * on failure path is unchanged and the temporary file removed. */
int mfile_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* All n bytes to fd, write() retried when interrupted or short. KIOSK_OK, or
 * KIOSK_EIO with errno set (EIO if the file took nothing). */
int mfile_write_all(int fd, const void *data, size_t n);

/* fsync the folder that holds path (or the folder itself when is_dir). */
int mfile_sync_dir(const char *path, int is_dir);

/* Read a whole small file (at most max bytes) into a malloc'd, NUL-ended
 * buffer. KIOSK_ENOENT when missing, KIOSK_ERANGE when larger than max. */
int mfile_read(const char *path, size_t max, char **out, size_t *len);

#endif
