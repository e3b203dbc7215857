/* test-sentiment.c — the VADER port (nk-vader.c) against the reference's own scores, rule
 * cases, rounding and error paths; then the `sentiment` stage end to end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nk-test-util.h"
#include "nk-vader.h"

#define NK_TEST_TOLERANCE 0.001

/* The stage's attribute order: neg, neu, pos, compound first. */
#define NK_SENTIMENT_NEG_ATTR      0
#define NK_SENTIMENT_NEU_ATTR      1
#define NK_SENTIMENT_POS_ATTR      2
#define NK_SENTIMENT_COMPOUND_ATTR 3

static NkVaderLexicon *nk_test_vader;

static NkVaderLexicon *
nk_test_load_vader (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *lex = g_build_filename (NK_TEST_DATADIR, "sentiment", "vader_lexicon.txt",
                                           NULL);
  g_autofree char *emoji = g_build_filename (NK_TEST_DATADIR, "sentiment",
                                             "emoji_utf8_lexicon.txt", NULL);
  NkVaderLexicon *vader = nk_vader_lexicon_new (lex, emoji, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vader);
  return vader;
}

static gboolean
nk_test_close (double a,
               double b)
{
  return fabs (a - b) <= NK_TEST_TOLERANCE + 1e-12;
}

static gboolean
nk_test_scores_match (const NkVaderScores *s,
                      const double         expect[4])
{
  return nk_test_close (s->neg, expect[0]) && nk_test_close (s->neu, expect[1]) &&
         nk_test_close (s->pos, expect[2]) && nk_test_close (s->compound, expect[3]);
}

