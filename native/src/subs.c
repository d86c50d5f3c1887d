/*
 * subs.c - a connection's subscriptions and its resume point, whatever the
 * transport (/ws JSON, Socket.IO, SSE). Engine thread only.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "names.h"
#include "redis.h"
#include "sio.h"

static int ew__has_pattern(const ew__conn_t *c, const char *p) {
  for (uint8_t i = 0; i < c->npatterns; i++)
    if (!strcmp(c->patterns[i], p)) return 1;
  return 0;
}

/* Bytes of s to quote in a message: at most max, cut before a UTF-8
 * continuation byte and before any control byte, so the message stays valid
 * text whatever the pattern held. */
static int ew__quotable(const char *s, size_t len, size_t max) {
  size_t n = len < max ? len : max;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\') {
      n = i;
      break;
    }
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
  /* n may now end after a lead byte whose sequence was cut: drop it too. */
  while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0xc0) n--;
  return (int)n;
}

int ew__subs_check(const ew_engine_t *e, const char *p, size_t len, char *msg, size_t msglen) {
  if (!ew_pattern_check(p, len, e->delim)) return 0;
  snprintf(msg, msglen,
           "invalid pattern \"%.*s%s\": 1..512 bytes of UTF-8 in at most 32 non-empty segments, no control "
           "characters; \"*\" is one segment, \"**\" zero or more, not twice in a row",
           ew__quotable(p, len, 64), p, (size_t)ew__quotable(p, len, 64) < len ? "…" : "");
  return EW_EPATTERN;
}

int ew__conn_allow(ew__conn_t *c, const char *patterns) {
  ew__free(c->allow);
  c->allow = NULL;
  size_t n = patterns ? strlen(patterns) : 0;
  if (!n) return 0;
  /* "a\nb" -> "a\0b\0\0": walked without splitting again per check. */
  c->allow = ew__malloc(n + 2);
  if (!c->allow) return EW_ENOMEM;
  for (size_t i = 0; i < n; i++) c->allow[i] = patterns[i] == '\n' ? '\0' : patterns[i];
  c->allow[n] = c->allow[n + 1] = '\0';
  return 0;
}

/* True when the client may hold `p`: no allow list, or p is within one of
 * its patterns (ew__pattern_within). */
static int ew__allowed(const ew__conn_t *c, const char *p) {
  if (!c->allow) return 1;
  const char *delim = c->srv->engine->delim;
  for (const char *a = c->allow; *a; a += strlen(a) + 1)
    if (ew__pattern_within(p, strlen(p), a, strlen(a), delim)) return 1;
  return 0;
}

int ew__subs_add(ew__conn_t *c, const char *const *patterns, size_t n, char *msg, size_t msglen) {
  ew_engine_t *e = c->srv->engine;
  c->skipping = 0; /* what the client had was for the patterns it resumed; a resume sets it again */
  for (size_t i = 0; i < n; i++) {
    if (!ew__allowed(c, patterns[i])) {
      size_t len = strlen(patterns[i]);
      int q = ew__quotable(patterns[i], len, 64); /* whole UTF-8 characters only */
      snprintf(msg, msglen, "pattern \"%.*s%s\" is not allowed for this client (server.authorize)", q, patterns[i],
               (size_t)q < len ? "…" : "");
      return EW_EFORBIDDEN;
    }
  }
  size_t fresh = 0;
  for (size_t i = 0; i < n; i++) {
    if (ew__has_pattern(c, patterns[i])) continue;
    int repeated = 0; /* the same pattern twice in one request counts once */
    for (size_t k = 0; k < i && !repeated; k++) repeated = !strcmp(patterns[k], patterns[i]);
    fresh += !repeated;
  }
  if (c->npatterns + fresh > EW__MAX_PATTERNS) {
    snprintf(msg, msglen, "at most %d patterns per connection", EW__MAX_PATTERNS);
    return EW_ELIMIT;
  }
  if (!fresh) return 0;
  char **grown = ew__realloc(c->patterns, (c->npatterns + fresh) * sizeof *grown);
  if (!grown) {
    snprintf(msg, msglen, "out of memory");
    return EW_ENOMEM;
  }
  c->patterns = grown;
  for (size_t i = 0; i < n; i++) {
    const char *p = patterns[i];
    if (ew__has_pattern(c, p)) continue;
    char *copy = ew__strndup(p, strlen(p));
    if (!copy || ew__matcher_add(e->matcher, p, strlen(p), c)) {
      ew__free(copy);
      snprintf(msg, msglen, "out of memory");
      return EW_ENOMEM;
    }
    c->patterns[c->npatterns++] = copy;
    atomic_fetch_add(&e->subscriptions, 1);
  }
  return 0;
}

