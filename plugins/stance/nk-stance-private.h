/* nk-stance-private.h — what the stage files of nk-stance.so share: the layer's attributes,
 * the label aggregate, and the inline JSON writer for the four-place numbers the evidence
 * and meta.stance are written with (short strings go through the core's
 * nk_json_append_word ()).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <nkpipe.h>

#include <math.h>
#include <string.h>

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
/* Writes a string literal at @d (room reserved); the end. */
#define NK_PUT_LIT(d, lit) (memcpy ((d), "" lit, sizeof (lit) - 1), (d) + sizeof (lit) - 1)

/* round (@x * 1e4) / 1e4, the same double, without the libm call: for |y| < 2^52 the
 * fraction y - trunc (y) is exact, and round () is half away from zero and keeps the sign
 * of a zero. Four decimals are all the rules mean, and they export shorter. */
static inline double
nk_stance_round4 (double x)
{
  double y = x * 1e4;
  if (!(fabs (y) < 1e15))
    return round (y) / 1e4;
  double t = (double) (gint64) y;
  double f = y - t;
  if (f >= 0.5)
    t += 1;
  else if (f <= -0.5)
    t -= 1;
  return copysign (t, y) / 1e4;
}

/* Writes @digits / 1e4 (below 1e9) as "IP.FRAC", FRAC without trailing zeros ("0" when
 * none): how nk_json_append_double () writes a decimal of at most four places. Returns the
 * end (at most 11 bytes on). */
static inline char *
nk_stance_put_digits4 (char *d, guint32 digits)
{
  guint32 ip = digits / 10000, frac = digits % 10000;
  if (ip < 10)
    *d++ = (char) ('0' + ip);
  else
    {
      char buf[8];
      int n = 8;
      for (; ip; ip /= 10)
        buf[--n] = (char) ('0' + ip % 10);
      memcpy (d, buf + n, (gsize) (8 - n));
      d += 8 - n;
    }
  *d++ = '.';
  static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
  guint32 hi = frac / 100, lo = frac % 100;
  memcpy (d, pairs + 2 * hi, 2);
  memcpy (d + 2, pairs + 2 * lo, 2);
  if (lo != 0)
    return d + (lo % 10 != 0 ? 4 : 3);
  return d + (hi % 10 != 0 ? 2 : 1);
}

/* Writes @v at @d (room for 12 bytes) as nk_json_append_double () would, when it is a
 * decimal of at most four places below 1e5 (scores and compounds rounded to 1e-4): then its
 * digits less trailing zeros are the shortest form that reads back (the writer's own
 * argument, with four places instead of six). Returns the end, or NULL when @v is not
 * such a decimal. */
static inline char *
nk_stance_put_decimal4 (char *d, double v)
{
  double a = fabs (v);
  if (!(a < 1e5))
    return NULL;
  guint32 digits = (guint32) (a * 1e4 + 0.5);
  if ((double) digits / 1e4 != a)
    return NULL;
  if (signbit (v))
    *d++ = '-';
  return nk_stance_put_digits4 (d, digits);
}

/* Writes nk_stance_round4 (@x) at @d (room for 12 bytes) as nk_json_append_double () would:
 * that double is ±digits / 1e4 with the sign of @x * 1e4, so its digits are known without
 * dividing back. NULL when |x| >= 1e5 or @x is not finite. */
static inline char *
nk_stance_put_round4 (char *d, double x)
{
  double y = x * 1e4;
  if (!(fabs (y) < 1e9))
    return NULL;
  gint64 t = (gint64) y;
  double f = y - (double) t;
  if (f >= 0.5)
    t++;
  else if (f <= -0.5)
    t--;
  if (signbit (y))
    *d++ = '-';
  return nk_stance_put_digits4 (d, (guint32) (t < 0 ? -t : t));
}

/* Appends @v as nk_json_append_double () does: four-place decimals without the call. */
static inline void
nk_stance_append_decimal (GString *out, double v)
{
  nk_buf_reserve (out, 16);
  char *d = nk_stance_put_decimal4 (out->str + out->len, v);
  if (d != NULL)
    {
      out->len = (gsize) (d - out->str);
      out->str[out->len] = '\0';
    }
  else
    nk_json_append_double (out, v);
}

/* memcmp (@a, @b, @n) == 0 for the short strings of names, without the call. */
static inline gboolean
nk_stance_equal (const char *a, const char *b, gsize n)
{
  if (n >= 8 && n <= 16)
    {
      guint64 a0, a1, b0, b1;
      memcpy (&a0, a, 8);
      memcpy (&b0, b, 8);
      memcpy (&a1, a + n - 8, 8);
      memcpy (&b1, b + n - 8, 8);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
  if (n >= 4 && n < 8)
    {
      guint32 a0, a1, b0, b1;
      memcpy (&a0, a, 4);
      memcpy (&b0, b, 4);
      memcpy (&a1, a + n - 4, 4);
      memcpy (&b1, b + n - 4, 4);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
  return memcmp (a, b, n) == 0;
}

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
/* Forgets all targets and holders. */
void               nk_stance_aggregate_clear  (NkStanceAggregate *agg);
/* Keeps the declared targets (zero counts, in order) and forgets the holders: the next
 * document of a stage that declares the same targets every time. */
void               nk_stance_aggregate_reset_counts (NkStanceAggregate *agg);
/* Lists @target (with zero counts) so it appears even without spans. */
void               nk_stance_aggregate_declare (NkStanceAggregate *agg,
                                                const char        *target);
/* The number of holder @name (@len bytes, no NUL; NULL for NK_STANCE_NO_HOLDER), added
 * with zero counts if new; valid until the next clear or reset. Asking for the same holder
 * again (the next span's, as a rule) is one comparison. */
guint              nk_stance_aggregate_holder (NkStanceAggregate *agg,
                                               const char        *name,
                                               gsize              len);
/* Counts one span of the @target-th declared target and holder number @holder, @label an
 * NkStanceLabel. */
void               nk_stance_aggregate_count  (NkStanceAggregate *agg,
                                               guint              target,
                                               guint              holder,
                                               guint              label,
                                               double             score);
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
