/* nk-sentiment-plugin.c — the `sentiment` stage: VADER scores for every sentence (layer
 * `sentiment`) and their summary (`meta.sentiment`), from nk-vader.c.
 *
 * Each sentence span is scored on its own text, exactly as vaderSentiment scores that
 * sentence as a standalone string. A user lexicon never changes `compound`: it is scored
 * separately with a second, extended lexicon and reported as `domain_compound`.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-sentiment"

#include <nkpipe.h>

#include <string.h>

#include "nk-vader.h"

/* VADER's usual cut-offs for calling a compound positive or negative. */
#define NK_SENTIMENT_THRESHOLD 0.05

typedef struct {
  NkVaderLexicon *vader;
  NkVaderLexicon *domain;   /* NULL without a user lexicon */
} NkSentimentShared;

typedef struct {
  const NkSentimentShared *shared;
  gboolean                 explain;
  NkVaderScratch          *scratch;
  NkVaderScratch          *domain_scratch;
  GString                 *json;   /* one explain list as JSON text, reused */
} NkSentiment;

static const NkConfigKey nk_sentiment_config[] = {
  { "lexicon", NK_CONFIG_PATH, NULL,
    "A user lexicon (word<TAB>valence lines, # comments) that adds or overrides words; its "
    "effect is reported as domain_compound, compound stays pure VADER" },
  { "explain", NK_CONFIG_BOOL, "false",
    "Add to every sentence an `explain` list: the tokens that moved its score, their "
    "valences and the rules applied" },
  { NULL }
};

/* Attribute indices, shared by the four layer shapes below. */
enum {
  NK_SENTIMENT_NEG,
  NK_SENTIMENT_NEU,
  NK_SENTIMENT_POS,
  NK_SENTIMENT_COMPOUND,
  NK_SENTIMENT_N_BASE,
};

static const NkAttrInfo nk_sentiment_attrs[] = {
  { "neg", NK_ATTR_DOUBLE },
  { "neu", NK_ATTR_DOUBLE },
  { "pos", NK_ATTR_DOUBLE },
  { "compound", NK_ATTR_DOUBLE },
};
static const NkAttrInfo nk_sentiment_attrs_domain[] = {
  { "neg", NK_ATTR_DOUBLE },
  { "neu", NK_ATTR_DOUBLE },
  { "pos", NK_ATTR_DOUBLE },
  { "compound", NK_ATTR_DOUBLE },
  { "domain_compound", NK_ATTR_DOUBLE },
};
static const NkAttrInfo nk_sentiment_attrs_explain[] = {
  { "neg", NK_ATTR_DOUBLE },
  { "neu", NK_ATTR_DOUBLE },
  { "pos", NK_ATTR_DOUBLE },
  { "compound", NK_ATTR_DOUBLE },
  { "explain", NK_ATTR_JSON_TEXT },
};
static const NkAttrInfo nk_sentiment_attrs_both[] = {
  { "neg", NK_ATTR_DOUBLE },
  { "neu", NK_ATTR_DOUBLE },
  { "pos", NK_ATTR_DOUBLE },
  { "compound", NK_ATTR_DOUBLE },
  { "domain_compound", NK_ATTR_DOUBLE },
  { "explain", NK_ATTR_JSON_TEXT },
};

/* Attributes are only declared when configured, so they are absent rather than null. */
static const NkLayerInfo nk_sentiment_infos[2][2] = {
  { NK_LAYER_INFO ("sentiment", nk_sentiment_attrs),
    NK_LAYER_INFO ("sentiment", nk_sentiment_attrs_explain) },
  { NK_LAYER_INFO ("sentiment", nk_sentiment_attrs_domain),
    NK_LAYER_INFO ("sentiment", nk_sentiment_attrs_both) },
};

static const char *const nk_sentiment_requires[] = { "sentences", NULL };
static const char *const nk_sentiment_provides[] = { "sentiment", NULL };

/* ---- lifecycle --------------------------------------------------------------------- */

static void
nk_sentiment_unprepare (gpointer data)
{
  NkSentimentShared *shared = data;

  if (shared == NULL)
    return;
  nk_vader_lexicon_unref (shared->vader);
  nk_vader_lexicon_unref (shared->domain);
  g_free (shared);
}

static gpointer
nk_sentiment_prepare (const NkConfig *config,
                      GError        **error)
{
  g_autofree char *lex_path = NULL, *emoji_path = NULL;
  const char *user = nk_config_get_path (config, "lexicon");
  g_autoptr (GError) local = NULL;
  NkSentimentShared *shared;

  lex_path = nk_config_find_data_file (config, "sentiment/vader_lexicon.txt", error);
  if (lex_path == NULL)
    return NULL;
  emoji_path = nk_config_find_data_file (config, "sentiment/emoji_utf8_lexicon.txt", error);
  if (emoji_path == NULL)
    return NULL;

  shared = g_new0 (NkSentimentShared, 1);
  shared->vader = nk_vader_lexicon_new (lex_path, emoji_path, &local);
  if (shared->vader != NULL && user != NULL)
    shared->domain = nk_vader_lexicon_new_extended (shared->vader, user, &local);
  if (local != NULL)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "%s%s",
                   shared->vader != NULL ? "config.lexicon: " : "", local->message);
      nk_sentiment_unprepare (shared);
      return NULL;
    }
  g_debug ("VADER lexicon: %u words%s", nk_vader_lexicon_get_size (shared->vader),
           shared->domain ? ", with a user lexicon" : "");
  return shared;
}

