/*
 * test_wire.c - the engine's server over real sockets, from C: the RFC 6455
 * handshake, a sub with its ack, events pushed with ew_engine_send arriving
 * as exact envelope frames, resume with `since`, and the strict reader's
 * answers to bad input (close codes 1002/1003/1007/1009, HTTP 400/404/405/426,
 * the handshake timeout), then shutdown (1001) with nothing left allocated.
 *
 * Every test socket has SO_RCVTIMEO/SO_SNDTIMEO so nothing can hang.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "test.h"
#include "waiter.h"

static waiter_t W = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
static ew_engine_t *E;
static int PORT;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- sockets ------------------------------------------------------------------- */

static int tcp_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
    close(fd);
    return -1;
  }
  return fd;
}

static int send_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

/* 1: n bytes read; 0: EOF first; -1: error or timeout. */
static int read_full(int fd, void *buf, size_t n) {
  char *c = buf;
  while (n) {
    ssize_t r = recv(fd, c, n, 0);
    if (r == 0) return 0;
    if (r < 0) return -1;
    c += r;
    n -= (size_t)r;
  }
  return 1;
}

/* The peer closed: recv gives EOF (or a reset), not a timeout. */
static int closed_by_peer(int fd) {
  char b[64];
  ssize_t r = recv(fd, b, sizeof b, 0);
  if (r == 0) return 1;
  if (r < 0) return errno == ECONNRESET;
  return 0; /* more data: not expected after what the caller already read */
}

/* Reads an HTTP response head byte by byte (so no frame behind it is eaten). */
static int read_head(int fd, char *buf, size_t cap) {
  size_t n = 0;
  while (n + 1 < cap) {
    if (read_full(fd, buf + n, 1) != 1) break;
    n++;
    if (n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4)) {
      buf[n] = '\0';
      return (int)n;
    }
  }
  buf[n] = '\0';
  return -1;
}

/* Reads until EOF (error responses close the connection). */
static int read_to_eof(int fd, char *buf, size_t cap) {
  size_t n = 0;
  for (;;) {
    if (n + 1 >= cap) break;
    ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);
    if (r == 0) break;
    if (r < 0) {
      buf[n] = '\0';
      return -1;
    }
    n += (size_t)r;
  }
  buf[n] = '\0';
  return (int)n;
}

/* ---- WebSocket frames ------------------------------------------------------------ */

static const uint8_t MASK[4] = {0x37, 0xfa, 0x21, 0x3d};

/* A client frame: first byte as given (FIN/RSV/opcode), minimal length,
 * masked with MASK unless `unmasked`. */
static size_t ws_build(uint8_t *out, uint8_t b0, const void *payload, size_t len, int unmasked) {
  size_t at = 0;
  out[at++] = b0;
  uint8_t m = unmasked ? 0 : 0x80;
  if (len < 126) {
    out[at++] = (uint8_t)(m | len);
  } else if (len <= 0xffff) {
    out[at++] = (uint8_t)(m | 126);
    out[at++] = (uint8_t)(len >> 8);
    out[at++] = (uint8_t)len;
  } else {
    out[at++] = (uint8_t)(m | 127);
    for (int i = 0; i < 8; i++) out[at++] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
  }
  if (!unmasked) {
    memcpy(out + at, MASK, 4);
    at += 4;
  }
  const uint8_t *p = payload;
  for (size_t i = 0; i < len; i++) out[at + i] = unmasked ? p[i] : (uint8_t)(p[i] ^ MASK[i & 3]);
  return at + len;
}

static int ws_send(int fd, uint8_t b0, const void *payload, size_t len) {
  uint8_t *buf = malloc(len + 14);
  size_t n = ws_build(buf, b0, payload, len, 0);
  int rc = send_all(fd, buf, n);
  free(buf);
  return rc;
}

static int ws_send_text(int fd, const char *s) { return ws_send(fd, 0x81, s, strlen(s)); }

typedef struct {
  uint8_t b0, b1;    /* the first two header bytes */
  size_t hdr_len;
  size_t len;
  uint8_t *payload;  /* malloc'd, NUL-terminated */
} frame_t;

static uint8_t *frame_payload_or_empty(frame_t *f) { return f->payload ? f->payload : (uint8_t *)""; }

