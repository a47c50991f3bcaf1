/* Numeric settings taken from the environment (limits and time-outs), so that tests
 * and unusual sites can change them without a rebuild. */
#ifndef PIECES_BUILD_ENV_H
#define PIECES_BUILD_ENV_H

#include <stdint.h>

/* Read NAME as a whole number >= 1 into *value, or use fallback when NAME is unset or
 * empty.  A malformed value is an error that names the variable. */
int env_positive_number(const char *name, uint64_t fallback, uint64_t *value);

#endif
