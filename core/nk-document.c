/* nk-document.c — documents and their standoff layers.
 *
 * A layer stores its spans as one array of NkSpan and its attributes as one flat array of
 * value slots (n_attrs per span) plus a bitmask of which slots are set — all three in one
 * allocation — so a token or a sentence costs no heap object of its own. Strings are
 * copied into the document's bump arena (freed with the document) unless the stage passes
 * static strings.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-document"

#include "nkpipe.h"
#include "nk-document-private.h"
#include "nk-json-private.h"

#include <string.h>

typedef union {
  const char *s;
  gint64      i;
  double      d;
  gboolean    b;
  guint64     off;
  JsonNode   *json;
} NkValue;

/* Plain arrays grown by doubling: nk_layer_add is on the per-token path. */
/* A bump allocator for attribute strings: blocks are never moved, so pointers stay valid,
 * and a string costs a memcpy and a NUL, no header. */
typedef struct _NkArenaBlock NkArenaBlock;
struct _NkArenaBlock {
  NkArenaBlock *next;
  gsize         size;
  gsize         used;
  char          data[];
};

typedef struct {
  NkArenaBlock *head;
} NkArena;

/* Blocks start small (most documents hold a few KB of attribute strings) and double up to
 * NK_ARENA_BLOCK_MAX. */
#define NK_ARENA_BLOCK_MIN (4 * 1024 - 64)
#define NK_ARENA_BLOCK_MAX (64 * 1024 - 64)

static G_NO_INLINE void
nk_arena_grow (NkArena *arena, gsize len)
{
  NkArenaBlock *b = arena->head;
  gsize size = b == NULL ? NK_ARENA_BLOCK_MIN : MIN (2 * b->size + 64, NK_ARENA_BLOCK_MAX);
  NkArenaBlock *nb;

  size = MAX (size, len + 1);
  nb = g_malloc (sizeof (NkArenaBlock) + size);
  nb->next = b;
  nb->size = size;
  nb->used = 0;
  arena->head = nb;
}

static char *
nk_arena_copy (NkArena *arena, const char *str, gsize len)
{
  NkArenaBlock *b = arena->head;
  char *out;

  if (G_UNLIKELY (b == NULL || b->size - b->used < len + 1))
    {
      nk_arena_grow (arena, len);
      b = arena->head;
    }
  out = b->data + b->used;
  memcpy (out, str, len);
  out[len] = '\0';
  b->used += len + 1;
  return out;
}

static void
nk_arena_clear (NkArena *arena)
{
  NkArenaBlock *b = arena->head;

  while (b)
    {
      NkArenaBlock *next = b->next;
      g_free (b);
      b = next;
    }
  arena->head = NULL;
}

/* spans, masks and values live in one allocation (spans first: it is the block). */
struct _NkLayer {
  const NkLayerInfo *info;
  NkDocument        *doc;
  NkSpan            *spans;
  NkValue           *values;  /* n_attrs per span */
  guint32           *masks;   /* per span: bit a set = attr a has a value */
  guint              n_spans;
  guint              capacity;
  gboolean           has_json;
};

/* One meta entry: a node, or JSON text a stage wrote (parsed into @node on first read). */
typedef struct {
  char     *key;
  JsonNode *node;
  char     *raw;
  gsize     raw_len;
} NkMetaEntry;

struct _NkDocument {
  char      *id;
  char      *source;
  NkFormat   format;
  guint8    *raw;
  gsize      raw_len;
  char      *text;
  gsize      text_len;
  NkMetaEntry *meta;      /* in the order keys were first set */
  guint        n_meta;
  guint        cap_meta;
  GPtrArray *warnings;     /* char * */
  GPtrArray *layers;       /* NkLayer * */
  NkArena    strings;      /* the layers' attribute strings, freed with the document */
  gint64     seq;
};

const char *const nk_document_standard_meta[] = {
  "title", "publisher", "date", "dateline", "author", NULL
};