/* Reads one server frame; 0 or -1. Server frames are never masked. */
static int ws_read(int fd, frame_t *f) {
  memset(f, 0, sizeof *f);
  uint8_t h[8];
  if (read_full(fd, h, 2) != 1) return -1;
  f->b0 = h[0];
  f->b1 = h[1];
  uint64_t len = h[1] & 0x7f;
  f->hdr_len = 2;
  if (len == 126) {
    if (read_full(fd, h, 2) != 1) return -1;
    len = (uint64_t)h[0] << 8 | h[1];
    f->hdr_len = 4;
  } else if (len == 127) {
    if (read_full(fd, h, 8) != 1) return -1;
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | h[i];
    f->hdr_len = 10;
  }
  if (f->b1 & 0x80) return -1; /* masked server frame: wrong */
  if (len > (1u << 24)) return -1;
  f->len = (size_t)len;
  f->payload = malloc(f->len + 1);
  if (f->len && read_full(fd, f->payload, f->len) != 1) {
    free(f->payload);
    f->payload = NULL;
    return -1;
  }
  f->payload[f->len] = '\0';
  return 0;
}

static void frame_free(frame_t *f) {
  free(f->payload);
  f->payload = NULL;
}

/* Reads one frame and checks it is a final text frame with exactly `want`. */
static int expect_text(int fd, const char *want) {
  frame_t f;
  if (ws_read(fd, &f)) {
    fprintf(stderr, "  no frame (wanted %.200s)\n", want);
    return 0;
  }
  int ok = f.b0 == 0x81 && f.len == strlen(want) && memcmp(f.payload, want, f.len) == 0;
  if (!ok)
    fprintf(stderr, "  frame b0=0x%02x len=%zu: %.300s\n  wanted: %.300s\n", f.b0, f.len,
            (char *)frame_payload_or_empty(&f), want);
  frame_free(&f);
  return ok;
}

/* Reads one frame: a close with `code` (and `reason` when not NULL), then EOF. */
static int expect_close(int fd, uint16_t code, const char *reason) {
  frame_t f;
  if (ws_read(fd, &f)) {
    fprintf(stderr, "  no close frame (wanted %u)\n", code);
    return 0;
  }
  int ok = f.b0 == 0x88 && f.len >= 2 && (uint16_t)(f.payload[0] << 8 | f.payload[1]) == code;
  if (ok && reason) ok = f.len - 2 == strlen(reason) && memcmp(f.payload + 2, reason, f.len - 2) == 0;
  if (!ok)
    fprintf(stderr, "  frame b0=0x%02x len=%zu code=%d reason=%.*s; wanted close %u %s\n", f.b0, f.len,
            f.len >= 2 ? f.payload[0] << 8 | f.payload[1] : -1, f.len > 2 ? (int)f.len - 2 : 0,
            f.len > 2 ? (char *)f.payload + 2 : "", code, reason ? reason : "");
  frame_free(&f);
  if (ok && !closed_by_peer(fd)) {
    fprintf(stderr, "  socket still open after close %u\n", code);
    ok = 0;
  }
  return ok;
}

#define SAMPLE_KEY "dGhlIHNhbXBsZSBub25jZQ=="
/* RFC 6455 §1.3 (checked with hashlib: SHA-1 of key + GUID, base64) */
#define SAMPLE_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define UPGRADE_REQ                                                                      \
  "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
  "Sec-WebSocket-Key: " SAMPLE_KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n"
#define UPGRADE_RESP                                                                   \
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
  "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n\r\n"

/* A WebSocket connection after a checked handshake, or -1. */
static int ws_open_port(int port) {
  int fd = tcp_connect(port);
  if (fd < 0) return -1;
  char head[1024];
  if (send_all(fd, UPGRADE_REQ, strlen(UPGRADE_REQ)) || read_head(fd, head, sizeof head) < 0 ||
      strcmp(head, UPGRADE_RESP) != 0) {
    fprintf(stderr, "  handshake failed: %s\n", head);
    close(fd);
    return -1;
  }
  return fd;
}
static int ws_open(void) { return ws_open_port(PORT); }

/* ---- batches ------------------------------------------------------------------- */

typedef struct {
  char *p;
  size_t len, cap, count;
} batch_t;

static void rec(batch_t *b, const char *type, const char *id, const char *ts, const char *prio,
                const char *source, const char *meta, const char *version, const char *origin,
                const char *data) {
  const char *f[9] = {type, id, ts, prio, source, meta, version, origin, data};
  for (int i = 0; i < 9; i++) {
    size_t n = strlen(f[i]);
    if (b->len + n + 2 > b->cap) {
      b->cap = (b->len + n + 2) * 2;
      b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, f[i], n);
    b->len += n;
    b->p[b->len++] = i < 8 ? '\x1f' : '\x1e';
  }
  b->count++;
}

