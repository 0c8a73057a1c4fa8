/* test_config.c - configuration layers: defaults, overlays, errors naming the
 * file and key, the local layer's atomic writes, and config_offers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "domain/config.h"
#include "core/kiosk.h"

static char g_dir[512];

/* A fresh scratch folder under TESTS_TMP (or /tmp). */
static const char *scratch(const char *name)
{
	const char *base = getenv("TESTS_TMP");
	if (!base || !*base)
		base = "/tmp";
	snprintf(g_dir, sizeof g_dir, "%s/config-%s-%ld", base, name, (long)getpid());
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mkdir(g_dir, 0755), 0);
	return g_dir;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_defaults(void **state)
{
	(void)state;
	config_t c;
	config_defaults(&c);
	assert_string_equal(c.printer_transport, "auto");
	assert_string_equal(c.printer_profile, "80mm");
	assert_int_equal(c.printer_usb_allow_count, 0);
	assert_true(c.panel_diagonal_in == 21.5);
	assert_int_equal(c.panel_width, 1920);
	assert_int_equal(c.panel_height, 1080);
	assert_int_equal(c.panel_rotation, 0);
	assert_int_equal(c.session_idle_s, 120);
	assert_int_equal(c.session_help_idle_s, 600);
	assert_int_equal(c.session_warning_s, 30);
	assert_int_equal(c.session_ticket_s, 60);
	assert_int_equal(c.touch_repeat_ms, 500);
	assert_int_equal(c.touch_key_repeat_ms, 250);
	assert_string_equal(c.ime_tone_style, "old");
	assert_string_equal(c.ime_method, "telex");
	assert_int_equal(c.office_hours_count[0], 0);
	for (int d = 1; d <= 5; d++) {
		assert_int_equal(c.office_hours_count[d], 2);
		assert_int_equal(c.office_hours[d][0].start_min, 450);
		assert_int_equal(c.office_hours[d][0].end_min, 690);
		assert_int_equal(c.office_hours[d][1].start_min, 810);
		assert_int_equal(c.office_hours[d][1].end_min, 1020);
	}
	assert_int_equal(c.office_hours_count[6], 1);
	assert_int_equal(c.office_procedures_count, 0);
	assert_int_equal(c.queue_daily_cap, 500);
	assert_string_equal(c.queue_priority, "mark");
	assert_int_equal(c.queue_priority_letter, 'U');
	assert_string_equal(c.ui_lang, "vi");
	assert_string_equal(c.scanner_device, "");
	assert_string_equal(c.scanner_usb, "");
	assert_int_equal(c.log_max_kb, 512);
}

/* The shipped site.json loads and matches the defaults where it restates them. */
static void test_shipped_site(void **state)
{
	(void)state;
	config_t c, d;
	char err[256];
	int rc = config_load(&c, "assets/site.json", NULL, err, sizeof err);
	if (rc != KIOSK_OK)
		fail_msg("site.json: %s", err);
	config_defaults(&d);
	assert_string_equal(c.office_name, "UBND xã Tân Hòa");
	assert_memory_equal(c.office_hours, d.office_hours, sizeof d.office_hours);
	assert_memory_equal(c.office_hours_count, d.office_hours_count, sizeof d.office_hours_count);
	assert_int_equal(c.session_idle_s, d.session_idle_s);
	assert_int_equal(c.printer_usb_allow_count, 2);
	assert_string_equal(c.printer_usb_allow[0], "04b8:0202");
}

