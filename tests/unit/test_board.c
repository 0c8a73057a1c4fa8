/* test_board.c - the wall board's state (flow/board): the snapshot parser
 * (the contract's example, strict refusals, limits), the last good state
 * kept over a malformed snapshot, the highlight of a new call or a recall,
 * and "lost" (stream down, 30 s of silence, never heard). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "flow/board.h"

static const char good[] =
	"{ \"v\": 1, \"seq\": 1234, \"office\": \"UBND phường Ba Đình\", \"day\": 20261202, "
	"\"now_ms\": 1764650000000,"
	"\"calls\": [ { \"number\": \"A012\", \"counter\": 3, \"counter_name\": {\"vi\":\"Quầy 3\",\"en\":\"Counter 3\"},"
	"\"priority\": false, \"group\": \"ho-tich\", \"at_ms\": 1764649990000, \"recall\": 0 },"
	"{ \"number\": \"U101\", \"counter\": 12, \"counter_name\": {\"vi\":\"Quầy 12\"}, \"priority\": true,"
	"\"group\": \"ho-tich\", \"at_ms\": 1764649900000, \"recall\": 1 } ],"
	"\"counters\": [ { \"id\": 3, \"name\": {}, \"groups\": [\"ho-tich\"], \"current\": \"A012\", \"online\": true } ],"
	"\"groups\": [ { \"id\": \"ho-tich\", \"letter\": \"A\", \"name\": {\"vi\":\"Hộ tịch\",\"en\":\"Civil status\"},"
	"\"waiting\": 7, \"priority_waiting\": 1, \"estimate_min\": 20, \"absent\": [\"A004\"] },"
	"{ \"id\": \"chung-thuc\", \"letter\": \"B\", \"name\": {\"vi\":\"Chứng thực\"}, \"waiting\": 0,"
	"\"estimate_min\": null } ],"
	"\"help\": [ { \"id\": 7, \"kiosk\": \"Ki-ốt 1\", \"at_ms\": 1764649000000, \"taken_by\": null } ],"
	"\"me\": { \"counter\": 3 } }";

static void test_parse_contract_example(void **state)
{
	(void)state;
	static board_snapshot_t s;
	char err[128];
	assert_int_equal(board_parse(good, strlen(good), &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.seq, 1234);
	assert_string_equal(s.office, "UBND phường Ba Đình");
	assert_int_equal(s.ncalls, 2);
	assert_string_equal(s.calls[0].number, "A012");
	assert_int_equal(s.calls[0].counter, 3);
	assert_string_equal(s.calls[0].counter_name[LANG_EN], "Counter 3");
	assert_false(s.calls[0].priority);
	assert_true(s.calls[1].priority);
	assert_int_equal(s.calls[1].recall, 1);
	/* A missing language takes the other one's text. */
	assert_string_equal(s.calls[1].counter_name[LANG_EN], "Quầy 12");
	assert_int_equal(s.ngroups, 2);
	assert_string_equal(s.groups[0].letter, "A");
	assert_int_equal(s.groups[0].waiting, 7);
	assert_int_equal(s.groups[0].estimate_min, 20);
	assert_int_equal(s.groups[1].estimate_min, -1);
}

