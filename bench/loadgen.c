/*
 * bench/loadgen.c - WebSocket / Socket.IO / SSE load generator for
 * bench/fanout.js.
 *
 * One process drives many client sockets with raw non-blocking sockets and
 * one epoll loop (level-triggered). Per connection, by --proto:
 *
 *   ws   (default) TCP connect, HTTP/1.1 upgrade to --path, a masked
 *        `{"op":"sub","patterns":["bench.*"],"ref":1}` text frame; the
 *        subscription is done at the `{"op":"ack",...}` reply.
 *   sio  Socket.IO v5 over Engine.IO v4, WebSocket transport only: upgrade to
 *        --path (/socket.io/?EIO=4&transport=websocket), wait for the open
 *        packet `0{...}`, send `40`, wait for the connect ack `40{...}`, send
 *        `421["subscribe","bench.*"]`; done at the ack `431[{"ok":true}]`.
 *        Engine.IO pings `2` are answered `3`; events are `42[...]` packets.
 *   sse  Server-Sent Events: `GET --path` (/events?pattern=bench.*), expects
 *        `200`; done at the `retry:` field that starts the stream. Events are
 *        the `id:/event:/data:` blocks (a chunked body is read as is: chunk
 *        size lines are ignored).
 *
 * It counts events (each `"t":` in an event frame / block is one event: a
 * /ws frame may carry a JSON array of envelopes) and records the
 * emit->receive latency from the `t` field (CLOCK_MONOTONIC microseconds,
 * the clock of Node's process.hrtime) in a log-linear histogram.
 *
 * Controlled by bench/fanout.js over stdin, one command per line, one reply
 * line each on stdout:
 *
 *   connect N CONC   open N more connections, at most CONC handshakes in
 *                    flight; replies when every one is subscribed or failed:
 *                    CONNECTED ok= fail= elapsed_us= open= t101=us,us,...
 *                    ack=us,us,... (per-connection times from connect() to
 *                    the 101 (sse: the 200 head) and to the subscription
 *                    ack (sio: 431; sse: the retry: field))
 *   stats            STATS open= events= evbytes= frames= ctl= closed=
 *                    errors= reads= utime_us= stime_us= mono_us=
 *   latreset         clears the latency histogram; replies OK
 *   lat              LAT n= min= max= hist=value:count,... (value in us)
 *   closeall         closes every connection with RST (SO_LINGER 0, so no
 *                    TIME_WAIT is left on the client side); CLOSED n
 *   quit             exits
 *
 * Bounded: the process exits on stdin EOF, after --max-seconds (default
 * 1200), and a connect command gives up after --connect-timeout seconds
 * (default 60). Only connects to the address it is given (127.0.0.1).
 *
 *   cc -O2 -o loadgen bench/loadgen.c
 *   loadgen --port P [--host 127.0.0.1] [--proto ws|sio|sse] [--path /ws]
 *           [--max-seconds S] [--connect-timeout S]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ST_FREE = 0, ST_CONNECTING, ST_HANDSHAKE, ST_WAIT_ACK, ST_OPEN };
enum { P_WS = 0, P_SIO, P_SSE };
/* sio: where a connection is in the Engine.IO / Socket.IO handshake */
enum { SIO_WAIT_OPEN = 0, SIO_WAIT_CONNECT, SIO_WAIT_SUBACK };

typedef struct conn {
  int fd;
  uint8_t state;
  uint8_t want_out;
  uint8_t in_cmd;    /* part of the running connect command */
  uint8_t sio_phase; /* SIO_* while ST_WAIT_ACK */
  int64_t t_start;   /* ns, connect() */
  int64_t t_101;     /* ns */
  uint8_t *rx;       /* unparsed input (partial head or frame) */
  uint32_t rx_len, rx_cap;
  uint8_t *tx;       /* unsent output (rare: only on EAGAIN) */
  uint32_t tx_len, tx_off;
} conn_t;

#define STDIN_TAG 0xffffffffu
#define RBUF (256 * 1024)

