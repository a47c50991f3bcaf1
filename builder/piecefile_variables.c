/* ENV, ARG and LABEL, and the variables that $NAME substitutions read: ENV first, then
 * ARG (as in Dockerfiles, ENV wins). */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "piecefile_internal.h"
#include "strv.h"

/* The environment every bundle starts with, and that $PATH reads. */
static const char *const default_env[][2] = {
    {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
    {"TERM", "xterm"},
};

/* Docker's predefined build arguments: a RUN sees them when --build-arg gives them,
 * without an ARG, so builds behind a proxy need no change to the Piecefile. */
static const char *const proxy_args[] = {
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
    "ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy",
};

/* Annotation keys pieces-build sets itself. */
static const char reserved_label_prefix[] = "org.pieces.";
static const char source_label[] = "org.opencontainers.image.source";

static const char *
lookup(void *context, const char *name, size_t len)
{
  struct parser *p = context;
  const struct kv *item = kvlist_find(&p->env, name, len);

  if (item == NULL)
    item = kvlist_find(&p->args, name, len);
  return item ? item->value : NULL;
}

int
parser_variables_init(struct parser *p, const struct kvlist *build_args)
{
  p->vars.lookup = lookup;
  p->vars.context = p;
  for (size_t i = 0; i < sizeof default_env / sizeof *default_env; i++)
    if (kvlist_set(&p->env, default_env[i][0], default_env[i][1]) < 0)
      return -1;
  return build_args ? kvlist_copy(build_args, &p->build_args) : 0;
}

static bool
is_proxy_arg(const char *name)
{
  for (size_t i = 0; i < sizeof proxy_args / sizeof *proxy_args; i++)
    if (strcmp(name, proxy_args[i]) == 0)
      return true;
  return false;
}

static int
add_missing(struct kvlist *env, const struct kv *item)
{
  if (item->value == NULL || kvlist_find(env, item->key, strlen(item->key)))
    return 0;
  return kvlist_set(env, item->key, item->value);
}

int
parser_run_env(struct parser *p, char ***env)
{
  _cleanup_kvlist_ struct kvlist all = {0};
  size_t count = 0;

  if (kvlist_copy(&p->env, &all) < 0)
    return -1;
  for (size_t i = 0; i < p->args.n; i++)
    if (add_missing(&all, &p->args.items[i]) < 0)
      return -1;
  for (size_t i = 0; i < p->build_args.n; i++) {
    struct kv *item = &p->build_args.items[i];

    if (!is_proxy_arg(item->key))
      continue;
    item->used = true;
    if (add_missing(&all, item) < 0)
      return -1;
  }
  return kvlist_append_env(&all, env, &count);
}

int
parser_unused_build_args(struct parser *p, char ***names)
{
  size_t count = 0;

  for (size_t i = 0; i < p->build_args.n; i++) {
    const struct kv *item = &p->build_args.items[i];

    /* A proxy argument is used by RUN; without a RUN it is no mistake either. */
    if (!item->used && !is_proxy_arg(item->key) &&
        strv_append(names, &count, item->key, strlen(item->key)) < 0)
      return -1;
  }
  return 0;
}

/* The length of the first word of text, quotes and escapes kept: what decides between
 * the two forms below, as in Docker. */
static size_t
first_word_length(const char *text)
{
  const char *p = text;

  while (*p && *p != ' ' && *p != '\t') {
    if (*p == '\\' && p[1])
      p += 2;
    else if (*p == '"' || *p == '\'') {
      const char *close = strchr(p + 1, *p);

      p = close ? close + 1 : p + strlen(p);
    } else
      p++;
  }
  return p - text;
}

/* "NAME=VALUE ..." (every word has '='), or the legacy "NAME VALUE" with the rest of
 * the line as the value.  Substitutions see the variables as they were before this
 * instruction, as in Dockerfiles: ENV A=1 B=$A gives B the old A. */
static int
parse_pairs(struct parser *p, const char *keyword, const char *args, struct kvlist *pairs)
{
  size_t first_len = first_word_length(args);
  _cleanup_strv_ char **words = NULL;

  if (memchr(args, '=', first_len) == NULL) {
    _cleanup_free_ char *name = strndup(args, first_len);
    _cleanup_free_ char *key = NULL, *value = NULL;
    const char *rest = args + first_len + strspn(args + first_len, " \t");

    if (name == NULL)
      return fail("out of memory");
    if (*rest == '\0')
      return fail("%s: '%s' has no value; write %s NAME=VALUE (or %s NAME VALUE)", keyword,
                  name, keyword, keyword);
    if (words_expand(name, &p->vars, 0, &key) < 0 ||
        words_expand(rest, &p->vars, 0, &value) < 0)
      return fail_context("%s", keyword);
    if (key[0] == '\0')
      return fail("%s: a name is empty", keyword);
    return kvlist_set(pairs, key, value);
  }
  if (words_split(args, &p->vars, &words) < 0)
    return fail_context("%s", keyword);
  for (size_t i = 0; words[i]; i++) {
    char *equals = strchr(words[i], '=');

    if (equals == NULL)
      return fail("%s: '%s' is not NAME=VALUE", keyword, words[i]);
    if (equals == words[i])
      return fail("%s: '%s' has an empty name", keyword, words[i]);
    *equals = '\0';
    if (kvlist_set(pairs, words[i], equals + 1) < 0)
      return -1;
  }
  return 0;
}

int
parse_env(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_kvlist_ struct kvlist pairs = {0};

  if (parse_pairs(p, "ENV", args, &pairs) < 0)
    return -1;
  return kvlist_copy(&pairs, &p->env);
}

int
parse_label(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_kvlist_ struct kvlist pairs = {0};

  if (parse_pairs(p, "LABEL", args, &pairs) < 0)
    return -1;
  for (size_t i = 0; i < pairs.n; i++) {
    const char *key = pairs.items[i].key;

    if (strncmp(key, reserved_label_prefix, strlen(reserved_label_prefix)) == 0 ||
        strcmp(key, source_label) == 0)
      return fail("LABEL: '%s' is set by pieces-build itself; choose another key", key);
  }
  return kvlist_copy(&pairs, &p->pf->labels);
}

static bool
is_arg_name(const char *name)
{
  if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
        name[0] == '_'))
    return false;
  return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
         strlen(name);
}

/* ARG NAME[=DEFAULT] ...: a --build-arg NAME=VALUE overrides the default. */
int
parse_arg(struct parser *p, const struct instruction_line *line, const char *args)
{
  _cleanup_strv_ char **words = NULL;

  if (words_split(args, &p->vars, &words) < 0)
    return fail_context("ARG");
  for (size_t i = 0; words[i]; i++) {
    char *equals = strchr(words[i], '=');
    struct kv *given;

    if (equals)
      *equals = '\0';
    if (!is_arg_name(words[i]))
      return fail("ARG: '%s' is not a valid name: use letters, digits and '_', not starting "
                  "with a digit",
                  words[i]);
    given = kvlist_find(&p->build_args, words[i], strlen(words[i]));
    if (given)
      given->used = true;
    /* Declared again without a default: it keeps the value it has. */
    else if (!equals && kvlist_find(&p->args, words[i], strlen(words[i])))
      continue;
    if (kvlist_set(&p->args, words[i], given ? given->value : equals ? equals + 1 : NULL) < 0)
      return -1;
  }
  return 0;
}
