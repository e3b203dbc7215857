/* nk-html-extract.c: main-content extraction from news HTML.
 *
 * Three steps, each linear in the input:
 *  1. decode the raw bytes to sanitised UTF-8 (BOM / <meta> prescan / UTF-8-or-windows-1252),
 *     keeping sparse checkpoints so decoded offsets map back to raw byte offsets;
 *  2. run libxml2's HTML push parser with SAX callbacks (no DOM) and record a light element
 *     tree (one small struct per element) plus text blocks (one per block-level run of text);
 *  3. choose the main content with Readability-style scoring on that tree (paragraph scores
 *     propagated to ancestors, class/id hints, link density, sibling joining, conditional
 *     cleaning), retrying with weaker filters when too little text survives.
 */
#define G_LOG_DOMAIN "nk-html"

#include "nk-html-extract.h"

#include <errno.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

G_DEFINE_QUARK (nk-html-error-quark, nk_html_error)

/* ------------------------------------------------------------------------------------------ */
/* Decoding                                                                                   */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
  NK_DEC_UTF8,    /* UTF-8 with invalid bytes replaced by U+FFFD */
  NK_DEC_CP1252,  /* windows-1252 (also used for ISO-8859-1 and ASCII labels, as browsers do) */
  NK_DEC_ICONV,   /* anything else glibc iconv knows */
} NkDecKind;

typedef struct {
  gsize raw;
  gsize out;
} NkCheckpoint;

typedef struct {
  NkDecKind kind;
  GIConv cd;
  gboolean utf16;        /* no ASCII fast path */
  gsize skip;            /* BOM length */
  gchar *charset;
  gchar *buf;            /* decoded, sanitised UTF-8 */
  gsize len;
  gboolean identity;     /* raw offset = decoded offset + skip */
  gboolean valid_utf8;   /* already checked: the input after the BOM is valid UTF-8 */
  GArray *checkpoints;   /* NkCheckpoint, every >= 256 raw bytes */
} NkDecoded;

#define NK_CHECKPOINT_STEP 256

/* windows-1252 0x80..0x9F; undefined positions decode to U+FFFD. */
static const gunichar nk_cp1252_high[32] = {
  0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
  0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* C0 controls other than tab/newline/CR (and DEL) become spaces: libxml2 rejects them and
 * would stop or complain; a space keeps offsets 1:1. */
static inline gchar
nk_sanitize_ascii (guint8 c)
{
  if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
    return ' ';
  return (gchar) c;
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid/truncated. */
static gsize
nk_utf8_seq_len (const guint8 *p, gsize avail)
{
  guint8 c = p[0];
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return (avail >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF)
    {
      if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
      if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
        return 0;
      return 3;
    }
  if (c >= 0xF0 && c <= 0xF4)
    {
      if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
      if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return 0;
      return 4;
    }
  return 0;
}

static gboolean
nk_utf8_valid_with_nul (const guint8 *p, gsize len)
{
  gsize i = 0;
  while (i < len)
    {
      if (p[i] < 0x80)
        {
          i++;
          continue;
        }
      gsize n = nk_utf8_seq_len (p + i, len - i);
      if (n == 0)
        return FALSE;
      i += n;
    }
  return TRUE;
}

static gsize
nk_put_unichar (gunichar c, gchar *out)
{
  if (c == 0xA0)
    c = ' '; /* no-break space: a plain space for the tokenizer downstream */
  return (gsize) g_unichar_to_utf8 (c, out);
}

/* Decodes one unit at p (not an ASCII byte on the fast path) into out (>= 8 bytes).
 * Returns the raw bytes consumed (>= 1). */
static gsize
nk_dec_unit (NkDecoded *d, const guint8 *p, gsize avail, gchar *out, gsize *out_len)
{
  switch (d->kind)
    {
    case NK_DEC_UTF8:
      {
        gsize n = nk_utf8_seq_len (p, avail);
        if (n == 0)
          {
            *out_len = nk_put_unichar (0xFFFD, out);
            return 1;
          }
        if (n == 1)
          {
            out[0] = nk_sanitize_ascii (p[0]);
            *out_len = 1;
            return 1;
          }
        if (n == 2 && p[0] == 0xC2 && p[1] == 0xA0)
          {
            /* keep 2 bytes so offsets of valid UTF-8 stay identical */
            out[0] = ' ';
            out[1] = ' ';
            *out_len = 2;
            return 2;
          }
        memcpy (out, p, n);
        *out_len = n;
        return n;
      }
    case NK_DEC_CP1252:
      {
        guint8 c = p[0];
        if (c < 0x80)
          {
            out[0] = nk_sanitize_ascii (c);
            *out_len = 1;
          }
        else if (c < 0xA0)
          *out_len = nk_put_unichar (nk_cp1252_high[c - 0x80], out);
        else
          *out_len = nk_put_unichar (c, out);
        return 1;
      }
    case NK_DEC_ICONV:
    default:
      for (gsize n = 1; n <= MIN (avail, (gsize) 4); n++)
        {
          gchar *in = (gchar *) p;
          gsize inleft = n;
          gchar *o = out;
          gsize oleft = 8;
          g_iconv (d->cd, NULL, NULL, NULL, NULL);
          gsize r = g_iconv (d->cd, &in, &inleft, &o, &oleft);
          if (r != (gsize) -1 && inleft == 0)
            {
              *out_len = 8 - oleft;
              if (*out_len == 1)
                out[0] = nk_sanitize_ascii ((guint8) out[0]);
              else if (*out_len == 2 && (guint8) out[0] == 0xC2 && (guint8) out[1] == 0xA0)
                *out_len = nk_put_unichar (' ', out);
              return n;
            }
          if (r == (gsize) -1 && errno != EINVAL)
            break;
        }
      *out_len = nk_put_unichar (0xFFFD, out);
      return d->utf16 ? MIN (avail, (gsize) 2) : 1;
    }
}

/* Valid UTF-8 (the common case): one copy, control bytes blanked, offsets unchanged. */
static gboolean
nk_decode_valid_utf8 (NkDecoded *d, const guint8 *raw, gsize len)
{
  if (d->kind != NK_DEC_UTF8
      || (!d->valid_utf8 && !nk_utf8_valid_with_nul (raw + d->skip, len - d->skip)))
    return FALSE;
  gsize n = len - d->skip;
  gchar *buf = g_malloc (n + 1);
  memcpy (buf, raw + d->skip, n);
  buf[n] = '\0';
  for (gsize i = 0; i < n; i++)
    if ((guint8) buf[i] < 0x20 || buf[i] == 0x7f)
      buf[i] = nk_sanitize_ascii ((guint8) buf[i]);
  d->checkpoints = g_array_new (FALSE, FALSE, sizeof (NkCheckpoint));
  NkCheckpoint cp = { d->skip, 0 };
  g_array_append_val (d->checkpoints, cp);
  d->identity = TRUE;
  d->len = n;
  d->buf = buf;
  return TRUE;
}

static void
nk_decode_all (NkDecoded *d, const guint8 *raw, gsize len)
{
  if (nk_decode_valid_utf8 (d, raw, len))
    return;

  GString *out = g_string_sized_new (len + len / 8 + 16);
  gsize next_cp = 0;
  gsize i = d->skip;
  gchar tmp[8];

  d->checkpoints = g_array_new (FALSE, FALSE, sizeof (NkCheckpoint));
  while (i < len)
    {
      if (i >= next_cp)
        {
          NkCheckpoint cp = { i, out->len };
          g_array_append_val (d->checkpoints, cp);
          next_cp = i + NK_CHECKPOINT_STEP;
        }
      /* ASCII fast path: runs of ASCII bytes up to the next checkpoint */
      if (!d->utf16 && raw[i] < 0x80)
        {
          gsize end = MIN (len, next_cp);
          while (i < end && raw[i] < 0x80)
            {
              g_string_append_c (out, nk_sanitize_ascii (raw[i]));
              i++;
            }
          continue;
        }
      gsize tlen = 0;
      i += nk_dec_unit (d, raw + i, len - i, tmp, &tlen);
      g_string_append_len (out, tmp, (gssize) tlen);
    }
  /* UTF-8 repair and windows-1252 only ever grow the text, so equal length means 1:1 */
  d->identity = d->kind != NK_DEC_ICONV && out->len + d->skip == len;
  d->len = out->len;
  d->buf = g_string_free (out, FALSE);
}

/* Maps a decoded offset back to the raw input. */
static gsize
nk_decoded_to_raw (NkDecoded *d, const guint8 *raw, gsize raw_len, gsize off)
{
  if (d->identity)
    return MIN (off + d->skip, raw_len);
  if (d->checkpoints->len == 0)
    return d->skip;
  guint lo = 0, hi = d->checkpoints->len;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (d->checkpoints, NkCheckpoint, mid).out <= off)
        lo = mid;
      else
        hi = mid;
    }
  NkCheckpoint cp = g_array_index (d->checkpoints, NkCheckpoint, lo);
  gsize r = cp.raw, o = cp.out;
  gchar tmp[8];
  while (o < off && r < raw_len)
    {
      gsize tlen = 1;
      if (!d->utf16 && raw[r] < 0x80)
        r++;
      else
        r += nk_dec_unit (d, raw + r, raw_len - r, tmp, &tlen);
      o += tlen;
    }
  return r;
}

static void
nk_decoded_clear (NkDecoded *d)
{
  if (d->cd != NULL && d->cd != (GIConv) -1)
    g_iconv_close (d->cd);
  g_free (d->charset);
  g_free (d->buf);
  if (d->checkpoints != NULL)
    g_array_unref (d->checkpoints);
  memset (d, 0, sizeof *d);
}

static gboolean
nk_ascii_prefix_ci (const guint8 *p, gsize avail, const char *word)
{
  gsize n = strlen (word);
  return avail >= n && g_ascii_strncasecmp ((const char *) p, word, n) == 0;
}

/* Browser-style prescan of the first 1024 bytes for <meta charset=...> or
 * <meta http-equiv=content-type content="...; charset=...">: any "charset" followed by '='
 * inside a <meta ...> tag. Returns a newly allocated label or NULL. */
static gchar *
nk_prescan_charset (const guint8 *raw, gsize len, gsize limit)
{
  gsize end = MIN (len, limit);
  for (gsize i = 0; i + 5 < end; i++)
    {
      if (raw[i] != '<' || !nk_ascii_prefix_ci (raw + i + 1, end - i - 1, "meta"))
        continue;
      gsize j = i + 5;
      while (j < len && j < i + 1024 && raw[j] != '>')
        {
          if (nk_ascii_prefix_ci (raw + j, len - j, "charset"))
            {
              gsize k = j + 7;
              while (k < len && g_ascii_isspace (raw[k]))
                k++;
              if (k < len && raw[k] == '=')
                {
                  k++;
                  while (k < len && (g_ascii_isspace (raw[k]) || raw[k] == '"' || raw[k] == '\''))
                    k++;
                  gsize s = k;
                  while (k < len && (g_ascii_isalnum (raw[k]) || strchr ("-_.:", raw[k]) != NULL))
                    k++;
                  if (k > s)
                    return g_ascii_strdown ((const char *) raw + s, (gssize) (k - s));
                }
            }
          j++;
        }
      i = j;
    }
  return NULL;
}

static gboolean
nk_label_in (const char *label, const char *const *list)
{
  for (; *list != NULL; list++)
    if (g_ascii_strcasecmp (label, *list) == 0)
      return TRUE;
  return FALSE;
}

/* Sets up d for a declared label; FALSE when the label is unknown (caller falls back). */
static gboolean
nk_decoder_for_label (NkDecoded *d, const char *label)
{
  static const char *const utf8[] = { "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8",
                                      "utf-16", "utf-16le", "utf-16be", "unicode", NULL };
  static const char *const cp1252[] = { "windows-1252", "cp1252", "x-cp1252", "iso-8859-1",
                                        "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii",
                                        "ascii", "ansi_x3.4-1968", "iso-ir-100", "cp819",
                                        "ibm819", "csisolatin1", NULL };
  /* a <meta> that says UTF-16 cannot be right for bytes we could read it from */
  if (nk_label_in (label, utf8))
    {
      d->kind = NK_DEC_UTF8;
      d->charset = g_strdup ("UTF-8");
      return TRUE;
    }
  if (nk_label_in (label, cp1252))
    {
      d->kind = NK_DEC_CP1252;
      d->charset = g_strdup ("windows-1252");
      return TRUE;
    }
  GIConv cd = g_iconv_open ("UTF-8", label);
  if (cd == (GIConv) -1)
    return FALSE;
  d->kind = NK_DEC_ICONV;
  d->cd = cd;
  d->charset = g_strdup (label);
  return TRUE;
}

