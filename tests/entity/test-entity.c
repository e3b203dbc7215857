/* test-entity.c — the entity engine (table of cases, user gazetteers, errors) and the
 * `entity` stage through segment -> entity.
 *
 * SPDX-License-Identifier: MIT
 */
#include "nk-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "nk-entity-engine.h"
#include "nk-entity-user.h"

static NkEntityGazetteer *shared_gz;

static const NkEntityGazetteer *
builtin_gazetteer (void)
{
  if (!shared_gz)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_build_filename (NK_TEST_DATADIR, "entity", NULL);
      shared_gz = nk_entity_gazetteer_new ();
      nk_entity_gazetteer_load_dir (shared_gz, dir, &error);
      g_assert_no_error (error);
      nk_entity_gazetteer_freeze (shared_gz);
    }
  return shared_gz;
}

/* ---- the case table ----------------------------------------------------------------- */

typedef struct {
  guint32 start, end;
  char   *label, *canonical, *role, *value;
} Expected;

static void
expected_clear (gpointer p)
{
  Expected *e = p;
  g_free (e->label);
  g_free (e->canonical);
  g_free (e->role);
  g_free (e->value);
}

typedef struct {
  GString *text;
  GArray  *sentences;   /* guint32 pairs */
  GArray  *expected;    /* Expected */
  char    *date;
} Case;

static void
case_clear (Case *c)
{
  g_string_free (c->text, TRUE);
  g_array_unref (c->sentences);
  g_array_unref (c->expected);
  g_free (c->date);
}

/* Parses one case line; FALSE with a message for a malformed one. */
static gboolean
case_parse (const char *line, Case *c, char **why)
{
  c->text = g_string_new (NULL);
  c->sentences = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->expected = g_array_new (FALSE, TRUE, sizeof (Expected));
  g_array_set_clear_func (c->expected, expected_clear);
  c->date = NULL;
  if (g_str_has_prefix (line, "@date="))
    {
      c->date = g_strndup (line + 6, 10);
      line += 17;
    }
  guint32 sent_start = 0;
  for (const char *p = line; *p;)
    {
      if (g_str_has_prefix (p, " || "))
        {
          guint32 end = c->text->len;
          g_array_append_val (c->sentences, sent_start);
          g_array_append_val (c->sentences, end);
          g_string_append_c (c->text, ' ');
          sent_start = c->text->len;
          p += 4;
          continue;
        }
      if (*p != '[')
        {
          g_string_append_c (c->text, *p++);
          continue;
        }
      const char *close = strchr (p, ']');
      if (!close)
        {
          *why = g_strdup ("unclosed [");
          return FALSE;
        }
      g_autofree char *inner = g_strndup (p + 1, close - p - 1);
      g_auto (GStrv) f = g_strsplit (inner, "|", -1);
      if (g_strv_length (f) < 2)
        {
          *why = g_strdup_printf ("mention [%s] needs text|LABEL", inner);
          return FALSE;
        }
      Expected e = { 0 };
      e.start = c->text->len;
      g_string_append (c->text, f[0]);
      e.end = c->text->len;
      e.label = g_strdup (f[1]);
      for (guint i = 2; f[i]; i++)
        {
          if (g_str_has_prefix (f[i], "role="))
            e.role = g_strdup (f[i] + 5);
          else if (g_str_has_prefix (f[i], "value="))
            e.value = g_strdup (f[i] + 6);
          else if (i == 2 && strcmp (f[i], "-") != 0)
            e.canonical = g_strdup (f[i]);
        }
      g_array_append_val (c->expected, e);
      p = close + 1;
    }
  guint32 end = c->text->len;
  g_array_append_val (c->sentences, sent_start);
  g_array_append_val (c->sentences, end);
  return TRUE;
}

static gboolean
field_matches (const char *want, const char *got, gsize got_len)
{
  if (!want)
    return TRUE;
  return strlen (want) == got_len && (got_len == 0 || strncmp (want, got, got_len) == 0);
}

