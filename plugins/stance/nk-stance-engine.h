/* nk-stance-engine.h — rule-based stance toward configured targets, without the core API
 * (so it can be tested and benchmarked on its own).
 *
 * A model holds one vocabulary (a hash of lower-cased words) and phrase patterns over it:
 * target terms, favor/against cues (general and per target), negators, contrast and
 * concessive markers, hedges, boosters and reporting verbs. It is built once per run and is
 * read-only afterwards, so worker threads share it. A scratch holds the per-instance
 * buffers (tokens, hits, results) that every sentence reuses.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NK_STANCE_ERROR (nk_stance_error_quark ())
GQuark nk_stance_error_quark (void);

/**
 * NkStanceError:
 * @NK_STANCE_ERROR_SYNTAX: a cue file line is malformed
 * @NK_STANCE_ERROR_CONFIG: a target definition is unusable (empty id or terms, duplicate id)
 */
typedef enum {
  NK_STANCE_ERROR_SYNTAX,
  NK_STANCE_ERROR_CONFIG,
} NkStanceError;

typedef enum {
  NK_STANCE_NEUTRAL,
  NK_STANCE_FAVOR,
  NK_STANCE_AGAINST,
} NkStanceLabel;

const char *nk_stance_label_to_string (NkStanceLabel label);

/* What a matched pattern is. */
typedef enum {
  NK_STANCE_KIND_TERM,        /* mentions a target */
  NK_STANCE_KIND_FAVOR,       /* progress, success, hope, support */
  NK_STANCE_KIND_AGAINST,     /* stalling, failure, doubt, opposition */
  NK_STANCE_KIND_NEGATOR,     /* flips cues in the next few tokens */
  NK_STANCE_KIND_CONTRAST,    /* but/however: the clause after it counts more */
  NK_STANCE_KIND_CONCESSIVE,  /* although/despite: the clause it opens counts less */
  NK_STANCE_KIND_HEDGE,       /* may/might/could: shrinks the score */
  NK_STANCE_KIND_BOOSTER,     /* very/major: strengthens the next cue */
  NK_STANCE_KIND_REPORT,      /* said/told/according to: marks a reported speaker */
  NK_STANCE_KIND_NEGCLAUSE,   /* "no sign that": flips cues to the end of its clause */
  NK_STANCE_KIND_IRREALIS,    /* "in hopes of", "must": later favor cues are wishes */
  NK_STANCE_KIND_SKIP,        /* fixed phrases that block the above ("not only") */
  NK_STANCE_N_KINDS
} NkStanceKind;

const char *nk_stance_kind_to_string (NkStanceKind kind);

typedef struct _NkStanceModel   NkStanceModel;
typedef struct _NkStanceScratch NkStanceScratch;

/* Tunable weights; nk_stance_params_init() gives the documented defaults. */
typedef struct {
  double negation_window;     /* tokens after a negator that it reaches (4) */
  double other_clause_weight; /* cues outside the target's clause (0.7) */
  double contrast_before;     /* clause before but/however (0.5) */
  double contrast_after;      /* clause after but/however (1.5) */
  double concessive_weight;   /* the clause an although/despite opens (0.5) */
  double concessive_main;     /* the rest of a sentence with a concession (1.5) */
  double negated_term;        /* a strong negator right before a term: "no deal" (0.6) */
  double hedge_factor;        /* per hedge in the target's clause, at most two (0.6) */
  double negated_against;     /* a negated against cue turns favor at this share (0.7) */
  double booster_factor;      /* a booster before a cue (1.3) */
  double sentiment_weight;    /* VADER compound of the target's clause (0.3) */
  double sentiment_floor;     /* |compound| below this is ignored (0.3) */
  double threshold;           /* |score| at or above this is favor/against (0.3): one
                               * weak cue (0.3) alone stays neutral */
  double irrealis_factor;     /* favor cues after an irrealis marker (0.4) */
  double context_weight;      /* cues of a sentence that does not name a document-context
                               * target but follows a sentence that did (0.8) */
} NkStanceParams;

void nk_stance_params_init (NkStanceParams *params);

NkStanceModel *nk_stance_model_new      (const NkStanceParams *params);
void           nk_stance_model_free     (NkStanceModel *model);

/* Parses a cue file: `KIND [WEIGHT] PHRASE` a line, `#` comments; KIND is favor, against,
 * negator, contrast, concessive, hedge, booster, report or skip. @where names the file in
 * errors ("cues.txt:12: ..."). */
