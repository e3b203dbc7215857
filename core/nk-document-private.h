/* nk-document-private.h — what only the core sees of a document.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

void   nk_document_set_seq (NkDocument *doc, gint64 seq);
gint64 nk_document_get_seq (const NkDocument *doc);

G_END_DECLS
