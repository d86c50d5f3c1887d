/*
 * sio.c - Socket.IO v5 over Engine.IO v4 on the engine's WebSocket stack,
 * so unmodified socket.io-client 4.x with transports: ['websocket'] can
 * connect to /socket.io/.
 *
 * Supported: the Engine.IO handshake, ping/pong and close; the "/" namespace
 * with an auth payload (checked by the JS authorize hook when one is set:
 * refusal = CONNECT_ERROR "44{message}"); client events "subscribe",
 * "unsubscribe" (a pattern or an array of patterns) and "publish"
 * ({ type, data, priority, metadata }), with acks; server events
 * 42["<type>",envelope,"<id>"] where the id is the offset for connection
 * state recovery: the connect ack carries a pid, and a client reconnecting
 * with { pid, offset } gets its subscriptions back and every event after the
 * offset from history (recovered: true). Not supported: HTTP long-polling
 * (400 "Transport unknown"), other namespaces, binary attachments (refused
 * with an eventwire:error event and close 1003), server-to-client acks.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "alloc.h"
#include "engine.h"
#include "json.h"
#include "sio.h"

#define EW__SIO_SESSIONS 4096 /* sessions kept; a power of two */
#define EW__SIO_BUCKETS 8192  /* hash buckets by pid; a power of two */
#define EW__SIO_SESSION_TTL_MS 120000

/* ---- recoverable sessions -------------------------------------------------- */

/* A closed connection's subscriptions, kept under its pid for
 * EW__SIO_SESSION_TTL_MS. The TTL is the same for every session, so the
 * order of saving is the order of expiry: saved sessions form a list in
 * that order, and a save takes a free slot (one a resume or an expiry gave
 * back) or else the oldest session, the one closest to expiry. Lookups go
 * through hash chains. All of it is O(1): a mass disconnect of N clients
 * costs N saves, not N scans of the store. */
typedef struct ew__sio_session {
  char pid[24];        /* "" = free */
  char **patterns;
  uint8_t n;
  uint64_t expires_ms;
  int32_t next;        /* next slot in the same bucket, -1 = none */
  int32_t older, newer; /* the save-order list (a free slot: newer = next free), -1 = none */
} ew__sio_session_t;

struct ew__sio_sessions {
  ew__sio_session_t slots[EW__SIO_SESSIONS];
  int32_t buckets[EW__SIO_BUCKETS]; /* first slot of each chain, -1 = none */
  int32_t oldest, newest;           /* ends of the save-order list, -1 = empty */
  int32_t free;                     /* first free slot, -1 = none */
};

/* FNV-1a of the pid (random: ew__random_id). */
static uint32_t ew__pid_bucket(const char *pid) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)pid; *p; p++) h = (h ^ *p) * 16777619u;
  return h & (EW__SIO_BUCKETS - 1);
}

ew__sio_sessions_t *ew__sio_sessions_new(void) {
  ew__sio_sessions_t *ss = ew__calloc(1, sizeof(ew__sio_sessions_t));
  if (!ss) return NULL;
  for (int i = 0; i < EW__SIO_BUCKETS; i++) ss->buckets[i] = -1;
  for (int i = 0; i < EW__SIO_SESSIONS; i++) {
    ss->slots[i].next = ss->slots[i].older = -1;
    ss->slots[i].newer = i + 1 < EW__SIO_SESSIONS ? i + 1 : -1;
  }
  ss->oldest = ss->newest = -1;
  ss->free = 0;
  return ss;
}

/* Frees a saved session's patterns, takes it out of its chain and of the
 * save order, and puts its slot on the free list. */
static void ew__session_clear(ew__sio_sessions_t *ss, ew__sio_session_t *s) {
  int32_t idx = (int32_t)(s - ss->slots);
  int32_t *link = &ss->buckets[ew__pid_bucket(s->pid)];
  while (*link != -1 && *link != idx) link = &ss->slots[*link].next;
  if (*link == idx) *link = s->next;
  if (s->older != -1) ss->slots[s->older].newer = s->newer;
  else ss->oldest = s->newer;
  if (s->newer != -1) ss->slots[s->newer].older = s->older;
  else ss->newest = s->older;
  for (uint8_t i = 0; i < s->n; i++) ew__free(s->patterns[i]);
  ew__free(s->patterns);
  memset(s, 0, sizeof *s);
  s->next = s->older = -1;
  s->newer = ss->free;
  ss->free = idx;
}

void ew__sio_sessions_free(ew__sio_sessions_t *ss) {
  if (!ss) return;
  for (int i = 0; i < EW__SIO_SESSIONS; i++) {
    for (uint8_t k = 0; k < ss->slots[i].n; k++) ew__free(ss->slots[i].patterns[k]);
    ew__free(ss->slots[i].patterns);
  }
  ew__free(ss);
}

