/* The default config.json of `pieces-run spec`; see default_spec.h.
 *
 * The content follows `runc spec` so that a bundle made by either runtime runs the same
 * under both.  One deliberate difference: runc 1.1 lists the three capabilities in
 * `ambient` but not in `inheritable`, where the kernel cannot raise them (pieces-run warns
 * about such a config).  We leave `ambient` and `inheritable` out: the process runs as
 * root, so its effective and permitted sets already hold the capabilities, and an empty
 * inheritable set keeps file capabilities of programs in the image from granting more
 * (CVE-2022-29162).
 */
#include "default_spec.h"
#include "error.h"

#include <stdbool.h>
#include <string.h>

/* The runtime-spec version the document is written for. */
#define DEFAULT_OCI_VERSION "1.0.2"

static const char *const default_args[] = {"sh", NULL};

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};

static const char *const default_capabilities[] = {"CAP_AUDIT_WRITE", "CAP_KILL",
                                                   "CAP_NET_BIND_SERVICE", NULL};

static const char *const default_namespaces[] = {"pid",   "network", "ipc", "uts",
                                                 "mount", "cgroup",  NULL};

/* Files in /proc and /sys that leak host information or let a process act on the host.
   powercap's energy counters are a side channel (CVE-2020-8694). */
static const char *const default_masked_paths[] = {"/proc/acpi",
                                                   "/proc/asound",
                                                   "/proc/kcore",
                                                   "/proc/keys",
                                                   "/proc/latency_stats",
                                                   "/proc/timer_list",
                                                   "/proc/timer_stats",
                                                   "/proc/sched_debug",
                                                   "/proc/scsi",
                                                   "/sys/firmware",
                                                   "/sys/devices/virtual/powercap",
                                                   NULL};

static const char *const default_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

struct default_mount {
  const char *destination, *type, *source;
  const char *options[8]; /* NULL-terminated */
};

static const struct default_mount default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm",
     "tmpfs",
     "shm",
     {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup",
     "cgroup",
     "cgroup",
     {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

/* A JSON array of the NULL-terminated ITEMS; NULL when out of memory. */
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

static json_t *
make_process(void)
{
  json_t *capabilities = json_pack(
      "{s:o, s:o, s:o}", "bounding", string_array(default_capabilities), "effective",
      string_array(default_capabilities), "permitted", string_array(default_capabilities));
  return json_pack("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b}",
                   "terminal", true, "user", "uid", 0, "gid", 0, "args",
                   string_array(default_args), "env", string_array(default_env), "cwd", "/",
                   "capabilities", capabilities, "rlimits", "type", "RLIMIT_NOFILE", "hard",
                   1024, "soft", 1024, "noNewPrivileges", true);
}

static json_t *
make_mount(const struct default_mount *m)
{
  json_t *mount = json_pack("{s:s, s:s, s:s}", "destination", m->destination, "type", m->type,
                            "source", m->source);
  if (mount && m->options[0] &&
      json_object_set_new(mount, "options", string_array(m->options)) < 0) {
    json_decref(mount);
    return NULL;
  }
  return mount;
}

static json_t *
make_mounts(void)
{
  json_t *mounts = json_array();
  for (size_t i = 0; mounts && i < sizeof default_mounts / sizeof *default_mounts; i++)
    if (json_array_append_new(mounts, make_mount(&default_mounts[i])) < 0) {
      json_decref(mounts);
      return NULL;
    }
  return mounts;
}

static json_t *
make_namespaces(void)
{
  json_t *namespaces = json_array();
  for (const char *const *type = default_namespaces; namespaces && *type; type++)
    if (json_array_append_new(namespaces, json_pack("{s:s}", "type", *type)) < 0) {
      json_decref(namespaces);
      return NULL;
    }
  return namespaces;
}

static json_t *
make_linux(void)
{
  /* Deny every device; the default nodes the runtime makes in /dev are allowed by it. */
  return json_pack("{s:{s:[{s:b, s:s}]}, s:o, s:o, s:o}", "resources", "devices", "allow",
                   false, "access", "rwm", "namespaces", make_namespaces(), "maskedPaths",
                   string_array(default_masked_paths), "readonlyPaths",
                   string_array(default_readonly_paths));
}

json_t *
default_spec_new(void)
{
  json_t *spec =
      json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", DEFAULT_OCI_VERSION,
                "process", make_process(), "root", "path", "rootfs", "readonly", true,
                "hostname", "pieces", "mounts", make_mounts(), "linux", make_linux());
  if (spec == NULL)
    fail("make the default config.json: out of memory");
  return spec;
}

/* Keep every namespace but network (a user without privileges could not set one up with
   any connectivity) and add a user namespace. */
static int
make_rootless_namespaces(json_t *linux_obj)
{
  json_t *old = json_object_get(linux_obj, "namespaces");
  json_t *namespaces = json_array(), *entry;
  size_t index;
  if (namespaces == NULL)
    return fail("make the rootless config.json: out of memory");
  json_array_foreach (old, index, entry) {
    const char *type = json_string_value(json_object_get(entry, "type"));
    if (type && (strcmp(type, "network") == 0 || strcmp(type, "user") == 0))
      continue;
    json_array_append(namespaces, entry);
  }
  if (json_array_append_new(namespaces, json_pack("{s:s}", "type", "user")) < 0 ||
      json_object_set_new(linux_obj, "namespaces", namespaces) < 0)
    return fail("make the rootless config.json: out of memory");
  return 0;
}

/* Root in the container is ID outside, and no other id is mapped. */
static int
set_mapping(json_t *linux_obj, const char *key, unsigned id)
{
  json_t *mapping =
      json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t)id, "size", 1);
  if (json_object_set_new(linux_obj, key, mapping) < 0)
    return fail("make the rootless config.json: out of memory");
  return 0;
}

