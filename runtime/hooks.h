/* OCI hooks: programs run at the points the runtime-spec names, with the container's
 * state as JSON on stdin.
 */
#ifndef PIECES_HOOKS_H
#define PIECES_HOOKS_H

#include "config.h"

/* Run the hooks of LIST in order; NAME ("createRuntime", ...) is for messages.  A hook
   that fails (non-zero exit, signal, time-out) stops the list: -1 with the error
   recorded.  A hook that does not read its stdin is fine. */
int hooks_run(const struct hook_list *list, const char *name, const char *state_json);

/* The same for poststart and poststop, whose failures the spec makes warnings. */
void hooks_run_warn(const struct hook_list *list, const char *name, const char *state_json);

#endif
