/* nk-stance-summary.c — the `stance-summary` sink: stance spans of the whole run counted
 * per target and holder, written as one JSON file when the run finishes.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-private.h"

static const NkConfigKey nk_stance_summary_config[] = {
  { "path", NK_CONFIG_PATH, NULL, "the JSON file to write (replaced atomically at the end)",
    NK_CONFIG_FLAGS_REQUIRED, 0, NULL },
  { NULL, 0, NULL, NULL, 0, 0, NULL },
};

static const char *const nk_stance_summary_requires[] = { "stance", NULL };

typedef struct {
  char              *path;
  NkStanceAggregate *aggregate;
  guint64            documents;
  guint64            with_stance;   /* documents with at least one stance span */
} NkStanceSummary;

static gpointer
nk_stance_summary_create (const NkConfig *config, gpointer shared, GError **error)
{
  NkStanceSummary *self = g_new0 (NkStanceSummary, 1);
  self->path = g_strdup (nk_config_get_path (config, "path"));
  self->aggregate = nk_stance_aggregate_new ();
  return self;
}

static void
nk_stance_summary_free (gpointer data)
{
  NkStanceSummary *self = data;
  g_free (self->path);
  nk_stance_aggregate_free (self->aggregate);
  g_free (self);
}

static gboolean
nk_stance_summary_process (gpointer data, NkDocument *doc, GError **error)
{
  NkStanceSummary *self = data;
  NkLayer *layer = nk_document_get_layer (doc, "stance");
  self->documents++;
  if (layer == NULL || nk_layer_get_n_spans (layer) == 0)
    return TRUE;
  self->with_stance++;
  nk_stance_aggregate_add_layer (self->aggregate, layer);
  return TRUE;
}

static gboolean
nk_stance_summary_finish (gpointer data, GError **error)
{
  NkStanceSummary *self = data;
  g_autoptr (GString) out = g_string_new ("{\"documents\": ");
  nk_json_append_int (out, (gint64) self->documents);
  g_string_append (out, ", \"documents_with_stance\": ");
  nk_json_append_int (out, (gint64) self->with_stance);
  g_string_append (out, ", \"targets\": ");
  nk_stance_aggregate_append_json (self->aggregate, out);
  g_string_append (out, "}\n");
  g_autoptr (NkOutputFile) file = nk_output_file_open (self->path, error);
  return file != NULL && nk_output_file_write (file, out->str, out->len, error)
         && nk_output_file_commit (file, error);
}

const NkStageInfo nk_stance_summary_stage = {
  .type = "stance-summary",
  .description = "corpus-level stance counts per target and holder, as one JSON file",
  .kind = NK_STAGE_SINK,
  .requires = nk_stance_summary_requires,
  .config = nk_stance_summary_config,
  .create = nk_stance_summary_create,
  .process = nk_stance_summary_process,
  .finish = nk_stance_summary_finish,
  .free = nk_stance_summary_free,
};
