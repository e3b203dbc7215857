/* nk-quotes-plugin.c — the `quotes` stage: direct quotations and their speakers, from
 * nk-quotes-engine.c over the `entities`, `sentences` and (when present) `paragraphs`
 * layers.
 *
 * The cue lexicon, demonym table and given names load once in prepare and are shared read-only; each
 * worker's instance keeps its finder and input arrays from one document to the next.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes"

#include <nkpipe.h>
#include <string.h>

#include "nk-quotes-engine.h"

/* Labels come from a handful of strings (the entity stage sets static ones), so the last
 * pointers seen stand for their label without a string compare. The cache lives for one
 * layer only: its strings do not outlive it. */
typedef struct {
  const char   *ptr[4];
  NkQuoteLabel  label[4];
  guint         next;   /* the slot to replace next */
} NkQuotesLabelCache;

typedef struct {
  NkQuoteFinder *finder;
  GArray        *sentences;   /* NkQuoteRange */
  GArray        *paragraphs;  /* NkQuoteRange */
  GArray        *entities;    /* NkQuoteEntity, pending: the finder loads what it uses */
  GArray        *spans;       /* guint: each entity's span in the layer */
  /* the current document's entities layer */
  const NkLayer *layer;
  int            label_attr;
  int            canonical_attr;
  int            role_attr;
  NkQuotesLabelCache labels;
} NkQuotes;

static const NkConfigKey nk_quotes_config[] = {
  { "lexicon", NK_CONFIG_PATH, NULL,
    "A cue lexicon to use instead of quotes/lexicon.txt (same format: KIND WORD per line)" },
  { "demonyms", NK_CONFIG_PATH, NULL,
    "A demonym table to use instead of quotes/demonyms.txt (ADJECTIVE<TAB>COUNTRY)" },
  { "given_names", NK_CONFIG_PATH, NULL,
    "Gendered given names to use instead of quotes/given-names.txt (lines \"M NAME…\" or "
    "\"F NAME…\"), so pronouns skip persons of the other gender" },
  { NULL }
};

enum {
  NK_QUOTES_ATTR_SPEAKER,
  NK_QUOTES_ATTR_SPEAKER_START,
  NK_QUOTES_ATTR_SPEAKER_END,
  NK_QUOTES_ATTR_CUE,
  NK_QUOTES_ATTR_PARTIAL,
  NK_QUOTES_ATTR_CONTINUATION,
};

static const NkAttrInfo nk_quotes_attrs[] = {
  [NK_QUOTES_ATTR_SPEAKER] = { "speaker", NK_ATTR_STRING },
  [NK_QUOTES_ATTR_SPEAKER_START] = { "speaker_start", NK_ATTR_OFFSET },
  [NK_QUOTES_ATTR_SPEAKER_END] = { "speaker_end", NK_ATTR_OFFSET },
  [NK_QUOTES_ATTR_CUE] = { "cue", NK_ATTR_STRING },
  [NK_QUOTES_ATTR_PARTIAL] = { "partial", NK_ATTR_BOOL },
  [NK_QUOTES_ATTR_CONTINUATION] = { "continuation", NK_ATTR_BOOL },
};

static const NkLayerInfo nk_quotes_info = NK_LAYER_INFO ("quotes", nk_quotes_attrs);

static const char *const nk_quotes_requires[] = { "entities", "sentences", NULL };
static const char *const nk_quotes_uses[] = { "paragraphs", NULL };
static const char *const nk_quotes_provides[] = { "quotes", NULL };

/* A configured path, or the built-in data file. */
static char *
nk_quotes_data_path (const NkConfig *config,
                     const char     *key,
                     const char     *builtin,
                     GError        **error)
{
  const char *path = nk_config_get_path (config, key);
  if (path != NULL)
    return g_strdup (path);
  return nk_config_find_data_file (config, builtin, error);
}

static gpointer
nk_quotes_prepare (const NkConfig *config,
                   GError        **error)
{
  g_autofree char *lexicon = nk_quotes_data_path (config, "lexicon", "quotes/lexicon.txt", error);
  if (lexicon == NULL)
    return NULL;
  g_autofree char *demonyms = nk_quotes_data_path (config, "demonyms", "quotes/demonyms.txt",
                                                   error);
  if (demonyms == NULL)
    return NULL;

  g_autofree char *names = nk_quotes_data_path (config, "given_names", "quotes/given-names.txt",
                                                error);
  if (names == NULL)
    return NULL;

  g_autoptr (GError) local = NULL;
  NkQuoteLexicon *lex = nk_quote_lexicon_new_from_files (lexicon, demonyms, names, &local);
  if (lex == NULL)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "%s", local->message);
      return NULL;
    }
  g_debug ("%u lexicon entries from %s", nk_quote_lexicon_get_size (lex), lexicon);
  return lex;
}

static void
nk_quotes_unprepare (gpointer shared)
{
  nk_quote_lexicon_free (shared);
}

