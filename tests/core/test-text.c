/* tests/core/test-text.c — offsets, JSON writing, strict JSON reading, atomic files. */
#include "nk-test-util.h"
#include "nk-json-private.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <locale.h>
#include <math.h>

static void
test_offsets_non_ascii (void)
{
  g_autoptr(NkOffsetMap) map = nk_offset_map_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (42);
  static const char *pieces[] = { "a", "é", "“", "한", "😀", " ", "\n" };

  for (int i = 0; i < 5000; i++)
    g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  nk_offset_map_reset (map, text->str, text->len);
  for (const char *p = text->str;; p = g_utf8_next_char (p))
    {
      gsize b = (gsize) (p - text->str);
      g_assert_cmpuint (nk_offset_map_to_chars (map, b), ==,
                        (gsize) g_utf8_pointer_to_offset (text->str, p));
      if (*p == '\0')
        break;
    }
  g_rand_free (rand);

  nk_offset_map_reset (map, "", 0);
  g_assert_cmpuint (nk_offset_map_to_chars (map, 0), ==, 0);
  nk_offset_map_reset (map, "plain ascii", 11);
  g_assert_cmpuint (nk_offset_map_to_chars (map, 11), ==, 11);
}

/* nk_utf8_validate agrees with GLib on random bytes (GLib stops at NUL: we accept it). */
static void
test_utf8_validate (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  static const char *pieces[] = { "a", "é", "“", "😀", "\xff", "\xc0\x80", "\xed\xa0\x80",
                                  "\xf4\x90\x80\x80", "\xe2\x80", "abcdefgh", "\xf0\x9f" };

  for (int round = 0; round < 20000; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      int n = g_rand_int_range (rand, 0, 12);

      for (int i = 0; i < n; i++)
        g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      g_assert_cmpint (nk_utf8_validate (s->str, s->len), ==, g_utf8_validate_len (s->str, s->len, NULL));
    }
  g_assert_true (nk_utf8_validate ("a\0b", 3));
  g_assert_false (nk_utf8_validate ("a\0\xff", 3));
  g_rand_free (rand);
}

static void
test_json_strings (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  nk_json_append_string (out, "q\"b\\n\n\t\x01 “é”", -1);
  g_assert_cmpstr (out->str, ==, "\"q\\\"b\\\\n\\n\\t\\u0001 “é”\"");
  g_string_truncate (out, 0);
  nk_json_append_string (out, "a\0b", 3);
  g_assert_cmpstr (out->str, ==, "\"a\\u0000b\"");
  g_string_truncate (out, 0);
  nk_json_append_string (out, NULL, -1);
  g_assert_cmpstr (out->str, ==, "null");
}

/* The escaper byte by byte, as the test's reference for the word-at-a-time one. */
static void
nk_slow_escape (GString *out, const char *s, gsize n)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < n; i++)
    {
      guchar c = s[i];
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* Escapes anywhere in strings of any length, appended to a buffer that already holds text
 * (so growth happens mid-string), come out as the byte-by-byte escaper writes them. */
static void
test_json_strings_random (void)
{
  GRand *rand = g_rand_new_with_seed (11);
  static const char *pieces[] = { "a", "bcdefgh", "\"", "\\", "\n", "\x01", "\x1f", "é", "“", " " };

  for (int round = 0; round < 3000; round++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GString) got = g_string_new ("prefix");
      g_autoptr(GString) want = g_string_new ("prefix");
      int n = g_rand_int_range (rand, 0, 40);

      for (int i = 0; i < n; i++)
        g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      nk_json_append_string (got, s->str, (gssize) s->len);
      nk_slow_escape (want, s->str, s->len);
      g_assert_cmpstr (got->str, ==, want->str);
      g_assert_cmpuint (got->len, ==, want->len);
    }
  g_rand_free (rand);
}

/* Every length up to 39 with a byte to escape (or a plain one) at every position: the
 * short-string path, the word loops and the escapes all give the byte-by-byte text. */
