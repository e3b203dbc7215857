/* nk-clean-meta.c — recognising dates, mastheads, bylines, datelines and copyright owners.
 *
 * These only ever run on a handful of short lines per document (header and footer
 * candidates, the first body line), so clarity wins over speed here.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-clean"

#include <string.h>

#include "nk-clean-lines.h"
#include "nk-clean-private.h"

/* ---- tokens -------------------------------------------------------------------------- */

typedef enum { TOK_NUM, TOK_WORD, TOK_PUNCT } NkTokType;

typedef struct {
  NkTokType type;
  gsize     start, end;   /* byte range; a word's range excludes a trailing '.' */
  gboolean  dot;          /* a word or number directly followed by '.' */
  int       value;        /* numbers: value (up to 9 digits) */
} NkTok;

#define NK_MAX_TOKS 96

static gboolean
nk_is_alpha (guchar c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Tokenises @s into numbers, words (ASCII letters and non-ASCII bytes) and single-byte
 * punctuation; non-ASCII punctuation (dashes, quotes: E2 80 xx) becomes one punct token. */
static guint
nk_tokenize (const char *s, gsize len, NkTok *toks, guint max)
{
  const guchar *p = (const guchar *) s;
  guint n = 0;
  gsize i = 0;

  while (i < len && n < max)
    {
      guchar c = p[i];
      NkTok t = { 0 };

      if (c == ' ')
        { i++; continue; }
      t.start = i;
      if (g_ascii_isdigit (c))
        {
          t.type = TOK_NUM;
          while (i < len && g_ascii_isdigit (p[i]))
            {
              if (i - t.start < 9)
                t.value = t.value * 10 + (p[i] - '0');
              i++;
            }
        }
      else if (c == 0xE2 && i + 2 < len && p[i + 1] == 0x80)
        {
          t.type = TOK_PUNCT;
          i += 3;
        }
      else if (c == 0xC2 && i + 1 < len && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF)
        {
          /* Latin-1 symbols: © « » ° … */
          t.type = TOK_PUNCT;
          i += 2;
        }
      else if (nk_is_alpha (c))
        {
          t.type = TOK_WORD;
          i++;
          while (i < len && (nk_is_alpha (p[i]) || p[i] == '\'') &&
                 !(p[i] == 0xE2 && i + 1 < len && p[i + 1] == 0x80) &&
                 !(p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF))
            i++;
        }
      else
        {
          t.type = TOK_PUNCT;
          i++;
        }
      t.end = i;
      if (t.type != TOK_PUNCT && i < len && p[i] == '.')
        t.dot = TRUE;
      toks[n++] = t;
    }
  return n;
}

/* The first letters of @a and @b are equal, ignoring ASCII case: a cheap test before a
 * full comparison (these run over word lists for every token). */
static inline gboolean
nk_same_first (char a, char b)
{
  return (a | 0x20) == (b | 0x20) && g_ascii_isalpha (a);   /* words start with a letter */
}

static gboolean
nk_tok_is (const char *s, const NkTok *t, const char *word)
{
  if (t->type != TOK_WORD || !nk_same_first (s[t->start], word[0]))
    return FALSE;
  gsize n = strlen (word);
  return t->end - t->start == n && g_ascii_strncasecmp (s + t->start, word, n) == 0;
}

static gboolean
nk_tok_punct (const char *s, const NkTok *t, char c)
{
  return t->type == TOK_PUNCT && t->end - t->start == 1 && s[t->start] == c;
}

/* ---- dates --------------------------------------------------------------------------- */

static const char *const nk_months[] = {
  "january", "february", "march", "april", "may", "june", "july", "august",
  "september", "october", "november", "december",
};

static int
nk_tok_month (const char *s, const NkTok *t)
{
  gsize n = t->end - t->start;

  if (t->type != TOK_WORD || n < 3 || n > 9)
    return 0;
  for (int m = 0; m < 12; m++)
    {
      if (!nk_same_first (s[t->start], nk_months[m][0]))
        continue;
      gsize full = strlen (nk_months[m]);
      if (n == full && g_ascii_strncasecmp (s + t->start, nk_months[m], n) == 0)
        return m + 1;
      /* "Nov", "Nov.", "Sept." */
      if ((n == 3 || (m == 8 && n == 4)) && g_ascii_strncasecmp (s + t->start, nk_months[m], n) == 0)
        return m + 1;
    }
  return 0;
}

static gboolean
nk_tok_weekday (const char *s, const NkTok *t)
{
  static const char *const days[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  };
  gsize n = t->end - t->start;

  if (t->type != TOK_WORD)
    return FALSE;
  for (guint d = 0; d < G_N_ELEMENTS (days); d++)
    {
      if (!nk_same_first (s[t->start], days[d][0]))
        continue;
      if (n == strlen (days[d]) && g_ascii_strncasecmp (s + t->start, days[d], n) == 0)
        return TRUE;
      if ((n == 3 || n == 4) && g_ascii_strncasecmp (s + t->start, days[d], n) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
nk_date_valid (int y, int m, int d)
{
  static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
nk_tok_year (const NkTok *t)
{
  return t->type == TOK_NUM && t->end - t->start == 4;
}

static gboolean
nk_tok_day (const char *s, const NkTok *t, guint n_toks, const NkTok *all, guint *skip)
{
  /* a 1-2 digit number, optionally followed by st/nd/rd/th */
  *skip = 0;
  if (t->type != TOK_NUM || t->end - t->start > 2)
    return FALSE;
  if ((guint) (t - all) + 1 < n_toks)
    {
      const NkTok *n = t + 1;
      if (n->start == t->end && (nk_tok_is (s, n, "st") || nk_tok_is (s, n, "nd") ||
                                 nk_tok_is (s, n, "rd") || nk_tok_is (s, n, "th")))
        *skip = 1;
    }
  return TRUE;
}

/* Tries a date starting at token @i; on success sets y/m/d and the last token index. */
static gboolean
nk_date_at (const char *s, const NkTok *toks, guint n, guint i,
            int *y, int *m, int *d, guint *last)
{
  guint skip, j;
  int mon;

  /* ISO and numeric: 2018-11-01, 2018/11/01, 11/01/2018, 1.11.2018 */
  if (toks[i].type == TOK_NUM && i + 4 < n && toks[i + 2].type == TOK_NUM &&
      toks[i + 4].type == TOK_NUM && toks[i + 1].type == TOK_PUNCT &&
      toks[i + 3].type == TOK_PUNCT && toks[i + 1].end == toks[i + 2].start &&
      toks[i + 3].end == toks[i + 4].start && toks[i].end == toks[i + 1].start)
    {
      char sep = s[toks[i + 1].start];
      int a = toks[i].value, b = toks[i + 2].value, c = toks[i + 4].value;

      if (sep != s[toks[i + 3].start] || (sep != '-' && sep != '/' && sep != '.'))
        return FALSE;
      if (nk_tok_year (&toks[i]))
        { *y = a; *m = b; *d = c; }
      else if (nk_tok_year (&toks[i + 4]) && sep == '/' && a <= 12)
        { *y = c; *m = a; *d = b; }            /* US order */
      else if (nk_tok_year (&toks[i + 4]))
        { *y = c; *m = b; *d = a; }            /* day first */
      else
        return FALSE;
      *last = i + 4;
      return nk_date_valid (*y, *m, *d);
    }

  /* Month D, YYYY  /  Month D YYYY */
  if ((mon = nk_tok_month (s, &toks[i])) != 0)
    {
      j = i + 1;
      if (j < n && nk_tok_punct (s, &toks[j], '.'))
        j++;
      if (j < n && nk_tok_day (s, &toks[j], n, toks, &skip))
        {
          int day = toks[j].value;
          j += 1 + skip;
          if (j < n && nk_tok_punct (s, &toks[j], ','))
            j++;
          if (j < n && nk_tok_year (&toks[j]) && nk_date_valid (toks[j].value, mon, day))
            {
              *y = toks[j].value; *m = mon; *d = day; *last = j;
              return TRUE;
            }
        }
      return FALSE;
    }

  /* D Month YYYY  /  D of Month, YYYY */
  if (nk_tok_day (s, &toks[i], n, toks, &skip))
    {
      int day = toks[i].value;
      j = i + 1 + skip;
      if (j < n && nk_tok_is (s, &toks[j], "of"))
        j++;
      if (j < n && (mon = nk_tok_month (s, &toks[j])) != 0)
        {
          j++;
          if (j < n && nk_tok_punct (s, &toks[j], '.'))
            j++;
          if (j < n && nk_tok_punct (s, &toks[j], ','))
            j++;
          if (j < n && nk_tok_year (&toks[j]) && nk_date_valid (toks[j].value, mon, day))
            {
              *y = toks[j].value; *m = mon; *d = day; *last = j;
              return TRUE;
            }
        }
    }
  return FALSE;
}

gboolean
nk_clean_find_date (const char *s, gsize len, int *year, int *month, int *day,
                    gsize *match_start, gsize *match_end)
{
  NkTok toks[NK_MAX_TOKS];
  guint n = nk_tokenize (s, len, toks, NK_MAX_TOKS);

  for (guint i = 0; i < n; i++)
    {
      guint last;
      int y, m, d;

      /* a date starts at a token boundary: skip the middle of "A1-2018-11-01" */
      if (i > 0 && toks[i].type == TOK_NUM && toks[i - 1].type == TOK_PUNCT &&
          toks[i - 1].end == toks[i].start && s[toks[i - 1].start] != '(' &&
          s[toks[i - 1].start] != ',')
        continue;
      if (nk_date_at (s, toks, n, i, &y, &m, &d, &last))
        {
          *year = y; *month = m; *day = d;
          if (match_start)
            *match_start = toks[i].start;
          if (match_end)
            *match_end = toks[last].end;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- metadata lines ------------------------------------------------------------------ */

/* Words that may surround a date in a date line ("Updated: Thursday, Nov. 1, 2018 10:32
 * a.m. ET"). */
static gboolean
nk_tok_date_filler (const char *s, const NkTok *t)
{
  static const char *const words[] = {
    "updated", "published", "posted", "on", "at", "last", "modified", "date", "am", "pm",
    "a", "p", "m", "et", "est", "edt", "pt", "pst", "pdt", "ct", "cst", "cdt", "mt", "gmt",
    "utc", "bst", "kst", "jst", "cet", "cest", "hkt", "sgt", "ist", "aest", "time", "and",
    "first", "originally", "created", "issued", "released", "dated", "of",
  };

  if (t->type == TOK_NUM)
    return t->end - t->start <= 2;   /* times: 10 : 32 */
  if (t->type == TOK_PUNCT)
    return TRUE;
  if (nk_tok_weekday (s, t))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (nk_tok_is (s, t, words[i]))
      return TRUE;
  return FALSE;
}

/* Returns 1 for a segment holding one date and filler words, 2 for filler only (a time,
 * "Updated"), 0 otherwise. */
static int
nk_segment_is_date (const char *s, gsize len, int *y, int *m, int *d)
{
  NkTok toks[NK_MAX_TOKS];
  guint n = nk_tokenize (s, len, toks, NK_MAX_TOKS);
  gboolean found = FALSE, number = FALSE;

  for (guint i = 0; i < n; i++)
    {
      guint last;
      int yy, mm, dd;

      if (!found && nk_date_at (s, toks, n, i, &yy, &mm, &dd, &last))
        {
          *y = yy; *m = mm; *d = dd;
          found = TRUE;
          i = last;
          continue;
        }
      if (!nk_tok_date_filler (s, &toks[i]))
        return 0;
      number |= toks[i].type == TOK_NUM;
    }
  return found ? 1 : number ? 2 : 0;
}

static gboolean
nk_is_name_connector (const char *s, const NkTok *t)
{
  static const char *const words[] = {
    "of", "the", "and", "for", "de", "da", "van", "von", "der", "del", "la", "le", "bin",
    "al", "y", "on",
  };
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (nk_tok_is (s, t, words[i]))
      return TRUE;
  return FALSE;
}

static gboolean
nk_tok_capitalised (const char *s, const NkTok *t)
{
  guchar c = (guchar) s[t->start];
  if (c >= 0x80)
    {
      gunichar u = g_utf8_get_char_validated (s + t->start, t->end - t->start);
      return u != (gunichar) -1 && u != (gunichar) -2 && g_unichar_isupper (u);
    }
  return g_ascii_isupper (c);
}

/* A proper name: 1..@max_words capitalised words (connectors allowed inside), initials,
 * '&', "'s", hyphens and a few dots; no digits, no sentence punctuation. */
static gboolean
nk_segment_is_name (const char *s, gsize len, guint max_words)
{
  NkTok toks[NK_MAX_TOKS];
  guint n = nk_tokenize (s, len, toks, NK_MAX_TOKS);
  guint words = 0;

  if (n == 0 || len > 80)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const NkTok *t = &toks[i];
      if (t->type == TOK_NUM)
        return FALSE;
      if (t->type == TOK_PUNCT)
        {
          char c = s[t->start];
          if (c != '&' && c != '.' && c != '-' && c != '\'' && c != ',' &&
              !(t->end - t->start == 3 && (guchar) s[t->start + 2] == 0x99))
            return FALSE;
          continue;
        }
      words++;
      if (!nk_tok_capitalised (s, t) && !(i > 0 && nk_is_name_connector (s, t)) &&
          !nk_tok_is (s, t, "s"))
        return FALSE;
    }
  return words >= 1 && words <= max_words && toks[0].type == TOK_WORD &&
         nk_tok_capitalised (s, &toks[0]);
}

/* "By Jane Doe", "By Jane Doe and John Roe", "By JANE DOE, Associated Press": returns the
 * names (before any comma), or NULL. */
/* Length of a byline prefix ("By ", "Posted by ", "Author: ") at the start of @s, or 0. */
static gsize
nk_byline_prefix (const char *s, gsize len)
{
  static const char *const prefixes[] = {
    "by ", "written by ", "posted by ", "story by ", "words by ", "reporting by ",
    "author: ", "authors: ", "by: ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      if (len > n && g_ascii_strncasecmp (s, prefixes[i], n) == 0)
        return n;
    }
  return 0;
}

static char *
nk_segment_byline (const char *s, gsize len)
{
  gsize skip = nk_byline_prefix (s, len);

  if (skip == 0)
    return NULL;

  const char *names = s + skip;
  gsize nlen = len - skip;
  const char *comma = memchr (names, ',', nlen);
  if (comma != NULL)
    {
      /* what follows the comma is an affiliation ("Associated Press"), not a clause */
      const char *aff = comma + 1;
      gsize alen = names + nlen - aff;
      while (alen > 0 && *aff == ' ')
        { aff++; alen--; }
      if (alen == 0 || !nk_segment_is_name (aff, alen, 8))
        return NULL;
      nlen = comma - names;
    }
  while (nlen > 0 && (names[nlen - 1] == ' ' || names[nlen - 1] == '.'))
    nlen--;
  /* "Jane Doe and John Roe": up to four names of up to four words */
  if (nlen == 0 || !nk_segment_is_name (names, nlen, 12))
    return NULL;
  /* "By Thursday", "By March 2019" */
  NkTok first;
  if (nk_tokenize (names, nlen, &first, 1) == 1 &&
      (nk_tok_weekday (names, &first) || nk_tok_month (names, &first) != 0))
    return NULL;
  return g_strndup (names, nlen);
}

/* "By Jane Doe on Nov. 1, 2018", "Posted by Jane Doe, November 1, 2018 at 5:00 pm": a
 * byline, then " on ", " at " or ", " and a date line. */
static gboolean
nk_byline_with_date (const char *s, gsize len, char **author, int *y, int *m, int *d)
{
  gsize ds, de;
  int yy, mm, dd;

  *author = NULL;
  if (nk_byline_prefix (s, len) == 0 ||
      !nk_clean_find_date (s, len, &yy, &mm, &dd, &ds, &de) || ds < 4)
    return FALSE;
  /* the date may carry a weekday before it: back up over "Thursday, " */
  gsize cut = ds;
  while (cut > 0 && s[cut - 1] == ' ')
    cut--;
  if (cut > 0 && s[cut - 1] == ',')
    cut--;
  NkTok prev[NK_MAX_TOKS];
  guint n = nk_tokenize (s, cut, prev, NK_MAX_TOKS);
  while (n > 0 && (nk_tok_weekday (s, &prev[n - 1]) || nk_tok_punct (s, &prev[n - 1], ',') ||
                   nk_tok_is (s, &prev[n - 1], "on") || nk_tok_is (s, &prev[n - 1], "updated") ||
                   nk_tok_is (s, &prev[n - 1], "published")))
    {
      cut = prev[n - 1].start;
      n--;
    }
  while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ','))
    cut--;
  if (cut == 0 || cut == ds)
    return FALSE;
  char *names = nk_segment_byline (s, cut);
  if (names == NULL || nk_segment_is_date (s + cut, len - cut, &yy, &mm, &dd) != 1)
    {
      g_free (names);
      return FALSE;
    }
  *author = names;
  *y = yy;
  *m = mm;
  *d = dd;
  return TRUE;
}

typedef struct {
  const char *s;
  gsize       len;
} NkSeg;

/* Splits a line at " - ", " – ", " — ", " | ", " • ", " · " (and a leading or trailing
 * dash) into segments. */
static guint
nk_split_segments (const char *s, gsize len, NkSeg *segs, guint max)
{
  guint n = 0;
  gsize start = 0, i = 0;

  while (i <= len && n < max)
    {
      gsize sep = 0;

      if (i == len)
        sep = 1;
      else if (s[i] == '|')
        sep = 1;
      else if (s[i] == '-' && (i == 0 || s[i - 1] == ' ') && (i + 1 == len || s[i + 1] == ' '))
        sep = 1;
      else if ((guchar) s[i] == 0xE2 && i + 2 < len + 0 && (guchar) s[i + 1] == 0x80 &&
               ((guchar) s[i + 2] == 0x93 || (guchar) s[i + 2] == 0x94 ||
                (guchar) s[i + 2] == 0xA2) &&
               (i == 0 || s[i - 1] == ' ') && (i + 3 >= len || s[i + 3] == ' '))
        sep = 3;
      else if ((guchar) s[i] == 0xC2 && i + 1 < len && (guchar) s[i + 1] == 0xB7)
        sep = 2;

      if (sep == 0)
        {
          i++;
          continue;
        }
      gsize a = start, b = i;
      while (a < b && s[a] == ' ')
        a++;
      while (b > a && s[b - 1] == ' ')
        b--;
      if (b > a)
        segs[n++] = (NkSeg) { s + a, b - a };
      i += sep;
      start = i;
    }
  return n;
}

void
nk_meta_line_clear (NkMetaLine *ml)
{
  g_clear_pointer (&ml->publisher, g_free);
  g_clear_pointer (&ml->author, g_free);
  ml->kind = NK_META_LINE_NONE;
}

/* Classifies a short line as a date line, a masthead ("- The Washington Times - Thursday,
 * November 1, 2018", "Jane Doe | Reuters | Nov. 1, 2018") or a byline. */
void
nk_meta_line_parse (const char *s, gsize len, NkMetaLine *out)
{
  NkSeg segs[8];
  guint n, n_dates = 0, n_names = 0, n_bylines = 0;

  memset (out, 0, sizeof *out);
  if (len == 0 || len > 160)
    return;
  n = nk_split_segments (s, len, segs, G_N_ELEMENTS (segs));
  if (n == 0 || n > 6)
    return;

  for (guint i = 0; i < n; i++)
    {
      int y, m, d;
      char *author;

      int kind = nk_segment_is_date (segs[i].s, segs[i].len, &y, &m, &d);
      if (kind == 1)
        {
          if (n_dates++ == 0)
            { out->year = y; out->month = m; out->day = d; }
        }
      else if (kind == 2)
        ;   /* "17:02" beside a date */
      else if (nk_byline_with_date (segs[i].s, segs[i].len, &author, &y, &m, &d))
        {
          /* "Posted by Jane Doe on November 1, 2018" */
          if (n_dates++ == 0)
            { out->year = y; out->month = m; out->day = d; }
          if (n_bylines++ == 0)
            out->author = author;
          else
            g_free (author);
        }
      else if ((author = nk_segment_byline (segs[i].s, segs[i].len)) != NULL)
        {
          if (n_bylines++ == 0)
            out->author = author;
          else
            g_free (author);
        }
      else if (nk_segment_is_name (segs[i].s, segs[i].len, 6))
        {
          const char *name = segs[i].s;
          gsize nlen = segs[i].len;
          /* "From the Pacific Ledger", "Via Example News" */
          if (nlen > 5 && (g_ascii_strncasecmp (name, "from ", 5) == 0 ||
                           g_ascii_strncasecmp (name, "via ", 4) == 0))
            {
              gsize skip = name[0] == 'F' || name[0] == 'f' ? 5 : 4;
              name += skip;
              nlen -= skip;
            }
          if (n_names++ == 0)
            {
              out->publisher = g_strndup (name, nlen);
              if (g_str_has_prefix (out->publisher, "the "))
                out->publisher[0] = 'T';   /* "From the Ledger" names "The Ledger" */
            }
        }
      else
        {
          nk_meta_line_clear (out);
          return;
        }
    }

  if (n_dates > 0 && n_names == 0 && n_bylines == 0)
    out->kind = NK_META_LINE_DATE;
  else if (n_dates > 0)
    out->kind = NK_META_LINE_MASTHEAD;
  else if (n_bylines > 0)
    out->kind = NK_META_LINE_BYLINE;
  else
    nk_meta_line_clear (out);

  /* beside a byline, a name is more often the agency or desk than the publisher */
  if (out->kind == NK_META_LINE_BYLINE)
    g_clear_pointer (&out->publisher, g_free);
}

/* ---- dateline ------------------------------------------------------------------------ */

/* GLib's Unicode predicates with the ASCII case inline (a dateline runs on every
 * document's first line). */
static inline gunichar
nk_char_at (const char *p)
{
  return (guchar) *p < 0x80 ? (gunichar) (guchar) *p : g_utf8_get_char (p);
}

static inline gboolean
nk_char_isalpha (gunichar c)
{
  return c < 0x80 ? g_ascii_isalpha ((char) c) : g_unichar_isalpha (c);
}

static inline gboolean
nk_char_isupper (gunichar c)
{
  return c < 0x80 ? g_ascii_isupper ((char) c) : g_unichar_isupper (c);
}

static gboolean
nk_utf8_is_upper_word (const char *s, gsize len)
{
  guint letters = 0;
  const char *end = s + len;

  for (const char *p = s; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = nk_char_at (p);
      if (nk_char_isalpha (c))
        {
          if (!nk_char_isupper (c))
            return FALSE;
          letters++;
        }
      else if (c != '.' && c != '\'' && c != 0x2019 && c != '-')
        return FALSE;
    }
  return letters >= 1;
}

static gboolean
nk_utf8_is_cap_word (const char *s, gsize len)
{
  gunichar c = nk_char_at (s);
  if (!nk_char_isupper (c))
    return FALSE;
  for (const char *p = s; p < s + len; p = g_utf8_next_char (p))
    {
      gunichar d = nk_char_at (p);
      if (!nk_char_isalpha (d) && d != '.' && d != '\'' && d != 0x2019 && d != '-')
        return FALSE;
    }
  return TRUE;
}

/* Length of a leading "Nov. 1" / "November 1" / "1 November" (no year), or 0. */
static gsize
nk_month_day_len (const char *s, gsize len)
{
  NkTok toks[6];
  guint n = nk_tokenize (s, MIN (len, 24), toks, G_N_ELEMENTS (toks)), j = 0, skip;

  if (n >= 2 && nk_tok_month (s, &toks[0]) != 0)
    {
      j = 1;
      if (j < n && nk_tok_punct (s, &toks[j], '.'))
        j++;
      if (j < n && nk_tok_day (s, &toks[j], n, toks, &skip) && toks[j].value >= 1 &&
          toks[j].value <= 31)
        return toks[j + skip].end;
    }
  else if (n >= 2 && nk_tok_day (s, &toks[0], n, toks, &skip) && nk_tok_month (s, &toks[1 + skip]) != 0)
    return toks[1 + skip].end + (toks[1 + skip].dot ? 1 : 0);
  return 0;
}

/* Length of a dash separator at @p ("—", "–", "--", "-", ":" not accepted), or 0. */
static gsize
nk_dash_len (const char *p, const char *end)
{
  if (end - p >= 3 && (guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 &&
      ((guchar) p[2] == 0x94 || (guchar) p[2] == 0x93))
    return 3;
  if (end - p >= 2 && p[0] == '-' && p[1] == '-')
    return 2;
  if (end - p >= 1 && p[0] == '-')
    return 1;
  return 0;
}

/* "SEOUL, South Korea — Secretary …" -> "SEOUL, South Korea"; "WASHINGTON (Reuters) -" ->
 * "WASHINGTON"; "Seoul, South Korea (CNN) —" -> "Seoul, South Korea". */
char *
nk_meta_dateline (const char *s, gsize len)
{
  const char *end = s + len, *p = s;
  const char *city_end = NULL;
  gboolean upper_city = TRUE, paren = FALSE;
  guint words = 0, region_words = 0;
  gboolean in_region = FALSE;

  while (p < end && words + region_words < 8)
    {
      const char *w = p;
      while (p < end && *p != ' ' && *p != ',' && *p != '(')
        p++;
      gsize wl = p - w;
      if (wl == 0)
        break;
      if (nk_dash_len (w, end) == wl)
        { p = w; break; }
      if (!in_region)
        {
          if (nk_utf8_is_upper_word (w, wl) && (wl >= 2 || words > 0))
            ;
          else if (nk_utf8_is_cap_word (w, wl))
            upper_city = FALSE;
          else
            return NULL;
          words++;
        }
      else
        {
          if (!nk_utf8_is_cap_word (w, wl))
            return NULL;
          region_words++;
        }
      city_end = p;
      if (p < end && *p == ',' && !in_region)
        {
          /* "SEOUL, Nov. 1 (Yonhap) --": a date after the city is not part of the dateline */
          const char *after = p + 1;
          while (after < end && *after == ' ')
            after++;
          gsize skip = nk_month_day_len (after, end - after);
          if (skip > 0)
            {
              p = after + skip;
              while (p < end && *p == ' ')
                p++;
              break;
            }
          in_region = TRUE;
          p++;
        }
      while (p < end && *p == ' ')
        p++;
      if (p < end && *p == '(')
        break;
      if (p < end && nk_dash_len (p, end) > 0)
        break;
    }
  if (city_end == NULL || words == 0 || (in_region && region_words == 0))
    return NULL;

  if (p < end && *p == '(')
    {
      const char *close = memchr (p, ')', end - p);
      if (close == NULL || close - p > 40)
        return NULL;
      paren = TRUE;
      p = close + 1;
      while (p < end && *p == ' ')
        p++;
    }
  gsize dl = nk_dash_len (p, end);
  if (dl == 0)
    return NULL;
  /* a single hyphen must stand alone: "WASHINGTON - The" not "NK-style" */
  if (dl == 1 && (p == s || p[-1] != ' '))
    return NULL;
  p += dl;
  while (p < end && *p == ' ')
    p++;
  if (p >= end)
    return NULL;
  /* mixed-case cities only with an agency tag: "Seoul (AP) —" */
  if (!upper_city && !paren)
    return NULL;
  return g_strndup (s, city_end - s);
}

/* ---- headline suffix ------------------------------------------------------------------ */

/* "Kim and Trump meet at the border | Example News": the headline and the site's name.
 * Returns the headline's length (all of @len when there is no such suffix) and sets @site. */
gsize
nk_meta_split_title (const char *s, gsize len, char **site)
{
  *site = NULL;
  for (gsize i = len; i >= 3; i--)
    {
      if (s[i - 3] != ' ' || s[i - 2] != '|' || s[i - 1] != ' ')
        continue;
      gsize head = i - 3;
      if (nk_segment_is_name (s + i, len - i, 5) && head >= 10)
        {
          *site = g_strndup (s + i, len - i);
          return head;
        }
      break;
    }
  return len;
}

/* ---- copyright owner ----------------------------------------------------------------- */

/* "Copyright © 2019 The Washington Times, LLC. Click here …" -> "The Washington Times". */
char *
nk_meta_copyright_owner (const char *s, gsize len)
{
  static const char *const suffixes[] = {
    "LLC", "Inc", "Ltd", "Limited", "Corp", "Corporation", "Co", "Company", "plc", "GmbH",
    "L.L.C", "S.A", "AG", "Group",
  };
  NkTok toks[NK_MAX_TOKS];
  guint n = nk_tokenize (s, len, toks, NK_MAX_TOKS), i = 0;

  /* skip "Copyright", "©", "(c)", years and ranges, "by" */
  while (i < n)
    {
      const NkTok *t = &toks[i];
      if (nk_tok_is (s, t, "copyright") || nk_tok_is (s, t, "by") ||
          nk_tok_year (t) || (t->type == TOK_PUNCT && s[t->start] != '.'))
        i++;
      else if (nk_tok_is (s, t, "c") && i > 0 && nk_tok_punct (s, &toks[i - 1], '('))
        i++;
      else
        break;
    }
  if (i >= n || toks[i].type != TOK_WORD)
    return NULL;
  gsize start = toks[i].start, stop = start;
  for (; i < n; i++)
    {
      const NkTok *t = &toks[i];
      gboolean suffix = FALSE;
      if (t->type == TOK_PUNCT && s[t->start] != '&' && s[t->start] != '\'' &&
          s[t->start] != '-')
        break;
      for (guint k = 0; k < G_N_ELEMENTS (suffixes) && t->type == TOK_WORD; k++)
        if (nk_tok_is (s, t, suffixes[k]))
          suffix = TRUE;
      if (suffix || nk_tok_is (s, t, "all"))
        break;
      stop = t->end;
      if (t->dot)
        break;
    }
  if (stop <= start || !nk_segment_is_name (s + start, stop - start, 6))
    return NULL;
  return g_strndup (s + start, stop - start);
}