const char *
nk_format_to_string (NkFormat format)
{
  switch (format)
    {
    case NK_FORMAT_TEXT: return "text";
    case NK_FORMAT_HTML: return "html";
    default: return "unknown";
    }
}

/* ---- layers ------------------------------------------------------------------------ */

static NkLayer *
nk_layer_new (NkDocument *doc, const NkLayerInfo *info)
{
  NkLayer *layer = g_new0 (NkLayer, 1);

  layer->info = info;
  layer->doc = doc;
  return layer;
}

static void
nk_layer_free (NkLayer *layer)
{
  if (layer->has_json)
    {
      for (guint k = 0; k < layer->info->n_attrs; k++)
        {
          if (layer->info->attrs[k].type != NK_ATTR_JSON)
            continue;
          for (guint i = 0; i < layer->n_spans; i++)
            if (layer->masks[i] & (1u << k))
              json_node_unref (layer->values[(gsize) i * layer->info->n_attrs + k].json);
        }
    }
  g_free (layer->spans);
  g_free (layer);
}

const NkLayerInfo *
nk_layer_get_info (const NkLayer *layer)
{
  return layer->info;
}

const char *
nk_layer_get_name (const NkLayer *layer)
{
  return layer->info->name;
}

int
nk_layer_find_attr (const NkLayer *layer, const char *name)
{
  for (guint k = 0; k < layer->info->n_attrs; k++)
    if (strcmp (layer->info->attrs[k].name, name) == 0)
      return (int) k;
  return -1;
}

guint
nk_layer_get_n_spans (const NkLayer *layer)
{
  return layer->n_spans;
}

const NkSpan *
nk_layer_get_spans (const NkLayer *layer, guint *n_spans)
{
  if (n_spans)
    *n_spans = layer->n_spans;
  return layer->spans;
}

/* One block: @capacity spans, then as many masks (padded to 8 bytes), then the values. */
static void
nk_layer_grow (NkLayer *layer, guint capacity)
{
  guint n_attrs = layer->info->n_attrs, n = layer->n_spans;
  gsize masks_at = (gsize) capacity * sizeof (NkSpan);
  gsize values_at = masks_at + (((gsize) capacity * sizeof (guint32) + 7) & ~(gsize) 7);
  char *block;

  g_return_if_fail (capacity < G_MAXUINT / 2);
  if (n_attrs == 0)
    {
      layer->spans = g_renew (NkSpan, layer->spans, capacity);
      layer->capacity = capacity;
      return;
    }
  block = g_malloc (values_at + (gsize) capacity * n_attrs * sizeof (NkValue));
  if (n > 0)
    {
      memcpy (block, layer->spans, (gsize) n * sizeof (NkSpan));
      memcpy (block + masks_at, layer->masks, (gsize) n * sizeof (guint32));
      memcpy (block + values_at, layer->values, (gsize) n * n_attrs * sizeof (NkValue));
    }
  g_free (layer->spans);
  layer->spans = (NkSpan *) (void *) block;
  layer->masks = (guint32 *) (void *) (block + masks_at);
  layer->values = (NkValue *) (void *) (block + values_at);
  layer->capacity = capacity;
}

void
nk_layer_reserve (NkLayer *layer, guint n_spans)
{
  if (layer->n_spans + n_spans > layer->capacity)
    nk_layer_grow (layer, layer->n_spans + n_spans);
}

guint
nk_layer_add (NkLayer *layer, gsize start, gsize end)
{
  guint i = layer->n_spans;
  guint n_attrs = layer->info->n_attrs;

  g_return_val_if_fail (start <= end, G_MAXUINT);
  g_return_val_if_fail (end <= layer->doc->text_len, G_MAXUINT);

  if (G_UNLIKELY (i == layer->capacity))
    nk_layer_grow (layer, MAX (16u, layer->capacity * 2));
  layer->spans[i].start = (guint32) start;
  layer->spans[i].end = (guint32) end;
  if (n_attrs > 0)
    {
      /* Only the mask needs clearing: a slot is read only when its bit is set, and every
       * setter overwrites its slot (JSON slots are freed by mask too). */
      layer->masks[i] = 0;
    }
  return layer->n_spans++;
}

