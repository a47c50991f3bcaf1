/* The config.json that `pieces-run spec` writes: the same container `runc spec` describes
 * (sh on a terminal, read-only root, the standard mounts and namespaces, three
 * capabilities, the masked and read-only paths, every device denied), and its rootless
 * variant.
 */
#ifndef PIECES_DEFAULT_SPEC_H
#define PIECES_DEFAULT_SPEC_H

#include <jansson.h>
#include <sys/types.h>

/* The default document, owned by the caller; NULL with the error recorded. */
json_t *default_spec_new(void);

/* Turn SPEC into one for a user without privileges, as `runc spec --rootless` does: a
   user namespace mapping root in the container to UID and GID (one id each), no network
   namespace, /sys bound from the host instead of a new sysfs, no /sys/fs/cgroup mount,
   no uid=/gid= mount options and no linux.resources.  Returns -1 with the error
   recorded. */
int default_spec_make_rootless(json_t *spec, uid_t uid, gid_t gid);

#endif
