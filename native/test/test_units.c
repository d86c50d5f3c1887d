/*
 * test_units.c - the engine's pure parts, without threads or sockets:
 * frames (frame.c), ids, the history ring (history.c), the byte buffer
 * (buf.c), one-connection pattern matching (names.c, checked against the
 * trie and a brute-force reference) and the inbox (inbox.c).
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
#include "matcher.h"
#include "names.h"
#include "test.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Event fields from NUL-terminated strings (NULL = empty). */
static ew__event_fields_t fields(const char *type, const char *id, const char *ts, const char *prio,
                                 const char *source, const char *meta, const char *version,
                                 const char *data) {
  ew__event_fields_t f;
  memset(&f, 0, sizeof f);
#define EW_T_SET(field, v) (f.field = (v) ? (v) : "", f.field##_len = (v) ? strlen(v) : 0)
  EW_T_SET(type, type);
  EW_T_SET(id, id);
  EW_T_SET(ts, ts);
  EW_T_SET(priority, prio);
  EW_T_SET(source, source);
  EW_T_SET(metadata, meta);
  EW_T_SET(version, version);
  EW_T_SET(data, data);
#undef EW_T_SET
  return f;
}

/* 1 when the frame's payload is exactly `want` (prints both otherwise). */
static int payload_is(const ew__frame_t *f, const char *want) {
  size_t n;
  const char *p = ew__frame_payload(f, &n);
  if (n == strlen(want) && memcmp(p, want, n) == 0) return 1;
  fprintf(stderr, "  payload: %.*s\n  wanted:  %s\n", (int)(n > 400 ? 400 : n), p, want);
  return 0;
}

/* An event frame with type "t" and id ms-seq. */
static ew__frame_t *ev(uint64_t ms, uint64_t seq) {
  char id[48];
  snprintf(id, sizeof id, "%llu-%llu", (unsigned long long)ms, (unsigned long long)seq);
  ew__event_fields_t f = fields("t", id, "1", NULL, NULL, NULL, NULL, "null");
  return ew__frame_event(&f);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static unsigned rnd(unsigned n) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (unsigned)((rng_state * 0x2545f4914f6cdd1du) >> 33) % n;
}

/* ---- frame.c ---------------------------------------------------------------- */

static void test_frame_event_small(void) {
  int64_t live0 = ew_alloc_live();
  /* type with a quote and a backslash; no priority/metadata/version */
  ew__event_fields_t f = fields("a\"b\\c", "1700000000000-7", "1700000000000", NULL, "src", NULL, NULL,
                                "{\"x\":[1,2]}");
  ew__frame_t *fr = ew__frame_event(&f);
  CHECK(fr != NULL);
  if (!fr) return;
  const char *want =
      "{\"id\":\"1700000000000-7\",\"type\":\"a\\\"b\\\\c\",\"data\":{\"x\":[1,2]},\"source\":\"src\","
      "\"timestamp\":1700000000000}";
  size_t wl = strlen(want);
  CHECK(wl < 126);
  CHECK(payload_is(fr, want));
  CHECK_EQ_INT(fr->data[0], 0x81); /* FIN + text */
  CHECK_EQ_INT(fr->data[1], wl);   /* unmasked, 7-bit length */
  CHECK_EQ_INT(fr->hdr_len, 2);
  CHECK_EQ_INT(fr->len, 2 + wl);
  CHECK_EQ_INT(fr->refs, 1);
  CHECK_EQ_INT(fr->is_event, 1);
  CHECK_EQ_INT(fr->prio, EW__PRIO_NORMAL);
  CHECK_EQ_INT(fr->id_ms, 1700000000000ULL);
  CHECK_EQ_INT(fr->id_seq, 7);
  CHECK_EQ_INT(fr->type_len, 5);
  CHECK(fr->type && memcmp(fr->type, "a\"b\\c", 6) == 0); /* includes the NUL */
  /* the type copy lives after the frame bytes, not inside them */
  CHECK((const uint8_t *)fr->type >= fr->data + fr->len);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1); /* one block: the frame */
  ew__frame_unref(fr);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

