/* app_menu.h - the kiosk program's side of the staff menus (app_menu.c). */
#ifndef APP_MENU_H
#define APP_MENU_H

#include <stdbool.h>

#include "app/app_internal.h"

/* After the session exists: open the PIN store, create the menus, start
 * the first-boot set-up when due. 0 or 1 (out of memory). */
int app_menu_setup(app_t *a);
void app_menu_teardown(app_t *a);
/* A raw press, before hit testing: true when it opened the PIN screen. */
bool app_menu_press(app_t *a, int x, int y);
/* Apply the touch calibration to a touch event (in place). */
void app_menu_correct(app_t *a, input_t *in);
/* Ctrl+Alt+M. */
void app_menu_chord(app_t *a);

/* app.c: open the ledger and printer from a->cfg (also after a reset). */
int app_open_tickets(app_t *a);
/* app.c: a->cfg was replaced (a reload after a menu change): hand it to
 * every module that keeps a copy, so the change holds from now on.
 * KIOSK_OK, KIOSK_EBUSY when only a restart can apply it, or an error. */
int app_config_changed(app_t *a);

#endif
