/* fetch.h - a data bundle pushed over the fleet, fetched in chunks and
 * resumably into a folder of the kiosk's data (docs/fleet.md, "Data
 * bundles pushed to the fleet").
 *
 * The province publishes, retained, a manifest on fleet/push/<group>
 * (fetch_manifest_parse) and the bundle's bytes as chunks on
 * fleet/bundle/<sha256>/<index>. A fetch_t keeps one download:
 *   DIR/fetch.state     the manifest being fetched (key=value, renamed into place)
 *   DIR/<sha>.part      the bundle's bytes so far, each chunk at its offset
 *   DIR/<sha>.have      one byte per chunk, set once the chunk is on the storage
 *   DIR/done            the bundles finished (one sha a line, the last 32)
 *   DIR/ready/<sha>.kiosk  a finished bundle whose bytes hash to the manifest's
 *                       sha256, for the caller to verify like a stick's and
 *                       hand over (then remove), and ready/<sha>.version
 *                       (the manifest's version, for words about a bundle
 *                       whose own header is not valid).
 * A chunk is marked only after its bytes are synced, so a power cut or a
 * restart fetches again only what is not marked. The manifest is a hint: the
 * bundle's own signature is what counts, checked by the caller.
 *
 * Functions return KIOSK_OK or a negative KIOSK_E* with words in err. One
 * thread at a time (the agent's). */
#ifndef FLEET_FETCH_H
#define FLEET_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FETCH_CHUNK_MIN 1024u
#define FETCH_CHUNK_MAX (256u << 10)        /* bytes in one MQTT message */
#define FETCH_SIZE_MAX (256ull << 20)       /* a data bundle */

typedef struct {
	char sha[65];       /* SHA-256 of the whole .kiosk file, lowercase hex */
	uint64_t size;      /* its bytes */
	uint32_t chunk;     /* bytes per chunk (the last may be shorter) */
	char version[33];   /* what the province says it is (the header decides) */
} fetch_manifest_t;

typedef struct fetch fetch_t;

/* The manifest's JSON: {"v":1,"bundle":sha,"size":N,"chunk":C,"version":V}.
 * KIOSK_ENOENT for an empty payload (the province withdrew the push). */
int fetch_manifest_parse(const char *json, size_t len, fetch_manifest_t *m, char *err, size_t errlen);

/* Opens (making it, 0700) the folder dir and takes up a download left there. */
int fetch_open(const char *dir, fetch_t **out, char *err, size_t errlen);
void fetch_close(fetch_t *f);

/* Start fetching m, or go on with it. Returns 1 when it is the download in
 * progress (or just started), 0 when that bundle was finished before
 * (nothing to do), KIOSK_ENOSPC when the folder's storage cannot hold it,
 * another error otherwise. A new manifest drops the old download. */
int fetch_begin(fetch_t *f, const fetch_manifest_t *m, char *err, size_t errlen);

/* The download in progress (NULL when none). */
const fetch_manifest_t *fetch_current(const fetch_t *f);
uint32_t fetch_chunks(const fetch_t *f);   /* chunks of the download */
uint32_t fetch_missing_count(const fetch_t *f);

/* Up to max chunk indexes still missing, lowest first; returns how many. */
int fetch_missing(const fetch_t *f, uint32_t *idx, int max);

/* Store chunk i of the download sha. Returns 0 stored (more to come), 1 when
 * it was the last one and the whole file hashed to the manifest (the file is
 * now ready/<sha>.kiosk, path in ready, and the sha is remembered as done),
 * KIOSK_EINVAL for a chunk of another download, a bad index or a bad size
 * (ignored), KIOSK_ECORRUPT when the whole file did not match (every chunk
 * is fetched again), KIOSK_ENOSPC / KIOSK_EIO for the storage. */
int fetch_chunk(fetch_t *f, const char *sha, uint32_t i, const void *data, size_t len, char *ready,
		size_t readycap, char *err, size_t errlen);

#endif