/* Sends the batch, waits until the engine took it in, frees it. */
static int send_batch_to(ew_engine_t *e, waiter_t *w, batch_t *b, uint32_t req) {
  int rc = ew_engine_send(e, b->p, b->len, b->count, req);
  free(b->p);
  memset(b, 0, sizeof *b);
  if (rc) return rc;
  ew_msg_t *m = wait_msg(e, w, EW_MSG_REPLY);
  rc = m && m->req == req && m->value == 0 ? 0 : -1;
  ew_msg_free(m);
  return rc;
}
static int send_batch(batch_t *b, uint32_t req) { return send_batch_to(E, &W, b, req); }

/* ---- tests ----------------------------------------------------------------------- */

static void test_handshake_accept(void) {
  int fd = tcp_connect(PORT);
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK_EQ_INT(send_all(fd, UPGRADE_REQ, strlen(UPGRADE_REQ)), 0);
  char head[1024];
  CHECK(read_head(fd, head, sizeof head) > 0);
  CHECK(strcmp(head, UPGRADE_RESP) == 0);
  /* a ping op right away: the connection speaks WebSocket now */
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"ping\",\"ref\":[1,\"x\"]}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":[1,\"x\"]}"));
  close(fd);

  /* the head a byte at a time, header names in other cases, extra tokens */
  static const char req[] =
      "GET /ws?token=abc HTTP/1.1\r\nhOsT: x\r\nUPGRADE: WebSocket\r\n"
      "connection: keep-alive, Upgrade\r\nsec-websocket-key: " SAMPLE_KEY "\r\n"
      "Sec-WebSocket-Version: 13\r\nX-Other: 1\r\n\r\n";
  fd = tcp_connect(PORT);
  CHECK(fd >= 0);
  if (fd < 0) return;
  for (size_t i = 0; i < sizeof req - 1; i++) send_all(fd, req + i, 1);
  CHECK(read_head(fd, head, sizeof head) > 0);
  CHECK(strcmp(head, UPGRADE_RESP) == 0);
  close(fd);

  /* frames sent in the same write as the head are not lost */
  fd = tcp_connect(PORT);
  CHECK(fd >= 0);
  if (fd < 0) return;
  uint8_t buf[512];
  size_t n = strlen(UPGRADE_REQ);
  memcpy(buf, UPGRADE_REQ, n);
  const char *op = "{\"op\":\"ping\",\"ref\":\"early\"}";
  n += ws_build(buf + n, 0x81, op, strlen(op), 0);
  CHECK_EQ_INT(send_all(fd, buf, n), 0);
  CHECK(read_head(fd, head, sizeof head) > 0);
  CHECK(strcmp(head, UPGRADE_RESP) == 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":\"early\"}"));
  close(fd);
}

static char ID[8][EW_ID_MAX];

