/* Control groups; see cgroup.h. */
#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Does the comma list SUPER (a mount's super options) hold every item of WANT? */
static bool
has_all_controllers(const char *super, const char *want)
{
  char copy[256];
  snprintf(copy, sizeof copy, "%s", want);
  for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
       item = strtok_r(NULL, ",", &save)) {
    size_t len = strlen(item);
    const char *p = super;
    bool found = false;
    while (!found && (p = strstr(p, item)) != NULL) {
      found = (p == super || p[-1] == ',') && (p[len] == ',' || p[len] == '\0');
      p += len;
    }
    if (!found)
      return false;
  }
  return true;
}

/* Fill LAYOUT from /proc/self/mountinfo: every cgroup and cgroup2 mount, once. */
static int
read_cgroup_mounts(struct cgroup_layout *layout)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return fail_errno("open '/proc/self/mountinfo'");
  char line[4096];
  layout->count = 0;
  while (fgets(line, sizeof line, f) && layout->count < CGROUP_MAX_HIERARCHIES) {
    char root[PATH_MAX], mountpoint[PATH_MAX], fstype[64], super[256];
    const char *dash = strstr(line, " - ");
    if (dash == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mountpoint) != 2 ||
        sscanf(dash + 3, "%63s %*s %255s", fstype, super) != 2)
      continue;
    bool v2 = strcmp(fstype, "cgroup2") == 0;
    if ((!v2 && strcmp(fstype, "cgroup") != 0) || strcmp(root, "/") != 0)
      continue;
    struct cgroup_hierarchy *h = &layout->hierarchies[layout->count++];
    snprintf(h->mountpoint, sizeof h->mountpoint, "%s", mountpoint);
    snprintf(h->controllers, sizeof h->controllers, "%s", v2 ? "" : super);
    h->v2 = v2;
    h->path[0] = '\0';
  }
  return 0;
}

/* Match a line of /proc/PID/cgroup ("ID:CONTROLLERS:PATH") to a mounted hierarchy. */
static void
assign_path(struct cgroup_layout *layout, const char *controllers, const char *path)
{
  for (size_t i = 0; i < layout->count; i++) {
    struct cgroup_hierarchy *h = &layout->hierarchies[i];
    bool match = *controllers == '\0'
                     ? h->v2
                     : !h->v2 && has_all_controllers(h->controllers, controllers);
    if (match && h->path[0] == '\0')
      snprintf(h->path, sizeof h->path, "%s", path);
  }
}

int
cgroup_read_layout(const char *pid, struct cgroup_layout *layout)
{
  if (read_cgroup_mounts(layout) < 0)
    return -1;
  char file[64];
  snprintf(file, sizeof file, "/proc/%s/cgroup", pid);
  _cleanup_fclose_ FILE *f = fopen(file, "re");
  if (f == NULL)
    return fail_errno("open '%s'", file);
  char line[PATH_MAX + 300];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    char *first = strchr(line, ':');
    char *second = first ? strchr(first + 1, ':') : NULL;
    if (second == NULL)
      continue;
    *second = '\0';
    assign_path(layout, first + 1, second + 1);
  }
  /* A hierarchy mounted but not listed (e.g. a second mount of one) is skipped. */
  size_t kept = 0;
  for (size_t i = 0; i < layout->count; i++)
    if (layout->hierarchies[i].path[0] != '\0')
      layout->hierarchies[kept++] = layout->hierarchies[i];
  layout->count = kept;
  return 0;
}

static int
write_file(const char *dir, const char *name, const char *value)
{
  char path[PATH_MAX * 2];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return fail_errno("open '%s'", path);
  if (write(fd, value, strlen(value)) < 0)
    return fail_errno("write '%s' to '%s'", value, path);
  return 0;
}

static void
format_device_rule(const struct device_rule *r, char *out, size_t size)
{
  char major[24] = "*", minor[24] = "*";
  if (r->major >= 0)
    snprintf(major, sizeof major, "%lld", (long long)r->major);
  if (r->minor >= 0)
    snprintf(minor, sizeof minor, "%lld", (long long)r->minor);
  if (r->type == 'a')
    snprintf(out, size, "a");
  else
    snprintf(out, size, "%c %s:%s %s", r->type, major, minor, r->access);
}

/* The devices every container gets, as runc and crun allow them. */
static const struct device_rule default_device_rules[] = {
    {true, 'c', 1, 3, "rwm"},   /* /dev/null */
    {true, 'c', 1, 5, "rwm"},   /* /dev/zero */
    {true, 'c', 1, 7, "rwm"},   /* /dev/full */
    {true, 'c', 1, 8, "rwm"},   /* /dev/random */
    {true, 'c', 1, 9, "rwm"},   /* /dev/urandom */
    {true, 'c', 5, 0, "rwm"},   /* /dev/tty */
    {true, 'c', 5, 1, "rwm"},   /* /dev/console */
    {true, 'c', 5, 2, "rwm"},   /* /dev/ptmx */
    {true, 'c', 136, -1, "rwm"} /* /dev/pts/N */
};

