/* font.c - opens the shipped fonts at the sizes the layout asks for and
 * caches them (a handful of sizes per screen, so a small table suffices).
 * Before a font is used it is verified: its SHA-256 must be the one listed in
 * fonts/SHA256SUMS (written by tools/copy-assets.sh when the pinned files are
 * copied), and it must draw the queue number's glyphs at the ticket's size and
 * the Vietnamese letters. A damaged primary font is replaced by its fallback so
 * that the out-of-service screen can still be read; the problem is kept for
 * the health check, which then stops the kiosk issuing tickets. The
 * pictogram font (Material Icons) is checked the same way, by its sum and by
 * every icon the catalog may name; it has no fallback: without it the
 * screens show words only. */
#include "ui/font.h"

#include <errno.h>
/* SHA256_Init/Update/Final, deprecated in OpenSSL 3 but kept: they hash
 * with the CPU's SHA code without starting OpenSSL's provider machinery,
 * which a start would otherwise pay for (2 MiB of RSS; docs/profile.md). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "core/kiosk.h"

#define WIDTH_SLOTS 1024 /* a power of two */

struct fonts {
	/* Text fonts, then FONT_ICON (path "" and data NULL = no pictograms). */
	char path[FONT_COUNT + 1][512];
	uint8_t *data[FONT_COUNT + 1]; /* the verified file, mapped; shared by its sizes */
	size_t size[FONT_COUNT + 1];
	char problem[512];      /* "" = every primary font verified */
	char problem_file[64];  /* the file the problem is about */
	/* One open font per file, set to the size last asked for: a font
	 * opened once per size cost its own copies of the HarfBuzz tables and
	 * SDL_ttf's glyph cache (140 KiB and more a size; docs/profile.md). */
	TTF_Font *font[FONT_COUNT + 1];
	int px[FONT_COUNT + 1];
	/* Widths measured, by a 64-bit hash of (font, size, text): a layout
	 * measures the same strings again at every keystroke, and with one font
	 * per file each measure at another size would reset the font's glyph
	 * cache. Only the hash is kept, never the text (it may be an answer). */
	struct {
		uint64_t key; /* 0: empty */
		int w;
	} widths[WIDTH_SLOTS];
};

static const char *const primary[FONT_COUNT] = {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"};
static const char *const fallback[FONT_COUNT] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"};

/* Map a whole file read-only (*data to be given back with unmap_file), or
 * an errno. A font is opened once: hashed, verified and drawn from these
 * bytes (SDL_ttf's stdio streams cost an lseek and a read per FreeType
 * access: 10,000 system calls per start; docs/profile.md). Mapped rather than
 * copied, as FreeType's own Unix stream does: only the pages FreeType reads
 * stay resident, and they are the page cache's, not a heap copy of the whole
 * file (1.4 MiB of RSS; docs/profile.md). The fonts are root-owned files in
 * the running slot, which nothing shortens while the kiosk runs. */
static int map_file(const char *path, uint8_t **data, size_t *size)
{
	*data = NULL;
	*size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno ? errno : EIO;
	struct stat st;
	int rc = fstat(fd, &st) != 0 ? (errno ? errno : EIO) : 0;
	if (!rc && !S_ISREG(st.st_mode))
		rc = EINVAL;
	if (!rc && (st.st_size <= 0 || st.st_size > INT32_MAX))
		rc = st.st_size <= 0 ? ENODATA : EFBIG;
	void *m = MAP_FAILED;
	if (!rc) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED)
			rc = errno ? errno : ENOMEM;
	}
	close(fd);
	if (rc)
		return rc;
	*data = m;
	*size = (size_t)st.st_size;
	return 0;
}

static void unmap_file(uint8_t *data, size_t size)
{
	if (data)
		munmap(data, size);
}

