/* nk-stance-aggregate.c — counts of stance labels per target and holder, shared by the
 * document aggregate (meta.stance) and the corpus sink (stance-summary).
 *
 * Holders are numbered once for all targets (a sentence's holder is the same for each of
 * its spans), and each target keeps a plain array of tallies indexed by holder number, so
 * counting a span is two array updates. Names live in one reused buffer, with their JSON
 * text written when the holder is first seen; nothing is allocated per document once the
 * buffers have grown.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-private.h"

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

static inline guint64
nk_tally_total (const NkStanceTally *t)
{
  return t->n[0] + t->n[1] + t->n[2];
}

/* Writes the decimal digits of @u at @d; returns the end. */
static inline char *
nk_put_uint (char *d, guint64 u)
{
  if (u < 10)
    {
      *d = (char) ('0' + u);
      return d + 1;
    }
  if (u < 100)
    {
      d[0] = (char) ('0' + u / 10);
      d[1] = (char) ('0' + u % 10);
      return d + 2;
    }
  char buf[24];
  int n = (int) sizeof buf;
  for (; u; u /= 10)
    buf[--n] = (char) ('0' + u % 10);
  memcpy (d, buf + n, sizeof buf - (gsize) n);
  return d + (sizeof buf - (gsize) n);
}

/* Room for a tally object: braces, the keys, three 20-digit counts, a mean score of up
 * to 40 bytes. */
#define NK_TALLY_ROOM 160

/* Writes the tally's rounded mean score (null without spans) at @d; returns the end. */
static char *
nk_tally_put_mean (char *d, const NkStanceTally *t)
{
  guint64 total = nk_tally_total (t);
  if (total == 0)
    return NK_PUT_LIT (d, "null");
  double mean = t->score_sum / (double) total;
  char *e = nk_stance_put_round4 (d, mean);
  if (G_LIKELY (e != NULL))
    return e;
  /* a mean beyond the rules' range (scores from elsewhere): the generic writer */
  g_autoptr (GString) tmp = g_string_new (NULL);
  nk_json_append_double (tmp, nk_stance_round4 (mean));
  memcpy (d, tmp->str, tmp->len);
  return d + tmp->len;
}

/* {"favor":n,"against":n,"neutral":n,"mean_score":x} at @d (NK_TALLY_ROOM bytes); the end. */
static char *
nk_tally_put (char *d, const NkStanceTally *t)
{
  d = NK_PUT_LIT (d, "{\"favor\":");
  d = nk_put_uint (d, t->n[1]);
  d = NK_PUT_LIT (d, ",\"against\":");
  d = nk_put_uint (d, t->n[2]);
  d = NK_PUT_LIT (d, ",\"neutral\":");
  d = nk_put_uint (d, t->n[0]);
  d = NK_PUT_LIT (d, ",\"mean_score\":");
  d = nk_tally_put_mean (d, t);
  *d++ = '}';
  return d;
}

void
nk_stance_tally_append_json (const NkStanceTally *t, GString *out)
{
  nk_buf_reserve (out, NK_TALLY_ROOM);
  out->len = (gsize) (nk_tally_put (out->str + out->len, t) - out->str);
  out->str[out->len] = '\0';
}

/* A holder: its name and its name as a JSON string, both in agg->names. */
typedef struct {
  gsize   name;       /* offset of the NUL-terminated name */
  gsize   json;       /* offset of the JSON string and its colon */
  guint32 len;
  guint32 json_len;
  guint32 hash;       /* set when the index is built */
} NkHolderName;

/* A document has a few holders, so they are searched in order; past NK_HOLDERS_INDEX_AT
 * (the corpus sink) an open-addressing index of holder + 1 by name hash takes over. */
#define NK_HOLDERS_INDEX_AT 16

typedef struct {
  char          *target;
  char          *json;       /* "target": as JSON text */
  gsize          json_len;
  NkStanceTally  all;
  NkStanceTally *tallies;    /* by holder; valid below the aggregate's n_holders */
  guint          cap_tallies;
} NkTargetAgg;

typedef struct {
  const char          *name;
  const char          *json;
  gsize                json_len;
  guint64              total;
  const NkStanceTally *tally;
} NkHolderRow;

