/* nk-vader.c — VADER sentiment (vaderSentiment 3.3.2), ported rule by rule.
 *
 * The reference's quirks are kept on purpose, because users compare our numbers with the
 * Python package: tokens are `str.split()` pieces with outer ASCII punctuation stripped
 * (unless two or fewer characters would remain), emoji are replaced by their descriptions,
 * "but" re-weights values through `list.index` (first *equal value*, not the current
 * position), idioms are looked at only when the third preceding token exists and is not a
 * lexicon word, and the results are rounded like Python's round().
 *
 * Every floating-point expression mirrors the Python order of operations; the build turns
 * off FMA contraction (-ffp-contract=off) so results are bit-identical.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-vader"

#include "nk-vader-private.h"

#include <math.h>

#if defined (__SSE2__) && defined (__x86_64__) && !defined (NK_VADER_NO_SSE2)
#include <emmintrin.h>
#define NK_VADER_SSE2 1
#endif

typedef struct {
  guint       n_words;
  NkVaderWord words[3];
  double      value;
  gboolean    booster;  /* a BOOSTER_DICT n-gram (added) rather than a SPECIAL_CASES idiom (set) */
} NkVaderPhrase;

/* SPECIAL_CASES (multi-word ones; the single-word key "badass" can never equal a joined
 * sequence of tokens) and the multi-word BOOSTER_DICT keys, in the reference's order. */
static const NkVaderPhrase nk_vader_phrases[] = {
  { 2, { NK_W_THE, NK_W_SHIT }, 3, FALSE },
  { 2, { NK_W_THE, NK_W_BOMB }, 3, FALSE },
  { 2, { NK_W_BAD, NK_W_ASS }, 1.5, FALSE },
  { 2, { NK_W_BUS, NK_W_STOP }, 0.0, FALSE },
  { 2, { NK_W_YEAH, NK_W_RIGHT }, -2, FALSE },
  { 3, { NK_W_KISS, NK_W_OF, NK_W_DEATH }, -1.5, FALSE },
  { 3, { NK_W_TO, NK_W_DIE, NK_W_FOR }, 3, FALSE },
  { 2, { NK_W_BEATING, NK_W_HEART }, 3.1, FALSE },
  { 2, { NK_W_BROKEN, NK_W_HEART }, -2.9, FALSE },
  { 2, { NK_W_JUST, NK_W_ENOUGH }, NK_VADER_B_DECR, TRUE },
  { 2, { NK_W_KIND, NK_W_OF }, NK_VADER_B_DECR, TRUE },
  { 2, { NK_W_SORT, NK_W_OF }, NK_VADER_B_DECR, TRUE },
};

/* ---- scratch ----------------------------------------------------------------------- */

/* What the rules need of a token; whether it negates (an "n't" in it) is looked up in the
 * text when a rule asks, which is for a few tokens before each lexicon word only. */
typedef struct {
  guint32             start;  /* the token in the working text (unstripped when entry is */
  guint32             end;    /* nk_vader_raw_entry) */
  const NkVaderEntry *entry;  /* nk_vader_no_entry if the word is in no table */
  gboolean            upper;  /* Python's str.isupper () */
} NkVaderTok;

/* The entry of a word in no table: no flags, NK_W_NONE. */
static const NkVaderEntry nk_vader_no_entry;

/* The same for a word whose token was not stripped: NkVaderTok.start/end are the whole
 * str.split () piece, stripped when nk_vader_scratch_get_tokens asks. The rules may look at
 * the piece as it is: its outer punctuation has no letter, so it is str.isupper or has "n't"
 * exactly when the stripped token is or has. */
static const NkVaderEntry nk_vader_raw_entry;

/* The reference's _strip_punc_if_word on the word [@a, @e): strip outer
 * string.punctuation unless two or fewer characters would remain. */
typedef struct {
  const guchar *a;
  const guchar *e;
} NkVaderWord2;

static NkVaderWord2 nk_vader_strip_word (const guchar *a,
                                         const guchar *e,
                                         gboolean      wide);

/* An emoji replaced in the working text: [dst_start, dst_end) there (the inserted space
 * included) came from [src_start, src_end) of the caller's text. */
typedef struct {
  guint32 dst_start, dst_end, src_start, src_end;
} NkVaderPiece;

struct _NkVaderScratch {
  char         *text;       /* the working text when emoji were replaced (padded) */
  gsize         text_cap;
  char         *pad;        /* a copy of the scored text followed by NK_VADER_PAD spaces */
  gsize         pad_cap;
  char         *lower;
  gsize         lower_cap;
  NkVaderTok   *toks;
  NkVaderToken *out;        /* built on demand by nk_vader_scratch_get_tokens */
  gboolean      out_valid;
  const char   *work;       /* the text the tokens point into */
  const guchar *scan;       /* its padded copy (the same bytes), which the tokenizer read */
  double       *sent;       /* per token, built on demand with out */
  guint        *rules;
  /* The lexicon words, the only tokens that can carry a valence: the rules and sums run
   * over them alone (zeros change no sum and no "but" lookup). */
  guint        *hits;       /* token indices, in order */
  double       *hit_val;
  guint        *hit_rules;
  guint         n_hits;
  guint         n_upper;    /* tokens that are str.isupper () */
  guint         but_index;  /* the first "but", or G_MAXUINT */
  guint         n_toks;
  guint         toks_cap;
  NkVaderPiece *pieces;
  guint         n_pieces;
  guint         pieces_cap;
};

NkVaderScratch *
nk_vader_scratch_new (void)
{
  return g_new0 (NkVaderScratch, 1);
}

void
nk_vader_scratch_free (NkVaderScratch *scratch)
{
  if (scratch == NULL)
    return;
  g_free (scratch->text);
  g_free (scratch->pad);
  g_free (scratch->lower);
  g_free (scratch->toks);
  g_free (scratch->out);
  g_free (scratch->sent);
  g_free (scratch->rules);
  g_free (scratch->hits);
  g_free (scratch->hit_val);
  g_free (scratch->hit_rules);
  g_free (scratch->pieces);
  g_free (scratch);
}

static void nk_vader_fix_offsets (NkVaderScratch *s);

const NkVaderToken *
nk_vader_scratch_get_tokens (NkVaderScratch *scratch,
                             guint          *n_tokens)
{
  g_return_val_if_fail (scratch != NULL, NULL);

  if (!scratch->out_valid && scratch->n_toks > 0)
    {
      memset (scratch->sent, 0, sizeof (double) * scratch->n_toks);
      memset (scratch->rules, 0, sizeof (guint) * scratch->n_toks);
      for (guint h = 0; h < scratch->n_hits; h++)
        {
          scratch->sent[scratch->hits[h]] = scratch->hit_val[h];
          scratch->rules[scratch->hits[h]] = scratch->hit_rules[h];
        }
      for (guint i = 0; i < scratch->n_toks; i++)
        {
          const NkVaderTok *t = &scratch->toks[i];
          NkVaderToken *o = &scratch->out[i];
          guint32 start = t->start, end = t->end;

          if (t->entry == &nk_vader_raw_entry)
            {
              /* wide: exact for any word (an ASCII character is a byte) */
              NkVaderWord2 w = nk_vader_strip_word (scratch->scan + start, scratch->scan + end,
                                                    TRUE);

              start = w.a - scratch->scan;
              end = w.e - scratch->scan;
            }
          o->text = scratch->work + start;
          o->len = end - start;
          o->start = start;
          o->end = end;
          o->in_lexicon = (t->entry->flags & NK_VADER_ENTRY_LEX) != 0;
          o->lexicon_valence = o->in_lexicon ? t->entry->lex : 0.0;
          o->valence = scratch->sent[i];
          o->rules = scratch->rules[i];
        }
      if (scratch->n_pieces > 0)
        nk_vader_fix_offsets (scratch);
      scratch->out_valid = TRUE;
    }
  if (n_tokens)
    *n_tokens = scratch->n_toks;
  return scratch->out;
}

static void
nk_vader_reserve (gpointer *buf,
                  gsize    *cap,
                  gsize     need,
                  gsize     elem)
{
  gsize n = *cap ? *cap : 64;

  if (need <= *cap)
    return;
  while (n < need)
    n *= 2;
  *buf = g_realloc_n (*buf, n, elem);
  *cap = n;
}

static void
nk_vader_reserve_tokens (NkVaderScratch *s,
                         guint           need)
{
  guint n;

  if (need <= s->toks_cap)
    return;
  for (n = s->toks_cap ? s->toks_cap : 64; n < need; n *= 2)
    ;
  s->toks = g_renew (NkVaderTok, s->toks, n);
  s->out = g_renew (NkVaderToken, s->out, n);
  s->sent = g_renew (double, s->sent, n);
  s->rules = g_renew (guint, s->rules, n);
  s->hits = g_renew (guint, s->hits, n);
  s->hit_val = g_renew (double, s->hit_val, n);
  s->hit_rules = g_renew (guint, s->hit_rules, n);
  s->toks_cap = n;
}

