/* SOURCE_DATE_EPOCH (reproducible-builds.org): when it is set, the build's own time is
 * that number of seconds since 1970, and no file of the root filesystem is newer than
 * it.  Files that COPY writes and RUN creates would otherwise carry the time of the
 * build, and two builds of the same inputs would differ. */
#ifndef PIECES_BUILD_SOURCE_DATE_H
#define PIECES_BUILD_SOURCE_DATE_H

#include <stdbool.h>
#include <time.h>

struct source_date {
  bool set;    /* SOURCE_DATE_EPOCH was given */
  time_t time; /* it, or the time of the build */
};

/* A malformed value is an error that names the variable. */
int source_date_from_env(struct source_date *date);
/* An mtime after the epoch becomes the epoch (nanoseconds 0); others stay. */
struct timespec source_date_clamp(const struct source_date *date, struct timespec mtime);
/* Clamp the access and modification times of everything under rootfd, the top
 * included; symlinks are changed themselves, never followed. */
int source_date_clamp_tree(int rootfd, const struct source_date *date);

#endif
