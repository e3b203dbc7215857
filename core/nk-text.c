/* nk-text.c — UTF-8 repair, byte -> code point offsets, JSON writing, atomic output files.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-text"

#include "nkpipe.h"
#include "nk-json-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- UTF-8 repair ------------------------------------------------------------------ */

/* Length of the maximal subpart of an ill-formed sequence at @p (Unicode 3.9, table 3-7):
 * how many bytes form a valid prefix of some well-formed sequence; at least 1. */
static gsize
nk_utf8_invalid_len (const guchar *p, gsize avail)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xBF;
  gsize need, i;

  if (c >= 0xC2 && c <= 0xDF)
    need = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      need = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      need = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
  else
    return 1;

  for (i = 1; i < need && i < avail; i++)
    {
      guchar b = p[i];
      if (b < lo || b > hi)
        break;
      lo = 0x80;
      hi = 0xBF;
    }
  return i;
}

/* Length of the well-formed sequence at @p, or 0 (Unicode 3.9, table 3-7). */
static inline gsize
nk_utf8_seq_len (const guchar *p, gsize avail)
{
  gsize n = nk_utf8_invalid_len (p, avail);
  guchar c = p[0];
  gsize need = c < 0xC2 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

  return c >= 0x80 && c <= 0xF4 && n == need && n > 1 ? n : 0;
}

/* Word-at-a-time over ASCII runs (most of news text), table check on the rest: about one
 * instruction per byte, several times faster than g_utf8_validate_len (). */
gboolean
nk_utf8_validate (const char *bytes, gsize len)
{
  const guchar *p = (const guchar *) bytes, *end = p + len;

  while (p < end)
    {
      gsize n;

#ifdef __SSE2__
      while (end - p >= 16 && !_mm_movemask_epi8 (_mm_loadu_si128 ((const __m128i *) p)))
        p += 16;
#endif
      while (end - p >= 8)
        {
          guint64 w;
          memcpy (&w, p, 8);
          if (w & G_GUINT64_CONSTANT (0x8080808080808080))
            break;
          p += 8;
        }
      while (p < end && *p < 0x80)
        p++;
      if (p >= end)
        break;
      n = nk_utf8_seq_len (p, (gsize) (end - p));
      if (n == 0)
        return FALSE;
      p += n;
    }
  return TRUE;
}

guint
nk_utf8_repair_append (GString *out, const char *bytes, gsize len)
{
  const char *p = bytes, *end = bytes + len;
  guint repaired = 0;

  while (p < end)
    {
      const char *bad;

      if (g_utf8_validate_len (p, (gsize) (end - p), &bad))
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, bad - p);
      if (*bad == '\0')
        {
          /* g_utf8_validate stops at NUL, which is valid UTF-8: keep it. */
          g_string_append_c (out, '\0');
          p = bad + 1;
          continue;
        }
      g_string_append (out, "\xEF\xBF\xBD");
      repaired++;
      p = bad + nk_utf8_invalid_len ((const guchar *) bad, (gsize) (end - bad));
    }
  return repaired;
}

/* ---- offsets ----------------------------------------------------------------------- */

#define NK_OFFSET_BLOCK 16   /* a lookup counts at most 15 bytes: two word loads */

struct _NkOffsetMap {
  const char *text;
  gsize       len;
  gboolean    ascii;
  guint32    *prefix;     /* code points before each block */
  gsize       n_blocks;
  gsize       cap;
};

NkOffsetMap *
nk_offset_map_new (void)
{
  return g_new0 (NkOffsetMap, 1);
}

void
nk_offset_map_free (NkOffsetMap *map)
{
  if (map == NULL)
    return;
  g_free (map->prefix);
  g_free (map);
}

/* UTF-8 continuation bytes (10xxxxxx) in the eight bytes of @w: one 0/1 per byte, summed
 * into the top byte by the multiply. */
