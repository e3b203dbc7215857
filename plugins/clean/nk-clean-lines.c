/* nk-clean-lines.c — the line classifier: features, context rules, metadata.
 *
 * In the spirit of jusText: every line gets cheap features (length, final punctuation,
 * function-word density, capitalisation, call-to-action phrases, patterns); lines that are
 * surely body ("good": a sentence of several words) delimit the article; short or
 * unpunctuated lines between good lines are body too (headings, one-line quotes), while in
 * the header and footer regions they are furniture unless they are metadata (headline,
 * masthead, date, byline). A few block rules catch link titles inserted mid-article.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "nk-clean"

#include <string.h>

#include "nk-clean-lines.h"
#include "nk-clean-private.h"

#define NK_SCAN_MAX_BYTES 2000  /* longer lines are body paragraphs: no phrase lookup */
#define NK_EDGE_HEAD 3          /* first and last lines of a document where long sentences */
#define NK_EDGE_TAIL 6          /* still get the phrase check (see nk_line_features) */

/* ---- features ------------------------------------------------------------------------- */

/* Final punctuation, looking through closing quotes and brackets. */
static void
nk_final_punct (const char *s, gsize len, NkCleanFeat *f)
{
  const guchar *p = (const guchar *) s;
  gsize i = len;

  while (i > 0)
    {
      guchar c = p[i - 1];
      if (c == '"' || c == '\'' || c == ')' || c == ']' || c == ' ' || c == '*')
        { i--; continue; }
      /* ” ’ (E2 80 9D / 99), » (C2 BB) */
      if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && (c == 0x9D || c == 0x99))
        { i -= 3; continue; }
      if (i >= 2 && p[i - 2] == 0xC2 && c == 0xBB)
        { i -= 2; continue; }
      break;
    }
  if (i == 0)
    return;
  guchar c = p[i - 1];
  if (c == '.' || c == '!' || c == '?')
    f->final_punct = TRUE;
  else if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && c == 0xA6)   /* … */
    f->final_punct = TRUE;
  f->end_period = c == '.' || c == ',' || c == ':' || c == ';';
}

static gboolean
nk_starts_upper (const char *s, gsize len)
{
  gsize i = 0;
  /* skip opening quotes and brackets */
  while (i < len)
    {
      guchar c = (guchar) s[i];
      if (c == '"' || c == '\'' || c == '(' || c == '[')
        i++;
      else if (c == 0xE2 && i + 2 < len && (guchar) s[i + 1] == 0x80 &&
               ((guchar) s[i + 2] == 0x9C || (guchar) s[i + 2] == 0x98))
        i += 3;
      else
        break;
    }
  if (i >= len)
    return FALSE;
  if ((guchar) s[i] < 0x80)
    return g_ascii_isupper (s[i]) || g_ascii_isdigit (s[i]);
  gunichar u = g_utf8_get_char_validated (s + i, len - i);
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return FALSE;
  return g_unichar_isupper (u) || g_unichar_isdigit (u);
}

/* "EXCLUSIVE: …", "WATCH: …", "READ MORE: …": an upper-case label of one to three words
 * followed by a colon. */
static gboolean
nk_allcaps_prefix (const char *s, gsize len)
{
  gsize i = 0;
  guint letters = 0;

  while (i < len && i < 30)
    {
      char c = s[i];
      if (c >= 'A' && c <= 'Z')
        letters++;
      else if (c == ':')
        return letters >= 3 && i + 1 < len && s[i + 1] == ' ';
      else if (c != ' ' && c != '\'' && c != '-')
        return FALSE;
      i++;
    }
  return FALSE;
}

/* A © sign (@paren FALSE) or "(c)"/"(C)" (@paren TRUE). */
static gboolean
nk_has_copy_mark (const char *s, gsize len, gboolean paren)
{
  const char *p, *end = s + len;

  if (!paren)
    {
      for (p = s; (p = memchr (p, 0xC2, end - p)) != NULL; p++)
        if (end - p >= 2 && (guchar) p[1] == 0xA9)
          return TRUE;
      return FALSE;
    }
  for (p = s; (p = memchr (p, '(', end - p)) != NULL; p++)
    if (end - p >= 3 && (p[1] == 'c' || p[1] == 'C') && p[2] == ')')
      return TRUE;
  return FALSE;
}

