/* nk-stance.c — the `stance` stage: one span per (sentence, target) with a label, a score,
 * its evidence and who holds the stance; per-document aggregates in meta.stance.
 *
 * The rules live in nk-stance-engine.c; this file maps layers and config onto them. The
 * module also provides the `stance-summary` sink (nk-stance-summary.c).
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include <nkpipe.h>

#include <math.h>
#include <string.h>

#include "nk-stance-engine.h"
#include "nk-stance-private.h"
#include "nk-stance-targets.h"
#ifdef NK_STANCE_HAVE_VADER
#include "nk-vader.h"
#endif

/* ---- config ------------------------------------------------------------------------ */

static const NkConfigKey nk_stance_target_keys[] = {
  { "id", NK_CONFIG_STRING, NULL, "the target's name in the output, e.g. \"diplomacy\"",
    NK_CONFIG_FLAGS_REQUIRED, 0, NULL },
  { "terms", NK_CONFIG_LIST, NULL,
    "words or phrases naming the target (any case; plural, possessive, -ed/-ing match)",
    NK_CONFIG_FLAGS_REQUIRED, NK_CONFIG_STRING, NULL },
  { "favor_cues", NK_CONFIG_LIST, NULL, "extra phrases presenting this target positively",
    0, NK_CONFIG_STRING, NULL },
  { "against_cues", NK_CONFIG_LIST, NULL, "extra phrases presenting this target negatively",
    0, NK_CONFIG_STRING, NULL },
  { "context", NK_CONFIG_STRING, NULL,
    "\"sentence\" (default): only sentences naming the target; \"document\": also the "
    "sentences after its first mention in a document", 0, 0, NULL },
  { NULL, 0, NULL, NULL, 0, 0, NULL },
};

static const NkConfigKey nk_stance_config[] = {
  { "targets", NK_CONFIG_LIST, NULL,
    "the targets to track: [{\"id\", \"terms\": [...], \"favor_cues\", \"against_cues\"}]",
    NK_CONFIG_FLAGS_REQUIRED, NK_CONFIG_OBJECT, nk_stance_target_keys },
  { "cues", NK_CONFIG_PATH, NULL,
    "an extra cue file (same format as stance/cues.txt) added to the general cues",
    0, 0, NULL },
  { "threshold", NK_CONFIG_DOUBLE, "0.3",
    "|score| at or above which a span is favor/against rather than neutral", 0, 0, NULL },
  { "sentiment_weight", NK_CONFIG_DOUBLE, "0.3",
    "weight of the VADER compound of the target's clause (0 to ignore sentiment)", 0, 0, NULL },
  { "clause_sentiment", NK_CONFIG_BOOL, "false",
    "score the target's own clause with VADER (slower) instead of taking the sentence's "
    "compound from the sentiment layer", 0, 0, NULL },
  { "holder_meta", NK_CONFIG_LIST, "[\"author\", \"publisher\"]",
    "metadata keys tried, in order, for the holder of unattributed sentences", 0,
    NK_CONFIG_STRING, NULL },
  { NULL, 0, NULL, NULL, 0, 0, NULL },
};

static const NkAttrInfo nk_stance_attrs[] = {
  [NK_STANCE_ATTR_TARGET] = { "target", NK_ATTR_STRING },
  [NK_STANCE_ATTR_LABEL] = { "label", NK_ATTR_STRING },
  [NK_STANCE_ATTR_SCORE] = { "score", NK_ATTR_DOUBLE },
  [NK_STANCE_ATTR_EVIDENCE] = { "evidence", NK_ATTR_JSON_TEXT },
  [NK_STANCE_ATTR_HOLDER] = { "holder", NK_ATTR_STRING },
};

static const NkLayerInfo nk_stance_layer = NK_LAYER_INFO ("stance", nk_stance_attrs);

static const char *const nk_stance_requires[] = { "sentences", NULL };
static const char *const nk_stance_uses[] = { "quotes", "entities", "sentiment", NULL };
static const char *const nk_stance_provides[] = { "stance", NULL };

