/* linux.resources other than devices: memory, pids and cpu limits written into the
 * container's cgroups, v1 or v2, at create and by `update`.
 */
#include "cgroup.h"
#include "cleanup.h"
#include "error.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    snprintf(path, sizeof path, "%s/%s", json_string_value(dir),
             strcmp(controller, "cpuset") == 0 ? "cpuset.cpus" : controller);
    if (strcmp(controller, "cpuset") != 0)
      strncat(path, ".max", sizeof path - strlen(path) - 1);
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
    return fail_errno("open '%s'", path);
  if (write(fd, value, strlen(value)) < 0)
    return fail_errno("write '%s' to '%s'", value, path);
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

/* Every member of OBJECT (linux.resources.WHAT) must be one we apply. */
static int
check_members(json_t *object, const char *what, const char *const *known)
{
  const char *key;
  json_t *value;
  json_object_foreach (object, key, value) {
    bool found = json_is_null(value);
    for (const char *const *k = known; *k && !found; k++)
      found = strcmp(*k, key) == 0;
    if (!found)
      return fail("linux.resources.%s.%s: not supported by pieces-run yet", what, key);
  }
  return 0;
}

static int
write_number(const char *dir, const char *file, json_t *value)
{
  char text[32];
  snprintf(text, sizeof text, "%lld", (long long)json_number_value(value));
  return write_value(dir, file, text);
}

/* The memory controller's knobs that exist in only one version. */
static int
update_memory_extras(const char *dir, bool v2, json_t *memory)
{
  json_t *reservation = json_object_get(memory, "reservation");
  json_t *swappiness = json_object_get(memory, "swappiness");
  json_t *no_oom_killer = json_object_get(memory, "disableOOMKiller");
  char value[32];
  if (reservation) {
    format_limit(reservation, v2, value, sizeof value);
    if (write_value(dir, v2 ? "memory.low" : "memory.soft_limit_in_bytes", value) < 0)
      return -1;
  }
  if (swappiness && !v2 && write_number(dir, "memory.swappiness", swappiness) < 0)
    return -1;
  if (swappiness && v2)
    return fail("linux.resources.memory.swappiness: cgroup v2 has no swappiness");
  if (json_is_true(no_oom_killer) && v2)
    return fail("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the "
                "OOM killer");
  if (json_is_true(no_oom_killer) && write_value(dir, "memory.oom_control", "1") < 0)
    return -1;
  return 0;
}

static int
update_memory(json_t *dirs, json_t *memory)
{
  static const char *const known[] = {
      "limit", "swap", "reservation", "swappiness", "disableOOMKiller", NULL};
  if (check_members(memory, "memory", known) < 0)
    return -1;
  bool v2;
  const char *dir = find_directory(dirs, "memory", &v2);
  json_t *limit = json_object_get(memory, "limit"), *swap = json_object_get(memory, "swap");
  char value[32];
  if (dir == NULL)
    return fail("linux.resources.memory: the container has no memory cgroup");
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
  return update_memory_extras(dir, v2, memory);
}

static int
update_pids(json_t *dirs, json_t *pids)
{
  static const char *const known[] = {"limit", NULL};
  if (check_members(pids, "pids", known) < 0)
    return -1;
  bool v2;
  const char *dir = find_directory(dirs, "pids", &v2);
  json_t *limit = json_object_get(pids, "limit");
  char value[32];
  if (dir == NULL)
    return fail("linux.resources.pids: the container has no pids cgroup");
  if (limit == NULL)
    return 0;
  long long n = (long long)json_number_value(limit);
  snprintf(value, sizeof value, n <= 0 ? "max" : "%lld", n);
  return write_value(dir, "pids.max", value);
}

/* cpus and mems live in the cpuset controller. */
static int
update_cpuset(json_t *dirs, json_t *cpu)
{
  json_t *cpus = json_object_get(cpu, "cpus"), *mems = json_object_get(cpu, "mems");
  bool v2;
  if (!json_string_value(cpus) && !json_string_value(mems))
    return 0;
  const char *dir = find_directory(dirs, "cpuset", &v2);
  if (dir == NULL)
    return fail("linux.resources.cpu: the container has no cpuset cgroup");
  if (json_string_value(cpus) && *json_string_value(cpus) &&
      write_value(dir, v2 ? "cpuset.cpus" : "cpuset.cpus", json_string_value(cpus)) < 0)
    return -1;
  if (json_string_value(mems) && *json_string_value(mems) &&
      write_value(dir, "cpuset.mems", json_string_value(mems)) < 0)
    return -1;
  return 0;
}

static int
update_cpu(json_t *dirs, json_t *cpu)
{
  static const char *const known[] = {"shares", "quota", "period", "cpus", "mems", NULL};
  if (check_members(cpu, "cpu", known) < 0 || update_cpuset(dirs, cpu) < 0)
    return -1;
  if (!json_object_get(cpu, "shares") && !json_object_get(cpu, "quota") &&
      !json_object_get(cpu, "period"))
    return 0;
  bool v2;
  const char *dir = find_directory(dirs, "cpu", &v2);
  json_t *shares = json_object_get(cpu, "shares"), *quota = json_object_get(cpu, "quota"),
         *period = json_object_get(cpu, "period");
  char value[64];
  if (dir == NULL)
    return fail("linux.resources.cpu: the container has no cpu cgroup");
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

int
cgroup_apply_resources(json_t *dirs, json_t *resources)
{
  const char *key;
  json_t *value;
  json_object_foreach (resources, key, value) {
    int r;
    if (json_is_null(value) || (json_is_object(value) && json_object_size(value) == 0) ||
        (json_is_array(value) && json_array_size(value) == 0) || strcmp(key, "devices") == 0)
      continue;
    if (strcmp(key, "memory") == 0)
      r = update_memory(dirs, value);
    else if (strcmp(key, "pids") == 0)
      r = update_pids(dirs, value);
    else if (strcmp(key, "cpu") == 0)
      r = update_cpu(dirs, value);
    else
      r = fail("linux.resources.%s: not supported by pieces-run yet", key);
    if (r < 0)
      return -1;
  }
  return 0;
}
