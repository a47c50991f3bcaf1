/* The arguments of ENV, LABEL, ARG, WORKDIR, USER, HOSTNAME, COPY and FROM_URL, read the
 * way Docker reads a Dockerfile's:
 *
 *   - 'single quotes' keep everything literally;
 *   - "double quotes" keep everything except \" \\ \$, which stand for " \ $, and $
 *     substitutions, which happen;
 *   - outside quotes a backslash makes the next character literal;
 *   - $NAME, ${NAME}, ${NAME:-DEFAULT} (DEFAULT when NAME is unset or empty) and
 *     ${NAME:+ALTERNATIVE} (ALTERNATIVE when NAME is set and not empty) are replaced;
 *     an unset NAME gives nothing; a $ not followed by a name or { is kept.
 *
 * A substituted value is taken as it is: it is never split into words and its quotes
 * are not interpreted.  CMD, ENTRYPOINT and RUN do not come here: their text goes to
 * the program (or the shell) as written.
 */
#ifndef PIECES_BUILD_WORDS_H
#define PIECES_BUILD_WORDS_H

#include <stddef.h>

struct words_vars {
  /* The value of the variable named by the len bytes at name, or NULL when unset. */
  const char *(*lookup)(void *context, const char *name, size_t len);
  void *context;
};

/* Quotes are ordinary characters and backslashes too, except in \$: for the elements of
 * a JSON array, whose quoting JSON already did. */
#define WORDS_LITERAL_QUOTES 1

/* Split text into words at blanks outside quotes, each word unquoted and substituted.
 * vars may be NULL (no substitution).  *words is NULL-terminated (strv_free it). */
int words_split(const char *text, const struct words_vars *vars, char ***words);
/* text as one word: quotes removed and variables substituted, blanks kept. */
int words_expand(const char *text, const struct words_vars *vars, int flags, char **word);

#endif
