/*
 * http.c - the request head of a new connection: plain routes (/health,
 * /stats, /metrics, static routes) and the strict WebSocket handshake (RFC 6455 §4.2),
 * checked here because lws 4.1.6 upgrades requests it should refuse. With
 * server.authorize set, a /ws or /events request waits for the JS hook
 * (EW_MSG_AUTH) with its head kept in c->rx, and is routed when it answers.
 */
#include <libwebsockets.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "conn.h"
#include "engine.h"
#include "sio.h"
#include "sse.h"

static const char *ew__status_text(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void ew__http_respond(ew__conn_t *c, int status, const char *content_type, const char *extra_headers,
                      const char *body, size_t body_len) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b,
               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
               status, ew__status_text(status), content_type, body_len, extra_headers ? extra_headers : "");
  if (!c->head_only) ew__buf_add(&b, body, body_len); /* HEAD: headers only */
  if (!b.failed) {
    ew__frame_t *f = ew__frame_raw(b.data, b.len);
    if (f) {
      ew__conn_send(c, f);
      ew__frame_unref(f);
    }
  }
  ew__buf_free(&b);
  c->state = EW__CONN_CLOSING;
  c->since_ms = ew__now_ms();
  ew__conn_mark_dirty(c);
}

/* A JSON error body {"code","message"} with its status. */
void ew__http_error(ew__conn_t *c, int status, const char *code, const char *message,
                           const char *extra_headers) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "{\"code\":");
  ew__buf_add_json_str(&b, code, strlen(code));
  ew__buf_adds(&b, ",\"message\":");
  ew__buf_add_json_str(&b, message, strlen(message));
  ew__buf_adds(&b, "}");
  ew__http_respond(c, status, "application/json", extra_headers, b.data ? b.data : "{}",
                   b.data ? b.len : 2);
  ew__buf_free(&b);
}

/* ---- request head -------------------------------------------------------- */

typedef struct ew__str {
  const char *p;
  size_t n;
} ew__str_t;

typedef struct ew__request {
  ew__str_t method, path, version;
  const char *headers; /* the first header line (after the request line's CRLF) */
  ew__str_t host, upgrade, connection, key, ws_version, origin, last_event_id, authorization;
} ew__request_t;

static size_t ew__head_len(const ew__conn_t *c);

/* Header names and tokens compare without case; methods do not (RFC 9110). */
static int ew__str_eq(ew__str_t s, const char *lit) {
  return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

static int ew__method_is(ew__str_t m, const char *lit) {
  return m.n == strlen(lit) && memcmp(m.p, lit, m.n) == 0;
}

/* True when the comma-separated header value holds `token` (any case). */
static int ew__has_token(ew__str_t v, const char *token) {
  size_t tl = strlen(token);
  const char *p = v.p, *end = v.p + v.n;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) p++;
    const char *s = p;
    while (p < end && *p != ',') p++;
    const char *e = p;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if ((size_t)(e - s) == tl && strncasecmp(s, token, tl) == 0) return 1;
  }
  return 0;
}

/* The next header line at *p (before end): 1 with its name and trimmed
 * value, 0 at the blank line that ends the head, -1 when malformed. */
static int ew__next_header(const char **p, const char *end, ew__str_t *name, ew__str_t *val) {
  const char *le = memchr(*p, '\r', (size_t)(end - *p));
  if (!le || le + 1 >= end || le[1] != '\n') return -1;
  if (le == *p) return 0;
  /* No control bytes but HTAB (RFC 9110 §5.5): a bare LF must not start a
   * line the authorize hook would read as a header of its own. */
  for (const char *q = *p; q < le; q++)
    if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f) return -1;
  const char *colon = memchr(*p, ':', (size_t)(le - *p));
  if (!colon || colon == *p) return -1;
  *name = (ew__str_t){*p, (size_t)(colon - *p)};
  const char *v = colon + 1;
  while (v < le && (*v == ' ' || *v == '\t')) v++;
  const char *ve = le;
  while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
  *val = (ew__str_t){v, (size_t)(ve - v)};
  *p = le + 2;
  return 1;
}

