/* nk-stance-engine.c — vocabulary, phrase patterns and the stance rules.
 *
 * Words are matched by a light stem (possessive, plural -s/-es/-ies, -ed, -ing, a final -e
 * and a doubled final consonant removed) computed in a stack buffer and looked up in an
 * open-addressing hash of stems, so "negotiations", "negotiating" and "negotiated" all hit
 * the term "negotiation", and a token costs one probe and no allocation.
 *
 * The tokenizer is the hot loop (every sentence is tokenized): a plain ASCII word is
 * classified, lower-cased and hashed from one 16-byte (SSE2) or 8-byte (SWAR) load, read
 * in place or, near the sentence's end, from a zero-padded copy (no test of the bytes
 * left); a per-scratch cache of the short words already seen gives, in one probe, the
 * token's whole 8-byte tail (ids, info, head mark), stored with no test of what it holds.
 * Misses take the 3-byte prefix filter, the vocabulary and the stem rules. Curly quotes,
 * dashes and possessives have fast paths of their own; everything else (other non-ASCII,
 * inner ' or .) takes the general path, which defines the result: the fast paths give
 * the same tokens and ids.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-stance"

#include "nk-stance-engine.h"

#include <nkpipe.h>
#include <math.h>
#include <string.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

G_DEFINE_QUARK (nk-stance-error-quark, nk_stance_error)

#define NK_STANCE_MAX_PHRASE 6
#define NK_STANCE_MAX_WORD   64

/* ---- labels and kinds ---------------------------------------------------------------- */

const char *
nk_stance_label_to_string (NkStanceLabel label)
{
  switch (label)
    {
    case NK_STANCE_FAVOR:   return "favor";
    case NK_STANCE_AGAINST: return "against";
    case NK_STANCE_NEUTRAL:
    default:                return "neutral";
    }
}

static const char *const nk_stance_kind_names[NK_STANCE_N_KINDS] = {
  "term", "favor", "against", "negator", "contrast", "concessive", "hedge", "booster",
  "report", "negclause", "irrealis", "skip",
};

const char *
nk_stance_kind_to_string (NkStanceKind kind)
{
  g_return_val_if_fail (kind < NK_STANCE_N_KINDS, "unknown");
  return nk_stance_kind_names[kind];
}

