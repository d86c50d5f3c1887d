/*
 * redis_group.c - the consumer-group read (bus.consume in Redis mode):
 * XREADGROUP on the command connection, with the reply filtered and encoded
 * here on the engine thread rather than in JS. Entries the group does not
 * take (a type outside its patterns, a dead letter retried for another
 * group, an entry eventwire did not write) are XACKed at once; the rest go
 * to JS as one text: how many entries Redis returned (taken or not, so JS
 * can tell the end of the stream from a read its patterns left empty),
 * then one record per entry taken (US = 0x1f, RS = 0x1e):
 *   <entries returned> RS
 *   <stream id> US <event id> US <type> US <timestamp> US <source> US
 *   <priority> US <version> US <metadata JSON> US <data JSON> RS
 * (absent optional fields empty). JS splits it without parsing and builds
 * an envelope only when its handler is about to run, with JSON.parse on the
 * data alone: what a consumer holds is strings, not object trees the garbage
 * collector copies on every scavenge, and no envelope wrapper is parsed.
 * Neither separator can occur in a record: ids are stream ids, the JSON
 * fields were checked (valid JSON has no raw control characters), and an
 * entry whose type, source or priority has a control character is sent in
 * the other form, <stream id> US <event id> US US <envelope JSON> RS (an
 * empty type), which JS parses whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "frame.h"
#include "names.h"
#include "redis_int.h"

/* What the reply callback needs: the group's name and patterns, copied. */
typedef struct ew__group_read {
  ew__redis_t *r;
  uint32_t req;
  int npatterns;
  char *group;
  const char **pattern;
  size_t *pattern_len;
  char block[]; /* pattern[], pattern_len[], then the strings (the members
                   above keep block 8-byte aligned for the two arrays) */
} ew__group_read_t;

static int ew__has_ctl(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20) return 1;
  return 0;
}

/* One record of the reply text (see the top of this file). */
static void ew__group_record(ew__buf_t *b, const char *rid, size_t rid_len, const ew__event_fields_t *f) {
  ew__buf_add(b, rid, rid_len);
  ew__buf_add(b, "\x1f", 1);
  ew__buf_add(b, f->id, f->id_len);
  ew__buf_add(b, "\x1f", 1);
  if (ew__has_ctl(f->type, f->type_len) || ew__has_ctl(f->source, f->source_len) ||
      ew__has_ctl(f->priority, f->priority_len)) {
    ew__buf_add(b, "\x1f", 1);
    ew__envelope_json(b, f);
  } else {
    /* One reservation for the record's fields and separators, then plain
     * copies (16 ew__buf_add calls per entry were a tenth of a read). */
    const char *part[] = {f->type, f->ts, f->source, f->priority, f->version, f->metadata, f->data};
    const size_t part_len[] = {f->type_len, f->ts_len, f->source_len, f->priority_len, f->version_len, f->metadata_len, f->data_len};
    enum { EW__PARTS = sizeof part / sizeof part[0] };
    size_t need = EW__PARTS; /* 6 US + the RS */
    for (size_t i = 0; i < EW__PARTS; i++) need += part_len[i];
    if (ew__buf_reserve(b, need)) return;
    char *p = b->data + b->len;
    for (size_t i = 0; i < EW__PARTS; i++) {
      if (i) *p++ = '\x1f';
      if (part_len[i]) memcpy(p, part[i], part_len[i]);
      p += part_len[i];
    }
    *p++ = '\x1e';
    *p = '\0'; /* as ew__buf_add leaves it (the reservation has room for it) */
    b->len = (size_t)(p - b->data);
    return;
  }
  ew__buf_add(b, "\x1e", 1);
}

/* 1 when group g takes the entry (and fills x), 0 when it is acked unseen,
 * -1 when eventwire did not write it (acked unseen and counted). */
static int ew__group_takes(const ew__group_read_t *g, const redisReply *entry, const char *delim, ew__entry_t *x) {
  if (ew__redis_entry_scan(entry, delim, x)) return -1;
  const ew__event_fields_t *f = &x->ev;
  if (x->group && (x->group_len != strlen(g->group) || memcmp(x->group, g->group, x->group_len))) return 0;
  for (int i = 0; i < g->npatterns; i++)
    if (ew__pattern_match(g->pattern[i], g->pattern_len[i], f->type, f->type_len, delim)) return 1;
  return 0;
}

