/* The one error convention of pieces-run.
 *
 * A function that can fail returns int: 0 (or a meaningful non-negative value) on
 * success and -1 on failure.  Before it returns -1 it records exactly one message,
 * so failing is a single statement:
 *
 *     if (fd < 0)
 *       return fail_errno ("open '%s'", path);
 *
 * A caller that has nothing to add passes the failure up with `return -1;`.  A caller
 * that knows more context prefixes it: `return fail_context ("mounts[%zu]", i);` turns
 * "mount 'proc': Permission denied" into "mounts[2]: mount 'proc': Permission denied".
 * Only the command's top level prints the message, once, through log_error().
 *
 * The container's init process runs in another address space; it sends its message
 * to the parent over the sync socket (see sync.h), so the user still sees one line.
 */
#ifndef PIECES_ERROR_H
#define PIECES_ERROR_H

#include <stdarg.h>

/* Record a message; always returns -1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record a message followed by ": " and strerror(errno); always returns -1. */
int fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, with an explicit errno value (for APIs that return it). */
int fail_with(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a message and remember ERRNUM for callers to test (error_errno), without
   appending its text: "container 'x' does not exist" rather than "...: No such file". */
int fail_as(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the recorded message with more context; always returns -1. */
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The recorded message, or "unknown error" if none. */
const char *error_message(void);
/* The errno saved with the last fail_errno/fail_with, or 0. */
int error_errno(void);
/* Replace the recorded message (used when it arrives from the container process). */
void error_restore(const char *message, int errnum);

#endif