/* Compares the tagger's mentions with the case; returns the problems found, or NULL. */
static char *
case_check (NkEntityTagger *t, const Case *c)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint n;
  const NkEntityMention *m = nk_entity_tagger_get_mentions (t, &n);
  const char *text = c->text->str;

  for (guint i = 0; i < c->expected->len; i++)
    {
      const Expected *e = &g_array_index (c->expected, Expected, i);
      const NkEntityMention *hit = NULL;
      for (guint j = 0; j < n && !hit; j++)
        if (m[j].start == e->start && m[j].end == e->end)
          hit = &m[j];
      if (!hit)
        {
          g_string_append_printf (out, "  missing [%.*s|%s]\n", (int) (e->end - e->start),
                                  text + e->start, e->label);
          continue;
        }
      gsize clen;
      gboolean st;
      const char *canon = nk_entity_tagger_get_canonical (t, hit, &clen, &st);
      const char *label = nk_entity_label_to_string (hit->label);
      if (strcmp (label, e->label) != 0 || !field_matches (e->canonical, canon, canon ? clen : 0) ||
          !field_matches (e->role, text + hit->role_start,
                          hit->role_end > hit->role_start ? hit->role_end - hit->role_start : 0) ||
          !field_matches (e->value, hit->value, strlen (hit->value)))
        g_string_append_printf (out, "  [%.*s]: got %s canonical=%.*s role=%.*s value=%s rule=%s; "
                                "want %s canonical=%s role=%s value=%s\n",
                                (int) (e->end - e->start), text + e->start, label,
                                canon ? (int) clen : 4, canon ? canon : "null",
                                (int) (hit->role_end - hit->role_start), text + hit->role_start,
                                hit->value, hit->rule, e->label,
                                e->canonical ? e->canonical : "*", e->role ? e->role : "*",
                                e->value ? e->value : "*");
    }
  for (guint j = 0; j < n; j++)
    {
      gboolean expected = FALSE;
      for (guint i = 0; i < c->expected->len && !expected; i++)
        {
          const Expected *e = &g_array_index (c->expected, Expected, i);
          expected = m[j].start == e->start && m[j].end == e->end;
        }
      if (!expected)
        g_string_append_printf (out, "  unexpected [%.*s|%s] (%s)\n",
                                (int) (m[j].end - m[j].start), text + m[j].start,
                                nk_entity_label_to_string (m[j].label), m[j].rule);
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
test_cases (void)
{
  g_autofree char *path = nk_test_source_path ("tests/entity/cases.txt");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NkEntityTagger) t = nk_entity_tagger_new (builtin_gazetteer ());
  guint n_cases = 0, n_failed = 0;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (!*lines[i] || lines[i][0] == '#')
        continue;
      Case c;
      g_autofree char *why = NULL;
      n_cases++;
      if (!case_parse (lines[i], &c, &why))
        {
          g_test_message ("cases.txt:%u: malformed case: %s", i + 1, why);
          n_failed++;
          case_clear (&c);
          continue;
        }
      nk_entity_tagger_run (t, c.text->str, c.text->len, (const guint32 *) c.sentences->data,
                            c.sentences->len / 2, c.date);
      g_autofree char *problems = case_check (t, &c);
      if (problems)
        {
          g_test_message ("cases.txt:%u: %s\n%s", i + 1, c.text->str, problems);
          n_failed++;
        }
      case_clear (&c);
    }
  g_test_message ("%u of %u cases pass", n_cases - n_failed, n_cases);
  g_assert_cmpuint (n_cases, >, 40);
  if (n_failed)
    g_test_fail_printf ("%u of %u entity cases failed", n_failed, n_cases);
}

/* ---- gazetteers and their errors ---------------------------------------------------- */

