/* test-quotes.c — the quotes engine on table cases (tests/quotes/cases.txt), its error
 * paths, and the `quotes` stage through the built modules.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#ifndef NK_QUOTES_STANDALONE
#include "nk-test-util.h"
#endif
#include "nk-quotes-engine.h"

#ifndef NK_TEST_SRCDIR
#define NK_TEST_SRCDIR "."
#endif

static NkQuoteLexicon *nk_test_lexicon;

static char *
nk_test_src (const char *relative)
{
  return g_build_filename (NK_TEST_SRCDIR, relative, NULL);
}

static NkQuoteLexicon *
nk_test_load_lexicon (void)
{
  g_autofree char *lexicon = nk_test_src ("data/quotes/lexicon.txt");
  g_autofree char *demonyms = nk_test_src ("data/quotes/demonyms.txt");
  g_autofree char *names = nk_test_src ("data/quotes/given-names.txt");
  g_autoptr (GError) error = NULL;
  NkQuoteLexicon *lex = nk_quote_lexicon_new_from_files (lexicon, demonyms, names, &error);

  g_assert_no_error (error);
  g_assert_nonnull (lex);
  return lex;
}

/* ---- table cases ---------------------------------------------------------------------- */

typedef struct {
  GString *text;
  GArray  *sentences;   /* NkQuoteRange */
  GArray  *paragraphs;  /* NkQuoteRange */
  GArray  *entities;    /* NkQuoteEntity */
  GPtrArray *strings;   /* canonical names and roles, owned */
} NkTestDoc;

static void
nk_test_doc_free (NkTestDoc *d)
{
  g_string_free (d->text, TRUE);
  g_array_unref (d->sentences);
  g_array_unref (d->paragraphs);
  g_array_unref (d->entities);
  g_ptr_array_unref (d->strings);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkTestDoc, nk_test_doc_free)

static void
nk_test_close_range (GArray  *ranges,
                     GString *text,
                     gsize   *start)
{
  gsize s = *start, e = text->len;
  while (s < e && text->str[s] == ' ')
    s++;
  while (e > s && text->str[e - 1] == ' ')
    e--;
  if (e > s)
    {
      NkQuoteRange r = { (guint32) s, (guint32) e };
      g_array_append_val (ranges, r);
    }
}

/* Parses the TEXT half of a case: entity markup, sentence and paragraph breaks. */
static NkTestDoc *
nk_test_doc_parse (const char *src,
                   GString    *problems)
{
  NkTestDoc *d = g_new0 (NkTestDoc, 1);
  gsize sent_start = 0, para_start = 0;

  d->text = g_string_new (NULL);
  d->sentences = g_array_new (FALSE, FALSE, sizeof (NkQuoteRange));
  d->paragraphs = g_array_new (FALSE, FALSE, sizeof (NkQuoteRange));
  d->entities = g_array_new (FALSE, FALSE, sizeof (NkQuoteEntity));
  d->strings = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = src; *p != '\0';)
    {
      if (g_str_has_prefix (p, " || "))
        {
          nk_test_close_range (d->sentences, d->text, &sent_start);
          g_string_append_c (d->text, ' ');
          sent_start = d->text->len;
          p += 4;
        }
      else if (g_str_has_prefix (p, " ¶ "))
        {
          nk_test_close_range (d->sentences, d->text, &sent_start);
          nk_test_close_range (d->paragraphs, d->text, &para_start);
          g_string_append (d->text, "\n\n");
          sent_start = para_start = d->text->len;
          p += strlen (" ¶ ");
        }
      else if (*p == '[' && strchr (p, ']') != NULL && memchr (p, '/', strchr (p, ']') - p))
        {
          const char *close = strchr (p, ']');
          g_autofree char *inner = g_strndup (p + 1, (gsize) (close - p - 1));
          char *slash = strchr (inner, '/');
          *slash = '\0';
          char *eq = strchr (slash + 1, '=');
          char *semi = eq != NULL ? strchr (eq + 1, ';') : NULL;
          if (eq != NULL)
            *eq = '\0';
          if (semi != NULL)
            *semi = '\0';
          NkQuoteEntity e = { (guint32) d->text->len, 0, nk_quote_label_from_string (slash + 1),
                              NULL, NULL };
          if (e.label == NK_QUOTE_LABEL_OTHER)
            g_string_append_printf (problems, "  bad label in [%s/%s]\n", inner, slash + 1);
          g_string_append (d->text, inner);
          e.end = (guint32) d->text->len;
          if (eq != NULL)
            {
              e.canonical = g_strdup (eq + 1);
              g_ptr_array_add (d->strings, (gpointer) e.canonical);
            }
          if (semi != NULL)
            {
              e.role = g_strdup (semi + 1);
              g_ptr_array_add (d->strings, (gpointer) e.role);
            }
          g_array_append_val (d->entities, e);
          p = close + 1;
        }
      else
        g_string_append_c (d->text, *p++);
    }
  nk_test_close_range (d->sentences, d->text, &sent_start);
  nk_test_close_range (d->paragraphs, d->text, &para_start);
  return d;
}

