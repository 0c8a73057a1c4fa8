/* menus.h - the screens of the staff menus: PIN entry, the staff and
 * technician menus, the first-boot set-up and the update progress. Built
 * from flow/menu.h state with the same widgets and accessibility rules
 * as the citizen screens (targets >= 96 px, none in the corner zones, gaps
 * >= 16 px, every word from assets/i18n/<lang>/menu.json). */
#ifndef MENUS_H
#define MENUS_H

#include "ui/screens.h"

/* Build the content of a menu screen below y = top (the top bar is already
 * drawn by screens_build). */
void menus_build(drawlist_t *dl, screen_ctx_t *c, int top);

#endif
