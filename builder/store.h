/* Where bundles live and how a build becomes one, atomically (bundle-spec/store.md).
 *
 * A build fills a temporary directory, ".NAME.tmp-XXXXXX" (mode 0700) beside the
 * destination, and publishes it with one rename: a bundle is complete or absent, never
 * half there.  An existing bundle is swapped out with RENAME_EXCHANGE and then
 * removed, so it stays in place until the new one is.
 */
#ifndef PIECES_BUILD_STORE_H
#define PIECES_BUILD_STORE_H

#include <stdbool.h>

/* A bundle name: [A-Za-z0-9][A-Za-z0-9._-]{0,127}. */
#define STORE_NAME_MAX 128

struct store_build {
  int parentfd;    /* the directory that holds (or will hold) the bundle */
  char *shown;     /* the destination as given, for messages */
  char *parent;    /* the path of parentfd, for messages */
  char *leaf;      /* the bundle's name in parentfd */
  char *temporary; /* the temporary directory's name in parentfd */
  int fd;          /* the temporary directory */
};

int store_check_name(const char *name);
/* The store's top directory: $PIECES_STORE; else /var/lib/pieces for root; else
 * $XDG_DATA_HOME/pieces, or ~/.local/share/pieces. */
int store_root(char **root);
/* ROOT/bundles/NAME; ROOT/bundles is created (mode 0700) when missing. */
int store_bundle_path(const char *name, char **path);

/* Check that destination may be written (absent, an empty directory or a bundle) and
 * create the temporary directory beside it.  Writes nothing else. */
int store_begin(const char *destination, struct store_build *build);
/* Make the temporary directory the bundle at destination. */
int store_publish(struct store_build *build);
/* Remove the temporary directory (after a failure); problems become warnings. */
void store_abort(struct store_build *build);
void store_build_release(struct store_build *build);

#endif
