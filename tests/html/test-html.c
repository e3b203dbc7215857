/* test-html.c: tests of nk_html_extract () on small hand-written pages.
 *
 * The pages here are written for these tests. The dev-set test measures word F1 on
 * ../shared/corpus/html-dev and skips when that directory is absent.
 */
#include "nk-html-extract.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define ARTICLE_P1 "The negotiators met on Tuesday in a quiet hotel by the lake, and both sides " \
                   "said the first round had gone better than expected."
#define ARTICLE_P2 "Officials from the two delegations, speaking on condition of anonymity, " \
                   "described the talks as frank, long and at times tense."
#define ARTICLE_P3 "A second meeting is planned for next month, although no date has been set."

static NkHtmlResult
extract_ok (const char *html, gsize len, gboolean unicode)
{
  NkHtmlResult res;
  g_autoptr (GError) error = NULL;
  gboolean ok = nk_html_extract ((const guint8 *) html, len, unicode, &res, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_nonnull (res.text);
  g_assert_nonnull (res.charset);
  return res;
}

static gboolean
has (const NkHtmlResult *res, const char *needle)
{
  return strstr (res->text->str, needle) != NULL;
}

static const char *page_with_boilerplate =
  "<!DOCTYPE html><html><head><title>Talks resume by the lake | Daily Example</title>"
  "<meta property=\"og:site_name\" content=\"Daily Example\">"
  "<meta name=\"author\" content=\"Jane Writer\">"
  "<meta property=\"article:published_time\" content=\"2019-11-18T14:02:00Z\">"
  "</head><body>"
  "<header class=\"site-header\"><nav><ul><li><a href=\"/\">Home</a></li>"
  "<li><a href=\"/world\">World news from every corner of the globe today</a></li>"
  "<li><a href=\"/sport\">Sport</a></li></ul></nav></header>"
  "<div id=\"main\"><article class=\"story\">"
  "<h1>Talks resume by the lake</h1>"
  "<div class=\"byline\">By <a rel=\"author\" href=\"/jane\">Jane Writer</a></div>"
  "<div class=\"story-body\">"
  "<p>" ARTICLE_P1 "</p>"
  "<p>" ARTICLE_P2 "</p>"
  "<div class=\"share-tools\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a></div>"
  "<p>" ARTICLE_P3 "</p>"
  "</div></article>"
  "<aside class=\"sidebar\"><h3>Most read</h3><ul>"
  "<li><a href=\"/a\">A completely different story about the weather this weekend</a></li>"
  "<li><a href=\"/b\">Another unrelated story, about football, traffic and the markets</a></li>"
  "</ul></aside>"
  "<div id=\"comments\" class=\"comments\"><h3>Leave a comment</h3>"
  "<p>I think this is the best thing that has happened in years, honestly, truly.</p>"
  "<p>Nonsense, nothing will change, you will see, as always, again and again.</p></div>"
  "</div>"
  "<footer><p>Copyright 2019 Daily Example. All rights reserved, everywhere, always.</p>"
  "</footer></body></html>";

static void
test_content_main (void)
{
  NkHtmlResult res = extract_ok (page_with_boilerplate, strlen (page_with_boilerplate), FALSE);
  g_assert_true (has (&res, ARTICLE_P1));
  g_assert_true (has (&res, ARTICLE_P2));
  g_assert_true (has (&res, ARTICLE_P3));
  g_assert_false (has (&res, "World news"));
  g_assert_false (has (&res, "weather this weekend"));
  g_assert_false (has (&res, "best thing"));
  g_assert_false (has (&res, "Copyright"));
  g_assert_false (has (&res, "Share on Facebook"));
  /* the headline and byline move to metadata */
  g_assert_false (has (&res, "Talks resume"));
  g_assert_false (has (&res, "Jane Writer"));
  /* paragraphs are separated by a blank line */
  g_assert_true (has (&res, ARTICLE_P1 "\n\n" ARTICLE_P2));
  g_assert_cmpuint (res.lines->len, ==, 3);
  g_assert_nonnull (res.removed);
  g_assert_cmpuint (res.removed->len, >, 0);
  nk_html_result_clear (&res);
}

static void
test_meta_basic (void)
{
  NkHtmlResult res = extract_ok (page_with_boilerplate, strlen (page_with_boilerplate), FALSE);
  g_assert_cmpstr (res.title, ==, "Talks resume by the lake");
  g_assert_cmpstr (res.author, ==, "Jane Writer");
  g_assert_cmpstr (res.date, ==, "2019-11-18T14:02:00Z");
  g_assert_cmpstr (res.date_iso, ==, "2019-11-18");
  g_assert_cmpstr (res.publisher, ==, "Daily Example");
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  nk_html_result_clear (&res);
}

static void
test_meta_jsonld (void)
{
  const char *html =
    "<html><head><title>Some headline here - Example Site</title>"
    "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
    "\"headline\":\"Some headline here\",\"datePublished\":\"2018-06-12T08:00:00+09:00\","
    "\"dateModified\":\"2018-06-13T10:00:00+09:00\","
    "\"author\":{\"@type\":\"Person\",\"name\":\"Kim Reporter\"},"
    "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Example News\"}}</script>"
    "</head><body><p>" ARTICLE_P1 "</p><p>" ARTICLE_P2 "</p></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.title, ==, "Some headline here");
  g_assert_cmpstr (res.author, ==, "Kim Reporter");
  g_assert_cmpstr (res.date_iso, ==, "2018-06-12");
  g_assert_cmpstr (res.publisher, ==, "Example News");
  g_assert_cmpuint (res.dates->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (res.dates, 0), ==, "2018-06-13");
  g_assert_true (has (&res, ARTICLE_P2));
  nk_html_result_clear (&res);
}

static void
test_meta_time_element (void)
{
  const char *html =
    "<html><head><title>A title that is long enough</title></head><body><article>"
    "<p class=\"dateline\"><time datetime=\"2019-03-04\">March 4, 2019</time></p>"
    "<p>" ARTICLE_P1 "</p><p>" ARTICLE_P2 "</p></article></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.date_iso, ==, "2019-03-04");
  g_assert_null (res.publisher);
  g_assert_null (res.author);
  nk_html_result_clear (&res);
}

/* Each case: date as printed, expected ISO ("" for none). */
static const char *const date_cases[][2] = {
  { "2019-11-18T14:02:00Z", "2019-11-18" },
  { "2019/01/05", "2019-01-05" },
  { "20191118", "2019-11-18" },
  { "November 18, 2019", "2019-11-18" },
  { "Nov. 3, 2018 10:00 AM", "2018-11-03" },
  { "Sept. 27, 2018", "2018-09-27" },
  { "18 November 2019", "2019-11-18" },
  { "Monday, 1st April 2019", "2019-04-01" },
  { "2019-02-30", "" },
  { "yesterday", "" },
  { "", "" },
};

static void
test_meta_dates (void)
{
  guint failures = 0;
  for (guint i = 0; i < G_N_ELEMENTS (date_cases); i++)
    {
      g_autofree gchar *html = g_strdup_printf (
        "<html><head><meta property=\"article:published_time\" content=\"%s\"></head>"
        "<body><p>" ARTICLE_P1 "</p></body></html>", date_cases[i][0]);
      NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
      const char *want = *date_cases[i][1] ? date_cases[i][1] : NULL;
      if (g_strcmp0 (res.date_iso, want) != 0)
        {
          g_test_message ("date case '%s': got %s, want %s", date_cases[i][0],
                          res.date_iso, want);
          failures++;
        }
      nk_html_result_clear (&res);
    }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_content_block_rules (void)
{
  const char *html =
    "<html><head><meta property=\"og:title\" content=\"Envoys agree on a timetable\">"
    "</head><body><div class=\"article-body\">"
    "<h1>Envoys agree on a timetable</h1>"
    "<p class=\"timestamp\">Updated 10:15 am EST, Monday, March 4, 2019</p>"
    "<figure><img src=\"a.jpg\"><figcaption>The envoys shake hands in front of cameras.</figcaption>"
    "</figure>"
    "<p>" ARTICLE_P1 "</p>"
    "<div class=\"photo-credit\">Photo: A. Photographer</div>"
    "<p>" ARTICLE_P2 "</p>"
    "<p>See the <a href=\"/doc\">full text of the statement</a> here.</p>"
    "<p><a href=\"/shop\">Get the official report for $12</a></p>"
    "<p>" ARTICLE_P3 "</p>"
    "<p>You may also like</p>"
    "<p><a href=\"/r1\">Another story about something else entirely</a></p>"
    "<p><a href=\"/r2\">And one more story that is not about this</a></p>"
    "<p><a href=\"/r3\">Related: yet another story, also elsewhere</a></p>"
    "</div></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, ARTICLE_P1));
  g_assert_true (has (&res, ARTICLE_P3));
  g_assert_false (has (&res, "Envoys agree"));
  g_assert_false (has (&res, "Updated 10:15"));
  g_assert_false (has (&res, "shake hands"));
  g_assert_false (has (&res, "Photographer"));
  /* a lone link line inside the story is body; a run of them is a link list */
  g_assert_true (has (&res, "full text of the statement"));
  g_assert_true (has (&res, "Get the official report"));
  g_assert_false (has (&res, "You may also like"));
  g_assert_false (has (&res, "Another story"));
  g_assert_false (has (&res, "yet another story"));
  /* the printed date fills in when the markup declares none */
  g_assert_cmpstr (res.date_iso, ==, "2019-03-04");
  guint reasons = 0;
  for (guint i = 0; i < res.removed->len; i++)
    {
      const char *r = g_array_index (res.removed, NkHtmlRemoved, i).reason;
      if (strcmp (r, "html-title") == 0 || strcmp (r, "html-date") == 0
          || strcmp (r, "html-caption") == 0 || strcmp (r, "html-links") == 0)
        reasons++;
    }
  g_assert_cmpuint (reasons, >=, 4);
  nk_html_result_clear (&res);
}

static void
test_content_embedded_post (void)
{
  const char *html =
    "<html><body><div class=\"entry-content\">"
    "<p>" ARTICLE_P1 "</p>"
    "<div class=\"social-embed\"><blockquote class=\"embedded-post\"><p>We are ready to talk "
    "whenever they are <a href=\"https://example.com/x\">example.com/x</a></p>"
    "&mdash; Some Official (@official) <a href=\"https://example.com/s\">March 3, 2019</a>"
    "</blockquote></div>"
    "<p>" ARTICLE_P2 "</p><p>" ARTICLE_P3 "</p>"
    "<div class=\"social-share\"><a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a></div>"
    "</div></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, "We are ready to talk"));
  g_assert_true (has (&res, ARTICLE_P3));
  g_assert_false (has (&res, "Facebook"));
  nk_html_result_clear (&res);
}

static void
test_content_double_br (void)
{
  const char *html =
    "<html><body><div class=\"story\">" ARTICLE_P1 "<br>" ARTICLE_P2 "<br><br>" ARTICLE_P3
    "</div></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, ARTICLE_P1 "\n" ARTICLE_P2 "\n\n" ARTICLE_P3));
  nk_html_result_clear (&res);
}

static void
test_content_deep_nesting (void)
{
  /* 100000 nested elements: must stay linear (a quadratic walk here took minutes) */
  GString *s = g_string_new ("<html><body>");
  for (guint i = 0; i < 100000; i++)
    g_string_append (s, i % 2 ? "<div>" : "<span>");
  g_string_append (s, ARTICLE_P1);
  NkHtmlResult res = extract_ok (s->str, s->len, FALSE);
  g_assert_true (has (&res, ARTICLE_P1));
  nk_html_result_clear (&res);
  g_string_free (s, TRUE);
}

static void
test_meta_jsonld_nested (void)
{
  /* a review's itemReviewed.author is not the page's author; an organisation named as
   * author and publisher is no byline; a URL is not a site name */
  const char *html =
    "<html><head><meta property=\"og:site_name\" content=\"https://www.example.org\">"
    "<script type=\"application/ld+json\">{\"@type\":\"ClaimReview\","
    "\"itemReviewed\":{\"author\":{\"@type\":\"Person\",\"name\":\"Someone Else\"}},"
    "\"author\":{\"@type\":\"Organization\",\"name\":\"Fact Desk\"},"
    "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Fact Desk\"},"
    "\"datePublished\":\"2019-11-18\"}</script>"
    "<script type=\"application/ld+json\">{ broken json </script>"
    "</head><body><p>" ARTICLE_P1 "</p></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_null (res.author);
  g_assert_cmpstr (res.publisher, ==, "Fact Desk");
  g_assert_cmpstr (res.date_iso, ==, "2019-11-18");
  nk_html_result_clear (&res);
}

static void
test_meta_jsonld_graph (void)
{
  const char *html =
    "<html><head><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
    "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Example\"},"
    "{\"@type\":\"NewsArticle\",\"headline\":\"Graph headline\","
    "\"author\":[{\"@type\":\"Person\",\"name\":\"Ann One\"},{\"@type\":\"Person\",\"name\":\"Bob Two\"}],"
    "\"datePublished\":\"2020-01-02T03:04:05Z\"}]}</script>"
    "</head><body><p>" ARTICLE_P1 "</p></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.author, ==, "Ann One and Bob Two");
  g_assert_cmpstr (res.title, ==, "Graph headline");
  g_assert_cmpstr (res.date_iso, ==, "2020-01-02");
  nk_html_result_clear (&res);
}

#define PROSE(x) "<p>" x " The sentence goes on for a while, with commas, clauses and details, " \
                 "so that it reads like real prose in a news story.</p>"

static void
test_content_split_body (void)
{
  /* the story is cut in two by an ad, the halves nested differently */
  const char *html =
    "<html><body><div><div><div><div><div><div>"
    PROSE ("First half, paragraph one.") PROSE ("First half, paragraph two.")
    PROSE ("First half, paragraph three.")
    "</div></div></div>"
    "<div><a href=\"/ad\">Advertisement</a></div>"
    "<div>" PROSE ("Second half, paragraph one.") PROSE ("Second half, paragraph two.")
    PROSE ("Second half, paragraph three.") PROSE ("Second half, paragraph four.")
    PROSE ("Second half, paragraph five.") "</div>"
    "</div></div></div><div><ul><li><a href=\"/1\">Some menu entry</a></li></ul></div>"
    "</body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, "First half, paragraph one."));
  g_assert_true (has (&res, "First half, paragraph three."));
  g_assert_true (has (&res, "Second half, paragraph five."));
  g_assert_false (has (&res, "Advertisement"));
  g_assert_false (has (&res, "menu entry"));
  nk_html_result_clear (&res);
}

/* Each case: <title>, og:site_name ("" for none), expected headline. */
static const char *const title_cases[][3] = {
  { "Kim and Trump meet | Daily Example", "Daily Example", "Kim and Trump meet" },
  { "Kim and Trump meet - what we know", "Daily Example", "Kim and Trump meet - what we know" },
  { "Kim and Trump meet - Example News", "", "Kim and Trump meet" },
  { "Kim and Trump meet - Example News Online", "The Example News", "Kim and Trump meet" },
  { "Summit ends - a long subtitle that goes on and on for many words", "",
    "Summit ends - a long subtitle that goes on and on for many words" },
  { "Short", "", "Short" },
};

static void
test_meta_titles (void)
{
  guint failures = 0;
  for (guint i = 0; i < G_N_ELEMENTS (title_cases); i++)
    {
      g_autofree gchar *site = *title_cases[i][1]
        ? g_strdup_printf ("<meta property=\"og:site_name\" content=\"%s\">", title_cases[i][1])
        : g_strdup ("");
      g_autofree gchar *html = g_strdup_printf (
        "<html><head><title>%s</title>%s</head><body><p>" ARTICLE_P1 "</p></body></html>",
        title_cases[i][0], site);
      NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
      if (g_strcmp0 (res.title, title_cases[i][2]) != 0)
        {
          g_test_message ("title case '%s': got '%s', want '%s'", title_cases[i][0], res.title,
                          title_cases[i][2]);
          failures++;
        }
      nk_html_result_clear (&res);
    }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_malformed (void)
{
  const char *html =
    "<html><body><div class=\"content\"><p>" ARTICLE_P1 "<p>" ARTICLE_P2
    "<<<>>> </span></td></tr><b><i>" ARTICLE_P3 "</b></div></div>"
    "<p class=\"x\" id=<a href=\"broken>still text that must not crash the parser"
    "<!-- unterminated comment";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, ARTICLE_P1));
  g_assert_true (has (&res, ARTICLE_P2));
  g_assert_true (has (&res, "A second meeting is planned"));
  nk_html_result_clear (&res);
}

static void
test_garbage (void)
{
  /* random bytes: must not fail, crash or print */
  GRand *rand = g_rand_new_with_seed (42);
  for (guint round = 0; round < 50; round++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 1, 4000);
      g_autofree guint8 *buf = g_malloc (len);
      for (gsize i = 0; i < len; i++)
        {
          static const char alphabet[] = "<>/=\"' abcdpdivscript&;#x\n\x80\x93\xe2\xff";
          buf[i] = (guint8) alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      NkHtmlResult res;
      g_autoptr (GError) error = NULL;
      g_assert_true (nk_html_extract (buf, len, round % 2 == 0, &res, &error));
      g_assert_true (g_utf8_validate (res.text->str, (gssize) res.text->len, NULL));
      nk_html_result_clear (&res);
    }
  g_rand_free (rand);
}

static void
test_no_stderr (void)
{
  if (g_test_subprocess ())
    {
      const char *html = "<html><body><p>Caf\x82 \x00 <b><i></b></i>&bogus; <? ?> <![CDATA[ x"
                         "<p>" ARTICLE_P1 "</p></table></html></html>";
      NkHtmlResult res;
      nk_html_extract ((const guint8 *) html, 120, FALSE, &res, NULL);
      nk_html_result_clear (&res);
      nk_html_extract ((const guint8 *) html, 120, TRUE, &res, NULL);
      nk_html_result_clear (&res);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
  g_test_trap_assert_stdout ("");
}

static void
test_cp1252_undeclared (void)
{
  /* windows-1252 curly quotes 0x93/0x94, dash 0x96, é 0xE9: invalid UTF-8 */
  const char *html = "<html><body><p>\x93We will meet again,\x94 the caf\xe9 owner said "
                     "\x96 and everybody in the room agreed with that, loudly.</p></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.charset, ==, "windows-1252");
  g_assert_true (has (&res, "\xe2\x80\x9cWe will meet again,\xe2\x80\x9d the caf\xc3\xa9 owner"));
  g_assert_true (has (&res, "said \xe2\x80\x93 and"));
  g_assert_cmpuint (res.lines->len, ==, 1);
  /* raw range of the line covers the raw text bytes */
  NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, 0);
  g_assert_cmpuint (l->raw_start, ==, (gsize) (strchr (html, '\x93') - html));
  g_assert_cmpuint (l->raw_end, >=, (gsize) (strstr (html, "loudly.") - html) + 7);
  g_assert_cmpuint (l->raw_end, <=, strlen (html));
  nk_html_result_clear (&res);
}

static void
test_cp1252_declared (void)
{
  static const char *const labels[] = { "windows-1252", "iso-8859-1", "ISO-8859-1", "us-ascii" };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree gchar *html = g_strdup_printf (
        "<html><head><meta charset=\"%s\"></head><body><p>The na\xefve \x93plan\x94 "
        "was signed in the capital on Friday by both leaders.</p></body></html>", labels[i]);
      NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
      g_assert_cmpstr (res.charset, ==, "windows-1252");
      g_assert_true (has (&res, "na\xc3\xafve \xe2\x80\x9cplan\xe2\x80\x9d"));
      nk_html_result_clear (&res);
    }
}

