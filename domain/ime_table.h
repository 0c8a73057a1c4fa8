/* ime_table.h - the Vietnamese vowel x tone table of the input engine: every
 * cell is one precomposed (NFC) code point. */
#ifndef IME_TABLE_H
#define IME_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/* Rows: the 12 vowel bases. */
enum {
	IME_V_A, IME_V_A_BREVE, IME_V_A_CIRC, IME_V_E, IME_V_E_CIRC, IME_V_I,
	IME_V_O, IME_V_O_CIRC, IME_V_O_HORN, IME_V_U, IME_V_U_HORN, IME_V_Y,
	IME_V_COUNT
};

/* Columns: no tone, then huyền, sắc, hỏi, ngã, nặng. */
enum {
	IME_TONE_NONE, IME_TONE_GRAVE, IME_TONE_ACUTE, IME_TONE_HOOK, IME_TONE_TILDE,
	IME_TONE_DOT, IME_TONE_COUNT
};

/* Code point of vowel row with tone column, small or capital. */
uint32_t ime_vowel_cp(int row, int tone, bool upper);

/* Test hook: swap two cells of the table (the unit test proves that its
 * rows catch any swapped pair). Never called by the kiosk. */
void ime_table_swap(int r1, int t1, int r2, int t2);

#endif
