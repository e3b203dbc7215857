/* test-stance-engine.c — the stance rules, on text and sentence spans made here (no core).
 *
 * /stance/cases/labelled runs tests/stance/cases.tsv (hand-labelled sentences written for
 * nkpipe) through the default targets (tests/stance/targets.json) and fails below the
 * thresholds documented at NK_MIN_MACRO_F1. The other paths check one rule each.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "nk-stance-engine.h"
#include "nk-stance-targets.h"
#ifdef NK_STANCE_HAVE_VADER
#include "nk-vader.h"
#endif
#ifdef NK_STANCE_STAGE_TESTS
#include "test-stance.h"
#endif

/* With the shipped cues the labelled set measures diplomacy macro-F1 0.918 and accuracy
 * 0.941 (101 cases, 6 failing, reported by the test). 0.80 leaves room for adding harder
 * cases while still catching a broken rule: without negation the F1 falls to 0.79; contrast
 * and hedging are guarded by their own rule tests below. */
#define NK_MIN_MACRO_F1 0.80
#define NK_MIN_ACCURACY 0.80

typedef struct {
  NkStanceModel   *model;
  NkStanceScratch *scratch;
#ifdef NK_STANCE_HAVE_VADER
  NkVaderLexicon  *vader;
  NkVaderScratch  *vader_scratch;
#endif
} NkFixture;

static NkFixture fixture;

static char *
nk_src_path (const char *relative)
{
  return g_build_filename (NK_TEST_SRCDIR, relative, NULL);
}

static NkStanceModel *
nk_load_model (const char *targets_file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cues_path = nk_src_path ("data/stance/cues.txt");
  g_autofree char *cues = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (cues_path, &cues, &len, &error));
  g_assert_no_error (error);
  g_autoptr (NkStanceModel) model = nk_stance_model_new (NULL);
  g_assert_true (nk_stance_model_load_cues (model, cues, len, "cues.txt", &error));
  g_assert_no_error (error);
  if (targets_file != NULL)
    {
      g_autofree char *path = nk_src_path (targets_file);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_file (parser, path, &error));
      JsonObject *config = json_node_get_object (json_parser_get_root (parser));
      JsonArray *targets = json_object_get_array_member (config, "targets");
      g_assert_true (nk_stance_model_add_targets_json (model, targets, "targets", &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&model);
}

#ifdef NK_STANCE_HAVE_VADER
static double
nk_clause_compound (gpointer data, const char *text, gsize start, gsize end)
{
  NkFixture *f = data;
  NkVaderScores s;
  nk_vader_score (f->vader, f->vader_scratch, text + start, (gssize) (end - start), &s);
  return s.compound;
}

static void
nk_load_vader (NkFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *lex = nk_src_path ("data/sentiment/vader_lexicon.txt");
  g_autofree char *emo = nk_src_path ("data/sentiment/emoji_utf8_lexicon.txt");
  f->vader = nk_vader_lexicon_new (lex, emo, &error);
  g_assert_no_error (error);
  f->vader_scratch = nk_vader_scratch_new ();
}
#endif

/* Each test sentence is a document of its own (diplomacy has document context). */
static guint
nk_analyze (const NkStanceModel *model, const char *text)
{
  nk_stance_scratch_begin_document (fixture.scratch);
#ifdef NK_STANCE_HAVE_VADER
  return nk_stance_analyze (model, fixture.scratch, text, 0, strlen (text),
                            nk_clause_compound, &fixture, NAN);
#else
  return nk_stance_analyze (model, fixture.scratch, text, 0, strlen (text), NULL, NULL, NAN);
#endif
}

static int
nk_target_index (const NkStanceModel *model, const char *id)
{
  for (guint t = 0; t < nk_stance_model_get_n_targets (model); t++)
    if (g_str_equal (nk_stance_model_get_target_id (model, t), id))
      return (int) t;
  return -1;
}

/* The result for @target_id in the last analysis, or NULL. */
static const NkStanceResult *
nk_result_for (const NkStanceModel *model, const char *target_id)
{
  guint n;
  const NkStanceResult *r = nk_stance_scratch_get_results (fixture.scratch, &n);
  int t = nk_target_index (model, target_id);
  g_assert_cmpint (t, >=, 0);
  for (guint i = 0; i < n; i++)
    if (r[i].target == (guint) t)
      return &r[i];
  return NULL;
}

