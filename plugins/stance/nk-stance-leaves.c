/* nk-stance-leaves.c — shared, sealed JSON nodes for evidence and meta.stance.
 *
 * Building a json-glib node costs allocations and (for strings) copies, and freeing it
 * costs as much again on the sink thread. Most small values repeat — "term", small
 * counts, the same cue word, a rounded score, an empty target — so one sealed node per
 * value is handed out with an extra reference instead. JsonNode reference counts are
 * atomic and nothing mutates a sealed node, so documents may carry shared nodes to other
 * threads and outlive the cache. The cache belongs to one stage instance (one thread), so
 * it needs no lock.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-private.h"

#include <string.h>

#define NK_LEAVES_N_INTS      256    /* counts per document are small */
#define NK_LEAVES_N_SLOTS     2048   /* direct-mapped: a miss only costs a fresh node */
#define NK_LEAVES_MAX_STRINGS 4096   /* bounds the memory; refilled after a reset */

typedef struct {
  guint     kind;
  guint64   key;
  JsonNode *node;
} NkLeafSlot;

struct _NkJsonLeaves {
  JsonNode   *null_node;
  JsonNode   *ints[NK_LEAVES_N_INTS];
  NkLeafSlot  slots[NK_LEAVES_N_SLOTS];
  GHashTable *strings;   /* owned key -> sealed string node */
  GHashTable *lists;     /* owned key -> sealed one-string array node */
};

static JsonNode *
nk_leaf_seal (JsonNode *node)
{
  json_node_seal (node);
  return node;
}

NkJsonLeaves *
nk_json_leaves_new (void)
{
  NkJsonLeaves *l = g_new0 (NkJsonLeaves, 1);
  l->null_node = nk_leaf_seal (json_node_new (JSON_NODE_NULL));
  l->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_node_unref);
  l->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) json_node_unref);
  return l;
}

void
nk_json_leaves_free (NkJsonLeaves *l)
{
  if (l == NULL)
    return;
  json_node_unref (l->null_node);
  for (guint i = 0; i < NK_LEAVES_N_INTS; i++)
    g_clear_pointer (&l->ints[i], json_node_unref);
  for (guint i = 0; i < NK_LEAVES_N_SLOTS; i++)
    g_clear_pointer (&l->slots[i].node, json_node_unref);
  g_hash_table_unref (l->strings);
  g_hash_table_unref (l->lists);
  g_free (l);
}

static NkLeafSlot *
nk_leaf_slot (NkJsonLeaves *l, guint kind, guint64 key)
{
  guint64 h = (key ^ (key >> 29) ^ (key >> 41) ^ kind) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return &l->slots[(h >> 40) % NK_LEAVES_N_SLOTS];
}

JsonNode *
nk_json_leaves_lookup (NkJsonLeaves *l, guint kind, guint64 key)
{
  if (l == NULL)
    return NULL;
  NkLeafSlot *slot = nk_leaf_slot (l, kind, key);
  if (slot->node == NULL || slot->kind != kind || slot->key != key)
    return NULL;
  return json_node_ref (slot->node);
}

JsonNode *
nk_json_leaves_store (NkJsonLeaves *l, guint kind, guint64 key, JsonNode *node)
{
  if (l == NULL)
    return node;
  NkLeafSlot *slot = nk_leaf_slot (l, kind, key);
  if (slot->node != NULL)
    json_node_unref (slot->node);
  *slot = (NkLeafSlot) { kind, key, json_node_ref (nk_leaf_seal (node)) };
  return node;
}

JsonNode *
nk_json_leaves_null (NkJsonLeaves *l)
{
  if (l == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_node_ref (l->null_node);
}

JsonNode *
nk_json_leaves_int (NkJsonLeaves *l, gint64 value)
{
  if (l == NULL || value < 0 || value >= NK_LEAVES_N_INTS)
    return json_node_init_int (json_node_alloc (), value);
  if (l->ints[value] == NULL)
    l->ints[value] = nk_leaf_seal (json_node_init_int (json_node_alloc (), value));
  return json_node_ref (l->ints[value]);
}

guint64
nk_json_leaves_double_key (double value)
{
  guint64 bits;
  memcpy (&bits, &value, sizeof bits);   /* keeps -0.0 apart from 0.0 */
  return bits;
}

JsonNode *
nk_json_leaves_double (NkJsonLeaves *l, double value)
{
  guint64 key = nk_json_leaves_double_key (value);
  JsonNode *node = nk_json_leaves_lookup (l, NK_LEAF_DOUBLE, key);
  if (node != NULL)
    return node;
  return nk_json_leaves_store (l, NK_LEAF_DOUBLE, key,
                               json_node_init_double (json_node_alloc (), value));
}

/* The NUL-terminated copy of [str, str + len) the JSON API wants: in @buf when it fits. */
static char *
nk_leaf_key (const char *str, gsize len, char *buf, gsize size, char **heap)
{
  char *key = buf;
  if (len >= size)
    key = *heap = g_malloc (len + 1);
  memcpy (key, str, len);
  key[len] = '\0';
  return key;
}

/* A cached node of @table under @key, or @make's new one stored there. */
static JsonNode *
nk_leaf_cached (GHashTable *table, const char *key, JsonNode *(*make) (const char *key))
{
  JsonNode *node = g_hash_table_lookup (table, key);
  if (node == NULL)
    {
      if (g_hash_table_size (table) >= NK_LEAVES_MAX_STRINGS)
        g_hash_table_remove_all (table);
      node = nk_leaf_seal (make (key));
      g_hash_table_insert (table, g_strdup (key), node);
    }
  return json_node_ref (node);
}

static JsonNode *
nk_leaf_make_string (const char *key)
{
  return json_node_init_string (json_node_alloc (), key);
}

static JsonNode *
nk_leaf_make_list (const char *key)
{
  JsonArray *array = json_array_sized_new (1);
  json_array_add_string_element (array, key);
  JsonNode *node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);   /* the node holds its own reference */
  return node;
}

/* @str is valid UTF-8 of @len bytes, not necessarily NUL-terminated. */
JsonNode *
nk_json_leaves_string (NkJsonLeaves *l, const char *str, gsize len)
{
  char buf[128];
  g_autofree char *heap = NULL;
  char *key = nk_leaf_key (str, len, buf, sizeof buf, &heap);
  if (l == NULL)
    return nk_leaf_make_string (key);
  return nk_leaf_cached (l->strings, key, nk_leaf_make_string);
}

JsonNode *
nk_json_leaves_string_list1 (NkJsonLeaves *l, const char *str, gsize len)
{
  char buf[128];
  g_autofree char *heap = NULL;
  char *key = nk_leaf_key (str, len, buf, sizeof buf, &heap);
  if (l == NULL)
    return nk_leaf_make_list (key);
  return nk_leaf_cached (l->lists, key, nk_leaf_make_list);
}