static void test_sub_and_events(void) {
  int fd = ws_open();
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"a.*\"],\"ref\":1}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":1}"));

  for (int i = 0; i < 8; i++) ew_id_next(ID[i], NULL);
  batch_t b = {0};
  rec(&b, "a.b", ID[0], "1700000000123", "high", "svc-1", "{\"k\":\"v\"}", "\"1.0\"", "", "{\"x\":1}");
  rec(&b, "b.c", ID[1], "1700000000124", "", "svc-1", "", "", "", "2");   /* other pattern */
  rec(&b, "a.b.c", ID[2], "1700000000125", "", "svc-1", "", "", "", "3"); /* '*' is one segment */
  rec(&b, "a.q\"\\", ID[3], "1700000000126", "low", "", "", "", "", "[1,\"two\"]");
  CHECK_EQ_INT(send_batch(&b, 11), 0);

  char want[512];
  snprintf(want, sizeof want,
           "{\"id\":\"%s\",\"type\":\"a.b\",\"data\":{\"x\":1},\"source\":\"svc-1\",\"timestamp\":1700000000123,"
           "\"priority\":\"high\",\"metadata\":{\"k\":\"v\"},\"version\":\"1.0\"}",
           ID[0]);
  CHECK(expect_text(fd, want));
  snprintf(want, sizeof want,
           "{\"id\":\"%s\",\"type\":\"a.q\\\"\\\\\",\"data\":[1,\"two\"],\"timestamp\":1700000000126,"
           "\"priority\":\"low\"}",
           ID[3]);
  CHECK(expect_text(fd, want));
  /* nothing else was queued: the next frame is the ping's ack */
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"ping\",\"ref\":2}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":2}"));

  /* a big event: 64-bit length on the wire, written whole */
  size_t big = 200000;
  char *data = malloc(big + 1);
  memset(data, 'z', big);
  data[0] = data[big - 1] = '"';
  data[big] = '\0';
  rec(&b, "a.big", ID[4], "1", "", "s", "", "", "", data);
  CHECK_EQ_INT(send_batch(&b, 12), 0);
  frame_t f;
  CHECK_EQ_INT(ws_read(fd, &f), 0);
  char prefix[128];
  int pl = snprintf(prefix, sizeof prefix, "{\"id\":\"%s\",\"type\":\"a.big\",\"data\":\"zz", ID[4]);
  const char *suffix = "zz\",\"source\":\"s\",\"timestamp\":1}";
  CHECK_EQ_INT(f.b0, 0x81);
  CHECK_EQ_INT(f.b1, 127);
  CHECK_EQ_INT(f.hdr_len, 10);
  CHECK_EQ_INT(f.len, (size_t)pl - 3 + big + strlen(suffix) - 3);
  CHECK(f.payload && f.len > 300 && memcmp(f.payload, prefix, (size_t)pl) == 0);
  CHECK(f.payload && f.len > 300 && memcmp(f.payload + f.len - strlen(suffix), suffix, strlen(suffix)) == 0);
  frame_free(&f);
  free(data);

  /* unsub: nothing more arrives for a.*, the count of removed patterns */
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"unsub\",\"patterns\":[\"a.*\",\"x.y\"],\"ref\":3}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":3,\"removed\":1}"));
  rec(&b, "a.b", ID[5], "1", "", "s", "", "", "", "5");
  CHECK_EQ_INT(send_batch(&b, 13), 0);
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"ping\",\"ref\":4}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":4}"));

  /* op errors keep the connection open */
  CHECK_EQ_INT(ws_send_text(fd, "[1]"), 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"code\":\"ERR_INVALID_JSON\","
                        "\"message\":\"each message must be a JSON object with an op\"}"));
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"nope\",\"ref\":null}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"ref\":null,\"code\":\"ERR_UNKNOWN_OP\","
                        "\"message\":\"op must be one of sub, unsub, pub, ping\"}"));
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"a.**.**\"],\"ref\":5}"), 0);
  frame_t e;
  CHECK_EQ_INT(ws_read(fd, &e), 0);
  static const char pat_err[] =
      "{\"op\":\"error\",\"ref\":5,\"code\":\"ERR_INVALID_PATTERN\",\"message\":\"invalid pattern \\\"a.**.**\\\": ";
  CHECK(e.b0 == 0x81 && e.payload && strncmp((char *)e.payload, pat_err, sizeof pat_err - 1) == 0);
  frame_free(&e);
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"pub\",\"type\":\"a.b\",\"ref\":6}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"ref\":6,\"code\":\"ERR_FORBIDDEN\","
                        "\"message\":\"this server does not accept pub (allowClientPublish is off)\"}"));
  close(fd);
}

/* A new connection resumes after ID[0]: history replays exactly the events
 * after it that match its patterns, in id order (b.c, then a.b at ID[5]). */
static void test_resume(void) {
  int fd = ws_open();
  CHECK(fd >= 0);
  if (fd < 0) return;
  char sub[256];
  snprintf(sub, sizeof sub, "{\"op\":\"sub\",\"patterns\":[\"a.b\",\"b.*\"],\"since\":\"%s\",\"ref\":\"r\"}", ID[0]);
  CHECK_EQ_INT(ws_send_text(fd, sub), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":\"r\"}"));
  char want[256];
  snprintf(want, sizeof want,
           "{\"id\":\"%s\",\"type\":\"b.c\",\"data\":2,\"source\":\"svc-1\",\"timestamp\":1700000000124}", ID[1]);
  CHECK(expect_text(fd, want));
  snprintf(want, sizeof want, "{\"id\":\"%s\",\"type\":\"a.b\",\"data\":5,\"source\":\"s\",\"timestamp\":1}", ID[5]);
  CHECK(expect_text(fd, want));
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"ping\"}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\"}"));
  /* since only on the first sub */
  snprintf(sub, sizeof sub, "{\"op\":\"sub\",\"patterns\":[\"c\"],\"since\":\"%s\",\"ref\":7}", ID[0]);
  CHECK_EQ_INT(ws_send_text(fd, sub), 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"ref\":7,\"code\":\"ERR_INVALID_SINCE\",\"message\":\"since is "
                        "accepted only on the first sub of a connection: send all patterns in it\"}"));
  close(fd);

  /* a malformed since */
  fd = ws_open();
  CHECK(fd >= 0);
  if (fd < 0) return;
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"a\"],\"since\":\"1-2-3\",\"ref\":8}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"error\",\"ref\":8,\"code\":\"ERR_INVALID_SINCE\","
                        "\"message\":\"since must be the id \\\"<ms>-<seq>\\\" of a past event\"}"));
  close(fd);
}

