/*
 * test_engine.c - engine lifecycle: create, listen, serve HTTP on the libev
 * loop, take batches, close twice, join, destroy, and nothing left allocated.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "test.h"
#include "waiter.h"

static waiter_t W = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static ew_engine_t *make_engine(void) {
  ew_engine_options_t o = {0};
  o.notify = on_notify;
  o.notify_arg = &W;
  o.inbox_max_events = 10;
  o.inbox_max_bytes = 4096;
  ew_engine_t *e = NULL;
  CHECK_EQ_INT(ew_engine_create(&e, &o), 0);
  return e;
}

static void close_and_destroy(ew_engine_t *e) {
  CHECK_EQ_INT(ew_engine_close(e), 0);
  CHECK_EQ_INT(ew_engine_close(e), 0); /* idempotent */
  ew_msg_t *m = wait_msg(e, &W, EW_MSG_CLOSED);
  CHECK(m != NULL);
  ew_msg_free(m);
  CHECK_EQ_INT(ew_engine_join(e), 0);
  CHECK_EQ_INT(ew_engine_join(e), 0);
  CHECK_EQ_INT(ew_engine_send(e, "x", 1, 1, 0), EW_ECLOSED);
  ew_engine_destroy(e);
}

static void test_create_close(void) {
  ew_engine_t *e = make_engine();
  close_and_destroy(e);
}

static void test_bad_options(void) {
  ew_engine_t *e = (ew_engine_t *)1;
  CHECK_EQ_INT(ew_engine_create(&e, NULL), EW_EINVAL);
  CHECK(e == NULL);
  ew_engine_options_t o = {0};
  CHECK_EQ_INT(ew_engine_create(&e, &o), EW_EINVAL); /* no notify */
  o.notify = on_notify;
  o.delimiter = "";
  CHECK_EQ_INT(ew_engine_create(&e, &o), EW_EINVAL);
  o.delimiter = "123456789";
  CHECK_EQ_INT(ew_engine_create(&e, &o), EW_EINVAL);
}

/* GET path with extra header lines (each ending in \r\n, or NULL); the whole
 * response in out. */
static int http_get_h(int port, const char *path, const char *headers, char *out, size_t outlen) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
    close(fd);
    return -1;
  }
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", path,
                   headers ? headers : "");
  if (write(fd, req, (size_t)n) != n) {
    close(fd);
    return -1;
  }
  size_t got = 0;
  ssize_t r;
  while (got + 1 < outlen && (r = read(fd, out + got, outlen - 1 - got)) > 0) got += (size_t)r;
  out[got] = '\0';
  close(fd);
  return (int)got;
}

static int http_get(int port, const char *path, char *out, size_t outlen) {
  return http_get_h(port, path, NULL, out, outlen);
}

/* server.opsToken: /stats and /metrics need the Bearer token, /health not. */
static void test_ops_token(void) {
  ew_engine_t *e = make_engine();
  ew_server_options_t so = {.host = "127.0.0.1", .port = 0, .ops_token = "s3cret-token-0123456789"};
  CHECK_EQ_INT(ew_engine_listen(e, &so, 3), 0);
  ew_msg_t *m = wait_msg(e, &W, EW_MSG_LISTENING);
  int port = m ? (int)m->value : 0;
  ew_msg_free(m);
  CHECK(port > 0);
  char buf[8192];
  static const char *const locked[] = {"/stats", "/metrics"};
  for (int i = 0; i < 2; i++) {
    CHECK(http_get_h(port, locked[i], NULL, buf, sizeof buf) > 0);
    CHECK(strstr(buf, "HTTP/1.1 401 Unauthorized\r\n") == buf);
    CHECK(strstr(buf, "WWW-Authenticate: Bearer realm=\"eventwire\"\r\n") != NULL);
    CHECK(strstr(buf, "{\"code\":\"ERR_UNAUTHORIZED\",\"message\":") != NULL);
    /* wrong token, a prefix of it, another scheme: still 401 */
    const char *wrong[] = {"Authorization: Bearer s3cret-token-012345678X\r\n",
                           "Authorization: Bearer s3cret-token-012345678\r\n",
                           "Authorization: Bearer s3cret-token-01234567890\r\n",
                           "Authorization: Basic czNjcmV0LXRva2VuLTAxMjM0NTY3ODk=\r\n",
                           "Authorization: Bearer\r\n"};
    for (size_t k = 0; k < sizeof wrong / sizeof wrong[0]; k++) {
      CHECK(http_get_h(port, locked[i], wrong[k], buf, sizeof buf) > 0);
      CHECK(strstr(buf, "HTTP/1.1 401 ") == buf);
    }
    /* the token (the scheme in any case) */
    CHECK(http_get_h(port, locked[i], "Authorization: bearer s3cret-token-0123456789\r\n", buf, sizeof buf) > 0);
    CHECK(strstr(buf, "HTTP/1.1 200 OK\r\n") == buf);
  }
  CHECK(http_get_h(port, "/stats", "Authorization: Bearer s3cret-token-0123456789\r\n", buf, sizeof buf) > 0);
  CHECK(strstr(buf, "\"connectionsTotal\":") != NULL);
  CHECK(http_get_h(port, "/health", NULL, buf, sizeof buf) > 0);
  CHECK(strstr(buf, "HTTP/1.1 200 OK\r\n") == buf);
  close_and_destroy(e);
}

