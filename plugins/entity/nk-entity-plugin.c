/* nk-entity-plugin.c — the `entity` stage: an `entities` layer (label, canonical, rule,
 * role, value) and `meta.entities` from nk-entity-tagger.c.
 *
 * The gazetteers are loaded once in prepare (user gazetteer first, so it wins) and shared
 * read-only; strings that come from them are stored with nk_layer_set_static_string, so a
 * mention costs no copy of its canonical name, label or rule.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include <nkpipe.h>
#include <string.h>

#include "nk-entity-engine.h"
#include "nk-entity-meta.h"
#include "nk-entity-user.h"

enum { ATTR_LABEL, ATTR_CANONICAL, ATTR_RULE, ATTR_ROLE, ATTR_VALUE };

static const NkAttrInfo nk_entity_attrs[] = {
  [ATTR_LABEL] = { "label", NK_ATTR_STRING },
  [ATTR_CANONICAL] = { "canonical", NK_ATTR_STRING },
  [ATTR_RULE] = { "rule", NK_ATTR_STRING },
  [ATTR_ROLE] = { "role", NK_ATTR_STRING },
  [ATTR_VALUE] = { "value", NK_ATTR_STRING },
};

static const NkLayerInfo nk_entities_info = NK_LAYER_INFO ("entities", nk_entity_attrs);

static const char *const nk_entity_requires[] = { "sentences", NULL };
static const char *const nk_entity_provides[] = { "entities", NULL };

static const NkConfigKey nk_entity_config[] = {
  { "gazetteer", NK_CONFIG_PATH, NULL,
    "A user gazetteer (JSON list/object of {canonical, label, aliases, flags}, or the TSV "
    "of data/entity/README.md) loaded before the built-in ones: its names and aliases win" },
  { "meta", NK_CONFIG_BOOL, "true",
    "Add meta.entities: the document's entities with label, count and roles" },
  { NULL }
};

typedef struct {
  NkEntityTagger *tagger;
  GArray         *sentences;   /* guint32 pairs */
  NkEntityMeta   *meta_table;  /* meta.entities of the current document */
  gboolean        meta;
  const char     *labels[NK_ENTITY_N_LABELS];   /* nk_entity_label_to_string () */
} NkEntity;

static gpointer
nk_entity_prepare (const NkConfig *config, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *people = nk_config_find_data_file (config, "entity/people.tsv", error);
  if (!people)
    return NULL;
  g_autofree char *dir = g_path_get_dirname (people);
  g_autoptr (NkEntityGazetteer) gz = nk_entity_gazetteer_new ();
  g_autoptr (GError) local = NULL;
  const char *user = nk_config_get_path (config, "gazetteer");

  if (user && !nk_entity_user_load (gz, user, &local))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "config.gazetteer: %s",
                   local->message);
      return NULL;
    }
  if (!nk_entity_gazetteer_load_dir (gz, dir, &local))
    {
      g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_DATA, "%s", local->message);
      return NULL;
    }
  nk_entity_gazetteer_freeze (gz);
  g_debug ("%u gazetteer entries loaded in %.1f ms", nk_entity_gazetteer_get_n_entries (gz),
           (g_get_monotonic_time () - t0) / 1000.0);
  return g_steal_pointer (&gz);
}

static void
nk_entity_unprepare (gpointer shared)
{
  nk_entity_gazetteer_free (shared);
}

static gpointer
nk_entity_create (const NkConfig *config, gpointer shared, GError **error)
{
  NkEntity *self = g_new0 (NkEntity, 1);
  self->tagger = nk_entity_tagger_new (shared);
  self->sentences = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->meta_table = nk_entity_meta_new ();
  self->meta = nk_config_get_bool (config, "meta");
  for (guint l = 0; l < NK_ENTITY_N_LABELS; l++)
    self->labels[l] = nk_entity_label_to_string (l);
  return self;
}

static void
nk_entity_free (gpointer data)
{
  NkEntity *self = data;
  nk_entity_tagger_free (self->tagger);
  g_array_unref (self->sentences);
  nk_entity_meta_free (self->meta_table);
  g_free (self);
}

