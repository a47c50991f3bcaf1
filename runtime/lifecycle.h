/* The steps of a container's life that several commands share: create (create, run),
 * start (start, run -d), delete (delete, the end of run).
 */
#ifndef PIECES_LIFECYCLE_H
#define PIECES_LIFECYCLE_H

#include <stdbool.h>
#include "commands.h"
#include "container.h"
#include "state.h"

struct create_request {
  const char *id;
  const char *bundle; /* as given on the command line */
  const char *pid_file;
  const char *console_socket;
  bool foreground; /* run: the runtime stays and starts the init itself */
  struct container_options options;
};

/* Make the container up to the point where it waits for start: its state directory
   (kept locked in *STATEFD), state.json, the --pid-file, the terminal sent to the
   --console-socket.  On failure nothing is left. */
int lifecycle_create(const struct global_options *g, const struct create_request *req,
                     const sigset_t *old_mask, struct container *c, int *rootfd, int *statefd);

/* Open the state of container ID under --root, locked; a missing root or container
   gives "container 'ID' does not exist" (errno ENOENT).  *ROOTFD gets the root. */
int lifecycle_open(const struct global_options *g, const char *id, bool exclusive, int *rootfd);

/* `start`: release a created container (its state locked in STATEFD) and run the
   poststart hooks. */
int lifecycle_start(int statefd, const struct container_state *st);

/* `delete`: remove a stopped container, or with FORCE any container, killing it. */
int lifecycle_delete(int rootfd, const char *id, bool force);

/* --pid-file: write PID to FILE atomically. */
int lifecycle_write_pid_file(const char *file, pid_t pid);
/* --console-socket: send the pty MASTER to the unix socket at PATH (SCM_RIGHTS). */
int lifecycle_send_console(const char *path, int master);

/* Run the hooks named NAME ("poststart", "poststop") kept in the state, as warnings. */
void lifecycle_run_saved_hooks(const struct container_state *st, const char *name,
                               const char *status);

#endif
