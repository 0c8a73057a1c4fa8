/* kiosk-launcher.c - starts the kiosk app from the active slot.
 *
 *   kiosk-launcher --root DIR [--tries N] [--prepare | --run] [--service DIR]
 *                  [-- CMD [ARGS...]]
 *
 * Two halves. --prepare (root, before each start: kiosk.service's
 * ExecStartPre=+): counts a trial start of a pending slot (a start not
 * followed by mark-good is a failed one) and, once N (default 3) starts are
 * used up, rolls back to the previous good slot and records why; then exits.
 * --run (the kiosk user, ExecStart=): only reads; refuses a slot that is not
 * root's (ROOT, pair or slot writable by others, `current` not exactly
 * slot-a/slot-b, slot incomplete or bad), then runs CMD by exec in the slot
 * (fchdir) with KIOSK_ROOT, KIOSK_SLOT, KIOSK_DATA_SLOT set (and
 * KIOSK_TRIAL=1 when the app or data slot is on trial), so its exit
 * status is the launcher's and systemd's watchdog sees the app itself.
 * --service DIR sets KIOSK_HEALTH_SERVICE=DIR for the app (mark-good and
 * rollback through the root health service). Neither flag: both halves in
 * one process (desktop and tests, where the caller owns ROOT).
 * Exit 2 when nothing can start. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "update/update.h"
#include "update/update_io.h"

/* Whether the app or data slot about to run is on trial (pending): only
 * then does a failed health check exit for the rollback; a good version
 * with a machine or font problem stays up out of service instead of being
 * restarted until systemd gives up. */
static bool on_trial(update_t *u)
{
	update_status_t s;
	char err[BUNDLE_ERR_LEN];
	if (update_status(u, &s, err, sizeof err) != KIOSK_OK)
		return false;
	return update_on_trial(&s, BUNDLE_TYPE_APP) || update_on_trial(&s, BUNDLE_TYPE_DATA);
}

static int usage(void)
{
	fprintf(stderr, "usage: kiosk-launcher --root DIR [--tries N] [--prepare | --run] "
			"[--service DIR] [-- CMD [ARGS...]]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *root = NULL, *service = NULL;
	uint64_t tries = UPDATE_DEFAULT_TRIES;
	int prepare = 1, run = 1;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--prepare")) {
			run = 0;
			continue;
		}
		if (!strcmp(argv[i], "--run")) {
			prepare = 0;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--root"))
			root = argv[++i];
		else if (!strcmp(argv[i], "--service"))
			service = argv[++i];
		else if (!strcmp(argv[i], "--tries")) {
			const char *v = argv[++i];
			if (bundle_parse_u64(v, strlen(v), 100, &tries) || tries == 0)
				return usage();
		} else
			return usage();
	}
	if (!root || (!prepare && !run) || (run && i >= argc) || (!run && i < argc))
		return usage();
	char err[BUNDLE_ERR_LEN] = "", app[4200], data[4200];
	update_t *u;
	int app_fd = -1;
	bool trial = false;
	int rc = update_open(root, NULL, NULL, &u, err, sizeof err);
	if (rc == KIOSK_OK) {
		if (prepare)
			rc = update_launcher_prepare(u, (uint32_t)tries, app, sizeof app, data,
						     sizeof data, err, sizeof err);
		if (rc == KIOSK_OK && run)
			rc = update_launcher_resolve(u, app, sizeof app, data, sizeof data, &app_fd, err,
						     sizeof err);
		if (rc == KIOSK_OK && run)
			trial = on_trial(u);
		update_close(u);
	}
	if (rc) {
		fprintf(stderr, "kiosk-launcher: %s\n", err);
		return 2;
	}
	if (!run) {
		update_io_report();
		return 0;
	}
	if (fchdir(app_fd) < 0) {
		perror("kiosk-launcher: chdir");
		return 2;
	}
	close(app_fd);
	setenv("KIOSK_ROOT", root, 1);
	setenv("KIOSK_SLOT", app, 1);
	setenv("KIOSK_DATA_SLOT", data, 1);
	if (service)
		setenv("KIOSK_HEALTH_SERVICE", service, 1);
	if (trial)
		setenv("KIOSK_TRIAL", "1", 1);
	else
		unsetenv("KIOSK_TRIAL");
	update_io_report();
	execvp(argv[i], argv + i);
	fprintf(stderr, "kiosk-launcher: cannot run %s\n", argv[i]);
	return 127;
}
