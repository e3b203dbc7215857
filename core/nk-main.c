/* nk-main.c — the `nkpipe` command.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe"

#include "nkpipe.h"
#include "nk-build-config.h"
#include "nk-config-private.h"
#include "nk-input-private.h"
#include "nk-pipeline-private.h"
#include "nk-runner.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char   **plugin_paths;
  int      jobs;
  char    *output;
  char    *errors;
  char    *manifest;
  gboolean quiet;
  int      max_doc_mb;
} NkCli;

static void
nk_cli_clear (NkCli *cli)
{
  g_clear_pointer (&cli->plugin_paths, g_strfreev);
  g_clear_pointer (&cli->output, g_free);
  g_clear_pointer (&cli->errors, g_free);
  g_clear_pointer (&cli->manifest, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NkCli, nk_cli_clear)

static const char nk_summary[] =
  "Verbs:\n"
  "  run PIPELINE [INPUT...]   run a pipeline over files, folders, globs or '-' (stdin JSONL)\n"
  "  validate PIPELINE         check a pipeline file without reading documents\n"
  "  plugins                   list the plugin modules found and the folders searched\n"
  "  describe STAGE            print a stage type's layers and config schema\n"
  "  help [VERB]               show help for a verb\n"
  "\n"
  "Exit status: 0 ok; 1 some documents failed; 2 usage error; 3 pipeline or plugin error;\n"
  "4 input or output error; 130 interrupted.";

static const char nk_run_description[] =
  "Inputs replace the pipeline's \"input\" section. A .txt file is one text document, an\n"
  ".html/.htm file one HTML document, a .jsonl file one document per line\n"
  "({\"id\", \"text\" or \"html\", ...metadata}); a folder yields its .txt and .html files\n"
  "(recursively); globs (*, ?, [..]) are expanded; '-' reads JSON Lines from stdin. Everything\n"
  "is processed in sorted path order, and the output is the same for any --jobs.\n"
  "Failed documents are reported on stderr (and with --errors as JSON Lines) and the run goes\n"
  "on. stdout carries only exported data.\n"
  "\n"
  "Exit status: 0 ok; 1 some documents failed; 2 usage error; 3 pipeline or plugin error;\n"
  "4 input or output error; 130 interrupted (temporary files removed, old outputs kept).";

static GOptionEntry nk_common_entries[] = {
  { "plugin-path", 'P', 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
    "Search DIR for plugins first (repeatable; also NKPIPE_PLUGIN_PATH=DIR:DIR)", "DIR" },
  { NULL }
};

static void
nk_common_bind (NkCli *cli, GOptionEntry *entries)
{
  entries[0].arg_data = &cli->plugin_paths;
}

static GOptionContext *
nk_context_new (const char *verb, const char *params, const char *summary,
                const char *description, NkCli *cli, GOptionEntry *extra)
{
  g_autofree char *usage = g_strdup_printf ("%s%s%s", verb, params ? " " : "", params ? params : "");
  GOptionContext *ctx = g_option_context_new (usage);
  GOptionEntry common[G_N_ELEMENTS (nk_common_entries)];

  memcpy (common, nk_common_entries, sizeof common);
  nk_common_bind (cli, common);
  g_option_context_set_summary (ctx, summary);
  if (description)
    g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, common, NULL);
  if (extra)
    g_option_context_add_main_entries (ctx, extra, NULL);
  return ctx;
}

/* nkpipe run from its build folder uses only the build's plugins and the source tree's
 * data; installed, it uses the installed folders. */
static gboolean
nk_running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *build = g_canonicalize_filename (NK_BUILD_BINDIR, NULL);

  return dir && strcmp (dir, build) == 0;
}

