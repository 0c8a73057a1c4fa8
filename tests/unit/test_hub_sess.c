/* test_hub_sess.c - the hub's counter sessions on a virtual clock: random
 * tokens, idle expiry, logout, the CSRF token, "online", and the answers
 * kept per request id for 60 s (a double click gets the first answer);
 * plus the request checks of hub_req (routes, bodies, cookie, Origin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "hub/hub_req.h"
#include "hub/hub_sess.h"

static void test_tokens_and_expiry(void **state)
{
	(void)state;
	kclock_virtual_t v = {.now_ms = 1764650000000, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &v);
	hub_sess_t *s = hub_sess_new(&clk, 240 * 60000);
	assert_non_null(s);
	char t1[33], c1[33], t2[33], c2[33];
	assert_int_equal(hub_sess_create(s, 3, t1, c1), KIOSK_OK);
	assert_int_equal(hub_sess_create(s, 4, t2, c2), KIOSK_OK);
	assert_int_equal(strlen(t1), 32);
	assert_int_equal(strspn(t1, "0123456789abcdef"), 32);
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(t1, c1);
	int counter = 0;
	assert_int_equal(hub_sess_get(s, t1, &counter), KIOSK_OK);
	assert_int_equal(counter, 3);
	assert_int_equal(hub_sess_get(s, "00000000000000000000000000000000", &counter), KIOSK_ENOENT);
	assert_int_equal(counter, 0);
	assert_int_equal(hub_sess_get(s, "", &counter), KIOSK_ENOENT);
	assert_true(hub_sess_csrf_ok(s, t1, c1));
	assert_false(hub_sess_csrf_ok(s, t1, c2));
	assert_false(hub_sess_csrf_ok(s, t1, NULL));
	assert_false(hub_sess_csrf_ok(s, t2, c1));
	assert_true(hub_sess_online(s, 3));
	assert_false(hub_sess_online(s, 5));
	/* Idle: one request a little before the limit keeps t1; t2 expires. */
	kclock_virtual_advance(&v, 240 * 60000 - 1);
	assert_int_equal(hub_sess_get(s, t1, &counter), KIOSK_OK);
	kclock_virtual_advance(&v, 1);
	assert_int_equal(hub_sess_get(s, t2, &counter), KIOSK_ENOENT);
	assert_false(hub_sess_online(s, 4));
	assert_false(hub_sess_csrf_ok(s, t2, c2));
	kclock_virtual_advance(&v, 240 * 60000 - 2);
	assert_int_equal(hub_sess_get(s, t1, &counter), KIOSK_OK);
	/* Logout ends it at once; a replayed cookie is then unknown. */
	assert_int_equal(hub_sess_end(s, t1), KIOSK_OK);
	assert_int_equal(hub_sess_get(s, t1, &counter), KIOSK_ENOENT);
	assert_int_equal(hub_sess_end(s, t1), KIOSK_ENOENT);
	assert_false(hub_sess_online(s, 3));
	hub_sess_free(s);
}

static void test_rid_memory(void **state)
{
	(void)state;
	kclock_virtual_t v = {.now_ms = 1764650000000, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &v);
	hub_sess_t *s = hub_sess_new(&clk, 3600000);
	char t1[33], c1[33], t2[33], c2[33];
	assert_int_equal(hub_sess_create(s, 3, t1, c1), KIOSK_OK);
	assert_int_equal(hub_sess_create(s, 3, t2, c2), KIOSK_OK);
	int st;
	char *body;
	assert_false(hub_sess_rid_find(s, t1, "r1", &st, &body));
	assert_null(body);
	hub_sess_rid_keep(s, t1, "r1", 200, "{\"ticket\":{\"number\":\"A001\"}}");
	assert_true(hub_sess_rid_find(s, t1, "r1", &st, &body));
	assert_int_equal(st, 200);
	assert_string_equal(body, "{\"ticket\":{\"number\":\"A001\"}}");
	free(body);
	/* Another session (another tab's login) does not see it. */
	assert_false(hub_sess_rid_find(s, t2, "r1", &st, &body));
	assert_false(hub_sess_rid_find(s, t1, "r2", &st, &body));
	/* Kept 60 s, then forgotten. */
	kclock_virtual_advance(&v, HUB_RID_MS - 1);
	assert_true(hub_sess_rid_find(s, t1, "r1", &st, &body));
	free(body);
	kclock_virtual_advance(&v, 1);
	assert_false(hub_sess_rid_find(s, t1, "r1", &st, &body));
	/* The oldest of more than HUB_RID_KEEP answers goes. */
	char rid[16];
	for (int i = 0; i <= HUB_RID_KEEP; i++) {
		snprintf(rid, sizeof rid, "k%d", i);
		hub_sess_rid_keep(s, t1, rid, 404, "{\"error\":\"none_waiting\"}");
	}
	assert_false(hub_sess_rid_find(s, t1, "k0", &st, &body));
	assert_true(hub_sess_rid_find(s, t1, "k1", &st, &body));
	assert_int_equal(st, 404);
	free(body);
	/* Ended sessions keep nothing. */
	hub_sess_end(s, t1);
	assert_false(hub_sess_rid_find(s, t1, "k1", &st, &body));
	hub_sess_free(s);
}

