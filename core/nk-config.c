/* nk-config.c — checks a stage's JSON config against its schema, fills in defaults and
 * resolves paths, so stages read only values they declared, with the types they declared.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-config"

#include "nkpipe.h"
#include "nk-config-private.h"
#include "nk-json-private.h"

#include <string.h>

struct _NkConfig {
  char       *stage_id;
  char       *data_dir;
  JsonObject *root;
  char      **unwanted;   /* provided layers no later stage reads */
  char      **available;  /* layers earlier stages provide; NULL outside a pipeline */
};

G_DEFINE_QUARK (nk-stage-error-quark, nk_stage_error)

const char *
nk_config_type_to_string (NkConfigType type)
{
  switch (type)
    {
    case NK_CONFIG_STRING: return "string";
    case NK_CONFIG_INT: return "int";
    case NK_CONFIG_DOUBLE: return "double";
    case NK_CONFIG_BOOL: return "bool";
    case NK_CONFIG_PATH: return "path";
    case NK_CONFIG_LIST: return "list";
    case NK_CONFIG_OBJECT: return "object";
    default: return "unknown";
    }
}

static const char *
nk_json_kind (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY: return "a list";
    case JSON_NODE_NULL: return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return "a string";
    case G_TYPE_INT64: return "an integer";
    case G_TYPE_DOUBLE: return "a number";
    case G_TYPE_BOOLEAN: return "a boolean";
    default: return "a value";
    }
}

static const char *
nk_config_expected (NkConfigType type, NkConfigType item_type)
{
  switch (type)
    {
    case NK_CONFIG_STRING: return "a string";
    case NK_CONFIG_PATH: return "a string (a file path)";
    case NK_CONFIG_INT: return "an integer";
    case NK_CONFIG_DOUBLE: return "a number";
    case NK_CONFIG_BOOL: return "true or false";
    case NK_CONFIG_OBJECT: return "an object";
    case NK_CONFIG_LIST:
      switch (item_type)
        {
        case NK_CONFIG_STRING: return "a list of strings";
        case NK_CONFIG_PATH: return "a list of file paths";
        case NK_CONFIG_INT: return "a list of integers";
        case NK_CONFIG_DOUBLE: return "a list of numbers";
        case NK_CONFIG_BOOL: return "a list of booleans";
        case NK_CONFIG_OBJECT: return "a list of objects";
        case NK_CONFIG_LIST: return "a list of lists";
        default: break;
        }
      return "a list";
    default:
      return "a value";
    }
}

/* Levenshtein distance, for "did you mean …" on misspelt keys. */
static guint
nk_edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

const char *
nk_suggest_closest (const char *word, const char *const *choices)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;

  for (guint i = 0; choices && choices[i]; i++)
    {
      guint d = nk_edit_distance (word, choices[i]);
      if (d < best_d)
        {
          best_d = d;
          best = choices[i];
        }
    }
  return best_d <= MAX (2u, (guint) strlen (word) / 3) ? best : NULL;
}

static gboolean nk_config_check_object (const NkConfigKey *schema, JsonObject *object,
                                        const char *path, const char *base_dir,
                                        GError **error);

static gboolean
nk_config_fail (GError **error, const char *path, const char *expected, JsonNode *got)
{
  g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA,
               "%s: expected %s, found %s", path, expected, nk_json_kind (got));
  return FALSE;
}

