/* process.terminal: a pty made inside the container's own devpts, its slave the
 * process's stdio and /dev/console, its master handed to the runtime.
 */
#ifndef PIECES_TERMINAL_H
#define PIECES_TERMINAL_H

#include "init.h"

/* In the init, after pivot_root: make the pty, bind /dev/console to it fd to fd
   (CVE-2025-52565) if CONSOLE (not for exec), make it the controlling terminal and stdio, and
   send the master over the sync socket. */
int terminal_set_up(struct init_context *ctx, bool console);

/* In the runtime: copy the window size of FROM (a terminal) to the pty MASTER. */
void terminal_copy_size(int from, int master);

/* Put our stdin into raw mode if it is a terminal; terminal_restore undoes it. */
void terminal_make_raw(void);
void terminal_restore(void);

#endif