/* ---- emoji replacement ------------------------------------------------------------- */

static const NkVaderEmoji *
nk_vader_emoji_find (const NkVaderLexicon *lex,
                     gunichar              cp)
{
  guint lo = 0, hi = lex->n_emoji;

  if (cp < lex->emoji_min || cp > lex->emoji_max)
    return NULL;
  if (cp < 65536 && !(lex->emoji_bmp[cp >> 3] & (1 << (cp & 7))))
    return NULL;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (lex->emoji[mid].cp == cp)
        return &lex->emoji[mid];
      if (lex->emoji[mid].cp < cp)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* The emoji starting at @text[i] (setting *@clen to its length), or NULL. */
static const NkVaderEmoji *
nk_vader_emoji_at (const NkVaderLexicon *lex,
                   const char           *text,
                   gsize                 len,
                   gsize                 i,
                   gsize                *clen)
{
  guchar b = text[i];
  gunichar cp;

  *clen = 1;
  if (b < 0x80)
    {
      if (!(lex->emoji_ascii[b >> 6] & (G_GUINT64_CONSTANT (1) << (b & 63))))
        return NULL;
      return nk_vader_emoji_find (lex, b);
    }
  cp = g_utf8_get_char_validated (text + i, len - i);
  if (cp == (gunichar) -1 || cp == (gunichar) -2)
    return NULL;
  *clen = g_utf8_next_char (text + i) - (text + i);
  return nk_vader_emoji_find (lex, cp);
}

static void
nk_vader_add_piece (NkVaderScratch *s,
                    NkVaderPiece    piece)
{
  if (s->n_pieces == s->pieces_cap)
    {
      s->pieces_cap = s->pieces_cap ? s->pieces_cap * 2 : 16;
      s->pieces = g_renew (NkVaderPiece, s->pieces, s->pieces_cap);
    }
  s->pieces[s->n_pieces++] = piece;
}

/* The reference's loop over characters: each emoji becomes its description, preceded by a
 * space unless the previous character was a space (U+0020 only). @first is the offset of
 * the first emoji. Returns the working text's length in s->text. */
static gsize
nk_vader_replace_emoji (const NkVaderLexicon *lex,
                        NkVaderScratch       *s,
                        const char           *text,
                        gsize                 len,
                        gsize                 first)
{
  gboolean prev_space = first == 0 || text[first - 1] == ' ';
  gsize o = first, i = first, clen;

  s->n_pieces = 0;
  nk_vader_reserve ((gpointer *) &s->text, &s->text_cap, len + 1, 1);
  memcpy (s->text, text, first);
  while (i < len)
    {
      const NkVaderEmoji *em = nk_vader_emoji_at (lex, text, len, i, &clen);

      if (em == NULL)
        {
          nk_vader_reserve ((gpointer *) &s->text, &s->text_cap, o + clen, 1);
          memcpy (s->text + o, text + i, clen);
          prev_space = clen == 1 && text[i] == ' ';
        }
      else
        {
          NkVaderPiece piece = { o, 0, i, i + clen };

          nk_vader_reserve ((gpointer *) &s->text, &s->text_cap, o + em->desc_len + 1, 1);
          if (!prev_space)
            s->text[o++] = ' ';
          memcpy (s->text + o, lex->pool->str + em->desc_off, em->desc_len);
          o += em->desc_len;
          piece.dst_end = o;
          nk_vader_add_piece (s, piece);
          prev_space = FALSE;
          i += clen;
          continue;
        }
      o += clen;
      i += clen;
    }
  return o;
}

/* Maps a byte offset of the working text back to the caller's text; @at_end asks for the
 * end of a token (exclusive) rather than its start. @cursor speeds up in-order queries. */
static guint32
nk_vader_map_offset (const NkVaderScratch *s,
                     guint32               d,
                     gboolean              at_end,
                     guint                *cursor)
{
  guint32 q = at_end ? d - 1 : d;
  const NkVaderPiece *p;

  while (*cursor < s->n_pieces && s->pieces[*cursor].dst_start <= q)
    (*cursor)++;
  if (*cursor == 0)
    return d;
  p = &s->pieces[*cursor - 1];
  if (q < p->dst_end)
    return at_end ? p->src_end : p->src_start;
  return p->src_end + (d - p->dst_end);
}

/* ---- tokenising -------------------------------------------------------------------- */

/* Spaces after the text tokenised: a word is read up to sixteen bytes at a time up to its
 * first space, never past the padding. */
#define NK_VADER_PAD 16

/* Copies @len bytes of @text (unless NULL: they are in place) into *@buf, then pads them. */
static const guchar *
nk_vader_pad (char       **buf,
              gsize       *cap,
              const char  *text,
              gsize        len)
{
  nk_vader_reserve ((gpointer *) buf, cap, len + NK_VADER_PAD, 1);
  if (text != NULL && len > 0)
    memcpy (*buf, text, len);
  memset (*buf + len, ' ', NK_VADER_PAD);
  return (const guchar *) *buf;
}

/* The reference's text.count ("!") and text.count ("?") on the padded working text @s (its
 * padding is spaces, so whole 16-byte blocks may be read). */
static void
nk_vader_count_marks (const guchar *s,
                      gsize         len,
                      guint        *n_excl,
                      guint        *n_quest)
{
  guint ne = 0, nq = 0;
  gsize i = 0;

  /* Most texts have neither mark: libc's memchr says so in wide steps. */
  if (memchr (s, '!', len) == NULL && memchr (s, '?', len) == NULL)
    {
      *n_excl = *n_quest = 0;
      return;
    }
#ifdef NK_VADER_SSE2
  for (; i < len; i += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (s + i));
      guint e = _mm_movemask_epi8 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('!')));
      guint q = _mm_movemask_epi8 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('?')));

      if (G_UNLIKELY ((e | q) != 0))
        ne += __builtin_popcount (e), nq += __builtin_popcount (q);
    }
#else
  for (; i < len; i++)
    ne += s[i] == '!', nq += s[i] == '?';
#endif
  *n_excl = ne;
  *n_quest = nq;
}

/* Length of the Python whitespace character (str.isspace) at @s[i], else 0. */
static inline gsize
nk_vader_space_len (const guchar *s,
                    gsize         i,
                    gsize         len)
{
  guchar b = s[i];

  if (b < 0x80)
    return (b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f)) ? 1 : 0;
  if (b == 0xc2)
    return (i + 1 < len && (s[i + 1] == 0x85 || s[i + 1] == 0xa0)) ? 2 : 0;
  if (b < 0xe1 || b > 0xe3 || i + 2 >= len)
    return 0;
  if (b == 0xe1)
    return (s[i + 1] == 0x9a && s[i + 2] == 0x80) ? 3 : 0;
  if (b == 0xe3)
    return (s[i + 1] == 0x80 && s[i + 2] == 0x80) ? 3 : 0;
  if (s[i + 1] == 0x80)  /* U+2000..200A, U+2028, U+2029, U+202F */
    return ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8a) || s[i + 2] == 0xa8 || s[i + 2] == 0xa9 ||
            s[i + 2] == 0xaf) ? 3 : 0;
  return (s[i + 1] == 0x81 && s[i + 2] == 0x9f) ? 3 : 0;
}

/* Length of the (non-space) character at @s[i]; an invalid byte counts as one. */
static inline gsize
nk_vader_char_len (const guchar *s,
                   gsize         i,
                   gsize         len)
{
  guchar b = s[i];
  gsize n = b < 0xc2 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 1;

  if (n == 1 || i + n > len)
    return 1;
  for (gsize k = 1; k < n; k++)
    if ((s[i + k] & 0xc0) != 0x80)
      return 1;
  return n;
}

/* string.punctuation */
static inline gboolean
nk_vader_is_punct (guchar b)
{
  return (nk_vader_class[b] & NK_VADER_C_PUNCT) != 0;
}

/* Python's Other_Lowercase / Other_Uppercase code points (PropList.txt), which make
 * str.islower/isupper differ from the Ll/Lu categories GLib tests. */
