/*
 * redis_reply.c - hiredis reply objects carved from an arena.
 *
 * hiredis builds every reply as a tree of malloc'd objects: a relay read of
 * 512 stream entries is about 7,000 calloc/free pairs, which profiles showed
 * as the engine thread's largest cost with Redis on. hiredis reads one reply
 * at a time and frees it (through the reader's freeObject, always on the
 * root) before it parses the next, so all objects of a reply can come from
 * one bump arena that is reset when the root is freed.
 *
 * Every object starts with a pointer back to its arena, so freeObject(root)
 * finds it. The arena belongs to a connection slot and outlives its
 * redisAsyncContexts (redis.c frees it after the last context).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "redis_int.h"

#define EW__CHUNK_MIN (64 * 1024)
#define EW__CHUNK_KEEP_MAX (4 * 1024 * 1024) /* a larger reply's chunk is not kept */
#define EW__ALIGN 16

typedef struct ew__chunk {
  struct ew__chunk *next; /* older chunks */
  size_t used, cap;
  _Alignas(EW__ALIGN) unsigned char data[];
} ew__chunk_t;

struct ew__reply_arena {
  ew__chunk_t *chunks; /* newest first */
  size_t total;        /* bytes handed out since the last reset */
};

/* An object: the arena pointer, then the redisReply. */
typedef struct ew__robj {
  ew__reply_arena_t *arena;
  _Alignas(EW__ALIGN) redisReply reply;
} ew__robj_t;

ew__reply_arena_t *ew__reply_arena_new(void) { return ew__calloc(1, sizeof(ew__reply_arena_t)); }

static void ew__chunks_free(ew__chunk_t *c) {
  while (c) {
    ew__chunk_t *next = c->next;
    ew__free(c);
    c = next;
  }
}

void ew__reply_arena_free(ew__reply_arena_t *a) {
  if (!a) return;
  ew__chunks_free(a->chunks);
  ew__free(a);
}

static void *ew__arena_alloc(ew__reply_arena_t *a, size_t n) {
  n = (n + EW__ALIGN - 1) & ~(size_t)(EW__ALIGN - 1);
  ew__chunk_t *c = a->chunks;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > EW__CHUNK_MIN ? n : EW__CHUNK_MIN;
    c = ew__malloc(sizeof *c + cap);
    if (!c) return NULL;
    c->used = 0;
    c->cap = cap;
    c->next = a->chunks;
    a->chunks = c;
  }
  void *p = c->data + c->used;
  c->used += n;
  a->total += n;
  return p;
}

/* After a reply: one chunk is kept, large enough for a reply like this one
 * (up to EW__CHUNK_KEEP_MAX), so the next one needs no malloc at all. */
static void ew__arena_reset(ew__reply_arena_t *a) {
  ew__chunk_t *c = a->chunks;
  if (c && c->next) {
    ew__chunks_free(c);
    a->chunks = NULL;
    if (a->total <= EW__CHUNK_KEEP_MAX) {
      c = ew__malloc(sizeof *c + a->total);
      if (c) {
        c->next = NULL;
        c->cap = a->total;
        a->chunks = c;
      }
    } else {
      c = NULL;
    }
  }
  if (c && c->cap > EW__CHUNK_KEEP_MAX) { /* one huge object: not kept either */
    ew__free(c);
    a->chunks = c = NULL;
  }
  if (c) c->used = 0;
  a->total = 0;
}

static redisReply *ew__robj_new(const redisReadTask *task, int type) {
  ew__reply_arena_t *a = task->privdata;
  ew__robj_t *o = ew__arena_alloc(a, sizeof *o);
  if (!o) return NULL;
  memset(o, 0, sizeof *o);
  o->arena = a;
  o->reply.type = type;
  if (task->parent) {
    redisReply *parent = task->parent->obj;
    parent->element[task->idx] = &o->reply;
  }
  return &o->reply;
}

static void *ew__create_string(const redisReadTask *task, char *str, size_t len) {
  char *copy = ew__arena_alloc(task->privdata, len + 1);
  if (!copy) return NULL;
  redisReply *r = ew__robj_new(task, task->type);
  if (!r) return NULL;
  memcpy(copy, str, len);
  copy[len] = '\0';
  r->str = copy;
  r->len = len;
  return r;
}

static void *ew__create_array(const redisReadTask *task, int elements) {
  redisReply **el = NULL;
  if (elements > 0) {
    el = ew__arena_alloc(task->privdata, (size_t)elements * sizeof *el);
    if (!el) return NULL;
    memset(el, 0, (size_t)elements * sizeof *el);
  }
  redisReply *r = ew__robj_new(task, REDIS_REPLY_ARRAY);
  if (!r) return NULL;
  r->element = el;
  r->elements = elements > 0 ? (size_t)elements : 0;
  return r;
}

static void *ew__create_integer(const redisReadTask *task, long long value) {
  redisReply *r = ew__robj_new(task, REDIS_REPLY_INTEGER);
  if (r) r->integer = value;
  return r;
}

static void *ew__create_nil(const redisReadTask *task) { return ew__robj_new(task, REDIS_REPLY_NIL); }

/* hiredis frees only whole replies (the root): the arena starts over. */
static void ew__free_object(void *reply) {
  if (!reply) return;
  ew__robj_t *o = (ew__robj_t *)(void *)((char *)reply - offsetof(ew__robj_t, reply));
  ew__arena_reset(o->arena);
}

static redisReplyObjectFunctions ew__reply_fns = {
    ew__create_string, ew__create_array, ew__create_integer, ew__create_nil, ew__free_object,
};

void ew__reply_arena_use(redisReader *rd, ew__reply_arena_t *a) {
  rd->fn = &ew__reply_fns;
  rd->privdata = a;
}

void ew__reply_arena_attach(redisAsyncContext *ac, ew__reply_arena_t *a) { ew__reply_arena_use(ac->c.reader, a); }
