/* test-segment.c — the segmenter engine (table-driven cases, seeds, bad input) and, when
 * built with the core (NK_TEST_HAVE_CORE), the `segment` stage end to end.
 *
 * SPDX-License-Identifier: MIT
 */
#include "nk-segmenter.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#ifdef NK_TEST_HAVE_CORE
#include "nk-test-util.h"
#endif

#ifndef NK_TEST_SRCDIR
#error "NK_TEST_SRCDIR must name the source tree"
#endif

static NkSegmenter *nk_seg;

static char *
nk_src_path (const char *relative)
{
  return g_build_filename (NK_TEST_SRCDIR, relative, NULL);
}

static const char *
nk_shared_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      dir = g_build_filename (NK_TEST_SRCDIR, "..", "shared", NULL);
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        g_clear_pointer (&dir, g_free);
    }
  return dir;
}

/* Unescapes a case field: \n \t \\ \| and \xHH (raw bytes, for control characters). */
static GString *
nk_unescape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++)
    {
      if (*s != '\\' || s[1] == '\0')
        {
          g_string_append_c (out, *s);
          continue;
        }
      s++;
      switch (*s)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 'x':
          if (g_ascii_isxdigit (s[1]) && g_ascii_isxdigit (s[2]))
            {
              g_string_append_c (out, (char) (g_ascii_xdigit_value (s[1]) * 16 +
                                              g_ascii_xdigit_value (s[2])));
              s += 2;
            }
          break;
        default: g_string_append_c (out, *s); break;
        }
    }
  return out;
}

/* Reads a cases file: one case a line, `name<TAB>fields…`, `#` comments. */
static GPtrArray *
nk_read_cases (const char *relative)
{
  g_autofree char *path = nk_src_path (relative);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      char **fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) < 2)
        g_error ("%s:%u: expected name<TAB>case", relative, i + 1);
      g_ptr_array_add (cases, fields);
    }
  return cases;
}

static GString *
nk_join_sentences (const char *text,
                   GArray     *spans)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      NkSegSpan *s = &g_array_index (spans, NkSegSpan, i);
      if (i > 0)
        g_string_append (out, " | ");
      g_string_append_len (out, text + s->start, s->end - s->start);
    }
  return out;
}

/* ---- lexicon ------------------------------------------------------------------------ */

static void
test_abbrev_load (void)
{
  g_assert_cmpuint (nk_segmenter_get_n_entries (nk_seg), >, 200);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "Mr", 2), ==, NK_ABBREV_TITLE);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "Sept", 4), ==, NK_ABBREV_MONTH);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "etc", 3), ==, NK_ABBREV_END);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "The", 3), ==, NK_ABBREV_STARTER);
  /* Titles and states must be capitalised: "ill." is a word. */
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "Ill", 3), ==, NK_ABBREV_STATE);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "ill", 3), ==, NK_ABBREV_NONE);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "mr", 2), ==, NK_ABBREV_NONE);
  g_assert_cmpint (nk_segmenter_lookup (nk_seg, "Pompeo", 6), ==, NK_ABBREV_NONE);
}

/* Each entry belongs to one class: a duplicate would silently take the later class. */
static void
test_abbrev_no_duplicates (void)
{
  g_autofree char *path = nk_src_path ("data/segment/abbreviations.txt");
  g_autofree char *data = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint dups = 0;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (*l == '\0' || *l == '#' || *l == '[')
        continue;
      char *key = g_ascii_strdown (l, -1);
      if (!g_hash_table_add (seen, key))
        {
          g_test_message ("duplicate entry %s (line %u)", l, i + 1);
          dups++;
        }
    }
  g_assert_cmpuint (dups, ==, 0);
}