/* The SHA-256 of bytes in lower-case hex (65 bytes), or an errno. */
static int bytes_sha256(const uint8_t *data, size_t size, char hex[65])
{
	SHA256_CTX c;
	unsigned char d[SHA256_DIGEST_LENGTH];
	if (SHA256_Init(&c) != 1 || SHA256_Update(&c, data, size) != 1 || SHA256_Final(d, &c) != 1)
		return EIO;
	for (unsigned i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* A font at a size, read from bytes kept by the caller. */
static TTF_Font *open_mem(const uint8_t *data, size_t size, int px)
{
	SDL_RWops *rw = SDL_RWFromConstMem(data, (int)size);
	return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

/* The sum listed for name in <dir>/SHA256SUMS (sha256sum's format). */
static int listed_sum(const char *dir, const char *name, char hex[65], char *err, size_t errlen)
{
	char path[700];
	snprintf(path, sizeof path, "%s/SHA256SUMS", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return kiosk_err(err, errlen, KIOSK_ENOENT, "fonts/SHA256SUMS: cannot read (%s)",
				 strerror(errno));
	char line[512];
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ')
			continue;
		const char *n = line + 65;
		if (*n == ' ' || *n == '*')
			n++;
		if (strcmp(n, name) == 0) {
			memcpy(hex, line, 64);
			hex[64] = '\0';
			for (int i = 0; i < 64; i++)
				if (hex[i] >= 'A' && hex[i] <= 'F')
					hex[i] = (char)(hex[i] - 'A' + 'a');
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fonts/%s: not listed in fonts/SHA256SUMS",
				 name);
	return KIOSK_OK;
}

/* Does the glyph draw: provided, an advance of a sane width, and ink. */
static int glyph_draws(TTF_Font *font, int px, Uint32 ch, bool number)
{
	int minx, maxx, miny, maxy, adv;
	if (!TTF_GlyphIsProvided32(font, ch) ||
	    TTF_GlyphMetrics32(font, ch, &minx, &maxx, &miny, &maxy, &adv) != 0)
		return 0;
	if (adv < px / 8 || adv > 2 * px || maxx <= minx || maxy <= miny)
		return 0;
	/* Solid rendering writes palette index 1 for ink whatever the colour:
	 * the colour plays no part in the check. */
	SDL_Color fg;
	SDL_zero(fg);
	fg.a = SDL_ALPHA_OPAQUE;
	SDL_Surface *s = TTF_RenderGlyph32_Solid(font, ch, fg);
	if (!s)
		return 0;
	long ink = 0;
	if (SDL_LockSurface(s) == 0) {
		const Uint8 *p = s->pixels;
		for (int y = 0; y < s->h; y++)
			for (int x = 0; x < s->w; x++)
				ink += p[(size_t)y * (size_t)s->pitch + (size_t)x] != 0;
		SDL_UnlockSurface(s);
	}
	int w = s->w;
	SDL_FreeSurface(s);
	/* A digit or capital at the number's size is a solid shape: at least
	 * 1/200 of its em square is ink. */
	long need = number ? (long)px * px / 200 : 1;
	return ink >= need && w >= px / 8 && w <= 3 * px;
}

/* The file is there and its SHA-256 is the one fonts/SHA256SUMS lists; its
 * bytes in *data (mapped: unmap_file) and the sum in got (hex) on success. */
static int read_listed(const char *assets_dir, const char *name, uint8_t **data, size_t *size,
		       char got[65], char *err, size_t errlen)
{
	*data = NULL;
	*size = 0;
	got[0] = '\0';
	char dir[600], path[800], want[65];
	snprintf(dir, sizeof dir, "%s/fonts", assets_dir);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (access(path, F_OK) != 0)
		return kiosk_err(err, errlen, KIOSK_ENOENT, "fonts/%s: missing", name);
	int rc = listed_sum(dir, name, want, err, errlen);
	if (rc)
		return rc;
	uint8_t *buf;
	size_t len;
	int e = map_file(path, &buf, &len);
	if (e == ENODATA)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fonts/%s: damaged (an empty file)", name);
	if (!e)
		e = bytes_sha256(buf, len, got);
	if (e) {
		unmap_file(buf, len);
		return kiosk_err(err, errlen, KIOSK_EIO, "fonts/%s: cannot read (%s)", name,
				 strerror(e));
	}
	if (strcmp(want, got) != 0) {
		unmap_file(buf, len);
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "fonts/%s: damaged (its SHA-256 differs from fonts/SHA256SUMS)", name);
	}
	/* Hashing read every page; let go of them until FreeType asks. */
	madvise(buf, len, MADV_DONTNEED);
	*data = buf;
	*size = len;
	return KIOSK_OK;
}

/* ---- the verification cache ----------------------------------------------
 * What the glyph checks find depends only on the font's bytes, which
 * SHA256SUMS pins, on the checks themselves and on the FreeType, HarfBuzz and
 * SDL_ttf that ran them. So a font whose sum this kiosk has already seen pass
 * them, with the same libraries, is not drawn again at every start (a fifth of
 * a start's CPU; docs/profile.md): the file <data>/fonts.verified lists
 * "<sum> <file>" under a header naming the checks and the libraries. Its
 * bytes are still read and their sum compared with SHA256SUMS at every start,
 * so a damaged font is found as before; a changed library, a changed check
 * (CHECKS_VERSION) or a cache that does not read as written means the checks
 * run again. Writing it may fail (a full or read-only disk): the checks then
 * just run at the next start too. */
#define CHECKS_VERSION 1
#define CACHE_MAX (2 * FONT_COUNT + 1)

typedef struct {
	const char *path;                 /* NULL: no cache */
	char header[160];
	int n;                            /* verified entries, read or new */
	char sum[CACHE_MAX][65];
	char name[CACHE_MAX][64];
	bool fresh;                       /* an entry was added: write it */
} vcache_t;

static void vcache_open(vcache_t *c, const char *path)
{
	memset(c, 0, sizeof *c);
	c->path = path;
	int fm, fn, fp, hm, hn, hp;
	TTF_GetFreeTypeVersion(&fm, &fn, &fp);
	TTF_GetHarfBuzzVersion(&hm, &hn, &hp);
	const SDL_version *t = TTF_Linked_Version();
	snprintf(c->header, sizeof c->header,
		 "kiosk fonts verified: checks %d, FreeType %d.%d.%d, HarfBuzz %d.%d.%d, SDL_ttf %d.%d.%d",
		 CHECKS_VERSION, fm, fn, fp, hm, hn, hp, t->major, t->minor, t->patch);
	FILE *f = path ? fopen(path, "re") : NULL;
	if (!f)
		return;
	char line[256];
	bool ok = fgets(line, sizeof line, f) && strcspn(line, "\n") == strlen(c->header) &&
		  strncmp(line, c->header, strlen(c->header)) == 0;
	while (ok && c->n < CACHE_MAX && fgets(line, sizeof line, f)) {
		char sum[65], name[64];
		if (sscanf(line, "%64[0-9a-f] %63[A-Za-z0-9._-]", sum, name) != 2 || strlen(sum) != 64) {
			ok = false;
			break;
		}
		snprintf(c->sum[c->n], sizeof c->sum[0], "%s", sum);
		snprintf(c->name[c->n], sizeof c->name[0], "%s", name);
		c->n++;
	}
	fclose(f);
	if (!ok)
		c->n = 0; /* not as written: trust none of it */
}

static bool vcache_has(const vcache_t *c, const char *name, const char *sum)
{
	for (int i = 0; c && i < c->n; i++)
		if (strcmp(c->name[i], name) == 0 && strcmp(c->sum[i], sum) == 0)
			return true;
	return false;
}

static void vcache_add(vcache_t *c, const char *name, const char *sum)
{
	if (!c || !c->path || vcache_has(c, name, sum) || c->n == CACHE_MAX)
		return;
	snprintf(c->sum[c->n], sizeof c->sum[0], "%s", sum);
	snprintf(c->name[c->n], sizeof c->name[0], "%s", name);
	c->n++;
	c->fresh = true;
}

/* Written beside, then renamed: a cut leaves the old file or none. */
static void vcache_write(const vcache_t *c)
{
	if (!c->path || !c->fresh)
		return;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", c->path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return;
	bool ok = fprintf(f, "%s\n", c->header) > 0;
	for (int i = 0; ok && i < c->n; i++)
		ok = fprintf(f, "%s %s\n", c->sum[i], c->name[i]) > 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, c->path) != 0)
		unlink(tmp);
}

/* fonts_verify, keeping the verified bytes in *data (mapped: unmap_file) on success;
 * the glyph checks are skipped for a sum the cache vc (may be NULL) lists. */
static int verify_keep(const char *assets_dir, const char *name, uint8_t **data, size_t *size,
		       vcache_t *vc, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char sum[65];
	int rc = read_listed(assets_dir, name, &buf, &len, sum, err, errlen);
	if (rc)
		return rc;
	if (vcache_has(vc, name, sum)) {
		*data = buf;
		*size = len;
		return KIOSK_OK;
	}
	*data = NULL;
	*size = 0;
	/* The queue number: digits and series letters at the ticket's size
	 * (160 dots on 80 mm paper, 107 on 58 mm); Vietnamese letters at the
	 * screens' body size. */
	static const int sizes[] = {FONTS_NUMBER_PX, FONTS_NUMBER_PX * 2 / 3};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		TTF_Font *f = open_mem(buf, len, sizes[k]);
		if (!f) {
			unmap_file(buf, len);
			return kiosk_err(err, errlen, KIOSK_EINVAL, "fonts/%s: cannot open (%s)",
					 name, TTF_GetError());
		}
		const char *set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
		for (const char *c = set; *c; c++)
			if (!glyph_draws(f, sizes[k], (Uint32)(unsigned char)*c, true)) {
				TTF_CloseFont(f);
				unmap_file(buf, len);
				return kiosk_err(err, errlen, KIOSK_EINVAL,
						 "fonts/%s: the glyph '%c' does not draw at %d px", name,
						 *c, sizes[k]);
			}
		TTF_CloseFont(f);
	}
	TTF_Font *f = open_mem(buf, len, 42);
	if (!f) {
		unmap_file(buf, len);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fonts/%s: cannot open (%s)", name,
				 TTF_GetError());
	}
	/* ế ệ ữ đ Đ ơ ư ă â ê ô ạ ỷ Ữ and the ticket's own letters. */
	static const Uint32 vi[] = {0x1EBF, 0x1EC7, 0x1EEF, 0x0111, 0x0110, 0x01A1, 0x01B0, 0x0103,
				    0x00E2, 0x00EA, 0x00F4, 0x1EA1, 0x1EF7, 0x1EEE, 'a', 'g', 'y'};
	for (size_t i = 0; i < sizeof vi / sizeof vi[0]; i++)
		if (!glyph_draws(f, 42, vi[i], false)) {
			TTF_CloseFont(f);
			unmap_file(buf, len);
			return kiosk_err(err, errlen, KIOSK_EINVAL,
					 "fonts/%s: the letter U+%04X does not draw", name,
					 (unsigned)vi[i]);
		}
	TTF_CloseFont(f);
	vcache_add(vc, name, sum);
	*data = buf;
	*size = len;
	return KIOSK_OK;
}

