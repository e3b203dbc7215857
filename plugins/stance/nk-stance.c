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

/* One word of an evidence list: the evidence, the list, and the list's next word (or
 * NK_EV_END) when the lists must be regrouped. */
typedef struct {
  const NkStanceEvidence *e;
  guint                   list;
  guint                   next;
} NkEvidenceWord;

#define NK_EV_END G_MAXUINT

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
  NkStanceAggregate    *aggregate;    /* the model's targets, declared once */
  GString              *meta;         /* meta.stance as JSON text, reused */
  GString              *json;         /* evidence of one span as JSON text, reused */
  NkEvidenceWord       *words;        /* the list words of one span, reused */
  guint                 cap_words;
  const char           *last_named;   /* holder a later "he said" refers to: a layer's
                                       * string, or name_buf */
  GString              *name_buf;     /* a reported name taken from the text */
  const char           *held;         /* the last holder copied into the stance layer, */
  gsize                 held_len;     /* its length and its number in the aggregate */
  guint                 held_id;
  guint                 none_id;      /* the aggregate's number of "no holder", or G_MAXUINT */
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
  for (guint t = 0; t < nk_stance_model_get_n_targets (self->shared->model); t++)
    nk_stance_aggregate_declare (self->aggregate, self->shared->target_ids[t]);
  self->meta = g_string_sized_new (1024);
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
  g_string_free (self->meta, TRUE);
  g_string_free (self->json, TRUE);
  g_free (self->words);
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
nk_cursor_walk (NkLayerCursor *c, guint32 start, guint32 end)
{
  while (c->next < c->n && c->spans[c->next].end <= start)
    c->next++;
  for (guint i = c->next; i < c->n && c->spans[i].start < end; i++)
    if (c->spans[i].end > start && nk_layer_has_value (c->layer, i, (guint) c->attr))
      return (gint) i;
  return -1;
}

static inline gint
nk_cursor_overlap (NkLayerCursor *c, guint32 start, guint32 end)
{
  if (c->layer == NULL || c->attr < 0)
    return -1;   /* no such layer: most pipelines lack some */
  return nk_cursor_walk (c, start, end);
}

/* The sentence compound of the `sentiment` layer's span equal to the sentence, or NAN: of
 * the first span overlapping the sentence with a value, as nk_cursor_overlap () finds it.
 * An unset double reads as 0.0, so only a zero needs the mask asked. */
static double
nk_sentence_compound (NkLayerCursor *c, guint32 start, guint32 end)
{
  if (c->layer == NULL || c->attr < 0)
    return NAN;
  const NkSpan *spans = c->spans;
  guint i = c->next, n = c->n;
  while (i < n && spans[i].end <= start)
    i++;
  c->next = i;
  for (; i < n && spans[i].start < end; i++)
    if (spans[i].end > start)
      {
        double v = nk_layer_get_double (c->layer, i, (guint) c->attr);
        if (v != 0 || nk_layer_has_value (c->layer, i, (guint) c->attr))
          return spans[i].start == start && spans[i].end == end ? v : NAN;
      }
  return NAN;
}

/* ---- holders ----------------------------------------------------------------------- */

/* Where a sentence's holder came from (the evidence's "holder_source"). */
typedef enum {
  NK_SOURCE_NONE,
  NK_SOURCE_QUOTE,
  NK_SOURCE_REPORT,
  NK_SOURCE_REPORT_PRONOUN,
  NK_SOURCE_META,
  NK_SOURCE_N
} NkHolderSource;

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
  buf->len = 0;
  nk_buf_append (buf, text + start, end - start);
  return buf->str;
}

/* Holder of the last analysed sentence: quote speaker, reported speaker (a pronoun
 * refers to the last named holder), document author/publisher, or NULL. Every sentence
 * updates the last named holder; the holder itself is returned only when @want, borrowed
 * (valid until the next sentence). */
