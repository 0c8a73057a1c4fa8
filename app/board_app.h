/* board_app.h - the wall board mode of the kiosk binary (board_app.c). */
#ifndef BOARD_APP_H
#define BOARD_APP_H

#include "app/app.h"

/* kiosk --board URL (or --board-feed FILE, --board-gallery DIR): the
 * process exit status. */
int board_run(const app_options_t *opt);

#endif
