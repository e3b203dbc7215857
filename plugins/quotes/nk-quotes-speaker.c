/* nk-quotes-speaker.c — who is speaking: from a reporting cue to its subject, through
 * inverted order, appositives, relative clauses, participles, pronouns, descriptions and
 * unnamed sources. Works on the token window built by nk-quotes-text.c.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-quotes"

#include <string.h>

#include "nk-quotes-private.h"

/* ---------------------------------------------------------------------------------------
 * Speakers
 */

/* The token names an entity that can speak, not as a possessive modifier. */
gboolean
nk_quote_tok_speaker_ent (const NkQuoteFinder *f,
                          const NkTok         *t)
{
  if (!nk_is_word (t) || t->ent < 0 || !nk_label_speaks (nk_ent (f, t->ent)->label))
    return FALSE;
  return !(t->poss && nk_ent (f, t->ent)->end < t->end);
}

static gboolean
nk_is_ing_word (const NkQuoteFinder *f,
                const NkTok         *t)
{
  const char *s = f->in->text + t->start;
  gsize l = t->end - t->start;
  return t->kind == TK_WORD && !t->cap && l > 4 && memcmp (s + l - 3, "ing", 3) == 0;
}

NkSpeaker
nk_quote_sp_none (void)
{
  NkSpeaker sp = { SP_UNRESOLVED, -1, NULL, 0, NK_QUOTE_LABEL_OTHER, 0, FALSE, 0, 0 };
  return sp;
}

NkSpeaker
nk_quote_sp_entity (const NkQuoteFinder *f,
                    gint32               e)
{
  NkSpeaker sp = nk_quote_sp_none ();
  sp.kind = SP_ENTITY;
  sp.ent = e;
  sp.label = nk_ent (f, e)->label;
  sp.has_mention = TRUE;
  sp.m_start = nk_ent (f, e)->start;
  sp.m_end = nk_ent (f, e)->end;
  return sp;
}

static NkSpeaker
nk_sp_null (guint32 m_start,
            guint32 m_end)
{
  NkSpeaker sp = nk_quote_sp_none ();
  sp.kind = SP_NULL;
  sp.has_mention = m_end > m_start;
  sp.m_start = m_start;
  sp.m_end = m_end;
  return sp;
}

static NkSpeaker
nk_sp_with_mention (NkSpeaker sp,
                    guint32   m_start,
                    guint32   m_end)
{
  sp.has_mention = TRUE;
  sp.m_start = m_start;
  sp.m_end = m_end;
  return sp;
}

/* 'M', 'F' or 0, from an honorific written before this or an earlier mention of the same
 * name; a pronoun never goes to a person of the other gender. */
static char
nk_title_gender (const NkQuoteFinder *f,
                 guint32              start)
{
  const char *t = f->in->text;
  static const struct { const char *s; char g; } titles[] = {
    { "Mr. ", 'M' }, { "Mr ", 'M' }, { "Mrs. ", 'F' }, { "Mrs ", 'F' },
    { "Ms. ", 'F' }, { "Ms ", 'F' }, { "Miss ", 'F' },
  };
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      gsize l = strlen (titles[i].s);
      if (start >= l && memcmp (t + start - l, titles[i].s, l) == 0)
        return titles[i].g;
    }
  return 0;
}

/* What earlier pronouns taught about a person: "“…,” he said" makes its speaker male. */
static char
nk_learned_gender (const NkQuoteFinder *f,
                   const NkQuoteEntity *ent)
{
  const NkQuoteInfo *infos = f->infos;
  for (guint k = f->n_quotes; k > 0 && k + 48 > f->n_quotes; k--)
    {
      const NkSpeaker *sp = &infos[k - 1].sp;
      if (sp->kind != SP_ENTITY || sp->gender == 0)
        continue;
      const NkQuoteEntity *o = nk_ent (f, sp->ent);
      if (o == ent || (o->canonical != NULL && ent->canonical != NULL
                       && strcmp (o->canonical, ent->canonical) == 0))
        return sp->gender;
    }
  return 0;
}

/* The gender of the given name opening a full name ("Mary Steenburgen"), or 0. */
static char
nk_name_gender (const NkQuoteFinder *f,
                const char          *name,
                gsize                len)
{
  const char *space = memchr (name, ' ', len);
  if (space == NULL)
    return 0;  /* a lone surname tells nothing */
  return nk_quote_lexicon_gender (f->lex, name, (gsize) (space - name));
}

