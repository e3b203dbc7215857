/* nk-input.c — finds inputs and streams documents from them.
 *
 * Files are read whole (one document each); JSON Lines are read through one reused buffer,
 * a line at a time, so memory stays bounded by the longest line, not the file.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-input"

#include "nkpipe.h"
#include "nk-input-private.h"
#include "nk-json-private.h"
#include "nk-runner.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (nk-input-error-quark, nk_input_error)

static void
nk_input_file_free (NkInputFile *f)
{
  g_free (f->path);
  g_free (f);
}

static gboolean
nk_input_kind_for (const char *path, NkInputKind *kind)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".txt"))
    *kind = NK_INPUT_TEXT;
  else if (g_str_has_suffix (lower, ".html") || g_str_has_suffix (lower, ".htm"))
    *kind = NK_INPUT_HTML;
  else if (g_str_has_suffix (lower, ".jsonl"))
    *kind = NK_INPUT_JSONL;
  else
    return FALSE;
  return TRUE;
}

static void
nk_inputs_add_file (GPtrArray *out, const char *path, NkInputKind kind)
{
  NkInputFile *f = g_new0 (NkInputFile, 1);
  GStatBuf st;

  f->path = g_strdup (path);
  f->kind = kind;
  if (g_stat (path, &st) == 0)
    f->size = (guint64) st.st_size;
  g_ptr_array_add (out, f);
}

/* A folder yields its .txt and .html/.htm files, recursively. */
static void
nk_inputs_walk (GPtrArray *out, const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      NkInputKind kind;

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        nk_inputs_walk (out, path);
      else if (nk_input_kind_for (name, &kind) && kind != NK_INPUT_JSONL)
        nk_inputs_add_file (out, path, kind);
    }
}

static gboolean
nk_has_wildcard (const char *s)
{
  return strpbrk (s, "*?[") != NULL;
}

/* Expands the glob components of @parts[i..] under @dir. */
static void
nk_inputs_glob (GPtrArray *out, const char *dir, char **parts, guint i)
{
  g_autoptr(GPatternSpec) spec = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (parts[i] == NULL)
    return;
  if (!nk_has_wildcard (parts[i]))
    {
      g_autofree char *path = g_build_filename (dir, parts[i], NULL);
      NkInputKind kind;

      if (parts[i + 1])
        nk_inputs_glob (out, path, parts, i + 1);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        nk_inputs_walk (out, path);
      else if (g_file_test (path, G_FILE_TEST_EXISTS) && nk_input_kind_for (path, &kind))
        nk_inputs_add_file (out, path, kind);
      return;
    }
  spec = g_pattern_spec_new (parts[i]);
  d = g_dir_open (*dir ? dir : ".", 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = NULL;
      NkInputKind kind;

      if (name[0] == '.' || !g_pattern_spec_match_string (spec, name))
        continue;
      path = *dir ? g_build_filename (dir, name, NULL) : g_strdup (name);
      if (parts[i + 1])
        {
          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            nk_inputs_glob (out, path, parts, i + 1);
        }
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        nk_inputs_walk (out, path);
      else if (nk_input_kind_for (name, &kind))
        nk_inputs_add_file (out, path, kind);
    }
}

static gboolean
nk_inputs_expand_one (GPtrArray *out, const char *spec, GError **error)
{
  guint before = out->len;
  NkInputKind kind;

  if (nk_has_wildcard (spec))
    {
      g_auto(GStrv) parts = g_strsplit (spec, "/", -1);
      nk_inputs_glob (out, g_path_is_absolute (spec) ? "/" : "", parts + (g_path_is_absolute (spec) ? 1 : 0), 0);
      if (out->len == before)
        {
          g_set_error (error, NK_INPUT_ERROR, NK_INPUT_ERROR_NOT_FOUND,
                       "no input files match '%s'", spec);
          return FALSE;
        }
      return TRUE;
    }
  if (g_file_test (spec, G_FILE_TEST_IS_DIR))
    {
      nk_inputs_walk (out, spec);
      return TRUE;
    }
  if (!g_file_test (spec, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, NK_INPUT_ERROR, NK_INPUT_ERROR_NOT_FOUND,
                   "input '%s' does not exist", spec);
      return FALSE;
    }
  if (!nk_input_kind_for (spec, &kind))
    {
      g_set_error (error, NK_INPUT_ERROR, NK_INPUT_ERROR_FORMAT,
                   "input '%s': unknown format (expected .txt, .html, .htm or .jsonl)", spec);
      return FALSE;
    }
  nk_inputs_add_file (out, spec, kind);
  return TRUE;
}

