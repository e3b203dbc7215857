/* test-clean.c — tests of the clean stage: the line engine (table-driven cases under
 * tests/clean/data/), text normalisation and raw offsets, and the stage run through the
 * pipeline (config, warnings, meta.removed, the seed articles against the gold).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "nk-clean-lines.h"
#include "nk-clean-private.h"

#ifndef NK_CLEAN_ENGINE_ONLY
#include <nkpipe.h>
#include "nk-test-util.h"
#endif

/* ---- fixtures ------------------------------------------------------------------------- */

static char *
nk_src_path (const char *rel)
{
  return g_build_filename (NK_TEST_SRCDIR, rel, NULL);
}

static char *
nk_read_src (const char *rel, gsize *len)
{
  g_autofree char *path = nk_src_path (rel);
  g_autoptr (GError) error = NULL;
  char *data = NULL;

  if (!g_file_get_contents (path, &data, len, &error))
    g_error ("cannot read %s: %s", path, error->message);
  return data;
}

static NkCleanRules *
nk_load_rules (void)
{
  static const struct { const char *file; int kind; } files[] = {
    { "data/clean/stopwords.txt", 0 },
    { "data/clean/phrases.txt", 1 },
    { "data/clean/patterns.txt", 2 },
  };
  NkCleanRules *rules = nk_clean_rules_new ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      gsize len;
      g_autofree char *data = nk_read_src (files[i].file, &len);
      gboolean ok = files[i].kind == 0 ? nk_clean_rules_load_stopwords (rules, data, len, files[i].file, &error)
                  : files[i].kind == 1 ? nk_clean_rules_load_phrases (rules, data, len, files[i].file, &error)
                  : nk_clean_rules_load_patterns (rules, data, len, files[i].file, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  g_assert_true (nk_clean_rules_finish (rules, &error));
  return rules;
}

static NkCleanRules *shared_rules;

static void
nk_clean_text (NkCleanDoc *cd, const char *raw, gssize len)
{
  NkCleanOptions opt = NK_CLEAN_OPTIONS_INIT;

  nk_clean_doc_reset (cd);
  nk_clean_doc_add_raw_text (cd, raw, len < 0 ? strlen (raw) : (gsize) len);
  nk_clean_classify (shared_rules, &opt, cd);
}

/* ---- table-driven line cases ---------------------------------------------------------- */

typedef struct {
  char   expect;       /* 'B', 'X', 'M' */
  char  *reason;       /* nullable */
  gsize  raw_start;
} NkExpectLine;

typedef struct {
  char    *name;
  GString *raw;
  GArray  *expect;     /* NkExpectLine */
  GPtrArray *meta;     /* "key\tvalue" */
} NkCase;

static void
nk_case_free (NkCase *c)
{
  g_free (c->name);
  g_string_free (c->raw, TRUE);
  for (guint i = 0; i < c->expect->len; i++)
    g_free (g_array_index (c->expect, NkExpectLine, i).reason);
  g_array_unref (c->expect);
  g_ptr_array_unref (c->meta);
  g_free (c);
}

static GPtrArray *
nk_parse_cases (const char *data)
{
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) nk_case_free);
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  NkCase *c = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (g_str_has_prefix (l, "=== "))
        {
          c = g_new0 (NkCase, 1);
          c->name = g_strdup (l + 4);
          c->raw = g_string_new (NULL);
          c->expect = g_array_new (FALSE, FALSE, sizeof (NkExpectLine));
          c->meta = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (cases, c);
          continue;
        }
      if (c == NULL || l[0] == '#')
        continue;
      if (l[0] == '@')
        {
          const char *sp = strchr (l, ' ');
          g_assert_nonnull (sp);
          g_ptr_array_add (c->meta, g_strdup_printf ("%.*s\t%s", (int) (sp - l - 1), l + 1, sp + 1));
          continue;
        }
      if (c->raw->len > 0 || c->expect->len > 0)
        g_string_append_c (c->raw, '\n');
      if (l[0] == '\0')
        continue;
      const char *bar = strchr (l, '|');
      g_assert_nonnull (bar);
      NkExpectLine e = { l[0], NULL, c->raw->len };
      if (l[1] == ':')
        e.reason = g_strndup (l + 2, bar - l - 2);
      g_array_append_val (c->expect, e);
      g_string_append (c->raw, bar + 1);
    }
  /* the blank line before the next case header is not part of the document */
  for (guint i = 0; i < cases->len; i++)
    {
      NkCase *k = cases->pdata[i];
      while (k->raw->len > 0 && k->raw->str[k->raw->len - 1] == '\n')
        g_string_truncate (k->raw, k->raw->len - 1);
    }
  return cases;
}

static const char *
nk_meta_value (const NkCleanMeta *m, const char *key, GString *tmp)
{
  if (g_str_equal (key, "title")) return m->title;
  if (g_str_equal (key, "publisher")) return m->publisher;
  if (g_str_equal (key, "date")) return m->date;
  if (g_str_equal (key, "dateline")) return m->dateline;
  if (g_str_equal (key, "author")) return m->author;
  if (g_str_equal (key, "dates"))
    {
      g_string_truncate (tmp, 0);
      for (guint i = 0; i < m->dates->len; i++)
        g_string_append_printf (tmp, "%s%s", i ? "," : "", (char *) m->dates->pdata[i]);
      return tmp->len > 0 ? tmp->str : NULL;
    }
  g_error ("unknown meta key %s", key);
  return NULL;
}