static void test_frame_event_optional_fields(void) {
  struct {
    const char *prio;
    int want_prio;
  } cases[] = {{"low", EW__PRIO_LOW},
               {"normal", EW__PRIO_NORMAL},
               {"high", EW__PRIO_HIGH},
               {"critical", EW__PRIO_CRITICAL},
               {"bogus", EW__PRIO_NORMAL},
               {"Low", EW__PRIO_NORMAL},
               {"lo", EW__PRIO_NORMAL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ew__event_fields_t f = fields("x.y", "5-0", "5", cases[i].prio, "s", "{\"m\":1}", "\"v2\"", "7");
    ew__frame_t *fr = ew__frame_event(&f);
    CHECK(fr != NULL);
    if (!fr) continue;
    char want[256];
    snprintf(want, sizeof want,
             "{\"id\":\"5-0\",\"type\":\"x.y\",\"data\":7,\"source\":\"s\",\"timestamp\":5,"
             "\"priority\":\"%s\",\"metadata\":{\"m\":1},\"version\":\"v2\"}",
             cases[i].prio);
    CHECK(payload_is(fr, want));
    CHECK_EQ_INT(fr->prio, cases[i].want_prio);
    CHECK_EQ_INT(fr->data[1], strlen(want));
    ew__frame_unref(fr);
  }
  /* each optional field on its own */
  ew__event_fields_t f = fields("t", "1-1", "2", NULL, "s", NULL, "3", "null");
  ew__frame_t *fr = ew__frame_event(&f);
  CHECK(fr && payload_is(fr, "{\"id\":\"1-1\",\"type\":\"t\",\"data\":null,\"source\":\"s\",\"timestamp\":2,\"version\":3}"));
  ew__frame_unref(fr);
  f = fields("t", "1-1", "2", NULL, "s", "{}", NULL, "null");
  fr = ew__frame_event(&f);
  CHECK(fr && payload_is(fr, "{\"id\":\"1-1\",\"type\":\"t\",\"data\":null,\"source\":\"s\",\"timestamp\":2,\"metadata\":{}}"));
  ew__frame_unref(fr);
  /* source is also left out when empty (see the report: the protocol shows it always) */
  f = fields("t", "1-1", "2", NULL, NULL, NULL, NULL, "null");
  fr = ew__frame_event(&f);
  CHECK(fr && payload_is(fr, "{\"id\":\"1-1\",\"type\":\"t\",\"data\":null,\"timestamp\":2}"));
  ew__frame_unref(fr);
  /* source is escaped like type; data/metadata/version are spliced raw */
  f = fields("t", "1-1", "2", NULL, "a\"\n", NULL, NULL, "\"raw\\u0001\"");
  fr = ew__frame_event(&f);
  CHECK(fr && payload_is(fr, "{\"id\":\"1-1\",\"type\":\"t\",\"data\":\"raw\\u0001\","
                             "\"source\":\"a\\\"\\u000a\",\"timestamp\":2}"));
  ew__frame_unref(fr);
  /* a control byte in the type is escaped; the NUL-terminated copy is raw */
  f = fields("a\tb", "1-1", "2", NULL, "s", NULL, NULL, "0");
  fr = ew__frame_event(&f);
  CHECK(fr && payload_is(fr, "{\"id\":\"1-1\",\"type\":\"a\\u0009b\",\"data\":0,\"source\":\"s\",\"timestamp\":2}"));
  CHECK(fr && fr->type_len == 3 && strcmp(fr->type, "a\tb") == 0);
  ew__frame_unref(fr);
}

/* A data string literal of n bytes (quotes included). */
static char *json_filler(size_t n) {
  char *d = malloc(n + 1);
  memset(d, 'x', n);
  d[0] = d[n - 1] = '"';
  d[n] = '\0';
  return d;
}

static void test_frame_event_lengths(void) {
  /* The payload is overhead + data; find the overhead with a 2-byte data. */
  ew__event_fields_t f = fields("t", "1-2", "3", NULL, "s", NULL, NULL, "\"\"");
  ew__frame_t *fr = ew__frame_event(&f);
  size_t overhead = 0;
  CHECK(fr != NULL);
  if (fr) overhead = fr->len - fr->hdr_len - 2;
  ew__frame_unref(fr);
  CHECK_EQ_INT(overhead, strlen("{\"id\":\"1-2\",\"type\":\"t\",\"data\":,\"source\":\"s\",\"timestamp\":3}"));

  size_t sizes[] = {125, 126, 127, 300, 65535, 65536, 70000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t plen = sizes[i];
    char *data = json_filler(plen - overhead);
    f = fields("t", "1-2", "3", NULL, "s", NULL, NULL, data);
    fr = ew__frame_event(&f);
    CHECK(fr != NULL);
    if (!fr) {
      free(data);
      continue;
    }
    const uint8_t *h = fr->data;
    CHECK_EQ_INT(h[0], 0x81);
    if (plen < 126) {
      CHECK_EQ_INT(fr->hdr_len, 2);
      CHECK_EQ_INT(h[1], plen);
    } else if (plen <= 0xffff) {
      CHECK_EQ_INT(fr->hdr_len, 4);
      CHECK_EQ_INT(h[1], 126);
      CHECK_EQ_INT((h[2] << 8) | h[3], plen);
    } else {
      CHECK_EQ_INT(fr->hdr_len, 10);
      CHECK_EQ_INT(h[1], 127);
      uint64_t l = 0;
      for (int k = 0; k < 8; k++) l = l << 8 | h[2 + k];
      CHECK_EQ_INT(l, plen);
      CHECK_EQ_INT(h[2], 0); /* most significant bit clear */
    }
    CHECK_EQ_INT(fr->len, fr->hdr_len + plen);
    /* the payload is the envelope, whole */
    size_t n;
    const char *p = ew__frame_payload(fr, &n);
    CHECK_EQ_INT(n, plen);
    static const char head[] = "{\"id\":\"1-2\",\"type\":\"t\",\"data\":\"xx";
    static const char tail[] = "x\",\"source\":\"s\",\"timestamp\":3}";
    CHECK(n > 80 && memcmp(p, head, sizeof head - 1) == 0);
    CHECK(n > 80 && memcmp(p + n - (sizeof tail - 1), tail, sizeof tail - 1) == 0);
    CHECK(strcmp(fr->type, "t") == 0);
    ew__frame_unref(fr);
    free(data);
  }
}

static void test_frame_event_bad_id(void) {
  int64_t live0 = ew_alloc_live();
  const char *bad[] = {"", "-", "1-", "-1", "1-2-3", "a-1", " 1-1", "1-1 ", "12", "1-x",
                       "12345678901234567890-1", "1-12345678901234567890"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ew__event_fields_t f = fields("t", bad[i], "1", NULL, "s", NULL, NULL, "1");
    ew__frame_t *fr = ew__frame_event(&f);
    if (fr) fprintf(stderr, "  id \"%s\" was accepted\n", bad[i]);
    CHECK(fr == NULL);
    ew__frame_unref(fr);
  }
  CHECK_EQ_INT(ew_alloc_live(), live0); /* no half-built buffer left behind */
}

static void test_frame_ws(void) {
  static uint8_t payload[70000];
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)(i * 7 + 3);
  struct {
    uint8_t op;
    size_t len;
    uint8_t hdr[10];
    size_t hl;
  } cases[] = {
      {9, 0, {0x89, 0x00}, 2},
      {10, 5, {0x8a, 0x05}, 2},
      {1, 125, {0x81, 0x7d}, 2},
      {1, 126, {0x81, 0x7e, 0x00, 0x7e}, 4},
      {1, 127, {0x81, 0x7e, 0x00, 0x7f}, 4},
      {2, 256, {0x82, 0x7e, 0x01, 0x00}, 4},
      {1, 65535, {0x81, 0x7e, 0xff, 0xff}, 4},
      {1, 65536, {0x81, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}, 10},
      {1, 70000, {0x81, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70}, 10},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ew__frame_t *f = ew__frame_ws(cases[i].op, payload, cases[i].len);
    CHECK(f != NULL);
    if (!f) continue;
    CHECK_EQ_INT(f->hdr_len, cases[i].hl);
    CHECK_EQ_INT(f->len, cases[i].hl + cases[i].len);
    CHECK(memcmp(f->data, cases[i].hdr, cases[i].hl) == 0);
    CHECK(cases[i].len == 0 || memcmp(f->data + cases[i].hl, payload, cases[i].len) == 0);
    CHECK_EQ_INT(f->is_event, 0);
    CHECK_EQ_INT(f->refs, 1);
    ew__frame_unref(f);
  }
  /* NULL payload with length 0 is fine */
  ew__frame_t *f = ew__frame_ws(9, NULL, 0);
  CHECK(f && f->len == 2 && f->data[0] == 0x89 && f->data[1] == 0);
  ew__frame_unref(f);
}