static int
nk_input_compare (gconstpointer a, gconstpointer b)
{
  const NkInputFile *fa = *(NkInputFile *const *) a;
  const NkInputFile *fb = *(NkInputFile *const *) b;

  return strcmp (fa->path, fb->path);
}

/**
 * nk_inputs_expand:
 * @specs: files, folders, globs, or "-" alone for JSON Lines on stdin
 *
 * Returns: (transfer full): NkInputFile in sorted path order, without duplicates.
 */
GPtrArray *
nk_inputs_expand (const char *const *specs, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) nk_input_file_free);
  guint n = specs ? g_strv_length ((char **) specs) : 0;

  for (guint i = 0; i < n; i++)
    {
      if (strcmp (specs[i], "-") != 0)
        continue;
      if (n > 1)
        {
          g_set_error (error, NK_INPUT_ERROR, NK_INPUT_ERROR_STDIN,
                       "'-' (JSON Lines on standard input) cannot be combined with other inputs");
          return NULL;
        }
      nk_inputs_add_file (out, "-", NK_INPUT_STDIN);
      return g_steal_pointer (&out);
    }
  for (guint i = 0; i < n; i++)
    if (!nk_inputs_expand_one (out, specs[i], error))
      return NULL;
  g_ptr_array_sort (out, nk_input_compare);
  for (guint i = 1; i < out->len;)
    {
      if (nk_input_compare (&out->pdata[i - 1], &out->pdata[i]) == 0)
        g_ptr_array_remove_index (out, i);
      else
        i++;
    }
  return g_steal_pointer (&out);
}

/* ---- documents from bytes ---------------------------------------------------------- */

