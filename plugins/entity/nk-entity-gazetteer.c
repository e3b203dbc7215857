/* nk-entity-gazetteer.c — loading gazetteers into one trie over text pieces.
 *
 * Every alias is split into pieces exactly as the tagger splits text (letter/digit runs
 * and single punctuation characters), each piece is folded (ASCII lower case, curly
 * apostrophes straightened) and interned in a dictionary, and the sequence of piece ids is
 * a path in a trie whose edges live in one open-addressing hash table. The tagger then
 * needs one dictionary probe per text piece and one edge probe per trie step.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include "nk-entity-private.h"

#include <nkpipe.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

G_DEFINE_QUARK (nk-entity-error-quark, nk_entity_error)

static const char *const label_names[NK_ENTITY_N_LABELS] = {
  "PERSON", "ORG", "GPE", "LOC", "FACILITY", "NORP", "EVENT", "DATE",
};

const char *
nk_entity_label_to_string (NkEntityLabel label)
{
  g_return_val_if_fail (label < NK_ENTITY_N_LABELS, NULL);
  return label_names[label];
}

gboolean
nk_entity_label_from_string (const char *str, NkEntityLabel *label)
{
  for (guint i = 0; i < NK_ENTITY_N_LABELS; i++)
    if (g_strcmp0 (str, label_names[i]) == 0)
      {
        *label = (NkEntityLabel) i;
        return TRUE;
      }
  if (g_strcmp0 (str, "FAC") == 0)
    {
      *label = NK_ENTITY_FACILITY;
      return TRUE;
    }
  return FALSE;
}

/* ---- folding and the piece dictionary ------------------------------------------------ */

gsize
nk_entity_fold (const char *s, gsize len, char *buf, gsize buf_size)
{
  gsize o = 0;
  const char *p = s, *end = s + len;

  while (p < end)
    {
      guchar c = (guchar) *p;
      if (c < 0x80)
        {
          if (o + 1 > buf_size)
            return 0;
          buf[o++] = (char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
          p++;
          continue;
        }
      gunichar u = g_utf8_get_char_validated (p, end - p);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        return 0;
      p = g_utf8_next_char (p);
      if (u == 0x2019 || u == 0x2018 || u == 0x02BC)
        u = '\'';
      else
        u = g_unichar_tolower (u);
      char tmp[8];
      gint n = g_unichar_to_utf8 (u, tmp);
      if (o + (gsize) n > buf_size)
        return 0;
      memcpy (buf + o, tmp, n);
      o += n;
    }
  return o;
}

/* The hash of a folded piece takes it 8 bytes at a time (the last block zero-padded), so
 * that the scanner can hash a word from the folded blocks it has at hand. */
#define NK_HASH_K G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
#define NK_HASH_SEED G_GUINT64_CONSTANT (0x243F6A8885A308D3)

/* A multiply carries every bit of a block into the top half of the product, and the next
 * block's multiply carries that on: the top 32 bits depend on every byte. */
static inline guint64
nk_hash_block (guint64 h, guint64 w)
{
  return (h ^ w) * NK_HASH_K;
}

static inline guint32
nk_hash_final (guint64 h, gsize len)
{
  return (guint32) (h >> 32) ^ (guint32) len;
}

/* Little-endian block @k of @s[0, len), zero-padded. */
static inline guint64
nk_block_at (const char *s, gsize len, gsize k)
{
  guint64 w = 0;
  if (len - k >= 8)
    memcpy (&w, s + k, 8);
  else
    for (gsize i = k; i < len; i++)
      w |= (guint64) (guchar) s[i] << (8 * (i - k));
  return GUINT64_FROM_LE (w);
}

/* Block @k of @s[0, n) like nk_block_at (), reading 8 bytes whatever @n. */
static inline guint64
word_block_at (const char *s, guint n, guint k)
{
  guint64 w;
  memcpy (&w, s + k, 8);
  w = GUINT64_FROM_LE (w);
  return n - k >= 8 ? w : w & ((G_GUINT64_CONSTANT (1) << (8 * (n - k))) - 1);
}

/* nk_hash_bytes () of @s[0, n), where @s has 8 bytes to read past any block. */
static inline guint32
nk_hash_word (const char *s, guint n)
{
  guint64 h = NK_HASH_SEED;
  for (guint k = 0; k < n; k += 8)
    h = nk_hash_block (h, word_block_at (s, n, k));
  return nk_hash_final (h, n);
}

static guint32
nk_hash_bytes (const char *s, gsize len)
{
  guint64 h = NK_HASH_SEED;
  for (gsize k = 0; k < len; k += 8)
    h = nk_hash_block (h, nk_block_at (s, len, k));
  return nk_hash_final (h, len);
}

static inline guint64
key_prefix (const char *s, gsize len)
{
  guint64 v = 0;
  if (len >= sizeof v)
    memcpy (&v, s, sizeof v);
  else
    for (gsize i = 0; i < len; i++)
      ((guchar *) &v)[i] = (guchar) s[i];
  return v;
}

static inline NkDictSlot *
dict_find_slot_prefix (const NkDict *d, const char *folded, gsize len, guint32 h,
                       guint64 prefix)
{
  static NkDictSlot absent = { .id = NK_ENTITY_NO_ID };
  if (!nk_filter_test (d->filter, h))
    return &absent;   /* callers only read a slot that holds no id */
  guint mask = d->cap - 1;
  for (guint i = h & mask;; i = (i + 1) & mask)
    {
      NkDictSlot *s = &d->slots[i];
      if (s->id == NK_ENTITY_NO_ID)
        return s;
      if (s->hash == h && s->len == len && s->prefix == prefix &&
          (len <= sizeof prefix ||
           memcmp (d->pool->str + s->off + sizeof prefix, folded + sizeof prefix,
                   len - sizeof prefix) == 0))
        return s;
    }
}

/* The dictionary as the scanner probes it, read once per range (the stores of pieces
 * would otherwise make the compiler read the fields again for every word). */
typedef struct {
  const NkDictSlot *slots;
  guint             mask;
  const char       *pool;
} NkDictView;

static inline NkDictView
dict_view (const NkDict *d)
{
  NkDictView v = { d->slots, d->cap - 1, d->pool->str };
  return v;
}

/* The id of a folded word, for the scanner: most words of a text are in the dictionary
 * (function words are), so the filter would seldom save the probe. */
static inline guint32
dict_word_id (NkDictView d, const char *folded, gsize len, guint32 h, guint64 prefix,
              guint16 *start)
{
  for (guint i = h & d.mask;; i = (i + 1) & d.mask)
    {
      const NkDictSlot *s = &d.slots[i];
      if (s->id == NK_ENTITY_NO_ID)
        {
          *start = 0;
          return NK_ENTITY_NO_ID;
        }
      if (s->prefix == prefix && s->len == len &&
          (len <= sizeof prefix ||
           memcmp (d.pool + s->off + sizeof prefix, folded + sizeof prefix,
                   len - sizeof prefix) == 0))
        {
          *start = s->start;
          return s->id;
        }
    }
}

static NkDictSlot *
dict_find_slot (const NkDict *d, const char *folded, gsize len, guint32 h)
{
  return dict_find_slot_prefix (d, folded, len, h, key_prefix (folded, len));
}

guint32
nk_entity_dict_lookup (const NkEntityGazetteer *gz, const char *folded, gsize len)
{
  return dict_find_slot (&gz->dict, folded, len, nk_hash_bytes (folded, len))->id;
}

static NkDictSlot *
dict_new_slots (guint cap)
{
  NkDictSlot *slots = g_new (NkDictSlot, cap);
  for (guint i = 0; i < cap; i++)
    {
      slots[i].id = NK_ENTITY_NO_ID;
      slots[i].start = 0;
    }
  return slots;
}

static void
dict_init (NkDict *d)
{
  d->pool = g_string_new (NULL);
  d->cap = 512;
  d->n = 0;
  d->slots = dict_new_slots (d->cap);
  memset (d->filter, 0, sizeof d->filter);
}

static void
dict_clear (NkDict *d)
{
  g_free (d->slots);
  g_string_free (d->pool, TRUE);
}

static void
dict_grow (NkDict *d)
{
  NkDictSlot *old = d->slots;
  guint old_cap = d->cap;

  d->cap = old_cap * 2;
  d->slots = dict_new_slots (d->cap);
  for (guint i = 0; i < old_cap; i++)
    if (old[i].id != NK_ENTITY_NO_ID)
      {
        guint mask = d->cap - 1, j = old[i].hash & mask;
        while (d->slots[j].id != NK_ENTITY_NO_ID)
          j = (j + 1) & mask;
        d->slots[j] = old[i];
      }
  g_free (old);
}

static inline void
pool_append (GString *pool, const char *s, gsize len)
{
  if (G_UNLIKELY (pool->len + len >= pool->allocated_len))
    {
      g_string_append_len (pool, s, len);
      return;
    }
  memcpy (pool->str + pool->len, s, len);
  pool->len += len;
  pool->str[pool->len] = '\0';
}

/* Returns the id of @folded in @d, adding it; *@added tells whether it was new. */
static guint32
dict_add (NkDict *d, const char *folded, gsize len, gboolean *added)
{
  if ((d->n + 1) * 2 > d->cap)
    dict_grow (d);
  guint32 h = nk_hash_bytes (folded, len);
  nk_filter_set (d->filter, h);
  NkDictSlot *s = dict_find_slot (d, folded, len, h);
  *added = s->id == NK_ENTITY_NO_ID;
  if (!*added)
    return s->id;
  s->hash = h;
  s->prefix = key_prefix (folded, len);
  s->off = d->pool->len;
  s->len = (guint16) len;
  s->start = 0;
  s->id = d->n++;
  pool_append (d->pool, folded, len);
  return s->id;
}

guint32
nk_entity_dict_intern (NkEntityGazetteer *gz, const char *folded, gsize len)
{
  gboolean added;
  guint32 id = dict_add (&gz->dict, folded, len, &added);
  if (added)
    {
      guint32 zero = 0;
      guint8 zero8 = 0;
      g_array_append_val (gz->word_flags, zero);
      g_array_append_val (gz->word_num, zero8);
    }
  return id;
}

/* ---- the set of common words ---------------------------------------------------------- */

/* Forty thousand words probed a few times per document: a slot is 4 bytes, the offset + 1
 * of the folded word, NUL-terminated, in the word list's own buffer (folded in place) or,
 * with NK_WORDS_SIDE, in the side pool (a word whose folding changes its length). */
#define NK_WORDS_SIDE 0x80000000u

static const char *
words_at (const NkWordSet *set, guint32 v)
{
  return v & NK_WORDS_SIDE ? set->side->str + ((v & ~NK_WORDS_SIDE) - 1) : set->text + (v - 1);
}

static guint32 *
words_slot (const NkWordSet *set, const char *w, gsize n, guint32 h)
{
  guint mask = set->cap - 1;
  for (guint i = h & mask;; i = (i + 1) & mask)
    {
      guint32 *slot = &set->slots[i];
      if (*slot == 0)
        return slot;
      const char *x = words_at (set, *slot);
      if (memcmp (x, w, n) == 0 && x[n] == '\0')
        return slot;
    }
}

/* Sizes the set for @n words of @text, which it takes. */
static void
words_init (NkWordSet *set, char *text, guint n)
{
  set->text = text;
  set->side = g_string_new (NULL);
  set->cap = 16;
  while (set->cap * 3 < n * 4 + 4)   /* at most three quarters full */
    set->cap *= 2;
  set->n = 0;
  set->slots = g_new0 (guint32, set->cap);
}

/* Adds word @w (folded, hash @h); @v is its words_at () value. */
static void
words_add (NkWordSet *set, const char *w, gsize n, guint32 h, guint32 v)
{
  if ((set->n + 1) * 4 > set->cap * 3)
    {
      guint32 *old = set->slots;
      guint old_cap = set->cap;
      set->cap *= 2;
      set->slots = g_new0 (guint32, set->cap);
      for (guint i = 0; i < old_cap; i++)
        if (old[i])
          {
            const char *x = words_at (set, old[i]);
            *words_slot (set, x, strlen (x), nk_hash_bytes (x, strlen (x))) = old[i];
          }
      g_free (old);
    }
  guint32 *slot = words_slot (set, w, n, h);
  if (*slot == 0)
    {
      *slot = v;
      set->n++;
    }
}

static void
words_clear (NkWordSet *set)
{
  g_free (set->text);
  if (set->side)
    g_string_free (set->side, TRUE);
  g_free (set->slots);
}

gboolean
nk_entity_is_common (const NkEntityGazetteer *gz, const char *text, const NkEntityPiece *piece)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (text + piece->start, piece->end - piece->start, buf, sizeof buf);
  return n && gz->common.slots && *words_slot (&gz->common, buf, n, piece->hash) != 0;
}

