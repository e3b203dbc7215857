/* tests/core/test-document.c — the document model: text, meta, warnings, layers. */
#include "nk-test-util.h"

static const NkAttrInfo attrs[] = {
  { "label", NK_ATTR_STRING },
  { "n", NK_ATTR_INT },
  { "score", NK_ATTR_DOUBLE },
  { "ok", NK_ATTR_BOOL },
  { "at", NK_ATTR_OFFSET },
  { "list", NK_ATTR_JSON },
  { "evidence", NK_ATTR_JSON_TEXT },
};
static const NkLayerInfo custom = NK_LAYER_INFO ("custom", attrs);
static const NkLayerInfo plain = NK_LAYER_INFO_PLAIN ("plain");

static void
test_text_and_meta (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d1", "src.txt", NK_FORMAT_TEXT);
  gsize len;
  JsonNode *value;

  g_assert_cmpstr (nk_document_get_id (doc), ==, "d1");
  g_assert_cmpstr (nk_document_get_source (doc), ==, "src.txt");
  g_assert_cmpstr (nk_document_get_text (doc, &len), ==, "");
  g_assert_cmpuint (len, ==, 0);
  nk_document_set_text (doc, "Kim’s talks", -1);
  g_assert_cmpstr (nk_document_get_text (doc, &len), ==, "Kim’s talks");
  g_assert_cmpuint (len, ==, strlen ("Kim’s talks"));

  nk_document_set_text (doc, "a\0b", 3);
  g_assert_cmpmem (nk_document_get_text (doc, &len), 4, "a\0b", 4);
  g_assert_cmpuint (len, ==, 3);

  nk_document_set_meta_string (doc, "title", "A title");
  nk_document_set_meta_string (doc, "custom", "x");
  nk_document_set_meta_string (doc, "title", "Replaced");
  g_assert_cmpstr (nk_document_get_meta_string (doc, "title"), ==, "Replaced");
  g_assert_cmpuint (nk_document_get_n_meta (doc), ==, 2);
  g_assert_cmpstr (nk_document_get_nth_meta (doc, 1, &value), ==, "custom");
  g_assert_cmpstr (json_node_get_string (value), ==, "x");
  nk_document_set_meta_string (doc, "author", NULL);
  g_assert_null (nk_document_get_meta_string (doc, "author"));
  g_assert_true (JSON_NODE_HOLDS_NULL (nk_document_get_meta (doc, "author")));
  g_assert_null (nk_document_get_meta (doc, "missing"));

  nk_document_add_warning (doc, "%d things", 3);
  g_assert_cmpuint (nk_document_get_n_warnings (doc), ==, 1);
  g_assert_cmpstr (nk_document_get_warning (doc, 0), ==, "3 things");
}

static void
test_meta_json (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  const char *raw;
  gsize len = 0;
  JsonNode *node;
  char *json = g_strdup ("[{\"start\":0,\"end\":3}]");

  nk_document_set_meta_string (doc, "removed", "first a string");
  nk_document_take_meta_json (doc, "removed", json, strlen (json));
  g_assert_cmpuint (nk_document_get_n_meta (doc), ==, 1);
  raw = nk_document_get_nth_meta_json (doc, 0, &len);
  g_assert_cmpstr (raw, ==, "[{\"start\":0,\"end\":3}]");
  g_assert_cmpuint (len, ==, 21);
  /* parsed on first use */
  node = nk_document_get_meta (doc, "removed");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (node), 0), "end"), ==, 3);
  /* replaced by a node: no raw text any more */
  nk_document_set_meta_string (doc, "removed", "x");
  g_assert_null (nk_document_get_nth_meta_json (doc, 0, NULL));
  g_assert_cmpstr (nk_document_get_meta_string (doc, "removed"), ==, "x");
}

