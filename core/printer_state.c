/* printer_state.c - the names of the printer states (logs, tools). */
#include "core/printer_state.h"

const char *printer_state_name(printer_state_t s)
{
	static const char *names[] = {"ok", "near-end", "paper-out", "cover-open", "offline",
				      "no-printer", "not-responding"};
	return (unsigned)s < PRINTER_STATE_COUNT ? names[s] : "unknown";
}