static void
test_abbrev_errors (void)
{
  static const struct {
    const char *data;
    const char *message_part;   /* after the file and line ("bad.txt:2: ") */
  } bad[] = {
    { "Mr\n", "bad.txt:1: entry before the first [section]" },
    { "# c\n\n[titles]\nMr\n", "bad.txt:3: unknown section" },
    { "[title]\n\nMr Smith\n", "bad.txt:3: an entry is one word without spaces" },
    { "[title]\nAbcdefghijklmnopqrstuvwxyzabcdefghij\n", "bad.txt:2: entry longer than" },
    { "[title]\n\xff\xfe\n", "bad.txt: not valid UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (NkSegmenter) seg = nk_segmenter_new ();
      g_autoptr (GError) error = NULL;

      g_assert_false (nk_segmenter_load_data (seg, bad[i].data, strlen (bad[i].data),
                                              "bad.txt", &error));
      g_assert_error (error, NK_SEGMENTER_ERROR, NK_SEGMENTER_ERROR_DATA);
      g_assert_nonnull (strstr (error->message, bad[i].message_part));
      g_assert_nonnull (strstr (error->message, "bad.txt"));
    }

  g_autoptr (NkSegmenter) seg = nk_segmenter_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (nk_segmenter_load_file (seg, "/nonexistent/abbrev.txt", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  /* Comments, blank lines and a final dot are fine; an extra file can add entries. */
  const char *good = "# extra\n\n[generic]\nAbc.\n  Xyz  \n";
  g_clear_error (&error);
  g_assert_true (nk_segmenter_load_data (seg, good, strlen (good), "good.txt", &error));
  g_assert_no_error (error);
  g_assert_cmpint (nk_segmenter_lookup (seg, "abc", 3), ==, NK_ABBREV_GENERIC);
  g_assert_cmpint (nk_segmenter_lookup (seg, "Xyz", 3), ==, NK_ABBREV_GENERIC);
}

/* ---- sentences ---------------------------------------------------------------------- */

/* sentences.cases: name<TAB>text with `|` at each boundary (\| a literal pipe). The input
 * is the text without the marks; the expected sentences are the trimmed pieces. */
static gboolean
nk_check_sentence_case (const char *name,
                        const char *marked)
{
  g_autoptr (GString) input = g_string_new (NULL);
  g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) piece = g_string_new (NULL);

  for (const char *p = marked; ; p++)
    {
      if (*p == '\\' && p[1] == '|')
        {
          g_string_append_c (piece, '|');
          p++;
          continue;
        }
      if (*p == '|' || *p == '\0')
        {
          g_autoptr (GString) raw = nk_unescape (piece->str);
          g_string_append_len (input, raw->str, raw->len);
          char *t = g_strstrip (g_strdup (raw->str));
          if (*t)
            g_ptr_array_add (expected, t);
          else
            g_free (t);
          g_string_truncate (piece, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (piece, *p);
    }

  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  nk_segmenter_split (nk_seg, input->str, input->len, NULL, spans);

  gboolean ok = spans->len == expected->len;
  for (guint i = 0; ok && i < spans->len; i++)
    {
      NkSegSpan *s = &g_array_index (spans, NkSegSpan, i);
      const char *e = expected->pdata[i];
      ok = strlen (e) == s->end - s->start && memcmp (e, input->str + s->start, strlen (e)) == 0;
    }
  if (!ok)
    {
      g_autoptr (GString) got = nk_join_sentences (input->str, spans);
      g_autoptr (GString) want = g_string_new (NULL);
      for (guint i = 0; i < expected->len; i++)
        g_string_append_printf (want, "%s%s", i ? " | " : "", (char *) expected->pdata[i]);
      g_test_message ("FAIL %s\n  want: %s\n  got:  %s", name, want->str, got->str);
    }
  return ok;
}

static void
test_sentence_cases (void)
{
  g_autoptr (GPtrArray) cases = nk_read_cases ("tests/segment/sentences.cases");
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint failed = 0;

  for (guint i = 0; i < cases->len; i++)
    {
      char **f = cases->pdata[i];
      g_assert_true (g_hash_table_add (names, f[0]));  /* names are unique */
      if (!nk_check_sentence_case (f[0], f[1]))
        failed++;
    }
  g_test_message ("sentences: %u/%u cases pass", cases->len - failed, cases->len);
  g_assert_cmpuint (cases->len, >=, 50);
  g_assert_cmpuint (failed, ==, 0);
}

/* paragraphs: blank lines (also white-space-only lines) separate, spans are trimmed. */
static void
test_paragraphs (void)
{
  const char *text = "  One.\nTwo.  \n\n \t \nThree\r\n\r\nFour.\n\n\n";
  g_autoptr (GArray) paras = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) sents = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));

  nk_segmenter_split (nk_seg, text, strlen (text), paras, sents);
  g_autoptr (GString) p = nk_join_sentences (text, paras);
  g_autoptr (GString) s = nk_join_sentences (text, sents);
  g_assert_cmpstr (p->str, ==, "One.\nTwo. | Three | Four.");
  g_assert_cmpstr (s->str, ==, "One. | Two. | Three | Four.");
}

/* ---- seeds -------------------------------------------------------------------------- */

/* Byte offset of code point @cp in @text. */
static gsize
nk_cp_to_byte (const char *text,
               gsize       len,
               gint64      cp)
{
  const char *p = text;

  for (gint64 k = 0; k < cp && p < text + len; k++)
    p = g_utf8_next_char (p);
  return (gsize) (p - text);
}

static void
test_seeds (void)
{
  const char *shared = nk_shared_dir ();

  if (shared == NULL)
    {
      g_test_skip ("../shared (seed corpus and gold) is not available");
      return;
    }
  g_autofree char *gold_path = g_build_filename (shared, "gold", "sentences.jsonl", NULL);
  g_autofree char *gold = NULL;
  g_autoptr (GError) error = NULL;
  guint total = 0, right = 0;

  g_file_get_contents (gold_path, &gold, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (gold, "\n", -1);
  for (guint l = 0; lines[l]; l++)
    {
      if (*lines[l] == '\0')
        continue;
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, lines[l], -1, &error));
      JsonObject *doc = json_node_get_object (json_parser_get_root (parser));
      const char *id = json_object_get_string_member (doc, "id");
      g_autofree char *file = g_strconcat (id, ".txt", NULL);
      g_autofree char *path = g_build_filename (shared, "corpus", "seeds", file, NULL);
      g_autofree char *text = NULL;
      gsize len;

      g_file_get_contents (path, &text, &len, &error);
      g_assert_no_error (error);

      g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
      nk_segmenter_split (nk_seg, text, len, NULL, spans);
      g_autoptr (GHashTable) found = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr (GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), spans->len);
      for (guint i = 0; i < spans->len; i++)
        {
          NkSegSpan *s = &g_array_index (spans, NkSegSpan, i);
          gint64 key = ((gint64) s->start << 32) | s->end;
          g_array_append_val (keys, key);
        }
      for (guint i = 0; i < keys->len; i++)
        g_hash_table_add (found, &g_array_index (keys, gint64, i));

      JsonArray *offsets = json_object_get_array_member (doc, "offsets");
      for (guint i = 0; i < json_array_get_length (offsets); i++)
        {
          JsonArray *o = json_array_get_array_element (offsets, i);
          gsize b0 = nk_cp_to_byte (text, len, json_array_get_int_element (o, 0));
          gsize b1 = nk_cp_to_byte (text, len, json_array_get_int_element (o, 1));
          gint64 key = ((gint64) b0 << 32) | b1;

          total++;
          if (g_hash_table_contains (found, &key))
            right++;
          else
            g_test_message ("FAIL %s s%u: %.*s", id, i, (int) (b1 - b0), text + b0);
        }
    }
  g_test_message ("seeds: %u/%u gold sentences reproduced exactly", right, total);
  g_assert_cmpuint (total, >, 0);
  g_assert_cmpuint (right, ==, total);
}

