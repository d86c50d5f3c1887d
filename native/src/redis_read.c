/*
 * redis_read.c - reading the stream for clients and JS: the replay of a
 * resume older than the engine's ring (XRANGE pages into a connection's
 * backlog, then the ring), getEventHistory (XRANGE/XREVRANGE), the generic
 * non-blocking command consumer groups use, and the health JSON.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "names.h"
#include "redis_int.h"

/* hiredis reply -> JSON: strings and status as strings, integers as numbers,
 * nil as null, arrays as arrays. */
static void ew__reply_json(const redisReply *rep, ew__buf_t *b) {
  switch (rep->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      ew__buf_add_json_str(b, rep->str, rep->len);
      break;
    case REDIS_REPLY_INTEGER:
      ew__buf_addf(b, "%lld", rep->integer);
      break;
    case REDIS_REPLY_ARRAY:
      ew__buf_add(b, "[", 1);
      for (size_t i = 0; i < rep->elements; i++) {
        if (i) ew__buf_add(b, ",", 1);
        ew__reply_json(rep->element[i], b);
      }
      ew__buf_add(b, "]", 1);
      break;
    default:
      ew__buf_adds(b, "null");
      break;
  }
}

static void ew__on_command(redisAsyncContext *ac, void *reply_, void *priv) {
  redisReply *reply = reply_;
  ew__redis_t *r = ac->data;
  uint32_t req = (uint32_t)(uintptr_t)priv;
  if (!reply) {
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, "connection lost", 15);
    return;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, reply->str, reply->len);
    return;
  }
  ew__buf_t b;
  ew__buf_init(&b);
  ew__reply_json(reply, &b);
  if (b.failed)
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_ENOMEM, NULL, 0);
  else
    ew__engine_post(r->e, EW_MSG_REPLY, req, 0, b.data, b.len);
  ew__buf_free(&b);
}

void ew__redis_command(ew__redis_t *r, const char *const *argv, const size_t *argl, int n, uint32_t req) {
  if (!r->cmd.ready ||
      redisAsyncCommandArgv(r->cmd.ac, ew__on_command, (void *)(uintptr_t)req, n, (const char **)argv, argl) != REDIS_OK) {
    const char *why = r->last_error[0] ? r->last_error : "not connected";
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, why, strlen(why));
  }
}

/* ---- replay from the stream (a resume older than the ring) -------------------------------- */

#define EW__REPLAY_PAGE 256

static int ew__replay_page(ew__redis_t *r, uint32_t token, ew__conn_t *c);

/* The connection leaves the stream replay for the ring, after (ms, seq). */
static void ew__replay_leave(ew__redis_t *r, ew__conn_t *c) {
  ew__history_t *h = &r->e->history;
  c->stream_catchup = 0;
  c->replay_parked = 0;
  c->cursor = ew__history_after(h, c->sc_ms, c->sc_seq);
  c->catching_up = c->cursor < h->head || ew__history_gap(h, c->sc_ms, c->sc_seq);
  if (ew__history_gap(h, c->sc_ms, c->sc_seq)) c->cursor = h->tail - 1; /* the refill closes it: 4008, resume again */
  ew__conn_mark_dirty(c);
}

static void ew__replay_done(ew__redis_t *r, ew__conn_t *c) {
  ew__replay_leave(r, c);
  ew__engine_flush(r->e);
}

/* Flow control of the stream replay, like the ring's refill (outq.c): a
 * page goes out only while the backlog is under half its bounds, and asks
 * for what fills it to the bound (by the last page's frame size), so a
 * client that reads gets a resume of any length without being taken for
 * a slow one. A client that stops reading keeps the replay parked. */
static int ew__replay_room(const ew__conn_t *c) {
  const ew__server_t *s = c->srv;
  if (c->q_count * 2 > s->backlog_max_frames || c->q_bytes * 2 > s->backlog_max_bytes) return 0;
  size_t frames = s->backlog_max_frames - c->q_count;
  size_t avg = c->replay_avg_len ? c->replay_avg_len : 1;
  size_t by_bytes = (s->backlog_max_bytes - c->q_bytes) / avg;
  if (by_bytes < frames) frames = by_bytes;
  if (frames > EW__REPLAY_PAGE) frames = EW__REPLAY_PAGE;
  return frames ? (int)frames : 1;
}

/* The connection a replay reply is for, while it is open; NULL, with the
 * token given back, once it is gone. */