static gpointer
nk_sentiment_create (const NkConfig *config,
                     gpointer        shared,
                     GError        **error)
{
  NkSentiment *self = g_new0 (NkSentiment, 1);

  self->shared = shared;
  self->explain = nk_config_get_bool (config, "explain");
  self->scratch = nk_vader_scratch_new ();
  self->json = g_string_sized_new (256);
  if (self->shared->domain)
    self->domain_scratch = nk_vader_scratch_new ();
  return self;
}

static void
nk_sentiment_free (gpointer data)
{
  NkSentiment *self = data;

  nk_vader_scratch_free (self->scratch);
  nk_vader_scratch_free (self->domain_scratch);
  g_string_free (self->json, TRUE);
  g_free (self);
}

/* ---- explanations ------------------------------------------------------------------ */

/* Explanations are written as compact JSON text with the core's streaming writer (the
 * exporter copies it as is): member order and number formatting as a JSON tree would
 * export them. */
#define NK_BUF_LIT(out, lit) nk_buf_append ((out), "" lit, sizeof (lit) - 1)

/* ,"member":["rule",...] (rule names are plain ASCII words) */
static void
nk_sentiment_add_rules (GString    *out,
                        const char *member,
                        guint       rules)
{
  gboolean first = TRUE;

  nk_buf_append_c (out, ',');
  nk_json_append_string (out, member, -1);
  NK_BUF_LIT (out, ":[");
  for (guint r = 0; r < NK_VADER_N_RULES; r++)
    if (rules & (1u << r))
      {
        if (!first)
          nk_buf_append_c (out, ',');
        first = FALSE;
        nk_json_append_string (out, nk_vader_rule_name (1u << r), -1);
      }
  nk_buf_append_c (out, ']');
}

static void
nk_sentiment_add_token (GString            *out,
                        const NkVaderToken *t,
                        const NkVaderToken *d)
{
  /* the token up to a NUL character, U+FFFD when it is not valid UTF-8 */
  const char *nul = memchr (t->text, '\0', t->len);
  gsize len = nul ? (gsize) (nul - t->text) : t->len;

  NK_BUF_LIT (out, "{\"token\":");
  if (g_utf8_validate (t->text, (gssize) len, NULL))
    nk_json_append_string (out, t->text, (gssize) len);
  else
    nk_json_append_string (out, "\xef\xbf\xbd", -1);
  NK_BUF_LIT (out, ",\"lexicon\":");
  if (t->in_lexicon)
    nk_json_append_double (out, t->lexicon_valence);
  else
    NK_BUF_LIT (out, "null");
  /* Rounded for readers: 2.1260000000000003 is noise. */
  NK_BUF_LIT (out, ",\"valence\":");
  nk_json_append_double (out, nk_vader_round (t->valence, 4));
  nk_sentiment_add_rules (out, "rules", t->rules);
  if (d != NULL)
    {
      NK_BUF_LIT (out, ",\"domain_valence\":");
      nk_json_append_double (out, nk_vader_round (d->valence, 4));
      nk_sentiment_add_rules (out, "domain_rules", d->rules);
    }
  nk_buf_append_c (out, '}');
}

/* The tokens that moved the score (a lexicon word, or any valence or rule), then the
 * punctuation emphasis when there was one, into self->json. Tokenisation does not depend
 * on the lexicon, so the domain tokens line up one to one with the pure ones. */
static void
nk_sentiment_explain (NkSentiment         *self,
                      const NkVaderScores *scores,
                      gboolean             have_domain)
{
  GString *out = self->json;
  const NkVaderToken *t, *d = NULL;
  guint n, nd = 0;
  gboolean first = TRUE;

  t = nk_vader_scratch_get_tokens (self->scratch, &n);
  if (have_domain)
    d = nk_vader_scratch_get_tokens (self->domain_scratch, &nd);
  g_string_truncate (out, 0);
  nk_buf_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      const NkVaderToken *di = (d && i < nd) ? &d[i] : NULL;

      if (t[i].in_lexicon || t[i].valence != 0 || t[i].rules != 0 ||
          (di && (di->in_lexicon || di->valence != 0 || di->rules != 0)))
        {
          if (!first)
            nk_buf_append_c (out, ',');
          first = FALSE;
          nk_sentiment_add_token (out, &t[i], di);
        }
    }
  if (scores->punct_amplifier != 0)
    {
      if (!first)
        nk_buf_append_c (out, ',');
      NK_BUF_LIT (out, "{\"token\":\"!?\",\"lexicon\":null,\"valence\":");
      nk_json_append_double (out, nk_vader_round (scores->punct_amplifier, 4));
      NK_BUF_LIT (out, ",\"rules\":[\"punctuation\"]}");
    }
  nk_buf_append_c (out, ']');
}