static struct {
  struct sockaddr_in addr;
  char host[64];
  int port;
  char path[128];
  int proto;
  int ep;
  conn_t *c;
  uint32_t ncap;
  uint32_t *free_idx;
  uint32_t nfree;
  uint32_t open;
  /* counters */
  uint64_t events, evbytes, frames, ctl, closed, errors, reads;
  /* connect command */
  int cmd_active;
  uint32_t cmd_target, cmd_started, cmd_inflight, cmd_ok, cmd_fail, cmd_conc;
  int64_t cmd_t0, cmd_deadline;
  int64_t *s101, *sack; /* us samples */
  uint32_t ns101, nsack;
  char req[512];
  size_t req_len;
  uint8_t sub[64];
  size_t sub_len;
} g;

static uint8_t rbuf[RBUF];

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- latency histogram: exact below 1024 us, then 512 steps per octave --- */
#define H_LIN 1024
#define H_SUB 512
#define H_OCT 34
#define H_N (H_LIN + H_OCT * H_SUB)
static uint64_t hist[H_N];
static uint64_t h_n, h_min = UINT64_MAX, h_max;

static void hist_add(int64_t v) {
  if (v < 0) v = 0;
  uint64_t u = (uint64_t)v;
  uint32_t b;
  if (u < H_LIN) {
    b = (uint32_t)u;
  } else {
    int e = 63 - __builtin_clzll(u); /* >= 10 */
    int oct = e - 10;
    if (oct >= H_OCT) {
      b = H_N - 1;
    } else {
      uint32_t sub = (uint32_t)((u >> (e - 9)) & (H_SUB - 1));
      b = H_LIN + (uint32_t)oct * H_SUB + sub;
    }
  }
  hist[b]++;
  h_n++;
  if (u < h_min) h_min = u;
  if (u > h_max) h_max = u;
}

/* Middle of the bucket, in us. */
static uint64_t hist_value(uint32_t b) {
  if (b < H_LIN) return b;
  uint32_t oct = (b - H_LIN) / H_SUB, sub = (b - H_LIN) % H_SUB;
  int e = (int)oct + 10;
  uint64_t lo = ((uint64_t)(H_SUB + sub)) << (e - 9);
  uint64_t w = 1ULL << (e - 9);
  return lo + w / 2;
}

/* ---- output ----------------------------------------------------------- */

static void out_flush(void) { fflush(stdout); }

/* ---- connections ------------------------------------------------------- */

static void conn_close(uint32_t i, int rst);

static int grow_conns(void) {
  uint32_t cap = g.ncap ? g.ncap * 2 : 1024;
  conn_t *c = realloc(g.c, cap * sizeof *c);
  uint32_t *f = realloc(g.free_idx, cap * sizeof *f);
  if (!c || !f) {
    free(c == g.c ? NULL : c);
    return -1;
  }
  memset(c + g.ncap, 0, (cap - g.ncap) * sizeof *c);
  g.c = c;
  g.free_idx = f;
  for (uint32_t i = cap; i > g.ncap; i--) g.free_idx[g.nfree++] = i - 1;
  g.ncap = cap;
  return 0;
}

static void ep_set(uint32_t i, uint32_t events, int op) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u32 = i;
  epoll_ctl(g.ep, op, g.c[i].fd, &ev);
}

