/* Container state on disk; see state.h. */
#include "state.h"
#include "cleanup.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OCI_VERSION "1.0.2"

int
state_check_id(const char *id)
{
  size_t len = strlen(id);
  if (len == 0 || len > 255)
    return fail("container ID '%s': must be 1 to 255 characters", id);
  if (id[0] == '.')
    return fail("container ID '%s': must not start with '.'", id);
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)id[i]) && !strchr("_+-.", id[i]))
      return fail("container ID '%s': only letters, digits, '_', '+', '-' and '.' are allowed",
                  id);
  return 0;
}

/* mkdir -p for the state root; it is ours alone, 0700. */
static int
make_root(const char *root)
{
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s", root) >= (int)sizeof path)
    return fail("--root '%s': too long", root);
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
      return fail_errno("create state directory '%s'", path);
    *p = saved;
    if (saved == '\0')
      return 0;
  }
}

int
state_open_root(const char *root, bool create)
{
  if (create && make_root(root) < 0)
    return -1;
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return fail_as(ENOENT, "state directory '%s' does not exist", root);
  if (fd < 0)
    return fail_errno("open state directory '%s'", root);
  return fd;
}

static int
lock_directory(int fd, bool exclusive, const char *id)
{
  while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return fail_errno("lock the state of container '%s'", id);
  return 0;
}

int
state_create(int rootfd, const char *id)
{
  if (state_check_id(id) < 0)
    return -1;
  if (mkdirat(rootfd, id, 0700) < 0) {
    if (errno == EEXIST)
      return fail_as(EEXIST, "container '%s' already exists", id);
    return fail_errno("create the state of container '%s'", id);
  }
  _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || lock_directory(fd, true, id) < 0)
    return fd < 0 ? fail_errno("open the state of container '%s'", id) : -1;
  return steal_fd(&fd);
}

int
state_open(int rootfd, const char *id, bool exclusive)
{
  if (state_check_id(id) < 0)
    return -1;
  _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return fail_as(ENOENT, "container '%s' does not exist", id);
  if (fd < 0)
    return fail_errno("open the state of container '%s'", id);
  if (lock_directory(fd, exclusive, id) < 0)
    return -1;
  /* Deleted while we waited for the lock: it is gone. */
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_nlink == 0)
    return fail_as(ENOENT, "container '%s' does not exist", id);
  return steal_fd(&fd);
}

static json_t *
to_json(const struct container_state *st)
{
  json_t *doc =
      json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "ociVersion", OCI_VERSION, "id", st->id,
                "pid", (json_int_t)st->pid, "pidStartTime", (json_int_t)st->start_time,
                "bundle", st->bundle, "created", st->created);
  if (doc == NULL)
    return NULL;
  if (st->annotations)
    json_object_set(doc, "annotations", st->annotations);
  if (st->cgroups)
    json_object_set(doc, "cgroups", st->cgroups);
  if (st->hooks)
    json_object_set(doc, "hooks", st->hooks);
  return doc;
}

int
state_write(int dirfd, const struct container_state *st)
{
  json_t *doc = to_json(st);
  if (doc == NULL)
    return fail("make state.json of '%s'", st->id);
  char *text = json_dumps(doc, JSON_COMPACT);
  json_decref(doc);
  if (text == NULL)
    return fail("make state.json of '%s'", st->id);
  _cleanup_close_ int fd = openat(dirfd, "state.json.tmp",
                                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  size_t len = strlen(text);
  bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
  free(text);
  if (!ok || renameat(dirfd, "state.json.tmp", dirfd, "state.json") < 0)
    return fail_errno("write state.json of '%s'", st->id);
  return 0;
}

static void
copy_string(json_t *doc, const char *key, char *out, size_t size)
{
  const char *value = json_string_value(json_object_get(doc, key));
  snprintf(out, size, "%s", value ? value : "");
}

int
state_read(int dirfd, struct container_state *st)
{
  memset(st, 0, sizeof *st);
  _cleanup_close_ int fd = openat(dirfd, "state.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return fail_as(ENOENT, "the container is still being created");
  if (fd < 0)
    return fail_errno("open state.json");
  json_error_t error;
  json_t *doc = json_loadfd(fd, 0, &error);
  if (doc == NULL)
    return fail("state.json:%d: %s", error.line, error.text);
  copy_string(doc, "id", st->id, sizeof st->id);
  copy_string(doc, "bundle", st->bundle, sizeof st->bundle);
  copy_string(doc, "created", st->created, sizeof st->created);
  st->pid = (pid_t)json_integer_value(json_object_get(doc, "pid"));
  st->start_time = (unsigned long long)json_integer_value(json_object_get(doc, "pidStartTime"));
  st->annotations = json_incref(json_object_get(doc, "annotations"));
  st->cgroups = json_incref(json_object_get(doc, "cgroups"));
  st->hooks = json_incref(json_object_get(doc, "hooks"));
  json_decref(doc);
  return 0;
}

void
state_free(struct container_state *st)
{
  json_decref(st->annotations);
  json_decref(st->cgroups);
  json_decref(st->hooks);
  st->annotations = st->cgroups = st->hooks = NULL;
}

int
state_remove(int rootfd, const char *id)
{
  _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    static const char *const files[] = {"state.json", "state.json.tmp", "exec.fifo"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
      if (unlinkat(fd, files[i], 0) < 0 && errno != ENOENT)
        return fail_errno("remove '%s' of container '%s'", files[i], id);
  }
  if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return fail_errno("remove the state of container '%s'", id);
  return 0;
}

unsigned long long
state_process_start_time(pid_t pid)
{
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] == '\0')
    return 0;
  char state;
  unsigned long long start;
  if (sscanf(p + 2,
             "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
             "%*s %*s %llu",
             &state, &start) != 2)
    return 0;
  return state == 'Z' || state == 'X' ? 0 : start;
}

bool
state_process_alive(pid_t pid, unsigned long long start_time)
{
  return pid > 0 && start_time != 0 && state_process_start_time(pid) == start_time;
}

/* Frozen by the v1 freezer or cgroup v2's cgroup.freeze. */
static bool
is_frozen(const struct container_state *st)
{
  size_t i;
  json_t *dir;
  json_array_foreach (st->cgroups, i, dir) {
    char path[PATH_MAX], buf[32] = "";
    const char *d = json_string_value(dir);
    bool v1 = d && strstr(d, "/freezer/") != NULL;
    snprintf(path, sizeof path, "%s/%s", d ? d : "", v1 ? "freezer.state" : "cgroup.events");
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n <= 0)
      continue;
    buf[n] = '\0';
    if ((v1 && strncmp(buf, "FROZEN", 6) == 0) || (!v1 && strstr(buf, "frozen 1")))
      return true;
  }
  return false;
}

enum container_status
state_status(int dirfd, const struct container_state *st)
{
  if (!state_process_alive(st->pid, st->start_time))
    return STATUS_STOPPED;
  if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return is_frozen(st) ? STATUS_PAUSED : STATUS_RUNNING;
}

const char *
state_status_name(enum container_status status)
{
  static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
  return names[status];
}

json_t *
state_to_json(const struct container_state *st, enum container_status status)
{
  json_t *doc =
      json_pack("{s:s, s:s, s:s, s:I, s:s}", "ociVersion", OCI_VERSION, "id", st->id, "status",
                state_status_name(status), "pid",
                (json_int_t)(status == STATUS_STOPPED ? 0 : st->pid), "bundle", st->bundle);
  if (doc && st->annotations)
    json_object_set(doc, "annotations", st->annotations);
  return doc;
}