static gboolean
nk_test_parse_numbers (char *const *fields,
                       double       out[4])
{
  for (guint i = 0; i < 4; i++)
    {
      char *end;

      if (fields[i] == NULL)
        return FALSE;
      out[i] = g_ascii_strtod (fields[i], &end);
      if (end == fields[i] || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

/* ---- the reference's scores on 561 sentences --------------------------------------- */

static void
test_vader_dev_scores (void)
{
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *data = NULL;
  g_auto (GStrv) lines = NULL;
  const char *shared = nk_test_shared_dir ();
  guint n_rows = 0, n_bad = 0;

  if (shared == NULL)
    {
      g_test_skip ("../shared (reference/vader/dev_scores.tsv) is not available");
      return;
    }
  path = g_build_filename (shared, "reference", "vader", "dev_scores.tsv", NULL);
  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 1; lines[i]; i++)  /* line 0 is the header */
    {
      g_auto (GStrv) f = NULL;
      NkVaderScores s;
      double expect[4];

      if (lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_true (g_strv_length (f) == 5 && nk_test_parse_numbers (f + 1, expect));
      n_rows++;
      nk_vader_score (nk_test_vader, scratch, f[0], -1, &s);
      if (!nk_test_scores_match (&s, expect))
        {
          n_bad++;
          g_test_message ("dev row %u: %s\n  expected %g %g %g %g, got %g %g %g %g", i, f[0],
                          expect[0], expect[1], expect[2], expect[3],
                          s.neg, s.neu, s.pos, s.compound);
        }
    }
  g_test_message ("%u of %u dev rows match within %g", n_rows - n_bad, n_rows,
                  NK_TEST_TOLERANCE);
  g_assert_cmpuint (n_rows, ==, 561);
  g_assert_cmpuint (n_bad, ==, 0);
}

/* ---- rule cases -------------------------------------------------------------------- */

/* Undoes the escapes of vader-cases.tsv: \t \n \\ \uNNNN. */
static char *
nk_test_unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++)
    {
      if (s[0] != '\\' || s[1] == '\0')
        {
          g_string_append_c (out, *s);
          continue;
        }
      s++;
      if (*s == 't')
        g_string_append_c (out, '\t');
      else if (*s == 'n')
        g_string_append_c (out, '\n');
      else if (*s == 'u' && strlen (s) >= 5)
        {
          char hex[5] = { s[1], s[2], s[3], s[4], 0 };
          g_string_append_unichar (out, (gunichar) strtoul (hex, NULL, 16));
          s += 4;
        }
      else
        g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

static gboolean
nk_test_has_rule (NkVaderScratch *scratch,
                  const char     *rule)
{
  const NkVaderToken *t;
  guint n;

  if (g_str_equal (rule, "plain"))
    return TRUE;
  t = nk_vader_scratch_get_tokens (scratch, &n);
  for (guint i = 0; i < n; i++)
    for (guint r = 0; r < NK_VADER_N_RULES; r++)
      if ((t[i].rules & (1u << r)) && g_str_equal (nk_vader_rule_name (1u << r), rule))
        return TRUE;
  return FALSE;
}

static void
test_vader_rule_cases (void)
{
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nk_test_source_path ("tests/sentiment/vader-cases.tsv");
  g_autofree char *data = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_cases = 0, n_bad = 0;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = NULL;
      g_autofree char *text = NULL;
      NkVaderScores s;
      double expect[4];

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (f) != 6 || !nk_test_parse_numbers (f + 2, expect))
        {
          g_test_message ("%s:%u: malformed case", path, i + 1);
          n_bad++;
          continue;
        }
      n_cases++;
      text = nk_test_unescape (f[1]);
      nk_vader_score (nk_test_vader, scratch, text, -1, &s);
      if (!nk_test_scores_match (&s, expect) || !nk_test_has_rule (scratch, f[0]))
        {
          n_bad++;
          g_test_message ("%s:%u: [%s] %s\n  expected %g %g %g %g, got %g %g %g %g%s", path,
                          i + 1, f[0], f[1], expect[0], expect[1], expect[2], expect[3],
                          s.neg, s.neu, s.pos, s.compound,
                          nk_test_has_rule (scratch, f[0]) ? "" : " (rule not reported)");
        }
    }
  g_assert_cmpuint (n_cases, >, 50);
  g_assert_cmpuint (n_bad, ==, 0);
}

/* ---- tokens, spans, explanations ----------------------------------------------------- */

static void
test_vader_tokens (void)
{
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  /* "'good'" loses its quotes, ":)" is kept whole, the emoji becomes four words. */
  const char *text = "Not 'good' :) \xf0\x9f\x98\x81!";
  const NkVaderToken *t;
  NkVaderScores s;
  guint n;

  nk_vader_score (nk_test_vader, scratch, text, -1, &s);
  t = nk_vader_scratch_get_tokens (scratch, &n);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpuint (s.n_tokens, ==, 8);
  g_assert_cmpmem (t[1].text, t[1].len, "good", 4);
  g_assert_cmpuint (t[1].start, ==, 5);
  g_assert_cmpuint (t[1].end, ==, 9);
  g_assert_true (t[1].in_lexicon);
  g_assert_cmpfloat (t[1].lexicon_valence, ==, 1.9);
  g_assert_cmpfloat (t[1].valence, ==, 1.9 * -0.74);
  g_assert_true (t[1].rules & NK_VADER_RULE_NEGATION);
  g_assert_cmpmem (t[2].text, t[2].len, ":)", 2);
  /* "beaming face with smiling eyes!": every word maps back to the emoji's 4 bytes
   * (the '!' after it is stripped from "eyes!"). */
  g_assert_cmpmem (t[3].text, t[3].len, "beaming", 7);
  g_assert_cmpuint (t[3].start, ==, 14);
  g_assert_cmpuint (t[3].end, ==, 18);
  g_assert_cmpmem (t[7].text, t[7].len, "eyes", 4);
  g_assert_cmpuint (t[7].start, ==, 14);
  g_assert_cmpuint (t[7].end, ==, 18);
  g_assert_cmpfloat (s.punct_amplifier, >, 0.0);
  g_assert_cmpstr (nk_vader_rule_name (NK_VADER_RULE_BUT_AFTER), ==, "but-after");
  g_assert_null (nk_vader_rule_name (NK_VADER_RULE_NONE));
}

/* Words the tokenizer takes without stripping them (most words are in no table) come out
 * stripped as the reference strips them, curly-quoted ones too. */
static void
test_vader_tokens_stripped (void)
{
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  const char *text = "Officials said, \xe2\x80\x9ctalks\xe2\x80\x9d went (well) ok. a, "
                     "Trump\xe2\x80\x99s.";
  static const struct {
    const char *text;
    guint32     start, end;
  } expect[] = {
    { "Officials", 0, 9 }, { "said", 10, 14 },
    { "\xe2\x80\x9ctalks\xe2\x80\x9d", 16, 27 }, { "went", 28, 32 }, { "well", 34, 38 },
    { "ok.", 40, 43 }, { "a,", 44, 46 }, { "Trump\xe2\x80\x99s", 47, 56 },
  };
  const NkVaderToken *t;
  NkVaderScores s;
  guint n;

  nk_vader_score (nk_test_vader, scratch, text, -1, &s);
  t = nk_vader_scratch_get_tokens (scratch, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpmem (t[i].text, t[i].len, expect[i].text, strlen (expect[i].text));
      g_assert_cmpuint (t[i].start, ==, expect[i].start);
      g_assert_cmpuint (t[i].end, ==, expect[i].end);
    }
}

/* A span scores exactly as the same text standalone: nothing past @len is read. */
static void
test_vader_span (void)
{
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  const char *doc = "The talks went well. But the second round failed badly!!";
  NkVaderScores a, b;

  nk_vader_score (nk_test_vader, scratch, doc, 20, &a);
  nk_vader_score (nk_test_vader, scratch, "The talks went well.", -1, &b);
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
  nk_vader_score (nk_test_vader, scratch, doc + 21, -1, &a);
  g_assert_cmpfloat (a.compound, <, -0.5);
  /* A clause's compound from the tokens already scored: "well." alone is +0.2732. */
  nk_vader_score (nk_test_vader, scratch, "The talks went well.", -1, &a);
  g_assert_cmpfloat (nk_vader_scratch_get_range_compound (scratch, 15, 20), ==, 0.2732);
  g_assert_cmpfloat (nk_vader_scratch_get_range_compound (scratch, 0, 14), ==, 0.0);
  nk_vader_score (nk_test_vader, scratch, "", 0, &a);
  g_assert_cmpfloat (a.compound, ==, 0.0);
  g_assert_cmpfloat (a.neu, ==, 0.0);
  g_assert_cmpuint (a.n_tokens, ==, 0);
  /* Invalid UTF-8 must not crash or read out of bounds. */
  nk_vader_score (nk_test_vader, scratch, "good \xe2\x80 \xff\xc2", -1, &a);
  g_assert_cmpfloat (a.compound, >, 0.0);
}

/* The reference's _but_check uses list.index: the value 1.0 left after halving 2.0 is
 * found first, so that position is halved twice and the real 1.0 is left alone. */
static void
test_vader_but_index_quirk (void)
{
  g_autoptr (GError) error = NULL;
  const char lex[] = "alpha\t2.0\t0\t[]\nbeta\t1.0\t0\t[]\n";
  g_autoptr (NkVaderLexicon) tiny = nk_vader_lexicon_new_from_data (lex, strlen (lex), "", 0,
                                                                    &error);
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  const NkVaderToken *t;
  NkVaderScores s;
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (nk_vader_lexicon_get_size (tiny), ==, 2);
  nk_vader_score (tiny, scratch, "alpha beta but x", -1, &s);
  t = nk_vader_scratch_get_tokens (scratch, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (t[0].valence, ==, 0.5);
  g_assert_cmpfloat (t[1].valence, ==, 1.0);
  g_assert_cmpfloat (s.compound, ==, nk_vader_round (1.5 / sqrt (1.5 * 1.5 + 15), 4));
}

/* ---- user lexicons ----------------------------------------------------------------- */

static void
test_vader_user_lexicon (void)
{
  g_autoptr (GError) error = NULL;
  const char user[] = "# domain words\n\nDenuclearization\t1.5\ngood\t-1\nstalled\t-2.5\textra\n";
  g_autoptr (NkVaderLexicon) domain =
    nk_vader_lexicon_new_extended_from_data (nk_test_vader, user, strlen (user), "user.tsv",
                                             &error);
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  const char *text = "The denuclearization talks were good.";
  const NkVaderToken *t;
  NkVaderScores base, dom;
  double v;
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (nk_vader_lexicon_get_size (domain), ==,
                    nk_vader_lexicon_get_size (nk_test_vader) + 1);
  g_assert_true (nk_vader_lexicon_lookup (domain, "DENUCLEARIZATION", -1, &v));
  g_assert_cmpfloat (v, ==, 1.5);
  g_assert_false (nk_vader_lexicon_lookup (nk_test_vader, "denuclearization", -1, NULL));
  g_assert_true (nk_vader_lexicon_lookup (nk_test_vader, "Good", 4, &v));
  g_assert_cmpfloat (v, ==, 1.9);

  nk_vader_score (nk_test_vader, scratch, text, -1, &base);
  nk_vader_score (domain, scratch, text, -1, &dom);
  t = nk_vader_scratch_get_tokens (scratch, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_true (t[1].rules & NK_VADER_RULE_USER_LEXICON);
  g_assert_cmpfloat (t[4].valence, ==, -1.0);
  g_assert_cmpfloat (base.compound, ==, 0.4404);  /* pure VADER: "good" only */
  g_assert_cmpfloat (dom.compound, ==, nk_vader_round (0.5 / sqrt (0.25 + 15), 4));
}

static void
test_vader_errors (void)
{
  g_autoptr (GError) error = NULL;
  const char bad_lex[] = "good\t1.9\t0\t[]\nbroken line\n";
  const char bad_val[] = "good\tvery\t0\n";
  const char bad_emoji[] = "\xf0\x9f\x98\x81\n";
  const char bad_user[] = "kim jong\t1\n";
  const char bad_user_val[] = "word\t1.5x\n";
  NkVaderLexicon *lex;

  lex = nk_vader_lexicon_new ("/nonexistent/vader.txt", "/nonexistent/emoji.txt", &error);
  g_assert_null (lex);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/vader.txt"));
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_from_data (bad_lex, strlen (bad_lex), "", 0, &error);
  g_assert_null (lex);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, ":2:"));
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_from_data (bad_val, strlen (bad_val), "", 0, &error);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE);
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_from_data ("", 0, bad_emoji, strlen (bad_emoji), &error);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "emoji lexicon:1:"));
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_extended_from_data (nk_test_vader, bad_user, strlen (bad_user),
                                                 "user.tsv", &error);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "user.tsv:1:"));
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_extended_from_data (nk_test_vader, bad_user_val,
                                                 strlen (bad_user_val), "user.tsv", &error);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_PARSE);
  g_clear_error (&error);

  lex = nk_vader_lexicon_new_extended (nk_test_vader, "/nonexistent/user.tsv", &error);
  g_assert_null (lex);
  g_assert_error (error, NK_VADER_ERROR, NK_VADER_ERROR_IO);
}

