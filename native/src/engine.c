/*
 * engine.c - the engine thread: its libev loop, the inbox drain, the outbox
 * back to the owner, and the close/join lifecycle.
 *
 * The owner (the Node main thread, through binding.cc) never touches the
 * loop: it pushes commands into the inbox and wakes the loop with one
 * ev_async_send per push onto an empty inbox; the engine drains the whole
 * inbox on each wake-up. Answers go the other way through the outbox and the
 * notify callback, which fires once until the owner takes the messages.
 */
#include <signal.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"

#define EW__DEFAULT_INBOX_BYTES ((size_t)64 << 20)
#define EW__DEFAULT_INBOX_EVENTS ((size_t)1000000)

/* ---- outbox ------------------------------------------------------------- */

void ew__engine_post(ew_engine_t *e, ew_msg_kind_t kind, uint32_t req, int64_t value) {
  ew_msg_t *m = ew__calloc(1, sizeof *m);
  if (!m) return;
  m->kind = kind;
  m->req = req;
  m->value = value;
  int wake_owner;
  pthread_mutex_lock(&e->out_lock);
  if (e->out_tail)
    e->out_tail->next = m;
  else
    e->out_head = m;
  e->out_tail = m;
  wake_owner = !e->out_notified;
  e->out_notified = 1;
  pthread_mutex_unlock(&e->out_lock);
  if (wake_owner) e->notify(e->notify_arg);
}

ew_msg_t *ew_engine_take(ew_engine_t *e) {
  pthread_mutex_lock(&e->out_lock);
  ew_msg_t *m = e->out_head;
  e->out_head = e->out_tail = NULL;
  e->out_notified = 0;
  pthread_mutex_unlock(&e->out_lock);
  return m;
}

void ew_msg_free(ew_msg_t *m) { ew__free(m); }

/* ---- inbox drain (engine thread) --------------------------------------- */

static void ew__on_batch(ew_engine_t *e, const ew__cmd_t *c) {
  size_t bad = 0;
  size_t n = ew__batch_parse(c->data, c->len, NULL, NULL, &bad);
  atomic_fetch_add(&e->batches_in, 1);
  atomic_fetch_add(&e->events_in, n - bad);
  atomic_fetch_add(&e->bad_records, bad);
  atomic_fetch_add(&e->bytes_in, c->len);
  if (c->req) ew__engine_post(e, EW_MSG_REPLY, c->req, 0);
}

static void ew__on_listen(ew_engine_t *e, const ew__cmd_t *c) {
  if (e->server) {
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_EALREADY);
    return;
  }
  int rc = ew__server_start(e, c->len ? c->data : NULL, (int)c->arg, &e->server);
  if (rc) {
    ew__engine_post(e, EW_MSG_REPLY, c->req, rc);
    return;
  }
  atomic_store(&e->port, ew__server_port(e->server));
  ew__engine_post(e, EW_MSG_LISTENING, c->req, ew__server_port(e->server));
}

static void ew__stop(ew_engine_t *e) {
  e->stopping = 1;
  if (e->server) {
    ew__server_stop(e->server);
    e->server = NULL;
    atomic_store(&e->port, 0);
  }
  ev_async_stop(e->loop, &e->wake);
  ev_break(e->loop, EVBREAK_ALL);
}

static void ew__on_wake(struct ev_loop *loop, ev_async *w, int revents) {
  (void)loop;
  (void)revents;
  ew_engine_t *e = w->data;
  atomic_fetch_add(&e->wakeups, 1);
  ew__cmd_t *c = ew__inbox_take(&e->inbox);
  while (c) {
    ew__cmd_t *next = c->next;
    if (!e->stopping) {
      switch (c->kind) {
        case EW__CMD_BATCH: ew__on_batch(e, c); break;
        case EW__CMD_LISTEN: ew__on_listen(e, c); break;
        case EW__CMD_CLOSE: ew__stop(e); break;
      }
    }
    ew__cmd_free(c);
    c = next;
  }
}

static void *ew__thread_main(void *arg) {
  ew_engine_t *e = arg;
  ev_run(e->loop, 0);
  atomic_store(&e->running, 0);
  ew__engine_post(e, EW_MSG_CLOSED, 0, 0);
  return NULL;
}

/* ---- lifecycle (owner thread) ------------------------------------------- */

