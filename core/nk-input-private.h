/* nk-input-private.h — input discovery (files, folders, globs, stdin) and reading them
 * as a stream of documents.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

typedef enum {
  NK_INPUT_TEXT,
  NK_INPUT_HTML,
  NK_INPUT_JSONL,
  NK_INPUT_STDIN,
} NkInputKind;

typedef struct {
  char        *path;      /* as shown to users */
  NkInputKind  kind;
  guint64      size;      /* 0 for stdin */
} NkInputFile;

#define NK_INPUT_ERROR (nk_input_error_quark ())
GQuark nk_input_error_quark (void);

typedef enum {
  NK_INPUT_ERROR_NOT_FOUND,    /* a path or glob names nothing */
  NK_INPUT_ERROR_FORMAT,       /* an explicitly named file of unknown type */
  NK_INPUT_ERROR_READ,         /* a file could not be read */
  NK_INPUT_ERROR_STDIN,        /* "-" mixed with other inputs */
} NkInputError;

GPtrArray *nk_inputs_expand (const char *const *specs,
                             GError           **error);

typedef struct _NkReader NkReader;

/* What the reader yields: a document, or a record that one could not be read. */
typedef struct {
  NkDocument *doc;       /* NULL for a failure */
  char       *id;        /* failures: the id if known, else FILE:LINE */
  char       *source;
  char       *message;
  guint64     bytes;
} NkReadItem;

NkReader  *nk_reader_new    (GPtrArray *inputs,
                             gsize      max_doc_bytes);
gboolean   nk_reader_next   (NkReader   *reader,
                             NkReadItem *item);
void       nk_reader_free   (NkReader *reader);
void       nk_read_item_clear (NkReadItem *item);

/* Builds a text or HTML document from bytes, applying the core's rules (UTF-8 repair for
 * text, warnings for empty or binary-looking input). Takes @bytes. */
NkDocument *nk_document_new_from_bytes (const char *id,
                                        const char *source,
                                        NkFormat    format,
                                        char       *bytes,
                                        gsize       len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkReader, nk_reader_free)

G_END_DECLS
