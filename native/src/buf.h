/*
 * buf.h - a growable byte buffer for building JSON and HTTP text.
 * Not thread-safe: one buffer belongs to one thread. Allocation failure is
 * sticky (`failed`), so a chain of appends needs one check at the end.
 */
#ifndef EW_BUF_H
#define EW_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ew__buf {
  char *data;
  size_t len, cap;
  int failed;
} ew__buf_t;

void ew__buf_init(ew__buf_t *b);
void ew__buf_free(ew__buf_t *b);
/* Makes room for n more bytes; 0 or EW_ENOMEM (and sets failed). */
int ew__buf_reserve(ew__buf_t *b, size_t n);
/* Inline: several calls per event on the Redis paths. */
static inline void ew__buf_add(ew__buf_t *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap && ew__buf_reserve(b, n)) return; /* reserve also refuses a failed buffer */
  if (b->failed) return;
  if (n) memcpy(b->data + b->len, p, n); /* p may be NULL when n is 0 */
  b->len += n;
  b->data[b->len] = '\0';
}
void ew__buf_adds(ew__buf_t *b, const char *s);
void ew__buf_addf(ew__buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the decimal digits of v at p (at most 20, no NUL); returns how
 * many. For the per-event paths, where snprintf was ~5% of the engine. */
size_t ew__u64_put(char *p, uint64_t v);
/* "<ms>-<seq>" at p (at most 41 bytes, no NUL); returns the length. */
size_t ew__id_put(char *p, uint64_t ms, uint64_t seq);
/* Appends s as a JSON string literal, quotes included. */
void ew__buf_add_json_str(ew__buf_t *b, const char *s, size_t n);

#endif
