/* An ordered list of NAME=VALUE pairs: the environment, labels, build arguments.
 * Setting a name that is already there replaces its value in place, so the order is
 * the order of first appearance, and output built from it is reproducible. */
#ifndef PIECES_BUILD_KVLIST_H
#define PIECES_BUILD_KVLIST_H

#include <stdbool.h>
#include <stddef.h>

struct kv {
  char *key;
  char *value; /* NULL: declared without a value (an ARG with no default) */
  bool used;   /* for callers that track use (build arguments) */
};

struct kvlist {
  struct kv *items;
  size_t n;
  size_t cap;
};

/* value may be NULL.  Copies both. */
int kvlist_set(struct kvlist *list, const char *key, const char *value);
/* The pair whose key is the len bytes at key, or NULL. */
struct kv *kvlist_find(const struct kvlist *list, const char *key, size_t len);
int kvlist_copy(const struct kvlist *from, struct kvlist *to);
/* Append "KEY=VALUE" for each pair with a value to *strv (strv.h). */
int kvlist_append_env(const struct kvlist *list, char ***strv, size_t *count);
void kvlist_release(struct kvlist *list);

static inline void
cleanup_kvlist(struct kvlist *list)
{
  kvlist_release(list);
}
#define _cleanup_kvlist_ __attribute__((cleanup(cleanup_kvlist)))

#endif
