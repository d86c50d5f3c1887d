/*
 * test_frame.c - shared frames (frame.c) and event ids: WebSocket headers, envelope JSON, refcounts, id parsing.
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
#include "units.h"

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
  return ew_test_finish();
}