static gboolean
nk_config_check_value (NkConfigType type, NkConfigType item_type, const NkConfigKey *children,
                       JsonNode *node, const char *path, const char *base_dir, GError **error)
{
  JsonNodeType nt = json_node_get_node_type (node);
  GType vt = nt == JSON_NODE_VALUE ? json_node_get_value_type (node) : G_TYPE_INVALID;
  const char *expected = nk_config_expected (type, item_type);

  switch (type)
    {
    case NK_CONFIG_STRING:
      return vt == G_TYPE_STRING ? TRUE : nk_config_fail (error, path, expected, node);
    case NK_CONFIG_PATH:
      if (vt != G_TYPE_STRING)
        return nk_config_fail (error, path, expected, node);
      if (*json_node_get_string (node) == '\0')
        {
          g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA,
                       "%s: expected a file path, found an empty string", path);
          return FALSE;
        }
      if (base_dir)
        {
          g_autofree char *abs = g_canonicalize_filename (json_node_get_string (node), base_dir);
          json_node_set_string (node, abs);
        }
      return TRUE;
    case NK_CONFIG_INT:
      return vt == G_TYPE_INT64 ? TRUE : nk_config_fail (error, path, expected, node);
    case NK_CONFIG_DOUBLE:
      if (vt == G_TYPE_INT64)
        json_node_set_double (node, (double) json_node_get_int (node));
      else if (vt != G_TYPE_DOUBLE)
        return nk_config_fail (error, path, expected, node);
      return TRUE;
    case NK_CONFIG_BOOL:
      return vt == G_TYPE_BOOLEAN ? TRUE : nk_config_fail (error, path, expected, node);
    case NK_CONFIG_OBJECT:
      if (nt != JSON_NODE_OBJECT)
        return nk_config_fail (error, path, expected, node);
      return children == NULL ||
             nk_config_check_object (children, json_node_get_object (node), path, base_dir, error);
    case NK_CONFIG_LIST:
      {
        JsonArray *array;

        if (nt != JSON_NODE_ARRAY)
          return nk_config_fail (error, path, expected, node);
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
            if (!nk_config_check_value (item_type, NK_CONFIG_STRING, children,
                                        json_array_get_element (array, i), item_path,
                                        base_dir, error))
              return FALSE;
          }
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static char **
nk_config_key_names (const NkConfigKey *schema)
{
  GPtrArray *names = g_ptr_array_new ();

  for (const NkConfigKey *k = schema; k && k->name; k++)
    g_ptr_array_add (names, (gpointer) k->name);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

static gboolean
nk_config_reject_unknown (const NkConfigKey *schema, JsonObject *object, const char *path,
                          GError **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autofree char **names = nk_config_key_names (schema);

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *known = NULL;
      const char *hint;

      if (g_strv_contains ((const char *const *) names, key))
        continue;
      hint = nk_suggest_closest (key, (const char *const *) names);
      known = names[0] ? g_strjoinv (", ", names) : g_strdup ("none");
      g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA,
                   "%s.%s: unknown key%s%s%s (known keys: %s)", path, key,
                   hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "", known);
      return FALSE;
    }
  return TRUE;
}

/* Checks @object in place: known keys only, right types, defaults added, paths resolved. */
static gboolean
nk_config_check_object (const NkConfigKey *schema, JsonObject *object, const char *path,
                        const char *base_dir, GError **error)
{
  if (!nk_config_reject_unknown (schema, object, path, error))
    return FALSE;
  for (const NkConfigKey *k = schema; k && k->name; k++)
    {
      g_autofree char *key_path = g_strdup_printf ("%s.%s", path, k->name);
      JsonNode *node = json_object_get_member (object, k->name);

      if (node == NULL && k->default_value)
        {
          node = json_from_string (k->default_value, NULL);
          g_assert (node != NULL);   /* defaults are checked at registration */
          json_object_set_member (object, k->name, node);
        }
      if (node == NULL)
        {
          if (k->flags & NK_CONFIG_FLAGS_REQUIRED)
            {
              g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA,
                           "%s: missing required key (expected %s: %s)", key_path,
                           nk_config_expected (k->type, k->item_type), k->description);
              return FALSE;
            }
          continue;
        }
      if (!nk_config_check_value (k->type, k->item_type, k->children, node, key_path,
                                  base_dir, error))
        return FALSE;
    }
  return TRUE;
}

NkConfig *
nk_config_new_checked (const NkConfigKey *schema, JsonObject *object, const char *json_path,
                       const char *stage_id, const char *base_dir, const char *data_dir,
                       GError **error)
{
  g_autoptr(NkConfig) config = g_new0 (NkConfig, 1);

  config->stage_id = g_strdup (stage_id);
  config->data_dir = g_strdup (data_dir);
  config->root = object ? json_object_ref (object) : json_object_new ();
  if (!nk_config_check_object (schema, config->root, json_path, base_dir, error))
    return NULL;
  return g_steal_pointer (&config);
}

void
nk_config_free (NkConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->stage_id);
  g_free (config->data_dir);
  g_strfreev (config->unwanted);
  g_strfreev (config->available);
  json_object_unref (config->root);
  g_free (config);
}

void
nk_config_set_unwanted (NkConfig *config, const char *const *layers)
{
  g_strfreev (config->unwanted);
  config->unwanted = g_strdupv ((char **) layers);
}

/**
 * nk_config_layer_wanted:
 * @layer: a layer this stage provides
 *
 * Whether any later stage of the pipeline reads @layer (requires or uses it, or an exporter
 * writes it). A stage may skip computing a layer nobody wants; it should still add the layer
 * (empty) so readers that look it up find it. Always TRUE outside a pipeline with sinks,
 * where the caller reads the documents itself.
 */
gboolean
nk_config_layer_wanted (const NkConfig *config, const char *layer)
{
  return config->unwanted == NULL || !g_strv_contains ((const char *const *) config->unwanted, layer);
}

void
nk_config_set_available (NkConfig *config, const char *const *layers)
{
  g_strfreev (config->available);
  config->available = g_strdupv ((char **) layers);
}

/**
 * nk_config_layer_available:
 * @layer: a layer name
 *
 * Whether an earlier stage of the pipeline provides @layer ("text" always is), so that a
 * stage which uses a layer when present can tell at prepare time whether it will be, and
 * skip loading what it needs only without it. TRUE outside a pipeline, where nothing is
 * known about other stages.
 */