static void test_frame_close(void) {
  ew__frame_t *f = ew__frame_close(1000, "bye");
  const uint8_t want1[] = {0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e'};
  CHECK(f && f->len == sizeof want1 && memcmp(f->data, want1, sizeof want1) == 0);
  CHECK(f && f->hdr_len == 2);
  ew__frame_unref(f);

  f = ew__frame_close(4008, NULL);
  const uint8_t want2[] = {0x88, 0x02, 0x0f, 0xa8};
  CHECK(f && f->len == sizeof want2 && memcmp(f->data, want2, sizeof want2) == 0);
  ew__frame_unref(f);

  f = ew__frame_close(1002, "");
  const uint8_t want3[] = {0x88, 0x02, 0x03, 0xea};
  CHECK(f && f->len == sizeof want3 && memcmp(f->data, want3, sizeof want3) == 0);
  ew__frame_unref(f);

  /* A reason longer than 123 bytes is cut to 123: the payload stays <= 125. */
  char reason[201];
  for (int i = 0; i < 200; i++) reason[i] = (char)('a' + i % 26);
  reason[200] = '\0';
  f = ew__frame_close(1011, reason);
  CHECK(f != NULL);
  if (f) {
    CHECK_EQ_INT(f->len, 2 + 125);
    CHECK_EQ_INT(f->data[0], 0x88);
    CHECK_EQ_INT(f->data[1], 125);
    CHECK_EQ_INT(f->data[2], 0x03);
    CHECK_EQ_INT(f->data[3], 0xf3);
    CHECK(memcmp(f->data + 4, reason, 123) == 0);
  }
  ew__frame_unref(f);
  /* exactly 123 stays whole, 124 loses one byte */
  reason[123] = '\0';
  f = ew__frame_close(1000, reason);
  CHECK(f && f->len == 127 && f->data[1] == 125 && memcmp(f->data + 4, reason, 123) == 0);
  ew__frame_unref(f);
  reason[123] = 'x';
  reason[124] = '\0';
  f = ew__frame_close(1000, reason);
  CHECK(f && f->len == 127 && f->data[1] == 125 && f->data[4 + 122] == reason[122]);
  ew__frame_unref(f);
}

static void test_frame_raw_and_refs(void) {
  int64_t live0 = ew_alloc_live();
  const char http[] = "HTTP/1.1 200 OK\r\n\r\n";
  ew__frame_t *f = ew__frame_raw(http, sizeof http - 1);
  CHECK(f != NULL);
  if (!f) return;
  CHECK_EQ_INT(f->len, sizeof http - 1);
  CHECK_EQ_INT(f->hdr_len, 0);
  CHECK_EQ_INT(f->is_event, 0);
  CHECK(memcmp(f->data, http, sizeof http - 1) == 0);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1);
  ew__frame_ref(f);
  ew__frame_ref(f);
  CHECK_EQ_INT(f->refs, 3);
  ew__frame_unref(f);
  ew__frame_unref(f);
  CHECK_EQ_INT(f->refs, 1);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1); /* still alive at refs 1 */
  ew__frame_unref(f);
  CHECK_EQ_INT(ew_alloc_live(), live0); /* freed at zero */
  ew__frame_unref(NULL);                /* no-op */

  f = ew__frame_raw("", 0);
  CHECK(f && f->len == 0);
  ew__frame_unref(f);

  /* an event frame shared by several holders */
  ew__frame_t *e = ev(1, 2);
  for (int i = 0; i < 10; i++) ew__frame_ref(e);
  for (int i = 0; i < 10; i++) ew__frame_unref(e);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1);
  ew__frame_unref(e);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* ---- ids ----------------------------------------------------------------------- */