static int
apply_device_rule(const char *dir, const struct device_rule *r)
{
  char rule[96];
  format_device_rule(r, rule, sizeof rule);
  return write_file(dir, r->allow ? "devices.allow" : "devices.deny", rule);
}

/* v1 devices controller: the config's rules in order, then the defaults. */
static int
apply_device_rules(const struct spec *spec, const char *dir)
{
  for (size_t i = 0; i < spec->n_device_rules; i++)
    if (apply_device_rule(dir, &spec->device_rules[i]) < 0)
      return fail_context("linux.resources.devices[%zu]", i);
  for (size_t i = 0; i < sizeof default_device_rules / sizeof *default_device_rules; i++)
    if (apply_device_rule(dir, &default_device_rules[i]) < 0)
      return -1;
  return 0;
}

/* A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and refuses
   processes until it has some: give it its parent's. */
static int
inherit_cpuset(const char *dir)
{
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < 2; i++) {
    char path[PATH_MAX * 2], value[4096];
    snprintf(path, sizeof path, "%s/../%s", dir, files[i]);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, value, sizeof value - 1);
    if (n < 0)
      return fail_errno("read '%s'", path);
    value[n] = '\0';
    if (write_file(dir, files[i], value) < 0)
      return -1;
  }
  return 0;
}

/* mkdir -p, below the hierarchy's mount point MOUNTPOINT. */
static int
make_directory_path(char *path, size_t mountpoint_len, bool cpuset)
{
  for (char *p = path + mountpoint_len + 1;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    int r = mkdir(path, 0755);
    if (r < 0 && errno != EEXIST)
      return fail_errno("create cgroup '%s'", path);
    if (r == 0 && cpuset && inherit_cpuset(path) < 0)
      return -1;
    *p = saved;
    if (saved == '\0')
      return 0;
  }
}

static int
container_cgroup_path(const struct spec *spec, const char *id, const char *own, char *out,
                      size_t size)
{
  const char *path = spec->cgroups_path;
  char fallback[256];
  if (path == NULL || *path == '\0') {
    snprintf(fallback, sizeof fallback, "pieces-%s", id);
    path = fallback;
  }
  if (strstr(path, "..") != NULL)
    return fail("linux.cgroupsPath: must not contain '..'");
  if (strchr(path, ':') != NULL)
    return fail("linux.cgroupsPath: '%s' is systemd's slice:prefix:name form, which needs "
                "--systemd-cgroup, and that is not supported by pieces-run yet",
                path);
  int n = *path == '/' ? snprintf(out, size, "%s", path)
                       : snprintf(out, size, "%s/%s", strcmp(own, "/") ? own : "", path);
  if (n < 0 || (size_t)n >= size)
    return fail("linux.cgroupsPath: too long");
  return 0;
}

int
cgroup_create(const struct spec *spec, const char *id, pid_t pid, struct cgroup *cg)
{
  char pid_text[24];
  snprintf(pid_text, sizeof pid_text, "%d", (int)pid);
  memset(cg, 0, sizeof *cg);
  if (cgroup_read_layout("self", &cg->layout) < 0)
    return -1;
  bool devices_done = spec->n_device_rules == 0;
  for (size_t i = 0; i < cg->layout.count; i++) {
    struct cgroup_hierarchy *h = &cg->layout.hierarchies[i];
    char rel[PATH_MAX], dir[PATH_MAX * 2];
    if (container_cgroup_path(spec, id, h->path, rel, sizeof rel) < 0)
      return -1;
    snprintf(h->path, sizeof h->path, "%s", rel);
    snprintf(dir, sizeof dir, "%s%s", h->mountpoint, rel);
    bool cpuset = !h->v2 && has_all_controllers(h->controllers, "cpuset");
    if (make_directory_path(dir, strlen(h->mountpoint), cpuset) < 0)
      return -1;
    cg->created[i] = true;
    bool devices = !h->v2 && has_all_controllers(h->controllers, "devices");
    if (devices && !devices_done) {
      if (apply_device_rules(spec, dir) < 0)
        return -1;
      devices_done = true;
    }
    if (write_file(dir, "cgroup.procs", pid_text) < 0)
      return -1;
  }
  if (!devices_done)
    return fail("linux.resources.devices: this host has no cgroup v1 devices controller, "
                "and device rules on cgroup v2 are not supported by pieces-run yet");
  return 0;
}

/* The last process may still be leaving the cgroup right after it exited: retry
   briefly on EBUSY instead of leaving the directory behind. */
