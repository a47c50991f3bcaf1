#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "image_user.h"
#include "resolve.h"

/* Far more than any real /etc/passwd; an image cannot make the builder read more. */
#define ACCOUNT_FILE_MAX (16 * 1024 * 1024)
/* (uid_t) -1 means "unchanged" to chown and setresuid: not an identity. */
#define ID_MAX 4294967294ULL

/* One line of /etc/passwd or /etc/group, split at ':' in place. */
struct account_line {
  char *field[7];
  size_t n_fields;
};

/* An account file read whole; text is NULL when the image has none. */
struct account_file {
  const char *path; /* for messages: "/etc/passwd" */
  char *text;
};

static bool
parse_id(const char *text, unsigned long long *id)
{
  char *end;

  if (text[0] < '0' || text[0] > '9')
    return false;
  errno = 0;
  *id = strtoull(text, &end, 10);
  return errno == 0 && *end == '\0' && *id <= ID_MAX;
}

static int
check_part(const char *part, const char *what, const char *text)
{
  unsigned long long id;

  if (part[0] == '\0')
    return fail("'%s': the %s is empty", text, what);
  if (part[0] >= '0' && part[0] <= '9' && strspn(part, "0123456789") == strlen(part) &&
      !parse_id(part, &id))
    return fail("'%s': %s %s is out of range (0 to %llu)", text, what, part, ID_MAX);
  if (strpbrk(part, ":\n"))
    return fail("'%s': more than one ':'; write USER[:GROUP]", text);
  return 0;
}

int
user_spec_parse(const char *text, struct user_spec *spec)
{
  const char *colon = strchr(text, ':');

  memset(spec, 0, sizeof *spec);
  spec->user = colon ? strndup(text, colon - text) : strdup(text);
  if (colon)
    spec->group = strdup(colon + 1);
  if (spec->user == NULL || (colon && spec->group == NULL)) {
    user_spec_release(spec);
    return fail("out of memory");
  }
  if (check_part(spec->user, "user", text) < 0 ||
      (spec->group && check_part(spec->group, "group", text) < 0)) {
    user_spec_release(spec);
    return -1;
  }
  return 0;
}

int
user_spec_copy(const struct user_spec *from, struct user_spec *to)
{
  memset(to, 0, sizeof *to);
  if ((from->user && (to->user = strdup(from->user)) == NULL) ||
      (from->group && (to->group = strdup(from->group)) == NULL)) {
    user_spec_release(to);
    return fail("out of memory");
  }
  return 0;
}

void
user_spec_release(struct user_spec *spec)
{
  free(spec->user);
  free(spec->group);
  memset(spec, 0, sizeof *spec);
}