static gboolean
nk_stance_kind_from_string (const char *s, gsize len, NkStanceKind *kind)
{
  for (guint k = 0; k < NK_STANCE_N_KINDS; k++)
    if (strlen (nk_stance_kind_names[k]) == len && memcmp (nk_stance_kind_names[k], s, len) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

void
nk_stance_params_init (NkStanceParams *p)
{
  p->negation_window = 4;
  p->other_clause_weight = 0.7;
  p->contrast_before = 0.5;
  p->contrast_after = 1.5;
  p->concessive_weight = 0.5;
  p->concessive_main = 1.5;
  p->negated_term = 0.6;
  p->hedge_factor = 0.6;
  p->negated_against = 0.7;
  p->booster_factor = 1.3;
  p->sentiment_weight = 0.3;
  p->sentiment_floor = 0.3;
  p->threshold = 0.3;
  p->irrealis_factor = 0.4;
  p->context_weight = 0.8;
}

/* ---- model ------------------------------------------------------------------------- */

/* A vocabulary key: its first 16 bytes inline (compared as two words, no call), the whole
 * key in the model's string chunk for the rare longer ones. The table probes a parallel
 * array of tag bytes first, so a word that is not in the vocabulary (most of them) costs
 * one byte read. */
#define NK_VOCAB_INLINE 16

/* Word ids are below this, so a token holds them in 16 bits (-1: unknown). */
#define NK_VOCAB_MAX_WORDS G_MAXINT16

/* A bit per hash of a key's first three bytes: a word whose first three bytes are not
 * set has no key for its exact form, nor for a stem (the stem keeps those bytes, or is
 * two of them and a 'y'). */
#define NK_PREFIX3_BITS (1u << 15)

static inline guint
nk_prefix3_bit (guint64 k0)
{
  return ((guint32) (k0 & 0xFFFFFF) * 0x9E3779B1u) >> (32 - 15);
}

static inline gboolean
nk_prefix3_has (const guint8 *set, guint64 k0)
{
  guint b = nk_prefix3_bit (k0);
  return (set[b >> 3] >> (b & 7)) & 1;
}

/* Whether a word starting with the bytes of @k0 (at least 3) may have a stem in the
 * vocabulary. */
static inline gboolean
nk_prefix3_may_stem (const guint8 *set, guint64 k0)
{
  return nk_prefix3_has (set, k0) || nk_prefix3_has (set, (k0 & 0xFFFF) | ((guint64) 'y' << 16));
}

typedef struct {
  guint64     k[2];   /* the key's first 16 bytes, zero padded (as nk_chunk reads them) */
  const char *key;
  guint32     len;
  gint32      word;
} NkVocabSlot;

typedef struct {
  gint32  words[NK_STANCE_MAX_PHRASE];
  guint8  n_words;
  guint8  exact;      /* words match exact forms, not stems (function words) */
  guint8  kind;
  gint16  target;     /* -1 for general patterns */
  float   weight;
  gint32  next;       /* next pattern with the same first word, -1 ends */
  gint32  next_mode;  /* next one of them that is also exact (or not), -1 ends */
} NkPattern;

typedef struct {
  char     *id;
  gboolean  document_context;
} NkTarget;

/* Patterns listed under a word (their first word), and what filters them. */
typedef struct {
  guint64 second_words;   /* the nk_word_bit of the second words of the longer ones */
  gint32  first;          /* the first pattern, -1 for none */
  gboolean has_single;    /* a one-word pattern is among them */
} NkPatternChain;

/* All the patterns listed under a word (NkPattern.next goes on), newest first, and the
 * same split by mode: exact ones, then stem ones (NkPattern.next_mode). A token whose
 * exact form is its stem walks all of them; else the exact ones under its exact form and
 * the stem ones under its stem — no other can match it. */
typedef struct {
  NkPatternChain all;
  NkPatternChain mode[2];
} NkPatternList;

struct _NkStanceModel {
  NkStanceParams params;
  guint          stamp;     /* changes with every word or pattern added: see NkWordCache */
  GStringChunk  *strings;
  guint8        *tags;      /* per slot: 0 empty, else a byte of the key's hash (bit 0 set) */
  NkVocabSlot   *slots;
  guint          n_slots;   /* power of two */
  guint          n_words;
  GArray        *lists;          /* NkPatternList per word */
  GArray        *info;           /* guint8 per word: NK_INFO_* */
  guint8         prefix3[NK_PREFIX3_BITS / 8];   /* the first 3 bytes of every key */
  GArray        *patterns;       /* NkPattern */
  GPtrArray     *targets;        /* NkTarget * */
};

/* What the tokenizer and the speaker rules need to know of a vocabulary word. */
enum {
  NK_INFO_STARTS_TERM = 1 << 0,     /* the word's stem may begin a target term */
  NK_INFO_STARTS_REPORT = 1 << 1,   /* ... or a reporting verb */
  NK_INFO_HEAD = 1 << 2,            /* some pattern is listed under the word */
  NK_INFO_NON_NAME = 1 << 3,        /* capitalised, still not a name ("The", "But") */
  NK_INFO_TITLE = 1 << 4,           /* a title dropped from a name ("Mr", "Secretary") */
  NK_INFO_PRONOUN = 1 << 5,         /* he, she, they */
  NK_INFO_OF = 1 << 6,              /* "of", inside a title */
};

static void nk_vocab_add_flags (NkStanceModel *m, const char *const *list, guint8 flag);
static void nk_punct_tails_init (void);

/* A one-bit filter of word ids (a word's bit; 0 for an unknown word). */
static inline guint64
nk_word_bit (gint32 word)
{
  return word >= 0 ? G_GUINT64_CONSTANT (1) << (word & 63) : 0;
}

static void
nk_target_free (gpointer p)
{
  NkTarget *t = p;
  g_free (t->id);
  g_free (t);
}

static const char *const nk_non_names[] = {
  "the", "a", "an", "but", "and", "or", "it", "this", "that", "these", "those", "there",
  "he", "she", "they", "we", "i", "you", "in", "on", "at", "as", "if", "so", "then", "when",
  "while", "after", "before", "since", "later", NULL,
};

static const char *const nk_titles[] = {
  "mr", "ms", "mrs", "dr", "sen", "rep", "gen", "president", "secretary", "minister",
  "prime", "foreign", "chairman", "leader", "vice", "special", "representative", "adviser",
  "advisor", "director", "professor", "prof", "ambassador", "deputy", "spokesman",
  "spokeswoman", "senator", "general", "state", "defense", "envoy", "chief", "supreme",
  "national", "security", "of", NULL,
};

static const char *const nk_pronouns[] = { "he", "she", "they", NULL };
static const char *const nk_name_inner[] = { "of", NULL };

/* Stamps tell a scratch's word cache which vocabulary its ids came from. */
static guint
nk_model_new_stamp (void)
{
  static gint next_stamp = 1;
  return (guint) g_atomic_int_add (&next_stamp, 1);
}

NkStanceModel *
nk_stance_model_new (const NkStanceParams *params)
{
  NkStanceModel *m = g_new0 (NkStanceModel, 1);
  if (params != NULL)
    m->params = *params;
  else
    nk_stance_params_init (&m->params);
  m->strings = g_string_chunk_new (4096);
  m->stamp = nk_model_new_stamp ();
  m->n_slots = 1024;
  m->tags = g_new0 (guint8, m->n_slots);
  m->slots = g_new (NkVocabSlot, m->n_slots);
  m->lists = g_array_new (FALSE, FALSE, sizeof (NkPatternList));
  m->info = g_array_new (FALSE, TRUE, sizeof (guint8));
  m->patterns = g_array_new (FALSE, FALSE, sizeof (NkPattern));
  m->targets = g_ptr_array_new_with_free_func (nk_target_free);
  nk_punct_tails_init ();
  /* the speaker rules' word lists, as flags of their (exact, lower-cased) forms */
  nk_vocab_add_flags (m, nk_non_names, NK_INFO_NON_NAME);
  nk_vocab_add_flags (m, nk_titles, NK_INFO_TITLE);
  nk_vocab_add_flags (m, nk_pronouns, NK_INFO_PRONOUN);
  nk_vocab_add_flags (m, nk_name_inner, NK_INFO_OF);
  return m;
}

void
nk_stance_model_free (NkStanceModel *m)
{
  if (m == NULL)
    return;
  g_string_chunk_free (m->strings);
  g_free (m->tags);
  g_free (m->slots);
  g_array_unref (m->lists);
  g_array_unref (m->info);
  g_array_unref (m->patterns);
  g_ptr_array_unref (m->targets);
  g_free (m);
}

guint
nk_stance_model_get_n_targets (const NkStanceModel *m)
{
  return m->targets->len;
}

const char *
nk_stance_model_get_target_id (const NkStanceModel *m, guint target)
{
  g_return_val_if_fail (target < m->targets->len, NULL);
  return ((NkTarget *) g_ptr_array_index (m->targets, target))->id;
}

void
nk_stance_model_set_document_context (NkStanceModel *m, guint target, gboolean document_context)
{
  g_return_if_fail (target < m->targets->len);
  ((NkTarget *) g_ptr_array_index (m->targets, target))->document_context = document_context;
}

gboolean
nk_stance_model_get_document_context (const NkStanceModel *m, guint target)
{
  g_return_val_if_fail (target < m->targets->len, FALSE);
  return ((NkTarget *) g_ptr_array_index (m->targets, target))->document_context;
}

const NkStanceParams *
nk_stance_model_get_params (const NkStanceModel *m)
{
  return &m->params;
}

/* Keys are hashed 8 bytes at a time (little-endian words, the last one zero padded): one
 * multiply per word, so the tokenizer hashes a word while it lower-cases it. Keys hold no
 * NUL byte, so the words alone tell keys apart. */
#define NK_HASH_SEED G_GUINT64_CONSTANT (0x243F6A8885A308D3)
#define NK_HASH_MUL  G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

static inline guint64
nk_hash_step (guint64 h, guint64 chunk)
{
  return (h ^ chunk) * NK_HASH_MUL;
}

static inline guint64
nk_load64 (const char *p)
{
  guint64 v;
  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

/* The low @n bytes of a word (n <= 8), by a mask table (no variable shift). */
static const guint64 nk_low_masks[9] = {
  0, 0xFF, 0xFFFF, 0xFFFFFF, G_GUINT64_CONSTANT (0xFFFFFFFF), G_GUINT64_CONSTANT (0xFFFFFFFFFF),
  G_GUINT64_CONSTANT (0xFFFFFFFFFFFF), G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFF),
  G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFFFF),
};

static inline guint64
nk_low_bytes (guint64 v, gsize n)
{
  return v & nk_low_masks[MIN (n, 8)];
}

/* Word @i of a key of @len bytes in @buf, which must be readable to the next multiple of 8
 * past @len (the word buffers are NK_STANCE_MAX_WORD + 8 bytes). */
static inline guint64
nk_chunk (const char *buf, gsize len, gsize i)
{
  return nk_low_bytes (nk_load64 (buf + 8 * i), len - 8 * i);
}

static inline guint
nk_slot_of (guint64 h)
{
  return (guint) (h >> 32);
}

static inline guint8
nk_tag_of (guint64 h)
{
  return (guint8) (h >> 56) | 1;
}

/* What a lookup reads of the model, copied into locals: the tokenizer's stores (bytes
 * among them) then cannot make the compiler reload it from the model for every word. */
/* A scratch's cache of the ids of the short words it has seen, direct-mapped by the word's
 * hash: news text repeats its words, and one probe here replaces the prefix filter, the
 * vocabulary probe and the stem rules. A key of 0 is an empty entry (a word is never all
 * NUL bytes). */
#define NK_WORD_CACHE_SIZE 8192

typedef struct {
  guint64 k[2];   /* the lower-cased word, as nk_vocab_find's k0, k1 */
  guint64 tail;   /* the word's NkToken.tail (nk_word_tail), no capital flag */
} NkWordCacheEntry;

typedef struct {
  const guint8      *tags;
  const NkVocabSlot *slots;
  guint              mask;
  const guint8      *prefix3;
  const guint8      *info;    /* NK_INFO_* per word */
  NkWordCacheEntry  *cache;   /* NULL: none (only the tokenizer has one) */
} NkVocabView;

static inline NkVocabView
nk_vocab_view (const NkStanceModel *m)
{
  return (NkVocabView) { m->tags, m->slots, m->n_slots - 1, m->prefix3,
                         (const guint8 *) m->info->data, NULL };
}

static inline gint32
nk_vocab_find (const NkVocabView *v, guint64 h, const char *buf, gsize len, guint64 k0,
               guint64 k1)
{
  guint mask = v->mask;
  guint8 tag = nk_tag_of (h);
  for (guint i = nk_slot_of (h) & mask;; i = (i + 1) & mask)
    {
      guint8 t = v->tags[i];
      if (t == 0)
        return -1;
      if (t != tag)
        continue;
      const NkVocabSlot *slot = &v->slots[i];
      if (slot->k[0] == k0 && slot->k[1] == k1 && slot->len == len
          && (len <= NK_VOCAB_INLINE
              || memcmp (slot->key + NK_VOCAB_INLINE, buf + NK_VOCAB_INLINE,
                         len - NK_VOCAB_INLINE) == 0))
        return slot->word;
    }
}

/* Looks up buf[0, len) (padded as nk_chunk needs). */
static inline gint32
nk_vocab_lookup (const NkVocabView *v, const char *buf, gsize len)
{
  if (len <= NK_VOCAB_INLINE)
    {
      /* the usual stem: one or two words, no loop */
      guint64 k0 = nk_chunk (buf, len, 0), h = nk_hash_step (NK_HASH_SEED, k0), k1 = 0;
      if (len > 8)
        {
          k1 = nk_chunk (buf, len, 1);
          h = nk_hash_step (h, k1);
        }
      return nk_vocab_find (v, h, buf, len, k0, k1);
    }
  guint64 h = NK_HASH_SEED, k0 = 0, k1 = 0;
  for (gsize i = 0; 8 * i < len; i++)
    {
      guint64 c = nk_chunk (buf, len, i);
      h = nk_hash_step (h, c);
      if (i == 0)
        k0 = c;
      else if (i == 1)
        k1 = c;
    }
  return nk_vocab_find (v, h, buf, len, k0, k1);
}

static guint64
nk_vocab_hash (const char *buf, gsize len)
{
  guint64 h = NK_HASH_SEED;
  for (gsize i = 0; 8 * i < len; i++)
    h = nk_hash_step (h, nk_chunk (buf, len, i));
  return h;
}

static void
nk_vocab_insert_slot (NkStanceModel *m, const NkVocabSlot *entry)
{
  guint mask = m->n_slots - 1;
  char buf[NK_STANCE_MAX_WORD + 8] = { 0 };
  memcpy (buf, entry->key, entry->len);
  guint64 h = nk_vocab_hash (buf, entry->len);
  guint i = nk_slot_of (h) & mask;
  while (m->tags[i] != 0)
    i = (i + 1) & mask;
  m->tags[i] = nk_tag_of (h);
  m->slots[i] = *entry;
}

static void
nk_vocab_grow (NkStanceModel *m)
{
  guint n_old = m->n_slots;
  guint8 *tags = m->tags;
  NkVocabSlot *slots = m->slots;
  m->n_slots = n_old * 2;
  m->tags = g_new0 (guint8, m->n_slots);
  m->slots = g_new (NkVocabSlot, m->n_slots);
  for (guint i = 0; i < n_old; i++)
    if (tags[i] != 0)
      nk_vocab_insert_slot (m, &slots[i]);
  g_free (tags);
  g_free (slots);
}

/* The id of word s[0, len), len < NK_STANCE_MAX_WORD, added if new; -1 when the
 * vocabulary is full. */
static gint32
nk_vocab_intern (NkStanceModel *m, const char *s, gsize len)
{
  char buf[NK_STANCE_MAX_WORD + 8] = { 0 };
  g_assert (len < NK_STANCE_MAX_WORD);
  memcpy (buf, s, len);
  NkVocabView view = nk_vocab_view (m);
  gint32 word = nk_vocab_lookup (&view, buf, len);
  if (word >= 0)
    return word;
  if (m->n_words >= NK_VOCAB_MAX_WORDS)
    return -1;
  if ((m->n_words + 1) * 4 > m->n_slots)
    nk_vocab_grow (m);   /* at most a quarter full: short probes */
  NkVocabSlot entry = {
    { nk_chunk (buf, len, 0), len > 8 ? nk_chunk (buf, len, 1) : 0 },
    g_string_chunk_insert_len (m->strings, s, len), (guint32) len, (gint32) m->n_words++,
  };
  nk_vocab_insert_slot (m, &entry);
  m->stamp = nk_model_new_stamp ();   /* ids cached for this word (-1) are stale */
  if (len >= 3)
    {
      guint b = nk_prefix3_bit (entry.k[0]);
      m->prefix3[b >> 3] |= (guint8) (1u << (b & 7));
    }
  NkPatternList none = { { 0, -1, FALSE }, { { 0, -1, FALSE }, { 0, -1, FALSE } } };
  g_array_append_val (m->lists, none);
  g_array_set_size (m->info, m->n_words);
  return entry.word;
}

static void
nk_vocab_add_flags (NkStanceModel *m, const char *const *list, guint8 flag)
{
  for (guint i = 0; list[i] != NULL; i++)
    {
      gint32 word = nk_vocab_intern (m, list[i], strlen (list[i]));   /* may grow m->info */
      g_assert (word >= 0);   /* the first words of a new model */
      g_array_index (m->info, guint8, word) |= flag;
    }
}

/* ---- tokens and stems ------------------------------------------------------------- */

typedef enum {
  NK_TOK_WORD,
  NK_TOK_COMMA,
  NK_TOK_BOUNDARY,   /* ; : ( ) dashes: a clause edge */
  NK_TOK_QUOTE,
  NK_TOK_OTHER,
} NkTokType;

enum {
  NK_TOK_CAP = 1 << 0,   /* first letter upper case */
};

/* A token in 16 bytes: its offsets, then the rest as one word (NkToken.tail) that the
 * tokenizer writes in one store — for a word seen before, the word cache's copy with the
 * capital flag or'ed in. Vocabulary ids fit 16 bits (NK_VOCAB_MAX_WORDS). */
typedef struct {
  guint32 start;
  guint32 end;
  union {
    guint64 tail;     /* the fields below, built by nk_tail () */
    struct {
      gint16 exact;   /* vocabulary id of the lower-cased word, -1 if unknown */
      gint16 stem;    /* vocabulary id of its stem, -1 if unknown */
      guint8 info;    /* NK_INFO_* of the exact form, 0 if unknown */
      guint8 type;
      guint8 flags;
      guint8 head;    /* tokenizer only: NK_TAIL_HEAD_MARK and the stem's NK_INFO_STARTS_*
                       * when some pattern is listed under the word, other bits unused */
    };
  };
} NkToken;

G_STATIC_ASSERT (sizeof (NkToken) == 16);

/* Where a field of @bytes bytes at byte @byte of NkToken.tail lies in the word. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define NK_TAIL_SHIFT(byte, bytes) (8 * (byte))
#else
#define NK_TAIL_SHIFT(byte, bytes) (64 - 8 * ((byte) + (bytes)))
#endif
#define NK_TAIL_TYPE_SHIFT  NK_TAIL_SHIFT (5, 1)
#define NK_TAIL_FLAGS_SHIFT NK_TAIL_SHIFT (6, 1)
#define NK_TAIL_HEAD_SHIFT  NK_TAIL_SHIFT (7, 1)

/* In NkToken.head: the top bit of the word, so the tokenizer counts a head by a shift. */
#define NK_TAIL_HEAD_MARK 0x80
/* In NkToken.head of a plain ASCII word, as nk_word_leads sets it; read by no one. */
#define NK_TAIL_LEAD_MARK 0x40

static inline guint64
nk_tail (gint32 exact, gint32 stem, guint8 info, guint8 type, guint8 flags, guint8 head)
{
  return ((guint64) (guint16) exact << NK_TAIL_SHIFT (0, 2))
         | ((guint64) (guint16) stem << NK_TAIL_SHIFT (2, 2))
         | ((guint64) info << NK_TAIL_SHIFT (4, 1)) | ((guint64) type << NK_TAIL_TYPE_SHIFT)
         | ((guint64) flags << NK_TAIL_FLAGS_SHIFT) | ((guint64) head << NK_TAIL_HEAD_SHIFT);
}

static gboolean
nk_is_vowel (char c)
{
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static gboolean
nk_has_vowel (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (nk_is_vowel (s[i]))
      return TRUE;
  return FALSE;
}

/* Whether s[0, len) ends with the string literal @lit (a fixed-size compare, no call). */
#define NK_ENDS_WITH(s, len, lit) \
  ((len) >= sizeof (lit) - 1 \
   && memcmp ((s) + (len) - (sizeof (lit) - 1), (lit), sizeof (lit) - 1) == 0)

/* The light stem, in place; returns the new length. Both the lexicon and the text go
 * through it, so it only has to be consistent, not linguistically exact. */
static gsize
nk_stem (char *s, gsize len)
{
  if (NK_ENDS_WITH (s, len, "'s") && len > 3)
    len -= 2;
  else if (len > 2 && s[len - 1] == '\'')
    len--;

  if (len > 4 && NK_ENDS_WITH (s, len, "ies"))
    {
      len -= 2;
      s[len - 1] = 'y';
    }
  else if (len > 4 && NK_ENDS_WITH (s, len, "sses"))
    len -= 2;
  else if (len > 4 && (NK_ENDS_WITH (s, len, "ches") || NK_ENDS_WITH (s, len, "shes")
                       || NK_ENDS_WITH (s, len, "xes") || NK_ENDS_WITH (s, len, "zes")))
    len -= 2;
  else if (len > 3 && s[len - 1] == 's' && s[len - 2] != 's' && s[len - 2] != 'u'
           && s[len - 2] != 'i')
    len--;

  if (len > 4 && NK_ENDS_WITH (s, len, "ied"))
    {
      len -= 2;
      s[len - 1] = 'y';
    }
  else if (len > 4 && NK_ENDS_WITH (s, len, "ed") && nk_has_vowel (s, len - 2))
    len -= 2;
  else if (len > 5 && NK_ENDS_WITH (s, len, "ing") && nk_has_vowel (s, len - 3))
    len -= 3;

  while (len > 3 && s[len - 1] == 'e')
    len--;   /* all of them: "agree", "agreed", "agreeing" -> "agr" */
  if (len > 3 && s[len - 1] == s[len - 2] && !nk_is_vowel (s[len - 1]))
    len--;
  return len;
}

/* FALSE when nk_stem () surely returns @len unchanged, for a word of ASCII letters and
 * digits: every rule needs more than 3 bytes and a last byte s, d (-ed), g (-ing) or e,
 * or a doubled last letter. Most words fail this test, and it is far cheaper. */
static inline gboolean
nk_stem_may_change (const char *s, gsize len)
{
  if (len <= 3)
    return FALSE;
  char last = s[len - 1];
  return last == 's' || last == 'd' || last == 'g' || last == 'e' || last == s[len - 2];
}

static gboolean
nk_is_word_byte (guchar c)
{
  return g_ascii_isalnum (c);
}

/* Length of the UTF-8 apostrophe at p (' or U+2019), 0 if none. */
static gsize
nk_apostrophe_len (const char *p, const char *end)
{
  if (p < end && *p == '\'')
    return 1;
  if (end - p >= 3 && (guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0x99)
    return 3;
  return 0;
}

/* Classifies the non-ASCII character at p; returns its length and sets type and is_word. */
static gsize
nk_classify_utf8 (const char *p, const char *end, NkTokType *type, gboolean *is_word)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);
  *is_word = FALSE;
  *type = NK_TOK_OTHER;
  if (c == (gunichar) -1 || c == (gunichar) -2)
    return 1;
  if (c == 0x2014 || c == 0x2013)
    *type = NK_TOK_BOUNDARY;
  else if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019)
    *type = NK_TOK_QUOTE;
  else if (g_unichar_isalnum (c))
    *is_word = TRUE;
  return g_utf8_next_char (p) - p;
}