struct _NkStanceAggregate {
  GPtrArray    *targets;   /* NkTargetAgg *, first-seen order; the first n_active are in use */
  guint         n_active;  /* the rest are kept for the next document (no reallocation) */
  NkHolderName *holders;   /* first-seen order */
  guint         n_holders, cap_holders;
  guint         last;      /* the holder found last (the next span's, as a rule) */
  GString      *names;     /* the holders' names and JSON strings */
  guint32      *index;     /* holder + 1 by hash, NULL until the holders are many */
  guint         index_mask;
  NkHolderRow  *rows;      /* scratch for sorting one target's holders */
  guint         cap_rows;
};

static void
nk_target_agg_free (gpointer p)
{
  NkTargetAgg *t = p;
  g_free (t->target);
  g_free (t->json);
  g_free (t->tallies);
  g_free (t);
}

NkStanceAggregate *
nk_stance_aggregate_new (void)
{
  NkStanceAggregate *agg = g_new0 (NkStanceAggregate, 1);
  agg->targets = g_ptr_array_new_with_free_func (nk_target_agg_free);
  agg->names = g_string_sized_new (256);
  return agg;
}

void
nk_stance_aggregate_free (NkStanceAggregate *agg)
{
  if (agg == NULL)
    return;
  g_ptr_array_unref (agg->targets);
  g_free (agg->holders);
  g_string_free (agg->names, TRUE);
  g_free (agg->index);
  g_free (agg->rows);
  g_free (agg);
}

static void
nk_aggregate_forget_holders (NkStanceAggregate *agg)
{
  agg->n_holders = 0;
  agg->last = 0;
  agg->names->len = 0;
  g_clear_pointer (&agg->index, g_free);
  agg->index_mask = 0;
}

void
nk_stance_aggregate_clear (NkStanceAggregate *agg)
{
  agg->n_active = 0;
  nk_aggregate_forget_holders (agg);
}

void
nk_stance_aggregate_reset_counts (NkStanceAggregate *agg)
{
  for (guint i = 0; i < agg->n_active; i++)
    {
      NkTargetAgg *t = g_ptr_array_index (agg->targets, i);
      memset (&t->all, 0, sizeof t->all);
    }
  nk_aggregate_forget_holders (agg);
}

/* Room for the tally of holder @h in @t. */
static inline void
nk_target_agg_reserve (NkTargetAgg *t, guint h)
{
  if (G_UNLIKELY (h >= t->cap_tallies))
    {
      t->cap_tallies = MAX (MAX (8, 2 * t->cap_tallies), h + 1);
      t->tallies = g_renew (NkStanceTally, t->tallies, t->cap_tallies);
    }
}

/* Makes @t's tallies of all current holders zero, and its total, for a fresh target. */
static void
nk_target_agg_reset (NkStanceAggregate *agg, NkTargetAgg *t)
{
  memset (&t->all, 0, sizeof t->all);
  if (agg->n_holders > 0)
    {
      nk_target_agg_reserve (t, agg->n_holders - 1);
      memset (t->tallies, 0, agg->n_holders * sizeof *t->tallies);
    }
}

static void
nk_target_agg_set_id (NkTargetAgg *t, const char *target)
{
  g_autoptr (GString) json = g_string_new (NULL);
  g_free (t->target);
  g_free (t->json);
  t->target = g_strdup (target);
  nk_json_append_string (json, target, -1);
  nk_buf_append_c (json, ':');
  t->json_len = json->len;
  t->json = g_string_free (g_steal_pointer (&json), FALSE);
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
  NkTargetAgg *t;
  if (agg->n_active < agg->targets->len)
    {
      /* a slot of an earlier document: same targets in the same order, as a rule */
      t = g_ptr_array_index (agg->targets, agg->n_active);
      if (strcmp (t->target, target) != 0)
        nk_target_agg_set_id (t, target);
    }
  else
    {
      t = g_new0 (NkTargetAgg, 1);
      nk_target_agg_set_id (t, target);
      g_ptr_array_add (agg->targets, t);
    }
  agg->n_active++;
  nk_target_agg_reset (agg, t);
  return t;
}

