/* nk-stance-engine.c — vocabulary, phrase patterns and the stance rules.
 *
 * Words are matched by a light stem (possessive, plural -s/-es/-ies, -ed, -ing, a final -e
 * and a doubled final consonant removed) computed in a stack buffer and looked up in an
 * open-addressing hash of stems, so "negotiations", "negotiating" and "negotiated" all hit
 * the term "negotiation", and a token costs one probe and no allocation.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-engine.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (nk-stance-error-quark, nk_stance_error)

#define NK_STANCE_MAX_PHRASE 6
#define NK_STANCE_MAX_WORD   64

/* ---- labels and kinds ---------------------------------------------------------------- */

const char *
nk_stance_label_to_string (NkStanceLabel label)
{
  switch (label)
    {
    case NK_STANCE_FAVOR:   return "favor";
    case NK_STANCE_AGAINST: return "against";
    case NK_STANCE_NEUTRAL:
    default:                return "neutral";
    }
}

static const char *const nk_stance_kind_names[NK_STANCE_N_KINDS] = {
  "term", "favor", "against", "negator", "contrast", "concessive", "hedge", "booster",
  "report", "negclause", "irrealis", "skip",
};

const char *
nk_stance_kind_to_string (NkStanceKind kind)
{
  g_return_val_if_fail (kind < NK_STANCE_N_KINDS, "unknown");
  return nk_stance_kind_names[kind];
}

