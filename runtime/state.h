/* The state of containers between commands, under --root (default /run/pieces):
 *
 *   ROOT/ID/state.json   what `state` prints, plus what later commands need
 *   ROOT/ID/exec.fifo    exists from `create` until `start`; the init waits on it
 *
 * state.json is replaced atomically (write, fsync, rename).  Every command that reads
 * or changes a container holds flock() on ROOT/ID: exclusive to change it, shared to
 * read it, so commands on the same container never see each other half done.
 */
#ifndef PIECES_STATE_H
#define PIECES_STATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum container_status {
  STATUS_CREATING,
  STATUS_CREATED,
  STATUS_RUNNING,
  STATUS_PAUSED,
  STATUS_STOPPED
};

struct container_state {
  char id[256];
  pid_t pid;
  unsigned long long start_time; /* of pid, from /proc/PID/stat: guards against reuse */
  char bundle[PATH_MAX];
  char created[40];    /* RFC 3339, UTC */
  json_t *annotations; /* owned; may be NULL */
  json_t *cgroups;     /* owned array of the container's cgroup directories */
  json_t *hooks;       /* owned copy of config.json's hooks (poststop runs at delete) */
};

/* A container id as runc accepts them: letters, digits, '_', '+', '-', '.', not
   starting with '.'. */
int state_check_id(const char *id);

/* Open (and make) the state root; returns a directory fd. */
int state_open_root(const char *root, bool create);

/* Make ROOT/ID for a new container and lock it exclusively; fails if it exists. */
int state_create(int rootfd, const char *id);
/* Open ROOT/ID and lock it (exclusive or shared).  A missing one fails with
   "container 'ID' does not exist" and errno ENOENT. */
int state_open(int rootfd, const char *id, bool exclusive);

int state_write(int dirfd, const struct container_state *st);
int state_read(int dirfd, struct container_state *st);
void state_free(struct container_state *st);

/* Remove ROOT/ID and everything in it. */
int state_remove(int rootfd, const char *id);

/* The status, from the process (pid and start time), the fifo and the freezer. */
enum container_status state_status(int dirfd, const struct container_state *st);
const char *state_status_name(enum container_status status);

/* Is PID the process with START_TIME, and not a zombie? */
bool state_process_alive(pid_t pid, unsigned long long start_time);
/* Start time of PID (field 22 of /proc/PID/stat), or 0 if it is gone. */
unsigned long long state_process_start_time(pid_t pid);

/* The spec's state document: ociVersion, id, status, pid, bundle, annotations. */
json_t *state_to_json(const struct container_state *st, enum container_status status);

#endif
