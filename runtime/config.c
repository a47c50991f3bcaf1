/* spec_load(): read BUNDLE/config.json, within limits, and check all of it before the
 * runtime creates anything.  The parts of the document are read by the config_*.c
 * files; this one reads the file, the top-level members and owns struct spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config_internal.h"
#include "error.h"

/* Read the whole of config.json from FD, refusing anything that is not a regular file
   of at most CONFIG_MAX_BYTES.  The read stops one byte past what fstat() promised,
   so a file that grows meanwhile cannot make us read without bound. */
static int
read_config_file(int fd, char **text, size_t *length)
{
  _cleanup_free_ char *buffer = NULL;
  struct stat st;
  size_t used = 0, capacity;
  ssize_t n;

  if (fstat(fd, &st) < 0)
    return fail_errno("stat config.json");
  if (!S_ISREG(st.st_mode))
    return fail("config.json: not a regular file");
  if (st.st_size > CONFIG_MAX_BYTES)
    return fail("config.json: %lld bytes is more than the limit of %d bytes",
                (long long)st.st_size, CONFIG_MAX_BYTES);
  capacity = st.st_size + 1;
  buffer = malloc(capacity);
  if (!buffer)
    return fail_errno("read config.json");
  while (used < capacity && (n = read(fd, buffer + used, capacity - used)) != 0) {
    if (n < 0)
      return fail_errno("read config.json");
    used += n;
  }
  if (used == capacity)
    return fail("config.json: changed while it was being read");
  *text = steal_pointer(&buffer);
  *length = used;
  return 0;
}

/* Parse TEXT into the document; syntax errors say where, as config.json:LINE:COLUMN.
   Numbers are read as doubles: Go-written configs hold 18446744073709551615 (an
   unlimited rlimit), which jansson's 64-bit signed integers cannot hold, and every
   other integer we read is far below 2^53, where doubles are exact. */
static int
parse_document(const char *text, size_t length, json_t **out)
{
  json_error_t error;
  json_t *document =
      json_loadb(text, length, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &error);

  if (!document)
    return fail("config.json:%d:%d: %s", error.line, error.column, error.text);
  if (!json_is_object(document)) {
    json_decref(document);
    return fail("config.json: must hold a JSON object");
  }
  if (config_check_depth(document) < 0) {
    json_decref(document);
    return fail_context("config.json");
  }
  *out = document;
  return 0;
}

/* The bundle may be hostile: O_NONBLOCK keeps a FIFO planted as config.json from
   hanging the open. */
static int
load_document(struct spec *spec)
{
  _cleanup_close_ int bundle_fd = -1, fd = -1;
  _cleanup_free_ char *text = NULL;
  size_t length = 0;

  bundle_fd = open(spec->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bundle_fd < 0)
    return fail_errno("open the bundle '%s'", spec->bundle);
  fd = openat(bundle_fd, "config.json", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT)
    return fail("'%s' holds no config.json: is it a bundle directory?", spec->bundle);
  if (fd < 0)
    return fail_errno("open '%s/config.json'", spec->bundle);
  if (read_config_file(fd, &text, &length) < 0)
    return -1;
  return parse_document(text, length, &spec->json);
}

/* Only version 1 of the runtime-spec exists; a later major version may change the
   meaning of fields we would otherwise read the old way. */
static int
parse_oci_version(json_t *document, struct spec *spec)
{
  const char *version;

  if (config_require(document, "", "ociVersion") < 0 ||
      config_get_string(document, "", "ociVersion", &spec->oci_version) < 0)
    return -1;
  version = spec->oci_version;
  if (version[0] != '1' || (version[1] != '\0' && version[1] != '.'))
    return fail("ociVersion: '%s' is not supported; pieces-run reads version 1.x of the "
                "runtime-spec",
                version);
  return 0;
}

/* root.path, made absolute against the bundle, must be a directory. */
static int
resolve_root_path(struct spec *spec, const char *path)
{
  struct stat st;
  int r = path[0] == '/' ? config_copy_string(path, &spec->root_path)
                         : asprintf(&spec->root_path, "%s/%s", spec->bundle, path);

  if (r < 0) {
    spec->root_path = NULL;
    return fail_errno("allocate root.path");
  }
  if (stat(spec->root_path, &st) < 0)
    return fail_errno("root.path: '%s'", spec->root_path);
  if (!S_ISDIR(st.st_mode))
    return fail("root.path: '%s' is not a directory", spec->root_path);
  return 0;
}