/* Parses the head (ending "\r\n\r\n"). 0, or -1 when it is not HTTP/1.x. */
static int ew__parse_head(const char *h, size_t len, ew__request_t *r) {
  memset(r, 0, sizeof *r);
  const char *end = h + len, *eol = memchr(h, '\r', len);
  if (!eol || eol + 1 >= end || eol[1] != '\n') return -1;
  const char *sp1 = memchr(h, ' ', (size_t)(eol - h));
  if (!sp1) return -1;
  const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
  if (!sp2) return -1;
  r->method = (ew__str_t){h, (size_t)(sp1 - h)};
  r->path = (ew__str_t){sp1 + 1, (size_t)(sp2 - sp1 - 1)};
  r->version = (ew__str_t){sp2 + 1, (size_t)(eol - sp2 - 1)};
  if (r->method.n == 0 || r->path.n == 0 || r->version.n != 8 || strncmp(r->version.p, "HTTP/1.", 7))
    return -1;
  /* Method and target are visible characters (RFC 9112 §3): no CTL, no
   * bare LF that would smuggle a header line past this parser. */
  for (const char *q = h; q < sp2; q++)
    if (q != sp1 && ((unsigned char)*q <= 0x20 || *q == 0x7f)) return -1;
  const char *p = eol + 2;
  r->headers = p;
  ew__str_t name, val;
  int more;
  while ((more = ew__next_header(&p, end, &name, &val)) == 1) {
    if (ew__str_eq(name, "host")) r->host = val;
    else if (ew__str_eq(name, "upgrade")) r->upgrade = val;
    else if (ew__str_eq(name, "connection")) r->connection = val;
    else if (ew__str_eq(name, "sec-websocket-key")) r->key = val;
    else if (ew__str_eq(name, "sec-websocket-version")) r->ws_version = val;
    else if (ew__str_eq(name, "origin")) r->origin = val;
    else if (ew__str_eq(name, "last-event-id")) r->last_event_id = val;
    else if (ew__str_eq(name, "authorization")) r->authorization = val;
  }
  return more; /* 0 at the blank line, -1 when a line is malformed */
}

/* The path without its query string. */
static ew__str_t ew__path_only(ew__str_t path) {
  const char *q = memchr(path.p, '?', path.n);
  return q ? (ew__str_t){path.p, (size_t)(q - path.p)} : path;
}

/* A key is the base64 of exactly 16 bytes: 22 characters and "==". */
static int ew__key_ok(ew__str_t k) {
  if (k.n != 24 || k.p[22] != '=' || k.p[23] != '=') return 0;
  for (size_t i = 0; i < 22; i++) {
    char ch = k.p[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '+' || ch == '/'))
      return 0;
  }
  /* The last character before the padding carries 2 bits: low 4 bits zero. */
  return strchr("AQgw", k.p[21]) != NULL;
}

static int ew__origin_allowed(const ew__server_t *s, ew__str_t origin) {
  if (!s->allowed_origins) return 1;
  if (!origin.n) return 0;
  const char *p = s->allowed_origins;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    if (n == origin.n && strncasecmp(p, origin.p, n) == 0) return 1;
    if (!nl) break;
    p = nl + 1;
  }
  return 0;
}

/* True when no ops token is set, or the request carries
 * "Authorization: Bearer <token>" (scheme in any case, RFC 9110 §11.1).
 * The token compares in constant time: its length is the only thing a
 * timing can tell. */
static int ew__ops_authorized(const ew__server_t *s, ew__str_t auth) {
  if (!s->ops_token) return 1;
  if (auth.n < 7 || strncasecmp(auth.p, "Bearer ", 7) != 0) return 0;
  const char *t = auth.p + 7;
  size_t n = auth.n - 7;
  while (n && *t == ' ') t++, n--;
  size_t want = strlen(s->ops_token);
  if (n != want) return 0;
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)(t[i] ^ s->ops_token[i]);
  return diff == 0;
}

