/* ticket.c - ticket and test-page rendering into a 1-bit image (SDL2_ttf
 * solid rendering, libqrencode modules); core/pngout.c writes it as PNG. */
#include "print/ticket.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "core/qr.h"
#include "core/text.h"

#define MAX_FONTS 16
#define QR_MIN_MODULE 3
#define QR_MAX_MODULE 6
#define QR_LINK_MODULE 4

typedef struct {
	bool bold;
	int size;
	TTF_Font *font;
} font_slot_t;

struct ticket_renderer {
	char *path[2];             /* regular, bold */
	font_slot_t fonts[MAX_FONTS];
	int nfonts;
	const i18n_t *tr;          /* the fixed words: own_tr, or borrowed */
	i18n_t *own_tr;            /* loaded here (NULL when borrowed) */
};

static const char *required_keys[] = {
	"ticket.number_label", "ticket.priority", "ticket.reprint", "ticket.docs_title",
	"ticket.more_docs", "ticket.footer", "ticket.footer_qr", "ticket.test_title",
	"ticket.test_line", "ticket.test_sample", "ticket.qr_private", "ticket.online_title",
	"ticket.online_caption", "ticket.afternoon", "ticket.ahead", "ticket.ahead_one", "ticket.ahead_none", "ticket.wait",
	"ticket.qr_rate",
};

/* Noto Sans has an x-height of 0.536 em: 36 dots give 20 dots (2.5 mm) in
 * both weights (tests/unit/test_ticket.c measures it). 80 mm paper has
 * room for a little more on the lines that name the office and the
 * procedure. {bold, px, max_lines}. */
static const ticket_style_t styles_58[TICKET_TEXT_COUNT] = {
	[TICKET_TEXT_OFFICE] = {true, 36, 3},      [TICKET_TEXT_PROCEDURE] = {true, 38, 4},
	[TICKET_TEXT_PROCEDURE_EN] = {false, 36, 3}, [TICKET_TEXT_LABEL] = {false, 36, 1},
	[TICKET_TEXT_DATE] = {false, 36, 1},       [TICKET_TEXT_AFTERNOON] = {true, 36, 3}, [TICKET_TEXT_WAIT] = {true, 36, 2},
	[TICKET_TEXT_DOCS_TITLE] = {true, 36, 2},  [TICKET_TEXT_DOC] = {false, 36, 3},
	[TICKET_TEXT_CAPTION] = {false, 36, 4},    [TICKET_TEXT_PRIVATE] = {true, 36, 7},
	[TICKET_TEXT_ONLINE_TITLE] = {true, 36, 2}, [TICKET_TEXT_FOOTER] = {false, 36, 3},
};
static const ticket_style_t styles_80[TICKET_TEXT_COUNT] = {
	[TICKET_TEXT_OFFICE] = {true, 40, 3},      [TICKET_TEXT_PROCEDURE] = {true, 44, 4},
	[TICKET_TEXT_PROCEDURE_EN] = {false, 36, 3}, [TICKET_TEXT_LABEL] = {false, 36, 1},
	[TICKET_TEXT_DATE] = {false, 36, 1},       [TICKET_TEXT_AFTERNOON] = {true, 36, 2}, [TICKET_TEXT_WAIT] = {true, 36, 2},
	[TICKET_TEXT_DOCS_TITLE] = {true, 36, 2},  [TICKET_TEXT_DOC] = {false, 36, 3},
	[TICKET_TEXT_CAPTION] = {false, 36, 3},    [TICKET_TEXT_PRIVATE] = {true, 36, 5},
	[TICKET_TEXT_ONLINE_TITLE] = {true, 36, 2}, [TICKET_TEXT_FOOTER] = {false, 36, 2},
};

