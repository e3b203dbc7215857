/* tests/core/test-pipeline.c — loading and checking pipeline files: every error names the
 * file, the JSON path and what was expected. */
#include "nk-test-util.h"

static NkRegistry *
registry_new (void)
{
  const char *dirs[] = { NK_TEST_FIXTUREDIR, NK_TEST_PLUGINDIR, NULL };

  return nk_registry_new (dirs, NK_TEST_DATADIR);
}

static NkPipeline *
load (NkRegistry *registry, const char *json, GError **error)
{
  return nk_pipeline_load_data (registry, json, -1, "p.json", "/base", error);
}

typedef struct {
  const char *path;      /* test path suffix */
  const char *json;
  int         code;
  const char *message;   /* the whole message, as users see it */
} BadPipeline;

static const BadPipeline bad_pipelines[] = {
  { "syntax", "{\"stages\": [}", NK_PIPELINE_ERROR_SYNTAX,
    "p.json:1:13: expected a value, found '}'" },
  { "syntax-comment", "{\n  // hi\n  \"stages\": []}", NK_PIPELINE_ERROR_SYNTAX,
    "p.json:2:3: expected a member name in double quotes, found a comment ('/'; JSON has no comments)" },
  { "top-not-object", "[1]", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: the top level must be an object {\"name\": ..., \"stages\": [...]}" },
  { "top-unknown-key", "{\"stagse\": []}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stagse: unknown key; did you mean 'stages'? (known keys: name, description, input, stages)" },
  { "name-type", "{\"name\": 3, \"stages\": []}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: name: expected a string" },
  { "no-stages", "{\"name\": \"x\"}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages: expected a list of stages [{\"plugin\": STAGE_TYPE, \"config\": {...}}, ...]" },
  { "empty-stages", "{\"stages\": []}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages: expected at least one stage" },
  { "stage-not-object", "{\"stages\": [\"export\"]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0]: expected an object {\"plugin\": STAGE_TYPE, \"config\": {...}}" },
  { "stage-no-plugin", "{\"stages\": [{\"config\": {}}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0].plugin: expected a stage type name (a string), e.g. \"segment\"" },
  { "stage-misspelt-key", "{\"stages\": [{\"plugin\": \"export\", \"confg\": {}}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0].confg: unknown key; did you mean 'config'? (known keys: plugin, id, config)" },
  { "config-not-object", "{\"stages\": [{\"plugin\": \"export\", \"config\": []}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0].config: expected an object" },
  { "id-type", "{\"stages\": [{\"plugin\": \"export\", \"id\": 1}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0].id: expected a non-empty string" },
  { "config-unknown-key", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"markr\": \"x\"}}]}",
    NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[0].config.markr: unknown key; did you mean 'marker'? (known keys: marker, count, weight, flag, lexicon, targets)" },
  { "config-wrong-type", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"count\": 1.5}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.count: expected an integer, found a number" },
  { "config-bool", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"flag\": \"yes\"}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.flag: expected true or false, found a string" },
  { "config-nested", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"targets\": [{\"id\": \"a\"}, {\"id\": \"b\", \"terms\": \"x\"}]}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.targets[1].terms: expected a list of strings, found a string" },
  { "config-nested-unknown", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"targets\": [{\"id\": \"a\", \"term\": []}]}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.targets[0].term: unknown key; did you mean 'terms'? (known keys: id, terms)" },
  { "config-nested-required", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"targets\": [{\"terms\": []}]}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.targets[0].id: missing required key (expected a string: target id)" },
  { "config-list-item", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"targets\": [{\"id\": \"a\", \"terms\": [\"x\", 2]}]}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.targets[0].terms[1]: expected a string, found an integer" },
  { "config-empty-path", "{\"stages\": [{\"plugin\": \"fixture\", \"config\": {\"lexicon\": \"\"}}]}",
    NK_PIPELINE_ERROR_SCHEMA, "p.json: stages[0].config.lexicon: expected a file path, found an empty string" },
  { "unknown-stage", "{\"stages\": [{\"plugin\": \"segmnt\"}]}", NK_PLUGIN_ERROR_NOT_FOUND,
    "p.json: stages[0].plugin: no plugin provides stage type 'segmnt' (looked for nk-segmnt.so in: *)" },
  { "missing-layer", "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"fixture-needy\"}]}",
    NK_PIPELINE_ERROR_LAYERS,
    "p.json: stages[1] (fixture-needy) requires layer 'sentences', which no earlier stage provides" },
  { "sink-first", "{\"stages\": [{\"plugin\": \"export\"}, {\"plugin\": \"fixture\"}]}", NK_PIPELINE_ERROR_LAYERS,
    "p.json: stages[1] (fixture) is a document stage after the sink stages[0]; sinks see finished documents, so they must come after all document stages" },
  { "duplicate-id", "{\"stages\": [{\"plugin\": \"export\"}, {\"plugin\": \"export\"}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: stages[1]: stage id 'export' is already used by stages[0]; give each stage of the same type its own \"id\"" },
  { "input-type", "{\"input\": {\"paths\": [3]}, \"stages\": [{\"plugin\": \"export\"}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: input.paths[0]: expected a path or glob (a non-empty string)" },
  { "input-key", "{\"input\": {\"path\": []}, \"stages\": [{\"plugin\": \"export\"}]}", NK_PIPELINE_ERROR_SCHEMA,
    "p.json: input.path: unknown key; did you mean 'paths'? (known keys: paths)" },
};

static void
test_bad_pipeline (gconstpointer data)
{
  const BadPipeline *c = data;
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = load (registry, c->json, &error);

  g_assert_null (p);
  g_assert_nonnull (error);
  if (!g_pattern_match_simple (c->message, error->message))
    g_error ("expected: %s\n     got: %s", c->message, error->message);
  g_assert_cmpint (error->code, ==, c->code);
}

static void
test_defaults_and_paths (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = load (registry,
    "{\"name\": \"n\", \"input\": {\"paths\": [\"corpus/*.txt\"]},"
    " \"stages\": [{\"plugin\": \"fixture\", \"config\": {\"lexicon\": \"lex/a.tsv\", \"weight\": 2}},"
    " {\"plugin\": \"export\", \"id\": \"out\"}]}", &error);
  const NkConfig *config;

  g_assert_no_error (error);
  g_assert_cmpstr (nk_pipeline_get_name (p), ==, "n");
  g_assert_cmpuint (nk_pipeline_get_n_stages (p), ==, 2);
  g_assert_cmpstr (nk_pipeline_get_inputs (p)[0], ==, "/base/corpus/*.txt");
  config = nk_pipeline_get_stage_config (p, 0);
  g_assert_cmpstr (nk_config_get_path (config, "lexicon"), ==, "/base/lex/a.tsv");
  g_assert_cmpstr (nk_config_get_string (config, "marker"), ==, "FAIL");
  g_assert_cmpint (nk_config_get_int (config, "count"), ==, 1);
  g_assert_cmpfloat (nk_config_get_double (config, "weight"), ==, 2.0);
  g_assert_false (nk_config_get_bool (config, "flag"));
  g_assert_false (nk_config_has (config, "targets"));
  g_assert_cmpstr (nk_config_get_stage_id (nk_pipeline_get_stage_config (p, 1)), ==, "out");
}

/* Layers nobody downstream reads are reported to the stage that provides them. */
static void
test_layer_demand (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) alone = load (registry, "{\"stages\": [{\"plugin\": \"fixture\"}]}", &error);
  g_autoptr(NkPipeline) all = load (registry,
    "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"export\"}]}", &error);
  g_autoptr(NkPipeline) other = load (registry,
    "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"export\", \"config\": {\"layers\": [\"sentences\"]}}]}", &error);
  g_autoptr(NkPipeline) star = load (registry,
    "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"export\", \"config\": {\"layers\": [\"*\"]}}]}", &error);

  g_assert_no_error (error);
  g_assert_true (nk_config_layer_wanted (nk_pipeline_get_stage_config (alone, 0), "words"));
  g_assert_true (nk_config_layer_wanted (nk_pipeline_get_stage_config (all, 0), "words"));
  g_assert_false (nk_config_layer_wanted (nk_pipeline_get_stage_config (other, 0), "words"));
  g_assert_true (nk_config_layer_wanted (nk_pipeline_get_stage_config (star, 0), "words"));
}

/* Each stage learns which layers earlier stages provide (for layers it uses if present). */
static void
test_layer_available (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = load (registry,
    "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"export\"}]}", &error);
  const NkConfig *first, *second;

  g_assert_no_error (error);
  first = nk_pipeline_get_stage_config (p, 0);
  second = nk_pipeline_get_stage_config (p, 1);
  g_assert_true (nk_config_layer_available (first, "text"));
  g_assert_false (nk_config_layer_available (first, "words"));   /* its own, not earlier */
  g_assert_true (nk_config_layer_available (second, "words"));
  g_assert_false (nk_config_layer_available (second, "sentiment"));
}

static void
test_prepare_fails (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = load (registry, "{\"stages\": [{\"plugin\": \"prepfail\"}]}", &error);

  g_assert_no_error (error);
  g_assert_false (nk_pipeline_prepare (p, &error));
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE);
  g_assert_true (g_pattern_match_simple ("p.json: stages[0] (prepfail): data file 'prepfail/none.txt' not found in *",
                                         error->message));
}

