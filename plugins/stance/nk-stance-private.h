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

/* Appends a string literal (its length known at compile time). */
#define NK_BUF_LIT(out, lit) nk_buf_append ((out), "" lit, sizeof (lit) - 1)

/* Counts and score sum of stance spans, for one target or one (target, holder). */
typedef struct {
  guint64 n[3];      /* by NkStanceLabel: neutral, favor, against */
  double  score_sum;
} NkStanceTally;

void nk_stance_tally_add       (NkStanceTally *tally,
                                const char    *label,
                                double         score);
/* Appends {"favor":n,"against":n,"neutral":n,"mean_score":x} (x null when n = 0). */
void nk_stance_tally_append_json (const NkStanceTally *tally,
                                  GString             *out);

/* Per target id, a tally and per-holder tallies; used for meta.stance and the summary. */
typedef struct _NkStanceAggregate NkStanceAggregate;

NkStanceAggregate *nk_stance_aggregate_new    (void);
void               nk_stance_aggregate_free   (NkStanceAggregate *agg);
void               nk_stance_aggregate_clear  (NkStanceAggregate *agg);
/* Lists @target (with zero counts) so it appears even without spans. */
void               nk_stance_aggregate_declare (NkStanceAggregate *agg,
                                                const char        *target);
/* Counts one span of the @target-th declared target (declared in order since the last
 * clear, each once), @label an NkStanceLabel; @holder may be NULL. */
void               nk_stance_aggregate_add_declared (NkStanceAggregate *agg,
                                                     guint              target,
                                                     const char        *holder,
                                                     guint              label,
                                                     double             score);
/* Counts one span; @holder may be NULL. */
void               nk_stance_aggregate_add    (NkStanceAggregate *agg,
                                               const char        *target,
                                               const char        *holder,
                                               const char        *label,
                                               double             score);
/* Adds every span of a document's `stance` layer (attributes found by name). */
void               nk_stance_aggregate_add_layer (NkStanceAggregate *agg,
                                                  const NkLayer     *layer);
/* Appends {target: {favor, against, neutral, mean_score, holders: {name: {...}}}} as
 * compact JSON text, targets in first-seen order, holders by decreasing count then name.
 * Not const: the holder sort reuses a scratch array of @agg. */
void               nk_stance_aggregate_append_json (NkStanceAggregate *agg,
                                                    GString           *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkStanceAggregate, nk_stance_aggregate_free)

extern const NkStageInfo nk_stance_summary_stage;

G_END_DECLS
