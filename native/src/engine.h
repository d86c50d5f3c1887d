/*
 * engine.h - what the engine's parts (server.c, batch.c, ...) share.
 * Fields marked {engine} are touched only by the engine thread; {owner}
 * only by the thread that created the engine; {out_lock}/{inbox.lock} under
 * that mutex; atomics from any thread.
 */
#ifndef EW_ENGINE_H
#define EW_ENGINE_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>

#include "eventwire.h"
#include "inbox.h"

typedef struct ew__server ew__server_t;

struct ew_engine {
  ew__inbox_t inbox;            /* {inbox.lock} */
  char delim[EW_DELIM_MAX + 1]; /* immutable after create */

  pthread_t thread;             /* {owner} */
  int joined;                   /* {owner} */

  struct ev_loop *loop;         /* {engine} */
  ev_async wake;                /* {engine}; ev_async_send from any thread */
  ew__server_t *server;         /* {engine} NULL until listening */
  int stopping;                 /* {engine} */

  pthread_mutex_t out_lock;
  ew_msg_t *out_head, *out_tail; /* {out_lock} */
  int out_notified;              /* {out_lock} notify sent, not yet taken */
  ew_notify_cb notify;           /* immutable; called on the engine thread */
  void *notify_arg;

  /* counters, written by the engine thread, read anywhere */
  _Atomic uint64_t batches_in, events_in, bytes_in, bad_records, wakeups;
  _Atomic uint64_t http_requests;
  atomic_int port;
  atomic_int running;
};

/* Posts a message to the owner (engine thread). Drops it only when out of
 * memory, which is counted nowhere else because nothing else can be done. */
void ew__engine_post(ew_engine_t *e, ew_msg_kind_t kind, uint32_t req, int64_t value);

/* server.c: the lws context on the engine loop. {engine} */
int ew__server_start(ew_engine_t *e, const char *host, int port, ew__server_t **out);
int ew__server_port(const ew__server_t *s);
void ew__server_stop(ew__server_t *s);

/* batch.c: splits an inbox batch into records. Returns records seen, counts
 * malformed ones in *bad. */
typedef struct ew__record {
  const char *type, *id, *ts, *priority, *source, *metadata, *data;
  size_t type_len, id_len, ts_len, priority_len, source_len, metadata_len, data_len;
} ew__record_t;
typedef void (*ew__record_cb)(const ew__record_t *r, void *arg);
size_t ew__batch_parse(const char *buf, size_t len, ew__record_cb cb, void *arg, size_t *bad);

#endif
