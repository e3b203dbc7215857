/* nk-runner.h — `nkpipe run`: streams documents from inputs through a pipeline with
 * worker threads and ordered sinks.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

/**
 * NkExitStatus: the exit statuses of `nkpipe`, documented in the README.
 */
typedef enum {
  NK_EXIT_OK          = 0,    /* every document processed */
  NK_EXIT_DOC_FAILED  = 1,    /* some documents failed; the rest were exported */
  NK_EXIT_USAGE       = 2,    /* bad command line, no input, unknown verb */
  NK_EXIT_PIPELINE    = 3,    /* pipeline or plugin error, before any document was read */
  NK_EXIT_IO          = 4,    /* an input is missing or an output cannot be written */
  NK_EXIT_INTERRUPTED = 130,  /* SIGINT/SIGTERM: temp files removed, old outputs kept */
} NkExitStatus;

typedef struct {
  guint       jobs;
  gboolean    quiet;
  gboolean    progress;       /* show progress (stderr is a terminal and not quiet) */
  const char *errors_path;    /* --errors FILE, or NULL */
  const char *manifest_path;  /* --manifest FILE, or NULL */
  gsize       max_doc_bytes;
} NkRunOptions;

typedef struct {
  guint64 documents;
  guint64 failed;
  guint64 warnings;
  guint64 bytes;
  double  seconds;
} NkRunStats;

NkExitStatus nk_run                (NkPipeline         *pipeline,
                                    GPtrArray          *inputs,
                                    const NkRunOptions *options,
                                    NkRunStats         *stats,
                                    GError            **error);

void         nk_run_install_signal_handlers (void);
gboolean     nk_run_interrupted    (void);
void         nk_run_interrupt      (void);

G_END_DECLS
