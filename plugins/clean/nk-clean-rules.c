/* nk-clean-rules.c — the lexicons of the clean engine (stop words, call-to-action phrases,
 * patterns), loaded once per run and shared read-only by every thread, and the per-line
 * word scan that matches them: one pass over a line's bytes, a word looked up in an
 * open-addressing table by its FNV hash, phrases found through an index by first word.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-clean"

#include <nkpipe.h>
#include <string.h>

#include "nk-clean-lines.h"
#include "nk-clean-private.h"

typedef struct {
  guint32 hash;
  guint32 id;     /* 0: empty slot */
  guint8  len;
  char    word[NK_WORD_MAX];
} NkWordSlot;

typedef struct {
  const char  *reason;      /* interned */
  NkCleanScope scope;
  gboolean     anchor_start;
  gboolean     anchor_end;
  guint        first;       /* index into phrase_words */
  guint        n;
} NkPhrase;

/* A pattern may name triggers: it is only tried on lines that contain one of the trigger
 * words or start with one of the "^prefix" literals (case-insensitive). A regex costs a few
 * hundred nanoseconds per call, so this keeps patterns cheap. */
typedef struct {
  const char  *reason;      /* interned */
  NkCleanScope scope;
  GRegex      *re;
  char        *source;
  GArray      *trigger_ids; /* guint32 word ids, or NULL */
  GStrv        prefixes;    /* lower-case literals, or NULL */
} NkPattern;

struct _NkCleanRules {
  GHashTable *words;        /* char * -> id, while loading */
  GArray     *is_stop;      /* guint8 flags per id (index 0 unused): NK_WORD_STOP, NK_WORD_TRIGGER */
  GArray     *phrases;      /* NkPhrase */
  GArray     *phrase_words; /* guint32 ids */
  GArray     *patterns;     /* NkPattern */
  /* built by nk_clean_rules_finish () */
  NkWordSlot *table;
  guint       mask;
  guint      *first_start;  /* per id: range in first_list */
  guint      *first_list;
  gboolean    have_any_patterns; /* some pattern applies to every line */
  guint32     copyright_id; /* the word "copyright" */
  GPtrArray  *needles;      /* substrings that any "any"-scope phrase contains */
  guint       needle_min;   /* Wu-Manber over the needles: shortest length (>= 2) */
  guint8      needle_shift[4096];
  gboolean    finished;
};

/* Word flags (rules->is_stop). */
#define NK_WORD_STOP    1   /* a function word */
#define NK_WORD_TRIGGER 2   /* names a pattern's trigger */

static void nk_byte_class_init (void);
static guint32 nk_word_id (NkCleanRules *rules, const char *word);

/* ---- scopes --------------------------------------------------------------------------- */

gboolean
nk_clean_scope_parse (const char *s, NkCleanScope *scope)
{
  if (g_str_equal (s, "any"))
    *scope = NK_CLEAN_SCOPE_ANY;
  else if (g_str_equal (s, "short"))
    *scope = NK_CLEAN_SCOPE_SHORT;
  else if (g_str_equal (s, "nopunct"))
    *scope = NK_CLEAN_SCOPE_NOPUNCT;
  else if (g_str_equal (s, "short-nopunct"))
    *scope = NK_CLEAN_SCOPE_SHORT_NOPUNCT;
  else
    return FALSE;
  return TRUE;
}

static gboolean
nk_scope_applies (NkCleanScope scope, gboolean is_short, gboolean final_punct)
{
  switch (scope)
    {
    case NK_CLEAN_SCOPE_ANY:
      return TRUE;
    case NK_CLEAN_SCOPE_SHORT:
      return is_short;
    case NK_CLEAN_SCOPE_NOPUNCT:
      return !final_punct;
    case NK_CLEAN_SCOPE_SHORT_NOPUNCT:
      return is_short && !final_punct;
    default:
      return FALSE;
    }
}

/* ---- rules ---------------------------------------------------------------------------- */

