/* bench_forms.c - timing figures for the forms module: catalog load, field
 * validation and CCCD QR parsing. Prints numbers; asserts nothing.
 * Usage: bench_forms [catalog.json] */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/catalog.h"
#include "domain/cccd.h"
#include "domain/field.h"
#include "core/kiosk.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "assets/catalog.json";
	char err[512];
	int n = 200;
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		catalog_t *cat;
		if (catalog_load(path, &cat, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		catalog_free(cat);
	}
	printf("catalog_load: %.3f ms per load (%d loads)\n", (now_s() - t0) * 1000 / n, n);

	static const struct { field_type_t t; const char *in; } v[] = {
		{ FIELD_NAME, "nguyễn thị minh khai" }, { FIELD_CCCD, "001 152 000 123" },
		{ FIELD_PHONE, "+84 912 345 678" }, { FIELD_BIRTHDATE, "5/3/1958" },
		{ FIELD_ADDRESS, "Thôn Mẫu, Xã Mẫu, Huyện Mẫu, Hà Nội" }, { FIELD_SEX, "Nữ" },
	};
	n = 20000;
	char out[FIELD_OUT_MAX];
	const char *msg;
	t0 = now_s();
	for (int i = 0; i < n; i++)
		field_validate(v[i % 6].t, v[i % 6].in, 0, NULL, out, sizeof out, &msg);
	printf("field_validate: %.2f us per value (%d values, mixed types)\n",
	       (now_s() - t0) * 1e6 / n, n);

	const char *qr = "001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|"
			 "Thôn Mẫu, Xã Mẫu, Huyện Mẫu, Hà Nội|10102021";
	cccd_t c;
	cccd_status_t st;
	t0 = now_s();
	for (int i = 0; i < n; i++)
		cccd_parse(qr, strlen(qr), NULL, &c, &st, &msg);
	printf("cccd_parse: %.2f us per scan (%d scans, synthetic card)\n", (now_s() - t0) * 1e6 / n, n);
	cccd_wipe(&c);
	return 0;
}
