/* nk-html-dump: prints what nk_html_extract () finds in HTML files (a development tool).
 *
 *   nk-html-dump [--unicode] [--meta] FILE      text (and metadata with --meta) to stdout
 *   nk-html-dump --lines FILE                  removed ranges, then each line with its raw range
 *   nk-html-dump --bench ROUNDS FILE...        MB/s of nk_html_extract vs a bare SAX parse
 */
#include "nk-html-extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <stdio.h>
#include <string.h>

static void
nk_noop_generic (void *ctx, const char *msg, ...)
{
  (void) ctx;
  (void) msg;
}

static void
nk_noop_structured (void *ctx, xmlErrorPtr err)
{
  (void) ctx;
  (void) err;
}

static void
nk_noop_chars (void *ctx, const xmlChar *ch, int len)
{
  (void) ctx;
  (void) ch;
  (void) len;
}

static void
nk_noop_start (void *ctx, const xmlChar *name, const xmlChar **atts)
{
  (void) ctx;
  (void) name;
  (void) atts;
}

static void
nk_noop_end (void *ctx, const xmlChar *name)
{
  (void) ctx;
  (void) name;
}

/* libxml2 alone: push parser, the same SAX callbacks set but doing nothing, same chunking
 * and options. */
static void
nk_bare_parse (const gchar *buf, gsize len)
{
  htmlSAXHandler sax;
  memset (&sax, 0, sizeof sax);
  sax.startElement = nk_noop_start;
  sax.endElement = nk_noop_end;
  sax.characters = nk_noop_chars;
  sax.ignorableWhitespace = nk_noop_chars;
  sax.cdataBlock = nk_noop_chars;
  sax.serror = nk_noop_structured;
  sax.initialized = XML_SAX2_MAGIC;
  htmlParserCtxtPtr ctxt = htmlCreatePushParserCtxt (&sax, NULL, NULL, 0, NULL,
                                                     XML_CHAR_ENCODING_UTF8);
  htmlCtxtUseOptions (ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                              | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
  const gsize chunk = 64 * 1024;
  for (gsize off = 0; off < len; off += chunk)
    htmlParseChunk (ctxt, buf + off, (int) MIN (chunk, len - off), 0);
  htmlParseChunk (ctxt, NULL, 0, 1);
  htmlFreeParserCtxt (ctxt);
}

static int
nk_bench (int rounds, char **files, int n)
{
  GPtrArray *data = g_ptr_array_new_with_free_func (g_free);
  GArray *lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize total = 0;
  for (int i = 0; i < n; i++)
    {
      gchar *buf = NULL;
      gsize len = 0;
      if (!g_file_get_contents (files[i], &buf, &len, NULL))
        return 1;
      g_ptr_array_add (data, buf);
      g_array_append_val (lens, len);
      total += len;
    }
  xmlSetGenericErrorFunc (NULL, nk_noop_generic);
  xmlSetStructuredErrorFunc (NULL, nk_noop_structured);
  double best_x = 1e9, best_b = 1e9;
  for (int r = 0; r < rounds; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      for (guint i = 0; i < data->len; i++)
        {
          NkHtmlResult res;
          nk_html_extract (g_ptr_array_index (data, i), g_array_index (lens, gsize, i), FALSE,
                           &res, NULL);
          nk_html_result_clear (&res);
        }
      gint64 t1 = g_get_monotonic_time ();
      for (guint i = 0; i < data->len; i++)
        nk_bare_parse (g_ptr_array_index (data, i), g_array_index (lens, gsize, i));
      gint64 t2 = g_get_monotonic_time ();
      best_x = MIN (best_x, (t1 - t0) / 1e6);
      best_b = MIN (best_b, (t2 - t1) / 1e6);
    }
  double mb = total / 1e6;
  printf ("html: %.2f MB in %d files, best of %d\n", mb, n, rounds);
  printf ("nk_html_extract: %.3f s  %.1f MB/s\n", best_x, mb / best_x);
  printf ("libxml2 bare SAX push parse: %.3f s  %.1f MB/s\n", best_b, mb / best_b);
  printf ("ratio extract/bare time: %.2f\n", best_x / best_b);
  g_ptr_array_unref (data);
  g_array_unref (lens);
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean unicode = FALSE, meta = FALSE, lines = FALSE;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--unicode") == 0)
        unicode = TRUE;
      else if (strcmp (argv[i], "--meta") == 0)
        meta = TRUE;
      else if (strcmp (argv[i], "--lines") == 0)
        lines = TRUE;
      else if (strcmp (argv[i], "--bench") == 0 && i + 1 < argc)
        return nk_bench (atoi (argv[i + 1]), argv + i + 2, argc - i - 2);
      else
        {
          fprintf (stderr, "unknown option %s\n", argv[i]);
          return 2;
        }
    }
  if (i >= argc)
    {
      fprintf (stderr, "usage: nk-html-dump [--unicode] [--meta] [--lines] FILE\n");
      return 2;
    }
  g_autofree gchar *buf = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (argv[i], &buf, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  NkHtmlResult res;
  if (!nk_html_extract ((const guint8 *) buf, len, unicode, &res, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[i], error->message);
      nk_html_result_clear (&res);
      return 1;
    }
  if (meta)
    {
      printf ("title: %s\nauthor: %s\ndate: %s\ndate_iso: %s\npublisher: %s\ncharset: %s\n",
              res.title, res.author, res.date, res.date_iso, res.publisher, res.charset);
      for (guint k = 0; k < res.dates->len; k++)
        printf ("other date: %s\n", (const char *) g_ptr_array_index (res.dates, k));
      printf ("removed ranges: %u\n---\n", res.removed->len);
    }
  if (lines)
    for (guint k = 0; k < res.removed->len; k++)
      {
        NkHtmlRemoved *r = &g_array_index (res.removed, NkHtmlRemoved, k);
        printf ("R [%zu,%zu) %s\n", r->raw_start, r->raw_end, r->reason);
      }
  if (lines)
    for (guint k = 0; k < res.lines->len; k++)
      {
        NkHtmlLine *l = &g_array_index (res.lines, NkHtmlLine, k);
        printf ("[%zu,%zu) f=%u L=%u %.*s\n", l->raw_start, l->raw_end, l->flags, l->link_chars,
                (int) (l->text_end - l->text_start), res.text->str + l->text_start);
      }
  else
    printf ("%s\n", res.text->str);
  nk_html_result_clear (&res);
  return 0;
}
