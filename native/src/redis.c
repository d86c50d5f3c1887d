/*
 * redis.c - Redis Streams on the engine's libev loop, with hiredis's own
 * libev adapter (no second thread, no polling).
 *
 * Two connections. `cmd` carries the XADDs, pipelined: every event taken
 * from the inbox is queued here (bounded: queue_size events waiting for or in
 * XADD) and sent at once when connected; the stream id of each reply settles
 * the publish() or client pub that asked for it. `relay` reads the stream
 * with XREAD BLOCK from the last id it saw and feeds history and network
 * fan-out in stream order, so every client of every instance sees stream ids
 * in one order; events of other instances also go to local JS listeners.
 *
 * While Redis is down, events keep their place in the queue and are also
 * delivered locally at once (marked, so the relay does not deliver them
 * twice); XADDs in flight when a connection drops are sent again (at least
 * once). Reconnects back off exponentially with jitter; after
 * max_reconnect_attempts failures in a row what waits fails with
 * EW_EREDIS_UNAVAILABLE, and reconnecting goes on at the longest delay.
 * hiredis 0.14 has no connect timeout: an ev_timer keeps one.
 * Reading the stream for resumes, history and consumer groups is in
 * redis_read.c.
 */
#include "redis.h"

#include <hiredis/adapters/libev.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "engine.h"
#include "redis_int.h"

static void ew__connect(ew__redis_t *r, ew__conn_slot_t *slot);
static void ew__relay_read(ew__redis_t *r);
static void ew__relay_undefer(ew__redis_t *r);
static void ew__flush(ew__redis_t *r);
static void ew__became_ready(ew__redis_t *r);

/* The wait before try n + 1 after n failures: EW__BACKOFF_MIN_MS doubling,
 * capped at EW__BACKOFF_MAX_MS (reconnects and XREAD error replies). */
static double ew__backoff_ms(int n) {
  int shift = n < 10 ? n : 10;
  double ms = (double)EW__BACKOFF_MIN_MS * (double)(1u << shift);
  return ms > EW__BACKOFF_MAX_MS ? EW__BACKOFF_MAX_MS : ms;
}

/* ---- the queue ------------------------------------------------------------- */

static void ew__q_append(ew__xentry_t **head, ew__xentry_t **tail, ew__xentry_t *x) {
  x->next = NULL;
  if (*tail)
    (*tail)->next = x;
  else
    *head = x;
  *tail = x;
}