size_t ew__subs_remove(ew__conn_t *c, const char *const *patterns, size_t n) {
  size_t removed = 0;
  c->skipping = 0;
  for (size_t k = 0; k < n; k++) {
    for (uint8_t i = 0; i < c->npatterns; i++) {
      if (strcmp(c->patterns[i], patterns[k])) continue;
      ew__matcher_remove(c->srv->engine->matcher, c->patterns[i], strlen(c->patterns[i]), c);
      ew__free(c->patterns[i]);
      c->patterns[i] = c->patterns[--c->npatterns];
      atomic_fetch_sub(&c->srv->engine->subscriptions, 1);
      removed++;
      break;
    }
  }
  return removed;
}

void ew__subs_clear(ew__conn_t *c) {
  for (uint8_t i = 0; i < c->npatterns; i++) {
    ew__matcher_remove(c->srv->engine->matcher, c->patterns[i], strlen(c->patterns[i]), c);
    ew__free(c->patterns[i]);
    atomic_fetch_sub(&c->srv->engine->subscriptions, 1);
  }
  ew__free(c->patterns);
  c->patterns = NULL;
  c->npatterns = 0;
  c->skipping = 0; /* a session given up: what comes next is new to the client */
}

int ew__since_parse(const char *s, size_t len, uint64_t *ms, uint64_t *seq) {
  if (ew__id_parse(s, len, ms, seq)) return EW_ESINCE;
  if (*ms > ew__now_ms() + 1000) return EW_ESINCE; /* in the future */
  return 0;
}

int ew__subs_resume(ew__conn_t *c, uint64_t ms, uint64_t seq, char *oldest, size_t oldest_len) {
  ew_engine_t *e = c->srv->engine;
  ew__history_t *h = &e->history;
  int rc = 0;
  c->skipping = 0;
  if (e->redis && ew__redis_ahead(e->redis, ms, seq)) {
    /* The id is ahead of this instance's relay (the client saw it on a
     * faster one): what the relay reads up to it is not sent again. Ids of
     * one stream only grow, so the first event past it ends the check. */
    c->skip_ms = ms;
    c->skip_seq = seq;
    c->skipping = 1;
  }
  if (ew__history_gap(h, ms, seq) && e->redis && ew__redis_replay(e->redis, c, ms, seq) == 0) {
    c->catching_up = 1; /* live events wait in the ring meanwhile */
    return EW__RESUME_ASYNC;
  }
  /* After the resume's id, also with a gap: in Redis mode the ring can hold
   * events older than its evicted mark (a publisher's own were never put in
   * it), and the client has those up to its id. */
  c->cursor = ew__history_after(h, ms, seq);
  if (ew__history_gap(h, ms, seq)) {
    ew__frame_t *f = ew__history_at(h, c->cursor);
    if (f)
      snprintf(oldest, oldest_len, "%llu-%llu", (unsigned long long)f->id_ms, (unsigned long long)f->id_seq);
    else
      oldest[0] = '\0';
    rc = EW_EHISTORY_GAP;
  }
  c->catching_up = c->cursor < h->head;
  ew__conn_mark_dirty(c);
  return rc;
}

void ew__subs_resumed(ew__conn_t *c, int err, const char *oldest) {
  if (c->wire == EW__WIRE_SSE) {
    if (err) {
      char json[160];
      snprintf(json, sizeof json, "{\"code\":\"ERR_HISTORY_GAP\",\"oldest\":\"%s\"}", oldest);
      ew__conn_notice(c, "gap", json);
    }
  } else if (c->wire == EW__WIRE_SIO) {
    ew__sio_resumed(c, err);
  } else {
    ew__wsproto_resumed(c, err, oldest);
  }
  ew__conn_mark_dirty(c);
}