/* Each of these must be refused as a whole. */
static void test_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"not json",
		"[1,2]",
		"{\"v\":2,\"seq\":1,\"calls\":[],\"groups\":[]}",                 /* another version */
		"{\"v\":1,\"calls\":[],\"groups\":[]}",                           /* no seq */
		"{\"v\":1,\"seq\":1,\"groups\":[]}",                              /* no calls */
		"{\"v\":1,\"seq\":1,\"calls\":[]}",                               /* no groups */
		"{\"v\":1,\"seq\":1,\"calls\":[{\"counter\":3}],\"groups\":[]}",  /* no number */
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":7,\"counter\":3}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A1\",\"counter\":0}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A1\",\"counter\":100}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A1\",\"counter\":2.5}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A1\",\"counter\":2,\"priority\":1}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A01234567890\",\"counter\":2}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[{\"number\":\"A\\u0001\",\"counter\":2}],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[{\"id\":\"x\",\"waiting\":-1}]}",
		"{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[{\"id\":\"x\"}]}",
		"{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[{\"id\":\"x\",\"waiting\":1,\"estimate_min\":\"soon\"}]}",
		"{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[{\"id\":\"x\",\"waiting\":1,\"name\":\"Hộ tịch\"}]}",
		"{\"v\":1,\"seq\":1,\"office\":5,\"calls\":[],\"groups\":[]}",
		"{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[]",                  /* cut short */
	};
	static board_snapshot_t s;
	char err[128];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = board_parse(bad[i], strlen(bad[i]), &s, err, sizeof err);
		if (rc != KIOSK_EINVAL)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		assert_int_equal(rc, KIOSK_EINVAL);
		assert_true(err[0] != 0 || strlen(bad[i]) == 0);
		assert_int_equal(s.ncalls, 0);
	}
	/* Invalid UTF-8 in a name. */
	char inv[] = "{\"v\":1,\"seq\":1,\"office\":\"x\xC3\",\"calls\":[],\"groups\":[]}";
	assert_int_equal(board_parse(inv, strlen(inv), &s, err, sizeof err), KIOSK_EINVAL);
	/* An office name longer than its field is refused, not cut. */
	char longname[600];
	snprintf(longname, sizeof longname, "{\"v\":1,\"seq\":1,\"office\":\"%0200d\",\"calls\":[],\"groups\":[]}", 0);
	assert_int_equal(board_parse(longname, strlen(longname), &s, err, sizeof err), KIOSK_EINVAL);
}

static void test_parse_limits(void **state)
{
	(void)state;
	/* More than 6 calls: the first 6 (newest) are kept; more groups than
	 * fit are counted. */
	static char buf[64 * 1024];
	size_t n = (size_t)snprintf(buf, sizeof buf, "{\"v\":1,\"seq\":9,\"calls\":[");
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s{\"number\":\"A%03d\",\"counter\":1}", i ? "," : "",
				      i);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "],\"groups\":[");
	for (int i = 0; i < BOARD_MAX_GROUPS + 5; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s{\"id\":\"g%d\",\"waiting\":%d}", i ? "," : "", i, i);
	snprintf(buf + n, sizeof buf - n, "]}");
	static board_snapshot_t s;
	assert_int_equal(board_parse(buf, strlen(buf), &s, NULL, 0), KIOSK_OK);
	assert_int_equal(s.ncalls, BOARD_MAX_CALLS);
	assert_string_equal(s.calls[0].number, "A000");
	assert_int_equal(s.ngroups, BOARD_MAX_GROUPS);
	assert_int_equal(s.more_groups, 5);
}

static void test_malformed_keeps_last_good(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
	assert_int_equal(board_feed(&b, good, strlen(good), 1000), KIOSK_OK);
	uint32_t g = b.generation;
	static const char bad[] = "{\"v\":1,\"seq\":1235,\"calls\":[{\"number\":\"A013\"}],\"groups\":[]}";
	assert_int_equal(board_feed(&b, bad, strlen(bad), 2000), KIOSK_EINVAL);
	assert_int_equal(b.bad, 1);
	assert_true(b.have);
	assert_int_equal(b.snap.seq, 1234);
	assert_string_equal(b.snap.calls[0].number, "A012");
	assert_int_equal(b.snap.ngroups, 2);
	assert_int_equal(b.generation, g);
	/* Truncated in the middle of a name, and empty. */
	assert_int_equal(board_feed(&b, good, 100, 2100), KIOSK_EINVAL);
	assert_int_equal(board_feed(&b, "", 0, 2200), KIOSK_EINVAL);
	assert_string_equal(b.snap.calls[0].number, "A012");
}

