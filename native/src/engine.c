/*
 * engine.c - the engine thread: its libev loop, the inbox drain, the event
 * pipeline (history, then subscribed connections), and the close/join
 * lifecycle. The outbox back to the owner is outbox.c.
 *
 * The owner (the Node main thread, through binding.cc) never touches the
 * loop: it pushes commands into the inbox and wakes the loop with one
 * ev_async_send per push onto an empty inbox; the engine drains the whole
 * inbox on each wake-up, then writes to every connection that got something,
 * once. Answers go back through the outbox and the notify callback, which
 * fires once until the owner takes the messages. The owner's take also
 * sends one ev_async_send when the relay paused for remote events it had
 * not taken (the bound on EW_MSG_REMOTE bytes).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "alloc.h"
#include "engine.h"
#include "names.h"
#include "redis.h"
#include "sio.h"

#define EW__DEFAULT_INBOX_BYTES ((size_t)64 << 20)
#define EW__DEFAULT_INBOX_EVENTS ((size_t)1000000)
#define EW__DEFAULT_HISTORY 10000
#define EW__DEFAULT_HISTORY_AGE_MS (24LL * 3600 * 1000)
#define EW__HISTORY_MAX_ANSWER 10000

uint64_t ew__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* cJSON allocates through our counter too, so leaks show up in tests. */
static void ew__cjson_hooks(void) {
  cJSON_Hooks hooks = {ew__malloc, ew__free};
  cJSON_InitHooks(&hooks);
}

/* ---- event pipeline (engine thread) -------------------------------------- */

typedef struct ew__fanout {
  ew__frame_t *frame;
  uint64_t queued;
} ew__fanout_t;

static void ew__deliver_cb(void *sub, void *arg) {
  ew__fanout_t *fo = arg;
  fo->queued += (uint64_t)ew__conn_deliver(sub, fo->frame);
}

void ew__engine_publish(ew_engine_t *e, ew__frame_t *f) {
  ew__history_push(&e->history, f);
  atomic_store_explicit(&e->history_events, e->history.head - e->history.tail, memory_order_relaxed);
  atomic_store_explicit(&e->history_evicted, e->history.evicted, memory_order_relaxed);
  if (!e->server) return;
  ew__fanout_t fo = {f, 0};
  ew__matcher_match(e->matcher, f->type, f->type_len, ew__deliver_cb, &fo);
  /* One counter update per event, not per delivery. */
  if (fo.queued) atomic_fetch_add_explicit(&e->deliveries, fo.queued, memory_order_relaxed);
}

void ew__engine_flush(ew_engine_t *e) {
  ew__server_t *s = e->server;
  if (!s) return;
  while (s->dirty) {
    ew__conn_t *c = s->dirty;
    s->dirty = c->dirty_next;
    c->dirty = 0;
    c->dirty_next = NULL;
    ew__conn_flush(c);
  }
}

static ew__pending_t *ew__find_pending(ew_engine_t *e, uint32_t token) {
  ew__pending_t *p = &e->pending[token % EW__PENDING_MAX];
  return token && p->token == token ? p : NULL;
}

static int ew__is_auth(uint8_t kind) { return kind == EW__PENDING_AUTH || kind == EW__PENDING_HTTP_AUTH; }

static void ew__pending_free(ew_engine_t *e, ew__pending_t *p) {
  if (ew__is_auth(p->kind)) e->pending_auth--;
  uint32_t gen = p->gen;
  ew__free(p->ref);
  memset(p, 0, sizeof *p);
  p->gen = gen;
}

uint32_t ew__engine_pending(ew_engine_t *e, ew__conn_t *c, ew__pending_kind_t kind, const char *ref) {
  if (ew__is_auth((uint8_t)kind) && e->pending_auth >= EW__PENDING_AUTH_MAX) return 0;
  for (uint32_t i = 0; i < EW__PENDING_MAX; i++) {
    uint32_t slot = (e->next_token + i) % EW__PENDING_MAX;
    ew__pending_t *p = &e->pending[slot];
    if (p->token) continue;
    /* The token names the slot (low 10 bits) and how often it was taken
     * (22 bits): a late answer (a hook settling after its timeout, a
     * client gone) matches nothing until this slot has been taken 4M more
     * times; searches rotate, so that is ~4G requests later. */
    e->next_token++;
    p->gen = (p->gen + 1) & 0x3fffff;
    if (!p->gen) p->gen = 1;
    uint32_t token = (p->gen << 10) | slot;
    p->token = token;
    p->kind = (uint8_t)kind;
    if (ew__is_auth(p->kind)) e->pending_auth++;
    p->conn = c;
    p->ref = ref ? ew__strndup(ref, strlen(ref)) : NULL;
    return token;
  }
  return 0;
}

