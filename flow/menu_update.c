/* menu_update.c - the technician menu's use of the A/B updater library
 * (update/update.h): scan the stick, install with progress, slot
 * states, roll back. When this build has no updater library (the branch is
 * not merged yet) every call says so with KIOSK_ENOENT; nothing is faked. */
#include "flow/menu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/log.h"

#if defined(__has_include)
#if __has_include("update/update.h")
#include "update/update.h"
#define MENU_HAVE_UPDATER 1
#endif
#endif

#ifdef MENU_HAVE_UPDATER

bool menu_upd_available(void) { return true; }

static int open_upd(const menu_env_t *e, bool keys, update_t **u, char *err, size_t errlen)
{
	if (!e->update_root || !e->update_root[0]) {
		return kiosk_err(err, errlen, KIOSK_ENOENT, "no update root configured (KIOSK_ROOT)");
	}
	return update_open(e->update_root, keys ? e->update_keys : NULL,
			   keys ? e->compatible_file : NULL, u, err, errlen);
}

int menu_upd_scan(const menu_env_t *e, menu_cand_t *out, int max, int *n, char *err,
		  size_t errlen)
{
	*n = 0;
	if (e->stick_service)
		return menu_svc_scan(e, out, max, n, err, errlen);
	update_t *u = NULL;
	int rc = open_upd(e, true, &u, err, errlen);
	if (rc != KIOSK_OK)
		return rc;
	update_candidate_t *c = NULL;
	size_t nc = 0;
	rc = update_stick_scan(u, e->stick_dir ? e->stick_dir : "", &c, &nc, err, errlen);
	for (size_t i = 0; rc == KIOSK_OK && i < nc && *n < max; i++) {
		menu_cand_t *o = &out[(*n)++];
		memset(o, 0, sizeof *o);
		snprintf(o->name, sizeof o->name, "%s", c[i].name);
		if (c[i].verified) {
			snprintf(o->type, sizeof o->type, "%s", bundle_type_name(c[i].h.type));
			snprintf(o->version, sizeof o->version, "%s", c[i].h.version_str);
		}
		o->candidate = c[i].candidate;
		o->newer = c[i].newer;
		o->unsafe = c[i].unsafe;
		snprintf(o->reason, sizeof o->reason, "%s", c[i].reason);
	}
	free(c);
	update_close(u);
	return rc;
}

typedef struct {
	menu_progress_fn fn;
	void *user;
} prog_t;

static void on_progress(void *user, int percent, uint64_t bytes, uint64_t total, const char *phase)
{
	(void)bytes;
	(void)total;
	prog_t *p = user;
	if (p->fn)
		p->fn(p->user, percent, phase);
}

int menu_upd_install(const menu_env_t *e, bool reinstall, menu_progress_fn fn, void *user,
		     char *msg, size_t msglen, char *err, size_t errlen)
{
	msg[0] = '\0';
	if (e->stick_service)
		return menu_svc_install(e, reinstall, fn, user, msg, msglen, err, errlen);
	update_t *u = NULL;
	int rc = open_upd(e, true, &u, err, errlen);
	if (rc != KIOSK_OK)
		return rc;
	prog_t p = {fn, user};
	update_set_progress(u, on_progress, &p);
	update_install_opts_t o = {.flags = reinstall ? UPDATE_F_REINSTALL : 0, .want_type = -1};
	rc = update_install_stick(u, e->stick_dir ? e->stick_dir : "", &o, msg, msglen, err, errlen);
	update_close(u);
	return rc;
}

int menu_upd_status(const menu_env_t *e, menu_slot_t *out, int max, int *n, int *tries_left,
		    char *last_failure, size_t lflen, char *err, size_t errlen)
{
	*n = 0;
	*tries_left = 0;
	last_failure[0] = '\0';
	update_t *u = NULL;
	int rc = open_upd(e, false, &u, err, errlen);
	if (rc != KIOSK_OK)
		return rc;
	update_status_t st;
	rc = update_status(u, &st, err, errlen);
	update_close(u);
	if (rc != KIOSK_OK)
		return rc;
	for (int t = 0; t < 2; t++) {
		const update_pair_status_t *p = &st.pair[t];
		if (t == 0)
			*tries_left = (int)p->st.tries_left;
		if (p->st.last_failure[0] && !last_failure[0])
			snprintf(last_failure, lflen, "%s", p->st.last_failure);
		for (int s = 0; s < 2 && *n < max; s++) {
			menu_slot_t *o = &out[(*n)++];
			snprintf(o->type, sizeof o->type, "%s", bundle_type_name((bundle_type_t)t));
			o->slot = (char)('a' + s);
			o->current = p->current == s;
			snprintf(o->version, sizeof o->version, "%s", p->st.slot[s].version);
			snprintf(o->state, sizeof o->state, "%s",
				 update_slot_state_name(p->st.slot[s].state));
		}
	}
	return KIOSK_OK;
}

int menu_upd_rollback(const menu_env_t *e, char *err, size_t errlen)
{
	/* On the board the records are root's: the health service validates
	 * and carries out the rollback (docs/updates.md, section 2). */
	const char *svc = getenv("KIOSK_HEALTH_SERVICE");
	if (svc && svc[0] && e->update_root && e->update_root[0]) {
		int rc = update_request_rollback(svc, e->update_root, BUNDLE_TYPE_APP, err, errlen);
		if (rc == KIOSK_OK)
			log_info("app rolled back from the technician menu");
		return rc;
	}
	update_t *u = NULL;
	int rc = open_upd(e, false, &u, err, errlen);
	if (rc != KIOSK_OK)
		return rc;
	rc = update_rollback(u, BUNDLE_TYPE_APP, "rolled back from the technician menu", err, errlen);
	update_close(u);
	if (rc == KIOSK_OK)
		log_info("app rolled back from the technician menu");
	return rc;
}

#else /* no updater library in this build */

bool menu_upd_available(void) { return false; }

static int missing(char *err, size_t errlen)
{
	return kiosk_err(err, errlen, KIOSK_ENOENT, "this build has no updater library");
}

int menu_upd_scan(const menu_env_t *e, menu_cand_t *out, int max, int *n, char *err,
		  size_t errlen)
{
	(void)e, (void)out, (void)max;
	*n = 0;
	return missing(err, errlen);
}

int menu_upd_install(const menu_env_t *e, bool reinstall, menu_progress_fn fn, void *user,
		     char *msg, size_t msglen, char *err, size_t errlen)
{
	(void)e, (void)reinstall, (void)fn, (void)user;
	if (msglen)
		msg[0] = '\0';
	return missing(err, errlen);
}

int menu_upd_status(const menu_env_t *e, menu_slot_t *out, int max, int *n, int *tries_left,
		    char *last_failure, size_t lflen, char *err, size_t errlen)
{
	(void)e, (void)out, (void)max;
	*n = 0;
	*tries_left = 0;
	if (lflen)
		last_failure[0] = '\0';
	return missing(err, errlen);
}

int menu_upd_rollback(const menu_env_t *e, char *err, size_t errlen)
{
	(void)e;
	return missing(err, errlen);
}

#endif
