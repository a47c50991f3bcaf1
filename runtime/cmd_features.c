/* `features`: the runtime-spec's features document, which tells an engine what this
 * pieces-run accepts in config.json.  It must stay truthful: a field listed here is
 * honoured, one refused by the config reader is absent or marked disabled.
 * tests/runtime-cli-info.bats checks the lists against what config.json accepts.
 */
#include "commands.h"
#include "config.h"
#include "error.h"
#include "options.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#ifndef PIECES_VERSION
#define PIECES_VERSION "0.1.0"
#endif

/* The oldest and newest runtime-spec versions whose config.json pieces-run reads. */
#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.0.2"

static const char features_usage[] =
    "usage: pieces-run features\n"
    "\n"
    "Print the runtime-spec's features document as JSON: the config.json versions,\n"
    "hooks, mount options, namespaces and capabilities pieces-run accepts, and which\n"
    "of cgroups, seccomp, AppArmor, SELinux, Intel RDT and id-mapped mounts it\n"
    "implements.  Capabilities are those of the running kernel that libcap names.\n";

static const char *const hook_names[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NULL};

/* The options the table in config_mounts.c takes itself (everything else goes to the
   filesystem as a parameter, which the spec says not to list here), minus those it
   refuses. */
static const char *const mount_option_names[] = {
    "ro",         "rw",          "nosuid",     "suid",       "nodev",       "dev",
    "noexec",     "exec",        "nodiratime", "diratime",   "nosymfollow", "symfollow",
    "noatime",    "atime",       "relatime",   "norelatime", "strictatime", "nostrictatime",
    "shared",     "rshared",     "slave",      "rslave",     "private",     "rprivate",
    "unbindable", "runbindable", "bind",       "rbind",      "defaults",    NULL};

/* Every namespace type config_namespaces.c accepts; time namespaces are refused. */
static const char *const namespace_names[] = {"pid", "network", "mount",  "ipc",
                                              "uts", "user",    "cgroup", NULL};

static json_t *
string_array(const char *const *items)
{
  json_t *array = json_array();
  for (; array && *items; items++)
    if (json_array_append_new(array, json_string(*items)) < 0) {
      json_decref(array);
      return NULL;
    }
  return array;
}

/* The capabilities config.json may name: those of the running kernel that libcap knows
   by name (it prints others as numbers, which the config reader refuses). */
static json_t *
kernel_capabilities(void)
{
  json_t *array = json_array();
  unsigned count = cap_max_bits();
  for (unsigned value = 0; array && value < count && value < 64; value++) {
    char *name = cap_to_name((cap_value_t)value);
    if (name == NULL) {
      json_decref(array);
      return NULL;
    }
    bool named = strncmp(name, "cap_", 4) == 0;
    for (char *c = name; *c; c++)
      *c = (char)toupper((unsigned char)*c);
    int r = named ? json_array_append_new(array, json_string(name)) : 0;
    cap_free(name);
    if (r < 0) {
      json_decref(array);
      return NULL;
    }
  }
  return array;
}

static json_t *
make_linux_features(void)
{
  return json_pack("{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}, "
                   "s:{s:b}, s:{s:{s:b}}}",
                   "namespaces", string_array(namespace_names), "capabilities",
                   kernel_capabilities(), "cgroup", "v1", true, "v2", true, "systemd", false,
                   "systemdUser", false, "rdma", false, "seccomp", config_seccomp_features(),
                   "apparmor", "enabled", false, "selinux", "enabled", false, "intelRdt",
                   "enabled", false, "mountExtensions", "idmap", "enabled", false);
}

static json_t *
make_features(void)
{
  return json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s}}", "ociVersionMin", OCI_VERSION_MIN,
                   "ociVersionMax", OCI_VERSION_MAX, "hooks", string_array(hook_names),
                   "mountOptions", string_array(mount_option_names), "linux",
                   make_linux_features(), "annotations", "org.pieces.version", PIECES_VERSION);
}

int
cmd_features(const struct global_options *g, int argc, char **argv)
{
  const struct command_line cl = {"features", features_usage, NULL, 0, 0, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  json_t *features = make_features();
  char *text = features ? json_dumps(features, JSON_INDENT(2)) : NULL;
  json_decref(features);
  if (text == NULL) {
    fail("features: make the document: out of memory");
    return command_failed();
  }
  printf("%s\n", text);
  free(text);
  return 0;
}
