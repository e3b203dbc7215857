/* nk-registry-private.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

/* The module file (path) and descriptor a loaded stage type came from. */
const char         *nk_registry_get_stage_module_path (NkRegistry *registry,
                                                      const char *type);
const NkPluginDesc *nk_registry_get_stage_module      (NkRegistry *registry,
                                                      const char *type);
void                nk_module_entry_free              (NkModuleEntry *entry);

G_END_DECLS
