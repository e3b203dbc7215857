/* nk-version.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "nkpipe.h"
#include "nk-build-config.h"

const char *
nk_get_version (void)
{
  return NK_VERSION;
}