static guint32
intern_len (NkEntityGazetteer *gz, const char *word, gsize len)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (word, len, buf, sizeof buf);
  return n ? nk_entity_dict_intern (gz, buf, n) : NK_ENTITY_NO_ID;
}

static guint32
intern_str (NkEntityGazetteer *gz, const char *word)
{
  return intern_len (gz, word, strlen (word));
}

/* ---- the piece scanner ----------------------------------------------------------------- */

static gboolean
is_space_char (gunichar u)
{
  return u == ' ' || u == '\t' || u == '\n' || u == '\r' || u == '\f' || u == '\v' ||
         u == 0xA0 || u == 0x2009 || u == 0x200A || u == 0x202F || u == 0x3000 ||
         u == 0x200B || u == 0xFEFF || (u >= 0x2000 && u <= 0x2008);
}

static gboolean
is_word_char (gunichar u)
{
  if (u < 0x80)
    return g_ascii_isalnum ((char) u);
  return g_unichar_isalnum (u) || g_unichar_ismark (u);
}

static guint16
piece_shape (const char *s, const char *end)
{
  guint16 shape = NK_PIECE_WORD;
  guint letters = 0, upper = 0;
  gboolean digits = TRUE, first = TRUE;

  for (const char *p = s; p < end; p = g_utf8_next_char (p))
    {
      gunichar u = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char (p);
      gboolean up = u < 0x80 ? g_ascii_isupper ((char) u) : g_unichar_isupper (u);
      gboolean lo = u < 0x80 ? g_ascii_islower ((char) u) : g_unichar_islower (u);
      if (first)
        shape |= up ? NK_PIECE_CAP : lo ? NK_PIECE_LOWER : 0;
      first = FALSE;
      if (up || lo)
        letters++;
      if (up)
        upper++;
      if (!(u < 0x80 && g_ascii_isdigit ((char) u)))
        digits = FALSE;
    }
  if (letters >= 2 && upper == letters)
    shape |= NK_PIECE_ALLCAPS;
  if (digits)
    shape |= NK_PIECE_DIGITS;
  return shape;
}

static inline gboolean
ascii_space (guchar c)
{
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}


/* Fills in an ASCII word piece [s, e) whose folded bytes are @folded (the first
 * NK_ENTITY_MAX_PIECE of them at least: a longer piece is never looked up). */
static inline void
ascii_word_piece (const NkEntityGazetteer *gz, NkDictView dict, const char *folded,
                  guint32 s, guint32 e, guint16 shape, NkEntityPiece *out)
{
  guint n = e - s;
  out->start = s;
  out->end = e;
  out->shape = shape;
  if (n > NK_ENTITY_MAX_PIECE)
    {
      out->pad = 0;
      out->id = NK_ENTITY_NO_ID;
      out->hash = 0;
      return;
    }
  /* whole blocks may be read: the caller's buffer has room past the piece */
  guint64 first = word_block_at (folded, n, 0), h = nk_hash_block (NK_HASH_SEED, first);
  for (guint k = 8; k < n; k += 8)
    h = nk_hash_block (h, word_block_at (folded, n, k));
  guint32 hash = nk_hash_final (h, n);
  guint16 start = 0;
  guint32 id = gz ? dict_word_id (dict, folded, n, hash, GUINT64_TO_LE (first), &start)
                  : NK_ENTITY_NO_ID;
  out->hash = hash;
  out->id = id;
  out->pad = start;
}

