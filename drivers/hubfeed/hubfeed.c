/* hubfeed.c - the feed's ops dispatch and the reconnection backoff. */
#include "drivers/hubfeed/hubfeed_priv.h"

#include <stdlib.h>

#include "core/kiosk.h"

int hubfeed_open(const hubfeed_ops_t *ops, const char *arg, hubfeed_t **out)
{
	*out = NULL;
	hubfeed_t *f = calloc(1, sizeof *f);
	if (!f)
		return KIOSK_ENOMEM;
	f->ops = ops;
	int rc = ops->open(f, arg);
	if (rc != KIOSK_OK) {
		free(f);
		return rc;
	}
	*out = f;
	return KIOSK_OK;
}

int hubfeed_fd(const hubfeed_t *f)
{
	return f ? f->ops->fd(f) : -1;
}

int hubfeed_take(hubfeed_t *f, hubfeed_status_t *st, char **json)
{
	*json = NULL;
	return f->ops->take(f, st, json);
}

void hubfeed_close(hubfeed_t *f)
{
	if (!f)
		return;
	f->ops->close(f);
	free(f);
}

int hubfeed_backoff_ms(int attempt)
{
	if (attempt < 0)
		attempt = 0;
	if (attempt > 4)
		return 10000;
	int ms = 1000 << attempt;
	return ms > 10000 ? 10000 : ms;
}
