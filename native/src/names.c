/* names.c - validation and splitting of event names and patterns. */
#include <string.h>

#include "eventwire.h"
#include "names.h"


/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF) with
 * no C0 control byte and no DEL. Names end up in logs, JSON and Redis keys,
 * so garbage is refused at the door. */
static int ew__text_ok(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return 0;
      i++;
      continue;
    }
    /* lo/hi bound the second byte: that is where overlongs (E0, F0),
     * surrogates (ED) and > U+10FFFF (F4) show up. */
    size_t need;
    unsigned lo = 0x80, hi = 0xbf;
    if (c < 0xc2) {
      return 0; /* stray continuation byte, or overlong C0/C1 lead */
    } else if (c < 0xe0) {
      need = 1;
    } else if (c < 0xf0) {
      need = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c < 0xf5) {
      need = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return 0;
    }
    if (len - i - 1 < need) return 0; /* truncated */
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
      if ((s[i + k] & 0xc0) != 0x80) return 0;
    i += need + 1;
  }
  return 1;
}

/* Length of a usable delimiter: 1..EW_DELIM_MAX bytes of clean text.
 * NULL means ".". Returns 0 when the delimiter is unusable. */
size_t ew__delim_len(const char *delim) {
  if (!delim) return 1;
  size_t n = 0;
  while (n <= EW_DELIM_MAX && delim[n]) n++; /* strnlen is not C11 */
  if (n == 0 || n > EW_DELIM_MAX || memchr(delim, '*', n)) return 0;
  return ew__text_ok((const unsigned char *)delim, n) ? n : 0;
}

/* Checks s and splits it on delim (dlen bytes, already checked): segment k
 * is s[off[k] .. off[k] + seglen[k]). Returns 0, or EW_EPATTERN /
 * EW_EEVENT_NAME depending on is_pattern. */
int ew__split(const char *s, size_t len, const char *delim, size_t dlen,
              int is_pattern, size_t off[EW_SEGMENTS_MAX],
              size_t seglen[EW_SEGMENTS_MAX], size_t *count) {
  const int bad = is_pattern ? EW_EPATTERN : EW_EEVENT_NAME;
  if (!s || len == 0 || len > EW_NAME_MAX) return bad;
  if (!ew__text_ok((const unsigned char *)s, len)) return bad;

  /* A byte-wise scan is safe for a multi-byte delimiter: both strings are
   * valid UTF-8, so the delimiter can only match on a character boundary.
   * Matches do not overlap, as with String.prototype.split. */
  size_t n = 0, start = 0, i = 0;
  int prev_globstar = 0;
  for (;;) {
    /* i: the next delimiter at or after i, or len. memchr for its first
     * byte (a per-byte memcmp call was most of a group read's matching). */
    for (;;) {
      const char *d = memchr(s + i, delim[0], len - i);
      if (!d) {
        i = len;
        break;
      }
      i = (size_t)(d - s);
      if (len - i >= dlen && (dlen == 1 || memcmp(d + 1, delim + 1, dlen - 1) == 0)) break;
      i++;
    }
    int at_end = (i == len);
    size_t sl = i - start;
    if (sl == 0 || n == EW_SEGMENTS_MAX) return bad;
    int star = (sl == 1 && s[start] == '*');
    int globstar = (sl == 2 && s[start] == '*' && s[start + 1] == '*');
    if (!is_pattern && (star || globstar)) return bad;
    /* EventEmitter2 silently never registers "**.**"; we refuse it. */
    if (globstar && prev_globstar) return bad;
    prev_globstar = globstar;
    off[n] = start;
    seglen[n] = sl;
    n++;
    if (at_end) break;
    i += dlen;
    start = i;
  }
  *count = n;
  return 0;
}

int ew_event_name_check(const char *name, size_t len, const char *delim) {
  size_t off[EW_SEGMENTS_MAX], seglen[EW_SEGMENTS_MAX], n;
  size_t dlen = ew__delim_len(delim);
  if (!dlen) return EW_EINVAL;
  return ew__split(name, len, delim ? delim : ".", dlen, 0, off, seglen, &n);
}

int ew_pattern_check(const char *pattern, size_t len, const char *delim) {
  size_t off[EW_SEGMENTS_MAX], seglen[EW_SEGMENTS_MAX], n;
  size_t dlen = ew__delim_len(delim);
  if (!dlen) return EW_EINVAL;
  return ew__split(pattern, len, delim ? delim : ".", dlen, 1, off, seglen, &n);
}