ticket_style_t ticket_text_style(int width, ticket_text_t role)
{
	if ((unsigned)role >= TICKET_TEXT_COUNT)
		return (ticket_style_t){false, 36, 1};
	return width >= 512 ? styles_80[role] : styles_58[role];
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

static int renderer_open(const char *assets_dir, const char *i18n_dir, const i18n_t *tr,
			 ticket_renderer_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!assets_dir)
		return KIOSK_EINVAL;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errlen, "ticket: TTF_Init failed: %s", TTF_GetError());
		return KIOSK_ERR;
	}
	ticket_renderer_t *r = calloc(1, sizeof *r);
	if (!r)
		return KIOSK_ENOMEM;
	static const char *files[2] = {"/fonts/NotoSans-Regular.ttf", "/fonts/NotoSans-Bold.ttf"};
	int rc = KIOSK_OK;
	for (int i = 0; i < 2 && !rc; i++) {
		r->path[i] = join(assets_dir, files[i]);
		if (!r->path[i]) {
			rc = KIOSK_ENOMEM;
			break;
		}
		FILE *f = fopen(r->path[i], "rb");
		if (!f) {
			snprintf(err, errlen, "ticket: missing font %s", r->path[i]);
			rc = KIOSK_ENOENT;
		} else {
			fclose(f);
		}
	}
	if (!rc) {
		char *dir = i18n_dir ? strdup(i18n_dir) : join(assets_dir, "/i18n");
		char e[384];
		if (!dir)
			rc = KIOSK_ENOMEM;
		else if (!tr && (rc = i18n_load(dir, &r->own_tr, e, sizeof e)) != KIOSK_OK)
			snprintf(err, errlen, "ticket: %s", e);
		r->tr = tr ? tr : r->own_tr;
		for (size_t k = 0; !rc && k < KIOSK_ARRAY_LEN(required_keys); k++)
			if (!i18n_has(r->tr, required_keys[k])) {
				snprintf(err, errlen, "ticket: %s lacks \"%s\"", dir, required_keys[k]);
				rc = KIOSK_EINVAL;
			}
		free(dir);
	}
	if (rc) {
		ticket_renderer_close(r);
		return rc;
	}
	*out = r;
	return KIOSK_OK;
}

int ticket_renderer_open(const char *assets_dir, const char *i18n_dir, ticket_renderer_t **out,
			 char *err, size_t errlen)
{
	return renderer_open(assets_dir, i18n_dir, NULL, out, err, errlen);
}

int ticket_renderer_open_with(const char *assets_dir, const i18n_t *tr, ticket_renderer_t **out,
			      char *err, size_t errlen)
{
	if (!tr)
		return KIOSK_EINVAL;
	return renderer_open(assets_dir, NULL, tr, out, err, errlen);
}

void ticket_renderer_close(ticket_renderer_t *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nfonts; i++)
		TTF_CloseFont(r->fonts[i].font);
	i18n_free(r->own_tr);
	free(r->path[0]);
	free(r->path[1]);
	free(r);
}

static TTF_Font *font(ticket_renderer_t *r, bool bold, int size)
{
	for (int i = 0; i < r->nfonts; i++)
		if (r->fonts[i].bold == bold && r->fonts[i].size == size)
			return r->fonts[i].font;
	TTF_Font *f = TTF_OpenFont(r->path[bold ? 1 : 0], size);
	if (!f)
		return NULL;
	if (r->nfonts == MAX_FONTS) {
		TTF_CloseFont(r->fonts[0].font);
		memmove(r->fonts, r->fonts + 1, sizeof r->fonts[0] * (MAX_FONTS - 1));
		r->nfonts--;
	}
	r->fonts[r->nfonts++] = (font_slot_t){bold, size, f};
	return f;
}

/* Drawing context: a canvas that grows downwards. */
typedef struct {
	bitmap_t img;
	int y;                     /* next free row */
	int margin;
	int rc;
	ticket_renderer_t *r;
	double scale;
	int cut;                   /* paragraphs cut short with an ellipsis */
} canvas_t;

static void grow(canvas_t *c, int rows)
{
	if (c->rc || rows <= c->img.h)
		return;
	int nh = c->img.h ? c->img.h : 512;
	while (nh < rows)
		nh *= 2;
	uint8_t *nb = realloc(c->img.bits, (size_t)nh * (size_t)c->img.stride);
	if (!nb) {
		c->rc = KIOSK_ENOMEM;
		return;
	}
	memset(nb + (size_t)c->img.h * (size_t)c->img.stride, 0,
	       (size_t)(nh - c->img.h) * (size_t)c->img.stride);
	c->img.bits = nb;
	c->img.h = nh;
}

