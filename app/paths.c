/* paths.c - the assets, the data folder and the data bundle of a kiosk
 * process, and the one configuration-load sequence over them (paths.h). */
#include "app/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"

void app_paths_init(app_paths_t *p, const app_options_t *o)
{
	kiosk_assets_dir(o->assets_dir, p->assets, sizeof p->assets);
	snprintf(p->data, sizeof p->data, "%s", o->data_dir ? o->data_dir : "kiosk-data");
	p->data_slot[0] = '\0';
	p->config_file = o->config_file;
}

void app_paths_use_data_slot(app_paths_t *p)
{
	const char *ds = getenv("KIOSK_DATA_SLOT");
	struct stat st;
	p->data_slot[0] = '\0';
	if (!ds || !*ds || stat(ds, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	snprintf(p->data_slot, sizeof p->data_slot, "%s", ds);
}

/* A data bundle carries the catalog, the translations and the site
 * configuration; fonts, sounds and the rest stay with the app. */
void app_paths_asset(const app_paths_t *p, const char *name, char *out, size_t cap)
{
	if (p->data_slot[0]) {
		snprintf(out, cap, "%s/%s", p->data_slot, name);
		if (access(out, R_OK) == 0)
			return;
	}
	snprintf(out, cap, "%s/%s", p->assets, name);
}

int app_paths_config(const app_paths_t *p, config_t *out, char *err, size_t errlen)
{
	char site[1100], local[1100];
	app_paths_asset(p, "site.json", site, sizeof site);
	if (config_local_path(p->data, local, sizeof local) != KIOSK_OK) {
		snprintf(err, errlen, "%s: the data folder's path is too long", p->data);
		return KIOSK_ERANGE;
	}
	return config_load(out, p->config_file ? p->config_file : site, local, err, errlen);
}
