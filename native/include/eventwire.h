/*
 * eventwire.h - the one public header of the eventwire C engine.
 *
 * An engine is one thread that owns one libev loop, the libwebsockets server
 * on it (foreign loop) and, later, the hiredis connections. Other threads talk
 * to it only through ew_engine_send()/ew_engine_listen()/ew_engine_close()
 * (a bounded many-producer inbox) and hear back only through the notify
 * callback plus ew_engine_take().
 *
 * Naming: ew_ is public, ew__ is internal (native/src/). Errors are negative
 * EW_E* constants from one table; ew_strerror()/ew_err_name() describe them.
 * If a call that takes a callback fails, the callback is never called.
 */
#ifndef EVENTWIRE_H
#define EVENTWIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors: one table, mirrored to JS as EventwireError codes --------- */

/* X(NAME, js_code, message). The numeric value is -(position + 1). */
#define EW_ERRNO_MAP(X)                                                        \
  X(INVAL, "ERR_INVALID_ARGUMENT", "invalid argument")                         \
  X(NOMEM, "ERR_NO_MEMORY", "out of memory")                                   \
  X(CLOSED, "ERR_CLOSED", "the bus is closed")                                 \
  X(QUEUE_FULL, "ERR_QUEUE_FULL", "queue is full")                             \
  X(PATTERN, "ERR_INVALID_PATTERN", "invalid subscription pattern")            \
  X(EVENT_NAME, "ERR_INVALID_EVENT_NAME", "invalid event name")                \
  X(OPTION, "ERR_INVALID_OPTION", "invalid option")                            \
  X(BATCH, "ERR_INVALID_BATCH", "malformed event batch")                       \
  X(PAYLOAD, "ERR_INVALID_PAYLOAD", "event data cannot be serialised to JSON")  \
  X(LISTEN, "ERR_LISTEN", "could not listen on the requested address")        \
  X(ALREADY, "ERR_ALREADY_LISTENING", "the server is already listening")       \
  X(NO_SERVER, "ERR_NO_SERVER", "no server is configured")                     \
  X(THREAD, "ERR_THREAD", "could not start the engine thread")                 \
  X(ENGINE, "ERR_ENGINE", "engine failure")                                    \
  X(HISTORY_GAP, "ERR_HISTORY_GAP", "requested id is older than history")      \
  X(REDIS_UNAVAILABLE, "ERR_REDIS_UNAVAILABLE", "redis is unavailable")        \
  X(TIMEOUT, "ERR_TIMEOUT", "operation timed out")                             \
  X(JSON, "ERR_INVALID_JSON", "frame is not a JSON object")                    \
  X(UNKNOWN_OP, "ERR_UNKNOWN_OP", "unknown op")                                \
  X(SINCE, "ERR_INVALID_SINCE", "invalid since id")                            \
  X(FORBIDDEN, "ERR_FORBIDDEN", "not allowed")                                 \
  X(LIMIT, "ERR_LIMIT", "limit exceeded")

enum {
  EW_OK = 0,
#define EW__ERR_ENUM(name, code, msg) EW__ERRIDX_##name,
  EW__ERRIDX_FIRST_ = -1,
  EW_ERRNO_MAP(EW__ERR_ENUM)
#undef EW__ERR_ENUM
  EW__ERR_COUNT_
};