static int
read_whole(int fd, const char *path, char **text)
{
  struct stat st;
  _cleanup_free_ char *data = NULL;
  size_t len = 0;

  if (fstat(fd, &st) < 0)
    return fail_errno("stat the image's %s", path);
  if (!S_ISREG(st.st_mode))
    return fail("the image's %s is not a regular file", path);
  if (st.st_size > ACCOUNT_FILE_MAX)
    return fail("the image's %s is larger than %d bytes", path, ACCOUNT_FILE_MAX);
  data = malloc(st.st_size + 1);
  if (data == NULL)
    return fail("out of memory");
  while (len < (size_t)st.st_size) {
    ssize_t n = read(fd, data + len, st.st_size - len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail_errno("read the image's %s", path);
    if (n == 0)
      break;
    len += n;
  }
  data[len] = '\0';
  *text = steal_pointer(&data);
  return 0;
}

/* Missing is not an error here: only a lookup that needs the file fails. */
static int
read_account_file(int rootfd, const char *path, struct account_file *file)
{
  /* O_NONBLOCK: a FIFO planted at /etc/passwd must not hang the build. */
  _cleanup_close_ int fd =
      resolve_open(rootfd, path + 1, O_RDONLY | O_NONBLOCK | O_NOCTTY, RESOLVE_IMAGE);

  file->path = path;
  file->text = NULL;
  if (fd < 0)
    return errno == ENOENT ? 0 : fail_errno("open the image's %s", path);
  return read_whole(fd, path, &file->text);
}

/* Split the next line of *cursor into fields; false at the end of the text. */
static bool
next_line(char **cursor, struct account_line *line)
{
  char *start = *cursor;
  char *end;

  if (start == NULL || *start == '\0')
    return false;
  end = strchr(start, '\n');
  if (end) {
    *end = '\0';
    *cursor = end + 1;
  } else {
    *cursor = start + strlen(start);
  }
  line->n_fields = 0;
  for (char *field = start; line->n_fields < 7; field++) {
    line->field[line->n_fields++] = field;
    field = strchr(field, ':');
    if (field == NULL)
      break;
    *field = '\0';
  }
  return true;
}

struct passwd_entry {
  char *name;
  unsigned long long uid, gid;
};

/* The first entry of /etc/passwd whose name (or uid, for a number) is user. */
static bool
find_passwd(char *text, const char *user, struct passwd_entry *found)
{
  unsigned long long wanted;
  bool numeric = parse_id(user, &wanted);
  struct account_line line;
  char *cursor = text;

  while (next_line(&cursor, &line)) {
    unsigned long long uid, gid;

    /* Malformed lines and NIS "+" entries are skipped, as libc does. */
    if (line.n_fields < 4 || !parse_id(line.field[2], &uid) || !parse_id(line.field[3], &gid))
      continue;
    if (numeric ? uid == wanted : strcmp(line.field[0], user) == 0) {
      found->name = line.field[0];
      found->uid = uid;
      found->gid = gid;
      return true;
    }
  }
  return false;
}

static bool
lists_member(char *members, const char *name)
{
  for (char *member = strtok(members, ","); member; member = strtok(NULL, ","))
    if (strcmp(member, name) == 0)
      return true;
  return false;
}

static int
add_gid(struct image_user *user, unsigned long long gid)
{
  gid_t *grown;

  for (size_t i = 0; i < user->n_additional_gids; i++)
    if (user->additional_gids[i] == gid)
      return 0;
  grown = realloc(user->additional_gids, (user->n_additional_gids + 1) * sizeof *grown);
  if (grown == NULL)
    return fail("out of memory");
  user->additional_gids = grown;
  grown[user->n_additional_gids++] = gid;
  return 0;
}

/* Every group that lists member by name, in file order. */
static int
collect_groups(char *text, const char *member, struct image_user *user)
{
  struct account_line line;
  char *cursor = text;

  while (next_line(&cursor, &line)) {
    unsigned long long gid;

    if (line.n_fields < 4 || !parse_id(line.field[2], &gid))
      continue;
    if (lists_member(line.field[3], member) && add_gid(user, gid) < 0)
      return -1;
  }
  return 0;
}

/* The gid of the first group whose name (or gid, for a number) is group. */
static bool
find_group(char *text, const char *group, unsigned long long *gid)
{
  unsigned long long wanted;
  bool numeric = parse_id(group, &wanted);
  struct account_line line;
  char *cursor = text;

  while (next_line(&cursor, &line)) {
    unsigned long long id;

    if (line.n_fields < 3 || !parse_id(line.field[2], &id))
      continue;
    if (numeric ? id == wanted : strcmp(line.field[0], group) == 0) {
      *gid = id;
      return true;
    }
  }
  return false;
}

static int
resolve_group(int rootfd, const char *group, struct image_user *user)
{
  struct account_file file;
  _cleanup_free_ char *text = NULL;
  unsigned long long gid;

  if (read_account_file(rootfd, "/etc/group", &file) < 0)
    return -1;
  text = file.text;
  if (text && find_group(text, group, &gid)) {
    user->gid = gid;
    return 0;
  }
  if (parse_id(group, &gid)) {
    user->gid = gid;
    return 0;
  }
  if (text == NULL)
    return fail("the image has no /etc/group to look up group '%s' in", group);
  return fail("no group '%s' in the image's /etc/group", group);
}

static int
resolve_additional_groups(int rootfd, const char *name, struct image_user *user)
{
  struct account_file file;
  _cleanup_free_ char *text = NULL;

  if (read_account_file(rootfd, "/etc/group", &file) < 0)
    return -1;
  text = file.text;
  return text ? collect_groups(text, name, user) : 0;
}

static int
resolve_spec(int rootfd, const struct user_spec *spec, enum image_user_use use,
             struct image_user *user)
{
  struct account_file file;
  _cleanup_free_ char *text = NULL;
  struct passwd_entry entry = {0};
  unsigned long long id;
  bool found;

  if (read_account_file(rootfd, "/etc/passwd", &file) < 0)
    return -1;
  text = file.text;
  found = text && find_passwd(text, spec->user, &entry);
  if (found) {
    user->uid = entry.uid;
    user->gid = entry.gid;
  } else if (parse_id(spec->user, &id)) {
    user->uid = id;
    /* Docker: a bare uid under USER runs with group 0, under --chown owns with its own
     * number as the group. */
    user->gid = use == IMAGE_USER_CHOWN ? id : 0;
  } else if (text == NULL) {
    return fail("the image has no /etc/passwd to look up user '%s' in", spec->user);
  } else {
    return fail("no user '%s' in the image's /etc/passwd", spec->user);
  }
  if (use == IMAGE_USER_CHOWN && found && parse_id(spec->user, &id))
    user->gid = id;
  if (spec->group)
    return resolve_group(rootfd, spec->group, user);
  if (use == IMAGE_USER_PROCESS && found)
    return resolve_additional_groups(rootfd, entry.name, user);
  return 0;
}

int
image_user_resolve(int rootfd, const struct user_spec *spec, enum image_user_use use,
                   struct image_user *user)
{
  memset(user, 0, sizeof *user);
  if (spec->user == NULL)
    return 0;
  if (resolve_spec(rootfd, spec, use, user) < 0) {
    image_user_release(user);
    return -1;
  }
  return 0;
}

void
image_user_release(struct image_user *user)
{
  free(user->additional_gids);
  memset(user, 0, sizeof *user);
}