static gboolean
nk_has_year (const char *s, gsize len)
{
  for (gsize i = 0; i + 4 <= len; i++)
    if ((s[i] == '1' || s[i] == '2') && g_ascii_isdigit (s[i + 1]) &&
        g_ascii_isdigit (s[i + 2]) && g_ascii_isdigit (s[i + 3]) &&
        (i == 0 || !g_ascii_isdigit (s[i - 1])) && (i + 4 == len || !g_ascii_isdigit (s[i + 4])))
      return TRUE;
  return FALSE;
}

/* A © sign, or "Copyright"/"(c)" with a year: a copyright notice (lines up to 400 bytes). */
static gboolean
nk_has_copyright (const char *s, gsize len, const guint32 *ids, guint n_ids,
                  const NkCleanRules *rules)
{
  if (len > 400)
    return FALSE;
  if (nk_has_copy_mark (s, len, FALSE))
    return TRUE;
  guint32 copyright = nk_clean_rules_copyright_id (rules);
  gboolean word = nk_has_copy_mark (s, len, TRUE);
  for (guint i = 0; i < n_ids && copyright != 0 && !word; i++)
    word = ids[i] == copyright;
  return word && nk_has_year (s, len);
}

/* Two or more " | ", " • " or " · " separators between items of at most ~30 characters. */
static gboolean
nk_is_nav (const char *s, gsize len, guint chars)
{
  guint seps = 0;

  for (gsize i = 1; i + 2 < len; i++)
    {
      if (s[i - 1] != ' ')
        continue;
      if (s[i] == '|' && s[i + 1] == ' ')
        seps++;
      else if (i + 3 < len && (guchar) s[i] == 0xE2 && (guchar) s[i + 1] == 0x80 &&
               (guchar) s[i + 2] == 0xA2 && s[i + 3] == ' ')
        seps++;
      else if ((guchar) s[i] == 0xC2 && (guchar) s[i + 1] == 0xB7 && s[i + 2] == ' ')
        seps++;
    }
  return seps >= 2 && chars / (seps + 1) <= 30;
}

/* Whether a long, punctuated line needs the full scan: a needle of an "any"-scope phrase,
 * a © or "(c)". */
static gboolean
nk_needs_scan (const NkCleanRules *rules, const char *s, gsize len, guint chars, gboolean edge)
{
  /* an ASCII line (as many characters as bytes) has no © */
  return (chars != len && nk_has_copy_mark (s, len, FALSE)) || nk_has_copy_mark (s, len, TRUE) ||
         (edge && nk_clean_rules_find_needle (rules, s, len));
}

/* @edge: the line is near the start or end of the document, where comment policies and
 * copyright notices written as sentences live; only there do long punctuated lines get the
 * needle check (a © or "(c)" gets it anywhere). */
static void
nk_line_features (const NkCleanRules *rules, const NkCleanOptions *opt,
                  const NkCleanLine *line, const char *s, gboolean edge, NkCleanFeat *f)
{
  guint32 ids[NK_LINE_MAX_IDS];
  guint n_ids = 0;
  gsize len = line->text_len;

  memset (f, 0, sizeof *f);
  f->chars = line->n_chars;
  f->words = line->n_spaces + 1;
  nk_final_punct (s, len, f);
  f->starts_upper = nk_starts_upper (s, len);
  f->allcaps_prefix = nk_allcaps_prefix (s, len);
  gboolean is_short = f->chars <= opt->short_chars;

  if (len > NK_SCAN_MAX_BYTES ||
      (!is_short && f->final_punct && !nk_needs_scan (rules, s, len, f->chars, edge)))
    {
      /* prose: function-word density taken as typical */
      f->stops = f->words / 3;
      if (nk_clean_rules_has_any_patterns (rules))
        f->hit = nk_clean_rules_match_patterns (rules, s, len, NULL, 0, FALSE, is_short,
                                                f->final_punct);
      return;
    }
  f->words = 0;
  n_ids = nk_clean_rules_scan_words (rules, s, len, f, ids);
  if (is_short && !f->final_punct)
    f->nav = nk_is_nav (s, len, f->chars);
  f->copyright = nk_has_copyright (s, len, ids, n_ids, rules);
  f->hit = nk_clean_rules_match_phrases (rules, ids, n_ids, is_short, f->final_punct);
  if (f->copyright)
    f->hit = "copyright";
  if (f->hit == NULL)
    f->hit = nk_clean_rules_match_patterns (rules, s, len, ids, n_ids, f->triggered, is_short,
                                            f->final_punct);
}