static void ew__set_error(ew__redis_t *r, const char *what, const char *detail) {
  snprintf(r->last_error, sizeof r->last_error, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

/* Settles what asked for an event's id: a publish() or a client pub. */
static void ew__settle(ew__redis_t *r, ew__xentry_t *x, int err, const char *id, size_t id_len) {
  ew_engine_t *e = r->e;
  if (x->origin_kind == 'p') {
    if (err)
      ew__engine_post(e, EW_MSG_REPLY, x->origin, err, r->last_error, strlen(r->last_error));
    else
      ew__engine_post_published(e, x->origin, id, id_len);
  } else if (x->origin_kind == 'c') {
    if (err)
      ew__engine_answer_now(e, x->origin, err, r->last_error);
    else
      ew__engine_pub_acked(e, x->origin, id, id_len);
  }
}

/* An own q that will never be in the stream (refused by Redis, failed at
 * the give-up): the relay's jump over it is not a trim. */
static void ew__own_q_lost(ew__redis_t *r, uint64_t q) {
  r->refused_unread++;
  if (q > r->refused_max_q) r->refused_max_q = q;
}

/* The relay reached own q: the lost q's below it are explained or passed. */
static void ew__own_q_seen(ew__redis_t *r, uint64_t q) {
  if (q > r->refused_max_q) r->refused_unread = 0;
}

/* Fails what waits. XADDs already sent on a command connection that is
 * still up stay: their replies settle them (with their own ids; failing
 * them here would hand those replies to the next events in line). At close
 * everything fails. */
static void ew__fail_all(ew__redis_t *r, int err) {
  size_t n = 0;
  int keep_sent = !r->stopping && r->cmd.ready;
  ew__xentry_t *lists[2] = {keep_sent ? NULL : r->infl_head, r->pend_head};
  if (!keep_sent) {
    r->infl_head = r->infl_tail = NULL;
    r->infl_count = 0;
  }
  r->pend_head = r->pend_tail = NULL;
  if (!r->stopping) ew__relay_undefer(r);
  for (int k = 0; k < 2; k++) {
    for (ew__xentry_t *x = lists[k]; x;) {
      ew__xentry_t *next = x->next;
      ew__settle(r, x, err, NULL, 0);
      ew__own_q_lost(r, x->seq);
      ew__free(x);
      n++;
      x = next;
    }
  }
  r->queued = (size_t)r->infl_count;
  atomic_store(&r->e->redis_queued, r->queued);
  if (n) {
    atomic_fetch_add(&r->e->redis_rejected, n);
    char msg[256];
    snprintf(msg, sizeof msg, "%zu event(s) could not be written to Redis (%s)", n, r->last_error);
    ew__engine_post(r->e, EW_MSG_WARN, 0, err, msg, strlen(msg));
  }
}

int ew__redis_enqueue(ew__redis_t *r, const ew__record_t *rec, int delivered) {
  if (r->queued >= r->queue_size) return EW_EQUEUE_FULL;
  /* The XADD in RESP, once: the entry packed (a scratch buffer), then the
   * command around it in the entry's own block. */
  ew__buf_t *v = &r->packed;
  v->len = 0;
  ew__redis_entry_pack(v, &rec->f, r->next_seq + 1, delivered, r->instance);
  if (v->failed) {
    ew__buf_free(v);
    ew__buf_init(v);
    return EW_ENOMEM;
  }
  const char *argv[] = {"XADD", r->stream, "MAXLEN", "~", r->maxlen, "*", "ew", v->data};
  size_t argl[] = {4, strlen(r->stream), 6, 1, strlen(r->maxlen), 1, 2, v->len};
  size_t cmd_len = ew__resp_size(argl, 8);
  ew__xentry_t *x = ew__malloc(sizeof *x + cmd_len);
  if (!x) return EW_ENOMEM;
  memset(x, 0, sizeof *x);
  x->cmd_len = ew__resp_write(x->cmd, argv, argl, 8);
  if (rec->origin_len > 1 && (rec->origin[0] == 'p' || rec->origin[0] == 'c')) {
    x->origin_kind = rec->origin[0];
    x->origin = (uint32_t)strtoul(rec->origin + 1, NULL, 10);
  }
  x->delivered = (uint8_t)delivered;
  x->seq = ++r->next_seq;
  ew__q_append(&r->pend_head, &r->pend_tail, x);
  r->queued++;
  atomic_store(&r->e->redis_queued, r->queued);
  if (r->queued > atomic_load(&r->e->redis_queue_hwm)) atomic_store(&r->e->redis_queue_hwm, r->queued);
  ew__flush(r);
  return 0;
}

int ew__redis_ready(const ew__redis_t *r) { return r->cmd.ready && r->relay.ready && r->relay_known; }

int ew__redis_ahead(const ew__redis_t *r, uint64_t ms, uint64_t seq) {
  return ew__id_cmp(ms, seq, r->last_ms, r->last_seq) > 0;
}

/* ---- XADD ------------------------------------------------------------------------ */

static void ew__on_xadd(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  if (!reply || !r->infl_head) return; /* disconnected: the entry is sent again */
  ew__xentry_t *x = r->infl_head;
  r->infl_head = x->next;
  r->infl_count--;
  if (!r->infl_head) r->infl_tail = NULL;
  int relay_now = r->relay_deferred && x->seq >= r->relay_after_seq;
  r->queued--;
  atomic_store(&r->e->redis_queued, r->queued);
  if (reply->type == REDIS_REPLY_STRING) {
    atomic_fetch_add(&r->e->redis_written, 1);
    r->written_own++;
    r->refused_ms = 0;
    ew__id_parse(reply->str, reply->len, &r->acked_ms, &r->acked_seq); /* where a resend check starts */
    ew__settle(r, x, 0, reply->str, reply->len);
  } else {
    ew__set_error(r, "XADD failed", reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
    atomic_fetch_add(&r->e->redis_rejected, 1);
    r->refused_ms = ew__now_ms();
    ew__own_q_lost(r, x->seq); /* its q never reaches the stream: the relay's jump over it is no trim */
    if (x->origin_kind)
      ew__settle(r, x, EW_EREDIS_UNAVAILABLE, NULL, 0);
    else
      ew__engine_dropped(r->e, EW_EREDIS_UNAVAILABLE, r->last_error); /* an emit(): said, not silent */
  }
  ew__free(x);
  if (relay_now) ew__relay_undefer(r);
}

static void ew__flush(ew__redis_t *r) {
  if (!r->cmd.ready || !r->relay_known || r->stopping || r->checking) return;
  /* Never run more than half the retention ahead of our own relay: XADD's
   * MAXLEN would trim our events before the relay read them back, and local
   * clients would never get them. The relay calls flush again as it reads. */
  uint64_t half = r->retention / 2 ? r->retention / 2 : 1; /* retention 1 still writes, one at a time */
  if (r->written_own + (uint64_t)(r->infl_count ? 1 : 0) > r->relayed_own + half) {
    if (r->pend_head && !r->held_since_ms) r->held_since_ms = ew__now_ms(); /* health: stalled if it lasts */
    return;
  }
  r->held_since_ms = 0;
  uint64_t budget = r->relayed_own + half - r->written_own;
  uint64_t now = ew__now_ms();
  while (r->pend_head && r->infl_count < budget) {
    ew__xentry_t *x = r->pend_head;
    if (redisAsyncFormattedCommand(r->cmd.ac, ew__on_xadd, r, x->cmd, x->cmd_len) != REDIS_OK) return;
    r->pend_head = x->next;
    if (!r->pend_head) r->pend_tail = NULL;
    x->sent_ms = now;
    ew__q_append(&r->infl_head, &r->infl_tail, x);
    r->infl_count++;
  }
}

/* Appends "<c><decimal n>\r\n" at p; returns the end. */
static char *ew__resp_head(char *p, char c, size_t n) {
  *p++ = c;
  p += ew__u64_put(p, n);
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

/* A command in RESP: *<n> then $<len> <bytes> per argument. */
size_t ew__resp_size(const size_t *argl, int n) {
  size_t need = 24;
  for (int i = 0; i < n; i++) need += argl[i] + 24;
  return need;
}

size_t ew__resp_write(char *out, const char *const *argv, const size_t *argl, int n) {
  char *p = ew__resp_head(out, '*', (size_t)n);
  for (int i = 0; i < n; i++) {
    p = ew__resp_head(p, '$', argl[i]);
    memcpy(p, argv[i], argl[i]);
    p += argl[i];
    *p++ = '\r';
    *p++ = '\n';
  }
  return (size_t)(p - out);
}

void ew__resp_format(ew__buf_t *b, const char *const *argv, const size_t *argl, int n) {
  if (ew__buf_reserve(b, ew__resp_size(argl, n))) return;
  b->len += ew__resp_write(b->data + b->len, argv, argl, n);
}

/* ---- the relay ---------------------------------------------------------------------- */

static void ew__relay_gap(ew__redis_t *r, const char *inst, uint64_t missed) {
  r->relay_gaps += missed;
  char msg[300];
  int n = snprintf(msg, sizeof msg,
                   "the relay missed %llu event(s) of instance %s: trimmed from the stream before it read them "
                   "(raise redis.retention), or refused by Redis when that instance wrote them (its publish() "
                   "was rejected)",
                   (unsigned long long)missed, inst);
  if (n >= (int)sizeof msg) n = (int)sizeof msg - 1;
  ew__engine_post(r->e, EW_MSG_WARN, 0, EW_EREDIS_UNAVAILABLE, msg, (size_t)n);
}

/* q as eventwire writes it: 1..20 decimal digits without a sign. Another
 * writer's q that is not a number does not take part in the duplicate
 * check (strtoull would read 0, and every entry after the first would look
 * like a copy). */
static int ew__redis_q_parse(const char *s, size_t len, uint64_t *out) {
  if (!s || len == 0 || len > 20) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

/* True when (instance, q) is not newer than what the relay already passed:
 * a second copy of an XADD that was sent again. Entries of one instance are
 * written in q order, so the copy always comes after the original. */
static int ew__seen_before(ew__redis_t *r, const char *inst, size_t il, uint64_t q) {
  if (il >= sizeof r->seen[0].instance) return 0;
  for (int i = 0; i < r->nseen; i++) {
    struct ew__seen *s = &r->seen[i];
    if (strlen(s->instance) == il && !memcmp(s->instance, inst, il)) {
      if (q <= s->q) return 1;
      /* q goes up by one per event of that instance: a jump means entries
       * were trimmed before this relay read them, or Redis refused their
       * XADD. Said, never silent; our own refusals are known, not said. */
      uint64_t missed = q - s->q - 1;
      if (!strcmp(s->instance, r->instance)) {
        uint64_t known = missed < r->refused_unread ? missed : r->refused_unread;
        r->refused_unread -= known;
        missed -= known;
        ew__own_q_seen(r, q);
      }
      if (missed) ew__relay_gap(r, s->instance, missed);
      s->q = q;
      return 0;
    }
  }
  /* A new instance; when the table is full the slot filled longest ago is
   * reused (round robin over the full table). */
  int slot;
  if (r->nseen < (int)(sizeof r->seen / sizeof *r->seen)) {
    slot = r->nseen++;
  } else {
    slot = r->seen_next;
    r->seen_next = (r->seen_next + 1) % r->nseen;
  }
  memcpy(r->seen[slot].instance, inst, il);
  r->seen[slot].instance[il] = '\0';
  r->seen[slot].q = q;
  if (!strcmp(r->seen[slot].instance, r->instance)) ew__own_q_seen(r, q); /* lost ones before our first entry read */
  return 0;
}

static int ew__is_mine(const ew__redis_t *r, const ew__entry_t *x) {
  return x->instance && x->instance_len == strlen(r->instance) && !memcmp(x->instance, r->instance, x->instance_len);
}

/* One stream entry [id, [k, v, ...]] into history, fan-out and JS. */
static void ew__relay_entry(ew__redis_t *r, const redisReply *entry) {
  ew_engine_t *e = r->e;
  if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) return;
  const redisReply *id = entry->element[0], *fields = entry->element[1];
  uint64_t ms, seq;
  if (id->type != REDIS_REPLY_STRING || ew__id_parse(id->str, id->len, &ms, &seq)) return;
  r->last_ms = ms;
  r->last_seq = seq;
  atomic_fetch_add(&e->redis_relayed, 1);
  atomic_store(&e->redis_last_event_ms, ms);
  if (fields->type != REDIS_REPLY_ARRAY) return;
  ew__entry_t x;
  /* A publisher-only bus (no server, no JS stream following the stream)
   * has no use for its own events read back but their bookkeeping: only
   * that is read of them (the data is the bulk of an entry). */
  int quiet = !e->server && !r->feed_own;
  int bad = 0;
  if (!(quiet && ew__redis_entry_peek(entry, &x) == 0 && ew__is_mine(r, &x)))
    bad = ew__redis_entry_scan(entry, e->delim, &x); /* any other instance's: read and checked whole, first */
  uint64_t q;
  if (x.instance && ew__redis_q_parse(x.q, x.q_len, &q) && ew__seen_before(r, x.instance, x.instance_len, q)) return;
  int mine = ew__is_mine(r, &x);
  if (mine) r->relayed_own++;
  /* Delivered at once while Redis was down: not fanned out again (JS
   * streams following the stream still get it, with its stream id). */
  if (mine && x.local && !r->feed_own) return;
  if (x.group) return; /* a dead letter retried for one consumer group: not public */
  if (bad) {
    atomic_fetch_add(&e->bad_records, 1); /* not written by eventwire */
    return;
  }
  if (mine && quiet) {
    /* Nobody here takes it: no frame. The ring's evicted mark moves past
     * it, so a server started later replays it from the stream. */
    ew__history_starts_after(&e->history, ms, seq);
    return;
  }
  const ew__event_fields_t f = x.ev;
  ew__frame_t *frame = ew__frame_event(&f);
  if (!frame) return;
  if (!(mine && x.local)) ew__engine_publish(e, frame);
  if (!mine || r->feed_own) {
    size_t plen;
    const char *payload = ew__frame_payload(frame, &plen);
    ew__engine_post_remote(e, f.type, f.type_len, payload, plen, mine);
  }
  ew__frame_unref(frame);
}

static void ew__on_xread(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  r->relay_waiting = 0;
  if (!reply) return; /* disconnected */
  atomic_store(&r->e->redis_last_read_ms, ew__now_ms());
  if (reply->type == REDIS_REPLY_ARRAY) {
    for (size_t s = 0; s < reply->elements; s++) {
      const redisReply *st = reply->element[s];
      if (st->type != REDIS_REPLY_ARRAY || st->elements != 2) continue;
      const redisReply *entries = st->element[1];
      for (size_t i = 0; entries->type == REDIS_REPLY_ARRAY && i < entries->elements; i++) {
        ew__relay_entry(r, entries->element[i]);
        /* Write as the reply is fanned out, as after each batch from JS:
         * one write per client per 512-entry reply overran socket buffers
         * (partial writes, POLLOUT toggling); 64 made writes too small. */
        if ((i + 1) % EW__RELAY_FLUSH_EVERY == 0) ew__engine_flush(r->e);
        /* The bound on remote events for JS holds within a reply too: the
         * rest is read again from the relay's position once JS took them
         * (the position moves per entry). Checked every 32 entries. */
        if ((i + 1) % 32 == 0 && i + 1 < entries->elements && ew__engine_remote_full(r->e)) break;
      }
    }
    ew__engine_flush(r->e);
    ew__flush(r); /* the relay caught up: more XADDs may go */
    if (r->watch && reply->elements) ew__engine_post(r->e, EW_MSG_STREAM, 0, 0, NULL, 0);
  } else if (reply->type == REDIS_REPLY_NIL && !r->infl_count) {
    /* Nothing after the relay's position for a whole BLOCK, and no XADD of
     * ours unanswered: every one Redis acknowledged before this XREAD went
     * out was read back or trimmed unread (another writer's MAXLEN, XTRIM,
     * a restart). The flow-control count catches up to that, or it could
     * hold events for ever (not further: a later XADD is read next). */
    if (r->relayed_own < r->read_base_own) {
      r->relayed_own = r->read_base_own;
      ew__flush(r);
    }
  } else if (reply->type == REDIS_REPLY_ERROR) {
    /* WRONGTYPE, NOPERM...: asking again at once would spin, and so would
     * reconnecting (the connection is fine). The next XREAD waits, backing
     * off to 5 s; health says unavailable until one succeeds. */
    ew__set_error(r, "XREAD failed", reply->str);
    r->relay_errors++;
    double ms = ew__backoff_ms(r->relay_errors);
    ev_timer_stop(r->e->loop, &r->relay_timer);
    ev_timer_set(&r->relay_timer, ms / 1000.0, 0.);
    ev_timer_start(r->e->loop, &r->relay_timer);
    return;
  }
  r->relay_errors = 0;
  /* Our own XADDs still in flight become readable as Redis acknowledges
   * them: waiting for the newest one (one round trip) reads a burst in one
   * XREAD, so each client gets one write for it rather than one per few
   * events. Other instances' events wait at most that round trip. */
  if (r->infl_count) {
    r->relay_deferred = 1;
    r->relay_after_seq = r->infl_tail->seq;
    return;
  }
  ew__relay_read(r);
}

/* The deferred relay read goes out (the awaited XADD was answered, or the
 * command connection dropped and nothing will be). */
static void ew__relay_undefer(ew__redis_t *r) {
  if (!r->relay_deferred) return;
  r->relay_deferred = 0;
  ew__relay_read(r);
}

void ew__redis_watch(ew__redis_t *r, int flags) {
  r->watch = (flags & EW_WATCH_STREAM) != 0;
  r->feed_own = (flags & EW_WATCH_OWN) != 0;
}

void ew__redis_resume(ew__redis_t *r) {
  if (r->relay_paused) ew__relay_read(r);
}

static void ew__on_relay_timer(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew__relay_read(w->data);
}

static void ew__relay_read(ew__redis_t *r) {
  if (!r->relay.ready || !r->relay_known || r->relay_waiting || r->stopping) return;
  if (ev_is_active(&r->relay_timer)) return; /* backing off after an XREAD error */
  /* Other instances' events the JS thread has not taken yet are bounded:
   * past EW__REMOTE_OUT_MAX bytes the relay stops reading (the stream holds
   * the rest) until the owner's next take wakes the engine
   * (ew__redis_resume). Fan-out to clients waits with it. */
  if (ew__engine_remote_full(r->e)) {
    if (!r->relay_paused) r->relay_paused_ms = ew__now_ms();
    r->relay_paused = 1;
    return;
  }
  r->relay_paused = 0;
  char block[16], count[16], last[48];
  snprintf(block, sizeof block, "%d", EW__RELAY_BLOCK_MS);
  snprintf(count, sizeof count, "%d", EW__RELAY_COUNT);
  snprintf(last, sizeof last, "%llu-%llu", (unsigned long long)r->last_ms, (unsigned long long)r->last_seq);
  const char *argv[] = {"XREAD", "BLOCK", block, "COUNT", count, "STREAMS", r->stream, last};
  size_t argl[8];
  for (int i = 0; i < 8; i++) argl[i] = strlen(argv[i]);
  if (redisAsyncCommandArgv(r->relay.ac, ew__on_xread, r, 8, argv, argl) == REDIS_OK) {
    r->relay_waiting = 1;
    r->relay_sent_ms = ew__now_ms();
    r->read_base_own = r->written_own;
  }
}

/* The relay starts after the newest entry at first connect: events written
 * from then on (ours included) are read back in stream order. */
static void ew__on_last_id(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  if (!reply) return;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 && reply->element[0]->type == REDIS_REPLY_ARRAY &&
      reply->element[0]->elements == 2 && reply->element[0]->element[0]->type == REDIS_REPLY_STRING) {
    const redisReply *id = reply->element[0]->element[0];
    ew__id_parse(id->str, id->len, &r->last_ms, &r->last_seq);
    /* What the stream held before the relay started is not in the ring: a
     * client resuming from there is replayed from the stream. */
    ew__history_starts_after(&r->e->history, r->last_ms, r->last_seq);
    /* Our entries all come after this: where a resend check starts until
     * one of ours is acknowledged. */
    if (!r->acked_ms && !r->acked_seq) {
      r->acked_ms = r->last_ms;
      r->acked_seq = r->last_seq;
    }
  }
  r->relay_known = 1;
  ew__relay_read(r);
  ew__flush(r);
  ew__became_ready(r);
}

/* ---- connections ----------------------------------------------------------------- */

static ew__conn_slot_t *ew__slot_of(ew__redis_t *r, const redisAsyncContext *ac) {
  return ac == r->cmd.ac ? &r->cmd : ac == r->relay.ac ? &r->relay : NULL;
}

/* One reconnect attempt (both connections) per round; after too many
 * failed rounds in a row, what waits fails. */
static void ew__on_retry(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew__redis_t *r = w->data;
  r->attempts++;
  if (!r->cmd.ac) ew__connect(r, &r->cmd);
  if (!r->relay.ac) ew__connect(r, &r->relay);
}

/* A connection failed or dropped: try again after a backoff. */
static void ew__schedule_retry(ew__redis_t *r) {
  if (r->stopping) return;
  ew__engine_post(r->e, EW_MSG_REDIS, 0, -1, r->last_error, strlen(r->last_error));
  /* `attempts` rounds have failed now (the first drop is round 0). */
  if (r->attempts >= r->max_attempts && !r->failed_out) {
    r->failed_out = 1;
    ew__fail_all(r, EW_EREDIS_UNAVAILABLE);
  }
  if (ev_is_active(&r->retry_timer)) return;
  double ms = ew__backoff_ms(r->attempts);
  ms *= 0.5 + 0.5 * ((double)rand() / RAND_MAX); /* jitter: instances do not retry in step */
  ev_timer_set(&r->retry_timer, ms / 1000.0, 0.);
  ev_timer_start(r->e->loop, &r->retry_timer);
}

static void ew__became_ready(ew__redis_t *r) {
  if (!ew__redis_ready(r)) return;
  r->attempts = 0;
  r->failed_out = 0;
  atomic_store(&r->e->redis_connected, 1);
  static const char ok[] = "connected";
  ew__engine_post(r->e, EW_MSG_REDIS, 0, 1, ok, sizeof ok - 1);
}

static void ew__on_setup(redisAsyncContext *ac, void *reply_, void *priv) {
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  ew__conn_slot_t *slot = ew__slot_of(r, ac);
  if (!reply || !slot) return;
  if (reply->type == REDIS_REPLY_ERROR) {
    ew__set_error(r, slot == &r->cmd ? "AUTH/SELECT refused" : "AUTH/SELECT refused", reply->str);
    redisAsyncDisconnect(ac);
    return;
  }
}

/* XADDs sent again after a dropped connection may already be in the
 * stream: the check reads it forward, in pages of EW__CHECK_PAGE, from just
 * after the last id Redis acknowledged to this bus (the whole stream when
 * none was), and settles the queue's head entries it finds (by instance i
 * and sequence q; entries of this bus are in q order) with their ids
 * instead of writing them twice, however much other instances wrote
 * meanwhile. What it does not find is sent again. */
#define EW__CHECK_PAGE 1000

static void ew__resend_check_after(ew__redis_t *r, uint64_t ms, uint64_t seq);

static void ew__on_resend_check(redisAsyncContext *ac, void *reply_, void *priv) {
  (void)ac;
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  r->checking = 0;
  if (!reply) return; /* dropped again: checked on the next connect */
  if (reply->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < reply->elements && r->pend_head && r->verify; i++) {
      const redisReply *e = reply->element[i];
      ew__entry_t fx;
      ew__redis_entry_scan(e, r->e->delim, &fx);
      uint64_t q;
      if (!fx.instance || fx.instance_len != strlen(r->instance) || memcmp(fx.instance, r->instance, fx.instance_len) ||
          !ew__redis_q_parse(fx.q, fx.q_len, &q) || q != r->pend_head->seq)
        continue;
      ew__xentry_t *x = r->pend_head;
      r->pend_head = x->next;
      if (!r->pend_head) r->pend_tail = NULL;
      r->verify--;
      r->queued--;
      atomic_store(&r->e->redis_queued, r->queued);
      atomic_fetch_add(&r->e->redis_written, 1);
      r->written_own++;
      ew__id_parse(e->element[0]->str, e->element[0]->len, &r->acked_ms, &r->acked_seq); /* the next check starts after it */
      ew__settle(r, x, 0, e->element[0]->str, e->element[0]->len);
      ew__free(x);
    }
    /* The next page, up to what the stream can hold past our last acked
     * entry (others writing faster than we page cannot hold XADDs for ever). */
    uint64_t ms, seq;
    const redisReply *last = reply->elements ? reply->element[reply->elements - 1] : NULL;
    if (r->verify && r->pend_head && reply->elements == EW__CHECK_PAGE && ++r->check_pages <= r->retention / EW__CHECK_PAGE + 2 &&
        last->type == REDIS_REPLY_ARRAY && last->elements == 2 && last->element[0]->type == REDIS_REPLY_STRING &&
        !ew__id_parse(last->element[0]->str, last->element[0]->len, &ms, &seq)) {
      ew__resend_check_after(r, ms, seq);
      if (r->checking) return;
    }
  }
  r->verify = 0; /* the rest was not applied: sent again now */
  ew__flush(r);
}

/* XRANGE from just after ms-seq ("(" needs Redis 6.2: the next id instead). */
static void ew__resend_check_after(ew__redis_t *r, uint64_t ms, uint64_t seq) {
  char start[48];
  if (seq == UINT64_MAX)
    snprintf(start, sizeof start, "%llu-0", (unsigned long long)ms + 1);
  else
    snprintf(start, sizeof start, "%llu-%llu", (unsigned long long)ms, (unsigned long long)seq + 1);
  char count[24];
  snprintf(count, sizeof count, "%d", EW__CHECK_PAGE);
  const char *argv[] = {"XRANGE", r->stream, start, "+", "COUNT", count};
  size_t argl[6];
  for (int i = 0; i < 6; i++) argl[i] = strlen(argv[i]);
  if (redisAsyncCommandArgv(r->cmd.ac, ew__on_resend_check, r, 6, argv, argl) == REDIS_OK) r->checking = 1;
}

static void ew__resend_check(ew__redis_t *r) {
  r->check_pages = 0;
  ew__resend_check_after(r, r->acked_ms, r->acked_seq); /* the stream's tip at first connect until an XADD was acked */
}

static void ew__on_setup_done(redisAsyncContext *ac, void *reply_, void *priv) {
  ew__redis_t *r = priv;
  redisReply *reply = reply_;
  ew__conn_slot_t *slot = ew__slot_of(r, ac);
  if (!reply || !slot) return;
  if (reply->type == REDIS_REPLY_ERROR) {
    /* NOAUTH (a password is needed), LOADING...: not usable, try again later. */
    if (!r->last_error[0] || !strstr(r->last_error, "AUTH")) ew__set_error(r, "Redis refused the connection", reply->str);
    redisAsyncDisconnect(ac);
    return;
  }
  slot->ready = 1;
  ev_timer_stop(r->e->loop, &slot->connect_timer); /* connected and answering: in time */
  if (slot == &r->cmd && r->verify) ew__resend_check(r);
  if (slot == &r->cmd) {
    if (!r->relay_known) {
      char key[8] = "+";
      const char *argv[] = {"XREVRANGE", r->stream, key, "-", "COUNT", "1"};
      size_t argl[6];
      for (int i = 0; i < 6; i++) argl[i] = strlen(argv[i]);
      redisAsyncCommandArgv(r->cmd.ac, ew__on_last_id, r, 6, argv, argl);
    }
    ew__flush(r);
  } else {
    ew__relay_read(r);
  }
  ew__became_ready(r);
}

static void ew__on_connect(const redisAsyncContext *ac, int status) {
  ew__redis_t *r = ac->data;
  ew__conn_slot_t *slot = ew__slot_of(r, ac);
  if (!slot) return;
  if (status != REDIS_OK) {
    ev_timer_stop(r->e->loop, &slot->connect_timer);
    ew__set_error(r, "cannot connect", ac->errstr);
    slot->ac = NULL; /* hiredis frees it after this callback */
    ew__schedule_retry(r);
    return;
  }
  redisAsyncContext *c = (redisAsyncContext *)ac;
  if (r->password) {
    const char *argv[] = {"AUTH", r->password};
    size_t argl[] = {4, strlen(r->password)};
    redisAsyncCommandArgv(c, ew__on_setup, r, 2, argv, argl);
  }
  if (r->db > 0) {
    char db[16];
    snprintf(db, sizeof db, "%d", r->db);
    const char *argv[] = {"SELECT", db};
    size_t argl[] = {6, strlen(db)};
    redisAsyncCommandArgv(c, ew__on_setup, r, 2, argv, argl);
  }
  const char *argv[] = {"PING"};
  size_t argl[] = {4};
  redisAsyncCommandArgv(c, ew__on_setup_done, r, 1, argv, argl);
}

static void ew__on_disconnect(const redisAsyncContext *ac, int status) {
  ew__redis_t *r = ac->data;
  ew__conn_slot_t *slot = ew__slot_of(r, ac);
  if (!slot) return;
  if (status != REDIS_OK && ac->errstr[0]) ew__set_error(r, "connection lost", ac->errstr);
  slot->ac = NULL;
  slot->ready = 0;
  ev_timer_stop(r->e->loop, &slot->connect_timer);
  if (slot == &r->relay) r->relay_waiting = r->relay_paused = 0; /* a reconnect reads (or pauses) afresh */
  if (slot == &r->cmd && r->infl_head) {
    /* Sent but not acknowledged: send again first, after checking which of
     * them Redis applied before the connection died (ew__on_resend_check). */
    r->verify += r->infl_count;
    r->infl_count = 0;
    r->infl_tail->next = r->pend_head;
    if (!r->pend_head) r->pend_tail = r->infl_tail;
    r->pend_head = r->infl_head;
    r->infl_head = r->infl_tail = NULL;
  }
  ew__relay_undefer(r);
  if (atomic_exchange(&r->e->redis_connected, 0)) {
    atomic_fetch_add(&r->e->redis_reconnects, 1);
    ew__engine_post(r->e, EW_MSG_REDIS, 0, 0, r->last_error, strlen(r->last_error));
  }
  ew__schedule_retry(r);
}

static void ew__on_connect_timeout(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  ew__redis_t *r = w->data;
  ew__conn_slot_t *slot = w == &r->cmd.connect_timer ? &r->cmd : &r->relay;
  if (!slot->ac || slot->ready) return;
  /* Covers the TCP connect and the AUTH / SELECT / PING exchange: a server
   * that accepts but never answers (stopped, overloaded) is given up too. */
  ew__set_error(r, "connect timeout", NULL);
  redisAsyncContext *ac = slot->ac;
  slot->ac = NULL; /* its callbacks (disconnect, setup replies) find no slot */
  redisAsyncFree(ac);
  ew__schedule_retry(r);
}

static void ew__connect(ew__redis_t *r, ew__conn_slot_t *slot) {
  if (r->stopping || slot->ac) return;
  redisAsyncContext *ac = redisAsyncConnect(r->host, r->port);
  if (!ac || ac->err) {
    ew__set_error(r, "cannot connect", ac ? ac->errstr : "out of memory");
    if (ac) redisAsyncFree(ac);
    ew__schedule_retry(r);
    return;
  }
  ac->data = r;
  slot->ac = ac;
  slot->ready = 0;
  ew__reply_arena_attach(ac, slot->arena);
  redisLibevAttach(r->e->loop, ac);
  redisAsyncSetConnectCallback(ac, ew__on_connect);
  redisAsyncSetDisconnectCallback(ac, ew__on_disconnect);
  ev_timer_stop(r->e->loop, &slot->connect_timer); /* a dropped attempt's may still run */
  ev_timer_set(&slot->connect_timer, r->connect_timeout_ms / 1000.0, 0.);
  ev_timer_start(r->e->loop, &slot->connect_timer);
}

int ew__redis_start(ew_engine_t *e, const ew_redis_options_t *o, ew__redis_t **out) {
  *out = NULL;
  if (!o->host || !*o->host || !o->instance || !*o->instance) return EW_EINVAL;
  ew__redis_t *r = ew__calloc(1, sizeof *r);
  if (!r) return EW_ENOMEM;
  r->e = e;
  const char *stream = o->stream && *o->stream ? o->stream : "eventwire:events";
  r->host = ew__strndup(o->host, strlen(o->host));
  r->stream = ew__strndup(stream, strlen(stream));
  r->instance = ew__strndup(o->instance, strlen(o->instance));
  r->password = o->password && *o->password ? ew__strndup(o->password, strlen(o->password)) : NULL;
  r->cmd.arena = ew__reply_arena_new();
  r->relay.arena = ew__reply_arena_new();
  ew__buf_init(&r->packed);
  if (!r->host || !r->stream || !r->instance || (o->password && *o->password && !r->password) || !r->cmd.arena ||
      !r->relay.arena) {
    ew__redis_stop(r);
    return EW_ENOMEM;
  }
  r->port = o->port > 0 ? o->port : 6379;
  r->db = o->db;
  r->retention = o->retention ? o->retention : 100000;
  r->maxlen[ew__u64_put(r->maxlen, r->retention)] = '\0';
  r->queue_size = o->queue_size ? o->queue_size : 10000;
  r->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000;
  r->max_attempts = o->max_reconnect_attempts > 0 ? o->max_reconnect_attempts : 10;
  ev_timer_init(&r->retry_timer, ew__on_retry, 0., 0.);
  r->retry_timer.data = r;
  ev_timer_init(&r->relay_timer, ew__on_relay_timer, 0., 0.);
  r->relay_timer.data = r;
  ev_timer_init(&r->cmd.connect_timer, ew__on_connect_timeout, 0., 0.);
  r->cmd.connect_timer.data = r;
  ev_timer_init(&r->relay.connect_timer, ew__on_connect_timeout, 0., 0.);
  r->relay.connect_timer.data = r;
  ew__connect(r, &r->cmd);
  ew__connect(r, &r->relay);
  *out = r;
  return 0;
}

void ew__redis_stop(ew__redis_t *r) {
  if (!r) return;
  r->stopping = 1;
  if (r->e->loop) {
    ev_timer_stop(r->e->loop, &r->retry_timer);
    ev_timer_stop(r->e->loop, &r->relay_timer);
    ev_timer_stop(r->e->loop, &r->cmd.connect_timer);
    ev_timer_stop(r->e->loop, &r->relay.connect_timer);
  }
  ew__conn_slot_t *slots[2] = {&r->cmd, &r->relay};
  for (int i = 0; i < 2; i++) {
    redisAsyncContext *ac = slots[i]->ac;
    slots[i]->ac = NULL;
    slots[i]->ready = 0; /* nothing may be sent from the callbacks that run now */
    if (ac) redisAsyncFree(ac); /* pending callbacks get NULL replies */
  }
  /* Not called from a hiredis callback (the engine's close command): the
   * contexts are gone now, and with them every user of the arenas. */
  ew__reply_arena_free(r->cmd.arena);
  ew__reply_arena_free(r->relay.arena);
  ew__buf_free(&r->packed);
  ew__set_error(r, "the bus closed before Redis acknowledged", NULL);
  ew__fail_all(r, EW_ECLOSED);
  ew__free(r->host);
  ew__free(r->password);
  ew__free(r->stream);
  ew__free(r->instance);
  ew__free(r);
}
