#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "entry_path.h"
#include "env.h"
#include "error.h"
#include "log.h"
#include "rootfs_write.h"
#include "signals.h"
#include "unpack.h"

struct unpacker {
  struct archive *archive;
  const struct unpack_source *source;
  const struct unpack_limits *limits;
  struct rootfs_writer writer;
  bool source_failed; /* the source's message is recorded; keep it */
  bool stream_failed; /* reading failed (not one entry): no entry context to add */
  uint64_t entries;
  uint64_t bytes;
  uint64_t devices_skipped;
  uint64_t sockets_skipped;
  uint64_t acls_skipped;
  struct rootfs_xattr *xattrs; /* reused for every entry */
  size_t xattrs_capacity;
};

static void
cleanup_archive(struct archive **a)
{
  if (*a)
    archive_read_free(*a);
}
#define _cleanup_archive_ __attribute__((cleanup(cleanup_archive)))

int
unpack_limits_from_env(struct unpack_limits *limits)
{
  if (env_positive_number("PIECES_MAX_ENTRIES", 1000000, &limits->max_entries) < 0 ||
      env_positive_number("PIECES_MAX_UNPACKED_BYTES", 16ULL << 30, &limits->max_bytes) < 0)
    return -1;
  return 0;
}

static la_ssize_t
read_block(struct archive *a, void *context, const void **block)
{
  struct unpacker *u = context;
  ssize_t n = u->source->next_block(u->source->context, block);

  if (n < 0) {
    u->source_failed = true;
    archive_set_error(a, EIO, "%s", error_message());
    return -1;
  }
  return n;
}

/* A failure inside libarchive: either the download broke (report that, it is the
 * cause) or the data is not a tarball we can read. */
static int
archive_failure(struct unpacker *u)
{
  u->stream_failed = true;
  if (u->source_failed)
    return -1;
  if (signals_received())
    return fail("interrupted");
  return fail("'%s' is not a tar archive (or is corrupt): %s", u->source->name,
              archive_error_string(u->archive));
}

static int
interrupted(struct unpacker *u)
{
  u->stream_failed = true;
  return fail("interrupted");
}

static int
collect_xattrs(struct unpacker *u, struct archive_entry *entry, struct rootfs_meta *meta)
{
  size_t count = archive_entry_xattr_reset(entry);
  const char *name;
  const void *value;
  size_t size;

  meta->n_xattrs = 0;
  if (count > u->xattrs_capacity) {
    struct rootfs_xattr *grown = realloc(u->xattrs, count * sizeof *grown);

    if (grown == NULL)
      return fail("out of memory");
    u->xattrs = grown;
    u->xattrs_capacity = count;
  }
  while (meta->n_xattrs < count &&
         archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    u->xattrs[meta->n_xattrs].name = name;
    u->xattrs[meta->n_xattrs].value = value;
    u->xattrs[meta->n_xattrs].size = size;
    meta->n_xattrs++;
  }
  meta->xattrs = u->xattrs;
  return 0;
}

static int
read_meta(struct unpacker *u, struct archive_entry *entry, struct rootfs_meta *meta)
{
  la_int64_t uid = archive_entry_uid(entry);
  la_int64_t gid = archive_entry_gid(entry);

  /* (uid_t) -1 would mean "leave unchanged" to chown; it is not an owner. */
  if (uid < 0 || uid >= UINT32_MAX || gid < 0 || gid >= UINT32_MAX)
    return fail("owner %lld:%lld is out of range", (long long)uid, (long long)gid);
  meta->uid = uid;
  meta->gid = gid;
  meta->mode = archive_entry_perm(entry);
  if (archive_entry_mtime_is_set(entry)) {
    meta->mtime.tv_sec = archive_entry_mtime(entry);
    meta->mtime.tv_nsec = archive_entry_mtime_nsec(entry);
  } else {
    meta->mtime.tv_nsec = UTIME_OMIT;
  }
  /* Plain ustar has no atime; use the mtime rather than the time of the build. */
  if (archive_entry_atime_is_set(entry)) {
    meta->atime.tv_sec = archive_entry_atime(entry);
    meta->atime.tv_nsec = archive_entry_atime_nsec(entry);
  } else {
    meta->atime = meta->mtime;
  }
  return collect_xattrs(u, entry, meta);
}