static int parse(const char *s, uint64_t *ms, uint64_t *seq) {
  return ew__id_parse(s, strlen(s), ms, seq);
}

static void test_id_parse(void) {
  struct {
    const char *s;
    uint64_t ms, seq;
  } good[] = {{"0-0", 0, 0},
              {"1-2", 1, 2},
              {"1700000000000-15", 1700000000000ULL, 15},
              {"01-002", 1, 2},
              {"9999999999999999999-9999999999999999999", 9999999999999999999ULL, 9999999999999999999ULL}};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    uint64_t ms = 123, seq = 456;
    CHECK_EQ_INT(parse(good[i].s, &ms, &seq), 0);
    CHECK(ms == good[i].ms && seq == good[i].seq);
  }
  const char *bad[] = {"", "-", "1-", "-1", "1-2-3", "a-1", " 1-1", "1-1 ", "1 -1", "+1-1",
                       "1--1", "1-+1", "0x1-1", "1.5-1", "12", "1-a", "--",
                       "12345678901234567890-1", "1-12345678901234567890",
                       "99999999999999999999-0"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint64_t ms = 123, seq = 456;
    int rc = parse(bad[i], &ms, &seq);
    if (rc != EW_ESINCE) fprintf(stderr, "  \"%s\" -> %d\n", bad[i], rc);
    CHECK_EQ_INT(rc, EW_ESINCE);
    CHECK(ms == 123 && seq == 456); /* outputs untouched on error */
  }
  /* only `len` bytes are read */
  uint64_t ms = 0, seq = 0;
  CHECK_EQ_INT(ew__id_parse("12-345", 4, &ms, &seq), 0);
  CHECK(ms == 12 && seq == 3);
  CHECK_EQ_INT(ew__id_parse("12-345", 3, &ms, &seq), EW_ESINCE);
  CHECK_EQ_INT(ew__id_parse("7-8\0" "9", 3, &ms, &seq), 0);
  CHECK(ms == 7 && seq == 8);
  CHECK_EQ_INT(ew__id_parse("7-8\0" "9", 5, &ms, &seq), EW_ESINCE);
  /* a dash only after `len` does not count */
  CHECK_EQ_INT(ew__id_parse("12-3", 2, &ms, &seq), EW_ESINCE);
}

