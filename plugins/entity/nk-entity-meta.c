/* nk-entity-meta.c — meta.entities: one {canonical, label, count, roles} object per distinct
 * entity of a document, in first-mention order.
 *
 * Mentions are grouped in a typed open-addressing table (no allocation per mention); the
 * value is then written once as JSON text (nk_document_take_meta_json), which the exporter
 * copies as is: no tree of JsonNodes to build, share, export and free per document. The
 * text is what the exporter would write for the equivalent nodes (json-glib strings end at
 * a NUL, so the names written here do too).
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include <string.h>

#include <nkpipe.h>

#include "nk-entity-meta.h"

#define NK_ENTITY_MAX_ROLES 8

typedef struct {
  const char   *canon;        /* static, or valid until the next tagger run */
  gsize         canon_len;
  NkEntityLabel label;
  guint32       hash;
  guint         count;
  guint         n_roles;
  guint32       role_start[NK_ENTITY_MAX_ROLES];
  guint32       role_len[NK_ENTITY_MAX_ROLES];
} NkEntityGroup;

/* The group of a canonical name by where it is stored: within one document the same
 * bytes at the same address with the same label are the same group, so a name met again
 * (most come from the gazetteer) needs neither its hash nor a compare of its bytes. */
#define NK_ENTITY_META_CACHE 64

typedef struct {
  const char *canon;
  guint32     canon_len;
  guint32     label;
  guint32     group;
} NkEntityCacheSlot;

struct _NkEntityMeta {
  NkEntityCacheSlot cache[NK_ENTITY_META_CACHE];   /* canon NULL: empty */
  GArray     *groups;     /* NkEntityGroup, first-mention order */
  GArray     *slots;      /* guint: group index + 1, open addressing */
  guint       room;       /* groups allocated */
  GString    *buf;        /* the JSON text, reused */
};

NkEntityMeta *
nk_entity_meta_new (void)
{
  NkEntityMeta *meta = g_new0 (NkEntityMeta, 1);

  meta->groups = g_array_new (FALSE, FALSE, sizeof (NkEntityGroup));
  meta->slots = g_array_new (FALSE, TRUE, sizeof (guint));
  meta->buf = g_string_sized_new (4096);
  return meta;
}

void
nk_entity_meta_free (NkEntityMeta *meta)
{
  if (!meta)
    return;
  g_array_unref (meta->groups);
  g_array_unref (meta->slots);
  g_string_free (meta->buf, TRUE);
  g_free (meta);
}

/* Starts a document; the table is sized for n_mentions groups at most. */
void
nk_entity_meta_reset (NkEntityMeta *meta, guint n_mentions)
{
  guint cap = 16;

  while (cap < 2 * n_mentions)
    cap *= 2;
  /* room for a group per mention, so that a new group is a store */
  g_array_set_size (meta->groups, n_mentions);
  g_array_set_size (meta->groups, 0);
  meta->room = n_mentions;
  memset (meta->cache, 0, sizeof meta->cache);
  g_array_set_size (meta->slots, 0);
  g_array_set_size (meta->slots, cap);
}

/* Only places keys in this table (groups keep their order of first appearance), so it
 * may take the bytes 8 at a time. */
static guint32
nk_entity_meta_hash (NkEntityLabel label, const char *s, gsize len)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 h = (guint64) label + 1;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, sizeof w);
      h = (h ^ w) * k;
    }
  guint64 tail = 0;
  for (guint b = 0; i < len; i++, b += 8)
    tail |= (guint64) (guchar) s[i] << b;
  h = (h ^ tail) * k;
  return (guint32) (((h ^ len) * k) >> 32);
}

static NkEntityGroup *
nk_entity_meta_group (NkEntityMeta *meta, NkEntityLabel label, const char *canonical,
                      gsize canon_len)
{
  guint32 h = nk_entity_meta_hash (label, canonical, canon_len);
  guint mask = meta->slots->len - 1;
  guint *slot;

  for (guint i = h & mask;; i = (i + 1) & mask)
    {
      slot = &g_array_index (meta->slots, guint, i);
      if (*slot == 0)
        break;
      NkEntityGroup *g = &g_array_index (meta->groups, NkEntityGroup, *slot - 1);
      if (g->hash == h && g->label == label && g->canon_len == canon_len &&
          memcmp (g->canon, canonical, canon_len) == 0)
        return g;
    }
  if (G_UNLIKELY (meta->groups->len >= meta->room))
    {
      guint len = meta->groups->len;
      meta->room = 2 * len + 16;
      g_array_set_size (meta->groups, meta->room);
      g_array_set_size (meta->groups, len);
    }
  NkEntityGroup *g = &g_array_index (meta->groups, NkEntityGroup, meta->groups->len++);
  g->canon = canonical;
  g->canon_len = canon_len;
  g->label = label;
  g->hash = h;
  g->count = 0;
  g->n_roles = 0;
  *slot = meta->groups->len;
  return g;
}