/* ---- tokens ------------------------------------------------------------------------- */

/* tokens.cases: name<TAB>text<TAB>tokens separated by spaces[<TAB>norms]. */
static void
test_token_cases (void)
{
  g_autoptr (GPtrArray) cases = nk_read_cases ("tests/segment/tokens.cases");
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (NkSegToken));
  g_autoptr (GString) norm = g_string_new (NULL);
  guint failed = 0;

  for (guint i = 0; i < cases->len; i++)
    {
      char **f = cases->pdata[i];
      g_assert_cmpuint (g_strv_length (f), >=, 3);
      g_autoptr (GString) input = nk_unescape (f[1]);
      g_autoptr (GString) got = g_string_new (NULL);
      g_autoptr (GString) got_norm = g_string_new (NULL);

      g_array_set_size (toks, 0);
      nk_segmenter_tokenize (nk_seg, input->str, 0, input->len, toks);
      for (guint t = 0; t < toks->len; t++)
        {
          NkSegToken *tok = &g_array_index (toks, NkSegToken, t);
          if (t > 0)
            g_string_append_c (got, ' '), g_string_append_c (got_norm, ' ');
          g_string_append_len (got, input->str + tok->start, tok->end - tok->start);
          nk_segmenter_token_norm (input->str, tok, norm);
          g_string_append_len (got_norm, norm->str, norm->len);
        }
      gboolean ok = g_strcmp0 (got->str, f[2]) == 0;
      if (ok && f[3] != NULL)
        ok = g_strcmp0 (got_norm->str, f[3]) == 0;
      if (!ok)
        {
          g_test_message ("FAIL %s\n  want: %s%s%s\n  got:  %s\t%s", f[0], f[2],
                          f[3] ? "\t" : "", f[3] ? f[3] : "", got->str, got_norm->str);
          failed++;
        }
    }
  g_test_message ("tokens: %u/%u cases pass", cases->len - failed, cases->len);
  g_assert_cmpuint (failed, ==, 0);
}