static const char *
nk_label_of (const NkStanceModel *model, const char *text, const char *target_id)
{
  nk_analyze (model, text);
  const NkStanceResult *r = nk_result_for (model, target_id);
  return r ? nk_stance_label_to_string (r->label) : "none";
}

/* Whether the result's evidence has a @kind item covering @word (negated as asked). */
static gboolean
nk_has_evidence (const char *text, const NkStanceResult *r, NkStanceKind kind,
                 const char *word, gboolean negated)
{
  guint n;
  const NkStanceEvidence *ev = nk_stance_scratch_get_evidence (fixture.scratch, &n);
  for (guint i = r->first_evidence; i < r->first_evidence + r->n_evidence; i++)
    if (ev[i].kind == kind && ev[i].negated == negated
        && ev[i].end - ev[i].start == strlen (word)
        && g_ascii_strncasecmp (text + ev[i].start, word, strlen (word)) == 0)
      return TRUE;
  return FALSE;
}

static char *
nk_holder_of (const NkStanceModel *model, const char *text)
{
  gsize a, b, v;
  gboolean pronoun;
  if (!nk_stance_find_reported_speaker (model, fixture.scratch, text, &a, &b, &v, &pronoun))
    return g_strdup ("-");
  return g_strndup (text + a, b - a);
}

/* ---- the labelled set --------------------------------------------------------------- */

typedef struct {
  guint tp[3], fp[3], fn[3];
} NkConfusion;

static int
nk_class (const char *label)
{
  if (g_str_equal (label, "favor"))
    return 0;
  if (g_str_equal (label, "against"))
    return 1;
  return 2;   /* neutral, none */
}

static double
nk_macro_f1 (const NkConfusion *c)
{
  double sum = 0;
  for (int k = 0; k < 3; k++)
    {
      double p = c->tp[k] + c->fp[k] ? (double) c->tp[k] / (c->tp[k] + c->fp[k]) : 0;
      double r = c->tp[k] + c->fn[k] ? (double) c->tp[k] / (c->tp[k] + c->fn[k]) : 0;
      sum += p + r > 0 ? 2 * p * r / (p + r) : 0;
    }
  return sum / 3;
}

static void
test_cases_labelled (void)
{
  g_autofree char *path = nk_src_path ("tests/stance/cases.tsv");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &data, NULL, &error));
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  NkConfusion conf;
  memset (&conf, 0, sizeof conf);
  guint n = 0, right = 0, holders = 0, holders_right = 0, failed = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 4);
      g_assert_cmpuint (g_strv_length (f), ==, 4);
      const char *got = nk_label_of (fixture.model, f[3], f[0]);
      gboolean ok = g_str_equal (got, f[1])
                    || (g_str_equal (f[1], "none") && g_str_equal (got, "neutral"));
      n++;
      right += ok;
      if (g_str_equal (f[0], "diplomacy"))
        {
          int want = nk_class (f[1]), have = nk_class (got);
          if (want == have)
            conf.tp[want]++;
          else
            conf.fn[want]++, conf.fp[have]++;
        }
      gboolean holder_ok = TRUE;
      if (!g_str_equal (f[2], "*"))
        {
          g_autofree char *holder = nk_holder_of (fixture.model, f[3]);
          holder_ok = g_str_equal (holder, f[2]);
          holders++;
          holders_right += holder_ok;
          if (!holder_ok)
            g_test_message ("line %u: holder \"%s\", expected \"%s\": %s", i + 1, holder,
                            f[2], f[3]);
        }
      if (!ok)
        g_test_message ("line %u: %s %s, expected %s: %s", i + 1, f[0], got, f[1], f[3]);
      failed += !ok || !holder_ok;
    }
  double f1 = nk_macro_f1 (&conf), acc = (double) right / n;
  g_test_message ("labelled set: %u cases, accuracy %.3f, diplomacy macro-F1 %.3f, "
                  "holders %u/%u, %u failing", n, acc, f1, holders_right, holders, failed);
  g_printerr ("# stance labelled set: %u cases, accuracy %.3f, diplomacy macro-F1 %.3f, "
              "holders %u/%u\n", n, acc, f1, holders_right, holders);
  g_assert_cmpuint (n, >=, 60);
  g_assert_cmpfloat (f1, >=, NK_MIN_MACRO_F1);
  g_assert_cmpfloat (acc, >=, NK_MIN_ACCURACY);
  g_assert_cmpuint (holders_right, ==, holders);
}

