/* nk-quotes-engine.c — finds quotations and attributes them to speakers: the driver (one
 * quotation at a time) and the public API. Marks and tokens live in nk-quotes-text.c, the
 * speaker rules in nk-quotes-speaker.c, the data in nk-quotes-lexicon.c.
 *
 * Method, in one pass over the quotations of a text:
 *  1. pair quote marks paragraph by paragraph (“…” and straight "…"; apostrophes and
 *     single quotes are never marks); a quote left open at a paragraph's end continues in
 *     the next paragraph when that one opens with a mark;
 *  2. tokenize only the sentence(s) around each quotation (so the cost is linear in the
 *     quoted sentences, not the document), tag words from the lexicon and entity spans;
 *  3. pick the reporting cue ("said", "according to") before or after the quotation, then
 *     find its speaker with small, explainable rules: inverted order ("said X"), subject to
 *     the left ("X said", "X, the director of …, said"), relative clauses ("an official who
 *     met X said" is not X), participles and coordination ("…, adding", "and said") take the
 *     clause's subject, pronouns go to the nearest compatible earlier speaker or person,
 *     descriptions ("the adviser") to the earlier person whose title or appositive names
 *     them, "the statement" to the organisation just mentioned, unnamed sources ("a senior
 *     official") give no speaker;
 *  4. a quotation without a cue that opens its sentence continues the previous quotation.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes"

#include <string.h>

#include "nk-quotes-private.h"

/* ---------------------------------------------------------------------------------------
 * One quotation
 */

static gboolean
nk_first_is_upper (const NkQuoteFinder *f,
                   const NkRawQuote    *q)
{
  const char *t = f->in->text;
  guchar c = (guchar) t[q->start];
  return nk_quote_is_upper_at (t, q->start, f->in->len) || g_ascii_isdigit (c) || c == '['
         || c == '(' || nk_punct3 (t, q->start, f->in->len) == 0xA6;
}

static gboolean
nk_last_is_punct (const NkQuoteFinder *f,
                  const NkRawQuote    *q)
{
  const char *t = f->in->text;
  guchar c = (guchar) t[q->end - 1];
  if (c == ',' || c == '.' || c == '?' || c == '!' || c == ';' || c == ':' || c == '-')
    return TRUE;
  return q->end >= q->start + 3 && (guchar) t[q->end - 3] == 0xE2
         && ((guchar) t[q->end - 1] == 0xA6 || (guchar) t[q->end - 1] == NK_MDASH);
}

static void
nk_finder_build_window (NkQuoteFinder    *f,
                        const NkRawQuote *q,
                        guint             s1)
{
  const char *t = f->in->text;
  gsize wa = f->sents[f->s0].start, wb = f->sents[s1].end;

  f->at_start = TRUE;
  if (wa > q->mark)
    wa = q->mark;
  /* "Kim said:" ending the previous sentence or paragraph frames this quotation */
  gsize before = q->mark;
  while (before > wa && nk_is_space_byte ((guchar) t[before - 1]))
    before--;
  if (before == wa && f->s0 > 0)
    {
      gsize p = wa;
      while (p > 0 && nk_is_space_byte ((guchar) t[p - 1]))
        p--;
      if (p > 0 && t[p - 1] == ':' && f->sents[f->s0 - 1].start < wa)
        wa = f->sents[f->s0 - 1].start;
    }
  if (q->mark - wa > NK_QUOTE_WINDOW)
    {
      wa = q->mark - NK_QUOTE_WINDOW;
      while (wa < q->mark && ((guchar) t[wa] & 0xC0) == 0x80)
        wa++;
      f->at_start = FALSE;
    }
  if (wb < q->close_end)
    wb = q->close_end;
  if (wb > f->in->len)
    wb = f->in->len;
  if (wb - q->close_end > NK_QUOTE_WINDOW)
    {
      wb = q->close_end + NK_QUOTE_WINDOW;
      while (wb > q->close_end && ((guchar) t[wb] & 0xC0) == 0x80)
        wb--;
    }

  f->n_toks = f->n_heads = 0;
  nk_quote_tokenize (f, wa, q->mark);
  f->self = f->n_toks;
  nk_quote_add_tok (f, TK_SELF, q->mark, q->close_end);
  nk_quote_tokenize (f, q->close_end, wb);
  nk_quote_annotate (f);
}

