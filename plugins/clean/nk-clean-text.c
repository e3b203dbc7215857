/* nk-clean-text.c — splitting raw input into normalised lines and joining the kept ones.
 *
 * Each raw line is repaired on its own (so every line keeps an exact byte range in the raw
 * input for meta.removed), control characters become spaces, whitespace runs collapse to
 * one space, and the line is put in Unicode NFC. Curly quotes and dashes stay as they are.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-clean"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "nk-clean-lines.h"
#include "nk-clean-private.h"

G_DEFINE_QUARK (nk-clean-error-quark, nk_clean_error)

static void nk_norm_class_init (void);

void
nk_clean_doc_init (NkCleanDoc *cd)
{
  static gsize classes_ready = 0;

  if (g_once_init_enter (&classes_ready))
    {
      nk_norm_class_init ();
      g_once_init_leave (&classes_ready, 1);
    }
  memset (cd, 0, sizeof *cd);
  cd->buf = g_string_sized_new (4096);
  cd->lines = g_array_new (FALSE, FALSE, sizeof (NkCleanLine));
  cd->feats = g_array_new (FALSE, FALSE, sizeof (NkCleanFeat));
  cd->meta.dates = g_ptr_array_new_with_free_func (g_free);
}

static void
nk_clean_meta_reset (NkCleanMeta *meta)
{
  g_clear_pointer (&meta->title, g_free);
  g_clear_pointer (&meta->publisher, g_free);
  g_clear_pointer (&meta->date, g_free);
  g_clear_pointer (&meta->dateline, g_free);
  g_clear_pointer (&meta->author, g_free);
  if (meta->dates != NULL)
    g_ptr_array_set_size (meta->dates, 0);
}

void
nk_clean_doc_clear (NkCleanDoc *cd)
{
  nk_clean_meta_reset (&cd->meta);
  g_clear_pointer (&cd->meta.dates, g_ptr_array_unref);
  if (cd->buf != NULL)
    g_string_free (cd->buf, TRUE);
  g_clear_pointer (&cd->lines, g_array_unref);
  g_clear_pointer (&cd->feats, g_array_unref);
  memset (cd, 0, sizeof *cd);
}

void
nk_clean_doc_reset (NkCleanDoc *cd)
{
  g_string_truncate (cd->buf, 0);
  g_array_set_size (cd->lines, 0);
  g_array_set_size (cd->feats, 0);
  cd->para = 0;
  cd->para_open = FALSE;
  cd->n_replacements = 0;
  cd->n_controls = 0;
  nk_clean_meta_reset (&cd->meta);
}

/* Length of the maximal invalid subpart at @p (WHATWG / Unicode 'best practice'), or of
 * the valid sequence when *@cp is set. Returns the byte count consumed (>= 1). */
