/* nk-stance-aggregate.c — counts of stance labels per target and holder, shared by the
 * document aggregate (meta.stance) and the corpus sink (stance-summary).
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-private.h"

#include <math.h>
#include <string.h>

static int
nk_label_index (const char *label)
{
  if (g_strcmp0 (label, "favor") == 0)
    return 1;
  if (g_strcmp0 (label, "against") == 0)
    return 2;
  return 0;
}

void
nk_stance_tally_add (NkStanceTally *tally, const char *label, double score)
{
  tally->n[nk_label_index (label)]++;
  tally->score_sum += score;
}

static guint64
nk_tally_total (const NkStanceTally *t)
{
  return t->n[0] + t->n[1] + t->n[2];
}

JsonObject *
nk_stance_tally_to_json (const NkStanceTally *t, NkJsonLeaves *leaves)
{
  JsonObject *obj = json_object_new ();
  guint64 total = nk_tally_total (t);
  json_object_set_member (obj, "favor", nk_json_leaves_int (leaves, (gint64) t->n[1]));
  json_object_set_member (obj, "against", nk_json_leaves_int (leaves, (gint64) t->n[2]));
  json_object_set_member (obj, "neutral", nk_json_leaves_int (leaves, (gint64) t->n[0]));
  if (total > 0)
    json_object_set_member (obj, "mean_score",
                            nk_json_leaves_double (leaves, round (t->score_sum / (double) total
                                                                  * 1e4) / 1e4));
  else
    json_object_set_member (obj, "mean_score", nk_json_leaves_null (leaves));
  return obj;
}

typedef struct {
  char          *target;
  NkStanceTally  all;
  GHashTable    *holders;   /* name -> NkStanceTally */
} NkTargetAgg;

struct _NkStanceAggregate {
  GPtrArray *targets;   /* NkTargetAgg *, first-seen order; the first n_active are in use */
  guint      n_active;  /* the rest are kept for the next document (no reallocation) */
};

static void
nk_target_agg_free (gpointer p)
{
  NkTargetAgg *t = p;
  g_free (t->target);
  g_hash_table_unref (t->holders);
  g_free (t);
}

NkStanceAggregate *
nk_stance_aggregate_new (void)
{
  NkStanceAggregate *agg = g_new0 (NkStanceAggregate, 1);
  agg->targets = g_ptr_array_new_with_free_func (nk_target_agg_free);
  return agg;
}

void
nk_stance_aggregate_free (NkStanceAggregate *agg)
{
  if (agg == NULL)
    return;
  g_ptr_array_unref (agg->targets);
  g_free (agg);
}

void
nk_stance_aggregate_clear (NkStanceAggregate *agg)
{
  agg->n_active = 0;
}

/* Targets are few (a handful per pipeline), so a linear search beats hashing. */
static NkTargetAgg *
nk_aggregate_target (NkStanceAggregate *agg, const char *target)
{
  for (guint i = 0; i < agg->n_active; i++)
    {
      NkTargetAgg *t = g_ptr_array_index (agg->targets, i);
      if (strcmp (t->target, target) == 0)
        return t;
    }
  if (agg->n_active < agg->targets->len)
    {
      /* a slot of an earlier document: same targets in the same order, as a rule */
      NkTargetAgg *t = g_ptr_array_index (agg->targets, agg->n_active++);
      if (strcmp (t->target, target) != 0)
        {
          g_free (t->target);
          t->target = g_strdup (target);
        }
      memset (&t->all, 0, sizeof t->all);
      g_hash_table_remove_all (t->holders);
      return t;
    }
  NkTargetAgg *t = g_new0 (NkTargetAgg, 1);
  t->target = g_strdup (target);
  t->holders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_ptr_array_add (agg->targets, t);
  agg->n_active++;
  return t;
}

void
nk_stance_aggregate_declare (NkStanceAggregate *agg, const char *target)
{
  nk_aggregate_target (agg, target);
}

void
nk_stance_aggregate_add (NkStanceAggregate *agg, const char *target, const char *holder,
                         const char *label, double score)
{
  NkTargetAgg *t = nk_aggregate_target (agg, target ? target : "");
  const char *key = holder ? holder : NK_STANCE_NO_HOLDER;
  NkStanceTally *h = g_hash_table_lookup (t->holders, key);
  if (h == NULL)
    {
      h = g_new0 (NkStanceTally, 1);
      g_hash_table_insert (t->holders, g_strdup (key), h);
    }
  nk_stance_tally_add (&t->all, label, score);
  nk_stance_tally_add (h, label, score);
}

