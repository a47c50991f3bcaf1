#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "remove_tree.h"
#include "store.h"

#define TEMPORARY_SUFFIX ".tmp-"

static bool
is_name_char(char c, bool first)
{
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
    return true;
  return !first && (c == '.' || c == '_' || c == '-');
}

int
store_check_name(const char *name)
{
  size_t len = strlen(name);
  bool valid = len >= 1 && len <= STORE_NAME_MAX;

  for (size_t i = 0; valid && i < len; i++)
    valid = is_name_char(name[i], i == 0);
  if (!valid)
    return fail("invalid bundle name '%s': use 1 to %d of the characters A-Z a-z 0-9 . _ -, "
                "starting with a letter or digit",
                name, STORE_NAME_MAX);
  return 0;
}

static char *
join(const char *a, const char *b)
{
  char *joined;

  return asprintf(&joined, "%s%s", a, b) < 0 ? NULL : joined;
}

int
store_root(char **root)
{
  const char *store = getenv("PIECES_STORE");
  const char *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");

  if (store && store[0])
    *root = strdup(store);
  else if (geteuid() == 0)
    *root = strdup("/var/lib/pieces");
  /* The XDG spec says to ignore a relative XDG_DATA_HOME. */
  else if (xdg && xdg[0] == '/')
    *root = join(xdg, "/pieces");
  else if (home && home[0] == '/')
    *root = join(home, "/.local/share/pieces");
  else
    return fail("no place for bundles: HOME is not set; set PIECES_STORE or use -o");
  return *root ? 0 : fail("out of memory");
}

/* mkdir -p with mode for each directory it creates. */
static int
make_directories(const char *path, mode_t mode)
{
  _cleanup_free_ char *copy = strdup(path);
  struct stat st;

  if (copy == NULL)
    return fail("out of memory");
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return fail_errno("create directory '%s'", copy);
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return fail_errno("create directory '%s'", copy);
  if (stat(copy, &st) < 0)
    return fail_errno("stat '%s'", copy);
  if (!S_ISDIR(st.st_mode))
    return fail("'%s' is not a directory", copy);
  return 0;
}

int
store_bundle_path(const char *name, char **path)
{
  _cleanup_free_ char *root = NULL;
  _cleanup_free_ char *bundles = NULL;

  if (store_root(&root) < 0)
    return -1;
  bundles = join(root, "/bundles");
  if (bundles == NULL)
    return fail("out of memory");
  /* 0700: bundle names and sources are nobody else's business. */
  if (make_directories(bundles, 0700) < 0)
    return fail_context("bundle store");
  if (asprintf(path, "%s/%s", bundles, name) < 0)
    return fail("out of memory");
  return 0;
}

static int
split_destination(struct store_build *build, const char *destination)
{
  _cleanup_free_ char *copy = strdup(destination);
  char *end, *slash;

  if (copy == NULL)
    return fail("out of memory");
  end = copy + strlen(copy);
  while (end > copy + 1 && end[-1] == '/')
    *--end = '\0';
  slash = strrchr(copy, '/');
  if (slash == NULL) {
    build->parent = strdup(".");
    build->leaf = strdup(copy);
  } else {
    build->parent = slash == copy ? strdup("/") : strndup(copy, slash - copy);
    build->leaf = strdup(slash + 1);
  }
  if (build->parent == NULL || build->leaf == NULL)
    return fail("out of memory");
  if (build->leaf[0] == '\0' || strcmp(build->leaf, ".") == 0 || strcmp(build->leaf, "..") == 0)
    return fail("'%s' cannot be a bundle; give the path of a new or existing bundle "
                "directory",
                destination);
  return 0;
}

static bool
is_empty_directory(int fd)
{
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *entry;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return false;
  }
  while ((entry = readdir(dir)) != NULL)
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
      return false;
  return true;
}

/* The destination may be replaced only if it is missing, an empty directory, or a
 * bundle: never a user's directory that -o happened to name by mistake. */
