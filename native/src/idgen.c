/*
 * idgen.c - process-wide "<ms>-<seq>" ids, strictly increasing across threads.
 *
 * One atomic 64-bit word holds (ms << 20 | seq). A CAS loop moves it forward:
 * a new millisecond resets seq, the same (or an earlier, if the clock stepped
 * back) millisecond bumps seq, and a seq overflow borrows the next
 * millisecond, so ids never repeat or go backwards. Lock-free: any thread
 * of an embedder may take one. (The JS bus numbers its own events on its
 * thread, lib/envelope.js, and Redis numbers them in Redis mode; the C
 * tests and C embedders use this.)
 */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "eventwire.h"

#define EW__SEQ_BITS 20
#define EW__SEQ_MASK ((UINT64_C(1) << EW__SEQ_BITS) - 1)

static _Atomic uint64_t ew__last_id; /* {any thread} */

static uint64_t ew__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

size_t ew_id_next(char *buf, uint64_t *ms_out) {
  uint64_t now = ew__now_ms();
  uint64_t old = atomic_load_explicit(&ew__last_id, memory_order_relaxed);
  uint64_t next;
  do {
    uint64_t ms = old >> EW__SEQ_BITS, seq = old & EW__SEQ_MASK;
    if (now > ms)
      next = now << EW__SEQ_BITS;
    else if (seq < EW__SEQ_MASK)
      next = old + 1;
    else
      next = (ms + 1) << EW__SEQ_BITS;
  } while (!atomic_compare_exchange_weak_explicit(
      &ew__last_id, &old, next, memory_order_relaxed, memory_order_relaxed));
  if (ms_out) *ms_out = next >> EW__SEQ_BITS;
  size_t n = ew__id_put(buf, next >> EW__SEQ_BITS, next & EW__SEQ_MASK);
  buf[n] = '\0';
  return n;
}
