/* test_tickets.c - tickets_issue / tickets_reprint end to end over the file
 * transport (simulated printer) and the fault-injecting fake transport:
 * right state, nothing lost, nothing duplicated. The catalogue comes from
 * the real loader: a small JSON fixture, and the shipped catalog.json.
 * Storage faults come from a fault-injecting SQLite VFS (faultvfs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <SDL2/SDL_ttf.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "domain/catalog.h"
#include "drivers/printer/escpos.h"
#include "tests/unit/faultvfs.h"
#include "core/kiosk.h"
#include "domain/officekey.h"
#include "domain/ledger.h"
#include "drivers/printer/printer.h"
#include "print/ticket.h"
#include "print/tickets.h"

/* ---- the catalogue: the real loader on a small fixture ---- */
static const char catalog_json[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"link_template\": \"https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc={code}\",\n"
	"  \"groups\": [\n"
	"    { \"id\": \"ho-tich\", \"letter\": \"A\", \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } },\n"
	"    { \"id\": \"dat-dai\", \"letter\": \"B\", \"name\": { \"vi\": \"Đất đai\", \"en\": \"Land\" } }\n"
	"  ],\n"
	"  \"procedures\": [\n"
	"    { \"id\": \"khai-sinh\", \"group\": \"ho-tich\", \"code\": \"1.001193\",\n"
	"      \"name\": { \"vi\": \"Đăng ký khai sinh\", \"en\": \"Birth registration\" },\n"
	"      \"docs\": [ { \"vi\": \"Tờ khai đăng ký khai sinh\", \"en\": \"Birth registration form\" },\n"
	"                { \"vi\": \"Giấy chứng sinh\", \"en\": \"Birth certificate from the hospital\" },\n"
	"                { \"vi\": \"Căn cước của cha hoặc mẹ\", \"en\": \"ID card of a parent\" } ],\n"
	"      \"fields\": [\n"
	"        { \"id\": \"ho_ten\", \"type\": \"name\", \"required\": true,\n"
	"          \"label\": { \"vi\": \"Họ và tên\", \"en\": \"Full name\" } },\n"
	"        { \"id\": \"so_cccd\", \"type\": \"cccd\", \"required\": false,\n"
	"          \"label\": { \"vi\": \"Số CCCD\", \"en\": \"ID number\" } },\n"
	"        { \"id\": \"sdt\", \"type\": \"phone\", \"required\": false,\n"
	"          \"label\": { \"vi\": \"Số điện thoại\", \"en\": \"Phone\" } } ] },\n"
	"    { \"id\": \"chuyen-nhuong\", \"group\": \"dat-dai\", \"code\": \"1.003003\",\n"
	"      \"name\": { \"vi\": \"Chuyển nhượng quyền sử dụng đất\", \"en\": \"Land use right transfer\" },\n"
	"      \"docs\": [],\n"
	"      \"fields\": [ { \"id\": \"ho_ten\", \"type\": \"name\", \"required\": true,\n"
	"                    \"label\": { \"vi\": \"Họ và tên\", \"en\": \"Full name\" } } ] }\n"
	"  ]\n"
	"}\n";

static catalog_t *cat;
static const catalog_proc_t *khai_sinh, *chuyen_nhuong;
static const catalog_group_t *grp_a, *grp_b;

static int load_catalog(void **state)
{
	(void)state;
	char err[256];
	if (catalog_load_text("tickets-fixture.json", catalog_json, strlen(catalog_json), &cat, err,
			      sizeof err) != KIOSK_OK) {
		fprintf(stderr, "fixture catalogue: %s\n", err);
		return -1;
	}
	khai_sinh = catalog_proc_find(cat, "khai-sinh");
	chuyen_nhuong = catalog_proc_find(cat, "chuyen-nhuong");
	grp_a = catalog_group_find(cat, "ho-tich");
	grp_b = catalog_group_find(cat, "dat-dai");
	return khai_sinh && chuyen_nhuong && grp_a && grp_b ? 0 : -1;
}

static int free_catalog(void **state)
{
	(void)state;
	catalog_free(cat);
	cat = NULL;
	return 0;
}

typedef struct {
	char dir[512], spool[600], data[600];
	kclock_virtual_t vc;
	kclock_t clock;
	tickets_config_t cfg;
	printer_fake_t fake;
} fx_t;

static const char *assets(void)
{
	const char *a = getenv("KIOSK_ASSETS");
	return a ? a : "build/share/kiosk";
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TESTS_TMP");
	snprintf(f->dir, sizeof f->dir, "%s/tickets-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->spool, sizeof f->spool, "%s/spool", f->dir);
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	mkdir(f->data, 0755);
	kclock_parse_iso("2026-01-05T08:00:00+07:00", &f->vc.now_ms);
	f->vc.mono_ms = 1000;
	f->vc.trusted = true;
	kclock_virtual(&f->clock, &f->vc);
	f->cfg = (tickets_config_t){
		.data_dir = f->data, .spool_dir = f->spool, .assets_dir = assets(), .transport = "file",
		.profile = "80mm", .office_name = "UBND xã Mẫu Sơn", .daily_cap = 0,
		.priority = PRIORITY_SERIES, .priority_letter = 'P', .clock = &f->clock,
	};
	printer_fake_init(&f->fake);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	printer_fake_free(&f->fake);
	free(f);
	return 0;
}

static bool spooled(fx_t *f, const tickets_result_t *r, const char *ext)
{
	char p[900];
	snprintf(p, sizeof p, "%s/%s-%s.%s", f->spool, r->ticket_id, r->number, ext);
	struct stat sb;
	return stat(p, &sb) == 0 && sb.st_size > 0;
}

static int count_spool(fx_t *f)
{
	char cmd[800];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '\\.escpos$'", f->spool);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static const tickets_answer_t answers[] = {
	{"ho_ten", "Nguyễn Văn An"}, {"so_cccd", "001152000123"}, {"sdt", "0912 345 678"},
};

static void test_file_issue(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	printer_state_t st;
	assert_int_equal(tickets_check(t, grp_a, false, &st), KIOSK_OK);
	assert_int_equal(st, PRINTER_OK);
	tickets_result_t r;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_true(r.dated);
	assert_true(spooled(f, &r, "escpos"));
	assert_true(spooled(f, &r, "png"));
	tickets_result_t r2;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_EN, &r2), KIOSK_OK);
	assert_string_equal(r2.number, "A002");
	assert_string_not_equal(r.ticket_id, r2.ticket_id);
	assert_int_equal(tickets_issue(t, cat, chuyen_nhuong, false, NULL, 0, LANG_VI, &r2), KIOSK_OK);
	assert_string_equal(r2.number, "B001");
	assert_int_equal(count_spool(f), 3);
	/* Unknown answer field: refused before anything is reserved. */
	tickets_answer_t bad = {"nope", "x"};
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, &bad, 1, LANG_VI, &r2), KIOSK_EINVAL);
	assert_string_equal(r2.number, "");
	tickets_close(t);
	/* Restart: numbering continues. */
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r2), KIOSK_OK);
	assert_string_equal(r2.number, "A003");
	tickets_close(t);
}

