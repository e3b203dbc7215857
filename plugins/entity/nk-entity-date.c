/* nk-entity-date.c — DATE expressions over pieces and their values against the document
 * date.
 *
 * A small grammar, not a lexicon: [modifier] core [part of day], where the core is a
 * weekday, a month with an optional day and year, a year, "last/next/this week|month|
 * year|weekend", "N units ago|later" or today/yesterday/tomorrow. Values follow TIMEX3
 * spelling ("2018-06-12", "2018-06", "2018", "2018-W39", "2018-W39-WE").
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nk-entity"

#include "nk-entity-private.h"

#include <stdio.h>
#include <string.h>

enum {
  DW_NONE, DW_EARLY, DW_LATE, DW_MID, DW_LATER, DW_EARLIER, DW_LAST, DW_NEXT, DW_THIS,
  DW_COMING, DW_PAST, DW_WEEK, DW_MONTH, DW_YEAR, DW_WEEKEND, DW_DAY, DW_DAYS, DW_WEEKS,
  DW_MONTHS, DW_YEARS, DW_AGO, DW_TODAY, DW_YESTERDAY, DW_TOMORROW, DW_TONIGHT,
  DW_MORNING, DW_AFTERNOON, DW_EVENING, DW_NIGHT, DW_MIDNIGHT, DW_NOON, DW_IN, DW_A,
  DW_END, DW_SEVERAL, DW_FEW, DW_ORD, DW_DECADE, DW_DECADES,
  DW_NUM = 64,  /* DW_NUM + n for number words one..twenty */
};

static const char *const date_words[] = {
  NULL, "early", "late", "mid", "later", "earlier", "last", "next", "this", "coming",
  "past", "week", "month", "year", "weekend", "day", "days", "weeks", "months", "years",
  "ago", "today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening",
  "night", "midnight", "noon", "in", "a", "end", "several", "few", "th", "decade",
  "decades",
};

static const char *const number_words[] = {
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
  "eighteen", "nineteen", "twenty",
};

static void
register_word (NkEntityGazetteer *gz, const char *w, guint code)
{
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (w, strlen (w), buf, sizeof buf);
  guint32 id = nk_entity_dict_intern (gz, buf, n);
  guint32 flags = NK_WORD_DATE;
  /* which words may begin a date: the rule pass tries the grammar only there */
  switch (code)
    {
    case DW_EARLY: case DW_LATE: case DW_MID: case DW_LATER: case DW_EARLIER: case DW_LAST:
    case DW_NEXT: case DW_THIS: case DW_COMING: case DW_PAST: case DW_TODAY:
    case DW_YESTERDAY: case DW_TOMORROW: case DW_TONIGHT: case DW_MIDNIGHT: case DW_NOON:
    case DW_YEAR:
      flags |= NK_WORD_DATE_START;
      break;
    case DW_A: case DW_SEVERAL: case DW_FEW:
      flags |= NK_WORD_DATE_COUNT;
      break;
    default:
      if (code > DW_NUM)
        flags |= NK_WORD_DATE_COUNT;
      break;
    }
  g_array_index (gz->word_flags, guint32, id) |= flags;
  g_array_index (gz->word_num, guint8, id) = code;
}

/* Called by nk_entity_gazetteer_new (): the date words get NK_WORD_DATE and their code. */
void
nk_entity_date_register (NkEntityGazetteer *gz)
{
  for (guint i = 1; i < G_N_ELEMENTS (date_words); i++)
    register_word (gz, date_words[i], i);
  static const char *const ords[] = { "st", "nd", "rd" };
  for (guint i = 0; i < G_N_ELEMENTS (ords); i++)
    register_word (gz, ords[i], DW_ORD);
  for (guint i = 1; i < G_N_ELEMENTS (number_words); i++)
    register_word (gz, number_words[i], DW_NUM + i);
}

typedef struct {
  const NkEntityGazetteer *gz;
  const char              *text;
  const NkEntityPiece     *p;
  guint                    n;
} DateCtx;

static guint
dw (const DateCtx *c, guint k)
{
  if (k >= c->n || !(nk_entity_word_flags (c->gz, c->p[k].id) & NK_WORD_DATE))
    return DW_NONE;
  return nk_entity_word_num (c->gz, c->p[k].id);
}