static ew__conn_t *ew__replay_target(ew__redis_t *r, uint32_t token) {
  ew__pending_t *p = ew__engine_pending_get(r->e, token);
  ew__conn_t *c = p ? p->conn : NULL;
  if (c && c->state == EW__CONN_OPEN) return c;
  ew__engine_pending_done(r->e, token);
  return NULL;
}

/* The stream id of an entry [id, fields]; -1 when it is not one. */
static int ew__entry_id(const redisReply *entry, uint64_t *ms, uint64_t *seq) {
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[0]->type != REDIS_REPLY_STRING) return -1;
  return ew__id_parse(entry->element[0]->str, entry->element[0]->len, ms, seq) ? -1 : 0;
}

static void ew__replay_slow_close(ew__redis_t *r, ew__conn_t *c, uint32_t token) {
  ew__engine_pending_done(r->e, token);
  atomic_fetch_add(&r->e->slow_consumer_closes, 1);
  ew__conn_close(c, 4008, "slow consumer"); /* it resumes from its last id: told of a gap then */
  ew__engine_flush(r->e);
}

static void ew__on_replay_page(redisAsyncContext *ac, void *reply_, void *priv) {
  ew__redis_t *r = ac->data;
  redisReply *reply = reply_;
  uint32_t token = (uint32_t)(uintptr_t)priv;
  ew__conn_t *c = ew__replay_target(r, token);
  if (!c) return;
  if (!reply || reply->type != REDIS_REPLY_ARRAY) {
    ew__engine_pending_done(r->e, token);
    ew__replay_done(r, c); /* the ring takes over; a gap there closes with 4008 */
    return;
  }
  const ew__server_t *s = c->srv;
  uint64_t ms, seq;
  size_t i = 0;
  if (c->replay_inclusive) {
    /* The page starts at the last entry replayed: gone means MAXLEN trimmed
     * past it while the replay waited for the client, and what followed it
     * may be gone too. Never a silent hole: the client resumes and is told. */
    if (reply->elements == 0 || ew__entry_id(reply->element[0], &ms, &seq) || ms != c->sc_ms || seq != c->sc_seq) {
      ew__replay_slow_close(r, c, token);
      return;
    }
    i = 1;
  }
  size_t pushed = 0, pushed_bytes = c->q_bytes;
  int full = 0;
  for (; i < reply->elements; i++) {
    const redisReply *entry = reply->element[i];
    if (ew__entry_id(entry, &ms, &seq)) continue;
    /* Up to the backlog's bound, not past it: the rest is asked for again
     * once the client has read what is queued. */
    if (c->q_count + 1 > s->backlog_max_frames || c->q_bytes >= s->backlog_max_bytes) {
      full = 1;
      break;
    }
    /* The position moves past every entry, those skipped below included (a
     * page of entries eventwire did not write must not be asked for again). */
    c->sc_ms = ms;
    c->sc_seq = seq;
    c->replay_inclusive = 1;
    ew__entry_t x;
    if (ew__redis_entry_scan(entry, r->e->delim, &x)) continue;
    if (x.group) continue; /* a retried dead letter: not public */
    ew__frame_t *frame = ew__frame_event(&x.ev);
    if (!frame) continue;
    int wants = ew__conn_wants(c, frame);
    int rc = wants ? ew__conn_replay(c, frame) : 0;
    ew__frame_unref(frame);
    if (rc) {
      ew__replay_slow_close(r, c, token);
      return;
    }
    if (wants) pushed++;
  }
  if (pushed && c->q_bytes > pushed_bytes) c->replay_avg_len = (uint32_t)((c->q_bytes - pushed_bytes) / pushed);
  int more = full || (reply->elements == c->replay_asked && ew__history_gap(&r->e->history, c->sc_ms, c->sc_seq));
  if (more && !ew__replay_room(c)) {
    /* Parked: no request is out, so the token goes back; unpark takes one. */
    ew__engine_pending_done(r->e, token);
    c->replay_parked = 1;
    ew__engine_flush(r->e);
    return;
  }
  ew__engine_flush(r->e);
  if (more && c->state == EW__CONN_OPEN) {
    if (ew__replay_page(r, token, c)) ew__engine_flush(r->e);
    return;
  }
  ew__engine_pending_done(r->e, token);
  if (c->state == EW__CONN_OPEN) ew__replay_done(r, c);
}