static double
nk_stop_ratio (const NkCleanFeat *f)
{
  return f->words > 0 ? (double) f->stops / f->words : 0.0;
}

/* ---- classification ------------------------------------------------------------------- */

typedef struct {
  const NkCleanRules   *rules;
  const NkCleanOptions *opt;
  NkCleanDoc           *cd;
  NkCleanLine          *lines;
  NkCleanFeat          *feats;
  guint                 n;
  int                   date_prio;   /* priority of meta.date so far */
  int                   date_y, date_m, date_d;
  GPtrArray            *all_dates;   /* every date found, ISO, in order */
} NkClassifier;

static void
nk_mark (NkCleanLine *line, NkCleanClass cls, const char *reason)
{
  line->cls = cls;
  line->reason = reason;
}

/* "YYYY-MM-DD" without printf's machinery (dates here are validated: years 1900-2100). */
static char *
nk_iso_date (int y, int m, int d)
{
  char b[11];

  if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99)
    return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  b[0] = (char) ('0' + y / 1000);
  b[1] = (char) ('0' + y / 100 % 10);
  b[2] = (char) ('0' + y / 10 % 10);
  b[3] = (char) ('0' + y % 10);
  b[4] = '-';
  b[5] = (char) ('0' + m / 10);
  b[6] = (char) ('0' + m % 10);
  b[7] = '-';
  b[8] = (char) ('0' + d / 10);
  b[9] = (char) ('0' + d % 10);
  b[10] = '\0';
  return g_strndup (b, 10);
}

static void
nk_add_date (NkClassifier *c, int prio, int y, int m, int d)
{
  g_ptr_array_add (c->all_dates, nk_iso_date (y, m, d));
  if (prio > c->date_prio)
    {
      c->date_prio = prio;
      c->date_y = y;
      c->date_m = m;
      c->date_d = d;
    }
}

static gboolean
nk_is_good (const NkClassifier *c, const NkCleanFeat *f, gboolean relaxed)
{
  if (f->hit != NULL)
    return FALSE;
  if (f->final_punct && f->words >= c->opt->min_body_words)
    return TRUE;
  if (f->chars >= 150 && nk_stop_ratio (f) >= 0.25)
    return TRUE;
  return relaxed && ((f->words >= c->opt->min_body_words && nk_stop_ratio (f) >= 0.2) ||
                     f->words >= 10);
}