/* An ASCII word piece from @i, a byte at a time, for a word that does not fit the
 * scanner's window. Returns the end, or @i when a non-ASCII character follows (then the
 * word is the general path's). */
static guint32
scan_ascii_word_slow (const NkEntityGazetteer *gz, const char *text, guint32 i, guint32 end,
                      guint16 space, NkEntityPiece *out)
{
  char buf[NK_ENTITY_MAX_PIECE + 8] = { 0 };
  guint32 e = i;
  guint letters = 0, upper = 0, lower = 0;
  for (; e < end && g_ascii_isalnum (text[e]); e++)
    {
      if (e - i < NK_ENTITY_MAX_PIECE)
        buf[e - i] = g_ascii_tolower (text[e]);
      letters += g_ascii_isalpha (text[e]) != 0;
      upper += g_ascii_isupper (text[e]) != 0;
      lower += g_ascii_islower (text[e]) != 0;
    }
  if (e < end && (guchar) text[e] >= 0x80)
    return i;
  guint16 shape = NK_PIECE_WORD | space;
  if (g_ascii_isupper (text[i]))
    shape |= NK_PIECE_CAP;
  else if (g_ascii_islower (text[i]))
    shape |= NK_PIECE_LOWER;
  if (lower == 0 && upper >= 2)
    shape |= NK_PIECE_ALLCAPS;
  if (letters == 0)
    shape |= NK_PIECE_DIGITS;
  ascii_word_piece (gz, gz ? dict_view (&gz->dict) : (NkDictView) { NULL, 0, NULL }, buf,
                    i, e, shape, out);
  return e;
}

/* The scanner's window: 64 bytes of text classified at once, a bit per byte, and folded
 * to lower case, so that a word costs a few bit operations and a hash of its folded
 * blocks instead of a trip round a loop per byte. */
#define NK_WINDOW 64

typedef struct {
  guint64 word;       /* ASCII letters and digits */
  guint64 space;      /* ASCII white space */
  guint64 high;       /* bytes of multi-byte characters */
  guint64 upper;      /* upper-case ASCII letters */
  guint64 lower;      /* lower-case ASCII letters */
} NkWindow;

#if defined(__SSE2__)
static inline void
window_block (NkWindow *w, char *folded, const guchar *p, guint k)
{
  const __m128i bit5 = _mm_set1_epi8 (0x20);
  __m128i x = _mm_loadu_si128 ((const __m128i *) (gconstpointer) p);
  __m128i lo = _mm_or_si128 (x, bit5);
  /* c in [a, a + n) as one signed compare: c - a + 0x80 < 0x80 + n; bytes from 0x80 land
   * outside every range tested here */
#define NK_IN_RANGE(v, a, n) \
  _mm_cmplt_epi8 (_mm_add_epi8 ((v), _mm_set1_epi8 ((char) (0x80 - (a)))), \
                  _mm_set1_epi8 ((char) (0x80 + (n))))
  __m128i letter = NK_IN_RANGE (lo, 'a', 26);
  __m128i digit = NK_IN_RANGE (x, '0', 10);
  __m128i space = _mm_or_si128 (_mm_cmpeq_epi8 (x, _mm_set1_epi8 (' ')),
                                NK_IN_RANGE (x, '\t', 5));   /* \t \n \v \f \r */
#undef NK_IN_RANGE
  guint64 let = (guint) _mm_movemask_epi8 (letter);
  guint64 low = (guint) _mm_movemask_epi8 (_mm_and_si128 (letter, _mm_cmpeq_epi8 (x, lo)));
  w->word |= (let | (guint) _mm_movemask_epi8 (digit)) << k;
  w->space |= (guint64) (guint) _mm_movemask_epi8 (space) << k;
  w->high |= (guint64) (guint) _mm_movemask_epi8 (x) << k;
  w->upper |= (let & ~low) << k;
  w->lower |= low << k;
  _mm_storeu_si128 ((__m128i *) (gpointer) (folded + k),
                    _mm_or_si128 (x, _mm_and_si128 (letter, bit5)));
}
#else
static inline void
window_block (NkWindow *w, char *folded, const guchar *p, guint k)
{
  for (guint b = 0; b < 16; b++)
    {
      guchar c = p[b];
      guint64 bit = G_GUINT64_CONSTANT (1) << (k + b);
      if (g_ascii_isalnum (c))
        w->word |= bit;
      if (ascii_space (c))
        w->space |= bit;
      if (c >= 0x80)
        w->high |= bit;
      if (g_ascii_isupper (c))
        w->upper |= bit;
      if (g_ascii_islower (c))
        w->lower |= bit;
      folded[k + b] = g_ascii_tolower ((char) c);
    }
}
#endif

/* Classifies text[base, base + 64) up to @end into a window, folding it into @folded
 * (64 + 16 bytes); bytes up to @limit may be read. */
static inline NkWindow
window_fill (char *folded, const char *text, guint32 base, guint32 end, guint32 limit)
{
  const guchar *p = (const guchar *) text + base;
  guchar tmp[NK_WINDOW];
  NkWindow w = { 0, 0, 0, 0, 0 };
  if (G_UNLIKELY (limit - base < NK_WINDOW))
    {
      memset (tmp, 0, sizeof tmp);
      memcpy (tmp, p, limit - base);
      p = tmp;
    }
  for (guint k = 0; k < NK_WINDOW; k += 16)
    window_block (&w, folded, p + k, k);
  if (end - base < NK_WINDOW)
    {
      guint64 valid = (G_GUINT64_CONSTANT (1) << (end - base)) - 1;
      w.word &= valid;
      w.space &= valid;
      w.high &= valid;
    }
  return w;
}

/* The length of the run of set bits of @m from bit @o. */
static inline guint
run_length (guint64 m, guint o)
{
  guint64 rest = ~(m >> o);
  return rest ? (guint) __builtin_ctzll (rest) : NK_WINDOW - o;
}

static void
piece_general (const NkEntityGazetteer *gz, const char *text, guint32 s, guint32 e,
               guint16 shape, NkEntityPiece *out)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (text + s, e - s, buf, sizeof buf);
  out->start = s;
  out->end = e;
  out->id = NK_ENTITY_NO_ID;
  out->hash = 0;
  out->shape = shape;
  out->pad = 0;
  if (n)
    {
      out->hash = nk_hash_bytes (buf, n);
      if (gz)
        {
          const NkDictSlot *slot = dict_find_slot (&gz->dict, buf, n, out->hash);
          out->id = slot->id;
          if (shape & NK_PIECE_WORD)
            out->pad = slot->start;
        }
    }
}

/* A punctuation character of U+2010..U+203F (E2 80 xx) as a piece, folded as
 * nk_entity_fold would (these have no case; the single quotes fold to an apostrophe)
 * without decoding and re-encoding it: the curly quotes of news text are frequent. */
static void
piece_general_punct (const NkEntityGazetteer *gz, const char *text, guint32 s, guint u,
                     guint16 shape, NkEntityPiece *out)
{
  char buf[3];
  gsize n = 3;
  if (u == 0x2018 || u == 0x2019)
    {
      buf[0] = '\'';
      n = 1;
    }
  else
    memcpy (buf, text + s, 3);
  out->start = s;
  out->end = s + 3;
  out->shape = shape;
  out->pad = 0;
  out->hash = nk_hash_bytes (buf, n);
  out->id = gz ? dict_find_slot (&gz->dict, buf, n, out->hash)->id : NK_ENTITY_NO_ID;
}

