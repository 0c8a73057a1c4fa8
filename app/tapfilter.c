/* tapfilter.c - SDL's touch, mouse and keyboard events into input_t, and
 * the rules that turn a press into a tap: released on its own target, not
 * a bounce (tapfilter.h). */
#include "app/tapfilter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

struct tapfilter {
	SDL_FingerID finger;       /* the one finger we follow */
	bool finger_down;
	bool mouse_down;
	char pressed[64];          /* target under the finger */
	char last_tap[64];
	int64_t last_tap_ms;
};

int tapfilter_new(tapfilter_t **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? KIOSK_OK : KIOSK_ENOMEM;
}

void tapfilter_free(tapfilter_t *f)
{
	free(f);
}

static int keydown(const SDL_Event *e, input_t *in)
{
	SDL_Keycode k = e->key.keysym.sym;
	Uint16 mod = e->key.keysym.mod;
	if (k == SDLK_m && (mod & KMOD_CTRL) && (mod & KMOD_ALT))
		*in = (input_t){.type = INPUT_MENU};
	else if (k == SDLK_BACKSPACE)
		*in = (input_t){.type = INPUT_KEY, .key = INK_BACKSPACE};
	else if (k == SDLK_RETURN || k == SDLK_KP_ENTER)
		*in = (input_t){.type = INPUT_KEY, .key = INK_RETURN};
	else if (k == SDLK_ESCAPE)
		*in = (input_t){.type = INPUT_KEY, .key = INK_ESCAPE};
	else if (k == SDLK_TAB)
		*in = (input_t){.type = INPUT_KEY, .key = INK_TAB};
	else
		return 0;
	return 1;
}

int tapfilter_event(tapfilter_t *f, const platform_t *p, const SDL_Event *e, input_t *out, int cap)
{
	if (cap < 1)
		return 0;
	input_t in = {0};
	switch (e->type) {
	case SDL_FINGERDOWN:
		if (f->finger_down)
			return 0; /* a second finger or a palm is ignored */
		f->finger_down = true;
		f->finger = e->tfinger.fingerId;
		in.type = INPUT_PRESS;
		break;
	case SDL_FINGERMOTION:
		if (!f->finger_down || e->tfinger.fingerId != f->finger)
			return 0;
		in.type = INPUT_MOVE;
		break;
	case SDL_FINGERUP:
		if (!f->finger_down || e->tfinger.fingerId != f->finger)
			return 0;
		f->finger_down = false;
		in.type = INPUT_RELEASE;
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		/* Touches also arrive as synthetic mouse events: count them once. */
		if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
			return 0;
		f->mouse_down = e->type == SDL_MOUSEBUTTONDOWN;
		out[0] = (input_t){.type = f->mouse_down ? INPUT_PRESS : INPUT_RELEASE};
		platform_to_logical(p, e->button.x, e->button.y, &out[0].x, &out[0].y);
		return 1;
	case SDL_MOUSEMOTION:
		if (e->motion.which == SDL_TOUCH_MOUSEID || !f->mouse_down)
			return 0;
		out[0] = (input_t){.type = INPUT_MOVE};
		platform_to_logical(p, e->motion.x, e->motion.y, &out[0].x, &out[0].y);
		return 1;
	case SDL_TEXTINPUT: {
		int n = 0;
		for (const char *c = e->text.text; *c && n < cap; c++)
			if (*c >= 0x20 && *c <= 0x7e)
				out[n++] = (input_t){.type = INPUT_CHAR, .ch = *c};
		return n;
	}
	case SDL_KEYDOWN:
		return keydown(e, &out[0]);
	default:
		return 0;
	}
	/* Finger coordinates are normalised 0..1 over the output. */
	platform_finger_to_logical(p, e->tfinger.x, e->tfinger.y, &in.x, &in.y);
	in.touch = true;
	out[0] = in;
	return 1;
}

const char *tapfilter_pressed(const tapfilter_t *f)
{
	return f->pressed;
}

void tapfilter_press(tapfilter_t *f, const char *target)
{
	snprintf(f->pressed, sizeof f->pressed, "%s", target ? target : "");
}

bool tapfilter_move(tapfilter_t *f, const char *under)
{
	if (!f->pressed[0] || (under && strcmp(under, f->pressed) == 0))
		return false;
	f->pressed[0] = '\0'; /* sliding off cancels */
	return true;
}

bool tapfilter_release(tapfilter_t *f, const char *under)
{
	bool same = f->pressed[0] && under && strcmp(under, f->pressed) == 0;
	f->pressed[0] = '\0';
	return same;
}

void tapfilter_cancel(tapfilter_t *f)
{
	f->pressed[0] = '\0';
}

bool tapfilter_bounce(tapfilter_t *f, const char *target, int window_ms, int64_t now_ms)
{
	if (strcmp(f->last_tap, target) == 0 && now_ms - f->last_tap_ms < window_ms)
		return true;
	snprintf(f->last_tap, sizeof f->last_tap, "%s", target);
	f->last_tap_ms = now_ms;
	return false;
}