static void set_px(canvas_t *c, int x, int y)
{
	if (x < 0 || x >= c->img.w || y < 0 || y >= c->img.h)
		return;
	c->img.bits[(size_t)y * (size_t)c->img.stride + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7));
}

static void fill(canvas_t *c, int x0, int y0, int w, int h)
{
	grow(c, y0 + h);
	if (c->rc)
		return;
	for (int y = y0; y < y0 + h; y++)
		for (int x = x0; x < x0 + w; x++)
			set_px(c, x, y);
}

static int px(canvas_t *c, int base)
{
	int v = (int)(base * c->scale + 0.5);
	return v < 1 ? 1 : v;
}

/* Blit one rendered line; align 0 left, 1 centre. Returns its height. */
static int blit_text(canvas_t *c, TTF_Font *f, const char *s, int align, bool invert)
{
	if (c->rc || !*s)
		return 0;
	SDL_Color black = {0, 0, 0, 255};
	SDL_Surface *sf = TTF_RenderUTF8_Solid(f, s, black);
	if (!sf) {
		c->rc = KIOSK_EINVAL;
		return 0;
	}
	int w = sf->w, h = sf->h;
	int x0 = align ? (c->img.w - w) / 2 : c->margin;
	if (x0 < 0)
		x0 = 0;
	grow(c, c->y + h);
	if (!c->rc) {
		if (SDL_MUSTLOCK(sf))
			SDL_LockSurface(sf);
		if (invert)
			fill(c, c->margin, c->y, c->img.w - 2 * c->margin, h);
		for (int y = 0; y < h; y++) {
			const uint8_t *row = (const uint8_t *)sf->pixels + (size_t)y * (size_t)sf->pitch;
			for (int x = 0; x < w; x++) {
				bool on = row[x] != 0;
				if (on != invert)
					set_px(c, x0 + x, c->y + y);
				else if (invert)
					c->img.bits[(size_t)(c->y + y) * (size_t)c->img.stride +
						    (size_t)((x0 + x) >> 3)] &= (uint8_t)~(0x80 >> ((x0 + x) & 7));
			}
		}
		if (SDL_MUSTLOCK(sf))
			SDL_UnlockSurface(sf);
	}
	SDL_FreeSurface(sf);
	return h;
}

static int text_w(TTF_Font *f, const char *s)
{
	int w = 0, h = 0;
	if (TTF_SizeUTF8(f, s, &w, &h) != 0)
		return 1 << 20;
	return w;
}

/* Word-wrapped paragraph of at most max_lines lines at size dots; the
 * last line ends with an ellipsis when text is left over. */
