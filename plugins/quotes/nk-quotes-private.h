/* nk-quotes-private.h — what the engine's files share and nothing else sees.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "nk-quotes-engine.h"

G_BEGIN_DECLS

/* Word classes from the lexicon; a word may carry several. */
enum {
  NK_LEX_VERB        = 1u << 0,
  NK_LEX_PART        = 1u << 1,
  NK_LEX_PHRASE      = 1u << 2,
  NK_LEX_PHRASE_HEAD = 1u << 3,
  NK_LEX_NCUE        = 1u << 4,
  NK_LEX_PNOUN       = 1u << 5,
  NK_LEX_INOUN       = 1u << 6,
  NK_LEX_SKIP        = 1u << 7,
  NK_LEX_TITLE       = 1u << 8,
  NK_LEX_DET_DEF     = 1u << 9,
  NK_LEX_DET_IND     = 1u << 10,
  NK_LEX_PREP        = 1u << 11,
  NK_LEX_REL         = 1u << 12,
  NK_LEX_COMP        = 1u << 13,
  NK_LEX_CONJ        = 1u << 14,
  NK_LEX_SUB         = 1u << 15,
  NK_LEX_PRON_M      = 1u << 16,
  NK_LEX_PRON_F      = 1u << 17,
  NK_LEX_PRON_N      = 1u << 18,
  NK_LEX_PRON_P      = 1u << 19,
  NK_LEX_PRON_1      = 1u << 20,
  NK_LEX_QVERB       = 1u << 21,
};

#define NK_LEX_CUE   (NK_LEX_VERB | NK_LEX_PART | NK_LEX_PHRASE | NK_LEX_QVERB)
#define NK_LEX_DET   (NK_LEX_DET_DEF | NK_LEX_DET_IND)
#define NK_LEX_PRON  (NK_LEX_PRON_M | NK_LEX_PRON_F | NK_LEX_PRON_N | NK_LEX_PRON_P | NK_LEX_PRON_1)

/* Longer words are never looked up (no entry is that long). */
#define NK_QUOTE_MAX_WORD 48

/* One slot of the lookup table: open addressing over FNV-1a of the lower-cased key. */
typedef struct {
  const char *key;       /* NULL: empty slot; owned by @words */
  guint32     hash;
  guint32     len;
  guint32     flags;
} NkQuoteSlot;

/* A slot of the table for keys of up to 16 bytes: the lower-cased bytes packed into two
 * integers, so a lookup costs no hash loop and no byte compare. */
typedef struct {
  guint64 k0;          /* bytes 0..7, little end first, zero-padded */
  guint64 k1;          /* bytes 8..15 */
  guint32 len;         /* 0: empty slot */
  guint32 flags;
} NkQuotePacked;

#define NK_QUOTE_PACKED_MAX 16

struct _NkQuoteLexicon {
  GHashTable  *words;     /* lower-case word or phrase -> flags */
  GHashTable  *demonyms;  /* lower-case adjective -> country name */
  GHashTable  *names;     /* lower-case given name -> 'M' or 'F' */
  NkQuoteSlot *slots;     /* built from @words once loaded: keys longer than 16 bytes */
  guint32      mask;
  guint32      max_len;
  NkQuotePacked *packed;  /* keys of up to NK_QUOTE_PACKED_MAX bytes */
  guint32      packed_mask;
  guint32      packed_shift;
};

/* The hash of a packed key; a table of 2^b slots takes its top b bits. */
static inline guint64
nk_quote_packed_hash (guint64 k0,
                      guint64 k1,
                      gsize   len)
{
  return (k0 ^ (k1 * 0xC2B2AE3D27D4EB4Full) ^ len) * 0x9E3779B97F4A7C15ull;
}

static inline guint32
nk_quote_packed_index (const NkQuoteLexicon *lex,
                       guint64               k0,
                       guint64               k1,
                       gsize                 len)
{
  return (guint32) (nk_quote_packed_hash (k0, k1, len) >> lex->packed_shift);
}

/* Flags of a key of up to NK_QUOTE_PACKED_MAX bytes, packed and lower-cased. */
static inline guint
nk_quote_lexicon_lookup_packed (const NkQuoteLexicon *lex,
                                guint64               k0,
                                guint64               k1,
                                gsize                 len)
{
  for (guint32 i = nk_quote_packed_index (lex, k0, k1, len);; i = (i + 1) & lex->packed_mask)
    {
      const NkQuotePacked *slot = &lex->packed[i];
      if (slot->len == 0)
        return 0;
      if (slot->k0 == k0 && slot->k1 == k1 && slot->len == len)
        return slot->flags;
    }
}

