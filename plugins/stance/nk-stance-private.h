/* nk-stance-private.h — what the two stage files of nk-stance.so share.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <nkpipe.h>

G_BEGIN_DECLS

/* Holders without a name (no quote, report or metadata) are aggregated under this key. */
#define NK_STANCE_NO_HOLDER "(none)"

/* Attribute indexes of the `stance` layer. */
enum {
  NK_STANCE_ATTR_TARGET,
  NK_STANCE_ATTR_LABEL,
  NK_STANCE_ATTR_SCORE,
  NK_STANCE_ATTR_EVIDENCE,
  NK_STANCE_ATTR_HOLDER,
};

/* Shared sealed JSON leaves (nk-stance-leaves.c), one cache per stage instance. Each call
 * returns a new reference; with a NULL cache it returns a fresh node. */
typedef struct _NkJsonLeaves NkJsonLeaves;

NkJsonLeaves *nk_json_leaves_new    (void);
void          nk_json_leaves_free   (NkJsonLeaves *leaves);
JsonNode     *nk_json_leaves_null   (NkJsonLeaves *leaves);
JsonNode     *nk_json_leaves_int    (NkJsonLeaves *leaves,
                                     gint64        value);
JsonNode     *nk_json_leaves_double (NkJsonLeaves *leaves,
                                     double        value);
JsonNode     *nk_json_leaves_string (NkJsonLeaves *leaves,
                                     const char   *str,
                                     gsize         len);
/* A one-element array [str]. */
JsonNode     *nk_json_leaves_string_list1 (NkJsonLeaves *leaves,
                                           const char   *str,
                                           gsize         len);

/* Any node under a (kind, 64-bit key) in a small direct-mapped table: lookup returns a new
 * reference or NULL; store seals @node, keeps a reference and returns @node. */
enum { NK_LEAF_DOUBLE, NK_LEAF_EMPTY_TARGET, NK_LEAF_TALLY_FAVOR, NK_LEAF_TALLY_AGAINST,
       NK_LEAF_TALLY_NEUTRAL };
JsonNode     *nk_json_leaves_lookup (NkJsonLeaves *leaves,
                                     guint         kind,
                                     guint64       key);
JsonNode     *nk_json_leaves_store  (NkJsonLeaves *leaves,
                                     guint         kind,
                                     guint64       key,
                                     JsonNode     *node);
/* The key of a double: its bits. */
guint64       nk_json_leaves_double_key (double value);

/* Counts and score sum of stance spans, for one target or one (target, holder). */
typedef struct {
  guint64 n[3];      /* by NkStanceLabel: neutral, favor, against */
  double  score_sum;
} NkStanceTally;

void nk_stance_tally_add       (NkStanceTally *tally,
                                const char    *label,
                                double         score);
/* {"favor": n, "against": n, "neutral": n, "mean_score": x} (x null when n = 0). */
JsonObject *nk_stance_tally_to_json (const NkStanceTally *tally,
                                     NkJsonLeaves        *leaves);

/* Per target id, a tally and per-holder tallies; used for meta.stance and the summary. */
typedef struct _NkStanceAggregate NkStanceAggregate;

NkStanceAggregate *nk_stance_aggregate_new    (void);
void               nk_stance_aggregate_free   (NkStanceAggregate *agg);
void               nk_stance_aggregate_clear  (NkStanceAggregate *agg);
/* Lists @target (with zero counts) so it appears even without spans. */
void               nk_stance_aggregate_declare (NkStanceAggregate *agg,
                                                const char        *target);
/* Counts one span; @holder may be NULL. */
void               nk_stance_aggregate_add    (NkStanceAggregate *agg,
                                               const char        *target,
                                               const char        *holder,
                                               const char        *label,
                                               double             score);
/* Adds every span of a document's `stance` layer (attributes found by name). */
void               nk_stance_aggregate_add_layer (NkStanceAggregate *agg,
                                                  const NkLayer     *layer);
/* {target: {favor, against, neutral, mean_score, holders: {name: {...}}}}, targets in
 * first-seen order, holders by decreasing count then name. */
JsonNode          *nk_stance_aggregate_to_json (const NkStanceAggregate *agg,
                                                NkJsonLeaves            *leaves);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkStanceAggregate, nk_stance_aggregate_free)

extern const NkStageInfo nk_stance_summary_stage;

G_END_DECLS
