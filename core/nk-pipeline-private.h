/* nk-pipeline-private.h — what the runner needs of a loaded pipeline.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nkpipe.h"

G_BEGIN_DECLS

typedef struct {
  const NkStageInfo *info;
  NkConfig          *config;
  char              *id;        /* "id" from the file, else the stage type */
  char              *label;     /* "stages[2] (segment)" for messages */
  gpointer           shared;    /* from prepare */
  gboolean           prepared;
} NkPipelineStage;

NkPipelineStage *nk_pipeline_get_stage       (const NkPipeline *pipeline,
                                              guint             i);
guint            nk_pipeline_get_n_doc_stages (const NkPipeline *pipeline);
NkRegistry      *nk_pipeline_get_registry    (const NkPipeline *pipeline);

G_END_DECLS