static inline NkValue *
nk_layer_slot (const NkLayer *layer, guint i, guint attr, NkAttrType type)
{
  guint n_attrs = layer->info->n_attrs;

  g_return_val_if_fail (i < layer->n_spans && attr < n_attrs &&
                        layer->info->attrs[attr].type == type, NULL);
  return &layer->values[(gsize) i * n_attrs + attr];
}

static void
nk_layer_mark (NkLayer *layer, guint i, guint attr)
{
  layer->masks[i] |= 1u << attr;
}

gboolean
nk_layer_has_value (const NkLayer *layer, guint i, guint attr)
{
  g_return_val_if_fail (i < layer->n_spans, FALSE);
  g_return_val_if_fail (attr < layer->info->n_attrs, FALSE);
  return (layer->masks[i] & (1u << attr)) != 0;
}

void
nk_layer_set_string (NkLayer *layer, guint i, guint attr, const char *value, gssize len)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_STRING);

  g_return_if_fail (v != NULL);
  if (value == NULL)
    {
      v->s = NULL;
      layer->masks[i] &= ~(1u << attr);
      return;
    }
  v->s = nk_arena_copy (&layer->doc->strings, value, len < 0 ? strlen (value) : (gsize) len);
  nk_layer_mark (layer, i, attr);
}

/* @json must be one valid JSON value; the exporter copies it as is. */
void
nk_layer_set_json_text (NkLayer *layer, guint i, guint attr, const char *json, gsize len)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_JSON_TEXT);

  g_return_if_fail (v != NULL && json != NULL);
  v->s = nk_arena_copy (&layer->doc->strings, json, len);
  nk_layer_mark (layer, i, attr);
}

void
nk_layer_set_static_string (NkLayer *layer, guint i, guint attr, const char *value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_STRING);

  g_return_if_fail (v != NULL);
  v->s = value;
  if (value)
    nk_layer_mark (layer, i, attr);
  else
    layer->masks[i] &= ~(1u << attr);
}

void
nk_layer_set_int (NkLayer *layer, guint i, guint attr, gint64 value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_INT);

  g_return_if_fail (v != NULL);
  v->i = value;
  nk_layer_mark (layer, i, attr);
}

void
nk_layer_set_double (NkLayer *layer, guint i, guint attr, double value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_DOUBLE);

  g_return_if_fail (v != NULL);
  v->d = value;
  nk_layer_mark (layer, i, attr);
}

/**
 * nk_layer_set_doubles:
 * @first_attr: the first of @n_values consecutive double attributes
 *
 * Sets attributes first_attr .. first_attr + n_values - 1 of span @i in one call, as
 * nk_layer_set_double () on each would: for a stage that writes several scores per span.
 */
void
nk_layer_set_doubles (NkLayer *layer, guint i, guint first_attr, const double *values,
                      guint n_values)
{
  guint n_attrs = layer->info->n_attrs;

  g_return_if_fail (i < layer->n_spans && values != NULL);
  g_return_if_fail (first_attr <= n_attrs && n_values <= n_attrs - first_attr);
  for (guint k = 0; k < n_values; k++)
    g_return_if_fail (layer->info->attrs[first_attr + k].type == NK_ATTR_DOUBLE);
  NkValue *v = &layer->values[(gsize) i * n_attrs + first_attr];
  for (guint k = 0; k < n_values; k++)
    v[k].d = values[k];
  layer->masks[i] |= (guint32) (((G_GUINT64_CONSTANT (1) << n_values) - 1) << first_attr);
}

void
nk_layer_set_bool (NkLayer *layer, guint i, guint attr, gboolean value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_BOOL);

  g_return_if_fail (v != NULL);
  v->b = value ? TRUE : FALSE;
  nk_layer_mark (layer, i, attr);
}