static int PROTOCOL_ERRORS; /* connections we expect closed for a violation */

/* Opens a WebSocket, sends raw bytes, expects a close with code/reason. */
static int violation(const void *bytes, size_t n, uint16_t code, const char *reason) {
  int fd = ws_open();
  if (fd < 0) return 0;
  PROTOCOL_ERRORS++;
  int ok = send_all(fd, bytes, n) == 0 && expect_close(fd, code, reason);
  close(fd);
  return ok;
}

static int violation_frame(uint8_t b0, const void *payload, size_t len, uint16_t code, const char *reason) {
  uint8_t *buf = malloc(len + 14);
  size_t n = ws_build(buf, b0, payload, len, 0);
  int ok = violation(buf, n, code, reason);
  free(buf);
  return ok;
}

static void test_bad_frames(void) {
  uint8_t buf[2048];
  size_t n;

  /* unmasked client frame */
  n = ws_build(buf, 0x81, "{\"op\":\"ping\"}", 13, 1);
  CHECK(violation(buf, n, 1002, "client frames must be masked"));
  /* unmasked, only the two header bytes */
  CHECK(violation("\x81\x05", 2, 1002, "client frames must be masked"));

  /* message bound: max_payload 1024 */
  char big[1100];
  memset(big, ' ', sizeof big);
  memcpy(big, "{\"op\":\"ping\",\"ref\":1", 20);
  big[1023] = '}';
  {
    int fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(ws_send(fd, 0x81, big, 1024), 0); /* exactly the bound: fine */
      CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":1}"));
      /* the same 1024 bytes in three fragments: fine too */
      CHECK_EQ_INT(ws_send(fd, 0x01, big, 500), 0);
      CHECK_EQ_INT(ws_send(fd, 0x00, big + 500, 500), 0);
      CHECK_EQ_INT(ws_send(fd, 0x89, "p", 1), 0); /* a ping between fragments */
      CHECK_EQ_INT(ws_send(fd, 0x80, big + 1000, 24), 0);
      frame_t f;
      CHECK_EQ_INT(ws_read(fd, &f), 0);
      CHECK(f.b0 == 0x8a && f.len == 1 && f.payload[0] == 'p'); /* pong, before the ack */
      frame_free(&f);
      CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":1}"));
      close(fd);
    }
  }
  /* 1025 announced in the header: closed before the payload is sent */
  buf[0] = 0x81;
  buf[1] = 0x80 | 126;
  buf[2] = 0x04;
  buf[3] = 0x01;
  memcpy(buf + 4, MASK, 4);
  CHECK(violation(buf, 8, 1009, "message too big"));
  /* fragments adding up to 1025 */
  n = ws_build(buf, 0x01, big, 600, 0);
  n += ws_build(buf + n, 0x80, big, 425, 0);
  CHECK(violation(buf, n, 1009, "message too big"));
  /* a 64-bit length */
  buf[0] = 0x81;
  buf[1] = 0x80 | 127;
  memcpy(buf + 2, "\x00\x00\x00\x01\x00\x00\x00\x00", 8);
  memcpy(buf + 10, MASK, 4);
  CHECK(violation(buf, 14, 1009, "message too big"));

  /* binary */
  CHECK(violation_frame(0x82, "\x01\x02", 2, 1003, "binary messages are not supported"));

  /* invalid UTF-8: a bad byte, an overlong, a surrogate, past U+10FFFF, truncated at the end */
  CHECK(violation_frame(0x81, "{\"a\":\"\xff\"}", 9, 1007, "text is not UTF-8"));
  CHECK(violation_frame(0x81, "\"\xc0\xaf\"", 4, 1007, "text is not UTF-8"));
  CHECK(violation_frame(0x81, "\"\xed\xa0\x80\"", 5, 1007, "text is not UTF-8"));
  CHECK(violation_frame(0x81, "\"\xf4\x90\x80\x80\"", 6, 1007, "text is not UTF-8"));
  CHECK(violation_frame(0x81, "\"\xe2\x82", 3, 1007, "text is not UTF-8"));
  /* a character split across fragments is fine; cut off at FIN is not */
  {
    int fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(ws_send(fd, 0x01, "{\"op\":\"ping\",\"ref\":\"\xe2", 21), 0);
      CHECK_EQ_INT(ws_send(fd, 0x80, "\x82\xac\"}", 4), 0);
      CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":\"\xe2\x82\xac\"}"));
      close(fd);
    }
  }

  /* close frames */
  CHECK(violation_frame(0x88, "\x03", 1, 1002, "bad close frame"));           /* 1-byte payload */
  CHECK(violation_frame(0x88, "\x03\xed", 2, 1002, "bad close code"));        /* 1005 may not be sent */
  CHECK(violation_frame(0x88, "\x03\xe7", 2, 1002, "bad close code"));        /* 999 */
  CHECK(violation_frame(0x88, "\x13\x88", 2, 1002, "bad close code"));        /* 5000 */
  CHECK(violation_frame(0x88, "\x03\xe8\xff", 3, 1007, "close reason is not UTF-8"));

  /* reserved bits, reserved opcodes, bad control frames, bad continuation, non-minimal length */
  CHECK(violation_frame(0xc1, "{}", 2, 1002, "reserved bits set"));
  CHECK(violation_frame(0x83, "{}", 2, 1002, "reserved opcode"));
  CHECK(violation_frame(0x8b, "", 0, 1002, "reserved opcode"));
  CHECK(violation_frame(0x09, "x", 1, 1002, "bad control frame")); /* fragmented ping */
  memset(big, 'p', 126);
  CHECK(violation_frame(0x89, big, 126, 1002, "bad control frame")); /* ping > 125 */
  CHECK(violation_frame(0x80, "{}", 2, 1002, "unexpected continuation"));
  n = ws_build(buf, 0x01, "{", 1, 0);
  n += ws_build(buf + n, 0x81, "}", 1, 0);
  CHECK(violation(buf, n, 1002, "expected continuation"));
  buf[0] = 0x81;
  buf[1] = 0x80 | 126;
  buf[2] = 0;
  buf[3] = 5;
  memcpy(buf + 4, MASK, 4);
  CHECK(violation(buf, 8, 1002, "non-minimal length"));
  buf[1] = 0x80 | 127; /* 64-bit form for 5 bytes */
  memcpy(buf + 2, "\0\0\0\0\0\0\0\x05", 8);
  memcpy(buf + 10, MASK, 4);
  CHECK(violation(buf, 14, 1002, "non-minimal length"));
  buf[2] = 0x80; /* most significant bit set */
  CHECK(violation(buf, 14, 1002, "length too large"));
  /* a close in the middle of a fragmented message is answered at once */
  n = ws_build(buf, 0x01, "{\"op\"", 6, 0);
  n += ws_build(buf + n, 0x88, "\x03\xe9", 2, 0);
  {
    int fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(send_all(fd, buf, n), 0);
      CHECK(expect_close(fd, 1001, ""));
      close(fd);
    }
  }

  /* a clean close is echoed (code only) and the socket closed */
  {
    int fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(ws_send(fd, 0x88, "\x03\xe8" "bye", 5), 0);
      CHECK(expect_close(fd, 1000, ""));
      close(fd);
    }
    fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(ws_send(fd, 0x88, "", 0), 0); /* no code: answered 1000 */
      CHECK(expect_close(fd, 1000, ""));
      close(fd);
    }
  }

  /* ping -> pong with the same payload, pong ignored */
  {
    int fd = ws_open();
    CHECK(fd >= 0);
    if (fd >= 0) {
      CHECK_EQ_INT(ws_send(fd, 0x8a, "unsolicited", 11), 0);
      CHECK_EQ_INT(ws_send(fd, 0x89, "hello", 5), 0);
      frame_t f;
      CHECK_EQ_INT(ws_read(fd, &f), 0);
      CHECK(f.b0 == 0x8a && f.b1 == 5 && f.payload && memcmp(f.payload, "hello", 5) == 0);
      frame_free(&f);
      memset(big, 'q', 125);
      CHECK_EQ_INT(ws_send(fd, 0x89, big, 125), 0);
      CHECK_EQ_INT(ws_read(fd, &f), 0);
      CHECK(f.b0 == 0x8a && f.b1 == 125 && f.payload && memcmp(f.payload, big, 125) == 0);
      frame_free(&f);
      close(fd);
    }
  }
}

