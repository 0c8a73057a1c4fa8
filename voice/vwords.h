/* vwords.h - numbers, ticket numbers and letters into Vietnamese words, by
 * our own code (espeak-ng is never given digits: docs/voice.md). All output
 * is NFC UTF-8, lower case, words separated by one space. */
#ifndef VWORDS_H
#define VWORDS_H

#include <stddef.h>

/* The region's words where the north and the south differ: 105 "một trăm
 * linh năm" / "một trăm lẻ năm", 1000 "một nghìn" / "một ngàn". */
typedef enum { VWORDS_NORTH = 0, VWORDS_SOUTH = 1 } vwords_region_t;

/* How a ticket number is read: digit by digit after the letter ("A012": "a",
 * "không", "một", "hai"; the default, as printed) or the letter and the
 * number as a whole ("a", "mười hai"). */
typedef enum { VWORDS_TICKET_DIGITS = 0, VWORDS_TICKET_WHOLE = 1 } vwords_ticket_mode_t;

#define VWORDS_MAX 999999    /* largest number vwords_number reads */
#define VWORDS_ITEM 64       /* bytes of one item, with its NUL */
#define VWORDS_ITEMS 8       /* items of one ticket number */

/* n (0..VWORDS_MAX) in words: 15 "mười lăm", 21 "hai mươi mốt", 24 "hai mươi
 * tư", 105 "một trăm linh năm", 1015 "một nghìn không trăm mười lăm".
 * KIOSK_ERANGE when n is too large or buf too small (buf is "" then). */
int vwords_number(unsigned n, vwords_region_t region, char *buf, size_t cap);

/* A digit 0..9 alone: "không" .. "chín". NULL for anything else. */
const char *vwords_digit(int d);

/* The spoken name of a letter (one UTF-8 character, either case): A "a",
 * B "bê", C "xê", Đ "đê", L "e lờ", ... (table in docs/voice.md). NULL for a
 * character that is not a letter of the table. */
const char *vwords_letter(const char *utf8);

/* A ticket number: one letter then 1..4 digits ("A012"). items[i] gets one
 * item each (the letter's name, then each digit or the whole number); *count
 * their number. KIOSK_EINVAL for any other shape (count 0). */
typedef struct {
	char item[VWORDS_ITEMS][VWORDS_ITEM];
	int count;
} vwords_list_t;
int vwords_ticket(const char *number, vwords_ticket_mode_t mode, vwords_region_t region,
		  vwords_list_t *out);

/* True when words is a form this module produces: a digit, a letter name, or
 * a number 0..999 of either region (what a voice pack may hold a clip for). */
int vwords_known(const char *words);

#endif