void
nk_layer_set_offset (NkLayer *layer, guint i, guint attr, gsize value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_OFFSET);

  g_return_if_fail (v != NULL);
  g_return_if_fail (value <= layer->doc->text_len);
  v->off = value;
  nk_layer_mark (layer, i, attr);
}

void
nk_layer_take_json (NkLayer *layer, guint i, guint attr, JsonNode *value)
{
  NkValue *v = nk_layer_slot (layer, i, attr, NK_ATTR_JSON);

  g_return_if_fail (v != NULL);
  if (layer->masks[i] & (1u << attr))
    json_node_unref (v->json);
  v->json = value;
  layer->has_json = TRUE;
  if (value)
    nk_layer_mark (layer, i, attr);
  else
    layer->masks[i] &= ~(1u << attr);
}

#define NK_LAYER_GETTER(fn, ctype, type, field, fallback)                   \
  ctype                                                                     \
  fn (const NkLayer *layer, guint i, guint attr)                            \
  {                                                                         \
    NkValue *v = nk_layer_slot (layer, i, attr, type);                      \
    g_return_val_if_fail (v != NULL, fallback);                             \
    if (!(layer->masks[i] & (1u << attr)))                                  \
      return fallback;                                                      \
    return (ctype) v->field;                                                \
  }

NK_LAYER_GETTER (nk_layer_get_string, const char *, NK_ATTR_STRING, s, NULL)
NK_LAYER_GETTER (nk_layer_get_int, gint64, NK_ATTR_INT, i, 0)
NK_LAYER_GETTER (nk_layer_get_double, double, NK_ATTR_DOUBLE, d, 0.0)
NK_LAYER_GETTER (nk_layer_get_bool, gboolean, NK_ATTR_BOOL, b, FALSE)
NK_LAYER_GETTER (nk_layer_get_offset, gsize, NK_ATTR_OFFSET, off, 0)
NK_LAYER_GETTER (nk_layer_get_json, JsonNode *, NK_ATTR_JSON, json, NULL)
NK_LAYER_GETTER (nk_layer_get_json_text, const char *, NK_ATTR_JSON_TEXT, s, NULL)

/* ---- documents --------------------------------------------------------------------- */

/* Drops the entry's value (node and text), keeping its key. */
static void
nk_meta_entry_clear (NkMetaEntry *e)
{
  if (e->node)
    json_node_unref (e->node);
  g_free (e->raw);
  e->node = NULL;
  e->raw = NULL;
  e->raw_len = 0;
}

NkDocument *
nk_document_new (const char *id, const char *source, NkFormat format)
{
  NkDocument *doc = g_new0 (NkDocument, 1);

  g_return_val_if_fail (id != NULL, NULL);
  doc->id = g_strdup (id);
  doc->source = g_strdup (source);
  doc->format = format;
  doc->text = g_strdup ("");
  doc->warnings = g_ptr_array_new_with_free_func (g_free);
  /* room for a full pipeline's layers: no regrowth on the worker's path */
  doc->layers = g_ptr_array_new_full (8, (GDestroyNotify) nk_layer_free);
  return doc;
}

void
nk_document_free (NkDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->id);
  g_free (doc->source);
  g_free (doc->raw);
  g_free (doc->text);
  for (guint i = 0; i < doc->n_meta; i++)
    {
      nk_meta_entry_clear (&doc->meta[i]);
      g_free (doc->meta[i].key);
    }
  g_free (doc->meta);
  g_ptr_array_unref (doc->warnings);
  g_ptr_array_unref (doc->layers);
  nk_arena_clear (&doc->strings);
  g_free (doc);
}

const char *
nk_document_get_id (const NkDocument *doc)
{
  return doc->id;
}

const char *
nk_document_get_source (const NkDocument *doc)
{
  return doc->source;
}

NkFormat
nk_document_get_format (const NkDocument *doc)
{
  return doc->format;
}

void
nk_document_take_raw (NkDocument *doc, guint8 *data, gsize len)
{
  g_free (doc->raw);
  doc->raw = data;
  doc->raw_len = data ? len : 0;
}

