/* print_bench.c - printing benchmark: time from the tickets_issue call to
 * the last byte handed to the transport (a recording fake printer), bytes
 * per ticket, and how that compares with full-speed USB (~1.2 MB/s) and the
 * print mechanism (250 mm/s and 90 mm/s). Prints figures, asserts nothing.
 *
 *   print_bench DATA_DIR [N] [PROFILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "core/kiosk.h"
#include "drivers/printer/printer.h"
#include "print/tickets.h"

/* The ticket measured: a JSON fixture read by the real catalogue loader. */
static const char catalog_json[] =
	"{ \"version\": 1,\n"
	"  \"link_template\": \"https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc={code}\",\n"
	"  \"groups\": [ { \"id\": \"ho-tich\", \"letter\": \"A\", \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } } ],\n"
	"  \"procedures\": [\n"
	"    { \"id\": \"khai-sinh\", \"group\": \"ho-tich\", \"code\": \"1.001193\",\n"
	"      \"name\": { \"vi\": \"Đăng ký khai sinh\", \"en\": \"Birth registration\" },\n"
	"      \"docs\": [ { \"vi\": \"Tờ khai đăng ký khai sinh\", \"en\": \"Birth registration form\" },\n"
	"                { \"vi\": \"Giấy chứng sinh\", \"en\": \"Birth certificate from the hospital\" },\n"
	"                { \"vi\": \"Căn cước của cha hoặc mẹ\", \"en\": \"ID card of a parent\" } ],\n"
	"      \"fields\": [\n"
	"        { \"id\": \"ho_ten\", \"type\": \"name\", \"required\": true,\n"
	"          \"label\": { \"vi\": \"Họ và tên\", \"en\": \"Full name\" } },\n"
	"        { \"id\": \"dia_chi\", \"type\": \"address\", \"required\": false,\n"
	"          \"label\": { \"vi\": \"Địa chỉ\", \"en\": \"Address\" } } ] }\n"
	"  ]\n"
	"}\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static printer_fake_t fake;
static double last_write;
static size_t job_bytes;
static int (*fake_write)(void *, const uint8_t *, size_t, size_t *, int);

static int rec_write(void *ctx, const uint8_t *b, size_t len, size_t *tr, int to)
{
	int rc = fake_write(ctx, b, len, tr, to);
	if (!(len == 3 && b[0] == 0x10 && b[1] == 0x04)) {
		last_write = now_s();
		job_bytes += *tr;
	}
	return rc;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int n = argc > 2 ? atoi(argv[2]) : 20;
	const char *profile = argc > 3 ? argv[3] : "80mm";
	if (n < 1 || n > 999)
		return 2;
	kclock_virtual_t vc = {0, 0, true};
	kclock_parse_iso("2026-01-05T08:00:00+07:00", &vc.now_ms);
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	catalog_t *cat = NULL;
	char err[256];
	if (catalog_load_text("print_bench.json", catalog_json, strlen(catalog_json), &cat, err, sizeof err)) {
		fprintf(stderr, "print_bench: %s\n", err);
		return 1;
	}
	const catalog_proc_t *proc = catalog_proc_find(cat, "khai-sinh");
	const char *assets = getenv("KIOSK_ASSETS");
	tickets_config_t cfg = {
		.data_dir = argv[1], .assets_dir = assets ? assets : "build/share/kiosk", .profile = profile,
		.office_name = "UBND xã Mẫu Sơn", .priority = PRIORITY_MARK, .clock = &clock,
	};
	printer_fake_init(&fake);
	printer_t p;
	printer_fake_attach(&fake, escpos_profile_find(profile), &p);
	static printer_ops_t ops;
	ops = *p.ops;
	fake_write = ops.write;
	ops.write = rec_write;
	tickets_t *t;
	if (tickets_open_io(&cfg, &ops, &fake, &t, err, sizeof err)) {
		fprintf(stderr, "print_bench: %s\n", err);
		catalog_free(cat);
		return 1;
	}
	const tickets_answer_t ans[] = {{"ho_ten", "Nguyễn Thị Ánh Tuyết"}, {"dia_chi", "Thôn Đông, xã Mẫu Sơn"}};
	double *lat = calloc((size_t)n, sizeof *lat);
	size_t bytes = 0;
	for (int i = 0; i < n; i++) {
		tickets_result_t r;
		job_bytes = 0;
		printer_fake_reset_stream(&fake);
		double t0 = now_s();
		if (tickets_issue(t, cat, proc, false, ans, 2, LANG_VI, &r) != KIOSK_OK) {
			fprintf(stderr, "print_bench: issue failed\n");
			return 1;
		}
		lat[i] = (last_write - t0) * 1000.0;
		bytes = job_bytes;
		vc.now_ms += 30000;
	}
	tickets_close(t);
	catalog_free(cat);
	printer_fake_free(&fake);
	qsort(lat, (size_t)n, sizeof *lat, cmpd);
	const escpos_profile_t *prof = escpos_profile_find(profile);
	double rows = (double)bytes / (prof->dots / 8.0);
	double mm = rows / prof->dots_per_mm;
	double usb_ms = bytes / 1.2e6 * 1000.0;
	printf("profile=%s tickets=%d\n", profile, n);
	printf("issue_to_last_byte_ms median=%.1f min=%.1f max=%.1f\n", lat[n / 2], lat[0], lat[n - 1]);
	printf("bytes_per_ticket=%zu raster_rows=%.0f ticket_length_mm=%.0f\n", bytes, rows, mm);
	printf("usb_full_speed_ms=%.1f (at 1.2 MB/s)\n", usb_ms);
	printf("mechanism_ms at 250 mm/s=%.0f, at 90 mm/s=%.0f (ticket + 20 mm cutter feed)\n",
	       (mm + 20) / 250 * 1000, (mm + 20) / 90 * 1000);
	printf("host_share_of_250mm_s_print=%.0f%%\n", lat[n / 2] / ((mm + 20) / 250 * 1000) * 100);
	free(lat);
	return 0;
}
