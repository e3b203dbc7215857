/* nk-entity-user.c — the user gazetteer from the pipeline config: JSON or TSV.
 *
 * JSON is either a list of entries or an object keyed by canonical name:
 *   [{"canonical": "Kim Jong Un", "label": "PERSON", "aliases": ["Kim Jong-un"],
 *     "flags": "eastern"}]
 *   {"Kim Jong Un": {"label": "PERSON", "aliases": ["Kim Jong-un"]}}
 * Anything else is read as the gazetteer TSV of data/entity/README.md.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include "nk-entity-user.h"

#include <json-glib/json-glib.h>
#include <string.h>

static gboolean
user_entry (NkEntityGazetteer *gz, const char *canonical, JsonNode *node, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                           "expected an object with \"label\" and \"aliases\"");
      return FALSE;
    }
  JsonObject *o = json_node_get_object (node);
  if (!canonical)
    {
      JsonNode *c = json_object_get_member (o, "canonical");
      if (!c || !JSON_NODE_HOLDS_VALUE (c) || json_node_get_value_type (c) != G_TYPE_STRING)
        {
          g_set_error_literal (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                               "\"canonical\" must be a string");
          return FALSE;
        }
      canonical = json_node_get_string (c);
    }
  JsonNode *l = json_object_get_member (o, "label");
  const char *label_str = l && JSON_NODE_HOLDS_VALUE (l) &&
                          json_node_get_value_type (l) == G_TYPE_STRING
                          ? json_node_get_string (l) : NULL;
  NkEntityLabel label;
  if (!label_str || !nk_entity_label_from_string (label_str, &label) ||
      label == NK_ENTITY_DATE)
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "\"label\" must be one of PERSON, ORG, GPE, LOC, FACILITY, NORP, EVENT "
                   "(got %s)", label_str ? label_str : "no string");
      return FALSE;
    }
  g_autoptr (GPtrArray) aliases = g_ptr_array_new ();
  JsonNode *a = json_object_get_member (o, "aliases");
  if (a && !JSON_NODE_HOLDS_NULL (a))
    {
      if (!JSON_NODE_HOLDS_ARRAY (a))
        {
          g_set_error_literal (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                               "\"aliases\" must be a list of strings");
          return FALSE;
        }
      JsonArray *arr = json_node_get_array (a);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *item = json_array_get_element (arr, i);
          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                           "\"aliases\"[%u] must be a string", i);
              return FALSE;
            }
          g_ptr_array_add (aliases, (gpointer) json_node_get_string (item));
        }
    }
  g_ptr_array_add (aliases, NULL);
  JsonNode *f = json_object_get_member (o, "flags");
  const char *flags = NULL;
  if (f && !JSON_NODE_HOLDS_NULL (f))
    {
      if (!JSON_NODE_HOLDS_VALUE (f) || json_node_get_value_type (f) != G_TYPE_STRING)
        {
          g_set_error_literal (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                               "\"flags\" must be a string such as \"eastern,default\"");
          return FALSE;
        }
      flags = json_node_get_string (f);
    }
  return nk_entity_gazetteer_add (gz, canonical, label, (const char *const *) aliases->pdata,
                                  flags, "gazetteer:user", error);
}

static gboolean
load_json (NkEntityGazetteer *gz, const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      /* json-glib's message carries line:column */
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE, "%s: %s", path,
                   local->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *arr = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        if (!user_entry (gz, NULL, json_array_get_element (arr, i), &local))
          {
            g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                         "%s: entry [%u]: %s", path, i, local->message);
            return FALSE;
          }
      return TRUE;
    }
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;
      json_object_iter_init (&iter, json_node_get_object (root));
      while (json_object_iter_next (&iter, &name, &node))
        if (!user_entry (gz, name, node, &local))
          {
            g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                         "%s: entry “%s”: %s", path, name, local->message);
            return FALSE;
          }
      return TRUE;
    }
  g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
               "%s: expected a JSON list or object of entries", path);
  return FALSE;
}

static gboolean
looks_like_json (const char *path)
{
  if (g_str_has_suffix (path, ".json"))
    return TRUE;
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  const char *p = data;
  while (p < data + len && g_ascii_isspace (*p))
    p++;
  return p < data + len && (*p == '[' || *p == '{');
}

gboolean
nk_entity_user_load (NkEntityGazetteer *gz, const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_IO,
                   "cannot read gazetteer %s: no such file", path);
      return FALSE;
    }
  if (looks_like_json (path))
    return load_json (gz, path, error);
  return nk_entity_gazetteer_load_tsv (gz, path, "gazetteer:user", error);
}