static void test_file_sim_failures(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	tickets_result_t r;
	/* Paper out before: no number, nothing printed. */
	assert_int_equal(tickets_sim_set(t, PRINTER_PAPER_OUT, -1), KIOSK_OK);
	printer_state_t st;
	assert_int_equal(tickets_check(t, grp_a, false, &st), KIOSK_EPAPER);
	assert_int_equal(st, PRINTER_PAPER_OUT);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_int_equal(r.printer, PRINTER_PAPER_OUT);
	assert_string_equal(r.number, "");
	assert_false(r.voided);
	assert_int_equal(tickets_sim_set(t, PRINTER_COVER_OPEN, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ECOVER);
	assert_int_equal(r.printer, PRINTER_COVER_OPEN);
	assert_int_equal(tickets_sim_set(t, PRINTER_NO_PRINTER, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_int_equal(r.printer, PRINTER_NO_PRINTER);
	/* Back to normal: the first number is still A001. */
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	/* Paper runs out mid-ticket: A002 is void, never reissued. */
	assert_int_equal(tickets_sim_set(t, PRINTER_PAPER_OUT, 5000), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_true(r.voided);
	assert_string_equal(r.number, "A002");
	assert_int_equal(r.printer, PRINTER_PAPER_OUT);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_int_equal(tickets_sim_set(t, PRINTER_NEAR_END, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A003");
	assert_int_equal(r.printer, PRINTER_NEAR_END);
	/* Unplugged mid-ticket. */
	assert_int_equal(tickets_sim_set(t, PRINTER_NO_PRINTER, 100), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_true(r.voided);
	assert_string_equal(r.number, "A004");
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A005");
	assert_int_equal(count_spool(f), 3); /* A001, A003, A005 */
	tickets_close(t);
}

/* Reprints of a number issued today, looked up in the real catalogue by the
 * number's procedure: same number, new ticket id each time, never voided. */
static void test_reprint(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	tickets_result_t r, rp, rp2;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, true, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "P001");
	assert_int_equal(tickets_reprint(t, cat, "P001", LANG_VI, &rp), KIOSK_OK);
	assert_int_equal(rp.rc, KIOSK_OK);
	assert_int_equal(rp.printer, PRINTER_OK);
	assert_string_equal(rp.number, "P001");
	assert_string_not_equal(rp.ticket_id, r.ticket_id);
	assert_false(rp.voided);
	assert_true(spooled(f, &r, "png"));
	assert_true(spooled(f, &rp, "png"));
	/* The number may come from the result it overwrites. */
	assert_int_equal(tickets_reprint(t, cat, rp.number, LANG_VI, &rp2), KIOSK_OK);
	assert_string_equal(rp2.number, "P001");
	assert_string_not_equal(rp2.ticket_id, rp.ticket_id);
	assert_string_not_equal(rp2.ticket_id, r.ticket_id);
	assert_int_equal(count_spool(f), 3);
	/* Numbers never issued today; bad arguments. */
	assert_int_equal(tickets_reprint(t, cat, "P002", LANG_VI, &rp), KIOSK_ENOENT);
	assert_string_equal(rp.number, "");
	assert_int_equal(tickets_reprint(t, cat, "A001", LANG_VI, &rp), KIOSK_ENOENT);
	assert_int_equal(tickets_reprint(t, NULL, "P001", LANG_VI, &rp), KIOSK_EINVAL);
	assert_int_equal(tickets_reprint(t, cat, "", LANG_VI, &rp), KIOSK_EINVAL);
	assert_int_equal(tickets_reprint(t, cat, "P0012345", LANG_VI, &rp), KIOSK_EINVAL);
	/* Another procedure than the number's: refused, number untouched. */
	assert_int_equal(tickets_reprint_proc(t, chuyen_nhuong, "P001", LANG_VI, &rp), KIOSK_EINVAL);
	/* The number's procedure has left the catalogue (it was edited since):
	 * refused, nothing printed. */
	char edited[sizeof catalog_json + 16];
	const char *at = strstr(catalog_json, "\"khai-sinh\"");
	assert_non_null(at);
	snprintf(edited, sizeof edited, "%.*s\"khai-sinh-moi\"%s", (int)(at - catalog_json), catalog_json,
		 at + strlen("\"khai-sinh\""));
	catalog_t *cat2 = NULL;
	assert_int_equal(catalog_load_text("edited.json", edited, strlen(edited), &cat2, err, sizeof err),
			 KIOSK_OK);
	assert_null(catalog_proc_find(cat2, "khai-sinh"));
	assert_int_equal(tickets_reprint(t, cat2, "P001", LANG_VI, &rp), KIOSK_ENOENT);
	assert_string_equal(rp.number, "");
	catalog_free(cat2);
	assert_int_equal(count_spool(f), 3);
	/* A failed reprint never voids the number. */
	assert_int_equal(tickets_sim_set(t, PRINTER_PAPER_OUT, 50), KIOSK_OK);
	assert_int_equal(tickets_reprint(t, cat, "P001", LANG_VI, &rp), KIOSK_EPAPER);
	assert_int_equal(rp.printer, PRINTER_PAPER_OUT);
	assert_false(rp.voided);
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(tickets_reprint(t, cat, "P001", LANG_EN, &rp), KIOSK_OK);
	assert_string_equal(rp.number, "P001");
	assert_true(spooled(f, &rp, "escpos"));
	assert_int_equal(count_spool(f), 4);
	/* The next issued number goes on. */
	assert_int_equal(tickets_issue(t, cat, khai_sinh, true, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "P002");
	tickets_close(t);
	/* The ledger: three reprints printed, nothing voided. */
	char path[700];
	snprintf(path, sizeof path, "%s/ledger.db", f->data);
	ledger_t *l = NULL;
	assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_OK);
	assert_int_equal(ledger_event_count(l, "reprinted"), 3);
	assert_int_equal(ledger_event_count(l, "voided"), 0);
	ledger_close(l);
}

static void test_priority_mark_and_cap(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	f->cfg.priority = PRIORITY_MARK;
	f->cfg.daily_cap = 2;
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	tickets_result_t r;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, true, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A002");
	printer_state_t st;
	assert_int_equal(tickets_check(t, grp_a, false, &st), KIOSK_ESOLDOUT);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ESOLDOUT);
	assert_string_equal(r.number, "");
	assert_int_equal(tickets_check(t, grp_b, false, &st), KIOSK_OK);
	tickets_close(t);
	f->cfg.priority = PRIORITY_NONE;
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, chuyen_nhuong, true, NULL, 0, LANG_VI, &r), KIOSK_EINVAL);
	assert_int_equal(tickets_check(t, grp_b, true, &st), KIOSK_EINVAL);
	tickets_close(t);
}

/* ---- fake transport ---- */
static tickets_t *open_fake(fx_t *f)
{
	tickets_t *t = NULL;
	char err[256];
	static printer_t dummy;
	printer_fake_attach(&f->fake, escpos_profile_find("80mm"), &dummy);
	assert_int_equal(tickets_open_io(&f->cfg, dummy.ops, dummy.ctx, &t, err, sizeof err), KIOSK_OK);
	return t;
}

/* The exact reference stream for a ticket of khai_sinh. */
static void compose_at(fx_t *f, const tickets_result_t *r, bool priority, bool reprint,
		       const tickets_answer_t *a, size_t na, lang_t lang, int afternoon_min, uint8_t **bytes,
		       size_t *n)
{
	struct ticket_renderer *rend = NULL;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &rend, err, sizeof err), KIOSK_OK);
	/* The kiosk signs the QR record (K2) with the key it made in its data folder. */
	uint8_t key[OFFICEKEY_LEN];
	assert_int_equal(officekey_load(f->cfg.data_dir, false, key, err, sizeof err), KIOSK_OK);
	tickets_job_t job = {
		.proc = khai_sinh, .office = f->cfg.office_name, .number = r->number, .ticket_id = r->ticket_id,
		.priority = priority, .reprint = reprint, .dated = r->dated, .time_ms = r->time_ms, .lang = lang,
		.answers = a, .nanswers = na, .key = key, .afternoon_min = afternoon_min,
	};
	char link[512]; /* the procedure's page, the ticket's second QR */
	assert_int_equal(catalog_link(cat, khai_sinh, link, sizeof link), KIOSK_OK);
	job.link = link;
	assert_int_equal(tickets_compose(rend, "80mm", &job, bytes, n, NULL), KIOSK_OK);
	ticket_renderer_close(rend);
}

static void compose(fx_t *f, const tickets_result_t *r, bool priority, bool reprint, const tickets_answer_t *a,
		    size_t na, lang_t lang, uint8_t **bytes, size_t *n)
{
	compose_at(f, r, priority, reprint, a, na, lang, 0, bytes, n);
}

static void reference(fx_t *f, const tickets_result_t *r, bool priority, const tickets_answer_t *a,
		      size_t na, uint8_t **bytes, size_t *n)
{
	compose(f, r, priority, false, a, na, LANG_VI, bytes, n);
}

/* The picture in a ticket stream: init, align, raster bands (stitched),
 * feed, cut; anything else fails the test. */
static void stream_image(const uint8_t *b, size_t n, bitmap_t *img)
{
	memset(img, 0, sizeof *img);
	size_t i = 0;
	while (i < n) {
		if (b[i] == 0x1B && i + 1 < n && b[i + 1] == 0x40) {
			i += 2;
		} else if (b[i] == 0x1B && i + 2 < n && (b[i + 1] == 0x61 || b[i + 1] == 0x64)) {
			i += 3;
		} else if (b[i] == 0x1D && i + 3 < n && b[i + 1] == 0x56) {
			i += 4;
		} else if (b[i] == 0x1D && i + 7 < n && b[i + 1] == 0x76 && b[i + 2] == 0x30) {
			size_t x = (size_t)b[i + 4] | (size_t)b[i + 5] << 8;
			size_t y = (size_t)b[i + 6] | (size_t)b[i + 7] << 8;
			i += 8;
			assert_true(x > 0 && y > 0 && i + x * y <= n);
			if (!img->stride) {
				img->stride = (int)x;
				img->w = (int)x * 8;
			}
			assert_int_equal(x, img->stride);
			uint8_t *nb = realloc(img->bits, ((size_t)img->h + y) * x);
			assert_non_null(nb);
			img->bits = nb;
			memcpy(img->bits + (size_t)img->h * x, b + i, x * y);
			img->h += (int)y;
			i += x * y;
		} else {
			fail_msg("unexpected byte 0x%02x at offset %zu of the ticket stream", b[i], i);
		}
	}
	assert_non_null(img->bits);
}

/* Whether an 80 mm ticket opens with text as a white-on-black banner, drawn
 * as ticket.c draws it: bold 34 px, centred, 8 rows from the top, the band
 * running from margin to margin (12 dots). */
static bool banner_is(const bitmap_t *img, const char *text)
{
	char path[600];
	snprintf(path, sizeof path, "%s/fonts/NotoSans-Bold.ttf", assets());
	if (!TTF_WasInit())
		assert_int_equal(TTF_Init(), 0);
	TTF_Font *font = TTF_OpenFont(path, 34);
	assert_non_null(font);
	SDL_Color black = {0, 0, 0, 255};
	SDL_Surface *sf = TTF_RenderUTF8_Solid(font, text, black);
	assert_non_null(sf);
	const int y0 = 8, x0 = (img->w - sf->w) / 2;
	bool ok = img->w == 576 && sf->w < img->w - 24 && y0 + sf->h <= img->h;
	if (SDL_MUSTLOCK(sf))
		SDL_LockSurface(sf);
	for (int y = 0; ok && y < sf->h; y++) {
		const uint8_t *row = (const uint8_t *)sf->pixels + (size_t)y * (size_t)sf->pitch;
		for (int x = 0; ok && x < sf->w; x++)
			ok = bitmap_pixel(img, x0 + x, y0 + y) == (row[x] == 0);
		for (int x = 12; ok && x < x0; x++)
			ok = bitmap_pixel(img, x, y0 + y) && bitmap_pixel(img, img->w - 1 - x, y0 + y);
	}
	if (SDL_MUSTLOCK(sf))
		SDL_UnlockSurface(sf);
	SDL_FreeSurface(sf);
	TTF_CloseFont(font);
	return ok;
}

static bool received_is(fx_t *f, const uint8_t *b, size_t n)
{
	return f->fake.nreceived == n && memcmp(f->fake.received, b, n) == 0;
}

static void test_fake_stream_exact(void **state)
{
	fx_t *f = *state;
	tickets_t *t = open_fake(f);
	/* Short writes, every third write times out half way, two stalls, a
	 * stale byte before the first query, garbage, real-time requests
	 * recognised inside the raster data. */
	f->fake.max_per_write = 1000;
	f->fake.timeout_partial_every = 3;
	f->fake.stale_bytes = 2;
	f->fake.garbage_replies = 1;
	f->fake.realtime_in_data = true;
	tickets_result_t r;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_int_equal(r.printer, PRINTER_OK);
	uint8_t *ref;
	size_t n;
	reference(f, &r, false, answers, 3, &ref, &n);
	assert_int_equal(f->fake.nreceived, n);
	assert_memory_equal(f->fake.received, ref, n);
	free(ref);
	/* Stalls shorter than the limit: resumes, still exact. */
	printer_fake_reset_stream(&f->fake);
	f->fake.timeout_partial_every = 0;
	f->fake.max_per_write = 0;
	f->fake.stall_writes = 2;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A002");
	reference(f, &r, false, NULL, 0, &ref, &n);
	assert_int_equal(f->fake.nreceived, n);
	assert_memory_equal(f->fake.received, ref, n);
	free(ref);
	tickets_close(t);
}

/* A reloaded configuration holds from the next ticket on: the office name
 * and the paper width of the ticket (byte for byte what tickets_compose
 * makes for them), the daily cap; a bad profile changes nothing; another
 * transport is refused as needing a restart while the rest is applied. */
static void expect_stream(fx_t *f, const tickets_result_t *r, const char *profile, const char *office)
{
	struct ticket_renderer *rend = NULL;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), NULL, &rend, err, sizeof err), KIOSK_OK);
	uint8_t key[OFFICEKEY_LEN];
	assert_int_equal(officekey_load(f->cfg.data_dir, false, key, err, sizeof err), KIOSK_OK);
	tickets_job_t job = {
		.proc = chuyen_nhuong, .office = office, .number = r->number, .ticket_id = r->ticket_id,
		.dated = r->dated, .time_ms = r->time_ms, .lang = LANG_VI, .key = key,
	};
	char link[512];
	assert_int_equal(catalog_link(cat, chuyen_nhuong, link, sizeof link), KIOSK_OK);
	job.link = link;
	uint8_t *ref;
	size_t n;
	assert_int_equal(tickets_compose(rend, profile, &job, &ref, &n, NULL), KIOSK_OK);
	ticket_renderer_close(rend);
	assert_true(received_is(f, ref, n));
	free(ref);
}

