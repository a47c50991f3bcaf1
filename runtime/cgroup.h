/* Control groups: find the hierarchies this host has (v1, hybrid or pure v2), make a
 * cgroup for the container in each, apply its device rules and remove it afterwards.
 */
#ifndef PIECES_CGROUP_H
#define PIECES_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "config.h"
#include <jansson.h>

#define CGROUP_MAX_HIERARCHIES 16

struct cgroup_hierarchy {
  char mountpoint[256];  /* where the host mounts it, e.g. /sys/fs/cgroup/memory */
  char controllers[128]; /* "memory", "name=systemd", "" for cgroup2 */
  bool v2;
  char path[1024]; /* a process's cgroup in it, e.g. "/" or "/user.slice/x" */
};

struct cgroup_layout {
  struct cgroup_hierarchy hierarchies[CGROUP_MAX_HIERARCHIES];
  size_t count;
};

/* The hierarchies mounted on this host, with PID's cgroup in each ("self" for us). */
int cgroup_read_layout(const char *pid, struct cgroup_layout *layout);

/* The container's cgroups: one directory per hierarchy. */
struct cgroup {
  struct cgroup_layout layout; /* path of each entry is the container's cgroup */
  bool created[CGROUP_MAX_HIERARCHIES];
};

/* Make the container's cgroup (spec->cgroups_path, or "pieces-ID" below the runtime's
   own cgroup), move PID into it and apply the device rules. */
int cgroup_create(const struct spec *spec, const char *id, pid_t pid, struct cgroup *cg);
/* Remove what cgroup_create made; the processes in it must be gone. */
void cgroup_destroy(struct cgroup *cg);

#endif

/* The directories of a container's cgroups, as kept in its state.json. */
json_t *cgroup_directories(const struct cgroup *cg);

/* Send SIG to every process in the cgroups DIRS (a JSON array of directories). */
int cgroup_signal_all(json_t *dirs, int sig);
/* Freeze or thaw: the v1 freezer if there is one, else cgroup v2's cgroup.freeze. */
int cgroup_freeze(json_t *dirs, bool freeze);
/* Remove the cgroups DIRS; the processes in them must be gone. */
void cgroup_remove_directories(json_t *dirs);
/* Apply linux.resources RESOURCES (all but devices) to the cgroups DIRS: memory
   (limit, swap, reservation, swappiness, disableOOMKiller), pids (limit), cpu (shares,
   quota, period, cpus, mems).  Anything else is refused, never ignored. */
int cgroup_apply_resources(json_t *dirs, json_t *resources);

/* The host pids in the container's cgroup, as a JSON array. */
json_t *cgroup_pids(json_t *dirs);
