/*
 * json.h - a strict RFC 8259 syntax check for client messages.
 *
 * cJSON (which parses the ops) accepts leading zeros, "1.", raw control
 * characters in strings and trailing bytes, and cuts strings at an escaped
 * NUL. This pass refuses what the RFC refuses before cJSON sees the text, and
 * reports what the op handlers need to know: the raw text of each top-level
 * member (a "ref" is echoed verbatim), which of them hold a \u0000 escape
 * (cJSON would cut the string there), and duplicate top-level keys. Pure
 * function: any thread.
 */
#ifndef EW_JSON_H
#define EW_JSON_H

#include <stddef.h>

#define EW__JSON_MEMBERS 16

/* One top-level member of an object: raw key and value text. */
typedef struct ew__json_member {
  const char *key, *val;
  size_t key_len, val_len;
  int has_nul_escape;       /* a \u0000 inside the value */
} ew__json_member_t;

typedef struct ew__json_info {
  int has_nul_escape;       /* a \u0000 somewhere */
  int duplicate_key;        /* a top-level key appears twice */
  int nmembers;             /* top-level members recorded (at most EW__JSON_MEMBERS) */
  ew__json_member_t members[EW__JSON_MEMBERS];
} ew__json_info_t;

/* The recorded top-level member named `key`, or NULL. */
const ew__json_member_t *ew__json_member(const ew__json_info_t *info, const char *key);

/* 0 when `s` is exactly one JSON value (with optional surrounding
 * whitespace) nested at most 64 deep; -1 otherwise. */
int ew__json_check(const char *s, size_t len, ew__json_info_t *info);

/* 0 when `s` is exactly one JSON value (RFC 8259, as strict as
 * ew__json_check) with at most 65,536 containers nested (ew__json_check
 * counts a scalar as a level too, and stops at 64); -1 otherwise. No
 * recursion and no member bookkeeping: for data and metadata other writers
 * left in a stream, which publish() does not limit in depth. */
int ew__json_valid(const char *s, size_t len);

/* Length of the one JSON value at the start of `s` (leading whitespace
 * included, what follows it not), as strict as ew__json_valid; -1 when
 * there is none. For a value inside a larger text (a member of a packed
 * stream entry). */
ptrdiff_t ew__json_value_len(const char *s, size_t len);

/* Decodes the inside of a JSON string literal that ew__json_value_len
 * accepted (so every escape is whole) into `out`, which has room for `len`
 * bytes (UTF-8 is never longer than its escapes); returns the bytes
 * written. A lone surrogate becomes U+FFFD. */
size_t ew__json_unescape(const char *s, size_t len, char *out);

#endif
