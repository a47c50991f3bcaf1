/* linux.seccomp in the kernel: the filter is compiled to BPF with libseccomp when
 * config.json is loaded (config_seccomp.c calls seccomp_filter_compile), and loaded
 * by process_exec() at the last point the kernel allows, with one seccomp(2) call.
 *
 * This is runtime/seccomp.h; libseccomp's own header is <seccomp.h>, so anything that
 * compiles runtime/ files must name the directory with -iquote, never -I.
 */
#ifndef PIECES_SECCOMP_H
#define PIECES_SECCOMP_H

#include <stdbool.h>
#include "config.h"

/* Compile SECCOMP into seccomp->program.  Everything libseccomp or the kernel refuses
   (a flag the kernel lacks, an action it cannot take, a filter past the kernel's
   4096 instructions) is an error naming its place under linux.seccomp. */
int seccomp_filter_compile(struct seccomp_spec *seccomp);

/* Where process_exec() offers to load the filter: just before it changes to the
   container's user (while the process still has CAP_SYS_ADMIN), and just before
   execve() (after no_new_privs is set and every fd is marked close-on-exec). */
enum seccomp_load_point {
  SECCOMP_LOAD_BEFORE_USER,
  SECCOMP_LOAD_BEFORE_EXEC,
};

/* Load SPEC's filter, if it has one and POINT is the one chosen for it; see
   seccomp.c for which point that is. */
int seccomp_filter_load(const struct spec *spec, enum seccomp_load_point point);

/* Whether libseccomp and the running kernel support SECCOMP_FILTER_FLAG_* FLAG. */
bool seccomp_flag_supported(unsigned flag);

#endif