#define EW__ERRVAL(name) (-(EW__ERRIDX_##name + 1))
#define EW_EINVAL EW__ERRVAL(INVAL)
#define EW_ENOMEM EW__ERRVAL(NOMEM)
#define EW_ECLOSED EW__ERRVAL(CLOSED)
#define EW_EQUEUE_FULL EW__ERRVAL(QUEUE_FULL)
#define EW_EPATTERN EW__ERRVAL(PATTERN)
#define EW_EEVENT_NAME EW__ERRVAL(EVENT_NAME)
#define EW_EOPTION EW__ERRVAL(OPTION)
#define EW_EBATCH EW__ERRVAL(BATCH)
#define EW_EPAYLOAD EW__ERRVAL(PAYLOAD)
#define EW_ELISTEN EW__ERRVAL(LISTEN)
#define EW_EALREADY EW__ERRVAL(ALREADY)
#define EW_ENO_SERVER EW__ERRVAL(NO_SERVER)
#define EW_ETHREAD EW__ERRVAL(THREAD)
#define EW_EENGINE EW__ERRVAL(ENGINE)
#define EW_EHISTORY_GAP EW__ERRVAL(HISTORY_GAP)
#define EW_EREDIS_UNAVAILABLE EW__ERRVAL(REDIS_UNAVAILABLE)
#define EW_ETIMEOUT EW__ERRVAL(TIMEOUT)
#define EW_EJSON EW__ERRVAL(JSON)
#define EW_EUNKNOWN_OP EW__ERRVAL(UNKNOWN_OP)
#define EW_ESINCE EW__ERRVAL(SINCE)
#define EW_EFORBIDDEN EW__ERRVAL(FORBIDDEN)
#define EW_ELIMIT EW__ERRVAL(LIMIT)

/* Number of entries in the error table. */
int ew_err_count(void);
/* "ERR_QUEUE_FULL" for EW_EQUEUE_FULL; "ERR_UNKNOWN" for anything else. */
const char *ew_err_name(int err);
/* Human-readable message; "unknown error" for anything else. */
const char *ew_strerror(int err);

/* ---- limits of names and patterns ------------------------------------- */

#define EW_NAME_MAX 512     /* bytes in an event name or pattern */
#define EW_SEGMENTS_MAX 32  /* delimiter-separated segments */
#define EW_DELIM_MAX 8      /* bytes in the delimiter */

/* Checks a concrete event name (no '*' or '**' segment): 0, EW_EEVENT_NAME,
 * or EW_EINVAL for an unusable delimiter. */
int ew_event_name_check(const char *name, size_t len, const char *delim);
/* Checks a subscription pattern: 0, EW_EPATTERN, or EW_EINVAL (delimiter). */
int ew_pattern_check(const char *pattern, size_t len, const char *delim);

/* ---- allocation accounting (every engine allocation goes through it) -- */

/* Live allocations made by the engine; 0 once every engine is destroyed. */
int64_t ew_alloc_live(void);

/* ---- ids ---------------------------------------------------------------- */

/* Writes the next "<ms>-<seq>" id, strictly increasing across all threads of
 * the process, into buf (at least EW_ID_MAX bytes). Returns its length. */
#define EW_ID_MAX 48
size_t ew_id_next(char *buf, uint64_t *ms_out);

/* ---- engine --------------------------------------------------------------- */

typedef struct ew_engine ew_engine_t;

/* Messages the engine hands back to its owner (see ew_engine_take). */
typedef enum ew_msg_kind {
  EW_MSG_LISTENING = 1, /* req = listen request id, value = bound port */
  EW_MSG_REPLY,         /* req = request id, value = 0 or EW_E*; data may
                           carry a JSON answer (history) */
  EW_MSG_CLOSED,        /* the loop has stopped; join the engine now */
  EW_MSG_EVENT,         /* req = token, data = the client's pub op (JSON): emit it
                           with the token as origin, or answer the token */
  EW_MSG_AUTH,          /* req = token: a client for the authorize hook; answer
                           the token. data = {"transport":"socket.io","auth":..}
                           (a Socket.IO connect) or {"transport":"ws"|"sse",
                           "path":"<target>","headers":[[name,value],..]} (a
                           /ws or /events request, before its 101 / 200) */
  EW_MSG_REMOTE,        /* data = "<type> US <envelope JSON> RS" (US/RS = 0x1f/
                           0x1e) per event other instances published (Redis
                           relay), a burst per message: emit to local listeners;
                           with EW_WATCH_OWN also this instance's own entries,
                           their type prefixed with 0x1d (not for listeners) */
  EW_MSG_WARN,          /* value = EW_E*, data = message: something the owner
                           should report (events refused, Redis unavailable) */
  EW_MSG_REDIS,         /* value = 1 connected, 0 lost, -1 an attempt failed;
                           data = the last error */
  EW_MSG_STREAM,        /* the relay read new stream entries (ew_engine_redis_watch) */
  EW_MSG_PUBLISHED      /* data = "<req> <id>\n" for each publish() (record origin
                           "p<req>") that got its final id, in order; one
                           message carries a whole burst */
} ew_msg_kind_t;