static void ew__session_save(ew__sio_sessions_t *ss, const ew__conn_t *c) {
  if (ss->free == -1) ew__session_clear(ss, &ss->slots[ss->oldest]); /* all 4,096 kept: the oldest goes */
  int32_t idx = ss->free;
  ew__sio_session_t *slot = &ss->slots[idx];
  ss->free = slot->newer;
  slot->patterns = c->npatterns ? ew__calloc(c->npatterns, sizeof *slot->patterns) : NULL;
  for (uint8_t i = 0; i < c->npatterns && slot->patterns; i++) {
    slot->patterns[i] = ew__strndup(c->patterns[i], strlen(c->patterns[i]));
    if (slot->patterns[i]) slot->n++;
  }
  snprintf(slot->pid, sizeof slot->pid, "%s", c->sio_pid);
  slot->expires_ms = ew__now_ms() + EW__SIO_SESSION_TTL_MS;
  uint32_t b = ew__pid_bucket(slot->pid);
  slot->next = ss->buckets[b];
  ss->buckets[b] = idx;
  slot->older = ss->newest;
  slot->newer = -1;
  if (ss->newest != -1) ss->slots[ss->newest].newer = idx;
  else ss->oldest = idx;
  ss->newest = idx;
}

static ew__sio_session_t *ew__session_find(ew__sio_sessions_t *ss, const char *pid) {
  for (int32_t i = ss->buckets[ew__pid_bucket(pid)]; i != -1; i = ss->slots[i].next) {
    ew__sio_session_t *s = &ss->slots[i];
    if (strcmp(s->pid, pid)) continue;
    if (s->expires_ms < ew__now_ms()) {
      ew__session_clear(ss, s);
      return NULL;
    }
    return s;
  }
  return NULL;
}

/* ---- packets ---------------------------------------------------------------- */

static void ew__send(ew__conn_t *c, const char *text, size_t len) { ew__ws_send_text(c, text, len); }

/* Random bytes for sids and pids, taken from getrandom() 256 bytes at a
 * time: a Socket.IO connect needs three ids (60 bytes), and three
 * getrandom() calls per connection showed in a connect storm's profile.
 * Per thread: only the engine thread makes ids. */
static _Thread_local struct {
  unsigned char b[256]; /* getrandom() answers up to 256 bytes whole, even when interrupted */
  size_t left;
} ew__rand_pool;

static void ew__random_bytes(unsigned char *out, size_t n) {
  if (ew__rand_pool.left < n) {
    ssize_t got = getrandom(ew__rand_pool.b, sizeof ew__rand_pool.b, 0);
    if (got == (ssize_t)sizeof ew__rand_pool.b) {
      ew__rand_pool.left = sizeof ew__rand_pool.b;
    } else { /* no entropy source: ids stay unique, no longer unguessable */
      for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(ew__now_ms() * 2654435761u >> (i % 24));
      return;
    }
  }
  ew__rand_pool.left -= n;
  memcpy(out, ew__rand_pool.b + ew__rand_pool.left, n);
  memset(ew__rand_pool.b + ew__rand_pool.left, 0, n); /* handed out once */
}

static void ew__random_id(char *out, size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char raw[32];
  if (n > sizeof raw + 1) n = sizeof raw + 1;
  ew__random_bytes(raw, n - 1);
  for (size_t i = 0; i + 1 < n; i++) out[i] = alphabet[raw[i] & 63];
  out[n - 1] = '\0';
}

void ew__sio_open(ew__conn_t *c) {
  ew__server_t *s = c->srv;
  c->wire = EW__WIRE_SIO;
  char sid[21], open[256];
  ew__random_id(sid, sizeof sid);
  int n = snprintf(open, sizeof open,
                   "0{\"sid\":\"%s\",\"upgrades\":[],\"pingInterval\":%d,\"pingTimeout\":%d,\"maxPayload\":%zu}", sid,
                   s->sio_ping_interval_ms, s->sio_ping_timeout_ms, s->max_payload);
  ew__send(c, open, (size_t)n);
}

void ew__sio_ping(ew__conn_t *c) { ew__send(c, "2", 1); }

/* 43<ack>[<json>] */
static void ew__ack(ew__conn_t *c, const char *ack, const char *json) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_addf(&b, "43%s[%s]", ack, json);
  if (!b.failed) ew__send(c, b.data, b.len);
  ew__buf_free(&b);
}