void ew__redis_replay_unpark(ew__redis_t *r, ew__conn_t *c) {
  if (!c->replay_parked || c->state != EW__CONN_OPEN || !ew__replay_room(c)) return;
  c->replay_parked = 0;
  uint32_t token = ew__engine_pending(r->e, c, EW__PENDING_REPLAY, NULL);
  if (!token) { /* no slot now: the ring takes over (a gap there closes with 4008, the client resumes) */
    ew__replay_leave(r, c);
    return;
  }
  ew__replay_page(r, token, c); /* on -1 the refill that follows in ew__conn_flush takes over */
}

/* Asks for the next page; when Redis cannot be asked, the connection
 * leaves for the ring and this returns -1 (the caller flushes, unless it
 * runs inside the connection's own flush). */
static int ew__replay_page(ew__redis_t *r, uint32_t token, ew__conn_t *c) {
  char from[64], count[16];
  if (r->stopping || !r->cmd.ac) r->cmd.ready = 0; /* closing: the callbacks run with NULL replies */
  int n = ew__replay_room(c);
  /* From the last entry replayed itself (checked, then skipped), or after
   * the client's id on the first page. */
  c->replay_asked = (uint32_t)(n ? n : 1) + (c->replay_inclusive ? 1 : 0);
  snprintf(from, sizeof from, "%s%llu-%llu", c->replay_inclusive ? "" : "(", (unsigned long long)c->sc_ms,
           (unsigned long long)c->sc_seq);
  snprintf(count, sizeof count, "%u", (unsigned)c->replay_asked);
  /* Up to what the relay has read, not "+": past it the ring cannot take
   * over (the relay would later deliver those entries live again). */
  char to[48];
  snprintf(to, sizeof to, "%llu-%llu", (unsigned long long)r->last_ms, (unsigned long long)r->last_seq);
  const char *argv[] = {"XRANGE", r->stream, from, to, "COUNT", count};
  size_t argl[6];
  for (int i = 0; i < 6; i++) argl[i] = strlen(argv[i]);
  if (!r->cmd.ready ||
      redisAsyncCommandArgv(r->cmd.ac, ew__on_replay_page, (void *)(uintptr_t)token, 6, argv, argl) != REDIS_OK) {
    ew__engine_pending_done(r->e, token);
    ew__replay_leave(r, c);
    return -1;
  }
  return 0;
}

/* The first id the stream keeps: a resume from before it has a gap. */
static void ew__on_replay_first(redisAsyncContext *ac, void *reply_, void *priv) {
  ew__redis_t *r = ac->data;
  redisReply *reply = reply_;
  uint32_t token = (uint32_t)(uintptr_t)priv;
  ew__conn_t *c = ew__replay_target(r, token);
  if (!c) return;
  if (!reply) { /* Redis dropped meanwhile: the ring answers alone */
    ew__engine_pending_done(r->e, token);
    ew__subs_resumed(c, ew__history_gap(&r->e->history, c->sc_ms, c->sc_seq) ? EW_EHISTORY_GAP : 0, "");
    ew__replay_done(r, c);
    return;
  }
  uint64_t fms = 0, fseq = 0;
  char oldest[EW_ID_MAX] = "";
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 && reply->element[0]->type == REDIS_REPLY_ARRAY &&
      reply->element[0]->elements == 2 && reply->element[0]->element[0]->type == REDIS_REPLY_STRING) {
    const redisReply *id = reply->element[0]->element[0];
    if (!ew__id_parse(id->str, id->len, &fms, &fseq))
      snprintf(oldest, sizeof oldest, "%.*s", (int)id->len, id->str);
  }
  /* The resume id itself is gone from the stream: events after it may be
   * too (conservative: it cannot be told apart). */
  int gap = oldest[0] && ew__id_cmp(fms, fseq, c->sc_ms, c->sc_seq) > 0;
  if (gap) c->sc_ms = 0, c->sc_seq = 0; /* replay all that is kept */
  ew__subs_resumed(c, gap ? EW_EHISTORY_GAP : 0, oldest);
  if (!c->npatterns) {
    /* Nothing left to replay for (a Socket.IO session not recovered drops
     * its subscriptions): no pages, no ring catch-up; live from here. */
    ew__engine_pending_done(r->e, token);
    c->stream_catchup = 0;
    c->replay_parked = 0;
    c->catching_up = 0;
    ew__engine_flush(r->e);
    return;
  }
  if (ew__replay_page(r, token, c)) ew__engine_flush(r->e);
}

