/* buf.c - growable byte buffer (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "eventwire.h"

void ew__buf_init(ew__buf_t *b) { memset(b, 0, sizeof *b); }

void ew__buf_free(ew__buf_t *b) {
  ew__free(b->data);
  ew__buf_init(b);
}

int ew__buf_reserve(ew__buf_t *b, size_t n) {
  if (b->failed) return EW_ENOMEM;
  if (b->len + n + 1 <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + n + 1) cap *= 2;
  char *d = ew__realloc(b->data, cap);
  if (!d) {
    b->failed = 1;
    return EW_ENOMEM;
  }
  b->data = d;
  b->cap = cap;
  return 0;
}

size_t ew__u64_put(char *p, uint64_t v) {
  char d[20];
  size_t k = 0;
  do {
    d[k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < k; i++) p[i] = d[k - 1 - i];
  return k;
}

size_t ew__id_put(char *p, uint64_t ms, uint64_t seq) {
  size_t n = ew__u64_put(p, ms);
  p[n++] = '-';
  return n + ew__u64_put(p + n, seq);
}

void ew__buf_adds(ew__buf_t *b, const char *s) { ew__buf_add(b, s, strlen(s)); }

void ew__buf_addf(ew__buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    ew__buf_add(b, tmp, (size_t)n);
    return;
  }
  if (ew__buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void ew__buf_add_json_str(ew__buf_t *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  if (ew__buf_reserve(b, n + 2)) return;
  ew__buf_add(b, "\"", 1);
  size_t run = 0; /* bytes that need no escape, copied in one go */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      run++;
      continue;
    }
    ew__buf_add(b, s + i - run, run);
    run = 0;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      ew__buf_add(b, esc, 2);
    } else {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      ew__buf_add(b, esc, 6);
    }
  }
  ew__buf_add(b, s + n - run, run);
  ew__buf_add(b, "\"", 1);
}