/* An error answers the ack when there is one, else an eventwire:error event. */
static void ew__fail(ew__conn_t *c, const char *ack, int err, const char *message) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "{\"ok\":false,\"code\":\"");
  ew__buf_adds(&b, ew_err_name(err));
  ew__buf_adds(&b, "\",\"message\":");
  ew__buf_add_json_str(&b, message, strlen(message));
  ew__buf_adds(&b, "}");
  if (!b.failed) {
    if (ack && *ack)
      ew__ack(c, ack, b.data);
    else
      ew__conn_notice(c, "error", b.data);
  }
  ew__buf_free(&b);
  atomic_fetch_add(&c->srv->engine->op_errors, 1);
}

/* CONNECT ack "40{sid,pid}": the same pid tells the client it recovered. */
static void ew__send_ack(ew__conn_t *c, int recovered) {
  if (!recovered) {
    ew__free(c->sio_pid);
    c->sio_pid = ew__malloc(21);
    if (c->sio_pid) ew__random_id(c->sio_pid, 21);
  }
  char sid[21], out[128];
  ew__random_id(sid, sizeof sid);
  int n = snprintf(out, sizeof out, "40{\"sid\":\"%s\",\"pid\":\"%s\"}", sid, c->sio_pid ? c->sio_pid : "");
  c->sio_state = 2;
  ew__send(c, out, (size_t)n);
  ew__conn_mark_dirty(c);
}

/* The connect ack; restores a recoverable session first: from the ring, or
 * in Redis mode from the stream when the ring no longer reaches back (then
 * the ack waits for the stream's answer, ew__sio_resumed). */
static void ew__accept(ew__conn_t *c) {
  ew__server_t *s = c->srv;
  int recovered = 0;
  if (c->sio_pid && c->sio_offset) {
    ew__sio_session_t *sess = ew__session_find(s->sio_sessions, c->sio_pid);
    uint64_t ms, seq;
    char msg[128], oldest[EW_ID_MAX];
    if (sess && !ew__since_parse(c->sio_offset, strlen(c->sio_offset), &ms, &seq) &&
        !ew__subs_add(c, (const char *const *)sess->patterns, sess->n, msg, sizeof msg)) {
      int rc = ew__subs_resume(c, ms, seq, oldest, sizeof oldest);
      if (rc == EW__RESUME_ASYNC) {
        ew__session_clear(s->sio_sessions, sess);
        ew__free(c->sio_offset);
        c->sio_offset = NULL;
        c->sio_state = 3;
        return;
      }
      if (rc == 0) {
        recovered = 1;
      } else {
        ew__subs_clear(c); /* a gap: start over, the client resubscribes */
        c->catching_up = 0;
      }
    }
    if (sess) ew__session_clear(s->sio_sessions, sess);
  }
  ew__free(c->sio_offset);
  c->sio_offset = NULL;
  ew__send_ack(c, recovered);
}

void ew__sio_resumed(ew__conn_t *c, int err) {
  if (c->sio_state != 3) return;
  if (err) {
    ew__subs_clear(c); /* the stream was trimmed past the offset: not recoverable */
  }
  ew__send_ack(c, err == 0);
}

void ew__sio_auth_done(ew__conn_t *c, int err, const char *message) {
  if (c->sio_state != 1) return;
  if (err == 0 && ew__conn_allow(c, message)) err = EW_ENOMEM, message = "out of memory";
  if (err == 0) {
    ew__accept(c); /* message: the patterns allowed (ew__conn_allow) */
    return;
  }
  /* A refusal, as a 401/403 of /ws or /events is (it comes as 44, not HTTP). */
  atomic_fetch_add(&c->srv->engine->handshake_rejects, 1);
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "44{\"message\":");
  const char *m = message && *message ? message : "not authorized";
  ew__buf_add_json_str(&b, m, strlen(m));
  ew__buf_adds(&b, "}");
  if (!b.failed) ew__send(c, b.data, b.len);
  ew__buf_free(&b);
  c->sio_state = 0;
}

void ew__sio_closed(ew__conn_t *c) {
  if (c->sio_state == 2 && c->sio_pid && c->srv->sio_sessions) ew__session_save(c->srv->sio_sessions, c);
  ew__free(c->sio_pid);
  ew__free(c->sio_offset);
  c->sio_pid = c->sio_offset = NULL;
}

