#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cleanup.h"
#include "error.h"
#include "oci_config.h"

#define HOST_NAME_LIMIT 63 /* a DNS label, and what sethostname callers expect */

struct mount_default {
  const char *destination;
  const char *type;
  const char *source;
  const char *options[7]; /* NULL-terminated */
};

/* The mounts `runc spec` writes, in its order. */
static const struct mount_default default_mounts[] = {
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

/* A RUN step resolves names with the host's resolver configuration, as docker build
 * does; read-only, so the step cannot change the host's. */
static const struct mount_default resolv_conf_mount = {
    "/etc/resolv.conf",
    "bind",
    "/etc/resolv.conf",
    {"rbind", "ro", "nosuid", "nodev", "noexec", NULL},
};

/* podman's default set: enough for package managers and daemons that drop privileges,
 * without the ones that reach the host (SYS_ADMIN, NET_ADMIN, SYS_MODULE, ...). */
static const char *const default_capabilities[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
    "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
    "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT", NULL,
};

static const char *const default_namespaces[] = {"pid", "network", "ipc", "uts", "mount", NULL};

/* runc 1.1's lists: kernel interfaces that leak host information or let a container
 * poke the host (kcore, sysrq-trigger, ...). */
static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void
cleanup_json(json_t **value)
{
  json_decref(*value);
}
#define _cleanup_json_ __attribute__((cleanup(cleanup_json)))

static json_t *
string_array(const char *const *strings)
{
  json_t *array = json_array();

  for (size_t i = 0; array && strings[i]; i++) {
    if (json_array_append_new(array, json_string(strings[i])) < 0) {
      json_decref(array);
      return NULL;
    }
  }
  return array;
}

static json_t *
make_user(const struct image_user *user)
{
  json_t *object =
      json_pack("{s:I, s:I}", "uid", (json_int_t)user->uid, "gid", (json_int_t)user->gid);
  json_t *gids;

  /* runc spec leaves additionalGids out when there are none. */
  if (object == NULL || user->n_additional_gids == 0)
    return object;
  gids = json_array();
  for (size_t i = 0; gids && i < user->n_additional_gids; i++)
    if (json_array_append_new(gids, json_integer(user->additional_gids[i])) < 0) {
      json_decref(gids);
      gids = NULL;
    }
  if (json_object_set_new(object, "additionalGids", gids) < 0) {
    json_decref(object);
    return NULL;
  }
  return object;
}

static json_t *
make_process(const struct oci_config_input *input)
{
  return json_pack(
      "{s:b, s:o, s:o, s:o, s:s, s:{s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b}", "terminal", 0,
      "user", make_user(input->user), "args", string_array((const char *const *)input->args),
      "env", string_array((const char *const *)input->env), "cwd", input->cwd, "capabilities",
      "bounding", string_array(default_capabilities), "effective",
      string_array(default_capabilities), "permitted", string_array(default_capabilities),
      "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1);
}

static json_t *
make_mount(const struct mount_default *m)
{
  json_t *mount = json_pack("{s:s, s:s, s:s}", "destination", m->destination, "type", m->type,
                            "source", m->source);

  /* runc spec leaves "options" out when there are none (/proc). */
  if (mount && m->options[0] &&
      json_object_set_new(mount, "options", string_array(m->options)) < 0) {
    json_decref(mount);
    return NULL;
  }
  return mount;
}

static json_t *
make_mounts(const struct oci_config_input *input)
{
  json_t *mounts = json_array();

  for (size_t i = 0; mounts && i < sizeof default_mounts / sizeof *default_mounts; i++) {
    if (json_array_append_new(mounts, make_mount(&default_mounts[i])) < 0) {
      json_decref(mounts);
      return NULL;
    }
  }
  if (mounts && input->for_run && input->resolv_conf &&
      json_array_append_new(mounts, make_mount(&resolv_conf_mount)) < 0) {
    json_decref(mounts);
    return NULL;
  }
  return mounts;
}

static json_t *
make_namespaces(const struct oci_config_input *input)
{
  json_t *namespaces = json_array();

  for (size_t i = 0; namespaces && default_namespaces[i]; i++) {
    /* A RUN step shares the host's network, so that it can download. */
    if (input->for_run && strcmp(default_namespaces[i], "network") == 0)
      continue;
    if (json_array_append_new(namespaces, json_pack("{s:s}", "type", default_namespaces[i])) <
        0) {
      json_decref(namespaces);
      return NULL;
    }
  }
  return namespaces;
}

static json_t *
make_annotations(const struct oci_config_input *input)
{
  json_t *annotations = json_pack("{s:s, s:s}", "org.opencontainers.image.source",
                                  input->source_url, "org.pieces.rootfs.sha256", input->sha256);

  for (size_t i = 0; annotations && input->labels && i < input->labels->n; i++) {
    const struct kv *label = &input->labels->items[i];

    if (json_object_set_new(annotations, label->key, json_string(label->value)) < 0) {
      json_decref(annotations);
      return NULL;
    }
  }
  return annotations;
}

static json_t *
make_config(const struct oci_config_input *input)
{
  char hostname[HOST_NAME_LIMIT + 1];

  snprintf(hostname, sizeof hostname, "%s", input->hostname);
  return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:{s:{s:[{s:b, s:s}]}, s:o, s:o, s:o}, "
                   "s:o}",
                   "ociVersion", "1.0.2", "process", make_process(input), "root", "path",
                   "rootfs", "readonly", 0, "hostname", hostname, "mounts", make_mounts(input),
                   "linux", "resources", "devices", "allow", 0, "access", "rwm", "namespaces",
                   make_namespaces(input), "maskedPaths", string_array(masked_paths),
                   "readonlyPaths", string_array(readonly_paths), "annotations",
                   make_annotations(input));
}

int
oci_config_write(int bundlefd, const struct oci_config_input *input)
{
  _cleanup_json_ json_t *config = make_config(input);
  _cleanup_free_ char *text = NULL;
  size_t len;

  if (config == NULL)
    return fail("build config.json: out of memory");
  /* No JSON_SORT_KEYS: the order above is the order of `runc spec`, and it is fixed.
   * JSON_ENSURE_ASCII is left out too: labels and arguments keep their UTF-8. */
  text = json_dumps(config, JSON_INDENT(2));
  if (text == NULL)
    return fail("build config.json: out of memory");
  len = strlen(text);
  text[len] = '\n'; /* the NUL becomes the final newline; text is not a string after */
  return atomic_file_write(bundlefd, "config.json", text, len + 1, 0644);
}
