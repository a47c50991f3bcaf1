#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kvlist.h"
#include "strv.h"

struct kv *
kvlist_find(const struct kvlist *list, const char *key, size_t len)
{
  for (size_t i = 0; i < list->n; i++)
    if (strlen(list->items[i].key) == len && memcmp(list->items[i].key, key, len) == 0)
      return &list->items[i];
  return NULL;
}

static int
replace_value(struct kv *item, const char *value)
{
  char *copy = NULL;

  if (value && (copy = strdup(value)) == NULL)
    return fail("out of memory");
  free(item->value);
  item->value = copy;
  return 0;
}

int
kvlist_set(struct kvlist *list, const char *key, const char *value)
{
  struct kv *item = kvlist_find(list, key, strlen(key));

  if (item)
    return replace_value(item, value);
  if (list->n == list->cap) {
    size_t cap = list->cap ? 2 * list->cap : 8;
    struct kv *grown = realloc(list->items, cap * sizeof *grown);

    if (grown == NULL)
      return fail("out of memory");
    list->items = grown;
    list->cap = cap;
  }
  item = &list->items[list->n];
  memset(item, 0, sizeof *item);
  item->key = strdup(key);
  if (item->key == NULL)
    return fail("out of memory");
  list->n++;
  return replace_value(item, value);
}

int
kvlist_copy(const struct kvlist *from, struct kvlist *to)
{
  for (size_t i = 0; i < from->n; i++)
    if (kvlist_set(to, from->items[i].key, from->items[i].value) < 0)
      return -1;
  return 0;
}

int
kvlist_append_env(const struct kvlist *list, char ***strv, size_t *count)
{
  for (size_t i = 0; i < list->n; i++) {
    const struct kv *item = &list->items[i];
    char *pair;
    int r;

    if (item->value == NULL)
      continue;
    if (asprintf(&pair, "%s=%s", item->key, item->value) < 0)
      return fail("out of memory");
    r = strv_append(strv, count, pair, strlen(pair));
    free(pair);
    if (r < 0)
      return -1;
  }
  return 0;
}

void
kvlist_release(struct kvlist *list)
{
  for (size_t i = 0; i < list->n; i++) {
    free(list->items[i].key);
    free(list->items[i].value);
  }
  free(list->items);
  memset(list, 0, sizeof *list);
}
