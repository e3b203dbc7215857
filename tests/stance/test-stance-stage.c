/* test-stance-stage.c — the built nk-stance.so through the core: layers, holders,
 * meta.stance, config errors and the stance-summary sink.
 *
 * SPDX-License-Identifier: MIT
 */
#include "nk-test-util.h"
#include "nk-stance-private.h"
#include "test-stance.h"

#include <math.h>

#include <glib/gstdio.h>
#include <string.h>

#define NK_TARGETS \
  "{\"targets\": [{\"id\": \"diplomacy\", \"terms\": [\"talks\", \"summit\"]}," \
  " {\"id\": \"sanctions\", \"terms\": [\"sanctions\"], \"against_cues\": [\"lift\"]}]}"

static const char nk_pipeline_plain[] =
  "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"stance\", \"config\": "
  NK_TARGETS "}]}";

static const char nk_pipeline_sentiment[] =
  "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"sentiment\"},"
  " {\"plugin\": \"stance\", \"config\": " NK_TARGETS "}]}";

static NkLayer *
nk_stance_layer (NkDocument *doc)
{
  NkLayer *layer = nk_document_get_layer (doc, "stance");
  g_assert_nonnull (layer);
  return layer;
}

static const char *
nk_attr (NkLayer *layer, guint i, const char *name)
{
  int a = nk_layer_find_attr (layer, name);
  g_assert_cmpint (a, >=, 0);
  return nk_layer_has_value (layer, i, (guint) a) ? nk_layer_get_string (layer, i, (guint) a)
                                                  : NULL;
}

/* The evidence of span @i, parsed from the layer's JSON text (the caller frees it). */
static JsonNode *
nk_evidence (NkLayer *layer, guint i)
{
  int a = nk_layer_find_attr (layer, "evidence");
  g_assert_cmpint (a, >=, 0);
  const char *json = nk_layer_get_json_text (layer, i, (guint) a);
  g_assert_nonnull (json);
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return node;
}

static void
test_stage_spans (void)
{
  const char *text = "The talks stalled again. The weather was fine.\n\n"
                     "Officials said the summit made real progress. "
                     "The North wants the sanctions lifted before the talks resume.";
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_pipeline_plain, text);
  NkLayer *layer = nk_stance_layer (doc);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 4);
  static const char *const want[][2] = {
    { "diplomacy", "against" }, { "diplomacy", "favor" },
    { "diplomacy", "neutral" }, { "sanctions", "against" },
  };
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpstr (nk_attr (layer, i, "target"), ==, want[i][0]);
      g_assert_cmpstr (nk_attr (layer, i, "label"), ==, want[i][1]);
    }
  g_autofree char *first = nk_test_span_text (doc, layer, 0);
  g_assert_cmpstr (first, ==, "The talks stalled again.");
  int score = nk_layer_find_attr (layer, "score");
  g_assert_cmpfloat (nk_layer_get_double (layer, 0, (guint) score), <, -0.3);
  g_assert_cmpfloat (nk_layer_get_double (layer, 1, (guint) score), >, 0.3);
  /* evidence: the cue and its effect */
  g_autoptr (JsonNode) ev = nk_evidence (layer, 0);
  JsonObject *obj = json_node_get_object (ev);
  JsonArray *against = json_object_get_array_member (obj, "against");
  g_assert_cmpuint (json_array_get_length (against), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (against, 0), ==, "stalled");
  g_assert_false (json_object_has_member (obj, "favor"));   /* empty lists are left out */
#ifdef NK_STANCE_HAVE_VADER
  /* the module scores the target's clause itself */
  g_assert_cmpfloat (json_object_get_double_member (obj, "sentiment"), <=, 0);
#else
  /* no sentiment stage before stance, so no sentiment */
  g_assert_true (json_object_get_null_member (obj, "sentiment"));
#endif
  g_assert_cmpstr (json_object_get_string_member (obj, "mention"), ==, "term");
}