/* Writes bytes, keeping what the socket does not take. */
static int conn_write(uint32_t i, const void *p, size_t n) {
  conn_t *c = &g.c[i];
  if (c->tx_len > c->tx_off) { /* already queued: append */
    uint8_t *t = realloc(c->tx, c->tx_len + n);
    if (!t) return -1;
    c->tx = t;
    memcpy(c->tx + c->tx_len, p, n);
    c->tx_len += (uint32_t)n;
    return 0;
  }
  ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (w < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    w = 0;
  }
  if ((size_t)w < n) {
    size_t rest = n - (size_t)w;
    uint8_t *t = realloc(c->tx, rest);
    if (!t) return -1;
    c->tx = t;
    memcpy(c->tx, (const uint8_t *)p + w, rest);
    c->tx_len = (uint32_t)rest;
    c->tx_off = 0;
    if (!c->want_out) {
      c->want_out = 1;
      ep_set(i, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
    }
  }
  return 0;
}

static void conn_flush_tx(uint32_t i) {
  conn_t *c = &g.c[i];
  while (c->tx_off < c->tx_len) {
    ssize_t w = send(c->fd, c->tx + c->tx_off, c->tx_len - c->tx_off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      conn_close(i, 1);
      return;
    }
    c->tx_off += (uint32_t)w;
  }
  c->tx_len = c->tx_off = 0;
  if (c->want_out) {
    c->want_out = 0;
    ep_set(i, EPOLLIN, EPOLL_CTL_MOD);
  }
}

static void cmd_reply_if_done(void);
static void cmd_start_more(void);

/* A connection of the running connect command finished (ok or not). */
static void cmd_finish_one(conn_t *c, int ok) {
  if (!c->in_cmd) return;
  c->in_cmd = 0;
  g.cmd_inflight--;
  if (ok) g.cmd_ok++;
  else g.cmd_fail++;
}

static void conn_close(uint32_t i, int rst) {
  conn_t *c = &g.c[i];
  if (c->state == ST_FREE) return;
  if (c->in_cmd) cmd_finish_one(c, 0);
  if (rst) {
    struct linger lg = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  close(c->fd);
  if (c->state == ST_OPEN || c->state == ST_WAIT_ACK) g.open--;
  c->state = ST_FREE;
  c->fd = -1;
  free(c->rx);
  free(c->tx);
  c->rx = c->tx = NULL;
  c->rx_len = c->rx_cap = c->tx_len = c->tx_off = 0;
  c->want_out = 0;
  g.free_idx[g.nfree++] = i;
}

static void send_masked(uint32_t i, uint8_t opcode, const uint8_t *p, size_t n) {
  uint8_t f[6 + 125];
  if (n > 125) n = 125;
  static uint32_t seed = 0x9e3779b9u;
  seed = seed * 1664525u + 1013904223u;
  uint8_t m[4] = {(uint8_t)seed, (uint8_t)(seed >> 8), (uint8_t)(seed >> 16), (uint8_t)(seed >> 24)};
  f[0] = (uint8_t)(0x80 | opcode);
  f[1] = (uint8_t)(0x80 | n);
  memcpy(f + 2, m, 4);
  for (size_t k = 0; k < n; k++) f[6 + k] = p[k] ^ m[k & 3];
  if (conn_write(i, f, 6 + n)) conn_close(i, 1);
}

/* The kernel picks a connect()'s ephemeral port by probing candidates
 * against every established connection (__inet_hash_connect): with
 * thousands of this process's connections open, that search took more than
 * half of the load generator's CPU in a connect storm (perf, 15,000
 * connections: 31 % of all samples in __inet_check_established/
 * __inet_hash_connect), so the storm measured the client's kernel rather
 * than the server. Each socket is bound to the next port of
 * ip_local_port_range here (a bind() of one given port is one hash lookup);
 * a port in use is skipped, and after 64 misses the kernel picks. */
static void bind_local_port(int fd) {
  static int lo, hi, next;
  if (!lo) {
    lo = 32768;
    hi = 60999;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
      if (fscanf(f, "%d %d", &lo, &hi) != 2 || lo < 1024 || hi <= lo) lo = 32768, hi = 60999;
      fclose(f);
    }
    next = lo + (int)(getpid() % (pid_t)(hi - lo)); /* several loadgens start apart */
  }
  struct sockaddr_in a = g.addr;
  for (int tries = 0; tries < 64; tries++) {
    if (next > hi) next = lo;
    a.sin_port = htons((uint16_t)next++);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) return;
    if (errno != EADDRINUSE) return;
  }
}

