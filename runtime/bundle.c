/* Finding a bundle; see bundle.h. */
#include "bundle.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The store root, by the rules of bundle-spec/store.md, which pieces-build follows. */
static int
store_root(char *out, size_t size)
{
  const char *env = getenv("PIECES_STORE");
  const char *data = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  int n;
  if (env && *env)
    n = snprintf(out, size, "%s", env);
  else if (geteuid() == 0)
    n = snprintf(out, size, "/var/lib/pieces");
  else if (data && data[0] == '/')
    n = snprintf(out, size, "%s/pieces", data);
  else if (home && *home)
    n = snprintf(out, size, "%s/.local/share/pieces", home);
  else
    return -1;
  return n > 0 && (size_t)n < size ? 0 : -1;
}

/* A bundle name as pieces-build makes them: [A-Za-z0-9][A-Za-z0-9._-]{0,127}. */
static bool
is_bundle_name(const char *name)
{
  size_t len = strlen(name);
  if (len == 0 || len > 128 || !isalnum((unsigned char)name[0]))
    return false;
  for (size_t i = 1; i < len; i++)
    if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
      return false;
  return true;
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
    if (!is_bundle_name(arg))
      return fail("bundle '%s': no such directory, and not a valid bundle name", arg);
    if (store_root(root, sizeof root) < 0 ||
        snprintf(candidate, sizeof candidate, "%s/bundles/%s", root, arg) >=
            (int)sizeof candidate)
      return fail("bundle '%s': no such directory, and no store to look it up in", arg);
    if (!is_directory(candidate))
      return fail("bundle '%s': no such directory here, nor in the store '%s/bundles'", arg,
                  root);
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
