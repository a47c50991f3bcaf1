/* Where a bundle is: a directory path, or a name in pieces-build's store
 * (bundle-spec/store.md).
 */
#ifndef PIECES_BUNDLE_H
#define PIECES_BUNDLE_H

#include <stddef.h>

/* Resolve ARG to an absolute bundle directory in OUT. */
int bundle_resolve(const char *arg, char *out, size_t size);

#endif
