/* nk-json-private.h — a strict JSON reader for pipeline files and JSON Lines.
 *
 * json-glib 1.6 accepts comments, single quotes, hex and leading-zero numbers, duplicate
 * keys, trailing content and out-of-range numbers, and truncates strings at \u0000. This
 * reader accepts exactly RFC 8259 and says where it stopped (line and column), and decodes
 * strings straight into a caller's buffer, which is what the JSONL reader needs for speed.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  gboolean    repair_utf8;   /* JSONL: invalid UTF-8 / lone surrogates -> U+FFFD, counted */
  gboolean    allow_nul;     /* JSONL text: keep \u0000 as a NUL character */
  gboolean    pass_bytes;    /* JSONL text: copy string bytes unchecked (raw input); the
                              * caller repairs UTF-8 afterwards and keeps the raw bytes */
  guint       repaired;
  char       *message;       /* set on failure */
  const char *error_pos;
} NkJsonCursor;

void      nk_json_cursor_init      (NkJsonCursor *c, const char *data, gsize len);
void      nk_json_cursor_clear     (NkJsonCursor *c);
void      nk_json_skip_ws          (NkJsonCursor *c);
gboolean  nk_json_consume          (NkJsonCursor *c, char ch);
gboolean  nk_json_fail             (NkJsonCursor *c, const char *pos, const char *format, ...)
                                    G_GNUC_PRINTF (3, 4);
gboolean  nk_json_parse_string     (NkJsonCursor *c, GString *out);
JsonNode *nk_json_parse_value      (NkJsonCursor *c, guint depth);
void      nk_json_error_location   (const NkJsonCursor *c, guint *line, guint *column);

/* The first byte in [p, end) a JSON string must escape ('"', '\\', a control), or end. */
const guchar *nk_json_find_special (const guchar *p, const guchar *end);

/* Parses one whole JSON text (one value, only whitespace around it). */
JsonNode *nk_json_parse_document   (const char *data,
                                    gsize       len,
                                    const char *display_name,
                                    GError    **error);

G_END_DECLS
