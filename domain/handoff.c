/* handoff.c - encoder and strict decoder of the hand-off record (formats K1
 * and K2, docs/handoff-record.md) carried by the ticket's QR code; K2 ends
 * with an HMAC-SHA256 tag under the office key. */
#include "domain/handoff.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "core/text.h"

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static bool value_ok(const char *v)
{
	size_t len = strlen(v), i = 0;
	if (!text_utf8_valid(v, len))
		return false;
	while (i < len) {
		int32_t cp = text_next(v, len, &i);
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return false;
	}
	return true;
}

static bool id_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c)))
			return false;
	}
	return true;
}

int handoff_check(const catalog_proc_t *p, const handoff_answer_t *a, size_t n)
{
	if (n && (!a || !p))
		return KIOSK_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!a[i].field_id || !a[i].value || !value_ok(a[i].value))
			return KIOSK_EINVAL;
		bool found = false;
		for (size_t f = 0; f < p->nfields; f++)
			if (strcmp(p->fields[f].id, a[i].field_id) == 0)
				found = true;
		if (!found)
			return KIOSK_EINVAL;
	}
	return KIOSK_OK;
}

/* Percent-encode s[0..len) into out (cap); returns bytes written or -1. */
static int pct(const char *s, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || c == ' ') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = c == ' ' ? '+' : (char)c;
		} else {
			if (o + 3 >= cap)
				return -1;
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = 0;
	return (int)o;
}

/* Encode header and answers with version item fmt, at most limit bytes. */
static int encode_body(const handoff_head_t *h, const catalog_proc_t *p, const handoff_answer_t *a,
		       size_t n, char *buf, size_t cap, int *dropped, const char *fmt, size_t limit)
{
	if (dropped)
		*dropped = 0;
	if (cap)
		buf[0] = 0;
	if (!h || !h->number || !h->ticket_id || !h->procedure_code || cap <= limit)
		return KIOSK_EINVAL;
	size_t nl = strlen(h->number);
	if (nl != 4 || h->number[0] < 'A' || h->number[0] > 'Z' || !id_ok(h->number + 1, 3, "") ||
	    !id_ok(h->ticket_id, 39, "-") || !id_ok(h->procedure_code, 32, ".-ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return KIOSK_EINVAL;
	int rc = handoff_check(p, a, n);
	if (rc)
		return rc;
	char tm[20] = "-";
	if (h->dated) {
		kclock_local_t lt;
		kclock_to_local(h->time_ms, &lt);
		snprintf(tm, sizeof tm, "%04d%02d%02dT%02d%02d%02d", lt.year, lt.month, lt.day,
			 lt.hour, lt.min, lt.sec);
	}
	int len = snprintf(buf, cap, "%s;%s;%s;%s;%s;%d", h->number, fmt, h->ticket_id,
			   h->procedure_code, tm, h->reprint ? 1 : 0);
	if (len < 0 || (size_t)len > limit)
		return KIOSK_ERANGE;
	bool full = false;
	for (size_t f = 0; p && f < p->nfields; f++) {
		const catalog_field_t *fd = &p->fields[f];
		if (fd->type == FIELD_CCCD && !p->handoff_id)
			continue;
		const char *v = NULL;
		for (size_t i = 0; i < n; i++)
			if (strcmp(a[i].field_id, fd->id) == 0)
				v = a[i].value;
		if (!v || !v[0])
			continue;
		if (full) {
			if (dropped)
				(*dropped)++;
			continue;
		}
		char *nfc = text_nfc(v);
		if (!nfc)
			return KIOSK_ENOMEM;
		char enc[3 * HANDOFF_MAX + 64];
		size_t vl = strlen(nfc);
		int el = pct(nfc, vl, enc, sizeof enc);
		size_t head = strlen(fd->id) + 2; /* ";id=" */
		if (el >= 0 && (size_t)len + head + (size_t)el <= limit) {
			len += snprintf(buf + len, cap - (size_t)len, ";%s=%s", fd->id, enc);
			explicit_bzero(nfc, vl);
			explicit_bzero(enc, sizeof enc);
			free(nfc);
			continue;
		}
		/* Cut: the longest prefix of whole characters that fits with the
		 * ellipsis "%E2%80%A6". */
		full = true;
		if (dropped)
			(*dropped)++;
		size_t room = (size_t)len + head + 9 <= limit ? limit - (size_t)len - head - 9 : 0;
		size_t i = 0, keep = 0;
		while (i < vl) {
			size_t j = i;
			if (text_next(nfc, vl, &j) < 0)
				break;
			int w = pct(nfc, j, enc, sizeof enc);
			if (w < 0 || (size_t)w > room)
				break;
			keep = j;
			i = j;
		}
		/* A trailing space would end the value in "+…": trim it. */
		while (keep > 0 && nfc[keep - 1] == ' ')
			keep--;
		if (keep > 0) {
			pct(nfc, keep, enc, sizeof enc);
			len += snprintf(buf + len, cap - (size_t)len, ";%s=%s%%E2%%80%%A6", fd->id, enc);
		}
		explicit_bzero(nfc, vl); /* a citizen's answer */
		explicit_bzero(enc, sizeof enc);
		free(nfc);
	}
	return KIOSK_OK;
}

int handoff_encode(const handoff_head_t *h, const catalog_proc_t *p, const handoff_answer_t *a,
		   size_t n, char *buf, size_t cap, int *dropped)
{
	return encode_body(h, p, a, n, buf, cap, dropped, HANDOFF_FORMAT, HANDOFF_MAX);
}

/* The tag of body: the first HANDOFF_TAG_BYTES of HMAC-SHA256, upper-case hex. */
static int tag_of(const char *body, size_t len, const uint8_t *key, size_t keylen,
		  char out[2 * HANDOFF_TAG_BYTES + 1])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	if (!key || keylen == 0 ||
	    !HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)body, len, mac, &ml) ||
	    ml < HANDOFF_TAG_BYTES)
		return KIOSK_ERR;
	for (int i = 0; i < HANDOFF_TAG_BYTES; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * HANDOFF_TAG_BYTES] = 0;
	explicit_bzero(mac, sizeof mac);
	return KIOSK_OK;
}

