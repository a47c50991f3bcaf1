/* Security labels; see lsm.h. */
#include "lsm.h"
#include "error.h"
#include "log.h"

#include <stdio.h>
#include <unistd.h>

static bool
apparmor_enabled(void)
{
  char value = 'N';
  FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
  if (f) {
    value = (char)fgetc(f);
    fclose(f);
  }
  return value == 'Y';
}

static bool
selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int
check_label(const char *field, const char *label, bool enabled, const char *module)
{
  if (label == NULL || *label == '\0')
    return 0;
  if (enabled)
    return fail("%s: %s is enabled on this host, and pieces-run cannot apply %s labels "
                "yet",
                field, module, module);
  log_warning("%s: '%s' ignored, %s is not enabled on this host", field, label, module);
  return 0;
}

int
lsm_check(const struct spec *spec)
{
  bool selinux = selinux_enabled();
  if (check_label("process.apparmorProfile", spec->process.apparmor_profile, apparmor_enabled(),
                  "AppArmor") < 0 ||
      check_label("process.selinuxLabel", spec->process.selinux_label, selinux, "SELinux") <
          0 ||
      check_label("linux.mountLabel", spec->mount_label, selinux, "SELinux") < 0)
    return -1;
  return 0;
}
