/*
 * engine.h - what the engine's parts share. Fields marked {engine} are
 * touched only by the engine thread; {owner} only by the thread that created
 * the engine; {out_lock}/{inbox.lock} under that mutex; atomics anywhere.
 */
#ifndef EW_ENGINE_H
#define EW_ENGINE_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>

#include "buf.h"
#include "conn.h"
#include "eventwire.h"
#include "history.h"
#include "inbox.h"
#include "matcher.h"

/* A static document served at GET path (ew_engine_route). */
typedef struct ew__route {
  struct ew__route *next;
  char *path, *content_type, *body;
  size_t path_len, body_len;
} ew__route_t;

/* A client request waiting for JS: a publish on its way through JS and back
 * (wsproto.c, sio.c), a Socket.IO connect (AUTH) or a /ws or /events request
 * (HTTP_AUTH) waiting for the authorize hook. */
typedef enum ew__pending_kind {
  EW__PENDING_PUB = 1,
  EW__PENDING_AUTH,
  EW__PENDING_REPLAY,
  EW__PENDING_HTTP_AUTH
} ew__pending_kind_t;

typedef struct ew__pending {
  uint32_t token;    /* 0 = free slot */
  uint32_t gen;      /* times this slot was taken (kept when freed): the token's high bits */
  uint8_t kind;      /* ew__pending_kind_t */
  ew__conn_t *conn;  /* NULL once the connection closed */
  char *ref;         /* /ws: the op's ref JSON; Socket.IO: the ack id; or NULL */
} ew__pending_t;

#define EW__PENDING_MAX 1024
/* Of those, at most this many wait for the authorize hook (AUTH, HTTP_AUTH):
 * a flood of unauthenticated clients with a slow hook must leave room for
 * the publishes of clients already in. */
#define EW__PENDING_AUTH_MAX 512

struct ew__server {
  ew_engine_t *engine;
  struct lws_context *context;
  struct lws_vhost *vhost;
  int port;
  /* options (immutable once listening) */
  char ws_path[256], sio_path[256], sse_path[256];
  int sse_retry_ms, sse_heartbeat_ms, sio_ping_interval_ms, sio_ping_timeout_ms, sio_authorize,
      http_authorize;
  uint64_t next_sse_heartbeat_ms, next_sio_ping_ms;
  int max_connections, heartbeat_ms, handshake_timeout_ms, allow_client_publish;
  size_t max_payload, backlog_max_frames, backlog_max_bytes;
  char *allowed_origins;            /* NULL = any; '\n'-separated */
  char *ops_token;                  /* NULL = /stats, /metrics open; else Bearer */
  /* state {engine} */
  ew__conn_t *conns;                /* every connection */
  ew__conn_t *dirty;                /* connections to flush */
  size_t nconns, ws_conns;
  uint64_t next_conn_id;
  uint64_t next_heartbeat_ms;
  ev_timer tick;
  int stopping;
  struct ew__sio_sessions *sio_sessions; /* recoverable Socket.IO sessions */
};

struct ew_engine {
  ew__inbox_t inbox;            /* {inbox.lock} */
  char delim[EW_DELIM_MAX + 1]; /* immutable after create */

  pthread_t thread;             /* {owner} */
  int joined;                   /* {owner} */

  struct ev_loop *loop;         /* {engine} */
  ev_async wake;                /* {engine}; ev_async_send from any thread */
  ew__server_t *server;         /* {engine} NULL until listening */
  struct ew__redis *redis;      /* {engine} NULL in embedded mode */
  ev_timer close_timer;         /* {engine} waits for XADD acks at close */
  uint64_t close_deadline_ms;   /* {engine} */
  ew__matcher_t *matcher;       /* {engine} connection subscriptions */
  ew__history_t history;        /* {engine} */
  ev_timer history_timer;       /* {engine} age trimming */
  ev_timer drop_timer;          /* {engine} reports refused emit()s once per loop turn */
  uint64_t drops_unreported;    /* {engine} emit()ted events refused since the last report */
  int drop_err;                 /* {engine} the last one's error */
  char drop_why[160];           /* {engine} ... and why */
  ew__route_t *routes;          /* {engine} */
  ew__pending_t pending[EW__PENDING_MAX]; /* {engine} */
  uint32_t next_token;          /* {engine} where the next slot search starts */
  uint32_t pending_auth;        /* {engine} slots taken by AUTH and HTTP_AUTH */
  int stopping;                 /* {engine} */

  pthread_mutex_t out_lock;
  ew_msg_t *out_head, *out_tail; /* {out_lock} */
  int out_notified;              /* {out_lock} notify sent, not yet taken */
  size_t out_remote_bytes;       /* {out_lock} EW_MSG_REMOTE bytes not yet taken */
  int remote_paused;             /* {out_lock} the relay stopped reading for that;
                                    the owner's take wakes the engine */
  ew_notify_cb notify;           /* immutable; called on the engine thread */
  void *notify_arg;