void
nk_stance_aggregate_add_layer (NkStanceAggregate *agg, const NkLayer *layer)
{
  int target = nk_layer_find_attr (layer, "target");
  int label = nk_layer_find_attr (layer, "label");
  int score = nk_layer_find_attr (layer, "score");
  int holder = nk_layer_find_attr (layer, "holder");
  if (target < 0 || label < 0 || score < 0)
    return;
  for (guint i = 0; i < nk_layer_get_n_spans (layer); i++)
    nk_stance_aggregate_add (agg, nk_layer_get_string (layer, i, target),
                             holder >= 0 ? nk_layer_get_string (layer, i, holder) : NULL,
                             nk_layer_get_string (layer, i, label),
                             nk_layer_get_double (layer, i, score));
}

typedef struct {
  const char          *name;
  const NkStanceTally *tally;
} NkHolderRow;

static int
nk_holder_row_cmp (gconstpointer a, gconstpointer b)
{
  const NkHolderRow *x = a, *y = b;
  guint64 nx = nk_tally_total (x->tally), ny = nk_tally_total (y->tally);
  if (nx != ny)
    return nx > ny ? -1 : 1;
  return strcmp (x->name, y->name);
}

static JsonNode *
nk_object_node (JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);   /* the node holds its own reference */
  return node;
}

/* A tally as a node; one-span tallies (most holders) repeat across documents, since the
 * rules give few distinct scores, so they come from the shared cache. */
static JsonNode *
nk_tally_node (const NkStanceTally *t, NkJsonLeaves *leaves)
{
  static const guint kinds[3] = { NK_LEAF_TALLY_NEUTRAL, NK_LEAF_TALLY_FAVOR,
                                  NK_LEAF_TALLY_AGAINST };
  if (nk_tally_total (t) != 1)
    return nk_object_node (nk_stance_tally_to_json (t, leaves));
  guint label = t->n[1] ? 1 : t->n[2] ? 2 : 0;
  guint64 key = nk_json_leaves_double_key (round (t->score_sum * 1e4) / 1e4);
  JsonNode *node = nk_json_leaves_lookup (leaves, kinds[label], key);
  if (node != NULL)
    return node;
  return nk_json_leaves_store (leaves, kinds[label], key,
                               nk_object_node (nk_stance_tally_to_json (t, leaves)));
}

static JsonNode *nk_target_agg_to_json (const NkTargetAgg *t, NkJsonLeaves *leaves);

/* A target without spans in the document: one shared node. */
static JsonNode *
nk_target_agg_node (const NkTargetAgg *t, NkJsonLeaves *leaves)
{
  if (nk_tally_total (&t->all) != 0 || g_hash_table_size (t->holders) != 0)
    return nk_target_agg_to_json (t, leaves);
  JsonNode *node = nk_json_leaves_lookup (leaves, NK_LEAF_EMPTY_TARGET, 0);
  if (node != NULL)
    return node;
  return nk_json_leaves_store (leaves, NK_LEAF_EMPTY_TARGET, 0,
                               nk_target_agg_to_json (t, leaves));
}

static JsonNode *
nk_target_agg_to_json (const NkTargetAgg *t, NkJsonLeaves *leaves)
{
  JsonObject *obj = nk_stance_tally_to_json (&t->all, leaves);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (NkHolderRow));
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, t->holders);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      NkHolderRow row = { k, v };
      g_array_append_val (rows, row);
    }
  g_array_sort (rows, nk_holder_row_cmp);
  JsonObject *holders = json_object_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      const NkHolderRow *row = &g_array_index (rows, NkHolderRow, i);
      json_object_set_member (holders, row->name, nk_tally_node (row->tally, leaves));
    }
  json_object_set_object_member (obj, "holders", holders);
  return nk_object_node (obj);
}

JsonNode *
nk_stance_aggregate_to_json (const NkStanceAggregate *agg, NkJsonLeaves *leaves)
{
  JsonObject *obj = json_object_new ();
  for (guint i = 0; i < agg->n_active; i++)
    {
      const NkTargetAgg *t = g_ptr_array_index (agg->targets, i);
      json_object_set_member (obj, t->target, nk_target_agg_node (t, leaves));
    }
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}