static void
test_http_equiv (void)
{
  const char *html = "<html><head><meta http-equiv=\"Content-Type\" "
                     "content=\"text/html; charset=ISO-8859-2\"></head><body>"
                     "<p>Prague \xb9koda report: the talks ended late in the evening.</p>"
                     "</body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.charset, ==, "iso-8859-2");
  /* 0xB9 in ISO-8859-2 is š (U+0161) */
  g_assert_true (has (&res, "\xc5\xa1koda"));
  NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, 0);
  g_assert_cmpuint (l->raw_start, ==, (gsize) (strstr (html, "Prague") - html));
  nk_html_result_clear (&res);
}

static void
test_late_meta (void)
{
  /* a declaration after the first 1024 bytes still counts when the bytes are not UTF-8 */
  GString *s = g_string_new ("<html><head><script>");
  for (guint i = 0; i < 200; i++)
    g_string_append (s, "var a = 1; ");
  g_string_append (s, "</script><meta http-equiv=\"content-type\" content=\"text/html; "
                      "charset=koi8-r\"></head><body><p>\xf0\xd2\xc9\xd7\xc5\xd4 means hello in "
                      "this test, written in the old Russian encoding.</p></body></html>");
  NkHtmlResult res = extract_ok (s->str, s->len, FALSE);
  g_assert_cmpstr (res.charset, ==, "koi8-r");
  /* KOI8-R f0 d2 c9 d7 c5 d4 = Привет */
  g_assert_true (has (&res, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 means"));
  nk_html_result_clear (&res);
  g_string_free (s, TRUE);
}

static void
test_meta_charset_utf8 (void)
{
  const char *html = "<html><head><meta charset=utf-8></head><body>"
                     "<p>Caf\xc3\xa9 owners in Seoul said business had been slow all year.</p>"
                     "</body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  g_assert_true (has (&res, "Caf\xc3\xa9 owners"));
  nk_html_result_clear (&res);
}

static void
test_bom (void)
{
  /* the BOM wins over a contradicting <meta> */
  const char *html = "\xef\xbb\xbf<html><head><meta charset=\"iso-8859-1\"></head><body>"
                     "<p>\xe2\x80\x9cQuoted\xe2\x80\x9d words and a caf\xc3\xa9 by the river.</p>"
                     "</body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  g_assert_true (has (&res, "\xe2\x80\x9cQuoted\xe2\x80\x9d words and a caf\xc3\xa9"));
  NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, 0);
  g_assert_cmpuint (l->raw_start, ==, (gsize) (strstr (html, "\xe2\x80\x9cQuoted") - html));
  nk_html_result_clear (&res);
}

static void
test_utf16_bom (void)
{
  const char *ascii = "<html><body><p>Wide characters, two bytes each, little end first.</p>"
                      "</body></html>";
  gsize n = strlen (ascii);
  g_autofree guint8 *buf = g_malloc (2 + 2 * n);
  buf[0] = 0xFF;
  buf[1] = 0xFE;
  for (gsize i = 0; i < n; i++)
    {
      buf[2 + 2 * i] = (guint8) ascii[i];
      buf[3 + 2 * i] = 0;
    }
  NkHtmlResult res;
  g_assert_true (nk_html_extract (buf, 2 + 2 * n, FALSE, &res, NULL));
  g_assert_cmpstr (res.charset, ==, "UTF-16LE");
  g_assert_true (has (&res, "Wide characters, two bytes each"));
  NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, 0);
  g_assert_cmpuint (l->raw_start, ==, 2 + 2 * (gsize) (strstr (ascii, "Wide") - ascii));
  nk_html_result_clear (&res);
}

