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

/* "favor":n,"against":n,"neutral":n,"mean_score":x: a tally's members, no braces. */
static void
nk_tally_append_members (const NkStanceTally *t, GString *out)
{
  guint64 total = nk_tally_total (t);
  NK_BUF_LIT (out, "\"favor\":");
  nk_json_append_int (out, (gint64) t->n[1]);
  NK_BUF_LIT (out, ",\"against\":");
  nk_json_append_int (out, (gint64) t->n[2]);
  NK_BUF_LIT (out, ",\"neutral\":");
  nk_json_append_int (out, (gint64) t->n[0]);
  NK_BUF_LIT (out, ",\"mean_score\":");
  if (total > 0)
    nk_json_append_double (out, round (t->score_sum / (double) total * 1e4) / 1e4);
  else
    NK_BUF_LIT (out, "null");
}

void
nk_stance_tally_append_json (const NkStanceTally *t, GString *out)
{
  nk_buf_append_c (out, '{');
  nk_tally_append_members (t, out);
  nk_buf_append_c (out, '}');
}

typedef struct {
  char          *name;   /* a buffer of cap bytes, kept for the next document's holders */
  gsize          cap;
  NkStanceTally  tally;
} NkHolderAgg;

/* A document has a few holders per target, so they are an array searched in order; past
 * NK_HOLDERS_INDEX_AT (the corpus sink) a hash index of name -> position + 1 takes over. */
#define NK_HOLDERS_INDEX_AT 16

typedef struct {
  char          *target;
  NkStanceTally  all;
  NkHolderAgg   *holders;   /* first-seen order; n_holders in use, n_named with a name
                             * buffer (no allocation for the next document's names) */
  guint          n_holders, n_named, cap_holders;
  GHashTable    *index;     /* NULL until the holders are many */
} NkTargetAgg;

typedef struct {
  const char          *name;
  const NkStanceTally *tally;
} NkHolderRow;

struct _NkStanceAggregate {
  GPtrArray *targets;   /* NkTargetAgg *, first-seen order; the first n_active are in use */
  guint      n_active;  /* the rest are kept for the next document (no reallocation) */
  GArray    *rows;      /* NkHolderRow scratch for sorting holders, reused */
};

/* Empties @t's tallies for the next document. */
static void
nk_target_agg_reset (NkTargetAgg *t)
{
  t->n_holders = 0;
  g_clear_pointer (&t->index, g_hash_table_unref);
  memset (&t->all, 0, sizeof t->all);
}

static void
nk_target_agg_free (gpointer p)
{
  NkTargetAgg *t = p;
  g_free (t->target);
  nk_target_agg_reset (t);
  for (guint i = 0; i < t->n_named; i++)
    g_free (t->holders[i].name);
  g_free (t->holders);
  g_free (t);
}

NkStanceAggregate *
nk_stance_aggregate_new (void)
{
  NkStanceAggregate *agg = g_new0 (NkStanceAggregate, 1);
  agg->targets = g_ptr_array_new_with_free_func (nk_target_agg_free);
  agg->rows = g_array_new (FALSE, FALSE, sizeof (NkHolderRow));
  return agg;
}

void
nk_stance_aggregate_free (NkStanceAggregate *agg)
{
  if (agg == NULL)
    return;
  g_ptr_array_unref (agg->targets);
  g_array_unref (agg->rows);
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
      nk_target_agg_reset (t);
      return t;
    }
  NkTargetAgg *t = g_new0 (NkTargetAgg, 1);
  t->target = g_strdup (target);
  g_ptr_array_add (agg->targets, t);
  agg->n_active++;
  return t;
}

void
nk_stance_aggregate_declare (NkStanceAggregate *agg, const char *target)
{
  nk_aggregate_target (agg, target);
}

static void
nk_holder_index_add (NkTargetAgg *t, guint i)
{
  g_hash_table_insert (t->index, t->holders[i].name, GUINT_TO_POINTER (i + 1));
}

/* Adds holder @name to @t with a zero tally, in a name buffer of an earlier document when
 * one is there (and long enough); returns its position. */
static guint
nk_holder_new (NkTargetAgg *t, const char *name)
{
  gsize len = strlen (name);
  if (t->n_holders == t->n_named)
    {
      if (t->n_named == t->cap_holders)
        {
          t->cap_holders = MAX (8, 2 * t->cap_holders);
          t->holders = g_renew (NkHolderAgg, t->holders, t->cap_holders);
        }
      t->holders[t->n_named++] = (NkHolderAgg) { NULL, 0, { { 0, 0, 0 }, 0 } };
    }
  NkHolderAgg *h = &t->holders[t->n_holders];
  if (len >= h->cap)
    {
      h->cap = MAX (len + 1, 32);
      g_free (h->name);
      h->name = g_malloc (h->cap);
    }
  memcpy (h->name, name, len + 1);
  memset (&h->tally, 0, sizeof h->tally);
  return t->n_holders++;
}

