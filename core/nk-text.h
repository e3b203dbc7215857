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

G_END_DECLS