/* The pictogram font, keeping its bytes in *data (mapped: unmap_file) on success; the
 * checks are skipped for a sum the cache vc (may be NULL) lists. */
static int verify_icons_keep(const char *assets_dir, uint8_t **data, size_t *size, vcache_t *vc,
			     char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char sum[65];
	int rc = read_listed(assets_dir, FONTS_ICON_FILE, &buf, &len, sum, err, errlen);
	if (rc)
		return rc;
	if (vcache_has(vc, FONTS_ICON_FILE, sum)) {
		*data = buf;
		*size = len;
		return KIOSK_OK;
	}
	TTF_Font *f = open_mem(buf, len, 96);
	if (!f) {
		unmap_file(buf, len);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "fonts/%s: cannot open (%s)",
				 FONTS_ICON_FILE, TTF_GetError());
	}
	const char *name;
	for (size_t i = 0; (name = catalog_icon_name(i)); i++)
		if (!glyph_draws(f, 96, catalog_icon_codepoint(name), true)) {
			TTF_CloseFont(f);
			unmap_file(buf, len);
			return kiosk_err(err, errlen, KIOSK_EINVAL,
					 "fonts/%s: the icon \"%s\" does not draw", FONTS_ICON_FILE,
					 name);
		}
	TTF_CloseFont(f);
	vcache_add(vc, FONTS_ICON_FILE, sum);
	*data = buf;
	*size = len;
	return KIOSK_OK;
}

