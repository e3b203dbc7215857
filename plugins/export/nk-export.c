/* nk-export.c — the `export` stage: one JSON object per document, one per line, in input
 * order (docs/FORMATS.md). Written with a streaming writer into one reused buffer; span
 * offsets are converted from bytes to Unicode code points on the way out.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-export"

#include <nkpipe.h>
#include <string.h>

typedef struct {
  NkOutputFile *out;
  GString      *buf;
  NkOffsetMap  *map;
  char        **layers;     /* NULL: every layer but tokens */
  gboolean      all;        /* layers == ["*"] */
  gboolean      text;
  GArray       *order;      /* guint: span order for unsorted layers */
  GString      *keys;       /* ,"name": of each attribute of the layer being written */
  gsize         key_at[NK_LAYER_MAX_ATTRS + 1];
} NkExport;

static const NkConfigKey nk_export_config[] = {
  { "path", NK_CONFIG_PATH, NULL,
    "Output file (JSON Lines), written atomically; standard output when absent" },
  { "layers", NK_CONFIG_LIST, NULL,
    "Layers to write, each present even when empty; [\"*\"] for all; absent: all but tokens",
    0, NK_CONFIG_STRING },
  { "text", NK_CONFIG_BOOL, "true", "Write the document text" },
  { NULL }
};

static gpointer
nk_export_create (const NkConfig *config, gpointer shared, GError **error)
{
  NkExport *self = g_new0 (NkExport, 1);
  JsonArray *layers = nk_config_get_list (config, "layers");

  self->out = nk_output_file_open (nk_config_get_path (config, "path"), error);
  if (self->out == NULL)
    {
      g_free (self);
      return NULL;
    }
  if (layers)
    {
      guint n = json_array_get_length (layers);
      self->layers = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->layers[i] = g_strdup (json_array_get_string_element (layers, i));
      self->all = n == 1 && strcmp (self->layers[0], "*") == 0;
    }
  self->text = nk_config_get_bool (config, "text");
  self->buf = g_string_sized_new (1 << 16);
  self->map = nk_offset_map_new ();
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  self->keys = g_string_new (NULL);
  return self;
}

static void
nk_export_free (gpointer data)
{
  NkExport *self = data;

  nk_output_file_free (self->out);   /* uncommitted: the temp file goes, the old file stays */
  g_string_free (self->buf, TRUE);
  nk_offset_map_free (self->map);
  g_strfreev (self->layers);
  g_array_unref (self->order);
  g_string_free (self->keys, TRUE);
  g_free (self);
}

/* The `,"name":` keys of a layer's attributes, escaped once per layer, not once per span. */
static void
nk_export_prepare_keys (NkExport *self, const NkLayerInfo *info)
{
  g_string_truncate (self->keys, 0);
  for (guint k = 0; k < info->n_attrs; k++)
    {
      self->key_at[k] = self->keys->len;
      nk_buf_append_c (self->keys, ',');
      nk_json_append_string (self->keys, info->attrs[k].name, -1);
      nk_buf_append_c (self->keys, ':');
    }
  self->key_at[info->n_attrs] = self->keys->len;
}

