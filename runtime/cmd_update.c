/* `update --resources FILE|- ID`: change the limits of a running container, with the
 * same code that applies them at create (cgroup_resources.c).
 */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "cgroup.h"
#include "options.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pieces-run update --resources FILE ID\n\n"
    "Change the resource limits of a container; FILE (or - for stdin) holds\n"
    "linux.resources as JSON: memory (limit, swap), pids (limit), cpu (shares,\n"
    "quota, period).\n\n"
    "  -r, --resources FILE   the new limits\n";

int
cmd_update(const struct global_options *g, int argc, char **argv)
{
  const char *file = NULL;
  const struct option_def options[] = {OPTION_VALUE("resources", 'r', &file), OPTION_END};
  const struct command_line cl = {"update", usage, options, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (file == NULL) {
    fail("update: --resources FILE is required (runc's single-limit flags are not supported)");
    return command_failed();
  }
  json_error_t error;
  json_t *resources =
      strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &error) : json_load_file(file, 0, &error);
  if (resources == NULL || !json_is_object(resources)) {
    fail("update: --resources '%s':%d: %s", file, error.line,
         resources ? "must be a JSON object" : error.text);
    json_decref(resources);
    return command_failed();
  }
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, positional[0], true, &rootfd);
  struct container_state st;
  if (statefd < 0 || state_read(statefd, &st) < 0) {
    json_decref(resources);
    return command_failed();
  }
  if (state_status(statefd, &st) == STATUS_STOPPED)
    r = fail("container not running");
  else
    r = cgroup_apply_resources(st.cgroups, resources);
  state_free(&st);
  json_decref(resources);
  return r < 0 ? command_failed() : 0;
}
