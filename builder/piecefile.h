/* The Piecefile: what to build.  The grammar is in bundle-spec/piecefile.md.
 *
 * Parsing reads the whole file and checks everything before the build touches the
 * network or the disk, so a bad Piecefile fails fast and leaves nothing behind.
 */
#ifndef PIECES_BUILD_PIECEFILE_H
#define PIECES_BUILD_PIECEFILE_H

#include <stddef.h>

/* A Piecefile larger than this is not a hand-written build description. */
#define PIECEFILE_MAX_SIZE (1024 * 1024)

struct piecefile {
  char *from_url;         /* the root filesystem tarball */
  unsigned from_url_line; /* where FROM_URL was given */
  char **cmd;             /* process.args: NULL-terminated, at least one word */
  unsigned cmd_line;      /* where CMD was given, or 0 when the default applies */
};

/* The command a bundle runs when the Piecefile has no CMD. */
#define PIECEFILE_DEFAULT_CMD "/bin/sh"

/* Read and parse the Piecefile at path.  Messages name it as "PATH:LINE: ...", with
 * PATH exactly as given, so pass the path the way the user would write it. */
int piecefile_load(const char *path, struct piecefile *pf);
/* Parse text of length len (it need not be NUL-terminated); path is for messages. */
int piecefile_parse(const char *text, size_t len, const char *path, struct piecefile *pf);
void piecefile_free(struct piecefile *pf);

#endif
