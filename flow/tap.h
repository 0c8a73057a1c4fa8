/* tap.h - what the tap tables of the session (flow/session.c) and the menus
 * (flow/menu.c) share. Each keeps its taps as rows, in the manner of dwm's
 * config.def.h: {screen, target, handler, ...}; adding a button is one row
 * and the dispatcher tries the rows in order until a handler takes the tap
 * (a handler returns false to let later rows try). */
#ifndef TAP_H
#define TAP_H

#include <stdbool.h>

#include "domain/staff.h"

/* Who may use a row: anyone at the screen (a citizen, the PIN screen, the
 * first-boot set-up), anyone behind a PIN (the staff menus), or only the
 * technician. */
typedef enum { TAP_ANYONE, TAP_STAFF, TAP_TECH } tap_who_t;

/* A row's target: an id ("next") matches itself and *arg is the target; a
 * prefix ending in '*' ("group-*") matches every target that starts with it
 * and *arg is what follows ("*" alone matches every target). */
bool tap_match(const char *pattern, const char *target, const char **arg);

/* May someone who opened the menus as role use a row for who? The screens
 * keep out whoever has no PIN; rows for the technician need the
 * technician's role. */
bool tap_allowed(tap_who_t who, staff_role_t role);

#endif
