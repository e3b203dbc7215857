/* nk-text.h — helpers every stage and exporter needs: UTF-8 repair, byte -> code point
 * offsets, a streaming JSON writer and atomically written output files.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(NKPIPE_INSIDE) && !defined(NKPIPE_COMPILATION)
#error "Only <nkpipe.h> can be included directly."
#endif

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

G_BEGIN_DECLS

/* Appends @bytes to @out with every invalid UTF-8 sequence replaced by U+FFFD (one per
 * maximal invalid subpart, as WHATWG/Python do); returns the number of replacements. */
guint        nk_utf8_repair_append   (GString    *out,
                                      const char *bytes,
                                      gsize       len);

/* TRUE if @bytes is valid UTF-8. Unlike g_utf8_validate_len() it accepts NUL characters,
 * which are valid UTF-8 and which the core keeps in text (never truncates at). */
gboolean     nk_utf8_validate        (const char *bytes,
                                      gsize       len);

/* NkOffsetMap converts byte offsets into one text to Unicode code point offsets in O(1)
 * (a prefix count per 64-byte block). Reset it for each document; it reuses its memory. */
typedef struct _NkOffsetMap NkOffsetMap;

NkOffsetMap *nk_offset_map_new       (void);
void         nk_offset_map_free      (NkOffsetMap *map);
void         nk_offset_map_reset     (NkOffsetMap *map,
                                      const char  *text,
                                      gsize        len);
gsize        nk_offset_map_to_chars  (const NkOffsetMap *map,
                                      gsize              byte_offset);

/* Appending to a reused GString without g_string_append_len's overlap checks and calls
 * (GLib 2.74 has no inline fast path): the hot path of every exporter. The buffer stays
 * NUL-terminated. */
static inline void
nk_buf_reserve (GString *buf, gsize n)
{
  if (G_UNLIKELY (buf->len + n >= buf->allocated_len))
    {
      gsize len = buf->len;
      g_string_set_size (buf, len + n);
      buf->len = len;
      buf->str[len] = '\0';
    }
}

static inline void
nk_buf_append (GString *buf, const char *data, gsize n)
{
  nk_buf_reserve (buf, n);
  memcpy (buf->str + buf->len, data, n);
  buf->len += n;
  buf->str[buf->len] = '\0';
}

static inline void
nk_buf_append_c (GString *buf, char c)
{
  nk_buf_reserve (buf, 1);
  buf->str[buf->len++] = c;
  buf->str[buf->len] = '\0';
}

/* Streaming JSON: append to a GString the caller reuses. Strings must be valid UTF-8;
 * doubles are written locale-independently in their shortest round-trip form, and a
 * non-finite double is written as null. */
void         nk_json_append_string   (GString    *out,
                                      const char *str,
                                      gssize      len);
/* Nonzero when some byte of the eight in @w is < 0x20 (NUL included), '"' or '\\': a byte
 * a JSON string cannot hold as it is (bytes >= 0x80 never are; the "has zero byte" and
 * "has byte less than" tricks). */
static inline guint64
nk_json_word_needs_escape (guint64 w)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  guint64 quote = w ^ (ones * '"');
  guint64 slash = w ^ (ones * '\\');
  guint64 lt = (w - ones * 0x20) & ~w;
  guint64 zq = (quote - ones) & ~quote;
  guint64 zs = (slash - ones) & ~slash;

  return (lt | zq | zs) & (ones * 0x80);
}

/* Copies the @n bytes (0 to 16) at @s to @d as two overlapping loads and stores when none
 * needs escaping — most words, names and attribute values, which are then their own JSON
 * string body — and returns TRUE; FALSE otherwise (what was written to @d is scratch).
 * Reads only [s, s + n): no loop, no call. */