void
nk_stance_aggregate_declare (NkStanceAggregate *agg, const char *target)
{
  nk_aggregate_target (agg, target);
}

/* FNV-1a: the names are short. */
static guint32
nk_name_hash (const char *name, gsize len)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) name[i]) * 16777619u;
  return h;
}

static inline gboolean
nk_holder_is (const NkStanceAggregate *agg, const NkHolderName *h, const char *name,
              gsize len)
{
  const char *s = agg->names->str + h->name;
  return h->len == len && s[0] == name[0] && nk_stance_equal (s, name, len);
}

static void
nk_index_insert (NkStanceAggregate *agg, guint h)
{
  guint i = agg->holders[h].hash & agg->index_mask;
  while (agg->index[i] != 0)
    i = (i + 1) & agg->index_mask;
  agg->index[i] = h + 1;
}

/* Rebuilds the index for twice the holders (at most half full). */
static void
nk_index_rebuild (NkStanceAggregate *agg)
{
  guint size = 64;
  while (size < 4 * agg->n_holders)
    size *= 2;
  g_free (agg->index);
  agg->index = g_new0 (guint32, size);
  agg->index_mask = size - 1;
  for (guint h = 0; h < agg->n_holders; h++)
    {
      NkHolderName *r = &agg->holders[h];
      r->hash = nk_name_hash (agg->names->str + r->name, r->len);
      nk_index_insert (agg, h);
    }
}

/* Holder @name's number, or -1. */
static gint
nk_holder_find (NkStanceAggregate *agg, const char *name, gsize len, guint32 hash)
{
  if (agg->index != NULL)
    {
      for (guint i = hash & agg->index_mask; agg->index[i] != 0; i = (i + 1) & agg->index_mask)
        {
          guint h = agg->index[i] - 1;
          if (agg->holders[h].hash == hash && nk_holder_is (agg, &agg->holders[h], name, len))
            return (gint) h;
        }
      return -1;
    }
  for (guint h = 0; h < agg->n_holders; h++)
    if (nk_holder_is (agg, &agg->holders[h], name, len))
      return (gint) h;
  return -1;
}

/* Adds holder @name (its name, its JSON string) with zero tallies; returns its number. */
static guint
nk_holder_add (NkStanceAggregate *agg, const char *name, gsize len, guint32 hash)
{
  GString *names = agg->names;
  guint h = agg->n_holders;
  if (h == agg->cap_holders)
    {
      agg->cap_holders = MAX (16, 2 * agg->cap_holders);
      agg->holders = g_renew (NkHolderName, agg->holders, agg->cap_holders);
    }
  NkHolderName *r = &agg->holders[h];
  r->name = names->len;
  r->len = (guint32) len;
  r->hash = hash;
  nk_buf_append (names, name, len);
  nk_buf_append_c (names, '\0');
  r->json = names->len;
  nk_json_append_word (names, name, len);
  nk_buf_append_c (names, ':');
  r->json_len = (guint32) (names->len - r->json);
  agg->n_holders++;
  for (guint i = 0; i < agg->n_active; i++)
    {
      NkTargetAgg *t = g_ptr_array_index (agg->targets, i);
      nk_target_agg_reserve (t, h);
      memset (&t->tallies[h], 0, sizeof t->tallies[h]);
    }
  if (agg->index != NULL && 2 * agg->n_holders <= agg->index_mask)
    nk_index_insert (agg, h);
  else if (agg->n_holders > NK_HOLDERS_INDEX_AT)
    nk_index_rebuild (agg);
  return h;
}

guint
nk_stance_aggregate_holder (NkStanceAggregate *agg, const char *name, gsize len)
{
  if (name == NULL)
    {
      name = NK_STANCE_NO_HOLDER;
      len = sizeof NK_STANCE_NO_HOLDER - 1;
    }
  if (agg->last < agg->n_holders && nk_holder_is (agg, &agg->holders[agg->last], name, len))
    return agg->last;
  guint32 hash = agg->index != NULL ? nk_name_hash (name, len) : 0;
  gint h = nk_holder_find (agg, name, len, hash);
  if (h < 0)
    h = (gint) nk_holder_add (agg, name, len, hash);
  agg->last = (guint) h;
  return (guint) h;
}