static inline guint32
nk_word_continuations (guint64 w)
{
  guint64 m = (w & ~(w << 1) & G_GUINT64_CONSTANT (0x8080808080808080)) >> 7;

  return (guint32) ((m * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

static inline guint64
nk_load_word (const guchar *p)
{
  guint64 w;

  memcpy (&w, p, 8);
  return w;
}

/* Code points in @n bytes = bytes that are not continuation bytes. */
static inline guint32
nk_count_chars (const guchar *p, gsize n)
{
  guint32 cont = 0;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    cont += nk_word_continuations (nk_load_word (p + i));
  for (; i < n; i++)
    cont += (p[i] & 0xC0) == 0x80;
  return (guint32) n - cont;
}

void
nk_offset_map_reset (NkOffsetMap *map, const char *text, gsize len)
{
  const guchar *p = (const guchar *) text;
  guint32 total = 0;
  gsize full = len / NK_OFFSET_BLOCK, b;

  map->text = text;
  map->len = len;
  map->n_blocks = full + 1;
  if (map->n_blocks > map->cap)
    {
      map->cap = MAX (map->n_blocks, 2 * map->cap);
      map->prefix = g_renew (guint32, map->prefix, map->cap);
    }
  for (b = 0; b < full; b++)
    {
      const guchar *q = p + b * NK_OFFSET_BLOCK;

      map->prefix[b] = total;
      total += NK_OFFSET_BLOCK - nk_word_continuations (nk_load_word (q)) -
               nk_word_continuations (nk_load_word (q + 8));
    }
  map->prefix[full] = total;
  total += nk_count_chars (p + full * NK_OFFSET_BLOCK, len - full * NK_OFFSET_BLOCK);
  map->ascii = total == len;
}

/* The low @n bytes of @w (n < 8). */
static inline guint64
nk_word_head (guint64 w, guint n)
{
  return w & ((G_GUINT64_CONSTANT (1) << (8 * n)) - 1);
}

gsize
nk_offset_map_to_chars (const NkOffsetMap *map, gsize byte_offset)
{
  gsize block, base, r;
  const guchar *p;
  guint32 cont;

  g_return_val_if_fail (byte_offset <= map->len, 0);
  if (map->ascii)
    return byte_offset;
  block = byte_offset / NK_OFFSET_BLOCK;
  base = block * NK_OFFSET_BLOCK;
  r = byte_offset - base;
  p = (const guchar *) map->text + base;
  if (r == 0)
    return map->prefix[block];
  if (base + NK_OFFSET_BLOCK > map->len)   /* the last, partial block */
    return map->prefix[block] + nk_count_chars (p, r);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (r < 8)
    cont = nk_word_continuations (nk_word_head (nk_load_word (p), (guint) r));
  else if (r == 8)
    cont = nk_word_continuations (nk_load_word (p));
  else
    cont = nk_word_continuations (nk_load_word (p)) +
           nk_word_continuations (nk_word_head (nk_load_word (p + 8), (guint) r - 8));
  return map->prefix[block] + (guint32) r - cont;
#else
  return map->prefix[block] + nk_count_chars (p, r);
#endif
}

/* ---- JSON writing ------------------------------------------------------------------ */

/* 1 for bytes that need escaping inside a JSON string. */
static const guchar nk_json_escape_table[256] = {
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
};


/* The first byte in [@p, @end) that a JSON string cannot hold as it is — '"', '\\' or a
 * control character — or @end: where the writer must escape, and where the strict reader's
 * run of plain string bytes ends. */
const guchar *
nk_json_find_special (const guchar *p, const guchar *end)
{
#ifdef __SSE2__
  while (end - p >= 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) p);
      __m128i bad = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('"')),
                                  _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('\\')));
      int mask;

      /* max (v, 0x1f) == 0x1f exactly for the bytes <= 0x1f (unsigned) */
      bad = _mm_or_si128 (bad, _mm_cmpeq_epi8 (_mm_max_epu8 (v, _mm_set1_epi8 (0x1f)),
                                               _mm_set1_epi8 (0x1f)));
      mask = _mm_movemask_epi8 (bad);
      if (mask)
        return p + __builtin_ctz ((unsigned) mask);
      p += 16;
    }