static void test_listen_and_http(void) {
  ew_engine_t *e = make_engine();
  ew_server_options_t so = {.host = "127.0.0.1", .port = 0};
  CHECK_EQ_INT(ew_engine_listen(e, &so, 7), 0);
  ew_msg_t *m = wait_msg(e, &W, EW_MSG_LISTENING);
  CHECK(m != NULL);
  int port = m ? (int)m->value : 0;
  CHECK(m && m->req == 7);
  CHECK(port > 0);
  ew_msg_free(m);

  char buf[2048];
  CHECK(http_get(port, "/health", buf, sizeof buf) > 0);
  CHECK(strstr(buf, "HTTP/1.1 200") != NULL);
  CHECK(strstr(buf, "{\"status\":\"ok\",\"mode\":\"embedded\"}") != NULL);
  CHECK(http_get(port, "/nope", buf, sizeof buf) > 0);
  CHECK(strstr(buf, "HTTP/1.1 404") != NULL);

  /* A second listen on the same engine is refused, with its request id. */
  CHECK_EQ_INT(ew_engine_listen(e, &so, 8), 0);
  m = wait_msg(e, &W, EW_MSG_REPLY);
  CHECK(m && m->req == 8 && m->value == EW_EALREADY);
  ew_msg_free(m);

  /* A second engine on the same port cannot bind. */
  ew_engine_options_t o = {0};
  waiter_t w2 = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  o.notify = on_notify;
  o.notify_arg = &w2;
  ew_engine_t *e2 = NULL;
  CHECK_EQ_INT(ew_engine_create(&e2, &o), 0);
  ew_server_options_t so2 = {.host = "127.0.0.1", .port = port};
  CHECK_EQ_INT(ew_engine_listen(e2, &so2, 9), 0);
  m = wait_msg(e2, &w2, EW_MSG_REPLY);
  CHECK(m && m->req == 9 && m->value == EW_ELISTEN);
  ew_msg_free(m);
  ew_engine_destroy(e2); /* destroy without close: closes and joins itself */

  ew_engine_stats_t st;
  ew_engine_stats(e, &st);
  CHECK_EQ_INT(st.port, port);
  CHECK_EQ_INT(st.http_requests, 2);
  close_and_destroy(e);
  /* The port is free again once the engine is gone. */
  CHECK(http_get(port, "/health", buf, sizeof buf) < 0);
}

static void test_batches_and_bounds(void) {
  ew_engine_t *e = make_engine();
  const char rec[] = "a.b\x1f" "1-0\x1f" "5\x1fnormal\x1fsrc\x1f\x1f\x1f\x1f{\"x\":1}\x1e";
  const size_t rl = sizeof rec - 1;
  char two[2 * sizeof rec];
  memcpy(two, rec, rl);
  memcpy(two + rl, rec, rl);
  CHECK_EQ_INT(ew_engine_send(e, two, 2 * rl, 2, 42), 0);
  ew_msg_t *m = wait_msg(e, &W, EW_MSG_REPLY);
  CHECK(m && m->req == 42 && m->value == 0);
  ew_msg_free(m);
  CHECK_EQ_INT(ew_engine_send(e, NULL, 0, 0, 0), 0);
  CHECK_EQ_INT(ew_engine_send(e, NULL, 5, 1, 0), EW_EINVAL);
  /* over the event bound (10): refused whole and counted */
  CHECK_EQ_INT(ew_engine_send(e, rec, rl, 11, 0), EW_EQUEUE_FULL);
  /* over the byte bound (4096) */
  char *big = calloc(1, 5000);
  CHECK_EQ_INT(ew_engine_send(e, big, 5000, 1, 0), EW_EQUEUE_FULL);
  free(big);
  /* a malformed record is counted, not fatal */
  CHECK_EQ_INT(ew_engine_send(e, "garbage\x1e", 8, 1, 0), 0);
  ew_engine_stats_t st;
  ew_engine_stats(e, &st);
  CHECK_EQ_INT(st.events_in, 2);
  CHECK_EQ_INT(st.inbox_rejected, 12);
  close_and_destroy(e);
}

