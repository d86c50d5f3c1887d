/*
 * outq.c - a connection's backlog and the write path (DESIGN §10).
 *
 * Frames are shared and encoded once; a backlog is a ring of pointers to
 * them. After each batch of work, every connection with something queued
 * writes its whole pending span (whole frames, up to 64 KiB) with one
 * sendmsg(), straight on the socket: the engine owns the byte stream of its
 * raw sockets, so nothing of lws's can interleave. A short write keeps the
 * offset into the first frame and waits for the writeable callback.
 *
 * Slow clients: the backlog is bounded in frames and bytes. An event that
 * does not fit first gets the socket to take what it can, then evicts queued
 * `low` events; a `low` event that still does not fit is dropped (counted,
 * then announced with a `dropped` notice once the backlog has emptied); a
 * `normal`+ event that does not fit closes the connection with 4008.
 */
#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "alloc.h"
#include "buf.h"
#include "conn.h"
#include "engine.h"
#include "names.h"
#include "redis.h"

/* One sendmsg takes up to 256 frames / 256 KB. At 64 frames a burst cost
 * several syscalls per client (each with its TCP push and loopback softirq);
 * 256 raised fan-out with Redis from ~0.70 to ~0.94 of Redis off
 * (BENCHMARKS.md) with /ws fan-out and idle RSS unchanged. */
#define EW__IOV_MAX 256
#define EW__SPAN_MAX (256 * 1024)
#define EW__CLOSE_SLOW 4008

static ew__frame_t **ew__q_slot(ew__conn_t *c, uint32_t i) {
  return &c->q[(c->q_head + i) & (c->q_cap - 1)];
}

/* Grows the ring (a power of two) to hold one more frame. */
static int ew__q_grow(ew__conn_t *c) {
  if (c->q_count < c->q_cap) return 0;
  uint32_t cap = c->q_cap ? c->q_cap * 2 : 8;
  ew__frame_t **q = ew__malloc(cap * sizeof *q);
  if (!q) return EW_ENOMEM;
  for (uint32_t i = 0; i < c->q_count; i++) q[i] = *ew__q_slot(c, i);
  ew__free(c->q);
  c->q = q;
  c->q_cap = cap;
  c->q_head = 0;
  return 0;
}

static int ew__q_push(ew__conn_t *c, ew__frame_t *f) {
  if (ew__q_grow(c)) return EW_ENOMEM;
  ew__frame_ref(f);
  *ew__q_slot(c, c->q_count++) = f;
  c->q_bytes += f->len;
  if (f->is_event && f->prio == EW__PRIO_LOW) c->q_low++;
  ew_engine_t *e = c->srv->engine;
  if (c->q_count > atomic_load(&e->backlog_hwm_frames)) atomic_store(&e->backlog_hwm_frames, c->q_count);
  if (c->q_bytes > atomic_load(&e->backlog_hwm_bytes)) atomic_store(&e->backlog_hwm_bytes, c->q_bytes);
  ew__conn_mark_dirty(c);
  return 0;
}

/* Releases the first frame of the backlog. */
static void ew__q_pop(ew__conn_t *c) {
  ew__frame_t *f = *ew__q_slot(c, 0);
  if (f) {
    c->q_bytes -= f->len - c->q_off;
    if (f->is_event && f->prio == EW__PRIO_LOW) c->q_low--;
    ew__frame_unref(f);
  }
  c->q_head = (c->q_head + 1) & (c->q_cap - 1);
  c->q_count--;
  c->q_off = 0;
}

static void ew__note_drop(ew__conn_t *c, const ew__frame_t *f) {
  if (c->dropped == 0) {
    c->drop_first_ms = f->id_ms;
    c->drop_first_seq = f->id_seq;
  } else if (ew__id_cmp(f->id_ms, f->id_seq, c->drop_first_ms, c->drop_first_seq) < 0) {
    c->drop_first_ms = f->id_ms;
    c->drop_first_seq = f->id_seq;
  }
  if (c->dropped == 0 || ew__id_cmp(f->id_ms, f->id_seq, c->drop_last_ms, c->drop_last_seq) > 0) {
    c->drop_last_ms = f->id_ms;
    c->drop_last_seq = f->id_seq;
  }
  c->dropped++;
  atomic_fetch_add(&c->srv->engine->dropped_low, 1);
}