/* Asks the authorize hook about this /ws or /events request (EW_MSG_AUTH):
 * its target and every header line, in order, as JSON. The head stays in
 * c->rx until ew__http_auth_done() routes it. */
static void ew__http_ask(ew__conn_t *c, const ew__request_t *r, const char *transport) {
  ew_engine_t *e = c->srv->engine;
  uint32_t token = ew__engine_pending(e, c, EW__PENDING_HTTP_AUTH, NULL);
  if (!token) {
    atomic_fetch_add(&e->handshake_rejects, 1);
    ew__http_error(c, 503, "ERR_LIMIT", "server busy: too many requests waiting for server.authorize", NULL);
    return;
  }
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b, "{\"transport\":\"%s\",\"path\":", transport);
  ew__buf_add_json_str(&b, r->path.p, r->path.n);
  ew__buf_adds(&b, ",\"headers\":[");
  const char *p = r->headers; /* the same lines ew__parse_head read */
  const char *end = (const char *)c->rx + c->rx_len;
  ew__str_t name, val;
  for (int i = 0; ew__next_header(&p, end, &name, &val) == 1; i++) {
    ew__buf_adds(&b, i ? ",[" : "[");
    ew__buf_add_json_str(&b, name.p, name.n);
    ew__buf_adds(&b, ",");
    ew__buf_add_json_str(&b, val.p, val.n);
    ew__buf_adds(&b, "]");
  }
  ew__buf_adds(&b, "]}");
  if (b.failed) {
    ew__engine_pending_done(e, token);
    ew__http_error(c, 500, "ERR_NO_MEMORY", "out of memory", NULL);
  } else {
    c->authorizing = 1;
    c->auth_token = token;
    c->auth_head_len = (uint16_t)ew__head_len(c); /* not rescanned per read while waiting */
    ew__engine_post(e, EW_MSG_AUTH, token, (int64_t)c->id, b.data, b.len);
  }
  ew__buf_free(&b);
}

/* Upgrades to WebSocket when the request is a valid handshake; otherwise
 * answers the HTTP error. With `ask` (/ws) and server.authorize set, a valid
 * handshake first goes to the hook (returns 0; routed again on its answer).
 * Returns 1 when upgraded. */
static int ew__handshake(ew__conn_t *c, const ew__request_t *r, int ask) {
  ew__server_t *s = c->srv;
  ew_engine_t *e = s->engine;
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  const char *fail_code = NULL, *fail_msg = NULL, *extra = NULL;
  int status = 0;
  if (!ew__method_is(r->method, "GET")) {
    status = 405, fail_code = "ERR_METHOD", fail_msg = "use GET to open a WebSocket", extra = "Allow: GET\r\n";
  } else if (!ew__method_is(r->version, "HTTP/1.1")) {
    status = 400, fail_code = "ERR_HANDSHAKE", fail_msg = "WebSocket needs HTTP/1.1";
  } else if (!r->host.n) {
    status = 400, fail_code = "ERR_HANDSHAKE", fail_msg = "missing Host header";
  } else if (!r->upgrade.n && !r->key.n) {
    status = 426, fail_code = "ERR_UPGRADE_REQUIRED", fail_msg = "this path speaks WebSocket only",
    extra = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
  } else if (!ew__has_token(r->upgrade, "websocket") || !ew__has_token(r->connection, "upgrade")) {
    status = 400, fail_code = "ERR_HANDSHAKE", fail_msg = "needs Upgrade: websocket and Connection: Upgrade";
  } else if (!ew__str_eq(r->ws_version, "13")) {
    status = 426, fail_code = "ERR_HANDSHAKE", fail_msg = "only Sec-WebSocket-Version 13 is supported",
    extra = "Sec-WebSocket-Version: 13\r\n";
  } else if (!ew__key_ok(r->key)) {
    status = 400, fail_code = "ERR_HANDSHAKE", fail_msg = "Sec-WebSocket-Key must be the base64 of 16 bytes";
  } else if (!ew__origin_allowed(s, r->origin)) {
    status = 403, fail_code = "ERR_FORBIDDEN", fail_msg = "origin not allowed";
  } else if (s->ws_conns >= (size_t)s->max_connections) {
    status = 503, fail_code = "ERR_LIMIT", fail_msg = "too many connections";
  }
  if (status) {
    atomic_fetch_add(&e->handshake_rejects, 1);
    ew__http_error(c, status, fail_code, fail_msg, extra);
    return 0;
  }
  if (ask && s->http_authorize && !c->authorized) {
    ew__http_ask(c, r, "ws");
    return 0;
  }
  unsigned char in[24 + sizeof guid], md[SHA_DIGEST_LENGTH];
  memcpy(in, r->key.p, 24);
  memcpy(in + 24, guid, sizeof guid - 1);
  SHA1(in, 24 + sizeof guid - 1, md);
  char accept[64];
  lws_b64_encode_string((const char *)md, SHA_DIGEST_LENGTH, accept, sizeof accept);
  char resp[256];
  int n = snprintf(resp, sizeof resp,
                   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\n\r\n",
                   accept);
  ew__frame_t *f = ew__frame_raw(resp, (size_t)n);
  if (!f) {
    ew__conn_kill(c);
    return 0;
  }
  ew__conn_send(c, f);
  ew__frame_unref(f);
  c->state = EW__CONN_OPEN;
  c->is_ws = 1;
  s->ws_conns++;
  atomic_fetch_add(&e->connections_total, 1);
  atomic_store(&e->connections, s->ws_conns);
  return 1;
}

