/* nk-vader-private.h — what nk-vader.c (scoring) and nk-vader-lexicon.c (tables) share.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <string.h>

#include "nk-vader.h"

G_BEGIN_DECLS

#define NK_VADER_B_INCR    0.293
#define NK_VADER_B_DECR   (-0.293)
#define NK_VADER_C_INCR    0.733
#define NK_VADER_N_SCALAR (-0.74)

/* Words the rules test by identity; each token gets its id with its table lookup, so
 * the rules compare small integers instead of strings. */
typedef enum {
  NK_W_NONE, NK_W_NO, NK_W_KIND, NK_W_OF, NK_W_BUT, NK_W_LEAST, NK_W_AT, NK_W_VERY,
  NK_W_NEVER, NK_W_SO, NK_W_THIS, NK_W_WITHOUT, NK_W_DOUBT, NK_W_OR, NK_W_NOR,
  NK_W_THE, NK_W_SHIT, NK_W_BOMB, NK_W_BAD, NK_W_ASS, NK_W_BUS, NK_W_STOP, NK_W_YEAH,
  NK_W_RIGHT, NK_W_KISS, NK_W_DEATH, NK_W_TO, NK_W_DIE, NK_W_FOR, NK_W_BEATING, NK_W_HEART,
  NK_W_BROKEN, NK_W_JUST, NK_W_ENOUGH, NK_W_SORT,
  NK_W_COUNT
} NkVaderWord;


/* Byte classes for the ASCII fast path. */
enum {
  NK_VADER_C_SPACE = 1 << 0,  /* Python whitespace */
  NK_VADER_C_PUNCT = 1 << 1,  /* string.punctuation */
  NK_VADER_C_UPPER = 1 << 2,
  NK_VADER_C_LOWER = 1 << 3,
  NK_VADER_C_APOS  = 1 << 4,  /* may start the "n't" of a negation */
  NK_VADER_C_STOP  = 1 << 5,  /* needs a look in the fast loop: space, '!', '?', >= 0x80 */
};

/* Class and lowercase of each byte, filled by nk_vader_init_classes (). */
extern guint8 nk_vader_class[256];
extern guint8 nk_vader_lower_table[256];

void  nk_vader_init_classes (void);

/* ---- the word table ---------------------------------------------------------------- */

enum {
  NK_VADER_ENTRY_LEX     = 1 << 0,  /* in the lexicon (the reference's `in self.lexicon`) */
  NK_VADER_ENTRY_BOOSTER = 1 << 1,  /* a single-word BOOSTER_DICT key */
  NK_VADER_ENTRY_NEGATE  = 1 << 2,  /* in NEGATE */
  NK_VADER_ENTRY_USER    = 1 << 3,  /* the lexicon valence came from a user lexicon */
};

typedef struct {
  guint32 key_off;   /* into the pool */
  guint32 key_len;
  guint16 flags;
  guint16 word;      /* NkVaderWord */
  double  lex;       /* lexicon valence when NK_VADER_ENTRY_LEX */
  double  boost;     /* booster scalar when NK_VADER_ENTRY_BOOSTER */
} NkVaderEntry;

/* Open addressing over 8-byte slots (128 KiB for the VADER lexicon, so it stays in L2);
 * a miss, the common case, never touches the entries or their keys. */
typedef struct {
  guint32 hash;
  guint32 index;     /* entry index + 1; 0 marks an empty slot */
} NkVaderSlot;

typedef struct {
  gunichar cp;
  guint32  desc_off;
  guint32  desc_len;
  guint32  order;    /* line number, so the last duplicate wins as in a Python dict */
} NkVaderEmoji;

/* A blocked Bloom filter in front of the slots (8 KiB, two bits of one word per key): most
 * tokens of news text are in no table, so most lookups end here with one cache line. */
#define NK_VADER_BLOOM_BITS 65536

struct _NkVaderLexicon {
  guint64       bloom[NK_VADER_BLOOM_BITS / 64];
  GString      *pool;
  NkVaderSlot  *slots;
  guint         mask;       /* slot capacity - 1, a power of two minus one */
  NkVaderEntry *entries;
  guint         n_entries;
  guint         entries_cap;
  guint         n_lex;
  NkVaderEmoji *emoji;      /* sorted by cp, one per code point */
  guint         n_emoji;
  gunichar      emoji_min;
  gunichar      emoji_max;
  guint64       emoji_ascii[2];  /* bitmap of ASCII code points that are emoji keys */
  guint8        emoji_bmp[65536 / 8];  /* bitmap of BMP code points that are emoji keys */
};

/* Word-at-a-time hashing: eight bytes per multiply. The fast tokenizer lowercases ASCII
 * eight bytes at a time too (nk_vader_hash_lower_ascii) and must agree with this on the
 * lowercased bytes: both see a chunk as its bytes copied into a zeroed guint64. */
#define NK_VADER_ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define NK_VADER_HIGH G_GUINT64_CONSTANT (0x8080808080808080)
#define NK_VADER_SEED G_GUINT64_CONSTANT (0x243F6A8885A308D3)

static inline guint64
nk_vader_mix (guint64 h,
              guint64 x)
{
  h = (h ^ x) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return h ^ (h >> 29);
}