int fonts_verify_icons(const char *assets_dir, char *err, size_t errlen)
{
	uint8_t *data;
	size_t size;
	int rc = verify_icons_keep(assets_dir, &data, &size, NULL, err, errlen);
	unmap_file(data, size);
	return rc;
}

int fonts_verify(const char *assets_dir, const char *name, char *err, size_t errlen)
{
	uint8_t *data;
	size_t size;
	int rc = verify_keep(assets_dir, name, &data, &size, NULL, err, errlen);
	unmap_file(data, size);
	return rc;
}

int fonts_open(const char *assets_dir, fonts_t **out, char *err, size_t errlen)
{
	return fonts_open_cached(assets_dir, NULL, out, err, errlen);
}

int fonts_open_cached(const char *assets_dir, const char *verified, fonts_t **out, char *err,
		      size_t errlen)
{
	*out = NULL;
	fonts_t *f = calloc(1, sizeof *f);
	if (!f)
		return KIOSK_ENOMEM;
	vcache_t vc;
	vcache_open(&vc, verified);
	for (int i = 0; i < FONT_COUNT; i++) {
		char why[512] = "";
		const char *use = primary[i];
		if (verify_keep(assets_dir, primary[i], &f->data[i], &f->size[i], &vc, why,
				sizeof why) != KIOSK_OK) {
			if (!f->problem[0]) {
				snprintf(f->problem, sizeof f->problem, "%s", why);
				snprintf(f->problem_file, sizeof f->problem_file, "%s", primary[i]);
			}
			char why2[512] = "";
			if (verify_keep(assets_dir, fallback[i], &f->data[i], &f->size[i], &vc, why2,
					sizeof why2) != KIOSK_OK) {
				snprintf(err, errlen, "%s; its fallback: %s", why, why2);
				for (int k = 0; k < i; k++)
					unmap_file(f->data[k], f->size[k]);
				free(f);
				return KIOSK_ENOENT;
			}
			use = fallback[i];
		}
		snprintf(f->path[i], sizeof f->path[i], "%s/fonts/%s", assets_dir, use);
	}
	/* Pictograms: no fallback; without them the screens show words only. */
	char why[512] = "";
	if (verify_icons_keep(assets_dir, &f->data[FONT_ICON], &f->size[FONT_ICON], &vc, why,
			      sizeof why) == KIOSK_OK)
		snprintf(f->path[FONT_ICON], sizeof f->path[FONT_ICON], "%s/fonts/%s", assets_dir,
			 FONTS_ICON_FILE);
	else if (!f->problem[0]) {
		snprintf(f->problem, sizeof f->problem, "%s", why);
		snprintf(f->problem_file, sizeof f->problem_file, "%s", FONTS_ICON_FILE);
	}
	vcache_write(&vc);
	*out = f;
	return KIOSK_OK;
}

