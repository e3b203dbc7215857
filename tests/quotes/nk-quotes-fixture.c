/* nk-quotes-fixture.c — a test-only stage `quotes-fixture` that stands in for `entity`:
 * it tags every whole-word occurrence of the names listed in its config, so the `quotes`
 * stage can be tested end to end without the real entity plugin.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes-fixture"

#include <nkpipe.h>
#include <string.h>

static const NkConfigKey nk_fixture_entity_keys[] = {
  { "text", NK_CONFIG_STRING, NULL, "the mention as written", NK_CONFIG_FLAGS_REQUIRED },
  { "label", NK_CONFIG_STRING, "\"PERSON\"", "its label" },
  { "canonical", NK_CONFIG_STRING, NULL, "its canonical name" },
  { NULL }
};

static const NkConfigKey nk_fixture_config[] = {
  { "entities", NK_CONFIG_LIST, "[]", "names to tag", NK_CONFIG_FLAGS_NONE,
    NK_CONFIG_OBJECT, nk_fixture_entity_keys },
  { "reverse", NK_CONFIG_BOOL, "false",
    "write the mentions last to first (quotes must not rely on the layer's order)" },
  { NULL }
};

static const NkAttrInfo nk_fixture_attrs[] = {
  { "label", NK_ATTR_STRING },
  { "canonical", NK_ATTR_STRING },
  { "rule", NK_ATTR_STRING },
  { "role", NK_ATTR_STRING },
  { "value", NK_ATTR_STRING },
};

static const NkLayerInfo nk_fixture_info = NK_LAYER_INFO ("entities", nk_fixture_attrs);
static const char *const nk_fixture_requires[] = { "sentences", NULL };
static const char *const nk_fixture_provides[] = { "entities", NULL };

typedef struct {
  guint32     start;
  guint32     end;
  JsonObject *item;
} NkFixtureHit;

typedef struct {
  JsonArray *items;
  gboolean   reverse;
} NkFixture;

static gpointer
nk_fixture_create (const NkConfig *config,
                   gpointer        shared,
                   GError        **error)
{
  NkFixture *self = g_new0 (NkFixture, 1);
  self->items = json_array_ref (nk_config_get_list (config, "entities"));
  self->reverse = nk_config_get_bool (config, "reverse");
  return self;
}

static void
nk_fixture_free (gpointer data)
{
  NkFixture *self = data;
  json_array_unref (self->items);
  g_free (self);
}

static gint
nk_fixture_hit_cmp (gconstpointer a,
                    gconstpointer b)
{
  const NkFixtureHit *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end;
}

static gboolean
nk_fixture_word_edge (const char *text,
                      gsize       len,
                      gsize       i)
{
  return i >= len || !g_ascii_isalnum (text[i]);
}

static gboolean
nk_fixture_process (gpointer     data,
                    NkDocument  *doc,
                    GError     **error)
{
  NkFixture *self = data;
  JsonArray *items = self->items;
  gsize len = 0;
  const char *text = nk_document_get_text (doc, &len);
  g_autoptr (GArray) hits = g_array_new (FALSE, FALSE, sizeof (NkFixtureHit));

  for (guint k = 0; text != NULL && k < json_array_get_length (items); k++)
    {
      JsonObject *item = json_array_get_object_element (items, k);
      const char *name = json_object_get_string_member (item, "text");
      gsize nl = strlen (name);
      for (const char *p = text; nl > 0 && (p = g_strstr_len (p, (gssize) (text + len - p), name));
           p += nl)
        {
          gsize at = (gsize) (p - text);
          if ((at > 0 && g_ascii_isalnum (text[at - 1])) || !nk_fixture_word_edge (text, len, at + nl))
            continue;
          NkFixtureHit hit = { (guint32) at, (guint32) (at + nl), item };
          g_array_append_val (hits, hit);
        }
    }
  g_array_sort (hits, nk_fixture_hit_cmp);

  guint32 last_end = 0;
  guint kept = 0;
  for (guint i = 0; i < hits->len; i++)
    {
      NkFixtureHit *hit = &g_array_index (hits, NkFixtureHit, i);
      if (hit->start < last_end)
        continue;
      g_array_index (hits, NkFixtureHit, kept++) = *hit;
      last_end = hit->end;
    }

  NkLayer *layer = nk_document_add_layer (doc, &nk_fixture_info);
  for (guint k = 0; k < kept; k++)
    {
      NkFixtureHit *hit = &g_array_index (hits, NkFixtureHit, self->reverse ? kept - 1 - k : k);
      guint s = nk_layer_add (layer, hit->start, hit->end);
      nk_layer_set_string (layer, s, 0, json_object_get_string_member_with_default (
                             hit->item, "label", "PERSON"), -1);
      if (json_object_has_member (hit->item, "canonical"))
        nk_layer_set_string (layer, s, 1, json_object_get_string_member (hit->item, "canonical"), -1);
      nk_layer_set_static_string (layer, s, 2, "fixture");
    }
  return TRUE;
}

static const NkStageInfo nk_fixture_stage = {
  .type = "quotes-fixture",
  .description = "Test stand-in for entity: tags names listed in the config",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_fixture_requires,
  .provides = nk_fixture_provides,
  .config = nk_fixture_config,
  .create = nk_fixture_create,
  .process = nk_fixture_process,
  .free = nk_fixture_free,
};

/* `quotes-fixture-paragraphs`: replaces the paragraphs layer by the same spans written last
 * to first, each followed by an overlapping copy of itself cut short (a provider need not
 * keep them in order or apart). */