static gsize
nk_utf8_decode (const guchar *p, gsize avail, gunichar *cp, gboolean *valid)
{
  guchar b = p[0];
  guint need;
  gunichar c;
  guchar lo = 0x80, hi = 0xBF;

  *valid = FALSE;
  if (b >= 0xC2 && b <= 0xDF)
    { need = 1; c = b & 0x1F; }
  else if (b >= 0xE0 && b <= 0xEF)
    {
      need = 2; c = b & 0x0F;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    }
  else if (b >= 0xF0 && b <= 0xF4)
    {
      need = 3; c = b & 0x07;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
  else
    return 1;

  for (guint i = 1; i <= need; i++)
    {
      if (i >= avail || p[i] < lo || p[i] > hi)
        return i;
      c = (c << 6) | (p[i] & 0x3F);
      lo = 0x80;
      hi = 0xBF;
    }
  *cp = c;
  *valid = TRUE;
  return need + 1;
}

static gboolean
nk_is_space_cp (gunichar c)
{
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0x85;
}

/* Invisible characters that only get in the way of matching: zero-width space, word joiner,
 * BOM / zero-width no-break space, soft hyphen. ZWJ/ZWNJ stay: they matter in some scripts. */
static gboolean
nk_is_dropped_cp (gunichar c)
{
  return c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0xAD;
}

/* Code points that are certainly NFC and cannot combine with a neighbour: Latin-1 and
 * Latin Extended below the combining marks, general punctuation (curly quotes, dashes) and
 * U+FFFD. Anything else sends the line through g_utf8_normalize(). */
static gboolean
nk_is_nfc_safe_cp (gunichar c)
{
  return c < 0x300 || (c >= 0x2002 && c <= 0x206F) || c == 0xFFFD;
}

/* Byte classes of the normaliser. */
enum {
  NK_NC_PLAIN = 0,  /* printable ASCII: copied */
  NK_NC_SPACE,      /* ASCII whitespace */
  NK_NC_CONTROL,    /* other C0 controls, NUL, DEL: become spaces */
  NK_NC_MULTI,      /* first byte of a multi-byte (or invalid) sequence */
};

static guint8 nk_norm_class[256];

static void
nk_norm_class_init (void)
{
  for (guint c = 0; c < 256; c++)
    nk_norm_class[c] = c >= 0x80 ? NK_NC_MULTI
                     : (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') ? NK_NC_SPACE
                     : (c < 0x20 || c == 0x7F) ? NK_NC_CONTROL
                     : NK_NC_PLAIN;
}

/* Counts characters and spaces of a normalised line (after NFC changed it). */
static void
nk_count_line (const char *s, gsize len, guint *chars, guint *spaces)
{
  guint c = 0, sp = 0;
  for (gsize i = 0; i < len; i++)
    {
      c += ((guchar) s[i] & 0xC0) != 0x80;
      sp += s[i] == ' ';
    }
  *chars = c;
  *spaces = sp;
}

#define NK_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define NK_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)
#define NK_LOWS  G_GUINT64_CONSTANT (0x7F7F7F7F7F7F7F7F)

/* High bit set in exactly the bytes of @v that are zero. */
static inline guint64
nk_zero_bytes (guint64 v)
{
  return ~(((v & NK_LOWS) + NK_LOWS) | v | NK_LOWS);
}

/* Whether the 8 bytes at @p can be copied as they are: printable ASCII and single spaces
 * only, not starting with a space where one was just written (or at the line start). On
 * success adds the spaces to @spaces. */
static inline gboolean
nk_chunk_plain (const guchar *p, gboolean after_space, guint *spaces)
{
  guint64 v;

  memcpy (&v, p, 8);
  if ((v & NK_HIGHS) != 0 ||                                 /* non-ASCII */
      ((v - 0x20 * NK_ONES) & ~v & NK_HIGHS) != 0 ||          /* below 0x20 */
      nk_zero_bytes (v ^ (0x7F * NK_ONES)) != 0)              /* DEL */
    return FALSE;
  guint64 sp = nk_zero_bytes (v ^ (0x20 * NK_ONES));
  if (sp == 0)
    return TRUE;
  if ((after_space && p[0] == ' ') || (sp & (sp << 8)) != 0 || (sp & (sp >> 8)) != 0)
    return FALSE;
  *spaces += (guint) (((sp >> 7) * NK_ONES) >> 56);   /* one bit per space byte: sum */
  return TRUE;
}

/* Appends the normalised form of one raw line to cd->buf and counts its characters and
 * spaces. Writes straight into the buffer; whitespace runs become one space, trimmed at
 * both ends. Runs of plain ASCII are copied 8 bytes at a time. This is the general path:
 * the lines nk_line_is_normal() accepts are copied as they are. */
static gsize
nk_normalise_general (NkCleanDoc *cd, const char *bytes, gsize len,
                      guint *n_chars, guint *n_spaces)
{
  GString *buf = cd->buf;
  const guchar *p = (const guchar *) bytes, *end = p + len;
  gsize start = buf->len;
  gboolean need_nfc = FALSE;
  guint spaces = 0, extra = 0;   /* extra: bytes beyond the first of each character */
  char *out, *o;

  /* valid UTF-8 never grows (whitespace only shrinks); only U+FFFD for an invalid byte
   * does, and that path makes room for itself */
  g_string_set_size (buf, start + len + 16);
  out = o = buf->str + start;
  while (p < end)
    {
      if (end - p >= 8 && nk_chunk_plain (p, o == out || o[-1] == ' ', &spaces))
        {
          memcpy (o, p, 8);
          o += 8;
          p += 8;
          continue;
        }
      /* one character the slow way */
      guchar b = *p;
      guint8 k = nk_norm_class[b];

      if (k == NK_NC_PLAIN)
        {
          *o++ = (char) b;
          p++;
          continue;
        }
      if (k != NK_NC_MULTI)
        {
          cd->n_controls += k == NK_NC_CONTROL;
          p++;
          /* emit at most one space, never at the start */
          if (o > out && o[-1] != ' ')
            {
              *o++ = ' ';
              spaces++;
            }
          continue;
        }

      gunichar c = 0;
      gboolean valid;
      gsize n = nk_utf8_decode (p, end - p, &c, &valid);

      if (valid && (nk_is_space_cp (c) || (c >= 0x80 && c <= 0x9F)))
        {
          cd->n_controls += c >= 0x80 && c <= 0x9F && c != 0x85;
          if (o > out && o[-1] != ' ')
            {
              *o++ = ' ';
              spaces++;
            }
        }
      else if (valid && nk_is_dropped_cp (c))
        ;
      else if (valid)
        {
          memcpy (o, p, n);
          o += n;
          extra += n - 1;
          need_nfc |= !nk_is_nfc_safe_cp (c);
        }
      else
        {
          gsize used = o - buf->str, room = buf->len - used;
          if (room < 3 + (gsize) (end - p) + 8)
            {
              gsize out_off = out - buf->str;
              g_string_set_size (buf, buf->len + len + 16);
              out = buf->str + out_off;
              o = buf->str + used;
            }
          memcpy (o, "\xEF\xBF\xBD", 3);
          o += 3;
          extra += 2;
          cd->n_replacements++;
        }
      p += n;
    }
  if (o > out && o[-1] == ' ')
    {
      o--;
      spaces--;
    }
  g_string_truncate (buf, o - buf->str);
  *n_chars = (guint) (o - out) - extra;
  *n_spaces = spaces;

  if (need_nfc)
    {
      g_autofree char *nfc = g_utf8_normalize (buf->str + start, buf->len - start,
                                               G_NORMALIZE_NFC);
      if (nfc != NULL)
        {
          g_string_truncate (buf, start);
          g_string_append (buf, nfc);
          nk_count_line (buf->str + start, buf->len - start, n_chars, n_spaces);
        }
    }
  return buf->len - start;
}

/* A character of a normal line that is neither ASCII nor to be changed: valid, not a space
 * or C1 control, not dropped, and certainly NFC. Returns its byte length, or 0. */
static inline gsize
nk_verbatim_char (const guchar *p, gsize avail)
{
  gunichar c = 0;
  gboolean valid = TRUE;
  gsize n;

  /* Latin-1 and Latin Extended (C2..DF) and general punctuation (E2): decoded inline;
   * E2 with two continuation bytes is always a valid sequence */
  if (p[0] >= 0xC2 && p[0] <= 0xDF && avail >= 2 && (p[1] & 0xC0) == 0x80)
    {
      c = ((gunichar) (p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      n = 2;
    }
  else if (p[0] == 0xE2 && avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
    {
      c = 0x2000 | ((gunichar) (p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      n = 3;
    }
  else
    n = nk_utf8_decode (p, avail, &c, &valid);

  if (!valid || c <= 0x9F || nk_is_space_cp (c) || nk_is_dropped_cp (c) ||
      !nk_is_nfc_safe_cp (c))
    return 0;
  return n;
}

static inline guint
nk_popcount32 (guint32 x)
{
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

#ifdef __SSE2__
/* Adds the per-byte counters of @acc to @total. */
static inline void
nk_sum_bytes (__m128i acc, guint *total)
{
  __m128i s = _mm_sad_epu8 (acc, _mm_setzero_si128 ());
  *total += (guint) _mm_cvtsi128_si32 (s) + (guint) _mm_extract_epi16 (s, 4);
}

/* Skips the longest prefix of @p made of whole 16-byte blocks of printable ASCII without a
 * double space (reading one byte past each block, so it stops 17 bytes before @end) and
 * adds its spaces; stops at the first byte that needs a look (non-ASCII, control, DEL, the
 * first of two spaces). About one instruction per byte: most of a line goes here. */
static const guchar *
nk_skip_plain (const guchar *p, const guchar *end, guint *spaces)
{
  const __m128i sp = _mm_set1_epi8 (' '), lo = _mm_set1_epi8 (0x20), del = _mm_set1_epi8 (0x7F);
  __m128i acc = _mm_setzero_si128 ();   /* spaces per byte lane, flushed before it wraps */
  guint blocks = 0;

  while (end - p >= 17)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) p);
      __m128i next = _mm_loadu_si128 ((const __m128i *) (const void *) (p + 1));
      __m128i is_sp = _mm_cmpeq_epi8 (v, sp);
      /* signed compare: bytes >= 0x80 are negative, so this catches them with the C0 range */
      __m128i bad = _mm_or_si128 (_mm_or_si128 (_mm_cmplt_epi8 (v, lo), _mm_cmpeq_epi8 (v, del)),
                                  _mm_and_si128 (is_sp, _mm_cmpeq_epi8 (next, sp)));
      guint32 stop = (guint32) _mm_movemask_epi8 (bad);

      if (stop != 0)
        {
          guint k = (guint) g_bit_nth_lsf (stop, -1);   /* the first byte to look at */
          guint32 spm = (guint32) _mm_movemask_epi8 (is_sp);
          *spaces += nk_popcount32 (spm & ((1u << k) - 1));
          p += k;
          break;
        }
      acc = _mm_sub_epi8 (acc, is_sp);   /* is_sp is -1 per space */
      p += 16;
      if (++blocks == 255)
        {
          nk_sum_bytes (acc, spaces);
          acc = _mm_setzero_si128 ();
          blocks = 0;
        }
    }
  nk_sum_bytes (acc, spaces);
  return p;
}
#endif

/* Whether a raw line is already normal — printable ASCII and verbatim characters, single
 * spaces, none at either end — which is what nearly every line of clean text is. Sets its
 * character and space counts. */
static gboolean
nk_line_is_normal (const char *bytes, gsize len, guint *n_chars, guint *n_spaces)
{
  const guchar *p = (const guchar *) bytes, *end = p + len;
  guint spaces = 0;
  gsize extra = 0;

  if (len == 0)
    {
      *n_chars = *n_spaces = 0;
      return TRUE;
    }
  if (p[0] == ' ' || end[-1] == ' ')
    return FALSE;
  while (p < end)
    {
#ifdef __SSE2__
      if (end - p >= 17)
        p = nk_skip_plain (p, end, &spaces);   /* stops before the end */
#endif
      guchar b = *p;
      if (b == ' ')
        {
          /* neither the first nor the last byte (those are not spaces), so both
           * neighbours exist */
          if (p[1] == ' ' || p[-1] == ' ')
            return FALSE;
          spaces++;
          p++;
        }
      else if (b > 0x20 && b < 0x7F)
        p++;
      else if (b < 0x80)
        return FALSE;   /* control or other whitespace */
      else
        {
          gsize n = nk_verbatim_char (p, end - p);
          if (n == 0)
            return FALSE;
          extra += n - 1;
          p += n;
        }
    }
  *n_chars = (guint) (len - extra);
  *n_spaces = spaces;
  return TRUE;
}

/* Appends the normalised form of one raw line to cd->buf; returns its length. */
static gsize
nk_clean_normalise_append (NkCleanDoc *cd, const char *bytes, gsize len,
                           guint *n_chars, guint *n_spaces)
{
  GString *buf = cd->buf;

  if (!nk_line_is_normal (bytes, len, n_chars, n_spaces))
    return nk_normalise_general (cd, bytes, len, n_chars, n_spaces);
  gsize start = buf->len;
  if (start + len >= buf->allocated_len)
    g_string_set_size (buf, start + len);   /* grows the buffer (and sets the length) */
  memcpy (buf->str + start, bytes, len);
  buf->len = start + len;
  buf->str[buf->len] = '\0';
  return len;
}

void
nk_clean_doc_paragraph_break (NkCleanDoc *cd)
{
  if (cd->para_open)
    cd->para++;
  cd->para_open = FALSE;
}

void
nk_clean_doc_add_line (NkCleanDoc *cd,
                       const char *bytes,
                       gsize       len,
                       gsize       raw_start,
                       gsize       raw_end,
                       guint       link_chars,
                       guint       html_flags)
{
  gsize start = cd->buf->len;
  guint n_chars, n_spaces;
  gsize n = nk_clean_normalise_append (cd, bytes, len, &n_chars, &n_spaces);

  if (n == 0)
    {
      /* a blank line separates paragraphs */
      nk_clean_doc_paragraph_break (cd);
      return;
    }
  NkCleanLine line = {
    .text_start = start,
    .text_len = n,
    .n_chars = n_chars,
    .n_spaces = n_spaces,
    .raw_start = raw_start,
    .raw_end = raw_end,
    .para = cd->para,
    .link_chars = link_chars,
    .html_flags = html_flags,
    .cls = NK_CLEAN_BODY,
    .reason = NULL,
  };
  guint n_lines = cd->lines->len;
  g_array_set_size (cd->lines, n_lines + 1);   /* cheaper than an append of one */
  g_array_index (cd->lines, NkCleanLine, n_lines) = line;
  cd->para_open = TRUE;
}

/* Splits on \n, \r\n and lone \r. */
void
nk_clean_doc_add_raw_text (NkCleanDoc *cd, const char *raw, gsize len)
{
  gsize pos = 0;
  /* most text has no \r at all: then one search for it is enough */
  gboolean has_cr = memchr (raw, '\r', len) != NULL;

  while (pos < len)
    {
      const char *nl = memchr (raw + pos, '\n', len - pos);
      gsize end = nl != NULL ? (gsize) (nl - raw) : len;
      const char *cr = has_cr ? memchr (raw + pos, '\r', end - pos) : NULL;
      gsize next;

      if (cr != NULL && (gsize) (cr - raw) + 1 < end)
        {
          /* a lone \r inside the line: old Mac line end */
          end = cr - raw;
          next = end + 1;
        }
      else
        {
          next = nl != NULL ? end + 1 : len;
          if (end > pos && raw[end - 1] == '\r')
            end--;
        }
      if (end == pos)
        nk_clean_doc_paragraph_break (cd);   /* what nk_clean_doc_add_line () does with it */
      else
        nk_clean_doc_add_line (cd, raw + pos, end - pos, pos, end, 0, 0);
      pos = next;
    }
}

void
nk_clean_doc_build_text (const NkCleanDoc *cd, gboolean keep_boilerplate, GString *out)
{
  const NkCleanLine *lines = (const NkCleanLine *) (const void *) cd->lines->data;
  gsize need = 0, at = out->len;
  gboolean first = TRUE;
  guint last_para = 0;

  /* the exact size first, then plain copies into the reserved buffer */
  for (guint i = 0; i < cd->lines->len; i++)
    if (lines[i].cls == NK_CLEAN_BODY || keep_boilerplate)
      need += lines[i].text_len + 2;
  g_string_set_size (out, at + need);
  for (guint i = 0; i < cd->lines->len; i++)
    {
      const NkCleanLine *line = &lines[i];

      if (line->cls != NK_CLEAN_BODY && !keep_boilerplate)
        continue;
      if (!first)
        {
          out->str[at++] = '\n';
          if (line->para != last_para)
            out->str[at++] = '\n';
        }
      memcpy (out->str + at, nk_clean_line_text (cd, line), line->text_len);
      at += line->text_len;
      first = FALSE;
      last_para = line->para;
    }
  g_string_truncate (out, at);
}