/* CONNECT "0[/nsp,][{auth}]" */
static void ew__on_connect(ew__conn_t *c, const char *p, size_t n) {
  if (n && p[0] == '/') {
    const char *comma = memchr(p, ',', n);
    size_t nl = comma ? (size_t)(comma - p) : n;
    if (nl != 1) {
      char out[320];
      int k = snprintf(out, sizeof out, "44%.*s,{\"message\":\"Invalid namespace\"}", (int)(nl > 200 ? 200 : nl), p);
      ew__send(c, out, (size_t)k);
      return;
    }
    p += comma ? nl + 1 : nl;
    n -= comma ? nl + 1 : nl;
  }
  if (c->sio_state) return; /* already connected or authorizing */
  ew__json_info_t info;
  cJSON *auth = NULL;
  if (n) {
    if (ew__json_check(p, n, &info) || info.has_nul_escape || !(auth = cJSON_ParseWithLength(p, n)) ||
        !cJSON_IsObject(auth)) {
      cJSON_Delete(auth);
      ew__send(c, "44{\"message\":\"the auth payload must be a JSON object\"}", 54);
      return;
    }
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(auth, "pid");
    const cJSON *offset = cJSON_GetObjectItemCaseSensitive(auth, "offset");
    if (cJSON_IsString(pid) && cJSON_IsString(offset) && strlen(pid->valuestring) < 24) {
      c->sio_pid = ew__strndup(pid->valuestring, strlen(pid->valuestring));
      c->sio_offset = ew__strndup(offset->valuestring, strlen(offset->valuestring));
    }
  }
  if (!c->srv->sio_authorize) {
    cJSON_Delete(auth);
    ew__accept(c);
    return;
  }
  /* Ask the JS authorize hook (EW_MSG_AUTH); the answer comes back through
   * ew_engine_answer with the token. */
  uint32_t token = ew__engine_pending(c->srv->engine, c, EW__PENDING_AUTH, NULL);
  if (!token) {
    cJSON_Delete(auth);
    ew__send(c, "44{\"message\":\"server busy: too many connections authorizing\"}", 62);
    return;
  }
  c->sio_state = 1;
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "{\"transport\":\"socket.io\",\"auth\":");
  if (n)
    ew__buf_add(&b, p, n);
  else
    ew__buf_adds(&b, "null");
  ew__buf_adds(&b, "}");
  if (!b.failed) ew__engine_post(c->srv->engine, EW_MSG_AUTH, token, (int64_t)c->id, b.data, b.len);
  ew__buf_free(&b);
  cJSON_Delete(auth);
}

/* Collects a pattern or an array of patterns. -1 after answering the error. */
static int ew__patterns(ew__conn_t *c, const cJSON *arg, const char *ack, const char **list, size_t *n) {
  char msg[256];
  *n = 0;
  if (cJSON_IsString(arg)) {
    list[(*n)++] = arg->valuestring;
  } else if (cJSON_IsArray(arg) && cJSON_GetArraySize(arg) > 0 && cJSON_GetArraySize(arg) <= 4 * EW__MAX_PATTERNS) {
    const cJSON *it;
    cJSON_ArrayForEach(it, arg) {
      if (!cJSON_IsString(it)) break;
      list[(*n)++] = it->valuestring;
    }
    if (*n != (size_t)cJSON_GetArraySize(arg)) *n = 0;
  }
  if (*n == 0) {
    ew__fail(c, ack, EW_EINVAL, "pass a pattern or a non-empty array of patterns");
    return -1;
  }
  for (size_t i = 0; i < *n; i++) {
    int rc = ew__subs_check(c->srv->engine, list[i], strlen(list[i]), msg, sizeof msg);
    if (rc) {
      ew__fail(c, ack, rc, msg);
      return -1;
    }
  }
  return 0;
}

static void ew__on_publish(ew__conn_t *c, const cJSON *arg, const char *ack) {
  ew_engine_t *e = c->srv->engine;
  if (!c->srv->allow_client_publish) {
    ew__fail(c, ack, EW_EFORBIDDEN, "this server does not accept publish (allowClientPublish is off)");
    return;
  }
  const cJSON *type = cJSON_IsObject(arg) ? cJSON_GetObjectItemCaseSensitive(arg, "type") : NULL;
  if (!cJSON_IsString(type)) {
    ew__fail(c, ack, EW_EINVAL, "publish needs { type, data }");
    return;
  }
  if (ew_event_name_check(type->valuestring, strlen(type->valuestring), e->delim)) {
    ew__fail(c, ack, EW_EEVENT_NAME, "type must be a concrete event name");
    return;
  }
  uint32_t token = ew__engine_pending(e, c, EW__PENDING_PUB, ack && *ack ? ack : NULL);
  if (!token) {
    ew__fail(c, ack, EW_ELIMIT, "too many publishes in flight; retry");
    return;
  }
  /* JS takes the same op text as a /ws pub. */
  cJSON *op = cJSON_Duplicate(arg, 1);
  cJSON_AddStringToObject(op, "op", "pub");
  char *json = cJSON_PrintUnformatted(op);
  cJSON_Delete(op);
  if (!json) {
    ew__engine_answer_now(e, token, EW_ENOMEM, "out of memory");
    return;
  }
  atomic_fetch_add(&e->client_publishes, 1);
  ew__engine_post(e, EW_MSG_EVENT, token, (int64_t)c->id, json, strlen(json));
  cJSON_free(json);
}

