/* scanner.c - the generic scanner handle and the bounded line assembler
 * that every scanner driver feeds with the bytes it receives. */
#include "drivers/scanner/scanner_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

int scanner_open(const scanner_ops_t *ops, const char *arg, scanner_t **out)
{
	*out = NULL;
	if (!ops)
		return KIOSK_EINVAL;
	scanner_t *s = calloc(1, sizeof *s);
	if (!s)
		return KIOSK_ENOMEM;
	s->ops = ops;
	s->fd = -1;
	s->fd2 = -1;
	scanner_lines_init(&s->lines);
	int rc = ops->open(s, arg);
	if (rc) {
		scanner_lines_wipe(&s->lines);
		free(s);
		return rc;
	}
	*out = s;
	return KIOSK_OK;
}

int scanner_fd(const scanner_t *s)
{
	return s ? s->ops->fd(s) : -1;
}

int scanner_read(scanner_t *s, char *out, size_t cap, size_t *len)
{
	*len = 0;
	if (out && cap)
		out[0] = '\0';
	if (!s || !out || cap == 0)
		return KIOSK_EINVAL;
	return s->ops->read(s, out, cap, len);
}

void scanner_close(scanner_t *s)
{
	if (!s)
		return;
	s->ops->close(s);
	scanner_lines_wipe(&s->lines);
	explicit_bzero(s, sizeof *s);
	free(s);
}

/* ---- line assembly ---------------------------------------------------------- */

void scanner_lines_init(scanner_lines_t *l)
{
	memset(l, 0, sizeof *l);
}

void scanner_lines_wipe(scanner_lines_t *l)
{
	explicit_bzero(l, sizeof *l);
}

/* The buffer holds complete lines, each ended by one '\n', then maybe an
 * unfinished tail. An empty line in the buffer marks a dropped overlong
 * line (real empty lines are skipped), so the reader learns of it in order. */
static void drop_marker(scanner_lines_t *l)
{
	if (l->len < sizeof l->buf)
		l->buf[l->len++] = '\n';
	else
		l->dropped = true;
}

static void drop_tail(scanner_lines_t *l)
{
	size_t keep = l->len;
	while (keep > 0 && l->buf[keep - 1] != '\n')
		keep--;
	explicit_bzero(l->buf + keep, l->len - keep);
	l->len = keep;
}

void scanner_lines_feed(scanner_lines_t *l, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];
		bool end = c == '\r' || c == '\n';
		bool tail = l->len > 0 && l->buf[l->len - 1] != '\n';
		if (l->dropping) {
			if (end) {
				l->dropping = false;
				drop_marker(l);
			}
		} else if (end) {
			if (!tail)
				continue; /* empty line, or the LF of CR LF */
			if (l->len == sizeof l->buf) {
				drop_tail(l); /* no room for its end: too long */
				drop_marker(l);
			} else {
				l->buf[l->len++] = '\n';
			}
		} else if (l->len == sizeof l->buf) {
			drop_tail(l);
			l->dropping = true;
		} else {
			l->buf[l->len++] = c;
		}
	}
}

int scanner_lines_next(scanner_lines_t *l, char *out, size_t cap, size_t *len)
{
	*len = 0;
	if (cap)
		out[0] = '\0';
	char *nl = memchr(l->buf, '\n', l->len);
	if (!nl) {
		if (l->dropped) {
			l->dropped = false;
			return KIOSK_ERANGE;
		}
		return KIOSK_ENOENT;
	}
	size_t n = (size_t)(nl - l->buf);
	int rc = KIOSK_OK;
	if (n == 0) {
		/* the marker of a dropped overlong line */
		l->dropped = false;
		rc = KIOSK_ERANGE;
	} else if (n + 1 > cap) {
		rc = KIOSK_ERANGE;
	} else {
		memcpy(out, l->buf, n);
		out[n] = '\0';
		*len = n;
	}
	size_t rest = l->len - (n + 1);
	memmove(l->buf, nl + 1, rest);
	explicit_bzero(l->buf + rest, l->len - rest);
	l->len = rest;
	return rc;
}
