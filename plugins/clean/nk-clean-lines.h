/* nk-clean-lines.h — line-level boilerplate removal and metadata extraction for news text.
 *
 * Pure C + GLib (no nkpipe core dependency) so that the rules can be compiled straight into
 * tests and tools. The flow for one document:
 *
 *   nk_clean_doc_reset (cd);
 *   nk_clean_doc_add_raw_text (cd, raw, len);        (plain text: split, repair, normalise)
 *      or nk_clean_doc_add_line () per block + nk_clean_doc_paragraph_break ()  (HTML)
 *   nk_clean_classify (rules, &options, cd);
 *   nk_clean_doc_build_text (cd, keep_boilerplate, out);
 *
 * An #NkCleanRules is built once per run and shared read-only by every thread; an
 * #NkCleanDoc is per thread and reuses its memory from one document to the next.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NK_CLEAN_ERROR (nk_clean_error_quark ())
GQuark nk_clean_error_quark (void);

/**
 * NkCleanError:
 * @NK_CLEAN_ERROR_DATA: a lexicon or pattern file line is malformed
 * @NK_CLEAN_ERROR_PATTERN: a regular expression does not compile
 */
typedef enum {
  NK_CLEAN_ERROR_DATA,
  NK_CLEAN_ERROR_PATTERN,
} NkCleanError;

/**
 * NkCleanClass:
 * @NK_CLEAN_BODY: article text, kept
 * @NK_CLEAN_BOILERPLATE: web furniture (the reason says which rule)
 * @NK_CLEAN_META: headline, masthead, date or byline line: its content went to metadata
 */
typedef enum {
  NK_CLEAN_BODY,
  NK_CLEAN_BOILERPLATE,
  NK_CLEAN_META,
} NkCleanClass;

/**
 * NkCleanLine:
 * @text_start: byte offset of the normalised line in #NkCleanDoc.buf
 * @text_len: its length in bytes (no newline; never 0: blank lines are not stored)
 * @n_chars: its length in characters
 * @n_spaces: spaces in it (words - 1)
 * @raw_start: byte offset of the line in the raw input
 * @raw_end: one past its last byte (line terminator excluded)
 * @para: paragraph number; lines of one paragraph were not separated by a blank line
 * @link_chars: characters that were link text (HTML), 0 for plain text
 * @html_flags: the HTML extractor's line flags, 0 for plain text
 * @cls: the class, set by nk_clean_classify()
 * @reason: (nullable): a static string naming the rule, for boilerplate and metadata lines
 */
typedef struct {
  gsize        text_start;
  gsize        text_len;
  guint        n_chars;
  guint        n_spaces;
  gsize        raw_start;
  gsize        raw_end;
  guint        para;
  guint        link_chars;
  guint        html_flags;
  NkCleanClass cls;
  const char  *reason;
} NkCleanLine;

/**
 * NkCleanMeta:
 * @title, @publisher, @date, @dateline, @author: (nullable): as found; @date is YYYY-MM-DD
 * @dates: (element-type utf8): other distinct YYYY-MM-DD dates printed outside the body
 */
typedef struct {
  char      *title;
  char      *publisher;
  char      *date;
  char      *dateline;
  char      *author;
  GPtrArray *dates;
} NkCleanMeta;

typedef struct {
  GString     *buf;
  GArray      *lines;   /* NkCleanLine */
  guint        para;
  gboolean     para_open;
  guint        n_replacements;  /* invalid UTF-8 sequences replaced by U+FFFD */
  guint        n_controls;      /* control characters (NUL included) turned into spaces */
  NkCleanMeta  meta;
  GArray      *feats;   /* NkCleanFeat per line, reused */
} NkCleanDoc;

/**
 * NkCleanOptions:
 * @short_chars: lines up to this many characters count as short (default 120)
 * @min_body_words: a line needs this many words and final punctuation to count as sure body
 *   text (default 4)
 * @max_link_density: HTML lines whose link text exceeds this share are link-like (0.5)
 * @find_title: take a headline-like first line as the title (off when the markup already
 *   gave one and removed it from the text)
 * @positional: short or unpunctuated lines before the first and after the last sure body
 *   line are furniture. Right for scraped text; off for HTML, whose extractor has already
 *   cut the page down to its main content (there such lines are decks, captions, embeds)
 */
typedef struct {
  guint    short_chars;
  guint    min_body_words;
  double   max_link_density;
  gboolean find_title;
  gboolean positional;
} NkCleanOptions;

#define NK_CLEAN_OPTIONS_INIT { 120, 4, 0.5, TRUE, TRUE }

typedef struct _NkCleanRules NkCleanRules;

NkCleanRules *nk_clean_rules_new          (void);
void          nk_clean_rules_free         (NkCleanRules *rules);
gboolean      nk_clean_rules_load_stopwords (NkCleanRules *rules,
                                             const char   *data,
                                             gsize         len,
                                             const char   *name,
                                             GError      **error);
gboolean      nk_clean_rules_load_phrases (NkCleanRules *rules,
                                           const char   *data,
                                           gsize         len,
                                           const char   *name,
                                           GError      **error);
gboolean      nk_clean_rules_load_patterns (NkCleanRules *rules,
                                            const char   *data,
                                            gsize         len,
                                            const char   *name,
                                            GError      **error);
gboolean      nk_clean_rules_add_pattern  (NkCleanRules *rules,
                                           const char   *reason,
                                           const char   *scope,
                                           const char   *triggers,
                                           const char   *regex,
                                           GError      **error);
gboolean      nk_clean_rules_finish       (NkCleanRules *rules,
                                           GError      **error);

void          nk_clean_doc_init           (NkCleanDoc *cd);
void          nk_clean_doc_clear          (NkCleanDoc *cd);
void          nk_clean_doc_reset          (NkCleanDoc *cd);
void          nk_clean_doc_add_raw_text   (NkCleanDoc  *cd,
                                           const char  *raw,
                                           gsize        len);
void          nk_clean_doc_add_line       (NkCleanDoc *cd,
                                           const char *bytes,
                                           gsize       len,
                                           gsize       raw_start,
                                           gsize       raw_end,
                                           guint       link_chars,
                                           guint       html_flags);
void          nk_clean_doc_paragraph_break (NkCleanDoc *cd);

void          nk_clean_classify           (const NkCleanRules   *rules,
                                           const NkCleanOptions *options,
                                           NkCleanDoc           *cd);
void          nk_clean_doc_build_text     (const NkCleanDoc *cd,
                                           gboolean          keep_boilerplate,
                                           GString          *out);

/* Date parsing, exposed for tests and the HTML path: finds the first full date (day, month
 * and year) in @s; returns TRUE and its byte range. */
gboolean      nk_clean_find_date          (const char *s,
                                           gsize       len,
                                           int        *year,
                                           int        *month,
                                           int        *day,
                                           gsize      *match_start,
                                           gsize      *match_end);

static inline const char *
nk_clean_line_text (const NkCleanDoc *cd, const NkCleanLine *line)
{
  return cd->buf->str + line->text_start;
}

G_END_DECLS