static void
test_json_strings_every_position (void)
{
  const char special[] = { '"', '\\', '\n', '\x01', '\x1f', '\0', 'a', ' ', '\x7f' };
  char word[40];

  for (gsize len = 0; len < sizeof word; len++)
    for (gsize at = 0; at <= len; at++)
      for (guint c = 0; c < G_N_ELEMENTS (special); c++)
        {
          g_autoptr(GString) got = g_string_new ("x");
          g_autoptr(GString) want = g_string_new ("x");

          for (gsize i = 0; i < len; i++)
            word[i] = (char) ('a' + i % 26);
          if (at < len)
            word[at] = special[c];
          nk_json_append_string (got, word, (gssize) len);
          nk_slow_escape (want, word, len);
          g_assert_cmpuint (got->len, ==, want->len);
          g_assert_true (memcmp (got->str, want->str, want->len + 1) == 0);
          /* the inline writer for words, and its plain copy, say the same */
          g_string_truncate (got, 1);
          nk_json_append_word (got, word, len);
          g_assert_cmpuint (got->len, ==, want->len);
          g_assert_true (memcmp (got->str, want->str, want->len + 1) == 0);
          if (len <= 16)
            {
              char copy[16];
              g_assert_cmpint (nk_json_copy_plain (copy, word, len), ==, want->len == len + 3);
            }
        }
}

/* The fewest decimals (up to six) that read back as @value, found the slow way: k = 0, 1,
 * ... until round (value * 10^k) / 10^k gives it back. NULL when six do not. */
static char *
nk_slow_short_double (double value)
{
  static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
  double a = fabs (value);

  if (!(a < 1e9))
    return NULL;
  for (guint k = 0; k < G_N_ELEMENTS (pow10); k++)
    {
      double scaled = nearbyint (a * pow10[k]);
      if (scaled / pow10[k] != a)
        continue;
      guint64 digits = (guint64) scaled, p = (guint64) pow10[k];
      return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT, signbit (value) ? "-" : "",
                              digits / p, k == 0 ? 1 : (int) k, k == 0 ? 0 : digits % p);
    }
  return NULL;
}

/* Doubles of at most six decimals (scores, offsets in seconds, money) take the short path,
 * which must give the slow search's text; the rest must still read back. */
static void
test_json_doubles_short (void)
{
  static const double odd[] = { 0, -0.0, 1, -1, 0.5, 1e-4, -1e-4, 1e-6, 0.1 + 0.2, 1.0 / 3,
                                123456.7891, 999999999.999999, 1e9, -1e9, 1e300, 5e-324 };
  g_autoptr(GString) out = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 300000 + G_N_ELEMENTS (odd); i++)
    {
      double v;
      g_autofree char *want = NULL;

      if (i < G_N_ELEMENTS (odd))
        v = odd[i];
      else if (i % 3 == 0)
        v = round (g_rand_double_range (rand, -2, 2) * 1e4) / 1e4;   /* a score */
      else if (i % 3 == 1)
        v = round (g_rand_double_range (rand, -1e9, 1e9) * 1e6) / 1e6;
      else
        v = g_rand_double_range (rand, -1e3, 1e3);
      g_string_truncate (out, 0);
      nk_json_append_double (out, v);
      want = nk_slow_short_double (v);
      if (want != NULL)
        g_assert_cmpstr (out->str, ==, want);
      else
        g_assert_cmpfloat (g_ascii_strtod (out->str, NULL), ==, v);
    }
  g_rand_free (rand);
}

static void
test_json_ints (void)
{
  static const gint64 cases[] = { 0, 1, 9, 10, 99, 100, 101, 999, 1000, 65535, -1, -10, -100,
                                  1234567890123, G_MAXINT64, G_MININT64 };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, cases[i]);
      g_string_truncate (out, 0);
      nk_json_append_int (out, cases[i]);
      g_assert_cmpstr (out->str, ==, want);
    }
  /* every digit count, at its edges */
  for (gint64 p = 1; p <= G_MAXINT64 / 10; p *= 10)
    {
      const gint64 edge[] = { p - 1, p, p + 1, 10 * p - 1, -p, -(10 * p - 1) };
      for (guint i = 0; i < G_N_ELEMENTS (edge); i++)
        {
          g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, edge[i]);
          g_string_truncate (out, 0);
          nk_json_append_int (out, edge[i]);
          g_assert_cmpstr (out->str, ==, want);
        }
    }
  for (gint64 v = -20000; v <= 200000; v += 7)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, v);
      g_string_truncate (out, 0);
      nk_json_append_int (out, v);
      g_assert_cmpstr (out->str, ==, want);
    }
}