/* The full error response the server must send for a bad request. */
static void http_error_text(char *out, size_t cap, int status, const char *text, const char *extra,
                            const char *code, const char *message) {
  char body[256];
  int bl = snprintf(body, sizeof body, "{\"code\":\"%s\",\"message\":\"%s\"}", code, message);
  snprintf(out, cap,
           "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
           "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n%s",
           status, text, bl, extra ? extra : "", body);
}

static int bad_request(const char *req, int status, const char *text, const char *extra, const char *code,
                       const char *message) {
  int fd = tcp_connect(PORT);
  if (fd < 0) return 0;
  char got[2048], want[1024];
  int ok = send_all(fd, req, strlen(req)) == 0 && read_to_eof(fd, got, sizeof got) > 0;
  close(fd);
  http_error_text(want, sizeof want, status, text, extra, code, message);
  if (!ok || strcmp(got, want) != 0) {
    fprintf(stderr, "  request: %.60s...\n  got:  %s\n  want: %s\n", req, got, want);
    return 0;
  }
  return 1;
}

#define KEYV "Sec-WebSocket-Key: " SAMPLE_KEY "\r\n"
#define UPG "Upgrade: websocket\r\nConnection: Upgrade\r\n"
#define V13 "Sec-WebSocket-Version: 13\r\n"