static NkQuoteInput
nk_test_doc_input (const NkTestDoc *d)
{
  NkQuoteInput in = {
    d->text->str, d->text->len,
    (const NkQuoteRange *) (gpointer) d->sentences->data, d->sentences->len,
    (const NkQuoteRange *) (gpointer) d->paragraphs->data, d->paragraphs->len,
    (const NkQuoteEntity *) (gpointer) d->entities->data, d->entities->len,
  };
  return in;
}

static char *
nk_test_describe (const NkTestDoc *d,
                  const NkQuote   *q,
                  guint            n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, " ;; ");
      g_string_append_len (s, d->text->str + q[i].start, q[i].end - q[i].start);
      g_string_append (s, " @ ");
      if (q[i].speaker != NULL)
        g_string_append_len (s, q[i].speaker, (gssize) q[i].speaker_len);
      else
        g_string_append (s, "null");
      g_string_append (s, q[i].partial ? " @ partial" : " @ full");
    }
  if (n == 0)
    g_string_append (s, "-");
  return g_string_free (s, FALSE);
}

/* Compares one expected item ("QUOTE @ SPEAKER [@ partial|full]") with a quotation. */
static gboolean
nk_test_item_matches (const NkTestDoc *d,
                      const NkQuote   *q,
                      const char      *item)
{
  g_auto (GStrv) parts = g_strsplit (item, " @ ", -1);
  guint n = g_strv_length (parts);
  if (n < 2 || n > 3)
    return FALSE;
  gsize ql = strlen (parts[0]);
  if (ql != q->end - q->start || memcmp (parts[0], d->text->str + q->start, ql) != 0)
    return FALSE;
  if (strcmp (parts[1], "null") == 0)
    {
      if (q->speaker != NULL)
        return FALSE;
    }
  else if (q->speaker == NULL || strlen (parts[1]) != q->speaker_len
           || memcmp (parts[1], q->speaker, q->speaker_len) != 0)
    return FALSE;
  if (n == 3 && (strcmp (parts[2], "partial") == 0) != q->partial)
    return FALSE;
  return TRUE;
}