static gboolean
nk_starts_like_byline (const char *s, gsize len)
{
  static const char *const starts[] = {
    "by ", "written ", "posted ", "story ", "words ", "reporting ", "author",
  };
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      gsize n = strlen (starts[i]);
      if (len > n && g_ascii_strncasecmp (s, starts[i], n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Parses a candidate metadata line; returns TRUE (and marks it) when it is one. Dates go
 * to the date candidates with priority @prio (+1 for a masthead). */
static gboolean
nk_try_meta_line (NkClassifier *c, guint i, int prio, gboolean allow_dates)
{
  NkCleanLine *line = &c->lines[i];
  const NkCleanFeat *f = &c->feats[i];
  NkMetaLine ml;

  if (f->chars > 160 || (f->final_punct && f->words > 3))
    return FALSE;
  /* a metadata line holds a date (so a digit) or starts like a byline; inside the article
   * only bylines count */
  const char *s = nk_clean_line_text (c->cd, line);
  gboolean digit = FALSE;
  for (gsize k = 0; k < line->text_len && !digit; k++)
    digit = g_ascii_isdigit (s[k]);
  if (!nk_starts_like_byline (s, line->text_len) && (!allow_dates || !digit))
    return FALSE;
  nk_meta_line_parse (s, line->text_len, &ml);
  if (ml.kind == NK_META_LINE_NONE ||
      (!allow_dates && ml.kind != NK_META_LINE_BYLINE))
    {
      nk_meta_line_clear (&ml);
      return FALSE;
    }
  if (ml.kind == NK_META_LINE_DATE || ml.kind == NK_META_LINE_MASTHEAD)
    nk_add_date (c, prio + (ml.kind == NK_META_LINE_MASTHEAD), ml.year, ml.month, ml.day);
  if (ml.publisher != NULL && c->cd->meta.publisher == NULL)
    c->cd->meta.publisher = g_steal_pointer (&ml.publisher);
  if (ml.author != NULL && c->cd->meta.author == NULL)
    c->cd->meta.author = g_steal_pointer (&ml.author);
  nk_mark (line, NK_CLEAN_META,
           ml.kind == NK_META_LINE_DATE ? "date" :
           ml.kind == NK_META_LINE_MASTHEAD ? "masthead" : "byline");
  nk_meta_line_clear (&ml);
  return TRUE;
}

/* ". All": a full stop after a lower-case word of three letters or more, then a capital:
 * two sentences, not a headline ("U.S. Envoy" and "Mr. Kim" do not count). */
static gboolean
nk_has_inner_sentence_end (const char *s, gsize len)
{
  for (gsize i = 3; i + 2 < len; i++)
    if (s[i] == '.' && s[i + 1] == ' ' && g_ascii_isupper (s[i + 2]) &&
        g_ascii_islower (s[i - 1]) && g_ascii_islower (s[i - 2]) && g_ascii_islower (s[i - 3]))
      return TRUE;
  return FALSE;
}

static gboolean
nk_title_like (const NkClassifier *c, guint i)
{
  const NkCleanFeat *f = &c->feats[i];

  return f->hit == NULL && f->words >= 2 && f->words <= 30 && f->chars <= 250 &&
         !f->end_period && f->starts_upper && c->lines[i].link_chars * 2 <= f->chars &&
         !nk_has_inner_sentence_end (nk_clean_line_text (c->cd, &c->lines[i]),
                                     c->lines[i].text_len);
}

/* A one-line paragraph inside the article that reads like a headline rather than a
 * subheading or a sentence: no final punctuation, six words or more, few function words
 * (headlines drop articles and auxiliaries). Inserted "related article" links look so. */
static gboolean
nk_is_link_title (const NkClassifier *c, guint i)
{
  const NkCleanFeat *f = &c->feats[i];

  const char *s = nk_clean_line_text (c->cd, &c->lines[i]);
  guint commas = 0;

  if (f->good || f->final_punct || f->end_period || !f->starts_upper || f->words < 6 ||
      f->chars > 160 || nk_stop_ratio (f) >= 0.3 ||
      (c->lines[i].html_flags & (2 /* heading */ | 4 /* list item */)))
    return FALSE;
  for (gsize k = 0; k < c->lines[i].text_len; k++)
    commas += s[k] == ',';
  return commas < 2;   /* two commas: a list ("A: X, Y, and Z"), not a headline */
}

static gboolean
nk_link_dense (const NkClassifier *c, guint i)
{
  const NkCleanLine *line = &c->lines[i];
  return line->link_chars > 0 &&
         (double) line->link_chars > c->opt->max_link_density * c->feats[i].chars;
}

/* The headline among the header lines left after metadata: the first headline-like line
 * of four words or more (a section label like "World News" is shorter), else the first
 * headline-like line. Returns first_good when there is none. */
static guint
nk_pick_title (const NkClassifier *c, guint first_good)
{
  guint fallback = first_good;

  if (!c->opt->find_title)
    return first_good;
  for (guint i = 0; i < first_good; i++)
    {
      if (c->lines[i].cls == NK_CLEAN_META || !nk_title_like (c, i))
        continue;
      if (c->feats[i].words >= 4)
        return i;
      if (fallback == first_good)
        fallback = i;
    }
  return fallback;
}

/* Lines before the first good line: metadata, the headline, or furniture. */
static void
nk_classify_header (NkClassifier *c, guint first_good)
{
  for (guint i = 0; i < first_good; i++)
    {
      const NkCleanFeat *f = &c->feats[i];

      nk_mark (&c->lines[i], NK_CLEAN_BODY, NULL);
      if (f->hit != NULL)
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, f->hit);
      else
        nk_try_meta_line (c, i, 2, TRUE);
    }

  guint title = nk_pick_title (c, first_good);
  for (guint i = 0; i < first_good; i++)
    {
      const NkCleanFeat *f = &c->feats[i];

      if (c->lines[i].cls != NK_CLEAN_BODY)
        continue;
      if (i == title)
        {
          const char *t = nk_clean_line_text (c->cd, &c->lines[i]);
          char *site = NULL;
          gsize tl = nk_meta_split_title (t, c->lines[i].text_len, &site);

          nk_mark (&c->lines[i], NK_CLEAN_META, "title");
          c->cd->meta.title = g_strndup (t, tl);
          if (site != NULL && c->cd->meta.publisher == NULL)
            c->cd->meta.publisher = site;
          else
            g_free (site);
        }
      else if (f->nav || (nk_link_dense (c, i) && !f->good))
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, "short-link-like");
      else if (!c->opt->positional || (f->words >= 8 && nk_stop_ratio (f) >= 0.15))
        nk_mark (&c->lines[i], NK_CLEAN_BODY, NULL);   /* a standfirst or short lead */
      else
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, "header");
    }
}

