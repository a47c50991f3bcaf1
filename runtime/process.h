/* The last steps before the user's program: working directory, rlimits, user and
 * groups, capabilities, no_new_privs, fds, and the execve itself.
 */
#ifndef PIECES_PROCESS_H
#define PIECES_PROCESS_H

#include "init.h"

/* Apply process.* and exec process.args.  Returns only on failure, with the error
   recorded and *exit_code set (126: cannot execute, 127: not found, 1: setup). */
/* Find process.args[0] in the container's PATH before the container is reported as
   created; sets ctx->exec_path.  127 and an error if it is nowhere. */
int process_find_executable(struct init_context *ctx, int *exit_code);

int process_exec(struct init_context *ctx, int *exit_code);

#endif