  /* counters, written by the engine thread, read anywhere */
  _Atomic uint64_t batches_in, events_in, bytes_in, bad_records, wakeups;
  _Atomic uint64_t http_requests, connections, connections_total, subscriptions;
  _Atomic uint64_t deliveries, frames_out, bytes_out, client_publishes;
  _Atomic uint64_t dropped_low, slow_consumer_closes, heartbeat_timeouts;
  _Atomic uint64_t protocol_errors, handshake_rejects, op_errors;
  _Atomic uint64_t backlog_hwm_frames, backlog_hwm_bytes;
  _Atomic uint64_t history_events, history_evicted;
  atomic_int redis_connected;
  _Atomic uint64_t redis_queued, redis_queue_hwm, redis_written, redis_relayed, redis_rejected;
  _Atomic uint64_t redis_reconnects, redis_last_read_ms, redis_last_event_ms;
  _Atomic uint64_t relay_pauses; /* the relay stopped for remote events JS had not taken */
  atomic_int port;
  atomic_int running;
};

uint64_t ew__now_ms(void);

/* Posts a message to the owner (engine thread); data may be NULL. Dropped
 * only when out of memory. */
void ew__engine_post(ew_engine_t *e, ew_msg_kind_t kind, uint32_t req, int64_t value,
                     const char *data, size_t len);
/* Settles publish() request req with its id (EW_MSG_PUBLISHED, shared by a
 * burst). {engine} */
void ew__engine_post_published(ew_engine_t *e, uint32_t req, const char *id, size_t id_len);
/* An event another instance published (relay): "<type> US <envelope JSON> RS"
 * records, a burst per EW_MSG_REMOTE message. {engine} */
/* own: an entry of this instance (EW_WATCH_OWN), marked with 0x1d before the type. */
void ew__engine_post_remote(ew_engine_t *e, const char *type, size_t type_len, const char *json, size_t len, int own);
/* The bound on remote events waiting for the owner (EW__REMOTE_OUT_MAX
 * bytes): 1 when it is reached, and then the relay stops reading until the
 * owner takes them (its take wakes the engine). {engine} */
#define EW__REMOTE_OUT_MAX ((size_t)16 << 20)
int ew__engine_remote_full(ew_engine_t *e);

/* The event pipeline: history, then every subscribed connection. {engine} */
void ew__engine_publish(ew_engine_t *e, ew__frame_t *f);
/* Flushes every connection marked dirty. {engine} */
void ew__engine_flush(ew_engine_t *e);
/* Appends the stats as a JSON object. Any thread. */
void ew__engine_stats_json(ew_engine_t *e, ew__buf_t *b);
/* GET /metrics: Prometheus text (metrics.c). */
void ew__engine_metrics_text(ew_engine_t *e, ew__buf_t *b);
/* Appends {"status","redis"?} and returns 1 when healthy. {engine} */
int ew__engine_health_json(ew_engine_t *e, ew__buf_t *b);
const ew__route_t *ew__engine_find_route(const ew_engine_t *e, const char *path, size_t len);

/* server.c: the lws context on the engine loop. {engine} */
int ew__server_start(ew_engine_t *e, const ew_server_options_t *o, ew__server_t **out);
void ew__server_stop(ew__server_t *s);
/* An event without an origin to answer (an emit()) was refused: counted,
 * and reported as one EW_MSG_WARN for all refused in this loop turn (one
 * message per event would grow the outbox without bound). */
void ew__engine_dropped(ew_engine_t *e, int err, const char *why);

/* Forgets a closing connection in pending requests. */
void ew__engine_forget_conn(ew_engine_t *e, ew__conn_t *c);
/* Registers a request waiting for JS; returns its token, or 0 when
 * EW__PENDING_MAX are already waiting. ref is copied. */
uint32_t ew__engine_pending(ew_engine_t *e, ew__conn_t *c, ew__pending_kind_t kind, const char *ref);
/* Acks a client pub with its final id. */
void ew__engine_pub_acked(ew_engine_t *e, uint32_t token, const char *id, size_t id_len);
/* The pending request of `token`, or NULL; and its release. */
ew__pending_t *ew__engine_pending_get(ew_engine_t *e, uint32_t token);
void ew__engine_pending_done(ew_engine_t *e, uint32_t token);
/* Settles a pending request with an error now (as if JS had answered). */
void ew__engine_answer_now(ew_engine_t *e, uint32_t token, int err, const char *message);

/* batch.c: splits an inbox batch into records. Returns records seen, counts
 * malformed ones in *bad. */
typedef struct ew__record {
  ew__event_fields_t f;
  const char *origin;
  size_t origin_len;
} ew__record_t;
typedef void (*ew__record_cb)(const ew__record_t *r, void *arg);
size_t ew__batch_parse(const char *buf, size_t len, ew__record_cb cb, void *arg, size_t *bad);

#endif