static inline gboolean
nk_json_copy_plain (char *d, const char *s, gsize n)
{
  guint64 lo = 0, hi = 0;

  if (n >= 8)
    {
      memcpy (&lo, s, 8);
      memcpy (&hi, s + n - 8, 8);
      if (nk_json_word_needs_escape (lo) || nk_json_word_needs_escape (hi))
        return FALSE;
      memcpy (d, &lo, 8);
      memcpy (d + n - 8, &hi, 8);
      return TRUE;
    }
  if (n >= 4)
    {
      memcpy (&lo, s, 4);
      memcpy (&hi, s + n - 4, 4);
      if (nk_json_word_needs_escape (lo | (hi << 32)))
        return FALSE;
      memcpy (d, &lo, 4);
      memcpy (d + n - 4, &hi, 4);
      return TRUE;
    }
  /* 0 to 3 bytes, the rest of the tested word plain 'a' */
  lo = G_GUINT64_CONSTANT (0x0101010101010101) * 'a';
  for (gsize i = 0; i < n; i++)
    {
      d[i] = s[i];
      lo = (lo & ~(G_GUINT64_CONSTANT (0xFF) << (8 * i))) | ((guint64) (guchar) s[i] << (8 * i));
    }
  return nk_json_word_needs_escape (lo) == 0;
}

/* Appends @s (@n bytes) as nk_json_append_string () does, a short plain one (a word, a
 * name) inline, without the call. */
static inline void
nk_json_append_word (GString *out, const char *s, gsize n)
{
  char *d;

  nk_buf_reserve (out, 18);
  d = out->str + out->len;
  if (n <= 16 && nk_json_copy_plain (d + 1, s, n))
    {
      d[0] = '"';
      d[n + 1] = '"';
      d[n + 2] = '\0';
      out->len += n + 2;
      return;
    }
  nk_json_append_string (out, s, (gssize) n);
}

void         nk_json_append_int      (GString *out,
                                      gint64   value);
void         nk_json_append_double   (GString *out,
                                      double   value);
void         nk_json_append_node     (GString  *out,
                                      JsonNode *node);

/* NkOutputFile: writes to a temporary file beside @path and renames it over @path on
 * commit, so readers never see a partial file and a failed or interrupted run leaves the
 * old file untouched. A %NULL path means standard output (written through, no rename). */
typedef struct _NkOutputFile NkOutputFile;

NkOutputFile *nk_output_file_open    (const char *path,
                                      GError    **error);
gboolean      nk_output_file_write   (NkOutputFile *file,
                                      const void   *data,
                                      gsize         len,
                                      GError      **error);
gboolean      nk_output_file_commit  (NkOutputFile *file,
                                      GError      **error);
void          nk_output_file_free    (NkOutputFile *file);
const char   *nk_output_file_get_path (const NkOutputFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkOffsetMap, nk_offset_map_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkOutputFile, nk_output_file_free)

/* Line-based data files (lexicons, gazetteers, word lists) that stages ship: one entry a
 * line, '#' starting a comment line, blank lines ignored, and errors that name the file and
 * the line. The iterator cuts the lines of a buffer the caller owns and may modify in place
 * (@len bytes and a NUL after them, as g_file_get_contents () and g_strndup () give; copy
 * read-only data first): each line is NUL-terminated where it ends. */
typedef enum {
  NK_DATA_LINES_DEFAULT     = 0,        /* ASCII white space cut at both ends */
  NK_DATA_LINES_KEEP_SPACE  = 1 << 0,   /* only a final '\r' is cut (tab fields may be empty) */
  NK_DATA_LINES_NO_COMMENTS = 1 << 1,   /* a line starting with '#' is data (emoticons) */
} NkDataLinesFlags;

typedef struct {
  const char       *origin;   /* the file's name, for messages */
  guint             lineno;   /* of the line last returned, from 1 */
  /*< private >*/
  char             *pos;
  char             *end;
  NkDataLinesFlags  flags;
} NkDataLines;

void         nk_data_lines_init      (NkDataLines      *lines,
                                      char             *data,
                                      gsize             len,
                                      const char       *origin,
                                      NkDataLinesFlags  flags);
/* The next line that is neither blank nor a comment, trimmed as the flags say, with its
 * length in *@len (may be NULL); NULL at the end. */
char        *nk_data_lines_next      (NkDataLines *lines,
                                      gsize       *len);
/* Sets @error to "ORIGIN:LINE: message" for the line last returned. */
void         nk_data_lines_error     (const NkDataLines *lines,
                                      GError           **error,
                                      GQuark             domain,
                                      gint               code,
                                      const char        *format,
                                      ...) G_GNUC_PRINTF (5, 6);

G_END_DECLS