static void
test_cases (void)
{
  g_autofree char *path = nk_test_src ("tests/quotes/cases.txt");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) failures = g_string_new (NULL);
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  guint n_cases = 0, n_failed = 0;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      const char *line = lines[l];
      if (line[0] == '\0' || line[0] == '#')
        continue;
      const char *arrow = strstr (line, " => ");
      if (arrow == NULL)
        {
          g_string_append_printf (failures, "cases.txt:%u: no \" => \"\n", l + 1);
          n_failed++;
          continue;
        }
      n_cases++;
      g_autofree char *src = g_strndup (line, (gsize) (arrow - line));
      g_autoptr (GString) problems = g_string_new (NULL);
      g_autoptr (NkTestDoc) d = nk_test_doc_parse (src, problems);
      NkQuoteInput in = nk_test_doc_input (d);
      guint n = 0;
      const NkQuote *q = nk_quote_finder_run (finder, &in, &n);

      const char *expected = arrow + 4;
      g_auto (GStrv) items = strcmp (expected, "-") == 0 ? g_new0 (char *, 1)
                                                         : g_strsplit (expected, " ;; ", -1);
      gboolean ok = problems->len == 0 && g_strv_length (items) == n;
      for (guint i = 0; ok && i < n; i++)
        ok = nk_test_item_matches (d, &q[i], items[i]);
      if (!ok)
        {
          g_autofree char *got = nk_test_describe (d, q, n);
          g_string_append_printf (failures, "cases.txt:%u: %s\n  expected: %s\n  got:      %s\n%s",
                                  l + 1, src, expected, got, problems->str);
          n_failed++;
        }
    }
  g_test_message ("%u cases, %u failed", n_cases, n_failed);
  if (n_failed > 0)
    {
      g_test_message ("%s", failures->str);
      g_test_fail_printf ("%u of %u quotation cases failed:\n%s", n_failed, n_cases,
                          failures->str);
    }
  g_assert_cmpuint (n_cases, >=, 40);
}

/* ---- engine details ------------------------------------------------------------------- */

static const NkQuote *
nk_test_run_text (NkQuoteFinder  *finder,
                  NkTestDoc     **doc_out,
                  const char     *src,
                  guint          *n)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  NkTestDoc *d = nk_test_doc_parse (src, problems);
  g_assert_cmpstr (problems->str, ==, "");
  NkQuoteInput in = nk_test_doc_input (d);
  *doc_out = d;
  return nk_quote_finder_run (finder, &in, n);
}

static void
test_mention_and_cue (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  g_autoptr (NkTestDoc) d = NULL;
  guint n = 0;
  const NkQuote *q = nk_test_run_text (finder, &d,
                                       "“We will keep talking to them,” said Mr. [Kim/PERSON=Kim Jong-un].",
                                       &n);

  g_assert_cmpuint (n, ==, 1);
  const char *text = d->text->str;
  /* the span excludes the marks but keeps the comma inside them */
  g_assert_cmpint (strncmp (text + q[0].start, "We will keep talking to them,", q[0].end - q[0].start), ==, 0);
  g_assert_cmpuint (q[0].start, ==, strlen ("“"));
  g_assert_true (q[0].has_mention);
  g_assert_cmpint (strncmp (text + q[0].mention_start, "Kim", 3), ==, 0);
  g_assert_cmpuint (q[0].mention_end - q[0].mention_start, ==, 3);
  g_assert_true (q[0].has_cue);
  g_assert_cmpint (strncmp (text + q[0].cue_start, "said", 4), ==, 0);
  g_assert_cmpuint (q[0].cue_end - q[0].cue_start, ==, 4);
  g_assert_false (q[0].partial);
  g_assert_false (q[0].continuation);
}

static void
test_continuation_flag (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  g_autoptr (NkTestDoc) d = NULL;
  guint n = 0;
  const NkQuote *q = nk_test_run_text (finder, &d,
    "“We are close to a deal,” [Lane/PERSON] said. || “But not there yet, not by a long way.”", &n);

  g_assert_cmpuint (n, ==, 2);
  g_assert_false (q[0].continuation);
  g_assert_true (q[1].continuation);
  g_assert_true (q[1].has_cue);
  g_assert_cmpint (strncmp (d->text->str + q[1].cue_start, "said", 4), ==, 0);
}

static void
test_empty_and_unmarked (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  NkQuoteInput empty = { "", 0, NULL, 0, NULL, 0, NULL, 0 };
  guint n = 99;

  nk_quote_finder_run (finder, &empty, &n);
  g_assert_cmpuint (n, ==, 0);

  const char *plain = "No quotation here, only an apostrophe’s shadow.";
  NkQuoteInput in = { plain, strlen (plain), NULL, 0, NULL, 0, NULL, 0 };
  n = 99;
  nk_quote_finder_run (finder, &in, &n);
  g_assert_cmpuint (n, ==, 0);
}