int handoff_encode_k2(const handoff_head_t *h, const catalog_proc_t *p, const handoff_answer_t *a,
		      size_t n, const uint8_t *key, size_t keylen, char *buf, size_t cap, int *dropped)
{
	if (!key || keylen == 0 || cap <= HANDOFF_MAX_K2) {
		if (dropped)
			*dropped = 0;
		if (cap)
			buf[0] = 0;
		return KIOSK_EINVAL;
	}
	int rc = encode_body(h, p, a, n, buf, cap, dropped, HANDOFF_FORMAT_K2, HANDOFF_MAX);
	if (rc)
		return rc;
	size_t len = strlen(buf);
	char tag[2 * HANDOFF_TAG_BYTES + 1];
	if (tag_of(buf, len, key, keylen, tag) != KIOSK_OK) {
		explicit_bzero(buf, len);
		buf[0] = 0;
		return KIOSK_ERR;
	}
	snprintf(buf + len, cap - len, ";%s", tag);
	return KIOSK_OK;
}

bool handoff_verify(const char *rec, size_t len, const handoff_record_t *r, const uint8_t *key,
		    size_t keylen)
{
	const size_t tl = 2 * HANDOFF_TAG_BYTES;
	if (!rec || !r || !r->tagged || len < tl + 1 || r->body_len != len - tl - 1)
		return false;
	char want[2 * HANDOFF_TAG_BYTES + 1];
	if (tag_of(rec, r->body_len, key, keylen, want) != KIOSK_OK)
		return false;
	return CRYPTO_memcmp(want, rec + r->body_len + 1, tl) == 0;
}