static int
write_all_at(int fd, const void *data, size_t size, off_t offset)
{
  const char *p = data;

  while (size > 0) {
    ssize_t n = pwrite(fd, p, size, offset);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_errno("write");
    p += n;
    size -= n;
    offset += n;
  }
  return 0;
}

static int
unpack_file(struct unpacker *u, struct archive_entry *entry, const char *path,
            const struct rootfs_meta *meta)
{
  la_int64_t size = archive_entry_size(entry);
  _cleanup_close_ int fd = -1;

  if (size < 0)
    return fail("negative size");
  if ((uint64_t)size > u->limits->max_bytes - u->bytes)
    return fail("unpacking it would exceed the limit of %llu bytes of file contents (set "
                "PIECES_MAX_UNPACKED_BYTES to raise it)",
                (unsigned long long)u->limits->max_bytes);
  u->bytes += size;
  if (rootfs_create_file(&u->writer, path, &fd) < 0)
    return -1;
  for (;;) {
    const void *block;
    size_t length;
    la_int64_t offset;
    int r = archive_read_data_block(u->archive, &block, &length, &offset);

    if (r == ARCHIVE_EOF)
      break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      return archive_failure(u);
    /* Sparse files come as blocks at offsets; anything past the declared size would
     * slip past the limit above. */
    if (offset < 0 || (uint64_t)offset > (uint64_t)size || length > (uint64_t)(size - offset))
      return fail("data beyond the size the archive declares");
    if (write_all_at(fd, block, length, offset) < 0)
      return -1;
    if (signals_received())
      return interrupted(u);
  }
  /* Gives a sparse file its final size when it ends in a hole. */
  if (ftruncate(fd, size) < 0)
    return fail_errno("set size");
  return rootfs_finish_file(&u->writer, fd, meta);
}

static int
clean_link_target(const char *target, char clean[ENTRY_PATH_MAX])
{
  if (entry_path_clean(target, clean) < 0)
    return fail_context("hard link target '%s'", target);
  return 0;
}

static int
unpack_entry(struct unpacker *u, struct archive_entry *entry, const char *path)
{
  struct rootfs_meta meta;
  const char *hardlink = archive_entry_hardlink(entry);
  mode_t type = archive_entry_filetype(entry);

  if (read_meta(u, entry, &meta) < 0)
    return -1;
  if (archive_entry_acl_count(entry, ARCHIVE_ENTRY_ACL_TYPE_POSIX1E) > 0)
    u->acls_skipped++;
  /* Checked first: libarchive reports hard links with no file type. */
  if (hardlink) {
    char target[ENTRY_PATH_MAX];

    if (clean_link_target(hardlink, target) < 0)
      return -1;
    return rootfs_make_hardlink(&u->writer, path, target);
  }
  if (path[0] == '\0') {
    if (type != AE_IFDIR)
      return fail("refused: the top of the archive is not a directory");
    return rootfs_set_top(&u->writer, &meta);
  }
  switch (type) {
  case AE_IFDIR:
    return rootfs_make_directory(&u->writer, path, &meta);
  case AE_IFREG:
    return unpack_file(u, entry, path, &meta);
  case AE_IFLNK:
    return rootfs_make_symlink(&u->writer, path, archive_entry_symlink(entry) ?: "", &meta);
  case AE_IFIFO:
    return rootfs_make_fifo(&u->writer, path, &meta);
  case AE_IFCHR:
  case AE_IFBLK:
    /* The runtime makes /dev in each container; a tarball has no business creating
     * device nodes, which would give the container a door to host hardware. */
    u->devices_skipped++;
    return 0;
  case AE_IFSOCK:
    /* A socket is only meaningful to the process that bound it. */
    u->sockets_skipped++;
    return 0;
  default:
    return fail("unsupported file type %06o", (unsigned)type);
  }
}

/* 1 with the next entry, 0 at the end of the archive, -1 on failure. */
static int
next_entry(struct unpacker *u, struct archive_entry **entry)
{
  switch (archive_read_next_header(u->archive, entry)) {
  case ARCHIVE_OK:
    return 1;
  case ARCHIVE_EOF:
    return 0;
  case ARCHIVE_WARN:
    log_warning("'%s': %s", u->source->name, archive_error_string(u->archive));
    return 1;
  default:
    /* Including ARCHIVE_RETRY ("Damaged tar archive"), after which libarchive would
     * skip ahead to the next header it can read: files would be missing without a
     * word, so a damaged archive fails the build instead. */
    return archive_failure(u);
  }
}