ew__pending_t *ew__engine_pending_get(ew_engine_t *e, uint32_t token) { return ew__find_pending(e, token); }

void ew__engine_pending_done(ew_engine_t *e, uint32_t token) {
  ew__pending_t *p = ew__find_pending(e, token);
  if (p) ew__pending_free(e, p);
}

/* A closed connection's requests: answers to them are dropped when they
 * come. A /ws or /events request waiting for the authorize hook gives its
 * slot back at once: the hook may never settle, and nothing else frees it
 * once the connection (and its handshake deadline) is gone. */
void ew__engine_forget_conn(ew_engine_t *e, ew__conn_t *c) {
  for (int i = 0; i < EW__PENDING_MAX; i++) {
    ew__pending_t *p = &e->pending[i];
    if (!p->token || p->conn != c) continue;
    if (p->kind == EW__PENDING_HTTP_AUTH)
      ew__pending_free(e, p);
    else
      p->conn = NULL;
  }
}

void ew__engine_pub_acked(ew_engine_t *e, uint32_t token, const char *id, size_t id_len) {
  ew__pending_t *p = ew__find_pending(e, token);
  if (!p || p->kind != EW__PENDING_PUB) return;
  ew__conn_t *c = p->conn;
  if (c) {
    ew__buf_t b;
    ew__buf_init(&b);
    if (c->wire == EW__WIRE_SIO)
      ew__buf_addf(&b, "43%s[{\"ok\":true,\"id\":\"%.*s\"}]", p->ref ? p->ref : "", (int)id_len, id);
    else
      ew__buf_addf(&b, "{\"op\":\"ack\"%s%s,\"id\":\"%.*s\"}", p->ref ? ",\"ref\":" : "", p->ref ? p->ref : "",
                   (int)id_len, id);
    /* Socket.IO without an ack id wants no answer. */
    if (!b.failed && (c->wire != EW__WIRE_SIO || p->ref)) ew__ws_send_text(c, b.data, b.len);
    ew__buf_free(&b);
  }
  ew__pending_free(e, p);
}

/* The record's origin: "p<req>" a publish() waiting for the id, "c<token>" a
 * client pub. Answered with the final id (embedded mode: at once). */
static void ew__answer_origin(ew_engine_t *e, const ew__record_t *r) {
  if (r->origin_len < 2) return;
  uint32_t n = (uint32_t)strtoul(r->origin + 1, NULL, 10);
  if (r->origin[0] == 'p')
    ew__engine_post_published(e, n, r->f.id, r->f.id_len);
  else if (r->origin[0] == 'c')
    ew__engine_pub_acked(e, n, r->f.id, r->f.id_len);
}

/* Tells the origin of a refused record why. */
static void ew__refuse_origin(ew_engine_t *e, const ew__record_t *r, int err) {
  uint32_t n = r->origin_len > 1 ? (uint32_t)strtoul(r->origin + 1, NULL, 10) : 0;
  if (r->origin_len > 1 && r->origin[0] == 'p') {
    ew__engine_post(e, EW_MSG_REPLY, n, err, NULL, 0);
  } else if (r->origin_len > 1 && r->origin[0] == 'c') {
    ew__engine_answer_now(e, n, err, NULL);
  } else {
    atomic_fetch_add(&e->redis_rejected, 1);
    ew__engine_dropped(e, err, err == EW_EQUEUE_FULL ? "the Redis offline queue is full (redis.queueSize)" : ew_strerror(err));
  }
}

