/* catalog-check.c - validate a procedure catalog file and print either the
 * first problem ("FILE:LINE: key.path: problem", exit 1) or a summary of
 * groups and procedures (exit 0). Usage: catalog-check [catalog.json] */
#include <stdio.h>

#include "domain/catalog.h"
#include "core/kiosk.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "assets/catalog.json";
	catalog_t *cat;
	char err[512];
	if (catalog_load(path, &cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < catalog_group_count(cat); i++) {
		const catalog_group_t *g = catalog_group_at(cat, i);
		printf("%c %s (%s)\n", g->letter, g->name[LANG_VI], g->name[LANG_EN]);
		for (size_t j = 0; j < catalog_proc_count(cat); j++) {
			const catalog_proc_t *p = catalog_proc_at(cat, j);
			if (p->group == g)
				printf("  %-10s %-20s %zu docs, %zu fields%s\n", p->code, p->id,
				       p->ndocs, p->nfields, p->handoff_id ? ", hands off ID" : "");
		}
	}
	printf("%s: ok, %zu groups, %zu procedures\n", path, catalog_group_count(cat),
	       catalog_proc_count(cat));
	catalog_free(cat);
	return 0;
}