static NkRegistry *
nk_cli_registry (NkCli *cli)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv ("NKPIPE_PLUGIN_PATH");
  gboolean build = nk_running_from_build_tree ();

  for (guint i = 0; cli->plugin_paths && cli->plugin_paths[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (cli->plugin_paths[i], ":", -1);
      for (guint j = 0; parts[j]; j++)
        if (*parts[j])
          g_ptr_array_add (dirs, g_strdup (parts[j]));
    }
  if (env)
    {
      g_auto(GStrv) parts = g_strsplit (env, ":", -1);
      for (guint j = 0; parts[j]; j++)
        if (*parts[j])
          g_ptr_array_add (dirs, g_strdup (parts[j]));
    }
  g_ptr_array_add (dirs, g_strdup (build ? NK_BUILD_PLUGINDIR : NK_PLUGINDIR));
  g_ptr_array_add (dirs, NULL);
  return nk_registry_new ((const char *const *) dirs->pdata,
                          build ? NK_SOURCE_DATADIR : NK_DATADIR);
}

static int
nk_usage_error (GOptionContext *ctx, const char *message)
{
  g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);

  fprintf (stderr, "nkpipe: %s\n\n%s", message, help);
  return NK_EXIT_USAGE;
}

static int
nk_error_status (const GError *error)
{
  if (error->domain == NK_INPUT_ERROR)
    return error->code == NK_INPUT_ERROR_STDIN ? NK_EXIT_USAGE : NK_EXIT_IO;
  return NK_EXIT_PIPELINE;
}

static int
nk_report (const GError *error, int status)
{
  fprintf (stderr, "nkpipe: error: %s\n", error->message);
  return status;
}

/* ---- run --------------------------------------------------------------------------- */