static void
test_unicode_mode (void)
{
  /* a JSONL "html" field is already Unicode: the <meta> must be ignored */
  const char *html = "<html><head><meta charset=\"windows-1252\"></head><body>"
                     "<p>\xe2\x80\x9cWe are ready,\xe2\x80\x9d the envoy said in Hanoi on Monday.</p>"
                     "</body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), TRUE);
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  g_assert_true (has (&res, "\xe2\x80\x9cWe are ready,\xe2\x80\x9d the envoy"));
  nk_html_result_clear (&res);
  /* invalid bytes there become U+FFFD rather than switching charsets */
  const char *bad = "<p>Broken \xff byte in an otherwise fine sentence of news text.</p>";
  res = extract_ok (bad, strlen (bad), TRUE);
  g_assert_true (has (&res, "Broken \xef\xbf\xbd byte"));
  nk_html_result_clear (&res);
}

static void
test_utf8_undeclared (void)
{
  const char *html = "<p>Pyongyang \xe2\x80\x94 state media said the leader had inspected "
                     "a farm.</p>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  g_assert_true (has (&res, "Pyongyang \xe2\x80\x94 state"));
  nk_html_result_clear (&res);
}

static void
test_nul_bytes (void)
{
  static const char html[] = "<html><body><p>Before the\0 NUL byte and after it the sentence "
                             "goes on \x01\x02 with control characters too.</p>\0\0"
                             "<p>A second paragraph follows the NUL bytes between tags.</p>"
                             "</body></html>";
  NkHtmlResult res = extract_ok (html, sizeof html - 1, FALSE);
  g_assert_cmpstr (res.charset, ==, "UTF-8");
  g_assert_true (has (&res, "Before the NUL byte and after it"));
  g_assert_true (has (&res, "A second paragraph follows"));
  g_assert_null (memchr (res.text->str, 0, res.text->len));
  g_assert_null (strchr (res.text->str, '\x01'));
  nk_html_result_clear (&res);
}