/* ---- shared data and instances ----------------------------------------------------- */

/* One evidence word for list @list, in the order the rules found it. */
typedef struct {
  guint   list;
  guint32 start;
  guint32 end;
} NkEvidenceItem;

typedef struct {
  NkStanceModel  *model;
  const char    **target_ids;   /* interned: documents may outlive the model */
  char          **holder_meta;
#ifdef NK_STANCE_HAVE_VADER
  NkVaderLexicon *vader;   /* NULL: only the sentiment layer's sentence compound */
  gboolean        clause_sentiment;
#endif
} NkStanceShared;

typedef struct {
  const NkStanceShared *shared;
  NkStanceScratch      *scratch;
#ifdef NK_STANCE_HAVE_VADER
  NkVaderScratch       *vader_scratch;
#endif
  NkStanceAggregate    *aggregate;
  GString              *json;         /* evidence of one span as JSON text, reused */
  NkEvidenceItem       *items;        /* the evidence words of one span, reused */
  gsize                 cap_items;
  const char           *last_named;   /* holder a later "he said" refers to: a layer's
                                       * string, or name_buf */
  GString              *name_buf;     /* a reported name taken from the text */
  gsize                 sentence_start;    /* the sentence being analysed, its words' */
  gsize                 sentence_end;      /* extent, and its sentiment-layer compound */
  double                sentence_compound;
} NkStance;

static void
nk_stance_shared_free (gpointer data)
{
  NkStanceShared *sh = data;
  if (sh == NULL)
    return;
  nk_stance_model_free (sh->model);
  g_strfreev (sh->holder_meta);
  g_free (sh->target_ids);
#ifdef NK_STANCE_HAVE_VADER
  if (sh->vader)
    nk_vader_lexicon_unref (sh->vader);
#endif
  g_free (sh);
}

/* Engine errors become stage errors with the same message. */
static void
nk_stance_stage_error (GError **error, GError *local, NkStageError code)
{
  g_set_error_literal (error, NK_STAGE_ERROR, code, local->message);
  g_error_free (local);
}

static gboolean
nk_stance_load_cue_file (NkStanceModel *model, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  GError *local = NULL;
  gsize len;
  if (!g_file_get_contents (path, &data, &len, &local)
      || !nk_stance_model_load_cues (model, data, len, path, &local))
    {
      nk_stance_stage_error (error, local, NK_STAGE_ERROR_DATA);
      return FALSE;
    }
  return TRUE;
}

static char **
nk_string_list_to_strv (JsonArray *array)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    g_ptr_array_add (out, g_strdup (json_array_get_string_element (array, i)));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

#ifdef NK_STANCE_HAVE_VADER
/* The clause scorer is weak evidence: without its data files stance still works (from the
 * sentiment layer, if any), so a missing lexicon is only a debug message. */
static NkVaderLexicon *
nk_stance_load_vader (const NkConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *lex = nk_config_find_data_file (config, "sentiment/vader_lexicon.txt",
                                                   &error);
  g_autofree char *emo = lex ? nk_config_find_data_file (config,
                                                         "sentiment/emoji_utf8_lexicon.txt",
                                                         &error) : NULL;
  NkVaderLexicon *vader = emo ? nk_vader_lexicon_new (lex, emo, &error) : NULL;
  if (vader == NULL)
    g_debug ("clause sentiment off: %s", error ? error->message : "no lexicon");
  return vader;
}
#endif

