/* hubfeed_file.c - snapshots from a file (hubfeed.h), for screenshots and
 * tests without a hub: the file holds one JSON snapshot (it starts with '{'),
 * or an SSE transcript as the hub sends it, whose snapshot events are handed
 * out one per take, in order, through the same SSE parser as the live feed.
 * The file is read once at open (at most 4 MiB); the feed is always
 * "connected" and every take counts as heard. */
#include "drivers/hubfeed/hubfeed_priv.h"
#include "drivers/hubfeed/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

#define FILE_MAX (4u << 20)
#define FILE_MAX_EVENTS 256

typedef struct {
	char *ev[FILE_MAX_EVENTS];
	int n, next;
	hubfeed_status_t st;
} file_t;

static void on_event(void *ctx, const char *type, const char *id, const char *data, size_t len)
{
	(void)id;
	file_t *f = ctx;
	if (f->n >= FILE_MAX_EVENTS || (strcmp(type, "state") != 0 && strcmp(type, "message") != 0))
		return;
	char *c = malloc(len + 1);
	if (!c)
		return;
	memcpy(c, data, len);
	c[len] = 0;
	f->ev[f->n++] = c;
}

static int file_open(hubfeed_t *h, const char *path)
{
	FILE *fp = path ? fopen(path, "rb") : NULL;
	if (!fp)
		return KIOSK_EINVAL;
	char *buf = malloc(FILE_MAX + 1);
	file_t *f = calloc(1, sizeof *f);
	sse_t *p = malloc(sizeof *p);
	if (!buf || !f || !p) {
		free(buf), free(f), free(p);
		fclose(fp);
		return KIOSK_ENOMEM;
	}
	size_t n = fread(buf, 1, FILE_MAX, fp);
	bool whole = feof(fp) && !ferror(fp);
	fclose(fp);
	if (!whole) {
		free(buf), free(f), free(p);
		return KIOSK_EINVAL;
	}
	buf[n] = 0;
	size_t i = 0;
	while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
		i++;
	if (i < n && buf[i] == '{') {
		f->ev[f->n++] = buf; /* one snapshot: the file's text itself */
		buf = NULL;
	} else {
		sse_handler_t hd = {.on_event = on_event, .ctx = f};
		sse_init(p, &hd);
		sse_feed(p, buf, n);
		sse_feed(p, "\n\n", 2); /* a last event without its blank line */
		f->st.dropped = p->dropped;
	}
	free(buf);
	free(p);
	f->st.connected = true;
	f->st.connects = 1;
	h->impl = f;
	return KIOSK_OK;
}

static int file_fd(const hubfeed_t *h)
{
	(void)h;
	return -1;
}

static int file_take(hubfeed_t *h, hubfeed_status_t *st, char **json)
{
	file_t *f = h->impl;
	f->st.heard++;
	if (f->next < f->n) {
		*json = f->ev[f->next];
		f->ev[f->next++] = NULL;
		f->st.events++;
	}
	*st = f->st;
	return *json || f->next < f->n ? KIOSK_OK : KIOSK_ENOENT;
}

static void file_close(hubfeed_t *h)
{
	file_t *f = h->impl;
	if (!f)
		return;
	for (int i = 0; i < f->n; i++)
		free(f->ev[i]);
	free(f);
}

const hubfeed_ops_t hubfeed_file_ops = {
	.name = "file", .open = file_open, .fd = file_fd, .take = file_take, .close = file_close,
};
