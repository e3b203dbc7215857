/* nk-pipeline.c — loads a pipeline file, checks it completely before any document is
 * read (shape, stage types, configs, layer order), and runs document stages (NkWorker).
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-pipeline"

#include "nkpipe.h"
#include "nk-config-private.h"
#include "nk-json-private.h"
#include "nk-pipeline-private.h"

#include <string.h>

G_DEFINE_QUARK (nk-pipeline-error-quark, nk_pipeline_error)

struct _NkPipeline {
  NkRegistry *registry;
  char       *path;
  char       *display;
  char       *name;
  char       *base_dir;
  GPtrArray  *inputs;      /* char *, NULL-terminated */
  GPtrArray  *stages;      /* NkPipelineStage * */
  guint       n_doc_stages;
  char       *hash;
};

struct _NkWorker {
  NkPipeline *pipeline;
  GPtrArray  *instances;   /* gpointer per document stage */
};

static const char *const nk_top_keys[] = { "name", "description", "input", "stages", NULL };
static const char *const nk_stage_keys[] = { "plugin", "id", "config", NULL };
static const char *const nk_input_keys[] = { "paths", NULL };

static void
nk_pipeline_stage_free (NkPipelineStage *stage)
{
  if (stage->prepared && stage->info->unprepare)
    stage->info->unprepare (stage->shared);
  g_clear_pointer (&stage->config, nk_config_free);
  g_free (stage->id);
  g_free (stage->label);
  g_free (stage);
}

void
nk_pipeline_free (NkPipeline *pipeline)
{
  if (pipeline == NULL)
    return;
  /* Unprepare in reverse order: later stages may hold pointers into earlier data. */
  for (guint i = pipeline->stages->len; i > 0; i--)
    nk_pipeline_stage_free (g_ptr_array_index (pipeline->stages, i - 1));
  g_ptr_array_unref (pipeline->stages);
  g_ptr_array_unref (pipeline->inputs);
  g_free (pipeline->path);
  g_free (pipeline->display);
  g_free (pipeline->name);
  g_free (pipeline->base_dir);
  g_free (pipeline->hash);
  g_free (pipeline);
}

/* Every schema error is "FILE: PATH: message". */
static gboolean
nk_schema_fail (GError **error, const NkPipeline *p, const char *path, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
nk_schema_fail (GError **error, const NkPipeline *p, const char *path, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA, "%s: %s%s%s", p->display,
               path ? path : "", path ? ": " : "", msg);
  return FALSE;
}

static gboolean
nk_check_keys (const NkPipeline *p, JsonObject *object, const char *path,
               const char *const *known, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      const char *hint;
      g_autofree char *list = NULL;
      g_autofree char *key_path = NULL;

      if (g_strv_contains (known, key))
        continue;
      hint = nk_suggest_closest (key, known);
      list = g_strjoinv (", ", (char **) known);
      key_path = path ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
      return nk_schema_fail (error, p, key_path, "unknown key%s%s%s (known keys: %s)",
                             hint ? "; did you mean '" : "", hint ? hint : "",
                             hint ? "'?" : "", list);
    }
  return TRUE;
}

static JsonNode *
nk_member (JsonObject *object, const char *key, JsonNodeType type, GType value_type)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || json_node_get_node_type (node) != type)
    return NULL;
  if (type == JSON_NODE_VALUE && json_node_get_value_type (node) != value_type)
    return NULL;
  return node;
}

/* Input paths resolve against the pipeline's folder; under the current directory they are
 * kept relative, so document sources read the same in every checkout. */
static char *
nk_pipeline_input_path (const char *spec, const char *base_dir)
{
  g_autofree char *abs = g_canonicalize_filename (spec, base_dir);
  g_autofree char *cwd = g_get_current_dir ();
  gsize n = strlen (cwd);

  if (strncmp (abs, cwd, n) == 0 && abs[n] == '/')
    return g_strdup (abs + n + 1);
  return g_steal_pointer (&abs);
}