static gpointer
nk_stance_prepare (const NkConfig *config, GError **error)
{
  NkStanceParams params;
  nk_stance_params_init (&params);
  params.threshold = nk_config_get_double (config, "threshold");
  params.sentiment_weight = nk_config_get_double (config, "sentiment_weight");
  if (!(params.threshold > 0 && params.threshold < 1))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_CONFIG,
                   "config.threshold: expected a number between 0 and 1 (exclusive), not %g",
                   params.threshold);
      return NULL;
    }
  NkStanceShared *sh = g_new0 (NkStanceShared, 1);
  sh->model = nk_stance_model_new (&params);
  sh->holder_meta = nk_string_list_to_strv (nk_config_get_list (config, "holder_meta"));
  g_autofree char *cues = nk_config_find_data_file (config, "stance/cues.txt", error);
  if (cues == NULL || !nk_stance_load_cue_file (sh->model, cues, error)
      || (nk_config_has (config, "cues")
          && !nk_stance_load_cue_file (sh->model, nk_config_get_path (config, "cues"), error)))
    goto fail;
  GError *local = NULL;
  if (!nk_stance_model_add_targets_json (sh->model, nk_config_get_list (config, "targets"),
                                         "config.targets", &local))
    {
      nk_stance_stage_error (error, local, NK_STAGE_ERROR_CONFIG);
      goto fail;
    }
  guint n_targets = nk_stance_model_get_n_targets (sh->model);
  sh->target_ids = g_new0 (const char *, n_targets + 1);
  for (guint t = 0; t < n_targets; t++)
    sh->target_ids[t] = g_intern_string (nk_stance_model_get_target_id (sh->model, t));
#ifdef NK_STANCE_HAVE_VADER
  sh->clause_sentiment = nk_config_get_bool (config, "clause_sentiment");
  /* VADER here only for clauses, or for sentences when no sentiment stage runs first */
  if (params.sentiment_weight != 0
      && (sh->clause_sentiment || !nk_config_layer_available (config, "sentiment")))
    sh->vader = nk_stance_load_vader (config);
#endif
  return sh;
fail:
  nk_stance_shared_free (sh);
  return NULL;
}

static gpointer
nk_stance_create (const NkConfig *config, gpointer shared, GError **error)
{
  NkStance *self = g_new0 (NkStance, 1);
  self->shared = shared;
  self->scratch = nk_stance_scratch_new ();
#ifdef NK_STANCE_HAVE_VADER
  self->vader_scratch = nk_vader_scratch_new ();
#endif
  self->aggregate = nk_stance_aggregate_new ();
  self->json = g_string_sized_new (256);
  self->name_buf = g_string_sized_new (64);
  return self;
}

static void
nk_stance_free (gpointer data)
{
  NkStance *self = data;
  nk_stance_scratch_free (self->scratch);
#ifdef NK_STANCE_HAVE_VADER
  nk_vader_scratch_free (self->vader_scratch);
#endif
  nk_stance_aggregate_free (self->aggregate);
  g_string_free (self->json, TRUE);
  g_free (self->items);
  g_string_free (self->name_buf, TRUE);
  g_free (self);
}

#ifdef NK_STANCE_HAVE_VADER
/* VADER on the target's clause; a clause that is the whole sentence takes the sentiment
 * layer's score when there is one (the same number, already computed). */
static double
nk_stance_clause_compound (gpointer data, const char *text, gsize start, gsize end)
{
  NkStance *self = data;
  NkVaderScores scores;
  if (start == self->sentence_start && end == self->sentence_end
      && !isnan (self->sentence_compound))
    return self->sentence_compound;
  nk_vader_score (self->shared->vader, self->vader_scratch, text + start,
                  (gssize) (end - start), &scores);
  return scores.compound;
}

/* VADER on the whole sentence, once per sentence (no sentiment layer to read it from). */
static double
nk_stance_sentence_compound (gpointer data, const char *text, gsize start, gsize end)
{
  NkStance *self = data;
  NkVaderScores scores;
  if (isnan (self->sentence_compound))
    {
      nk_vader_score (self->shared->vader, self->vader_scratch, text + self->sentence_start,
                      (gssize) (self->sentence_end - self->sentence_start), &scores);
      self->sentence_compound = scores.compound;
    }
  return self->sentence_compound;
}
#endif

/* ---- reading optional layers ------------------------------------------------------- */

/* A walk over a layer's spans in text order, for sentences that also come in order. */
typedef struct {
  NkLayer      *layer;
  const NkSpan *spans;
  guint         n;
  guint         next;
  int           attr;
} NkLayerCursor;

