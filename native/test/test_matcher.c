/* test_matcher.c - name/pattern validation (names.c) and the wildcard trie
 * (matcher.c), checked against EventEmitter2's wildcard semantics and
 * against a brute-force matcher. */
#include <stdint.h>
#include <string.h>

#include "eventwire.h"
#include "matcher.h"
#include "names.h"
#include "test.h"

/* ---- helpers -------------------------------------------------------------- */

static int name_ok(const char *s, const char *delim) {
  return ew_event_name_check(s, strlen(s), delim);
}
static int pat_ok(const char *s, const char *delim) {
  return ew_pattern_check(s, strlen(s), delim);
}

/* Collects what a match reports, and notices duplicates. */
#define GOT_MAX 256
typedef struct {
  void *subs[GOT_MAX];
  int n;
  int dups;
} got_t;

static void got_cb(void *sub, void *arg) {
  got_t *g = arg;
  for (int i = 0; i < g->n; i++)
    if (g->subs[i] == sub) g->dups++;
  if (g->n < GOT_MAX) g->subs[g->n++] = sub;
}

static int got_has(const got_t *g, void *sub) {
  for (int i = 0; i < g->n; i++)
    if (g->subs[i] == sub) return 1;
  return 0;
}

static int match_into(ew__matcher_t *m, const char *name, got_t *g) {
  memset(g, 0, sizeof(*g));
  int rc = ew__matcher_match(m, name, strlen(name), got_cb, g);
  return rc;
}

/* 1 when pattern matches name (delimiter "."), 0 when not, <0 on error. */
static int matches(const char *pattern, const char *name) {
  static int sub;
  ew__matcher_t *m = ew__matcher_create(NULL);
  if (!m) return EW_ENOMEM;
  int rc = ew__matcher_add(m, pattern, strlen(pattern), &sub);
  if (rc == 0) {
    got_t g;
    rc = match_into(m, name, &g);
    if (rc >= 0 && (g.n != rc || g.dups)) rc = -1000;
  }
  ew__matcher_destroy(m);
  return rc;
}

/* "a.a.a..." with n segments of seg joined by ".". */
static void repeat_join(char *buf, const char *seg, int n) {
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (i) strcat(buf, ".");
    strcat(buf, seg);
  }
}

/* ---- names and patterns ------------------------------------------------------- */

static void test_delimiters(void) {
  CHECK_EQ_INT(name_ok("a.b", NULL), 0);
  CHECK_EQ_INT(name_ok("a.b", "."), 0);
  CHECK_EQ_INT(name_ok("a", ""), EW_EINVAL);
  CHECK_EQ_INT(pat_ok("a", ""), EW_EINVAL);
  CHECK_EQ_INT(name_ok("a", "12345678"), 0); /* EW_DELIM_MAX bytes */
  CHECK_EQ_INT(name_ok("a", "123456789"), EW_EINVAL);
  CHECK_EQ_INT(pat_ok("a", "123456789"), EW_EINVAL);
  CHECK_EQ_INT(name_ok("a", "\t"), EW_EINVAL);
  CHECK_EQ_INT(name_ok("a", "\xc3"), EW_EINVAL); /* truncated UTF-8 */

  CHECK(ew__matcher_create("") == NULL);
  CHECK(ew__matcher_create("123456789") == NULL);
  ew__matcher_t *m = ew__matcher_create("12345678");
  CHECK(m != NULL);
  ew__matcher_destroy(m);
}