static void test_id_cmp(void) {
  CHECK_EQ_INT(ew__id_cmp(1, 0, 1, 0), 0);
  CHECK_EQ_INT(ew__id_cmp(1, 0, 1, 1), -1);
  CHECK_EQ_INT(ew__id_cmp(1, 1, 1, 0), 1);
  CHECK_EQ_INT(ew__id_cmp(1, 999, 2, 0), -1); /* ms first */
  CHECK_EQ_INT(ew__id_cmp(2, 0, 1, 999), 1);
  CHECK_EQ_INT(ew__id_cmp(UINT64_MAX, 0, 0, UINT64_MAX), 1);
  CHECK_EQ_INT(ew__id_cmp(0, UINT64_MAX, 0, UINT64_MAX), 0);
  /* ids from ew_id_next parse back and compare in order */
  char a[EW_ID_MAX], b[EW_ID_MAX];
  uint64_t am, as, bm, bs, ms_out;
  ew_id_next(a, &ms_out);
  ew_id_next(b, NULL);
  CHECK_EQ_INT(parse(a, &am, &as), 0);
  CHECK_EQ_INT(parse(b, &bm, &bs), 0);
  CHECK_EQ_INT(am, ms_out);
  CHECK_EQ_INT(ew__id_cmp(am, as, bm, bs), -1);
  CHECK_EQ_INT(ew__id_cmp(bm, bs, am, as), 1);
}

/* ---- history.c ------------------------------------------------------------------ */

static int at_is(const ew__history_t *h, uint64_t pos, uint64_t ms, uint64_t seq) {
  const ew__frame_t *f = ew__history_at(h, pos);
  return f && f->id_ms == ms && f->id_seq == seq;
}

static void test_history_ring(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 4, -1), 0);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
  CHECK(ew__history_at(&h, 0) == NULL);

  const uint64_t ids[6][2] = {{10, 0}, {10, 1}, {20, 0}, {20, 5}, {30, 0}, {40, 2}};
  ew__frame_t *frames[6];
  for (int i = 0; i < 6; i++) {
    frames[i] = ev(ids[i][0], ids[i][1]);
    ew__history_push(&h, frames[i]);
    CHECK_EQ_INT(frames[i]->refs, 2); /* the history holds its own reference */
    ew__frame_unref(frames[i]);
    if (i == 3) {
      /* full, nothing evicted yet */
      CHECK_EQ_INT(h.tail, 0);
      CHECK_EQ_INT(h.head, 4);
      CHECK_EQ_INT(h.evicted, 0);
      CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
      CHECK(at_is(&h, 0, 10, 0));
    }
  }
  /* the two oldest fell out, in order */
  CHECK_EQ_INT(h.tail, 2);
  CHECK_EQ_INT(h.head, 6);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK_EQ_INT(h.evicted_any, 1);
  CHECK(h.evicted_ms == 10 && h.evicted_seq == 1);
  CHECK(ew__history_at(&h, 0) == NULL);
  CHECK(ew__history_at(&h, 1) == NULL);
  CHECK(at_is(&h, 2, 20, 0));
  CHECK(at_is(&h, 3, 20, 5));
  CHECK(at_is(&h, 4, 30, 0));
  CHECK(at_is(&h, 5, 40, 2));
  CHECK(ew__history_at(&h, 6) == NULL);
  CHECK(ew__history_at(&h, UINT64_MAX) == NULL);
  /* live blocks: the ring and the 4 frames it keeps (the evicted were freed) */
  CHECK_EQ_INT(ew_alloc_live(), live0 + 5);

  /* after(): the first position with an id greater than the given one */
  struct {
    uint64_t ms, seq, pos;
  } after[] = {{0, 0, 2},  {10, 0, 2}, {10, 1, 2}, {19, 99, 2}, {20, 0, 3}, {20, 3, 3},
               {20, 5, 4}, {25, 0, 4}, {30, 0, 5}, {40, 1, 5},  {40, 2, 6}, {40, 3, 6},
               {99, 0, 6}, {UINT64_MAX, UINT64_MAX, 6}};
  for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
    uint64_t got = ew__history_after(&h, after[i].ms, after[i].seq);
    if (got != after[i].pos)
      fprintf(stderr, "  after(%llu-%llu) = %llu, want %llu\n", (unsigned long long)after[i].ms,
              (unsigned long long)after[i].seq, (unsigned long long)got, (unsigned long long)after[i].pos);
    CHECK_EQ_INT(got, after[i].pos);
  }
  /* gap: exactly when an event newer than `since` was evicted (newest evicted: 10-1) */
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 1), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 2), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 20, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 99, 0), 0);

  /* one more push evicts 20-0 */
  ew__frame_t *f = ev(50, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  CHECK_EQ_INT(h.evicted, 3);
  CHECK(h.evicted_ms == 20 && h.evicted_seq == 0);
  CHECK_EQ_INT(ew__history_gap(&h, 10, 1), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 20, 0), 0);
  CHECK(at_is(&h, 6, 50, 0));
  CHECK(ew__history_at(&h, 2) == NULL);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 3);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 5);

  ew__history_free(&h);
  CHECK(h.ring == NULL);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

