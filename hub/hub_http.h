/* hub_http.h - the hub's HTTP server (libmicrohttpd): one daemon per
 * configured listen address and no other, a thread per connection, bodies
 * capped at HUB_BODY_MAX, security headers on every answer, the event
 * stream (Server-Sent Events) of snapshots, and the watcher thread that
 * looks for queue changes every 250 ms and wakes the streams. */
#ifndef HUB_HTTP_H
#define HUB_HTTP_H

#include <stddef.h>

#include "hub/hub_api.h"

#define HUB_LISTEN_MAX 8
#define HUB_WATCH_MS 250
#define HUB_KEEPALIVE_MS 15000

typedef struct hub_http hub_http_t;

/* Start serving api on each "ADDR:PORT" of listen ("127.0.0.1:8080",
 * "[::1]:8080"; numeric addresses only). Any address that cannot be bound
 * fails the start (KIOSK_EINVAL for a malformed one, KIOSK_EIO otherwise)
 * with err saying which. api is borrowed. */
int hub_http_start(hub_api_t *api, const char *const *listen, int n, hub_http_t **out, char *err,
		   size_t errlen);
/* Stop: streams end, connections close, threads are joined. */
void hub_http_stop(hub_http_t *h);

#endif
