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

gboolean
nk_quote_is_space_at (const char *t, gsize i, gsize len, guint *n)
{
  guchar c = (guchar) t[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
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

/* Length of an alphanumeric character at @i, or 0. */
static inline guint
nk_alnum_at (const char *t, gsize i, gsize len)
{
  guchar c = (guchar) t[i];
  if (c < 0x80)
    return g_ascii_isalnum (c) ? 1 : 0;
  gunichar u = g_utf8_get_char_validated (t + i, (gssize) (len - i));
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return 0;
  if (!g_unichar_isalnum (u) && g_unichar_type (u) != G_UNICODE_NON_SPACING_MARK)
    return 0;
  return (guint) (g_utf8_next_char (t + i) - (t + i));
}

gboolean
nk_quote_is_upper_at (const char *t, gsize i, gsize len)
{
  guchar c = (guchar) t[i];
  if (c < 0x80)
    return g_ascii_isupper (c);
  gunichar u = g_utf8_get_char_validated (t + i, (gssize) (len - i));
  return u != (gunichar) -1 && u != (gunichar) -2 && g_unichar_isupper (u);
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

  while (q->start < q->end && nk_quote_is_space_at (t, q->start, q->end, &n))
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

  while (i < e && nk_quote_is_space_at (t, i, e, &n))
    i += n;
  gsize para_first = i;

  /* Jump between candidate bytes with memchr: most of a paragraph holds neither. */
  const char *next_q = memchr (t + i, '"', e - i);
  const char *next_e = memchr (t + i, 0xE2, e - i);
  for (; i < e; i++)
    {
      if (next_q != NULL && next_q < t + i)
        next_q = memchr (t + i, '"', e - i);
      if (next_e != NULL && next_e < t + i)
        next_e = memchr (t + i, 0xE2, e - i);
      if (next_q == NULL && next_e == NULL)
        break;
      const char *next = next_q == NULL ? next_e : next_e == NULL ? next_q : MIN (next_q, next_e);
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
  gboolean in_word = FALSE, has_alnum = FALSE;

  for (guint32 i = start; i <= end && words < limit; i++)
    {
      if (i == end || nk_is_space_byte ((guchar) t[i]))
        {
          if (in_word && has_alnum)
            words++;
          in_word = has_alnum = FALSE;
          continue;
        }
      in_word = TRUE;
      if ((guchar) t[i] >= 0x80 || g_ascii_isalnum (t[i]))
        has_alnum = TRUE;
    }
  return words;
}

/* ---------------------------------------------------------------------------------------
 * Tokens
 */

static guint
nk_tok_lookup (const NkQuoteFinder *f,
               guint32              start,
               guint32              end,
               guint8              *poss)
{
  const char *t = f->in->text;
  guint32 e = end;

  *poss = 0;
  if (e > start && t[e - 1] == '.')
    e--;
  if (e >= start + 5 && t[e - 1] == 's' && nk_punct3 (t, e - 4, end) == NK_RSQUO)
    {
      *poss = 1;
      e -= 4;
    }
  else if (e >= start + 2 && t[e - 1] == 's' && t[e - 2] == '\'')
    {
      *poss = 1;
      e -= 2;
    }
  return e > start ? nk_quote_lexicon_lookup (f->lex, t + start, e - start) : 0;
}

/* The end of the word starting at @i (an alphanumeric character). */
static gsize
nk_word_end (const char *t,
             gsize       i,
             gsize       len)
{
  guint n;

  while (i < len)
    {
      /* the common case first, in a tight loop: a run of ASCII letters and digits (bytes
       * of 0x80 and above are not alnum in g_ascii_table) */
      if (g_ascii_isalnum (t[i]))
        {
          do
            i++;
          while (i < len && g_ascii_isalnum (t[i]));
          continue;
        }
      if ((n = nk_alnum_at (t, i, len)) > 0)
        {
          i += n;
          continue;
        }
      /* Joiners stay inside a word when a letter follows: Kim Jong-un, Korea’s, U.S */
      guint j = 0;
      if (t[i] == '-' || t[i] == '\'' || t[i] == '&' || t[i] == '.')
        j = 1;
      else if (nk_punct3 (t, i, len) == NK_RSQUO)
        j = 3;
      if (j == 0 || i + j >= len || nk_alnum_at (t, i + j, len) == 0)
        break;
      i += j;
    }
  return i;
}

void
nk_quote_add_tok (NkQuoteFinder *f,
                  guint8         kind,
                  gsize          start,
                  gsize          end)
{
  NkTok tok = { (guint32) start, (guint32) end, 0, -1, kind, 0, 0, 0, 0 };
  g_array_append_val (f->toks, tok);
}

/* Tokens are written straight into the array, reserved once per range (a token takes at
 * least one byte), not appended one call at a time. */
void
nk_quote_tokenize (NkQuoteFinder *f,
                   gsize          a,
                   gsize          b)
{
  const char *t = f->in->text;
  gsize i = a;
  guint n;
  guint used = f->toks->len;

  g_array_set_size (f->toks, used + (guint) (b - a));
  NkTok *out = &g_array_index (f->toks, NkTok, 0);

  while (i < b)
    {
      if (nk_quote_is_space_at (t, i, b, &n))
        {
          i += n;
          continue;
        }
      if ((n = nk_alnum_at (t, i, b)) > 0)
        {
          gsize e = nk_word_end (t, i, b);
          /* A final period belongs to initials and dotted abbreviations (J., U.S., Mr.) */
          if (e < b && t[e] == '.' && (e - i == 1 || memchr (t + i, '.', e - i) != NULL
                                       || (e - i <= 3 && g_ascii_isupper (t[i]))))
            e++;
          NkTok *tok = &out[used++];
          *tok = (NkTok) { (guint32) i, (guint32) e, 0, -1, TK_WORD, 0, 0, 0, 0 };
          tok->lex = nk_tok_lookup (f, tok->start, tok->end, &tok->poss);
          tok->cap = nk_quote_is_upper_at (t, i, b);
          i = e;
          continue;
        }
      guchar c = (guchar) t[i];
      guchar p = nk_punct3 (t, i, b);
      guint8 kind = TK_PUNCT;
      guint w = 1;
      if (c == ',')
        kind = TK_COMMA;
      else if (c == ':')
        kind = TK_COLON;
      else if (c == ';')
        kind = TK_SEMI;
      else if (c == '"')
        kind = TK_QMARK;
      else if (c == '(' || c == ')' || c == '[' || c == ']')
        kind = TK_PAREN;
      else if (p == NK_LDQUO || p == NK_RDQUO)
        kind = TK_QMARK, w = 3;
      else if (p == NK_NDASH || p == NK_MDASH)
        kind = TK_DASH, w = 3;
      else if (c == '-' && i + 1 < b && t[i + 1] == '-')
        kind = TK_DASH, w = 2;
      else if (c >= 0x80)
        w = (guint) (g_utf8_next_char (t + i) - (t + i));
      if (i + w > b)
        w = (guint) (b - i);
      out[used++] = (NkTok) { (guint32) i, (guint32) (i + w), 0, -1, kind, 0, 0, 0, 0 };
      i += w;
    }
  g_array_set_size (f->toks, used);
}

/* Marks words inside other quotations and tags entities and lexicon phrases. */
void
nk_quote_annotate (NkQuoteFinder *f)
{
  const NkQuoteInput *in = f->in;
  NkTok *toks = (NkTok *) (gpointer) f->toks->data;
  guint n = f->toks->len;
  const NkRawQuote *raws = (const NkRawQuote *) (gpointer) f->raws->data;
  guint nr = f->raws->len;

  if (n == 0)
    return;
  guint e = nk_quote_entity_after (in, toks[0].start);
  guint r = 0;
  {
    guint lo = 0, hi = nr;
    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;
        if (raws[mid].close_end <= toks[0].start)
          lo = mid + 1;
        else
          hi = mid;
      }
    r = lo;
  }

  for (guint i = 0; i < n; i++)
    {
      NkTok *tok = &toks[i];
      if (tok->kind == TK_SELF)
        continue;
      while (r < nr && raws[r].close_end <= tok->start)
        r++;
      if (r < nr && tok->start >= raws[r].start && tok->end <= raws[r].end)
        tok->in_quote = 1;
      if (tok->kind != TK_WORD)
        continue;
      while (e < in->n_entities && in->entities[e].end <= tok->start)
        e++;
      for (guint k = e; k < in->n_entities && in->entities[k].start < tok->end; k++)
        tok->ent = (gint32) k;
      /* A cue word inside a name or capitalised mid-sentence is no cue ("United States") */
      if (tok->ent >= 0 || (tok->cap && i > 0 && toks[i - 1].kind == TK_WORD))
        tok->lex &= ~(guint32) (NK_LEX_CUE | NK_LEX_PHRASE_HEAD);
    }

  const char *t = in->text;
  for (guint i = 0; i < n; i++)
    {
      if (!(toks[i].lex & NK_LEX_PHRASE_HEAD))
        continue;
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
