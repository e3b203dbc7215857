/* tests/core/test-cli.c — the nkpipe command as users run it: verbs, inputs, outputs,
 * failures and exit statuses. */
#include "nk-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>

typedef struct {
  char *dir;
  char *pipeline;     /* fixture -> export to stdout */
} Fixture;

static void
write_file (const char *dir, const char *name, const char *data, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("nk-cli-XXXXXX", NULL);
  write_file (f->dir, "p.json",
              "{\"name\": \"t\", \"input\": {\"paths\": [\"in\"]}, \"stages\": ["
              "{\"plugin\": \"fixture\"}, {\"plugin\": \"export\", \"config\": {\"layers\": [\"words\"]}}]}", -1);
  f->pipeline = g_build_filename (f->dir, "p.json", NULL);
  {
    g_autofree char *in = g_build_filename (f->dir, "in", NULL);
    g_mkdir (in, 0755);
    write_file (in, "b.txt", "Kim’s “deal” é\n", -1);
    write_file (in, "a.txt", "Plain text here.\n", -1);
    write_file (in, "ignored.pdf", "%PDF", -1);
  }
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->pipeline);
}

static int
run (const char *const *argv, const char *stdin_data, char **out, char **err)
{
  int status = nk_test_run_cli (argv, stdin_data, out, err);
  g_test_message ("nkpipe %s ... -> %d", argv[0], status);
  return status;
}

#define FIX "--plugin-path", NK_TEST_FIXTUREDIR

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' not found in:\n%s", needle, haystack);
}

static void
test_version_and_help (void)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *out3 = NULL;

  g_assert_cmpint (run ((const char *[]) { "--version", NULL }, NULL, &out, NULL), ==, 0);
  assert_contains (out, "nkpipe 0.");
  assert_contains (out, "plugin ABI 1.0");
  g_assert_cmpint (run ((const char *[]) { "--help", NULL }, NULL, &out2, NULL), ==, 0);
  for (const char *const *v = (const char *[]) { "run", "validate", "plugins", "describe", "Exit status", NULL }; *v; v++)
    assert_contains (out2, *v);
  g_assert_cmpint (run ((const char *[]) { "help", "run", NULL }, NULL, &out3, NULL), ==, 0);
  for (const char *const *v = (const char *[]) { "--jobs", "--output", "--errors", "--quiet", "--plugin-path", "--manifest", "130", NULL }; *v; v++)
    assert_contains (out3, *v);
  g_assert_cmpint (run ((const char *[]) { "frobnicate", NULL }, NULL, NULL, &err), ==, 2);
  assert_contains (err, "unknown verb 'frobnicate'");
  g_assert_cmpint (run ((const char *[]) { NULL }, NULL, NULL, NULL), ==, 2);
}

static void
test_run_text_files (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) doc = NULL;
  JsonArray *words;
  JsonObject *w1;

  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "--jobs", "2", NULL }, NULL, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* two documents and the final "" */
  assert_contains (lines[0], "\"id\":\"a\"");
  assert_contains (lines[1], "\"id\":\"b\"");
  assert_contains (err, "2 documents, 0 failed");
  doc = json_from_string (lines[1], NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (doc), "meta"), "fixture"), ==, "seen");
  g_assert_true (json_node_get_node_type (json_object_get_member (json_object_get_object_member (json_node_get_object (doc), "meta"), "title")) == JSON_NODE_NULL);
  words = json_object_get_array_member (json_object_get_object_member (json_node_get_object (doc), "layers"), "words");
  g_assert_cmpuint (json_array_get_length (words), ==, 3);
  /* "Kim’s “deal” é": offsets are code points, so Python's text[start:end] works. */
  w1 = json_array_get_object_element (words, 1);
  g_assert_cmpint (json_object_get_int_member (w1, "start"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (w1, "end"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (w1, "upper"), ==, "“DEAL”");
  g_assert_cmpint (json_object_get_int_member (w1, "len"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (w1, "next"), ==, 13);
  g_assert_false (json_object_get_boolean_member (w1, "first"));
  g_assert_cmpfloat (json_object_get_double_member (w1, "ratio"), ==, 1.0 / 3.0);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (w1, "extra"), 0), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (w1, "raw"), "k"), ==, 1);
  /* a never-set attribute is null: the last word has no "next" */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_array_get_object_element (words, 2), "next")));
}

