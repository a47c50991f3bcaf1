/* `list`: the containers under --root, as runc lists them: a table, only the IDs (-q),
 * or a JSON array (--format json).  A missing state directory means no containers.
 */
#include "cleanup.h"
#include "commands.h"
#include "error.h"
#include "log.h"
#include "options.h"
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char list_usage[] =
    "usage: pieces-run list [--format table|json] [--quiet]\n"
    "\n"
    "List the containers whose state is under the --root directory, with their\n"
    "process, status, bundle, creation time and owner.  Containers still being\n"
    "created are not shown.\n"
    "\n"
    "  -f, --format FORMAT   table or json (default: table)\n"
    "  -q, --quiet           print only the container IDs\n";

struct list_entry {
  struct container_state state;
  enum container_status status;
  char owner[64];
};

struct container_list {
  struct list_entry *entries;
  size_t count, capacity;
};

static void
free_list(struct container_list *list)
{
  for (size_t i = 0; i < list->count; i++)
    state_free(&list->entries[i].state);
  free(list->entries);
}

/* runc shows the owner of the state directory: its user name, or "#UID". */
static void
find_owner(int dirfd, char *out, size_t size)
{
  struct stat st;
  struct passwd pw, *found = NULL;
  char buf[1024];
  if (fstat(dirfd, &st) < 0) {
    snprintf(out, size, "?");
    return;
  }
  if (getpwuid_r(st.st_uid, &pw, buf, sizeof buf, &found) == 0 && found)
    snprintf(out, size, "%s", found->pw_name);
  else
    snprintf(out, size, "#%u", (unsigned)st.st_uid);
}

/* Read the container ID into a new entry of LIST.  Returns 1 if it was added, 0 if it
   is not a container to show (gone, being created, not a container's directory). */
static int
read_container(int rootfd, const char *id, struct container_list *list)
{
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : 16;
    struct list_entry *grown = realloc(list->entries, capacity * sizeof *grown);
    if (grown == NULL)
      return fail("list: out of memory");
    list->entries = grown;
    list->capacity = capacity;
  }
  struct list_entry *entry = &list->entries[list->count];
  _cleanup_close_ int dirfd = state_open(rootfd, id, false);
  if (dirfd < 0 && error_errno() == ENOENT)
    return 0;
  if (dirfd < 0 || state_read(dirfd, &entry->state) < 0) {
    /* Deleted or still being created: not a container to list yet. */
    if (error_errno() != ENOENT)
      log_warning("list: skipping '%s': %s", id, error_message());
    return 0;
  }
  snprintf(entry->state.id, sizeof entry->state.id, "%s", id);
  entry->status = state_status(dirfd, &entry->state);
  find_owner(dirfd, entry->owner, sizeof entry->owner);
  list->count++;
  return 1;
}

static int
compare_ids(const void *a, const void *b)
{
  return strcmp(((const struct list_entry *)a)->state.id,
                ((const struct list_entry *)b)->state.id);
}

/* Every container under ROOT into LIST, sorted by ID. */
static int
read_containers(const char *root, struct container_list *list)
{
  _cleanup_close_ int rootfd = state_open_root(root, false);
  if (rootfd < 0)
    return error_errno() == ENOENT ? 0 : fail_context("list");
  int dupfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
  _cleanup_closedir_ DIR *dir = dupfd >= 0 ? fdopendir(dupfd) : NULL;
  if (dir == NULL) {
    if (dupfd >= 0)
      close(dupfd);
    return fail_errno("list: read state directory '%s'", root);
  }
  struct dirent *d;
  while ((errno = 0, d = readdir(dir)) != NULL) {
    if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
      continue;
    /* Anything not named like a container (".", "..", leftovers) is not one. */
    if (d->d_name[0] == '.' || state_check_id(d->d_name) < 0)
      continue;
    if (read_container(rootfd, d->d_name, list) < 0)
      return -1;
  }
  if (errno != 0)
    return fail_errno("list: read state directory '%s'", root);
  if (list->count > 1)
    qsort(list->entries, list->count, sizeof *list->entries, compare_ids);
  return 0;
}

