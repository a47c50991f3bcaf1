/* The download progress bar: bytes, percentage when the size is known, and rate.
 * Drawn on stderr only when stderr is a terminal and -q was not given; in logs and
 * pipes it would be noise. */
#ifndef PIECES_BUILD_PROGRESS_H
#define PIECES_BUILD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress;

/* Returns NULL (no bar, not an error) when the bar is not wanted. */
struct progress *progress_new(const char *label);
/* total is 0 when unknown.  Cheap to call often: it redraws at most 10 times a second. */
void progress_update(struct progress *progress, uint64_t done, uint64_t total);
/* Erase the bar and free it; NULL is fine. */
void progress_free(struct progress *progress);

#endif