static guint
nk_check_case (NkCleanDoc *cd, const NkCase *c)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  guint failures = 0;

  nk_clean_text (cd, c->raw->str, c->raw->len);
  g_assert_cmpuint (cd->lines->len, ==, c->expect->len);
  for (guint i = 0; i < cd->lines->len; i++)
    {
      const NkCleanLine *line = &g_array_index (cd->lines, NkCleanLine, i);
      const NkExpectLine *e = &g_array_index (c->expect, NkExpectLine, i);
      char got = line->cls == NK_CLEAN_BODY ? 'B' : line->cls == NK_CLEAN_META ? 'M' : 'X';

      g_assert_cmpuint (line->raw_start, ==, e->raw_start);
      if (got != e->expect || (e->reason != NULL && g_strcmp0 (e->reason, line->reason) != 0))
        {
          g_printerr ("case %s: line %u “%.*s”: expected %c%s%s, got %c:%s\n", c->name, i,
                      (int) line->text_len, nk_clean_line_text (cd, line), e->expect,
                      e->reason ? ":" : "", e->reason ? e->reason : "", got,
                      line->reason ? line->reason : "");
          failures++;
        }
    }
  for (guint i = 0; i < c->meta->len; i++)
    {
      g_auto (GStrv) kv = g_strsplit (c->meta->pdata[i], "\t", 2);
      const char *want = g_str_equal (kv[1], "-") ? NULL : kv[1];
      const char *got = nk_meta_value (&cd->meta, kv[0], tmp);
      if (g_strcmp0 (want, got) != 0)
        {
          g_printerr ("case %s: meta %s: expected “%s”, got “%s”\n", c->name, kv[0],
                      want ? want : "(unset)", got ? got : "(unset)");
          failures++;
        }
    }
  return failures;
}

static void
test_rules_cases (void)
{
  g_autofree char *data = nk_read_src ("tests/clean/data/cases.txt", NULL);
  g_autoptr (GPtrArray) cases = nk_parse_cases (data);
  NkCleanDoc cd;
  guint failures = 0;

  g_assert_cmpuint (cases->len, >=, 10);
  nk_clean_doc_init (&cd);
  for (guint i = 0; i < cases->len; i++)
    failures += nk_check_case (&cd, cases->pdata[i]);
  nk_clean_doc_clear (&cd);
  g_assert_cmpuint (failures, ==, 0);
}

/* Reads "a<TAB>b<TAB>…" lines of a case file, skipping comments. */
static GPtrArray *
nk_read_table (const char *rel)
{
  g_autofree char *data = nk_read_src (rel, NULL);
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '#')
      g_ptr_array_add (rows, g_strsplit (lines[i], "\t", -1));
  return rows;
}

static void
test_meta_dates (void)
{
  g_autoptr (GPtrArray) rows = nk_read_table ("tests/clean/data/dates.txt");
  guint failures = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      int y, m, d;
      g_autofree char *got = NULL;

      g_assert_nonnull (row[1]);
      if (nk_clean_find_date (row[0], strlen (row[0]), &y, &m, &d, NULL, NULL))
        got = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
      else
        got = g_strdup ("-");
      if (!g_str_equal (got, row[1]))
        {
          g_printerr ("date “%s”: expected %s, got %s\n", row[0], row[1], got);
          failures++;
        }
    }
  g_assert_cmpuint (rows->len, >=, 20);
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_meta_datelines (void)
{
  g_autoptr (GPtrArray) rows = nk_read_table ("tests/clean/data/datelines.txt");
  guint failures = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      g_autofree char *got = nk_meta_dateline (row[0], strlen (row[0]));
      const char *want = g_str_equal (row[1], "-") ? NULL : row[1];
      if (g_strcmp0 (got, want) != 0)
        {
          g_printerr ("dateline “%s”: expected %s, got %s\n", row[0], row[1], got ? got : "-");
          failures++;
        }
    }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_meta_lines (void)
{
  static const char *const kinds[] = { "none", "date", "masthead", "byline" };
  g_autoptr (GPtrArray) rows = nk_read_table ("tests/clean/data/meta-lines.txt");
  guint failures = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      NkMetaLine ml;

      g_assert_cmpuint (g_strv_length (row), ==, 4);
      nk_meta_line_parse (row[0], strlen (row[0]), &ml);
      const char *pub = ml.publisher ? ml.publisher : "-";
      const char *author = ml.author ? ml.author : "-";
      if (!g_str_equal (kinds[ml.kind], row[1]) || !g_str_equal (pub, row[2]) ||
          !g_str_equal (author, row[3]))
        {
          g_printerr ("meta line “%s”: expected %s/%s/%s, got %s/%s/%s\n", row[0], row[1],
                      row[2], row[3], kinds[ml.kind], pub, author);
          failures++;
        }
      nk_meta_line_clear (&ml);
    }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_meta_copyright_owner (void)
{
  static const struct { const char *line; const char *owner; } cases[] = {
    { "Copyright © 2019 The Harbor Ledger, LLC. Click here for reprint permission.", "The Harbor Ledger" },
    { "© 2020 Example Media Group. All rights reserved.", "Example Media" },
    { "Copyright 2018 Valley Courier Inc.", "Valley Courier" },
    { "(c) 2017 The Morning Star", "The Morning Star" },
    { "Copyright © 2019 by the author, all rights reserved", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = nk_meta_copyright_owner (cases[i].line, strlen (cases[i].line));
      g_assert_cmpstr (got, ==, cases[i].owner);
    }
}

/* ---- normalisation and raw offsets ------------------------------------------------------ */

static char *
nk_build (const NkCleanDoc *cd, gboolean keep)
{
  GString *out = g_string_new (NULL);
  nk_clean_doc_build_text (cd, keep, out);
  return g_string_free (out, FALSE);
}

static void
test_text_invalid_bytes (void)
{
  /* windows-1252 curly quotes (0x93/0x94) and a truncated UTF-8 sequence */
  static const char raw[] =
    "Headline Without Punctuation Here\n"
    "\n"
    "The mayor said \x93no\x94 to the plan on Monday, officials confirmed later.\n"
    "\n"
    "A broken sequence \xE2\x80 ends here, and the text goes on as before.\n";
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, sizeof raw - 1);
  g_assert_cmpuint (cd.lines->len, ==, 3);
  g_assert_cmpuint (cd.n_replacements, ==, 3);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==,
                   "The mayor said \xEF\xBF\xBDno\xEF\xBF\xBD to the plan on Monday, officials confirmed later.\n\n"
                   "A broken sequence \xEF\xBF\xBD ends here, and the text goes on as before.");
  /* raw ranges are bytes into the raw input, whatever the repair did */
  const NkCleanLine *l1 = &g_array_index (cd.lines, NkCleanLine, 1);
  const NkCleanLine *l2 = &g_array_index (cd.lines, NkCleanLine, 2);
  g_assert_cmpuint (l1->raw_start, ==, 35);
  g_assert_cmpuint (l1->raw_end, ==, 35 + 69);
  g_assert_cmpuint (raw[l1->raw_end], ==, '\n');
  g_assert_cmpuint (l2->raw_start, ==, l1->raw_end + 2);
  g_assert_cmpuint (raw[l2->raw_end], ==, '\n');
  g_assert_cmpuint (l2->raw_end, ==, sizeof raw - 2);
  /* the headline line was removed: its raw range covers exactly its bytes */
  const NkCleanLine *l0 = &g_array_index (cd.lines, NkCleanLine, 0);
  g_assert_cmpint (l0->cls, ==, NK_CLEAN_META);
  g_assert_cmpuint (l0->raw_start, ==, 0);
  g_assert_cmpuint (l0->raw_end, ==, 33);
  nk_clean_doc_clear (&cd);
}

