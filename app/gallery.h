/* gallery.h - the list of named screen states (session poses) the gallery
 * photographs and the layout test checks, so both look at the same states. */
#ifndef GALLERY_H
#define GALLERY_H

#include <stddef.h>
#include "flow/session_pose.h"

/* Every screen and state the gallery renders, in order. */
extern const screen_t gallery_screens[];
extern const size_t gallery_screen_count;

/* A named state: a screen and what is on it (a session pose). The layout
 * test and the screenshots go through the same list. */
typedef struct {
	const char *name;   /* file name stem: "form-cccd-error" */
	screen_t screen;
	int field_type;     /* form: the field_type_t asked, -1 = the default form */
	unsigned flags;     /* POSE_* */
} gallery_state_t;

extern const gallery_state_t gallery_states[];
extern const size_t gallery_state_count;

#endif
