/* ticket_sample.c - issues sample tickets through tickets_issue and the file
 * transport with a small in-memory catalog (test-local; no catalog loader
 * needed), for the shell tests and the benchmark.
 *
 *   ticket_sample DATA_DIR SPOOL_DIR [--profile P] [--lang vi|en]
 *                 [--untrusted] [--count N] [--bench]
 * Prints one line per ticket: "<ticket id>-<number>" (the spool file stem);
 * with --bench also "issue_us=<microseconds from issue call to last byte>
 * bytes=<n>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "clock.h"
#include "kiosk.h"
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

static const catalog_group_t grp_a = {"ho-tich", 'A', {"Hộ tịch", "Civil status"}};
static const catalog_field_t fields[] = {
	{"ho_ten", FIELD_NAME, true, {"Họ và tên", "Full name"}, {NULL, NULL}, 0},
	{"so_cccd", FIELD_CCCD, false, {"Số CCCD", "ID number"}, {NULL, NULL}, 0},
	{"dia_chi", FIELD_ADDRESS, false, {"Địa chỉ", "Address"}, {NULL, NULL}, 0},
};
static const char *const docs_vi[] = {"Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh",
				      "Căn cước của cha hoặc mẹ", "Giấy chứng nhận kết hôn", "Sổ hộ khẩu"};
static const char *const docs_en[] = {"Birth registration form", "Birth certificate from the hospital",
				      "ID card of a parent", "Marriage certificate", "Household book"};
static const catalog_proc_t procs[] = {
	{"khai-sinh", &grp_a, "1.001193", {"Đăng ký khai sinh cho trẻ em sinh ra tại Việt Nam", "Birth registration"},
	 {"Đăng ký khai sinh", "Birth registration"}, {docs_vi, docs_en}, 5, fields, 3, false},
};
static const catalog_t cat = {procs, 1};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ticket_sample DATA_DIR SPOOL_DIR [--profile P] [--lang vi|en] "
				"[--untrusted] [--count N] [--bench]\n");
		return 2;
	}
	const char *profile = "80mm";
	lang_t lang = LANG_VI;
	bool trusted = true, bench = false;
	int count = 1;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			profile = argv[++i];
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = strcmp(argv[++i], "en") == 0 ? LANG_EN : LANG_VI;
		else if (strcmp(argv[i], "--untrusted") == 0)
			trusted = false;
		else if (strcmp(argv[i], "--bench") == 0)
			bench = true;
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else
			return 2;
	}
	kclock_virtual_t vc = {0, 0, trusted};
	kclock_parse_iso("2026-03-02T09:15:00+07:00", &vc.now_ms);
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	const char *assets = getenv("KIOSK_ASSETS");
	tickets_config_t cfg = {
		.data_dir = argv[1], .spool_dir = argv[2], .assets_dir = assets ? assets : "build/share/kiosk",
		.transport = "file", .profile = profile, .office_name = "UBND xã Mẫu Sơn",
		.priority = PRIORITY_MARK, .clock = &clock,
	};
	tickets_t *t;
	char err[256];
	if (tickets_open(&cfg, &t, err, sizeof err)) {
		fprintf(stderr, "ticket_sample: %s\n", err);
		return 1;
	}
	static const tickets_answer_t ans[] = {
		{"ho_ten", "Nguyễn Thị Ánh Tuyết"}, {"so_cccd", "001152000123"},
		{"dia_chi", "Thôn Đông; xã Mẫu Sơn, 100% \"thử\""},
	};
	int rc = 0;
	for (int i = 0; i < count && !rc; i++) {
		tickets_result_t r;
		int64_t t0 = now_us();
		rc = tickets_issue(t, &cat, &procs[0], i == 0, ans, 3, lang, &r);
		int64_t t1 = now_us();
		if (rc) {
			fprintf(stderr, "ticket_sample: issue failed: %s\n", kiosk_strerror(rc));
			break;
		}
		printf("%s-%s\n", r.ticket_id, r.number);
		if (bench)
			printf("issue_us=%lld\n", (long long)(t1 - t0));
		vc.now_ms += 60000;
	}
	if (!rc && !bench) {
		tickets_result_t r;
		rc = tickets_reprint_proc(t, &procs[0], "A001", lang, &r);
		if (!rc)
			printf("%s-%s\n", r.ticket_id, r.number);
		else
			fprintf(stderr, "ticket_sample: reprint failed: %s\n", kiosk_strerror(rc));
	}
	tickets_close(t);
	return rc ? 1 : 0;
}
