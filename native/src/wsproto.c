/*
 * wsproto.c - the /ws JSON ops (docs/PROTOCOL.md): sub (with resume from
 * history), unsub, pub (through JS and back), ping. Every op gets exactly one
 * reply, `ack` or `error` with a code from the error table.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "conn.h"
#include "engine.h"
#include "json.h"

/* {"op":"ack"|"error","ref":<ref>,<extra>} */
static void ew__reply(ew__conn_t *c, const char *op, const char *ref_json, const char *extra) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "{\"op\":\"");
  ew__buf_adds(&b, op);
  ew__buf_adds(&b, "\"");
  if (ref_json) {
    ew__buf_adds(&b, ",\"ref\":");
    ew__buf_adds(&b, ref_json);
  }
  if (extra && *extra) {
    ew__buf_adds(&b, ",");
    ew__buf_adds(&b, extra);
  }
  ew__buf_adds(&b, "}");
  if (!b.failed) ew__ws_send_text(c, b.data, b.len);
  ew__buf_free(&b);
}

void ew__wsproto_error(ew__conn_t *c, const char *ref_json, int err, const char *message,
                       const char *extra_json) {
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_adds(&b, "\"code\":\"");
  ew__buf_adds(&b, ew_err_name(err));
  ew__buf_adds(&b, "\",\"message\":");
  ew__buf_add_json_str(&b, message, strlen(message));
  if (extra_json) {
    ew__buf_adds(&b, ",");
    ew__buf_adds(&b, extra_json);
  }
  if (!b.failed) ew__reply(c, "error", ref_json, b.data);
  ew__buf_free(&b);
  atomic_fetch_add(&c->srv->engine->op_errors, 1);
}

/* Collects `patterns` (a non-empty array of valid pattern strings) into
 * list; replies the error and returns -1 otherwise. */
static int ew__patterns_arg(ew__conn_t *c, const cJSON *arr, const char *ref, const char **list, size_t *n) {
  char msg[256];
  int size = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
  if (size == 0) {
    ew__wsproto_error(c, ref, EW_EINVAL, "patterns must be a non-empty array of strings", NULL);
    return -1;
  }
  if (size > 4 * EW__MAX_PATTERNS) {
    snprintf(msg, sizeof msg, "at most %d patterns per connection", EW__MAX_PATTERNS);
    ew__wsproto_error(c, ref, EW_ELIMIT, msg, NULL);
    return -1;
  }
  *n = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, arr) {
    if (!cJSON_IsString(it)) {
      ew__wsproto_error(c, ref, EW_EINVAL, "patterns must be a non-empty array of strings", NULL);
      return -1;
    }
    int rc = ew__subs_check(c->srv->engine, it->valuestring, strlen(it->valuestring), msg, sizeof msg);
    if (rc) {
      ew__wsproto_error(c, ref, rc, msg, NULL);
      return -1;
    }
    list[(*n)++] = it->valuestring;
  }
  return 0;
}

static void ew__op_sub(ew__conn_t *c, const cJSON *root, const char *ref) {
  const char *list[4 * EW__MAX_PATTERNS];
  size_t n;
  char msg[256];
  if (ew__patterns_arg(c, cJSON_GetObjectItemCaseSensitive(root, "patterns"), ref, list, &n)) return;
  const cJSON *since = cJSON_GetObjectItemCaseSensitive(root, "since");
  uint64_t sms = 0, sseq = 0;
  if (since && !cJSON_IsNull(since)) {
    if (!cJSON_IsString(since) || ew__since_parse(since->valuestring, strlen(since->valuestring), &sms, &sseq)) {
      ew__wsproto_error(c, ref, EW_ESINCE, "since must be the id \"<ms>-<seq>\" of a past event", NULL);
      return;
    }
    /* One resume per connection at a time: a second one (after unsubscribing
     * everything) while the first still replays would run two replays. */
    if (c->npatterns || c->catching_up || c->stream_catchup) {
      ew__wsproto_error(c, ref, EW_ESINCE,
                        "since is accepted only on the first sub of a connection: send all patterns in it",
                        NULL);
      return;
    }
  } else {
    since = NULL;
  }
  int rc = ew__subs_add(c, list, n, msg, sizeof msg);
  if (rc) {
    ew__wsproto_error(c, ref, rc, msg, NULL);
    return;
  }
  if (!since) {
    ew__reply(c, "ack", ref, NULL);
    return;
  }
  char oldest[EW_ID_MAX];
  int rc2 = ew__subs_resume(c, sms, sseq, oldest, sizeof oldest);
  if (rc2 == EW__RESUME_ASYNC) {
    ew__free(c->resume_ref); /* answered by ew__wsproto_resumed */
    c->resume_ref = ref ? ew__strndup(ref, strlen(ref)) : ew__strndup("", 0);
    return;
  }
  if (rc2 == EW_EHISTORY_GAP) {
    char extra[96];
    if (oldest[0])
      snprintf(extra, sizeof extra, "\"oldest\":\"%s\"", oldest);
    else
      snprintf(extra, sizeof extra, "\"oldest\":null");
    ew__wsproto_error(c, ref, EW_EHISTORY_GAP,
                      "events after since were evicted from history: replaying from the oldest kept", extra);
  } else {
    ew__reply(c, "ack", ref, NULL);
  }
}

static void ew__op_unsub(ew__conn_t *c, const cJSON *root, const char *ref) {
  const char *list[4 * EW__MAX_PATTERNS];
  size_t n;
  if (ew__patterns_arg(c, cJSON_GetObjectItemCaseSensitive(root, "patterns"), ref, list, &n)) return;
  char msg[32];
  snprintf(msg, sizeof msg, "\"removed\":%zu", ew__subs_remove(c, list, n));
  ew__reply(c, "ack", ref, msg);
}