/* No sentences, paragraphs or entities: lines act as paragraphs and sentences. */
static void
test_bare_text (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  const char *text = "Intro line.\n“We have nothing more to add today,” said Anna Lindqvist.\n"
                     "“An unclosed quotation runs to the end of its paragraph\n";
  NkQuoteInput in = { text, strlen (text), NULL, 0, NULL, 0, NULL, 0 };
  guint n = 0;
  const NkQuote *q = nk_quote_finder_run (finder, &in, &n);

  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (q[0].speaker_len, ==, strlen ("Anna Lindqvist"));
  g_assert_cmpint (strncmp (q[0].speaker, "Anna Lindqvist", q[0].speaker_len), ==, 0);
  g_assert_cmpint (strncmp (text + q[1].start, "An unclosed", 11), ==, 0);
  g_assert_cmpuint (q[1].end, ==, strlen (text) - 1);
}

/* A finder's results depend only on the current input. */
static void
test_reuse (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  g_autoptr (NkTestDoc) a = NULL;
  g_autoptr (NkTestDoc) b = NULL;
  guint n = 0;

  nk_test_run_text (finder, &a, "“One two three four,” said [Ann/PERSON]. || “Five six seven.”", &n);
  g_assert_cmpuint (n, ==, 2);
  const NkQuote *q = nk_test_run_text (finder, &b, "“Eight nine ten eleven,” he said.", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_null (q[0].speaker);  /* no antecedent in this text */
  g_assert_false (q[0].continuation);
}

/* Invalid UTF-8 and marks at the very end must not read past the text. */
static void
test_robust_bytes (void)
{
  g_autoptr (NkQuoteFinder) finder = nk_quote_finder_new (nk_test_lexicon);
  static const char *const texts[] = {
    "\xE2\x80", "“", "”", "\"", "a \"", "“\xE2\x80\x9D", "“one two three\xE2",
    "\xFF\xFE “quoted words here,” \xC3 said \xE2\x80\x9C",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *copy = g_strdup (texts[i]);  /* exact length for ASan */
      NkQuoteInput in = { copy, strlen (copy), NULL, 0, NULL, 0, NULL, 0 };
      guint n = 0;
      const NkQuote *q = nk_quote_finder_run (finder, &in, &n);
      for (guint k = 0; k < n; k++)
        g_assert_cmpuint (q[k].end, <=, strlen (copy));
    }
}

/* ---- lexicon errors ------------------------------------------------------------------- */

static void
nk_test_lexicon_error3 (const char *lexicon,
                        const char *demonyms,
                        const char *names,
                        const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NkQuoteLexicon) lex = nk_quote_lexicon_new_from_data (lexicon, strlen (lexicon),
                                                                   "lex.txt", demonyms,
                                                                   strlen (demonyms), "dem.txt",
                                                                   names, strlen (names),
                                                                   "names.txt", &error);
  g_assert_null (lex);
  g_assert_error (error, NK_QUOTE_ERROR, NK_QUOTE_ERROR_PARSE);
  if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static void
nk_test_lexicon_error (const char *lexicon,
                       const char *demonyms,
                       const char *fragment)
{
  nk_test_lexicon_error3 (lexicon, demonyms, "", fragment);
}

static void
test_lexicon_errors (void)
{
  nk_test_lexicon_error ("verb said\nnoun dog\n", "", "lex.txt:2: unknown kind");
  nk_test_lexicon_error ("verb\n", "", "lex.txt:1: expected");
  nk_test_lexicon_error ("phrase according\n", "", "lex.txt:1: a phrase needs");
  nk_test_lexicon_error ("verb said\nverb said so\n", "", "lex.txt:2: only \"phrase\"");
  nk_test_lexicon_error ("skip also\n", "", "no reporting verbs");
  nk_test_lexicon_error ("verb said\n", "Korean Korea\n", "dem.txt:1: expected");
  nk_test_lexicon_error ("verb said\n\xFF\n", "", "not valid UTF-8");
  nk_test_lexicon_error3 ("verb said\n", "", "# names\nX Alice\n", "names.txt:2: expected");
  nk_test_lexicon_error3 ("verb said\n", "", "Malice\n", "names.txt:1: expected");
}

static void
test_lexicon_ok (void)
{
  const char *lexicon = "# comment\n\nverb   said\nphrase According  To\nverb said\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (NkQuoteLexicon) lex = nk_quote_lexicon_new_from_data (lexicon, strlen (lexicon),
                                                                   "lex", "", 0, "dem",
                                                                   "M Bob\n", 6, "names", &error);
  g_assert_no_error (error);
  /* "said", "according to" and the phrase head "according" */
  g_assert_cmpuint (nk_quote_lexicon_get_size (lex), ==, 3);
  g_assert_cmpuint (nk_quote_lexicon_get_size (nk_test_lexicon), >, 300);
}