/* Token kinds for the classes that need them. */
static void
test_token_kinds (void)
{
  const char *text = "See https://example.org/a, mail bob@example.com, @nk #dprk 3.5 don't ,";
  static const NkTokenKind want[] = {
    NK_TOKEN_WORD, NK_TOKEN_URL, NK_TOKEN_PUNCT, NK_TOKEN_WORD, NK_TOKEN_EMAIL,
    NK_TOKEN_PUNCT, NK_TOKEN_HANDLE, NK_TOKEN_HASHTAG, NK_TOKEN_NUMBER, NK_TOKEN_WORD,
    NK_TOKEN_CLITIC, NK_TOKEN_PUNCT,
  };
  g_autoptr (GArray) toks = g_array_new (FALSE, FALSE, sizeof (NkSegToken));

  nk_segmenter_tokenize (nk_seg, text, 0, strlen (text), toks);
  g_assert_cmpuint (toks->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < toks->len; i++)
    g_assert_cmpint (g_array_index (toks, NkSegToken, i).kind, ==, want[i]);
}

/* ---- bad input ---------------------------------------------------------------------- */

/* Every span non-empty, in order, inside the text, on character boundaries, trimmed. */
static void
nk_assert_spans_sane (const char *text,
                      gsize       len,
                      GArray     *spans)
{
  guint32 last = 0;

  for (guint i = 0; i < spans->len; i++)
    {
      NkSegSpan *s = &g_array_index (spans, NkSegSpan, i);
      g_assert_cmpuint (s->start, <, s->end);
      g_assert_cmpuint (s->start, >=, last);
      g_assert_cmpuint (s->end, <=, len);
      g_assert_false (g_ascii_isspace (text[s->start]));
      g_assert_false (g_ascii_isspace (text[s->end - 1]));
      g_assert_cmpint ((guchar) text[s->start] & 0xC0, !=, 0x80);
      g_assert_true (s->end == len || ((guchar) text[s->end] & 0xC0) != 0x80);
      last = s->end;
    }
}

static void
nk_split_all (const char *text,
              gsize       len,
              GArray     *paras,
              GArray     *sents,
              GArray     *toks)
{
  nk_segmenter_split (nk_seg, text, len, paras, sents);
  nk_assert_spans_sane (text, len, paras);
  nk_assert_spans_sane (text, len, sents);
  nk_segmenter_tokenize_spans (nk_seg, text, sents, toks);
  for (guint i = 0; i < toks->len; i++)
    {
      NkSegToken *t = &g_array_index (toks, NkSegToken, i);
      g_assert_cmpuint (t->start, <, t->end);
      g_assert_cmpuint (t->end, <=, len);
    }
}

static void
test_bad_empty (void)
{
  g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (NkSegToken));

  nk_split_all ("", 0, p, s, t);
  g_assert_cmpuint (p->len + s->len + t->len, ==, 0);
  nk_split_all (" \n\n\t\r\n  ", 8, p, s, t);
  g_assert_cmpuint (p->len + s->len + t->len, ==, 0);
}

static void
test_bad_no_punct (void)
{
  const char *text = "no final punctuation anywhere in this text\n"
                     "and none here either\n\nnor in a second paragraph";
  g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (NkSegToken));

  nk_split_all (text, strlen (text), p, s, t);
  g_assert_cmpuint (p->len, ==, 2);
  /* Lines without final punctuation are sentences of their own. */
  g_assert_cmpuint (s->len, ==, 3);
  g_assert_cmpuint (t->len, ==, 16);
}

