/* runlink.h - the kiosk's link with the root services on the board, through
 * files in a run folder (default /run/kiosk, or $KIOSK_RUN_DIR):
 *   kiosk.state    written by the kiosk: "screen=<id>" and "idle=0|1" (idle:
 *                  nobody is using it, so an update may start now);
 *   update.status  written by the stick updater: phase=, percent=, result=,
 *                  message= lines; the kiosk shows its progress.
 * Absent folder: the link is off (desktops, tests that do not ask for it). */
#ifndef RUNLINK_H
#define RUNLINK_H

#include <stdbool.h>

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

#endif
