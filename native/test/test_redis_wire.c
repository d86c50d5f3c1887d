/*
 * test_redis_wire.c - the Redis wire pieces that need no server: commands
 * formatted in RESP (ew__resp_format) read back by hiredis's own parser, and
 * replies built in the arena (redis_reply.c) from well-formed, split, huge,
 * nested and malformed input; stream entries read in one pass
 * (ew__redis_entry_scan), including entries eventwire did not write; the
 * /metrics table; group-read arguments refused up front.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "redis_int.h"
#include "test.h"

/* A reader whose replies come from a fresh arena. */
typedef struct {
  redisReader *rd;
  ew__reply_arena_t *arena;
} reader_t;

static void reader_open(reader_t *r) {
  r->rd = redisReaderCreate();
  r->arena = ew__reply_arena_new();
  ew__reply_arena_use(r->rd, r->arena);
}

static void reader_close(reader_t *r) {
  redisReaderFree(r->rd); /* frees a partial reply through the arena */
  ew__reply_arena_free(r->arena);
}

/* Feeds text and takes one reply (NULL: none complete yet, or an error). */
static redisReply *take(reader_t *r, const char *bytes, size_t len, int *status) {
  void *reply = NULL;
  if (len) redisReaderFeed(r->rd, bytes, len);
  *status = redisReaderGetReply(r->rd, &reply);
  return reply;
}

static void done(reader_t *r, redisReply *reply) { r->rd->fn->freeObject(reply); }

static void test_resp_format_reads_back(void) {
  const char *argv[] = {"XADD", "s", "*", "", "d", "{\"a\":\"\\r\\n\"}", "bin\0ary"};
  size_t argl[] = {4, 1, 1, 0, 1, strlen("{\"a\":\"\\r\\n\"}"), 7};
  ew__buf_t b;
  ew__buf_init(&b);
  ew__resp_format(&b, argv, argl, 7);
  CHECK(!b.failed);
  CHECK(b.len > 0 && !memcmp(b.data, "*7\r\n$4\r\nXADD\r\n$1\r\ns\r\n", 21));
  /* A command is a RESP array: hiredis reads it back as one. */
  reader_t r;
  reader_open(&r);
  int st;
  redisReply *rep = take(&r, b.data, b.len, &st);
  CHECK_EQ_INT(st, REDIS_OK);
  CHECK(rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 7);
  for (int i = 0; rep && i < 7; i++) {
    CHECK_EQ_INT(rep->element[i]->len, argl[i]);
    CHECK(!memcmp(rep->element[i]->str, argv[i], argl[i]));
  }
  if (rep) done(&r, rep);
  /* Appending keeps what the buffer held; lengths of 10+ digits are fine. */
  size_t before = b.len;
  char *big = malloc(1234567);
  memset(big, 'x', 1234567);
  const char *a2[] = {big};
  size_t l2[] = {1234567};
  ew__resp_format(&b, a2, l2, 1);
  CHECK(!memcmp(b.data + before, "*1\r\n$1234567\r\n", 14));
  CHECK_EQ_INT(b.len, before + 14 + 1234567 + 2);
  free(big);
  ew__buf_free(&b);
  reader_close(&r);
}

