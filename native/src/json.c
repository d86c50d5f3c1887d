/* json.c - strict RFC 8259 syntax check (see json.h). */
#include "json.h"

#include <stdint.h>
#include <string.h>

#define EW__JSON_DEPTH 64
#define EW__JSON_DEEP 65536 /* ew__json_valid: containers nested (V8's JSON.stringify
                               runs out of stack at about 10,000 levels here) */

typedef struct ew__jscan {
  const char *p, *end;
  ew__json_info_t *info;
  int nuls; /* \u0000 escapes seen so far */
} ew__jscan_t;

static void ew__ws(ew__jscan_t *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int ew__hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const unsigned char ew__str_special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
    [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
    [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
    ['"'] = 1, ['\\'] = 1,
};

/* The high bit of each byte of w that is '"', '\\' or below 0x20, from the
 * zero-byte tests of "Bit Twiddling Hacks": a borrow can flag a byte after
 * a flagged one, never before it, so the lowest flag is exact; bytes of
 * 0x80 and up are never flagged. */
static inline uint64_t ew__word_special(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
  return (((q - ones) & ~q) | ((bs - ones) & ~bs) | ((w - ones * 0x20) & ~w)) & highs;
}

static int ew__string(ew__jscan_t *j) {
  j->p++; /* opening quote */
  while (j->p < j->end) {
    /* Plain bytes 8 at a time, then one by one (most of a payload's
     * strings; the byte loop was a tenth of the relay's time). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (j->end - j->p >= 8) {
      uint64_t w;
      memcpy(&w, j->p, 8);
      uint64_t special = ew__word_special(w);
      if (special) {
        j->p += __builtin_ctzll(special) >> 3; /* the first special byte: the lowest in memory */
        break;
      }
      j->p += 8;
    }
#endif
    while (j->p < j->end && !ew__str_special[(unsigned char)*j->p]) j->p++;
    if (j->p >= j->end) break;
    unsigned char c = (unsigned char)*j->p;
    if (c == '"') {
      j->p++;
      return 0;
    }
    if (c < 0x20) return -1; /* raw control characters must be escaped */
    if (c != '\\') {
      j->p++;
      continue;
    }
    if (j->end - j->p < 2) return -1;
    char e = j->p[1];
    if (e == 'u') {
      if (j->end - j->p < 6 || !ew__hex(j->p[2]) || !ew__hex(j->p[3]) || !ew__hex(j->p[4]) || !ew__hex(j->p[5]))
        return -1;
      if (!memcmp(j->p + 2, "0000", 4)) {
        j->info->has_nul_escape = 1;
        j->nuls++;
      }
      j->p += 6;
    } else if (strchr("\"\\/bfnrt", e) && e) {
      j->p += 2;
    } else {
      return -1;
    }
  }
  return -1;
}

static int ew__digits(ew__jscan_t *j) {
  const char *s = j->p;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
  return j->p > s ? 0 : -1;
}

static int ew__number(ew__jscan_t *j) {
  if (*j->p == '-') j->p++;
  if (j->p >= j->end) return -1;
  if (*j->p == '0') {
    j->p++; /* no leading zeros */
  } else if (ew__digits(j)) {
    return -1;
  }
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (ew__digits(j)) return -1;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
    if (ew__digits(j)) return -1;
  }
  return 0;
}

static int ew__literal(ew__jscan_t *j, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n)) return -1;
  j->p += n;
  return 0;
}

static int ew__value(ew__jscan_t *j, int depth);

static int ew__object(ew__jscan_t *j, int depth) {
  j->p++;
  ew__ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    return 0;
  }
  for (;;) {
    ew__ws(j);
    if (j->p >= j->end || *j->p != '"') return -1;
    const char *key = j->p + 1;
    if (ew__string(j)) return -1;
    size_t key_len = (size_t)(j->p - 1 - key);
    ew__ws(j);
    if (j->p >= j->end || *j->p != ':') return -1;
    j->p++;
    ew__ws(j);
    const char *val = j->p;
    int nuls_before = j->nuls;
    if (ew__value(j, depth + 1)) return -1;
    if (depth == 1) {
      ew__json_info_t *info = j->info;
      for (int i = 0; i < info->nmembers; i++)
        if (info->members[i].key_len == key_len && !memcmp(info->members[i].key, key, key_len))
          info->duplicate_key = 1;
      if (info->nmembers < EW__JSON_MEMBERS) {
        ew__json_member_t *m = &info->members[info->nmembers++];
        m->key = key;
        m->key_len = key_len;
        m->val = val;
        m->val_len = (size_t)(j->p - val);
        m->has_nul_escape = j->nuls != nuls_before;
      } else {
        /* Too many members to check for duplicates: refuse rather than guess. */
        info->duplicate_key = 1;
      }
    }
    ew__ws(j);
    if (j->p >= j->end) return -1;
    if (*j->p == ',') {
      j->p++;
      continue;
    }
    if (*j->p == '}') {
      j->p++;
      return 0;
    }
    return -1;
  }
}

static int ew__array(ew__jscan_t *j, int depth) {
  j->p++;
  ew__ws(j);
  if (j->p < j->end && *j->p == ']') {
    j->p++;
    return 0;
  }
  for (;;) {
    ew__ws(j);
    if (ew__value(j, depth + 1)) return -1;
    ew__ws(j);
    if (j->p >= j->end) return -1;
    if (*j->p == ',') {
      j->p++;
      continue;
    }
    if (*j->p == ']') {
      j->p++;
      return 0;
    }
    return -1;
  }
}