static void test_bad_handshakes(void) {
  CHECK(bad_request("POST /ws HTTP/1.1\r\nHost: x\r\n" UPG KEYV V13 "\r\n", 405, "Method Not Allowed",
                    "Allow: GET\r\n", "ERR_METHOD", "use GET to open a WebSocket"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", 426, "Upgrade Required",
                    "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n", "ERR_UPGRADE_REQUIRED",
                    "this path speaks WebSocket only"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\n" UPG KEYV "Sec-WebSocket-Version: 8\r\n\r\n", 426,
                    "Upgrade Required", "Sec-WebSocket-Version: 13\r\n", "ERR_HANDSHAKE",
                    "only Sec-WebSocket-Version 13 is supported"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\n" UPG KEYV "\r\n", 426, "Upgrade Required",
                    "Sec-WebSocket-Version: 13\r\n", "ERR_HANDSHAKE",
                    "only Sec-WebSocket-Version 13 is supported"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\n" UPG KEYV V13 "\r\n", 400, "Bad Request", NULL, "ERR_HANDSHAKE",
                    "missing Host header"));
  CHECK(bad_request("GET /ws HTTP/1.0\r\nHost: x\r\n" UPG KEYV V13 "\r\n", 400, "Bad Request", NULL,
                    "ERR_HANDSHAKE", "WebSocket needs HTTP/1.1"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n" KEYV V13 "\r\n", 400,
                    "Bad Request", NULL, "ERR_HANDSHAKE", "needs Upgrade: websocket and Connection: Upgrade"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: close\r\n" KEYV V13 "\r\n",
                    400, "Bad Request", NULL, "ERR_HANDSHAKE",
                    "needs Upgrade: websocket and Connection: Upgrade"));
  const char *bad_keys[] = {"", "abc", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZR==",
                            "dGhlIHNhbXBsZSBub25jZQ=A", "dGhlIHNhbXBsZSBub25j*Q==",
                            "dGhlIHNhbXBsZSBub25jZQ==="};
  for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
    char req[512];
    snprintf(req, sizeof req, "GET /ws HTTP/1.1\r\nHost: x\r\n" UPG V13 "Sec-WebSocket-Key: %s\r\n\r\n",
             bad_keys[i]);
    CHECK(bad_request(req, 400, "Bad Request", NULL, "ERR_HANDSHAKE",
                      "Sec-WebSocket-Key must be the base64 of 16 bytes"));
  }
  /* no key at all (Upgrade present) */
  CHECK(bad_request("GET /ws HTTP/1.1\r\nHost: x\r\n" UPG V13 "\r\n", 400, "Bad Request", NULL, "ERR_HANDSHAKE",
                    "Sec-WebSocket-Key must be the base64 of 16 bytes"));
  /* an upgrade on another path */
  CHECK(bad_request("GET /other HTTP/1.1\r\nHost: x\r\n" UPG KEYV V13 "\r\n", 404, "Not Found", NULL,
                    "ERR_NOT_FOUND", "no WebSocket endpoint at this path"));
  /* a head over 8 KiB */
  {
    static char huge[9001];
    static const char start[] = "GET /ws HTTP/1.1\r\nX-Big: ";
    memcpy(huge, start, sizeof start - 1);
    memset(huge + sizeof start - 1, 'a', sizeof huge - sizeof start);
    CHECK(bad_request(huge, 431, "Request Header Fields Too Large", NULL, "ERR_HANDSHAKE",
                      "request head larger than 8 KiB"));
  }
  /* not HTTP at all */
  CHECK(bad_request("HELLO\r\n\r\n", 400, "Bad Request", NULL, "ERR_BAD_REQUEST", "malformed HTTP request"));
  CHECK(bad_request("GET /ws HTTP/2.0\r\nHost: x\r\n\r\n", 400, "Bad Request", NULL, "ERR_BAD_REQUEST",
                    "malformed HTTP request"));
  CHECK(bad_request("GET /ws HTTP/1.1\r\nno colon here\r\n\r\n", 400, "Bad Request", NULL, "ERR_BAD_REQUEST",
                    "malformed HTTP request"));
}