/* One 50 MB line: linear time (a quadratic rule would not finish) and sane spans. */
static void
test_bad_long_line (void)
{
  const char *unit[] = { "word ", "U.S. ", "Mr. ", "... ", "x.y ", "don't ", "3.5 ",
                         "end. ", "Next ", "\xe2\x80\x9cQuote?\xe2\x80\x9d ", "a-b " };
  gsize target = 50 * 1024 * 1024;
  g_autoptr (GString) text = g_string_sized_new (target + 16);
  guint k = 0;

  while (text->len < target)
    g_string_append (text, unit[k++ % G_N_ELEMENTS (unit)]);

  g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (NkSegToken));
  nk_split_all (text->str, text->len, p, s, t);
  g_assert_cmpuint (p->len, ==, 1);
  g_assert_cmpuint (s->len, >, 1000);
  g_assert_cmpuint (t->len, >, 5000000);

  /* A URL followed by a long run of ")" and dots: trimming stays linear. */
  g_string_assign (text, "See http://example.org/a(b");
  for (guint r = 0; r < 200000; r++)
    g_string_append (text, ").");
  g_array_set_size (s, 0), g_array_set_size (p, 0), g_array_set_size (t, 0);
  nk_split_all (text->str, text->len, p, s, t);
  g_assert_cmpuint (g_array_index (t, NkSegToken, 1).kind, ==, NK_TOKEN_URL);
  g_assert_cmpuint (g_array_index (t, NkSegToken, 1).end, ==, strlen ("See http://example.org/a(b)"));

  /* The same without any space or punctuation: one sentence, one token. */
  g_string_set_size (text, target);
  memset (text->str, 'a', text->len);
  g_array_set_size (s, 0), g_array_set_size (p, 0), g_array_set_size (t, 0);
  nk_split_all (text->str, text->len, p, s, t);
  g_assert_cmpuint (s->len, ==, 1);
  g_assert_cmpuint (t->len, ==, 1);
}

static void
test_bad_control (void)
{
  /* NUL bytes, C0 controls, DEL, a BOM, a lone continuation byte. */
  static const char text[] = "Hello\x00world. \x01\x02Next\x7f one.\n\n\xef\xbb\xbf"
                             "Third \x1b[0m para\x00.\x80 end";
  gsize len = sizeof text - 1;
  g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (NkSegToken));

  nk_split_all (text, len, p, s, t);
  g_assert_cmpuint (p->len, ==, 2);
  g_assert_cmpuint (s->len, >=, 3);
  /* Controls are not tokens. */
  for (guint i = 0; i < t->len; i++)
    {
      NkSegToken *tok = &g_array_index (t, NkSegToken, i);
      g_assert_cmpint ((guchar) text[tok->start], >=, 0x20);
    }
}

/* Random mixes of the pieces the rules look at: no crash, sane spans (run under ASan and
 * valgrind too). Invalid UTF-8 must not crash either (the core repairs text first, but the
 * engine does not rely on it). */
static void
test_bad_random (void)
{
  static const char *const pieces[] = {
    ". ", "?", "!", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x99", "\n", "\n\n", " ",
    "U.S.", "Mr.", "a", "A", "1", ",", "(", ")", "...", "\xe2\x80\xa6", "\xe2\x80\xa2",
    "http://x.y/z", "@", "#", "-", "'", "n't", "s", "2.", "b)", "Sept.", "\"", ":", "The",
    "\t", "\r\n", "e.g.", "\xc3\xa9", "\xe3\x80\x82", ". . .", "[", "]", "I",
  };
  g_autoptr (GArray) p = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (NkSegSpan));
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (NkSegToken));
  g_autoptr (GString) text = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (2018);

  for (guint round = 0; round < 3000; round++)
    {
      guint n = g_rand_int_range (rand, 0, 60);
      g_string_truncate (text, 0);
      for (guint k = 0; k < n; k++)
        g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      g_array_set_size (p, 0), g_array_set_size (s, 0), g_array_set_size (t, 0);
      nk_split_all (text->str, text->len, p, s, t);

      /* The same bytes with one flipped to an invalid UTF-8 byte: only no crash. */
      if (text->len > 0)
        {
          text->str[g_rand_int_range (rand, 0, (gint32) text->len)] = (char) 0xFF;
          g_array_set_size (p, 0), g_array_set_size (s, 0), g_array_set_size (t, 0);
          nk_segmenter_split (nk_seg, text->str, text->len, p, s);
          nk_segmenter_tokenize_spans (nk_seg, text->str, s, t);
        }
    }
  g_rand_free (rand);
}