static void
nk_decoder_setup (NkDecoded *d, const guint8 *raw, gsize len, gboolean input_is_unicode)
{
  if (len >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF)
    {
      d->skip = 3;
      nk_decoder_for_label (d, "utf-8");
      return;
    }
  if (input_is_unicode)
    {
      nk_decoder_for_label (d, "utf-8");
      return;
    }
  if (len >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF)))
    {
      gboolean le = raw[0] == 0xFF;
      d->cd = g_iconv_open ("UTF-8", le ? "UTF-16LE" : "UTF-16BE");
      if (d->cd != (GIConv) -1)
        {
          d->skip = 2;
          d->kind = NK_DEC_ICONV;
          d->utf16 = TRUE;
          d->charset = g_strdup (le ? "UTF-16LE" : "UTF-16BE");
          return;
        }
    }
  g_autofree gchar *label = nk_prescan_charset (raw, len, 1024);
  if (label != NULL && nk_decoder_for_label (d, label))
    return;
  d->valid_utf8 = nk_utf8_valid_with_nul (raw, len);
  if (d->valid_utf8)
    {
      nk_decoder_for_label (d, "utf-8");
      return;
    }
  /* not UTF-8: a <meta> declared later in a long <head> (browsers switch when their parser
   * reaches it) beats guessing windows-1252 */
  g_free (label);
  label = nk_prescan_charset (raw, len, 64 * 1024);
  if (label != NULL && nk_decoder_for_label (d, label))
    return;
  nk_decoder_for_label (d, "windows-1252");
}

/* ------------------------------------------------------------------------------------------ */
/* Element tree and text blocks                                                               */
/* ------------------------------------------------------------------------------------------ */

typedef enum {
  T_OTHER = 0, T_A, T_ARTICLE, T_ASIDE, T_BLOCKQUOTE, T_BODY, T_BR, T_CAPTION, T_DD, T_DIV,
  T_DL, T_DT, T_EMBED, T_FIELDSET, T_FIGCAPTION, T_FIGURE, T_FOOTER, T_FORM, T_H1, T_H2, T_H3,
  T_H4, T_H5, T_H6, T_HEAD, T_HEADER, T_HR, T_HTML, T_IFRAME, T_IMG, T_INPUT, T_LI, T_LINK,
  T_MAIN, T_META, T_NAV, T_OBJECT, T_OL, T_P, T_PRE, T_SCRIPT, T_SECTION, T_TABLE, T_TD,
  T_TH, T_TIME, T_TITLE, T_TR, T_UL, T_VIDEO, T_SELECT, T_BUTTON, T_TEXTAREA, T_ADDRESS,
  T_CODE,
} NkTag;

enum {
  C_BLOCK = 1 << 0, /* starts/ends a text block */
  C_SKIP = 1 << 1,  /* text inside is ignored */
};

typedef struct {
  const char *name;
  guint8 tag;
  guint8 cat;
} NkTagInfo;

/* Sorted by name (bsearch). */
static const NkTagInfo nk_tags[] = {
  { "a", T_A, 0 },
  { "address", T_ADDRESS, C_BLOCK },
  { "applet", T_OTHER, C_SKIP },
  { "article", T_ARTICLE, C_BLOCK },
  { "aside", T_ASIDE, C_BLOCK },
  { "audio", T_VIDEO, C_SKIP },
  { "blockquote", T_BLOCKQUOTE, C_BLOCK },
  { "body", T_BODY, C_BLOCK },
  { "br", T_BR, 0 },
  { "button", T_BUTTON, C_SKIP },
  { "canvas", T_OTHER, C_SKIP },
  { "caption", T_CAPTION, C_BLOCK },
  { "center", T_DIV, C_BLOCK },
  { "code", T_CODE, 0 },
  { "datalist", T_OTHER, C_SKIP },
  { "dd", T_DD, C_BLOCK },
  { "details", T_DIV, C_BLOCK },
  { "dialog", T_OTHER, C_SKIP },
  { "dir", T_UL, C_BLOCK },
  { "div", T_DIV, C_BLOCK },
  { "dl", T_DL, C_BLOCK },
  { "dt", T_DT, C_BLOCK },
  { "embed", T_EMBED, C_SKIP },
  { "fieldset", T_FIELDSET, C_BLOCK },
  { "figcaption", T_FIGCAPTION, C_BLOCK },
  { "figure", T_FIGURE, C_BLOCK },
  { "footer", T_FOOTER, C_BLOCK },
  { "form", T_FORM, C_BLOCK },
  { "frameset", T_OTHER, C_SKIP },
  { "h1", T_H1, C_BLOCK },
  { "h2", T_H2, C_BLOCK },
  { "h3", T_H3, C_BLOCK },
  { "h4", T_H4, C_BLOCK },
  { "h5", T_H5, C_BLOCK },
  { "h6", T_H6, C_BLOCK },
  { "head", T_HEAD, C_BLOCK },
  { "header", T_HEADER, C_BLOCK },
  { "hgroup", T_DIV, C_BLOCK },
  { "hr", T_HR, C_BLOCK },
  { "html", T_HTML, C_BLOCK },
  { "iframe", T_IFRAME, C_SKIP },
  { "img", T_IMG, 0 },
  { "input", T_INPUT, 0 },
  { "legend", T_OTHER, C_BLOCK },
  { "li", T_LI, C_BLOCK },
  { "link", T_LINK, 0 },
  { "main", T_MAIN, C_BLOCK },
  { "map", T_OTHER, C_SKIP },
  { "math", T_OTHER, C_SKIP },
  { "menu", T_UL, C_BLOCK },
  { "meta", T_META, 0 },
  { "nav", T_NAV, C_BLOCK },
  { "noscript", T_OTHER, C_SKIP },
  { "object", T_OBJECT, C_SKIP },
  { "ol", T_OL, C_BLOCK },
  { "optgroup", T_OTHER, C_SKIP },
  { "option", T_OTHER, C_SKIP },
  { "p", T_P, C_BLOCK },
  { "picture", T_OTHER, 0 },
  { "pre", T_PRE, C_BLOCK },
  { "script", T_SCRIPT, C_SKIP },
  { "section", T_SECTION, C_BLOCK },
  { "select", T_SELECT, C_SKIP },
  { "style", T_OTHER, C_SKIP },
  { "summary", T_DIV, C_BLOCK },
  { "svg", T_OTHER, C_SKIP },
  { "table", T_TABLE, C_BLOCK },
  { "tbody", T_OTHER, C_BLOCK },
  { "td", T_TD, C_BLOCK },
  { "template", T_OTHER, C_SKIP },
  { "textarea", T_TEXTAREA, C_SKIP },
  { "tfoot", T_OTHER, C_BLOCK },
  { "th", T_TH, C_BLOCK },
  { "thead", T_OTHER, C_BLOCK },
  { "time", T_TIME, 0 },
  { "title", T_TITLE, 0 },
  { "tr", T_TR, C_BLOCK },
  { "ul", T_UL, C_BLOCK },
  { "video", T_VIDEO, C_SKIP },
};

static int
nk_tag_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const NkTagInfo *) elem)->name);
}

static const NkTagInfo *
nk_tag_lookup (const char *name)
{
  static const NkTagInfo other = { "", T_OTHER, 0 };
  const NkTagInfo *ti = bsearch (name, nk_tags, G_N_ELEMENTS (nk_tags), sizeof nk_tags[0],
                                 nk_tag_cmp);
  return ti != NULL ? ti : &other;
}

#define NK_IS_HEADING(t) ((t) >= T_H1 && (t) <= T_H6)

/* Class/id/role hints (Readability's vocabulary plus a few HTML5 roles). */
enum {
  H_UNLIKELY = 1 << 0,
  H_MAYBE = 1 << 1,
  H_POSITIVE = 1 << 2,
  H_NEGATIVE = 1 << 3,
  H_BYLINE = 1 << 4,
  H_HIDDEN = 1 << 5,
  H_BAD_ROLE = 1 << 6,
  H_ARTICLE_BODY = 1 << 7, /* itemprop=articleBody / role=main / <main>-like */
  H_SHARE = 1 << 8,
  H_ASIDE_TAG = 1 << 9,    /* <nav>, <aside>, <footer> */
  H_CODE = 1 << 10,
  H_CAPTION = 1 << 11,     /* image captions and credits */
  H_HAS_QUOTE = 1 << 12,   /* contains a <blockquote> (embedded posts are body text) */
  H_IN_FIGURE = 1 << 13,   /* inside a <figure> (inherited) */
};

typedef struct {
  gint32 parent;
  gint32 first_child;
  gint32 last_child;
  gint32 next_sibling;
  guint32 block_first; /* blocks created while this element was open: [first, end) */
  guint32 block_end;
  guint32 cls_hash;
  guint16 hints;
  gint16 weight;       /* class/id weight (Readability) */
  guint8 tag;
  guint8 cat;
  guint8 has_block_child;
} NkNode;

typedef struct {
  guint32 text_start;  /* in NkParse.text */
  guint32 text_end;
  gsize raw_start;     /* decoded offsets, mapped to raw at the end */
  gsize raw_end;
  gint32 node;         /* innermost block-level element */
  guint32 chars;
  guint32 link_chars;
  guint32 commas;
  guint16 flags;       /* NkHtmlLineFlags */
  guint8 br_after;     /* ended by <br>: next block continues the paragraph */
} NkBlock;

typedef struct {
  const xmlChar *name; /* dict-interned by libxml2: pointer compare */
  gint32 node;
  gint32 prev_blk;     /* innermost block element before this one opened */
  guint8 tag;
  guint8 effects;
} NkOpen;

enum {
  E_SKIP = 1 << 0, E_LINK = 1 << 1, E_TITLE = 1 << 2, E_HEADING = 1 << 3, E_LI = 1 << 4,
  E_QUOTE = 1 << 5, E_PRE = 1 << 6, E_CAPTION = 1 << 7,
};

typedef struct {
  gchar *og_title;
  gchar *description;   /* og:description / description: often the lead paragraph */
  gchar *tw_title;
  gchar *og_site;
  gchar *app_name;
  gchar *meta_author;
  gchar *meta_date;
  gchar *meta_modified;
  gchar *time_date;     /* first <time datetime> */
  gchar *rel_author;    /* text of <a rel=author> */
  GString *title_tag;
  GString *jsonld;
} NkMeta;

typedef struct {
  htmlParserCtxtPtr ctxt;
  const gchar *dec_buf;
  gsize dec_len;
  GArray *nodes;
  GArray *blocks;
  GString *text;
  GArray *stack;
  gint32 cur;
  gint32 cur_blk;
  guint skip_depth;
  guint link_depth;
  guint title_depth;
  guint heading_depth;
  guint li_depth;
  guint quote_depth;
  guint pre_depth;
  guint caption_depth;
  guint jsonld_depth;
  gboolean blk_open;
  gboolean pending_space;
  NkBlock blk;
  gsize seg_start;
  gint32 rel_author_node;
  GString *rel_author_text;
  gint lead_block;
  NkMeta meta;
  /* tag names are interned in libxml2's dictionary: a pointer-keyed cache of lookups */
  const xmlChar *tag_cache_key[64];
  const NkTagInfo *tag_cache_val[64];
} NkParse;

static inline NkNode *
nk_node_at (NkParse *ps, gint32 i)
{
  return &g_array_index (ps->nodes, NkNode, i);
}

static gsize
nk_pos (NkParse *ps)
{
  long c = xmlByteConsumed (ps->ctxt);
  if (c < 0)
    return ps->seg_start;
  return MIN ((gsize) c, ps->dec_len);
}

static void
nk_flush_at (NkParse *ps, gboolean br, gsize pos)
{
  if (ps->blk_open)
    {
      ps->blk.text_end = (guint32) ps->text->len;
      ps->blk.raw_end = MAX (pos, ps->blk.raw_start);
      ps->blk.br_after = br;
      g_array_append_val (ps->blocks, ps->blk);
    }
  ps->blk_open = FALSE;
  ps->pending_space = FALSE;
  ps->seg_start = pos;
}

static void
nk_flush (NkParse *ps, gboolean br)
{
  nk_flush_at (ps, br, nk_pos (ps));
}

static void
nk_open_block (NkParse *ps)
{
  memset (&ps->blk, 0, sizeof ps->blk);
  ps->blk.text_start = (guint32) ps->text->len;
  ps->blk.raw_start = ps->seg_start;
  /* libxml2 reports the opening tag's position at its '>': start just after it */
  if (ps->seg_start < ps->dec_len && ps->dec_buf[ps->seg_start] == '>')
    ps->blk.raw_start++;
  ps->blk.node = ps->cur_blk;
  guint16 f = 0;
  if (ps->heading_depth)
    f |= NK_HTML_LINE_HEADING;
  if (ps->li_depth)
    f |= NK_HTML_LINE_LIST_ITEM;
  if (ps->quote_depth)
    f |= NK_HTML_LINE_QUOTE;
  if (ps->pre_depth)
    f |= NK_HTML_LINE_PRE;
  if (ps->caption_depth)
    f |= NK_HTML_LINE_CAPTION;
  if (ps->cur_blk >= 0)
    {
      guint8 t = g_array_index (ps->nodes, NkNode, ps->cur_blk).tag;
      if (t == T_TD || t == T_TH)
        f |= NK_HTML_LINE_TABLE;
    }
  if (!(f & (NK_HTML_LINE_HEADING | NK_HTML_LINE_LIST_ITEM)))
    f |= NK_HTML_LINE_PARAGRAPH;
  ps->blk.flags = f;
  ps->blk_open = TRUE;
}