static const gunichar nk_vader_other_lower[][2] = {
  {0x00AA, 0x00AA}, {0x00BA, 0x00BA}, {0x02B0, 0x02B8}, {0x02C0, 0x02C1}, {0x02E0, 0x02E4},
  {0x0345, 0x0345}, {0x037A, 0x037A}, {0x1D2C, 0x1D6A}, {0x1D78, 0x1D78}, {0x1D9B, 0x1DBF},
  {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2170, 0x217F}, {0x24D0, 0x24E9},
  {0x2C7C, 0x2C7D}, {0xA69C, 0xA69D}, {0xA770, 0xA770}, {0xA7F8, 0xA7F9}, {0xAB5C, 0xAB5F},
  {0x10780, 0x10780}, {0x10783, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
};
static const gunichar nk_vader_other_upper[][2] = {
  {0x2160, 0x216F}, {0x24B6, 0x24CF}, {0x1F130, 0x1F149}, {0x1F150, 0x1F169},
  {0x1F170, 0x1F189},
};

static gboolean
nk_vader_in_ranges (gunichar        c,
                    const gunichar  ranges[][2],
                    guint           n)
{
  for (guint i = 0; i < n; i++)
    if (c >= ranges[i][0] && c <= ranges[i][1])
      return TRUE;
  return FALSE;
}

/* Python's str.isupper: some cased character and no lowercase or titlecase one. */
static gboolean
nk_vader_is_upper (const char *s,
                   gsize       len)
{
  gboolean cased = FALSE;

  for (gsize i = 0; i < len;)
    {
      guchar b = s[i];
      gunichar c;

      if (b < 0x80)
        {
          if (b >= 'a' && b <= 'z')
            return FALSE;
          cased |= b >= 'A' && b <= 'Z';
          i++;
          continue;
        }
      c = g_utf8_get_char_validated (s + i, len - i);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          i++;
          continue;
        }
      if (g_unichar_islower (c) || g_unichar_istitle (c) ||
          nk_vader_in_ranges (c, nk_vader_other_lower, G_N_ELEMENTS (nk_vader_other_lower)))
        return FALSE;
      cased |= g_unichar_isupper (c) ||
               nk_vader_in_ranges (c, nk_vader_other_upper, G_N_ELEMENTS (nk_vader_other_upper));
      i = g_utf8_next_char (s + i) - s;
    }
  return cased;
}

/* The reference's _strip_punc_if_word: strip outer string.punctuation unless two or
 * fewer characters would remain. Adjusts [*start, *end). */
static void
nk_vader_strip_punct (const guchar *s,
                      gsize        *start,
                      gsize        *end)
{
  gsize a = *start, e = *end, chars = 0;

  while (a < e && nk_vader_is_punct (s[a]))
    a++;
  while (e > a && nk_vader_is_punct (s[e - 1]))
    e--;
  for (gsize i = a; i < e && chars <= 2; i++)
    chars += (s[i] & 0xc0) != 0x80;
  if (chars > 2)
    *start = a, *end = e;
}

/* Whether the lowercased token contains "n't" (the reference's include_nt test); @s may
 * be lowercased or not ((b | 0x20) == 'n' only for 'N' and 'n'). */
static gboolean
nk_vader_has_nt (const char *s,
                 gsize       len)
{
  for (gsize i = 1; i + 1 < len; i++)
    if (s[i] == '\'' && (s[i - 1] | 0x20) == 'n' && (s[i + 1] | 0x20) == 't')
      return TRUE;
  return FALSE;
}

/* Appends a token, given the table entry its lowercase form found (or NULL). The caller has
 * reserved room for every token of the text. */
G_ALWAYS_INLINE static inline void
nk_vader_push_token (NkVaderScratch     *s,
                     gsize               start,
                     gsize               end,
                     const NkVaderEntry *e,
                     gboolean            upper)
{
  NkVaderTok *t = &s->toks[s->n_toks];

  t->start = start;
  t->end = end;
  t->upper = upper;
  s->n_upper += upper;
  t->entry = &nk_vader_no_entry;
  if (e != NULL)
    {
      t->entry = e;
      if (e->flags & NK_VADER_ENTRY_LEX)
        s->hits[s->n_hits++] = s->n_toks;
      if (G_UNLIKELY (e->word == NK_W_BUT) && s->but_index == G_MAXUINT)
        s->but_index = s->n_toks;
    }
  s->n_toks++;
}

/* Any token: stripped, lowercased (Unicode) and classified the slow way. */
static void
nk_vader_add_token (const NkVaderLexicon *lex,
                    NkVaderScratch       *s,
                    const char           *text,
                    gsize                 start,
                    gsize                 end)
{
  const guchar *u = (const guchar *) text;
  gsize a = start, e = end, llen;

  nk_vader_strip_punct (u, &a, &e);
  nk_vader_reserve ((gpointer *) &s->lower, &s->lower_cap, (e - a) * 3 + 1, 1);
  llen = nk_vader_lower_into (s->lower, text + a, e - a);
  nk_vader_push_token (s, a, e,
                       nk_vader_table_find (lex, s->lower, llen, nk_vader_hash (s->lower, llen)),
                       nk_vader_is_upper (text + a, e - a));
}

/* The end of the token starting at @i (generic: Unicode spaces, any bytes). */
static gsize
nk_vader_token_end (const guchar *u,
                    gsize         i,
                    gsize         len)
{
  while (i < len)
    {
      if (u[i] < 0x80)
        {
          if (nk_vader_class[u[i]] & NK_VADER_C_SPACE)
            break;
          i++;
        }
      else if (nk_vader_space_len (u, i, len))
        break;
      else
        i += nk_vader_char_len (u, i, len);
    }
  return i;
}

/* The offset of the first emoji in [@i, @end), or @end. */
static gsize
nk_vader_find_emoji (const NkVaderLexicon *lex,
                     const char           *text,
                     gsize                 len,
                     gsize                 i,
                     gsize                 end)
{
  gboolean ascii_emoji = lex->emoji_ascii[0] || lex->emoji_ascii[1];
  gsize clen;

  while (i < end)
    {
      if ((guchar) text[i] < 0x80 && !ascii_emoji)
        {
          i++;
          continue;
        }
      if (nk_vader_emoji_at (lex, text, len, i, &clen))
        return i;
      i += clen;
    }
  return end;
}

/* The code point of the General Punctuation character (U+2000..U+206F) encoded at @p, or
 * 0. None of them is cased, str.lower keeps them and string.punctuation has none: in a
 * word they are as plain as a digit. Reads up to p[2] (the text is padded). */
static inline gunichar
nk_vader_general_punct (const guchar *p)
{
  gunichar cp;

  if (p[0] != 0xe2 || (p[1] & 0xfe) != 0x80 || (p[2] & 0xc0) != 0x80)
    return 0;
  cp = 0x2000 | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
  return cp < 0x2070 ? cp : 0;
}

/* Whether General Punctuation @cp is a Python space. */
static inline gboolean
nk_vader_general_space (gunichar cp)
{
  return cp <= 0x200a || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f;
}

/* Whether [@s, @s + @len) holds more than two characters (continuation bytes not counted). */
static gboolean
nk_vader_over_two_chars (const guchar *s,
                         gsize         len)
{
  gsize chars = 0;

  if (len > 8)
    return TRUE;  /* two characters take at most 8 bytes */

  for (gsize i = 0; i < len && chars <= 2; i++)
    chars += (s[i] & 0xc0) != 0x80;
  return chars > 2;
}

/* Where the word at @p ends, when its first eight bytes did not show a plain space: the
 * first byte that is a space, or NULL when the word needs the generic path (a character
 * that is neither ASCII nor General Punctuation). *@wide is set when it holds General
 * Punctuation. With @check_emoji, an emoji among them stops everything: *@emoji_off is set
 * and @p returned. */
static inline const guchar *
nk_vader_word_end (const NkVaderLexicon *lex,
                   const guchar         *u,
                   gsize                 len,
                   const guchar         *p,
                   gboolean              check_emoji,
                   gboolean             *wide,
                   gsize                *emoji_off)
{
  const guchar *start = p;

  for (;;)
    {
      guint64 m = nk_vader_swar_stop (nk_vader_load_word (p));
      gunichar cp;

      if (m == 0)
        {
          p += 8;
          continue;
        }
      p += NK_VADER_CTZ (m) >> 3;
      if (*p < 0x80)
        {
          if (nk_vader_class[*p] & NK_VADER_C_SPACE)
            return p;
          p++;  /* a control character that is not a space: part of the word */
          continue;
        }
      if ((cp = nk_vader_general_punct (p)) != 0)
        {
          if (nk_vader_general_space (cp))
            return p;
          if (check_emoji && nk_vader_emoji_find (lex, cp) != NULL)
            {
              *emoji_off = p - u;
              return start;
            }
          *wide = TRUE;
          p += 3;
          continue;
        }
      if (nk_vader_space_len (u, p - u, len) > 0)
        return p;
      return NULL;
    }
}

G_NO_INLINE static NkVaderWord2
nk_vader_strip_word (const guchar *a,
                     const guchar *e,
                     gboolean      wide)
{
  NkVaderWord2 w = { a, e };

  while (a < e && (nk_vader_class[*a] & NK_VADER_C_PUNCT))
    a++;
  while (e > a && (nk_vader_class[e[-1]] & NK_VADER_C_PUNCT))
    e--;
  if (e - a <= 2 || (wide && !nk_vader_over_two_chars (a, e - a)))
    return w;
  w.a = a;
  w.e = e;
  return w;
}

/* nk_vader_hash of a word of any length; or-s the high bits of its capitals and small
 * letters into *@up and *@lo. */
