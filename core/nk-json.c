/* nk-json.c — strict JSON reading (see nk-json-private.h).
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-json"

#include "nkpipe.h"
#include "nk-json-private.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#define NK_JSON_MAX_DEPTH 256

void
nk_json_cursor_init (NkJsonCursor *c, const char *data, gsize len)
{
  memset (c, 0, sizeof *c);
  c->start = c->p = data;
  c->end = data + len;
}

void
nk_json_cursor_clear (NkJsonCursor *c)
{
  g_clear_pointer (&c->message, g_free);
}

gboolean
nk_json_fail (NkJsonCursor *c, const char *pos, const char *format, ...)
{
  va_list args;

  if (c->message)
    return FALSE;
  va_start (args, format);
  c->message = g_strdup_vprintf (format, args);
  va_end (args);
  c->error_pos = pos;
  return FALSE;
}

void
nk_json_error_location (const NkJsonCursor *c, guint *line, guint *column)
{
  const char *pos = c->error_pos ? c->error_pos : c->p;
  const char *line_start = c->start;
  guint l = 1;

  for (const char *q = c->start; q < pos; q++)
    if (*q == '\n')
      {
        l++;
        line_start = q + 1;
      }
  *line = l;
  *column = (guint) g_utf8_strlen (line_start, pos - line_start) + 1;
}

void
nk_json_skip_ws (NkJsonCursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

gboolean
nk_json_consume (NkJsonCursor *c, char ch)
{
  nk_json_skip_ws (c);
  if (c->p < c->end && *c->p == ch)
    {
      c->p++;
      return TRUE;
    }
  return FALSE;
}

static const char *
nk_json_describe_here (NkJsonCursor *c)
{
  if (c->p >= c->end)
    return "the end of the input";
  switch (*c->p)
    {
    case '/': return "a comment ('/'; JSON has no comments)";
    case '\'': return "a single quote (JSON strings use double quotes)";
    case '}': return "'}'";
    case ']': return "']'";
    case ',': return "','";
    default: return "an unexpected character";
    }
}

static int
nk_json_hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

static gboolean
nk_json_append_escape (NkJsonCursor *c, GString *out)
{
  const char *esc = c->p;   /* at the backslash */
  gunichar u;
  int hi, lo;

  if (c->end - esc < 2)
    return nk_json_fail (c, esc, "unterminated string");
  switch (esc[1])
    {
    case '"': g_string_append_c (out, '"'); c->p += 2; return TRUE;
    case '\\': g_string_append_c (out, '\\'); c->p += 2; return TRUE;
    case '/': g_string_append_c (out, '/'); c->p += 2; return TRUE;
    case 'b': g_string_append_c (out, '\b'); c->p += 2; return TRUE;
    case 'f': g_string_append_c (out, '\f'); c->p += 2; return TRUE;
    case 'n': g_string_append_c (out, '\n'); c->p += 2; return TRUE;
    case 'r': g_string_append_c (out, '\r'); c->p += 2; return TRUE;
    case 't': g_string_append_c (out, '\t'); c->p += 2; return TRUE;
    case 'u': break;
    default:
      return nk_json_fail (c, esc, "invalid escape '\\%c' in a string", esc[1]);
    }
  if (c->end - esc < 6 || (hi = nk_json_hex4 (esc + 2)) < 0)
    return nk_json_fail (c, esc, "invalid \\u escape: expected four hex digits");
  c->p += 6;
  u = (gunichar) hi;
  if (hi >= 0xD800 && hi <= 0xDBFF && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u'
      && (lo = nk_json_hex4 (c->p + 2)) >= 0xDC00 && lo <= 0xDFFF)
    {
      u = 0x10000 + (((gunichar) hi - 0xD800) << 10) + ((gunichar) lo - 0xDC00);
      c->p += 6;
    }
  else if (hi >= 0xD800 && hi <= 0xDFFF)
    {
      if (!c->repair_utf8 && !c->pass_bytes)
        return nk_json_fail (c, esc, "\\u%04x is a lone surrogate, not a character", hi);
      c->repaired++;
      u = 0xFFFD;
    }
  if (u == 0 && !c->allow_nul)
    return nk_json_fail (c, esc, "\\u0000 (NUL) is not allowed in this string");
  g_string_append_unichar (out, u);
  return TRUE;
}