/* Whitespace-collapsing append of body text. */
static void
nk_append_text (NkParse *ps, const guint8 *ch, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = ch[i];
      if (c == '\n' && ps->pre_depth && ps->blk_open)
        {
          /* preformatted text keeps its line breaks; libxml2 reports the position at the
           * end of the text run, so count back (exact unless entities were decoded) */
          gsize end = nk_pos (ps), back = len - i - 1;
          nk_flush_at (ps, TRUE, MAX (end > back ? end - back : 0, ps->seg_start));
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
        {
          ps->pending_space = TRUE;
          continue;
        }
      if (c == 0xC2 && i + 1 < len && ch[i + 1] == 0xA0)
        {
          /* &nbsp; is a space for text purposes */
          ps->pending_space = TRUE;
          i++;
          continue;
        }
      if (!ps->blk_open)
        nk_open_block (ps);
      else if (ps->pending_space)
        g_string_append_c (ps->text, ' ');
      ps->pending_space = FALSE;
      g_string_append_c (ps->text, (gchar) c);
      if ((c & 0xC0) != 0x80)
        {
          ps->blk.chars++;
          if (ps->link_depth)
            ps->blk.link_chars++;
          if (c == ',')
            ps->blk.commas++;
        }
    }
}

static void
nk_append_collapsed (GString *s, const guint8 *ch, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = ch[i];
      if (g_ascii_isspace (c))
        {
          if (s->len > 0 && s->str[s->len - 1] != ' ')
            g_string_append_c (s, ' ');
        }
      else
        g_string_append_c (s, (gchar) c);
    }
}

static void
nk_sax_characters (void *ud, const xmlChar *ch, int len)
{
  NkParse *ps = ud;
  if (len <= 0)
    return;
  if (ps->title_depth)
    {
      if (ps->meta.title_tag->len < 4096)
        nk_append_collapsed (ps->meta.title_tag, ch, (gsize) len);
      return;
    }
  if (ps->skip_depth)
    return;
  if (ps->rel_author_node >= 0 && ps->rel_author_text->len < 256)
    nk_append_collapsed (ps->rel_author_text, ch, (gsize) len);
  nk_append_text (ps, ch, (gsize) len);
}

static void
nk_sax_cdata (void *ud, const xmlChar *ch, int len)
{
  NkParse *ps = ud;
  if (ps->jsonld_depth && len > 0 && ps->meta.jsonld->len < 512 * 1024)
    g_string_append_len (ps->meta.jsonld, (const gchar *) ch, len);
}

static const char *
nk_attr (const xmlChar **atts, const char *name)
{
  if (atts == NULL)
    return NULL;
  for (gsize i = 0; atts[i] != NULL; i += 2)
    if (g_ascii_strcasecmp ((const char *) atts[i], name) == 0)
      return atts[i + 1] != NULL ? (const char *) atts[i + 1] : "";
  return NULL;
}

/* Class/id vocabulary (Readability's regular expressions as substrings, plus a few
 * newer boilerplate words), each with the hint categories it signals. */
enum {
  W_UNLIKELY = 1 << 0, W_MAYBE = 1 << 1, W_POSITIVE = 1 << 2, W_NEGATIVE = 1 << 3,
  W_BYLINE = 1 << 4, W_SHARE = 1 << 5, W_CAPTION = 1 << 6,
};

typedef struct {
  const char *word;
  guint8 cats;
} NkClassWord;

static const NkClassWord nk_class_words[] = {
  { "-ad-", W_UNLIKELY | W_NEGATIVE }, { "ai2html", W_UNLIKELY }, { "banner", W_UNLIKELY | W_NEGATIVE },
  { "breadcrumbs", W_UNLIKELY }, { "combx", W_UNLIKELY | W_NEGATIVE },
  { "comment", W_UNLIKELY | W_NEGATIVE }, { "community", W_UNLIKELY },
  { "cover-wrap", W_UNLIKELY }, { "disqus", W_UNLIKELY }, { "extra", W_UNLIKELY },
  { "footer", W_UNLIKELY | W_NEGATIVE }, { "gdpr", W_UNLIKELY | W_NEGATIVE },
  { "header", W_UNLIKELY }, { "legends", W_UNLIKELY }, { "menu", W_UNLIKELY },
  { "related", W_UNLIKELY | W_NEGATIVE }, { "remark", W_UNLIKELY }, { "replies", W_UNLIKELY },
  { "rss", W_UNLIKELY }, { "shoutbox", W_UNLIKELY | W_NEGATIVE },
  { "sidebar", W_UNLIKELY | W_NEGATIVE }, { "skyscraper", W_UNLIKELY | W_NEGATIVE },
  { "social", W_UNLIKELY | W_SHARE }, { "sponsor", W_UNLIKELY | W_NEGATIVE },
  { "supplemental", W_UNLIKELY }, { "ad-break", W_UNLIKELY }, { "agegate", W_UNLIKELY },
  { "pagination", W_UNLIKELY | W_POSITIVE }, { "pager", W_UNLIKELY }, { "popup", W_UNLIKELY },
  { "yom-remote", W_UNLIKELY }, { "newsletter", W_UNLIKELY | W_NEGATIVE },
  { "subscribe", W_UNLIKELY | W_NEGATIVE }, { "promo", W_UNLIKELY | W_NEGATIVE },
  { "recirc", W_UNLIKELY }, { "trending", W_UNLIKELY }, { "most-popular", W_UNLIKELY },
  { "mostpopular", W_UNLIKELY }, { "outbrain", W_UNLIKELY | W_NEGATIVE },
  { "taboola", W_UNLIKELY | W_NEGATIVE },
  { "and", W_MAYBE }, { "article", W_MAYBE | W_POSITIVE }, { "body", W_MAYBE | W_POSITIVE },
  { "column", W_MAYBE }, { "content", W_MAYBE | W_POSITIVE }, { "main", W_MAYBE | W_POSITIVE },
  { "shadow", W_MAYBE },
  { "entry", W_POSITIVE }, { "hentry", W_POSITIVE }, { "h-entry", W_POSITIVE },
  { "page", W_POSITIVE }, { "post", W_POSITIVE }, { "text", W_POSITIVE },
  { "blog", W_POSITIVE }, { "story", W_POSITIVE },
  { "hidden", W_NEGATIVE }, { "com-", W_NEGATIVE }, { "contact", W_NEGATIVE },
  { "foot", W_NEGATIVE }, { "footnote", W_NEGATIVE }, { "masthead", W_NEGATIVE },
  { "media", W_NEGATIVE }, { "meta", W_NEGATIVE }, { "scroll", W_NEGATIVE },
  { "share", W_NEGATIVE | W_SHARE }, { "shopping", W_NEGATIVE }, { "tags", W_NEGATIVE },
  { "tool", W_NEGATIVE }, { "widget", W_NEGATIVE },
  { "byline", W_BYLINE }, { "author", W_BYLINE },
  { "writtenby", W_BYLINE }, { "p-author", W_BYLINE },
  { "sharing", W_SHARE }, { "caption", W_CAPTION }, { "credit", W_CAPTION },
};

static const char *const nk_bad_roles[] = {
  "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog",
  "banner", "contentinfo", "search", NULL
};

/* Categories of the vocabulary words found in a (lower-cased) class or id value. */
static guint
nk_class_cats (const char *lower)
{
  guint cats = 0;
  guint32 bigrams[32] = { 0 };
  if (*lower == '\0')
    return 0;
  /* bigram prefilter: strstr only for words whose first two bytes occur in the value */
  for (const char *p = lower; p[1]; p++)
    {
      guint h = ((guint8) p[0] * 31u + (guint8) p[1]) & 1023u;
      bigrams[h >> 5] |= 1u << (h & 31);
    }
  for (guint i = 0; i < G_N_ELEMENTS (nk_class_words); i++)
    {
      const char *w = nk_class_words[i].word;
      guint h = ((guint8) w[0] * 31u + (guint8) w[1]) & 1023u;
      if (!(bigrams[h >> 5] & (1u << (h & 31))))
        continue;
      if ((cats & nk_class_words[i].cats) != nk_class_words[i].cats && strstr (lower, w) != NULL)
        cats |= nk_class_words[i].cats;
    }
  return cats;
}

/* Readability's class weight of one attribute value: -25 negative, +25 positive. */
static gint16
nk_cats_weight (guint cats)
{
  return (gint16) (((cats & W_POSITIVE) ? 25 : 0) - ((cats & W_NEGATIVE) ? 25 : 0));
}

static void
nk_lower_into (char *dst, gsize size, const char *src)
{
  gsize i = 0;
  if (src != NULL)
    for (; src[i] && i + 1 < size; i++)
      dst[i] = g_ascii_tolower (src[i]);
  dst[i] = '\0';
}

static gboolean
nk_style_hidden (const char *style)
{
  char s[512];
  gsize n = 0;
  for (const char *r = style; *r && n + 1 < sizeof s; r++)
    if (!g_ascii_isspace (*r))
      s[n++] = g_ascii_tolower (*r);
  s[n] = '\0';
  return strstr (s, "display:none") != NULL || strstr (s, "visibility:hidden") != NULL;
}

typedef struct {
  const char *cls, *id, *role, *itemprop, *style, *aria_hidden, *rel, *hidden;
} NkAttrs;

static void
nk_attrs_scan (const xmlChar **atts, NkAttrs *a)
{
  memset (a, 0, sizeof *a);
  if (atts == NULL)
    return;
  for (gsize i = 0; atts[i] != NULL; i += 2)
    {
      const char *n = (const char *) atts[i];
      const char *v = atts[i + 1] != NULL ? (const char *) atts[i + 1] : "";
      /* libxml2's HTML parser lower-cases attribute names */
      switch (n[0])
        {
        case 'c': if (strcmp (n, "class") == 0) a->cls = v; break;
        case 'i':
          if (strcmp (n, "id") == 0) a->id = v;
          else if (strcmp (n, "itemprop") == 0) a->itemprop = v;
          break;
        case 'r':
          if (strcmp (n, "role") == 0) a->role = v;
          else if (strcmp (n, "rel") == 0) a->rel = v;
          break;
        case 's': if (strcmp (n, "style") == 0) a->style = v; break;
        case 'a': if (strcmp (n, "aria-hidden") == 0) a->aria_hidden = v; break;
        case 'h': if (strcmp (n, "hidden") == 0) a->hidden = v; break;
        default: break;
        }
    }
}

static guint16
nk_node_hints (guint8 tag, const xmlChar **atts, gint16 *weight, guint32 *cls_hash)
{
  NkAttrs a;
  char lc[256], li[256];
  guint16 h = 0;

  nk_attrs_scan (atts, &a);
  nk_lower_into (lc, sizeof lc, a.cls);
  nk_lower_into (li, sizeof li, a.id);
  guint cc = nk_class_cats (lc), ci = nk_class_cats (li);
  guint cats = cc | ci;
  *weight = (gint16) (nk_cats_weight (cc) + nk_cats_weight (ci));
  *cls_hash = *lc ? g_str_hash (lc) : 0;
  if (cats & W_UNLIKELY)
    h |= H_UNLIKELY;
  if (cats & W_MAYBE)
    h |= H_MAYBE;
  if (*weight > 0)
    h |= H_POSITIVE;
  if (*weight < 0)
    h |= H_NEGATIVE;
  if (cats & W_BYLINE)
    h |= H_BYLINE;
  if (cats & W_SHARE)
    h |= H_SHARE;
  if (cats & W_CAPTION)
    h |= H_CAPTION;
  if (a.hidden != NULL || (a.aria_hidden != NULL && g_ascii_strcasecmp (a.aria_hidden, "true") == 0)
      || (a.style != NULL && nk_style_hidden (a.style)))
    h |= H_HIDDEN;
  if (a.role != NULL && nk_label_in (a.role, nk_bad_roles))
    h |= H_BAD_ROLE;
  if (a.itemprop != NULL && strstr (a.itemprop, "articleBody") != NULL)
    h |= H_ARTICLE_BODY;
  if ((a.itemprop != NULL && strstr (a.itemprop, "author") != NULL)
      || (a.rel != NULL && strstr (a.rel, "author") != NULL))
    h |= H_BYLINE;
  if (tag == T_NAV || tag == T_ASIDE || tag == T_FOOTER)
    h |= H_ASIDE_TAG;
  if (tag == T_CODE || tag == T_PRE)
    h |= H_CODE;
  if (tag == T_FIGCAPTION)
    h |= H_CAPTION;
  return h;
}

static void
nk_set_once (gchar **slot, const char *value)
{
  if (*slot == NULL && value != NULL)
    {
      g_autofree gchar *v = g_strstrip (g_strdup (value));
      if (*v)
        *slot = g_steal_pointer (&v);
    }
}