static gboolean
nk_stance_kind_from_string (const char *s, gsize len, NkStanceKind *kind)
{
  for (guint k = 0; k < NK_STANCE_N_KINDS; k++)
    if (strlen (nk_stance_kind_names[k]) == len && memcmp (nk_stance_kind_names[k], s, len) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

void
nk_stance_params_init (NkStanceParams *p)
{
  p->negation_window = 4;
  p->other_clause_weight = 0.7;
  p->contrast_before = 0.5;
  p->contrast_after = 1.5;
  p->concessive_weight = 0.5;
  p->concessive_main = 1.5;
  p->negated_term = 0.6;
  p->hedge_factor = 0.6;
  p->negated_against = 0.7;
  p->booster_factor = 1.3;
  p->sentiment_weight = 0.3;
  p->sentiment_floor = 0.3;
  p->threshold = 0.3;
  p->irrealis_factor = 0.4;
  p->context_weight = 0.8;
}

/* ---- model ------------------------------------------------------------------------- */

typedef struct {
  const char *key;    /* in the model's string chunk */
  guint32     len;
  guint32     hash;
  gint32      word;   /* -1 = empty slot */
} NkVocabSlot;

typedef struct {
  gint32  words[NK_STANCE_MAX_PHRASE];
  guint8  n_words;
  guint8  exact;      /* words match exact forms, not stems (function words) */
  guint8  kind;
  gint16  target;     /* -1 for general patterns */
  float   weight;
  gint32  next;       /* next pattern with the same first word, -1 ends */
} NkPattern;

typedef struct {
  char     *id;
  gboolean  document_context;
} NkTarget;

struct _NkStanceModel {
  NkStanceParams params;
  GStringChunk  *strings;
  NkVocabSlot   *slots;
  guint          n_slots;   /* power of two */
  guint          n_words;
  GArray        *first_pattern;  /* gint32 per word */
  GArray        *starts;         /* guint8 per word: NK_STARTS_* of the patterns it begins */
  GArray        *patterns;       /* NkPattern */
  GPtrArray     *targets;        /* NkTarget * */
};

static void
nk_target_free (gpointer p)
{
  NkTarget *t = p;
  g_free (t->id);
  g_free (t);
}

NkStanceModel *
nk_stance_model_new (const NkStanceParams *params)
{
  NkStanceModel *m = g_new0 (NkStanceModel, 1);
  if (params != NULL)
    m->params = *params;
  else
    nk_stance_params_init (&m->params);
  m->strings = g_string_chunk_new (4096);
  m->n_slots = 1024;
  m->slots = g_new (NkVocabSlot, m->n_slots);
  for (guint i = 0; i < m->n_slots; i++)
    m->slots[i].word = -1;
  m->first_pattern = g_array_new (FALSE, FALSE, sizeof (gint32));
  m->starts = g_array_new (FALSE, TRUE, sizeof (guint8));
  m->patterns = g_array_new (FALSE, FALSE, sizeof (NkPattern));
  m->targets = g_ptr_array_new_with_free_func (nk_target_free);
  return m;
}

void
nk_stance_model_free (NkStanceModel *m)
{
  if (m == NULL)
    return;
  g_string_chunk_free (m->strings);
  g_free (m->slots);
  g_array_unref (m->first_pattern);
  g_array_unref (m->starts);
  g_array_unref (m->patterns);
  g_ptr_array_unref (m->targets);
  g_free (m);
}

guint
nk_stance_model_get_n_targets (const NkStanceModel *m)
{
  return m->targets->len;
}

const char *
nk_stance_model_get_target_id (const NkStanceModel *m, guint target)
{
  g_return_val_if_fail (target < m->targets->len, NULL);
  return ((NkTarget *) g_ptr_array_index (m->targets, target))->id;
}

void
nk_stance_model_set_document_context (NkStanceModel *m, guint target, gboolean document_context)
{
  g_return_if_fail (target < m->targets->len);
  ((NkTarget *) g_ptr_array_index (m->targets, target))->document_context = document_context;
}

gboolean
nk_stance_model_get_document_context (const NkStanceModel *m, guint target)
{
  g_return_val_if_fail (target < m->targets->len, FALSE);
  return ((NkTarget *) g_ptr_array_index (m->targets, target))->document_context;
}

const NkStanceParams *
nk_stance_model_get_params (const NkStanceModel *m)
{
  return &m->params;
}

#define NK_FNV_BASIS 2166136261u   /* FNV-1a */
#define NK_FNV_STEP(h, c) (((h) ^ (guint8) (c)) * 16777619u)

static guint32
nk_hash_bytes (const char *s, gsize len)
{
  guint32 h = NK_FNV_BASIS;
  for (gsize i = 0; i < len; i++)
    h = NK_FNV_STEP (h, s[i]);
  return h;
}

static gint32
nk_vocab_lookup_hashed (const NkStanceModel *m, guint32 h, const char *s, gsize len)
{
  guint mask = m->n_slots - 1;
  for (guint i = h & mask;; i = (i + 1) & mask)
    {
      const NkVocabSlot *slot = &m->slots[i];
      if (slot->word < 0)
        return -1;
      if (slot->hash == h && slot->len == len && memcmp (slot->key, s, len) == 0)
        return slot->word;
    }
}

static gint32
nk_vocab_lookup (const NkStanceModel *m, const char *s, gsize len)
{
  return nk_vocab_lookup_hashed (m, nk_hash_bytes (s, len), s, len);
}

static void
nk_vocab_insert_slot (NkVocabSlot *slots, guint n_slots, const NkVocabSlot *entry)
{
  guint mask = n_slots - 1;
  guint i = entry->hash & mask;
  while (slots[i].word >= 0)
    i = (i + 1) & mask;
  slots[i] = *entry;
}

static void
nk_vocab_grow (NkStanceModel *m)
{
  guint n = m->n_slots * 2;
  NkVocabSlot *slots = g_new (NkVocabSlot, n);
  for (guint i = 0; i < n; i++)
    slots[i].word = -1;
  for (guint i = 0; i < m->n_slots; i++)
    if (m->slots[i].word >= 0)
      nk_vocab_insert_slot (slots, n, &m->slots[i]);
  g_free (m->slots);
  m->slots = slots;
  m->n_slots = n;
}

static gint32
nk_vocab_intern (NkStanceModel *m, const char *s, gsize len)
{
  gint32 word = nk_vocab_lookup (m, s, len);
  if (word >= 0)
    return word;
  if ((m->n_words + 1) * 2 > m->n_slots)
    nk_vocab_grow (m);
  NkVocabSlot entry = {
    g_string_chunk_insert_len (m->strings, s, len), (guint32) len,
    nk_hash_bytes (s, len), (gint32) m->n_words++,
  };
  nk_vocab_insert_slot (m->slots, m->n_slots, &entry);
  gint32 none = -1;
  g_array_append_val (m->first_pattern, none);
  g_array_set_size (m->starts, m->n_words);
  return entry.word;
}

enum {
  NK_STARTS_TERM = 1 << 0,     /* the word may begin a target term */
  NK_STARTS_REPORT = 1 << 1,   /* ... or a reporting verb */
};

/* ---- tokens and stems ------------------------------------------------------------- */

typedef enum {
  NK_TOK_WORD,
  NK_TOK_COMMA,
  NK_TOK_BOUNDARY,   /* ; : ( ) dashes: a clause edge */
  NK_TOK_QUOTE,
  NK_TOK_OTHER,
} NkTokType;

enum {
  NK_TOK_CAP = 1 << 0,   /* first letter upper case */
};

typedef struct {
  guint32 start;
  guint32 end;
  gint32  exact;  /* vocabulary id of the lower-cased word, -1 if unknown */
  gint32  stem;   /* vocabulary id of its stem, -1 if unknown */
  guint8  type;
  guint8  flags;
} NkToken;

static gboolean
nk_is_vowel (char c)
{
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static gboolean
nk_has_vowel (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (nk_is_vowel (s[i]))
      return TRUE;
  return FALSE;
}

static gboolean
nk_ends_with (const char *s, gsize len, const char *suffix)
{
  gsize n = strlen (suffix);
  return len >= n && memcmp (s + len - n, suffix, n) == 0;
}

/* The light stem, in place; returns the new length. Both the lexicon and the text go
 * through it, so it only has to be consistent, not linguistically exact. */
static gsize
nk_stem (char *s, gsize len)
{
  if (nk_ends_with (s, len, "'s") && len > 3)
    len -= 2;
  else if (len > 2 && s[len - 1] == '\'')
    len--;

  if (len > 4 && nk_ends_with (s, len, "ies"))
    {
      len -= 2;
      s[len - 1] = 'y';
    }
  else if (len > 4 && nk_ends_with (s, len, "sses"))
    len -= 2;
  else if (len > 4 && (nk_ends_with (s, len, "ches") || nk_ends_with (s, len, "shes")
                       || nk_ends_with (s, len, "xes") || nk_ends_with (s, len, "zes")))
    len -= 2;
  else if (len > 3 && s[len - 1] == 's' && s[len - 2] != 's' && s[len - 2] != 'u'
           && s[len - 2] != 'i')
    len--;

  if (len > 4 && nk_ends_with (s, len, "ied"))
    {
      len -= 2;
      s[len - 1] = 'y';
    }
  else if (len > 4 && nk_ends_with (s, len, "ed") && nk_has_vowel (s, len - 2))
    len -= 2;
  else if (len > 5 && nk_ends_with (s, len, "ing") && nk_has_vowel (s, len - 3))
    len -= 3;

  while (len > 3 && s[len - 1] == 'e')
    len--;   /* all of them: "agree", "agreed", "agreeing" -> "agr" */
  if (len > 3 && s[len - 1] == s[len - 2] && !nk_is_vowel (s[len - 1]))
    len--;
  return len;
}

/* FALSE when nk_stem () surely returns @len unchanged, for a word of ASCII letters and
 * digits: every rule needs more than 3 bytes and a last byte s, d (-ed), g (-ing) or e,
 * or a doubled last letter. Most words fail this test, and it is far cheaper. */
static inline gboolean
nk_stem_may_change (const char *s, gsize len)
{
  if (len <= 3)
    return FALSE;
  char last = s[len - 1];
  return last == 's' || last == 'd' || last == 'g' || last == 'e' || last == s[len - 2];
}

static gboolean
nk_is_word_byte (guchar c)
{
  return g_ascii_isalnum (c);
}

/* Length of the UTF-8 apostrophe at p (' or U+2019), 0 if none. */
static gsize
nk_apostrophe_len (const char *p, const char *end)
{
  if (p < end && *p == '\'')
    return 1;
  if (end - p >= 3 && (guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0x99)
    return 3;
  return 0;
}

/* Classifies the non-ASCII character at p; returns its length and sets type and is_word. */
static gsize
nk_classify_utf8 (const char *p, const char *end, NkTokType *type, gboolean *is_word)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);
  *is_word = FALSE;
  *type = NK_TOK_OTHER;
  if (c == (gunichar) -1 || c == (gunichar) -2)
    return 1;
  if (c == 0x2014 || c == 0x2013)
    *type = NK_TOK_BOUNDARY;
  else if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019)
    *type = NK_TOK_QUOTE;
  else if (g_unichar_isalnum (c))
    *is_word = TRUE;
  return g_utf8_next_char (p) - p;
}

static NkTokType
nk_ascii_punct_type (char c)
{
  switch (c)
    {
    case ',': return NK_TOK_COMMA;
    case ';': case ':': case '(': case ')': return NK_TOK_BOUNDARY;
    case '"': return NK_TOK_QUOTE;
    default: return NK_TOK_OTHER;
    }
}

/* Copies the word [p, q) lower-cased into buf (U+2019 as '; "doesn't", "won't" as "not");
 * returns its length, 0 if it does not fit. */
static gsize
nk_normalize (const char *p, const char *q, char buf[NK_STANCE_MAX_WORD])
{
  gsize n = 0;
  if (q - p >= NK_STANCE_MAX_WORD)
    return 0;
  while (p < q)
    {
      guchar c = *p;
      if (c >= 'A' && c <= 'Z')
        buf[n++] = (char) (c + ('a' - 'A')), p++;   /* the hot path: no calls */
      else if (c < 0x80 && c != '\'')
        buf[n++] = (char) c, p++;
      else
        {
          gsize a = nk_apostrophe_len (p, q);
          buf[n++] = a > 0 ? '\'' : (char) c;
          p += a > 0 ? a : 1;
        }
    }
  if (n > 3 && nk_ends_with (buf, n, "n't"))
    {
      memcpy (buf, "not", 3);   /* a negation, whatever the verb */
      n = 3;
    }
  return n;
}

/* Vocabulary ids of the word [p, q): its exact form and its stem. */
static void
nk_word_ids (const NkStanceModel *m, const char *p, const char *q, gint32 *exact,
             gint32 *stem)
{
  char buf[NK_STANCE_MAX_WORD];
  gsize n = nk_normalize (p, q, buf);
  *exact = *stem = -1;
  if (n == 0)
    return;
  *exact = nk_vocab_lookup (m, buf, n);
  gsize k = nk_stem (buf, n);
  *stem = k == n ? *exact : nk_vocab_lookup (m, buf, k);
}

/* End of the word starting at p: letters/digits, with inner apostrophes and inner dots
 * ("U.S") kept; hyphens end a word without ending the phrase. */
static const char *
nk_word_end (const char *p, const char *end)
{
  const char *q = p;
  while (q < end)
    {
      guchar c = *q;
      if (nk_is_word_byte (c))
        {
          q++;
          continue;
        }
      if (c >= 0x80)
        {
          NkTokType t;
          gboolean is_word;
          gsize a = nk_apostrophe_len (q, end);
          if (a > 0 && q + a < end && nk_is_word_byte (q[a]))
            {
              q += a;
              continue;
            }
          gsize l = nk_classify_utf8 (q, end, &t, &is_word);
          if (!is_word)
            break;
          q += l;
          continue;
        }
      if ((c == '\'' || c == '.') && q + 1 < end && g_ascii_isalpha (q[1]))
        {
          q++;
          continue;
        }
      break;
    }
  return q;
}

typedef void (*NkTokenFunc) (const char *p, const char *q, NkTokType type, gpointer data);

/* Passes the token starting at p (if any: spaces and hyphens are none) to @func; returns
 * where the next one may start. */
static const char *
nk_tokenize_one (const char *p, const char *end, NkTokenFunc func, gpointer data)
{
  guchar c = *p;
  NkTokType type = NK_TOK_OTHER;
  gboolean is_word = nk_is_word_byte (c);
  gsize l = 1;
  if (c >= 0x80)
    l = nk_classify_utf8 (p, end, &type, &is_word);
  else if (!is_word)
    type = nk_ascii_punct_type (c);
  if (is_word)
    {
      const char *q = nk_word_end (p, end);
      func (p, q, NK_TOK_WORD, data);
      return q;
    }
  if (!g_ascii_isspace (c) && c != '-')
    func (p, p + l, type, data);
  return p + l;
}

static void
nk_tokenize (const char *text, gsize start, gsize end_off, NkTokenFunc func, gpointer data)
{
  const char *p = text + start, *end = text + end_off;
  while (p < end)
    p = nk_tokenize_one (p, end, func, data);
}

/* ---- building patterns ------------------------------------------------------------ */

typedef struct {
  NkStanceModel *model;
  gboolean       exact;
  gint32         words[NK_STANCE_MAX_PHRASE];
  guint          n;
  gboolean       overflow;
  gboolean       punct;
} NkPhraseBuild;

static void
nk_phrase_token (const char *p, const char *q, NkTokType type, gpointer data)
{
  NkPhraseBuild *b = data;
  if (type != NK_TOK_WORD)
    {
      /* dots and the like are skipped in text too ("U.S. sanctions"); a comma, colon or
       * quote inside one phrase is almost surely two phrases written as one */
      b->punct |= type != NK_TOK_OTHER;
      return;
    }
  if (b->n == NK_STANCE_MAX_PHRASE || q - p >= NK_STANCE_MAX_WORD)
    {
      b->overflow = TRUE;
      return;
    }
  char buf[NK_STANCE_MAX_WORD];
  gsize n = nk_normalize (p, q, buf);
  if (!b->exact)
    n = nk_stem (buf, n);
  b->words[b->n++] = nk_vocab_intern (b->model, buf, n);
}

gboolean
nk_stance_model_add_phrase (NkStanceModel *m,
                            NkStanceKind   kind,
                            int            target,
                            double         weight,
                            const char    *phrase,
                            const char    *where,
                            GError       **error)
{
  /* Function words and reporting verbs match exactly ("noted" must not stem to "not",
   * "stated" not match "State"); mentions and cues match through their stems. */
  gboolean exact = kind == NK_STANCE_KIND_NEGATOR || kind == NK_STANCE_KIND_NEGCLAUSE
                   || kind == NK_STANCE_KIND_REPORT || kind == NK_STANCE_KIND_CONTRAST
                   || kind == NK_STANCE_KIND_CONCESSIVE || kind == NK_STANCE_KIND_HEDGE
                   || kind == NK_STANCE_KIND_BOOSTER;
  NkPhraseBuild b = { m, exact, { 0 }, 0, FALSE, FALSE };
  nk_tokenize (phrase, 0, strlen (phrase), nk_phrase_token, &b);
  if (b.overflow)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" is too long (at most %d words of %d bytes)",
                   where, phrase, NK_STANCE_MAX_PHRASE, NK_STANCE_MAX_WORD - 1);
      return FALSE;
    }
  if (b.n == 0)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" has no words", where, phrase);
      return FALSE;
    }
  if (b.punct)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" holds a comma, colon, dash or quote: list each phrase "
                   "as its own string", where, phrase);
      return FALSE;
    }
  NkPattern pat = { { 0 }, (guint8) b.n, (guint8) exact, (guint8) kind, (gint16) target,
                    (float) weight, -1 };
  memcpy (pat.words, b.words, sizeof b.words);
  gint32 *first = &g_array_index (m->first_pattern, gint32, b.words[0]);
  if (kind == NK_STANCE_KIND_TERM || kind == NK_STANCE_KIND_REPORT)
    g_array_index (m->starts, guint8, b.words[0]) |=
      kind == NK_STANCE_KIND_TERM ? NK_STARTS_TERM : NK_STARTS_REPORT;
  pat.next = *first;
  *first = (gint32) m->patterns->len;
  g_array_append_val (m->patterns, pat);
  return TRUE;
}

