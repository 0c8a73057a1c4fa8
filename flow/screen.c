/* screen.c - the fixed names of the screens (flow/screen.h). */
#include "flow/screen.h"

#include <string.h>

#include "core/kiosk.h"

static const char *const ids[SCR_COUNT] = {
	[SCR_WELCOME] = "welcome", [SCR_GROUPS] = "groups", [SCR_PROCEDURES] = "procedures",
	[SCR_DOCUMENTS] = "documents", [SCR_FORM] = "form", [SCR_REVIEW] = "review",
	[SCR_PRIORITY] = "priority", [SCR_PRINTING] = "printing", [SCR_TICKET] = "ticket",
	[SCR_PRINTER_ERROR] = "printer-error", [SCR_HELP] = "help",
	[SCR_TIMEOUT_WARNING] = "timeout-warning", [SCR_CLOSED] = "closed", [SCR_LUNCH] = "lunch",
	[SCR_SOLD_OUT] = "sold-out", [SCR_FIRST_BOOT] = "first-boot", [SCR_PIN] = "pin",
	[SCR_STAFF_MENU] = "staff-menu", [SCR_TECH_MENU] = "tech-menu", [SCR_UPDATING] = "updating",
	[SCR_OUT_OF_SERVICE] = "out-of-service", [SCR_RATE] = "rate",
};

const char *screen_id(screen_t s)
{
	return (unsigned)s < SCR_COUNT ? ids[s] : "?";
}

int screen_parse(const char *id, screen_t *out)
{
	for (int i = 0; i < SCR_COUNT; i++)
		if (strcmp(ids[i], id) == 0) {
			*out = (screen_t)i;
			return KIOSK_OK;
		}
	return KIOSK_EINVAL;
}