static void
test_override_output (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) none = load (registry, "{\"stages\": [{\"plugin\": \"fixture\"}]}", &error);
  g_autoptr(NkPipeline) two = load (registry,
    "{\"stages\": [{\"plugin\": \"export\", \"id\": \"a\"}, {\"plugin\": \"export\", \"id\": \"b\"}]}", &error);
  g_autoptr(NkPipeline) one = load (registry, "{\"stages\": [{\"plugin\": \"export\"}]}", &error);

  g_assert_no_error (error);
  g_assert_false (nk_pipeline_override_output (none, "x", &error));
  g_assert_true (g_pattern_match_simple ("*-o needs exactly one export stage, but the pipeline has 0*", error->message));
  g_clear_error (&error);
  g_assert_false (nk_pipeline_override_output (two, "x", &error));
  g_assert_true (g_pattern_match_simple ("*has 2*", error->message));
  g_clear_error (&error);
  g_assert_true (nk_pipeline_override_output (one, "/tmp/x.jsonl", &error));
  g_assert_cmpstr (nk_config_get_path (nk_pipeline_get_stage_config (one, 0), "path"), ==, "/tmp/x.jsonl");
}

static void
test_missing_file (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = nk_pipeline_load_file (registry, "/no/such/pipeline.json", &error);

  g_assert_null (p);
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_IO);
  g_assert_true (strstr (error->message, "/no/such/pipeline.json") != NULL);
}

