/*
 * matcher.c - the subscription trie behind matcher.h.
 *
 * One node per pattern prefix. A node keeps its literal children in a
 * chained hash table keyed by segment, and its "*" and "**" children in two
 * pointers, so a step costs O(1) whatever the number of siblings.
 *
 * match() explores states (node, i): "the pattern prefix ending at node
 * matches the first i segments of the name". A state is expanded at most
 * once per call (a per-node bitmask, stamped with the call's epoch), so
 * "**" chains cannot blow up: the work is O(visited nodes x (segments + 1))
 * plus the subscribers reported, instead of one walk per way of splitting
 * the name among the "**" segments.
 */
#include "matcher.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "eventwire.h"
#include "names.h"


typedef enum { EW__ROOT, EW__LITERAL, EW__STAR, EW__GLOBSTAR } ew__kind_t;

typedef struct ew__node ew__node_t;
struct ew__node {
  ew__node_t *parent; /* to prune upwards */
  ew__node_t *next;   /* next in the parent's bucket chain */
  ew__kind_t kind;    /* how the parent holds this node */
  uint64_t hash;      /* of seg, for LITERAL */

  ew__node_t **buckets; /* literal children; NULL while there are none */
  size_t nbuckets;      /* power of two */
  size_t nchildren;
  ew__node_t *star;
  ew__node_t *globstar;

  void **subs; /* one entry per add, duplicates kept */
  size_t nsubs, subs_cap;

  uint64_t visit_epoch; /* visit_mask is valid for this match call only */
  uint64_t visit_mask;  /* bit i: state (this node, i) already expanded */

  size_t seg_len;
  char seg[]; /* the literal segment, NUL-terminated */
};

/* Slot of the per-call "already reported" set; used iff epoch matches. */
typedef struct {
  void *sub;
  uint64_t epoch;
} ew__seen_t;

struct ew__matcher {
  char delim[EW_DELIM_MAX + 1];
  size_t dlen;
  ew__node_t *root;
  size_t size;

  /* Per match call. Bumping epoch empties both the visited bitmasks and the
   * seen set in O(1); a uint64_t never wraps in practice. */
  uint64_t epoch;
  ew__seen_t *seen;
  size_t seen_cap; /* power of two, kept at least twice nres */
  void **res;      /* distinct subscribers of this call, in seen order */
  size_t nres, res_cap;
};

/* A name split for matching, with each segment's hash computed once. */
typedef struct {
  ew__matcher_t *m;
  const char *s;
  size_t n;
  size_t off[EW_SEGMENTS_MAX];
  size_t len[EW_SEGMENTS_MAX];
  uint64_t hash[EW_SEGMENTS_MAX];
} ew__walk_t;

/* FNV-1a. Not keyed: if patterns ever come from untrusted peers in bulk, a
 * keyed hash would stop them from lining up one bucket chain. */
static uint64_t ew__hash(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3u;
  }
  return h;
}

static ew__kind_t ew__seg_kind(const char *s, size_t n) {
  if (n == 1 && s[0] == '*') return EW__STAR;
  if (n == 2 && s[0] == '*' && s[1] == '*') return EW__GLOBSTAR;
  return EW__LITERAL;
}

static ew__node_t *ew__node_new(ew__node_t *parent, ew__kind_t kind,
                                const char *seg, size_t n, uint64_t hash) {
  ew__node_t *node = ew__calloc(1, sizeof(*node) + n + 1);
  if (!node) return NULL;
  node->parent = parent;
  node->kind = kind;
  node->hash = hash;
  node->seg_len = n;
  if (n) memcpy(node->seg, seg, n);
  return node;
}

static void ew__node_free(ew__node_t *node) {
  if (!node) return;
  for (size_t b = 0; b < node->nbuckets; b++) {
    ew__node_t *c = node->buckets[b];
    while (c) {
      ew__node_t *next = c->next;
      ew__node_free(c);
      c = next;
    }
  }
  ew__node_free(node->star);
  ew__node_free(node->globstar);
  ew__free(node->buckets);
  ew__free(node->subs);
  ew__free(node);
}

/* ---- literal children: chained hash table, doubled at load factor 1 ---- */

