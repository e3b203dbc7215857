/* nk-entity-meta.c — meta.entities: one {canonical, label, count, roles} object per distinct
 * entity of a document, in first-mention order.
 *
 * Mentions are grouped in a typed open-addressing table (no allocation per mention); the JSON
 * is built once at the end. json-glib objects are costly to build and to free, so a worker
 * keeps sealed, reference-counted nodes it can share between documents: the label strings,
 * small counts, the empty roles list, the canonical names that live in the gazetteer, and
 * whole entity objects, found by their content (most recur: "North Korea", GPE, count 1,
 * no roles). The output is the same as with fresh objects; nothing edits meta. JsonNode
 * reference counts are atomic, so a document may drop its references on the sink thread
 * while the worker goes on sharing the nodes; shared nodes are sealed and only ever read.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include <string.h>

#include "nk-entity-meta.h"

#define NK_ENTITY_MAX_ROLES 8
#define NK_ENTITY_META_COUNTS 64          /* counts below this share one node per worker */
#define NK_ENTITY_META_MAX_OBJECTS 16384  /* bound on the worker's shared objects */

typedef struct {
  const char   *canon;        /* static, or valid until the next tagger run */
  gsize         canon_len;
  NkEntityLabel label;
  gboolean      is_static;
  guint32       hash;
  guint         count;
  guint         n_roles;
  guint32       role_start[NK_ENTITY_MAX_ROLES];
  guint32       role_len[NK_ENTITY_MAX_ROLES];
} NkEntityGroup;

/* Key of a shared object: label, count, canonical name and roles, as bytes. */
typedef struct {
  guint32 hash;
  guint32 len;
  char    data[];
} NkEntityObjectKey;

struct _NkEntityMeta {
  GArray     *groups;     /* NkEntityGroup, first-mention order */
  GArray     *slots;      /* guint: group index + 1, open addressing */
  JsonNode   *labels[NK_ENTITY_N_LABELS];
  JsonNode   *counts[NK_ENTITY_META_COUNTS];
  JsonNode   *no_roles;
  GHashTable *canon_nodes;   /* static canonical (address) -> string node */
  GHashTable *objects;       /* NkEntityObjectKey -> object node */
  GString    *buf;
  GString    *key;
};

static guint
nk_entity_object_key_hash (gconstpointer p)
{
  return ((const NkEntityObjectKey *) p)->hash;
}

static gboolean
nk_entity_object_key_equal (gconstpointer a, gconstpointer b)
{
  const NkEntityObjectKey *x = a, *y = b;
  return x->hash == y->hash && x->len == y->len && memcmp (x->data, y->data, x->len) == 0;
}

static JsonNode *
nk_entity_sealed (JsonNode *node)
{
  json_node_seal (node);
  return node;
}

NkEntityMeta *
nk_entity_meta_new (void)
{
  NkEntityMeta *meta = g_new0 (NkEntityMeta, 1);

  meta->groups = g_array_new (FALSE, FALSE, sizeof (NkEntityGroup));
  meta->slots = g_array_new (FALSE, TRUE, sizeof (guint));
  for (guint i = 0; i < NK_ENTITY_N_LABELS; i++)
    meta->labels[i] = nk_entity_sealed (
      json_node_init_string (json_node_alloc (), nk_entity_label_to_string (i)));
  JsonArray *none = json_array_new ();
  meta->no_roles = nk_entity_sealed (json_node_init_array (json_node_alloc (), none));
  json_array_unref (none);
  meta->canon_nodes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             (GDestroyNotify) json_node_unref);
  meta->objects = g_hash_table_new_full (nk_entity_object_key_hash, nk_entity_object_key_equal,
                                         g_free, (GDestroyNotify) json_node_unref);
  meta->buf = g_string_new (NULL);
  meta->key = g_string_new (NULL);
  return meta;
}

