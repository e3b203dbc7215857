/* nk-config-private.h — building and checking configs (core only).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

NkConfig *nk_config_new_checked (const NkConfigKey *schema,
                                 JsonObject        *object,
                                 const char        *json_path,
                                 const char        *stage_id,
                                 const char        *base_dir,
                                 const char        *data_dir,
                                 GError           **error);
void      nk_config_free        (NkConfig *config);
void      nk_config_set_unwanted (NkConfig          *config,
                                  const char *const *layers);
void      nk_config_set_available (NkConfig          *config,
                                   const char *const *layers);
void      nk_config_set_string  (NkConfig   *config,
                                 const char *key,
                                 const char *value);
gboolean  nk_config_schema_check (const NkConfigKey *schema,
                                  const char        *where,
                                  GError           **error);
void      nk_config_describe    (const NkConfigKey *schema,
                                 GString           *out,
                                 int                indent);
const char *nk_suggest_closest  (const char        *word,
                                 const char *const *choices);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkConfig, nk_config_free)

G_END_DECLS