static guint32
nk_vader_hash_any_word (const guchar *s,
                        gsize         len,
                        guint64      *up,
                        guint64      *lo)
{
  guint64 h = nk_vader_hash_start (len), x;
  gsize off = 0;

  for (; len - off > 8; off += 8)
    {
      x = nk_vader_load_word (s + off);
      *up |= nk_vader_swar_upper (x);
      *lo |= nk_vader_swar_lower (x);
      h = nk_vader_mix (h ^ (x | NK_VADER_CASE));
    }
  x = nk_vader_load_word (s + off) & nk_vader_chunk_mask (len - off);
  *up |= nk_vader_swar_upper (x);
  *lo |= nk_vader_swar_lower (x);
  h = nk_vader_mix (h ^ ((x | NK_VADER_CASE) & nk_vader_chunk_mask (len - off)));
  return nk_vader_hash_finish (h);
}

/* nk_vader_find_word for a word of more than 8 bytes, compared byte by byte. */
G_NO_INLINE static const NkVaderEntry *
nk_vader_find_long_word (const NkVaderLexicon *lex,
                         const guchar         *a,
                         gsize                 len,
                         guint32               hash)
{
  for (guint i = hash & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkVaderSlot *slot = &lex->slots[i];
      const NkVaderEntry *e;
      const char *k;
      gsize j = 0;

      if (slot->index == 0)
        return NULL;
      if (slot->hash != hash)
        continue;
      e = &lex->entries[slot->index - 1];
      if (e->key_len != len)
        continue;
      k = lex->pool->str + e->key_off;
      for (; j < len && nk_vader_lower_table[a[j]] == (guchar) k[j]; j++)
        ;
      if (j == len)
        return e;
    }
}

/* The table entry of the word [@a, @a + @len) with @hash, past the Bloom filter; the word
 * is not lowercased yet (str.lower changes only its ASCII capitals). A key of up to 8 bytes
 * is compared as one word with the word's bytes, zero-padded and lowercased. */
G_NO_INLINE static const NkVaderEntry *
nk_vader_find_word (const NkVaderLexicon *lex,
                    const guchar         *a,
                    gsize                 len,
                    guint32               hash)
{
  guint64 first;

  if (len > 8)
    return nk_vader_find_long_word (lex, a, len, hash);
  first = nk_vader_load_word (a) & nk_vader_chunk_mask (len);
  first += nk_vader_swar_upper (first) >> 2;  /* 0x80 >> 2 = 0x20: 'A' + 0x20 = 'a' */
  for (guint i = hash & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkVaderSlot *slot = &lex->slots[i];
      const NkVaderEntry *e;

      if (slot->index == 0)
        return NULL;
      e = &lex->entries[slot->index - 1];
      if (slot->hash == hash && e->key_len == len && e->key8 == first)
        return e;
    }
}

/* nk_vader_find_word for a word of up to 8 bytes given as @key8: its bytes lowercased and
 * zero-padded, as NkVaderEntry.key8 holds them. */
static inline const NkVaderEntry *
nk_vader_find_key8 (const NkVaderLexicon *lex,
                    guint64               key8,
                    gsize                 len,
                    guint32               hash)
{
  for (guint i = hash & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkVaderSlot *slot = &lex->slots[i];
      const NkVaderEntry *e;

      if (slot->index == 0)
        return NULL;
      if (slot->hash != hash)
        continue;
      e = &lex->entries[slot->index - 1];
      if (e->key_len == len && e->key8 == key8)
        return e;
    }
}

/* Records that token @n has table entry @e. */
static inline void
nk_vader_note_entry (NkVaderScratch     *s,
                     guint               n,
                     const NkVaderEntry *e)
{
  if (e->flags & NK_VADER_ENTRY_LEX)
    s->hits[s->n_hits++] = n;
  if (e->word == NK_W_BUT && s->but_index == G_MAXUINT)
    s->but_index = n;
}

/* The word at @p (not a space) the slow way: of any length, with any characters. Returns
 * where to go on, or NULL when an emoji was found (its offset in *@emoji_off). */
G_NO_INLINE static const guchar *
nk_vader_slow_word (const NkVaderLexicon *lex,
                    NkVaderScratch       *s,
                    const guchar         *u,
                    gsize                 len,
                    const guchar         *p,
                    gboolean              check_emoji,
                    gsize                *emoji_off)
{
  gboolean wide = FALSE;
  const guchar *q = nk_vader_word_end (lex, u, len, p, check_emoji, &wide, emoji_off);
  const NkVaderEntry *entry = NULL;
  guint64 up = 0, lo = 0;
  NkVaderWord2 w;
  guint32 hash;

  if (q == p)
    return NULL;
  if (q == NULL)
    {
      gsize start = p - u, i = nk_vader_token_end (u, start, len);

      if (check_emoji &&
          (*emoji_off = nk_vader_find_emoji (lex, (const char *) u, len, start, i)) < i)
        return NULL;
      nk_vader_add_token (lex, s, (const char *) u, start, i);
      return u + i;
    }
  w = nk_vader_strip_word (p, q, wide);
  hash = nk_vader_hash_any_word (w.a, w.e - w.a, &up, &lo);
  if (nk_vader_bloom_test (lex, hash))
    entry = nk_vader_find_word (lex, w.a, w.e - w.a, hash);
  nk_vader_push_token (s, w.a - u, w.e - u, entry, up != 0 && lo == 0);
  return q;
}

/* The generic tokenizer, for a lexicon with ASCII emoji: every word the slow way. */
static gboolean
nk_vader_tokenize_generic (const NkVaderLexicon *lex,
                           NkVaderScratch       *s,
                           const guchar         *u,
                           gsize                 len,
                           gsize                *emoji_off)
{
  gsize i = 0, start, sl;

  while (i < len)
    {
      if (nk_vader_class[u[i]] & NK_VADER_C_SPACE)
        {
          i++;
          continue;
        }
      if (u[i] >= 0x80 && (sl = nk_vader_space_len (u, i, len)) > 0)
        {
          i += sl;
          continue;
        }
      start = i;
      i = nk_vader_token_end (u, start, len);
      if ((*emoji_off = nk_vader_find_emoji (lex, (const char *) u, len, start, i)) < i)
        return FALSE;
      nk_vader_add_token (lex, s, (const char *) u, start, i);
    }
  return TRUE;
}

/* The steps of the tokenizer's common case, on a word of up to 15 bytes: where it ends (the
 * offset of the first byte <= 0x20 or >= 0x80 among p[0..15], 16 if none), its hash
 * (nk_vader_hash) and whether it is str.isupper. The word is read sixteen bytes at a time
 * with SSE2, else eight (see nk_vader_swar_stop). */
#ifdef NK_VADER_SSE2
static const guint8 nk_vader_len_mask[16][16] __attribute__ ((aligned (16))) = {
#define NK_M(n) { (n) > 0 ? 0xff : 0, (n) > 1 ? 0xff : 0, (n) > 2 ? 0xff : 0, \
    (n) > 3 ? 0xff : 0, (n) > 4 ? 0xff : 0, (n) > 5 ? 0xff : 0, (n) > 6 ? 0xff : 0, \
    (n) > 7 ? 0xff : 0, (n) > 8 ? 0xff : 0, (n) > 9 ? 0xff : 0, (n) > 10 ? 0xff : 0, \
    (n) > 11 ? 0xff : 0, (n) > 12 ? 0xff : 0, (n) > 13 ? 0xff : 0, (n) > 14 ? 0xff : 0, 0 }
  NK_M (0), NK_M (1), NK_M (2), NK_M (3), NK_M (4), NK_M (5), NK_M (6), NK_M (7),
  NK_M (8), NK_M (9), NK_M (10), NK_M (11), NK_M (12), NK_M (13), NK_M (14), NK_M (15),
#undef NK_M
};

static inline guint
nk_vader_short_word_end (const guchar *p)
{
  __m128i v = _mm_loadu_si128 ((const __m128i *) p);
  guint stop = ~_mm_movemask_epi8 (_mm_cmpgt_epi8 (v, _mm_set1_epi8 (0x20))) & 0xffff;

  return stop ? (guint) __builtin_ctz (stop) : 16;
}

/* High bits (movemask) of the bytes of @v in [lo, hi], lo > 0 (so never a byte >= 0x80). */
static inline guint
nk_vader_sse_range (__m128i v,
                    char    lo,
                    char    hi)
{
  return _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpgt_epi8 (v, _mm_set1_epi8 (lo - 1)),
                                           _mm_cmpgt_epi8 (_mm_set1_epi8 (hi + 1), v)));
}

static inline guint32
nk_vader_short_word_hash (const guchar *a,
                          gsize         len)
{
  __m128i mask = _mm_load_si128 ((const __m128i *) nk_vader_len_mask[len]);
  __m128i c = _mm_and_si128 (_mm_or_si128 (_mm_loadu_si128 ((const __m128i *) a),
                                           _mm_set1_epi8 (0x20)), mask);
  guint64 h = nk_vader_mix (nk_vader_hash_start (len) ^ (guint64) _mm_cvtsi128_si64 (c));

  if (len > 8)
    h = nk_vader_mix (h ^ (guint64) _mm_cvtsi128_si64 (_mm_unpackhi_epi64 (c, c)));
  return nk_vader_hash_finish (h);
}