static double
nk_round4 (double v)
{
  return round (v * 10000.0) / 10000.0;
}

static void
test_json_numbers (void)
{
  static const struct { double v; const char *s; } cases[] = {
    { 0.1, "0.1" }, { 1.0, "1.0" }, { -0.4215, "-0.4215" }, { 1e300, "1e+300" },
    { 1.0 / 3.0, "0.3333333333333333" }, { 0.1 + 0.2, "0.30000000000000004" }, { 0.0, "0.0" },
    { -0.0, "-0.0" }, { 0.05, "0.05" }, { 0.001, "0.001" }, { 123456.789, "123456.789" },
    { 1e-7, "1e-07" }, { 0.9999, "0.9999" }, { 0.0625, "0.0625" }, { 2.5e9, "2500000000.0" },
  };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_string_truncate (out, 0);
      nk_json_append_double (out, cases[i].v);
      g_assert_cmpstr (out->str, ==, cases[i].s);
    }
  /* Whatever the path, the text reads back as the same double. */
  for (int i = 0; i < 100000; i++)
    {
      double v = (i % 3 == 0) ? g_random_double () : (i % 3 == 1) ? nk_round4 (g_random_double_range (-1, 1))
                                                               : g_random_double_range (-1e12, 1e12);
      g_string_truncate (out, 0);
      nk_json_append_double (out, v);
      g_assert_cmpfloat (g_ascii_strtod (out->str, NULL), ==, v);
    }
  g_string_truncate (out, 0);
  nk_json_append_double (out, NAN);
  nk_json_append_double (out, INFINITY);
  g_assert_cmpstr (out->str, ==, "nullnull");
  g_string_truncate (out, 0);
  nk_json_append_int (out, G_MININT64);
  g_assert_cmpstr (out->str, ==, "-9223372036854775808");
}

static void
test_json_numbers_locale (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* A comma-decimal locale must not change the output (skip if not installed). */
  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("de_DE.UTF-8 locale not installed");
      return;
    }
  nk_json_append_double (out, 0.5);
  setlocale (LC_NUMERIC, "C");
  g_assert_cmpstr (out->str, ==, "0.5");
}

static void
test_json_node (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = json_from_string ("{\"a\": [1, 2.5, true, null, \"x\"], \"b\": {}}", NULL);

  nk_json_append_node (out, node);
  g_assert_cmpstr (out->str, ==, "{\"a\":[1,2.5,true,null,\"x\"],\"b\":{}}");
}

typedef struct {
  const char *input;
  const char *message;   /* glob pattern */
} BadJson;

static void
test_strict_json_rejects (void)
{
  static const BadJson cases[] = {
    { "", "*:1:1: the file is empty*" },
    { "   \n  ", "*:2:3: the file is empty*" },
    { "{\"a\": 1 /* c */}", "*:1:9: *comment*" },
    { "{'a': 1}", "*:1:2: *single quote*" },
    { "{\"a\": 0x10}", "*:1:7: *hex*" },
    { "{\"a\": 012}", "*:1:7: *leading zeros*" },
    { "{\"a\": .5}", "*:1:7: *start with a digit*" },
    { "{\"a\": 1, \"a\": 2}", "*:1:10: duplicate key \"a\"*" },
    { "{\"a\": 1} {\"b\": 2}", "*:1:10: unexpected content after*" },
    { "{\"a\": 99999999999999999999}", "*integer 99999999999999999999 is out of range*" },
    { "{\"a\": 1e999}", "*number 1e999 is out of range*" },
    { "{\"a\": \"x\\u0000y\"}", "*\\u0000 (NUL) is not allowed*" },
    { "var x = {\"a\": 1};", "*:1:1: *bare word*" },
    { "{\"a\": \"\xff\"}", "*invalid UTF-8*" },
    { "{\"a\": \"\\ud800\"}", "*lone surrogate*" },
    { "{\"a\": [1, 2,]}", "*:1:13: expected a value*" },
    { "{\"a\": \"tab\there\"}", "*control character*" },
    { "{\"a\" 1}", "*expected ':' after \"a\"*" },
    { "{\"a\": tru}", "*bare word*" },
    { "{\n  \"a\": 1,\n  \"b\": @\n}", "*:3:8: *" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = nk_json_parse_document (cases[i].input, strlen (cases[i].input),
                                                         "f.json", &error);
      if (node != NULL || !g_pattern_match_simple (cases[i].message, error->message))
        g_test_message ("case %u: %s -> %s", i, cases[i].input, error ? error->message : "accepted");
      g_assert_null (node);
      g_assert_true (g_pattern_match_simple (cases[i].message, error->message));
    }
}

static void
test_strict_json_accepts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = nk_json_parse_document (
    "\xEF\xBB\xBF{\"a\": [1, -0.5e2, true, false, null], \"b\": \"\\u00e9\\ud83d\\ude00\\n\"}",
    strlen ("\xEF\xBB\xBF{\"a\": [1, -0.5e2, true, false, null], \"b\": \"\\u00e9\\ud83d\\ude00\\n\"}"),
    "f.json", &error);
  JsonObject *o;

  g_assert_no_error (error);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "b"), ==, "é😀\n");
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (o, "a"), 1), ==, -50.0);
}