static void test_highlight_new_call(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
	/* The first snapshot after a start is not "new": no highlight. */
	board_feed(&b, good, strlen(good), 1000);
	assert_false(board_highlight(&b, 1000));
	/* The same snapshot again (a heartbeat): still none. */
	board_feed(&b, good, strlen(good), 2000);
	assert_false(board_highlight(&b, 2000));
	/* A recall of A012 counts as a new call. */
	char rec[sizeof good + 8];
	snprintf(rec, sizeof rec, "%s", good);
	char *r = strstr(rec, "\"recall\": 0");
	assert_non_null(r);
	r[10] = '1';
	assert_int_equal(board_feed(&b, rec, strlen(rec), 3000), KIOSK_OK);
	assert_true(board_highlight(&b, 3000));
	assert_true(board_highlight(&b, 3000 + BOARD_HIGHLIGHT_MS - 1));
	assert_false(board_highlight(&b, 3000 + BOARD_HIGHLIGHT_MS));
	assert_int_equal(board_next_deadline(&b, 3000) <= 3000 + BOARD_HIGHLIGHT_MS, 1);
}

/* A snapshot with the given calls ("A012:3:0:1764649990000,..." as
 * number:counter:recall:at_ms), the hub's clock at 1764650000000. */
static const char *calls_snap(const char *spec)
{
	static char buf[2048];
	int n = snprintf(buf, sizeof buf, "{\"v\":1,\"seq\":1,\"now_ms\":1764650000000,\"calls\":[");
	char sp[256];
	snprintf(sp, sizeof sp, "%s", spec);
	int first = 1;
	for (char *t = strtok(sp, ","); t; t = strtok(NULL, ",")) {
		char num[12];
		int counter, recall;
		long long at;
		assert_int_equal(sscanf(t, "%11[^:]:%d:%d:%lld", num, &counter, &recall, &at), 4);
		n += snprintf(buf + n, sizeof buf - (size_t)n,
			      "%s{\"number\":\"%s\",\"counter\":%d,\"recall\":%d,\"at_ms\":%lld}",
			      first ? "" : ",", num, counter, recall, at);
		first = 0;
	}
	snprintf(buf + n, sizeof buf - (size_t)n, "],\"groups\":[]}");
	return buf;
}

/* What the board announces: new calls and recalls, oldest first; never the
 * first snapshot, a resent one, or a call the board saw too late. */
static void test_fresh_calls(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
	const char *s = calls_snap("A012:3:0:1764649990000");
	assert_int_equal(board_feed(&b, s, strlen(s), 1000), KIOSK_OK);
	assert_int_equal(b.nfresh, 0);
	assert_int_equal(board_feed(&b, s, strlen(s), 2000), KIOSK_OK);
	assert_int_equal(b.nfresh, 0);
	/* Two calls in one snapshot: both, the older first. */
	s = calls_snap("A014:5:0:1764649999000,A013:2:0:1764649998000,A012:3:0:1764649990000");
	assert_int_equal(board_feed(&b, s, strlen(s), 3000), KIOSK_OK);
	assert_int_equal(b.nfresh, 2);
	assert_string_equal(b.fresh[0].number, "A013");
	assert_int_equal(b.fresh[0].counter, 2);
	assert_string_equal(b.fresh[1].number, "A014");
	/* The same again (a reconnect resends it): nothing. */
	assert_int_equal(board_feed(&b, s, strlen(s), 4000), KIOSK_OK);
	assert_int_equal(b.nfresh, 0);
	/* A malformed one in between changes nothing either. */
	assert_int_equal(board_feed(&b, "{", 1, 4500), KIOSK_EINVAL);
	assert_int_equal(board_feed(&b, s, strlen(s), 5000), KIOSK_OK);
	assert_int_equal(b.nfresh, 0);
	/* A recall of A012 moves it to the front: announced again. */
	s = calls_snap("A012:3:1:1764649999500,A014:5:0:1764649999000,A013:2:0:1764649998000");
	assert_int_equal(board_feed(&b, s, strlen(s), 6000), KIOSK_OK);
	assert_int_equal(b.nfresh, 1);
	assert_string_equal(b.fresh[0].number, "A012");
	assert_int_equal(b.fresh[0].recall, 1);
	/* A call the board first sees two minutes after it was made: shown only. */
	s = calls_snap("A020:1:0:1764649880000,A012:3:1:1764649999500");
	assert_int_equal(board_feed(&b, s, strlen(s), 7000), KIOSK_OK);
	assert_int_equal(b.nfresh, 0);
	assert_string_equal(b.snap.calls[0].number, "A020");
}