/* U+2000..U+203F (E2 80 xx): the quotes, dashes and spaces of news text, decoded without
 * the general UTF-8 path. Returns 1 for a space, 2 for punctuation, 0 for others. */
static inline guint
general_punct_class (guint u)
{
  if (u <= 0x200B || u == 0x2028 || u == 0x2029 || u == 0x202F)
    return 1;
  if (u >= 0x200C && u <= 0x200F)
    return 0;
  return 2;
}

/* One step of the general path at text[i]: a non-ASCII character, or a word that runs
 * into one. Appends at most one piece at pieces[*o]; returns the next offset. */
static guint32
general_step (const NkEntityGazetteer *gz, const char *text, guint32 i, guint32 end,
              guint16 *space, NkEntityPiece *pieces, guint *o)
{
  guchar c = (guchar) text[i];
  gunichar u;
  guint32 clen;
  if (c < 0x80)
    {
      u = c;
      clen = 1;
    }
  else if (c == 0xE2 && i + 2 < end && (guchar) text[i + 1] == 0x80 &&
           ((guchar) text[i + 2] & 0xC0) == 0x80)
    {
      guint cls = general_punct_class (0x2000 + ((guchar) text[i + 2] & 0x3F));
      if (cls == 1)
        {
          *space = NK_PIECE_SPACE_BEFORE;
          return i + 3;
        }
      if (cls == 2)
        {
          piece_general_punct (gz, text, i, 0x2000 + ((guchar) text[i + 2] & 0x3F), *space,
                               &pieces[(*o)++]);
          *space = 0;
          return i + 3;
        }
      u = 0x2000 + ((guchar) text[i + 2] & 0x3F);
      clen = 3;
    }
  else
    {
      u = g_utf8_get_char_validated (text + i, end - i);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        return i + 1;
      clen = g_utf8_next_char (text + i) - (text + i);
    }
  if (is_space_char (u))
    {
      *space = NK_PIECE_SPACE_BEFORE;
      return i + clen;
    }
  if (!is_word_char (u))
    {
      piece_general (gz, text, i, i + clen, *space, &pieces[(*o)++]);
      *space = 0;
      return i + clen;
    }
  guint32 s = i;
  while (i < end)
    {
      c = (guchar) text[i];
      if (c < 0x80)
        {
          if (!g_ascii_isalnum (c))
            break;
          i++;
          continue;
        }
      u = g_utf8_get_char_validated (text + i, end - i);
      if (u == (gunichar) -1 || u == (gunichar) -2 || !is_word_char (u))
        break;
      i = g_utf8_next_char (text + i) - text;
    }
  piece_general (gz, text, s, i, piece_shape (text + s, text + i) | *space, &pieces[(*o)++]);
  *space = 0;
  return i;
}

/* The shape of an ASCII word from its capitals and lower-case letters (bit 0 is its
 * first byte). */
static inline guint16
ascii_word_shape (guint64 up, guint64 low)
{
  guint16 shape = NK_PIECE_WORD;
  if (up & 1)
    shape |= NK_PIECE_CAP;
  else if (low & 1)
    shape |= NK_PIECE_LOWER;
  if (!low && (up & (up - 1)))
    shape |= NK_PIECE_ALLCAPS;   /* two capitals or more, no lower case */
  if (!(up | low))
    shape |= NK_PIECE_DIGITS;
  return shape;
}

void
nk_entity_scan_pieces (const NkEntityGazetteer *gz, const char *text, guint32 start,
                       guint32 end, GArray *out)
{
  guint base = out->len;

  /* at most one piece per byte: write straight into the array */
  g_array_set_size (out, base + (end - start));
  guint n = nk_entity_scan_range (gz, text, start, end, end,
                                  &g_array_index (out, NkEntityPiece, base));
  g_array_set_size (out, base + n);
}

guint
nk_entity_scan_range (const NkEntityGazetteer *gz, const char *text, guint32 start,
                      guint32 end, guint32 limit, NkEntityPiece *pieces)
{
  guint32 i = start, wbase = 0, wstop = 0;
  guint16 space = NK_PIECE_SPACE_BEFORE;
  NkWindow w = { 0, 0, 0, 0, 0 };
  char folded[NK_WINDOW + 16];
  guint o = 0;
  const NkDictView dict = gz ? dict_view (&gz->dict) : (NkDictView) { NULL, 0, NULL };

  while (i < end)
    {
      if (i >= wstop)
        {
          w = window_fill (folded, text, i, end, limit);
          wbase = i;
          wstop = end - i < NK_WINDOW ? end : i + NK_WINDOW;
        }
      guint at = i - wbase;
      if ((w.word >> at) & 1)
        {
          guint n = run_length (w.word, at), after = at + n;
          if (G_UNLIKELY (after == NK_WINDOW && wstop < end))
            {
              /* the word may go on past the window: look again from its start, and take
               * a word longer than the window a byte at a time */
              if (at > 0)
                {
                  wstop = 0;
                  continue;
                }
              guint32 e = scan_ascii_word_slow (gz, text, i, end, space, &pieces[o]);
              if (e > i)
                o++, space = 0;
              else
                e = general_step (gz, text, i, end, &space, pieces, &o);
              i = e;
              wstop = 0;
              continue;
            }
          /* a multi-byte character may go on with the word, unless it is one of
           * U+2000..U+203F (E2 80 xx: quotes, dashes, spaces), as after "trip" in
           * "good trip”" */
          if (after < NK_WINDOW && ((w.high >> after) & 1) &&
              !((guchar) text[i + n] == 0xE2 &&
                (i + n + 1 >= end || (guchar) text[i + n + 1] == 0x80)))
            {
              i = general_step (gz, text, i, end, &space, pieces, &o);
              continue;
            }
          guint16 shape = NK_PIECE_WORD | NK_PIECE_LOWER;
          if (!((w.lower >> at) & 1))
            {
              /* a word that begins in lower case is neither capitals nor digits */
              guint64 keep = n < 64 ? (G_GUINT64_CONSTANT (1) << n) - 1 : G_MAXUINT64;
              shape = ascii_word_shape ((w.upper >> at) & keep, (w.lower >> at) & keep);
            }
          ascii_word_piece (gz, dict, folded + at, i, i + n, shape | space, &pieces[o++]);
          i += n;
          space = 0;
          /* the white space after it, without a trip round the loop */
          if (after < NK_WINDOW && ((w.space >> after) & 1))
            {
              space = NK_PIECE_SPACE_BEFORE;
              i += run_length (w.space, after);
            }
          continue;
        }
      if ((w.space >> at) & 1)
        {
          space = NK_PIECE_SPACE_BEFORE;
          i += run_length (w.space, at);
          continue;
        }
      guchar c = (guchar) text[i];
      if ((w.high >> at) & 1)
        {
          /* the quotes and dashes of news text (U+2000..U+203F), from tables */
          if (gz && c == 0xE2 && i + 2 < end && (guchar) text[i + 1] == 0x80 &&
              ((guchar) text[i + 2] & 0xC0) == 0x80)
            {
              guint low6 = (guchar) text[i + 2] & 0x3F;
              guint cls = general_punct_class (0x2000 + low6);
              if (cls == 1)
                {
                  space = NK_PIECE_SPACE_BEFORE;
                  i += 3;
                  continue;
                }
              if (cls == 2)
                {
                  NkEntityPiece piece = { i, i + 3, gz->gpunct_id[low6], gz->gpunct_hash[low6],
                                          space, 0 };
                  pieces[o++] = piece;
                  space = 0;
                  i += 3;
                  continue;
                }
            }
          i = general_step (gz, text, i, end, &space, pieces, &o);
          continue;
        }
      /* ASCII punctuation: one piece, id and hash from tables */
      NkEntityPiece piece = { i, i + 1, gz ? gz->punct_id[c] : NK_ENTITY_NO_ID,
                              gz ? gz->punct_hash[c] : nk_hash_bytes ((const char *) &c, 1),
                              space, 0 };
      pieces[o++] = piece;
      space = 0;
      i++;
    }
  return o;
}

