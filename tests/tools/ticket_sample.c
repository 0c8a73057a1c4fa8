/* ticket_sample.c - issues sample tickets through tickets_issue and the file
 * transport, then reprints the first one through tickets_reprint, with a
 * small catalogue (a JSON fixture read by the real loader), for the shell
 * tests and the benchmark.
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

#include "domain/catalog.h"
#include "core/clock.h"
#include "core/kiosk.h"
#include "print/tickets.h"

static const char catalog_json[] =
	"{ \"version\": 1,\n"
	"  \"link_template\": \"https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc={code}\",\n"
	"  \"groups\": [ { \"id\": \"ho-tich\", \"letter\": \"A\", \"name\": { \"vi\": \"Hộ tịch\", \"en\": \"Civil status\" } } ],\n"
	"  \"procedures\": [\n"
	"    { \"id\": \"khai-sinh\", \"group\": \"ho-tich\", \"code\": \"1.001193\",\n"
	"      \"name\": { \"vi\": \"Đăng ký khai sinh cho trẻ em sinh ra tại Việt Nam\", \"en\": \"Birth registration\" },\n"
	"      \"short_name\": { \"vi\": \"Đăng ký khai sinh\", \"en\": \"Birth registration\" },\n"
	"      \"docs\": [ { \"vi\": \"Tờ khai đăng ký khai sinh theo mẫu\", \"en\": \"Birth registration form\" },\n"
	"                { \"vi\": \"Giấy chứng sinh\", \"en\": \"Birth certificate from the hospital\" },\n"
	"                { \"vi\": \"Căn cước của cha hoặc mẹ\", \"en\": \"ID card of a parent\" },\n"
	"                { \"vi\": \"Giấy chứng nhận kết hôn\", \"en\": \"Marriage certificate\" },\n"
	"                { \"vi\": \"Sổ hộ khẩu\", \"en\": \"Household book\" } ],\n"
	"      \"fields\": [\n"
	"        { \"id\": \"ho_ten\", \"type\": \"name\", \"required\": true,\n"
	"          \"label\": { \"vi\": \"Họ và tên\", \"en\": \"Full name\" } },\n"
	"        { \"id\": \"so_cccd\", \"type\": \"cccd\", \"required\": false,\n"
	"          \"label\": { \"vi\": \"Số CCCD\", \"en\": \"ID number\" } },\n"
	"        { \"id\": \"dia_chi\", \"type\": \"address\", \"required\": false,\n"
	"          \"label\": { \"vi\": \"Địa chỉ\", \"en\": \"Address\" } } ] }\n"
	"  ]\n"
	"}\n";

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
	catalog_t *cat = NULL;
	char err[256];
	if (catalog_load_text("ticket_sample.json", catalog_json, strlen(catalog_json), &cat, err, sizeof err)) {
		fprintf(stderr, "ticket_sample: %s\n", err);
		return 1;
	}
	const catalog_proc_t *proc = catalog_proc_find(cat, "khai-sinh");
	const char *assets = getenv("KIOSK_ASSETS");
	tickets_config_t cfg = {
		.data_dir = argv[1], .spool_dir = argv[2], .assets_dir = assets ? assets : "build/share/kiosk",
		.transport = "file", .profile = profile, .office_name = "UBND xã Mẫu Sơn",
		.priority = PRIORITY_MARK, .clock = &clock,
	};
	tickets_t *t;
	if (tickets_open(&cfg, &t, err, sizeof err)) {
		fprintf(stderr, "ticket_sample: %s\n", err);
		catalog_free(cat);
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
		rc = tickets_issue(t, cat, proc, i == 0, ans, 3, lang, &r);
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
		rc = tickets_reprint(t, cat, "A001", lang, &r);
		if (!rc)
			printf("%s-%s\n", r.ticket_id, r.number);
		else
			fprintf(stderr, "ticket_sample: reprint failed: %s\n", kiosk_strerror(rc));
	}
	tickets_close(t);
	catalog_free(cat);
	return rc ? 1 : 0;
}
