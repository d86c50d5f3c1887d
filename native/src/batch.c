/*
 * batch.c - the JS -> engine batch format.
 *
 * A batch is one string of records, each nine fields separated by \x1f (US)
 * and ended by \x1e (RS):
 *   type US id US timestamp US priority US source US metadata-json US version
 *   US origin US data-json RS
 * timestamp, priority, source, metadata, version and origin may be empty;
 * an empty timestamp is the id's milliseconds (JS writes it so: one number
 * fewer to format per event); origin is the token of a client `pub` coming
 * back from JS. Neither separator can appear
 * inside a field: names reject control bytes and JSON.stringify escapes them.
 * One string per batch means one copy across N-API instead of one per event.
 */
#include <string.h>

#include "engine.h"

#define EW__US '\x1f'
#define EW__RS '\x1e'
#define EW__FIELDS 9

size_t ew__batch_parse(const char *buf, size_t len, ew__record_cb cb, void *arg, size_t *bad) {
  size_t seen = 0;
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *rs = memchr(p, EW__RS, (size_t)(end - p));
    int terminated = rs != NULL;
    if (!rs) rs = end;
    const char *f[EW__FIELDS];
    size_t fl[EW__FIELDS];
    int n = 0;
    const char *q = p;
    while (n < EW__FIELDS) {
      const char *us = n < EW__FIELDS - 1 ? memchr(q, EW__US, (size_t)(rs - q)) : rs;
      if (!us) break;
      f[n] = q;
      fl[n] = (size_t)(us - q);
      n++;
      q = us + 1;
    }
    seen++;
    if (n == EW__FIELDS && fl[2] == 0 && fl[1]) {
      const char *dash = memchr(f[1], '-', fl[1]);
      f[2] = f[1];
      fl[2] = dash ? (size_t)(dash - f[1]) : 0; /* no dash: not an id, refused below */
    }
    if (n != EW__FIELDS || !terminated || fl[0] == 0 || fl[1] == 0 || fl[2] == 0 || fl[8] == 0 ||
        memchr(f[8], EW__US, fl[8])) {
      if (bad) (*bad)++;
    } else if (cb) {
      ew__record_t r;
      r.f = (ew__event_fields_t){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[8],
                                 fl[0], fl[1], fl[2], fl[3], fl[4], fl[5], fl[6], fl[8]};
      r.origin = f[7];
      r.origin_len = fl[7];
      cb(&r, arg);
    }
    p = rs + 1;
  }
  return seen;
}