#endif
  while (end - p >= 8 && !nk_json_word_needs_escape (nk_load_word (p)))
    p += 8;
  while (p < end && !nk_json_escape_table[*p])
    p++;
  return p;
}

/* Writes the escape of @c (a byte nk_json_escape_table marks) at @d; returns its end. */
static char *
nk_json_put_escape (char *d, guchar c)
{
  static const char hex[] = "0123456789abcdef";

  *d++ = '\\';
  switch (c)
    {
    case '"':  *d++ = '"'; break;
    case '\\': *d++ = '\\'; break;
    case '\n': *d++ = 'n'; break;
    case '\t': *d++ = 't'; break;
    case '\r': *d++ = 'r'; break;
    default:
      *d++ = 'u'; *d++ = '0'; *d++ = '0';
      *d++ = hex[c >> 4]; *d++ = hex[c & 15];
    }
  return d;
}

/* Copies runs of plain bytes straight into the buffer, reserved for the unescaped length
 * once; an escape (rare) reserves room for itself and the rest. */
void
nk_json_append_string (GString *out, const char *str, gssize len)
{
  const guchar *p = (const guchar *) str;
  const guchar *end;
  char *d;

  if (str == NULL)
    {
      nk_buf_append (out, "null", 4);
      return;
    }
  end = p + (len < 0 ? strlen (str) : (gsize) len);
  nk_buf_reserve (out, (gsize) (end - p) + 2);
  d = out->str + out->len;
  *d++ = '"';
  if (end - p <= 16 && nk_json_copy_plain (d, (const char *) p, (gsize) (end - p)))
    {
      d += end - p;
      p = end;
    }
  while (p < end)
    {
      const guchar *q = nk_json_find_special (p, end);

      memcpy (d, p, (gsize) (q - p));
      d += q - p;
      if (q >= end)
        break;
      out->len = d - out->str;
      nk_buf_reserve (out, 6 + (gsize) (end - q - 1) + 1);
      d = nk_json_put_escape (out->str + out->len, *q);
      p = q + 1;
    }
  *d++ = '"';
  out->len = d - out->str;
  out->str[out->len] = '\0';
}

static const char nk_digit_pairs[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

/* Decimal digits of @u (at least one): the bit length gives it to within one. */
static inline guint
nk_decimal_len (guint64 u)
{
  static const guint64 pow10[20] = {
    G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100),
    G_GUINT64_CONSTANT (1000), G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000),
    G_GUINT64_CONSTANT (1000000), G_GUINT64_CONSTANT (10000000),
    G_GUINT64_CONSTANT (100000000), G_GUINT64_CONSTANT (1000000000),
    G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000),
    G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (10000000000000),
    G_GUINT64_CONSTANT (100000000000000), G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (10000000000000000), G_GUINT64_CONSTANT (100000000000000000),
    G_GUINT64_CONSTANT (1000000000000000000), G_GUINT64_CONSTANT (10000000000000000000),
  };
  /* log10 (2) ~ 1233 / 4096; u | 1 makes 0 one digit and changes no comparison (the powers
   * past 1 are even) */
  guint t = ((64 - (guint) __builtin_clzll (u | 1)) * 1233) >> 12;

  return t + 1 - ((u | 1) < pow10[t]);
}

/* Writes the digits of @u (nk_decimal_len () of them) ending at @end, two a step. */
static inline void
nk_write_digits (char *end, guint64 u)
{
  char *p = end;

  while (u >= 100)
    {
      p -= 2;
      memcpy (p, nk_digit_pairs + 2 * (u % 100), 2);
      u /= 100;
    }
  if (u >= 10)
    memcpy (p - 2, nk_digit_pairs + 2 * u, 2);
  else
    p[-1] = (char) ('0' + u);
}