typedef struct ew_msg {
  struct ew_msg *next;
  ew_msg_kind_t kind;
  uint32_t req;
  int64_t value;
  size_t len;
  size_t cap;  /* {engine, under the outbox lock} bytes data can hold
                  (EW_MSG_PUBLISHED and EW_MSG_REMOTE grow in place until taken) */
  char data[]; /* len bytes + NUL */
} ew_msg_t;

/* Called on the engine thread when messages are waiting and the previous
 * notification has been consumed by ew_engine_take(). Must not block. */
typedef void (*ew_notify_cb)(void *arg);

/* Redis Streams mode (redis.c). Strings are copied. */
typedef struct ew_redis_options {
  const char *host;           /* required */
  int port;                   /* 0 = 6379 */
  const char *password;       /* NULL = no AUTH */
  int db;                     /* SELECT when > 0 */
  const char *stream;         /* the stream key; NULL = "eventwire:events" */
  size_t retention;           /* XADD MAXLEN ~ N; 0 = 100,000 */
  size_t queue_size;          /* events waiting for XADD (offline queue); 0 = 10,000 */
  int connect_timeout_ms;     /* 0 = 5,000 */
  int max_reconnect_attempts; /* 0 = 10; then waiting events fail, retries go on */
  const char *instance;       /* this instance's id, stored with each event */
} ew_redis_options_t;

typedef struct ew_engine_options {
  const ew_redis_options_t *redis; /* NULL = embedded mode */
  const char *delimiter;      /* default "." */
  size_t history_size;        /* events kept for replay; 0 = 10,000 */
  int64_t history_max_age_ms; /* 0 = 24 h; < 0 = no age limit */
  size_t inbox_max_bytes;     /* 0 = 64 MiB */
  size_t inbox_max_events;    /* 0 = 1,000,000 */
  ew_notify_cb notify;        /* required */
  void *notify_arg;
} ew_engine_options_t;

typedef struct ew_server_options {
  const char *host;           /* NULL or "" = all interfaces */
  int port;                   /* 0 = ephemeral */
  const char *ws_path;        /* NULL = "/ws" */
  int max_connections;        /* WebSocket connections; 0 = 10,000 */
  size_t max_payload;         /* largest client message; 0 = 64 KiB */
  int heartbeat_ms;           /* 0 = 30,000; < 0 = off */
  int handshake_timeout_ms;   /* 0 = 10,000 */
  const char *allowed_origins; /* NULL = any; else origins separated by '\n' */
  int allow_client_publish;
  const char *sio_path;       /* NULL = "/socket.io/"; "" = off */
  const char *sse_path;       /* NULL = "/events"; "" = off */
  int sse_retry_ms;           /* 0 = 3,000 */
  int sse_heartbeat_ms;       /* 0 = 15,000; < 0 = off */
  int sio_ping_interval_ms;   /* 0 = 25,000 */
  int sio_ping_timeout_ms;    /* 0 = 20,000 */
  int sio_authorize;          /* ask the owner (EW_MSG_AUTH) before a Socket.IO connect */
  size_t backlog_max_frames;  /* per connection; 0 = 4,096 */
  size_t backlog_max_bytes;   /* per connection; 0 = 4 MiB */
  const char *ops_token;      /* NULL or "" = /stats and /metrics open; else they
                                 need "Authorization: Bearer <ops_token>" */
  int http_authorize;         /* ask the owner (EW_MSG_AUTH) before answering a /ws
                                 upgrade or an /events request */
} ew_server_options_t;

