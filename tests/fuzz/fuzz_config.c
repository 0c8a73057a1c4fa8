/* fuzz_config.c - libFuzzer target: arbitrary bytes as a configuration
 * layer. The overlay must either succeed with every field in range or fail
 * with a message and leave the configuration untouched. The same bytes are
 * also used as an i18n_format template. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/config.h"
#include "core/i18n.h"
#include "core/kiosk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	config_t cfg, before;
	config_defaults(&cfg);
	before = cfg;
	char err[256];
	int rc = config_overlay_text(&cfg, "fuzz.json", text, err, sizeof err);
	if (rc != KIOSK_OK) {
		if (memcmp(&cfg, &before, sizeof cfg) != 0 || strncmp(err, "fuzz.json: ", 11) != 0)
			abort();
	} else {
		if (cfg.session_idle_s < 60 || cfg.session_idle_s > 1200 ||
		    cfg.panel_diagonal_in < 7 || cfg.panel_diagonal_in > 100 ||
		    cfg.printer_usb_allow_count > CONFIG_MAX_USB ||
		    cfg.office_procedures_count > CONFIG_MAX_PROCS ||
		    memchr(cfg.office_name, '\0', sizeof cfg.office_name) == NULL)
			abort();
		for (int d = 0; d < 7; d++) {
			if (cfg.office_hours_count[d] > CONFIG_MAX_PERIODS)
				abort();
			for (int i = 0; i < cfg.office_hours_count[d]; i++) {
				const config_period_t *p = &cfg.office_hours[d][i];
				if (p->start_min >= p->end_min || p->end_min > 1440 ||
				    (i > 0 && p->start_min < cfg.office_hours[d][i - 1].end_min))
					abort();
			}
		}
	}

	char out[64];
	i18n_format(out, sizeof out, text, "a", "1", "name", "Tân Hòa", NULL);
	if (memchr(out, '\0', sizeof out) == NULL)
		abort();
	free(text);
	return 0;
}
