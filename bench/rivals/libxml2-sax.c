/* libxml2-sax.c — baseline for HTML MB/s: parse each file with libxml2's HTML push parser
 * and SAX callbacks that only count text bytes (no DOM, errors silenced), i.e. the least
 * work a libxml2-based `clean` can do. bench/run.sh times it beside nkpipe on the same pages.
 * With --dom as the first argument it builds and frees a DOM per file instead
 * (htmlReadFile), the cost a DOM-based extractor pays before any scoring.
 *
 * Build: cc -O2 $(pkg-config --cflags libxml-2.0) libxml2-sax.c $(pkg-config --libs libxml-2.0)
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <libxml/HTMLparser.h>

static unsigned long nk_text_bytes;

static void
nk_on_characters (void *ctx, const xmlChar *ch, int len)
{
  (void) ctx;
  (void) ch;
  nk_text_bytes += (unsigned long) len;
}

static void
nk_silent (void *ctx, const char *msg, ...)
{
  (void) ctx;
  (void) msg;
}

static int
nk_parse_file (const char *path, htmlSAXHandler *sax)
{
  char buf[65536];
  size_t n;
  FILE *f = fopen (path, "rb");
  htmlParserCtxtPtr ctxt;

  if (f == NULL)
    {
      perror (path);
      return 1;
    }
  ctxt = htmlCreatePushParserCtxt (sax, NULL, NULL, 0, path, XML_CHAR_ENCODING_UTF8);
  htmlCtxtUseOptions (ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    htmlParseChunk (ctxt, buf, (int) n, 0);
  htmlParseChunk (ctxt, NULL, 0, 1);
  htmlFreeParserCtxt (ctxt);
  fclose (f);
  return 0;
}

static int
nk_parse_dom (const char *path)
{
  htmlDocPtr doc = htmlReadFile (path, "UTF-8",
                                 HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == NULL)
    return 1;
  nk_text_bytes += 1;
  xmlFreeDoc (doc);
  return 0;
}

int
main (int argc, char **argv)
{
  htmlSAXHandler sax;
  int status = 0;

  if (argc > 1 && strcmp (argv[1], "--dom") == 0)
    {
      for (int i = 2; i < argc; i++)
        status |= nk_parse_dom (argv[i]);
      fprintf (stderr, "%d files parsed to a DOM\n", argc - 2);
      return status;
    }

  memset (&sax, 0, sizeof sax);
  sax.characters = nk_on_characters;
  sax.error = nk_silent;
  sax.warning = nk_silent;
  for (int i = 1; i < argc; i++)
    status |= nk_parse_file (argv[i], &sax);
  fprintf (stderr, "%d files, %lu text bytes\n", argc - 1, nk_text_bytes);
  return status;
}
