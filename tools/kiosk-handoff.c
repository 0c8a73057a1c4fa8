/* kiosk-handoff.c - counter-side decoder of the ticket's hand-off record
 * (docs/handoff-record.md):
 *   kiosk-handoff decode [RECORD]   (the argument, or one line of stdin)
 * prints key=value lines (NFC UTF-8) and exits 0; 1 with a one-line reason
 * for a bad record; 2 on usage errors. */
#include <stdio.h>
#include <string.h>

#include "handoff.h"
#include "kiosk.h"

static int usage(void)
{
	fprintf(stderr, "usage: kiosk-handoff decode [RECORD]\n"
			"  RECORD: the text of a ticket's QR code; without it one line is read from stdin\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || strcmp(argv[1], "decode") != 0)
		return usage();
	char line[4096];
	const char *rec;
	size_t len;
	if (argc == 3) {
		rec = argv[2];
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
	printf("format=%s\nnumber=%s\nticket_id=%s\nprocedure=%s\ntime=%s\nreprint=%d\n", r.format,
	       r.number, r.ticket_id, r.procedure, r.time, r.reprint ? 1 : 0);
	for (size_t i = 0; i < r.nfields; i++)
		printf("field.%s=%s\n", r.field_id[i], r.value[i]);
	return fflush(stdout) == 0 ? 0 : 1;
}
