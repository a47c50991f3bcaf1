/* RUN: a command executed inside the image being built, by an OCI runtime, through a
 * temporary bundle.
 *
 * The bundle is the build's own temporary directory: its rootfs/ is the image as far as
 * the build has got, and a config.json is written next to it for the step (the final
 * configuration's shape, with the step's arguments, environment, working directory and
 * user, the host's network and its /etc/resolv.conf).  That config.json is removed when
 * the step ends, whatever happens; the bundle's real one is written at the very end.
 */
#ifndef PIECES_BUILD_RUN_STEP_H
#define PIECES_BUILD_RUN_STEP_H

#include "image_user.h"
#include "oci_config.h"
#include "piecefile.h"
#include "runtime.h"

struct run_context {
  const struct runtime *runtime;
  const char *bundle_path; /* the temporary bundle, as the runtime will open it */
  int bundlefd;
  int rootfd;
  /* The final configuration's hostname, labels and annotations; the rest comes from
   * the step. */
  const struct oci_config_input *template;
};

/* On failure *exit_status is what pieces-build should exit with: the step's own status
 * when the command failed. */
int run_step(const struct run_context *ctx, const struct piecefile_step *step,
             const struct image_user *user, int *exit_status);

#endif