/* ---- one rule each ------------------------------------------------------------------ */

typedef struct {
  const char *text;
  const char *label;
  NkStanceKind kind;     /* evidence expected, NK_STANCE_N_KINDS for none */
  const char *word;
  gboolean negated;
} NkRuleCase;

static void
nk_check_rule_cases (const NkRuleCase *cases, guint n)
{
  guint failed = 0;
  for (guint i = 0; i < n; i++)
    {
      const NkRuleCase *c = &cases[i];
      const char *got = nk_label_of (fixture.model, c->text, "diplomacy");
      const NkStanceResult *r = nk_result_for (fixture.model, "diplomacy");
      gboolean ok = g_str_equal (got, c->label);
      if (ok && c->kind != NK_STANCE_N_KINDS)
        ok = r != NULL && nk_has_evidence (c->text, r, c->kind, c->word, c->negated);
      if (!ok)
        {
          g_test_message ("%s -> %s (%.3f), expected %s with %s \"%s\"", c->text, got,
                          r ? r->score : 0.0, c->label,
                          c->kind < NK_STANCE_N_KINDS ? nk_stance_kind_to_string (c->kind)
                                                      : "-", c->word ? c->word : "");
          failed++;
        }
    }
  g_assert_cmpuint (failed, ==, 0);
}