/* Drop uid= and gid= options: only the mapped id exists in the user namespace, so
   devpts's gid=5 (tty) would fail. */
static int
drop_id_options(json_t *mount)
{
  json_t *options = json_object_get(mount, "options"), *option;
  size_t index = 0;
  while ((option = json_array_get(options, index)) != NULL) {
    const char *text = json_string_value(option);
    if (text && (strncmp(text, "uid=", 4) == 0 || strncmp(text, "gid=", 4) == 0)) {
      if (json_array_remove(options, index) < 0)
        return fail("make the rootless config.json: out of memory");
      continue;
    }
    index++;
  }
  return 0;
}

/* A new sysfs needs a network namespace owned by the container's user namespace, so /sys
   is the host's, bound read-only, with its submounts (including /sys/fs/cgroup, which
   therefore needs no mount of its own). */
static int
make_rootless_mounts(json_t *mounts)
{
  json_t *mount;
  size_t index = 0;
  while ((mount = json_array_get(mounts, index)) != NULL) {
    const char *destination = json_string_value(json_object_get(mount, "destination"));
    if (destination && strcmp(destination, "/sys/fs/cgroup") == 0) {
      if (json_array_remove(mounts, index) < 0)
        return fail("make the rootless config.json: out of memory");
      continue;
    }
    if (destination && strcmp(destination, "/sys") == 0) {
      json_t *sys =
          json_pack("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", "/sys", "type", "bind",
                    "source", "/sys", "options", "rbind", "nosuid", "noexec", "nodev", "ro");
      if (json_array_set_new(mounts, index, sys) < 0)
        return fail("make the rootless config.json: out of memory");
    } else if (drop_id_options(mount) < 0) {
      return -1;
    }
    index++;
  }
  return 0;
}

int
default_spec_make_rootless(json_t *spec, uid_t uid, gid_t gid)
{
  json_t *linux_obj = json_object_get(spec, "linux");
  json_t *mounts = json_object_get(spec, "mounts");
  if (!json_is_object(linux_obj) || !json_is_array(mounts))
    return fail("make the rootless config.json: 'linux' or 'mounts' is missing");
  if (make_rootless_namespaces(linux_obj) < 0 ||
      set_mapping(linux_obj, "uidMappings", (unsigned)uid) < 0 ||
      set_mapping(linux_obj, "gidMappings", (unsigned)gid) < 0 ||
      make_rootless_mounts(mounts) < 0)
    return -1;
  /* Without privileges there is no cgroup to write device rules into. */
  json_object_del(linux_obj, "resources");
  return 0;
}
