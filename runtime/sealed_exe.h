/* Protection of the runtime binary from the container (CVE-2019-5736).
 *
 * A container that makes its init or an exec'd process run /proc/self/exe runs the
 * runtime's own binary, and could then write to the host's copy through
 * /proc/PID/exe.  Before any container process exists, pieces-run re-executes itself
 * from a detached read-only bind mount of its own binary: /proc/self/exe then names a
 * file that cannot be opened for writing.  Unlike a sealed memfd copy this costs no
 * memory: the page cache of the installed binary is shared.
 */
#ifndef PIECES_SEALED_EXE_H
#define PIECES_SEALED_EXE_H

/* Re-exec from the read-only mount unless already running from a read-only file.
   Returns -1 (with the error recorded) only if that cannot be done. */
int sealed_exe_ensure(char **argv);

#endif