static gboolean
nk_parse_cue_line (NkStanceModel *m, char *line, const char *where, guint lineno,
                   GError **error)
{
  g_autofree char *loc = g_strdup_printf ("%s:%u", where, lineno);
  char *s = g_strstrip (line);
  if (*s == '\0' || *s == '#')
    return TRUE;
  char *sp = s + strcspn (s, " \t");
  NkStanceKind kind;
  if (!nk_stance_kind_from_string (s, sp - s, &kind) || kind == NK_STANCE_KIND_TERM)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX,
                   "%s: unknown kind \"%.*s\" (expected favor, against, negator, negclause, "
                   "contrast, concessive, hedge, booster, irrealis, report or skip)", loc, (int) (sp - s), s);
      return FALSE;
    }
  s = sp + strspn (sp, " \t");
  double weight = 1.0;
  char *num_end = NULL;
  double w = g_ascii_strtod (s, &num_end);
  if (num_end != s && num_end != NULL && (*num_end == ' ' || *num_end == '\t'))
    {
      if (!(w >= 0 && w <= 4))
        {
          g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX,
                       "%s: weight %g is outside [0, 4]", loc, w);
          return FALSE;
        }
      weight = w;
      s = num_end + strspn (num_end, " \t");
    }
  if (*s == '\0')
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX, "%s: no phrase", loc);
      return FALSE;
    }
  return nk_stance_model_add_phrase (m, kind, -1, weight, s, loc, error);
}

gboolean
nk_stance_model_load_cues (NkStanceModel *m, const char *data, gsize len,
                           const char *where, GError **error)
{
  g_autofree char *copy = g_strndup (data, len);
  g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!nk_parse_cue_line (m, lines[i], where, i + 1, error))
      return FALSE;
  return TRUE;
}

static gboolean
nk_add_phrases (NkStanceModel *m, NkStanceKind kind, int target, const char *const *list,
                const char *where, const char *key, GError **error)
{
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      g_autofree char *loc = g_strdup_printf ("%s.%s[%u]", where, key, i);
      if (!nk_stance_model_add_phrase (m, kind, target, 1.0, list[i], loc, error))
        return FALSE;
    }
  return TRUE;
}

