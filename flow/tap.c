/* tap.c - matching a tap against a row of a tap table (tap.h). */
#include "flow/tap.h"

#include <string.h>

bool tap_match(const char *pattern, const char *target, const char **arg)
{
	size_t n = strlen(pattern);
	if (n && pattern[n - 1] == '*') {
		if (strncmp(pattern, target, n - 1) != 0)
			return false;
		*arg = target + n - 1;
		return true;
	}
	if (strcmp(pattern, target) != 0)
		return false;
	*arg = target;
	return true;
}

bool tap_allowed(tap_who_t who, staff_role_t role)
{
	return who != TAP_TECH || role == STAFF_TECH;
}
