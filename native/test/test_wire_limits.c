/*
 * test_wire_limits.c - the server's bounds over real sockets, from C: a
 * client that does not read (low events dropped and announced, normal ones
 * closing with 4008), resume gaps with a small history, heartbeat timeouts,
 * the connection limit (503) and allowed origins (403).
 *
 * Every test socket has SO_RCVTIMEO/SO_SNDTIMEO so nothing can hang.
 */
#include "wire.h"

/* ---- a second engine: history of 3, backlog of 4 frames ------------------------------ */

static waiter_t W2 = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static int sub_ok(int fd, const char *pattern) {
  char op[128], ack[64];
  snprintf(op, sizeof op, "{\"op\":\"sub\",\"patterns\":[\"%s\"],\"ref\":0}", pattern);
  snprintf(ack, sizeof ack, "{\"op\":\"ack\",\"ref\":0}");
  return ws_send_text(fd, op) == 0 && expect_text(fd, ack);
}


static void test_backlog_and_gap(void) {
  ew_engine_options_t o;
  memset(&o, 0, sizeof o);
  o.notify = on_notify;
  o.notify_arg = &W2;
  o.history_size = 3;
  o.history_max_age_ms = -1;
  ew_engine_t *e = NULL;
  CHECK_EQ_INT(ew_engine_create(&e, &o), 0);
  if (!e) return;
  ew_server_options_t so;
  memset(&so, 0, sizeof so);
  so.host = "127.0.0.1";
  so.heartbeat_ms = -1;
  so.backlog_max_frames = 4;
  so.backlog_max_bytes = 1 << 20;
  int port = listen_wait(e, &W2, &so);
  CHECK(port > 0);
  if (port <= 0) {
    ew_engine_destroy(e);
    return;
  }
  enum { N = 200, PAD = 32 * 1024 };
  static char id[N][EW_ID_MAX];
  char *data = malloc(PAD + 64);
  batch_t b = {0};

  /* A client that does not read while 200 low events of 32 KiB (6.4 MB, more
   * than the socket buffers hold) go out: what the socket takes is written,
   * the backlog (4 frames) holds the newest, the rest is dropped and
   * announced. Once it reads: every event is either received, in order, or
   * counted in a `dropped` notice, exactly. */
  int lfd = ws_open_port(port);
  CHECK(lfd >= 0 && sub_ok(lfd, "l.*"));
  for (int i = 0; i < N; i++) {
    ew_id_next(id[i], NULL);
    snprintf(data, PAD + 64, "{\"i\":%d,\"pad\":\"%0*d\"}", i, PAD, 0);
    rec(&b, "l.x", id[i], "1", "low", "s", "", "", "", data);
  }
  CHECK_EQ_INT(send_batch_to(e, &W2, &b, 2), 0);
  int received = 0, last_i = -1;
  long announced = 0;
  while (received + announced < N) {
    frame_t f;
    if (ws_read(lfd, &f)) break;
    const char *p = (const char *)f.payload;
    static const char notice[] = "{\"op\":\"dropped\",\"count\":";
    if (!strncmp(p, notice, sizeof notice - 1)) {
      announced += strtol(p + sizeof notice - 1, NULL, 10);
      CHECK(strstr(p, "\"reason\":\"slow_consumer\"") != NULL);
    } else {
      const char *ip = strstr(p, "\"data\":{\"i\":");
      int i = ip ? atoi(ip + 12) : -1;
      CHECK(i > last_i); /* in order, no duplicate */
      last_i = i;
      received++;
    }
    frame_free(&f);
  }
  CHECK_EQ_INT(received + announced, N);
  CHECK(announced > 0);
  CHECK_EQ_INT(last_i, N - 1); /* the newest were kept */
  close(lfd);

  /* resume with a gap: history keeps the last 3; N-4 is older than the
   * newest evicted (N-4 < N-4+1 = newest evicted) */
  char want[256];
  int gfd = ws_open_port(port);
  CHECK(gfd >= 0);
  char op[256];
  snprintf(op, sizeof op, "{\"op\":\"sub\",\"patterns\":[\"l.*\"],\"since\":\"%s\",\"ref\":1}", id[N - 5]);
  CHECK_EQ_INT(ws_send_text(gfd, op), 0);
  snprintf(want, sizeof want,
           "{\"op\":\"error\",\"ref\":1,\"code\":\"ERR_HISTORY_GAP\",\"message\":\"events after since were evicted "
           "from history: replaying from the oldest kept\",\"oldest\":\"%s\"}",
           id[N - 3]);
  CHECK(expect_text(gfd, want));
  for (int i = N - 3; i < N; i++) {
    frame_t f;
    CHECK(ws_read(gfd, &f) == 0 && strstr((const char *)frame_payload_or_empty(&f), id[i]) != NULL);
    frame_free(&f);
  }
  close(gfd);
  /* since = the newest evicted: no gap */
  gfd = ws_open_port(port);
  CHECK(gfd >= 0);
  snprintf(op, sizeof op, "{\"op\":\"sub\",\"patterns\":[\"l.*\"],\"since\":\"%s\",\"ref\":2}", id[N - 4]);
  CHECK_EQ_INT(ws_send_text(gfd, op), 0);
  CHECK(expect_text(gfd, "{\"op\":\"ack\",\"ref\":2}"));
  for (int i = N - 3; i < N; i++) {
    frame_t f;
    CHECK(ws_read(gfd, &f) == 0 && strstr((const char *)frame_payload_or_empty(&f), id[i]) != NULL);
    frame_free(&f);
  }
  CHECK_EQ_INT(ws_send_text(gfd, "{\"op\":\"ping\",\"ref\":3}"), 0);
  CHECK(expect_text(gfd, "{\"op\":\"ack\",\"ref\":3}"));
  close(gfd);

  /* normal events to a client that does not read: a prefix arrives in order,
   * then 4008 (normal events are never dropped) */
  int nfd = ws_open_port(port);
  CHECK(nfd >= 0 && sub_ok(nfd, "n.*"));
  for (int i = 0; i < N; i++) {
    ew_id_next(id[i], NULL);
    snprintf(data, PAD + 64, "{\"i\":%d,\"pad\":\"%0*d\"}", i, PAD, 0);
    rec(&b, "n.x", id[i], "1", "", "s", "", "", "", data);
  }
  CHECK_EQ_INT(send_batch_to(e, &W2, &b, 4), 0);
  int next = 0, close_code = 0;
  for (;;) {
    frame_t f;
    if (ws_read(nfd, &f)) break;
    if ((f.b0 & 0x0f) == 8) {
      close_code = f.len >= 2 ? (f.payload[0] << 8 | f.payload[1]) : 0;
      frame_free(&f);
      break;
    }
    const char *ip = strstr((const char *)f.payload, "\"data\":{\"i\":");
    CHECK(ip && atoi(ip + 12) == next);
    next++;
    frame_free(&f);
  }
  CHECK_EQ_INT(close_code, 4008);
  CHECK(next > 0 && next < N);
  close(nfd);
  free(data);

  ew_engine_stats_t st;
  ew_engine_stats(e, &st);
  CHECK_EQ_INT(st.dropped_low, announced);
  CHECK_EQ_INT(st.slow_consumer_closes, 1);
  CHECK_EQ_INT(st.history_events, 3);
  CHECK_EQ_INT(st.history_evicted, 2 * N - 3);
  ew_engine_destroy(e); /* without close: closes and joins itself */
}