static int
check_replaceable(struct store_build *build)
{
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (fstatat(build->parentfd, build->leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : fail_errno("stat '%s'", build->shown);
  if (S_ISLNK(st.st_mode))
    return fail("'%s' is a symbolic link; refusing to replace it (give the path it points "
                "to)",
                build->shown);
  if (!S_ISDIR(st.st_mode))
    return fail("'%s' exists and is not a directory; refusing to replace it", build->shown);
  fd = openat(build->parentfd, build->leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("open '%s'", build->shown);
  if (faccessat(fd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0 || is_empty_directory(fd))
    return 0;
  return fail("'%s' exists and is not a bundle (it has no config.json); refusing to replace "
              "it",
              build->shown);
}

/* ".NAME.tmp-XXXXXX", XXXXXX random. */
static int
temporary_name(const char *leaf, char **name)
{
  static const char letters[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char random[6];
  char suffix[sizeof random + 1];

  if (getrandom(random, sizeof random, 0) != sizeof random)
    return fail_errno("getrandom");
  for (size_t i = 0; i < sizeof random; i++)
    suffix[i] = letters[random[i] % (sizeof letters - 1)];
  suffix[sizeof random] = '\0';
  if (asprintf(name, ".%s" TEMPORARY_SUFFIX "%s", leaf, suffix) < 0) {
    *name = NULL;
    return fail("out of memory");
  }
  return 0;
}

bool
store_is_temporary_name(const char *name)
{
  return name[0] == '.' && strstr(name, TEMPORARY_SUFFIX) != NULL;
}

static int
make_temporary(struct store_build *build)
{
  for (int tries = 0; tries < 100; tries++) {
    free(build->temporary);
    if (temporary_name(build->leaf, &build->temporary) < 0)
      return -1;
    /* 0700, and it stays so as the bundle: the rootfs may hold set-user-ID binaries
     * that other users of the host must not be able to reach. */
    if (mkdirat(build->parentfd, build->temporary, 0700) == 0)
      return 0;
    if (errno != EEXIST)
      break;
  }
  free(build->temporary);
  build->temporary = NULL;
  return fail_errno("create a temporary directory in '%s'", build->parent);
}

int
store_begin(const char *destination, struct store_build *build)
{
  memset(build, 0, sizeof *build);
  build->parentfd = build->fd = -1;
  build->shown = strdup(destination);
  if (build->shown == NULL)
    return fail("out of memory");
  if (split_destination(build, destination) < 0)
    return -1;
  build->parentfd = open(build->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (build->parentfd < 0) {
    if (errno == ENOENT)
      return fail("'%s': the directory '%s' does not exist", destination, build->parent);
    return fail_errno("open '%s'", build->parent);
  }
  if (check_replaceable(build) < 0 || make_temporary(build) < 0)
    return -1;
  build->fd = openat(build->parentfd, build->temporary,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (build->fd < 0)
    return fail_errno("open '%s/%s'", build->parent, build->temporary);
  /* Exact, whatever the umask. */
  if (fchmod(build->fd, 0700) < 0)
    return fail_errno("chmod '%s/%s'", build->parent, build->temporary);
  /* Held until the build ends: `pieces-build prune` removes only temporary directories
   * nobody holds, those of builds that were killed. */
  if (flock(build->fd, LOCK_EX | LOCK_NB) < 0)
    return fail_errno("lock '%s/%s'", build->parent, build->temporary);
  return 0;
}

static int
explain_rename_failure(struct store_build *build)
{
  if (errno == EINVAL)
    return fail("publish '%s': the filesystem of '%s' does not support atomic renames "
                "(renameat2)",
                build->shown, build->parent);
  return fail_errno("publish '%s'", build->shown);
}

static void
remove_old_bundle(struct store_build *build)
{
  _cleanup_close_ int fd = openat(build->parentfd, build->temporary,
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  /* Locked like any temporary directory; if a prune holds it, the prune removes it. */
  if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0)
    return;
  if (remove_tree_at(build->parentfd, build->temporary) < 0)
    log_warning("could not remove the old bundle, now at '%s/%s': %s", build->parent,
                build->temporary, error_message());
}

int
store_publish(struct store_build *build)
{
  if (renameat2(build->parentfd, build->temporary, build->parentfd, build->leaf,
                RENAME_NOREPLACE) < 0) {
    if (errno != EEXIST)
      return explain_rename_failure(build);
    /* Checked again: the destination may have changed since store_begin(). */
    if (check_replaceable(build) < 0)
      return -1;
    if (renameat2(build->parentfd, build->temporary, build->parentfd, build->leaf,
                  RENAME_EXCHANGE) < 0)
      return explain_rename_failure(build);
    /* The temporary name now holds the old bundle. */
    remove_old_bundle(build);
  }
  free(build->temporary);
  build->temporary = NULL;
  /* Make the rename itself durable; the contents were synced before it. */
  if (fsync(build->parentfd) < 0)
    return fail_errno("sync '%s'", build->parent);
  return 0;
}

void
store_abort(struct store_build *build)
{
  if (build->parentfd < 0 || build->temporary == NULL)
    return;
  if (build->fd >= 0) {
    close(build->fd);
    build->fd = -1;
  }
  if (remove_tree_at(build->parentfd, build->temporary) < 0)
    log_warning("could not remove the temporary directory '%s/%s': %s", build->parent,
                build->temporary, error_message());
  free(build->temporary);
  build->temporary = NULL;
}

void
store_build_release(struct store_build *build)
{
  if (build->fd >= 0)
    close(build->fd);
  if (build->parentfd >= 0)
    close(build->parentfd);
  free(build->shown);
  free(build->parent);
  free(build->leaf);
  free(build->temporary);
  memset(build, 0, sizeof *build);
  build->fd = build->parentfd = -1;
}

int
store_open_bundles(int *fd, char **path)
{
  _cleanup_free_ char *root = NULL;

  *fd = -1;
  *path = NULL;
  if (store_root(&root) < 0)
    return -1;
  *path = join(root, "/bundles");
  if (*path == NULL)
    return fail("out of memory");
  *fd = open(*path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0 && errno != ENOENT)
    return fail_errno("open the bundle store '%s'", *path);
  return 0;
}

int
store_hide(int dirfd, const char *name, char **hidden, int *fd)
{
  for (int tries = 0; tries < 100; tries++) {
    if (temporary_name(name, hidden) < 0)
      return -1;
    if (renameat2(dirfd, name, dirfd, *hidden, RENAME_NOREPLACE) == 0)
      break;
    free(*hidden);
    *hidden = NULL;
    if (errno != EEXIST)
      return fail_errno("rename");
  }
  if (*hidden == NULL)
    return fail("no free temporary name");
  *fd = openat(dirfd, *hidden, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (*fd < 0 || flock(*fd, LOCK_EX | LOCK_NB) < 0)
    return fail_errno("open '%s'", *hidden);
  return 0;
}
