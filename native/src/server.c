/*
 * server.c - the libwebsockets context on the engine's libev loop, and the
 * life of its connections.
 *
 * lws joins the engine's loop as a foreign loop (LWS_SERVER_OPTION_LIBEV):
 * epoll instead of lws's own poll(), which would touch every socket on every
 * wake-up. Every accepted socket is bound to lws's raw-socket role: lws
 * accepts, watches and closes sockets; the engine speaks HTTP/1.1 and
 * WebSocket on them itself (http.c, ws.c) so it can be strict where lws 4.1.6
 * is lax, keep per-connection state small, and write frames its own way
 * (outq.c). Only the engine thread calls into lws.
 */
#include <libwebsockets.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "engine.h"
#include "sio.h"
#include "sse.h"

static void ew__list_add(ew__server_t *s, ew__conn_t *c) {
  c->prev = NULL;
  c->next = s->conns;
  if (s->conns) s->conns->prev = c;
  s->conns = c;
  s->nconns++;
}

static void ew__list_del(ew__server_t *s, ew__conn_t *c) {
  if (c->prev) c->prev->next = c->next;
  else s->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = NULL;
  s->nconns--;
}

/* Takes the connection off the dirty list (it is closing for good). */
static void ew__dirty_del(ew__server_t *s, ew__conn_t *c) {
  if (!c->dirty) return;
  for (ew__conn_t **pp = &s->dirty; *pp; pp = &(*pp)->dirty_next) {
    if (*pp == c) {
      *pp = c->dirty_next;
      break;
    }
  }
  c->dirty = 0;
}

static int ew__raw_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                            size_t len) {
  ew__conn_t *c = user;
  ew__server_t *s = lws_context_user(lws_get_context(wsi));
  switch (reason) {
    case LWS_CALLBACK_RAW_ADOPT:
      memset(c, 0, sizeof *c);
      c->wsi = wsi;
      c->srv = s;
      c->id = ++s->next_conn_id;
      c->since_ms = ew__now_ms();
      ew__list_add(s, c);
      if (s->stopping) return -1;
      return 0;

    case LWS_CALLBACK_RAW_RX:
      if (!c || !c->srv || c->dead) return 0;
      if (c->state == EW__CONN_HTTP) {
        if (ew__http_rx(c, in, len)) return -1;
      } else if (c->state == EW__CONN_OPEN) {
        if (ew__ws_rx(c, in, len)) return -1;
      }
      ew__engine_flush(s->engine);
      return 0;

    case LWS_CALLBACK_RAW_WRITEABLE:
      if (!c || !c->srv) return 0;
      if (c->dead) return -1;
      ew__conn_flush(c);
      if (c->dead) return -1;
      if (c->state == EW__CONN_CLOSING && c->q_count == 0) return -1;
      return 0;

    case LWS_CALLBACK_RAW_CLOSE:
      if (!c || !c->srv) return 0;
      ew__dirty_del(s, c);
      if (c->wire == EW__WIRE_SIO) ew__sio_closed(c); /* keeps its subscriptions for recovery */
      ew__wsproto_unsubscribe_all(c);
      ew__engine_forget_conn(s->engine, c);
      if (c->is_ws) {
        s->ws_conns--;
        atomic_store(&s->engine->connections, s->ws_conns);
      }
      ew__list_del(s, c);
      ew__conn_release(c);
      c->srv = NULL;
      return 0;

    default:
      break;
  }
  return 0;
}