/* ---- rounding ---------------------------------------------------------------------- */

/* Python's round (x, n) equals the nearest double to the correctly rounded decimal, which
 * glibc's printf computes exactly (half-to-even on the binary value). */
static void
test_vader_round (void)
{
  GRand *rand = g_rand_new_with_seed (42);
  guint n_bad = 0;

  g_assert_cmpfloat (nk_vader_round (0.125, 2), ==, 0.12);   /* exact tie: to even */
  g_assert_cmpfloat (nk_vader_round (0.375, 2), ==, 0.38);
  g_assert_cmpfloat (nk_vader_round (0.0005, 3), ==, 0.001); /* 0.0005 is above the tie */
  g_assert_cmpfloat (nk_vader_round (2.675, 2), ==, 2.67);   /* 2.675 is below the tie */
  g_assert_cmpfloat (nk_vader_round (-0.45, 1), ==, -0.5);
  g_assert_cmpfloat (nk_vader_round (0.5, 0), ==, 0.0);
  g_assert_cmpfloat (nk_vader_round (1.5, 0), ==, 2.0);
  for (guint i = 0; i < 200000; i++)
    {
      int digits = 3 + (i & 1);
      double x = g_rand_double_range (rand, -1.0, 1.0);
      char buf[64];

      if (i % 4 == 0)  /* near a tie, the hard part */
        x = (floor (x * 2000) + 0.5) / 2000 + (g_rand_int_range (rand, -3, 4)) * 1e-17;
      g_snprintf (buf, sizeof buf, "%.*f", digits, x);
      if (nk_vader_round (x, digits) != g_ascii_strtod (buf, NULL) && n_bad++ < 10)
        g_test_message ("round (%.17g, %d) = %.17g, printf says %s", x, digits,
                        nk_vader_round (x, digits), buf);
    }
  g_rand_free (rand);
  g_assert_cmpuint (n_bad, ==, 0);
}

