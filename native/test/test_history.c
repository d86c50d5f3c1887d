/*
 * test_history.c - the history ring (history.c): eviction, positions, binary search, gaps, age.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "eventwire.h"
#include "frame.h"
#include "history.h"
#include "inbox.h"
#include "matcher.h"
#include "names.h"
#include "test.h"
#include "units.h"

/* ---- history.c ------------------------------------------------------------------ */

static int at_is(const ew__history_t *h, uint64_t pos, uint64_t ms, uint64_t seq) {
  const ew__frame_t *f = ew__history_at(h, pos);
  return f && f->id_ms == ms && f->id_seq == seq;
}

static void test_history_ring(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 4, -1), 0);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
  CHECK(ew__history_at(&h, 0) == NULL);

  const uint64_t ids[6][2] = {{10, 0}, {10, 1}, {20, 0}, {20, 5}, {30, 0}, {40, 2}};
  ew__frame_t *frames[6];
  for (int i = 0; i < 6; i++) {
    frames[i] = ev(ids[i][0], ids[i][1]);
    ew__history_push(&h, frames[i]);
    CHECK_EQ_INT(frames[i]->refs, 2); /* the history holds its own reference */
    ew__frame_unref(frames[i]);
    if (i == 3) {
      /* full, nothing evicted yet */
      CHECK_EQ_INT(h.tail, 0);
      CHECK_EQ_INT(h.head, 4);
      CHECK_EQ_INT(h.evicted, 0);
      CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
      CHECK(at_is(&h, 0, 10, 0));
    }
  }
  /* the two oldest fell out, in order */
  CHECK_EQ_INT(h.tail, 2);
  CHECK_EQ_INT(h.head, 6);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK_EQ_INT(h.evicted_any, 1);
  CHECK(h.evicted_ms == 10 && h.evicted_seq == 1);
  CHECK(ew__history_at(&h, 0) == NULL);
  CHECK(ew__history_at(&h, 1) == NULL);
  CHECK(at_is(&h, 2, 20, 0));
  CHECK(at_is(&h, 3, 20, 5));
  CHECK(at_is(&h, 4, 30, 0));
  CHECK(at_is(&h, 5, 40, 2));
  CHECK(ew__history_at(&h, 6) == NULL);
  CHECK(ew__history_at(&h, UINT64_MAX) == NULL);
  /* live blocks: the ring and the 4 frames it keeps (the evicted were freed) */
  CHECK_EQ_INT(ew_alloc_live(), live0 + 5);

  /* after(): the first position with an id greater than the given one */
  struct {
    uint64_t ms, seq, pos;
  } after[] = {{0, 0, 2},  {10, 0, 2}, {10, 1, 2}, {19, 99, 2}, {20, 0, 3}, {20, 3, 3},
               {20, 5, 4}, {25, 0, 4}, {30, 0, 5}, {40, 1, 5},  {40, 2, 6}, {40, 3, 6},
               {99, 0, 6}, {UINT64_MAX, UINT64_MAX, 6}};
  for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
    uint64_t got = ew__history_after(&h, after[i].ms, after[i].seq);
    if (got != after[i].pos)
      fprintf(stderr, "  after(%llu-%llu) = %llu, want %llu\n", (unsigned long long)after[i].ms,
              (unsigned long long)after[i].seq, (unsigned long long)got, (unsigned long long)after[i].pos);
    CHECK_EQ_INT(got, after[i].pos);
  }
  /* gap: exactly when an event newer than `since` was evicted (newest evicted: 10-1) */
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 1), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 2), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 20, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 99, 0), 0);

  /* one more push evicts 20-0 */
  ew__frame_t *f = ev(50, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  CHECK_EQ_INT(h.evicted, 3);
  CHECK(h.evicted_ms == 20 && h.evicted_seq == 0);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 1), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 20, 0), 0);
  CHECK(at_is(&h, 6, 50, 0));
  CHECK(ew__history_at(&h, 2) == NULL);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 3);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 5);

  ew__history_free(&h);
  CHECK(h.ring == NULL);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* Many wraps of the ring: after() and at() agree with a linear scan. */
