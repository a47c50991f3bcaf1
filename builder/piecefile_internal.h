/* Shared by the files that parse a Piecefile: piecefile.c reads lines and dispatches,
 * piecefile_command.c parses CMD, ENTRYPOINT and RUN, piecefile_variables.c ENV, ARG
 * and LABEL, piecefile_filesystem.c WORKDIR, USER and COPY. */
#ifndef PIECES_BUILD_PIECEFILE_INTERNAL_H
#define PIECES_BUILD_PIECEFILE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kvlist.h"
#include "piecefile.h"
#include "words.h"

#define PIECEFILE_MAX_INSTRUCTIONS 16

/* One instruction after continuation lines are joined. */
struct instruction_line {
  unsigned number;    /* the line the instruction starts on */
  size_t args_column; /* 1-based column of its arguments on that line */
  const char *text;   /* the whole instruction, keyword included */
};

/* What the instructions read so far have set. */
struct parser {
  const char *path;
  struct piecefile *pf;
  unsigned seen_on_line[PIECEFILE_MAX_INSTRUCTIONS]; /* 0 until the instruction is seen */
  struct kvlist build_args; /* --build-arg, with .used set when an ARG takes one */
  struct kvlist env;        /* ENV so far, from PATH and TERM */
  struct kvlist args;       /* ARG declared so far, with their values */
  struct words_vars vars;   /* looks up env, then args */
  char *workdir;
  struct piecefile_user user;
  char **entrypoint;
  bool entrypoint_shell;
  char **cmd;
};

typedef int (*instruction_parser)(struct parser *p, const struct instruction_line *line,
                                  const char *args);

int parse_cmd(struct parser *p, const struct instruction_line *line, const char *args);
int parse_entrypoint(struct parser *p, const struct instruction_line *line, const char *args);
int parse_run(struct parser *p, const struct instruction_line *line, const char *args);
int parse_env(struct parser *p, const struct instruction_line *line, const char *args);
int parse_label(struct parser *p, const struct instruction_line *line, const char *args);
int parse_arg(struct parser *p, const struct instruction_line *line, const char *args);
int parse_workdir(struct parser *p, const struct instruction_line *line, const char *args);
int parse_user(struct parser *p, const struct instruction_line *line, const char *args);
int parse_copy(struct parser *p, const struct instruction_line *line, const char *args);

/* Set up vars, env (PATH, TERM) and the build arguments. */
int parser_variables_init(struct parser *p, const struct kvlist *build_args);
/* The environment of a RUN on this line: ENV, then the ARG values ENV does not set, then
 * the predefined proxy arguments given with --build-arg. */
int parser_run_env(struct parser *p, char ***env);
/* Names of --build-arg values nothing used. */
int parser_unused_build_args(struct parser *p, char ***names);

/* A new step of the given kind on line, appended to pf->steps. */
struct piecefile_step *parser_add_step(struct parser *p, enum piecefile_step_kind kind,
                                       const struct instruction_line *line);
/* WORKDIR, COPY and RUN act on the root filesystem: FROM_URL must come first. */
int parser_require_from_url(struct parser *p, const char *keyword);
/* The JSON form ["prog", "arg", ...]: a non-empty array of strings. */
int parse_json_strings(const char *keyword, const struct instruction_line *line,
                       const char *args, size_t min, const char *example, char ***strings);
int piecefile_user_copy(const struct piecefile_user *from, struct piecefile_user *to);
void piecefile_user_release(struct piecefile_user *user);

static inline void
cleanup_json(json_t **value)
{
  json_decref(*value);
}
#define _cleanup_json_ __attribute__((cleanup(cleanup_json)))

#endif