static void conn_start(void) {
  if (g.nfree == 0 && grow_conns()) {
    g.cmd_fail++;
    g.cmd_started++;
    return;
  }
  uint32_t i = g.free_idx[--g.nfree];
  conn_t *c = &g.c[i];
  memset(c, 0, sizeof *c);
  g.cmd_started++;
  c->t_start = now_ns();
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    g.free_idx[g.nfree++] = i;
    g.cmd_fail++;
    g.errors++;
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bind_local_port(c->fd);
  c->in_cmd = 1;
  g.cmd_inflight++;
  c->state = ST_CONNECTING;
  int rc = connect(c->fd, (struct sockaddr *)&g.addr, sizeof g.addr);
  if (rc < 0 && errno != EINPROGRESS) {
    g.errors++;
    c->state = ST_HANDSHAKE; /* so close() releases it */
    conn_close(i, 1);
    return;
  }
  ep_set(i, EPOLLIN | EPOLLOUT, EPOLL_CTL_ADD);
  c->want_out = 1;
}

static void conn_connected(uint32_t i) {
  conn_t *c = &g.c[i];
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) {
    g.errors++;
    conn_close(i, 1);
    return;
  }
  c->state = ST_HANDSHAKE;
  c->want_out = 0;
  ep_set(i, EPOLLIN, EPOLL_CTL_MOD);
  if (conn_write(i, g.req, g.req_len)) conn_close(i, 1);
}

static void sample_push(int64_t **arr, uint32_t *n, int64_t v) {
  if ((*n & (*n - 1)) == 0) { /* power of two (or 0): grow */
    int64_t *a = realloc(*arr, (size_t)(*n ? *n * 2 : 1024) * sizeof **arr);
    if (!a) return;
    *arr = a;
  }
  (*arr)[(*n)++] = v;
}

/* Counts every `"t":` key in p[0..n) as one event and records its latency
 * (memchr on ':' is much cheaper than memmem here: a few colons per event). */
static uint64_t count_events(const uint8_t *p, size_t n, int64_t now_us) {
  uint64_t k = 0;
  if (n < 4) return 0;
  const uint8_t *q = p + 3, *end = p + n;
  while (q < end) {
    const uint8_t *colon = memchr(q, ':', (size_t)(end - q));
    if (!colon) break;
    q = colon + 1;
    if (colon[-1] != '"' || colon[-2] != 't' || colon[-3] != '"') continue;
    int64_t v = 0;
    while (q < end && *q >= '0' && *q <= '9') v = v * 10 + (*q++ - '0');
    k++;
    hist_add(now_us - v);
  }
  g.events += k;
  return k;
}

/* The connection's subscription was acknowledged. */
static void conn_subscribed(conn_t *c, int64_t now_us) {
  c->state = ST_OPEN;
  if (c->in_cmd) {
    sample_push(&g.s101, &g.ns101, (c->t_101 - c->t_start) / 1000);
    sample_push(&g.sack, &g.nsack, now_us - c->t_start / 1000);
    cmd_finish_one(c, 1);
  }
}

/* A handshake step went wrong: counted as an error, the connection fails. */
static void conn_fail(uint32_t i) {
  g.errors++;
  conn_close(i, 1);
}

