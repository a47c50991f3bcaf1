/* config.json "process.rlimits": resource limits by their RLIMIT_* names. */
#include <string.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int
resource_by_name(const char *name, const char *path, int *resource)
{
  size_t count = sizeof rlimit_names / sizeof rlimit_names[0];

  for (size_t i = 0; i < count; i++) {
    if (strcmp(rlimit_names[i].name, name) == 0) {
      *resource = rlimit_names[i].resource;
      return 0;
    }
  }
  return fail("%s: unknown resource limit '%s'", path, name);
}

static const char *
resource_name(int resource)
{
  size_t count = sizeof rlimit_names / sizeof rlimit_names[0];

  for (size_t i = 0; i < count; i++)
    if (rlimit_names[i].resource == resource)
      return rlimit_names[i].name;
  return "?";
}

/* Fail when an earlier entry already set the limit of ENTRY (at PATH): which of the
   two would win is not something a bundle should leave to chance. */
static int
check_unique(const struct process_spec *out, const struct rlimit_entry *entry, const char *path)
{
  for (size_t i = 0; i < out->n_rlimits; i++)
    if (out->rlimits[i].resource == entry->resource)
      return fail("%s.type: %s is already set by process.rlimits[%zu]", path,
                  resource_name(entry->resource), i);
  return 0;
}

/* One {type, hard, soft} object at PATH. */
static int
parse_rlimit(json_t *object, const char *path, struct rlimit_entry *entry)
{
  char where[CONFIG_PATH_MAX];
  _cleanup_free_ char *type = NULL;
  uint64_t hard = 0, soft = 0;

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "type") < 0 || config_require(object, path, "hard") < 0 ||
      config_require(object, path, "soft") < 0 ||
      config_get_string(object, path, "type", &type) < 0 ||
      config_get_uint64(object, path, "hard", &hard) < 0 ||
      config_get_uint64(object, path, "soft", &soft) < 0)
    return -1;
  config_path_member(where, path, "type");
  if (resource_by_name(type, where, &entry->resource) < 0)
    return -1;
  if (soft > hard)
    return fail("%s: soft limit %llu is above hard limit %llu", path, (unsigned long long)soft,
                (unsigned long long)hard);
  entry->soft = soft;
  entry->hard = hard;
  return 0;
}

int
config_parse_rlimits(json_t *process, struct process_spec *out)
{
  char where[CONFIG_PATH_MAX];
  json_t *rlimits = NULL, *object;
  size_t index;
  int r = config_get_array(process, "process", "rlimits", &rlimits);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(rlimits), sizeof *out->rlimits, &out->rlimits) < 0)
    return -1;
  json_array_foreach (rlimits, index, object) {
    config_path_index(where, "process.rlimits", index);
    if (parse_rlimit(object, where, &out->rlimits[index]) < 0)
      return -1;
    if (check_unique(out, &out->rlimits[index], where) < 0)
      return -1;
    out->n_rlimits = index + 1;
  }
  return 0;
}
