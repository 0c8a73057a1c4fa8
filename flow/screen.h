/* screen.h - the screen ids of the citizen session and the staff menus, and
 * their fixed names (kiosk.state, scenario scripts, screenshots). */
#ifndef SCREEN_H
#define SCREEN_H

typedef enum {
	SCR_WELCOME, SCR_GROUPS, SCR_PROCEDURES, SCR_DOCUMENTS, SCR_FORM, SCR_REVIEW,
	SCR_PRIORITY, SCR_PRINTING, SCR_TICKET, SCR_PRINTER_ERROR, SCR_HELP,
	SCR_TIMEOUT_WARNING, SCR_CLOSED, SCR_LUNCH, SCR_SOLD_OUT,
	SCR_FIRST_BOOT, SCR_PIN, SCR_STAFF_MENU, SCR_TECH_MENU, SCR_UPDATING,
	SCR_OUT_OF_SERVICE, /* the health check failed: no tickets */
	SCR_RATE,           /* a served ticket's QR scanned at Welcome: rate the service */
	SCR_COUNT
} screen_t;

/* Fixed screen ids used by scripts and screenshots ("welcome", ...). */
const char *screen_id(screen_t s);
int screen_parse(const char *id, screen_t *out);

#endif
