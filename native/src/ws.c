/*
 * ws.c - reading WebSocket frames from clients, strictly (RFC 6455 §5).
 *
 * lws 4.1.6's own parser accepts unmasked client frames, invalid UTF-8 and
 * bad close frames, so the engine upgrades connections itself (http.c) and
 * parses frames here: masks are required, reserved bits and opcodes refused,
 * control frames must be short and unfragmented, lengths minimal, messages
 * bounded (1009 as soon as a header announces too much), text checked as
 * UTF-8 while it arrives (1007), binary refused (1003).
 */
#include <string.h>

#include "alloc.h"
#include "conn.h"
#include "engine.h"
#include "sio.h"

enum {
  EW__OP_CONT = 0,
  EW__OP_TEXT = 1,
  EW__OP_BINARY = 2,
  EW__OP_CLOSE = 8,
  EW__OP_PING = 9,
  EW__OP_PONG = 10
};

/* Incremental UTF-8 check. State: bits 0-1 continuation bytes still needed,
 * bits 8-15 and 16-23 the allowed range of the next one (which rules out
 * overlongs, surrogates and code points past U+10FFFF). Returns 0 on error. */
static int ew__utf8_step(uint32_t *st, uint8_t b) {
  uint32_t need = *st & 3, lo = (*st >> 8) & 0xff, hi = (*st >> 16) & 0xff;
  if (need) {
    if (b < lo || b > hi) return 0;
    *st = (need - 1) | (0x80u << 8) | (0xBFu << 16);
    return 1;
  }
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) *st = 1 | (0x80u << 8) | (0xBFu << 16);
  else if (b == 0xE0) *st = 2 | (0xA0u << 8) | (0xBFu << 16);
  else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) *st = 2 | (0x80u << 8) | (0xBFu << 16);
  else if (b == 0xED) *st = 2 | (0x80u << 8) | (0x9Fu << 16);
  else if (b == 0xF0) *st = 3 | (0x90u << 8) | (0xBFu << 16);
  else if (b >= 0xF1 && b <= 0xF3) *st = 3 | (0x80u << 8) | (0xBFu << 16);
  else if (b == 0xF4) *st = 3 | (0x80u << 8) | (0x8Fu << 16);
  else return 0;
  return 1;
}

static int ew__utf8_ok(const uint8_t *p, size_t n) {
  uint32_t st = 0;
  for (size_t i = 0; i < n; i++)
    if (!ew__utf8_step(&st, p[i])) return 0;
  return (st & 3) == 0;
}

void ew__ws_send_text(ew__conn_t *c, const char *json, size_t len) {
  ew__frame_t *f = ew__frame_ws(EW__OP_TEXT, json, len);
  if (!f) return;
  ew__conn_send(c, f);
  ew__frame_unref(f);
}

/* Closes for a protocol violation and stops reading. */
static int ew__ws_fail(ew__conn_t *c, uint16_t code, const char *reason) {
  atomic_fetch_add(&c->srv->engine->protocol_errors, 1);
  ew__conn_close(c, code, reason);
  return 0;
}