static void
nk_handle_meta (NkParse *ps, const xmlChar **atts)
{
  const char *key = nk_attr (atts, "property");
  const char *content = nk_attr (atts, "content");
  if (key == NULL)
    key = nk_attr (atts, "name");
  if (key == NULL)
    key = nk_attr (atts, "itemprop");
  if (key == NULL || content == NULL)
    return;
  g_autofree gchar *k = g_ascii_strdown (key, -1);
  NkMeta *m = &ps->meta;
  if (strcmp (k, "og:title") == 0)
    nk_set_once (&m->og_title, content);
  else if (strcmp (k, "og:description") == 0 || strcmp (k, "description") == 0
           || strcmp (k, "twitter:description") == 0)
    nk_set_once (&m->description, content);
  else if (strcmp (k, "twitter:title") == 0)
    nk_set_once (&m->tw_title, content);
  else if (strcmp (k, "og:site_name") == 0)
    nk_set_once (&m->og_site, content);
  else if (strcmp (k, "application-name") == 0)
    nk_set_once (&m->app_name, content);
  else if (strcmp (k, "author") == 0 || strcmp (k, "article:author") == 0
           || strcmp (k, "dc.creator") == 0 || strcmp (k, "byl") == 0
           || strcmp (k, "sailthru.author") == 0 || strcmp (k, "parsely-author") == 0)
    {
      if (!g_str_has_prefix (content, "http") && !g_str_has_prefix (content, "www."))
        nk_set_once (&m->meta_author, content);
    }
  else if (strcmp (k, "article:published_time") == 0 || strcmp (k, "datepublished") == 0
           || strcmp (k, "og:published_time") == 0 || strcmp (k, "pubdate") == 0
           || strcmp (k, "publishdate") == 0 || strcmp (k, "publish-date") == 0
           || strcmp (k, "date") == 0 || strcmp (k, "dc.date") == 0
           || strcmp (k, "dc.date.issued") == 0 || strcmp (k, "sailthru.date") == 0
           || strcmp (k, "parsely-pub-date") == 0 || strcmp (k, "article.published") == 0
           || strcmp (k, "dcterms.date") == 0 || strcmp (k, "og:pubdate") == 0)
    nk_set_once (&m->meta_date, content);
  else if (strcmp (k, "article:modified_time") == 0 || strcmp (k, "datemodified") == 0
           || strcmp (k, "og:updated_time") == 0)
    nk_set_once (&m->meta_modified, content);
}

/* Push an element: create its node (unless inside a skipped region) and update counters. */
static void
nk_sax_start (void *ud, const xmlChar *name, const xmlChar **atts)
{
  NkParse *ps = ud;
  guint slot = (guint) (((guintptr) name >> 4) & 63u);
  const NkTagInfo *ti;
  if (ps->tag_cache_key[slot] == name)
    ti = ps->tag_cache_val[slot];
  else
    {
      ti = nk_tag_lookup ((const char *) name);
      ps->tag_cache_key[slot] = name;
      ps->tag_cache_val[slot] = ti;
    }
  NkOpen op = { name, -1, ps->cur_blk, ti->tag, 0 };

  if (ti->tag == T_META)
    nk_handle_meta (ps, atts);
  if (ps->skip_depth)
    {
      op.effects = E_SKIP;
      ps->skip_depth++;
      g_array_append_val (ps->stack, op);
      return;
    }
  if (ti->tag == T_TITLE && ps->meta.title_tag->len == 0)
    {
      op.effects |= E_TITLE;
      ps->title_depth++;
    }
  if (ti->tag == T_BR)
    {
      /* <br><br> separates paragraphs: the second one turns the line break into a blank line */
      if (!ps->blk_open && ps->blocks->len > 0)
        g_array_index (ps->blocks, NkBlock, ps->blocks->len - 1).br_after = FALSE;
      nk_flush (ps, TRUE);
    }
  else if (ti->cat & C_BLOCK)
    nk_flush (ps, FALSE);
  if (ti->tag == T_SCRIPT)
    {
      const char *type = nk_attr (atts, "type");
      if (type != NULL && strstr (type, "ld+json") != NULL)
        ps->jsonld_depth++;
    }
  if (ti->tag == T_TIME && ps->meta.time_date == NULL)
    nk_set_once (&ps->meta.time_date, nk_attr (atts, "datetime"));

  NkNode n = { 0 };
  n.parent = ps->cur;
  n.first_child = n.last_child = n.next_sibling = -1;
  n.tag = ti->tag;
  n.cat = ti->cat;
  n.block_first = ps->blocks->len;
  n.hints = nk_node_hints (ti->tag, atts, &n.weight, &n.cls_hash);
  if (ps->cur >= 0)
    n.hints |= nk_node_at (ps, ps->cur)->hints & (H_CODE | H_IN_FIGURE);
  if (ti->tag == T_FIGURE)
    n.hints |= H_IN_FIGURE;
  gint32 idx = (gint32) ps->nodes->len;
  g_array_append_val (ps->nodes, n);
  if (ps->cur >= 0)
    {
      NkNode *p = &g_array_index (ps->nodes, NkNode, ps->cur);
      if (p->last_child >= 0)
        g_array_index (ps->nodes, NkNode, p->last_child).next_sibling = idx;
      else
        p->first_child = idx;
      p->last_child = idx;
      if (ti->cat & C_BLOCK)
        p->has_block_child = 1;
    }
  op.node = idx;
  ps->cur = idx;
  if (ti->tag == T_BLOCKQUOTE)
    for (gint32 a = n.parent; a >= 0 && !(nk_node_at (ps, a)->hints & H_HAS_QUOTE);
         a = nk_node_at (ps, a)->parent)
      nk_node_at (ps, a)->hints |= H_HAS_QUOTE;
  if (ti->cat & C_BLOCK)
    ps->cur_blk = idx;

  if (ti->cat & C_SKIP)
    {
      op.effects |= E_SKIP;
      ps->skip_depth++;
    }
  if (ti->tag == T_A && nk_attr (atts, "href") != NULL)
    {
      op.effects |= E_LINK;
      ps->link_depth++;
      const char *rel = nk_attr (atts, "rel");
      if (rel != NULL && strstr (rel, "author") != NULL && ps->rel_author_node < 0
          && ps->meta.rel_author == NULL)
        {
          ps->rel_author_node = idx;
          g_string_truncate (ps->rel_author_text, 0);
        }
    }
  if (NK_IS_HEADING (ti->tag))
    {
      op.effects |= E_HEADING;
      ps->heading_depth++;
    }
  if (ti->tag == T_LI || ti->tag == T_DT || ti->tag == T_DD)
    {
      op.effects |= E_LI;
      ps->li_depth++;
    }
  if (ti->tag == T_BLOCKQUOTE)
    {
      op.effects |= E_QUOTE;
      ps->quote_depth++;
    }
  if (ti->tag == T_PRE)
    {
      op.effects |= E_PRE;
      ps->pre_depth++;
    }
  if (ti->tag == T_FIGCAPTION || ti->tag == T_CAPTION)
    {
      op.effects |= E_CAPTION;
      ps->caption_depth++;
    }
  g_array_append_val (ps->stack, op);
}

static void
nk_pop_one (NkParse *ps)
{
  NkOpen op = g_array_index (ps->stack, NkOpen, ps->stack->len - 1);
  g_array_set_size (ps->stack, ps->stack->len - 1);
  if (op.effects & E_SKIP)
    ps->skip_depth--;
  if (op.node < 0)
    return;
  if (op.tag == T_SCRIPT && ps->jsonld_depth)
    {
      ps->jsonld_depth--;
      g_string_append_c (ps->meta.jsonld, '\x1e');
    }
  NkNode *n = &g_array_index (ps->nodes, NkNode, op.node);
  if (n->cat & C_BLOCK)
    nk_flush (ps, FALSE);
  if (op.effects & E_TITLE)
    ps->title_depth--;
  if (op.effects & E_LINK)
    ps->link_depth--;
  if (op.effects & E_HEADING)
    ps->heading_depth--;
  if (op.effects & E_LI)
    ps->li_depth--;
  if (op.effects & E_QUOTE)
    ps->quote_depth--;
  if (op.effects & E_PRE)
    ps->pre_depth--;
  if (op.effects & E_CAPTION)
    ps->caption_depth--;
  if (op.node == ps->rel_author_node)
    {
      ps->rel_author_node = -1;
      g_autofree gchar *t = g_strstrip (g_strdup (ps->rel_author_text->str));
      if (*t && strlen (t) < 100)
        ps->meta.rel_author = g_steal_pointer (&t);
    }
  n = &g_array_index (ps->nodes, NkNode, op.node);
  n->block_end = ps->blocks->len;
  ps->cur = n->parent;
  ps->cur_blk = op.prev_blk;
}

static void
nk_sax_end (void *ud, const xmlChar *name)
{
  NkParse *ps = ud;
  /* libxml2 balances start/end itself; still, only pop what matches to be safe */
  guint i = ps->stack->len;
  while (i > 0)
    {
      const xmlChar *n = g_array_index (ps->stack, NkOpen, i - 1).name;
      if (n == name || xmlStrEqual (n, name))
        break;
      i--;
    }
  if (i == 0)
    return;
  while (ps->stack->len >= i)
    nk_pop_one (ps);
}

static void
nk_xml_noop_generic (void *ctx, const char *msg, ...)
{
  (void) ctx;
  (void) msg;
}

static void
nk_xml_noop_structured (void *ctx, xmlErrorPtr err)
{
  (void) ctx;
  (void) err;
}