static inline gboolean
nk_vader_short_word_upper (const guchar *a,
                           gsize         len)
{
  __m128i mask = _mm_load_si128 ((const __m128i *) nk_vader_len_mask[len]);
  __m128i v = _mm_and_si128 (_mm_loadu_si128 ((const __m128i *) a), mask);

  return nk_vader_sse_range (v, 'a', 'z') == 0 && nk_vader_sse_range (v, 'A', 'Z') != 0;
}

/* The first 8 bytes of the word [@a, @a + @len), @len <= 8, lowercased and zero-padded. */
static inline guint64
nk_vader_short_word_key8 (const guchar *a,
                          gsize         len)
{
  __m128i mask = _mm_load_si128 ((const __m128i *) nk_vader_len_mask[len]);
  __m128i v = _mm_and_si128 (_mm_loadu_si128 ((const __m128i *) a), mask);
  __m128i caps = _mm_and_si128 (_mm_cmpgt_epi8 (v, _mm_set1_epi8 ('A' - 1)),
                                _mm_cmpgt_epi8 (_mm_set1_epi8 ('Z' + 1), v));

  return (guint64) _mm_cvtsi128_si64 (_mm_add_epi8 (v, _mm_and_si128 (caps, _mm_set1_epi8 (0x20))));
}
#else
static inline guint
nk_vader_short_word_end (const guchar *p)
{
  guint64 m = nk_vader_swar_stop (nk_vader_load_word (p));

  if (m != 0)
    return NK_VADER_CTZ (m) >> 3;
  m = nk_vader_swar_stop (nk_vader_load_word (p + 8));
  return m != 0 ? 8 + (NK_VADER_CTZ (m) >> 3) : 16;
}

static inline guint32
nk_vader_short_word_hash (const guchar *a,
                          gsize         len)
{
  guint64 h = nk_vader_hash_start (len), x, x2;

  if (len <= 8)
    {
      x = nk_vader_load_word (a) & nk_vader_chunk_mask (len);
      h = nk_vader_mix (h ^ ((x | NK_VADER_CASE) & nk_vader_chunk_mask (len)));
    }
  else
    {
      x = nk_vader_load_word (a);
      x2 = nk_vader_load_word (a + 8) & nk_vader_chunk_mask (len - 8);
      h = nk_vader_mix (h ^ (x | NK_VADER_CASE));
      h = nk_vader_mix (h ^ ((x2 | NK_VADER_CASE) & nk_vader_chunk_mask (len - 8)));
    }
  return nk_vader_hash_finish (h);
}

static inline gboolean
nk_vader_short_word_upper (const guchar *a,
                           gsize         len)
{
  guint64 x = nk_vader_load_word (a) & nk_vader_chunk_mask (MIN (len, 8)), x2 = 0;

  if (len > 8)
    x2 = nk_vader_load_word (a + 8) & nk_vader_chunk_mask (len - 8);
  if ((nk_vader_swar_lower (x) | nk_vader_swar_lower (x2)) != 0)
    return FALSE;
  return (nk_vader_swar_upper (x) | nk_vader_swar_upper (x2)) != 0;
}

static inline guint64
nk_vader_short_word_key8 (const guchar *a,
                          gsize         len)
{
  guint64 x = nk_vader_load_word (a) & nk_vader_chunk_mask (len);

  return x + (nk_vader_swar_upper (x) >> 2);
}
#endif

/* Whether [@a, @a + @len) (any length, padded) is str.isupper when its only characters
 * that are not ASCII are uncased: some ASCII capital and no ASCII small letter. */
static gboolean
nk_vader_ascii_upper (const guchar *a,
                      gsize         len)
{
  guint64 up = 0, lo = 0, x;
  gsize off = 0;

  for (; len - off > 8; off += 8)
    {
      x = nk_vader_load_word (a + off);
      up |= nk_vader_swar_upper (x);
      lo |= nk_vader_swar_lower (x);
    }
  x = nk_vader_load_word (a + off) & nk_vader_chunk_mask (len - off);
  up |= nk_vader_swar_upper (x);
  lo |= nk_vader_swar_lower (x);
  return up != 0 && lo == 0;
}

/* Whether General Punctuation @cp (from nk_vader_general_punct) is plain for @lex. */
static inline gboolean
nk_vader_gp_is_plain (const NkVaderLexicon *lex,
                      gunichar              cp)
{
  cp -= 0x2000;
  return (lex->gp_plain[cp >> 6] >> (cp & 63)) & 1;
}

/* A word of printable ASCII and plain General Punctuation (curly quotes, dashes: in no key,
 * no emoji, no space, uncased, kept by str.lower, not string.punctuation), of any length,
 * up to an ASCII space: the common word the fast loop could not take. Returns where it
 * ends, or NULL when it has any other character (nk_vader_slow_word's business). A word
 * with such a character is in no table: its lowercase keeps the character, no key has it. */
G_NO_INLINE static const guchar *
nk_vader_plain_word (const NkVaderLexicon *lex,
                     NkVaderScratch       *s,
                     const guchar         *u,
                     const guchar         *p)
{
  const guchar *q = p;
  const NkVaderEntry *entry = NULL;
  gboolean wide = FALSE, upper;
  NkVaderWord2 w = { p, p };

  for (;;)
    {
#ifdef NK_VADER_SSE2
      __m128i v = _mm_loadu_si128 ((const __m128i *) q);
      guint hi = _mm_movemask_epi8 (v);
      guint any = hi | _mm_movemask_epi8 (_mm_cmplt_epi8 (v, _mm_set1_epi8 (0x21)));
      guint i;

      if (any == 0)
        {
          q += 16;
          continue;
        }
      i = __builtin_ctz (any);
#else
      guint64 m = nk_vader_swar_stop (nk_vader_load_word (q));
      guint i;

      if (m == 0)
        {
          q += 8;
          continue;
        }
      i = NK_VADER_CTZ (m) >> 3;
#endif
      q += i;
      if (*q < 0x80)
        break;
      {
        gunichar cp = nk_vader_general_punct (q);

        if (cp == 0 || !nk_vader_gp_is_plain (lex, cp))
          return NULL;
      }
      wide = TRUE;
      q += 3;
    }
  if (!(nk_vader_class[*q] & NK_VADER_C_SPACE) || q == p)
    return NULL;
  if (wide)
    {
      /* In no table, stripped when asked (nk_vader_raw_entry). A small letter first, or
       * after a leading curly quote, says it is not str.isupper. */
      upper = !((nk_vader_class[p[0]] | nk_vader_class[p[3]]) & NK_VADER_C_LOWER) &&
              nk_vader_ascii_upper (p, q - p);
      nk_vader_push_token (s, p - u, q - u, &nk_vader_raw_entry, upper);
      return q;
    }
  w.e = q;
  if ((nk_vader_class[*p] | nk_vader_class[q[-1]]) & NK_VADER_C_PUNCT)
    w = nk_vader_strip_word (p, q, FALSE);
  {
    guint64 up = 0, lo = 0;
    guint32 hash = nk_vader_hash_any_word (w.a, w.e - w.a, &up, &lo);

    if (nk_vader_bloom_test (lex, hash))
      entry = nk_vader_find_word (lex, w.a, w.e - w.a, hash);
    upper = up != 0 && lo == 0;
  }
  nk_vader_push_token (s, w.a - u, w.e - u, entry, upper);
  return q;
}

#ifdef NK_VADER_SSE2
/* The entry of the word of @len (1..8) letters @key8 (lowercased, zero-padded), whose token
 * goes to @t; a lexicon word and a "but" are noted. */
static inline const NkVaderEntry *
nk_vader_find_letters (const NkVaderLexicon *lex,
                       NkVaderScratch       *s,
                       guint64               key8,
                       guint                 len,
                       const NkVaderTok     *t)
{
  guint32 hash = nk_vader_hash_finish (nk_vader_mix (nk_vader_hash_start (len) ^ key8));
  const NkVaderEntry *e;

  /* (no Bloom test: the prefix filter, which saw the whole word, was one) */
  e = nk_vader_find_key8 (lex, key8, len, hash);
  if (e == NULL)
    return &nk_vader_no_entry;
  if ((e->flags & NK_VADER_ENTRY_LEX) || e->word == NK_W_BUT)
    nk_vader_note_entry (s, t - s->toks, e);
  return e;
}

/* The tokenizer's most common words, one after the other from *@pp: printable ASCII, up to
 * 15 bytes, starting with a letter and followed by a plain space. The prefix filter says of
 * most that they are in no table before any stripping or hashing (their tokens stay
 * unstripped: nk_vader_raw_entry); a word of letters only (no punctuation to strip) of up
 * to 8 bytes is looked up as it is, its bytes or-ed with 0x20 being its lowercase. Stops at
 * any other word, setting *@pp to it; returns where the next token goes. */