static const char *
nk_stance_holder (NkStance *self, NkHolderCtx *h, const char *text, const NkSpan *sent,
                  gboolean want, NkHolderSource *source)
{
  gint q = nk_cursor_overlap (&h->quotes, sent->start, sent->end);
  if (q >= 0)
    {
      *source = NK_SOURCE_QUOTE;
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
          *source = NK_SOURCE_REPORT;
          self->last_named = nk_entity_name (h, self->name_buf, text, a, b);
          return want ? self->last_named : NULL;
        }
      if (self->last_named != NULL)
        {
          *source = NK_SOURCE_REPORT_PRONOUN;
          return want ? self->last_named : NULL;
        }
    }
  *source = h->meta_holder ? NK_SOURCE_META : NK_SOURCE_NONE;
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

/* The end of the evidence object for each source: plain ASCII, nothing to escape. */
#define NK_TAIL(lit) { "" lit, sizeof (lit) - 1 }
static const struct {
  char  str[40];   /* copied whole: a fixed-size copy is a few moves */
  gsize len;
} nk_source_tails[NK_SOURCE_N] = {
  NK_TAIL ("}"), NK_TAIL (",\"holder_source\":\"quote\"}"),
  NK_TAIL (",\"holder_source\":\"report\"}"),
  NK_TAIL (",\"holder_source\":\"report-pronoun\"}"),
  NK_TAIL (",\"holder_source\":\"meta\"}"),
};
#undef NK_TAIL

enum { NK_EV_FAVOR, NK_EV_AGAINST, NK_EV_NEGATED, NK_EV_NEGATIONS, NK_EV_CONTRAST,
       NK_EV_HEDGES, NK_EV_IRREALIS, NK_EV_N_LISTS };

/* The lists' keys, with a comma before, quoted and with their colon and bracket (plain
 * ASCII: nothing to escape), and their lengths. */
static const char nk_evidence_keys[NK_EV_N_LISTS][16] = {
  ",\"favor\":[", ",\"against\":[", ",\"negated\":[", ",\"negations\":[", ",\"contrast\":[",
  ",\"hedges\":[", ",\"irrealis\":[",
};
static const guint8 nk_evidence_key_lens[NK_EV_N_LISTS] = { 10, 12, 12, 14, 13, 11, 13 };

/* The list (as a bit) an evidence of each kind also goes in, besides its side and
 * "negated". */
static const guint8 nk_kind_list_bits[NK_STANCE_N_KINDS] = {
  [NK_STANCE_KIND_NEGATOR] = 1u << NK_EV_NEGATIONS,
  [NK_STANCE_KIND_NEGCLAUSE] = 1u << NK_EV_NEGATIONS,
  [NK_STANCE_KIND_CONTRAST] = 1u << NK_EV_CONTRAST,
  [NK_STANCE_KIND_CONCESSIVE] = 1u << NK_EV_CONTRAST,
  [NK_STANCE_KIND_HEDGE] = 1u << NK_EV_HEDGES,
  [NK_STANCE_KIND_IRREALIS] = 1u << NK_EV_IRREALIS,
};

/* The lists evidence @e goes in, as bits: its side (favor or against, by the sign of its
 * contribution), "negated", and the list of its kind. Pushed in that order, which is the
 * order of the bits. */
static inline guint
nk_evidence_lists (const NkStanceEvidence *e)
{
  guint bits = 0;
  if (e->contribution > 0)
    bits = 1u << NK_EV_FAVOR;
  else if (e->contribution < 0)
    bits = 1u << NK_EV_AGAINST;
  if (e->negated)
    bits |= 1u << NK_EV_NEGATED;
  if ((guint) e->kind < NK_STANCE_N_KINDS)
    bits |= nk_kind_list_bits[e->kind];
  return bits;
}

/* The evidence word's length: cut at 127 bytes, at a character boundary (document text is
 * valid UTF-8, the core repairs it), and at a NUL character (the text may hold one). */
static gsize
nk_evidence_len (const char *text, const NkStanceEvidence *e)
{
  gsize len = MIN (e->end - e->start, 127);
  if (len < e->end - e->start)
    while (len > 0 && (((guchar) text[e->start + len]) & 0xC0) == 0x80)
      len--;   /* never cut a character */
  const char *nul = memchr (text + e->start, '\0', len);
  return nul ? (gsize) (nul - (text + e->start)) : len;
}

/* Room for an evidence object before its words: the mention, a short sentiment and a
 * holder source tail (copied as 40 bytes). */