static void
test_empty (void)
{
  NkHtmlResult res;
  g_autoptr (GError) error = NULL;
  g_assert_true (nk_html_extract (NULL, 0, FALSE, &res, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (res.text->len, ==, 0);
  g_assert_cmpuint (res.lines->len, ==, 0);
  g_assert_null (res.title);
  nk_html_result_clear (&res);
  /* markup only, no text */
  const char *html = "<html><head><script>var x = '<p>not text</p>';</script></head>"
                     "<body><div><img src=x></div></body></html>";
  res = extract_ok (html, strlen (html), FALSE);
  g_assert_cmpuint (res.text->len, ==, 0);
  nk_html_result_clear (&res);
  /* clearing twice is safe */
  nk_html_result_clear (&res);
}

static void
test_skipped_elements (void)
{
  const char *html =
    "<html><body><div class=\"article-body\"><p>" ARTICLE_P1 "</p>"
    "<script>document.write('<p>script text, with commas, many, many, many</p>');</script>"
    "<style>p { color: red; }</style><noscript>Enable JavaScript, please, now</noscript>"
    "<p style=\"display: none\">Hidden paragraph with a lot of words, commas, and more words.</p>"
    "<p>" ARTICLE_P2 "</p><form><select><option>Option text</option></select>"
    "<button>Click me</button></form></div></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, ARTICLE_P1));
  g_assert_true (has (&res, ARTICLE_P2));
  g_assert_false (has (&res, "script text"));
  g_assert_false (has (&res, "color"));
  g_assert_false (has (&res, "JavaScript"));
  g_assert_false (has (&res, "Hidden paragraph"));
  g_assert_false (has (&res, "Option text"));
  g_assert_false (has (&res, "Click me"));
  nk_html_result_clear (&res);
}

static void
test_entities_and_br (void)
{
  const char *html = "<html><body><div class=\"entry-content\">"
                     "<p>Tom &amp; Jerry&nbsp;&mdash; &#8220;friends&#8221; since 1940, they said.<br>"
                     "A line after a break belongs to the same paragraph of this text.</p>"
                     "<p>Second paragraph, written by me for this test of line breaks.</p>"
                     "</div></body></html>";
  NkHtmlResult res = extract_ok (html, strlen (html), FALSE);
  g_assert_true (has (&res, "Tom & Jerry \xe2\x80\x94 \xe2\x80\x9c" "friends\xe2\x80\x9d"));
  g_assert_true (has (&res, "they said.\nA line after"));
  g_assert_true (has (&res, "paragraph of this text.\n\nSecond paragraph"));
  nk_html_result_clear (&res);
}

static void
test_lines_consistent (void)
{
  NkHtmlResult res = extract_ok (page_with_boilerplate, strlen (page_with_boilerplate), FALSE);
  gsize prev_end = 0;
  for (guint i = 0; i < res.lines->len; i++)
    {
      NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, i);
      g_assert_cmpuint (l->text_start, <=, l->text_end);
      g_assert_cmpuint (l->text_end, <=, res.text->len);
      g_assert_true (l->text_end == res.text->len || res.text->str[l->text_end] == '\n');
      g_assert_cmpuint (l->raw_start, <, l->raw_end);
      g_assert_cmpuint (l->raw_start, >=, prev_end);
      prev_end = l->raw_end;
      /* the raw range holds the line's first word */
      gchar word[16] = { 0 };
      sscanf (res.text->str + l->text_start, "%15s", word);
      g_assert_nonnull (g_strstr_len (page_with_boilerplate + l->raw_start,
                                      (gssize) (l->raw_end - l->raw_start), word));
    }
  for (guint i = 1; i < res.removed->len; i++)
    g_assert_cmpuint (g_array_index (res.removed, NkHtmlRemoved, i).raw_start, >=,
                      g_array_index (res.removed, NkHtmlRemoved, i - 1).raw_end);
  /* removed ranges never overlap kept lines */
  for (guint i = 0; i < res.removed->len; i++)
    {
      NkHtmlRemoved *r = &g_array_index (res.removed, NkHtmlRemoved, i);
      g_assert_cmpuint (r->raw_start, <, r->raw_end);
      g_assert_cmpuint (r->raw_end, <=, strlen (page_with_boilerplate));
      for (guint k = 0; k < res.lines->len; k++)
        {
          NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, k);
          g_assert_true (r->raw_end <= l->raw_start || r->raw_start >= l->raw_end);
        }
    }
  nk_html_result_clear (&res);
}