static inline guint32
nk_vader_hash_finish (guint64 h,
                      gsize   len)
{
  h = (h ^ len) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return (guint32) (h ^ (h >> 32));
}

static inline guint32
nk_vader_hash (const char *s,
               gsize       len)
{
  guint64 h = NK_VADER_SEED;

  for (gsize off = 0; off < len; off += 8)
    {
      guint64 x = 0;

      memcpy (&x, s + off, MIN (8, len - off));
      h = nk_vader_mix (h, x);
    }
  return nk_vader_hash_finish (h, len);
}

/* High bit of each byte of @y (every byte < 0x80) set when lo <= byte <= hi. */
static inline guint64
nk_vader_swar_range (guint64 y,
                     guint   lo,
                     guint   hi)
{
  guint64 ge = y + NK_VADER_ONES * (0x80 - lo);
  guint64 gt = y + NK_VADER_ONES * (0x7f - hi);

  return ge & ~gt & NK_VADER_HIGH;
}

/* nk_vader_hash of the lowercase of an ASCII token, with which cases it holds. @avail is
 * how many bytes from @s may be read (whole words are loaded when they fit). */
static inline guint32
nk_vader_hash_lower_ascii (const guchar *s,
                           gsize         len,
                           gsize         avail,
                           gboolean     *upper,
                           gboolean     *lower)
{
  guint64 h = NK_VADER_SEED, up = 0, lo = 0;

  for (gsize off = 0; off < len; off += 8)
    {
      gsize n = MIN (8, len - off);
      guint64 x = 0, u;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      if (off + 8 <= avail)
        {
          memcpy (&x, s + off, 8);
          if (n < 8)
            x &= (G_GUINT64_CONSTANT (1) << (8 * n)) - 1;
        }
      else
#endif
        memcpy (&x, s + off, n);
      u = nk_vader_swar_range (x, 'A', 'Z');
      up |= u;
      lo |= nk_vader_swar_range (x, 'a', 'z');
      h = nk_vader_mix (h, x + (u >> 2));  /* 0x80 >> 2 = 0x20: 'A' + 0x20 = 'a' */
    }
  *upper = up != 0;
  *lower = lo != 0;
  return nk_vader_hash_finish (h, len);
}

/* High bit set for each byte of @x that is an ASCII letter or digit. */
static inline guint64
nk_vader_swar_alnum (guint64 x)
{
  guint64 y = x & ~NK_VADER_HIGH;

  return (nk_vader_swar_range (y, '0', '9') | nk_vader_swar_range (y, 'A', 'Z') |
          nk_vader_swar_range (y, 'a', 'z')) & ~x;
}

static inline gboolean
nk_vader_key_equal (const char *a,
                    const char *b,
                    gsize       len)
{
  /* Words are short: a loop beats a call to memcmp. */
  for (gsize i = 0; i < len; i++)
    if (a[i] != b[i])
      return FALSE;
  return TRUE;
}

/* One 64-bit word per key, two bits in it: a lookup touches a single cache line. */
static inline guint64
nk_vader_bloom_bits (guint32 hash)
{
  return (G_GUINT64_CONSTANT (1) << ((hash >> 20) & 63)) |
         (G_GUINT64_CONSTANT (1) << ((hash >> 26) & 63));
}

static inline gboolean
nk_vader_bloom_test (const NkVaderLexicon *lex,
                     guint32               hash)
{
  guint64 bits = nk_vader_bloom_bits (hash);

  return (lex->bloom[hash & (NK_VADER_BLOOM_BITS / 64 - 1)] & bits) == bits;
}


static inline const NkVaderEntry *
nk_vader_table_find (const NkVaderLexicon *lex,
                     const char           *key,
                     gsize                 len,
                     guint32               hash)
{
  if (!nk_vader_bloom_test (lex, hash))
    return NULL;
  for (guint i = hash & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkVaderSlot *slot = &lex->slots[i];

      if (slot->index == 0)
        return NULL;
      if (slot->hash == hash)
        {
          const NkVaderEntry *e = &lex->entries[slot->index - 1];

          if (e->key_len == len && nk_vader_key_equal (lex->pool->str + e->key_off, key, len))
            return e;
        }
    }
}

/* nk_vader_table_find for an ASCII key not lowercased yet (compared as lowercase). */
static inline const NkVaderEntry *
nk_vader_table_find_ascii (const NkVaderLexicon *lex,
                           const guchar         *key,
                           gsize                 len,
                           guint32               hash,
                           const guint8          lower[256])
{
  if (!nk_vader_bloom_test (lex, hash))
    return NULL;
  for (guint i = hash & lex->mask;; i = (i + 1) & lex->mask)
    {
      const NkVaderSlot *slot = &lex->slots[i];

      if (slot->index == 0)
        return NULL;
      if (slot->hash == hash)
        {
          const NkVaderEntry *e = &lex->entries[slot->index - 1];
          const char *k = lex->pool->str + e->key_off;
          gsize j = 0;

          if (e->key_len == len)
            for (; j < len && lower[key[j]] == (guchar) k[j]; j++)
              ;
          if (e->key_len == len && j == len)
            return e;
        }
    }
}

/* Appends the lowercase of @s to @out (Python's str.lower); returns its length. */
gsize nk_vader_lower_into (char       *out,
                           const char *s,
                           gsize       len);

G_END_DECLS