static gboolean
nk_is_boundary (const NkTok *t)
{
  return t->in_quote || t->kind == TK_COMMA || t->kind == TK_SEMI || t->kind == TK_QMARK
         || t->kind == TK_DASH || t->kind == TK_COLON || t->kind == TK_SELF;
}

/* Whether the reporting verb @j governs the clause of a later one @k: no punctuation
 * between them, or a "that" right after @j's clause. A verb inside an introductory clause
 * ("After Kim said that …, Trump said") governs nothing. */
static gboolean
nk_cue_embeds (NkQuoteFinder *f,
               gint           j,
               gint           k)
{
  if (f->at_start && nk_n_toks (f) > 0 && nk_is_word (nk_tok (f, 0))
      && (nk_tok (f, 0)->lex & (NK_LEX_SUB | NK_LEX_PREP)))
    {
      gboolean comma = FALSE;
      for (gint i = 0; i < j && !comma; i++)
        comma = nk_tok (f, i)->kind == TK_COMMA;
      if (!comma)
        return FALSE;
    }
  gboolean boundary = FALSE;
  for (gint i = j + 1; i < k; i++)
    {
      NkTok *t = nk_tok (f, i);
      if (!boundary && nk_is_word (t) && (t->lex & NK_LEX_COMP))
        return TRUE;
      if (nk_is_boundary (t))
        boundary = TRUE;
    }
  return !boundary;
}

typedef struct {
  gint before;   /* nearest cue before the quotation, or -1 */
  gint after;    /* first cue after it in the same sentence, or -1 */
  gint chosen;
} NkCues;

static NkCues
nk_finder_find_cues (NkQuoteFinder *f,
                     gboolean       sentence_initial)
{
  NkCues c = { -1, -1, -1 };
  gint self = (gint) f->self, n = nk_n_toks (f);

  for (gint j = self - 1; j >= 0 && c.before < 0; j--)
    if (nk_is_word (nk_tok (f, j)) && (nk_tok (f, j)->lex & NK_LEX_CUE))
      c.before = j;
  for (gint j = self + 1; j < n && j < self + 30; j++)
    {
      NkTok *t = nk_tok (f, j);
      if (t->in_quote || t->kind == TK_QMARK)
        break;
      if (t->kind == TK_WORD && (t->lex & NK_LEX_CUE))
        {
          c.after = j;
          break;
        }
    }

  /* "X told Y that Z had told him …", "X said Z had asked for …": the outer reporting
   * verb speaks. */
  if (c.before >= 0)
    for (gint j = c.before - 1; j >= 0; j--)
      {
        NkTok *t = nk_tok (f, j);
        if (t->kind == TK_SEMI)
          break;
        if (nk_is_word (t) && (t->lex & (NK_LEX_VERB | NK_LEX_PART | NK_LEX_QVERB))
            && nk_cue_embeds (f, j, c.before))
          c.before = j;
      }

  if (sentence_initial && c.after >= 0)
    c.chosen = c.after;
  else if (c.before >= 0)
    c.chosen = c.before;
  else
    c.chosen = c.after;
  return c;
}

/* A short quotation counts only when a reporting verb frames it directly:
 * “No,” he said.  /  He said: “Never.” */
static gboolean
nk_short_quote_framed (NkQuoteFinder    *f,
                       const NkRawQuote *q,
                       const NkCues     *c,
                       gboolean          sentence_initial)
{
  gint self = (gint) f->self;
  if (c->chosen < 0)
    return FALSE;
  if (c->chosen == c->after)
    return sentence_initial && c->after - self <= 4 && nk_last_is_punct (f, q);
  if (self < 1)
    return FALSE;
  guint8 kind = nk_tok (f, self - 1)->kind;
  return (kind == TK_COLON || kind == TK_COMMA) && self - 1 - c->chosen <= 4
         && nk_first_is_upper (f, q);
}