static void
test_stage_meta (void)
{
  const char *text = "The talks stalled. The summit was a success. Officials said the talks "
                     "would go on.";
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_pipeline_plain, text);
  JsonNode *meta = nk_document_get_meta (doc, "stance");
  g_assert_nonnull (meta);
  JsonObject *d = json_object_get_object_member (json_node_get_object (meta), "diplomacy");
  g_assert_cmpint (json_object_get_int_member (d, "favor"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (d, "against"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (d, "neutral"), ==, 1);
  JsonObject *holders = json_object_get_object_member (d, "holders");
  g_assert_true (json_object_has_member (holders, "(none)"));
  /* declared targets appear with zero counts */
  JsonObject *s = json_object_get_object_member (json_node_get_object (meta), "sanctions");
  g_assert_cmpint (json_object_get_int_member (s, "favor"), ==, 0);
  g_assert_true (json_object_get_null_member (s, "mean_score"));
}

static void
test_stage_sentiment (void)
{
  /* the sentence's compound, from the sentiment layer */
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_pipeline_sentiment,
                                                     "The summit was a wonderful success.");
  NkLayer *layer = nk_stance_layer (doc);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 1);
  g_autoptr (JsonNode) ev_node = nk_evidence (layer, 0);
  JsonObject *ev = json_node_get_object (ev_node);
  NkLayer *senti = nk_document_get_layer (doc, "sentiment");
  g_assert_cmpfloat (json_object_get_double_member (ev, "sentiment"), ==,
                     nk_layer_get_double (senti, 0, (guint) nk_layer_find_attr (senti, "compound")));
  g_assert_cmpstr (nk_attr (layer, 0, "label"), ==, "favor");
#ifdef NK_STANCE_HAVE_VADER
  /* clause_sentiment: the target's clause ("the talks stalled") scored on its own */
  static const char clause[] =
    "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"sentiment\"},"
    " {\"plugin\": \"stance\", \"config\": {\"clause_sentiment\": true, \"targets\": "
    "[{\"id\": \"d\", \"terms\": [\"talks\"]}]}}]}";
  g_autoptr (NkDocument) doc2 = nk_test_process_text (
    clause, "The summit was a wonderful success; but the talks failed badly.");
  layer = nk_stance_layer (doc2);
  g_autoptr (JsonNode) ev_node2 = nk_evidence (layer, 0);
  ev = json_node_get_object (ev_node2);
  g_assert_cmpfloat (json_object_get_double_member (ev, "sentiment"), <, 0);
#endif
}

static void
test_stage_holders (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("h", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  nk_document_set_text (doc, "The talks stalled, Mr. Pompeo said. He said the summit would "
                        "still happen. The summit is planned for June.", -1);
  nk_document_set_meta_string (doc, "publisher", "The Daily Test");
  g_assert_true (nk_test_process (nk_pipeline_plain, doc, &error));
  g_assert_no_error (error);
  NkLayer *layer = nk_stance_layer (doc);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 3);
  g_assert_cmpstr (nk_attr (layer, 0, "holder"), ==, "Pompeo");
  g_assert_cmpstr (nk_attr (layer, 1, "holder"), ==, "Pompeo");   /* "He said" */
  g_assert_cmpstr (nk_attr (layer, 2, "holder"), ==, "The Daily Test");
}