static void
nk_export_attr (NkExport *self, const NkLayer *layer, guint i, guint k)
{
  const NkAttrInfo *attr = &nk_layer_get_info (layer)->attrs[k];
  GString *b = self->buf;

  nk_buf_append (b, self->keys->str + self->key_at[k], self->key_at[k + 1] - self->key_at[k]);
  if (!nk_layer_has_value (layer, i, k))
    {
      nk_buf_append (b, "null", 4);
      return;
    }
  switch (attr->type)
    {
    case NK_ATTR_STRING:
      nk_json_append_string (b, nk_layer_get_string (layer, i, k), -1);
      break;
    case NK_ATTR_INT:
      nk_json_append_int (b, nk_layer_get_int (layer, i, k));
      break;
    case NK_ATTR_DOUBLE:
      nk_json_append_double (b, nk_layer_get_double (layer, i, k));
      break;
    case NK_ATTR_BOOL:
      g_string_append (b, nk_layer_get_bool (layer, i, k) ? "true" : "false");
      break;
    case NK_ATTR_OFFSET:
      nk_json_append_int (b, (gint64) nk_offset_map_to_chars (self->map,
                                                             nk_layer_get_offset (layer, i, k)));
      break;
    case NK_ATTR_JSON:
      nk_json_append_node (b, nk_layer_get_json (layer, i, k));
      break;
    case NK_ATTR_JSON_TEXT:
      {
        const char *json = nk_layer_get_json_text (layer, i, k);
        nk_buf_append (b, json, strlen (json));
      }
      break;
    default:
      nk_buf_append (b, "null", 4);
    }
}

