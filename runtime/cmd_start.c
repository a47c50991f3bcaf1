/* `start`: let a created container run its user process. */
#include "cleanup.h"
#include "commands.h"
#include "lifecycle.h"
#include "options.h"

static const char usage[] = "usage: pieces-run start ID\n\n"
                            "Start the user process of a created container.\n";

int
cmd_start(const struct global_options *g, int argc, char **argv)
{
  const struct command_line cl = {"start", usage, NULL, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, positional[0], true, &rootfd);
  struct container_state st;
  if (statefd < 0 || state_read(statefd, &st) < 0)
    return command_failed();
  r = lifecycle_start(statefd, &st);
  state_free(&st);
  return r < 0 ? command_failed() : 0;
}
