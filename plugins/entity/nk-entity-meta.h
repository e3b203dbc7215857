/* nk-entity-meta.h — builds meta.entities (JSON) cheaply from a typed per-document table.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nk-entity-engine.h"

G_BEGIN_DECLS

typedef struct _NkEntityMeta NkEntityMeta;

NkEntityMeta *nk_entity_meta_new   (void);
void          nk_entity_meta_free  (NkEntityMeta *meta);
void          nk_entity_meta_reset (NkEntityMeta *meta,
                                    guint         n_mentions);
void          nk_entity_meta_add   (NkEntityMeta *meta,
                                    const char   *text,
                                    NkEntityLabel label,
                                    const char   *canonical,
                                    gsize         canon_len,
                                    gboolean      is_static,
                                    guint32       role_start,
                                    guint32       role_len);
JsonNode     *nk_entity_meta_build (NkEntityMeta *meta,
                                    const char   *text);

G_END_DECLS