static void test_set_config(void **state)
{
	fx_t *f = *state;
	tickets_t *t = open_fake(f);
	tickets_result_t r;
	assert_int_equal(tickets_issue(t, cat, chuyen_nhuong, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	expect_stream(f, &r, "80mm", "UBND xã Mẫu Sơn");
	char err[256];
	tickets_config_t c = f->cfg;
	c.profile = "58mm";
	c.office_name = "UBND phường Hòa Bình";
	c.daily_cap = 3;
	assert_int_equal(tickets_set_config(t, &c, err, sizeof err), KIOSK_OK);
	c.office_name = "overwritten"; /* copied, not borrowed */
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_issue(t, cat, chuyen_nhuong, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "B002");
	expect_stream(f, &r, "58mm", "UBND phường Hòa Bình");
	/* An unknown profile is refused and nothing changes. */
	c.profile = "112mm";
	c.office_name = "UBND xã Sai";
	c.daily_cap = 0;
	assert_int_equal(tickets_set_config(t, &c, err, sizeof err), KIOSK_EINVAL);
	assert_non_null(strstr(err, "112mm"));
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_issue(t, cat, chuyen_nhuong, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	expect_stream(f, &r, "58mm", "UBND phường Hòa Bình");
	printer_state_t st;
	assert_int_equal(tickets_check(t, grp_b, false, &st), KIOSK_ESOLDOUT); /* cap 3 holds */
	tickets_close(t);
	/* The file transport: asking for usb needs a restart; the name holds. */
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	c = f->cfg;
	c.transport = "usb";
	c.office_name = "UBND xã Mới";
	assert_int_equal(tickets_set_config(t, &c, err, sizeof err), KIOSK_EBUSY);
	c.transport = "file";
	assert_int_equal(tickets_set_config(t, &c, err, sizeof err), KIOSK_OK);
	tickets_close(t);
}

/* What a reprint prints, byte for byte: the ticket composed as a reprint
 * (the "BẢN IN LẠI" banner, the reprint flag in the hand-off record) with
 * the same number, the new ticket id and no answers. */
static void test_reprint_exact(void **state)
{
	fx_t *f = *state;
	tickets_t *t = open_fake(f);
	tickets_result_t r, rp;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, true, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "P001");
	uint8_t *ref;
	size_t n;
	compose(f, &r, true, false, answers, 3, LANG_VI, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);
	bitmap_t img;
	stream_image(f->fake.received, f->fake.nreceived, &img);
	assert_false(banner_is(&img, "BẢN IN LẠI")); /* the original has none */
	bitmap_free(&img);

	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_reprint(t, cat, "P001", LANG_VI, &rp), KIOSK_OK);
	assert_string_equal(rp.number, "P001");
	assert_string_not_equal(rp.ticket_id, r.ticket_id);
	compose(f, &rp, true, true, NULL, 0, LANG_VI, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);
	/* Not the original's answers, not an unmarked copy, not the old id. */
	compose(f, &rp, true, true, answers, 3, LANG_VI, &ref, &n);
	assert_false(received_is(f, ref, n));
	free(ref);
	compose(f, &rp, true, false, NULL, 0, LANG_VI, &ref, &n);
	assert_false(received_is(f, ref, n));
	free(ref);
	compose(f, &r, true, true, NULL, 0, LANG_VI, &ref, &n);
	assert_false(received_is(f, ref, n));
	free(ref);
	stream_image(f->fake.received, f->fake.nreceived, &img);
	assert_true(banner_is(&img, "BẢN IN LẠI"));
	assert_false(banner_is(&img, "BẢN IN LẠI / REPRINT"));
	bitmap_free(&img);

	/* In English the banner carries both languages. */
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_reprint(t, cat, "P001", LANG_EN, &rp), KIOSK_OK);
	compose(f, &rp, true, true, NULL, 0, LANG_EN, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);
	stream_image(f->fake.received, f->fake.nreceived, &img);
	assert_true(banner_is(&img, "BẢN IN LẠI / REPRINT"));
	bitmap_free(&img);
	assert_int_equal(f->fake.jobs_printed, 3);
	tickets_close(t);
}