/* ---- the stage ---------------------------------------------------------------------- */

#ifdef NK_TEST_HAVE_CORE
static const char *nk_segment_pipeline = "{\"stages\": [{\"plugin\": \"segment\"}]}";

static void
test_stage_layers (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_segment_pipeline,
    "SEOUL — Mr. Kim met the U.S. envoy. Korea\xe2\x80\x99s talks don't stall.\n\nNext one.");
  NkLayer *paras = nk_document_get_layer (doc, "paragraphs");
  NkLayer *sents = nk_document_get_layer (doc, "sentences");
  NkLayer *toks = nk_document_get_layer (doc, "tokens");

  g_assert_nonnull (paras);
  g_assert_nonnull (sents);
  g_assert_nonnull (toks);
  g_assert_cmpuint (nk_layer_get_n_spans (paras), ==, 2);
  g_assert_cmpuint (nk_layer_get_n_spans (sents), ==, 3);
  g_autofree char *s0 = nk_test_span_text (doc, sents, 0);
  g_assert_cmpstr (s0, ==, "SEOUL — Mr. Kim met the U.S. envoy.");

  int norm = nk_layer_find_attr (toks, "norm");
  g_assert_cmpint (norm, >=, 0);
  g_autoptr (GString) got = g_string_new (NULL);
  for (guint i = 0; i < nk_layer_get_n_spans (toks); i++)
    {
      g_autofree char *t = nk_test_span_text (doc, toks, i);
      g_string_append_printf (got, "%s%s/%s", i ? " " : "", t,
                              nk_layer_get_string (toks, i, (guint) norm));
    }
  g_assert_cmpstr (got->str, ==,
                   "SEOUL/seoul —/— Mr./mr. Kim/kim met/met the/the U.S./u.s. envoy/envoy ./. "
                   "Korea/korea \xe2\x80\x99s/'s talks/talks do/do n't/n't stall/stall ./. "
                   "Next/next one/one ./.");
}

static void
test_stage_options (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"segment\", \"config\": {\"tokens\": false}}]}", "A b. C d.");
  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "sentences")), ==, 2);
  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "tokens")), ==, 0);

  g_autoptr (NkDocument) doc2 = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"segment\", \"config\": {\"norm\": \"none\"}}]}", "A b.");
  NkLayer *toks = nk_document_get_layer (doc2, "tokens");
  g_assert_cmpuint (nk_layer_get_n_spans (toks), ==, 3);
  g_assert_false (nk_layer_has_value (toks, 0, 0));

  /* "changed": only "A" (-> "a") and "’s" (-> "'s") carry a norm. */
  g_autoptr (NkDocument) doc3 = nk_test_process_text (
    "{\"stages\": [{\"plugin\": \"segment\", \"config\": {\"norm\": \"changed\"}}]}",
    "A b\xe2\x80\x99s c.");
  toks = nk_document_get_layer (doc3, "tokens");
  g_assert_cmpuint (nk_layer_get_n_spans (toks), ==, 5);
  g_assert_cmpstr (nk_layer_get_string (toks, 0, 0), ==, "a");
  g_assert_false (nk_layer_has_value (toks, 1, 0));
  g_assert_cmpstr (nk_layer_get_string (toks, 2, 0), ==, "'s");
  g_assert_false (nk_layer_has_value (toks, 3, 0));
  g_assert_false (nk_layer_has_value (toks, 4, 0));

  g_autoptr (NkDocument) doc4 = nk_document_new ("test", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;
  nk_document_set_text (doc4, "Text.", -1);
  g_assert_false (nk_test_process (
    "{\"stages\": [{\"plugin\": \"segment\", \"config\": {\"norm\": \"some\"}}]}",
    doc4, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "config.norm"));
}

