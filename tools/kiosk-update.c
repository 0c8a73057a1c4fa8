/* kiosk-update.c - command-line front end of the A/B updater.
 *
 *   kiosk-update --root DIR [--keys DIR] [--compatible-file F] [--progress FILE]
 *       install [--reinstall] [--type app|data] [--tries N] (F.kiosk | --stick DIR)
 *     | scan --stick DIR | status | mark-good | rollback [--type app|data]
 *     | serve-request [--req DIR] [--ans DIR]
 *   [--service DIR] with mark-good / rollback: ask the root health service
 *   (DIR/req, DIR/ans) instead of changing the records (the kiosk user).
 *   serve-request (root, kiosk-health.service): answers one health request
 *   (default folders /run/kiosk/req and /run/kiosk/ans); 0 answered (done
 *   or refused, refusals on stderr), 2 I/O.
 *
 * install and scan need --keys (one or two *.pub files) and --compatible-file.
 * Exit status: 0 done, 1 refused (one-line reason on stderr), 2 usage or I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "update/update.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: kiosk-update --root DIR [--keys DIR] [--compatible-file F] [--progress FILE]\n"
		"                    [--progress-lines]\n"
		"         install [--reinstall] [--type app|data] [--tries N] (F.kiosk | --stick DIR)\n"
		"       | scan --stick DIR | status | mark-good | rollback [--type app|data]\n"
		"       | serve-request [--req DIR] [--ans DIR]   ([--service DIR]: ask root)\n");
	return 2;
}

static int exit_for(int rc)
{
	return rc == KIOSK_EIO || rc == KIOSK_ENOMEM ? 2 : 1;
}

/* Progress for the unprivileged kiosk UI: key=value lines written to a
 * fresh temp file (mkstemp: O_EXCL, never a name the kiosk user could have
 * planted in the shared run folder) and renamed over FILE, so readers never
 * see half a file. */
static void write_status(const char *path, const char *text)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return;
	/* rename() replaces a link or file at FILE, never follows it; a
	 * folder planted there makes it fail (no write into it). */
	size_t n = strlen(text);
	int ok = fchmod(fd, 0644) == 0 && write(fd, text, n) == (ssize_t)n;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

static void progress_file(void *user, int pct, uint64_t bytes, uint64_t total, const char *phase)
{
	char buf[256];
	snprintf(buf, sizeof buf, "phase=%s\npercent=%d\nbytes=%llu\ntotal=%llu\n", phase, pct,
		 (unsigned long long)bytes, (unsigned long long)total);
	write_status(user, buf);
}

/* --progress-lines: "PROGRESS <percent> <phase>" on standard output at each
 * new percent, for logs and the test bench (it pulls a stick at 30 %). */
static void progress_lines(void *user, int pct, uint64_t bytes, uint64_t total, const char *phase)
{
	int *last = user;
	(void)bytes;
	(void)total;
	if (pct == *last)
		return;
	*last = pct;
	printf("PROGRESS %d %s\n", pct, phase ? phase : "");
	fflush(stdout);
}

/* Both: the status file and the lines. */
typedef struct {
	const char *file;
	int last;
} progress_both_t;

static void progress_both(void *user, int pct, uint64_t bytes, uint64_t total, const char *phase)
{
	progress_both_t *b = user;
	progress_file((void *)b->file, pct, bytes, total, phase);
	progress_lines(&b->last, pct, bytes, total, phase);
}

static void progress_final(const char *path, const char *result, const char *text)
{
	if (!path)
		return;
	char buf[1200];
	snprintf(buf, sizeof buf, "phase=%s\npercent=%d\nresult=%s\nmessage=%s\n",
		 strcmp(result, "ok") ? "failed" : "done", strcmp(result, "ok") ? 0 : 100, result, text);
	write_status(path, buf);
}

static void print_pair(const char *prefix, const update_pair_status_t *p)
{
	printf("%scurrent=%s\n", prefix, p->current < 0 ? "none" : p->current ? "b" : "a");
	for (int s = 0; s < 2; s++) {
		printf("%sslot_%c=%s\n", prefix, 'a' + s, update_slot_state_name(p->st.slot[s].state));
		printf("%sslot_%c_version=%s\n", prefix, 'a' + s, p->st.slot[s].version);
	}
	printf("%stries_left=%u\n", prefix, p->st.tries_left);
	printf("%sfloor_version=%s\n", prefix, p->st.floor_version);
	printf("%sfloor_epoch=%u\n", prefix, p->st.floor_epoch);
	printf("%slast_failure=%s\n", prefix, p->st.last_failure);
	printf("%sstate=%s\n", prefix, p->state_ok ? "ok" : "corrupt");
}