/* With the office hours, a ticket issued during the lunch break says when
 * the afternoon starts (byte for byte the ticket with that line); one issued
 * in the morning, or on a clock not trusted, has no such line. */
static void test_lunch_line(void **state)
{
	fx_t *f = *state;
	config_t hours;
	config_defaults(&hours); /* Monday 07:30-11:30, 13:30-17:00 */
	f->cfg.hours = &hours;
	tickets_t *t = open_fake(f);
	tickets_result_t r;
	uint8_t *ref;
	size_t n;
	kclock_parse_iso("2026-01-05T12:10:00+07:00", &f->vc.now_ms);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	compose_at(f, &r, false, false, NULL, 0, LANG_VI, 13 * 60 + 30, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);
	compose(f, &r, false, false, NULL, 0, LANG_VI, &ref, &n);
	assert_false(received_is(f, ref, n));
	free(ref);

	/* Another afternoon start is printed as configured. */
	hours.office_hours[1][1].start_min = 14 * 60;
	assert_int_equal(tickets_set_config(t, &f->cfg, NULL, 0), KIOSK_OK);
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_EN, &r), KIOSK_OK);
	compose_at(f, &r, false, false, NULL, 0, LANG_EN, 14 * 60, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);

	/* Morning: no line. */
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->vc.now_ms);
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	compose(f, &r, false, false, NULL, 0, LANG_VI, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);

	/* Lunch on a clock not trusted: no date, no line. */
	kclock_parse_iso("2026-01-05T12:10:00+07:00", &f->vc.now_ms);
	f->vc.trusted = false;
	printer_fake_reset_stream(&f->fake);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_false(r.dated);
	compose(f, &r, false, false, NULL, 0, LANG_VI, &ref, &n);
	assert_true(received_is(f, ref, n));
	free(ref);
	tickets_close(t);
}

