/* a11y.h - the accessibility table: every size the UI uses, written in
 * millimetres (or points) and converted with the panel's pixels per mm.
 * Values and their sources: docs/accessibility.md. */
#ifndef A11Y_H
#define A11Y_H

/* Physical sizes (mm) at the design viewing distance of 600 mm. */
#define A11Y_BODY_MM      10.5  /* body/question text em: 42 px at 21.5" 1080p */
#define A11Y_SMALL_MM      9.0  /* floor for any visible text: 36 px */
#define A11Y_TITLE_MM     15.0  /* titles, bold: 60 px */
#define A11Y_BUTTON_MM    11.2  /* button labels, bold: 45 px */
#define A11Y_NUMBER_MM    42.0  /* queue number on screen: 169 px */
#define A11Y_COMPOSED_MM  15.0  /* the word being typed */
#define A11Y_TARGET_MM    24.5  /* any touch target: 98 px */
#define A11Y_PRIMARY_MM   30.5  /* primary action height: 122 px */
#define A11Y_PRIMARY_W_MM 100.0 /* primary action width: 403 px */
#define A11Y_GAP_MM        4.2  /* between targets: 16 px */
#define A11Y_BACK_GAP_MM  12.5  /* back/cancel to forward actions: 50 px */
#define A11Y_KEY_MM       24.5  /* letter keys: 98 px */
#define A11Y_NUMKEY_MM    28.5  /* numeric keypad keys: 114 px */
#define A11Y_CORNER_MM    24.0  /* menu corner zones: never a target */
#define A11Y_MARGIN_MM     8.0  /* screen margin */
#define A11Y_QR_MM        62.0  /* on-screen QR incl. quiet zone: 250 px */
#define A11Y_LINE_FACTOR   1.5  /* line box = 1.5 x em */

typedef struct {
	double px_per_mm;
	int scale_pct;           /* text scale: 100 or 150 */
	int body_px, small_px, title_px, button_px, number_px, composed_px;
	int target_px, primary_h, primary_w, gap, back_gap, key_px, numkey_px;
	int corner, margin, qr_px;
} a11y_t;

/* Compute the table for a panel (diagonal in inches, native resolution) and
 * a text scale in percent. Corner zones never fall below 96 px. */
void a11y_compute(a11y_t *a, double diagonal_in, int panel_w, int panel_h, int scale_pct);

/* Line box height for a font size. */
int a11y_line(int font_px);

#endif
