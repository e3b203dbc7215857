/* nk-segmenter.h — rule-based paragraph, sentence and token segmentation (GLib only).
 *
 * The engine knows nothing about documents or layers: it reads UTF-8 text and appends
 * byte-offset spans to caller-provided GArrays, so the plugin (or a test) can reuse the
 * arrays from one document to the next and nothing is allocated per sentence or token.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * NkAbbrevClass:
 * @NK_ABBREV_NONE: not in the lexicon
 * @NK_ABBREV_TITLE: honorifics and titles ("Mr", "Sen", "Gen"): never end a sentence
 * @NK_ABBREV_MONTH: month abbreviations ("Sept", "Nov"): no sentence end before a number
 * @NK_ABBREV_NUMBER: abbreviations that precede a number ("No", "Vol", "p")
 * @NK_ABBREV_STATE: US state abbreviations ("Calif", "Ill"): abbreviations only after
 *   "Town," so that "fell ill. Doctors…" still ends a sentence
 * @NK_ABBREV_GENERIC: other abbreviations ("Inc", "Jr", "Corp"): end a sentence only when
 *   followed by a typical sentence starter ("The", "He", "But"…)
 * @NK_ABBREV_INNER: abbreviations that never end a sentence ("e.g", "i.e", "cf", "vs")
 * @NK_ABBREV_END: abbreviations that often end a sentence ("etc"): a capitalised word
 *   after them starts a new sentence, but they keep their dot as one token
 * @NK_ABBREV_STARTER: not an abbreviation: a word that commonly starts a sentence and is
 *   capitalised only there ("The", "But"); used to decide after ambiguous abbreviations
 * @NK_ABBREV_SPEECH: not an abbreviation: a speech verb ("said", "asked"); after a quote
 *   that closes on ? or !, "Name said" continues the sentence
 */
typedef enum {
  NK_ABBREV_NONE,
  NK_ABBREV_TITLE,
  NK_ABBREV_MONTH,
  NK_ABBREV_NUMBER,
  NK_ABBREV_STATE,
  NK_ABBREV_GENERIC,
  NK_ABBREV_INNER,
  NK_ABBREV_END,
  NK_ABBREV_STARTER,
  NK_ABBREV_SPEECH,
} NkAbbrevClass;

/* A [start, end) byte range of the text. */
typedef struct {
  guint32 start;
  guint32 end;
} NkSegSpan;

typedef enum {
  NK_TOKEN_WORD,
  NK_TOKEN_NUMBER,
  NK_TOKEN_PUNCT,
  NK_TOKEN_SYMBOL,
  NK_TOKEN_CLITIC,
  NK_TOKEN_URL,
  NK_TOKEN_EMAIL,
  NK_TOKEN_HANDLE,
  NK_TOKEN_HASHTAG,
} NkTokenKind;

/* Set when the token's normalised form may differ from its text (it has upper-case or
 * non-ASCII characters); tokens without it have norm == text, so callers can skip
 * nk_segmenter_token_norm() for them. */
#define NK_TOKEN_FLAG_NORM 0x01

typedef struct {
  guint32 start;
  guint32 end;
  guint8  kind;   /* NkTokenKind */
  guint8  flags;  /* NK_TOKEN_FLAG_* */
} NkSegToken;

#define NK_SEGMENTER_ERROR (nk_segmenter_error_quark ())
GQuark nk_segmenter_error_quark (void);

/**
 * NkSegmenterError:
 * @NK_SEGMENTER_ERROR_DATA: an abbreviation file is malformed (unknown class, bad entry)
 */
typedef enum {
  NK_SEGMENTER_ERROR_DATA,
} NkSegmenterError;

typedef struct _NkSegmenter NkSegmenter;

/* An empty segmenter (no abbreviations); load lexicons before use. After loading it is
 * only read, so one segmenter may be shared by many threads. */
NkSegmenter  *nk_segmenter_new            (void);
void          nk_segmenter_free           (NkSegmenter *seg);

/* Loads an abbreviation lexicon: `[class]` section lines ([title], [month], [number],
 * [state], [generic], [inner], [end], [starter], [speech]), then one entry a line (the
 * abbreviation without its final dot), `#` comments. Later entries replace earlier ones,
 * so an extra file can override. @name is used in error messages. */
gboolean      nk_segmenter_load_data      (NkSegmenter *seg,
                                           const char  *data,
                                           gsize        len,
                                           const char  *name,
                                           GError     **error);
gboolean      nk_segmenter_load_file      (NkSegmenter *seg,
                                           const char  *path,
                                           GError     **error);
guint         nk_segmenter_get_n_entries  (const NkSegmenter *seg);

/* The lexicon class of @word (without its dot); entries match case-insensitively, except
 * titles, months and states, which must start with a capital as written in running text. */
NkAbbrevClass nk_segmenter_lookup         (const NkSegmenter *seg,
                                           const char        *word,
                                           gsize              len);

/* Appends paragraph spans to @paragraphs and sentence spans to @sentences (either may be
 * NULL when not wanted, but sentences are found per paragraph anyway). Spans are trimmed
 * of white space and never empty. @len must be below G_MAXUINT32. */
void          nk_segmenter_split          (const NkSegmenter *seg,
                                           const char        *text,
                                           gsize              len,
                                           GArray            *paragraphs,
                                           GArray            *sentences);

/* Appends the tokens of text[start, end) (normally one sentence) to @tokens. */
void          nk_segmenter_tokenize       (const NkSegmenter *seg,
                                           const char        *text,
                                           gsize              start,
                                           gsize              end,
                                           GArray            *tokens);

/* Appends the tokens of every span of @spans (NkSegSpan, normally the sentences) to
 * @tokens; one call per document keeps the array's growth amortised. */
void          nk_segmenter_tokenize_spans (const NkSegmenter *seg,
                                           const char        *text,
                                           GArray            *spans,
                                           GArray            *tokens);

/* Writes the normalised form of @token (lower case, curly apostrophes as ') into @out,
 * replacing its contents. */
void          nk_segmenter_token_norm     (const char       *text,
                                           const NkSegToken *token,
                                           GString          *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkSegmenter, nk_segmenter_free)

G_END_DECLS