static void paragraph_abs(canvas_t *c, bool bold, int size, const char *text_in, int align,
			  int max_lines, const char *prefix)
{
	if (c->rc || !text_in || !*text_in)
		return;
	TTF_Font *f = font(c->r, bold, size);
	char *text = text_nfc(text_in);
	if (!f || !text) {
		free(text);
		c->rc = f ? KIOSK_EINVAL : KIOSK_ERR;
		return;
	}
	int avail = c->img.w - 2 * c->margin;
	size_t len = strlen(text), pos = 0;
	int lines = 0;
	char line[512];
	while (pos < len && lines < max_lines && !c->rc) {
		while (text[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		/* Greedy: extend word by word while it fits. */
		size_t best = 0, i = pos;
		line[0] = 0;
		if (lines == 0 && prefix)
			snprintf(line, sizeof line, "%s", prefix);
		size_t plen = strlen(line);
		while (i <= len) {
			size_t e = i;
			while (e < len && text[e] != ' ')
				e++;
			size_t n = e - pos;
			if (plen + n >= sizeof line)
				break;
			char tmp[512];
			memcpy(tmp, line, plen);
			memcpy(tmp + plen, text + pos, n);
			tmp[plen + n] = 0;
			if (text_w(f, tmp) > avail)
				break;
			best = e;
			if (e >= len)
				break;
			i = e + 1;
		}
		bool last = lines == max_lines - 1;
		if (best == 0) {
			/* One word wider than the line: cut it by characters. */
			size_t j = pos, ok = pos;
			while (j < len && text[j] != ' ') {
				size_t k = j;
				if (text_next(text, len, &k) < 0)
					break;
				char tmp[512];
				size_t n = k - pos;
				if (plen + n + 4 >= sizeof tmp)
					break;
				memcpy(tmp, line, plen);
				memcpy(tmp + plen, text + pos, n);
				memcpy(tmp + plen + n, "\xE2\x80\xA6", 4);
				if (text_w(f, tmp) > avail)
					break;
				ok = k;
				j = k;
			}
			if (ok == pos)
				ok = pos + 1;
			best = ok;
			last = true;
		}
		memcpy(line + plen, text + pos, best - pos);
		line[plen + best - pos] = 0;
		size_t rest = best;
		while (rest < len && text[rest] == ' ')
			rest++;
		if (last && rest < len) {
			/* Make room for the ellipsis. */
			size_t ll = strlen(line);
			if (ll + 4 > sizeof line) {
				ll = sizeof line - 4;
				while (ll > 0 && ((unsigned char)line[ll] & 0xC0) == 0x80)
					ll--;
				line[ll] = 0;
			}
			for (;;) {
				char tmp[sizeof line];
				memcpy(tmp, line, ll);
				memcpy(tmp + ll, "\xE2\x80\xA6", 4);
				if (text_w(f, tmp) <= avail || ll == 0) {
					memcpy(line, tmp, ll + 4);
					break;
				}
				ll -= text_last_len(line);
				line[ll] = 0;
			}
			rest = len;
			c->cut++;
		}
		c->y += blit_text(c, f, line, align, false);
		lines++;
		pos = rest;
	}
	free(text);
}

/* The same with a size scaled to the paper width (576 dots = base). */
static void paragraph(canvas_t *c, bool bold, int size, const char *text_in, int align, int max_lines,
		      const char *prefix)
{
	paragraph_abs(c, bold, px(c, size), text_in, align, max_lines, prefix);
}

/* A paragraph in one of the ticket's text styles. */
static void styled(canvas_t *c, ticket_text_t role, const char *text_in, int align, const char *prefix)
{
	ticket_style_t st = ticket_text_style(c->img.w, role);
	paragraph_abs(c, st.bold, st.px, text_in, align, st.max_lines, prefix);
}

static void gap(canvas_t *c, int base)
{
	c->y += px(c, base);
}

static void rule(canvas_t *c)
{
	fill(c, c->margin, c->y, c->img.w - 2 * c->margin, px(c, 2));
	c->y += px(c, 2);
}

/* A centred QR of data: modules of QR_MIN_MODULE to max_module dots, at
 * level M, or L where M would need smaller modules. */
static void draw_qr_max(canvas_t *c, const char *data, int max_module)
{
	if (c->rc || !data)
		return;
	qr_t q = {0};
	int module = 0;
	static const qr_ecc_t levels[] = {QR_ECC_M, QR_ECC_L};
	for (size_t li = 0; li < KIOSK_ARRAY_LEN(levels); li++) {
		if (qr_make(&q, data, levels[li]) != 0) {
			c->rc = KIOSK_ERANGE;
			return;
		}
		int total = q.width + 2 * QR_QUIET_MODULES;
		module = (c->img.w * 3 / 5) / total;
		if (module > max_module)
			module = max_module;
		if (module >= QR_MIN_MODULE)
			break;
		qr_free(&q);
	}
	if (!q.width) {
		c->rc = KIOSK_ERANGE;
		return;
	}
	int size = (q.width + 2 * QR_QUIET_MODULES) * module;
	int x0 = (c->img.w - size) / 2 + QR_QUIET_MODULES * module;
	int y0 = c->y + QR_QUIET_MODULES * module;
	grow(c, c->y + size);
	for (int y = 0; y < q.width && !c->rc; y++)
		for (int x = 0; x < q.width; x++)
			if (qr_dark(&q, x, y))
				fill(c, x0 + x * module, y0 + y * module, module, module);
	c->y += size;
	qr_free(&q);
}

static void draw_qr(canvas_t *c, const char *data)
{
	draw_qr_max(c, data, QR_MAX_MODULE);
}

static int canvas_start(canvas_t *c, ticket_renderer_t *r, int width)
{
	memset(c, 0, sizeof *c);
	if (!r || (width != 576 && width != 384 && (width < 256 || width > 832 || width % 8)))
		return KIOSK_EINVAL;
	c->r = r;
	c->img.w = width;
	c->img.stride = (width + 7) / 8;
	c->scale = width / 576.0;
	c->margin = px(c, 12);
	grow(c, 1024);
	c->y = px(c, 8);
	return c->rc;
}

static int canvas_finish(canvas_t *c, bitmap_t *out)
{
	c->y += px(c, 16);
	grow(c, c->y);
	if (c->rc) {
		bitmap_free(&c->img);
		return c->rc;
	}
	c->img.h = c->y;
	c->img.cut = c->cut;
	*out = c->img;
	return KIOSK_OK;
}

int ticket_render(ticket_renderer_t *r, const ticket_info_t *t, bitmap_t *out)
{
	memset(out, 0, sizeof *out);
	if (!t || !t->number || !t->procedure_vi || (unsigned)t->lang >= LANG_COUNT)
		return KIOSK_EINVAL;
	canvas_t c;
	int rc = canvas_start(&c, r, t->width);
	if (rc)
		return rc;
	lang_t L = t->lang;
	if (t->reprint) {
		/* Capitals: 34 dots give a 3 mm cap height on any paper. */
		TTF_Font *f = font(r, true, px(&c, 34) < 34 ? 34 : px(&c, 34));
		if (!f)
			c.rc = KIOSK_ERR;
		else
			c.y += blit_text(&c, f, i18n_get(r->tr, L, "ticket.reprint"), 1, true);
		gap(&c, 8);
	}
	if (t->office) {
		styled(&c, TICKET_TEXT_OFFICE, t->office, 1, NULL);
		gap(&c, 6);
	}
	rule(&c);
	gap(&c, 8);
	styled(&c, TICKET_TEXT_PROCEDURE, t->procedure_vi, 1, NULL);
	if (L == LANG_EN && t->procedure_en)
		styled(&c, TICKET_TEXT_PROCEDURE_EN, t->procedure_en, 1, NULL);
	gap(&c, 8);
	styled(&c, TICKET_TEXT_LABEL, i18n_get(r->tr, L, "ticket.number_label"), 1, NULL);
	paragraph(&c, true, 160, t->number, 1, 1, NULL);
	if (t->priority) {
		TTF_Font *f = font(r, true, px(&c, 40) < 36 ? 36 : px(&c, 40));
		if (!f)
			c.rc = KIOSK_ERR;
		else
			c.y += blit_text(&c, f, i18n_get(r->tr, L, "ticket.priority"), 1, true);
		gap(&c, 6);
	}
	if (t->wait && t->wait->ahead >= 0) {
		/* The office queue: people ahead, and the wait when known. */
		char n[16], line[200];
		snprintf(n, sizeof n, "%d", t->wait->ahead);
		const char *key = t->wait->ahead == 0 ? "ticket.ahead_none"
				  : t->wait->ahead == 1 ? "ticket.ahead_one" : "ticket.ahead";
		i18n_format(line, sizeof line, i18n_get(r->tr, L, key), "n", n, NULL);
		styled(&c, TICKET_TEXT_WAIT, line, 1, NULL);
		if (t->wait->wait_min > 0) {
			char m[16];
			snprintf(m, sizeof m, "%d", t->wait->wait_min);
			i18n_format(line, sizeof line, i18n_get(r->tr, L, "ticket.wait"), "m", m, NULL);
			styled(&c, TICKET_TEXT_WAIT, line, 1, NULL);
		}
		gap(&c, 6);
	}
	if (t->dated) {
		kclock_local_t lt;
		kclock_to_local(t->time_ms, &lt);
		char when[40];
		snprintf(when, sizeof when, "%02d/%02d/%04d  %02d:%02d", lt.day, lt.month, lt.year,
			 lt.hour, lt.min);
		styled(&c, TICKET_TEXT_DATE, when, 1, NULL);
	}
	if (t->afternoon) {
		char line[160];
		i18n_format(line, sizeof line, i18n_get(r->tr, L, "ticket.afternoon"), "time", t->afternoon,
			    NULL);
		gap(&c, 4);
		styled(&c, TICKET_TEXT_AFTERNOON, line, 1, NULL);
	}
	gap(&c, 6);
	if (t->ndocs && t->docs) {
		rule(&c);
		gap(&c, 6);
		styled(&c, TICKET_TEXT_DOCS_TITLE, i18n_get(r->tr, L, "ticket.docs_title"), 0, NULL);
		size_t shown = t->ndocs > 4 ? 3 : t->ndocs;
		for (size_t i = 0; i < shown; i++)
			styled(&c, TICKET_TEXT_DOC, t->docs[i], 0, "\xE2\x80\xA2 ");
		if (shown < t->ndocs)
			styled(&c, TICKET_TEXT_DOC, i18n_get(r->tr, L, "ticket.more_docs"), 0, "\xE2\x80\xA2 ");
		gap(&c, 6);
	}
	if (t->qr) {
		draw_qr(&c, t->qr);
		styled(&c, TICKET_TEXT_CAPTION, i18n_get(r->tr, L, "ticket.footer_qr"), 1, NULL);
		if (t->rating)
			styled(&c, TICKET_TEXT_CAPTION, i18n_get(r->tr, L, "ticket.qr_rate"), 1, NULL);
		if (t->qr_personal)
			styled(&c, TICKET_TEXT_PRIVATE, i18n_get(r->tr, L, "ticket.qr_private"), 1, NULL);
	}
	if (t->link && *t->link) {
		/* The screen shows this code for a minute only: on paper the
		 * citizen can open the procedure's page at home. */
		gap(&c, 10);
		rule(&c);
		gap(&c, 10);
		styled(&c, TICKET_TEXT_ONLINE_TITLE, i18n_get(r->tr, L, "ticket.online_title"), 1, NULL);
		/* 4-dot modules (0.5 mm): a phone reads them at arm's length,
		 * and the code is the same 25 mm square on both papers. */
		draw_qr_max(&c, t->link, QR_LINK_MODULE);
		styled(&c, TICKET_TEXT_CAPTION, i18n_get(r->tr, L, "ticket.online_caption"), 1, NULL);
	}
	gap(&c, 6);
	rule(&c);
	gap(&c, 6);
	styled(&c, TICKET_TEXT_FOOTER, i18n_get(r->tr, L, "ticket.footer"), 1, NULL);
	return canvas_finish(&c, out);
}

int ticket_render_test(ticket_renderer_t *r, int width, lang_t lang, const char *office,
		       const char *qr, bitmap_t *out)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)lang >= LANG_COUNT)
		return KIOSK_EINVAL;
	canvas_t c;
	int rc = canvas_start(&c, r, width);
	if (rc)
		return rc;
	paragraph(&c, true, 40, i18n_get(r->tr, lang, "ticket.test_title"), 1, 1, NULL);
	gap(&c, 6);
	/* Ruler: full width, ticks every 8 dots (1 mm), longer every 80. */
	fill(&c, 0, c.y, width, 2);
	for (int x = 0; x < width; x += 8)
		fill(&c, x, c.y, 1, x % 80 == 0 ? 24 : 10);
	fill(&c, width - 1, c.y, 1, 24);
	c.y += 28;
	if (office)
		paragraph(&c, false, 26, office, 1, 2, NULL);
	paragraph(&c, false, 26, i18n_get(r->tr, lang, "ticket.test_line"), 1, 2, NULL);
	gap(&c, 6);
	paragraph(&c, false, 26, i18n_get(r->tr, lang, "ticket.test_sample"), 1, 4, NULL);
	paragraph(&c, true, 26, i18n_get(r->tr, lang, "ticket.test_sample"), 1, 4, NULL);
	gap(&c, 6);
	draw_qr(&c, qr);
	return canvas_finish(&c, out);
}