static ew__node_t *ew__child_find(const ew__node_t *node, const char *seg,
                                  size_t n, uint64_t hash) {
  if (!node->nbuckets) return NULL;
  for (ew__node_t *c = node->buckets[hash & (node->nbuckets - 1)]; c;
       c = c->next)
    if (c->hash == hash && c->seg_len == n && memcmp(c->seg, seg, n) == 0)
      return c;
  return NULL;
}

static int ew__child_insert(ew__node_t *node, ew__node_t *child) {
  if (node->nchildren >= node->nbuckets) {
    size_t cap = node->nbuckets ? node->nbuckets * 2 : 4;
    ew__node_t **b = ew__calloc(cap, sizeof(*b));
    if (!b) return EW_ENOMEM;
    for (size_t i = 0; i < node->nbuckets; i++) {
      ew__node_t *c = node->buckets[i];
      while (c) {
        ew__node_t *next = c->next;
        c->next = b[c->hash & (cap - 1)];
        b[c->hash & (cap - 1)] = c;
        c = next;
      }
    }
    ew__free(node->buckets);
    node->buckets = b;
    node->nbuckets = cap;
  }
  ew__node_t **head = &node->buckets[child->hash & (node->nbuckets - 1)];
  child->next = *head;
  *head = child;
  node->nchildren++;
  return 0;
}

/* Detaches child from its parent (does not free it). */
static void ew__child_unlink(ew__node_t *child) {
  ew__node_t *p = child->parent;
  if (child->kind == EW__STAR) {
    p->star = NULL;
    return;
  }
  if (child->kind == EW__GLOBSTAR) {
    p->globstar = NULL;
    return;
  }
  ew__node_t **pp = &p->buckets[child->hash & (p->nbuckets - 1)];
  while (*pp != child) pp = &(*pp)->next;
  *pp = child->next;
  if (--p->nchildren == 0) { /* give the table back with the last child */
    ew__free(p->buckets);
    p->buckets = NULL;
    p->nbuckets = 0;
  }
}

static int ew__node_empty(const ew__node_t *node) {
  return !node->nsubs && !node->nchildren && !node->star && !node->globstar;
}

/* Frees node and its ancestors while they hold nothing (never the root). */
static void ew__prune(ew__node_t *node) {
  while (node->kind != EW__ROOT && ew__node_empty(node)) {
    ew__node_t *parent = node->parent;
    ew__child_unlink(node);
    ew__node_free(node);
    node = parent;
  }
}

/* The child of node for one pattern segment; created when `create`. */
static ew__node_t *ew__child(ew__node_t *node, const char *seg, size_t n,
                             int create) {
  ew__kind_t kind = ew__seg_kind(seg, n);
  ew__node_t **slot = kind == EW__STAR       ? &node->star
                      : kind == EW__GLOBSTAR ? &node->globstar
                                             : NULL;
  if (slot) {
    if (!*slot && create) *slot = ew__node_new(node, kind, seg, n, 0);
    return *slot;
  }
  uint64_t hash = ew__hash(seg, n);
  ew__node_t *c = ew__child_find(node, seg, n, hash);
  if (c || !create) return c;
  c = ew__node_new(node, EW__LITERAL, seg, n, hash);
  if (c && ew__child_insert(node, c) != 0) {
    ew__node_free(c);
    c = NULL;
  }
  return c;
}

/* ---- public API ---------------------------------------------------------- */

ew__matcher_t *ew__matcher_create(const char *delim) {
  size_t dlen = ew__delim_len(delim);
  if (!dlen) return NULL;
  ew__matcher_t *m = ew__calloc(1, sizeof(*m));
  if (!m) return NULL;
  memcpy(m->delim, delim ? delim : ".", dlen);
  m->dlen = dlen;
  m->root = ew__node_new(NULL, EW__ROOT, "", 0, 0);
  if (!m->root) {
    ew__free(m);
    return NULL;
  }
  return m;
}

void ew__matcher_destroy(ew__matcher_t *m) {
  if (!m) return;
  ew__node_free(m->root);
  ew__free(m->seen);
  ew__free(m->res);
  ew__free(m);
}

size_t ew__matcher_size(const ew__matcher_t *m) { return m->size; }

