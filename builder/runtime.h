/* The OCI runtime that runs RUN steps.  pieces-build and the runtime still meet only
 * through a bundle: the builder writes one, the runtime runs it.
 *
 * By default that is the pieces-run installed next to pieces-build (the directory of
 * /proc/self/exe), else the first pieces-run in PATH.  --runtime names another: a path,
 * or a name looked up in PATH.  pieces-run is invoked as `pieces-run BUNDLE`; any other
 * runtime (runc, crun, youki) with the runc command line, `RUNTIME run --bundle BUNDLE
 * ID`.
 */
#ifndef PIECES_BUILD_RUNTIME_H
#define PIECES_BUILD_RUNTIME_H

#include <stdbool.h>

struct runtime {
  char *path;
  bool pieces_run; /* the pieces-run command line rather than runc's */
};

/* requested: --runtime, or NULL for the default. */
int runtime_find(const char *requested, struct runtime *runtime);
void runtime_release(struct runtime *runtime);

/* Run the bundle at bundle_path (id names the container for runc-style runtimes) in the
 * foreground: stdin from /dev/null, stdout and stderr to pieces-build's stderr (its
 * stdout carries only the bundle path).  SIGINT and SIGTERM received meanwhile are
 * passed on.  *status is the runtime's wait status. */
int runtime_run(const struct runtime *runtime, const char *bundle_path, const char *id,
                int *status);

#endif