#define NK_EVIDENCE_FIXED 96
/* Room for one list word written in place: a comma, the quotes, up to 16 bytes, and the
 * list's key (16 bytes with scratch) and bracket when it is the list's first. */
#define NK_EVIDENCE_WORD 40

/* Writes evidence @e's word at @d as a JSON string (cut as nk_evidence_len says): a short
 * plain word (nearly all) in place; any other through nk_json_append_string (), after
 * which @out again has room for @room bytes. Returns the end. */
static inline char *
nk_evidence_put_word (GString *out, char *d, const char *text, const NkStanceEvidence *e,
                      gsize room)
{
  gsize n = e->end - e->start;
  if (G_LIKELY (n - 1 < 16 && nk_json_copy_plain (d + 1, text + e->start, n)))
    {
      d[0] = '"';
      d[n + 1] = '"';
      return d + n + 2;
    }
  out->len = (gsize) (d - out->str);
  nk_json_append_string (out, text + e->start, (gssize) nk_evidence_len (text, e));
  nk_buf_reserve (out, room);
  return out->str + out->len;
}

/* Writes ,"list":["word",...] for list @l, its first word @w and the chain after it. */
static char *
nk_evidence_put_list (GString *out, char *d, const char *text, const NkEvidenceWord *words,
                      guint w, guint l, gsize room)
{
  memcpy (d, nk_evidence_keys[l], 16);   /* the key and some scratch */
  d += nk_evidence_key_lens[l];
  d = nk_evidence_put_word (out, d, text, words[w].e, room);
  for (w = words[w].next; w != NK_EV_END; w = words[w].next)
    {
      *d++ = ',';
      d = nk_evidence_put_word (out, d, text, words[w].e, room);
    }
  *d++ = ']';
  return d;
}

/* The lists of @words when each list's words are already together (nearly always: one
 * word, or one list): in the words' order. */
static char *
nk_evidence_put_grouped (GString *out, char *d, const char *text,
                         const NkEvidenceWord *words, guint n, gsize room)
{
  for (guint w = 0; w < n; w++)
    {
      if (w == 0 || words[w].list != words[w - 1].list)
        {
          if (w > 0)
            *d++ = ']';
          memcpy (d, nk_evidence_keys[words[w].list], 16);   /* the key and some scratch */
          d += nk_evidence_key_lens[words[w].list];
        }
      else
        *d++ = ',';
      d = nk_evidence_put_word (out, d, text, words[w].e, room);
    }
  if (n > 0)
    *d++ = ']';
  return d;
}

/* The lists of @words regrouped: each list's words chained, the lists in the order of
 * their first word. */
static char *
nk_evidence_put_chained (GString *out, char *d, const char *text, NkEvidenceWord *words,
                         guint n, gsize room)
{
  guint8 order[NK_EV_N_LISTS];
  guint head[NK_EV_N_LISTS], tail[NK_EV_N_LISTS];
  guint n_lists = 0, seen = 0;
  for (guint w = 0; w < n; w++)
    {
      guint l = words[w].list;
      if (seen & (1u << l))
        words[tail[l]].next = w;
      else
        {
          seen |= 1u << l;
          order[n_lists++] = (guint8) l;
          head[l] = w;
        }
      tail[l] = w;
    }
  for (guint k = 0; k < n_lists; k++)
    d = nk_evidence_put_list (out, d, text, words, head[order[k]], order[k], room);
  return d;
}

/* Evidence as compact JSON text in self->json, members in this order (empty lists are
 * left out; lists come in the order of their first word):
 * {"mention": "term"|"context", "favor": [cue texts pushing favor], "against": [...],
 *  "negated": [cues a negator flipped], "negations", "contrast", "hedges", "irrealis",
 *  "sentiment": the VADER compound used (the target's clause with clause_sentiment, else
 *  the sentence's; absent when unknown), "holder_source"}
 * Written through a pointer into room reserved once for all short words. */
