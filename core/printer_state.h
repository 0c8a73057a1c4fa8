/* printer_state.h - what a ticket printer reports: the one state type shared
 * by the printer drivers (drivers/printer), ticket issuing (print/tickets)
 * and the screens and menus that show it. */
#ifndef PRINTER_STATE_H
#define PRINTER_STATE_H

typedef enum {
	PRINTER_OK,
	PRINTER_NEAR_END,       /* paper low: print, but warn staff */
	PRINTER_PAPER_OUT,
	PRINTER_COVER_OPEN,
	PRINTER_OFFLINE,
	PRINTER_NO_PRINTER,
	PRINTER_NOT_RESPONDING,
	PRINTER_STATE_COUNT
} printer_state_t;

/* "ok", "near-end", "paper-out", "cover-open", "offline", "no-printer",
 * "not-responding". */
const char *printer_state_name(printer_state_t s);

#endif
