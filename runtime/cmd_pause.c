/* `pause` and `resume`: freeze and thaw every process of a container. */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "options.h"

#include <stdbool.h>
#include <string.h>

static const char pause_usage[] = "usage: pieces-run pause ID\n\n"
                                  "Freeze every process of a running container.\n";
static const char resume_usage[] = "usage: pieces-run resume ID\n\n"
                                   "Thaw a paused container.\n";

static int
freeze_command(const struct global_options *g, int argc, char **argv, bool freeze)
{
  const struct command_line cl = {
      freeze ? "pause" : "resume", freeze ? pause_usage : resume_usage, NULL, 1, 1, -1};
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
  enum container_status status = state_status(statefd, &st);
  if (status == STATUS_STOPPED)
    r = fail("container not running");
  else if (freeze && status != STATUS_RUNNING)
    r = fail("cannot pause container '%s': it is %s", st.id, state_status_name(status));
  else if (!freeze && status != STATUS_PAUSED)
    r = fail("cannot resume container '%s': it is not paused", st.id);
  else
    r = cgroup_freeze(st.cgroups, freeze);
  state_free(&st);
  return r < 0 ? command_failed() : 0;
}

int
cmd_pause(const struct global_options *g, int argc, char **argv)
{
  return freeze_command(g, argc, argv, true);
}

int
cmd_resume(const struct global_options *g, int argc, char **argv)
{
  return freeze_command(g, argc, argv, false);
}