NkCleanRules *
nk_clean_rules_new (void)
{
  static gsize classes_ready = 0;
  NkCleanRules *rules = g_new0 (NkCleanRules, 1);
  guint8 zero = 0;

  if (g_once_init_enter (&classes_ready))
    {
      nk_byte_class_init ();
      g_once_init_leave (&classes_ready, 1);
    }

  rules->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rules->is_stop = g_array_new (FALSE, TRUE, sizeof (guint8));
  g_array_append_val (rules->is_stop, zero);
  rules->phrases = g_array_new (FALSE, FALSE, sizeof (NkPhrase));
  rules->phrase_words = g_array_new (FALSE, FALSE, sizeof (guint32));
  rules->patterns = g_array_new (FALSE, FALSE, sizeof (NkPattern));
  nk_word_id (rules, "copyright");   /* looked up by nk_has_copyright () */
  return rules;
}

void
nk_clean_rules_free (NkCleanRules *rules)
{
  if (rules == NULL)
    return;
  for (guint i = 0; i < rules->patterns->len; i++)
    {
      NkPattern *p = &g_array_index (rules->patterns, NkPattern, i);
      g_regex_unref (p->re);
      g_free (p->source);
      g_clear_pointer (&p->trigger_ids, g_array_unref);
      g_strfreev (p->prefixes);
    }
  g_array_unref (rules->patterns);
  g_hash_table_unref (rules->words);
  g_array_unref (rules->is_stop);
  g_array_unref (rules->phrases);
  g_array_unref (rules->phrase_words);
  g_free (rules->table);
  g_free (rules->first_start);
  g_free (rules->first_list);
  g_clear_pointer (&rules->needles, g_ptr_array_unref);
  g_free (rules);
}

static guint32
nk_word_id (NkCleanRules *rules, const char *word)
{
  gpointer v;
  guint8 zero = 0;

  if (g_hash_table_lookup_extended (rules->words, word, NULL, &v))
    return GPOINTER_TO_UINT (v);
  guint32 id = rules->is_stop->len;
  g_array_append_val (rules->is_stop, zero);
  g_hash_table_insert (rules->words, g_strdup (word), GUINT_TO_POINTER (id));
  return id;
}

static gboolean
nk_word_ok (const char *word, const char *name, guint lineno, GError **error)
{
  gsize n = strlen (word);

  if (n == 0 || n >= NK_WORD_MAX)
    {
      g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                   "%s:%u: word “%s” is empty or longer than %d bytes", name, lineno, word,
                   NK_WORD_MAX - 1);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    if (g_ascii_isupper (word[i]) || word[i] == ' ')
      {
        g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                     "%s:%u: word “%s” must be one lower-case word", name, lineno, word);
        return FALSE;
      }
  return TRUE;
}

gboolean
nk_clean_rules_load_stopwords (NkCleanRules *rules, const char *data, gsize len,
                               const char *name, GError **error)
{
  g_autofree char *copy = g_strndup (data, len);
  NkDataLines lines;
  char *word;

  g_return_val_if_fail (!rules->finished, FALSE);
  nk_data_lines_init (&lines, copy, len, name, NK_DATA_LINES_DEFAULT);
  while ((word = nk_data_lines_next (&lines, NULL)) != NULL)
    {
      if (!nk_word_ok (word, name, lines.lineno, error))
        return FALSE;
      guint32 id = nk_word_id (rules, word);   /* may grow is_stop: index afterwards */
      g_array_index (rules->is_stop, guint8, id) |= NK_WORD_STOP;
    }
  return TRUE;
}

/* Splits a phrase into lower-case word ids the way lines are tokenised. */
static gboolean
nk_phrase_add (NkCleanRules *rules, const char *reason, NkCleanScope scope,
               const char *text, const char *name, guint lineno, GError **error)
{
  NkPhrase ph = { g_intern_string (reason), scope, FALSE, FALSE, rules->phrase_words->len, 0 };
  g_auto (GStrv) words = NULL;
  g_autofree char *copy = g_strdup (text);
  char *t = g_strstrip (copy);
  gsize tl = strlen (t);

  if (t[0] == '^')
    { ph.anchor_start = TRUE; t++; tl--; }
  if (tl > 0 && t[tl - 1] == '$')
    { ph.anchor_end = TRUE; t[--tl] = '\0'; }
  words = g_strsplit_set (t, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (!nk_word_ok (words[i], name, lineno, error))
        return FALSE;
      guint32 id = nk_word_id (rules, words[i]);
      g_array_append_val (rules->phrase_words, id);
      ph.n++;
    }
  if (ph.n == 0)
    {
      g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                   "%s:%u: empty phrase", name, lineno);
      return FALSE;
    }
  g_array_append_val (rules->phrases, ph);
  return TRUE;
}