static void
nk_stance_evidence (NkStance *self, const NkStanceResult *r, const NkStanceEvidence *ev,
                    const char *text, NkHolderSource source)
{
  GString *out = self->json;
  const NkStanceEvidence *e = ev + r->first_evidence;
  guint n = r->n_evidence;
  if (3 * n > self->cap_words)
    {
      self->cap_words = MAX (3 * n, 2 * self->cap_words);
      self->words = g_renew (NkEvidenceWord, self->words, self->cap_words);
    }
  /* the list words in the rules' order; grouped when no list comes back after another */
  NkEvidenceWord *words = self->words;
  guint n_words = 0, seen = 0, last = NK_EV_N_LISTS;
  gboolean grouped = TRUE;
  for (guint i = 0; i < n; i++)
    for (guint lists = nk_evidence_lists (&e[i]); lists != 0; lists &= lists - 1)
      {
        guint l = (guint) __builtin_ctz (lists);
        words[n_words++] = (NkEvidenceWord) { &e[i], l, NK_EV_END };
        if (l != last)
          {
            grouped &= !(seen & (1u << l));
            seen |= 1u << l;
            last = l;
          }
      }
  gsize room = NK_EVIDENCE_FIXED + (gsize) n_words * NK_EVIDENCE_WORD;
  out->len = 0;
  nk_buf_reserve (out, room);
  char *d = out->str;
  if (r->mentioned)
    d = NK_PUT_LIT (d, "{\"mention\":\"term\"");
  else
    d = NK_PUT_LIT (d, "{\"mention\":\"context\"");
  if (grouped)
    d = nk_evidence_put_grouped (out, d, text, words, n_words, room);
  else
    d = nk_evidence_put_chained (out, d, text, words, n_words, room);
  if (!isnan (r->sentiment))
    {
      d = NK_PUT_LIT (d, ",\"sentiment\":");
      char *end = nk_stance_put_decimal4 (d, r->sentiment);
      if (G_UNLIKELY (end == NULL))
        {
          out->len = (gsize) (d - out->str);
          nk_json_append_double (out, r->sentiment);
          nk_buf_reserve (out, NK_EVIDENCE_FIXED);
          end = out->str + out->len;
        }
      d = end;
    }
  memcpy (d, nk_source_tails[source].str, sizeof nk_source_tails[source].str);
  d += nk_source_tails[source].len;
  *d = '\0';
  out->len = (gsize) (d - out->str);
}

/* ---- process ----------------------------------------------------------------------- */

static const char *const nk_label_names[] = {
  [NK_STANCE_NEUTRAL] = "neutral", [NK_STANCE_FAVOR] = "favor",
  [NK_STANCE_AGAINST] = "against",
};

/* One span of result @r. A holder is copied into the layer once (@copy), then shared by
 * the following spans with the same holder: a static string pointing into the layer's own
 * copy. */
static void
nk_stance_emit (NkStance *self, NkLayer *layer, const NkSpan *sent, const NkStanceResult *r,
                const NkStanceEvidence *ev, const char *text, const char *holder,
                gsize holder_len, gboolean copy, guint holder_id, NkHolderSource source)
{
  const char *label = (guint) r->label < G_N_ELEMENTS (nk_label_names)
                      ? nk_label_names[r->label] : nk_label_names[NK_STANCE_NEUTRAL];
  guint k = nk_layer_add (layer, sent->start, sent->end);
  /* interned: the model's copy may go before the document does */
  nk_layer_set_static_string (layer, k, NK_STANCE_ATTR_TARGET, self->shared->target_ids[r->target]);
  nk_layer_set_static_string (layer, k, NK_STANCE_ATTR_LABEL, label);
  nk_layer_set_double (layer, k, NK_STANCE_ATTR_SCORE, nk_stance_round4 (r->score));
  nk_stance_evidence (self, r, ev, text, source);
  nk_layer_set_json_text (layer, k, NK_STANCE_ATTR_EVIDENCE, self->json->str, self->json->len);
  if (copy)
    {
      nk_layer_set_string (layer, k, NK_STANCE_ATTR_HOLDER, holder, (gssize) holder_len);
      self->held = nk_layer_get_string (layer, k, NK_STANCE_ATTR_HOLDER);
      self->held_len = holder_len;
      self->held_id = holder_id;
    }
  else if (holder != NULL)
    nk_layer_set_static_string (layer, k, NK_STANCE_ATTR_HOLDER, self->held);
  nk_stance_aggregate_count (self->aggregate, r->target, holder_id, r->label, r->score);
}