/* Many wraps of the ring: after() and at() agree with a linear scan. */
static void test_history_wrap_random(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 7, -1), 0);
  uint64_t ms = 100, seq = 0;
  uint64_t all_ms[500], all_seq[500];
  int bad = 0;
  for (int i = 0; i < 500; i++) {
    if (rnd(3) == 0) {
      ms += 1 + rnd(3);
      seq = 0;
    } else {
      seq += 1 + rnd(2);
    }
    all_ms[i] = ms;
    all_seq[i] = seq;
    ew__frame_t *f = ev(ms, seq);
    ew__history_push(&h, f);
    ew__frame_unref(f);
    uint64_t tail = i + 1 > 7 ? (uint64_t)i + 1 - 7 : 0;
    if (h.tail != tail || h.head != (uint64_t)i + 1) bad++;
    for (uint64_t p = tail; p <= (uint64_t)i; p++)
      if (!at_is(&h, p, all_ms[p], all_seq[p])) bad++;
    /* probe ids around every stored one */
    for (int k = 0; k < 6; k++) {
      uint64_t qms = all_ms[tail] - 1 + rnd((unsigned)(ms - all_ms[tail] + 3));
      uint64_t qseq = rnd((unsigned)seq + 4);
      uint64_t want = tail;
      while (want <= (uint64_t)i && ew__id_cmp(all_ms[want], all_seq[want], qms, qseq) <= 0) want++;
      if (ew__history_after(&h, qms, qseq) != want) bad++;
      int want_gap = tail > 0 && ew__id_cmp(all_ms[tail - 1], all_seq[tail - 1], qms, qseq) > 0;
      if (ew__history_gap(&h, qms, qseq) != want_gap) bad++;
    }
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(h.evicted, 493);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 8);
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

static void test_history_cap0(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 0, 1000), 0);
  CHECK(h.ring == NULL);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 0);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 0);
  ew__frame_t *a = ev(5, 1), *b = ev(6, 0);
  ew__history_push(&h, a);
  CHECK_EQ_INT(a->refs, 1); /* no ring, no reference kept */
  CHECK_EQ_INT(h.evicted, 1);
  CHECK_EQ_INT(h.head, 1);
  CHECK_EQ_INT(h.tail, 1);
  CHECK(ew__history_at(&h, 0) == NULL);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 1), 0);
  ew__history_push(&h, b);
  CHECK_EQ_INT(b->refs, 1);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK(h.head == 2 && h.tail == 2);
  CHECK_EQ_INT(ew__history_gap(&h, 5, 1), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 0, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 6, 0), 0);
  CHECK_EQ_INT(ew__history_gap(&h, 7, 0), 0);
  CHECK_EQ_INT(ew__history_after(&h, 99, 0), 2);
  CHECK(ew__history_at(&h, 1) == NULL);
  CHECK(ew__history_at(&h, 2) == NULL);
  ew__history_trim_age(&h, 1u << 30); /* nothing to trim, no ring to touch */
  CHECK_EQ_INT(h.evicted, 2);
  ew__frame_unref(a);
  ew__frame_unref(b);
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

