/* Typed access to config.json members, each error naming the JSON path. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "error.h"

/* Paths only ever end up in messages, so one too long is cut short with "...". */
static void __attribute__((format(printf, 2, 3)))
format_path(char out[CONFIG_PATH_MAX], const char *fmt, ...)
{
  va_list args;
  int length;

  va_start(args, fmt);
  length = vsnprintf(out, CONFIG_PATH_MAX, fmt, args);
  va_end(args);
  if (length >= CONFIG_PATH_MAX)
    strcpy(out + CONFIG_PATH_MAX - 4, "...");
}

void
config_path_member(char out[CONFIG_PATH_MAX], const char *parent, const char *key)
{
  if (*parent == '\0')
    format_path(out, "%s", key);
  else
    format_path(out, "%s.%s", parent, key);
}

void
config_path_index(char out[CONFIG_PATH_MAX], const char *parent, size_t index)
{
  format_path(out, "%s[%zu]", parent, index);
}

json_t *
config_member(json_t *obj, const char *key)
{
  json_t *value = json_object_get(obj, key);

  return json_is_null(value) ? NULL : value;
}

int
config_require(json_t *obj, const char *path, const char *key)
{
  char where[CONFIG_PATH_MAX];

  if (config_member(obj, key))
    return 0;
  config_path_member(where, path, key);
  return fail("%s: required", where);
}

/* Look KEY up and check its type; 1 with *out set, 0 when absent, -1 on a bad type. */
static int
get_typed(json_t *obj, const char *path, const char *key, json_type type, const char *expected,
          json_t **out)
{
  char where[CONFIG_PATH_MAX];
  json_t *value = config_member(obj, key);

  if (!value)
    return 0;
  if (json_typeof(value) != type) {
    config_path_member(where, path, key);
    return fail("%s: must be %s", where, expected);
  }
  *out = value;
  return 1;
}

int
config_get_object(json_t *obj, const char *path, const char *key, json_t **out)
{
  return get_typed(obj, path, key, JSON_OBJECT, "an object", out);
}

int
config_get_array(json_t *obj, const char *path, const char *key, json_t **out)
{
  char where[CONFIG_PATH_MAX];
  json_t *array = NULL;
  int r = get_typed(obj, path, key, JSON_ARRAY, "an array", &array);

  if (r <= 0)
    return r;
  if (json_array_size(array) > CONFIG_MAX_ARRAY) {
    config_path_member(where, path, key);
    return fail("%s: more than %d entries", where, CONFIG_MAX_ARRAY);
  }
  *out = array;
  return 1;
}

int
config_get_bool(json_t *obj, const char *path, const char *key, bool *out)
{
  char where[CONFIG_PATH_MAX];
  json_t *value = config_member(obj, key);

  if (!value)
    return 0;
  if (!json_is_boolean(value)) {
    config_path_member(where, path, key);
    return fail("%s: must be true or false", where);
  }
  *out = json_is_true(value);
  return 1;
}

/* The document is parsed with JSON_DECODE_INT_AS_REAL (see config.c), so every number
   is a double: an integer is one with no fraction.  MIN and MAX must lie within
   +-2^53, where doubles hold every integer exactly. */
static int
check_integer(json_t *value, const char *where, int64_t min, int64_t max, int64_t *out)
{
  double number = json_number_value(value);

  if (!json_is_number(value))
    return fail("%s: must be an integer from %lld to %lld", where, (long long)min,
                (long long)max);
  if (number < (double)min || number > (double)max)
    return fail("%s: %.17g is out of range (%lld to %lld)", where, number, (long long)min,
                (long long)max);
  /* In range, so the conversion is defined; a fraction does not survive it. */
  if ((double)(int64_t)number != number)
    return fail("%s: %.17g is not an integer", where, number);
  *out = (int64_t)number;
  return 0;
}

int
config_get_integer(json_t *obj, const char *path, const char *key, int64_t min, int64_t max,
                   int64_t *out)
{
  char where[CONFIG_PATH_MAX];
  json_t *value = config_member(obj, key);

  if (!value)
    return 0;
  config_path_member(where, path, key);
  if (check_integer(value, where, min, max, out) < 0)
    return -1;
  return 1;
}

int
config_get_integer_at(json_t *array, const char *path, size_t index, int64_t min, int64_t max,
                      int64_t *out)
{
  char where[CONFIG_PATH_MAX];

  config_path_index(where, path, index);
  return check_integer(json_array_get(array, index), where, min, max, out);
}