/* Splits a pattern and a second string (a name, or with b_is_pattern a
 * pattern) for the two comparisons below. 0, or -1 when one is invalid. */
static int ew__split_two(const char *a, size_t alen, const char *b, size_t blen, int b_is_pattern,
                         const char *delim, size_t aoff[EW_SEGMENTS_MAX], size_t al[EW_SEGMENTS_MAX],
                         size_t *an, size_t boff[EW_SEGMENTS_MAX], size_t bl[EW_SEGMENTS_MAX], size_t *bn) {
  size_t dlen = ew__delim_len(delim);
  if (!dlen) return -1;
  if (!delim) delim = ".";
  if (ew__split(a, alen, delim, dlen, 1, aoff, al, an)) return -1;
  if (ew__split(b, blen, delim, dlen, b_is_pattern, boff, bl, bn)) return -1;
  return 0;
}

int ew__pattern_match(const char *pattern, size_t plen, const char *name, size_t nlen,
                      const char *delim) {
  size_t poff[EW_SEGMENTS_MAX], pl[EW_SEGMENTS_MAX], pn;
  size_t noff[EW_SEGMENTS_MAX], nl[EW_SEGMENTS_MAX], nn;
  if (ew__split_two(pattern, plen, name, nlen, 0, delim, poff, pl, &pn, noff, nl, &nn)) return 0;
  /* ok[i][j]: the first i pattern segments match the first j name segments.
   * O(pn x nn), whatever the number of "**". */
  unsigned char ok[EW_SEGMENTS_MAX + 1][EW_SEGMENTS_MAX + 1];
  memset(ok[0], 0, nn + 1); /* only the cells used: the whole table was 1 KB per match */
  ok[0][0] = 1;
  for (size_t i = 1; i <= pn; i++) {
    memset(ok[i], 0, nn + 1);
    const char *ps = pattern + poff[i - 1];
    int star = pl[i - 1] == 1 && ps[0] == '*';
    int globstar = pl[i - 1] == 2 && ps[0] == '*' && ps[1] == '*';
    for (size_t j = 0; j <= nn; j++) {
      if (globstar) {
        ok[i][j] = ok[i - 1][j] || (j > 0 && ok[i][j - 1]);
      } else if (j > 0 && ok[i - 1][j - 1]) {
        ok[i][j] = star || (pl[i - 1] == nl[j - 1] &&
                            memcmp(ps, name + noff[j - 1], nl[j - 1]) == 0);
      }
    }
  }
  return ok[pn][nn];
}

int ew__pattern_within(const char *pattern, size_t plen, const char *allowed, size_t alen,
                       const char *delim) {
  size_t poff[EW_SEGMENTS_MAX], pl[EW_SEGMENTS_MAX], pn;
  size_t aoff[EW_SEGMENTS_MAX], al[EW_SEGMENTS_MAX], an;
  if (ew__split_two(pattern, plen, allowed, alen, 1, delim, poff, pl, &pn, aoff, al, &an)) return 0;
  /* w[i][j]: allowed's segments j.. cover the pattern's segments i..;
   * filled from the ends. O(pn x an). */
  unsigned char w[EW_SEGMENTS_MAX + 1][EW_SEGMENTS_MAX + 1];
  for (size_t i = pn + 1; i-- > 0;) {
    for (size_t j = an + 1; j-- > 0;) {
      const char *as = allowed + aoff[j < an ? j : 0], *ps = pattern + poff[i < pn ? i : 0];
      int a_glob = j < an && al[j] == 2 && as[0] == '*' && as[1] == '*';
      int ok;
      if (j == an) {
        ok = i == pn;
      } else if (a_glob) {
        ok = w[i][j + 1] || (i < pn && w[i + 1][j]); /* covers none, or one more */
      } else if (i == pn) {
        ok = 0;
      } else if (pl[i] == 2 && ps[0] == '*' && ps[1] == '*') {
        ok = 0; /* a run of any length: only "**" covers it */
      } else if (al[j] == 1 && as[0] == '*') {
        ok = w[i + 1][j + 1];
      } else {
        int p_star = pl[i] == 1 && ps[0] == '*';
        ok = !p_star && pl[i] == al[j] && !memcmp(ps, as, pl[i]) && w[i + 1][j + 1];
      }
      w[i][j] = (unsigned char)ok;
    }
  }
  return w[0][0];
}