/* Splits "reason<TAB>scope<TAB>rest" (runs of tabs count as one). */
static gboolean
nk_split_fields (char *line, char **reason, char **scope, char **rest,
                 const char *name, guint lineno, GError **error)
{
  char *a = strchr (line, '\t');
  char *b = a != NULL ? strchr (a + 1 + strspn (a + 1, "\t"), '\t') : NULL;

  if (a == NULL || b == NULL)
    {
      g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                   "%s:%u: expected “reason<TAB>scope<TAB>text”", name, lineno);
      return FALSE;
    }
  *a = '\0';
  *b = '\0';
  *reason = line;
  *scope = a + 1 + strspn (a + 1, "\t");
  *rest = b + 1 + strspn (b + 1, "\t");
  return TRUE;
}

static gboolean
nk_load_triples (NkCleanRules *rules, const char *data, gsize len, const char *name,
                 gboolean patterns, GError **error)
{
  g_autofree char *copy = g_strndup (data, len);
  NkDataLines lines;
  char *owned;

  g_return_val_if_fail (!rules->finished, FALSE);
  nk_data_lines_init (&lines, copy, len, name, NK_DATA_LINES_DEFAULT);
  while ((owned = nk_data_lines_next (&lines, NULL)) != NULL)
    {
      guint lineno = lines.lineno;
      char *reason, *scope_s, *rest;
      NkCleanScope scope;

      if (!nk_split_fields (owned, &reason, &scope_s, &rest, name, lineno, error))
        return FALSE;
      if (!nk_clean_scope_parse (scope_s, &scope))
        {
          nk_data_lines_error (&lines, error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                               "unknown scope “%s” (any, short, nopunct, short-nopunct)",
                               scope_s);
          return FALSE;
        }
      if (patterns)
        {
          g_autoptr (GError) local = NULL;
          char *regex = strchr (rest, '\t');
          if (regex == NULL)
            {
              nk_data_lines_error (&lines, error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_DATA,
                                   "expected “reason<TAB>scope<TAB>triggers<TAB>regex”");
              return FALSE;
            }
          *regex++ = '\0';
          regex += strspn (regex, "\t");
          if (!nk_clean_rules_add_pattern (rules, reason, scope_s,
                                           g_str_equal (rest, "-") ? NULL : rest, regex,
                                           &local))
            {
              nk_data_lines_error (&lines, error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_PATTERN, "%s",
                                   local->message);
              return FALSE;
            }
        }
      else if (!nk_phrase_add (rules, reason, scope, rest, name, lineno, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
nk_clean_rules_load_phrases (NkCleanRules *rules, const char *data, gsize len,
                             const char *name, GError **error)
{
  return nk_load_triples (rules, data, len, name, FALSE, error);
}

gboolean
nk_clean_rules_load_patterns (NkCleanRules *rules, const char *data, gsize len,
                              const char *name, GError **error)
{
  return nk_load_triples (rules, data, len, name, TRUE, error);
}

gboolean
nk_clean_rules_add_pattern (NkCleanRules *rules, const char *reason, const char *scope,
                            const char *triggers, const char *regex, GError **error)
{
  NkPattern p = { g_intern_string (reason), NK_CLEAN_SCOPE_ANY, NULL, NULL, NULL, NULL };
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (!rules->finished, FALSE);
  if (!nk_clean_scope_parse (scope, &p.scope))
    {
      g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_PATTERN,
                   "unknown scope “%s” (any, short, nopunct, short-nopunct)", scope);
      return FALSE;
    }
  p.re = g_regex_new (regex, G_REGEX_OPTIMIZE, 0, &local);
  if (p.re == NULL)
    {
      g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_PATTERN,
                   "pattern “%s” does not compile: %s", regex, local->message);
      return FALSE;
    }
  if (triggers != NULL)
    {
      g_auto (GStrv) list = g_strsplit (triggers, ",", -1);
      g_autoptr (GPtrArray) prefixes = g_ptr_array_new ();
      for (guint i = 0; list[i] != NULL; i++)
        {
          const char *t = g_strstrip (list[i]);
          if (t[0] == '^' && t[1] != '\0')
            g_ptr_array_add (prefixes, g_ascii_strdown (t + 1, -1));
          else if (t[0] != '\0' && nk_word_ok (t, "triggers", i + 1, &local))
            {
              if (p.trigger_ids == NULL)
                p.trigger_ids = g_array_new (FALSE, FALSE, sizeof (guint32));
              guint32 id = nk_word_id (rules, t);   /* may grow is_stop: index afterwards */
              g_array_append_val (p.trigger_ids, id);
              g_array_index (rules->is_stop, guint8, id) |= NK_WORD_TRIGGER;
            }
          else if (t[0] != '\0')
            {
              g_set_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_PATTERN,
                           "bad trigger “%s” for pattern “%s”: one lower-case word or ^prefix",
                           t, regex);
              g_clear_pointer (&p.trigger_ids, g_array_unref);
              g_ptr_array_foreach (prefixes, (GFunc) (void (*) (void)) g_free, NULL);
              g_regex_unref (p.re);
              return FALSE;
            }
        }
      if (prefixes->len > 0)
        {
          g_ptr_array_add (prefixes, NULL);
          p.prefixes = (GStrv) g_ptr_array_steal (prefixes, NULL);
        }
    }
  p.source = g_strdup (regex);
  g_array_append_val (rules->patterns, p);
  return TRUE;
}

static guint32
nk_hash_word (const char *w, gsize n)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < n; i++)
    h = (h ^ (guchar) w[i]) * 16777619u;
  return h;
}

