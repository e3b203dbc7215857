/* nk-clean-plugin.c — the `clean` stage: article text without web furniture, and its
 * metadata (title, publisher, date, dateline, author).
 *
 * Text documents are split into lines from their raw bytes (so every removed line has an
 * exact byte range for meta.removed), repaired and normalised line by line, and classified
 * by nk-clean-lines.c. HTML documents go through the main-content extractor
 * (nk-html-extract.c) first; its lines then get the same rules, and the markup's metadata
 * wins over what the lines suggest.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-clean"

#include <string.h>

#include <nkpipe.h>
#include <libxml/parser.h>

#include "nk-clean-lines.h"
#include "nk-html-extract.h"

typedef struct {
  gsize       start;
  gsize       end;
  const char *reason;
} NkRemoved;

typedef struct {
  const NkCleanRules *rules;
  NkCleanOptions      opt;
  gboolean            keep_boilerplate;
  NkCleanDoc          cd;
  GArray             *removed;   /* NkRemoved, reused */
} NkClean;

static const NkConfigKey nk_clean_config[] = {
  { "keep_boilerplate", NK_CONFIG_BOOL, "false",
    "Debugging: keep boilerplate and metadata lines in the text (meta.removed still lists "
    "what would have been removed, with the rule that fired)" },
  { "patterns", NK_CONFIG_LIST, "[]",
    "Extra regular expressions (GRegex/PCRE2; use (?i) for case-insensitive): a line of the "
    "normalised text that matches is boilerplate with reason \"pattern\"",
    NK_CONFIG_FLAGS_NONE, NK_CONFIG_STRING },
  { "phrases", NK_CONFIG_PATH, NULL,
    "An extra phrase file in the format of clean/phrases.txt "
    "(reason<TAB>scope<TAB>phrase), loaded after the built-in one" },
  { "short_chars", NK_CONFIG_INT, "120",
    "Lines of at most this many characters count as short: phrases of scope \"short\" apply "
    "to them" },
  { "min_body_words", NK_CONFIG_INT, "4",
    "Words a line with final punctuation needs to count as sure article text; shorter lines "
    "are body only between article lines" },
  { "max_link_density", NK_CONFIG_DOUBLE, "0.5",
    "HTML: a line whose link text is more than this share of its characters is link-like "
    "boilerplate" },
  { NULL }
};

static const char *const nk_clean_provides[] = { "text", NULL };

/* ---- prepare: rules loaded once, shared read-only ------------------------------------- */

typedef gboolean (*NkRulesLoader) (NkCleanRules *, const char *, gsize, const char *,
                                   GError **);

static gboolean
nk_clean_load (NkCleanRules *rules, const char *path, NkRulesLoader load, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &data, &len, &local) ||
      !load (rules, data, len, path, &local))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
