/* Linux security modules: process.apparmorProfile, process.selinuxLabel and
 * linux.mountLabel.
 */
#ifndef PIECES_LSM_H
#define PIECES_LSM_H

#include "config.h"

/* Where the module a label is for is not enabled, the spec lets the runtime go on
   without it: we say so once.  Where it is enabled, pieces-run cannot apply labels
   yet, and refuses rather than run the container less confined than asked. */
int lsm_check(const struct spec *spec);

#endif
