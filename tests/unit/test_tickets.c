/* test_tickets.c - tickets_issue / tickets_reprint end to end over the file
 * transport (simulated printer) and the fault-injecting fake transport:
 * right state, nothing lost, nothing duplicated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "escpos.h"
#include "kiosk.h"
#include "ledger.h"
#include "printer.h"
#include "ticket.h"
#include "tickets.h"

/* ---- a test-local in-memory catalog (no loader needed) ---- */
struct catalog {
	const catalog_proc_t *procs;
	size_t n;
};

#if !__has_include("catalog.c")
/* No catalogue loader in this tree yet: tickets.c's lookup (used only by
 * tickets_reprint) resolves against the in-memory catalogue below. */
__attribute__((weak)) const catalog_proc_t *catalog_proc_find(const catalog_t *cat, const char *id)
{
	for (size_t i = 0; cat && i < cat->n; i++)
		if (strcmp(cat->procs[i].id, id) == 0)
			return &cat->procs[i];
	return NULL;
}
#define HAVE_FAKE_CATALOG 1
#endif

static const catalog_group_t grp_a = {"ho-tich", 'A', {"Hộ tịch", "Civil status"}};
static const catalog_group_t grp_b = {"dat-dai", 'B', {"Đất đai", "Land"}};
static const catalog_field_t fields[] = {
	{"ho_ten", FIELD_NAME, true, {"Họ và tên", "Full name"}, {NULL, NULL}, 0},
	{"so_cccd", FIELD_CCCD, false, {"Số CCCD", "ID number"}, {NULL, NULL}, 0},
	{"sdt", FIELD_PHONE, false, {"Số điện thoại", "Phone"}, {NULL, NULL}, 0},
};
static const char *const docs_vi[] = {"Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Căn cước của cha hoặc mẹ"};
static const char *const docs_en[] = {"Birth registration form", "Birth certificate from the hospital", "ID card of a parent"};
static const catalog_proc_t procs[] = {
	{"khai-sinh", &grp_a, "1.001193", {"Đăng ký khai sinh", "Birth registration"}, {NULL, NULL},
	 {docs_vi, docs_en}, 3, fields, 3, false},
	{"chuyen-nhuong", &grp_b, "1.003003", {"Chuyển nhượng quyền sử dụng đất", "Land use right transfer"},
	 {NULL, NULL}, {NULL, NULL}, 0, fields, 1, false},
};
static const catalog_t cat = {procs, 2};
#ifdef HAVE_FAKE_CATALOG
#define REPRINT(t, n, l, o) tickets_reprint(t, &cat, n, l, o)
#else
#define REPRINT(t, n, l, o) tickets_reprint_proc(t, &procs[0], n, l, o)
#endif

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
	assert_int_equal(tickets_check(t, &grp_a, false, &st), KIOSK_OK);
	assert_int_equal(st, PRINTER_OK);
	tickets_result_t r;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_true(r.dated);
	assert_true(spooled(f, &r, "escpos"));
	assert_true(spooled(f, &r, "png"));
	tickets_result_t r2;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_EN, &r2), KIOSK_OK);
	assert_string_equal(r2.number, "A002");
	assert_string_not_equal(r.ticket_id, r2.ticket_id);
	assert_int_equal(tickets_issue(t, &cat, &procs[1], false, NULL, 0, LANG_VI, &r2), KIOSK_OK);
	assert_string_equal(r2.number, "B001");
	assert_int_equal(count_spool(f), 3);
	/* Unknown answer field: refused before anything is reserved. */
	tickets_answer_t bad = {"nope", "x"};
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, &bad, 1, LANG_VI, &r2), KIOSK_EINVAL);
	assert_string_equal(r2.number, "");
	tickets_close(t);
	/* Restart: numbering continues. */
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r2), KIOSK_OK);
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
	assert_int_equal(tickets_check(t, &grp_a, false, &st), KIOSK_EPAPER);
	assert_int_equal(st, PRINTER_PAPER_OUT);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_int_equal(r.printer, PRINTER_PAPER_OUT);
	assert_string_equal(r.number, "");
	assert_false(r.voided);
	assert_int_equal(tickets_sim_set(t, PRINTER_COVER_OPEN, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ECOVER);
	assert_int_equal(r.printer, PRINTER_COVER_OPEN);
	assert_int_equal(tickets_sim_set(t, PRINTER_NO_PRINTER, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_int_equal(r.printer, PRINTER_NO_PRINTER);
	/* Back to normal: the first number is still A001. */
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	/* Paper runs out mid-ticket: A002 is void, never reissued. */
	assert_int_equal(tickets_sim_set(t, PRINTER_PAPER_OUT, 5000), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_true(r.voided);
	assert_string_equal(r.number, "A002");
	assert_int_equal(r.printer, PRINTER_PAPER_OUT);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_int_equal(tickets_sim_set(t, PRINTER_NEAR_END, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A003");
	assert_int_equal(r.printer, PRINTER_NEAR_END);
	/* Unplugged mid-ticket. */
	assert_int_equal(tickets_sim_set(t, PRINTER_NO_PRINTER, 100), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_true(r.voided);
	assert_string_equal(r.number, "A004");
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A005");
	assert_int_equal(count_spool(f), 3); /* A001, A003, A005 */
	tickets_close(t);
}

static void test_reprint(void **state)
{
	fx_t *f = *state;
	tickets_t *t = NULL;
	char err[256];
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	tickets_result_t r, rp;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], true, answers, 3, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "P001");
	assert_int_equal(REPRINT(t, "P001", LANG_VI, &rp), KIOSK_OK);
	assert_string_equal(rp.number, "P001");
	assert_string_not_equal(rp.ticket_id, r.ticket_id);
	assert_true(spooled(f, &rp, "png"));
	assert_int_equal(REPRINT(t, "P002", LANG_VI, &rp), KIOSK_ENOENT);
	assert_int_equal(REPRINT(t, "A001", LANG_VI, &rp), KIOSK_ENOENT);
	/* Another procedure than the number's: refused, number untouched. */
	assert_int_equal(tickets_reprint_proc(t, &procs[1], "P001", LANG_VI, &rp), KIOSK_EINVAL);
	/* A failed reprint never voids the number. */
	assert_int_equal(tickets_sim_set(t, PRINTER_PAPER_OUT, 50), KIOSK_OK);
	assert_int_equal(REPRINT(t, "P001", LANG_VI, &rp), KIOSK_EPAPER);
	assert_false(rp.voided);
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_OK);
	assert_int_equal(REPRINT(t, "P001", LANG_EN, &rp), KIOSK_OK);
	tickets_close(t);
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
	assert_int_equal(tickets_issue(t, &cat, &procs[0], true, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A002");
	printer_state_t st;
	assert_int_equal(tickets_check(t, &grp_a, false, &st), KIOSK_ESOLDOUT);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ESOLDOUT);
	assert_string_equal(r.number, "");
	assert_int_equal(tickets_check(t, &grp_b, false, &st), KIOSK_OK);
	tickets_close(t);
	f->cfg.priority = PRIORITY_NONE;
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[1], true, NULL, 0, LANG_VI, &r), KIOSK_EINVAL);
	assert_int_equal(tickets_check(t, &grp_b, true, &st), KIOSK_EINVAL);
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

/* The exact reference stream for an issued ticket. */
static void reference(fx_t *f, const tickets_result_t *r, bool priority, const tickets_answer_t *a,
		      size_t na, uint8_t **bytes, size_t *n)
{
	struct ticket_renderer *rend = NULL;
	char err[256];
	assert_int_equal(ticket_renderer_open(assets(), &rend, err, sizeof err), KIOSK_OK);
	tickets_job_t job = {
		.proc = &procs[0], .office = f->cfg.office_name, .number = r->number, .ticket_id = r->ticket_id,
		.priority = priority, .dated = r->dated, .time_ms = r->time_ms, .lang = LANG_VI,
		.answers = a, .nanswers = na,
	};
	assert_int_equal(tickets_compose(rend, "80mm", &job, bytes, n, NULL), KIOSK_OK);
	ticket_renderer_close(rend);
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
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, answers, 3, LANG_VI, &r), KIOSK_OK);
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
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A002");
	reference(f, &r, false, NULL, 0, &ref, &n);
	assert_int_equal(f->fake.nreceived, n);
	assert_memory_equal(f->fake.received, ref, n);
	free(ref);
	tickets_close(t);
}

static void test_fake_faults(void **state)
{
	fx_t *f = *state;
	tickets_t *t = open_fake(f);
	tickets_result_t r;
	/* No reply at all: not responding, no number. */
	f->fake.state = PRINTER_NOT_RESPONDING;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
	assert_int_equal(r.printer, PRINTER_NOT_RESPONDING);
	assert_string_equal(r.number, "");
	/* Paper out / cover open / offline before. */
	f->fake.state = PRINTER_PAPER_OUT;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	f->fake.state = PRINTER_COVER_OPEN;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ECOVER);
	f->fake.state = PRINTER_OFFLINE;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EOFFLINE);
	assert_int_equal(r.printer, PRINTER_OFFLINE);
	assert_int_equal(f->fake.nreceived, 0);
	/* Paper runs out during the ticket. */
	f->fake.state = PRINTER_OK;
	f->fake.paper_out_after = 20000;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_EPAPER);
	assert_true(r.voided);
	assert_string_equal(r.number, "A001");
	assert_int_equal(f->fake.nreceived, 20000);
	/* Unplug mid-ticket, replug: next number, never A001 again. */
	f->fake.state = PRINTER_OK;
	f->fake.unplug_after = 3000;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
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
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A003");
	f->fake.stall_writes = 1000;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
	assert_int_equal(r.printer, PRINTER_NOT_RESPONDING);
	/* Nothing was sent before the stall: released, A004 comes again. */
	assert_false(r.voided);
	f->fake.stall_writes = 0;
	/* Near end: prints with a warning. */
	f->fake.state = PRINTER_NEAR_END;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
	assert_string_equal(r.number, "A004");
	assert_int_equal(r.printer, PRINTER_NEAR_END);
	/* Garbage replies on every try: not responding. */
	f->fake.state = PRINTER_OK;
	f->fake.garbage_replies = 100;
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ETIMEOUT);
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
	assert_int_equal(tickets_check(t, &grp_a, false, &st), KIOSK_ENODEV);
	assert_int_equal(st, PRINTER_NO_PRINTER);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_ENODEV);
	assert_string_equal(r.number, "");
	assert_int_equal(tickets_sim_set(t, PRINTER_OK, -1), KIOSK_EINVAL);
	assert_int_equal(tickets_next_deadline(t), -1);
	tickets_close(t);
	/* auto without a USB printer: the file transport. */
	f->cfg.transport = "auto";
	assert_int_equal(tickets_open(&f->cfg, &t, err, sizeof err), KIOSK_OK);
	assert_int_equal(tickets_issue(t, &cat, &procs[0], false, NULL, 0, LANG_VI, &r), KIOSK_OK);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_issue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_sim_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_mark_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_stream_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fake_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_choice, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
