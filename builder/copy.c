#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "copy.h"
#include "entry_path.h"
#include "error.h"
#include "resolve.h"
#include "rootfs_write.h"
#include "signals.h"

#define RESOLVE_SOURCE (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

struct copier {
  const struct copy_context *ctx;
  struct rootfs_writer writer;
  const struct image_user *owner;
  int chmod; /* -1: keep the source's mode */
};

/* Open source (as written in the Piecefile) beneath the build directory; a leading
 * '/' means the top of the build directory, as in Dockerfiles. */
static int
open_source(const struct copy_context *ctx, const char *source, int flags)
{
  const char *relative = source + strspn(source, "/");
  int fd = resolve_open(ctx->contextfd, relative[0] ? relative : ".", flags, RESOLVE_SOURCE);

  if (fd >= 0)
    return fd;
  switch (errno) {
  case EXDEV:
    return fail("COPY: '%s' is outside the build directory '%s' (through '..' or a symbolic "
                "link); only files inside it can be copied",
                source, ctx->context);
  case ENOENT:
    return fail("COPY: '%s' does not exist in the build directory '%s'", source, ctx->context);
  case ELOOP:
    return fail("COPY: '%s' goes through a symbolic link loop or a magic link", source);
  default:
    return fail_errno("COPY: open '%s' in the build directory '%s'", source, ctx->context);
  }
}

static int
check_type(mode_t mode)
{
  if (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode) || S_ISFIFO(mode))
    return 0;
  return fail("is a device or a socket; COPY copies files, directories, symbolic links and "
              "FIFOs");
}

int
copy_check_sources(const struct copy_context *ctx, const struct piecefile_step *step)
{
  for (size_t i = 0; step->sources[i]; i++) {
    _cleanup_close_ int fd = open_source(ctx, step->sources[i], O_PATH);
    struct stat st;

    if (fd < 0)
      return -1;
    if (fstat(fd, &st) < 0)
      return fail_errno("COPY: stat '%s'", step->sources[i]);
    if (check_type(st.st_mode) < 0)
      return fail_context("COPY: '%s'", step->sources[i]);
  }
  return 0;
}

static struct rootfs_meta
meta_of(const struct copier *c, const struct stat *st)
{
  struct rootfs_meta meta = {
      .uid = c->owner->uid,
      .gid = c->owner->gid,
      .mode = c->chmod >= 0 ? (mode_t)c->chmod : st->st_mode & 07777,
      .mtime = source_date_clamp(c->ctx->date, st->st_mtim),
  };

  /* The access time of a file read for the copy is now; it is no part of the image. */
  meta.atime = meta.mtime;
  return meta;
}

static int
copy_data(int from, int to)
{
  char block[64 * 1024];

  for (;;) {
    ssize_t n = read(from, block, sizeof block);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_errno("read");
    if (n == 0)
      return 0;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(to, block + done, n - done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return fail_errno("write");
      done += w;
    }
    if (signals_received())
      return fail("interrupted");
  }
}

/* fd is open for reading (not O_PATH). */
static int
copy_file(struct copier *c, int fd, const struct stat *st, const char *target)
{
  _cleanup_close_ int out = -1;
  struct rootfs_meta meta = meta_of(c, st);

  if (rootfs_create_file(&c->writer, target, &out) < 0 || copy_data(fd, out) < 0)
    return -1;
  return rootfs_finish_file(&c->writer, out, &meta);
}

static int
copy_symlink(struct copier *c, int dirfd, const char *name, const struct stat *st,
             const char *target)
{
  char link[ENTRY_PATH_MAX];
  ssize_t n = readlinkat(dirfd, name, link, sizeof link);
  struct rootfs_meta meta = meta_of(c, st);

  if (n < 0)
    return fail_errno("read symbolic link");
  if ((size_t)n >= sizeof link)
    return fail("symbolic link target longer than %d bytes", ENTRY_PATH_MAX - 1);
  link[n] = '\0';
  return rootfs_make_symlink(&c->writer, target, link, &meta);
}

static int copy_tree(struct copier *c, int dirfd, const char *target);

static int
join_target(const char *target, const char *name, char joined[ENTRY_PATH_MAX])
{
  int n = snprintf(joined, ENTRY_PATH_MAX, "%s%s%s", target, target[0] ? "/" : "", name);

  if (n < 0 || n >= ENTRY_PATH_MAX)
    return fail("'%s/%s': path longer than %d bytes", target, name, ENTRY_PATH_MAX - 1);
  return 0;
}

static int
copy_directory(struct copier *c, int fd, const struct stat *st, const char *target)
{
  struct rootfs_meta meta = meta_of(c, st);
  bool created;

  if (rootfs_enter_directory(&c->writer, target, &meta, &created) < 0)
    return -1;
  return copy_tree(c, fd, target);
}

