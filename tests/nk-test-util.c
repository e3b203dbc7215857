/* nk-test-util.c — helpers shared by the test binaries.
 *
 * SPDX-License-Identifier: MIT
 */
#include "nk-test-util.h"

#include <string.h>

NkRegistry *
nk_test_registry (void)
{
  const char *dirs[] = { NK_TEST_PLUGINDIR, NULL };

  return nk_registry_new (dirs, NK_TEST_DATADIR);
}

/* Pipelines (with their registry and worker) stay alive for the whole test process, one per
 * pipeline text: stages may hand out static strings from their shared data, which documents
 * read after nk_test_process returns, and loading once keeps table-driven tests fast. */
typedef struct {
  NkRegistry *registry;
  NkPipeline *pipeline;
  NkWorker   *worker;
} NkTestPipeline;

static NkTestPipeline *
nk_test_pipeline_get (const char *pipeline_json, GError **error)
{
  static GHashTable *cache;
  NkTestPipeline *tp;
  g_autofree char *base = NULL;

  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  tp = g_hash_table_lookup (cache, pipeline_json);
  if (tp)
    return tp;
  tp = g_new0 (NkTestPipeline, 1);
  base = nk_test_source_path ("tests/data");
  tp->registry = nk_test_registry ();
  tp->pipeline = nk_pipeline_load_data (tp->registry, pipeline_json, -1, "test-pipeline.json",
                                        base, error);
  if (tp->pipeline)
    tp->worker = nk_worker_new (tp->pipeline, error);
  if (tp->worker == NULL)
    {
      g_clear_pointer (&tp->pipeline, nk_pipeline_free);
      nk_registry_free (tp->registry);
      g_free (tp);
      return NULL;
    }
  g_hash_table_insert (cache, g_strdup (pipeline_json), tp);
  return tp;
}

gboolean
nk_test_process (const char *pipeline_json, NkDocument *doc, GError **error)
{
  NkTestPipeline *tp = nk_test_pipeline_get (pipeline_json, error);

  return tp != NULL && nk_worker_process (tp->worker, doc, NULL, error);
}

NkDocument *
nk_test_process_text (const char *pipeline_json, const char *text)
{
  g_autoptr(GError) error = NULL;
  NkDocument *doc = nk_document_new ("test", "test", NK_FORMAT_TEXT);

  nk_document_set_text (doc, text, -1);
  nk_test_process (pipeline_json, doc, &error);
  g_assert_no_error (error);
  return doc;
}

char *
nk_test_span_text (NkDocument *doc, NkLayer *layer, guint i)
{
  const char *text = nk_document_get_text (doc, NULL);
  const NkSpan *spans = nk_layer_get_spans (layer, NULL);

  g_assert_cmpuint (i, <, nk_layer_get_n_spans (layer));
  return g_strndup (text + spans[i].start, spans[i].end - spans[i].start);
}

const char *
nk_test_shared_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      char *path = g_build_filename (NK_TEST_SRCDIR, "..", "shared", NULL);
      dir = g_canonicalize_filename (path, NULL);
      g_free (path);
    }
  return g_file_test (dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

char *
nk_test_source_path (const char *relative)
{
  return g_build_filename (NK_TEST_SRCDIR, relative, NULL);
}

/* An empty GBytes may hold a NULL pointer, and g_strndup (NULL, 0) is NULL. */
static char *
nk_test_bytes_to_string (GBytes *bytes)
{
  gsize len = bytes ? g_bytes_get_size (bytes) : 0;

  return len ? g_strndup (g_bytes_get_data (bytes, NULL), len) : g_strdup ("");
}

int
nk_test_run_cli (const char *const *argv, const char *stdin_data, char **out, char **err)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;

  g_ptr_array_add (args, (gpointer) NK_TEST_NKPIPE);
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "NKPIPE_PLUGIN_PATH");
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  stdin_bytes = g_bytes_new (stdin_data ? stdin_data : "", stdin_data ? strlen (stdin_data) : 0);
  g_subprocess_communicate (proc, stdin_bytes, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);
  if (out)
    *out = nk_test_bytes_to_string (out_bytes);
  if (err)
    *err = nk_test_bytes_to_string (err_bytes);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}