/* Lower-cases the ASCII capitals among eight bytes at once (other bytes are kept). */
static inline guint64
nk_quote_lower8 (guint64 x)
{
  const guint64 high = 0x8080808080808080ull;
  guint64 low7 = x & ~high;
  guint64 from_a = low7 + 0x3F3F3F3F3F3F3F3Full;  /* high bit: byte >= 'A' */
  guint64 past_z = low7 + 0x2525252525252525ull;  /* high bit: byte > 'Z' */
  return x | ((from_a & ~past_z & ~x & high) >> 2);
}

/* Flags of a word or phrase given as bytes in any ASCII case; 0 when unknown. */
guint       nk_quote_lexicon_lookup  (const NkQuoteLexicon *lex,
                                      const char           *bytes,
                                      gsize                 len);
const char *nk_quote_lexicon_demonym (const NkQuoteLexicon *lex,
                                      const char           *key);
/* 'M', 'F' or 0 for a given name written in any case. */
char        nk_quote_lexicon_gender  (const NkQuoteLexicon *lex,
                                      const char           *name,
                                      gsize                 len);

/* ---- the finder's working types, shared by the engine's files ---- */

/* How far (bytes) around a quotation the engine looks for its attribution. */
#define NK_QUOTE_WINDOW 800
/* How many sentences back pronouns and descriptions may reach. */
#define NK_QUOTE_LOOKBACK 6

typedef struct {
  guint32  mark;        /* byte offset of the opening mark */
  guint32  start;       /* interior, trimmed */
  guint32  end;
  guint32  close_end;   /* one past the closing mark (or the paragraph's end when unclosed) */
  guint    para;
  gboolean unclosed;
  gboolean para_start;  /* the mark opens its paragraph */
} NkRawQuote;

enum {
  TK_WORD,
  TK_COMMA,
  TK_COLON,
  TK_SEMI,
  TK_QMARK,
  TK_DASH,
  TK_PAREN,
  TK_PUNCT,
  TK_SELF,   /* the quotation being attributed */
};

typedef struct {
  guint32 start;
  guint32 end;
  guint32 lex;
  gint32  ent;         /* index of the overlapping entity, or -1 */
  guint8  kind;
  guint8  in_quote;    /* inside another quotation's interior */
  guint8  cap;         /* starts with an upper-case letter */
  guint8  poss;        /* ends in ’s or 's */
  guint8  phrase_len;  /* tokens of the lexicon phrase starting here */
} NkTok;

typedef enum {
  SP_UNRESOLVED,  /* no reporting structure recognised: other rules may still apply */
  SP_NULL,        /* recognised, but the text names nobody (an unnamed source) */
  SP_ENTITY,
  SP_STRING,      /* a lexicon string (demonym -> country) */
  SP_TEXT,        /* a capitalised name the entity layer missed */
} NkSpKind;

typedef struct {
  NkSpKind     kind;
  gint32       ent;
  const char  *str;
  gsize        len;
  NkQuoteLabel label;
  char         gender;    /* 'M'/'F' when a pronoun named the speaker, else 0 */
  gboolean     has_mention;
  guint32      m_start;
  guint32      m_end;
} NkSpeaker;

typedef struct {
  guint     s0;       /* sentence of the opening mark */
  guint     s1;       /* sentence of the closing mark */
  guint     para;
  NkSpeaker sp;
} NkQuoteInfo;

struct _NkQuoteFinder {
  const NkQuoteLexicon *lex;
  const NkQuoteInput   *in;
  const NkQuoteRange   *sents;
  guint                 n_sents;
  const NkQuoteRange   *pars;
  guint                 n_pars;
  GArray               *line_pars;  /* NkQuoteRange: paragraphs when the input has none */
  GArray               *raws;       /* NkRawQuote */
  /* where the paragraph scan's searches for '"' and 0xE2 stand: for a scan starting at
   * or after next_from, the first of each at or after the start unless they lie before
   * it (NULL: none up to the text's end) */
  const char           *next_q;
  const char           *next_e;
  gsize                 next_from;
  GArray               *emitted;    /* gint: output index of each raw quote, or -1 */
  NkTok                *toks;       /* the current window: n_toks of toks_cap */
  guint                 n_toks;
  guint                 toks_cap;
  guint                 n_heads;    /* tokens of the window that may start a phrase */
  /* Lower bounds that tokenizing the next window may start from when it starts at or
   * after scan_pos: the first entity ending after it and the first raw quote closing
   * after it (saves two searches per window). */
  guint32               scan_pos;
  guint                 scan_ent;
  guint                 scan_raw;
  gboolean              raws_sorted;  /* raw quotes close in text order (scan_raw holds) */
  gboolean              sents_sorted; /* sentences start in text order (s0 hints hold) */
  NkQuote              *quotes;     /* n_quotes of quotes_cap */
  NkQuoteInfo          *infos;      /* parallel to quotes */
  guint                 n_quotes;
  guint                 quotes_cap;
  /* the window being analysed */
  guint                 s0;
  gboolean              at_start;   /* the window starts at the sentence's start */
  guint                 self;       /* index of the TK_SELF token */
};