typedef struct ew_engine_stats {
  uint64_t batches_in;        /* batches taken from the inbox */
  uint64_t events_in;         /* events taken from the inbox */
  uint64_t bytes_in;
  uint64_t bad_records;       /* malformed records skipped (a JS bug if ever > 0) */
  uint64_t inbox_rejected;    /* events refused because the inbox was full */
  uint64_t inbox_events;      /* events waiting in the inbox now */
  uint64_t inbox_bytes;       /* bytes waiting in the inbox now */
  uint64_t inbox_hwm_events;  /* high-water mark of inbox_events */
  uint64_t inbox_hwm_bytes;
  uint64_t wakeups;           /* engine loop wake-ups by the inbox */
  uint64_t http_requests;
  uint64_t connections;       /* WebSocket connections open now */
  uint64_t connections_total; /* accepted WebSocket connections so far */
  uint64_t subscriptions;     /* patterns held by connections now */
  uint64_t deliveries;        /* event frames queued to connections */
  uint64_t frames_out;        /* frames written (events and control) */
  uint64_t bytes_out;
  uint64_t client_publishes;
  uint64_t dropped_low;       /* low events dropped for slow clients */
  uint64_t slow_consumer_closes;
  uint64_t heartbeat_timeouts;
  uint64_t protocol_errors;   /* connections closed 1002/1003/1007/1009 */
  uint64_t handshake_rejects; /* upgrades answered with 4xx/5xx */
  uint64_t op_errors;         /* error replies to client ops */
  uint64_t backlog_hwm_frames; /* largest per-connection backlog seen */
  uint64_t backlog_hwm_bytes;
  uint64_t history_events;    /* events in history now */
  uint64_t history_evicted;
  /* Redis mode */
  int redis_connected;        /* both connections ready */
  uint64_t redis_queued;      /* events waiting for (or in) XADD */
  uint64_t redis_queue_hwm;
  uint64_t redis_written;     /* XADDs acknowledged */
  uint64_t redis_relayed;     /* stream entries read by the relay */
  uint64_t redis_rejected;    /* events refused: queue full or Redis unavailable */
  uint64_t redis_reconnects;
  uint64_t redis_relay_pauses; /* times the relay stopped reading: 16 MB of
                                  other instances' events waited for the owner */
  uint64_t redis_last_read_ms; /* last relay reply (also empty ones) */
  uint64_t redis_last_event_ms; /* newest event seen by the relay */
  int port;                   /* bound port, 0 when not listening */
  int running;
} ew_engine_stats_t;

/* One engine counter as a Prometheus metric (GET /metrics, metrics.c):
 * name, "counter" or "gauge", help text, the stats() key the Node binding
 * gives it, its offset (a uint64_t) in ew_engine_stats_t, and whether it
 * exists only in Redis mode. Static data: any thread. */
typedef struct ew_metric_desc {
  const char *name, *type, *help, *stats_key;
  size_t offset;
  int redis_only;
} ew_metric_desc_t;
const ew_metric_desc_t *ew_metric_descs(size_t *n);

/* Creates an engine and starts its thread. On error *out is NULL. */
int ew_engine_create(ew_engine_t **out, const ew_engine_options_t *opts);

/* Queues a batch of events: `count` records, each
 *   type \x1f id \x1f timestamp \x1f priority \x1f source \x1f metadata-json \x1f data-json \x1e
 * Copies the bytes. EW_EQUEUE_FULL when the inbox bounds would be passed
 * (nothing is queued then), EW_ECLOSED after ew_engine_close. When req is
 * not 0 the engine answers EW_MSG_REPLY(req, 0) once it has taken the batch
 * in. Any thread until ew_engine_close; the owner thread after it. */
int ew_engine_send(ew_engine_t *e, const char *batch, size_t len, size_t count, uint32_t req);

/* Asks the engine to listen. The answer arrives as EW_MSG_LISTENING or
 * EW_MSG_REPLY (error) carrying `req`. Any thread. */
int ew_engine_listen(ew_engine_t *e, const ew_server_options_t *opts, uint32_t req);

/* Serves `body` with `content_type` at GET `path` (replacing an earlier
 * route). Any thread until close. */
int ew_engine_route(ew_engine_t *e, const char *path, const char *content_type,
                    const char *body, size_t len);