static gsize
nk_count_nul (const char *bytes, gsize len)
{
  gsize n = 0;
  const char *p = bytes, *end = bytes + len;

  while ((p = memchr (p, '\0', end - p)) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

NkDocument *
nk_document_new_from_bytes (const char *id, const char *source, NkFormat format, char *bytes,
                            gsize len)
{
  NkDocument *doc = nk_document_new (id, source, format);
  gsize nul;

  if (format == NK_FORMAT_HTML)
    {
      nk_document_take_raw (doc, (guint8 *) bytes, len);
      if (len == 0)
        nk_document_add_warning (doc, "empty input");
      return doc;
    }
  if (nk_utf8_validate (bytes, len))
    {
      /* Valid input: the text is the raw input, byte for byte; share it. */
      nk_document_take_text (doc, bytes, len);
    }
  else
    {
      guint repaired = nk_document_set_text_repair (doc, bytes, len);
      nk_document_take_raw (doc, (guint8 *) bytes, len);
      nk_document_add_warning (doc, "%u invalid UTF-8 sequence%s replaced by U+FFFD", repaired,
                               repaired == 1 ? "" : "s");
      if (len >= 16 && (gsize) repaired * 4 > len)
        nk_document_add_warning (doc, "input looks binary (%u of %" G_GSIZE_FORMAT
                                 " bytes are not UTF-8)", repaired, len);
    }
  nul = nk_count_nul (nk_document_get_text (doc, NULL), len);
  if (nul > 0)
    nk_document_add_warning (doc, "text contains %" G_GSIZE_FORMAT " NUL character%s", nul,
                             nul == 1 ? "" : "s");
  if (len == 0)
    nk_document_add_warning (doc, "empty text");
  return doc;
}

/* ---- the reader -------------------------------------------------------------------- */

#define NK_READ_CHUNK (1 << 20)

struct _NkReader {
  GPtrArray *inputs;
  guint      next_input;
  gsize      max_doc_bytes;
  /* the current JSONL file */
  int        fd;
  const NkInputFile *jsonl;
  guint64    line_no;
  char      *buf;
  gsize      buf_len;     /* bytes held */
  gsize      buf_pos;     /* start of the unread part */
  gsize      buf_size;
  gboolean   eof;
  GString   *key;
  /* duplicate ids: 64-bit hashes in an open-addressing set (8 bytes per document) */
  guint64   *ids;
  gsize      ids_size;
  gsize      ids_used;
};

NkReader *
nk_reader_new (GPtrArray *inputs, gsize max_doc_bytes)
{
  NkReader *r = g_new0 (NkReader, 1);

  r->inputs = g_ptr_array_ref (inputs);
  r->max_doc_bytes = max_doc_bytes;
  r->fd = -1;
  r->key = g_string_new (NULL);
  r->ids_size = 1024;
  r->ids = g_new0 (guint64, r->ids_size);
  return r;
}

void
nk_reader_free (NkReader *r)
{
  if (r == NULL)
    return;
  if (r->fd > 0)
    close (r->fd);
  g_ptr_array_unref (r->inputs);
  g_free (r->buf);
  g_string_free (r->key, TRUE);
  g_free (r->ids);
  g_free (r);
}

void
nk_read_item_clear (NkReadItem *item)
{
  g_clear_pointer (&item->doc, nk_document_free);
  g_clear_pointer (&item->id, g_free);
  g_clear_pointer (&item->source, g_free);
  g_clear_pointer (&item->message, g_free);
  item->bytes = 0;
}

static guint64
nk_hash64 (const char *s)
{
  guint64 h = 0xcbf29ce484222325ull;   /* FNV-1a */

  for (; *s; s++)
    h = (h ^ (guchar) *s) * 0x100000001b3ull;
  return h ? h : 1;
}

/* Returns FALSE if the id was seen before. */
static gboolean
nk_reader_note_id (NkReader *r, const char *id)
{
  guint64 h = nk_hash64 (id);
  gsize mask, i;

  if (r->ids_used * 2 >= r->ids_size)
    {
      guint64 *old = r->ids;
      gsize old_size = r->ids_size;

      r->ids_size *= 2;
      r->ids = g_new0 (guint64, r->ids_size);
      for (gsize k = 0; k < old_size; k++)
        if (old[k])
          {
            gsize j = old[k] & (r->ids_size - 1);
            while (r->ids[j])
              j = (j + 1) & (r->ids_size - 1);
            r->ids[j] = old[k];
          }
      g_free (old);
    }
  mask = r->ids_size - 1;
  for (i = h & mask; r->ids[i]; i = (i + 1) & mask)
    if (r->ids[i] == h)
      return FALSE;
  r->ids[i] = h;
  r->ids_used++;
  return TRUE;
}

static char *
nk_file_id (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  if (dot && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static gboolean
nk_reader_fail (NkReadItem *item, char *id, char *source, char *message)
{
  item->doc = NULL;
  item->id = id;
  item->source = source;
  item->message = message;
  return TRUE;
}

static gboolean
nk_reader_read_file (NkReader *r, const NkInputFile *f, NkReadItem *item)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  char *id = nk_file_id (f->path);

  item->bytes = f->size;
  if (f->size > r->max_doc_bytes)
    return nk_reader_fail (item, id, g_strdup (f->path),
                           g_strdup_printf ("document is %" G_GUINT64_FORMAT " bytes, over the "
                                            "limit of %" G_GSIZE_FORMAT " (--max-doc-mb)",
                                            f->size, r->max_doc_bytes));
  if (!g_file_get_contents (f->path, &data, &len, &error))
    return nk_reader_fail (item, id, g_strdup (f->path), g_strdup (error->message));
  item->doc = nk_document_new_from_bytes (id, f->path,
                                          f->kind == NK_INPUT_HTML ? NK_FORMAT_HTML : NK_FORMAT_TEXT,
                                          data, len);
  if (!nk_reader_note_id (r, id))
    nk_document_add_warning (item->doc, "duplicate document id '%s'", id);
  g_free (id);
  return TRUE;
}

static gboolean
nk_reader_open_jsonl (NkReader *r, const NkInputFile *f, GError **error)
{
  if (f->kind == NK_INPUT_STDIN)
    r->fd = 0;
  else
    {
      r->fd = g_open (f->path, O_RDONLY | O_CLOEXEC, 0);
      if (r->fd < 0)
        {
          int errsv = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                       "cannot open '%s': %s", f->path, g_strerror (errsv));
          return FALSE;
        }
    }
  r->jsonl = f;
  r->line_no = 0;
  r->buf_len = r->buf_pos = 0;
  r->eof = FALSE;
  if (r->buf == NULL)
    {
      r->buf_size = NK_READ_CHUNK;
      r->buf = g_malloc (r->buf_size);
    }
  return TRUE;
}

static void
nk_reader_close_jsonl (NkReader *r)
{
  if (r->fd > 0)
    close (r->fd);
  r->fd = -1;
  r->jsonl = NULL;
}

/* Reads more bytes into the buffer; FALSE at end of file or on error (then *error set). */
static gboolean
nk_reader_fill (NkReader *r, GError **error)
{
  gssize n;

  if (r->buf_pos > 0)
    {
      memmove (r->buf, r->buf + r->buf_pos, r->buf_len - r->buf_pos);
      r->buf_len -= r->buf_pos;
      r->buf_pos = 0;
    }
  if (r->buf_len == r->buf_size)
    {
      r->buf_size *= 2;
      r->buf = g_realloc (r->buf, r->buf_size);
    }
  do
    n = read (r->fd, r->buf + r->buf_len, r->buf_size - r->buf_len);
  while (n < 0 && errno == EINTR && !nk_run_interrupted ());
  if (n < 0)
    {
      int errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "cannot read '%s': %s",
                   r->jsonl->path, g_strerror (errsv));
      return FALSE;
    }
  if (n == 0)
    {
      r->eof = TRUE;
      return FALSE;
    }
  r->buf_len += (gsize) n;
  return TRUE;
}

/* The next line (without its newline); *too_long when it exceeded max_doc_bytes and was
 * skipped. FALSE at the end of the file. */
static gboolean
nk_reader_next_line (NkReader *r, const char **line, gsize *len, gboolean *too_long,
                     GError **error)
{
  gsize scanned = 0;

  *too_long = FALSE;
  for (;;)
    {
      char *start = r->buf + r->buf_pos;
      gsize avail = r->buf_len - r->buf_pos;
      char *nl = memchr (start + scanned, '\n', avail - scanned);

      if (nl)
        {
          *line = start;
          *len = (gsize) (nl - start);
          r->buf_pos += *len + 1;
          r->line_no++;
          return TRUE;
        }
      scanned = avail;
      if (avail > r->max_doc_bytes + 2)
        {
          /* Skip to the next newline without keeping the bytes. */
          *too_long = TRUE;
          r->buf_pos = r->buf_len;
          scanned = 0;
        }
      if (!nk_reader_fill (r, error))
        {
          if (*error || r->buf_len == r->buf_pos)
            {
              if (*too_long)
                {
                  r->line_no++;
                  *len = 0;
                  return TRUE;
                }
              return FALSE;
            }
          *line = r->buf + r->buf_pos;
          *len = r->buf_len - r->buf_pos;
          r->buf_pos = r->buf_len;
          r->line_no++;
          return TRUE;
        }
      if (*too_long)
        scanned = 0;
    }
}

static char *
nk_jsonl_fail_message (NkJsonCursor *c, const char *path, guint64 line_no)
{
  guint line, column;
  char *msg;

  nk_json_error_location (c, &line, &column);
  msg = g_strdup_printf ("%s:%" G_GUINT64_FORMAT ":%u: %s", path, line_no, column, c->message);
  nk_json_cursor_clear (c);
  return msg;
}

/* Parses one JSONL object into a document. The text/html string is decoded straight into
 * its own buffer, which becomes the document's raw input (and its text when valid). */
static gboolean
nk_reader_parse_line (NkReader *r, const char *line, gsize len, NkReadItem *item)
{
  NkJsonCursor c;
  g_autoptr(GString) body = NULL;
  g_autoptr(GPtrArray) meta_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) meta_values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *id = NULL;
  g_autofree char *file_id = nk_file_id (r->jsonl->path);
  char *source = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, r->jsonl->path, r->line_no);
  NkFormat format = NK_FORMAT_TEXT;
  gsize body_len;

  item->bytes = len + 1;
  nk_json_cursor_init (&c, line, len);
  if (!nk_json_consume (&c, '{'))
    {
      nk_json_fail (&c, c.p, "expected a JSON object {\"id\": ..., \"text\": ...} on each line");
      goto fail;
    }
  if (!nk_json_consume (&c, '}'))
    for (;;)
      {
        const char *key_pos;

        nk_json_skip_ws (&c);
        key_pos = c.p;
        g_string_truncate (r->key, 0);
        if (c.p < c.end && *c.p != '"')
          {
            nk_json_fail (&c, c.p, "expected a member name in double quotes");
            goto fail;
          }
        if (!nk_json_parse_string (&c, r->key))
          goto fail;
        if (!nk_json_consume (&c, ':'))
          {
            nk_json_fail (&c, c.p, "expected ':' after \"%s\"", r->key->str);
            goto fail;
          }
        if (strcmp (r->key->str, "text") == 0 || strcmp (r->key->str, "html") == 0)
          {
            if (body)
              {
                nk_json_fail (&c, key_pos, "a line holds one \"text\" or one \"html\" field, not two");
                goto fail;
              }
            format = r->key->str[0] == 'h' ? NK_FORMAT_HTML : NK_FORMAT_TEXT;
            body = g_string_sized_new (len + 1);
            c.pass_bytes = TRUE;
            c.allow_nul = TRUE;
            if (!nk_json_parse_string (&c, body))
              goto fail;
            c.pass_bytes = c.allow_nul = FALSE;
          }
        else if (strcmp (r->key->str, "id") == 0)
          {
            g_autoptr(JsonNode) node = nk_json_parse_value (&c, 1);
            if (node == NULL)
              goto fail;
            if (id)
              {
                nk_json_fail (&c, key_pos, "duplicate key \"id\"");
                goto fail;
              }
            if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
                *json_node_get_string (node))
              id = g_strdup (json_node_get_string (node));
            else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
              id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
            else
              {
                nk_json_fail (&c, key_pos, "\"id\" must be a non-empty string or an integer");
                goto fail;
              }
          }
        else
          {
            JsonNode *node;
            for (guint i = 0; i < meta_keys->len; i++)
              if (strcmp (g_ptr_array_index (meta_keys, i), r->key->str) == 0)
                {
                  nk_json_fail (&c, key_pos, "duplicate key \"%s\"", r->key->str);
                  goto fail;
                }
            node = nk_json_parse_value (&c, 1);
            if (node == NULL)
              goto fail;
            g_ptr_array_add (meta_keys, g_strdup (r->key->str));
            g_ptr_array_add (meta_values, node);
          }
        if (nk_json_consume (&c, ','))
          continue;
        if (nk_json_consume (&c, '}'))
          break;
        nk_json_fail (&c, c.p, "expected ',' or '}' in the object");
        goto fail;
      }
  nk_json_skip_ws (&c);
  if (c.p < c.end)
    {
      nk_json_fail (&c, c.p, "unexpected content after the object (one object per line)");
      goto fail;
    }
  if (id == NULL)
    id = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, file_id, r->line_no);
  if (body == NULL)
    {
      nk_json_fail (&c, line, "no \"text\" or \"html\" field");
      goto fail;
    }
  body_len = body->len;
  item->doc = nk_document_new_from_bytes (id, source, format, g_string_free (g_steal_pointer (&body), FALSE),
                                          body_len);
  g_free (source);
  for (guint i = 0; i < meta_keys->len; i++)
    nk_document_take_meta (item->doc, g_ptr_array_index (meta_keys, i),
                           json_node_ref (g_ptr_array_index (meta_values, i)));
  if (!nk_reader_note_id (r, id))
    nk_document_add_warning (item->doc, "duplicate document id '%s'", id);
  return TRUE;

