/* The runtime's side of starting a container: clone the init into its namespaces,
 * place it in its cgroups and id maps, and tell it when to go on.
 */
#ifndef PIECES_CONTAINER_H
#define PIECES_CONTAINER_H

#include <signal.h>
#include <sys/types.h>
#include "cgroup.h"
#include "config.h"

struct container {
  const char *id;
  struct spec *spec;
  pid_t pid;    /* the init, in the caller's pid namespace */
  int pidfd;    /* pins the init: signals never reach a recycled pid */
  int sync_fd;  /* our end of the sync socket */
  int terminal; /* pty master when process.terminal, else -1 */
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

#endif