/* One entry of a copied directory: never followed, whatever it is. */
static int
copy_entry(struct copier *c, int dirfd, const char *name, const char *target)
{
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_errno("stat");
  if (check_type(st.st_mode) < 0)
    return -1;
  if (S_ISLNK(st.st_mode))
    return copy_symlink(c, dirfd, name, &st, target);
  if (S_ISFIFO(st.st_mode)) {
    struct rootfs_meta meta = meta_of(c, &st);
    return rootfs_make_fifo(&c->writer, target, &meta);
  }
  fd = openat(dirfd, name,
              O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                  (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
  if (fd < 0)
    return fail_errno("open");
  /* The type again, from the fd: what was opened is what gets copied. */
  if (fstat(fd, &st) < 0)
    return fail_errno("stat");
  if (S_ISDIR(st.st_mode))
    return copy_directory(c, fd, &st, target);
  if (!S_ISREG(st.st_mode))
    return fail("changed while being copied");
  return copy_file(c, fd, &st, target);
}

static int
copy_tree(struct copier *c, int dirfd, const char *target)
{
  int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *entry;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return fail_errno("read directory");
  }
  while ((errno = 0, entry = readdir(dir)) != NULL) {
    char child[ENTRY_PATH_MAX];

    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
      continue;
    if (join_target(target, entry->d_name, child) < 0)
      return -1;
    if (copy_entry(c, dirfd, entry->d_name, child) < 0)
      return fail_context("'%s'", entry->d_name);
  }
  if (errno != 0)
    return fail_errno("read directory");
  return 0;
}

/* The last component of source as written ("conf/app.ini/" gives "app.ini"). */
static int
source_name(const char *source, char name[ENTRY_PATH_MAX])
{
  size_t len = strlen(source);
  const char *start;

  while (len > 0 && source[len - 1] == '/')
    len--;
  start = source + len;
  while (start > source && start[-1] != '/')
    start--;
  if ((size_t)(source + len - start) >= ENTRY_PATH_MAX)
    return fail("COPY: '%s': name too long", source);
  memcpy(name, start, source + len - start);
  name[source + len - start] = '\0';
  return 0;
}

static bool
is_directory_in_image(const struct copier *c, const char *target)
{
  _cleanup_close_ int fd = resolve_open(c->writer.rootfd, target[0] ? target : ".",
                                        O_PATH | O_DIRECTORY, c->writer.resolve);
  return fd >= 0;
}

/* Where a source that is not a directory goes: into the destination when that is a
 * directory (by a trailing '/', or because the image has one there), else at it. */
static int
file_target(struct copier *c, const struct piecefile_step *step, const char *source,
            char target[ENTRY_PATH_MAX])
{
  const char *dest = step->path + 1;
  char name[ENTRY_PATH_MAX];
  struct stat dir_st = {.st_mode = S_IFDIR | 0755};
  struct rootfs_meta meta;
  bool created;

  if (!step->path_is_directory && !is_directory_in_image(c, dest)) {
    snprintf(target, ENTRY_PATH_MAX, "%s", dest);
    return 0;
  }
  dir_st.st_mtim.tv_nsec = UTIME_OMIT;
  meta = meta_of(c, &dir_st);
  meta.mode = 0755;
  if (rootfs_enter_directory(&c->writer, dest, &meta, &created) < 0)
    return fail_context("COPY: destination '%s'", step->path);
  if (source_name(source, name) < 0)
    return -1;
  return join_target(dest, name, target);
}

static int
copy_source(struct copier *c, const struct piecefile_step *step, const char *source)
{
  _cleanup_close_ int pathfd = open_source(c->ctx, source, O_PATH);
  _cleanup_close_ int fd = -1;
  char target[ENTRY_PATH_MAX];
  char reopen[64];
  struct stat st;

  if (pathfd < 0)
    return -1;
  if (fstat(pathfd, &st) < 0)
    return fail_errno("COPY: stat '%s'", source);
  if (check_type(st.st_mode) < 0)
    return fail_context("COPY: '%s'", source);
  if (S_ISFIFO(st.st_mode)) {
    struct rootfs_meta meta = meta_of(c, &st);

    if (file_target(c, step, source, target) < 0 ||
        rootfs_make_fifo(&c->writer, target, &meta) < 0)
      return fail_context("COPY: '%s' to '/%s'", source, target);
    return 0;
  }
  /* Reopened through the O_PATH fd, so what is read is exactly what was checked. */
  snprintf(reopen, sizeof reopen, "/proc/self/fd/%d", pathfd);
  fd = open(reopen, O_RDONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return fail_errno("COPY: open '%s'", source);
  if (S_ISDIR(st.st_mode)) {
    if (copy_directory(c, fd, &st, step->path + 1) < 0)
      return fail_context("COPY: '%s' to '%s'", source, step->path);
    return 0;
  }
  if (file_target(c, step, source, target) < 0)
    return -1;
  if (copy_file(c, fd, &st, target) < 0)
    return fail_context("COPY: '%s' to '/%s'", source, target);
  return 0;
}

int
copy_run(const struct copy_context *ctx, const struct piecefile_step *step,
         const struct image_user *owner)
{
  struct copier c = {.ctx = ctx, .owner = owner, .chmod = step->chmod};
  int ret = -1;

  rootfs_writer_init_image(&c.writer, ctx->rootfd);
  for (size_t i = 0; step->sources[i]; i++)
    if (copy_source(&c, step, step->sources[i]) < 0)
      goto out;
  if (rootfs_finish(&c.writer) < 0) {
    fail_context("COPY");
    goto out;
  }
  ret = 0;
out:
  rootfs_writer_release(&c.writer);
  return ret;
}