void
nk_entity_meta_free (NkEntityMeta *meta)
{
  if (!meta)
    return;
  g_array_unref (meta->groups);
  g_array_unref (meta->slots);
  for (guint i = 0; i < NK_ENTITY_N_LABELS; i++)
    json_node_unref (meta->labels[i]);
  for (guint i = 0; i < NK_ENTITY_META_COUNTS; i++)
    g_clear_pointer (&meta->counts[i], json_node_unref);
  json_node_unref (meta->no_roles);
  g_hash_table_destroy (meta->canon_nodes);
  g_hash_table_destroy (meta->objects);
  g_string_free (meta->buf, TRUE);
  g_string_free (meta->key, TRUE);
  g_free (meta);
}

/* Starts a document; the table is sized for n_mentions groups at most. */
void
nk_entity_meta_reset (NkEntityMeta *meta, guint n_mentions)
{
  guint cap = 16;

  while (cap < 2 * n_mentions)
    cap *= 2;
  g_array_set_size (meta->groups, 0);
  g_array_set_size (meta->slots, 0);
  g_array_set_size (meta->slots, cap);
}

/* Only places keys in this table (groups keep their order of first appearance), so it
 * may take the bytes 8 at a time. */
static guint32
nk_entity_meta_hash (NkEntityLabel label, const char *s, gsize len)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 h = (guint64) label + 1;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, sizeof w);
      h = (h ^ w) * k;
    }
  guint64 tail = 0;
  for (guint b = 0; i < len; i++, b += 8)
    tail |= (guint64) (guchar) s[i] << b;
  h = (h ^ tail) * k;
  return (guint32) (((h ^ len) * k) >> 32);
}

static NkEntityGroup *
nk_entity_meta_group (NkEntityMeta *meta, NkEntityLabel label, const char *canonical,
                      gsize canon_len, gboolean is_static)
{
  guint32 h = nk_entity_meta_hash (label, canonical, canon_len);
  guint mask = meta->slots->len - 1;
  guint *slot;

  for (guint i = h & mask;; i = (i + 1) & mask)
    {
      slot = &g_array_index (meta->slots, guint, i);
      if (*slot == 0)
        break;
      NkEntityGroup *g = &g_array_index (meta->groups, NkEntityGroup, *slot - 1);
      if (g->hash == h && g->label == label && g->canon_len == canon_len &&
          memcmp (g->canon, canonical, canon_len) == 0)
        return g;
    }
  NkEntityGroup ng = { canonical, canon_len, label, is_static, h, 0, 0, { 0 }, { 0 } };
  g_array_append_val (meta->groups, ng);
  *slot = meta->groups->len;
  return &g_array_index (meta->groups, NkEntityGroup, meta->groups->len - 1);
}

/* Counts one mention (with its role, a range of text, when it has one). */
void
nk_entity_meta_add (NkEntityMeta *meta, const char *text, NkEntityLabel label,
                    const char *canonical, gsize canon_len, gboolean is_static,
                    guint32 role_start, guint32 role_len)
{
  NkEntityGroup *g = nk_entity_meta_group (meta, label, canonical, canon_len, is_static);

  g->count++;
  if (role_len == 0)
    return;
  for (guint i = 0; i < g->n_roles; i++)
    if (g->role_len[i] == role_len &&
        memcmp (text + g->role_start[i], text + role_start, role_len) == 0)
      return;
  if (g->n_roles < NK_ENTITY_MAX_ROLES)
    {
      g->role_start[g->n_roles] = role_start;
      g->role_len[g->n_roles++] = role_len;
    }
}

static JsonNode *
nk_entity_meta_canon_node (NkEntityMeta *meta, const NkEntityGroup *g)
{
  JsonNode *node;

  if (!g->is_static)
    {
      g_string_truncate (meta->buf, 0);
      g_string_append_len (meta->buf, g->canon, (gssize) g->canon_len);
      return json_node_init_string (json_node_alloc (), meta->buf->str);
    }
  node = g_hash_table_lookup (meta->canon_nodes, g->canon);
  if (!node)
    {
      node = nk_entity_sealed (json_node_init_string (json_node_alloc (), g->canon));
      g_hash_table_insert (meta->canon_nodes, (gpointer) g->canon, node);
    }
  return json_node_ref (node);
}