static void
test_huge (void)
{
  GString *s = g_string_new ("<html><body><div class=\"content\">");
  while (s->len < 30 * 1024 * 1024)
    g_string_append (s, "<p>" ARTICLE_P1 " <a href=\"/x\">A link</a> " ARTICLE_P3 "</p>\n");
  g_string_append (s, "</div></body></html>");
  NkHtmlResult res = extract_ok (s->str, s->len, FALSE);
  g_assert_cmpuint (res.text->len, >, 20 * 1024 * 1024);
  g_assert_cmpuint (res.lines->len, >, 100000);
  nk_html_result_clear (&res);
  /* a single 8 MB text node without any tag */
  g_string_truncate (s, 0);
  while (s->len < 8 * 1024 * 1024)
    g_string_append (s, "word, ");
  res = extract_ok (s->str, s->len, FALSE);
  g_assert_cmpuint (res.text->len, >, 7 * 1024 * 1024);
  nk_html_result_clear (&res);
  g_string_free (s, TRUE);
}

static void
test_threads_worker (gpointer data, gpointer user_data)
{
  (void) data;
  gint *failures = user_data;
  for (guint i = 0; i < 20; i++)
    {
      NkHtmlResult res;
      if (!nk_html_extract ((const guint8 *) page_with_boilerplate, strlen (page_with_boilerplate),
                            FALSE, &res, NULL)
          || strstr (res.text->str, ARTICLE_P2) == NULL)
        g_atomic_int_inc (failures);
      nk_html_result_clear (&res);
    }
}

