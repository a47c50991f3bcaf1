/* `state`: the container's state as the runtime-spec defines it, in JSON. */
#include "cleanup.h"
#include "commands.h"
#include "lifecycle.h"
#include "options.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] = "usage: pieces-run state ID\n\n"
                            "Print the state of a container as JSON.\n";

int
cmd_state(const struct global_options *g, int argc, char **argv)
{
  const struct command_line cl = {"state", usage, NULL, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, positional[0], false, &rootfd);
  struct container_state st;
  if (statefd < 0 || state_read(statefd, &st) < 0)
    return command_failed();
  json_t *doc = state_to_json(&st, state_status(statefd, &st));
  json_object_set_new(doc, "created", json_string(st.created));
  char *text = json_dumps(doc, JSON_INDENT(2));
  if (text)
    printf("%s\n", text);
  free(text);
  json_decref(doc);
  state_free(&st);
  return 0;
}
