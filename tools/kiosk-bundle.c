/* kiosk-bundle.c - make signing keys, create, verify and inspect signed
 * update bundles (.kiosk).
 *
 *   kiosk-bundle keygen --private K --public P
 *   kiosk-bundle create --key K --payload DIR --type app|data --version X.Y.Z
 *                       --compatible C [--epoch E] [--chunk-size N] --out F.kiosk
 *   kiosk-bundle verify --public P [--compatible C] [--type app|data] F.kiosk
 *   kiosk-bundle info [--public P] F.kiosk
 *
 * Exit status: 0 ok, 1 rejected (one-line reason on stderr), 2 usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kiosk.h"
#include "update/bundle.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: kiosk-bundle keygen --private K --public P\n"
		"       kiosk-bundle create --key K --payload DIR --type app|data --version X.Y.Z\n"
		"                           --compatible C [--epoch E] [--chunk-size N] --out F.kiosk\n"
		"       kiosk-bundle verify --public P [--compatible C] [--type app|data] F.kiosk\n"
		"       kiosk-bundle info [--public P] F.kiosk\n");
	return 2;
}

static int exit_for(int rc)
{
	return rc == KIOSK_EIO || rc == KIOSK_ENOMEM ? 2 : 1;
}

/* --public may name a key file or a folder of *.pub files. */
static int load_keys(const char *p, bundle_pubkey_t keys[2], size_t *n, char *err, size_t el)
{
	struct stat st;
	*n = 0;
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
		int rc = bundle_pubkeys_load_dir(p, keys, n, err, el);
		if (rc == KIOSK_OK && *n == 0) {
			snprintf(err, el, "no *.pub key in %s", p);
			return KIOSK_EIO;
		}
		return rc;
	}
	int rc = bundle_pubkey_load(p, &keys[0], err, el);
	if (rc == KIOSK_OK)
		*n = 1;
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	const char *priv = NULL, *pub = NULL, *payload = NULL, *type = NULL, *version = NULL;
	const char *compat = NULL, *out = NULL, *file = NULL;
	unsigned long epoch = 0, chunk = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-' || a[1] != '-') {
			if (file)
				return usage();
			file = a;
			continue;
		}
		if (!v)
			return usage();
		i++;
		char *end;
		if (!strcmp(a, "--private") || !strcmp(a, "--key"))
			priv = v;
		else if (!strcmp(a, "--public"))
			pub = v;
		else if (!strcmp(a, "--payload"))
			payload = v;
		else if (!strcmp(a, "--type"))
			type = v;
		else if (!strcmp(a, "--version"))
			version = v;
		else if (!strcmp(a, "--compatible"))
			compat = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--epoch")) {
			uint64_t e;
			if (bundle_parse_u64(v, strlen(v), UINT32_MAX, &e))
				return usage();
			epoch = (unsigned long)e;
		} else if (!strcmp(a, "--chunk-size")) {
			chunk = strtoul(v, &end, 10);
			if (*end || !*v)
				return usage();
		} else
			return usage();
	}
	char err[BUNDLE_ERR_LEN] = "";
	int rc;

	if (!strcmp(cmd, "keygen")) {
		if (!priv || !pub || file)
			return usage();
		rc = bundle_keygen(priv, pub, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-bundle: %s\n", err);
			return rc == KIOSK_EPERM ? 1 : 2;
		}
		return 0;
	}
	if (!strcmp(cmd, "create")) {
		bundle_create_opts_t o = {0};
		if (!priv || !payload || !type || !version || !compat || !out || file)
			return usage();
		if (bundle_type_parse(type, &o.type))
			return usage();
		o.key_path = priv;
		o.payload_dir = payload;
		o.version = version;
		o.compatible = compat;
		o.epoch = (uint32_t)epoch;
		o.chunk_size = (uint32_t)chunk;
		o.out_path = out;
		rc = bundle_create(&o, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-bundle: %s\n", err);
			return exit_for(rc);
		}
		return 0;
	}
	if (strcmp(cmd, "verify") && strcmp(cmd, "info"))
		return usage();
	int verify = !strcmp(cmd, "verify");
	if (!file || (verify && !pub) || payload || version || out || priv)
		return usage();
	bundle_type_t want_type = BUNDLE_TYPE_APP;
	if (type && (!verify || bundle_type_parse(type, &want_type)))
		return usage();
	bundle_pubkey_t keys[2];
	size_t nkeys = 0;
	if (pub) {
		rc = load_keys(pub, keys, &nkeys, err, sizeof err);
		if (rc) {
			fprintf(stderr, "kiosk-bundle: %s\n", err);
			return 2;
		}
	}
	bundle_t *b;
	rc = bundle_open(file, keys, nkeys, &b, err, sizeof err);
	if (rc) {
		fprintf(stderr, "kiosk-bundle: %s\n", err);
		return exit_for(rc);
	}
	const bundle_header_t *h = bundle_header(b);
	if (verify) {
		int res = 0;
		if (compat && strcmp(compat, h->compatible)) {
			fprintf(stderr, "kiosk-bundle: wrong compatible: bundle is for '%s', expected '%s'\n",
				h->compatible, compat);
			res = 1;
		} else if (type && want_type != h->type) {
			fprintf(stderr, "kiosk-bundle: wrong type: bundle is '%s', expected '%s'\n",
				bundle_type_name(h->type), bundle_type_name(want_type));
			res = 1;
		} else {
			bundle_tree_t *t = NULL;
			rc = bundle_tree_new(h->payload_size, NULL, NULL, &t);
			if (rc == KIOSK_OK)
				bundle_tree_trust_content(t);
			if (rc == KIOSK_OK)
				rc = bundle_stream(b, bundle_tree_chunk_cb, t, NULL, NULL, err, sizeof err);
			if (rc == KIOSK_OK)
				rc = bundle_tree_finish(t, err, sizeof err);
			bundle_tree_free(t);
			if (rc) {
				fprintf(stderr, "kiosk-bundle: %s\n", err);
				res = exit_for(rc);
			}
		}
		if (res == 0)
			printf("OK %s %s %s\n", bundle_type_name(h->type), h->version_str, h->compatible);
		bundle_close(b);
		return res;
	}
	char hex[65];
	printf("signature=%s\n", bundle_verified(b) ? "ok" : "UNVERIFIED");
	printf("payload=not checked (use verify)\n");
	printf("type=%s\n", bundle_type_name(h->type));
	printf("version=%s\n", h->version_str);
	printf("compatible=%s\n", h->compatible);
	printf("security_epoch=%u\n", h->security_epoch);
	printf("payload_size=%llu\n", (unsigned long long)h->payload_size);
	printf("chunk_size=%u\n", h->chunk_size);
	printf("chunk_count=%llu\n", (unsigned long long)h->chunk_count);
	bundle_hex(h->key_id, 8, hex);
	printf("key_id=%s\n", hex);
	bundle_hex(h->payload_sha256, 32, hex);
	printf("payload_sha256=%s\n", hex);
	bundle_hex(h->chunk_table_sha256, 32, hex);
	printf("chunk_table_sha256=%s\n", hex);
	printf("payload_offset=%llu\n", (unsigned long long)bundle_payload_offset(b));
	bundle_close(b);
	return 0;
}
