/* ime_table.c - the 12-base x 6-tone table of Vietnamese vowels (small
 * letters) and the rule that gives their capitals. */
#include "domain/ime_table.h"

static uint16_t vowels[IME_V_COUNT][IME_TONE_COUNT] = {
	/*            -       huyền   sắc     hỏi     ngã     nặng */
	[IME_V_A] = {0x0061, 0x00E0, 0x00E1, 0x1EA3, 0x00E3, 0x1EA1},
	[IME_V_A_BREVE] = {0x0103, 0x1EB1, 0x1EAF, 0x1EB3, 0x1EB5, 0x1EB7},
	[IME_V_A_CIRC] = {0x00E2, 0x1EA7, 0x1EA5, 0x1EA9, 0x1EAB, 0x1EAD},
	[IME_V_E] = {0x0065, 0x00E8, 0x00E9, 0x1EBB, 0x1EBD, 0x1EB9},
	[IME_V_E_CIRC] = {0x00EA, 0x1EC1, 0x1EBF, 0x1EC3, 0x1EC5, 0x1EC7},
	[IME_V_I] = {0x0069, 0x00EC, 0x00ED, 0x1EC9, 0x0129, 0x1ECB},
	[IME_V_O] = {0x006F, 0x00F2, 0x00F3, 0x1ECF, 0x00F5, 0x1ECD},
	[IME_V_O_CIRC] = {0x00F4, 0x1ED3, 0x1ED1, 0x1ED5, 0x1ED7, 0x1ED9},
	[IME_V_O_HORN] = {0x01A1, 0x1EDD, 0x1EDB, 0x1EDF, 0x1EE1, 0x1EE3},
	[IME_V_U] = {0x0075, 0x00F9, 0x00FA, 0x1EE7, 0x0169, 0x1EE5},
	[IME_V_U_HORN] = {0x01B0, 0x1EEB, 0x1EE9, 0x1EED, 0x1EEF, 0x1EF1},
	[IME_V_Y] = {0x0079, 0x1EF3, 0x00FD, 0x1EF7, 0x1EF9, 0x1EF5},
};

uint32_t ime_vowel_cp(int row, int tone, bool upper)
{
	if (row < 0 || row >= IME_V_COUNT || tone < 0 || tone >= IME_TONE_COUNT)
		return '?';
	uint32_t cp = vowels[row][tone];
	if (!upper)
		return cp;
	/* ASCII and Latin-1 capitals are 0x20 below; in Latin Extended-A/B and
	 * Extended Additional the capital is the code point just before. */
	return cp < 0x100 ? cp - 0x20 : cp - 1;
}

void ime_table_swap(int r1, int t1, int r2, int t2)
{
	if (r1 < 0 || r1 >= IME_V_COUNT || r2 < 0 || r2 >= IME_V_COUNT || t1 < 0 ||
	    t1 >= IME_TONE_COUNT || t2 < 0 || t2 >= IME_TONE_COUNT)
		return;
	uint16_t x = vowels[r1][t1];
	vowels[r1][t1] = vowels[r2][t2];
	vowels[r2][t2] = x;
}