static guint
month_of (const DateCtx *c, guint k)
{
  if (k >= c->n || !(c->p[k].shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS)) ||
      !(nk_entity_word_flags (c->gz, c->p[k].id) & NK_WORD_MONTH))
    return 0;
  return nk_entity_word_num (c->gz, c->p[k].id);
}

static guint
weekday_of (const DateCtx *c, guint k)
{
  if (k >= c->n || !(nk_entity_word_flags (c->gz, c->p[k].id) & NK_WORD_WEEKDAY))
    return 0;
  return nk_entity_word_num (c->gz, c->p[k].id);
}

/* The value of a digit piece, or -1. */
static int
number_at (const DateCtx *c, guint k, guint max_digits)
{
  if (k >= c->n || !(c->p[k].shape & NK_PIECE_DIGITS))
    return -1;
  guint len = c->p[k].end - c->p[k].start;
  if (len > max_digits)
    return -1;
  int v = 0;
  for (guint i = 0; i < len; i++)
    v = v * 10 + (c->text[c->p[k].start + i] - '0');
  return v;
}

static gboolean
glued (const DateCtx *c, guint k)
{
  return k < c->n && !(c->p[k].shape & NK_PIECE_SPACE_BEFORE);
}

static gboolean
is_punct (const DateCtx *c, guint k, guint32 id)
{
  return k < c->n && c->p[k].id == id && !(c->p[k].shape & NK_PIECE_WORD);
}

static int
year_at (const DateCtx *c, guint k)
{
  if (k < c->n && (c->p[k].end - c->p[k].start) != 4)
    return -1;
  int y = number_at (c, k, 4);
  return y >= 1900 && y <= 2099 ? y : -1;
}

typedef struct {
  int  kind;      /* what the value is built from */
  int  year, month, day, weekday, n, unit, shift;
} DateValue;

enum { V_NONE, V_WEEKDAY, V_YMD, V_YEAR, V_REL_UNIT, V_TODAY, V_AGO };

/* Month [day] [, year] | month year. Returns the end piece or @k. */
static guint
match_month (const DateCtx *c, guint k, DateValue *v)
{
  guint m = month_of (c, k);
  if (!m)
    return k;
  guint len = c->p[k].end - c->p[k].start;
  guint j = k + 1;
  gboolean abbr = len <= 4 && m != 5 && !(len == 4 && m == 6) && !(len == 4 && m == 7);
  if (abbr && is_punct (c, j, c->gz->id_dot) && glued (c, j))
    j++;
  else if (abbr)
    {
      /* "Jan" without a period needs a day after it */
      if (number_at (c, j, 2) < 1)
        return k;
    }
  v->kind = V_YMD;
  v->month = m;
  int d = number_at (c, j, 2);
  if (d >= 1 && d <= 31)
    {
      v->day = d;
      j++;
      if (glued (c, j) && dw (c, j) == DW_ORD)
        j++;
      if (is_punct (c, j, c->gz->id_comma) && year_at (c, j + 1) > 0)
        j++;
    }
  int y = year_at (c, j);
  if (y > 0)
    {
      v->year = y;
      j++;
    }
  return j;
}

/* "May" and "March" are also words: alone they need a date-like word before them. */
static gboolean
bare_month_ok (const DateCtx *c, guint k, guint i_first)
{
  guint m = month_of (c, k);
  if (m != 5 && m != 3)
    return TRUE;
  if (k == 0 || k != i_first)
    return TRUE;
  static const char *const ok[] = { "in", "since", "by", "until", "of", "from", "through",
                                    "last", "next", "this", "early", "late", "mid", "before",
                                    "after", "during", "or", "and", "to", "between" };
  const NkEntityPiece *prev = &c->p[k - 1];
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (c->text + prev->start, prev->end - prev->start, buf, sizeof buf);
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    if (n == strlen (ok[i]) && memcmp (buf, ok[i], n) == 0)
      return TRUE;
  return FALSE;
}

