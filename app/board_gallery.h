/* board_gallery.h - sample states of the wall board (invented numbers and
 * names), for its screenshots (kiosk --board-gallery DIR) and for the layout
 * test, so both look at the same states. */
#ifndef BOARD_GALLERY_H
#define BOARD_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include "flow/board.h"

typedef struct {
	const char *name;   /* file name stem: "lost" */
	int calls;          /* calls in the snapshot (0..6) */
	int groups;         /* groups in the snapshot */
	int flags;          /* BG_* */
} board_gallery_state_t;

enum {
	BG_NEVER = 1 << 0,      /* nothing received yet: "connecting" */
	BG_LOST = 1 << 1,       /* the hub went away after a snapshot */
	BG_HIGHLIGHT = 1 << 2,  /* a new call just came */
	BG_LONG = 1 << 3,       /* long office, counter and group names */
	BG_PRIORITY = 1 << 4,   /* the newest call and some others are priority */
	BG_MALFORMED = 1 << 5,  /* a malformed snapshot after a good one */
	BG_HELP = 1 << 6,       /* a kiosk asks for staff (two with BG_LONG) */
};

extern const board_gallery_state_t board_gallery_states[];
extern const size_t board_gallery_state_count;

/* Write the sample snapshot of st (seq, calls, groups) into buf (JSON). */
void board_gallery_snapshot(const board_gallery_state_t *st, int64_t seq, char *buf, size_t cap);

/* Put b into the state st at mono time now (b is initialised first). */
void board_gallery_apply(board_t *b, const board_gallery_state_t *st, int64_t now);

#endif
