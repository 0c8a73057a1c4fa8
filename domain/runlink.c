/* runlink.c - files in /run/kiosk shared with the board's root services:
 * the kiosk says when it is idle at Welcome (so a stick update waits for the
 * citizen to finish), follows the updater's progress (inotify, no polling),
 * and asks the stick service for what the unprivileged kiosk cannot do
 * itself (install from the technician menu, export to the stick). What the
 * kiosk writes goes to req/, what root writes is read from ans/ (runlink.h). */
#include "domain/runlink.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"

struct runlink {
	char dir[512];
	int fd;
	char last[96];
	runlink_status_t st;
	bool primed;       /* update.status was read at least once */
};

void runlink_path(char *buf, size_t cap, const char *dir, const char *sub, const char *name)
{
	snprintf(buf, cap, "%s/%s/%s", dir, sub, name);
}

int runlink_put_request(const char *dir, const char *name, const char *text)
{
	char tmp[700], path[700];
	snprintf(tmp, sizeof tmp, "%s/%s/.%s.tmp", dir, RUNLINK_REQ, name);
	runlink_path(path, sizeof path, dir, RUNLINK_REQ, name);
	/* req/ is the kiosk's own: O_TRUNC on our temp name is safe there. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return KIOSK_EIO;
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return KIOSK_EIO;
	}
	return KIOSK_OK;
}

runlink_t *runlink_open(const char *dir)
{
	struct stat sb;
	if (!dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return NULL;
	runlink_t *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	char ans[600];
	snprintf(ans, sizeof ans, "%s/%s", dir, RUNLINK_ANS);
	r->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->fd >= 0 &&
	    inotify_add_watch(r->fd, ans, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE) < 0) {
		close(r->fd);
		r->fd = -1;
	}
	return r;
}

void runlink_close(runlink_t *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

void runlink_publish(runlink_t *r, const char *screen, bool idle)
{
	if (!r)
		return;
	char text[96];
	snprintf(text, sizeof text, "screen=%s\nidle=%d\n", screen, idle ? 1 : 0);
	if (strcmp(text, r->last) == 0)
		return;
	if (runlink_put_request(r->dir, "kiosk.state", text) == KIOSK_OK)
		snprintf(r->last, sizeof r->last, "%s", text);
}

int runlink_fd(const runlink_t *r)
{
	return r ? r->fd : -1;
}

void runlink_read_status(const char *dir, runlink_status_t *out)
{
	runlink_status_t st;
	memset(&st, 0, sizeof st);
	char path[600];
	runlink_path(path, sizeof path, dir, RUNLINK_ANS, "update.status");
	FILE *f = fopen(path, "r");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (strncmp(line, "phase=", 6) == 0)
				snprintf(st.phase, sizeof st.phase, "%.31s", line + 6);
			else if (strncmp(line, "percent=", 8) == 0)
				st.percent = atoi(line + 8);
			else if (strncmp(line, "result=", 7) == 0)
				snprintf(st.result, sizeof st.result, "%.31s", line + 7);
		}
		fclose(f);
		st.active = st.phase[0] && strcmp(st.phase, "done") != 0 &&
			    strcmp(st.phase, "failed") != 0 && !st.result[0];
		if (st.percent < 0)
			st.percent = 0;
		if (st.percent > 100)
			st.percent = 100;
	}
	*out = st;
}

int runlink_request(const char *dir, const char *verb, unsigned long *id)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*id = (unsigned long)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u) % 1000000000000UL;
	char text[64];
	snprintf(text, sizeof text, "%s %lu\n", verb, *id);
	return runlink_put_request(dir, "stick.request", text);
}

int runlink_answer(const char *dir, unsigned long id, bool *ok, char *msg, size_t cap)
{
	char path[600];
	runlink_path(path, sizeof path, dir, RUNLINK_ANS, "stick.answer");
	FILE *f = fopen(path, "r");
	if (!f)
		return KIOSK_ENOENT;
	char line[400];
	bool mine = false, have = false;
	*ok = false;
	if (cap)
		msg[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "id=", 3) == 0) {
			char *end;
			mine = strtoul(line + 3, &end, 10) == id && !*end;
		} else if (strncmp(line, "result=", 7) == 0) {
			have = true;
			*ok = strcmp(line + 7, "ok") == 0;
		} else if (strncmp(line, "message=", 8) == 0 && cap) {
			snprintf(msg, cap, "%s", line + 8);
		}
	}
	fclose(f);
	return mine && have ? KIOSK_OK : KIOSK_ENOENT;
}

bool runlink_read(runlink_t *r, runlink_status_t *out)
{
	if (!r) {
		memset(out, 0, sizeof *out);
		return false;
	}
	/* Only when inotify reported a change (or on the first call, or
	 * without inotify) is the file read again: no I/O per loop step. */
	char buf[4096];
	bool events = false;
	if (r->fd >= 0)
		while (read(r->fd, buf, sizeof buf) > 0)
			events = true;
	if (r->primed && r->fd >= 0 && !events) {
		*out = r->st;
		return false;
	}
	r->primed = true;
	runlink_status_t st;
	runlink_read_status(r->dir, &st);
	bool changed = memcmp(&st, &r->st, sizeof st) != 0;
	r->st = st;
	*out = st;
	return changed;
}