static int ew__close_code_ok(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

static void ew__on_control(ew__conn_t *c) {
  const uint8_t *p = c->ctl;
  size_t n = c->ctl_len;
  switch (c->opcode) {
    case EW__OP_PING: {
      ew__frame_t *f = ew__frame_ws(EW__OP_PONG, p, n);
      if (f) {
        ew__conn_send(c, f);
        ew__frame_unref(f);
      }
      break;
    }
    case EW__OP_PONG:
      break; /* liveness is noted for every frame */
    case EW__OP_CLOSE: {
      if (n == 1) {
        ew__ws_fail(c, 1002, "bad close frame");
        break;
      }
      uint16_t code = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 1000;
      if (n >= 2 && !ew__close_code_ok(code)) {
        ew__ws_fail(c, 1002, "bad close code");
        break;
      }
      if (n > 2 && !ew__utf8_ok(p + 2, n - 2)) {
        ew__ws_fail(c, 1007, "close reason is not UTF-8");
        break;
      }
      ew__conn_close(c, code, ""); /* echo the code, then close */
      break;
    }
  }
  c->ctl_len = 0;
}

static int ew__grow_rx(ew__conn_t *c, size_t need) {
  if (c->rx_cap >= need) return 0;
  size_t cap = c->rx_cap ? c->rx_cap : 256;
  while (cap < need) cap *= 2;
  uint8_t *rx = ew__realloc(c->rx, cap);
  if (!rx) return EW_ENOMEM;
  c->rx = rx;
  c->rx_cap = (uint32_t)cap;
  return 0;
}

/* Validates a complete header; sets up the payload read. 0, or closes. */
static int ew__on_header(ew__conn_t *c) {
  const uint8_t *h = c->hdr;
  uint8_t fin = h[0] & 0x80, rsv = h[0] & 0x70, op = h[0] & 0x0f;
  uint8_t len7 = h[1] & 0x7f;
  uint64_t len = len7;
  size_t at = 2;
  if (len7 == 126) {
    len = (uint64_t)h[2] << 8 | h[3];
    at = 4;
    if (len < 126) return ew__ws_fail(c, 1002, "non-minimal length"), -1;
  } else if (len7 == 127) {
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | h[2 + i];
    at = 10;
    if (len >> 63) return ew__ws_fail(c, 1002, "length too large"), -1;
    if (len <= 0xffff) return ew__ws_fail(c, 1002, "non-minimal length"), -1;
  }
  memcpy(c->mask, h + at, 4);
  if (rsv) return ew__ws_fail(c, 1002, "reserved bits set"), -1;
  if (!(h[1] & 0x80)) return ew__ws_fail(c, 1002, "client frames must be masked"), -1;
  if (op >= 8) {
    if (op != EW__OP_CLOSE && op != EW__OP_PING && op != EW__OP_PONG)
      return ew__ws_fail(c, 1002, "reserved opcode"), -1;
    if (!fin || len > 125) return ew__ws_fail(c, 1002, "bad control frame"), -1;
  } else {
    if (op != EW__OP_CONT && op != EW__OP_TEXT && op != EW__OP_BINARY)
      return ew__ws_fail(c, 1002, "reserved opcode"), -1;
    if (op == EW__OP_CONT && !c->msg_opcode) return ew__ws_fail(c, 1002, "unexpected continuation"), -1;
    if (op != EW__OP_CONT && c->msg_opcode) return ew__ws_fail(c, 1002, "expected continuation"), -1;
    if (op == EW__OP_BINARY) return ew__ws_fail(c, 1003, "binary messages are not supported"), -1;
    if (op == EW__OP_TEXT) {
      c->msg_opcode = EW__OP_TEXT;
      c->utf8_state = 0;
      c->rx_len = 0;
    }
    if ((uint64_t)c->rx_len + len > c->srv->max_payload)
      return ew__ws_fail(c, 1009, "message too big"), -1;
    if (ew__grow_rx(c, c->rx_len + (size_t)len + 1)) return ew__conn_kill(c), -1;
  }
  c->opcode = op;
  c->fin = fin ? 1 : 0;
  c->remaining = len;
  c->payload_pos = 0;
  if (op >= 8 && !c->ctl) {
    c->ctl = ew__malloc(125);
    if (!c->ctl) return ew__conn_kill(c), -1;
  }
  return 0;
}

/* The frame's payload is complete. */
static void ew__on_frame_end(ew__conn_t *c) {
  if (c->opcode >= 8) {
    ew__on_control(c);
    return;
  }
  if (!c->fin) return;
  if ((c->utf8_state & 3) != 0) {
    ew__ws_fail(c, 1007, "text is not UTF-8");
    return;
  }
  c->msg_opcode = 0;
  c->rx[c->rx_len] = '\0';
  size_t n = c->rx_len;
  c->rx_len = 0;
  if (c->wire == EW__WIRE_SIO)
    ew__sio_message(c, (const char *)c->rx, n);
  else
    ew__wsproto_message(c, (const char *)c->rx, n);
  /* Client messages are rare (ops): an idle connection keeps no buffer. */
  if (c->rx_cap) {
    ew__free(c->rx);
    c->rx = NULL;
    c->rx_cap = 0;
  }
}

int ew__ws_rx(ew__conn_t *c, const uint8_t *in, size_t len) {
  size_t i = 0;
  c->awaiting_pong = 0; /* any byte from the peer proves it is alive */
  while (i < len) {
    if (c->state != EW__CONN_OPEN) return 0; /* closing: ignore the rest */
    if (c->hdr_need == 0 || c->hdr_len < c->hdr_need) {
      /* Reading a header: 2 bytes tell how long it is. */
      if (c->hdr_need == 0) c->hdr_need = 2;
      c->hdr[c->hdr_len++] = in[i++];
      if (c->hdr_len == 2) {
        uint8_t len7 = c->hdr[1] & 0x7f;
        c->hdr_need = (uint8_t)(2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((c->hdr[1] & 0x80) ? 4 : 0));
        if (!(c->hdr[1] & 0x80)) {
          ew__ws_fail(c, 1002, "client frames must be masked");
          return 0;
        }
      }
      if (c->hdr_len < c->hdr_need) continue;
      if (ew__on_header(c)) return 0;
      if (c->remaining == 0) {
        c->hdr_len = c->hdr_need = 0;
        ew__on_frame_end(c);
      }
      continue;
    }
    /* Payload bytes: unmask into the message or control buffer. */
    size_t take = len - i;
    if (take > c->remaining) take = (size_t)c->remaining;
    for (size_t k = 0; k < take; k++) {
      uint8_t b = in[i + k] ^ c->mask[(c->payload_pos + k) & 3];
      if (c->opcode >= 8) {
        c->ctl[c->ctl_len++] = b;
      } else {
        c->rx[c->rx_len++] = b;
        if (!ew__utf8_step(&c->utf8_state, b)) {
          ew__ws_fail(c, 1007, "text is not UTF-8");
          return 0;
        }
      }
    }
    i += take;
    c->payload_pos += take;
    c->remaining -= take;
    if (c->remaining == 0) {
      c->hdr_len = c->hdr_need = 0;
      ew__on_frame_end(c);
    }
  }
  return 0;
}