static gboolean
nk_pipeline_parse_inputs (NkPipeline *p, JsonObject *root, GError **error)
{
  JsonNode *input = json_object_get_member (root, "input");
  JsonArray *paths;

  if (input == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (input))
    return nk_schema_fail (error, p, "input", "expected an object {\"paths\": [...]}");
  if (!nk_check_keys (p, json_node_get_object (input), "input", nk_input_keys, error))
    return FALSE;
  if (!nk_member (json_node_get_object (input), "paths", JSON_NODE_ARRAY, G_TYPE_INVALID))
    return nk_schema_fail (error, p, "input.paths", "expected a list of paths or globs");
  paths = json_object_get_array_member (json_node_get_object (input), "paths");
  for (guint i = 0; i < json_array_get_length (paths); i++)
    {
      JsonNode *item = json_array_get_element (paths, i);
      g_autofree char *path = g_strdup_printf ("input.paths[%u]", i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          *json_node_get_string (item) == '\0')
        return nk_schema_fail (error, p, path, "expected a path or glob (a non-empty string)");
      g_ptr_array_insert (p->inputs, p->inputs->len - 1,
                          nk_pipeline_input_path (json_node_get_string (item), p->base_dir));
    }
  return TRUE;
}

static NkPipelineStage *
nk_pipeline_parse_stage (NkPipeline *p, JsonNode *node, guint index, GError **error)
{
  g_autofree char *path = g_strdup_printf ("stages[%u]", index);
  g_autofree char *config_path = g_strdup_printf ("stages[%u].config", index);
  g_autoptr(GError) local = NULL;
  JsonObject *object, *config_object = NULL;
  JsonNode *plugin, *id, *config;
  const NkStageInfo *info;
  NkPipelineStage *stage;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      nk_schema_fail (error, p, path, "expected an object {\"plugin\": STAGE_TYPE, \"config\": {...}}");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!nk_check_keys (p, object, path, nk_stage_keys, error))
    return NULL;
  plugin = nk_member (object, "plugin", JSON_NODE_VALUE, G_TYPE_STRING);
  if (plugin == NULL)
    {
      g_autofree char *pp = g_strdup_printf ("%s.plugin", path);
      nk_schema_fail (error, p, pp, "expected a stage type name (a string), e.g. \"segment\"");
      return NULL;
    }
  id = json_object_get_member (object, "id");
  if (id && (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
             *json_node_get_string (id) == '\0'))
    {
      g_autofree char *ip = g_strdup_printf ("%s.id", path);
      nk_schema_fail (error, p, ip, "expected a non-empty string");
      return NULL;
    }
  config = json_object_get_member (object, "config");
  if (config && !JSON_NODE_HOLDS_OBJECT (config))
    {
      nk_schema_fail (error, p, config_path, "expected an object");
      return NULL;
    }
  config_object = config ? json_node_get_object (config) : NULL;

  info = nk_registry_lookup_stage (p->registry, json_node_get_string (plugin), &local);
  if (info == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s.plugin: %s", p->display, path,
                   local->message);
      return NULL;
    }

  stage = g_new0 (NkPipelineStage, 1);
  stage->info = info;
  stage->id = g_strdup (id ? json_node_get_string (id) : info->type);
  stage->label = g_strdup_printf ("stages[%u] (%s)", index, stage->id);
  stage->config = nk_config_new_checked (info->config, config_object, config_path, stage->id,
                                         p->base_dir, nk_registry_get_data_dir (p->registry),
                                         &local);
  if (stage->config == NULL)
    {
      g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA, "%s: %s", p->display,
                   local->message);
      nk_pipeline_stage_free (stage);
      return NULL;
    }
  return stage;
}

static gboolean
nk_pipeline_check_ids (NkPipeline *p, GError **error)
{
  for (guint i = 0; i < p->stages->len; i++)
    for (guint j = 0; j < i; j++)
      {
        NkPipelineStage *a = g_ptr_array_index (p->stages, j);
        NkPipelineStage *b = g_ptr_array_index (p->stages, i);
        g_autofree char *path = g_strdup_printf ("stages[%u]", i);

        if (strcmp (a->id, b->id) != 0)
          continue;
        return nk_schema_fail (error, p, path,
                               "stage id '%s' is already used by stages[%u]; give each "
                               "stage of the same type its own \"id\"", b->id, j);
      }
  return TRUE;
}