static void
nk_cursor_init (NkLayerCursor *c, NkDocument *doc, const char *layer, const char *attr)
{
  memset (c, 0, sizeof *c);
  c->layer = nk_document_get_layer (doc, layer);
  c->attr = -1;
  if (c->layer == NULL)
    return;
  c->spans = nk_layer_get_spans (c->layer, &c->n);
  c->attr = attr ? nk_layer_find_attr (c->layer, attr) : -1;
}

/* The first span overlapping [start, end) that has a value for the cursor's attribute;
 * -1 if none. Spans ending before @start are skipped for good. */
static gint
nk_cursor_overlap (NkLayerCursor *c, guint32 start, guint32 end)
{
  if (c->layer == NULL || c->attr < 0)
    return -1;
  while (c->next < c->n && c->spans[c->next].end <= start)
    c->next++;
  for (guint i = c->next; i < c->n && c->spans[i].start < end; i++)
    if (c->spans[i].end > start && nk_layer_has_value (c->layer, i, (guint) c->attr))
      return (gint) i;
  return -1;
}

/* The sentence compound of the `sentiment` layer's span equal to the sentence, or NAN. */
static double
nk_sentence_compound (NkLayerCursor *c, guint32 start, guint32 end)
{
  gint i = nk_cursor_overlap (c, start, end);
  if (i < 0 || c->spans[i].start != start || c->spans[i].end != end)
    return NAN;
  return nk_layer_get_double (c->layer, (guint) i, (guint) c->attr);
}

/* ---- holders ----------------------------------------------------------------------- */

typedef struct {
  NkLayerCursor quotes;      /* attr: speaker */
  NkLayerCursor entities;    /* attr: canonical */
  const char   *meta_holder;
} NkHolderCtx;

/* The entity's canonical name overlapping the reported speaker, else the name's text
 * (copied into @buf). Borrowed: valid while the document is, or until @buf changes. */
static const char *
nk_entity_name (NkHolderCtx *h, GString *buf, const char *text, gsize start, gsize end)
{
  gint e = nk_cursor_overlap (&h->entities, (guint32) start, (guint32) end);
  if (e >= 0)
    return nk_layer_get_string (h->entities.layer, (guint) e, (guint) h->entities.attr);
  g_string_truncate (buf, 0);
  g_string_append_len (buf, text + start, (gssize) (end - start));
  return buf->str;
}

/* Holder of the last analysed sentence: quote speaker, reported speaker (a pronoun
 * refers to the last named holder), document author/publisher, or NULL. Every sentence
 * updates the last named holder; the holder itself is returned only when @want, borrowed
 * (valid until the next sentence). */
static const char *
nk_stance_holder (NkStance *self, NkHolderCtx *h, const char *text, const NkSpan *sent,
                  gboolean want, const char **source)
{
  gint q = nk_cursor_overlap (&h->quotes, sent->start, sent->end);
  if (q >= 0)
    {
      *source = "quote";
      self->last_named = nk_layer_get_string (h->quotes.layer, (guint) q,
                                              (guint) h->quotes.attr);
      return want ? self->last_named : NULL;
    }
  gsize a, b, verb;
  gboolean pronoun;
  if (nk_stance_find_reported_speaker (self->shared->model, self->scratch, text, &a, &b, &verb,
                                       &pronoun))
    {
      if (!pronoun)
        {
          *source = "report";
          self->last_named = nk_entity_name (h, self->name_buf, text, a, b);
          return want ? self->last_named : NULL;
        }
      if (self->last_named != NULL)
        {
          *source = "report-pronoun";
          return want ? self->last_named : NULL;
        }
    }
  *source = h->meta_holder ? "meta" : NULL;
  return want ? h->meta_holder : NULL;
}

static const char *
nk_meta_holder (const NkStanceShared *sh, NkDocument *doc)
{
  for (guint i = 0; sh->holder_meta[i] != NULL; i++)
    {
      const char *v = nk_document_get_meta_string (doc, sh->holder_meta[i]);
      if (v != NULL && *v != '\0')
        return v;
    }
  return NULL;
}

/* ---- evidence ---------------------------------------------------------------------- */