static void
test_lexicon_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NkQuoteLexicon) lex = nk_quote_lexicon_new_from_files ("/nonexistent/lexicon.txt",
                                                                    "/nonexistent/d.txt",
                                                                    "/nonexistent/n.txt", &error);
  g_assert_null (lex);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_labels (void)
{
  g_assert_cmpint (nk_quote_label_from_string ("PERSON"), ==, NK_QUOTE_LABEL_PERSON);
  g_assert_cmpint (nk_quote_label_from_string ("FACILITY"), ==, NK_QUOTE_LABEL_FACILITY);
  g_assert_cmpint (nk_quote_label_from_string ("DATE"), ==, NK_QUOTE_LABEL_DATE);
  g_assert_cmpint (nk_quote_label_from_string ("person"), ==, NK_QUOTE_LABEL_OTHER);
  g_assert_cmpint (nk_quote_label_from_string (NULL), ==, NK_QUOTE_LABEL_OTHER);
}

#ifndef NK_QUOTES_STANDALONE
/* ---- the stage ------------------------------------------------------------------------ */

static NkRegistry *
nk_test_quotes_registry (void)
{
  const char *dirs[] = { NK_TEST_PLUGINDIR, NK_TEST_QUOTES_FIXTUREDIR, NULL };
  return nk_registry_new (dirs, NK_TEST_DATADIR);
}

static gboolean
nk_test_quotes_run (const char  *pipeline_json,
                    NkDocument  *doc,
                    GError     **error)
{
  g_autoptr (NkRegistry) registry = nk_test_quotes_registry ();
  g_autofree char *base = nk_test_source_path ("tests/quotes");
  g_autoptr (NkPipeline) pipeline = nk_pipeline_load_data (registry, pipeline_json, -1,
                                                           "quotes-test.json", base, error);
  if (pipeline == NULL || !nk_pipeline_prepare (pipeline, error))
    return FALSE;
  g_autoptr (NkWorker) worker = nk_worker_new (pipeline, error);
  if (worker == NULL)
    return FALSE;
  return nk_worker_process (worker, doc, NULL, error);
}

static const char nk_fixture_pipeline[] =
  "{\"name\": \"quotes-test\", \"stages\": ["
  " {\"plugin\": \"segment\"},"
  " {\"plugin\": \"quotes-fixture\", \"config\": {\"entities\": ["
  "   {\"text\": \"Pompeo\", \"label\": \"PERSON\", \"canonical\": \"Mike Pompeo\"},"
  "   {\"text\": \"State Department\", \"label\": \"ORG\", \"canonical\": \"U.S. Department of State\"}]}},"
  " {\"plugin\": \"quotes\"}]}";

