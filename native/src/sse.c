/*
 * sse.c - Server-Sent Events on the engine's server: GET /events
 * ?pattern=a.*&pattern=b.** with resume from Last-Event-ID (header) or
 * ?lastEventId=, the same backlog bounds and slow-client policy as /ws, and
 * heartbeat comments. Events go out as id/event/data lines built once per
 * event (frame.c) and shared by every SSE client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "sse.h"

/* Decodes %XX and '+' in place; returns the new length, or -1 on a bad escape. */
static long ew__url_decode(char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') {
      s[o++] = ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= n) return -1;
      char hex[3] = {s[i + 1], s[i + 2], 0};
      char *end;
      long v = strtol(hex, &end, 16);
      if (end != hex + 2 || v == 0) return -1; /* NUL stays refused */
      s[o++] = (char)v;
      i += 2;
    } else {
      s[o++] = s[i];
    }
  }
  return (long)o;
}

int ew__query_parse(const char *query, size_t len, ew__query_t *q) {
  memset(q, 0, sizeof *q);
  if (len >= sizeof q->buf) return -1;
  memcpy(q->buf, query, len);
  q->buf[len] = '\0';
  char *p = q->buf, *end = q->buf + len;
  while (p < end) {
    char *amp = memchr(p, '&', (size_t)(end - p));
    if (!amp) amp = end;
    *amp = '\0';
    char *eq = strchr(p, '=');
    char *val = eq ? eq + 1 : amp;
    if (eq) *eq = '\0';
    long kl = ew__url_decode(p, strlen(p)), vl = ew__url_decode(val, strlen(val));
    if (kl < 0 || vl < 0) return -1;
    p[kl] = '\0';
    val[vl] = '\0';
    if (q->n == EW__QUERY_MAX) return -1;
    q->keys[q->n] = p;
    q->vals[q->n++] = val;
    p = amp + 1;
  }
  return 0;
}

const char *ew__query_get(const ew__query_t *q, const char *key) {
  for (int i = 0; i < q->n; i++)
    if (!strcmp(q->keys[i], key)) return q->vals[i];
  return NULL;
}

void ew__sse_start(ew__conn_t *c, const ew__query_t *q, const char *last_event_id, size_t lei_len) {
  ew__server_t *s = c->srv;
  ew_engine_t *e = s->engine;
  char msg[256];
  const char *patterns[EW__QUERY_MAX];
  size_t n = 0;
  for (int i = 0; i < q->n; i++) {
    if (strcmp(q->keys[i], "pattern")) continue;
    int rc = ew__subs_check(e, q->vals[i], strlen(q->vals[i]), msg, sizeof msg);
    if (rc) {
      ew__http_error(c, 400, ew_err_name(rc), msg, NULL);
      return;
    }
    patterns[n++] = q->vals[i];
  }
  if (n == 0) patterns[n++] = "**";
  uint64_t sms = 0, sseq = 0;
  char since[EW_ID_MAX + 8] = "";
  const char *qid = ew__query_get(q, "lastEventId");
  if (lei_len && lei_len < sizeof since) {
    memcpy(since, last_event_id, lei_len); /* the header wins: EventSource sends it on reconnect */
    since[lei_len] = '\0';
  } else if (qid && strlen(qid) < sizeof since) {
    strcpy(since, qid);
  } else if (lei_len || qid) {
    ew__http_error(c, 400, "ERR_INVALID_SINCE", "Last-Event-ID must be an event id \"<ms>-<seq>\"", NULL);
    return;
  }
  if (*since && ew__since_parse(since, strlen(since), &sms, &sseq)) {
    ew__http_error(c, 400, "ERR_INVALID_SINCE", "Last-Event-ID must be the id \"<ms>-<seq>\" of a past event", NULL);
    return;
  }
  if (s->ws_conns >= (size_t)s->max_connections) {
    atomic_fetch_add(&e->handshake_rejects, 1);
    ew__http_error(c, 503, "ERR_LIMIT", "too many connections", "Retry-After: 1\r\n");
    return;
  }
  int rc = ew__subs_add(c, patterns, n, msg, sizeof msg);
  if (rc) {
    ew__subs_clear(c);
    ew__http_error(c, rc == EW_EFORBIDDEN ? 403 : 400, ew_err_name(rc), msg, NULL);
    return;
  }
  char head[256];
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                    "Cache-Control: no-cache, no-transform\r\nConnection: keep-alive\r\n"
                    "X-Accel-Buffering: no\r\n\r\nretry: %d\n\n",
                    s->sse_retry_ms);
  ew__frame_t *f = ew__frame_raw(head, (size_t)hl);
  if (!f) {
    ew__conn_kill(c);
    return;
  }
  ew__conn_send(c, f);
  ew__frame_unref(f);
  c->state = EW__CONN_OPEN;
  c->wire = EW__WIRE_SSE;
  c->is_ws = 1;
  s->ws_conns++;
  atomic_fetch_add(&e->connections_total, 1);
  atomic_store(&e->connections, s->ws_conns);
  if (*since) {
    char oldest[EW_ID_MAX];
    if (ew__subs_resume(c, sms, sseq, oldest, sizeof oldest) == EW_EHISTORY_GAP) {
      char json[160];
      snprintf(json, sizeof json, "{\"code\":\"ERR_HISTORY_GAP\",\"since\":\"%s\",\"oldest\":%s%s%s}", since,
               oldest[0] ? "\"" : "", oldest[0] ? oldest : "null", oldest[0] ? "\"" : "");
      ew__conn_notice(c, "gap", json);
    }
  }
  ew__conn_mark_dirty(c);
}

void ew__sse_heartbeat(ew__conn_t *c) {
  static const char ping[] = ": ping\n\n";
  ew__frame_t *f = ew__frame_raw(ping, sizeof ping - 1);
  if (!f) return;
  ew__conn_send(c, f);
  ew__frame_unref(f);
}
