/* nk-entity-tagger.c — tagging one text: gazetteer matches, orthographic and contextual
 * rules, then canonical names within the document.
 *
 * Three passes over the document's pieces, all linear:
 *  1. trie: at each word piece, the longest gazetteer/title key whose case fits;
 *  2. rules, left to right per sentence: dates, titles before names, gazetteer mentions
 *     with their context (a capital as its government, "at the White House" as a place),
 *     capitalised sequences (organisation head words, given names, "X said");
 *  3. canonical names: gazetteer names first, else the fullest form in the document; a
 *     family name alone goes to the most recently named person who has it.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include "nk-entity-private.h"

#include <string.h>

enum { CANON_NONE, CANON_STATIC, CANON_TEXT, CANON_ARENA };

typedef struct {
  guint32 first;   /* piece indices, inclusive */
  guint32 last;
  gint32  record;
} NkMatch;

typedef struct {
  guint32 first;   /* piece range [first, end) */
  guint32 end;
} NkSentence;

/* One person named in full in the document. */
typedef struct {
  guint32 surname;        /* piece holding the family name (any mention of the person) */
  guint32 given;          /* piece holding the first given name, or G_MAXUINT */
  gint32  entry;          /* gazetteer entry, or -1 */
  guint32 canon_off;      /* unknown person: fullest form, in the arena */
  guint32 canon_len;
  guint32 last_piece;     /* most recent mention seen so far (resolution pass) */
  guint32 first_piece;
  guint32 last_end;       /* last piece of that mention */
  guint32 last_sentence;
  gboolean weak;          /* only capitalised-pair mentions so far */
  gboolean backed;        /* a lone family name referred to it */
  gint     next;          /* next person whose family name hashes alike, or -1 */
} NkPerson;

/* A slot of the open-addressing table of family names (first < 0: empty). */
typedef struct {
  guint32 hash;
  gint32  first;
} NkSurnameSlot;

struct _NkEntityTagger {
  const NkEntityGazetteer *gz;
  const char *text;
  gsize       len;
  const char *doc_date;
  gboolean    has_korea;
  guint       last_place;  /* last piece of the latest mention read as a place */
  gboolean    titled;      /* the mention being made follows a title */
  GArray     *pieces;     /* NkEntityPiece */
  GArray     *sents;      /* NkSentence */
  GArray     *match_at;   /* gint32 per piece: index into matches starting there, where
                           * the piece has PAD_MATCH */
  GArray     *matches;    /* NkMatch */
  GArray     *mentions;   /* NkEntityMention */
  GArray     *persons;    /* NkPerson */
  GArray     *by_surname; /* NkSurnameSlot: family name piece hash -> first person */
  guint       surname_mask;
  GArray     *tentative;  /* gboolean per mention: FIRM, TENTATIVE or WEAK */
  GString    *arena;
  NkEntityPiece        *piece_data;   /* pieces->data, fixed once reserved for a run */
  gint32               *match_data;   /* match_at->data, likewise */
  const NkEntityRecord *records;      /* the frozen gazetteer's arrays */
  const NkEntityEntry  *entries;
  /* elements allocated in sents, matches, mentions and tentative (see reserve ()) */
  guint       cap_sents;
  guint       cap_matches;
  guint       cap_mentions;
};

/* Makes room for @n elements of @a (emptied), so that PUSH appends with a store. */
static guint
reserve (GArray *a, guint n)
{
  g_array_set_size (a, n);
  g_array_set_size (a, 0);
  return n;
}

/* Appends @v (an lvalue of type T) to @a, of which @cap elements are allocated. */
#define PUSH(a, cap, T, v)                                                 \
  G_STMT_START {                                                           \
    if (G_LIKELY ((a)->len < (cap)))                                       \
      ((T *) (gpointer) (a)->data)[(a)->len++] = (v);                      \
    else                                                                   \
      g_array_append_vals ((a), &(v), 1);                                  \
  } G_STMT_END

/* through pointers the tagger keeps (one load where g_array_index takes two) */
#define PIECE(t, k) (&(t)->piece_data[(k)])
#define RECORD(t, r) (&(t)->records[(r)])
#define ENTRY(t, e) (&(t)->entries[(e)])

NkEntityTagger *
nk_entity_tagger_new (const NkEntityGazetteer *gz)
{
  g_return_val_if_fail (gz != NULL && gz->frozen, NULL);
  NkEntityTagger *t = g_new0 (NkEntityTagger, 1);
  t->gz = gz;
  t->pieces = g_array_sized_new (FALSE, FALSE, sizeof (NkEntityPiece), 4096);
  t->sents = g_array_new (FALSE, FALSE, sizeof (NkSentence));
  t->match_at = g_array_sized_new (FALSE, FALSE, sizeof (gint32), 4096);
  t->matches = g_array_new (FALSE, FALSE, sizeof (NkMatch));
  t->mentions = g_array_new (FALSE, FALSE, sizeof (NkEntityMention));
  t->persons = g_array_new (FALSE, FALSE, sizeof (NkPerson));
  t->by_surname = g_array_new (FALSE, FALSE, sizeof (NkSurnameSlot));
  t->tentative = g_array_new (FALSE, FALSE, sizeof (gboolean));
  t->arena = g_string_sized_new (1024);
  t->records = (const NkEntityRecord *) (gpointer) gz->records->data;
  t->entries = (const NkEntityEntry *) (gpointer) gz->entries->data;
  return t;
}

void
nk_entity_tagger_free (NkEntityTagger *t)
{
  if (!t)
    return;
  g_array_unref (t->pieces);
  g_array_unref (t->sents);
  g_array_unref (t->match_at);
  g_array_unref (t->matches);
  g_array_unref (t->mentions);
  g_array_unref (t->persons);
  g_array_unref (t->by_surname);
  g_array_unref (t->tentative);
  g_string_free (t->arena, TRUE);
  g_free (t);
}

/* ---- small predicates ------------------------------------------------------------------- */

static guint32
wflags (const NkEntityTagger *t, guint k)
{
  return nk_entity_word_flags (t->gz, PIECE (t, k)->id);
}

static gboolean
is_common (const NkEntityTagger *t, guint k)
{
  return nk_entity_is_common (t->gz, t->text, PIECE (t, k));
}

static gboolean
is_word (const NkEntityTagger *t, guint k)
{
  return (PIECE (t, k)->shape & NK_PIECE_WORD) != 0;
}

static gboolean
is_cap (const NkEntityTagger *t, guint k)
{
  const NkEntityPiece *p = PIECE (t, k);
  return (p->shape & NK_PIECE_WORD) && (p->shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS)) &&
         !(p->shape & NK_PIECE_DIGITS);
}

static gboolean
glued (const NkEntityTagger *t, guint k)
{
  return !(PIECE (t, k)->shape & NK_PIECE_SPACE_BEFORE);
}

static gboolean
piece_is (const NkEntityTagger *t, guint k, guint32 id)
{
  return PIECE (t, k)->id == id && id != NK_ENTITY_NO_ID;
}

/* Do pieces @a and @b spell the same word, ignoring case? */
static gboolean
same_word (const NkEntityTagger *t, guint a, guint b)
{
  if (a == G_MAXUINT || b == G_MAXUINT)
    return a == b;
  const NkEntityPiece *pa = PIECE (t, a), *pb = PIECE (t, b);
  return pa->hash == pb->hash && pa->end - pa->start == pb->end - pb->start &&
         g_ascii_strncasecmp (t->text + pa->start, t->text + pb->start,
                              pa->end - pa->start) == 0;
}

/* In NkEntityPiece.pad (whose bit 0 the scanner leaves 0, next to the NK_START_* bits): a
 * match starts at the piece, and match_data holds its index (so that match_data needs no
 * clearing per document). */
