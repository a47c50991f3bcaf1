/* The Piecefile: what to build.  The grammar is in bundle-spec/piecefile.md.
 *
 * Parsing reads the whole file and checks everything before the build touches the
 * network or the disk, so a bad Piecefile fails fast and leaves nothing behind.  ARG and
 * ENV substitutions happen here too, so what comes out is final: the steps that act on
 * the root filesystem (WORKDIR, COPY, RUN), each with the state in effect on its line,
 * and the configuration of the finished bundle.  Only what needs the image itself (user
 * and group names) is left for the build.
 */
#ifndef PIECES_BUILD_PIECEFILE_H
#define PIECES_BUILD_PIECEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "image_user.h"
#include "kvlist.h"

/* A Piecefile larger than this is not a hand-written build description. */
#define PIECEFILE_MAX_SIZE (1024 * 1024)

/* The command a bundle runs when the Piecefile has neither CMD nor ENTRYPOINT. */
#define PIECEFILE_DEFAULT_CMD "/bin/sh"

/* A USER in effect, or a --chown: as written, with the line it was written on. */
struct piecefile_user {
  struct user_spec spec; /* spec.user NULL: root, nothing to look up */
  unsigned line;
  char *text; /* "USER app:staff" or "COPY --chown=app", for messages */
};

enum piecefile_step_kind {
  PIECEFILE_WORKDIR, /* make the directory if it is missing */
  PIECEFILE_COPY,
  PIECEFILE_RUN,
};

struct piecefile_step {
  enum piecefile_step_kind kind;
  unsigned line;
  char *text;                 /* the instruction, for progress notes */
  char *path;                 /* WORKDIR: absolute and clean; COPY: the destination, absolute */
  bool path_is_directory;     /* COPY: the destination ends in '/' (or is '.') */
  char **sources;             /* COPY: as written, relative to the build directory */
  struct piecefile_user user; /* WORKDIR, RUN: the USER in effect; COPY: --chown */
  int chmod;                  /* COPY --chmod, or -1 */
  char **args;                /* RUN: the process's arguments */
  char **env;                 /* RUN: ENV in effect and the ARG values, "NAME=VALUE" */
  char *cwd;                  /* RUN: the WORKDIR in effect */
};

struct piecefile {
  char *from_url;         /* the root filesystem tarball */
  unsigned from_url_line; /* where FROM_URL was given */
  unsigned cmd_line;      /* where CMD was given, or 0 */
  unsigned entrypoint_line;
  bool cmd_ignored;           /* CMD given with the shell form of ENTRYPOINT */
  char **args;                /* process.args: ENTRYPOINT and CMD, or the default */
  char **env;                 /* process.env, "NAME=VALUE" */
  char *cwd;                  /* process.cwd */
  struct piecefile_user user; /* process.user */
  struct kvlist labels;       /* annotations, in order */
  char *hostname;             /* NULL: the bundle name */
  struct piecefile_step *steps;
  size_t n_steps;
  char **unused_build_args; /* --build-arg names no ARG declared */
};

/* Read and parse the Piecefile at path.  Messages name it as "PATH:LINE: ...", with
 * PATH exactly as given, so pass the path the way the user would write it.
 * build_args are the --build-arg values (NAME=VALUE), or NULL. */
int piecefile_load(const char *path, const struct kvlist *build_args, struct piecefile *pf);
/* Parse text of length len (it need not be NUL-terminated); path is for messages. */
int piecefile_parse(const char *text, size_t len, const char *path,
                    const struct kvlist *build_args, struct piecefile *pf);
void piecefile_free(struct piecefile *pf);

/* Whether any step needs a runtime (a RUN). */
bool piecefile_has_run(const struct piecefile *pf);

#endif
