/* paths.h - where a kiosk process finds its files: the shared assets, the
 * data folder, the active data bundle, and the configuration layers read
 * from them (paths.c). The kiosk and the wall board each hold one. */
#ifndef APP_PATHS_H
#define APP_PATHS_H

#include <stddef.h>

#include "app/app.h"
#include "domain/config.h"

typedef struct {
	char assets[1024];         /* shared assets (kiosk_assets_dir) */
	char data[1024];           /* ledger, logs, local.json */
	char data_slot[1024];      /* the active data bundle ("" = none): catalog,
				    * translations, site configuration */
	const char *config_file;   /* --config: replaces the site layer (NULL) */
} app_paths_t;

/* From the options: --assets (else $KIOSK_ASSETS, else beside the
 * program), --data (else "kiosk-data"), --config; no data bundle. */
void app_paths_init(app_paths_t *p, const app_options_t *o);
/* Use the data bundle kiosk-launcher names in $KIOSK_DATA_SLOT, when that
 * is a folder. */
void app_paths_use_data_slot(app_paths_t *p);

/* The path of asset `name` (e.g. "catalog.json", "i18n"): from the active
 * data bundle when it has it, else from the assets. */
void app_paths_asset(const app_paths_t *p, const char *name, char *out, size_t cap);
/* All configuration layers into *out: defaults, site.json (the --config
 * file instead when given; from the data bundle when it has one),
 * local.json of the data folder. config_load's result and message. */
int app_paths_config(const app_paths_t *p, config_t *out, char *err, size_t errlen);

#endif