static void ew__on_drop_timer(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew_engine_t *e = w->data;
  if (!e->drops_unreported) return;
  char msg[256];
  int n = snprintf(msg, sizeof msg, "%llu emit()ted event(s) refused: %s", (unsigned long long)e->drops_unreported,
                   e->drop_why);
  e->drops_unreported = 0;
  ew__engine_post(e, EW_MSG_WARN, 0, e->drop_err, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

void ew__engine_dropped(ew_engine_t *e, int err, const char *why) {
  e->drops_unreported++;
  e->drop_err = err;
  snprintf(e->drop_why, sizeof e->drop_why, "%s", why);
  if (!ev_is_active(&e->drop_timer)) {
    ev_timer_set(&e->drop_timer, 0., 0.); /* after this turn's other events */
    ev_timer_start(e->loop, &e->drop_timer);
  }
}

void ew__engine_answer_now(ew_engine_t *e, uint32_t token, int err, const char *message) {
  ew__pending_t *p = ew__find_pending(e, token);
  if (!p) return;
  ew__conn_t *c = p->conn;
  if (p->kind == EW__PENDING_HTTP_AUTH) {
    ew__pending_free(e, p); /* first: routing the request may take new slots */
    if (c) {
      ew__http_auth_done(c, err, message);
      ew__engine_flush(e);
    }
    return;
  }
  if (c && p->kind == EW__PENDING_AUTH) {
    ew__sio_auth_done(c, err, message);
  } else if (c && err < 0) {
    const char *m = message && *message ? message : ew_strerror(err);
    if (c->wire == EW__WIRE_SIO) {
      ew__buf_t b;
      ew__buf_init(&b);
      ew__buf_addf(&b, "{\"ok\":false,\"code\":\"%s\",\"message\":", ew_err_name(err));
      ew__buf_add_json_str(&b, m, strlen(m));
      ew__buf_adds(&b, "}");
      if (!b.failed) {
        if (p->ref) {
          ew__buf_t a;
          ew__buf_init(&a);
          ew__buf_addf(&a, "43%s[%s]", p->ref, b.data);
          if (!a.failed) ew__ws_send_text(c, a.data, a.len);
          ew__buf_free(&a);
        } else {
          ew__conn_notice(c, "error", b.data);
        }
      }
      ew__buf_free(&b);
    } else {
      ew__wsproto_error(c, p->ref, err, m, NULL);
    }
  }
  ew__pending_free(e, p);
  if (c) ew__engine_flush(e);
}

static void ew__on_record(const ew__record_t *r, void *arg) {
  ew_engine_t *e = arg;
  /* Counted before its publish() is answered: a caller that awaited the id
   * sees the event in stats(). */
  atomic_fetch_add_explicit(&e->events_in, 1, memory_order_relaxed);
  if (e->redis) {
    /* Redis mode: fan-out follows the stream (the relay), except while Redis
     * is down: then local clients get the event now, and the relay skips it. */
    int down = !ew__redis_ready(e->redis);
    ew__frame_t *f = down ? ew__frame_event(&r->f) : NULL;
    if (down && !f) {
      ew__refuse_origin(e, r, EW_ENOMEM); /* no frame: out of memory (the record was parsed) */
      return;
    }
    int rc = ew__redis_enqueue(e->redis, r, down);
    if (rc) ew__refuse_origin(e, r, rc);
    if (f && !rc) ew__engine_publish(e, f); /* refused: not delivered here either (the caller may retry) */
    if (f) ew__frame_unref(f);
    return;
  }
  ew__frame_t *f = ew__frame_event(&r->f);
  if (!f) {
    atomic_fetch_add(&e->bad_records, 1);
    return;
  }
  ew__answer_origin(e, r);
  ew__engine_publish(e, f);
  ew__frame_unref(f);
}

static void ew__on_batch(ew_engine_t *e, const ew__cmd_t *c) {
  size_t bad = 0;
  ew__batch_parse(c->data, c->len, ew__on_record, e, &bad); /* counts events_in */
  atomic_fetch_add(&e->batches_in, 1);
  atomic_fetch_add(&e->bad_records, bad);
  atomic_fetch_add(&e->bytes_in, c->len);
  if (c->req) ew__engine_post(e, EW_MSG_REPLY, c->req, 0, NULL, 0);
  /* Write after every batch, not only after the whole drain: sockets start
   * sending sooner and backlogs hold at most about one batch. */
  ew__engine_flush(e);
}

static void ew__on_answer(ew_engine_t *e, const ew__cmd_t *c) {
  ew__engine_answer_now(e, c->req, (int)c->arg, c->len ? c->data : NULL);
}

static void ew__on_listen(ew_engine_t *e, const ew__cmd_t *c) {
  if (e->server) {
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_EALREADY, NULL, 0);
    return;
  }
  const ew_server_options_t *o = (const ew_server_options_t *)(const void *)c->data;
  int rc = ew__server_start(e, o, &e->server);
  if (rc) {
    ew__engine_post(e, EW_MSG_REPLY, c->req, rc, NULL, 0);
    return;
  }
  atomic_store(&e->port, e->server->port);
  ew__engine_post(e, EW_MSG_LISTENING, c->req, e->server->port, NULL, 0);
}

static void ew__on_route(ew_engine_t *e, const ew__cmd_t *c) {
  const char *path = c->data;
  const char *ctype = path + strlen(path) + 1;
  const char *body = ctype + strlen(ctype) + 1;
  size_t body_len = c->len - (size_t)(body - c->data);
  ew__route_t *r = ew__calloc(1, sizeof *r);
  if (!r) return;
  r->path = ew__strndup(path, strlen(path));
  r->content_type = ew__strndup(ctype, strlen(ctype));
  r->body = ew__strndup(body, body_len);
  if (!r->path || !r->content_type || !r->body) {
    ew__free(r->path), ew__free(r->content_type), ew__free(r->body), ew__free(r);
    return;
  }
  r->path_len = strlen(path);
  r->body_len = body_len;
  /* A later route for the same path replaces the earlier one. */
  for (ew__route_t **pp = &e->routes; *pp; pp = &(*pp)->next) {
    if (!strcmp((*pp)->path, r->path)) {
      ew__route_t *old = *pp;
      r->next = old->next;
      *pp = r;
      ew__free(old->path), ew__free(old->content_type), ew__free(old->body), ew__free(old);
      return;
    }
  }
  r->next = e->routes;
  e->routes = r;
}

const ew__route_t *ew__engine_find_route(const ew_engine_t *e, const char *path, size_t len) {
  for (const ew__route_t *r = e->routes; r; r = r->next)
    if (r->path_len == len && !memcmp(r->path, path, len)) return r;
  return NULL;
}

/* getEventHistory: a JSON array of envelopes, oldest first. */
static void ew__on_history(ew_engine_t *e, const ew__cmd_t *c) {
  const char *pattern = c->data;
  const char *since = pattern + strlen(pattern) + 1;
  size_t count = c->arg > 0 ? (size_t)c->arg : 100;
  if (count > EW__HISTORY_MAX_ANSWER) count = EW__HISTORY_MAX_ANSWER;
  if (e->redis) {
    ew__redis_history(e->redis, pattern, since, count, c->req);
    return;
  }
  ew__history_t *h = &e->history;
  ew__history_trim_age(h, ew__now_ms());
  int rc = 0;
  uint64_t from = h->tail;
  if (*since) {
    uint64_t ms, seq;
    if (ew__id_parse(since, strlen(since), &ms, &seq)) {
      ew__engine_post(e, EW_MSG_REPLY, c->req, EW_ESINCE, NULL, 0);
      return;
    }
    if (ew__history_gap(h, ms, seq)) rc = EW_EHISTORY_GAP;
    else from = ew__history_after(h, ms, seq);
  }
  /* Without since, the newest `count` matches: walk back to find the start. */
  if (!*since) {
    size_t found = 0;
    uint64_t pos = h->head;
    while (pos > h->tail && found < count) {
      ew__frame_t *f = ew__history_at(h, pos - 1);
      if (!*pattern || ew__pattern_match(pattern, strlen(pattern), f->type, f->type_len, e->delim)) found++;
      if (found <= count) pos--;
    }
    from = pos;
  }
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_add(&b, "[", 1);
  size_t n = 0;
  for (uint64_t pos = from; pos < h->head && n < count; pos++) {
    ew__frame_t *f = ew__history_at(h, pos);
    if (*pattern && !ew__pattern_match(pattern, strlen(pattern), f->type, f->type_len, e->delim)) continue;
    size_t plen;
    const char *p = ew__frame_payload(f, &plen);
    if (n++) ew__buf_add(&b, ",", 1);
    ew__buf_add(&b, p, plen);
  }
  ew__buf_add(&b, "]", 1);
  if (b.failed)
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_ENOMEM, NULL, 0);
  else
    ew__engine_post(e, EW_MSG_REPLY, c->req, rc, b.data, b.len);
  ew__buf_free(&b);
}