int ew__matcher_add(ew__matcher_t *m, const char *pattern, size_t len,
                    void *sub) {
  size_t off[EW_SEGMENTS_MAX], seglen[EW_SEGMENTS_MAX], n;
  int rc = ew__split(pattern, len, m->delim, m->dlen, 1, off, seglen, &n);
  if (rc) return rc;

  ew__node_t *node = m->root;
  for (size_t k = 0; k < n; k++) {
    ew__node_t *c = ew__child(node, pattern + off[k], seglen[k], 1);
    if (!c) {
      ew__prune(node); /* drop the part of the path made by this call */
      return EW_ENOMEM;
    }
    node = c;
  }
  if (node->nsubs == node->subs_cap) {
    size_t cap = node->subs_cap ? node->subs_cap * 2 : 2;
    void **s = ew__realloc(node->subs, cap * sizeof(*s));
    if (!s) {
      ew__prune(node);
      return EW_ENOMEM;
    }
    node->subs = s;
    node->subs_cap = cap;
  }
  node->subs[node->nsubs++] = sub;
  m->size++;
  return 0;
}

int ew__matcher_remove(ew__matcher_t *m, const char *pattern, size_t len,
                       void *sub) {
  size_t off[EW_SEGMENTS_MAX], seglen[EW_SEGMENTS_MAX], n;
  /* A pattern that cannot be added cannot be present either. */
  if (ew__split(pattern, len, m->delim, m->dlen, 1, off, seglen, &n))
    return EW_EINVAL;

  ew__node_t *node = m->root;
  for (size_t k = 0; k < n && node; k++)
    node = ew__child(node, pattern + off[k], seglen[k], 0);
  if (!node) return EW_EINVAL;
  for (size_t i = 0; i < node->nsubs; i++) {
    if (node->subs[i] != sub) continue;
    /* Keep the others in insertion order. */
    memmove(&node->subs[i], &node->subs[i + 1],
            (node->nsubs - i - 1) * sizeof(*node->subs));
    node->nsubs--;
    m->size--;
    ew__prune(node);
    return 0;
  }
  return EW_EINVAL;
}

/* Drops every entry of sub below node, freeing children left empty. The
 * caller prunes node itself. Recursion depth <= EW_SEGMENTS_MAX + 1. */
static size_t ew__purge(ew__node_t *node, void *sub) {
  size_t removed = 0, kept = 0;
  for (size_t i = 0; i < node->nsubs; i++) {
    if (node->subs[i] == sub)
      removed++;
    else
      node->subs[kept++] = node->subs[i];
  }
  node->nsubs = kept;

  for (size_t b = 0; b < node->nbuckets; b++) {
    ew__node_t **pp = &node->buckets[b];
    while (*pp) {
      ew__node_t *c = *pp;
      removed += ew__purge(c, sub);
      if (ew__node_empty(c)) {
        *pp = c->next;
        node->nchildren--;
        ew__node_free(c);
      } else {
        pp = &c->next;
      }
    }
  }
  if (node->buckets && !node->nchildren) {
    ew__free(node->buckets);
    node->buckets = NULL;
    node->nbuckets = 0;
  }
  ew__node_t **wild[2] = {&node->star, &node->globstar};
  for (int w = 0; w < 2; w++) {
    if (!*wild[w]) continue;
    removed += ew__purge(*wild[w], sub);
    if (ew__node_empty(*wild[w])) {
      ew__node_free(*wild[w]);
      *wild[w] = NULL;
    }
  }
  return removed;
}

size_t ew__matcher_remove_all(ew__matcher_t *m, void *sub) {
  size_t removed = ew__purge(m->root, sub);
  m->size -= removed;
  return removed;
}

/* ---- matching -------------------------------------------------------------- */

static size_t ew__ptr_slot(const void *p, size_t cap) {
  /* Fibonacci hashing: the high bits of the product are well mixed even
   * though allocator addresses share their low bits. */
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 32) & (cap - 1);
}

static void ew__seen_put(ew__seen_t *set, size_t cap, void *sub,
                         uint64_t epoch) {
  size_t i = ew__ptr_slot(sub, cap);
  while (set[i].epoch == epoch) i = (i + 1) & (cap - 1);
  set[i].sub = sub;
  set[i].epoch = epoch;
}