/* ---- threads ----------------------------------------------------------------------- */

typedef struct {
  const char *const *texts;
  double             sum;
} NkTestThreadJob;

static gpointer
nk_test_thread_run (gpointer data)
{
  NkTestThreadJob *job = data;
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();

  for (guint round = 0; round < 2000; round++)
    for (guint i = 0; job->texts[i]; i++)
      {
        NkVaderScores s;

        nk_vader_score (nk_test_vader, scratch, job->texts[i], -1, &s);
        job->sum += s.compound;
      }
  return NULL;
}

/* One lexicon, several threads with their own scratch: same results as one thread. */
static void
test_vader_threads (void)
{
  static const char *const texts[] = {
    "The talks were NOT good at all!!", "A kind of hopeful, but fragile, deal \xf0\x9f\x98\x81",
    "no progress or help", "Never so good.", NULL,
  };
  NkTestThreadJob jobs[3] = { { texts, 0 }, { texts, 0 }, { texts, 0 } };
  GThread *threads[2];

  nk_test_thread_run (&jobs[0]);
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("vader", nk_test_thread_run, &jobs[i + 1]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpfloat (jobs[1].sum, ==, jobs[0].sum);
  g_assert_cmpfloat (jobs[2].sum, ==, jobs[0].sum);
}

/* ---- the stage --------------------------------------------------------------------- */

static const char *nk_test_pipeline = "{\"stages\": [{\"plugin\": \"segment\"}, "
                                       "{\"plugin\": \"sentiment\"}]}";

static NkLayer *
nk_test_get_layer (NkDocument *doc,
                   const char *name)
{
  NkLayer *layer = nk_document_get_layer (doc, name);

  g_assert_nonnull (layer);
  return layer;
}

/* One span per sentence, same offsets, scores equal to the sentence scored alone. */
static void
test_stage_layer (void)
{
  const char *text = "The talks went well. But the second round failed badly!\n\nNo comment.";
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_test_pipeline, text);
  g_autoptr (NkVaderScratch) scratch = nk_vader_scratch_new ();
  NkLayer *sent = nk_test_get_layer (doc, "sentences");
  NkLayer *layer = nk_test_get_layer (doc, "sentiment");
  const NkSpan *a, *b;
  guint na, nb;
  int compound = nk_layer_find_attr (layer, "compound");

  a = nk_layer_get_spans (sent, &na);
  b = nk_layer_get_spans (layer, &nb);
  g_assert_cmpuint (na, ==, 3);
  g_assert_cmpuint (nb, ==, na);
  g_assert_cmpint (compound, >=, 0);
  g_assert_cmpint (nk_layer_find_attr (layer, "domain_compound"), <, 0);
  g_assert_cmpint (nk_layer_find_attr (layer, "explain"), <, 0);
  for (guint i = 0; i < na; i++)
    {
      g_autofree char *span = nk_test_span_text (doc, sent, i);
      NkVaderScores s;

      g_assert_cmpuint (a[i].start, ==, b[i].start);
      g_assert_cmpuint (a[i].end, ==, b[i].end);
      nk_vader_score (nk_test_vader, scratch, span, -1, &s);
      g_assert_cmpfloat (nk_layer_get_double (layer, i, compound), ==, s.compound);
      g_assert_cmpfloat (nk_layer_get_double (layer, i, nk_layer_find_attr (layer, "neg")), ==,
                         s.neg);
      g_assert_cmpfloat (nk_layer_get_double (layer, i, nk_layer_find_attr (layer, "neu")), ==,
                         s.neu);
      g_assert_cmpfloat (nk_layer_get_double (layer, i, nk_layer_find_attr (layer, "pos")), ==,
                         s.pos);
    }
  g_assert_cmpfloat (nk_layer_get_double (layer, 0, compound), >, 0.05);
  g_assert_cmpfloat (nk_layer_get_double (layer, 1, compound), <, -0.05);
}