int ew__engine_health_json(ew_engine_t *e, ew__buf_t *b) {
  int healthy = 1;
  ew__buf_t r;
  ew__buf_init(&r);
  if (e->redis) healthy = ew__redis_health_json(e->redis, &r);
  ew__buf_addf(b, "{\"status\":\"%s\",\"mode\":\"%s\"", healthy ? "ok" : "unavailable",
               e->redis ? "redis" : "embedded");
  if (e->redis) {
    ew__buf_adds(b, ",\"redis\":");
    ew__buf_add(b, r.data ? r.data : "null", r.data ? r.len : 4);
  }
  ew__buf_adds(b, "}");
  ew__buf_free(&r);
  return healthy;
}

static void ew__on_health(ew_engine_t *e, const ew__cmd_t *c) {
  ew__buf_t b;
  ew__buf_init(&b);
  int healthy = ew__engine_health_json(e, &b);
  if (b.failed)
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_ENOMEM, NULL, 0);
  else
    ew__engine_post(e, EW_MSG_REPLY, c->req, healthy, b.data, b.len);
  ew__buf_free(&b);
}

static void ew__on_redis_command(ew_engine_t *e, const ew__cmd_t *c) {
  if (!e->redis) {
    static const char msg[] = "this bus has no Redis";
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_EREDIS_UNAVAILABLE, msg, sizeof msg - 1);
    return;
  }
  int want = (int)c->arg;
  const char **argv = ew__malloc((size_t)want * sizeof *argv);
  size_t *argl = ew__malloc((size_t)want * sizeof *argl);
  if (!argv || !argl) {
    ew__free(argv), ew__free(argl);
    ew__engine_post(e, EW_MSG_REPLY, c->req, EW_ENOMEM, NULL, 0);
    return;
  }
  int n = 0;
  const char *p = c->data, *end = c->data + c->len;
  while (p < end && n < want) {
    size_t l = strnlen(p, (size_t)(end - p));
    argv[n] = p;
    argl[n++] = l;
    p += l + 1;
  }
  if (c->kind == EW__CMD_GROUP_READ)
    ew__redis_group_read(e->redis, argv, argl, n, c->req);
  else
    ew__redis_command(e->redis, argv, argl, n, c->req);
  ew__free(argv);
  ew__free(argl);
}

