/* nk-registry.c — finds and loads plugin modules.
 *
 * The rule that maps a stage type to a module: stage type "a-b-c" is looked for in module
 * files nk-a-b-c.so, then nk-a-b.so, then nk-a.so, in each directory of the search path in
 * order. Only the modules a pipeline names are opened. A module is opened with
 * G_MODULE_BIND_LOCAL, its descriptor is checked (ABI first) before anything in it runs,
 * and it stays resident for the life of the process.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-registry"

#include "nkpipe.h"
#include "nk-config-private.h"
#include "nk-registry-private.h"

#include <string.h>

G_DEFINE_QUARK (nk-plugin-error-quark, nk_plugin_error)

typedef struct {
  char               *path;
  GModule            *module;
  const NkPluginDesc *desc;
  GPtrArray          *stages;   /* const NkStageInfo * */
} NkModule;

struct _NkRegistrar {
  GPtrArray *stages;
};

struct _NkRegistry {
  GPtrArray  *search_path;  /* char *, NULL-terminated */
  char       *data_dir;
  GHashTable *modules;      /* path -> NkModule (or NULL member on failure) */
  GHashTable *stages;       /* type -> NkModule */
};

static void
nk_module_free (NkModule *m)
{
  /* The GModule itself is resident: never closed while anything it made may live. */
  g_free (m->path);
  g_clear_pointer (&m->stages, g_ptr_array_unref);
  g_free (m);
}

NkRegistry *
nk_registry_new (const char *const *plugin_dirs, const char *data_dir)
{
  NkRegistry *registry = g_new0 (NkRegistry, 1);

  registry->search_path = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; plugin_dirs && plugin_dirs[i]; i++)
    if (*plugin_dirs[i])
      g_ptr_array_add (registry->search_path, g_canonicalize_filename (plugin_dirs[i], NULL));
  g_ptr_array_add (registry->search_path, NULL);
  registry->data_dir = g_strdup (data_dir);
  registry->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) nk_module_free);
  registry->stages = g_hash_table_new (g_str_hash, g_str_equal);
  return registry;
}

void
nk_registry_free (NkRegistry *registry)
{
  if (registry == NULL)
    return;
  g_ptr_array_unref (registry->search_path);
  g_free (registry->data_dir);
  g_hash_table_unref (registry->stages);
  g_hash_table_unref (registry->modules);
  g_free (registry);
}

const char *const *
nk_registry_get_search_path (const NkRegistry *registry)
{
  return (const char *const *) registry->search_path->pdata;
}

const char *
nk_registry_get_data_dir (const NkRegistry *registry)
{
  return registry->data_dir;
}

void
nk_registrar_add_stage (NkRegistrar *registrar, const NkStageInfo *info)
{
  g_return_if_fail (registrar != NULL && info != NULL);
  g_ptr_array_add (registrar->stages, (gpointer) info);
}

static gboolean
nk_check_desc (const NkPluginDesc *desc, const char *path, GError **error)
{
  if (desc->abi_major != NK_ABI_MAJOR || desc->abi_minor > NK_ABI_MINOR)
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_ABI_MISMATCH,
                   "%s: built for plugin ABI %u.%u, but this nkpipe provides ABI %d.%d; "
                   "rebuild the plugin against this nkpipe",
                   path, desc->abi_major, desc->abi_minor, NK_ABI_MAJOR, NK_ABI_MINOR);
      return FALSE;
    }
  if (desc->name == NULL || desc->version == NULL || desc->stage_types == NULL ||
      desc->stage_types[0] == NULL || desc->register_func == NULL)
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                   "%s: malformed plugin descriptor (name, version, stage types and a "
                   "register function are required)", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
nk_check_stage (const NkStageInfo *info, const NkPluginDesc *desc, const char *path,
                GError **error)
{
  g_autofree char *where = NULL;

  if (info->type == NULL || info->create == NULL || info->process == NULL || info->free == NULL)
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                   "%s: a stage registered without a type, create, process or free function", path);
      return FALSE;
    }
  if (!g_strv_contains (desc->stage_types, info->type))
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                   "%s: registered stage type '%s', which its descriptor does not list",
                   path, info->type);
      return FALSE;
    }
  where = g_strdup_printf ("%s: stage '%s' config", path, info->type);
  return nk_config_schema_check (info->config, where, error);
}

