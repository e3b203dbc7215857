/* nk-quotes-engine.h — direct quotations and their speakers, on plain text plus entity spans.
 *
 * The engine needs only GLib: the plugin glue (nk-quotes-plugin.c) converts the document's
 * layers into the arrays below, and the tests build them by hand.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NK_QUOTE_ERROR (nk_quote_error_quark ())
GQuark nk_quote_error_quark (void);

/**
 * NkQuoteError:
 * @NK_QUOTE_ERROR_PARSE: a lexicon or demonym file has a malformed line (the message names
 *   the file and line)
 */
typedef enum {
  NK_QUOTE_ERROR_PARSE,
} NkQuoteError;

typedef enum {
  NK_QUOTE_LABEL_OTHER = 0,
  NK_QUOTE_LABEL_PERSON,
  NK_QUOTE_LABEL_ORG,
  NK_QUOTE_LABEL_GPE,
  NK_QUOTE_LABEL_LOC,
  NK_QUOTE_LABEL_FACILITY,
  NK_QUOTE_LABEL_NORP,
  NK_QUOTE_LABEL_EVENT,
  NK_QUOTE_LABEL_DATE,
} NkQuoteLabel;

/* Maps the `entities` layer's label strings; NULL or unknown gives NK_QUOTE_LABEL_OTHER. */
NkQuoteLabel nk_quote_label_from_string (const char *label);

/* A byte range [start, end) in the text. */
typedef struct {
  guint32 start;
  guint32 end;
} NkQuoteRange;

/**
 * NkQuoteEntity:
 * @canonical: (nullable): display name; the mention's own text is used when %NULL
 * @role: (nullable): title or role found with the mention ("Secretary of State")
 * @pending: @label, @canonical and @role are not filled in yet: the finder asks the
 *   input's @load_entity for them the first time it needs them (most mentions of a text
 *   are never looked at)
 *
 * One entity mention; an input array is sorted by @start and has no overlaps.
 */
typedef struct {
  guint32       start;
  guint32       end;
  NkQuoteLabel  label;
  const char   *canonical;
  const char   *role;
  gboolean      pending;
} NkQuoteEntity;

/* Fills in the label, canonical name and role of @entity, entity @index of the input (the
 * finder then clears its pending flag). */
typedef void (*NkQuoteEntityFunc) (gpointer       data,
                                   guint          index,
                                   NkQuoteEntity *entity);

/**
 * NkQuoteInput:
 * @sentences: (nullable): sentence ranges sorted by start; when empty each paragraph is
 *   one sentence
 * @paragraphs: (nullable): paragraph ranges sorted by start; when empty every run of line
 *   breaks separates paragraphs
 * @load_entity: (nullable): completes the @entities marked pending, in place (the array
 *   then must be writable while the finder runs); %NULL when none is pending
 */
typedef struct {
  const char          *text;
  gsize                len;
  const NkQuoteRange  *sentences;
  guint                n_sentences;
  const NkQuoteRange  *paragraphs;
  guint                n_paragraphs;
  const NkQuoteEntity *entities;
  guint                n_entities;
  NkQuoteEntityFunc    load_entity;
  gpointer             load_data;
} NkQuoteInput;

/**
 * NkQuote:
 * @start: first byte of the quoted text (after the opening mark)
 * @end: one past its last byte (before the closing mark)
 * @speaker: (nullable): the speaker's display name, not NUL-terminated: use @speaker_len;
 *   %NULL when the text names no speaker (an unnamed source, or no reporting structure).
 *   Points into the input's entity strings, the text or the lexicon.
 * @has_mention: whether @mention_start/@mention_end hold the speaker's mention (a name,
 *   pronoun or description such as "a senior official")
 * @has_cue: whether @cue_start/@cue_end hold the reporting verb or phrase as written
 * @partial: the quotation is a fragment inside reported speech, not a full utterance
 * @continuation: the speaker was carried over from an earlier quotation (an interrupted
 *   quote, a quote continued in the next sentence or paragraph)
 */
typedef struct {
  guint32     start;
  guint32     end;
  const char *speaker;
  gsize       speaker_len;
  guint32     mention_start;
  guint32     mention_end;
  guint32     cue_start;
  guint32     cue_end;
  gboolean    has_mention;
  gboolean    has_cue;
  gboolean    partial;
  gboolean    continuation;
} NkQuote;

typedef struct _NkQuoteLexicon NkQuoteLexicon;

/* Loads the cue lexicon (data/quotes/lexicon.txt format), the demonym table
 * (data/quotes/demonyms.txt) and the gendered given names (data/quotes/given-names.txt).
 * I/O errors are G_FILE_ERROR, bad lines NK_QUOTE_ERROR_PARSE. */
NkQuoteLexicon *nk_quote_lexicon_new_from_files (const char *lexicon_path,
                                                 const char *demonyms_path,
                                                 const char *names_path,
                                                 GError    **error);
/* The same from memory; the origins name the data in messages. */
NkQuoteLexicon *nk_quote_lexicon_new_from_data  (const char *lexicon,
                                                 gsize       lexicon_len,
                                                 const char *lexicon_origin,
                                                 const char *demonyms,
                                                 gsize       demonyms_len,
                                                 const char *demonyms_origin,
                                                 const char *names,
                                                 gsize       names_len,
                                                 const char *names_origin,
                                                 GError    **error);
void            nk_quote_lexicon_free           (NkQuoteLexicon *lexicon);
guint           nk_quote_lexicon_get_size       (const NkQuoteLexicon *lexicon);

/* A finder holds the working memory of one thread; it only reads the lexicon, which may be
 * shared by many finders. */
typedef struct _NkQuoteFinder NkQuoteFinder;

NkQuoteFinder *nk_quote_finder_new  (const NkQuoteLexicon *lexicon);
void           nk_quote_finder_free (NkQuoteFinder *finder);

/* Finds the quotations of one text, in text order. The array is owned by @finder and valid
 * until its next run; @input must stay alive while the result is used. */
const NkQuote *nk_quote_finder_run  (NkQuoteFinder      *finder,
                                     const NkQuoteInput *input,
                                     guint              *n_quotes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkQuoteLexicon, nk_quote_lexicon_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkQuoteFinder, nk_quote_finder_free)

G_END_DECLS