static void test_overlay_and_partial(void **state)
{
	(void)state;
	config_t c, before;
	char err[256];
	config_defaults(&c);
	before = c;
	/* A partial layer changes only its keys. */
	assert_int_equal(config_overlay_text(&c, "site.json", "{\"session\":{\"idle_s\":300}}", err,
					     sizeof err),
			 KIOSK_OK);
	assert_int_equal(c.session_idle_s, 300);
	before.session_idle_s = 300;
	assert_memory_equal(&c, &before, sizeof c);
	/* The lunch setting: on by default, a layer turns it off and on. */
	assert_true(c.office_lunch_tickets);
	assert_int_equal(config_overlay_text(&c, "local.json", "{\"office\":{\"lunch_tickets\":false}}", err,
					     sizeof err),
			 KIOSK_OK);
	assert_false(c.office_lunch_tickets);
	assert_int_equal(config_overlay_text(&c, "local.json", "{\"office\":{\"lunch_tickets\":true}}", err,
					     sizeof err),
			 KIOSK_OK);
	assert_true(c.office_lunch_tickets);
	/* An empty object is a valid layer that changes nothing. */
	assert_int_equal(config_overlay_text(&c, "x.json", "{}", err, sizeof err), KIOSK_OK);
	assert_memory_equal(&c, &before, sizeof c);
	/* A later layer wins; others keep earlier values. */
	assert_int_equal(
		config_overlay_text(&c, "local.json",
				    "{\"session\":{\"warning_s\":45},\"ui\":{\"lang\":\"en\"},"
				    "\"panel\":{\"diagonal_in\":32,\"rotation\":90},"
				    "\"printer\":{\"usb_allow\":[\"0FE6:811E\"]},"
				    "\"queue\":{\"priority_letter\":\"P\",\"priority\":\"series\"},"
				    "\"scanner\":{\"device\":\"/dev/ttyACM0\",\"usb\":\"AC90:3003\"}}",
				    err, sizeof err),
		KIOSK_OK);
	assert_int_equal(c.session_idle_s, 300);
	assert_int_equal(c.session_warning_s, 45);
	assert_string_equal(c.ui_lang, "en");
	assert_true(c.panel_diagonal_in == 32.0);
	assert_int_equal(c.panel_rotation, 90);
	assert_int_equal(c.printer_usb_allow_count, 1);
	assert_string_equal(c.printer_usb_allow[0], "0fe6:811e"); /* lower-cased */
	assert_int_equal(c.queue_priority_letter, 'P');
	assert_string_equal(c.scanner_device, "/dev/ttyACM0");
	assert_string_equal(c.scanner_usb, "ac90:3003");
	/* office.hours replaces the whole week: unnamed days are closed. */
	assert_int_equal(config_overlay_text(&c, "site.json",
					     "{\"office\":{\"hours\":{\"sun\":[[\"08:00\",\"10:00\"]]}}}",
					     err, sizeof err),
			 KIOSK_OK);
	assert_int_equal(c.office_hours_count[0], 1);
	assert_int_equal(c.office_hours[0][0].start_min, 480);
	for (int d = 1; d < 7; d++)
		assert_int_equal(c.office_hours_count[d], 0);
	/* office.name is stored in NFC: "xã" given decomposed (a + U+0303). */
	assert_int_equal(config_overlay_text(&c, "site.json",
					     "{\"office\":{\"name\":\"UBND xa\xcc\x83 A\"}}", err,
					     sizeof err),
			 KIOSK_OK);
	assert_string_equal(c.office_name, "UBND x\xc3\xa3 A");
}

static void test_files_and_load(void **state)
{
	(void)state;
	const char *dir = scratch("load");
	char site[600], local[600], err[512];
	snprintf(site, sizeof site, "%s/site.json", dir);
	snprintf(local, sizeof local, "%s/local.json", dir);
	config_t c;
	/* Missing site: ENOENT with the file named. */
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_ENOENT);
	assert_non_null(strstr(err, site));
	assert_int_equal(config_overlay_file(&c, site, err, sizeof err), KIOSK_ENOENT);
	write_text(site, "{\"session\":{\"idle_s\":200,\"ticket_s\":90}}");
	/* Missing local is fine. */
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.session_idle_s, 200);
	write_text(local, "{\"session\":{\"idle_s\":240}}");
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.session_idle_s, 240);
	assert_int_equal(c.session_ticket_s, 90);
	/* A bad local layer is reported with its file and key. */
	write_text(local, "{\"session\":{\"idle_s\":20}}");
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_EINVAL);
	char want[700];
	snprintf(want, sizeof want, "%s: session.idle_s: must be an integer from 60 to 1200", local);
	assert_string_equal(err, want);
	/* Bad JSON gets a line number. */
	write_text(site, "{\n\"session\": {\n\"idle_s\": 200,,\n}}");
	assert_int_equal(config_overlay_file(&c, site, err, sizeof err), KIOSK_EINVAL);
	assert_non_null(strstr(err, "not valid JSON (near line 3)"));
}

