/* fuzz_catalog.c - libFuzzer target for the catalog loader: any text either
 * loads into a consistent catalog or fails with a "FILE:LINE: " message;
 * never a crash, leak or sanitizer report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/catalog.h"
#include "core/kiosk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	catalog_t *cat = NULL;
	char err[512];
	int rc = catalog_load_text("f.json", (const char *)data, size, &cat, err, sizeof err);
	if (rc != KIOSK_OK) {
		if (cat || strncmp(err, "f.json:", 7) != 0)
			abort();
		return 0;
	}
	char link[512];
	for (size_t i = 0; i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		if (!p->group || !p->name[LANG_VI] || !p->short_name[LANG_EN])
			abort();
		catalog_link(cat, p, link, sizeof link);
		for (size_t f = 0; f < p->nfields; f++)
			if (!p->fields[f].label[LANG_EN])
				abort();
	}
	catalog_free(cat);
	return 0;
}
