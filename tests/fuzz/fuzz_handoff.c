/* fuzz_handoff.c - libFuzzer target for the strict hand-off record decoder:
 * no crash on any input, and every accepted record re-encodes to itself
 * (the format is canonical; for K2 the items before the tag do, and the
 * re-encoded record verifies under the key it was made with). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/handoff.h"
#include "core/kiosk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static handoff_record_t r;
	char why[128];
	if (handoff_decode((const char *)data, size, &r, why, sizeof why) != KIOSK_OK)
		return 0;
	/* Re-encode with a procedure built from the decoded field ids. */
	catalog_field_t fields[HANDOFF_MAX_FIELDS];
	handoff_answer_t ans[HANDOFF_MAX_FIELDS];
	memset(fields, 0, sizeof fields);
	for (size_t i = 0; i < r.nfields; i++) {
		fields[i].id = r.field_id[i];
		fields[i].type = FIELD_TEXT;
		ans[i].field_id = r.field_id[i];
		ans[i].value = r.value[i];
	}
	catalog_proc_t p;
	memset(&p, 0, sizeof p);
	p.id = "x";
	p.code = r.procedure;
	p.fields = fields;
	p.nfields = r.nfields;
	handoff_head_t h = {r.number, r.ticket_id, r.procedure, 0, r.time[0] != 0, r.reprint};
	if (h.dated && kclock_parse_iso(r.time, &h.time_ms) != KIOSK_OK)
		abort();
	char buf[HANDOFF_MAX_K2 + 1];
	int dropped = 0;
	if (!r.tagged) {
		if (handoff_encode(&h, &p, ans, r.nfields, buf, sizeof buf, &dropped) != KIOSK_OK)
			abort();
		if (dropped != 0 || strlen(buf) != size || memcmp(buf, data, size) != 0)
			abort();
		return 0;
	}
	static const uint8_t key[32] = {7};
	if (handoff_encode_k2(&h, &p, ans, r.nfields, key, sizeof key, buf, sizeof buf, &dropped) !=
	    KIOSK_OK)
		abort();
	if (dropped != 0 || strlen(buf) != size || memcmp(buf, data, r.body_len + 1) != 0)
		abort();
	static handoff_record_t r2;
	char why2[128];
	if (handoff_decode(buf, strlen(buf), &r2, why2, sizeof why2) != KIOSK_OK ||
	    !handoff_verify(buf, strlen(buf), &r2, key, sizeof key))
		abort();
	return 0;
}
