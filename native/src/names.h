/*
 * names.h - splitting and checking event names and patterns (names.c),
 * shared by the public checks and the matcher. Pure functions: any thread.
 */
#ifndef EW_NAMES_H
#define EW_NAMES_H

#include <stddef.h>

#include "eventwire.h"

/* Length of a usable delimiter (1..EW_DELIM_MAX bytes of UTF-8 without
 * control bytes or '*'), or 0 when it is unusable. NULL means ".". */
size_t ew__delim_len(const char *delim);

/* Checks s as a name (is_pattern 0) or pattern (1) and splits it into at most
 * EW_SEGMENTS_MAX segments (offsets and lengths). 0, EW_EEVENT_NAME or
 * EW_EPATTERN. */
int ew__split(const char *s, size_t len, const char *delim, size_t dlen,
              int is_pattern, size_t off[EW_SEGMENTS_MAX],
              size_t seglen[EW_SEGMENTS_MAX], size_t *count);

/* 1 when the pattern matches the concrete name (EventEmitter2 rules), else 0
 * (also for an invalid pattern or name). For one connection's own patterns,
 * where the shared trie would answer for every connection. */
int ew__pattern_match(const char *pattern, size_t plen, const char *name, size_t nlen,
                      const char *delim);

/* 1 when every name `pattern` matches is also matched by `allowed`, else 0
 * (also for an invalid one): server.authorize's per-client patterns.
 * Segment by segment: "**" in `allowed` covers any run of segments,
 * wildcards included; "*" covers one segment that is "*" or a literal; a
 * literal only itself. Conservative: "**" in `pattern` needs "**" in
 * `allowed` (so "**" is not within "*.**", though both match every name). */
int ew__pattern_within(const char *pattern, size_t plen, const char *allowed, size_t alen,
                       const char *delim);

#endif