/* With entity and quotes, a quoted sentence's holder is the quote's speaker. */
static void
test_stage_quotes (void)
{
  static const char pipeline[] =
    "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"entity\"},"
    " {\"plugin\": \"quotes\"}, {\"plugin\": \"stance\", \"config\": " NK_TARGETS "}]}";
  g_autoptr (NkDocument) doc = nk_document_new ("q", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  nk_document_set_text (doc, "“The talks made great progress,” Secretary of State Mike Pompeo "
                        "told reporters on Sunday.\n", -1);
  if (!nk_test_process (pipeline, doc, &error))
    {
      g_test_skip (error->message);
      return;
    }
  NkLayer *quotes = nk_document_get_layer (doc, "quotes");
  int speaker = quotes ? nk_layer_find_attr (quotes, "speaker") : -1;
  if (quotes == NULL || nk_layer_get_n_spans (quotes) == 0 || speaker < 0
      || !nk_layer_has_value (quotes, 0, (guint) speaker))
    {
      g_test_skip ("the quotes stage found no attributed quote here");
      return;
    }
  NkLayer *layer = nk_stance_layer (doc);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 1);
  g_assert_cmpstr (nk_attr (layer, 0, "holder"), ==,
                   nk_layer_get_string (quotes, 0, (guint) speaker));
  g_assert_cmpstr (nk_attr (layer, 0, "label"), ==, "favor");
  g_autoptr (JsonNode) ev_node = nk_evidence (layer, 0);
  JsonObject *ev = json_node_get_object (ev_node);
  g_assert_cmpstr (json_object_get_string_member (ev, "holder_source"), ==, "quote");
}