/* The layer check: what each stage requires must be provided earlier (the core provides
 * "text"); sinks see every document after all document stages, so they come last. */
static gboolean
nk_pipeline_check_layers (NkPipeline *p, GError **error)
{
  g_autoptr(GPtrArray) available = g_ptr_array_new ();
  gint first_sink = -1;

  g_ptr_array_add (available, (gpointer) "text");
  for (guint i = 0; i < p->stages->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (p->stages, i);
      const NkStageInfo *info = stage->info;

      if (info->kind == NK_STAGE_SINK && first_sink < 0)
        first_sink = (gint) i;
      if (info->kind == NK_STAGE_DOCUMENT && first_sink >= 0)
        {
          g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_LAYERS,
                       "%s: %s is a document stage after the sink stages[%d]; sinks see "
                       "finished documents, so they must come after all document stages",
                       p->display, stage->label, first_sink);
          return FALSE;
        }
      for (guint r = 0; info->requires && info->requires[r]; r++)
        {
          gboolean found = FALSE;
          for (guint a = 0; a < available->len && !found; a++)
            found = strcmp (g_ptr_array_index (available, a), info->requires[r]) == 0;
          if (!found)
            {
              g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_LAYERS,
                           "%s: %s requires layer '%s', which no earlier stage provides",
                           p->display, stage->label, info->requires[r]);
              return FALSE;
            }
        }
      g_ptr_array_add (available, NULL);
      nk_config_set_available (stage->config, (const char *const *) available->pdata);
      g_ptr_array_remove_index (available, available->len - 1);
      for (guint r = 0; info->provides && info->provides[r]; r++)
        g_ptr_array_add (available, (gpointer) info->provides[r]);
      if (info->kind == NK_STAGE_DOCUMENT)
        p->n_doc_stages = i + 1;
    }
  return TRUE;
}

static gboolean
nk_stage_reads (const NkPipelineStage *stage, const char *layer)
{
  const NkStageInfo *info = stage->info;

  return (info->requires && g_strv_contains (info->requires, layer)) ||
         (info->uses && g_strv_contains (info->uses, layer)) ||
         (info->wants_layer && info->wants_layer (stage->config, layer));
}

/* Demand: tell each stage which of its layers no later stage reads, so it can skip them.
 * Only in pipelines with sinks; without one the caller reads the documents itself. */
static void
nk_pipeline_mark_unwanted (NkPipeline *p)
{
  if (p->n_doc_stages == p->stages->len)
    return;
  for (guint i = 0; i < p->stages->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (p->stages, i);
      g_autoptr(GPtrArray) unwanted = g_ptr_array_new ();
      const char *const *provides = stage->info->provides;

      for (guint k = 0; provides && provides[k]; k++)
        {
          gboolean read = FALSE;

          if (strcmp (provides[k], "text") == 0)
            continue;
          for (guint j = i + 1; j < p->stages->len && !read; j++)
            {
              NkPipelineStage *later = g_ptr_array_index (p->stages, j);
              read = nk_stage_reads (later, provides[k]);
              /* a later stage that provides the layer again hides this one */
              if (!read && later->info->provides && g_strv_contains (later->info->provides, provides[k]))
                break;
            }
          if (!read)
            g_ptr_array_add (unwanted, (gpointer) provides[k]);
        }
      g_ptr_array_add (unwanted, NULL);
      nk_config_set_unwanted (stage->config, (const char *const *) unwanted->pdata);
    }
}