static void
nk_build_table (NkCleanRules *rules)
{
  guint n = g_hash_table_size (rules->words), size = 64;
  GHashTableIter it;
  gpointer k, v;

  while (size < n * 3)
    size *= 2;
  rules->table = g_new0 (NkWordSlot, size);
  rules->mask = size - 1;
  g_hash_table_iter_init (&it, rules->words);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      gsize len = strlen (k);
      guint32 h = nk_hash_word (k, len);
      guint i = h & rules->mask;
      while (rules->table[i].id != 0)
        i = (i + 1) & rules->mask;
      rules->table[i].hash = h;
      rules->table[i].id = GPOINTER_TO_UINT (v);
      rules->table[i].len = (guint8) len;
      memcpy (rules->table[i].word, k, len);
    }
}

/* Index of phrases by their first word, as a counting sort. */
static void
nk_build_phrase_index (NkCleanRules *rules)
{
  guint n_ids = rules->is_stop->len;

  rules->first_start = g_new0 (guint, n_ids + 1);
  rules->first_list = g_new0 (guint, MAX (rules->phrases->len, 1));
  for (guint i = 0; i < rules->phrases->len; i++)
    {
      const NkPhrase *ph = &g_array_index (rules->phrases, NkPhrase, i);
      rules->first_start[g_array_index (rules->phrase_words, guint32, ph->first) + 1]++;
    }
  for (guint id = 1; id <= n_ids; id++)
    rules->first_start[id] += rules->first_start[id - 1];
  g_autofree guint *fill = g_memdup2 (rules->first_start, sizeof (guint) * (n_ids + 1));
  for (guint i = 0; i < rules->phrases->len; i++)
    {
      const NkPhrase *ph = &g_array_index (rules->phrases, NkPhrase, i);
      guint32 id = g_array_index (rules->phrase_words, guint32, ph->first);
      rules->first_list[fill[id]++] = i;
    }
}

static inline guint
nk_block_hash (guchar a, guchar b)
{
  /* the low six bits keep ASCII letters apart (upper and lower case collide harmlessly) */
  return ((guint) (a & 0x3F) << 6) | (b & 0x3F);
}

/* Shift table of a Wu-Manber search (blocks of two bytes) over the needles' first
 * needle_min bytes: typical text moves needle_min - 1 bytes per step. */
static void
nk_build_needle_shift (NkCleanRules *rules)
{
  guint m = G_MAXUINT;

  for (guint i = 0; i < rules->needles->len; i++)
    m = MIN (m, strlen (rules->needles->pdata[i]));
  m = MIN (m, 64);
  rules->needle_min = m;
  if (m < 2 || m == G_MAXUINT)
    return;
  memset (rules->needle_shift, m - 1, sizeof rules->needle_shift);
  for (guint i = 0; i < rules->needles->len; i++)
    {
      const guchar *n = rules->needles->pdata[i];
      for (guint j = 1; j < m; j++)
        {
          guint h = nk_block_hash (n[j - 1], n[j]);
          rules->needle_shift[h] = MIN (rules->needle_shift[h], m - 1 - j);
        }
    }
}

