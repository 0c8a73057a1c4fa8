/* board_gallery.c - the wall board's sample states (board_gallery.h): the
 * snapshots are written in the hub's format and go through board_feed, like
 * the real ones. Numbers and names are invented. */
#include "app/board_gallery.h"

#include <stdio.h>
#include <string.h>

#include "core/kiosk.h"

const board_gallery_state_t board_gallery_states[] = {
	{"connecting", 0, 0, BG_NEVER},
	{"connected", 4, 4, BG_PRIORITY},
	{"new-call", 4, 4, BG_HIGHLIGHT},
	{"lost", 4, 4, BG_LOST},
	{"malformed-kept", 4, 4, BG_MALFORMED},
	{"empty-office", 0, 0, 0},
	{"six-calls-long-names", 6, 5, BG_LONG | BG_PRIORITY | BG_HIGHLIGHT},
	{"many-groups", 6, 24, BG_PRIORITY},
	{"many-groups-lost", 6, 40, BG_LONG | BG_LOST},
	{"help-call", 4, 4, BG_HELP},
	{"help-calls-long", 6, 24, BG_LONG | BG_HELP | BG_HIGHLIGHT},
};
const size_t board_gallery_state_count = sizeof board_gallery_states / sizeof board_gallery_states[0];

static const char *const group_ids[] = {"ho-tich", "chung-thuc", "dat-dai", "xay-dung", "tu-phap",
					"lao-dong", "bao-hiem", "kinh-doanh"};
static const char *const group_vi[] = {"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Tư pháp",
				       "Lao động", "Bảo hiểm", "Kinh doanh"};
static const char *const group_en[] = {"Civil status", "Certification", "Land", "Building", "Justice",
				       "Labour", "Insurance", "Business"};

void board_gallery_snapshot(const board_gallery_state_t *st, int64_t seq, char *buf, size_t cap)
{
	bool lng = st->flags & BG_LONG;
	const int64_t now_ms = INT64_C(1767578400000); /* 2026-01-05 09:00 in Vietnam */
	size_t n = 0;
#define OUT(...) do { int k_ = snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__); if (k_ > 0) n += (size_t)k_; } while (0)
	OUT("{\"v\":1,\"seq\":%lld,\"office\":\"%s\",\"day\":20260105,\"now_ms\":%lld,\"calls\":[",
	    (long long)seq, lng ? "Ủy ban nhân dân phường Nguyễn Trung Trực, quận Ba Đình" : "UBND phường Ba Đình",
	    (long long)now_ms);
	for (int i = 0; i < st->calls; i++) {
		int counter = lng ? 10 + i : 1 + (i * 2) % 5;
		int g = i % 3;
		bool prio = (st->flags & BG_PRIORITY) && (i == 0 || i == 3);
		char vi[96], en[96];
		if (lng) {
			snprintf(vi, sizeof vi, "Quầy %d – Một cửa liên thông đất đai và xây dựng", counter);
			snprintf(en, sizeof en, "Counter %d – One-stop land and building desk", counter);
		} else {
			snprintf(vi, sizeof vi, "Quầy %d", counter);
			snprintf(en, sizeof en, "Counter %d", counter);
		}
		OUT("%s{\"number\":\"%c%03d\",\"counter\":%d,\"counter_name\":{\"vi\":\"%s\",\"en\":\"%s\"},"
		    "\"priority\":%s,\"group\":\"%s\",\"at_ms\":%lld,\"recall\":0}",
		    i ? "," : "", prio ? 'U' : "ABC"[g], 12 - i + (prio ? 90 : 0), counter, vi, en,
		    prio ? "true" : "false", group_ids[g], (long long)(now_ms - 60000 * i - (int)seq));
	}
	OUT("],\"counters\":[],\"groups\":[");
	for (int i = 0; i < st->groups; i++) {
		int k = i % 8;
		char vi[96], en[96];
		if (lng)
			snprintf(vi, sizeof vi, "%s, thủ tục liên thông số %d", group_vi[k], i + 1),
				snprintf(en, sizeof en, "%s, joint procedure %d", group_en[k], i + 1);
		else if (i >= 8)
			snprintf(vi, sizeof vi, "%s %d", group_vi[k], i / 8 + 1),
				snprintf(en, sizeof en, "%s %d", group_en[k], i / 8 + 1);
		else
			snprintf(vi, sizeof vi, "%s", group_vi[k]), snprintf(en, sizeof en, "%s", group_en[k]);
		OUT("%s{\"id\":\"%s-%d\",\"letter\":\"%c\",\"name\":{\"vi\":\"%s\",\"en\":\"%s\"},"
		    "\"waiting\":%d,\"priority_waiting\":%d,\"estimate_min\":%s,\"absent\":[]}",
		    i ? "," : "", group_ids[k], i, 'A' + (i % 26), vi, en, (i * 7 + 3) % 23, i % 2,
		    i % 3 ? "20" : "null");
	}
	OUT("],\"help\":[");
	if (st->flags & BG_HELP)
		OUT("{\"id\":7,\"kiosk\":\"%s\",\"at_ms\":%lld,\"taken_by\":null}%s", lng ? "Ki-ốt sảnh tầng 1" : "Ki-ốt 1",
		    (long long)(now_ms - 30000), lng ? ",{\"id\":6,\"kiosk\":\"Ki-ốt 2\",\"taken_by\":null}" : "");
	OUT("]}");
#undef OUT
}

void board_gallery_apply(board_t *b, const board_gallery_state_t *st, int64_t now)
{
	static char json[64 * 1024];
	board_init(b);
	if (st->flags & BG_NEVER)
		return;
	board_link(b, true, now - 20000);
	board_heard(b, now - 20000);
	board_gallery_snapshot(st, 100, json, sizeof json);
	/* A call before the newest one, so that BG_HIGHLIGHT sees a new call. */
	board_gallery_state_t before = *st;
	before.flags &= ~BG_PRIORITY;
	char older[64 * 1024];
	board_gallery_snapshot(&before, 99, older, sizeof older);
	if (st->flags & BG_HIGHLIGHT) {
		board_feed(b, older, strlen(older), now - 20000);
		board_feed(b, json, strlen(json), now - 1000);
	} else {
		board_feed(b, json, strlen(json), now - 20000);
	}
	board_heard(b, now - 1000);
	if (st->flags & BG_MALFORMED) {
		static const char bad[] = "{\"v\":1,\"seq\":101,\"calls\":[{\"number\":7}],\"groups\":[]}";
		board_feed(b, bad, sizeof bad - 1, now - 500);
	}
	if (st->flags & BG_LOST)
		board_link(b, false, now - 500);
	board_tick(b, now);
}