/* The shipped catalogue ($KIOSK_ASSETS/catalog.json): every procedure gets
 * a ticket in its group's series and reprints by its number. */
static void test_shipped_catalog(void **state)
{
	fx_t *f = *state;
	char path[600], err[512];
	snprintf(path, sizeof path, "%s/catalog.json", assets());
	catalog_t *shipped = NULL;
	assert_int_equal(catalog_load(path, &shipped, err, sizeof err), KIOSK_OK);
	size_t n = catalog_proc_count(shipped);
	assert_true(n > 0);
	tickets_t *t = NULL;
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	for (size_t i = 0; i < n; i++) {
		const catalog_proc_t *p = catalog_proc_at(shipped, i);
		lang_t lang = i % 2 ? LANG_EN : LANG_VI;
		tickets_result_t r, rp;
		assert_int_equal(tickets_issue(t, shipped, p, false, NULL, 0, lang, &r), KIOSK_OK);
		assert_int_equal(r.number[0], p->group->letter);
		assert_int_equal(tickets_reprint(t, shipped, r.number, lang, &rp), KIOSK_OK);
		assert_string_equal(rp.number, r.number);
		assert_string_not_equal(rp.ticket_id, r.ticket_id);
		assert_true(spooled(f, &rp, "png"));
	}
	assert_int_equal(count_spool(f), (int)(2 * n));
	tickets_close(t);
	catalog_free(shipped);
}