struct bad {
	const char *json, *msg;
};

static void test_errors(void **state)
{
	(void)state;
	static const struct bad cases[] = {
		{"{\"session\":{\"idle_s\":20}}", "session.idle_s: must be an integer from 60 to 1200"},
		{"{\"session\":{\"idle_s\":\"120\"}}",
		 "session.idle_s: must be an integer from 60 to 1200"},
		{"{\"session\":{\"idle_s\":120.5}}",
		 "session.idle_s: must be an integer from 60 to 1200"},
		{"{\"session\":{\"idle\":120}}", "session.idle: unknown key"},
		{"{\"colour\":\"red\"}", "colour: unknown key"},
		{"{\"session\":5}", "session: must be an object"},
		{"{\"printer\":{\"transport\":\"serial\"}}",
		 "printer.transport: must be \"auto\", \"usb\" or \"file\""},
		{"{\"printer\":{\"profile\":80}}", "printer.profile: must be \"80mm\" or \"58mm\""},
		{"{\"printer\":{\"usb_allow\":[\"0416-5011\"]}}",
		 "printer.usb_allow[0]: must be a string \"VVVV:PPPP\" (hex)"},
		{"{\"printer\":{\"usb_allow\":\"0416:5011\"}}",
		 "printer.usb_allow: must be an array of \"VVVV:PPPP\" (hex) strings"},
		{"{\"panel\":{\"diagonal_in\":6.5}}", "panel.diagonal_in: must be a number from 7 to 100"},
		{"{\"panel\":{\"rotation\":45}}", "panel.rotation: must be 0, 90, 180 or 270"},
		{"{\"panel\":{\"width\":true}}", "panel.width: must be an integer from 240 to 8192"},
		{"{\"session\":{\"warning_s\":29}}", "session.warning_s: must be an integer from 30 to 120"},
		{"{\"touch\":{\"repeat_ms\":-1}}", "touch.repeat_ms: must be an integer from 0 to 2000"},
		{"{\"ime\":{\"tone_style\":\"modern\"}}", "ime.tone_style: must be \"old\" or \"new\""},
		{"{\"ime\":{\"method\":\"viqr\"}}", "ime.method: must be \"telex\", \"vni\" or \"plain\""},
		{"{\"office\":{\"name\":7}}", "office.name: must be a string"},
		{"{\"office\":{\"name\":\"\xff\"}}", "office.name: must be valid UTF-8 text"},
		{"{\"office\":{\"name\":\"A\\nB\"}}", "office.name: must not contain control characters"},
		{"{\"office\":{\"hours\":{\"mon\":[[\"07:30\",\"11:30\"],[\"11:00\",\"17:00\"]]}}}",
		 "office.hours.mon[1]: periods must be in order and must not overlap"},
		{"{\"office\":{\"hours\":{\"tue\":[[\"7:30\",\"11:30\"]]}}}",
		 "office.hours.tue[0]: times must be HH:MM (00:00 to 23:59, or 24:00 as an end)"},
		{"{\"office\":{\"hours\":{\"wed\":[[\"12:00\",\"11:00\"]]}}}",
		 "office.hours.wed[0]: the start must be before the end"},
		{"{\"office\":{\"hours\":{\"thu\":[[\"12:00\"]]}}}",
		 "office.hours.thu[0]: must be a pair [\"HH:MM\", \"HH:MM\"]"},
		{"{\"office\":{\"hours\":{\"monday\":[]}}}",
		 "office.hours.monday: unknown day (use mon, tue, wed, thu, fri, sat, sun)"},
		{"{\"office\":{\"hours\":{\"fri\":[[\"01:00\",\"02:00\"],[\"03:00\",\"04:00\"],"
		 "[\"05:00\",\"06:00\"],[\"07:00\",\"08:00\"],[\"09:00\",\"10:00\"]]}}}",
		 "office.hours.fri: at most 4 periods a day"},
		{"{\"office\":{\"hours\":[]}}",
		 "office.hours: must be an object with keys mon, tue, wed, thu, fri, sat, sun"},
		{"{\"office\":{\"procedures\":[\"khai_sinh\",\"khai_sinh\"]}}",
		 "office.procedures[1]: \"khai_sinh\" is listed twice"},
		{"{\"office\":{\"procedures\":[\"a b\"]}}",
		 "office.procedures[0]: must be a procedure id (1 to 31 of A-Z a-z 0-9 _ - .)"},
		{"{\"queue\":{\"daily_cap\":1000}}", "queue.daily_cap: must be an integer from 0 to 999"},
		{"{\"queue\":{\"priority\":\"vip\"}}",
		 "queue.priority: must be \"none\", \"series\" or \"mark\""},
		{"{\"queue\":{\"priority_letter\":\"u\"}}",
		 "queue.priority_letter: must be one capital letter \"A\" to \"Z\""},
		{"{\"office\":{\"lunch_tickets\":\"yes\"}}", "office.lunch_tickets: must be true or false"},
		{"{\"office\":{\"lunch_tickets\":1}}", "office.lunch_tickets: must be true or false"},
		{"{\"ui\":{\"lang\":\"fr\"}}", "ui.lang: must be \"vi\" or \"en\""},
		{"{\"scanner\":{\"device\":\"ttyACM0\"}}",
		 "scanner.device: must be \"\" or an absolute path of at most 127 bytes"},
		{"{\"scanner\":{\"usb\":\"12345:1\"}}",
		 "scanner.usb: must be a string \"VVVV:PPPP\" (hex) or \"\""},
		{"{\"log\":{\"max_kb\":8}}", "log.max_kb: must be an integer from 16 to 10240"},
		{"{\"fleet\":{\"broker\":\"mqtt.tinh.vn\"}}",
		 "fleet.broker: must be \"\" or \"host:port\" (a name or IPv4 address, port 1 to 65535)"},
		{"{\"fleet\":{\"broker\":\"mqtt.tinh.vn:70000\"}}",
		 "fleet.broker: must be \"\" or \"host:port\" (a name or IPv4 address, port 1 to 65535)"},
		{"{\"fleet\":{\"broker\":\"a b:8883\"}}",
		 "fleet.broker: must be \"\" or \"host:port\" (a name or IPv4 address, port 1 to 65535)"},
		{"{\"fleet\":{\"id\":\"xa/an-phu\"}}", "fleet.id: must be \"\" or 1 to 63 of A-Z a-z 0-9 _ - ."},
		{"{\"fleet\":{\"id\":\"#\"}}", "fleet.id: must be \"\" or 1 to 63 of A-Z a-z 0-9 _ - ."},
		{"{\"fleet\":{\"cert\":\"kiosk.crt\"}}",
		 "fleet.cert: must be \"\" or an absolute path of at most 127 bytes"},
		{"{\"fleet\":{\"heartbeat_min\":0}}", "fleet.heartbeat_min: must be an integer from 1 to 1440"},
		{"{\"fleet\":{\"tls\":\"no\"}}", "fleet.tls: must be true or false"},
		{"{\"ui\":{\"lang\":\"vi\",\"lang\":\"en\"}}", "ui.lang: duplicate key"},
		{"[1,2]", "must be a JSON object"},
		{"{\"ui\":", "not valid JSON (near line 1)"},
		{"", "not valid JSON (near line 1)"},
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(cases); i++) {
		config_t c, before;
		config_defaults(&c);
		c.session_idle_s = 333; /* proves c is left as it was */
		before = c;
		char err[512], want[512];
		int rc = config_overlay_text(&c, "site.json", cases[i].json, err, sizeof err);
		if (rc != KIOSK_EINVAL)
			fail_msg("case %zu (%s): rc %d", i, cases[i].json, rc);
		snprintf(want, sizeof want, "site.json: %s", cases[i].msg);
		if (strcmp(err, want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, want);
		assert_memory_equal(&c, &before, sizeof c);
	}
	/* A configured fleet agent. */
	{
		config_t fc;
		config_defaults(&fc);
		char ferr[256];
		assert_true(fc.fleet_tls);
		assert_int_equal(fc.fleet_heartbeat_min, 15);
		assert_int_equal(config_overlay_text(&fc, "site.json",
						     "{\"fleet\":{\"broker\":\"127.0.0.1:8883\",\"id\":\"xa-an-phu.1\","
						     "\"tls\":false,\"heartbeat_min\":5}}", ferr, sizeof ferr), KIOSK_OK);
		assert_string_equal(fc.fleet_broker, "127.0.0.1:8883");
		assert_string_equal(fc.fleet_id, "xa-an-phu.1");
		assert_false(fc.fleet_tls);
		assert_int_equal(fc.fleet_heartbeat_min, 5);
	}
	/* office.name limit: 127 bytes fit, 128 do not. */
	char json[400], name[200];
	memset(name, 'a', 128);
	name[128] = '\0';
	config_t c;
	config_defaults(&c);
	char err[256];
	snprintf(json, sizeof json, "{\"office\":{\"name\":\"%s\"}}", name);
	assert_int_equal(config_overlay_text(&c, "s.json", json, err, sizeof err), KIOSK_EINVAL);
	assert_string_equal(err, "s.json: office.name: must be at most 127 bytes of UTF-8");
	name[127] = '\0';
	snprintf(json, sizeof json, "{\"office\":{\"name\":\"%s\"}}", name);
	assert_int_equal(config_overlay_text(&c, "s.json", json, err, sizeof err), KIOSK_OK);
	assert_int_equal(strlen(c.office_name), 127);
	/* A tiny error buffer is truncated, never overrun. */
	char small[8];
	assert_int_equal(config_overlay_text(&c, "site.json", "{\"x\":1}", small, sizeof small),
			 KIOSK_EINVAL);
	assert_string_equal(small, "site.js");
	assert_int_equal(config_overlay_text(&c, "site.json", "{\"x\":1}", NULL, 0), KIOSK_EINVAL);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_set_local(void **state)
{
	(void)state;
	const char *dir = scratch("local");
	char site[600], local[600], err[512];
	snprintf(site, sizeof site, "%s/site.json", dir);
	snprintf(local, sizeof local, "%s/local.json", dir);
	write_text(site, "{\"office\":{\"name\":\"UBND x\xc3\xa3 B\"},\"session\":{\"idle_s\":200}}");
	/* Creates the file. */
	assert_int_equal(config_set_local(local, "session.idle_s", "300", err, sizeof err), KIOSK_OK);
	/* Merges with what is there. */
	assert_int_equal(config_set_local(local, "office.name", "\"UBND x\xc3\xa3 A\"", err,
					  sizeof err),
			 KIOSK_OK);
	assert_int_equal(config_set_local(local, "office.hours",
					  "{\"mon\":[[\"08:00\",\"12:00\"]]}", err, sizeof err),
			 KIOSK_OK);
	config_t c;
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.session_idle_s, 300);
	assert_string_equal(c.office_name, "UBND x\xc3\xa3 A");
	assert_int_equal(c.office_hours_count[1], 1);
	assert_int_equal(c.office_hours_count[2], 0);
	/* Replacing a value keeps the others. */
	assert_int_equal(config_set_local(local, "session.idle_s", "400", err, sizeof err), KIOSK_OK);
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.session_idle_s, 400);
	assert_string_equal(c.office_name, "UBND x\xc3\xa3 A");
	/* Bad values, bad JSON and unknown keys are refused; the file stays. */
	char before[8192];
	snprintf(before, sizeof before, "%s", read_text(local));
	assert_int_equal(config_set_local(local, "session.idle_s", "5", err, sizeof err),
			 KIOSK_EINVAL);
	char want[700];
	snprintf(want, sizeof want, "%s: session.idle_s: must be an integer from 60 to 1200", local);
	assert_string_equal(err, want);
	assert_int_equal(config_set_local(local, "session.idle_s", "30x", err, sizeof err),
			 KIOSK_EINVAL);
	assert_non_null(strstr(err, "session.idle_s: the value is not valid JSON"));
	assert_int_equal(config_set_local(local, "session.idle", "100", err, sizeof err),
			 KIOSK_EINVAL);
	assert_non_null(strstr(err, "session.idle: unknown key"));
	assert_int_equal(config_set_local(local, "session", "{}", err, sizeof err), KIOSK_EINVAL);
	assert_string_equal(read_text(local), before);
	/* NULL removes a key, falling back to the site's value. */
	assert_int_equal(config_set_local(local, "session.idle_s", NULL, err, sizeof err), KIOSK_OK);
	assert_int_equal(config_set_local(local, "panel.width", NULL, err, sizeof err), KIOSK_OK);
	assert_int_equal(config_load(&c, site, local, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.session_idle_s, 200);
	assert_string_equal(c.office_name, "UBND x\xc3\xa3 A");
	/* No temporary files are left behind. */
	assert_int_equal(count_entries(dir), 2);
	/* A broken local file is not overwritten. */
	write_text(local, "{ broken");
	assert_int_equal(config_set_local(local, "session.idle_s", "300", err, sizeof err),
			 KIOSK_EINVAL);
	assert_non_null(strstr(err, "not valid JSON"));
	assert_string_equal(read_text(local), "{ broken");
	/* An unwritable folder: error, nothing lost. */
	char missing[700];
	snprintf(missing, sizeof missing, "%s/nodir/local.json", dir);
	assert_int_equal(config_set_local(missing, "session.idle_s", "300", err, sizeof err),
			 KIOSK_EIO);
	assert_non_null(strstr(err, "cannot create a temporary file"));
}

static cJSON *load_json(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cJSON *j = cJSON_Parse(buf);
	assert_non_null(j);
	return j;
}

/* Count the leaves under obj that are known keys; a schema leaf is a
 * property whose schema has no "properties" of its own (or is office.hours). */
static int schema_leaves(const cJSON *props, const char *prefix)
{
	int n = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, props)
	{
		char path[128];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", p->string);
		const cJSON *sub = cJSON_GetObjectItemCaseSensitive(p, "properties");
		if (sub && strcmp(path, "office.hours") != 0) {
			n += schema_leaves(sub, path);
			continue;
		}
		bool known = false;
		for (size_t i = 0; config_key(i); i++)
			known |= strcmp(config_key(i), path) == 0;
		if (!known)
			fail_msg("schema key %s is not a configuration key", path);
		n++;
	}
	return n;
}