static void
test_text_controls_and_nul (void)
{
  static const char raw[] =
    "The council\x00met on\x07 Tuesday\x1b and voted\tto approve\x7f the budget for next year.\r\n"
    "\r\n"
    "\xC2\x85Second\xC2\xA0\xC2\xA0paragraph   has \xE2\x80\x8Bspaces and a soft\xC2\xAD hyphen in it today.\r\n";
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, sizeof raw - 1);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (text, ==,
                   "The council met on Tuesday and voted to approve the budget for next year.\n\n"
                   "Second paragraph has spaces and a soft hyphen in it today.");
  g_assert_cmpuint (cd.n_controls, ==, 4);
  const NkCleanLine *l0 = &g_array_index (cd.lines, NkCleanLine, 0);
  g_assert_cmpuint (raw[l0->raw_end], ==, '\r');   /* CR LF is not part of the line */
  nk_clean_doc_clear (&cd);
}

static void
test_text_nfc_and_quotes (void)
{
  /* e + COMBINING ACUTE ACCENT -> é; curly quotes, dashes and the ellipsis stay */
  static const char raw[] =
    "The caf\x65\xCC\x81 owner said \xE2\x80\x9Cwe\xE2\x80\x99re open\xE2\x80\x9D \xE2\x80\x94 and she meant it\xE2\x80\xA6 for now, at least.";
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, -1);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (text, ==,
                   "The caf\xC3\xA9 owner said \xE2\x80\x9Cwe\xE2\x80\x99re open\xE2\x80\x9D \xE2\x80\x94 and she meant it\xE2\x80\xA6 for now, at least.");
  nk_clean_doc_clear (&cd);
}

static void
test_text_paragraphs (void)
{
  static const char raw[] =
    "\n\n  First line of a paragraph that runs on for a while, as paragraphs do.  \n"
    "Its second line continues the same paragraph without a break in between.\n"
    "\n\n\n"
    "A second paragraph comes after several blank lines, which collapse to one.\n\n";
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, -1);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (text, ==,
                   "First line of a paragraph that runs on for a while, as paragraphs do.\n"
                   "Its second line continues the same paragraph without a break in between.\n\n"
                   "A second paragraph comes after several blank lines, which collapse to one.");
  nk_clean_doc_clear (&cd);
}

static void
test_text_lone_cr_and_empty (void)
{
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, "One sentence is here for the test today.\rAnother sentence follows it right away.", -1);
  g_assert_cmpuint (cd.lines->len, ==, 2);
  nk_clean_text (&cd, "", 0);
  g_assert_cmpuint (cd.lines->len, ==, 0);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (text, ==, "");
  nk_clean_text (&cd, " \n\t\n \xE2\x80\x8B \n", -1);
  g_assert_cmpuint (cd.lines->len, ==, 0);
  nk_clean_doc_clear (&cd);
}

static void
test_text_long_line (void)
{
  /* one 50 MB line without sentence punctuation: linear, kept as body */
  GString *raw = g_string_sized_new ((50u << 20) + 64);
  NkCleanDoc cd;

  while (raw->len < (50u << 20))
    g_string_append (raw, "word and more words with the others ");
  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw->str, raw->len);
  g_assert_cmpuint (cd.lines->len, ==, 1);
  g_assert_cmpint (g_array_index (cd.lines, NkCleanLine, 0).cls, ==, NK_CLEAN_BODY);
  /* trailing space trimmed, nothing else changed */
  g_assert_cmpuint (g_array_index (cd.lines, NkCleanLine, 0).text_len, ==, raw->len - 1);
  nk_clean_doc_clear (&cd);
  g_string_free (raw, TRUE);
}

/* A line of nothing but invalid bytes triples in size: the buffer must grow safely. */
static void
test_text_all_invalid (void)
{
  gsize n = 100000;
  char *raw = g_malloc (n);
  NkCleanDoc cd;

  memset (raw, 0xFF, n);
  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, n);
  g_assert_cmpuint (cd.lines->len, ==, 1);
  g_assert_cmpuint (cd.n_replacements, ==, n);
  g_assert_cmpuint (g_array_index (cd.lines, NkCleanLine, 0).text_len, ==, 3 * n);
  g_assert_cmpuint (g_array_index (cd.lines, NkCleanLine, 0).n_chars, ==, n);
  g_assert_true (g_utf8_validate (cd.buf->str, cd.buf->len, NULL));
  nk_clean_doc_clear (&cd);
  g_free (raw);
}

/* Normalisation cases: most lines take a copy-as-is fast path, the rest the general one;
 * both must agree. Each case also runs behind 1..40 bytes of ASCII so that every byte of
 * it falls at every position of the 16-byte blocks the fast path checks at once. */