/* --proto sio: one Engine.IO packet (a text frame). */
static void on_packet_sio(uint32_t i, uint8_t *p, size_t n, int64_t now_us) {
  conn_t *c = &g.c[i];
  if (n >= 3 && p[0] == '4' && p[1] == '2' && p[2] == '[') {
    if (n >= 14 && !memcmp(p + 3, "\"eventwire:", 11)) { /* eventwire:error / :dropped */
      g.ctl++;
      g.errors++;
      return;
    }
    g.frames++;
    g.evbytes += n;
    count_events(p, n, now_us);
    return;
  }
  g.ctl++;
  if (n == 1 && p[0] == '2') { /* Engine.IO ping */
    send_masked(i, 1, (const uint8_t *)"3", 1);
    return;
  }
  if (n >= 1 && p[0] == '1') { /* Engine.IO close */
    g.closed++;
    conn_close(i, 1);
    return;
  }
  if (n >= 2 && p[0] == '4' && p[1] == '4') { /* CONNECT_ERROR */
    conn_fail(i);
    return;
  }
  if (c->state != ST_WAIT_ACK) return;
  switch (c->sio_phase) {
    case SIO_WAIT_OPEN:
      if (n < 2 || p[0] != '0' || p[1] != '{') {
        conn_fail(i);
        return;
      }
      c->sio_phase = SIO_WAIT_CONNECT;
      send_masked(i, 1, (const uint8_t *)"40", 2);
      return;
    case SIO_WAIT_CONNECT:
      if (n < 3 || p[0] != '4' || p[1] != '0' || p[2] != '{') {
        conn_fail(i);
        return;
      }
      c->sio_phase = SIO_WAIT_SUBACK;
      send_masked(i, 1, g.sub, g.sub_len);
      return;
    default:
      if (n < 4 || memcmp(p, "431[", 4) != 0 || !memmem(p, n, "\"ok\":true", 9)) {
        conn_fail(i);
        return;
      }
      conn_subscribed(c, now_us);
      return;
  }
}

/* Handles one complete frame. */
static void on_frame(uint32_t i, uint8_t opcode, uint8_t *p, size_t n, int64_t now_us) {
  conn_t *c = &g.c[i];
  if (opcode == 1 || opcode == 0) {
    if (g.proto == P_SIO) {
      on_packet_sio(i, p, n, now_us);
      return;
    }
    if (n >= 6 && p[0] == '{' && p[1] == '"' && p[2] == 'o' && p[3] == 'p' && p[4] == '"' && p[5] == ':') {
      g.ctl++;
      if (memmem(p, n, "\"error\"", 7)) g.errors++;
      if (c->state == ST_WAIT_ACK && memmem(p, n, "\"ack\"", 5)) conn_subscribed(c, now_us);
      return;
    }
    g.frames++;
    g.evbytes += n;
    /* every `"t":` key is one event */
    count_events(p, n, now_us);
  } else if (opcode == 9) {
    send_masked(i, 10, p, n);
  } else if (opcode == 8) {
    g.closed++;
    conn_close(i, 1);
  }
}

/* --proto sse: handles every complete block of the body (up to the last blank
 * line); returns the bytes consumed. A chunked body's size lines sit between
 * blocks and are skipped with them. */
static ssize_t parse_sse(uint32_t i, uint8_t *d, size_t len, int64_t now_us) {
  conn_t *c = &g.c[i];
  size_t k = len;
  while (k >= 2 && !(d[k - 1] == '\n' && d[k - 2] == '\n')) k--;
  if (k < 2) return 0;
  if (c->state == ST_WAIT_ACK) {
    if (!memmem(d, k, "retry:", 6)) {
      conn_fail(i);
      return -1;
    }
    g.ctl++;
    conn_subscribed(c, now_us);
  }
  uint64_t ev = count_events(d, k, now_us);
  if (ev) {
    g.frames += ev; /* one block per event */
    g.evbytes += k;
  }
  return (ssize_t)k;
}

/* Parses frames; returns bytes consumed (-1 when the connection closed). */
static ssize_t parse_frames(uint32_t i, uint8_t *d, size_t len, int64_t now_us) {
  size_t off = 0;
  while (len - off >= 2) {
    uint8_t b0 = d[off], b1 = d[off + 1];
    size_t hl = 2;
    uint64_t pl = b1 & 0x7f;
    if (pl == 126) {
      if (len - off < 4) break;
      pl = ((uint64_t)d[off + 2] << 8) | d[off + 3];
      hl = 4;
    } else if (pl == 127) {
      if (len - off < 10) break;
      pl = 0;
      for (int k = 0; k < 8; k++) pl = (pl << 8) | d[off + 2 + k];
      hl = 10;
    }
    int masked = (b1 & 0x80) != 0;
    if (masked) hl += 4;
    if (len - off < hl + pl) break;
    uint8_t *payload = d + off + hl;
    if (masked) {
      uint8_t *m = d + off + hl - 4;
      for (uint64_t k = 0; k < pl; k++) payload[k] ^= m[k & 3];
    }
    on_frame(i, b0 & 0x0f, payload, (size_t)pl, now_us);
    if (g.c[i].state == ST_FREE) return -1;
    off += hl + (size_t)pl;
  }
  return (ssize_t)off;
}

