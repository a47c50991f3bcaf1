/* config.json "linux": the object that holds everything Linux-specific.  Namespaces,
 * devices, sysctl and seccomp have files of their own; the plain members are read here.
 */
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

/* The root's propagation is applied to the whole tree, as runc and crun do, so the
   r-forms mean the same as the plain ones; the value is mount_setattr()'s, which
   takes no MS_REC. */
static const struct {
  const char *name;
  unsigned long flags;
} propagation_names[] = {
    {"shared", MS_SHARED},    {"slave", MS_SLAVE},
    {"private", MS_PRIVATE},  {"unbindable", MS_UNBINDABLE},
    {"rshared", MS_SHARED},   {"rslave", MS_SLAVE},
    {"rprivate", MS_PRIVATE}, {"runbindable", MS_UNBINDABLE},
};

static int
parse_rootfs_propagation(json_t *linux_obj, struct spec *spec)
{
  size_t count = sizeof propagation_names / sizeof propagation_names[0];
  _cleanup_free_ char *name = NULL;
  int r = config_get_string(linux_obj, "linux", "rootfsPropagation", &name);

  if (r < 0)
    return -1;
  if (r == 0 || name[0] == '\0')
    return 0;
  for (size_t i = 0; i < count; i++) {
    if (strcmp(propagation_names[i].name, name) == 0) {
      spec->rootfs_propagation = propagation_names[i].flags;
      return 0;
    }
  }
  return fail("linux.rootfsPropagation: '%s' must be one of shared, slave, private, "
              "unbindable, rshared, rslave, rprivate or runbindable",
              name);
}

static int
parse_paths(json_t *linux_obj, struct spec *spec)
{
  if (config_get_strings(linux_obj, "linux", "maskedPaths", config_check_absolute_path,
                         &spec->masked_paths, &spec->n_masked_paths) < 0 ||
      config_get_strings(linux_obj, "linux", "readonlyPaths", config_check_absolute_path,
                         &spec->readonly_paths, &spec->n_readonly_paths) < 0)
    return -1;
  return 0;
}

int
config_parse_linux(json_t *document, struct spec *spec)
{
  json_t *linux_obj = NULL;

  if (config_get_object(document, "", "linux", &linux_obj) < 0 ||
      config_parse_namespaces(linux_obj, spec) < 0)
    return -1;
  /* From here on linux_obj is there: a mount namespace had to be listed in it. */
  if (config_parse_id_mappings(linux_obj, spec) < 0 ||
      config_parse_devices(linux_obj, spec) < 0 ||
      config_parse_device_rules(linux_obj, spec) < 0 ||
      config_parse_sysctl(linux_obj, spec) < 0 ||
      config_get_string(linux_obj, "linux", "cgroupsPath", &spec->cgroups_path) < 0 ||
      parse_rootfs_propagation(linux_obj, spec) < 0 || parse_paths(linux_obj, spec) < 0 ||
      config_get_string(linux_obj, "linux", "mountLabel", &spec->mount_label) < 0 ||
      config_parse_seccomp(linux_obj, spec) < 0)
    return -1;
  return 0;
}