static const struct { const char *raw, *norm; } nk_norm_cases[] = {
  { "plain ascii words only", "plain ascii words only" },
  { "two  spaces here", "two spaces here" },
  { "tab\there and\v\fthere", "tab here and there" },
  { "   leading and trailing   ", "leading and trailing" },
  { "curly \xE2\x80\x9Cquotes\xE2\x80\x9D and \xE2\x80\x94 dashes\xE2\x80\xA6", "curly \xE2\x80\x9Cquotes\xE2\x80\x9D and \xE2\x80\x94 dashes\xE2\x80\xA6" },
  { "Latin-1 caf\xC3\xA9 \xC2\xA9 2019 na\xC3\xAFve \xC3\xB6", "Latin-1 caf\xC3\xA9 \xC2\xA9 2019 na\xC3\xAFve \xC3\xB6" },
  { "no\xC2\xA0" "break and\xE2\x80\x89thin\xE2\x80\xAFspaces", "no break and thin spaces" },
  { "zero\xE2\x80\x8Bwidth soft\xC2\xADhyphen word\xE2\x81\xA0joiner", "zerowidth softhyphen wordjoiner" },
  { "C1\xC2\x85next\xC2\x9D" "control", "C1 next control" },
  { "combining e\xCC\x81 accent", "combining \xC3\xA9 accent" },
  { "Hangul \xE1\x84\x80\xE1\x85\xA1 jamo", "Hangul \xEA\xB0\x80 jamo" },
  { "invalid \xFF byte and \xE2\x80 cut", "invalid \xEF\xBF\xBD byte and \xEF\xBF\xBD cut" },
  { "overlong \xC0\xAF and surrogate \xED\xA0\x80", "overlong \xEF\xBF\xBD\xEF\xBF\xBD and surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
  { "del\x7F" "char and nul\x01", "del char and nul" },
  { "sixteen bytes ab  x", "sixteen bytes ab x" },
  { "0123456789abcde  after", "0123456789abcde after" },
  { "0123456789abcdef  after", "0123456789abcdef after" },
  { "CJK \xE4\xB8\xAD\xE6\x96\x87 and emoji \xF0\x9F\x98\x80 end", "CJK \xE4\xB8\xAD\xE6\x96\x87 and emoji \xF0\x9F\x98\x80 end" },
  { " \xE2\x80\x83 ", "" },
};

static void
test_text_normalise_cases (void)
{
  NkCleanDoc cd;
  guint failures = 0;

  nk_clean_doc_init (&cd);
  for (guint i = 0; i < G_N_ELEMENTS (nk_norm_cases); i++)
    for (guint pad = 0; pad <= 40; pad++)
      {
        g_autoptr (GString) raw = g_string_new (NULL);
        g_autoptr (GString) want = g_string_new (NULL);

        if (pad > 0)
          {
            for (guint k = 0; k < pad; k++)
              g_string_append_c (raw, 'a' + k % 26);
            g_string_append (want, raw->str);
            g_string_append_c (raw, ' ');
            if (nk_norm_cases[i].norm[0] != '\0')
              g_string_append_c (want, ' ');
          }
        g_string_append (raw, nk_norm_cases[i].raw);
        g_string_append (want, nk_norm_cases[i].norm);

        nk_clean_doc_reset (&cd);
        nk_clean_doc_add_raw_text (&cd, raw->str, raw->len);
        const NkCleanLine *line = cd.lines->len == 1 ? &g_array_index (cd.lines, NkCleanLine, 0) : NULL;
        gsize got_len = line != NULL ? line->text_len : 0;
        const char *got = line != NULL ? nk_clean_line_text (&cd, line) : "";
        guint spaces = 0;
        for (gsize k = 0; k < want->len; k++)
          spaces += want->str[k] == ' ';
        if (want->len == 0 ? cd.lines->len != 0 :
            (line == NULL || got_len != want->len || memcmp (got, want->str, want->len) != 0 ||
             line->n_chars != (guint) g_utf8_strlen (want->str, want->len) ||
             line->n_spaces != spaces))
          {
            g_test_message ("normalise case %u (pad %u): got “%.*s” (%u chars, %u spaces), "
                            "want “%s”", i, pad, (int) got_len, got,
                            line ? line->n_chars : 0, line ? line->n_spaces : 0, want->str);
            failures++;
          }
      }
  nk_clean_doc_clear (&cd);
  g_assert_cmpuint (failures, ==, 0);
}

/* Many plain lines: the copy-as-is path must grow the shared buffer correctly. */
static void
test_text_many_plain_lines (void)
{
  g_autoptr (GString) raw = g_string_new (NULL);
  NkCleanDoc cd;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (raw, "%sLine %u of the growth test has plain words in it, and more words.",
                            i > 0 ? "\n\n" : "", i);
  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw->str, raw->len);
  g_assert_cmpuint (cd.lines->len, ==, 2000);
  g_autofree char *kept = nk_build (&cd, TRUE);
  g_assert_cmpstr (kept, ==, raw->str);
  nk_clean_doc_clear (&cd);
}

static void
test_text_keep_boilerplate (void)
{
  static const char raw[] = "The Big Headline Here\n\nThe body sentence of the article is this one, and it is long enough.\n\nSign up for our newsletter";
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, -1);
  g_autofree char *kept = nk_build (&cd, TRUE);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (kept, ==, raw);
  g_assert_cmpstr (text, ==, "The body sentence of the article is this one, and it is long enough.");
  nk_clean_doc_clear (&cd);
}

/* With the HTML options (the extractor already chose the main content and gave the
 * headline), header and footer lines that no rule rejects stay, and no title is guessed. */
static void
test_rules_html_options (void)
{
  static const char raw[] =
    "A Short Deck Line Without Punctuation\n\n"
    "The council approved the new ferry contract on Tuesday after months of public hearings.\n\n"
    "Photo gallery of the new boats\n\n"
    "Click here to subscribe";
  NkCleanOptions opt = NK_CLEAN_OPTIONS_INIT;
  NkCleanDoc cd;

  opt.find_title = FALSE;
  opt.positional = FALSE;
  nk_clean_doc_init (&cd);
  nk_clean_doc_add_raw_text (&cd, raw, sizeof raw - 1);
  nk_clean_classify (shared_rules, &opt, &cd);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_assert_cmpstr (text, ==,
                   "A Short Deck Line Without Punctuation\n\n"
                   "The council approved the new ferry contract on Tuesday after months of public hearings.\n\n"
                   "Photo gallery of the new boats");
  g_assert_null (cd.meta.title);

  /* the same text as plain text: headline taken, trailing unpunctuated line dropped */
  nk_clean_text (&cd, raw, sizeof raw - 1);
  g_autofree char *text2 = nk_build (&cd, FALSE);
  g_assert_cmpstr (text2, ==,
                   "The council approved the new ferry contract on Tuesday after months of public hearings.");
  g_assert_cmpstr (cd.meta.title, ==, "A Short Deck Line Without Punctuation");
  nk_clean_doc_clear (&cd);
}