int
nk_stance_model_add_target (NkStanceModel     *m,
                            const char        *id,
                            const char *const *terms,
                            const char *const *favor_cues,
                            const char *const *against_cues,
                            const char        *where,
                            GError           **error)
{
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.id: a target needs a non-empty id", where);
      return -1;
    }
  for (guint i = 0; i < m->targets->len; i++)
    if (g_str_equal (nk_stance_model_get_target_id (m, i), id))
      {
        g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                     "%s.id: target \"%s\" is defined twice", where, id);
        return -1;
      }
  if (terms == NULL || terms[0] == NULL)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.terms: target \"%s\" needs at least one term", where, id);
      return -1;
    }
  int t = (int) m->targets->len;
  if (t >= G_MAXINT16)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG, "%s: too many targets",
                   where);
      return -1;
    }
  if (!nk_add_phrases (m, NK_STANCE_KIND_TERM, t, terms, where, "terms", error)
      || !nk_add_phrases (m, NK_STANCE_KIND_FAVOR, t, favor_cues, where, "favor_cues", error)
      || !nk_add_phrases (m, NK_STANCE_KIND_AGAINST, t, against_cues, where, "against_cues",
                          error))
    return -1;
  NkTarget *target = g_new0 (NkTarget, 1);
  target->id = g_strdup (id);
  g_ptr_array_add (m->targets, target);
  return t;
}

/* ---- analysis --------------------------------------------------------------------- */

typedef struct {
  guint32 tok;       /* first token */
  guint16 n_tok;
  guint8  kind;
  gint16  target;
  float   weight;
} NkHit;

struct _NkStanceScratch {
  GArray *tokens;     /* NkToken */
  GArray *hits;       /* NkHit */
  GArray *tok_weight; /* double per token: contrast/concessive weighting */
  GArray *tok_clause; /* guint per token: clause number */
  GArray *results;    /* NkStanceResult */
  GArray *evidence;   /* NkStanceEvidence */
  GArray *negated_by; /* gint per hit: the negator hit flipping a cue, -1 */
  GArray *in_target;  /* gboolean per clause */
  GArray *neg_used;   /* guint8 per hit: NK_NEG_* flags of a negator */
  GArray *mentioned;  /* gboolean per target: named earlier in this document */
};

NkStanceScratch *
nk_stance_scratch_new (void)
{
  NkStanceScratch *s = g_new0 (NkStanceScratch, 1);
  s->tokens = g_array_sized_new (FALSE, FALSE, sizeof (NkToken), 128);
  s->hits = g_array_sized_new (FALSE, FALSE, sizeof (NkHit), 32);
  s->tok_weight = g_array_sized_new (FALSE, FALSE, sizeof (double), 128);
  s->tok_clause = g_array_sized_new (FALSE, FALSE, sizeof (guint), 128);
  s->results = g_array_sized_new (FALSE, FALSE, sizeof (NkStanceResult), 8);
  s->evidence = g_array_sized_new (FALSE, FALSE, sizeof (NkStanceEvidence), 32);
  s->negated_by = g_array_sized_new (FALSE, FALSE, sizeof (gint), 32);
  s->in_target = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 16);
  s->neg_used = g_array_sized_new (FALSE, FALSE, sizeof (guint8), 32);
  s->mentioned = g_array_sized_new (TRUE, TRUE, sizeof (gboolean), 8);
  return s;
}

void
nk_stance_scratch_free (NkStanceScratch *s)
{
  if (s == NULL)
    return;
  g_array_unref (s->tokens);
  g_array_unref (s->hits);
  g_array_unref (s->tok_weight);
  g_array_unref (s->tok_clause);
  g_array_unref (s->results);
  g_array_unref (s->evidence);
  g_array_unref (s->negated_by);
  g_array_unref (s->in_target);
  g_array_unref (s->neg_used);
  g_array_unref (s->mentioned);
  g_free (s);
}

void
nk_stance_scratch_begin_document (NkStanceScratch *s)
{
  g_array_set_size (s->mentioned, 0);
}

static gboolean
nk_mentioned_before (const NkStanceScratch *s, guint target)
{
  return target < s->mentioned->len && g_array_index (s->mentioned, gboolean, target);
}

static void
nk_set_mentioned (NkStanceScratch *s, guint target)
{
  if (target >= s->mentioned->len)
    g_array_set_size (s->mentioned, target + 1);   /* zero-terminated and cleared */
  g_array_index (s->mentioned, gboolean, target) = TRUE;
}

const NkStanceResult *
nk_stance_scratch_get_results (const NkStanceScratch *s, guint *n)
{
  *n = s->results->len;
  return (const NkStanceResult *) s->results->data;
}

const NkStanceEvidence *
nk_stance_scratch_get_evidence (const NkStanceScratch *s, guint *n)
{
  *n = s->evidence->len;
  return (const NkStanceEvidence *) s->evidence->data;
}

typedef struct {
  const NkStanceModel *model;
  NkStanceScratch     *scratch;
  const char          *text;
  guint8               starts;   /* NK_STARTS_* of the words seen */
  guint                n_tokens;
} NkTokenizeCtx;

static NkToken *
nk_push_token (NkTokenizeCtx *c, const char *p, const char *q, NkTokType type)
{
  GArray *tokens = c->scratch->tokens;
  if (c->n_tokens == tokens->len)
    g_array_set_size (tokens, tokens->len * 2 + 64);   /* room; the count is c->n_tokens */
  NkToken *tok = &g_array_index (tokens, NkToken, c->n_tokens++);
  *tok = (NkToken) { (guint32) (p - c->text), (guint32) (q - c->text), -1, -1, (guint8) type, 0 };
  return tok;
}

/* After the word's ids are set: what patterns it may start, and its capital. */
static void
nk_finish_word (NkTokenizeCtx *c, NkToken *tok, const char *p)
{
  if (tok->stem >= 0)
    c->starts |= g_array_index (c->model->starts, guint8, tok->stem);
  if ((guchar) *p < 0x80 ? g_ascii_isupper (*p) : g_unichar_isupper (g_utf8_get_char (p)))
    tok->flags |= NK_TOK_CAP;
}

static void
nk_text_token (const char *p, const char *q, NkTokType type, gpointer data)
{
  NkTokenizeCtx *c = data;
  NkToken *tok = nk_push_token (c, p, q, type);
  if (type == NK_TOK_WORD)
    {
      nk_word_ids (c->model, p, q, &tok->exact, &tok->stem);
      nk_finish_word (c, tok, p);
    }
}

/* ASCII letters and digits lower-cased, 0 for every other byte (0x80 and up left zero):
 * the word loop's only table, a constant so that its stores cannot alias it. */
static const guchar nk_word_lower[256] = {
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
   48,  49,  50,  51,  52,  53,  54,  55,  56,  57,   0,   0,   0,   0,   0,   0,
    0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
  112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
    0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
  112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
};

/* The common word in one pass: ASCII letters and digits up to an ASCII byte that does not
 * continue it (nk_word_end's inner ' and . do), lower-cased and hashed on the way — the
 * same ids as nk_word_ids. Returns the word's end, or NULL for the general path. */