/* The tally of holder @name in @t, a new zero one if it has none yet. */
static NkStanceTally *
nk_holder_tally (NkTargetAgg *t, const char *name)
{
  NkHolderAgg *hs = t->holders;
  if (t->index != NULL)
    {
      guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (t->index, name));
      if (pos > 0)
        return &hs[pos - 1].tally;
    }
  else
    for (guint i = 0; i < t->n_holders; i++)
      if (hs[i].name[0] == name[0] && strcmp (hs[i].name, name) == 0)
        return &hs[i].tally;
  guint last = nk_holder_new (t, name);
  if (t->index != NULL)
    nk_holder_index_add (t, last);
  else if (t->n_holders > NK_HOLDERS_INDEX_AT)
    {
      /* keys are the array's names, freed with the array */
      t->index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i <= last; i++)
        nk_holder_index_add (t, i);
    }
  return &t->holders[last].tally;
}

/* Counts one span into tally @t and its holder's. */
static void
nk_target_agg_add (NkTargetAgg *t, const char *holder, guint label, double score)
{
  NkStanceTally *h = nk_holder_tally (t, holder ? holder : NK_STANCE_NO_HOLDER);
  t->all.n[label]++;
  t->all.score_sum += score;
  h->n[label]++;
  h->score_sum += score;
}

void
nk_stance_aggregate_add_declared (NkStanceAggregate *agg, guint target, const char *holder,
                                  guint label, double score)
{
  g_return_if_fail (target < agg->n_active && label < 3);
  nk_target_agg_add (g_ptr_array_index (agg->targets, target), holder, label, score);
}

void
nk_stance_aggregate_add (NkStanceAggregate *agg, const char *target, const char *holder,
                         const char *label, double score)
{
  NkTargetAgg *t = nk_aggregate_target (agg, target ? target : "");
  NkStanceTally *h = nk_holder_tally (t, holder ? holder : NK_STANCE_NO_HOLDER);
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

static int
nk_holder_row_cmp (gconstpointer a, gconstpointer b)
{
  const NkHolderRow *x = a, *y = b;
  guint64 nx = nk_tally_total (x->tally), ny = nk_tally_total (y->tally);
  if (nx != ny)
    return nx > ny ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Sorts @n rows by nk_holder_row_cmp (a total order: names differ): by insertion for the
 * few holders of a document, else g_array_sort's way. */
static void
nk_holder_rows_sort (GArray *rows)
{
  NkHolderRow *r = (NkHolderRow *) (gpointer) rows->data;
  guint n = rows->len;
  if (n > NK_HOLDERS_INDEX_AT)
    {
      g_array_sort (rows, nk_holder_row_cmp);
      return;
    }
  for (guint i = 1; i < n; i++)
    {
      NkHolderRow x = r[i];
      guint j = i;
      for (; j > 0 && nk_holder_row_cmp (&r[j - 1], &x) > 0; j--)
        r[j] = r[j - 1];
      r[j] = x;
    }
}

/* {"favor":..,"mean_score":..,"holders":{name: tally, ...}}. */
static void
nk_target_agg_append_json (NkStanceAggregate *agg, const NkTargetAgg *t, GString *out)
{
  GArray *rows = agg->rows;
  g_array_set_size (rows, t->n_holders);
  NkHolderRow *r = (NkHolderRow *) (gpointer) rows->data;
  for (guint i = 0; i < t->n_holders; i++)
    {
      const NkHolderAgg *h = &t->holders[i];
      r[i] = (NkHolderRow) { h->name, &h->tally };
    }
  nk_holder_rows_sort (rows);
  nk_buf_append_c (out, '{');
  nk_tally_append_members (&t->all, out);
  NK_BUF_LIT (out, ",\"holders\":{");
  for (guint i = 0; i < rows->len; i++)
    {
      const NkHolderRow *row = &g_array_index (rows, NkHolderRow, i);
      if (i > 0)
        nk_buf_append_c (out, ',');
      nk_json_append_string (out, row->name, -1);
      nk_buf_append_c (out, ':');
      nk_stance_tally_append_json (row->tally, out);
    }
  NK_BUF_LIT (out, "}}");
}

void
nk_stance_aggregate_append_json (NkStanceAggregate *agg, GString *out)
{
  nk_buf_append_c (out, '{');
  for (guint i = 0; i < agg->n_active; i++)
    {
      const NkTargetAgg *t = g_ptr_array_index (agg->targets, i);
      if (i > 0)
        nk_buf_append_c (out, ',');
      nk_json_append_string (out, t->target, -1);
      nk_buf_append_c (out, ':');
      nk_target_agg_append_json (agg, t, out);
    }
  nk_buf_append_c (out, '}');
}
