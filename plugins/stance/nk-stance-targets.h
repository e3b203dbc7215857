/* nk-stance-targets.h — builds stance targets from their JSON config (json-glib only).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nk-stance-engine.h"

G_BEGIN_DECLS

/* Adds every target of @targets (the `targets` config list: objects with `id`, `terms`,
 * optional `favor_cues`, `against_cues` and `context`: "sentence", the default, or
 * "document"). @where is the list's JSON path for errors, e.g. "config.targets". An empty
 * list is an error: stance needs targets. */
gboolean nk_stance_model_add_targets_json (NkStanceModel *model,
                                           JsonArray     *targets,
                                           const char    *where,
                                           GError       **error);

G_END_DECLS