void
nk_json_append_int (GString *out, gint64 value)
{
  guint64 u = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  guint neg = value < 0, n = nk_decimal_len (u);
  char *p;

  /* Offsets are written millions of times per corpus: no printf and no copy, the digits go
   * straight into the buffer, two a step. */
  nk_buf_reserve (out, n + neg);
  p = out->str + out->len;
  *p = '-';
  nk_write_digits (p + neg + n, u);
  out->len += n + neg;
  out->str[out->len] = '\0';
}

/* Doubles with at most 6 decimals below 1e9 (scores rounded by the stages that make them)
 * take a fast path: the value is k-digit decimal d / 10^k exactly when that division gives the
 * same double back, and then those digits are the shortest round-trip form. */
static gboolean
nk_json_append_short_double (GString *out, double value)
{
  double a = fabs (value);
  guint64 digits, ip, frac, w;
  guint k, n_ip, neg;
  char f[8], *p;

  if (!(a < 1e9))
    return FALSE;
  /* a * 1e6 < 1e15 is exact in a gint64; rounded by truncating x + 0.5, not nearbyint (),
   * which saves and restores the floating-point environment (when the digits divide back
   * to @a, x lies far closer to them than any tie, so both roundings agree). Two decimals
   * of at most 6 places differ by 1e-6 or more, more than a double's spacing below 1e9,
   * so the digits less their trailing zeros are the fewest decimals that give @a back. */
  digits = (guint64) (gint64) (a * 1e6 + 0.5);
  if ((double) digits / 1e6 != a)
    return FALSE;
  ip = digits / 1000000;
  frac = digits - ip * 1000000;
  /* the six decimals as three digit pairs; the decimals kept end at the last non-'0' one
   * (at least one: "1.0") */
  memcpy (f, nk_digit_pairs + 2 * (frac / 10000), 2);
  memcpy (f + 2, nk_digit_pairs + 2 * (frac / 100 % 100), 2);
  memcpy (f + 4, nk_digit_pairs + 2 * (frac % 100), 2);
  f[6] = f[7] = '0';
  memcpy (&w, f, 8);
  w = GUINT64_FROM_LE (w) ^ G_GUINT64_CONSTANT (0x3030303030303030);
  k = w == 0 ? 1 : (71 - (guint) __builtin_clzll (w)) >> 3;
  n_ip = nk_decimal_len (ip);
  neg = signbit (value) ? 1 : 0;
  /* "-IP.FRAC" written in place */
  nk_buf_reserve (out, neg + n_ip + 1 + 8);
  p = out->str + out->len;
  *p = '-';
  nk_write_digits (p + neg + n_ip, ip);
  p += neg + n_ip;
  *p = '.';
  memcpy (p + 1, f, 8);   /* the buffer has room for all eight; only k are kept */
  out->len += neg + n_ip + 1 + k;
  out->str[out->len] = '\0';
  return TRUE;
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double; always with a
 * '.' or exponent so readers keep it a float. */
void
nk_json_append_double (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      nk_buf_append (out, "null", 4);
      return;
    }
  if (nk_json_append_short_double (out, value))
    return;
  for (int precision = 15; precision <= 17; precision++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  nk_buf_append (out, buf, strlen (buf));
  if (strpbrk (buf, ".eEn") == NULL)
    nk_buf_append (out, ".0", 2);
}

static void nk_json_append_object (GString *out, JsonObject *object);

static void
nk_json_append_array (GString *out, JsonArray *array)
{
  guint n = json_array_get_length (array);

  nk_buf_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i)
        nk_buf_append_c (out, ',');
      nk_json_append_node (out, json_array_get_element (array, i));
    }
  nk_buf_append_c (out, ']');
}