static void
test_rule_negation (void)
{
  static const NkRuleCase cases[] = {
    { "The talks were not a breakthrough.", "against", NK_STANCE_KIND_FAVOR, "breakthrough", TRUE },
    { "There was no progress at the summit.", "against", NK_STANCE_KIND_FAVOR, "progress", TRUE },
    { "The negotiations haven't stalled.", "favor", NK_STANCE_KIND_AGAINST, "stalled", TRUE },
    { "The envoys failed to hold the meeting.", "against", NK_STANCE_KIND_NEGATOR, "failed to", FALSE },
    { "The summit noted progress.", "favor", NK_STANCE_KIND_FAVOR, "progress", FALSE },
    /* a comma ends the negator's reach */
    { "Not surprisingly, the talks made progress.", "favor", NK_STANCE_KIND_FAVOR, "progress", FALSE },
    /* "not only" is not a negation */
    { "The summit was not only cordial but productive.", "favor", NK_STANCE_KIND_FAVOR, "productive", FALSE },
  };
  nk_check_rule_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rule_contrast (void)
{
  static const NkRuleCase cases[] = {
    { "There were friendly words at the talks, but no concrete steps.", "against", NK_STANCE_KIND_CONTRAST, "but", FALSE },
    { "The talks were tough, but they ended in a real breakthrough.", "favor", NK_STANCE_KIND_FAVOR, "breakthrough", FALSE },
    { "Despite friendly words, the negotiations stalled.", "against", NK_STANCE_KIND_CONCESSIVE, "Despite", FALSE },
    { "Although the talks stalled in spring, they are now making progress.", "favor", NK_STANCE_KIND_FAVOR, "progress", FALSE },
  };
  nk_check_rule_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rule_hedge (void)
{
  /* A hedge shrinks the score: the same cue hedged scores lower. */
  nk_analyze (fixture.model, "The talks will produce a breakthrough.");
  double plain = nk_result_for (fixture.model, "diplomacy")->score;
  nk_analyze (fixture.model, "The talks might produce a breakthrough.");
  const NkStanceResult *r = nk_result_for (fixture.model, "diplomacy");
  g_assert_cmpuint (r->n_hedges, ==, 1);
  g_assert_cmpfloat (r->score, <, plain);
  g_assert_cmpfloat (r->score, >, 0);
  static const NkRuleCase cases[] = {
    { "The talks could possibly resume.", "neutral", NK_STANCE_KIND_HEDGE, "could", FALSE },
    { "The talks may collapse.", "against", NK_STANCE_KIND_HEDGE, "may", FALSE },
  };
  nk_check_rule_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rule_booster (void)
{
  nk_analyze (fixture.model, "The talks made progress.");
  double plain = nk_result_for (fixture.model, "diplomacy")->score;
  nk_analyze (fixture.model, "The talks made significant progress.");
  g_assert_cmpfloat (nk_result_for (fixture.model, "diplomacy")->score, >, plain);
}

static void
test_rule_inflection (void)
{
  static const char *const texts[] = {
    "The negotiation stalled.", "Negotiations are stalling.", "The negotiators' plan stalls.",
    "They negotiated until the process stalled.", "The summits stalled.",
    "The summit’s agenda stalled.",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_cmpstr (nk_label_of (fixture.model, texts[i], "diplomacy"), ==, "against");
  g_assert_cmpstr (nk_label_of (fixture.model, "The TALKS stalled.", "diplomacy"), ==, "against");
  g_assert_cmpstr (nk_label_of (fixture.model, "He talked about stallions.", "sanctions"), ==, "none");
}

static void
test_rule_target_cues (void)
{
  /* A target's own cues count for it only. */
  const char *text = "The North wants the sanctions eased before the talks.";
  g_assert_cmpstr (nk_label_of (fixture.model, text, "sanctions"), ==, "against");
  g_assert_cmpstr (nk_label_of (fixture.model, text, "diplomacy"), ==, "neutral");
  g_assert_cmpuint (nk_analyze (fixture.model, text), ==, 2);
}

static void
test_rule_multiword_term (void)
{
  g_assert_cmpstr (nk_label_of (fixture.model, "Seoul supports an end-of-war declaration.",
                                "end-of-war-declaration"), ==, "favor");
  g_assert_cmpstr (nk_label_of (fixture.model, "Seoul supports an end of war declaration.",
                                "end-of-war-declaration"), ==, "favor");
  g_assert_cmpstr (nk_label_of (fixture.model, "The war did not end.",
                                "end-of-war-declaration"), ==, "none");
  /* dots inside a phrase: "U.S. sanctions" as a term, in text with its abbreviation dot */
  g_autoptr (NkStanceModel) model = nk_load_model (NULL);
  static const char *const terms[] = { "U.S. sanctions", "Mr. Kim", NULL };
  g_assert_cmpint (nk_stance_model_add_target (model, "t", terms, NULL, NULL, "t", NULL), ==, 0);
  g_assert_cmpstr (nk_label_of (model, "The U.S. sanctions failed.", "t"), ==, "against");
  g_assert_cmpstr (nk_label_of (model, "Mr. Kim was optimistic.", "t"), ==, "favor");
  g_assert_cmpstr (nk_label_of (model, "The US sanctions failed.", "t"), ==, "none");
}

static void
test_rule_offsets (void)
{
  /* A sentence inside a longer text: spans and evidence are offsets into that text. */
  const char *text = "First sentence. The talks stalled. Last one.";
  nk_stance_scratch_begin_document (fixture.scratch);
  guint n = nk_stance_analyze (fixture.model, fixture.scratch, text, 16, 34, NULL, NULL, NAN);
  g_assert_cmpuint (n, ==, 1);
  guint ne;
  const NkStanceEvidence *ev = nk_stance_scratch_get_evidence (fixture.scratch, &ne);
  g_assert_cmpuint (ne, ==, 1);
  g_assert_cmpuint (ev[0].start, ==, 26);
  g_assert_cmpuint (ev[0].end, ==, 33);
  /* sentence sentiment is weak evidence when there is no clause scorer */
  nk_stance_scratch_begin_document (fixture.scratch);
  n = nk_stance_analyze (fixture.model, fixture.scratch, "The talks went on.", 0, 18, NULL,
                         NULL, 0.9);
  const NkStanceResult *r = nk_stance_scratch_get_results (fixture.scratch, &n);
  g_assert_cmpfloat (r[0].score, >, 0);
  g_assert_cmpfloat (r[0].sentiment, ==, 0.9);
}

static void
test_rule_document_context (void)
{
  const char *first = "The talks resumed in Hanoi on the sanctions issue.";
  const char *second = "It was a real breakthrough.";
  nk_analyze (fixture.model, first);
  guint n = nk_stance_analyze (fixture.model, fixture.scratch, second, 0, strlen (second),
                               NULL, NULL, NAN);
  /* diplomacy (document context) carries over; sanctions (sentence context) does not */
  g_assert_cmpuint (n, ==, 1);
  const NkStanceResult *r = nk_result_for (fixture.model, "diplomacy");
  g_assert_nonnull (r);
  g_assert_false (r->mentioned);
  g_assert_cmpint (r->label, ==, NK_STANCE_FAVOR);
  /* weaker than the same cue beside a mention */
  double implicit = r->score;
  nk_analyze (fixture.model, "The talks were a real breakthrough.");
  g_assert_cmpfloat (nk_result_for (fixture.model, "diplomacy")->score, >, implicit);
  /* a new document forgets the mention */
  g_assert_cmpuint (nk_analyze (fixture.model, second), ==, 0);
}

static void
test_holder_rules (void)
{
  static const struct { const char *text, *holder; } cases[] = {
    { "The talks stalled, Mr. Pompeo said.", "Pompeo" },
    { "“It went well,” said Secretary of State Mike Pompeo.", "Mike Pompeo" },
    { "According to Kim Yong-chol, the talks stalled.", "Kim Yong-chol" },
    { "Jung Pak, an expert at Brookings, said the talks stalled.", "Jung Pak" },
    { "He said the talks stalled.", "He" },
    { "The talks stalled.", "-" },
    { "The talks stalled, officials said.", "-" },
    { "U.S. officials say Mr. Biegun has been unable to meet his counterpart.", "-" },
    { "The talks, said Mr. Biegun, had stalled.", "Biegun" },
  };
  guint failed = 0;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      nk_analyze (fixture.model, cases[i].text);
      g_autofree char *holder = nk_holder_of (fixture.model, cases[i].text);
      if (!g_str_equal (holder, cases[i].holder))
        {
          g_test_message ("%s -> holder \"%s\", expected \"%s\"", cases[i].text, holder,
                          cases[i].holder);
          failed++;
        }
    }
  g_assert_cmpuint (failed, ==, 0);
}

/* ---- errors ------------------------------------------------------------------------- */

static JsonArray *
nk_parse_array (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
nk_expect_target_error (const char *json, const char *message_part)
{
  g_autoptr (NkStanceModel) model = nk_load_model (NULL);
  g_autoptr (JsonArray) targets = nk_parse_array (json);
  g_autoptr (GError) error = NULL;
  g_assert_false (nk_stance_model_add_targets_json (model, targets, "config.targets", &error));
  g_assert_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG);
  if (strstr (error->message, message_part) == NULL)
    g_error ("error \"%s\" lacks \"%s\"", error->message, message_part);
}

static void
test_error_targets (void)
{
  nk_expect_target_error ("[]", "config.targets: stance needs at least one target");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": []}]", "config.targets[0].terms");
  nk_expect_target_error ("[{\"id\": \"x\"}]", "config.targets[0].terms");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\"\"]}]", "config.targets[0].terms[0]");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\" - \"]}]", "has no words");
  nk_expect_target_error ("[{\"terms\": [\"talks\"]}]", "config.targets[0].id");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\"a\"]}, {\"id\": \"x\", \"terms\": [\"b\"]}]",
                          "config.targets[1].id: target \"x\" is defined twice");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\"a\"], \"favor_cues\": [1]}]",
                          "config.targets[0].favor_cues[0]: expected a string");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\"a b c d e f g\"]}]", "too long");
  nk_expect_target_error ("[\"talks\"]", "config.targets[0]: expected an object");
  nk_expect_target_error ("[{\"id\": \"x\", \"terms\": [\"talks, summit\"]}]",
                          "config.targets[0].terms[0]: phrase \"talks, summit\" holds a comma");
}