static void
test_layer_attrs (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  NkLayer *layer;
  guint i, j;
  JsonNode *list;

  nk_document_set_text (doc, "North Korea said no.", -1);
  layer = nk_document_add_layer (doc, &custom);
  g_assert_true (nk_document_get_layer (doc, "custom") == layer);
  g_assert_cmpint (nk_layer_find_attr (layer, "score"), ==, 2);
  g_assert_cmpint (nk_layer_find_attr (layer, "nope"), ==, -1);

  i = nk_layer_add (layer, 0, 11);
  j = nk_layer_add (layer, 12, 16);
  nk_layer_set_string (layer, i, 0, "GPE", -1);
  nk_layer_set_int (layer, i, 1, -7);
  nk_layer_set_double (layer, i, 2, 0.25);
  nk_layer_set_bool (layer, i, 3, TRUE);
  nk_layer_set_offset (layer, i, 4, 20);
  list = json_from_string ("[1, \"two\"]", NULL);
  nk_layer_take_json (layer, i, 5, list);

  g_assert_cmpstr (nk_layer_get_string (layer, i, 0), ==, "GPE");
  g_assert_cmpint (nk_layer_get_int (layer, i, 1), ==, -7);
  g_assert_cmpfloat (nk_layer_get_double (layer, i, 2), ==, 0.25);
  g_assert_true (nk_layer_get_bool (layer, i, 3));
  g_assert_cmpuint (nk_layer_get_offset (layer, i, 4), ==, 20);
  g_assert_true (nk_layer_get_json (layer, i, 5) == list);
  nk_layer_set_json_text (layer, i, 6, "{\"cues\":[\"progress\"]}", 21);
  g_assert_cmpstr (nk_layer_get_json_text (layer, i, 6), ==, "{\"cues\":[\"progress\"]}");
  for (guint k = 0; k < 7; k++)
    {
      g_assert_true (nk_layer_has_value (layer, i, k));
      g_assert_false (nk_layer_has_value (layer, j, k));
    }
  g_assert_null (nk_layer_get_string (layer, j, 0));
  nk_layer_set_string (layer, i, 0, NULL, -1);
  g_assert_false (nk_layer_has_value (layer, i, 0));
  nk_layer_set_static_string (layer, j, 0, "static");
  g_assert_cmpstr (nk_layer_get_string (layer, j, 0), ==, "static");
}

static void
test_layer_many_spans (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  g_autoptr(GString) text = g_string_new (NULL);
  NkLayer *layer;
  const NkSpan *spans;
  guint n;

  for (int i = 0; i < 10000; i++)
    g_string_append (text, "ab ");
  nk_document_set_text (doc, text->str, (gssize) text->len);
  layer = nk_document_add_layer (doc, &plain);
  nk_layer_reserve (layer, 10000);
  for (guint i = 0; i < 10000; i++)
    nk_layer_add (layer, i * 3, i * 3 + 2);
  spans = nk_layer_get_spans (layer, &n);
  g_assert_cmpuint (n, ==, 10000);
  g_assert_cmpuint (spans[9999].start, ==, 29997);
  g_assert_cmpuint (spans[9999].end, ==, 29999);
}

/* Values and strings set before the layer grows (spans, masks and values share one block,
 * strings live in the document's arena) read back unchanged after it has grown many times. */
static void
test_layer_values_survive_growth (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  g_autoptr(GString) text = g_string_new (NULL);
  NkLayer *layer;
  char word[32];

  for (int i = 0; i < 5000; i++)
    g_string_append (text, "ab ");
  nk_document_set_text (doc, text->str, (gssize) text->len);
  layer = nk_document_add_layer (doc, &custom);
  for (guint i = 0; i < 5000; i++)
    {
      guint k = nk_layer_add (layer, i * 3, i * 3 + 2);
      g_snprintf (word, sizeof word, "w%u", i);
      if (i % 3 != 1)
        nk_layer_set_string (layer, k, 0, word, -1);
      nk_layer_set_int (layer, k, 1, (gint64) i * 7);
      if (i % 5 == 0)
        nk_layer_set_json_text (layer, k, 6, "[1]", 3);
    }
  for (guint i = 0; i < 5000; i++)
    {
      g_snprintf (word, sizeof word, "w%u", i);
      g_assert_cmpstr (nk_layer_get_string (layer, i, 0), ==, i % 3 != 1 ? word : NULL);
      g_assert_cmpint (nk_layer_get_int (layer, i, 1), ==, (gint64) i * 7);
      g_assert_false (nk_layer_has_value (layer, i, 2));
      g_assert_cmpint (nk_layer_has_value (layer, i, 6), ==, i % 5 == 0);
    }
  g_assert_cmpuint (nk_layer_get_spans (layer, NULL)[4999].start, ==, 14997);
}

static const NkAttrInfo score_attrs[] = {
  { "label", NK_ATTR_STRING },
  { "neg", NK_ATTR_DOUBLE },
  { "neu", NK_ATTR_DOUBLE },
  { "pos", NK_ATTR_DOUBLE },
  { "n", NK_ATTR_INT },
};
static const NkLayerInfo scores = NK_LAYER_INFO ("scores", score_attrs);