enum { NK_EV_FAVOR, NK_EV_AGAINST, NK_EV_NEGATED, NK_EV_NEGATIONS, NK_EV_CONTRAST,
       NK_EV_HEDGES, NK_EV_IRREALIS, NK_EV_N_LISTS };

/* The lists' keys, with a comma before, quoted and with their colon and bracket (plain
 * ASCII: nothing to escape), and their lengths. */
static const char *const nk_evidence_keys[NK_EV_N_LISTS] = {
  ",\"favor\":[", ",\"against\":[", ",\"negated\":[", ",\"negations\":[", ",\"contrast\":[",
  ",\"hedges\":[", ",\"irrealis\":[",
};
static const guint8 nk_evidence_key_lens[NK_EV_N_LISTS] = { 10, 12, 12, 14, 13, 11, 13 };

/* The evidence items of one span: at most three per evidence (a side, "negated", a list
 * of its kind), in an array of self->cap_items. */
typedef struct {
  NkEvidenceItem *items;
  guint           n;
} NkEvidenceList;

static inline void
nk_evidence_push (NkEvidenceList *list, guint which, guint32 start, guint32 end)
{
  list->items[list->n++] = (NkEvidenceItem) { which, start, end };
}

/* The evidence word's length: cut at 127 bytes, at a character boundary (document text is
 * valid UTF-8, the core repairs it), and at a NUL character (the text may hold one). */
static gsize
nk_evidence_len (const char *text, const NkEvidenceItem *it)
{
  gsize len = MIN (it->end - it->start, 127);
  if (len < it->end - it->start)
    while (len > 0 && (((guchar) text[it->start + len]) & 0xC0) == 0x80)
      len--;   /* never cut a character */
  const char *nul = memchr (text + it->start, '\0', len);
  return nul ? (gsize) (nul - (text + it->start)) : len;
}

/* Appends the evidence word as a JSON string (cut at a NUL, as json-glib did). */
static void
nk_evidence_append_word (GString *out, const char *text, const NkEvidenceItem *it)
{
  nk_json_append_string (out, text + it->start, (gssize) nk_evidence_len (text, it));
}

/* Appends ,"list":["word",...] for the list of items[first]: all its items, in order. */
static void
nk_evidence_append_list (GString *out, const char *text, const NkEvidenceItem *items,
                         guint n, guint first)
{
  guint list = items[first].list;
  nk_buf_append (out, nk_evidence_keys[list], nk_evidence_key_lens[list]);
  for (guint i = first; i < n; i++)
    {
      if (items[i].list != list)
        continue;
      if (i > first)
        nk_buf_append_c (out, ',');
      nk_evidence_append_word (out, text, &items[i]);
    }
  nk_buf_append_c (out, ']');
}

/* The evidence words of @r, each tagged with the list it goes in, in the rules' order. */
static void
nk_evidence_collect (NkEvidenceList *items, const NkStanceResult *r,
                     const NkStanceEvidence *ev)
{
  items->n = 0;
  for (guint i = r->first_evidence; i < r->first_evidence + r->n_evidence; i++)
    {
      const NkStanceEvidence *e = &ev[i];
      if (e->contribution > 0)
        nk_evidence_push (items, NK_EV_FAVOR, e->start, e->end);
      else if (e->contribution < 0)
        nk_evidence_push (items, NK_EV_AGAINST, e->start, e->end);
      if (e->negated)
        nk_evidence_push (items, NK_EV_NEGATED, e->start, e->end);
      switch (e->kind)
        {
        case NK_STANCE_KIND_NEGATOR:
        case NK_STANCE_KIND_NEGCLAUSE:
          nk_evidence_push (items, NK_EV_NEGATIONS, e->start, e->end);
          break;
        case NK_STANCE_KIND_CONTRAST:
        case NK_STANCE_KIND_CONCESSIVE:
          nk_evidence_push (items, NK_EV_CONTRAST, e->start, e->end);
          break;
        case NK_STANCE_KIND_HEDGE:
          nk_evidence_push (items, NK_EV_HEDGES, e->start, e->end);
          break;
        case NK_STANCE_KIND_IRREALIS:
          nk_evidence_push (items, NK_EV_IRREALIS, e->start, e->end);
          break;
        default:
          break;
        }
    }
}

