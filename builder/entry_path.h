/* Archive member names, made into paths relative to the root filesystem.
 *
 * The name comes from the tarball, so from whoever made it: it is refused when it is
 * absolute or has a ".." component, rather than rewritten, so a hostile tarball fails
 * the build instead of landing somewhere its author did not say.
 */
#ifndef PIECES_BUILD_ENTRY_PATH_H
#define PIECES_BUILD_ENTRY_PATH_H

/* PATH_MAX: the longest path the kernel takes, counting the terminating NUL. */
#define ENTRY_PATH_MAX 4096

/* Write the clean form of name into clean: "." components, empty components and
 * trailing slashes dropped, so "./usr//bin/" gives "usr/bin" and "./" gives "" (the
 * top of the root filesystem).  Fails on an absolute name, a ".." component, an empty
 * name or one of ENTRY_PATH_MAX bytes or more. */
int entry_path_clean(const char *name, char clean[ENTRY_PATH_MAX]);

#endif