/* ---- trie --------------------------------------------------------------------------- */

static guint64
edge_key (gint32 node, guint32 id)
{
  return ((guint64) (guint32) node << 32) | id;
}

static NkEdgeSlot *
edge_slot (const NkEntityGazetteer *gz, guint64 key)
{
  guint mask = gz->edge_cap - 1;
  guint64 h = key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  for (guint i = (guint) (h >> 40) & mask;; i = (i + 1) & mask)
    {
      NkEdgeSlot *s = &gz->edges[i];
      if (!s->used || s->key == key)
        return s;
    }
}

static void
edges_grow (NkEntityGazetteer *gz)
{
  NkEdgeSlot *old = gz->edges;
  guint old_cap = gz->edge_cap;

  gz->edge_cap = old_cap ? old_cap * 2 : 4096;
  gz->edges = g_new0 (NkEdgeSlot, gz->edge_cap);
  for (guint i = 0; i < old_cap; i++)
    if (old[i].used)
      *edge_slot (gz, old[i].key) = old[i];
  g_free (old);
}

static gint32
trie_add_child (NkEntityGazetteer *gz, gint32 node, guint32 id)
{
  gint32 child = nk_entity_trie_child (gz, node, id);
  if (child >= 0)
    return child;
  if ((gz->edge_n + 1) * 2 > gz->edge_cap)
    edges_grow (gz);
  child = gz->node_first->len;
  gint32 none = -1;
  g_array_append_val (gz->node_first, none);
  NkEdgeSlot *s = edge_slot (gz, edge_key (node, id));
  s->key = edge_key (node, id);
  s->value = child;
  s->used = 1;
  gz->edge_n++;
  nk_filter_set (gz->edge_filter,
                 (guint32) ((s->key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32));
  return child;
}

static void
node_append_record (NkEntityGazetteer *gz, gint32 node, const NkEntityRecord *rec)
{
  g_array_append_val (gz->records, *rec);
  gint32 idx = gz->records->len - 1;
  gint32 *first = &g_array_index (gz->node_first, gint32, node);
  if (*first < 0)
    {
      *first = idx;
      return;
    }
  gint32 r = *first;
  while (g_array_index (gz->records, NkEntityRecord, r).next >= 0)
    r = g_array_index (gz->records, NkEntityRecord, r).next;
  g_array_index (gz->records, NkEntityRecord, r).next = idx;
}

/* Inserts @alias (a leading '=' asks for exact case) with @rec as its record. Returns
 * FALSE for an alias with no pieces or too many. */
static gboolean
trie_insert (NkEntityGazetteer *gz, const char *alias, NkEntityRecord *rec)
{
  gboolean exact = alias[0] == '=';
  if (exact)
    alias++;
  GArray *pieces = gz->scratch_pieces;
  g_array_set_size (pieces, 0);
  nk_entity_scan_pieces (NULL, alias, 0, strlen (alias), pieces);
  if (pieces->len == 0 || pieces->len > NK_ENTITY_MAX_KEY_PIECES)
    return FALSE;

  gint32 node = 0;
  GString *exact_str = exact ? g_string_new (NULL) : NULL;
  rec->upper_mask = 0;
  for (guint i = 0; i < pieces->len; i++)
    {
      const NkEntityPiece *p = &g_array_index (pieces, NkEntityPiece, i);
      char buf[NK_ENTITY_MAX_PIECE];
      gsize n = nk_entity_fold (alias + p->start, p->end - p->start, buf, sizeof buf);
      if (n == 0)
        {
          if (exact_str)
            g_string_free (exact_str, TRUE);
          return FALSE;
        }
      node = trie_add_child (gz, node, nk_entity_dict_intern (gz, buf, n));
      if (p->shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS))
        rec->upper_mask |= 1u << i;
      if (exact_str)
        g_string_append_len (exact_str, alias + p->start, p->end - p->start);
    }
  rec->exact = NULL;
  if (exact_str)
    {
      rec->exact = g_string_chunk_insert_len (gz->strings, exact_str->str, exact_str->len);
      g_string_free (exact_str, TRUE);
    }
  rec->next = -1;
  node_append_record (gz, node, rec);
  return TRUE;
}

/* ---- building ---------------------------------------------------------------------- */

NkEntityGazetteer *
nk_entity_gazetteer_new (void)
{
  NkEntityGazetteer *gz = g_new0 (NkEntityGazetteer, 1);
  gz->strings = g_string_chunk_new (16384);
  dict_init (&gz->dict);

  gz->word_flags = g_array_new (FALSE, FALSE, sizeof (guint32));
  gz->word_num = g_array_new (FALSE, FALSE, sizeof (guint8));
  gz->node_first = g_array_new (FALSE, FALSE, sizeof (gint32));
  gz->records = g_array_new (FALSE, FALSE, sizeof (NkEntityRecord));
  gz->entries = g_array_new (FALSE, FALSE, sizeof (NkEntityEntry));
  gz->cands = g_array_new (FALSE, FALSE, sizeof (gint32));
  gz->entry_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gz->scratch_pieces = g_array_new (FALSE, FALSE, sizeof (NkEntityPiece));
  gz->scratch_aliases = g_ptr_array_new ();
  edges_grow (gz);
  gint32 none = -1;
  g_array_append_val (gz->node_first, none);   /* the root */

  gz->id_the = intern_str (gz, "the");
  gz->id_s = intern_str (gz, "s");
  gz->id_dash = intern_str (gz, "-");
  gz->id_dot = intern_str (gz, ".");
  gz->id_hash = intern_str (gz, "#");
  gz->id_apos = intern_str (gz, "'");
  gz->id_comma = intern_str (gz, ",");
  gz->id_based = intern_str (gz, "based");
  gz->id_north = intern_str (gz, "north");
  gz->id_south = intern_str (gz, "south");
  gz->id_korea = intern_str (gz, "korea");
  gz->id_and = intern_str (gz, "and");
  gz->id_according = intern_str (gz, "according");
  gz->id_jr = intern_str (gz, "jr");
  gz->id_sr = intern_str (gz, "sr");
  gz->id_to = intern_str (gz, "to");
  gz->id_headquartered = intern_str (gz, "headquartered");
  gz->id_or = intern_str (gz, "or");
  gz->id_from = intern_str (gz, "from");

  static const char *const honorifics[] = { "mr", "mrs", "ms", "miss", "mx" };
  for (guint i = 0; i < G_N_ELEMENTS (honorifics); i++)
    {
      guint32 id = intern_str (gz, honorifics[i]);
      g_array_index (gz->word_flags, guint32, id) |= NK_WORD_HONORIFIC;
    }
  static const char *const connectors[] = { "of", "for", "the", "and", "&", "on", "de" };
  for (guint i = 0; i < G_N_ELEMENTS (connectors); i++)
    {
      /* intern first: it may grow the array that g_array_index reads */
      guint32 id = intern_str (gz, connectors[i]);
      g_array_index (gz->word_flags, guint32, id) |= NK_WORD_CONNECTOR;
    }
  static const char *const months[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
  };
  static const char *const month_abbr[] = {
    "jan", "feb", "mar", "apr", NULL, "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  };
  for (guint i = 0; i < 12; i++)
    {
      guint32 id = intern_str (gz, months[i]);
      g_array_index (gz->word_flags, guint32, id) |= NK_WORD_MONTH;
      g_array_index (gz->word_num, guint8, id) = i + 1;
      if (month_abbr[i])
        {
          id = intern_str (gz, month_abbr[i]);
          g_array_index (gz->word_flags, guint32, id) |= NK_WORD_MONTH;
          g_array_index (gz->word_num, guint8, id) = i + 1;
        }
    }
  guint32 sept = intern_str (gz, "sept");
  g_array_index (gz->word_flags, guint32, sept) |= NK_WORD_MONTH;
  g_array_index (gz->word_num, guint8, sept) = 9;
  static const char *const days[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  };
  for (guint i = 0; i < 7; i++)
    {
      guint32 id = intern_str (gz, days[i]);
      g_array_index (gz->word_flags, guint32, id) |= NK_WORD_WEEKDAY;
      g_array_index (gz->word_num, guint8, id) = i + 1;
    }
  nk_entity_date_register (gz);
  return gz;
}

void
nk_entity_gazetteer_free (NkEntityGazetteer *gz)
{
  if (!gz)
    return;
  g_string_chunk_free (gz->strings);
  dict_clear (&gz->dict);
  words_clear (&gz->common);
  g_array_unref (gz->word_flags);
  g_array_unref (gz->word_num);
  g_array_unref (gz->node_first);
  if (gz->root_child)
    g_array_unref (gz->root_child);
  g_free (gz->node_leaf);
  g_free (gz->edges);
  g_array_unref (gz->records);
  g_array_unref (gz->entries);
  g_array_unref (gz->cands);
  g_hash_table_unref (gz->entry_index);
  g_array_unref (gz->scratch_pieces);
  g_ptr_array_unref (gz->scratch_aliases);
  g_free (gz);
}

guint
nk_entity_gazetteer_get_n_entries (const NkEntityGazetteer *gz)
{
  return gz->entries->len;
}

static gboolean
parse_flags (NkEntityGazetteer *gz, NkEntityEntry *e, const char *flags, gboolean *nocanon,
             GError **error)
{
  *nocanon = FALSE;
  if (!flags || !*flags)
    return TRUE;
  g_auto (GStrv) parts = g_strsplit (flags, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      const char *f = g_strstrip (parts[i]);
      NkEntityLabel l;
      if (!*f || g_str_has_prefix (f, "iso="))
        continue;
      else if (g_str_equal (f, "eastern"))
        e->eastern = TRUE;
      else if (g_str_equal (f, "default"))
        e->is_default = TRUE;
      else if (g_str_equal (f, "nocanon"))
        *nocanon = TRUE;
      else if (g_str_has_prefix (f, "gov=") && f[4])
        e->gov = g_string_chunk_insert_const (gz->strings, f + 4);
      else if (g_str_has_prefix (f, "place=") && nk_entity_label_from_string (f + 6, &l))
        e->place_label = (gint8) l;
      else
        {
          g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                       "unknown flag “%s” (expected eastern, default, nocanon, gov=NAME "
                       "or place=LABEL)", f);
          return FALSE;
        }
    }
  return TRUE;
}

