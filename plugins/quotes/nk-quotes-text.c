/* nk-quotes-text.c — the quotes engine's view of the text: characters, paragraphs and
 * sentences, quote marks paired into quotations, and the tokens of a window around one.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes"

#include <string.h>

#include "nk-quotes-private.h"

/* ---------------------------------------------------------------------------------------
 * Characters
 */

/* ASCII byte classes, one load per byte in the token loops (bytes of 0x80 and above have
 * none: they go through GLib's Unicode tables). */
enum {
  NK_CH_SPACE = 1 << 0,  /* ' ' \t \n \r \f \v */
  NK_CH_ALNUM = 1 << 1,
  NK_CH_UPPER = 1 << 2,
  NK_CH_JOIN  = 1 << 3,  /* - ' & . : kept inside a word when a letter follows */
  NK_CH_BLANK = 1 << 4,  /* ' ' \t \n \r: nk_is_space_byte () */
};

#define NK_CH_LETTERS(c0, c1, f) \
  [c0] = f, [c0 + 1] = f, [c0 + 2] = f, [c0 + 3] = f, [c0 + 4] = f, [c0 + 5] = f, \
  [c0 + 6] = f, [c0 + 7] = f, [c0 + 8] = f, [c0 + 9] = f, [c0 + 10] = f, [c0 + 11] = f, \
  [c0 + 12] = f, [c1] = f, [c1 + 1] = f, [c1 + 2] = f, [c1 + 3] = f, [c1 + 4] = f, \
  [c1 + 5] = f, [c1 + 6] = f, [c1 + 7] = f, [c1 + 8] = f, [c1 + 9] = f, [c1 + 10] = f, \
  [c1 + 11] = f, [c1 + 12] = f

static const guint8 nk_ch[256] = {
  [' '] = NK_CH_SPACE | NK_CH_BLANK, ['\t'] = NK_CH_SPACE | NK_CH_BLANK,
  ['\n'] = NK_CH_SPACE | NK_CH_BLANK, ['\r'] = NK_CH_SPACE | NK_CH_BLANK,
  ['\f'] = NK_CH_SPACE, ['\v'] = NK_CH_SPACE,
  ['0'] = NK_CH_ALNUM, ['1'] = NK_CH_ALNUM, ['2'] = NK_CH_ALNUM, ['3'] = NK_CH_ALNUM,
  ['4'] = NK_CH_ALNUM, ['5'] = NK_CH_ALNUM, ['6'] = NK_CH_ALNUM, ['7'] = NK_CH_ALNUM,
  ['8'] = NK_CH_ALNUM, ['9'] = NK_CH_ALNUM,
  NK_CH_LETTERS ('A', 'N', NK_CH_ALNUM | NK_CH_UPPER),
  NK_CH_LETTERS ('a', 'n', NK_CH_ALNUM),
  ['-'] = NK_CH_JOIN, ['\''] = NK_CH_JOIN, ['&'] = NK_CH_JOIN, ['.'] = NK_CH_JOIN,
};

static inline gboolean
nk_space_at (const char *t, gsize i, gsize len, guint *n)
{
  guchar c = (guchar) t[i];
  if (nk_ch[c] & NK_CH_SPACE)
    {
      *n = 1;
      return TRUE;
    }
  if (c == 0xC2 && i + 1 < len && (guchar) t[i + 1] == 0xA0)
    {
      *n = 2;
      return TRUE;
    }
  return FALSE;
}

gboolean
nk_quote_is_space_at (const char *t, gsize i, gsize len, guint *n)
{
  return nk_space_at (t, i, len, n);
}

/* Length of a non-ASCII alphanumeric character (or combining mark) at @i, or 0. */
static guint
nk_alnum_high_at (const char *t, gsize i, gsize len)
{
  gunichar u = g_utf8_get_char_validated (t + i, (gssize) (len - i));
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return 0;
  if (!g_unichar_isalnum (u) && g_unichar_type (u) != G_UNICODE_NON_SPACING_MARK)
    return 0;
  return (guint) (g_utf8_next_char (t + i) - (t + i));
}