static void test_fake_faults(void **state)
{
	fx_t *f = *state;
	tickets_t *t = open_fake(f);
	tickets_result_t r;
	/* No reply at all: not responding, no number. */
	f->fake.state = PRINTER_NOT_RESPONDING;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
	assert_int_equal(r.printer, PRINTER_NOT_RESPONDING);
	assert_string_equal(r.number, "");
	/* Paper out / cover open / offline before. */
	f->fake.state = PRINTER_PAPER_OUT;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	f->fake.state = PRINTER_COVER_OPEN;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ECOVER);
	f->fake.state = PRINTER_OFFLINE;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EOFFLINE);
	assert_int_equal(r.printer, PRINTER_OFFLINE);
	assert_int_equal(f->fake.nreceived, 0);
	/* Paper runs out during the ticket. */
	f->fake.state = PRINTER_OK;
	f->fake.paper_out_after = 20000;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_true(r.voided);
	assert_string_equal(r.number, "A001");
	assert_int_equal(f->fake.nreceived, 20000);
	/* Unplug mid-ticket, replug: next number, never A001 again. */
	f->fake.state = PRINTER_OK;
	f->fake.unplug_after = 3000;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_true(r.voided);
	assert_string_equal(r.number, "A002");
	assert_int_equal(r.printer, PRINTER_NO_PRINTER);
	assert_int_equal(tickets_printer_state(t), PRINTER_NO_PRINTER);
	f->fake.unplugged = false;
	assert_int_equal(tickets_printer_state(t), PRINTER_OK);
	/* Stalls that never end: not responding, voided (bytes went out). */
	f->fake.max_per_write = 1000;
	f->fake.timeout_partial_every = 0;
	f->fake.stall_writes = 0;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A003");
	f->fake.stall_writes = 1000;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
	assert_int_equal(r.printer, PRINTER_NOT_RESPONDING);
	/* Nothing was sent before the stall: released, A004 comes again. */
	assert_false(r.voided);
	f->fake.stall_writes = 0;
	/* Near end: prints with a warning. */
	f->fake.state = PRINTER_NEAR_END;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A004");
	assert_int_equal(r.printer, PRINTER_NEAR_END);
	/* Garbage replies on every try: not responding. */
	f->fake.state = PRINTER_OK;
	f->fake.garbage_replies = 100;
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
	f->fake.garbage_replies = 0;
	assert_int_equal(f->fake.jobs_printed, 2);
	tickets_close(t);
}