/* GLib 2.74 has no GModule autoptr; an alias keeps newer GLib headers from clashing. */
typedef GModule NkGModule;

static void
nk_gmodule_close (NkGModule *module)
{
  if (module)
    g_module_close (module);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkGModule, nk_gmodule_close)

static NkModule *
nk_module_open (const char *path, GError **error)
{
  g_autoptr(NkGModule) gmodule = NULL;
  g_autoptr(GError) local = NULL;
  NkRegistrar registrar;
  const NkPluginDesc *desc;
  gpointer symbol = NULL;
  NkModule *m;

  gmodule = g_module_open (path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
  if (gmodule == NULL)
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_OPEN_FAILED,
                   "%s: cannot open plugin: %s", path, g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (gmodule, NK_PLUGIN_SYMBOL, &symbol) || symbol == NULL)
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_NO_ENTRY,
                   "%s: not an nkpipe plugin: it exports no '%s' descriptor (%s)",
                   path, NK_PLUGIN_SYMBOL, g_module_error ());
      return NULL;
    }
  desc = symbol;
  if (!nk_check_desc (desc, path, error))
    return NULL;

  registrar.stages = g_ptr_array_new ();
  if (!desc->register_func (&registrar, &local))
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                   "%s: plugin '%s' failed to initialise: %s", path, desc->name,
                   local ? local->message : "no reason given");
      g_ptr_array_unref (registrar.stages);
      return NULL;
    }
  for (guint i = 0; i < registrar.stages->len; i++)
    if (!nk_check_stage (g_ptr_array_index (registrar.stages, i), desc, path, error))
      {
        g_ptr_array_unref (registrar.stages);
        return NULL;
      }
  for (guint i = 0; desc->stage_types[i]; i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < registrar.stages->len && !found; j++)
        found = strcmp (((const NkStageInfo *) g_ptr_array_index (registrar.stages, j))->type,
                        desc->stage_types[i]) == 0;
      if (!found)
        {
          g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_INIT_FAILED,
                       "%s: descriptor lists stage type '%s' but the plugin did not register it",
                       path, desc->stage_types[i]);
          g_ptr_array_unref (registrar.stages);
          return NULL;
        }
    }

  g_module_make_resident (gmodule);
  m = g_new0 (NkModule, 1);
  m->path = g_strdup (path);
  m->module = g_steal_pointer (&gmodule);
  m->desc = desc;
  m->stages = registrar.stages;
  return m;
}

/* Opens @path once; registers its stage types. Returns the module or NULL. */
static NkModule *
nk_registry_load (NkRegistry *registry, const char *path, GError **error)
{
  NkModule *m = g_hash_table_lookup (registry->modules, path);

  if (m)
    return m;
  m = nk_module_open (path, error);
  if (m == NULL)
    return NULL;
  for (guint i = 0; i < m->stages->len; i++)
    {
      const NkStageInfo *info = g_ptr_array_index (m->stages, i);
      NkModule *other = g_hash_table_lookup (registry->stages, info->type);
      if (other)
        {
          g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_DUPLICATE,
                       "%s: stage type '%s' is already provided by %s", path, info->type,
                       other->path);
          nk_module_free (m);
          return NULL;
        }
    }
  g_hash_table_insert (registry->modules, g_strdup (path), m);
  for (guint i = 0; i < m->stages->len; i++)
    {
      const NkStageInfo *info = g_ptr_array_index (m->stages, i);
      g_hash_table_insert (registry->stages, (gpointer) info->type, m);
    }
  return m;
}

static char *
nk_module_file_name (const char *module_name)
{
  return g_strdup_printf ("nk-%s.%s", module_name, G_MODULE_SUFFIX);
}

static const NkStageInfo *
nk_module_find_stage (NkModule *m, const char *type)
{
  for (guint i = 0; i < m->stages->len; i++)
    {
      const NkStageInfo *info = g_ptr_array_index (m->stages, i);
      if (strcmp (info->type, type) == 0)
        return info;
    }
  return NULL;
}