/* Evidence as compact JSON text in self->json, members in this order (empty lists are
 * left out; lists come in the order of their first word):
 * {"mention": "term"|"context", "favor": [cue texts pushing favor], "against": [...],
 *  "negated": [cues a negator flipped], "negations", "contrast", "hedges", "irrealis",
 *  "sentiment": the VADER compound used (the target's clause with clause_sentiment, else
 *  the sentence's; absent when unknown), "holder_source"} */
static void
nk_stance_evidence (NkStance *self, const NkStanceResult *r, const NkStanceEvidence *ev,
                    const char *text, const char *holder_source)
{
  GString *out = self->json;
  if (3 * (gsize) r->n_evidence > self->cap_items)
    {
      self->cap_items = MAX (3 * (gsize) r->n_evidence, 2 * self->cap_items);
      self->items = g_renew (NkEvidenceItem, self->items, self->cap_items);
    }
  NkEvidenceList list = { self->items, 0 };
  g_string_truncate (out, 0);
  if (r->mentioned)
    NK_BUF_LIT (out, "{\"mention\":\"term\"");
  else
    NK_BUF_LIT (out, "{\"mention\":\"context\"");
  nk_evidence_collect (&list, r, ev);
  const NkEvidenceItem *it = list.items;
  guint seen = 0;   /* lists already written, as bits: in the order of their first word */
  for (guint i = 0; i < list.n; i++)
    if (!(seen & (1u << it[i].list)))
      {
        seen |= 1u << it[i].list;
        nk_evidence_append_list (out, text, it, list.n, i);
      }
  if (!isnan (r->sentiment))
    {
      NK_BUF_LIT (out, ",\"sentiment\":");
      nk_json_append_double (out, r->sentiment);
    }
  if (holder_source)
    {
      /* the sources are plain ASCII words */
      NK_BUF_LIT (out, ",\"holder_source\":\"");
      nk_buf_append (out, holder_source, strlen (holder_source));
      nk_buf_append_c (out, '"');
    }
  nk_buf_append_c (out, '}');
}

/* ---- process ----------------------------------------------------------------------- */

static void
nk_stance_emit (NkStance *self, NkLayer *layer, const NkSpan *sent, const NkStanceResult *r,
                const NkStanceEvidence *ev, const char *text, const char *holder,
                const char *holder_source)
{
  const char *label = nk_stance_label_to_string (r->label);
  guint k = nk_layer_add (layer, sent->start, sent->end);
  /* interned: the model's copy may go before the document does */
  nk_layer_set_static_string (layer, k, NK_STANCE_ATTR_TARGET, self->shared->target_ids[r->target]);
  nk_layer_set_static_string (layer, k, NK_STANCE_ATTR_LABEL, label);
  /* four decimals are all the rules mean, and they export shorter */
  nk_layer_set_double (layer, k, NK_STANCE_ATTR_SCORE, round (r->score * 1e4) / 1e4);
  nk_stance_evidence (self, r, ev, text, holder_source);
  nk_layer_set_json_text (layer, k, NK_STANCE_ATTR_EVIDENCE, self->json->str, self->json->len);
  if (holder != NULL)
    nk_layer_set_string (layer, k, NK_STANCE_ATTR_HOLDER, holder, -1);
  nk_stance_aggregate_add_declared (self->aggregate, r->target, holder, r->label, r->score);
}

/* The sentence without surrounding spaces: the extent the engine reports for a clause
 * that spans the whole sentence (its first token to its last). */
static void
nk_word_extent (const char *text, const NkSpan *sent, gsize *start, gsize *end)
{
  gsize a = sent->start, b = sent->end;
  while (a < b && g_ascii_isspace (text[a]))
    a++;
  while (b > a && g_ascii_isspace (text[b - 1]))
    b--;
  *start = a;
  *end = b;
}

