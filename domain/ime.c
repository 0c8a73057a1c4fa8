/* ime.c - the Vietnamese input engine: Telex, VNI, plain letters and the
 * explicit mark/tone buttons, sharing one composition core.
 *
 * The word is kept structured: letters (ASCII base, one letter mark, case)
 * plus one tone for the word. The tone's position is not stored; it is
 * computed from the letters on every render by the placement rules of
 * docs/input-method.md, so it moves when a final consonant arrives. Output is
 * built from the 12-base x 6-tone table below: every cell is one precomposed
 * code point, so the output is NFC without a normalisation library.
 *
 * Backspace restores the state saved before the last event (a key that was
 * taken, or a button), so a mark goes before its letter. */
#include "domain/ime.h"

#include <stdlib.h>
#include <string.h>

#include "domain/ime_table.h"

#define IME_MAX_LETTERS 32
#define IME_MAX_HIST 64

enum { MK_NONE, MK_CIRC, MK_BREVE, MK_HORN, MK_DBAR };

typedef struct {
	char ch;        /* lowercase ASCII letter, or a digit (VNI literal) */
	uint8_t mark;   /* MK_* */
	bool upper;
	bool from_w;    /* an u with horn made by a lone Telex w */
} ime_letter_t;

typedef struct {
	ime_letter_t l[IME_MAX_LETTERS];
	uint8_t n;
	uint8_t tone;    /* IME_TONE_* column of the table, 0 = none */
	uint64_t locked; /* keys made literal for the rest of the word by an undo */
} ime_word_t;

struct ime {
	ime_method_t method;
	ime_tone_style_t style;
	ime_word_t w;
	ime_word_t hist[IME_MAX_HIST];
	int nhist;
	char out[IME_MAX_LETTERS * 4 + 1];
};

/* ---- letters -------------------------------------------------------------- */