/* Length of an alphanumeric character at @i, or 0. */
static inline guint
nk_alnum_at (const char *t, gsize i, gsize len)
{
  guchar c = (guchar) t[i];
  if (c < 0x80)
    return (nk_ch[c] & NK_CH_ALNUM) ? 1 : 0;
  return nk_alnum_high_at (t, i, len);
}

static inline gboolean
nk_upper_at (const char *t, gsize i, gsize len)
{
  guchar c = (guchar) t[i];
  if (c < 0x80)
    return (nk_ch[c] & NK_CH_UPPER) != 0;
  gunichar u = g_utf8_get_char_validated (t + i, (gssize) (len - i));
  return u != (gunichar) -1 && u != (gunichar) -2 && g_unichar_isupper (u);
}

gboolean
nk_quote_is_upper_at (const char *t, gsize i, gsize len)
{
  return nk_upper_at (t, i, len);
}

/* ---------------------------------------------------------------------------------------
 * Paragraphs, sentences
 */

void
nk_quote_line_paragraphs (NkQuoteFinder *f)
{
  const char *t = f->in->text;
  gsize len = f->in->len;
  gsize i = 0;

  g_array_set_size (f->line_pars, 0);
  while (i < len)
    {
      while (i < len && (t[i] == '\n' || t[i] == '\r'))
        i++;
      gsize s = i;
      const char *nl = i < len ? memchr (t + i, '\n', len - i) : NULL;
      gsize e = nl != NULL ? (gsize) (nl - t) : len;
      if (e > s)
        {
          NkQuoteRange r = { (guint32) s, (guint32) e };
          g_array_append_val (f->line_pars, r);
        }
      i = e;
    }
}