/* Help calls: open ones are kept (taken ones left out); a new open one
 * chimes once, never on the first snapshot or when seen too late; a bad
 * entry refuses the snapshot. */
static void test_help_calls(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
#define HS(h) "{\"v\":1,\"seq\":1,\"now_ms\":1764650000000,\"calls\":[],\"groups\":[],\"help\":[" h "]}"
	const char *s = HS("{\"id\":4,\"kiosk\":\"Ki-ốt 2\",\"at_ms\":1764649990000,\"taken_by\":null}");
	assert_int_equal(board_feed(&b, s, strlen(s), 1000), KIOSK_OK);
	assert_int_equal(b.snap.nhelp, 1);
	assert_string_equal(b.snap.help[0].kiosk, "Ki-ốt 2");
	assert_int_equal(b.nfresh_help, 0); /* the board just started */
	s = HS("{\"id\":5,\"kiosk\":\"Ki-ốt 1\",\"at_ms\":1764649999000,\"taken_by\":null},"
	       "{\"id\":4,\"kiosk\":\"Ki-ốt 2\",\"at_ms\":1764649990000,\"taken_by\":null}");
	assert_int_equal(board_feed(&b, s, strlen(s), 2000), KIOSK_OK);
	assert_int_equal(b.snap.nhelp, 2);
	assert_int_equal(b.nfresh_help, 1);
	assert_int_equal(board_feed(&b, s, strlen(s), 3000), KIOSK_OK);
	assert_int_equal(b.nfresh_help, 0); /* resent: no second chime */
	/* Taken by counter 3: gone from the board. */
	s = HS("{\"id\":5,\"kiosk\":\"Ki-ốt 1\",\"at_ms\":1764649999000,\"taken_by\":3},"
	       "{\"id\":4,\"kiosk\":\"Ki-ốt 2\",\"at_ms\":1764649990000,\"taken_by\":null}");
	assert_int_equal(board_feed(&b, s, strlen(s), 4000), KIOSK_OK);
	assert_int_equal(b.snap.nhelp, 1);
	assert_int_equal(b.snap.help[0].id, 4);
	assert_int_equal(b.nfresh_help, 0);
	/* Seen two minutes late: shown, not chimed. */
	s = HS("{\"id\":6,\"kiosk\":\"Ki-ốt 3\",\"at_ms\":1764649880000}");
	assert_int_equal(board_feed(&b, s, strlen(s), 5000), KIOSK_OK);
	assert_int_equal(b.snap.nhelp, 1);
	assert_int_equal(b.nfresh_help, 0);
	/* Damaged entries refuse the whole snapshot: the last one stays. */
	const char *bad[] = {HS("{\"kiosk\":\"K\"}"), HS("{\"id\":7,\"kiosk\":\"\"}"),
			     HS("{\"id\":7,\"kiosk\":\"K\",\"taken_by\":\"3\"}"), HS("7"),
			     "{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[],\"help\":{}}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(board_feed(&b, bad[i], strlen(bad[i]), 6000), KIOSK_EINVAL);
		assert_int_equal(b.snap.help[0].id, 6);
	}
#undef HS
}

