/* nk-quotes-lexicon.c — the cue lexicon and demonym table of the quotes engine.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes"

#include <nkpipe.h>
#include <string.h>

#include "nk-quotes-private.h"

G_DEFINE_QUARK (nk-quote-error-quark, nk_quote_error)

typedef struct {
  const char *name;
  guint       flag;
} NkQuoteKindName;

static const NkQuoteKindName nk_quote_kinds[] = {
  { "verb", NK_LEX_VERB },     { "part", NK_LEX_PART },       { "phrase", NK_LEX_PHRASE },
  { "ncue", NK_LEX_NCUE },     { "pnoun", NK_LEX_PNOUN },     { "inoun", NK_LEX_INOUN },
  { "skip", NK_LEX_SKIP },     { "title", NK_LEX_TITLE },     { "det-def", NK_LEX_DET_DEF },
  { "det-ind", NK_LEX_DET_IND }, { "prep", NK_LEX_PREP },     { "rel", NK_LEX_REL },
  { "comp", NK_LEX_COMP },     { "conj", NK_LEX_CONJ },       { "sub", NK_LEX_SUB },
  { "pron-m", NK_LEX_PRON_M }, { "pron-f", NK_LEX_PRON_F },   { "pron-n", NK_LEX_PRON_N },
  { "pron-p", NK_LEX_PRON_P }, { "pron-1", NK_LEX_PRON_1 },   { "qverb", NK_LEX_QVERB },
};

static guint
nk_quote_kind_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (nk_quote_kinds); i++)
    if (strcmp (nk_quote_kinds[i].name, name) == 0)
      return nk_quote_kinds[i].flag;
  return 0;
}

/* Keys are lower-cased ASCII with single spaces: the tokenizer builds the same form. */
static char *
nk_quote_normalise_key (const char *s)
{
  g_auto (GStrv) words = g_strsplit_set (s, " \t", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_autofree char *lower = g_ascii_strdown (words[i], -1);
      g_string_append (out, lower);
    }
  return g_string_free (out, FALSE);
}

static void
nk_quote_lexicon_add (NkQuoteLexicon *lex,
                      const char     *key,
                      guint           flags)
{
  guint old = GPOINTER_TO_UINT (g_hash_table_lookup (lex->words, key));
  g_hash_table_replace (lex->words, g_strdup (key), GUINT_TO_POINTER (old | flags));
}

static gboolean
nk_quote_parse_lexicon_line (NkQuoteLexicon    *lex,
                             char              *line,
                             const NkDataLines *at,
                             GError           **error)
{
  char *sep = strpbrk (line, " \t");
  if (sep == NULL)
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "expected \"KIND WORD\", got \"%s\"", line);
      return FALSE;
    }
  *sep = '\0';
  guint flag = nk_quote_kind_lookup (line);
  if (flag == 0)
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "unknown kind \"%s\"", line);
      return FALSE;
    }
  g_autofree char *key = nk_quote_normalise_key (sep + 1);
  if (key[0] == '\0' || strlen (key) >= NK_QUOTE_MAX_WORD)
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "missing or overlong word after \"%s\"", line);
      return FALSE;
    }

  char *space = strchr (key, ' ');
  if (flag == NK_LEX_PHRASE && space == NULL)
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "a phrase needs at least two words");
      return FALSE;
    }
  if (space != NULL)
    {
      if (flag != NK_LEX_PHRASE)
        {
          nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                               "only \"phrase\" entries may have several words");
          return FALSE;
        }
      /* The first word marks where a phrase may start, so plain words cost one lookup. */
      g_autofree char *head = g_strndup (key, (gsize) (space - key));
      nk_quote_lexicon_add (lex, head, NK_LEX_PHRASE_HEAD);
    }
  nk_quote_lexicon_add (lex, key, flag);
  return TRUE;
}

static gboolean
nk_quote_parse_demonym_line (NkQuoteLexicon    *lex,
                             char              *line,
                             const NkDataLines *at,
                             GError           **error)
{
  char *tab = strchr (line, '\t');
  if (tab == NULL || tab == line || tab[1] == '\0')
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "expected \"ADJECTIVE<TAB>COUNTRY\"");
      return FALSE;
    }
  *tab = '\0';
  g_hash_table_replace (lex->demonyms, nk_quote_normalise_key (line), g_strdup (tab + 1));
  return TRUE;
}

