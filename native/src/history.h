/*
 * history.h - the bounded ring of recent event frames (embedded mode).
 *
 * Events get consecutive absolute positions (seq); the ring holds positions
 * [tail, head). Ids increase with position, so an id maps to a position by
 * binary search. Bounded by count and by age; what falls out is counted, and
 * the id of the newest evicted event is kept to tell a resume with an older
 * `since` that it has a gap. Engine thread only.
 */
#ifndef EW_HISTORY_H
#define EW_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

typedef struct ew__history {
  ew__frame_t **ring;  /* {engine} cap slots */
  size_t cap;
  uint64_t tail, head; /* {engine} absolute positions */
  int64_t max_age_ms;  /* < 0: no age limit */
  int evicted_any;
  uint64_t evicted_ms, evicted_seq; /* id of the newest evicted event */
  uint64_t evicted;    /* count */
} ew__history_t;

int ew__history_init(ew__history_t *h, size_t cap, int64_t max_age_ms);
void ew__history_free(ew__history_t *h);
/* Takes a reference to f; evicts the oldest when full. */
void ew__history_push(ew__history_t *h, ew__frame_t *f);
/* Evicts events older than max_age_ms before now_ms. */
void ew__history_trim_age(ew__history_t *h, uint64_t now_ms);
/* The frame at an absolute position in [tail, head), else NULL. */
ew__frame_t *ew__history_at(const ew__history_t *h, uint64_t pos);
/* The position of the first event whose id is greater than (ms, seq). */
uint64_t ew__history_after(const ew__history_t *h, uint64_t ms, uint64_t seq);
/* True when events newer than (ms, seq) were evicted: a resume from there
 * has a gap. */
int ew__history_gap(const ew__history_t *h, uint64_t ms, uint64_t seq);
/* Events up to (ms, seq) were never in the ring (Redis: the stream held them
 * before the relay started): a resume from before them is a gap the stream
 * fills, as if they had been evicted (the eviction count stays). */
void ew__history_starts_after(ew__history_t *h, uint64_t ms, uint64_t seq);

#endif