static void test_names(void) {
  CHECK_EQ_INT(name_ok("a", NULL), 0);
  CHECK_EQ_INT(name_ok("user.created", NULL), 0);
  CHECK_EQ_INT(name_ok("a b.c-d_e:f", NULL), 0);
  /* Stars inside a segment are literal (EE2 treats them that way). */
  CHECK_EQ_INT(name_ok("a*", NULL), 0);
  CHECK_EQ_INT(name_ok("*a.b**", NULL), 0);
  CHECK_EQ_INT(name_ok("***", NULL), 0);

  CHECK_EQ_INT(name_ok("", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew_event_name_check(NULL, 0, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew_event_name_check(NULL, 3, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok(".", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok(".a", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a.", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a..b", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("*", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("**", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a.*", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a.**.b", NULL), EW_EEVENT_NAME);

  /* Control bytes, including an embedded NUL counted in len. */
  CHECK_EQ_INT(name_ok("a\x01", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a\tb", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a\nb", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a\x1f", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a\x7f", NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew_event_name_check("a\0b", 3, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew_pattern_check("a\0b", 3, NULL), EW_EPATTERN);
  CHECK_EQ_INT(name_ok("a~ b", NULL), 0); /* 0x7e and space are fine */
}

static void test_utf8(void) {
  static const char *const good[] = {
      "\xc3\xa9",                 /* U+00E9 */
      "\xc2\x80",                 /* U+0080, smallest 2-byte */
      "\xdf\xbf",                 /* U+07FF */
      "\xe0\xa0\x80",             /* U+0800, smallest 3-byte */
      "\xe2\x82\xac",             /* U+20AC */
      "\xed\x9f\xbf",             /* U+D7FF, just below the surrogates */
      "\xee\x80\x80",             /* U+E000, just above them */
      "\xef\xbf\xbf",             /* U+FFFF */
      "\xf0\x90\x80\x80",         /* U+10000, smallest 4-byte */
      "\xf0\x9f\x98\x80",         /* U+1F600 */
      "\xf4\x8f\xbf\xbf",         /* U+10FFFF */
      "caf\xc3\xa9.\xe2\x82\xac", /* mixed, two segments */
  };
  static const char *const bad[] = {
      "\x80",             /* stray continuation */
      "a\xbf",            /* stray continuation */
      "\xc0\xaf",         /* overlong '/' */
      "\xc1\xbf",         /* overlong */
      "\xe0\x80\xaf",     /* overlong 3-byte */
      "\xe0\x9f\xbf",     /* overlong 3-byte, upper edge */
      "\xf0\x80\x80\xaf", /* overlong 4-byte */
      "\xf0\x8f\xbf\xbf", /* overlong 4-byte, upper edge */
      "\xed\xa0\x80",     /* U+D800 surrogate */
      "\xed\xbf\xbf",     /* U+DFFF surrogate */
      "\xf4\x90\x80\x80", /* U+110000 */
      "\xf5\x80\x80\x80", /* lead byte past F4 */
      "\xff",
      "\xfe",
      "\xc3",             /* truncated */
      "\xe2\x82",         /* truncated */
      "\xf0\x9f\x98",     /* truncated */
      "a.\xc3",           /* truncated at the very end */
      "\xc3\x41",         /* bad continuation */
      "\xe2\x41\xac",     /* bad continuation */
      "\xf0\x9f\x41\x80", /* bad continuation */
  };
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    CHECK_EQ_INT(name_ok(good[i], NULL), 0);
    CHECK_EQ_INT(pat_ok(good[i], NULL), 0);
  }
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    CHECK_EQ_INT(name_ok(bad[i], NULL), EW_EEVENT_NAME);
    CHECK_EQ_INT(pat_ok(bad[i], NULL), EW_EPATTERN);
  }
  /* Truncation is judged by len, not by the NUL after it. */
  CHECK_EQ_INT(ew_event_name_check("\xe2\x82\xac", 2, NULL), EW_EEVENT_NAME);
}

static void test_patterns(void) {
  static const char *const good[] = {
      "a",      "*",        "**",     "a.*",    "*.b",     "a.**",
      "**.z",   "a.**.z",   "*.*.*",  "**.*",   "*.**",    "**.*.**",
      "**.a.**", "a*",      "***",    "a.*b.c", "**a.**", "a.**.b.**",
  };
  static const char *const bad[] = {
      "",    ".",       ".a",      "a.",     "a..b",     "*..b",
      "**.**", "a.**.**", "**.**.b", "a.**.**.b", "*.**.**",
  };
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    CHECK_EQ_INT(pat_ok(good[i], NULL), 0);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECK_EQ_INT(pat_ok(bad[i], NULL), EW_EPATTERN);
  CHECK_EQ_INT(ew_pattern_check(NULL, 1, NULL), EW_EPATTERN);
}

static void test_limits(void) {
  char buf[EW_NAME_MAX + 64];

  /* Bytes: one segment of exactly EW_NAME_MAX, then one more. */
  memset(buf, 'a', EW_NAME_MAX + 1);
  CHECK_EQ_INT(ew_event_name_check(buf, EW_NAME_MAX, NULL), 0);
  CHECK_EQ_INT(ew_pattern_check(buf, EW_NAME_MAX, NULL), 0);
  CHECK_EQ_INT(ew_event_name_check(buf, EW_NAME_MAX + 1, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew_pattern_check(buf, EW_NAME_MAX + 1, NULL), EW_EPATTERN);

  /* Segments: EW_SEGMENTS_MAX, then one more. */
  repeat_join(buf, "a", EW_SEGMENTS_MAX);
  CHECK_EQ_INT(name_ok(buf, NULL), 0);
  CHECK_EQ_INT(pat_ok(buf, NULL), 0);
  repeat_join(buf, "a", EW_SEGMENTS_MAX + 1);
  CHECK_EQ_INT(name_ok(buf, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(pat_ok(buf, NULL), EW_EPATTERN);
  repeat_join(buf, "*", EW_SEGMENTS_MAX);
  CHECK_EQ_INT(pat_ok(buf, NULL), 0);
  repeat_join(buf, "*", EW_SEGMENTS_MAX + 1);
  CHECK_EQ_INT(pat_ok(buf, NULL), EW_EPATTERN);

  /* Both limits at once: 32 segments in exactly 512 bytes
   * (31 delimiters + 481 segment bytes). */
  memset(buf, 'x', EW_NAME_MAX);
  for (int i = 1; i < EW_SEGMENTS_MAX; i++) buf[i * 15] = '.';
  CHECK_EQ_INT(ew_event_name_check(buf, EW_NAME_MAX, NULL), 0);
  buf[EW_NAME_MAX - 2] = '.'; /* a 33rd segment */
  CHECK_EQ_INT(ew_event_name_check(buf, EW_NAME_MAX, NULL), EW_EEVENT_NAME);

  /* The matcher enforces the same limits. */
  ew__matcher_t *m = ew__matcher_create(NULL);
  int sub;
  repeat_join(buf, "a", EW_SEGMENTS_MAX);
  CHECK_EQ_INT(ew__matcher_add(m, buf, strlen(buf), &sub), 0);
  CHECK_EQ_INT(ew__matcher_match(m, buf, strlen(buf), NULL, NULL), 1);
  repeat_join(buf, "a", EW_SEGMENTS_MAX + 1);
  CHECK_EQ_INT(ew__matcher_add(m, buf, strlen(buf), &sub), EW_EPATTERN);
  CHECK_EQ_INT(ew__matcher_match(m, buf, strlen(buf), NULL, NULL), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew__matcher_size(m), 1);
  ew__matcher_destroy(m);
}

/* Segment offsets from ew__split (memchr on the delimiter's first byte,
 * then the rest): a first byte inside a segment, runs longer than the
 * delimiter, one-byte delimiters. And ew__pattern_match on those. */
static void test_split_segments(void) {
  size_t off[EW_SEGMENTS_MAX], len[EW_SEGMENTS_MAX], n = 0;
  CHECK_EQ_INT(ew__split("a:b::c", 6, "::", 2, 0, off, len, &n), 0);
  CHECK_EQ_INT((int)n, 2);
  CHECK_EQ_INT((int)off[0], 0);
  CHECK_EQ_INT((int)len[0], 3);
  CHECK_EQ_INT((int)off[1], 5);
  CHECK_EQ_INT((int)len[1], 1);
  CHECK_EQ_INT(ew__split("a:::b", 5, "::", 2, 0, off, len, &n), 0); /* "a", ":b" */
  CHECK_EQ_INT((int)n, 2);
  CHECK_EQ_INT((int)off[1], 3);
  CHECK_EQ_INT((int)len[1], 2);
  CHECK_EQ_INT(ew__split("x.yy.z", 6, ".", 1, 0, off, len, &n), 0);
  CHECK_EQ_INT((int)n, 3);
  CHECK_EQ_INT((int)off[1], 2);
  CHECK_EQ_INT((int)len[1], 2);
  CHECK_EQ_INT((int)off[2], 5);
  CHECK_EQ_INT((int)len[2], 1);
  CHECK_EQ_INT(ew__split("abc", 3, ".", 1, 0, off, len, &n), 0);
  CHECK_EQ_INT((int)n, 1);
  CHECK_EQ_INT((int)len[0], 3);
  CHECK_EQ_INT(ew__split("a.", 2, ".", 1, 0, off, len, &n), EW_EEVENT_NAME);
  CHECK_EQ_INT(ew__split("a-=b-=-=c", 9, "-=", 2, 0, off, len, &n), EW_EEVENT_NAME); /* an empty segment */
  CHECK_EQ_INT(ew__split("a-=b-c", 6, "-=", 2, 0, off, len, &n), 0);
  CHECK_EQ_INT((int)n, 2);
  CHECK_EQ_INT((int)len[1], 3); /* "b-c": '-' alone is no delimiter */
  CHECK_EQ_INT(ew__pattern_match("a:b::*", 6, "a:b::c", 6, "::"), 1);
  CHECK_EQ_INT(ew__pattern_match("a:b::*", 6, "a::b::c", 7, "::"), 0);
  CHECK_EQ_INT(ew__pattern_match("*::c", 4, "a:b::c", 6, "::"), 1);
  CHECK_EQ_INT(ew__pattern_match("**", 2, "a.b.c", 5, NULL), 1);
  CHECK_EQ_INT(ew__pattern_match("a.**.c", 6, "a.c", 3, NULL), 1);
  CHECK_EQ_INT(ew__pattern_match("a.*.c", 5, "a.c", 3, NULL), 0);
}

static void test_multichar_delimiter(void) {
  CHECK_EQ_INT(name_ok("a::b", "::"), 0);
  CHECK_EQ_INT(name_ok("a:b", "::"), 0);   /* one segment */
  CHECK_EQ_INT(name_ok("a:::b", "::"), 0); /* "a" and ":b", like JS split */
  CHECK_EQ_INT(name_ok("a.b", "::"), 0);
  CHECK_EQ_INT(name_ok("::a", "::"), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a::", "::"), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a::::b", "::"), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a::*", "::"), EW_EEVENT_NAME);
  CHECK_EQ_INT(name_ok("a.*", "::"), 0); /* "a.*" is a literal here */
  CHECK_EQ_INT(pat_ok("**::**", "::"), EW_EPATTERN);
  CHECK_EQ_INT(pat_ok("**::a::**", "::"), 0);
  CHECK_EQ_INT(name_ok("a\xe2\x86\x92" "b", "\xe2\x86\x92"), 0); /* "→" */
  CHECK_EQ_INT(name_ok("\xe2\x86\x92" "b", "\xe2\x86\x92"), EW_EEVENT_NAME);

  ew__matcher_t *m = ew__matcher_create("::");
  int s1, s2, s3, s4;
  CHECK_EQ_INT(ew__matcher_add(m, "a::*", 4, &s1), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a.*", 3, &s2), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "**::b", 5, &s3), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a:::b", 5, &s4), 0);
  got_t g;
  CHECK_EQ_INT(match_into(m, "a::b", &g), 2);
  CHECK(got_has(&g, &s1) && got_has(&g, &s3));
  CHECK_EQ_INT(match_into(m, "a.*", &g), 1);
  CHECK(got_has(&g, &s2));
  CHECK_EQ_INT(match_into(m, "a.b", &g), 0);
  CHECK_EQ_INT(match_into(m, "a:::b", &g), 2); /* "a" and ":b" */
  CHECK(got_has(&g, &s1) && got_has(&g, &s4));
  CHECK_EQ_INT(match_into(m, "a::*", &g), EW_EEVENT_NAME);
  ew__matcher_destroy(m);
}

/* ---- the trie ------------------------------------------------------------------- */

static void test_add_remove(void) {
  int64_t live0 = ew_alloc_live();
  ew__matcher_t *m = ew__matcher_create(NULL);
  CHECK(m != NULL);
  int64_t live_empty = ew_alloc_live();
  int a, b;

  CHECK_EQ_INT(ew__matcher_size(m), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a.b", 3, &a), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a.b", 3, &a), 0); /* stored twice */
  CHECK_EQ_INT(ew__matcher_add(m, "a.*", 3, &a), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a.b", 3, &b), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "**", 2, &b), 0);
  CHECK_EQ_INT(ew__matcher_size(m), 5);

  CHECK_EQ_INT(ew__matcher_add(m, "a..b", 4, &a), EW_EPATTERN);
  CHECK_EQ_INT(ew__matcher_add(m, "**.**", 5, &a), EW_EPATTERN);
  CHECK_EQ_INT(ew__matcher_add(m, "", 0, &a), EW_EPATTERN);
  CHECK_EQ_INT(ew__matcher_size(m), 5);

  CHECK_EQ_INT(ew__matcher_match(m, "a.b", 3, NULL, NULL), 2);
  CHECK_EQ_INT(ew__matcher_remove(m, "a.b", 3, &a), 0);
  CHECK_EQ_INT(ew__matcher_size(m), 4);
  CHECK_EQ_INT(ew__matcher_match(m, "a.b", 3, NULL, NULL), 2);
  CHECK_EQ_INT(ew__matcher_remove(m, "a.b", 3, &a), 0);
  CHECK_EQ_INT(ew__matcher_remove(m, "a.b", 3, &a), EW_EINVAL); /* gone */
  CHECK_EQ_INT(ew__matcher_remove(m, "a.c", 3, &a), EW_EINVAL);
  CHECK_EQ_INT(ew__matcher_remove(m, "a", 1, &a), EW_EINVAL); /* inner node */
  CHECK_EQ_INT(ew__matcher_remove(m, "x.y.z", 5, &a), EW_EINVAL);
  CHECK_EQ_INT(ew__matcher_remove(m, "*.b", 3, &a), EW_EINVAL);
  CHECK_EQ_INT(ew__matcher_remove(m, "a..b", 4, &a), EW_EINVAL);
  CHECK_EQ_INT(ew__matcher_remove(m, "**", 2, &a), EW_EINVAL); /* other sub */
  CHECK_EQ_INT(ew__matcher_size(m), 3);

  CHECK_EQ_INT(ew__matcher_remove_all(m, &a), 1);
  CHECK_EQ_INT(ew__matcher_remove_all(m, &a), 0);
  CHECK_EQ_INT(ew__matcher_size(m), 2);
  CHECK_EQ_INT(ew__matcher_remove(m, "**", 2, &b), 0);
  CHECK_EQ_INT(ew__matcher_remove(m, "a.b", 3, &b), 0);
  CHECK_EQ_INT(ew__matcher_size(m), 0);
  CHECK_EQ_INT(ew__matcher_match(m, "a.b", 3, NULL, NULL), 0);
  ew__matcher_destroy(m);
  CHECK_EQ_INT(ew_alloc_live(), live0);

  /* Pruning: after removing everything, only the matcher itself is left.
   * (No match in between: match buffers are kept for reuse.) */
  m = ew__matcher_create(NULL);
  CHECK_EQ_INT(ew_alloc_live(), live_empty);
  static int subs[64];
  char pat[64];
  for (int i = 0; i < 64; i++) {
    /* Wide (many siblings, so tables grow) and deep, with wildcards. */
    snprintf(pat, sizeof(pat), "s%d.%s.x%d.**.end", i % 7,
             (i & 1) ? "*" : "lit", i);
    CHECK_EQ_INT(ew__matcher_add(m, pat, strlen(pat), &subs[i]), 0);
    snprintf(pat, sizeof(pat), "k%d", i);
    CHECK_EQ_INT(ew__matcher_add(m, pat, strlen(pat), &subs[i]), 0);
  }
  CHECK_EQ_INT(ew__matcher_size(m), 128);
  for (int i = 0; i < 64; i += 2) {
    snprintf(pat, sizeof(pat), "s%d.%s.x%d.**.end", i % 7,
             (i & 1) ? "*" : "lit", i);
    CHECK_EQ_INT(ew__matcher_remove(m, pat, strlen(pat), &subs[i]), 0);
    snprintf(pat, sizeof(pat), "k%d", i);
    CHECK_EQ_INT(ew__matcher_remove(m, pat, strlen(pat), &subs[i]), 0);
  }
  CHECK_EQ_INT(ew__matcher_size(m), 64);
  for (int i = 1; i < 64; i += 2) CHECK_EQ_INT(ew__matcher_remove_all(m, &subs[i]), 2);
  CHECK_EQ_INT(ew__matcher_size(m), 0);
  CHECK_EQ_INT(ew_alloc_live(), live_empty);
  ew__matcher_destroy(m);
  CHECK_EQ_INT(ew_alloc_live(), live0);

  /* Destroy with content frees everything too. */
  m = ew__matcher_create(NULL);
  for (int i = 0; i < 64; i++) {
    snprintf(pat, sizeof(pat), "a.b%d.*.**.c", i);
    CHECK_EQ_INT(ew__matcher_add(m, pat, strlen(pat), &subs[i]), 0);
  }
  CHECK_EQ_INT(ew__matcher_match(m, "a.b3.x.c", 8, NULL, NULL), 1);
  ew__matcher_destroy(m);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* Every example of EE2's "Wildcard semantics" that a concrete name can hit.
 * (Empty segments such as "a." are refused by design, so "a.* matches a."
 * has no counterpart.) */
static void test_ee2_semantics(void) {
  CHECK_EQ_INT(matches("a.*", "a.b"), 1);
  CHECK_EQ_INT(matches("a.*", "a"), 0);
  CHECK_EQ_INT(matches("a.*", "a.b.c"), 0);
  CHECK_EQ_INT(matches("a.**", "a"), 1);
  CHECK_EQ_INT(matches("a.**", "a.b"), 1);
  CHECK_EQ_INT(matches("a.**", "a.b.c"), 1);
  CHECK_EQ_INT(matches("a.**", "b"), 0);
  CHECK_EQ_INT(matches("**.z", "z"), 1);
  CHECK_EQ_INT(matches("**.z", "a.b.z"), 1);
  CHECK_EQ_INT(matches("**.z", "z.a"), 0);
  CHECK_EQ_INT(matches("a.**.z", "a.z"), 1);
  CHECK_EQ_INT(matches("a.**.z", "a.b.c.z"), 1);
  CHECK_EQ_INT(matches("a.**.z", "a"), 0);
  CHECK_EQ_INT(matches("a.**.z", "a.z.b"), 0);
  /* "*" is exactly one segment, "**" any number. */
  CHECK_EQ_INT(matches("*", "a"), 1);
  CHECK_EQ_INT(matches("*", "a.b"), 0);
  CHECK_EQ_INT(matches("**", "a"), 1);
  CHECK_EQ_INT(matches("**", "a.b.c"), 1);
  CHECK_EQ_INT(matches("*.b", "a.b"), 1);
  CHECK_EQ_INT(matches("*.b", "b"), 0);
  CHECK_EQ_INT(matches("*.**", "a"), 1);
  CHECK_EQ_INT(matches("**.*", "a.b.c"), 1);
  CHECK_EQ_INT(matches("*.**.*", "a"), 0);
  CHECK_EQ_INT(matches("*.**.*", "a.b"), 1);
  /* Exact, and stars inside a segment are literal. */
  CHECK_EQ_INT(matches("a.b", "a.b"), 1);
  CHECK_EQ_INT(matches("a.b", "a.c"), 0);
  CHECK_EQ_INT(matches("a.b", "a"), 0);
  CHECK_EQ_INT(matches("a.b", "a.b.c"), 0);
  CHECK_EQ_INT(matches("a*", "a*"), 1);
  CHECK_EQ_INT(matches("a*", "ab"), 0);
  CHECK_EQ_INT(matches("***", "x"), 0);
  CHECK_EQ_INT(matches("***", "***"), 1);
  CHECK_EQ_INT(matches("caf\xc3\xa9.*", "caf\xc3\xa9.x"), 1);
  /* A bad name is an error, not a non-match. */
  CHECK_EQ_INT(matches("**", "a..b"), EW_EEVENT_NAME);
  CHECK_EQ_INT(matches("**", "a.*"), EW_EEVENT_NAME);
  CHECK_EQ_INT(matches("**", ""), EW_EEVENT_NAME);

  /* EE2's example "emit('a.b') runs a.b, a.*, *.b, **": the set, not the
   * order, is what the engine needs. */
  ew__matcher_t *m = ew__matcher_create(NULL);
  int s_ab, s_as, s_sb, s_gs, s_other;
  ew__matcher_add(m, "a.b", 3, &s_ab);
  ew__matcher_add(m, "a.*", 3, &s_as);
  ew__matcher_add(m, "*.b", 3, &s_sb);
  ew__matcher_add(m, "**", 2, &s_gs);
  ew__matcher_add(m, "a.c", 3, &s_other);
  ew__matcher_add(m, "b.*", 3, &s_other);
  got_t g;
  CHECK_EQ_INT(match_into(m, "a.b", &g), 4);
  CHECK(got_has(&g, &s_ab) && got_has(&g, &s_as) && got_has(&g, &s_sb) &&
        got_has(&g, &s_gs));
  CHECK(!got_has(&g, &s_other));
  CHECK_EQ_INT(g.dups, 0);
  ew__matcher_destroy(m);
}

static void test_dedupe(void) {
  ew__matcher_t *m = ew__matcher_create(NULL);
  int one, two;
  const char *pats[] = {"a.*", "a.**", "**", "a.b", "*.b", "*.*", "**.b", "a.**.b"};
  for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
    CHECK_EQ_INT(ew__matcher_add(m, pats[i], strlen(pats[i]), &one), 0);
  CHECK_EQ_INT(ew__matcher_add(m, "a.b", 3, &one), 0); /* same pair twice */
  CHECK_EQ_INT(ew__matcher_add(m, "a.b", 3, &two), 0);
  got_t g;
  CHECK_EQ_INT(match_into(m, "a.b", &g), 2);
  CHECK_EQ_INT(g.n, 2);
  CHECK_EQ_INT(g.dups, 0);
  CHECK(got_has(&g, &one) && got_has(&g, &two));
  CHECK_EQ_INT(match_into(m, "a", &g), 1); /* via a.** and ** */
  CHECK(got_has(&g, &one));
  CHECK_EQ_INT(g.dups, 0);

  /* Many distinct subscribers on one node and across nodes: the seen set
   * grows mid-call and must not lose or repeat anyone. */
  static int many[200];
  for (int i = 0; i < 200; i++) {
    ew__matcher_add(m, (i & 1) ? "a.*" : "**", (i & 1) ? 3 : 2, &many[i]);
    ew__matcher_add(m, "a.b", 3, &many[i]);
  }
  CHECK_EQ_INT(match_into(m, "a.b", &g), 202);
  CHECK_EQ_INT(g.dups, 0);
  CHECK_EQ_INT(ew__matcher_match(m, "a.b", 3, NULL, NULL), 202); /* reused */
  CHECK_EQ_INT(match_into(m, "z", &g), 101);
  CHECK_EQ_INT(g.dups, 0);
  ew__matcher_destroy(m);
}

/* Callbacks may change the matcher (a "once" listener removes itself) and
 * even match again; the outer call must be unaffected. */
typedef struct {
  ew__matcher_t *m;
  int calls;
  int nested;
} mut_t;

static void mut_cb(void *sub, void *arg) {
  mut_t *t = arg;
  t->calls++;
  ew__matcher_remove_all(t->m, sub);
  ew__matcher_add(t->m, "new.pattern.**", 14, sub);
  if (t->calls == 1)
    t->nested = ew__matcher_match(t->m, "a.b.c", 5, NULL, NULL);
}

static void test_mutation_in_callback(void) {
  ew__matcher_t *m = ew__matcher_create(NULL);
  static int subs[50];
  char pat[32];
  for (int i = 0; i < 50; i++) {
    snprintf(pat, sizeof(pat), "a.b.c%d", i);
    ew__matcher_add(m, pat, strlen(pat), &subs[i]);
    ew__matcher_add(m, "a.*.**", 6, &subs[i]);
  }
  mut_t t = {m, 0, -1};
  CHECK_EQ_INT(ew__matcher_match(m, "a.b.c7", 6, mut_cb, &t), 50);
  CHECK_EQ_INT(t.calls, 50);
  CHECK_EQ_INT(t.nested, 49); /* the first one had already moved away */
  CHECK_EQ_INT(ew__matcher_size(m), 50);
  CHECK_EQ_INT(ew__matcher_match(m, "a.b.c7", 6, NULL, NULL), 0);
  CHECK_EQ_INT(ew__matcher_match(m, "new.pattern", 11, NULL, NULL), 50);
  ew__matcher_destroy(m);
}

/* ---- brute force comparison ---------------------------------------------------- */

static int ref_match(char **p, int np, char **s, int ns) {
  if (np == 0) return ns == 0;
  if (strcmp(p[0], "**") == 0)
    return ref_match(p + 1, np - 1, s, ns) ||
           (ns > 0 && ref_match(p, np, s + 1, ns - 1));
  if (ns == 0) return 0;
  if (strcmp(p[0], "*") == 0 || strcmp(p[0], s[0]) == 0)
    return ref_match(p + 1, np - 1, s + 1, ns - 1);
  return 0;
}

static uint64_t rng_state = 0x243f6a8885a308d3u;
static unsigned rnd(unsigned n) { /* xorshift64*, reproducible */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (unsigned)((rng_state * 0x2545f4914f6cdd1du) >> 33) % n;
}

typedef struct {
  char text[64];
  char *seg[8];
  int n;
} split_t;

static void random_split(split_t *out, int wild) {
  static char *const alpha[] = {"a", "b", "c", "*", "**"};
  for (;;) {
    out->n = 1 + (int)rnd(6);
    out->text[0] = '\0';
    int ok = 1;
    for (int i = 0; i < out->n; i++) {
      out->seg[i] = alpha[rnd(wild ? 5 : 3)];
      if (i && strcmp(out->seg[i], "**") == 0 && strcmp(out->seg[i - 1], "**") == 0)
        ok = 0;
      if (i) strcat(out->text, ".");
      strcat(out->text, out->seg[i]);
    }
    if (ok) return;
  }
}

static void test_random_pairs(void) {
  int mismatches = 0, hits = 0;
  for (int k = 0; k < 20000; k++) {
    split_t p, s;
    random_split(&p, 1);
    random_split(&s, 0);
    int want = ref_match(p.seg, p.n, s.seg, s.n);
    int got = matches(p.text, s.text);
    hits += want;
    if (got != want && mismatches++ < 10)
      fprintf(stderr, "  pattern %s name %s: got %d want %d\n", p.text, s.text,
              got, want);
  }
  CHECK_EQ_INT(mismatches, 0);
  CHECK(hits > 1000); /* the sample exercises matches, not only misses */
}

/* ew__pattern_within: a table, then random pairs against brute force over
 * every name of 1..6 segments of a, b, c, d (d is in no pattern: "any other
 * literal"). Sound always (within => every name of the pattern matches the
 * allowed one); complete for patterns without "**" (their names all have at
 * most 6 segments, so the enumeration is exhaustive). */
static int within(const char *p, const char *a) { return ew__pattern_within(p, strlen(p), a, strlen(a), NULL); }

static void test_pattern_within(void) {
  static const struct { const char *p, *a; int want; } cases[] = {
    {"a.b", "a.b", 1},       {"a.b", "a.*", 1},       {"a.*", "a.b", 0},       {"a.*", "a.*", 1},
    {"a.b.c", "a.**", 1},    {"a.*.c", "a.**", 1},    {"a.**", "a.**", 1},     {"a", "a.**", 1},
    {"a.**", "a.*", 0},      {"**", "**", 1},         {"**", "*.**", 0},       {"b.x", "a.**", 0},
    {"a.b", "**.b", 1},      {"a.*.b", "**.b", 1},    {"a.**.b", "**.b", 1},   {"a.**", "**.b", 0},
    {"user.42.*", "user.42.*", 1}, {"user.4.*", "user.42.*", 0}, {"user.*.x", "user.42.*", 0},
    {"a.b", "a.b.c", 0},     {"a.b.c", "a.b", 0},     {"*", "**", 1},          {"a.**.b", "a.**", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int got = within(cases[i].p, cases[i].a);
    if (got != cases[i].want) fprintf(stderr, "  within(%s, %s) = %d\n", cases[i].p, cases[i].a, got);
    CHECK_EQ_INT(got, cases[i].want);
  }
  CHECK_EQ_INT(ew__pattern_within("a::b::c", 7, "a::**", 5, "::"), 1);
  CHECK_EQ_INT(ew__pattern_within("a::b", 4, "b::**", 5, "::"), 0);

  static char names[5460][12];
  static char *segs[5460][6];
  static int nseg[5460];
  int nn = 0;
  for (int len = 1; len <= 6; len++) {
    int total = 1;
    for (int i = 0; i < len; i++) total *= 4;
    for (int code = 0; code < total; code++, nn++) {
      int c = code;
      for (int i = 0; i < len; i++, c /= 4) {
        names[nn][2 * i] = (char)('a' + c % 4);
        names[nn][2 * i + 1] = '\0';
        segs[nn][i] = &names[nn][2 * i];
      }
      nseg[nn] = len;
    }
  }
  int unsound = 0, incomplete = 0, yes = 0;
  for (int k = 0; k < 400; k++) {
    split_t p, a;
    random_split(&p, 1);
    random_split(&a, 1);
    int got = ew__pattern_within(p.text, strlen(p.text), a.text, strlen(a.text), NULL);
    int subset = 1;
    for (int i = 0; i < nn && subset; i++)
      if (ref_match(p.seg, p.n, segs[i], nseg[i]) && !ref_match(a.seg, a.n, segs[i], nseg[i])) subset = 0;
    int has_globstar = strstr(p.text, "**") != NULL;
    yes += got;
    if (got && !subset && unsound++ < 5) fprintf(stderr, "  unsound: %s within %s\n", p.text, a.text);
    if (!got && subset && !has_globstar && incomplete++ < 5) fprintf(stderr, "  incomplete: %s within %s\n", p.text, a.text);
  }
  CHECK_EQ_INT(unsound, 0);
  CHECK_EQ_INT(incomplete, 0);
  CHECK(yes > 20); /* the sample has pairs that are within, not only misses */
}

/* Many patterns in one trie, subscribers shared among patterns: the reported
 * set must equal the brute-force set, each member once. */
static void test_random_sets(void) {
  enum { PATTERNS = 300, SUBS = 40, NAMES = 3000 };
  static split_t pats[PATTERNS];
  static int subs[SUBS];
  static int owner[PATTERNS];
  ew__matcher_t *m = ew__matcher_create(NULL);
  for (int i = 0; i < PATTERNS; i++) {
    random_split(&pats[i], 1);
    owner[i] = (int)rnd(SUBS);
    CHECK_EQ_INT(ew__matcher_add(m, pats[i].text, strlen(pats[i].text),
                                 &subs[owner[i]]), 0);
  }
  int mismatches = 0;
  for (int k = 0; k < NAMES; k++) {
    split_t s;
    random_split(&s, 0);
    int want[SUBS] = {0}, nwant = 0;
    for (int i = 0; i < PATTERNS; i++)
      if (!want[owner[i]] && ref_match(pats[i].seg, pats[i].n, s.seg, s.n)) {
        want[owner[i]] = 1;
        nwant++;
      }
    got_t g;
    int rc = match_into(m, s.text, &g);
    int ok = rc == nwant && g.n == nwant && g.dups == 0;
    for (int j = 0; ok && j < SUBS; j++) ok = (got_has(&g, &subs[j]) == want[j]);
    if (!ok) mismatches++;
  }
  CHECK_EQ_INT(mismatches, 0);

  /* Removing half the pairs keeps the two in agreement. */
  for (int i = 0; i < PATTERNS; i += 2)
    CHECK_EQ_INT(ew__matcher_remove(m, pats[i].text, strlen(pats[i].text),
                                    &subs[owner[i]]), 0);
  CHECK_EQ_INT(ew__matcher_size(m), PATTERNS / 2);
  mismatches = 0;
  for (int k = 0; k < NAMES; k++) {
    split_t s;
    random_split(&s, 0);
    int nwant = 0, want[SUBS] = {0};
    for (int i = 1; i < PATTERNS; i += 2)
      if (!want[owner[i]] && ref_match(pats[i].seg, pats[i].n, s.seg, s.n)) {
        want[owner[i]] = 1;
        nwant++;
      }
    if (ew__matcher_match(m, s.text, strlen(s.text), NULL, NULL) != nwant)
      mismatches++;
  }
  CHECK_EQ_INT(mismatches, 0);
  ew__matcher_destroy(m);
}

/* ---- worst case ------------------------------------------------------------------- */

/* "**.a.**.a...." against 32 segments: a naive backtracking walk tries every
 * way of sharing the name among the "**" segments (about C(32,16) paths when
 * the last segment fails). Memoized states keep it polynomial; the check is
 * simply that this finishes. */
static void test_worst_case(void) {
  ew__matcher_t *m = ew__matcher_create(NULL);
  static int subs[EW_SEGMENTS_MAX];
  char pat[EW_NAME_MAX + 1], name[EW_NAME_MAX + 1];
  int npat = 0;
  for (int pairs = 1; pairs <= EW_SEGMENTS_MAX / 2; pairs++) {
    repeat_join(pat, "**.a", pairs);
    CHECK_EQ_INT(ew__matcher_add(m, pat, strlen(pat), &subs[npat++]), 0);
    repeat_join(pat, "a.**", pairs); /* ends in "**" */
    CHECK_EQ_INT(ew__matcher_add(m, pat, strlen(pat), &subs[npat++]), 0);
  }
  /* Same shape with "*" mixed in. */
  const char *stars = "**.*.**.*.**.*.**.*.**.*.**.*.**.b";
  CHECK_EQ_INT(ew__matcher_add(m, stars, strlen(stars), &subs[0]), 0);

  repeat_join(name, "a", EW_SEGMENTS_MAX);
  CHECK_EQ_INT(ew__matcher_match(m, name, strlen(name), NULL, NULL), npat);
  name[strlen(name) - 1] = 'b'; /* 31 a's then b: every "**.a" chain fails */
  got_t g;
  int rc = match_into(m, name, &g);
  /* "a.**" x k needs k a's (k <= 16 <= 31) and matches; "**.a" x k never;
   * the "*" pattern matches through subs[0] (shared with "**.a"). */
  CHECK_EQ_INT(rc, EW_SEGMENTS_MAX / 2 + 1);
  CHECK(got_has(&g, &subs[0]) && got_has(&g, &subs[1]) && !got_has(&g, &subs[2]));
  CHECK_EQ_INT(g.dups, 0);
  for (int i = 0; i < 1000; i++)
    ew__matcher_match(m, name, strlen(name), NULL, NULL);
  ew__matcher_destroy(m);
}

int main(void) {
  RUN(test_delimiters);
  RUN(test_names);
  RUN(test_utf8);
  RUN(test_patterns);
  RUN(test_limits);
  RUN(test_multichar_delimiter);
  RUN(test_split_segments);
  RUN(test_add_remove);
  RUN(test_ee2_semantics);
  RUN(test_dedupe);
  RUN(test_mutation_in_callback);
  RUN(test_random_pairs);
  RUN(test_random_sets);
  RUN(test_worst_case);
  RUN(test_pattern_within);
  return ew_test_finish();
}