static void test_full_table_ends_the_oldest(void **state)
{
	(void)state;
	kclock_virtual_t v = {.now_ms = 1764650000000, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &v);
	hub_sess_t *s = hub_sess_new(&clk, 3600000);
	char first[33], t[33], c[33];
	assert_int_equal(hub_sess_create(s, 1, first, c), KIOSK_OK);
	for (int i = 1; i < HUB_SESS_MAX; i++) {
		kclock_virtual_advance(&v, 1);
		assert_int_equal(hub_sess_create(s, 2, t, c), KIOSK_OK);
	}
	int counter;
	assert_int_equal(hub_sess_get(s, first, &counter), KIOSK_OK);
	kclock_virtual_advance(&v, 1);
	assert_int_equal(hub_sess_create(s, 2, t, c), KIOSK_OK); /* ends the least recently used */
	assert_int_equal(hub_sess_get(s, first, &counter), KIOSK_OK);
	assert_int_equal(hub_sess_get(s, t, &counter), KIOSK_OK);
	hub_sess_free(s);
}

static void test_req_routes(void **state)
{
	(void)state;
	hub_target_t t;
	assert_int_equal(hub_req_target("GET", "/", &t), KIOSK_OK);
	assert_int_equal(t.route, HUB_PAGE);
	assert_string_equal(t.file, "counter.html");
	assert_int_equal(hub_req_target("GET", "/static/counter.js?v=2", &t), KIOSK_OK);
	assert_string_equal(t.file, "counter.js");
	assert_non_null(strstr(t.type, "javascript"));
	assert_int_equal(hub_req_target("GET", "/static/img/face-3.svg", &t), KIOSK_OK);
	assert_int_equal(hub_req_target("GET", "/i18n/en.json", &t), KIOSK_OK);
	assert_string_equal(t.lang, "en");
	assert_int_equal(hub_req_target("GET", "/i18n/fr.json", &t), KIOSK_ENOENT);
	assert_int_equal(hub_req_target("POST", "/api/call-next", &t), KIOSK_OK);
	assert_int_equal(t.route, HUB_CALL_NEXT);
	assert_true(hub_req_needs_session(t.route));
	assert_int_equal(hub_req_target("GET", "/api/call-next", &t), KIOSK_EPERM);
	assert_int_equal(hub_req_target("POST", "/api/state", &t), KIOSK_EPERM);
	const char *bad[] = {"/static/../site.json", "/static/..", "/static/.hidden.js",
			     "/static/a/../../x.js", "/static//x.js", "/static/x", "/static/x.sh",
			     "/static/a.b.js", "/static/%2e%2e/x.js", "/static/a\\b.js", "/nope",
			     "/static/", "/static/dir.d/x.js", "static/x.js"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hub_req_target("GET", bad[i], &t), KIOSK_ENOENT);
}