static void
test_threads (void)
{
  gint failures = 0;
  GThreadPool *pool = g_thread_pool_new (test_threads_worker, &failures, 4, TRUE, NULL);
  for (guint i = 0; i < 8; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_assert_cmpint (failures, ==, 0);
}

/* Word-level F1 as the corpus README defines it (\w+, lower-cased, multisets). */
static GHashTable *
word_counts (const char *text, guint *total)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  *total = 0;
  const char *p = text;
  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      if (!(g_unichar_isalnum (c) || c == '_' || g_unichar_ismark (c)))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      const char *start = p;
      while (*p)
        {
          c = g_utf8_get_char (p);
          if (!(g_unichar_isalnum (c) || c == '_' || g_unichar_ismark (c)))
            break;
          p = g_utf8_next_char (p);
        }
      gchar *w = g_utf8_strdown (start, p - start);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (h, w));
      g_hash_table_replace (h, w, GUINT_TO_POINTER (n + 1));
      (*total)++;
    }
  return h;
}

static double
word_f1 (const char *extracted, const char *body)
{
  guint te, tb, shared = 0;
  g_autoptr (GHashTable) e = word_counts (extracted, &te);
  g_autoptr (GHashTable) b = word_counts (body, &tb);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, e);
  while (g_hash_table_iter_next (&it, &k, &v))
    shared += MIN (GPOINTER_TO_UINT (v), GPOINTER_TO_UINT (g_hash_table_lookup (b, k)));
  if (te == 0 || tb == 0 || shared == 0)
    return 0;
  double p = (double) shared / te, r = (double) shared / tb;
  return 2 * p * r / (p + r);
}