static void ew__stop_now(ew_engine_t *e);

/* At close, events already taken are written to Redis first (bounded). */
static void ew__on_close_timer(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew_engine_t *e = w->data;
  if (atomic_load(&e->redis_queued) == 0 || !ew__redis_ready(e->redis) || ew__now_ms() > e->close_deadline_ms)
    ew__stop_now(e);
}

static void ew__stop(ew_engine_t *e) {
  e->stopping = 1;
  if (e->redis && atomic_load(&e->redis_queued) > 0 && ew__redis_ready(e->redis)) {
    e->close_deadline_ms = ew__now_ms() + 5000;
    ev_timer_init(&e->close_timer, ew__on_close_timer, 0.01, 0.01);
    e->close_timer.data = e;
    ev_timer_start(e->loop, &e->close_timer);
    return;
  }
  ew__stop_now(e);
}

static void ew__stop_now(ew_engine_t *e) {
  if (ev_is_active(&e->close_timer)) ev_timer_stop(e->loop, &e->close_timer);
  if (e->redis) {
    ew__redis_stop(e->redis);
    e->redis = NULL;
  }
  if (e->server) {
    ew__server_stop(e->server);
    e->server = NULL;
    atomic_store(&e->port, 0);
    atomic_store(&e->connections, 0);
  }
  ev_timer_stop(e->loop, &e->history_timer);
  ew__on_drop_timer(e->loop, &e->drop_timer, 0); /* what is still unreported */
  ev_timer_stop(e->loop, &e->drop_timer);
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
        case EW__CMD_ROUTE: ew__on_route(e, c); break;
        case EW__CMD_HISTORY: ew__on_history(e, c); break;
        case EW__CMD_ANSWER: ew__on_answer(e, c); break;
        case EW__CMD_HEALTH: ew__on_health(e, c); break;
        case EW__CMD_REDIS:
        case EW__CMD_GROUP_READ: ew__on_redis_command(e, c); break;
        case EW__CMD_WATCH:
          if (e->redis) ew__redis_watch(e->redis, (int)c->arg);
          break;
        case EW__CMD_CLOSE:
          ew__engine_flush(e);
          ew__stop(e);
          break;
      }
    }
    ew__cmd_free(c);
    c = next;
  }
  if (!e->stopping && e->redis) ew__redis_resume(e->redis); /* the owner took what the relay waited for */
  if (!e->stopping) ew__engine_flush(e);
}