/* Counts one span into target @t's tally and its holder's. */
static inline void
nk_target_agg_count (NkTargetAgg *t, guint holder, guint label, double score)
{
  NkStanceTally *h = &t->tallies[holder];
  t->all.n[label]++;
  t->all.score_sum += score;
  h->n[label]++;
  h->score_sum += score;
}

void
nk_stance_aggregate_count (NkStanceAggregate *agg, guint target, guint holder, guint label,
                           double score)
{
  g_return_if_fail (target < agg->n_active && holder < agg->n_holders && label < 3);
  nk_target_agg_count (g_ptr_array_index (agg->targets, target), holder, label, score);
}

void
nk_stance_aggregate_add_declared (NkStanceAggregate *agg, guint target, const char *holder,
                                  guint label, double score)
{
  g_return_if_fail (target < agg->n_active && label < 3);
  guint h = nk_stance_aggregate_holder (agg, holder, holder ? strlen (holder) : 0);
  nk_target_agg_count (g_ptr_array_index (agg->targets, target), h, (guint) label, score);
}

void
nk_stance_aggregate_add (NkStanceAggregate *agg, const char *target, const char *holder,
                         const char *label, double score)
{
  NkTargetAgg *t = nk_aggregate_target (agg, target ? target : "");
  guint h = nk_stance_aggregate_holder (agg, holder, holder ? strlen (holder) : 0);
  nk_target_agg_count (t, h, (guint) nk_label_index (label), score);
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

/* By decreasing count, then name (a total order: names differ). */
static int
nk_holder_row_cmp (gconstpointer a, gconstpointer b)
{
  const NkHolderRow *x = a, *y = b;
  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Sorts @n rows by nk_holder_row_cmp: by insertion for the few holders of a document, else
 * qsort's way. */
static void
nk_holder_rows_sort (NkHolderRow *r, guint n)
{
  if (n > NK_HOLDERS_INDEX_AT)
    {
      qsort (r, n, sizeof *r, nk_holder_row_cmp);
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

/* "target":{"favor":..,"mean_score":..,"holders":{name: tally, ...}} for the holders with
 * spans of @t, written through a pointer into room reserved once. */
static void
nk_target_agg_append_json (NkStanceAggregate *agg, const NkTargetAgg *t, GString *out)
{
  if (agg->n_holders > agg->cap_rows)
    {
      agg->cap_rows = MAX (agg->n_holders, 2 * agg->cap_rows);
      agg->rows = g_renew (NkHolderRow, agg->rows, agg->cap_rows);
    }
  NkHolderRow *r = agg->rows;
  guint n = 0;
  gsize room = t->json_len + NK_TALLY_ROOM + 16;
  const char *names = agg->names->str;
  for (guint h = 0; h < agg->n_holders; h++)
    {
      guint64 total = nk_tally_total (&t->tallies[h]);
      if (total > 0)
        {
          const NkHolderName *name = &agg->holders[h];
          r[n++] = (NkHolderRow) { names + name->name, names + name->json, name->json_len,
                                   total, &t->tallies[h] };
          room += name->json_len + NK_TALLY_ROOM + 1;
        }
    }
  nk_holder_rows_sort (r, n);
  nk_buf_reserve (out, room);
  char *d = out->str + out->len;
  memcpy (d, t->json, t->json_len);
  d = nk_tally_put (d + t->json_len, &t->all);
  d[-1] = ',';   /* the holders go inside the target's object */
  d = NK_PUT_LIT (d, "\"holders\":{");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        *d++ = ',';
      memcpy (d, r[i].json, r[i].json_len);
      d = nk_tally_put (d + r[i].json_len, r[i].tally);
    }
  d = NK_PUT_LIT (d, "}}");
  *d = '\0';
  out->len = (gsize) (d - out->str);
}

void
nk_stance_aggregate_append_json (NkStanceAggregate *agg, GString *out)
{
  nk_buf_append_c (out, '{');
  for (guint i = 0; i < agg->n_active; i++)
    {
      if (i > 0)
        nk_buf_append_c (out, ',');
      nk_target_agg_append_json (agg, g_ptr_array_index (agg->targets, i), out);
    }
  nk_buf_append_c (out, '}');
}
