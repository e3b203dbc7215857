/* nk-entity-meta.h — builds meta.entities (JSON text) cheaply from a typed per-document table.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

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
                                    guint32       role_start,
                                    guint32       role_len);
char         *nk_entity_meta_build_json (NkEntityMeta *meta,
                                         const char   *text,
                                         gsize        *len);

G_END_DECLS