static void
nk_test_assert_meta (NkDocument *doc,
                     gboolean    has_mean,
                     double      mean,
                     gint64      positive,
                     gint64      negative,
                     gint64      neutral)
{
  JsonNode *node = nk_document_get_meta (doc, "sentiment");
  JsonObject *meta;

  g_assert_nonnull (node);
  meta = json_node_get_object (node);
  if (has_mean)
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (meta, "mean_compound"), mean,
                                    1e-4);
  else
    g_assert_true (json_object_get_null_member (meta, "mean_compound"));
  g_assert_cmpint (json_object_get_int_member (meta, "positive"), ==, positive);
  g_assert_cmpint (json_object_get_int_member (meta, "negative"), ==, negative);
  g_assert_cmpint (json_object_get_int_member (meta, "neutral"), ==, neutral);
}

static void
test_stage_meta (void)
{
  g_autoptr (NkDocument) doc =
    nk_test_process_text (nk_test_pipeline, "A good day. A bad day. A day. Another good day.");
  g_autoptr (NkDocument) empty = nk_test_process_text (nk_test_pipeline, "");
  NkLayer *layer = nk_test_get_layer (doc, "sentiment");
  int compound = nk_layer_find_attr (layer, "compound");
  double sum = 0;

  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 4);
  for (guint i = 0; i < 4; i++)
    sum += nk_layer_get_double (layer, i, compound);
  nk_test_assert_meta (doc, TRUE, sum / 4, 2, 1, 1);
  g_assert_cmpuint (nk_layer_get_n_spans (nk_test_get_layer (empty, "sentiment")), ==, 0);
  nk_test_assert_meta (empty, FALSE, 0, 0, 0, 0);
}

