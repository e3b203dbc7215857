/* nk-vader.h — a faithful C port of VADER (vaderSentiment 3.3.2, Hutto & Gilbert 2014).
 *
 * Pure C + GLib, no nkpipe core dependency, so it can be linked into any stage (sentiment,
 * stance) or test. A lexicon is immutable once built and may be shared by any number of
 * threads; all per-call memory lives in an NkVaderScratch, one per thread, reused across
 * calls (no allocation per token once the scratch has grown to the longest text seen).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NK_VADER_ERROR (nk_vader_error_quark ())
GQuark nk_vader_error_quark (void);

/**
 * NkVaderError:
 * @NK_VADER_ERROR_IO: a lexicon file could not be read
 * @NK_VADER_ERROR_PARSE: a lexicon line is malformed (the message has file:line)
 */
typedef enum {
  NK_VADER_ERROR_IO,
  NK_VADER_ERROR_PARSE,
} NkVaderError;

/* Rules that changed a token's valence, as reported in NkVaderToken.rules. */
typedef enum {
  NK_VADER_RULE_NONE          = 0,
  NK_VADER_RULE_NEGATION      = 1 << 0,  /* a negator within the 3 preceding tokens (x -0.74) */
  NK_VADER_RULE_NO            = 1 << 1,  /* "no" within the preceding tokens (x -0.74) */
  NK_VADER_RULE_NO_AS_MODIFIER = 1 << 2, /* this "no" only negates the next word (valence 0) */
  NK_VADER_RULE_CAPS          = 1 << 3,  /* ALL-CAPS word in mixed-case text (+/-0.733) */
  NK_VADER_RULE_BOOSTER       = 1 << 4,  /* a preceding booster raised the intensity */
  NK_VADER_RULE_DAMPENER      = 1 << 5,  /* a preceding dampener lowered the intensity */
  NK_VADER_RULE_NEVER_SO      = 1 << 6,  /* "never so/this" or "... so/this" (x 1.25) */
  NK_VADER_RULE_IDIOM         = 1 << 7,  /* a special-case idiom set the valence */
  NK_VADER_RULE_KIND_OF       = 1 << 8,  /* "kind of"/"sort of"/"just enough" (+(-0.293)) */
  NK_VADER_RULE_LEAST         = 1 << 9,  /* "least X" not after "at"/"very" (x -0.74) */
  NK_VADER_RULE_BUT_BEFORE    = 1 << 10, /* before the first "but" (x 0.5) */
  NK_VADER_RULE_BUT_AFTER     = 1 << 11, /* after the first "but" (x 1.5) */
  NK_VADER_RULE_USER_LEXICON  = 1 << 12, /* the valence came from a user lexicon entry */
} NkVaderRule;

/* Number of NkVaderRule bits; nk_vader_rule_name (1 << i) names each. */
#define NK_VADER_N_RULES 13

const char *nk_vader_rule_name (NkVaderRule rule);

/**
 * NkVaderScores:
 * @neg, @neu, @pos: proportions, rounded to 3 decimals as the reference rounds them
 * @compound: normalised sum in [-1, 1], rounded to 4 decimals
 * @raw_compound: @compound before rounding
 * @punct_amplifier: the emphasis added for ! and ? (0 when the sum of valences is 0)
 * @n_tokens: number of tokens the reference would see
 */
typedef struct {
  double neg;
  double neu;
  double pos;
  double compound;
  double raw_compound;
  double punct_amplifier;
  guint  n_tokens;
} NkVaderScores;

/**
 * NkVaderToken:
 * @text: (not nul-terminated): the token as VADER sees it (original case, outer ASCII
 *   punctuation stripped); points into the scored text or, when emoji were replaced by their
 *   descriptions, into the scratch — valid until the next call with the same scratch
 * @len: bytes in @text
 * @start: byte offset in the scored text of the token's first byte (for a word from an emoji
 *   description: the emoji's offset)
 * @end: byte offset one past its last byte
 * @in_lexicon: whether the lowercased token is a lexicon entry
 * @lexicon_valence: its lexicon valence (0 if not in the lexicon)
 * @valence: its final valence after every rule, "but" included (0 for boosters, negators…)
 * @rules: NkVaderRule bits that changed it
 */
