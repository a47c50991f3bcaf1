/* config.json "linux.namespaces", "linux.uidMappings" and "linux.gidMappings". */
#include <string.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

static const char *const namespace_names[NS_COUNT] = {
    [NS_PID] = "pid", [NS_NETWORK] = "network", [NS_MOUNT] = "mount",   [NS_IPC] = "ipc",
    [NS_UTS] = "uts", [NS_USER] = "user",       [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

const char *
namespace_type_name(enum namespace_type type)
{
  if ((unsigned)type >= NS_COUNT)
    return "unknown";
  return namespace_names[type];
}

static int
namespace_by_name(const char *name, const char *path, enum namespace_type *type)
{
  for (int i = 0; i < NS_COUNT; i++) {
    if (strcmp(namespace_names[i], name) == 0) {
      *type = i;
      return 0;
    }
  }
  return fail("%s: unknown namespace type '%s' (known: pid, network, mount, ipc, uts, user, "
              "cgroup)",
              path, name);
}

/* One {type, path} object at PATH. */
static int
parse_namespace(json_t *object, const char *path, struct spec *spec)
{
  char where[CONFIG_PATH_MAX];
  _cleanup_free_ char *name = NULL, *ns_path = NULL;
  enum namespace_type type = NS_COUNT;

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "type") < 0 ||
      config_get_string(object, path, "type", &name) < 0 ||
      config_get_string(object, path, "path", &ns_path) < 0)
    return -1;
  config_path_member(where, path, "type");
  if (namespace_by_name(name, where, &type) < 0)
    return -1;
  if (!config_namespace_supported(type))
    return fail("%s: '%s' namespaces are not supported by pieces-run yet", where, name);
  if (spec->namespaces[type].requested)
    return fail("%s: the '%s' namespace is listed twice", where, name);
  spec->namespaces[type].requested = true;
  /* An empty path means a new namespace, as Go's zero value does for runc. */
  if (!ns_path || ns_path[0] == '\0')
    return 0;
  config_path_member(where, path, "path");
  if (config_check_absolute_path(ns_path, where) < 0)
    return -1;
  /* The rootfs is set up and pivot_root'ed in the mount namespace: joining an existing
     one (the host's, at worst) would do that to whoever else lives there. */
  if (type == NS_MOUNT)
    return fail("%s: joining an existing mount namespace is not supported", where);
  spec->namespaces[type].path = steal_pointer(&ns_path);
  return 0;
}

int
config_parse_namespaces(json_t *linux_obj, struct spec *spec)
{
  char where[CONFIG_PATH_MAX];
  json_t *namespaces = NULL, *object;
  size_t index;

  if (linux_obj && config_get_array(linux_obj, "linux", "namespaces", &namespaces) < 0)
    return -1;
  json_array_foreach (namespaces, index, object) {
    config_path_index(where, "linux.namespaces", index);
    if (parse_namespace(object, where, spec) < 0)
      return -1;
  }
  /* Without its own mount namespace, pivot_root and every mount would hit the host. */
  if (!spec->namespaces[NS_MOUNT].requested)
    return fail("linux.namespaces: a mount namespace is required");
  return 0;
}

/* One {containerID, hostID, size} object at PATH. */
static int
parse_id_mapping(json_t *object, const char *path, struct id_mapping *mapping)
{
  int64_t container_id = 0, host_id = 0, size = 0;

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "containerID") < 0 ||
      config_require(object, path, "hostID") < 0 || config_require(object, path, "size") < 0 ||
      config_get_integer(object, path, "containerID", 0, UINT32_MAX, &container_id) < 0 ||
      config_get_integer(object, path, "hostID", 0, UINT32_MAX, &host_id) < 0 ||
      config_get_integer(object, path, "size", 1, UINT32_MAX, &size) < 0)
    return -1;
  if (container_id + size > (int64_t)UINT32_MAX + 1 || host_id + size > (int64_t)UINT32_MAX + 1)
    return fail("%s: the range goes past the largest id, 4294967295", path);
  mapping->container_id = container_id;
  mapping->host_id = host_id;
  mapping->size = size;
  return 0;
}

static int
parse_mappings(json_t *linux_obj, const char *key, struct id_mapping **out, size_t *count)
{
  char path[CONFIG_PATH_MAX], where[CONFIG_PATH_MAX];
  json_t *mappings = NULL, *object;
  size_t index;
  int r = config_get_array(linux_obj, "linux", key, &mappings);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(mappings), sizeof **out, out) < 0)
    return -1;
  *count = json_array_size(mappings);
  config_path_member(path, "linux", key);
  json_array_foreach (mappings, index, object) {
    config_path_index(where, path, index);
    if (parse_id_mapping(object, where, &(*out)[index]) < 0)
      return -1;
  }
  return 0;
}

int
config_parse_id_mappings(json_t *linux_obj, struct spec *spec)
{
  size_t *n_uid = &spec->n_uid_mappings, *n_gid = &spec->n_gid_mappings;

  if (parse_mappings(linux_obj, "uidMappings", &spec->uid_mappings, n_uid) < 0 ||
      parse_mappings(linux_obj, "gidMappings", &spec->gid_mappings, n_gid) < 0)
    return -1;
  /* Mappings belong to a user namespace; without one they would mean nothing. */
  if (spec->namespaces[NS_USER].requested)
    return 0;
  if (spec->n_uid_mappings > 0)
    return fail("linux.uidMappings: needs a user namespace in linux.namespaces");
  if (spec->n_gid_mappings > 0)
    return fail("linux.gidMappings: needs a user namespace in linux.namespaces");
  return 0;
}
