/* test_render_cache.c - the text/QR texture cache of ui/render_sdl.c is
 * bounded in bytes, not in slots (issue 17): it never holds more than its
 * budget, drops the least recently used entry first, keeps a redrawn entry,
 * draws a texture bigger than the whole budget without caching it, and a
 * session end still empties it. QR codes are drawn (no font needed) on a
 * software renderer over a small surface. Counts bytes, never times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <SDL.h>
#include <qrencode.h>

#include "ui/draw.h"
#include "ui/render.h"

static SDL_Surface *surf;
static SDL_Renderer *sdl;
static drawlist_t dl;

static int setup(void **state)
{
	(void)state;
	surf = SDL_CreateRGBSurfaceWithFormat(0, 256, 256, 32, SDL_PIXELFORMAT_ARGB8888);
	sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
	return sdl ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	SDL_DestroyRenderer(sdl);
	SDL_FreeSurface(surf);
	return 0;
}

/* One frame drawing the QR code of payload. */
static void draw_one(renderer_t *r, const char *payload)
{
	draw_reset(&dl, 256, 256);
	draw_qr(&dl, (ui_rect_t){0, 0, 200, 200}, payload);
	render_draw(r, &dl, THEME_DEFAULT, true);
}

static const char *small(int i)
{
	static char buf[4][32];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "item-%04d", i); /* QR version 1: 29 x 29 */
	return buf[k];
}

/* A payload of about 1.5 kB: a QR code of ~150 x 150 modules, ~90 kB of
 * texture each. */
static const char *big(int i)
{
	static char buf[1600];
	int n = snprintf(buf, sizeof buf, "big-%06d;", i);
	for (; n < 1500; n++)
		buf[n] = (char)('a' + (n * 7 + i) % 26);
	buf[n] = 0;
	return buf;
}

/* Pixels of the QR texture of payload (4-module quiet zone each side). */
static size_t qr_bytes(const char *payload)
{
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(q);
	size_t n = (size_t)q->width + 8;
	QRcode_free(q);
	return n * n * 4;
}

/* 200 big textures (~18 MB) go through the cache: what it still holds,
 * counted in texture pixels from the outside, stays within the budget
 * (a cache bounded in slots holds far more), the newest is there. */
static void test_big_textures_evicted(void **state)
{
	(void)state;
	renderer_t *r = render_create(sdl, NULL);
	assert_non_null(r);
	for (int i = 0; i < 200; i++) {
		draw_one(r, big(i));
		assert_true(render_cache_bytes(r) <= RENDER_CACHE_BUDGET);
	}
	size_t held = 0, n = 0;
	for (int i = 0; i < 200; i++) {
		const char *p = big(i);
		if (render_cache_holds(r, p, strlen(p))) {
			held += qr_bytes(p);
			n++;
		}
	}
	if (held > RENDER_CACHE_BUDGET)
		fail_msg("the cache holds %zu textures, %zu bytes of pixels: more than its budget %u",
			 n, held, (unsigned)RENDER_CACHE_BUDGET);
	const char *last = big(199);
	assert_true(render_cache_holds(r, last, strlen(last)));
	const char *first = big(0);
	assert_false(render_cache_holds(r, first, strlen(first)));
	render_destroy(r);
}

static void test_lru_order(void **state)
{
	(void)state;
	renderer_t *r = render_create(sdl, NULL);
	assert_non_null(r);
	draw_one(r, small(0));
	size_t e = render_cache_bytes(r); /* what one entry costs */
	assert_true(e >= 29 * 29 * 4);
	render_set_cache_budget(r, 4 * e + e / 2); /* room for four */
	for (int i = 1; i < 4; i++)
		draw_one(r, small(i));
	assert_int_equal(render_cache_count(r), 4);
	assert_true(render_cache_bytes(r) == 4 * e);
	draw_one(r, small(0)); /* a hit: 0 becomes the most recent */
	render_stats_t st = render_stats(r);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 4);
	draw_one(r, small(4)); /* evicts the least recently used: 1 */
	assert_false(render_cache_holds(r, "item-0001", 9));
	assert_true(render_cache_holds(r, "item-0000", 9));
	assert_true(render_cache_holds(r, "item-0002", 9));
	assert_true(render_cache_holds(r, "item-0004", 9));
	assert_int_equal(render_cache_count(r), 4);
	/* Many more: never above the budget, always the four newest. */
	for (int i = 5; i < 300; i++) {
		draw_one(r, small(i));
		assert_true(render_cache_bytes(r) <= 4 * e + e / 2);
	}
	for (int i = 296; i < 300; i++)
		assert_true(render_cache_holds(r, small(i), 9));
	assert_false(render_cache_holds(r, "item-0295", 9));
	/* A smaller budget evicts at once, oldest first. */
	render_set_cache_budget(r, 2 * e);
	assert_int_equal(render_cache_count(r), 2);
	assert_true(render_cache_holds(r, "item-0299", 9));
	assert_true(render_cache_holds(r, "item-0298", 9));
	assert_false(render_cache_holds(r, "item-0297", 9));
	/* Bigger than the whole budget: drawn, not cached, nothing evicted. */
	render_set_cache_budget(r, 3 * e);
	draw_one(r, big(1));
	assert_int_equal(render_cache_count(r), 2);
	assert_false(render_cache_holds(r, "big-000001", 10));
	/* A session end empties it, keys and bytes. */
	render_forget_session(r);
	assert_int_equal(render_cache_count(r), 0);
	assert_true(render_cache_bytes(r) == 0);
	assert_false(render_cache_holds(r, "item-0299", 9));
	draw_one(r, small(7));
	assert_int_equal(render_cache_count(r), 1);
	render_destroy(r);
}

/* One frame with many commands where the later ones evict the earlier
 * ones: every command is still drawn, and the cache stays bounded. */
static void test_frame_bigger_than_budget(void **state)
{
	(void)state;
	renderer_t *r = render_create(sdl, NULL);
	assert_non_null(r);
	draw_one(r, small(0));
	size_t e = render_cache_bytes(r);
	render_set_cache_budget(r, 3 * e);
	draw_reset(&dl, 256, 256);
	for (int i = 0; i < 10; i++)
		draw_qr(&dl, (ui_rect_t){i * 20, 0, 20, 20}, small(100 + i));
	render_draw(r, &dl, THEME_DEFAULT, true);
	assert_true(render_cache_bytes(r) <= 3 * e);
	assert_int_equal(render_stats(r).misses, 11);
	render_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_textures_evicted),
		cmocka_unit_test(test_lru_order),
		cmocka_unit_test(test_frame_bigger_than_budget),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