static NkTokType
nk_ascii_punct_type (char c)
{
  switch (c)
    {
    case ',': return NK_TOK_COMMA;
    case ';': case ':': case '(': case ')': return NK_TOK_BOUNDARY;
    case '"': return NK_TOK_QUOTE;
    default: return NK_TOK_OTHER;
    }
}

/* Copies the word [p, q) lower-cased into buf (U+2019 as '; "doesn't", "won't" as "not");
 * returns its length, 0 if it does not fit. */
static gsize
nk_normalize (const char *p, const char *q, char buf[NK_STANCE_MAX_WORD + 8])
{
  gsize n = 0;
  if (q - p >= NK_STANCE_MAX_WORD)
    return 0;
  while (p < q)
    {
      guchar c = *p;
      if (c >= 'A' && c <= 'Z')
        buf[n++] = (char) (c + ('a' - 'A')), p++;   /* the hot path: no calls */
      else if (c < 0x80 && c != '\'')
        buf[n++] = (char) c, p++;
      else
        {
          gsize a = nk_apostrophe_len (p, q);
          buf[n++] = a > 0 ? '\'' : (char) c;
          p += a > 0 ? a : 1;
        }
    }
  if (n > 3 && NK_ENDS_WITH (buf, n, "n't"))
    {
      memcpy (buf, "not", 3);   /* a negation, whatever the verb */
      n = 3;
    }
  return n;
}

/* Vocabulary ids of the word [p, q): its exact form and its stem. */
static void
nk_word_ids (const NkStanceModel *m, const char *p, const char *q, gint32 *exact,
             gint32 *stem)
{
  char buf[NK_STANCE_MAX_WORD + 8] = { 0 };
  gsize n = nk_normalize (p, q, buf);
  *exact = *stem = -1;
  if (n == 0)
    return;
  NkVocabView v = nk_vocab_view (m);
  *exact = nk_vocab_lookup (&v, buf, n);
  gsize k = nk_stem (buf, n);
  *stem = k == n ? *exact : nk_vocab_lookup (&v, buf, k);
}

/* End of the word starting at p: letters/digits, with inner apostrophes and inner dots
 * ("U.S") kept; hyphens end a word without ending the phrase. */
static const char *
nk_word_end (const char *p, const char *end)
{
  const char *q = p;
  while (q < end)
    {
      guchar c = *q;
      if (nk_is_word_byte (c))
        {
          q++;
          continue;
        }
      if (c >= 0x80)
        {
          NkTokType t;
          gboolean is_word;
          gsize a = nk_apostrophe_len (q, end);
          if (a > 0 && q + a < end && nk_is_word_byte (q[a]))
            {
              q += a;
              continue;
            }
          gsize l = nk_classify_utf8 (q, end, &t, &is_word);
          if (!is_word)
            break;
          q += l;
          continue;
        }
      if ((c == '\'' || c == '.') && q + 1 < end && g_ascii_isalpha (q[1]))
        {
          q++;
          continue;
        }
      break;
    }
  return q;
}

typedef void (*NkTokenFunc) (const char *p, const char *q, NkTokType type, gpointer data);

#define NK_TOK_NONE 0xFF   /* nk_token_at: spaces and hyphens make no token */

/* The token at p (any byte): *type is its type, NK_TOK_NONE for spaces and hyphens, which
 * make none. Returns its end, where the next one may start. The one classification that
 * phrases (nk_tokenize) and the tokenizer's general path (nk_general_token) share. */
static const char *
nk_token_at (const char *p, const char *end, guint8 *type)
{
  guchar c = *p;
  NkTokType t = NK_TOK_OTHER;
  gboolean is_word = nk_is_word_byte (c);
  gsize l = 1;
  if (c >= 0x80)
    l = nk_classify_utf8 (p, end, &t, &is_word);
  else if (!is_word)
    t = nk_ascii_punct_type (c);
  if (is_word)
    {
      *type = NK_TOK_WORD;
      return nk_word_end (p, end);
    }
  *type = !g_ascii_isspace (c) && c != '-' ? (guint8) t : NK_TOK_NONE;
  return p + l;
}

/* Passes the token starting at p (if any) to @func; returns where the next one may start. */
static const char *
nk_tokenize_one (const char *p, const char *end, NkTokenFunc func, gpointer data)
{
  guint8 type;
  const char *q = nk_token_at (p, end, &type);
  if (type != NK_TOK_NONE)
    func (p, q, (NkTokType) type, data);
  return q;
}

static void
nk_tokenize (const char *text, gsize start, gsize end_off, NkTokenFunc func, gpointer data)
{
  const char *p = text + start, *end = text + end_off;
  while (p < end)
    p = nk_tokenize_one (p, end, func, data);
}

/* ---- building patterns ------------------------------------------------------------ */

typedef struct {
  NkStanceModel *model;
  gboolean       exact;
  gint32         words[NK_STANCE_MAX_PHRASE];
  guint          n;
  gboolean       overflow;
  gboolean       punct;
  gboolean       full;       /* the vocabulary holds NK_VOCAB_MAX_WORDS words */
} NkPhraseBuild;

static void
nk_phrase_token (const char *p, const char *q, NkTokType type, gpointer data)
{
  NkPhraseBuild *b = data;
  if (type != NK_TOK_WORD)
    {
      /* dots and the like are skipped in text too ("U.S. sanctions"); a comma, colon or
       * quote inside one phrase is almost surely two phrases written as one */
      b->punct |= type != NK_TOK_OTHER;
      return;
    }
  if (b->n == NK_STANCE_MAX_PHRASE || q - p >= NK_STANCE_MAX_WORD)
    {
      b->overflow = TRUE;
      return;
    }
  char buf[NK_STANCE_MAX_WORD + 8];
  gsize n = nk_normalize (p, q, buf);
  if (!b->exact)
    n = nk_stem (buf, n);
  gint32 word = nk_vocab_intern (b->model, buf, n);
  if (word < 0)
    b->full = TRUE;
  else
    b->words[b->n++] = word;
}

gboolean
nk_stance_model_add_phrase (NkStanceModel *m,
                            NkStanceKind   kind,
                            int            target,
                            double         weight,
                            const char    *phrase,
                            const char    *where,
                            GError       **error)
{
  /* Function words and reporting verbs match exactly ("noted" must not stem to "not",
   * "stated" not match "State"); mentions and cues match through their stems. */
  gboolean exact = kind == NK_STANCE_KIND_NEGATOR || kind == NK_STANCE_KIND_NEGCLAUSE
                   || kind == NK_STANCE_KIND_REPORT || kind == NK_STANCE_KIND_CONTRAST
                   || kind == NK_STANCE_KIND_CONCESSIVE || kind == NK_STANCE_KIND_HEDGE
                   || kind == NK_STANCE_KIND_BOOSTER;
  NkPhraseBuild b = { m, exact, { 0 }, 0, FALSE, FALSE, FALSE };
  nk_tokenize (phrase, 0, strlen (phrase), nk_phrase_token, &b);
  if (b.full)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\": too many distinct words (at most %d in all)",
                   where, phrase, NK_VOCAB_MAX_WORDS);
      return FALSE;
    }
  if (b.overflow)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" is too long (at most %d words of %d bytes)",
                   where, phrase, NK_STANCE_MAX_PHRASE, NK_STANCE_MAX_WORD - 1);
      return FALSE;
    }
  if (b.n == 0)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" has no words", where, phrase);
      return FALSE;
    }
  if (b.punct)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s: phrase \"%s\" holds a comma, colon, dash or quote: list each phrase "
                   "as its own string", where, phrase);
      return FALSE;
    }
  NkPattern pat = { { 0 }, (guint8) b.n, (guint8) exact, (guint8) kind, (gint16) target,
                    (float) weight, -1, -1 };
  memcpy (pat.words, b.words, sizeof b.words);
  NkPatternList *list = &g_array_index (m->lists, NkPatternList, b.words[0]);
  NkPatternChain *all = &list->all, *mode = &list->mode[exact ? 0 : 1];
  if (b.n == 1)
    all->has_single = mode->has_single = TRUE;
  else
    {
      all->second_words |= nk_word_bit (b.words[1]);
      mode->second_words |= nk_word_bit (b.words[1]);
    }
  guint8 *info = &g_array_index (m->info, guint8, b.words[0]);
  *info |= NK_INFO_HEAD;
  if (kind == NK_STANCE_KIND_TERM)
    *info |= NK_INFO_STARTS_TERM;
  else if (kind == NK_STANCE_KIND_REPORT)
    *info |= NK_INFO_STARTS_REPORT;
  pat.next = all->first;
  pat.next_mode = mode->first;
  all->first = mode->first = (gint32) m->patterns->len;
  g_array_append_val (m->patterns, pat);
  m->stamp = nk_model_new_stamp ();   /* cached token tails (heads) are stale */
  return TRUE;
}

/* One line of a cue file (blank and comment lines already skipped): KIND [WEIGHT] PHRASE. */
static gboolean
nk_parse_cue_line (NkStanceModel *m, char *s, const NkDataLines *at, GError **error)
{
  char *sp = s + strcspn (s, " \t");
  NkStanceKind kind;
  if (!nk_stance_kind_from_string (s, sp - s, &kind) || kind == NK_STANCE_KIND_TERM)
    {
      nk_data_lines_error (at, error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX,
                           "unknown kind \"%.*s\" (expected favor, against, negator, negclause, "
                           "contrast, concessive, hedge, booster, irrealis, report or skip)",
                           (int) (sp - s), s);
      return FALSE;
    }
  s = sp + strspn (sp, " \t");
  double weight = 1.0;
  char *num_end = NULL;
  double w = g_ascii_strtod (s, &num_end);
  if (num_end != s && num_end != NULL && (*num_end == ' ' || *num_end == '\t'))
    {
      if (!(w >= 0 && w <= 4))
        {
          nk_data_lines_error (at, error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX,
                               "weight %g is outside [0, 4]", w);
          return FALSE;
        }
      weight = w;
      s = num_end + strspn (num_end, " \t");
    }
  if (*s == '\0')
    {
      nk_data_lines_error (at, error, NK_STANCE_ERROR, NK_STANCE_ERROR_SYNTAX, "no phrase");
      return FALSE;
    }
  g_autofree char *loc = g_strdup_printf ("%s:%u", at->origin, at->lineno);
  return nk_stance_model_add_phrase (m, kind, -1, weight, s, loc, error);
}

gboolean
nk_stance_model_load_cues (NkStanceModel *m, const char *data, gsize len,
                           const char *where, GError **error)
{
  g_autofree char *copy = g_strndup (data, len);
  NkDataLines lines;
  nk_data_lines_init (&lines, copy, len, where, NK_DATA_LINES_DEFAULT);
  for (char *line; (line = nk_data_lines_next (&lines, NULL)) != NULL;)
    if (!nk_parse_cue_line (m, line, &lines, error))
      return FALSE;
  return TRUE;
}

static gboolean
nk_add_phrases (NkStanceModel *m, NkStanceKind kind, int target, const char *const *list,
                const char *where, const char *key, GError **error)
{
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      g_autofree char *loc = g_strdup_printf ("%s.%s[%u]", where, key, i);
      if (!nk_stance_model_add_phrase (m, kind, target, 1.0, list[i], loc, error))
        return FALSE;
    }
  return TRUE;
}

int
nk_stance_model_add_target (NkStanceModel     *m,
                            const char        *id,
                            const char *const *terms,
                            const char *const *favor_cues,
                            const char *const *against_cues,
                            const char        *where,
                            GError           **error)
{
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.id: a target needs a non-empty id", where);
      return -1;
    }
  for (guint i = 0; i < m->targets->len; i++)
    if (g_str_equal (nk_stance_model_get_target_id (m, i), id))
      {
        g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                     "%s.id: target \"%s\" is defined twice", where, id);
        return -1;
      }
  if (terms == NULL || terms[0] == NULL)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG,
                   "%s.terms: target \"%s\" needs at least one term", where, id);
      return -1;
    }
  int t = (int) m->targets->len;
  if (t >= G_MAXINT16)
    {
      g_set_error (error, NK_STANCE_ERROR, NK_STANCE_ERROR_CONFIG, "%s: too many targets",
                   where);
      return -1;
    }
  if (!nk_add_phrases (m, NK_STANCE_KIND_TERM, t, terms, where, "terms", error)
      || !nk_add_phrases (m, NK_STANCE_KIND_FAVOR, t, favor_cues, where, "favor_cues", error)
      || !nk_add_phrases (m, NK_STANCE_KIND_AGAINST, t, against_cues, where, "against_cues",
                          error))
    return -1;
  NkTarget *target = g_new0 (NkTarget, 1);
  target->id = g_strdup (id);
  g_ptr_array_add (m->targets, target);
  return t;
}

