/* sse.c - the Server-Sent Events framing parser (sse.h): splits the byte
 * stream into lines, interprets the fields, and hands complete events and
 * comments to the handler. Written against the WHATWG HTML "event stream
 * interpretation" rules; what it does not need (retry) it records only. */
#include "drivers/hubfeed/sse.h"

#include <stdlib.h>
#include <string.h>

void sse_init(sse_t *p, const sse_handler_t *h)
{
	memset(p, 0, sizeof *p);
	if (h)
		p->h = *h;
	p->retry_ms = -1;
}

void sse_reset(sse_t *p)
{
	p->line_len = 0;
	p->line_over = false;
	p->after_cr = false;
	p->started = false;
	p->bom = 0;
	p->data_len = 0;
	p->data_any = false;
	p->event_over = false;
	p->type[0] = 0;
}

static void copy_field(char *dst, const char *v, size_t n)
{
	if (n > SSE_MAX_FIELD)
		n = SSE_MAX_FIELD;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static void dispatch(sse_t *p)
{
	bool any = p->data_any, over = p->event_over;
	p->data_any = false;
	p->event_over = false;
	if (over) {
		p->dropped++;
	} else if (any) {
		/* The data buffer holds "line\n" per data line: drop the last LF. */
		size_t n = p->data_len;
		if (n > 0 && p->data[n - 1] == '\n')
			n--;
		p->data[n] = 0;
		p->events++;
		if (p->h.on_event)
			p->h.on_event(p->h.ctx, p->type[0] ? p->type : "message", p->id, p->data, n);
	}
	p->data_len = 0;
	p->type[0] = 0;
}

static void process_line(sse_t *p, const char *l, size_t n)
{
	if (n == 0) {
		dispatch(p);
		return;
	}
	if (l[0] == ':') {
		p->comments++;
		if (p->h.on_comment)
			p->h.on_comment(p->h.ctx, l + 1, n - 1);
		return;
	}
	const char *colon = memchr(l, ':', n);
	size_t fl = colon ? (size_t)(colon - l) : n;
	const char *v = colon ? colon + 1 : l + n;
	size_t vl = colon ? n - fl - 1 : 0;
	if (vl > 0 && v[0] == ' ')
		v++, vl--;
	if (fl == 4 && memcmp(l, "data", 4) == 0) {
		p->data_any = true;
		if (p->data_len + vl + 1 > SSE_MAX_DATA) {
			p->event_over = true;
			return;
		}
		memcpy(p->data + p->data_len, v, vl);
		p->data_len += vl;
		p->data[p->data_len++] = '\n';
	} else if (fl == 5 && memcmp(l, "event", 5) == 0) {
		copy_field(p->type, v, vl);
	} else if (fl == 2 && memcmp(l, "id", 2) == 0) {
		if (!memchr(v, 0, vl))
			copy_field(p->id, v, vl);
	} else if (fl == 5 && memcmp(l, "retry", 5) == 0) {
		long r = 0;
		size_t i = 0;
		for (; i < vl && v[i] >= '0' && v[i] <= '9' && r < 100000000; i++)
			r = r * 10 + (v[i] - '0');
		if (i == vl && vl > 0)
			p->retry_ms = r;
	}
	/* Any other field is ignored. */
}

static void end_line(sse_t *p)
{
	if (p->line_over) {
		/* A line too long to keep: the event it belongs to is dropped. */
		p->event_over = true;
		p->data_any = true;
	} else {
		p->line[p->line_len] = 0;
		process_line(p, p->line, p->line_len);
	}
	p->line_len = 0;
	p->line_over = false;
}

void sse_feed(sse_t *p, const char *buf, size_t n)
{
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (!p->started) {
			if (c == bom[p->bom]) {
				if (++p->bom == 3)
					p->started = true;
				continue;
			}
			p->started = true;
			/* A partial BOM was ordinary bytes after all. */
			for (size_t k = 0; k < p->bom && p->line_len < SSE_MAX_LINE; k++)
				p->line[p->line_len++] = (char)bom[k];
			p->bom = 0;
		}
		if (c == '\n' && p->after_cr) {
			p->after_cr = false;
			continue;
		}
		p->after_cr = c == '\r';
		if (c == '\n' || c == '\r') {
			end_line(p);
			continue;
		}
		if (p->line_len < SSE_MAX_LINE)
			p->line[p->line_len++] = (char)c;
		else
			p->line_over = true;
	}
}