static pid_t
shown_pid(const struct list_entry *entry)
{
  return entry->status == STATUS_STOPPED ? 0 : entry->state.pid;
}

enum { COLUMNS = 6 };

static void
entry_cells(const struct list_entry *entry, char pid[24], const char *cells[COLUMNS])
{
  snprintf(pid, 24, "%d", (int)shown_pid(entry));
  cells[0] = entry->state.id;
  cells[1] = pid;
  cells[2] = state_status_name(entry->status);
  cells[3] = entry->state.bundle;
  cells[4] = entry->state.created;
  cells[5] = entry->owner;
}

/* The columns as runc's tabwriter lays them out: each at least 12 wide and 3 wider than
   its longest cell; the last one not padded. */
static void
print_table(const struct container_list *list)
{
  static const char *const header[COLUMNS] = {"ID",     "PID",     "STATUS",
                                              "BUNDLE", "CREATED", "OWNER"};
  size_t width[COLUMNS];
  const char *cells[COLUMNS];
  char pid[24];
  for (int c = 0; c < COLUMNS; c++)
    width[c] = strlen(header[c]) + 3 > 12 ? strlen(header[c]) + 3 : 12;
  for (size_t i = 0; i < list->count; i++) {
    entry_cells(&list->entries[i], pid, cells);
    for (int c = 0; c < COLUMNS; c++)
      if (strlen(cells[c]) + 3 > width[c])
        width[c] = strlen(cells[c]) + 3;
  }
  for (size_t i = 0; i <= list->count; i++) {
    if (i == 0)
      memcpy(cells, header, sizeof cells);
    else
      entry_cells(&list->entries[i - 1], pid, cells);
    for (int c = 0; c < COLUMNS - 1; c++)
      printf("%-*s", (int)width[c], cells[c]);
    printf("%s\n", cells[COLUMNS - 1]);
  }
}

/* runc's list --format json: the state of each, plus when it was made and by whom. */
static int
print_json(const struct container_list *list)
{
  json_t *array = json_array();
  for (size_t i = 0; array && i < list->count; i++) {
    const struct list_entry *entry = &list->entries[i];
    json_t *doc = state_to_json(&entry->state, entry->status);
    if (doc == NULL ||
        json_object_set_new(doc, "created", json_string(entry->state.created)) < 0 ||
        json_object_set_new(doc, "owner", json_string(entry->owner)) < 0 ||
        json_array_append_new(array, steal_pointer(&doc)) < 0) {
      json_decref(doc);
      json_decref(array);
      array = NULL;
    }
  }
  char *text = array ? json_dumps(array, JSON_COMPACT) : NULL;
  json_decref(array);
  if (text == NULL)
    return fail("list: make the JSON: out of memory");
  printf("%s\n", text);
  free(text);
  return 0;
}

static int
list_containers(const char *root, const char *format, bool quiet)
{
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return fail("list: --format must be table or json, not '%s'", format);
  struct container_list list = {0};
  int r = read_containers(root, &list);
  if (r == 0 && quiet) {
    for (size_t i = 0; i < list.count; i++)
      printf("%s\n", list.entries[i].state.id);
  } else if (r == 0 && strcmp(format, "json") == 0) {
    r = print_json(&list);
  } else if (r == 0) {
    print_table(&list);
  }
  free_list(&list);
  return r;
}

int
cmd_list(const struct global_options *g, int argc, char **argv)
{
  const char *format = "table";
  int quiet = 0;
  const struct option_def options[] = {
      OPTION_VALUE("format", 'f', &format),
      OPTION_FLAG("quiet", 'q', &quiet),
      OPTION_END,
  };
  const struct command_line cl = {"list", list_usage, options, 0, 0, -1};
  char *positional[argc];
  int n;
  int r = options_parse(&cl, argc, argv, positional, &n);
  if (r != 0)
    return r > 0 ? 0 : command_failed();
  if (list_containers(g->root, format, quiet > 0) < 0)
    return command_failed();
  return 0;
}