static void test_transport_choice(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	tickets_result_t r;
	printer_state_t st;
	setenv("KIOSK_USB_NO_DISCOVERY", "1", 1);
	/* usb without a printer: not ready, no number. */
	f->cfg.transport = "usb";
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_printer_state(t), PRINTER_NO_PRINTER);
	assert_int_equal(tickets_check(t, grp_a, false, &st), KIOSK_ENODEV);
	assert_int_equal(st, PRINTER_NO_PRINTER);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_string_equal(r.number, "");
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_EINVAL);
	assert_int_equal(tickets_next_deadline(t), -1);
	tickets_close(t);
	/* auto without a USB printer: the file transport. */
	f->cfg.transport = "auto";
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, cat, khai_sinh, false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_true(spooled(f, &r, "escpos"));
	tickets_close(t);
	f->cfg.transport = "serial";
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_EINVAL);
	assert_null(t);
	f->cfg.transport = "file";
	f->cfg.profile = "33mm";
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_EINVAL);
	assert_non_null(strstr(err, "33mm"));
	f->cfg.profile = "58mm";
	unsetenv("KIOSK_USB_NO_DISCOVERY");
	/* A corrupt ledger is reported, never replaced. */
	char path[700];
	snprintf(path, sizeof path, "%s/ledger.db", f->data);
	FILE *fp = fopen(path, "wb");
	fputs("this is not a database, but it is long enough to look like one.......", fp);
	fclose(fp);
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_ECORRUPT);
	assert_null(t);
	assert_non_null(strstr(err, "corrupt"));
}