static void ew__on_history_timer(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew_engine_t *e = w->data;
  ew__history_trim_age(&e->history, ew__now_ms());
  atomic_store(&e->history_events, e->history.head - e->history.tail);
  atomic_store(&e->history_evicted, e->history.evicted);
}

static void *ew__thread_main(void *arg) {
  ew_engine_t *e = arg;
#ifdef __linux__
  prctl(PR_SET_NAME, "eventwire", 0, 0, 0); /* its own line in top -H, perf, /proc/<pid>/task */
#endif
  ev_run(e->loop, 0);
  atomic_store(&e->running, 0);
  ew__engine_post(e, EW_MSG_CLOSED, 0, 0, NULL, 0);
  return NULL;
}

/* ---- lifecycle (owner thread) ------------------------------------------- */

static void ew__engine_free(ew_engine_t *e) {
  if (e->loop) ev_loop_destroy(e->loop);
  if (e->matcher) ew__matcher_destroy(e->matcher);
  ew__history_free(&e->history);
  while (e->routes) {
    ew__route_t *r = e->routes;
    e->routes = r->next;
    ew__free(r->path), ew__free(r->content_type), ew__free(r->body), ew__free(r);
  }
  for (int i = 0; i < EW__PENDING_MAX; i++)
    if (e->pending[i].token) ew__pending_free(e, &e->pending[i]);
  ew__inbox_destroy(&e->inbox);
  pthread_mutex_destroy(&e->out_lock);
  ew__free(e);
}

int ew_engine_create(ew_engine_t **out, const ew_engine_options_t *opts) {
  static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
  *out = NULL;
  if (!opts || !opts->notify) return EW_EINVAL;
  const char *delim = opts->delimiter ? opts->delimiter : ".";
  size_t dl = strlen(delim);
  if (dl == 0 || dl > EW_DELIM_MAX || !ew__delim_len(delim)) return EW_EINVAL;
  pthread_once(&hooks_once, ew__cjson_hooks);

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
  int64_t age = opts->history_max_age_ms ? opts->history_max_age_ms : EW__DEFAULT_HISTORY_AGE_MS;
  e->matcher = ew__matcher_create(delim);
  int hrc = ew__history_init(&e->history, opts->history_size ? opts->history_size : EW__DEFAULT_HISTORY, age);
  /* NOSIGMASK: libev must not touch the process signal mask inside Node. */
  e->loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOSIGMASK);
  if (!e->loop) e->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
  if (!e->loop || !e->matcher || hrc) {
    ew__engine_free(e);
    return EW_ENOMEM;
  }
  ev_async_init(&e->wake, ew__on_wake);
  e->wake.data = e;
  ev_async_start(e->loop, &e->wake);
  if (opts->redis) {
    int rrc = ew__redis_start(e, opts->redis, &e->redis);
    if (rrc) {
      ew__engine_free(e);
      return rrc;
    }
  }
  ev_timer_init(&e->history_timer, ew__on_history_timer, 1.0, 1.0);
  e->history_timer.data = e;
  ev_timer_init(&e->drop_timer, ew__on_drop_timer, 0., 0.);
  e->drop_timer.data = e;
  if (age > 0) ev_timer_start(e->loop, &e->history_timer);
  atomic_store(&e->running, 1);

  /* The engine thread takes no signals: Node's main thread handles them. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&e->thread, NULL, ew__thread_main, e);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    ew__engine_free(e);
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

/* Copies the options and their strings into one command. */
int ew_engine_listen(ew_engine_t *e, const ew_server_options_t *opts, uint32_t req) {
  if (!e || !opts || opts->port < 0 || opts->port > 65535) return EW_EINVAL;
  /* Every string the options point to is copied into the command: the
   * caller's memory is gone by the time the engine thread reads it. */
  enum { N = 6 };
  const char *strs[N] = {opts->host ? opts->host : "", opts->ws_path ? opts->ws_path : "",
                         opts->allowed_origins ? opts->allowed_origins : "",
                         opts->sio_path ? opts->sio_path : "", opts->sse_path ? opts->sse_path : "",
                         opts->ops_token ? opts->ops_token : ""};
  size_t lens[N], total = sizeof(ew_server_options_t);
  for (int i = 0; i < N; i++) total += (lens[i] = strlen(strs[i])) + 1;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_LISTEN, NULL, total);
  if (!c) return EW_ENOMEM;
  ew_server_options_t *o = (ew_server_options_t *)(void *)c->data;
  *o = *opts;
  char *p = c->data + sizeof *o;
  const char **dst[N] = {&o->host, &o->ws_path, &o->allowed_origins, &o->sio_path, &o->sse_path, &o->ops_token};
  for (int i = 0; i < N; i++) {
    memcpy(p, strs[i], lens[i] + 1);
    *dst[i] = p;
    p += lens[i] + 1;
  }
  if (!opts->allowed_origins) o->allowed_origins = NULL;
  if (!opts->sio_path) o->sio_path = NULL;
  if (!opts->sse_path) o->sse_path = NULL;
  if (!opts->ops_token || !*opts->ops_token) o->ops_token = NULL;
  c->req = req;
  return ew__engine_push(e, c);
}