static const char *
nk_text_ascii_word (NkTokenizeCtx *c, const char *p, const char *end)
{
  char buf[NK_STANCE_MAX_WORD];
  guint32 h = NK_FNV_BASIS;
  /* at most NK_STANCE_MAX_WORD - 1 bytes: a longer word is rejected below, as
   * nk_normalize rejects it, so the loop needs no length test of its own */
  const char *limit = end - p > NK_STANCE_MAX_WORD - 1 ? p + NK_STANCE_MAX_WORD - 1 : end;
  const char *q = p;
  char *b = buf;
  guchar ch;
  for (; q < limit && (ch = nk_word_lower[(guchar) *q]) != 0; q++)
    {
      *b++ = (char) ch;
      h = NK_FNV_STEP (h, ch);
    }
  if (q < end && (nk_word_lower[(guchar) *q] != 0 || (guchar) *q >= 0x80
                  || ((*q == '\'' || *q == '.') && q + 1 < end && g_ascii_isalpha (q[1]))))
    return NULL;   /* too long, or not plain ASCII: the general path */
  gsize n = (gsize) (b - buf);
  NkToken *tok = nk_push_token (c, p, q, NK_TOK_WORD);
  tok->exact = nk_vocab_lookup_hashed (c->model, h, buf, n);
  gsize k = nk_stem_may_change (buf, n) ? nk_stem (buf, n) : n;
  tok->stem = k == n ? tok->exact : nk_vocab_lookup (c->model, buf, k);
  nk_finish_word (c, tok, p);
  return q;
}

static void
nk_tokenize_text (NkTokenizeCtx *c, gsize start, gsize end_off)
{
  const char *p = c->text + start, *end = c->text + end_off;
  while (p < end)
    {
      if (*p == ' ')
        {
          p++;   /* the most common byte: no token */
          continue;
        }
      const char *q = g_ascii_isalnum (*p) ? nk_text_ascii_word (c, p, end) : NULL;
      p = q != NULL ? q : nk_tokenize_one (p, end, nk_text_token, c);
    }
}

/* The number of tokens the pattern spans from token @i, 0 if it does not match there.
 * Dots and other minor punctuation between its words are skipped ("Mr. Kim"). */
static guint
nk_pattern_matches (const NkPattern *pat, const NkToken *toks, guint n_toks, guint i)
{
  guint j = i;
  for (guint k = 0; k < pat->n_words; k++, j++)
    {
      while (k > 0 && j < n_toks && toks[j].type == NK_TOK_OTHER)
        j++;
      if (j >= n_toks)
        return 0;
      const NkToken *t = &toks[j];
      if (t->type != NK_TOK_WORD || (pat->exact ? t->exact : t->stem) != pat->words[k])
        return 0;
    }
  return j - i;
}

/* Matches the patterns listed under vocabulary word @head at token @i: annotations
 * (mentions, reporting verbs, target cues) are added at once; the longest general
 * cue/function pattern is kept in *best. */
static void
nk_match_under (const NkStanceModel *m, NkStanceScratch *s, gint32 head, guint i,
                gboolean blocked, const NkPattern **best, guint *best_len)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  const NkPattern *pats = (const NkPattern *) m->patterns->data;
  if (head < 0)
    return;
  for (gint32 p = g_array_index (m->first_pattern, gint32, head); p >= 0; p = pats[p].next)
    {
      guint len = nk_pattern_matches (&pats[p], toks, s->tokens->len, i);
      if (len == 0)
        continue;
      if (pats[p].kind == NK_STANCE_KIND_TERM || pats[p].kind == NK_STANCE_KIND_REPORT
          || pats[p].target >= 0)
        {
          /* Mentions and reporting verbs never compete with cues ("warned" is both a
           * report and an against cue); a target's own cues compete only when that
           * target is scored (nk_overridden). */
          NkHit h = { i, (guint16) len, pats[p].kind, pats[p].target, pats[p].weight };
          g_array_append_val (s->hits, h);
        }
      else if (!blocked && len > *best_len)
        {
          *best = &pats[p];
          *best_len = len;
        }
    }
}

/* Finds every term, reporting verb and target cue and, longest first, the general
 * cue/function patterns. Patterns start under the first word's exact form or its stem. */
static void
nk_find_hits (const NkStanceModel *m, NkStanceScratch *s)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  guint blocked_until = 0;
  g_array_set_size (s->hits, 0);
  for (guint i = 0; i < s->tokens->len; i++)
    {
      const NkPattern *best = NULL;
      guint best_len = 0;
      if (toks[i].exact < 0 && toks[i].stem < 0)
        continue;   /* most words: not in the vocabulary, so no pattern starts here */
      gboolean blocked = i < blocked_until;
      nk_match_under (m, s, toks[i].exact, i, blocked, &best, &best_len);
      if (toks[i].stem != toks[i].exact)
        nk_match_under (m, s, toks[i].stem, i, blocked, &best, &best_len);
      if (best != NULL)
        {
          NkHit h = { i, (guint16) best_len, best->kind, best->target, best->weight };
          g_array_append_val (s->hits, h);
          blocked_until = i + best_len;
        }
    }
}

static void
nk_scale_tokens (NkStanceScratch *s, guint from, guint to, double factor)
{
  double *w = (double *) s->tok_weight->data;
  for (guint i = from; i < to && i < s->tok_weight->len; i++)
    w[i] *= factor;
}

/* Contrast: the clause after the last but/however counts more, the part before it less.
 * Concessive: the clause an although/despite opens (to the next comma or edge) counts less.
 * Clause numbers change at contrast markers, concessive edges and ; : ( ) dashes. */
static void
nk_weight_clauses (const NkStanceParams *prm, NkStanceScratch *s, gboolean *contrast)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  guint n = s->tokens->len;
  const NkHit *hits = (const NkHit *) s->hits->data;
  g_array_set_size (s->tok_weight, n);
  g_array_set_size (s->tok_clause, n);
  for (guint i = 0; i < n; i++)
    g_array_index (s->tok_weight, double, i) = 1.0;
  guint *clause = (guint *) s->tok_clause->data;
  memset (clause, 0, n * sizeof (guint));
  gint last_contrast = -1;
  *contrast = FALSE;
  for (guint h = 0; h < s->hits->len; h++)
    {
      if (hits[h].kind == NK_STANCE_KIND_CONTRAST)
        last_contrast = (gint) hits[h].tok;
      else if (hits[h].kind == NK_STANCE_KIND_CONCESSIVE)
        {
          guint e = hits[h].tok + hits[h].n_tok;
          while (e < n && toks[e].type != NK_TOK_COMMA && toks[e].type != NK_TOK_BOUNDARY)
            e++;
          nk_scale_tokens (s, 0, hits[h].tok, prm->concessive_main);
          nk_scale_tokens (s, hits[h].tok, e, prm->concessive_weight);
          nk_scale_tokens (s, e, n, prm->concessive_main);
          for (guint i = e; i < n; i++)
            clause[i]++;
          for (guint i = hits[h].tok; i < n; i++)
            clause[i]++;
        }
    }
  if (last_contrast >= 0)
    {
      *contrast = TRUE;
      nk_scale_tokens (s, 0, last_contrast, prm->contrast_before);
      nk_scale_tokens (s, last_contrast, n, prm->contrast_after);
      for (guint i = last_contrast; i < n; i++)
        clause[i]++;
    }
  guint extra = 0;
  for (guint i = 0; i < n; i++)
    {
      if (toks[i].type == NK_TOK_BOUNDARY)
        extra++;
      clause[i] += extra;
    }
}

static gboolean
nk_is_negator (NkStanceKind kind)
{
  return kind == NK_STANCE_KIND_NEGATOR || kind == NK_STANCE_KIND_NEGCLAUSE;
}

static gboolean
nk_is_cue (NkStanceKind kind)
{
  return kind == NK_STANCE_KIND_FAVOR || kind == NK_STANCE_KIND_AGAINST
         || kind == NK_STANCE_KIND_IRREALIS;
}

/* Whether hit @h is within the reach of negator hit @n: same clause, no comma between,
 * fewer than negation_window words between (any number for a negclause). */
