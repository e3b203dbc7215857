/* tests/core/test-plugin-loader.c — finding and loading plugin modules. */
#include "nk-test-util.h"

static NkRegistry *
fixture_registry (void)
{
  const char *dirs[] = { NK_TEST_FIXTUREDIR, NULL };

  return nk_registry_new (dirs, NK_TEST_DATADIR);
}

static void
test_load_good (void)
{
  g_autoptr(NkRegistry) registry = fixture_registry ();
  g_autoptr(GError) error = NULL;
  const NkStageInfo *info = nk_registry_lookup_stage (registry, "fixture", &error);
  const NkStageInfo *again;

  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->type, ==, "fixture");
  g_assert_cmpint (info->kind, ==, NK_STAGE_DOCUMENT);
  again = nk_registry_lookup_stage (registry, "fixture", &error);
  g_assert_true (info == again);
}

static void
test_prefix_rule (void)
{
  g_autoptr(NkRegistry) registry = fixture_registry ();
  g_autoptr(GError) error = NULL;
  /* "fixture-needy" has no nk-fixture-needy.so: it is found in nk-fixture.so. */
  const NkStageInfo *info = nk_registry_lookup_stage (registry, "fixture-needy", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (info->type, ==, "fixture-needy");
}

static void
assert_lookup_fails (const char *type, int code, const char *pattern)
{
  g_autoptr(NkRegistry) registry = fixture_registry ();
  g_autoptr(GError) error = NULL;
  const NkStageInfo *info = nk_registry_lookup_stage (registry, type, &error);

  g_assert_null (info);
  g_assert_error (error, NK_PLUGIN_ERROR, code);
  if (!g_pattern_match_simple (pattern, error->message))
    g_error ("message '%s' does not match '%s'", error->message, pattern);
}

static void
test_not_found (void)
{
  assert_lookup_fails ("nosuchstage", NK_PLUGIN_ERROR_NOT_FOUND,
                       "no plugin provides stage type 'nosuchstage' (looked for nk-nosuchstage.so in: *fixtures)");
  assert_lookup_fails ("../etc", NK_PLUGIN_ERROR_NOT_FOUND, "*not a valid stage type*");
}

static void
test_missing_symbol (void)
{
  assert_lookup_fails ("nosym", NK_PLUGIN_ERROR_NO_ENTRY, "*nk-nosym.so: not an nkpipe plugin: it exports no 'nk_plugin_desc'*");
}

static void
test_wrong_abi (void)
{
  assert_lookup_fails ("badabi", NK_PLUGIN_ERROR_ABI_MISMATCH,
                       "*nk-badabi.so: built for plugin ABI 2.0, but this nkpipe provides ABI 1.0*");
}

static void
test_init_fails (void)
{
  assert_lookup_fails ("initfail", NK_PLUGIN_ERROR_INIT_FAILED,
                       "*nk-initfail.so: plugin 'initfail' failed to initialise: lexicon missing on purpose");
}

static void
test_open_fails (void)
{
  assert_lookup_fails ("garbage", NK_PLUGIN_ERROR_OPEN_FAILED, "*nk-garbage.so: cannot open plugin: *");
}

static void
test_duplicate (void)
{
  g_autoptr(NkRegistry) registry = fixture_registry ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (nk_registry_lookup_stage (registry, "fixture", &error));
  g_assert_null (nk_registry_lookup_stage (registry, "dupe", &error));
  g_assert_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_DUPLICATE);
  g_assert_true (g_pattern_match_simple ("*nk-dupe.so: stage type 'fixture' is already provided by *nk-fixture.so",
                                         error->message));
}

static void
test_search_order (void)
{
  /* The fixture folder first, then the real plugins: lookups stop at the first match. */
  const char *dirs[] = { NK_TEST_FIXTUREDIR, NK_TEST_PLUGINDIR, NULL };
  g_autoptr(NkRegistry) registry = nk_registry_new (dirs, NK_TEST_DATADIR);
  g_autoptr(GError) error = NULL;
  const char *const *path = nk_registry_get_search_path (registry);

  g_assert_true (g_str_has_suffix (path[0], "fixtures"));
  g_assert_true (g_str_has_suffix (path[1], "plugins"));
  g_assert_null (path[2]);
  g_assert_nonnull (nk_registry_lookup_stage (registry, "export", &error));
  g_assert_no_error (error);
}

static void
test_scan (void)
{
  g_autoptr(NkRegistry) registry = fixture_registry ();
  g_autoptr(GPtrArray) entries = nk_registry_scan (registry);
  guint ok = 0, failed = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      NkModuleEntry *e = g_ptr_array_index (entries, i);
      if (e->desc)
        ok++;
      else
        {
          g_assert_nonnull (e->error);
          failed++;
        }
    }
  /* fixture, prepfail load; badabi, dupe (duplicate of fixture), garbage, initfail, nosym fail. */
  g_assert_cmpuint (ok, ==, 2);
  g_assert_cmpuint (failed, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plugin/load/good", test_load_good);
  g_test_add_func ("/plugin/load/prefix-rule", test_prefix_rule);
  g_test_add_func ("/plugin/load/not-found", test_not_found);
  g_test_add_func ("/plugin/load/missing-symbol", test_missing_symbol);
  g_test_add_func ("/plugin/load/wrong-abi", test_wrong_abi);
  g_test_add_func ("/plugin/load/init-fails", test_init_fails);
  g_test_add_func ("/plugin/load/open-fails", test_open_fails);
  g_test_add_func ("/plugin/load/duplicate", test_duplicate);
  g_test_add_func ("/plugin/search-order", test_search_order);
  g_test_add_func ("/plugin/scan", test_scan);
  return g_test_run ();
}