/* ---- analysis --------------------------------------------------------------------- */

typedef struct {
  guint32 tok;       /* first token */
  guint16 n_tok;
  guint8  kind;
  gint16  target;
  float   weight;
} NkHit;

/* The tokens [start, end) a concessive marker opens, up to a comma or clause edge. */
typedef struct {
  guint32 start;
  guint32 end;
} NkConcession;

/* A target's bit in NkStanceScratch.named: targets past 63 share the last bit. */
static inline guint64
nk_target_bit (guint target)
{
  return G_GUINT64_CONSTANT (1) << MIN (target, 63);
}

/* Per-sentence buffers: plain arrays with a capacity, reused by every sentence. */
struct _NkStanceScratch {
  NkToken          *tokens;
  guint             n_tokens, cap_tokens;
  guint32          *heads;       /* tokens some pattern is listed under, in order */
  guint             n_heads, cap_heads;
  NkHit            *hits;
  guint             n_hits, cap_hits;
  guint32          *bounds;      /* the boundary tokens (; : ( ) dashes), in order */
  guint             n_bounds, cap_bounds;
  NkConcession     *concessions; /* the clauses although/despite open */
  guint             n_concessions, cap_concessions;
  gint              last_contrast;   /* the token of the last but/however, -1 */
  guint64           named;           /* nk_target_bit of the targets with a term hit */
  guint64           cued;            /* ... with a cue hit of their own */
  guint32           kinds;           /* 1 << kind for the kinds of the hits */
  NkWordCacheEntry *word_cache;      /* NK_WORD_CACHE_SIZE entries, made on first use */
  guint             word_cache_stamp;   /* the model stamp its ids are from */
  gint             *negated_by;  /* per hit: the negator hit flipping a cue, -1 */
  guint8           *neg_used;    /* per hit: NK_NEG_* flags of a negator */
  guint             cap_per_hit;
  gboolean         *in_target;   /* per clause */
  guint             cap_clauses;
  NkStanceResult   *results;
  guint             n_results, cap_results;
  NkStanceEvidence *evidence;
  guint             n_evidence, cap_evidence;
  gboolean         *mentioned;   /* per target: named earlier in this document */
  guint             n_mentioned, cap_mentioned;   /* 0: no target in document context */
};

/* @data grown to hold at least @need elements of @size bytes, at least doubling. */
static gpointer
nk_grow (gpointer data, guint *cap, gsize need, gsize size)
{
  gsize n = MAX (need, (gsize) *cap * 2);
  n = MAX (n, 16);
  *cap = (guint) n;
  return g_realloc_n (data, n, size);
}

#define NK_RESERVE(arr, cap, need) \
  G_STMT_START { \
    if (G_UNLIKELY ((gsize) (need) > (cap))) \
      (arr) = nk_grow ((arr), &(cap), (need), sizeof *(arr)); \
  } G_STMT_END

NkStanceScratch *
nk_stance_scratch_new (void)
{
  return g_new0 (NkStanceScratch, 1);
}

void
nk_stance_scratch_free (NkStanceScratch *s)
{
  if (s == NULL)
    return;
  g_free (s->tokens);
  g_free (s->heads);
  g_free (s->hits);
  g_free (s->bounds);
  g_free (s->concessions);
  g_free (s->word_cache);
  g_free (s->negated_by);
  g_free (s->neg_used);
  g_free (s->in_target);
  g_free (s->results);
  g_free (s->evidence);
  g_free (s->mentioned);
  g_free (s);
}

void
nk_stance_scratch_begin_document (NkStanceScratch *s)
{
  s->n_mentioned = 0;
}

static gboolean
nk_mentioned_before (const NkStanceScratch *s, guint target)
{
  return target < s->n_mentioned && s->mentioned[target];
}

static void
nk_set_mentioned (NkStanceScratch *s, guint target)
{
  if (target >= s->n_mentioned)
    {
      NK_RESERVE (s->mentioned, s->cap_mentioned, target + 1);
      memset (s->mentioned + s->n_mentioned, 0,
              (target + 1 - s->n_mentioned) * sizeof *s->mentioned);
      s->n_mentioned = target + 1;
    }
  s->mentioned[target] = TRUE;
}

const NkStanceResult *
nk_stance_scratch_get_results (const NkStanceScratch *s, guint *n)
{
  *n = s->n_results;
  return s->results;
}

const NkStanceEvidence *
nk_stance_scratch_get_evidence (const NkStanceScratch *s, guint *n)
{
  *n = s->n_evidence;
  return s->evidence;
}

/* ASCII letters and digits lower-cased, 0 for every other byte (0x80 and up left zero). */
static const guchar nk_word_lower[256] = {
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
   48,  49,  50,  51,  52,  53,  54,  55,  56,  57,   0,   0,   0,   0,   0,   0,
    0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
  112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
    0,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
  112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,   0,   0,   0,   0,   0,
};

#define NK_ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define NK_HIGH G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint
nk_ctz64 (guint64 v)
{
#if defined(__GNUC__)
  return (guint) __builtin_ctzll (v);
#else
  guint n = 0;
  for (; !(v & 1); v >>= 1)
    n++;
  return n;
#endif
}

/* The @n < 8 bytes at p as a little-endian word, zero padded (the end of a sentence). */
static inline guint64
nk_load_tail (const char *p, gsize n)
{
  guint64 v = 0;
  memcpy (&v, p, n);
  return GUINT64_FROM_LE (v);
}