gboolean
nk_clean_rules_find_needle (const NkCleanRules *rules, const char *s, gsize len)
{
  guint m = rules->needle_min;
  const guchar *p = (const guchar *) s;

  if (rules->needles->len == 0)
    return FALSE;
  if (m < 2)
    return TRUE;   /* a one-byte needle: scan everything */
  for (gsize pos = m - 1; pos < len;)
    {
      guint sh = rules->needle_shift[nk_block_hash (p[pos - 1], p[pos])];
      if (sh != 0)
        {
          pos += sh;
          continue;
        }
      gsize at = pos - (m - 1);
      for (guint i = 0; i < rules->needles->len; i++)
        {
          const char *n = rules->needles->pdata[i];
          if (s[at] != n[0] || s[at + 1] != n[1])
            continue;
          gsize nl = strlen (n);
          if (at + nl <= len && memcmp (s + at, n, nl) == 0)
            return TRUE;
        }
      pos++;
    }
  return FALSE;
}

static const char *
nk_word_of_id (const NkCleanRules *rules, guint32 id)
{
  for (guint i = 0; i <= rules->mask; i++)
    if (rules->table[i].id == id)
      return rules->table[i].word;
  return "";
}

/* Long lines that end like sentences skip the word scan unless they contain a needle: for
 * every phrase of scope "any", its longest word without the first letter (so "Comment" and
 * "comment" both match), plus "opyright". A needle inside another is enough on its own. */
static void
nk_build_needles (NkCleanRules *rules)
{
  g_autoptr (GPtrArray) cand = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (cand, g_strdup ("opyright"));
  for (guint i = 0; i < rules->phrases->len; i++)
    {
      const NkPhrase *ph = &g_array_index (rules->phrases, NkPhrase, i);
      const char *best = "";
      if (ph->scope != NK_CLEAN_SCOPE_ANY)
        continue;
      for (guint k = 0; k < ph->n; k++)
        {
          const char *w = nk_word_of_id (rules, g_array_index (rules->phrase_words, guint32,
                                                               ph->first + k));
          if (strlen (w) > strlen (best))
            best = w;
        }
      /* a phrase of short words only: its longest word whole */
      g_ptr_array_add (cand, g_strdup (strlen (best) >= 4 ? best + 1 : best));
    }
  rules->needles = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cand->len; i++)
    {
      const char *c = cand->pdata[i];
      gboolean covered = c[0] == '\0';
      for (guint k = 0; k < cand->len && !covered; k++)
        covered = k != i && strstr (c, cand->pdata[k]) != NULL &&
                  (strlen (cand->pdata[k]) < strlen (c) || k < i);
      if (!covered)
        {
          g_debug ("needle “%s”", c);
          g_ptr_array_add (rules->needles, g_strdup (c));
        }
    }
}

gboolean
nk_clean_rules_finish (NkCleanRules *rules, GError **error)
{
  g_return_val_if_fail (!rules->finished, FALSE);
  (void) error;   /* reserved: nothing here can fail yet */
  nk_build_table (rules);
  nk_build_phrase_index (rules);
  nk_build_needles (rules);
  nk_build_needle_shift (rules);
  for (guint i = 0; i < rules->patterns->len; i++)
    {
      const NkPattern *p = &g_array_index (rules->patterns, NkPattern, i);
      if (p->scope == NK_CLEAN_SCOPE_ANY && p->trigger_ids == NULL && p->prefixes == NULL)
        rules->have_any_patterns = TRUE;
    }
  rules->copyright_id = nk_clean_rules_lookup (rules, "copyright", 9);
  rules->finished = TRUE;
  return TRUE;
}

static guint32
nk_lookup_hashed (const NkCleanRules *rules, const char *w, gsize n, guint32 h)
{
  guint i = h & rules->mask;

  while (rules->table[i].id != 0)
    {
      const NkWordSlot *s = &rules->table[i];
      if (s->hash == h && s->len == n && memcmp (s->word, w, n) == 0)
        return s->id;
      i = (i + 1) & rules->mask;
    }
  return 0;
}

