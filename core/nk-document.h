/* nk-document.h — the document model: text, metadata, warnings and standoff layers.
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
 * NkFormat:
 * @NK_FORMAT_TEXT: plain text (`.txt` files, JSONL `text` fields)
 * @NK_FORMAT_HTML: HTML markup (`.html` files, JSONL `html` fields); the core keeps the raw
 *   bytes and leaves `text` empty until a stage (`clean`) decodes them.
 */
typedef enum {
  NK_FORMAT_TEXT,
  NK_FORMAT_HTML,
} NkFormat;

const char *nk_format_to_string (NkFormat format);

/**
 * NkAttrType:
 * @NK_ATTR_STRING: a UTF-8 string
 * @NK_ATTR_INT: a 64-bit integer
 * @NK_ATTR_DOUBLE: a finite double (exported locale-independently)
 * @NK_ATTR_BOOL: a boolean
 * @NK_ATTR_OFFSET: a byte offset into the text; exporters convert it like span offsets
 * @NK_ATTR_JSON: any JSON value (lists, objects) as a #JsonNode owned by the layer
 * @NK_ATTR_JSON_TEXT: any JSON value as text the stage wrote (with nk_json_append_*),
 *   copied into the layer and exported verbatim: far cheaper than a #JsonNode tree for
 *   per-span values such as evidence lists
 *
 * The type of one span attribute. An attribute that was never set is exported as `null`.
 */
typedef enum {
  NK_ATTR_STRING,
  NK_ATTR_INT,
  NK_ATTR_DOUBLE,
  NK_ATTR_BOOL,
  NK_ATTR_OFFSET,
  NK_ATTR_JSON,
  NK_ATTR_JSON_TEXT,
} NkAttrType;

typedef struct {
  const char *name;
  NkAttrType  type;
} NkAttrInfo;

/**
 * NkLayerInfo:
 * @name: the layer's name, e.g. `"sentences"`
 * @attrs: (array length=n_attrs): the attributes every span of the layer may carry
 * @n_attrs: number of attributes (at most %NK_LAYER_MAX_ATTRS)
 *
 * Static description of a layer, normally a `static const` in the stage that creates it.
 * It must outlive every document carrying the layer (plugin modules stay resident).
 */
typedef struct {
  const char       *name;
  const NkAttrInfo *attrs;
  guint             n_attrs;
} NkLayerInfo;

#define NK_LAYER_MAX_ATTRS 32

/* NK_LAYER_INFO ("entities", entity_attrs) for a static array of NkAttrInfo. */
#define NK_LAYER_INFO(layer_name, attr_array) \
  { (layer_name), (attr_array), G_N_ELEMENTS (attr_array) }
#define NK_LAYER_INFO_PLAIN(layer_name) { (layer_name), NULL, 0 }

/**
 * NkSpan:
 * @start: byte offset of the first byte in the document's text
 * @end: byte offset one past the last byte
 *
 * Offsets are bytes inside the core (fast, exact); exporters convert them to Unicode code
 * points. Both must fall on UTF-8 character boundaries.
 */
typedef struct {
  guint32 start;
  guint32 end;
} NkSpan;

typedef struct _NkDocument NkDocument;
typedef struct _NkLayer    NkLayer;

/* The largest text a document may hold: offsets are 32-bit. */
#define NK_DOCUMENT_MAX_TEXT ((gsize) G_MAXUINT32 - 1)

NkDocument   *nk_document_new            (const char *id,
                                          const char *source,
                                          NkFormat    format);
void          nk_document_free           (NkDocument *doc);

const char   *nk_document_get_id         (const NkDocument *doc);
const char   *nk_document_get_source     (const NkDocument *doc);
NkFormat      nk_document_get_format     (const NkDocument *doc);

void          nk_document_take_raw       (NkDocument *doc,
                                          guint8     *data,
                                          gsize       len);
const guint8 *nk_document_get_raw        (const NkDocument *doc,
                                          gsize            *len);

const char   *nk_document_get_text       (const NkDocument *doc,
                                          gsize            *len);
void          nk_document_set_text       (NkDocument *doc,
                                          const char *text,
                                          gssize      len);
void          nk_document_take_text      (NkDocument *doc,
                                          char       *text,
                                          gsize       len);
