/* targets.h - `--targets`: beside a screenshot X.png, X.targets says what
 * the picture shows, one JSON line per item, in the PNG's own (logical)
 * pixels, for tests that check pictures (tests/cli/ocr_labels.sh,
 * tests/cli/board.sh):
 *   the kiosk's touch targets:
 *     {"id":"back","label":"Quay lại","x":40,"y":1700,"w":300,"h":122,"flags":1}
 *   the wall board's texts (it has no touch targets):
 *     {"id":"text","label":"Quầy 3","x":..,"y":..,"w":..,"h":..,"px":96,"bg":3} */
#ifndef APP_TARGETS_H
#define APP_TARGETS_H

#include "ui/draw.h"

typedef enum { TARGETS_TOUCH, TARGETS_TEXTS } targets_kind_t;

/* Write png's .targets file (png's name with ".png" replaced) from dl,
 * through a temporary file renamed into place. KIOSK_OK or KIOSK_EIO. */
int targets_write(const drawlist_t *dl, const char *png, targets_kind_t kind);

#endif