static gboolean
nk_run_parser (NkParse *ps, const gchar *buf, gsize len, GError **error)
{
  htmlSAXHandler sax;
  memset (&sax, 0, sizeof sax);
  sax.startElement = nk_sax_start;
  sax.endElement = nk_sax_end;
  sax.characters = nk_sax_characters;
  sax.ignorableWhitespace = nk_sax_characters;
  sax.cdataBlock = nk_sax_cdata;
  sax.error = nk_xml_noop_generic;
  sax.warning = nk_xml_noop_generic;
  sax.fatalError = nk_xml_noop_generic;
  sax.serror = nk_xml_noop_structured;
  sax.initialized = XML_SAX2_MAGIC;

  ps->ctxt = htmlCreatePushParserCtxt (&sax, ps, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
  if (ps->ctxt == NULL)
    {
      g_set_error (error, NK_HTML_ERROR, NK_HTML_ERROR_PARSE,
                   "libxml2 could not create an HTML parser context");
      return FALSE;
    }
  htmlCtxtUseOptions (ps->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                                  | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC
                                  | HTML_PARSE_COMPACT);
  /* htmlCtxtUseOptions clears these for NOERROR/NOWARNING; the structured one stays */
  ps->ctxt->sax->serror = nk_xml_noop_structured;
  const gsize chunk = 64 * 1024;
  for (gsize off = 0; off < len; off += chunk)
    htmlParseChunk (ps->ctxt, buf + off, (int) MIN (chunk, len - off), 0);
  htmlParseChunk (ps->ctxt, NULL, 0, 1);
  /* close whatever is still open so every node has its block range */
  while (ps->stack->len > 0)
    nk_pop_one (ps);
  nk_flush (ps, FALSE);
  htmlFreeParserCtxt (ps->ctxt);
  ps->ctxt = NULL;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Content selection                                                                          */
/* ------------------------------------------------------------------------------------------ */

enum {
  F_STRIP_UNLIKELY = 1 << 0,
  F_WEIGHT_CLASSES = 1 << 1,
  F_CLEAN_CONDITIONALLY = 1 << 2,
};

typedef struct {
  guint32 chars;
  guint32 links;
  guint32 commas;
  guint32 n_p;
  guint32 n_img;
  guint32 n_li;
  guint32 n_input;
  guint32 n_embed;
  gfloat score;
  guint8 scored;
  guint8 removed;    /* removed itself or through an ancestor */
  guint8 in_content;
} NkAgg;

typedef struct {
  NkParse *ps;
  guint flags;
  NkAgg *agg;
  guint8 *block_keep;  /* per block: 1 kept in content */
} NkPass;

static inline NkNode *
nk_node (NkParse *ps, gint32 i)
{
  return &g_array_index (ps->nodes, NkNode, i);
}

static inline NkBlock *
nk_block (NkParse *ps, guint i)
{
  return &g_array_index (ps->blocks, NkBlock, i);
}

static gboolean
nk_unlikely (NkParse *ps, gint32 i)
{
  NkNode *n = nk_node (ps, i);
  if (n->tag == T_BODY || n->tag == T_HTML || n->tag == T_A || n->tag == T_ARTICLE
      || n->tag == T_MAIN || (n->hints & H_ARTICLE_BODY))
    return FALSE;
  if (n->hints & (H_BAD_ROLE | H_ASIDE_TAG))
    return TRUE;
  if ((n->hints & H_UNLIKELY) && !(n->hints & (H_MAYBE | H_HAS_QUOTE)))
    return !(n->hints & H_CODE);
  return FALSE;
}

/* Marks removed nodes (hidden always; unlikely candidates with F_STRIP_UNLIKELY), with
 * inheritance, then aggregates text and element counts bottom-up over what remains. */
static void
nk_pass_aggregate (NkPass *pa)
{
  NkParse *ps = pa->ps;
  guint nn = ps->nodes->len;
  for (guint i = 0; i < nn; i++)
    {
      NkNode *n = nk_node (ps, (gint32) i);
      gboolean rm = (n->hints & H_HIDDEN) != 0 || n->tag == T_HEAD;
      if (!rm && (pa->flags & F_STRIP_UNLIKELY))
        rm = nk_unlikely (ps, (gint32) i);
      if (n->parent >= 0 && pa->agg[n->parent].removed)
        rm = TRUE;
      pa->agg[i].removed = rm;
    }
  for (guint b = 0; b < ps->blocks->len; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      if (bl->node < 0 || pa->agg[bl->node].removed)
        continue;
      NkAgg *a = &pa->agg[bl->node];
      a->chars += bl->chars;
      a->links += bl->link_chars;
      a->commas += bl->commas;
    }
  for (guint i = nn; i-- > 0;)
    {
      NkNode *n = nk_node (ps, (gint32) i);
      NkAgg *a = &pa->agg[i];
      if (a->removed)
        continue;
      a->n_p += n->tag == T_P;
      a->n_img += n->tag == T_IMG;
      a->n_li += n->tag == T_LI;
      a->n_input += n->tag == T_INPUT || n->tag == T_SELECT || n->tag == T_TEXTAREA;
      a->n_embed += n->tag == T_EMBED || n->tag == T_OBJECT || n->tag == T_IFRAME;
      if (n->parent < 0)
        continue;
      NkAgg *p = &pa->agg[n->parent];
      p->chars += a->chars;
      p->links += a->links;
      p->commas += a->commas;
      p->n_p += a->n_p;
      p->n_img += a->n_img;
      p->n_li += a->n_li;
      p->n_input += a->n_input;
      p->n_embed += a->n_embed;
    }
}

static gfloat
nk_link_density (const NkAgg *a)
{
  return a->chars > 0 ? (gfloat) a->links / (gfloat) a->chars : 0.0f;
}

static void
nk_init_score (NkPass *pa, gint32 i)
{
  NkNode *n = nk_node (pa->ps, i);
  NkAgg *a = &pa->agg[i];
  if (a->scored)
    return;
  gfloat s = 0;
  switch (n->tag)
    {
    case T_DIV: case T_ARTICLE: case T_MAIN: case T_SECTION:
      s = 5;
      break;
    case T_PRE: case T_TD: case T_BLOCKQUOTE:
      s = 3;
      break;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT: case T_LI:
    case T_FORM:
      s = -3;
      break;
    case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6: case T_TH:
      s = -5;
      break;
    default:
      break;
    }
  if (pa->flags & F_WEIGHT_CLASSES)
    s += n->weight;
  if (n->hints & H_ARTICLE_BODY)
    s += 25;
  a->score = s;
  a->scored = 1;
}

/* Readability: each paragraph-like block of >= 25 chars adds 1 + commas + min(len/100, 3)
 * to up to five ancestors, divided by a level-dependent factor. */
static void
nk_pass_score (NkPass *pa)
{
  NkParse *ps = pa->ps;
  for (guint b = 0; b < ps->blocks->len; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      if (bl->node < 0 || pa->agg[bl->node].removed || bl->chars < 25)
        continue;
      gfloat cs = 1.0f + (gfloat) bl->commas + (gfloat) MIN (bl->chars / 100, 3u);
      NkNode *e = nk_node (ps, bl->node);
      /* text straight in a div that also has block children: the div is its parent */
      gint32 anc = (e->has_block_child && (e->tag == T_DIV || e->tag == T_SECTION
                                           || e->tag == T_ARTICLE || e->tag == T_MAIN))
                     ? bl->node : e->parent;
      for (guint level = 0; anc >= 0 && level < 5; level++, anc = nk_node (ps, anc)->parent)
        {
          NkNode *an = nk_node (ps, anc);
          if (an->tag == T_HTML)
            break;
          nk_init_score (pa, anc);
          gfloat div = level == 0 ? 1.0f : level == 1 ? 2.0f : (gfloat) level * 3.0f;
          pa->agg[anc].score += cs / div;
        }
    }
  for (guint i = 0; i < ps->nodes->len; i++)
    if (pa->agg[i].scored)
      pa->agg[i].score *= 1.0f - nk_link_density (&pa->agg[i]);
}

static gint32
nk_pass_top_candidate (NkPass *pa)
{
  NkParse *ps = pa->ps;
  enum { N_TOP = 5 };
  gint32 top[N_TOP];
  guint ntop = 0;
  for (guint i = 0; i < ps->nodes->len; i++)
    {
      if (!pa->agg[i].scored || pa->agg[i].removed)
        continue;
      gfloat s = pa->agg[i].score;
      guint k = ntop;
      while (k > 0 && pa->agg[top[k - 1]].score < s)
        k--;
      if (k >= N_TOP)
        continue;
      guint last = MIN (ntop, (guint) N_TOP - 1);
      for (guint j = last; j > k; j--)
        top[j] = top[j - 1];
      top[k] = (gint32) i;
      if (ntop < N_TOP)
        ntop++;
    }
  if (ntop == 0)
    return -1;
  gint32 best = top[0];
  gfloat best_score = pa->agg[best].score;

  /* several strong candidates under one ancestor: take the ancestor (counted with one
   * walk up per candidate, so deep nesting stays linear) */
  g_autofree guint8 *shared = g_new0 (guint8, ps->nodes->len);
  for (guint k = 1; k < ntop; k++)
    if (pa->agg[top[k]].score >= best_score * 0.75f)
      for (gint32 a = nk_node (ps, top[k])->parent; a >= 0; a = nk_node (ps, a)->parent)
        shared[a]++;
  gint32 parent;
  for (parent = nk_node (ps, best)->parent; parent >= 0 && nk_node (ps, parent)->tag != T_BODY;
       parent = nk_node (ps, parent)->parent)
    if (shared[parent] >= 3)
      {
        best = parent;
        break;
      }
  nk_init_score (pa, best);

  /* climb while the parent scores higher (content split over wrappers) */
  gfloat last = pa->agg[best].score;
  gfloat threshold = last / 3.0f;
  for (parent = nk_node (ps, best)->parent; parent >= 0 && nk_node (ps, parent)->tag != T_BODY;
       parent = nk_node (ps, parent)->parent)
    {
      if (!pa->agg[parent].scored)
        continue;
      gfloat s = pa->agg[parent].score;
      if (s < threshold)
        break;
      if (s > last)
        {
          best = parent;
          break;
        }
      last = s;
    }
  /* an only child: its parent holds the same content plus maybe a bit more */
  for (parent = nk_node (ps, best)->parent;
       parent >= 0 && nk_node (ps, parent)->tag != T_BODY
       && nk_node (ps, parent)->first_child == best && nk_node (ps, best)->next_sibling < 0;
       parent = nk_node (ps, parent)->parent)
    best = parent;
  return best;
}

static gboolean
nk_ends_sentence (NkParse *ps, gint32 node)
{
  NkNode *n = nk_node (ps, node);
  for (guint b = n->block_end; b-- > n->block_first;)
    {
      NkBlock *bl = nk_block (ps, b);
      if (bl->text_end > bl->text_start)
        {
          /* ASCII terminal punctuation, or the last byte of ” ’ … */
          guint8 c = (guint8) ps->text->str[bl->text_end - 1];
          return c == '.' || c == '!' || c == '?' || c == '"' || c == ')' || c == 0x9D
                 || c == 0x99 || c == 0xA6;
        }
    }
  return FALSE;
}

/* Marks the top candidate and qualifying siblings as content. */
static void
nk_pass_select (NkPass *pa, gint32 best)
{
  NkParse *ps = pa->ps;
  NkNode *bn = nk_node (ps, best);
  if (bn->parent < 0)
    {
      pa->agg[best].in_content = 1;
      return;
    }
  gfloat bscore = pa->agg[best].score;
  gfloat threshold = MAX (10.0f, bscore * 0.2f);
  for (gint32 s = nk_node (ps, bn->parent)->first_child; s >= 0; s = nk_node (ps, s)->next_sibling)
    {
      NkNode *sn = nk_node (ps, s);
      NkAgg *sa = &pa->agg[s];
      gboolean append = s == best;
      if (!append && !sa->removed)
        {
          gfloat bonus = (sn->cls_hash != 0 && sn->cls_hash == bn->cls_hash) ? bscore * 0.2f : 0;
          if (sa->scored && sa->score + bonus >= threshold)
            append = TRUE;
          else if (sn->tag == T_P || (sn->tag == T_DIV && !sn->has_block_child))
            {
              /* (a div with only inline content reads as a paragraph) */
              gfloat ld = nk_link_density (sa);
              if (sa->chars > 80 && ld < 0.25f)
                append = TRUE;
              else if (sa->chars > 0 && sa->chars <= 80 && ld == 0 && nk_ends_sentence (ps, s))
                append = TRUE;
            }
        }
      if (append)
        sa->in_content = 1;
    }
}

static gboolean
nk_is_data_table (NkParse *ps, gint32 i)
{
  /* a table with header cells or a caption holds data, not layout */
  NkNode *n = nk_node (ps, i);
  for (gint32 j = i + 1; j < (gint32) ps->nodes->len; j++)
    {
      NkNode *m = nk_node (ps, j);
      if (m->block_first >= n->block_end && m->block_first > n->block_first)
        break;
      if (m->tag == T_TH || m->tag == T_CAPTION)
        return TRUE;
      if (j - i > 200)
        break;
    }
  return FALSE;
}

/* Count fields of NkAgg: dst += src or dst -= src (saturating). */
static void
nk_counts_add (NkAgg *dst, const NkAgg *src)
{
  dst->chars += src->chars;
  dst->links += src->links;
  dst->commas += src->commas;
  dst->n_p += src->n_p;
  dst->n_img += src->n_img;
  dst->n_li += src->n_li;
  dst->n_input += src->n_input;
  dst->n_embed += src->n_embed;
}

static void
nk_counts_sub (NkAgg *dst, const NkAgg *src)
{
  dst->chars -= MIN (dst->chars, src->chars);
  dst->links -= MIN (dst->links, src->links);
  dst->commas -= MIN (dst->commas, src->commas);
  dst->n_p -= MIN (dst->n_p, src->n_p);
  dst->n_img -= MIN (dst->n_img, src->n_img);
  dst->n_li -= MIN (dst->n_li, src->n_li);
  dst->n_input -= MIN (dst->n_input, src->n_input);
  dst->n_embed -= MIN (dst->n_embed, src->n_embed);
}

static gboolean
nk_should_clean (NkPass *pa, gint32 i)
{
  NkParse *ps = pa->ps;
  NkNode *n = nk_node (ps, i);
  NkAgg *a = &pa->agg[i];
  gint weight = (pa->flags & F_WEIGHT_CLASSES) ? n->weight : 0;
  if (n->hints & H_ARTICLE_BODY)
    weight += 25;
  gfloat score = a->scored ? a->score : 0;
  if (n->tag == T_TABLE && nk_is_data_table (ps, i))
    return FALSE;
  if (n->hints & H_CODE)
    return FALSE;
  if ((n->hints & H_SHARE) && !(n->hints & H_HAS_QUOTE) && a->chars < 500)
    return TRUE;
  if (weight + score < 0 && !(n->hints & H_HAS_QUOTE))
    return TRUE;
  if (a->commas >= 10)
    return FALSE;
  gboolean is_list = n->tag == T_UL || n->tag == T_OL;
  gboolean in_figure = (n->hints & H_IN_FIGURE) && n->tag != T_FIGURE;
  gfloat ld = nk_link_density (a);
  gint li = (gint) a->n_li - 100;
  if (a->n_img > 1 && (gfloat) a->n_p / (gfloat) a->n_img < 0.5f && !in_figure)
    return TRUE;
  if (!is_list && li > (gint) a->n_p)
    return TRUE;
  if (a->n_input > a->n_p / 3)
    return TRUE;
  if (!is_list && a->chars < 25 && (a->n_img == 0 || a->n_img > 2) && !in_figure)
    return TRUE;
  /* embedded posts (tweets) quote link-heavy text: tolerate more links there */
  if (!is_list && weight < 25 && ld > ((n->hints & H_HAS_QUOTE) ? 0.5f : 0.2f))
    return TRUE;
  if (weight >= 25 && ld > 0.5f)
    return TRUE;
  if ((a->n_embed == 1 && a->chars < 75) || a->n_embed > 1)
    return TRUE;
  return FALSE;
}

/* Propagates in_content down, then cleans conditionally inside the content (inner first,
 * with live counts so an outer element sees what its removed children no longer add). */
static void
nk_pass_clean (NkPass *pa)
{
  NkParse *ps = pa->ps;
  guint nn = ps->nodes->len;
  for (guint i = 0; i < nn; i++)
    {
      gint32 p = nk_node (ps, (gint32) i)->parent;
      if (p >= 0)
        {
          if (pa->agg[p].in_content)
            pa->agg[i].in_content = 1;
          if (pa->agg[p].removed)
            pa->agg[i].removed = 1;
        }
    }
  gboolean conditional = (pa->flags & F_CLEAN_CONDITIONALLY) != 0;
  /* Reverse document order visits all descendants before their element, so the counts
   * removed below an element (rm) are complete when it is judged: linear, not per-ancestor. */
  g_autofree NkAgg *rm = g_new0 (NkAgg, MAX (nn, 1u));
  for (guint i = nn; i-- > 0;)
    {
      NkNode *n = nk_node (ps, (gint32) i);
      if (pa->agg[i].removed)
        continue; /* never counted in its ancestors */
      nk_counts_sub (&pa->agg[i], &rm[i]);
      gboolean clean = FALSE;
      if (pa->agg[i].in_content && (n->tag == T_FOOTER || n->tag == T_ASIDE || n->tag == T_NAV)
          && !(n->hints & H_ARTICLE_BODY))
        clean = TRUE; /* Readability drops these inside the article whatever the pass */
      else if (pa->agg[i].in_content && (n->hints & H_SHARE) && !(n->hints & H_HAS_QUOTE)
               && pa->agg[i].chars < 500)
        clean = TRUE; /* share/social widgets of any element type, as Readability does */
      else if (pa->agg[i].in_content && conditional)
        switch (n->tag)
          {
          case T_DIV:
            /* a div holding only inline content is a paragraph (Readability turns it into
             * a <p> before cleaning): short paragraphs are body */
            if (!n->has_block_child)
              {
                /* ...but a short label without a sentence end ("SUBSCRIBE", "Tags: x") in
                 * its own div is not */
                gint w = (pa->flags & F_WEIGHT_CLASSES) ? n->weight : 0;
                clean = w < 0 || nk_link_density (&pa->agg[i]) > 0.5f
                        || (pa->agg[i].chars < 25 && !nk_ends_sentence (ps, (gint32) i));
                break;
              }
            clean = nk_should_clean (pa, (gint32) i);
            break;
          case T_FORM: case T_FIELDSET: case T_TABLE: case T_UL: case T_OL:
          case T_SECTION: case T_ASIDE: case T_FOOTER: case T_HEADER: case T_NAV:
            clean = nk_should_clean (pa, (gint32) i);
            break;
          case T_H1: case T_H2: case T_H3:
            clean = (pa->flags & F_WEIGHT_CLASSES) && n->weight < 0;
            break;
          default:
            break;
          }
      if (n->parent < 0)
        continue;
      if (clean)
        {
          pa->agg[i].removed = 1;
          nk_counts_add (&rm[n->parent], &pa->agg[i]);
        }
      nk_counts_add (&rm[n->parent], &rm[i]);
    }
  for (guint i = 0; i < nn; i++)
    {
      gint32 p = nk_node (ps, (gint32) i)->parent;
      if (p >= 0 && pa->agg[p].removed)
        pa->agg[i].removed = 1;
    }
}

/* The block that starts with the page's own description (og:description), or -1. */
static gint
nk_find_lead_block (NkParse *ps)
{
  if (ps->meta.description == NULL)
    return -1;
  g_autoptr (GString) d = g_string_new (NULL);
  nk_append_collapsed (d, (const guint8 *) ps->meta.description, strlen (ps->meta.description));
  if (d->len < 40)
    return -1;
  g_string_truncate (d, 40);
  for (guint b = 0; b < ps->blocks->len; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      if (bl->text_end - bl->text_start >= d->len
          && memcmp (ps->text->str + bl->text_start, d->str, d->len) == 0)
        return (gint) b;
    }
  return -1;
}

/* The publisher's description usually repeats the article's first paragraph: when the top
 * candidate misses that paragraph, a reasonably strong candidate holding it wins. */
static gint32
nk_pass_prefer_lead (NkPass *pa, gint32 best)
{
  NkParse *ps = pa->ps;
  if (ps->lead_block < 0)
    return best;
  NkBlock *lead = nk_block (ps, (guint) ps->lead_block);
  NkNode *bn = nk_node (ps, best);
  if (lead->node < 0 || pa->agg[lead->node].removed || lead->chars < 25
      || ((guint) ps->lead_block >= bn->block_first && (guint) ps->lead_block < bn->block_end))
    return best;
  gint32 cand = -1;
  gfloat cs = 0;
  gint32 a = lead->node;
  for (guint level = 0; a >= 0 && level < 6; level++, a = nk_node (ps, a)->parent)
    if (pa->agg[a].scored && !pa->agg[a].removed && nk_node (ps, a)->tag != T_BODY
        && (cand < 0 || pa->agg[a].score > cs))
      {
        cand = a;
        cs = pa->agg[a].score;
      }
  /* text between the lead and the candidate: a dek just above the body is near (keep the
   * body), an article far from what won (comments, a later section) is not */
  guint gap = 0;
  guint from = (guint) ps->lead_block < bn->block_first ? (guint) ps->lead_block + 1 : bn->block_end;
  guint to = (guint) ps->lead_block < bn->block_first ? bn->block_first : (guint) ps->lead_block;
  for (guint b = from; b < to && b < ps->blocks->len; b++)
    gap += nk_block (ps, b)->chars;
  if (cand >= 0 && gap >= 1000 && cs >= 0.25f * pa->agg[best].score)
    g_debug ("lead paragraph %u chars away from the top candidate (%.1f): taking its holder "
             "(%.1f)", gap, pa->agg[best].score, cs);
  return (cand >= 0 && gap >= 1000 && cs >= 0.25f * pa->agg[best].score) ? cand : best;
}

/* Prose-like: long enough, few links, ends like a sentence. */
static gboolean
nk_is_prose (NkParse *ps, NkBlock *bl)
{
  if (bl->chars < 60 || bl->link_chars * 5 > bl->chars
      || (bl->flags & (NK_HTML_LINE_CAPTION | NK_HTML_LINE_HEADING)))
    return FALSE;
  const guchar *end = (const guchar *) ps->text->str + bl->text_end;
  guchar c = end[-1];
  /* ASCII terminal punctuation, or the last byte of a closing curly quote/ellipsis */
  return c == '.' || c == '!' || c == '?' || c == '"' || c == ')' || c == 0x9D || c == 0x99
         || c == 0xA6;
}

/* Does node i lie within @levels levels above @best's subtree (a cousin of the content)? */
static gboolean
nk_near_content (NkParse *ps, gint32 best, gint32 i, guint levels)
{
  gint32 a = best;
  for (guint k = 0; k < levels; k++)
    {
      gint32 p = nk_node (ps, a)->parent;
      if (p < 0 || nk_node (ps, p)->tag == T_HTML)
        break;
      a = p;
    }
  if (nk_node (ps, a)->tag == T_BODY || nk_node (ps, a)->tag == T_HTML)
    return FALSE;
  for (; i >= 0; i = nk_node (ps, i)->parent)
    if (i == a)
      return TRUE;
  return FALSE;
}

/* boilerpipe-style contiguity: body text split over containers (an ad or a widget between
 * two halves) loses a half to Readability's selection; walk outwards from the kept region
 * and take prose blocks close to it, stopping at the first stretch of other text. */
static void
nk_pass_extend (NkPass *pa, gint32 best)
{
  NkParse *ps = pa->ps;
  guint nb = ps->blocks->len, first = nb, last = 0;
  for (guint b = 0; b < nb; b++)
    if (pa->block_keep[b])
      {
        first = MIN (first, b);
        last = b;
      }
  if (first == nb || best < 0)
    return;
  guint kept_chars = 0;
  for (guint b = first; b <= last; b++)
    if (pa->block_keep[b])
      kept_chars += nk_block (ps, b)->chars;
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  for (gint dir = -1; dir <= 1; dir += 2)
    {
      guint other = 0, found_chars = 0;
      g_array_set_size (found, 0);
      for (gint64 b = dir < 0 ? (gint64) first - 1 : (gint64) last + 1; b >= 0 && b < nb; b += dir)
        {
          NkBlock *bl = nk_block (ps, (guint) b);
          if (pa->block_keep[b] || bl->node < 0)
            continue;
          gboolean usable = !pa->agg[bl->node].removed || !(pa->flags & F_STRIP_UNLIKELY);
          if (usable && nk_is_prose (ps, bl) && nk_near_content (ps, best, bl->node, 3)
              && !(nk_node (ps, bl->node)->hints & (H_HIDDEN | H_UNLIKELY | H_NEGATIVE)))
            {
              guint ub = (guint) b;
              g_array_append_val (found, ub);
              found_chars += bl->chars;
              other = 0;
              continue;
            }
          other += bl->chars;
          if (other > 200)
            break;
        }
      /* a lost half of an article has several paragraphs; a lone prose block beside the
       * content is more often a disclosure, a claim box or an author bio; and more prose than
       * the content itself is a different text (unmarked reader comments, another story) */
      if (found->len >= 2 && found_chars >= 300 && found_chars <= kept_chars)
        for (guint k = 0; k < found->len; k++)
          pa->block_keep[g_array_index (found, guint, k)] = 1;
    }
}

/* Runs one selection pass; fills pa->block_keep and returns the kept text length. */
static gsize
nk_pass_run (NkPass *pa)
{
  NkParse *ps = pa->ps;
  nk_pass_aggregate (pa);
  nk_pass_score (pa);
  gint32 best = nk_pass_top_candidate (pa);
  if (best >= 0)
    best = nk_pass_prefer_lead (pa, best);
  if (best < 0)
    {
      /* nothing paragraph-like: fall back to the whole body */
      for (guint i = 0; i < ps->nodes->len; i++)
        if (nk_node (ps, (gint32) i)->tag == T_BODY)
          {
            best = (gint32) i;
            break;
          }
      if (best < 0)
        return 0;
      pa->agg[best].in_content = 1;
    }
  else
    nk_pass_select (pa, best);
  nk_pass_clean (pa);
  gsize total = 0;
  for (guint b = 0; b < ps->blocks->len; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      gboolean keep = bl->node >= 0 && pa->agg[bl->node].in_content
                      && !pa->agg[bl->node].removed;
      pa->block_keep[b] = keep;
    }
  nk_pass_extend (pa, best);
  for (guint b = 0; b < ps->blocks->len; b++)
    if (pa->block_keep[b])
      total += nk_block (ps, b)->chars;
  return total;
}

/* ------------------------------------------------------------------------------------------ */
/* Metadata                                                                                   */
/* ------------------------------------------------------------------------------------------ */


/* 1..12 for a month name or its abbreviation ("Nov", "Sept"), else 0. */
static gint
nk_month_of (const char *w, gsize n)
{
  static const char *const full[] = { "january", "february", "march", "april", "may", "june",
                                      "july", "august", "september", "october", "november",
                                      "december" };
  if (n < 3)
    return 0;
  for (gint m = 0; m < 12; m++)
    {
      if (g_ascii_strncasecmp (w, full[m], 3) != 0)
        continue;
      if (n == 3 || (n == 4 && m == 8 && g_ascii_strncasecmp (w, "sept", 4) == 0)
          || (n == strlen (full[m]) && g_ascii_strncasecmp (w, full[m], n) == 0))
        return m + 1;
    }
  return 0;
}

static gchar *
nk_make_iso (gint y, gint m, gint d)
{
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
    return NULL;
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* "2019-11-18T...", "2019/11/18", "20191118", "November 18, 2019", "18 Nov 2019",
 * "Nov. 18, 2019" → "YYYY-MM-DD"; NULL when not recognised. */
static gchar *
nk_date_to_iso (const char *s)
{
  if (s == NULL)
    return NULL;
  while (g_ascii_isspace (*s))
    s++;
  if (g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1]) && g_ascii_isdigit (s[2])
      && g_ascii_isdigit (s[3]))
    {
      gint y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
      if ((s[4] == '-' || s[4] == '/' || s[4] == '.') && g_ascii_isdigit (s[5]))
        {
          gchar *end = NULL;
          gint m = (gint) g_ascii_strtoll (s + 5, &end, 10);
          if (end != NULL && *end == s[4] && g_ascii_isdigit (end[1]))
            return nk_make_iso (y, m, (gint) g_ascii_strtoll (end + 1, NULL, 10));
        }
      if (g_ascii_isdigit (s[4]) && g_ascii_isdigit (s[7]) && !g_ascii_isdigit (s[8]))
        return nk_make_iso (y, (s[4] - '0') * 10 + (s[5] - '0'), (s[6] - '0') * 10 + (s[7] - '0'));
    }
  /* words and numbers: the day is the number right after the month ("March 4, 2019") or
   * right before it ("4 March 2019"); numbers in times ("10:15") are skipped */
  enum { MAX_TOK = 24 };
  gint val[MAX_TOK], kind[MAX_TOK]; /* kind: 0 word, 1 day-like, 2 year, 3 other number */
  gint month_at = -1, month = 0, ntok = 0;
  for (const char *p = s; *p && ntok < MAX_TOK;)
    {
      while (*p && !g_ascii_isalnum (*p))
        p++;
      const char *w = p;
      while (g_ascii_isalnum (*p))
        p++;
      gsize n = (gsize) (p - w);
      if (n == 0)
        break;
      val[ntok] = 0;
      kind[ntok] = 0;
      if (g_ascii_isdigit (*w))
        {
          gint v = (gint) g_ascii_strtoll (w, NULL, 10);
          gboolean in_time = *p == ':' || (w > s && w[-1] == ':');
          gsize digits = 0;
          while (digits < n && g_ascii_isdigit (w[digits]))
            digits++;
          val[ntok] = v;
          if (in_time)
            kind[ntok] = 3;
          else if (digits == 4 && v >= 1900)
            kind[ntok] = 2;
          else if (digits <= 2 && v >= 1 && v <= 31)
            kind[ntok] = 1;
          else
            kind[ntok] = 3;
        }
      else if (month == 0 && nk_month_of (w, n))
        {
          month = nk_month_of (w, n);
          month_at = ntok;
        }
      ntok++;
    }
  if (month_at < 0)
    return NULL;
  gint day = 0, year = 0;
  if (month_at + 1 < ntok && kind[month_at + 1] == 1)
    day = val[month_at + 1];
  else if (month_at > 0 && kind[month_at - 1] == 1)
    day = val[month_at - 1];
  for (gint i = month_at + 1; i < ntok && year == 0; i++)
    if (kind[i] == 2)
      year = val[i];
  if (day && year)
    return nk_make_iso (year, month, day);
  return NULL;
}

/* JSON-LD (schema.org) facts of the page's article object. */
typedef struct {
  gchar *headline;
  gchar *author;
  gchar *date;
  gchar *modified;
  gchar *publisher;
  gboolean from_article; /* found on an *Article/BlogPosting/Report object */
} NkJsonLd;

static void
nk_jsonld_clear (NkJsonLd *ld)
{
  g_free (ld->headline);
  g_free (ld->author);
  g_free (ld->date);
  g_free (ld->modified);
  g_free (ld->publisher);
  memset (ld, 0, sizeof *ld);
}

static const char *
nk_json_str (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  const char *v = json_node_get_string (n);
  return (v != NULL && *v) ? v : NULL;
}

/* A person/organisation value: "Name", {"name": ...} or a list of them ("A and B"). */
static gchar *
nk_json_names (JsonNode *n)
{
  if (n == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    {
      const char *v = json_node_get_string (n);
      return (v != NULL && *v && !g_str_has_prefix (v, "http")) ? g_strdup (v) : NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      const char *v = nk_json_str (json_node_get_object (n), "name");
      return v != NULL ? g_strdup (v) : NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);
      GString *s = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (a) && i < 8; i++)
        {
          g_autofree gchar *one = nk_json_names (json_array_get_element (a, i));
          if (one == NULL)
            continue;
          if (s->len)
            g_string_append (s, " and ");
          g_string_append (s, one);
        }
      return g_string_free (s, s->len == 0);
    }
  return NULL;
}