static void
test_stage_fixture (void)
{
  const char *text = "“We are making real progress,” Mr. Pompeo said on Sunday.\n\n"
                     "The State Department said the visit was “long overdue and welcome.”\n\n"
                     "A senior official said the mood was “better than the last time.”\n";
  g_autoptr (NkDocument) doc = nk_document_new ("q1", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  nk_document_set_text (doc, text, -1);
  nk_test_quotes_run (nk_fixture_pipeline, doc, &error);
  g_assert_no_error (error);

  NkLayer *layer = nk_document_get_layer (doc, "quotes");
  g_assert_nonnull (layer);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 3);
  int speaker = nk_layer_find_attr (layer, "speaker");
  int sp_start = nk_layer_find_attr (layer, "speaker_start");
  int sp_end = nk_layer_find_attr (layer, "speaker_end");
  int cue = nk_layer_find_attr (layer, "cue");
  int partial = nk_layer_find_attr (layer, "partial");
  g_assert_cmpint (speaker, >=, 0);
  g_assert_cmpint (sp_start, >=, 0);
  g_assert_cmpint (sp_end, >=, 0);
  g_assert_cmpint (cue, >=, 0);
  g_assert_cmpint (partial, >=, 0);

  g_autofree char *q0 = nk_test_span_text (doc, layer, 0);
  g_assert_cmpstr (q0, ==, "We are making real progress,");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, speaker), ==, "Mike Pompeo");
  gsize ms = nk_layer_get_offset (layer, 0, sp_start), me = nk_layer_get_offset (layer, 0, sp_end);
  g_assert_cmpuint (me - ms, ==, strlen ("Pompeo"));
  g_assert_cmpint (strncmp (text + ms, "Pompeo", me - ms), ==, 0);
  g_assert_cmpstr (nk_layer_get_string (layer, 0, cue), ==, "said");
  g_assert_false (nk_layer_get_bool (layer, 0, partial));

  g_assert_cmpstr (nk_layer_get_string (layer, 1, speaker), ==, "U.S. Department of State");
  g_assert_true (nk_layer_get_bool (layer, 1, partial));

  /* an unnamed source: no speaker, but the mention is recorded */
  g_assert_false (nk_layer_has_value (layer, 2, (guint) speaker));
  g_assert_true (nk_layer_has_value (layer, 2, (guint) sp_start));
  g_assert_cmpstr (nk_layer_get_string (layer, 2, cue), ==, "said");
}

/* Runs @text through two pipelines that must give the same quotes (spans and speakers);
 * returns the second one's document (its quotes layer checked present), for more checks. */
static NkDocument *
nk_test_same_quotes (const char *text,
                     const char *json_a,
                     const char *json_b,
                     guint      *n_quotes)
{
  const char *jsons[2] = { json_a, json_b };
  NkDocument *docs[2];
  NkLayer *layers[2];

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (GError) error = NULL;
      docs[k] = nk_document_new ("same", "test", NK_FORMAT_TEXT);
      nk_document_set_text (docs[k], text, -1);
      nk_test_quotes_run (jsons[k], docs[k], &error);
      g_assert_no_error (error);
      layers[k] = nk_document_get_layer (docs[k], "quotes");
      g_assert_nonnull (layers[k]);
    }
  guint n = 0, nb = 0;
  const NkSpan *a = nk_layer_get_spans (layers[0], &n), *b = nk_layer_get_spans (layers[1], &nb);
  int speaker = nk_layer_find_attr (layers[0], "speaker");
  g_assert_cmpuint (nb, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (a[i].start, ==, b[i].start);
      g_assert_cmpuint (a[i].end, ==, b[i].end);
      g_assert_cmpstr (nk_layer_get_string (layers[0], i, (guint) speaker), ==,
                       nk_layer_get_string (layers[1], i, (guint) speaker));
    }
  nk_document_free (docs[0]);
  *n_quotes = n;
  return docs[1];
}

#define NK_TEST_POMPEO_PIPELINE(extra_stage, fixture_config) \
  "{\"name\": \"quotes-test\", \"stages\": [{\"plugin\": \"segment\"}," extra_stage \
  " {\"plugin\": \"quotes-fixture\", \"config\": {" fixture_config "\"entities\": [" \
  "   {\"text\": \"Pompeo\", \"label\": \"PERSON\", \"canonical\": \"Mike Pompeo\"}," \
  "   {\"text\": \"Sunday\", \"label\": \"DATE\"}," \
  "   {\"text\": \"State Department\", \"label\": \"ORG\"}]}}," \
  " {\"plugin\": \"quotes\"}]}"

/* Paragraphs from a provider that writes them unsorted and overlapping give the quotes that
 * segment's own paragraphs give (the stage sorts them and drops the overlaps). */
