/* config.json "mounts": each entry checked, and its options sorted once into mount
 * attributes, propagation, bind flags and filesystem parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

enum option_kind {
  OPTION_ATTR,        /* a MOUNT_ATTR_* bit */
  OPTION_ATIME,       /* one of mount(8)'s atime flags, resolved at the end */
  OPTION_PROPAGATION, /* MS_SHARED and friends */
  OPTION_BIND,
  OPTION_RBIND,
  OPTION_IGNORE,
  OPTION_REFUSE,
};

struct option_rule {
  const char *name;
  enum option_kind kind;
  bool clear;         /* ATTR, ATIME: the option turns FLAG off */
  bool recursive;     /* PROPAGATION: an r-form */
  unsigned long flag; /* MOUNT_ATTR_* for ATTR; MS_* for ATIME and PROPAGATION */
};

static const struct option_rule option_rules[] = {
    {"ro", OPTION_ATTR, false, false, MOUNT_ATTR_RDONLY},
    {"rw", OPTION_ATTR, true, false, MOUNT_ATTR_RDONLY},
    {"nosuid", OPTION_ATTR, false, false, MOUNT_ATTR_NOSUID},
    {"suid", OPTION_ATTR, true, false, MOUNT_ATTR_NOSUID},
    {"nodev", OPTION_ATTR, false, false, MOUNT_ATTR_NODEV},
    {"dev", OPTION_ATTR, true, false, MOUNT_ATTR_NODEV},
    {"noexec", OPTION_ATTR, false, false, MOUNT_ATTR_NOEXEC},
    {"exec", OPTION_ATTR, true, false, MOUNT_ATTR_NOEXEC},
    {"nodiratime", OPTION_ATTR, false, false, MOUNT_ATTR_NODIRATIME},
    {"diratime", OPTION_ATTR, true, false, MOUNT_ATTR_NODIRATIME},
    {"nosymfollow", OPTION_ATTR, false, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", OPTION_ATTR, true, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"noatime", OPTION_ATIME, false, false, MS_NOATIME},
    {"atime", OPTION_ATIME, true, false, MS_NOATIME},
    {"relatime", OPTION_ATIME, false, false, MS_RELATIME},
    {"norelatime", OPTION_ATIME, true, false, MS_RELATIME},
    {"strictatime", OPTION_ATIME, false, false, MS_STRICTATIME},
    {"nostrictatime", OPTION_ATIME, true, false, MS_STRICTATIME},
    {"shared", OPTION_PROPAGATION, false, false, MS_SHARED},
    {"rshared", OPTION_PROPAGATION, false, true, MS_SHARED},
    {"slave", OPTION_PROPAGATION, false, false, MS_SLAVE},
    {"rslave", OPTION_PROPAGATION, false, true, MS_SLAVE},
    {"private", OPTION_PROPAGATION, false, false, MS_PRIVATE},
    {"rprivate", OPTION_PROPAGATION, false, true, MS_PRIVATE},
    {"unbindable", OPTION_PROPAGATION, false, false, MS_UNBINDABLE},
    {"runbindable", OPTION_PROPAGATION, false, true, MS_UNBINDABLE},
    {"bind", OPTION_BIND, false, false, 0},
    {"rbind", OPTION_RBIND, false, false, 0},
    {"tmpcopyup", OPTION_REFUSE, false, false, 0},
    {"defaults", OPTION_IGNORE, false, false, 0},
    {"idmap", OPTION_REFUSE, false, false, 0},
    {"ridmap", OPTION_REFUSE, false, false, 0},
    /* runc's recursive attributes (mount_setattr with AT_RECURSIVE). */
    {"rro", OPTION_REFUSE, false, false, 0},
    {"rrw", OPTION_REFUSE, false, false, 0},
    {"rnosuid", OPTION_REFUSE, false, false, 0},
    {"rsuid", OPTION_REFUSE, false, false, 0},
    {"rnodev", OPTION_REFUSE, false, false, 0},
    {"rdev", OPTION_REFUSE, false, false, 0},
    {"rnoexec", OPTION_REFUSE, false, false, 0},
    {"rexec", OPTION_REFUSE, false, false, 0},
    {"rnodiratime", OPTION_REFUSE, false, false, 0},
    {"rdiratime", OPTION_REFUSE, false, false, 0},
    {"rnoatime", OPTION_REFUSE, false, false, 0},
    {"ratime", OPTION_REFUSE, false, false, 0},
    {"rrelatime", OPTION_REFUSE, false, false, 0},
    {"rnorelatime", OPTION_REFUSE, false, false, 0},
    {"rstrictatime", OPTION_REFUSE, false, false, 0},
    {"rnostrictatime", OPTION_REFUSE, false, false, 0},
    {"rnosymfollow", OPTION_REFUSE, false, false, 0},
    {"rsymfollow", OPTION_REFUSE, false, false, 0},
};

/* The options of one mount while they are being read. */
struct option_state {
  struct mount_options *out;
  unsigned long atime_flags; /* MS_NOATIME, MS_RELATIME, MS_STRICTATIME as mount(8) has them */
  bool atime_given;
};

static const struct option_rule *
find_option_rule(const char *name)
{
  size_t count = sizeof option_rules / sizeof option_rules[0];

  for (size_t i = 0; i < count; i++)
    if (strcmp(option_rules[i].name, name) == 0)
      return &option_rules[i];
  return NULL;
}

static void
apply_attr(struct mount_options *out, uint64_t attr, bool clear)
{
  if (clear) {
    out->attr_set &= ~attr;
    out->attr_clear |= attr;
  } else {
    out->attr_clear &= ~attr;
    out->attr_set |= attr;
  }
}

/* The atime options combine the way mount(2) combines their MS_ flags: strictatime
   wins over noatime, which wins over relatime, the kernel's default.  mount_setattr()
   takes one mode, and only changes it when MOUNT_ATTR__ATIME is in attr_clear. */
static void
resolve_atime(struct option_state *state)
{
  uint64_t mode = MOUNT_ATTR_RELATIME;

  if (!state->atime_given)
    return;
  if (state->atime_flags & MS_STRICTATIME)
    mode = MOUNT_ATTR_STRICTATIME;
  else if (state->atime_flags & MS_NOATIME)
    mode = MOUNT_ATTR_NOATIME;
  state->out->attr_set = (state->out->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
  state->out->attr_clear |= MOUNT_ATTR__ATIME;
}

static void
apply_rule(struct option_state *state, const struct option_rule *rule)
{
  struct mount_options *out = state->out;

  switch (rule->kind) {
  case OPTION_ATTR:
    apply_attr(out, rule->flag, rule->clear);
    break;
  case OPTION_ATIME:
    state->atime_given = true;
    state->atime_flags =
        rule->clear ? state->atime_flags & ~rule->flag : state->atime_flags | rule->flag;
    break;
  case OPTION_PROPAGATION:
    out->propagation = rule->flag;
    out->propagation_recursive = rule->recursive;
    break;
  case OPTION_RBIND:
    out->recursive = true;
    /* fall through */
  case OPTION_BIND:
    out->bind = true;
    break;
  case OPTION_IGNORE:
  case OPTION_REFUSE:
    break;
  }
}

/* Sort one option (at PATH) into STATE; what no rule knows is a filesystem parameter. */
static int
classify_option(struct option_state *state, const char *option, const char *path)
{
  const struct option_rule *rule = find_option_rule(option);

  if (option[0] == '\0')
    return fail("%s: must not be empty", path);
  /* "x-" options are hints for user-space tools, never for the kernel (mount(8)). */
  if (strncmp(option, "x-", 2) == 0)
    return 0;
  if (rule && rule->kind == OPTION_REFUSE)
    return fail("%s: '%s' is not supported by pieces-run yet", path, option);
  if (rule) {
    apply_rule(state, rule);
    return 0;
  }
  return config_copy_string(option, &state->out->data[state->out->n_data++]);
}

static int
parse_options(json_t *mount, const char *path, struct mount_options *out)
{
  char where[CONFIG_PATH_MAX], element[CONFIG_PATH_MAX];
  struct option_state state = {.out = out};
  json_t *options = NULL, *option;
  size_t index;
  int r = config_get_array(mount, path, "options", &options);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(options), sizeof *out->data, &out->data) < 0)
    return -1;
  config_path_member(where, path, "options");
  json_array_foreach (options, index, option) {
    config_path_index(element, where, index);
    if (!json_is_string(option))
      return fail("%s: must be a string", element);
    if (classify_option(&state, json_string_value(option), element) < 0)
      return -1;
  }
  resolve_atime(&state);
  return 0;
}

