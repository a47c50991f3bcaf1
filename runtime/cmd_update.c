/* `update --resources FILE|- ID`: change the limits of a running container.
 *
 * Memory, pids and cpu limits are applied on cgroup v1 and v2; any other resource
 * in the document is refused, never ignored.
 */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "lifecycle.h"
#include "options.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pieces-run update --resources FILE ID\n\n"
    "Change the resource limits of a container; FILE (or - for stdin) holds\n"
    "linux.resources as JSON: memory (limit, swap), pids (limit), cpu (shares,\n"
    "quota, period).\n\n"
    "  -r, --resources FILE   the new limits\n";

/* The container's directory in the hierarchy holding CONTROLLER, or its cgroup2 one. */
static const char *
find_directory(json_t *dirs, const char *controller, bool *v2)
{
  size_t i;
  json_t *dir;
  char needle[64];
  snprintf(needle, sizeof needle, "/%s/", controller);
  json_array_foreach (dirs, i, dir) {
    const char *d = json_string_value(dir);
    if (d && strstr(d, needle)) {
      *v2 = false;
      return d;
    }
  }
  json_array_foreach (dirs, i, dir) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.max", json_string_value(dir),
             strcmp(controller, "cpu") == 0 ? "cpu" : controller);
    if (access(path, F_OK) == 0) {
      *v2 = true;
      return json_string_value(dir);
    }
  }
  return NULL;
}

static int
write_value(const char *dir, const char *file, const char *value)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("update: open '%s'", path);
  if (write(fd, value, strlen(value)) < 0)
    return fail_errno("update: write '%s' to '%s'", value, path);
  return 0;
}

/* A limit as cgroup files spell it: -1 (or absent in v2) is "max". */
static void
format_limit(json_t *value, bool v2, char *out, size_t size)
{
  long long n = (long long)json_number_value(value);
  if (n < 0)
    snprintf(out, size, v2 ? "max" : "-1");
  else
    snprintf(out, size, "%lld", n);
}

static int
update_memory(json_t *dirs, json_t *memory)
{
  bool v2;
  const char *dir = find_directory(dirs, "memory", &v2);
  json_t *limit = json_object_get(memory, "limit"), *swap = json_object_get(memory, "swap");
  char value[32];
  if (dir == NULL)
    return fail("update: linux.resources.memory: the container has no memory cgroup");
  if (limit) {
    format_limit(limit, v2, value, sizeof value);
    if (write_value(dir, v2 ? "memory.max" : "memory.limit_in_bytes", value) < 0)
      return -1;
  }
  if (swap) {
    /* v1 counts memory plus swap; v2 counts swap alone. */
    long long total = (long long)json_number_value(swap);
    if (v2 && total > 0 && limit)
      total -= (long long)json_number_value(limit);
    snprintf(value, sizeof value, "%lld", total);
    if (total < 0)
      format_limit(swap, v2, value, sizeof value);
    if (write_value(dir, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", value) < 0)
      return -1;
  }
  return 0;
}

static int
update_pids(json_t *dirs, json_t *pids)
{
  bool v2;
  const char *dir = find_directory(dirs, "pids", &v2);
  json_t *limit = json_object_get(pids, "limit");
  char value[32];
  if (dir == NULL)
    return fail("update: linux.resources.pids: the container has no pids cgroup");
  if (limit == NULL)
    return 0;
  long long n = (long long)json_number_value(limit);
  snprintf(value, sizeof value, n <= 0 ? "max" : "%lld", n);
  return write_value(dir, "pids.max", value);
}

static int
update_cpu(json_t *dirs, json_t *cpu)
{
  bool v2;
  const char *dir = find_directory(dirs, "cpu", &v2);
  json_t *shares = json_object_get(cpu, "shares"), *quota = json_object_get(cpu, "quota"),
         *period = json_object_get(cpu, "period");
  char value[64];
  if (dir == NULL)
    return fail("update: linux.resources.cpu: the container has no cpu cgroup");
  if (shares) {
    long long s = (long long)json_number_value(shares);
    /* The conversion runc and crun use from v1 shares to v2 weight. */
    long long w = 1 + ((s - 2) * 9999) / 262142;
    snprintf(value, sizeof value, "%lld", v2 ? w : s);
    if (write_value(dir, v2 ? "cpu.weight" : "cpu.shares", value) < 0)
      return -1;
  }
  if (v2 && (quota || period)) {
    long long q = quota ? (long long)json_number_value(quota) : -1;
    long long p = period ? (long long)json_number_value(period) : 100000;
    if (q > 0)
      snprintf(value, sizeof value, "%lld %lld", q, p);
    else
      snprintf(value, sizeof value, "max %lld", p);
    return write_value(dir, "cpu.max", value);
  }
  if (period && (snprintf(value, sizeof value, "%lld", (long long)json_number_value(period)),
                 write_value(dir, "cpu.cfs_period_us", value) < 0))
    return -1;
  if (quota && (snprintf(value, sizeof value, "%lld", (long long)json_number_value(quota)),
                write_value(dir, "cpu.cfs_quota_us", value) < 0))
    return -1;
  return 0;
}

static int
apply_resources(json_t *dirs, json_t *resources)
{
  const char *key;
  json_t *value;
  json_object_foreach (resources, key, value) {
    int r;
    if (json_is_null(value) || (json_is_object(value) && json_object_size(value) == 0))
      continue;
    if (strcmp(key, "memory") == 0)
      r = update_memory(dirs, value);
    else if (strcmp(key, "pids") == 0)
      r = update_pids(dirs, value);
    else if (strcmp(key, "cpu") == 0)
      r = update_cpu(dirs, value);
    else
      r = fail("update: linux.resources.%s: not supported by pieces-run yet", key);
    if (r < 0)
      return -1;
  }
  return 0;
}

int
cmd_update(const struct global_options *g, int argc, char **argv)
{
  const char *file = NULL;
  const struct option_def options[] = {OPTION_VALUE("resources", 'r', &file), OPTION_END};
  const struct command_line cl = {"update", usage, options, 1, 1, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (file == NULL) {
    fail("update: --resources FILE is required (runc's single-limit flags are not supported)");
    return command_failed();
  }
  json_error_t error;
  json_t *resources =
      strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &error) : json_load_file(file, 0, &error);
  if (resources == NULL || !json_is_object(resources)) {
    fail("update: --resources '%s':%d: %s", file, error.line,
         resources ? "must be a JSON object" : error.text);
    json_decref(resources);
    return command_failed();
  }
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int statefd = lifecycle_open(g, positional[0], true, &rootfd);
  struct container_state st;
  if (statefd < 0 || state_read(statefd, &st) < 0) {
    json_decref(resources);
    return command_failed();
  }
  if (state_status(statefd, &st) == STATUS_STOPPED)
    r = fail("container not running");
  else
    r = apply_resources(st.cgroups, resources);
  state_free(&st);
  json_decref(resources);
  return r < 0 ? command_failed() : 0;
}