static int ew__path_is(ew__str_t path, const char *want) {
  return *want && path.n == strlen(want) && !memcmp(path.p, want, path.n);
}

/* Socket.IO over WebSocket only: polling gets Socket.IO's own answer. */
static void ew__sio_route(ew__conn_t *c, const ew__request_t *r, const ew__query_t *q) {
  const char *eio = ew__query_get(q, "EIO"), *transport = ew__query_get(q, "transport");
  if (!transport || strcmp(transport, "websocket")) {
    atomic_fetch_add(&c->srv->engine->handshake_rejects, 1);
    static const char body[] = "{\"code\":0,\"message\":\"Transport unknown\"}";
    ew__http_respond(c, 400, "application/json", NULL, body, sizeof body - 1);
    return;
  }
  if (!eio || strcmp(eio, "4")) {
    atomic_fetch_add(&c->srv->engine->handshake_rejects, 1);
    static const char body[] = "{\"code\":5,\"message\":\"Unsupported protocol version\"}";
    ew__http_respond(c, 400, "application/json", NULL, body, sizeof body - 1);
    return;
  }
  if (ew__handshake(c, r, 0)) ew__sio_open(c); /* Socket.IO asks at its CONNECT packet (sio.c) */
}

static void ew__route(ew__conn_t *c, const ew__request_t *r) {
  ew__server_t *s = c->srv;
  ew_engine_t *e = s->engine;
  ew__str_t path = ew__path_only(r->path);
  if (!c->authorized) atomic_fetch_add(&e->http_requests, 1); /* routed again after the hook's yes: counted once */
  if (ew__path_is(path, s->ws_path)) {
    ew__handshake(c, r, 1);
    return;
  }
  ew__query_t q;
  const char *qs = path.p + path.n; /* '?' or the end */
  size_t qlen = r->path.n - path.n;
  if (ew__path_is(path, s->sio_path) || ew__path_is(path, s->sse_path)) {
    if (ew__query_parse(qlen ? qs + 1 : qs, qlen ? qlen - 1 : 0, &q)) {
      ew__http_error(c, 400, "ERR_BAD_REQUEST", "malformed query string", NULL);
      return;
    }
    if (ew__path_is(path, s->sio_path)) {
      ew__sio_route(c, r, &q);
      return;
    }
    if (!ew__method_is(r->method, "GET")) {
      ew__http_error(c, 405, "ERR_METHOD", "use GET", "Allow: GET\r\n");
      return;
    }
    if (s->http_authorize && !c->authorized) {
      ew__http_ask(c, r, "sse");
      return;
    }
    ew__sse_start(c, &q, r->last_event_id.p, r->last_event_id.n);
    return;
  }
  if (r->upgrade.n || r->key.n) {
    atomic_fetch_add(&e->handshake_rejects, 1);
    ew__http_error(c, 404, "ERR_NOT_FOUND", "no WebSocket endpoint at this path", NULL);
    return;
  }
  int is_head = ew__method_is(r->method, "HEAD");
  int is_get = ew__method_is(r->method, "GET") || is_head;
  c->head_only = (uint8_t)is_head;
  if (ew__str_eq(path, "/health") || ew__str_eq(path, "/stats") || ew__str_eq(path, "/metrics")) {
    if (!is_get) {
      ew__http_error(c, 405, "ERR_METHOD", "use GET", "Allow: GET\r\n");
      return;
    }
    /* /health stays open (load balancers probe it); the counters need the
     * ops token when one is set. */
    if (!ew__str_eq(path, "/health") && !ew__ops_authorized(c->srv, r->authorization)) {
      ew__http_error(c, 401, "ERR_UNAUTHORIZED", "this server needs \"Authorization: Bearer <server.opsToken>\" for /stats and /metrics",
                     "WWW-Authenticate: Bearer realm=\"eventwire\"\r\n");
      return;
    }
    ew__buf_t b;
    ew__buf_init(&b);
    int status = 200;
    const char *type = "application/json";
    if (ew__str_eq(path, "/health")) {
      status = ew__engine_health_json(e, &b) ? 200 : 503; /* green only while delivery works */
    } else if (ew__str_eq(path, "/metrics")) {
      ew__engine_metrics_text(e, &b);
      type = "text/plain; version=0.0.4; charset=utf-8";
    } else {
      ew__engine_stats_json(e, &b);
    }
    if (b.failed)
      ew__http_error(c, 500, "ERR_NO_MEMORY", "out of memory", NULL);
    else
      ew__http_respond(c, status, type, NULL, b.data ? b.data : "{}", b.data ? b.len : 2);
    ew__buf_free(&b);
    return;
  }
  const ew__route_t *rt = ew__engine_find_route(e, path.p, path.n);
  if (rt) {
    if (!is_get) {
      ew__http_error(c, 405, "ERR_METHOD", "use GET", "Allow: GET\r\n");
      return;
    }
    ew__http_respond(c, 200, rt->content_type, NULL, rt->body, rt->body_len);
    return;
  }
  ew__http_error(c, 404, "ERR_NOT_FOUND", "no such route", NULL);
}