static void
test_strict_json_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  node = nk_json_parse_document (deep->str, deep->len, "deep.json", &error);
  g_assert_null (node);
  g_assert_true (g_pattern_match_simple ("*nested deeper than*", error->message));
}

static char *
read_file (const char *path)
{
  char *data = NULL;
  g_file_get_contents (path, &data, NULL, NULL);
  return data;
}

static void
test_output_file_atomic (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nk-out-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  NkOutputFile *f;
  g_autofree char *content = NULL;
  g_autofree char *content2 = NULL;

  g_file_set_contents (path, "old\n", -1, NULL);

  /* Freed without commit: the old file stays and no temporary file is left. */
  f = nk_output_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (nk_output_file_write (f, "new\n", 4, &error));
  nk_output_file_free (f);
  content = read_file (path);
  g_assert_cmpstr (content, ==, "old\n");
  d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "out.jsonl");
  g_assert_null (g_dir_read_name (d));

  /* Committed: replaced. */
  f = nk_output_file_open (path, &error);
  g_assert_true (nk_output_file_write (f, "new\n", 4, &error));
  g_assert_true (nk_output_file_commit (f, &error));
  g_assert_no_error (error);
  nk_output_file_free (f);
  content2 = read_file (path);
  g_assert_cmpstr (content2, ==, "new\n");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_output_file_special (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nk-out-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "target.jsonl", NULL);
  g_autofree char *link = g_build_filename (dir, "link.jsonl", NULL);
  g_autofree char *content = NULL;
  GStatBuf st;
  NkOutputFile *f;

  /* A device is written in place, never replaced by a rename. */
  f = nk_output_file_open ("/dev/null", &error);
  g_assert_no_error (error);
  g_assert_true (nk_output_file_write (f, "x\n", 2, &error));
  g_assert_true (nk_output_file_commit (f, &error));
  nk_output_file_free (f);
  g_assert_cmpint (g_stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  /* A symlink stays a symlink; its target gets the new content. */
  g_file_set_contents (target, "old\n", -1, NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  f = nk_output_file_open (link, &error);
  g_assert_true (nk_output_file_write (f, "new\n", 4, &error));
  g_assert_true (nk_output_file_commit (f, &error));
  nk_output_file_free (f);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "new\n");
  g_unlink (link);
  g_unlink (target);
  g_rmdir (dir);
}

static void
test_output_file_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nk-out-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "out.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  NkOutputFile *f;

  /* A directory where the output file should go. */
  f = nk_output_file_open (dir, &error);
  g_assert_null (f);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_assert_true (strstr (error->message, dir) != NULL);
  g_clear_error (&error);

  f = nk_output_file_open (missing, &error);
  g_assert_null (f);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_rmdir (dir);
}

/* Every line a data file may hold, and which come back: blank and comment lines are
 * skipped but counted, white space cut, the last line read without a newline. */
