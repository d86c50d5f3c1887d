/* history.c - bounded ring of event frames (see history.h). */
#include "history.h"

#include <string.h>

#include "alloc.h"
#include "eventwire.h"

int ew__history_init(ew__history_t *h, size_t cap, int64_t max_age_ms) {
  memset(h, 0, sizeof *h);
  h->cap = cap;
  h->max_age_ms = max_age_ms;
  if (cap) {
    h->ring = ew__calloc(cap, sizeof *h->ring);
    if (!h->ring) return EW_ENOMEM;
  }
  return 0;
}

/* The evicted mark only moves forward: in Redis mode the ring can hold an
 * event older than a mark set past events never put in it (a publisher's
 * own, ew__history_starts_after), and evicting that one must not move the
 * mark back over them. */
static void ew__history_mark(ew__history_t *h, uint64_t ms, uint64_t seq) {
  if (h->evicted_any && ew__id_cmp(h->evicted_ms, h->evicted_seq, ms, seq) >= 0) return;
  h->evicted_any = 1;
  h->evicted_ms = ms;
  h->evicted_seq = seq;
}

static void ew__history_evict_one(ew__history_t *h) {
  ew__frame_t **slot = &h->ring[h->tail % h->cap];
  ew__history_mark(h, (*slot)->id_ms, (*slot)->id_seq);
  h->evicted++;
  ew__frame_unref(*slot);
  *slot = NULL;
  h->tail++;
}

void ew__history_free(ew__history_t *h) {
  while (h->tail < h->head) ew__history_evict_one(h);
  ew__free(h->ring);
  h->ring = NULL;
}

void ew__history_push(ew__history_t *h, ew__frame_t *f) {
  if (!h->cap) {
    /* No ring: the event is evicted at once, which keeps gap detection true. */
    ew__history_mark(h, f->id_ms, f->id_seq);
    h->evicted++;
    h->tail = ++h->head;
    return;
  }
  if (h->head - h->tail == h->cap) ew__history_evict_one(h);
  ew__frame_ref(f);
  h->ring[h->head % h->cap] = f;
  h->head++;
}

void ew__history_trim_age(ew__history_t *h, uint64_t now_ms) {
  if (h->max_age_ms < 0 || now_ms < (uint64_t)h->max_age_ms) return;
  uint64_t cutoff = now_ms - (uint64_t)h->max_age_ms;
  while (h->tail < h->head && h->ring[h->tail % h->cap]->id_ms < cutoff) ew__history_evict_one(h);
}

ew__frame_t *ew__history_at(const ew__history_t *h, uint64_t pos) {
  if (pos < h->tail || pos >= h->head || !h->cap) return NULL;
  return h->ring[pos % h->cap];
}

uint64_t ew__history_after(const ew__history_t *h, uint64_t ms, uint64_t seq) {
  uint64_t lo = h->tail, hi = h->head;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    const ew__frame_t *f = h->ring[mid % h->cap];
    if (ew__id_cmp(f->id_ms, f->id_seq, ms, seq) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void ew__history_starts_after(ew__history_t *h, uint64_t ms, uint64_t seq) { ew__history_mark(h, ms, seq); }

int ew__history_gap(const ew__history_t *h, uint64_t ms, uint64_t seq) {
  return h->evicted_any && ew__id_cmp(h->evicted_ms, h->evicted_seq, ms, seq) > 0;
}