/* Copies a run of unescaped string bytes, checking (or repairing) UTF-8. */
static gboolean
nk_json_append_run (NkJsonCursor *c, GString *out, const char *run, const char *stop)
{
  const char *bad;

  if (c->pass_bytes)
    {
      g_string_append_len (out, run, stop - run);
      return TRUE;
    }
  /* The run holds no NUL (it stops at control characters), so the two validators agree;
   * the fast one decides, GLib's finds the bad byte. */
  if (G_LIKELY (nk_utf8_validate (run, stop - run)))
    {
      g_string_append_len (out, run, stop - run);
      return TRUE;
    }
  g_utf8_validate_len (run, stop - run, &bad);
  if (!c->repair_utf8)
    return nk_json_fail (c, bad, "invalid UTF-8 in a string");
  c->repaired += nk_utf8_repair_append (out, run, stop - run) ;
  return TRUE;
}

gboolean
nk_json_parse_string (NkJsonCursor *c, GString *out)
{
  nk_json_skip_ws (c);
  if (c->p >= c->end || *c->p != '"')
    return nk_json_fail (c, c->p, "expected a string, found %s", nk_json_describe_here (c));
  c->p++;
  for (;;)
    {
      const char *run = c->p;
      const guchar *q = (const guchar *) c->p;
      const guchar *end = (const guchar *) c->end;

      q = nk_json_find_special (q, end);
      if (!nk_json_append_run (c, out, run, (const char *) q))
        return FALSE;
      c->p = (const char *) q;
      if (q >= end)
        return nk_json_fail (c, c->p, "unterminated string");
      if (*q == '"')
        {
          c->p++;
          return TRUE;
        }
      if (*q == '\\')
        {
          if (!nk_json_append_escape (c, out))
            return FALSE;
          continue;
        }
      return nk_json_fail (c, c->p, "control character U+%04X inside a string (escape it)", *q);
    }
}

static gboolean
nk_json_match_digits (const char **p, const char *end)
{
  const char *start = *p;

  while (*p < end && g_ascii_isdigit (**p))
    (*p)++;
  return *p > start;
}

static JsonNode *
nk_json_parse_number (NkJsonCursor *c)
{
  const char *start = c->p, *p = c->p, *end = c->end;
  gboolean is_int = TRUE;
  g_autofree char *copy = NULL;
  JsonNode *node;

  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    {
      p++;
      if (p < end && (g_ascii_isdigit (*p) || *p == 'x' || *p == 'X'))
        {
          nk_json_fail (c, start, "invalid number: no leading zeros or hex in JSON");
          return NULL;
        }
    }
  else if (!nk_json_match_digits (&p, end))
    {
      nk_json_fail (c, start, "expected a value, found %s", nk_json_describe_here (c));
      return NULL;
    }
  if (p < end && *p == '.')
    {
      p++;
      is_int = FALSE;
      if (!nk_json_match_digits (&p, end))
        {
          nk_json_fail (c, start, "invalid number: digits must follow '.'");
          return NULL;
        }
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      is_int = FALSE;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (!nk_json_match_digits (&p, end))
        {
          nk_json_fail (c, start, "invalid number: digits must follow the exponent");
          return NULL;
        }
    }
  copy = g_strndup (start, p - start);
  node = json_node_new (JSON_NODE_VALUE);
  errno = 0;
  if (is_int)
    {
      gint64 v = g_ascii_strtoll (copy, NULL, 10);
      if (errno == ERANGE)
        {
          json_node_unref (node);
          nk_json_fail (c, start, "integer %s is out of range (64-bit)", copy);
          return NULL;
        }
      json_node_set_int (node, v);
    }
  else
    {
      double v = g_ascii_strtod (copy, NULL);
      if (!isfinite (v))
        {
          json_node_unref (node);
          nk_json_fail (c, start, "number %s is out of range", copy);
          return NULL;
        }
      json_node_set_double (node, v);
    }
  c->p = p;
  return node;
}

static JsonNode *
nk_json_parse_literal (NkJsonCursor *c)
{
  static const struct { const char *word; int kind; } literals[] = {
    { "true", 1 }, { "false", 0 }, { "null", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i].word);
      JsonNode *node;

      if ((gsize) (c->end - c->p) < n || memcmp (c->p, literals[i].word, n) != 0)
        continue;
      c->p += n;
      if (literals[i].kind < 0)
        return json_node_new (JSON_NODE_NULL);
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, literals[i].kind);
      return node;
    }
  if (g_ascii_isalpha (*c->p))
    nk_json_fail (c, c->p, "expected a value, found a bare word (strings need double quotes)");
  else
    nk_json_fail (c, c->p, "expected a value, found %s", nk_json_describe_here (c));
  return NULL;
}