static gint
nk_possessive_ncue (NkQuoteFinder *f)
{
  gint self = (gint) f->self;
  for (gint j = self - 1; j >= 1 && j >= self - 8; j--)
    {
      NkTok *t = nk_tok (f, j), *p = nk_tok (f, j - 1);
      if (!nk_is_word (t))
        break;
      if ((t->lex & NK_LEX_NCUE) && nk_is_word (p) && p->poss && p->ent >= 0
          && nk_label_speaks (nk_ent (f, p->ent)->label))
        return j;
    }
  return -1;
}

static void
nk_finder_emit (NkQuoteFinder    *f,
                const NkRawQuote *q,
                guint             s1,
                NkSpeaker         sp,
                gint              cue,
                gboolean          partial,
                const NkQuote    *copy_from)
{
  const NkQuoteInput *in = f->in;
  NkQuote out = { 0 };

  out.start = q->start;
  out.end = q->end;
  out.partial = partial;
  if (copy_from != NULL)
    {
      out.speaker = copy_from->speaker;
      out.speaker_len = copy_from->speaker_len;
      out.has_mention = copy_from->has_mention;
      out.mention_start = copy_from->mention_start;
      out.mention_end = copy_from->mention_end;
      out.has_cue = copy_from->has_cue;
      out.cue_start = copy_from->cue_start;
      out.cue_end = copy_from->cue_end;
      out.continuation = TRUE;
    }
  else
    {
      if (sp.kind == SP_ENTITY)
        {
          const NkQuoteEntity *e = nk_ent (f, sp.ent);
          if (e->canonical != NULL && e->canonical[0] != '\0')
            out.speaker = e->canonical, out.speaker_len = strlen (e->canonical);
          else
            out.speaker = in->text + e->start, out.speaker_len = e->end - e->start;
        }
      else if (sp.kind == SP_STRING || sp.kind == SP_TEXT)
        out.speaker = sp.str, out.speaker_len = sp.len;
      out.has_mention = sp.has_mention;
      out.mention_start = sp.m_start;
      out.mention_end = sp.m_end;
      if (cue >= 0)
        {
          NkTok *c = nk_tok (f, cue);
          gint last = cue + (c->phrase_len > 1 ? c->phrase_len - 1 : 0);
          out.has_cue = TRUE;
          out.cue_start = c->start;
          out.cue_end = nk_tok (f, MIN (last, nk_n_toks (f) - 1))->end;
        }
    }
  /* room for every raw quote was made before the first */
  f->infos[f->n_quotes] = (NkQuoteInfo) { f->s0, s1, q->para, sp };
  f->quotes[f->n_quotes++] = out;
}

