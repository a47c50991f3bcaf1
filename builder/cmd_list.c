/* pieces-build list [--format table|json]: the bundles in the store, by name. */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_metadata.h"
#include "cleanup.h"
#include "commands.h"
#include "disk_usage.h"
#include "error.h"
#include "log.h"
#include "store.h"
#include "strv.h"

struct entry {
  char *name;
  uint64_t size;
  struct bundle_metadata metadata;
};

struct listing {
  char *store; /* STORE/bundles */
  struct entry *entries;
  size_t n;
};

static void
listing_release(struct listing *listing)
{
  for (size_t i = 0; i < listing->n; i++) {
    free(listing->entries[i].name);
    bundle_metadata_release(&listing->entries[i].metadata);
  }
  free(listing->entries);
  free(listing->store);
}

static int
read_entry(int storefd, const char *name, struct entry *entry)
{
  _cleanup_close_ int fd =
      openat(storefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  memset(entry, 0, sizeof *entry);
  if (fd < 0)
    return fail_errno("open bundle '%s'", name);
  entry->name = strdup(name);
  if (entry->name == NULL)
    return fail("out of memory");
  if (bundle_metadata_read(fd, &entry->metadata) < 0 || disk_usage(fd, &entry->size) < 0)
    return fail_context("bundle '%s'", name);
  return 0;
}

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories of the store with a bundle's name, sorted: temporary directories and
 * anything else are not bundles. */
static int
bundle_names(int storefd, char ***names, size_t *count)
{
  int dup_fd = fcntl(storefd, F_DUPFD_CLOEXEC, 0);
  _cleanup_closedir_ DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *d;

  if (dir == NULL) {
    if (dup_fd >= 0)
      close(dup_fd);
    return fail_errno("read the store");
  }
  while ((d = readdir(dir)) != NULL) {
    struct stat st;

    if (store_check_name(d->d_name) < 0 ||
        fstatat(storefd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
      continue;
    if (strv_append(names, count, d->d_name, strlen(d->d_name)) < 0)
      return -1;
  }
  if (*names)
    qsort(*names, *count, sizeof **names, compare_names);
  return 0;
}

static int
read_listing(struct listing *listing)
{
  _cleanup_close_ int storefd = -1;
  _cleanup_strv_ char **names = NULL;
  size_t count = 0;

  if (store_open_bundles(&storefd, &listing->store) < 0)
    return -1;
  if (storefd < 0)
    return 0;
  if (bundle_names(storefd, &names, &count) < 0)
    return -1;
  listing->entries = calloc(count + 1, sizeof *listing->entries);
  if (listing->entries == NULL)
    return fail("out of memory");
  for (size_t i = 0; i < count; i++) {
    int r = read_entry(storefd, names[i], &listing->entries[listing->n]);

    listing->n++;
    if (r < 0)
      return -1;
  }
  return 0;
}

static const char *
or_dash(const char *text)
{
  return text ? text : "-";
}

/* "sha256:" and the first 12 hex digits, like docker's short image ids. */
static void
short_digest(const char *digest, char *text, size_t size)
{
  const char *hex = digest ? strchr(digest, ':') : NULL;

  if (hex)
    snprintf(text, size, "%.*s%.12s", (int)(hex + 1 - digest), digest, hex + 1);
  else
    snprintf(text, size, "%s", or_dash(digest));
}

static int
print_table(const struct listing *listing)
{
  int name_w = 4, size_w = 4, created_w = 7, source_w = 10;
  char size[32];

  for (size_t i = 0; i < listing->n; i++) {
    const struct entry *e = &listing->entries[i];

    disk_usage_format(e->size, size, sizeof size);
    name_w = name_w > (int)strlen(e->name) ? name_w : (int)strlen(e->name);
    size_w = size_w > (int)strlen(size) ? size_w : (int)strlen(size);
    created_w = created_w > (int)strlen(or_dash(e->metadata.created))
                    ? created_w
                    : (int)strlen(or_dash(e->metadata.created));
    source_w = source_w > (int)strlen(or_dash(e->metadata.source))
                   ? source_w
                   : (int)strlen(or_dash(e->metadata.source));
  }
  printf("%-*s  %-*s  %-*s  %-*s  %s\n", name_w, "NAME", size_w, "SIZE", created_w, "CREATED",
         source_w, "SOURCE URL", "DIGEST");
  for (size_t i = 0; i < listing->n; i++) {
    const struct entry *e = &listing->entries[i];
    char digest[32];

    disk_usage_format(e->size, size, sizeof size);
    short_digest(e->metadata.digest, digest, sizeof digest);
    printf("%-*s  %-*s  %-*s  %-*s  %s\n", name_w, e->name, size_w, size, created_w,
           or_dash(e->metadata.created), source_w, or_dash(e->metadata.source), digest);
  }
  return 0;
}

static json_t *
string_or_null(const char *text)
{
  return text ? json_string(text) : json_null();
}

static int
print_json(const struct listing *listing)
{
  json_t *array = json_array();
  char *text;

  for (size_t i = 0; array && i < listing->n; i++) {
    const struct entry *e = &listing->entries[i];
    char *path;
    json_t *item;

    if (asprintf(&path, "%s/%s", listing->store, e->name) < 0)
      break;
    item = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o}", "name", e->name, "path", path, "size",
                     (json_int_t)e->size, "created", string_or_null(e->metadata.created),
                     "source", string_or_null(e->metadata.source), "digest",
                     string_or_null(e->metadata.digest));
    free(path);
    if (json_array_append_new(array, item) < 0) {
      json_decref(array);
      array = NULL;
    }
  }
  text = array ? json_dumps(array, JSON_INDENT(2)) : NULL;
  json_decref(array);
  if (text == NULL)
    return fail("out of memory");
  printf("%s\n", text);
  free(text);
  return 0;
}

int
cmd_list(int argc, char **argv)
{
  static const struct option long_options[] = {
      {"format", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *format = "table";
  struct listing listing = {0};
  int c, r;

  while ((c = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
    if (c == 'f')
      format = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? 0 : 2;
    }
  }
  if (optind != argc || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)) {
    log_error("list: %s", optind != argc ? "takes no arguments besides --format"
                                         : "--format must be table or json");
    return 2;
  }
  r = read_listing(&listing);
  if (r == 0)
    r = strcmp(format, "json") == 0 ? print_json(&listing) : print_table(&listing);
  listing_release(&listing);
  if (r < 0 || fflush(stdout) != 0) {
    log_error("list: %s", r < 0 ? error_message() : "write to stdout failed");
    return 1;
  }
  return 0;
}