static void
test_dev_set_f1 (void)
{
  g_autofree gchar *dir = g_build_filename (NK_TEST_SRCDIR, "..", "shared", "corpus", "html-dev",
                                            NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    {
      g_test_skip ("../shared/corpus/html-dev is not available");
      return;
    }
  const char *name;
  double sum = 0;
  guint n = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (name, ".html"))
        continue;
      g_autofree gchar *path = g_build_filename (dir, name, NULL);
      g_autofree gchar *base = g_strndup (path, strlen (path) - 5);
      g_autofree gchar *jpath = g_strconcat (base, ".json", NULL);
      g_autofree gchar *html = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (path, &html, &len, NULL));
      g_autoptr (JsonParser) jp = json_parser_new ();
      g_assert_true (json_parser_load_from_file (jp, jpath, NULL));
      const char *body = json_object_get_string_member (
        json_node_get_object (json_parser_get_root (jp)), "body");
      NkHtmlResult res = extract_ok (html, len, FALSE);
      double f = word_f1 (res.text->str, body);
      g_test_message ("%s F1 %.3f", name, f);
      sum += f;
      n++;
      nk_html_result_clear (&res);
    }
  g_assert_cmpuint (n, >, 0);
  g_test_message ("mean F1 %.3f over %u pages", sum / n, n);
  /* well above Readability's 0.91 on this benchmark; the measured mean is in the report */
  g_assert_cmpfloat (sum / n, >, 0.93);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/html/content/main-over-boilerplate", test_content_main);
  g_test_add_func ("/html/content/skipped-elements", test_skipped_elements);
  g_test_add_func ("/html/content/entities-and-br", test_entities_and_br);
  g_test_add_func ("/html/content/lines-consistent", test_lines_consistent);
  g_test_add_func ("/html/content/block-rules", test_content_block_rules);
  g_test_add_func ("/html/content/embedded-post", test_content_embedded_post);
  g_test_add_func ("/html/content/double-br", test_content_double_br);
  g_test_add_func ("/html/content/deep-nesting", test_content_deep_nesting);
  g_test_add_func ("/html/content/split-body", test_content_split_body);
  g_test_add_func ("/html/meta/basic", test_meta_basic);
  g_test_add_func ("/html/meta/jsonld-nested", test_meta_jsonld_nested);
  g_test_add_func ("/html/meta/jsonld-graph", test_meta_jsonld_graph);
  g_test_add_func ("/html/meta/jsonld", test_meta_jsonld);
  g_test_add_func ("/html/meta/time-element", test_meta_time_element);
  g_test_add_func ("/html/meta/dates", test_meta_dates);
  g_test_add_func ("/html/meta/titles", test_meta_titles);
  g_test_add_func ("/html/malformed/unclosed", test_malformed);
  g_test_add_func ("/html/malformed/garbage", test_garbage);
  g_test_add_func ("/html/malformed/no-stderr", test_no_stderr);
  g_test_add_func ("/html/charset/cp1252-undeclared", test_cp1252_undeclared);
  g_test_add_func ("/html/charset/cp1252-declared", test_cp1252_declared);
  g_test_add_func ("/html/charset/http-equiv", test_http_equiv);
  g_test_add_func ("/html/charset/meta-utf8", test_meta_charset_utf8);
  g_test_add_func ("/html/charset/late-meta", test_late_meta);
  g_test_add_func ("/html/charset/bom", test_bom);
  g_test_add_func ("/html/charset/utf16-bom", test_utf16_bom);
  g_test_add_func ("/html/charset/utf8-undeclared", test_utf8_undeclared);
  g_test_add_func ("/html/charset/unicode-mode", test_unicode_mode);
  g_test_add_func ("/html/input/nul-bytes", test_nul_bytes);
  g_test_add_func ("/html/input/empty", test_empty);
  g_test_add_func ("/html/input/huge", test_huge);
  g_test_add_func ("/html/input/threads", test_threads);
  g_test_add_func ("/html/dev-set/f1", test_dev_set_f1);
  return g_test_run ();
}