/* Evicts queued low events (oldest first, never the one being written) until
 * `need_frames`/`need_bytes` more fit. The slots are compacted. */
static void ew__evict_low(ew__conn_t *c, size_t max_frames, size_t max_bytes, size_t add_bytes) {
  uint32_t keep = 0;
  uint32_t n = c->q_count;
  for (uint32_t i = 0; i < n; i++) {
    ew__frame_t *f = *ew__q_slot(c, i);
    int over = c->q_count + 1 > max_frames || c->q_bytes + add_bytes > max_bytes;
    int evictable = over && f->is_event && f->prio == EW__PRIO_LOW && !(i == 0 && c->q_off);
    if (evictable) {
      ew__note_drop(c, f);
      c->q_bytes -= f->len;
      c->q_low--;
      c->q_count--;
      ew__frame_unref(f);
      continue;
    }
    *ew__q_slot(c, keep++) = f;
  }
}

int ew__conn_wants(const ew__conn_t *c, const ew__frame_t *f) {
  const char *delim = c->srv->engine->delim;
  for (uint8_t i = 0; i < c->npatterns; i++)
    if (ew__pattern_match(c->patterns[i], strlen(c->patterns[i]), f->type, f->type_len, delim))
      return 1;
  return 0;
}

int ew__conn_replay(ew__conn_t *c, ew__frame_t *event) {
  ew__frame_t *f = ew__frame_wire(event, (ew__wire_t)c->wire);
  if (!f) return EW_ENOMEM;
  /* A page may pass the bound a little; a backlog twice over it is a client
   * that does not read. */
  if (c->q_count + 1 > 2 * c->srv->backlog_max_frames || c->q_bytes + f->len > 2 * c->srv->backlog_max_bytes)
    return EW_EQUEUE_FULL;
  int rc = ew__q_push(c, f);
  if (!rc) atomic_fetch_add(&c->srv->engine->deliveries, 1);
  return rc;
}

int ew__conn_send(ew__conn_t *c, ew__frame_t *f) {
  if (c->state == EW__CONN_CLOSING || c->dead) return 0;
  return ew__q_push(c, f);
}

/* True when a resume's id says the client has this event already. */
static int ew__conn_seen(ew__conn_t *c, const ew__frame_t *event) {
  if (!c->skipping) return 0;
  if (ew__id_cmp(event->id_ms, event->id_seq, c->skip_ms, c->skip_seq) <= 0) return 1;
  c->skipping = 0;
  return 0;
}

int ew__conn_deliver(ew__conn_t *c, ew__frame_t *event) {
  if (c->state != EW__CONN_OPEN || c->dead || c->catching_up) return 0;
  if (ew__conn_seen(c, event)) return 0;
  if (c->wire == EW__WIRE_SIO && c->sio_state != 2) return 0;
  ew__frame_t *f = ew__frame_wire(event, (ew__wire_t)c->wire);
  if (!f) return 0;
  ew__server_t *s = c->srv;
  size_t max_frames = s->backlog_max_frames, max_bytes = s->backlog_max_bytes;
  if (c->q_count + 1 > max_frames || c->q_bytes + f->len > max_bytes) {
    /* Full: give the socket what it takes first, so a burst larger than the
     * backlog only hurts a client that is really not reading. */
    ew__conn_flush(c);
    if (c->state != EW__CONN_OPEN || c->dead) return 0;
  }
  if (c->q_count + 1 > max_frames || c->q_bytes + f->len > max_bytes) {
    if (c->q_low) ew__evict_low(c, max_frames, max_bytes, f->len);
    if (c->q_count + 1 > max_frames || c->q_bytes + f->len > max_bytes) {
      if (f->prio == EW__PRIO_LOW) {
        ew__note_drop(c, f);
        return 0;
      }
      atomic_fetch_add(&s->engine->slow_consumer_closes, 1);
      ew__conn_close(c, EW__CLOSE_SLOW, "slow consumer");
      return 0;
    }
  }
  return ew__q_push(c, f) == 0; /* the caller counts deliveries per event */
}