static gint32
find_or_add_entry (NkEntityGazetteer *gz, const char *canonical, NkEntityLabel label,
                   const char *rule, gboolean *is_new)
{
  g_autofree char *key = g_strdup_printf ("%d\t%s", label, canonical);
  gpointer v = g_hash_table_lookup (gz->entry_index, key);
  *is_new = v == NULL;
  if (v)
    return GPOINTER_TO_INT (v) - 1;
  NkEntityEntry e = { 0 };
  e.canonical = g_string_chunk_insert_const (gz->strings, canonical);
  e.label = label;
  e.rule = rule;
  e.place_label = -1;
  e.surname_id = NK_ENTITY_NO_ID;
  g_array_append_val (gz->entries, e);
  g_hash_table_insert (gz->entry_index, g_steal_pointer (&key),
                       GINT_TO_POINTER (gz->entries->len));
  return gz->entries->len - 1;
}

gboolean
nk_entity_gazetteer_add (NkEntityGazetteer *gz, const char *canonical, NkEntityLabel label,
                         const char *const *aliases, const char *flags, const char *rule,
                         GError **error)
{
  g_return_val_if_fail (!gz->frozen, FALSE);
  g_return_val_if_fail (canonical != NULL && label < NK_ENTITY_N_LABELS, FALSE);

  if (!*canonical)
    {
      g_set_error_literal (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                           "empty canonical name");
      return FALSE;
    }
  gboolean is_new;
  gint32 idx = find_or_add_entry (gz, canonical, label, rule, &is_new);
  NkEntityEntry *e = &g_array_index (gz->entries, NkEntityEntry, idx);
  gboolean nocanon;
  if (!parse_flags (gz, e, flags, &nocanon, error))
    return FALSE;

  NkEntityRecord rec = { NK_RECORD_ENTRY, idx, 0, NULL, -1, 0, 0, -1, FALSE };
  if (is_new && !nocanon && !trie_insert (gz, canonical, &rec))
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "name “%s” has no letters or is too long", canonical);
      return FALSE;
    }
  for (guint i = 0; aliases && aliases[i]; i++)
    {
      const char *a = aliases[i];
      if (!*a)
        continue;
      if (!trie_insert (gz, a, &rec))
        {
          g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                       "alias “%s” has no letters or is too long", a);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_title (NkEntityGazetteer *gz, const char *title)
{
  NkEntityRecord rec = { NK_RECORD_TITLE, -1, 0, NULL, -1, 0, 0, -1, FALSE };
  return trie_insert (gz, title, &rec);
}

/* ---- files ------------------------------------------------------------------------- */

/* The length of the ASCII run that @s starts with, 8 bytes at a time. */
static gsize
ascii_prefix (const char *s, gsize len)
{
  gsize i = 0;
  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, sizeof w);
      if (w & G_GUINT64_CONSTANT (0x8080808080808080))
        break;
    }
  while (i < len && (guchar) s[i] < 0x80)
    i++;
  return i;
}

/* Reads @path whole; *@len is its length up to the first NUL, where the loaders stop. */
static char *
read_file (const char *path, gsize *len, GError **error)
{
  char *data = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &data, NULL, &local))
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_IO,
                   "cannot read gazetteer %s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  gsize n = strlen (data);
  /* the data files are ASCII but for a few names: validate only from the first other byte */
  gsize ascii = ascii_prefix (data, n);
  if (ascii < n && !g_utf8_validate_len (data + ascii, n - ascii, NULL))
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "%s: not valid UTF-8", path);
      g_free (data);
      return NULL;
    }
  *len = n;
  return data;
}

/* Splits @line in place at @sep into at most @max fields (the last keeps the rest, as
 * g_strsplit () does); returns how many. */
static guint
split_fields (char *line, char sep, char **fields, guint max)
{
  guint n = 0;
  fields[n++] = line;
  for (char *p = line; n < max && (p = strchr (p, sep)) != NULL;)
    {
      *p++ = '\0';
      fields[n++] = p;
    }
  return n;
}

static gboolean
load_tsv_line (NkEntityGazetteer *gz, char *line, const char *rule, GError **error)
{
  char *f[5];
  guint n = split_fields (line, '\t', f, G_N_ELEMENTS (f));
  NkEntityLabel label;

  if (n < 2 || n > 4)
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "expected 2 to 4 tab-separated fields (canonical, label, aliases, "
                   "flags), found %u", n);
      return FALSE;
    }
  if (!nk_entity_label_from_string (g_strstrip (f[1]), &label) || label == NK_ENTITY_DATE)
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "unknown label “%s” (expected PERSON, ORG, GPE, LOC, FACILITY, NORP or "
                   "EVENT)", f[1]);
      return FALSE;
    }
  GPtrArray *aliases = gz->scratch_aliases;
  g_ptr_array_set_size (aliases, 0);
  if (n > 2 && *f[2])
    for (char *a = f[2], *bar; a; a = bar)
      {
        bar = strchr (a, '|');
        if (bar)
          *bar++ = '\0';
        g_ptr_array_add (aliases, g_strstrip (a));
      }
  g_ptr_array_add (aliases, NULL);
  return nk_entity_gazetteer_add (gz, g_strstrip (f[0]), label,
                                  (const char *const *) aliases->pdata, n > 3 ? f[3] : NULL,
                                  rule, error);
}