static int ew__value(ew__jscan_t *j, int depth) {
  if (depth > EW__JSON_DEPTH || j->p >= j->end) return -1;
  switch (*j->p) {
    case '{': return ew__object(j, depth);
    case '[': return ew__array(j, depth);
    case '"': return ew__string(j);
    case 't': return ew__literal(j, "true");
    case 'f': return ew__literal(j, "false");
    case 'n': return ew__literal(j, "null");
    default:
      if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) return ew__number(j);
      return -1;
  }
}

const ew__json_member_t *ew__json_member(const ew__json_info_t *info, const char *key) {
  size_t n = strlen(key);
  for (int i = 0; i < info->nmembers; i++)
    if (info->members[i].key_len == n && !memcmp(info->members[i].key, key, n)) return &info->members[i];
  return NULL;
}

/* Syntax only, without recursion: containers are kept on a bit stack (1 =
 * object), so nesting costs one bit per level, not a stack frame. */
ptrdiff_t ew__json_value_len(const char *s, size_t len) {
  unsigned char stack[EW__JSON_DEEP / 8];
  ew__json_info_t unused; /* ew__string notes \u0000 escapes there */
  ew__jscan_t j;
  memset(&j, 0, sizeof j);
  j.info = &unused;
  unused.has_nul_escape = 0;
  j.p = s;
  j.end = s + len;
  size_t depth = 0;
#define EW__IN_OBJECT() (stack[(depth - 1) / 8] & (1u << ((depth - 1) % 8)))
  for (;;) {
    /* a value */
    ew__ws(&j);
    if (j.p >= j.end) return -1;
    char c = *j.p;
    if (c == '{' || c == '[') {
      if (depth == EW__JSON_DEEP) return -1;
      depth++;
      if (c == '{')
        stack[(depth - 1) / 8] |= (unsigned char)(1u << ((depth - 1) % 8));
      else
        stack[(depth - 1) / 8] &= (unsigned char)~(1u << ((depth - 1) % 8));
      j.p++;
      ew__ws(&j);
      if (j.p < j.end && *j.p == (c == '{' ? '}' : ']')) {
        j.p++;
        depth--;
      } else if (c == '{') {
        if (j.p >= j.end || *j.p != '"' || ew__string(&j)) return -1;
        ew__ws(&j);
        if (j.p >= j.end || *j.p != ':') return -1;
        j.p++;
        continue; /* the member's value */
      } else {
        continue; /* the first element */
      }
    } else if (c == '"') {
      if (ew__string(&j)) return -1;
    } else if (c == 't' || c == 'f' || c == 'n') {
      if (ew__literal(&j, c == 't' ? "true" : c == 'f' ? "false" : "null")) return -1;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (ew__number(&j)) return -1;
    } else {
      return -1;
    }
    /* after a value: close containers, or go on to the next member/element */
    for (;;) {
      if (depth == 0) return j.p - s;
      ew__ws(&j);
      if (j.p >= j.end) return -1;
      int obj = EW__IN_OBJECT() != 0;
      if (*j.p == (obj ? '}' : ']')) {
        j.p++;
        depth--;
        continue;
      }
      if (*j.p != ',') return -1;
      j.p++;
      if (obj) {
        ew__ws(&j);
        if (j.p >= j.end || *j.p != '"' || ew__string(&j)) return -1;
        ew__ws(&j);
        if (j.p >= j.end || *j.p != ':') return -1;
        j.p++;
      }
      break; /* the next value */
    }
  }
#undef EW__IN_OBJECT
}

int ew__json_valid(const char *s, size_t len) {
  ptrdiff_t n = ew__json_value_len(s, len);
  if (n < 0) return -1;
  while ((size_t)n < len && (s[n] == ' ' || s[n] == '\t' || s[n] == '\n' || s[n] == '\r')) n++;
  return (size_t)n == len ? 0 : -1;
}

/* UTF-8 of code point cp at p; returns the bytes written (1..4). */
static size_t ew__utf8_put(char *p, unsigned long cp) {
  if (cp < 0x80) {
    p[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    p[0] = (char)(0xc0 | (cp >> 6));
    p[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    p[0] = (char)(0xe0 | (cp >> 12));
    p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  p[0] = (char)(0xf0 | (cp >> 18));
  p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  p[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static unsigned long ew__hex4(const char *p) {
  unsigned long v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

size_t ew__json_unescape(const char *s, size_t len, char *out) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    if (s[i] != '\\') {
      out[n++] = s[i++];
      continue;
    }
    char e = s[i + 1];
    if (e != 'u') {
      static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
      out[n++] = to[strchr(from, e) - from];
      i += 2;
      continue;
    }
    unsigned long cp = ew__hex4(s + i + 2);
    i += 6;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= len && s[i] == '\\' && s[i + 1] == 'u') {
      unsigned long lo = ew__hex4(s + i + 2);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i += 6;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; /* a lone surrogate has no UTF-8 */
    n += ew__utf8_put(out + n, cp);
  }
  return n;
}

int ew__json_check(const char *s, size_t len, ew__json_info_t *info) {
  ew__jscan_t j;
  memset(&j, 0, sizeof j);
  memset(info, 0, sizeof *info);
  j.p = s;
  j.end = s + len;
  j.info = info;
  ew__ws(&j);
  if (ew__value(&j, 1)) return -1;
  ew__ws(&j);
  return j.p == j.end ? 0 : -1;
}