/* ---- rules API errors ------------------------------------------------------------------- */

static void
test_rules_errors (void)
{
  /* @where: the file and line the message must start with (comments and blank lines count) */
  static const struct { int kind; const char *data; int code; const char *where; } cases[] = {
    { 0, "the\nTwo Words\n", NK_CLEAN_ERROR_DATA, "t.txt:2: " },
    { 1, "# c\n\nreason\tany\n", NK_CLEAN_ERROR_DATA, "t.txt:3: " },
    { 1, "reason\tsometimes\tclick here\n", NK_CLEAN_ERROR_DATA, "t.txt:1: " },
    { 1, "reason\tany\tClick Here\n", NK_CLEAN_ERROR_DATA, "t.txt:1: " },
    { 2, "reason\tany\t-\t(unclosed\n", NK_CLEAN_ERROR_PATTERN, "t.txt:1: " },
    { 2, "  \nreason\tany\t(x)\n", NK_CLEAN_ERROR_DATA, "t.txt:2: " },
    { 2, "reason\tnever\t-\tx\n", NK_CLEAN_ERROR_DATA, "t.txt:1: " },
    { 2, "reason\tany\tTwo Words\tx\n", NK_CLEAN_ERROR_PATTERN, "t.txt:1: " },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NkCleanRules *rules = nk_clean_rules_new ();
      g_autoptr (GError) error = NULL;
      gsize len = strlen (cases[i].data);
      gboolean ok = cases[i].kind == 0 ? nk_clean_rules_load_stopwords (rules, cases[i].data, len, "t.txt", &error)
                  : cases[i].kind == 1 ? nk_clean_rules_load_phrases (rules, cases[i].data, len, "t.txt", &error)
                  : nk_clean_rules_load_patterns (rules, cases[i].data, len, "t.txt", &error);
      g_assert_false (ok);
      g_assert_error (error, NK_CLEAN_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, cases[i].where));
      nk_clean_rules_free (rules);
    }

  NkCleanRules *rules = nk_clean_rules_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (nk_clean_rules_add_pattern (rules, "pattern", "any", NULL, "[a-", &error));
  g_assert_error (error, NK_CLEAN_ERROR, NK_CLEAN_ERROR_PATTERN);
  nk_clean_rules_free (rules);
}

static void
test_rules_extra_pattern (void)
{
  NkCleanRules *rules = nk_clean_rules_new ();
  g_autoptr (GError) error = NULL;
  NkCleanOptions opt = NK_CLEAN_OPTIONS_INIT;
  NkCleanDoc cd;
  static const char raw[] =
    "The harbour reopened on Friday after a week of storms had kept the fishing fleet in port.\n\n"
    "Sponsored content from our partners appears below this line today.\n\n"
    "Fishermen said the catch would be smaller than usual this season.\n\n"
    "The fishing forecast for the weekend is poor, the harbour master added.";

  g_assert_true (nk_clean_rules_add_pattern (rules, "pattern", "any", NULL, "(?i)^sponsored content", &error));
  /* a triggered pattern only runs on lines holding its trigger word */
  g_assert_true (nk_clean_rules_add_pattern (rules, "weather", "any", "forecast,^storm", "(?i)fishing", &error));
  g_assert_true (nk_clean_rules_finish (rules, &error));
  nk_clean_doc_init (&cd);
  nk_clean_doc_add_raw_text (&cd, raw, sizeof raw - 1);
  nk_clean_classify (rules, &opt, &cd);
  g_assert_cmpuint (cd.lines->len, ==, 4);
  g_assert_cmpint (g_array_index (cd.lines, NkCleanLine, 0).cls, ==, NK_CLEAN_BODY);
  g_assert_cmpint (g_array_index (cd.lines, NkCleanLine, 1).cls, ==, NK_CLEAN_BOILERPLATE);
  g_assert_cmpstr (g_array_index (cd.lines, NkCleanLine, 1).reason, ==, "pattern");
  g_assert_cmpint (g_array_index (cd.lines, NkCleanLine, 2).cls, ==, NK_CLEAN_BODY);
  g_assert_cmpint (g_array_index (cd.lines, NkCleanLine, 3).cls, ==, NK_CLEAN_BOILERPLATE);
  g_assert_cmpstr (g_array_index (cd.lines, NkCleanLine, 3).reason, ==, "weather");
  nk_clean_doc_clear (&cd);
  nk_clean_rules_free (rules);
}

/* The sample article (tests/clean/data/sample-article.txt) written for these tests, with
 * its expected output beside it. */
static void
test_sample_article (void)
{
  g_autofree char *raw = nk_read_src ("tests/clean/data/sample-article.txt", NULL);
  g_autofree char *want = nk_read_src ("tests/clean/data/sample-article.expected", NULL);
  NkCleanDoc cd;

  nk_clean_doc_init (&cd);
  nk_clean_text (&cd, raw, -1);
  g_autofree char *text = nk_build (&cd, FALSE);
  g_strchomp (want);
  g_assert_cmpstr (text, ==, want);
  g_assert_cmpstr (cd.meta.title, ==, "Harbor Bridge Reopens After Two-Year Repair");
  g_assert_cmpstr (cd.meta.author, ==, "Elena Marsh");
  g_assert_cmpstr (cd.meta.date, ==, "2021-06-03");
  g_assert_cmpstr (cd.meta.dateline, ==, "BALTIMORE");
  g_assert_cmpstr (cd.meta.publisher, ==, "The Tidewater Gazette");
  nk_clean_doc_clear (&cd);
}

#ifndef NK_CLEAN_ENGINE_ONLY

/* ---- the stage through the pipeline ------------------------------------------------------ */

