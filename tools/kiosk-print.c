/* kiosk-print.c - printer tool for technicians and tests; never touches the
 * ticket ledger.
 *
 *   kiosk-print --test-page [common] (--out FILE|- | --device usb[:VID:PID])
 *   kiosk-print --ticket A012 --procedure ID [--priority] [common] (--out ...|--device ...)
 *   kiosk-print --status [--device usb[:VID:PID]]
 *   kiosk-print --list-procedures [--catalog FILE]
 * common: --width 384|576, --lang vi|en, --config FILE, --catalog FILE,
 *         --time ISO-8601 (fixed, trusted; no offset = Asia/Ho_Chi_Minh)
 *
 * --status prints one word (ok, near-end, paper-out, cover-open, offline,
 * no-printer, not-responding) and exits 0 for ok/near-end, 1 otherwise.
 * Usage errors exit 2, other failures 1. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "drivers/printer/escpos.h"
#include "core/kiosk.h"
#include "drivers/printer/printer.h"
#include "print/ticket.h"
#include "print/tickets.h"

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "kiosk-print: %s\n", msg);
	fprintf(stderr,
		"usage: kiosk-print --test-page [options] (--out FILE|- | --device usb[:VID:PID])\n"
		"       kiosk-print --ticket A012 --procedure ID [--priority] [options] (--out FILE|- | --device ...)\n"
		"       kiosk-print --status [--device usb[:VID:PID]]\n"
		"       kiosk-print --list-procedures [--catalog FILE]\n"
		"options: --width 384|576  --lang vi|en  --config FILE  --catalog FILE  --time ISO-8601\n");
	return 2;
}

typedef struct {
	char office[256];
	char profile[32];
	char priority_letter;
	char usb_allow[256];
	bool priority_mark;        /* priority tickets keep the group's series */
} conf_t;

/* The kiosk configuration keys this tool uses (a flat JSON object):
 * "office_name", "printer_profile", "priority_letter", "priority_policy"
 * ("series", "mark" or "none"), "usb_allow". */
static int read_config(const char *path, conf_t *c)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "kiosk-print: cannot open config %s\n", path);
		return 1;
	}
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	cJSON *j = cJSON_Parse(buf);
	if (!cJSON_IsObject(j)) {
		fprintf(stderr, "kiosk-print: %s is not a JSON object\n", path);
		cJSON_Delete(j);
		return 1;
	}
	const cJSON *v;
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j, "office_name")))
		snprintf(c->office, sizeof c->office, "%s", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j, "printer_profile")))
		snprintf(c->profile, sizeof c->profile, "%s", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j, "usb_allow")))
		snprintf(c->usb_allow, sizeof c->usb_allow, "%s", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j, "priority_policy")))
		c->priority_mark = strcmp(v->valuestring, "mark") == 0;
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j, "priority_letter")) &&
	    strlen(v->valuestring) == 1)
		c->priority_letter = v->valuestring[0];
	cJSON_Delete(j);
	if (!escpos_profile_find(c->profile)) {
		fprintf(stderr, "kiosk-print: unknown printer_profile \"%s\" in %s\n", c->profile, path);
		return 1;
	}
	return 0;
}

/* Open the USB printer named by dev ("usb" or "usb:VID:PID"). */
static int open_usb(const char *dev, const conf_t *c, const kclock_t *clock, printer_t *p)
{
	const char *only = NULL;
	if (strcmp(dev, "usb") != 0) {
		if (strncmp(dev, "usb:", 4) != 0)
			return 2;
		only = dev + 4;
	}
	char err[256];
	int rc = printer_usb_open(c->usb_allow[0] ? c->usb_allow : NULL, only, clock, p, err, sizeof err);
	if (rc == KIOSK_EINVAL)
		return 2;
	if (rc)
		return 1;
	p->prof = escpos_profile_find(c->profile);
	return 0;
}

static int write_out(const char *out, const uint8_t *b, size_t n)
{
	FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "kiosk-print: cannot write %s\n", out);
		return 1;
	}
	size_t w = fwrite(b, 1, n, f);
	int bad = w != n || fflush(f) != 0;
	if (f != stdout)
		bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "kiosk-print: write to %s failed\n", out);
	return bad;
}

