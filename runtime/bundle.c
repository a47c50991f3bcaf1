/* Finding a bundle; see bundle.h. */
#include "bundle.h"
#include "error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The store root, the same rule pieces-build follows (bundle-spec/store.md). */
static int
store_root(char *out, size_t size)
{
  const char *env = getenv("PIECES_STORE");
  if (env && *env)
    return snprintf(out, size, "%s", env) < (int)size ? 0 : -1;
  if (geteuid() == 0)
    return snprintf(out, size, "/var/lib/pieces/bundles") < (int)size ? 0 : -1;
  const char *data = getenv("XDG_DATA_HOME");
  if (data && *data)
    return snprintf(out, size, "%s/pieces/bundles", data) < (int)size ? 0 : -1;
  const char *home = getenv("HOME");
  if (home == NULL)
    return -1;
  return snprintf(out, size, "%s/.local/share/pieces/bundles", home) < (int)size ? 0 : -1;
}

static int
is_directory(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
bundle_resolve(const char *arg, char *out, size_t size)
{
  char candidate[PATH_MAX];
  const char *path = arg;
  if (strchr(arg, '/') == NULL && !is_directory(arg)) {
    char root[PATH_MAX];
    if (store_root(root, sizeof root) < 0 ||
        snprintf(candidate, sizeof candidate, "%s/%s", root, arg) >= (int)sizeof candidate)
      return fail("bundle '%s': no such directory, and no store to look it up in", arg);
    if (!is_directory(candidate))
      return fail("bundle '%s': no such directory here, nor in the store '%s'", arg, root);
    path = candidate;
  }
  char resolved[PATH_MAX];
  if (realpath(path, resolved) == NULL)
    return fail_errno("bundle '%s'", path);
  if (!is_directory(resolved))
    return fail("bundle '%s' is not a directory", path);
  if (snprintf(out, size, "%s", resolved) >= (int)size)
    return fail("bundle '%s': path too long", path);
  return 0;
}