int ew_engine_route(ew_engine_t *e, const char *path, const char *content_type, const char *body,
                    size_t len) {
  if (!e || !path || path[0] != '/' || !content_type || (!body && len)) return EW_EINVAL;
  size_t pl = strlen(path), cl = strlen(content_type);
  ew__cmd_t *c = ew__cmd_new(EW__CMD_ROUTE, NULL, pl + 1 + cl + 1 + len);
  if (!c) return EW_ENOMEM;
  memcpy(c->data, path, pl + 1);
  memcpy(c->data + pl + 1, content_type, cl + 1);
  if (len) memcpy(c->data + pl + 1 + cl + 1, body, len);
  return ew__engine_push(e, c);
}

int ew_engine_history(ew_engine_t *e, const char *pattern, const char *since, size_t count, uint32_t req) {
  if (!e) return EW_EINVAL;
  if (pattern && ew_pattern_check(pattern, strlen(pattern), e->delim)) return EW_EPATTERN;
  const char *p = pattern ? pattern : "", *s = since ? since : "";
  size_t pl = strlen(p), sl = strlen(s);
  ew__cmd_t *c = ew__cmd_new(EW__CMD_HISTORY, NULL, pl + 1 + sl + 1);
  if (!c) return EW_ENOMEM;
  memcpy(c->data, p, pl + 1);
  memcpy(c->data + pl + 1, s, sl + 1);
  c->arg = (int64_t)count;
  c->req = req;
  return ew__engine_push(e, c);
}

int ew_engine_answer(ew_engine_t *e, uint32_t token, int err, const char *message) {
  if (!e || err > 0) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_ANSWER, message, message ? strlen(message) : 0);
  if (!c) return EW_ENOMEM;
  c->req = token;
  c->arg = err;
  return ew__engine_push(e, c);
}

int ew_engine_health(ew_engine_t *e, uint32_t req) {
  if (!e) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_HEALTH, NULL, 0);
  if (!c) return EW_ENOMEM;
  c->req = req;
  return ew__engine_push(e, c);
}

static int ew__redis_push(ew_engine_t *e, ew__cmd_kind_t kind, const char *args, size_t len, int n, uint32_t req) {
  if (!e || n <= 0 || n > 100000 || (!args && len)) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(kind, args, len);
  if (!c) return EW_ENOMEM;
  c->arg = n;
  c->req = req;
  return ew__engine_push(e, c);
}

int ew_engine_redis_command(ew_engine_t *e, const char *args, size_t len, int n, uint32_t req) {
  return ew__redis_push(e, EW__CMD_REDIS, args, len, n, req);
}

int ew_engine_group_read(ew_engine_t *e, const char *args, size_t len, int n, uint32_t req) {
  if (n < 4) return EW_EINVAL;
  return ew__redis_push(e, EW__CMD_GROUP_READ, args, len, n, req);
}

int ew_engine_redis_watch(ew_engine_t *e, int flags) {
  if (!e) return EW_EINVAL;
  if (flags & ~(EW_WATCH_STREAM | EW_WATCH_OWN)) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_WATCH, NULL, 0);
  if (!c) return EW_ENOMEM;
  c->arg = flags;
  return ew__engine_push(e, c);
}