static int ew__http_dispatch(ew__conn_t *c);

/* Stops waiting for the hook: its slot is freed (a late answer finds
 * nothing) and the held request dropped; the caller answers the client. */
static void ew__http_auth_abandon(ew__conn_t *c) {
  ew__engine_pending_done(c->srv->engine, c->auth_token);
  c->authorizing = 0;
  c->auth_token = 0;
  ew__free(c->rx);
  c->rx = NULL;
  c->rx_len = c->rx_cap = 0;
}

int ew__http_rx(ew__conn_t *c, const uint8_t *in, size_t len) {
  if (c->state != EW__CONN_HTTP) return 0; /* a response is on its way: ignore the rest */
  /* rx holds the head (at most 8 KiB) and the frames a WebSocket client
   * sent right behind it (at most 64 KiB more, kept while the authorize
   * hook decides). */
  if (c->authorizing && c->rx_len + len - c->auth_head_len > EW__HTTP_EARLY_MAX) {
    ew__http_auth_abandon(c);
    ew__http_error(c, 400, "ERR_LIMIT", "more than 64 KiB of frames sent before the upgrade was accepted", NULL);
    return 0;
  }
  if (c->rx_len + len > EW__HTTP_HEAD_MAX + EW__HTTP_EARLY_MAX) {
    ew__http_error(c, 431, "ERR_HANDSHAKE", "request head larger than 8 KiB", NULL);
    return 0;
  }
  if (c->rx_cap < c->rx_len + len) {
    uint32_t cap = c->rx_cap ? c->rx_cap : 512;
    while (cap < c->rx_len + len) cap *= 2;
    uint8_t *rx = ew__realloc(c->rx, cap);
    if (!rx) return -1;
    c->rx = rx;
    c->rx_cap = cap;
  }
  size_t had = c->rx_len;
  memcpy(c->rx + c->rx_len, in, len);
  c->rx_len += (uint32_t)len;
  if (c->authorizing) return 0; /* kept for when the hook answers */
  /* Look for the end of the head in its first 8 KiB, starting a little
   * before the new bytes. */
  size_t from = had > 3 ? had - 3 : 0;
  size_t to = c->rx_len < EW__HTTP_HEAD_MAX ? c->rx_len : EW__HTTP_HEAD_MAX;
  for (size_t i = from; i + 3 < to; i++) {
    if (c->rx[i] == '\r' && c->rx[i + 1] == '\n' && c->rx[i + 2] == '\r' && c->rx[i + 3] == '\n')
      return ew__http_dispatch(c);
  }
  if (c->rx_len >= EW__HTTP_HEAD_MAX) ew__http_error(c, 431, "ERR_HANDSHAKE", "request head larger than 8 KiB", NULL);
  return 0;
}