static inline void
nk_store64 (char *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

/* 0x80 in each byte of @v that is an ASCII letter or digit, and in *letters those that
 * are letters. Bytes are tested as ranges by adding to 7-bit values (no carry between
 * bytes); bytes of 0x80 and up are neither. */
static inline guint64
nk_swar_alnum (guint64 v, guint64 *letters)
{
  guint64 ascii = ~v & NK_HIGH;
  guint64 x = v & ~NK_HIGH;
  guint64 f = x | (0x20 * NK_ONES);   /* letters folded to lower case */
  guint64 let = (f + (0x80 - 'a') * NK_ONES) & ~(f + (0x7F - 'z') * NK_ONES);
  guint64 dig = (x + (0x80 - '0') * NK_ONES) & ~(x + (0x7F - '9') * NK_ONES);
  *letters = let & ascii;
  return (let | dig) & ascii;
}

/* Whether the general path must take the word ending at q: a non-ASCII byte, or an inner
 * ' or . that nk_word_end keeps ("U.S", "don't"). */
static inline gboolean
nk_word_continues (const char *q, const char *end)
{
  if (q >= end)
    return FALSE;
  guchar c = (guchar) *q;
  return c >= 0x80 || ((c == '\'' || c == '.') && q + 1 < end && g_ascii_isalpha (q[1]));
}

/* The stem id of the lower-cased word buf[0, n) whose exact id is @exact. */
static inline gint32
nk_stem_id (const NkVocabView *v, char *buf, gsize n, gint32 exact)
{
  if (!nk_stem_may_change (buf, n))
    return exact;
  gsize stem_len = nk_stem (buf, n);
  return stem_len == n ? exact : nk_vocab_lookup (v, buf, stem_len);
}

/* The NkToken.tail of a word of ids @exact and @stem: its info and, when some pattern is
 * listed under its exact form or stem (a head), NK_TAIL_HEAD_MARK and its stem's
 * NK_INFO_STARTS_* (what nk_stance_analyze tests). */
static inline guint64
nk_word_tail (const NkVocabView *v, gint32 exact, gint32 stem, guint8 flags)
{
  const guint8 *info = v->info;
  guint8 fe = exact >= 0 ? info[exact] : 0, fs = stem >= 0 ? info[stem] : 0, head = 0;
  if ((fe | fs) & NK_INFO_HEAD)
    head = NK_TAIL_HEAD_MARK | (fs & (NK_INFO_STARTS_TERM | NK_INFO_STARTS_REPORT));
  return nk_tail (exact, stem, fe, NK_TOK_WORD, flags, head);
}

/* A word of 8 ASCII letters and digits or more, 8 bytes at a time (see nk_ascii_word). */
typedef struct {
  gint32 exact;
  gint32 stem;
} NkWordIds;

static const char *
nk_long_ascii_word (const NkStanceModel *m, const char *p, const char *end, NkWordIds *ids)
{
  gint32 *exact = &ids->exact, *stem = &ids->stem;
  char buf[NK_STANCE_MAX_WORD + 8];
  guint64 h = NK_HASH_SEED, k[2] = { 0, 0 };
  gsize n = 0;
  for (;;)
    {
      gsize avail = (gsize) (end - p) - n;
      guint64 v = avail >= 8 ? nk_load64 (p + n) : nk_load_tail (p + n, avail);
      guint64 letters, stop = ~nk_swar_alnum (v, &letters) & NK_HIGH;
      gsize len = stop != 0 ? nk_ctz64 (stop) >> 3 : 8;
      if (len == 0)
        break;
      guint64 lower = nk_low_bytes (v | (letters >> 2), len);
      nk_store64 (buf + n, lower);
      h = nk_hash_step (h, lower);
      if (n < NK_VOCAB_INLINE)
        k[n >> 3] = lower;
      n += len;
      if (len < 8)
        break;
      if (n >= NK_STANCE_MAX_WORD)
        return NULL;   /* too long: nk_normalize rejects it on the general path */
    }
  const char *q = p + n;
  if (nk_word_continues (q, end))
    return NULL;
  *exact = *stem = -1;   /* neither the word nor its stem is a key */
  NkVocabView v = nk_vocab_view (m);
  if (nk_prefix3_may_stem (v.prefix3, k[0]))
    {
      *exact = nk_vocab_find (&v, h, buf, n, k[0], k[1]);
      *stem = nk_stem_id (&v, buf, n, *exact);
    }
  return q;
}

/* A word the cache does not know: its ids by the prefix filter, the vocabulary and the
 * stem rules, stored in cache entry @e. */
static G_NO_INLINE guint64
nk_short_word_miss (const NkVocabView *v, NkWordCacheEntry *e, const char *p, gsize n,
                    guint64 k0, guint64 k1)
{
  guint64 h = nk_hash_step (NK_HASH_SEED, k0);
  if (n > 8)
    h = nk_hash_step (h, k1);
  gint32 exact = -1, stem;
  if (n < 3 || nk_prefix3_has (v->prefix3, k0))
    exact = nk_vocab_find (v, h, NULL, n, k0, k1);
  stem = exact;
  if (n > 3)
    {
      /* nk_stem_may_change on the word's bytes (the text, or nk_possessive's normalized
       * copy): | 0x20 lower-cases a letter and keeps a digit and ' */
      guchar last = (guchar) p[n - 1] | 0x20, before = (guchar) p[n - 2] | 0x20;
      if ((last == 's' || last == 'd' || last == 'g' || last == 'e' || last == before)
          && nk_prefix3_may_stem (v->prefix3, k0))
        {
          char buf[NK_STANCE_MAX_WORD + 8];
          nk_store64 (buf, k0);
          nk_store64 (buf + 8, k1);
          stem = nk_stem_id (v, buf, n, exact);
        }
    }
  e->k[0] = k0;
  e->k[1] = k1;
  e->tail = nk_word_tail (v, exact, stem, 0);
  return e->tail;
}

/* The cache entry of a lower-cased word of n < 16 bytes, whose first and second 8 bytes
 * (zero padded) are k0 and k1. The cache has a hash of its own, of both words at once (no
 * test of the length; the vocabulary's is taken on a miss). */
static inline NkWordCacheEntry *
nk_word_cache_entry (const NkVocabView *v, guint64 k0_plus_k1)
{
  G_STATIC_ASSERT (NK_WORD_CACHE_SIZE == 1 << 13);
  return &v->cache[(k0_plus_k1 * NK_HASH_MUL) >> (64 - 13)];
}

#if !(defined(__SSE2__) && defined(__x86_64__))
/* The NkToken.tail (no capital flag) of that word. */
G_ALWAYS_INLINE static inline guint64
nk_short_word_tail (const NkVocabView *v, const char *p, gsize n, guint64 k0, guint64 k1)
{
  NkWordCacheEntry *e = nk_word_cache_entry (v, k0 + k1);
  if (G_LIKELY (((e->k[0] ^ k0) | (e->k[1] ^ k1)) == 0))
    return e->tail;
  return nk_short_word_miss (v, e, p, n, k0, k1);
}
#endif

/* A token's end (NULL: the general path must take it) and NkToken.tail, returned in
 * registers by the calls out of the tokenizer's loop. */
typedef struct {
  const char *end;
  guint64     tail;
} NkTokenEnd;

/* nk_long_ascii_word with the ids turned into a token tail. */
static G_NO_INLINE NkTokenEnd
nk_ascii_word_long (const NkStanceModel *m, const char *p, const char *end)
{
  NkWordIds ids = { -1, -1 };
  const char *q = nk_long_ascii_word (m, p, end, &ids);
  NkVocabView v = nk_vocab_view (m);
  return (NkTokenEnd) { q, nk_word_tail (&v, ids.exact, ids.stem, 0) };
}

#if defined(__SSE2__) && defined(__x86_64__)
/* 0xFF in each byte of @v that is an ASCII letter, and in *alnum those that are letters or
 * digits. Each range is moved by an add to start at -128, so one signed compare tests it;
 * bytes of 0x80 and up land outside both ranges. */
G_ALWAYS_INLINE static inline __m128i
nk_sse_letters (__m128i v, __m128i *alnum)
{
  __m128i f = _mm_or_si128 (v, _mm_set1_epi8 (0x20));   /* letters folded to lower case */
  __m128i let = _mm_cmpgt_epi8 (_mm_set1_epi8 (-128 + 26),
                                _mm_add_epi8 (f, _mm_set1_epi8 ((char) (0x80 - 'a'))));
  __m128i dig = _mm_cmpgt_epi8 (_mm_set1_epi8 (-128 + 10),
                                _mm_add_epi8 (v, _mm_set1_epi8 ((char) (0x80 - '0'))));
  *alnum = _mm_or_si128 (let, dig);
  return let;
}

/* 16 bytes of 0xFF, then 16 of 0: the 16 bytes at (16 - n) keep a vector's first n. */
static const guint8 nk_first_bytes[32] = {
  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};
#endif

/* Per byte after an ASCII word: 2 when it continues the word for nk_word_end (0x80 and up:
 * the general path decides), 1 when it does if a letter follows (' and .), else 0. */
static const guint8 nk_after_word[256] = {
  ['\''] = 1, ['.'] = 1,
  [0x80] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* The token type of U+2000 + b for the third byte b of E2 80 b: the curly quotes (as
 * nk_classify_utf8 says) and the dashes; 0 (NK_TOK_WORD) for the rest. */
static const guint8 nk_e280_type[256] = {
  [0x93] = NK_TOK_BOUNDARY, [0x94] = NK_TOK_BOUNDARY, [0x98] = NK_TOK_QUOTE,
  [0x99] = NK_TOK_QUOTE, [0x9C] = NK_TOK_QUOTE, [0x9D] = NK_TOK_QUOTE,
};

/* Whether the word src[0, n) goes on past byte src[n], whose nk_after_word is @after (not
 * 0), as nk_word_end says, or may: then the general path decides. src[n + 2] is readable
 * when n < 15. */
static inline gboolean
nk_word_goes_on (const char *src, gsize n, guchar after)
{
  if (after == 1)
    return nk_word_lower[(guchar) src[n + 1]] > '9';   /* ' or . before a letter */
  /* non-ASCII: a curly double quote, a left single quote or a dash ends the word (the
   * right single quote is an apostrophe: the general path) */
  if (n >= 15 || (guchar) src[n] != 0xE2 || (guchar) src[n + 1] != 0x80)
    return TRUE;
  guchar b = (guchar) src[n + 2];
  return nk_e280_type[b] == 0 || b == 0x99;
}

/* A possessive: the ASCII word src[0, n) with 's or ’s after it and then a byte that ends
 * a word for nk_word_end, read from the word cache under its normalized form ("kim's")
 * as nk_word_ids would look it up. Returns its end and tail, or a NULL end for the general
 * path (which defines the result; this only takes its common case). @src must hold 17
 * bytes. */
static G_NO_INLINE NkTokenEnd
nk_possessive (const NkVocabView *v, const char *p, const char *src, gsize n)
{
  NkTokenEnd none = { NULL, 0 };
  gsize a;   /* the apostrophe's length */
  /* 3 bytes at least: the stem (the word) keeps the prefix filter's bytes */
  if (n < 3 || n > 12)
    return none;
  if (src[n] == '\'')
    a = 1;
  else if ((guchar) src[n] == 0xE2 && (guchar) src[n + 1] == 0x80 && (guchar) src[n + 2] == 0x99)
    a = 3;
  else
    return none;
  guchar after = (guchar) src[n + a + 1];
  if ((src[n + a] | 0x20) != 's' || nk_word_lower[after] != 0 || nk_after_word[after] != 0)
    return none;   /* not 's, or the word may go on */
  char buf[16] = { 0 };
  for (gsize i = 0; i < n; i++)
    buf[i] = (char) nk_word_lower[(guchar) src[i]];
  buf[n] = '\'';
  buf[n + 1] = 's';
  guint64 k0 = nk_load64 (buf), k1 = nk_load64 (buf + 8);
  NkWordCacheEntry *e = nk_word_cache_entry (v, k0 + k1);
  guint64 tail = ((e->k[0] ^ k0) | (e->k[1] ^ k1)) == 0
                   ? e->tail : nk_short_word_miss (v, e, buf, n + 2, k0, k1);
  return (NkTokenEnd) { p + n + a + 1, tail };
}

/* The common word: ASCII letters and digits up to an ASCII byte that does not continue it
 * (nk_word_end's inner ' and . do), lower-cased and hashed 8 bytes at a time — the same
 * ids as nk_word_ids. @src holds the bytes at p and 16 more (the text, or near the
 * sentence's end a zero-padded copy), so a word under 16 bytes (nearly all) is one 16-byte
 * load and a few vector steps, with no test of how many bytes are left. Sets *tail and
 * *next (the byte after the word, 0 at the end); returns the word's end, or NULL for the
 * general path. */
G_ALWAYS_INLINE static inline const char *
nk_ascii_word (const NkStanceModel *m, const NkVocabView *view, const char *p, const char *src,
               const char *end, guint64 *tail, guchar *next)
{
  gsize n;
#if defined(__SSE2__) && defined(__x86_64__)
  __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) src), alnum;
  __m128i let = nk_sse_letters (v, &alnum);
  guint run = ~(guint) _mm_movemask_epi8 (alnum);
  n = nk_ctz64 (run);   /* run has bit 16 and up set */
  if (G_UNLIKELY (n == 16))
    {
      NkTokenEnd r = nk_ascii_word_long (m, p, end);
      *tail = r.tail;
      *next = r.end != NULL && r.end < end ? (guchar) *r.end : 0;
      return r.end;
    }
  guchar c = (guchar) src[n], after = nk_after_word[c];
  /* a ' or . continues the word before a letter (never past the end: src is zero there) */
  if (G_UNLIKELY (after != 0) && nk_word_goes_on (src, n, after))
    {
      NkTokenEnd r = nk_possessive (view, p, src, n);
      *tail = r.tail;
      *next = r.end != NULL ? (guchar) src[r.end - p] : 0;
      return r.end;
    }
  __m128i low = _mm_or_si128 (v, _mm_and_si128 (let, _mm_set1_epi8 (0x20)));
  low = _mm_and_si128 (low, _mm_loadu_si128 ((const __m128i *) (const void *)
                                             (nk_first_bytes + 16 - n)));
  /* the cache probe on the vector: its key compared in one step */
  __m128i high = _mm_unpackhi_epi64 (low, low);
  NkWordCacheEntry *e = nk_word_cache_entry (view, (guint64) _mm_cvtsi128_si64 (
                                                     _mm_add_epi64 (low, high)));
  __m128i key = _mm_loadu_si128 ((const __m128i *) (const void *) e->k);
  if (G_LIKELY (_mm_movemask_epi8 (_mm_cmpeq_epi8 (key, low)) == 0xFFFF))
    *tail = e->tail;
  else
    *tail = nk_short_word_miss (view, e, p, n, (guint64) _mm_cvtsi128_si64 (low),
                                (guint64) _mm_cvtsi128_si64 (high));
#else
  gsize avail = (gsize) (end - p);
  guint64 v = avail >= 8 ? nk_load64 (p) : nk_load_tail (p, avail);
  guint64 letters, stop = ~nk_swar_alnum (v, &letters) & NK_HIGH;
  if (stop == 0)
    {
      NkTokenEnd r = nk_ascii_word_long (m, p, end);
      *tail = r.tail;
      *next = r.end != NULL && r.end < end ? (guchar) *r.end : 0;
      return r.end;
    }
  n = nk_ctz64 (stop) >> 3;
  guchar c = (guchar) src[n], after = nk_after_word[c];
  if (G_UNLIKELY (after != 0) && nk_word_goes_on (src, n, after))
    {
      NkTokenEnd r = nk_possessive (view, p, src, n);
      *tail = r.tail;
      *next = r.end != NULL ? (guchar) src[r.end - p] : 0;
      return r.end;
    }
  guint64 k0 = (v | (letters >> 2)) & (((stop & (0 - stop)) >> 7) - 1);
  *tail = nk_short_word_tail (view, p, n, k0, 0);
#endif
  *next = c;
  return p + n;
}
/* The token at p on the general path (any byte): its type (NK_TOK_NONE for none) and, for
 * a word, its ids and capital. Returns the token's end, where the next one may start. */
typedef struct {
  gint32 exact;
  gint32 stem;
  guint8 type;
  guint8 flags;
} NkGeneralToken;

static const char *
nk_general_token (const NkStanceModel *m, const char *p, const char *end, NkGeneralToken *g)
{
  guchar c = *p;
  const char *q = nk_token_at (p, end, &g->type);
  g->exact = g->stem = -1;
  g->flags = 0;
  if (g->type == NK_TOK_WORD)
    {
      nk_word_ids (m, p, q, &g->exact, &g->stem);
      if (c < 0x80 ? g_ascii_isupper (c) : g_unichar_isupper (g_utf8_get_char (p)))
        g->flags = NK_TOK_CAP;
    }
  return q;
}

/* The scratch's word cache, emptied when its ids are not the model's. */
static NkWordCacheEntry *
nk_word_cache (NkStanceScratch *s, const NkStanceModel *m)
{
  if (s->word_cache == NULL)
    s->word_cache = g_new0 (NkWordCacheEntry, NK_WORD_CACHE_SIZE);
  else if (s->word_cache_stamp != m->stamp)
    memset (s->word_cache, 0, NK_WORD_CACHE_SIZE * sizeof *s->word_cache);
  s->word_cache_stamp = m->stamp;
  return s->word_cache;
}


/* Room for @need tokens and as many heads (a head is a token). */
static G_NO_INLINE NkToken *
nk_grow_tokens (NkStanceScratch *s, gsize need)
{
  s->tokens = nk_grow (s->tokens, &s->cap_tokens, need, sizeof *s->tokens);
  s->cap_heads = s->cap_tokens;
  s->heads = g_realloc_n (s->heads, s->cap_heads, sizeof *s->heads);
  return s->tokens;
}

static G_NO_INLINE void
nk_push_bound (NkStanceScratch *s, guint tok)
{
  NK_RESERVE (s->bounds, s->cap_bounds, s->n_bounds + 1);
  s->bounds[s->n_bounds++] = tok;
}

/* The token at p on the general path, its type NK_TOK_NONE for no token. */
static G_NO_INLINE NkTokenEnd
nk_general_token_tail (const NkStanceModel *m, const char *p, const char *end)
{
  NkGeneralToken g;
  const char *q = nk_general_token (m, p, end, &g);
  NkVocabView v = nk_vocab_view (m);
  return (NkTokenEnd) { q, g.type == NK_TOK_WORD ? nk_word_tail (&v, g.exact, g.stem, g.flags)
                                                 : nk_tail (-1, -1, 0, g.type, 0, 0) };
}

/* The NkToken.tail of each ASCII punctuation byte (NK_TOK_NONE: spaces, hyphens). */
static guint64 nk_punct_tails[128];

static void
nk_punct_tails_init (void)
{
  static gsize done = 0;
  if (!g_once_init_enter (&done))
    return;
  for (guint c = 0; c < 128; c++)
    {
      NkTokType type = g_ascii_isspace (c) || c == '-' ? NK_TOK_NONE
                                                        : nk_ascii_punct_type ((char) c);
      nk_punct_tails[c] = nk_tail (-1, -1, 0, (guint8) type, 0, 0);
    }
  g_once_init_leave (&done, 1);
}

/* What the tokenizer's loop keeps in registers: the counts of tokens and heads. */
typedef struct {
  guint   n;
  guint   n_heads;
  guint64 tails;   /* the tails of the tokens or'ed: their head bytes give the starts */
} NkTokCounts;

/* Per byte: 0 if it cannot start a plain ASCII word, else what its first byte adds to the
 * word's NkToken.tail: NK_TAIL_LEAD_MARK, and the capital flag for 'A' to 'Z'. */
