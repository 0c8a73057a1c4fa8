/* theme.h - the only place colours live. UI code names colour roles; the
 * renderer and the contrast checks look them up here. */
#ifndef THEME_H
#define THEME_H

#include <stdint.h>

typedef enum {
	C_BG,            /* screen background */
	C_TEXT,          /* body text on C_BG */
	C_TEXT_MUTED,    /* secondary text on C_BG (still >= 7:1) */
	C_PANEL,         /* card / list background */
	C_PANEL_TEXT,
	C_BTN_BG,        /* ordinary button */
	C_BTN_TEXT,
	C_BTN_BORDER,
	C_PRIMARY_BG,    /* the forward action */
	C_PRIMARY_TEXT,
	C_PRESSED_BG,    /* any button while a finger is on it */
	C_PRESSED_TEXT,
	C_BANNER_BG,     /* staff called, warnings */
	C_BANNER_TEXT,
	C_ERROR_BG,      /* error messages and screens */
	C_ERROR_TEXT,
	C_FIELD_BG,      /* text field */
	C_FIELD_TEXT,
	C_FIELD_BORDER,
	C_QR_DARK,
	C_QR_LIGHT,
	C_OVERLAY_BG,    /* modal dialog */
	C_OVERLAY_TEXT,
	C_COLOR_COUNT
} color_role_t;

typedef enum { THEME_DEFAULT, THEME_HC, THEME_COUNT } theme_id_t;

typedef struct { uint8_t r, g, b; } rgb_t;

rgb_t theme_color(theme_id_t t, color_role_t role);
const char *theme_name(theme_id_t t);            /* "default", "hc" */

/* WCAG contrast ratio between two colours (1..21). */
double theme_contrast(rgb_t a, rgb_t b);

#endif