static bool is_vowel_ch(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Row of the vowel table for a letter, -1 when it is not a vowel. */
static int vowel_row(const ime_letter_t *l)
{
	switch (l->ch) {
	case 'a': return l->mark == MK_BREVE ? IME_V_A_BREVE : l->mark == MK_CIRC ? IME_V_A_CIRC : IME_V_A;
	case 'e': return l->mark == MK_CIRC ? IME_V_E_CIRC : IME_V_E;
	case 'i': return IME_V_I;
	case 'o': return l->mark == MK_CIRC ? IME_V_O_CIRC : l->mark == MK_HORN ? IME_V_O_HORN : IME_V_O;
	case 'u': return l->mark == MK_HORN ? IME_V_U_HORN : IME_V_U;
	case 'y': return IME_V_Y;
	default: return -1;
	}
}

/* One-character code of a vowel with its mark, for the nucleus list. */
static char vowel_code(char ch, uint8_t mark)
{
	ime_letter_t l = {ch, mark, false, false};
	static const char codes[] = "aABeEioOPuUy";
	int r = vowel_row(&l);
	return r < 0 ? '?' : codes[r];
}

static bool mark_fits(char ch, uint8_t mark)
{
	switch (mark) {
	case MK_NONE: return true;
	case MK_CIRC: return ch == 'a' || ch == 'e' || ch == 'o';
	case MK_BREVE: return ch == 'a';
	case MK_HORN: return ch == 'o' || ch == 'u';
	case MK_DBAR: return ch == 'd';
	default: return false;
	}
}

/* Vowel groups (nuclei) of Vietnamese, in the codes of vowel_code, once the
 * u of qu and the i of gi are taken off. Used to choose which vowel a mark key
 * modifies when it could modify more than one. */
static const char *const nuclei[] = {
	"a", "A", "B", "e", "E", "i", "o", "O", "P", "u", "U", "y",
	"ai", "ao", "au", "ay", "Bu", "By", "eo", "Eu", "ia", "iu", "iE", "iEu",
	"oa", "oA", "oe", "oi", "oo", "oai", "oay", "oeo", "Oi", "Pi",
	"ua", "uB", "uE", "ui", "uO", "uP", "uy", "uBy", "uOi", "uya", "uyE", "uyu",
	"Ua", "Ui", "Uu", "UP", "UPi", "UPu", "yE", "yEu",
};

static bool nucleus_valid(const char *code)
{
	for (size_t i = 0; i < sizeof nuclei / sizeof nuclei[0]; i++)
		if (strcmp(nuclei[i], code) == 0)
			return true;
	return false;
}

/* ---- syllable analysis ---------------------------------------------------- */

/* The last vowel group of the word as [*s, *e); false when there is none.
 * With core set, the u of "qu" and the i of "gi" are left out when another
 * vowel follows them. */
static bool vowel_group(const ime_word_t *w, bool core, int *s, int *e)
{
	int i = (int)w->n - 1;
	while (i >= 0 && !is_vowel_ch(w->l[i].ch))
		i--;
	if (i < 0)
		return false;
	*e = i + 1;
	while (i > 0 && is_vowel_ch(w->l[i - 1].ch))
		i--;
	*s = i;
	if (core && *e - *s >= 2 && *s >= 1) {
		char prev = w->l[*s - 1].ch, first = w->l[*s].ch;
		if ((prev == 'q' && first == 'u') || (prev == 'g' && first == 'i'))
			(*s)++;
	}
	return true;
}

/* Index of the letter that carries the tone, -1 when there is no vowel. */
static int tone_position(const ime_word_t *w, ime_tone_style_t style)
{
	int s, e;
	if (!vowel_group(w, true, &s, &e))
		return -1;
	int n = e - s;
	bool closed = e < (int)w->n;
	if (n == 1)
		return s;
	for (int i = e - 1; i >= s; i--)
		if (w->l[i].mark == MK_CIRC || w->l[i].mark == MK_BREVE)
			return i;
	for (int i = e - 1; i >= s; i--)
		if (w->l[i].mark == MK_HORN)
			return i;
	if (n >= 3)
		return s + 1;
	if (style == IME_TONE_NEW && !closed) {
		char a = w->l[s].ch, b = w->l[s + 1].ch;
		if ((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y'))
			return s + 1;
	}
	return closed ? s + 1 : s;
}

/* ---- rendering -------------------------------------------------------------- */

static size_t put_cp(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static void render(ime_t *ime)
{
	const ime_word_t *w = &ime->w;
	int tp = w->tone ? tone_position(w, ime->style) : -1;
	size_t o = 0;
	for (int i = 0; i < (int)w->n; i++) {
		const ime_letter_t *l = &w->l[i];
		uint32_t cp;
		int row = vowel_row(l);
		if (row >= 0)
			cp = ime_vowel_cp(row, i == tp ? w->tone : 0, l->upper);
		else if (l->ch == 'd' && l->mark == MK_DBAR)
			cp = l->upper ? 0x110 : 0x111;
		else if (l->upper && l->ch >= 'a' && l->ch <= 'z')
			cp = (uint32_t)(l->ch - 'a' + 'A');
		else
			cp = (uint32_t)(unsigned char)l->ch;
		o += put_cp(ime->out + o, cp);
	}
	ime->out[o] = '\0';
}

/* ---- editing helpers -------------------------------------------------------- */

static unsigned key_bit(char k)
{
	if (k >= 'a' && k <= 'z')
		return (unsigned)(k - 'a');
	if (k >= '0' && k <= '9')
		return 26u + (unsigned)(k - '0');
	return 63;
}

static bool is_locked(const ime_word_t *w, char k)
{
	return (w->locked >> key_bit(k)) & 1u;
}

static void lock(ime_word_t *w, char k)
{
	w->locked |= (uint64_t)1 << key_bit(k);
}

static bool append(ime_word_t *w, char ch, bool upper)
{
	if (w->n >= IME_MAX_LETTERS)
		return false;
	w->l[w->n++] = (ime_letter_t){ch, MK_NONE, upper, false};
	return true;
}

/* The word is just the initial "gi" (i unmarked): its i belongs to the
 * consonant, so the word has no vowel of its own yet and a lone Telex w
 * makes the vowel ư (giw -> giư, giwax -> giữa). */
static bool gi_initial_only(const ime_word_t *w)
{
	return w->n == 2 && w->l[0].ch == 'g' && w->l[1].ch == 'i' && w->l[1].mark == MK_NONE;
}

static bool is_qu_u(const ime_word_t *w, int i)
{
	return i >= 1 && w->l[i].ch == 'u' && w->l[i - 1].ch == 'q';
}

/* An ordinary letter typed after u+o: a following letter completes ươ
 * (thuơ + c -> thươc, ưo + i -> ươi). Letters written by an undo do not. */
static bool append_letter(ime_word_t *w, char ch, bool upper)
{
	if (!append(w, ch, upper))
		return false;
	int n = w->n;
	if (n >= 3) {
		ime_letter_t *u = &w->l[n - 3], *o = &w->l[n - 2];
		if (u->ch == 'u' && o->ch == 'o' && !is_qu_u(w, n - 3)) {
			if (o->mark == MK_HORN && u->mark == MK_NONE)
				u->mark = MK_HORN;
			else if (u->mark == MK_HORN && o->mark == MK_NONE)
				o->mark = MK_HORN;
		}
	}
	return true;
}

/* Code string of the core vowel group with letter t given mark m. */
static void group_code(const ime_word_t *w, int s, int e, int t, uint8_t m, char *buf)
{
	int k = 0;
	for (int i = s; i < e; i++)
		buf[k++] = vowel_code(w->l[i].ch, i == t ? m : w->l[i].mark);
	buf[k] = '\0';
}

/* Choose the vowel that mark m (circumflex, breve or horn) goes on. Only
 * letters whose base is in bases are candidates. Among them, the last one
 * that gives a Vietnamese vowel group wins; failing that, the last vowel of
 * the group if it is a candidate. Returns -1 when nothing fits. */
static int mark_target(const ime_word_t *w, const char *bases, uint8_t m)
{
	int s, e;
	if (!vowel_group(w, true, &s, &e))
		return -1;
	char code[IME_MAX_LETTERS + 1];
	for (int i = e - 1; i >= s; i--) {
		if (!strchr(bases, w->l[i].ch) || !mark_fits(w->l[i].ch, m))
			continue;
		group_code(w, s, e, i, m, code);
		if (nucleus_valid(code))
			return i;
	}
	if (strchr(bases, w->l[e - 1].ch) && mark_fits(w->l[e - 1].ch, m))
		return e - 1;
	return -1;
}

/* The u+o pair of the core group (u at *ui, o right after), if any. */
static bool uo_pair(const ime_word_t *w, int *ui)
{
	int s, e;
	if (!vowel_group(w, true, &s, &e))
		return false;
	for (int i = s; i + 1 < e; i++)
		if (w->l[i].ch == 'u' && w->l[i + 1].ch == 'o') {
			*ui = i;
			return true;
		}
	return false;
}

/* ---- operations shared by keys and buttons --------------------------------- */

/* OP_UNDONE_W: the undo turned a lone-w ư back into w (nothing to add). */
typedef enum { OP_NONE, OP_APPLIED, OP_UNDONE, OP_UNDONE_W } op_result_t;

/* Horn (with_breve: Telex w, which also makes ă). toggle: a repeated mark is
 * taken off (undo); the caller adds the literal key. */
static op_result_t op_horn(ime_word_t *w, bool horn, bool breve)
{
	int ui;
	if (horn && uo_pair(w, &ui)) {
		ime_letter_t *u = &w->l[ui], *o = &w->l[ui + 1];
		if (u->mark == MK_HORN && o->mark == MK_HORN) {
			o->mark = MK_NONE;
			u->mark = MK_NONE;
			if (u->from_w) {
				u->ch = 'w';
				u->from_w = false;
			}
			return OP_UNDONE;
		}
		if (o->mark == MK_HORN) {
			u->mark = MK_HORN;
			return OP_APPLIED;
		}
		o->mark = MK_HORN;
		if (u->mark == MK_HORN || ui + 2 < (int)w->n)
			u->mark = MK_HORN;
		return OP_APPLIED;
	}
	int t = -1;
	if (horn && breve) {
		/* Telex w: horn and breve compete; try each vowel in turn. */
		int th = mark_target(w, "ou", MK_HORN), tb = mark_target(w, "a", MK_BREVE);
		int s, e;
		char code[IME_MAX_LETTERS + 1];
		bool vh = false, vb = false;
		if (vowel_group(w, true, &s, &e)) {
			if (th >= 0) {
				group_code(w, s, e, th, MK_HORN, code);
				vh = nucleus_valid(code);
			}
			if (tb >= 0) {
				group_code(w, s, e, tb, MK_BREVE, code);
				vb = nucleus_valid(code);
			}
		}
		if (th >= 0 && tb >= 0)
			t = (vh && !vb) ? th : (vb && !vh) ? tb : (th > tb ? th : tb);
		else
			t = th >= 0 ? th : tb;
	} else if (horn) {
		t = mark_target(w, "ou", MK_HORN);
	} else {
		t = mark_target(w, "a", MK_BREVE);
	}
	if (t < 0)
		return OP_NONE;
	ime_letter_t *l = &w->l[t];
	uint8_t m = l->ch == 'a' ? MK_BREVE : MK_HORN;
	if (l->mark == m) {
		l->mark = MK_NONE;
		if (l->from_w) {
			l->ch = 'w';
			l->from_w = false;
			return OP_UNDONE_W;
		}
		return OP_UNDONE;
	}
	l->mark = m;
	return OP_APPLIED;
}

static op_result_t op_circ(ime_word_t *w, const char *bases)
{
	int t = mark_target(w, bases, MK_CIRC);
	if (t < 0)
		return OP_NONE;
	if (w->l[t].mark == MK_CIRC) {
		w->l[t].mark = MK_NONE;
		return OP_UNDONE;
	}
	w->l[t].mark = MK_CIRC;
	return OP_APPLIED;
}

static op_result_t op_dbar(ime_word_t *w)
{
	if (w->n == 0 || w->l[0].ch != 'd')
		return OP_NONE;
	if (w->l[0].mark == MK_DBAR) {
		w->l[0].mark = MK_NONE;
		return OP_UNDONE;
	}
	w->l[0].mark = MK_DBAR;
	return OP_APPLIED;
}

static op_result_t op_tone(ime_word_t *w, int tone)
{
	int s, e;
	if (!vowel_group(w, true, &s, &e))
		return OP_NONE;
	if (w->tone == tone) {
		w->tone = 0;
		return OP_UNDONE;
	}
	w->tone = (uint8_t)tone;
	return OP_APPLIED;
}

/* ---- keys ------------------------------------------------------------------- */

static int telex_tone(char k)
{
	switch (k) {
	case 'f': return IME_TONE_GRAVE;
	case 's': return IME_TONE_ACUTE;
	case 'r': return IME_TONE_HOOK;
	case 'x': return IME_TONE_TILDE;
	case 'j': return IME_TONE_DOT;
	default: return 0;
	}
}

static int vni_tone(char k)
{
	switch (k) {
	case '2': return IME_TONE_GRAVE;
	case '1': return IME_TONE_ACUTE;
	case '3': return IME_TONE_HOOK;
	case '4': return IME_TONE_TILDE;
	case '5': return IME_TONE_DOT;
	default: return 0;
	}
}

/* After an undo the key is written literally and stays literal. */
static bool undo_literal(ime_word_t *w, char k, bool upper)
{
	lock(w, k);
	return append(w, k, upper);
}

static bool telex_key(ime_word_t *w, char k, bool upper)
{
	if (is_locked(w, k))
		return append_letter(w, k, upper);
	op_result_t r = OP_NONE;
	int tone = telex_tone(k);
	if (tone)
		r = op_tone(w, tone);
	else if (k == 'a' || k == 'e' || k == 'o')
		r = op_circ(w, k == 'a' ? "a" : k == 'e' ? "e" : "o");
	else if (k == 'w')
		r = op_horn(w, true, true);
	else if (k == 'd')
		r = op_dbar(w);
	else if (k == 'z') {
		if (w->tone) {
			w->tone = 0;
			return true;
		}
	}
	if (r == OP_APPLIED)
		return true;
	if (r == OP_UNDONE_W) {
		lock(w, 'w'); /* ww -> w */
		return true;
	}
	if (r == OP_UNDONE)
		return undo_literal(w, k, upper);
	if (k == 'w') {
		int s, e;
		if (!vowel_group(w, false, &s, &e) || gi_initial_only(w)) {
			if (!append_letter(w, 'u', upper))
				return false;
			w->l[w->n - 1].mark = MK_HORN;
			w->l[w->n - 1].from_w = true;
			return true;
		}
	}
	return append_letter(w, k, upper);
}

static bool vni_key(ime_word_t *w, char k, bool upper)
{
	if (k < '0' || k > '9')
		return append_letter(w, k, upper);
	if (is_locked(w, k))
		return append(w, k, false);
	op_result_t r = OP_NONE;
	int tone = vni_tone(k);
	if (tone)
		r = op_tone(w, tone);
	else if (k == '6')
		r = op_circ(w, "aeo");
	else if (k == '7')
		r = op_horn(w, true, false);
	else if (k == '8')
		r = op_horn(w, false, true);
	else if (k == '9')
		r = op_dbar(w);
	else if (k == '0' && w->tone) {
		w->tone = 0;
		return true;
	}
	if (r == OP_APPLIED)
		return true;
	if (r == OP_UNDONE || r == OP_UNDONE_W)
		return undo_literal(w, k, false);
	return append(w, k, false);
}

/* ---- public API --------------------------------------------------------------- */

ime_t *ime_create(ime_method_t method, ime_tone_style_t style)
{
	ime_t *ime = calloc(1, sizeof *ime);
	if (!ime)
		return NULL;
	ime->method = method;
	ime->style = style;
	render(ime);
	return ime;
}

void ime_destroy(ime_t *ime)
{
	free(ime);
}

void ime_set_method(ime_t *ime, ime_method_t method)
{
	ime->method = method;
	render(ime);
}

void ime_set_tone_style(ime_t *ime, ime_tone_style_t style)
{
	ime->style = style;
	render(ime);
}

ime_method_t ime_method(const ime_t *ime)
{
	return ime->method;
}

static void push_history(ime_t *ime)
{
	if (ime->nhist == IME_MAX_HIST) {
		memmove(&ime->hist[0], &ime->hist[1], sizeof ime->hist[0] * (IME_MAX_HIST - 1));
		ime->nhist--;
	}
	ime->hist[ime->nhist++] = ime->w;
}

bool ime_key(ime_t *ime, char key)
{
	bool letter = (key >= 'a' && key <= 'z') || (key >= 'A' && key <= 'Z');
	bool digit = key >= '0' && key <= '9';
	if (!letter && !(digit && ime->method == IME_VNI))
		return false;
	bool upper = key >= 'A' && key <= 'Z';
	char k = upper ? (char)(key - 'A' + 'a') : key;
	ime_word_t next = ime->w;
	bool ok;
	switch (ime->method) {
	case IME_TELEX: ok = telex_key(&next, k, upper); break;
	case IME_VNI: ok = vni_key(&next, k, upper); break;
	default: ok = append(&next, k, upper); break;
	}
	if (!ok)
		return false; /* word full: the caller commits and inserts the key */
	push_history(ime);
	ime->w = next;
	render(ime);
	return true;
}

static op_result_t apply_action(ime_word_t *w, ime_action_t act)
{
	switch (act) {
	case IME_ACT_CIRCUMFLEX: return op_circ(w, "aeo");
	case IME_ACT_BREVE: return op_horn(w, false, true);
	case IME_ACT_HORN: return op_horn(w, true, false);
	case IME_ACT_DBAR: return op_dbar(w);
	case IME_ACT_TONE_GRAVE: return op_tone(w, IME_TONE_GRAVE);
	case IME_ACT_TONE_ACUTE: return op_tone(w, IME_TONE_ACUTE);
	case IME_ACT_TONE_HOOK: return op_tone(w, IME_TONE_HOOK);
	case IME_ACT_TONE_TILDE: return op_tone(w, IME_TONE_TILDE);
	case IME_ACT_TONE_DOT: return op_tone(w, IME_TONE_DOT);
	case IME_ACT_REMOVE_MARK:
		if (w->tone) {
			w->tone = 0;
			return OP_APPLIED;
		}
		for (int i = (int)w->n - 1; i >= 0; i--)
			if (w->l[i].mark != MK_NONE) {
				if (w->l[i].from_w) {
					w->l[i].ch = 'w';
					w->l[i].from_w = false;
				}
				w->l[i].mark = MK_NONE;
				return OP_APPLIED;
			}
		return OP_NONE;
	}
	return OP_NONE;
}

bool ime_apply(ime_t *ime, ime_action_t act)
{
	ime_word_t next = ime->w;
	if (apply_action(&next, act) == OP_NONE)
		return false;
	push_history(ime);
	ime->w = next;
	render(ime);
	return true;
}

bool ime_can_apply(const ime_t *ime, ime_action_t act)
{
	ime_word_t next = ime->w;
	return apply_action(&next, act) != OP_NONE;
}

bool ime_backspace(ime_t *ime)
{
	if (ime->nhist > 0) {
		ime->w = ime->hist[--ime->nhist];
	} else if (ime->w.n > 0) {
		/* History ran out on a very long word: drop the last letter. */
		ime->w.n--;
		int s, e;
		if (!vowel_group(&ime->w, true, &s, &e))
			ime->w.tone = 0;
	} else {
		return false;
	}
	render(ime);
	return true;
}

const char *ime_preedit(const ime_t *ime)
{
	return ime->out;
}

size_t ime_commit(ime_t *ime, char *out, size_t cap)
{
	size_t len = 0;
	if (out && cap > 0) {
		len = strlen(ime->out);
		if (len > cap - 1) {
			len = cap - 1;
			while (len > 0 && ((unsigned char)ime->out[len] & 0xC0) == 0x80)
				len--;
		}
		memcpy(out, ime->out, len);
		out[len] = '\0';
	}
	ime_reset(ime);
	return len;
}

void ime_reset(ime_t *ime)
{
	/* The word and its undo history are a citizen's letters: wipe them. */
	explicit_bzero(&ime->w, sizeof ime->w);
	explicit_bzero(ime->hist, sizeof ime->hist);
	ime->nhist = 0;
	render(ime);
}