int ew_engine_close(ew_engine_t *e) {
  if (!e) return EW_EINVAL;
  ew__cmd_t *c = ew__cmd_new(EW__CMD_CLOSE, NULL, 0);
  if (!c) {
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
  ew__engine_free(e);
}

void ew__engine_stats_json(ew_engine_t *e, ew__buf_t *b) {
  ew_engine_stats_t s;
  ew_engine_stats(e, &s);
  ew__buf_addf(b,
               "{\"connections\":%llu,\"connectionsTotal\":%llu,\"subscriptions\":%llu,"
               "\"eventsIn\":%llu,\"deliveries\":%llu,\"framesOut\":%llu,\"bytesOut\":%llu,"
               "\"clientPublishes\":%llu,\"droppedLow\":%llu,\"slowConsumerCloses\":%llu,"
               "\"heartbeatTimeouts\":%llu,\"protocolErrors\":%llu,\"handshakeRejects\":%llu,"
               "\"opErrors\":%llu,\"backlogHighWaterFrames\":%llu,\"backlogHighWaterBytes\":%llu,"
               "\"inboxHighWaterEvents\":%llu,\"inboxRejected\":%llu,\"historyEvents\":%llu,"
               "\"historyEvicted\":%llu}",
               (unsigned long long)s.connections, (unsigned long long)s.connections_total,
               (unsigned long long)s.subscriptions, (unsigned long long)s.events_in,
               (unsigned long long)s.deliveries, (unsigned long long)s.frames_out,
               (unsigned long long)s.bytes_out, (unsigned long long)s.client_publishes,
               (unsigned long long)s.dropped_low, (unsigned long long)s.slow_consumer_closes,
               (unsigned long long)s.heartbeat_timeouts, (unsigned long long)s.protocol_errors,
               (unsigned long long)s.handshake_rejects, (unsigned long long)s.op_errors,
               (unsigned long long)s.backlog_hwm_frames, (unsigned long long)s.backlog_hwm_bytes,
               (unsigned long long)s.inbox_hwm_events, (unsigned long long)s.inbox_rejected,
               (unsigned long long)s.history_events, (unsigned long long)s.history_evicted);
}

void ew_engine_stats(ew_engine_t *e, ew_engine_stats_t *out) {
  memset(out, 0, sizeof *out);
  out->batches_in = atomic_load(&e->batches_in);
  out->events_in = atomic_load(&e->events_in);
  out->bytes_in = atomic_load(&e->bytes_in);
  out->bad_records = atomic_load(&e->bad_records);
  out->wakeups = atomic_load(&e->wakeups);
  out->http_requests = atomic_load(&e->http_requests);
  out->connections = atomic_load(&e->connections);
  out->connections_total = atomic_load(&e->connections_total);
  out->subscriptions = atomic_load(&e->subscriptions);
  out->deliveries = atomic_load(&e->deliveries);
  out->frames_out = atomic_load(&e->frames_out);
  out->bytes_out = atomic_load(&e->bytes_out);
  out->client_publishes = atomic_load(&e->client_publishes);
  out->dropped_low = atomic_load(&e->dropped_low);
  out->slow_consumer_closes = atomic_load(&e->slow_consumer_closes);
  out->heartbeat_timeouts = atomic_load(&e->heartbeat_timeouts);
  out->protocol_errors = atomic_load(&e->protocol_errors);
  out->handshake_rejects = atomic_load(&e->handshake_rejects);
  out->op_errors = atomic_load(&e->op_errors);
  out->backlog_hwm_frames = atomic_load(&e->backlog_hwm_frames);
  out->backlog_hwm_bytes = atomic_load(&e->backlog_hwm_bytes);
  out->history_events = atomic_load(&e->history_events);
  out->history_evicted = atomic_load(&e->history_evicted);
  out->redis_connected = atomic_load(&e->redis_connected);
  out->redis_queued = atomic_load(&e->redis_queued);
  out->redis_queue_hwm = atomic_load(&e->redis_queue_hwm);
  out->redis_written = atomic_load(&e->redis_written);
  out->redis_relayed = atomic_load(&e->redis_relayed);
  out->redis_rejected = atomic_load(&e->redis_rejected);
  out->redis_reconnects = atomic_load(&e->redis_reconnects);
  out->redis_relay_pauses = atomic_load(&e->relay_pauses);
  out->redis_last_read_ms = atomic_load(&e->redis_last_read_ms);
  out->redis_last_event_ms = atomic_load(&e->redis_last_event_ms);
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
