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

#include "catalog.h"
#include "clock.h"
#include "kiosk.h"
#include "printer.h"
#include "tickets.h"

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

static const catalog_group_t grp = {"ho-tich", 'A', {"Hộ tịch", "Civil status"}};
static const catalog_field_t fields[] = {
	{"ho_ten", FIELD_NAME, true, {"Họ và tên", "Full name"}, {NULL, NULL}, 0},
	{"dia_chi", FIELD_ADDRESS, false, {"Địa chỉ", "Address"}, {NULL, NULL}, 0},
};
static const char *const docs_vi[] = {"Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Căn cước của cha hoặc mẹ"};
static const catalog_proc_t proc = {"khai-sinh", &grp, "1.001193", {"Đăng ký khai sinh", "Birth registration"},
				    {NULL, NULL}, {docs_vi, NULL}, 3, fields, 2, false};
static const catalog_t cat = {&proc, 1};

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
	char err[256];
	if (tickets_open_io(&cfg, &ops, &fake, &t, err, sizeof err)) {
		fprintf(stderr, "print_bench: %s\n", err);
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
		if (tickets_issue(t, &cat, &proc, false, ans, 2, LANG_VI, &r) != KIOSK_OK) {
			fprintf(stderr, "print_bench: issue failed\n");
			return 1;
		}
		lat[i] = (last_write - t0) * 1000.0;
		bytes = job_bytes;
		vc.now_ms += 30000;
	}
	tickets_close(t);
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
