/* Reading a tarball (tar, pax or GNU tar; plain or compressed with gzip, bzip2, xz,
 * lzma, lzip, zstd, lz4 or compress) into a root filesystem, through rootfs_write.h,
 * never through archive_write_disk.  The policy (what is kept,
 * refused and skipped) is the contract in bundle-spec/store.md.
 */
#ifndef PIECES_BUILD_UNPACK_H
#define PIECES_BUILD_UNPACK_H

#include <stdint.h>
#include <sys/types.h>

/* Where the archive's bytes come from (the download), block by block. */
struct unpack_source {
  const char *name; /* for messages: the URL */
  /* Bytes at *block (valid until the next call), 0 at the end, -1 on failure with the
   * message recorded; unpack then reports that message, not the reader's. */
  ssize_t (*next_block)(void *context, const void **block);
  void *context;
};

struct unpack_limits {
  uint64_t max_entries; /* PIECES_MAX_ENTRIES, default 1,000,000 */
  uint64_t max_bytes;   /* PIECES_MAX_UNPACKED_BYTES (file contents), default 16 GiB */
};

int unpack_limits_from_env(struct unpack_limits *limits);
/* Unpack everything from source into the directory rootfd, and read the source to its
 * end (so the caller's digest covers the whole download). */
int unpack_archive(int rootfd, const struct unpack_source *source,
                   const struct unpack_limits *limits);

#endif