int main(int argc, char **argv)
{
	const char *root = NULL, *keys = NULL, *compat = NULL, *progress = NULL, *stick = NULL;
	const char *cmd = NULL, *file = NULL, *service = NULL;
	const char *req = "/run/kiosk/req", *ans = "/run/kiosk/ans";
	int lines = 0;
	update_install_opts_t o = {0, -1, 0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--reinstall")) {
			o.flags |= UPDATE_F_REINSTALL;
			continue;
		}
		if (!strcmp(a, "--progress-lines")) {
			lines = 1;
			continue;
		}
		if (a[0] != '-' || a[1] != '-') {
			if (!cmd)
				cmd = a;
			else if (!file)
				file = a;
			else
				return usage();
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--root"))
			root = v;
		else if (!strcmp(a, "--keys"))
			keys = v;
		else if (!strcmp(a, "--compatible-file"))
			compat = v;
		else if (!strcmp(a, "--progress"))
			progress = v;
		else if (!strcmp(a, "--service"))
			service = v;
		else if (!strcmp(a, "--req"))
			req = v;
		else if (!strcmp(a, "--ans"))
			ans = v;

		else if (!strcmp(a, "--stick"))
			stick = v;
		else if (!strcmp(a, "--type")) {
			bundle_type_t t;
			if (bundle_type_parse(v, &t))
				return usage();
			o.want_type = (int)t;
		} else if (!strcmp(a, "--tries")) {
			uint64_t n;
			if (bundle_parse_u64(v, strlen(v), 100, &n) || n == 0)
				return usage();
			o.tries = (uint32_t)n;
		} else
			return usage();
	}
	if (!root || !cmd)
		return usage();
	int is_install = !strcmp(cmd, "install"), is_scan = !strcmp(cmd, "scan");
	if (is_install && !!file == !!stick)
		return usage();
	if (is_scan && (!stick || file))
		return usage();
	if (!is_install && !is_scan && (file || stick))
		return usage();
	if ((is_install || is_scan) && !keys) {
		fprintf(stderr, "kiosk-update: no --keys folder: refusing to install\n");
		return 1;
	}
	if ((is_install || is_scan) && !compat) {
		fprintf(stderr, "kiosk-update: no --compatible-file: refusing to install\n");
		return 1;
	}
	char err[BUNDLE_ERR_LEN] = "", msg[1024] = "";
	if (service && (!strcmp(cmd, "mark-good") || !strcmp(cmd, "rollback"))) {
		int rc = !strcmp(cmd, "mark-good")
				 ? update_request_mark_good(service, root, err, sizeof err)
				 : update_request_rollback(service, root,
							   o.want_type < 0 ? BUNDLE_TYPE_APP
									   : (bundle_type_t)o.want_type,
							   err, sizeof err);
		if (rc)
			fprintf(stderr, "kiosk-update: %s\n", err);
		return rc ? exit_for(rc) : 0;
	}
	update_t *u;
	/* Keys and compatible matter to install and scan only: status,
	 * mark-good and rollback work even with a broken key folder. */
	int needs = is_install || is_scan;
	int rc = update_open(root, needs ? keys : NULL, needs ? compat : NULL, &u, err, sizeof err);
	if (rc) {
		fprintf(stderr, "kiosk-update: %s\n", err);
		return exit_for(rc);
	}
	int res = 0;
	if (is_install) {
		static progress_both_t both;
		both.file = progress;
		both.last = -1;
		if (progress && lines)
			update_set_progress(u, progress_both, &both);
		else if (progress)
			update_set_progress(u, progress_file, (void *)progress);
		else if (lines)
			update_set_progress(u, progress_lines, &both.last);
		if (file)
			rc = update_install_file(u, file, &o, msg, sizeof msg, err, sizeof err);
		else
			rc = update_install_stick(u, stick, &o, msg, sizeof msg, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-update: %s\n", err);
			progress_final(progress, "failed", err);
			res = exit_for(rc);
		} else {
			printf("%s\n", msg);
			progress_final(progress, "ok", msg);
		}
	} else if (is_scan) {
		update_candidate_t *c;
		size_t n;
		rc = update_stick_scan(u, stick, &c, &n, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-update: %s\n", err);
			res = exit_for(rc);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%s verified=%d candidate=%d newer=%d type=%s version=%s%s reason=%s\n",
				       c[i].name, c[i].verified, c[i].candidate, c[i].newer,
				       c[i].verified ? bundle_type_name(c[i].h.type) : "",
				       c[i].verified ? c[i].h.version_str : "",
				       c[i].unsafe ? " unsafe=1" : "", c[i].reason);
			free(c);
		}
	} else if (!strcmp(cmd, "status")) {
		update_status_t s;
		rc = update_status(u, &s, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-update: %s\n", err);
			res = exit_for(rc);
		} else {
			print_pair("", &s.pair[BUNDLE_TYPE_APP]);
			print_pair("data_", &s.pair[BUNDLE_TYPE_DATA]);
		}
	} else if (!strcmp(cmd, "mark-good")) {
		rc = update_mark_good(u, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-update: %s\n", err);
			res = exit_for(rc);
		}
	} else if (!strcmp(cmd, "serve-request")) {
		rc = update_serve_request(u, req, ans, msg, sizeof msg, err, sizeof err);
		if (rc == KIOSK_OK)
			printf("health request: %s\n", msg);
		else if (rc == KIOSK_ENOENT)
			fprintf(stderr, "kiosk-update: %s\n", err);
		else
			fprintf(stderr, "kiosk-update: refused health request: %s\n", err);
		res = rc == KIOSK_EIO || rc == KIOSK_ENOMEM ? 2 : 0;
	} else if (!strcmp(cmd, "rollback")) {
		rc = update_rollback(u, o.want_type < 0 ? BUNDLE_TYPE_APP : (bundle_type_t)o.want_type,
				     NULL, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-update: %s\n", err);
			res = exit_for(rc);
		}
	} else {
		res = usage();
	}
	update_close(u);
	return res;
}