static int rx_append(conn_t *c, const uint8_t *p, size_t n) {
  if (c->rx_len + n > c->rx_cap) {
    uint32_t cap = c->rx_cap ? c->rx_cap : 4096;
    while (cap < c->rx_len + n) cap *= 2;
    uint8_t *r = realloc(c->rx, cap);
    if (!r) return -1;
    c->rx = r;
    c->rx_cap = cap;
  }
  memcpy(c->rx + c->rx_len, p, n);
  c->rx_len += (uint32_t)n;
  return 0;
}

static ssize_t parse_input(uint32_t i, uint8_t *d, size_t len, int64_t now_us) {
  return g.proto == P_SSE ? parse_sse(i, d, len, now_us) : parse_frames(i, d, len, now_us);
}

static void conn_read(uint32_t i) {
  conn_t *c = &g.c[i];
  ssize_t n = recv(c->fd, rbuf, RBUF, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    g.closed++;
    conn_close(i, 1);
    return;
  }
  if (n < 0) return;
  g.reads++;
  int64_t now_us = now_ns() / 1000;
  uint8_t *d = rbuf;
  size_t len = (size_t)n;
  if (c->state == ST_HANDSHAKE) {
    if (rx_append(c, rbuf, len)) {
      conn_close(i, 1);
      return;
    }
    uint8_t *e = memmem(c->rx, c->rx_len, "\r\n\r\n", 4);
    if (!e) {
      if (c->rx_len > 16384) conn_close(i, 1);
      return;
    }
    const char *want = g.proto == P_SSE ? "HTTP/1.1 200" : "HTTP/1.1 101";
    if (c->rx_len < 12 || memcmp(c->rx, want, 12) != 0) {
      g.errors++;
      conn_close(i, 1);
      return;
    }
    c->t_101 = now_ns();
    c->state = ST_WAIT_ACK;
    c->sio_phase = SIO_WAIT_OPEN;
    g.open++;
    if (g.proto == P_WS) {
      send_masked(i, 1, g.sub, g.sub_len);
      if (c->state == ST_FREE) return;
    }
    size_t head = (size_t)(e + 4 - c->rx);
    memmove(c->rx, c->rx + head, c->rx_len - head);
    c->rx_len -= (uint32_t)head;
    if (c->rx_len == 0) return;
    d = c->rx;
    len = c->rx_len;
    ssize_t used = parse_input(i, d, len, now_us);
    if (used < 0) return;
    memmove(c->rx, c->rx + used, len - (size_t)used);
    c->rx_len -= (uint32_t)used;
    return;
  }
  if (c->rx_len) {
    if (rx_append(c, rbuf, len)) {
      conn_close(i, 1);
      return;
    }
    ssize_t used = parse_input(i, c->rx, c->rx_len, now_us);
    if (used < 0) return;
    memmove(c->rx, c->rx + used, c->rx_len - (size_t)used);
    c->rx_len -= (uint32_t)used;
    return;
  }
  ssize_t used = parse_input(i, d, len, now_us);
  if (used < 0) return;
  if ((size_t)used < len && rx_append(c, d + used, len - (size_t)used)) conn_close(i, 1);
}

/* ---- commands ----------------------------------------------------------- */

static void print_samples(const char *name, int64_t *a, uint32_t n) {
  printf(" %s=", name);
  for (uint32_t k = 0; k < n; k++) printf(k ? ",%lld" : "%lld", (long long)a[k]);
}