static inline NkVaderTok *
nk_vader_fast_words (const NkVaderLexicon *lex,
                     NkVaderScratch       *s,
                     const guchar         *u,
                     const guchar        **pp,
                     const guchar         *end,
                     NkVaderTok           *t,
                     guint                *n_upper)
{
  static const guint64 bytes[9] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffff, G_GUINT64_CONSTANT (0xffffffffff),
    G_GUINT64_CONSTANT (0xffffffffffff), G_GUINT64_CONSTANT (0xffffffffffffff),
    G_GUINT64_CONSTANT (0xffffffffffffffff),
  };
  const guint64 *prefix = lex->prefix;
  gsize i = *pp - u, n = end - u;
  const __m128i space = _mm_set1_epi8 (0x20), stop = _mm_set1_epi8 (0x21);
  /* 'a'..'z' + 0x1f are 0x80..0x99, the signed bytes below -102 */
  const __m128i bias = _mm_set1_epi8 (0x1f), limit = _mm_set1_epi8 ((char) 0x99);
  guint nu = *n_upper;

  while (i < n)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (u + i));
      __m128i f = _mm_or_si128 (v, space);
      guint other = _mm_movemask_epi8 (_mm_cmpgt_epi8 (_mm_add_epi8 (f, bias), limit));
      guint ends = _mm_movemask_epi8 (_mm_cmpgt_epi8 (stop, v));
      guint k = __builtin_ctz (ends | 0x8000);  /* 15 when longer: u[i + 15] is no space */
      guint pl = __builtin_ctz (other | 0x100);
      guint64 x = (guint64) _mm_cvtsi128_si64 (f);
      const NkVaderEntry *entry = &nk_vader_raw_entry;
      guint32 bit;
      gboolean upper = FALSE;

      if (pl == 0 || u[i + k] != ' ')
        break;
      bit = nk_vader_prefix_bit (x & bytes[pl]);
      if (G_UNLIKELY ((prefix[bit >> 6] >> (bit & 63)) & 1))
        {
          if (pl != k)
            break;
          entry = nk_vader_find_letters (lex, s, x & bytes[k], k, t);
        }
      if (G_UNLIKELY ((guint) (u[i] - 'a') >= 26))
        {
          upper = nk_vader_short_word_upper (u + i, k);
          nu += upper;
        }
      t->start = i;
      t->end = i + k;
      t->entry = entry;
      t->upper = upper;
      t++;
      i += k + 1;
    }
  *pp = u + i;
  *n_upper = nu;
  return t;
}
#endif

/* Splits like str.split() and strips each token. @u is followed by NK_VADER_PAD spaces, so
 * words are read eight bytes at a time with no bounds check. Runs of the commonest words go
 * through nk_vader_fast_words. The other common word (printable ASCII, up to 15 bytes, then
 * an ASCII space) is done here: a load or two find its end, a look at its first and last
 * bytes says whether to strip it, and it is hashed without being lowercased (see
 * nk_vader_hash); most words are in no table, which the Bloom filter says, and most start
 * with a small letter, which says they are not str.isupper. Other words go to
 * nk_vader_plain_word, then nk_vader_slow_word.
 *
 * With @check_emoji, stops at the first emoji instead, returning FALSE and its offset in
 * *@emoji_off: the reference replaces emoji before it splits, so the text must be
 * rewritten first. */
static gboolean
nk_vader_tokenize (const NkVaderLexicon *lex,
                   NkVaderScratch       *s,
                   const guchar         *u,
                   gsize                 len,
                   gboolean              check_emoji,
                   gsize                *emoji_off)
{
  const guchar *p = u, *end = u + len;
  const guint64 *bloom = lex->bloom;
  NkVaderTok *t;
  guint n_upper = 0;

  s->n_toks = 0;
  s->n_hits = 0;
  s->n_upper = 0;
  s->but_index = G_MAXUINT;
  nk_vader_reserve_tokens (s, len / 2 + 1);
  if (check_emoji && (lex->emoji_ascii[0] || lex->emoji_ascii[1]))
    return nk_vader_tokenize_generic (lex, s, u, len, emoji_off);
  t = s->toks;
  while (p < end)
    {
      guint8 c;
      const guchar *q, *a, *e, *r;
      const NkVaderEntry *entry;
      gsize wlen, sl;
      guint32 hash, bit;
      guint k;
      gboolean upper;

#ifdef NK_VADER_SSE2
      t = nk_vader_fast_words (lex, s, u, &p, end, t, &n_upper);
      if (p >= end)
        break;
#endif
      c = nk_vader_class[*p];
      if (c & NK_VADER_C_BREAK)
        {
          if (c & NK_VADER_C_SPACE)
            {
              p++;
              continue;
            }
          if ((sl = nk_vader_space_len (u, p - u, len)) > 0)
            {
              p += sl;
              continue;
            }
          goto slow;
        }
      k = nk_vader_short_word_end (p);
      q = p + k;
      if (G_UNLIKELY (k == 16 || *q != ' '))
        goto slow;
      a = p, e = q;
      if ((c | nk_vader_class[q[-1]]) & NK_VADER_C_PUNCT)
        {
          if (!(c & NK_VADER_C_PUNCT))
            {
              /* Trailing punctuation only (the first byte stops the loop). */
              while (nk_vader_class[e[-1]] & NK_VADER_C_PUNCT)
                e--;
              if (e - a <= 2)
                e = q;
            }
          else
            {
              NkVaderWord2 w = nk_vader_strip_word (p, q, FALSE);

              a = w.a, e = w.e;
              c = nk_vader_class[*a];
            }
        }
      wlen = e - a;
      hash = nk_vader_short_word_hash (a, wlen);
      upper = FALSE;
      if (!(c & NK_VADER_C_LOWER))
        {
          upper = nk_vader_short_word_upper (a, wlen);
          n_upper += upper;
        }
      entry = &nk_vader_no_entry;
      bit = hash >> NK_VADER_BLOOM_SHIFT;
      if (G_UNLIKELY ((bloom[bit >> 6] >> (bit & 63)) & 1))
        {
          const NkVaderEntry *f;

          if (wlen <= 8)
            f = nk_vader_find_key8 (lex, nk_vader_short_word_key8 (a, wlen), wlen, hash);
          else
            f = nk_vader_find_long_word (lex, a, wlen, hash);
          if (f != NULL)
            {
              entry = f;
              nk_vader_note_entry (s, t - s->toks, f);
            }
        }
      t->start = a - u;
      t->end = e - u;
      t->entry = entry;
      t->upper = upper;
      t++;
      p = q + 1;  /* past the space */
      continue;

    slow:
      s->n_toks = t - s->toks;
      s->n_upper = n_upper;
      r = NULL;
      if (!lex->wide_keys)
        r = nk_vader_plain_word (lex, s, u, p);
      if (r == NULL)
        r = nk_vader_slow_word (lex, s, u, len, p, check_emoji, emoji_off);
      if (r == NULL)
        return FALSE;
      p = r;
      t = s->toks + s->n_toks;
      n_upper = s->n_upper;
    }
  s->n_toks = t - s->toks;
  s->n_upper = n_upper;
  return TRUE;
}

/* ---- the rules --------------------------------------------------------------------- */

typedef struct {
  const NkVaderLexicon *lex;
  NkVaderScratch       *s;
  guint                 n;
  gboolean              cap_diff;
} NkVaderCtx;

#define NK_VADER_IS(c, i, w) ((c)->s->toks[i].entry->word == (w))

static inline guint32
nk_vader_flags (const NkVaderCtx *c,
                guint             i)
{
  return c->s->toks[i].entry->flags;
}

/* nk_vader_has_nt for a token of the padded text (16 bytes readable from @s). */
static inline gboolean
nk_vader_has_nt_padded (const guchar *s,
                        gsize         len)
{
#ifdef NK_VADER_SSE2
  if (len <= 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) s);
      /* apostrophes at 1 .. len - 2, the only places the ' of "n't" can be */
      guint m = _mm_movemask_epi8 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('\'')));

      m &= ((1u << len) - 1) >> 1 & ~1u;
      for (; m != 0; m &= m - 1)
        {
          guint i = __builtin_ctz (m);

          if ((s[i - 1] | 0x20) == 'n' && (s[i + 1] | 0x20) == 't')
            return TRUE;
        }
      return FALSE;
    }
#endif
  return nk_vader_has_nt ((const char *) s, len);
}

/* Whether token @i is in NEGATE or has "n't" in it (the reference's negated ()). */
static inline gboolean
nk_vader_negated (const NkVaderCtx *c,
                  guint             i)
{
  const NkVaderTok *t = &c->s->toks[i];

  return (t->entry->flags & NK_VADER_ENTRY_NEGATE) ||
         nk_vader_has_nt_padded (c->s->scan + t->start, t->end - t->start);
}