static const struct lws_protocols ew__protocols[] = {
    {"ew-raw", ew__raw_callback, sizeof(ew__conn_t), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

/* Periodic work: cut stalled handshakes and closes, heartbeat pings, reap
 * silent peers. One timer for all connections. */
static void ew__on_tick(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew__server_t *s = w->data;
  ew_engine_t *e = s->engine;
  uint64_t now = ew__now_ms();
  int ping_round = s->heartbeat_ms > 0 && now >= s->next_heartbeat_ms;
  if (ping_round) s->next_heartbeat_ms = now + (uint64_t)s->heartbeat_ms;
  int sse_round = s->sse_heartbeat_ms > 0 && now >= s->next_sse_heartbeat_ms;
  if (sse_round) s->next_sse_heartbeat_ms = now + (uint64_t)s->sse_heartbeat_ms;
  /* Socket.IO clients expect a ping every pingInterval, heartbeat or not. */
  int sio_round = now >= s->next_sio_ping_ms;
  if (sio_round) s->next_sio_ping_ms = now + (uint64_t)s->sio_ping_interval_ms;
  for (ew__conn_t *c = s->conns; c; c = c->next) {
    if (c->dead) continue;
    if (c->q_count == 0 && c->q) ew__conn_trim(c); /* idle: give the backlog array back */
    if (c->state == EW__CONN_HTTP) {
      if (now - c->since_ms > (uint64_t)s->handshake_timeout_ms) {
        atomic_fetch_add(&e->handshake_rejects, 1);
        if (c->authorizing)
          ew__http_auth_timeout(c); /* the client is told; a silent client is not */
        else
          ew__conn_kill(c);
      }
    } else if (c->state == EW__CONN_CLOSING) {
      if (now - c->since_ms > 2000) ew__conn_kill(c); /* peer never read its close */
    } else if (c->wire == EW__WIRE_SSE) {
      if (sse_round) ew__sse_heartbeat(c);
    } else if (c->wire == EW__WIRE_SIO && c->awaiting_pong &&
               now - c->ping_ms > (uint64_t)s->sio_ping_timeout_ms) {
      /* Engine.IO: the client has pingTimeout to answer a ping. */
      atomic_fetch_add(&e->heartbeat_timeouts, 1);
      ew__conn_close(c, 4000, "heartbeat timeout");
    } else if (c->wire == EW__WIRE_SIO ? (sio_round && !c->awaiting_pong) : ping_round) {
      if (c->awaiting_pong) {
        /* A peer that still reads learns why (4000); one that does not is
         * cut by the closing deadline above. */
        atomic_fetch_add(&e->heartbeat_timeouts, 1);
        ew__conn_close(c, 4000, "heartbeat timeout");
        continue;
      }
      if (c->wire == EW__WIRE_SIO) {
        ew__sio_ping(c); /* Engine.IO's own ping: socket.io-client answers "3" */
      } else {
        ew__frame_t *f = ew__frame_ws(9, NULL, 0);
        if (f) {
          ew__conn_send(c, f);
          ew__frame_unref(f);
        }
      }
      c->awaiting_pong = 1;
      c->ping_ms = now;
    }
  }
  ew__engine_flush(e);
}

/* Binds and releases the address first: lws 4.1.6 leaks on a failed bind
 * inside lws_create_context and can only say "failed", so the common cases
 * (address in use, unknown host) are caught here. It also resolves the host
 * to the numeric address lws wants as its interface. IPv4 only for now. */
static int ew__server_probe(const char *host, int port, char *addr, size_t addrlen) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  if (getaddrinfo(host && *host ? host : NULL, service, &hints, &res) || !res) return EW_ELISTEN;
  int rc = EW_ELISTEN, fd = socket(res->ai_family, SOCK_STREAM, 0);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) == 0 &&
        getnameinfo(res->ai_addr, res->ai_addrlen, addr, (socklen_t)addrlen, NULL, 0,
                    NI_NUMERICHOST) == 0)
      rc = 0;
    close(fd);
  }
  freeaddrinfo(res);
  return rc;
}

static void ew__server_free(ew__server_t *s) {
  ew__sio_sessions_free(s->sio_sessions);
  ew__free(s->allowed_origins);
  ew__free(s->ops_token);
  ew__free(s);
}

