/* USER and COPY --chown: "user[:group]" as written, and what it means in an image.
 *
 * Names are looked up in the image's own /etc/passwd and /etc/group, read through the
 * root filesystem's directory fd with RESOLVE_IN_ROOT: a symlink in the image
 * (/etc/passwd -> /host/etc/passwd, or ../../..) cannot make the builder read a file of
 * the host.  The rules are Docker's (runc's):
 *
 *   - user: a name must be in /etc/passwd; a number may be, and need not be;
 *   - without a group, the process gets the user's group from /etc/passwd (0 for a
 *     number that is not there) and, as additional groups, every group of /etc/group
 *     that lists the user by name; with a group, that group and no additional ones;
 *   - for --chown, a name without a group gets its group from /etc/passwd, and a
 *     number without a group is used as the group too (Docker's documented rule).
 */
#ifndef PIECES_BUILD_IMAGE_USER_H
#define PIECES_BUILD_IMAGE_USER_H

#include <stddef.h>
#include <sys/types.h>

struct user_spec {
  char *user;  /* a name or a number, never empty; NULL for "not given" (root) */
  char *group; /* a name or a number, or NULL */
};

struct image_user {
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
};

enum image_user_use {
  IMAGE_USER_PROCESS, /* USER: the process's identity */
  IMAGE_USER_CHOWN,   /* COPY --chown: an owner for files */
};

/* Check the syntax of "user[:group]" and split it.  Nothing is looked up. */
int user_spec_parse(const char *text, struct user_spec *spec);
int user_spec_copy(const struct user_spec *from, struct user_spec *to);
void user_spec_release(struct user_spec *spec);

/* Resolve spec inside the root filesystem rootfd.  A spec with no user is root. */
int image_user_resolve(int rootfd, const struct user_spec *spec, enum image_user_use use,
                       struct image_user *user);
void image_user_release(struct image_user *user);

#endif
