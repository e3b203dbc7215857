/* nk-entity-private.h — shared internals of the entity engine: the piece dictionary, the
 * trie over pieces, gazetteer records and the piece scanner.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nk-entity-engine.h"

G_BEGIN_DECLS

#define NK_ENTITY_NO_ID G_MAXUINT32
/* Longest piece we fold and look up; longer pieces are never gazetteer keys. */
#define NK_ENTITY_MAX_PIECE 64
#define NK_ENTITY_MAX_KEY_PIECES 24

/* Word classes from the word lists, as bits in the dictionary. */
enum {
  NK_WORD_GIVEN      = 1 << 0,
  NK_WORD_ORG_HEAD   = 1 << 1,
  NK_WORD_STOP       = 1 << 2,
  NK_WORD_EAST_SURNAME = 1 << 3,
  NK_WORD_SAID       = 1 << 4,
  NK_WORD_LOCATIVE   = 1 << 5,
  NK_WORD_CONNECTOR  = 1 << 6,   /* of, for, the, and, & inside organisation names */
  NK_WORD_MONTH      = 1 << 7,
  NK_WORD_WEEKDAY    = 1 << 8,
  NK_WORD_DATE       = 1 << 9,   /* a word of the date grammar (code in word_num) */
  NK_WORD_COMMON     = 1 << 10,  /* an ordinary English word (written lower case) */
  NK_WORD_HONORIFIC  = 1 << 11,  /* Mr, Mrs, Ms, Miss: a title that is no role */
  NK_WORD_FAC_HEAD   = 1 << 12,  /* heads.tsv: "Airport", "Hotel" */
  NK_WORD_LOC_HEAD   = 1 << 13,  /* heads.tsv: "River", "Island" */
  NK_WORD_NONAME     = 1 << 14,  /* heads.tsv: "Prize", "Treaty": no entity we label */
  NK_WORD_HEAD_FIRST = 1 << 15,  /* heads.tsv: the head comes first ("Mount", "Camp") */
  NK_WORD_DATE_START = 1 << 16,  /* a date word that can begin a date ("last", "today") */
  NK_WORD_DATE_COUNT = 1 << 17,  /* "a", "three": begins a date only before a unit */
};

/* Piece shape bits. */
enum {
  NK_PIECE_WORD      = 1 << 0,   /* letters/digits; else one punctuation character */
  NK_PIECE_CAP       = 1 << 1,   /* first character upper case */
  NK_PIECE_ALLCAPS   = 1 << 2,   /* every letter upper case (and at least two letters) */
  NK_PIECE_LOWER     = 1 << 3,   /* first character lower case */
  NK_PIECE_DIGITS    = 1 << 4,   /* only ASCII digits */
  NK_PIECE_SPACE_BEFORE = 1 << 5, /* whitespace right before it */
  NK_PIECE_SENT_INITIAL = 1 << 6, /* first word of its sentence (after opening marks) */
};

typedef struct {
  guint32 start;
  guint32 end;
  guint32 id;        /* dictionary id of the folded piece, or NK_ENTITY_NO_ID */
  guint32 hash;      /* hash of the folded piece: compares words not in the dictionary */
  guint16 shape;
  guint16 pad;       /* NK_START_* bits of its dictionary entry from the scanner (word
                      * pieces only); the tagger keeps a flag there too */
} NkEntityPiece;

/* What a word can begin, from its dictionary slot (NkDictSlot.start, set at freeze),
 * copied into NkEntityPiece.pad by the scanner: the tagger's passes then skip
 * most pieces with one test. Bit 0 is left to the tagger. */
enum {
  NK_START_ROOT       = 1 << 1,   /* the trie's root has a child for it */
  NK_START_ROOT_LOWER = 1 << 2,   /* and a record below it may fit a first piece that is
                                   * neither capitalised nor in capitals */
  NK_START_RULE       = 1 << 3,   /* a date word that may begin a date, or "north" */
};

typedef enum {
  NK_RECORD_ENTRY,     /* a gazetteer alias of an entry */
  NK_RECORD_TITLE,     /* a title or honorific */
  NK_RECORD_SURNAME,   /* a family name derived from people entries */
} NkRecordKind;