static inline gboolean
nk_vader_in_lex (const NkVaderCtx *c,
                 guint             i)
{
  return (nk_vader_flags (c, i) & NK_VADER_ENTRY_LEX) != 0;
}

/* The reference's scalar_inc_dec. */
static double
nk_vader_scalar (const NkVaderCtx *c,
                 guint             j,
                 double            valence,
                 guint            *rules)
{
  double scalar = 0.0;

  if (nk_vader_flags (c, j) & NK_VADER_ENTRY_BOOSTER)
    {
      scalar = c->s->toks[j].entry->boost;
      if (valence < 0)
        scalar *= -1;
      if (c->s->toks[j].upper && c->cap_diff)
        {
          *rules |= NK_VADER_RULE_CAPS;
          if (valence > 0)
            scalar += NK_VADER_C_INCR;
          else
            scalar -= NK_VADER_C_INCR;
        }
    }
  return scalar;
}

static double
nk_vader_negation_check (const NkVaderCtx *c,
                         double            v,
                         guint             start_i,
                         guint             i,
                         guint            *rules)
{
  gboolean never_so;

  if (start_i == 0)
    {
      if (nk_vader_negated (c, i - 1))
        v = v * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_NEGATION;
    }
  else if (start_i == 1)
    {
      if (NK_VADER_IS (c, i - 2, NK_W_NEVER) &&
          (NK_VADER_IS (c, i - 1, NK_W_SO) || NK_VADER_IS (c, i - 1, NK_W_THIS)))
        v = v * 1.25, *rules |= NK_VADER_RULE_NEVER_SO;
      else if (NK_VADER_IS (c, i - 2, NK_W_WITHOUT) && NK_VADER_IS (c, i - 1, NK_W_DOUBT))
        ;
      else if (nk_vader_negated (c, i - 2))
        v = v * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_NEGATION;
    }
  else
    {
      /* Python precedence: (never and (so or this)) or (so or this) — the second half
       * fires on "so"/"this" right before the word whatever precedes it. */
      never_so = (NK_VADER_IS (c, i - 3, NK_W_NEVER) &&
                  (NK_VADER_IS (c, i - 2, NK_W_SO) || NK_VADER_IS (c, i - 2, NK_W_THIS))) ||
                 (NK_VADER_IS (c, i - 1, NK_W_SO) || NK_VADER_IS (c, i - 1, NK_W_THIS));
      if (never_so)
        v = v * 1.25, *rules |= NK_VADER_RULE_NEVER_SO;
      else if (NK_VADER_IS (c, i - 3, NK_W_WITHOUT) &&
               (NK_VADER_IS (c, i - 2, NK_W_DOUBT) || NK_VADER_IS (c, i - 1, NK_W_DOUBT)))
        ;
      else if (nk_vader_negated (c, i - 3))
        v = v * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_NEGATION;
    }
  return v;
}

/* Whether tokens @first .. @first+@n-1 spell a phrase (of the same length); returns its
 * index in nk_vader_phrases, or -1. @boosters selects the booster n-grams. */
static int
nk_vader_match_phrase (const NkVaderCtx *c,
                       guint             first,
                       guint             n,
                       gboolean          boosters)
{
  for (guint k = 0; k < n; k++)
    if (c->s->toks[first + k].entry->word == NK_W_NONE)
      return -1;
  for (guint p = 0; p < G_N_ELEMENTS (nk_vader_phrases); p++)
    {
      const NkVaderPhrase *ph = &nk_vader_phrases[p];
      guint k;

      if (ph->n_words != n || ph->booster != boosters)
        continue;
      for (k = 0; k < n; k++)
        if (c->s->toks[first + k].entry->word != ph->words[k])
          break;
      if (k == n)
        return p;
    }
  return -1;
}

/* The reference's _special_idioms_check; @i >= 3. */
static double
nk_vader_idioms_check (const NkVaderCtx *c,
                       double            v,
                       guint             i,
                       guint            *rules)
{
  /* onezero, twoonezero, twoone, threetwoone, threetwo */
  static const guint seq_first[] = { 1, 2, 2, 3, 3 };
  static const guint seq_len[] = { 2, 3, 2, 3, 2 };
  /* threetwoone, threetwo, twoone */
  static const guint gram_first[] = { 3, 3, 2 };
  static const guint gram_len[] = { 3, 2, 2 };
  const NkVaderTok *t = c->s->toks;
  int p;

  /* Every sequence below has token i or i-2 in it, except "i-1 i" which has i: so when
   * neither is a phrase word, nothing can match. */
  if (t[i].entry->word == NK_W_NONE && t[i - 2].entry->word == NK_W_NONE)
    return v;
  for (guint k = 0; k < G_N_ELEMENTS (seq_first); k++)
    if ((p = nk_vader_match_phrase (c, i - seq_first[k], seq_len[k], FALSE)) >= 0)
      {
        v = nk_vader_phrases[p].value, *rules |= NK_VADER_RULE_IDIOM;
        break;
      }
  if (c->n - 1 > i && (p = nk_vader_match_phrase (c, i, 2, FALSE)) >= 0)
    v = nk_vader_phrases[p].value, *rules |= NK_VADER_RULE_IDIOM;
  if (c->n - 1 > i + 1 && (p = nk_vader_match_phrase (c, i, 3, FALSE)) >= 0)
    v = nk_vader_phrases[p].value, *rules |= NK_VADER_RULE_IDIOM;
  for (guint k = 0; k < G_N_ELEMENTS (gram_first); k++)
    if ((p = nk_vader_match_phrase (c, i - gram_first[k], gram_len[k], TRUE)) >= 0)
      v = v + nk_vader_phrases[p].value, *rules |= NK_VADER_RULE_KIND_OF;
  return v;
}

static double
nk_vader_least_check (const NkVaderCtx *c,
                      double            v,
                      guint             i,
                      guint            *rules)
{
  if (i > 1 && !nk_vader_in_lex (c, i - 1) && NK_VADER_IS (c, i - 1, NK_W_LEAST))
    {
      if (!NK_VADER_IS (c, i - 2, NK_W_AT) && !NK_VADER_IS (c, i - 2, NK_W_VERY))
        v = v * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_LEAST;
    }
  else if (i > 0 && !nk_vader_in_lex (c, i - 1) && NK_VADER_IS (c, i - 1, NK_W_LEAST))
    v = v * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_LEAST;
  return v;
}

/* The reference's sentiment_valence for a token that is a lexicon word. */
static double
nk_vader_valence (const NkVaderCtx *c,
                  guint             i,
                  guint            *rules)
{
  const NkVaderTok *t = c->s->toks;
  double lexv = t[i].entry->lex;
  double v = lexv;

  if (t[i].entry->flags & NK_VADER_ENTRY_USER)
    *rules |= NK_VADER_RULE_USER_LEXICON;
  if (NK_VADER_IS (c, i, NK_W_NO) && i != c->n - 1 && nk_vader_in_lex (c, i + 1))
    v = 0.0, *rules |= NK_VADER_RULE_NO_AS_MODIFIER;
  if ((i > 0 && NK_VADER_IS (c, i - 1, NK_W_NO)) || (i > 1 && NK_VADER_IS (c, i - 2, NK_W_NO)) ||
      (i > 2 && NK_VADER_IS (c, i - 3, NK_W_NO) &&
       (NK_VADER_IS (c, i - 1, NK_W_OR) || NK_VADER_IS (c, i - 1, NK_W_NOR))))
    v = lexv * NK_VADER_N_SCALAR, *rules |= NK_VADER_RULE_NO;
  if (t[i].upper && c->cap_diff)
    {
      if (v > 0)
        v += NK_VADER_C_INCR;
      else
        v -= NK_VADER_C_INCR;
      *rules |= NK_VADER_RULE_CAPS;
    }
  for (guint start_i = 0; start_i < 3; start_i++)
    {
      double sc;

      if (!(i > start_i && !nk_vader_in_lex (c, i - (start_i + 1))))
        continue;
      sc = nk_vader_scalar (c, i - (start_i + 1), v, rules);
      if (start_i == 1 && sc != 0)
        sc = sc * 0.95;
      if (start_i == 2 && sc != 0)
        sc = sc * 0.9;
      if (sc != 0)
        *rules |= t[i - (start_i + 1)].entry->boost > 0 ? NK_VADER_RULE_BOOSTER
                                                          : NK_VADER_RULE_DAMPENER;
      v = v + sc;
      v = nk_vader_negation_check (c, v, start_i, i, rules);
      if (start_i == 2)
        v = nk_vader_idioms_check (c, v, i, rules);
    }
  return nk_vader_least_check (c, v, i, rules);
}

/* The reference's _but_check, list.index quirk included: each value re-weights the first
 * position holding an equal value, which is not always its own. Zeros stay zero and equal
 * no other value, so only the lexicon words need looking at. */
