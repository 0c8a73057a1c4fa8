/* menu_stick.c - the technician menu on a board, where the kiosk runs as an
 * unprivileged user: the stick is mounted and the slots are written by the
 * root stick service (board/kiosk-stick-update.sh), so the menu reads the
 * service's scan of the stick and asks it to install or to copy an export,
 * through files in the run folder (domain/runlink.h). The waits are
 * bounded and the screen (and the service watchdog) is kept alive. */
#include "flow/menu.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "domain/runlink.h"

/* Without a sign of the service this long after a request, nobody answers. */
#define SVC_SILENCE_MS 20000
#define SVC_EXPORT_MS 120000
#define SVC_POLL_MS 200

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec ts = {0, SVC_POLL_MS * 1000000L};
	nanosleep(&ts, NULL);
}

/* "key=value" out of a scan line's tail (values have no spaces but the
 * reason, which is last). */
static void field(const char *tail, const char *key, char *out, size_t cap)
{
	out[0] = '\0';
	char pat[24];
	snprintf(pat, sizeof pat, " %s=", key);
	const char *p = strstr(tail, pat);
	if (!p)
		return;
	p += strlen(pat);
	size_t n = strcmp(key, "reason") == 0 ? strlen(p) : strcspn(p, " ");
	snprintf(out, cap, "%.*s", (int)n, p);
}

int menu_svc_scan(const menu_env_t *e, menu_cand_t *out, int max, int *n, char *err, size_t errlen)
{
	*n = 0;
	char path[1200];
	runlink_path(path, sizeof path, e->stick_service, RUNLINK_ANS, "stick.scan");
	FILE *f = fopen(path, "r");
	if (!f)
		return KIOSK_OK; /* no stick held by the service: nothing to list */
	char line[1024];
	while (*n < max && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		/* NAME verified=V candidate=C newer=N type=T version=X reason=R;
		 * the name may hold spaces, so the fields are found from " verified=". */
		char *tail = strstr(line, " verified=");
		if (!tail)
			continue;
		menu_cand_t *o = &out[(*n)++];
		memset(o, 0, sizeof *o);
		snprintf(o->name, sizeof o->name, "%.*s", (int)(tail - line), line);
		char v[8];
		field(tail, "candidate", v, sizeof v);
		o->candidate = strcmp(v, "1") == 0;
		field(tail, "newer", v, sizeof v);
		o->newer = strcmp(v, "1") == 0;
		field(tail, "unsafe", v, sizeof v);
		o->unsafe = strcmp(v, "1") == 0;
		field(tail, "verified", v, sizeof v);
		if (strcmp(v, "1") == 0) {
			field(tail, "type", o->type, sizeof o->type);
			field(tail, "version", o->version, sizeof o->version);
		}
		field(tail, "reason", o->reason, sizeof o->reason);
	}
	fclose(f);
	(void)err, (void)errlen;
	return KIOSK_OK;
}

static void withdraw(const menu_env_t *e)
{
	char path[1200];
	runlink_path(path, sizeof path, e->stick_service, RUNLINK_REQ, "stick.request");
	unlink(path);
}

int menu_svc_install(const menu_env_t *e, bool reinstall, menu_progress_fn fn, void *user,
		     char *msg, size_t msglen, char *err, size_t errlen)
{
	msg[0] = '\0';
	unsigned long id;
	if (runlink_request(e->stick_service, reinstall ? "reinstall" : "install", &id) != KIOSK_OK) {
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write to %s", e->stick_service);
	}
	int64_t heard = now_ms();
	int shown = -1;
	for (;;) {
		bool ok;
		char text[300];
		if (runlink_answer(e->stick_service, id, &ok, text, sizeof text) == KIOSK_OK) {
			if (fn)
				fn(user, 100, ok ? "done" : "failed");
			snprintf(ok ? msg : err, ok ? msglen : errlen, "%s", text);
			return ok ? KIOSK_OK : KIOSK_EPERM;
		}
		runlink_status_t st;
		runlink_read_status(e->stick_service, &st);
		if (st.active)
			heard = now_ms();
		if (fn && st.active && st.percent != shown) {
			shown = st.percent;
			fn(user, st.percent, st.phase);
		} else if (fn && now_ms() - heard > 1000 && shown < 0) {
			fn(user, 0, "verify"); /* keep the screen and the watchdog alive */
		}
		if (now_ms() - heard > SVC_SILENCE_MS) {
			withdraw(e);
			return kiosk_err(err, errlen, KIOSK_ENODEV,
					 "the stick service did not answer; is the stick plugged in?");
		}
		nap();
	}
}

/* Removes the files of the staging folder and its kiosk-export-* folders
 * (the kiosk's own, plain files; nothing else is touched). */
static void clear_staging(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kiosk-export-", 13) != 0)
			continue;
		char sub[1400];
		snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
		DIR *s = opendir(sub);
		if (s) {
			struct dirent *fe;
			while ((fe = readdir(s))) {
				if (fe->d_name[0] == '.')
					continue;
				char p[1700];
				snprintf(p, sizeof p, "%s/%s", sub, fe->d_name);
				unlink(p);
			}
			closedir(s);
		}
		rmdir(sub);
	}
	closedir(d);
}

int menu_svc_export(const menu_env_t *e, void (*alive)(void *), void *ctx, char *err, size_t errlen)
{
	unsigned long id;
	if (runlink_request(e->stick_service, "export", &id) != KIOSK_OK) {
		clear_staging(e->export_dir);
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot write to %s", e->stick_service);
	}
	int64_t start = now_ms(), beat = start;
	int rc = KIOSK_ETIMEOUT;
	snprintf(err, errlen, "the stick service did not answer; is the stick plugged in?");
	while (now_ms() - start < SVC_EXPORT_MS) {
		bool ok;
		char text[300];
		if (runlink_answer(e->stick_service, id, &ok, text, sizeof text) == KIOSK_OK) {
			rc = ok ? KIOSK_OK : KIOSK_EIO;
			snprintf(err, errlen, "%s", ok ? "" : text);
			break;
		}
		/* The request is taken (removed) by a service that is there. */
		char path[1200];
		struct stat sb;
		runlink_path(path, sizeof path, e->stick_service, RUNLINK_REQ, "stick.request");
		bool taken = stat(path, &sb) != 0;
		if (!taken && now_ms() - start > SVC_SILENCE_MS)
			break;
		if (alive && now_ms() - beat >= 1000) {
			beat = now_ms();
			alive(ctx);
		}
		nap();
	}
	if (rc == KIOSK_ETIMEOUT)
		withdraw(e);
	clear_staging(e->export_dir);
	return rc;
}