int ew__server_start(ew_engine_t *e, const ew_server_options_t *o, ew__server_t **out) {
  *out = NULL;
  char addr[NI_MAXHOST];
  int rc = ew__server_probe(o->host, o->port, addr, sizeof addr);
  if (rc) return rc;
  ew__server_t *s = ew__calloc(1, sizeof *s);
  if (!s) return EW_ENOMEM;
  s->engine = e;
  snprintf(s->ws_path, sizeof s->ws_path, "%s", o->ws_path && *o->ws_path ? o->ws_path : "/ws");
  s->max_connections = o->max_connections > 0 ? o->max_connections : 10000;
  s->max_payload = o->max_payload ? o->max_payload : 64 * 1024;
  s->heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 30000;
  s->handshake_timeout_ms = o->handshake_timeout_ms > 0 ? o->handshake_timeout_ms : 10000;
  s->allow_client_publish = o->allow_client_publish;
  s->backlog_max_frames = o->backlog_max_frames ? o->backlog_max_frames : 4096;
  s->backlog_max_bytes = o->backlog_max_bytes ? o->backlog_max_bytes : (size_t)4 << 20;
  snprintf(s->sio_path, sizeof s->sio_path, "%s", o->sio_path ? o->sio_path : "/socket.io/");
  snprintf(s->sse_path, sizeof s->sse_path, "%s", o->sse_path ? o->sse_path : "/events");
  s->sse_retry_ms = o->sse_retry_ms > 0 ? o->sse_retry_ms : 3000;
  s->sse_heartbeat_ms = o->sse_heartbeat_ms ? o->sse_heartbeat_ms : 15000;
  s->sio_ping_interval_ms = o->sio_ping_interval_ms > 0 ? o->sio_ping_interval_ms : 25000;
  s->sio_ping_timeout_ms = o->sio_ping_timeout_ms > 0 ? o->sio_ping_timeout_ms : 20000;
  s->sio_authorize = o->sio_authorize;
  s->http_authorize = o->http_authorize;
  s->sio_sessions = ew__sio_sessions_new();
  if (!s->sio_sessions) {
    ew__server_free(s);
    return EW_ENOMEM;
  }
  if (o->allowed_origins && !(s->allowed_origins = ew__strndup(o->allowed_origins, strlen(o->allowed_origins)))) {
    ew__server_free(s);
    return EW_ENOMEM;
  }
  if (o->ops_token && !(s->ops_token = ew__strndup(o->ops_token, strlen(o->ops_token)))) {
    ew__server_free(s);
    return EW_ENOMEM;
  }

  /* lws logs to stderr from inside a user's process: errors only. */
  lws_set_log_level(LLL_ERR, NULL);

  void *foreign_loops[1] = {e->loop};
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = o->port;
  info.iface = (o->host && *o->host) ? addr : NULL;
  info.protocols = ew__protocols;
  info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_DISABLE_IPV6 |
                 LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
  info.listen_accept_role = "raw-skt";
  info.listen_accept_protocol = "ew-raw";
  info.foreign_loops = foreign_loops;
  info.user = s;
  info.vhost_name = "eventwire";
  info.pt_serv_buf_size = 16 * 1024;
  info.fd_limit_per_thread = 0;

  s->context = lws_create_context(&info);
  if (!s->context) {
    ew__server_free(s);
    return EW_ELISTEN;
  }
  s->vhost = lws_get_vhost_by_name(s->context, "eventwire");
  s->port = s->vhost ? lws_get_vhost_listen_port(s->vhost) : -1;
  if (s->port <= 0) {
    ew__server_stop(s);
    return EW_ELISTEN;
  }
  /* One tick serves every interval: a quarter of the shortest one. */
  int shortest = s->heartbeat_ms > 0 ? s->heartbeat_ms : 1000000;
  if (s->sse_heartbeat_ms > 0 && s->sse_heartbeat_ms < shortest) shortest = s->sse_heartbeat_ms;
  if (s->sio_ping_interval_ms < shortest) shortest = s->sio_ping_interval_ms;
  if (s->sio_ping_timeout_ms < shortest) shortest = s->sio_ping_timeout_ms;
  double tick = shortest / 4000.0;
  if (tick > 1.0) tick = 1.0;
  if (tick < 0.02) tick = 0.02;
  s->next_heartbeat_ms = ew__now_ms() + (uint64_t)(s->heartbeat_ms > 0 ? s->heartbeat_ms : 0);
  s->next_sse_heartbeat_ms = ew__now_ms() + (uint64_t)(s->sse_heartbeat_ms > 0 ? s->sse_heartbeat_ms : 0);
  s->next_sio_ping_ms = ew__now_ms() + (uint64_t)s->sio_ping_interval_ms;
  ev_timer_init(&s->tick, ew__on_tick, tick, tick);
  s->tick.data = s;
  ev_timer_start(e->loop, &s->tick);
  *out = s;
  return 0;
}

void ew__server_stop(ew__server_t *s) {
  if (!s) return;
  s->stopping = 1;
  if (s->tick.data) ev_timer_stop(s->engine->loop, &s->tick);
  /* Tell WebSocket clients we are going away, best effort, then close. */
  for (ew__conn_t *c = s->conns; c; c = c->next) {
    if (c->state == EW__CONN_OPEN) ew__conn_close(c, 1001, "server shutting down");
  }
  ew__engine_flush(s->engine);
  if (s->context) lws_context_destroy(s->context);
  ew__server_free(s);
}
