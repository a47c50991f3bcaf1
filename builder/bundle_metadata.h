/* pieces-build.json: what `pieces-build list` shows about a bundle and config.json
 * does not say (bundle-spec/store.md).  Runtimes ignore it, like any other file in a
 * bundle that is not config.json or the root filesystem. */
#ifndef PIECES_BUILD_BUNDLE_METADATA_H
#define PIECES_BUILD_BUNDLE_METADATA_H

#include <time.h>

#define BUNDLE_METADATA_FILE "pieces-build.json"

struct bundle_metadata {
  char *created; /* RFC 3339, UTC: "2024-05-01T12:00:00Z" */
  char *source;  /* the FROM_URL, without a password */
  char *digest;  /* "sha256:HEX" of the download */
};

int bundle_metadata_write(int bundlefd, time_t created, const char *source, const char *sha256);
/* Fields the bundle does not record (or a bundle without the file) are NULL; only a file
 * that cannot be read is an error. */
int bundle_metadata_read(int bundlefd, struct bundle_metadata *metadata);
void bundle_metadata_release(struct bundle_metadata *metadata);

#endif