/* ew__record_cb: copies the record's timestamp text into arg. */
static void record_ts(const ew__record_t *r, void *arg) {
  snprintf(arg, 32, "%.*s", (int)r->f.ts_len, r->f.ts);
}

static void test_batch_parse(void) {
  size_t bad = 0;
  const char ok[] = "t\x1fi\x1f" "1\x1fp\x1fs\x1fm\x1fv\x1fo\x1f" "d\x1e";
  CHECK_EQ_INT(ew__batch_parse(ok, sizeof ok - 1, NULL, NULL, &bad), 1);
  CHECK_EQ_INT(bad, 0);
  const char missing[] = "t\x1fi\x1f" "1\x1e";
  CHECK_EQ_INT(ew__batch_parse(missing, sizeof missing - 1, NULL, NULL, &bad), 1);
  CHECK_EQ_INT(bad, 1);
  const char unterminated[] = "t\x1fi\x1f" "1\x1fp\x1fs\x1fm\x1fv\x1fo\x1f" "d";
  bad = 0;
  CHECK_EQ_INT(ew__batch_parse(unterminated, sizeof unterminated - 1, NULL, NULL, &bad), 1);
  CHECK_EQ_INT(bad, 1);
  const char empty_type[] = "\x1fi\x1f" "1\x1fp\x1fs\x1fm\x1fv\x1fo\x1f" "d\x1e";
  bad = 0;
  ew__batch_parse(empty_type, sizeof empty_type - 1, NULL, NULL, &bad);
  CHECK_EQ_INT(bad, 1);
  /* An empty timestamp is the id's milliseconds (what JS sends); an id
   * without them leaves it empty: refused. */
  const char no_ts[] = "t\x1f" "1733600000123-7\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "d\x1e";
  char ts[32] = "";
  bad = 0;
  CHECK_EQ_INT(ew__batch_parse(no_ts, sizeof no_ts - 1, record_ts, ts, &bad), 1);
  CHECK_EQ_INT(bad, 0);
  CHECK(!strcmp(ts, "1733600000123"));
  const char no_ms[] = "t\x1f" "-7\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "d\x1e";
  const char no_dash[] = "t\x1f" "17336\x1f\x1f\x1f\x1f\x1f\x1f\x1f" "d\x1e";
  bad = 0;
  ew__batch_parse(no_ms, sizeof no_ms - 1, record_ts, ts, &bad);
  ew__batch_parse(no_dash, sizeof no_dash - 1, record_ts, ts, &bad);
  CHECK_EQ_INT(bad, 2);
}

static void test_errors(void) {
  CHECK(!strcmp(ew_err_name(EW_EQUEUE_FULL), "ERR_QUEUE_FULL"));
  CHECK(!strcmp(ew_err_name(EW_EINVAL), "ERR_INVALID_ARGUMENT"));
  CHECK(!strcmp(ew_err_name(0), "ERR_UNKNOWN"));
  CHECK(!strcmp(ew_err_name(-1000), "ERR_UNKNOWN"));
  CHECK(!strcmp(ew_strerror(EW_ECLOSED), "the bus is closed"));
  CHECK(!strcmp(ew_strerror(12345), "unknown error"));
  for (int i = 1; i <= ew_err_count(); i++) {
    CHECK(strncmp(ew_err_name(-i), "ERR_", 4) == 0);
    for (int j = 1; j < i; j++) CHECK(strcmp(ew_err_name(-i), ew_err_name(-j)) != 0);
  }
}

static void test_ids(void) {
  char a[EW_ID_MAX], b[EW_ID_MAX];
  uint64_t ms1, ms2;
  ew_id_next(a, &ms1);
  for (int i = 0; i < 100000; i++) {
    ew_id_next(b, &ms2);
    unsigned long long am, as, bm, bs;
    sscanf(a, "%llu-%llu", &am, &as);
    sscanf(b, "%llu-%llu", &bm, &bs);
    if (!(bm > am || (bm == am && bs > as))) {
      CHECK(!"ids must strictly increase");
      break;
    }
    memcpy(a, b, sizeof a);
  }
  CHECK(ms2 >= ms1);
}

int main(void) {
  RUN(test_errors);
  RUN(test_ids);
  RUN(test_batch_parse);
  RUN(test_bad_options);
  RUN(test_create_close);
  RUN(test_batches_and_bounds);
  RUN(test_listen_and_http);
  RUN(test_ops_token);
  return ew_test_finish();
}
