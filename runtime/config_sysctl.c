/* config.json "linux.sysctl": kernel parameters, allowed only where a namespace of
 * the container's own isolates them; anywhere else the write would change the host.
 */
#include <string.h>

#include "config_internal.h"
#include "error.h"

/* The parameters the kernel keeps per namespace.  A name ending in '.' is a prefix. */
static const struct {
  const char *name;
  enum namespace_type namespace;
} namespaced_sysctls[] = {
    {"net.", NS_NETWORK},
    {"fs.mqueue.", NS_IPC},
    {"kernel.msgmax", NS_IPC},
    {"kernel.msgmnb", NS_IPC},
    {"kernel.msgmni", NS_IPC},
    {"kernel.msg_next_id", NS_IPC},
    {"kernel.sem", NS_IPC},
    {"kernel.sem_next_id", NS_IPC},
    {"kernel.shmall", NS_IPC},
    {"kernel.shmmax", NS_IPC},
    {"kernel.shmmni", NS_IPC},
    {"kernel.shm_next_id", NS_IPC},
    {"kernel.shm_rmid_forced", NS_IPC},
    {"kernel.hostname", NS_UTS},
    {"kernel.domainname", NS_UTS},
};

/* Whether KEY is NAME (or starts with it, for a prefix), with the kernel's '/'
   separator taken as '.'. */
static bool
key_matches(const char *key, const char *name)
{
  bool prefix = name[strlen(name) - 1] == '.';

  for (; *name; key++, name++)
    if (*key != *name && !(*key == '/' && *name == '.'))
      return false;
  return prefix || *key == '\0';
}

/* The namespace that isolates KEY, or NS_COUNT when none does. */
static enum namespace_type
sysctl_namespace(const char *key)
{
  size_t count = sizeof namespaced_sysctls / sizeof namespaced_sysctls[0];

  for (size_t i = 0; i < count; i++)
    if (key_matches(key, namespaced_sysctls[i].name))
      return namespaced_sysctls[i].namespace;
  return NS_COUNT;
}

/* KEY names a file under /proc/sys: nothing that could climb out of it. */
static int
check_sysctl_key(const char *key)
{
  if (key[0] == '\0' || key[0] == '.' || key[0] == '/' || strstr(key, ".."))
    return fail("linux.sysctl[\"%s\"]: not a kernel parameter name", key);
  return 0;
}

static int
check_sysctl(const char *key, json_t *value, const struct spec *spec)
{
  enum namespace_type type;

  if (check_sysctl_key(key) < 0)
    return -1;
  if (!json_is_string(value))
    return fail("linux.sysctl[\"%s\"]: must be a string", key);
  type = sysctl_namespace(key);
  if (type == NS_COUNT)
    return fail("linux.sysctl[\"%s\"]: not isolated by any namespace; setting it would "
                "change the host",
                key);
  if (!spec->namespaces[type].requested)
    return fail("linux.sysctl[\"%s\"]: needs a %s namespace in linux.namespaces", key,
                namespace_type_name(type));
  return 0;
}

int
config_parse_sysctl(json_t *linux_obj, struct spec *spec)
{
  json_t *sysctl = NULL, *value;
  const char *key;
  size_t count;
  int r = config_get_object(linux_obj, "linux", "sysctl", &sysctl);

  if (r <= 0)
    return r;
  count = json_object_size(sysctl);
  if (count > CONFIG_MAX_ARRAY)
    return fail("linux.sysctl: more than %d entries", CONFIG_MAX_ARRAY);
  if (config_alloc_array(count, sizeof(char *), &spec->sysctl_keys) < 0 ||
      config_alloc_array(count, sizeof(char *), &spec->sysctl_values) < 0)
    return -1;
  json_object_foreach (sysctl, key, value) {
    if (check_sysctl(key, value, spec) < 0 ||
        config_copy_string(key, &spec->sysctl_keys[spec->n_sysctl]) < 0 ||
        config_copy_string(json_string_value(value), &spec->sysctl_values[spec->n_sysctl]) < 0)
      return -1;
    spec->n_sysctl++;
  }
  return 0;
}