static gboolean
nk_jsonld_is_article (JsonObject *o)
{
  JsonNode *t = json_object_get_member (o, "@type");
  if (t == NULL)
    return FALSE;
  const char *v = NULL;
  if (JSON_NODE_HOLDS_VALUE (t))
    v = json_node_get_string (t);
  else if (JSON_NODE_HOLDS_ARRAY (t) && json_array_get_length (json_node_get_array (t)) > 0)
    v = json_array_get_string_element (json_node_get_array (t), 0);
  return v != NULL && (strstr (v, "Article") != NULL || strstr (v, "BlogPosting") != NULL
                       || strstr (v, "Report") != NULL || strcmp (v, "WebPage") == 0);
}

static void
nk_jsonld_take (NkJsonLd *ld, JsonObject *o)
{
  gboolean article = nk_jsonld_is_article (o);
  if (ld->from_article && !article)
    return;
  if (article && !ld->from_article)
    {
      nk_jsonld_clear (ld);
      ld->from_article = TRUE;
    }
  if (ld->headline == NULL && nk_json_str (o, "headline") != NULL)
    ld->headline = g_strdup (nk_json_str (o, "headline"));
  if (ld->date == NULL && nk_json_str (o, "datePublished") != NULL)
    ld->date = g_strdup (nk_json_str (o, "datePublished"));
  if (ld->modified == NULL && nk_json_str (o, "dateModified") != NULL)
    ld->modified = g_strdup (nk_json_str (o, "dateModified"));
  if (ld->author == NULL)
    ld->author = nk_json_names (json_object_get_member (o, "author"));
  if (ld->publisher == NULL)
    ld->publisher = nk_json_names (json_object_get_member (o, "publisher"));
}