#define NK_LDQUO 0x9C  /* “ */
#define NK_RDQUO 0x9D  /* ” */
#define NK_RSQUO 0x99  /* ’ */
#define NK_NDASH 0x93
#define NK_MDASH 0x94


static inline gboolean
nk_is_space_byte (guchar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* U+2018..U+201D share the prefix E2 80; returns the last byte, or 0. */
static inline guchar
nk_punct3 (const char *t, gsize i, gsize len)
{
  if ((guchar) t[i] == 0xE2 && i + 2 < len && (guchar) t[i + 1] == 0x80)
    return (guchar) t[i + 2];
  return 0;
}

static inline NkTok *
nk_tok (NkQuoteFinder *f,
        gint           i)
{
  return &f->toks[i];
}

static inline gint
nk_n_toks (const NkQuoteFinder *f)
{
  return (gint) f->n_toks;
}

static inline gboolean
nk_label_speaks (NkQuoteLabel label)
{
  return label == NK_QUOTE_LABEL_PERSON || label == NK_QUOTE_LABEL_ORG
         || label == NK_QUOTE_LABEL_GPE || label == NK_QUOTE_LABEL_FACILITY;
}

void      nk_quote_load_entity     (const NkQuoteFinder *f, gint32 e);

/* Entity @e with its label, canonical name and role (only its span may be read
 * directly from the input). */
static inline const NkQuoteEntity *
nk_ent (const NkQuoteFinder *f,
        gint32               e)
{
  const NkQuoteEntity *ent = &f->in->entities[e];
  if (G_UNLIKELY (ent->pending))
    nk_quote_load_entity (f, e);
  return ent;
}

static inline gboolean
nk_is_word (const NkTok *t)
{
  return t->kind == TK_WORD && !t->in_quote;
}

/* nk-quotes-text.c: characters, paragraphs, quote marks, tokens */
gboolean  nk_quote_is_space_at     (const char *t, gsize i, gsize len, guint *n);
gboolean  nk_quote_is_upper_at     (const char *t, gsize i, gsize len);
guint     nk_quote_range_index     (const NkQuoteRange *r, guint n, guint32 off);
guint     nk_quote_range_index_from (const NkQuoteRange *r, guint n, guint32 off, guint hint);
guint     nk_quote_entity_after    (const NkQuoteInput *in, guint32 off);
gboolean  nk_quote_in_quote        (const NkQuoteFinder *f, guint32 off);
void      nk_quote_line_paragraphs (NkQuoteFinder *f);
void      nk_quote_scan_paragraph  (NkQuoteFinder *f, guint pi);
guint     nk_quote_count_words     (const char *t, guint32 start, guint32 end, guint limit);
gboolean  nk_quote_is_title_case   (const char *t, guint32 start, guint32 end);
void      nk_quote_tokenize        (NkQuoteFinder *f, gsize a, gsize b);
void      nk_quote_add_tok         (NkQuoteFinder *f, guint8 kind, gsize start, gsize end);
void      nk_quote_annotate        (NkQuoteFinder *f);

/* nk-quotes-speaker.c: from a reporting cue to its speaker */
NkSpeaker nk_quote_sp_none         (void);
NkSpeaker nk_quote_sp_entity       (const NkQuoteFinder *f, gint32 e);
gboolean  nk_quote_tok_speaker_ent (const NkQuoteFinder *f, const NkTok *t);
NkSpeaker nk_quote_resolve_cue     (NkQuoteFinder *f, gint k, guint depth);
NkSpeaker nk_quote_post_np         (NkQuoteFinder *f, gint k);
NkSpeaker nk_quote_left_subject    (NkQuoteFinder *f, gint i, guint depth);

G_END_DECLS