nk_clean_load_builtin (NkCleanRules *rules, const NkConfig *config, GError **error)
{
  static const struct { const char *file; NkRulesLoader load; } files[] = {
    { "clean/stopwords.txt", nk_clean_rules_load_stopwords },
    { "clean/phrases.txt", nk_clean_rules_load_phrases },
    { "clean/patterns.txt", nk_clean_rules_load_patterns },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = nk_config_find_data_file (config, files[i].file, error);
      if (path == NULL || !nk_clean_load (rules, path, files[i].load, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
nk_clean_load_config_patterns (NkCleanRules *rules, const NkConfig *config, GError **error)
{
  JsonArray *list = nk_config_get_list (config, "patterns");

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      g_autoptr (GError) local = NULL;
      const char *re = json_array_get_string_element (list, i);
      if (!nk_clean_rules_add_pattern (rules, "pattern", "any", NULL, re, &local))
        {
          g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_CONFIG, "config.patterns[%u]: %s",
                       i, local->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gpointer
nk_clean_prepare (const NkConfig *config, GError **error)
{
  NkCleanRules *rules = nk_clean_rules_new ();
  const char *phrases = nk_config_get_path (config, "phrases");

  if (nk_config_get_int (config, "short_chars") < 1 ||
      nk_config_get_int (config, "min_body_words") < 1 ||
      nk_config_get_double (config, "max_link_density") <= 0)
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_CONFIG,
                   "config.short_chars and config.min_body_words must be at least 1, "
                   "config.max_link_density above 0");
      goto fail;
    }
  if (!nk_clean_load_builtin (rules, config, error) ||
      (phrases != NULL && !nk_clean_load (rules, phrases, nk_clean_rules_load_phrases, error)) ||
      !nk_clean_load_config_patterns (rules, config, error) ||
      !nk_clean_rules_finish (rules, error))
    goto fail;
  /* libxml2's global init, once, on the main thread before any worker parses */
  xmlInitParser ();
  return rules;

fail:
  nk_clean_rules_free (rules);
  return NULL;
}

static void
nk_clean_unprepare (gpointer shared)
{
  nk_clean_rules_free (shared);
}

static gpointer
nk_clean_create (const NkConfig *config, gpointer shared, GError **error)
{
  NkClean *self = g_new0 (NkClean, 1);
  NkCleanOptions opt = NK_CLEAN_OPTIONS_INIT;

  self->rules = shared;
  opt.short_chars = (guint) MIN (nk_config_get_int (config, "short_chars"), G_MAXINT);
  opt.min_body_words = (guint) MIN (nk_config_get_int (config, "min_body_words"), G_MAXINT);
  opt.max_link_density = nk_config_get_double (config, "max_link_density");
  self->opt = opt;
  self->keep_boilerplate = nk_config_get_bool (config, "keep_boilerplate");
  nk_clean_doc_init (&self->cd);
  self->removed = g_array_new (FALSE, FALSE, sizeof (NkRemoved));
  return self;
}

static void
nk_clean_free (gpointer data)
{
  NkClean *self = data;

  nk_clean_doc_clear (&self->cd);
  g_array_unref (self->removed);
  g_free (self);
}

/* ---- metadata ------------------------------------------------------------------------- */

/* Values given with the document (JSONL fields) are kept; the stage fills the rest. */
static void
nk_clean_set_meta (NkDocument *doc, const char *key, const char *value)
{
  if (value == NULL || *value == '\0' || nk_document_get_meta_string (doc, key) != NULL)
    return;
  nk_document_set_meta_string (doc, key, value);
}

static void
nk_clean_add_unique (GPtrArray *list, const char *date, const char *primary)
{
  if (date == NULL || g_strcmp0 (date, primary) == 0)
    return;
  for (guint i = 0; i < list->len; i++)
    if (strcmp (list->pdata[i], date) == 0)
      return;
  g_ptr_array_add (list, (gpointer) date);
}

/* meta.dates: every other date printed or declared, without the chosen one. */
static void
nk_clean_set_dates (NkDocument *doc, const NkCleanMeta *meta, const NkHtmlResult *html)
{
  g_autoptr (GPtrArray) dates = g_ptr_array_new ();
  const char *primary = nk_document_get_meta_string (doc, "date");

  if (html != NULL)
    for (guint i = 0; html->dates != NULL && i < html->dates->len; i++)
      nk_clean_add_unique (dates, html->dates->pdata[i], primary);
  nk_clean_add_unique (dates, meta->date, primary);
  for (guint i = 0; i < meta->dates->len; i++)
    nk_clean_add_unique (dates, meta->dates->pdata[i], primary);
  if (dates->len == 0 || nk_document_get_meta (doc, "dates") != NULL)
    return;

  JsonArray *arr = json_array_sized_new (dates->len);
  for (guint i = 0; i < dates->len; i++)
    json_array_add_string_element (arr, dates->pdata[i]);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, arr);
  nk_document_take_meta (doc, "dates", node);
}

static void
nk_clean_apply_meta (NkDocument *doc, const NkCleanMeta *meta, const NkHtmlResult *html)
{
  if (html != NULL)
    {
      nk_clean_set_meta (doc, "title", html->title);
      nk_clean_set_meta (doc, "publisher", html->publisher);
      nk_clean_set_meta (doc, "date", html->date_iso);
      nk_clean_set_meta (doc, "author", html->author);
    }
  nk_clean_set_meta (doc, "title", meta->title);
  nk_clean_set_meta (doc, "publisher", meta->publisher);
  nk_clean_set_meta (doc, "date", meta->date);
  nk_clean_set_meta (doc, "dateline", meta->dateline);
  nk_clean_set_meta (doc, "author", meta->author);
  nk_clean_set_dates (doc, meta, html);
}

/* ---- meta.removed ----------------------------------------------------------------------- */

static gint
nk_removed_cmp (gconstpointer a, gconstpointer b)
{
  const NkRemoved *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static void
nk_clean_set_removed (NkClean *self, NkDocument *doc, const NkHtmlResult *html)
{
  GArray *removed = self->removed;

  g_array_set_size (removed, 0);
  for (guint i = 0; html != NULL && html->removed != NULL && i < html->removed->len; i++)
    {
      const NkHtmlRemoved *r = &g_array_index (html->removed, NkHtmlRemoved, i);
      NkRemoved x = { r->raw_start, r->raw_end, r->reason };
      g_array_append_val (removed, x);
    }
  for (guint i = 0; i < self->cd.lines->len; i++)
    {
      const NkCleanLine *line = &g_array_index (self->cd.lines, NkCleanLine, i);
      if (line->cls == NK_CLEAN_BODY)
        continue;
      NkRemoved x = { line->raw_start, line->raw_end, line->reason ? line->reason : "boilerplate" };
      g_array_append_val (removed, x);
    }
  if (html != NULL)
    g_array_sort (removed, nk_removed_cmp);

  /* Written as JSON text with the streaming writer: no node tree per entry. */
  GString *json = g_string_sized_new (removed->len * 48 + 2);
  nk_buf_append_c (json, '[');
  for (guint i = 0; i < removed->len; i++)
    {
      const NkRemoved *r = &g_array_index (removed, NkRemoved, i);
      nk_buf_append (json, i ? ",{\"start\":" : "{\"start\":", i ? 10 : 9);
      nk_json_append_int (json, (gint64) r->start);
      nk_buf_append (json, ",\"end\":", 7);
      nk_json_append_int (json, (gint64) r->end);
      nk_buf_append (json, ",\"reason\":", 10);
      nk_json_append_string (json, r->reason, -1);
      nk_buf_append_c (json, '}');
    }
  nk_buf_append_c (json, ']');
  gsize len = json->len;
  nk_document_take_meta_json (doc, "removed", g_string_free (json, FALSE), len);
}

/* ---- process ---------------------------------------------------------------------------- */

/* A JSONL "html" field is already Unicode; a .html file's bytes need charset sniffing. */
static gboolean
nk_clean_html_is_unicode (const NkDocument *doc)
{
  const char *source = nk_document_get_source (doc);
  g_autofree char *lower = source != NULL ? g_ascii_strdown (source, -1) : NULL;

  return lower != NULL && !g_str_has_suffix (lower, ".html") && !g_str_has_suffix (lower, ".htm");
}

static gboolean
nk_clean_lines_from_html (NkClean *self, NkDocument *doc, NkHtmlResult *res, GError **error)
{
  gsize len = 0;
  const guint8 *raw = nk_document_get_raw (doc, &len);
  g_autoptr (GError) local = NULL;

  if (raw == NULL)
    raw = (const guint8 *) nk_document_get_text (doc, &len);
  if (!nk_html_extract (raw != NULL ? raw : (const guint8 *) "", len,
                        nk_clean_html_is_unicode (doc), res, &local))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_INPUT, "HTML: %s", local->message);
      return FALSE;
    }
  const char *text = res->text->str;
  gsize prev_end = 0;
  for (guint i = 0; i < res->lines->len; i++)
    {
      const NkHtmlLine *l = &g_array_index (res->lines, NkHtmlLine, i);
      /* a blank line between two lines of the extractor's text separates paragraphs */
      const char *gap = i > 0 ? g_strstr_len (text + prev_end, l->text_start - prev_end, "\n\n") : NULL;
      if (gap != NULL)
        nk_clean_doc_paragraph_break (&self->cd);
      nk_clean_doc_add_line (&self->cd, text + l->text_start, l->text_end - l->text_start,
                             l->raw_start, l->raw_end, l->link_chars, l->flags);
      prev_end = l->text_end;
    }
  self->opt.find_title = res->title == NULL;
  self->opt.positional = FALSE;
  return TRUE;
}

static void
nk_clean_lines_from_text (NkClean *self, NkDocument *doc)
{
  gsize len = 0;
  const char *raw = (const char *) nk_document_get_raw (doc, &len);

  if (raw == NULL)
    raw = nk_document_get_text (doc, &len);
  self->opt.find_title = TRUE;
  self->opt.positional = TRUE;
  if (raw != NULL)
    nk_clean_doc_add_raw_text (&self->cd, raw, len);
}

static gboolean
nk_clean_process (gpointer data, NkDocument *doc, GError **error)
{
  NkClean *self = data;
  NkHtmlResult res = { 0 };
  gboolean html = nk_document_get_format (doc) == NK_FORMAT_HTML;

  nk_clean_doc_reset (&self->cd);
  if (html)
    {
      if (!nk_clean_lines_from_html (self, doc, &res, error))
        {
          nk_html_result_clear (&res);
          return FALSE;
        }
    }
  else
    nk_clean_lines_from_text (self, doc);

  nk_clean_classify (self->rules, &self->opt, &self->cd);

  /* the metadata first: its many small allocations come before the text's large one,
   * which makes malloc consolidate the chunks other threads freed */
  nk_clean_apply_meta (doc, &self->cd.meta, html ? &res : NULL);
  nk_clean_set_removed (self, doc, html ? &res : NULL);

  /* room for every line and its separator: nk_clean_doc_build_text () will not grow it */
  GString *out = g_string_sized_new (self->cd.buf->len + 2 * self->cd.lines->len + 1);
  nk_clean_doc_build_text (&self->cd, self->keep_boilerplate, out);
  if (out->len == 0 && self->cd.lines->len > 0)
    nk_document_add_warning (doc, "clean: only boilerplate (%u line%s removed), text is empty",
                             self->cd.lines->len, self->cd.lines->len == 1 ? "" : "s");
  else if (out->len == 0 && html)
    nk_document_add_warning (doc, "clean: no article text found in the HTML");
  if (self->cd.n_controls > 0)
    nk_document_add_warning (doc, "clean: %u control character%s replaced by spaces",
                             self->cd.n_controls, self->cd.n_controls == 1 ? "" : "s");
  gsize out_len = out->len;
  nk_document_take_text (doc, g_string_free (out, FALSE), out_len);
  nk_html_result_clear (&res);
  return TRUE;
}

static const NkStageInfo nk_clean_stage = {
  .type = "clean",
  .description = "Article text without web boilerplate, plus title/publisher/date/dateline/"
                 "author (text and HTML input)",
  .kind = NK_STAGE_DOCUMENT,
  .provides = nk_clean_provides,
  .config = nk_clean_config,
  .prepare = nk_clean_prepare,
  .unprepare = nk_clean_unprepare,
  .create = nk_clean_create,
  .process = nk_clean_process,
  .free = nk_clean_free,
};

NK_PLUGIN_DEFINE_STAGE ("clean", "1.0.0", "MIT",
                        "Boilerplate removal, metadata and HTML main-content extraction",
                        nk_clean_stage, "clean")