/* The length of the head in c->rx (which holds one, "\r\n\r\n" ended). */
static size_t ew__head_len(const ew__conn_t *c) {
  for (size_t i = 0; i + 3 < c->rx_len; i++) {
    if (c->rx[i] == '\r' && c->rx[i + 1] == '\n' && c->rx[i + 2] == '\r' && c->rx[i + 3] == '\n') return i + 4;
  }
  return 0;
}

/* Routes the whole head in c->rx; what follows it (frames a WebSocket
 * client sent early) goes to the WebSocket reader once upgraded. -1 when
 * the connection must close at once. */
static int ew__http_dispatch(ew__conn_t *c) {
  size_t head_len = ew__head_len(c);
  const uint8_t *end = c->rx + head_len;
  ew__request_t r;
  if (ew__parse_head((const char *)c->rx, head_len, &r)) {
    ew__http_error(c, 400, "ERR_BAD_REQUEST", "malformed HTTP request", NULL);
    return 0;
  }
  ew__route(c, &r);
  if (c->authorizing) return 0; /* the head stays in rx for the hook's answer */
  /* Bytes after the head: WebSocket frames a client sent early. */
  size_t extra = c->rx_len - head_len;
  uint8_t *rest = NULL;
  if (extra && c->state == EW__CONN_OPEN) {
    rest = ew__malloc(extra);
    if (rest) memcpy(rest, end, extra);
  }
  ew__free(c->rx);
  c->rx = NULL;
  c->rx_len = c->rx_cap = 0;
  int rc = 0;
  if (rest) {
    rc = ew__ws_rx(c, rest, extra);
    ew__free(rest);
  }
  return rc;
}

void ew__http_auth_done(ew__conn_t *c, int err, const char *message) {
  if (!c->authorizing || c->state != EW__CONN_HTTP) return;
  c->authorizing = 0;
  c->auth_token = 0;
  if (err == 0) {
    c->authorized = 1;
    if (ew__conn_allow(c, message)) {
      ew__http_error(c, 500, "ERR_NO_MEMORY", "out of memory", NULL);
      return;
    }
    if (ew__http_dispatch(c) < 0) ew__conn_kill(c);
    return;
  }
  ew__free(c->rx);
  c->rx = NULL;
  c->rx_len = c->rx_cap = 0;
  atomic_fetch_add(&c->srv->engine->handshake_rejects, 1);
  ew__http_error(c, 401, "ERR_UNAUTHORIZED", message && *message ? message : "not authorized",
                 "WWW-Authenticate: Bearer realm=\"eventwire\"\r\n");
}

void ew__http_auth_timeout(ew__conn_t *c) {
  ew__http_auth_abandon(c); /* a hook that never answers must not hold a slot */
  ew__http_error(c, 503, "ERR_TIMEOUT", "server.authorize did not answer within handshakeTimeoutMs", NULL);
}
