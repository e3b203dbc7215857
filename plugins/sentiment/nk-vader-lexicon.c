/* nk-vader-lexicon.c — the VADER word table: the lexicon and emoji files, the reference's
 * word lists (negations, boosters) and user lexicons, in one open-addressing table.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-vader"

#include "nk-vader-private.h"

#include <nkpipe.h>

#include <math.h>

G_DEFINE_QUARK (nk-vader-error-quark, nk_vader_error)

/* ---- constant word lists of the reference ------------------------------------------ */

static const char *const nk_vader_negate[] = {
  "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
  "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
  "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
  "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
  "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
  "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
  "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
  "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
};

static const char *const nk_vader_incr[] = {
  "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
  "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
  "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping",
  "flippin", "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully",
  "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely",
  "incredible", "incredibly", "intensely", "major", "majorly", "more", "most",
  "particularly", "purely", "quite", "really", "remarkably", "so", "substantially",
  "thoroughly", "total", "totally", "tremendous", "tremendously", "uber", "unbelievably",
  "unusually", "utter", "utterly", "very",
};

/* Single-word dampeners; the reference's two-word ones are in nk_vader_phrases. */
static const char *const nk_vader_decr[] = {
  "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal",
  "marginally", "occasional", "occasionally", "partly", "scarce", "scarcely", "slight",
  "slightly", "somewhat", "sorta", "sortof", "sort-of",
};

static const char *const nk_vader_words[NK_W_COUNT] = {
  NULL, "no", "kind", "of", "but", "least", "at", "very",
  "never", "so", "this", "without", "doubt", "or", "nor",
  "the", "shit", "bomb", "bad", "ass", "bus", "stop", "yeah",
  "right", "kiss", "death", "to", "die", "for", "beating", "heart",
  "broken", "just", "enough", "sort",
};

guint8 nk_vader_class[256];
guint8 nk_vader_lower_table[256];

void
nk_vader_init_classes (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (guint b = 0; b < 256; b++)
    {
      guint8 c = 0;

      if (b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f))
        c |= NK_VADER_C_SPACE | NK_VADER_C_BREAK;
      if (b < 0x80 && g_ascii_ispunct (b))
        c |= NK_VADER_C_PUNCT;
      if (b >= 0x80)
        c |= NK_VADER_C_BREAK;
      if (b >= 'a' && b <= 'z')
        c |= NK_VADER_C_LOWER;
      nk_vader_class[b] = c;
      nk_vader_lower_table[b] = (b >= 'A' && b <= 'Z') ? b + 32 : b;
    }
  g_once_init_leave (&done, 1);
}

static void
nk_vader_table_insert_slot (NkVaderLexicon *lex,
                            guint32         hash,
                            guint32         index)
{
  guint i;

  for (i = hash & lex->mask; lex->slots[i].index != 0; i = (i + 1) & lex->mask)
    ;
  lex->slots[i].hash = hash;
  lex->slots[i].index = index;
}

static void
nk_vader_table_grow (NkVaderLexicon *lex)
{
  guint old_cap = lex->slots ? lex->mask + 1 : 0;
  guint new_cap = old_cap ? old_cap * 2 : 1024;
  NkVaderSlot *old = lex->slots;

  lex->slots = g_new0 (NkVaderSlot, new_cap);
  lex->mask = new_cap - 1;
  for (guint k = 0; k < old_cap; k++)
    if (old[k].index != 0)
      nk_vader_table_insert_slot (lex, old[k].hash, old[k].index);
  g_free (old);
}

/* Appends [@s, @s + @len) to the pool: a plain copy when it has room (the data is sized
 * up front), without g_string_append_len's checks. */
static void
nk_vader_pool_append (NkVaderLexicon *lex,
                      const char     *s,
                      gsize           len)
{
  GString *pool = lex->pool;

  if (pool->len + len >= pool->allocated_len)
    {
      g_string_append_len (pool, s, len);
      return;
    }
  memcpy (pool->str + pool->len, s, len);
  pool->len += len;
  pool->str[pool->len] = '\0';
}