static void test_arena_replies(void) {
  reader_t r;
  reader_open(&r);
  int st;
  /* Nested arrays, nil, integers, status, error, empty array and string. */
  const char *text = "*6\r\n$3\r\nabc\r\n:-42\r\n$-1\r\n*2\r\n*0\r\n+OK\r\n$0\r\n\r\n-ERR bad\r\n";
  redisReply *rep = take(&r, text, strlen(text), &st);
  CHECK_EQ_INT(st, REDIS_OK);
  CHECK(rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 6);
  if (rep) {
    CHECK(rep->element[0]->type == REDIS_REPLY_STRING && !strcmp(rep->element[0]->str, "abc"));
    CHECK(rep->element[1]->type == REDIS_REPLY_INTEGER && rep->element[1]->integer == -42);
    CHECK(rep->element[2]->type == REDIS_REPLY_NIL);
    CHECK(rep->element[3]->type == REDIS_REPLY_ARRAY && rep->element[3]->elements == 2);
    CHECK(rep->element[3]->element[0]->elements == 0 && rep->element[3]->element[0]->element == NULL);
    CHECK(rep->element[3]->element[1]->type == REDIS_REPLY_STATUS && !strcmp(rep->element[3]->element[1]->str, "OK"));
    CHECK(rep->element[4]->type == REDIS_REPLY_STRING && rep->element[4]->len == 0 && rep->element[4]->str[0] == '\0');
    CHECK(rep->element[5]->type == REDIS_REPLY_ERROR && !strcmp(rep->element[5]->str, "ERR bad"));
    done(&r, rep);
  }
  /* A reply split at every byte, then the next one: the arena starts over
   * each time (the same memory is reused, nothing grows). */
  const char *one = "*2\r\n$5\r\nhello\r\n:7\r\n";
  for (int round = 0; round < 3; round++) {
    rep = NULL;
    for (size_t i = 0; i < strlen(one) && !rep; i++) rep = take(&r, one + i, 1, &st);
    CHECK(rep && rep->elements == 2 && !strcmp(rep->element[0]->str, "hello") && rep->element[1]->integer == 7);
    if (rep) done(&r, rep);
  }
  /* A reply larger than a chunk (64 KB): many chunks, one kept after. */
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b, "*%d\r\n", 20000);
  for (int i = 0; i < 20000; i++) ew__buf_addf(&b, "$6\r\nv%05d\r\n", i);
  rep = take(&r, b.data, b.len, &st);
  CHECK(rep && rep->elements == 20000);
  if (rep) {
    CHECK(!strcmp(rep->element[19999]->str, "v19999"));
    CHECK(!strcmp(rep->element[0]->str, "v00000"));
    done(&r, rep);
  }
  /* A string larger than the kept-chunk bound (4 MB) is not kept. */
  b.len = 0;
  size_t n = 5u << 20;
  ew__buf_addf(&b, "$%zu\r\n", n);
  ew__buf_reserve(&b, n + 2);
  memset(b.data + b.len, 'z', n);
  b.len += n;
  ew__buf_add(&b, "\r\n", 2);
  rep = take(&r, b.data, b.len, &st);
  CHECK(rep && rep->len == n && rep->str[n - 1] == 'z' && rep->str[n] == '\0');
  if (rep) done(&r, rep);
  ew__buf_free(&b);
  /* Malformed input: an error, no reply, nothing leaked. */
  rep = take(&r, "*2\r\n?bad\r\n", 10, &st);
  CHECK_EQ_INT(st, REDIS_ERR);
  CHECK(rep == NULL);
  reader_close(&r);
  /* A reader freed with half a reply in its arena. */
  reader_open(&r);
  rep = take(&r, "*3\r\n$1\r\na\r\n*2\r\n:1\r\n", 19, &st);
  CHECK_EQ_INT(st, REDIS_OK);
  CHECK(rep == NULL);
  reader_close(&r);
}

/* One stream entry [id, [k, v, ...]] from RESP text. */
static redisReply *entry_of(reader_t *r, const char *const *kv, int n) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b, "*2\r\n$3\r\n5-1\r\n*%d\r\n", n);
  for (int i = 0; i < n; i++) ew__buf_addf(&b, "$%zu\r\n%s\r\n", strlen(kv[i]), kv[i]);
  int st;
  redisReply *rep = take(r, b.data, b.len, &st);
  ew__buf_free(&b);
  return rep;
}