static void
test_layer_set_doubles (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  const double v[] = { 0.25, 0.5, -1.0 };
  NkLayer *layer;

  nk_document_set_text (doc, "one two", -1);
  layer = nk_document_add_layer (doc, &scores);
  nk_layer_add (layer, 0, 3);
  nk_layer_add (layer, 4, 7);
  nk_layer_set_doubles (layer, 1, 1, v, 3);
  g_assert_cmpfloat (nk_layer_get_double (layer, 1, 1), ==, 0.25);
  g_assert_cmpfloat (nk_layer_get_double (layer, 1, 2), ==, 0.5);
  g_assert_cmpfloat (nk_layer_get_double (layer, 1, 3), ==, -1.0);
  g_assert_false (nk_layer_has_value (layer, 1, 0));
  g_assert_false (nk_layer_has_value (layer, 1, 4));
  for (guint k = 0; k < 5; k++)
    g_assert_false (nk_layer_has_value (layer, 0, k));
  nk_layer_set_doubles (layer, 0, 2, v, 0);   /* nothing */
  g_assert_false (nk_layer_has_value (layer, 0, 2));
}

/* A run that names a non-double attribute sets nothing and says which check failed. */
static void
test_layer_set_doubles_wrong_type (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
      const double v[] = { 0.25, 0.5, -1.0, 2.0 };
      NkLayer *layer;

      nk_document_set_text (doc, "one", -1);
      layer = nk_document_add_layer (doc, &scores);
      nk_layer_add (layer, 0, 3);
      nk_layer_set_doubles (layer, 0, 1, v, 4);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*NK_ATTR_DOUBLE*");
}

static void
test_set_text_drops_layers (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);

  nk_document_set_text (doc, "one two", -1);
  nk_document_add_layer (doc, &plain);
  g_assert_cmpuint (nk_document_get_n_layers (doc), ==, 1);
  nk_document_set_text (doc, "new", -1);
  g_assert_cmpuint (nk_document_get_n_layers (doc), ==, 0);
  g_assert_null (nk_document_get_layer (doc, "plain"));
}

static void
test_replace_layer (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  NkLayer *a, *b;

  nk_document_set_text (doc, "one two", -1);
  a = nk_document_add_layer (doc, &plain);
  nk_layer_add (a, 0, 3);
  b = nk_document_add_layer (doc, &plain);
  g_assert_cmpuint (nk_document_get_n_layers (doc), ==, 1);
  g_assert_cmpuint (nk_layer_get_n_spans (b), ==, 0);
}

static void
test_span_out_of_range (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
      NkLayer *layer;

      nk_document_set_text (doc, "abc", -1);
      layer = nk_document_add_layer (doc, &plain);
      nk_layer_add (layer, 2, 10);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*end <= layer->doc->text_len*");
}

static void
test_invalid_text_rejected (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
      nk_document_set_text (doc, "bad \xff", -1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*nk_utf8_validate*");
}

static void
test_repair (void)
{
  g_autoptr(NkDocument) doc = nk_document_new ("d", NULL, NK_FORMAT_TEXT);
  guint n = nk_document_set_text_repair (doc, "a\xff" "b\xe2\x80" "c\xed\xa0\x80" "d", 10);

  /* \xff: one; \xe2\x80 (truncated 3-byte): one; \xed\xa0\x80 (surrogate): three. */
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpstr (nk_document_get_text (doc, NULL), ==,
                   "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/text-and-meta", test_text_and_meta);
  g_test_add_func ("/document/meta-json", test_meta_json);
  g_test_add_func ("/document/layer/attrs", test_layer_attrs);
  g_test_add_func ("/document/layer/many-spans", test_layer_many_spans);
  g_test_add_func ("/document/layer/values-survive-growth", test_layer_values_survive_growth);
  g_test_add_func ("/document/layer/set-doubles", test_layer_set_doubles);
  g_test_add_func ("/document/layer/set-doubles/wrong-type", test_layer_set_doubles_wrong_type);
  g_test_add_func ("/document/layer/replace", test_replace_layer);
  g_test_add_func ("/document/layer/out-of-range", test_span_out_of_range);
  g_test_add_func ("/document/set-text/drops-layers", test_set_text_drops_layers);
  g_test_add_func ("/document/set-text/invalid-utf8", test_invalid_text_rejected);
  g_test_add_func ("/document/repair", test_repair);
  return g_test_run ();
}
