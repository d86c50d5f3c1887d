/*
 * outbox.c - messages from the engine thread to the owner (ew_msg_t): one
 * mutex-protected list, a notify call on its empty -> non-empty edge, records
 * of a kind appended to the newest message while the owner has not taken it
 * (publish() ids, other instances' events), and the bound on those remote
 * events that pauses the Redis relay until the owner takes them.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "engine.h"

/* Appends m to the outbox; notifies the owner unless a notification is
 * already waiting to be taken. */
static void ew__outbox_push(ew_engine_t *e, ew_msg_t *m, size_t remote_bytes) {
  int wake_owner;
  pthread_mutex_lock(&e->out_lock);
  if (e->out_tail)
    e->out_tail->next = m;
  else
    e->out_head = m;
  e->out_tail = m;
  e->out_remote_bytes += remote_bytes;
  wake_owner = !e->out_notified;
  e->out_notified = 1;
  pthread_mutex_unlock(&e->out_lock);
  if (wake_owner) e->notify(e->notify_arg);
}

void ew__engine_post(ew_engine_t *e, ew_msg_kind_t kind, uint32_t req, int64_t value,
                     const char *data, size_t len) {
  ew_msg_t *m = ew__malloc(sizeof *m + len + 1);
  if (!m) return;
  memset(m, 0, sizeof *m);
  m->kind = kind;
  m->req = req;
  m->value = value;
  m->len = m->cap = len;
  if (len) memcpy(m->data, data, len);
  m->data[len] = '\0';
  ew__outbox_push(e, m, 0);
}

/* Appends a record to the newest message when it is of the same kind and
 * has room (the owner has not taken it yet: it was notified when that
 * message was queued), else queues a new message of EW__BATCH_CAP bytes (or
 * the record's size). A burst of records thus costs the JS thread one N-API
 * string, not a 4-element array and five N-API calls each. */
#define EW__BATCH_CAP 32768
static void ew__engine_post_batched(ew_engine_t *e, ew_msg_kind_t kind, const char *rec, size_t n) {
  size_t remote = kind == EW_MSG_REMOTE ? n : 0;
  pthread_mutex_lock(&e->out_lock);
  ew_msg_t *t = e->out_tail;
  if (t && t->kind == kind && t->len + n <= t->cap) {
    memcpy(t->data + t->len, rec, n);
    t->len += n;
    t->data[t->len] = '\0';
    e->out_remote_bytes += remote;
    pthread_mutex_unlock(&e->out_lock); /* the owner was notified when t was queued */
    return;
  }
  pthread_mutex_unlock(&e->out_lock);
  size_t cap = n > EW__BATCH_CAP ? n : EW__BATCH_CAP;
  ew_msg_t *m = ew__malloc(sizeof *m + cap + 1);
  if (!m) m = ew__malloc(sizeof *m + (cap = n) + 1); /* short of memory: this record alone */
  if (!m) return;
  memset(m, 0, sizeof *m);
  m->kind = kind;
  m->cap = cap;
  memcpy(m->data, rec, n);
  m->len = n;
  m->data[n] = '\0';
  ew__outbox_push(e, m, remote);
}

int ew__engine_remote_full(ew_engine_t *e) {
  pthread_mutex_lock(&e->out_lock);
  int full = e->out_remote_bytes >= EW__REMOTE_OUT_MAX;
  if (full && !e->remote_paused) {
    e->remote_paused = 1;
    atomic_fetch_add(&e->relay_pauses, 1);
  }
  pthread_mutex_unlock(&e->out_lock);
  return full;
}

void ew__engine_post_published(ew_engine_t *e, uint32_t req, const char *id, size_t id_len) {
  char line[16 + EW_ID_MAX + 2];
  if (id_len > EW_ID_MAX) { /* not an id this engine makes; answered alone */
    ew__engine_post(e, EW_MSG_REPLY, req, 0, id, id_len);
    return;
  }
  size_t n = ew__u64_put(line, req);
  line[n++] = ' ';
  memcpy(line + n, id, id_len);
  n += id_len;
  line[n++] = '\n';
  ew__engine_post_batched(e, EW_MSG_PUBLISHED, line, n);
}

void ew__engine_post_remote(ew_engine_t *e, const char *type, size_t type_len, const char *json, size_t len, int own) {
  /* Neither separator can be inside: the type is an event name (no control
   * characters) and the envelope is JSON built from fields
   * ew__redis_entry_scan checked (valid JSON has no raw control characters). */
  char small[1024];
  size_t mark = own ? 1 : 0;
  size_t n = mark + type_len + len + 2;
  char *rec = n <= sizeof small ? small : ew__malloc(n);
  if (!rec) return;
  if (own) rec[0] = 0x1d;
  memcpy(rec + mark, type, type_len);
  rec[mark + type_len] = 0x1f;
  memcpy(rec + mark + type_len + 1, json, len);
  rec[n - 1] = 0x1e;
  ew__engine_post_batched(e, EW_MSG_REMOTE, rec, n);
  if (rec != small) ew__free(rec);
}

ew_msg_t *ew_engine_take(ew_engine_t *e) {
  pthread_mutex_lock(&e->out_lock);
  ew_msg_t *m = e->out_head;
  e->out_head = e->out_tail = NULL;
  e->out_notified = 0;
  e->out_remote_bytes = 0;
  int resume = e->remote_paused; /* the relay waits for this take */
  e->remote_paused = 0;
  pthread_mutex_unlock(&e->out_lock);
  if (resume && atomic_load(&e->running)) ev_async_send(e->loop, &e->wake);
  return m;
}

void ew_msg_free(ew_msg_t *m) { ew__free(m); }