/* The last range starting at or before @off (0 when none does). */
guint
nk_quote_range_index (const NkQuoteRange *r,
                      guint               n,
                      guint32             off)
{
  guint lo = 0, hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (r[mid].start <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 ? lo - 1 : 0;
}

/* nk_quote_range_index () starting from @hint, the index of a range starting at or
 * before @off (ranges are sorted): quotations come in text order, so the walk is short. */
guint
nk_quote_range_index_from (const NkQuoteRange *r,
                           guint               n,
                           guint32             off,
                           guint               hint)
{
  if (hint >= n || (hint > 0 && r[hint].start > off))
    return nk_quote_range_index (r, n, off);
  while (hint + 1 < n && r[hint + 1].start <= off)
    hint++;
  return hint;
}

/* First entity whose end is after @off. */
guint
nk_quote_entity_after (const NkQuoteInput *in,
                       guint32             off)
{
  guint lo = 0, hi = in->n_entities;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (in->entities[mid].end <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
nk_quote_load_entity (const NkQuoteFinder *f,
                      gint32               e)
{
  /* the input marked it pending: its array is the caller's to complete */
  NkQuoteEntity *ent = (NkQuoteEntity *) &f->in->entities[e];
  g_return_if_fail (f->in->load_entity != NULL);
  f->in->load_entity (f->in->load_data, (guint) e, ent);
  ent->pending = FALSE;
}

/* Whether @off lies inside the interior of a quotation. */
gboolean
nk_quote_in_quote (const NkQuoteFinder *f,
                   guint32              off)
{
  const NkRawQuote *raws = (const NkRawQuote *) (gpointer) f->raws->data;
  guint lo = 0, hi = f->raws->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (raws[mid].mark <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 && off >= raws[lo - 1].start && off < raws[lo - 1].end;
}

/* ---------------------------------------------------------------------------------------
 * Quote marks
 */

static void
nk_finder_push_raw (NkQuoteFinder *f,
                    NkRawQuote    *q,
                    gsize          para_first)
{
  const char *t = f->in->text;
  guint n;

  while (q->start < q->end && nk_space_at (t, q->start, q->end, &n))
    q->start += n;
  while (q->end > q->start && nk_is_space_byte ((guchar) t[q->end - 1]))
    q->end--;
  if (q->end <= q->start)
    return;
  q->para_start = q->mark == para_first;
  g_array_append_val (f->raws, *q);
}

void
nk_quote_scan_paragraph (NkQuoteFinder *f,
                         guint          pi)
{
  const char *t = f->in->text;
  gsize len = f->in->len;
  gsize e = MIN (f->pars[pi].end, len);
  gsize i = f->pars[pi].start;
  gboolean open = FALSE, straight = FALSE, inner = FALSE;
  NkRawQuote q = { 0 };
  guint n;

  while (i < e && nk_space_at (t, i, e, &n))
    i += n;
  gsize para_first = i;

  /* Jump between candidate bytes with memchr: most of a paragraph holds neither. The
   * searches run on to the text's end, so a paragraph without a candidate costs none. */
  const char *next_q = f->next_q, *next_e = f->next_e;
  if (i < f->next_from)
    {
      /* paragraphs out of order or overlapping: search again */
      next_q = memchr (t + i, '"', len - i);
      next_e = memchr (t + i, 0xE2, len - i);
    }
  for (; i < e; i++)
    {
      if (next_q != NULL && next_q < t + i)
        next_q = memchr (t + i, '"', len - i);
      if (next_e != NULL && next_e < t + i)
        next_e = memchr (t + i, 0xE2, len - i);
      const char *next = next_q == NULL ? next_e : next_e == NULL ? next_q : MIN (next_q, next_e);
      if (next == NULL || next >= t + e)
        break;
      i = (gsize) (next - t);
      guchar c = (guchar) t[i];
      if (c == '"')
        {
          if (!open)
            {
              /* An opening straight mark is followed by text, not by a space. */
              if (i + 1 < e && !nk_is_space_byte ((guchar) t[i + 1]))
                {
                  q = (NkRawQuote) { (guint32) i, (guint32) i + 1, 0, 0, pi, FALSE, FALSE };
                  open = straight = TRUE;
                }
            }
          else if (!straight && inner)
            inner = FALSE;  /* closes a "nested" quotation inside “…” */
          else if (!straight && (i == 0 || nk_is_space_byte ((guchar) t[i - 1]))
                   && i + 1 < e && !nk_is_space_byte ((guchar) t[i + 1]))
            inner = TRUE;
          else if (straight || (i > 0 && !nk_is_space_byte ((guchar) t[i - 1])
                                && (i + 1 >= e || !g_ascii_isalnum (t[i + 1]))))
            {
              /* Sloppy text mixes marks: “…" closes like "…" when it looks closing. */
              q.end = (guint32) i;
              q.close_end = (guint32) i + 1;
              nk_finder_push_raw (f, &q, para_first);
              open = FALSE;
            }
          continue;
        }
      guchar p = c == 0xE2 ? nk_punct3 (t, i, e) : 0;
      if (p == NK_LDQUO && !open)
        {
          q = (NkRawQuote) { (guint32) i, (guint32) i + 3, 0, 0, pi, FALSE, FALSE };
          open = TRUE;
          straight = inner = FALSE;
        }
      else if (p == NK_RDQUO && open)
        {
          q.end = (guint32) i;
          q.close_end = (guint32) i + 3;
          nk_finder_push_raw (f, &q, para_first);
          open = FALSE;
        }
      if (p != 0)
        i += 2;
    }
  /* no candidate is left between where they were searched from and @e */
  f->next_q = next_q;
  f->next_e = next_e;
  f->next_from = e;
  if (open)
    {
      q.end = (guint32) e;
      q.close_end = (guint32) e;
      q.unclosed = TRUE;
      nk_finder_push_raw (f, &q, para_first);
    }
}

/* Counts words up to @limit: runs of non-space bytes holding a letter or digit. */
guint
nk_quote_count_words (const char *t,
                      guint32     start,
                      guint32     end,
                      guint       limit)
{
  guint words = 0;
  guint32 i = start;

  while (words < limit)
    {
      while (i < end && (nk_ch[(guchar) t[i]] & NK_CH_BLANK))
        i++;
      if (i >= end)
        break;
      /* up to the first letter or digit, then on to the word's end */
      guint8 cls;
      for (; i < end && !((cls = nk_ch[(guchar) t[i]]) & NK_CH_BLANK); i++)
        if ((guchar) t[i] >= 0x80 || (cls & NK_CH_ALNUM))
          {
            words++;
            break;
          }
      while (i < end && !(nk_ch[(guchar) t[i]] & NK_CH_BLANK))
        i++;
    }
  return words;
}

/* ---------------------------------------------------------------------------------------
 * Tokens
 */

/* The end of the lexicon key of the word [start, end): without a final period or a
 * possessive ’s / 's (*poss). */
static inline gsize
nk_tok_key_end (const char *t,
                gsize       start,
                gsize       end,
                guint8     *poss)
{
  gsize e = end;

  *poss = 0;
  if (e > start && t[e - 1] == '.')
    e--;
  if (e >= start + 2 && t[e - 1] == 's')
    {
      if (e >= start + 5 && nk_punct3 (t, e - 4, end) == NK_RSQUO)
        {
          *poss = 1;
          e -= 4;
        }
      else if (t[e - 2] == '\'')
        {
          *poss = 1;
          e -= 2;
        }
    }
  return e;
}

/* Where the word that reached @i (not a letter or digit of ASCII) ends: non-ASCII letters
 * and joiners followed by a letter go on (Kim Jong-un, Korea’s, U.S); *dot tells whether
 * the word holds a period. */
static gsize
nk_word_end (const char *t,
             gsize       i,
             gsize       len,
             gboolean   *dot)
{
  guint n;

  while (i < len)
    {
      guchar c = (guchar) t[i];
      if (nk_ch[c] & NK_CH_ALNUM)
        {
          i++;
          continue;
        }
      if (c >= 0x80 && (n = nk_alnum_high_at (t, i, len)) > 0)
        {
          i += n;
          continue;
        }
      guint j = 0;
      if (nk_ch[c] & NK_CH_JOIN)
        j = 1;
      else if (nk_punct3 (t, i, len) == NK_RSQUO)
        j = 3;
      if (j == 0 || i + j >= len || nk_alnum_at (t, i + j, len) == 0)
        break;
      *dot |= c == '.';
      i += j;
    }
  return i;
}

/* Room for @extra more tokens in the window. */
static inline void
nk_reserve_toks (NkQuoteFinder *f,
                 gsize          extra)
{
  if (f->n_toks + extra <= f->toks_cap)
    return;
  gsize cap = MAX (f->toks_cap, 256);
  while (cap < f->n_toks + extra)
    cap *= 2;
  f->toks = g_renew (NkTok, f->toks, cap);
  f->toks_cap = (guint) cap;
}

void
nk_quote_add_tok (NkQuoteFinder *f,
                  guint8         kind,
                  gsize          start,
                  gsize          end)
{
  nk_reserve_toks (f, 1);
  f->toks[f->n_toks++] = (NkTok) { (guint32) start, (guint32) end, 0, -1, kind, 0, 0, 0, 0 };
}

static guint8
nk_punct_kind (const char *t,
               gsize       i,
               gsize       b,
               guint      *w)
{
  guchar c = (guchar) t[i];
  *w = 1;
  switch (c)
    {
    case ',':
      return TK_COMMA;
    case ':':
      return TK_COLON;
    case ';':
      return TK_SEMI;
    case '"':
      return TK_QMARK;
    case '(': case ')': case '[': case ']':
      return TK_PAREN;
    case '-':
      if (i + 1 >= b || t[i + 1] != '-')
        return TK_PUNCT;
      *w = 2;
      return TK_DASH;
    default:
      break;
    }
  if (c < 0x80)
    return TK_PUNCT;
  guchar p = nk_punct3 (t, i, b);
  if (p == NK_LDQUO || p == NK_RDQUO)
    {
      *w = 3;
      return TK_QMARK;
    }
  if (p == NK_NDASH || p == NK_MDASH)
    {
      *w = 3;
      return TK_DASH;
    }
  *w = (guint) (g_utf8_next_char (t + i) - (t + i));
  return TK_PUNCT;
}

/* First raw quote whose closing mark ends after @off. */
static guint
nk_raw_closing_after (const NkQuoteFinder *f,
                      guint32              off)
{
  const NkRawQuote *raws = (const NkRawQuote *) (gpointer) f->raws->data;
  guint lo = 0, hi = f->raws->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (raws[mid].close_end <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Where a scan of the tokens of [.., b) stands in the entity and raw quote arrays. */
typedef struct {
  const NkQuoteEntity *ents;
  guint                n_ents;
  guint                e;        /* first entity ending after the last word's start */
  guint32              e_start;  /* its start (G_MAXUINT32: none) */
  const NkRawQuote    *raws;
  guint                n_raws;
  guint                r;        /* first raw quote closing after the last token's start */
  guint32              r_start;  /* its interior's start (G_MAXUINT32: none) */
} NkScanState;

/* The entity the word [start, end) overlaps, or -1. Most words end before the next entity
 * starts: one comparison. */
static inline gint32
nk_scan_entity (NkScanState *st,
                guint32      start,
                guint32      end)
{
  if (end <= st->e_start)
    return -1;
  guint k = st->e;
  while (k < st->n_ents && st->ents[k].end <= start)
    k++;
  st->e = k;
  st->e_start = k < st->n_ents ? st->ents[k].start : G_MAXUINT32;
  gint32 ent = -1;
  for (; k < st->n_ents && st->ents[k].start < end; k++)
    ent = (gint32) k;
  return ent;
}

/* Whether the token [start, end) lies inside a quotation's interior. */
static inline guint8
nk_scan_in_quote (NkScanState *st,
                  guint32      start,
                  guint32      end)
{
  if (start < st->r_start)
    return 0;
  guint r = st->r;
  while (r < st->n_raws && st->raws[r].close_end <= start)
    r++;
  st->r = r;
  st->r_start = r < st->n_raws ? st->raws[r].start : G_MAXUINT32;
  return r < st->n_raws && start >= st->raws[r].start && end <= st->raws[r].end;
}

/* The end of the word whose first character ends at @i. */
static inline gsize
nk_scan_word_end (const char *t,
                  gsize       i,
                  gsize       b,
                  gsize       start)
{
  gboolean dot = FALSE;

  while (i < b && (nk_ch[(guchar) t[i]] & NK_CH_ALNUM))
    i++;
  if (i < b && !nk_is_space_byte ((guchar) t[i]))
    i = nk_word_end (t, i, b, &dot);
  /* A final period belongs to initials and dotted abbreviations (J., U.S., Mr.) */
  if (i < b && t[i] == '.' && (i - start == 1 || dot
                               || (i - start <= 3 && (nk_ch[(guchar) t[start]] & NK_CH_UPPER))))
    i++;
  return i;
}

/* The lexicon's packed table, copied into locals for the token loop (stores to tokens
 * could otherwise alias its fields). */
typedef struct {
  const NkQuoteLexicon *lex;
  const NkQuotePacked  *packed;
  guint32               mask;
  guint32               shift;
} NkScanLex;

static inline guint
nk_scan_lookup (const NkScanLex *sl,
                guint64          k0,
                guint64          k1,
                gsize            len)
{
  for (guint32 i = (guint32) (nk_quote_packed_hash (k0, k1, len) >> sl->shift);;
       i = (i + 1) & sl->mask)
    {
      const NkQuotePacked *slot = &sl->packed[i];
      if (slot->len == 0)
        return 0;
      if (slot->k0 == k0 && slot->k1 == k1 && slot->len == len)
        return slot->flags;
    }
}

/* The lexicon flags of the key [s, ke) of a word: eight text bytes loaded at once where
 * the text goes on that far (@len), lower-cased together, bytes past the key masked off. */
static inline guint
nk_scan_key_lex (const NkScanLex *sl,
                 const char      *t,
                 gsize            len,
                 gsize            s,
                 gsize            ke)
{
  gsize kl = ke - s;

  if (kl == 0)
    return 0;
  if (kl > NK_QUOTE_PACKED_MAX || s + (kl > 8 ? 16 : 8) > len)
    return nk_quote_lexicon_lookup (sl->lex, t + s, kl);
  guint64 k0, k1 = 0;
  memcpy (&k0, t + s, 8);
  k0 = GUINT64_FROM_LE (k0);
  if (kl < 8)
    k0 &= (G_GUINT64_CONSTANT (1) << (8 * kl)) - 1;
  else if (kl > 8)
    {
      memcpy (&k1, t + s + 8, 8);
      k1 = GUINT64_FROM_LE (k1);
      if (kl < 16)
        k1 &= (G_GUINT64_CONSTANT (1) << (8 * (kl - 8))) - 1;
      k1 = nk_quote_lower8 (k1);
    }
  return nk_scan_lookup (sl, nk_quote_lower8 (k0), k1, kl);
}

#define NK_HIGH8 G_GUINT64_CONSTANT (0x8080808080808080)
#define NK_ONES8 G_GUINT64_CONSTANT (0x0101010101010101)

/* 0x80 in each of eight bytes that is an ASCII letter or digit; *letters: the same for
 * letters only. */
static inline guint64
nk_swar_alnum (guint64  x,
               guint64 *letters)
{
  guint64 c7 = x & ~NK_HIGH8;
  guint64 y7 = c7 | (0x20 * NK_ONES8);                        /* letters folded to lower case */
  guint64 letter = (y7 + 0x1F * NK_ONES8) & ~(y7 + 0x05 * NK_ONES8);  /* 'a' <= y <= 'z' */
  guint64 digit = (c7 + 0x50 * NK_ONES8) & ~(c7 + 0x46 * NK_ONES8);   /* '0' <= c <= '9' */
  *letters = letter & ~x & NK_HIGH8;
  return (letter | digit) & ~x & NK_HIGH8;
}

/* Whether a word of ASCII letters and digits reaching @end stops there: nothing that could
 * continue it (a joiner before a letter, a non-ASCII letter, ’) follows. */
static inline gboolean
nk_ascii_word_stops (const char *t,
                     gsize       end,
                     gsize       b)
{
  if (end >= b)
    return TRUE;
  guchar c = (guchar) t[end];
  if (c >= 0x80)
    return FALSE;
  return !(nk_ch[c] & NK_CH_JOIN) || end + 1 >= b || nk_alnum_at (t, end + 1, b) == 0;
}

/* The common word, up to eight ASCII letters and digits, in one eight-byte load that
 * also gives its lexicon key. Returns FALSE (nothing written) for any other word. */
static inline gboolean
nk_scan_short_word (const NkScanLex *sl,
                    const char      *t,
                    gsize            i,
                    gsize            b,
                    guint8           cls,
                    NkTok           *tok,
                    gsize           *run)
{
  guint64 x, letters;
  memcpy (&x, t + i, 8);
  x = GUINT64_FROM_LE (x);
  guint64 stop = ~nk_swar_alnum (x, &letters) & NK_HIGH8;
  gsize p = stop != 0 ? (gsize) __builtin_ctzll (stop) >> 3 : 8;
  if (i + p >= b)
    p = b - i;
  else if (p == 8 || !nk_ascii_word_stops (t, i + p, b))
    {
      *run = p;  /* the word goes on: its first p bytes are known letters or digits */
      return FALSE;
    }
  gsize end = i + p;
  guint64 k0 = x | (letters >> 2);
  if (p < 8)
    k0 &= (G_GUINT64_CONSTANT (1) << (8 * p)) - 1;
  guint lex = nk_scan_lookup (sl, k0, 0, p);
  /* A final period belongs to initials and short abbreviations (J., Mr.) */
  if (end < b && t[end] == '.' && (p == 1 || (p <= 3 && (cls & NK_CH_UPPER))))
    end++;
  *tok = (NkTok) { (guint32) i, (guint32) end, lex, -1, TK_WORD, 0,
                   (cls & NK_CH_UPPER) != 0, 0, 0 };
  return TRUE;
}

/* First pass: the tokens of [a, b) with their kind, lexicon flags, case and possessive
 * mark, as a scan stopping at @b sees them. Returns how many were written to @out (room
 * for b - a: a token takes at least one byte). */
static guint
nk_scan_tokens (const NkScanLex *sl,
                const char      *t,
                gsize            len,
                gsize            a,
                gsize            b,
                NkTok           *out)
{
  NkTok *o = out;
  gsize i = a;

  while (i < b)
    {
      guchar c = (guchar) t[i];
      guint8 cls = nk_ch[c];
      guint n;
      if (cls & NK_CH_SPACE)
        {
          i++;
          continue;
        }
      if (cls & NK_CH_ALNUM)
        {
          gsize run = 1;
          if (i + 8 <= len && nk_scan_short_word (sl, t, i, b, cls, o, &run))
            {
              i = o++->end;
              if (i < b && t[i] == ' ')
                i++;  /* the usual space after a word, without a turn of the loop */
              continue;
            }
          n = (guint) run;
        }
      else if (c < 0x80)
        n = 0;
      else if (c == 0xC2 && i + 1 < b && (guchar) t[i + 1] == 0xA0)
        {
          i += 2;
          continue;
        }
      else
        n = nk_alnum_high_at (t, i, b);
      if (n > 0)
        {
          gsize end = nk_scan_word_end (t, i + n, b, i);
          guint8 poss;
          guint lex = nk_scan_key_lex (sl, t, len, i, nk_tok_key_end (t, i, end, &poss));
          gboolean cap = c < 0x80 ? (cls & NK_CH_UPPER) != 0 : nk_upper_at (t, i, b);
          *o++ = (NkTok) { (guint32) i, (guint32) end, lex, -1, TK_WORD, 0, (guint8) cap, poss, 0 };
          i = end;
        }
      else
        {
          guint w;
          guint8 kind = nk_punct_kind (t, i, b, &w);
          if (i + w > b)
            w = (guint) (b - i);
          *o++ = (NkTok) { (guint32) i, (guint32) (i + w), 0, -1, kind, 0, 0, 0, 0 };
          i += w;
        }
    }
  return (guint) (o - out);
}

/* Second pass: whether each token lies inside another quotation's interior, the entity a
 * word overlaps, and no reporting cue inside a name or capitalised mid-sentence ("United
 * States"). @after_word: the token before the first is a word. */
static guint
nk_annotate_tokens (NkScanState *state,
                    NkTok       *tok,
                    NkTok       *end,
                    gboolean     after_word)
{
  /* a copy in locals: the byte stores to tokens could alias the state */
  NkScanState st = *state;
  guint heads = 0;

  for (; tok < end; tok++)
    {
      /* pass 1 wrote in_quote 0 and ent -1: most tokens keep them, tested with one
       * comparison each */
      if (tok->start >= st.r_start)
        tok->in_quote = nk_scan_in_quote (&st, tok->start, tok->end);
      if (tok->kind != TK_WORD)
        {
          after_word = FALSE;
          continue;
        }
      gint32 ent = tok->end > st.e_start ? nk_scan_entity (&st, tok->start, tok->end) : -1;
      tok->ent = ent;
      if (ent >= 0 || (tok->cap && after_word))
        tok->lex &= ~(guint32) (NK_LEX_CUE | NK_LEX_PHRASE_HEAD);
      heads += (tok->lex & NK_LEX_PHRASE_HEAD) != 0;
      after_word = TRUE;
    }
  *state = st;
  return heads;
}

/* Appends the tokens of [a, b), annotated, to the window (the token before this range's
 * first is the window's last). Tokens are written straight into the buffer, reserved once
 * per range, not appended one call at a time. */
void
nk_quote_tokenize (NkQuoteFinder *f,
                   gsize          a,
                   gsize          b)
{
  if (a >= b)
    return;
  NkScanState st = {
    f->in->entities, f->in->n_entities, f->scan_ent, 0,
    (const NkRawQuote *) (gpointer) f->raws->data, f->raws->len, f->scan_raw, 0,
  };
  guint32 pos = f->scan_pos;
  if (a < pos)
    {
      st.e = nk_quote_entity_after (f->in, (guint32) a);
      st.r = nk_raw_closing_after (f, (guint32) a);
      pos = (guint32) a;
    }
  st.e_start = st.e < st.n_ents ? st.ents[st.e].start : G_MAXUINT32;
  st.r_start = st.r < st.n_raws ? st.raws[st.r].start : G_MAXUINT32;

  const NkScanLex sl = { f->lex, f->lex->packed, f->lex->packed_mask, f->lex->packed_shift };
  nk_reserve_toks (f, b - a);
  guint first = f->n_toks;
  guint used = first + nk_scan_tokens (&sl, f->in->text, f->in->len, a, b, f->toks + first);
  if (!f->raws_sorted && used > first)
    {
      /* Raw quotes out of text order (overlapping paragraphs): search from the window's
       * first token and go on through the window from there, whatever follows. */
      if (first == 0 || (first == 1 && f->toks[0].kind == TK_SELF))
        st.r = nk_raw_closing_after (f, f->toks[0].start);
      else
        st.r = f->scan_raw;
      st.r_start = st.r < st.n_raws ? st.raws[st.r].start : G_MAXUINT32;
    }
  f->n_heads += nk_annotate_tokens (&st, f->toks + first, f->toks + used,
                                    first > 0 && f->toks[first - 1].kind == TK_WORD);

  /* st.e and st.r only moved past entities and quotes ending before a token's start: they
   * are lower bounds for any later start from the last token's on */
  if (used > first)
    pos = MAX (pos, f->toks[used - 1].start);
  f->n_toks = used;
  f->scan_pos = pos;
  f->scan_ent = st.e;
  f->scan_raw = st.r;
}

/* Tags lexicon phrases ("according to") in the window. */
void
nk_quote_annotate (NkQuoteFinder *f)
{
  NkTok *toks = f->toks;
  guint n = f->n_toks;
  const char *t = f->in->text;

  for (guint i = 0, heads = f->n_heads; i < n && heads > 0; i++)
    {
      if (!(toks[i].lex & NK_LEX_PHRASE_HEAD))
        continue;
      heads--;
      char key[NK_QUOTE_MAX_WORD];
      gsize kl = 0;
      for (guint j = i; j < n && j < i + 4 && toks[j].kind == TK_WORD; j++)
        {
          gsize wl = toks[j].end - toks[j].start;
          if (kl + wl + 2 >= sizeof key)
            break;
          if (j > i)
            key[kl++] = ' ';
          memcpy (key + kl, t + toks[j].start, wl);
          kl += wl;
          if (j > i && (nk_quote_lexicon_lookup (f->lex, key, kl) & NK_LEX_PHRASE))
            {
              toks[i].lex |= NK_LEX_PHRASE;
              toks[i].phrase_len = (guint8) (j - i + 1);
              break;
            }
        }
    }
}

/* “The One I Love”, “Master Builder Series”: titles of works, not quotations. Every word
 * of four letters or more is capitalised, at least two words are, and there is no comma
 * or sentence break inside (“Meth. We’re on it.” is a slogan, a quotation). */
gboolean
nk_quote_is_title_case (const char *t,
                        guint32     start,
                        guint32     end)
{
  guint caps = 0;
  guint32 i = start;
  for (guint32 k = start; k < end; k++)
    if (t[k] == ',' || t[k] == ';' || ((t[k] == '.' || t[k] == '!' || t[k] == '?')
                                       && (k + 1 == end || t[k + 1] == ' ')
                                       && k + 1 < end))
      return FALSE;
  if (end > start && (t[end - 1] == '!' || t[end - 1] == '?'))
    return FALSE;
  while (i < end)
    {
      while (i < end && (nk_is_space_byte ((guchar) t[i]) || !g_ascii_isalpha (t[i])))
        {
          if ((guchar) t[i] >= 0x80 && nk_alnum_at (t, i, end) > 0)
            return FALSE;  /* non-ASCII letters: no verdict */
          i++;
        }
      guint32 s = i;
      gboolean upper = i < end && g_ascii_isupper (t[i]);
      while (i < end && !nk_is_space_byte ((guchar) t[i]))
        i++;
      if (i == s)
        break;
      if (upper)
        caps++;
      else if (i - s >= 4)
        return FALSE;
    }
  return caps >= 2;
}