typedef struct {
  const char   *canonical;     /* owned by the gazetteer's string chunk */
  NkEntityLabel label;
  const char   *rule;          /* static */
  const char   *gov;           /* capital: canonical of the country it stands for */
  gint8         place_label;   /* -1, or the label in a locative context */
  gboolean      eastern;
  gboolean      is_default;
  guint32       surname_id;    /* dict id of the family name piece, or NO_ID */
} NkEntityEntry;

typedef struct {
  NkRecordKind kind;
  gint32       entry;          /* ENTRY: entry index */
  guint32      upper_mask;     /* key pieces whose alias spelling starts upper case */
  const char  *exact;          /* nullable: alias pieces concatenated, must match bytes */
  gint32       next;           /* next record on the same trie node, -1 */
  guint32      n_cands;        /* SURNAME: candidate people */
  guint32      cands_off;      /* SURNAME: offset into the gazetteer's candidate array */
  gint32       default_cand;   /* SURNAME: entry index or -1 */
  gboolean     derived;        /* SURNAME derived key (needs document evidence) */
} NkEntityRecord;

typedef struct {
  guint64 key;
  guint32 value;
  guint32 used;
} NkEdgeSlot;

typedef struct {
  guint64 prefix;   /* the first 8 bytes, zero-padded: most words compare without the pool */
  guint32 hash;
  guint32 off;
  guint16 len;      /* at most NK_ENTITY_MAX_PIECE: keys are folded into buffers that size */
  guint16 start;    /* NK_START_* of the word once frozen, else 0: the scanner reads it with
                     * the id, from the same cache line */
  guint32 id;
} NkDictSlot;

/* A 65536-bit filter of hashes that fits the L1 cache: a clear bit proves a key absent,
 * so most probes for words and trie steps that do not exist never touch the tables. */
#define NK_FILTER_WORDS 1024

static inline gboolean
nk_filter_test (const guint64 *filter, guint32 h)
{
  guint32 b = (h ^ (h >> 16)) & 0xFFFF;
  return (filter[b >> 6] >> (b & 63)) & 1;
}

static inline void
nk_filter_set (guint64 *filter, guint32 h)
{
  guint32 b = (h ^ (h >> 16)) & 0xFFFF;
  filter[b >> 6] |= G_GUINT64_CONSTANT (1) << (b & 63);
}

/* A set of folded words without ids (nk-entity-gazetteer.c). */
typedef struct {
  char     *text;     /* the word list, its words folded and NUL-terminated in place */
  GString  *side;     /* words whose folding changes their length */
  guint32  *slots;
  guint     cap;
  guint     n;
} NkWordSet;

/* An open-addressing set of folded strings, each with a dense id. */
typedef struct {
  NkDictSlot *slots;
  guint       cap;
  guint       n;
  GString    *pool;
  guint64     filter[NK_FILTER_WORDS];
} NkDict;

struct _NkEntityGazetteer {
  GStringChunk *strings;
  /* dictionary of folded pieces that keys and rules use (small: probed for every piece) */
  NkDict        dict;
  /* ordinary English words, probed only for capitalised words the rules weigh */
  NkWordSet     common;
  GArray       *word_flags;   /* guint32 per id */
  GArray       *word_num;     /* guint8 per id: month 1-12 / weekday 1-7 */
  /* trie */
  GArray       *node_first;   /* gint32 per node: first record or -1 */
  GArray       *root_child;   /* gint32 per dictionary id: the root's child, or -1 (frozen) */
  guint8       *node_leaf;    /* per node: 1 when it has no child (frozen), else NULL */
  NkEdgeSlot   *edges;
  guint64       edge_filter[NK_FILTER_WORDS];
  guint         edge_cap;
  guint         edge_n;
  GArray       *records;      /* NkEntityRecord */
  GArray       *entries;      /* NkEntityEntry */
  GArray       *cands;        /* gint32 entry indices, SURNAME candidate lists */
  GHashTable   *entry_index;  /* "LABEL\tcanonical" -> index+1 */
  GArray       *scratch_pieces;   /* loading: the pieces of one alias */
  GPtrArray    *scratch_aliases;  /* loading: the aliases of one TSV line */
  gboolean      frozen;
  guint32       punct_id[128];  /* dictionary id of each ASCII punctuation character */
  guint32       punct_hash[128];  /* and its hash */
  guint32       gpunct_id[64];    /* the same for U+2000..U+203F */
  guint32       gpunct_hash[64];
  /* ids of words the rules test for */
  guint32       id_the, id_s, id_dash, id_dot, id_hash, id_apos, id_comma, id_based,
                id_north, id_south, id_korea, id_and, id_according, id_jr, id_sr, id_to,
                id_headquartered, id_or, id_from;
};