static gpointer
nk_quotes_create (const NkConfig *config,
                  gpointer        shared,
                  GError        **error)
{
  NkQuotes *self = g_new0 (NkQuotes, 1);

  self->finder = nk_quote_finder_new (shared);
  self->sentences = g_array_new (FALSE, FALSE, sizeof (NkQuoteRange));
  self->paragraphs = g_array_new (FALSE, FALSE, sizeof (NkQuoteRange));
  self->entities = g_array_new (FALSE, FALSE, sizeof (NkQuoteEntity));
  self->spans = g_array_new (FALSE, FALSE, sizeof (guint));
  return self;
}

static void
nk_quotes_free (gpointer data)
{
  NkQuotes *self = data;

  nk_quote_finder_free (self->finder);
  g_array_unref (self->sentences);
  g_array_unref (self->paragraphs);
  g_array_unref (self->entities);
  g_array_unref (self->spans);
  g_free (self);
}

static gint
nk_quotes_range_cmp (gconstpointer a,
                     gconstpointer b)
{
  const NkQuoteRange *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* The engine wants ranges sorted and apart (segment's are); a layer from another provider
 * may be neither: sort by start and keep, of overlapping ranges, the first. */
static void
nk_quotes_ranges_normalize (GArray *ranges)
{
  NkQuoteRange *r = (NkQuoteRange *) (gpointer) ranges->data;
  guint kept = 0;

  g_array_sort (ranges, nk_quotes_range_cmp);
  for (guint i = 0; i < ranges->len; i++)
    if (kept == 0 || r[i].start >= r[kept - 1].end)
      r[kept++] = r[i];
  g_array_set_size (ranges, kept);
}

static void
nk_quotes_ranges (const NkLayer *layer,
                  GArray        *out)
{
  guint n = 0;
  const NkSpan *spans = layer != NULL ? nk_layer_get_spans (layer, &n) : NULL;

  g_array_set_size (out, n);
  NkQuoteRange *r = (NkQuoteRange *) (gpointer) out->data;
  gboolean in_order = TRUE;
  for (guint i = 0; i < n; i++)
    {
      r[i] = (NkQuoteRange) { spans[i].start, spans[i].end };
      in_order = in_order && (i == 0 || r[i].start >= r[i - 1].end);
    }
  if (!in_order)
    nk_quotes_ranges_normalize (out);
}

/* Index of a string attribute, or -1 when the layer lacks it (or has another type). */
static int
nk_quotes_string_attr (const NkLayer *layer,
                       const char    *name)
{
  int k = nk_layer_find_attr (layer, name);
  if (k < 0 || nk_layer_get_info (layer)->attrs[k].type != NK_ATTR_STRING)
    return -1;
  return k;
}

static inline NkQuoteLabel
nk_quotes_label (NkQuotesLabelCache *cache,
                 const char         *s)
{
  for (guint k = 0; k < G_N_ELEMENTS (cache->ptr); k++)
    if (cache->ptr[k] == s)
      return cache->label[k];
  NkQuoteLabel label = nk_quote_label_from_string (s);
  cache->ptr[cache->next] = s;
  cache->label[cache->next] = label;
  cache->next = (cache->next + 1) % G_N_ELEMENTS (cache->ptr);
  return label;
}

/* A string attribute's value, or NULL (also when the layer lacks the attribute). */
static inline const char *
nk_quotes_get (const NkLayer *layer,
               guint          i,
               int            attr)
{
  return attr >= 0 ? nk_layer_get_string (layer, i, (guint) attr) : NULL;
}

/* NkQuoteEntityFunc: the attributes of one entity, read when the finder first needs them. */
static void
nk_quotes_load_entity (gpointer       data,
                       guint          index,
                       NkQuoteEntity *e)
{
  NkQuotes *self = data;
  guint i = g_array_index (self->spans, guint, index);

  e->label = nk_quotes_label (&self->labels, nk_quotes_get (self->layer, i, self->label_attr));
  e->canonical = nk_quotes_get (self->layer, i, self->canonical_attr);
  e->role = nk_quotes_get (self->layer, i, self->role_attr);
}

/* Orders span indices by their span's start. */
static gint
nk_quotes_span_cmp (gconstpointer a,
                    gconstpointer b,
                    gpointer      data)
{
  const NkSpan *spans = data;
  guint32 x = spans[*(const guint *) a].start, y = spans[*(const guint *) b].start;
  return x < y ? -1 : x > y;
}

/* The entity spans in text order without empty spans and overlaps (the first of
 * overlapping mentions wins); their attributes are read on demand. */
static void
nk_quotes_entities (NkQuotes      *self,
                    const NkLayer *layer)
{
  guint n = 0;
  const NkSpan *spans = nk_layer_get_spans (layer, &n);
  gboolean sorted = TRUE;

  self->layer = layer;
  self->label_attr = nk_quotes_string_attr (layer, "label");
  self->canonical_attr = nk_quotes_string_attr (layer, "canonical");
  self->role_attr = nk_quotes_string_attr (layer, "role");
  /* starts out knowing that no label (NULL) is NK_QUOTE_LABEL_OTHER */
  self->labels = (NkQuotesLabelCache) { { NULL }, { NK_QUOTE_LABEL_OTHER }, 1 };

  /* written in place, one slot per span at most (no append call per entity); while the
   * spans come sorted, overlaps are dropped on the way */
  g_array_set_size (self->entities, n);
  g_array_set_size (self->spans, n);
  NkQuoteEntity *out = (NkQuoteEntity *) (gpointer) self->entities->data;
  guint *index = (guint *) (gpointer) self->spans->data;
  guint used = 0;
  guint32 last_start = 0;
  for (guint i = 0; i < n && sorted; i++)
    {
      guint32 start = spans[i].start, end = spans[i].end;
      if (end <= start)
        continue;
      sorted = last_start <= start;
      last_start = start;
      if (used > 0 && out[used - 1].end > start)
        continue;
      index[used] = i;
      out[used++] = (NkQuoteEntity) { start, end, NK_QUOTE_LABEL_OTHER, NULL, NULL, TRUE };
    }
  if (!sorted)
    {
      /* Unsorted input: sort (stable: equal starts keep layer order), then drop the
       * overlaps. */
      used = 0;
      for (guint i = 0; i < n; i++)
        if (spans[i].end > spans[i].start)
          index[used++] = i;
      g_array_set_size (self->spans, used);
      g_array_sort_with_data (self->spans, nk_quotes_span_cmp, (gpointer) spans);
      guint kept = 0;
      for (guint k = 0; k < used; k++)
        {
          guint i = index[k];
          if (kept > 0 && out[kept - 1].end > spans[i].start)
            continue;
          index[kept] = i;
          out[kept++] = (NkQuoteEntity) { spans[i].start, spans[i].end,
                                          NK_QUOTE_LABEL_OTHER, NULL, NULL, TRUE };
        }
      used = kept;
    }
  g_array_set_size (self->entities, used);
  g_array_set_size (self->spans, used);
}

static void
nk_quotes_fill (NkLayer       *layer,
                const char    *text,
                const NkQuote *quotes,
                guint          n)
{
  nk_layer_reserve (layer, n);
  for (guint i = 0; i < n; i++)
    {
      const NkQuote *q = &quotes[i];
      guint k = nk_layer_add (layer, q->start, q->end);

      if (q->speaker != NULL)
        nk_layer_set_string (layer, k, NK_QUOTES_ATTR_SPEAKER, q->speaker,
                             (gssize) q->speaker_len);
      if (q->has_mention)
        {
          nk_layer_set_offset (layer, k, NK_QUOTES_ATTR_SPEAKER_START, q->mention_start);
          nk_layer_set_offset (layer, k, NK_QUOTES_ATTR_SPEAKER_END, q->mention_end);
        }
      if (q->has_cue)
        nk_layer_set_string (layer, k, NK_QUOTES_ATTR_CUE, text + q->cue_start,
                             (gssize) (q->cue_end - q->cue_start));
      nk_layer_set_bool (layer, k, NK_QUOTES_ATTR_PARTIAL, q->partial);
      nk_layer_set_bool (layer, k, NK_QUOTES_ATTR_CONTINUATION, q->continuation);
    }
}

static gboolean
nk_quotes_process (gpointer     data,
                   NkDocument  *doc,
                   GError     **error)
{
  NkQuotes *self = data;
  gsize len = 0;
  const char *text = nk_document_get_text (doc, &len);
  NkLayer *entities = nk_document_get_layer (doc, "entities");
  NkLayer *sentences = nk_document_get_layer (doc, "sentences");

  if (entities == NULL || sentences == NULL)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_INPUT,
                   "document %s: quotes needs the \"entities\" and \"sentences\" layers",
                   nk_document_get_id (doc));
      return FALSE;
    }
  nk_quotes_ranges (sentences, self->sentences);
  nk_quotes_ranges (nk_document_get_layer (doc, "paragraphs"), self->paragraphs);
  nk_quotes_entities (self, entities);

  NkQuoteInput in = {
    text != NULL ? text : "", text != NULL ? len : 0,
    (const NkQuoteRange *) (gpointer) self->sentences->data, self->sentences->len,
    (const NkQuoteRange *) (gpointer) self->paragraphs->data, self->paragraphs->len,
    (const NkQuoteEntity *) (gpointer) self->entities->data, self->entities->len,
    nk_quotes_load_entity, self,
  };
  guint n = 0;
  const NkQuote *quotes = nk_quote_finder_run (self->finder, &in, &n);
  nk_quotes_fill (nk_document_add_layer (doc, &nk_quotes_info), in.text, quotes, n);
  return TRUE;
}

static const NkStageInfo nk_quotes_stage = {
  .type = "quotes",
  .description = "Direct quotations with their speaker, reporting cue and partial flag",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_quotes_requires,
  .uses = nk_quotes_uses,
  .provides = nk_quotes_provides,
  .config = nk_quotes_config,
  .prepare = nk_quotes_prepare,
  .unprepare = nk_quotes_unprepare,
  .create = nk_quotes_create,
  .process = nk_quotes_process,
  .free = nk_quotes_free,
};

NK_PLUGIN_DEFINE_STAGE ("quotes", "1.0.0", "MIT", "Direct quotations and who said them", nk_quotes_stage, "quotes")