static void why_set(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int handoff_decode(const char *rec, size_t len, handoff_record_t *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	why_set(why, whylen, "");
#define FAIL(m) do { why_set(why, whylen, m); memset(out, 0, sizeof *out); return KIOSK_EINVAL; } while (0)
	if (!rec || len == 0)
		FAIL("empty record");
	if (len > HANDOFF_MAX_K2)
		FAIL("record longer than 233 bytes");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)rec[i] < 0x21 || (unsigned char)rec[i] > 0x7E)
			FAIL("record has a byte that is not printable ASCII");
	/* K2: the last item is the tag; the items before it are parsed as in K1. */
	bool k2 = len > 8 && memcmp(rec + 4, ";" HANDOFF_FORMAT_K2 ";", 4) == 0;
	if (k2) {
		const size_t tl = 2 * HANDOFF_TAG_BYTES;
		if (len < tl + 1 || rec[len - tl - 1] != ';')
			FAIL("K2 record without its tag");
		for (size_t i = len - tl; i < len; i++)
			if (hexval(rec[i]) < 0)
				FAIL("bad tag");
		len -= tl + 1;
	}
	if (len > HANDOFF_MAX)
		FAIL(k2 ? "record longer than 233 bytes" : "record longer than 200 bytes");
	char tok[HANDOFF_MAX + 1];
	size_t pos = 0;
	int idx = 0;
	while (pos <= len) {
		size_t e = pos;
		while (e < len && rec[e] != ';')
			e++;
		size_t tl = e - pos;
		memcpy(tok, rec + pos, tl);
		tok[tl] = 0;
		if (tl == 0)
			FAIL("empty item in record");
		switch (idx) {
		case 0:
			if (tl != 4 || tok[0] < 'A' || tok[0] > 'Z' || !id_ok(tok + 1, 3, "") ||
			    tok[1] > '9' || tok[2] > '9' || tok[3] > '9' || strcmp(tok + 1, "000") == 0)
				FAIL("bad ticket number");
			memcpy(out->number, tok, 5);
			break;
		case 1:
			if (strcmp(tok, k2 ? HANDOFF_FORMAT_K2 : HANDOFF_FORMAT) != 0)
				FAIL("unsupported record format");
			memcpy(out->format, tok, 3);
			break;
		case 2:
			if (!id_ok(tok, 39, "-"))
				FAIL("bad ticket id");
			memcpy(out->ticket_id, tok, tl + 1);
			break;
		case 3:
			if (!id_ok(tok, 32, ".-ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
				FAIL("bad procedure code");
			memcpy(out->procedure, tok, tl + 1);
			break;
		case 4:
			if (strcmp(tok, "-") != 0) {
				char iso[24];
				int64_t t;
				bool digits = tl == 15 && tok[8] == 'T';
				for (size_t i = 0; digits && i < 15; i++)
					if (i != 8 && (tok[i] < '0' || tok[i] > '9'))
						digits = false;
				if (!digits)
					FAIL("bad time");
				snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", tok, tok + 4, tok + 6,
					 tok + 9, tok + 11, tok + 13);
				if (kclock_parse_iso(iso, &t) != KIOSK_OK)
					FAIL("bad time");
				snprintf(out->time, sizeof out->time, "%s+07:00", iso);
			}
			break;
		case 5:
			if (tl != 1 || (tok[0] != '0' && tok[0] != '1'))
				FAIL("bad reprint flag");
			out->reprint = tok[0] == '1';
			break;
		default: {
			char *eq = strchr(tok, '=');
			if (!eq)
				FAIL("answer without '='");
			*eq = 0;
			if (!id_ok(tok, 32, "_"))
				FAIL("bad field id");
			if (out->nfields >= HANDOFF_MAX_FIELDS)
				FAIL("too many answers");
			for (size_t f = 0; f < out->nfields; f++)
				if (strcmp(out->field_id[f], tok) == 0)
					FAIL("repeated field id");
			const char *v = eq + 1;
			if (!*v)
				FAIL("empty answer");
			char *o = out->value[out->nfields];
			size_t ol = 0;
			for (size_t i = 0; v[i]; i++) {
				unsigned char c = (unsigned char)v[i];
				if (c == '+') {
					o[ol++] = ' ';
				} else if (c == '%') {
					int hi = hexval(v[i + 1]), lo = hi < 0 ? -1 : hexval(v[i + 2]);
					if (hi < 0 || lo < 0)
						FAIL("bad percent escape");
					unsigned char b = (unsigned char)(hi * 16 + lo);
					if (is_unreserved(b) || b == ' ')
						FAIL("needless percent escape");
					o[ol++] = (char)b;
					i += 2;
				} else if (is_unreserved(c)) {
					o[ol++] = (char)c;
				} else {
					FAIL("character that must be percent-encoded");
				}
			}
			o[ol] = 0;
			if (!value_ok(o))
				FAIL("answer is not valid UTF-8 text");
			if (!text_is_nfc(o, ol))
				FAIL("answer is not NFC");
			memcpy(out->field_id[out->nfields], tok, strlen(tok) + 1);
			out->nfields++;
			break;
		}
		}
		idx++;
		pos = e + 1;
		if (e == len)
			break;
	}
	if (idx < 6)
		FAIL("record is missing items");
	out->tagged = k2;
	out->body_len = len;
#undef FAIL
	return KIOSK_OK;
}