static void
test_error_cues (void)
{
  static const struct { const char *data, *message_part; } cases[] = {
    { "favor 1.0 progress\nfavour 1.0 success\n", "cues.txt:2: unknown kind \"favour\"" },
    { "term talks\n", "cues.txt:1: unknown kind \"term\"" },
    { "against 9 stall\n", "cues.txt:1: weight 9 is outside" },
    { "# comment\n\nhedge\n", "cues.txt:3: no phrase" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (NkStanceModel) model = nk_stance_model_new (NULL);
      g_autoptr (GError) error = NULL;
      g_assert_false (nk_stance_model_load_cues (model, cases[i].data, strlen (cases[i].data),
                                                 "cues.txt", &error));
      g_assert_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("error \"%s\" lacks \"%s\"", error->message, cases[i].message_part);
    }
}

static void
test_no_target_no_result (void)
{
  g_assert_cmpuint (nk_analyze (fixture.model, ""), ==, 0);
  g_assert_cmpuint (nk_analyze (fixture.model, "Stalled, failed, collapsed."), ==, 0);
  /* invalid UTF-8 and long words are tolerated */
  const char bad[] = "The talks \xff\xfe stalled "
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.";
  g_assert_cmpuint (nk_analyze (fixture.model, bad), ==, 1);
}

/* The tokenizer's one-pass path for plain ASCII words must give the ids of the general path:
 * the same sentence with a word's ending punctuation swapped for a non-ASCII character of the
 * same token class (which sends that word down the general path) scores the same. Scored
 * without VADER, which does not strip non-ASCII punctuation. */
static double
nk_plain_score (const char *text, guint *n_evidence)
{
  nk_stance_scratch_begin_document (fixture.scratch);
  nk_stance_analyze (fixture.model, fixture.scratch, text, 0, strlen (text), NULL, NULL, NAN);
  const NkStanceResult *r = nk_result_for (fixture.model, "diplomacy");
  *n_evidence = r ? r->n_evidence : G_MAXUINT;
  return r ? r->score : NAN;
}

static void
test_tokenize_fast_path (void)
{
  g_autofree char *w63 = g_strnfill (63, 'q');
  g_autofree char *w64 = g_strnfill (64, 'q');
  g_autofree char *long63 = g_strdup_printf ("The %s talks stalled.", w63);
  g_autofree char *long63u = g_strdup_printf ("The %s\u2026 talks stalled\u2026", w63);
  g_autofree char *long64 = g_strdup_printf ("The %s talks stalled.", w64);
  g_autofree char *long64u = g_strdup_printf ("The %s\u2026 talks stalled\u2026", w64);
  const char *pairs[][2] = {
    { "The talks made progress.", "The talks made progress\u2026" },
    { "Negotiations stalled; officials said so.", "Negotiations stalled\u2014 officials said so\u2026" },
    { "The TALKS STALLED.", "The TALKS STALLED\u2026" },
    { "Summits were not productive.", "Summits\u2026 were\u2026 not\u2026 productive\u2026" },
    { "Envoys agreed to meet in 2019.", "Envoys agreed to meet in 2019\u2026" },
    { long63, long63u },
    { long64, long64u },
    /* curly quotes and dashes after a word, possessives: their own fast paths */
    { "\u201cThe talks made progress,\u201d he said.",
      "\u201cThe\u2026 talks\u2026 made\u2026 progress\u2026,\u201d he\u2026 said\u2026" },
    { "The summit's talks made progress \u2014 real progress.",
      "The summit's\u2026 talks\u2026 made\u2026 progress\u2026 \u2014 real\u2026 progress\u2026" },
    { "Kim\u2019s envoy said the talks\u201d made progress\u2013 at last.",
      "Kim\u2019s\u2026 envoy\u2026 said\u2026 the\u2026 talks\u2026\u201d made\u2026 progress\u2026\u2013 at\u2026 last\u2026" },
    { "The negotiations's progress stalled, the summit\u2019s",
      "The negotiations's\u2026 progress\u2026 stalled\u2026, the\u2026 summit\u2019s\u2026" },
  };
  guint failed = 0;
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      guint n_a, n_b;
      double a = nk_plain_score (pairs[i][0], &n_a);
      double b = nk_plain_score (pairs[i][1], &n_b);
      if (!(a == b || (isnan (a) && isnan (b))) || n_a != n_b)
        {
          g_test_message ("\"%s\" %.4f (%u) vs \"%s\" %.4f (%u)", pairs[i][0], a, n_a,
                          pairs[i][1], b, n_b);
          failed++;
        }
    }
  g_assert_cmpuint (failed, ==, 0);
  /* the cases above are not vacuous: they do find stance */
  guint n;
  g_assert_cmpfloat (nk_plain_score ("The talks made progress.", &n), >, 0.0);
  g_assert_cmpfloat (nk_plain_score (long63, &n), <, 0.0);
}