static void
nk_stance_sentence (NkStance *self, NkLayer *layer, NkHolderCtx *h, NkLayerCursor *senti,
                    const char *text, const NkSpan *sent)
{
  const NkStanceShared *sh = self->shared;
  double compound = nk_sentence_compound (senti, sent->start, sent->end);
  self->sentence_compound = compound;
  nk_word_extent (text, sent, &self->sentence_start, &self->sentence_end);
  NkStanceSentimentFunc func = NULL;
#ifdef NK_STANCE_HAVE_VADER
  /* VADER here only for clauses, or for sentences when no sentiment stage ran */
  if (sh->vader != NULL && (sh->clause_sentiment || senti->layer == NULL))
    func = sh->clause_sentiment ? nk_stance_clause_compound : nk_stance_sentence_compound;
#endif
  guint n = nk_stance_analyze (sh->model, self->scratch, text, sent->start, sent->end, func,
                               self, compound);
  /* every sentence updates the last named speaker, for a later "he said" */
  const char *source = NULL;
  const char *holder = nk_stance_holder (self, h, text, sent, n > 0, &source);
  guint n_ev;
  const NkStanceResult *results = nk_stance_scratch_get_results (self->scratch, &n);
  const NkStanceEvidence *ev = nk_stance_scratch_get_evidence (self->scratch, &n_ev);
  for (guint i = 0; i < n; i++)
    nk_stance_emit (self, layer, sent, &results[i], ev, text, holder, source);
}

static gboolean
nk_stance_process (gpointer data, NkDocument *doc, GError **error)
{
  NkStance *self = data;
  const NkStanceModel *model = self->shared->model;
  NkLayer *sentences = nk_document_get_layer (doc, "sentences");
  const char *text = nk_document_get_text (doc, NULL);
  guint n_sent = 0;
  const NkSpan *sents = sentences ? nk_layer_get_spans (sentences, &n_sent) : NULL;
  NkLayer *layer = nk_document_add_layer (doc, &nk_stance_layer);
  nk_layer_reserve (layer, n_sent);   /* about one span a sentence: grow once, not often */
  NkHolderCtx h;
  NkLayerCursor senti;
  nk_cursor_init (&h.quotes, doc, "quotes", "speaker");
  nk_cursor_init (&h.entities, doc, "entities", "canonical");
  nk_cursor_init (&senti, doc, "sentiment", "compound");
  h.meta_holder = nk_meta_holder (self->shared, doc);
  nk_stance_scratch_begin_document (self->scratch);
  nk_stance_aggregate_clear (self->aggregate);
  for (guint t = 0; t < nk_stance_model_get_n_targets (model); t++)
    nk_stance_aggregate_declare (self->aggregate, nk_stance_model_get_target_id (model, t));
  self->last_named = NULL;
  for (guint i = 0; i < n_sent; i++)
    nk_stance_sentence (self, layer, &h, &senti, text, &sents[i]);
  GString *meta = g_string_sized_new (256);
  nk_stance_aggregate_append_json (self->aggregate, meta);
  gsize len = meta->len;
  nk_document_take_meta_json (doc, "stance", g_string_free (meta, FALSE), len);
  return TRUE;
}

static const NkStageInfo nk_stance_stage = {
  .type = "stance",
  .description = "explainable stance (favor/against/neutral) toward configured targets",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_stance_requires,
  .uses = nk_stance_uses,
  .provides = nk_stance_provides,
  .config = nk_stance_config,
  .prepare = nk_stance_prepare,
  .unprepare = nk_stance_shared_free,
  .create = nk_stance_create,
  .process = nk_stance_process,
  .free = nk_stance_free,
};

static gboolean
nk_stance_register (NkRegistrar *registrar, GError **error)
{
  nk_registrar_add_stage (registrar, &nk_stance_stage);
  nk_registrar_add_stage (registrar, &nk_stance_summary_stage);
  return TRUE;
}

NK_PLUGIN_DEFINE ("stance", "1.0.0", "MIT",
                  "stance toward tracked targets, with a corpus summary sink",
                  nk_stance_register, "stance", "stance-summary")