static char *
write_temp (const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nk-entity-XXXXXX", &error);
  g_assert_no_error (error);
  char *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_user_tsv_bad_label (void)
{
  g_autofree char *path = write_temp ("user.tsv", "# people\nAnn Lee\tPERSON\n"
                                                  "Acme Corp\tCOMPANY\tAcme\n");
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("%s:3:", path);

  g_assert_false (nk_entity_user_load (gz, path, &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "COMPANY"));
  remove_temp (path);
}

static void
test_user_tsv_bad_fields (void)
{
  g_autofree char *path = write_temp ("user.tsv", "Ann Lee\n");
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("%s:1:", path);

  g_assert_false (nk_entity_user_load (gz, path, &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, where));
  remove_temp (path);
}

static void
test_user_tsv_bad_flag (void)
{
  g_autofree char *path = write_temp ("user.tsv", "Ann Lee\tPERSON\tLee\tfamous\n");
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (nk_entity_user_load (gz, path, &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "famous"));
  g_assert_nonnull (strstr (error->message, ":1:"));
  remove_temp (path);
}

static void
test_user_json_syntax (void)
{
  g_autofree char *path = write_temp ("user.json", "[\n  {\"canonical\": \"Ann Lee\",\n"
                                                   "   \"label\": PERSON}\n]\n");
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (nk_entity_user_load (gz, path, &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, ":3"));   /* json-glib's line */
  remove_temp (path);
}

static void
test_user_json_bad_entry (void)
{
  g_autofree char *path = write_temp ("user.json", "[{\"canonical\": \"Ann Lee\", "
                                                   "\"label\": \"PERSON\"}, "
                                                   "{\"canonical\": \"X\", \"label\": \"PERSON\", "
                                                   "\"aliases\": \"X1\"}]");
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (nk_entity_user_load (gz, path, &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "entry [1]"));
  g_assert_nonnull (strstr (error->message, "aliases"));
  remove_temp (path);
}

static void
test_user_missing_file (void)
{
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (nk_entity_user_load (gz, "/nonexistent/user.tsv", &error));
  g_assert_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/user.tsv"));
}

/* A user gazetteer loaded first pins canonical names and adds new entries. */
static void
test_user_pins_canonical (void)
{
  g_autofree char *path = write_temp ("user.json",
    "{\"Kim Jong Un\": {\"label\": \"PERSON\", \"aliases\": [\"Kim Jong-un\"], "
    "\"flags\": \"eastern\"},"
    " \"Zorblat Industries\": {\"label\": \"ORG\", \"aliases\": [\"Zorblat\"]}}");
  g_autofree char *dir = g_build_filename (NK_TEST_DATADIR, "entity", NULL);
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) error = NULL;
  const char *text = "Kim Jong-un toured Zorblat with Kim Jong Un's sister.";

  nk_entity_user_load (gz, path, &error);
  g_assert_no_error (error);
  nk_entity_gazetteer_load_dir (gz, dir, &error);
  g_assert_no_error (error);
  nk_entity_gazetteer_freeze (gz);
  g_autoptr (NkEntityTagger) t = nk_entity_tagger_new (gz);
  nk_entity_tagger_run (t, text, strlen (text), NULL, 0, NULL);
  guint n;
  const NkEntityMention *m = nk_entity_tagger_get_mentions (t, &n);
  g_assert_cmpuint (n, ==, 3);
  gsize len;
  gboolean st;
  const char *c = nk_entity_tagger_get_canonical (t, &m[0], &len, &st);
  g_assert_cmpstr (m[0].rule, ==, "gazetteer:user");
  g_assert_true (st);
  g_assert_cmpstr (c, ==, "Kim Jong Un");
  c = nk_entity_tagger_get_canonical (t, &m[1], &len, &st);
  g_assert_cmpstr (c, ==, "Zorblat Industries");
  g_assert_cmpint (m[1].label, ==, NK_ENTITY_ORG);
  c = nk_entity_tagger_get_canonical (t, &m[2], &len, &st);
  g_assert_cmpstr (c, ==, "Kim Jong Un");
  remove_temp (path);
}