static char *
make_jsonl (guint n, const char *fail_every)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "{\"id\": \"d%04u\", \"text\": \"doc %u %s words “é” %.*s\", \"n\": %u}\n", i, i,
                            fail_every && i % 7 == 3 ? fail_every : "", (int) (i % 50),
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
  return g_string_free (s, FALSE);
}

static void
test_jobs_identical (Fixture *f, gconstpointer data)
{
  g_autofree char *jsonl = make_jsonl (500, "FAIL");
  g_autofree char *out1 = NULL, *out4 = NULL, *err1 = NULL, *err4 = NULL;

  write_file (f->dir, "many.jsonl", jsonl, -1);
  {
    g_autofree char *input = g_build_filename (f->dir, "many.jsonl", NULL);
    g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, input, FIX, "--jobs", "1", "-q", NULL }, NULL, &out1, &err1), ==, 1);
    g_assert_cmpint (run ((const char *[]) { "run", "-q", "--jobs", "4", f->pipeline, FIX, input, NULL }, NULL, &out4, &err4), ==, 1);
  }
  g_assert_cmpuint (strlen (out1), >, 10000);
  g_assert_cmpstr (out1, ==, out4);
  g_assert_cmpstr (err1, ==, err4);
}

static void
test_failing_document (Fixture *f, gconstpointer data)
{
  g_autofree char *in = g_build_filename (f->dir, "in", NULL);
  g_autofree char *errors = g_build_filename (f->dir, "errors.jsonl", NULL);
  g_autofree char *out = NULL, *err = NULL, *content = NULL;

  write_file (in, "c.txt", "This one will FAIL here.", -1);
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "--errors", errors, NULL }, NULL, &out, &err), ==, 1);
  assert_contains (out, "\"id\":\"a\"");
  assert_contains (out, "\"id\":\"b\"");
  g_assert_null (strstr (out, "\"id\":\"c\""));
  assert_contains (err, "document 'c' (");
  assert_contains (err, "c.txt) failed in stages[0] (fixture): found the marker 'FAIL'");
  assert_contains (err, "3 documents, 1 failed");
  g_assert_true (g_file_get_contents (errors, &content, NULL, NULL));
  assert_contains (content, "{\"id\":\"c\",\"source\":");
  assert_contains (content, "\"stage\":\"stages[0] (fixture)\",\"message\":\"found the marker 'FAIL'\"}");
}

static void
test_bad_inputs (Fixture *f, gconstpointer data)
{
  g_autofree char *in = g_build_filename (f->dir, "in", NULL);
  g_autofree char *out = NULL, *err = NULL;

  write_file (in, "bad.txt", "caf\xe9 \xff\xfe ok", 10);
  write_file (in, "empty.txt", "", 0);
  write_file (in, "nul.txt", "a\0b", 3);
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, NULL }, NULL, &out, &err), ==, 0);
  assert_contains (out, "\"id\":\"bad\"");
  assert_contains (out, "\"text\":\"caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok\"");
  assert_contains (out, "\"warnings\":[\"3 invalid UTF-8 sequences replaced by U+FFFD\"]");
  assert_contains (out, "\"id\":\"empty\"");
  assert_contains (out, "\"warnings\":[\"empty text\"]");
  assert_contains (out, "\"text\":\"a\\u0000b\"");
  assert_contains (out, "\"warnings\":[\"text contains 1 NUL character\"]");
  assert_contains (err, "5 documents, 0 failed, 3 warnings");
}

