/* hubfeed_priv.h - the feed struct shared by the hubfeed implementations. */
#ifndef HUBFEED_PRIV_H
#define HUBFEED_PRIV_H

#include "drivers/hubfeed/hubfeed.h"

struct hubfeed {
	const hubfeed_ops_t *ops;
	void *impl;
};

#endif