static const char *const nk_clean_pipeline = "{\"stages\": [{\"plugin\": \"clean\"}]}";

static JsonArray *
nk_meta_array (NkDocument *doc, const char *key)
{
  JsonNode *node = nk_document_get_meta (doc, key);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static gboolean
nk_has_warning (NkDocument *doc, const char *needle)
{
  for (guint i = 0; i < nk_document_get_n_warnings (doc); i++)
    if (strstr (nk_document_get_warning (doc, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

/* Every meta.removed range must cover exactly one raw line (without its line end). */
static void
nk_check_removed_lines (NkDocument *doc, const char *raw, gsize raw_len, guint expect_n)
{
  JsonArray *removed = nk_meta_array (doc, "removed");

  g_assert_cmpuint (json_array_get_length (removed), ==, expect_n);
  for (guint i = 0; i < json_array_get_length (removed); i++)
    {
      JsonObject *o = json_array_get_object_element (removed, i);
      gint64 start = json_object_get_int_member (o, "start");
      gint64 end = json_object_get_int_member (o, "end");
      g_assert_cmpint (start, <, end);
      g_assert_cmpint (end, <=, (gint64) raw_len);
      g_assert_true (start == 0 || raw[start - 1] == '\n');
      g_assert_true ((gsize) end == raw_len || raw[end] == '\n' || raw[end] == '\r');
      g_assert_nonnull (json_object_get_string_member (o, "reason"));
    }
}

static void
test_stage_sample (void)
{
  g_autofree char *raw = nk_read_src ("tests/clean/data/sample-article.txt", NULL);
  g_autofree char *want = nk_read_src ("tests/clean/data/sample-article.expected", NULL);
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_clean_pipeline, raw);

  g_strchomp (want);
  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==, want);
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==,
                   "Harbor Bridge Reopens After Two-Year Repair");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "date"), ==, "2021-06-03");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "dateline"), ==, "BALTIMORE");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "author"), ==, "Elena Marsh");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "publisher"), ==, "The Tidewater Gazette");
  /* skip-link, title, byline, date, READ MORE, newsletter, social plug, copyright, nav */
  nk_check_removed_lines (doc, raw, strlen (raw), 9);
  JsonObject *first = json_array_get_object_element (nk_meta_array (doc, "removed"), 1);
  g_assert_cmpstr (json_object_get_string_member (first, "reason"), ==, "title");
  g_assert_cmpint (json_object_get_int_member (first, "start"), ==, 21);
  g_assert_false (nk_has_warning (doc, "clean:"));
}

/* Raw bytes in windows-1252 (as the core keeps them when the input is not UTF-8): text gets
 * U+FFFD, meta.removed counts bytes of the raw input. */
static void
test_stage_raw_offsets (void)
{
  static const char raw[] =
    "Caf\xE9 Owners Protest New Rules\n"
    "\n"
    "Owners of the city\x92s caf\xE9s marched on Monday against a rule that limits outdoor seating.\n"
    "\n"
    "Copyright \xA9 2020 The Morning Star\n";
  g_autoptr (NkDocument) doc = nk_document_new ("raw", "raw.txt", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  nk_document_set_text_repair (doc, raw, sizeof raw - 1);
  nk_document_take_raw (doc, g_memdup2 (raw, sizeof raw - 1), sizeof raw - 1);
  g_assert_true (nk_test_process (nk_clean_pipeline, doc, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==,
                   "Owners of the city\xEF\xBF\xBDs caf\xEF\xBF\xBDs marched on Monday against a rule that limits outdoor seating.");
  nk_check_removed_lines (doc, raw, sizeof raw - 1, 2);
  JsonArray *removed = nk_meta_array (doc, "removed");
  JsonObject *last = json_array_get_object_element (removed, 1);
  g_assert_cmpint (json_object_get_int_member (last, "start"), ==, 121);
  g_assert_cmpint (json_object_get_int_member (last, "end"), ==, sizeof raw - 2);
  g_assert_cmpstr (json_object_get_string_member (last, "reason"), ==, "copyright");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==,
                   "Caf\xEF\xBF\xBD Owners Protest New Rules");
}

static void
test_stage_only_boilerplate (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_clean_pipeline,
    "Sign up for our newsletter\n\nClick here to subscribe\n\nRelated Posts\n");
  gsize len = 99;

  nk_document_get_text (doc, &len);
  g_assert_cmpuint (len, ==, 0);
  g_assert_true (nk_has_warning (doc, "only boilerplate"));
  g_assert_cmpuint (json_array_get_length (nk_meta_array (doc, "removed")), ==, 3);
}

static void
test_stage_empty (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_clean_pipeline, "");
  gsize len = 99;

  nk_document_get_text (doc, &len);
  g_assert_cmpuint (len, ==, 0);
  g_assert_false (nk_has_warning (doc, "only boilerplate"));
  g_assert_cmpuint (json_array_get_length (nk_meta_array (doc, "removed")), ==, 0);
}

static void
test_stage_controls (void)
{
  static const char text[] =
    "The committee\x01 met on Tuesday and agreed\x00 on a budget for the coming year.\n";
  g_autoptr (NkDocument) doc = nk_document_new ("ctl", "ctl.txt", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  /* nk_document_set_text () copies with g_strndup (), which stops at a NUL: hand over a
   * copy of all the bytes instead, as the core's input reader does */
  nk_document_take_text (doc, g_memdup2 (text, sizeof text), sizeof text - 1);
  g_assert_true (nk_test_process (nk_clean_pipeline, doc, &error));
  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==,
                   "The committee met on Tuesday and agreed on a budget for the coming year.");
  g_assert_true (nk_has_warning (doc, "2 control characters"));
}

static void
test_stage_keep_boilerplate (void)
{
  static const char text[] =
    "Ferry Deal Clears Council\n\nThe council approved the ferry contract on Tuesday after months of hearings.\n\nSource link";
  g_autoptr (NkDocument) doc = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"keep_boilerplate\": true}}]}", text);

  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==, text);
  g_assert_cmpuint (json_array_get_length (nk_meta_array (doc, "removed")), ==, 2);
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==, "Ferry Deal Clears Council");
}