static JsonNode *
nk_entity_meta_count_node (NkEntityMeta *meta, guint count)
{
  if (count >= NK_ENTITY_META_COUNTS)
    return json_node_init_int (json_node_alloc (), count);
  if (!meta->counts[count])
    meta->counts[count] = nk_entity_sealed (json_node_init_int (json_node_alloc (), count));
  return json_node_ref (meta->counts[count]);
}

static JsonNode *
nk_entity_meta_roles_node (NkEntityMeta *meta, const NkEntityGroup *g, const char *text)
{
  if (g->n_roles == 0)
    return json_node_ref (meta->no_roles);

  JsonArray *roles = json_array_sized_new (g->n_roles);
  for (guint r = 0; r < g->n_roles; r++)
    {
      g_string_truncate (meta->buf, 0);
      g_string_append_len (meta->buf, text + g->role_start[r], g->role_len[r]);
      json_array_add_string_element (roles, meta->buf->str);
    }
  JsonNode *node = json_node_init_array (json_node_alloc (), roles);
  json_array_unref (roles);
  return node;
}

static JsonNode *
nk_entity_meta_object (NkEntityMeta *meta, const NkEntityGroup *g, const char *text)
{
  JsonObject *o = json_object_new ();

  json_object_set_member (o, "canonical", nk_entity_meta_canon_node (meta, g));
  json_object_set_member (o, "label", json_node_ref (meta->labels[g->label]));
  json_object_set_member (o, "count", nk_entity_meta_count_node (meta, g->count));
  json_object_set_member (o, "roles", nk_entity_meta_roles_node (meta, g, text));

  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return node;
}

/* The key of an entity's object, built in meta->key (no allocation once it has grown):
 * label, count, canonical name and roles. */
static NkEntityObjectKey *
nk_entity_meta_key (NkEntityMeta *meta, const NkEntityGroup *g, const char *text)
{
  GString *k = meta->key;
  guint32 head[4] = { 0, 0, (guint32) g->label, g->count };   /* hash, len: set below */

  g_string_truncate (k, 0);
  g_string_append_len (k, (const char *) head, sizeof head);
  g_string_append_len (k, g->canon, (gssize) g->canon_len);
  for (guint r = 0; r < g->n_roles; r++)
    {
      g_string_append_c (k, '\0');
      g_string_append_len (k, text + g->role_start[r], g->role_len[r]);
    }

  NkEntityObjectKey *key = (NkEntityObjectKey *) (gpointer) k->str;
  key->len = (guint32) (k->len - sizeof *key);
  key->hash = nk_entity_meta_hash (0, key->data, key->len);
  return key;
}

/* Entities recur across documents with the same count and roles (most often once, no
 * roles), so their objects come from the worker's table of sealed ones. When the table is
 * full it starts over, so it follows the corpus and its size stays bounded. */
static JsonNode *
nk_entity_meta_shared_object (NkEntityMeta *meta, const NkEntityGroup *g, const char *text)
{
  NkEntityObjectKey *key = nk_entity_meta_key (meta, g, text);
  JsonNode *node = g_hash_table_lookup (meta->objects, key);

  if (node)
    return json_node_ref (node);
  if (g_hash_table_size (meta->objects) >= NK_ENTITY_META_MAX_OBJECTS)
    g_hash_table_remove_all (meta->objects);
  node = nk_entity_sealed (nk_entity_meta_object (meta, g, text));
  g_hash_table_insert (meta->objects, g_memdup2 (key, meta->key->len), node);
  return json_node_ref (node);
}

/* The document's meta.entities value, (transfer full). */
JsonNode *
nk_entity_meta_build (NkEntityMeta *meta, const char *text)
{
  JsonArray *arr = json_array_sized_new (meta->groups->len);

  for (guint i = 0; i < meta->groups->len; i++)
    {
      const NkEntityGroup *g = &g_array_index (meta->groups, NkEntityGroup, i);

      json_array_add_element (arr, nk_entity_meta_shared_object (meta, g, text));
    }
  JsonNode *node = json_node_init_array (json_node_alloc (), arr);
  json_array_unref (arr);
  return node;
}