void ew__wsproto_unsubscribe_all(ew__conn_t *c) { ew__subs_clear(c); }

void ew__wsproto_resumed(ew__conn_t *c, int err, const char *oldest) {
  if (!c->resume_ref) return;
  const char *ref = c->resume_ref[0] ? c->resume_ref : NULL;
  if (err) {
    char extra[96];
    snprintf(extra, sizeof extra, "\"oldest\":\"%s\"", oldest);
    ew__wsproto_error(c, ref, EW_EHISTORY_GAP,
                      "events after since were trimmed from the stream: replaying from the oldest kept", extra);
  } else {
    ew__reply(c, "ack", ref, NULL);
  }
  ew__free(c->resume_ref);
  c->resume_ref = NULL;
}

/* A client publish goes to JS (EW_MSG_EVENT with the raw op text, so data
 * reaches JSON.parse untouched), which checks it again and emits it like any
 * event; the record comes back with the token and the engine acks with the id.
 * The checks here answer the common mistakes without a round trip. */
static void ew__op_pub(ew__conn_t *c, const cJSON *root, const char *ref, const char *msg, size_t len) {
  ew_engine_t *e = c->srv->engine;
  if (!c->srv->allow_client_publish) {
    ew__wsproto_error(c, ref, EW_EFORBIDDEN, "this server does not accept pub (allowClientPublish is off)", NULL);
    return;
  }
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
  if (!cJSON_IsString(type)) {
    ew__wsproto_error(c, ref, EW_EINVAL, "pub needs a string type", NULL);
    return;
  }
  if (ew_event_name_check(type->valuestring, strlen(type->valuestring), e->delim)) {
    ew__wsproto_error(c, ref, EW_EEVENT_NAME,
                      "type must be a concrete event name (no wildcard segment, 1..512 bytes, no empty segment)",
                      NULL);
    return;
  }
  const cJSON *prio = cJSON_GetObjectItemCaseSensitive(root, "priority");
  if (prio && !(cJSON_IsString(prio) && (!strcmp(prio->valuestring, "low") || !strcmp(prio->valuestring, "normal") ||
                                         !strcmp(prio->valuestring, "high") || !strcmp(prio->valuestring, "critical")))) {
    ew__wsproto_error(c, ref, EW_EINVAL, "priority must be low, normal, high or critical", NULL);
    return;
  }
  const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
  if (meta && !cJSON_IsObject(meta)) {
    ew__wsproto_error(c, ref, EW_EINVAL, "metadata must be an object", NULL);
    return;
  }
  uint32_t token = ew__engine_pending(e, c, EW__PENDING_PUB, ref);
  if (!token) {
    ew__wsproto_error(c, ref, EW_ELIMIT, "too many publishes in flight; retry", NULL);
    return;
  }
  atomic_fetch_add(&e->client_publishes, 1);
  ew__engine_post(e, EW_MSG_EVENT, token, (int64_t)c->id, msg, len);
}

/* True when the top-level member holds a \u0000, which cJSON would cut at. */
static int ew__nul_in(const ew__json_info_t *info, const char *key) {
  const ew__json_member_t *m = ew__json_member(info, key);
  return m && m->has_nul_escape;
}

void ew__wsproto_message(ew__conn_t *c, const char *msg, size_t len) {
  ew__json_info_t info;
  if (ew__json_check(msg, len, &info)) {
    ew__wsproto_error(c, NULL, EW_EJSON, "each message must be one JSON object (RFC 8259) with an op", NULL);
    return;
  }
  const ew__json_member_t *refm = ew__json_member(&info, "ref");
  char *ref = refm ? ew__strndup(refm->val, refm->val_len) : NULL; /* echoed verbatim */
  cJSON *root = cJSON_ParseWithLength(msg, len);
  const cJSON *op = root ? cJSON_GetObjectItemCaseSensitive(root, "op") : NULL;
  const char *name = cJSON_IsString(op) && !ew__nul_in(&info, "op") ? op->valuestring : "";
  if (!root || !cJSON_IsObject(root)) {
    ew__wsproto_error(c, ref, EW_EJSON, "each message must be a JSON object with an op", NULL);
  } else if (info.duplicate_key) {
    ew__wsproto_error(c, ref, EW_EJSON, "a key appears twice in the op (or the op has over 16 keys)", NULL);
  } else if (!strcmp(name, "sub") || !strcmp(name, "unsub")) {
    if (ew__nul_in(&info, "patterns"))
      ew__wsproto_error(c, ref, EW_EPATTERN, "patterns must not contain NUL characters", NULL);
    else if (ew__nul_in(&info, "since"))
      ew__wsproto_error(c, ref, EW_ESINCE, "since must be an event id \"<ms>-<seq>\"", NULL);
    else if (name[0] == 's')
      ew__op_sub(c, root, ref);
    else
      ew__op_unsub(c, root, ref);
  } else if (!strcmp(name, "pub")) {
    if (ew__nul_in(&info, "type"))
      ew__wsproto_error(c, ref, EW_EEVENT_NAME, "type must not contain NUL characters", NULL);
    else if (ew__nul_in(&info, "priority"))
      ew__wsproto_error(c, ref, EW_EINVAL, "priority must be low, normal, high or critical", NULL);
    else
      ew__op_pub(c, root, ref, msg, len); /* data and metadata go to JS whole */
  } else if (!strcmp(name, "ping")) {
    ew__reply(c, "ack", ref, NULL);
  } else {
    ew__wsproto_error(c, ref, EW_EUNKNOWN_OP, "op must be one of sub, unsub, pub, ping", NULL);
  }
  ew__free(ref);
  cJSON_Delete(root);
}