#define PAD_MATCH 1
G_STATIC_ASSERT ((PAD_MATCH & (NK_START_ROOT | NK_START_ROOT_LOWER | NK_START_RULE)) == 0);

static gint32
match_starting (const NkEntityTagger *t, guint k)
{
  return (PIECE (t, k)->pad & PAD_MATCH) ? t->match_data[k] : -1;
}

/* ---- pass 1: pieces and trie matches ------------------------------------------------- */

/* Scans text[start, end) into the pieces from t->pieces->len on (room for end - start
 * of them is allocated). */
static void
scan_sentence (NkEntityTagger *t, guint32 start, guint32 end)
{
  NkSentence s = { t->pieces->len, 0 };
  s.end = s.first + nk_entity_scan_range (t->gz, t->text, start, end, t->len,
                                          PIECE (t, s.first));
  t->pieces->len = s.end;   /* within what reserve () allocated */
  for (guint k = s.first; k < s.end; k++)
    if (is_word (t, k))
      {
        PIECE (t, k)->shape |= NK_PIECE_SENT_INITIAL;
        break;
      }
  PUSH (t->sents, t->cap_sents, NkSentence, s);
}

/* Does the text's spelling of pieces [i, j] fit the record's? */
static gboolean
record_fits (const NkEntityTagger *t, const NkEntityRecord *rec, guint i, guint j)
{
  if (rec->exact)
    {
      const char *e = rec->exact;
      for (guint k = i; k <= j; k++)
        {
          const NkEntityPiece *p = PIECE (t, k);
          gsize n = p->end - p->start;
          if (strncmp (e, t->text + p->start, n) != 0)
            return FALSE;
          e += n;
        }
      return *e == '\0';
    }
  if (rec->kind == NK_RECORD_TITLE)
    return TRUE;   /* "National Security Adviser", "national security adviser" */
  for (guint k = i; k <= j && k - i < 32; k++)
    if ((rec->upper_mask & (1u << (k - i))) && (PIECE (t, k)->shape & NK_PIECE_LOWER))
      return FALSE;
  /* a key that begins with a capital needs a capital in the text (not "us", "moon") */
  if ((rec->upper_mask & 1) && !(PIECE (t, i)->shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS)))
    return FALSE;
  return TRUE;
}

/* Can a trie key begin at @p? Most words begin none, and most lower-case ones none that
 * fits them: the scanner copied what the word can begin into pad (word pieces only). */
static inline gboolean
trie_start (const NkEntityPiece *p)
{
  guint need = (p->shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS)) ? NK_START_ROOT
                                                              : NK_START_ROOT_LOWER;
  return (p->pad & need) != 0;
}

/* The shape and pad of a piece as one value (two adjacent fields: one load). */
static inline guint32
piece_bits (const NkEntityPiece *p)
{
  return (guint32) p->shape | ((guint32) p->pad << 16);
}

/* The first piece of [@i, @end) with one of @mask's bits (piece_bits ()), or @end: a loop
 * of its own keeps the few values it needs in registers. */
static inline guint
next_with (const NkEntityPiece *pieces, guint i, guint end, guint32 mask)
{
  const NkEntityPiece *p = pieces + i, *e = pieces + end;
  while (p < e && !(piece_bits (p) & mask))
    p++;
  return (guint) (p - pieces);
}

/* The first piece from @i on where a trie key may begin, or @end: first to a word the
 * root has a child for, then the test of its case. */
static inline guint
next_trie_start (const NkEntityPiece *pieces, guint i, guint end)
{
  const guint32 root = (guint32) (NK_START_ROOT | NK_START_ROOT_LOWER) << 16;
  for (i = next_with (pieces, i, end, root); i < end && !trie_start (&pieces[i]);
       i = next_with (pieces, i + 1, end, root))
    ;
  return i;
}

static void
trie_pass (NkEntityTagger *t, const NkSentence *s)
{
  const NkEntityGazetteer *gz = t->gz;
  /* the arrays in locals: the stores below would make the compiler load them again */
  const NkEntityPiece *pieces = PIECE (t, 0);
  const gint32 *root = (const gint32 *) (gpointer) gz->root_child->data;
  const guint8 *leaf = gz->node_leaf;
  const gint32 *node_first = (const gint32 *) (gpointer) gz->node_first->data;
  const NkEntityRecord *records = t->records;
  const guint end = s->end;
  for (guint i = next_trie_start (pieces, s->first, end); i < end;
       i = next_trie_start (pieces, i, end))
    {
      gint32 node = root[pieces[i].id], best_rec = -1;
      guint best_end = i;
      for (guint j = i; node >= 0;)
        {
          for (gint32 r = node_first[node]; r >= 0; r = records[r].next)
            if (record_fits (t, &records[r], i, j))
              {
                best_rec = r;
                best_end = j;
                break;
              }
          if (++j >= end || leaf[node])
            break;
          node = nk_entity_trie_child (gz, node, PIECE (t, j)->id);
        }
      if (best_rec < 0)
        {
          i++;
          continue;
        }
      NkMatch m = { i, best_end, best_rec };
      t->match_data[i] = t->matches->len;
      t->piece_data[i].pad |= PAD_MATCH;
      PUSH (t->matches, t->cap_matches, NkMatch, m);
      i = best_end + 1;
    }
}

/* ---- pass 2: rules --------------------------------------------------------------------- */

static NkEntityMention *
emit (NkEntityTagger *t, guint first, guint last, NkEntityLabel label, const char *rule,
      guint sentence)
{
  NkEntityMention *m;
  if (G_LIKELY (t->mentions->len < t->cap_mentions))
    m = &g_array_index (t->mentions, NkEntityMention, t->mentions->len++);
  else
    {
      g_array_set_size (t->mentions, t->mentions->len + 1);
      m = &g_array_index (t->mentions, NkEntityMention, t->mentions->len - 1);
    }
  /* the fields a mention starts with (built in place: the struct is large) */
  m->start = PIECE (t, first)->start;
  m->end = PIECE (t, last)->end;
  m->label = label;
  m->rule = rule;
  m->role_start = m->role_end = 0;
  m->value[0] = '\0';
  m->canon_src = CANON_NONE;
  m->canon_off = m->canon_len = 0;
  m->canon_static = NULL;
  m->first_piece = first;
  m->last_piece = last;
  m->sentence = sentence;
  m->record = -1;
  m->person = -1;
  gboolean no = FALSE;
  PUSH (t->tentative, t->cap_mentions, gboolean, no);
  return m;
}

static void
set_canon_static (NkEntityMention *m, const char *canonical)
{
  m->canon_src = CANON_STATIC;
  m->canon_static = canonical;
}

static void
set_canon_text (NkEntityMention *m)
{
  m->canon_src = CANON_TEXT;
  m->canon_off = m->start;
  m->canon_len = m->end - m->start;
}

/* The previous word piece before @k in the sentence, skipping "the", or -1. */
static gint
prev_word (const NkEntityTagger *t, const NkSentence *s, guint k, gboolean skip_the)
{
  gint j = (gint) k - 1;
  if (skip_the && j >= (gint) s->first && piece_is (t, j, t->gz->id_the))
    j--;
  return j >= (gint) s->first && is_word (t, j) ? j : -1;
}

static gboolean
record_is_person (const NkEntityTagger *t, gint32 r)
{
  const NkEntityRecord *rec = RECORD (t, r);
  return rec->kind == NK_RECORD_SURNAME ||
         (rec->kind == NK_RECORD_ENTRY && ENTRY (t, rec->entry)->label == NK_ENTITY_PERSON);
}