static int
nk_cmd_run (int argc, char **argv)
{
  g_auto(NkCli) cli = { .jobs = 0, .max_doc_mb = 256 };
  GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &cli.jobs, "Worker threads for document stages (default: number of cores)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &cli.output, "Write the pipeline's only export stage to FILE ('-': stdout)", "FILE" },
    { "errors", 'e', 0, G_OPTION_ARG_FILENAME, &cli.errors, "Also write failed documents to FILE as JSON Lines", "FILE" },
    { "manifest", 'm', 0, G_OPTION_ARG_FILENAME, &cli.manifest, "Write a run manifest (versions, pipeline hash) to FILE", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli.quiet, "No progress and no summary line", NULL },
    { "max-doc-mb", 0, 0, G_OPTION_ARG_INT, &cli.max_doc_mb, "Fail documents larger than N MB (default 256)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = nk_context_new ("run", "PIPELINE [INPUT...]",
                                                  "Run a pipeline over a corpus.",
                                                  nk_run_description, &cli, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(NkRegistry) registry = NULL;
  g_autoptr(NkPipeline) pipeline = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  NkRunOptions opts = { 0 };
  NkRunStats stats = { 0 };
  const char *const *specs;
  int status;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nk_usage_error (ctx, error->message);
  if (argc < 2)
    return nk_usage_error (ctx, "run needs a pipeline file");
  if (cli.jobs < 0 || cli.jobs > 1024)
    return nk_usage_error (ctx, "--jobs must be between 1 and 1024");
  if (cli.max_doc_mb <= 0)
    return nk_usage_error (ctx, "--max-doc-mb must be positive");

  registry = nk_cli_registry (&cli);
  pipeline = nk_pipeline_load_file (registry, argv[1], &error);
  if (pipeline == NULL)
    return nk_report (error, NK_EXIT_PIPELINE);
  if (cli.output && !nk_pipeline_override_output (pipeline, cli.output, &error))
    return nk_usage_error (ctx, error->message);

  specs = argc > 2 ? (const char *const *) argv + 2 : nk_pipeline_get_inputs (pipeline);
  if (specs[0] == NULL)
    return nk_usage_error (ctx, "no input: name files, folders or '-' on the command line, "
                                "or give the pipeline an \"input\" section");
  inputs = nk_inputs_expand (specs, &error);
  if (inputs == NULL)
    return nk_report (error, nk_error_status (error));

  opts.jobs = cli.jobs > 0 ? (guint) cli.jobs : MAX (1u, g_get_num_processors ());
  opts.quiet = cli.quiet;
  opts.progress = !cli.quiet && isatty (2);
  opts.errors_path = cli.errors;
  opts.manifest_path = cli.manifest;
  opts.max_doc_bytes = (gsize) cli.max_doc_mb << 20;
  nk_run_install_signal_handlers ();
  status = nk_run (pipeline, inputs, &opts, &stats, &error);
  if (error)
    fprintf (stderr, "nkpipe: error: %s\n", error->message);
  if (!cli.quiet && status != NK_EXIT_PIPELINE)
    fprintf (stderr, "nkpipe: %" G_GUINT64_FORMAT " documents, %" G_GUINT64_FORMAT " failed, %"
             G_GUINT64_FORMAT " warnings, %.1f MB in %.2f s (%.1f MB/s)\n", stats.documents,
             stats.failed, stats.warnings, stats.bytes / 1e6, stats.seconds,
             stats.seconds > 0 ? stats.bytes / 1e6 / stats.seconds : 0.0);
  return status;
}

/* ---- validate ---------------------------------------------------------------------- */

static int
nk_cmd_validate (int argc, char **argv)
{
  g_auto(NkCli) cli = { 0 };
  g_autoptr(GOptionContext) ctx = nk_context_new ("validate", "PIPELINE",
    "Check a pipeline file: JSON syntax, stage types, configs and layer order. No document is read.",
    "Exit status: 0 valid; 2 usage error; 3 invalid (the error names the file, the JSON path\n"
    "and what was expected).", &cli, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NkRegistry) registry = NULL;
  g_autoptr(NkPipeline) pipeline = NULL;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nk_usage_error (ctx, error->message);
  if (argc != 2)
    return nk_usage_error (ctx, "validate needs exactly one pipeline file");
  registry = nk_cli_registry (&cli);
  pipeline = nk_pipeline_load_file (registry, argv[1], &error);
  if (pipeline == NULL)
    return nk_report (error, NK_EXIT_PIPELINE);
  printf ("%s: valid pipeline '%s' with %u stages\n", argv[1], nk_pipeline_get_name (pipeline),
          nk_pipeline_get_n_stages (pipeline));
  return NK_EXIT_OK;
}

/* ---- plugins ----------------------------------------------------------------------- */

static void
nk_print_layers (const char *what, const char *const *layers)
{
  g_autofree char *joined = layers && layers[0] ? g_strjoinv (", ", (char **) layers) : g_strdup ("-");

  printf ("      %-9s %s\n", what, joined);
}

static void
nk_print_stage (const NkStageInfo *info)
{
  printf ("    %s (%s): %s\n", info->type,
          info->kind == NK_STAGE_SINK ? "ordered sink" : "document stage",
          info->description ? info->description : "");
  nk_print_layers ("requires", info->requires);
  nk_print_layers ("uses", info->uses);
  nk_print_layers ("provides", info->provides);
}

static int
nk_cmd_plugins (int argc, char **argv)
{
  g_auto(NkCli) cli = { 0 };
  g_autoptr(GOptionContext) ctx = nk_context_new ("plugins", NULL,
    "List every plugin module in the search path, with versions, stage types and layers.",
    "Exit status: 0 all modules loaded; 3 some module failed to load (listed with the reason).",
    &cli, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NkRegistry) registry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const char *const *dirs;
  int status = NK_EXIT_OK;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nk_usage_error (ctx, error->message);
  if (argc != 1)
    return nk_usage_error (ctx, "plugins takes no arguments");
  registry = nk_cli_registry (&cli);
  dirs = nk_registry_get_search_path (registry);
  printf ("Plugin search path (in order):\n");
  for (guint i = 0; dirs[i]; i++)
    printf ("  %s\n", dirs[i]);
  printf ("Data folder: %s\n\nModules:\n", nk_registry_get_data_dir (registry));
  entries = nk_registry_scan (registry);
  for (guint i = 0; i < entries->len; i++)
    {
      NkModuleEntry *e = g_ptr_array_index (entries, i);
      if (e->desc == NULL)
        {
          printf ("  %s\n    FAILED: %s\n", e->path, e->error->message);
          if (e->error->code != NK_PLUGIN_ERROR_DUPLICATE)
            status = NK_EXIT_PIPELINE;
          continue;
        }
      printf ("  %s %s (%s) — %s\n    %s\n", e->desc->name, e->desc->version,
              e->desc->license ? e->desc->license : "no license", e->desc->description,
              e->path);
      for (guint j = 0; j < e->stages->len; j++)
        nk_print_stage (g_ptr_array_index (e->stages, j));
    }
  if (entries->len == 0)
    printf ("  (none found)\n");
  return status;
}

/* ---- describe ---------------------------------------------------------------------- */

static int
nk_cmd_describe (int argc, char **argv)
{
  g_auto(NkCli) cli = { 0 };
  g_autoptr(GOptionContext) ctx = nk_context_new ("describe", "STAGE",
    "Print a stage type's kind, layers and config schema (keys, types, defaults).",
    "Exit status: 0 ok; 2 usage error; 3 no plugin provides the stage type.", &cli, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NkRegistry) registry = NULL;
  g_autoptr(GString) schema = g_string_new (NULL);
  const NkStageInfo *info;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nk_usage_error (ctx, error->message);
  if (argc != 2)
    return nk_usage_error (ctx, "describe needs exactly one stage type");
  registry = nk_cli_registry (&cli);
  info = nk_registry_lookup_stage (registry, argv[1], &error);
  if (info == NULL)
    return nk_report (error, NK_EXIT_PIPELINE);
  nk_print_stage (info);
  nk_config_describe (info->config, schema, 8);
  printf ("      config:\n%s", schema->str);
  return NK_EXIT_OK;
}

/* ---- main -------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  int (*func) (int argc, char **argv);
} NkVerb;

static const NkVerb nk_verbs[] = {
  { "run", nk_cmd_run },
  { "validate", nk_cmd_validate },
  { "plugins", nk_cmd_plugins },
  { "describe", nk_cmd_describe },
};

static int
nk_main_help (FILE *out)
{
  fprintf (out, "Usage:\n  nkpipe VERB [OPTION...] [ARG...]\n  nkpipe --help | --version\n\n"
           "nkpipe %s — a plugin-based text analytics pipeline.\n\n%s\n\n"
           "'nkpipe help VERB' (or 'nkpipe VERB --help') shows a verb's options.\n",
           NK_VERSION, nk_summary);
  return out == stdout ? NK_EXIT_OK : NK_EXIT_USAGE;
}

static const NkVerb *
nk_find_verb (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (nk_verbs); i++)
    if (strcmp (nk_verbs[i].name, name) == 0)
      return &nk_verbs[i];
  return NULL;
}

int
main (int argc, char **argv)
{
  const NkVerb *verb;

  setlocale (LC_ALL, "");
  g_set_prgname ("nkpipe");
  if (argc < 2)
    return nk_main_help (stderr);
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    return nk_main_help (stdout);
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("nkpipe %s (plugin ABI %d.%d)\n", NK_VERSION, NK_ABI_MAJOR, NK_ABI_MINOR);
      return NK_EXIT_OK;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      char *help_argv[] = { NULL, (char *) "--help", NULL };
      if (argc < 3)
        return nk_main_help (stdout);
      if ((verb = nk_find_verb (argv[2])) == NULL)
        {
          fprintf (stderr, "nkpipe: unknown verb '%s'\n\n", argv[2]);
          return nk_main_help (stderr);
        }
      help_argv[0] = argv[2];
      return verb->func (2, help_argv);
    }
  if ((verb = nk_find_verb (argv[1])) == NULL)
    {
      fprintf (stderr, "nkpipe: unknown verb '%s'\n\n", argv[1]);
      return nk_main_help (stderr);
    }
  return verb->func (argc - 1, argv + 1);
}
