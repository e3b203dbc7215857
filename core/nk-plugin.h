/* nk-plugin.h — the plugin ABI: module descriptor, stage types, registrar.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(NKPIPE_INSIDE) && !defined(NKPIPE_COMPILATION)
#error "Only <nkpipe.h> can be included directly."
#endif

#include <glib.h>
#include <gmodule.h>

#include "nk-config.h"
#include "nk-document.h"

G_BEGIN_DECLS

/* Bump MAJOR on any change to the layout of NkPluginDesc, NkStageInfo, NkConfigKey or the
 * meaning of a callback; bump MINOR for additions that old plugins can ignore. */
#define NK_ABI_MAJOR 1
#define NK_ABI_MINOR 0

/* The name of the one symbol a plugin module exports. */
#define NK_PLUGIN_SYMBOL "nk_plugin_desc"

/**
 * NkStageKind:
 * @NK_STAGE_DOCUMENT: runs on worker threads, one instance per worker; sees one document at a
 *   time and must not share mutable state between instances
 * @NK_STAGE_SINK: one instance, fed every document in input order on one thread (exporters,
 *   aggregators); sinks come after all document stages in a pipeline
 */
typedef enum {
  NK_STAGE_DOCUMENT,
  NK_STAGE_SINK,
} NkStageKind;

typedef struct _NkStageInfo NkStageInfo;

/**
 * NkStageInfo:
 * @type: the stage type named by a pipeline's `"plugin"` key
 * @description: one line for `nkpipe plugins` and `nkpipe describe`
 * @kind: document stage or ordered sink
 * @requires: (nullable): %NULL-terminated layers that an earlier stage must provide
 * @uses: (nullable): %NULL-terminated layers used when an earlier stage provides them
 * @provides: (nullable): %NULL-terminated layers this stage adds (`text` if it rewrites text)
 * @config: (nullable): the config schema, ended by an entry with a %NULL name
 * @prepare: (nullable): called once per run on the main thread before any document, e.g. to
 *   load lexicons; returns data shared read-only by every instance
 * @unprepare: (nullable): frees what @prepare returned, after every instance is freed
 * @create: makes one instance from the validated config and the shared data
 * @process: handles one document; on %FALSE with @error set the document is recorded as
 *   failed and not passed on, and the run goes on
 * @finish: (nullable): flushes after the last document (sinks write corpus-level outputs);
 *   not called when the run is interrupted or fails
 * @free: frees an instance; a sink freed without finish must discard partial output
 * @wants_layer: (nullable): for stages whose configuration decides which layers they read
 *   beyond @requires and @uses (an exporter's `layers`): TRUE if the stage reads @layer.
 *   Earlier stages can then skip layers nobody reads (nk_config_layer_wanted ()).
 */
struct _NkStageInfo {
  const char        *type;
  const char        *description;
  NkStageKind        kind;
  const char *const *requires;
  const char *const *uses;
  const char *const *provides;
  const NkConfigKey *config;

  gpointer (*prepare)   (const NkConfig *config,
                         GError        **error);
  void     (*unprepare) (gpointer shared);
  gpointer (*create)    (const NkConfig *config,
                         gpointer        shared,
                         GError        **error);
  gboolean (*process)   (gpointer        self,
                         NkDocument     *doc,
                         GError        **error);
  gboolean (*finish)    (gpointer        self,
                         GError        **error);
  void     (*free)      (gpointer        self);
  gboolean (*wants_layer) (const NkConfig *config,
                           const char     *layer);
};

typedef struct _NkRegistrar NkRegistrar;

void nk_registrar_add_stage (NkRegistrar       *registrar,
                             const NkStageInfo *info);

typedef gboolean (*NkPluginRegisterFunc) (NkRegistrar *registrar,
                                          GError     **error);

/**
 * NkPluginDesc:
 *
 * The descriptor a module exports as %NK_PLUGIN_SYMBOL. It is data, read before anything in
 * the module runs: the ABI version first, so the loader can refuse a mismatch safely.
 */
typedef struct {
  guint32               abi_major;
  guint32               abi_minor;
  const char           *name;
  const char           *version;
  const char           *description;
  const char           *license;
  const char *const    *stage_types;
  NkPluginRegisterFunc  register_func;
} NkPluginDesc;

/**
 * NK_PLUGIN_DEFINE:
 * @name: module name, e.g. `"segment"`; the file is `nk-NAME.so`
 * @version: the module's version string
 * @license: SPDX license id
 * @description: one line
 * @register_func: an #NkPluginRegisterFunc that only calls nk_registrar_add_stage()
 * @...: the stage types the module provides, as string literals
 */
#define NK_PLUGIN_DEFINE(name, version, license, description, register_func, ...) \
  G_MODULE_EXPORT const NkPluginDesc nk_plugin_desc = {                         \
    NK_ABI_MAJOR, NK_ABI_MINOR, (name), (version), (description), (license),    \
    (const char *const[]) { __VA_ARGS__, NULL }, (register_func)                \
  };

/**
 * NK_PLUGIN_DEFINE_STAGE:
 * @name: module name
 * @version: the module's version string
 * @license: SPDX license id
 * @description: one line
 * @stage: a `static const NkStageInfo` variable (its address is registered)
 * @type: the stage's type, the same string literal as `@stage.type`
 *
 * For the common module that provides one stage type: defines its register function too.
 */
#define NK_PLUGIN_DEFINE_STAGE(name, version, license, description, stage, type)   \
  static gboolean                                                                 \
  nk_plugin_register_ ## stage (NkRegistrar *registrar, GError **error)           \
  {                                                                               \
    (void) error;                                                                 \
    nk_registrar_add_stage (registrar, &stage);                                   \
    return TRUE;                                                                  \
  }                                                                               \
  NK_PLUGIN_DEFINE (name, version, license, description,                         \
                    nk_plugin_register_ ## stage, type)

#define NK_STAGE_ERROR (nk_stage_error_quark ())
GQuark nk_stage_error_quark (void);

/**
 * NkStageError:
 * @NK_STAGE_ERROR_CONFIG: the config is valid JSON for the schema but unusable
 * @NK_STAGE_ERROR_DATA: a data file (lexicon, gazetteer) is missing or malformed
 * @NK_STAGE_ERROR_INPUT: the document cannot be processed
 * @NK_STAGE_ERROR_OUTPUT: an output could not be written
 */
typedef enum {
  NK_STAGE_ERROR_CONFIG,
  NK_STAGE_ERROR_DATA,
  NK_STAGE_ERROR_INPUT,
  NK_STAGE_ERROR_OUTPUT,
} NkStageError;

G_END_DECLS