/* Finds or adds the entry for @key (bytes copied into the pool). The pointer is valid
 * until the next call. */
static NkVaderEntry *
nk_vader_table_get (NkVaderLexicon *lex,
                    const char     *key,
                    gsize           len)
{
  guint32 hash = nk_vader_hash (key, len);
  const NkVaderEntry *found = nk_vader_table_find (lex, key, len, hash);
  NkVaderEntry *e;

  if (found)
    return (NkVaderEntry *) found;
  if ((lex->n_entries + 1) * 2 > lex->mask + 1)
    nk_vader_table_grow (lex);
  if (lex->n_entries == lex->entries_cap)
    {
      lex->entries_cap = lex->entries_cap ? lex->entries_cap * 2 : 1024;
      lex->entries = g_renew (NkVaderEntry, lex->entries, lex->entries_cap);
    }
  e = &lex->entries[lex->n_entries++];
  memset (e, 0, sizeof *e);
  e->key_off = lex->pool->len;
  e->key_len = len;
  if (memchr (key, 0xe2, len) != NULL)
    lex->wide_keys = TRUE;
  memcpy (&e->key8, key, MIN (len, 8));
  e->key8 = GUINT64_FROM_LE (e->key8);
  nk_vader_pool_append (lex, key, len);
  nk_vader_table_insert_slot (lex, hash, lex->n_entries);
  nk_vader_bloom_add (lex, hash);
  return e;
}

/* Sizes the empty table, its entries and the pool for about @n keys of @bytes bytes in
 * all, so that loading them grows nothing: the slots end as large as growing them would
 * have made them (the smallest power of two, 1024 at least, of twice the keys or more). */
static void
nk_vader_table_reserve (NkVaderLexicon *lex,
                        guint           n,
                        gsize           bytes)
{
  guint cap = 1024;

  g_assert (lex->n_entries == 0);
  while ((n + 1) * 2 > cap)
    cap *= 2;
  if (cap > lex->mask + 1)
    {
      g_free (lex->slots);
      lex->slots = g_new0 (NkVaderSlot, cap);
      lex->mask = cap - 1;
    }
  if (n > lex->entries_cap)
    {
      lex->entries_cap = n;
      lex->entries = g_renew (NkVaderEntry, lex->entries, lex->entries_cap);
    }
  g_string_set_size (lex->pool, bytes);
  g_string_truncate (lex->pool, 0);
}

/* Lines in [@data, @data + @len). */
static guint
nk_vader_count_lines (const char *data,
                      gsize       len)
{
  const char *p = data, *end = data + len, *nl;
  guint n = 1;

  while ((nl = memchr (p, '\n', end - p)) != NULL)
    n++, p = nl + 1;
  return n;
}

static NkVaderLexicon *
nk_vader_lexicon_alloc (void)
{
  NkVaderLexicon *lex = g_atomic_rc_box_new0 (NkVaderLexicon);

  nk_vader_init_classes ();
  lex->pool = g_string_new ("");
  nk_vader_table_grow (lex);
  return lex;
}

static void
nk_vader_add_constants (NkVaderLexicon *lex)
{
  for (guint i = 0; i < G_N_ELEMENTS (nk_vader_negate); i++)
    nk_vader_table_get (lex, nk_vader_negate[i], strlen (nk_vader_negate[i]))->flags |=
      NK_VADER_ENTRY_NEGATE;
  for (guint i = 0; i < G_N_ELEMENTS (nk_vader_incr); i++)
    {
      NkVaderEntry *e = nk_vader_table_get (lex, nk_vader_incr[i], strlen (nk_vader_incr[i]));
      e->flags |= NK_VADER_ENTRY_BOOSTER;
      e->boost = NK_VADER_B_INCR;
    }
  for (guint i = 0; i < G_N_ELEMENTS (nk_vader_decr); i++)
    {
      NkVaderEntry *e = nk_vader_table_get (lex, nk_vader_decr[i], strlen (nk_vader_decr[i]));
      e->flags |= NK_VADER_ENTRY_BOOSTER;
      e->boost = NK_VADER_B_DECR;
    }
  for (guint w = 1; w < NK_W_COUNT; w++)
    nk_vader_table_get (lex, nk_vader_words[w], strlen (nk_vader_words[w]))->word = w;
}