/* ---- a third engine: heartbeat 200 ms, 2 connections, allowed origins ------------------ */

static waiter_t W3 = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static int ws_open_origin(int port, const char *origin_header) {
  char req[512], head[512];
  snprintf(req, sizeof req, "GET /ws HTTP/1.1\r\nHost: x\r\n%s" UPG KEYV V13 "\r\n", origin_header);
  int fd = tcp_connect(port);
  if (fd < 0) return -1;
  if (send_all(fd, req, strlen(req)) || read_head(fd, head, sizeof head) < 0 || strcmp(head, UPGRADE_RESP)) {
    close(fd);
    return -1;
  }
  return fd;
}

static void test_heartbeat_limits_origins(void) {
  ew_engine_options_t o;
  memset(&o, 0, sizeof o);
  o.notify = on_notify;
  o.notify_arg = &W3;
  ew_engine_t *e = NULL;
  CHECK_EQ_INT(ew_engine_create(&e, &o), 0);
  if (!e) return;
  ew_server_options_t so;
  memset(&so, 0, sizeof so);
  so.host = "127.0.0.1";
  so.heartbeat_ms = 200;
  so.max_connections = 2;
  so.allowed_origins = "http://a.example\nhttp://b.example";
  int port = listen_wait(e, &W3, &so);
  CHECK(port > 0);
  if (port <= 0) {
    ew_engine_destroy(e);
    return;
  }
  int saved = PORT;
  PORT = port; /* for bad_request() */

  /* origins: listed ones pass, others and a missing Origin are refused */
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\nOrigin: http://c.example\r\n" UPG KEYV V13 "\r\n", 403,
                    "Forbidden", NULL, "ERR_FORBIDDEN", "origin not allowed"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\n" UPG KEYV V13 "\r\n", 403, "Forbidden", NULL, "ERR_FORBIDDEN",
                    "origin not allowed"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\nOrigin: http://a.example.evil\r\n" UPG KEYV V13 "\r\n", 403,
                    "Forbidden", NULL, "ERR_FORBIDDEN", "origin not allowed"));
  int quiet = ws_open_origin(port, "Origin: http://a.example\r\n");
  int live = ws_open_origin(port, "Origin: http://b.example\r\n");
  CHECK(quiet >= 0);
  CHECK(live >= 0);
  /* max_connections 2: a third WebSocket is refused */
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\nOrigin: http://a.example\r\n" UPG KEYV V13 "\r\n", 503,
                    "Service Unavailable", NULL, "ERR_LIMIT", "too many connections"));
  if (quiet < 0 || live < 0) {
    PORT = saved;
    ew_engine_destroy(e);
    return;
  }

  /* Both get pings; `live` answers them, `quiet` does not and is cut off at
   * the next ping round. Read them in turn with short timeouts. */
  struct timeval tv = {0, 20 * 1000};
  setsockopt(quiet, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(live, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  uint64_t t0 = now_ms();
  int quiet_pings = 0, quiet_closed = 0, quiet_bad = 0, live_pings = 0, live_bad = 0;
  uint64_t quiet_closed_at = 0, quiet_ping_at = 0;
  while (now_ms() - t0 < 1200) {
    uint8_t h[2];
    if (!quiet_closed) {
      ssize_t r = recv(quiet, h, 2, MSG_PEEK);
      if (r == 0 || (r < 0 && errno == ECONNRESET)) {
        quiet_closed = 1;
        quiet_closed_at = now_ms() - t0;
      } else if (r == 2) {
        frame_t f;
        if (ws_read(quiet, &f)) {
          quiet_bad++;
        } else if (f.b0 == 0x89 && f.len == 0) {
          quiet_pings++;
          quiet_ping_at = now_ms() - t0;
        } else if (!(f.b0 == 0x88 && f.len >= 2 && (f.payload[0] << 8 | f.payload[1]) == 4000)) {
          quiet_bad++; /* a close frame is allowed only with 4000 (PROTOCOL.md) */
        }
        frame_free(&f);
      }
    }
    ssize_t r = recv(live, h, 2, MSG_PEEK);
    if (r == 2) {
      frame_t f;
      if (ws_read(live, &f) || f.b0 != 0x89 || f.len != 0) {
        live_bad++;
      } else {
        live_pings++;
        ws_send(live, 0x8a, "", 0);
      }
      frame_free(&f);
    } else if (r == 0) {
      live_bad++;
      break;
    }
  }
  CHECK_EQ_INT(quiet_bad, 0);
  CHECK_EQ_INT(quiet_pings, 1);
  CHECK(quiet_closed);
  /* cut at the ping round after the unanswered ping: ~200 ms later */
  CHECK(quiet_closed_at <= 900);
  CHECK(quiet_closed_at - quiet_ping_at >= 100 && quiet_closed_at - quiet_ping_at <= 600);
  CHECK_EQ_INT(live_bad, 0);
  CHECK(live_pings >= 4);
  /* the live one still works */
  tv.tv_sec = 3;
  tv.tv_usec = 0;
  setsockopt(live, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  CHECK_EQ_INT(ws_send_text(live, "{\"op\":\"ping\",\"ref\":\"hb\"}"), 0);
  int acked = 0;
  for (int k = 0; k < 5 && !acked; k++) {
    frame_t f;
    if (ws_read(live, &f)) break;
    if (f.b0 == 0x89) ws_send(live, 0x8a, "", 0);
    else acked = f.b0 == 0x81 && f.len == 23 && !memcmp(f.payload, "{\"op\":\"ack\",\"ref\":\"hb\"}", 23);
    frame_free(&f);
  }
  CHECK(acked);
  ew_engine_stats_t st;
  ew_engine_stats(e, &st);
  CHECK_EQ_INT(st.heartbeat_timeouts, 1);
  CHECK_EQ_INT(st.connections, 1);
  CHECK_EQ_INT(st.handshake_rejects, 4);
  close(quiet);
  close(live);
  PORT = saved;
  ew_engine_destroy(e);
}

/* server.authorize for /ws and /events (http_authorize): the request waits
 * for the owner's answer (EW_MSG_AUTH carries its target and header lines as
 * JSON); yes = routed as usual, with a WebSocket frame the client sent
 * early; no = 401 with the owner's message; no answer = 503 at the
 * handshake timeout, and a late answer changes nothing. */
static void test_authorize_hook(void) {
  waiter_t w = WAITER_INIT;
  ew_engine_options_t o = {0};
  o.notify = on_notify;
  o.notify_arg = &w;
  ew_engine_t *e = NULL;
  CHECK_EQ_INT(ew_engine_create(&e, &o), 0);
  if (!e) return;
  ew_server_options_t so = {.host = "127.0.0.1", .port = 0, .heartbeat_ms = -1, .handshake_timeout_ms = 300,
                            .http_authorize = 1};
  CHECK_EQ_INT(ew_engine_listen(e, &so, 1), 0);
  ew_msg_t *m = wait_msg(e, &w, EW_MSG_LISTENING);
  int port = m ? (int)m->value : 0;
  ew_msg_free(m);
  char buf[4096];

  /* yes: the head plus a sub frame in one write, answered after the hook */
  static const char req[] = "GET /ws?token=t1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: " SAMPLE_KEY "\r\n"
                            "Sec-WebSocket-Version: 13\r\nCookie: a=\"1\\\"\r\n\r\n";
  static const char sub[] = "{\"op\":\"sub\",\"patterns\":[\"a.*\"],\"ref\":1}";
  uint8_t out[sizeof req + 256];
  memcpy(out, req, sizeof req - 1);
  size_t n = sizeof req - 1 + ws_build(out + sizeof req - 1, 0x81, sub, strlen(sub), 0);
  int fd = tcp_connect(port);
  CHECK(fd >= 0 && send_all(fd, out, n) == 0);
  m = wait_msg(e, &w, EW_MSG_AUTH);
  CHECK(m != NULL);
  if (m) {
    CHECK(m->len > 0 && strstr(m->data, "{\"transport\":\"ws\",\"path\":\"/ws?token=t1\",\"headers\":[[\"Host\",\"127.0.0.1\"],") ==
                            m->data);
    CHECK(strstr(m->data, "[\"Cookie\",\"a=\\\"1\\\\\\\"\"]]}") != NULL); /* quotes and backslash escaped */
    CHECK_EQ_INT(ew_engine_answer(e, m->req, 0, "a.*\nb.**"), 0); /* yes, for these patterns */
  }
  ew_msg_free(m);
  CHECK(read_head(fd, buf, sizeof buf) > 0 && strcmp(buf, UPGRADE_RESP) == 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":1}"));
  CHECK(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"b.x.**\",\"a.y\"],\"ref\":2}") == 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":2}"));
  CHECK(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"a.y\",\"a.**\"],\"ref\":3}") == 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"ref\":3,\"code\":\"ERR_FORBIDDEN\",\"message\":"
                        "\"pattern \\\"a.**\\\" is not allowed for this client (server.authorize)\"}"));
  close(fd);

  /* no: 401 with the owner's message, nothing upgraded */
  fd = tcp_connect(port);
  CHECK(fd >= 0 && send_all(fd, req, sizeof req - 1) == 0);
  m = wait_msg(e, &w, EW_MSG_AUTH);
  CHECK(m != NULL);
  if (m) CHECK_EQ_INT(ew_engine_answer(e, m->req, EW_EINVAL, "token \"t1\" expired"), 0);
  ew_msg_free(m);
  CHECK(read_to_eof(fd, buf, sizeof buf) > 0);
  CHECK(strstr(buf, "HTTP/1.1 401 Unauthorized\r\n") == buf);
  CHECK(strstr(buf, "WWW-Authenticate: Bearer realm=\"eventwire\"\r\n") != NULL);
  CHECK(strstr(buf, "{\"code\":\"ERR_UNAUTHORIZED\",\"message\":\"token \\\"t1\\\" expired\"}") != NULL);
  close(fd);

  /* no answer: 503 at the handshake timeout; the late answer is a no-op */
  fd = tcp_connect(port);
  static const char sse[] = "GET /events?pattern=a.* HTTP/1.1\r\nHost: x\r\n\r\n";
  CHECK(fd >= 0 && send_all(fd, sse, sizeof sse - 1) == 0);
  m = wait_msg(e, &w, EW_MSG_AUTH);
  CHECK(m && strstr(m->data, "{\"transport\":\"sse\",\"path\":\"/events?pattern=a.*\",\"headers\":[[\"Host\",\"x\"]]}") == m->data);
  CHECK(read_to_eof(fd, buf, sizeof buf) > 0);
  CHECK(strstr(buf, "HTTP/1.1 503 ") == buf);
  CHECK(strstr(buf, "\"code\":\"ERR_TIMEOUT\"") != NULL);
  close(fd);
  if (m) CHECK_EQ_INT(ew_engine_answer(e, m->req, 0, NULL), 0);
  ew_msg_free(m);

  /* a bad handshake is refused before the hook is asked */
  fd = tcp_connect(port);
  static const char bad[] = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n";
  CHECK(fd >= 0 && send_all(fd, bad, sizeof bad - 1) == 0);
  CHECK(read_to_eof(fd, buf, sizeof buf) > 0 && strstr(buf, "HTTP/1.1 400 ") == buf);
  close(fd);
  ew_engine_stats_t st;
  ew_engine_stats(e, &st);
  CHECK_EQ_INT((int)st.handshake_rejects, 3); /* the 401, the 503, the 400 */

  CHECK_EQ_INT(ew_engine_close(e), 0);
  m = wait_msg(e, &w, EW_MSG_CLOSED);
  ew_msg_free(m);
  CHECK_EQ_INT(ew_engine_join(e), 0);
  ew_engine_destroy(e);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  RUN(test_backlog_and_gap);
  RUN(test_heartbeat_limits_origins);
  RUN(test_authorize_hook);
  return ew_test_finish();
}