static void test_lost(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
	assert_true(board_lost(&b, 0)); /* never heard */
	board_link(&b, true, 1000);
	assert_true(board_lost(&b, 1000));
	board_heard(&b, 1000);
	board_feed(&b, good, strlen(good), 1000);
	assert_false(board_lost(&b, 1000));
	board_tick(&b, 1000);
	/* Silence: lost at 30 s, not before; the state stays. */
	assert_false(board_lost(&b, 1000 + BOARD_SILENCE_MS - 1));
	assert_int_equal(board_next_deadline(&b, 1000) <= 1000 + BOARD_SILENCE_MS, 1);
	uint32_t g = b.generation;
	assert_true(board_tick(&b, 1000 + BOARD_SILENCE_MS));
	assert_true(b.generation > g);
	assert_true(board_lost(&b, 1000 + BOARD_SILENCE_MS));
	assert_int_equal(b.lost_since, 1000 + BOARD_SILENCE_MS);
	assert_true(b.have);
	assert_string_equal(b.snap.calls[0].number, "A012");
	/* Heard again: found. */
	board_heard(&b, 40000);
	board_tick(&b, 40000);
	assert_false(board_lost(&b, 40000));
	assert_int_equal(b.lost_since, 0);
	/* The stream closes: lost at once, since then. */
	board_link(&b, false, 41000);
	assert_true(board_lost(&b, 41000));
	board_tick(&b, 41000);
	assert_int_equal(b.lost_since, 41000);
	assert_string_equal(b.snap.calls[0].number, "A012");
}

static void test_hub_clock(void **state)
{
	(void)state;
	static board_t b;
	board_init(&b);
	assert_int_equal(board_hub_time(&b, 5), 0);
	board_feed(&b, good, strlen(good), 1000);
	assert_true(board_hub_time(&b, 6000) == 1764650000000LL + 5000);
}

/* The office's voice settings ("board"): taken when whole, refused when not. */
static void test_parse_voice(void **state)
{
	(void)state;
	static board_snapshot_t s;
	char err[128];
	const char *none = "{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[]}";
	assert_int_equal(board_parse(none, strlen(none), &s, err, sizeof err), KIOSK_OK);
	assert_false(s.has_voice);
	const char *whole = "{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[],"
			   "\"board\":{\"volume\":90,\"repeat\":0,\"rate\":160,\"quiet\":\"21:30-06:00\"}}";
	assert_int_equal(board_parse(whole, strlen(whole), &s, err, sizeof err), KIOSK_OK);
	assert_true(s.has_voice);
	assert_int_equal(s.volume, 90);
	assert_int_equal(s.repeat, 0);
	assert_int_equal(s.rate, 160);
	assert_int_equal(s.quiet_start, 21 * 60 + 30);
	assert_int_equal(s.quiet_end, 6 * 60);
	const char *noquiet = "{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[],"
			      "\"board\":{\"volume\":100,\"repeat\":2,\"rate\":150,\"quiet\":\"\"}}";
	assert_int_equal(board_parse(noquiet, strlen(noquiet), &s, err, sizeof err), KIOSK_OK);
	assert_int_equal(s.quiet_start, -1);
	static const char *const bad[] = {
		"\"board\":1",
		"\"board\":{\"volume\":201,\"repeat\":2,\"rate\":150}",
		"\"board\":{\"volume\":100,\"repeat\":6,\"rate\":150}",
		"\"board\":{\"volume\":100,\"repeat\":2,\"rate\":79}",
		"\"board\":{\"volume\":100,\"repeat\":2}",
		"\"board\":{\"volume\":100,\"repeat\":2,\"rate\":150,\"quiet\":\"21:00\"}",
		"\"board\":{\"volume\":100,\"repeat\":2,\"rate\":150,\"quiet\":\"25:00-06:00\"}",
		"\"board\":{\"volume\":100,\"repeat\":2,\"rate\":150,\"quiet\":\"06:00-06:00\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char doc[400];
		snprintf(doc, sizeof doc, "{\"v\":1,\"seq\":1,\"calls\":[],\"groups\":[],%s}", bad[i]);
		if (board_parse(doc, strlen(doc), &s, err, sizeof err) != KIOSK_EINVAL)
			fail_msg("accepted: %s", doc);
		assert_non_null(strstr(err, "board"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_contract_example),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_fresh_calls),
		cmocka_unit_test(test_malformed_keeps_last_good),
		cmocka_unit_test(test_highlight_new_call),
		cmocka_unit_test(test_help_calls),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_hub_clock),
		cmocka_unit_test(test_parse_voice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
