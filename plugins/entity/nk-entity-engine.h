/* nk-entity-engine.h — named-entity recognition and canonicalisation (GLib only).
 *
 * The engine needs no nkpipe core API: a read-only #NkEntityGazetteer (loaded once, shared
 * by all threads) and one #NkEntityTagger per thread that tags a text, given its sentence
 * spans, into non-overlapping mentions with labels and canonical names.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NK_ENTITY_PERSON,
  NK_ENTITY_ORG,
  NK_ENTITY_GPE,
  NK_ENTITY_LOC,
  NK_ENTITY_FACILITY,
  NK_ENTITY_NORP,
  NK_ENTITY_EVENT,
  NK_ENTITY_DATE,
  NK_ENTITY_N_LABELS,
} NkEntityLabel;

const char *nk_entity_label_to_string   (NkEntityLabel label);
gboolean    nk_entity_label_from_string (const char    *str,
                                         NkEntityLabel *label);

#define NK_ENTITY_ERROR (nk_entity_error_quark ())
GQuark nk_entity_error_quark (void);

/**
 * NkEntityError:
 * @NK_ENTITY_ERROR_IO: a gazetteer file could not be read
 * @NK_ENTITY_ERROR_PARSE: a gazetteer file is malformed (the message names file and line)
 */
typedef enum {
  NK_ENTITY_ERROR_IO,
  NK_ENTITY_ERROR_PARSE,
} NkEntityError;

typedef struct _NkEntityGazetteer NkEntityGazetteer;

NkEntityGazetteer *nk_entity_gazetteer_new        (void);
void               nk_entity_gazetteer_free       (NkEntityGazetteer *gz);

/* Loads the built-in data files of @data_dir (countries.tsv, people.tsv, ...). Entries
 * added earlier win over later ones, so load a user gazetteer first. */
gboolean           nk_entity_gazetteer_load_dir   (NkEntityGazetteer *gz,
                                                   const char        *data_dir,
                                                   GError           **error);

/* Loads one gazetteer TSV file (`canonical<TAB>LABEL<TAB>alias|alias<TAB>flags`);
 * @rule names its entries in the `rule` attribute, e.g. "gazetteer:user". */
gboolean           nk_entity_gazetteer_load_tsv   (NkEntityGazetteer *gz,
                                                   const char        *path,
                                                   const char        *rule,
                                                   GError           **error);

/* Adds one entry. @aliases is %NULL-terminated (nullable); @flags is a comma-separated
 * list ("eastern", "default", "nocanon", "gov=COUNTRY", "place=FACILITY"), nullable. @rule must be
 * a static string. Returns FALSE with a message (no file/line) on a bad flag. */
gboolean           nk_entity_gazetteer_add        (NkEntityGazetteer  *gz,
                                                   const char         *canonical,
                                                   NkEntityLabel       label,
                                                   const char *const  *aliases,
                                                   const char         *flags,
                                                   const char         *rule,
                                                   GError            **error);

/* Builds derived keys (family names). Call once after loading; the gazetteer is then
 * read-only and may be shared between threads. */
void               nk_entity_gazetteer_freeze     (NkEntityGazetteer *gz);
guint              nk_entity_gazetteer_get_n_entries (const NkEntityGazetteer *gz);

/**
 * NkEntityMention:
 * @start: byte offset of the mention in the text
 * @end: byte offset one past it
 * @label: the label
 * @rule: (not nullable): the gazetteer or rule that produced it (static string)
 * @role_start: byte offset of a title or role in the text, if @role_end > @role_start
 * @value: for DATE, the normalised value ("2018-06-12", "2018-06", "2018-W39") or ""
 *
 * Use nk_entity_tagger_get_canonical() for the canonical name.
 */
typedef struct {
  guint32       start;
  guint32       end;
  NkEntityLabel label;
  const char   *rule;
  guint32       role_start;
  guint32       role_end;
  char          value[24];
  /* private */
  guint8        canon_src;
  guint32       canon_off;
  guint32       canon_len;
  const char   *canon_static;
  guint32       first_piece;
  guint32       last_piece;
  guint32       sentence;
  gint32        record;
  gint32        person;
} NkEntityMention;

typedef struct _NkEntityTagger NkEntityTagger;

NkEntityTagger        *nk_entity_tagger_new           (const NkEntityGazetteer *gz);
void                   nk_entity_tagger_free          (NkEntityTagger *tagger);

/* Tags @text. @sentences holds @n_sentences pairs of byte offsets [start, end) in text
 * order (nullable: then the whole text is one sentence). @doc_date is "YYYY-MM-DD…" or
 * NULL; without it DATE values are empty. Reuses the tagger's memory. */
void                   nk_entity_tagger_run           (NkEntityTagger *tagger,
                                                       const char     *text,
                                                       gsize           len,
                                                       const guint32  *sentences,
                                                       guint           n_sentences,
                                                       const char     *doc_date);

const NkEntityMention *nk_entity_tagger_get_mentions  (const NkEntityTagger *tagger,
                                                       guint                *n_mentions);

/* The canonical name of @m: a string that stays valid until the next run (static
 * gazetteer data when *@is_static is set), %NULL for NORP and DATE. */
const char            *nk_entity_tagger_get_canonical (const NkEntityTagger  *tagger,
                                                       const NkEntityMention *m,
                                                       gsize                 *len,
                                                       gboolean              *is_static);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkEntityGazetteer, nk_entity_gazetteer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NkEntityTagger, nk_entity_tagger_free)

G_END_DECLS