/* Folds a piece for lookup (ASCII lower case, ’ and ‘ to '); returns the folded length
 * or 0 if it does not fit @buf. */
gsize    nk_entity_fold          (const char *s,
                                  gsize       len,
                                  char       *buf,
                                  gsize       buf_size);
guint32  nk_entity_dict_lookup   (const NkEntityGazetteer *gz,
                                  const char              *folded,
                                  gsize                    len);
guint32  nk_entity_dict_intern   (NkEntityGazetteer *gz,
                                  const char        *folded,
                                  gsize              len);
gboolean nk_entity_is_common     (const NkEntityGazetteer *gz,
                                  const char              *text,
                                  const NkEntityPiece     *piece);

static inline guint32
nk_entity_word_flags (const NkEntityGazetteer *gz, guint32 id)
{
  return id == NK_ENTITY_NO_ID ? 0 : ((const guint32 *) (gpointer) gz->word_flags->data)[id];
}

static inline guint
nk_entity_word_num (const NkEntityGazetteer *gz, guint32 id)
{
  return id == NK_ENTITY_NO_ID ? 0 : ((const guint8 *) (gpointer) gz->word_num->data)[id];
}

static inline gint32
nk_entity_trie_child (const NkEntityGazetteer *gz, gint32 node, guint32 id)
{
  if (id == NK_ENTITY_NO_ID)
    return -1;
  /* the first step, taken at every word, is an array index once frozen */
  if (node == 0 && gz->root_child && id < gz->root_child->len)
    return ((const gint32 *) (gpointer) gz->root_child->data)[id];
  guint64 key = ((guint64) (guint32) node << 32) | id;
  guint64 h = key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  if (!nk_filter_test (gz->edge_filter, (guint32) (h >> 32)))
    return -1;
  guint mask = gz->edge_cap - 1;
  for (guint i = (guint) (h >> 40) & mask;; i = (i + 1) & mask)
    {
      const NkEdgeSlot *s = &gz->edges[i];
      if (!s->used)
        return -1;
      if (s->key == key)
        return (gint32) s->value;
    }
}

/* Splits text[start, end) into pieces appended to @out (NkEntityPiece). With @gz, looks
 * up each piece's id; without, ids are NO_ID. */
void     nk_entity_scan_pieces   (const NkEntityGazetteer *gz,
                                  const char              *text,
                                  guint32                  start,
                                  guint32                  end,
                                  GArray                  *out);
/* The same into @out, which has room for @end - @start pieces; returns how many.
 * text[end, limit) may be read too (never used): the scanner takes 64 bytes at a time. */
guint    nk_entity_scan_range    (const NkEntityGazetteer *gz,
                                  const char              *text,
                                  guint32                  start,
                                  guint32                  end,
                                  guint32                  limit,
                                  NkEntityPiece           *out);

/* Dates: recognises a date expression starting at piece @i of pieces[0, n) and returns
 * the index one past its last piece, or @i when there is none. Fills @value (24 bytes)
 * when @doc_date is known. */
guint    nk_entity_match_date    (const NkEntityGazetteer *gz,
                                  const char              *text,
                                  const NkEntityPiece     *pieces,
                                  guint                    i,
                                  guint                    n,
                                  const char              *doc_date,
                                  char                    *value);

/* Interns the date grammar's words (nk-entity-date.c). */
void     nk_entity_date_register (NkEntityGazetteer *gz);

G_END_DECLS