/* The schema, the shipped site.json and the C table list the same keys. */
static void test_schema_and_site_complete(void **state)
{
	(void)state;
	cJSON *schema = load_json("assets/config.schema.json");
	cJSON *site = load_json("assets/site.json");
	size_t nkeys = 0;
	for (; config_key(nkeys); nkeys++) {
		char path[128];
		snprintf(path, sizeof path, "%s", config_key(nkeys));
		const cJSON *s = schema, *v = site;
		for (char *seg = strtok(path, "."); seg; seg = strtok(NULL, ".")) {
			s = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(s, "properties"), seg);
			v = cJSON_GetObjectItemCaseSensitive(v, seg);
		}
		if (!s)
			fail_msg("%s missing from config.schema.json", config_key(nkeys));
		if (!v)
			fail_msg("%s missing from site.json", config_key(nkeys));
	}
	assert_int_equal(nkeys, 47);
	assert_int_equal(schema_leaves(cJSON_GetObjectItemCaseSensitive(schema, "properties"), ""),
			 (int)nkeys);
	cJSON_Delete(schema);
	cJSON_Delete(site);
}

/* The board's voice settings; quiet hours may run over midnight. */
static void test_voice(void **state)
{
	(void)state;
	config_t c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(c.voice_repeat, 2);
	assert_int_equal(c.voice_volume, 100);
	assert_int_equal(c.voice_quiet.start_min, -1);
	assert_int_equal(config_overlay_text(&c, "local.json",
					     "{\"voice\":{\"quiet\":\"21:30-06:00\",\"repeat\":1,\"device\":\"none\"}}",
					     err, sizeof err),
			 KIOSK_OK);
	assert_int_equal(c.voice_quiet.start_min, 21 * 60 + 30);
	assert_int_equal(c.voice_quiet.end_min, 6 * 60);
	assert_int_equal(c.voice_repeat, 1);
	assert_string_equal(c.voice_device, "none");
	assert_int_equal(config_overlay_text(&c, "local.json", "{\"voice\":{\"quiet\":\"\"}}", err, sizeof err),
			 KIOSK_OK);
	assert_int_equal(c.voice_quiet.start_min, -1);
	const char *bad[] = {"\"12:00\"", "\"12:00-12:00\"", "\"25:00-26:00\"", "\"12:00-13:60\"", "1200",
			     "\"12:00 - 13:00\""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char j[96];
		snprintf(j, sizeof j, "{\"voice\":{\"quiet\":%s}}", bad[i]);
		assert_int_equal(config_overlay_text(&c, "local.json", j, err, sizeof err), KIOSK_EINVAL);
		assert_non_null(strstr(err, "voice.quiet"));
	}
	assert_int_equal(config_overlay_text(&c, "local.json", "{\"voice\":{\"repeat\":6}}", err, sizeof err),
			 KIOSK_EINVAL);
}