static void
test_data_lines (void)
{
  g_autofree char *data = g_strdup ("# header\n\n  alpha beta \r\n\t\n#-) emoticon\n"
                                    "  # indented comment\nlast");
  NkDataLines lines;
  const char *want[][2] = { { "3", "alpha beta" }, { "7", "last" } };
  char *line;
  gsize len;
  guint i = 0;

  nk_data_lines_init (&lines, data, strlen (data), "words.txt", NK_DATA_LINES_DEFAULT);
  while ((line = nk_data_lines_next (&lines, &len)) != NULL)
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (want));
      g_assert_cmpstr (line, ==, want[i][1]);
      g_assert_cmpuint (len, ==, strlen (want[i][1]));
      g_assert_cmpuint (lines.lineno, ==, (guint) atoi (want[i][0]));
      i++;
    }
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (want));
  g_assert_null (nk_data_lines_next (&lines, NULL));   /* stays at the end */
}

/* NO_COMMENTS keeps '#' lines (VADER's "#-)"); KEEP_SPACE keeps empty tab fields. */
static void
test_data_lines_flags (void)
{
  g_autofree char *a = g_strdup ("#-)\t-1.5\n# x\n");
  g_autofree char *b = g_strdup ("name\tLABEL\t\t\r\n \t \n  # note\n x\t\n");
  NkDataLines lines;
  gsize len;

  nk_data_lines_init (&lines, a, strlen (a), "lex.txt", NK_DATA_LINES_NO_COMMENTS);
  g_assert_cmpstr (nk_data_lines_next (&lines, NULL), ==, "#-)\t-1.5");
  g_assert_cmpstr (nk_data_lines_next (&lines, NULL), ==, "# x");
  g_assert_null (nk_data_lines_next (&lines, NULL));

  nk_data_lines_init (&lines, b, strlen (b), "tsv", NK_DATA_LINES_KEEP_SPACE);
  g_assert_cmpstr (nk_data_lines_next (&lines, &len), ==, "name\tLABEL\t\t");
  g_assert_cmpuint (len, ==, 12);
  g_assert_cmpstr (nk_data_lines_next (&lines, NULL), ==, " x\t");
  g_assert_cmpuint (lines.lineno, ==, 4);
  g_assert_null (nk_data_lines_next (&lines, NULL));
}

static void
test_data_lines_error (void)
{
  g_autofree char *data = g_strdup ("ok\n\nbad line\n");
  g_autoptr(GError) error = NULL;
  NkDataLines lines;

  nk_data_lines_init (&lines, data, strlen (data), "data/x.txt", NK_DATA_LINES_DEFAULT);
  nk_data_lines_next (&lines, NULL);
  nk_data_lines_next (&lines, NULL);
  nk_data_lines_error (&lines, &error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "expected one word, got “%s”", "bad line");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "data/x.txt:3: expected one word, got “bad line”");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/offsets/non-ascii", test_offsets_non_ascii);
  g_test_add_func ("/text/utf8/validate", test_utf8_validate);
  g_test_add_func ("/text/json/strings", test_json_strings);
  g_test_add_func ("/text/json/strings-random", test_json_strings_random);
  g_test_add_func ("/text/json/ints", test_json_ints);
  g_test_add_func ("/text/json/strings-every-position", test_json_strings_every_position);
  g_test_add_func ("/text/json/doubles-short", test_json_doubles_short);
  g_test_add_func ("/text/json/numbers", test_json_numbers);
  g_test_add_func ("/text/json/numbers-locale", test_json_numbers_locale);
  g_test_add_func ("/text/json/node", test_json_node);
  g_test_add_func ("/text/strict-json/rejects", test_strict_json_rejects);
  g_test_add_func ("/text/strict-json/accepts", test_strict_json_accepts);
  g_test_add_func ("/text/strict-json/depth", test_strict_json_depth);
  g_test_add_func ("/text/data-lines/skip-and-trim", test_data_lines);
  g_test_add_func ("/text/data-lines/flags", test_data_lines_flags);
  g_test_add_func ("/text/data-lines/error", test_data_lines_error);
  g_test_add_func ("/text/output-file/atomic", test_output_file_atomic);
  g_test_add_func ("/text/output-file/errors", test_output_file_errors);
  g_test_add_func ("/text/output-file/special", test_output_file_special);
  return g_test_run ();
}
