/* Removing a directory tree that came from a tarball, so from anyone.
 *
 * Everything goes through directory fds: each directory is opened with
 * O_NOFOLLOW|O_DIRECTORY relative to its parent and its entries are removed with
 * unlinkat(), so a symlink inside the tree is removed itself and never followed out of
 * it.  Read-only directories (0555 or 0000 in the tarball) are made writable first. */
#ifndef PIECES_BUILD_REMOVE_TREE_H
#define PIECES_BUILD_REMOVE_TREE_H

/* Remove name, relative to parentfd, and everything below it.  A missing name is fine. */
int remove_tree_at(int parentfd, const char *name);

#endif