/* Top-level objects, arrays of them and "@graph" lists; nested values are not searched
 * (a review's itemReviewed.author is not the page's author). */
static void
nk_jsonld_walk (NkJsonLd *ld, JsonNode *n, guint depth)
{
  if (n == NULL || depth > 3)
    return;
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (a) && i < 64; i++)
        nk_jsonld_walk (ld, json_array_get_element (a, i), depth + 1);
    }
  else if (JSON_NODE_HOLDS_OBJECT (n))
    {
      JsonObject *o = json_node_get_object (n);
      nk_jsonld_take (ld, o);
      if (json_object_has_member (o, "@graph"))
        nk_jsonld_walk (ld, json_object_get_member (o, "@graph"), depth + 1);
    }
}

/* Scripts are stored separated by '\x1e'; broken JSON is skipped quietly. */
static void
nk_jsonld_parse (NkJsonLd *ld, const char *scripts)
{
  g_auto (GStrv) parts = g_strsplit (scripts, "\x1e", 16);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*g_strstrip (parts[i]) == '\0')
        continue;
      g_autoptr (JsonParser) parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, parts[i], -1, NULL))
        continue;
      nk_jsonld_walk (ld, json_parser_get_root (parser), 0);
    }
}

static gboolean
nk_looks_like_url (const char *s)
{
  return s != NULL && (g_str_has_prefix (s, "http://") || g_str_has_prefix (s, "https://")
                       || g_str_has_prefix (s, "www."));
}

/* Do two names share a word of two or more letters (case-insensitive)? */
static gboolean
nk_shares_word (const char *a, const char *b)
{
  g_autofree gchar *fa = g_utf8_casefold (a, -1);
  g_autofree gchar *fb = g_utf8_casefold (b, -1);
  g_auto (GStrv) wa = g_strsplit_set (fa, " .,:;|-", -1);
  g_auto (GStrv) wb = g_strsplit_set (fb, " .,:;|-", -1);
  for (guint i = 0; wa[i] != NULL; i++)
    if (strlen (wa[i]) >= 2 && g_strv_contains ((const gchar *const *) wb, wa[i]))
      return TRUE;
  return FALSE;
}

/* Drops a " | Site" / " - Site" suffix (or prefix) from a <title>-like string. */
static gchar *
nk_strip_site (const char *title, const char *site)
{
  static const char *const seps[] = { " | ", " - ", " – ", " — ", " :: ", " » ", " · ", NULL };
  g_autofree gchar *t = g_strstrip (g_strdup (title));
  if (site != NULL && *site)
    {
      for (guint i = 0; seps[i] != NULL; i++)
        {
          g_autofree gchar *suffix = g_strconcat (seps[i], site, NULL);
          if (g_str_has_suffix (t, suffix) && strlen (t) > strlen (suffix))
            {
              t[strlen (t) - strlen (suffix)] = '\0';
              return g_steal_pointer (&t);
            }
        }
    }
  for (guint i = 0; seps[i] != NULL; i++)
    {
      const char *last = g_strrstr (t, seps[i]);
      if (last == NULL)
        continue;
      g_autofree gchar *head = g_strndup (t, (gsize) (last - t));
      const char *tail = last + strlen (seps[i]);
      /* keep the title when the part after the separator is long (a real subtitle) or,
       * with a known site name, does not look like it ("Talks - what we know") */
      guint tail_spaces = 0, head_spaces = 0;
      for (const char *c = tail; *c; c++)
        tail_spaces += (*c == ' ');
      for (const char *c = head; *c; c++)
        head_spaces += (*c == ' ');
      gboolean site_like = (site != NULL && *site) ? nk_shares_word (tail, site)
                                                   : tail_spaces <= 2;
      if (tail_spaces <= 4 && head_spaces >= 2 && site_like)
        return g_steal_pointer (&head);
    }
  return g_steal_pointer (&t);
}

/* ------------------------------------------------------------------------------------------ */
/* Result assembly                                                                            */
/* ------------------------------------------------------------------------------------------ */

static gboolean
nk_text_equal_ci (const char *a, gsize alen, const char *b)
{
  gsize blen = strlen (b);
  if (alen != blen)
    return FALSE;
  g_autofree gchar *x = g_utf8_casefold (a, (gssize) alen);
  g_autofree gchar *y = g_utf8_casefold (b, (gssize) blen);
  return strcmp (x, y) == 0;
}

/* First <h1> text of the page (used for the headline when there is no og:title). */
static gchar *
nk_first_h1 (NkParse *ps)
{
  for (guint b = 0; b < ps->blocks->len; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      if (bl->node >= 0 && nk_node (ps, bl->node)->tag == T_H1
          && !(nk_node (ps, bl->node)->hints & H_HIDDEN))
        return g_strndup (ps->text->str + bl->text_start, bl->text_end - bl->text_start);
    }
  return NULL;
}

static void
nk_add_date (NkHtmlResult *out, gchar *iso)
{
  if (iso == NULL || g_strcmp0 (iso, out->date_iso) == 0)
    {
      g_free (iso);
      return;
    }
  for (guint k = 0; k < out->dates->len; k++)
    if (strcmp (g_ptr_array_index (out->dates, k), iso) == 0)
      {
        g_free (iso);
        return;
      }
  g_ptr_array_add (out->dates, iso);
}

static void
nk_fill_meta (NkParse *ps, NkHtmlResult *out)
{
  NkMeta *m = &ps->meta;
  NkJsonLd ld = { 0 };
  if (m->jsonld->len)
    nk_jsonld_parse (&ld, m->jsonld->str);
  const char *ld_headline = ld.headline, *ld_author = ld.author, *ld_date = ld.date;
  const char *ld_mod = ld.modified, *ld_pub = ld.publisher;
  g_autofree gchar *h1 = nk_first_h1 (ps);

  const char *site = !nk_looks_like_url (m->og_site) ? m->og_site : NULL;
  if (site == NULL && !nk_looks_like_url (ld_pub))
    site = ld_pub;
  if (site == NULL && !nk_looks_like_url (m->app_name))
    site = m->app_name;
  out->publisher = g_strdup (site);
  const char *t = m->og_title != NULL ? m->og_title
                  : m->tw_title != NULL ? m->tw_title
                  : ld_headline != NULL ? ld_headline
                  : h1 != NULL ? h1 : (m->title_tag->len ? m->title_tag->str : NULL);
  if (t != NULL)
    {
      out->title = nk_strip_site (t, out->publisher);
      /* the page's own <h1> is the printed headline when it matches the declared one */
      if (h1 != NULL && g_strstr_len (t, -1, h1) != NULL && strlen (h1) > 10)
        {
          g_free (out->title);
          out->title = g_strdup (h1);
        }
    }
  const char *a = m->meta_author != NULL ? m->meta_author
                  : ld_author != NULL ? ld_author : m->rel_author;
  /* an organisation named as its own author is not a byline */
  if (a != NULL && out->publisher != NULL && g_ascii_strcasecmp (a, out->publisher) == 0)
    a = m->rel_author;
  if (a != NULL)
    {
      const char *s = a;
      if (g_ascii_strncasecmp (s, "by ", 3) == 0)
        s += 3;
      out->author = g_strstrip (g_strdup (s));
    }
  const char *d = m->meta_date != NULL ? m->meta_date
                  : ld_date != NULL ? ld_date : m->time_date;
  if (d != NULL)
    {
      out->date = g_strdup (d);
      out->date_iso = nk_date_to_iso (d);
    }
  const char *others[] = { m->meta_date, ld_date, m->time_date, m->meta_modified, ld_mod };
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    nk_add_date (out, nk_date_to_iso (others[i]));
  nk_jsonld_clear (&ld);
}

static void
nk_add_removed (NkHtmlResult *out, gsize rs, gsize re, const char *reason, gboolean adjacent)
{
  if (re <= rs)
    return;
  if (out->removed->len > 0)
    {
      NkHtmlRemoved *last = &g_array_index (out->removed, NkHtmlRemoved, out->removed->len - 1);
      /* consecutive drops of one kind (no kept line between) make one range */
      if ((adjacent || rs <= last->raw_end) && strcmp (last->reason, reason) == 0)
        {
          last->raw_end = MAX (last->raw_end, re);
          return;
        }
      rs = MAX (rs, last->raw_end);
      if (re <= rs)
        return;
    }
  NkHtmlRemoved r = { rs, re, reason };
  g_array_append_val (out->removed, r);
}

/* Is the block under a byline/author element (a short block, close to it)? */
static gboolean
nk_is_byline (NkParse *ps, NkPass *pa, NkBlock *bl)
{
  if (bl->chars > 120)
    return FALSE;
  guint k = 0;
  for (gint32 i = bl->node; i >= 0 && k < 4; i = nk_node (ps, i)->parent, k++)
    if ((nk_node (ps, i)->hints & H_BYLINE) && pa->agg[i].chars < 250)
      return TRUE;
  return FALSE;
}

static gboolean
nk_is_caption (NkParse *ps, NkPass *pa, NkBlock *bl)
{
  if (bl->flags & NK_HTML_LINE_CAPTION)
    return TRUE;
  guint k = 0;
  for (gint32 i = bl->node; i >= 0 && k < 4; i = nk_node (ps, i)->parent, k++)
    if ((nk_node (ps, i)->hints & H_CAPTION) && pa->agg[i].chars < 1000)
      return TRUE;
  return FALSE;
}

static gboolean
nk_is_time_word (const char *w, gsize n)
{
  static const char *const words[] = {
    "am", "pm", "a", "p", "m", "est", "edt", "cst", "cdt", "pst", "pdt", "mst", "mdt", "gmt",
    "utc", "bst", "cet", "cest", "kst", "jst", "ist", "et", "pt", "ct", "updated", "published",
    "posted", "last", "first", "on", "at", "modified", "date", "uhr", "hrs", "ago", NULL
  };
  if (nk_month_of (w, n))
    return TRUE;
  for (guint i = 0; words[i] != NULL; i++)
    if (strlen (words[i]) == n && g_ascii_strncasecmp (w, words[i], n) == 0)
      return TRUE;
  static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
  for (guint i = 0; days[i] != NULL; i++)
    if (n >= 3 && g_ascii_strncasecmp (w, days[i], 3) == 0)
      return TRUE;
  return FALSE;
}

/* A short line that is only a date/time stamp ("Updated 1:39 am EST, Wednesday, November 20,
 * 2019", "First Published: ..."): metadata, not body. */
static gboolean
nk_is_date_line (const char *txt, gsize len)
{
  if (len > 90)
    return FALSE;
  g_autofree gchar *t = g_strndup (txt, len);
  guint other = 0, months = 0, numbers = 0;
  gboolean clock = FALSE;
  for (const char *p = t; *p;)
    {
      while (*p && !g_ascii_isalnum (*p))
        p++;
      const char *w = p;
      while (g_ascii_isalnum (*p))
        p++;
      gsize n = (gsize) (p - w);
      if (n == 0)
        break;
      if (g_ascii_isdigit (*w))
        {
          numbers++;
          clock |= *p == ':' && g_ascii_isdigit (p[1]);
        }
      else if (nk_month_of (w, n))
        months++;
      else if (!nk_is_time_word (w, n))
        other++;
    }
  /* only date/time words, and a month with a number or a clock time */
  return other == 0 && numbers > 0 && (months > 0 || clock);
}