static gboolean
nk_in_negation_scope (const NkStanceParams *prm, const NkStanceScratch *s, guint n, guint h)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  const guint *clause = (const guint *) s->tok_clause->data;
  const NkToken *toks = (const NkToken *) s->tokens->data;
  guint n_end = hits[n].tok + hits[n].n_tok;
  if (n_end > hits[h].tok || clause[hits[n].tok] != clause[hits[h].tok])
    return FALSE;
  guint words = 0;
  for (guint i = n_end; i < hits[h].tok; i++)
    if (toks[i].type == NK_TOK_COMMA)
      return FALSE;
    else if (toks[i].type == NK_TOK_WORD)
      words++;
  return hits[n].kind == NK_STANCE_KIND_NEGCLAUSE || words < prm->negation_window;
}

/* For each cue (and negator) hit, the negator hit that flips (cancels) it. */
static void
nk_find_negations (const NkStanceParams *prm, NkStanceScratch *s)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  g_array_set_size (s->negated_by, s->hits->len);
  gint *neg = (gint *) s->negated_by->data;
  gint last_neg = -1;
  for (guint h = 0; h < s->hits->len; h++)
    {
      neg[h] = -1;
      gboolean is_neg = nk_is_negator (hits[h].kind);
      if (!is_neg && !nk_is_cue (hits[h].kind))
        continue;
      if (last_neg >= 0 && nk_in_negation_scope (prm, s, last_neg, h))
        {
          /* a cue is flipped; a second negator cancels the first ("not without") */
          neg[h] = last_neg;
          if (is_neg)
            {
              last_neg = -1;
              continue;
            }
        }
      if (is_neg)
        last_neg = (gint) h;
    }
}

static void
nk_add_evidence (NkStanceScratch *s, const NkHit *h, gboolean negated, double contribution)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  NkStanceEvidence ev = {
    toks[h->tok].start, toks[h->tok + h->n_tok - 1].end, h->kind, negated, contribution,
  };
  g_array_append_val (s->evidence, ev);
}

/* Booster right before a cue (one or two words back). */
static gboolean
nk_is_boosted (const NkStanceScratch *s, guint h)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  for (guint k = h; k-- > 0;)
    {
      if (hits[h].tok - (hits[k].tok + hits[k].n_tok) > 1)
        return FALSE;
      if (hits[k].kind == NK_STANCE_KIND_BOOSTER)
        return TRUE;
    }
  return FALSE;
}

enum {
  NK_NEG_FLIPS = 1 << 0,          /* flips at least one cue */
  NK_NEG_STRENGTH_USED = 1 << 1,  /* its weight already lifted a flipped cue */
};

/* Whether an irrealis marker ("in hopes of", "must", "aimed at") precedes hit @h in its
 * clause with no comma between. */
static gboolean
nk_after_irrealis (const NkStanceScratch *s, guint h)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  const guint *clause = (const guint *) s->tok_clause->data;
  const NkToken *toks = (const NkToken *) s->tokens->data;
  for (guint k = h; k-- > 0;)
    {
      if (hits[k].kind != NK_STANCE_KIND_IRREALIS)
        continue;
      if (clause[hits[k].tok] != clause[hits[h].tok])
        return FALSE;
      for (guint i = hits[k].tok + hits[k].n_tok; i < hits[h].tok; i++)
        if (toks[i].type == NK_TOK_COMMA)
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

/* Whether cue hit @h lies inside a term of @target: "peace" in "peace treaty" is the
 * mention, not evidence about it. */
static gboolean
nk_inside_term (const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  for (guint k = 0; k < s->hits->len && hits[k].tok <= hits[h].tok; k++)
    if (hits[k].kind == NK_STANCE_KIND_TERM && (guint) hits[k].target == target
        && hits[k].tok + hits[k].n_tok > hits[h].tok)
      return TRUE;
  return FALSE;
}

static gboolean
nk_hits_overlap (const NkHit *a, const NkHit *b)
{
  return a->tok < b->tok + b->n_tok && b->tok < a->tok + a->n_tok;
}

/* Whether cue hit @h gives way, for @target, to one of the target's own cues: a general
 * cue under a target cue, or a shorter target cue at the same place. */
static gboolean
nk_overridden (const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  for (guint k = 0; k < s->hits->len; k++)
    {
      if (k == h || hits[k].target != (gint16) target || hits[k].kind == NK_STANCE_KIND_TERM
          || hits[k].kind == NK_STANCE_KIND_REPORT || !nk_hits_overlap (&hits[h], &hits[k]))
        continue;
      if (hits[h].target < 0 || hits[k].n_tok > hits[h].n_tok
          || (hits[k].n_tok == hits[h].n_tok && k < h))
        return TRUE;
    }
  return FALSE;
}

/* Whether negator hit @h reaches a term of @target ("no deal", "without agreement"). */
static gboolean
nk_negates_term (const NkStanceParams *prm, const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  const NkToken *toks = (const NkToken *) s->tokens->data;
  guint end = hits[h].tok + hits[h].n_tok, words = 0;
  for (guint i = end; i < s->tokens->len && words < prm->negation_window; i++)
    {
      if (toks[i].type == NK_TOK_COMMA || toks[i].type == NK_TOK_BOUNDARY)
        return FALSE;
      for (guint k = h + 1; k < s->hits->len && hits[k].tok <= i; k++)
        if (hits[k].tok == i && hits[k].kind == NK_STANCE_KIND_TERM
            && (guint) hits[k].target == target)
          return TRUE;
      words += toks[i].type == NK_TOK_WORD;
    }
  return FALSE;
}

/* The raw score of one target: cues weighted by contrast, locality and negation. */
static double
nk_score_cues (const NkStanceModel *m, NkStanceScratch *s, guint target, gboolean mentioned,
               guint *n_hedges)
{
  const NkStanceParams *prm = &m->params;
  const NkHit *hits = (const NkHit *) s->hits->data;
  const double *w = (const double *) s->tok_weight->data;
  const guint *clause = (const guint *) s->tok_clause->data;
  const gboolean *in_target = (const gboolean *) s->in_target->data;
  const gint *neg = (const gint *) s->negated_by->data;
  double raw = 0;
  g_array_set_size (s->neg_used, s->hits->len);
  guint8 *neg_used = (guint8 *) s->neg_used->data;
  memset (neg_used, 0, s->hits->len);
  for (guint h = 0; h < s->hits->len; h++)
    if (neg[h] >= 0)
      {
        neg_used[neg[h]] |= NK_NEG_FLIPS;
        if (nk_is_negator (hits[h].kind))
          neg_used[h] |= NK_NEG_FLIPS;   /* cancelled by double negation */
      }
  *n_hedges = 0;
  for (guint h = 0; h < s->hits->len; h++)
    {
      const NkHit *hit = &hits[h];
      if (hit->target >= 0 && (guint) hit->target != target)
        continue;
      double local = !mentioned ? prm->context_weight
                   : in_target[clause[hit->tok]] ? 1.0 : prm->other_clause_weight;
      double c = 0;
      switch (hit->kind)
        {
        case NK_STANCE_KIND_FAVOR:
        case NK_STANCE_KIND_AGAINST:
        case NK_STANCE_KIND_IRREALIS:
          {
            if (nk_inside_term (s, h, target) || nk_overridden (s, h, target))
              break;
            double mag = hit->weight * (nk_is_boosted (s, h) ? prm->booster_factor : 1.0);
            double pol = hit->kind == NK_STANCE_KIND_AGAINST ? -1 : 1;
            if (pol > 0 && nk_after_irrealis (s, h))
              mag *= prm->irrealis_factor;   /* a hoped-for breakthrough is no progress */
            if (neg[h] >= 0 && pol > 0)
              {
                /* "no concrete steps": the negator's own strength counts once */
                if (!(neg_used[neg[h]] & NK_NEG_STRENGTH_USED))
                  mag = MAX (mag, hits[neg[h]].weight);
                neg_used[neg[h]] |= NK_NEG_STRENGTH_USED;
                pol = -1;
              }
            else if (neg[h] >= 0)
              mag *= prm->negated_against, pol = 1;
            c = pol * mag * w[hit->tok] * local;
            raw += c;
            nk_add_evidence (s, hit, neg[h] >= 0, c);
            break;
          }
        case NK_STANCE_KIND_NEGATOR:
        case NK_STANCE_KIND_NEGCLAUSE:
          /* A negator with no cue to flip still says something did not happen
           * ("no deal", "failed to meet"). */
          if (!(neg_used[h] & NK_NEG_FLIPS))
            {
              double mag = hit->weight;
              /* "not" alone is too common to turn "not a treaty" against; stronger
               * negators of the target itself are */
              if (mag >= 0.3 && nk_negates_term (prm, s, h, target))
                mag = MAX (mag, prm->negated_term);
              c = -mag * w[hit->tok] * local;
            }
          raw += c;
          nk_add_evidence (s, hit, FALSE, c);
          break;
        case NK_STANCE_KIND_HEDGE:
          (*n_hedges)++;
          nk_add_evidence (s, hit, FALSE, 0);
          break;
        case NK_STANCE_KIND_CONTRAST:
        case NK_STANCE_KIND_CONCESSIVE:
          nk_add_evidence (s, hit, FALSE, 0);
          break;
        default:
          break;
        }
    }
  return raw;
}

/* Marks the clauses holding a term of @target; returns the first term hit, -1 if none. */
static gint
nk_mark_target_clauses (NkStanceScratch *s, guint target)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  const guint *clause = (const guint *) s->tok_clause->data;
  guint n_clauses = s->tokens->len > 0 ? clause[s->tokens->len - 1] + 1 : 1;
  g_array_set_size (s->in_target, n_clauses);
  memset (s->in_target->data, 0, n_clauses * sizeof (gboolean));
  gint first = -1;
  for (guint h = 0; h < s->hits->len; h++)
    if (hits[h].kind == NK_STANCE_KIND_TERM && (guint) hits[h].target == target)
      {
        g_array_index (s->in_target, gboolean, clause[hits[h].tok]) = TRUE;
        if (first < 0)
          first = (gint) h;
      }
  return first;
}

