/*
 * alloc.h - every engine allocation goes through these wrappers so tests can
 * assert that nothing is left (ew_alloc_live() == 0 after destroy).
 * Thread-safe: the counter is atomic.
 */
#ifndef EW_ALLOC_H
#define EW_ALLOC_H

#include <stddef.h>

void *ew__malloc(size_t n);
void *ew__calloc(size_t n, size_t size);
void *ew__realloc(void *p, size_t n);
void ew__free(void *p);
char *ew__strndup(const char *s, size_t n);

#endif