static void
nk_json_append_object (GString *out, JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean first = TRUE;

  nk_buf_append_c (out, '{');
  for (GList *l = members; l; l = l->next)
    {
      if (!first)
        nk_buf_append_c (out, ',');
      first = FALSE;
      nk_json_append_string (out, l->data, -1);
      nk_buf_append_c (out, ':');
      nk_json_append_node (out, json_object_get_member (object, l->data));
    }
  nk_buf_append_c (out, '}');
}

void
nk_json_append_node (GString *out, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      nk_buf_append (out, "null", 4);
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      nk_json_append_object (out, json_node_get_object (node));
      return;
    case JSON_NODE_ARRAY:
      nk_json_append_array (out, json_node_get_array (node));
      return;
    case JSON_NODE_VALUE:
      break;
    case JSON_NODE_NULL:
    default:
      nk_buf_append (out, "null", 4);
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      nk_json_append_string (out, json_node_get_string (node), -1);
      break;
    case G_TYPE_INT64:
      nk_json_append_int (out, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      nk_json_append_double (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      if (json_node_get_boolean (node))
        nk_buf_append (out, "true", 4);
      else
        nk_buf_append (out, "false", 5);
      break;
    default:
      nk_buf_append (out, "null", 4);
    }
}

/* ---- atomic output files ----------------------------------------------------------- */

struct _NkOutputFile {
  char    *path;      /* NULL for stdout */
  char    *tmp_path;
  FILE    *fp;
  gboolean committed;
};

static gboolean
nk_output_file_set_error (NkOutputFile *file, const char *what, int errsv, GError **error)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
               "cannot %s '%s': %s", what, file->path ? file->path : "standard output",
               g_strerror (errsv));
  return FALSE;
}

/* Writes straight into an existing file that is not a regular file (/dev/null, a FIFO, a
 * terminal): renaming a temporary file over it would replace the device. */
static NkOutputFile *
nk_output_file_open_direct (NkOutputFile *file, GError **error)
{
  file->fp = fopen (file->path, "wb");
  if (file->fp == NULL)
    {
      nk_output_file_set_error (file, "open", errno, error);
      nk_output_file_free (file);
      return NULL;
    }
  return file;
}

