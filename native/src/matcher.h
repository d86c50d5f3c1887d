/*
 * matcher.h - wildcard subscription trie with EventEmitter2 semantics.
 *
 * Patterns are split on the delimiter; a segment that is exactly "*" matches
 * one segment, exactly "**" matches zero or more, anything else matches
 * itself. Each (pattern, subscriber) pair is stored once per add; adding the
 * same pair twice needs two removes. Matching costs O(segments x wildcard
 * branches actually present), independent of non-matching patterns.
 *
 * Not thread-safe: one matcher belongs to one thread (the engine thread).
 */
#ifndef EW_MATCHER_H
#define EW_MATCHER_H

#include <stddef.h>

typedef struct ew__matcher ew__matcher_t;

/* Called once per distinct subscriber that matches (never twice per match
 * call even when several of its patterns match). */
typedef void (*ew__match_cb)(void *sub, void *arg);

/* delim: 1..EW_DELIM_MAX bytes, NUL-terminated; NULL means ".".
 * Returns NULL on bad delimiter or out of memory. */
ew__matcher_t *ew__matcher_create(const char *delim);
void ew__matcher_destroy(ew__matcher_t *m);

/* 0, EW_EPATTERN (see ew_pattern_check) or EW_ENOMEM. */
int ew__matcher_add(ew__matcher_t *m, const char *pattern, size_t len, void *sub);
/* 0, or EW_EINVAL when that (pattern, sub) pair is not present. */
int ew__matcher_remove(ew__matcher_t *m, const char *pattern, size_t len, void *sub);
/* Removes every pattern of `sub`; returns how many were removed. */
size_t ew__matcher_remove_all(ew__matcher_t *m, void *sub);
/* Calls cb for each distinct subscriber whose pattern matches the concrete
 * name, after the walk (so a callback may add or remove subscriptions).
 * Returns the number of distinct subscribers, EW_EEVENT_NAME or EW_ENOMEM. */
int ew__matcher_match(ew__matcher_t *m, const char *name, size_t len,
                      ew__match_cb cb, void *arg);
/* Number of stored (pattern, subscriber) pairs. */
size_t ew__matcher_size(const ew__matcher_t *m);


#endif
