/* nk-segment-plugin.c — the `segment` stage: layers `paragraphs`, `sentences` and `tokens`
 * (with a lower-cased `norm`) over the document text, from nk-segmenter.c.
 *
 * The abbreviation lexicon is loaded once in prepare and shared read-only; each worker's
 * instance keeps its span arrays and norm buffer from one document to the next.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-segment"

#include <nkpipe.h>
#include <string.h>

#include "nk-segmenter.h"

/* Which tokens get a `norm` attribute. */
typedef enum {
  NK_NORM_ALL,      /* every token */
  NK_NORM_CHANGED,  /* only where it differs from the token text: unset means "as the text" */
  NK_NORM_NONE,
} NkNormMode;

typedef struct {
  const NkSegmenter *seg;
  gboolean           tokens;
  NkNormMode         norm;
  GArray            *paragraphs;  /* NkSegSpan */
  GArray            *sentences;   /* NkSegSpan */
  GArray            *toks;        /* NkSegToken */
  GString           *buf;
} NkSegment;

static const NkConfigKey nk_segment_config[] = {
  { "abbreviations", NK_CONFIG_PATH, NULL,
    "An extra abbreviation file (same format as segment/abbreviations.txt), loaded after "
    "the built-in one; its entries override built-in classes" },
  { "tokens", NK_CONFIG_BOOL, "true",
    "Cut tokens; when false the `tokens` layer is added empty (faster when no later stage "
    "needs tokens)" },
  { "norm", NK_CONFIG_STRING, "\"all\"",
    "Tokens' lower-cased form (curly apostrophes as ') in the `norm` attribute: \"all\" "
    "tokens, only where it \"changed\" from the token text (unset: same as the text, "
    "cheaper), or \"none\"" },
  { NULL }
};

static const NkAttrInfo nk_token_attrs[] = {
  { "norm", NK_ATTR_STRING },
};

static const NkLayerInfo nk_paragraphs_info = NK_LAYER_INFO_PLAIN ("paragraphs");
static const NkLayerInfo nk_sentences_info = NK_LAYER_INFO_PLAIN ("sentences");
static const NkLayerInfo nk_tokens_info = NK_LAYER_INFO ("tokens", nk_token_attrs);

static const char *const nk_segment_provides[] = { "paragraphs", "sentences", "tokens", NULL };

/* Norms that are one ASCII byte or one General Punctuation character (U+2000..U+206F:
 * quotes, dashes, ellipsis) are a quarter of all tokens and the same for every token:
 * they point at these static copies (the module stays resident) instead of being copied
 * into the layer. Filled once in prepare, read-only afterwards. */
static char nk_byte_norms[128][2];
static char nk_punct_norms[0x70][4];

static void
nk_static_norms_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (int b = 0; b < 128; b++)
    nk_byte_norms[b][0] = (char) g_ascii_tolower (b);
  for (gunichar c = 0x2000; c < 0x2070; c++)
    g_unichar_to_utf8 (c, nk_punct_norms[c - 0x2000]);
  g_once_init_leave (&done, 1);
}

/* The static norm of text[a, b), or NULL when it must be computed and copied; agrees
 * with nk_segmenter_token_norm (curly single quotes become '). */
static inline const char *
nk_static_norm (const guchar *s,
                gsize         n)
{
  if (n == 1)
    return s[0] < 0x80 ? nk_byte_norms[s[0]] : NULL;
  if (n != 3 || s[0] != 0xE2 || (s[1] != 0x80 && s[1] != 0x81))
    return NULL;

  guint c = ((guint) (s[1] & 0x3F) << 6 | (s[2] & 0x3F));  /* offset from U+2000 */
  if (c >= 0x70 || (s[2] & 0xC0) != 0x80)
    return NULL;
  if (c == 0x18 || c == 0x19)
    return nk_byte_norms['\''];
  return nk_punct_norms[c];
}

static gpointer
nk_segment_prepare (const NkConfig *config,
                    GError        **error)
{
  g_autoptr (NkSegmenter) seg = nk_segmenter_new ();
  g_autofree char *builtin = nk_config_find_data_file (config, "segment/abbreviations.txt",
                                                       error);
  const char *extra = nk_config_get_path (config, "abbreviations");
  g_autoptr (GError) local = NULL;

  nk_static_norms_init ();
  if (builtin == NULL)
    return NULL;
  if (!nk_segmenter_load_file (seg, builtin, &local) ||
      (extra != NULL && !nk_segmenter_load_file (seg, extra, &local)))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "%s%s",
                   extra != NULL && local->domain == G_FILE_ERROR ? "config.abbreviations: " : "",
                   local->message);
      return NULL;
    }
  g_debug ("%u abbreviation and starter entries", nk_segmenter_get_n_entries (seg));
  return g_steal_pointer (&seg);
}

static void
nk_segment_unprepare (gpointer shared)
{
  nk_segmenter_free (shared);
}