/* EVENT "2[/nsp,][ack]<json array>" */
static void ew__on_event(ew__conn_t *c, const char *p, size_t n) {
  if (n && p[0] == '/') {
    const char *comma = memchr(p, ',', n);
    if (!comma || comma != p + 1) return; /* another namespace: not connected there */
    p += 2;
    n -= 2;
  }
  char ack[16] = "";
  size_t k = 0;
  while (k < n && k < sizeof ack - 1 && p[k] >= '0' && p[k] <= '9') {
    ack[k] = p[k];
    k++;
  }
  ack[k] = '\0';
  p += k;
  n -= k;
  if (c->sio_state != 2) {
    ew__fail(c, ack, EW_EINVAL, "connect to the namespace first");
    return;
  }
  ew__json_info_t info;
  cJSON *arr = NULL;
  if (ew__json_check(p, n, &info) || !(arr = cJSON_ParseWithLength(p, n)) || !cJSON_IsArray(arr) ||
      !cJSON_IsString(cJSON_GetArrayItem(arr, 0))) {
    cJSON_Delete(arr);
    ew__fail(c, ack, EW_EJSON, "an event is a JSON array [name, ...args]");
    return;
  }
  const char *name = cJSON_GetArrayItem(arr, 0)->valuestring;
  const cJSON *arg = cJSON_GetArrayItem(arr, 1);
  const char *list[4 * EW__MAX_PATTERNS];
  size_t np;
  char msg[256];
  if (info.has_nul_escape) {
    ew__fail(c, ack, EW_EJSON, "\\u0000 is not accepted in Socket.IO events");
  } else if (!strcmp(name, "subscribe")) {
    if (!ew__patterns(c, arg, ack, list, &np)) {
      int rc = ew__subs_add(c, list, np, msg, sizeof msg);
      if (rc)
        ew__fail(c, ack, rc, msg);
      else if (*ack)
        ew__ack(c, ack, "{\"ok\":true}");
    }
  } else if (!strcmp(name, "unsubscribe")) {
    if (!ew__patterns(c, arg, ack, list, &np)) {
      snprintf(msg, sizeof msg, "{\"ok\":true,\"removed\":%zu}", ew__subs_remove(c, list, np));
      if (*ack) ew__ack(c, ack, msg);
    }
  } else if (!strcmp(name, "publish")) {
    ew__on_publish(c, arg, ack);
  } else {
    ew__fail(c, ack, EW_EUNKNOWN_OP, "events are subscribe, unsubscribe and publish");
  }
  cJSON_Delete(arr);
}

void ew__sio_message(ew__conn_t *c, const char *msg, size_t len) {
  if (len == 0) {
    ew__conn_close(c, 1002, "empty Engine.IO packet");
    return;
  }
  switch (msg[0]) {
    case '1': /* close */
      ew__conn_close(c, 1000, "");
      return;
    case '2': /* a client ping (probe): answer */
      ew__send(c, "3", 1);
      return;
    case '3': /* pong: liveness is noted for every frame */
    case '6': /* noop */
      return;
    case '4':
      break;
    default:
      atomic_fetch_add(&c->srv->engine->protocol_errors, 1);
      ew__conn_close(c, 1002, "unknown Engine.IO packet");
      return;
  }
  const char *p = msg + 2;
  size_t n = len >= 2 ? len - 2 : 0;
  switch (len >= 2 ? msg[1] : '?') {
    case '0': ew__on_connect(c, p, n); return;
    case '1': /* namespace disconnect: socket.disconnect(), the client left on purpose */
      c->sio_state = 0; /* nothing to recover: no session saved (socket.io keeps none for it either) */
      ew__conn_close(c, 1000, "");
      return;
    case '2': ew__on_event(c, p, n); return;
    case '3': return; /* acks of server events: none are requested */
    case '5':
    case '6':
      ew__fail(c, NULL, EW_EINVAL, "binary attachments are not supported: send JSON");
      ew__conn_close(c, 1003, "binary attachments are not supported");
      return;
    default:
      atomic_fetch_add(&c->srv->engine->protocol_errors, 1);
      ew__conn_close(c, 1002, "unknown Socket.IO packet");
      return;
  }
}