static gboolean
nk_pipeline_parse (NkPipeline *p, JsonNode *root_node, GError **error)
{
  JsonObject *root;
  JsonNode *name, *description, *stages;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    return nk_schema_fail (error, p, NULL, "the top level must be an object "
                           "{\"name\": ..., \"stages\": [...]}");
  root = json_node_get_object (root_node);
  if (!nk_check_keys (p, root, NULL, nk_top_keys, error))
    return FALSE;
  name = json_object_get_member (root, "name");
  if (name && !nk_member (root, "name", JSON_NODE_VALUE, G_TYPE_STRING))
    return nk_schema_fail (error, p, "name", "expected a string");
  description = json_object_get_member (root, "description");
  if (description && !nk_member (root, "description", JSON_NODE_VALUE, G_TYPE_STRING))
    return nk_schema_fail (error, p, "description", "expected a string");
  p->name = name ? g_strdup (json_node_get_string (name)) : g_path_get_basename (p->display);
  if (!nk_pipeline_parse_inputs (p, root, error))
    return FALSE;

  stages = json_object_get_member (root, "stages");
  if (stages == NULL || !JSON_NODE_HOLDS_ARRAY (stages))
    return nk_schema_fail (error, p, "stages", "expected a list of stages "
                           "[{\"plugin\": STAGE_TYPE, \"config\": {...}}, ...]");
  array = json_node_get_array (stages);
  if (json_array_get_length (array) == 0)
    return nk_schema_fail (error, p, "stages", "expected at least one stage");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      NkPipelineStage *stage = nk_pipeline_parse_stage (p, json_array_get_element (array, i), i,
                                                        error);
      if (stage == NULL)
        return FALSE;
      g_ptr_array_add (p->stages, stage);
    }
  if (!nk_pipeline_check_ids (p, error) || !nk_pipeline_check_layers (p, error))
    return FALSE;
  nk_pipeline_mark_unwanted (p);
  return TRUE;
}

NkPipeline *
nk_pipeline_load_data (NkRegistry *registry, const char *data, gssize len,
                       const char *display_name, const char *base_dir, GError **error)
{
  g_autoptr(NkPipeline) p = g_new0 (NkPipeline, 1);
  g_autoptr(JsonNode) root = NULL;
  gsize n = len < 0 ? strlen (data) : (gsize) len;

  p->registry = registry;
  p->display = g_strdup (display_name ? display_name : "<pipeline>");
  p->base_dir = base_dir ? g_canonicalize_filename (base_dir, NULL) : g_get_current_dir ();
  p->inputs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (p->inputs, NULL);
  p->stages = g_ptr_array_new ();
  p->hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, n);

  root = nk_json_parse_document (data, n, p->display, error);
  if (root == NULL)
    {
      if (error && *error)
        (*error)->domain = NK_PIPELINE_ERROR, (*error)->code = NK_PIPELINE_ERROR_SYNTAX;
      return NULL;
    }
  if (!nk_pipeline_parse (p, root, error))
    return NULL;
  return g_steal_pointer (&p);
}

NkPipeline *
nk_pipeline_load_file (NkRegistry *registry, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) local = NULL;
  gsize len;
  NkPipeline *p;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_IO, "cannot read pipeline: %s",
                   local->message);
      return NULL;
    }
  dir = g_path_get_dirname (path);
  p = nk_pipeline_load_data (registry, data, (gssize) len, path, dir, error);
  if (p)
    p->path = g_canonicalize_filename (path, NULL);
  return p;
}

const char *
nk_pipeline_get_name (const NkPipeline *pipeline)
{
  return pipeline->name;
}

const char *
nk_pipeline_get_path (const NkPipeline *pipeline)
{
  return pipeline->path;
}

const char *const *
nk_pipeline_get_inputs (const NkPipeline *pipeline)
{
  return (const char *const *) pipeline->inputs->pdata;
}

guint
nk_pipeline_get_n_stages (const NkPipeline *pipeline)
{
  return pipeline->stages->len;
}

NkPipelineStage *
nk_pipeline_get_stage (const NkPipeline *pipeline, guint i)
{
  g_return_val_if_fail (i < pipeline->stages->len, NULL);
  return g_ptr_array_index (pipeline->stages, i);
}

guint
nk_pipeline_get_n_doc_stages (const NkPipeline *pipeline)
{
  return pipeline->n_doc_stages;
}

