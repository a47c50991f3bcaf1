/* `delete [--force] ID`: remove a stopped container, or kill and remove any. */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "options.h"

#include <errno.h>

static const char usage[] = "usage: pieces-run delete [--force] ID\n\n"
                            "Remove a stopped container: its cgroups and its state.\n\n"
                            "  -f, --force   kill it first if it is still running\n";

int
cmd_delete(const struct global_options *g, int argc, char **argv)
{
  int force = 0;
  const struct option_def options[] = {OPTION_FLAG("force", 'f', &force), OPTION_END};
  const struct command_line cl = {"delete", usage, options, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  _cleanup_close_ int rootfd = state_open_root(g->root, false);
  if (rootfd < 0 && error_errno() == ENOENT)
    r = fail_as(ENOENT, "container '%s' does not exist", positional[0]);
  else
    r = rootfd < 0 ? -1 : lifecycle_delete(rootfd, positional[0], force);
  /* Engines delete --force containers that are already gone, and expect success. */
  if (r < 0 && force && error_errno() == ENOENT)
    return 0;
  return r < 0 ? command_failed() : 0;
}