gboolean       nk_stance_model_load_cues (NkStanceModel *model,
                                          const char    *data,
                                          gsize          len,
                                          const char    *where,
                                          GError       **error);

/* Adds one cue phrase of @kind (general when @target < 0). */
gboolean       nk_stance_model_add_phrase (NkStanceModel *model,
                                           NkStanceKind   kind,
                                           int            target,
                                           double         weight,
                                           const char    *phrase,
                                           const char    *where,
                                           GError       **error);

/* Adds a target; @terms must hold at least one non-empty phrase. @where is a JSON path
 * for errors ("targets[1]"). Returns the target index or -1 with @error set. */
int            nk_stance_model_add_target (NkStanceModel     *model,
                                           const char        *id,
                                           const char *const *terms,
                                           const char *const *favor_cues,
                                           const char *const *against_cues,
                                           const char        *where,
                                           GError           **error);

/* A target with document context is also scored on the sentences that follow its first
 * mention in a document ("It was another step forward." after a sentence on the talks)
 * when they carry a cue of their own; without one they get no result. */
void           nk_stance_model_set_document_context (NkStanceModel *model,
                                                     guint          target,
                                                     gboolean       document_context);
gboolean       nk_stance_model_get_document_context (const NkStanceModel *model,
                                                     guint                target);

guint          nk_stance_model_get_n_targets (const NkStanceModel *model);
const char    *nk_stance_model_get_target_id (const NkStanceModel *model,
                                              guint                target);
const NkStanceParams *nk_stance_model_get_params (const NkStanceModel *model);

/* One piece of evidence: a matched pattern (byte offsets into the text) and its effect. */
typedef struct {
  guint32      start;
  guint32      end;
  NkStanceKind kind;
  gboolean     negated;       /* a cue flipped by a negator */
  double       contribution;  /* signed share of the raw score (cues, bare negators) */
} NkStanceEvidence;

/* The stance of one sentence toward one target. */
typedef struct {
  guint         target;
  NkStanceLabel label;
  double        score;        /* in [-1, 1], > 0 favor */
  double        raw;          /* unnormalised sum */
  double        sentiment;    /* the clause compound used, NAN if none */
  guint32       clause_start; /* the target's clause, byte offsets */
  guint32       clause_end;
  guint         first_evidence;  /* into nk_stance_scratch_get_evidence () */
  guint         n_evidence;
  guint         n_hedges;
  gboolean      contrast;
  gboolean      mentioned;    /* a term is in the sentence (else: document context) */
} NkStanceResult;

/* Clause sentiment hook: returns the VADER compound of text[start, end), or NAN. */
typedef double (*NkStanceSentimentFunc) (gpointer    user_data,
                                         const char *text,
                                         gsize       start,
                                         gsize       end);

NkStanceScratch *nk_stance_scratch_new  (void);
void             nk_stance_scratch_free (NkStanceScratch *scratch);

/* Forgets which targets the current document has mentioned; call before each document's
 * first sentence (sentences must then come in text order). */
void             nk_stance_scratch_begin_document (NkStanceScratch *scratch);

/* Analyses the sentence text[start, end). @sentence_compound is the sentence's sentiment
 * (NAN if unknown), used when @sentiment_func is NULL. Returns the number of results, one
 * per target mentioned (or in document context), in target order; valid until the next
 * call. */
guint nk_stance_analyze (const NkStanceModel   *model,
                         NkStanceScratch       *scratch,
                         const char            *text,
                         gsize                  start,
                         gsize                  end,
                         NkStanceSentimentFunc  sentiment_func,
                         gpointer               sentiment_data,
                         double                 sentence_compound);

const NkStanceResult   *nk_stance_scratch_get_results  (const NkStanceScratch *scratch,
                                                        guint                 *n);
const NkStanceEvidence *nk_stance_scratch_get_evidence (const NkStanceScratch *scratch,
                                                        guint                 *n);

/* The speaker of a "X said" / "said X" / "according to X" report in the last analysed
 * sentence: byte offsets of a capitalised name, or of a pronoun (then *is_pronoun). FALSE
 * when the sentence has no such structure. */
gboolean nk_stance_find_reported_speaker (const NkStanceModel   *model,
                                          const NkStanceScratch *scratch,
                                          const char            *text,
                                          gsize                 *speaker_start,
                                          gsize                 *speaker_end,
                                          gsize                 *verb_start,
                                          gboolean              *is_pronoun);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkStanceModel, nk_stance_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkStanceScratch, nk_stance_scratch_free)

G_END_DECLS
