/* Container terminals; see terminal.h. */
#include "terminal.h"
#include "cleanup.h"
#include "error.h"
#include "inroot.h"
#include "sync.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

/* Open the container's own ptmx and check it is a devpts one, so an image cannot hand
   us a file of its choosing. */
static int
open_master(struct init_context *ctx)
{
  int master = inroot_open(ctx->rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
  struct statfs fs;
  if (master < 0)
    return fail_errno("process.terminal: open '/dev/pts/ptmx' (is devpts mounted at "
                      "/dev/pts?)");
  if (fstatfs(master, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC) {
    close(master);
    return fail("process.terminal: '/dev/pts/ptmx' is not on a devpts filesystem");
  }
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
    close(master);
    return fail_errno("process.terminal: unlock the pty");
  }
  return master;
}

static int
bind_console(struct init_context *ctx, int slave)
{
  _cleanup_close_ int target = inroot_make(ctx->rootfd, "/dev/console", false);
  if (target < 0)
    return -1;
  _cleanup_close_ int mnt =
      open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (mnt < 0 ||
      move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail_errno("process.terminal: bind '/dev/console'");
  return 0;
}

int
terminal_set_up(struct init_context *ctx, bool console)
{
  _cleanup_close_ int master = open_master(ctx);
  if (master < 0)
    return -1;
  /* TIOCGPTPEER opens the slave from the master itself: no /dev/pts/N lookup. */
  _cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return fail_errno("process.terminal: open the pty slave");
  const struct process_spec *p = &ctx->spec->process;
  if (p->console_height || p->console_width) {
    struct winsize ws = {.ws_row = p->console_height, .ws_col = p->console_width};
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
      return fail_errno("process.consoleSize");
  }
  if (console && bind_console(ctx, slave) < 0)
    return -1;
  if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
    return fail_errno("process.terminal: make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return fail_errno("process.terminal: make the pty stdio");
  return sync_send_fd(ctx->sync_fd, master);
}

void
terminal_copy_size(int from, int master)
{
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    (void)ioctl(master, TIOCSWINSZ, &ws);
}

static struct termios saved_termios;
static bool termios_saved;

void
terminal_make_raw(void)
{
  struct termios raw;
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) < 0)
    return;
  termios_saved = true;
  raw = saved_termios;
  cfmakeraw(&raw);
  /* Keep output post-processing so our own messages still start on a new line. */
  raw.c_oflag = saved_termios.c_oflag;
  tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

void
terminal_restore(void)
{
  if (termios_saved)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
  termios_saved = false;
}