/* Adds sub to this call's results unless it is already there. */
static int ew__report(ew__matcher_t *m, void *sub) {
  const uint64_t epoch = m->epoch;
  if (m->seen_cap) {
    size_t i = ew__ptr_slot(sub, m->seen_cap);
    for (; m->seen[i].epoch == epoch; i = (i + 1) & (m->seen_cap - 1))
      if (m->seen[i].sub == sub) return 0;
  }
  if (m->nres == m->res_cap) {
    size_t cap = m->res_cap ? m->res_cap * 2 : 16;
    void **r = ew__realloc(m->res, cap * sizeof(*r));
    if (!r) return EW_ENOMEM;
    m->res = r;
    m->res_cap = cap;
  }
  if ((m->nres + 1) * 2 > m->seen_cap) {
    /* Keep the load factor <= 1/2. res holds exactly this call's members,
     * so the new table is filled from it; stale slots are simply dropped. */
    size_t cap = m->seen_cap ? m->seen_cap * 2 : 32;
    ew__seen_t *s = ew__calloc(cap, sizeof(*s));
    if (!s) return EW_ENOMEM;
    for (size_t k = 0; k < m->nres; k++) ew__seen_put(s, cap, m->res[k], epoch);
    ew__free(m->seen);
    m->seen = s;
    m->seen_cap = cap;
  }
  ew__seen_put(m->seen, m->seen_cap, sub, epoch);
  m->res[m->nres++] = sub;
  return 0;
}

/* Expands state (node, i) and everything reachable from it. */
static int ew__walk(ew__walk_t *w, ew__node_t *node, size_t i) {
  ew__matcher_t *m = w->m;
  /* A "**" node consumes segments by looping on itself: (node, i+1). */
  for (;; i++) {
    if (node->visit_epoch != m->epoch) {
      node->visit_epoch = m->epoch;
      node->visit_mask = 0;
    }
    uint64_t bit = (uint64_t)1 << i; /* i <= EW_SEGMENTS_MAX < 64 */
    if (node->visit_mask & bit) return 0;
    node->visit_mask |= bit;

    int rc;
    if (i == w->n) {
      for (size_t k = 0; k < node->nsubs; k++)
        if ((rc = ew__report(m, node->subs[k])) != 0) return rc;
    }
    /* "**" may match zero segments, so it is entered without consuming. */
    if (node->globstar && (rc = ew__walk(w, node->globstar, i)) != 0)
      return rc;
    if (i == w->n) return 0;

    ew__node_t *c = ew__child_find(node, w->s + w->off[i], w->len[i],
                                   w->hash[i]);
    if (c && (rc = ew__walk(w, c, i + 1)) != 0) return rc;
    if (node->star && (rc = ew__walk(w, node->star, i + 1)) != 0) return rc;
    if (node->kind != EW__GLOBSTAR) return 0;
  }
}

int ew__matcher_match(ew__matcher_t *m, const char *name, size_t len,
                      ew__match_cb cb, void *arg) {
  ew__walk_t w;
  w.m = m;
  w.s = name;
  if (ew__split(name, len, m->delim, m->dlen, 0, w.off, w.len, &w.n))
    return EW_EEVENT_NAME;
  for (size_t k = 0; k < w.n; k++) w.hash[k] = ew__hash(name + w.off[k], w.len[k]);

  m->epoch++;
  m->nres = 0;
  int rc = ew__walk(&w, m->root, 0);
  if (rc) return rc;

  /* Call back only once the walk is over: a callback may add or remove
   * subscriptions (a "once" listener removes itself), which can free nodes.
   * The result buffer is lent out meanwhile so a nested match cannot
   * overwrite it. */
  void **res = m->res;
  size_t nres = m->nres, cap = m->res_cap;
  m->res = NULL;
  m->nres = m->res_cap = 0;
  if (cb)
    for (size_t k = 0; k < nres; k++) cb(res[k], arg);
  if (!m->res) {
    m->res = res;
    m->res_cap = cap;
  } else {
    ew__free(res);
  }
  return (int)nres;
}