const guint8 *
nk_document_get_raw (const NkDocument *doc, gsize *len)
{
  if (len)
    *len = doc->raw_len;
  return doc->raw;
}

const char *
nk_document_get_text (const NkDocument *doc, gsize *len)
{
  if (len)
    *len = doc->text_len;
  return doc->text;
}

/* Layers index the old text, so replacing the text drops them. */
void
nk_document_take_text (NkDocument *doc, char *text, gsize len)
{
  g_return_if_fail (text != NULL);
  g_return_if_fail (len <= NK_DOCUMENT_MAX_TEXT);
  g_return_if_fail (text[len] == '\0');
  g_return_if_fail (nk_utf8_validate (text, len));

  g_free (doc->text);
  doc->text = text;
  doc->text_len = len;
  g_ptr_array_set_size (doc->layers, 0);
}

void
nk_document_set_text (NkDocument *doc, const char *text, gssize len)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  char *copy = g_malloc (n + 1);

  /* memcpy, not g_strndup: the text may hold NUL characters. */
  memcpy (copy, text, n);
  copy[n] = '\0';
  nk_document_take_text (doc, copy, n);
}

guint
nk_document_set_text_repair (NkDocument *doc, const char *bytes, gsize len)
{
  GString *out = g_string_sized_new (len + 1);
  guint repaired = nk_utf8_repair_append (out, bytes, len);
  gsize n = out->len;

  nk_document_take_text (doc, g_string_free (out, FALSE), n);
  return repaired;
}

static int
nk_document_meta_index (const NkDocument *doc, const char *key)
{
  for (guint i = 0; i < doc->n_meta; i++)
    if (doc->meta[i].key[0] == key[0] && strcmp (doc->meta[i].key, key) == 0)
      return (int) i;
  return -1;
}

static void nk_document_put_meta (NkDocument *doc, const char *key, JsonNode *value,
                                  char *raw, gsize raw_len);

void
nk_document_take_meta (NkDocument *doc, const char *key, JsonNode *value)
{
  g_return_if_fail (key != NULL);
  if (value == NULL)
    value = json_node_new (JSON_NODE_NULL);
  nk_document_put_meta (doc, key, value, NULL, 0);
}

/* Sets @key to a node or to raw JSON text (exactly one of them). */
static void
nk_document_put_meta (NkDocument *doc, const char *key, JsonNode *value, char *raw,
                      gsize raw_len)
{
  int i = nk_document_meta_index (doc, key);
  NkMetaEntry *e;

  if (i >= 0)
    {
      e = &doc->meta[i];
      nk_meta_entry_clear (e);
    }
  else
    {
      if (doc->n_meta == doc->cap_meta)
        {
          /* a document has about a dozen entries: one allocation, seldom a second */
          doc->cap_meta = MAX (16u, doc->cap_meta * 2);
          doc->meta = g_renew (NkMetaEntry, doc->meta, doc->cap_meta);
        }
      e = &doc->meta[doc->n_meta++];
      e->key = g_strdup (key);
    }
  e->node = value;
  e->raw = raw;
  e->raw_len = raw_len;
}

/**
 * nk_document_take_meta_json:
 * @json: (transfer full): one JSON value as text (g_malloc'd, NUL at @len), e.g. written with
 *   the nk_json_append_* writer
 *
 * Sets @key to a value a stage serialised itself: the exporter copies the text as is, which
 * for large per-document values (lists of removed ranges, entity tables) costs far less than
 * a tree of JsonNodes. nk_document_get_meta () parses it on first use.
 */
void
nk_document_take_meta_json (NkDocument *doc, const char *key, char *json, gsize len)
{
  g_return_if_fail (key != NULL && json != NULL && json[len] == '\0');
  nk_document_put_meta (doc, key, NULL, json, len);
}