/* A paragraph of two or more short unpunctuated lines that start like headlines, inside the
 * article: inserted "related article" link titles. */
static gboolean
nk_is_link_block (const NkClassifier *c, guint a, guint b)
{
  if (b - a < 2)
    return FALSE;
  for (guint i = a; i < b; i++)
    {
      const NkCleanFeat *f = &c->feats[i];
      const char *s = nk_clean_line_text (c->cd, &c->lines[i]);
      if (f->final_punct || f->end_period || !f->starts_upper || f->chars > 200 ||
          f->words < 3 || g_ascii_isdigit (s[0]) ||
          (c->lines[i].html_flags & 4 /* list item */ ))
        return FALSE;
    }
  return TRUE;
}

static void
nk_classify_body (NkClassifier *c, guint first_good, guint last_good)
{
  guint i = first_good;

  while (i <= last_good)
    {
      guint para = c->lines[i].para, j = i;
      while (j <= last_good && c->lines[j].para == para)
        j++;
      /* in HTML, link text is marked: the extractor and the link density judge links */
      gboolean block = c->opt->positional &&
                       (nk_is_link_block (c, i, j) || (j - i == 1 && nk_is_link_title (c, i)));
      for (guint k = i; k < j; k++)
        {
          const NkCleanFeat *f = &c->feats[k];
          if (f->hit != NULL)
            nk_mark (&c->lines[k], NK_CLEAN_BOILERPLATE, f->hit);
          else if (block || (f->allcaps_prefix && !f->final_punct))
            nk_mark (&c->lines[k], NK_CLEAN_BOILERPLATE, "related-link");
          else if (f->nav)
            nk_mark (&c->lines[k], NK_CLEAN_BOILERPLATE, "short-link-like");
          else if (!f->good && nk_try_meta_line (c, k, 0, FALSE))
            ;
          else
            nk_mark (&c->lines[k], NK_CLEAN_BODY, NULL);
        }
      i = j;
    }
}

static void
nk_classify_footer (NkClassifier *c, guint from, guint cut)
{
  for (guint i = from; i < c->n; i++)
    {
      const NkCleanFeat *f = &c->feats[i];

      if (f->hit != NULL)
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, f->hit);
      else if (nk_try_meta_line (c, i, 1, TRUE))
        ;
      else if (i > cut)
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, "footer");
      else if (f->nav || nk_link_dense (c, i) || (c->opt->positional && !f->final_punct))
        nk_mark (&c->lines[i], NK_CLEAN_BOILERPLATE, "short-link-like");
      else
        nk_mark (&c->lines[i], NK_CLEAN_BODY, NULL);
    }
}

/* A copyright notice near the end starts the page footer: what follows is comment widgets
 * and links even when it is written in sentences. Returns its index or n. */