static NkEntityGroup *
nk_entity_meta_group_cached (NkEntityMeta *meta, NkEntityLabel label, const char *canonical,
                             gsize canon_len)
{
  guintptr a = (guintptr) canonical;
  guint at = (guint) ((a ^ (a >> 7) ^ ((guintptr) label << 3)) & (NK_ENTITY_META_CACHE - 1));
  NkEntityCacheSlot *c = &meta->cache[at];
  if (c->canon == canonical && c->canon_len == canon_len && c->label == (guint32) label)
    return &g_array_index (meta->groups, NkEntityGroup, c->group);
  NkEntityGroup *g = nk_entity_meta_group (meta, label, canonical, canon_len);
  if (canon_len <= G_MAXUINT32)
    {
      c->canon = canonical;
      c->canon_len = (guint32) canon_len;
      c->label = (guint32) label;
      c->group = (guint32) (g - (NkEntityGroup *) (gpointer) meta->groups->data);
    }
  return g;
}

/* Counts one mention (with its role, a range of text, when it has one). */
void
nk_entity_meta_add (NkEntityMeta *meta, const char *text, NkEntityLabel label,
                    const char *canonical, gsize canon_len, guint32 role_start,
                    guint32 role_len)
{
  NkEntityGroup *g = nk_entity_meta_group_cached (meta, label, canonical, canon_len);

  g->count++;
  if (role_len == 0)
    return;
  for (guint i = 0; i < g->n_roles; i++)
    if (g->role_len[i] == role_len &&
        memcmp (text + g->role_start[i], text + role_start, role_len) == 0)
      return;
  if (g->n_roles < NK_ENTITY_MAX_ROLES)
    {
      g->role_start[g->n_roles] = role_start;
      g->role_len[g->n_roles++] = role_len;
    }
}

/* A string as the exporter writes a json-glib string node holding it: up to a NUL. */
static void
nk_entity_meta_append_string (GString *out, const char *s, gsize len)
{
  const char *nul = memchr (s, '\0', len);

  nk_json_append_string (out, s, nul ? nul - s : (gssize) len);
}

#define NK_LABEL_MEMBER(name) ",\"label\":\"" name "\",\"count\":"

static void
nk_entity_meta_append_group (GString *out, const NkEntityGroup *g, const char *text)
{
  /* the members after the name, written once per label */
  static const char *const label_members[NK_ENTITY_N_LABELS] = {
    NK_LABEL_MEMBER ("PERSON"), NK_LABEL_MEMBER ("ORG"), NK_LABEL_MEMBER ("GPE"),
    NK_LABEL_MEMBER ("LOC"), NK_LABEL_MEMBER ("FACILITY"), NK_LABEL_MEMBER ("NORP"),
    NK_LABEL_MEMBER ("EVENT"), NK_LABEL_MEMBER ("DATE"),
  };

  nk_buf_append (out, "{\"canonical\":", 13);
  nk_entity_meta_append_string (out, g->canon, g->canon_len);
  nk_buf_append (out, label_members[g->label], strlen (label_members[g->label]));
  nk_json_append_int (out, g->count);
  if (g->n_roles == 0)
    {
      nk_buf_append (out, ",\"roles\":[]}", 12);
      return;
    }
  nk_buf_append (out, ",\"roles\":[", 10);
  for (guint r = 0; r < g->n_roles; r++)
    {
      if (r)
        nk_buf_append_c (out, ',');
      nk_entity_meta_append_string (out, text + g->role_start[r], g->role_len[r]);
    }
  nk_buf_append (out, "]}", 2);
}

/* The document's meta.entities value as JSON text: (transfer full), g_malloc'd, NUL at
 * *@len, for nk_document_take_meta_json (). */
char *
nk_entity_meta_build_json (NkEntityMeta *meta, const char *text, gsize *len)
{
  GString *out = meta->buf;

  g_string_truncate (out, 0);
  nk_buf_append_c (out, '[');
  for (guint i = 0; i < meta->groups->len; i++)
    {
      if (i)
        nk_buf_append_c (out, ',');
      nk_entity_meta_append_group (out, &g_array_index (meta->groups, NkEntityGroup, i), text);
    }
  nk_buf_append_c (out, ']');
  *len = out->len;
  return g_memdup2 (out->str, out->len + 1);
}