guint         nk_document_set_text_repair (NkDocument *doc,
                                           const char *bytes,
                                           gsize       len);

/* Metadata. The standard keys (title, publisher, date, dateline, author) are always exported,
 * null when unset; other keys follow in the order they were first set. */
void          nk_document_set_meta_string (NkDocument *doc,
                                           const char *key,
                                           const char *value);
const char   *nk_document_get_meta_string (const NkDocument *doc,
                                           const char       *key);
void          nk_document_take_meta       (NkDocument *doc,
                                           const char *key,
                                           JsonNode   *value);
JsonNode     *nk_document_get_meta        (const NkDocument *doc,
                                           const char       *key);
void          nk_document_take_meta_json  (NkDocument *doc,
                                           const char *key,
                                           char       *json,
                                           gsize       len);
const char   *nk_document_get_nth_meta_json (const NkDocument *doc,
                                             guint             i,
                                             gsize            *len);
guint         nk_document_get_n_meta      (const NkDocument *doc);
const char   *nk_document_get_nth_meta    (const NkDocument *doc,
                                           guint             i,
                                           JsonNode        **value);

extern const char *const nk_document_standard_meta[];

void          nk_document_add_warning    (NkDocument *doc,
                                          const char *format,
                                          ...) G_GNUC_PRINTF (2, 3);
guint         nk_document_get_n_warnings (const NkDocument *doc);
const char   *nk_document_get_warning    (const NkDocument *doc,
                                          guint             i);

NkLayer      *nk_document_add_layer      (NkDocument        *doc,
                                          const NkLayerInfo *info);
NkLayer      *nk_document_get_layer      (const NkDocument *doc,
                                          const char       *name);
guint         nk_document_get_n_layers   (const NkDocument *doc);
NkLayer      *nk_document_get_nth_layer  (const NkDocument *doc,
                                          guint             i);

const NkLayerInfo *nk_layer_get_info     (const NkLayer *layer);
const char   *nk_layer_get_name          (const NkLayer *layer);
int           nk_layer_find_attr         (const NkLayer *layer,
                                          const char    *name);
guint         nk_layer_get_n_spans       (const NkLayer *layer);
const NkSpan *nk_layer_get_spans         (const NkLayer *layer,
                                          guint         *n_spans);
void          nk_layer_reserve           (NkLayer *layer,
                                          guint    n_spans);
guint         nk_layer_add               (NkLayer *layer,
                                          gsize    start,
                                          gsize    end);

gboolean      nk_layer_has_value         (const NkLayer *layer, guint i, guint attr);
void          nk_layer_set_string        (NkLayer *layer, guint i, guint attr,
                                          const char *value, gssize len);
void          nk_layer_set_static_string (NkLayer *layer, guint i, guint attr,
                                          const char *value);
void          nk_layer_set_int           (NkLayer *layer, guint i, guint attr, gint64 value);
void          nk_layer_set_double        (NkLayer *layer, guint i, guint attr, double value);
void          nk_layer_set_doubles       (NkLayer *layer, guint i, guint first_attr,
                                          const double *values, guint n_values);
void          nk_layer_set_bool          (NkLayer *layer, guint i, guint attr, gboolean value);
void          nk_layer_set_offset        (NkLayer *layer, guint i, guint attr, gsize value);
void          nk_layer_take_json         (NkLayer *layer, guint i, guint attr, JsonNode *value);
void          nk_layer_set_json_text     (NkLayer *layer, guint i, guint attr,
                                          const char *json, gsize len);

const char   *nk_layer_get_string        (const NkLayer *layer, guint i, guint attr);
gint64        nk_layer_get_int           (const NkLayer *layer, guint i, guint attr);
double        nk_layer_get_double        (const NkLayer *layer, guint i, guint attr);
gboolean      nk_layer_get_bool          (const NkLayer *layer, guint i, guint attr);
gsize         nk_layer_get_offset        (const NkLayer *layer, guint i, guint attr);
JsonNode     *nk_layer_get_json          (const NkLayer *layer, guint i, guint attr);
const char   *nk_layer_get_json_text     (const NkLayer *layer, guint i, guint attr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkDocument, nk_document_free)

G_END_DECLS
