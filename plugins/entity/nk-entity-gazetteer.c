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

#include <string.h>

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
          buf[o++] = g_ascii_tolower ((char) c);
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

static guint32
nk_hash_bytes (const char *s, gsize len)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) s[i]) * 16777619u;
  return h;
}

static inline guint64
key_prefix (const char *s, gsize len)
{
  guint64 v = 0;
  memcpy (&v, s, MIN (len, sizeof v));
  return v;
}

static inline NkDictSlot *
dict_find_slot_prefix (const NkDict *d, const char *folded, gsize len, guint32 h,
                       guint64 prefix)
{
  static NkDictSlot absent = { 0, 0, 0, 0, NK_ENTITY_NO_ID };
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

static void
dict_init (NkDict *d)
{
  d->pool = g_string_new (NULL);
  d->cap = 512;
  d->n = 0;
  d->slots = g_new (NkDictSlot, d->cap);
  for (guint i = 0; i < d->cap; i++)
    d->slots[i].id = NK_ENTITY_NO_ID;
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
  d->slots = g_new (NkDictSlot, d->cap);
  for (guint i = 0; i < d->cap; i++)
    d->slots[i].id = NK_ENTITY_NO_ID;
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
  s->len = len;
  s->id = d->n++;
  g_string_append_len (d->pool, folded, len);
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

gboolean
nk_entity_is_common (const NkEntityGazetteer *gz, const char *text, const NkEntityPiece *piece)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (text + piece->start, piece->end - piece->start, buf, sizeof buf);
  return n && dict_find_slot (&gz->common, buf, n, piece->hash)->id != NK_ENTITY_NO_ID;
}

static guint32
intern_str (NkEntityGazetteer *gz, const char *word)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (word, strlen (word), buf, sizeof buf);
  return n ? nk_entity_dict_intern (gz, buf, n) : NK_ENTITY_NO_ID;
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

/* Per byte: the folded (lower-case) ASCII letter or digit, 0 for other ASCII bytes, 1 for
 * a byte of a multi-byte character. One load classifies and folds a byte of a word. */
static const guchar nk_ascii_fold[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
  0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
  0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define L NK_ASCII_LOWER
#define U NK_ASCII_UPPER
#define D NK_ASCII_DIGIT
enum { NK_ASCII_LOWER = 1, NK_ASCII_UPPER = 2, NK_ASCII_DIGIT = 4 };

/* Per byte: what kind of ASCII word character it is, or 0. */
static const guchar nk_ascii_kind[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0,
  0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
  U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0,
  0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
  L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
#undef L
#undef U
#undef D

/* One ASCII word piece from @i into *@out, folded, hashed and looked up in one pass;
 * returns the end, or @i when a non-ASCII character makes it a job for the general path.
 * The loop is the hottest in the stage: one table load folds and classifies a byte, and
 * only the first NK_ENTITY_MAX_PIECE bytes are stored (a longer piece is never looked
 * up). The letter kinds are worked out afterwards, and only for a piece that does not
 * end in a lower-case letter (capitals, digits: rare), since one that does is neither
 * all capitals nor all digits. */
static inline guint32
scan_ascii_word (const NkEntityGazetteer *gz, const char *text, guint32 i, guint32 end,
                 guint16 space, NkEntityPiece *out)
{
  char buf[NK_ENTITY_MAX_PIECE];
  const guchar *t = (const guchar *) text;
  const guchar *p = t + i, *stop = t + end;
  const guchar *lim = end - i > NK_ENTITY_MAX_PIECE ? p + NK_ENTITY_MAX_PIECE : stop;
  char *b = buf;
  guint32 s = i, h = 2166136261u;
  guint64 prefix = 0;

  /* zeroed so that its first 8 bytes are the dictionary's key prefix of a short piece */
  memcpy (buf, &prefix, sizeof prefix);

  /* unrolled: the loop's own bookkeeping is a third of its instructions */
#pragma GCC unroll 4
  for (; p < lim; p++)
    {
      guchar lo = nk_ascii_fold[*p];
      if (lo <= 1)
        break;
      *b++ = (char) lo;
      h = (h ^ lo) * 16777619u;
    }
  if (p == lim)
    while (p < stop && nk_ascii_fold[*p] > 1)
      p++;
  if (p < stop && nk_ascii_fold[*p] == 1)
    return s;
  i = (guint32) (p - t);

  guint n = i - s;
  guchar first = t[s];
  guint16 shape = NK_PIECE_WORD | space;
  if (first >= 'A' && first <= 'Z')
    shape |= NK_PIECE_CAP;
  else if (first >= 'a')
    shape |= NK_PIECE_LOWER;
  if (!(nk_ascii_kind[t[i - 1]] & NK_ASCII_LOWER))
    {
      guint kinds = 0;
      for (guint32 k = s; k < i; k++)
        kinds |= nk_ascii_kind[t[k]];
      if ((kinds & (NK_ASCII_LOWER | NK_ASCII_UPPER)) == NK_ASCII_UPPER)
        {
          guint letters = 0;
          for (guint32 k = s; k < i && letters < 2; k++)
            letters += (nk_ascii_kind[t[k]] & NK_ASCII_UPPER) != 0;
          if (letters >= 2)
            shape |= NK_PIECE_ALLCAPS;
        }
      if (kinds == NK_ASCII_DIGIT)
        shape |= NK_PIECE_DIGITS;
    }
  out->start = s;
  out->end = i;
  out->shape = shape;
  out->pad = 0;
  out->id = NK_ENTITY_NO_ID;
  out->hash = 0;
  if (n <= sizeof buf)
    {
      out->hash = h;
      if (gz)
        {
          memcpy (&prefix, buf, sizeof prefix);
          out->id = dict_find_slot_prefix (&gz->dict, buf, n, h, prefix)->id;
        }
    }
  return i;
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
        out->id = dict_find_slot (&gz->dict, buf, n, out->hash)->id;
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

void
nk_entity_scan_pieces (const NkEntityGazetteer *gz, const char *text, guint32 start,
                       guint32 end, GArray *out)
{
  guint32 i = start;
  guint16 space = NK_PIECE_SPACE_BEFORE;
  guint base = out->len;

  /* at most one piece per byte: write straight into the array */
  g_array_set_size (out, base + (end - start));
  NkEntityPiece *pieces = &g_array_index (out, NkEntityPiece, 0);
  guint o = base;

  while (i < end)
    {
      guchar c = (guchar) text[i];
      gunichar u;
      guint32 clen;
      if (c < 0x80)
        {
          if (nk_ascii_fold[c] > 1)
            {
              guint32 e = scan_ascii_word (gz, text, i, end, space, &pieces[o]);
              if (e > i)
                {
                  o++;
                  i = e;
                  space = 0;
                  /* the usual single space after a word, without a trip round the loop */
                  if (i < end && text[i] == ' ')
                    {
                      space = NK_PIECE_SPACE_BEFORE;
                      i++;
                    }
                  continue;
                }
            }
          else if (ascii_space (c))
            {
              space = NK_PIECE_SPACE_BEFORE;
              i++;
              continue;
            }
          else
            {
              /* ASCII punctuation: one piece, id from the table */
              NkEntityPiece piece = { i, i + 1, gz ? gz->punct_id[c] : NK_ENTITY_NO_ID,
                                      (2166136261u ^ c) * 16777619u, space, 0 };
              pieces[o++] = piece;
              space = 0;
              i++;
              continue;
            }
          u = c;
          clen = 1;
        }
      else if (c == 0xE2 && i + 2 < end && (guchar) text[i + 1] == 0x80 &&
               ((guchar) text[i + 2] & 0xC0) == 0x80)
        {
          guint cls = general_punct_class (0x2000 + ((guchar) text[i + 2] & 0x3F));
          if (cls == 1)
            {
              space = NK_PIECE_SPACE_BEFORE;
              i += 3;
              continue;
            }
          if (cls == 2)
            {
              piece_general_punct (gz, text, i, 0x2000 + ((guchar) text[i + 2] & 0x3F), space,
                                   &pieces[o++]);
              space = 0;
              i += 3;
              continue;
            }
          u = 0x2000 + ((guchar) text[i + 2] & 0x3F);
          clen = 3;
        }
      else
        {
          u = g_utf8_get_char_validated (text + i, end - i);
          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              i++;
              continue;
            }
          clen = g_utf8_next_char (text + i) - (text + i);
        }
      if (is_space_char (u))
        {
          space = NK_PIECE_SPACE_BEFORE;
          i += clen;
          continue;
        }
      if (!is_word_char (u))
        {
          piece_general (gz, text, i, i + clen, space, &pieces[o++]);
          space = 0;
          i += clen;
          continue;
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
      piece_general (gz, text, s, i, piece_shape (text + s, text + i) | space, &pieces[o++]);
      space = 0;
    }
  g_array_set_size (out, o);
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
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (NkEntityPiece));
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
  dict_init (&gz->common);
  gz->word_flags = g_array_new (FALSE, FALSE, sizeof (guint32));
  gz->word_num = g_array_new (FALSE, FALSE, sizeof (guint8));
  gz->node_first = g_array_new (FALSE, FALSE, sizeof (gint32));
  gz->records = g_array_new (FALSE, FALSE, sizeof (NkEntityRecord));
  gz->entries = g_array_new (FALSE, FALSE, sizeof (NkEntityEntry));
  gz->cands = g_array_new (FALSE, FALSE, sizeof (gint32));
  gz->entry_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
  dict_clear (&gz->common);
  g_array_unref (gz->word_flags);
  g_array_unref (gz->word_num);
  g_array_unref (gz->node_first);
  if (gz->root_child)
    g_array_unref (gz->root_child);
  g_free (gz->edges);
  g_array_unref (gz->records);
  g_array_unref (gz->entries);
  g_array_unref (gz->cands);
  g_hash_table_unref (gz->entry_index);
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

static char *
read_file (const char *path, GError **error)
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
  if (!g_utf8_validate (data, -1, NULL))
    {
      g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                   "%s: not valid UTF-8", path);
      g_free (data);
      return NULL;
    }
  return data;
}

static gboolean
load_tsv_line (NkEntityGazetteer *gz, char *line, const char *rule, GError **error)
{
  g_auto (GStrv) f = g_strsplit (line, "\t", 5);
  guint n = g_strv_length (f);
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
  g_auto (GStrv) aliases = n > 2 ? g_strsplit (f[2], "|", -1) : NULL;
  for (guint i = 0; aliases && aliases[i]; i++)
    g_strstrip (aliases[i]);
  return nk_entity_gazetteer_add (gz, g_strstrip (f[0]), label,
                                  (const char *const *) aliases, n > 3 ? f[3] : NULL,
                                  rule, error);
}

gboolean
nk_entity_gazetteer_load_tsv (NkEntityGazetteer *gz, const char *path, const char *rule,
                              GError **error)
{
  g_autofree char *data = read_file (path, error);
  if (!data)
    return FALSE;
  char *line = data;
  for (guint lineno = 1; line; lineno++)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      gsize len = strlen (line);
      if (len && line[len - 1] == '\r')
        line[len - 1] = '\0';
      const char *t = line;
      while (*t == ' ')
        t++;
      if (*t && *t != '#')
        {
          GError *local = NULL;
          if (!load_tsv_line (gz, line, rule, &local))
            {
              g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE, "%s:%u: %s",
                           path, lineno, local->message);
              g_error_free (local);
              return FALSE;
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return TRUE;
}

/* A word list: words separated by white space, '#' starts a comment line. */
static gboolean
load_words (NkEntityGazetteer *gz, const char *path, guint32 flag, gboolean titles,
            GError **error)
{
  g_autofree char *data = read_file (path, error);
  if (!data)
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (!*l || *l == '#')
        continue;
      if (titles)
        {
          if (!add_title (gz, l))
            {
              g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                           "%s:%u: title “%s” has no letters or is too long", path, i + 1, l);
              return FALSE;
            }
          continue;
        }
      g_auto (GStrv) words = g_strsplit_set (l, " \t", -1);
      for (guint j = 0; words[j]; j++)
        if (*words[j] && flag == NK_WORD_COMMON)
          {
            char buf[NK_ENTITY_MAX_PIECE];
            gsize n = nk_entity_fold (words[j], strlen (words[j]), buf, sizeof buf);
            gboolean added;
            if (n)
              dict_add (&gz->common, buf, n, &added);
          }
        else if (*words[j])
          {
            guint32 id = intern_str (gz, words[j]);
            if (id != NK_ENTITY_NO_ID)
              g_array_index (gz->word_flags, guint32, id) |= flag;
          }
    }
  return TRUE;
}

/* heads.tsv: "word<TAB>FACILITY|LOC|-[<TAB>first]". */
static gboolean
load_heads (NkEntityGazetteer *gz, const char *path, GError **error)
{
  g_autofree char *data = read_file (path, error);
  if (!data)
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (!*l || *l == '#')
        continue;
      g_auto (GStrv) f = g_strsplit (l, "\t", -1);
      guint n = g_strv_length (f);
      guint32 flag = n < 2 ? 0 : g_str_equal (f[1], "FACILITY") ? NK_WORD_FAC_HEAD
                     : g_str_equal (f[1], "LOC") ? NK_WORD_LOC_HEAD
                     : g_str_equal (f[1], "-") ? NK_WORD_NONAME : 0;
      if (!flag || (n > 2 && !g_str_equal (f[2], "first")) || n > 3)
        {
          g_set_error (error, NK_ENTITY_ERROR, NK_ENTITY_ERROR_PARSE,
                       "%s:%u: expected WORD<TAB>FACILITY, LOC or -, optionally <TAB>first",
                       path, i + 1);
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
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (NkEntityPiece));
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

void
nk_entity_gazetteer_freeze (NkEntityGazetteer *gz)
{
  g_return_if_fail (!gz->frozen);

  for (guint c = 0; c < 128; c++)
    {
      char ch = (char) c;
      gz->punct_id[c] = g_ascii_isalnum (ch) || ascii_space (c) || c == 0 ? NK_ENTITY_NO_ID
                        : nk_entity_dict_lookup (gz, &ch, 1);
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
  gz->frozen = TRUE;
}