NkRegistry *
nk_pipeline_get_registry (const NkPipeline *pipeline)
{
  return pipeline->registry;
}

const NkStageInfo *
nk_pipeline_get_stage_info (const NkPipeline *pipeline, guint i)
{
  return nk_pipeline_get_stage (pipeline, i)->info;
}

const NkConfig *
nk_pipeline_get_stage_config (const NkPipeline *pipeline, guint i)
{
  return nk_pipeline_get_stage (pipeline, i)->config;
}

char *
nk_pipeline_get_hash (const NkPipeline *pipeline)
{
  return g_strdup (pipeline->hash);
}

static gboolean
nk_stage_is_export (const NkStageInfo *info)
{
  return strcmp (info->type, "export") == 0 || g_str_has_prefix (info->type, "export-");
}

/* `-o FILE`: the path of the pipeline's only export stage. */
gboolean
nk_pipeline_override_output (NkPipeline *pipeline, const char *path, GError **error)
{
  NkPipelineStage *target = NULL;
  guint count = 0;

  for (guint i = 0; i < pipeline->stages->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (pipeline->stages, i);
      if (nk_stage_is_export (stage->info))
        {
          target = stage;
          count++;
        }
    }
  if (count != 1)
    {
      g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA,
                   "%s: -o needs exactly one export stage, but the pipeline has %u; set "
                   "\"path\" in each export stage's config instead", pipeline->display, count);
      return FALSE;
    }
  if (strcmp (path, "-") == 0)
    json_object_remove_member (nk_config_get_object_root (target->config), "path");
  else
    {
      g_autofree char *abs = g_canonicalize_filename (path, NULL);
      nk_config_set_string (target->config, "path", abs);
    }
  return TRUE;
}

gboolean
nk_pipeline_prepare (NkPipeline *pipeline, GError **error)
{
  for (guint i = 0; i < pipeline->stages->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (pipeline->stages, i);
      g_autoptr(GError) local = NULL;

      if (stage->prepared)
        continue;
      if (stage->info->prepare)
        {
          stage->shared = stage->info->prepare (stage->config, &local);
          if (local)
            {
              g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE,
                           "%s: %s: %s", pipeline->display, stage->label, local->message);
              return FALSE;
            }
        }
      stage->prepared = TRUE;
    }
  return TRUE;
}

NkWorker *
nk_worker_new (NkPipeline *pipeline, GError **error)
{
  g_autoptr(NkWorker) worker = g_new0 (NkWorker, 1);

  worker->pipeline = pipeline;
  worker->instances = g_ptr_array_new ();
  if (!nk_pipeline_prepare (pipeline, error))
    return NULL;
  for (guint i = 0; i < pipeline->n_doc_stages; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (pipeline->stages, i);
      g_autoptr(GError) local = NULL;
      gpointer self = stage->info->create (stage->config, stage->shared, &local);

      if (self == NULL)
        {
          g_set_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE, "%s: %s: %s",
                       pipeline->display, stage->label,
                       local ? local->message : "could not create the stage");
          return NULL;
        }
      g_ptr_array_add (worker->instances, self);
    }
  return g_steal_pointer (&worker);
}

gboolean
nk_worker_process (NkWorker *worker, NkDocument *doc, guint *failed_stage, GError **error)
{
  for (guint i = 0; i < worker->instances->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (worker->pipeline->stages, i);
      g_autoptr(GError) local = NULL;

      if (stage->info->process (g_ptr_array_index (worker->instances, i), doc, &local))
        continue;
      if (failed_stage)
        *failed_stage = i;
      if (local == NULL)
        g_set_error (&local, NK_STAGE_ERROR, NK_STAGE_ERROR_INPUT, "failed without a message");
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

void
nk_worker_free (NkWorker *worker)
{
  if (worker == NULL)
    return;
  for (guint i = 0; i < worker->instances->len; i++)
    {
      NkPipelineStage *stage = g_ptr_array_index (worker->pipeline->stages, i);
      stage->info->free (g_ptr_array_index (worker->instances, i));
    }
  g_ptr_array_unref (worker->instances);
  g_free (worker);
}