static void
nk_finder_quote (NkQuoteFinder *f,
                 guint          qi)
{
  const NkRawQuote *q = &g_array_index (f->raws, NkRawQuote, qi);
  const NkRawQuote *prev_raw = qi > 0 ? &g_array_index (f->raws, NkRawQuote, qi - 1) : NULL;
  gint prev_out = qi > 0 ? g_array_index (f->emitted, gint, qi - 1) : -1;

  /* the previous quotation's sentence is where the search starts (when the sentences
   * are in order: paragraphs standing in for them need not be) */
  guint32 close_last = q->close_end > 0 ? q->close_end - 1 : 0;
  guint s1;
  if (f->sents_sorted)
    {
      f->s0 = nk_quote_range_index_from (f->sents, f->n_sents, q->mark, f->s0);
      s1 = nk_quote_range_index_from (f->sents, f->n_sents, close_last, f->s0);
    }
  else
    {
      f->s0 = nk_quote_range_index (f->sents, f->n_sents, q->mark);
      s1 = nk_quote_range_index (f->sents, f->n_sents, close_last);
    }
  if (s1 < f->s0)
    s1 = f->s0;

  /* A quotation running over paragraphs: each paragraph reopens it. */
  gboolean para_cont = q->para_start && prev_raw != NULL && prev_raw->unclosed
                       && prev_raw->para + 1 == q->para && prev_out >= 0;

  nk_finder_build_window (f, q, s1);
  gint self = (gint) f->self;
  gboolean sentence_initial = f->at_start;
  for (gint j = 0; j < self && sentence_initial; j++)
    if (nk_tok (f, j)->kind == TK_WORD)
      sentence_initial = FALSE;

  NkCues c = nk_finder_find_cues (f, sentence_initial);
  if (!para_cont && nk_quote_count_words (f->in->text, q->start, q->end, 3) < 3
                                          && !nk_short_quote_framed (f, q, &c, sentence_initial))
    {
      gint none = -1;
      g_array_index (f->emitted, gint, qi) = none;
      return;
    }

  gboolean starts_ok = sentence_initial || para_cont
                       || (self > 0 && (nk_tok (f, self - 1)->kind == TK_COLON
                                        || (nk_tok (f, self - 1)->kind == TK_COMMA
                                            && c.before >= 0 && self - 1 - c.before <= 4)));
  gboolean ends_ok = nk_last_is_punct (f, q) || self + 1 >= nk_n_toks (f)
                     || nk_tok (f, self + 1)->kind != TK_WORD;
  gboolean partial = !(nk_first_is_upper (f, q) && starts_ok && ends_ok);

  gint out_index = (gint) f->n_quotes;
  const NkQuote *prev_q = prev_out >= 0 ? &f->quotes[prev_out] : NULL;
  if (para_cont && c.chosen < 0)
    {
      nk_finder_emit (f, q, s1, f->infos[prev_out].sp, -1, partial, prev_q);
      g_array_index (f->emitted, gint, qi) = out_index;
      return;
    }

  NkSpeaker sp = nk_quote_sp_none ();
  gint cue = c.chosen;
  if (cue >= 0)
    {
      sp = nk_quote_resolve_cue (f, cue, 0);
      for (gint j = 0; sp.kind == SP_UNRESOLVED && j < nk_n_toks (f); j++)
        {
          NkTok *t = nk_tok (f, j);
          if (j != cue && nk_is_word (t) && (t->lex & NK_LEX_PHRASE) && t->phrase_len > 0)
            sp = nk_quote_post_np (f, j + t->phrase_len);
        }
    }
  else
    {
      /* No reporting verb: a quotation opening its sentence continues the last one. */
      const NkQuote *last = f->n_quotes > 0 ? &f->quotes[f->n_quotes - 1] : NULL;
      const NkQuoteInfo *last_info = f->n_quotes > 0 ? &f->infos[f->n_quotes - 1] : NULL;
      if (sentence_initial && last != NULL && last_info->para + 1 >= q->para
          && last_info->s1 + 4 >= f->s0)
        {
          nk_finder_emit (f, q, s1, last_info->sp, -1, partial, last);
          g_array_index (f->emitted, gint, qi) = out_index;
          return;
        }
      cue = nk_possessive_ncue (f);
      if (cue >= 0)
        sp = nk_quote_sp_entity (f, nk_tok (f, cue - 1)->ent);
      else if (self >= 2 && nk_tok (f, self - 1)->kind == TK_COLON
               && nk_quote_tok_speaker_ent (f, nk_tok (f, self - 2))
               && nk_ent (f, nk_tok (f, self - 2)->ent)->end <= nk_tok (f, self - 2)->end)
        sp = nk_quote_left_subject (f, self - 2, 0);  /* "Pompeo: “…”" */
    }
  if ((sp.kind == SP_UNRESOLVED || sp.kind == SP_NULL) && !para_cont
      && nk_quote_is_title_case (f->in->text, q->start, q->end))
    {
      gint none = -1;
      g_array_index (f->emitted, gint, qi) = none;
      return;
    }
  nk_finder_emit (f, q, s1, sp, cue, partial, NULL);
  g_array_index (f->emitted, gint, qi) = out_index;
}

