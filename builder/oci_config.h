/* config.json for a built bundle: an OCI runtime-spec 1.0.2 configuration shaped like
 * `runc spec` gives (same mounts, masked and read-only paths), with podman's default
 * capabilities, no terminal, and the Piecefile's CMD.  Keys are written in a fixed
 * order, so the same inputs always give the same bytes. */
#ifndef PIECES_BUILD_OCI_CONFIG_H
#define PIECES_BUILD_OCI_CONFIG_H

struct oci_config_input {
  const char *name;       /* the bundle name; the hostname is its first 63 bytes */
  char *const *args;      /* process.args, NULL-terminated */
  const char *source_url; /* annotation org.opencontainers.image.source */
  const char *sha256;     /* annotation org.pieces.rootfs.sha256: the download's digest */
};

/* Write config.json into the bundle directory bundlefd (via a temporary file and a
 * rename, so it is never seen half written). */
int oci_config_write(int bundlefd, const struct oci_config_input *input);

#endif
