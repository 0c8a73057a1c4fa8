/* runlink.h - the kiosk's link with the root services on the board, through
 * files in a run folder (default /run/kiosk, or $KIOSK_RUN_DIR) split by who
 * writes them (root never follows or trusts what the kiosk user can change):
 *   req/  the kiosk user's (kiosk:kiosk 0700; root reads it without
 *         following links, see kiosk-nofollow):
 *     kiosk.state    "screen=<id>" and "idle=0|1" (idle: nobody is using
 *                    it, so an update may start now);
 *     stick.request  the technician menu's "<verb> <id>", verb install,
 *                    reinstall or export;
 *     export-out/    an export staged for the stick service to copy;
 *   ans/  root's (root:kiosk 0750; the kiosk only reads):
 *     update.status  the stick updater's phase=, percent=, result=,
 *                    message= lines; the kiosk shows its progress;
 *     update.log     the updater's output;
 *     stick.scan     the `kiosk-update scan` lines of the stick the service
 *                    holds (absent: no stick);
 *     stick.answer   id=, result=ok|failed, message= (board/kiosk-stick-serve.sh).
 * Absent folder: the link is off (desktops, tests that do not ask for it). */
#ifndef RUNLINK_H
#define RUNLINK_H

#include <stdbool.h>
#include <stddef.h>

#define RUNLINK_REQ "req" /* kiosk -> root */
#define RUNLINK_ANS "ans" /* root -> kiosk */

typedef struct runlink runlink_t;

/* "<dir>/<sub>/<name>" into buf (sub: RUNLINK_REQ or RUNLINK_ANS). */
void runlink_path(char *buf, size_t cap, const char *dir, const char *sub, const char *name);

/* Writes text to <dir>/req/<name> (a temp file there, renamed over name).
 * KIOSK_OK or KIOSK_EIO. */
int runlink_put_request(const char *dir, const char *name, const char *text);

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

/* A descriptor that becomes readable when ans/update.status changes (inotify),
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