int ew_engine_create(ew_engine_t **out, const ew_engine_options_t *opts) {
  *out = NULL;
  if (!opts || !opts->notify) return EW_EINVAL;
  const char *delim = opts->delimiter ? opts->delimiter : ".";
  size_t dl = strlen(delim);
  if (dl == 0 || dl > EW_DELIM_MAX) return EW_EINVAL;

  ew_engine_t *e = ew__calloc(1, sizeof *e);
  if (!e) return EW_ENOMEM;
  memcpy(e->delim, delim, dl + 1);
  e->notify = opts->notify;
  e->notify_arg = opts->notify_arg;
  if (ew__inbox_init(&e->inbox,
                     opts->inbox_max_events ? opts->inbox_max_events : EW__DEFAULT_INBOX_EVENTS,
                     opts->inbox_max_bytes ? opts->inbox_max_bytes : EW__DEFAULT_INBOX_BYTES)) {
    ew__free(e);
    return EW_ENOMEM;
  }
  pthread_mutex_init(&e->out_lock, NULL);
  /* NOSIGMASK: libev must not touch the process signal mask inside Node. */
  e->loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOSIGMASK);
  if (!e->loop) e->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
  if (!e->loop) {
    ew__inbox_destroy(&e->inbox);
    pthread_mutex_destroy(&e->out_lock);
    ew__free(e);
    return EW_ENOMEM;
  }
  ev_async_init(&e->wake, ew__on_wake);
  e->wake.data = e;
  ev_async_start(e->loop, &e->wake);
  atomic_store(&e->running, 1);

  /* The engine thread takes no signals: Node's main thread handles them. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&e->thread, NULL, ew__thread_main, e);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    ev_async_stop(e->loop, &e->wake);
    ev_loop_destroy(e->loop);
    ew__inbox_destroy(&e->inbox);
    pthread_mutex_destroy(&e->out_lock);
    ew__free(e);
    return EW_ETHREAD;
  }
  *out = e;
  return 0;
}

static int ew__engine_push(ew_engine_t *e, ew__cmd_t *c) {
  int was_empty = 0;
  int rc = ew__inbox_push(&e->inbox, c, &was_empty);
  if (rc) {
    ew__cmd_free(c);
    return rc;
  }
  if (was_empty) ev_async_send(e->loop, &e->wake);
  return 0;
}

int ew_engine_send(ew_engine_t *e, const char *batch, size_t len, size_t count, uint32_t req) {
  if (!e || (!batch && len)) return EW_EINVAL;
  if (count == 0) return 0;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_BATCH, batch, len);
  if (!c) return EW_ENOMEM;
  c->count = count;
  c->req = req;
  return ew__engine_push(e, c);
}

int ew_engine_listen(ew_engine_t *e, const ew_server_options_t *opts, uint32_t req) {
  if (!e || !opts || opts->port < 0 || opts->port > 65535) return EW_EINVAL;
  const char *host = opts->host ? opts->host : "";
  ew__cmd_t *c = ew__cmd_new(EW__CMD_LISTEN, host, strlen(host));
  if (!c) return EW_ENOMEM;
  c->req = req;
  c->arg = opts->port;
  return ew__engine_push(e, c);
}

int ew_engine_close(ew_engine_t *e) {
  if (!e) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_CLOSE, NULL, 0);
  if (!c) {
    /* Cannot queue the command: still stop taking events, and wake the
     * loop so a later close attempt is not needed to make progress. */
    ew__inbox_seal(&e->inbox);
    return EW_ENOMEM;
  }
  int rc = ew__engine_push(e, c);
  return rc == EW_ECLOSED ? 0 : rc; /* second close: already on its way */
}

int ew_engine_join(ew_engine_t *e) {
  if (!e) return EW_EINVAL;
  if (e->joined) return 0;
  if (pthread_join(e->thread, NULL)) return EW_ETHREAD;
  e->joined = 1;
  return 0;
}

void ew_engine_destroy(ew_engine_t *e) {
  if (!e) return;
  if (!e->joined) {
    ew_engine_close(e);
    ew_engine_join(e);
  }
  ew_msg_t *m = ew_engine_take(e);
  while (m) {
    ew_msg_t *next = m->next;
    ew_msg_free(m);
    m = next;
  }
  ev_loop_destroy(e->loop);
  ew__inbox_destroy(&e->inbox);
  pthread_mutex_destroy(&e->out_lock);
  ew__free(e);
}

void ew_engine_stats(ew_engine_t *e, ew_engine_stats_t *out) {
  memset(out, 0, sizeof *out);
  out->batches_in = atomic_load(&e->batches_in);
  out->events_in = atomic_load(&e->events_in);
  out->bytes_in = atomic_load(&e->bytes_in);
  out->bad_records = atomic_load(&e->bad_records);
  out->wakeups = atomic_load(&e->wakeups);
  out->http_requests = atomic_load(&e->http_requests);
  out->port = atomic_load(&e->port);
  out->running = atomic_load(&e->running);
  pthread_mutex_lock(&e->inbox.lock);
  out->inbox_rejected = e->inbox.rejected;
  out->inbox_events = e->inbox.events;
  out->inbox_bytes = e->inbox.bytes;
  out->inbox_hwm_events = e->inbox.hwm_events;
  out->inbox_hwm_bytes = e->inbox.hwm_bytes;
  pthread_mutex_unlock(&e->inbox.lock);
}
