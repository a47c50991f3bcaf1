/* config.json "linux.devices" (nodes to make in /dev) and "linux.resources.devices"
 * (the device cgroup's allow and deny rules).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

/* The widest numbers mknod(2) encodes: 12 bits of major, 20 of minor.  glibc's
   makedev() takes more and the kernel would silently cut them. */
#define DEVICE_MAJOR_MAX 4095
#define DEVICE_MINOR_MAX 1048575

/* The S_IF* file type of a device type letter, or 0 if there is none. */
static mode_t
device_file_type(char type)
{
  switch (type) {
  case 'c':
  case 'u':
    return S_IFCHR;
  case 'b':
    return S_IFBLK;
  case 'p':
    return S_IFIFO;
  default:
    return 0;
  }
}

/* Devices are made under the container's /dev only; ".." could leave it. */
static int
check_device_path(const char *value, const char *where)
{
  size_t length = strlen(value);

  if (strncmp(value, "/dev/", 5) != 0 || length == 5)
    return fail("%s: '%s' must be an absolute path under /dev", where, value);
  for (const char *c = value; (c = strstr(c, "..")); c += 2)
    if (c[-1] == '/' && (c[2] == '/' || c[2] == '\0'))
      return fail("%s: '%s' must not contain '..'", where, value);
  return 0;
}

/* The one-letter "type" member of OBJECT (at PATH), which must be one of ALLOWED
   (spelled out for people in LISTED). */
static int
get_type_letter(json_t *object, const char *path, const char *allowed, const char *listed,
                char *out)
{
  char where[CONFIG_PATH_MAX];
  _cleanup_free_ char *type = NULL;
  int r = config_get_string(object, path, "type", &type);

  if (r <= 0)
    return r;
  config_path_member(where, path, "type");
  if (strlen(type) != 1 || !strchr(allowed, type[0]))
    return fail("%s: '%s' must be one of %s", where, type, listed);
  *out = type[0];
  return 1;
}

static int
parse_device_numbers(json_t *object, const char *path, struct device_node *device)
{
  /* A FIFO has no device numbers; any given are ignored. */
  if (device->type == 'p')
    return 0;
  if (config_require(object, path, "major") < 0 || config_require(object, path, "minor") < 0 ||
      config_get_integer(object, path, "major", 0, DEVICE_MAJOR_MAX, &device->major) < 0 ||
      config_get_integer(object, path, "minor", 0, DEVICE_MINOR_MAX, &device->minor) < 0)
    return -1;
  return 0;
}

/* fileMode may carry the file type bits too (some engines write 020666); they must
   then agree with "type".  Only the permission bits are kept. */
static int
parse_device_mode(json_t *object, const char *path, struct device_node *device)
{
  int64_t mode = 0;
  int r = config_get_integer(object, path, "fileMode", 0, 0177777, &mode);

  if (r <= 0)
    return r;
  if ((mode & S_IFMT) != 0 && (mode_t)(mode & S_IFMT) != device_file_type(device->type))
    return fail("%s.fileMode: file type bits 0%llo do not match type '%c'", path,
                (unsigned long long)(mode & S_IFMT), device->type);
  device->has_mode = true;
  device->file_mode = mode & 07777;
  return 0;
}

static int
parse_device_owner(json_t *object, const char *path, struct device_node *device)
{
  int64_t uid = 0, gid = 0;
  int has_uid, has_gid;

  has_uid = config_get_integer(object, path, "uid", 0, CONFIG_ID_MAX, &uid);
  if (has_uid < 0)
    return -1;
  has_gid = config_get_integer(object, path, "gid", 0, CONFIG_ID_MAX, &gid);
  if (has_gid < 0)
    return -1;
  device->has_uid = has_uid;
  device->uid = uid;
  device->has_gid = has_gid;
  device->gid = gid;
  return 0;
}

static int
parse_device(json_t *object, const char *path, struct device_node *device)
{
  char where[CONFIG_PATH_MAX];

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "path") < 0 || config_require(object, path, "type") < 0 ||
      config_get_string(object, path, "path", &device->path) < 0)
    return -1;
  config_path_member(where, path, "path");
  if (check_device_path(device->path, where) < 0 ||
      get_type_letter(object, path, "cbup", "c, b, u or p", &device->type) < 0 ||
      parse_device_numbers(object, path, device) < 0 ||
      parse_device_mode(object, path, device) < 0 ||
      parse_device_owner(object, path, device) < 0)
    return -1;
  return 0;
}

int
config_parse_devices(json_t *linux_obj, struct spec *spec)
{
  char where[CONFIG_PATH_MAX];
  json_t *devices = NULL, *object;
  size_t index;
  int r = config_get_array(linux_obj, "linux", "devices", &devices);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(devices), sizeof *spec->devices, &spec->devices) < 0)
    return -1;
  spec->n_devices = json_array_size(devices);
  json_array_foreach (devices, index, object) {
    config_path_index(where, "linux.devices", index);
    if (parse_device(object, where, &spec->devices[index]) < 0)
      return -1;
  }
  return 0;
}

/* "access": some of r, w and m, kept in that order; absent or empty means all three. */
static int
parse_access(json_t *object, const char *path, char access[4])
{
  _cleanup_free_ char *given = NULL;
  size_t length = 0;
  int r = config_get_string(object, path, "access", &given);

  if (r < 0)
    return -1;
  if (r == 0 || given[0] == '\0') {
    strcpy(access, "rwm");
    return 0;
  }
  if (given[strspn(given, "rwm")] != '\0')
    return fail("%s.access: '%s' must be made of the letters r, w and m", path, given);
  for (const char *letter = "rwm"; *letter; letter++)
    if (strchr(given, *letter))
      access[length++] = *letter;
  access[length] = '\0';
  return 0;
}

static int
parse_device_rule(json_t *object, const char *path, struct device_rule *rule)
{
  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  rule->type = 'a';
  rule->major = -1;
  rule->minor = -1;
  if (config_require(object, path, "allow") < 0 ||
      config_get_bool(object, path, "allow", &rule->allow) < 0 ||
      get_type_letter(object, path, "acb", "a, c or b", &rule->type) < 0 ||
      config_get_integer(object, path, "major", -1, DEVICE_MAJOR_MAX, &rule->major) < 0 ||
      config_get_integer(object, path, "minor", -1, DEVICE_MINOR_MAX, &rule->minor) < 0 ||
      parse_access(object, path, rule->access) < 0)
    return -1;
  return 0;
}

int
config_parse_device_rules(json_t *linux_obj, struct spec *spec)
{
  char where[CONFIG_PATH_MAX];
  json_t *resources = NULL, *rules = NULL, *object;
  size_t index;
  int r = config_get_object(linux_obj, "linux", "resources", &resources);

  if (r <= 0)
    return r;
  r = config_get_array(resources, "linux.resources", "devices", &rules);
  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(rules), sizeof *spec->device_rules,
                         &spec->device_rules) < 0)
    return -1;
  spec->n_device_rules = json_array_size(rules);
  json_array_foreach (rules, index, object) {
    config_path_index(where, "linux.resources.devices", index);
    if (parse_device_rule(object, where, &spec->device_rules[index]) < 0)
      return -1;
  }
  return 0;
}
