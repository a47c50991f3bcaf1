/* The container's first process, from clone() to execve().  Everything here runs in
 * the new namespaces, before the user's program, with the rootfs still untrusted.
 */
#ifndef PIECES_INIT_H
#define PIECES_INIT_H

#include <stdbool.h>
#include <signal.h>
#include "cgroup.h"
#include "config.h"
#include "container.h"

struct init_context {
  struct container *container; /* the runtime's view, copied into our memory by clone */
  struct spec *spec;
  struct container_options options;
  char *state_json;      /* the state, for the createContainer and startContainer hooks */
  int sync_fd;           /* socket to the runtime parent, see sync.h */
  sigset_t old_mask;     /* the signal mask to restore before exec */
  int rootfd;            /* O_PATH fd of the rootfs, a bind mount of spec->root_path */
  int procfd;            /* the container's own fresh procfs mount, -1 if none */
  int devfd;             /* the container's /dev directory */
  bool dev_is_tmpfs;     /* /dev is a tmpfs from the config's mounts, not the image's */
  int host_devnull;      /* a detached bind of the host's /dev/null, taken before pivot */
  bool devnull_attached; /* host_devnull was used for a mask and is attached now */
  int host_procfd;       /* the host's /proc, taken before pivot to reopen the exec fifo */
  struct cgroup_layout *cgroups; /* the init's cgroups on the host, for "cgroup" mounts */
  char *exec_path;               /* process.args[0] found in the container's PATH at create */
};

/* Run in the cloned child; never returns. */
__attribute__((noreturn)) void init_main(struct init_context *ctx);

#endif