static void
test_stage_explain (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"segment\"}, "
    "{\"plugin\": \"sentiment\", \"config\": {\"explain\": true}}]}",
    "The talks were not very good, but hopes remain!");
  NkLayer *layer = nk_test_get_layer (doc, "sentiment");
  int explain = nk_layer_find_attr (layer, "explain");
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *list;
  JsonObject *good = NULL;

  g_assert_cmpint (explain, >=, 0);
  /* the stage writes the list as JSON text */
  g_assert_nonnull (nk_layer_get_json_text (layer, 0, explain));
  node = json_from_string (nk_layer_get_json_text (layer, 0, explain), &error);
  g_assert_no_error (error);
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (o, "token"), "good"))
        good = o;
    }
  g_assert_nonnull (good);
  g_assert_cmpfloat (json_object_get_double_member (good, "lexicon"), ==, 1.9);
  g_assert_cmpfloat (json_object_get_double_member (good, "valence"), <, 0);
  json = json_to_string (json_object_get_member (good, "rules"), FALSE);
  g_assert_cmpstr (json, ==, "[\"negation\",\"booster\",\"but-before\"]");
  /* The last entry is the '!' emphasis. */
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (list, json_array_get_length (list) - 1),
                     "token"), ==, "!?");
}

static void
test_stage_user_lexicon (void)
{
  g_autofree char *path = nk_test_source_path ("tests/sentiment/user-lexicon.tsv");
  g_autofree char *json = g_strdup_printf (
    "{\"stages\": [{\"plugin\": \"segment\"}, "
    "{\"plugin\": \"sentiment\", \"config\": {\"lexicon\": \"%s\"}}]}", path);
  const char *text = "Denuclearization talks have stalled.";
  g_autoptr (NkDocument) doc = nk_test_process_text (json, text);
  g_autoptr (NkDocument) plain = nk_test_process_text (nk_test_pipeline, text);
  NkLayer *layer = nk_test_get_layer (doc, "sentiment");
  NkLayer *pure = nk_test_get_layer (plain, "sentiment");
  int domain = nk_layer_find_attr (layer, "domain_compound");
  JsonObject *meta;

  g_assert_cmpint (domain, >=, 0);
  g_assert_cmpfloat (nk_layer_get_double (layer, 0, nk_layer_find_attr (layer, "compound")), ==,
                     nk_layer_get_double (pure, 0, nk_layer_find_attr (pure, "compound")));
  g_assert_cmpfloat (nk_layer_get_double (layer, 0, domain), !=,
                     nk_layer_get_double (layer, 0, nk_layer_find_attr (layer, "compound")));
  meta = json_node_get_object (nk_document_get_meta (doc, "sentiment"));
  g_assert_true (json_object_has_member (meta, "domain_mean_compound"));
}

static void
test_stage_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NkDocument) doc = nk_document_new ("t", "t", NK_FORMAT_TEXT);
  g_autofree char *bad = nk_test_source_path ("tests/sentiment/vader-cases.tsv");
  g_autofree char *json = NULL;

  nk_document_set_text (doc, "Fine.", -1);
  g_assert_false (nk_test_process (
    "{\"stages\": [{\"plugin\": \"segment\"}, "
    "{\"plugin\": \"sentiment\", \"config\": {\"lexicon\": \"/nonexistent/user.tsv\"}}]}",
    doc, &error));
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE);
  g_assert_nonnull (strstr (error->message, "config.lexicon"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/user.tsv"));
  g_clear_error (&error);

  /* A file that is not word<TAB>valence: the message names file and line. */
  json = g_strdup_printf ("{\"stages\": [{\"plugin\": \"segment\"}, "
                          "{\"plugin\": \"sentiment\", \"config\": {\"lexicon\": \"%s\"}}]}",
                          bad);
  g_assert_false (nk_test_process (json, doc, &error));
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE);
  g_assert_nonnull (strstr (error->message, "vader-cases.tsv:"));
  g_clear_error (&error);

  g_assert_false (nk_test_process ("{\"stages\": [{\"plugin\": \"sentiment\"}]}", doc, &error));
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_LAYERS);
}

