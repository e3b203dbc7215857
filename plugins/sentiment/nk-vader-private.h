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


/* Byte classes for the tokenizer. */
enum {
  NK_VADER_C_SPACE = 1 << 0,  /* Python whitespace (ASCII) */
  NK_VADER_C_PUNCT = 1 << 1,  /* string.punctuation */
  NK_VADER_C_BREAK = 1 << 2,  /* may not start a word: an ASCII space or a byte >= 0x80 */
  NK_VADER_C_LOWER = 1 << 3,  /* an ASCII small letter: a word starting so is not isupper */
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
  guint64 key8;      /* the key's first 8 bytes as nk_vader_load_word sees them, zero-padded */
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

/* A one-bit filter in front of the slots (16 KiB, indexed by the top bits of the hash, the
 * slots by the low ones): most tokens of news text are in no table, so most lookups end
 * here with one load. */
#define NK_VADER_BLOOM_SHIFT 15
#define NK_VADER_BLOOM_BITS (G_GUINT64_CONSTANT (1) << (32 - NK_VADER_BLOOM_SHIFT))

/* A second one-bit filter (16 KiB) on a word's *prefix*: its first bytes up to the first
 * that is not an ASCII letter, eight at most, or-ed with 0x20 (see nk_vader_prefix_key).
 * String.punctuation stops a prefix, so a word and the word with its outer punctuation
 * stripped have the same prefix when it does not start with punctuation: the tokenizer
 * probes it before stripping or hashing, and a word it rejects is in no table. A key whose
 * prefix is empty is not added: a word starting with anything but a letter is not probed. */
#define NK_VADER_PREFIX_LOG2 17
#define NK_VADER_PREFIX_MULT G_GUINT64_CONSTANT (0xD6E8FEB86659FD93)

struct _NkVaderLexicon {
  guint64       bloom[NK_VADER_BLOOM_BITS / 64];
  guint64       prefix[(G_GUINT64_CONSTANT (1) << NK_VADER_PREFIX_LOG2) / 64];
  GString      *pool;
  NkVaderSlot  *slots;
  guint         mask;       /* slot capacity - 1, a power of two minus one */
  NkVaderEntry *entries;
  guint         n_entries;
  guint         entries_cap;
  guint         n_lex;
  NkVaderEmoji *emoji;      /* sorted by cp, one per code point */
  guint         n_emoji;
  guint         emoji_cap;
  gunichar      emoji_min;
  gunichar      emoji_max;
  guint64       emoji_ascii[2];  /* bitmap of ASCII code points that are emoji keys */
  guint8        emoji_bmp[65536 / 8];  /* bitmap of BMP code points that are emoji keys */
  gboolean      wide_keys;  /* some key has a byte 0xe2 (it may hold General Punctuation) */
  /* U+2000..U+207F that a word may hold and still be in no table and need no rewriting:
   * no space, no emoji key, and no key has such a character (see wide_keys). */
  guint64       gp_plain[2];
};

/* Fills gp_plain and the prefix filter, once every key and emoji of @lex is known. */
void  nk_vader_lexicon_finish_plain (NkVaderLexicon *lex);

/* Word-at-a-time hashing, eight bytes per multiply. A word is hashed with its bytes or-ed
 * with 0x20: that folds ASCII case, so the tokenizer hashes a word without lowercasing it
 * (str.lower changes nothing else in the words it hashes) and the table, which holds
 * lowercase keys, hashes them the same way; the keys are then compared exactly. Chunks
 * are seen as their bytes in a zeroed guint64, the first byte the lowest. */
#define NK_VADER_ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define NK_VADER_HIGH G_GUINT64_CONSTANT (0x8080808080808080)
#define NK_VADER_CASE G_GUINT64_CONSTANT (0x2020202020202020)
#define NK_VADER_MULT G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

/* Eight bytes from @p (which must be readable), the first one the lowest. */
static inline guint64
nk_vader_load_word (const void *p)
{
  guint64 x;

  memcpy (&x, p, 8);
  return GUINT64_FROM_LE (x);
}

/* The bytes of a chunk of @n (1..8) bytes: the others cleared. */
static inline guint64
nk_vader_chunk_mask (gsize n)
{
  return ~G_GUINT64_CONSTANT (0) >> (64 - 8 * n);
}

/* One multiply per chunk; the high half of the product, where every input bit has reached,
 * is what nk_vader_hash_finish keeps. */
static inline guint64
nk_vader_mix (guint64 h)
{
  return h * NK_VADER_MULT;
}

/* The hash of a word of @len bytes, given its chunks c (bytes or-ed with 0x20, zero-padded):
 * h = mix (h ^ c) over them from h = len, its high 32 bits kept. */
static inline guint64
nk_vader_hash_start (gsize len)
{
  return len;
}

static inline guint32
nk_vader_hash_finish (guint64 h)
{
  return (guint32) (h >> 32);
}

static inline guint32
nk_vader_hash (const char *s,
               gsize       len)
{
  guint64 h = nk_vader_hash_start (len);

  for (gsize off = 0; off < len; off += 8)
    {
      guint64 x = 0;
      gsize n = MIN (8, len - off);

      memcpy (&x, s + off, n);
      h = nk_vader_mix (h ^ ((GUINT64_FROM_LE (x) | NK_VADER_CASE) & nk_vader_chunk_mask (n)));
    }
  return nk_vader_hash_finish (h);
}

/* Trailing zero bits of a non-zero @x. */
#if defined (__GNUC__)
#define NK_VADER_CTZ(x) __builtin_ctzll (x)
#else
static inline guint
nk_vader_ctz (guint64 x)
{
  guint n = 0;

  for (; !(x & 1); x >>= 1)
    n++;
  return n;
}
#define NK_VADER_CTZ(x) nk_vader_ctz (x)
#endif

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

/* High bit of each byte of @x that may end a word: at most 0x20 (the ASCII spaces and the
 * control characters) or not ASCII. (x & 0x7f..) + 0x5f carries into no other byte. */
static inline guint64
nk_vader_swar_stop (guint64 x)
{
  return (~((x & ~NK_VADER_HIGH) + NK_VADER_ONES * 0x5f) | x) & NK_VADER_HIGH;
}

/* High bits of the ASCII capitals, and of the small letters, of @x (any bytes). */
static inline guint64
nk_vader_swar_upper (guint64 x)
{
  return nk_vader_swar_range (x & ~NK_VADER_HIGH, 'A', 'Z') & ~x;
}

static inline guint64
nk_vader_swar_lower (guint64 x)
{
  return nk_vader_swar_range (x & ~NK_VADER_HIGH, 'a', 'z') & ~x;
}

static inline void
nk_vader_bloom_add (NkVaderLexicon *lex,
                    guint32         hash)
{
  guint32 bit = hash >> NK_VADER_BLOOM_SHIFT;

  lex->bloom[bit >> 6] |= G_GUINT64_CONSTANT (1) << (bit & 63);
}

static inline gboolean
nk_vader_bloom_test (const NkVaderLexicon *lex,
                     guint32               hash)
{
  guint32 bit = hash >> NK_VADER_BLOOM_SHIFT;

  return (lex->bloom[bit >> 6] >> (bit & 63)) & 1;
}

/* The prefix of [@s, @s + @len), *@n its length, as a zero-padded word (the first byte the
 * lowest). */
static inline guint64
nk_vader_prefix_key (const char *s,
                     gsize       len,
                     gsize      *n)
{
  guint64 key = 0;
  gsize i;

  for (i = 0; i < len && i < 8; i++)
    {
      guchar b = (guchar) s[i] | 0x20;

      if (b < 'a' || b > 'z')
        break;
      key |= (guint64) b << (8 * i);
    }
  *n = i;
  return key;
}

/* The prefix filter's bit for a prefix key. */
static inline guint32
nk_vader_prefix_bit (guint64 key)
{
  return (guint32) ((key * NK_VADER_PREFIX_MULT) >> (64 - NK_VADER_PREFIX_LOG2));
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

/* Appends the lowercase of @s to @out (Python's str.lower); returns its length. */
gsize nk_vader_lower_into (char       *out,
                           const char *s,
                           gsize       len);

G_END_DECLS