/* Vocabulary ids fit a token's 16 bits: a model refuses more words than that. */
static void
test_error_vocabulary_full (void)
{
  g_autoptr (NkStanceModel) m = nk_stance_model_new (NULL);
  g_autoptr (GError) error = NULL;
  guint i = 0;
  for (; i < 40000; i++)
    {
      char word[16];
      g_snprintf (word, sizeof word, "zq%ua", i);   /* no two share a stem */
      if (!nk_stance_model_add_phrase (m, NK_STANCE_KIND_FAVOR, -1, 1.0, word, "test", &error))
        break;
    }
  g_assert_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG);
  g_assert_cmpuint (i, >, 32000);
  g_assert_cmpuint (i, <, 32767);
}

/* The tokenizer caches the ids of the words it sees, per scratch: a scratch used with
 * another model, or with a model that has learnt a word since, must not reuse them. */
static void
test_tokenize_word_cache (void)
{
  const char *terms_a[] = { "talks", NULL };
  const char *terms_b[] = { "zorblats", NULL };
  const char *terms_c[] = { "went", NULL };
  const char *text = "The zorblat talks went on and on.";
  g_autoptr (NkStanceModel) a = nk_stance_model_new (NULL);
  g_autoptr (NkStanceModel) b = nk_stance_model_new (NULL);
  g_autoptr (NkStanceScratch) s = nk_stance_scratch_new ();
  g_assert_cmpint (nk_stance_model_add_target (a, "a", terms_a, NULL, NULL, "a", NULL), ==, 0);
  g_assert_cmpint (nk_stance_model_add_target (b, "b", terms_b, NULL, NULL, "b", NULL), ==, 0);
  nk_stance_scratch_begin_document (s);
  g_assert_cmpuint (nk_stance_analyze (a, s, text, 0, strlen (text), NULL, NULL, NAN), ==, 1);
  /* "went" was unknown to a when the scratch saw it */
  g_assert_cmpint (nk_stance_model_add_target (a, "c", terms_c, NULL, NULL, "c", NULL), ==, 1);
  nk_stance_scratch_begin_document (s);
  g_assert_cmpuint (nk_stance_analyze (a, s, text, 0, strlen (text), NULL, NULL, NAN), ==, 2);
  /* and "zorblat" unknown to a, not to b */
  nk_stance_scratch_begin_document (s);
  g_assert_cmpuint (nk_stance_analyze (b, s, text, 0, strlen (text), NULL, NULL, NAN), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  fixture.model = nk_load_model ("tests/stance/targets.json");
  fixture.scratch = nk_stance_scratch_new ();
#ifdef NK_STANCE_HAVE_VADER
  nk_load_vader (&fixture);
#endif
  g_test_add_func ("/stance/cases/labelled", test_cases_labelled);
  g_test_add_func ("/stance/rule/negation", test_rule_negation);
  g_test_add_func ("/stance/rule/contrast", test_rule_contrast);
  g_test_add_func ("/stance/rule/hedge", test_rule_hedge);
  g_test_add_func ("/stance/rule/booster", test_rule_booster);
  g_test_add_func ("/stance/rule/inflection", test_rule_inflection);
  g_test_add_func ("/stance/rule/target-cues", test_rule_target_cues);
  g_test_add_func ("/stance/rule/multiword-term", test_rule_multiword_term);
  g_test_add_func ("/stance/rule/offsets", test_rule_offsets);
  g_test_add_func ("/stance/rule/document-context", test_rule_document_context);
  g_test_add_func ("/stance/tokenize/fast-path", test_tokenize_fast_path);
  g_test_add_func ("/stance/tokenize/word-cache", test_tokenize_word_cache);
  g_test_add_func ("/stance/holder/rules", test_holder_rules);
  g_test_add_func ("/stance/error/targets", test_error_targets);
  g_test_add_func ("/stance/error/cues", test_error_cues);
  g_test_add_func ("/stance/error/vocabulary-full", test_error_vocabulary_full);
  g_test_add_func ("/stance/error/no-target", test_no_target_no_result);
#ifdef NK_STANCE_STAGE_TESTS
  nk_test_stance_stage_add ();
#endif
  int status = g_test_run ();
  nk_stance_scratch_free (fixture.scratch);
  nk_stance_model_free (fixture.model);
#ifdef NK_STANCE_HAVE_VADER
  nk_vader_scratch_free (fixture.vader_scratch);
  nk_vader_lexicon_unref (fixture.vader);
#endif
  return status;
}
