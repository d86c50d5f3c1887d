/*
 * redis_entry.c - what a stream entry holds: the event fields eventwire
 * writes (t ts p s m v d) and its bookkeeping (i q l g o). Written packed,
 * one field "ew" whose value is a JSON object of those keys (Redis spends
 * about half the CPU on one field that it spends on ten: per XADD, per
 * read-back by every instance's relay, per byte of memory); read in either
 * layout, in one pass, and checked, for every reader of the stream (the
 * relay in redis.c, replay and history in redis_read.c, group reads in
 * redis_group.c). Engine thread only; no state.
 */
#include <hiredis/hiredis.h>
#include <stddef.h>
#include <string.h>

#include "json.h"
#include "names.h"
#include "redis_int.h"

/* Raw JSON spliced into an envelope must be one JSON value; a number field
 * (ts, version) one JSON number. */
static int ew__json_ok(const char *s, size_t len, int number) {
  if (ew__json_valid(s, len)) return 0;
  return !number || s[0] == '-' || (s[0] >= '0' && s[0] <= '9');
}

/* Where the value of key k goes in x, and what it must be: 's' a JSON string
 * (kept without its quotes, decoded if it holds escapes), 'n' a JSON number,
 * 'j' any JSON value. NULL for keys eventwire does not write. */
typedef struct ew__entry_key {
  const char **ptr;
  size_t *len;
  char kind;
  int bit; /* in x->wrong_kind */
} ew__entry_key_t;

static ew__entry_key_t ew__entry_key(ew__entry_t *x, const char *k, size_t kl) {
  ew__event_fields_t *f = &x->ev;
  ew__entry_key_t r = {NULL, NULL, 0, 0};
#define EW__KEY(p, l, c, b) (r.ptr = &(p), r.len = &(l), r.kind = (c), r.bit = (b))
  if (kl == 2) {
    if (k[0] == 't' && k[1] == 's') EW__KEY(f->ts, f->ts_len, 'n', 1);
    return r;
  }
  if (kl != 1) return r;
  switch (k[0]) {
    case 't': EW__KEY(f->type, f->type_len, 's', 0); break;
    case 'p': EW__KEY(f->priority, f->priority_len, 's', 2); break;
    case 's': EW__KEY(f->source, f->source_len, 's', 3); break;
    case 'm': EW__KEY(f->metadata, f->metadata_len, 'j', 4); break;
    case 'v': EW__KEY(f->version, f->version_len, 'n', 5); break;
    case 'd': EW__KEY(f->data, f->data_len, 'j', 6); break;
    case 'i': EW__KEY(x->instance, x->instance_len, 's', 7); break;
    case 'q': EW__KEY(x->q, x->q_len, 'n', 8); break;
    case 'l': EW__KEY(x->local, x->local_len, 'j', 9); break;
    case 'g': EW__KEY(x->group, x->group_len, 's', 10); break;
    case 'o': EW__KEY(x->orig, x->orig_len, 's', 11); break;
    default: break;
  }
#undef EW__KEY
  return r;
}

static const char *ew__skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* One member's value v (vl bytes, checked JSON) into x; a key eventwire
 * writes with the wrong kind of value is noted in x->wrong_kind. -1 when
 * its strings need more decoding room than x has. As JSON.parse reads the
 * object (lib/redis-group.js reads entries XAUTOCLAIM hands over): keys
 * with escapes are decoded, and of a repeated key the last one counts. */
static int ew__entry_member(ew__entry_t *x, const char *k, size_t kl, const char *v, size_t vl) {
  char decoded[32];
  if (memchr(k, '\\', kl)) {
    if (kl > sizeof decoded) return 0; /* longer than any escaped form of eventwire's keys */
    kl = ew__json_unescape(k, kl, decoded);
    k = decoded;
  }
  ew__entry_key_t key = ew__entry_key(x, k, kl);
  if (!key.ptr) return 0; /* another writer's key */
  /* A value of the wrong kind makes the entry no event unless a later
   * occurrence of the key replaces it (the last one counts). */
  if ((key.kind == 'n' && *v != '-' && (*v < '0' || *v > '9')) || (key.kind == 's' && *v != '"')) {
    x->wrong_kind |= 1u << key.bit;
    *key.ptr = NULL;
    *key.len = 0;
    return 0;
  }
  x->wrong_kind &= ~(1u << key.bit);
  if (key.kind == 's') {
    v++;
    vl -= 2;
    if (memchr(v, '\\', vl)) {
      if (vl > sizeof x->unescaped - x->unescaped_len) return -1;
      char *out = x->unescaped + x->unescaped_len;
      vl = ew__json_unescape(v, vl, out);
      x->unescaped_len += vl;
      v = out;
    }
  }
  *key.ptr = v;
  *key.len = vl;
  return 0;
}

/* The packed layout: one JSON object. Each value is checked as it is
 * passed, so the event's data needs no second pass. With `peek`, stops as
 * soon as the instance and its sequence are known (1), before the data
 * eventwire writes last. */
