/* kiosk-launcher.c - starts the kiosk app from the active slot.
 *
 *   kiosk-launcher --root DIR [--tries N] -- CMD [ARGS...]
 *
 * Before each start: counts a trial start of a pending slot (a start not
 * followed by mark-good is a failed one) and, once N (default 3) starts are
 * used up, rolls back to the previous good slot and records why. Then runs
 * CMD with the slot as working directory and KIOSK_ROOT, KIOSK_SLOT and
 * KIOSK_DATA_SLOT set, by exec, so its exit status is the launcher's and
 * systemd's watchdog sees the app itself. Exit 2 when nothing can start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk.h"
#include "update/update.h"
#include "update/update_io.h"

static int usage(void)
{
	fprintf(stderr, "usage: kiosk-launcher --root DIR [--tries N] -- CMD [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *root = NULL;
	uint64_t tries = UPDATE_DEFAULT_TRIES;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--root"))
			root = argv[++i];
		else if (!strcmp(argv[i], "--tries")) {
			const char *v = argv[++i];
			if (bundle_parse_u64(v, strlen(v), 100, &tries) || tries == 0)
				return usage();
		} else
			return usage();
	}
	if (!root || i >= argc)
		return usage();
	char err[BUNDLE_ERR_LEN] = "", app[4200], data[4200];
	update_t *u;
	int rc = update_open(root, NULL, NULL, &u, err, sizeof err);
	if (rc == KIOSK_OK) {
		rc = update_launcher_prepare(u, (uint32_t)tries, app, sizeof app, data, sizeof data, err,
					     sizeof err);
		update_close(u);
	}
	if (rc) {
		fprintf(stderr, "kiosk-launcher: %s\n", err);
		return 2;
	}
	if (chdir(app) < 0) {
		perror("kiosk-launcher: chdir");
		return 2;
	}
	setenv("KIOSK_ROOT", root, 1);
	setenv("KIOSK_SLOT", app, 1);
	setenv("KIOSK_DATA_SLOT", data, 1);
	update_io_report();
	execvp(argv[i], argv + i);
	fprintf(stderr, "kiosk-launcher: cannot run %s\n", argv[i]);
	return 127;
}