static void
test_stage_unsorted_paragraphs (void)
{
  const char *text = "“We are making real progress,” Mr. Pompeo said on Sunday.\n\n"
                     "“The talks will go on. There is much to do.\n\n"
                     "“And we will do it,” Pompeo added.\n\n"
                     "The State Department said the visit was “long overdue and welcome.”\n";
  guint n = 0;
  NkDocument *doc = nk_test_same_quotes (text, NK_TEST_POMPEO_PIPELINE ("", ""),
    NK_TEST_POMPEO_PIPELINE (" {\"plugin\": \"quotes-fixture-paragraphs\"},", ""), &n);

  g_assert_cmpuint (n, >=, 4);
  nk_document_free (doc);
}

/* The stage reads the entities layer in text order whatever order it was written in. */
static void
test_stage_unsorted_entities (void)
{
  const char *text = "“We are making real progress,” Mr. Pompeo said on Sunday.\n\n"
                     "The State Department said the visit was “long overdue and welcome.”\n\n"
                     "“It went well,” Pompeo said. “He was very clear,” he added.\n";
  guint n = 0;
  NkDocument *doc = nk_test_same_quotes (text, NK_TEST_POMPEO_PIPELINE ("", "\"reverse\": false, "),
                                         NK_TEST_POMPEO_PIPELINE ("", "\"reverse\": true, "), &n);
  NkLayer *layer = nk_document_get_layer (doc, "quotes");
  int speaker = nk_layer_find_attr (layer, "speaker");

  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpstr (nk_layer_get_string (layer, 0, (guint) speaker), ==, "Mike Pompeo");
  g_assert_cmpstr (nk_layer_get_string (layer, 3, (guint) speaker), ==, "Mike Pompeo");
  nk_document_free (doc);
}