/* Text without sentences, empty text, invalid UTF-8 and a lone title must not crash. */
static void
test_edge_texts (void)
{
  g_autoptr (NkEntityTagger) t = nk_entity_tagger_new (builtin_gazetteer ());
  static const char *const texts[] = { "", " ", "Mr.", "Secretary of State", "U.S.",
                                       "\xff\xfe Kim \xc3", "[[[", "Kim-", "-Kim", "#", "May" };
  guint n;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      nk_entity_tagger_run (t, texts[i], strlen (texts[i]), NULL, 0, NULL);
      nk_entity_tagger_get_mentions (t, &n);
    }
  const guint32 bad[] = { 5, 2, 0, 400 };   /* empty and out-of-range sentences are ignored */
  nk_entity_tagger_run (t, "Kim Jong-un", 11, bad, 2, "not a date");
  nk_entity_tagger_get_mentions (t, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* ---- the stage ------------------------------------------------------------------------- */

static const char pipeline[] =
  "{\"name\": \"t\", \"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"entity\"}]}";

/* The stage stores canonical names, labels and rules as static strings owned by the
 * prepared gazetteer, so the pipeline must stay alive while a test reads the layer
 * (nk_test_process frees it on return). */
typedef struct {
  NkRegistry *registry;
  NkPipeline *pipeline;
  NkWorker   *worker;
} Run;

static gboolean
run_start (Run *r, const char *json, NkDocument *doc, GError **error)
{
  g_autofree char *base = nk_test_source_path ("tests/data");
  r->registry = nk_test_registry ();
  r->pipeline = nk_pipeline_load_data (r->registry, json, -1, "test.json", base, error);
  r->worker = r->pipeline ? nk_worker_new (r->pipeline, error) : NULL;
  return r->worker && nk_worker_process (r->worker, doc, NULL, error);
}

static void
run_stop (Run *r)
{
  g_clear_pointer (&r->worker, nk_worker_free);
  g_clear_pointer (&r->pipeline, nk_pipeline_free);
  g_clear_pointer (&r->registry, nk_registry_free);
}

static NkDocument *
run_text (Run *r, const char *json, const char *text)
{
  g_autoptr (GError) error = NULL;
  NkDocument *doc = nk_document_new ("test", "test", NK_FORMAT_TEXT);
  nk_document_set_text (doc, text, -1);
  run_start (r, json, doc, &error);
  g_assert_no_error (error);
  return doc;
}

static void
test_stage_layer (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("d", "d", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  nk_document_set_text (doc, "Secretary of State Mike Pompeo met Kim Yong-chol on Thursday. "
                             "Mr. Pompeo said the talks in Pyongyang went well.", -1);
  nk_document_set_meta_string (doc, "date", "2018-10-05");
  Run r = { 0 };
  run_start (&r, pipeline, doc, &error);
  g_assert_no_error (error);

  NkLayer *layer = nk_document_get_layer (doc, "entities");
  g_assert_nonnull (layer);
  int label = nk_layer_find_attr (layer, "label"), canon = nk_layer_find_attr (layer, "canonical");
  int rule = nk_layer_find_attr (layer, "rule"), role = nk_layer_find_attr (layer, "role");
  int value = nk_layer_find_attr (layer, "value");
  g_assert_cmpint (label, >=, 0);
  g_assert_cmpint (value, >=, 0);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 5);

  g_autofree char *t0 = nk_test_span_text (doc, layer, 0);
  g_assert_cmpstr (t0, ==, "Mike Pompeo");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, label), ==, "PERSON");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, role), ==, "Secretary of State");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, rule), ==, "gazetteer:people");
  g_assert_cmpstr (nk_layer_get_string (layer, 2, label), ==, "DATE");
  g_assert_cmpstr (nk_layer_get_string (layer, 2, value), ==, "2018-10-04");
  g_assert_false (nk_layer_has_value (layer, 2, canon));
  g_autofree char *t3 = nk_test_span_text (doc, layer, 3);
  g_assert_cmpstr (t3, ==, "Pompeo");
  g_assert_cmpstr (nk_layer_get_string (layer, 3, canon), ==, "Mike Pompeo");
  g_assert_false (nk_layer_has_value (layer, 3, role));   /* "Mr." is no role */
  g_assert_cmpstr (nk_layer_get_string (layer, 4, canon), ==, "Pyongyang");

  /* meta.entities: first-mention order, counts, roles */
  JsonNode *meta = nk_document_get_meta (doc, "entities");
  g_assert_nonnull (meta);
  JsonArray *arr = json_node_get_array (meta);
  g_assert_cmpuint (json_array_get_length (arr), ==, 3);
  JsonObject *first = json_array_get_object_element (arr, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "canonical"), ==, "Mike Pompeo");
  g_assert_cmpstr (json_object_get_string_member (first, "label"), ==, "PERSON");
  g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 2);
  JsonArray *roles = json_object_get_array_member (first, "roles");
  g_assert_cmpuint (json_array_get_length (roles), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "Secretary of State");
  run_stop (&r);
}