static gboolean
nk_stage_type_valid (const char *type)
{
  if (*type == '\0')
    return FALSE;
  for (const char *p = type; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

const NkStageInfo *
nk_registry_lookup_stage (NkRegistry *registry, const char *type, GError **error)
{
  NkModule *m = g_hash_table_lookup (registry->stages, type);
  g_autofree char *name = NULL;
  g_autofree char *dirs = NULL;

  if (m)
    return nk_module_find_stage (m, type);
  if (!nk_stage_type_valid (type))
    {
      g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_NOT_FOUND,
                   "'%s' is not a valid stage type (letters, digits, '-' and '_')", type);
      return NULL;
    }
  /* Candidate module names: the whole type, then shorter '-' prefixes. */
  name = g_strdup (type);
  for (;;)
    {
      for (guint d = 0; d + 1 < registry->search_path->len; d++)
        {
          g_autofree char *file = nk_module_file_name (name);
          g_autofree char *path = g_build_filename (g_ptr_array_index (registry->search_path, d),
                                                    file, NULL);
          const NkStageInfo *info;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          m = nk_registry_load (registry, path, error);
          if (m == NULL)
            return NULL;
          info = nk_module_find_stage (m, type);
          if (info)
            return info;
        }
      {
        char *dash = strrchr (name, '-');
        if (dash == NULL)
          break;
        *dash = '\0';
      }
    }
  dirs = g_strjoinv (", ", (char **) registry->search_path->pdata);
  g_set_error (error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_NOT_FOUND,
               "no plugin provides stage type '%s' (looked for nk-%s.%s in: %s)", type, type,
               G_MODULE_SUFFIX, *dirs ? dirs : "no directories");
  return NULL;
}

const char *
nk_registry_get_stage_module_path (NkRegistry *registry, const char *type)
{
  NkModule *m = g_hash_table_lookup (registry->stages, type);

  return m ? m->path : NULL;
}

const NkPluginDesc *
nk_registry_get_stage_module (NkRegistry *registry, const char *type)
{
  NkModule *m = g_hash_table_lookup (registry->stages, type);

  return m ? m->desc : NULL;
}

void
nk_module_entry_free (NkModuleEntry *entry)
{
  g_free (entry->path);
  g_clear_error (&entry->error);
  g_clear_pointer (&entry->stages, g_ptr_array_unref);
  g_free (entry);
}

static GPtrArray *
nk_list_modules (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  g_autofree char *suffix = g_strdup_printf (".%s", G_MODULE_SUFFIX);

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "nk-") && g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strdup (name));
  return names;
}

static int
nk_compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * nk_registry_scan:
 *
 * Lists every module in the search path (for `nkpipe plugins`), loading each to read its
 * descriptor. A module whose file name an earlier directory already provides is shadowed:
 * listed with an error, not loaded.
 *
 * Returns: (transfer full) (element-type NkModuleEntry): the modules in search order.
 */
GPtrArray *
nk_registry_scan (NkRegistry *registry)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) nk_module_entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint d = 0; d + 1 < registry->search_path->len; d++)
    {
      const char *dir = g_ptr_array_index (registry->search_path, d);
      g_autoptr(GPtrArray) names = nk_list_modules (dir);

      g_ptr_array_sort (names, nk_compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          NkModuleEntry *entry = g_new0 (NkModuleEntry, 1);
          const char *first = g_hash_table_lookup (seen, name);
          NkModule *m;

          entry->path = g_build_filename (dir, name, NULL);
          g_ptr_array_add (entries, entry);
          if (first)
            {
              g_set_error (&entry->error, NK_PLUGIN_ERROR, NK_PLUGIN_ERROR_DUPLICATE,
                           "shadowed by %s (earlier in the search path)", first);
              continue;
            }
          g_hash_table_insert (seen, g_strdup (name), g_strdup (entry->path));
          m = nk_registry_load (registry, entry->path, &entry->error);
          if (m)
            {
              entry->desc = m->desc;
              entry->stages = g_ptr_array_ref (m->stages);
            }
        }
    }
  return entries;
}
