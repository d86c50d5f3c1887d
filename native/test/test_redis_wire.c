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

/* A packed entry [id, ["ew", json]] read back. */
static int scan_packed(reader_t *r, const char *json, ew__entry_t *x) {
  const char *kv[] = {"ew", json};
  redisReply *e = entry_of(r, kv, 2);
  if (!e) return -2;
  int rc = ew__redis_entry_scan(e, ".", x);
  /* Copies of what the test looks at (the reply is freed here). */
  static char type[600], source[600], inst[600], data[600];
  snprintf(type, sizeof type, "%.*s", (int)x->ev.type_len, x->ev.type ? x->ev.type : "");
  snprintf(source, sizeof source, "%.*s", (int)x->ev.source_len, x->ev.source ? x->ev.source : "");
  snprintf(inst, sizeof inst, "%.*s", (int)x->instance_len, x->instance ? x->instance : "");
  snprintf(data, sizeof data, "%.*s", (int)x->ev.data_len, x->ev.data ? x->ev.data : "");
  x->ev.type = type;
  x->ev.source = source;
  x->instance = inst;
  x->ev.data = data;
  done(r, e);
  return rc;
}

/* What ew__redis_entry_pack writes, ew__redis_entry_scan reads back: names,
 * sources and instances with quotes, backslashes and non-ASCII; optional
 * fields in or out; the delivered mark; data last and never empty. */
static void test_entry_pack_roundtrip(void) {
  reader_t r;
  reader_open(&r);
  ew__entry_t x;
  char type[] = "order.\"quoted\"\\back.caf\xc3\xa9", ts[] = "1733600000000", src[] = "api \"v2\"", data[] = "{\"n\":[1,{\"a\":\"\\u00e9\"}]}";
  char prio[] = "high", meta[] = "{\"trace\":\"t-1\"}", ver[] = "3";
  ew__event_fields_t f;
  memset(&f, 0, sizeof f);
  f.type = type, f.type_len = strlen(type);
  f.ts = ts, f.ts_len = strlen(ts);
  f.source = src, f.source_len = strlen(src);
  f.data = data, f.data_len = strlen(data);
  ew__buf_t b;
  ew__buf_init(&b);
  ew__redis_entry_pack(&b, &f, 18446744073709551615ull, 0, "host\\1#\"a\"");
  CHECK(!b.failed);
  CHECK(b.len > 0 && !strncmp(b.data, "{\"t\":\"order.\\\"quoted\\\"\\\\back.caf\xc3\xa9\",\"ts\":1733600000000,\"s\":", 56));
  CHECK(b.len > 0 && strstr(b.data, ",\"q\":18446744073709551615,\"d\":{\"n\"") != NULL);
  CHECK(b.len > 0 && !strstr(b.data, "\"p\"") && !strstr(b.data, "\"l\"")); /* absent: left out */
  CHECK_EQ_INT(scan_packed(&r, b.data, &x), 0);
  CHECK(!strcmp(x.ev.type, type) && !strcmp(x.ev.source, src) && !strcmp(x.instance, "host\\1#\"a\""));
  CHECK(!strcmp(x.ev.data, data));
  CHECK(x.q_len == 20 && !x.local && !x.ev.priority && !x.ev.metadata && !x.ev.version);
  /* Every optional field, delivered locally, and empty data. */
  f.priority = prio, f.priority_len = 4;
  f.metadata = meta, f.metadata_len = strlen(meta);
  f.version = ver, f.version_len = 1;
  f.source_len = 0;
  f.data_len = 0;
  b.len = 0;
  ew__redis_entry_pack(&b, &f, 0, 1, "i");
  CHECK(b.len > 0 && strstr(b.data, ",\"l\":1,\"i\":\"i\",\"q\":0,\"d\":null}") != NULL && !strstr(b.data, "\"s\""));
  CHECK_EQ_INT(scan_packed(&r, b.data, &x), 0);
  CHECK(x.ev.priority_len == 4 && x.ev.metadata_len == strlen(meta) && x.ev.version_len == 1 && x.local_len == 1);
  CHECK(!strcmp(x.ev.data, "null") && !x.ev.source_len && x.q_len == 1);
  ew__buf_free(&b);
  reader_close(&r);
}

/* Packed entries other writers may leave: what is not an object of the
 * right kinds is not an event; escapes are decoded; keys eventwire does not
 * know are stepped over; keys are read as JSON.parse reads them (escapes
 * decoded, the last of a repeated key counts: lib/redis-group.js reads the
 * same entries with it). */