/* ---- loading ----------------------------------------------------------------------- */

/* A decimal "[-]digits[.digits]" of at most 15 digits, the lexicon's every value: it is
 * exactly N / 10^k (N < 10^15 and 10^k both exact doubles), so the one correctly rounded
 * division gives what strtod gives. Returns FALSE for any other form. */
static gboolean
nk_vader_parse_decimal (const char *s,
                        gsize       len,
                        double     *out)
{
  static const double pow10[16] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  };
  gboolean neg = len > 0 && s[0] == '-', dot = FALSE;
  gsize i = neg, n_int = 0, n_frac = 0;
  guint64 num = 0;
  double v;

  for (; i < len && g_ascii_isdigit (s[i]); i++, n_int++)
    num = num * 10 + (guint) (s[i] - '0');
  if (i < len && s[i] == '.')
    for (i++, dot = TRUE; i < len && g_ascii_isdigit (s[i]); i++, n_frac++)
      num = num * 10 + (guint) (s[i] - '0');
  if (i != len || n_int == 0 || (dot && n_frac == 0) || n_int + n_frac > 15)
    return FALSE;
  v = (double) num / pow10[n_frac];
  *out = neg ? -v : v;
  return TRUE;
}

/* Python's float() on a field: surrounding whitespace allowed, nothing else. */
static gboolean
nk_vader_parse_double (const char *s,
                       gsize       len,
                       double     *out)
{
  char buf[64];
  char *end;

  while (len > 0 && g_ascii_isspace (s[0]))
    s++, len--;
  while (len > 0 && g_ascii_isspace (s[len - 1]))
    len--;
  if (nk_vader_parse_decimal (s, len, out))
    return TRUE;
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  *out = g_ascii_strtod (buf, &end);
  return *end == '\0' && isfinite (*out);
}

/* Calls @func on each line of @data with its surrounding whitespace stripped (Python's
 * line.strip()), skipping empty ones; stops at the first failure. */
typedef gboolean (*NkVaderLineFunc) (NkVaderLexicon *lex, const char *line, gsize len,
                                     guint lineno, const char *name, GError **error);

static gboolean
nk_vader_foreach_line (NkVaderLexicon  *lex,
                       const char      *data,
                       gsize            len,
                       const char      *name,
                       NkVaderLineFunc  func,
                       GError         **error)
{
  /* '#' starts entries here ("#-)" is an emoticon), never a comment */
  g_autofree char *copy = g_strndup (data, len);
  NkDataLines lines;
  const char *line;
  gsize n;

  nk_data_lines_init (&lines, copy, len, name, NK_DATA_LINES_NO_COMMENTS);
  while ((line = nk_data_lines_next (&lines, &n)) != NULL)
    if (!func (lex, line, n, lines.lineno, name, error))
      return FALSE;
  return TRUE;
}

static gboolean
nk_vader_lex_line (NkVaderLexicon *lex,
                   const char     *line,
                   gsize           len,
                   guint           lineno,
                   const char     *name,
                   GError        **error)
{
  const char *tab = memchr (line, '\t', len);
  const char *val, *val_end;
  NkVaderEntry *e;
  double v;

  if (tab == NULL)
    goto bad;
  val = tab + 1;
  val_end = memchr (val, '\t', line + len - val);
  if (!nk_vader_parse_double (val, (val_end ? val_end : line + len) - val, &v))
    goto bad;
  e = nk_vader_table_get (lex, line, tab - line);
  if (!(e->flags & NK_VADER_ENTRY_LEX))
    lex->n_lex++;
  e->flags |= NK_VADER_ENTRY_LEX;
  e->lex = v;
  return TRUE;

bad:
  g_set_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE,
               "%s:%u: expected WORD<TAB>VALENCE", name, lineno);
  return FALSE;
}