/* Cross-reference cues at the start of a link line ("Related: ...", "Also on ..."); with
 * @calls_to_action also "Sign up", "Subscribe", "Click here" (which a deals story may use
 * for body lines, so only on lines that are mostly link). */
static gboolean
nk_is_xref (const char *txt, gboolean calls_to_action)
{
  static const char *const cues[] = { "related", "also on", "read more", "read also",
                                      "see also", "more:", "more from", "recommended",
                                      "read:", "watch:", "also read", NULL };
  static const char *const cta[] = { "click here", "sign up", "subscribe", NULL };
  while (*txt == '[' || *txt == '(' || *txt == ' ')
    txt++;
  for (guint i = 0; cues[i] != NULL; i++)
    if (g_ascii_strncasecmp (txt, cues[i], strlen (cues[i])) == 0)
      return TRUE;
  for (guint i = 0; calls_to_action && cta[i] != NULL; i++)
    if (g_ascii_strncasecmp (txt, cta[i], strlen (cta[i])) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
nk_link_block (NkBlock *bl)
{
  /* list items carry bullets and teaser text beside the link: a lower bar */
  guint pct = (bl->flags & NK_HTML_LINE_LIST_ITEM) ? 35 : 60;
  return bl->chars > 0 && bl->link_chars * 100 > bl->chars * pct;
}

/* Word overlap of a heading with the headline: the same title printed with small changes. */
static gboolean
nk_similar_title (const char *txt, gsize len, const char *title)
{
  if (len > 300)
    return FALSE;
  g_autofree gchar *a = g_utf8_casefold (txt, (gssize) len);
  g_autofree gchar *b = g_utf8_casefold (title, -1);
  g_auto (GStrv) wa = g_strsplit_set (a, " ,:;.!?\"'()|-", -1);
  g_auto (GStrv) wb = g_strsplit_set (b, " ,:;.!?\"'()|-", -1);
  guint na = 0, shared = 0, nb = 0;
  for (guint i = 0; wb[i] != NULL; i++)
    nb += *wb[i] != '\0';
  for (guint i = 0; wa[i] != NULL; i++)
    {
      if (*wa[i] == '\0')
        continue;
      na++;
      if (g_strv_contains ((const gchar *const *) wb, wa[i]))
        shared++;
    }
  return na >= 3 && nb >= 3 && shared * 10 >= MAX (na, nb) * 8;
}

/* Why block b leaves the text (NULL: it stays). */
static const char *
nk_block_reason (NkParse *ps, NkPass *pa, guint b, const char *title, gboolean *title_done)
{
  NkBlock *bl = nk_block (ps, b);
  const char *txt = ps->text->str + bl->text_start;
  gsize tlen = bl->text_end - bl->text_start;
  if (!pa->block_keep[b])
    return "html-boilerplate";
  if (!*title_done && title != NULL && (nk_text_equal_ci (txt, tlen, title)
                                         || ((bl->flags & NK_HTML_LINE_HEADING)
                                             && nk_similar_title (txt, tlen, title))))
    {
      *title_done = TRUE;
      return "html-title";
    }
  if (nk_is_byline (ps, pa, bl))
    return "html-byline";
  if (nk_is_date_line (txt, tlen))
    return "html-date";
  if (nk_is_caption (ps, pa, bl))
    return "html-caption";
  if (nk_link_block (bl) && !(bl->flags & NK_HTML_LINE_QUOTE))
    return "html-links";
  /* a short line that calls itself a cross-reference and links somewhere */
  if (bl->link_chars > 0 && bl->chars < 100 && nk_is_xref (txt, FALSE))
    return "html-xref";
  return NULL;
}

/* A date printed in a byline/date line: the date when the markup declared none. */
static void
nk_note_printed_date (NkHtmlResult *out, const char *txt, gsize len)
{
  g_autofree gchar *t = g_strndup (txt, len);
  gchar *iso = nk_date_to_iso (t);
  if (iso == NULL)
    {
      /* "By Jane Doe | November 18, 2019": try from the month name on */
      for (const char *p = t; *p && iso == NULL; p++)
        {
          gsize n = 0;
          while (g_ascii_isalpha (p[n]))
            n++;
          if (g_ascii_isupper (*p) && nk_month_of (p, n) && (p == t || p[-1] == ' '))
            iso = nk_date_to_iso (p);
        }
    }
  if (iso == NULL)
    return;
  if (out->date_iso == NULL)
    {
      out->date = g_strstrip (g_steal_pointer (&t));
      out->date_iso = iso;
      return;
    }
  nk_add_date (out, iso);
}

static void
nk_assemble (NkParse *ps, NkPass *pa, NkDecoded *dec, const guint8 *raw, gsize raw_len,
             NkHtmlResult *out)
{
  guint nb = ps->blocks->len;
  g_autofree const char **reasons = g_new0 (const char *, MAX (nb, 1u));
  gboolean title_done = FALSE;
  for (guint b = 0; b < nb; b++)
    reasons[b] = nk_block_reason (ps, pa, b, out->title, &title_done);
  /* link lines in runs of three or more are link lists; shorter runs are body (a product
   * link, a source) unless the line names itself a cross-reference ("Related: ...") */
  for (guint b = 0; b < nb;)
    {
      guint e = b;
      while (e < nb && g_strcmp0 (reasons[e], "html-links") == 0)
        e++;
      if (e - b < 3)
        for (guint k = b; k < e; k++)
          if (!nk_is_xref (ps->text->str + nk_block (ps, k)->text_start, TRUE))
            reasons[k] = NULL;
      b = MAX (e, b + 1);
    }
  /* a short line introducing a list of links ("You may also like...") goes with them */
  for (guint b = 0; b + 2 < nb; b++)
    if (reasons[b] == NULL && nk_block (ps, b)->chars < 60
        && g_strcmp0 (reasons[b + 1], "html-links") == 0
        && g_strcmp0 (reasons[b + 2], "html-links") == 0)
      reasons[b] = "html-links";

  gint last_kept = -2;
  gboolean last_dropped = FALSE;
  for (guint b = 0; b < nb; b++)
    {
      NkBlock *bl = nk_block (ps, b);
      gsize rs = nk_decoded_to_raw (dec, raw, raw_len, bl->raw_start);
      gsize re = nk_decoded_to_raw (dec, raw, raw_len, bl->raw_end);
      if (reasons[b] != NULL)
        {
          nk_add_removed (out, rs, re, reasons[b], last_dropped);
          last_dropped = TRUE;
          if (strcmp (reasons[b], "html-date") == 0 || strcmp (reasons[b], "html-byline") == 0)
            nk_note_printed_date (out, ps->text->str + bl->text_start,
                                  bl->text_end - bl->text_start);
          continue;
        }
      const char *txt = ps->text->str + bl->text_start;
      gsize tlen = bl->text_end - bl->text_start;
      if (out->text->len > 0)
        g_string_append (out->text, (last_kept == (gint) b - 1
                                     && nk_block (ps, (guint) last_kept)->br_after) ? "\n" : "\n\n");
      NkHtmlLine line = { out->text->len, out->text->len + tlen, rs, re, bl->link_chars,
                          bl->flags };
      g_string_append_len (out->text, txt, (gssize) tlen);
      g_array_append_val (out->lines, line);
      last_kept = (gint) b;
      last_dropped = FALSE;
    }
}

static void
nk_parse_clear (NkParse *ps)
{
  g_array_unref (ps->nodes);
  g_array_unref (ps->blocks);
  g_array_unref (ps->stack);
  g_string_free (ps->text, TRUE);
  g_string_free (ps->rel_author_text, TRUE);
  NkMeta *m = &ps->meta;
  g_free (m->og_title);
  g_free (m->description);
  g_free (m->tw_title);
  g_free (m->og_site);
  g_free (m->app_name);
  g_free (m->meta_author);
  g_free (m->meta_date);
  g_free (m->meta_modified);
  g_free (m->time_date);
  g_free (m->rel_author);
  g_string_free (m->title_tag, TRUE);
  g_string_free (m->jsonld, TRUE);
}

static void
nk_parse_init (NkParse *ps, const gchar *dec_buf, gsize dec_len)
{
  memset (ps, 0, sizeof *ps);
  ps->dec_buf = dec_buf;
  ps->dec_len = dec_len;
  ps->nodes = g_array_sized_new (FALSE, FALSE, sizeof (NkNode), 1024);
  ps->blocks = g_array_sized_new (FALSE, FALSE, sizeof (NkBlock), 512);
  ps->stack = g_array_sized_new (FALSE, FALSE, sizeof (NkOpen), 64);
  ps->text = g_string_sized_new (dec_len / 8 + 64);
  ps->rel_author_text = g_string_new (NULL);
  ps->cur = ps->cur_blk = -1;
  ps->rel_author_node = -1;
  ps->meta.title_tag = g_string_new (NULL);
  ps->meta.jsonld = g_string_new (NULL);
}

static void
nk_result_init (NkHtmlResult *out)
{
  memset (out, 0, sizeof *out);
  out->text = g_string_new (NULL);
  out->lines = g_array_new (FALSE, FALSE, sizeof (NkHtmlLine));
  out->removed = g_array_new (FALSE, FALSE, sizeof (NkHtmlRemoved));
  out->dates = g_ptr_array_new_with_free_func (g_free);
}

void
nk_html_result_clear (NkHtmlResult *res)
{
  g_return_if_fail (res != NULL);
  if (res->text != NULL)
    g_string_free (res->text, TRUE);
  if (res->lines != NULL)
    g_array_unref (res->lines);
  if (res->removed != NULL)
    g_array_unref (res->removed);
  if (res->dates != NULL)
    g_ptr_array_unref (res->dates);
  g_free (res->title);
  g_free (res->author);
  g_free (res->date);
  g_free (res->date_iso);
  g_free (res->publisher);
  g_free (res->charset);
  memset (res, 0, sizeof *res);
}

/* Selection with Readability's retry: fewer filters when the result is too short. */
static guint8 *
nk_choose_content (NkParse *ps, NkPass *best_pass)
{
  static const guint flag_sets[] = {
    F_STRIP_UNLIKELY | F_WEIGHT_CLASSES | F_CLEAN_CONDITIONALLY,
    F_WEIGHT_CLASSES | F_CLEAN_CONDITIONALLY,
    F_CLEAN_CONDITIONALLY,
    0,
  };
  guint nn = ps->nodes->len, nb = ps->blocks->len;
  gsize best_len = 0;
  memset (best_pass, 0, sizeof *best_pass);
  for (guint k = 0; k < G_N_ELEMENTS (flag_sets); k++)
    {
      NkPass pa = { ps, flag_sets[k], g_new0 (NkAgg, MAX (nn, 1u)), g_new0 (guint8, MAX (nb, 1u)) };
      gsize len = nk_pass_run (&pa);
      /* a weaker pass must bring clearly more text: it also lets more boilerplate in */
      if (best_pass->agg == NULL || len > 2 * best_len)
        {
          g_free (best_pass->agg);
          g_free (best_pass->block_keep);
          *best_pass = pa;
          best_len = len;
        }
      else
        {
          g_free (pa.agg);
          g_free (pa.block_keep);
        }
      if (best_len >= 500)
        break;
    }
  return best_pass->block_keep;
}

gboolean
nk_html_extract (const guint8 *raw, gsize len, gboolean input_is_unicode, NkHtmlResult *out,
                 GError **error)
{
  static gsize xml_init = 0;
  g_return_val_if_fail (raw != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_once_init_enter (&xml_init))
    {
      xmlInitParser ();
      g_once_init_leave (&xml_init, 1);
    }
  nk_result_init (out);
  NkDecoded dec = { 0 };
  nk_decoder_setup (&dec, raw != NULL ? raw : (const guint8 *) "", len, input_is_unicode);
  nk_decode_all (&dec, raw != NULL ? raw : (const guint8 *) "", len);
  out->charset = g_strdup (dec.charset);

  /* libxml2's global handlers are per thread: silence them for this parse only */
  xmlGenericErrorFunc old_generic = xmlGenericError;
  void *old_generic_ctx = xmlGenericErrorContext;
  xmlStructuredErrorFunc old_structured = xmlStructuredError;
  void *old_structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc (NULL, nk_xml_noop_generic);
  xmlSetStructuredErrorFunc (NULL, nk_xml_noop_structured);

  NkParse ps;
  nk_parse_init (&ps, dec.buf, dec.len);
  gboolean ok = nk_run_parser (&ps, dec.buf, dec.len, error);

  xmlSetGenericErrorFunc (old_generic_ctx, old_generic);
  xmlSetStructuredErrorFunc (old_structured_ctx, old_structured);

  if (ok)
    {
      NkPass pa;
      ps.lead_block = nk_find_lead_block (&ps);
      nk_choose_content (&ps, &pa);
      nk_fill_meta (&ps, out);
      nk_assemble (&ps, &pa, &dec, raw, len, out);
      g_free (pa.agg);
      g_free (pa.block_keep);
    }
  nk_parse_clear (&ps);
  nk_decoded_clear (&dec);
  return ok;
}
