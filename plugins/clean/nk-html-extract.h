/* nk-html-extract.h: main-content extraction from news HTML (libxml2 SAX push parser).
 *
 * Pure C + GLib + libxml2 (+ json-glib for JSON-LD); no nkpipe core dependency, so it can be
 * compiled into tests and tools directly. Thread-safe: no global state; libxml2 errors are captured per parse.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NK_HTML_ERROR (nk_html_error_quark ())
GQuark nk_html_error_quark (void);

/**
 * NkHtmlError:
 * @NK_HTML_ERROR_CHARSET: reserved (an unknown declared charset is not an error: decoding falls
 *   back to UTF-8 when valid, else windows-1252)
 * @NK_HTML_ERROR_PARSE: libxml2 could not create or run a parser (out of memory etc.)
 *
 * Malformed markup is never an error (the parser recovers); an empty or text-free page gives
 * an empty result and TRUE.
 */
typedef enum {
  NK_HTML_ERROR_CHARSET,
  NK_HTML_ERROR_PARSE,
} NkHtmlError;

/* Kind of markup a line came from (flags may combine). */
typedef enum {
  NK_HTML_LINE_PARAGRAPH = 1 << 0, /* <p> or plain text block */
  NK_HTML_LINE_HEADING   = 1 << 1, /* <h1>..<h6> */
  NK_HTML_LINE_LIST_ITEM = 1 << 2, /* <li>, <dt>, <dd> */
  NK_HTML_LINE_QUOTE     = 1 << 3, /* inside <blockquote> */
  NK_HTML_LINE_PRE       = 1 << 4, /* inside <pre> */
  NK_HTML_LINE_CAPTION   = 1 << 5, /* <figcaption>, <caption> */
  NK_HTML_LINE_TABLE     = 1 << 6, /* table cell */
} NkHtmlLineFlags;

/**
 * NkHtmlLine:
 * @text_start: byte offset of the line's first byte in #NkHtmlResult.text
 * @text_end: byte offset just past the line's last byte (the '\n' is not included)
 * @raw_start: byte offset in the raw input (as passed, before decoding) where the markup of
 *   this line begins (at or before the opening tag of its block)
 * @raw_end: byte offset in the raw input just past the markup the line came from
 * @link_chars: how many characters of the line were link text (inside <a href>)
 * @flags: #NkHtmlLineFlags
 */
typedef struct {
  gsize text_start;
  gsize text_end;
  gsize raw_start;
  gsize raw_end;
  guint link_chars;
  guint flags;
} NkHtmlLine;

/**
 * NkHtmlRemoved:
 * @raw_start: byte offset in the raw input
 * @raw_end: byte offset just past the removed markup
 * @reason: a static string: "html-boilerplate" (text outside the main content),
 *   "html-title" (the headline, moved to metadata), "html-byline" (author line),
 *   "html-date" (a date/time stamp line), "html-caption" (image caption or credit),
 *   "html-links" (a run of link lines), "html-xref" (a short "Related: ..." link line)
 */
typedef struct {
  gsize raw_start;
  gsize raw_end;
  const gchar *reason;
} NkHtmlRemoved;

/**
 * NkHtmlResult:
 * @text: main-content text, UTF-8, one block per line ('\n'), a blank line between blocks
 *   that are separate paragraphs; no leading/trailing blank lines; whitespace runs inside a
 *   line collapsed to one space; entities decoded. Never NULL after a successful call.
 * @lines: (element-type NkHtmlLine): one entry per non-empty line of @text, in order
 * @removed: (element-type NkHtmlRemoved): raw ranges of text blocks that were dropped
 *   (sorted by raw_start, not overlapping); script/style/markup itself is not listed
 * @title: (nullable): headline (og:title, <h1>, <title> with " | Site" suffix stripped)
 * @author: (nullable): author(s) as stated ("A and B" for several)
 * @date: (nullable): publication date as declared (article:published_time, JSON-LD
 *   datePublished, <time datetime>, e.g. "2019-11-18T14:02:00Z") or else as printed in a
 *   byline/date line
 * @date_iso: (nullable): @date as YYYY-MM-DD when it could be parsed
 * @dates: (element-type utf8): other distinct YYYY-MM-DD dates found (modified etc.)
 * @publisher: (nullable): site/publisher name only when the page states it
 *   (og:site_name, JSON-LD publisher.name, application-name)
 * @charset: charset used for decoding ("UTF-8", "windows-1252", ...)
 */
typedef struct {
  GString *text;
  GArray *lines;
  GArray *removed;
  gchar *title;
  gchar *author;
  gchar *date;
  gchar *date_iso;
  GPtrArray *dates;
  gchar *publisher;
  gchar *charset;
} NkHtmlResult;

/**
 * nk_html_extract:
 * @raw: the page bytes (need not be NUL-terminated; may contain NUL bytes)
 * @len: length of @raw
 * @input_is_unicode: TRUE when @raw is already UTF-8 text (JSONL "html" field): parse it as
 *   UTF-8 whatever it declares (invalid bytes become U+FFFD). FALSE for .html files: BOM,
 *   then <meta charset>/http-equiv in the first 1024 bytes, else UTF-8 if valid, else
 *   windows-1252.
 * @out: (out caller-allocates): filled on success; call nk_html_result_clear() afterwards
 *   (also safe after a failure)
 * @error: return location for a #GError
 *
 * Returns: TRUE on success (also for empty/boilerplate-only pages: empty text).
 */
gboolean nk_html_extract (const guint8 *raw, gsize len, gboolean input_is_unicode,
                          NkHtmlResult *out, GError **error);

/* Frees the members of @res and zeroes it; @res itself is not freed. */
void nk_html_result_clear (NkHtmlResult *res);

G_END_DECLS