int ew__redis_replay(ew__redis_t *r, ew__conn_t *c, uint64_t ms, uint64_t seq) {
  if (!ew__redis_ready(r)) return EW_EREDIS_UNAVAILABLE;
  uint32_t token = ew__engine_pending(r->e, c, EW__PENDING_REPLAY, NULL);
  if (!token) return EW_ELIMIT;
  c->stream_catchup = 1;
  c->replay_parked = 0;
  c->replay_inclusive = 0;
  c->replay_avg_len = 0;
  c->sc_ms = ms;
  c->sc_seq = seq;
  const char *argv[] = {"XRANGE", r->stream, "-", "+", "COUNT", "1"};
  size_t argl[6];
  for (int i = 0; i < 6; i++) argl[i] = strlen(argv[i]);
  if (redisAsyncCommandArgv(r->cmd.ac, ew__on_replay_first, (void *)(uintptr_t)token, 6, argv, argl) != REDIS_OK) {
    c->stream_catchup = 0;
    ew__engine_pending_done(r->e, token);
    return EW_EREDIS_UNAVAILABLE;
  }
  return 0;
}

/* ---- history and health --------------------------------------------------------------- */

typedef struct ew__history_req {
  ew__redis_t *r;
  uint32_t req;
  size_t count;
  int newest; /* XREVRANGE: keep the newest, answer oldest first */
  int gap;    /* `since` is older than the oldest entry kept: ERR_HISTORY_GAP */
  int asked_oldest, orphan; /* orphan: the range was not sent, ew__on_oldest frees */
  uint64_t since_ms, since_seq;
  char pattern[EW_NAME_MAX + 1];
} ew__history_req_t;

/* The oldest entry kept, asked just before the range: a `since` before it
 * was trimmed, and events after it may be too (as for a /ws resume). */
static void ew__on_oldest(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__history_req_t *h = priv;
  redisReply *reply = reply_;
  uint64_t ms, seq;
  if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
      reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2 &&
      reply->element[0]->element[0]->type == REDIS_REPLY_STRING &&
      !ew__id_parse(reply->element[0]->element[0]->str, reply->element[0]->element[0]->len, &ms, &seq))
    h->gap = ew__id_cmp(ms, seq, h->since_ms, h->since_seq) > 0;
  if (h->orphan) ew__free(h);
}

static void ew__on_range(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__history_req_t *h = priv;
  ew__redis_t *r = h->r;
  redisReply *reply = reply_;
  ew_engine_t *e = r->e;
  if (!reply || reply->type != REDIS_REPLY_ARRAY) {
    ew__engine_post(e, EW_MSG_REPLY, h->req, EW_EREDIS_UNAVAILABLE, NULL, 0);
    ew__free(h);
    return;
  }
  /* Matching entries, in the reply's order; then oldest first. */
  ew__frame_t **found = ew__calloc(h->count ? h->count : 1, sizeof *found);
  size_t n = 0;
  for (size_t i = 0; found && i < reply->elements && n < h->count; i++) {
    ew__entry_t x;
    if (ew__redis_entry_scan(reply->element[i], e->delim, &x)) continue;
    if (x.group) continue; /* a retried dead letter: not public */
    if (h->pattern[0] && !ew__pattern_match(h->pattern, strlen(h->pattern), x.ev.type, x.ev.type_len, e->delim)) continue;
    ew__frame_t *frame = ew__frame_event(&x.ev);
    if (frame) found[n++] = frame;
  }
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_add(&b, "[", 1);
  for (size_t k = 0; k < n; k++) {
    ew__frame_t *frame = found[h->newest ? n - 1 - k : k];
    size_t plen;
    const char *p = ew__frame_payload(frame, &plen);
    if (k) ew__buf_add(&b, ",", 1);
    ew__buf_add(&b, p, plen);
  }
  ew__buf_add(&b, "]", 1);
  for (size_t k = 0; k < n; k++) ew__frame_unref(found[k]);
  ew__free(found);
  if (b.failed || !found)
    ew__engine_post(e, EW_MSG_REPLY, h->req, EW_ENOMEM, NULL, 0);
  else
    ew__engine_post(e, EW_MSG_REPLY, h->req, h->gap ? EW_EHISTORY_GAP : 0, b.data, b.len);
  ew__buf_free(&b);
  ew__free(h);
}