/* The document date as YYYY-MM-DD, or NULL when the metadata has none we can read. */
static const char *
nk_entity_doc_date (NkDocument *doc)
{
  const char *d = nk_document_get_meta_string (doc, "date");
  if (!d || strlen (d) < 10)
    return NULL;
  for (guint i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? d[i] != '-' : !g_ascii_isdigit (d[i]))
      return NULL;
  return d;
}

static gboolean
nk_entity_process (gpointer data, NkDocument *doc, GError **error)
{
  NkEntity *self = data;
  gsize len = 0;
  const char *text = nk_document_get_text (doc, &len);
  NkLayer *sentences = nk_document_get_layer (doc, "sentences");
  guint n_sent = 0;
  const NkSpan *spans = sentences ? nk_layer_get_spans (sentences, &n_sent) : NULL;

  if (!text)
    text = "", len = 0;
  g_array_set_size (self->sentences, 2 * n_sent);
  guint32 *bounds = (guint32 *) (gpointer) self->sentences->data;
  for (guint i = 0; i < n_sent; i++)
    {
      bounds[2 * i] = spans[i].start;
      bounds[2 * i + 1] = spans[i].end;
    }
  nk_entity_tagger_run (self->tagger, text, len, (const guint32 *) self->sentences->data,
                        n_sent, nk_entity_doc_date (doc));

  guint n;
  const NkEntityMention *m = nk_entity_tagger_get_mentions (self->tagger, &n);
  NkLayer *layer = nk_document_add_layer (doc, &nk_entities_info);
  nk_layer_reserve (layer, n);
  nk_entity_meta_reset (self->meta_table, n);
  for (guint i = 0; i < n; i++)
    {
      guint k = nk_layer_add (layer, m[i].start, m[i].end);
      const char *label = self->labels[m[i].label];
      gsize clen;
      gboolean is_static;
      const char *canon = nk_entity_tagger_get_canonical (self->tagger, &m[i], &clen,
                                                          &is_static);
      gsize role_len = m[i].role_end > m[i].role_start ? m[i].role_end - m[i].role_start : 0;

      nk_layer_set_static_string (layer, k, ATTR_LABEL, label);
      nk_layer_set_static_string (layer, k, ATTR_RULE, m[i].rule);
      if (canon && is_static)
        nk_layer_set_static_string (layer, k, ATTR_CANONICAL, canon);
      else if (canon)
        nk_layer_set_string (layer, k, ATTR_CANONICAL, canon, (gssize) clen);
      if (role_len)
        nk_layer_set_string (layer, k, ATTR_ROLE, text + m[i].role_start, (gssize) role_len);
      if (m[i].label == NK_ENTITY_DATE && m[i].value[0])
        nk_layer_set_string (layer, k, ATTR_VALUE, m[i].value, -1);
      if (self->meta && canon)
        nk_entity_meta_add (self->meta_table, text, m[i].label, canon, clen,
                            m[i].role_start, (guint32) role_len);
    }
  if (self->meta)
    {
      gsize json_len;
      char *json = nk_entity_meta_build_json (self->meta_table, text, &json_len);
      nk_document_take_meta_json (doc, "entities", json, json_len);
    }
  return TRUE;
}

static const NkStageInfo nk_entity_stage = {
  .type = "entity",
  .description = "Named entities (PERSON, ORG, GPE, LOC, FACILITY, NORP, EVENT, DATE) with "
                 "canonical names, from gazetteers and rules",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_entity_requires,
  .provides = nk_entity_provides,
  .config = nk_entity_config,
  .prepare = nk_entity_prepare,
  .unprepare = nk_entity_unprepare,
  .create = nk_entity_create,
  .process = nk_entity_process,
  .free = nk_entity_free,
};

NK_PLUGIN_DEFINE_STAGE ("entity", "1.0.0", "MIT", "Named entities resolved to canonical names", nk_entity_stage, "entity")