/* Byte extent of the clause holding token @tok. */
static void
nk_clause_extent (const NkStanceScratch *s, guint tok, guint32 *start, guint32 *end)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  const guint *clause = (const guint *) s->tok_clause->data;
  guint a = tok, b = tok;
  while (a > 0 && clause[a - 1] == clause[tok])
    a--;
  while (b + 1 < s->tokens->len && clause[b + 1] == clause[tok])
    b++;
  *start = toks[a].start;
  *end = toks[b].end;
}

static gboolean
nk_has_cue_evidence (const NkStanceScratch *s, const NkStanceResult *r)
{
  const NkStanceEvidence *ev = (const NkStanceEvidence *) s->evidence->data;
  for (guint i = r->first_evidence; i < r->first_evidence + r->n_evidence; i++)
    if (ev[i].contribution != 0)
      return TRUE;
  return FALSE;
}

/* Whether a term of @target is among the sentence's hits. */
static gboolean
nk_names_target (const NkStanceScratch *s, guint target)
{
  const NkHit *hits = (const NkHit *) s->hits->data;
  for (guint h = 0; h < s->hits->len; h++)
    if (hits[h].kind == NK_STANCE_KIND_TERM && (guint) hits[h].target == target)
      return TRUE;
  return FALSE;
}

static void
nk_score_target (const NkStanceModel *m, NkStanceScratch *s, guint target, const char *text,
                 NkStanceSentimentFunc func, gpointer data, double sentence_compound,
                 gboolean contrast)
{
  const NkStanceParams *prm = &m->params;
  /* most (sentence, target) pairs: not named, not in document context; no clause marks */
  if (!nk_mentioned_before (s, target) && !nk_names_target (s, target))
    return;
  gint first = nk_mark_target_clauses (s, target);
  NkStanceResult r = { 0 };
  r.mentioned = first >= 0;
  if (r.mentioned && nk_stance_model_get_document_context (m, target))
    nk_set_mentioned (s, target);
  else if (!r.mentioned && !nk_mentioned_before (s, target))
    return;
  if (s->tokens->len == 0)
    return;
  r.target = target;
  r.contrast = contrast;
  r.first_evidence = s->evidence->len;
  if (r.mentioned)
    nk_clause_extent (s, g_array_index (s->hits, NkHit, first).tok, &r.clause_start,
                      &r.clause_end);
  else
    {
      r.clause_start = g_array_index (s->tokens, NkToken, 0).start;
      r.clause_end = g_array_index (s->tokens, NkToken, s->tokens->len - 1).end;
    }
  r.raw = nk_score_cues (m, s, target, r.mentioned, &r.n_hedges);
  r.sentiment = func != NULL ? func (data, text, r.clause_start, r.clause_end)
                             : sentence_compound;
  if (!isnan (r.sentiment) && fabs (r.sentiment) >= prm->sentiment_floor)
    r.raw += prm->sentiment_weight * r.sentiment;
  for (guint i = 0; i < MIN (r.n_hedges, 2); i++)
    r.raw *= prm->hedge_factor;
  r.score = r.raw / sqrt (r.raw * r.raw + 1.0);
  r.label = r.score >= prm->threshold ? NK_STANCE_FAVOR
          : r.score <= -prm->threshold ? NK_STANCE_AGAINST : NK_STANCE_NEUTRAL;
  r.n_evidence = s->evidence->len - r.first_evidence;
  /* A sentence that does not name the target is only about it through the document; with
   * no cue of its own it says nothing about it, so it gets no result (and no span). */
  if (!r.mentioned && !nk_has_cue_evidence (s, &r))
    {
      g_array_set_size (s->evidence, r.first_evidence);
      return;
    }
  g_array_append_val (s->results, r);
}

guint
nk_stance_analyze (const NkStanceModel   *m,
                   NkStanceScratch       *s,
                   const char            *text,
                   gsize                  start,
                   gsize                  end,
                   NkStanceSentimentFunc  func,
                   gpointer               data,
                   double                 sentence_compound)
{
  NkTokenizeCtx ctx = { m, s, text, 0, 0 };
  g_array_set_size (s->results, 0);
  g_array_set_size (s->evidence, 0);
  g_array_set_size (s->hits, 0);
  nk_tokenize_text (&ctx, start, end);
  g_array_set_size (s->tokens, ctx.n_tokens);   /* shrinking keeps the memory */
  /* most sentences name no target: skip the patterns unless one may (or a document-context
   * target is active) */
  if (!(ctx.starts & NK_STARTS_TERM) && s->mentioned->len == 0)
    {
      if (ctx.starts & NK_STARTS_REPORT)
        nk_find_hits (m, s);   /* for nk_stance_find_reported_speaker () */
      return 0;
    }
  nk_find_hits (m, s);
  gboolean any_term = s->mentioned->len > 0;   /* some target is in document context */
  for (guint h = 0; h < s->hits->len && !any_term; h++)
    any_term = g_array_index (s->hits, NkHit, h).kind == NK_STANCE_KIND_TERM;
  if (!any_term)
    return 0;
  gboolean contrast;
  nk_weight_clauses (&m->params, s, &contrast);
  nk_find_negations (&m->params, s);
  for (guint t = 0; t < m->targets->len; t++)
    nk_score_target (m, s, t, text, func, data, sentence_compound, contrast);
  return s->results->len;
}