void ew__conn_mark_dirty(ew__conn_t *c) {
  if (c->dirty) return;
  c->dirty = 1;
  c->dirty_next = c->srv->dirty;
  c->srv->dirty = c;
}

/* A `dropped` notice, queued once the backlog has emptied: an op on /ws, an
 * `eventwire:dropped` event on Socket.IO, an `eventwire.dropped` event on SSE. */
static void ew__send_drop_notice(ew__conn_t *c) {
  char json[200];
  snprintf(json, sizeof json,
           "{\"count\":%llu,\"first\":\"%llu-%llu\",\"last\":\"%llu-%llu\",\"reason\":\"slow_consumer\"}",
           (unsigned long long)c->dropped, (unsigned long long)c->drop_first_ms,
           (unsigned long long)c->drop_first_seq, (unsigned long long)c->drop_last_ms,
           (unsigned long long)c->drop_last_seq);
  c->dropped = 0;
  ew__conn_notice(c, "dropped", json);
}

void ew__conn_notice(ew__conn_t *c, const char *name, const char *json) {
  ew__buf_t b;
  ew__buf_init(&b);
  switch (c->wire) {
    case EW__WIRE_SIO:
      ew__buf_addf(&b, "42[\"eventwire:%s\",", name);
      ew__buf_adds(&b, json);
      ew__buf_adds(&b, "]");
      break;
    case EW__WIRE_SSE:
      ew__buf_addf(&b, "event: eventwire.%s\ndata: ", name);
      ew__buf_adds(&b, json);
      ew__buf_adds(&b, "\n\n");
      break;
    default: /* /ws: {"op":"<name>",<fields of json>} */
      ew__buf_addf(&b, "{\"op\":\"%s\",", name);
      ew__buf_adds(&b, json + 1);
      break;
  }
  if (!b.failed) {
    if (c->wire == EW__WIRE_SSE) {
      ew__frame_t *f = ew__frame_raw(b.data, b.len);
      if (f) {
        ew__conn_send(c, f);
        ew__frame_unref(f);
      }
    } else {
      ew__ws_send_text(c, b.data, b.len);
    }
  }
  ew__buf_free(&b);
}

/* While catching up, moves history frames the connection wants into its
 * backlog, up to the bounds; switches to live at the head of history. */
static void ew__refill(ew__conn_t *c) {
  ew__server_t *s = c->srv;
  ew__history_t *h = &s->engine->history;
  while (c->catching_up && !c->stream_catchup && c->state == EW__CONN_OPEN) {
    if (c->cursor < h->tail) {
      /* History moved past us while we lagged: resuming here would skip. */
      atomic_fetch_add(&s->engine->slow_consumer_closes, 1);
      ew__conn_close(c, EW__CLOSE_SLOW, "slow consumer");
      return;
    }
    if (c->cursor >= h->head) {
      c->catching_up = 0;
      return;
    }
    ew__frame_t *event = ew__history_at(h, c->cursor);
    if (ew__conn_wants(c, event) && !ew__conn_seen(c, event)) {
      ew__frame_t *f = ew__frame_wire(event, (ew__wire_t)c->wire);
      if (!f) return;
      if (c->q_count + 1 > s->backlog_max_frames || c->q_bytes + f->len > s->backlog_max_bytes) return;
      if (ew__q_push(c, f)) return;
      atomic_fetch_add(&s->engine->deliveries, 1);
    }
    c->cursor++;
  }
}

/* Once a closing connection has written everything, lws closes it from the
 * writeable callback (see server.c). */
static void ew__want_write(ew__conn_t *c) { lws_callback_on_writable(c->wsi); }

