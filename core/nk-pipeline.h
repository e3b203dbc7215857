/* nk-pipeline.h — finding plugins, loading and checking pipeline files, and running the
 * document stages of a pipeline on one document (for embedders and tests; `nkpipe run`
 * adds streaming, threads and ordered sinks on top, see nk-runner.h).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(NKPIPE_INSIDE) && !defined(NKPIPE_COMPILATION)
#error "Only <nkpipe.h> can be included directly."
#endif

#include <glib.h>
#include "nk-document.h"
#include "nk-plugin.h"

G_BEGIN_DECLS

#define NK_PLUGIN_ERROR (nk_plugin_error_quark ())
GQuark nk_plugin_error_quark (void);

/**
 * NkPluginError:
 * @NK_PLUGIN_ERROR_NOT_FOUND: no module in the search path provides the stage type
 * @NK_PLUGIN_ERROR_OPEN_FAILED: GModule could not open the file (its message is included)
 * @NK_PLUGIN_ERROR_NO_ENTRY: the module exports no `nk_plugin_desc` descriptor
 * @NK_PLUGIN_ERROR_ABI_MISMATCH: the module was built for another ABI major version
 * @NK_PLUGIN_ERROR_INIT_FAILED: the register function failed or the descriptor is malformed
 * @NK_PLUGIN_ERROR_DUPLICATE: a stage type is registered twice
 */
typedef enum {
  NK_PLUGIN_ERROR_NOT_FOUND,
  NK_PLUGIN_ERROR_OPEN_FAILED,
  NK_PLUGIN_ERROR_NO_ENTRY,
  NK_PLUGIN_ERROR_ABI_MISMATCH,
  NK_PLUGIN_ERROR_INIT_FAILED,
  NK_PLUGIN_ERROR_DUPLICATE,
} NkPluginError;

#define NK_PIPELINE_ERROR (nk_pipeline_error_quark ())
GQuark nk_pipeline_error_quark (void);

/**
 * NkPipelineError:
 * @NK_PIPELINE_ERROR_IO: the pipeline file could not be read
 * @NK_PIPELINE_ERROR_SYNTAX: not valid JSON (message has file:line:column)
 * @NK_PIPELINE_ERROR_SCHEMA: valid JSON, wrong shape (message has the JSON path)
 * @NK_PIPELINE_ERROR_LAYERS: a stage requires a layer no earlier stage provides, or the
 *   stage order is impossible
 * @NK_PIPELINE_ERROR_STAGE: a stage's prepare or create failed
 */
typedef enum {
  NK_PIPELINE_ERROR_IO,
  NK_PIPELINE_ERROR_SYNTAX,
  NK_PIPELINE_ERROR_SCHEMA,
  NK_PIPELINE_ERROR_LAYERS,
  NK_PIPELINE_ERROR_STAGE,
} NkPipelineError;

/* ---- registry ---------------------------------------------------------------------- */

typedef struct _NkRegistry NkRegistry;

NkRegistry        *nk_registry_new             (const char *const *plugin_dirs,
                                                const char        *data_dir);
void               nk_registry_free            (NkRegistry *registry);
const char *const *nk_registry_get_search_path (const NkRegistry *registry);
const char        *nk_registry_get_data_dir    (const NkRegistry *registry);
const NkStageInfo *nk_registry_lookup_stage    (NkRegistry *registry,
                                                const char *type,
                                                GError    **error);

typedef struct {
  char               *path;
  const NkPluginDesc *desc;      /* NULL when the module failed to load */
  GError             *error;     /* why it failed, else NULL */
  GPtrArray          *stages;    /* const NkStageInfo *, when loaded */
} NkModuleEntry;

GPtrArray         *nk_registry_scan            (NkRegistry *registry);

/* ---- pipelines --------------------------------------------------------------------- */

typedef struct _NkPipeline NkPipeline;

NkPipeline        *nk_pipeline_load_file       (NkRegistry *registry,
                                                const char *path,
                                                GError    **error);
NkPipeline        *nk_pipeline_load_data       (NkRegistry *registry,
                                                const char *data,
                                                gssize      len,
                                                const char *display_name,
                                                const char *base_dir,
                                                GError    **error);
void               nk_pipeline_free            (NkPipeline *pipeline);

const char        *nk_pipeline_get_name        (const NkPipeline *pipeline);
const char        *nk_pipeline_get_path        (const NkPipeline *pipeline);
const char *const *nk_pipeline_get_inputs      (const NkPipeline *pipeline);
guint              nk_pipeline_get_n_stages    (const NkPipeline *pipeline);
const NkStageInfo *nk_pipeline_get_stage_info  (const NkPipeline *pipeline,
                                                guint             i);
const NkConfig    *nk_pipeline_get_stage_config (const NkPipeline *pipeline,
                                                 guint             i);
char              *nk_pipeline_get_hash        (const NkPipeline *pipeline);

gboolean           nk_pipeline_override_output (NkPipeline *pipeline,
                                                const char *path,
                                                GError    **error);
gboolean           nk_pipeline_prepare         (NkPipeline *pipeline,
                                                GError    **error);

/* One set of document-stage instances, for one thread. */
typedef struct _NkWorker NkWorker;

NkWorker          *nk_worker_new               (NkPipeline *pipeline,
                                                GError    **error);
gboolean           nk_worker_process           (NkWorker   *worker,
                                                NkDocument *doc,
                                                guint      *failed_stage,
                                                GError    **error);
void               nk_worker_free              (NkWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkRegistry, nk_registry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkPipeline, nk_pipeline_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkWorker, nk_worker_free)

G_END_DECLS