void ew__redis_history(ew__redis_t *r, const char *pattern, const char *since, size_t count, uint32_t req) {
  if (!r->cmd.ready) {
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, NULL, 0);
    return;
  }
  ew__history_req_t *h = ew__calloc(1, sizeof *h);
  if (!h) {
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_ENOMEM, NULL, 0);
    return;
  }
  h->r = r;
  h->req = req;
  h->count = count;
  snprintf(h->pattern, sizeof h->pattern, "%s", pattern ? pattern : "");
  /* Read a page wider than count when filtering by pattern. */
  char n[24], from[64];
  snprintf(n, sizeof n, "%zu", h->pattern[0] ? count * 10 + 100 : count);
  const char *argv[6];
  if (since && *since) {
    snprintf(from, sizeof from, "(%s", since);
    argv[0] = "XRANGE", argv[1] = r->stream, argv[2] = from, argv[3] = "+";
    if (!ew__id_parse(since, strlen(since), &h->since_ms, &h->since_seq)) {
      const char *first[] = {"XRANGE", r->stream, "-", "+", "COUNT", "1"};
      size_t firstl[6];
      for (int i = 0; i < 6; i++) firstl[i] = strlen(first[i]);
      h->asked_oldest = redisAsyncCommandArgv(r->cmd.ac, ew__on_oldest, h, 6, first, firstl) == REDIS_OK;
    }
  } else {
    h->newest = 1;
    argv[0] = "XREVRANGE", argv[1] = r->stream, argv[2] = "+", argv[3] = "-";
  }
  argv[4] = "COUNT", argv[5] = n;
  size_t argl[6];
  for (int i = 0; i < 6; i++) argl[i] = strlen(argv[i]);
  /* On one connection: the oldest entry is answered before the range. */
  if (redisAsyncCommandArgv(r->cmd.ac, ew__on_range, h, 6, argv, argl) != REDIS_OK) {
    if (h->asked_oldest)
      h->orphan = 1;
    else
      ew__free(h);
    ew__engine_post(r->e, EW_MSG_REPLY, req, EW_EREDIS_UNAVAILABLE, NULL, 0);
  }
}

int ew__redis_health_json(ew__redis_t *r, ew__buf_t *b) {
  uint64_t now = ew__now_ms();
  int connected = ew__redis_ready(r);
  /* A relay waiting on Redis, or paused because the JS thread does not take
   * other instances' events, for too long: delivery is stalled either way. */
  /* So are XADDs left unanswered, and events the flow control holds back
   * for the relay, for that long. */
  int stalled = connected && ((r->relay_waiting && now - r->relay_sent_ms > EW__RELAY_STALL_MS) ||
                              (r->relay_paused && now - r->relay_paused_ms > EW__RELAY_STALL_MS) ||
                              (r->infl_head && now - r->infl_head->sent_ms > EW__RELAY_STALL_MS) ||
                              (r->held_since_ms && r->pend_head && now - r->held_since_ms > EW__RELAY_STALL_MS) ||
                              r->relay_errors > 0);
  int full = r->queued >= r->queue_size;
  /* Redis refusing writes (OOM, a replica's READONLY): nothing is delivered. */
  int refusing = r->refused_ms && now - r->refused_ms < EW__REFUSED_HEALTH_MS;
  int healthy = connected && !stalled && !full && !refusing;
  /* Relay lag: how far (in stream-id time) the relay's position is behind
   * the newest entry this bus knows is in the stream (its own acked XADDs),
   * and how many of its own acked events it has not read back yet. */
  uint64_t lag_ms = r->acked_ms > r->last_ms ? r->acked_ms - r->last_ms : 0;
  uint64_t behind = r->written_own > r->relayed_own ? r->written_own - r->relayed_own : 0;
  ew__buf_addf(b, "{\"state\":\"%s\",\"queued\":%zu,\"queueSize\":%zu,\"inflight\":%d,\"relayStalled\":%s,\"relayPaused\":%s,"
                  "\"writesRefused\":%s,\"relayLagMs\":%llu,\"relayBehind\":%llu,\"lastReadMs\":%llu,\"lastEventMs\":%llu,\"reconnectAttempts\":%d,\"lastError\":",
               connected ? "ready" : (r->cmd.ac || r->relay.ac) ? "connecting" : "down", r->queued, r->queue_size,
               r->infl_head ? 1 : 0, stalled ? "true" : "false", r->relay_paused ? "true" : "false",
               refusing ? "true" : "false", (unsigned long long)lag_ms, (unsigned long long)behind,
               (unsigned long long)atomic_load(&r->e->redis_last_read_ms),
               (unsigned long long)atomic_load(&r->e->redis_last_event_ms), r->attempts);
  if (r->last_error[0])
    ew__buf_add_json_str(b, r->last_error, strlen(r->last_error));
  else
    ew__buf_adds(b, "null");
  ew__buf_adds(b, "}");
  return healthy;
}