static gboolean
record_is_place (const NkEntityTagger *t, gint32 r)
{
  const NkEntityRecord *rec = RECORD (t, r);
  if (rec->kind != NK_RECORD_ENTRY)
    return FALSE;
  NkEntityLabel l = ENTRY (t, rec->entry)->label;
  return l == NK_ENTITY_GPE || l == NK_ENTITY_LOC || l == NK_ENTITY_NORP;
}

/* "in Pyongyang", "at the White House", "#Pyongyang", "Washington-based", datelines. */
static gboolean
locative_context (const NkEntityTagger *t, const NkSentence *s, guint first, guint last,
                  gboolean facility)
{
  if (first > s->first && piece_is (t, first - 1, t->gz->id_hash))
    return TRUE;
  gint p = prev_word (t, s, first, TRUE);
  /* "arrived from Seoul", "phoning in from London"; a bare "from Pyongyang" (an envoy
   * from Pyongyang) stays the government */
  if (p >= 0 && piece_is (t, p, t->gz->id_from))
    {
      gint q = prev_word (t, s, p, FALSE);
      return q >= 0 && (wflags (t, q) & NK_WORD_LOCATIVE);
    }
  /* "the Beijing Olympics", "a Seoul court": a place name modifying a name or noun */
  if (!facility && last + 1 < s->end && is_cap (t, last + 1) && !glued (t, last + 1) &&
      !(wflags (t, last + 1) & (NK_WORD_STOP | NK_WORD_SAID | NK_WORD_MONTH | NK_WORD_WEEKDAY)) &&
      !(PIECE (t, last + 1)->shape & NK_PIECE_ALLCAPS))
    {
      gint32 mi = match_starting (t, last + 1);
      if (mi < 0 || !record_is_person (t, g_array_index (t->matches, NkMatch, mi).record))
        return TRUE;
    }
  if (p >= 0 && (wflags (t, p) & NK_WORD_LOCATIVE))
    {
      /* "according to the White House", "a letter to the White House" */
      if (piece_is (t, p, t->gz->id_to) &&
          (facility || (p > (gint) s->first && piece_is (t, p - 1, t->gz->id_according))))
        return FALSE;
      return TRUE;
    }
  if (last + 2 < s->end && piece_is (t, last + 1, t->gz->id_dash) &&
      (piece_is (t, last + 2, t->gz->id_based) ||
       piece_is (t, last + 2, t->gz->id_headquartered)))
    return TRUE;
  /* "to Seoul and Beijing": a place coordinated with a place */
  if (t->last_place != G_MAXUINT && first >= 2 && t->last_place + 2 == first &&
      (piece_is (t, first - 1, t->gz->id_and) || piece_is (t, first - 1, t->gz->id_comma) ||
       piece_is (t, first - 1, t->gz->id_or)))
    return TRUE;
  /* dateline: "SEOUL —", or "Seoul, South Korea" */
  if ((PIECE (t, first)->shape & NK_PIECE_SENT_INITIAL) &&
      (PIECE (t, first)->shape & NK_PIECE_ALLCAPS))
    return TRUE;
  if (last + 2 < s->end && piece_is (t, last + 1, t->gz->id_comma))
    {
      gint32 mi = match_starting (t, last + 2);
      if (mi >= 0)
        {
          const NkMatch *m = &g_array_index (t->matches, NkMatch, mi);
          const NkEntityRecord *r = RECORD (t, m->record);
          if (r->kind == NK_RECORD_ENTRY && ENTRY (t, r->entry)->label == NK_ENTITY_GPE &&
              ENTRY (t, r->entry)->gov == NULL)
            return TRUE;
        }
    }
  return FALSE;
}

/* Extends a run of name-like pieces from @k: capitalised words, glued hyphen parts
 * ("Jong-un"), initials ("H."), glued apostrophes ("O'Brien"). Stops at claimed pieces.
 * With @connectors, lower-case of/for/the/and between capitals are allowed too. Returns
 * one past the last piece; *@n_words counts the words. */
static guint
name_run (const NkEntityTagger *t, const NkSentence *s, guint k, gboolean connectors,
          guint *n_words, gboolean *has_connector)
{
  guint j = k, words = 0;
  gboolean of_for = FALSE;
  gboolean headline = (PIECE (t, k)->shape & NK_PIECE_ALLCAPS) != 0;
  *has_connector = FALSE;
  while (j < s->end)
    {
      gint32 mi = j > k ? match_starting (t, j) : -1;
      if (mi >= 0)
        {
          /* "Jung H. Pak", "Eric Trump": a known family name ends a name begun here */
          const NkMatch *m = &g_array_index (t->matches, NkMatch, mi);
          if (words > 0 && m->first == m->last && record_is_person (t, m->record))
            {
              words++;
              j++;
              break;
            }
          /* "Center for Korean Security Studies", "Asia Policy Institute": in an
           * organisation name, places and nationalities are words like others */
          if (connectors && record_is_place (t, m->record))
            {
              words++;
              j = m->last + 1;
              continue;
            }
          break;
        }
      /* a person's name does not go on into an acronym ("Tim Cook CEO") */
      if (!connectors && words > 0 && !headline && (PIECE (t, j)->shape & NK_PIECE_ALLCAPS))
        break;
      if (is_cap (t, j) && !(wflags (t, j) & (NK_WORD_MONTH | NK_WORD_WEEKDAY)))
        {
          words++;
          j++;
          /* initial: "H." */
          if (j < s->end && piece_is (t, j, t->gz->id_dot) && glued (t, j) &&
              PIECE (t, j - 1)->end - PIECE (t, j - 1)->start == 1)
            j++;
          continue;
        }
      /* "Jong-un" goes on; "Delhi-based" does not */
      if (j > k && j + 1 < s->end && glued (t, j) && glued (t, j + 1) &&
          is_word (t, j + 1) && match_starting (t, j + 1) < 0 &&
          !((PIECE (t, j + 1)->shape & NK_PIECE_LOWER) && is_common (t, j + 1) &&
            PIECE (t, j + 1)->end - PIECE (t, j + 1)->start >= 3) &&
          (piece_is (t, j, t->gz->id_dash) ||
           (piece_is (t, j, t->gz->id_apos) && is_cap (t, j + 1))))
        {
          j += 2;
          continue;
        }
      /* "the" only after "of"/"for" ("Center for the National Interest"); never before
       * a function word ("Braun and The Carlyle Group") */
      /* "Center for the National Interest": "for" may go on to "the" + capital */
      if (connectors && j > k && j + 2 < s->end && piece_is (t, j + 1, t->gz->id_the) &&
          (wflags (t, j) & NK_WORD_CONNECTOR) && !piece_is (t, j, t->gz->id_and) &&
          (PIECE (t, j)->shape & NK_PIECE_LOWER) && (PIECE (t, j + 1)->shape & NK_PIECE_LOWER) &&
          is_cap (t, j + 2) && !(wflags (t, j + 2) & NK_WORD_STOP) &&
          match_starting (t, j + 2) < 0)
        {
          *has_connector = TRUE;
          of_for = TRUE;
          j += 2;
          continue;
        }
      if (connectors && j > k && (wflags (t, j) & NK_WORD_CONNECTOR) &&
          (PIECE (t, j)->shape & NK_PIECE_LOWER) && j + 1 < s->end && is_cap (t, j + 1) &&
          !(wflags (t, j + 1) & NK_WORD_STOP) &&
          (!piece_is (t, j, t->gz->id_the) || (wflags (t, j - 1) & NK_WORD_CONNECTOR)) &&
          /* "and" joins words of one name after "of"/"for" ("Center for Strategic and
           * International Studies"), not two names ("ITF and Kosmos") */
          (!piece_is (t, j, t->gz->id_and) || of_for) &&
          (match_starting (t, j + 1) < 0 ||
           record_is_place (t, g_array_index (t->matches, NkMatch,
                                              match_starting (t, j + 1)).record)))
        {
          *has_connector = TRUE;
          if (!piece_is (t, j, t->gz->id_and) && !piece_is (t, j, t->gz->id_the))
            of_for = TRUE;
          j++;
          continue;
        }
      break;
    }
  *n_words = words;
  return j;
}