gboolean
nk_config_layer_available (const NkConfig *config, const char *layer)
{
  return config->available == NULL ||
         g_strv_contains ((const char *const *) config->available, layer);
}

void
nk_config_set_string (NkConfig *config, const char *key, const char *value)
{
  json_object_set_string_member (config->root, key, value);
}

/* Schemas are plugin data: check them once when the plugin registers, so a bad default is
 * the plugin author's error at load time, not a crash at run time. */
gboolean
nk_config_schema_check (const NkConfigKey *schema, const char *where, GError **error)
{
  for (const NkConfigKey *k = schema; k && k->name; k++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *path = NULL;

      if (k->default_value == NULL)
        continue;
      path = g_strdup_printf ("%s.%s", where, k->name);
      node = nk_json_parse_document (k->default_value, strlen (k->default_value), path, &local);
      if (node == NULL ||
          !nk_config_check_value (k->type, k->item_type, k->children, node, path, NULL, &local))
        {
          g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                       "bad default for config key %s: %s", path, local->message);
          return FALSE;
        }
      if (k->children && !nk_config_schema_check (k->children, path, error))
        return FALSE;
    }
  return TRUE;
}

void
nk_config_describe (const NkConfigKey *schema, GString *out, int indent)
{
  if (schema == NULL || schema->name == NULL)
    {
      g_string_append_printf (out, "%*s(no config keys)\n", indent, "");
      return;
    }
  for (const NkConfigKey *k = schema; k->name; k++)
    {
      g_string_append_printf (out, "%*s%s (%s", indent, "", k->name, nk_config_type_to_string (k->type));
      if (k->type == NK_CONFIG_LIST)
        g_string_append_printf (out, " of %s", nk_config_type_to_string (k->item_type));
      if (k->flags & NK_CONFIG_FLAGS_REQUIRED)
        g_string_append (out, ", required");
      g_string_append (out, ")");
      if (k->default_value)
        g_string_append_printf (out, ", default %s", k->default_value);
      g_string_append_printf (out, "\n%*s    %s\n", indent, "", k->description ? k->description : "");
      if (k->children)
        nk_config_describe (k->children, out, indent + 4);
    }
}

/* ---- public accessors -------------------------------------------------------------- */

const char *
nk_config_get_stage_id (const NkConfig *config)
{
  return config->stage_id;
}

JsonObject *
nk_config_get_object_root (const NkConfig *config)
{
  return config->root;
}

gboolean
nk_config_has (const NkConfig *config, const char *key)
{
  JsonNode *node = json_object_get_member (config->root, key);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static JsonNode *
nk_config_member (const NkConfig *config, const char *key, GType value_type)
{
  JsonNode *node = json_object_get_member (config->root, key);

  if (node == NULL || json_node_get_node_type (node) != JSON_NODE_VALUE)
    return NULL;
  if (value_type != G_TYPE_INVALID && json_node_get_value_type (node) != value_type)
    return NULL;
  return node;
}

const char *
nk_config_get_string (const NkConfig *config, const char *key)
{
  JsonNode *node = nk_config_member (config, key, G_TYPE_STRING);

  return node ? json_node_get_string (node) : NULL;
}

const char *
nk_config_get_path (const NkConfig *config, const char *key)
{
  return nk_config_get_string (config, key);
}

gint64
nk_config_get_int (const NkConfig *config, const char *key)
{
  JsonNode *node = nk_config_member (config, key, G_TYPE_INT64);

  return node ? json_node_get_int (node) : 0;
}

double
nk_config_get_double (const NkConfig *config, const char *key)
{
  JsonNode *node = nk_config_member (config, key, G_TYPE_INVALID);

  return node ? json_node_get_double (node) : 0.0;
}

gboolean
nk_config_get_bool (const NkConfig *config, const char *key)
{
  JsonNode *node = nk_config_member (config, key, G_TYPE_BOOLEAN);

  return node ? json_node_get_boolean (node) : FALSE;
}

JsonArray *
nk_config_get_list (const NkConfig *config, const char *key)
{
  JsonNode *node = json_object_get_member (config->root, key);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
nk_config_get_object (const NkConfig *config, const char *key)
{
  JsonNode *node = json_object_get_member (config->root, key);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

char *
nk_config_find_data_file (const NkConfig *config, const char *relative_path, GError **error)
{
  g_autofree char *path = NULL;

  if (config->data_dir == NULL)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA,
                   "data file '%s' not found: no data directory is configured", relative_path);
      return NULL;
    }
  path = g_build_filename (config->data_dir, relative_path, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA,
                   "data file '%s' not found in %s", relative_path, config->data_dir);
      return NULL;
    }
  return g_steal_pointer (&path);
}