static void
test_stage_config_patterns (void)
{
  static const char text[] =
    "The harbour reopened on Friday after a week of storms had kept the fleet in port.\n\n"
    "PROMOTED: our partners have a special offer for readers this week only.\n\n"
    "Fishermen said the catch would be smaller than usual this season.";
  g_autoptr (NkDocument) doc = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"patterns\": [\"^PROMOTED:\"]}}]}", text);

  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==,
                   "The harbour reopened on Friday after a week of storms had kept the fleet in port.\n\n"
                   "Fishermen said the catch would be smaller than usual this season.");
  JsonObject *o = json_array_get_object_element (nk_meta_array (doc, "removed"), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "pattern");
}

static void
test_stage_config_phrases (void)
{
  static const char text[] =
    "The harbour reopened on Friday after a week of storms had kept the fleet in port.\n\n"
    "Our partners have a special offer for readers this week, and it is a long sentence.\n\n"
    "Fishermen said the catch would be smaller than usual this season.";
  /* relative paths resolve against the pipeline's folder (tests/data in these tests) */
  g_autoptr (NkDocument) doc = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": "
    "{\"phrases\": \"../clean/data/extra-phrases.txt\"}}]}", text);

  JsonObject *o = json_array_get_object_element (nk_meta_array (doc, "removed"), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "promo");
  g_assert_null (strstr (nk_document_get_text (doc, NULL), "special offer"));
}

static void
test_stage_config_errors (void)
{
  static const char *const bad[] = {
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"patterns\": [\"(unclosed\"]}}]}",
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"short_chars\": 0}}]}",
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"phrases\": \"no-such-file.txt\"}}]}",
    "{\"stages\": [{\"plugin\": \"clean\", \"config\": {\"keep_boilerplate\": 1}}]}",
  };
  static const char *const needle[] = { "patterns[0]", "short_chars", "no-such-file", "keep_boilerplate" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (NkDocument) doc = nk_document_new ("x", "x", NK_FORMAT_TEXT);
      g_autoptr (GError) error = NULL;
      nk_document_set_text (doc, "Some text for the stage to read today.", -1);
      g_assert_false (nk_test_process (bad[i], doc, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, needle[i]) == NULL)
        g_error ("error for case %u does not name %s: %s", i, needle[i], error->message);
    }
}

/* Metadata given with the document (JSONL fields) wins over what the lines suggest. */
static void
test_stage_keeps_given_meta (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("m", "m.jsonl:1", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  nk_document_set_text (doc, "Headline From The Lines\n\nThe body of the story is one sentence long enough to count.", -1);
  nk_document_set_meta_string (doc, "title", "Given Title");
  g_assert_true (nk_test_process (nk_clean_pipeline, doc, &error));
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==, "Given Title");
  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==,
                   "The body of the story is one sentence long enough to count.");
}

static void
test_stage_html (void)
{
  static const char page[] =
    "<!DOCTYPE html><html><head><title>Ferry Deal Clears Council | The Harbor Ledger</title>"
    "<meta property=\"og:title\" content=\"Ferry Deal Clears Council\">"
    "<meta property=\"og:site_name\" content=\"The Harbor Ledger\">"
    "<meta property=\"article:published_time\" content=\"2019-03-05T10:00:00Z\"></head><body>"
    "<nav><a href=\"/\">Home</a> | <a href=\"/news\">News</a></nav>"
    "<article><h1>Ferry Deal Clears Council</h1>"
    "<p>PORTLAND, Maine \xE2\x80\x94 The city council approved a new ferry contract on Tuesday after months of hearings and a long debate about fares.</p>"
    "<p>Supporters said the deal would keep fares steady for island residents, while critics warned that the operator had missed safety inspections twice.</p>"
    "<p>\xE2\x80\x9CIt\xE2\x80\x99s done,\xE2\x80\x9D the council president said after the vote, which ended a dispute that had lasted most of the year.</p>"
    "<p>Sign up for our newsletter</p>"
    "</article><footer>Copyright \xC2\xA9 2019 The Harbor Ledger</footer></body></html>";
  g_autoptr (NkDocument) doc = nk_document_new ("page", "page.html", NK_FORMAT_HTML);
  g_autoptr (GError) error = NULL;

  nk_document_take_raw (doc, g_memdup2 (page, sizeof page - 1), sizeof page - 1);
  g_assert_true (nk_test_process (nk_clean_pipeline, doc, &error));
  g_assert_no_error (error);
  const char *text = nk_document_get_text (doc, NULL);
  g_assert_true (g_str_has_prefix (text, "PORTLAND, Maine \xE2\x80\x94 The city council"));
  g_assert_null (strstr (text, "newsletter"));
  g_assert_null (strstr (text, "Copyright"));
  g_assert_null (strstr (text, "Home"));
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==, "Ferry Deal Clears Council");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "publisher"), ==, "The Harbor Ledger");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "date"), ==, "2019-03-05");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "dateline"), ==, "PORTLAND, Maine");
  /* removed ranges are bytes of the page, sorted */
  JsonArray *removed = nk_meta_array (doc, "removed");
  gint64 last = -1;
  g_assert_cmpuint (json_array_get_length (removed), >, 0);
  for (guint i = 0; i < json_array_get_length (removed); i++)
    {
      JsonObject *o = json_array_get_object_element (removed, i);
      g_assert_cmpint (json_object_get_int_member (o, "start"), >=, last);
      last = json_object_get_int_member (o, "start");
      g_assert_cmpint (json_object_get_int_member (o, "end"), <=, (gint64) sizeof page - 1);
    }
}

static void
test_stage_html_malformed (void)
{
  static const char page[] = "<html><body><p>Unclosed <b>bold <i>text that goes on for a while, \x93quoted\x94 in windows-1252 and never closes";
  g_autoptr (NkDocument) doc = nk_document_new ("bad", "bad.html", NK_FORMAT_HTML);
  g_autoptr (GError) error = NULL;

  nk_document_take_raw (doc, g_memdup2 (page, sizeof page - 1), sizeof page - 1);
  g_assert_true (nk_test_process (nk_clean_pipeline, doc, &error));
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (nk_document_get_text (doc, NULL), -1, NULL));
}

