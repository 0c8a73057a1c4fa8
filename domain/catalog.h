/* catalog.h - the procedure catalog: groups, procedures, documents and form
 * fields, loaded from assets/catalog.json (schema: docs/catalog.md).
 *
 * All strings are NFC UTF-8 and owned by the catalog; pointers stay valid
 * until catalog_free(). Localised texts are arrays indexed by lang_t. */
#ifndef CATALOG_H
#define CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include "core/lang.h"

typedef enum {
	FIELD_NAME,      /* full name */
	FIELD_CCCD,      /* 12-digit citizen ID number */
	FIELD_PHONE,     /* Vietnamese mobile or landline */
	FIELD_DATE,      /* calendar date, dd/mm/yyyy */
	FIELD_BIRTHDATE, /* date not in the future */
	FIELD_SEX,       /* male / female choice */
	FIELD_ADDRESS,   /* free address text */
	FIELD_TEXT,      /* free text */
	FIELD_TYPE_COUNT
} field_type_t;

typedef struct {
	const char *id;               /* [a-z0-9_]+, unique in the procedure */
	field_type_t type;
	bool required;
	const char *label[LANG_COUNT]; /* the question asked on screen */
	const char *hint[LANG_COUNT];  /* may be NULL */
	int max_len;                  /* in characters; 0 = type default */
} catalog_field_t;

typedef struct {
	const char *id;               /* [a-z0-9-]+ */
	char letter;                  /* series letter A-Z */
	const char *name[LANG_COUNT];
	const char *plain[LANG_COUNT]; /* everyday words under the name; may be NULL */
	const char *icon;             /* pictogram name (catalog_icon_name); may be NULL */
	unsigned icon_cp;             /* its code point in the icon font; 0 = none */
} catalog_group_t;

typedef struct {
	const char *id;               /* [a-z0-9-]+ */
	const catalog_group_t *group;
	const char *code;             /* national procedure code, e.g. 1.001193 */
	const char *name[LANG_COUNT];
	const char *short_name[LANG_COUNT]; /* for the ticket; falls back to name */
	const char *const *docs[LANG_COUNT]; /* documents to bring */
	size_t ndocs;
	const catalog_field_t *fields;
	size_t nfields;
	bool handoff_id;              /* the hand-off record may carry the ID number */
	const char *plain[LANG_COUNT]; /* everyday words under the name; may be NULL */
	const char *icon;             /* pictogram name (catalog_icon_name); may be NULL */
	unsigned icon_cp;             /* its code point in the icon font; 0 = none */
} catalog_proc_t;

typedef struct catalog catalog_t;

/* Load and validate a catalog file. On failure returns KIOSK_EINVAL (or
 * KIOSK_EIO / KIOSK_ENOENT) and writes "FILE:LINE: problem" into err.
 * *out is NULL on failure. */
int catalog_load(const char *path, catalog_t **out, char *err, size_t errlen);
/* The same from text already in memory (len bytes); name is used in the
 * error messages. */
int catalog_load_text(const char *name, const char *text, size_t len, catalog_t **out,
		      char *err, size_t errlen);
void catalog_free(catalog_t *cat);

size_t catalog_group_count(const catalog_t *cat);
const catalog_group_t *catalog_group_at(const catalog_t *cat, size_t i);
const catalog_group_t *catalog_group_find(const catalog_t *cat, const char *id);

size_t catalog_proc_count(const catalog_t *cat);
const catalog_proc_t *catalog_proc_at(const catalog_t *cat, size_t i);
const catalog_proc_t *catalog_proc_find(const catalog_t *cat, const char *id);

/* The online link for a procedure: the template with {code} replaced.
 * Returns KIOSK_OK, or KIOSK_ERANGE when buf is too small. */
int catalog_link(const catalog_t *cat, const catalog_proc_t *p, char *buf, size_t cap);

/* Pictograms a catalog may name ("icon"): Material Icons names, resolved to
 * code points of the shipped icon font (fonts/MaterialIcons-Regular.ttf).
 * catalog_icon_codepoint returns 0 for an unknown name. */
unsigned catalog_icon_codepoint(const char *name);
/* The i-th known icon name, or NULL past the end. */
const char *catalog_icon_name(size_t i);

/* Field type name as used in the JSON ("name", "cccd", ...). */
const char *catalog_field_type_name(field_type_t t);
/* The reverse; KIOSK_EINVAL (and *out = FIELD_TEXT) for an unknown name. */
int catalog_field_type_from_name(const char *name, field_type_t *out);

#endif