static void
test_jsonl_lines (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *input = g_build_filename (f->dir, "x.jsonl", NULL);

  write_file (f->dir, "x.jsonl",
              "{\"id\": \"one\", \"text\": \"first\", \"title\": \"T1\", \"tags\": [\"a\"]}\n"
              "\n"
              "{\"text\": \"no id\"}\n"
              "{\"id\": \"bad\", \"text\": 'single'}\n"
              "{\"id\": \"nobody\"}\n"
              "{\"id\": \"one\", \"text\": \"dup\\u00e9\"}\n"
              "{\"id\": \"h\", \"html\": \"<p>x</p>\", \"text\": \"y\"}\n", -1);
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, input, FIX, NULL }, NULL, &out, &err), ==, 1);
  assert_contains (out, "\"id\":\"one\",\"source\":\"");
  assert_contains (out, "x.jsonl:1\",\"meta\":{\"title\":\"T1\",\"publisher\":null,\"date\":null,\"dateline\":null,\"author\":null,\"tags\":[\"a\"],\"fixture\":\"seen\"}");
  assert_contains (out, "\"id\":\"x:3\"");
  assert_contains (out, "\"text\":\"dupé\"");
  assert_contains (out, "\"warnings\":[\"duplicate document id 'one'\"]");
  assert_contains (err, "document 'bad' (");
  assert_contains (err, "x.jsonl:4:23: expected a string, found a single quote");
  assert_contains (err, "x.jsonl:5:1: no \"text\" or \"html\" field");
  assert_contains (err, "a line holds one \"text\" or one \"html\" field, not two");
  assert_contains (err, "6 documents, 3 failed");
}

static void
test_stdin (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, "-", FIX, "-q", NULL },
                        "{\"id\": \"s1\", \"text\": \"from stdin\"}\n{\"id\": \"s2\", \"text\": \"more\"}", &out, &err), ==, 0);
  assert_contains (out, "\"id\":\"s1\"");
  assert_contains (out, "\"id\":\"s2\"");
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, "-", f->dir, FIX, NULL }, "", NULL, &err), ==, 2);
  assert_contains (err, "'-' (JSON Lines on standard input) cannot be combined with other inputs");
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL;
  g_autofree char *noinput = g_build_filename (f->dir, "noinput.json", NULL);
  g_autofree char *two = g_build_filename (f->dir, "two.json", NULL);

  write_file (f->dir, "noinput.json", "{\"stages\": [{\"plugin\": \"export\"}]}", -1);
  write_file (f->dir, "two.json", "{\"stages\": [{\"plugin\": \"export\", \"id\": \"a\"}, {\"plugin\": \"export\", \"id\": \"b\"}]}", -1);
  g_assert_cmpint (run ((const char *[]) { "run", noinput, FIX, NULL }, NULL, NULL, &e1), ==, 2);
  assert_contains (e1, "no input: name files, folders or '-'");
  g_assert_cmpint (run ((const char *[]) { "run", NULL }, NULL, NULL, &e2), ==, 2);
  assert_contains (e2, "run needs a pipeline file");
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, "--jobs", "x", NULL }, NULL, NULL, &e3), ==, 2);
  g_assert_cmpint (run ((const char *[]) { "run", two, f->dir, "-o", "x.jsonl", NULL }, NULL, NULL, &e4), ==, 2);
  assert_contains (e4, "-o needs exactly one export stage, but the pipeline has 2");
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "/no/such/input.txt", NULL }, NULL, NULL, &e5), ==, 4);
  assert_contains (e5, "input '/no/such/input.txt' does not exist");
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "/no/such/*.txt", NULL }, NULL, NULL, &e6), ==, 4);
  assert_contains (e6, "no input files match '/no/such/*.txt'");
}

static void
test_pipeline_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL, *err2 = NULL, *out = NULL;
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);

  write_file (f->dir, "bad.json", "{\"stages\": [{\"plugin\": \"fixture\", \"confg\": {}}]}", -1);
  g_assert_cmpint (run ((const char *[]) { "run", bad, f->dir, FIX, NULL }, NULL, &out, &err), ==, 3);
  assert_contains (err, "bad.json: stages[0].confg: unknown key; did you mean 'config'?");
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (run ((const char *[]) { "validate", bad, FIX, NULL }, NULL, NULL, &err2), ==, 3);
  assert_contains (err2, "stages[0].confg");
}

static void
test_validate_ok (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run ((const char *[]) { "validate", f->pipeline, FIX, NULL }, NULL, &out, NULL), ==, 0);
  assert_contains (out, "valid pipeline 't' with 2 stages");
}

static void
test_output_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.jsonl", NULL);
  g_autofree char *out = NULL, *content = NULL;

  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "-o", path, "-q", NULL }, NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  assert_contains (content, "\"id\":\"a\"");

  /* -o /dev/null writes into the device; it must never be renamed over. */
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "-o", "/dev/null", "-q", NULL }, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_file_test ("/dev/null", G_FILE_TEST_EXISTS) && !g_file_test ("/dev/null", G_FILE_TEST_IS_REGULAR));
}

