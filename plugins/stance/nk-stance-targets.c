/* nk-stance-targets.c — the `targets` config list into an NkStanceModel.
 *
 * The core already checks the schema's types; this checks what a schema cannot say (a
 * non-empty list, non-empty terms) and stays safe on its own, for the engine tests.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-targets.h"

/* The strings of an optional list member, borrowed from @obj; NULL if absent. */
static gboolean
nk_string_list (JsonObject *obj, const char *key, const char *where, GPtrArray **out,
                GError **error)
{
  *out = NULL;
  JsonNode *node = json_object_get_member (obj, key);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.%s: expected a list of strings", where, key);
      return FALSE;
    }
  JsonArray *array = json_node_get_array (node);
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                       "%s.%s[%u]: expected a string", where, key, i);
          return FALSE;
        }
      g_ptr_array_add (list, (gpointer) json_node_get_string (item));
    }
  g_ptr_array_add (list, NULL);
  *out = g_steal_pointer (&list);
  return TRUE;
}

static gboolean
nk_add_target_json (NkStanceModel *model, JsonNode *node, const char *where, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: expected an object with \"id\" and \"terms\"", where);
      return FALSE;
    }
  JsonObject *obj = json_node_get_object (node);
  const char *id = json_object_get_string_member_with_default (obj, "id", NULL);
  g_autoptr (GPtrArray) terms = NULL, favor = NULL, against = NULL;
  if (!nk_string_list (obj, "terms", where, &terms, error)
      || !nk_string_list (obj, "favor_cues", where, &favor, error)
      || !nk_string_list (obj, "against_cues", where, &against, error))
    return FALSE;
  const char *context = json_object_get_string_member_with_default (obj, "context",
                                                                   "sentence");
  gboolean document_context = g_strcmp0 (context, "document") == 0;
  if (!document_context && g_strcmp0 (context, "sentence") != 0)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.context: expected \"sentence\" or \"document\", not \"%s\"", where,
                   context ? context : "(not a string)");
      return FALSE;
    }
  int t = nk_stance_model_add_target (model, id,
                                      terms ? (const char *const *) terms->pdata : NULL,
                                      favor ? (const char *const *) favor->pdata : NULL,
                                      against ? (const char *const *) against->pdata : NULL,
                                      where, error);
  if (t < 0)
    return FALSE;
  nk_stance_model_set_document_context (model, (guint) t, document_context);
  return TRUE;
}

gboolean
nk_stance_model_add_targets_json (NkStanceModel *model, JsonArray *targets,
                                  const char *where, GError **error)
{
  if (targets == NULL || json_array_get_length (targets) == 0)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: stance needs at least one target "
                   "({\"id\": ..., \"terms\": [...]})", where);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", where, i);
      if (!nk_add_target_json (model, json_array_get_element (targets, i), path, error))
        return FALSE;
    }
  return TRUE;
}
