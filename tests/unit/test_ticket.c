/* test_ticket.c - ticket rendering: widths, every precomposed Vietnamese
 * letter present in the pinned fonts and non-empty, NFD input renders like
 * NFC, the date only on a trusted clock, the reprint banner, QR limits, PNG
 * output, and the fixed words read through i18n (a missing one is refused);
 * paper text at least 2.5 mm x-height on 58 and 80 mm, long names wrapping
 * inside the margins, the lunch line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL2/SDL_ttf.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/pngout.h"
#include "print/ticket.h"

static const char *assets(void)
{
	const char *a = getenv("KIOSK_ASSETS");
	return a ? a : "build/share/kiosk";
}

static ticket_info_t base(int width)
{
	ticket_info_t t = {
		.width = width, .lang = LANG_VI, .office = "UBND xã Mẫu Sơn",
		.procedure_vi = "Đăng ký khai sinh", .procedure_en = "Birth registration",
		.number = "A012", .dated = true, .qr = "A012;K1;abc-1;1.001193;-;0",
	};
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &t.time_ms);
	return t;
}

static long black(const bitmap_t *img)
{
	long n = 0;
	for (size_t i = 0; i < (size_t)img->h * (size_t)img->stride; i++)
		n += __builtin_popcount(img->bits[i]);
	return n;
}

static bool same(const bitmap_t *a, const bitmap_t *b)
{
	return a->w == b->w && a->h == b->h &&
	       memcmp(a->bits, b->bits, (size_t)a->h * (size_t)a->stride) == 0;
}

static void test_widths_and_variants(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	ticket_info_t t = base(576);
	bitmap_t a, b;
	assert_int_equal(ticket_render(r, &t, &a), KIOSK_OK);
	assert_int_equal(a.w, 576);
	assert_int_equal(a.stride, 72);
	assert_true(a.h > 300 && a.h < 2000);
	assert_true(black(&a) > 10000);
	/* Same input, same bits. */
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(same(&a, &b));
	bitmap_free(&b);
	/* Lent translations: the same ticket; closing the renderer leaves them. */
	char dir[512];
	snprintf(dir, sizeof dir, "%s/i18n", assets());
	i18n_t *tr = NULL;
	assert_int_equal(i18n_load(dir, &tr, err, sizeof err), KIOSK_OK);
	ticket_renderer_t *lent;
	assert_int_equal(ticket_renderer_open_with(assets(), tr, &lent, err, sizeof err), KIOSK_OK);
	assert_int_equal(ticket_render(lent, &t, &b), KIOSK_OK);
	assert_true(same(&a, &b));
	bitmap_free(&b);
	ticket_renderer_close(lent);
	assert_true(i18n_has(tr, "ticket.footer"));
	i18n_free(tr);
	/* NFD procedure name ("Đăng ký" with combining marks) renders as NFC. */
	t.procedure_vi = "\xC4\x90\x61\xCC\x86ng ky\xCC\x81 khai sinh";
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(same(&a, &b));
	bitmap_free(&b);
	t = base(576);
	/* Untrusted clock: no date line, so fewer rows. */
	t.dated = false;
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(b.h < a.h);
	bitmap_free(&b);
	/* Reprint banner and priority band add rows and black. */
	t = base(576);
	t.reprint = true;
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(b.h > a.h && black(&b) > black(&a));
	bitmap_free(&b);
	t = base(576);
	t.priority = true;
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(b.h > a.h);
	bitmap_free(&b);
	/* 58 mm. */
	t = base(384);
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_int_equal(b.w, 384);
	assert_int_equal(b.stride, 48);
	bitmap_free(&b);
	/* Bad width; QR too large for 58 mm. */
	t = base(500);
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_EINVAL);
	t = base(384);
	char big[1200];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = 0;
	t.qr = big;
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_ERANGE);
	assert_null(b.bits);
	/* Very long names are wrapped and cut, never overflow. */
	t = base(384);
	t.procedure_vi = "Thủ tục đăng ký thường trú cho người chưa thành niên có cha mẹ ở hai nơi khác "
			 "nhau trên địa bàn nhiều tỉnh thành phố trực thuộc trung ương và một từrấtdàikhôngcókhoảngtrắngnàocả";
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	bitmap_free(&b);
	/* PNG */
	const char *tmp = getenv("TESTS_TMP");
	char path[600];
	snprintf(path, sizeof path, "%s/t.png", tmp ? tmp : "/tmp");
	assert_int_equal(pngout_write_bitmap(&a, path), KIOSK_OK);
	FILE *f = fopen(path, "rb");
	unsigned char sig[8];
	assert_int_equal(fread(sig, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
	bitmap_free(&a);
	/* Test page. */
	assert_int_equal(ticket_render_test(r, 576, LANG_EN, NULL, "X", &a), KIOSK_OK);
	assert_true(bitmap_pixel(&a, 575, 60) || bitmap_pixel(&a, 0, 60) || a.h > 100);
	bitmap_free(&a);
	ticket_renderer_close(r);
	/* Missing assets are reported. */
	assert_int_not_equal(ticket_renderer_open("/nonexistent", NULL, &r, err, sizeof err), KIOSK_OK);
	assert_null(r);
	assert_non_null(strstr(err, "font"));
}

/* Every precomposed Vietnamese letter (both cases) exists in both fonts
 * and draws something. */
static void test_vietnamese_glyphs(void **state)
{
	(void)state;
	static const char *letters =
		"aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
		"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";
	if (!TTF_WasInit())
		assert_int_equal(TTF_Init(), 0);
	const char *files[] = {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"};
	for (int fi = 0; fi < 2; fi++) {
		char path[600];
		snprintf(path, sizeof path, "%s/fonts/%s", assets(), files[fi]);
		TTF_Font *font = TTF_OpenFont(path, 24);
		assert_non_null(font);
		size_t len = strlen(letters), i = 0;
		int count = 0;
		while (i < len) {
			size_t s = i;
			unsigned char c = (unsigned char)letters[i];
			size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
			for (size_t k = 1; k < n; k++)
				cp = (cp << 6) | ((unsigned char)letters[i + k] & 0x3F);
			i += n;
			if (!TTF_GlyphIsProvided32(font, cp))
				fail_msg("U+%04X missing from %s", cp, files[fi]);
			char one[8];
			memcpy(one, letters + s, n);
			one[n] = 0;
			SDL_Color black = {0, 0, 0, 255};
			SDL_Surface *sf = TTF_RenderUTF8_Solid(font, one, black);
			assert_non_null(sf);
			long on = 0;
			for (int y = 0; y < sf->h; y++)
				for (int x = 0; x < sf->w; x++)
					on += ((uint8_t *)sf->pixels)[y * sf->pitch + x] != 0;
			SDL_FreeSurface(sf);
			if (on == 0)
				fail_msg("U+%04X draws nothing", cp);
			count++;
		}
		assert_int_equal(count, 146); /* 12 vowels x 6 tones + d-stroke, both cases */
		TTF_CloseFont(font);
	}
}

/* The fixed words come from <assets>/i18n through i18n_load: a ticket key
 * missing in both languages, or in one only, is refused with a message that
 * names it; the same copy with the key back opens. */
static void test_fixed_words(void **state)
{
	(void)state;
	const char *tmp = getenv("TESTS_TMP");
	char dir[512], cmd[4096], err[512];
	snprintf(dir, sizeof dir, "%s/ticket-words", tmp ? tmp : "/tmp");
	snprintf(cmd, sizeof cmd,
		 "rm -rf '%s' && mkdir -p '%s' && ln -s \"$(cd '%s' && pwd)/fonts\" '%s/fonts' && "
		 "cp -r '%s/i18n' '%s/i18n'",
		 dir, dir, assets(), dir, assets(), dir);
	assert_int_equal(system(cmd), 0);
	ticket_renderer_t *r = NULL;
	assert_int_equal(ticket_renderer_open(dir, NULL, &r, err, sizeof err), KIOSK_OK);
	ticket_renderer_close(r);
	/* Missing in both languages. */
	snprintf(cmd, sizeof cmd, "sed -i '/\"ticket.reprint\"/d' '%s/i18n/vi/ticket.json' '%s/i18n/en/ticket.json'",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ticket_renderer_open(dir, NULL, &r, err, sizeof err), KIOSK_EINVAL);
	assert_null(r);
	assert_non_null(strstr(err, "lacks \"ticket.reprint\""));
	/* The same words lent by the caller (the kiosk's own translations) are
	 * checked the same way; the lender keeps them. */
	char i18n_dir[600];
	snprintf(i18n_dir, sizeof i18n_dir, "%s/i18n", dir);
	i18n_t *tr = NULL;
	assert_int_equal(i18n_load(i18n_dir, &tr, err, sizeof err), KIOSK_OK);
	assert_int_equal(ticket_renderer_open_with(dir, tr, &r, err, sizeof err), KIOSK_EINVAL);
	assert_null(r);
	assert_non_null(strstr(err, "lacks \"ticket.reprint\""));
	i18n_free(tr);
	assert_int_equal(ticket_renderer_open_with(dir, NULL, &r, err, sizeof err), KIOSK_EINVAL);
	/* Put back in Vietnamese only: the English file lacks it. */
	snprintf(cmd, sizeof cmd, "cp '%s/i18n/vi/ticket.json' '%s/i18n/vi/ticket.json'", assets(), dir);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(ticket_renderer_open(dir, NULL, &r, err, sizeof err), KIOSK_OK);
	assert_null(r);
	assert_non_null(strstr(err, "ticket.reprint"));
	assert_non_null(strstr(err, "English"));
	snprintf(cmd, sizeof cmd, "cp '%s/i18n/en/ticket.json' '%s/i18n/en/ticket.json' && rm -rf '%s'",
		 assets(), dir, dir);
	assert_int_equal(system(cmd), 0);
}

/* A QR that carries answers gets the keep-it-safe line (vi and en); a QR
 * without answers (a reprint) does not. */
static void test_personal_warning(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	for (int L = 0; L < LANG_COUNT; L++) {
		ticket_info_t t = base(576);
		t.lang = (lang_t)L;
		t.qr = "A012;K1;abc-1;1.001193;-;0;ho_ten=An";
		bitmap_t plain, warned;
		assert_int_equal(ticket_render(r, &t, &plain), KIOSK_OK);
		t.qr_personal = true;
		assert_int_equal(ticket_render(r, &t, &warned), KIOSK_OK);
		/* At least one more line of bold text below the QR. */
		assert_true(warned.h >= plain.h + 20);
		assert_true(black(&warned) > black(&plain) + 500);
		bitmap_free(&plain);
		bitmap_free(&warned);
	}
	ticket_renderer_close(r);
}

/* Rows [y0, y1) of the n-th block of rows holding ink, from the top. */
static bool ink_block(const bitmap_t *img, int n, int *y0, int *y1)
{
	int y = 0;
	for (int k = 0; k <= n; k++) {
		while (y < img->h) {
			bool ink = false;
			for (int i = 0; i < img->stride && !ink; i++)
				ink = img->bits[(size_t)y * (size_t)img->stride + (size_t)i] != 0;
			if (ink)
				break;
			y++;
		}
		if (y >= img->h)
			return false;
		*y0 = y;
		for (;;) {
			bool ink = false;
			for (int i = 0; i < img->stride && !ink && y < img->h; i++)
				ink = img->bits[(size_t)y * (size_t)img->stride + (size_t)i] != 0;
			if (!ink || y >= img->h)
				break;
			y++;
		}
		*y1 = y;
	}
	return true;
}

/* Printed text is at least 2.5 mm x-height (20 dots at 8 dots/mm) on both
 * paper widths. Measured on the paper itself: an office and a procedure
 * named "xxxx" (no ascender, no descender, no mark) print as blocks of ink
 * exactly one x-height tall. */
static void test_x_height_on_paper(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	static const int widths[] = {384, 576};
	for (size_t w = 0; w < 2; w++) {
		ticket_info_t t = base(widths[w]);
		t.office = "xxxx xxx";
		t.procedure_vi = "xxx xxxx";
		bitmap_t img;
		assert_int_equal(ticket_render(r, &t, &img), KIOSK_OK);
		int y0, y1;
		/* Block 0: the office; 1: the rule; 2: the procedure. */
		assert_true(ink_block(&img, 0, &y0, &y1));
		printf("width %d: office x-height %d dots\n", widths[w], y1 - y0);
		assert_true(y1 - y0 >= 20);
		assert_true(ink_block(&img, 2, &y0, &y1));
		printf("width %d: procedure x-height %d dots\n", widths[w], y1 - y0);
		assert_true(y1 - y0 >= 20);
		bitmap_free(&img);
	}
	ticket_renderer_close(r);
}

/* Every text style the ticket uses, at both widths: the x-height of the
 * pinned font at that size (the glyph metrics of 'x') is at least 2.5 mm. */
static void test_x_height_metrics(void **state)
{
	(void)state;
	static const int widths[] = {384, 576};
	char path[2][512];
	snprintf(path[0], sizeof path[0], "%s/fonts/NotoSans-Regular.ttf", assets());
	snprintf(path[1], sizeof path[1], "%s/fonts/NotoSans-Bold.ttf", assets());
	if (!TTF_WasInit())
		assert_int_equal(TTF_Init(), 0);
	for (size_t w = 0; w < 2; w++)
		for (int role = 0; role < TICKET_TEXT_COUNT; role++) {
			ticket_style_t st = ticket_text_style(widths[w], (ticket_text_t)role);
			TTF_Font *f = TTF_OpenFont(path[st.bold ? 1 : 0], st.px);
			assert_non_null(f);
			int minx, maxx, miny, maxy, adv;
			assert_int_equal(TTF_GlyphMetrics32(f, 'x', &minx, &maxx, &miny, &maxy, &adv), 0);
			TTF_CloseFont(f);
			if (maxy - (miny > 0 ? miny : 0) < TICKET_MIN_X_HEIGHT)
				fail_msg("width %d, style %d (%s %d px): x-height %d dots < %d", widths[w], role,
					 st.bold ? "bold" : "regular", st.px, maxy, TICKET_MIN_X_HEIGHT);
			assert_true(st.max_lines >= 1);
		}
	assert_true(TICKET_MIN_X_HEIGHT >= 20); /* 2.5 mm at 203 dpi */
}

/* Long office and procedure names wrap on 58 mm paper: several lines, all
 * inside the margins (nothing printed in the outer 1 mm). */
static void test_long_names_wrap(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	static const int widths[] = {384, 576};
	for (size_t w = 0; w < 2; w++) {
		ticket_info_t t = base(widths[w]);
		bitmap_t shortn, longn;
		assert_int_equal(ticket_render(r, &t, &shortn), KIOSK_OK);
		t.office = "Ủy ban nhân dân xã Mẫu Sơn, huyện Lộc Bình, tỉnh Lạng Sơn";
		t.procedure_vi = "Đăng ký khai sinh cho trẻ em sinh ra tại Việt Nam có yếu tố nước ngoài";
		assert_int_equal(ticket_render(r, &t, &longn), KIOSK_OK);
		assert_int_equal(longn.w, widths[w]);
		/* At least two more lines of 36-dot text. */
		assert_true(longn.h >= shortn.h + 2 * 45);
		for (int y = 0; y < longn.h; y++)
			for (int x = 0; x < 8; x++) {
				assert_int_equal(bitmap_pixel(&longn, x, y), 0);
				assert_int_equal(bitmap_pixel(&longn, longn.w - 1 - x, y), 0);
			}
		bitmap_free(&shortn);
		bitmap_free(&longn);
	}
	ticket_renderer_close(r);
}

/* The online link adds a second code; the lunch line adds text; a ticket
 * without them is unchanged. */
static void test_link_and_afternoon(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	ticket_info_t t = base(384);
	bitmap_t a, b, c;
	assert_int_equal(ticket_render(r, &t, &a), KIOSK_OK);
	t.link = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc=1.001193";
	assert_int_equal(ticket_render(r, &t, &b), KIOSK_OK);
	assert_true(b.h > a.h + 150);
	t.link = NULL;
	t.afternoon = "13:30";
	assert_int_equal(ticket_render(r, &t, &c), KIOSK_OK);
	assert_true(c.h >= a.h + 40);
	/* The line about rating at the kiosk, under the QR code. */
	bitmap_t d;
	t.afternoon = NULL;
	t.rating = true;
	assert_int_equal(ticket_render(r, &t, &d), KIOSK_OK);
	assert_true(d.h >= a.h + 80);
	bitmap_free(&d);
	bitmap_free(&a);
	bitmap_free(&b);
	bitmap_free(&c);
	ticket_renderer_close(r);
}

/* Every fixed word of the ticket prints whole (no ellipsis) on both papers in
 * both languages, with the lunch line, both codes and the keep-it-safe line;
 * a name too long for its lines is cut and counted. */
static void test_fixed_words_fit(void **state)
{
	(void)state;
	ticket_renderer_t *r;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &r, err, sizeof err), KIOSK_OK);
	static const char *const docs[LANG_COUNT][2] = {
		[LANG_VI] = {"Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh"},
		[LANG_EN] = {"Birth registration form", "Birth certificate from the hospital"},
	};
	static const int widths[] = {384, 576};
	for (size_t w = 0; w < 2; w++)
		for (int L = 0; L < LANG_COUNT; L++) {
			ticket_info_t t = base(widths[w]);
			t.lang = (lang_t)L;
			t.docs = docs[L];
			t.ndocs = 2;
			t.priority = true;
			t.qr = "A012;K1;abc-1;1.001193;-;0;ho_ten=An";
			t.qr_personal = true;
			t.rating = true;
			t.link = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc=1.001193";
			t.afternoon = "13:30";
			bitmap_t img;
			assert_int_equal(ticket_render(r, &t, &img), KIOSK_OK);
			if (img.cut)
				fail_msg("width %d, %s: %d texts cut short", widths[w], L == LANG_EN ? "en" : "vi",
					 img.cut);
			bitmap_free(&img);
			t.office = "Ủy ban nhân dân xã Mẫu Sơn, huyện Lộc Bình, tỉnh Lạng Sơn, một tên rất dài "
				   "không thể nào in hết trên ba dòng của một phiếu nhỏ";
			assert_int_equal(ticket_render(r, &t, &img), KIOSK_OK);
			assert_int_equal(img.cut, 1);
			bitmap_free(&img);
		}
	ticket_renderer_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths_and_variants),
		cmocka_unit_test(test_vietnamese_glyphs),
		cmocka_unit_test(test_fixed_words),
		cmocka_unit_test(test_personal_warning),
		cmocka_unit_test(test_x_height_on_paper),
		cmocka_unit_test(test_x_height_metrics),
		cmocka_unit_test(test_long_names_wrap),
		cmocka_unit_test(test_link_and_afternoon),
		cmocka_unit_test(test_fixed_words_fit),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	TTF_Quit();
	return rc;
}
