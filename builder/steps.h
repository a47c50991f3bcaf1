/* The steps of a Piecefile that act on the root filesystem, in order: WORKDIR makes its
 * directory, COPY copies, RUN runs.  Each failure names the step's Piecefile line. */
#ifndef PIECES_BUILD_STEPS_H
#define PIECES_BUILD_STEPS_H

#include "copy.h"
#include "piecefile.h"
#include "run_step.h"

struct steps_context {
  const char *piecefile_path; /* for messages: "./Piecefile" */
  const struct piecefile *pf;
  struct copy_context copy;
  struct run_context run;
};

/* Check what can be checked before the download: COPY sources. */
int steps_check(const struct steps_context *ctx);
/* On failure *exit_status is what pieces-build should exit with. */
int steps_execute(const struct steps_context *ctx, int *exit_status);

/* Resolve a USER (or --chown) in the image for the instruction on line; a failure
 * names the USER, and its line when that is another. */
int steps_resolve_user(const struct steps_context *ctx, const struct piecefile_user *user,
                       enum image_user_use use, unsigned line, struct image_user *resolved);

#endif