/* ---------------------------------------------------------------------------------------
 * Public
 */

NkQuoteFinder *
nk_quote_finder_new (const NkQuoteLexicon *lexicon)
{
  g_return_val_if_fail (lexicon != NULL, NULL);
  NkQuoteFinder *f = g_new0 (NkQuoteFinder, 1);
  f->lex = lexicon;
  f->line_pars = g_array_new (FALSE, FALSE, sizeof (NkQuoteRange));
  f->raws = g_array_new (FALSE, FALSE, sizeof (NkRawQuote));
  f->emitted = g_array_new (FALSE, FALSE, sizeof (gint));
  return f;
}

void
nk_quote_finder_free (NkQuoteFinder *finder)
{
  if (finder == NULL)
    return;
  g_array_unref (finder->line_pars);
  g_array_unref (finder->raws);
  g_array_unref (finder->emitted);
  g_free (finder->toks);
  g_free (finder->quotes);
  g_free (finder->infos);
  g_free (finder);
}

const NkQuote *
nk_quote_finder_run (NkQuoteFinder      *finder,
                     const NkQuoteInput *input,
                     guint              *n_quotes)
{
  g_return_val_if_fail (finder != NULL && input != NULL && n_quotes != NULL, NULL);
  NkQuoteFinder *f = finder;

  f->in = input;
  g_array_set_size (f->raws, 0);
  g_array_set_size (f->emitted, 0);
  f->n_quotes = 0;
  f->s0 = 0;
  f->scan_pos = 0;
  f->scan_ent = f->scan_raw = 0;
  *n_quotes = 0;
  if (input->text == NULL || input->len == 0)
    return NULL;

  /* Cheap exit: a text without any quote mark needs no paragraphs or sentences. */
  f->next_q = memchr (input->text, '"', input->len);
  f->next_e = memchr (input->text, 0xE2, input->len);
  f->next_from = 0;
  if (f->next_q == NULL && f->next_e == NULL)
    return NULL;

  if (input->n_paragraphs > 0)
    f->pars = input->paragraphs, f->n_pars = input->n_paragraphs;
  else
    {
      nk_quote_line_paragraphs (f);
      f->pars = (const NkQuoteRange *) (gpointer) f->line_pars->data;
      f->n_pars = f->line_pars->len;
    }
  if (input->n_sentences > 0)
    f->sents = input->sentences, f->n_sents = input->n_sentences;
  else
    f->sents = f->pars, f->n_sents = f->n_pars;
  if (f->n_pars == 0 || f->n_sents == 0)
    return NULL;

  for (guint p = 0; p < f->n_pars; p++)
    nk_quote_scan_paragraph (f, p);
  f->sents_sorted = TRUE;
  for (guint k = 1; k < f->n_sents && f->sents_sorted; k++)
    f->sents_sorted = f->sents[k - 1].start <= f->sents[k].start;
  const NkRawQuote *raws = (const NkRawQuote *) (gpointer) f->raws->data;
  f->raws_sorted = TRUE;
  for (guint qi = 1; qi < f->raws->len && f->raws_sorted; qi++)
    f->raws_sorted = raws[qi - 1].close_end <= raws[qi].close_end;
  g_array_set_size (f->emitted, f->raws->len);
  if (f->raws->len > f->quotes_cap)
    {
      f->quotes_cap = MAX (f->raws->len, 2 * f->quotes_cap);
      f->quotes = g_renew (NkQuote, f->quotes, f->quotes_cap);
      f->infos = g_renew (NkQuoteInfo, f->infos, f->quotes_cap);
    }
  for (guint qi = 0; qi < f->raws->len; qi++)
    nk_finder_quote (f, qi);

  *n_quotes = f->n_quotes;
  return f->quotes;
}
