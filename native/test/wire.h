/*
 * wire.h - what the server-over-sockets tests share (test_wire.c,
 * test_wire_limits.c): blocking test sockets with timeouts, WebSocket frames
 * built and read by hand, batches for ew_engine_send, and the expected HTTP
 * error responses. One test binary per translation unit, so the engine and
 * port globals live here.
 */
#ifndef EW_TEST_WIRE_H
#define EW_TEST_WIRE_H

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

static inline uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- sockets ------------------------------------------------------------------- */

static inline int tcp_connect(int port) {
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

static inline int send_all(int fd, const void *p, size_t n) {
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
static inline int read_full(int fd, void *buf, size_t n) {
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
static inline int closed_by_peer(int fd) {
  char b[64];
  ssize_t r = recv(fd, b, sizeof b, 0);
  if (r == 0) return 1;
  if (r < 0) return errno == ECONNRESET;
  return 0; /* more data: not expected after what the caller already read */
}

/* Reads an HTTP response head byte by byte (so no frame behind it is eaten). */
static inline int read_head(int fd, char *buf, size_t cap) {
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
static inline int read_to_eof(int fd, char *buf, size_t cap) {
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
static inline size_t ws_build(uint8_t *out, uint8_t b0, const void *payload, size_t len, int unmasked) {
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

static inline int ws_send(int fd, uint8_t b0, const void *payload, size_t len) {
  uint8_t *buf = malloc(len + 14);
  size_t n = ws_build(buf, b0, payload, len, 0);
  int rc = send_all(fd, buf, n);
  free(buf);
  return rc;
}

static inline int ws_send_text(int fd, const char *s) { return ws_send(fd, 0x81, s, strlen(s)); }

typedef struct {
  uint8_t b0, b1;    /* the first two header bytes */
  size_t hdr_len;
  size_t len;
  uint8_t *payload;  /* malloc'd, NUL-terminated */
} frame_t;

static inline uint8_t *frame_payload_or_empty(frame_t *f) { return f->payload ? f->payload : (uint8_t *)""; }

/* Reads one server frame; 0 or -1. Server frames are never masked. */
static inline int ws_read(int fd, frame_t *f) {
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

static inline void frame_free(frame_t *f) {
  free(f->payload);
  f->payload = NULL;
}

/* Reads one frame and checks it is a final text frame with exactly `want`. */
static inline int expect_text(int fd, const char *want) {
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
static inline int expect_close(int fd, uint16_t code, const char *reason) {
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
static inline int ws_open_port(int port) {
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
static inline int ws_open(void) { return ws_open_port(PORT); }

/* ---- batches ------------------------------------------------------------------- */

typedef struct {
  char *p;
  size_t len, cap, count;
} batch_t;

static inline void rec(batch_t *b, const char *type, const char *id, const char *ts, const char *prio,
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
static inline int send_batch_to(ew_engine_t *e, waiter_t *w, batch_t *b, uint32_t req) {
  int rc = ew_engine_send(e, b->p, b->len, b->count, req);
  free(b->p);
  memset(b, 0, sizeof *b);
  if (rc) return rc;
  ew_msg_t *m = wait_msg(e, w, EW_MSG_REPLY);
  rc = m && m->req == req && m->value == 0 ? 0 : -1;
  ew_msg_free(m);
  return rc;
}
static inline int send_batch(batch_t *b, uint32_t req) { return send_batch_to(E, &W, b, req); }

/* The full error response the server must send for a bad request. */
static inline void http_error_text(char *out, size_t cap, int status, const char *text, const char *extra,
                            const char *code, const char *message) {
  char body[256];
  int bl = snprintf(body, sizeof body, "{\"code\":\"%s\",\"message\":\"%s\"}", code, message);
  snprintf(out, cap,
           "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
           "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n%s",
           status, text, bl, extra ? extra : "", body);
}

static inline int bad_request(const char *req, int status, const char *text, const char *extra, const char *code,
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

#endif