static int ew__entry_unpack(const char *s, size_t len, ew__entry_t *x, int peek) {
  const char *p = ew__skip_ws(s, s + len), *end = s + len;
  if (p >= end || *p != '{') return -1;
  p = ew__skip_ws(p + 1, end);
  if (p < end && *p == '}') return ew__skip_ws(p + 1, end) == end ? 0 : -1;
  for (;;) {
    if (p >= end || *p != '"') return -1;
    ptrdiff_t kl = ew__json_value_len(p, (size_t)(end - p));
    if (kl < 2) return -1;
    const char *k = p + 1;
    p = ew__skip_ws(p + kl, end);
    if (p >= end || *p != ':') return -1;
    p = ew__skip_ws(p + 1, end);
    ptrdiff_t vl = ew__json_value_len(p, (size_t)(end - p));
    if (vl <= 0) return -1;
    if (ew__entry_member(x, k, (size_t)kl - 2, p, (size_t)vl)) return -1;
    if (peek && x->instance && x->q) return x->wrong_kind ? -1 : 1;
    p = ew__skip_ws(p + vl, end);
    if (p < end && *p == ',') {
      p = ew__skip_ws(p + 1, end);
      continue;
    }
    if (p < end && *p == '}') return ew__skip_ws(p + 1, end) == end && !x->wrong_kind ? 0 : -1;
    return -1;
  }
}

/* One pass over a stream entry [id, [k, v, ...]]: the event fields and the
 * bookkeeping fields, pointing into the reply (a field looked up by name
 * each was ~10 scans of the pairs per entry on the relay's path) or into
 * x->unescaped. 0 when eventwire wrote it as an event, -1 otherwise (the
 * bookkeeping fields are filled either way): a type that is not an event
 * name, data or metadata that is not JSON, a timestamp or version that is
 * not a number. Every reader (relay, history, group reads) builds envelopes
 * from what passes, so no client ever gets a frame with broken JSON from
 * another writer. */
int ew__redis_entry_scan(const redisReply *entry, const char *delim, ew__entry_t *x) {
  memset(x, 0, offsetof(ew__entry_t, unescaped)); /* not the 4 KB scratch: once per entry read */
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[0]->type != REDIS_REPLY_STRING ||
      entry->element[1]->type != REDIS_REPLY_ARRAY)
    return -1;
  const redisReply *fields = entry->element[1];
  ew__event_fields_t *f = &x->ev;
  int packed = fields->elements == 2 && fields->element[0]->type == REDIS_REPLY_STRING &&
               fields->element[1]->type == REDIS_REPLY_STRING && fields->element[0]->len == 2 &&
               !memcmp(fields->element[0]->str, "ew", 2);
  if (packed) {
    if (ew__entry_unpack(fields->element[1]->str, fields->element[1]->len, x, 0)) return -1;
  } else {
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
      const redisReply *k = fields->element[i], *v = fields->element[i + 1];
      if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) continue;
      ew__entry_key_t key = ew__entry_key(x, k->str, k->len);
      if (key.ptr && !*key.ptr) {
        *key.ptr = v->str;
        *key.len = v->len;
      }
    }
  }
  if (!f->type || !f->ts || !f->data || ew_event_name_check(f->type, f->type_len, delim)) return -1;
  /* Packed values were checked as JSON of their kind on the way. */
  if (!packed && (!ew__json_ok(f->data, f->data_len, 0) || !ew__json_ok(f->ts, f->ts_len, 1) ||
                  (f->metadata_len && !ew__json_ok(f->metadata, f->metadata_len, 0)) ||
                  (f->version_len && !ew__json_ok(f->version, f->version_len, 1))))
    return -1;
  f->id = entry->element[0]->str;
  f->id_len = entry->element[0]->len;
  return 0;
}

int ew__redis_entry_peek(const redisReply *entry, ew__entry_t *x) {
  memset(x, 0, offsetof(ew__entry_t, unescaped));
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[1]->type != REDIS_REPLY_ARRAY) return -1;
  const redisReply *fields = entry->element[1];
  if (fields->elements != 2 || fields->element[0]->type != REDIS_REPLY_STRING ||
      fields->element[1]->type != REDIS_REPLY_STRING || fields->element[0]->len != 2 ||
      memcmp(fields->element[0]->str, "ew", 2))
    return -1;
  return ew__entry_unpack(fields->element[1]->str, fields->element[1]->len, x, 1) == 1 ? 0 : -1;
}

/* `key` (`,"k":`) then the value: v as a JSON string, or as it is (JSON). */
static void ew__pack_member(ew__buf_t *b, const char *key, const char *v, size_t vl, int string) {
  ew__buf_adds(b, key);
  if (string)
    ew__buf_add_json_str(b, v, vl);
  else
    ew__buf_add(b, v, vl);
}

void ew__redis_entry_pack(ew__buf_t *b, const ew__event_fields_t *f, uint64_t seq, int delivered, const char *instance) {
  ew__pack_member(b, "{\"t\":", f->type, f->type_len, 1);
  ew__pack_member(b, ",\"ts\":", f->ts, f->ts_len, 0);
  if (f->priority_len) ew__pack_member(b, ",\"p\":", f->priority, f->priority_len, 1);
  if (f->source_len) ew__pack_member(b, ",\"s\":", f->source, f->source_len, 1);
  if (f->metadata_len) ew__pack_member(b, ",\"m\":", f->metadata, f->metadata_len, 0);
  if (f->version_len) ew__pack_member(b, ",\"v\":", f->version, f->version_len, 0);
  if (delivered) ew__buf_add(b, ",\"l\":1", 6); /* before i and q: a peek stops at them */
  ew__pack_member(b, ",\"i\":", instance, strlen(instance), 1);
  char q[32] = ",\"q\":";
  ew__buf_add(b, q, 5 + ew__u64_put(q + 5, seq));
  ew__buf_add(b, ",\"d\":", 5);
  if (f->data_len)
    ew__buf_add(b, f->data, f->data_len);
  else
    ew__buf_add(b, "null", 4);
  ew__buf_add(b, "}", 1);
}