static void test_history_wrap_random(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 7, -1), 0);
  uint64_t ms = 100, seq = 0;
  uint64_t all_ms[500], all_seq[500];
  int bad = 0;
  for (int i = 0; i < 500; i++) {
    if (rnd(3) == 0) {
      ms += 1 + rnd(3);
      seq = 0;
    } else {
      seq += 1 + rnd(2);
    }
    all_ms[i] = ms;
    all_seq[i] = seq;
    ew__frame_t *f = ev(ms, seq);
    ew__history_push(&h, f);
    ew__frame_unref(f);
    uint64_t tail = i + 1 > 7 ? (uint64_t)i + 1 - 7 : 0;
    if (h.tail != tail || h.head != (uint64_t)i + 1) bad++;
    for (uint64_t p = tail; p <= (uint64_t)i; p++)
      if (!at_is(&h, p, all_ms[p], all_seq[p])) bad++;
    /* probe ids around every stored one */
    for (int k = 0; k < 6; k++) {
      uint64_t qms = all_ms[tail] - 1 + rnd((unsigned)(ms - all_ms[tail] + 3));
      uint64_t qseq = rnd((unsigned)seq + 4);
      uint64_t want = tail;
      while (want <= (uint64_t)i && ew__id_cmp(all_ms[want], all_seq[want], qms, qseq) <= 0) want++;
      if (ew__history_after(&h, qms, qseq) != want) bad++;
      int want_gap = tail > 0 && ew__id_cmp(all_ms[tail - 1], all_seq[tail - 1], qms, qseq) > 0;
      if (ew__history_gap(&h, qms, qseq) != want_gap) bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(h.evicted, 493);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 8);
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

static void test_history_cap0(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 0, 1000), 0);
  CHECK(h.ring == NULL);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 0);
  ew__frame_t *a = ev(5, 1), *b = ev(6, 0);
  ew__history_push(&h, a);
  CHECK_EQ_INT(a->refs, 1); /* no ring, no reference kept */
  CHECK_EQ_INT(h.evicted, 1);
  CHECK_EQ_INT(h.head, 1);
  CHECK_EQ_INT(h.tail, 1);
  CHECK(ew__history_at(&h, 0) == NULL);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 1), 0);
  ew__history_push(&h, b);
  CHECK_EQ_INT(b->refs, 1);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK(h.head == 2 && h.tail == 2);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 1), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 6, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 7, 0), 0);
  CHECK_EQ_INT(ew__history_after(&h, 99, 0), 2);
  CHECK(ew__history_at(&h, 1) == NULL);
  CHECK(ew__history_at(&h, 2) == NULL);
  ew__history_trim_age(&h, 1u << 30); /* nothing to trim, no ring to touch */
  CHECK_EQ_INT(h.evicted, 2);
  ew__frame_unref(a);
  ew__frame_unref(b);
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* Redis: what the stream held before the relay started counts as evicted
 * (a resume from before it is replayed from the stream); the marker only
 * moves forward, and the eviction count is not touched. */
static void test_history_starts_after(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 2, -1), 0);
  ew__history_starts_after(&h, 10, 3);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 2), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 9, 99), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 3), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 11, 0), 0);
  CHECK_EQ_INT(h.evicted, 0);
  ew__history_starts_after(&h, 5, 0); /* older: ignored */
  CHECK_EQ_INT(ew__history_gap(&h, 10, 2), 1);
  ew__frame_t *a = ev(11, 0), *b = ev(12, 0), *c = ev(13, 0);
  ew__history_push(&h, a);
  ew__history_push(&h, b);
  ew__history_push(&h, c); /* evicts 11-0: the marker moves there */
  CHECK_EQ_INT(h.evicted, 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 9), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 11, 0), 0);
  ew__history_starts_after(&h, 10, 5); /* behind the eviction: ignored */
  CHECK_EQ_INT(ew__history_gap(&h, 11, 0), 0);
  /* An event older than the mark in the ring (Redis: another instance's,
   * read before a publisher's own that never entered it): evicting it
   * leaves the mark where it is. */
  ew__history_starts_after(&h, 20, 0);
  ew__frame_t *d = ev(14, 0), *e2 = ev(21, 0);
  ew__history_push(&h, d); /* evicts 12-0 */
  ew__history_push(&h, e2); /* evicts 13-0 */
  CHECK_EQ_INT(ew__history_gap(&h, 19, 9), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 20, 0), 0);
  ew__frame_unref(d);
  ew__frame_unref(e2);
  ew__frame_unref(a);
  ew__frame_unref(b);
  ew__frame_unref(c);
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

static void test_history_trim_age(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 4, 1000), 0);
  ew__history_trim_age(&h, 5000); /* empty: nothing happens */
  CHECK_EQ_INT(h.evicted, 0);
  const uint64_t ms[4] = {1000, 1500, 2000, 2500};
  for (int i = 0; i < 4; i++) {
    ew__frame_t *f = ev(ms[i], (uint64_t)i);
    ew__history_push(&h, f);
    ew__frame_unref(f);
  }
  ew__history_trim_age(&h, 500); /* now < max_age: no cutoff */
  CHECK_EQ_INT(h.tail, 0);
  ew__history_trim_age(&h, 2000); /* cutoff 1000: keeps 1000 (not older) */
  CHECK_EQ_INT(h.tail, 0);
  ew__history_trim_age(&h, 2600); /* cutoff 1600: drops 1000 and 1500 */
  CHECK_EQ_INT(h.tail, 2);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK(h.evicted_ms == 1500 && h.evicted_seq == 1);
  CHECK(at_is(&h, 2, 2000, 2));
  CHECK_EQ_INT(ew__history_gap(&h, 1000, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 1500, 1), 0);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 3);
  ew__history_trim_age(&h, 3500); /* cutoff 2500: drops 2000 only */
  CHECK_EQ_INT(h.tail, 3);
  CHECK(at_is(&h, 3, 2500, 3));
  ew__history_trim_age(&h, 100000); /* everything */
  CHECK_EQ_INT(h.tail, 4);
  CHECK_EQ_INT(h.head, 4);
  CHECK_EQ_INT(h.evicted, 4);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 4);
  /* and the ring goes on after being emptied */
  ew__frame_t *f = ev(200000, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  CHECK(at_is(&h, 4, 200000, 0));
  CHECK_EQ_INT(ew__history_after(&h, 2500, 3), 4);
  ew__history_free(&h);

  /* max_age < 0: never trims */
  CHECK_EQ_INT(ew__history_init(&h, 2, -1), 0);
  f = ev(1, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  ew__history_trim_age(&h, UINT64_MAX);
  CHECK_EQ_INT(h.tail, 0);
  CHECK(at_is(&h, 0, 1, 0));
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

int main(void) {
  RUN(test_history_ring);
  RUN(test_history_wrap_random);
  RUN(test_history_cap0);
  RUN(test_history_trim_age);
  RUN(test_history_starts_after);
  return ew_test_finish();
}