static gboolean
run_has_org_head (const NkEntityTagger *t, guint from, guint to)
{
  for (guint k = from; k < to; k++)
    if (is_cap (t, k) && (wflags (t, k) & NK_WORD_ORG_HEAD))
      return TRUE;
  return FALSE;
}

/* The tentative flag of a mention: a lone word waiting for a person to refer to, or a
 * capitalised pair waiting for a later mention. */
enum { FIRM = 0, TENTATIVE = 1, WEAK = 2 };

/* "X, a professor at ...", "X, 45, ...", "X, who ..." */
static gboolean
appositive_after (const NkEntityTagger *t, const NkSentence *s, guint end)
{
  if (end + 1 >= s->end || !piece_is (t, end, t->gz->id_comma))
    return FALSE;
  const NkEntityPiece *p = PIECE (t, end + 1);
  if (p->shape & NK_PIECE_DIGITS)
    return TRUE;
  static const char *const words[] = { "a", "an", "the", "who", "whose", "head", "chief",
                                       "director", "president", "founder", "professor",
                                       "former", "senior", "spokesman", "spokeswoman" };
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (t->text + p->start, p->end - p->start, buf, sizeof buf);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (n == strlen (words[i]) && memcmp (buf, words[i], n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
said_after (const NkEntityTagger *t, const NkSentence *s, guint end)
{
  return end < s->end && (wflags (t, end) & NK_WORD_SAID) &&
         (PIECE (t, end)->shape & NK_PIECE_LOWER);
}

/* "..., said Narang" */
static gboolean
said_before (const NkEntityTagger *t, const NkSentence *s, guint first)
{
  gint p = prev_word (t, s, first, FALSE);
  return p >= 0 && p + 1 == (gint) first && (wflags (t, p) & NK_WORD_SAID) &&
         (PIECE (t, p)->shape & NK_PIECE_LOWER);
}

static gboolean
according_before (const NkEntityTagger *t, const NkSentence *s, guint first)
{
  gint p = prev_word (t, s, first, FALSE);
  return p >= 0 && p - 1 >= (gint) s->first &&
         piece_is (t, p - 1, t->gz->id_according);
}

/* A person from a name run [first, end): one word is tentative unless @sure. */
static guint
emit_person_run (NkEntityTagger *t, guint si, guint first, guint end, guint n_words,
                 const char *rule, gboolean sure, guint role_first, guint role_last)
{
  NkEntityMention *m = emit (t, first, end - 1, NK_ENTITY_PERSON, rule, si);
  set_canon_text (m);
  if (role_last >= role_first && role_last != G_MAXUINT)
    {
      m->role_start = PIECE (t, role_first)->start;
      m->role_end = PIECE (t, role_last)->end;
    }
  if (n_words < 2 && !sure)
    g_array_index (t->tentative, gboolean, t->mentions->len - 1) = TENTATIVE;
  return end;
}

enum { HEAD_NONE, HEAD_ORG, HEAD_FAC, HEAD_LOC, HEAD_NONAME };

/* What the head word of a run of two or more words makes it: "... Airport" a facility,
 * "Mount ..." a location, "... Prize" nothing, "... University" an organisation. The last
 * word decides first; an organisation head word may stand anywhere ("Ministry of ..."). */
static guint
head_class (const NkEntityTagger *t, guint first, guint end, guint n_words)
{
  if (n_words < 2)
    return HEAD_NONE;
  guint last = end - 1;
  while (last > first && !is_word (t, last))
    last--;
  guint32 fl = wflags (t, last), ff = wflags (t, first);
  if (fl & NK_WORD_NONAME)
    return HEAD_NONAME;
  if (fl & NK_WORD_FAC_HEAD)
    return HEAD_FAC;
  if (fl & NK_WORD_LOC_HEAD)
    return HEAD_LOC;
  if ((ff & NK_WORD_HEAD_FIRST) && (ff & NK_WORD_FAC_HEAD))
    return HEAD_FAC;
  if ((ff & NK_WORD_HEAD_FIRST) && (ff & NK_WORD_LOC_HEAD))
    return HEAD_LOC;
  if (PIECE (t, last)->end - PIECE (t, last)->start == 1)
    return HEAD_NONE;   /* "Group C" */
  return run_has_org_head (t, first, end) ? HEAD_ORG : HEAD_NONE;
}

/* "N.K.": letters and periods only, an abbreviation rather than a name. */
static gboolean
initials_only (const NkEntityTagger *t, guint from, guint to)
{
  for (guint k = from; k < to; k++)
    if (is_word (t, k) && PIECE (t, k)->end - PIECE (t, k)->start > 1)
      return FALSE;
  return TRUE;
}

/* "View Comments", "Comment Policy": every word an ordinary English word. */
static gboolean
all_common (const NkEntityTagger *t, guint from, guint to)
{
  for (guint k = from; k < to; k++)
    if (is_word (t, k) && !(wflags (t, k) & NK_WORD_STOP) && !is_common (t, k))
      return FALSE;
  return TRUE;
}

/* "Go Myong-hyun": two words, the second a hyphenated given name in lower case after
 * the hyphen, as Korean names are romanised. */
static gboolean
korean_given (const NkEntityTagger *t, guint first, guint end)
{
  if (end != first + 4 || !piece_is (t, first + 2, t->gz->id_dash) || !glued (t, first + 2) ||
      !glued (t, first + 3) || !(PIECE (t, first + 3)->shape & NK_PIECE_LOWER))
    return FALSE;
  /* syllables are short; "World Cup-style" is two ordinary words */
  for (guint k = first; k < end; k += (k == first + 1 ? 2 : 1))
    if (PIECE (t, k)->end - PIECE (t, k)->start > 5)
      return FALSE;
  return !(is_common (t, first) && is_common (t, first + 1));
}

/* A capitalised run not in any gazetteer. */
static guint
cap_run (NkEntityTagger *t, guint si, guint i)
{
  const NkSentence *s = &g_array_index (t->sents, NkSentence, si);
  guint n_words;
  gboolean has_conn;
  guint first = i;

  /* "told The Korea Times": a capital "The" inside a sentence belongs to the name */
  if (piece_is (t, i, t->gz->id_the) && !(PIECE (t, i)->shape & NK_PIECE_SENT_INITIAL) &&
      (PIECE (t, i)->shape & NK_PIECE_CAP) && i + 1 < s->end && is_cap (t, i + 1) &&
      !(wflags (t, i + 1) & NK_WORD_STOP) &&
      (match_starting (t, i + 1) < 0 ||
       record_is_place (t, g_array_index (t->matches, NkMatch, match_starting (t, i + 1)).record)))
    {
      guint nw;
      gboolean conn;
      guint e = name_run (t, s, i + 1, TRUE, &nw, &conn);
      if (head_class (t, i + 1, e, nw) == HEAD_ORG)
        {
          NkEntityMention *m = emit (t, i, e - 1, NK_ENTITY_ORG, "rule:org-head", si);
          set_canon_text (m);
          return e;
        }
    }
  /* leading function words: "But", "The", "Despite" */
  while (first < s->end && is_cap (t, first) && (wflags (t, first) & NK_WORD_STOP) &&
         match_starting (t, first) < 0)
    first++;
  if (first > i)
    return first;
  guint end = name_run (t, s, first, TRUE, &n_words, &has_conn);
  if (end == first)
    return i + 1;

  guint r = head_class (t, first, end, n_words);
  if (r == HEAD_NONAME)
    return end;
  if (r == HEAD_FAC || r == HEAD_LOC)
    {
      NkEntityMention *m = emit (t, first, end - 1,
                                 r == HEAD_FAC ? NK_ENTITY_FACILITY : NK_ENTITY_LOC,
                                 r == HEAD_FAC ? "rule:facility-head" : "rule:location-head", si);
      set_canon_text (m);
      return end;
    }
  if (r == HEAD_ORG)
    {
      NkEntityMention *m = emit (t, first, end - 1, NK_ENTITY_ORG, "rule:org-head", si);
      set_canon_text (m);
      return end;
    }
  end = name_run (t, s, first, FALSE, &n_words, &has_conn);

  gboolean initial = (PIECE (t, first)->shape & NK_PIECE_SENT_INITIAL) != 0;
  gboolean allcaps = (PIECE (t, first)->shape & NK_PIECE_ALLCAPS) != 0;
  guint32 f = wflags (t, first);
  if (allcaps && !(n_words >= 2 && said_after (t, s, end)))
    return end;   /* headlines, acronyms */
  if (n_words >= 2 && n_words <= 4 && !initials_only (t, first, end))
    {
      const char *rule = (f & NK_WORD_GIVEN) ? "rule:given-name"
                         : (f & NK_WORD_EAST_SURNAME) || korean_given (t, first, end)
                           ? "rule:east-asian-name"
                         : said_after (t, s, end) || said_before (t, s, first) ||
                           according_before (t, s, first) ? "rule:said"
                         : all_common (t, first, end) ? NULL
                         : !initial ? "rule:cap-sequence"
                         : appositive_after (t, s, end) ? "rule:appositive" : NULL;
      if (rule)
        {
          emit_person_run (t, si, first, end, n_words, rule, TRUE, 1, G_MAXUINT);
          /* a capitalised pair with no other evidence needs the document to back it up:
           * an appositive ("X, a professor"), or a later mention of the family name */
          if (g_str_equal (rule, "rule:cap-sequence") && !appositive_after (t, s, end))
            g_array_index (t->tentative, gboolean, t->mentions->len - 1) = WEAK;
        }
      return end;
    }
  if (n_words == 1)
    {
      /* the north: "the North's nuclear program" = North Korea */
      if ((piece_is (t, first, t->gz->id_north) || piece_is (t, first, t->gz->id_south)) &&
          (t->has_korea || piece_is (t, first, t->gz->id_north)) && first > s->first &&
          piece_is (t, first - 1, t->gz->id_the) &&
          !(end < s->end && is_cap (t, end)))
        {
          NkEntityMention *m = emit (t, first, first, NK_ENTITY_GPE, "rule:the-north", si);
          set_canon_static (m, piece_is (t, first, t->gz->id_north) ? "North Korea"
                                                                     : "South Korea");
          return end;
        }
      /* one word is a person only if the document names someone with it; "Toyota
       * said" is a company */
      return emit_person_run (t, si, first, end, 1, "rule:coref", FALSE, 1, G_MAXUINT);
    }
  return end;
}

/* "North and South Korea": the elliptical "North". */
static gboolean
elliptical_north (const NkEntityTagger *t, const NkSentence *s, guint k)
{
  return piece_is (t, k, t->gz->id_north) && k + 3 < s->end &&
         piece_is (t, k + 1, t->gz->id_and) && piece_is (t, k + 2, t->gz->id_south) &&
         piece_is (t, k + 3, t->gz->id_korea);
}

/* A gazetteer match, with its context. */
static guint
gazetteer_mention (NkEntityTagger *t, guint si, const NkMatch *mt, guint role_first,
                   guint role_last)
{
  const NkSentence *s = &g_array_index (t->sents, NkSentence, si);
  const NkEntityRecord *rec = RECORD (t, mt->record);
  guint end = mt->last + 1;

  if (rec->kind == NK_RECORD_SURNAME)
    {
      /* "Kim Hyok-chol": a family name followed by given names not in the gazetteer */
      const NkEntityEntry *c0 = ENTRY (t, g_array_index (t->gz->cands, gint32, rec->cands_off));
      guint n_words;
      gboolean conn;
      guint run_end = end;
      if (c0->eastern && end < s->end && is_cap (t, end) && match_starting (t, end) < 0 &&
          !(wflags (t, end) & (NK_WORD_STOP | NK_WORD_SAID)))
        run_end = name_run (t, s, end, FALSE, &n_words, &conn);
      if (run_end > end && run_end - end <= 4)
        {
          emit_person_run (t, si, mt->first, run_end, 2, "rule:east-asian-name", TRUE,
                           role_first, role_last);
          return run_end;
        }
      NkEntityMention *m = emit (t, mt->first, mt->last, NK_ENTITY_PERSON, "gazetteer:people",
                                 si);
      m->record = mt->record;
      if (role_last != G_MAXUINT)
        {
          m->role_start = PIECE (t, role_first)->start;
          m->role_end = PIECE (t, role_last)->end;
        }
      /* "Town officials said": a family name that is also a word needs a title or a
       * reporting verb when the document names no one with it (resolve_single) */
      if (!t->titled && !said_after (t, s, end) && !said_before (t, s, mt->first) &&
          !according_before (t, s, mt->first))
        g_array_index (t->tentative, gboolean, t->mentions->len - 1) = TENTATIVE;
      return end;
    }

  const NkEntityEntry *e = ENTRY (t, rec->entry);
  NkEntityLabel label = e->label;
  const char *canonical = e->canonical, *rule = e->rule;

  /* "South Korean Defense Ministry", "Japan Coast Guard", "Army Special Forces": a place
   * or an organisation heading a longer organisation name */
  if ((label == NK_ENTITY_GPE || label == NK_ENTITY_NORP || label == NK_ENTITY_LOC ||
       label == NK_ENTITY_ORG) &&
      end < s->end && is_cap (t, end) && match_starting (t, end) < 0)
    {
      guint n_words;
      gboolean conn;
      guint run_end = name_run (t, s, end, TRUE, &n_words, &conn);
      if (run_end > end && run_has_org_head (t, end, run_end) &&
          (wflags (t, run_end - 1) & NK_WORD_ORG_HEAD))
        {
          NkEntityMention *m = emit (t, mt->first, run_end - 1, NK_ENTITY_ORG, "rule:org-head",
                                     si);
          set_canon_text (m);
          return run_end;
        }
    }
  if (e->gov || e->place_label >= 0)
    {
      gboolean place = locative_context (t, s, mt->first, mt->last, e->gov == NULL);
      if (place)
        t->last_place = mt->last;
      if (e->gov && !place)
        {
          label = NK_ENTITY_GPE;
          canonical = e->gov;
          rule = "gazetteer:places+government";
        }
      else if (e->place_label >= 0 && place)
        {
          label = (NkEntityLabel) e->place_label;
          rule = "gazetteer:facilities+place";
        }
    }
  NkEntityMention *m = emit (t, mt->first, mt->last, label, rule, si);
  m->record = mt->record;
  if (label != NK_ENTITY_NORP)
    set_canon_static (m, canonical);
  if (role_last != G_MAXUINT && label == NK_ENTITY_PERSON)
    {
      m->role_start = PIECE (t, role_first)->start;
      m->role_end = PIECE (t, role_last)->end;
    }
  return end;
}

static gboolean
is_honorific (const NkEntityTagger *t, guint first, guint last)
{
  /* Mr. Mrs. Ms. Dr.: short, capitalised, ending in a period or alone */
  const NkEntityPiece *p = PIECE (t, first);
  return first + 1 >= last && (p->shape & NK_PIECE_CAP) && p->end - p->start <= 3;
}

/* A title: the person after it gets it as role. */
static guint
title_mention (NkEntityTagger *t, guint si, const NkMatch *mt)
{
  const NkSentence *s = &g_array_index (t->sents, NkSentence, si);
  guint role_first = mt->first, role_last = mt->last, j = mt->last + 1;
  gboolean honorific = (wflags (t, mt->first) & NK_WORD_HONORIFIC) != 0;

  /* "Chairman Kim", "Mr. Pompeo", "President Donald Trump"; titles may follow each
   * other ("Special Envoy Ambassador ...") and all become the role */
  while (j < s->end)
    {
      gint32 mi = match_starting (t, j);
      if (mi < 0)
        break;
      const NkMatch *next = &g_array_index (t->matches, NkMatch, mi);
      if (RECORD (t, next->record)->kind == NK_RECORD_TITLE)
        {
          if (honorific)
            role_first = next->first;   /* "Mr. President": the role is "President" */
          honorific = honorific && (wflags (t, next->first) & NK_WORD_HONORIFIC);
          role_last = next->last;
          j = next->last + 1;
          continue;
        }
      if (record_is_person (t, next->record))
        {
          t->titled = TRUE;
          guint e = gazetteer_mention (t, si, next, honorific ? 1 : role_first,
                                       honorific ? G_MAXUINT : role_last);
          t->titled = FALSE;
          return e;
        }
      return j;
    }
  if (honorific)
    role_first = 1, role_last = G_MAXUINT;
  if (j >= s->end || !is_cap (t, j) ||
      ((wflags (t, j) & NK_WORD_STOP) && !is_honorific (t, mt->first, mt->last)))
    return j;
  guint n_words;
  gboolean conn;
  guint end = name_run (t, s, j, FALSE, &n_words, &conn);
  if (end == j || n_words > 4 || run_has_org_head (t, j, end))
    return j;
  if ((PIECE (t, j)->shape & NK_PIECE_ALLCAPS) && n_words == 1)
    return j;
  return emit_person_run (t, si, j, end, n_words, "rule:title+name", TRUE, role_first,
                          role_last);
}

/* The first piece from @i on where a rule may begin, or @end. Most words are in lower
 * case and begin no match and no date (NK_START_RULE: a date word or "north"): no rule
 * starts at them; punctuation has none of these bits. */
static inline guint
next_rule_start (const NkEntityPiece *pieces, guint i, guint end)
{
  return next_with (pieces, i, end,
                    (NK_PIECE_CAP | NK_PIECE_ALLCAPS | NK_PIECE_DIGITS) |
                    ((guint32) (PAD_MATCH | NK_START_RULE) << 16));
}

static void
rule_pass (NkEntityTagger *t, guint si)
{
  const NkSentence *s = &g_array_index (t->sents, NkSentence, si);
  for (guint i = s->first; i < s->end;)
    {
      i = next_rule_start (PIECE (t, 0), i, s->end);
      if (i >= s->end)
        break;
      const NkEntityPiece *p = PIECE (t, i);
      if (!(p->shape & NK_PIECE_WORD))
        {
          i++;
          continue;
        }
      gint32 mi = match_starting (t, i);
      const NkMatch *mt = mi >= 0 ? &g_array_index (t->matches, NkMatch, mi) : NULL;
      guint32 f = wflags (t, i);
      gboolean date_start = (f & (NK_WORD_DATE_START | NK_WORD_MONTH | NK_WORD_WEEKDAY)) ||
                            (((f & NK_WORD_DATE_COUNT) || (p->shape & NK_PIECE_DIGITS)) &&
                             i + 1 < s->end) ||
                            ((p->shape & NK_PIECE_DIGITS) && p->end - p->start == 4);
      if (date_start && (f & NK_WORD_DATE_COUNT) && !(wflags (t, i + 1) & NK_WORD_DATE))
        date_start = FALSE;   /* "a" before anything but a unit */
      if (date_start)
        {
          char value[24];
          guint end = nk_entity_match_date (t->gz, t->text, PIECE (t, 0), i, s->end,
                                            t->doc_date, value);
          if (end > i && (!mt || mt->last + 1 <= end ||
                          RECORD (t, mt->record)->kind == NK_RECORD_TITLE))
            {
              NkEntityMention *m = emit (t, i, end - 1, NK_ENTITY_DATE, "rule:date", si);
              memcpy (m->value, value, sizeof value);
              i = end;
              continue;
            }
        }
      if (mt)
        {
          if (RECORD (t, mt->record)->kind == NK_RECORD_TITLE)
            i = title_mention (t, si, mt);
          else
            i = gazetteer_mention (t, si, mt, 1, G_MAXUINT);
          continue;
        }
      if (elliptical_north (t, s, i))
        {
          NkEntityMention *m = emit (t, i, i, NK_ENTITY_GPE, "rule:the-north", si);
          set_canon_static (m, "North Korea");
          i++;
          continue;
        }
      if (is_cap (t, i))
        {
          i = cap_run (t, si, i);
          continue;
        }
      i++;
    }
}

/* ---- pass 3: canonical names ------------------------------------------------------- */

/* The pieces holding the family name and the first given name of a person mention. */
static void
name_keys (const NkEntityTagger *t, const NkEntityMention *m, gboolean *eastern,
           guint *surname, guint *given, guint *n_words)
{
  guint first_w = G_MAXUINT, last_w = G_MAXUINT, words = 0;
  for (guint k = m->first_piece; k <= m->last_piece; k++)
    {
      if (!is_word (t, k) || (k > m->first_piece && glued (t, k)) ||
          piece_is (t, k, t->gz->id_jr) || piece_is (t, k, t->gz->id_sr))
        continue;
      if (first_w == G_MAXUINT)
        first_w = k;
      last_w = k;
      words++;
    }
  *n_words = words;
  if (m->record >= 0 && RECORD (t, m->record)->kind == NK_RECORD_ENTRY)
    *eastern = ENTRY (t, RECORD (t, m->record)->entry)->eastern;
  else if (words >= 2 && (wflags (t, first_w) & NK_WORD_EAST_SURNAME))
    {
      /* "Kim Song-hye", "Ri Yong Ho" are family-name-first; "Lee Smith" and "Jung H.
       * Pak" are not */
      gboolean hyphen = first_w + 2 <= m->last_piece && piece_is (t, first_w + 2, t->gz->id_dash);
      gboolean initials = FALSE;
      for (guint k = m->first_piece; k <= m->last_piece; k++)
        if (is_word (t, k) && PIECE (t, k)->end - PIECE (t, k)->start == 1)
          initials = TRUE;
      gboolean alone = first_w + 1 <= m->last_piece && !glued (t, first_w + 1);
      *eastern = !initials && alone &&
                 (hyphen || words == 3 || !(wflags (t, first_w) & NK_WORD_GIVEN));
    }
  else
    *eastern = FALSE;
  *surname = *eastern ? first_w : last_w;
  /* the given name that tells two people apart: "Jeong Hye Jin" is not "Jeong Jae Jin" */
  guint second = first_w + 1;
  while (second <= m->last_piece && !is_word (t, second))
    second++;
  *given = words < 2 ? G_MAXUINT : *eastern ? second : first_w;
}

/* "Kim Yong Chol" -> "Kim Yong-chol"; "Kim Yong-Chol" -> "Kim Yong-chol": the
 * romanisation news uses for Korean given names. Other names are copied as written. */
static void
append_person_canonical (NkEntityTagger *t, const NkEntityMention *m, gboolean eastern)
{
  guint n = m->last_piece - m->first_piece + 1;
  gboolean three_words = eastern && n == 3 && is_word (t, m->first_piece + 1) &&
                         is_word (t, m->last_piece) && !glued (t, m->first_piece + 1) &&
                         !glued (t, m->last_piece);
  for (guint k = m->first_piece; k <= m->last_piece; k++)
    {
      const NkEntityPiece *p = PIECE (t, k);
      const char *s = t->text + p->start;
      gsize len = p->end - p->start;
      gboolean lower = FALSE;
      if (three_words && k == m->last_piece)
        {
          g_string_append_c (t->arena, '-');
          lower = TRUE;
        }
      else
        {
          if (k > m->first_piece && !glued (t, k))
            g_string_append_c (t->arena, ' ');
          lower = eastern && k >= m->first_piece + 2 && glued (t, k) &&
                  piece_is (t, k - 1, t->gz->id_dash);
        }
      if (lower && g_ascii_isupper (s[0]))
        {
          g_string_append_c (t->arena, g_ascii_tolower (s[0]));
          g_string_append_len (t->arena, s + 1, len - 1);
        }
      else
        g_string_append_len (t->arena, s, len);
    }
}

/* Empties the family name table, sized for @n persons. */
static void
surnames_reset (NkEntityTagger *t, guint n)
{
  guint cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  g_array_set_size (t->by_surname, cap);
  /* every byte 0xFF: first = -1 */
  memset (t->by_surname->data, 0xFF, cap * sizeof (NkSurnameSlot));
  t->surname_mask = cap - 1;
}

static NkSurnameSlot *
surname_slot (const NkEntityTagger *t, guint32 hash)
{
  NkSurnameSlot *slots = (NkSurnameSlot *) (gpointer) t->by_surname->data;
  for (guint i = hash & t->surname_mask;; i = (i + 1) & t->surname_mask)
    if (slots[i].first < 0 || slots[i].hash == hash)
      return &slots[i];
}

/* The first person whose family name hashes like piece @k (a chain through ->next). */
static gint
persons_with (const NkEntityTagger *t, guint k)
{
  return surname_slot (t, PIECE (t, k)->hash)->first;
}

static gint
find_person (NkEntityTagger *t, guint surname, guint given, gint32 entry)
{
  for (gint i = persons_with (t, surname); i >= 0;
       i = g_array_index (t->persons, NkPerson, i).next)
    {
      NkPerson *p = &g_array_index (t->persons, NkPerson, i);
      if (entry >= 0 ? p->entry == entry
                     : p->entry < 0 && same_word (t, p->surname, surname) &&
                       same_word (t, p->given, given))
        return i;
    }
  return -1;
}

/* "Eliot L. Engel": a spelling the gazetteer lacks of someone it has, found through the
 * family name's key and the first given name. Returns the entry or -1. */
static gint32
gazetteer_person_for (NkEntityTagger *t, guint surname, guint given)
{
  if (surname == G_MAXUINT || given == G_MAXUINT)
    return -1;
  gint32 mi = match_starting (t, surname);
  if (mi < 0)
    return -1;
  const NkMatch *mt = &g_array_index (t->matches, NkMatch, mi);
  if (mt->first != mt->last || !record_is_person (t, mt->record))
    return -1;
  const NkEntityRecord *r = RECORD (t, mt->record);
  guint n = r->kind == NK_RECORD_SURNAME ? r->n_cands : 1;
  const NkEntityPiece *g = PIECE (t, given);
  for (guint c = 0; c < n; c++)
    {
      gint32 e = r->kind == NK_RECORD_SURNAME
                 ? g_array_index (t->gz->cands, gint32, r->cands_off + c) : r->entry;
      const char *canon = ENTRY (t, e)->canonical;
      gsize glen = g->end - g->start;
      if (g_ascii_strncasecmp (canon, t->text + g->start, glen) == 0 && canon[glen] == ' ')
        return e;
    }
  return -1;
}

/* Every person named with two or more words gets an entry in t->persons. */
static void
collect_persons (NkEntityTagger *t)
{
  surnames_reset (t, t->mentions->len);
  for (guint i = 0; i < t->mentions->len; i++)
    {
      NkEntityMention *m = &g_array_index (t->mentions, NkEntityMention, i);
      if (m->label != NK_ENTITY_PERSON)
        continue;
      gboolean eastern;
      guint surname, given, n_words;
      name_keys (t, m, &eastern, &surname, &given, &n_words);
      gint32 entry = -1;
      if (m->record >= 0 && RECORD (t, m->record)->kind == NK_RECORD_ENTRY)
        entry = RECORD (t, m->record)->entry;
      if (n_words < 2)
        continue;
      if (entry < 0)
        entry = gazetteer_person_for (t, surname, given);
      gint pi = find_person (t, surname, given, entry);
      gsize start = t->arena->len;
      if (entry < 0)
        append_person_canonical (t, m, eastern);
      guint len = t->arena->len - start;
      if (pi < 0)
        {
          NkPerson p = { surname, given, entry, start, len, G_MAXUINT, m->first_piece, 0, 0,
                         g_array_index (t->tentative, gboolean, i) == WEAK, FALSE,
                         persons_with (t, surname) };
          g_array_append_val (t->persons, p);
          pi = t->persons->len - 1;
          NkSurnameSlot *slot = surname_slot (t, PIECE (t, surname)->hash);
          slot->hash = PIECE (t, surname)->hash;
          slot->first = pi;
        }
      else
        {
          NkPerson *p = &g_array_index (t->persons, NkPerson, pi);
          if (entry < 0 && len > p->canon_len)
            p->canon_off = start, p->canon_len = len;   /* the fullest form */
          if (g_array_index (t->tentative, gboolean, i) != WEAK)
            p->weak = FALSE;
        }
      m->person = pi;
    }
}

static void
canon_from_person (NkEntityTagger *t, NkEntityMention *m, const NkPerson *p)
{
  if (p->entry >= 0)
    set_canon_static (m, ENTRY (t, p->entry)->canonical);
  else
    {
      m->canon_src = CANON_ARENA;
      m->canon_off = p->canon_off;
      m->canon_len = p->canon_len;
    }
}

static gboolean
person_is_default (const NkEntityTagger *t, gint pi)
{
  const NkPerson *p = &g_array_index (t->persons, NkPerson, pi);
  return p->entry >= 0 && ENTRY (t, p->entry)->is_default;
}

/* The person a lone family name refers to: the most recently named one with that family
 * name — unless that was more than two sentences ago and the domain's usual bearer
 * (Kim Jong-un for "Kim") is in the document too — else the first named later, or -1.
 * "Kim Yong-chol, a close aide to Mr. Kim": an appositive right after a name is about
 * someone else. */
static gint
pick_person (NkEntityTagger *t, const NkEntityMention *m)
{
  guint at = m->first_piece;
  gint best = -1, later = -1, dflt = -1;
  guint best_at = 0, later_at = G_MAXUINT;
  for (gint i = persons_with (t, m->first_piece); i >= 0;
       i = g_array_index (t->persons, NkPerson, i).next)
    {
      NkPerson *p = &g_array_index (t->persons, NkPerson, i);
      if (!same_word (t, p->surname, m->first_piece))
        continue;
      if (person_is_default (t, i))
        dflt = i;
      if (p->last_piece != G_MAXUINT && p->last_piece < at)
        {
          gboolean appositive = p->last_sentence == m->sentence && at - p->last_end < 16 &&
                                piece_is (t, p->last_end + 1, t->gz->id_comma);
          if (!appositive && p->last_piece + 1 > best_at)
            best = i, best_at = p->last_piece + 1;
        }
      else if (p->first_piece > at && p->first_piece < later_at)
        later = i, later_at = p->first_piece;
    }
  if (best >= 0)
    {
      const NkPerson *b = &g_array_index (t->persons, NkPerson, best);
      if (dflt >= 0 && dflt != best && m->sentence > b->last_sentence + 2)
        return dflt;
      return best;
    }
  return dflt >= 0 ? dflt : later;
}

static void
note_mention (NkEntityTagger *t, gint pi, const NkEntityMention *m)
{
  NkPerson *p = &g_array_index (t->persons, NkPerson, pi);
  p->last_piece = m->first_piece;
  p->last_end = m->last_piece;
  p->last_sentence = m->sentence;
}

static void
resolve_single (NkEntityTagger *t, guint i)
{
  NkEntityMention *m = &g_array_index (t->mentions, NkEntityMention, i);
  gboolean *tentative = &g_array_index (t->tentative, gboolean, i);
  gint pi = pick_person (t, m);
  const NkEntityRecord *r = m->record >= 0 ? RECORD (t, m->record) : NULL;

  /* an explicit alias ("Trump") keeps its person unless the document has just named
   * someone outside the gazetteer with that family name ("Eric Trump ... Trump said") */
  if (pi >= 0 && r && r->kind == NK_RECORD_ENTRY)
    {
      const NkPerson *p = &g_array_index (t->persons, NkPerson, pi);
      if ((p->entry >= 0 && p->entry != r->entry) ||
          (p->entry < 0 && (p->last_piece == G_MAXUINT || p->last_piece > m->first_piece ||
                            m->sentence > p->last_sentence + 1)))
        pi = -1;
    }

  if (pi >= 0)
    {
      canon_from_person (t, m, &g_array_index (t->persons, NkPerson, pi));
      m->person = pi;
      note_mention (t, pi, m);
      g_array_index (t->persons, NkPerson, pi).backed = TRUE;
      if (*tentative)
        m->rule = "rule:coref";
      *tentative = FALSE;
      return;
    }
  if (r)
    {
      if (r->kind == NK_RECORD_ENTRY)
        return;   /* an explicit alias: its canonical is set */
      if (r->default_cand >= 0)
        {
          set_canon_static (m, ENTRY (t, r->default_cand)->canonical);
          *tentative = FIRM;
          return;
        }
      /* a family name of someone in the gazetteer, but this document names no one with
       * it: with a title or a reporting verb still a person, named as written */
      set_canon_text (m);
      return;
    }
  if (!*tentative)
    set_canon_text (m);
}

static void
resolve_pass (NkEntityTagger *t)
{
  collect_persons (t);
  for (guint i = 0; i < t->mentions->len; i++)
    {
      NkEntityMention *m = &g_array_index (t->mentions, NkEntityMention, i);
      if (m->label != NK_ENTITY_PERSON)
        continue;
      if (m->person >= 0)
        {
          note_mention (t, m->person, m);
          canon_from_person (t, m, &g_array_index (t->persons, NkPerson, m->person));
          continue;
        }
      resolve_single (t, i);
    }
  /* capitalised pairs that nothing backed up, and the lone words that went to them */
  for (guint i = 0; i < t->mentions->len; i++)
    {
      NkEntityMention *m = &g_array_index (t->mentions, NkEntityMention, i);
      gboolean *tent = &g_array_index (t->tentative, gboolean, i);
      if (m->label != NK_ENTITY_PERSON || m->person < 0)
        continue;
      const NkPerson *p = &g_array_index (t->persons, NkPerson, m->person);
      if (!p->weak || p->backed)
        *tent = *tent == WEAK ? FIRM : *tent;
      else
        *tent = WEAK;
    }
  /* drop tentative single words that matched no one */
  guint o = 0;
  for (guint i = 0; i < t->mentions->len; i++)
    if (!g_array_index (t->tentative, gboolean, i))
      {
        if (o != i)
          g_array_index (t->mentions, NkEntityMention, o) =
            g_array_index (t->mentions, NkEntityMention, i);
        o++;
      }
  g_array_set_size (t->mentions, o);
}

/* ---- driver ----------------------------------------------------------------------- */

static void
note_korea (NkEntityTagger *t)
{
  t->has_korea = FALSE;
  for (guint i = 0; i < t->matches->len; i++)
    {
      const NkMatch *m = &g_array_index (t->matches, NkMatch, i);
      const NkEntityRecord *r = RECORD (t, m->record);
      if (r->kind != NK_RECORD_ENTRY)
        continue;
      const char *c = ENTRY (t, r->entry)->canonical;
      if (strstr (c, "Korea") || (ENTRY (t, r->entry)->gov &&
                                  strstr (ENTRY (t, r->entry)->gov, "Korea")))
        {
          t->has_korea = TRUE;
          return;
        }
    }
}

void
nk_entity_tagger_run (NkEntityTagger *t, const char *text, gsize len,
                      const guint32 *sentences, guint n_sentences, const char *doc_date)
{
  g_return_if_fail (len < G_MAXUINT32);
  t->text = text;
  t->len = len;
  t->doc_date = doc_date;
  g_array_set_size (t->pieces, 0);
  g_array_set_size (t->sents, 0);
  g_array_set_size (t->matches, 0);
  g_array_set_size (t->mentions, 0);
  g_array_set_size (t->persons, 0);
  g_array_set_size (t->tentative, 0);
  g_string_truncate (t->arena, 0);
  t->last_place = G_MAXUINT;

  /* at most a piece per byte of each sentence */
  gsize room = sentences ? 0 : len;
  for (guint i = 0; sentences && i < n_sentences; i++)
    if (sentences[2 * i] < sentences[2 * i + 1] && sentences[2 * i + 1] <= len)
      room += sentences[2 * i + 1] - sentences[2 * i];
  g_return_if_fail (room < G_MAXUINT32);
  reserve (t->pieces, (guint) room);
  t->piece_data = (NkEntityPiece *) (gpointer) t->pieces->data;
  t->cap_sents = reserve (t->sents, (sentences ? n_sentences : 0) + 1);
  if (!sentences)
    scan_sentence (t, 0, len);
  else
    for (guint i = 0; i < n_sentences; i++)
      if (sentences[2 * i] < sentences[2 * i + 1] && sentences[2 * i + 1] <= len)
        scan_sentence (t, sentences[2 * i], sentences[2 * i + 1]);
  /* a match or a mention takes a piece at least */
  t->cap_matches = reserve (t->matches, t->pieces->len + 1);
  t->cap_mentions = reserve (t->mentions, t->pieces->len + 1);
  reserve (t->tentative, t->pieces->len + 1);

  g_array_set_size (t->match_at, t->pieces->len);
  t->match_data = (gint32 *) (gpointer) t->match_at->data;
  for (guint i = 0; i < t->sents->len; i++)
    trie_pass (t, &g_array_index (t->sents, NkSentence, i));
  note_korea (t);
  for (guint i = 0; i < t->sents->len; i++)
    rule_pass (t, i);
  resolve_pass (t);
}

const NkEntityMention *
nk_entity_tagger_get_mentions (const NkEntityTagger *t, guint *n_mentions)
{
  *n_mentions = t->mentions->len;
  return (const NkEntityMention *) t->mentions->data;
}

const char *
nk_entity_tagger_get_canonical (const NkEntityTagger *t, const NkEntityMention *m,
                                gsize *len, gboolean *is_static)
{
  *is_static = FALSE;
  *len = 0;
  if (m->label == NK_ENTITY_NORP || m->label == NK_ENTITY_DATE)
    return NULL;
  switch (m->canon_src)
    {
    case CANON_STATIC:
      *is_static = TRUE;
      *len = strlen (m->canon_static);
      return m->canon_static;
    case CANON_TEXT:
      *len = m->canon_len;
      return t->text + m->canon_off;
    case CANON_ARENA:
      *len = m->canon_len;
      return t->arena->str + m->canon_off;
    default:
      *len = m->end - m->start;
      return t->text + m->start;
    }
}