static void test_history_trim_age(void) {
  int64_t live0 = ew_alloc_live();
  ew__history_t h;
  CHECK_EQ_INT(ew__history_init(&h, 4, 1000), 0);
  ew__history_trim_age(&h, 5000); /* empty: nothing happens */
  CHECK_EQ_INT(h.evicted, 0);
  const uint64_t ms[4] = {1000, 1500, 2000, 2500};
  for (int i = 0; i < 4; i++) {
    ew__frame_t *f = ev(ms[i], (uint64_t)i);
    ew__history_push(&h, f);
    ew__frame_unref(f);
  }
  ew__history_trim_age(&h, 500); /* now < max_age: no cutoff */
  CHECK_EQ_INT(h.tail, 0);
  ew__history_trim_age(&h, 2000); /* cutoff 1000: keeps 1000 (not older) */
  CHECK_EQ_INT(h.tail, 0);
  ew__history_trim_age(&h, 2600); /* cutoff 1600: drops 1000 and 1500 */
  CHECK_EQ_INT(h.tail, 2);
  CHECK_EQ_INT(h.evicted, 2);
  CHECK(h.evicted_ms == 1500 && h.evicted_seq == 1);
  CHECK(at_is(&h, 2, 2000, 2));
  CHECK_EQ_INT(ew__history_gap(&h, 1000, 0), 1);
  CHECK_EQ_INT(ew__history_gap(&h, 1500, 1), 0);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 3);
  ew__history_trim_age(&h, 3500); /* cutoff 2500: drops 2000 only */
  CHECK_EQ_INT(h.tail, 3);
  CHECK(at_is(&h, 3, 2500, 3));
  ew__history_trim_age(&h, 100000); /* everything */
  CHECK_EQ_INT(h.tail, 4);
  CHECK_EQ_INT(h.head, 4);
  CHECK_EQ_INT(h.evicted, 4);
  CHECK_EQ_INT(ew_alloc_live(), live0 + 1);
  CHECK_EQ_INT(ew__history_after(&h, 0, 0), 4);
  /* and the ring goes on after being emptied */
  ew__frame_t *f = ev(200000, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  CHECK(at_is(&h, 4, 200000, 0));
  CHECK_EQ_INT(ew__history_after(&h, 2500, 3), 4);
  ew__history_free(&h);

  /* max_age < 0: never trims */
  CHECK_EQ_INT(ew__history_init(&h, 2, -1), 0);
  f = ev(1, 0);
  ew__history_push(&h, f);
  ew__frame_unref(f);
  ew__history_trim_age(&h, UINT64_MAX);
  CHECK_EQ_INT(h.tail, 0);
  CHECK(at_is(&h, 0, 1, 0));
  ew__history_free(&h);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

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

/* ---- inbox.c --------------------------------------------------------------------------- */

static ew__cmd_t *batch(size_t count, size_t len) {
  ew__cmd_t *c = ew__cmd_new(EW__CMD_BATCH, NULL, len);
  if (c) c->count = count;
  return c;
}

static void test_inbox(void) {
  int64_t live0 = ew_alloc_live();
  ew__inbox_t q;
  CHECK_EQ_INT(ew__inbox_init(&q, 3, 100), 0);
  CHECK(ew__inbox_take(&q) == NULL);

  ew__cmd_t *c1 = ew__cmd_new(EW__CMD_BATCH, "hello", 5);
  CHECK(c1 && c1->len == 5 && memcmp(c1->data, "hello", 6) == 0 && c1->next == NULL);
  c1->count = 2;
  int was_empty = -1;
  CHECK_EQ_INT(ew__inbox_push(&q, c1, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 1);
  ew__cmd_t *c2 = batch(1, 75);
  CHECK_EQ_INT(ew__inbox_push(&q, c2, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 80);

  /* one event too many: refused whole, counted, not taken */
  ew__cmd_t *c3 = batch(1, 1);
  CHECK_EQ_INT(ew__inbox_push(&q, c3, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 1);
  ew__cmd_t *c4 = batch(5, 1);
  CHECK_EQ_INT(ew__inbox_push(&q, c4, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 6);
  /* bytes: 80 + 21 > 100 refused; 80 + 20 == 100 accepted */
  ew__cmd_t *c5 = batch(0, 21);
  CHECK_EQ_INT(ew__inbox_push(&q, c5, &was_empty), EW_EQUEUE_FULL);
  CHECK_EQ_INT(q.rejected, 6); /* counts events, and c5 had none */
  ew__cmd_t *c6 = batch(0, 20);
  CHECK_EQ_INT(ew__inbox_push(&q, c6, &was_empty), 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 100);
  /* control commands skip both bounds and do not count */
  ew__cmd_t *c7 = ew__cmd_new(EW__CMD_LISTEN, NULL, 1000);
  CHECK_EQ_INT(ew__inbox_push(&q, c7, &was_empty), 0);
  ew__cmd_t *c8 = ew__cmd_new(EW__CMD_HISTORY, "p\0s", 3);
  CHECK_EQ_INT(ew__inbox_push(&q, c8, &was_empty), 0);
  CHECK_EQ_INT(q.events, 3);
  CHECK_EQ_INT(q.bytes, 100);
  CHECK_EQ_INT(q.hwm_events, 3);
  CHECK_EQ_INT(q.hwm_bytes, 100);
  CHECK_EQ_INT(q.rejected, 6);

  /* take: everything, oldest first; counters reset, high-water marks kept */
  ew__cmd_t *t = ew__inbox_take(&q);
  ew__cmd_t *want[] = {c1, c2, c6, c7, c8};
  int order_ok = 1, n = 0;
  for (ew__cmd_t *it = t; it; it = it->next, n++)
    if (n >= 5 || it != want[n]) order_ok = 0;
  CHECK(order_ok);
  CHECK_EQ_INT(n, 5);
  CHECK_EQ_INT(q.events, 0);
  CHECK_EQ_INT(q.bytes, 0);
  CHECK(q.head == NULL && q.tail == NULL);
  CHECK_EQ_INT(q.hwm_events, 3);
  CHECK_EQ_INT(q.hwm_bytes, 100);
  CHECK(ew__inbox_take(&q) == NULL);
  while (t) {
    ew__cmd_t *next = t->next;
    ew__cmd_free(t);
    t = next;
  }
  /* the refused commands still belong to the caller */
  CHECK(c3->count == 1 && c4->count == 5);
  ew__cmd_free(c3);
  ew__cmd_free(c4);
  ew__cmd_free(c5);

  /* room again after the take; the queue is empty so was_empty is 1 */
  ew__cmd_t *c9 = batch(3, 100);
  CHECK_EQ_INT(ew__inbox_push(&q, c9, &was_empty), 0);
  CHECK_EQ_INT(was_empty, 1);
  /* a later, larger high-water mark is not possible here (bounds), but a
   * fresh one equal to the old stays */
  CHECK_EQ_INT(q.hwm_events, 3);

  /* seal: every push is refused, batches and control alike, uncounted */
  ew__inbox_seal(&q);
  ew__cmd_t *c10 = batch(1, 1), *c11 = ew__cmd_new(EW__CMD_CLOSE, NULL, 0);
  CHECK_EQ_INT(ew__inbox_push(&q, c10, &was_empty), EW_ECLOSED);
  CHECK_EQ_INT(ew__inbox_push(&q, c11, &was_empty), EW_ECLOSED);
  CHECK_EQ_INT(q.rejected, 6);
  ew__cmd_free(c10);
  ew__cmd_free(c11);
  /* what was queued before the seal is still taken */
  t = ew__inbox_take(&q);
  CHECK(t == c9 && t->next == NULL);
  ew__cmd_free(t);
  ew__inbox_destroy(&q);

  /* a CLOSE command goes in (past full bounds) and closes the inbox behind it */
  CHECK_EQ_INT(ew__inbox_init(&q, 1, 10), 0);
  CHECK_EQ_INT(ew__inbox_push(&q, batch(1, 10), &was_empty), 0);
  CHECK_EQ_INT(ew__inbox_push(&q, ew__cmd_new(EW__CMD_CLOSE, NULL, 0), &was_empty), 0);
  CHECK_EQ_INT(was_empty, 0);
  ew__cmd_t *late = ew__cmd_new(EW__CMD_ROUTE, "x", 1);
  CHECK_EQ_INT(ew__inbox_push(&q, late, &was_empty), EW_ECLOSED);
  ew__cmd_free(late);
  /* destroy frees what is still queued */
  ew__inbox_destroy(&q);
  CHECK_EQ_INT(ew_alloc_live(), live0);
}

int main(void) {
  RUN(test_frame_event_small);
  RUN(test_frame_event_optional_fields);
  RUN(test_frame_event_lengths);
  RUN(test_frame_event_bad_id);
  RUN(test_frame_ws);
  RUN(test_frame_close);
  RUN(test_frame_raw_and_refs);
  RUN(test_id_parse);
  RUN(test_id_cmp);
  RUN(test_history_ring);
  RUN(test_history_wrap_random);
  RUN(test_history_cap0);
  RUN(test_history_trim_age);
  RUN(test_buf_json_str);
  RUN(test_buf_addf);
  RUN(test_pattern_match_random);
  RUN(test_pattern_match_ee2);
  RUN(test_inbox);
  return ew_test_finish();
}
