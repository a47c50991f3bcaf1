/* The fields of the runtime-spec that pieces-run does not implement yet.
 *
 * Ignoring one of them would run the container with weaker isolation or different
 * behaviour than the bundle asked for, so each is refused when it is set.  An empty
 * object, array or string counts as not set: engines write "resources": {"memory": {}}
 * when they mean no limit.  When a field gets implemented, delete its line here.
 */
#include <string.h>

#include "config_internal.h"
#include "error.h"

/* Dotted JSON paths; "[]" after a name means every element of that array. */
static const char *const unsupported_fields[] = {
    "linux.resources.blockIO", "linux.resources.hugepageLimits",
    "linux.resources.network", "linux.resources.rdma",
    "linux.resources.unified", "linux.intelRdt",
    "linux.netDevices",        "linux.personality",
    "linux.timeOffsets",       "linux.memoryPolicy",
    "process.ioPriority",      "process.scheduler",
    "process.execCPUAffinity", "mounts[].uidMappings",
    "mounts[].gidMappings",
};

bool
config_namespace_supported(enum namespace_type type)
{
  /* Time namespaces need linux.timeOffsets written before the first process enters. */
  return type != NS_TIME;
}

static bool
is_set(json_t *value)
{
  if (!value)
    return false;
  if (json_is_object(value))
    return json_object_size(value) > 0;
  if (json_is_array(value))
    return json_array_size(value) > 0;
  if (json_is_string(value))
    return json_string_length(value) > 0;
  return !json_is_null(value);
}

static int refuse_at(json_t *node, const char *rest, const char *path);

/* Apply the remaining FIELDS to each element of ARRAY, found at PATH. */
static int
refuse_in_elements(json_t *array, const char *rest, const char *path)
{
  char where[CONFIG_PATH_MAX];
  json_t *element;
  size_t index;

  /* A wrong type is reported by the parser of that part of the document. */
  if (!json_is_array(array))
    return 0;
  json_array_foreach (array, index, element) {
    config_path_index(where, path, index);
    if (refuse_at(element, rest, where) < 0)
      return -1;
  }
  return 0;
}

/* Follow the dotted path REST from NODE (found at PATH) and refuse what it names. */
static int
refuse_at(json_t *node, const char *rest, const char *path)
{
  char name[CONFIG_PATH_MAX], where[CONFIG_PATH_MAX];
  size_t length = strcspn(rest, ".[");
  bool each = strncmp(rest + length, "[]", 2) == 0;
  const char *next = rest + length + (each ? 2 : 0);
  json_t *value;

  if (!json_is_object(node) || length >= sizeof name)
    return 0;
  memcpy(name, rest, length);
  name[length] = '\0';
  value = json_object_get(node, name);
  config_path_member(where, path, name);
  if (!is_set(value))
    return 0;
  if (*next == '.')
    return each ? refuse_in_elements(value, next + 1, where)
                : refuse_at(value, next + 1, where);
  return fail("%s: not supported by pieces-run yet", where);
}

int
config_refuse_unsupported(json_t *document)
{
  size_t count = sizeof unsupported_fields / sizeof unsupported_fields[0];

  for (size_t i = 0; i < count; i++)
    if (refuse_at(document, unsupported_fields[i], "") < 0)
      return -1;
  return 0;
}