gboolean
nk_entity_gazetteer_load_tsv (NkEntityGazetteer *gz, const char *path, const char *rule,
                              GError **error)
{
  gsize len;
  g_autofree char *data = read_file (path, &len, error);
  if (!data)
    return FALSE;
  NkDataLines it;
  nk_data_lines_init (&it, data, len, path, NK_DATA_LINES_KEEP_SPACE);
  for (char *line; (line = nk_data_lines_next (&it, NULL)) != NULL;)
    {
      g_autoptr (GError) local = NULL;
      if (!load_tsv_line (gz, line, rule, &local))
        {
          nk_data_lines_error (&it, error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE, "%s",
                               local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* One word of a word list: a word class for the dictionary. */
static void
add_list_word (NkEntityGazetteer *gz, const char *w, gsize len, guint32 flag)
{
  guint32 id = intern_len (gz, w, len);
  if (id != NK_ENTITY_NO_ID)
    g_array_index (gz->word_flags, guint32, id) |= flag;
}

/* Per byte of a word list: 0 for the end of a word (NUL, space, tab), 0x80 for a byte of
 * a multi-byte character, else the byte folded to lower case. */
static void
list_fold_table (guchar *fold)
{
  for (guint c = 0; c < 256; c++)
    fold[c] = c >= 0x80 ? 0x80 : (guchar) g_ascii_tolower ((char) c);
  fold[' '] = fold['\t'] = 0;
}

/* The words of one line of common-words.txt (forty thousand in all): an ASCII word is
 * split, folded and hashed in one loop, and kept in place when @line is in the set's own
 * text. */
static void
add_common_words (NkEntityGazetteer *gz, const guchar *fold, char *line, gboolean in_place)
{
  NkWordSet *set = &gz->common;
  guchar *p = (guchar *) line;
  while (*p)
    {
      if (!fold[*p])
        {
          p++;
          continue;
        }
      guchar *w = p;
      char buf[NK_ENTITY_MAX_PIECE + 8];
      guint other = 0;
      gsize n = 0;
      for (guchar c; (c = fold[*p]) != 0; p++, n++)
        {
          other |= c;
          buf[n % NK_ENTITY_MAX_PIECE] = (char) c;   /* a longer word is folded again */
        }
      gboolean last = *p == '\0';
      gsize len = p - w;
      *p = '\0';   /* the word, NUL-terminated in place */
      if ((other & 0x80) || n > NK_ENTITY_MAX_PIECE)   /* not a short ASCII word */
        n = nk_entity_fold ((const char *) w, len, buf, NK_ENTITY_MAX_PIECE);
      if (n && in_place && !(other & 0x80))
        {
          memcpy (w, buf, n);
          words_add (set, buf, n, nk_hash_word (buf, (guint) n),
                     (guint32) ((char *) w - set->text) + 1);
        }
      else if (n)
        {
          guint32 v = ((guint32) set->side->len + 1) | NK_WORDS_SIDE;
          g_string_append_len (set->side, buf, n);
          g_string_append_c (set->side, '\0');
          words_add (set, buf, n, nk_hash_word (buf, (guint) n), v);
        }
      if (last)
        break;
      p++;
    }
}

/* A word list: words separated by white space, '#' starts a comment line. */
static gboolean
load_words (NkEntityGazetteer *gz, const char *path, guint32 flag, gboolean titles,
            GError **error)
{
  gsize len;
  g_autofree char *data = read_file (path, &len, error);
  if (!data)
    return FALSE;
  guchar fold[256];
  if (flag == NK_WORD_COMMON)
    {
      list_fold_table (fold);
      /* the set keeps the first list's text: its words are folded in place */
      if (!gz->common.slots)
        words_init (&gz->common, g_steal_pointer (&data), len / 9);   /* 8 letters a word */
    }
  char *text = data ? data : gz->common.text;
  NkDataLines it;
  nk_data_lines_init (&it, text, len, path, NK_DATA_LINES_DEFAULT);
  for (char *l; (l = nk_data_lines_next (&it, NULL)) != NULL;)
    {
      if (titles)
        {
          if (!add_title (gz, l))
            {
              nk_data_lines_error (&it, error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                                   "title “%s” has no letters or is too long", l);
              return FALSE;
            }
          continue;
        }
      if (flag == NK_WORD_COMMON)
        {
          add_common_words (gz, fold, l, data == NULL);
          continue;
        }
      for (const char *w = l; *w;)
        {
          const char *e = w;
          while (*e && *e != ' ' && *e != '\t')
            e++;
          if (e > w)
            add_list_word (gz, w, e - w, flag);
          w = *e ? e + 1 : e;
        }
    }
  return TRUE;
}

/* heads.tsv: "word<TAB>FACILITY|LOC|-[<TAB>first]". */
static gboolean
load_heads (NkEntityGazetteer *gz, const char *path, GError **error)
{
  gsize len;
  g_autofree char *data = read_file (path, &len, error);
  if (!data)
    return FALSE;
  NkDataLines it;
  nk_data_lines_init (&it, data, len, path, NK_DATA_LINES_DEFAULT);
  for (char *l; (l = nk_data_lines_next (&it, NULL)) != NULL;)
    {
      char *f[4];
      guint n = split_fields (l, '\t', f, G_N_ELEMENTS (f));
      guint32 flag = n < 2 ? 0 : g_str_equal (f[1], "FACILITY") ? NK_WORD_FAC_HEAD
                     : g_str_equal (f[1], "LOC") ? NK_WORD_LOC_HEAD
                     : g_str_equal (f[1], "-") ? NK_WORD_NONAME : 0;
      if (!flag || (n > 2 && !g_str_equal (f[2], "first")) || n > 3)
        {
          nk_data_lines_error (&it, error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                               "expected WORD<TAB>FACILITY, LOC or -, optionally <TAB>first");
          return FALSE;
        }
      if (n > 2)
        flag |= NK_WORD_HEAD_FIRST;
      guint32 id = intern_str (gz, f[0]);
      if (id != NK_ENTITY_NO_ID)
        g_array_index (gz->word_flags, guint32, id) |= flag;
    }
  return TRUE;
}

gboolean
nk_entity_gazetteer_load_dir (NkEntityGazetteer *gz, const char *data_dir, GError **error)
{
  /* Order matters: the first entry loaded for a key wins. */
  static const struct { const char *file; const char *rule; } tsv[] = {
    { "people.tsv", "gazetteer:people" },
    { "orgs.tsv", "gazetteer:orgs" },
    { "facilities.tsv", "gazetteer:facilities" },
    { "events.tsv", "gazetteer:events" },
    { "countries.tsv", "gazetteer:countries" },
    { "aliases.tsv", "gazetteer:countries" },
    { "places.tsv", "gazetteer:places" },
    { "norp.tsv", "gazetteer:norp" },
  };
  static const struct { const char *file; guint32 flag; } words[] = {
    { "given-names.txt", NK_WORD_GIVEN },
    { "org-heads.txt", NK_WORD_ORG_HEAD },
    { "stopcaps.txt", NK_WORD_STOP },
    { "east-asian-surnames.txt", NK_WORD_EAST_SURNAME },
    { "said-cues.txt", NK_WORD_SAID },
    { "locatives.txt", NK_WORD_LOCATIVE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tsv); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, tsv[i].file, NULL);
      if (!nk_entity_gazetteer_load_tsv (gz, path, tsv[i].rule, error))
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, words[i].file, NULL);
      if (!load_words (gz, path, words[i].flag, FALSE, error))
        return FALSE;
    }
  g_autofree char *common = g_build_filename (data_dir, "common-words.txt", NULL);
  if (!load_words (gz, common, NK_WORD_COMMON, FALSE, error))
    return FALSE;
  g_autofree char *heads = g_build_filename (data_dir, "heads.tsv", NULL);
  if (!load_heads (gz, heads, error))
    return FALSE;
  g_autofree char *titles = g_build_filename (data_dir, "titles.txt", NULL);
  return load_words (gz, titles, 0, TRUE, error);
}

/* ---- family names ----------------------------------------------------------------------- */

static guint32
entry_surname (NkEntityGazetteer *gz, const NkEntityEntry *e)
{
  GArray *pieces = gz->scratch_pieces;
  g_array_set_size (pieces, 0);
  nk_entity_scan_pieces (gz, e->canonical, 0, strlen (e->canonical), pieces);
  gint first = -1, last = -1, n_words = 0;
  for (guint i = 0; i < pieces->len; i++)
    {
      const NkEntityPiece *p = &g_array_index (pieces, NkEntityPiece, i);
      if (!(p->shape & NK_PIECE_WORD) || p->id == gz->id_jr || p->id == gz->id_sr)
        continue;
      if (first < 0)
        first = i;
      /* only a word after a space starts a family name: not "O'Brien"'s "Brien" */
      if (p->shape & NK_PIECE_SPACE_BEFORE || i == 0)
        last = i, n_words++;
    }
  if (n_words < 2)
    return NK_ENTITY_NO_ID;
  gint at = e->eastern ? first : last;
  const NkEntityPiece *p = &g_array_index (pieces, NkEntityPiece, at);
  if ((guint) at + 1 < pieces->len &&
      !(g_array_index (pieces, NkEntityPiece, at + 1).shape & NK_PIECE_SPACE_BEFORE))
    return NK_ENTITY_NO_ID;   /* hyphenated or dotted: no single-piece family name */
  return p->id;
}

/* May @rec fit a first piece that is neither capitalised nor in capitals (record_fits ()
 * in nk-entity-tagger.c)? An exact spelling must match the text's bytes; otherwise only
 * a key that begins with a capital needs one. */
static gboolean
record_fits_lower (const NkEntityRecord *rec)
{
  if (rec->exact)
    return !(rec->exact[0] >= 'A' && rec->exact[0] <= 'Z');
  return rec->kind == NK_RECORD_TITLE || !(rec->upper_mask & 1);
}

/* For every node, whether a record at it or below it may fit a lower-case first piece;
 * children are numbered after their parents, so one pass from the last node up does. */
static guint8 *
nodes_fit_lower (const NkEntityGazetteer *gz)
{
  guint n = gz->node_first->len;
  guint8 *lower = g_new0 (guint8, n);
  gint32 *parent = g_new (gint32, n);
  for (guint i = 0; i < n; i++)
    parent[i] = -1;
  for (guint i = 0; i < gz->edge_cap; i++)
    if (gz->edges[i].used)
      parent[gz->edges[i].value] = (gint32) (gz->edges[i].key >> 32);
  for (guint node = 0; node < n; node++)
    for (gint32 r = g_array_index (gz->node_first, gint32, node); r >= 0 && !lower[node];
         r = g_array_index (gz->records, NkEntityRecord, r).next)
      lower[node] = record_fits_lower (&g_array_index (gz->records, NkEntityRecord, r));
  for (guint node = n; node-- > 1;)
    if (lower[node] && parent[node] >= 0)
      {
        g_assert ((guint) parent[node] < node);
        lower[parent[node]] = 1;
      }
  g_free (parent);
  return lower;
}

/* NK_START_* of every dictionary id, for the scanner to copy into pieces. */
static void
start_flags_build (NkEntityGazetteer *gz)
{
  const guint32 date_start = NK_WORD_DATE_START | NK_WORD_MONTH | NK_WORD_WEEKDAY |
                             NK_WORD_DATE_COUNT;
  g_autofree guint8 *lower = nodes_fit_lower (gz);
  guint8 *flags = g_new0 (guint8, gz->dict.n);
  for (guint32 id = 0; id < gz->dict.n; id++)
    {
      gint32 child = g_array_index (gz->root_child, gint32, id);
      if (child >= 0)
        flags[id] |= NK_START_ROOT | (lower[child] ? NK_START_ROOT_LOWER : 0);
      if ((nk_entity_word_flags (gz, id) & date_start) || id == gz->id_north)
        flags[id] |= NK_START_RULE;
    }
  for (guint i = 0; i < gz->dict.cap; i++)
    if (gz->dict.slots[i].id != NK_ENTITY_NO_ID)
      gz->dict.slots[i].start = flags[gz->dict.slots[i].id];
  g_free (flags);
}

void
nk_entity_gazetteer_freeze (NkEntityGazetteer *gz)
{
  g_return_if_fail (!gz->frozen);

  for (guint c = 0; c < 128; c++)
    {
      char ch = (char) c;
      gz->punct_id[c] = g_ascii_isalnum (ch) || ascii_space (c) || c == 0 ? NK_ENTITY_NO_ID
                        : nk_entity_dict_lookup (gz, &ch, 1);
      gz->punct_hash[c] = nk_hash_bytes (&ch, 1);
    }
  for (guint k = 0; k < 64; k++)
    {
      /* U+2000 + k, E2 80 80+k: as piece_general_punct () folds and looks it up */
      const char utf8[3] = { (char) 0xE2, (char) 0x80, (char) (0x80 + k) };
      NkEntityPiece p;
      piece_general_punct (gz, utf8, 0, 0x2000 + k, 0, &p);
      gz->gpunct_id[k] = p.id;
      gz->gpunct_hash[k] = p.hash;
    }

  /* family name id -> GArray of entry indices, in load order */
  g_autoptr (GHashTable) by_name = g_hash_table_new_full (NULL, NULL, NULL,
                                                          (GDestroyNotify) g_array_unref);
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < gz->entries->len; i++)
    {
      NkEntityEntry *e = &g_array_index (gz->entries, NkEntityEntry, i);
      if (e->label != NK_ENTITY_PERSON)
        continue;
      e->surname_id = entry_surname (gz, e);
      if (e->surname_id == NK_ENTITY_NO_ID)
        continue;
      GArray *list = g_hash_table_lookup (by_name, GUINT_TO_POINTER (e->surname_id + 1));
      if (!list)
        {
          list = g_array_new (FALSE, FALSE, sizeof (gint32));
          g_hash_table_insert (by_name, GUINT_TO_POINTER (e->surname_id + 1), list);
          g_array_append_val (order, e->surname_id);
        }
      gint32 idx = i;
      g_array_append_val (list, idx);
    }
  for (guint k = 0; k < order->len; k++)
    {
      guint32 id = g_array_index (order, guint32, k);
      GArray *list = g_hash_table_lookup (by_name, GUINT_TO_POINTER (id + 1));
      gint32 node = trie_add_child (gz, 0, id);
      gboolean explicit_alias = FALSE;
      for (gint32 r = g_array_index (gz->node_first, gint32, node); r >= 0;
           r = g_array_index (gz->records, NkEntityRecord, r).next)
        if (g_array_index (gz->records, NkEntityRecord, r).kind == NK_RECORD_ENTRY)
          explicit_alias = TRUE;
      if (explicit_alias)
        continue;
      NkEntityRecord rec = { NK_RECORD_SURNAME, -1, 1, NULL, -1, list->len,
                             gz->cands->len, -1, TRUE };
      for (guint j = 0; j < list->len; j++)
        {
          gint32 idx = g_array_index (list, gint32, j);
          g_array_append_val (gz->cands, idx);
          if (rec.default_cand < 0 &&
              g_array_index (gz->entries, NkEntityEntry, idx).is_default)
            rec.default_cand = idx;
        }
      node_append_record (gz, node, &rec);
    }
  /* the root's children as an array by dictionary id */
  gz->root_child = g_array_sized_new (FALSE, FALSE, sizeof (gint32), gz->dict.n);
  for (guint32 id = 0; id < gz->dict.n; id++)
    {
      gint32 child = nk_entity_trie_child (gz, 0, id);
      g_array_append_val (gz->root_child, child);
    }
  start_flags_build (gz);
  /* the nodes without children, where a trie walk stops without probing the edges */
  gz->node_leaf = g_malloc (gz->node_first->len);
  memset (gz->node_leaf, 1, gz->node_first->len);
  for (guint i = 0; i < gz->edge_cap; i++)
    if (gz->edges[i].used)
      gz->node_leaf[gz->edges[i].key >> 32] = 0;
  gz->frozen = TRUE;
}