#define NK_LEAD ((guint64) NK_TAIL_LEAD_MARK << NK_TAIL_HEAD_SHIFT)
#define NK_CAP  (NK_LEAD | ((guint64) NK_TOK_CAP << NK_TAIL_FLAGS_SHIFT))
static const guint64 nk_word_leads[256] = {
  ['0'] = NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD,
  NK_LEAD,
  ['A'] = NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP,
  NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP,
  NK_CAP, NK_CAP, NK_CAP, NK_CAP, NK_CAP,
  ['a'] = NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD,
  NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD,
  NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD, NK_LEAD,
};

/* Tokenizes the tokens that start in [p, lim) (there is room for lim - p of them). Words
 * are read from the text itself, or when @near_end (fewer than 17 bytes left) from @last,
 * the sentence's last 16 bytes followed by zeros. Returns where the next token may start. */
G_ALWAYS_INLINE static inline const char *
nk_tokenize_stretch (const NkStanceModel *m, NkStanceScratch *s, const NkVocabView *view,
                     const char *text, const char *p, const char *lim, const char *end,
                     gboolean near_end, const char *last, NkTokCounts *c)
{
  NkToken *t = s->tokens + c->n;   /* the next token: fewer values in the loop */
  guint32 *head = s->heads + c->n_heads;
  guint n = c->n;
  guint64 tails = c->tails;
  while (p < lim)
    {
      guchar ch = (guchar) *p;   /* a space after a token is skipped with it; others make
                                  * no token (NK_TOK_NONE) below */
      guint64 tail = 0;
      const char *q = NULL;
      guchar next = 0;
      guint64 lead = nk_word_leads[ch];
      if (G_LIKELY (lead != 0))
        {
          const char *src = near_end ? last + 16 - (end - p) : p;
          q = nk_ascii_word (m, view, p, src, end, &tail, &next);
          tail |= lead;
        }
      if (q == NULL)
        {
          if (ch < 0x80 && lead == 0)
            {
              /* ASCII punctuation (or a control byte): as nk_general_token, no call */
              q = p + 1;
              tail = nk_punct_tails[ch];
            }
          else if (ch == 0xE2 && end - p >= 3 && (guchar) p[1] == 0x80
                   && nk_e280_type[(guchar) p[2]] != 0)
            {
              /* a curly quote or a dash, as nk_classify_utf8 says */
              q = p + 3;
              tail = nk_tail (-1, -1, 0, nk_e280_type[(guchar) p[2]], 0, 0);
            }
          else
            {
              NkTokenEnd r = nk_general_token_tail (m, p, end);
              q = r.end;
              tail = r.tail;
            }
          next = q < end ? (guchar) *q : 0;
          guint8 type = (guint8) (tail >> NK_TAIL_TYPE_SHIFT);
          if (G_UNLIKELY (type == NK_TOK_NONE))
            {
              p = q;
              continue;
            }
          if (G_UNLIKELY (type == NK_TOK_BOUNDARY))
            nk_push_bound (s, n);
        }
      *head = n;
      head += (tail >> (NK_TAIL_HEAD_SHIFT + 7)) & 1;   /* NK_TAIL_HEAD_MARK */
      tails |= tail;
      t->start = (guint32) (p - text);
      t->end = (guint32) (q - text);
      t->tail = tail;
      t++;
      n++;
      p = q + (next == ' ');   /* the space after a token, without a turn */
    }
  *c = (NkTokCounts) { n, (guint) (head - s->heads), tails };
  return p;
}

/* Tokenizes text[start, end_off) into s->tokens; notes the heads (tokens some pattern is
 * listed under, by exact form or stem) and the boundary tokens. Returns the NK_INFO_* of
 * the stems seen. A plain word is stored and noted with no test of its ids (its token
 * tail says it all), and the token array is grown per stretch of text, not per token: a
 * stretch of k bytes holds at most k tokens. */
static G_NO_INLINE guint
nk_tokenize_text (const NkStanceModel *m, NkStanceScratch *s, const char *text, gsize start,
                  gsize end_off)
{
  NkVocabView view = nk_vocab_view (m);
  view.cache = nk_word_cache (s, m);
  const char *p = text + start, *end = text + end_off;
  char last[32] = { 0 };
  if (G_LIKELY (end_off - start >= 16))
    memcpy (last, end - 16, 16);   /* a fixed size: two moves */
  else
    memcpy (last + 16 - (end_off - start), p, end_off - start);
  NkTokCounts c = { 0, 0, 0 };
  s->n_bounds = 0;
  while (p < end)
    {
      gsize left = (gsize) (end - p);
      if (s->cap_tokens - c.n < MIN (left, 256))
        nk_grow_tokens (s, c.n + MIN (left, 4096));
      gsize room = MIN (left, s->cap_tokens - c.n);
      /* words that start 17 bytes or more before the end are read in place */
      const char *far_end = p + MIN (room, left > 16 ? left - 16 : 0);
      p = nk_tokenize_stretch (m, s, &view, text, p, far_end, end, FALSE, last, &c);
      if (end - p <= 16)
        {
          room = MIN ((gsize) (end - p), s->cap_tokens - c.n);
          p = nk_tokenize_stretch (m, s, &view, text, p, p + room, end, TRUE, last, &c);
        }
    }
  s->n_heads = c.n_heads;
  s->n_tokens = c.n;
  /* the heads' stems' NK_INFO_STARTS_*: only a head's tail has them in its head byte */
  guint starts = (guint) (c.tails >> NK_TAIL_HEAD_SHIFT) & 0xFF;
  return starts & (NK_INFO_STARTS_TERM | NK_INFO_STARTS_REPORT);
}

/* The number of tokens the pattern spans from token @i, 0 if it does not match there.
 * Dots and other minor punctuation between its words are skipped ("Mr. Kim"). */
static guint
nk_pattern_matches (const NkPattern *pat, const NkToken *toks, guint n_toks, guint i)
{
  guint j = i;
  for (guint k = 0; k < pat->n_words; k++, j++)
    {
      while (k > 0 && j < n_toks && toks[j].type == NK_TOK_OTHER)
        j++;
      if (j >= n_toks)
        return 0;
      const NkToken *t = &toks[j];
      if (t->type != NK_TOK_WORD || (pat->exact ? t->exact : t->stem) != pat->words[k])
        return 0;
    }
  return j - i;
}

G_ALWAYS_INLINE static inline void
nk_push_hit (NkStanceScratch *s, guint tok, guint len, const NkPattern *pat)
{
  NK_RESERVE (s->hits, s->cap_hits, s->n_hits + 1);
  s->hits[s->n_hits++] = (NkHit) { tok, (guint16) len, pat->kind, pat->target, pat->weight };
  s->kinds |= 1u << pat->kind;
  if (pat->kind == NK_STANCE_KIND_TERM)
    s->named |= nk_target_bit ((guint) pat->target);
  else if (pat->target >= 0 && pat->kind != NK_STANCE_KIND_REPORT)
    s->cued |= nk_target_bit ((guint) pat->target);
}

/* Matches the patterns of @chain (linked by NkPattern.next, or .next_mode when
 * @by_mode), all of whose first words token @i matches, at token @i (@u: the token after
 * it, minor punctuation skipped, when it is a word; else NULL): annotations
 * (mentions, reporting verbs, target cues) are added at once; the longest general
 * cue/function pattern is kept in *best. */
G_ALWAYS_INLINE static inline void
nk_match_chain (const NkPattern *pats, const NkPatternChain *chain, gboolean by_mode,
                NkStanceScratch *s, guint i, const NkToken *u, gboolean blocked,
                const NkPattern **best, guint *best_len)
{
  gboolean u_word = u != NULL;
  /* most heads ("in") start only longer patterns, none of them with the next word */
  if (!chain->has_single
      && (!u_word || !(chain->second_words & (nk_word_bit (u->exact) | nk_word_bit (u->stem)))))
    return;
  for (gint32 p = chain->first; p >= 0; p = by_mode ? pats[p].next_mode : pats[p].next)
    {
      const NkPattern *pat = &pats[p];
      /* the second word tested here (@u is its place); only a pattern the first two
       * words match is walked in full */
      if (pat->n_words > 1
          && (!u_word || (pat->exact ? u->exact : u->stem) != pat->words[1]))
        continue;
      guint len = pat->n_words == 1 ? 1 : nk_pattern_matches (pat, s->tokens, s->n_tokens, i);
      if (len == 0)
        continue;
      if (pat->kind == NK_STANCE_KIND_TERM || pat->kind == NK_STANCE_KIND_REPORT
          || pat->target >= 0)
        {
          /* Mentions and reporting verbs never compete with cues ("warned" is both a
           * report and an against cue); a target's own cues compete only when that
           * target is scored (nk_overridden). */
          nk_push_hit (s, i, len, pat);
        }
      else if (!blocked && len > *best_len)
        {
          *best = pat;
          *best_len = len;
        }
    }
}

/* Finds every term, reporting verb and target cue and, longest first, the general
 * cue/function patterns. Patterns start under the first word's exact form or its stem
 * (NkPatternList says which can match); only the tokens the tokenizer listed as heads can
 * start one. */
static void
nk_find_hits (const NkStanceModel *m, NkStanceScratch *s)
{
  const NkToken *toks = s->tokens;
  const NkPattern *pats = (const NkPattern *) m->patterns->data;
  const NkPatternList *lists = (const NkPatternList *) m->lists->data;
  guint blocked_until = 0;
  s->n_hits = 0;
  s->named = s->cued = 0;
  s->kinds = 0;
  const guint n_tokens = s->n_tokens, n_heads = s->n_heads;
  const guint32 *heads = s->heads;
  for (guint j = 0; j < n_heads; j++)
    {
      guint i = heads[j];
      const NkPattern *best = NULL;
      guint best_len = 0;
      gboolean blocked = i < blocked_until;
      guint next = i + 1;   /* where a second word is looked for: minor punctuation skipped */
      while (next < n_tokens && toks[next].type == NK_TOK_OTHER)
        next++;
      const NkToken *u = next < n_tokens && toks[next].type == NK_TOK_WORD ? &toks[next] : NULL;
      gint32 exact = toks[i].exact, stem = toks[i].stem;
      if (exact == stem)
        nk_match_chain (pats, &lists[exact].all, FALSE, s, i, u, blocked, &best, &best_len);
      else
        {
          if (exact >= 0)
            nk_match_chain (pats, &lists[exact].mode[0], TRUE, s, i, u, blocked, &best,
                            &best_len);
          if (stem >= 0)
            nk_match_chain (pats, &lists[stem].mode[1], TRUE, s, i, u, blocked, &best,
                            &best_len);
        }
      if (best != NULL)
        {
          nk_push_hit (s, i, best_len, best);
          blocked_until = i + best_len;
        }
    }
}

/* Contrast: the clause after the last but/however counts more, the part before it less.
 * Concessive: the clause an although/despite opens (to the next comma or edge) counts less.
 * Clause numbers change at contrast markers, concessive edges and ; : ( ) dashes. Only
 * the markers are noted here; nk_clause_of () and nk_weight_of () derive a token's clause
 * and weight from them, so no per-token array is filled. */
static void
nk_weight_clauses (NkStanceScratch *s, gboolean *contrast)
{
  const NkToken *toks = s->tokens;
  guint n = s->n_tokens;
  const NkHit *hits = s->hits;
  s->last_contrast = -1;
  s->n_concessions = 0;
  if (!(s->kinds & ((1u << NK_STANCE_KIND_CONTRAST) | (1u << NK_STANCE_KIND_CONCESSIVE))))
    {
      *contrast = FALSE;
      return;
    }
  for (guint h = 0; h < s->n_hits; h++)
    {
      if (hits[h].kind == NK_STANCE_KIND_CONTRAST)
        s->last_contrast = (gint) hits[h].tok;
      else if (hits[h].kind == NK_STANCE_KIND_CONCESSIVE)
        {
          guint e = hits[h].tok + hits[h].n_tok;
          while (e < n && toks[e].type != NK_TOK_COMMA && toks[e].type != NK_TOK_BOUNDARY)
            e++;
          NK_RESERVE (s->concessions, s->cap_concessions, s->n_concessions + 1);
          s->concessions[s->n_concessions++] = (NkConcession) { hits[h].tok, e };
        }
    }
  *contrast = s->last_contrast >= 0;
}

/* The clause number of token @i: one more at every boundary token up to it (itself
 * included), at each concession's start and end, and at the last contrast marker. */
static guint
nk_clause_of (const NkStanceScratch *s, guint i)
{
  guint clause = 0;
  for (guint k = 0; k < s->n_bounds && s->bounds[k] <= i; k++)
    clause++;
  for (guint k = 0; k < s->n_concessions; k++)
    clause += (i >= s->concessions[k].end) + (i >= s->concessions[k].start);
  if (s->last_contrast >= 0 && i >= (guint) s->last_contrast)
    clause++;
  return clause;
}