/* Whether [@s, @s + @n) is one valid character of three or four bytes (most emoji keys),
 * setting *@cp; FALSE says nothing (the caller asks GLib). */
static inline gboolean
nk_vader_single_char (const char *s,
                      gsize       n,
                      gunichar   *cp)
{
  const guchar *u = (const guchar *) s;
  gunichar c;

  if (n == 4 && u[0] >= 0xf0 && u[0] <= 0xf4 && (u[1] & 0xc0) == 0x80 &&
      (u[2] & 0xc0) == 0x80 && (u[3] & 0xc0) == 0x80)
    {
      c = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3fu) << 12) | ((u[2] & 0x3fu) << 6) |
          (u[3] & 0x3fu);
      *cp = c;
      return c >= 0x10000 && c < 0x110000;
    }
  if (n == 3 && (u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80)
    {
      c = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
      *cp = c;
      return c >= 0x800 && (c < 0xd800 || c > 0xdfff);
    }
  return FALSE;
}

static gboolean
nk_vader_emoji_line (NkVaderLexicon *lex,
                     const char     *line,
                     gsize           len,
                     guint           lineno,
                     const char     *name,
                     GError        **error)
{
  const char *tab = memchr (line, '\t', len);
  const char *desc, *desc_end;
  NkVaderEmoji em;
  gunichar cp;

  if (tab == NULL || tab == line)
    {
      g_set_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE,
                   "%s:%u: expected EMOJI<TAB>DESCRIPTION", name, lineno);
      return FALSE;
    }
  /* The reference replaces single characters only, so longer keys can never match (and a
   * valid character has four bytes at most). */
  if (tab - line > 4)
    return TRUE;
  if (!nk_vader_single_char (line, tab - line, &cp))
    {
      cp = g_utf8_get_char_validated (line, tab - line);
      if (cp == (gunichar) -1 || cp == (gunichar) -2 || g_utf8_next_char (line) != tab)
        return TRUE;
    }
  desc = tab + 1;
  desc_end = memchr (desc, '\t', line + len - desc);
  if (desc_end == NULL)
    desc_end = line + len;
  em.cp = cp;
  em.desc_off = lex->pool->len;
  em.desc_len = desc_end - desc;
  em.order = lineno;
  nk_vader_pool_append (lex, desc, desc_end - desc);
  if (lex->n_emoji == lex->emoji_cap)
    {
      lex->emoji_cap = lex->emoji_cap ? lex->emoji_cap * 2 : 256;
      lex->emoji = g_renew (NkVaderEmoji, lex->emoji, lex->emoji_cap);
    }
  lex->emoji[lex->n_emoji++] = em;
  return TRUE;
}

static int
nk_vader_emoji_cmp (gconstpointer a,
                    gconstpointer b)
{
  const NkVaderEmoji *x = a, *y = b;

  if (x->cp != y->cp)
    return x->cp < y->cp ? -1 : 1;
  return x->order > y->order ? -1 : x->order < y->order;  /* last definition first */
}

static void
nk_vader_emoji_finish (NkVaderLexicon *lex)
{
  guint n = 0;

  if (lex->n_emoji == 0)
    return;
  qsort (lex->emoji, lex->n_emoji, sizeof *lex->emoji, nk_vader_emoji_cmp);
  for (guint i = 0; i < lex->n_emoji; i++)
    if (n == 0 || lex->emoji[n - 1].cp != lex->emoji[i].cp)
      lex->emoji[n++] = lex->emoji[i];
  lex->n_emoji = n;
  lex->emoji_min = lex->emoji[0].cp;
  lex->emoji_max = lex->emoji[n - 1].cp;
  for (guint i = 0; i < n && lex->emoji[i].cp < 128; i++)
    lex->emoji_ascii[lex->emoji[i].cp >> 6] |= G_GUINT64_CONSTANT (1) << (lex->emoji[i].cp & 63);
  for (guint i = 0; i < n && lex->emoji[i].cp < 65536; i++)
    lex->emoji_bmp[lex->emoji[i].cp >> 3] |= 1 << (lex->emoji[i].cp & 7);
}

