/*
 * batch.c - the JS -> engine batch format.
 *
 * A batch is one string of records, each seven fields separated by \x1f (US)
 * and ended by \x1e (RS):
 *   type US id US timestamp US priority US source US metadata-json US data-json RS
 * Neither byte can appear inside a field: event names reject control bytes and
 * JSON.stringify escapes them. One string per batch means one copy across
 * N-API instead of one call per event.
 */
#include <string.h>

#include "engine.h"

#define EW__US '\x1f'
#define EW__RS '\x1e'
#define EW__FIELDS 7

size_t ew__batch_parse(const char *buf, size_t len, ew__record_cb cb, void *arg, size_t *bad) {
  size_t seen = 0;
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *rs = memchr(p, EW__RS, (size_t)(end - p));
    if (!rs) rs = end; /* unterminated tail: still a record, checked below */
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
    if (n != EW__FIELDS || fl[0] == 0 || fl[1] == 0 || fl[6] == 0 || rs == end) {
      if (bad) (*bad)++;
    } else if (cb) {
      ew__record_t r = {f[0], f[1], f[2], f[3], f[4], f[5], f[6],
                        fl[0], fl[1], fl[2], fl[3], fl[4], fl[5], fl[6]};
      cb(&r, arg);
    }
    p = rs + 1;
  }
  return seen;
}