static void test_offers(void **state)
{
	(void)state;
	config_t c;
	char err[256];
	config_defaults(&c);
	/* Empty list: everything is offered. */
	assert_true(config_offers(&c, "khai_sinh"));
	assert_true(config_offers(&c, "anything"));
	assert_false(config_offers(&c, NULL));
	assert_int_equal(config_overlay_text(&c, "site.json",
					     "{\"office\":{\"procedures\":[\"khai_sinh\",\"ket_hon\"]}}",
					     err, sizeof err),
			 KIOSK_OK);
	assert_true(config_offers(&c, "khai_sinh"));
	assert_true(config_offers(&c, "ket_hon"));
	assert_false(config_offers(&c, "khai_tu"));
	assert_false(config_offers(&c, "khai"));
	/* A later layer with [] offers everything again. */
	assert_int_equal(config_overlay_text(&c, "local.json", "{\"office\":{\"procedures\":[]}}",
					     err, sizeof err),
			 KIOSK_OK);
	assert_true(config_offers(&c, "khai_tu"));
}

/* counters[] and hub: parsed whole and strictly; the menu's JSON reads back. */
static void test_counters(void **state)
{
	(void)state;
	config_t c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(c.counters_count, 0);
	assert_int_equal(c.hub_listen_count, 1);
	assert_string_equal(c.hub_listen[0], "127.0.0.1:8080");
	assert_int_equal(c.hub_session_idle_min, 240);
	assert_int_equal(config_overlay_text(&c, "site.json",
					     "{\"counters\":[{\"id\":3,\"name\":{\"vi\":\"Qu\u1ea7y 3\",\"en\":\"Desk 3\"},"
					     "\"groups\":[\"ho-tich\",\"chung-thuc\"]},{\"id\":7}],"
					     "\"hub\":{\"listen\":[\"0.0.0.0:80\",\"10.0.0.2:8080\"],\"session_idle_minutes\":60}}",
					     err, sizeof err),
			 KIOSK_OK);
	assert_int_equal(c.counters_count, 2);
	assert_int_equal(c.counters[0].id, 3);
	assert_string_equal(c.counters[0].name[0], "Qu\xe1\xba\xa7y 3");
	assert_string_equal(c.counters[0].name[1], "Desk 3");
	assert_int_equal(c.counters[0].group_count, 2);
	assert_string_equal(c.counters[0].groups[1], "chung-thuc");
	assert_int_equal(c.counters[1].group_count, 0);
	assert_string_equal(c.counters[1].name[0], "");
	assert_ptr_equal(config_counter(&c, 7), &c.counters[1]);
	assert_null(config_counter(&c, 4));
	assert_int_equal(c.hub_listen_count, 2);
	assert_string_equal(c.hub_listen[1], "10.0.0.2:8080");
	assert_int_equal(c.hub_session_idle_min, 60);

	/* The menu's JSON of the counters parses back to the same. */
	char *js = config_counters_json(c.counters, c.counters_count);
	assert_non_null(js);
	char doc[1024];
	snprintf(doc, sizeof doc, "{\"counters\":%s}", js);
	free(js);
	config_t d;
	config_defaults(&d);
	assert_int_equal(config_overlay_text(&d, "local.json", doc, err, sizeof err), KIOSK_OK);
	assert_int_equal(d.counters_count, 2);
	assert_memory_equal(d.counters, c.counters, sizeof c.counters[0] * 2);

	/* Bad entries: each refused with where, the configuration unchanged. */
	static const char *const bad[] = {
		"{\"counters\":{}}",
		"{\"counters\":[{\"name\":{\"vi\":\"A\"}}]}",
		"{\"counters\":[{\"id\":0}]}",
		"{\"counters\":[{\"id\":100}]}",
		"{\"counters\":[{\"id\":1},{\"id\":1}]}",
		"{\"counters\":[{\"id\":1,\"groups\":[\"a\",\"a\"]}]}",
		"{\"counters\":[{\"id\":1,\"groups\":[\"\"]}]}",
		"{\"counters\":[{\"id\":1,\"groups\":[1]}]}",
		"{\"counters\":[{\"id\":1,\"groups\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}]}",
		"{\"counters\":[{\"id\":1,\"name\":{\"fr\":\"x\"}}]}",
		"{\"counters\":[{\"id\":1,\"name\":{\"vi\":\"a\\u0001\"}}]}",
		"{\"counters\":[{\"id\":1,\"pin\":\"123456\"}]}",
		"{\"counters\":[{\"id\":1,\"id\":2}]}",
		"{\"hub\":{\"listen\":[]}}",
		"{\"hub\":{\"listen\":[\"nowhere\"]}}",
		"{\"hub\":{\"listen\":\"127.0.0.1:80\"}}",
		"{\"hub\":{\"session_idle_minutes\":0}}",
		"{\"hub\":{\"port\":80}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		config_t before = c;
		err[0] = 0;
		if (config_overlay_text(&c, "local.json", bad[i], err, sizeof err) != KIOSK_EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err, "local.json: "));
		assert_memory_equal(&before, &c, sizeof c);
	}
	/* 64 counters fit, 65 do not. */
	char big[8192];
	size_t k = (size_t)snprintf(big, sizeof big, "{\"counters\":[");
	for (int i = 1; i <= 65; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "%s{\"id\":%d}", i > 1 ? "," : "", i);
	snprintf(big + k, sizeof big - k, "]}");
	assert_int_equal(config_overlay_text(&c, "local.json", big, err, sizeof err), KIOSK_EINVAL);
	char *last = strrchr(big, ',');
	snprintf(last, sizeof big - (size_t)(last - big), "]}");
	assert_int_equal(config_overlay_text(&c, "local.json", big, err, sizeof err), KIOSK_OK);
	assert_int_equal(c.counters_count, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped_site),
		cmocka_unit_test(test_overlay_and_partial),
		cmocka_unit_test(test_files_and_load),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_set_local),
		cmocka_unit_test(test_schema_and_site_complete),
		cmocka_unit_test(test_offers),
		cmocka_unit_test(test_voice),
		cmocka_unit_test(test_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
