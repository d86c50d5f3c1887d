/*
 * test_text.c - text helpers: the byte buffer and JSON strings (buf.c), the
 * JSON syntax checks (json.c: the recursive check and the deep, iterative
 * one agree), and one-connection pattern matching (names.c) against the trie
 * and a brute-force reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "eventwire.h"
#include "frame.h"
#include "history.h"
#include "inbox.h"
#include "json.h"
#include "matcher.h"
#include "names.h"
#include "test.h"
#include "units.h"

/* ---- buf.c ------------------------------------------------------------------------- */

static int buf_is(const ew__buf_t *b, const char *want, size_t wl) {
  if (b->len == wl && b->data && memcmp(b->data, want, wl) == 0 && b->data[wl] == '\0') return 1;
  fprintf(stderr, "  buf (%zu): %.*s\n  want (%zu): %.*s\n", b->len, (int)b->len, b->data ? b->data : "",
          wl, (int)wl, want);
  return 0;
}
#define BUF_IS(b, lit) buf_is((b), (lit), sizeof(lit) - 1)

static void json_str(ew__buf_t *b, const char *s, size_t n) {
  ew__buf_free(b);
  ew__buf_add_json_str(b, s, n);
}

static void test_buf_json_str(void) {
  ew__buf_t b;
  ew__buf_init(&b);
  json_str(&b, "", 0);
  CHECK(BUF_IS(&b, "\"\""));
  json_str(&b, "abc", 3);
  CHECK(BUF_IS(&b, "\"abc\""));
  json_str(&b, "a\"b\\c", 5);
  CHECK(BUF_IS(&b, "\"a\\\"b\\\\c\""));
  json_str(&b, "\"\\", 2); /* escapes only, no runs */
  CHECK(BUF_IS(&b, "\"\\\"\\\\\""));
  json_str(&b, "\x01\n\t\x1f" "x\r", 6);
  CHECK(BUF_IS(&b, "\"\\u0001\\u000a\\u0009\\u001fx\\u000d\""));
  json_str(&b, "a\0b", 3); /* an embedded NUL */
  CHECK(BUF_IS(&b, "\"a\\u0000b\""));
  json_str(&b, "\x7f", 1); /* DEL needs no escape in JSON */
  CHECK(BUF_IS(&b, "\"\x7f\""));
  json_str(&b, " ", 1);
  CHECK(BUF_IS(&b, "\" \""));
  /* UTF-8 passes through byte for byte */
  const char utf8[] = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  json_str(&b, utf8, sizeof utf8 - 1);
  CHECK(BUF_IS(&b, "\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""));
  /* every byte below 0x20 */
  char ctl[32];
  for (int i = 0; i < 32; i++) ctl[i] = (char)i;
  json_str(&b, ctl, 32);
  char want[2 + 32 * 6 + 1], *w = want;
  *w++ = '"';
  for (int i = 0; i < 32; i++) w += sprintf(w, "\\u%04x", i);
  *w++ = '"';
  *w = '\0';
  CHECK(buf_is(&b, want, strlen(want)));
  /* appended after earlier content, and long (several growths) */
  ew__buf_free(&b);
  ew__buf_adds(&b, "[");
  static char big[5000];
  for (int i = 0; i < 5000; i++) big[i] = (i % 100 == 99) ? '"' : (char)('a' + i % 26);
  ew__buf_add_json_str(&b, big, sizeof big);
  ew__buf_adds(&b, "]");
  CHECK_EQ_INT(b.len, 1 + 2 + 5000 + 50 + 1);
  CHECK(b.data[0] == '[' && b.data[1] == '"' && b.data[b.len - 2] == '"' && b.data[b.len - 1] == ']');
  int escaped = 0;
  for (size_t i = 0; i + 1 < b.len; i++)
    if (b.data[i] == '\\' && b.data[i + 1] == '"') escaped++;
  CHECK_EQ_INT(escaped, 50);
  CHECK_EQ_INT(b.failed, 0);
  ew__buf_free(&b);
  CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void test_buf_addf(void) {
  int64_t live0 = ew_alloc_live();
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b, "%d-%s", 42, "x");
  CHECK(BUF_IS(&b, "42-x"));
  /* > 256 bytes, after existing content */
  char s[1000];
  memset(s, 'q', sizeof s - 1);
  s[sizeof s - 1] = '\0';
  ew__buf_addf(&b, "<%s|%05d>", s, 7);
  CHECK_EQ_INT(b.len, 4 + 1 + 999 + 7);
  CHECK(memcmp(b.data, "42-x<qqq", 8) == 0);
  CHECK(memcmp(b.data + b.len - 8, "q|00007>", 8) == 0);
  CHECK_EQ_INT(b.data[b.len], '\0');
  CHECK_EQ_INT(strlen(b.data), b.len);
  /* the boundary of the 256-byte stack buffer: 255, 256 and 257 bytes */
  for (size_t n = 254; n <= 258; n++) {
    ew__buf_t c;
    ew__buf_init(&c);
    ew__buf_adds(&c, "ab");
    ew__buf_addf(&c, "%.*s", (int)n, s);
    CHECK_EQ_INT(c.len, 2 + n);
    CHECK(c.data && memcmp(c.data, "ab", 2) == 0 && memcmp(c.data + 2, s, n) == 0 && c.data[2 + n] == '\0');
    ew__buf_adds(&c, "Z"); /* appending goes on at the right place */
    CHECK(c.data && c.len == 3 + n && c.data[2 + n] == 'Z' && c.data[3 + n] == '\0');
    ew__buf_free(&c);
  }
  /* very long: many doublings */
  ew__buf_t d;
  ew__buf_init(&d);
  for (int i = 0; i < 20; i++) ew__buf_addf(&d, "%s%d", s, i);
  size_t want = 0;
  for (int i = 0; i < 20; i++) want += 999 + (i < 10 ? 1 : 2);
  CHECK_EQ_INT(d.len, want);
  CHECK(memcmp(d.data + d.len - 3, "q19", 3) == 0);
  CHECK(d.cap > d.len);
  ew__buf_free(&d);
  /* empty format adds nothing */
  size_t before = b.len;
  ew__buf_addf(&b, "%s", "");
  CHECK_EQ_INT(b.len, before);
  ew__buf_free(&b);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* ---- names.c: ew__pattern_match ------------------------------------------------------ */

static int pm(const char *p, const char *n) { return ew__pattern_match(p, strlen(p), n, strlen(n), NULL); }

/* Brute-force EventEmitter2 reference on split segments. */
static int ref_match(char **p, int pn, char **n, int nn) {
  if (pn == 0) return nn == 0;
  if (!strcmp(p[0], "**")) return ref_match(p + 1, pn - 1, n, nn) || (nn > 0 && ref_match(p, pn, n + 1, nn - 1));
  if (nn == 0) return 0;
  if (!strcmp(p[0], "*") || !strcmp(p[0], n[0])) return ref_match(p + 1, pn - 1, n + 1, nn - 1);
  return 0;
}

typedef struct {
  char text[128];
  char *seg[12];
  int n;
  int valid;
} rsplit_t;

static void random_text(rsplit_t *out, int wild, const char *delim) {
  static char *const alpha[] = {"a", "b", "ab", "c", "*", "**"};
  out->n = 1 + (int)rnd(7);
  out->text[0] = '\0';
  out->valid = 1;
  for (int i = 0; i < out->n; i++) {
    out->seg[i] = alpha[rnd(wild ? 6 : 4)];
    if (i && !strcmp(out->seg[i], "**") && !strcmp(out->seg[i - 1], "**")) out->valid = 0;
    if (i) strcat(out->text, delim);
    strcat(out->text, out->seg[i]);
  }
}

typedef struct {
  int calls;
} count_t;
static void count_cb(void *sub, void *arg) {
  (void)sub;
  ((count_t *)arg)->calls++;
}

static void test_pattern_match_random(void) {
  const char *delims[] = {".", "::", "/"};
  int mismatch_trie = 0, mismatch_ref = 0, hits = 0, invalid = 0, total = 0;
  static int sub;
  for (size_t d = 0; d < 3; d++) {
    const char *delim = delims[d];
    for (int k = 0; k < 800; k++) {
      rsplit_t p;
      random_text(&p, 1, delim);
      ew__matcher_t *m = ew__matcher_create(delim);
      int add = ew__matcher_add(m, p.text, strlen(p.text), &sub);
      CHECK_EQ_INT(add, p.valid ? 0 : EW_EPATTERN);
      if (!p.valid) invalid++;
      for (int j = 0; j < 12; j++) {
        rsplit_t n;
        random_text(&n, 0, delim);
        count_t cnt = {0};
        int rc = ew__matcher_match(m, n.text, strlen(n.text), count_cb, &cnt);
        int trie = rc > 0 ? 1 : 0;
        int got = ew__pattern_match(p.text, strlen(p.text), n.text, strlen(n.text), delim);
        int want = p.valid ? ref_match(p.seg, p.n, n.seg, n.n) : 0;
        total++;
        hits += want;
        if (rc < 0 || cnt.calls != rc) mismatch_trie++;
        if (got != trie && mismatch_trie++ < 10)
          fprintf(stderr, "  [%s] pattern %s name %s: pattern_match %d, trie %d\n", delim, p.text, n.text, got,
                  trie);
        if (got != want && mismatch_ref++ < 10)
          fprintf(stderr, "  [%s] pattern %s name %s: pattern_match %d, reference %d\n", delim, p.text, n.text,
                  got, want);
      }
      ew__matcher_destroy(m);
    }
  }
  CHECK_EQ_INT(mismatch_trie, 0);
  CHECK_EQ_INT(mismatch_ref, 0);
  CHECK(hits > total / 20); /* the sample has plenty of matches */
  CHECK(invalid > 0);       /* and some "**" twice in a row */
}

static void test_pattern_match_ee2(void) {
  CHECK_EQ_INT(pm("a.**", "a"), 1);
  CHECK_EQ_INT(pm("a.**", "a.b"), 1);
  CHECK_EQ_INT(pm("a.**", "a.b.c"), 1);
  CHECK_EQ_INT(pm("a.**", "b"), 0);
  CHECK_EQ_INT(pm("**.z", "z"), 1);
  CHECK_EQ_INT(pm("**.z", "a.b.z"), 1);
  CHECK_EQ_INT(pm("**.z", "z.a"), 0);
  CHECK_EQ_INT(pm("a.*", "a.b"), 1);
  CHECK_EQ_INT(pm("a.*", "a.b.c"), 0);
  CHECK_EQ_INT(pm("a.*", "a"), 0);
  CHECK_EQ_INT(pm("*", "a"), 1);
  CHECK_EQ_INT(pm("*", "a.b"), 0);
  CHECK_EQ_INT(pm("**", "a"), 1);
  CHECK_EQ_INT(pm("**", "a.b.c"), 1);
  CHECK_EQ_INT(pm("*.*", "a"), 0);
  CHECK_EQ_INT(pm("*.*", "a.b"), 1);
  CHECK_EQ_INT(pm("a.**.z", "a.z"), 1);
  CHECK_EQ_INT(pm("a.**.z", "a.b.c.z"), 1);
  CHECK_EQ_INT(pm("a.**.z", "a.b.c"), 0);
  CHECK_EQ_INT(pm("**.*", "a"), 1);
  CHECK_EQ_INT(pm("*.**", "a"), 1);
  CHECK_EQ_INT(pm("a.b", "a.b"), 1);
  CHECK_EQ_INT(pm("a.b", "a.bc"), 0);
  CHECK_EQ_INT(pm("a*", "ab"), 0); /* '*' inside a segment is a literal */
  CHECK_EQ_INT(pm("a*", "a*"), 1); /* ...matching itself: "a*" is a valid name */
  CHECK_EQ_INT(ew_event_name_check("a*", 2, NULL), 0);
  /* invalid input never matches */
  CHECK_EQ_INT(pm("**.**", "a"), 0);
  CHECK_EQ_INT(pm("a..b", "a..b"), 0);
  CHECK_EQ_INT(pm("", ""), 0);
  CHECK_EQ_INT(pm("*", "*"), 0);  /* a wildcard is not a concrete name */
  CHECK_EQ_INT(pm("**", "**"), 0);
  CHECK_EQ_INT(ew__pattern_match("a", 1, "a", 1, ""), 0); /* unusable delimiter */
  CHECK_EQ_INT(ew__pattern_match("a", 1, "a", 1, "*"), 0);
  /* only the given lengths are read */
  CHECK_EQ_INT(ew__pattern_match("a.*", 3, "a.bXYZ", 3, NULL), 1);
  CHECK_EQ_INT(ew__pattern_match("a.*.c", 3, "a.b", 3, NULL), 1);
  /* multi-byte delimiter */
  CHECK_EQ_INT(ew__pattern_match("a::**", 5, "a", 1, "::"), 1);
  CHECK_EQ_INT(ew__pattern_match("a::*", 4, "a::b::c", 7, "::"), 0);
  CHECK_EQ_INT(ew__pattern_match("a.*", 3, "a.b", 3, "::"), 0); /* "." is a literal there */
}

/* ---- json.c ------------------------------------------------------------------------- */

static uint32_t lcg(uint32_t *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 8; /* the low bits of an LCG cycle quickly */
}

/* A random valid JSON text of at most cap bytes (depth <= 4); its length. */
static size_t gen_json(char *out, size_t cap, uint32_t *seed, int depth) {
  static const char *const scalars[] = {"0", "-12.5e+3", "1E9", "true", "false", "null", "\"a\\u00e9\\n\"", "\"\"",
                                        "\"x y\"", "7", "-0", "3.25"};
  uint32_t kind = depth >= 4 || cap < 64 ? 2 : lcg(seed) % 3;
  if (kind == 2) {
    const char *v = scalars[lcg(seed) % (sizeof scalars / sizeof scalars[0])];
    size_t n = strlen(v);
    memcpy(out, v, n);
    return n;
  }
  int obj = kind == 0;
  size_t n = 0;
  out[n++] = obj ? '{' : '[';
  uint32_t members = lcg(seed) % 4;
  for (uint32_t i = 0; i < members && cap - n > 48; i++) {
    if (i) out[n++] = ',';
    if (lcg(seed) % 4 == 0) out[n++] = ' ';
    if (obj) {
      n += (size_t)sprintf(out + n, "\"k%u\":", (unsigned)(lcg(seed) % 10));
    }
    n += gen_json(out + n, (cap - n - 2) / 2, seed, depth + 1);
  }
  out[n++] = obj ? '}' : ']';
  return n;
}

/* JSON strings are scanned 8 bytes at a time: every byte that matters, at
 * every offset of strings of every length around the word size, against
 * what a string may hold (ew__json_valid, ew__json_value_len). */
static void test_json_string_words(void) {
  static const unsigned char probe[] = {'"', '\\', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x5b, 0x5c - 1, 0x5d, 0x7f, 0x80, 0xc3, 0xff};
  char s[64];
  for (size_t len = 0; len <= 26; len++) {
    for (size_t k = 0; k < len; k++) {
      for (size_t t = 0; t < sizeof probe; t++) {
        unsigned char c = probe[t];
        s[0] = '"';
        for (size_t i = 0; i < len; i++) s[1 + i] = (char)('a' + i % 26);
        s[1 + k] = (char)c;
        size_t n = len + 1;
        int escape = c == '\\';
        if (escape) s[n++] = 'n'; /* "\n" then the rest: still one string */
        s[n++] = '"';
        int want;
        if (c == '"') want = -1; /* closes early: text follows */
        else if (c < 0x20) want = -1;                 /* raw control characters must be escaped */
        else if (escape) want = k + 1 == len ? 0 : -1; /* "\n" only when the backslash is last: else "\x" */
        else want = 0;
        if (escape && k + 1 < len) {
          /* the escape takes the next letter as its code: valid only for b f n r t */
          char e = s[2 + k];
          want = (e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') ? 0 : -1;
        }
        int got = ew__json_valid(s, n);
        if (got != want) fprintf(stderr, "len %zu at %zu byte 0x%02x: %d, want %d\n", len, k, c, got, want);
        CHECK_EQ_INT(got, want);
        /* A quote inside closes a shorter string: that prefix is one value. */
        CHECK_EQ_INT(ew__json_value_len(s, n), c == '"' ? (ptrdiff_t)k + 2 : want == 0 ? (ptrdiff_t)n : -1);
      }
    }
  }
}

static void test_json_valid(void) {
  static const char *const good[] = {"{}", "[]", "0", "-0.5e+3", "\"a\\u0000b\"", " {\"a\":[1,{\"b\":null}],\"c\":true} ",
                                     "[[],[[]],{},{\"x\":{}}]", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "false",
                                     "{\"a\":1,\"a\":2}", "1E9", "[1,\n2\t,\r3]"};
  static const char *const bad[] = {"", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}",
                                    "[1 2]", "01", "1.", "-", ".5", "1e", "tru", "nul", "\"abc", "\"\x01\"", "\"\\x\"",
                                    "\"\\u12g4\"", "{} {}", "[1]]", "[[1]", "{\"a\":1}}", "[}", "{]", "1 2", "\x1e"};
  ew__json_info_t info;
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    CHECK_EQ_INT(ew__json_valid(good[i], strlen(good[i])), 0);
    CHECK_EQ_INT(ew__json_check(good[i], strlen(good[i]), &info), 0);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_EQ_INT(ew__json_valid(bad[i], strlen(bad[i])), -1);
    CHECK_EQ_INT(ew__json_check(bad[i], strlen(bad[i]), &info), -1);
  }
  /* Differential: valid JSON made from the grammar, then 0-2 byte
   * mutations from a wide alphabet; the two checks must agree on every text
   * (all are shallow enough for the recursive one). */
  uint32_t seed = 12345;
  char text[512];
  int agreed = 0, valid_containers = 0, total = 0;
  for (int round = 0; round < 100000; round++) {
    size_t n = gen_json(text, sizeof text - 8, &seed, 0);
    int mutations = (int)(lcg(&seed) % 3);
    for (int k = 0; k < mutations && n > 0; k++) {
      static const char wide[] = "{}[]:,\"\\ \t\n\rabcdefnrtuls0123456789-+.eE\x01\x1e\x7f\xc3\xa9\xff";
      size_t at = lcg(&seed) % n;
      char ch = wide[lcg(&seed) % (sizeof wide - 1)];
      switch (lcg(&seed) % 3) {
        case 0: text[at] = ch; break;                                   /* replace */
        case 1: memmove(text + at, text + at + 1, n - at - 1); n--; break; /* delete */
        default: memmove(text + at + 1, text + at, n - at); text[at] = ch; n++; break; /* insert */
      }
    }
    int a = ew__json_valid(text, n), b = ew__json_check(text, n, &info);
    agreed += a == b;
    total++;
    if (a == 0 && (memchr(text, '{', n) || memchr(text, '[', n)) && memchr(text, '"', n)) valid_containers++;
  }
  CHECK_EQ_INT(agreed, total);
  CHECK(valid_containers > 10000); /* the accept path for containers is exercised (~19% of texts) */
  /* Deep nesting: fine far past the recursive check's 64 levels, up to 65,536. */
  size_t deep = 65536;
  char *t = malloc(2 * deep + 2);
  CHECK(t != NULL);
  if (!t) return;
  memset(t, '[', deep);
  memset(t + deep, ']', deep);
  CHECK_EQ_INT(ew__json_valid(t, 2 * deep), 0);
  CHECK_EQ_INT(ew__json_check(t, 2 * deep, &info), -1); /* past 64 */
  memset(t, '[', deep + 1);
  memset(t + deep + 1, ']', deep + 1);
  CHECK_EQ_INT(ew__json_valid(t, 2 * deep + 2), -1); /* one level too many */
  /* objects nested 1,000 deep: {"a":{"a":...{}...}} */
  size_t m = 0;
  for (int k = 0; k < 1000; k++) m += (size_t)sprintf(t + m, "{\"a\":");
  t[m++] = '1';
  for (int k = 0; k < 1000; k++) t[m++] = '}';
  CHECK_EQ_INT(ew__json_valid(t, m), 0);
  CHECK_EQ_INT(ew__json_valid(t, m - 1), -1); /* one brace short */
  free(t);
}

int main(void) {
  RUN(test_json_valid);
  RUN(test_json_string_words);
  RUN(test_buf_json_str);
  RUN(test_buf_addf);
  RUN(test_pattern_match_random);
  RUN(test_pattern_match_ee2);
  return ew_test_finish();
}
