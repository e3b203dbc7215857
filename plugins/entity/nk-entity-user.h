/* nk-entity-user.h — loading the user gazetteer (JSON or TSV) into a gazetteer.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nk-entity-engine.h"

G_BEGIN_DECLS

/* Loads @path (JSON list/object of entries, or gazetteer TSV) with rule "gazetteer:user".
 * Errors name the file and the line (TSV, JSON syntax) or entry (JSON). */
gboolean nk_entity_user_load (NkEntityGazetteer *gz,
                              const char        *path,
                              GError           **error);

G_END_DECLS
