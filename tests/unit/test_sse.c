/* test_sse.c - the board feed's Server-Sent Events framing parser
 * (drivers/hubfeed/sse): events, ids, types, comments, multi-line data, the
 * three line endings, a byte-order mark, the same result however the bytes
 * are split, oversized lines dropped; the file feed and the backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "drivers/hubfeed/hubfeed.h"
#include "drivers/hubfeed/sse.h"

typedef struct {
	char log[4096];
	size_t n;
} rec_t;

static void on_event(void *ctx, const char *type, const char *id, const char *data, size_t len)
{
	rec_t *r = ctx;
	r->n += (size_t)snprintf(r->log + r->n, sizeof r->log - r->n, "E[%s|%s|%.*s]", type, id, (int)len, data);
}

static void on_comment(void *ctx, const char *text, size_t len)
{
	rec_t *r = ctx;
	r->n += (size_t)snprintf(r->log + r->n, sizeof r->log - r->n, "C[%.*s]", (int)len, text);
}

static sse_t p;

static const char *parse_split(const char *in, size_t step, rec_t *r)
{
	memset(r, 0, sizeof *r);
	sse_handler_t h = {.on_event = on_event, .on_comment = on_comment, .ctx = r};
	sse_init(&p, &h);
	size_t n = strlen(in);
	for (size_t i = 0; i < n; i += step)
		sse_feed(&p, in + i, i + step <= n ? step : n - i);
	return r->log;
}

static void test_framing(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{"id: 5\nevent: state\ndata: {\"seq\":5}\n\n", "E[state|5|{\"seq\":5}]"},
		{"data: a\ndata: b\n\n", "E[message||a\nb]"},
		{": keepalive\n\n", "C[ keepalive]"},
		{"id: 1\r\nevent: state\r\ndata: x\r\n\r\n", "E[state|1|x]"},
		{"event: state\rdata: y\r\r", "E[state||y]"},
		{"\xEF\xBB\xBF" "data: bom\n\n", "E[message||bom]"},
		{"data:nospace\n\n", "E[message||nospace]"},
		{"data:  two\n\n", "E[message|| two]"},
		{"event: state\n\n", ""},                       /* no data: nothing */
		{"data\n\n", "E[message||]"},                   /* a field without colon */
		{"data: a\n", ""},                              /* not yet ended */
		{"foo: bar\ndata: z\n\n", "E[message||z]"},     /* unknown fields ignored */
		{"id: 7\ndata: a\n\ndata: b\n\n", "E[message|7|a]E[message|7|b]"}, /* the id stays */
		{"retry: 3000\ndata: r\n\n", "E[message||r]"},
	};
	rec_t r;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (size_t step = 1; step <= strlen(cases[i].in); step++) {
			const char *got = parse_split(cases[i].in, step, &r);
			if (strcmp(got, cases[i].out) != 0)
				fprintf(stderr, "case %zu step %zu: got %s\n", i, step, got);
			assert_string_equal(got, cases[i].out);
		}
	parse_split("retry: 3000\ndata: r\n\n", 1, &r);
	assert_int_equal(p.retry_ms, 3000);
}

static void test_oversized_dropped(void **state)
{
	(void)state;
	size_t big = SSE_MAX_LINE + 100;
	char *in = malloc(big + 64);
	size_t n = (size_t)sprintf(in, "data: ");
	memset(in + n, 'x', big);
	n += big;
	n += (size_t)sprintf(in + n, "\n\ndata: ok\n\n");
	rec_t r;
	memset(&r, 0, sizeof r);
	sse_handler_t h = {.on_event = on_event, .ctx = &r};
	sse_init(&p, &h);
	sse_feed(&p, in, n);
	assert_string_equal(r.log, "E[message||ok]");
	assert_int_equal(p.dropped, 1);
	free(in);
}

static void test_file_feed(void **state)
{
	(void)state;
	char path[] = "/tmp/test_sse_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char t[] = ": hello\n\nid: 1\nevent: state\ndata: {\"a\":1}\n\nevent: other\ndata: no\n\n"
				"id: 2\nevent: state\ndata: {\"a\":2}";
	assert_int_equal(write(fd, t, sizeof t - 1), (ssize_t)(sizeof t - 1));
	close(fd);
	hubfeed_t *f;
	assert_int_equal(hubfeed_open(&hubfeed_file_ops, path, &f), KIOSK_OK);
	hubfeed_status_t st;
	char *j;
	assert_int_equal(hubfeed_take(f, &st, &j), KIOSK_OK);
	assert_string_equal(j, "{\"a\":1}");
	assert_true(st.connected);
	free(j);
	assert_int_equal(hubfeed_take(f, &st, &j), KIOSK_OK);
	assert_string_equal(j, "{\"a\":2}"); /* the last event, without its blank line */
	free(j);
	assert_int_equal(hubfeed_take(f, &st, &j), KIOSK_ENOENT);
	assert_null(j);
	hubfeed_close(f);
	unlink(path);
	assert_int_equal(hubfeed_open(&hubfeed_file_ops, "/nonexistent/x", &f), KIOSK_EINVAL);
	assert_int_equal(hubfeed_open(&hubfeed_http_ops, "ftp://x", &f), KIOSK_EINVAL);
	assert_null(f);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(hubfeed_backoff_ms(0), 1000);
	assert_int_equal(hubfeed_backoff_ms(1), 2000);
	assert_int_equal(hubfeed_backoff_ms(3), 8000);
	assert_int_equal(hubfeed_backoff_ms(4), 10000);
	assert_int_equal(hubfeed_backoff_ms(50), 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_oversized_dropped),
		cmocka_unit_test(test_file_feed),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
