/* nk-test-util.h — helpers shared by the test binaries.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <nkpipe.h>

G_BEGIN_DECLS

/* A registry over the build tree's plugins and the source tree's data/. */
NkRegistry  *nk_test_registry       (void);

/* Loads @pipeline_json (base dir: tests/data), prepares it and runs its document stages on
 * @doc in this thread. Returns FALSE with @error set if loading or a stage fails. */
gboolean     nk_test_process        (const char *pipeline_json,
                                     NkDocument *doc,
                                     GError    **error);

/* A text document with id "test" run through @pipeline_json; asserts success. */
NkDocument  *nk_test_process_text   (const char *pipeline_json,
                                     const char *text);

/* The text a span covers, newly allocated. */
char        *nk_test_span_text      (NkDocument *doc,
                                     NkLayer    *layer,
                                     guint       i);

/* ../shared beside the source tree, or NULL (then call g_test_skip with a message). */
const char  *nk_test_shared_dir     (void);

/* Path of a file in the source tree (tests/data/NAME etc.), static storage not needed: free it. */
char        *nk_test_source_path    (const char *relative);

/* Runs the built nkpipe binary with @argv (NULL-terminated, without "nkpipe"); captures
 * stdout/stderr (nullable) and returns the exit status. */
int          nk_test_run_cli        (const char *const *argv,
                                     const char         *stdin_data,
                                     char              **out,
                                     char              **err);

G_END_DECLS
