/* config.json "process.capabilities": five sets of CAP_* names, as bit masks. */
#include <ctype.h>
#include <string.h>
#include <sys/capability.h>

#include "config_internal.h"
#include "error.h"

/* cap_from_name() also takes numbers, lower case and trailing blanks; the spec only
   names capabilities the way the kernel headers spell them. */
static bool
is_capability_spelling(const char *name)
{
  if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
    return false;
  for (const char *c = name + 4; *c; c++)
    if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
      return false;
  return true;
}

/* The capability named NAME (at PATH) as a bit of the mask. */
static int
capability_bit(const char *name, const char *path, cap_mask_t *bit)
{
  cap_value_t value;
  unsigned kernel_count = cap_max_bits();

  if (!is_capability_spelling(name) || cap_from_name(name, &value) < 0)
    return fail("%s: unknown capability '%s'", path, name);
  /* A capability newer than the running kernel could not be granted or dropped. */
  if ((unsigned)value >= kernel_count || value >= 64)
    return fail("%s: %s is not supported by the running kernel (its last capability is "
                "number %u)",
                path, name, kernel_count - 1);
  *bit = (cap_mask_t)1 << value;
  return 0;
}

static int
parse_set(json_t *capabilities, const char *key, cap_mask_t *mask)
{
  char path[CONFIG_PATH_MAX], where[CONFIG_PATH_MAX];
  json_t *names = NULL, *name;
  cap_mask_t bit = 0;
  size_t index;
  int r = config_get_array(capabilities, "process.capabilities", key, &names);

  if (r <= 0)
    return r;
  config_path_member(path, "process.capabilities", key);
  json_array_foreach (names, index, name) {
    config_path_index(where, path, index);
    if (!json_is_string(name))
      return fail("%s: must be a string", where);
    if (capability_bit(json_string_value(name), where, &bit) < 0)
      return -1;
    *mask |= bit;
  }
  return 0;
}

int
config_parse_capabilities(json_t *process, struct process_spec *out)
{
  json_t *capabilities = NULL;
  int r = config_get_object(process, "process", "capabilities", &capabilities);

  if (r <= 0)
    return r;
  out->has_capabilities = true;
  if (parse_set(capabilities, "bounding", &out->cap_bounding) < 0 ||
      parse_set(capabilities, "effective", &out->cap_effective) < 0 ||
      parse_set(capabilities, "permitted", &out->cap_permitted) < 0 ||
      parse_set(capabilities, "inheritable", &out->cap_inheritable) < 0 ||
      parse_set(capabilities, "ambient", &out->cap_ambient) < 0)
    return -1;
  return 0;
}
