/*
 * units.h - helpers of the C unit tests (test_frame.c, test_history.c,
 * test_text.c, test_inbox.c): event fields from strings, payload checks, a
 * seeded random source.
 */
#ifndef EW_TEST_UNITS_H
#define EW_TEST_UNITS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"

/* Event fields from NUL-terminated strings (NULL = empty). */
static inline ew__event_fields_t fields(const char *type, const char *id, const char *ts, const char *prio,
                                 const char *source, const char *meta, const char *version,
                                 const char *data) {
  ew__event_fields_t f;
  memset(&f, 0, sizeof f);
#define EW_T_SET(field, v) (f.field = (v) ? (v) : "", f.field##_len = (v) ? strlen(v) : 0)
  EW_T_SET(type, type);
  EW_T_SET(id, id);
  EW_T_SET(ts, ts);
  EW_T_SET(priority, prio);
  EW_T_SET(source, source);
  EW_T_SET(metadata, meta);
  EW_T_SET(version, version);
  EW_T_SET(data, data);
#undef EW_T_SET
  return f;
}

/* 1 when the frame's payload is exactly `want` (prints both otherwise). */
static inline int payload_is(const ew__frame_t *f, const char *want) {
  size_t n;
  const char *p = ew__frame_payload(f, &n);
  if (n == strlen(want) && memcmp(p, want, n) == 0) return 1;
  fprintf(stderr, "  payload: %.*s\n  wanted:  %s\n", (int)(n > 400 ? 400 : n), p, want);
  return 0;
}

/* An event frame with type "t" and id ms-seq. */
static inline ew__frame_t *ev(uint64_t ms, uint64_t seq) {
  char id[48];
  snprintf(id, sizeof id, "%llu-%llu", (unsigned long long)ms, (unsigned long long)seq);
  ew__event_fields_t f = fields("t", id, "1", NULL, NULL, NULL, NULL, "null");
  return ew__frame_event(&f);
}

/* A seeded xorshift: the same sequence on every run. */
static inline unsigned rnd(unsigned n) {
  static uint64_t rng_state = 0x9e3779b97f4a7c15u;
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (unsigned)((rng_state * 0x2545f4914f6cdd1du) >> 33) % n;
}

#endif
