/* config.json for a built bundle: an OCI runtime-spec 1.0.2 configuration shaped like
 * `runc spec` gives (same mounts, masked and read-only paths), with podman's default
 * capabilities, no terminal, and what the Piecefile says.  Keys are written in a fixed
 * order, so the same inputs always give the same bytes.
 *
 * The same writer makes the temporary config.json of each RUN step, which differs in
 * two ways only: no network namespace (a RUN uses the host's network, as in docker
 * build), and the host's /etc/resolv.conf bind-mounted read-only over the image's. */
#ifndef PIECES_BUILD_OCI_CONFIG_H
#define PIECES_BUILD_OCI_CONFIG_H

#include <stdbool.h>

#include "image_user.h"
#include "kvlist.h"

struct oci_config_input {
  const char *hostname;          /* HOSTNAME, or the bundle name; cut to 63 bytes */
  char *const *args;             /* process.args, NULL-terminated */
  char *const *env;              /* process.env, NULL-terminated */
  const char *cwd;               /* process.cwd */
  const struct image_user *user; /* process.user */
  const struct kvlist *labels;   /* more annotations, after pieces-build's own; or NULL */
  const char *source_url;        /* annotation org.opencontainers.image.source */
  const char *sha256;            /* annotation org.pieces.rootfs.sha256 */
  bool for_run;                  /* a RUN step's configuration */
  bool resolv_conf;              /* for_run: bind-mount the host's /etc/resolv.conf */
};

/* Write config.json into the bundle directory bundlefd (via a temporary file and a
 * rename, so it is never seen half written). */
int oci_config_write(int bundlefd, const struct oci_config_input *input);

#endif