static void test_entry_scan_packed(void) {
  reader_t r;
  reader_open(&r);
  ew__entry_t x;
  CHECK_EQ_INT(scan_packed(&r, " { \"t\" : \"a.b\" , \"x\" : [1,{\"t\":\"no\"}], \"ts\":1, \"d\" : {} } ", &x), 0);
  CHECK(!strcmp(x.ev.type, "a.b") && !strcmp(x.ev.data, "{}"));
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"a.b\",\"t\":\"c.d\",\"ts\":1,\"d\":1}", &x), 0);
  CHECK(!strcmp(x.ev.type, "c.d"));
  /* \u escapes: é, a surrogate pair (U+1F600), a lone surrogate (U+FFFD). */
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"caf\\u00e9.x\",\"s\":\"\\ud83d\\ude00 \\ud800!\",\"i\":\"\\/\",\"ts\":1,\"d\":0}", &x), 0);
  CHECK(!strcmp(x.ev.type, "caf\xc3\xa9.x") && !strcmp(x.ev.source, "\xf0\x9f\x98\x80 \xef\xbf\xbd!") && !strcmp(x.instance, "/"));
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"a.b\",\"s\":\"x\\ty\\n\\\\\",\"ts\":1,\"d\":0}", &x), 0);
  CHECK(!strcmp(x.ev.source, "x\ty\n\\"));
  /* A key with escapes is the key it decodes to. */
  CHECK_EQ_INT(scan_packed(&r, "{\"\\u0074\":\"a.b\",\"ts\":1,\"d\":0}", &x), 0);
  CHECK(!strcmp(x.ev.type, "a.b"));
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"a\",\"\\u0074\":\"b.c\",\"ts\":1,\"d\":0}", &x), 0);
  CHECK(!strcmp(x.ev.type, "b.c"));
  /* The kind that counts is the last value's, as for JSON.parse. */
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":1,\"t\":\"a.b\",\"ts\":\"x\",\"ts\":1,\"d\":0}", &x), 0);
  CHECK(!strcmp(x.ev.type, "a.b"));
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"a.b\",\"t\":1,\"ts\":1,\"d\":0}", &x), -1);
  CHECK_EQ_INT(scan_packed(&r, "{\"t\":\"a.b\",\"ts\":1,\"d\":0,\"q\":\"7\"}", &x), -1);
  /* Data nested far deeper than client messages may be. */
  {
    static char deep[5000];
    size_t n = (size_t)snprintf(deep, sizeof deep, "{\"t\":\"a.b\",\"ts\":1,\"d\":");
    for (int i = 0; i < 2000; i++) deep[n++] = '[';
    for (int i = 0; i < 2000; i++) deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    CHECK_EQ_INT(scan_packed(&r, deep, &x), 0);
  }
  const char *bad[] = {
      "",
      "[]",
      "{\"t\":\"a.b\",\"ts\":1,\"d\":{}} x",        /* trailing bytes */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":{}",           /* not closed */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":{},}",         /* trailing comma */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":{\"a\":}}",    /* data not JSON */
      "{\"t\":\"a.b\",\"ts\":1}",                   /* no data */
      "{\"t\":\"a.b\",\"d\":1}",                    /* no timestamp */
      "{\"t\":\"a.b\",\"ts\":\"1\",\"d\":1}",       /* timestamp not a number */
      "{\"t\":7,\"ts\":1,\"d\":1}",                 /* type not a string */
      "{\"t\":\"a..b\",\"ts\":1,\"d\":1}",          /* not an event name */
      "{\"t\":\"a.b\\u0001\",\"ts\":1,\"d\":1}",    /* a control character in the name, escaped */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":1,\"v\":\"2\"}", /* version not a number */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":1,\"s\":null}", /* source not a string */
      "{\"t\":\"a.b\",\"ts\":1,\"d\":\"\x01\"}",    /* a raw control character */
      "{\"t\":\"a.b\",\"ts\":01,\"d\":1}",          /* a leading zero */
      "{t:\"a.b\",\"ts\":1,\"d\":1}",               /* a bare key */
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    int rc = scan_packed(&r, bad[k], &x);
    if (rc != -1) fprintf(stderr, "accepted: %s\n", bad[k]);
    CHECK_EQ_INT(rc, -1);
  }
  /* Escaped strings larger than the decode room: refused, never overrun. */
  {
    static char big[EW__ENTRY_UNESCAPED * 2 + 100];
    size_t n = (size_t)snprintf(big, sizeof big, "{\"t\":\"a.b\",\"ts\":1,\"d\":1,\"s\":\"");
    for (int i = 0; i < EW__ENTRY_UNESCAPED / 2 + 1; i++) big[n++] = '\\', big[n++] = 'n';
    n += (size_t)snprintf(big + n, sizeof big - n, "\"}");
    CHECK_EQ_INT(scan_packed(&r, big, &x), -1);
  }
  reader_close(&r);
}

/* The peek reads a packed entry up to its instance and sequence and no
 * further (so it is no check of the rest); other layouts are for the scan. */
static void test_entry_peek(void) {
  reader_t r;
  reader_open(&r);
  ew__entry_t x;
  const char *ours[] = {"ew", "{\"t\":\"a.b\",\"ts\":1,\"l\":1,\"i\":\"me\\\"x\",\"q\":42,\"d\":{\"broken\":}"};
  redisReply *e = entry_of(&r, ours, 2);
  if (e) {
    CHECK_EQ_INT(ew__redis_entry_peek(e, &x), 0);
    CHECK(x.instance_len == 4 && !memcmp(x.instance, "me\"x", 4) && x.q_len == 2 && x.local_len == 1);
    CHECK(!x.ev.data);
    CHECK_EQ_INT(ew__redis_entry_scan(e, ".", &x), -1); /* the whole entry: data not JSON */
    done(&r, e);
  }
  const char *no_q[] = {"ew", "{\"t\":\"a.b\",\"ts\":1,\"i\":\"me\",\"d\":1}"};
  const char *fields[] = {"t", "a.b", "ts", "1", "d", "1", "i", "me", "q", "1"};
  const char *bad_before[] = {"ew", "{\"t\":\"a.b\",\"ts\":\"x\",\"i\":\"me\",\"q\":1,\"d\":1}"};
  const char *const *cases[] = {no_q, fields, bad_before};
  const int ns[] = {2, 10, 2};
  for (int k = 0; k < 3; k++) {
    e = entry_of(&r, cases[k], ns[k]);
    if (e) {
      CHECK_EQ_INT(ew__redis_entry_peek(e, &x), -1);
      done(&r, e);
    }
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
  RUN(test_entry_pack_roundtrip);
  RUN(test_entry_scan_packed);
  RUN(test_entry_peek);
  return ew_test_finish();
}