static int
nk_export_compare_spans (gconstpointer a, gconstpointer b, gpointer data)
{
  const NkSpan *spans = data;
  const NkSpan *x = &spans[*(const guint *) a], *y = &spans[*(const guint *) b];

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

/* Spans go out sorted by start, then end, then emission order (a stable sort). */
static const guint *
nk_export_span_order (NkExport *self, const NkSpan *spans, guint n)
{
  gboolean sorted = TRUE;

  for (guint i = 1; i < n && sorted; i++)
    sorted = spans[i - 1].start < spans[i].start ||
             (spans[i - 1].start == spans[i].start && spans[i - 1].end <= spans[i].end);
  if (sorted)
    return NULL;
  g_array_set_size (self->order, n);
  for (guint i = 0; i < n; i++)
    g_array_index (self->order, guint, i) = i;
  g_qsort_with_data (self->order->data, n, sizeof (guint), nk_export_compare_spans,
                     (gpointer) spans);
  return (const guint *) (gpointer) self->order->data;
}

static void
nk_export_layer (NkExport *self, const char *name, const NkLayer *layer)
{
  GString *b = self->buf;
  const NkSpan *spans;
  const guint *order;
  guint n, n_attrs;

  nk_json_append_string (b, name, -1);
  nk_buf_append (b, ":[", 2);
  if (layer == NULL)
    {
      nk_buf_append_c (b, ']');
      return;
    }
  spans = nk_layer_get_spans (layer, &n);
  n_attrs = nk_layer_get_info (layer)->n_attrs;
  order = nk_export_span_order (self, spans, n);
  nk_export_prepare_keys (self, nk_layer_get_info (layer));
  for (guint j = 0; j < n; j++)
    {
      guint i = order ? order[j] : j;

      if (j)
        nk_buf_append_c (b, ',');
      nk_buf_append (b, "{\"start\":", 9);
      nk_json_append_int (b, (gint64) nk_offset_map_to_chars (self->map, spans[i].start));
      nk_buf_append (b, ",\"end\":", 7);
      nk_json_append_int (b, (gint64) nk_offset_map_to_chars (self->map, spans[i].end));
      for (guint k = 0; k < n_attrs; k++)
        nk_export_attr (self, layer, i, k);
      nk_buf_append_c (b, '}');
    }
  nk_buf_append_c (b, ']');
}

static void
nk_export_layers (NkExport *self, NkDocument *doc)
{
  gboolean first = TRUE;

  nk_buf_append (self->buf, ",\"layers\":{", 11);
  if (self->layers && !self->all)
    {
      for (guint i = 0; self->layers[i]; i++)
        {
          if (!first)
            nk_buf_append_c (self->buf, ',');
          first = FALSE;
          nk_export_layer (self, self->layers[i], nk_document_get_layer (doc, self->layers[i]));
        }
    }
  else
    {
      for (guint i = 0; i < nk_document_get_n_layers (doc); i++)
        {
          NkLayer *layer = nk_document_get_nth_layer (doc, i);
          if (!self->all && strcmp (nk_layer_get_name (layer), "tokens") == 0)
            continue;
          if (!first)
            nk_buf_append_c (self->buf, ',');
          first = FALSE;
          nk_export_layer (self, nk_layer_get_name (layer), layer);
        }
    }
  nk_buf_append_c (self->buf, '}');
}

static void
nk_export_meta (NkExport *self, NkDocument *doc)
{
  GString *b = self->buf;
  guint n = nk_document_get_n_meta (doc);

  nk_buf_append (b, ",\"meta\":{", 9);
  for (guint i = 0; nk_document_standard_meta[i]; i++)
    {
      const char *key = nk_document_standard_meta[i];
      if (i)
        nk_buf_append_c (b, ',');
      nk_json_append_string (b, key, -1);
      nk_buf_append_c (b, ':');
      nk_json_append_node (b, nk_document_get_meta (doc, key));
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *value;
      const char *key = nk_document_get_nth_meta (doc, i, NULL);
      gsize raw_len = 0;
      const char *raw;

      if (g_strv_contains (nk_document_standard_meta, key))
        continue;
      nk_buf_append_c (b, ',');
      nk_json_append_string (b, key, -1);
      nk_buf_append_c (b, ':');
      raw = nk_document_get_nth_meta_json (doc, i, &raw_len);
      if (raw)
        {
          nk_buf_append (b, raw, raw_len);   /* serialised by its stage: copied as is */
          continue;
        }
      nk_document_get_nth_meta (doc, i, &value);
      nk_json_append_node (b, value);
    }
  nk_buf_append_c (b, '}');
}

static gboolean
nk_export_process (gpointer data, NkDocument *doc, GError **error)
{
  NkExport *self = data;
  GString *b = self->buf;
  gsize len;
  const char *text = nk_document_get_text (doc, &len);

  nk_offset_map_reset (self->map, text, len);
  g_string_truncate (b, 0);
  nk_buf_append (b, "{\"id\":", 6);
  nk_json_append_string (b, nk_document_get_id (doc), -1);
  nk_buf_append (b, ",\"source\":", 10);
  nk_json_append_string (b, nk_document_get_source (doc), -1);
  nk_export_meta (self, doc);
  if (self->text)
    {
      nk_buf_append (b, ",\"text\":", 8);
      nk_json_append_string (b, text, (gssize) len);
    }
  nk_export_layers (self, doc);
  nk_buf_append (b, ",\"warnings\":[", 13);
  for (guint i = 0; i < nk_document_get_n_warnings (doc); i++)
    {
      if (i)
        nk_buf_append_c (b, ',');
      nk_json_append_string (b, nk_document_get_warning (doc, i), -1);
    }
  nk_buf_append (b, "]}\n", 3);
  return nk_output_file_write (self->out, b->str, b->len, error);
}

static gboolean
nk_export_finish (gpointer data, GError **error)
{
  NkExport *self = data;

  return nk_output_file_commit (self->out, error);
}

/* The layers this export writes: the listed ones, all with ["*"], else all but tokens. */
static gboolean
nk_export_wants_layer (const NkConfig *config, const char *layer)
{
  JsonArray *layers = nk_config_get_list (config, "layers");

  if (layers == NULL)
    return strcmp (layer, "tokens") != 0;
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      const char *name = json_array_get_string_element (layers, i);
      if (strcmp (name, "*") == 0 || strcmp (name, layer) == 0)
        return TRUE;
    }
  return FALSE;
}

static const NkStageInfo nk_export_stage = {
  .type = "export",
  .description = "Write each document as one JSON object per line (JSON Lines), in input order",
  .kind = NK_STAGE_SINK,
  .config = nk_export_config,
  .create = nk_export_create,
  .process = nk_export_process,
  .finish = nk_export_finish,
  .free = nk_export_free,
  .wants_layer = nk_export_wants_layer,
};

NK_PLUGIN_DEFINE_STAGE ("export", "1.0.0", "MIT", "JSON Lines exporter", nk_export_stage, "export")
