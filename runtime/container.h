/* The runtime's side of starting a container: clone the init into its namespaces,
 * place it in its cgroups and id maps, and tell it when to go on.
 */
#ifndef PIECES_CONTAINER_H
#define PIECES_CONTAINER_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup.h"
#include "config.h"

/* How the init waits and sets up, from the command line of create and run. */
struct container_options {
  int exec_fifo;      /* O_PATH fd of ROOT/ID/exec.fifo (create), -1 (foreground run) */
  int no_pivot;       /* --no-pivot: MS_MOVE and chroot instead of pivot_root */
  int no_new_keyring; /* --no-new-keyring: keep the caller's session keyring */
  int preserve_fds;   /* --preserve-fds N: fds 3..3+N-1 pass to the process */
};

struct container {
  const char *id;
  struct spec *spec;
  struct container_options options;
  pid_t pid;          /* the init, in the caller's pid namespace */
  int pidfd;          /* pins the init: signals never reach a recycled pid */
  int sync_fd;        /* our end of the sync socket */
  int terminal;       /* pty master when process.terminal, else -1 */
  int failure_status; /* after a failed create: how to exit (126, 127 or 1) */
  struct cgroup cgroup;
};

/* Clone the init and let it set up everything up to the user's program; returns when
   it waits for container_start().  OLD_MASK is the signal mask the user's program gets.
   On failure nothing is left: the init is killed and reaped, cgroups are removed. */
int container_create(struct container *c, const sigset_t *old_mask);

/* Let the init exec the user's program.  Returns -1 with the init's error recorded
   (and *exit_code set) if the exec failed. */
int container_start(struct container *c, int *exit_code);

/* Kill and reap the init if it is still there, and remove the cgroups. */
void container_destroy(struct container *c);

/* In a new container process: close every fd of the runtime but stdio, the caller's
   PRESERVE_FDS and the N fds in KEEP (sorted in place; -1 entries are ignored), so
   that nothing of ours (the state lock, the bundle, the log file) reaches the
   container. */
void container_close_runtime_fds(int preserve_fds, int *keep, size_t n);

/* Forget the init without touching it (after `create`, it belongs to our caller's
   subreaper): close our fds only. */
void container_release(struct container *c);

/* The spec's state JSON of C with STATUS ("creating", "created", ...), malloc'ed. */
char *container_state_json(const struct container *c, const char *status);

#endif