static void ew__on_group_read(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__group_read_t *g = priv;
  ew__redis_t *r = g->r;
  redisReply *reply = reply_;
  if (!reply) {
    ew__engine_post(r->e, EW_MSG_REPLY, g->req, EW_EREDIS_UNAVAILABLE, "connection lost", 15);
  } else if (reply->type == REDIS_REPLY_ERROR) {
    ew__engine_post(r->e, EW_MSG_REPLY, g->req, EW_EREDIS_UNAVAILABLE, reply->str, reply->len);
  } else {
    /* [[stream, [entry...]]] or nil when nothing is new. */
    const redisReply *entries = NULL;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 && reply->element[0]->type == REDIS_REPLY_ARRAY &&
        reply->element[0]->elements == 2 && reply->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
      entries = reply->element[0]->element[1];
    size_t n = entries ? entries->elements : 0;
    ew__buf_t b;
    ew__buf_init(&b);
    char head[24];
    int head_len = snprintf(head, sizeof head, "%zu\x1e", n);
    ew__buf_add(&b, head, (size_t)head_len);
    const char **skip = n ? ew__malloc((n + 3) * sizeof *skip) : NULL;
    size_t *skip_len = n ? ew__malloc((n + 3) * sizeof *skip_len) : NULL;
    size_t nskip = 0;
    for (size_t i = 0; i < n; i++) {
      const redisReply *entry = entries->element[i];
      /* An entry deleted after it was added to the group comes back with nil fields. */
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[0]->type != REDIS_REPLY_STRING)
        continue;
      ew__entry_t x;
      int takes = ew__group_takes(g, entry, r->e->delim, &x);
      if (takes != 1) {
        if (takes < 0 && entry->element[1]->type == REDIS_REPLY_ARRAY) atomic_fetch_add(&r->e->bad_records, 1);
        if (skip && skip_len) {
          skip[3 + nskip] = entry->element[0]->str;
          skip_len[3 + nskip++] = entry->element[0]->len;
        }
        continue;
      }
      /* A dead letter retried keeps its first id (field o): the idempotency
       * key. Only a stream id is taken (the field is spliced unescaped). */
      uint64_t ms, seq;
      if (x.orig && !ew__id_parse(x.orig, x.orig_len, &ms, &seq)) {
        x.ev.id = x.orig;
        x.ev.id_len = x.orig_len;
      }
      ew__group_record(&b, entry->element[0]->str, entry->element[0]->len, &x.ev);
    }
    if (nskip) {
      skip[0] = "XACK";
      skip_len[0] = 4;
      skip[1] = r->stream;
      skip_len[1] = strlen(r->stream);
      skip[2] = g->group;
      skip_len[2] = strlen(g->group);
      if (r->cmd.ready) redisAsyncCommandArgv(r->cmd.ac, NULL, NULL, (int)(nskip + 3), skip, skip_len);
    }
    if (n && (!skip || !skip_len)) b.failed = 1;
    if (b.failed)
      ew__engine_post(r->e, EW_MSG_REPLY, g->req, EW_ENOMEM, NULL, 0);
    else
      ew__engine_post(r->e, EW_MSG_REPLY, g->req, 0, b.data, b.len);
    ew__free(skip);
    ew__free(skip_len);
    ew__buf_free(&b);
  }
  ew__free(g);
}

void ew__redis_group_read(ew__redis_t *r, const char *const *argv, const size_t *argl, int n, uint32_t req) {
  /* argv: group, consumer, count, pattern... */
  if (n < 4) {
    static const char msg[] = "group read needs a group, a consumer, a count and a pattern";
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EINVAL, msg, sizeof msg - 1);
    return;
  }
  if (!r->cmd.ready) {
    const char *why = r->last_error[0] ? r->last_error : "not connected";
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, why, strlen(why));
    return;
  }
  int np = n - 3;
  size_t strings = argl[0] + 1;
  for (int i = 3; i < n; i++) strings += argl[i] + 1;
  ew__group_read_t *g = ew__malloc(sizeof *g + (size_t)np * (sizeof(char *) + sizeof(size_t)) + strings);
  if (!g) {
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_ENOMEM, NULL, 0);
    return;
  }
  g->r = r;
  g->req = req;
  g->npatterns = np;
  g->pattern = (const char **)(void *)g->block;
  g->pattern_len = (size_t *)(void *)(g->block + (size_t)np * sizeof(char *));
  char *s = g->block + (size_t)np * (sizeof(char *) + sizeof(size_t));
  g->group = s;
  memcpy(s, argv[0], argl[0]);
  s[argl[0]] = '\0';
  s += argl[0] + 1;
  for (int i = 0; i < np; i++) {
    memcpy(s, argv[3 + i], argl[3 + i]);
    s[argl[3 + i]] = '\0';
    g->pattern[i] = s;
    g->pattern_len[i] = argl[3 + i];
    s += argl[3 + i] + 1;
  }
  const char *cmd[] = {"XREADGROUP", "GROUP", argv[0], argv[1], "COUNT", argv[2], "STREAMS", r->stream, ">"};
  size_t cmdl[] = {10, 5, argl[0], argl[1], 5, argl[2], 7, strlen(r->stream), 1};
  if (redisAsyncCommandArgv(r->cmd.ac, ew__on_group_read, g, 9, cmd, cmdl) != REDIS_OK) {
    ew__free(g);
    static const char msg[] = "the command could not be queued";
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, msg, sizeof msg - 1);
  }
}