fail:
  if (id == NULL)
    id = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, file_id, r->line_no);
  return nk_reader_fail (item, g_steal_pointer (&id), source,
                         nk_jsonl_fail_message (&c, r->jsonl->path, r->line_no));
}

static gboolean
nk_line_is_blank (const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;
  return TRUE;
}

static gboolean
nk_reader_next_jsonl (NkReader *r, NkReadItem *item)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      const char *line;
      gsize len;
      gboolean too_long;

      if (!nk_reader_next_line (r, &line, &len, &too_long, &error))
        {
          const NkInputFile *f = r->jsonl;
          nk_reader_close_jsonl (r);
          if (error)
            return nk_reader_fail (item, nk_file_id (f->path), g_strdup (f->path),
                                   g_strdup (error->message));
          return FALSE;
        }
      if (too_long)
        {
          g_autofree char *file_id = nk_file_id (r->jsonl->path);
          return nk_reader_fail (item,
                                 g_strdup_printf ("%s:%" G_GUINT64_FORMAT, file_id, r->line_no),
                                 g_strdup_printf ("%s:%" G_GUINT64_FORMAT, r->jsonl->path, r->line_no),
                                 g_strdup_printf ("line is over the limit of %" G_GSIZE_FORMAT
                                                  " bytes (--max-doc-mb)", r->max_doc_bytes));
        }
      if (len && line[len - 1] == '\r')
        len--;
      if (nk_line_is_blank (line, len))
        continue;
      return nk_reader_parse_line (r, line, len, item);
    }
}

/**
 * nk_reader_next:
 *
 * Fills @item with the next document or read failure. Returns FALSE when all inputs are
 * done.
 */
gboolean
nk_reader_next (NkReader *r, NkReadItem *item)
{
  memset (item, 0, sizeof *item);
  for (;;)
    {
      const NkInputFile *f;
      g_autoptr(GError) error = NULL;

      if (r->jsonl && nk_reader_next_jsonl (r, item))
        return TRUE;
      if (r->next_input >= r->inputs->len)
        return FALSE;
      f = g_ptr_array_index (r->inputs, r->next_input++);
      if (f->kind == NK_INPUT_TEXT || f->kind == NK_INPUT_HTML)
        return nk_reader_read_file (r, f, item);
      if (!nk_reader_open_jsonl (r, f, &error))
        return nk_reader_fail (item, nk_file_id (f->path), g_strdup (f->path),
                               g_strdup (error->message));
    }
}
