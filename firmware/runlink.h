/* runlink.h - the kiosk's link with the root services on the board, through
 * files in a run folder (default /run/kiosk, or $KIOSK_RUN_DIR):
 *   kiosk.state    written by the kiosk: "screen=<id>" and "idle=0|1" (idle:
 *                  nobody is using it, so an update may start now);
 *   update.status  written by the stick updater: phase=, percent=, result=,
 *                  message= lines; the kiosk shows its progress;
 *   stick.request  written by the kiosk (technician menu): "<verb> <id>",
 *                  verb install, reinstall or export;
 *   stick.scan     written by the stick service: the `kiosk-update scan`
 *                  lines of the stick it holds (absent: no stick);
 *   stick.answer   written by the stick service: id=, result=ok|failed,
 *                  message= (board/kiosk-stick-update.sh).
 * Absent folder: the link is off (desktops, tests that do not ask for it). */
#ifndef RUNLINK_H
#define RUNLINK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct runlink runlink_t;

typedef struct {
	bool active;        /* an install is running (not done or failed) */
	int percent;
	char phase[32];
	char result[32];
} runlink_status_t;

/* NULL when the folder does not exist (or out of memory). */
runlink_t *runlink_open(const char *dir);
void runlink_close(runlink_t *r);

/* Publish the screen; written only when it changed. */
void runlink_publish(runlink_t *r, const char *screen, bool idle);

/* A descriptor that becomes readable when update.status changes (inotify),
 * or -1. After it fires, call runlink_read. */
int runlink_fd(const runlink_t *r);

/* Read update.status (draining the descriptor). Returns true when the
 * status changed since the last call. */
bool runlink_read(runlink_t *r, runlink_status_t *out);

/* update.status of the run folder `dir`, read now (no handle). */
void runlink_read_status(const char *dir, runlink_status_t *out);

/* Ask the stick service in `dir` for `verb`; *id identifies the answer.
 * KIOSK_OK or KIOSK_EIO. */
int runlink_request(const char *dir, const char *verb, unsigned long *id);

/* The service's answer to request `id`: KIOSK_OK with *ok and the message,
 * KIOSK_ENOENT while there is none. */
int runlink_answer(const char *dir, unsigned long id, bool *ok, char *msg, size_t cap);

#endif