static gpointer
nk_segment_create (const NkConfig *config,
                   gpointer        shared,
                   GError        **error)
{
  static const char *const modes[] = { "all", "changed", "none" };
  const char *norm = nk_config_get_string (config, "norm");
  guint mode = 0;

  while (mode < G_N_ELEMENTS (modes) && g_strcmp0 (norm, modes[mode]) != 0)
    mode++;
  if (mode == G_N_ELEMENTS (modes))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_CONFIG,
                   "config.norm: expected \"all\", \"changed\" or \"none\", got \"%s\"",
                   norm);
      return NULL;
    }

  NkSegment *self = g_new0 (NkSegment, 1);

  self->seg = shared;
  /* Tokens are most of segment's work: skip them when no later stage or export reads them. */
  self->tokens = nk_config_get_bool (config, "tokens") && nk_config_layer_wanted (config, "tokens");
  self->norm = (NkNormMode) mode;
  self->paragraphs = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  self->sentences = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  self->toks = g_array_new (FALSE, FALSE, sizeof (NkSegToken));
  self->buf = g_string_sized_new (64);
  return self;
}

static void
nk_segment_free (gpointer data)
{
  NkSegment *self = data;

  g_array_unref (self->paragraphs);
  g_array_unref (self->sentences);
  g_array_unref (self->toks);
  g_string_free (self->buf, TRUE);
  g_free (self);
}

static void
nk_segment_fill (NkLayer *layer,
                 GArray  *spans)
{
  nk_layer_reserve (layer, spans->len);
  for (guint i = 0; i < spans->len; i++)
    {
      NkSegSpan *s = &g_array_index (spans, NkSegSpan, i);
      nk_layer_add (layer, s->start, s->end);
    }
}

static gboolean
nk_same (const GString    *norm,
         const char       *text,
         const NkSegToken *t)
{
  return norm->len == t->end - t->start && memcmp (norm->str, text + t->start, norm->len) == 0;
}

/* Every token gets its norm: a static one, a lower-cased copy, or a copy of its text. */
static void
nk_segment_norms_all (NkSegment  *self,
                      NkLayer    *layer,
                      const char *text)
{
  const NkSegToken *toks = (const NkSegToken *) (gpointer) self->toks->data;
  guint n = self->toks->len;

  for (guint i = 0; i < n; i++)
    {
      const NkSegToken *t = &toks[i];
      guint k = nk_layer_add (layer, t->start, t->end);
      const char *st = nk_static_norm ((const guchar *) text + t->start, t->end - t->start);

      if (st != NULL)
        nk_layer_set_static_string (layer, k, 0, st);
      else if (t->flags & NK_TOKEN_FLAG_NORM)
        {
          nk_segmenter_token_norm (text, t, self->buf);
          nk_layer_set_string (layer, k, 0, self->buf->str, (gssize) self->buf->len);
        }
      else
        nk_layer_set_string (layer, k, 0, text + t->start, (gssize) (t->end - t->start));
    }
}

/* "changed" and "none": a norm only where it differs from the text, or none at all. */
static void
nk_segment_norms_changed (NkSegment  *self,
                          NkLayer    *layer,
                          const char *text)
{
  for (guint i = 0; i < self->toks->len; i++)
    {
      NkSegToken *t = &g_array_index (self->toks, NkSegToken, i);
      guint k = nk_layer_add (layer, t->start, t->end);

      if (self->norm == NK_NORM_NONE || !(t->flags & NK_TOKEN_FLAG_NORM))
        continue;
      nk_segmenter_token_norm (text, t, self->buf);
      if (!nk_same (self->buf, text, t))
        nk_layer_set_string (layer, k, 0, self->buf->str, (gssize) self->buf->len);
    }
}

static void
nk_segment_tokens (NkSegment  *self,
                   NkLayer    *layer,
                   const char *text)
{
  g_array_set_size (self->toks, 0);
  nk_segmenter_tokenize_spans (self->seg, text, self->sentences, self->toks);
  nk_layer_reserve (layer, self->toks->len);
  if (self->norm == NK_NORM_ALL)
    nk_segment_norms_all (self, layer, text);
  else
    nk_segment_norms_changed (self, layer, text);
}

static gboolean
nk_segment_process (gpointer     data,
                    NkDocument  *doc,
                    GError     **error)
{
  NkSegment *self = data;
  gsize len = 0;
  const char *text = nk_document_get_text (doc, &len);

  g_array_set_size (self->paragraphs, 0);
  g_array_set_size (self->sentences, 0);
  if (text == NULL)
    text = "", len = 0;
  nk_segmenter_split (self->seg, text, len, self->paragraphs, self->sentences);

  nk_segment_fill (nk_document_add_layer (doc, &nk_paragraphs_info), self->paragraphs);
  nk_segment_fill (nk_document_add_layer (doc, &nk_sentences_info), self->sentences);
  NkLayer *tokens = nk_document_add_layer (doc, &nk_tokens_info);
  if (self->tokens)
    nk_segment_tokens (self, tokens, text);
  return TRUE;
}

static const NkStageInfo nk_segment_stage = {
  .type = "segment",
  .description = "Paragraphs, sentences and tokens (rule-based, abbreviation lexicon)",
  .kind = NK_STAGE_DOCUMENT,
  .provides = nk_segment_provides,
  .config = nk_segment_config,
  .prepare = nk_segment_prepare,
  .unprepare = nk_segment_unprepare,
  .create = nk_segment_create,
  .process = nk_segment_process,
  .free = nk_segment_free,
};

NK_PLUGIN_DEFINE_STAGE ("segment", "1.0.0", "MIT", "Paragraph, sentence and token segmentation", nk_segment_stage, "segment")
