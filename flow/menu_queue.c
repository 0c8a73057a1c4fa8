/* menu_queue.c - the technician's settings of the office queue: the
 * counters (added, removed, the groups each serves), the call order and
 * the wall boards' voice. Each change is written to the local layer
 * (local.json) from the configuration in force; the caller then reloads it
 * (the kiosk at once, the hub within seconds: tools/kiosk-hub.c). Counter
 * PINs are the PIN store's (staff_counter_*), set by flow/menu.c. */
#include "flow/menu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/log.h"

static int save_counters(const menu_env_t *e, const config_counter_t *cs, int n)
{
	char *js = config_counters_json(cs, n);
	if (!js)
		return KIOSK_ENOMEM;
	char path[1200], err[512] = "";
	config_local_path(e->data_dir, path, sizeof path);
	int rc = config_set_local(path, "counters", js, err, sizeof err);
	free(js);
	if (rc != KIOSK_OK)
		log_warn("counters not saved: %s", err);
	return rc;
}

/* A copy of the counters in force, to change and save. */
static config_counter_t *copy_counters(const menu_env_t *e)
{
	config_counter_t *cs = calloc(CONFIG_MAX_COUNTERS, sizeof *cs);
	if (cs && e->cfg->counters_count)
		memcpy(cs, e->cfg->counters, sizeof *cs * (size_t)e->cfg->counters_count);
	return cs;
}

int menu_q_counter_add(const menu_env_t *e, int *id)
{
	const config_t *cfg = e->cfg;
	*id = 0;
	if (cfg->counters_count >= CONFIG_MAX_COUNTERS)
		return KIOSK_ERANGE;
	int next = 1;
	while (next <= CONFIG_COUNTER_ID_MAX && config_counter(cfg, next))
		next++;
	if (next > CONFIG_COUNTER_ID_MAX)
		return KIOSK_ERANGE;
	config_counter_t *cs = copy_counters(e);
	if (!cs)
		return KIOSK_ENOMEM;
	/* A new counter serves every group (up to 8) until the technician
	 * narrows it: a counter that serves nothing could call nobody. No name:
	 * the hub words it "Quầy 3" / "Counter 3". */
	int n = cfg->counters_count, at = n;
	while (at > 0 && cs[at - 1].id > next) /* kept in id order */
		at--;
	memmove(&cs[at + 1], &cs[at], sizeof *cs * (size_t)(n - at));
	config_counter_t *c = &cs[at];
	memset(c, 0, sizeof *c);
	c->id = next;
	for (size_t i = 0; i < catalog_group_count(e->cat) && c->group_count < CONFIG_COUNTER_GROUPS; i++)
		snprintf(c->groups[c->group_count++], sizeof c->groups[0], "%s",
			 catalog_group_at(e->cat, i)->id);
	int rc = save_counters(e, cs, n + 1);
	free(cs);
	if (rc == KIOSK_OK) {
		*id = next;
		log_info("counter %d added from the menu", next);
	}
	return rc;
}

int menu_q_counter_remove(const menu_env_t *e, int id)
{
	const config_t *cfg = e->cfg;
	const config_counter_t *c = config_counter(cfg, id);
	if (!c)
		return KIOSK_ENOENT;
	config_counter_t *cs = copy_counters(e);
	if (!cs)
		return KIOSK_ENOMEM;
	int at = (int)(c - cfg->counters), n = cfg->counters_count;
	memmove(&cs[at], &cs[at + 1], sizeof *cs * (size_t)(n - at - 1));
	int rc = save_counters(e, cs, n - 1);
	free(cs);
	if (rc != KIOSK_OK)
		return rc;
	/* Nobody logs in at a counter that is gone; a counter added later
	 * with this number gets a PIN of its own. */
	if (e->staff && staff_counter_has_pin(e->staff, id) && staff_counter_clear(e->staff, id) != KIOSK_OK)
		log_warn("counter %d removed, its PIN could not be forgotten", id);
	log_info("counter %d removed from the menu", id);
	return KIOSK_OK;
}

int menu_q_counter_group(const menu_env_t *e, int id, const char *group)
{
	const config_t *cfg = e->cfg;
	const config_counter_t *c = config_counter(cfg, id);
	if (!c)
		return KIOSK_ENOENT;
	bool known = false;
	for (size_t i = 0; i < catalog_group_count(e->cat); i++)
		known = known || strcmp(catalog_group_at(e->cat, i)->id, group) == 0;
	if (!known)
		return KIOSK_ENOENT;
	config_counter_t *cs = copy_counters(e);
	if (!cs)
		return KIOSK_ENOMEM;
	config_counter_t *t = &cs[c - cfg->counters];
	int at = -1;
	for (int g = 0; g < t->group_count; g++)
		if (strcmp(t->groups[g], group) == 0)
			at = g;
	int rc = KIOSK_OK;
	if (at >= 0 && t->group_count == 1) {
		rc = KIOSK_EINVAL; /* a counter serves at least one group */
	} else if (at >= 0) {
		memmove(t->groups[at], t->groups[at + 1], sizeof t->groups[0] * (size_t)(t->group_count - at - 1));
		t->group_count--;
	} else if (t->group_count >= CONFIG_COUNTER_GROUPS) {
		rc = KIOSK_ERANGE;
	} else {
		snprintf(t->groups[t->group_count++], sizeof t->groups[0], "%s", group);
	}
	if (rc == KIOSK_OK)
		rc = save_counters(e, cs, cfg->counters_count);
	free(cs);
	if (rc == KIOSK_OK)
		log_info("counter %d %s group %s from the menu", id, at >= 0 ? "no longer serves" : "serves",
			 group);
	return rc;
}

/* The settings the menu steps, with their bounds and step. */
static const struct {
	const char *key;
	int min, max, step;
	size_t off;
} STEPS[] = {
	{"queue.regular_per_priority", 0, 10, 1, offsetof(config_t, queue_regular_per_priority)},
	{"queue.absent_window", 0, 20, 1, offsetof(config_t, queue_absent_window)},
	{"voice.volume", 0, 200, 10, offsetof(config_t, voice_volume)},
	{"voice.repeat", 0, 5, 1, offsetof(config_t, voice_repeat)},
	{"voice.rate", 80, 300, 10, offsetof(config_t, voice_rate)},
};

int menu_q_step(const menu_env_t *e, const char *key, int dir)
{
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(STEPS); i++) {
		if (strcmp(STEPS[i].key, key) != 0)
			continue;
		int now = *(const int *)((const char *)e->cfg + STEPS[i].off);
		int v = now + (dir > 0 ? STEPS[i].step : -STEPS[i].step);
		/* a value set in site.json off the step comes back onto it */
		if (dir > 0 && v > STEPS[i].max)
			v = STEPS[i].max;
		if (dir < 0 && v < STEPS[i].min)
			v = STEPS[i].min;
		if (v == now)
			return KIOSK_ERANGE;
		char json[16], path[1200], err[512] = "";
		snprintf(json, sizeof json, "%d", v);
		config_local_path(e->data_dir, path, sizeof path);
		int rc = config_set_local(path, key, json, err, sizeof err);
		if (rc != KIOSK_OK) {
			log_warn("%s not saved: %s", key, err);
			return rc;
		}
		log_info("%s set to %d from the menu", key, v);
		return KIOSK_OK;
	}
	return KIOSK_EINVAL;
}