static gboolean
nk_quote_parse_names_line (NkQuoteLexicon    *lex,
                           char              *line,
                           const NkDataLines *at,
                           GError           **error)
{
  if ((line[0] != 'M' && line[0] != 'F') || (line[1] != ' ' && line[1] != '\t'))
    {
      nk_data_lines_error (at, error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                           "expected \"M NAME…\" or \"F NAME…\"");
      return FALSE;
    }
  g_auto (GStrv) names = g_strsplit_set (line + 2, " \t", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (names[i][0] != '\0')
      g_hash_table_replace (lex->names, g_ascii_strdown (names[i], -1),
                            GINT_TO_POINTER ((gint) line[0]));
  return TRUE;
}

typedef gboolean (*NkQuoteLineFunc) (NkQuoteLexicon *lex, char *line, const NkDataLines *at,
                                     GError **error);

static gboolean
nk_quote_parse_lines (NkQuoteLexicon  *lex,
                      const char      *data,
                      gsize            len,
                      const char      *origin,
                      NkQuoteLineFunc  func,
                      GError         **error)
{
  g_autofree char *copy = g_strndup (data, len);
  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                   "%s: not valid UTF-8", origin);
      return FALSE;
    }
  NkDataLines lines;
  nk_data_lines_init (&lines, copy, len, origin, NK_DATA_LINES_DEFAULT);
  for (char *line; (line = nk_data_lines_next (&lines, NULL)) != NULL;)
    if (!func (lex, line, &lines, error))
      return FALSE;
  return TRUE;
}

/* g_ascii_tolower () is a function call; this runs for every byte of every word. */
static inline guchar
nk_quote_lower (guchar c)
{
  return c >= 'A' && c <= 'Z' ? (guchar) (c + ('a' - 'A')) : c;
}

static inline guint32
nk_quote_hash (const char *bytes,
               gsize       len)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < len; i++)
    {
      h ^= nk_quote_lower ((guchar) bytes[i]);
      h *= 16777619u;
    }
  return h;
}

static inline gboolean
nk_quote_key_equal (const char *key,
                    const char *bytes,
                    gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) key[i] != nk_quote_lower ((guchar) bytes[i]))
      return FALSE;
  return TRUE;
}

/* The lower-cased bytes of a key of up to 16 bytes, packed. Bytes are lowered one by one
 * like nk_quote_lower (); only A-Z change. */
static inline void
nk_quote_pack (const char *bytes,
               gsize       len,
               guint64    *k0,
               guint64    *k1)
{
  guint64 k[2] = { 0, 0 };
  for (gsize i = 0; i < len; i++)
    k[i >> 3] |= (guint64) nk_quote_lower ((guchar) bytes[i]) << ((i & 7) * 8);
  *k0 = k[0];
  *k1 = k[1];
}

/* Any bytes; the tokenizer packs its words itself (nk-quotes-text.c). */
guint
nk_quote_lexicon_lookup (const NkQuoteLexicon *lex,
                         const char           *bytes,
                         gsize                 len)
{
  if (len == 0 || len > lex->max_len)
    return 0;
  if (len <= NK_QUOTE_PACKED_MAX)
    {
      guint64 k0, k1;
      nk_quote_pack (bytes, len, &k0, &k1);
      return nk_quote_lexicon_lookup_packed (lex, k0, k1, len);
    }
  guint32 h = nk_quote_hash (bytes, len);
  for (guint32 i = h & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkQuoteSlot *slot = &lex->slots[i];
      if (slot->key == NULL)
        return 0;
      if (slot->hash == h && slot->len == len && nk_quote_key_equal (slot->key, bytes, len))
        return slot->flags;
    }
}

static void
nk_quote_lexicon_build_slots (NkQuoteLexicon *lex)
{
  guint32 size = 64, bits = 6;
  while (size < 2 * g_hash_table_size (lex->words) + 1)
    size *= 2, bits++;
  lex->slots = g_new0 (NkQuoteSlot, size);
  lex->mask = size - 1;
  lex->packed = g_new0 (NkQuotePacked, size);
  lex->packed_mask = size - 1;
  lex->packed_shift = 64 - bits;

  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, lex->words);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 len = (guint32) strlen (key);
      lex->max_len = MAX (lex->max_len, len);
      if (len <= NK_QUOTE_PACKED_MAX)
        {
          guint64 k0, k1;
          nk_quote_pack (key, len, &k0, &k1);
          guint32 i = nk_quote_packed_index (lex, k0, k1, len);
          while (lex->packed[i].len != 0)
            i = (i + 1) & lex->packed_mask;
          lex->packed[i] = (NkQuotePacked) { k0, k1, len, GPOINTER_TO_UINT (value) };
          continue;
        }
      guint32 h = nk_quote_hash (key, len);
      guint32 i = h & lex->mask;
      while (lex->slots[i].key != NULL)
        i = (i + 1) & lex->mask;
      lex->slots[i] = (NkQuoteSlot) { key, h, len, GPOINTER_TO_UINT (value) };
    }
}