static void
test_output_is_directory (Fixture *f, gconstpointer data)
{
  /* Root ignores permissions, so the write failure is a directory where the file should go. */
  g_autofree char *path = g_build_filename (f->dir, "out.jsonl", NULL);
  g_autofree char *err = NULL;

  g_mkdir (path, 0755);
  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "-o", path, NULL }, NULL, NULL, &err), ==, 4);
  assert_contains (err, "cannot write '");
  assert_contains (err, "out.jsonl': Is a directory");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

static void
test_manifest (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "manifest.json", NULL);
  g_autofree char *content = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (run ((const char *[]) { "run", f->pipeline, FIX, "-q", "--manifest", path, NULL }, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  node = json_from_string (content, NULL);
  g_assert_nonnull (node);
  assert_contains (content, "\"sha256\": \"");
  assert_contains (content, "\"type\": \"fixture\", \"plugin\": \"fixture\", \"version\": \"0.1.0\"");
  assert_contains (content, "\"documents\": 2");
}

static void
test_plugins_and_describe (void)
{
  g_autofree char *out = NULL, *out2 = NULL, *err = NULL;

  /* Some fixture modules are broken on purpose: listed with GModule's reason, status 3. */
  g_assert_cmpint (run ((const char *[]) { "plugins", FIX, NULL }, NULL, &out, NULL), ==, 3);
  assert_contains (out, "Plugin search path (in order):");
  assert_contains (out, "fixtures");
  assert_contains (out, "export 1.0.0 (MIT)");
  assert_contains (out, "nk-garbage.so: cannot open plugin:");
  assert_contains (out, "built for plugin ABI 2.0");
  g_assert_cmpint (run ((const char *[]) { "describe", "fixture", FIX, NULL }, NULL, &out2, NULL), ==, 0);
  assert_contains (out2, "fixture (document stage): test stage");
  assert_contains (out2, "provides  words");
  assert_contains (out2, "marker (string), default \"FAIL\"");
  assert_contains (out2, "targets (list of object)");
  assert_contains (out2, "id (string, required)");
  g_assert_cmpint (run ((const char *[]) { "describe", "nope", NULL }, NULL, NULL, &err), ==, 3);
  assert_contains (err, "no plugin provides stage type 'nope'");
}

static void
test_interrupt (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "keep.jsonl", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content = NULL;
  GOutputStream *in;
  guint entries = 0;

  write_file (f->dir, "keep.jsonl", "old output\n", -1);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           NK_TEST_NKPIPE, "run", f->pipeline, "-", "--plugin-path", NK_TEST_FIXTUREDIR,
                           "-o", path, NULL);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (proc);
  g_output_stream_write_all (in, "{\"id\": \"x\", \"text\": \"hello\"}\n", 30, NULL, NULL, &error);
  g_assert_no_error (error);
  g_usleep (300 * 1000);
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 130);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "old output\n");
  {
    g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)))
      if (name[0] == '.')
        entries++;
  }
  g_assert_cmpuint (entries, ==, 0);   /* no temporary file left */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/cli/plugins-and-describe", test_plugins_and_describe);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli/run/text-files", test_run_text_files);
  ADD ("/cli/run/jobs-identical", test_jobs_identical);
  ADD ("/cli/run/failing-document", test_failing_document);
  ADD ("/cli/run/bad-inputs", test_bad_inputs);
  ADD ("/cli/run/jsonl-lines", test_jsonl_lines);
  ADD ("/cli/run/stdin", test_stdin);
  ADD ("/cli/run/usage-errors", test_usage_errors);
  ADD ("/cli/run/pipeline-errors", test_pipeline_errors);
  ADD ("/cli/run/output-file", test_output_file);
  ADD ("/cli/run/output-is-directory", test_output_is_directory);
  ADD ("/cli/run/manifest", test_manifest);
  ADD ("/cli/run/interrupt", test_interrupt);
  ADD ("/cli/validate/ok", test_validate_ok);
#undef ADD
  return g_test_run ();
}