bool fonts_have_icons(const fonts_t *f)
{
	return f && f->data[FONT_ICON];
}

const char *fonts_problem(const fonts_t *f, const char **file)
{
	if (file)
		*file = f && f->problem[0] ? f->problem_file : "";
	return f ? f->problem : "";
}
void fonts_close(fonts_t *f)
{
	if (!f)
		return;
	for (int i = 0; i <= FONT_COUNT; i++)
		if (f->font[i])
			TTF_CloseFont(f->font[i]);
	for (int i = 0; i <= FONT_COUNT; i++)
		unmap_file(f->data[i], f->size[i]);
	free(f);
}

TTF_Font *fonts_get(fonts_t *f, font_id_t id, int px)
{
	if (!f->data[id] || px <= 0)
		return NULL; /* no verified pictogram font */
	if (!f->font[id]) {
		TTF_Font *font = open_mem(f->data[id], f->size[id], px);
		if (!font)
			return NULL;
		TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
		f->font[id] = font;
		f->px[id] = px;
	} else if (f->px[id] != px) {
		if (TTF_SetFontSize(f->font[id], px) != 0)
			return NULL;
		f->px[id] = px;
	}
	return f->font[id];
}

static uint64_t width_key(font_id_t id, int px, const char *text)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	h = (h ^ ((uint64_t)id << 32 | (uint32_t)px)) * 1099511628211ULL;
	return h ? h : 1;
}

int fonts_width(fonts_t *f, font_id_t id, int px, const char *text)
{
	if (!text || !*text)
		return 0;
	uint64_t key = width_key(id, px, text);
	size_t slot = (size_t)(key ^ key >> 32) & (WIDTH_SLOTS - 1);
	if (f->widths[slot].key == key)
		return f->widths[slot].w;
	TTF_Font *font = fonts_get(f, id, px);
	int w = 0, h = 0;
	if (!font || TTF_SizeUTF8(font, text, &w, &h) != 0)
		return 0;
	f->widths[slot].key = key;
	f->widths[slot].w = w;
	return w;
}

const char *fonts_path(const fonts_t *f, font_id_t id)
{
	return f->path[id];
}