static int
parse_root(json_t *document, struct spec *spec)
{
  json_t *root = NULL;
  _cleanup_free_ char *path = NULL;
  int r = config_get_object(document, "", "root", &root);

  if (r < 0)
    return -1;
  if (r == 0)
    return fail("root: required");
  if (config_require(root, "root", "path") < 0 ||
      config_get_string(root, "root", "path", &path) < 0 ||
      config_get_bool(root, "root", "readonly", &spec->root_readonly) < 0)
    return -1;
  if (path[0] == '\0')
    return fail("root.path: must not be empty");
  return resolve_root_path(spec, path);
}

/* hostname or domainname: at most 64 bytes (the kernel's limit), and only with a uts
   namespace of the container's own, or it would rename the host. */
static int
parse_uts_name(json_t *document, const char *key, struct spec *spec, char **out)
{
  int r = config_get_string(document, "", key, out);

  if (r < 0)
    return -1;
  if (r == 0 || (*out)[0] == '\0')
    return 0;
  if (strlen(*out) > HOST_NAME_MAX)
    return fail("%s: longer than %d bytes", key, HOST_NAME_MAX);
  if (!spec->namespaces[NS_UTS].requested)
    return fail("%s: needs a uts namespace in linux.namespaces", key);
  return 0;
}

static int
parse_annotations(json_t *document, struct spec *spec)
{
  json_t *annotations = NULL, *value;
  const char *key;
  int r = config_get_object(document, "", "annotations", &annotations);

  if (r <= 0)
    return r;
  json_object_foreach (annotations, key, value)
    if (!json_is_string(value))
      return fail("annotations[\"%s\"]: must be a string", key);
  spec->annotations = annotations;
  return 0;
}

static int
validate(struct spec *spec)
{
  json_t *document = spec->json;

  if (config_refuse_unsupported(document) < 0 || parse_oci_version(document, spec) < 0 ||
      parse_root(document, spec) < 0 || config_parse_process(document, &spec->process) < 0 ||
      config_parse_linux(document, spec) < 0 ||
      parse_uts_name(document, "hostname", spec, &spec->hostname) < 0 ||
      parse_uts_name(document, "domainname", spec, &spec->domainname) < 0 ||
      config_parse_mounts(document, spec) < 0 || config_parse_hooks(document, spec) < 0 ||
      parse_annotations(document, spec) < 0)
    return -1;
  return 0;
}

int
spec_load(const char *bundle_dir, struct spec **out)
{
  struct spec *spec = calloc(1, sizeof *spec);

  if (!spec)
    return fail_errno("allocate the bundle's configuration");
  spec->bundle = realpath(bundle_dir, NULL);
  if (!spec->bundle) {
    fail_errno("bundle '%s'", bundle_dir);
    spec_free(spec);
    return -1;
  }
  if (load_document(spec) < 0) {
    spec_free(spec);
    return -1;
  }
  if (validate(spec) < 0) {
    spec_free(spec);
    return fail_context("config.json");
  }
  *out = spec;
  return 0;
}

void
spec_free(struct spec *spec)
{
  if (!spec)
    return;
  free(spec->bundle);
  free(spec->oci_version);
  free(spec->root_path);
  free(spec->hostname);
  free(spec->domainname);
  config_free_process(&spec->process);
  config_free_mounts(spec->mounts, spec->n_mounts);
  for (int i = 0; i < NS_COUNT; i++)
    free(spec->namespaces[i].path);
  free(spec->uid_mappings);
  free(spec->gid_mappings);
  for (size_t i = 0; i < spec->n_devices; i++)
    free(spec->devices[i].path);
  free(spec->devices);
  free(spec->device_rules);
  free(spec->cgroups_path);
  config_free_strings(spec->masked_paths);
  config_free_strings(spec->readonly_paths);
  config_free_strings(spec->sysctl_keys);
  config_free_strings(spec->sysctl_values);
  free(spec->mount_label);
  config_free_seccomp(spec->seccomp);
  config_free_hooks(&spec->hooks_prestart);
  config_free_hooks(&spec->hooks_create_runtime);
  config_free_hooks(&spec->hooks_create_container);
  config_free_hooks(&spec->hooks_start_container);
  config_free_hooks(&spec->hooks_poststart);
  config_free_hooks(&spec->hooks_poststop);
  json_decref(spec->json);
  free(spec);
}

int
spec_override_args(struct spec *spec, char *const *argv, int argc)
{
  char **args = NULL;

  if (argc < 1 || argv[0][0] == '\0')
    return fail("the command to run must not be empty");
  if (config_alloc_array(argc, sizeof *args, &args) < 0)
    return -1;
  for (int i = 0; i < argc; i++) {
    if (config_copy_string(argv[i], &args[i]) < 0) {
      config_free_strings(args);
      return -1;
    }
  }
  config_free_strings(spec->process.args);
  spec->process.args = args;
  return 0;
}
