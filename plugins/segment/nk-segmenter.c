/* nk-segmenter.c — rule-based paragraph, sentence and token segmentation.
 *
 * One pass finds the lines (memchr), one pass per paragraph looks for sentence
 * candidates (only '.', '?', '!', '\n', ')' and the lead bytes of a few Unicode
 * punctuation marks stop it; sixteen bytes a step with SSE2, else a byte table) and decides
 * each candidate from a bounded window around it, and one pass per sentence cuts tokens
 * (plain ASCII words, one-byte punctuation and quotes/dashes on inline fast paths). Every
 * look-around is capped, so the whole thing stays linear even on one 50 MB line.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-segment"

#include "nk-segmenter.h"

#include <nkpipe.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

G_DEFINE_QUARK (nk-segmenter-error-quark, nk_segmenter_error)

/* Longest abbreviation / starter word we look up; longer words are never abbreviations. */
#define NK_WORD_MAX 31
/* How far back a sentence-final word or forward a no-space chunk is examined. */
#define NK_LOOK_MAX 64

/* One slot of the lookup table: the hash table's key, its length and class. */
typedef struct {
  const char *word;   /* NULL: empty slot */
  guint32     hash;
  guint8      len;
  guint8      klass;
} NkLexSlot;

struct _NkSegmenter {
  GHashTable *entries;  /* lower-cased word (owned) -> GUINT_TO_POINTER (NkAbbrevClass) */
  /* Built from @entries after each load: an open-addressed copy that hashes while it
   * folds case, so a lookup costs one pass over the word and, mostly, one slot. */
  NkLexSlot  *slots;
  guint       mask;
};

/* ---- character classes ------------------------------------------------------------ */

enum {
  C_SPACE = 1 << 0,  /* horizontal white space and \r, \f, \v */
  C_NL    = 1 << 1,
  C_UPPER = 1 << 2,
  C_LOWER = 1 << 3,
  C_DIGIT = 1 << 4,
  C_OPEN  = 1 << 5,  /* may open a quotation or bracket */
  C_CLOSE = 1 << 6,  /* may close one right after a full stop */
  C_SCAN  = 1 << 7,  /* stops the sentence scanner */
  C_WEND  = 1 << 8,  /* after letters/digits, always ends a plain word */
  C_SKIP  = 1 << 9,  /* white space and control characters: between tokens */
  C_URL   = 1 << 10, /* may start "http", "www", "ftp" */
  C_NUMSEP = 1 << 11, /* ',' and ':' continue a number ("1,000", "10:30") */
  C_PUNCT1 = 1 << 12, /* always a one-byte punctuation token (not ' . - ? ! @ #) */
};

static guint16 nk_ascii[256];
static guchar nk_lower[128];  /* ASCII lower-casing */

static void
nk_ascii_init_once (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (int c = 0; c < 128; c++)
    nk_lower[c] = (guchar) (c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  for (int c = 'A'; c <= 'Z'; c++)
    nk_ascii[c] |= C_UPPER;
  for (int c = 'a'; c <= 'z'; c++)
    nk_ascii[c] |= C_LOWER;
  for (int c = '0'; c <= '9'; c++)
    nk_ascii[c] |= C_DIGIT;
  nk_ascii[' '] |= C_SPACE;
  nk_ascii['\t'] |= C_SPACE;
  nk_ascii['\r'] |= C_SPACE;
  nk_ascii['\f'] |= C_SPACE;
  nk_ascii['\v'] |= C_SPACE;
  nk_ascii['\n'] |= C_NL | C_SCAN;
  for (const char *p = "\"'([{"; *p; p++)
    nk_ascii[(guchar) *p] |= C_OPEN;
  for (const char *p = "\"')]}"; *p; p++)
    nk_ascii[(guchar) *p] |= C_CLOSE;
  for (const char *p = ".?!)"; *p; p++)
    nk_ascii[(guchar) *p] |= C_SCAN;
  for (const char *p = " \t\n\r,;:)]}\"?!"; *p; p++)
    nk_ascii[(guchar) *p] |= C_WEND;
  for (int c = 0; c < 0x20; c++)
    nk_ascii[c] |= C_SKIP;
  nk_ascii[' '] |= C_SKIP;
  nk_ascii[0x7F] |= C_SKIP;
  for (int c = 0x21; c < 0x7F; c++)
    if (!(nk_ascii[c] & (C_UPPER | C_LOWER | C_DIGIT)) && strchr ("'.-?!@#", c) == NULL)
      nk_ascii[c] |= C_PUNCT1;
  nk_ascii[','] |= C_NUMSEP;
  nk_ascii[':'] |= C_NUMSEP;
  for (const char *p = "hHwWfF"; *p; p++)
    nk_ascii[(guchar) *p] |= C_URL;
  /* Lead bytes of U+2000..U+2FFF (ellipsis, bullets, ‼), U+3000.. (。) and U+FF00.. (！？). */
  nk_ascii[0xE2] |= C_SCAN;
  nk_ascii[0xE3] |= C_SCAN;
  nk_ascii[0xEF] |= C_SCAN;
  g_once_init_leave (&done, 1);
}

/* Decodes the character at @i (text[i] < end); invalid or truncated sequences count as
 * one byte of U+FFFD so that a stray byte can never make us skip past @end. */
static inline gunichar
nk_get (const char *text, gsize i, gsize end, guint *n)
{
  const guchar *p = (const guchar *) text + i;
  guchar b = p[0];

  if (b < 0x80)
    {
      *n = 1;
      return b;
    }
  guint need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (need == 0 || i + need > end)
    {
      *n = 1;
      return 0xFFFD;
    }
  gunichar c = b & (0x7F >> need);
  for (guint k = 1; k < need; k++)
    {
      if ((p[k] & 0xC0) != 0x80)
        {
          *n = 1;
          return 0xFFFD;
        }
      c = (c << 6) | (p[k] & 0x3F);
    }
  *n = need;
  return c;
}

static inline gunichar
nk_at (const char *text, gsize i, gsize end)
{
  guint n;

  return i < end ? nk_get (text, i, end, &n) : 0;
}

/* Start of the character that ends just before @i (i > floor). */
static inline gsize
nk_prev (const char *text, gsize i, gsize floor)
{
  gsize j = i - 1;

  for (guint k = 0; k < 3 && j > floor && ((guchar) text[j] & 0xC0) == 0x80; k++)
    j--;
  return j;
}

/* U+2000..U+206F (spaces, dashes, quotes, bullets, ellipsis) are frequent in news and
 * hold no letters: answered without a Unicode table lookup. */
static inline gboolean
nk_is_general_punct (gunichar c)
{
  return c >= 0x2000 && c <= 0x206F;
}

static inline gboolean
nk_is_space (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & (C_SPACE | C_NL)) != 0;
  if (nk_is_general_punct (c))
    return c <= 0x200B || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F;
  return g_unichar_isspace (c) || c == 0xFEFF;
}

static inline gboolean
nk_is_lower (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & C_LOWER) != 0;
  return g_unichar_islower (c);
}

static inline gboolean
nk_is_upper (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & C_UPPER) != 0;
  return g_unichar_isupper (c) || g_unichar_istitle (c);
}

static inline gboolean
nk_is_digit (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & C_DIGIT) != 0;
  return g_unichar_isdigit (c);
}

static inline gboolean
nk_is_alnum (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & (C_UPPER | C_LOWER | C_DIGIT)) != 0;
  if (nk_is_general_punct (c))
    return FALSE;
  if (g_unichar_isalnum (c))
    return TRUE;
  GUnicodeType t = g_unichar_type (c);
  return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
         t == G_UNICODE_ENCLOSING_MARK;
}

static inline gboolean
nk_is_open (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & C_OPEN) != 0;
  return c == 0x201C || c == 0x2018 || c == 0x00AB || c == 0x2039 || c == 0x201E ||
         c == 0x201A || c == 0xFF08 || c == 0x300C || c == 0x300E;
}

static inline gboolean
nk_is_close (gunichar c)
{
  if (c < 0x80)
    return (nk_ascii[c] & C_CLOSE) != 0;
  return c == 0x201D || c == 0x2019 || c == 0x00BB || c == 0x203A || c == 0xFF09 ||
         c == 0x300D || c == 0x300F;
}

static inline gboolean
nk_is_bullet (gunichar c)
{
  return c == 0x2022 || c == 0x2043 || c == 0x2023 || c == 0x25E6 || c == 0x25AA ||
         c == 0x25CF || c == 0x25A0;
}