guint32
nk_clean_rules_lookup (const NkCleanRules *rules, const char *w, gsize n)
{
  return nk_lookup_hashed (rules, w, n, nk_hash_word (w, n));
}

/* Byte classes for the word scanner. */
enum {
  NK_BC_SEP = 0,   /* anything that ends a word */
  NK_BC_LOWER,     /* a-z */
  NK_BC_UPPER,     /* A-Z */
  NK_BC_DIGIT,     /* 0-9 */
  NK_BC_LEAD,      /* lead byte of a non-ASCII letter (not U+0080..U+00BF, not U+20xx) */
  NK_BC_CONT,      /* UTF-8 continuation byte */
  NK_BC_APOS,      /* ' */
  NK_BC_E2,        /* lead byte of U+2000..U+2FFF: punctuation, quotes, dashes */
};

static guint8 nk_byte_class[256];
/* A byte that continues a word (letter, digit, non-ASCII letter byte), lower-cased; 0 for
 * any other byte. */
static guint8 nk_word_fold[256];

static void
nk_byte_class_init (void)
{
  for (guint c = 0; c < 256; c++)
    {
      guint8 k = NK_BC_SEP;
      if (c >= 'a' && c <= 'z') k = NK_BC_LOWER;
      else if (c >= 'A' && c <= 'Z') k = NK_BC_UPPER;
      else if (c >= '0' && c <= '9') k = NK_BC_DIGIT;
      else if (c == '\'') k = NK_BC_APOS;
      else if (c >= 0x80 && c <= 0xBF) k = NK_BC_CONT;
      else if (c == 0xE2) k = NK_BC_E2;
      else if (c >= 0xC3 && c <= 0xF4) k = NK_BC_LEAD;
      nk_byte_class[c] = k;
      nk_word_fold[c] = k == NK_BC_UPPER ? (guint8) (c | 0x20) :
                        (k == NK_BC_LOWER || k == NK_BC_DIGIT || k == NK_BC_LEAD ||
                         k == NK_BC_CONT) ? (guint8) c : 0;
    }
}

/* An inner apostrophe at @i: ' or ’ between a word and a letter. Returns its byte length,
 * or 0. */
static inline gsize
nk_inner_apostrophe (const guchar *p, gsize i, gsize len)
{
  guint8 k = nk_byte_class[p[i]];

  if (k == NK_BC_APOS && i + 1 < len &&
      (nk_byte_class[p[i + 1]] == NK_BC_LOWER || nk_byte_class[p[i + 1]] == NK_BC_UPPER))
    return 1;
  if (k == NK_BC_E2 && i + 3 < len && p[i + 1] == 0x80 && p[i + 2] == 0x99 &&
      (nk_byte_class[p[i + 3]] == NK_BC_LOWER || nk_byte_class[p[i + 3]] == NK_BC_UPPER))
    return 3;
  return 0;
}

/* Words: runs of ASCII letters/digits and non-ASCII letters, with inner apostrophes (' or
 * ’, folded to '); ASCII is lower-cased for lookup. Fills the counts of @f (and whether a
 * pattern's trigger word occurs) and keeps up to NK_LINE_MAX_IDS word ids. One pass, no
 * allocation. */