/* The contrast/concessive weight of token @i: the factors in the order the rules apply
 * them (each concession, then the contrast), so the product is always the same double. */
static double
nk_weight_of (const NkStanceParams *prm, const NkStanceScratch *s, guint i)
{
  double w = 1.0;
  for (guint k = 0; k < s->n_concessions; k++)
    w *= i >= s->concessions[k].start && i < s->concessions[k].end ? prm->concessive_weight
                                                                   : prm->concessive_main;
  if (s->last_contrast >= 0)
    w *= i < (guint) s->last_contrast ? prm->contrast_before : prm->contrast_after;
  return w;
}

/* The negator kinds as NkStanceScratch.kinds bits; with the cue kinds, those that can
 * give evidence of a nonzero contribution (nk_score_cues). */
#define NK_NEGATOR_KINDS ((1u << NK_STANCE_KIND_NEGATOR) | (1u << NK_STANCE_KIND_NEGCLAUSE))
#define NK_EVIDENCE_KINDS \
  (NK_NEGATOR_KINDS | (1u << NK_STANCE_KIND_FAVOR) | (1u << NK_STANCE_KIND_AGAINST) \
   | (1u << NK_STANCE_KIND_IRREALIS))

static gboolean
nk_is_negator (NkStanceKind kind)
{
  return kind == NK_STANCE_KIND_NEGATOR || kind == NK_STANCE_KIND_NEGCLAUSE;
}

static gboolean
nk_is_cue (NkStanceKind kind)
{
  return kind == NK_STANCE_KIND_FAVOR || kind == NK_STANCE_KIND_AGAINST
         || kind == NK_STANCE_KIND_IRREALIS;
}

/* Whether hit @h is within the reach of negator hit @n: same clause, no comma between,
 * fewer than negation_window words between (any number for a negclause). */
static gboolean
nk_in_negation_scope (const NkStanceParams *prm, const NkStanceScratch *s, guint n, guint h)
{
  const NkHit *hits = s->hits;
  const NkToken *toks = s->tokens;
  guint n_end = hits[n].tok + hits[n].n_tok;
  if (n_end > hits[h].tok || nk_clause_of (s, hits[n].tok) != nk_clause_of (s, hits[h].tok))
    return FALSE;
  guint words = 0;
  for (guint i = n_end; i < hits[h].tok; i++)
    if (toks[i].type == NK_TOK_COMMA)
      return FALSE;
    else if (toks[i].type == NK_TOK_WORD)
      words++;
  return hits[n].kind == NK_STANCE_KIND_NEGCLAUSE || words < prm->negation_window;
}

/* For each cue (and negator) hit, the negator hit that flips (cancels) it. */
static void
nk_find_negations (const NkStanceParams *prm, NkStanceScratch *s)
{
  const NkHit *hits = s->hits;
  if (s->n_hits > s->cap_per_hit)
    {
      s->negated_by = nk_grow (s->negated_by, &s->cap_per_hit, s->n_hits,
                               sizeof *s->negated_by);
      s->neg_used = g_realloc_n (s->neg_used, s->cap_per_hit, sizeof *s->neg_used);
    }
  gint *neg = s->negated_by;
  gint last_neg = -1;
  if (!(s->kinds & NK_NEGATOR_KINDS))
    {
      if (s->n_hits > 0)
        memset (neg, 0xFF, s->n_hits * sizeof *neg);   /* -1: none */
      return;
    }
  for (guint h = 0; h < s->n_hits; h++)
    {
      neg[h] = -1;
      gboolean is_neg = nk_is_negator (hits[h].kind);
      if (!is_neg && !nk_is_cue (hits[h].kind))
        continue;
      if (last_neg >= 0 && nk_in_negation_scope (prm, s, last_neg, h))
        {
          /* a cue is flipped; a second negator cancels the first ("not without") */
          neg[h] = last_neg;
          if (is_neg)
            {
              last_neg = -1;
              continue;
            }
        }
      if (is_neg)
        last_neg = (gint) h;
    }
}

G_ALWAYS_INLINE static inline void
nk_add_evidence (NkStanceScratch *s, const NkHit *h, gboolean negated, double contribution)
{
  const NkToken *toks = s->tokens;
  NkStanceEvidence ev = {
    toks[h->tok].start, toks[h->tok + h->n_tok - 1].end, h->kind, negated, contribution,
  };
  NK_RESERVE (s->evidence, s->cap_evidence, s->n_evidence + 1);
  s->evidence[s->n_evidence++] = ev;
}

/* Booster right before a cue (one or two words back). */
static gboolean
nk_is_boosted (const NkStanceScratch *s, guint h)
{
  const NkHit *hits = s->hits;
  if (!(s->kinds & (1u << NK_STANCE_KIND_BOOSTER)))
    return FALSE;
  for (guint k = h; k-- > 0;)
    {
      if (hits[h].tok - (hits[k].tok + hits[k].n_tok) > 1)
        return FALSE;
      if (hits[k].kind == NK_STANCE_KIND_BOOSTER)
        return TRUE;
    }
  return FALSE;
}

enum {
  NK_NEG_FLIPS = 1 << 0,          /* flips at least one cue */
  NK_NEG_STRENGTH_USED = 1 << 1,  /* its weight already lifted a flipped cue */
};

/* Whether an irrealis marker ("in hopes of", "must", "aimed at") precedes hit @h in its
 * clause with no comma between. */
