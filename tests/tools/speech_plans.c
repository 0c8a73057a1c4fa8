/* speech_plans.c - test tool: what the kiosk reads aloud on every screen
 * state of the gallery (Vietnamese, app/gallery.c's list, flow/speak.c's
 * plan expanded into vspeech's items), one line a state:
 *   NAME<TAB>item | item | ...
 * tests/cli/read_aloud.sh compares it with a golden list. It fails (exit 1)
 * when an item holds any answer the pose typed or a scanned card gave:
 * nothing typed is ever read aloud.
 *
 *   speech_plans ASSETS_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/gallery.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "domain/catalog.h"
#include "domain/config.h"
#include "flow/speak.h"
#include "voice/vspeech.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: speech_plans ASSETS_DIR\n");
		return 2;
	}
	char path[1024], err[1024];
	static config_t cfg;
	catalog_t *cat = NULL;
	i18n_t *tr = NULL;
	snprintf(path, sizeof path, "%s/site.json", argv[1]);
	if (config_load(&cfg, path, NULL, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/catalog.json", argv[1]);
	if (catalog_load(path, &cat, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	snprintf(path, sizeof path, "%s/i18n", argv[1]);
	if (i18n_load(path, &tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	kclock_virtual_t vc = {.now_ms = 1767578400000LL, .mono_ms = 1000, .trusted = true};
	kclock_t clk;
	kclock_virtual(&clk, &vc);
	session_t *s = session_create(cat, &cfg, &clk, NULL);
	vspeech_opts_t so = {.synth = {.voice = "vi"}};
	vspeech_t *sp = NULL;
	if (!s || vspeech_open(tr, &so, &sp, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "set-up failed: %s\n", err);
		return 2;
	}
	static vspeech_seq_t seq;
	int leaks = 0;
	for (size_t i = 0; i < gallery_state_count; i++) {
		const gallery_state_t *st = &gallery_states[i];
		session_pose_t pose = {st->screen, st->field_type, st->flags, LANG_VI, false, false};
		session_pose(s, &pose);
		speak_plan_t plan;
		speak_plan(s, &plan);
		memset(&seq, 0, sizeof seq);
		int rc = KIOSK_OK;
		for (int k = 0; rc == KIOSK_OK && k < plan.count; k++) {
			const speak_item_t *it = &plan.item[k];
			switch (it->kind) {
			case SPK_KEY: rc = vspeech_seq_key(sp, it->key, &seq, err, sizeof err); break;
			case SPK_TEXT: rc = vspeech_seq_text(sp, it->text, &seq, err, sizeof err); break;
			case SPK_TICKET: rc = vspeech_seq_ticket(sp, it->number, &seq, err, sizeof err); break;
			case SPK_NUMBER: rc = vspeech_seq_number(sp, it->n, &seq, err, sizeof err); break;
			}
		}
		if (rc != KIOSK_OK) {
			fprintf(stderr, "%s: %s\n", st->name, err);
			return 1;
		}
		printf("%s\t", st->name);
		for (int k = 0; k < seq.count; k++)
			printf("%s%s", k ? " | " : "", seq.item[k]);
		printf("\n");
		/* Every answer of the pose, and the scanned card's fields. */
		for (int f = 0; f < SESSION_MAX_FIELDS; f++)
			for (int k = 0; k < seq.count; k++) {
				const char *v = s->values[f];
				if (strlen(v) >= 3 && strstr(seq.item[k], v)) {
					fprintf(stderr, "%s: the answer \"%s\" is read aloud\n", st->name, v);
					leaks++;
				}
			}
		for (int f = 0; f < 5; f++)
			for (int k = 0; k < seq.count; k++) {
				const char *v = s->scan_values[f];
				if (strlen(v) >= 3 && strstr(seq.item[k], v)) {
					fprintf(stderr, "%s: the card's \"%s\" is read aloud\n", st->name, v);
					leaks++;
				}
			}
	}
	vspeech_close(sp);
	session_destroy(s);
	i18n_free(tr);
	catalog_free(cat);
	return leaks ? 1 : 0;
}
