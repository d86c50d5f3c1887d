/*
 * redis_entry.c - what a stream entry holds: the event fields eventwire
 * writes (t ts p s m v d) and its bookkeeping (i q l g o), read in one pass
 * and checked, for every reader of the stream (the relay in redis.c,
 * replay and history in redis_read.c, group reads in redis_group.c).
 * Engine thread only; no state.
 */
#include <hiredis/hiredis.h>
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

/* One pass over a stream entry [id, [k, v, ...]]: the event fields and the
 * bookkeeping fields, pointing into the reply (a field looked up by name
 * each was ~10 scans of the pairs per entry on the relay's path). 0 when
 * eventwire wrote it as an event, -1 otherwise (the bookkeeping fields are
 * filled either way): a type that is not an event name, data or metadata
 * that is not JSON, a timestamp or version that is not a number. Every
 * reader (relay, history, group reads) builds envelopes from what passes,
 * so no client ever gets a frame with broken JSON from another writer. */
int ew__redis_entry_scan(const redisReply *entry, const char *delim, ew__entry_t *x) {
  memset(x, 0, sizeof *x);
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[0]->type != REDIS_REPLY_STRING ||
      entry->element[1]->type != REDIS_REPLY_ARRAY)
    return -1;
  const redisReply *fields = entry->element[1];
  ew__event_fields_t *f = &x->ev;
  for (size_t i = 0; i + 1 < fields->elements; i += 2) {
    const redisReply *k = fields->element[i], *v = fields->element[i + 1];
    if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING || k->len == 0 || k->len > 2) continue;
    const char *vs = v->str;
    size_t vl = v->len;
#define EW__SET(ptr, len) ((ptr) ? (void)0 : (void)((ptr) = vs, (len) = vl))
    if (k->len == 2) {
      if (k->str[0] == 't' && k->str[1] == 's') EW__SET(f->ts, f->ts_len);
      continue;
    }
    switch (k->str[0]) {
      case 't': EW__SET(f->type, f->type_len); break;
      case 'p': EW__SET(f->priority, f->priority_len); break;
      case 's': EW__SET(f->source, f->source_len); break;
      case 'm': EW__SET(f->metadata, f->metadata_len); break;
      case 'v': EW__SET(f->version, f->version_len); break;
      case 'd': EW__SET(f->data, f->data_len); break;
      case 'i': EW__SET(x->instance, x->instance_len); break;
      case 'q': EW__SET(x->q, x->q_len); break;
      case 'l': EW__SET(x->local, x->local_len); break;
      case 'g': EW__SET(x->group, x->group_len); break;
      case 'o': EW__SET(x->orig, x->orig_len); break;
      default: break;
    }
#undef EW__SET
  }
  if (!f->type || !f->ts || !f->data || ew_event_name_check(f->type, f->type_len, delim)) return -1;
  if (!ew__json_ok(f->data, f->data_len, 0) || !ew__json_ok(f->ts, f->ts_len, 1) ||
      (f->metadata_len && !ew__json_ok(f->metadata, f->metadata_len, 0)) ||
      (f->version_len && !ew__json_ok(f->version, f->version_len, 1)))
    return -1;
  f->id = entry->element[0]->str;
  f->id_len = entry->element[0]->len;
  return 0;
}