typedef struct {
  const char *text;
  guint32     len;
  guint32     start;
  guint32     end;
  gboolean    in_lexicon;
  double      lexicon_valence;
  double      valence;
  guint       rules;
} NkVaderToken;

typedef struct _NkVaderLexicon NkVaderLexicon;
typedef struct _NkVaderScratch NkVaderScratch;

/* Loads the VADER lexicon (word TAB mean TAB sd TAB ratings) and the emoji lexicon
 * (emoji TAB description). Later duplicate words override earlier ones, as in Python. */
NkVaderLexicon *nk_vader_lexicon_new           (const char *lexicon_path,
                                                const char *emoji_path,
                                                GError    **error);
NkVaderLexicon *nk_vader_lexicon_new_from_data (const char *lexicon_data,
                                                gsize       lexicon_len,
                                                const char *emoji_data,
                                                gsize       emoji_len,
                                                GError    **error);

/* A copy of @base with user entries (word TAB valence, `#` comments and blank lines
 * ignored; extra columns ignored) added or overriding; @base is not changed. */
NkVaderLexicon *nk_vader_lexicon_new_extended  (const NkVaderLexicon *base,
                                                const char           *user_path,
                                                GError              **error);
NkVaderLexicon *nk_vader_lexicon_new_extended_from_data (const NkVaderLexicon *base,
                                                         const char           *user_data,
                                                         gsize                 user_len,
                                                         const char           *display_name,
                                                         GError              **error);

NkVaderLexicon *nk_vader_lexicon_ref           (NkVaderLexicon *lexicon);
void            nk_vader_lexicon_unref         (NkVaderLexicon *lexicon);

guint           nk_vader_lexicon_get_size      (const NkVaderLexicon *lexicon);

/* Looks @word up as the scorer does (lowercased first). Returns whether it is an entry. */
gboolean        nk_vader_lexicon_lookup        (const NkVaderLexicon *lexicon,
                                                const char           *word,
                                                gssize                len,
                                                double               *valence);

NkVaderScratch *nk_vader_scratch_new           (void);
void            nk_vader_scratch_free          (NkVaderScratch *scratch);

/* Scores @text (@len bytes, or -1 if nul-terminated) exactly as
 * SentimentIntensityAnalyzer().polarity_scores (text) does. Invalid UTF-8 is tolerated
 * (each bad byte is treated as one non-space character). Thread-safe for distinct scratches. */
void            nk_vader_score                 (const NkVaderLexicon *lexicon,
                                                NkVaderScratch       *scratch,
                                                const char           *text,
                                                gssize                len,
                                                NkVaderScores        *scores);

/* The tokens of the last nk_vader_score call on @scratch, valid until the next call (and
 * while the scored text lives). Built on first request, so scoring alone stays cheap. */
const NkVaderToken *nk_vader_scratch_get_tokens (NkVaderScratch *scratch,
                                                 guint          *n_tokens);

/* The compound (rounded to 4 decimals, no punctuation emphasis) of the final valences of the
 * last call's tokens that lie within [@start, @end) of the scored text: a cheap sentiment
 * for a clause of a sentence already scored, without tokenising it again. */
double          nk_vader_scratch_get_range_compound (NkVaderScratch *scratch,
                                                     gsize           start,
                                                     gsize           end);

/* Python's round (x, digits) for digits 0..9: exact, round-half-even on the binary value. */
double          nk_vader_round                 (double x,
                                                int    digits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkVaderLexicon, nk_vader_lexicon_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkVaderScratch, nk_vader_scratch_free)

G_END_DECLS