void ew__conn_flush(ew__conn_t *c) {
  if (c->dead) return;
  ew_engine_t *e = c->srv->engine;
  int fd = (int)lws_get_socket_fd(c->wsi);
  for (int rounds = 0; rounds < 4; rounds++) {
    if (c->replay_parked && e->redis) ew__redis_replay_unpark(e->redis, c); /* drained below half: next page */
    if (c->catching_up) ew__refill(c);
    /* The notice goes out once the client has caught up (nothing queued), so
     * notices can never crowd events out of a full backlog. */
    if (c->dropped && c->state == EW__CONN_OPEN && c->q_count == 0) ew__send_drop_notice(c);
    if (c->q_count == 0) break;

    struct iovec iov[EW__IOV_MAX];
    int n = 0;
    size_t span = 0;
    for (uint32_t i = 0; i < c->q_count && n < EW__IOV_MAX && span < EW__SPAN_MAX; i++) {
      ew__frame_t *f = *ew__q_slot(c, i);
      size_t off = i == 0 ? c->q_off : 0;
      iov[n].iov_base = f->data + off;
      iov[n].iov_len = f->len - off;
      span += iov[n].iov_len;
      n++;
    }
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = (size_t)n;
    ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        ew__want_write(c);
        return;
      }
      c->dead = 1; /* peer gone: lws sees the error and closes */
      ew__conn_kill(c);
      return;
    }
    atomic_fetch_add(&e->bytes_out, (uint64_t)w);
    size_t left = (size_t)w;
    while (left && c->q_count) {
      ew__frame_t *f = *ew__q_slot(c, 0);
      size_t rest = f->len - c->q_off;
      if (left < rest) {
        c->q_off += (uint32_t)left;
        c->q_bytes -= left;
        left = 0;
        break;
      }
      left -= rest;
      c->q_bytes -= rest;
      c->q_off = f->len; /* fully sent: pop must not subtract again */
      atomic_fetch_add(&e->frames_out, 1);
      /* q_bytes already reduced; pop subtracts (len - q_off) == 0 */
      ew__q_pop(c);
    }
    if ((size_t)w < span) {
      ew__want_write(c);
      return;
    }
  }
  if (c->q_count == 0 && c->q_cap > 64) {
    /* A burst is over: give idle connections their memory back. */
    ew__free(c->q);
    c->q = NULL;
    c->q_cap = 0;
    c->q_head = 0;
  }
  if (c->dropped && c->state == EW__CONN_OPEN && c->q_count == 0) ew__send_drop_notice(c);
  if (c->q_count || c->catching_up || c->state == EW__CONN_CLOSING) ew__want_write(c);
}

void ew__conn_close(ew__conn_t *c, uint16_t code, const char *reason) {
  if (c->state == EW__CONN_CLOSING || c->dead) return;
  if (c->state == EW__CONN_OPEN && c->wire == EW__WIRE_SSE) {
    /* SSE has no close frame: say why in an event, then end the stream. */
    char json[160];
    snprintf(json, sizeof json, "{\"code\":%u,\"reason\":\"%.100s\"}", code, reason);
    ew__conn_notice(c, "close", json);
  } else if (c->state == EW__CONN_OPEN) {
    ew__frame_t *f = ew__frame_close(code, reason);
    if (f) {
      ew__q_push(c, f);
      ew__frame_unref(f);
    }
  }
  c->state = EW__CONN_CLOSING;
  c->catching_up = 0;
  c->since_ms = ew__now_ms();
  ew__conn_mark_dirty(c);
}

void ew__conn_kill(ew__conn_t *c) {
  c->dead = 1;
  /* shutdown() makes lws see EOF/HUP on its next poll and close the wsi,
   * even when the peer never reads and the socket never turns writeable. */
  shutdown((int)lws_get_socket_fd(c->wsi), SHUT_RDWR);
  lws_callback_on_writable(c->wsi);
}

void ew__conn_trim(ew__conn_t *c) {
  if (c->q_count) return;
  ew__free(c->q);
  c->q = NULL;
  c->q_cap = 0;
  c->q_head = 0;
}

void ew__conn_release(ew__conn_t *c) {
  ew__free(c->resume_ref);
  c->resume_ref = NULL;
  ew__free(c->allow);
  c->allow = NULL;
  ew__free(c->sio_pid);
  ew__free(c->sio_offset);
  c->sio_pid = c->sio_offset = NULL;
  while (c->q_count) ew__q_pop(c);
  ew__free(c->q);
  c->q = NULL;
  c->q_cap = 0;
  ew__free(c->rx);
  c->rx = NULL;
  c->rx_cap = c->rx_len = 0;
  ew__free(c->ctl);
  c->ctl = NULL;
}