/* ---- the seed articles against the hand-made gold --------------------------------------- */

static char *
nk_norm_line (const char *s)
{
  /* the gold is verbatim; the stage collapses whitespace and applies NFC */
  g_autofree char *nfc = g_utf8_normalize (s, -1, G_NORMALIZE_NFC);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (nfc), " \t", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (out, "%s%s", out->len ? " " : "", words[i]);
  return g_string_free (out, FALSE);
}

static guint
nk_check_seed (JsonObject *gold, const char *seeds_dir)
{
  const char *id = json_object_get_string_member (gold, "id");
  g_autofree char *file = g_strconcat (id, ".txt", NULL);
  g_autofree char *path = g_build_filename (seeds_dir, file, NULL);
  g_autofree char *raw = NULL;
  guint failures = 0;

  g_assert_true (g_file_get_contents (path, &raw, NULL, NULL));
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_clean_pipeline, raw);
  g_auto (GStrv) got = g_strsplit (nk_document_get_text (doc, NULL), "\n", -1);
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; got[i] != NULL; i++)
    if (got[i][0] != '\0')
      g_ptr_array_add (kept, g_strdup (got[i]));

  JsonArray *body = json_object_get_array_member (gold, "body_lines");
  guint n = json_array_get_length (body);
  for (guint i = 0; i < MAX (n, kept->len); i++)
    {
      g_autofree char *want = i < n ? nk_norm_line (json_array_get_string_element (body, i)) : NULL;
      const char *have = i < kept->len ? kept->pdata[i] : NULL;
      if (g_strcmp0 (want, have) != 0)
        {
          g_printerr ("seed %s: body line %u: expected “%.60s”, got “%.60s”\n", id, i,
                      want ? want : "(none)", have ? have : "(none)");
          failures++;
          break;
        }
    }
  static const char *const keys[] = { "title", "publisher", "date", "dateline" };
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      const char *want = json_object_get_null_member (gold, keys[k]) ? NULL
                       : json_object_get_string_member (gold, keys[k]);
      const char *have = nk_document_get_meta_string (doc, keys[k]);
      if (g_strcmp0 (want, have) != 0)
        {
          g_printerr ("seed %s: %s: expected “%s”, got “%s”\n", id, keys[k],
                      want ? want : "(null)", have ? have : "(null)");
          failures++;
        }
    }
  return failures;
}

static void
test_seeds_gold (void)
{
  const char *shared = nk_test_shared_dir ();
  if (shared == NULL)
    {
      g_test_skip ("../shared (seed articles and gold) is not available");
      return;
    }
  g_autofree char *gold_path = g_build_filename (shared, "gold", "clean.jsonl", NULL);
  g_autofree char *seeds = g_build_filename (shared, "corpus", "seeds", NULL);
  g_autofree char *data = NULL;
  guint failures = 0, n = 0;

  g_assert_true (g_file_get_contents (gold_path, &data, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      failures += nk_check_seed (json_node_get_object (json_parser_get_root (parser)), seeds);
      n++;
    }
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (failures, ==, 0);
}

static void
nk_clean_stage_add_tests (void)
{
  g_test_add_func ("/clean/stage/sample", test_stage_sample);
  g_test_add_func ("/clean/stage/raw-offsets", test_stage_raw_offsets);
  g_test_add_func ("/clean/stage/only-boilerplate", test_stage_only_boilerplate);
  g_test_add_func ("/clean/stage/empty", test_stage_empty);
  g_test_add_func ("/clean/stage/controls", test_stage_controls);
  g_test_add_func ("/clean/stage/keep-boilerplate", test_stage_keep_boilerplate);
  g_test_add_func ("/clean/stage/config-patterns", test_stage_config_patterns);
  g_test_add_func ("/clean/stage/config-phrases", test_stage_config_phrases);
  g_test_add_func ("/clean/stage/config-errors", test_stage_config_errors);
  g_test_add_func ("/clean/stage/keeps-given-meta", test_stage_keeps_given_meta);
  g_test_add_func ("/clean/stage/html", test_stage_html);
  g_test_add_func ("/clean/stage/html-malformed", test_stage_html_malformed);
  g_test_add_func ("/clean/seeds/gold", test_seeds_gold);
}
#endif

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  shared_rules = nk_load_rules ();

  g_test_add_func ("/clean/rules/cases", test_rules_cases);
  g_test_add_func ("/clean/rules/errors", test_rules_errors);
  g_test_add_func ("/clean/rules/extra-pattern", test_rules_extra_pattern);
  g_test_add_func ("/clean/rules/sample-article", test_sample_article);
  g_test_add_func ("/clean/rules/html-options", test_rules_html_options);
  g_test_add_func ("/clean/meta/dates", test_meta_dates);
  g_test_add_func ("/clean/meta/datelines", test_meta_datelines);
  g_test_add_func ("/clean/meta/lines", test_meta_lines);
  g_test_add_func ("/clean/meta/copyright-owner", test_meta_copyright_owner);
  g_test_add_func ("/clean/text/invalid-bytes", test_text_invalid_bytes);
  g_test_add_func ("/clean/text/controls-nul", test_text_controls_and_nul);
  g_test_add_func ("/clean/text/nfc-quotes", test_text_nfc_and_quotes);
  g_test_add_func ("/clean/text/paragraphs", test_text_paragraphs);
  g_test_add_func ("/clean/text/lone-cr-empty", test_text_lone_cr_and_empty);
  g_test_add_func ("/clean/text/long-line", test_text_long_line);
  g_test_add_func ("/clean/text/all-invalid", test_text_all_invalid);
  g_test_add_func ("/clean/text/keep-boilerplate", test_text_keep_boilerplate);
  g_test_add_func ("/clean/text/normalise-cases", test_text_normalise_cases);
  g_test_add_func ("/clean/text/many-plain-lines", test_text_many_plain_lines);
#ifndef NK_CLEAN_ENGINE_ONLY
  nk_clean_stage_add_tests ();
#endif

  ret = g_test_run ();
  nk_clean_rules_free (shared_rules);
  return ret;
}
