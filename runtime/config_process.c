/* config.json "process": what runs in the container, as whom and with what. */
#include <stdlib.h>

#include "config_internal.h"
#include "error.h"

static int
parse_args(json_t *process, struct process_spec *out)
{
  json_t *args = config_member(process, "args");

  if (!json_is_array(args) || json_array_size(args) == 0)
    return fail("process.args: must be a non-empty array of strings");
  if (config_get_strings(process, "process", "args", NULL, &out->args, NULL) < 0)
    return -1;
  if (out->args[0][0] == '\0')
    return fail("process.args[0]: the program to run must not be empty");
  return 0;
}

static int
parse_env(json_t *process, struct process_spec *out)
{
  int r =
      config_get_strings(process, "process", "env", config_check_env_entry, &out->env, NULL);

  if (r < 0)
    return -1;
  if (r > 0)
    return 0;
  /* No env at all: an empty list, so the launch code never meets NULL. */
  return config_alloc_array(0, sizeof *out->env, &out->env);
}

static int
parse_cwd(json_t *process, struct process_spec *out)
{
  int r = config_get_string(process, "process", "cwd", &out->cwd);

  if (r < 0)
    return -1;
  if (r == 0)
    return config_copy_string("/", &out->cwd);
  return config_check_absolute_path(out->cwd, "process.cwd");
}

static int
parse_additional_gids(json_t *user, struct process_spec *out)
{
  const char *path = "process.user.additionalGids";
  json_t *gids = NULL;
  int64_t gid;
  int r = config_get_array(user, "process.user", "additionalGids", &gids);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(gids), sizeof *out->additional_gids,
                         &out->additional_gids) < 0)
    return -1;
  for (size_t i = 0; i < json_array_size(gids); i++) {
    if (config_get_integer_at(gids, path, i, 0, CONFIG_ID_MAX, &gid) < 0)
      return -1;
    out->additional_gids[i] = gid;
    out->n_additional_gids = i + 1;
  }
  return 0;
}

static int
parse_user(json_t *process, struct process_spec *out)
{
  json_t *user = NULL;
  int64_t uid = 0, gid = 0, umask = 0;
  int has_umask, r = config_get_object(process, "process", "user", &user);

  if (r <= 0)
    return r;
  if (config_get_integer(user, "process.user", "uid", 0, CONFIG_ID_MAX, &uid) < 0 ||
      config_get_integer(user, "process.user", "gid", 0, CONFIG_ID_MAX, &gid) < 0)
    return -1;
  has_umask = config_get_integer(user, "process.user", "umask", 0, 0777, &umask);
  if (has_umask < 0)
    return -1;
  out->uid = uid;
  out->gid = gid;
  out->has_umask = has_umask;
  out->umask = umask;
  return parse_additional_gids(user, out);
}

static int
parse_console(json_t *process, struct process_spec *out)
{
  const char *path = "process.consoleSize";
  json_t *size = NULL;
  int64_t height = 0, width = 0;
  int r;

  if (config_get_bool(process, "process", "terminal", &out->terminal) < 0)
    return -1;
  r = config_get_object(process, "process", "consoleSize", &size);
  if (r <= 0)
    return r;
  /* struct winsize holds unsigned shorts. */
  if (config_require(size, path, "height") < 0 || config_require(size, path, "width") < 0 ||
      config_get_integer(size, path, "height", 0, 65535, &height) < 0 ||
      config_get_integer(size, path, "width", 0, 65535, &width) < 0)
    return -1;
  out->console_height = height;
  out->console_width = width;
  return 0;
}

/* noNewPrivileges, oomScoreAdj and the LSM labels. */
static int
parse_security(json_t *process, struct process_spec *out)
{
  int64_t adjust = 0;
  int r;

  if (config_get_bool(process, "process", "noNewPrivileges", &out->no_new_privileges) < 0)
    return -1;
  r = config_get_integer(process, "process", "oomScoreAdj", -1000, 1000, &adjust);
  if (r < 0)
    return -1;
  out->has_oom_score_adj = r;
  out->oom_score_adj = adjust;
  if (config_get_string(process, "process", "apparmorProfile", &out->apparmor_profile) < 0 ||
      config_get_string(process, "process", "selinuxLabel", &out->selinux_label) < 0)
    return -1;
  return 0;
}

int
config_parse_process(json_t *document, struct process_spec *out)
{
  json_t *process = NULL;
  int r = config_get_object(document, "", "process", &process);

  if (r < 0)
    return -1;
  if (r == 0)
    return fail("process: required");
  if (parse_args(process, out) < 0 || parse_env(process, out) < 0 ||
      parse_cwd(process, out) < 0 || parse_user(process, out) < 0 ||
      parse_console(process, out) < 0 || config_parse_capabilities(process, out) < 0 ||
      config_parse_rlimits(process, out) < 0 || parse_security(process, out) < 0)
    return -1;
  return 0;
}

void
config_free_process(struct process_spec *process)
{
  config_free_strings(process->args);
  config_free_strings(process->env);
  free(process->cwd);
  free(process->additional_gids);
  free(process->rlimits);
  free(process->apparmor_profile);
  free(process->selinux_label);
}