/* The prefix filter, of every key. */
static void
nk_vader_lexicon_finish_prefix (NkVaderLexicon *lex)
{
  memset (lex->prefix, 0, sizeof lex->prefix);
  for (guint i = 0; i < lex->n_entries; i++)
    {
      /* nk_vader_prefix_key of the key from its first eight bytes (zero-padded: a zero
       * or-ed with 0x20 is no letter, so the prefix stops at the key's end) */
      guint64 y = lex->entries[i].key8 | NK_VADER_CASE;
      guint64 stop = ~nk_vader_swar_lower (y) & NK_VADER_HIGH;
      gsize n = stop ? NK_VADER_CTZ (stop) >> 3 : 8;
      guint32 bit;

      if (n == 0)
        continue;
      bit = nk_vader_prefix_bit (y & nk_vader_chunk_mask (n));
      lex->prefix[bit >> 6] |= G_GUINT64_CONSTANT (1) << (bit & 63);
    }
}

void
nk_vader_lexicon_finish_plain (NkVaderLexicon *lex)
{
  nk_vader_lexicon_finish_prefix (lex);
  lex->gp_plain[0] = lex->gp_plain[1] = 0;
  if (lex->wide_keys)
    return;
  for (gunichar cp = 0x2000; cp < 0x2080; cp++)
    {
      gboolean space = cp <= 0x200a || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
                       cp == 0x205f;
      gboolean emoji = lex->n_emoji > 0 && (lex->emoji_bmp[cp >> 3] & (1 << (cp & 7)));

      if (!space && !emoji)
        lex->gp_plain[(cp - 0x2000) >> 6] |= G_GUINT64_CONSTANT (1) << ((cp - 0x2000) & 63);
    }
}

NkVaderLexicon *
nk_vader_lexicon_new_from_data (const char *lexicon_data,
                                gsize       lexicon_len,
                                const char *emoji_data,
                                gsize       emoji_len,
                                GError    **error)
{
  g_autoptr (NkVaderLexicon) lex = nk_vader_lexicon_alloc ();

  g_return_val_if_fail (lexicon_data != NULL || lexicon_len == 0, NULL);
  g_return_val_if_fail (emoji_data != NULL || emoji_len == 0, NULL);

  /* the constants, the lexicon's lines; for the pool, the keys are under a quarter of
   * the lexicon's bytes (each line has three more fields), descriptions under half the
   * emoji file */
  nk_vader_table_reserve (lex, nk_vader_count_lines (lexicon_data, lexicon_len) + 200,
                          lexicon_len / 4 + emoji_len / 2 + 4096);
  nk_vader_add_constants (lex);
  if (!nk_vader_foreach_line (lex, lexicon_data, lexicon_len, "vader lexicon",
                              nk_vader_lex_line, error) ||
      !nk_vader_foreach_line (lex, emoji_data, emoji_len, "emoji lexicon",
                              nk_vader_emoji_line, error))
    return NULL;
  nk_vader_emoji_finish (lex);
  nk_vader_lexicon_finish_plain (lex);
  return g_steal_pointer (&lex);
}

static gboolean
nk_vader_read_file (const char *path,
                    char      **contents,
                    gsize      *len,
                    GError    **error)
{
  g_autoptr (GError) local = NULL;

  if (g_file_get_contents (path, contents, len, &local))
    return TRUE;
  g_set_error (error, NK_VADER_ERROR, NK_VADER_ERROR_IO, "%s", local->message);
  return FALSE;
}

/* Re-labels a parse error raised with a generic name by the file's path. */
static void
nk_vader_prefix_error (GError    **error,
                       const char *generic,
                       const char *path)
{
  if (error && *error && g_str_has_prefix ((*error)->message, generic))
    {
      char *msg = g_strconcat (path, (*error)->message + strlen (generic), NULL);
      g_free ((*error)->message);
      (*error)->message = msg;
    }
}