static guint
nk_find_footer_cut (const NkClassifier *c)
{
  guint total = 0, before = 0;

  for (guint i = 0; i < c->n; i++)
    total += c->feats[i].chars;
  for (guint i = 0; i < c->n; before += c->feats[i].chars, i++)
    {
      if (!c->feats[i].copyright)
        continue;
      guint after = total - before - c->feats[i].chars;
      if (c->n - i <= 10 && after < before / 3)
        return i;
    }
  return c->n;
}

static void
nk_find_publisher_in_copyright (NkClassifier *c)
{
  for (guint i = 0; i < c->n && c->cd->meta.publisher == NULL; i++)
    if (c->feats[i].copyright)
      c->cd->meta.publisher = nk_meta_copyright_owner (nk_clean_line_text (c->cd, &c->lines[i]),
                                                       c->lines[i].text_len);
}

static void
nk_find_dateline (NkClassifier *c)
{
  for (guint i = 0; i < c->n; i++)
    if (c->lines[i].cls == NK_CLEAN_BODY)
      {
        c->cd->meta.dateline = nk_meta_dateline (nk_clean_line_text (c->cd, &c->lines[i]),
                                                 c->lines[i].text_len);
        return;
      }
}

static void
nk_finish_dates (NkClassifier *c)
{
  NkCleanMeta *meta = &c->cd->meta;

  if (c->date_prio > 0)
    meta->date = nk_iso_date (c->date_y, c->date_m, c->date_d);
  for (guint i = 0; i < c->all_dates->len; i++)
    {
      const char *d = c->all_dates->pdata[i];
      gboolean seen = meta->date != NULL && strcmp (d, meta->date) == 0;
      for (guint k = 0; k < meta->dates->len && !seen; k++)
        seen = strcmp (d, meta->dates->pdata[k]) == 0;
      if (!seen)
        g_ptr_array_add (meta->dates, g_strdup (d));
    }
}

void
nk_clean_classify (const NkCleanRules *rules, const NkCleanOptions *options, NkCleanDoc *cd)
{
  NkCleanOptions defaults = NK_CLEAN_OPTIONS_INIT;
  NkClassifier c = { 0 };
  guint first_good, last_good, cut;

  g_return_if_fail (rules != NULL && nk_clean_rules_is_finished (rules));
  c.rules = rules;
  c.opt = options != NULL ? options : &defaults;
  c.cd = cd;
  c.n = cd->lines->len;
  c.lines = (NkCleanLine *) (void *) cd->lines->data;
  g_array_set_size (cd->feats, c.n);
  c.feats = (NkCleanFeat *) (void *) cd->feats->data;
  c.all_dates = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < c.n; i++)
    nk_line_features (rules, c.opt, &c.lines[i], nk_clean_line_text (cd, &c.lines[i]),
                      i < NK_EDGE_HEAD || i + NK_EDGE_TAIL >= c.n, &c.feats[i]);

  cut = nk_find_footer_cut (&c);
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < c.n; i++)
        c.feats[i].good = i < cut && nk_is_good (&c, &c.feats[i], pass == 1);
      for (first_good = 0; first_good < c.n && !c.feats[first_good].good; first_good++)
        ;
      if (first_good < c.n)
        break;
    }

  if (first_good >= c.n)
    {
      /* nothing reads like article text: keep what no rule rejects rather than guess */
      for (guint i = 0; i < c.n; i++)
        if (c.feats[i].hit != NULL)
          nk_mark (&c.lines[i], NK_CLEAN_BOILERPLATE, c.feats[i].hit);
        else if (!nk_try_meta_line (&c, i, 1, TRUE))
          nk_mark (&c.lines[i], NK_CLEAN_BODY, NULL);
    }
  else
    {
      for (last_good = MIN (cut, c.n) - 1; !c.feats[last_good].good; last_good--)
        ;
      nk_classify_header (&c, first_good);
      nk_classify_body (&c, first_good, last_good);
      nk_classify_footer (&c, last_good + 1, cut);
    }

  nk_find_publisher_in_copyright (&c);
  nk_find_dateline (&c);
  nk_finish_dates (&c);
  g_ptr_array_unref (c.all_dates);
}