/* Ideographic and full-width stops end a sentence with no space after them. */
static inline gboolean
nk_is_cjk_stop (gunichar c)
{
  return c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

static inline gboolean
nk_is_qe (gunichar c)
{
  return c == '?' || c == '!' || c == 0x203C || (c >= 0x2047 && c <= 0x2049) ||
         nk_is_cjk_stop (c);
}

static inline gboolean
nk_is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* ---- lexicon ---------------------------------------------------------------------- */

NkSegmenter *
nk_segmenter_new (void)
{
  NkSegmenter *seg = g_new0 (NkSegmenter, 1);

  nk_ascii_init_once ();
  seg->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return seg;
}

void
nk_segmenter_free (NkSegmenter *seg)
{
  if (seg == NULL)
    return;
  g_hash_table_unref (seg->entries);
  g_free (seg->slots);
  g_free (seg);
}

guint
nk_segmenter_get_n_entries (const NkSegmenter *seg)
{
  return g_hash_table_size (seg->entries);
}

static const struct {
  const char    *name;
  NkAbbrevClass  klass;
} nk_abbrev_sections[] = {
  { "title", NK_ABBREV_TITLE },
  { "month", NK_ABBREV_MONTH },
  { "number", NK_ABBREV_NUMBER },
  { "state", NK_ABBREV_STATE },
  { "generic", NK_ABBREV_GENERIC },
  { "inner", NK_ABBREV_INNER },
  { "end", NK_ABBREV_END },
  { "starter", NK_ABBREV_STARTER },
  { "speech", NK_ABBREV_SPEECH },
};

static gboolean
nk_parse_section (const char    *line,
                  gsize          len,
                  NkAbbrevClass *klass)
{
  for (guint k = 0; k < G_N_ELEMENTS (nk_abbrev_sections); k++)
    {
      const char *name = nk_abbrev_sections[k].name;
      if (strlen (name) == len && memcmp (name, line, len) == 0)
        {
          *klass = nk_abbrev_sections[k].klass;
          return TRUE;
        }
    }
  return FALSE;
}

/* Lower-cases ASCII letters of word[0, len) into @buf (NUL-terminated) and returns their
 * FNV-1a hash in @hash; FALSE if too long. */
static gboolean
nk_fold (const char *word,
         gsize       len,
         char        buf[NK_WORD_MAX + 1],
         guint32    *hash)
{
  guint32 h = 2166136261u;

  if (len == 0 || len > NK_WORD_MAX)
    return FALSE;
  for (gsize k = 0; k < len; k++)
    {
      guchar b = (guchar) word[k];
      b |= (guchar) (b - 'A') < 26 ? 0x20 : 0;
      buf[k] = (char) b;
      h = (h ^ b) * 16777619u;
    }
  buf[len] = '\0';
  *hash = h;
  return TRUE;
}

/* Rebuilds seg->slots from seg->entries, at most half full. */
static void
nk_build_slots (NkSegmenter *seg)
{
  guint size = 64;
  GHashTableIter iter;
  gpointer key, value;

  while (size < 2 * g_hash_table_size (seg->entries))
    size *= 2;
  g_free (seg->slots);
  seg->slots = g_new0 (NkLexSlot, size);
  seg->mask = size - 1;
  g_hash_table_iter_init (&iter, seg->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char buf[NK_WORD_MAX + 1];
      guint32 h = 0;
      gsize len = strlen (key);

      nk_fold (key, len, buf, &h);
      guint k = h & seg->mask;
      while (seg->slots[k].word != NULL)
        k = (k + 1) & seg->mask;
      seg->slots[k] = (NkLexSlot) { key, h, (guint8) len, (guint8) GPOINTER_TO_UINT (value) };
    }
}

static gboolean
nk_add_entry (NkSegmenter   *seg,
              const char    *line,
              gsize          len,
              NkAbbrevClass  klass,
              const char    *name,
              guint          lineno,
              GError       **error)
{
  char buf[NK_WORD_MAX + 1];
  guint32 hash;

  while (len > 1 && line[len - 1] == '.')
    len--;
  for (gsize k = 0; k < len; k++)
    if (g_ascii_isspace (line[k]))
      {
        g_set_error (error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA,
                     "%s:%u: an entry is one word without spaces", name, lineno);
        return FALSE;
      }
  if (!nk_fold (line, len, buf, &hash))
    {
      g_set_error (error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA,
                   "%s:%u: entry longer than %d bytes", name, lineno, NK_WORD_MAX);
      return FALSE;
    }
  g_hash_table_replace (seg->entries, g_strdup (buf), GUINT_TO_POINTER (klass));
  return TRUE;
}

static gboolean
nk_load_lines (NkSegmenter *seg,
               const char  *data,
               gsize        len,
               const char  *name,
               GError     **error)
{
  NkAbbrevClass klass = NK_ABBREV_NONE;
  g_autofree char *copy = NULL;
  NkDataLines lines;
  const char *line;
  gsize n;

  if (!g_utf8_validate (data, len, NULL))
    {
      g_set_error (error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA,
                   "%s: not valid UTF-8", name);
      return FALSE;
    }
  copy = g_strndup (data, len);
  nk_data_lines_init (&lines, copy, len, name, NK_DATA_LINES_DEFAULT);
  while ((line = nk_data_lines_next (&lines, &n)) != NULL)
    {
      if (line[0] == '[')
        {
          if (n < 3 || line[n - 1] != ']' || !nk_parse_section (line + 1, n - 2, &klass))
            {
              nk_data_lines_error (&lines, error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA,
                                   "unknown section %.*s (expected [title], [month], "
                                   "[number], [state], [generic], [inner], [end], [starter] "
                                   "or [speech])", (int) n, line);
              return FALSE;
            }
          continue;
        }
      if (klass == NK_ABBREV_NONE)
        {
          nk_data_lines_error (&lines, error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA,
                               "entry before the first [section]");
          return FALSE;
        }
      if (!nk_add_entry (seg, line, n, klass, name, lines.lineno, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
nk_segmenter_load_data (NkSegmenter *seg,
                        const char  *data,
                        gsize        len,
                        const char  *name,
                        GError     **error)
{
  g_return_val_if_fail (seg != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  gboolean ok = nk_load_lines (seg, data, len, name, error);
  /* Also after an error: the entries read before it stay, and lookups must see them. */
  nk_build_slots (seg);
  return ok;
}

gboolean
nk_segmenter_load_file (NkSegmenter *seg,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  return nk_segmenter_load_data (seg, data, len, path, error);
}

NkAbbrevClass
nk_segmenter_lookup (const NkSegmenter *seg,
                     const char        *word,
                     gsize              len)
{
  char buf[NK_WORD_MAX + 1];
  guint32 hash;
  NkAbbrevClass klass = NK_ABBREV_NONE;

  if (seg->slots == NULL || !nk_fold (word, len, buf, &hash))
    return NK_ABBREV_NONE;
  for (guint k = hash & seg->mask; seg->slots[k].word != NULL; k = (k + 1) & seg->mask)
    {
      const NkLexSlot *slot = &seg->slots[k];
      if (slot->hash == hash && slot->len == len && memcmp (slot->word, buf, len) == 0)
        {
          klass = slot->klass;
          break;
        }
    }

  /* Titles, months and states are capitalised in running text; "miss." or "ill." in lower
   * case are ordinary words. */
  if ((klass == NK_ABBREV_TITLE || klass == NK_ABBREV_MONTH || klass == NK_ABBREV_STATE) &&
      !g_ascii_isupper (word[0]))
    return NK_ABBREV_NONE;
  return klass;
}

static inline gboolean
nk_is_abbrev_class (NkAbbrevClass klass)
{
  return klass != NK_ABBREV_NONE && klass != NK_ABBREV_STARTER && klass != NK_ABBREV_SPEECH;
}

/* ---- sentences -------------------------------------------------------------------- */

/* Span output: as for tokens, the array's length serves as capacity while the text is
 * split (grown by doubling) and is set to the real count at the end. */
typedef struct {
  GArray *array;  /* NULL: these spans are not wanted */
  guint   n;
} NkSpanOut;

static void
nk_span_out_init (NkSpanOut *out,
                  GArray    *array)
{
  out->array = array;
  out->n = array != NULL ? array->len : 0;
}

static void
nk_span_out_finish (NkSpanOut *out)
{
  if (out->array != NULL)
    g_array_set_size (out->array, out->n);
}

static inline void
nk_span_push (NkSpanOut *out,
              gsize      a,
              gsize      b)
{
  if (G_UNLIKELY (out->n == out->array->len))
    g_array_set_size (out->array, MAX (64u, out->n * 2));
  g_array_index (out->array, NkSegSpan, out->n++) = (NkSegSpan) { (guint32) a, (guint32) b };
}

typedef enum {
  NK_LIST_NONE,
  NK_LIST_NUMBER,  /* "1. ", "1.) ", "1) " */
  NK_LIST_ALPHA,   /* "a. ", "a) " */
} NkListKind;

typedef struct {
  const NkSegmenter *seg;
  const char        *text;
  gsize              pe;          /* paragraph end */
  NkSpanOut         *sentences;
  gsize              s;           /* current sentence start */
  gsize              marker;      /* where a list marker would start in this sentence */
  NkListKind         list;        /* the list marker the sentence starts with */
  guint              list_value;  /* its number (or letter: a = 1) */
  gsize              term_pos;    /* cache: first final punctuation at or after term_from */
  gsize              term_from;
} NkSentCtx;

static gsize
nk_skip_space (const char *text,
               gsize       i,
               gsize       end,
               gboolean   *newline)
{
  while (i < end)
    {
      guint n;
      gunichar c = nk_get (text, i, end, &n);
      if (!nk_is_space (c))
        break;
      if (newline != NULL && (c == '\n' || c == 0x2028 || c == 0x2029))
        *newline = TRUE;
      i += n;
    }
  return i;
}

static gsize
nk_trim_back (const char *text,
              gsize       floor,
              gsize       end)
{
  while (end > floor)
    {
      gsize p = nk_prev (text, end, floor);
      if (!nk_is_space (nk_at (text, p, end)))
        break;
      end = p;
    }
  return end;
}

static void
nk_emit (NkSpanOut  *out,
         const char *text,
         gsize       a,
         gsize       b)
{
  /* Mostly the span already starts and ends on printable ASCII: no trimming to do. */
  if (!(a < b && (guchar) text[a] > ' ' && (guchar) text[a] < 0x80 &&
        (guchar) text[b - 1] > ' ' && (guchar) text[b - 1] < 0x80))
    {
      a = nk_skip_space (text, a, b, NULL);
      b = nk_trim_back (text, a, b);
    }
  if (out->array != NULL && b > a)
    nk_span_push (out, a, b);
}

/* Recognises a list marker ("3.", "3.)", "3)", "b.", "b)") at @i followed by a space;
 * returns its kind and where the marker's number or letter ends. */
static NkListKind
nk_list_marker (const char *text,
                gsize       i,
                gsize       end,
                gsize      *word_end)
{
  gsize j = i;
  NkListKind kind;

  while (j < end && j - i < 3 && g_ascii_isdigit (text[j]))
    j++;
  if (j > i)
    kind = NK_LIST_NUMBER;
  else if (j < end && g_ascii_islower (text[j]))
    kind = NK_LIST_ALPHA, j++;
  else
    return NK_LIST_NONE;
  *word_end = j;
  if (j < end && text[j] == '.')
    j++;
  if (j < end && text[j] == ')')
    j++;
  if (j == *word_end || j >= end || !nk_is_space (nk_at (text, j, end)))
    return NK_LIST_NONE;
  return kind;
}

/* The value of a list marker: its number, or its letter's place in the alphabet. */
static guint
nk_marker_value (const char *text,
                 gsize       ws,
                 gsize       word_end)
{
  if (g_ascii_islower (text[ws]))
    return (guint) (text[ws] - 'a' + 1);
  guint v = 0;
  for (gsize k = ws; k < word_end; k++)
    v = v * 10 + (guint) (text[k] - '0');
  return v;
}

static void
nk_start_sentence (NkSentCtx *ctx,
                   gsize      pos)
{
  const char *text = ctx->text;
  gsize word_end;
  guint n;

  ctx->s = pos;
  if (pos < ctx->pe && nk_is_bullet (nk_get (text, pos, ctx->pe, &n)))
    pos = nk_skip_space (text, pos + n, ctx->pe, NULL);
  ctx->marker = pos;
  ctx->list = nk_list_marker (text, pos, ctx->pe, &word_end);
  ctx->list_value = ctx->list != NK_LIST_NONE ? nk_marker_value (text, pos, word_end) : 0;
}

static void
nk_boundary (NkSentCtx *ctx,
             gsize      end,
             gsize      next)
{
  nk_emit (ctx->sentences, ctx->text, ctx->s, end);
  nk_start_sentence (ctx, next);
}

/* Whether final punctuation (. ? ! …) occurs in [from, paragraph end). Cached so that
 * repeated questions over one paragraph scan each byte at most once. */
static gboolean
nk_final_punct_after (NkSentCtx *ctx,
                      gsize      from)
{
  if (ctx->term_pos != G_MAXSIZE && from >= ctx->term_from && from <= ctx->term_pos)
    return ctx->term_pos < ctx->pe;

  const char *text = ctx->text;
  gsize j = from;

  for (; j < ctx->pe; j++)
    {
      guchar b = text[j];
      if (b == '.' || b == '?' || b == '!')
        break;
      if (b == 0xE2 && j + 2 < ctx->pe && (guchar) text[j + 1] == 0x80 &&
          (guchar) text[j + 2] == 0xA6)
        break;
    }
  ctx->term_from = from;
  ctx->term_pos = j;
  return j < ctx->pe;
}

/* A line break inside a paragraph ends the sentence unless the next line starts in lower
 * case and the sentence's final punctuation comes later (a line cut mid-sentence). */
static gboolean
nk_line_continues (NkSentCtx *ctx,
                   gsize      next)
{
  gsize m = next;
  guint n;

  while (m < ctx->pe && nk_is_open (nk_get (ctx->text, m, ctx->pe, &n)))
    m += n;
  return nk_is_lower (nk_at (ctx->text, m, ctx->pe)) && nk_final_punct_after (ctx, m);
}

/* The word ending at @end (exclusive), back to white space or an opening bracket/quote. */
static gsize
nk_word_start (const char *text,
               gsize       floor,
               gsize       end)
{
  gsize i = end;

  while (i > floor && end - i < NK_LOOK_MAX)
    {
      guchar b = (guchar) text[i - 1];
      if (b < 0x80)
        {
          /* ASCII: no bullet is ASCII, so the table answers alone. */
          if (nk_ascii[b] & (C_SPACE | C_NL | C_OPEN))
            break;
          i--;
          continue;
        }
      gsize p = nk_prev (text, i, floor);
      gunichar c = nk_at (text, p, end);
      if (nk_is_space (c) || nk_is_open (c) || nk_is_bullet (c))
        break;
      i = p;
    }
  return i;
}

/* "U.S", "e.g", "Ph.D", "S.C" (after "R-"): letters in short dot-separated parts. */
static gboolean
nk_is_dotted (const char *w,
              gsize       len)
{
  gsize part = 0;
  guint dots = 0;

  for (gsize k = 0; k < len; k++)
    {
      if (w[k] == '.')
        {
          if (part == 0)
            return FALSE;
          dots++, part = 0;
        }
      else if (g_ascii_isalpha (w[k]) && part < 3)
        part++;
      else
        return FALSE;
    }
  return dots > 0 && part > 0;
}

/* The class of the word before a full stop, applying the rules that need no lexicon. */
static NkAbbrevClass
nk_word_class (const NkSegmenter *seg,
               const char        *w,
               gsize              len)
{
  NkAbbrevClass klass = nk_segmenter_lookup (seg, w, len);

  if (nk_is_abbrev_class (klass))
    return klass;
  /* "R-S.C", "ex-Gov": judge the part after the last hyphen. */
  const char *dash = NULL;
  for (gsize k = len; k > 0 && dash == NULL; k--)
    if (w[k - 1] == '-')
      dash = w + k - 1;
  if (dash != NULL && dash + 1 < w + len)
    {
      gsize tail = (gsize) (w + len - (dash + 1));
      klass = nk_segmenter_lookup (seg, dash + 1, tail);
      if (nk_is_abbrev_class (klass))
        return klass;
      w = dash + 1, len = tail;
    }
  /* "U.S. Treasury" names go on after capitalised dotted abbreviations; after lower-case
   * ones ("i.v.") a capital starts a new sentence, unless the lexicon says otherwise. */
  if (nk_is_dotted (w, len))
    {
      for (gsize k = 0; k < len; k++)
        if (g_ascii_isupper (w[k]))
          return NK_ABBREV_GENERIC;
      return NK_ABBREV_END;
    }
  return NK_ABBREV_NONE;
}

static gsize
nk_word_len (const char *text,
             gsize       m,
             gsize       end)
{
  gsize j = m;

  while (j < end && g_ascii_isalpha (text[j]))
    j++;
  return j - m;
}

/* Whether the word at @m is a typical sentence starter ("The", "But", "He"). */
static gboolean
nk_is_starter (const NkSegmenter *seg,
               const char        *text,
               gsize              m,
               gsize              end)
{
  gsize j = m;

  while (j < end && j - m <= NK_WORD_MAX && g_ascii_isalpha (text[j]))
    j++;
  if (j == m || j - m > NK_WORD_MAX)
    return FALSE;
  /* "I'm", "It's": the word before the apostrophe decides. */
  return nk_segmenter_lookup (seg, text + m, j - m) == NK_ABBREV_STARTER;
}

/* “Why?” Mr. Trump asked. — after a quote closing on ? or !, up to four capitalised words
 * (a name, a title) and then a speech verb continue the sentence. */
static gboolean
nk_attribution_follows (const NkSegmenter *seg,
                        const char        *text,
                        gsize              m,
                        gsize              end)
{
  gsize j = m;

  for (guint w = 0; w < 5 && j < end; w++)
    {
      gsize a = j;
      while (j < end && j - a <= NK_WORD_MAX &&
             (g_ascii_isalpha (text[j]) || text[j] == '.' || text[j] == '-' || text[j] == '\''))
        j++;
      if (j == a || j - a > NK_WORD_MAX)
        return FALSE;
      if (g_ascii_islower (text[a]))
        {
          gsize b = j;
          while (b > a && !g_ascii_isalpha (text[b - 1]))
            b--;
          return nk_segmenter_lookup (seg, text + a, b - a) == NK_ABBREV_SPEECH;
        }
      /* "Nobody answered": a sentence starter is no speaker's name. */
      if (w == 0 && nk_segmenter_lookup (seg, text + a, j - a) == NK_ABBREV_STARTER)
        return FALSE;
      if (w == 4 || j >= end || text[j] != ' ')
        return FALSE;
      j++;
    }
  return FALSE;
}

/* "iPhone", "eBay": a lower-case initial followed by a capital still starts a sentence. */
static gboolean
nk_is_camel (const char *text,
             gsize       m,
             gsize       end)
{
  return m + 1 < end && g_ascii_islower (text[m]) && g_ascii_isupper (text[m + 1]);
}

/* "I", "I'm", "I've": capitalised wherever they stand, so they say nothing about a
 * sentence start after a weak boundary such as an ellipsis. */
static gboolean
nk_is_pronoun_i (const char *text,
                 gsize       m,
                 gsize       end)
{
  if (m >= end || text[m] != 'I')
    return FALSE;
  if (m + 1 >= end)
    return TRUE;
  gunichar c = nk_at (text, m + 1, end);
  return !nk_is_alnum (c);
}

/* "Springfield, Ill.": a state abbreviation right after "Town, ". */
static gboolean
nk_after_place_comma (const char *text,
                      gsize       floor,
                      gsize       ws)
{
  gsize i = ws;

  while (i > floor && text[i - 1] == ' ')
    i--;
  return i > floor + 1 && text[i - 1] == ',' && g_ascii_isalpha (text[i - 2]);
}

/* "world.Today", "1,000.That": a full stop with no space, between a lower-case letter or
 * digit and a capitalised word, in a chunk that is not an e-mail, URL or domain. */
static gboolean
nk_nospace_boundary (NkSentCtx *ctx,
                     gsize      t0,
                     gsize      j)
{
  const char *text = ctx->text;
  gsize pe = ctx->pe;

  if (t0 <= ctx->s || !(nk_ascii[(guchar) text[t0 - 1]] & (C_LOWER | C_DIGIT)))
    return FALSE;
  if (j + 1 >= pe || !g_ascii_isupper (text[j]) || !g_ascii_islower (text[j + 1]))
    return FALSE;
  gsize ws = nk_word_start (text, ctx->s, t0);
  for (gsize k = ws; k < t0; k++)
    if (text[k] == '.' || text[k] == '@' || text[k] == '/' || text[k] == ':')
      return FALSE;
  for (gsize k = j; k < pe && k - j < NK_LOOK_MAX && !nk_is_space ((guchar) text[k]); k++)
    if (text[k] == '@' || text[k] == '/')
      return FALSE;
  return TRUE;
}

typedef struct {
  gsize    end;       /* after the terminators and closing quotes/brackets */
  guint    dots;
  gboolean qe;        /* ? ! or a CJK stop */
  gboolean ellipsis;  /* … or two or more dots */
  gboolean quoted;    /* a closing quote mark follows the punctuation */
  gboolean cjk;
} NkCluster;

/* Reads ". . .", "?!", "…”", ".’)" starting at @i. */
static void
nk_read_cluster (const char *text,
                 gsize       i,
                 gsize       end,
                 NkCluster  *cl)
{
  gsize j = i;
  gboolean more = TRUE;

  memset (cl, 0, sizeof *cl);
  while (more && j < end)
    {
      guint n;
      gunichar c = nk_get (text, j, end, &n);

      more = FALSE;
      if (c == '.')
        {
          cl->dots++, j++, more = TRUE;
          /* A spaced ellipsis ". . ." */
          if (j + 1 < end && text[j] == ' ' && text[j + 1] == '.')
            j++, cl->ellipsis = TRUE;
        }
      else if (c == 0x2026)
        cl->ellipsis = TRUE, j += n, more = TRUE;
      else if (nk_is_qe (c))
        cl->qe = TRUE, cl->cjk |= nk_is_cjk_stop (c), j += n, more = TRUE;
      else if (j > i && nk_is_close (c))
        {
          while (j < end && nk_is_close (c = nk_get (text, j, end, &n)))
            {
              cl->quoted |= c == '"' || c == 0x201D || c == 0x2019 || c == 0x00BB || c == '\'';
              j += n;
            }
          more = TRUE;
        }
    }
  if (cl->dots >= 2)
    cl->ellipsis = TRUE;
  cl->end = j;
}

/* "II", "IV", "XIV": a capital Roman numeral (as a section or list label). */
static gboolean
nk_is_roman (const char *w,
             gsize       len)
{
  if (len == 0 || len > 6)
    return FALSE;
  for (gsize k = 0; k < len; k++)
    if (w[k] != 'I' && w[k] != 'V' && w[k] != 'X' && w[k] != 'L')
      return FALSE;
  return TRUE;
}

/* Decides a full stop after the word [ws, t0) followed by the next sentence's first
 * letter at @m (after any opening quotes). */
static gboolean
nk_period_ends (NkSentCtx *ctx,
                gsize      ws,
                gsize      t0,
                gsize      m,
                NkAbbrevClass klass)
{
  const char *text = ctx->text;
  gunichar next = nk_at (text, m, ctx->pe);
  gsize len = t0 - ws;

  switch (klass)
    {
    case NK_ABBREV_TITLE:
      /* A title precedes a name, never "The": "on Main St. The shop…" ends. One-letter
       * starters ("A", "I") may be initials: "Dr. A. Lee". */
      return nk_is_starter (ctx->seg, text, m, ctx->pe) && nk_word_len (text, m, ctx->pe) >= 2;
    case NK_ABBREV_INNER:
      return FALSE;
    case NK_ABBREV_NUMBER:
    case NK_ABBREV_MONTH:
      return !nk_is_digit (next);
    case NK_ABBREV_STATE:
      if (nk_after_place_comma (text, ctx->s, ws))
        return nk_is_starter (ctx->seg, text, m, ctx->pe);
      return TRUE;
    case NK_ABBREV_GENERIC:
      return nk_is_starter (ctx->seg, text, m, ctx->pe);
    case NK_ABBREV_END:
    case NK_ABBREV_STARTER:
    case NK_ABBREV_SPEECH:
      return TRUE;
    case NK_ABBREV_NONE:
    default:
      break;
    }
  /* A capital letter opening a sentence is a label ("Q. What…", "A. Yes.") or an initial
   * ("J. Smith said"); elsewhere an initial ("Michael R. Pompeo") unless a typical
   * sentence starter follows. */
  if (len == 1 && g_ascii_isupper (text[ws]))
    return ws == ctx->marker ? FALSE : nk_is_starter (ctx->seg, text, m, ctx->pe);
  if (ws == ctx->marker && nk_is_roman (text + ws, len))
    return FALSE;                           /* "IV. Results" */
  if (len == 1 && g_ascii_islower (text[ws]))
    return !nk_is_digit (next);             /* "p. 55" */
  return TRUE;
}

/* A full stop after a list marker [ws, dot): the marker opening the sentence ("1. The
 * first item") is no boundary, and the next marker of an in-line list ("… first item
 * 2. The second item") starts a sentence before it. Returns TRUE if it decided. */
static gboolean
nk_list_period (NkSentCtx *ctx,
                gsize      ws,
                gsize      dot,
                gunichar   next)
{
  gsize word_end;
  NkListKind kind = nk_list_marker (ctx->text, ws, ctx->pe, &word_end);

  if (kind == NK_LIST_NONE || word_end != dot)
    return FALSE;
  if (ws == ctx->marker)
    return TRUE;
  if (kind == ctx->list && !nk_is_lower (next) &&
      nk_marker_value (ctx->text, ws, word_end) == ctx->list_value + 1)
    {
      nk_boundary (ctx, ws, ws);
      return TRUE;
    }
  return FALSE;
}

/* Handles final punctuation at @i; returns where scanning goes on. */
static gsize
nk_terminator (NkSentCtx *ctx,
               gsize      i)
{
  const char *text = ctx->text;
  gsize pe = ctx->pe;
  NkCluster cl;

  nk_read_cluster (text, i, pe, &cl);
  if (cl.end >= pe)
    return pe;
  /* "[...]" and "(…)" mark an omission inside a sentence. */
  if (cl.ellipsis && i > ctx->s && (text[i - 1] == '[' || text[i - 1] == '('))
    return cl.end;

  gunichar after = nk_at (text, cl.end, pe);
  if (!nk_is_space (after))
    {
      if (cl.cjk)
        nk_boundary (ctx, cl.end, cl.end);
      else if (cl.dots == 1 && !cl.qe && nk_nospace_boundary (ctx, i, cl.end))
        nk_boundary (ctx, cl.end, cl.end);
      return cl.end;
    }

  gboolean newline = FALSE;
  gsize k = nk_skip_space (text, cl.end, pe, &newline);
  gsize m = k;
  guint n;

  /* "to love. ..." — an ellipsis standing after the sentence stays with it. */
  if (k < pe && (text[k] == '.' || nk_at (text, k, pe) == 0x2026))
    return k;
  while (m < pe && nk_is_open (nk_get (text, m, pe, &n)))
    m += n;
  if (m >= pe)
    return cl.end;

  gunichar next = nk_at (text, m, pe);
  gboolean ends;
  NkAbbrevClass klass = NK_ABBREV_NONE;
  gsize ws = i;

  if (cl.dots == 1 && !cl.qe && !cl.ellipsis)
    {
      ws = nk_word_start (text, ctx->s, i);
      if (nk_list_period (ctx, ws, i, next))
        return k;
      klass = nk_word_class (ctx->seg, text + ws, i - ws);
    }

  if (newline && klass != NK_ABBREV_TITLE && klass != NK_ABBREV_INNER)
    ends = !nk_line_continues (ctx, k);
  else if (nk_is_lower (next) && !nk_is_camel (text, m, pe))
    ends = FALSE;
  else if (cl.qe)
    ends = !(cl.quoted && nk_attribution_follows (ctx->seg, text, m, pe));
  else if (cl.ellipsis && cl.dots >= 4)
    ends = TRUE;                    /* a full stop and an ellipsis: "that.... She" */
  else if (cl.ellipsis)
    ends = nk_is_upper (next) && !nk_is_pronoun_i (text, m, pe);
  else if (cl.quoted)
    ends = TRUE;                    /* "…in the U.S.” Officials": the quote closed it */
  else
    ends = nk_period_ends (ctx, ws, i, m, klass);

  if (ends)
    nk_boundary (ctx, cl.end, k);
  return k;
}

/* ")" in a sentence that opened with "1)": "1) The first item 2) The second item". */
static void
nk_paren_marker (NkSentCtx *ctx,
                 gsize      i)
{
  const char *text = ctx->text;
  gsize ws = nk_word_start (text, ctx->s, i);
  gsize word_end;

  if (ctx->list == NK_LIST_NONE || ws == ctx->marker || ws == i)
    return;
  if (nk_list_marker (text, ws, ctx->pe, &word_end) != ctx->list || word_end != i ||
      nk_marker_value (text, ws, word_end) != ctx->list_value + 1)
    return;
  gsize k = nk_skip_space (text, i + 1, ctx->pe, NULL);
  if (k < ctx->pe && !nk_is_lower (nk_at (text, k, ctx->pe)))
    nk_boundary (ctx, ws, ws);
}

static gsize
nk_scan_special (NkSentCtx *ctx,
                 gsize      i)
{
  const char *text = ctx->text;
  guchar b = text[i];

  if (b == '\n')
    {
      gsize k = nk_skip_space (text, i, ctx->pe, NULL);
      if (!nk_line_continues (ctx, k))
        nk_boundary (ctx, i, k);
      return k;
    }
  if (b == '.' || b == '?' || b == '!')
    return nk_terminator (ctx, i);
  if (b == ')')
    {
      nk_paren_marker (ctx, i);
      return i + 1;
    }
  /* Dashes and curly quotes (U+2013..U+201F) are the most frequent stops and never end or
   * start anything by themselves. */
  if (b == 0xE2 && i + 2 < ctx->pe && (guchar) text[i + 1] == 0x80 &&
      (guchar) text[i + 2] >= 0x93 && (guchar) text[i + 2] <= 0x9F)
    return i + 3;

  guint n;
  gunichar c = nk_get (text, i, ctx->pe, &n);
  if (c == 0x2026 || nk_is_qe (c))
    return nk_terminator (ctx, i);
  if (c == 0x2028)
    {
      gsize k = nk_skip_space (text, i, ctx->pe, NULL);
      if (!nk_line_continues (ctx, k))
        nk_boundary (ctx, i, k);
      return k;
    }
  /* "• first item • second item": an in-line bullet starts a sentence. */
  if (nk_is_bullet (c) && i > ctx->s && nk_is_space (nk_at (text, nk_prev (text, i, ctx->s),
                                                           ctx->pe)))
    nk_boundary (ctx, i, i);
  return i + n;
}

/* The first byte at or after @i that may stop the sentence scanner (C_SCAN), or a point
 * before it from which the table loop goes on; sixteen bytes a step where SSE2 exists. */
static inline gsize
nk_scan_skip (const guchar *u,
              gsize         i,
              gsize         pe)
{
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8 ('\n'), dot = _mm_set1_epi8 ('.');
  const __m128i qm = _mm_set1_epi8 ('?'), ex = _mm_set1_epi8 ('!');
  const __m128i rp = _mm_set1_epi8 (')'), ef = _mm_set1_epi8 ((char) 0xEF);
  const __m128i fe = _mm_set1_epi8 ((char) 0xFE), e2 = _mm_set1_epi8 ((char) 0xE2);

  while (i + 16 <= pe)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) (u + i));
      __m128i m = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (v, nl), _mm_cmpeq_epi8 (v, dot)),
                                _mm_or_si128 (_mm_cmpeq_epi8 (v, qm), _mm_cmpeq_epi8 (v, ex)));
      m = _mm_or_si128 (m, _mm_or_si128 (_mm_cmpeq_epi8 (v, rp), _mm_cmpeq_epi8 (v, ef)));
      /* 0xE2 and 0xE3 in one compare. */
      m = _mm_or_si128 (m, _mm_cmpeq_epi8 (_mm_and_si128 (v, fe), e2));
      int mask = _mm_movemask_epi8 (m);
      if (mask != 0)
        return i + (gsize) __builtin_ctz ((unsigned) mask);
      i += 16;
    }
#endif
  /* Four bytes a step through plain text: one branch instead of four. */
  while (i + 4 <= pe &&
         !((nk_ascii[u[i]] | nk_ascii[u[i + 1]] | nk_ascii[u[i + 2]] | nk_ascii[u[i + 3]]) &
           C_SCAN))
    i += 4;
  return i;
}

static void
nk_split_paragraph (const NkSegmenter *seg,
                    const char        *text,
                    gsize              ps,
                    gsize              pe,
                    NkSpanOut         *sentences)
{
  NkSentCtx ctx = { seg, text, pe, sentences, ps, ps, NK_LIST_NONE, 0, G_MAXSIZE, 0 };
  gsize i = ps;

  nk_start_sentence (&ctx, ps);
  while (i < pe)
    {
      i = nk_scan_skip ((const guchar *) text, i, pe);
      if (i >= pe)
        break;
      if (G_LIKELY (!(nk_ascii[(guchar) text[i]] & C_SCAN)))
        {
          i++;
          continue;
        }
      gsize next = nk_scan_special (&ctx, i);
      i = next > i ? next : i + 1;
    }
  nk_emit (sentences, text, ctx.s, pe);
}

static gsize
nk_line_first (const char *text,
               gsize       i,
               gsize       end)
{
  while (i < end)
    {
      guchar b = text[i];
      if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v')
        i++;
      else if (b < 0x80)
        break;
      else
        {
          guint n;
          gunichar c = nk_get (text, i, end, &n);
          if (!nk_is_space (c) || c == 0x2029)
            break;
          i += n;
        }
    }
  return i;
}

void
nk_segmenter_split (const NkSegmenter *seg,
                    const char        *text,
                    gsize              len,
                    GArray            *paragraphs,
                    GArray            *sentences)
{
  gsize i = 0, ps = G_MAXSIZE, pe = 0;
  NkSpanOut pout, sout;

  g_return_if_fail (seg != NULL);
  g_return_if_fail (text != NULL || len == 0);
  g_return_if_fail (len < G_MAXUINT32);

  nk_span_out_init (&pout, paragraphs);
  nk_span_out_init (&sout, sentences);

  while (i < len)
    {
      const char *nl = memchr (text + i, '\n', len - i);
      gsize line_end = nl ? (gsize) (nl - text) : len;
      gsize first = nk_line_first (text, i, line_end);

      if (first == line_end)
        {
          if (ps != G_MAXSIZE)
            {
              nk_emit (&pout, text, ps, pe);
              nk_split_paragraph (seg, text, ps, pe, &sout);
              ps = G_MAXSIZE;
            }
        }
      else
        {
          if (ps == G_MAXSIZE)
            ps = first;
          pe = nk_trim_back (text, first, line_end);
        }
      i = line_end + 1;
    }
  if (ps != G_MAXSIZE)
    {
      nk_emit (&pout, text, ps, pe);
      nk_split_paragraph (seg, text, ps, pe, &sout);
    }
  nk_span_out_finish (&pout);
  nk_span_out_finish (&sout);
}

/* ---- tokens ----------------------------------------------------------------------- */

/* Tokens are written straight into @tokens, whose length serves as capacity while a
 * sentence is cut (grown by doubling) and is set to the real count at the end. */
typedef struct {
  const NkSegmenter *seg;
  const char        *text;
  gsize              end;
  GArray            *tokens;
  NkSegToken        *out;      /* next free slot of tokens->data */
  NkSegToken        *out_end;  /* end of tokens->data */
  /* The range's last byte is no ASCII letter or digit, so a run of them always stops
   * before @end and the word loop needs no bounds check. */
  gboolean           fenced;
} NkTokCtx;

/* Collected with the C_* table bits while scanning a word: a non-ASCII character. */
#define NK_ACC_WIDE 0x8000
#define C_ALNUM (C_UPPER | C_LOWER | C_DIGIT)

static inline guint
nk_tok_count (const NkTokCtx *ctx)
{
  return (guint) (ctx->out - (NkSegToken *) (gpointer) ctx->tokens->data);
}

static void
nk_tok_grow (NkTokCtx *ctx)
{
  guint n = nk_tok_count (ctx), len = ctx->tokens->len;

  g_array_set_size (ctx->tokens, len < 256 ? 256 : len * 2);
  ctx->out = &g_array_index (ctx->tokens, NkSegToken, n);
  ctx->out_end = &g_array_index (ctx->tokens, NkSegToken, ctx->tokens->len);
}

static inline void
nk_tok_add (NkTokCtx   *ctx,
            gsize       a,
            gsize       b,
            NkTokenKind kind,
            gboolean    norm)
{
  if (G_UNLIKELY (ctx->out == ctx->out_end))
    nk_tok_grow (ctx);
  /* One struct store: byte-wide member stores could alias ctx and force reloads. */
  *ctx->out++ = (NkSegToken) { (guint32) a, (guint32) b, (guint8) kind,
                               norm ? NK_TOKEN_FLAG_NORM : 0 };
}

/* Whether text[a, b) would change under lower-casing and apostrophe folding. */
static gboolean
nk_needs_norm (const char *text,
               gsize       a,
               gsize       b)
{
  for (gsize k = a; k < b; k++)
    {
      guchar c = text[k];
      if (c >= 0x80 || (c >= 'A' && c <= 'Z'))
        return TRUE;
    }
  return FALSE;
}

static gboolean
nk_has_prefix_ci (const char *text,
                  gsize       i,
                  gsize       end,
                  const char *prefix)
{
  gsize n = strlen (prefix);

  return i + n <= end && g_ascii_strncasecmp (text + i, prefix, n) == 0;
}

static int
nk_paren_balance (const char *text,
                  gsize       a,
                  gsize       b)
{
  int depth = 0;

  for (gsize k = a; k < b; k++)
    depth += text[k] == '(' ? 1 : text[k] == ')' ? -1 : 0;
  return depth;
}

/* Trailing punctuation that ends a sentence or clause is not part of a URL or e-mail;
 * a ")" stays when it closes a "(" of the URL (Wikipedia-style links). The balance is
 * kept while trimming, so a long run of ")" costs one pass. */
static gsize
nk_trim_url (const char *text,
             gsize       a,
             gsize       b)
{
  int depth = nk_paren_balance (text, a, b);

  while (b > a)
    {
      gsize p = nk_prev (text, b, a);
      gunichar c = nk_at (text, p, b);
      if (!(c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
            nk_is_close (c)))
        break;
      int before = depth + (c == ')' ? 1 : 0);  /* the balance of text[a, p) */
      if (c == ')' && before > 0)
        break;
      depth = before;
      b = p;
    }
  return b;
}

static gsize
nk_chunk_end (const char *text,
              gsize       i,
              gsize       end)
{
  while (i < end)
    {
      guint n;
      gunichar c = nk_get (text, i, end, &n);
      if (nk_is_space (c) || c == '"' || c == '<' || c == '>' || c == 0x201D || c == 0x201C)
        break;
      i += n;
    }
  return i;
}

static gboolean
nk_is_word_char (const char *text,
                 gsize       i,
                 gsize       end)
{
  return i < end && nk_is_alnum (nk_at (text, i, end));
}

/* A clitic after an apostrophe: 's 'm 'd 'll 're 've (any case), not followed by a letter. */
static gsize
nk_clitic_len (const char *text,
               gsize       q,
               gsize       end)
{
  if (q >= end)
    return 0;

  guchar c0 = (guchar) text[q] | 0x20;
  guchar c1 = q + 1 < end ? (guchar) text[q + 1] | 0x20 : 0;
  gsize n = 0;

  /* Two-letter clitics start with other letters than one-letter ones: no overlap. */
  if ((c0 == 'l' && c1 == 'l') || (c0 == 'r' && c1 == 'e') || (c0 == 'v' && c1 == 'e'))
    n = 2;
  else if (c0 == 's' || c0 == 'm' || c0 == 'd')
    n = 1;
  return n > 0 && !nk_is_word_char (text, q + n, end) ? n : 0;
}

/* Scans an e-mail address whose '@' is at @at; returns its end or 0 if it is none. */
static gsize
nk_email_end (const char *text,
              gsize       at,
              gsize       end)
{
  gsize j = at + 1;
  gboolean dot = FALSE;

  while (j < end && (g_ascii_isalnum (text[j]) || text[j] == '-' || text[j] == '_' ||
                     (text[j] == '.' && j + 1 < end && g_ascii_isalnum (text[j + 1]))))
    dot |= text[j] == '.', j++;
  return dot && j > at + 1 ? j : 0;
}

/* Whether text[i, end) holds only closing quotes/brackets: the sentence ends there. */
static gboolean
nk_final_is_close (const char *text,
                   gsize       i,
                   gsize       end)
{
  while (i < end)
    {
      guint n;
      if (!nk_is_close (nk_get (text, i, end, &n)))
        return FALSE;
      i += n;
    }
  return TRUE;
}

/* Whether the dot at @dot after the word [a, dot) belongs to the word ("U.S.", "Mr.",
 * "R."): abbreviations and initials keep it, except at the very end of the sentence,
 * where only dotted abbreviations do ("…than the U.S.") and a plain word gives it up. */
static gboolean
nk_keeps_dot (NkTokCtx *ctx,
              gsize     a,
              gsize     dot,
              gboolean  dotted)
{
  gsize len = dot - a;
  const char *w = ctx->text + a;
  gboolean last = nk_final_is_close (ctx->text, dot + 1, ctx->end);

  if (dotted)
    return TRUE;
  if (last)
    return FALSE;
  if (len == 1 && g_ascii_isalpha (w[0]))
    return TRUE;
  NkAbbrevClass klass = nk_segmenter_lookup (ctx->seg, w, len);
  return nk_is_abbrev_class (klass);
}

/* "1,000": a comma between a digit and exactly three digits. */
static gboolean
nk_thousands (const char *text,
              gsize       j,
              gsize       end)
{
  return g_ascii_isdigit (text[j - 1]) && j + 3 < end && g_ascii_isdigit (text[j + 1]) &&
         g_ascii_isdigit (text[j + 2]) && g_ascii_isdigit (text[j + 3]) &&
         (j + 4 >= end || !g_ascii_isdigit (text[j + 4]));
}

/* Scans a word or number starting at @i (an alphanumeric character); splits clitics off
 * ("Korea’s", "don't") and keeps hyphenated compounds, decimals, "1,000", dotted
 * abbreviations and e-mail addresses whole. Returns where the next token may start.
 * The ASCII letters and digits of the word are read by a table loop that also collects
 * what the norm needs to know (upper case seen, non-ASCII seen), so no second pass. */
static gsize
nk_scan_word (NkTokCtx *ctx,
              gsize     i)
{
  const char *text = ctx->text;
  gsize end = ctx->end, j = i, tail = i;
  guint acc = 0;
  gboolean inner_dot = FALSE;

  for (;;)
    {
      while (j < end)
        {
          const guchar *p = (const guchar *) text + j, *e = (const guchar *) text + end;
          guint run = 0;
          while (p < e && (nk_ascii[*p] & C_ALNUM))
            run |= nk_ascii[*p++];
          acc |= run;
          j = (gsize) (p - (const guchar *) text);
          if (j >= end)
            break;
          guchar b = *p;
          if (b < 0x80)
            break;
          guint n;
          gunichar c = nk_get (text, j, end, &n);
          if (!nk_is_alnum (c))
            break;
          acc |= NK_ACC_WIDE | (g_unichar_isdigit (c) ? C_DIGIT : C_LOWER);
          j += n;
        }
      if (j >= end)
        break;

      guchar b = text[j];
      if (b == ' ' || b == '\n')
        break;

      guint n;
      gunichar c = nk_get (text, j, end, &n);

      if ((c == '-' || c == 0x2010 || c == 0x2011) && nk_is_word_char (text, j + n, end))
        {
          acc |= c > 0x7F ? NK_ACC_WIDE : 0;
          j += n, tail = j;
          continue;
        }
      if (c == '.')
        {
          if (nk_is_word_char (text, j + 1, end))
            {
              j++, inner_dot = TRUE;
              continue;
            }
          if ((acc & (C_UPPER | C_LOWER)) && !(j + 1 < end && text[j + 1] == '.') &&
              nk_keeps_dot (ctx, i, j, inner_dot && nk_is_dotted (text + tail, j - tail)))
            {
              j++;
              if (j + 1 < end && text[j] == '-' && nk_is_word_char (text, j + 1, end))
                {
                  j++, tail = j;
                  continue;
                }
            }
          break;
        }
      /* "10:30", "3:1": a colon between digits inside a number. */
      if (c == ':' && !(acc & (C_UPPER | C_LOWER)) && j + 1 < end && g_ascii_isdigit (text[j + 1]))
        {
          j++;
          continue;
        }
      if (c == ',')
        {
          if (nk_thousands (text, j, end))
            {
              j++;
              continue;
            }
          break;
        }
      if (nk_is_apostrophe (c) && nk_is_word_char (text, j + n, end))
        {
          gsize q = j + n;
          gsize cl = nk_clitic_len (text, q, end);

          if (cl > 0)
            {
              nk_tok_add (ctx, i, j, NK_TOKEN_WORD, acc & (C_UPPER | NK_ACC_WIDE));
              nk_tok_add (ctx, j, q + cl, NK_TOKEN_CLITIC, TRUE);
              return q + cl;
            }
          if (j - 1 > i && (text[j - 1] == 'n' || text[j - 1] == 'N') &&
              (text[q] == 't' || text[q] == 'T') && !nk_is_word_char (text, q + 1, end))
            {
              nk_tok_add (ctx, i, j - 1, NK_TOKEN_WORD, acc & (C_UPPER | NK_ACC_WIDE));
              nk_tok_add (ctx, j - 1, q + 1, NK_TOKEN_CLITIC, TRUE);
              return q + 1;
            }
          acc |= c > 0x7F ? NK_ACC_WIDE : 0;
          j = q;
          continue;
        }
      if (c == '@')
        {
          gsize e = nk_email_end (text, j, end);
          if (e > 0)
            {
              nk_tok_add (ctx, i, e, NK_TOKEN_EMAIL, nk_needs_norm (text, i, e));
              return e;
            }
        }
      break;
    }
  nk_tok_add (ctx, i, j, (acc & (C_UPPER | C_LOWER)) ? NK_TOKEN_WORD : NK_TOKEN_NUMBER,
              acc & (C_UPPER | NK_ACC_WIDE));
  return j;
}

/* The common case inline: ASCII letters/digits ended by a space or by punctuation that
 * can never continue a word. Returns 0 when the full scanner must decide (a dot, an
 * apostrophe, a hyphen, "1,000", non-ASCII). */
static inline gsize
nk_plain_word (NkTokCtx *ctx,
               gsize     i,
               guint     f)
{
  const guchar *text = (const guchar *) ctx->text;
  const guchar *p = text + i + 1, *e = text + ctx->end;
  guint run = f;

  if (G_LIKELY (ctx->fenced))
    {
      /* Two bytes a round: p[1] is in range whenever p[0] is a letter or digit. */
      for (;;)
        {
          guint t0 = nk_ascii[p[0]];
          if (!(t0 & C_ALNUM))
            break;
          guint t1 = nk_ascii[p[1]];
          run |= t0;
          if (!(t1 & C_ALNUM))
            {
              p++;
              break;
            }
          run |= t1;
          p += 2;
        }
    }
  else
    while (p < e && (nk_ascii[*p] & C_ALNUM))
      run |= nk_ascii[*p++];
  gsize j = (gsize) (p - text), next = j;
  if (p < e)
    {
      guint t = nk_ascii[*p];
      if (*p == ' ')
        next = j + 1;  /* the space after most words, skipped without another loop round */
      else if (!(t & C_WEND) || ((t & C_NUMSEP) && (run & C_DIGIT)))
        {
          /* "word." closing the sentence keeps no dot (nk_keeps_dot): no need for the
           * full scanner then. */
          if (!(*p == '.' && nk_final_is_close (ctx->text, j + 1, ctx->end)))
            return 0;
        }
    }
  nk_tok_add (ctx, i, j, (run & (C_UPPER | C_LOWER)) ? NK_TOKEN_WORD : NK_TOKEN_NUMBER,
              run & C_UPPER);
  return next;
}

/* "@handle" or "#hashtag" at @i; returns 0 if the sign is not followed by a name. */
/* Rare: kept out of line so that the hot token loop keeps its registers. */
G_NO_INLINE static gsize
nk_scan_tag (NkTokCtx *ctx,
             gsize     i)
{
  const char *text = ctx->text;
  gsize j = i + 1;

  while (j < ctx->end)
    {
      guint n;
      gunichar c = nk_get (text, j, ctx->end, &n);
      if (!(nk_is_alnum (c) || c == '_'))
        break;
      j += n;
    }
  if (j == i + 1)
    return 0;
  nk_tok_add (ctx, i, j, text[i] == '@' ? NK_TOKEN_HANDLE : NK_TOKEN_HASHTAG,
              nk_needs_norm (text, i, j));
  return j;
}

/* "ht", "ww", "ft" (any case) at @i: the only starts nk_scan_url can accept. */
static inline gboolean
nk_url_start (const char *text,
              gsize       i,
              gsize       end)
{
  guchar lb = (guchar) text[i] | 0x20;
  guchar b1 = i + 1 < end ? (guchar) text[i + 1] | 0x20 : 0;

  return (lb == 'h' && b1 == 't') || (lb == 'w' && b1 == 'w') || (lb == 'f' && b1 == 't');
}

/* Rare: kept out of line so that the hot token loop keeps its registers. */
G_NO_INLINE static gsize
nk_scan_url (NkTokCtx *ctx,
             gsize     i)
{
  const char *text = ctx->text;

  if (!(nk_has_prefix_ci (text, i, ctx->end, "http://") ||
        nk_has_prefix_ci (text, i, ctx->end, "https://") ||
        nk_has_prefix_ci (text, i, ctx->end, "ftp://") ||
        (nk_has_prefix_ci (text, i, ctx->end, "www.") && nk_is_word_char (text, i + 4,
                                                                          ctx->end))))
    return 0;
  gsize e = nk_trim_url (text, i, nk_chunk_end (text, i, ctx->end));
  nk_tok_add (ctx, i, e, NK_TOKEN_URL, nk_needs_norm (text, i, e));
  return e;
}

/* One punctuation token: "...", "--" and "…" as one token, otherwise one character. */
static gsize
nk_scan_punct (NkTokCtx *ctx,
               gsize     i)
{
  const char *text = ctx->text;
  guint n;
  gunichar c = nk_get (text, i, ctx->end, &n);
  gsize j = i + n;

  /* "Jr.'s": a clitic after an abbreviation's dot. */
  if (nk_is_apostrophe (c) && i > 0 && text[i - 1] == '.')
    {
      gsize cl = nk_clitic_len (text, j, ctx->end);
      if (cl > 0)
        {
          nk_tok_add (ctx, i, j + cl, NK_TOKEN_CLITIC, TRUE);
          return j + cl;
        }
    }
  if (c == '.' || c == '-' || c == '?' || c == '!')
    while (j < ctx->end && (guchar) text[j] == c)
      j++;
  gboolean punct = c < 0x80 ? g_ascii_ispunct (c)
                            : nk_is_general_punct (c) || g_unichar_ispunct (c);
  nk_tok_add (ctx, i, j, punct ? NK_TOKEN_PUNCT : NK_TOKEN_SYMBOL, c >= 0x80);
  return j;
}

/* Cuts the tokens of text[i, end) into ctx->tokens. */
static void
nk_tokenize_range (NkTokCtx *ctx,
                   gsize     i,
                   gsize     end)
{
  const char *text = ctx->text;

  ctx->end = end;
  ctx->fenced = end > i && !(nk_ascii[(guchar) text[end - 1]] & C_ALNUM);
  while (i < end)
    {
      guchar b = text[i];
      gsize next = 0;

      if (b < 0x80)
        {
          guint f = nk_ascii[b];
          if (f & C_SKIP)
            {
              i++;
              continue;
            }
          if (f & (C_UPPER | C_LOWER | C_DIGIT))
            {
              if ((f & C_URL) && nk_url_start (text, i, end))
                next = nk_scan_url (ctx, i);
              if (next == 0)
                next = nk_plain_word (ctx, i, f);
              i = next > 0 ? next : nk_scan_word (ctx, i);
              continue;
            }
          if (f & C_PUNCT1)
            {
              /* ", " and the like: the token and the space after it in one step. */
              nk_tok_add (ctx, i, i + 1, NK_TOKEN_PUNCT, FALSE);
              i += i + 1 < end && text[i + 1] == ' ' ? 2 : 1;
              continue;
            }
          if (b == '@' || b == '#')
            next = nk_scan_tag (ctx, i);
          i = next > 0 ? next : nk_scan_punct (ctx, i);
          continue;
        }

      guint n;
      gunichar c = nk_get (text, i, end, &n);
      /* Dashes, curly quotes, bullets and the ellipsis: neither space, control, format
       * nor letter, and one token each (’ may start a clitic: nk_scan_punct decides). */
      if (c >= 0x2010 && c <= 0x2027 && c != 0x2019)
        {
          nk_tok_add (ctx, i, i + n, NK_TOKEN_PUNCT, TRUE);
          i += n;
          if (i < end && text[i] == ' ')
            i++;
        }
      else if (c == 0x2019)
        i = nk_scan_punct (ctx, i);
      else if (nk_is_space (c) || g_unichar_iscntrl (c) || c == 0xFFFD ||
               g_unichar_type (c) == G_UNICODE_FORMAT)
        i += n;
      else if (nk_is_alnum (c))
        i = nk_scan_word (ctx, i);
      else
        i = nk_scan_punct (ctx, i);
    }
}

static void
nk_tok_init (NkTokCtx          *ctx,
             const NkSegmenter *seg,
             const char        *text,
             GArray            *tokens)
{
  ctx->seg = seg;
  ctx->text = text;
  ctx->end = 0;
  ctx->tokens = tokens;
  ctx->out = &g_array_index (tokens, NkSegToken, tokens->len);
  ctx->out_end = ctx->out;
  ctx->fenced = FALSE;
}

void
nk_segmenter_tokenize (const NkSegmenter *seg,
                       const char        *text,
                       gsize              start,
                       gsize              end,
                       GArray            *tokens)
{
  NkTokCtx ctx;

  g_return_if_fail (seg != NULL && tokens != NULL);
  nk_tok_init (&ctx, seg, text, tokens);
  nk_tokenize_range (&ctx, start, end);
  g_array_set_size (tokens, nk_tok_count (&ctx));
}

void
nk_segmenter_tokenize_spans (const NkSegmenter *seg,
                             const char        *text,
                             GArray            *spans,
                             GArray            *tokens)
{
  NkTokCtx ctx;

  g_return_if_fail (seg != NULL && spans != NULL && tokens != NULL);
  nk_tok_init (&ctx, seg, text, tokens);
  for (guint k = 0; k < spans->len; k++)
    {
      NkSegSpan *s = &g_array_index (spans, NkSegSpan, k);
      nk_tokenize_range (&ctx, s->start, s->end);
    }
  g_array_set_size (tokens, nk_tok_count (&ctx));
}

/* The rest of a norm from the first non-ASCII byte at @i on: kept out of the ASCII loop so
 * that the common case needs no registers saved for the Unicode calls. */
G_NO_INLINE static char *
nk_norm_wide (const char *text,
              gsize       i,
              gsize       end,
              char       *o)
{
  while (i < end)
    {
      guchar b = text[i];
      if (b < 0x80)
        {
          *o++ = (char) nk_lower[b];
          i++;
          continue;
        }
      guint w;
      gunichar c = nk_get (text, i, end, &w);
      if (c == 0x2019 || c == 0x2018 || c == 0x02BC)
        *o++ = '\'';
      else if ((c == 0xFFFD && w == 1) || nk_is_general_punct (c))
        memcpy (o, text + i, w), o += w;
      else
        o += g_unichar_to_utf8 (g_unichar_tolower (c), o);
      i += w;
    }
  return o;
}

void
nk_segmenter_token_norm (const char       *text,
                         const NkSegToken *token,
                         GString          *out)
{
  gsize i = token->start, end = token->end;
  gsize n = end - i;

  /* Lower-casing never more than doubles a character's UTF-8 length (U+023A -> U+2C65
   * grows 2 -> 3 bytes), so one size check lets the loops write bytes directly. */
  if (G_UNLIKELY (out->allocated_len <= 2 * n + 1))
    g_string_set_size (out, 2 * n + 1);

  const guchar *p = (const guchar *) text + i, *e = (const guchar *) text + end;
  char *o = out->str;

  /* 'A'..'Z' are the only ASCII bytes that change. */
  while (p < e && *p < 0x80)
    *o++ = (char) nk_lower[*p++];
  if (p < e)
    o = nk_norm_wide (text, (gsize) (p - (const guchar *) text), end, o);
  *o = '\0';
  out->len = (gsize) (o - out->str);
}
