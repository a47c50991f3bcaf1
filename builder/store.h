/* Where bundles live and how a build becomes one, atomically (bundle-spec/store.md).
 *
 * A build fills a temporary directory, ".NAME.tmp-XXXXXX" (mode 0700) beside the
 * destination, and publishes it with one rename: a bundle is complete or absent, never
 * half there.  An existing bundle is swapped out with RENAME_EXCHANGE and then
 * removed, so it stays in place until the new one is.  Every temporary directory is
 * locked (flock) by the process using it; one that nobody holds was left by a build
 * that was killed, and `pieces-build prune` removes it.
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

/* STORE/bundles, opened for reading, and its path; *fd is -1 when it does not exist
 * yet (nothing was ever built there). */
int store_open_bundles(int *fd, char **path);
/* ".NAME.tmp-XXXXXX": a build's temporary directory, or what is left of one. */
bool store_is_temporary_name(const char *name);
/* Rename the bundle name in dirfd to a new temporary name (*hidden), so that it is gone
 * at once for readers of the store, and open and lock it (*fd) for removal. */
int store_hide(int dirfd, const char *name, char **hidden, int *fd);

#endif