static gboolean
nk_after_irrealis (const NkStanceScratch *s, guint h)
{
  const NkHit *hits = s->hits;
  const NkToken *toks = s->tokens;
  if (!(s->kinds & (1u << NK_STANCE_KIND_IRREALIS)))
    return FALSE;
  for (guint k = h; k-- > 0;)
    {
      if (hits[k].kind != NK_STANCE_KIND_IRREALIS)
        continue;
      if (nk_clause_of (s, hits[k].tok) != nk_clause_of (s, hits[h].tok))
        return FALSE;
      for (guint i = hits[k].tok + hits[k].n_tok; i < hits[h].tok; i++)
        if (toks[i].type == NK_TOK_COMMA)
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

/* Whether cue hit @h lies inside a term of @target: "peace" in "peace treaty" is the
 * mention, not evidence about it. */
static gboolean
nk_inside_term (const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = s->hits;
  if (!(s->named & nk_target_bit (target)))
    return FALSE;   /* no term of the target */
  for (guint k = 0; k < s->n_hits && hits[k].tok <= hits[h].tok; k++)
    if (hits[k].kind == NK_STANCE_KIND_TERM && (guint) hits[k].target == target
        && hits[k].tok + hits[k].n_tok > hits[h].tok)
      return TRUE;
  return FALSE;
}

static gboolean
nk_hits_overlap (const NkHit *a, const NkHit *b)
{
  return a->tok < b->tok + b->n_tok && b->tok < a->tok + a->n_tok;
}

/* Whether cue hit @h gives way, for @target, to one of the target's own cues: a general
 * cue under a target cue, or a shorter target cue at the same place. */
static gboolean
nk_overridden (const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = s->hits;
  if (!(s->cued & nk_target_bit (target)))
    return FALSE;   /* no cue of the target's own */
  for (guint k = 0; k < s->n_hits; k++)
    {
      if (k == h || hits[k].target != (gint16) target || hits[k].kind == NK_STANCE_KIND_TERM
          || hits[k].kind == NK_STANCE_KIND_REPORT || !nk_hits_overlap (&hits[h], &hits[k]))
        continue;
      if (hits[h].target < 0 || hits[k].n_tok > hits[h].n_tok
          || (hits[k].n_tok == hits[h].n_tok && k < h))
        return TRUE;
    }
  return FALSE;
}

/* Whether negator hit @h reaches a term of @target ("no deal", "without agreement"). */
static gboolean
nk_negates_term (const NkStanceParams *prm, const NkStanceScratch *s, guint h, guint target)
{
  const NkHit *hits = s->hits;
  const NkToken *toks = s->tokens;
  guint end = hits[h].tok + hits[h].n_tok, words = 0;
  for (guint i = end; i < s->n_tokens && words < prm->negation_window; i++)
    {
      if (toks[i].type == NK_TOK_COMMA || toks[i].type == NK_TOK_BOUNDARY)
        return FALSE;
      for (guint k = h + 1; k < s->n_hits && hits[k].tok <= i; k++)
        if (hits[k].tok == i && hits[k].kind == NK_STANCE_KIND_TERM
            && (guint) hits[k].target == target)
          return TRUE;
      words += toks[i].type == NK_TOK_WORD;
    }
  return FALSE;
}

/* The raw score of one target: cues weighted by contrast, locality and negation. */
static double
nk_score_cues (const NkStanceModel *m, NkStanceScratch *s, guint target, gboolean mentioned,
               guint *n_hedges)
{
  const NkStanceParams *prm = &m->params;
  const NkHit *hits = s->hits;
  const gboolean *in_target = s->in_target;
  const gint *neg = s->negated_by;
  double raw = 0;
  guint8 *neg_used = s->neg_used;   /* sized with negated_by; read only for negators */
  if (s->kinds & NK_NEGATOR_KINDS)
    memset (neg_used, 0, s->n_hits);
  for (guint h = 0; h < s->n_hits && (s->kinds & NK_NEGATOR_KINDS); h++)
    if (neg[h] >= 0)
      {
        neg_used[neg[h]] |= NK_NEG_FLIPS;
        if (nk_is_negator (hits[h].kind))
          neg_used[h] |= NK_NEG_FLIPS;   /* cancelled by double negation */
      }
  *n_hedges = 0;
  for (guint h = 0; h < s->n_hits; h++)
    {
      const NkHit *hit = &hits[h];
      if (hit->target >= 0 && (guint) hit->target != target)
        continue;
      double local = !mentioned ? prm->context_weight
                   : in_target[nk_clause_of (s, hit->tok)] ? 1.0 : prm->other_clause_weight;
      double c = 0;
      switch (hit->kind)
        {
        case NK_STANCE_KIND_FAVOR:
        case NK_STANCE_KIND_AGAINST:
        case NK_STANCE_KIND_IRREALIS:
          {
            if (nk_inside_term (s, h, target) || nk_overridden (s, h, target))
              break;
            double mag = hit->weight * (nk_is_boosted (s, h) ? prm->booster_factor : 1.0);
            double pol = hit->kind == NK_STANCE_KIND_AGAINST ? -1 : 1;
            if (pol > 0 && nk_after_irrealis (s, h))
              mag *= prm->irrealis_factor;   /* a hoped-for breakthrough is no progress */
            if (neg[h] >= 0 && pol > 0)
              {
                /* "no concrete steps": the negator's own strength counts once */
                if (!(neg_used[neg[h]] & NK_NEG_STRENGTH_USED))
                  mag = MAX (mag, hits[neg[h]].weight);
                neg_used[neg[h]] |= NK_NEG_STRENGTH_USED;
                pol = -1;
              }
            else if (neg[h] >= 0)
              mag *= prm->negated_against, pol = 1;
            c = pol * mag * nk_weight_of (prm, s, hit->tok) * local;
            raw += c;
            nk_add_evidence (s, hit, neg[h] >= 0, c);
            break;
          }
        case NK_STANCE_KIND_NEGATOR:
        case NK_STANCE_KIND_NEGCLAUSE:
          /* A negator with no cue to flip still says something did not happen
           * ("no deal", "failed to meet"). */
          if (!(neg_used[h] & NK_NEG_FLIPS))
            {
              double mag = hit->weight;
              /* "not" alone is too common to turn "not a treaty" against; stronger
               * negators of the target itself are */
              if (mag >= 0.3 && nk_negates_term (prm, s, h, target))
                mag = MAX (mag, prm->negated_term);
              c = -mag * nk_weight_of (prm, s, hit->tok) * local;
            }
          raw += c;
          nk_add_evidence (s, hit, FALSE, c);
          break;
        case NK_STANCE_KIND_HEDGE:
          (*n_hedges)++;
          nk_add_evidence (s, hit, FALSE, 0);
          break;
        case NK_STANCE_KIND_CONTRAST:
        case NK_STANCE_KIND_CONCESSIVE:
          nk_add_evidence (s, hit, FALSE, 0);
          break;
        default:
          break;
        }
    }
  return raw;
}

/* Marks the clauses holding a term of @target; returns the first term hit, -1 if none. */
static gint
nk_mark_target_clauses (NkStanceScratch *s, guint target)
{
  const NkHit *hits = s->hits;
  guint n_clauses = s->n_tokens > 0 ? nk_clause_of (s, s->n_tokens - 1) + 1 : 1;
  NK_RESERVE (s->in_target, s->cap_clauses, n_clauses);
  memset (s->in_target, 0, n_clauses * sizeof (gboolean));
  gint first = -1;
  for (guint h = 0; h < s->n_hits; h++)
    if (hits[h].kind == NK_STANCE_KIND_TERM && (guint) hits[h].target == target)
      {
        s->in_target[nk_clause_of (s, hits[h].tok)] = TRUE;
        if (first < 0)
          first = (gint) h;
      }
  return first;
}

/* Narrows [*a, *b] to the tokens on @tok's side of a clause break at token @p (the first
 * token of a new clause). */
static inline void
nk_clause_break (guint p, guint tok, guint *a, guint *b)
{
  if (p <= tok)
    *a = MAX (*a, p);
  else
    *b = MIN (*b, p - 1);
}

/* Byte extent of the clause holding token @tok: between the clause breaks around it
 * (clause numbers only grow, by one or more at each break). */
static void
nk_clause_extent (const NkStanceScratch *s, guint tok, guint32 *start, guint32 *end)
{
  const NkToken *toks = s->tokens;
  guint a = 0, b = s->n_tokens - 1;
  for (guint k = 0; k < s->n_bounds; k++)
    nk_clause_break (s->bounds[k], tok, &a, &b);
  for (guint k = 0; k < s->n_concessions; k++)
    {
      nk_clause_break (s->concessions[k].start, tok, &a, &b);
      nk_clause_break (s->concessions[k].end, tok, &a, &b);
    }
  if (s->last_contrast >= 0)
    nk_clause_break ((guint) s->last_contrast, tok, &a, &b);
  *start = toks[a].start;
  *end = toks[b].end;
}

static gboolean
nk_has_cue_evidence (const NkStanceScratch *s, const NkStanceResult *r)
{
  const NkStanceEvidence *ev = s->evidence;
  for (guint i = r->first_evidence; i < r->first_evidence + r->n_evidence; i++)
    if (ev[i].contribution != 0)
      return TRUE;
  return FALSE;
}

/* Whether some hit may give evidence of a nonzero contribution for @target: only cues and
 * negators do (nk_score_cues). */
static gboolean
nk_may_have_cue_evidence (const NkStanceScratch *s, guint target)
{
  const NkHit *hits = s->hits;
  if (!(s->kinds & NK_EVIDENCE_KINDS))
    return FALSE;
  for (guint h = 0; h < s->n_hits; h++)
    if ((nk_is_cue (hits[h].kind) || nk_is_negator (hits[h].kind))
        && (hits[h].target < 0 || (guint) hits[h].target == target))
      return TRUE;
  return FALSE;
}

/* Whether a term of @target is among the sentence's hits. */
static gboolean
nk_names_target (const NkStanceScratch *s, guint target)
{
  if (!(s->named & nk_target_bit (target)))
    return FALSE;   /* surely not named */
  const NkHit *hits = s->hits;
  for (guint h = 0; h < s->n_hits; h++)
    if (hits[h].kind == NK_STANCE_KIND_TERM && (guint) hits[h].target == target)
      return TRUE;
  return FALSE;
}

static void
nk_score_target (const NkStanceModel *m, NkStanceScratch *s, guint target, const char *text,
                 NkStanceSentimentFunc func, gpointer data, double sentence_compound,
                 gboolean contrast)
{
  const NkStanceParams *prm = &m->params;
  /* most (sentence, target) pairs: not named, not in document context; no clause marks */
  gboolean named = nk_names_target (s, target);
  if (!named && !nk_mentioned_before (s, target))
    return;
  /* in document context only: without a cue of its own the sentence gets no result
   * (below), so it need not be scored */
  if (!named && !nk_may_have_cue_evidence (s, target))
    return;
  gint first = named ? nk_mark_target_clauses (s, target) : -1;
  NkStanceResult r = { 0 };
  r.mentioned = first >= 0;
  if (r.mentioned && nk_stance_model_get_document_context (m, target))
    nk_set_mentioned (s, target);
  else if (!r.mentioned && !nk_mentioned_before (s, target))
    return;
  if (s->n_tokens == 0)
    return;
  r.target = target;
  r.contrast = contrast;
  r.first_evidence = s->n_evidence;
  if (r.mentioned)
    nk_clause_extent (s, s->hits[first].tok, &r.clause_start,
                      &r.clause_end);
  else
    {
      r.clause_start = s->tokens[0].start;
      r.clause_end = s->tokens[s->n_tokens - 1].end;
    }
  r.raw = nk_score_cues (m, s, target, r.mentioned, &r.n_hedges);
  r.sentiment = func != NULL ? func (data, text, r.clause_start, r.clause_end)
                             : sentence_compound;
  if (!isnan (r.sentiment) && fabs (r.sentiment) >= prm->sentiment_floor)
    r.raw += prm->sentiment_weight * r.sentiment;
  for (guint i = 0; i < MIN (r.n_hedges, 2); i++)
    r.raw *= prm->hedge_factor;
  r.score = r.raw / sqrt (r.raw * r.raw + 1.0);
  r.label = r.score >= prm->threshold ? NK_STANCE_FAVOR
          : r.score <= -prm->threshold ? NK_STANCE_AGAINST : NK_STANCE_NEUTRAL;
  r.n_evidence = s->n_evidence - r.first_evidence;
  /* A sentence that does not name the target is only about it through the document; with
   * no cue of its own it says nothing about it, so it gets no result (and no span). */
  if (!r.mentioned && !nk_has_cue_evidence (s, &r))
    {
      s->n_evidence = r.first_evidence;
      return;
    }
  NK_RESERVE (s->results, s->cap_results, s->n_results + 1);
  s->results[s->n_results++] = r;
}

guint
nk_stance_analyze (const NkStanceModel   *m,
                   NkStanceScratch       *s,
                   const char            *text,
                   gsize                  start,
                   gsize                  end,
                   NkStanceSentimentFunc  func,
                   gpointer               data,
                   double                 sentence_compound)
{
  s->n_results = s->n_evidence = s->n_hits = 0;
  s->named = s->cued = 0;
  s->kinds = 0;
  guint starts = nk_tokenize_text (m, s, text, start, end);
  /* most sentences name no target: skip the patterns unless one may (or a document-context
   * target is active) */
  if (!(starts & NK_INFO_STARTS_TERM) && s->n_mentioned == 0)
    {
      if (starts & NK_INFO_STARTS_REPORT)
        nk_find_hits (m, s);   /* for nk_stance_find_reported_speaker () */
      return 0;
    }
  nk_find_hits (m, s);
  /* some target is named, or in document context; a sentence that names none gets a
   * result only from a cue or negator of its own (nk_may_have_cue_evidence) */
  if (s->named == 0 && (s->n_mentioned == 0 || !(s->kinds & NK_EVIDENCE_KINDS)))
    return 0;
  gboolean contrast;
  nk_weight_clauses (s, &contrast);
  nk_find_negations (&m->params, s);
  for (guint t = 0; t < m->targets->len; t++)
    nk_score_target (m, s, t, text, func, data, sentence_compound, contrast);
  return s->n_results;
}

/* ---- reported speakers ------------------------------------------------------------ */

/* The word lists are flags of the vocabulary (nk_stance_model_new): a token is in one when
 * its lower-cased exact form is, as a case-insensitive compare of its text would say. */
static inline gboolean
nk_token_has (const NkToken *t, guint8 flag)
{
  return (t->info & flag) != 0;
}

static gboolean
nk_is_name_token (const char *text, const NkToken *t)
{
  return t->type == NK_TOK_WORD && (t->flags & NK_TOK_CAP) && !nk_token_has (t, NK_INFO_NON_NAME);
}

static gboolean
nk_is_pronoun (const char *text, const NkToken *t)
{
  (void) text;
  return t->type == NK_TOK_WORD && nk_token_has (t, NK_INFO_PRONOUN);
}

static gboolean
nk_is_dot (const char *text, const NkToken *t)
{
  return t->type == NK_TOK_OTHER && text[t->start] == '.';
}

/* Token b + 1 continues the name at b: a capitalised word, a hyphenated part ("Jong-un"),
 * "of" inside a title ("Secretary of State"); returns how many tokens it adds. */
static guint
nk_name_continues (const char *text, const NkToken *toks, guint n, guint b)
{
  if (b + 1 >= n)
    return 0;
  const NkToken *t = &toks[b + 1];
  if (nk_is_name_token (text, t))
    return 1;
  if (t->type == NK_TOK_WORD && t->start == toks[b].end + 1 && text[toks[b].end] == '-')
    return 1;
  if (b + 2 < n && nk_is_name_token (text, &toks[b + 2])
      && (nk_is_dot (text, t) || (t->type == NK_TOK_WORD && nk_token_has (t, NK_INFO_OF))))
    return 2;
  return 0;
}

/* Widens a name at token a over neighbouring name parts, then drops leading titles. */
static gboolean
nk_name_extent (const char *text, const NkToken *toks, guint n, guint a,
                gsize *start, gsize *end)
{
  guint b = a;
  while (a > 0 && (nk_is_name_token (text, &toks[a - 1])
                   || (a >= 2 && nk_is_dot (text, &toks[a - 1])
                       && nk_is_name_token (text, &toks[a - 2]))))
    a -= nk_is_dot (text, &toks[a - 1]) ? 2 : 1;
  for (guint k; (k = nk_name_continues (text, toks, n, b)) > 0;)
    b += k;
  while (a < b && (nk_token_has (&toks[a], NK_INFO_TITLE) || toks[a].type != NK_TOK_WORD))
    a++;
  if (toks[a].type != NK_TOK_WORD || nk_token_has (&toks[a], NK_INFO_TITLE))
    return FALSE;
  *start = toks[a].start;
  *end = toks[b].end;
  return TRUE;
}

/* Name or pronoun ending right before token @v, or before an appositive
 * ("Hecker, a former director, said"). */
static gboolean
nk_speaker_before (const char *text, const NkToken *toks, guint n, guint v,
                   gsize *start, gsize *end, gboolean *is_pronoun)
{
  if (v == 0)
    return FALSE;
  guint k = v - 1;
  if (toks[k].type == NK_TOK_COMMA)
    {
      guint c = k;
      while (c > 0 && k - c < 20 && toks[c - 1].type != NK_TOK_COMMA)
        c--;
      if (c < 2 || toks[c - 1].type != NK_TOK_COMMA)
        return FALSE;
      k = c - 2;
    }
  const NkToken *t = &toks[k];
  if (nk_is_pronoun (text, t))
    {
      *start = t->start, *end = t->end, *is_pronoun = TRUE;
      return TRUE;
    }
  if (!nk_is_name_token (text, t) && !(k > 0 && t->type == NK_TOK_WORD
                                       && nk_is_name_token (text, &toks[k - 1])
                                       && t->start == toks[k - 1].end + 1))
    return FALSE;
  *is_pronoun = FALSE;
  while (k > 0 && !nk_is_name_token (text, &toks[k]))
    k--;   /* "Jong-un": start from the capitalised part */
  return nk_name_extent (text, toks, n, k, start, end);
}

/* "said Mr. Pompeo", "according to Ms. Pak": a name or pronoun just after token @v,
 * possibly behind titles. */
static gboolean
nk_speaker_after (const char *text, const NkToken *toks, guint n, guint v,
                  gsize *start, gsize *end, gboolean *is_pronoun)
{
  if (v >= n)
    return FALSE;
  if (nk_is_pronoun (text, &toks[v]))
    {
      *start = toks[v].start, *end = toks[v].end, *is_pronoun = TRUE;
      return TRUE;
    }
  if (!nk_is_name_token (text, &toks[v]))
    return FALSE;
  *is_pronoun = FALSE;
  return nk_name_extent (text, toks, n, v, start, end);
}

gboolean
nk_stance_find_reported_speaker (const NkStanceModel   *m,
                                 const NkStanceScratch *s,
                                 const char            *text,
                                 gsize                 *speaker_start,
                                 gsize                 *speaker_end,
                                 gsize                 *verb_start,
                                 gboolean              *is_pronoun)
{
  const NkToken *toks = s->tokens;
  const NkHit *hits = s->hits;
  guint n = s->n_tokens;
  (void) m;
  if (!(s->kinds & (1u << NK_STANCE_KIND_REPORT)))
    return FALSE;   /* no reporting verb among the hits */
  for (guint h = s->n_hits; h-- > 0;)
    {
      const NkHit *hit = &hits[h];
      if (hit->kind != NK_STANCE_KIND_REPORT)
        continue;
      guint after = hit->tok + hit->n_tok;
      gboolean multiword = hit->n_tok > 1;   /* "according to X" looks forward only */
      *verb_start = toks[hit->tok].start;
      if (!multiword
          && nk_speaker_before (text, toks, n, hit->tok, speaker_start, speaker_end, is_pronoun))
        return TRUE;
      /* "..., said X" / "” said X", not "officials say X has failed" (X is the topic) */
      gboolean inverted = multiword
                          || (hit->tok > 0 && (toks[hit->tok - 1].type == NK_TOK_COMMA
                                               || toks[hit->tok - 1].type == NK_TOK_QUOTE));
      if (inverted
          && nk_speaker_after (text, toks, n, after, speaker_start, speaker_end, is_pronoun))
        return TRUE;
    }
  return FALSE;
}