/* Without a document date (bare sentences) DATE values are null. */
static void
test_stage_no_date (void)
{
  Run r = { 0 };
  g_autoptr (NkDocument) doc = run_text (&r, pipeline, "Talks resume next week.");
  NkLayer *layer = nk_document_get_layer (doc, "entities");
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 1);
  g_assert_false (nk_layer_has_value (layer, 0, nk_layer_find_attr (layer, "value")));
  run_stop (&r);
}

static void
test_stage_bad_gazetteer (void)
{
  g_autofree char *path = write_temp ("bad.tsv", "Acme\tCOMPANY\n");
  g_autofree char *json = g_strdup_printf (
    "{\"name\": \"t\", \"stages\": [{\"plugin\": \"segment\"}, "
    "{\"plugin\": \"entity\", \"config\": {\"gazetteer\": \"%s\"}}]}", path);
  g_autoptr (NkDocument) doc = nk_document_new ("d", "d", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("%s:1:", path);

  nk_document_set_text (doc, "Hello.", -1);
  g_assert_false (nk_test_process (json, doc, &error));
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "gazetteer"));
  remove_temp (path);
}

static void
test_stage_user_gazetteer (void)
{
  g_autofree char *path = write_temp ("user.tsv", "Zorblat Industries\tORG\tZorblat\n");
  g_autofree char *json = g_strdup_printf (
    "{\"name\": \"t\", \"stages\": [{\"plugin\": \"segment\"}, "
    "{\"plugin\": \"entity\", \"config\": {\"gazetteer\": \"%s\"}}]}", path);
  Run r = { 0 };
  g_autoptr (NkDocument) doc = run_text (&r, json, "Shares of Zorblat fell.");
  NkLayer *layer = nk_document_get_layer (doc, "entities");
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 1);
  g_assert_cmpstr (nk_layer_get_string (layer, 0, nk_layer_find_attr (layer, "canonical")), ==,
                   "Zorblat Industries");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, nk_layer_find_attr (layer, "rule")), ==,
                   "gazetteer:user");
  run_stop (&r);
  remove_temp (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/entity/cases", test_cases);
  g_test_add_func ("/entity/edge-texts", test_edge_texts);
  g_test_add_func ("/entity/user/tsv-bad-label", test_user_tsv_bad_label);
  g_test_add_func ("/entity/user/tsv-bad-fields", test_user_tsv_bad_fields);
  g_test_add_func ("/entity/user/tsv-bad-flag", test_user_tsv_bad_flag);
  g_test_add_func ("/entity/user/json-syntax", test_user_json_syntax);
  g_test_add_func ("/entity/user/json-bad-entry", test_user_json_bad_entry);
  g_test_add_func ("/entity/user/missing-file", test_user_missing_file);
  g_test_add_func ("/entity/user/pins-canonical", test_user_pins_canonical);
  g_test_add_func ("/entity/stage/layer", test_stage_layer);
  g_test_add_func ("/entity/stage/no-date", test_stage_no_date);
  g_test_add_func ("/entity/stage/bad-gazetteer", test_stage_bad_gazetteer);
  g_test_add_func ("/entity/stage/user-gazetteer", test_stage_user_gazetteer);
  int ret = g_test_run ();
  nk_entity_gazetteer_free (shared_gz);
  return ret;
}
