/* nkpipe.h — the public API plugins (and embedders) include.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#define NKPIPE_INSIDE
#include "nk-document.h"
#include "nk-config.h"
#include "nk-plugin.h"
#include "nk-text.h"
#include "nk-pipeline.h"
#undef NKPIPE_INSIDE

G_BEGIN_DECLS
const char *nk_get_version (void);
G_END_DECLS
