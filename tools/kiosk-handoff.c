/* kiosk-handoff.c - counter-side decoder of the ticket's hand-off record
 * (docs/handoff-record.md):
 *   kiosk-handoff decode [--key FILE] [RECORD]   (the argument, or one line of stdin)
 * prints key=value lines (NFC UTF-8) and a line verified=1|0: 1 only for a
 * K2 record whose tag is right for the office key in FILE (the kiosk's
 * <data>/office.key, as exported by the technician). Exit 0; 3 when --key
 * was given and the record is not verified (a K1 record, a wrong key or a
 * changed record: the lines are still printed); 1 with a one-line reason for
 * a bad record or key file; 2 on usage errors. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/handoff.h"
#include "core/kiosk.h"
#include "domain/officekey.h"

static int usage(void)
{
	fprintf(stderr, "usage: kiosk-handoff decode [--key FILE] [RECORD]\n"
			"  RECORD: the text of a ticket's QR code; without it one line is read from stdin\n"
			"  --key FILE: the office key (office.key from the kiosk's export) to verify it with\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "decode") != 0)
		return usage();
	const char *keyfile = NULL;
	int ai = 2;
	if (ai < argc && strcmp(argv[ai], "--key") == 0) {
		if (ai + 1 >= argc)
			return usage();
		keyfile = argv[ai + 1];
		ai += 2;
	}
	if (argc - ai > 1)
		return usage();
	uint8_t key[OFFICEKEY_LEN];
	if (keyfile) {
		char err[512];
		int krc = officekey_read(keyfile, key, err, sizeof err);
		if (krc != KIOSK_OK) {
			if (krc == KIOSK_ENOENT)
				fprintf(stderr, "kiosk-handoff: no key file %s\n", keyfile);
			else
				fprintf(stderr, "kiosk-handoff: %s\n", err);
			return 1;
		}
	}
	char line[4096];
	const char *rec;
	size_t len;
	if (ai < argc) {
		rec = argv[ai];
		len = strlen(rec);
	} else {
		if (!fgets(line, sizeof line, stdin)) {
			fprintf(stderr, "kiosk-handoff: no record on standard input\n");
			return 1;
		}
		len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			fprintf(stderr, "kiosk-handoff: record longer than %d bytes\n", HANDOFF_MAX);
			return 1;
		}
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		rec = line;
	}
	if (memchr(rec, 0, len) != NULL || strlen(rec) != len) {
		fprintf(stderr, "kiosk-handoff: record contains a NUL byte\n");
		return 1;
	}
	static handoff_record_t r;
	char why[128];
	if (handoff_decode(rec, len, &r, why, sizeof why) != KIOSK_OK) {
		fprintf(stderr, "kiosk-handoff: %s\n", why);
		return 1;
	}
	bool verified = keyfile && handoff_verify(rec, len, &r, key, sizeof key);
	explicit_bzero(key, sizeof key);
	printf("format=%s\nnumber=%s\nticket_id=%s\nprocedure=%s\ntime=%s\nreprint=%d\n", r.format,
	       r.number, r.ticket_id, r.procedure, r.time, r.reprint ? 1 : 0);
	for (size_t i = 0; i < r.nfields; i++)
		printf("field.%s=%s\n", r.field_id[i], r.value[i]);
	printf("verified=%d\n", verified ? 1 : 0);
	if (fflush(stdout) != 0)
		return 1;
	if (!keyfile) {
		fprintf(stderr, "kiosk-handoff: not verified (no --key given)\n");
		return 0;
	}
	if (!verified) {
		fprintf(stderr, "kiosk-handoff: NOT VERIFIED: %s\n",
			r.tagged ? "the tag does not match this office key (record changed, or made "
				   "elsewhere)"
				 : "a K1 record carries no tag (printed before K2, or hand-made)");
		return 3;
	}
	return 0;
}
