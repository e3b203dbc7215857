/* nk-config.h — stage configuration schemas and validated configs.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(NKPIPE_INSIDE) && !defined(NKPIPE_COMPILATION)
#error "Only <nkpipe.h> can be included directly."
#endif

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * NkConfigType:
 * @NK_CONFIG_STRING: a JSON string
 * @NK_CONFIG_INT: a JSON integer (no fraction, within int64)
 * @NK_CONFIG_DOUBLE: a JSON number
 * @NK_CONFIG_BOOL: `true` or `false`
 * @NK_CONFIG_PATH: a string naming a file; a relative path is resolved against the pipeline
 *   file's folder at load time, so stages always see an absolute path
 * @NK_CONFIG_LIST: a JSON array whose items have the key's @item_type
 * @NK_CONFIG_OBJECT: a JSON object checked against the key's @children
 */
typedef enum {
  NK_CONFIG_STRING,
  NK_CONFIG_INT,
  NK_CONFIG_DOUBLE,
  NK_CONFIG_BOOL,
  NK_CONFIG_PATH,
  NK_CONFIG_LIST,
  NK_CONFIG_OBJECT,
} NkConfigType;

const char *nk_config_type_to_string (NkConfigType type);

typedef enum {
  NK_CONFIG_FLAGS_NONE     = 0,
  NK_CONFIG_FLAGS_REQUIRED = 1 << 0,
} NkConfigFlags;

typedef struct _NkConfigKey NkConfigKey;

/**
 * NkConfigKey:
 * @name: the key; a schema is an array ending with an entry whose @name is %NULL
 * @type: the value's type
 * @default_value: (nullable): the default as JSON text (`"true"`, `"0.05"`, `"[\"a\"]"`),
 *   or %NULL for none (the key is then absent unless given)
 * @description: one line for `nkpipe describe`
 * @flags: %NK_CONFIG_FLAGS_REQUIRED for keys that must be given
 * @item_type: for %NK_CONFIG_LIST, the type of each item
 * @children: (nullable): for %NK_CONFIG_OBJECT (or a list of objects), the nested schema
 */
struct _NkConfigKey {
  const char        *name;
  NkConfigType       type;
  const char        *default_value;
  const char        *description;
  NkConfigFlags      flags;
  NkConfigType       item_type;
  const NkConfigKey *children;
};

typedef struct _NkConfig NkConfig;

const char *nk_config_get_stage_id (const NkConfig *config);
JsonObject *nk_config_get_object_root (const NkConfig *config);

gboolean    nk_config_has          (const NkConfig *config, const char *key);
const char *nk_config_get_string   (const NkConfig *config, const char *key);
const char *nk_config_get_path     (const NkConfig *config, const char *key);
gint64      nk_config_get_int      (const NkConfig *config, const char *key);
double      nk_config_get_double   (const NkConfig *config, const char *key);
gboolean    nk_config_get_bool     (const NkConfig *config, const char *key);
JsonArray  *nk_config_get_list     (const NkConfig *config, const char *key);
JsonObject *nk_config_get_object   (const NkConfig *config, const char *key);

gboolean    nk_config_layer_wanted (const NkConfig *config, const char *layer);
gboolean    nk_config_layer_available (const NkConfig *config, const char *layer);

char       *nk_config_find_data_file (const NkConfig *config,
                                      const char     *relative_path,
                                      GError        **error);

G_END_DECLS