int
config_get_uint64(json_t *obj, const char *path, const char *key, uint64_t *out)
{
  /* 2^64, the double nearest to UINT64_MAX, which Go writes for "unlimited". */
  const double uint64_end = 18446744073709551616.0;
  char where[CONFIG_PATH_MAX];
  json_t *value = config_member(obj, key);
  double number = json_number_value(value);

  if (!value)
    return 0;
  config_path_member(where, path, key);
  if (!json_is_number(value))
    return fail("%s: must be an integer from 0 to 18446744073709551615", where);
  if (number < 0 || number > uint64_end)
    return fail("%s: %.17g is out of range (0 to 18446744073709551615)", where, number);
  if (number == uint64_end) {
    *out = UINT64_MAX;
    return 1;
  }
  if ((double)(uint64_t)number != number)
    return fail("%s: %.17g is not an integer", where, number);
  *out = (uint64_t)number;
  return 1;
}

int
config_get_string(json_t *obj, const char *path, const char *key, char **out)
{
  json_t *value = NULL;
  int r = get_typed(obj, path, key, JSON_STRING, "a string", &value);

  if (r <= 0)
    return r;
  if (config_copy_string(json_string_value(value), out) < 0)
    return -1;
  return 1;
}

/* Copy element INDEX of ARRAY (at PATH) into STRINGS[INDEX] after checking it. */
static int
copy_string_element(json_t *array, const char *path, size_t index, config_string_check check,
                    char **strings)
{
  char where[CONFIG_PATH_MAX];
  json_t *value = json_array_get(array, index);

  config_path_index(where, path, index);
  if (!json_is_string(value))
    return fail("%s: must be a string", where);
  if (check && check(json_string_value(value), where) < 0)
    return -1;
  return config_copy_string(json_string_value(value), &strings[index]);
}

int
config_get_strings(json_t *obj, const char *path, const char *key, config_string_check check,
                   char ***out, size_t *count)
{
  char where[CONFIG_PATH_MAX];
  json_t *array = NULL;
  char **strings = NULL;
  size_t n;
  int r = config_get_array(obj, path, key, &array);

  if (r <= 0)
    return r;
  n = json_array_size(array);
  if (config_alloc_array(n, sizeof *strings, &strings) < 0)
    return -1;
  config_path_member(where, path, key);
  for (size_t i = 0; i < n; i++) {
    if (copy_string_element(array, where, i, check, strings) < 0) {
      config_free_strings(strings);
      return -1;
    }
  }
  *out = strings;
  if (count)
    *count = n;
  return 1;
}

int
config_check_absolute_path(const char *value, const char *path)
{
  if (value[0] != '/')
    return fail("%s: '%s' must be an absolute path", path, value);
  return 0;
}

int
config_check_env_entry(const char *value, const char *path)
{
  if (value[0] == '=' || !strchr(value, '='))
    return fail("%s: '%s' must have the form NAME=VALUE", path, value);
  return 0;
}

int
config_copy_string(const char *value, char **out)
{
  char *copy = strdup(value);

  if (!copy)
    return fail_errno("copy a string from config.json");
  *out = copy;
  return 0;
}

int
config_alloc_array(size_t count, size_t size, void *out)
{
  /* One spare zeroed element: calloc(0, ...) may return NULL, which would read as a
     failure, and an array of pointers comes out NULL-terminated. */
  void *array = calloc(count + 1, size);

  if (!array)
    return fail_errno("allocate %zu entries", count);
  *(void **)out = array;
  return 0;
}

void
config_free_strings(char **strings)
{
  if (!strings)
    return;
  for (char **s = strings; *s; s++)
    free(*s);
  free(strings);
}

/* Check the objects and arrays inside VALUE, which sits at nesting level DEPTH.
   Stops at the first one past the limit, so the walk itself stays shallow. */
static int
check_depth_from(json_t *value, int depth)
{
  const char *key;
  json_t *child;
  size_t index;

  if (!json_is_object(value) && !json_is_array(value))
    return 0;
  if (depth > CONFIG_MAX_DEPTH)
    return fail("objects and arrays nested more than %d levels deep", CONFIG_MAX_DEPTH);
  if (json_is_object(value)) {
    json_object_foreach (value, key, child)
      if (check_depth_from(child, depth + 1) < 0)
        return -1;
  } else {
    json_array_foreach (value, index, child)
      if (check_depth_from(child, depth + 1) < 0)
        return -1;
  }
  return 0;
}

int
config_check_depth(json_t *document)
{
  return check_depth_from(document, 1);
}
