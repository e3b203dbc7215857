/* nk-clean-private.h — shared internals of the clean engine (not for other plugins).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nk-clean-lines.h"

G_BEGIN_DECLS

/* Which lines a phrase or pattern applies to: a weak cue ("newsletter") only marks a line
 * that is short or lacks final punctuation, so body sentences that mention it stay. */
typedef enum {
  NK_CLEAN_SCOPE_ANY,
  NK_CLEAN_SCOPE_SHORT,
  NK_CLEAN_SCOPE_NOPUNCT,
  NK_CLEAN_SCOPE_SHORT_NOPUNCT,
} NkCleanScope;

gboolean nk_clean_scope_parse (const char *s, NkCleanScope *scope);

/* Per-line features, computed once per line by nk_clean_classify(). */
typedef struct {
  guint        chars;
  guint        words;
  guint        stops;
  gboolean     final_punct;   /* ends with . ! ? … (closing quotes/brackets skipped) */
  gboolean     end_period;    /* that final mark is '.' (or ',' ':' ';': not headline-like) */
  gboolean     starts_upper;  /* first letter/digit/quote starts like a sentence */
  gboolean     allcaps_prefix; /* "EXCLUSIVE: …", "WATCH: …" */
  gboolean     copyright;
  gboolean     nav;           /* "Home | World | Asia": short items between separators */
  gboolean     triggered;     /* a word names some pattern's trigger (set by the word scan) */
  const char  *hit;           /* reason of the first matching phrase/pattern, or NULL */
  gboolean     good;          /* sure body text */
} NkCleanFeat;

/* Lexicons and the word scan (nk-clean-rules.c). */
#define NK_WORD_MAX 24          /* longer words are never looked up */
#define NK_LINE_MAX_IDS 160     /* phrases are matched within a line's first words */

guint32     nk_clean_rules_lookup          (const NkCleanRules *rules,
                                            const char         *w,
                                            gsize               n);
guint       nk_clean_rules_scan_words      (const NkCleanRules *rules,
                                            const char         *s,
                                            gsize               len,
                                            NkCleanFeat        *f,
                                            guint32            *ids);
const char *nk_clean_rules_match_phrases   (const NkCleanRules *rules,
                                            const guint32      *ids,
                                            guint               n_ids,
                                            gboolean            is_short,
                                            gboolean            final_punct);
const char *nk_clean_rules_match_patterns  (const NkCleanRules *rules,
                                            const char         *s,
                                            gsize               len,
                                            const guint32      *ids,
                                            guint               n_ids,
                                            gboolean            triggered,
                                            gboolean            is_short,
                                            gboolean            final_punct);
gboolean    nk_clean_rules_find_needle     (const NkCleanRules *rules,
                                            const char         *s,
                                            gsize               len);
gboolean    nk_clean_rules_has_any_patterns (const NkCleanRules *rules);
guint32     nk_clean_rules_copyright_id    (const NkCleanRules *rules);
gboolean    nk_clean_rules_is_finished     (const NkCleanRules *rules);

/* Metadata line parsing (nk-clean-meta.c). */
typedef enum {
  NK_META_LINE_NONE,
  NK_META_LINE_DATE,
  NK_META_LINE_MASTHEAD,
  NK_META_LINE_BYLINE,
} NkMetaLineKind;

typedef struct {
  NkMetaLineKind kind;
  int            year, month, day;   /* the first date, when any */
  char          *publisher;          /* (nullable) */
  char          *author;             /* (nullable) */
} NkMetaLine;

void     nk_meta_line_parse   (const char *s, gsize len, NkMetaLine *out);
void     nk_meta_line_clear   (NkMetaLine *ml);
char    *nk_meta_dateline     (const char *s, gsize len);
char    *nk_meta_copyright_owner (const char *s, gsize len);
gsize    nk_meta_split_title  (const char *s, gsize len, char **site);

G_END_DECLS