static void
test_worker_failure (void)
{
  g_autoptr(NkRegistry) registry = registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NkPipeline) p = load (registry, "{\"stages\": [{\"plugin\": \"fixture\"}, {\"plugin\": \"fixture\", \"id\": \"second\", \"config\": {\"marker\": \"words\"}}]}", &error);
  g_autoptr(NkWorker) w = nk_worker_new (p, &error);
  g_autoptr(NkDocument) ok = nk_document_new ("ok", NULL, NK_FORMAT_TEXT);
  g_autoptr(NkDocument) bad = nk_document_new ("bad", NULL, NK_FORMAT_TEXT);
  guint failed = 99;

  g_assert_no_error (error);
  nk_document_set_text (ok, "two words", -1);
  nk_document_set_text (bad, "has FAIL in it", -1);
  g_assert_false (nk_worker_process (w, ok, &failed, &error));
  g_assert_cmpuint (failed, ==, 1);
  g_assert_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_false (nk_worker_process (w, bad, &failed, &error));
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpstr (error->message, ==, "found the marker 'FAIL'");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_pipelines); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pipeline/load/%s", bad_pipelines[i].path);
      g_test_add_data_func (path, &bad_pipelines[i], test_bad_pipeline);
    }
  g_test_add_func ("/pipeline/load/defaults-and-paths", test_defaults_and_paths);
  g_test_add_func ("/pipeline/load/missing-file", test_missing_file);
  g_test_add_func ("/pipeline/prepare/fails", test_prepare_fails);
  g_test_add_func ("/pipeline/layer-demand", test_layer_demand);
  g_test_add_func ("/pipeline/layer-available", test_layer_available);
  g_test_add_func ("/pipeline/override-output", test_override_output);
  g_test_add_func ("/pipeline/worker/failure", test_worker_failure);
  return g_test_run ();
}