/* Reads history: events matching `pattern` (NULL = all) with ids after
 * `since` (NULL = from the oldest), at most `count` (newest ones when no
 * since). The answer is EW_MSG_REPLY(req) whose data is a JSON array of
 * envelopes, or value < 0 on error. Any thread until close. */
int ew_engine_history(ew_engine_t *e, const char *pattern, const char *since, size_t count,
                      uint32_t req);

/* Settles a client request the owner was asked about: a `pub`
 * (EW_MSG_EVENT) it could not emit (err < 0: the client gets the error), or
 * a client waiting for the authorize hook (EW_MSG_AUTH: err 0 accepts, with
 * message = the patterns the client may subscribe to, '\n'-separated (NULL
 * or "" = any; others are refused with ERR_FORBIDDEN); < 0 refuses with
 * message: Socket.IO connect_error, or HTTP 401 for /ws and /events). Any
 * thread until close. */
int ew_engine_answer(ew_engine_t *e, uint32_t token, int err, const char *message);

/* Redis mode: runs one non-blocking command on the command connection; the
 * answer is EW_MSG_REPLY(req): value 0 with the reply as JSON, or an error
 * (EW_EREDIS_UNAVAILABLE with Redis's message). `args` is a NUL-separated
 * list of `n` (1..100,000) arguments in `len` bytes (arguments cannot hold NUL). */
int ew_engine_redis_command(ew_engine_t *e, const char *args, size_t len, int n, uint32_t req);
/* Redis mode: reads new entries for a consumer group (XREADGROUP ... COUNT
 * count STREAMS <stream> >) and filters them on the engine thread. `args`
 * as above: group, consumer, count, then one or more patterns (n >= 4).
 * Entries outside the patterns, dead letters retried for another group and
 * entries eventwire did not write (counted in bad_records) are XACKed
 * unseen. The answer is EW_MSG_REPLY(req): value 0 with a text, the number
 * of entries Redis returned, RS (0x1e), then one record per entry taken, in
 * stream order (format in native/src/redis_group.c), or an error as above. */
int ew_engine_group_read(ew_engine_t *e, const char *args, size_t len, int n, uint32_t req);
/* Redis mode, what the relay tells the owner besides other instances'
 * events (flags, 0 = nothing more): EW_WATCH_STREAM posts EW_MSG_STREAM
 * whenever it reads new entries; EW_WATCH_OWN posts this instance's own
 * entries too, as EW_MSG_REMOTE records marked own (type prefixed with
 * 0x1d), so JS streams can follow the stream with stream ids. */
#define EW_WATCH_STREAM 1
#define EW_WATCH_OWN 2
int ew_engine_redis_watch(ew_engine_t *e, int flags);

/* Asks for the health JSON {"status":"ok"|"unavailable","mode",...}: the
 * answer is EW_MSG_REPLY(req) with value 1 (healthy) or 0 and the JSON. */
int ew_engine_health(ew_engine_t *e, uint32_t req);

/* Asks the engine to stop: it drains the inbox, closes the server and every
 * connection, then posts EW_MSG_CLOSED and its thread ends. Idempotent. */
int ew_engine_close(ew_engine_t *e);

/* Takes every waiting message (a list, oldest first; free each with
 * ew_msg_free) and re-arms the notify callback; wakes the engine when its
 * Redis relay paused for messages not taken (EW_MSG_REMOTE bound). Owner
 * thread. */
ew_msg_t *ew_engine_take(ew_engine_t *e);
void ew_msg_free(ew_msg_t *m);

/* Joins the engine thread; call after EW_MSG_CLOSED (or after
 * ew_engine_close when the owner cannot wait for messages: it then blocks
 * until the thread ends). Idempotent. */
int ew_engine_join(ew_engine_t *e);

/* Frees the engine. Closes and joins first if needed. */
void ew_engine_destroy(ew_engine_t *e);

/* A snapshot of the counters. Any thread. */
void ew_engine_stats(ew_engine_t *e, ew_engine_stats_t *out);

#ifdef __cplusplus
}
#endif
#endif /* EVENTWIRE_H */