static guint
match_unit (const DateCtx *c, guint k, int *unit)
{
  switch (dw (c, k))
    {
    case DW_DAY: case DW_DAYS: *unit = 1; return k + 1;
    case DW_WEEK: case DW_WEEKS: *unit = 7; return k + 1;
    case DW_MONTH: case DW_MONTHS: *unit = 30; return k + 1;
    case DW_YEAR: case DW_YEARS: *unit = 365; return k + 1;
    default: return k;
    }
}

/* A standalone year is a date after a preposition or before punctuation, not a count
 * ("about 2000 troops"). */
static gboolean
year_ok (const DateCtx *c, guint k)
{
  if (k + 1 >= c->n || !(c->p[k + 1].shape & NK_PIECE_WORD))
    return TRUE;
  if (!(c->p[k + 1].shape & NK_PIECE_LOWER))
    return TRUE;
  if (k > 0 && (c->p[k - 1].shape & NK_PIECE_LOWER) && dw (c, k - 1) == DW_IN)
    return TRUE;
  static const char *const ok[] = { "since", "by", "until", "of", "from", "before",
                                    "after", "during", "and", "early", "late", "mid",
                                    "through", "to" };
  if (k == 0)
    return FALSE;
  const NkEntityPiece *prev = &c->p[k - 1];
  char buf[NK_ENTITY_MAX_PIECE];
  gsize n = nk_entity_fold (c->text + prev->start, prev->end - prev->start, buf, sizeof buf);
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    if (n == strlen (ok[i]) && memcmp (buf, ok[i], n) == 0)
      return TRUE;
  return FALSE;
}

static guint
match_core (const DateCtx *c, guint k, guint i_first, DateValue *v)
{
  guint code = dw (c, k);
  guint wd = weekday_of (c, k);
  int y, unit = 0;   /* set by match_unit whenever it matches */

  if (wd && (c->p[k].shape & (NK_PIECE_CAP | NK_PIECE_ALLCAPS)))
    {
      v->kind = V_WEEKDAY;
      v->weekday = wd;
      guint j = k + 1;
      guint part = dw (c, j);
      if (part == DW_MORNING || part == DW_AFTERNOON || part == DW_EVENING ||
          part == DW_NIGHT)
        j++;
      return j;
    }
  if (month_of (c, k))
    {
      if (!bare_month_ok (c, k, i_first) && number_at (c, k + 1, 4) < 0)
        return k;
      return match_month (c, k, v);
    }
  /* "21 Apr 2024" */
  int d = number_at (c, k, 2);
  if (d >= 1 && d <= 31 && month_of (c, k + 1))
    {
      guint j = match_month (c, k + 1, v);
      if (j > k + 1 && v->day == 0)
        {
          v->day = d;
          return j;
        }
    }
  if ((y = year_at (c, k)) > 0 && year_ok (c, k))
    {
      v->kind = V_YEAR;
      v->year = y;
      guint j = k + 1;
      if (is_punct (c, j, c->gz->id_dash) && glued (c, j) && number_at (c, j + 1, 4) >= 0 &&
          glued (c, j + 1))
        j += 2;
      return j;
    }
  switch (code)
    {
    case DW_TODAY: case DW_TONIGHT: v->kind = V_TODAY; return k + 1;
    case DW_YESTERDAY: v->kind = V_TODAY; v->shift = -1; return k + 1;
    case DW_TOMORROW: v->kind = V_TODAY; v->shift = 1; return k + 1;
    case DW_MIDNIGHT: case DW_NOON: v->kind = V_NONE; return k + 1;
    case DW_YEAR:
      /* "year's end" */
      if (is_punct (c, k + 1, c->gz->id_apos) && k + 2 < c->n && c->p[k + 2].id == c->gz->id_s &&
          dw (c, k + 3) == DW_END)
        {
          v->kind = V_NONE;
          return k + 4;
        }
      return k;
    default:
      break;
    }
  /* "three weeks ago", "65 years ago", "a month later" */
  int num = number_at (c, k, 3);
  if (code > DW_NUM)
    num = code - DW_NUM;
  if (code == DW_A || code == DW_SEVERAL || code == DW_FEW)
    num = code == DW_A ? 1 : 0;
  if (num >= 0)
    {
      guint j = match_unit (c, k + 1, &unit);
      guint tail = dw (c, j);
      if (j > k + 1 && (tail == DW_AGO || tail == DW_LATER || tail == DW_EARLIER))
        {
          v->kind = tail == DW_AGO && num > 0 ? V_AGO : V_NONE;
          v->n = num;
          v->unit = unit;
          return j + 1;
        }
    }
  return k;
}