static char
nk_entity_gender (const NkQuoteFinder *f,
                  gint32               e)
{
  const NkQuoteEntity *ent = nk_ent (f, e);
  char g = nk_title_gender (f, ent->start);
  if (g == 0)
    g = nk_name_gender (f, f->in->text + ent->start, ent->end - ent->start);
  if (g == 0 && ent->canonical != NULL)
    g = nk_name_gender (f, ent->canonical, strlen (ent->canonical));
  if (g == 0)
    g = nk_learned_gender (f, ent);
  if (g != 0 || ent->canonical == NULL)
    return g;
  for (gint32 k = e - 1; k >= 0 && k >= e - 64; k--)
    {
      const NkQuoteEntity *o = nk_ent (f, k);
      if (o->label == NK_QUOTE_LABEL_PERSON && o->canonical != NULL
          && (o->canonical == ent->canonical || strcmp (o->canonical, ent->canonical) == 0)
          && (g = nk_title_gender (f, o->start)) != 0)
        return g;
    }
  return 0;
}

static gboolean
nk_ent_fits_pronoun (const NkQuoteFinder *f,
                     gint32               e,
                     guint                pron)
{
  NkQuoteLabel label = nk_ent (f, e)->label;
  if (pron & NK_LEX_PRON_N)
    return label == NK_QUOTE_LABEL_ORG || label == NK_QUOTE_LABEL_GPE
           || label == NK_QUOTE_LABEL_FACILITY;
  if (label != NK_QUOTE_LABEL_PERSON)
    return FALSE;
  char g = nk_entity_gender (f, e);
  return !((pron & NK_LEX_PRON_M) && g == 'F') && !((pron & NK_LEX_PRON_F) && g == 'M');
}

/* "Kim’s sister": a possessive modifier is rarely the antecedent of a pronoun. */
static gboolean
nk_entity_is_possessive (const NkQuoteFinder *f,
                         guint                e)
{
  const char *t = f->in->text;
  gsize end = f->in->entities[e].end, len = f->in->len;
  if (end + 1 < len && t[end] == '\'' && t[end + 1] == 's')
    return TRUE;
  return end + 3 < len && nk_punct3 (t, end, len) == NK_RSQUO && t[end + 3] == 's';
}

/* First entity of sentence @s, outside quotations, that fits @pron. */
static gint32
nk_first_entity_in_sentence (const NkQuoteFinder *f,
                             guint                s,
                             guint                pron)
{
  const NkQuoteInput *in = f->in;
  guint count = 0;
  for (guint e = nk_quote_entity_after (in, f->sents[s].start);
       e < in->n_entities && in->entities[e].start < f->sents[s].end && count < 200;
       e++, count++)
    if (!nk_quote_in_quote (f, in->entities[e].start) && !nk_entity_is_possessive (f, e)
                            && nk_ent_fits_pronoun (f, (gint32) e, pron))
      return (gint32) e;
  return -1;
}

static NkSpeaker nk_resolve_pronoun_raw (NkQuoteFinder *f, gint i);

static NkSpeaker
nk_resolve_pronoun (NkQuoteFinder *f,
                    gint           i)
{
  NkSpeaker sp = nk_resolve_pronoun_raw (f, i);
  guint pron = nk_tok (f, i)->lex;
  if (sp.kind == SP_ENTITY && sp.label == NK_QUOTE_LABEL_PERSON)
    sp.gender = (pron & NK_LEX_PRON_M) ? 'M' : (pron & NK_LEX_PRON_F) ? 'F' : 0;
  return sp;
}

static NkSpeaker
nk_resolve_pronoun_raw (NkQuoteFinder *f,
                        gint           i)
{
  NkTok *p = nk_tok (f, i);
  guint pron = p->lex & NK_LEX_PRON;

  if (pron & NK_LEX_PRON_1)
    return nk_quote_sp_none ();
  if (pron & NK_LEX_PRON_P)
    return nk_sp_null (p->start, p->end);

  /* An antecedent earlier in the same sentence: "Pompeo arrived, where he told …" */
  if (f->at_start)
    for (gint j = 0; j < i; j++)
      {
        NkTok *t = nk_tok (f, j);
        if (nk_quote_tok_speaker_ent (f, t) && (j == 0 || nk_tok (f, j - 1)->ent != t->ent)
                                      && nk_ent_fits_pronoun (f, t->ent, pron))
          return nk_sp_with_mention (nk_quote_sp_entity (f, t->ent), p->start, p->end);
      }

  /* Earlier sentences: their quotations' speakers first, then their first fitting name. */
  const NkQuoteInfo *infos = f->infos;
  gint qi = (gint) f->n_quotes - 1;
  for (guint back = 1; back <= NK_QUOTE_LOOKBACK && back <= f->s0; back++)
    {
      guint s = f->s0 - back;
      while (qi >= 0 && infos[qi].s0 > s)
        qi--;
      for (gint k = qi; k >= 0 && infos[k].s1 >= s && k > qi - 16; k--)
        if (infos[k].sp.kind == SP_ENTITY && nk_ent_fits_pronoun (f, infos[k].sp.ent, pron)
            && !((pron & NK_LEX_PRON_M) && infos[k].sp.gender == 'F')
            && !((pron & NK_LEX_PRON_F) && infos[k].sp.gender == 'M'))
          return nk_sp_with_mention (infos[k].sp, p->start, p->end);
      gint32 e = nk_first_entity_in_sentence (f, s, pron);
      if (e >= 0)
        return nk_sp_with_mention (nk_quote_sp_entity (f, e), p->start, p->end);
    }
  return nk_sp_null (p->start, p->end);
}