static void test_entry_scan(void) {
  reader_t r;
  reader_open(&r);
  ew__entry_t x;
  const char *ours[] = {"t", "order.placed", "ts", "123", "s", "api", "d", "{\"a\":1}", "i", "inst", "q", "9", "g", "grp",
                        "o", "1-1", "m", "{}", "p", "high", "v", "2", "l", "1", "zz", "ignored", "t", "second.ignored"};
  redisReply *e = entry_of(&r, ours, 28);
  CHECK(e != NULL);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), 0);
    CHECK(x.ev.type_len == 12 && !memcmp(x.ev.type, "order.placed", 12)); /* the first t wins */
    CHECK(x.ev.ts_len == 3 && x.ev.data_len == 7 && x.ev.source_len == 3 && x.ev.priority_len == 4);
    CHECK(x.ev.metadata_len == 2 && x.ev.version_len == 1 && x.ev.id_len == 3 && !memcmp(x.ev.id, "5-1", 3));
    CHECK(x.instance_len == 4 && x.q_len == 1 && x.group_len == 3 && x.orig_len == 3 && x.local_len == 1);
    done(&r, e);
  }
  /* Not eventwire's: no type, no data, a bad name; bookkeeping still read. */
  const char *foreign[] = {"foo", "bar", "i", "x", "q", "1"};
  e = entry_of(&r, foreign, 6);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
    CHECK(x.instance && x.q && !x.ev.type);
    done(&r, e);
  }
  const char *badname[] = {"t", "a..b", "ts", "1", "d", "{}"};
  e = entry_of(&r, badname, 6);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
    done(&r, e);
  }
  /* Fields spliced into envelopes as raw JSON must be JSON (numbers where
   * a number goes): each of these is refused. */
  const char *bad_json[][8] = {
      {"t", "a.b", "ts", "1", "d", "{\"broken\":", NULL},
      {"t", "a.b", "ts", "1", "d", "{\"a\":\"\x1e\"}", NULL}, /* a raw control character */
      {"t", "a.b", "ts", "soon", "d", "{}", NULL},
      {"t", "a.b", "ts", "\"1\"", "d", "{}", NULL}, /* JSON, not a number */
      {"t", "a.b", "ts", "1", "d", "{}", "m", "not json"},
      {"t", "a.b", "ts", "1", "d", "{}", "v", "[2]"},
  };
  for (size_t k = 0; k < sizeof bad_json / sizeof bad_json[0]; k++) {
    int n = bad_json[k][6] ? 8 : 6;
    e = entry_of(&r, bad_json[k], n);
    if (e) {
      CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
      done(&r, e);
    }
  }
  const char *numbers[] = {"t", "a.b", "ts", "-1.5e3", "d", " [1, 2] ", "v", "0"};
  e = entry_of(&r, numbers, 8);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), 0);
    done(&r, e);
  }
  const char *odd[] = {"t", "a.b", "ts", "1", "d"}; /* a key without value */
  e = entry_of(&r, odd, 5);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
    done(&r, e);
  }
  /* Shapes that are not entries at all. */
  int st;
  e = take(&r, "*1\r\n$3\r\n5-1\r\n", 13, &st);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
    done(&r, e);
  }
  e = take(&r, "*2\r\n$3\r\n5-1\r\n$-1\r\n", 17, &st); /* deleted entry: nil fields */
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1);
    done(&r, e);
  }
  reader_close(&r);
}

/* The /metrics table: Prometheus names, counters end in _total, unique
 * names, fields inside ew_engine_stats_t. */
static void test_metric_table(void) {
  size_t n = 0;
  const ew_metric_desc_t *d = ew_metric_descs(&n);
  CHECK(n >= 20);
  for (size_t i = 0; i < n; i++) {
    CHECK(!strncmp(d[i].name, "eventwire_", 10));
    for (const char *p = d[i].name; *p; p++) CHECK((*p >= 'a' && *p <= 'z') || *p == '_');
    int counter = !strcmp(d[i].type, "counter");
    CHECK(counter || !strcmp(d[i].type, "gauge"));
    size_t len = strlen(d[i].name);
    CHECK_EQ_INT(counter, len > 6 && !strcmp(d[i].name + len - 6, "_total"));
    CHECK(d[i].help && d[i].help[0] && !strchr(d[i].help, '\n'));
    CHECK(d[i].stats_key && d[i].stats_key[0]);
    CHECK(d[i].offset + sizeof(uint64_t) <= sizeof(ew_engine_stats_t));
    for (size_t j = 0; j < i; j++) CHECK(strcmp(d[i].name, d[j].name) != 0);
  }
}

/* The group read refuses what it cannot run, before any engine work. */
static void test_group_read_args(void) {
  const char args[] = "g\0c\0" "10\0a.*\0";
  CHECK_EQ_INT(ew_engine_group_read(NULL, args, sizeof args - 1, 4, 1), EW_EINVAL);
  CHECK_EQ_INT(ew_engine_group_read(NULL, args, sizeof args - 1, 3, 1), EW_EINVAL); /* no pattern */
  CHECK_EQ_INT(ew_engine_redis_command(NULL, args, sizeof args - 1, 0, 1), EW_EINVAL);
  CHECK_EQ_INT(ew_engine_redis_command(NULL, NULL, 5, 1, 1), EW_EINVAL);
}

int main(void) {
  RUN(test_metric_table);
  RUN(test_group_read_args);
  RUN(test_resp_format_reads_back);
  RUN(test_arena_replies);
  RUN(test_entry_scan);
  return ew_test_finish();
}