/* The raw JSON text of meta entry @i, or NULL when it is held as a node. */
const char *
nk_document_get_nth_meta_json (const NkDocument *doc, guint i, gsize *len)
{
  const NkMetaEntry *e;

  g_return_val_if_fail (i < doc->n_meta, NULL);
  e = &doc->meta[i];
  if (e->raw && len)
    *len = e->raw_len;
  return e->raw;
}

static JsonNode *
nk_document_meta_node (const NkDocument *doc, guint i)
{
  NkMetaEntry *e = &doc->meta[i];

  if (e->node == NULL && e->raw)
    {
      g_autoptr(GError) error = NULL;

      /* Parsed lazily; a document is only ever used by one thread at a time. */
      e->node = nk_json_parse_document (e->raw, e->raw_len, e->key, &error);
      if (e->node == NULL)
        {
          g_critical ("meta.%s holds invalid JSON: %s", e->key, error->message);
          e->node = json_node_new (JSON_NODE_NULL);
        }
    }
  return e->node;
}

void
nk_document_set_meta_string (NkDocument *doc, const char *key, const char *value)
{
  JsonNode *node = json_node_new (value ? JSON_NODE_VALUE : JSON_NODE_NULL);

  if (value)
    json_node_set_string (node, value);
  nk_document_take_meta (doc, key, node);
}

JsonNode *
nk_document_get_meta (const NkDocument *doc, const char *key)
{
  int i = nk_document_meta_index (doc, key);

  return i < 0 ? NULL : nk_document_meta_node (doc, (guint) i);
}

const char *
nk_document_get_meta_string (const NkDocument *doc, const char *key)
{
  JsonNode *node = nk_document_get_meta (doc, key);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

guint
nk_document_get_n_meta (const NkDocument *doc)
{
  return doc->n_meta;
}

const char *
nk_document_get_nth_meta (const NkDocument *doc, guint i, JsonNode **value)
{
  g_return_val_if_fail (i < doc->n_meta, NULL);
  if (value)
    *value = nk_document_meta_node (doc, i);
  return doc->meta[i].key;
}

void
nk_document_add_warning (NkDocument *doc, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (doc->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

guint
nk_document_get_n_warnings (const NkDocument *doc)
{
  return doc->warnings->len;
}

const char *
nk_document_get_warning (const NkDocument *doc, guint i)
{
  g_return_val_if_fail (i < doc->warnings->len, NULL);
  return g_ptr_array_index (doc->warnings, i);
}

NkLayer *
nk_document_add_layer (NkDocument *doc, const NkLayerInfo *info)
{
  NkLayer *layer;

  g_return_val_if_fail (info != NULL && info->name != NULL, NULL);
  g_return_val_if_fail (info->n_attrs <= NK_LAYER_MAX_ATTRS, NULL);

  layer = nk_layer_new (doc, info);
  for (guint i = 0; i < doc->layers->len; i++)
    {
      NkLayer *old = g_ptr_array_index (doc->layers, i);
      if (strcmp (old->info->name, info->name) == 0)
        {
          nk_layer_free (old);
          g_ptr_array_index (doc->layers, i) = layer;
          return layer;
        }
    }
  g_ptr_array_add (doc->layers, layer);
  return layer;
}

NkLayer *
nk_document_get_layer (const NkDocument *doc, const char *name)
{
  for (guint i = 0; i < doc->layers->len; i++)
    {
      NkLayer *layer = g_ptr_array_index (doc->layers, i);
      if (strcmp (layer->info->name, name) == 0)
        return layer;
    }
  return NULL;
}

guint
nk_document_get_n_layers (const NkDocument *doc)
{
  return doc->layers->len;
}

NkLayer *
nk_document_get_nth_layer (const NkDocument *doc, guint i)
{
  g_return_val_if_fail (i < doc->layers->len, NULL);
  return g_ptr_array_index (doc->layers, i);
}

/* ---- private ----------------------------------------------------------------------- */

void
nk_document_set_seq (NkDocument *doc, gint64 seq)
{
  doc->seq = seq;
}

gint64
nk_document_get_seq (const NkDocument *doc)
{
  return doc->seq;
}