#ifdef NK_STANCE_HAVE_VADER
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
#endif

static void
nk_stance_sentence (NkStance *self, NkLayer *layer, NkHolderCtx *h, NkLayerCursor *senti,
                    const char *text, const NkSpan *sent)
{
  const NkStanceShared *sh = self->shared;
  double compound = nk_sentence_compound (senti, sent->start, sent->end);
  self->sentence_compound = compound;
  NkStanceSentimentFunc func = NULL;
#ifdef NK_STANCE_HAVE_VADER
  /* VADER here only for clauses, or for sentences when no sentiment stage ran */
  if (sh->vader != NULL && (sh->clause_sentiment || senti->layer == NULL))
    {
      func = sh->clause_sentiment ? nk_stance_clause_compound : nk_stance_sentence_compound;
      nk_word_extent (text, sent, &self->sentence_start, &self->sentence_end);
    }
#endif
  guint n = nk_stance_analyze (sh->model, self->scratch, text, sent->start, sent->end, func,
                               self, compound);
  /* every sentence updates the last named speaker, for a later "he said" */
  NkHolderSource source = NK_SOURCE_NONE;
  const char *holder = nk_stance_holder (self, h, text, sent, n > 0, &source);
  if (n == 0)
    return;
  /* the holder's number in the aggregate, and whether it is new to the layer */
  gsize holder_len = 0;
  gboolean copy = FALSE;
  guint holder_id;
  if (holder == NULL)
    {
      if (self->none_id == G_MAXUINT)
        self->none_id = nk_stance_aggregate_holder (self->aggregate, NULL, 0);
      holder_id = self->none_id;
    }
  else
    {
      holder_len = strlen (holder);
      if (self->held != NULL && self->held_len == holder_len
          && nk_stance_equal (self->held, holder, holder_len))
        holder_id = self->held_id;
      else
        {
          holder_id = nk_stance_aggregate_holder (self->aggregate, holder, holder_len);
          copy = TRUE;
        }
    }
  guint n_ev;
  const NkStanceResult *results = nk_stance_scratch_get_results (self->scratch, &n);
  const NkStanceEvidence *ev = nk_stance_scratch_get_evidence (self->scratch, &n_ev);
  for (guint i = 0; i < n; i++, copy = FALSE)
    nk_stance_emit (self, layer, sent, &results[i], ev, text, holder, holder_len, copy,
                    holder_id, source);
}

static gboolean
nk_stance_process (gpointer data, NkDocument *doc, GError **error)
{
  NkStance *self = data;
  NkLayer *sentences = nk_document_get_layer (doc, "sentences");
  const char *text = nk_document_get_text (doc, NULL);
  guint n_sent = 0;
  const NkSpan *sents = sentences ? nk_layer_get_spans (sentences, &n_sent) : NULL;
  NkLayer *layer = nk_document_add_layer (doc, &nk_stance_layer);
  /* about one span a sentence, some sentences more: grow once, not often */
  nk_layer_reserve (layer, n_sent + n_sent / 4 + 4);
  NkHolderCtx h;
  NkLayerCursor senti;
  nk_cursor_init (&h.quotes, doc, "quotes", "speaker");
  nk_cursor_init (&h.entities, doc, "entities", "canonical");
  nk_cursor_init (&senti, doc, "sentiment", "compound");
  h.meta_holder = nk_meta_holder (self->shared, doc);
  nk_stance_scratch_begin_document (self->scratch);
  nk_stance_aggregate_reset_counts (self->aggregate);
  self->last_named = NULL;
  self->held = NULL;
  self->none_id = G_MAXUINT;
  for (guint i = 0; i < n_sent; i++)
    nk_stance_sentence (self, layer, &h, &senti, text, &sents[i]);
  GString *meta = self->meta;
  meta->len = 0;
  nk_stance_aggregate_append_json (self->aggregate, meta);
  /* the document's own copy, of the exact size */
  char *json = g_malloc (meta->len + 1);
  memcpy (json, meta->str, meta->len + 1);
  nk_document_take_meta_json (doc, "stance", json, meta->len);
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