static void
remove_directory(const char *dir)
{
  for (int attempt = 0; rmdir(dir) < 0 && errno == EBUSY && attempt < 100; attempt++)
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  if (access(dir, F_OK) == 0)
    log_warning("could not remove cgroup '%s': %s", dir, strerror(errno));
}

json_t *
cgroup_directories(const struct cgroup *cg)
{
  json_t *dirs = json_array();
  for (size_t i = 0; dirs && i < cg->layout.count; i++) {
    char dir[PATH_MAX * 2];
    if (!cg->created[i])
      continue;
    snprintf(dir, sizeof dir, "%s%s", cg->layout.hierarchies[i].mountpoint,
             cg->layout.hierarchies[i].path);
    json_array_append_new(dirs, json_string(dir));
  }
  return dirs;
}

void
cgroup_remove_directories(json_t *dirs)
{
  size_t i;
  json_t *dir;
  json_array_foreach (dirs, i, dir)
    if (json_string_value(dir))
      remove_directory(json_string_value(dir));
}

/* Read cgroup.procs of DIR into PIDS (a JSON array), skipping duplicates. */
static void
append_pids(const char *dir, json_t *pids)
{
  char path[PATH_MAX * 2];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  long pid;
  while (f && fscanf(f, "%ld", &pid) == 1) {
    size_t i;
    json_t *known;
    bool seen = false;
    json_array_foreach (pids, i, known)
      seen = seen || json_integer_value(known) == pid;
    if (!seen)
      json_array_append_new(pids, json_integer(pid));
  }
}

json_t *
cgroup_pids(json_t *dirs)
{
  json_t *pids = json_array();
  size_t i;
  json_t *dir;
  json_array_foreach (dirs, i, dir)
    if (pids && json_string_value(dir))
      append_pids(json_string_value(dir), pids);
  return pids;
}

int
cgroup_signal_all(json_t *dirs, int sig)
{
  json_t *pids = cgroup_pids(dirs);
  if (pids == NULL)
    return fail("list the container's processes");
  size_t i;
  json_t *pid;
  json_array_foreach (pids, i, pid) {
    /* pidfd first: the pid cannot be recycled between reading and signalling. */
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)json_integer_value(pid), 0);
    if (fd >= 0) {
      syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
      close(fd);
    }
  }
  json_decref(pids);
  return 0;
}

static const char *
freezer_directory(json_t *dirs, bool *v1)
{
  size_t i;
  json_t *dir;
  const char *v2 = NULL;
  json_array_foreach (dirs, i, dir) {
    const char *d = json_string_value(dir);
    char path[PATH_MAX * 2];
    if (d && strstr(d, "/freezer/")) {
      *v1 = true;
      return d;
    }
    snprintf(path, sizeof path, "%s/cgroup.freeze", d ? d : "");
    if (d && v2 == NULL && access(path, F_OK) == 0)
      v2 = d;
  }
  *v1 = false;
  return v2;
}

/* Wait until the freezer reports the state we asked for (it may take a moment for
   every task to stop). */
static int
wait_frozen(const char *dir, bool v1, bool freeze)
{
  char path[PATH_MAX * 2], buf[256];
  snprintf(path, sizeof path, "%s/%s", dir, v1 ? "freezer.state" : "cgroup.events");
  for (int attempt = 0; attempt < 2000; attempt++) {
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n < 0)
      return fail_errno("read '%s'", path);
    buf[n] = '\0';
    bool frozen = v1 ? strncmp(buf, "FROZEN", 6) == 0 : strstr(buf, "frozen 1") != NULL;
    bool thawed = v1 ? strncmp(buf, "THAWED", 6) == 0 : strstr(buf, "frozen 0") != NULL;
    if (freeze ? frozen : thawed)
      return 0;
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
  return fail("'%s' did not become %s", dir, freeze ? "frozen" : "thawed");
}

int
cgroup_freeze(json_t *dirs, bool freeze)
{
  bool v1;
  const char *dir = freezer_directory(dirs, &v1);
  if (dir == NULL)
    return fail("the container has no freezer (no v1 freezer, no cgroup v2 tree)");
  const char *value = v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");
  if (write_file(dir, v1 ? "freezer.state" : "cgroup.freeze", value) < 0)
    return -1;
  return wait_frozen(dir, v1, freeze);
}

void
cgroup_destroy(struct cgroup *cg)
{
  for (size_t i = 0; i < cg->layout.count; i++) {
    if (!cg->created[i])
      continue;
    char dir[PATH_MAX * 2];
    struct cgroup_hierarchy *h = &cg->layout.hierarchies[i];
    snprintf(dir, sizeof dir, "%s%s", h->mountpoint, h->path);
    remove_directory(dir);
    cg->created[i] = false;
  }
}