NkVaderLexicon *
nk_vader_lexicon_new (const char *lexicon_path,
                      const char *emoji_path,
                      GError    **error)
{
  g_autofree char *lex_data = NULL, *emoji_data = NULL;
  gsize lex_len = 0, emoji_len = 0;
  NkVaderLexicon *lex;

  g_return_val_if_fail (lexicon_path != NULL && emoji_path != NULL, NULL);

  if (!nk_vader_read_file (lexicon_path, &lex_data, &lex_len, error) ||
      !nk_vader_read_file (emoji_path, &emoji_data, &emoji_len, error))
    return NULL;
  lex = nk_vader_lexicon_new_from_data (lex_data, lex_len, emoji_data, emoji_len, error);
  if (lex == NULL)
    {
      nk_vader_prefix_error (error, "vader lexicon", lexicon_path);
      nk_vader_prefix_error (error, "emoji lexicon", emoji_path);
    }
  return lex;
}

/* ---- lowercasing (Python str.lower) ------------------------------------------------ */

/* Appends the lowercase of @s to @out (capacity checked by the caller: at most 3 bytes
 * out per byte in). Python's one unconditional multi-character lowercase is U+0130; the
 * final-sigma rule is not applied (no lexicon word is Greek). Invalid bytes are copied. */
gsize
nk_vader_lower_into (char       *out,
                     const char *s,
                     gsize       len)
{
  gsize o = 0;

  for (gsize i = 0; i < len;)
    {
      guchar b = s[i];
      gunichar c;
      const char *next;

      if (b < 0x80)
        {
          out[o++] = (b >= 'A' && b <= 'Z') ? b + 32 : b;
          i++;
          continue;
        }
      c = g_utf8_get_char_validated (s + i, len - i);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          out[o++] = b;
          i++;
          continue;
        }
      next = g_utf8_next_char (s + i);
      if (c == 0x130)
        {
          memcpy (out + o, "i\xcc\x87", 3);
          o += 3;
        }
      else
        o += g_unichar_to_utf8 (g_unichar_tolower (c), out + o);
      i = next - s;
    }
  return o;
}

gboolean
nk_vader_lexicon_lookup (const NkVaderLexicon *lexicon,
                         const char           *word,
                         gssize                len,
                         double               *valence)
{
  char stack[256];
  g_autofree char *heap = NULL;
  char *buf = stack;
  const NkVaderEntry *e;
  gsize n;

  g_return_val_if_fail (lexicon != NULL && word != NULL, FALSE);

  if (len < 0)
    len = strlen (word);
  if ((gsize) len * 3 > sizeof stack)
    buf = heap = g_malloc (len * 3);
  n = nk_vader_lower_into (buf, word, len);
  e = nk_vader_table_find (lexicon, buf, n, nk_vader_hash (buf, n));
  if (e == NULL || !(e->flags & NK_VADER_ENTRY_LEX))
    return FALSE;
  if (valence)
    *valence = e->lex;
  return TRUE;
}

/* ---- user lexicons ----------------------------------------------------------------- */

static gboolean
nk_vader_user_line (NkVaderLexicon *lex,
                    const char     *line,
                    gsize           len,
                    guint           lineno,
                    const char     *name,
                    GError        **error)
{
  const char *tab = memchr (line, '\t', len);
  const char *val, *val_end;
  char lower[256];
  NkVaderEntry *e;
  gsize n;
  double v;

  if (line[0] == '#')
    return TRUE;
  if (tab == NULL || tab == line || (gsize) (tab - line) * 3 > sizeof lower)
    goto bad;
  for (const char *p = line; p < tab; p++)
    if (g_ascii_isspace (*p))
      {
        g_set_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE,
                     "%s:%u: a word must be a single token (no spaces)", name, lineno);
        return FALSE;
      }
  val = tab + 1;
  val_end = memchr (val, '\t', line + len - val);
  if (!nk_vader_parse_double (val, (val_end ? val_end : line + len) - val, &v))
    goto bad;
  /* Tokens are lowercased before lookup, so an entry only ever matches lowercased. */
  n = nk_vader_lower_into (lower, line, tab - line);
  e = nk_vader_table_get (lex, lower, n);
  if (!(e->flags & NK_VADER_ENTRY_LEX))
    lex->n_lex++;
  e->flags |= NK_VADER_ENTRY_LEX | NK_VADER_ENTRY_USER;
  e->lex = v;
  return TRUE;