static void
test_stage_extra_abbreviations (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nk-segment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "extra.txt", NULL);
  g_autofree char *json = NULL;
  g_autofree char *escaped = g_strescape (path, NULL);

  g_assert_true (g_file_set_contents (path, "[title]\nCmdt\n", -1, NULL));
  json = g_strdup_printf ("{\"stages\": [{\"plugin\": \"segment\", \"config\": "
                          "{\"abbreviations\": \"%s\"}}]}", escaped);
  g_autoptr (NkDocument) doc = nk_test_process_text (json, "Ask Cmdt. Lee. He knows.");
  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "sentences")), ==, 2);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_stage_bad_abbreviations (void)
{
  g_autoptr (NkDocument) doc = nk_document_new ("test", "test", NK_FORMAT_TEXT);
  g_autoptr (GError) error = NULL;

  nk_document_set_text (doc, "Text.", -1);
  g_assert_false (nk_test_process (
    "{\"stages\": [{\"plugin\": \"segment\", \"config\": "
    "{\"abbreviations\": \"/nonexistent/abbrev.txt\"}}]}", doc, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/abbrev.txt"));
}

static void
test_stage_empty (void)
{
  g_autoptr (NkDocument) doc = nk_test_process_text (nk_segment_pipeline, "");

  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "paragraphs")), ==, 0);
  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "sentences")), ==, 0);
  g_assert_cmpuint (nk_layer_get_n_spans (nk_document_get_layer (doc, "tokens")), ==, 0);
}

/* `{"stages": [segment, export]}` on JSONL text from stdin, through the CLI. */
static void
test_stage_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nk-segment-XXXXXX", NULL);
  g_autofree char *pipeline = g_build_filename (dir, "p.json", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_true (g_file_set_contents (pipeline,
    "{\"stages\": [{\"plugin\": \"segment\"}, {\"plugin\": \"export\", "
    "\"config\": {\"layers\": [\"sentences\", \"tokens\"]}}]}", -1, NULL));
  const char *argv[] = { "run", pipeline, "-", "--jobs", "1", NULL };
  int status = nk_test_run_cli (argv,
    "{\"id\": \"a\", \"text\": \"Mr. Kim\xe2\x80\x99s aide spoke. Then he left.\"}\n",
    &out, &err);
  g_assert_cmpint (status, ==, 0);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonObject *layers = json_object_get_object_member (root, "layers");
  g_assert_nonnull (layers);
  JsonArray *sents = json_object_get_array_member (layers, "sentences");
  g_assert_cmpuint (json_array_get_length (sents), ==, 2);
  JsonArray *toks = json_object_get_array_member (layers, "tokens");
  g_assert_cmpuint (json_array_get_length (toks), ==, 10);
  g_unlink (pipeline);
  g_rmdir (dir);
}

static void
nk_test_add_stage_tests (void)
{
  g_test_add_func ("/segment/stage/layers", test_stage_layers);
  g_test_add_func ("/segment/stage/options", test_stage_options);
  g_test_add_func ("/segment/stage/extra-abbreviations", test_stage_extra_abbreviations);
  g_test_add_func ("/segment/stage/bad-abbreviations", test_stage_bad_abbreviations);
  g_test_add_func ("/segment/stage/empty", test_stage_empty);
  g_test_add_func ("/segment/stage/cli", test_stage_cli);
}
#endif

int
main (int    argc,
      char **argv)
{
  g_autofree char *lexicon = nk_src_path ("data/segment/abbreviations.txt");
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  nk_seg = nk_segmenter_new ();
  if (!nk_segmenter_load_file (nk_seg, lexicon, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/segment/abbrev/load", test_abbrev_load);
  g_test_add_func ("/segment/abbrev/no-duplicates", test_abbrev_no_duplicates);
  g_test_add_func ("/segment/abbrev/errors", test_abbrev_errors);
  g_test_add_func ("/segment/sentences/cases", test_sentence_cases);
  g_test_add_func ("/segment/paragraphs/blank-lines", test_paragraphs);
  g_test_add_func ("/segment/sentences/seeds", test_seeds);
  g_test_add_func ("/segment/tokens/cases", test_token_cases);
  g_test_add_func ("/segment/tokens/kinds", test_token_kinds);
  g_test_add_func ("/segment/bad-input/empty", test_bad_empty);
  g_test_add_func ("/segment/bad-input/no-punctuation", test_bad_no_punct);
  g_test_add_func ("/segment/bad-input/long-line", test_bad_long_line);
  g_test_add_func ("/segment/bad-input/control-and-nul", test_bad_control);
  g_test_add_func ("/segment/bad-input/random", test_bad_random);
#ifdef NK_TEST_HAVE_CORE
  nk_test_add_stage_tests ();
#endif

  int ret = g_test_run ();
  nk_segmenter_free (nk_seg);
  return ret;
}