NkOutputFile *
nk_output_file_open (const char *path, GError **error)
{
  g_autoptr(NkOutputFile) file = g_new0 (NkOutputFile, 1);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  GStatBuf st;
  mode_t mask;
  int fd;

  if (path == NULL)
    {
      /* stdout's default 4 KB buffer would cost a write syscall per document */
      static char stdout_buffer[1 << 20];
      static gsize stdout_buffered;

      if (g_once_init_enter (&stdout_buffered))
        {
          setvbuf (stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
          g_once_init_leave (&stdout_buffered, 1);
        }
      file->fp = stdout;
      return g_steal_pointer (&file);
    }
  /* A symlink is followed, so the temporary file goes beside (and replaces) its target. */
  file->path = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? realpath (path, NULL) : NULL;
  if (file->path == NULL)
    file->path = g_strdup (path);
  if (g_stat (file->path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      nk_output_file_set_error (file, "write", EISDIR, error);
      return NULL;
    }
  if (g_stat (file->path, &st) == 0 && !S_ISREG (st.st_mode))
    return nk_output_file_open_direct (g_steal_pointer (&file), error);
  dir = g_path_get_dirname (file->path);
  base = g_path_get_basename (file->path);
  file->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp (file->tmp_path);
  if (fd < 0)
    {
      int errsv = errno;
      g_clear_pointer (&file->tmp_path, g_free);
      nk_output_file_set_error (file, "create a temporary file for", errsv, error);
      return NULL;
    }
  mask = umask (0);
  umask (mask);
  if (fchmod (fd, 0666 & ~mask) != 0)
    g_debug ("fchmod %s: %s", file->tmp_path, g_strerror (errno));
  file->fp = fdopen (fd, "wb");
  if (file->fp == NULL)
    {
      int errsv = errno;
      close (fd);
      nk_output_file_set_error (file, "open", errsv, error);
      return NULL;
    }
  setvbuf (file->fp, NULL, _IOFBF, 1 << 20);
  return g_steal_pointer (&file);
}

gboolean
nk_output_file_write (NkOutputFile *file, const void *data, gsize len, GError **error)
{
  g_return_val_if_fail (file->fp != NULL && !file->committed, FALSE);
  if (len && fwrite (data, 1, len, file->fp) != len)
    return nk_output_file_set_error (file, "write", errno, error);
  return TRUE;
}

gboolean
nk_output_file_commit (NkOutputFile *file, GError **error)
{
  FILE *fp = file->fp;

  g_return_val_if_fail (fp != NULL && !file->committed, FALSE);
  if (fflush (fp) != 0)
    return nk_output_file_set_error (file, "write", errno, error);
  if (file->path == NULL)
    {
      file->committed = TRUE;
      return TRUE;
    }
  if (file->tmp_path == NULL)
    {
      /* written in place (a device or FIFO) */
      file->fp = NULL;
      file->committed = TRUE;
      if (fclose (fp) != 0)
        return nk_output_file_set_error (file, "close", errno, error);
      return TRUE;
    }
  if (fsync (fileno (fp)) != 0 && errno != EINVAL)
    return nk_output_file_set_error (file, "sync", errno, error);
  file->fp = NULL;
  if (fclose (fp) != 0)
    return nk_output_file_set_error (file, "close", errno, error);
  if (g_rename (file->tmp_path, file->path) != 0)
    return nk_output_file_set_error (file, "replace", errno, error);
  g_clear_pointer (&file->tmp_path, g_free);
  file->committed = TRUE;
  return TRUE;
}

/* Freeing an uncommitted file removes the temporary file: the old output stays. */
void
nk_output_file_free (NkOutputFile *file)
{
  if (file == NULL)
    return;
  if (file->fp && file->fp != stdout)
    fclose (file->fp);
  else if (file->fp == stdout)
    fflush (stdout);
  if (file->tmp_path)
    g_unlink (file->tmp_path);
  g_free (file->tmp_path);
  g_free (file->path);
  g_free (file);
}

const char *
nk_output_file_get_path (const NkOutputFile *file)
{
  return file->path;
}

/* ---- line-based data files --------------------------------------------------------- */

void
nk_data_lines_init (NkDataLines *lines, char *data, gsize len, const char *origin,
                    NkDataLinesFlags flags)
{
  g_return_if_fail (lines != NULL && data != NULL && data[len] == '\0');
  lines->origin = origin ? origin : "(data)";
  lines->lineno = 0;
  lines->pos = data;
  lines->end = data + len;
  lines->flags = flags;
}

char *
nk_data_lines_next (NkDataLines *lines, gsize *len)
{
  while (lines->pos != NULL && lines->pos < lines->end)
    {
      char *line = lines->pos, *e;
      char *nl = memchr (line, '\n', (gsize) (lines->end - line));
      const char *first;

      e = nl != NULL ? nl : lines->end;
      lines->pos = nl != NULL ? nl + 1 : NULL;
      lines->lineno++;
      if (lines->flags & NK_DATA_LINES_KEEP_SPACE)
        {
          if (e > line && e[-1] == '\r')
            e--;
        }
      else
        {
          while (line < e && g_ascii_isspace (*line))
            line++;
          while (e > line && g_ascii_isspace (e[-1]))
            e--;
        }
      for (first = line; first < e && g_ascii_isspace (*first); first++)
        ;
      if (first == e || (*first == '#' && !(lines->flags & NK_DATA_LINES_NO_COMMENTS)))
        continue;
      *e = '\0';
      if (len != NULL)
        *len = (gsize) (e - line);
      return line;
    }
  return NULL;
}

void
nk_data_lines_error (const NkDataLines *lines, GError **error, GQuark domain, gint code,
                     const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, domain, code, "%s:%u: %s", lines->origin, lines->lineno, message);
}