guint
nk_clean_rules_scan_words (const NkCleanRules *rules, const char *s, gsize len,
                           NkCleanFeat *f, guint32 *ids)
{
  const guchar *p = (const guchar *) s;
  const guint8 *flags = (const guint8 *) (const void *) rules->is_stop->data;
  /* bytes past NK_WORD_MAX wrap around harmlessly: such a word is never looked up */
  char w[32];
  G_STATIC_ASSERT (NK_WORD_MAX <= sizeof w);
  guint n_ids = 0;
  gsize i = 0;

  while (i < len)
    {
      guint8 k = nk_byte_class[p[i]];
      /* a word starts with a letter, a digit or a non-ASCII lead byte */
      if (k != NK_BC_LOWER && k != NK_BC_UPPER && k != NK_BC_DIGIT && k != NK_BC_LEAD)
        {
          i++;
          continue;
        }
      gsize n = 0, apos;
      guint32 h = 2166136261u;
      do
        {
          guchar c;
          while (i < len && (c = nk_word_fold[p[i]]) != 0)
            {
              w[n++ & 31] = (char) c;
              h = (h ^ c) * 16777619u;
              i++;
            }
          apos = i < len ? nk_inner_apostrophe (p, i, len) : 0;
          if (apos > 0)
            {
              w[n++ & 31] = '\'';
              h = (h ^ (guchar) '\'') * 16777619u;
              i += apos;
            }
        }
      while (apos > 0);
      f->words++;
      guint32 id = n < NK_WORD_MAX ? nk_lookup_hashed (rules, w, n, h) : 0;
      f->stops += flags[id] & NK_WORD_STOP;
      f->triggered |= (flags[id] & NK_WORD_TRIGGER) != 0;
      if (n_ids < NK_LINE_MAX_IDS)
        ids[n_ids++] = id;
    }
  return n_ids;
}

guint32
nk_clean_rules_copyright_id (const NkCleanRules *rules)
{
  return rules->copyright_id;
}

const char *
nk_clean_rules_match_phrases (const NkCleanRules *rules, const guint32 *ids, guint n_ids,
                              gboolean is_short, gboolean final_punct)
{
  for (guint i = 0; i < n_ids; i++)
    {
      guint32 id = ids[i];
      if (id == 0)
        continue;
      for (guint k = rules->first_start[id]; k < rules->first_start[id + 1]; k++)
        {
          const NkPhrase *ph = &g_array_index (rules->phrases, NkPhrase, rules->first_list[k]);
          const guint32 *pw = &g_array_index (rules->phrase_words, guint32, ph->first);

          if ((ph->anchor_start && i != 0) || i + ph->n > n_ids ||
              (ph->anchor_end && i + ph->n != n_ids) ||
              !nk_scope_applies (ph->scope, is_short, final_punct))
            continue;
          if (memcmp (pw, ids + i, ph->n * sizeof (guint32)) == 0)
            return ph->reason;
        }
    }
  return NULL;
}

/* @triggered: some word of the line is a trigger of some pattern (most lines have none). */
static gboolean
nk_pattern_triggered (const NkPattern *p, const char *s, gsize len, const guint32 *ids,
                      guint n_ids, gboolean triggered)
{
  if (p->trigger_ids == NULL && p->prefixes == NULL)
    return TRUE;
  for (guint k = 0; triggered && p->trigger_ids != NULL && k < p->trigger_ids->len; k++)
    {
      guint32 t = g_array_index (p->trigger_ids, guint32, k);
      for (guint i = 0; i < n_ids; i++)
        if (ids[i] == t)
          return TRUE;
    }
  for (guint k = 0; p->prefixes != NULL && p->prefixes[k] != NULL; k++)
    {
      const char *pre = p->prefixes[k];   /* lower case */
      if (len == 0 || (g_ascii_isupper (s[0]) ? s[0] | 0x20 : s[0]) != pre[0])
        continue;
      gsize n = strlen (pre);
      if (len >= n && g_ascii_strncasecmp (s, pre, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* @ids is NULL when the line was not scanned: only untriggered patterns can run then. */
const char *
nk_clean_rules_match_patterns (const NkCleanRules *rules, const char *s, gsize len,
                               const guint32 *ids, guint n_ids, gboolean triggered,
                               gboolean is_short, gboolean final_punct)
{
  for (guint i = 0; i < rules->patterns->len; i++)
    {
      const NkPattern *p = &g_array_index (rules->patterns, NkPattern, i);
      if (!nk_scope_applies (p->scope, is_short, final_punct))
        continue;
      if (ids == NULL && (p->trigger_ids != NULL || p->prefixes != NULL))
        continue;
      if (ids != NULL && !nk_pattern_triggered (p, s, len, ids, n_ids, triggered))
        continue;
      if (g_regex_match_full (p->re, s, len, 0, 0, NULL, NULL))
        return p->reason;
    }
  return NULL;
}

gboolean
nk_clean_rules_has_any_patterns (const NkCleanRules *rules)
{
  return rules->have_any_patterns;
}

gboolean
nk_clean_rules_is_finished (const NkCleanRules *rules)
{
  return rules->finished;
}
