/* The one error convention of pieces-build (the same one pieces-run follows).
 *
 * A function that can fail returns int: 0 (or a meaningful non-negative value) on
 * success and -1 on failure.  Before it returns -1 it records exactly one message,
 * so failing is a single statement:
 *
 *     if (fd < 0)
 *       return fail_errno ("open '%s'", path);
 *
 * A caller that has nothing to add passes the failure up with `return -1;`.  A caller
 * that knows more context prefixes it: `return fail_context ("entry '%s'", path);`
 * turns "absolute path refused" into "entry '/etc/passwd': absolute path refused".
 * Only main() prints the message, once, as "pieces-build: <message>".
 */
#ifndef PIECES_BUILD_ERROR_H
#define PIECES_BUILD_ERROR_H

/* Record a message; always returns -1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record a message followed by ": " and strerror(errno); always returns -1. */
int fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, with an explicit errno value (for APIs that return it). */
int fail_with(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the recorded message with more context and ": "; always returns -1. */
int fail_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The recorded message, or "unknown error" if none. */
const char *error_message(void);
/* The errno saved with the last fail_errno/fail_with, or 0. */
int error_errno(void);
/* Put back a message saved earlier (cleanup after a failure may record others). */
void error_restore(const char *message, int errnum);

#endif
