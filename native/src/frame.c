/* frame.c - shared encoded frames (see frame.h). */
#include "frame.h"

#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "eventwire.h"
#include <stdio.h>

/* Writes a server (unmasked) frame header; returns its length (2, 4 or 10). */
static size_t ew__ws_header(uint8_t *h, uint8_t opcode, size_t len) {
  h[0] = (uint8_t)(0x80 | opcode);
  if (len < 126) {
    h[1] = (uint8_t)len;
    return 2;
  }
  if (len <= 0xffff) {
    h[1] = 126;
    h[2] = (uint8_t)(len >> 8);
    h[3] = (uint8_t)len;
    return 4;
  }
  h[1] = 127;
  for (int i = 0; i < 8; i++) h[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
  return 10;
}

static ew__frame_t *ew__frame_alloc(size_t len, size_t extra) {
  ew__frame_t *f = ew__malloc(sizeof *f + len + extra);
  if (!f) return NULL;
  memset(f, 0, sizeof *f);
  f->refs = 1;
  f->len = (uint32_t)len;
  f->prio = EW__PRIO_NORMAL;
  return f;
}

ew__frame_t *ew__frame_ws(uint8_t opcode, const void *payload, size_t len) {
  uint8_t h[10];
  size_t hl = ew__ws_header(h, opcode, len);
  ew__frame_t *f = ew__frame_alloc(hl + len, 0);
  if (!f) return NULL;
  memcpy(f->data, h, hl);
  if (len) memcpy(f->data + hl, payload, len);
  f->hdr_len = (uint32_t)hl;
  return f;
}

ew__frame_t *ew__frame_raw(const void *bytes, size_t len) {
  ew__frame_t *f = ew__frame_alloc(len, 0);
  if (f) memcpy(f->data, bytes, len);
  return f;
}

ew__frame_t *ew__frame_close(uint16_t code, const char *reason) {
  uint8_t p[125];
  size_t rl = reason ? strlen(reason) : 0;
  if (rl > sizeof p - 2) rl = sizeof p - 2;
  p[0] = (uint8_t)(code >> 8);
  p[1] = (uint8_t)code;
  if (rl) memcpy(p + 2, reason, rl);
  return ew__frame_ws(8, p, rl + 2);
}

void ew__frame_unref(ew__frame_t *f) {
  if (!f || --f->refs) return;
  ew__frame_unref(f->alt[0]);
  ew__frame_unref(f->alt[1]);
  ew__free(f);
}

/* Socket.IO: 42["<type>",<envelope>,"<id>"] (the id is the recovery offset);
 * SSE: id/event/data lines. */
ew__frame_t *ew__frame_wire(ew__frame_t *f, ew__wire_t wire) {
  if (wire == EW__WIRE_WS || !f->is_event) return f;
  ew__frame_t **slot = &f->alt[wire == EW__WIRE_SIO ? 0 : 1];
  if (*slot) return *slot;
  size_t plen;
  const char *env = ew__frame_payload(f, &plen);
  char id[EW_ID_MAX];
  int idn = (int)ew__id_put(id, f->id_ms, f->id_seq);
  ew__buf_t b;
  ew__buf_init(&b);
  ew__frame_t *alt = NULL;
  if (wire == EW__WIRE_SIO) {
    /* socket.io-client treats these names as its own and drops the
     * connection on them: such events go out as "eventwire:<name>". */
    static const char *const reserved[] = {"connect", "connect_error", "disconnect", "disconnecting",
                                           "newListener", "removeListener"};
    int is_reserved = 0;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
      if (f->type_len == strlen(reserved[i]) && !memcmp(f->type, reserved[i], f->type_len)) is_reserved = 1;
    ew__buf_add(&b, "42[", 3);
    if (is_reserved) {
      char name[40];
      int nl = snprintf(name, sizeof name, "eventwire:%.*s", (int)f->type_len, f->type);
      ew__buf_add_json_str(&b, name, (size_t)nl);
    } else {
      ew__buf_add_json_str(&b, f->type, f->type_len);
    }
    ew__buf_add(&b, ",", 1);
    ew__buf_add(&b, env, plen);
    ew__buf_add(&b, ",\"", 2);
    ew__buf_add(&b, id, (size_t)idn);
    ew__buf_add(&b, "\"]", 2);
    if (!b.failed) alt = ew__frame_ws(1, b.data, b.len);
  } else {
    ew__buf_add(&b, "id: ", 4);
    ew__buf_add(&b, id, (size_t)idn);
    ew__buf_add(&b, "\nevent: ", 8);
    ew__buf_add(&b, f->type, f->type_len);
    ew__buf_add(&b, "\ndata: ", 7);
    ew__buf_add(&b, env, plen);
    ew__buf_add(&b, "\n\n", 2);
    if (!b.failed) alt = ew__frame_raw(b.data, b.len);
  }
  ew__buf_free(&b);
  if (!alt) return NULL;
  alt->is_event = 1;
  alt->prio = f->prio;
  alt->id_ms = f->id_ms;
  alt->id_seq = f->id_seq;
  /* alt may outlive f (a backlog holds it): it keeps no pointer into f. */
  *slot = alt;
  return alt;
}

int ew__id_parse(const char *s, size_t len, uint64_t *ms, uint64_t *seq) {
  const char *dash = memchr(s, '-', len);
  if (!dash || dash == s || dash == s + len - 1) return EW_ESINCE;
  uint64_t v[2] = {0, 0};
  const char *parts[2][2] = {{s, dash}, {dash + 1, s + len}};
  for (int k = 0; k < 2; k++) {
    if (parts[k][1] - parts[k][0] > 19) return EW_ESINCE; /* would overflow */
    for (const char *p = parts[k][0]; p < parts[k][1]; p++) {
      if (*p < '0' || *p > '9') return EW_ESINCE;
      v[k] = v[k] * 10 + (uint64_t)(*p - '0');
    }
  }
  *ms = v[0];
  *seq = v[1];
  return 0;
}

ew__prio_t ew__prio_parse(const char *s, size_t len) {
  if (len == 3 && !memcmp(s, "low", 3)) return EW__PRIO_LOW;
  if (len == 4 && !memcmp(s, "high", 4)) return EW__PRIO_HIGH;
  if (len == 8 && !memcmp(s, "critical", 8)) return EW__PRIO_CRITICAL;
  return EW__PRIO_NORMAL;
}

void ew__envelope_json(ew__buf_t *b, const ew__event_fields_t *f) {
  ew__buf_add(b, "{\"id\":\"", 7);
  ew__buf_add(b, f->id, f->id_len);
  ew__buf_add(b, "\",\"type\":", 9);
  ew__buf_add_json_str(b, f->type, f->type_len);
  ew__buf_add(b, ",\"data\":", 8);
  ew__buf_add(b, f->data, f->data_len);
  if (f->source_len) {
    ew__buf_add(b, ",\"source\":", 10);
    ew__buf_add_json_str(b, f->source, f->source_len);
  }
  ew__buf_add(b, ",\"timestamp\":", 13);
  ew__buf_add(b, f->ts, f->ts_len);
  if (f->priority_len) {
    ew__buf_add(b, ",\"priority\":", 12);
    ew__buf_add_json_str(b, f->priority, f->priority_len);
  }
  if (f->metadata_len) {
    ew__buf_add(b, ",\"metadata\":", 12);
    ew__buf_add(b, f->metadata, f->metadata_len);
  }
  if (f->version_len) {
    ew__buf_add(b, ",\"version\":", 11);
    ew__buf_add(b, f->version, f->version_len);
  }
  ew__buf_add(b, "}", 1);
}

ew__frame_t *ew__frame_event(const ew__event_fields_t *f) {
  uint64_t ms, seq;
  if (ew__id_parse(f->id, f->id_len, &ms, &seq)) return NULL;
  ew__buf_t b;
  ew__buf_init(&b);
  ew__buf_reserve(&b, 10 + 96 + f->type_len + f->source_len + f->metadata_len + f->data_len);
  b.len = 10; /* room for the largest header; the real one is moved in below */
  ew__envelope_json(&b, f);
  if (b.failed) {
    ew__buf_free(&b);
    return NULL;
  }
  size_t plen = b.len - 10;
  uint8_t h[10];
  size_t hl = ew__ws_header(h, 1, plen);
  ew__frame_t *fr = ew__frame_alloc(hl + plen, (size_t)f->type_len + 1);
  if (fr) {
    memcpy(fr->data, h, hl);
    memcpy(fr->data + hl, b.data + 10, plen);
    fr->hdr_len = (uint32_t)hl;
    fr->is_event = 1;
    fr->prio = (uint8_t)ew__prio_parse(f->priority, f->priority_len);
    fr->id_ms = ms;
    fr->id_seq = seq;
    fr->type = (char *)fr->data + fr->len;
    memcpy(fr->type, f->type, f->type_len);
    fr->type[f->type_len] = '\0';
    fr->type_len = (uint16_t)f->type_len;
  }
  ew__buf_free(&b);
  return fr;
}