/* ---- reported speakers ------------------------------------------------------------ */

static const char *const nk_non_names[] = {
  "the", "a", "an", "but", "and", "or", "it", "this", "that", "these", "those", "there",
  "he", "she", "they", "we", "i", "you", "in", "on", "at", "as", "if", "so", "then", "when",
  "while", "after", "before", "since", "later", NULL,
};

static const char *const nk_titles[] = {
  "mr", "ms", "mrs", "dr", "sen", "rep", "gen", "president", "secretary", "minister",
  "prime", "foreign", "chairman", "leader", "vice", "special", "representative", "adviser",
  "advisor", "director", "professor", "prof", "ambassador", "deputy", "spokesman",
  "spokeswoman", "senator", "general", "state", "defense", "envoy", "chief", "supreme",
  "national", "security", "of", NULL,
};

static gboolean
nk_token_in (const char *text, const NkToken *t, const char *const *list)
{
  gsize len = t->end - t->start;
  char first = g_ascii_tolower (text[t->start]);
  for (guint i = 0; list[i] != NULL; i++)
    if (list[i][0] == first && strlen (list[i]) == len
        && g_ascii_strncasecmp (text + t->start, list[i], len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
nk_is_name_token (const char *text, const NkToken *t)
{
  return t->type == NK_TOK_WORD && (t->flags & NK_TOK_CAP) && !nk_token_in (text, t, nk_non_names);
}

static gboolean
nk_is_pronoun (const char *text, const NkToken *t)
{
  static const char *const pronouns[] = { "he", "she", "they", NULL };
  return t->type == NK_TOK_WORD && nk_token_in (text, t, pronouns);
}

static gboolean
nk_is_dot (const char *text, const NkToken *t)
{
  return t->type == NK_TOK_OTHER && text[t->start] == '.';
}

/* Token b + 1 continues the name at b: a capitalised word, a hyphenated part ("Jong-un"),
 * "of" inside a title ("Secretary of State"); returns how many tokens it adds. */
static guint
nk_name_continues (const char *text, const NkToken *toks, guint n, guint b)
{
  static const char *const inner[] = { "of", NULL };
  if (b + 1 >= n)
    return 0;
  const NkToken *t = &toks[b + 1];
  if (nk_is_name_token (text, t))
    return 1;
  if (t->type == NK_TOK_WORD && t->start == toks[b].end + 1 && text[toks[b].end] == '-')
    return 1;
  if (b + 2 < n && nk_is_name_token (text, &toks[b + 2])
      && (nk_is_dot (text, t) || (t->type == NK_TOK_WORD && nk_token_in (text, t, inner))))
    return 2;
  return 0;
}

/* Widens a name at token a over neighbouring name parts, then drops leading titles. */
static gboolean
nk_name_extent (const char *text, const NkToken *toks, guint n, guint a,
                gsize *start, gsize *end)
{
  guint b = a;
  while (a > 0 && (nk_is_name_token (text, &toks[a - 1])
                   || (a >= 2 && nk_is_dot (text, &toks[a - 1])
                       && nk_is_name_token (text, &toks[a - 2]))))
    a -= nk_is_dot (text, &toks[a - 1]) ? 2 : 1;
  for (guint k; (k = nk_name_continues (text, toks, n, b)) > 0;)
    b += k;
  while (a < b && (nk_token_in (text, &toks[a], nk_titles) || toks[a].type != NK_TOK_WORD))
    a++;
  if (toks[a].type != NK_TOK_WORD || nk_token_in (text, &toks[a], nk_titles))
    return FALSE;
  *start = toks[a].start;
  *end = toks[b].end;
  return TRUE;
}

/* Name or pronoun ending right before token @v, or before an appositive
 * ("Hecker, a former director, said"). */
static gboolean
nk_speaker_before (const char *text, const NkToken *toks, guint n, guint v,
                   gsize *start, gsize *end, gboolean *is_pronoun)
{
  if (v == 0)
    return FALSE;
  guint k = v - 1;
  if (toks[k].type == NK_TOK_COMMA)
    {
      guint c = k;
      while (c > 0 && k - c < 20 && toks[c - 1].type != NK_TOK_COMMA)
        c--;
      if (c < 2 || toks[c - 1].type != NK_TOK_COMMA)
        return FALSE;
      k = c - 2;
    }
  const NkToken *t = &toks[k];
  if (nk_is_pronoun (text, t))
    {
      *start = t->start, *end = t->end, *is_pronoun = TRUE;
      return TRUE;
    }
  if (!nk_is_name_token (text, t) && !(k > 0 && t->type == NK_TOK_WORD
                                       && nk_is_name_token (text, &toks[k - 1])
                                       && t->start == toks[k - 1].end + 1))
    return FALSE;
  *is_pronoun = FALSE;
  while (k > 0 && !nk_is_name_token (text, &toks[k]))
    k--;   /* "Jong-un": start from the capitalised part */
  return nk_name_extent (text, toks, n, k, start, end);
}

/* "said Mr. Pompeo", "according to Ms. Pak": a name or pronoun just after token @v,
 * possibly behind titles. */
static gboolean
nk_speaker_after (const char *text, const NkToken *toks, guint n, guint v,
                  gsize *start, gsize *end, gboolean *is_pronoun)
{
  if (v >= n)
    return FALSE;
  if (nk_is_pronoun (text, &toks[v]))
    {
      *start = toks[v].start, *end = toks[v].end, *is_pronoun = TRUE;
      return TRUE;
    }
  if (!nk_is_name_token (text, &toks[v]))
    return FALSE;
  *is_pronoun = FALSE;
  return nk_name_extent (text, toks, n, v, start, end);
}

gboolean
nk_stance_find_reported_speaker (const NkStanceModel   *m,
                                 const NkStanceScratch *s,
                                 const char            *text,
                                 gsize                 *speaker_start,
                                 gsize                 *speaker_end,
                                 gsize                 *verb_start,
                                 gboolean              *is_pronoun)
{
  const NkToken *toks = (const NkToken *) s->tokens->data;
  const NkHit *hits = (const NkHit *) s->hits->data;
  guint n = s->tokens->len;
  (void) m;
  for (guint h = s->hits->len; h-- > 0;)
    {
      const NkHit *hit = &hits[h];
      if (hit->kind != NK_STANCE_KIND_REPORT)
        continue;
      guint after = hit->tok + hit->n_tok;
      gboolean multiword = hit->n_tok > 1;   /* "according to X" looks forward only */
      *verb_start = toks[hit->tok].start;
      if (!multiword
          && nk_speaker_before (text, toks, n, hit->tok, speaker_start, speaker_end, is_pronoun))
        return TRUE;
      /* "..., said X" / "” said X", not "officials say X has failed" (X is the topic) */
      gboolean inverted = multiword
                          || (hit->tok > 0 && (toks[hit->tok - 1].type == NK_TOK_COMMA
                                               || toks[hit->tok - 1].type == NK_TOK_QUOTE));
      if (inverted
          && nk_speaker_after (text, toks, n, after, speaker_start, speaker_end, is_pronoun))
        return TRUE;
    }
  return FALSE;
}
