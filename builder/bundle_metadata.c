#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "bundle_metadata.h"
#include "cleanup.h"
#include "error.h"

/* Far more than the three fields need; a larger file is not ours. */
#define METADATA_MAX (64 * 1024)

static void
cleanup_json(json_t **value)
{
  json_decref(*value);
}
#define _cleanup_json_ __attribute__((cleanup(cleanup_json)))

int
bundle_metadata_write(int bundlefd, time_t created, const char *source, const char *sha256)
{
  _cleanup_json_ json_t *metadata = NULL;
  _cleanup_free_ char *text = NULL;
  char when[64], digest[80];
  struct tm tm;
  size_t len;

  if (gmtime_r(&created, &tm) == NULL)
    return fail("the time %lld cannot be written as a date", (long long)created);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(digest, sizeof digest, "sha256:%s", sha256);
  metadata = json_pack("{s:s, s:s, s:s}", "created", when, "source", source, "digest", digest);
  if (metadata == NULL || (text = json_dumps(metadata, JSON_INDENT(2))) == NULL)
    return fail("build %s: out of memory", BUNDLE_METADATA_FILE);
  len = strlen(text);
  text[len] = '\n'; /* the NUL becomes the final newline; text is not a string after */
  return atomic_file_write(bundlefd, BUNDLE_METADATA_FILE, text, len + 1, 0644);
}

static int
copy_field(json_t *metadata, const char *key, char **out)
{
  const char *value = json_string_value(json_object_get(metadata, key));

  *out = NULL;
  if (value && (*out = strdup(value)) == NULL)
    return fail("out of memory");
  return 0;
}

int
bundle_metadata_read(int bundlefd, struct bundle_metadata *metadata)
{
  _cleanup_close_ int fd =
      openat(bundlefd, BUNDLE_METADATA_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  _cleanup_json_ json_t *parsed = NULL;
  char text[METADATA_MAX + 1];
  ssize_t n;
  json_error_t error;

  memset(metadata, 0, sizeof *metadata);
  if (fd < 0)
    return errno == ENOENT ? 0 : fail_errno("open %s", BUNDLE_METADATA_FILE);
  n = read(fd, text, METADATA_MAX + 1);
  if (n < 0)
    return fail_errno("read %s", BUNDLE_METADATA_FILE);
  /* Damaged or foreign: the bundle is still listed, with what is known. */
  parsed = json_loadb(text, n, 0, &error);
  if (parsed == NULL || n > METADATA_MAX)
    return 0;
  if (copy_field(parsed, "created", &metadata->created) < 0 ||
      copy_field(parsed, "source", &metadata->source) < 0 ||
      copy_field(parsed, "digest", &metadata->digest) < 0) {
    bundle_metadata_release(metadata);
    return -1;
  }
  return 0;
}

void
bundle_metadata_release(struct bundle_metadata *metadata)
{
  free(metadata->created);
  free(metadata->source);
  free(metadata->digest);
  memset(metadata, 0, sizeof *metadata);
}
