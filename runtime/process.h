/* The last steps before the user's program: working directory, rlimits, user and
 * groups, capabilities, no_new_privs, fds, and the execve itself.
 */
#ifndef PIECES_PROCESS_H
#define PIECES_PROCESS_H

#include "init.h"

/* Apply process.* and exec process.args.  Returns only on failure, with the error
   recorded and *exit_code set (126: cannot execute, 127: not found, 1: setup). */
int process_exec(struct init_context *ctx, int *exit_code);

#endif