static void
test_stage_requires_entities (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("q2", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  const char *json = "{\"name\": \"q\", \"stages\": [{\"plugin\": \"segment\"},"
                     " {\"plugin\": \"quotes\"}]}";

  nk_document_set_text (doc, "“Some quoted words here,” he said.", -1);
  g_assert_false (nk_test_quotes_run (json, doc, &error));
  g_assert_error (error, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_LAYERS);
  g_assert_nonnull (strstr (error->message, "entities"));
}

static void
nk_test_stage_data_error (const char *config,
                          const char *fragment)
{
  g_autoptr (NkDocument) doc = nk_document_new ("q3", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"name\": \"q\", \"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"quotes-fixture\"},"
    " {\"plugin\": \"quotes\", \"config\": {%s}}]}", config);

  nk_document_set_text (doc, "text", -1);
  g_assert_false (nk_test_quotes_run (json, doc, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static void
test_stage_bad_data (void)
{
  nk_test_stage_data_error ("\"lexicon\": \"no-such-lexicon.txt\"", "no-such-lexicon.txt");
  nk_test_stage_data_error ("\"lexicon\": \"bad-lexicon.txt\"", "bad-lexicon.txt:3: unknown kind");
  nk_test_stage_data_error ("\"demonyms\": \"bad-lexicon.txt\"", "bad-lexicon.txt:2: expected");
  nk_test_stage_data_error ("\"given_names\": \"bad-lexicon.txt\"", "bad-lexicon.txt:2: expected");
}

/* A configured lexicon replaces the built-in one: only its verb is a cue. */
static void
test_stage_custom_lexicon (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("q5", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  const char *json =
    "{\"name\": \"q\", \"stages\": [{\"plugin\": \"segment\"},"
    " {\"plugin\": \"quotes-fixture\", \"config\": {\"entities\": [{\"text\": \"Pompeo\"}]}},"
    " {\"plugin\": \"quotes\", \"config\": {\"lexicon\": \"custom-lexicon.txt\"}}]}";

  nk_document_set_text (doc, "“We will be back very soon,” Pompeo uttered.\n\n"
                             "Pompeo said the trip was “a very good one indeed.”\n", -1);
  nk_test_quotes_run (json, doc, &error);
  g_assert_no_error (error);
  NkLayer *layer = nk_document_get_layer (doc, "quotes");
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 2);
  int speaker = nk_layer_find_attr (layer, "speaker");
  int cue = nk_layer_find_attr (layer, "cue");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, (guint) speaker), ==, "Pompeo");
  g_assert_cmpstr (nk_layer_get_string (layer, 0, (guint) cue), ==, "uttered");
  g_assert_false (nk_layer_has_value (layer, 1, (guint) cue));
  g_assert_false (nk_layer_has_value (layer, 1, (guint) speaker));
}

/* segment -> entity -> quotes, when the entity plugin is built. */
static void
test_stage_entity (void)
{
  g_autofree char *module = g_build_filename (NK_TEST_PLUGINDIR, "nk-entity.so", NULL);
  if (!g_file_test (module, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the entity plugin is not built");
      return;
    }
  const char *json = "{\"name\": \"q\", \"stages\": [{\"plugin\": \"segment\"},"
                     " {\"plugin\": \"entity\"}, {\"plugin\": \"quotes\"}]}";
  const char *text =
    "Secretary of State Mike Pompeo met North Korean officials in Pyongyang on Sunday.\n\n"
    "“We had a very productive conversation,” Mr. Pompeo said after the meeting.\n\n"
    "“There is a lot of work ahead,” he added.\n\n"
    "A senior official said the talks were “more cordial than last time.”\n";
  g_autoptr (NkDocument) doc = nk_document_new ("q4", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  nk_document_set_text (doc, text, -1);
  nk_test_quotes_run (json, doc, &error);
  g_assert_no_error (error);
  NkLayer *layer = nk_document_get_layer (doc, "quotes");
  g_assert_nonnull (layer);
  g_assert_cmpuint (nk_layer_get_n_spans (layer), ==, 3);
  int speaker = nk_layer_find_attr (layer, "speaker");
  const char *s0 = nk_layer_get_string (layer, 0, (guint) speaker);
  const char *s1 = nk_layer_get_string (layer, 1, (guint) speaker);
  g_assert_nonnull (s0);
  g_assert_nonnull (strstr (s0, "Pompeo"));
  g_assert_cmpstr (s1, ==, s0);
  g_assert_false (nk_layer_has_value (layer, 2, (guint) speaker));
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nk_test_lexicon = nk_test_load_lexicon ();

  g_test_add_func ("/quotes/engine/cases", test_cases);
  g_test_add_func ("/quotes/engine/mention-and-cue", test_mention_and_cue);
  g_test_add_func ("/quotes/engine/continuation-flag", test_continuation_flag);
  g_test_add_func ("/quotes/engine/empty-and-unmarked", test_empty_and_unmarked);
  g_test_add_func ("/quotes/engine/bare-text", test_bare_text);
  g_test_add_func ("/quotes/engine/reuse", test_reuse);
  g_test_add_func ("/quotes/engine/robust-bytes", test_robust_bytes);
  g_test_add_func ("/quotes/lexicon/errors", test_lexicon_errors);
  g_test_add_func ("/quotes/lexicon/ok", test_lexicon_ok);
  g_test_add_func ("/quotes/lexicon/missing-file", test_lexicon_missing_file);
  g_test_add_func ("/quotes/lexicon/labels", test_labels);
#ifndef NK_QUOTES_STANDALONE
  g_test_add_func ("/quotes/stage/fixture", test_stage_fixture);
  g_test_add_func ("/quotes/stage/unsorted-entities", test_stage_unsorted_entities);
  g_test_add_func ("/quotes/stage/unsorted-paragraphs", test_stage_unsorted_paragraphs);
  g_test_add_func ("/quotes/stage/requires-entities", test_stage_requires_entities);
  g_test_add_func ("/quotes/stage/bad-data", test_stage_bad_data);
  g_test_add_func ("/quotes/stage/custom-lexicon", test_stage_custom_lexicon);
  g_test_add_func ("/quotes/stage/entity", test_stage_entity);
#endif

  int status = g_test_run ();
  nk_quote_lexicon_free (nk_test_lexicon);
  return status;
}