static int send_usb(const char *dev, const conf_t *c, const kclock_t *clock, const uint8_t *b, size_t n)
{
	printer_t p;
	int rc = open_usb(dev, c, clock, &p);
	if (rc == 2)
		return usage("--device must be usb or usb:VID:PID (hex)");
	printer_state_t st = rc ? PRINTER_NO_PRINTER : printer_query(&p);
	if (!rc && printer_state_rc(st) == KIOSK_OK) {
		size_t sent = 0;
		if (printer_send(&p, b, n, &sent, &st) == KIOSK_OK) {
			struct timespec ts = {2, 0}; /* let the mechanism finish */
			nanosleep(&ts, NULL);
			st = printer_query(&p);
		}
		fprintf(stderr, "kiosk-print: %zu of %zu bytes sent\n", sent, n);
	}
	if (!rc)
		p.ops->close(p.ctx);
	printf("%s\n", printer_state_name(st));
	return printer_state_rc(st) == KIOSK_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *ticket = NULL, *proc_id = NULL, *out = NULL, *device = NULL, *config = NULL;
	const char *catalog = NULL, *time_s = NULL;
	bool test_page = false, status = false, list = false, priority = false;
	int width = 0;
	lang_t lang = LANG_VI;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;
#define ARG(name, var) else if (strcmp(a, name) == 0) { if (!has) return usage("missing value"); var = argv[++i]; }
		if (strcmp(a, "--test-page") == 0)
			test_page = true;
		else if (strcmp(a, "--status") == 0)
			status = true;
		else if (strcmp(a, "--list-procedures") == 0)
			list = true;
		else if (strcmp(a, "--priority") == 0)
			priority = true;
		ARG("--ticket", ticket)
		ARG("--procedure", proc_id)
		ARG("--out", out)
		ARG("--device", device)
		ARG("--config", config)
		ARG("--catalog", catalog)
		ARG("--time", time_s)
		else if (strcmp(a, "--width") == 0 && has) {
			const char *w = argv[++i];
			width = strcmp(w, "384") == 0 ? 384 : strcmp(w, "576") == 0 ? 576 : -1;
			if (width < 0)
				return usage("--width must be 384 or 576");
		} else if (strcmp(a, "--lang") == 0 && has) {
			const char *l = argv[++i];
			if (strcmp(l, "vi") == 0)
				lang = LANG_VI;
			else if (strcmp(l, "en") == 0)
				lang = LANG_EN;
			else
				return usage("--lang must be vi or en");
		} else
			return usage("unknown option");
#undef ARG
	}
	int modes = test_page + status + list + (ticket != NULL);
	if (modes != 1)
		return usage("give exactly one of --test-page, --ticket, --status, --list-procedures");
	if ((test_page || ticket) && (out != NULL) == (device != NULL))
		return usage("give exactly one of --out and --device");
	if (status && out)
		return usage("--status takes no --out");
	if ((list || status) && (priority || proc_id))
		return usage("--procedure and --priority go with --ticket");
	if (ticket && !proc_id)
		return usage("--ticket needs --procedure");
	if (!ticket && (proc_id || priority))
		return usage("--procedure and --priority go with --ticket");

	conf_t c = {"", "80mm", 'P', "", false};
	if (config && read_config(config, &c))
		return 1;
	if (width)
		snprintf(c.profile, sizeof c.profile, "%s", width == 384 ? "58mm" : "80mm");

	kclock_virtual_t vc = {0, 0, true};
	kclock_t clock;
	if (time_s) {
		if (kclock_parse_iso(time_s, &vc.now_ms) != KIOSK_OK)
			return usage("--time must be ISO 8601, e.g. 2026-01-05T09:00 or 2026-01-05T02:00Z");
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		vc.mono_ms = (int64_t)ts.tv_sec * 1000;
		kclock_virtual(&clock, &vc);
	} else {
		kclock_real(&clock, NULL);
	}

	if (status) {
		if (!device)
			device = "usb";
		printer_t p;
		int rc = open_usb(device, &c, &clock, &p);
		if (rc == 2)
			return usage("--device must be usb or usb:VID:PID (hex)");
		printer_state_t st = rc ? PRINTER_NO_PRINTER : printer_query(&p);
		if (!rc)
			p.ops->close(p.ctx);
		printf("%s\n", printer_state_name(st));
		return printer_state_rc(st) == KIOSK_OK ? 0 : 1;
	}

	char assets[PATH_MAX], catpath[PATH_MAX + 32];
	kiosk_assets_dir(NULL, assets, sizeof assets);
	snprintf(catpath, sizeof catpath, "%s", catalog ? catalog : "");
	if (!catalog)
		snprintf(catpath, sizeof catpath, "%s/catalog.json", assets);
	char err[512];
	catalog_t *cat = NULL;
	if (list || ticket) {
		if (catalog_load(catpath, &cat, err, sizeof err) != KIOSK_OK) {
			fprintf(stderr, "kiosk-print: %s\n", err);
			return 1;
		}
	}
	if (list) {
		for (size_t i = 0; i < catalog_proc_count(cat); i++) {
			const catalog_proc_t *p = catalog_proc_at(cat, i);
			printf("%s\t%c\t%s\n", p->id, p->group->letter, p->name[lang] ? p->name[lang] : p->name[LANG_VI]);
		}
		catalog_free(cat);
		return 0;
	}

	ticket_renderer_t *r = NULL;
	if (ticket_renderer_open(assets, NULL, &r, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "kiosk-print: %s\n", err);
		catalog_free(cat);
		return 1;
	}
	const escpos_profile_t *prof = escpos_profile_find(c.profile);
	uint8_t *bytes = NULL;
	size_t nbytes = 0;
	int rc = 0;
	if (test_page) {
		bitmap_t img;
		rc = ticket_render_test(r, prof->dots, lang, c.office[0] ? c.office : NULL, "KIOSK TEST PAGE", &img);
		if (!rc) {
			escpos_buf_t b = {0};
			rc = escpos_ticket(&b, prof, img.bits, img.w, img.h);
			bytes = b.data;
			nbytes = b.len;
			bitmap_free(&img);
		}
		if (rc)
			fprintf(stderr, "kiosk-print: cannot render the test page: %s\n", kiosk_strerror(rc));
	} else {
		const catalog_proc_t *p = catalog_proc_find(cat, proc_id);
		bool okfmt = strlen(ticket) == 4 && ticket[0] >= 'A' && ticket[0] <= 'Z';
		for (int i = 1; okfmt && i < 4; i++)
			okfmt = ticket[i] >= '0' && ticket[i] <= '9';
		char want = p ? (priority && !c.priority_mark ? c.priority_letter : p->group->letter) : 0;
		if (!p) {
			fprintf(stderr, "kiosk-print: no procedure \"%s\" in %s\n", proc_id, catpath);
			rc = 1;
		} else if (!okfmt || strcmp(ticket + 1, "000") == 0) {
			ticket_renderer_close(r);
			catalog_free(cat);
			return usage("--ticket must be a letter and three digits, 001-999 (A012)");
		} else if (ticket[0] != want) {
			fprintf(stderr, "kiosk-print: %s does not belong to %s: its series letter is %c\n", ticket,
				proc_id, want);
			rc = 1;
		} else {
			char tid[16], low[8];
			for (int i = 0; i < 5; i++)
				low[i] = (char)(ticket[i] >= 'A' && ticket[i] <= 'Z' ? ticket[i] + 32 : ticket[i]);
			snprintf(tid, sizeof tid, "print-%s", low);
			char link[512]; /* the procedure's page: the second QR */
			if (catalog_link(cat, p, link, sizeof link) != KIOSK_OK)
				link[0] = 0;
			tickets_job_t job = {
				.proc = p, .office = c.office[0] ? c.office : NULL, .number = ticket,
				.ticket_id = tid, .priority = priority, .dated = kclock_trusted(&clock),
				.time_ms = kclock_now(&clock), .lang = lang, .link = link[0] ? link : NULL,
			};
			rc = tickets_compose(r, c.profile, &job, &bytes, &nbytes, NULL);
			if (rc) {
				fprintf(stderr, "kiosk-print: cannot compose the ticket: %s\n", kiosk_strerror(rc));
				rc = 1;
			}
		}
	}
	ticket_renderer_close(r);
	catalog_free(cat);
	if (!rc)
		rc = out ? write_out(out, bytes, nbytes) : send_usb(device, &c, &clock, bytes, nbytes);
	else
		rc = 1;
	free(bytes);
	return rc;
}
