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

/* The bytes JSON strings escape: control characters, '"' and '\\'. */
static const guint8 nk_json_escaped[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

void
nk_stance_append_json_string (GString *out, const char *str, gsize len)
{
  /* copied while checked: a byte to escape sends the string to the general path */
  nk_buf_reserve (out, len + 2);
  char *d = out->str + out->len;
  *d++ = '"';
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) str[i];
      if (G_UNLIKELY (nk_json_escaped[c]))
        {
          out->str[out->len] = '\0';
          nk_json_append_string (out, str, (gssize) len);
          return;
        }
      d[i] = (char) c;
    }
  d[len] = '"';
  out->len += len + 2;
  out->str[out->len] = '\0';
}

/* A count as nk_json_append_int writes it. */
static void
nk_append_count (GString *out, guint64 u)
{
  char buf[24];
  char *p = buf + sizeof buf;
  do
    {
      *--p = (char) ('0' + u % 10);
      u /= 10;
    }
  while (u);
  nk_buf_append (out, p, (gsize) (buf + sizeof buf - p));
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
  nk_append_count (out, t->n[1]);
  NK_BUF_LIT (out, ",\"against\":");
  nk_append_count (out, t->n[2]);
  NK_BUF_LIT (out, ",\"neutral\":");
  nk_append_count (out, t->n[0]);
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
  char          *name;
  NkStanceTally  tally;
} NkHolderAgg;

/* A document has a few holders per target, so they are an array searched in order; past
 * NK_HOLDERS_INDEX_AT (the corpus sink) a hash index of name -> position + 1 takes over. */
#define NK_HOLDERS_INDEX_AT 16

typedef struct {
  char          *target;
  NkStanceTally  all;
  GArray        *holders;   /* NkHolderAgg, first-seen order */
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
  for (guint i = 0; i < t->holders->len; i++)
    g_free (g_array_index (t->holders, NkHolderAgg, i).name);
  g_array_set_size (t->holders, 0);
  g_clear_pointer (&t->index, g_hash_table_unref);
  memset (&t->all, 0, sizeof t->all);
}

static void
nk_target_agg_free (gpointer p)
{
  NkTargetAgg *t = p;
  g_free (t->target);
  nk_target_agg_reset (t);
  g_array_unref (t->holders);
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
  t->holders = g_array_new (FALSE, FALSE, sizeof (NkHolderAgg));
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
  g_hash_table_insert (t->index, g_array_index (t->holders, NkHolderAgg, i).name,
                       GUINT_TO_POINTER (i + 1));
}

/* The tally of holder @name in @t, a new zero one if it has none yet. */
static NkStanceTally *
nk_holder_tally (NkTargetAgg *t, const char *name)
{
  NkHolderAgg *hs = (NkHolderAgg *) (gpointer) t->holders->data;
  if (t->index != NULL)
    {
      guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (t->index, name));
      if (pos > 0)
        return &hs[pos - 1].tally;
    }
  else
    for (guint i = 0; i < t->holders->len; i++)
      if (strcmp (hs[i].name, name) == 0)
        return &hs[i].tally;
  NkHolderAgg h = { g_strdup (name), { { 0, 0, 0 }, 0 } };
  g_array_append_val (t->holders, h);
  guint last = t->holders->len - 1;
  if (t->index != NULL)
    nk_holder_index_add (t, last);
  else if (t->holders->len > NK_HOLDERS_INDEX_AT)
    {
      /* keys are the array's names, freed with the array */
      t->index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i <= last; i++)
        nk_holder_index_add (t, i);
    }
  return &g_array_index (t->holders, NkHolderAgg, last).tally;
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

/* {"favor":..,"mean_score":..,"holders":{name: tally, ...}}. */
static void
nk_target_agg_append_json (NkStanceAggregate *agg, const NkTargetAgg *t, GString *out)
{
  GArray *rows = agg->rows;
  g_array_set_size (rows, 0);
  for (guint i = 0; i < t->holders->len; i++)
    {
      const NkHolderAgg *h = &g_array_index (t->holders, NkHolderAgg, i);
      NkHolderRow row = { h->name, &h->tally };
      g_array_append_val (rows, row);
    }
  if (rows->len > 1)
    g_array_sort (rows, nk_holder_row_cmp);
  nk_buf_append_c (out, '{');
  nk_tally_append_members (&t->all, out);
  NK_BUF_LIT (out, ",\"holders\":{");
  for (guint i = 0; i < rows->len; i++)
    {
      const NkHolderRow *row = &g_array_index (rows, NkHolderRow, i);
      if (i > 0)
        nk_buf_append_c (out, ',');
      nk_stance_append_json_string (out, row->name, strlen (row->name));
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
      nk_stance_append_json_string (out, t->target, strlen (t->target));
      nk_buf_append_c (out, ':');
      nk_target_agg_append_json (agg, t, out);
    }
  nk_buf_append_c (out, '}');
}