/* last/next/this/coming/past + week|month|year|weekend|weekday|month name|morning */
static guint
match_relative (const DateCtx *c, guint k, guint i_first, DateValue *v)
{
  guint code = dw (c, k);
  int shift = code == DW_LAST || code == DW_PAST ? -1 : code == DW_THIS ? 0 : 1;
  guint j = k + 1, what = dw (c, j);

  if (what == DW_WEEK || what == DW_MONTH || what == DW_YEAR || what == DW_WEEKEND)
    {
      if (code == DW_COMING || code == DW_PAST)
        return k;   /* "the coming week" is vague; leave it */
      v->kind = V_REL_UNIT;
      v->unit = what;
      v->shift = shift;
      return j + 1;
    }
  if (code == DW_THIS && (what == DW_MORNING || what == DW_AFTERNOON ||
                          what == DW_EVENING))
    {
      v->kind = V_TODAY;
      return j + 1;
    }
  if (code == DW_COMING || code == DW_PAST)
    return k;
  guint end = match_core (c, j, i_first, v);
  if (end > j && (v->kind == V_WEEKDAY || (v->kind == V_YMD && v->day == 0)))
    {
      v->shift = shift;
      return end;
    }
  memset (v, 0, sizeof *v);
  return k;
}

/* sscanf "%4d-%2d-%2d", with the usual "YYYY-MM-DD" taken by hand: sscanf costs about
 * two thousand instructions a call, and this runs for every date mention. */
static gboolean
parse_doc_date (const char *s, int *dy, int *dm, int *dd)
{
  static const char shape[] = "dddd-dd-dd";
  for (guint i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (s[i]) : s[i] != '-')
      return sscanf (s, "%4d-%2d-%2d", dy, dm, dd) == 3;
  *dy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  *dm = (s[5] - '0') * 10 + (s[6] - '0');
  *dd = (s[8] - '0') * 10 + (s[9] - '0');
  return TRUE;
}

/* The first @parts of "%04d-%02d-%02d" (year, month, day) into @out (24 bytes), without
 * printf for the usual years. */
static void
format_ymd (char *out, guint parts, int year, int month, int day)
{
  if (year < 0 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99)
    {
      if (parts == 3)
        g_snprintf (out, 24, "%04d-%02d-%02d", year, month, day);
      else if (parts == 2)
        g_snprintf (out, 24, "%04d-%02d", year, month);
      else
        g_snprintf (out, 24, "%04d", year);
      return;
    }
  char *p = out;
  *p++ = (char) ('0' + year / 1000);
  *p++ = (char) ('0' + year / 100 % 10);
  *p++ = (char) ('0' + year / 10 % 10);
  *p++ = (char) ('0' + year % 10);
  if (parts >= 2)
    {
      *p++ = '-';
      *p++ = (char) ('0' + month / 10);
      *p++ = (char) ('0' + month % 10);
    }
  if (parts >= 3)
    {
      *p++ = '-';
      *p++ = (char) ('0' + day / 10);
      *p++ = (char) ('0' + day % 10);
    }
  *p = '\0';
}

