/* clock.c - real and virtual clocks, and Vietnam local time arithmetic done
 * by hand (UTC+7, no DST) so the system's time zone never matters. */
#include "core/clock.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <time.h>

#include "core/kiosk.h"

static int64_t real_now(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_mono(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool real_trusted(void *ctx)
{
	const char *marker = ctx;
	struct timex tx;
	memset(&tx, 0, sizeof tx);
	int st = adjtimex(&tx);
	if (st != TIME_ERROR && st >= 0 && !(tx.status & STA_UNSYNC))
		return true;
	if (marker) {
		/* Staff set the date: trusted for the local day it was set. */
		struct stat sb;
		if (stat(marker, &sb) == 0) {
			kclock_local_t a, b;
			kclock_to_local((int64_t)sb.st_mtime * 1000, &a);
			kclock_to_local(real_now(NULL), &b);
			return a.yday_key == b.yday_key;
		}
	}
	return false;
}

void kclock_real(kclock_t *out, const char *staff_set_marker)
{
	out->now_ms = real_now;
	out->mono_ms = real_mono;
	out->trusted = real_trusted;
	out->ctx = (void *)staff_set_marker;
}

static int64_t virt_now(void *ctx) { return ((kclock_virtual_t *)ctx)->now_ms; }
static int64_t virt_mono(void *ctx) { return ((kclock_virtual_t *)ctx)->mono_ms; }
static bool virt_trusted(void *ctx) { return ((kclock_virtual_t *)ctx)->trusted; }

void kclock_virtual(kclock_t *out, kclock_virtual_t *state)
{
	out->now_ms = virt_now;
	out->mono_ms = virt_mono;
	out->trusted = virt_trusted;
	out->ctx = state;
}

void kclock_virtual_advance(kclock_virtual_t *v, int64_t ms)
{
	v->now_ms += ms;
	v->mono_ms += ms;
}

/* Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void kclock_to_local(int64_t utc_ms, kclock_local_t *out)
{
	int64_t s = floor_div(utc_ms, 1000) + KCLOCK_VN_OFFSET_S;
	int64_t days = floor_div(s, 86400);
	int64_t rem = s - days * 86400;
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(rem / 3600);
	out->min = (int)(rem / 60 % 60);
	out->sec = (int)(rem % 60);
	out->wday = (int)((days % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	out->yday_key = out->year * 10000 + out->month * 100 + out->day;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int kclock_parse_iso(const char *s, int64_t *utc_ms)
{
	int y, mo, d, h, mi, sec = 0, n = 0;
	*utc_ms = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
		return KIOSK_EINVAL;
	const char *p = s + n;
	if (*p == ':') {
		int m2 = 0;
		if (sscanf(p, ":%2d%n", &sec, &m2) != 1 || m2 != 3)
			return KIOSK_EINVAL;
		p += m2;
	}
	int64_t off = KCLOCK_VN_OFFSET_S;
	if (*p == 'Z') {
		off = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, m3 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m3) != 2 || m3 != 5 || oh > 14 || om > 59)
			return KIOSK_EINVAL;
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 1 + m3;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59 || y < 1970)
		return KIOSK_EINVAL;
	int64_t days = days_from_civil(y, mo, d);
	*utc_ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000;
	return KIOSK_OK;
}

void kclock_format_iso(int64_t utc_ms, char *buf, size_t cap)
{
	kclock_local_t t;
	kclock_to_local(utc_ms, &t);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", t.year, t.month, t.day,
		 t.hour, t.min, t.sec);
}