/* The file printer, with the storage failing right after a ticket's paper
 * (its spool files) is out: the ledger's "printed" write is what fails. */
static printer_t wrapped;
static int fail_after_paper; /* SQLite code armed after the next job, 0: none */
static int w_write(void *c, const uint8_t *b, size_t n, size_t *tr, int to) { return wrapped.ops->write(wrapped.ctx, b, n, tr, to); }
static int w_read(void *c, uint8_t *b, size_t n, size_t *got, int to) { return wrapped.ops->read(wrapped.ctx, b, n, got, to); }
static int w_status(void *c, printer_state_t *st) { return wrapped.ops->status(wrapped.ctx, st); }
static int w_begin(void *c, const char *name) { return wrapped.ops->job_begin(wrapped.ctx, name); }
static int w_end(void *c, bool printed)
{
	int rc = wrapped.ops->job_end(wrapped.ctx, printed);
	if (fail_after_paper)
		faultvfs_fail_after(0, fail_after_paper);
	fail_after_paper = 0;
	return rc;
}
static void w_close(void *c) { wrapped.ops->close(wrapped.ctx); }
static const printer_ops_t wrap_ops = {.name = "file-then-storage-fault", .write = w_write, .read = w_read,
				       .status = w_status, .job_begin = w_begin, .job_end = w_end, .close = w_close};

static void test_printed_write_fails(void **state)
{
	fx_t *f = *state;
	char err[512];
	faultvfs_install();
	for (int c = 0; c < 2; c++) {
		static const int codes[] = {SQLITE_FULL, SQLITE_IOERR_WRITE};
		assert_int_equal(printer_file_open(f->spool, &wrapped, err, sizeof err), KIOSK_OK);
		tickets_t *t = NULL;
		assert_int_equal(tickets_open_io(&f->cfg, &wrap_ops, NULL, &t, err, sizeof err), KIOSK_OK);
		tickets_result_t r;
		fail_after_paper = codes[c];
		/* The whole ticket is on paper: the citizen keeps the number and
		 * the screen says so (not "no number was issued"). */
		assert_int_equal(tickets_issue(t, cat, khai_sinh, false, answers, 3, LANG_VI, &r), KIOSK_OK);
		assert_int_equal(r.rc, KIOSK_OK);
		assert_string_equal(r.number, c == 0 ? "A001" : "A002");
		assert_true(r.storage_warning);
		assert_false(r.voided);
		assert_true(spooled(f, &r, "escpos"));
		assert_true(tickets_storage_warning(t));
		tickets_result_t keep = r;
		/* While the storage fails, no number is given, and the reason is
		 * the storage, not the printer. */
		printer_state_t st;
		int want = c == 0 ? KIOSK_ENOSPC : KIOSK_EIO;
		assert_int_equal(tickets_check(t, grp_a, false, &st), want);
		assert_int_equal(st, PRINTER_OK);
		assert_int_equal(tickets_issue(t, cat, khai_sinh, false, answers, 3, LANG_VI, &r), want);
		assert_true(r.storage_fault);
		assert_string_equal(r.number, "");
		char why[320];
		assert_int_equal(tickets_storage_error(t, why, sizeof why), want);
		assert_null(strstr(why, "not an error"));
		assert_int_equal(count_spool(f), c + 1);
		/* Killed or restarted before the storage recovers. */
		tickets_close(t);
		faultvfs_clear();
		ledger_t *l;
		char path[700];
		snprintf(path, sizeof path, "%s/ledger.db", f->data);
		assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_OK);
		char state_[16];
		assert_int_equal(ledger_state(l, c + 1, state_, sizeof state_), KIOSK_OK);
		assert_string_equal(state_, "printed");
		assert_int_equal(ledger_event_count(l, "voided"), 0);
		ledger_close(l);
		(void)keep;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_issue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_sim_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_mark_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_stream_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lunch_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printed_write_fails, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, load_catalog, free_catalog);
	if (TTF_WasInit())
		TTF_Quit();
	return rc;
}