/* Whether @role contains @word as a whole word, ignoring case. */
static gboolean
nk_role_has_word (const char *role,
                  const char *word,
                  gsize       wl)
{
  gsize rl = strlen (role);
  for (gsize i = 0; i + wl <= rl; i++)
    if ((i == 0 || !g_ascii_isalpha (role[i - 1])) && g_ascii_strncasecmp (role + i, word, wl) == 0
        && (i + wl == rl || !g_ascii_isalpha (role[i + wl])))
      return TRUE;
  return FALSE;
}

static gboolean
nk_word_equal (const char *a,
               gsize       al,
               const char *b,
               gsize       bl)
{
  return al == bl && g_ascii_strncasecmp (a, b, al) == 0;
}

/* Whether the title words written just before a mention name @word: "Secretary of State
 * Mike Pompeo", "North Korean leader Kim", "its foreign minister, Ri Yong-ho". */
static gboolean
nk_title_names (const NkQuoteFinder *f,
                guint32              start,
                const char          *word,
                gsize                wl)
{
  const char *t = f->in->text;
  gsize i = start;
  gboolean comma = FALSE;

  for (guint n = 0; n < 7; n++)
    {
      while (i > 0 && t[i - 1] == ' ')
        i--;
      if (i > 0 && t[i - 1] == ',' && n == 0 && !comma)
        {
          comma = TRUE;
          i--;
          n--;
          continue;
        }
      gsize e = i;
      while (i > 0 && (g_ascii_isalnum (t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-'
                       || (guchar) t[i - 1] >= 0x80))
        i--;
      if (i == e || start - i > 80)
        return FALSE;
      gsize we = e;
      while (we > i && t[we - 1] == '.')
        we--;
      if (nk_word_equal (t + i, we - i, word, wl))
        return TRUE;
      guint lex = nk_quote_lexicon_lookup (f->lex, t + i, we - i);
      if (!g_ascii_isupper (t[i]) && !(lex & (NK_LEX_TITLE | NK_LEX_PNOUN)))
        return FALSE;
    }
  return FALSE;
}

/* Whether an appositive after a mention names @word: "Nauert, the chief spokeswoman," */
static gboolean
nk_appositive_names (const NkQuoteFinder *f,
                     guint32              end,
                     const char          *word,
                     gsize                wl)
{
  const char *t = f->in->text;
  gsize len = f->in->len, i = end;

  if (i + 1 >= len || t[i] != ',')
    return FALSE;
  for (i++; i < len && i < end + 120; )
    {
      guchar c = (guchar) t[i];
      if (c == ',' || c == '.' || c == ';' || c == '(' || c == '"' || c == '\n'
          || nk_punct3 (t, i, len) == NK_LDQUO || nk_punct3 (t, i, len) == NK_RDQUO)
        return FALSE;
      if (!g_ascii_isalpha (c))
        {
          i++;
          continue;
        }
      gsize s = i;
      while (i < len && (g_ascii_isalpha (t[i]) || t[i] == '-'))
        i++;
      if (nk_word_equal (t + s, i - s, word, wl))
        return TRUE;
    }
  return FALSE;
}

/* "the secretary said": the nearest earlier person whose role, title or appositive names
 * the head noun. */
static gint32
nk_role_match (const NkQuoteFinder *f,
               const NkTok         *head)
{
  const char *word = f->in->text + head->start;
  gsize wl = head->end - head->start;
  guint e = nk_quote_entity_after (f->in, head->start);

  for (guint k = e; k > 0 && k + 80 > e; k--)
    {
      const NkQuoteEntity *ent = nk_ent (f, (gint32) k - 1);
      if (ent->label != NK_QUOTE_LABEL_PERSON || ent->end > head->start)
        continue;
      if ((ent->role != NULL && nk_role_has_word (ent->role, word, wl))
          || nk_title_names (f, ent->start, word, wl) || nk_appositive_names (f, ent->end, word, wl))
        return (gint32) k - 1;
    }
  return -1;
}

/* The speaker of the latest quotation within the last few sentences, if any. */
static const NkQuoteInfo *
nk_recent_info (const NkQuoteFinder *f,
                guint                max_back)
{
  if (f->n_quotes == 0)
    return NULL;
  const NkQuoteInfo *info = &f->infos[f->n_quotes - 1];
  return info->s1 + max_back >= f->s0 ? info : NULL;
}

/* "the statement said", "the ministry said": the organisation speaking just before. */
static NkSpeaker
nk_anaphor_org (NkQuoteFinder *f,
                guint32        m_start,
                guint32        m_end)
{
  const NkQuoteInfo *info = nk_recent_info (f, 3);
  if (info != NULL && info->sp.kind == SP_ENTITY && info->sp.label != NK_QUOTE_LABEL_PERSON)
    return nk_sp_with_mention (info->sp, m_start, m_end);

  guint32 limit = f->sents[f->s0 >= 2 ? f->s0 - 2 : 0].start;
  guint e = nk_quote_entity_after (f->in, m_start);
  for (guint k = e; k > 0 && k + 100 > e; k--)
    {
      const NkQuoteEntity *ent = nk_ent (f, (gint32) k - 1);
      if (ent->start < limit)
        break;
      if (ent->end <= m_start && ent->label == NK_QUOTE_LABEL_ORG
          && !nk_quote_in_quote (f, ent->start))
        return nk_sp_with_mention (nk_quote_sp_entity (f, (gint32) k - 1), m_start, m_end);
    }
  return nk_sp_null (m_start, m_end);
}

/* A noun phrase a..z without a name at its head: a description of the speaker. */
static NkSpeaker
nk_np_analysis (NkQuoteFinder *f,
                gint           a,
                gint           z)
{
  while (a <= z && (nk_tok (f, a)->lex & (NK_LEX_CONJ | NK_LEX_SKIP))
         && !(nk_tok (f, a)->lex & NK_LEX_DET) && nk_tok (f, a)->ent < 0)
    a++;
  if (a > z)
    return nk_quote_sp_none ();

  gint head = z;
  for (gint j = a + 1; j <= z; j++)
    if ((nk_tok (f, j)->lex & NK_LEX_PREP) && nk_tok (f, j)->ent < 0)
      {
        head = j - 1;
        break;
      }

  NkTok *ht = nk_tok (f, head);
  NkTok *first = nk_tok (f, a);
  guint32 m_start = first->start, m_end = nk_tok (f, z)->end;
  gboolean indefinite = (first->lex & NK_LEX_DET_IND) && !(first->lex & NK_LEX_DET_DEF);
  gint mod = -1;
  for (gint j = a; j <= head; j++)
    {
      NkTok *t = nk_tok (f, j);
      if (t->ent >= 0 && j != head
          && (nk_label_speaks (nk_ent (f, t->ent)->label)
              || nk_ent (f, t->ent)->label == NK_QUOTE_LABEL_NORP))
        mod = j;
    }

  if (nk_quote_tok_speaker_ent (f, ht))
    return nk_sp_with_mention (nk_quote_sp_entity (f, ht->ent), nk_ent (f, ht->ent)->start,
                                                   nk_ent (f, ht->ent)->end);

  if (ht->lex & NK_LEX_INOUN)
    {
      /* "the statement from Pyongyang", "the ministry of X": the complement speaks */
      for (gint j = head + 1; mod < 0 && j <= z; j++)
        if (nk_tok (f, j)->ent >= 0 && (nk_label_speaks (nk_ent (f, nk_tok (f, j)->ent)->label)
                                        || nk_ent (f, nk_tok (f, j)->ent)->label == NK_QUOTE_LABEL_NORP))
          mod = j;
      if (mod >= 0)
        {
          const NkQuoteEntity *ent = nk_ent (f, nk_tok (f, mod)->ent);
          if (ent->label != NK_QUOTE_LABEL_NORP)
            return nk_sp_with_mention (nk_quote_sp_entity (f, nk_tok (f, mod)->ent), m_start, m_end);
          char key[NK_QUOTE_MAX_WORD];
          gsize l = MIN (ent->end - ent->start, sizeof key - 1);
          for (gsize c = 0; c < l; c++)
            key[c] = g_ascii_tolower (f->in->text[ent->start + c]);
          key[l] = '\0';
          const char *country = nk_quote_lexicon_demonym (f->lex, key);
          if (country == NULL)
            return nk_sp_null (m_start, m_end);
          NkSpeaker sp = nk_sp_null (m_start, m_end);
          sp.kind = SP_STRING;
          sp.str = country;
          sp.len = strlen (country);
          sp.label = NK_QUOTE_LABEL_GPE;
          return sp;
        }
      if (indefinite)
        return nk_sp_null (m_start, m_end);
      return nk_anaphor_org (f, m_start, m_end);
    }

  if (ht->lex & NK_LEX_PNOUN)
    {
      gboolean possessed = mod >= 0 && nk_tok (f, mod)->poss;
      gboolean definite = (first->lex & NK_LEX_DET_DEF) || possessed;
      if (indefinite || !definite)
        return nk_sp_null (m_start, m_end);
      gint32 e = nk_role_match (f, ht);
      if (e >= 0)
        return nk_sp_with_mention (nk_quote_sp_entity (f, e), m_start, m_end);
      /* "the envoy said" right after the envoy's own quotation (the title need not be
       * the same word); further away a description is an unnamed source */
      const NkQuoteInfo *info = nk_recent_info (f, 2);
      if (!possessed && (first->lex & NK_LEX_DET_DEF) && info != NULL
          && ((info->sp.kind == SP_ENTITY && info->sp.label == NK_QUOTE_LABEL_PERSON)
              || info->sp.kind == SP_TEXT))
        return nk_sp_with_mention (info->sp, m_start, m_end);
      return nk_sp_null (m_start, m_end);
    }

  if ((ht->lex & NK_LEX_NCUE) && mod >= 0 && nk_tok (f, mod)->poss
      && nk_label_speaks (nk_ent (f, nk_tok (f, mod)->ent)->label))
    return nk_sp_with_mention (nk_quote_sp_entity (f, nk_tok (f, mod)->ent), m_start, m_end);
  return nk_quote_sp_none ();
}

static gboolean
nk_cap_name_word (const NkTok *t)
{
  return t->kind == TK_WORD && !t->in_quote && t->cap && t->lex == 0 && t->ent < 0;
}

/* A run of capitalised, unknown words the entity layer did not tag ("Jane Roe said"). */
static NkSpeaker
nk_cap_run (NkQuoteFinder *f,
            gint           a,
            gint           z,
            gboolean       at_sentence_start)
{
  if (a > z || (at_sentence_start && z == a))
    return nk_quote_sp_none ();
  NkSpeaker sp = nk_quote_sp_none ();
  sp.kind = SP_TEXT;
  sp.label = NK_QUOTE_LABEL_PERSON;
  sp.has_mention = TRUE;
  sp.m_start = nk_tok (f, a)->start;
  sp.m_end = nk_tok (f, z)->end;
  if (nk_tok (f, z)->poss)
    return nk_quote_sp_none ();
  sp.str = f->in->text + sp.m_start;
  sp.len = sp.m_end - sp.m_start;
  return sp;
}

static NkSpeaker
nk_cap_run_left (NkQuoteFinder *f,
                 gint           z)
{
  gint a = z;
  while (a >= 0 && z - a < 4 && nk_cap_name_word (nk_tok (f, a)))
    a--;
  return nk_cap_run (f, a + 1, z, a < 0 && f->at_start);
}

static NkSpeaker
nk_cap_run_right (NkQuoteFinder *f,
                  gint           a)
{
  gint z = a, n = nk_n_toks (f);
  while (z < n && z - a < 4 && nk_cap_name_word (nk_tok (f, z)))
    z++;
  return nk_cap_run (f, a, z - 1, FALSE);
}

static gboolean
nk_is_comma_free_word (const NkTok *t)
{
  return (t->kind == TK_WORD || t->kind == TK_PUNCT) && !t->in_quote;
}

/* Walks comma-separated segments leftwards from the comma @c just before a verb:
 * "X, the director of Y, who …, said" -> X; "its minister, Ri, said" -> Ri. */
static NkSpeaker
nk_segment_walk (NkQuoteFinder *f,
                 gint           c)
{
  gint best_a = -1, best_z = -1;
  gint end = c;

  for (guint seg = 0; seg < 6; seg++)
    {
      gint b = end - 1;
      while (b >= 0 && nk_is_comma_free_word (nk_tok (f, b)))
        b--;
      gint a = b + 1, z = end - 1;
      if (a > z)
        break;
      gint first = a;
      while (first <= z && nk_tok (f, first)->ent < 0
             && (nk_tok (f, first)->lex & (NK_LEX_CONJ | NK_LEX_TITLE)))
        first++;
      if (first > z)
        break;
      NkTok *ft = nk_tok (f, first);
      gboolean place_pair = b > 0 && nk_tok (f, b - 1)->ent >= 0 && ft->ent >= 0
                            && nk_ent (f, ft->ent)->label == NK_QUOTE_LABEL_GPE
                            && (nk_ent (f, nk_tok (f, b - 1)->ent)->label == NK_QUOTE_LABEL_GPE
                                || nk_ent (f, nk_tok (f, b - 1)->ent)->label == NK_QUOTE_LABEL_LOC);
      gint run = 0;
      while (first + run <= z && nk_cap_name_word (nk_tok (f, first + run)))
        run++;
      if (run >= 2 && first + run - 1 == z && run <= 4)
        return nk_cap_run (f, first, z, FALSE);  /* "its minister, Jane Roe, said" */
      if (place_pair)
        ;  /* "in Munich, Germany,": part of a description, keep walking */
      else if (nk_quote_tok_speaker_ent (f, ft))
        return nk_quote_sp_entity (f, ft->ent);
      else if (ft->lex & (NK_LEX_PRON_M | NK_LEX_PRON_F | NK_LEX_PRON_N))
        return nk_resolve_pronoun (f, first);
      else if (ft->lex & NK_LEX_REL)
        ;  /* a relative clause: keep walking */
      else if ((ft->lex & (NK_LEX_PREP | NK_LEX_SUB)) || nk_is_ing_word (f, ft))
        {
          /* An introductory phrase ends the walk; an interjected one ("Kim, in a speech
           * on Monday, said") is skipped. */
          if (b < 0 || nk_tok (f, b)->kind != TK_COMMA)
            break;
        }
      else
        best_a = a, best_z = z;
      if (b < 0 || nk_tok (f, b)->kind != TK_COMMA)
        break;
      end = b;
    }
  if (best_a >= 0)
    return nk_np_analysis (f, best_a, best_z);
  return nk_quote_sp_none ();
}

/* Skips adverbs, auxiliaries and dates between a subject and its verb. */
static gint
nk_skip_back (NkQuoteFinder *f,
              gint           i)
{
  while (i >= 0)
    {
      NkTok *t = nk_tok (f, i);
      if (t->kind == TK_PUNCT && !t->in_quote)
        i--;
      else if (t->kind == TK_PAREN && !t->in_quote && t->end > t->start
               && f->in->text[t->start] == ')')
        {
          /* "Sen. Lindsey Graham (R-S.C.) said": skip the parenthesis */
          gint j = i - 1;
          while (j >= 0 && i - j < 12 && !(nk_tok (f, j)->kind == TK_PAREN
                                            && f->in->text[nk_tok (f, j)->start] == '('))
            j--;
          if (j < 0 || i - j >= 12)
            break;
          i = j - 1;
        }
      else if (nk_is_word (t) && (t->lex & NK_LEX_SKIP) && t->ent < 0)
        i--;
      else if (nk_is_word (t) && t->ent >= 0 && nk_ent (f, t->ent)->label == NK_QUOTE_LABEL_DATE)
        {
          i--;
          if (i >= 0 && (nk_tok (f, i)->lex & NK_LEX_PREP) && nk_tok (f, i)->ent < 0)
            i--;
        }
      else
        break;
    }
  return i;
}

/* The speaker named after a verb or phrase: "said Mr. Pompeo", "according to X". */
NkSpeaker
nk_quote_post_np (NkQuoteFinder *f,
                  gint           k)
{
  gint n = nk_n_toks (f);
  if (k >= n || !nk_is_word (nk_tok (f, k)))
    return nk_quote_sp_none ();

  gint z = k;
  while (z + 1 < n && nk_is_word (nk_tok (f, z + 1)) && z - k < 8
         && !(nk_tok (f, z + 1)->lex & (NK_LEX_CUE | NK_LEX_SUB | NK_LEX_REL | NK_LEX_COMP)))
    z++;
  gint first = k;
  while (first <= z && nk_tok (f, first)->ent < 0
         && (nk_tok (f, first)->lex & (NK_LEX_TITLE | NK_LEX_DET_DEF)))
    first++;
  if (first <= z && nk_quote_tok_speaker_ent (f, nk_tok (f, first)))
    return nk_quote_sp_entity (f, nk_tok (f, first)->ent);
  if (first <= z && nk_tok (f, first)->ent >= 0 && nk_tok (f, first)->poss == 0)
    {
      /* a multi-token name: its last token may carry the possessive */
      gint32 e = nk_tok (f, first)->ent;
      gint last = first;
      while (last + 1 <= z && nk_tok (f, last + 1)->ent == e)
        last++;
      if (nk_quote_tok_speaker_ent (f, nk_tok (f, last)))
        return nk_quote_sp_entity (f, e);
    }
  if (nk_tok (f, k)->lex & (NK_LEX_PRON_M | NK_LEX_PRON_F | NK_LEX_PRON_N))
    return nk_resolve_pronoun (f, k);

  NkSpeaker sp = nk_np_analysis (f, k, z);
  if (sp.kind != SP_ENTITY && sp.kind != SP_STRING && z + 2 < n
      && nk_tok (f, z + 1)->kind == TK_COMMA && nk_quote_tok_speaker_ent (f, nk_tok (f, z + 2))
      && nk_ent (f, nk_tok (f, z + 2)->ent)->label == NK_QUOTE_LABEL_PERSON)
    return nk_quote_sp_entity (f, nk_tok (f, z + 2)->ent);  /* "said its minister, Ri Yong-ho" */
  if (sp.kind == SP_UNRESOLVED)
    sp = nk_cap_run_right (f, k);
  return sp;
}

/* Start of the comma-free stretch of words ending at @i. */
static gint
nk_stretch_start (NkQuoteFinder *f,
                  gint           i)
{
  gint j = i;
  while (j - 1 >= 0 && i - (j - 1) < 8)
    {
      NkTok *t = nk_tok (f, j - 1);
      if (!nk_is_word (t) || (t->lex & (NK_LEX_REL | NK_LEX_COMP | NK_LEX_CUE)))
        break;
      j--;
    }
  return j;
}

/* The subject ending at token @i, just left of a reporting verb. */
NkSpeaker
nk_quote_left_subject (NkQuoteFinder *f,
                       gint           i,
                       guint          depth)
{
  if (i < 0 || depth > 4)
    return nk_quote_sp_none ();
  NkTok *t = nk_tok (f, i);
  if (t->in_quote)
    return nk_quote_sp_none ();
  if (t->kind == TK_COMMA)
    return nk_segment_walk (f, i);
  if (t->kind != TK_WORD)
    return nk_quote_sp_none ();

  if (nk_quote_tok_speaker_ent (f, t))
    {
      gint first = i;
      while (first - 1 >= 0 && nk_tok (f, first - 1)->ent == t->ent)
        first--;
      /* "an official who accompanied Pompeo said": Pompeo is in a relative clause */
      for (gint j = first - 1; j >= 0 && j >= first - 10; j--)
        {
          NkTok *u = nk_tok (f, j);
          if (!nk_is_word (u) || (u->lex & NK_LEX_CUE))
            break;
          if (u->lex & (NK_LEX_REL | NK_LEX_COMP))
            return nk_quote_left_subject (f, j - 1, depth + 1);
        }
      /* "a spokesman for the ministry said": the name is a complement */
      gint before = first - 1;
      while (before >= 0 && nk_is_word (nk_tok (f, before)) && nk_tok (f, before)->ent < 0
             && (nk_tok (f, before)->lex & NK_LEX_DET) && !(nk_tok (f, before)->lex & NK_LEX_PREP))
        before--;
      if (before >= 0 && nk_is_word (nk_tok (f, before))
          && (nk_tok (f, before)->lex & NK_LEX_PREP) && nk_tok (f, before)->ent < 0)
        {
          /* the head before the preposition speaks; a head the rules do not know
           * ("people close to Kim") names nobody */
          gint a = nk_stretch_start (f, i);
          NkSpeaker sp = nk_np_analysis (f, a, i);
          if (sp.kind == SP_UNRESOLVED)
            sp = nk_sp_null (nk_tok (f, a)->start, nk_tok (f, i)->end);
          return sp;
        }
      return nk_quote_sp_entity (f, t->ent);
    }
  if (t->lex & NK_LEX_PRON)
    return nk_resolve_pronoun (f, i);

  gint b = nk_stretch_start (f, i);
  NkSpeaker sp = nk_np_analysis (f, b, i);
  if (sp.kind == SP_UNRESOLVED && b - 1 >= 0 && nk_tok (f, b - 1)->kind == TK_COMMA)
    sp = nk_segment_walk (f, b - 1);
  if (sp.kind == SP_UNRESOLVED)
    sp = nk_cap_run_left (f, i);
  return sp;
}

/* The subject of the sentence's main clause, for participles and coordinated verbs. */
static NkSpeaker
nk_sentence_subject (NkQuoteFinder *f,
                     gint           k)
{
  if (!f->at_start)
    return nk_quote_sp_none ();
  gboolean seg_first = TRUE, intro = FALSE;
  for (gint j = 0; j < k; j++)
    {
      NkTok *t = nk_tok (f, j);
      if (t->kind == TK_COMMA)
        {
          seg_first = TRUE;
          intro = FALSE;
          continue;
        }
      if (!nk_is_word (t))
        continue;
      if (seg_first)
        {
          seg_first = FALSE;
          if (t->lex & NK_LEX_CONJ)
            {
              seg_first = TRUE;
              continue;
            }
          if ((t->lex & (NK_LEX_PREP | NK_LEX_SUB)) || nk_is_ing_word (f, t))
            intro = TRUE;
          /* a name the entity layer missed, right after a quotation: "…,” Benioff said */
          if (!intro && nk_cap_name_word (t) && j > 0 && nk_tok (f, j - 1)->kind != TK_WORD)
            {
              NkSpeaker sp = nk_cap_run_right (f, j);
              if (sp.kind == SP_TEXT)
                return sp;
            }
        }
      if (intro)
        continue;
      gboolean after_prep = j > 0 && (nk_tok (f, j - 1)->lex & NK_LEX_PREP)
                            && nk_tok (f, j - 1)->ent < 0;
      if (nk_quote_tok_speaker_ent (f, t) && !after_prep)
        return nk_quote_sp_entity (f, t->ent);
      if (t->lex & (NK_LEX_PRON_M | NK_LEX_PRON_F | NK_LEX_PRON_N))
        return nk_resolve_pronoun (f, j);
    }
  return nk_quote_sp_none ();
}

static gint
nk_earlier_cue (NkQuoteFinder *f,
                gint           k)
{
  for (gint j = k - 1; j >= 0; j--)
    {
      NkTok *t = nk_tok (f, j);
      if (nk_is_word (t) && (t->lex & (NK_LEX_VERB | NK_LEX_PART | NK_LEX_QVERB)))
        return j;
    }
  return -1;
}

NkSpeaker
nk_quote_resolve_cue (NkQuoteFinder *f,
                      gint           k,
                      guint          depth)
{
  NkTok *cue = nk_tok (f, k);
  if (depth > 4)
    return nk_quote_sp_none ();
  if ((cue->lex & NK_LEX_PHRASE) && cue->phrase_len > 0)
    return nk_quote_post_np (f, k + cue->phrase_len);

  gint i = nk_skip_back (f, k - 1);
  NkTok *prev = i >= 0 ? nk_tok (f, i) : NULL;

  /* "Xinhua quoted Kim as saying": the quoted person speaks; in the passive ("Kim was
   * quoted by Xinhua as saying") the subject does. */
  gboolean passive = k + 1 < nk_n_toks (f) && (nk_tok (f, k + 1)->lex & NK_LEX_PREP);
  if ((cue->lex & NK_LEX_QVERB) && !passive)
    {
      NkSpeaker sp = nk_quote_post_np (f, k + 1);
      if (sp.kind != SP_UNRESOLVED)
        return sp;
    }

  gboolean participle = (cue->lex & NK_LEX_PART) && !(cue->lex & NK_LEX_VERB);
  gboolean coordinated = prev != NULL && nk_is_word (prev) && (prev->lex & NK_LEX_CONJ);
  /* "went on to say", "declined to say": the clause's subject */
  if (prev != NULL && nk_is_word (prev) && nk_word_equal (f->in->text + prev->start,
                                                          prev->end - prev->start, "to", 2))
    participle = TRUE;
  if (participle || coordinated)
    {
      if (participle && prev != NULL && nk_quote_tok_speaker_ent (f, prev))
        return nk_quote_left_subject (f, i, depth + 1);  /* "with Moon announcing that …" */
      if (participle && prev != NULL && nk_is_word (prev) && (prev->lex & NK_LEX_PRON))
        return nk_resolve_pronoun (f, i);
      gint j = nk_earlier_cue (f, k);
      if (j >= 0)
        return nk_quote_resolve_cue (f, j, depth + 1);
      return nk_sentence_subject (f, k);
    }

  /* Inverted order right after a closing mark: "…,” said Mr. Pompeo." */
  gint ii = k - 1;
  while (ii >= 0 && (nk_tok (f, ii)->kind == TK_COMMA || nk_tok (f, ii)->kind == TK_DASH))
    ii--;
  if (ii >= 0 && (nk_tok (f, ii)->kind == TK_SELF || nk_tok (f, ii)->kind == TK_QMARK))
    {
      NkSpeaker sp = nk_quote_post_np (f, k + 1);
      if (sp.kind != SP_UNRESOLVED)
        return sp;
    }
  return nk_quote_left_subject (f, i, depth);
}