bad:
  g_set_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE,
               "%s:%u: expected WORD<TAB>VALENCE (a number)", name, lineno);
  return FALSE;
}

static NkVaderLexicon *
nk_vader_lexicon_copy (const NkVaderLexicon *base)
{
  NkVaderLexicon *lex = g_atomic_rc_box_new0 (NkVaderLexicon);

  memcpy (lex->bloom, base->bloom, sizeof lex->bloom);
  lex->pool = g_string_new_len (base->pool->str, base->pool->len);
  lex->mask = base->mask;
  lex->slots = g_memdup2 (base->slots, sizeof (NkVaderSlot) * (base->mask + 1));
  lex->entries = g_memdup2 (base->entries, sizeof (NkVaderEntry) * base->entries_cap);
  lex->n_entries = base->n_entries;
  lex->entries_cap = base->entries_cap;
  lex->n_lex = base->n_lex;
  lex->emoji = g_memdup2 (base->emoji, sizeof (NkVaderEmoji) * base->n_emoji);
  lex->n_emoji = base->n_emoji;
  lex->emoji_cap = base->n_emoji;
  lex->emoji_min = base->emoji_min;
  lex->emoji_max = base->emoji_max;
  memcpy (lex->emoji_ascii, base->emoji_ascii, sizeof lex->emoji_ascii);
  memcpy (lex->emoji_bmp, base->emoji_bmp, sizeof lex->emoji_bmp);
  lex->wide_keys = base->wide_keys;
  return lex;
}

NkVaderLexicon *
nk_vader_lexicon_new_extended_from_data (const NkVaderLexicon *base,
                                         const char           *user_data,
                                         gsize                 user_len,
                                         const char           *display_name,
                                         GError              **error)
{
  g_autoptr (NkVaderLexicon) lex = NULL;

  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (user_data != NULL || user_len == 0, NULL);

  lex = nk_vader_lexicon_copy (base);
  if (!nk_vader_foreach_line (lex, user_data, user_len,
                              display_name ? display_name : "user lexicon",
                              nk_vader_user_line, error))
    return NULL;
  nk_vader_lexicon_finish_plain (lex);
  return g_steal_pointer (&lex);
}

NkVaderLexicon *
nk_vader_lexicon_new_extended (const NkVaderLexicon *base,
                               const char           *user_path,
                               GError              **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (base != NULL && user_path != NULL, NULL);

  if (!nk_vader_read_file (user_path, &data, &len, error))
    return NULL;
  return nk_vader_lexicon_new_extended_from_data (base, data, len, user_path, error);
}

static void
nk_vader_lexicon_clear (gpointer data)
{
  NkVaderLexicon *lex = data;

  g_string_free (lex->pool, TRUE);
  g_free (lex->slots);
  g_free (lex->entries);
  g_free (lex->emoji);
}

NkVaderLexicon *
nk_vader_lexicon_ref (NkVaderLexicon *lexicon)
{
  g_return_val_if_fail (lexicon != NULL, NULL);
  return g_atomic_rc_box_acquire (lexicon);
}

void
nk_vader_lexicon_unref (NkVaderLexicon *lexicon)
{
  if (lexicon)
    g_atomic_rc_box_release_full (lexicon, nk_vader_lexicon_clear);
}

guint
nk_vader_lexicon_get_size (const NkVaderLexicon *lexicon)
{
  g_return_val_if_fail (lexicon != NULL, 0);
  return lexicon->n_lex;
}