/* ---- processing -------------------------------------------------------------------- */

typedef struct {
  double sum;
  double domain_sum;
  guint  n;
  guint  positive;
  guint  negative;
} NkSentimentTotals;

/* meta.sentiment as JSON text: {"mean_compound": x|null, ["domain_mean_compound",]
 * "positive": n, "negative": n, "neutral": n}. */
static void
nk_sentiment_take_meta (NkDocument              *doc,
                        const NkSentimentTotals *tot,
                        gboolean                 have_domain)
{
  GString *out = g_string_sized_new (128);
  gsize len;

  NK_BUF_LIT (out, "{\"mean_compound\":");
  if (tot->n > 0)
    nk_json_append_double (out, nk_vader_round (tot->sum / tot->n, 4));
  else
    NK_BUF_LIT (out, "null");
  if (have_domain)
    {
      NK_BUF_LIT (out, ",\"domain_mean_compound\":");
      if (tot->n > 0)
        nk_json_append_double (out, nk_vader_round (tot->domain_sum / tot->n, 4));
      else
        NK_BUF_LIT (out, "null");
    }
  NK_BUF_LIT (out, ",\"positive\":");
  nk_json_append_int (out, tot->positive);
  NK_BUF_LIT (out, ",\"negative\":");
  nk_json_append_int (out, tot->negative);
  NK_BUF_LIT (out, ",\"neutral\":");
  nk_json_append_int (out, tot->n - tot->positive - tot->negative);
  nk_buf_append_c (out, '}');
  len = out->len;
  nk_document_take_meta_json (doc, "sentiment", g_string_free (out, FALSE), len);
}

static gboolean
nk_sentiment_process (gpointer     data,
                      NkDocument  *doc,
                      GError     **error)
{
  NkSentiment *self = data;
  gboolean have_domain = self->shared->domain != NULL;
  NkLayer *sentences = nk_document_get_layer (doc, "sentences");
  const char *text = nk_document_get_text (doc, NULL);
  NkSentimentTotals tot = { 0 };
  const NkSpan *spans;
  NkLayer *layer;
  guint n = 0;
  int explain_attr;

  if (sentences == NULL)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_INPUT,
                   "document %s has no `sentences` layer", nk_document_get_id (doc));
      return FALSE;
    }
  if (text == NULL)
    text = "";
  spans = nk_layer_get_spans (sentences, &n);
  layer = nk_document_add_layer (doc, &nk_sentiment_infos[have_domain][self->explain]);
  explain_attr = self->explain ? nk_layer_find_attr (layer, "explain") : -1;
  nk_layer_reserve (layer, n);
  for (guint i = 0; i < n; i++)
    {
      const char *s = text + spans[i].start;
      gsize len = spans[i].end - spans[i].start;
      NkVaderScores sc, dom;
      guint k = nk_layer_add (layer, spans[i].start, spans[i].end);

      double values[NK_SENTIMENT_N_BASE + 1];

      nk_vader_score (self->shared->vader, self->scratch, s, len, &sc);
      values[NK_SENTIMENT_NEG] = sc.neg;
      values[NK_SENTIMENT_NEU] = sc.neu;
      values[NK_SENTIMENT_POS] = sc.pos;
      values[NK_SENTIMENT_COMPOUND] = sc.compound;
      if (have_domain)
        {
          nk_vader_score (self->shared->domain, self->domain_scratch, s, len, &dom);
          values[NK_SENTIMENT_N_BASE] = dom.compound;  /* domain_compound follows them */
          tot.domain_sum += dom.compound;
        }
      nk_layer_set_doubles (layer, k, NK_SENTIMENT_NEG, values,
                            NK_SENTIMENT_N_BASE + (have_domain ? 1 : 0));
      if (self->explain)
        {
          nk_sentiment_explain (self, &sc, have_domain);
          nk_layer_set_json_text (layer, k, explain_attr, self->json->str, self->json->len);
        }
      tot.n++;
      tot.sum += sc.compound;
      tot.positive += sc.compound >= NK_SENTIMENT_THRESHOLD;
      tot.negative += sc.compound <= -NK_SENTIMENT_THRESHOLD;
    }
  nk_sentiment_take_meta (doc, &tot, have_domain);
  return TRUE;
}

static const NkStageInfo nk_sentiment_stage = {
  .type = "sentiment",
  .description = "VADER sentence sentiment (vaderSentiment 3.3.2 exact) with a domain lexicon",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_sentiment_requires,
  .provides = nk_sentiment_provides,
  .config = nk_sentiment_config,
  .prepare = nk_sentiment_prepare,
  .unprepare = nk_sentiment_unprepare,
  .create = nk_sentiment_create,
  .process = nk_sentiment_process,
  .free = nk_sentiment_free,
};

NK_PLUGIN_DEFINE_STAGE ("sentiment", "1.0.0", "MIT", "VADER sentiment for sentences and documents", nk_sentiment_stage, "sentiment")