/* The held-out protocol: each dev sentence as its own document through segment ->
 * sentiment. Where segment keeps it one sentence, all four values must match. */
static void
test_stage_dev_scores (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *data = NULL;
  g_auto (GStrv) lines = NULL;
  const char *shared = nk_test_shared_dir ();
  guint n_rows = 0, n_single = 0, n_bad = 0;

  if (shared == NULL)
    {
      g_test_skip ("../shared (reference/vader/dev_scores.tsv) is not available");
      return;
    }
  path = g_build_filename (shared, "reference", "vader", "dev_scores.tsv", NULL);
  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 1; lines[i]; i++)
    {
      g_auto (GStrv) f = NULL;
      g_autoptr (NkDocument) doc = NULL;
      NkLayer *layer;
      NkVaderScores s;
      double expect[4];

      if (lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_true (nk_test_parse_numbers (f + 1, expect));
      n_rows++;
      doc = nk_test_process_text (nk_test_pipeline, f[0]);
      layer = nk_test_get_layer (doc, "sentiment");
      if (nk_layer_get_n_spans (layer) != 1)
        continue;
      n_single++;
      s.neg = nk_layer_get_double (layer, 0, NK_SENTIMENT_NEG_ATTR);
      s.neu = nk_layer_get_double (layer, 0, NK_SENTIMENT_NEU_ATTR);
      s.pos = nk_layer_get_double (layer, 0, NK_SENTIMENT_POS_ATTR);
      s.compound = nk_layer_get_double (layer, 0, NK_SENTIMENT_COMPOUND_ATTR);
      if (!nk_test_scores_match (&s, expect))
        {
          n_bad++;
          g_test_message ("dev row %u through segment: %s\n  expected %g %g %g %g, got %g %g "
                          "%g %g", i, f[0], expect[0], expect[1], expect[2], expect[3],
                          s.neg, s.neu, s.pos, s.compound);
        }
    }
  g_test_message ("segment kept %u of %u dev rows one sentence; %u of those match", n_single,
                  n_rows, n_single - n_bad);
  g_assert_cmpuint (n_bad, ==, 0);
}

static void
nk_test_add_stage_tests (void)
{
  g_test_add_func ("/sentiment/stage/layer", test_stage_layer);
  g_test_add_func ("/sentiment/stage/meta", test_stage_meta);
  g_test_add_func ("/sentiment/stage/explain", test_stage_explain);
  g_test_add_func ("/sentiment/stage/user-lexicon", test_stage_user_lexicon);
  g_test_add_func ("/sentiment/stage/errors", test_stage_errors);
  g_test_add_func ("/sentiment/stage/dev-scores", test_stage_dev_scores);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  nk_test_vader = nk_test_load_vader ();

  g_test_add_func ("/sentiment/vader/dev-scores", test_vader_dev_scores);
  g_test_add_func ("/sentiment/vader/rule-cases", test_vader_rule_cases);
  g_test_add_func ("/sentiment/vader/tokens", test_vader_tokens);
  g_test_add_func ("/sentiment/vader/tokens-stripped", test_vader_tokens_stripped);
  g_test_add_func ("/sentiment/vader/span", test_vader_span);
  g_test_add_func ("/sentiment/vader/but-index-quirk", test_vader_but_index_quirk);
  g_test_add_func ("/sentiment/vader/user-lexicon", test_vader_user_lexicon);
  g_test_add_func ("/sentiment/vader/errors", test_vader_errors);
  g_test_add_func ("/sentiment/vader/round", test_vader_round);
  g_test_add_func ("/sentiment/vader/threads", test_vader_threads);
  nk_test_add_stage_tests ();

  ret = g_test_run ();
  nk_vader_lexicon_unref (nk_test_vader);
  return ret;
}
