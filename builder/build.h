/* One build, from Piecefile to published bundle; or, with --check, the Piecefile only. */
#ifndef PIECES_BUILD_BUILD_H
#define PIECES_BUILD_BUILD_H

#include "kvlist.h"

struct build_options {
  const char *directory;           /* holds the Piecefile; COPY copies from it */
  const char *output;              /* -o: the bundle path, or NULL for the store */
  const char *name;                /* -t: the bundle name, or NULL to derive it from the URL */
  const struct kvlist *build_args; /* --build-arg NAME=VALUE */
  const char *runtime;             /* --runtime, or NULL for pieces-run */
};

/* On success *bundle is the published bundle's path (malloc'ed).  On failure
 * *exit_status is the status to exit with: 1, or a failed RUN's own status. */
int build_run(const struct build_options *options, char **bundle, int *exit_status);
/* Read and check the Piecefile and the COPY sources; no network, nothing written. */
int build_check(const struct build_options *options);

#endif