/* A relative destination is taken from the container's /, as runc does. */
static int
parse_destination(json_t *mount, const char *path, char **out)
{
  _cleanup_free_ char *destination = NULL;

  if (config_require(mount, path, "destination") < 0 ||
      config_get_string(mount, path, "destination", &destination) < 0)
    return -1;
  if (destination[0] == '\0')
    return fail("%s.destination: must not be empty", path);
  if (destination[0] == '/') {
    *out = steal_pointer(&destination);
    return 0;
  }
  if (asprintf(out, "/%s", destination) < 0) {
    *out = NULL;
    return fail_errno("copy a string from config.json");
  }
  return 0;
}

static int
parse_mount(json_t *mount, const char *path, struct mount_entry *entry)
{
  if (!json_is_object(mount))
    return fail("%s: must be an object", path);
  if (parse_destination(mount, path, &entry->destination) < 0 ||
      config_get_string(mount, path, "type", &entry->type) < 0 ||
      config_get_string(mount, path, "source", &entry->source) < 0 ||
      parse_options(mount, path, &entry->options) < 0)
    return -1;
  if (entry->type && strcmp(entry->type, "bind") == 0)
    entry->options.bind = true;
  if (entry->options.bind && (!entry->source || entry->source[0] == '\0'))
    return fail("%s.source: required for a bind mount", path);
  if (!entry->options.bind && !entry->type)
    return fail("%s.type: required unless the mount is a bind mount", path);
  return 0;
}

int
config_parse_mounts(json_t *document, struct spec *spec)
{
  char where[CONFIG_PATH_MAX];
  json_t *mounts = NULL, *mount;
  size_t index;
  int r = config_get_array(document, "", "mounts", &mounts);

  if (r <= 0)
    return r;
  if (json_array_size(mounts) > CONFIG_MAX_MOUNTS)
    return fail("mounts: more than %d entries", CONFIG_MAX_MOUNTS);
  if (config_alloc_array(json_array_size(mounts), sizeof *spec->mounts, &spec->mounts) < 0)
    return -1;
  spec->n_mounts = json_array_size(mounts);
  json_array_foreach (mounts, index, mount) {
    config_path_index(where, "mounts", index);
    if (parse_mount(mount, where, &spec->mounts[index]) < 0)
      return -1;
  }
  return 0;
}

void
config_free_mounts(struct mount_entry *mounts, size_t count)
{
  if (!mounts)
    return;
  for (size_t i = 0; i < count; i++) {
    free(mounts[i].destination);
    free(mounts[i].type);
    free(mounts[i].source);
    config_free_strings(mounts[i].options.data);
  }
  free(mounts);
}
