/* pieces-build rm NAME...: remove bundles from the store.  Each disappears at once (it
 * is renamed to a temporary name first) and is then removed; a container still running
 * from it keeps the files it has open. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "log.h"
#include "remove_tree.h"
#include "store.h"

static int
remove_bundle(int storefd, const char *store, const char *name)
{
  _cleanup_free_ char *hidden = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (store_check_name(name) < 0)
    return -1;
  if (storefd < 0 || fstatat(storefd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (storefd < 0 || errno == ENOENT)
      return fail("no bundle '%s' in the store '%s' (see pieces-build list)", name, store);
    return fail_errno("stat '%s/%s'", store, name);
  }
  if (!S_ISDIR(st.st_mode))
    return fail("'%s/%s' is not a bundle directory; not removed", store, name);
  if (store_hide(storefd, name, &hidden, &fd) < 0)
    return fail_context("remove '%s/%s'", store, name);
  if (remove_tree_at(storefd, hidden) < 0)
    return fail_context("remove '%s/%s' (now '%s'; pieces-build prune removes what is left)",
                        store, name, hidden);
  return 0;
}

int
cmd_rm(int argc, char **argv)
{
  _cleanup_close_ int storefd = -1;
  _cleanup_free_ char *store = NULL;
  bool failed = false;

  if (argc < 2 || argv[1][0] == '-') {
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
      usage(stdout);
      return 0;
    }
    log_error("rm: give the names of the bundles to remove (see pieces-build list)");
    return 2;
  }
  if (store_open_bundles(&storefd, &store) < 0) {
    log_error("rm: %s", error_message());
    return 1;
  }
  /* Like rm(1): every name is tried, and the status says whether all went. */
  for (int i = 1; i < argc; i++) {
    if (remove_bundle(storefd, store, argv[i]) < 0) {
      log_error("rm: %s", error_message());
      failed = true;
      continue;
    }
    printf("%s\n", argv[i]);
  }
  if (fflush(stdout) != 0)
    failed = true;
  return failed ? 1 : 0;
}
