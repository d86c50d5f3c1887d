/*
 * server.c - the libwebsockets context on the engine's libev loop.
 *
 * lws joins the engine's loop as a foreign loop (LWS_SERVER_OPTION_LIBEV):
 * epoll instead of lws's own poll(), which would touch every socket on every
 * wake-up. Only the engine thread calls into lws. This file owns the context
 * and the plain HTTP routes; the WebSocket transports add protocols here.
 */
#include <libwebsockets.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "engine.h"

struct ew__server {
  ew_engine_t *engine;          /* {engine} */
  struct lws_context *context;  /* {engine} */
  struct lws_vhost *vhost;      /* {engine} */
  int port;                     /* {engine} bound port */
};

/* One HTTP response waiting for its writeable callback. */
typedef struct ew__http_session {
  char body[256];
  size_t body_len;
} ew__http_session_t;

static int ew__http_reply(struct lws *wsi, ew__http_session_t *s, unsigned status,
                          const char *type, const char *body) {
  uint8_t buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf;
  s->body_len = (size_t)snprintf(s->body, sizeof s->body, "%s", body);
  if (lws_add_http_common_headers(wsi, status, type, s->body_len, &p, end) ||
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                   (const unsigned char *)"no-store", 8, &p, end) ||
      lws_finalize_write_http_header(wsi, start, &p, end))
    return 1;
  lws_callback_on_writable(wsi);
  return 0;
}

static int ew__http_route(struct lws *wsi, ew__server_t *srv, ew__http_session_t *s,
                          const char *path) {
  atomic_fetch_add(&srv->engine->http_requests, 1);
  if (!strcmp(path, "/health"))
    return ew__http_reply(wsi, s, HTTP_STATUS_OK, "application/json",
                          "{\"status\":\"ok\"}");
  return ew__http_reply(wsi, s, HTTP_STATUS_NOT_FOUND, "application/json",
                        "{\"code\":\"ERR_NOT_FOUND\",\"message\":\"no such route\"}");
}

static int ew__http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                             void *in, size_t len) {
  ew__http_session_t *s = user;
  ew__server_t *srv = lws_context_user(lws_get_context(wsi));
  switch (reason) {
    case LWS_CALLBACK_HTTP: {
      char path[256];
      snprintf(path, sizeof path, "%.*s", (int)len, in ? (const char *)in : "");
      return ew__http_route(wsi, srv, s, path[0] ? path : "/");
    }
    case LWS_CALLBACK_HTTP_WRITEABLE: {
      uint8_t buf[LWS_PRE + sizeof s->body];
      memcpy(buf + LWS_PRE, s->body, s->body_len);
      if (lws_write(wsi, buf + LWS_PRE, s->body_len, LWS_WRITE_HTTP_FINAL) !=
          (int)s->body_len)
        return 1;
      if (lws_http_transaction_completed(wsi)) return -1;
      return 0;
    }
    default:
      break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols ew__protocols[] = {
    {"http", ew__http_callback, sizeof(ew__http_session_t), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

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

int ew__server_start(ew_engine_t *e, const char *host, int port, ew__server_t **out) {
  *out = NULL;
  char addr[NI_MAXHOST];
  int rc = ew__server_probe(host, port, addr, sizeof addr);
  if (rc) return rc;
  ew__server_t *s = ew__calloc(1, sizeof *s);
  if (!s) return EW_ENOMEM;
  s->engine = e;

  /* lws logs to stderr from inside a user's process: errors only. */
  lws_set_log_level(LLL_ERR, NULL);

  void *foreign_loops[1] = {e->loop};
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = port;
  info.iface = (host && *host) ? addr : NULL;
  info.protocols = ew__protocols;
  info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_DISABLE_IPV6;
  info.foreign_loops = foreign_loops;
  info.user = s;
  info.vhost_name = "eventwire";

  s->context = lws_create_context(&info);
  if (!s->context) {
    ew__free(s);
    return EW_ELISTEN;
  }
  s->vhost = lws_get_vhost_by_name(s->context, "eventwire");
  s->port = s->vhost ? lws_get_vhost_listen_port(s->vhost) : -1;
  if (s->port <= 0) {
    ew__server_stop(s);
    return EW_ELISTEN;
  }
  *out = s;
  return 0;
}

int ew__server_port(const ew__server_t *s) { return s->port; }

void ew__server_stop(ew__server_t *s) {
  if (!s) return;
  if (s->context) lws_context_destroy(s->context);
  ew__free(s);
}
