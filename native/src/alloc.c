/* alloc.c - counted allocation wrappers (see alloc.h). */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "eventwire.h"

static atomic_llong ew__live; /* {any thread} */

void *ew__malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p) atomic_fetch_add_explicit(&ew__live, 1, memory_order_relaxed);
  return p;
}

void *ew__calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (p) atomic_fetch_add_explicit(&ew__live, 1, memory_order_relaxed);
  return p;
}

void *ew__realloc(void *p, size_t n) {
  if (!p) return ew__malloc(n);
  return realloc(p, n ? n : 1); /* same block count either way */
}

void ew__free(void *p) {
  if (!p) return;
  atomic_fetch_sub_explicit(&ew__live, 1, memory_order_relaxed);
  free(p);
}

char *ew__strndup(const char *s, size_t n) {
  char *d = ew__malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

int64_t ew_alloc_live(void) {
  return (int64_t)atomic_load_explicit(&ew__live, memory_order_relaxed);
}