static void test_handshake_timeout(void) {
  /* silent: closed after handshake_timeout_ms (300) at the next 1 s tick */
  int fd = tcp_connect(PORT);
  CHECK(fd >= 0);
  if (fd < 0) return;
  /* a second one that sent half a head */
  int fd2 = tcp_connect(PORT);
  CHECK(fd2 >= 0);
  if (fd2 >= 0) send_all(fd2, "GET /ws HTTP/1.1\r\nHost: x\r\n", 27);
  uint64_t t0 = now_ms();
  char b[16];
  ssize_t r = recv(fd, b, sizeof b, 0);
  uint64_t dt = now_ms() - t0;
  CHECK(r == 0 || (r < 0 && errno == ECONNRESET));
  CHECK(dt >= 250);
  CHECK(dt <= 2000);
  if (fd2 >= 0) {
    r = recv(fd2, b, sizeof b, 0);
    CHECK(r == 0 || (r < 0 && errno == ECONNRESET));
    CHECK(now_ms() - t0 <= 2000);
    close(fd2);
  }
  close(fd);
  /* a WebSocket connection is not subject to it */
  fd = ws_open();
  CHECK(fd >= 0);
  if (fd < 0) return;
  usleep(1400 * 1000);
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"ping\",\"ref\":9}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":9}"));
  close(fd);
}

static void test_stats(int handshake_rejects) {
  ew_engine_stats_t st;
  /* the engine counts a violation when it reads it; closes have been seen */
  ew_engine_stats(E, &st);
  CHECK_EQ_INT(st.protocol_errors, PROTOCOL_ERRORS);
  CHECK_EQ_INT(st.handshake_rejects, handshake_rejects);
  CHECK_EQ_INT(st.port, PORT);
}

static void test_shutdown_closes_clients(void) {
  int fd = ws_open();
  CHECK(fd >= 0);
  CHECK_EQ_INT(ws_send_text(fd, "{\"op\":\"sub\",\"patterns\":[\"**\"],\"ref\":1}"), 0);
  CHECK(expect_text(fd, "{\"op\":\"ack\",\"ref\":1}"));
  CHECK_EQ_INT(ew_engine_close(E), 0);
  CHECK(expect_close(fd, 1001, "server shutting down"));
  close(fd);
  ew_msg_t *m = wait_msg(E, &W, EW_MSG_CLOSED);
  CHECK(m != NULL);
  ew_msg_free(m);
  CHECK_EQ_INT(ew_engine_join(E), 0);
  ew_engine_destroy(E);
  E = NULL;
  /* the port is closed */
  CHECK(tcp_connect(PORT) < 0);
}

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

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  ew_engine_options_t o;
  memset(&o, 0, sizeof o);
  o.notify = on_notify;
  o.notify_arg = &W;
  CHECK_EQ_INT(ew_engine_create(&E, &o), 0);
  if (!E) return ew_test_finish();
  ew_server_options_t so;
  memset(&so, 0, sizeof so);
  so.host = "127.0.0.1";
  so.port = 0;
  so.max_payload = 1024;
  so.heartbeat_ms = -1;
  so.handshake_timeout_ms = 300;
  so.backlog_max_frames = 64;
  so.backlog_max_bytes = 1 << 20;
  CHECK_EQ_INT(ew_engine_listen(E, &so, 1), 0);
  ew_msg_t *m = wait_msg(E, &W, EW_MSG_LISTENING);
  CHECK(m && m->req == 1 && m->value > 0);
  PORT = m ? (int)m->value : 0;
  ew_msg_free(m);
  if (PORT > 0) {
    RUN(test_handshake_accept);
    RUN(test_sub_and_events);
    RUN(test_resume);
    RUN(test_bad_frames);
    RUN(test_bad_handshakes);
    RUN(test_handshake_timeout);
    test_stats(19);
    RUN(test_shutdown_closes_clients);
    RUN(test_backlog_and_gap);
    RUN(test_heartbeat_limits_origins);
  }
  if (E) ew_engine_destroy(E);
  return ew_test_finish();
}