static void cmd_reply_if_done(void) {
  if (!g.cmd_active) return;
  int timed_out = now_ns() > g.cmd_deadline;
  if (!timed_out && (g.cmd_started < g.cmd_target || g.cmd_inflight > 0)) return;
  if (timed_out) {
    /* give up on what is still in flight */
    for (uint32_t i = 0; i < g.ncap; i++)
      if (g.c[i].state != ST_FREE && g.c[i].in_cmd) conn_close(i, 1);
    g.cmd_fail += g.cmd_target - g.cmd_started;
  }
  int64_t el = (now_ns() - g.cmd_t0) / 1000;
  printf("CONNECTED ok=%u fail=%u elapsed_us=%lld open=%u timeout=%d", g.cmd_ok, g.cmd_fail, (long long)el, g.open,
         timed_out);
  print_samples("t101", g.s101, g.ns101);
  print_samples("ack", g.sack, g.nsack);
  printf("\n");
  out_flush();
  g.cmd_active = 0;
  free(g.s101);
  free(g.sack);
  g.s101 = g.sack = NULL;
  g.ns101 = g.nsack = 0;
}

static void cmd_start_more(void) {
  while (g.cmd_active && g.cmd_started < g.cmd_target && g.cmd_inflight < g.cmd_conc) conn_start();
}

static void do_command(char *line) {
  char cmd[32] = {0};
  unsigned a = 0, b = 0;
  int k = sscanf(line, "%31s %u %u", cmd, &a, &b);
  if (k < 1) return;
  if (!strcmp(cmd, "connect")) {
    if (g.cmd_active) {
      printf("ERR busy\n");
      out_flush();
      return;
    }
    g.cmd_active = 1;
    g.cmd_target = a;
    g.cmd_conc = b ? b : 64;
    g.cmd_started = g.cmd_inflight = g.cmd_ok = g.cmd_fail = 0;
    g.cmd_t0 = now_ns();
    extern int g_connect_timeout;
    g.cmd_deadline = g.cmd_t0 + (int64_t)g_connect_timeout * 1000000000LL;
    cmd_start_more();
    cmd_reply_if_done();
  } else if (!strcmp(cmd, "stats")) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("STATS open=%u events=%llu evbytes=%llu frames=%llu ctl=%llu closed=%llu errors=%llu reads=%llu "
           "utime_us=%lld stime_us=%lld mono_us=%lld\n",
           g.open, (unsigned long long)g.events, (unsigned long long)g.evbytes, (unsigned long long)g.frames,
           (unsigned long long)g.ctl, (unsigned long long)g.closed, (unsigned long long)g.errors,
           (unsigned long long)g.reads, (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
           (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, (long long)(now_ns() / 1000));
    out_flush();
  } else if (!strcmp(cmd, "latreset")) {
    memset(hist, 0, sizeof hist);
    h_n = 0;
    h_min = UINT64_MAX;
    h_max = 0;
    printf("OK\n");
    out_flush();
  } else if (!strcmp(cmd, "lat")) {
    printf("LAT n=%llu min=%llu max=%llu hist=", (unsigned long long)h_n,
           (unsigned long long)(h_n ? h_min : 0), (unsigned long long)h_max);
    int first = 1;
    for (uint32_t bi = 0; bi < H_N; bi++) {
      if (!hist[bi]) continue;
      printf(first ? "%llu:%llu" : ",%llu:%llu", (unsigned long long)hist_value(bi), (unsigned long long)hist[bi]);
      first = 0;
    }
    printf("\n");
    out_flush();
  } else if (!strcmp(cmd, "closeall")) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < g.ncap; i++)
      if (g.c[i].state != ST_FREE) {
        conn_close(i, 1);
        n++;
      }
    printf("CLOSED %u\n", n);
    out_flush();
  } else if (!strcmp(cmd, "quit")) {
    exit(0);
  } else {
    printf("ERR unknown command\n");
    out_flush();
  }
}

int g_connect_timeout = 60;