static void
nk_vader_but_check (const NkVaderScratch *s)
{
  double *val = s->hit_val;
  guint *rules = s->hit_rules;
  guint bi = s->but_index;

  if (bi == G_MAXUINT)
    return;
  for (guint k = 0; k < s->n_hits; k++)
    {
      double v = val[k];
      guint j = 0;

      if (v == 0)
        continue;
      while (val[j] != v)
        j++;
      if (s->hits[j] < bi)
        val[j] = v * 0.5, rules[j] |= NK_VADER_RULE_BUT_BEFORE;
      else if (s->hits[j] > bi)
        val[j] = v * 1.5, rules[j] |= NK_VADER_RULE_BUT_AFTER;
    }
}

/* ---- scoring ----------------------------------------------------------------------- */

static inline double nk_vader_round_scaled (double x,
                                            double scale);

static double
nk_vader_normalize (double score)
{
  double norm = score / sqrt ((score * score) + 15);

  if (norm < -1.0)
    return -1.0;
  if (norm > 1.0)
    return 1.0;
  return norm;
}

static double
nk_vader_punct_amplifier (guint n_excl,
                          guint n_quest)
{
  double ep = (n_excl > 4 ? 4 : n_excl) * 0.292;
  double qm = 0;

  if (n_quest > 1)
    qm = n_quest <= 3 ? n_quest * 0.18 : 0.96;
  return ep + qm;
}

/* The scores from the final valences; the '!' and '?' of the working text are counted only
 * when some valence is not zero (else the emphasis changes nothing). */
static void
nk_vader_score_valence (const NkVaderCtx *c,
                        const guchar     *work,
                        gsize             len,
                        NkVaderScores    *scores)
{
  const double *val = c->s->hit_val;
  guint n_hits = c->s->n_hits;
  double sum_s = 0, amp, compound, pos_sum = 0.0, neg_sum = 0.0, total;
  guint neu_count = c->n, n_excl, n_quest;

  memset (scores, 0, sizeof *scores);
  scores->n_tokens = c->n;
  if (c->n == 0)
    return;
  /* Left to right like Python's sum (); the zeros skipped leave every partial sum as is. */
  for (guint h = 0; h < n_hits; h++)
    {
      sum_s += val[h];
      if (val[h] > 0)
        pos_sum += (val[h] + 1), neu_count--;
      if (val[h] < 0)
        neg_sum += (val[h] - 1), neu_count--;
    }
  if (pos_sum == 0 && neg_sum == 0)
    {
      /* Every valence is zero: sum_s is 0, so compound and pos and neg are 0, neu n / n. */
      scores->neu = 1.0;
      return;
    }
  nk_vader_count_marks (work, len, &n_excl, &n_quest);
  amp = nk_vader_punct_amplifier (n_excl, n_quest);
  if (sum_s > 0)
    sum_s += amp;
  else if (sum_s < 0)
    sum_s -= amp;
  compound = nk_vader_normalize (sum_s);
  if (pos_sum > fabs (neg_sum))
    pos_sum += amp;
  else if (pos_sum < fabs (neg_sum))
    neg_sum -= amp;
  total = pos_sum + fabs (neg_sum) + neu_count;
  scores->pos = nk_vader_round_scaled (fabs (pos_sum / total), 1e3);
  scores->neg = nk_vader_round_scaled (fabs (neg_sum / total), 1e3);
  scores->neu = nk_vader_round_scaled (fabs (neu_count / total), 1e3);
  scores->compound = nk_vader_round_scaled (compound, 1e4);
  scores->raw_compound = compound;
  scores->punct_amplifier = sum_s != 0 ? amp : 0.0;
}

static void
nk_vader_fix_offsets (NkVaderScratch *s)
{
  guint c1 = 0, c2 = 0;

  for (guint i = 0; i < s->n_toks; i++)
    {
      NkVaderToken *o = &s->out[i];

      o->start = nk_vader_map_offset (s, o->start, FALSE, &c1);
      o->end = nk_vader_map_offset (s, o->end, TRUE, &c2);
    }
}

void
nk_vader_score (const NkVaderLexicon *lexicon,
                NkVaderScratch       *scratch,
                const char           *text,
                gssize                len,
                NkVaderScores        *scores)
{
  NkVaderCtx c = { lexicon, scratch, 0, FALSE };
  gsize first = 0;
  const guchar *work;

  g_return_if_fail (lexicon != NULL && scratch != NULL && scores != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);
  scratch->n_pieces = 0;
  scratch->out_valid = FALSE;
  scratch->work = text;
  work = nk_vader_pad (&scratch->pad, &scratch->pad_cap, text, len);
  scratch->scan = work;
  if (!nk_vader_tokenize (lexicon, scratch, work, len, lexicon->n_emoji > 0, &first))
    {
      len = nk_vader_replace_emoji (lexicon, scratch, text, len, first);
      work = nk_vader_pad (&scratch->text, &scratch->text_cap, NULL, len);
      scratch->work = scratch->text;  /* after padding, which may move it */
      scratch->scan = work;
      nk_vader_tokenize (lexicon, scratch, work, len, FALSE, &first);
    }
  c.n = scratch->n_toks;
  c.cap_diff = scratch->n_upper > 0 && scratch->n_upper < c.n;  /* allcap_differential */
  for (guint h = 0; h < scratch->n_hits; h++)
    {
      guint i = scratch->hits[h], rules = 0;
      double v = 0;

      /* A booster in the lexicon and the "kind" of "kind of" score 0 themselves. */
      if (!(nk_vader_flags (&c, i) & NK_VADER_ENTRY_BOOSTER) &&
          !(i < c.n - 1 && NK_VADER_IS (&c, i, NK_W_KIND) && NK_VADER_IS (&c, i + 1, NK_W_OF)))
        v = nk_vader_valence (&c, i, &rules);
      scratch->hit_val[h] = v;
      scratch->hit_rules[h] = rules;
    }
  nk_vader_but_check (scratch);
  nk_vader_score_valence (&c, work, len, scores);
}

double
nk_vader_scratch_get_range_compound (NkVaderScratch *scratch,
                                     gsize           start,
                                     gsize           end)
{
  const NkVaderToken *t;
  double sum = 0;
  guint n;

  g_return_val_if_fail (scratch != NULL, 0.0);

  t = nk_vader_scratch_get_tokens (scratch, &n);
  for (guint i = 0; i < n; i++)
    if (t[i].start >= start && t[i].end <= end)
      sum += t[i].valence;
  return nk_vader_round (nk_vader_normalize (sum), 4);
}

/* ---- rounding ---------------------------------------------------------------------- */

/* Veltkamp split and Dekker product: @hi + @lo == @a * @b exactly. */
static void
nk_vader_two_product (double  a,
                      double  b,
                      double *hi,
                      double *lo)
{
  const double split = 134217729.0;  /* 2^27 + 1 */
  double t, ah, al, bh, bl;

  *hi = a * b;
  t = split * a;
  ah = t - (t - a);
  al = a - ah;
  t = split * b;
  bh = t - (t - b);
  bl = b - bh;
  *lo = ((ah * bh - *hi) + ah * bl + al * bh) + al * bl;
}

/* nk_vader_round of a finite @x > 0, @scale = 10^digits. */
static inline double
nk_vader_round_positive (double x,
                         double scale)
{
  double hi, lo, f, frac, k;

  if (x * scale >= 4503599627370496.0)  /* 2^52: already an integer at this scale */
    return x;
  /* Python rounds the exact binary value half-to-even, then takes the nearest double to
   * the decimal result; k / scale is exactly that nearest double. */
  nk_vader_two_product (x, scale, &hi, &lo);
  f = (double) (gint64) hi;  /* floor: 0 < hi < 2^52 */
  frac = hi - f;
  if (frac > 0.5)
    k = f + 1;
  else if (frac < 0.5)
    k = f;  /* also when frac == 0 and lo < 0: p is a hair below f */
  else if (lo > 0)
    k = f + 1;
  else if (lo < 0)
    k = f;
  else
    k = fmod (f, 2.0) == 0 ? f : f + 1;
  return k / scale;
}

static inline double
nk_vader_round_scaled (double x,
                       double scale)
{
  if (!isfinite (x) || x == 0)
    return x;
  if (x < 0)
    return -nk_vader_round_positive (-x, scale);
  return nk_vader_round_positive (x, scale);
}

double
nk_vader_round (double x,
                int    digits)
{
  static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };

  g_return_val_if_fail (digits >= 0 && digits <= 9, x);

  return nk_vader_round_scaled (x, pow10[digits]);
}

/* ---- rule names -------------------------------------------------------------------- */

const char *
nk_vader_rule_name (NkVaderRule rule)
{
  static const char *const names[NK_VADER_N_RULES] = {
    "negation", "no", "no-as-modifier", "caps", "booster", "dampener", "never-so", "idiom",
    "kind-of", "least", "but-before", "but-after", "user-lexicon",
  };

  for (guint i = 0; i < NK_VADER_N_RULES; i++)
    if (rule == (1u << i))
      return names[i];
  return NULL;
}
