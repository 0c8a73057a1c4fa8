/* agent.h - the fleet agent: publishes the outbox (domain/outbox.h) to the
 * province's MQTT broker from its own thread, so the kiosk's loop never
 * waits on the network. MQTT 5 (for the reason codes of its PUBACK; the
 * rest is 3.1.1) over TLS with the kiosk's client certificate (plain TCP only when fleet.tls is false, for tests); a
 * retained last will kiosk/<id>/status = offline, online on each connect;
 * every message QoS 1, oldest first, deleted from the outbox on its PUBACK
 * (kept when the PUBACK says refused: the reason is logged);
 * after a lost connection everything not acknowledged is sent again (the
 * receiver de-duplicates on (kiosk, seq)); reconnects with exponential
 * backoff. With a push folder it also fetches the data bundles the province
 * pushes (fleet/fetch.h), a few chunks at a time, into push_dir/ready for
 * the caller to verify. Topics and payloads: docs/fleet.md. */
#ifndef FLEET_AGENT_H
#define FLEET_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "domain/config.h"

typedef struct {
	char host[128];
	int port;
	char id[64];
	char ca[128], cert[128], key[128];
	bool tls;
	int keepalive_s;            /* 0 = 30 */
	int backoff_min_ms;         /* 0 = 1000 */
	int backoff_max_ms;         /* 0 = 60000 */
	int window;                 /* messages in flight; 0 = 20 */
	int connect_timeout_ms;     /* CONNACK awaited this long; 0 = 10000 */
	/* Data bundles pushed to the fleet (fleet/fetch.h): fetched into
	 * push_dir from fleet/push/all and fleet/push/<group>; "" = not taken. */
	char push_dir[256];
	char group[64];
} fleet_conf_t;

typedef struct {
	bool connected;             /* CONNACK accepted, not lost since */
	int64_t connects;           /* accepted connections */
	int64_t failures;           /* refused or failed attempts, lost links */
	int64_t published;          /* outbox messages handed to the broker (with resends) */
	int64_t acked;              /* PUBACKs that deleted an outbox message */
	int64_t chunks;             /* chunks of pushed bundles stored */
	int64_t bundles;            /* pushed bundles fetched whole (in push_dir/ready) */
	char last_error[200];       /* "" when none */
} fleet_stats_t;

typedef struct fleet_agent fleet_agent_t;

/* The agent's settings from the configuration. KIOSK_ENOENT when the agent
 * is off (fleet.broker or fleet.id ""); KIOSK_EINVAL with words in err when
 * TLS is on and a certificate, key or CA path is missing. */
int fleet_conf_from_config(const config_t *cfg, fleet_conf_t *out, char *err, size_t errlen);

/* Start the agent's thread on the outbox file at outbox_path (the thread
 * opens its own connection to it). clock is borrowed (monotonic time for
 * the backoff). */
int fleet_agent_start(const fleet_conf_t *conf, const char *outbox_path, const kclock_t *clock,
		      fleet_agent_t **out, char *err, size_t errlen);

/* A copy of the agent's counters (thread-safe). */
void fleet_agent_stats(fleet_agent_t *a, fleet_stats_t *out);

/* Stop: publish status offline when connected, disconnect, join the
 * thread and free a. Messages not acknowledged stay in the outbox. */
void fleet_agent_stop(fleet_agent_t *a);

#endif