static void
nk_expect_pipeline_error (const char *config, GQuark domain, int code, const char *part)
{
  g_autofree char *json = g_strdup_printf ("{\"stages\": [{\"plugin\": \"segment\"}, "
                                           "{\"plugin\": \"stance\"%s%s}]}",
                                           config ? ", \"config\": " : "",
                                           config ? config : "");
  g_autoptr (NkDocument) doc = nk_document_new ("e", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  nk_document_set_text (doc, "The talks stalled.", -1);
  g_assert_false (nk_test_process (json, doc, &error));
  g_assert_error (error, domain, code);
  if (strstr (error->message, part) == NULL)
    g_error ("error \"%s\" lacks \"%s\"", error->message, part);
}

static void
test_stage_errors (void)
{
  nk_expect_pipeline_error (NULL, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA, "targets");
  nk_expect_pipeline_error ("{\"targets\": []}", NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE,
                            "config.targets: stance needs at least one target");
  nk_expect_pipeline_error ("{\"targets\": [{\"id\": \"x\", \"terms\": []}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE,
                            "config.targets[0].terms");
  nk_expect_pipeline_error ("{\"targets\": [{\"id\": \"x\", \"terms\": [\"a\"], \"bogus\": 1}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA, "bogus");
  nk_expect_pipeline_error ("{\"targets\": [{\"id\": \"x\", \"terms\": \"talks\"}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_SCHEMA, "terms");
  nk_expect_pipeline_error ("{\"targets\": [{\"id\": \"x\", \"terms\": [\"a\"], "
                            "\"context\": \"paragraph\"}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE, "context");
  nk_expect_pipeline_error ("{\"threshold\": 0, \"targets\": [{\"id\": \"x\", \"terms\": [\"a\"]}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE, "config.threshold");
  nk_expect_pipeline_error ("{\"cues\": \"/nonexistent/cues.txt\", \"targets\": "
                            "[{\"id\": \"x\", \"terms\": [\"a\"]}]}",
                            NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE, "cues.txt");
}

static void
test_summary_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nk-stance-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *pipeline = g_build_filename (dir, "p.json", NULL);
  g_autofree char *input = g_build_filename (dir, "in.jsonl", NULL);
  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *export = g_build_filename (dir, "out.jsonl", NULL);
  g_autofree char *json = g_strdup_printf (
    "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"stance\", \"config\": "
    NK_TARGETS "}, {\"plugin\": \"stance-summary\", \"config\": {\"path\": \"summary.json\"}}]}");
  g_assert_true (g_file_set_contents (pipeline, json, -1, &error));
  g_assert_true (g_file_set_contents (input,
    "{\"id\": \"a\", \"text\": \"The talks stalled. The summit was a success.\"}\n"
    "{\"id\": \"b\", \"text\": \"Nothing here.\"}\n"
    "{\"id\": \"c\", \"text\": \"The talks collapsed, Kim said.\"}\n", -1, &error));
  const char *argv[] = { "run", pipeline, input, "--jobs", "1", "--quiet", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = nk_test_run_cli (argv, NULL, &out, &err);
  if (status != 0)
    g_error ("nkpipe run failed (%d): %s", status, err);
  g_autofree char *data = NULL;
  g_assert_true (g_file_get_contents (summary, &data, NULL, &error));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, data, -1, &error));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "documents"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "documents_with_stance"), ==, 2);
  JsonObject *d = json_object_get_object_member (
    json_object_get_object_member (root, "targets"), "diplomacy");
  g_assert_cmpint (json_object_get_int_member (d, "against"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (d, "favor"), ==, 1);
  JsonObject *holders = json_object_get_object_member (d, "holders");
  g_assert_true (json_object_has_member (holders, "Kim"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (holders, "Kim"),
                                               "against"), ==, 1);
  g_remove (summary), g_remove (pipeline), g_remove (input), g_remove (export);
  g_rmdir (dir);
}

/* A document's aggregate after an earlier one with other holders (their name buffers are
 * reused, shorter and longer names alike). */
static void
test_aggregate_reuse (void)
{
  g_autoptr (NkStanceAggregate) agg = nk_stance_aggregate_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  nk_stance_aggregate_declare (agg, "t");
  nk_stance_aggregate_add_declared (agg, 0, "Al", 1, 0.5);
  nk_stance_aggregate_add_declared (agg, 0, "Bo", 2, -0.25);
  nk_stance_aggregate_add_declared (agg, 0, "Bo", 2, -0.75);
  nk_stance_aggregate_append_json (agg, out);
  g_assert_cmpstr (out->str, ==,
                   "{\"t\":{\"favor\":1,\"against\":2,\"neutral\":0,\"mean_score\":-0.1667,"
                   "\"holders\":{\"Bo\":{\"favor\":0,\"against\":2,\"neutral\":0,"
                   "\"mean_score\":-0.5},\"Al\":{\"favor\":1,\"against\":0,\"neutral\":0,"
                   "\"mean_score\":0.5}}}}");
  nk_stance_aggregate_clear (agg);
  nk_stance_aggregate_declare (agg, "t");
  nk_stance_aggregate_add_declared (agg, 0, "Alexander \"the\" Great of Macedon", 0, 0.1);
  nk_stance_aggregate_add_declared (agg, 0, NULL, 1, 1);
  nk_stance_aggregate_add_declared (agg, 0, "Z", 1, 0.5);
  g_string_truncate (out, 0);
  nk_stance_aggregate_append_json (agg, out);
  g_assert_cmpstr (out->str, ==,
                   "{\"t\":{\"favor\":2,\"against\":0,\"neutral\":1,\"mean_score\":0.5333,"
                   "\"holders\":{\"(none)\":{\"favor\":1,\"against\":0,\"neutral\":0,"
                   "\"mean_score\":1.0},\"Alexander \\\"the\\\" Great of Macedon\":{\"favor\":0,"
                   "\"against\":0,\"neutral\":1,\"mean_score\":0.1},\"Z\":{\"favor\":1,"
                   "\"against\":0,\"neutral\":0,\"mean_score\":0.5}}}}");
}

/* What the aggregate must write for one target, built the slow way: holders by
 * decreasing count then name, each tally through the core writers. */
typedef struct {
  const char *name;
  guint64     n[3];
  double      sum;
} NkRefHolder;

static int
nk_ref_holder_cmp (gconstpointer a, gconstpointer b)
{
  const NkRefHolder *x = a, *y = b;
  guint64 nx = x->n[0] + x->n[1] + x->n[2], ny = y->n[0] + y->n[1] + y->n[2];
  if (nx != ny)
    return nx > ny ? -1 : 1;
  return strcmp (x->name, y->name);
}

static void
nk_ref_tally (GString *out, const guint64 *n, double sum)
{
  guint64 total = n[0] + n[1] + n[2];
  g_string_append_printf (out, "\"favor\":%" G_GUINT64_FORMAT ",\"against\":%" G_GUINT64_FORMAT
                          ",\"neutral\":%" G_GUINT64_FORMAT ",\"mean_score\":",
                          n[1], n[2], n[0]);
  if (total > 0)
    nk_json_append_double (out, round (sum / (double) total * 1e4) / 1e4);
  else
    g_string_append (out, "null");
}

/* Many holders (past the linear search, into the hash index), asked in an interleaved
 * order, and a second document with other holders after a reset that keeps the targets. */
static void
test_aggregate_many_holders (void)
{
  g_autoptr (NkStanceAggregate) agg = nk_stance_aggregate_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) want = g_string_new (NULL);
  for (guint doc = 0; doc < 2; doc++)
    {
      NkRefHolder ref[40];
      guint n_ref = doc == 0 ? 40 : 23;
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      if (doc == 0)
        {
          nk_stance_aggregate_declare (agg, "a");
          nk_stance_aggregate_declare (agg, "b\"q");
        }
      else
        nk_stance_aggregate_reset_counts (agg);
      for (guint i = 0; i < n_ref; i++)
        {
          char *name = g_strdup_printf ("%s holder %u%s", doc ? "Other" : "A", (i * 7) % n_ref,
                                        i % 5 == 0 ? " \\ \"x\"" : "");
          g_ptr_array_add (names, name);
          ref[i] = (NkRefHolder) { name, { 0, 0, 0 }, 0 };
        }
      /* holder i gets i % 4 + 1 spans of target "a", in rounds over all holders */
      for (guint round_ = 0; round_ < 4; round_++)
        for (guint i = 0; i < n_ref; i++)
          if (round_ <= i % 4)
            {
              guint label = (i + round_) % 3;
              double score = (label == 1 ? 1 : label == 2 ? -1 : 0) * (0.1 + 0.01 * i);
              guint h = nk_stance_aggregate_holder (agg, ref[i].name, strlen (ref[i].name));
              g_assert_cmpuint (h, ==, nk_stance_aggregate_holder (agg, ref[i].name,
                                                                    strlen (ref[i].name)));
              nk_stance_aggregate_count (agg, 0, h, label, score);
              ref[i].n[label]++;
              ref[i].sum += score;
            }
      g_string_truncate (out, 0);
      nk_stance_aggregate_append_json (agg, out);
      /* the reference: target "a" with its holders, target "b\"q" without spans */
      guint64 all[3] = { 0, 0, 0 };
      double sum = 0;
      for (guint round_ = 0; round_ < 4; round_++)
        for (guint i = 0; i < n_ref; i++)
          if (round_ <= i % 4)
            {
              guint label = (i + round_) % 3;
              all[label]++;
              sum += (label == 1 ? 1 : label == 2 ? -1 : 0) * (0.1 + 0.01 * i);
            }
      qsort (ref, n_ref, sizeof *ref, nk_ref_holder_cmp);
      g_string_assign (want, "{\"a\":{");
      nk_ref_tally (want, all, sum);
      g_string_append (want, ",\"holders\":{");
      for (guint i = 0; i < n_ref; i++)
        {
          if (i > 0)
            g_string_append_c (want, ',');
          nk_json_append_string (want, ref[i].name, -1);
          g_string_append (want, ":{");
          nk_ref_tally (want, ref[i].n, ref[i].sum);
          g_string_append_c (want, '}');
        }
      static const guint64 zero[3] = { 0, 0, 0 };
      g_string_append (want, "}},\"b\\\"q\":{");
      nk_ref_tally (want, zero, 0);
      g_string_append (want, ",\"holders\":{}}}");
      g_assert_cmpstr (out->str, ==, want->str);
    }
}

/* The four-place writers give nk_json_append_double ()'s text of the rounded value. */
static void
test_decimal_writers (void)
{
  g_autoptr (GString) want = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (5);
  for (guint i = 0; i < 200000; i++)
    {
      double x;
      if (i < 40002)
        x = ((double) i - 20001) / 1e4;                 /* every four-place value in [-2, 2] */
      else if (i < 40010)
        x = (double []) { 0.0, -0.0, 99999.9999, -99999.99995, 1e5, -3e7, 0.00005,
                          -0.00005 }[i - 40002];
      else if (i % 2)
        x = g_rand_double_range (rand, -1.5, 1.5);
      else
        x = g_rand_double_range (rand, -2e5, 2e5);
      char buf[32];
      /* nk_stance_round4 is round () to four places */
      double r = nk_stance_round4 (x);
      double ref = round (x * 1e4) / 1e4;
      g_assert_true (memcmp (&r, &ref, sizeof r) == 0);
      g_string_truncate (want, 0);
      nk_json_append_double (want, ref);
      char *end = nk_stance_put_round4 (buf, x);
      if (end != NULL)
        {
          *end = '\0';
          g_assert_cmpstr (buf, ==, want->str);
        }
      else
        g_assert_false (fabs (x) < 1e5);
      end = nk_stance_put_decimal4 (buf, ref);
      if (end != NULL)
        {
          *end = '\0';
          g_assert_cmpstr (buf, ==, want->str);
        }
      else
        g_assert_false (fabs (ref) < 1e5);
      /* a value that is not a four-place decimal is left to the generic writer */
      g_assert_null (nk_stance_put_decimal4 (buf, ref + (ref >= 0 ? 3e-7 : -3e-7)));
    }
  g_rand_free (rand);
}

/* Short words go in place (core's nk_json_copy_plain (), which the evidence writer uses)
 * exactly when nk_json_append_string () would copy them as they are. */
static void
test_plain_words (void)
{
  static const char *const words[] = { "a", "ab", "abc", "abcd", "good", "progress",
    "stalled again", "sixteen bytes!!!", "caf\xc3\xa9", "\"q", "a\\b", "tab\there",
    "nul\0x", "x\x1f", "\xe2\x80\x9cquoted\xe2\x80\x9d", "12345678\"" };
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) want = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      gsize n = i == 12 ? 5 : strlen (words[i]);
      char buf[16];
      gboolean plain = nk_json_copy_plain (buf, words[i], n);
      g_string_truncate (want, 0);
      nk_json_append_string (want, words[i], (gssize) n);
      g_assert_cmpint (plain, ==, want->len == n + 2);
      if (plain)
        g_assert_true (memcmp (buf, words[i], n) == 0);
      g_string_truncate (out, 0);
      nk_json_append_word (out, words[i], n);
      g_assert_cmpstr (out->str, ==, want->str);
      g_assert_true (nk_stance_equal (words[i], words[i], n));
    }
}

void
nk_test_stance_stage_add (void)
{
  g_test_add_func ("/stance/aggregate/reuse", test_aggregate_reuse);
  g_test_add_func ("/stance/aggregate/many-holders", test_aggregate_many_holders);
  g_test_add_func ("/stance/json/decimal", test_decimal_writers);
  g_test_add_func ("/stance/json/plain-words", test_plain_words);
  g_test_add_func ("/stance/stage/spans", test_stage_spans);
  g_test_add_func ("/stance/stage/meta", test_stage_meta);
  g_test_add_func ("/stance/stage/sentiment", test_stage_sentiment);
  g_test_add_func ("/stance/stage/holders", test_stage_holders);
  g_test_add_func ("/stance/stage/quotes", test_stage_quotes);
  g_test_add_func ("/stance/stage/errors", test_stage_errors);
  g_test_add_func ("/stance/summary/file", test_summary_file);
}