NkQuoteLexicon *
nk_quote_lexicon_new_from_data (const char *lexicon,
                                gsize       lexicon_len,
                                const char *lexicon_origin,
                                const char *demonyms,
                                gsize       demonyms_len,
                                const char *demonyms_origin,
                                const char *names,
                                gsize       names_len,
                                const char *names_origin,
                                GError    **error)
{
  g_return_val_if_fail (lexicon != NULL && demonyms != NULL && names != NULL, NULL);

  g_autoptr (NkQuoteLexicon) lex = g_new0 (NkQuoteLexicon, 1);
  lex->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lex->demonyms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lex->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!nk_quote_parse_lines (lex, lexicon, lexicon_len, lexicon_origin,
                             nk_quote_parse_lexicon_line, error))
    return NULL;
  if (!nk_quote_parse_lines (lex, demonyms, demonyms_len, demonyms_origin,
                             nk_quote_parse_demonym_line, error))
    return NULL;
  if (!nk_quote_parse_lines (lex, names, names_len, names_origin,
                             nk_quote_parse_names_line, error))
    return NULL;

  guint n_cues = 0;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, lex->words);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (GPOINTER_TO_UINT (value) & NK_LEX_CUE)
      n_cues++;
  if (n_cues == 0)
    {
      g_set_error (error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE,
                   "%s: no reporting verbs (kinds verb, part or phrase)", lexicon_origin);
      return NULL;
    }
  nk_quote_lexicon_build_slots (lex);
  return g_steal_pointer (&lex);
}

NkQuoteLexicon *
nk_quote_lexicon_new_from_files (const char *lexicon_path,
                                 const char *demonyms_path,
                                 const char *names_path,
                                 GError    **error)
{
  g_autofree char *lexicon = NULL;
  g_autofree char *demonyms = NULL;
  g_autofree char *names = NULL;
  gsize lexicon_len = 0, demonyms_len = 0, names_len = 0;

  if (!g_file_get_contents (lexicon_path, &lexicon, &lexicon_len, error)
      || !g_file_get_contents (demonyms_path, &demonyms, &demonyms_len, error)
      || !g_file_get_contents (names_path, &names, &names_len, error))
    return NULL;
  return nk_quote_lexicon_new_from_data (lexicon, lexicon_len, lexicon_path,
                                         demonyms, demonyms_len, demonyms_path,
                                         names, names_len, names_path, error);
}

void
nk_quote_lexicon_free (NkQuoteLexicon *lexicon)
{
  if (lexicon == NULL)
    return;
  g_clear_pointer (&lexicon->words, g_hash_table_unref);
  g_clear_pointer (&lexicon->demonyms, g_hash_table_unref);
  g_clear_pointer (&lexicon->names, g_hash_table_unref);
  g_free (lexicon->slots);
  g_free (lexicon->packed);
  g_free (lexicon);
}

guint
nk_quote_lexicon_get_size (const NkQuoteLexicon *lexicon)
{
  g_return_val_if_fail (lexicon != NULL, 0);
  return g_hash_table_size (lexicon->words);
}

const char *
nk_quote_lexicon_demonym (const NkQuoteLexicon *lex,
                          const char           *key)
{
  return g_hash_table_lookup (lex->demonyms, key);
}

char
nk_quote_lexicon_gender (const NkQuoteLexicon *lex,
                         const char           *name,
                         gsize                 len)
{
  char key[NK_QUOTE_MAX_WORD];
  if (len == 0 || len >= sizeof key)
    return 0;
  for (gsize i = 0; i < len; i++)
    key[i] = g_ascii_tolower (name[i]);
  key[len] = '\0';
  return (char) GPOINTER_TO_INT (g_hash_table_lookup (lex->names, key));
}

NkQuoteLabel
nk_quote_label_from_string (const char *label)
{
  static const char *const names[] = {
    NULL, "PERSON", "ORG", "GPE", "LOC", "FACILITY", "NORP", "EVENT", "DATE",
  };
  /* the labels differ in their first letter: one strcmp confirms the candidate */
  static const guint8 by_first[26] = {
    ['D' - 'A'] = 8, ['E' - 'A'] = 7, ['F' - 'A'] = 5, ['G' - 'A'] = 3,
    ['L' - 'A'] = 4, ['N' - 'A'] = 6, ['O' - 'A'] = 2, ['P' - 'A'] = 1,
  };
  if (label == NULL || label[0] < 'A' || label[0] > 'Z')
    return NK_QUOTE_LABEL_OTHER;
  guint i = by_first[label[0] - 'A'];
  if (i != 0 && strcmp (names[i], label) == 0)
    return (NkQuoteLabel) i;
  return NK_QUOTE_LABEL_OTHER;
}