int main(int argc, char **argv) {
  int max_seconds = 1200;
  snprintf(g.host, sizeof g.host, "127.0.0.1");
  g.path[0] = '\0';
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--port")) g.port = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--proto")) {
      if (!strcmp(argv[i + 1], "ws")) g.proto = P_WS;
      else if (!strcmp(argv[i + 1], "sio")) g.proto = P_SIO;
      else if (!strcmp(argv[i + 1], "sse")) g.proto = P_SSE;
      else {
        fprintf(stderr, "loadgen: --proto is ws, sio or sse\n");
        return 2;
      }
    }
    else if (!strcmp(argv[i], "--host")) snprintf(g.host, sizeof g.host, "%s", argv[i + 1]);
    else if (!strcmp(argv[i], "--path")) snprintf(g.path, sizeof g.path, "%s", argv[i + 1]);
    else if (!strcmp(argv[i], "--max-seconds")) max_seconds = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--connect-timeout")) g_connect_timeout = atoi(argv[i + 1]);
  }
  if (g.port <= 0 || g.port > 65535) {
    fprintf(stderr, "loadgen: --port is required\n");
    return 2;
  }
  memset(&g.addr, 0, sizeof g.addr);
  g.addr.sin_family = AF_INET;
  g.addr.sin_port = htons((uint16_t)g.port);
  if (inet_pton(AF_INET, g.host, &g.addr.sin_addr) != 1) {
    fprintf(stderr, "loadgen: --host must be an IPv4 address\n");
    return 2;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (!g.path[0])
    snprintf(g.path, sizeof g.path, "%s",
             g.proto == P_SIO   ? "/socket.io/?EIO=4&transport=websocket"
             : g.proto == P_SSE ? "/events?pattern=bench.*"
                                : "/ws");
  if (g.proto == P_SSE)
    g.req_len = (size_t)snprintf(g.req, sizeof g.req,
                                 "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n"
                                 "Cache-Control: no-cache\r\n\r\n",
                                 g.path, g.host, g.port);
  else
    g.req_len = (size_t)snprintf(g.req, sizeof g.req,
                                 "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                                 g.path, g.host, g.port);
  const char *sub = g.proto == P_SIO ? "421[\"subscribe\",\"bench.*\"]" : "{\"op\":\"sub\",\"patterns\":[\"bench.*\"],\"ref\":1}";
  g.sub_len = strlen(sub);
  memcpy(g.sub, sub, g.sub_len);

  g.ep = epoll_create1(EPOLL_CLOEXEC);
  if (g.ep < 0) return 1;
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event sev = {.events = EPOLLIN, .data.u32 = STDIN_TAG};
  epoll_ctl(g.ep, EPOLL_CTL_ADD, 0, &sev);

  int64_t end = now_ns() + (int64_t)max_seconds * 1000000000LL;
  char line[4096];
  size_t line_len = 0;
  struct epoll_event evs[512];
  while (now_ns() < end) {
    int n = epoll_wait(g.ep, evs, 512, g.cmd_active ? 5 : 50);
    if (n < 0 && errno != EINTR) break;
    for (int k = 0; k < n; k++) {
      uint32_t i = evs[k].data.u32;
      if (i == STDIN_TAG) {
        char buf[4096];
        ssize_t r = read(0, buf, sizeof buf);
        if (r == 0) return 0; /* parent gone */
        if (r < 0) continue;
        for (ssize_t j = 0; j < r; j++) {
          if (buf[j] == '\n') {
            line[line_len] = 0;
            do_command(line);
            line_len = 0;
          } else if (line_len + 1 < sizeof line) {
            line[line_len++] = buf[j];
          }
        }
        continue;
      }
      if (i >= g.ncap || g.c[i].state == ST_FREE) continue;
      uint32_t e = evs[k].events;
      if (g.c[i].state == ST_CONNECTING) {
        if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) conn_connected(i);
        continue;
      }
      if (e & EPOLLOUT) conn_flush_tx(i);
      if (g.c[i].state == ST_FREE) continue;
      if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) conn_read(i);
    }
    if (g.cmd_active) {
      cmd_start_more();
      cmd_reply_if_done();
    }
  }
  return 0;
}
