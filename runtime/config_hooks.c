/* config.json "hooks": programs the runtime runs at fixed points of the lifecycle. */
#include <limits.h>
#include <stdlib.h>

#include "config_internal.h"
#include "error.h"

/* One {path, args, env, timeout} object at PATH. */
static int
parse_hook(json_t *object, const char *path, struct hook *hook)
{
  char where[CONFIG_PATH_MAX];
  int64_t timeout = 0;

  if (!json_is_object(object))
    return fail("%s: must be an object", path);
  if (config_require(object, path, "path") < 0 ||
      config_get_string(object, path, "path", &hook->path) < 0)
    return -1;
  config_path_member(where, path, "path");
  if (config_check_absolute_path(hook->path, where) < 0 ||
      config_get_strings(object, path, "args", NULL, &hook->args, NULL) < 0 ||
      config_get_strings(object, path, "env", config_check_env_entry, &hook->env, NULL) < 0 ||
      config_get_integer(object, path, "timeout", 1, INT_MAX, &timeout) < 0)
    return -1;
  hook->timeout = timeout;
  return 0;
}

static int
parse_hook_list(json_t *hooks, const char *key, struct hook_list *list)
{
  char path[CONFIG_PATH_MAX], where[CONFIG_PATH_MAX];
  json_t *array = NULL, *object;
  size_t index;
  int r = config_get_array(hooks, "hooks", key, &array);

  if (r <= 0)
    return r;
  if (config_alloc_array(json_array_size(array), sizeof *list->hooks, &list->hooks) < 0)
    return -1;
  list->count = json_array_size(array);
  config_path_member(path, "hooks", key);
  json_array_foreach (array, index, object) {
    config_path_index(where, path, index);
    if (parse_hook(object, where, &list->hooks[index]) < 0)
      return -1;
  }
  return 0;
}

int
config_parse_hooks(json_t *document, struct spec *spec)
{
  json_t *hooks = NULL;
  int r = config_get_object(document, "", "hooks", &hooks);

  if (r <= 0)
    return r;
  if (parse_hook_list(hooks, "prestart", &spec->hooks_prestart) < 0 ||
      parse_hook_list(hooks, "createRuntime", &spec->hooks_create_runtime) < 0 ||
      parse_hook_list(hooks, "createContainer", &spec->hooks_create_container) < 0 ||
      parse_hook_list(hooks, "startContainer", &spec->hooks_start_container) < 0 ||
      parse_hook_list(hooks, "poststart", &spec->hooks_poststart) < 0 ||
      parse_hook_list(hooks, "poststop", &spec->hooks_poststop) < 0)
    return -1;
  return 0;
}

void
config_free_hooks(struct hook_list *list)
{
  if (!list->hooks)
    return;
  for (size_t i = 0; i < list->count; i++) {
    free(list->hooks[i].path);
    config_free_strings(list->hooks[i].args);
    config_free_strings(list->hooks[i].env);
  }
  free(list->hooks);
}