static JsonNode *
nk_json_parse_array (NkJsonCursor *c, guint depth)
{
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node;

  c->p++;   /* '[' */
  if (nk_json_consume (c, ']'))
    goto done;
  for (;;)
    {
      JsonNode *item = nk_json_parse_value (c, depth + 1);
      if (item == NULL)
        return NULL;
      json_array_add_element (array, item);
      if (nk_json_consume (c, ','))
        continue;
      if (nk_json_consume (c, ']'))
        break;
      nk_json_fail (c, c->p, "expected ',' or ']' in an array, found %s", nk_json_describe_here (c));
      return NULL;
    }
done:
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, g_steal_pointer (&array));
  return node;
}

static JsonNode *
nk_json_parse_object (NkJsonCursor *c, guint depth)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GString) key = g_string_new (NULL);
  JsonNode *node;

  c->p++;   /* '{' */
  if (nk_json_consume (c, '}'))
    goto done;
  for (;;)
    {
      const char *key_pos;
      JsonNode *value;

      nk_json_skip_ws (c);
      key_pos = c->p;
      g_string_truncate (key, 0);
      if (c->p < c->end && *c->p != '"')
        {
          nk_json_fail (c, c->p, "expected a member name in double quotes, found %s",
                        nk_json_describe_here (c));
          return NULL;
        }
      if (!nk_json_parse_string (c, key))
        return NULL;
      if (json_object_has_member (object, key->str))
        {
          nk_json_fail (c, key_pos, "duplicate key \"%s\"", key->str);
          return NULL;
        }
      if (!nk_json_consume (c, ':'))
        {
          nk_json_fail (c, c->p, "expected ':' after \"%s\"", key->str);
          return NULL;
        }
      value = nk_json_parse_value (c, depth + 1);
      if (value == NULL)
        return NULL;
      json_object_set_member (object, key->str, value);
      if (nk_json_consume (c, ','))
        continue;
      if (nk_json_consume (c, '}'))
        break;
      nk_json_fail (c, c->p, "expected ',' or '}' in an object, found %s", nk_json_describe_here (c));
      return NULL;
    }
done:
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, g_steal_pointer (&object));
  return node;
}

JsonNode *
nk_json_parse_value (NkJsonCursor *c, guint depth)
{
  nk_json_skip_ws (c);
  if (depth > NK_JSON_MAX_DEPTH)
    {
      nk_json_fail (c, c->p, "nested deeper than %d levels", NK_JSON_MAX_DEPTH);
      return NULL;
    }
  if (c->p >= c->end)
    {
      nk_json_fail (c, c->p, "expected a value, found the end of the input");
      return NULL;
    }
  switch (*c->p)
    {
    case '{':
      return nk_json_parse_object (c, depth);
    case '[':
      return nk_json_parse_array (c, depth);
    case '"':
      {
        g_autoptr(GString) s = g_string_new (NULL);
        JsonNode *node;

        if (!nk_json_parse_string (c, s))
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, s->str);
        return node;
      }
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return nk_json_parse_number (c);
    case '.': case '+':
      nk_json_fail (c, c->p, "invalid number: JSON numbers start with a digit or '-'");
      return NULL;
    default:
      return nk_json_parse_literal (c);
    }
}

JsonNode *
nk_json_parse_document (const char *data, gsize len, const char *display_name, GError **error)
{
  NkJsonCursor c;
  g_autoptr(JsonNode) root = NULL;
  guint line, column;

  nk_json_cursor_init (&c, data, len);
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    c.p += 3;
  nk_json_skip_ws (&c);
  if (c.p >= c.end)
    nk_json_fail (&c, c.p, "the file is empty (expected a JSON object)");
  else if ((root = nk_json_parse_value (&c, 0)) != NULL)
    {
      nk_json_skip_ws (&c);
      if (c.p < c.end)
        nk_json_fail (&c, c.p, "unexpected content after the JSON value (only one is allowed)");
    }
  if (c.message == NULL)
    return g_steal_pointer (&root);

  nk_json_error_location (&c, &line, &column);
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               "%s:%u:%u: %s", display_name, line, column, c.message);
  nk_json_cursor_clear (&c);
  return NULL;
}