static const NkLayerInfo nk_fixture_paragraphs_info = NK_LAYER_INFO_PLAIN ("paragraphs");
static const char *const nk_fixture_paragraphs_requires[] = { "paragraphs", NULL };
static const char *const nk_fixture_paragraphs_provides[] = { "paragraphs", NULL };

static gpointer
nk_fixture_paragraphs_create (const NkConfig *config,
                              gpointer        shared,
                              GError        **error)
{
  return g_new0 (guint8, 1);
}

static gboolean
nk_fixture_paragraphs_process (gpointer     data,
                               NkDocument  *doc,
                               GError     **error)
{
  guint n = 0;
  const NkSpan *spans = nk_layer_get_spans (nk_document_get_layer (doc, "paragraphs"), &n);
  g_autofree NkSpan *copy = g_memdup2 (spans, sizeof (NkSpan) * n);
  NkLayer *layer = nk_document_add_layer (doc, &nk_fixture_paragraphs_info);

  for (guint k = n; k-- > 0;)
    {
      nk_layer_add (layer, copy[k].start, copy[k].end);
      if (copy[k].end - copy[k].start > 2)
        nk_layer_add (layer, copy[k].start + 1, copy[k].end - 1);
    }
  return TRUE;
}

static const NkStageInfo nk_fixture_paragraphs_stage = {
  .type = "quotes-fixture-paragraphs",
  .description = "Test stage: rewrites the paragraphs layer unsorted and overlapping",
  .kind = NK_STAGE_DOCUMENT,
  .requires = nk_fixture_paragraphs_requires,
  .provides = nk_fixture_paragraphs_provides,
  .create = nk_fixture_paragraphs_create,
  .process = nk_fixture_paragraphs_process,
  .free = g_free,
};

static gboolean
nk_fixture_register (NkRegistrar *registrar,
                     GError     **error)
{
  nk_registrar_add_stage (registrar, &nk_fixture_stage);
  nk_registrar_add_stage (registrar, &nk_fixture_paragraphs_stage);
  return TRUE;
}

NK_PLUGIN_DEFINE ("quotes-fixture", "1.0.0", "MIT", "Test stand-in for the entity stage",
                  nk_fixture_register, "quotes-fixture", "quotes-fixture-paragraphs")