static void
format_value (const DateValue *v, const char *doc_date, char *out)
{
  out[0] = '\0';
  int dy, dm, dd;
  if (!doc_date || !parse_doc_date (doc_date, &dy, &dm, &dd) ||
      !g_date_valid_dmy (dd, dm, dy))
    return;
  GDate d;
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, dd, dm, dy);

  switch (v->kind)
    {
    case V_WEEKDAY:
      {
        int today = g_date_get_weekday (&d);
        int back = (today - v->weekday + 7) % 7;
        if (v->shift < 0 && back == 0)
          back = 7;
        if (v->shift > 0)
          g_date_add_days (&d, (v->weekday - today + 7) % 7 ? (v->weekday - today + 7) % 7 : 7);
        else
          g_date_subtract_days (&d, back);
        format_ymd (out, 3, g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d));
        break;
      }
    case V_YMD:
      {
        int y = v->year ? v->year : dy;
        if (!v->year && v->shift)
          y += v->shift < 0 ? (v->month >= dm ? -1 : 0) : (v->month <= dm ? 1 : 0);
        if (v->day)
          format_ymd (out, 3, y, v->month, v->day);
        else
          format_ymd (out, 2, y, v->month, 0);
        break;
      }
    case V_YEAR:
      format_ymd (out, 1, v->year, 0, 0);
      break;
    case V_TODAY:
      if (v->shift > 0)
        g_date_add_days (&d, 1);
      else if (v->shift < 0)
        g_date_subtract_days (&d, 1);
      format_ymd (out, 3, g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d));
      break;
    case V_AGO:
      if (v->unit == 365)
        format_ymd (out, 1, dy - v->n, 0, 0);
      else if (v->unit == 30)
        {
          g_date_subtract_months (&d, v->n);
          format_ymd (out, 2, g_date_get_year (&d), g_date_get_month (&d), 0);
        }
      else
        {
          g_date_subtract_days (&d, v->n * v->unit);
          format_ymd (out, 3, g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d));
        }
      break;
    case V_REL_UNIT:
      if (v->unit == DW_YEAR)
        format_ymd (out, 1, dy + v->shift, 0, 0);
      else if (v->unit == DW_MONTH)
        {
          if (v->shift < 0)
            g_date_subtract_months (&d, 1);
          else if (v->shift > 0)
            g_date_add_months (&d, 1);
          format_ymd (out, 2, g_date_get_year (&d), g_date_get_month (&d), 0);
        }
      else
        {
          if (v->shift < 0)
            g_date_subtract_days (&d, 7);
          else if (v->shift > 0)
            g_date_add_days (&d, 7);
          /* ISO week-numbering year: the year of the week's Thursday */
          GDate thu = d;
          int wd = g_date_get_weekday (&thu);
          if (wd < 4)
            g_date_add_days (&thu, 4 - wd);
          else if (wd > 4)
            g_date_subtract_days (&thu, wd - 4);
          g_snprintf (out, 24, "%04d-W%02u%s", g_date_get_year (&thu),
                      g_date_get_iso8601_week_of_year (&d), v->unit == DW_WEEKEND ? "-WE" : "");
        }
      break;
    default:
      break;
    }
}

guint
nk_entity_match_date (const NkEntityGazetteer *gz, const char *text,
                      const NkEntityPiece *pieces, guint i, guint n, const char *doc_date,
                      char *value)
{
  DateCtx c = { gz, text, pieces, n };
  DateValue v = { 0 };
  guint code = dw (&c, i), end = i;

  value[0] = '\0';
  if (!(pieces[i].shape & NK_PIECE_WORD))
    return i;
  if (code == DW_EARLY || code == DW_LATE || code == DW_MID || code == DW_LATER ||
      code == DW_EARLIER)
    {
      guint j = i + 1;
      if (code == DW_MID && is_punct (&c, j, gz->id_dash))
        j++;
      else if ((code == DW_EARLY || code == DW_LATE) && dw (&c, j) == DW_IN)
        j++;
      guint next = dw (&c, j);
      if (next == DW_LAST || next == DW_NEXT || next == DW_THIS)
        end = match_relative (&c, j, i, &v);
      else
        {
          end = match_core (&c, j, i, &v);
          if (end > j && !(v.kind == V_WEEKDAY || v.kind == V_YEAR ||
                           (v.kind == V_YMD && v.day == 0) || v.kind == V_TODAY))
            end = i;   /* "later three weeks ago" makes no sense */
        }
      if (end == j)
        end = i;
    }
  else if (code == DW_LAST || code == DW_NEXT || code == DW_THIS || code == DW_COMING ||
           code == DW_PAST)
    end = match_relative (&c, i, i, &v);
  else
    end = match_core (&c, i, i, &v);
  if (end > i)
    format_value (&v, doc_date, value);
  return end;
}
