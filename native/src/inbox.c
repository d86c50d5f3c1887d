/* inbox.c - bounded MPSC command queue (see inbox.h). */
#include "inbox.h"

#include <string.h>

#include "alloc.h"
#include "eventwire.h"

int ew__inbox_init(ew__inbox_t *q, size_t max_events, size_t max_bytes) {
  memset(q, 0, sizeof *q);
  q->max_events = max_events;
  q->max_bytes = max_bytes;
  return pthread_mutex_init(&q->lock, NULL) ? EW_ENOMEM : 0;
}

void ew__inbox_destroy(ew__inbox_t *q) {
  ew__cmd_t *c = q->head;
  while (c) {
    ew__cmd_t *next = c->next;
    ew__cmd_free(c);
    c = next;
  }
  q->head = q->tail = NULL;
  pthread_mutex_destroy(&q->lock);
}

ew__cmd_t *ew__cmd_new(ew__cmd_kind_t kind, const char *data, size_t len) {
  ew__cmd_t *c = ew__malloc(sizeof *c + len + 1);
  if (!c) return NULL;
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->len = len;
  if (data && len) memcpy(c->data, data, len);
  c->data[len] = '\0';
  return c;
}

void ew__cmd_free(ew__cmd_t *c) { ew__free(c); }

int ew__inbox_push(ew__inbox_t *q, ew__cmd_t *c, int *was_empty) {
  int rc = 0;
  pthread_mutex_lock(&q->lock);
  if (q->closed) {
    rc = EW_ECLOSED;
  } else if (c->kind == EW__CMD_BATCH &&
             (q->events + c->count > q->max_events ||
              q->bytes + c->len > q->max_bytes)) {
    q->rejected += c->count;
    rc = EW_EQUEUE_FULL;
  } else {
    *was_empty = q->head == NULL;
    if (q->tail)
      q->tail->next = c;
    else
      q->head = c;
    q->tail = c;
    c->next = NULL;
    if (c->kind == EW__CMD_BATCH) {
      q->events += c->count;
      q->bytes += c->len;
      if (q->events > q->hwm_events) q->hwm_events = q->events;
      if (q->bytes > q->hwm_bytes) q->hwm_bytes = q->bytes;
    }
    if (c->kind == EW__CMD_CLOSE) q->closed = 1;
  }
  pthread_mutex_unlock(&q->lock);
  return rc;
}

void ew__inbox_seal(ew__inbox_t *q) {
  pthread_mutex_lock(&q->lock);
  q->closed = 1;
  pthread_mutex_unlock(&q->lock);
}

ew__cmd_t *ew__inbox_take(ew__inbox_t *q) {
  pthread_mutex_lock(&q->lock);
  ew__cmd_t *c = q->head;
  q->head = q->tail = NULL;
  q->events = q->bytes = 0;
  pthread_mutex_unlock(&q->lock);
  return c;
}