static int
unpack_entries(struct unpacker *u)
{
  struct archive_entry *entry;
  int r;

  while ((r = next_entry(u, &entry)) > 0) {
    const char *name = archive_entry_pathname(entry);
    char path[ENTRY_PATH_MAX];

    if (signals_received())
      return interrupted(u);
    if (++u->entries > u->limits->max_entries)
      return fail("'%s' has more than %llu entries (set PIECES_MAX_ENTRIES to raise the "
                  "limit)",
                  u->source->name, (unsigned long long)u->limits->max_entries);
    if (name == NULL)
      return fail("'%s': entry %llu has a name that cannot be read", u->source->name,
                  (unsigned long long)u->entries);
    if (entry_path_clean(name, path) < 0 || unpack_entry(u, entry, path) < 0)
      return u->stream_failed ? -1 : fail_context("'%s': entry '%s'", u->source->name, name);
  }
  if (r < 0)
    return -1;
  if (u->entries == 0)
    return fail("'%s' is an empty tar archive", u->source->name);
  return 0;
}

/* The tar end marker can come before the end of the download (tar pads archives to
 * whole records); read the rest so the digest covers every byte and a download that
 * breaks in the padding is still an error. */
static int
drain_source(struct unpacker *u)
{
  const void *block;
  ssize_t n;

  while ((n = u->source->next_block(u->source->context, &block)) > 0)
    ;
  return n < 0 ? -1 : 0;
}

static void
report_skipped(struct unpacker *u)
{
  if (u->devices_skipped)
    log_note("skipped %llu device node%s (pieces-run creates /dev)",
             (unsigned long long)u->devices_skipped, u->devices_skipped == 1 ? "" : "s");
  if (u->sockets_skipped)
    log_note("skipped %llu socket%s", (unsigned long long)u->sockets_skipped,
             u->sockets_skipped == 1 ? "" : "s");
  if (u->writer.xattrs_skipped)
    log_warning("%zu extended attribute%s not restored (not supported by the filesystem, or "
                "not permitted without root)",
                u->writer.xattrs_skipped, u->writer.xattrs_skipped == 1 ? " was" : "s were");
  if (u->acls_skipped)
    log_warning("%llu entr%s POSIX ACLs, which are not restored (the mode bits are)",
                (unsigned long long)u->acls_skipped,
                u->acls_skipped == 1 ? "y has" : "ies have");
  if (!u->writer.restore_owner)
    log_warning("not running as root: file owners were not restored");
}

/* The tar family of formats only: zip, cpio, ISO and the rest are not root
 * filesystems, and every reader is more attack surface.  The compressions are listed
 * rather than taken from archive_read_support_filter_all(), which also enables filters
 * that libarchive implements by running an external program (lrzip, lzop, grzip) on
 * the download. */
static int
enable_formats(struct archive *a)
{
  static int (*const filters[])(struct archive *) = {
      archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
      archive_read_support_filter_xz,   archive_read_support_filter_lzma,
      archive_read_support_filter_lzip, archive_read_support_filter_zstd,
      archive_read_support_filter_lz4,  archive_read_support_filter_compress,
  };

  for (size_t i = 0; i < sizeof filters / sizeof *filters; i++)
    if (filters[i](a) < ARCHIVE_WARN)
      return fail("libarchive: %s", archive_error_string(a));
  if (archive_read_support_format_tar(a) != ARCHIVE_OK)
    return fail("libarchive: %s", archive_error_string(a));
  return 0;
}

int
unpack_archive(int rootfd, const struct unpack_source *source,
               const struct unpack_limits *limits)
{
  _cleanup_archive_ struct archive *a = archive_read_new();
  struct unpacker u = {.archive = a, .source = source, .limits = limits};
  int ret = -1;

  if (a == NULL)
    return fail("out of memory");
  rootfs_writer_init(&u.writer, rootfd);
  if (enable_formats(a) < 0)
    goto out;
  if (archive_read_open(a, &u, NULL, read_block, NULL) != ARCHIVE_OK) {
    archive_failure(&u);
    goto out;
  }
  if (unpack_entries(&u) < 0 || drain_source(&u) < 0 || rootfs_finish(&u.writer) < 0)
    goto out;
  report_skipped(&u);
  ret = 0;
out:
  rootfs_writer_release(&u.writer);
  free(u.xattrs);
  return ret;
}