static void test_req_bodies(void **state)
{
	(void)state;
	hub_body_t b;
	const char *why;
#define BODY(r, s) hub_req_body(r, s, strlen(s), &b, &why)
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":3,\"pin\":\"591827\"}"), KIOSK_OK);
	assert_int_equal(b.counter, 3);
	assert_string_equal(b.pin, "591827");
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":3}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":100,\"pin\":\"591827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":3.5,\"pin\":\"591827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":\"3\",\"pin\":\"591827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":3,\"pin\":\"59a827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGIN, "{\"counter\":3,\"counter\":4,\"pin\":\"591827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "{\"rid\":\"r-1_a\"}"), KIOSK_OK);
	assert_string_equal(b.rid, "r-1_a");
	assert_int_equal(BODY(HUB_CALL_NEXT, "{}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "{\"rid\":\"r 1\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "{\"rid\":\"r1\",\"pin\":\"591827\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "{\"rid\":\"r1\"} x"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "[\"rid\"]"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_CALL_NEXT, "{\"rid\":\"r1\""), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_DONE, "{\"rid\":\"r1\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_DONE, "{\"rid\":\"r1\",\"expect\":\"A012\"}"), KIOSK_OK);
	assert_string_equal(b.expect, "A012");
	assert_int_equal(BODY(HUB_DONE, "{\"rid\":\"r1\",\"expect\":\"a012\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_TRANSFER, "{\"rid\":\"r1\",\"expect\":\"A012\",\"group\":\"chung-thuc\"}"),
			 KIOSK_OK);
	assert_int_equal(BODY(HUB_RATE, "{\"rid\":\"r1\",\"number\":\"A012\",\"level\":4}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_RATE, "{\"rid\":\"r1\",\"number\":\"A012\",\"level\":1,\"reasons\":5}"),
			 KIOSK_OK);
	assert_int_equal(BODY(HUB_HELP_TAKE, "{\"rid\":\"r1\",\"id\":7}"), KIOSK_OK);
	assert_int_equal(b.id, 7);
	assert_int_equal(BODY(HUB_HELP_TAKE, "{\"rid\":\"r1\",\"id\":0}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_HANDOFF, "{\"qr\":\"K2|A012\"}"), KIOSK_OK);
	assert_int_equal(BODY(HUB_HANDOFF, "{\"qr\":\"K2\\u0001\"}"), KIOSK_EINVAL);
	assert_int_equal(BODY(HUB_LOGOUT, ""), KIOSK_OK);
	assert_int_equal(hub_req_body(HUB_CALL_NEXT, "{\"rid\":\"r1\"}\0", 13, &b, &why), KIOSK_EINVAL);
	static char big[HUB_BODY_MAX + 2];
	memset(big, ' ', sizeof big);
	assert_int_equal(hub_req_body(HUB_CALL_NEXT, big, HUB_BODY_MAX + 1, &b, &why), KIOSK_ERANGE);
#undef BODY
}

static void test_req_headers(void **state)
{
	(void)state;
	char tok[33];
	assert_true(hub_req_cookie("a=b; kh_session=0123456789abcdef0123456789abcdef; c=d", tok));
	assert_string_equal(tok, "0123456789abcdef0123456789abcdef");
	assert_false(hub_req_cookie("kh_session=0123", tok));
	assert_false(hub_req_cookie("kh_session=0123456789ABCDEF0123456789abcdef", tok));
	assert_false(hub_req_cookie(NULL, tok));
	assert_false(hub_req_cookie("xkh_session=0123456789abcdef0123456789abcdef", tok));
	assert_true(hub_req_origin_ok(NULL, "10.0.0.2:8080"));
	assert_true(hub_req_origin_ok("http://10.0.0.2:8080", "10.0.0.2:8080"));
	assert_false(hub_req_origin_ok("http://evil.example", "10.0.0.2:8080"));
	assert_false(hub_req_origin_ok("null", "10.0.0.2:8080"));
	assert_false(hub_req_origin_ok("http://10.0.0.2:8080", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_and_expiry),
		cmocka_unit_test(test_rid_memory),
		cmocka_unit_test(test_full_table_ends_the_oldest),
		cmocka_unit_test(test_req_routes),
		cmocka_unit_test(test_req_bodies),
		cmocka_unit_test(test_req_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
